"""The review report: what `check` finds and what `stats` counts, for one page a team attaches
to a review before paying for a run (rendered by :mod:`jsonl_lint.review_render`).

One read of the data: `check` runs with one more fact rule (:mod:`jsonl_lint.stats_facts`),
whose per-example counts are made where each record is parsed and validated; its problems are
streamed into a bounded summary, and the counts add up to what `stats` finds.
"""

from __future__ import annotations

import collections
import datetime
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jsonl_lint import __version__
from jsonl_lint.engine import check_paths, validation_file
from jsonl_lint.problems import Problem, Report, Severity, UsageError
from jsonl_lint.profiles import ModelSpec
from jsonl_lint.report import markdown_format
from jsonl_lint.rules import layout
from jsonl_lint.stats import FileStats, StatsReport, report_of, summarize, tokenizer_for
from jsonl_lint.stats_facts import StatsFacts, Tally
from jsonl_lint.target import Target, resolve_target
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
    profile: str  # each distinct profile of the files' targets, in file order, comma-separated
    model: str  # likewise, the models
    tokenizer: str | None
    date: str
    version: str
    reports: tuple[Report, ...]
    findings: Findings
    runs: tuple[StatsReport, ...]  # one per target model of the training files, in file order; () when not counted
    limits: Mapping[str, int | None]  # each counted file's token limit per example (its target model's)
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
    """Check ``files`` (``"-"``: standard input) and the validation file, counting their tokens
    in the same read, for the report. Each file's target (profile, model, tokenizer, limit) is
    resolved as `check` resolves it: its own ``[tool.jsonl-lint]`` under the flags.

    ``flags``: profile, model, encoding, tokenizer, max_tokens (as `check` and `stats` take them).
    """
    if not files:
        raise UsageError("no files to report on")
    overrides = dict(flags or {}, validation=validation)
    targets = [resolve_target(name, overrides) for name in files]
    validation = validation_file(list(zip(files, targets, strict=True)))
    if validation is not None:
        targets.append(resolve_target(validation, overrides))
    counting: StatsFacts | None = None
    stats_error: str | None = None
    try:
        for model in dict.fromkeys(t.model for t in targets):
            tokenizer_for(model)  # loaded here, before the check's workers fork
        counting = StatsFacts()
    except EncodingUnavailable as error:
        stats_error = str(error).split(". On a machine without internet", 1)[0]
    except UsageError as error:  # no tokenizer known for a model
        stats_error = str(error)
    findings = Findings()
    reports = check_paths(
        list(files), flags=overrides, validation=validation, jobs=jobs, emit=findings.problem, facts=[counting.rules] if counting else ()
    )
    findings.finish(reports)
    runs: tuple[StatsReport, ...] = ()
    limits: dict[str, int | None] = {}
    if counting is not None:
        try:
            runs, limits = _runs(reports, counting.tallies, findings, epochs)
        except UsageError as error:  # e.g. no example in a known format: the findings say why
            stats_error = str(error)
    return Review(
        files=tuple(files),
        validation=validation,
        profile=_distinct(t.profile.name for t in targets),
        model=_distinct(t.model.name for t in targets),
        tokenizer=_distinct(run.estimate.encoding for run in runs) or None,
        date=(today or datetime.datetime.now(datetime.UTC).date()).isoformat(),
        version=__version__,
        reports=tuple(reports),
        findings=findings,
        runs=runs,
        limits=limits,
        stats_error=stats_error,
    )


def _distinct(names: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(names))


def _runs(
    reports: Sequence[Report], tallies: Sequence[Tally], findings: Findings, epochs: int | None
) -> tuple[tuple[StatsReport, ...], dict[str, int | None]]:
    """What `stats` finds, from the counts made during the check (each file's report and tally
    in the order the files were checked): one run per target model of the training files (each
    file counted and limited by its own target's), its cost that model's; the validation file
    is shown with the run of its model (else the first). And each file's token limit."""
    files: list[tuple[Target, FileStats]] = []
    for report, tally in zip(reports, tallies, strict=True):
        if report.data_format is None:
            shape = next((p.message for p in findings.first.get(layout.NOT_JSONL.code, ()) if p.path == report.path), None)
            raise UsageError(f"{report.path}: {shape or 'no example in a known format'}")
        tally.counts.skipped = report.lines - tally.counts.examples  # lines that are not an example of the format
        files.append((tally.target, summarize(report.path, report.data_format, tally.counts, tally.target.model.max_tokens)))
    limits = {f.path: target.model.max_tokens for target, f in files}
    validation = files.pop() if tallies and tallies[-1].is_validation else None
    groups: dict[tuple[str, ModelSpec], list[tuple[Target, FileStats]]] = {}
    for target, file_stats in files:
        groups.setdefault((target.profile.name, target.model), []).append((target, file_stats))
    home = next(iter(groups))  # there is a training file: each has a format, or the report has no statistics
    if validation is not None and (validation[0].profile.name, validation[0].model) in groups:
        home = (validation[0].profile.name, validation[0].model)
    runs = tuple(
        report_of([f for _, f in members], validation[1] if validation is not None and key == home else None, members[0][0], epochs)
        for key, members in groups.items()
    )
    return runs, limits
