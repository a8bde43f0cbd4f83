"""jsonl-lint report counts each file as `stats` counts it alone: with the file's own target
(its pyproject.toml's model and limit, as `check` resolves it), in batches, and across forked
workers reading byte ranges."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_report import Page, chat, run_json, write
from test_stats_ranges import LINES
from test_stats_ranges import _write as write_lines
from test_stats_ranges import chat as ranges_chat

from conftest import TEST_ENCODING
from jsonl_lint import engine, parallel, stats_facts
from jsonl_lint.cli import main
from jsonl_lint.config import _config_in
from jsonl_lint.review import build
from jsonl_lint.rules.base import DatasetContext
from jsonl_lint.stats import Counts, compute
from jsonl_lint.stats_facts import StatsFacts
from jsonl_lint.target import resolve_target

MINI = "gpt-4.1-mini-2025-04-14"


def project(folder: Path, body: str, *records: object) -> Path:
    folder.mkdir()
    (folder / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.jsonl-lint]\nencoding = '{TEST_ENCODING}'\n{body}\n")
    return write(folder / "train.jsonl", *records)


def counting_records(n: int) -> list[object]:
    words = " ".join(f"w{i}" for i in range(40))
    records: list[object] = [chat(f"Question {i}: {words[: i * 7]}", f"Answer {i}. {words[: i * 5]}") for i in range(n)]
    records[3] = {"messages": [{"role": "user"}]}  # not valid: not counted, skipped
    records[5] = "{not json"
    return records


@pytest.fixture(autouse=True)
def _fresh_configs() -> Any:
    _config_in.cache_clear()
    yield
    _config_in.cache_clear()


def test_each_file_is_counted_with_its_own_configs_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = project(tmp_path / "a", "max-tokens = 20", *counting_records(12))
    b = project(tmp_path / "b", f"model = '{MINI}'\nmax-tokens = 30", *counting_records(9))
    page_path = tmp_path / "report.html"
    main(["report", str(a), str(b), "-o", str(page_path)])
    page = Page()
    page.feed(page_path.read_text())
    assert page.sections == ["findings", "shape", "cost"]
    header = page_path.read_text()
    assert f"gpt-4o-mini-2024-07-18, {MINI}" in header  # both files' models, in file order
    for path, limit, model in [(a, 20, "gpt-4o-mini-2024-07-18"), (b, 30, MINI)]:
        alone = run_json(capsys, "stats", str(path), "--format", "json")  # the file's own config
        file_json = alone["files"][0]
        numbers = page.numbers[f"training:{path}"]
        for key in ("examples", "skipped_lines", "examples_over_limit", "tokens_truncated"):
            assert int(numbers[key]) == file_json[key], (path, key)
        for point, value in file_json["tokens_per_example"].items():
            assert float(numbers[f"tokens_per_example.{point}"]) == value, (path, point)
        assert file_json["examples_over_limit"] > 0 and f"Examples over the limit of {limit} tokens" in header
        cost = page.numbers[f"cost:{model}"]
        assert int(cost["billed_tokens"]) == alone["billed_tokens"] and int(cost["epochs"]) == alone["epochs"]
        assert float(cost["price_per_million_usd"]) == alone["price_per_million_usd"]


def test_a_shared_target_is_one_cost(tmp_path: Path) -> None:
    """Files under one configuration are one run, as `stats` of them all."""
    a = project(tmp_path / "a", "max-tokens = 20", *counting_records(12))
    b = write(tmp_path / "a" / "more.jsonl", *counting_records(7))
    review = build([str(a), str(b)])
    assert len(review.runs) == 1 and review.model == "gpt-4o-mini-2024-07-18"
    assert review.runs[0] == compute([str(a), str(b)], encoding=TEST_ENCODING, max_tokens=20)


def test_counts_in_small_batches_are_those_of_stats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stats_facts, "BATCH_RECORDS", 2)
    data = write(tmp_path / "t.jsonl", *counting_records(15))
    flags: dict[str, Any] = {"encoding": TEST_ENCODING, "max_tokens": 20}
    assert build([str(data)], flags).runs == (compute([str(data)], **flags),)
    monkeypatch.setattr(stats_facts, "BATCH_RECORDS", 1000)
    monkeypatch.setattr(stats_facts, "BATCH_BYTES", 100)  # a batch as long as a line or two
    assert build([str(data)], flags).runs == (compute([str(data)], **flags),)


def test_counts_made_in_forked_workers_are_those_of_stats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Byte ranges of a few lines each, checked by two forked workers after the parent checked
    the first: each worker counts its own batches, none of the parent's."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "RANGE_BYTES", 300)
    monkeypatch.setattr(stats_facts, "BATCH_RECORDS", 3)
    data = write(tmp_path / "t.jsonl", *counting_records(40))
    flags: dict[str, Any] = {"encoding": TEST_ENCODING, "max_tokens": 20}
    assert build([str(data)], flags, jobs=2).runs == (compute([str(data)], jobs=1, **flags),)


def test_a_range_sends_its_total_not_each_example(tmp_path: Path) -> None:
    """What a worker sends back for the statistics: its range's counts, once, with the range's
    line numbers (pickled as a worker pickles them); nothing with each example."""
    data = write(tmp_path / "t.jsonl", *counting_records(7))
    build([str(data)], {"encoding": TEST_ENCODING})  # loads the encoding
    target = resolve_target(str(data), {"encoding": TEST_ENCODING})
    counting = StatsFacts()
    counting.rules.start(DatasetContext(path=str(data), target=target))
    checker = engine._LineChecker(str(data), target, keys=False)
    checker.tally_makers = [counting.rules.tally]
    batch = engine._check_batch(checker, 10, data.read_bytes().splitlines(keepends=True))
    _, keys, _, totals = pickle.loads(pickle.dumps(batch))
    assert [facts for _, _, facts in keys] == [()] * 6  # each record parsed: nothing of its own
    (total,) = totals
    assert isinstance(total, Counts) and total.examples == 5 and list(total.lines) == [10, 11, 12, 14, 16]
    assert tuple(total.tokens) == compute([str(data)], encoding=TEST_ENCODING).training[0].token_counts


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    st.lists(LINES, min_size=1, max_size=30).filter(lambda lines: ranges_chat(1) in lines or ranges_chat(2) in lines),
    st.booleans(),
    st.integers(1, 600),
    st.integers(1, 600),
    st.integers(1, 4),
    st.sampled_from([None, 250]),
)
def test_report_counts_in_any_ranges_are_those_of_stats(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], bom: bool, first_bytes: int, range_bytes: int, batch: int, limit: int | None
) -> None:
    """Each range's counts merged with its line shift, wherever the first range and the others
    cut and however the examples are batched: what `stats` counts in one process."""
    data = tmp_path_factory.mktemp("report") / "data.jsonl"
    write_lines(data, lines, bom, True)
    flags: dict[str, Any] = {"encoding": TEST_ENCODING, "max_tokens": 40, **({} if limit is None else {"max_line_bytes": limit})}
    serial = compute([str(data)], jobs=1, target=resolve_target(str(data), flags))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
        patch.setattr(parallel, "RANGE_BYTES", range_bytes)
        patch.setattr(engine, "FIRST_RANGE_BYTES", first_bytes)
        patch.setattr(stats_facts, "BATCH_RECORDS", batch)
        in_order = parallel.map_in_order
        patch.setattr(parallel, "map_in_order", lambda work, items, jobs: in_order(work, items, 1))  # ranges, without forking
        assert build([str(data)], flags, jobs=2).runs == (serial,)
