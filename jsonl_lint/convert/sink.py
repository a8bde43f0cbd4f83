"""Where converted rows go: records serialised to the output, rejections and warnings handed on
in row order, the summary counted. The one place a row is written, whether the rows come from a
converter reading the whole input or from one byte range of it (in a worker, whose output,
events and counts the parent then adds in order: :meth:`RowWriter.add`)."""

from __future__ import annotations

import base64
import contextlib
import errno
import io
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple, Protocol

import orjson

from jsonl_lint.convert.escapes import Escapes, json_may_have_escaped_newlines, record_has_escaped_newlines, unescape_record
from jsonl_lint.convert.foreign import Retarget
from jsonl_lint.convert.rows import (
    Blank,
    Converted,
    ConvertOptions,
    Flagged,
    Rejected,
    Restart,
    Row,
    Written,
    system_prefix,
    text_of,
)
from jsonl_lint.problems import UsageError

NAMED_BLANKS = 10  # blank lines named in the summary; more are counted

Event = Rejected | Flagged


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


class Checked:
    """Writes to ``out``; a failed write is a :class:`UsageError` that names the target."""

    def __init__(self, out: IO[bytes], path: str) -> None:
        self._out, self._path = out, path

    def write(self, data: bytes) -> None:
        try:
            self._out.write(data)
        except OSError as error:
            fail_write(self._path, error)

    def rewind(self) -> None:
        try:
            self._out.seek(0)
            self._out.truncate()
        except OSError as error:
            fail_write(self._path, error)

    def append_file(self, path: str) -> None:
        """The bytes of the file at ``path`` written after everything written so far: copied by
        the kernel where it can, never through this process's memory."""
        try:
            self._out.flush()
            with open(path, "rb") as part:
                if not _copied_in_kernel(part.fileno(), self._out):
                    shutil.copyfileobj(part, self._out, 1 << 20)  # from where the kernel's copy stopped
        except OSError as error:
            fail_write(self._path, error)


# copy_file_range's answers for "not between these two files" (another file system, a kernel
# without it, a file that is not a regular file): the copy is then made with reads and writes
_NO_KERNEL_COPY = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF, errno.ETXTBSY}


def _copied_in_kernel(source: int, out: IO[bytes]) -> bool:
    """Whether all of ``source`` (a file descriptor, at its start) was appended to ``out`` by
    ``os.copy_file_range`` (Linux); False leaves the rest, from ``source``'s offset, to copy."""
    copy = getattr(os, "copy_file_range", None)
    try:
        target = out.fileno()
    except (AttributeError, io.UnsupportedOperation):
        return False
    if copy is None:
        return False
    left = os.fstat(source).st_size
    try:
        while left > 0:
            done = copy(source, target, left)
            if done == 0:
                return False
            left -= done
    except OSError as error:
        if error.errno not in _NO_KERNEL_COPY:
            raise
        return False
    finally:
        out.seek(0, os.SEEK_END)  # the file object's position, moved by the copy behind its back
    return True


def fail_write(path: str, error: OSError) -> None:
    if path == "-":  # nothing more can reach standard output: no second error when Python exits
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    raise UsageError(f"{_target(path)}: cannot write: {error.strerror or error}") from None


def reject_line(row: Rejected) -> bytes:
    """The rejects file's line for ``row``: its text as it was; bytes that are not UTF-8 are
    given back exactly, in base64 (the text then shows them as U+FFFD)."""
    try:
        return orjson.dumps({"line": row.line, "text": row.text, "reason": row.reason})
    except TypeError:
        original = row.text.encode("utf-8", errors="surrogateescape")
        text = original.decode("utf-8", errors="replace")
        return orjson.dumps({"line": row.line, "text": text, "base64": base64.b64encode(original).decode(), "reason": row.reason})


class Events(Protocol):
    """Where a :class:`RowWriter` hands rejections and warnings, in row order."""

    def add(self, event: Event) -> None: ...

    def rewind(self) -> None: ...


class Spool:
    """Events written to a file, one a line: ``R`` and the rejects file's line, or ``W`` and the
    warning (read back once the output is complete)."""

    def __init__(self, spool: Checked) -> None:
        self._spool = spool

    def add(self, event: Event) -> None:
        if isinstance(event, Rejected):
            self._spool.write(b"R" + reject_line(event) + b"\n")
        else:
            self._spool.write(b"W" + orjson.dumps({"line": event.line, "message": event.message}) + b"\n")

    def rewind(self) -> None:
        self._spool.rewind()


class Collected:
    """Events kept in a list (a byte range's, in a worker: bounded by the range)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, event: Event) -> None:
        self.events.append(event)

    def rewind(self) -> None:
        self.events.clear()


def _write_lines(out: Checked, lines: list[bytes]) -> None:
    """Write and empty ``lines``, one a line (a trailing empty item makes the final newline)."""
    lines.append(b"")
    out.write(b"\n".join(lines))
    lines.clear()


def _shifted(line: int, shift: int) -> int:
    return line + shift if line else line  # 0: a row without a line number (see Retarget.expanded)


class Part(NamedTuple):
    """What a :class:`RowWriter` made of a byte range's rows, for the parent to add."""

    path: str  # the file holding the range's records, in the output's form
    events: list[Event]
    summary: ConversionSummary
    escapes: Escapes
    conversion: dict[str, int] | None  # what the retargeting counted


class RowWriter:
    """Rows to ``out`` (records) and ``events`` (rejections and warnings, in row order), counted in
    ``summary``; ``--system`` added and the ``--to`` target's records made here."""

    def __init__(
        self, out: Checked, events: Events, summary: ConversionSummary, options: ConvertOptions, retarget: Retarget | None
    ) -> None:
        self.out, self.events, self.summary, self.options, self.retarget = out, events, summary, options, retarget
        self.escapes = Escapes()

    def write(self, rows: Iterator[Row]) -> None:
        out, summary, options, retarget, escapes = self.out, self.summary, self.options, self.retarget, self.escapes
        system = system_prefix(options.system)
        if retarget is not None:
            rows = Retarget.expanded(rows)
        pending: list[bytes] = []  # written in blocks: one write per row costs more than the row
        dumps = orjson.dumps
        plain = retarget is not None and retarget.target.plain is not None
        for row in rows:
            if isinstance(row, Written):  # a block of records, serialised (and --system added) already
                if pending:
                    _write_lines(out, pending)
                out.write(row.data)
                summary.converted += row.records
                continue
            if isinstance(row, Converted):
                given = False  # whether the record's system text is --system's (as typed: neither counted nor unescaped)
                if system:
                    with_system = _with_system(row, system)
                    given, row = with_system is not row and isinstance(with_system, Converted), with_system
                data = self._plain(row, given) if plain and isinstance(row, Converted) else None
                if data is None:
                    if retarget is not None and isinstance(row, Converted):
                        row = retarget.row(row)
                    if isinstance(row, Converted):
                        try:
                            data = dumps(row.record)
                            if _may_have_escaped_newlines(row, data) and record_has_escaped_newlines(row.record, given_system=given):
                                escapes.add(row.line)
                                if options.unescape:
                                    data = dumps(unescape_record(row.record, given_system=given))
                        except TypeError as error:  # nested deeper than JSON writers go, or not UTF-8
                            row = Rejected(row.line, text_of(row), f"cannot be written as JSON: {error}")
                if data is not None:
                    pending.append(data)
                    summary.converted += 1
                    if len(pending) >= 1024:
                        _write_lines(out, pending)
                    continue
            if isinstance(row, Rejected):
                summary.rejected += 1
                self.events.add(row)
            elif isinstance(row, Flagged):
                summary.flagged += 1
                self.events.add(row)
            elif isinstance(row, Blank):
                summary.blanks += 1
                if len(summary.blank_lines) < NAMED_BLANKS:
                    summary.blank_lines.append(row.line)
            elif isinstance(row, Restart):  # never for standard output: the converter knows
                pending.clear()
                self.restart()
                escapes = self.escapes  # the rows found so far are void too
        if pending:
            _write_lines(out, pending)

    def _plain(self, row: Converted, given_system: bool) -> bytes | None:
        """The target's JSON of the usual record, written without the general path (see
        :mod:`jsonl_lint.convert.targets.plain_bytes`): its escaped newlines found, and what it
        drops counted, as there; None for any other record."""
        retarget = self.retarget
        assert retarget is not None and retarget.target.plain is not None
        make, conversion = retarget.target.plain, retarget.conversion
        built = make(row.record, conversion.allowed_losses)
        if built is None:
            return None
        data, notes = built
        # the record's texts are the target's: asked of either, the same answer
        if _may_have_escaped_newlines(row, data) and record_has_escaped_newlines(row.record, given_system=given_system):
            self.escapes.add(row.line)
            if self.options.unescape:
                unescaped = make(unescape_record(row.record, given_system=given_system), conversion.allowed_losses)
                if unescaped is not None:  # (always: only texts change)
                    data = unescaped[0]
        for note in notes:
            conversion.note(note)
        return data

    def restart(self) -> None:
        """Everything written so far is void: the rows follow again."""
        self.escapes = Escapes()
        self.out.rewind()
        self.events.rewind()
        summary = self.summary
        summary.converted = summary.rejected = summary.flagged = summary.blanks = 0
        summary.blank_lines.clear()
        if self.retarget is not None:
            self.retarget.conversion.counts.clear()

    def add(self, part: Part, shift: int) -> None:
        """A range's part, its line numbers ``shift`` lines on (a range numbers its lines from its start)."""
        self.out.append_file(part.path)
        for event in part.events:
            self.events.add(event._replace(line=_shifted(event.line, shift)))
        summary, theirs = self.summary, part.summary
        summary.converted += theirs.converted
        summary.rejected += theirs.rejected
        summary.flagged += theirs.flagged
        summary.blanks += theirs.blanks
        for line in theirs.blank_lines[: NAMED_BLANKS - len(summary.blank_lines)]:
            summary.blank_lines.append(_shifted(line, shift))
        escapes = part.escapes
        self.escapes.merge(Escapes(escapes.count, [_shifted(line, shift) for line in escapes.lines]))
        if self.retarget is not None and part.conversion:
            self.retarget.conversion.merge(part.conversion)


def _may_have_escaped_newlines(row: Converted, data: bytes) -> bool:
    """A backslash in the row's own text (not only in --system's), and a backslash and n in the
    JSON written: what a row needs before its texts are counted."""
    text = row.text
    return ("\\" in text if type(text) is str else b"\\" in text) and json_may_have_escaped_newlines(data)


def _with_system(row: Converted, system: list[dict[str, Any]]) -> Converted | Rejected:
    messages = row.record.get("messages")
    if not isinstance(messages, list) or not messages or not isinstance(messages[0], dict):
        return Rejected(row.line, text_of(row), '--system cannot be added: "messages" is not a list of messages')
    if messages[0].get("role") == "system":
        return row
    return Converted(row.line, {**row.record, "messages": [*system, *messages]}, row.text)
