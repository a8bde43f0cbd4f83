"""The head of a table of pairs (what the provisional conventions are detected on) is held only
when it is short: a table of rejected rows, or of long rows, is never held whole, its head is
tallied, then read again; the output, rejects, warnings and summary are the same."""

from __future__ import annotations

import csv
import itertools
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_convert_jobs import converted
from test_convert_table_jobs import assert_same_in_ranges

from jsonl_lint.convert import ConvertOptions, conventions
from jsonl_lint.convert.conventions import Pair, head_of
from jsonl_lint.convert.rows import Rejected, Row


def _one_pair_then_rejects(text: str) -> Iterator[Pair | Row]:
    yield Pair(2, "q ->", " a", "", "q ->, a")
    for line in itertools.count(3):
        yield Rejected(line, text, "empty completion")


def test_a_head_of_rejected_rows_is_tallied_but_not_held() -> None:
    items = itertools.islice(_one_pair_then_rejects("q,"), 3 * conventions.HEAD_ROWS)
    head = head_of(items)
    assert head.rows is None and head.size == 3 * conventions.HEAD_ROWS and head.tally.stops.total == 1


def test_a_head_of_long_rejected_rows_takes_bounded_memory() -> None:
    def rows() -> Iterator[Pair | Row]:
        yield Pair(2, "q ->", " a", "", "q ->, a")
        for line in range(3, 40_000):
            yield Rejected(line, "x" * 1000 + str(line), "empty completion")  # 40 MB in all

    tracemalloc.start()
    try:
        head = head_of(rows())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert head.rows is None and head.size == 40_000 - 2
    assert peak < 2 * conventions.HEAD_CHARS + (4 << 20)


def test_a_usual_head_still_ends_at_the_first_rows_th_pair() -> None:
    def items() -> Iterator[Pair | Row]:
        for line in itertools.count(2):
            if line % 3:
                yield Rejected(line, "q,", "empty completion")
            else:
                yield Pair(line, "q ->", " a", "", "q ->, a")

    head = head_of(items())
    assert head.tally.stops.total == conventions.FIRST_ROWS and head.rows is not None
    assert isinstance(head.rows[-1], Pair) and len(head.rows) == head.size == 3 * conventions.FIRST_ROWS - 1


def _mixed_table(path: Path, rows: int) -> None:
    """Pairs with the conventions, a run of rejected rows, rows without them: the head's bound
    (set small) makes different provisional conventions than the whole head would."""
    with path.open("w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["prompt", "completion"])
        for i in range(rows):
            if i < 3:
                writer.writerow([f"q{i}", f" a{i}"])  # neither separator nor stop
            elif i % 7 == 0:
                writer.writerow([f"q{i}\n\n###\n\n", ""])  # rejected
            else:
                writer.writerow([f"q{i}\n\n###\n\n", f" a{i} END"])


@pytest.mark.parametrize("bound", ["HEAD_ROWS", "HEAD_CHARS"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_head_cut_short_gives_the_same_conversion(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, bound: str, jobs: int) -> None:
    path = tmp_path / "in.csv"
    _mixed_table(path, 3000)
    whole = converted(path, ConvertOptions(), jobs=1)
    monkeypatch.setattr(conventions, bound, 5 if bound == "HEAD_ROWS" else 40)
    short = converted(path, ConvertOptions(), jobs=jobs)
    assert short == whole  # the head read again, not held: its tally and conventions are the same


def test_a_head_cut_short_is_the_same_in_ranges(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    _mixed_table(path, 300)
    monkeypatch.setattr(conventions, "FIRST_ROWS", 50)  # the table is more than its head
    monkeypatch.setattr(conventions, "HEAD_ROWS", 5)
    assert assert_same_in_ranges(monkeypatch, path.read_bytes(), ".csv", ConvertOptions(), 500) > 3


# Run from a small process: a child forked from pytest would start with pytest's pages counted.
_PEAK_RSS = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _peak_rss_mb(args: list[str]) -> float:
    code, peak = subprocess.run([sys.executable, "-c", _PEAK_RSS, *args], capture_output=True, check=True, text=True).stdout.split()
    assert code == "1"  # rows were rejected
    return int(peak) / (2**20 if sys.platform == "darwin" else 1024)


@pytest.mark.skipif(sys.platform == "win32", reason="os.wait4")
def test_a_table_of_rejected_rows_is_not_held_in_memory(tmp_path: Path) -> None:
    convert = [sys.executable, "-m", "jsonl_lint", "convert", "--jobs", "1"]
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    row = "a prompt with some text to make the row longer than a few bytes ->,\n"
    small.write_text("prompt,completion\nq ->, a\n" + row * 10)
    large.write_text("prompt,completion\nq ->, a\n" + row * (24_000_000 // len(row)))
    base = _peak_rss_mb([*convert, str(small), "-o", str(tmp_path / "s.jsonl"), "--rejects", str(tmp_path / "s.rej")])
    peak = _peak_rss_mb([*convert, str(large), "-o", str(tmp_path / "l.jsonl"), "--rejects", str(tmp_path / "l.rej")])
    assert peak - base < 40  # held whole, 24 MB of rows took about 100 MB more
