"""``path:line:col: CODE message``, one problem a line, then a one-line summary."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from jsonl_lint.problems import Problem, Report, Severity


def format_problem(problem: Problem) -> str:
    where = problem.path
    if problem.line is not None:
        where += f":{problem.line}"
        if problem.column is not None:
            where += f":{problem.column}"
    return f"{_printable(where)}: {problem.code} {_printable(problem.message)}"


# Control characters and line separators from data, escaped: one problem is always one line.
_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))} | {
    ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _printable(text: str) -> str:
    return text.translate(_ESCAPES) if not text.isprintable() else text


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 or noun == "info" else f"{count} {noun}s"


def summary(reports: Sequence[Report]) -> str:
    files = _plural(len(reports), "file")
    records = _plural(sum(r.records for r in reports), "record")
    counts = {s: sum(r.count(s) for r in reports) for s in Severity}
    if not any(counts.values()):
        return f"No problems: {files}, {records} checked."
    parts = [_plural(counts[s], s.label) for s in sorted(Severity, reverse=True) if counts[s]]
    total = sum(counts.values())
    return f"Found {_plural(total, 'problem')} ({', '.join(parts)}) in {files}, {records} checked."


class Writer:
    """One line per problem as it comes, then the summary."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def problem(self, problem: Problem) -> None:
        self.out.write(format_problem(problem) + "\n")

    def finish(self, reports: Sequence[Report], *, failed: int = 0) -> None:
        if reports or not failed:  # no summary of nothing when every file failed
            self.out.write(summary(reports) + "\n")
