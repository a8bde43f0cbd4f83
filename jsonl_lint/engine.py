"""The checker: each file's records through the reader, its format, its schema and the rules,
problems out in line order as they are found.

:func:`check_paths` is the one core: the CLI, the pre-commit hook and the API wrappers
(:func:`check_file`, :func:`check_files`, :func:`check_lines`, :func:`check_record`) call it or
its per-file step. Problems of a record are reported when its line is done (sorted within the
line), so memory does not grow with the number of problems; problems about a whole file (an
empty file, too few examples) come after its last line.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from jsonl_lint import formats, line_ranges, parallel, terminate
from jsonl_lint.config import Config
from jsonl_lint.conversation import EVERY_RECORD, PLAIN_CHAT, SPECIAL_MARK, Features, summary
from jsonl_lint.problems import Problem, Report, Severity, UsageError
from jsonl_lint.reader import LineCounts, Record, read_records
from jsonl_lint.record_key import record_key
from jsonl_lint.rules import internal, layout, rule_sets, structure, syntax
from jsonl_lint.rules.base import (
    DatasetCheck,
    DatasetContext,
    DatasetRules,
    FactCheck,
    FactRules,
    FileContext,
    RecordRules,
    RecordTally,
    RunState,
    TallyCheck,
    TallyRules,
)
from jsonl_lint.rules.file_format import FormatDecider
from jsonl_lint.rules.special_tokens import may_hold_special
from jsonl_lint.source import SHAPES, Source, lines_of, split_blocks
from jsonl_lint.target import Target, resolve_target

if TYPE_CHECKING:
    from jsonl_lint.schema_errors import SchemaIssue

Emit = Callable[[Problem], None]
RecordCheck = Callable[[Record, FileContext], Iterable[Problem]]
# Record rules run only on records with the features they look for (RecordRules.needs). False runs
# every rule on every record, the slow way, for the test that the report is the same either way.
_SKIP_BY_FEATURES = True
Facts = tuple[Any, ...]  # each fact rule's facts of a record (empty: the record failed its schema)
OnRecord = Callable[[int, "int | None", Facts, list[Problem]], None]
# A worker's problems, record keys and facts, content lines, and each tally rule's total.
Batch = tuple[list[Problem], list[tuple[int, int | None, Facts]], int, tuple[Any, ...]]


class _LineChecker:
    """The work of each line: read it, decide or compare its format, validate it, run the record
    rules. Its only state across records is the file's format, so blocks of a file can go to
    worker processes; dataset rules get each record's ``(line, key)`` through ``on_record``.
    """

    def __init__(self, path: str, target: Target, *, keys: bool) -> None:
        self.path = path
        self.target = target
        self.keys = keys  # whether any dataset rule reads the records' keys
        self.formats = FormatDecider(path, target)
        self.reporter = DatasetContext(path=path, target=target)  # problems before the format is known
        self.ctx: FileContext | None = None  # once the format is known
        self.record_checks: list[RecordCheck] = []  # every record rule that runs on this file
        self.rule_needs: list[tuple[Features, RecordCheck]] = []  # each of them with the features it looks for
        self.checks_by_features: dict[Features, list[RecordCheck]] = {}  # the rules that run on records of those features
        self.validator: Any = None
        self.plain_chat = False  # whether the file's schema takes every plain chat record
        self.wanted: Features = 0  # the features some rule of this file looks for
        self.summarize = False  # whether some rule looks for features of the summary
        self.mark_special = False  # whether some rule looks for SPECIAL_MARK
        self.fact_makers: list[Callable[[Record], Any]] = []  # the facts of the fact rules that run
        self.tally_makers: list[Callable[[], RecordTally]] = []  # a range's tally of each tally rule that runs

    def check_lines(
        self,
        lines: Iterable[bytes],
        first_line: int,
        out: Emit,
        on_record: OnRecord,
        counts: LineCounts,
        tallies: Sequence[RecordTally] = (),
    ) -> None:
        """Problems of ``lines`` to ``out``, in line order (within a line: by column, then code);
        the records valid for their format added to ``tallies``."""
        enabled = self.target.severities
        pending: list[Problem] = []  # the current line's problems
        pending_line = 0
        found: list[Problem] = []  # one record's problems, before the switched-off ones are dropped
        makers = self.fact_makers
        check, keys = self.check, self.keys
        for item in read_records(lines, self.reporter.problem, first_line=first_line, counts=counts):
            line = item.line or 0
            if line != pending_line:
                if pending:
                    _flush(pending, out)
                    pending = []
                pending_line = line
            if isinstance(item, Problem):
                if item.code in enabled:
                    pending.append(item)
                continue
            valid = False
            try:
                valid = check(item, found)
            except (UsageError, KeyboardInterrupt, SystemExit, GeneratorExit):
                raise  # about the run (e.g. a missing encoding), not this record
            except BaseException as error:  # noqa: BLE001  # native code panics (pyo3) derive from BaseException
                found.append(_internal_error(self.reporter, item, error))
            # Dataset rules compare records by their key (equal records, equal keys); fact rules
            # get more of each valid record.
            facts = _all_facts(makers, item) if valid and makers else ()
            if valid and tallies:
                for tally in tallies:
                    tally.add(line, item)
            on_record(line, record_key(item) if keys else None, facts, found)
            if found:  # most records have no problem
                pending.extend([p for p in found if p.code in enabled])
                found.clear()
        if pending:
            _flush(pending, out)

    def check(self, record: Record, found: list[Problem]) -> bool:
        """Check one record; True when it is valid for its format (its record rules ran)."""
        value = record.value
        if not self.formats.record(value, record.line, found):
            return False
        ctx = self.ctx or self._format_known()
        # The record's features (conversation.Features) that some rule looks for, 0 when not
        # known: every rule runs. Without such a rule the summary is not made (it costs about as
        # much as validating the record).
        features = EVERY_RECORD if _SKIP_BY_FEATURES else 0
        if features and self.summarize:
            try:
                features |= summary(value, ctx.data_format).features
            except Exception:  # noqa: BLE001  # a record the summary cannot read (invalid): the schema and every rule say why
                features = 0
        if features and self.mark_special and may_hold_special(record.raw):
            features |= SPECIAL_MARK
        # A plain chat record (see conversation.PLAIN_CHAT) is valid for the chat schema.
        if not (features & PLAIN_CHAT and self.plain_chat) and not self.validator.is_valid(value):
            for issue in _explanation(ctx.data_format, record):
                found.append(ctx.at(structure.SCHEMA, record, issue.message, issue.path, at_key=issue.at_key))
            return False
        checks = self.checks_by_features.get(features) if features else self.record_checks
        if checks is None:  # a few combinations per file
            checks = self.checks_by_features[features] = [check for needs, check in self.rule_needs if needs & features]
        for record_check in checks:
            found.extend(record_check(record, ctx))
        return True

    def _format_known(self) -> FileContext:
        fmt = self.formats.data_format
        assert fmt is not None
        self.ctx = FileContext(path=self.path, target=self.target, data_format=fmt)
        self.validator = formats.fast_validator(fmt)
        self.plain_chat = fmt == "chat"
        running = [
            rules
            for rules in rule_sets()
            if isinstance(rules, RecordRules) and fmt in rules.formats and any(map(self.target.enabled, rules.rules + rules.also_reports))
        ]
        self.record_checks = [rules.check for rules in running]
        self.rule_needs = [(rules.needs(self.ctx), rules.check) for rules in running]
        self.wanted = functools.reduce(operator.or_, (needs for needs, _ in self.rule_needs), 0)
        self.summarize = bool(self.wanted & ~(EVERY_RECORD | SPECIAL_MARK))
        self.mark_special = bool(self.wanted & SPECIAL_MARK)
        return self.ctx


def _flush(problems: list[Problem], out: Emit) -> None:
    if len(problems) > 1:
        problems.sort(key=Problem.sort_key)
    for problem in problems:
        out(problem)


def _all_facts(makers: list[Callable[[Record], Any]], record: Record) -> Facts:
    """Each fact rule's facts of a record (see :func:`_facts`), in one step when none fails."""
    try:
        return tuple([make(record) for make in makers])
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException:  # noqa: BLE001  # a record some rule cannot read: each rule's facts alone
        return tuple([_facts(make, record) for make in makers])


def _facts(make: Callable[[Record], Any], record: Record) -> Any:
    """A fact rule's facts of a record, or None when it cannot have them (the rule skips it)."""
    try:
        return make(record)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException:  # noqa: BLE001  # a record the rule cannot read: its record rules say why
        return None


def _internal_error(reporter: DatasetContext, record: Record, error: BaseException) -> Problem:
    """One bad record never stops the file: a check that fails becomes a problem on its line."""
    detail = str(error).splitlines()[0][:200] if str(error) else ""
    what = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    message = f"internal error while checking this record ({what}); please report it to jsonl-lint"
    return reporter.problem(internal.INTERNAL_ERROR, record.line or None, None, message)


def _check_batch(checker: _LineChecker, first_line: int, lines: Iterable[bytes]) -> Batch:
    return _check_blocks(checker, [(first_line, lines)])


def _check_blocks(checker: _LineChecker, blocks: Iterable[tuple[int, Iterable[bytes]]]) -> Batch:
    problems: list[Problem] = []
    keys: list[tuple[int, int | None, Facts]] = []
    counts = LineCounts()
    tallies = [start() for start in checker.tally_makers]
    for first_line, lines in blocks:
        checker.check_lines(
            lines, first_line, problems.append, lambda line, key, facts, found: keys.append((line, key, facts)), counts, tallies
        )
    return problems, keys, counts.content, tuple(tally.total() for tally in tallies)


FIRST_RANGE_BYTES = 64 << 10  # the range checked first, alone, to learn the file's format
RANGE_FIRST_LINE = 2  # a range checked elsewhere numbers its lines from here (not 1: only line 1 may hold a BOM)
RangeResult = tuple[Batch, int]  # a range's batch, and how many lines it holds


def check_range(checker: _LineChecker, max_line_bytes: int, start: int, end: int, first_line: int = RANGE_FIRST_LINE) -> RangeResult:
    """The lines that start in ``[start, end)`` of the checker's file, read here (by a worker
    for itself), numbered from ``first_line``; and how many there are."""
    with line_ranges.open_range(checker.path, start, end) as reader:
        blocks = split_blocks(reader.read, first_line=first_line, max_line_bytes=max_line_bytes)
        batch = _check_blocks(checker, ((number, lines_of(block)) for number, block in blocks))
        return batch, reader.lines


class RangeRunner(Protocol):
    """Where a file's ranges are checked: ``first`` one at a time, its lines numbered from their
    real number, leaving ``checker`` knowing what the range taught it (the file's format);
    ``rest`` with that knowledge, each numbered from :data:`RANGE_FIRST_LINE`, results in order."""

    def first(self, checker: _LineChecker, max_line_bytes: int, span: tuple[int, int], first_line: int) -> RangeResult: ...

    def rest(self, checker: _LineChecker, max_line_bytes: int, spans: Sequence[tuple[int, int]]) -> Iterator[RangeResult]: ...

    def reads(self, source: Source, path: str) -> bool:
        """Whether the runner's workers can read the source's ranges themselves (by ``path``)."""
        ...

    # An input no worker can read for itself (compressed, remote, a pipe): blocks read here and
    # sent, the first one at a time as ``first`` does, the others with what they taught.
    def first_block(self, checker: _LineChecker, first_line: int, block: bytes) -> Batch: ...

    def rest_blocks(self, checker: _LineChecker, blocks: Iterable[tuple[int, bytes]]) -> Iterator[Batch]: ...


class ForkedRanges:
    """The first ranges in this process, the others in ``jobs`` forked workers (they inherit the checker)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def first(self, checker: _LineChecker, max_line_bytes: int, span: tuple[int, int], first_line: int) -> RangeResult:
        return check_range(checker, max_line_bytes, *span, first_line)

    def rest(self, checker: _LineChecker, max_line_bytes: int, spans: Sequence[tuple[int, int]]) -> Iterator[RangeResult]:
        return parallel.map_in_order(functools.partial(check_range, checker, max_line_bytes), spans, self.jobs)

    def reads(self, source: Source, path: str) -> bool:
        return line_ranges.is_local_file(source, path)

    def first_block(self, checker: _LineChecker, first_line: int, block: bytes) -> Batch:
        return _check_batch(checker, first_line, lines_of(block))

    def rest_blocks(self, checker: _LineChecker, blocks: Iterable[tuple[int, bytes]]) -> Iterator[Batch]:
        return parallel.map_blocks(functools.partial(_check_batch, checker), blocks, self.jobs)


class _FileRun:
    """One file through the checker; its problems go to ``emit`` as they are found."""

    def __init__(
        self,
        path: str,
        target: Target,
        emit: Emit,
        *,
        run: RunState | None = None,
        is_validation: bool = False,
        jobs: int = 1,
        dataset_rules: bool = True,
        facts: Sequence[FactRules | TallyRules] = (),
        ranges: RangeRunner | None = None,
    ) -> None:
        self.path = path
        self.target = target
        self.jobs = jobs
        self.ranges = ranges  # where ranges are checked (None: forked workers when jobs > 1)
        self.records = 0
        self.counts = LineCounts()
        self.severities = dict.fromkeys(Severity, 0)
        self._emit = emit
        context = DatasetContext(path=path, target=target, is_validation=is_validation, run=run if run is not None else RunState())
        self.reporter = context
        self.dataset_checks: list[DatasetCheck] = [
            rules.start(context)
            for rules in rule_sets()
            if dataset_rules and isinstance(rules, DatasetRules) and any(map(target.enabled, rules.rules))
        ]
        fact_rules = [
            rules for rules in rule_sets() if dataset_rules and isinstance(rules, FactRules) and any(map(target.enabled, rules.rules))
        ] + [rules for rules in facts if isinstance(rules, FactRules)]
        tally_rules = [rules for rules in facts if isinstance(rules, TallyRules)]
        self.fact_checks: list[FactCheck] = [rules.start(context) for rules in fact_rules]
        self.tally_checks: list[TallyCheck] = [rules.start(context) for rules in tally_rules]
        self._observers = [check.observe for check in self.dataset_checks]  # bound once: called for every record
        self._fact_observers = [check.observe for check in self.fact_checks]
        self.lines = _LineChecker(path, target, keys=bool(self.dataset_checks or fact_rules))
        self.lines.fact_makers = [rules.facts for rules in fact_rules]
        self.lines.tally_makers = [rules.tally for rules in tally_rules]

    def emit(self, problem: Problem) -> None:
        self.severities[problem.severity] += 1
        self._emit(problem)

    def _observe(self, line: int, key: int | None, facts: Facts, found: list[Problem]) -> None:
        self.records += 1
        for observe in self._observers:
            problems = observe(line, key)
            if problems:  # most records: an empty tuple
                found.extend(problems)
        for observe_facts, fact in zip(self._fact_observers, facts):
            problems = observe_facts(line, key, fact)
            if problems:
                found.extend(problems)

    def run(self, lines: Iterable[bytes] | Source) -> Report:
        at_end: list[Problem] = []  # problems about the whole file, after its last line
        if isinstance(lines, Source):
            self._run_source(lines, at_end)
        else:
            self._check_here(lines, 1)
        if self.counts.content == 0:
            at_end.append(self.reporter.problem(syntax.EMPTY_FILE, None, None, "the file holds no records"))
        for dataset_check in self.dataset_checks:
            at_end.extend(dataset_check.finish())
        for fact_check in self.fact_checks:
            at_end.extend(fact_check.finish())
        for tally_check in self.tally_checks:
            at_end.extend(tally_check.finish())
        _flush([p for p in at_end if p.code in self.target.severities], self.emit)
        return Report(
            path=self.path,
            problems=(),
            records=self.records,
            lines=self.counts.content,
            data_format=self.lines.formats.data_format,
            profile=self.target.profile.name,
            model=self.target.model.name,
            severities=self.severities,
        )

    def _run_source(self, source: Source, at_end: list[Problem]) -> None:
        """The source's lines, in byte ranges that forked workers read for themselves when there
        are several jobs and the source is a file, else in blocks read here (results merged in
        order: the same problems as one process). A file that is not JSONL is one problem."""
        sniffed = source.sniff()
        if sniffed.shape is not None:
            self.counts.content += 1
            at_end.append(self.reporter.problem(layout.NOT_JSONL, None, None, SHAPES[sniffed.shape]))
            return
        runner = self.ranges or (ForkedRanges(self.jobs) if self.jobs > 1 else None)
        if runner is not None and runner.reads(source, self.path):
            self._run_ranges(runner, source.size or 0, source.max_line_bytes)
            ends_with_newline = line_ranges.ends_with_newline(source.name)
        elif self.ranges is not None:
            self._run_blocks_in(self.ranges, source, at_end)
            ends_with_newline = source.ends_with_newline
        else:
            self._run_blocks(source, at_end)
            ends_with_newline = source.ends_with_newline
        if not ends_with_newline:
            message = "the file does not end with a newline (`jsonl-lint check --fix` adds it)"
            at_end.append(self.reporter.problem(layout.NO_FINAL_NEWLINE, None, None, message))

    def _run_blocks(self, source: Source, at_end: list[Problem]) -> None:
        """Blocks of the source read here (a pipe, a compressed or remote input), the first ones
        checked here until the file's format is known, the others sent to forked workers."""
        batches = source.blocks(stop_at_damage=True)
        for first_line, block in batches:
            self._check_here(lines_of(block), first_line)
            if self.lines.formats.data_format is not None and self.jobs > 1:
                break
        work = functools.partial(_check_batch, self.lines)
        for result in parallel.map_blocks(work, batches, self.jobs):
            self._merge(result)
        self._damaged_at_end(source, at_end)

    def _run_blocks_in(self, runner: RangeRunner, source: Source, at_end: list[Problem]) -> None:
        """Blocks of the source read here and checked where ``runner`` checks ranges (Ray tasks),
        even the first ones: every record's key is then made with the runner's hash seed."""
        batches = source.blocks(stop_at_damage=True)
        for first_line, block in batches:
            self._merge(runner.first_block(self.lines, first_line, block))
            if self.lines.formats.data_format is not None:
                break
        for batch in runner.rest_blocks(self.lines, batches):
            self._merge(batch)
        self._damaged_at_end(source, at_end)

    def _damaged_at_end(self, source: Source, at_end: list[Problem]) -> None:
        if source.damaged is not None:  # compressed data cut short or corrupt: the lines before it were checked
            self.counts.content += 1
            at_end.append(self.reporter.problem(layout.NOT_JSONL, None, None, SHAPES[source.damaged]))

    def _run_ranges(self, runner: RangeRunner, size: int, max_line_bytes: int) -> None:
        """The file's byte ranges in order: the first ones one at a time until the file's format
        is known, the others all at once (each read by its worker). The first range is short:
        while it is checked here, the workers have not started (and `report` tokenizes it too)."""
        first = min(size, FIRST_RANGE_BYTES, parallel.RANGE_BYTES)
        spans = itertools.chain(line_ranges.spans(first, first), line_ranges.spans(size, parallel.RANGE_BYTES, start=first))
        lines_before = 0
        for span in spans:
            batch, lines = runner.first(self.lines, max_line_bytes, span, lines_before + 1)
            self._merge(batch)
            lines_before += lines
            if self.lines.formats.data_format is not None:
                break
        for batch, lines in runner.rest(self.lines, max_line_bytes, list(spans)):  # to the end: the workers are waited for
            self._merge(batch, lines_before + 1 - RANGE_FIRST_LINE)
            lines_before += lines

    def _check_here(self, lines: Iterable[bytes], first_line: int) -> None:
        """Lines checked in this process, their problems emitted as found."""
        tallies = [start() for start in self.lines.tally_makers]
        self.lines.check_lines(lines, first_line, self.emit, self._observe, self.counts, tallies)
        for tally_check, tally in zip(self.tally_checks, tallies, strict=True):
            tally_check.absorb(tally.total(), 0)

    def _merge(self, result: Batch, shift: int = 0) -> None:
        """A worker's batch: its problems and the dataset rules' problems on its records, in line
        order; its line numbers ``shift`` lines on (a range numbers its lines from its start)."""
        problems, keys, content, totals = result
        self.counts.content += content
        for tally_check, total in zip(self.tally_checks, totals, strict=True):
            tally_check.absorb(total, shift)
        if shift:
            problems = [p if p.line is None else replace(p, line=p.line + shift) for p in problems]
        enabled = self.target.severities
        found: list[Problem] = []  # the dataset rules' problems on the batch's records, in record order
        observe = self._observe
        for line, key, facts in keys:
            observe(line + shift, key, facts, found)
        if found:  # most batches: none
            problems.extend([p for p in found if p.code in enabled])
        _flush(problems, self.emit)


def check_source(
    source: Source | Iterable[bytes],
    target: Target,
    *,
    path: str | None = None,
    emit: Emit | None = None,
    run: RunState | None = None,
    is_validation: bool = False,
    jobs: int = 1,
    dataset_rules: bool = True,
    facts: Sequence[FactRules | TallyRules] = (),
    ranges: RangeRunner | None = None,
) -> Report:
    """Check one input against its target: problems to ``emit`` as found, or (None) kept in the
    report. ``run`` carries what dataset rules pass between the files of one run; ``facts``:
    fact rules run whatever the target (`report`'s statistics); ``ranges``: where the file's
    byte ranges are checked (a file that is not a regular file is then refused)."""
    name = path or (source.name if isinstance(source, Source) else "<stdin>")
    kept: list[Problem] = []
    file_run = _FileRun(
        name,
        target,
        emit or kept.append,
        run=run,
        is_validation=is_validation,
        jobs=jobs,
        dataset_rules=dataset_rules,
        facts=facts,
        ranges=ranges,
    )
    report = file_run.run(source)
    return report if emit is not None else report.holding(kept)


def _check_path(
    name: str,
    target: Target,
    *,
    emit: Emit | None,
    run: RunState | None,
    is_validation: bool,
    jobs: int | None,
    facts: Sequence[FactRules | TallyRules] = (),
    ranges: RangeRunner | None = None,
) -> Report:
    with Source.open(name, max_line_bytes=target.max_line_bytes) as source:
        large = source.size is not None and source.size >= parallel.PARALLEL_MIN_BYTES
        workers = (jobs or parallel.default_jobs()) if large else 1
        return check_source(source, target, emit=emit, run=run, is_validation=is_validation, jobs=workers, facts=facts, ranges=ranges)


def _check_small(item: tuple[str, Target]) -> Report | UsageError:
    try:
        return _check_path(item[0], item[1], emit=None, run=None, is_validation=False, jobs=1)
    except UsageError as error:
        return error


def _targets(paths: Sequence[str], settings: Target | Config | None, flags: Mapping[str, Any] | None) -> list[tuple[str, Target]]:
    if isinstance(settings, Target):
        return [(path, settings) for path in paths]
    return [(path, resolve_target(path, flags, config=settings)) for path in paths]


def validation_file(targets: Sequence[tuple[str, Target]]) -> str | None:
    """The validation file the targets name (`validation` in their config, or the flag)."""
    named = {target.validation for _, target in targets if target.validation is not None}
    if len(named) > 1:
        raise UsageError(f"the files' configs name different validation files ({', '.join(sorted(named))}): pass --validation")
    return named.pop() if named else None


def check_paths(
    paths: Sequence[str | Path],
    settings: Target | Config | None = None,
    *,
    flags: Mapping[str, Any] | None = None,
    validation: str | None = None,
    jobs: int | None = None,
    emit: Emit | None = None,
    on_error: Callable[[UsageError], None] | None = None,
    facts: Sequence[FactRules | TallyRules] = (),
    ranges: RangeRunner | None = None,
) -> list[Report]:
    """Check files (``"-"``: standard input), then the validation file against them all.

    ``settings``: one target for every file, or the config each file's target is resolved from
    with ``flags`` over it (None: each file's ``[tool.jsonl-lint]``). ``validation``: the
    validation file (default: the one the targets name). ``emit`` takes each problem as it is
    found (the reports then hold none); otherwise the reports hold them. A file that cannot be
    read raises :class:`UsageError`, or goes to ``on_error`` and the other files are checked.
    ``facts``: fact rules run on every file whatever its target (`report`'s statistics).
    ``ranges``: where every file's byte ranges are checked (a Ray cluster), files one by one.
    """
    names = [str(path) for path in paths]
    targets = _targets(names, settings, flags)
    validation = validation or validation_file(targets)
    reports: list[Report] = []

    def checked(result: Report | UsageError) -> None:
        if isinstance(result, Report):
            reports.append(result)
            if emit is not None:
                for problem in result.problems:
                    emit(problem)
                reports[-1] = result.holding([])
        elif on_error is None:
            raise result
        else:
            on_error(result)

    def one(name: str, target: Target, run: RunState | None, is_validation: bool = False) -> Report | UsageError:
        try:
            return _check_path(name, target, emit=emit, run=run, is_validation=is_validation, jobs=jobs, facts=facts, ranges=ranges)
        except UsageError as error:
            if is_validation or name == "-" or str(error).startswith(f"{name}:"):
                return error
            raise  # not about this file (an encoding that cannot load): stop, say it once

    if (
        validation is None and not facts and ranges is None and _pool_worth_it(names, jobs)
    ):  # facts are gathered here, not in a pool's workers
        # Small files, each in a worker; their problems come back with their report, in order.
        import concurrent.futures  # here: a run in one process starts without them
        import multiprocessing

        with concurrent.futures.ProcessPoolExecutor(
            min(jobs or parallel.default_jobs(), len(names)),
            mp_context=multiprocessing.get_context("fork"),
            initializer=terminate.block_in_worker,  # SIGTERM is the parent's to act on, as in parallel's workers
        ) as pool:
            with terminate.held():  # map forks the workers
                results = pool.map(_check_small, targets)
            for result in results:
                checked(result)
        return reports
    run = RunState()  # the validation file is compared with the training files: one process, in order
    for name, target in targets:
        checked(one(name, target, run))
    if validation is not None:
        ((_, validation_target),) = _targets([validation], settings, flags)
        checked(one(validation, validation_target, run, is_validation=True))
    return reports


def _pool_worth_it(names: Sequence[str], jobs: int | None) -> bool:
    """Several files, none of them standard input or large (a large file has its own workers,
    and streams its problems instead of holding them)."""
    if len(names) < 2 or min(jobs or parallel.default_jobs(), len(names)) <= 1 or "-" in names:
        return False
    try:
        return all(Path(name).stat().st_size < parallel.PARALLEL_MIN_BYTES for name in names)
    except OSError:
        return True  # the worker says which file cannot be read


def check_lines(lines: Iterable[bytes], *, path: str = "<stdin>", config: Config | None = None, **options: Any) -> Report:
    """Check JSONL given as an iterable of byte lines (each may end with its newline)."""
    return check_source(lines, resolve_target(path, options, config=config or Config()), path=path)


def check_file(path: str | Path, *, config: Config | None = None, jobs: int | None = None, **options: Any) -> Report:
    """Check the JSONL file at ``path`` (``"-"`` reads standard input).

    Options are the fields of :class:`~jsonl_lint.config.Config` (``model=``, ``profile=`` ...).
    ``jobs``: worker processes for a large file (default: every core; 1: this process only).
    """
    name = str(path)
    return _check_path(name, resolve_target(name, options, config=config or Config()), emit=None, run=None, is_validation=False, jobs=jobs)


def check_files(paths: Sequence[str | Path], *, config: Config | None = None, jobs: int | None = None, **options: Any) -> list[Report]:
    """Check training files, and with ``validation=`` the validation file last, against them all.

    Raises :class:`UsageError` for a file it cannot read.
    """
    return check_paths(paths, config or Config(), flags=options, jobs=jobs)


def check_record(value: dict[str, Any], *, config: Config | None = None, **options: Any) -> list[Problem]:
    """Check one record given as a Python object, without the rules that look across a file.

    Problems name the JSON path; line 1 and the column refer to the record's compact JSON.
    """
    target = resolve_target("<record>", options, config=config or Config())
    try:
        line = orjson.dumps(value)
    except TypeError:  # what orjson cannot write (integers past 64 bits, NaN) the stdlib can
        line = json.dumps(value, ensure_ascii=False).encode()
    return list(check_source([line], target, path="<record>", dataset_rules=False).problems)


def _explanation(data_format: str, record: Record) -> tuple[SchemaIssue, ...]:
    """Why a record fails its schema: explained once per shape of breakage (bad files repeat
    the same broken record with different text); columns are still found in each line."""
    from jsonl_lint import explanation_cache  # here: only a record that fails its schema needs it

    return explanation_cache.explanation(data_format, record.value)
