"""``path:line:col: severity: CODE message``, one problem a line, then a summary that says whether
the files passed.

Severity is on every line (coloured on a terminal), so an info is never mistaken for an error.
A flood (more than :data:`FLOOD` problems of one rule in one file: a binary file, a JSON array
file) is cut to its first lines and one line that says how many more there are; ``--show-all``
prints them all. Machine-readable formats always keep every problem.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from jsonl_lint.problems import Problem, Report, Severity

FLOOD = 20  # problems of one rule in one file shown before the rest are only counted

_RESET = "\x1b[0m"
_COLOURS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_PASSED, _FAILED = "\x1b[1;32m", "\x1b[1;31m"


def use_colour(choice: str, out: TextIO) -> bool:
    """``--color``: always, never, or auto (a terminal, unless NO_COLOR is set: no-color.org)."""
    if choice != "auto":
        return choice == "always"
    return not os.environ.get("NO_COLOR") and out.isatty()


@dataclass(frozen=True, slots=True)
class Style:
    colour: bool = False
    quiet: int = 0  # 1: only errors (and the summary), 2: only the summary
    show_all: bool = False  # no cut after FLOOD problems of one rule in one file


def _paint(text: str, code: str, style: Style) -> str:
    return f"{code}{text}{_RESET}" if style.colour else text


def format_problem(problem: Problem, style: Style = Style()) -> str:
    where = problem.path
    if problem.line is not None:
        where += f":{problem.line}"
        if problem.column is not None:
            where += f":{problem.column}"
    label = _paint(problem.severity.label + ":", _COLOURS[problem.severity], style)
    return f"{_printable(where)}: {label} {problem.code} {_printable(problem.message)}"


# Control characters and line separators from data, escaped: one problem is always one line.
_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))} | {
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def _printable(text: str) -> str:
    return text.translate(_ESCAPES) if not text.isprintable() else text


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 or noun == "info" else f"{count:,} {noun}s"


def summary(reports: Sequence[Report], *, failed: int = 0, style: Style = Style()) -> str:
    """One line: Passed or Failed (an error, or a file that could not be read), and the counts."""
    counts = {s: sum(r.count(s) for r in reports) for s in Severity}
    scope = f"in {_plural(len(reports), 'file')}, {_plural(sum(r.records for r in reports), 'record')} checked"
    if failed:
        scope += f"; {_plural(failed, 'file')} could not be read"
    found = ", ".join(_plural(counts[s], s.label) for s in sorted(Severity, reverse=True) if counts[s])
    if counts[Severity.ERROR] or failed:
        return f"{_paint('Failed', _FAILED, style)}: {found or 'no problems'} {scope}."
    if found:
        return f"{_paint('Passed', _PASSED, style)} (no errors): {found} {scope}."
    return f"{_paint('Passed', _PASSED, style)}: no problems {scope}."


class Writer:
    """One line per problem as it comes (floods cut, see the module docs), then the summary."""

    def __init__(self, out: TextIO, style: Style = Style()) -> None:
        self.out = out
        self.style = style
        self.path: str | None = None
        self.seen: collections.Counter[str] = collections.Counter()  # code -> problems in this file
        self.rules: dict[str, str] = {}

    def problem(self, problem: Problem) -> None:
        if problem.path != self.path:
            self._close_file()
            self.path = problem.path
        if self.style.quiet >= 2 or (self.style.quiet and problem.severity < Severity.ERROR):
            return
        self.seen[problem.code] += 1
        self.rules[problem.code] = problem.rule
        if self.seen[problem.code] <= FLOOD or self.style.show_all:
            self.out.write(format_problem(problem, self.style) + "\n")

    def _close_file(self) -> None:
        """After a file's last problem: one line for each rule whose problems were cut."""
        for code, count in self.seen.items():
            if count > FLOOD and not self.style.show_all:
                self.out.write(
                    f"{_printable(self.path or '')}: {_plural(count - FLOOD, 'more ' + code + ' problem')} ({self.rules[code]}) "
                    "not shown; --show-all lists every one\n"
                )
        self.seen.clear()

    def finish(self, reports: Sequence[Report], *, failed: int = 0) -> None:
        self._close_file()
        if reports or not failed:  # no summary of nothing when every file failed
            self.out.write(summary(reports, failed=failed, style=self.style) + "\n")
