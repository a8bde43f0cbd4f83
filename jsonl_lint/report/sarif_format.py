"""A SARIF 2.1.0 log for GitHub code scanning: every rule in the tool's driver, every problem a
result with a repository-relative location (or an absolute one outside the repository)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from jsonl_lint.problems import Problem, Report, Rule, Severity
from jsonl_lint.report.json_format import indented
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


def _rule_index() -> dict[str, int]:
    from jsonl_lint.rules import all_rules

    return {code: number for number, code in enumerate(all_rules())}


def _log(results: list[Any]) -> dict[str, Any]:
    from jsonl_lint import __version__
    from jsonl_lint.rules import all_rules

    driver = {
        "name": "jsonl-lint",
        "version": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(r) for r in all_rules().values()],
    }
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}],
    }


def sarif_log(reports: Sequence[Report]) -> dict[str, Any]:
    """The whole log of reports that hold their problems."""
    index = _rule_index()
    return _log([_result(problem, index) for report in reports for problem in report.problems])


_PLACEHOLDER = "\x00results\x00"
_RESULT_DEPTH = 4  # root > runs > runs[0] > results > results[i]


class Writer:
    """The log's head, each result as it comes, then its tail: byte for byte the indented dump
    of the whole log."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.index: dict[str, int] = {}
        self.tail = ""
        self.started = False

    def problem(self, problem: Problem) -> None:
        if not self.started:
            self.index = _rule_index()
            head, self.tail = _split_log()
            self.out.write(head)
        else:
            self.out.write(",\n" + "  " * _RESULT_DEPTH)
        self.out.write(indented(_result(problem, self.index), _RESULT_DEPTH))
        self.started = True

    def finish(self, reports: Sequence[Report], *, failed: int = 0) -> None:
        if self.started:
            self.out.write(self.tail + "\n")
        else:
            self.out.write(json.dumps(_log([]), indent=2, ensure_ascii=False) + "\n")


def _split_log() -> tuple[str, str]:
    """The log's text before and after its one result."""
    text = json.dumps(_log([_PLACEHOLDER]), indent=2, ensure_ascii=False)
    head, tail = text.split(json.dumps(_PLACEHOLDER, ensure_ascii=False))
    return head, tail
