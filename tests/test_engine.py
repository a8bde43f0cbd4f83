"""The engine streams problems in line order as it finds them; the renderers write each as it
comes and still make whole, valid documents; every rule module declares a typed RULES."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from jsonl_lint import Config
from jsonl_lint.engine import check_paths, check_source
from jsonl_lint.problems import Problem
from jsonl_lint.report import RENDERERS, render
from jsonl_lint.report.sarif_format import sarif_log
from jsonl_lint.rules import all_rules, rule_modules, rule_sets
from jsonl_lint.rules.base import DatasetRules, RecordRules, RuleSet
from jsonl_lint.target import resolve_target

CHAT = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n'


def test_problems_are_emitted_while_the_file_is_read() -> None:
    seen: list[Problem] = []

    def lines() -> Iterator[bytes]:
        for number in range(1, 101):
            if number == 60:
                assert len(seen) >= 28  # the blank lines before (2, 4 ... 58) are already out
            yield CHAT.encode() if number % 2 else b"\n"

    report = check_source(lines(), resolve_target("t.jsonl", {"select": ("JL003",)}, config=Config()), path="t.jsonl", emit=seen.append)
    assert [p.line for p in seen] == list(range(2, 101, 2)) and report.problems == ()
    assert report.count(seen[0].severity) == 50 and report.has_errors


def test_line_order_within_a_line_and_file_level_last(tmp_path: Path) -> None:
    data = tmp_path / "t.jsonl"
    data.write_text(CHAT * 2 + '{"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "x", "content": "y"}]}\n')
    [report] = check_paths([data], Config())
    assert [(p.line, p.code) for p in report.problems] == [(2, "JL703"), (3, "JL008"), (None, "JL701")]
    streamed: list[Problem] = []
    [counted] = check_paths([data], Config(), emit=streamed.append)
    assert streamed == list(report.problems) and counted.problems == () and counted.severities == report.severities


@pytest.mark.parametrize("output_format", ["json", "sarif"])
@pytest.mark.parametrize("problems", [0, 1, 3])
def test_streamed_documents_are_the_whole_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str, problems: int) -> None:
    monkeypatch.chdir(tmp_path)
    Path("t.jsonl").write_text(CHAT + "\n" * problems)
    [report] = check_paths(["t.jsonl"], Config(select=("JL003",)))
    out = io.StringIO()
    render([report], output_format, out)
    whole = [p.as_dict() for p in report.problems] if output_format == "json" else sarif_log([report])
    assert out.getvalue() == json.dumps(whole, indent=2, ensure_ascii=False) + "\n"


def test_every_renderer_is_a_writer() -> None:
    for output_format, make in RENDERERS.items():
        writer = make(io.StringIO())
        assert callable(writer.problem) and callable(writer.finish), output_format


def test_every_rule_module_declares_typed_rules_once() -> None:
    assert len(rule_sets()) == len(rule_modules())
    assert all(isinstance(module.RULES, RuleSet) for module in rule_modules())
    declared = [rule.code for rule_set in rule_sets() for rule in rule_set]
    assert sorted(declared) == list(all_rules()) and len(set(declared)) == len(declared)
    kinds = {type(rule_set) for rule_set in rule_sets()}
    assert {RecordRules, DatasetRules, RuleSet} <= kinds


def test_a_module_without_a_typed_declaration_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from jsonl_lint.rules import learnable

    rule_sets.cache_clear()
    monkeypatch.setattr(learnable, "RULES", tuple(learnable.RULES))
    try:
        with pytest.raises(TypeError, match=r"learnable\.RULES must be a RuleSet"):
            rule_sets()
    finally:
        monkeypatch.undo()
        rule_sets.cache_clear()


def test_a_fact_rule_failing_on_a_record_leaves_the_other_rules_their_facts() -> None:
    from typing import Any

    from jsonl_lint.rules import conflicting_answers
    from jsonl_lint.rules.base import DatasetContext, FactRules

    seen: list[tuple[int, Any]] = []

    class Recorder:
        def __init__(self, ctx: DatasetContext) -> None:
            pass

        def observe(self, line: int, key: int | None, facts: Any) -> tuple[Problem, ...]:
            seen.append((line, facts))
            return ()

        def finish(self) -> tuple[Problem, ...]:
            return ()

    def fragile(record: Any) -> str:
        if "BOOM" in json.dumps(record.value):
            raise ValueError("cannot")
        return "ok"

    extra = FactRules(rules=(conflicting_answers.CONFLICTING_ANSWERS,), start=Recorder, facts=fragile)
    ask = {"role": "user", "content": "Capital?"}
    lines = [json.dumps({"messages": [ask, {"role": "assistant", "content": answer}]}).encode() + b"\n" for answer in ("A", "BOOM")]
    report = check_source(lines, resolve_target("t.jsonl", {"select": ("JL707",)}), path="t.jsonl", facts=[extra])
    assert [(p.line, p.code) for p in report.problems] == [(2, "JL707")]  # the conflict is still found on the failing record
    assert seen == [(1, "ok"), (2, None)]
