"""``convert --jobs`` on CSV and TSV tables: range by range in worker processes gives byte for
byte what one process gives (output, rejects, warnings, summary), with quoted fields that hold
newlines, doubled and stray quotes, quotes never closed, bare carriage returns, a byte order
mark, bytes that are not UTF-8, blank and short rows, and ranges of a few bytes; and the ranges
end outside quotes."""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_convert_jobs import converted

from jsonl_lint import line_ranges
from jsonl_lint.convert import ConvertOptions, conventions, ranges, table_ranges
from jsonl_lint.convert.inputs import Input
from jsonl_lint.problems import UsageError

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
PIECES = ["a", "b", " ", ",", "\t", '"', '""', "\n", "\r\n", "é", "\\n", "#", "\n\n###\n\n", " END", "->"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=5).map("".join)
# Lines a writer of CSV does not make: each is read (or rejected) as it is, wherever it falls.
HOSTILE = st.sampled_from(
    [b"", b"  ", b'5" tall,x', b'"never closed,x', b'"a"b,c', b"a\rb,c", b"\xff\xfe,x", b"only", b"a,b,c", b"\xef\xbb\xbfa,b"]
)
HEADERS = st.sampled_from([["prompt", "completion"], ["question", "answer"], ["Unnamed: 0", "prompt", "completion"], None])


@st.composite
def table_file(draw: st.DrawFn) -> tuple[bytes, str, list[str] | None]:
    """A table's bytes, its suffix and header (None: no header row)."""
    delimiter = draw(st.sampled_from([",", "\t"]))
    header = draw(HEADERS)
    width = len(header) if header is not None else 2
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
    )
    if header is not None:
        writer.writerow(header)
    lines = [buffer.getvalue().encode("utf-8")]
    separator, stop = draw(st.sampled_from(["\n\n###\n\n", " ->", ""])), draw(st.sampled_from([" END", "", "\n"]))
    for _ in range(draw(st.integers(0, 30))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(HOSTILE) + b"\n")
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
        prompt, completion = draw(TEXT), draw(TEXT)
        if draw(st.integers(0, 19)):  # nearly every row follows the conventions (90% detect them)
            prompt, completion = prompt + separator, " " + completion + stop
        writer.writerow([str(len(lines))] * (width - 2) + [prompt, completion])
        lines.append(buffer.getvalue().encode("utf-8"))
    data = b"".join(lines)
    if draw(st.booleans()):
        data = data.rstrip(b"\n")
    return data, ".tsv" if delimiter == "\t" else ".csv", header


def outcome(path: Path, options: ConvertOptions, jobs: int) -> Any:
    try:
        return converted(path, options, jobs)
    except UsageError as error:  # a table without the columns asked for: the same error
        return str(error)


def assert_same_in_ranges(monkeypatch: pytest.MonkeyPatch, data: bytes, suffix: str, options: ConvertOptions, range_bytes: int) -> int:
    """The conversions' outcome is the same in one process and in ranges; how many ranges there were."""
    spans: list[tuple[int, int]] = []
    made = table_ranges.TableJob.spans

    def recorded(job: table_ranges.TableJob, path: str, size: int, range_bytes: int) -> Any:
        for span in made(job, path, size, range_bytes):
            spans.append(span)
            yield span

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"in{suffix}"
        path.write_bytes(data)
        one = outcome(path, options, jobs=1)
        with monkeypatch.context() as patch:
            patch.setattr(ranges, "MIN_BYTES", 0)
            patch.setattr(ranges, "RANGE_BYTES", range_bytes)
            patch.setattr(table_ranges.TableJob, "spans", recorded)
            several = outcome(path, options, jobs=2)
        assert sorted(p.name for p in Path(folder).iterdir()) == [path.name]
    assert several == one
    return len(spans)


OPTIONS = st.builds(
    lambda to, system, unescape, keep: ConvertOptions(to=to, system=system, unescape=unescape, keep_separators=keep),
    st.sampled_from(["openai", "gemini"]),
    st.none() | st.just("S"),
    st.booleans(),
    st.sampled_from([False, False, True]),
)


TABLES = {"table": table_file(), "options": OPTIONS, "range_bytes": st.integers(1, 120), "first_rows": st.integers(1, 4)}


@SETTINGS
@given(**TABLES)
def test_ranges_of_a_table_give_what_one_process_gives(
    monkeypatch: pytest.MonkeyPatch, table: tuple[bytes, str, list[str] | None], options: ConvertOptions, range_bytes: int, first_rows: int
) -> None:
    ranges_of_a_table_give_what_one_process_gives(monkeypatch, table, options, range_bytes, first_rows)


@pytest.mark.slow
@settings(SETTINGS, max_examples=800)
@given(**TABLES)
def test_ranges_of_a_table_give_what_one_process_gives_on_many_tables(
    monkeypatch: pytest.MonkeyPatch, table: tuple[bytes, str, list[str] | None], options: ConvertOptions, range_bytes: int, first_rows: int
) -> None:
    ranges_of_a_table_give_what_one_process_gives(monkeypatch, table, options, range_bytes, first_rows)


def ranges_of_a_table_give_what_one_process_gives(
    monkeypatch: pytest.MonkeyPatch, table: tuple[bytes, str, list[str] | None], options: ConvertOptions, range_bytes: int, first_rows: int
) -> None:
    data, suffix, header = table
    monkeypatch.setattr(conventions, "FIRST_ROWS", first_rows)  # conventions from a short head: restarts happen
    if header is None:
        options = dataclasses.replace(options, header=False, user_column="1", assistant_column="2")
    count = assert_same_in_ranges(monkeypatch, data, suffix, options, range_bytes)
    event("ranges: " + ("none (one process)" if not count else "one" if count == 1 else "several"))


def legacy_table(rows: int, prompt_end: str = "\n\n###\n\n") -> bytes:
    body = "".join(f'"q{i}{prompt_end}"," a{i}\nline two END"\n' for i in range(rows))
    return ("prompt,completion\n" + body).encode()


def test_a_table_is_converted_in_several_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    # every row's completion holds a newline: an end at any newline would cut a row in two
    monkeypatch.setattr(conventions, "FIRST_ROWS", 10)
    assert assert_same_in_ranges(monkeypatch, legacy_table(200), ".csv", ConvertOptions(), 500) > 5


def test_rows_without_the_conventions_are_named_by_their_line_in_any_range(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rows = [("q\n\n###\n\n", " a END")] * 60
    rows[30], rows[45] = ("q without", " a END"), ("q\n\n###\n\n", " a without")
    path = tmp_path / "in.csv"
    with path.open("w", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows([("prompt", "completion"), *rows])
    monkeypatch.setattr(conventions, "FIRST_ROWS", 10)
    assert assert_same_in_ranges(monkeypatch, path.read_bytes(), ".csv", ConvertOptions(), 100) > 5
    notes = converted(path, ConvertOptions(), jobs=1)[3][-1]
    lines = 2 + 5 * 30, 2 + 5 * 30 + 1 + 5 * 14  # the header, then five lines a row (the separator holds four newlines)
    assert f"1 prompts without it, kept whole: lines {lines[0]}" in notes
    assert f"1 completions without it, kept whole: lines {lines[1]}" in notes


def recorded_tries(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each try at the table's ranges from now on: True when it is the one-range try."""
    tries: list[bool] = []
    made = table_ranges.TableJob.spans

    def counted(job: table_ranges.TableJob, path: str, size: int, range_bytes: int) -> Any:
        tries.append(job.one_range)
        return made(job, path, size, range_bytes)

    monkeypatch.setattr(table_ranges.TableJob, "spans", counted)
    return tries


def test_a_stray_quote_converts_the_table_again_as_one_range(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The quote in `5" tall` is text to the csv reader but flips the count: the ends after it
    # fall inside quoted fields, the range before one ends "never closed", and the table is
    # converted again as one range (one range more than the first try's).
    data = b'prompt,completion\nhow tall? 5" tall,yes\n' + legacy_table(100)[len(b"prompt,completion\n") :]
    tries = recorded_tries(monkeypatch)
    monkeypatch.setattr(conventions, "FIRST_ROWS", 10)
    assert assert_same_in_ranges(monkeypatch, data, ".csv", ConvertOptions(), 300) > 2
    assert tries == [False, True]  # the ranges, then the one range (one process never asks)


@pytest.mark.parametrize("where", [2, 20, 39])
def test_the_range_that_holds_a_bare_carriage_return_is_the_last(monkeypatch: pytest.MonkeyPatch, where: int) -> None:
    # "q\r" is a line of its own to the csv reader, not to the ranges' line numbers: a range
    # after it would number its rows wrong (and the table be converted again as one range)
    rows = [b"q,a\n"] * 40
    rows[where] = b"q\r,a\n"
    tries = recorded_tries(monkeypatch)
    assert assert_same_in_ranges(monkeypatch, b"question,answer\n" + b"".join(rows), ".csv", ConvertOptions(), 20) > 1
    assert tries == [False]  # the ranges once: none after the one that holds it, none converted again
    assert tries == [False]  # the range that holds it is the last: never converted again


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(st.sampled_from([b'"', b"\n", b"a", b",", b"\r\n"]), max_size=60).map(b"".join),
    step=st.integers(1, 20),
    lines=st.integers(0, 5),
)
def test_ranges_tile_the_file_and_end_after_an_even_count_of_quotes(data: bytes, step: int, lines: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(data)
        spans = list(table_ranges.quoted_spans(str(path), len(data), step, lines))
    if not data:
        assert spans == []
        return
    assert spans[0][0] == 0 and spans[-1][1] == len(data)
    assert all(end == start for (_, end), (start, _) in itertools.pairwise(spans))
    for _, end in spans[:-1]:
        assert data[end - 1 : end] == b"\n" and data[:end].count(b'"') % 2 == 0
    if len(spans) > 1:
        assert data[: spans[0][1]].count(b"\n") >= lines


def test_a_worker_reads_its_range_as_it_converts_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A table's range may be the whole file (a stray quote, a bare carriage return): a worker that
    # read its range whole before converting it held the file in memory (167 MB for a 74 MB table).
    path = tmp_path / "in.csv"
    path.write_bytes(b"question,answer\n" + b"".join(b"q%d,a%d\n" % (i, i) for i in range(1500)))  # blocks of 1024 records
    with Input(str(path)) as source:
        job = table_ranges.table_job(",")(source, ConvertOptions())
    assert job is not None
    seen: list[str] = []
    read, rows = line_ranges.RangeReader.read, table_ranges.TablePart.rows

    def reading(reader: line_ranges.RangeReader, size: int) -> bytes:
        seen.append("read")
        return read(reader, size)

    def converting(part: table_ranges.TablePart, lines: Any, first_line: int) -> Any:
        for row in rows(part, lines, first_line):
            seen.append("row")
            yield row

    monkeypatch.setattr(table_ranges, "READ_BYTES", 64)
    monkeypatch.setattr(line_ranges.RangeReader, "read", reading)
    monkeypatch.setattr(table_ranges.TablePart, "rows", converting)
    part, _, lines = ranges._convert_range(job, str(path), ConvertOptions(), False, str(tmp_path), 0, path.stat().st_size, 1)
    assert (lines, part.summary.converted) == (1501, 1500)
    assert "read" in seen[seen.index("row") :]  # bytes read after the first row was made


@settings(max_examples=200, deadline=None)
@given(data=st.lists(st.sampled_from([b"\r", b"\n", b"a", b"\r\n"]), max_size=30).map(b"".join), size=st.integers(1, 8))
def test_a_carriage_return_alone_is_seen_wherever_the_reads_cut(data: bytes, size: int) -> None:
    watched = table_ranges._RangeBytes(io.BytesIO(data))
    assert b"".join(iter(lambda: watched.read(size), b"")) == data  # read ``size`` bytes at a time
    assert watched.bare_cr() == (data.count(b"\r") != data.count(b"\r\n"))
