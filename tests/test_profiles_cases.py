"""Every profile judges its cases (tests/cases/profiles/*.toml) as the trainer does.

Each case is a small JSONL file with the trainer's verdict and the source it comes from; see
tests/cases/profiles/README.md.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from jsonl_lint import check_lines
from jsonl_lint.problems import Severity

CASES = Path(__file__).parent / "cases" / "profiles"
COUNT_RULES = ("JL701", "JL702")  # the cases are tiny on purpose


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.toml")):
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        for case in table["case"]:
            params.append(pytest.param(table["profile"], case, id=f"{table['profile']}: {case['name']}"))
    return params


def _errors(data: str, profile: str, model: str | None, counts: bool) -> set[str]:
    lines = [line.encode() + b"\n" for line in data.splitlines()]
    ignore = () if counts else COUNT_RULES
    report = check_lines(lines, path="case.jsonl", profile=profile, model=model, token_check=False, ignore=ignore)
    return {p.code for p in report.problems if p.severity is Severity.ERROR}


@pytest.mark.parametrize(("profile", "case"), _cases())
def test_profile_judges_case_as_the_trainer(profile: str, case: dict[str, Any]) -> None:
    assert case["source"] and case["verdict"] in ("accept", "reject")
    counts = bool(case.get("counts", False))
    errors = _errors(case["data"], profile, case.get("model"), counts)
    if case["verdict"] == "accept":
        assert errors == set()
    else:
        assert errors and set(case.get("codes", ())) <= errors
    if "openai" in case:
        on_openai = _errors(case["data"], "openai", case.get("openai_model"), counts)
        assert bool(on_openai) == (case["openai"] == "reject"), on_openai
        assert set(case.get("openai_codes", ())) <= on_openai


def test_together_and_mistral_have_enough_cases_both_ways() -> None:
    for name in ("together", "mistral"):
        cases = tomllib.loads((CASES / f"{name}.toml").read_text(encoding="utf-8"))["case"]
        assert len(cases) >= 15
        assert any(c["verdict"] == "accept" and c.get("openai") == "reject" for c in cases)
        assert any(c["verdict"] == "reject" and c.get("openai") == "accept" for c in cases)
