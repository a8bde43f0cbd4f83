"""The one writer of ``convert``: records to the output (atomically), rejections and warnings
spooled and reported at the end, ``--system`` added, every write checked."""

from __future__ import annotations

import base64
import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from jsonl_lint.atomic import atomic_write
from jsonl_lint.convert.escapes import (
    Escapes,
    record_has_escaped_newlines,
    unescape_record,
)
from jsonl_lint.convert.foreign import Retarget, describe
from jsonl_lint.convert.inputs import Input
from jsonl_lint.convert.registry import REGISTRY, detect_source
from jsonl_lint.convert.rows import (
    Blank,
    Converted,
    ConvertOptions,
    Flagged,
    Notes,
    Rejected,
    Restart,
    Row,
    Written,
    system_prefix,
    text_of,
)
from jsonl_lint.problems import UsageError

_NAMED_BLANKS = 10  # blank lines named in the summary; more are counted


@dataclass(slots=True)
class ConversionSummary:
    source: str
    converted: int = 0
    rejected: int = 0
    flagged: int = 0
    blank_lines: list[int] = field(default_factory=list)  # the first few, to name them
    blanks: int = 0
    notes: list[str] = field(default_factory=list)


def _target(path: str) -> str:
    return "standard output" if path == "-" else path


class _Checked:
    """Writes to ``out``; a failed write is a :class:`UsageError` that names the target."""

    def __init__(self, out: IO[bytes], path: str) -> None:
        self._out, self._path = out, path

    def write(self, data: bytes) -> None:
        try:
            self._out.write(data)
        except OSError as error:
            _fail_write(self._path, error)

    def rewind(self) -> None:
        try:
            self._out.seek(0)
            self._out.truncate()
        except OSError as error:
            _fail_write(self._path, error)


def _fail_write(path: str, error: OSError) -> None:
    if path == "-":  # nothing more can reach standard output: no second error when Python exits
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    raise UsageError(f"{_target(path)}: cannot write: {error.strerror or error}") from None


@contextlib.contextmanager
def _output(path: str) -> Iterator[_Checked]:
    """The output, written completely or not at all: a file atomically (its temporary file is
    removed on any error); standard output from a temporary file once complete, so that a
    conversion can start over (:class:`Restart`) whatever the output."""
    in_body = True
    try:
        if path == "-":
            with tempfile.TemporaryFile() as spool:
                yield _Checked(spool, "a temporary file")
                in_body = False
                spool.seek(0)
                out = _Checked(sys.stdout.buffer, path)
                while block := spool.read(1 << 20):
                    out.write(block)
                try:
                    sys.stdout.buffer.flush()
                except OSError as error:
                    _fail_write(path, error)
        else:
            with atomic_write(path) as out_file:
                yield _Checked(out_file, path)
                in_body = False
    except OSError as error:
        if in_body:
            raise
        _fail_write(path, error)


def _same_file(a: str, b: str) -> bool:
    with contextlib.suppress(OSError):
        if os.path.samefile(a, b):  # through symbolic and hard links
            return True
    return os.path.realpath(a) == os.path.realpath(b)


def refuse_overwrites(input_path: str, output_path: str, rejects_path: str | None) -> None:
    """Exit 2 when an output would overwrite the input, or the rejects the output."""
    for other in (output_path, rejects_path):
        if other and other != "-" and input_path != "-" and _same_file(input_path, other):
            raise UsageError(f"{other}: is the input file; convert never overwrites its input")
    if rejects_path and rejects_path != "-" and output_path != "-" and _same_file(output_path, rejects_path):
        raise UsageError(f"{rejects_path}: is also the output (-o); name another file for --rejects")
    if rejects_path == "-" and output_path == "-":
        raise UsageError("--rejects - and -o - would mix rejects into the output; name a file for one of them")


def _with_system(row: Converted, system: list[dict[str, Any]]) -> Converted | Rejected:
    messages = row.record.get("messages")
    if not isinstance(messages, list) or not messages or not isinstance(messages[0], dict):
        return Rejected(row.line, text_of(row), '--system cannot be added: "messages" is not a list of messages')
    if messages[0].get("role") == "system":
        return row
    return Converted(row.line, {**row.record, "messages": [*system, *messages]}, row.text)


def _reject_line(row: Rejected) -> bytes:
    """The rejects file's line for ``row``: its text as it was; bytes that are not UTF-8 are
    given back exactly, in base64 (the text then shows them as U+FFFD)."""
    try:
        return orjson.dumps({"line": row.line, "text": row.text, "reason": row.reason})
    except TypeError:
        original = row.text.encode("utf-8", errors="surrogateescape")
        text = original.decode("utf-8", errors="replace")
        return orjson.dumps({"line": row.line, "text": text, "base64": base64.b64encode(original).decode(), "reason": row.reason})


def _write_lines(out: _Checked, lines: list[bytes]) -> None:
    """Write and empty ``lines``, one a line (a trailing empty item makes the final newline)."""
    lines.append(b"")
    out.write(b"\n".join(lines))
    lines.clear()


def _write_rows(
    rows: Iterator[Row],
    out: _Checked,
    spool: _Checked,
    summary: ConversionSummary,
    options: ConvertOptions,
    retarget: Retarget | None,
    escapes: Escapes,
) -> None:
    system = system_prefix(options.system)
    if retarget is not None:
        rows = Retarget.expanded(rows)
    pending: list[bytes] = []  # written in blocks: one write per row costs more than the row
    dumps = orjson.dumps
    for row in rows:
        if isinstance(row, Written):  # a block of records, serialised (and --system added) already
            if pending:
                _write_lines(out, pending)
            out.write(row.data)
            summary.converted += row.records
            continue
        if isinstance(row, Converted):
            if system:
                row = _with_system(row, system)
            if retarget is not None and isinstance(row, Converted):
                row = retarget.row(row)
            if isinstance(row, Converted):
                try:
                    data = dumps(row.record)
                    # a backslash in the row's text, and a backslash and n in the JSON written
                    text = row.text
                    if (
                        ("\\" in text if type(text) is str else b"\\" in text)
                        and b"\\\\n" in data
                        and record_has_escaped_newlines(row.record)
                    ):
                        escapes.add(row.line)
                        if options.unescape:
                            data = dumps(unescape_record(row.record))
                except TypeError as error:  # nested deeper than JSON writers go, or not UTF-8
                    row = Rejected(row.line, text_of(row), f"cannot be written as JSON: {error}")
                else:
                    pending.append(data)
                    summary.converted += 1
                    if len(pending) >= 1024:
                        _write_lines(out, pending)
                    continue
        if isinstance(row, Rejected):
            summary.rejected += 1
            spool.write(b"R" + _reject_line(row) + b"\n")
        elif isinstance(row, Flagged):
            summary.flagged += 1
            spool.write(b"W" + dumps({"line": row.line, "message": row.message}) + b"\n")
        elif isinstance(row, Blank):
            summary.blanks += 1
            if len(summary.blank_lines) < _NAMED_BLANKS:
                summary.blank_lines.append(row.line)
        elif isinstance(row, Restart):  # never for standard output: the converter knows
            pending.clear()
            escapes.count, escapes.lines = 0, []
            out.rewind()
            spool.rewind()
            summary.converted = summary.rejected = summary.flagged = summary.blanks = 0
            summary.blank_lines.clear()
    if pending:
        _write_lines(out, pending)


def convert_file(
    input_path: str,
    output_path: str,
    *,
    rejects_path: str | None = None,
    options: ConvertOptions | None = None,
    on_reject: Callable[[Rejected], None] | None = None,
    on_flag: Callable[[Flagged], None] | None = None,
) -> ConversionSummary:
    """Convert ``input_path`` ("-": standard input) to chat JSONL at ``output_path`` ("-":
    standard output). The output appears only complete. Rejected rows are spooled, then written
    to ``rejects_path`` (JSONL: line, text, reason; only when a row was rejected) and passed to
    ``on_reject`` at the end, as the rows converted but flagged are to ``on_flag``: a conversion
    that starts over (:class:`Restart`) reports each of them once."""
    options = options or ConvertOptions()
    refuse_overwrites(input_path, output_path, rejects_path)
    with Input(input_path) as source:
        name = options.source or detect_source(input_path, source.head())
        notes = Notes()
        summary = ConversionSummary(source=name)
        rows = REGISTRY[name].convert(source, options, notes)
        retarget = Retarget(options) if options.to != "openai" else None
        escapes = Escapes()
        with tempfile.TemporaryFile() as spool_file:
            spool = _Checked(spool_file, "a temporary file")
            with _output(output_path) as out:
                _write_rows(rows, out, spool, summary, options, retarget, escapes)
            escapes.describe(notes, options.unescape)
            spool_file.seek(0)
            if rejects_path and summary.rejected:
                with _output(rejects_path) as rejects:
                    for line in spool_file:
                        if line.startswith(b"R"):
                            rejects.write(line[1:])
                spool_file.seek(0)
            elif rejects_path and rejects_path != "-" and os.path.isfile(rejects_path):
                os.unlink(rejects_path)  # an old list would say rows of this output were rejected
                notes.add(f"no row rejected: the old {rejects_path} removed")
            for line in spool_file:
                item = orjson.loads(line[1:]) if line[:1] == b"W" else None
                if item is not None and on_flag is not None:
                    on_flag(Flagged(item["line"], item["message"]))
                elif item is None and on_reject is not None:
                    reject = orjson.loads(line[1:])
                    on_reject(Rejected(reject["line"], reject["text"], reject["reason"]))
    if retarget is not None:
        describe(retarget.conversion, notes)
    if summary.blanks:
        named = ", ".join(map(str, summary.blank_lines)) + (" ..." if summary.blanks > len(summary.blank_lines) else "")
        notes.lines.insert(
            0, f"{summary.blanks} blank line{'s' if summary.blanks != 1 else ''} skipped (line{'s' if summary.blanks != 1 else ''} {named})"
        )
    summary.notes = notes.lines
    return summary
