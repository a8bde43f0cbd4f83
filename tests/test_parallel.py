"""A large file split over worker processes gives exactly the report of one process."""

from __future__ import annotations

import dataclasses
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint import check_file, check_files, engine, parallel, source
from jsonl_lint.cli import main


def record(i: int) -> dict[str, object]:
    messages: list[dict[str, object]] = [{"role": "user", "content": f"question {i % 700} " + "x" * (i % 50)}]
    messages.append({"role": "assistant", "content": f"answer {i % 700}", **({"weight": 0} if i % 97 == 0 else {})})
    if i % 13 == 0:
        messages.append({"role": "user", "content": "thanks"})
    return {"messages": messages}


def write_dataset(path: Path, n: int) -> None:
    with path.open("w") as out:
        for i in range(n):
            if i % 211 == 5:
                out.write("{broken json\n")
            elif i % 307 == 7:
                out.write("\n")
            else:
                out.write(json.dumps(record(i)) + "\n")


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "BLOCK_BYTES", 16 << 10)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 32 << 10)
    monkeypatch.setattr(parallel, "RANGE_BYTES", 16 << 10)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_parallel_report_equals_serial(tmp_path: Path, small_batches: None) -> None:
    data = tmp_path / "train.jsonl"
    write_dataset(data, 3000)
    assert data.stat().st_size > 10 * source.BLOCK_BYTES
    serial = check_file(data, jobs=1)
    in_workers = check_file(data, jobs=2)
    assert in_workers == serial
    codes = {p.code for p in serial.problems}
    assert {"JL003", "JL004", "JL202", "JL204", "JL703"} <= codes  # every kind of result crosses batches
    assert serial.records == 3000 - len(range(5, 3000, 211)) - len(range(7, 3000, 307))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_the_range_checked_first_is_short(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first range is checked here, alone, to learn the file's format: the workers wait
    for it, so it is short (a 2 MB range took as long as tokenizing 2 MB in `report`)."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    data = tmp_path / "train.jsonl"
    write_dataset(data, 12000)
    assert data.stat().st_size > 8 * engine.FIRST_RANGE_BYTES
    firsts: list[tuple[int, int]] = []
    first = engine.ForkedRanges.first

    def recorded(self: engine.ForkedRanges, checker: Any, max_line_bytes: int, span: tuple[int, int], first_line: int) -> Any:
        firsts.append(span)
        return first(self, checker, max_line_bytes, span, first_line)

    monkeypatch.setattr(engine.ForkedRanges, "first", recorded)
    assert check_file(data, jobs=2) == check_file(data, jobs=1)
    assert firsts == [(0, engine.FIRST_RANGE_BYTES)]


def test_parallel_validation_overlap_equals_serial(tmp_path: Path, small_batches: None) -> None:
    train, valid = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
    write_dataset(train, 3000)
    valid.write_text("".join(json.dumps(record(i)) + "\n" for i in (1, 2, 5000)))
    assert check_files([train], validation=str(valid), jobs=2) == check_files([train], validation=str(valid), jobs=1)


def test_format_set_by_a_later_batch(tmp_path: Path, small_batches: None) -> None:
    data = tmp_path / "late.jsonl"
    unknown = json.dumps({"conversations": [{"from": "human", "value": "x" * 100}]}) + "\n"
    data.write_text(unknown * 400 + "".join(json.dumps(record(i)) + "\n" for i in range(1000)))
    assert check_file(data, jobs=2) == check_file(data, jobs=1)


# --- byte ranges: each worker reads its own, the parent numbers their lines ------------------


def edge_file(path: Path, *, bom: bool, final_newline: bool) -> None:
    """Every kind of line a range edge can cut: problems, CRLF, blank, long (over the range size
    and over the line limit), duplicates far apart, and the file's first and last lines."""
    lines = [json.dumps(record(i)) for i in range(120)]
    lines[3] = "{broken json"
    lines[17] = json.dumps(record(17)) + "\r"  # CRLF
    lines[18] = ""
    lines[40] = json.dumps({"messages": [{"role": "user", "content": "y" * 3000}, {"role": "assistant", "content": "ok"}]})
    lines[41] = "z" * 5000  # over the line limit the test sets
    lines[60] = lines[5]  # duplicates across ranges
    lines[119] = lines[0]
    text = "\n".join(lines) + ("\n" if final_newline else "")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
@pytest.mark.parametrize("range_bytes", [97, 700, 4096])
@pytest.mark.parametrize(("bom", "final_newline"), [(True, False), (False, True)])
def test_ranges_print_what_one_process_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], range_bytes: int, bom: bool, final_newline: bool
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "RANGE_BYTES", range_bytes)
    data = tmp_path / "edges.jsonl"
    edge_file(data, bom=bom, final_newline=final_newline)
    printed = []
    for jobs in ("1", "2"):
        assert main(["check", "--max-line-bytes", "4000", "--jobs", jobs, str(data)]) == 1
        printed.append(capsys.readouterr().out)
    assert printed[0] == printed[1]
    found = {(p.code, p.line) for p in check_file(data, jobs=1, max_line_bytes=4000).problems}
    assert {("JL004", 4), ("JL013", 18), ("JL003", 19), ("JL011", 42), ("JL703", 61), ("JL703", 120)} <= found
    assert (("JL002", 1) in found) is bom and (("JL014", None) in found) is not final_newline


LINES = st.sampled_from(
    [
        json.dumps(record(1)),
        json.dumps(record(2)),
        json.dumps(record(3)) + "\r",
        "{broken",
        "",
        "[1]",
        json.dumps(record(4)) * 3,
        "\ufeff{}",
        '{"prompt": "p", "completion": "c"}',
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=30), st.booleans(), st.booleans(), st.integers(1, 400), st.sampled_from([None, 300]))
def test_any_file_in_any_ranges_gives_the_report_of_one_process(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], bom: bool, final_newline: bool, range_bytes: int, limit: int | None
) -> None:
    data = tmp_path_factory.mktemp("ranges") / "data.jsonl"
    data.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join(lines) + ("\n" if final_newline else "")).encode())
    options = {} if limit is None else {"max_line_bytes": limit}
    serial = check_file(data, jobs=1, **options)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
        patch.setattr(parallel, "RANGE_BYTES", range_bytes)
        in_order = parallel.map_in_order
        patch.setattr(parallel, "map_in_order", lambda work, items, jobs: in_order(work, items, 1))  # ranges, without forking
        assert check_file(data, jobs=2, **options) == serial


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_a_format_decided_in_a_later_range_is_named_by_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "RANGE_BYTES", 64)
    data = tmp_path / "late.jsonl"
    later = [json.dumps(record(1)), '{"prompt": "p", "completion": "c"}'] * 20
    data.write_text("\n".join(['{"unknown": 1}'] * 30 + later) + "\n")
    serial = check_file(data, jobs=1)
    assert check_file(data, jobs=2) == serial
    assert [p.message.endswith("(from line 31); a file holds one format") for p in serial.problems if p.code == "JL102"] == [True] * 20


def test_standard_input_from_a_large_file_is_checked_in_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_batches: None
) -> None:
    """`check - < big.jsonl`: standard input is a regular file, but workers cannot read its
    ranges by a path (they opened '<stdin>': the run failed)."""
    data = tmp_path / "data.jsonl"
    write_dataset(data, 3000)
    with data.open("rb") as stdin:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(stdin))
        report = check_file("-", jobs=2)
    assert report.problems and report.problems == tuple(dataclasses.replace(p, path="<stdin>") for p in check_file(data, jobs=1).problems)
