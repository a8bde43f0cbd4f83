"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per problem,
shown as annotations on the pull request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from jsonl_lint.problems import Problem, Report, Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The escaping GitHub's toolkit applies to a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Property values also escape the separators ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_problem(problem: Problem) -> str:
    properties = [f"file={escape_property(problem.path)}"]
    if problem.line is not None:
        properties.append(f"line={problem.line}")
        if problem.column is not None:
            properties.append(f"col={problem.column}")
    properties.append(f"title={escape_property(f'{problem.code} {problem.rule}')}")
    return f"::{COMMANDS[problem.severity]} {','.join(properties)}::{escape_data(problem.message)}"


class Writer:
    """One workflow command per problem as it comes."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def problem(self, problem: Problem) -> None:
        self.out.write(format_problem(problem) + "\n")

    def finish(self, reports: Sequence[Report], *, failed: int = 0) -> None:
        pass
