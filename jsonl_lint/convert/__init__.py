"""``jsonl-lint convert``: other shapes of fine-tuning data into chat JSONL, losing nothing.

One module per source format, chosen from :data:`SOURCES`; each yields a converted record or a
rejection (with its line and reason) for every input row. :func:`convert_file` writes the
records, and the rejections, atomically, and never over its input.
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

import orjson

from jsonl_lint.atomic import atomic_write
from jsonl_lint.convert import alpaca, chat, completion, sharegpt, table
from jsonl_lint.convert.rows import ConvertOptions, Converted, Notes, Rejected, Restart, Row, Written
from jsonl_lint.problems import UsageError

__all__ = ["SOURCES", "ConversionSummary", "ConvertOptions", "convert_file", "detect_source"]

SOURCES = {
    "completion": "legacy prompt-completion JSONL (babbage-002, davinci-002)",
    "csv": "a comma-separated table with a header",
    "tsv": "a tab-separated table with a header",
    "sharegpt": 'ShareGPT JSONL ({"conversations": [{"from", "value"}]})',
    "alpaca": "Alpaca JSONL (instruction, input, output)",
    "chat": "chat JSONL: legacy functions to tools, bare message arrays wrapped",
}


@dataclass(slots=True)
class ConversionSummary:
    source: str
    converted: int = 0
    rejected: int = 0
    notes: list[str] = field(default_factory=list)


class _Prepended(io.RawIOBase):
    """A stream that gives back ``head`` (lines already read, to detect the format) first."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size], self._head = self._head[:size], self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _head_lines(stream: BinaryIO, limit: int = 20) -> bytes:
    """The first lines of ``stream`` up to and including its first non-blank one."""
    head = b""
    for _ in range(limit):
        line = stream.readline()
        head += line
        if not line or line.strip():
            break
    return head


def detect_source(path: str, head: bytes) -> str:
    """The source format from the file's extension, else from its first JSON line's keys."""
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".tsv"):
        return suffix[1:]
    for line in head.splitlines():
        if not line.strip():
            continue
        try:
            value = orjson.loads(line.removeprefix(b"\xef\xbb\xbf"))
        except orjson.JSONDecodeError:
            continue
        if isinstance(value, list) or (isinstance(value, dict) and ("messages" in value)):
            return "chat"
        if isinstance(value, dict):
            if "conversations" in value:
                return "sharegpt"
            if "instruction" in value:
                return "alpaca"
            if "prompt" in value or "completion" in value:
                return "completion"
        break
    raise UsageError(f"cannot tell the format of {path}: name it with --from ({', '.join(SOURCES)})")


def _rows(source: str, path: str, stream: BinaryIO, options: ConvertOptions, notes: Notes, *, can_restart: bool) -> Iterator[Row]:
    if source == "completion":
        opened = [stream]  # the first pass reads the stream given; a file is opened again

        def open_input() -> BinaryIO:
            return opened.pop() if opened else open(path, "rb")

        # One process: the work per byte is light, and worker processes measured slower (fork and
        # pipes cost more than they save: 129 against 135 MB/s on 315 MB of make_dataset data).
        return completion.convert(open_input, path == "-", options, notes, can_restart=can_restart)
    if source in ("csv", "tsv"):
        return table.convert(stream, "," if source == "csv" else "\t", options, notes)
    module = {"sharegpt": sharegpt, "alpaca": alpaca, "chat": chat}[source]
    return _with_system(module.convert(stream, notes), options.system)


def _with_system(rows: Iterator[Row], system: str | None) -> Iterator[Row]:
    for row in rows:
        if system and isinstance(row, Converted) and row.record["messages"][0].get("role") != "system":
            messages = [{"role": "system", "content": system}, *row.record["messages"]]
            row = Converted(row.line, {**row.record, "messages": messages})
        yield row


def _write_lines(out: IO[bytes], lines: list[bytes]) -> None:
    """Write and empty ``lines``, one a line (a trailing empty item makes the final newline)."""
    lines.append(b"")
    out.write(b"\n".join(lines))
    lines.clear()


def _same_file(a: str, b: str) -> bool:
    with contextlib.suppress(OSError):
        return os.path.samefile(a, b)
    return False


@contextlib.contextmanager
def _output(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    else:
        with atomic_write(path) as out:
            yield out  # type: ignore[misc]


def convert_file(
    input_path: str,
    output_path: str,
    *,
    rejects_path: str | None = None,
    options: ConvertOptions | None = None,
    on_reject: Callable[[Rejected], None] | None = None,
) -> ConversionSummary:
    """Convert ``input_path`` ("-": standard input) to chat JSONL at ``output_path`` ("-":
    standard output). The output appears only complete. Rejected rows are spooled, then written
    to ``rejects_path`` (JSONL: line, text, reason) and passed to ``on_reject`` at the end: a
    conversion that starts over (:class:`Restart`) reports each of them once."""
    options = options or ConvertOptions()
    for other in (output_path, rejects_path):
        if other and other != "-" and input_path != "-" and (_same_file(input_path, other) or os.path.abspath(other) == os.path.abspath(input_path)):
            raise UsageError(f"{other}: is the input file; convert never overwrites its input")
    try:
        original: BinaryIO = sys.stdin.buffer if input_path == "-" else open(input_path, "rb")
    except OSError as error:
        raise UsageError(f"{input_path}: {error.strerror or error}") from None
    stream = original
    try:
        source = options.source
        if source is None:
            head = _head_lines(stream)
            source = detect_source(input_path, head)
            stream = io.BufferedReader(_Prepended(head, original))
        notes = Notes()
        summary = ConversionSummary(source=source)
        # Rejections are spooled and reported at the end: a Restart voids them with the output.
        with _output(output_path) as out, tempfile.TemporaryFile() as spool:
            pending: list[bytes] = []  # written in blocks: one write per row costs more than the row
            dumps = orjson.dumps
            for row in _rows(source, input_path, stream, options, notes, can_restart=output_path != "-"):
                if isinstance(row, Restart):  # never for standard output: it cannot be taken back
                    pending.clear()
                    for sink in (out, spool):
                        sink.seek(0)
                        sink.truncate()
                    summary.converted = summary.rejected = 0
                    continue
                if isinstance(row, Written):  # a block of records, serialised already
                    if pending:
                        _write_lines(out, pending)
                    out.write(row.data)
                    summary.converted += row.records
                    continue
                if isinstance(row, Converted):
                    try:
                        pending.append(dumps(row.record))
                    except TypeError:  # text that was not UTF-8 in the input (kept as surrogates)
                        row = Rejected(row.line, "", "the row is not valid UTF-8")
                    else:
                        summary.converted += 1
                        if len(pending) >= 1024:
                            _write_lines(out, pending)
                        continue
                summary.rejected += 1
                spool.write(dumps({"line": row.line, "text": row.text, "reason": row.reason}) + b"\n")
            if pending:
                _write_lines(out, pending)
            spool.seek(0)
            if rejects_path:
                with _output(rejects_path) as rejects:
                    shutil.copyfileobj(spool, rejects)
                spool.seek(0)
            if on_reject is not None:
                for line in spool:
                    item = orjson.loads(line)
                    on_reject(Rejected(item["line"], item["text"], item["reason"]))
        summary.notes = notes.lines
        return summary
    except table.ColumnError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"{error.filename or output_path}: {error.strerror or error}") from None
    finally:
        if input_path != "-":
            original.close()
