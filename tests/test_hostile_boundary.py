"""One bad record never stops the file: a check that raises (even a BaseException from native
code, as pyo3's PanicException is) becomes one JL010 problem on its line, and the run goes on."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import lines_of
from jsonl_lint import check_file, check_lines, engine, parallel, source
from jsonl_lint.conversation import EVERY_RECORD
from jsonl_lint.rules import learnable, rule_sets


class FakePanic(BaseException):
    """Like pyo3_runtime.PanicException: a BaseException, not an Exception."""


def chat(text: str) -> str:
    return json.dumps({"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": text}]})


def break_on(monkeypatch: pytest.MonkeyPatch, marker: str, error: BaseException) -> None:
    """The learnable rules raise ``error`` on records that hold ``marker``."""
    original = learnable.check

    def check(record: Any, ctx: Any) -> Iterator[Any]:
        if marker in json.dumps(record.value):
            raise error
        yield from original(record, ctx)

    # on every record (the rule itself runs only on records with nothing trained)
    broken = tuple(dataclasses.replace(r, check=check, needs=lambda ctx: EVERY_RECORD) if r is learnable.RULES else r for r in rule_sets())
    monkeypatch.setattr(engine, "rule_sets", lambda: broken)


@pytest.mark.parametrize("error", [FakePanic("called `Option::unwrap()` on a `None` value"), RecursionError("deep"), ValueError("x\ny")])
def test_a_failing_check_is_one_problem_on_its_line(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    break_on(monkeypatch, "BOOM", error)
    text = "\n".join([chat("fine"), chat("BOOM"), chat("also fine"), '{"broken'])
    report = check_lines(lines_of(text + "\n"), path="t.jsonl", select=("JL0", "JL2"))
    internal = [p for p in report.problems if p.code == "JL010"]
    assert [(p.line, p.rule) for p in internal] == [(2, "internal-error")]
    assert type(error).__name__ in internal[0].message and "please report it" in internal[0].message
    assert "\n" not in internal[0].message
    assert report.records == 3
    assert any(p.code == "JL004" and p.line == 4 for p in report.problems)  # later lines still read


@pytest.mark.parametrize("error", [KeyboardInterrupt(), SystemExit(3)])
def test_interrupts_are_not_swallowed(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    break_on(monkeypatch, "BOOM", error)
    with pytest.raises(type(error)):
        check_lines(lines_of(chat("BOOM") + "\n"), path="t.jsonl")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_workers_report_the_same(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(source, "BLOCK_BYTES", 16 << 10)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 32 << 10)
    monkeypatch.setattr(parallel, "RANGE_BYTES", 16 << 10)
    break_on(monkeypatch, "BOOM", FakePanic("panic"))
    data = tmp_path / "train.jsonl"
    data.write_text("".join(chat("BOOM" if i % 100 == 50 else f"answer {i}") + "\n" for i in range(2000)))
    serial = check_file(data, jobs=1)
    assert serial == check_file(data, jobs=2)
    assert [p.line for p in serial.problems if p.code == "JL010"] == list(range(51, 2000, 100))
