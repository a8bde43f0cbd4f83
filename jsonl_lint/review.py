"""The review report: what `check` finds and what `stats` counts, for one page a team attaches
to a review before paying for a run (rendered by :mod:`jsonl_lint.review_render`).

The two cores run one after the other in this process (the data is read twice): `check`'s
problems are streamed into a bounded summary, `stats` keeps its per-example counts.
"""

from __future__ import annotations

import collections
import datetime
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jsonl_lint import __version__
from jsonl_lint.engine import check_paths, validation_file
from jsonl_lint.problems import Problem, Report, Severity, UsageError
from jsonl_lint.report import markdown_format
from jsonl_lint.stats import StatsReport, compute
from jsonl_lint.target import resolve_target
from jsonl_lint.tokens import EncodingUnavailable

FIRST_PER_RULE = 5  # problems shown in full for each rule; the rest are counted
RuleKey = tuple[str, str, Severity]  # code, name, severity


@dataclass(slots=True)
class Findings:
    """Problems as they come, held within bounds: a count per rule and severity, the first of
    each rule, and the findings-only Markdown summary of `check --format markdown`."""

    by_rule: collections.Counter[RuleKey] = field(default_factory=collections.Counter)
    by_severity: collections.Counter[Severity] = field(default_factory=collections.Counter)
    first: dict[str, list[Problem]] = field(default_factory=dict)
    markdown: str = ""
    _summary: io.StringIO = field(default_factory=io.StringIO)
    _writer: markdown_format.Writer | None = None

    def problem(self, problem: Problem) -> None:
        self.by_rule[problem.code, problem.rule, problem.severity] += 1
        self.by_severity[problem.severity] += 1
        shown = self.first.setdefault(problem.code, [])
        if len(shown) < FIRST_PER_RULE:
            shown.append(problem)
        if self._writer is None:
            self._writer = markdown_format.Writer(self._summary)
        self._writer.problem(problem)

    def finish(self, reports: Sequence[Report]) -> None:
        if self._writer is None:
            self._writer = markdown_format.Writer(self._summary)
        self._writer.finish(reports)
        self.markdown = self._summary.getvalue()

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())

    def rules(self) -> list[tuple[RuleKey, int]]:
        """Rules by severity (worst first), then count (most first), then code."""
        return sorted(self.by_rule.items(), key=lambda item: (-item[0][2], -item[1], item[0][0]))


@dataclass(frozen=True, slots=True)
class Review:
    files: tuple[str, ...]
    validation: str | None
    profile: str
    model: str
    tokenizer: str | None
    date: str
    version: str
    reports: tuple[Report, ...]
    findings: Findings
    stats: StatsReport | None
    stats_error: str | None  # why there are no statistics (no example in a known format, no tokenizer)

    @property
    def records(self) -> int:
        return sum(r.records for r in self.reports)

    @property
    def passed(self) -> bool:
        return not self.findings.by_severity[Severity.ERROR]


def build(
    files: Sequence[str],
    flags: Mapping[str, Any] | None = None,
    *,
    validation: str | None = None,
    epochs: int | None = None,
    jobs: int | None = None,
    today: datetime.date | None = None,
) -> Review:
    """Check ``files`` (and the validation file) and count their tokens, for the report.

    ``flags``: profile, model, encoding, tokenizer, max_tokens (as `check` and `stats` take them).
    """
    if not files:
        raise UsageError("no files to report on")
    if "-" in files or validation == "-":
        raise UsageError("report reads the data twice (check, then stats): give a file, not standard input")
    overrides = dict(flags or {}, validation=validation)
    targets = [(name, resolve_target(name, overrides)) for name in files]
    validation = validation_file(targets)
    findings = Findings()
    reports = check_paths(list(files), flags=overrides, validation=validation, jobs=jobs, emit=findings.problem)
    findings.finish(reports)
    target = targets[0][1]
    stats: StatsReport | None = None
    stats_error: str | None = None
    try:
        stats = compute(list(files), target=target, validation=validation, epochs=epochs, jobs=jobs)
    except EncodingUnavailable as error:
        stats_error = str(error).split(". On a machine without internet", 1)[0]
    except UsageError as error:  # e.g. no example in a known format: the findings say why
        stats_error = str(error)
    return Review(
        files=tuple(files),
        validation=validation,
        profile=target.profile.name,
        model=target.model.name,
        tokenizer=stats.estimate.encoding if stats is not None else None,
        date=(today or datetime.datetime.now(datetime.UTC).date()).isoformat(),
        version=__version__,
        reports=tuple(reports),
        findings=findings,
        stats=stats,
        stats_error=stats_error,
    )
