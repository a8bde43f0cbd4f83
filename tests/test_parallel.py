"""A large file split over worker processes gives exactly the report of one process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from jsonl_lint import check_file, check_files, parallel, source


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
