"""Output formats, chosen by name from one registry (``--format``).

Each format is a writer made on an output stream: ``problem(p)`` writes one problem as it is
found (in line order), ``finish(reports)`` closes the document (a summary, closing brackets).
Nothing is held in between, so memory does not grow with the number of problems.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TextIO

from jsonl_lint.problems import Problem, Report
from jsonl_lint.report import github_format, json_format, markdown_format, sarif_format, text_format


class ReportWriter(Protocol):
    def problem(self, problem: Problem) -> None: ...

    def finish(self, reports: Sequence[Report], *, failed: int = 0) -> None:
        """After the last file; ``failed``: files that could not be checked (said on stderr)."""


RENDERERS: dict[str, Callable[[TextIO], ReportWriter]] = {
    "text": text_format.Writer,
    "json": json_format.Writer,
    "github": github_format.Writer,
    "sarif": sarif_format.Writer,
    "markdown": markdown_format.Writer,
}


def render(reports: Sequence[Report], output_format: str, out: TextIO) -> None:
    """Write reports that hold their problems (the API's) in one go."""
    writer = RENDERERS[output_format](out)
    for report in reports:
        for problem in report.problems:
            writer.problem(problem)
    writer.finish(reports)
