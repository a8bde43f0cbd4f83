"""A Markdown summary for ``$GITHUB_STEP_SUMMARY`` or a pull-request comment: the verdict, with a
baseline how many problems are new, remaining and fixed, counts by rule, and the first problems.

It holds the first :data:`LISTED` problems and a count per rule, not every problem.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from typing import TextIO

from jsonl_lint.baseline import Comparison
from jsonl_lint.problems import Problem, Report, Severity

LISTED = 50  # problems listed in full; the rest are counted


def cell(text: str) -> str:
    """Text safe in a table cell: no line breaks, pipes or HTML (data is hostile)."""
    text = " ".join(text.split())
    for char, escaped in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ("|", "\\|"),
        ("`", "\\`"),
        ("*", "\\*"),
        ("_", "\\_"),
        ("[", "\\["),
        ("]", "\\]"),
    ):
        text = text.replace(char, escaped)
    return text


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 or noun == "info" else f"{count:,} {noun}s"


class Writer:
    """Counts problems as they come; writes the summary at the end. ``comparison``: the run's
    baseline comparison, filled while the run goes (None: no baseline)."""

    def __init__(self, out: TextIO, comparison: Comparison | None = None) -> None:
        self.out = out
        self.comparison = comparison
        self.listed: list[Problem] = []
        self.by_rule: collections.Counter[tuple[str, str, Severity]] = collections.Counter()
        self.by_severity: collections.Counter[Severity] = collections.Counter()

    def problem(self, problem: Problem) -> None:
        self.by_rule[problem.code, problem.rule, problem.severity] += 1
        self.by_severity[problem.severity] += 1
        if len(self.listed) < LISTED:
            self.listed.append(problem)

    def finish(self, reports: Sequence[Report], *, failed: int = 0) -> None:
        write = self.out.write
        total = sum(self.by_severity.values())
        files, records = _plural(len(reports), "file"), _plural(sum(r.records for r in reports), "record")
        errors = self.by_severity[Severity.ERROR]
        verdict = "❌ failed" if errors else "✅ passed"
        noun = "new problem" if self.comparison is not None else "problem"
        kinds = ", ".join(_plural(self.by_severity[s], s.label) for s in sorted(Severity, reverse=True) if self.by_severity[s])
        write(f"## jsonl-lint: {verdict}\n\n")
        write(f"{_plural(total, noun)}{f' ({kinds})' if kinds else ''} in {files}, {records} checked.")
        if failed:
            write(f" {_plural(failed, 'file')} could not be checked.")
        write("\n\n")
        if self.comparison is not None:
            write("| new | remaining | fixed |\n|---:|---:|---:|\n")
            write(f"| {self.comparison.new:,} | {self.comparison.remaining:,} | {self.comparison.fixed:,} |\n\n")
        if not total:
            return
        write("| rule | severity | count |\n|---|---|---:|\n")
        for (code, rule, severity), count in sorted(self.by_rule.items(), key=lambda item: (-item[0][2], -item[1], item[0][0])):
            write(f"| {code} {rule} | {severity.label} | {count:,} |\n")
        heading = "New problems" if self.comparison is not None else "Problems"
        write(f"\n### {heading}{f' (the first {LISTED})' if total > LISTED else ''}\n\n")
        write("| file | line | rule | message |\n|---|---:|---|---|\n")
        for problem in self.listed:
            line = "" if problem.line is None else f"{problem.line}"
            write(f"| {cell(problem.path)} | {line} | {problem.code} | {cell(problem.message)} |\n")
