"""CSV and TSV tables of pairs converted range by range in forked workers
(:mod:`jsonl_lint.convert.ranges`), into the bytes, rejects and summary of one process.

A range must start where a row starts, and a quoted field may hold newlines, so a range ends at
a newline after an even number of quote characters from the file's start: outside quotes, when
every quote opens or closes a quoted field or is half of a doubled one. A quote inside an
unquoted field (``5" tall``), which the csv reader keeps as text, makes that count lie; the range
before a wrong end then ends inside a quoted field (its last row "never closed"), and the file is
converted again as one range, so a lie costs time, never a row. So is a table with a carriage
return without a newline before its last range: it ends a line for the csv reader but not for
the ranges' line numbers.

What needs the table's start is decided here, in the parent, as one process decides it: the
header, the columns, and for a prompt,completion table the conventions of its first rows (the
first range holds them all); each range tallies its rows' own conventions, added up in order.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jsonl_lint.convert import table
from jsonl_lint.convert.conventions import Conventions, Hits, Lacking, Tally, describe, head_of, pair_rows, resolve
from jsonl_lint.convert.escapes import Escapes
from jsonl_lint.convert.inputs import Input
from jsonl_lint.convert.plain import PlainRecords
from jsonl_lint.convert.rows import ConvertOptions, Notes, RangeJob, Row
from jsonl_lint.convert.table import TableRow
from jsonl_lint.problems import UsageError

QUOTE = b'"'
READ_BYTES = 1 << 20  # a worker reads its range this many bytes at a time


def table_job(delimiter: str) -> Callable[[Input, ConvertOptions], RangeJob | None]:
    """The range job of a table whose fields ``delimiter`` separates."""
    return functools.partial(_job, delimiter)


def _job(delimiter: str, source: Input, options: ConvertOptions) -> TableJob | None:
    """The job, once the table's start is read; None when the table is converted in one process
    (wide or long rows: a conversation may span ranges; a table that is all start)."""
    if not table.is_pairs(options):
        return None
    notes = Notes()
    with _field_limit():
        start = table.table_start(table.csv_rows(source.stream(), delimiter), options, notes, source.name)
        if start is None:
            return None
        header, width, body = start
        columns = table.pair_columns(header, width, options, notes)
        items = table.pair_texts(body, columns, header, width)
        conventions: Conventions | None = None
        first: Tally | None = None
        head_rows = 0
        if table.is_legacy(header, columns):
            _, first, head_rows = head_of(items)
            conventions = resolve(first.conventions(), options)
        after = next(items, None)
    if after is None:
        return None
    return TableJob(delimiter, options, header, width, columns, after.line - 1, conventions, first, notes.lines, head_rows=head_rows)


@contextlib.contextmanager
def _field_limit() -> Iterator[None]:
    limit = csv.field_size_limit(table.FIELD_LIMIT)  # a field may hold a long document
    try:
        yield
    finally:
        csv.field_size_limit(limit)


@dataclass
class TableJob:
    """Every range of a table of pairs converted with what its start says; ``conventions`` (a
    prompt,completion table's: None for others) those of its first rows, ``first`` their tally."""

    delimiter: str
    options: ConvertOptions
    header: list[str] | None
    width: int
    columns: dict[str, int]
    start_lines: int  # lines the first range holds at least: the header, and the first rows of a prompt,completion table
    conventions: Conventions | None
    first: Tally | None
    opening: list[str]  # the notes of the table's start, said once every range is converted
    whole: Tally | None = None  # the whole table's tally, when this is the second pass
    one_range: bool = False  # a range could not be followed by another (see TablePart.state): the file is one range
    hits: Hits = field(default_factory=Hits)
    lacking: Lacking = field(default_factory=Lacking)
    escapes: Escapes = field(default_factory=Escapes)
    head_rows: int = 0  # the rows (pairs and rejects) the first rows of a prompt,completion table span
    _open: bool = field(default=False, init=False)  # the last range merged cannot be followed by another (see TablePart.state)
    _broken: bool = field(default=False, init=False)  # and a range followed it

    def spans(self, path: str, size: int, range_bytes: int) -> Iterator[tuple[int, int]]:
        if self.one_range:
            return iter([(0, size)])
        return quoted_spans(path, size, range_bytes, self.start_lines)

    def part(self) -> TablePart:
        return TablePart(self)

    def merge(self, state: tuple[Lacking, Hits, Escapes, bool], shift: int) -> None:
        lacking, hits, escapes, last = state
        self._broken = self._broken or self._open
        self._open = last
        lacking.separator = [line + shift for line in lacking.separator]
        lacking.stop = [line + shift for line in lacking.stop]
        self.lacking.add(lacking)
        self.hits.merge(hits)
        self.escapes.merge(Escapes(escapes.count, [line + shift for line in escapes.lines]))

    def finish(self, notes: Notes) -> RangeJob | None:
        if self._broken:  # converted again, whole: the same bytes as one process, later
            return self._again(one_range=True)
        for line in self.opening:
            notes.add(line)
        if self.conventions is not None and self.first is not None:
            whole = self.whole
            if whole is None:
                whole = self.hits.tally()
                whole.merge(self.first)
                final = resolve(whole.conventions(), self.options)
                if final != self.conventions:
                    notes.add("converted twice: the first rows do not share the conventions of the whole input")
                    return self._again(conventions=final, whole=whole, opening=[])
            describe(self.conventions, self.options, notes, f"all {whole.stops.total} rows", self.lacking)
        self.escapes.describe(notes, self.options.unescape)  # where the writer would say it
        return None

    def _again(self, **changes: Any) -> TableJob:
        """This job afresh (nothing merged), with ``changes``."""
        return dataclasses.replace(self, hits=Hits(), lacking=Lacking(), escapes=Escapes(), **changes)


class TablePart:
    """One range of the table converted: the first range past the table's start (and the first
    rows of a prompt,completion table taken as one process takes them)."""

    streamed = True  # given the range's reader, not its bytes: a range may be the whole table (a lie of the count, a bare CR)

    def __init__(self, job: TableJob) -> None:
        self.job = job
        self._state: tuple[Lacking, Hits, Escapes, bool] = (Lacking(), Hits(), Escapes(), False)

    def rows(self, lines: Any, first_line: int) -> Iterator[Row]:
        """The range's rows; ``lines`` is read in blocks (``read(size)``), never held whole."""
        job = self.job
        raw = _RangeBytes(lines)
        stream = io.BufferedReader(raw, READ_BYTES)
        last: list[str | None] = [None]  # why the range's last row could not be read
        with _field_limit():
            rows = _watched(table.csv_rows(stream, job.delimiter, first_line), last)
            if first_line == 1:
                start = table.table_start(rows, job.options, Notes(), "")
                if start is None:
                    return
                rows = iter(start[2])
            items = table.pair_texts(rows, job.columns, job.header, job.width)
            records = PlainRecords(job.options) if PlainRecords.wanted(job.options) else None
            lacking, hits = Lacking(), Hits()
            if job.conventions is None:
                yield from table.plain_rows(items, records)
            else:
                second_pass = job.whole is not None  # the rows' conventions are tallied once
                if first_line == 1:
                    head = itertools.islice(items, job.head_rows)  # streamed: the head may be too long to hold
                    yield from pair_rows(head, job.conventions, lacking, None, records)
                yield from pair_rows(items, job.conventions, lacking, None if second_pass else hits, records)
        escapes = records.escapes if records is not None else Escapes()
        self._state = (lacking, hits, escapes, last[0] == table.NEVER_CLOSED or raw.bare_cr())

    def state(self) -> tuple[Lacking, Hits, Escapes, bool]:
        """What the range's rows taught, and whether it must be the last range: it ends inside a
        quoted field (its end is not a row's), or holds a carriage return that ends a line by
        itself (the next range's rows would be numbered from too few lines)."""
        return self._state


class _RangeBytes(io.RawIOBase):
    """The bytes of ``source`` (anything with ``read(size)``) as they are read, watched for a
    carriage return without a newline after it."""

    def __init__(self, source: Any) -> None:
        self._source = source
        self._bare = self._after_cr = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._source.read(len(buffer))
        if data and not self._bare:
            carriage_returns = data.count(b"\r") - data.count(b"\r\n") - data.endswith(b"\r")
            self._bare = carriage_returns > 0 or (self._after_cr and data[:1] != b"\n")
            self._after_cr = data.endswith(b"\r")
        buffer[: len(data)] = data
        return len(data)

    def bare_cr(self) -> bool:
        """Whether a carriage return read ends a line by itself (one at the very end does)."""
        return self._bare or self._after_cr


def _watched(rows: Iterator[TableRow], last: list[str | None]) -> Iterator[TableRow]:
    for row in rows:
        last[0] = row[3]
        yield row


def quoted_spans(path: str, size: int, range_bytes: int, start_lines: int) -> Iterator[tuple[int, int]]:
    """The ranges of a table: each ends at a newline after an even number of quotes from the
    file's start, after about ``range_bytes``; the first holds at least ``start_lines`` lines;
    the one that holds the first carriage return without a newline after it is the last (else
    the table would be converted again, as one range).
    Read block by block as the workers take the ranges."""
    step = max(1, range_bytes)
    start = at = 0  # the range's start; the bytes read
    odd = False  # an odd number of quotes in the bytes read
    lines = 0  # newlines read, until the first range is cut
    try:
        with open(path, "rb") as file:
            while block := file.read(step):
                if block.endswith(b"\r"):
                    block += file.read(1)  # a carriage return and its newline read together
                bare = _BARE_CR.search(block)
                scan = block if bare is None else block[: bare.start()]
                lowest = 0
                if start == 0:
                    lowest, lines = _past_lines(scan, start_lines - lines, lines)
                odd_after = odd ^ bool(scan.count(QUOTE) & 1)
                if lowest >= 0:
                    cut = _last_even_newline(scan, odd_after, lowest)
                    if cut is not None:
                        yield start, at + cut
                        start = at + cut
                if bare is not None:  # the range that holds it is the last (see TablePart.state)
                    break
                odd = odd_after
                at += len(block)
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None
    if start < size:
        yield start, size


_BARE_CR = re.compile(rb"\r(?!\n)")


def _past_lines(block: bytes, wanted: int, seen: int) -> tuple[int, int]:
    """Where in ``block`` the first range may end once ``wanted`` more newlines are behind (the
    position of the last of them; -1: not in this block), and the newlines seen after it."""
    if wanted <= 0:
        return 0, seen
    count = block.count(b"\n")
    if count < wanted:
        return -1, seen + count
    position = -1
    for _ in range(wanted):
        position = block.find(b"\n", position + 1)
    return position, seen + count


def _last_even_newline(block: bytes, odd_at_end: bool, lowest: int) -> int | None:
    """The position after the last newline of ``block`` at or after ``lowest`` that an even
    number of quotes from the file's start precede (``odd_at_end``: whether an odd number
    precede the block's end); None if none does."""
    odd, known, before = odd_at_end, len(block), len(block)
    while (newline := block.rfind(b"\n", lowest, before)) >= 0:
        odd ^= bool(block.count(QUOTE, newline + 1, known) & 1)
        known = newline + 1
        if not odd:
            return known
        before = newline
    return None


__all__ = ["TableJob", "quoted_spans", "table_job"]
