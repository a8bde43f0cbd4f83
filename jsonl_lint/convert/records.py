"""Converters of JSON records one line at a time (chat, ShareGPT, Alpaca, other trainers'
formats): one :class:`RecordRows` each, which converts a record and counts what the summary says
of the rows. The same rows make the converter that reads a whole input and, range by range, the
one that forked workers run (:class:`RecordJob`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from jsonl_lint import line_ranges
from jsonl_lint.convert.inputs import Input
from jsonl_lint.convert.rows import ConvertOptions, Notes, RangeJob, Row, convert_records


class RecordRows(Protocol):
    """``to_chat`` for each record (raises :class:`~jsonl_lint.convert.rows.Unusable` for a reject);
    what it counted as plain data (``state``), added to by a later part's (``merge``), and
    written into the summary (``describe``)."""

    def to_chat(self, value: Any) -> dict[str, Any]: ...

    def state(self) -> Any: ...

    def merge(self, state: Any) -> None: ...

    def describe(self, notes: Notes) -> None: ...


# (options, part): the rows of a conversion; ``part``: of one byte range (merged later, so
# counted without the limits a summary keeps to)
MakeRows = Callable[[ConvertOptions, bool], RecordRows]


def records_converter(make: MakeRows) -> Callable[[Input, ConvertOptions, Notes], Iterator[Row]]:
    """The converter of a whole input that ``make``'s rows make."""

    def convert(source: Input, options: ConvertOptions, notes: Notes) -> Iterator[Row]:
        records = make(options, False)
        yield from convert_records(source.stream(), records.to_chat)
        records.describe(notes)

    return convert


def records_job(make: MakeRows) -> Callable[[Input, ConvertOptions], RangeJob | None]:
    """The range jobs of ``make``'s rows (nothing to decide on the whole input first)."""
    return lambda source, options: RecordJob(make, options)


class RecordJob:
    """Records converted range by range: each range's rows made afresh, their counts merged."""

    def __init__(self, make: MakeRows, options: ConvertOptions) -> None:
        self.make, self.options = make, options
        self.whole = make(options, False)

    def spans(self, path: str, size: int, range_bytes: int) -> Iterator[tuple[int, int]]:
        return line_ranges.spans(size, range_bytes)

    def part(self) -> _RecordPart:
        return _RecordPart(self.make(self.options, True))

    def merge(self, state: Any, shift: int) -> None:
        self.whole.merge(state)

    def finish(self, notes: Notes) -> RangeJob | None:
        self.whole.describe(notes)
        return None


class _RecordPart:
    streamed = False  # given the range's lines, read whole (a JSONL range is a few MB)

    def __init__(self, records: RecordRows) -> None:
        self.records = records

    def rows(self, lines: Iterable[bytes], first_line: int) -> Iterator[Row]:
        return convert_records(lines, self.records.to_chat, first_line)

    def state(self) -> Any:
        return self.records.state()
