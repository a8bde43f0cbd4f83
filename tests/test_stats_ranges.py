"""`stats` over byte ranges (each worker reads its own range, counts merged in order) gives
exactly what one process gives, wherever the ranges cut."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TEST_ENCODING
from jsonl_lint import parallel, stats
from jsonl_lint.cli import main
from jsonl_lint.config import Config
from jsonl_lint.stats import compute
from jsonl_lint.target import resolve_target


def chat(i: int) -> str:
    messages: list[dict[str, object]] = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": f"question {i} " + "word " * (i % 17)},
        {"role": "assistant", "content": f"answer {i}", **({"weight": 0} if i % 5 == 0 else {})},
    ]
    return json.dumps({"messages": messages})


LINES = st.sampled_from(
    [
        chat(1),
        chat(2),
        chat(3) + "\r",  # CRLF
        chat(10) + " " * 200,  # over the line limit some runs set
        "{broken",
        "",
        "[1]",
        '{"unknown": 1}',  # no known format: skipped, and before the first example it leaves the format open
        '{"prompt": "p", "completion": "c"}',  # another format
        '{"messages": []}',
        "\ufeff" + chat(4),
    ]
)


def _write(path: Path, lines: list[str], bom: bool, final_newline: bool) -> None:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join(lines) + ("\n" if final_newline else "")).encode())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(LINES, min_size=1, max_size=30).filter(lambda lines: chat(1) in lines or chat(2) in lines),
    st.booleans(),
    st.booleans(),
    st.integers(1, 600),
    st.sampled_from([None, 250]),
)
def test_any_file_in_any_ranges_gives_the_stats_of_one_process(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], bom: bool, final_newline: bool, range_bytes: int, limit: int | None
) -> None:
    data = tmp_path_factory.mktemp("ranges") / "data.jsonl"
    _write(data, lines, bom, final_newline)
    flags = {"encoding": TEST_ENCODING, "max_tokens": 40, **({} if limit is None else {"max_line_bytes": limit})}
    target = resolve_target(str(data), flags, config=Config())
    serial = compute([str(data)], jobs=1, target=target)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
        patch.setattr(parallel, "RANGE_BYTES", range_bytes)
        in_order = parallel.map_in_order
        patch.setattr(parallel, "map_in_order", lambda work, items, jobs: in_order(work, items, 1))  # ranges, without forking
        assert compute([str(data)], jobs=2, target=target) == serial


def stats_file(path: Path) -> None:
    """Examples over the limit (named by line), skipped lines, a CRLF line, a line over the
    line limit and a BOM: every figure that crosses a range edge."""
    lines = ['{"unknown": 1}'] * 3 + [chat(i) for i in range(400)]
    lines[50] = "{broken"
    lines[51] = ""
    lines[90] = chat(90) + "\r"
    lines[120] = chat(120) + " " * 3000
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
@pytest.mark.parametrize("range_bytes", [97, 1000, 8192])
def test_ranges_print_what_one_process_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], range_bytes: int
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "RANGE_BYTES", range_bytes)
    data = tmp_path / "train.jsonl"
    stats_file(data)
    (tmp_path / "pyproject.toml").write_text("[tool.jsonl-lint]\nmax-line-bytes = 2000\n")  # the long line is skipped
    spans: list[object] = []
    in_order = parallel.map_in_order

    def sent(work: object, items: list[object], jobs: int) -> object:
        spans.extend(items)
        return in_order(work, items, jobs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "map_in_order", sent)
    printed = []
    for jobs in ("1", "2"):
        for output in ("text", "json"):
            argv = ["stats", "--encoding", TEST_ENCODING, "--max-tokens", "55", "--format", output, "--jobs", jobs, str(data)]
            assert main(argv) == 0
            printed.append(capsys.readouterr().out)
    assert printed[:2] == printed[2:]
    assert len(spans) > 2  # the second run's ranges went to workers (forked)
    report = json.loads(printed[1])["files"][0]
    assert (report["examples"], report["skipped_lines"]) == (397, 5)  # skipped: 3 of no format, the broken line, the long one
    assert 0 < report["examples_over_limit"] < 397


def test_every_range_goes_to_the_workers_once_the_format_is_known(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "RANGE_BYTES", 64)
    data = tmp_path / "late.jsonl"
    data.write_bytes(("\ufeff" + "\n".join(['{"unknown": 1}'] * 30 + [chat(i) for i in range(40)]) + "\n").encode())
    sent: list[int] = []
    real = stats.count_range
    monkeypatch.setattr(stats, "count_range", lambda job, start, end: sent.append(start) or real(job, start, end))
    in_order = parallel.map_in_order
    monkeypatch.setattr(parallel, "map_in_order", lambda work, items, jobs: in_order(work, items, 1))
    serial = compute([str(data)], jobs=1, encoding=TEST_ENCODING, max_tokens=45)
    assert not sent
    assert compute([str(data)], jobs=2, encoding=TEST_ENCODING, max_tokens=45) == serial
    assert sent == list(range(0, data.stat().st_size, 64))  # the first range too (the format was found here)
    assert serial.training[0].skipped == 30 and 0 < serial.training[0].over_limit < 40
    assert [line for line, _ in serial.training[0].over_examples][:1] > [30]  # named by their own line
