"""Every rule is registered once, documented with examples that really fail and pass, listed in
the README, and named in a test of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, TEST_ENCODING, lines_of
from jsonl_lint import check_files, check_lines
from jsonl_lint.rules import all_rules, rule_modules

RULES = list(all_rules().values())
# Rules whose examples cannot be written literally in a docstring, or that only a file shows
# (its start, its end, its longest line); test_reader, test_source and (JL010)
# test_hostile_boundary cover them.
NOT_LITERAL = {"JL001", "JL002", "JL007", "JL009", "JL010", "JL011", "JL012", "JL013", "JL014"}


def example_blocks(doc: str, heading: str) -> list[str]:
    """The indented block after ``heading:`` (blank lines inside it kept)."""
    match = re.search(rf"^{heading}:.*\n\n((?:    .*\n|\n)+)", doc, re.MULTILINE)
    assert match, f"no {heading} block"
    block = match.group(1).rstrip("\n")
    return [line[4:] if line.startswith("    ") else line for line in block.split("\n")]


def run_example(lines: list[str], code: str, tmp_path: Path) -> list[str]:
    options: dict[str, object] = {}
    if lines and lines[0].startswith("# options:"):
        for item in lines.pop(0).removeprefix("# options:").split():
            key, _, value = item.partition("=")
            parsed: object = int(value) if value.isdigit() else (value or True)
            if key.startswith("params."):  # params.CODE.NAME=VALUE: a rule parameter
                _, code_of, name = key.split(".", 2)
                params = options.setdefault("params", {})
                assert isinstance(params, dict)
                params.setdefault(code_of, {})[name] = parsed
            else:
                options[key] = parsed
    if code == "JL501":  # counted offline; test_tokens checks the same examples with the model's own encoding
        options.setdefault("encoding", TEST_ENCODING)
    text = "\n".join(lines) + "\n"
    if options.pop("validation", None):
        tmp_path.mkdir(parents=True, exist_ok=True)
        train, valid = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
        train.write_text('{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n')
        valid.write_text(text)
        reports = check_files([train], validation=str(valid), select=(code,), **options)  # type: ignore[arg-type]
        return [p.code for r in reports for p in r.problems]
    if options.pop("file", None):  # checked as a file on disk (its size is the point)
        tmp_path.mkdir(parents=True, exist_ok=True)
        path = tmp_path / "doc.jsonl"
        path.write_text(text)
        return [p.code for r in check_files([path], select=(code,), **options) for p in r.problems]  # type: ignore[arg-type]
    return [p.code for p in check_lines(lines_of(text), path="doc.jsonl", select=(code,), **options).problems]  # type: ignore[arg-type]


def test_codes_and_names_are_unique_and_well_formed() -> None:
    every = [rule for module in rule_modules() for rule in module.RULES]
    assert len({r.code for r in every}) == len(every)
    assert len({r.name for r in every}) == len(every)
    for rule in every:
        assert re.fullmatch(r"JL[0-9]{3}", rule.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_documented_examples_fail_and_pass(rule: object, tmp_path: Path) -> None:
    from jsonl_lint.problems import Rule

    assert isinstance(rule, Rule)
    assert rule.summary and "Fails" in rule.doc and "Passes:" in rule.doc
    if rule.code in NOT_LITERAL:
        return
    failing = run_example(example_blocks(rule.doc, "Fails"), rule.code, tmp_path / "fails")
    passing = run_example(example_blocks(rule.doc, "Passes"), rule.code, tmp_path / "passes")
    assert rule.code in failing, f"{rule.code}: the Fails example does not fail"
    assert rule.code not in passing, f"{rule.code}: the Passes example fails"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_is_in_the_readme(rule: object) -> None:
    readme = (ROOT / "README.md").read_text()
    assert f"| {rule.code} | {rule.name} |" in readme  # type: ignore[attr-defined]


def test_every_rule_is_named_in_a_test_of_its_own() -> None:
    own = Path(__file__).name
    text = "".join(p.read_text() for p in (ROOT / "tests").glob("test_*.py") if p.name != own)
    missing = [rule.code for rule in RULES if f'"{rule.code}"' not in text]
    assert missing == []
