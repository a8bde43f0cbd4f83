"""A SARIF 2.1.0 log for GitHub code scanning: every rule in the tool's driver, every problem a
result with a repository-relative location (or an absolute one outside the repository)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from jsonl_lint.checker import Report
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.report.sarif_paths import artifact_location

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
INFORMATION_URI = "https://pypi.org/project/jsonl-lint/"


def _first_paragraph(doc: str) -> str:
    return " ".join(doc.strip().split("\n\n", 1)[0].split())


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": "".join(part.capitalize() for part in rule.name.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(rule.doc)},
        "help": {"text": rule.doc.strip(), "markdown": rule.doc.strip()},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.name], "fixable": rule.fixable},  # fixable: `check --fix` repairs it
    }


def _result(problem: Problem, index: dict[str, int]) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": artifact_location(problem.path)}
    if problem.line is not None:
        region: dict[str, int] = {"startLine": problem.line}
        if problem.column is not None:
            region["startColumn"] = problem.column
        location["region"] = region
    result: dict[str, Any] = {
        "ruleId": problem.code,
        "ruleIndex": index[problem.code],
        "level": LEVELS[problem.severity],
        "message": {"text": problem.message},
        "locations": [{"physicalLocation": location}],
    }
    if problem.json_path:
        result["properties"] = {"jsonPath": problem.json_path}
    return result


def sarif_log(reports: Sequence[Report]) -> dict[str, Any]:
    from jsonl_lint import __version__
    from jsonl_lint.rules import all_rules

    rules = list(all_rules().values())
    index = {rule.code: number for number, rule in enumerate(rules)}
    driver = {"name": "jsonl-lint", "version": __version__, "informationUri": INFORMATION_URI, "rules": [_rule(r) for r in rules]}
    results = [_result(problem, index) for report in reports for problem in report.problems]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}]}


def render(reports: Sequence[Report], out: TextIO) -> None:
    out.write(json.dumps(sarif_log(reports), indent=2, ensure_ascii=False) + "\n")
