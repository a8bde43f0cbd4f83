"""Check one file: read it line by line, fix its format, validate each record, run the rules.

``check_file(path) -> Report`` is the whole pipeline; everything streams, so memory stays flat
whatever the file size (dataset rules keep at most a small hash per record).
"""
from __future__ import annotations

import concurrent.futures
import functools
import json
import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import orjson

from jsonl_lint import formats, jsonpos, parallel, schema_errors
from jsonl_lint.config import Config
from jsonl_lint.problems import Problem, Rule, Severity, UsageError
from jsonl_lint.profiles import ModelSpec, Profile
from jsonl_lint.reader import LineCounts, Record, read_records
from jsonl_lint.rules import internal, layout, rule_modules, structure, syntax
from jsonl_lint.source import SHAPES, Source, lines_of
from jsonl_lint.target import Target, resolve_target


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """What checking one file found."""

    path: str
    problems: tuple[Problem, ...]
    records: int
    data_format: str | None
    profile: str
    model: str

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity == severity)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == Severity.ERROR for p in self.problems)


RecordCheck = Callable[[Record, "FileContext"], Iterable["Problem | None"]]


class DatasetCheck(Protocol):
    """A rule that looks across records: it sees every record's line and key (equal records have
    equal keys; None for a record too deeply nested to have one), then reports at the end."""

    def observe(self, line: int, key: int | None) -> Iterable[Problem | None]: ...

    def finish(self) -> Iterable[Problem | None]: ...


@dataclass(slots=True)
class FileContext:
    """What a rule may know about the file being checked, and how it reports."""

    path: str
    target: Target
    data_format: str | None = None
    is_validation: bool = False  # the --validation file, checked against the training files
    shared: dict[str, Any] = field(default_factory=dict)  # what dataset rules pass between files of one run

    @property
    def profile(self) -> Profile:
        return self.target.profile

    @property
    def model(self) -> ModelSpec:
        return self.target.model

    def enabled(self, rule: Rule) -> bool:
        return self.target.enabled(rule)

    def problem(
        self, rule: Rule, line: int | None, column: int | None, message: str, json_path: str | None = None
    ) -> Problem | None:
        severity = self.target.severities.get(rule.code)
        if severity is None:
            return None
        return Problem(
            path=self.path,
            line=line,
            column=column,
            code=rule.code,
            rule=rule.name,
            severity=severity,
            message=message,
            json_path=json_path,
        )

    def at(
        self, rule: Rule, record: Record, message: str, path: jsonpos.JsonPath = (), *, at_key: bool = False
    ) -> Problem | None:
        """A problem about the value at ``path`` in ``record``, with its column found in the line."""
        if rule.code not in self.target.severities:
            return None
        column = jsonpos.locate(record.text, path, key=at_key) if record.raw else None
        return self.problem(rule, record.line if record.line else None, column, message, jsonpos.format_path(path) or None)


class _LineChecker:
    """The work of each line: read it, fix or compare its format, validate it, run record rules.

    It keeps no state across records but the file's format, so batches of a file can go to
    worker processes; dataset rules get ``(line, key)`` of each record through ``on_record``.
    """

    def __init__(self, ctx: FileContext, *, keys: bool = True) -> None:
        self.ctx = ctx
        self.keys = keys  # whether any dataset rule reads the records' keys
        self.format_line: int | None = None
        self.record_checks: list[RecordCheck] = []  # chosen when the file's format is known
        self.validator: Any = None

    def check_lines(
        self,
        lines: Iterable[bytes],
        first_line: int,
        problems: list[Problem],
        on_record: Callable[[int, int | None], None],
        counts: LineCounts,
    ) -> None:
        append = problems.append
        for item in read_records(lines, self.ctx.problem, first_line=first_line, counts=counts):
            if isinstance(item, Problem):
                append(item)
                continue
            # Dataset rules compare records by this key (equal records, equal keys).
            on_record(item.line, hash(item.canonical) if self.keys and item.canonical else None)
            try:
                self.check(item, append)
            except (UsageError, KeyboardInterrupt, SystemExit, GeneratorExit):
                raise  # about the run (e.g. a missing encoding), not this record
            except BaseException as error:  # noqa: BLE001 -- native panics (pyo3) are BaseExceptions
                _append(append, _internal_error(self.ctx, item, error))

    def check(self, record: Record, append: Callable[[Problem], None]) -> None:
        ctx = self.ctx
        found = formats.record_format(record.value, ctx.model.formats, ctx.target.data_format)
        expected = ctx.data_format
        if self.format_line is None:
            if expected is None and found is None:
                hint = formats.foreign_shape_hint(record.value)
                keys = ", ".join(list(record.value)[:6]) or "none"
                message = f"cannot tell this record's format (keys: {keys}); " + (
                    hint or "expected `messages` (chat), `input` + `preferred_output` (preference) or `prompt` + `completion`"
                )
                _append(append, ctx.problem(structure.UNKNOWN_FORMAT, record.line, 1, message))
                return
            self._fix_format(expected or found, record.line, append)
            expected = ctx.data_format
        assert expected is not None
        if found is not None and found != expected:
            origin = "--data-format" if ctx.target.data_format else f"line {self.format_line}"
            message = (
                f"this record is {formats.FORMATS[found].title} but the file is "
                f"{formats.FORMATS[expected].title} (from {origin}); a file holds one format"
            )
            _append(append, ctx.problem(structure.MIXED_FORMATS, record.line, 1, message))
            return
        if not self.validator.is_valid(record.value):
            for issue in schema_errors.explain(formats.explaining_validator(expected), record.value):
                _append(append, ctx.at(structure.SCHEMA, record, issue.message, issue.path, at_key=issue.at_key))
            return
        for record_check in self.record_checks:
            for problem in record_check(record, ctx):
                if problem is not None:
                    append(problem)

    def _fix_format(self, fmt: str | None, line: int, append: Callable[[Problem], None]) -> None:
        assert fmt is not None
        ctx = self.ctx
        ctx.data_format = fmt
        self.format_line = line
        self.validator = formats.fast_validator(fmt)
        self.record_checks = [m.check for m in rule_modules() if hasattr(m, "check") and fmt in m.FORMATS and _any_enabled(m.RULES, ctx)]
        if fmt in ctx.model.formats:
            return
        title = formats.FORMATS[fmt].title
        trains_on = " and ".join(formats.FORMATS[f].title for f in ctx.model.formats)
        message = f"this is a {title} file, but {ctx.model.name} trains on {trains_on}"
        if fmt == "completion" and "chat" in ctx.model.formats:
            message += f"; convert it with `jsonl-lint convert {ctx.path} -o OUT.jsonl`"
        fitting = [m.name for m in ctx.profile.models.values() if fmt in m.formats]
        if fitting:
            message += f"; models that train on it: {', '.join(fitting)}"
        _append(append, ctx.problem(structure.FORMAT_NOT_FOR_MODEL, line, 1, message))


def _internal_error(ctx: FileContext, record: Record, error: BaseException) -> Problem | None:
    """One bad record never stops the file: a check that fails becomes a problem on its line."""
    detail = str(error).splitlines()[0][:200] if str(error) else ""
    what = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    message = f"internal error while checking this record ({what}); please report it to jsonl-lint"
    return ctx.problem(internal.INTERNAL_ERROR, record.line or None, None, message)


def _append(append: Callable[[Problem], None], problem: Problem | None) -> None:
    if problem is not None:
        append(problem)


def _check_batch(checker: _LineChecker, first_line: int, lines: Iterable[bytes]) -> tuple[list[Problem], list[tuple[int, int | None]], int]:
    problems: list[Problem] = []
    keys: list[tuple[int, int | None]] = []
    counts = LineCounts()
    checker.check_lines(lines, first_line, problems, lambda line, key: keys.append((line, key)), counts)
    return problems, keys, counts.content


class _FileChecker:
    def __init__(
        self, path: str, target: Target, *, shared: dict[str, Any] | None = None, is_validation: bool = False, jobs: int = 1
    ) -> None:
        self.ctx = FileContext(
            path=path,
            target=target,
            data_format=target.data_format,
            is_validation=is_validation,
            shared=shared if shared is not None else {},
        )
        self.jobs = jobs
        self.problems: list[Problem] = []
        self.records = 0
        self.counts = LineCounts()
        self.dataset_checks: list[DatasetCheck] = [
            m.DatasetCheck(self.ctx) for m in rule_modules() if hasattr(m, "DatasetCheck") and _any_enabled(m.RULES, self.ctx)
        ]
        self.lines = _LineChecker(self.ctx, keys=bool(self.dataset_checks))

    def _observe(self, line: int, key: int | None) -> None:
        self.records += 1
        for dataset_check in self.dataset_checks:
            for problem in dataset_check.observe(line, key):
                if problem is not None:
                    self.problems.append(problem)

    def run(self, lines: Iterable[bytes] | Source) -> Report:
        if isinstance(lines, Source):
            self._run_source(lines)
        else:
            self.lines.check_lines(lines, 1, self.problems, self._observe, self.counts)
        if self.counts.content == 0:
            _append(self.problems.append, self.ctx.problem(syntax.EMPTY_FILE, None, None, "the file holds no records"))
        for dataset_check in self.dataset_checks:
            for problem in dataset_check.finish():
                if problem is not None:
                    self.problems.append(problem)
        self.problems.sort(key=Problem.sort_key)
        return Report(
            path=self.ctx.path,
            problems=tuple(self.problems),
            records=self.records,
            data_format=self.ctx.data_format,
            profile=self.ctx.profile.name,
            model=self.ctx.model.name,
        )

    def _run_source(self, source: Source) -> None:
        """Blocks of the source, to forked workers when there are several jobs (results taken in
        order: the same report as one process). A file that is not JSONL is one problem.

        The first blocks run here until the file's format is known (the workers inherit it).
        """
        sniffed = source.sniff()
        if sniffed.shape is not None:
            self.counts.content += 1
            _append(self.problems.append, self.ctx.problem(layout.NOT_JSONL, None, None, SHAPES[sniffed.shape]))
            return
        batches = source.blocks()
        for first_line, block in batches:
            self.lines.check_lines(lines_of(block), first_line, self.problems, self._observe, self.counts)
            if self.lines.format_line is not None and self.jobs > 1:
                break
        work = functools.partial(_check_batch, self.lines)
        for result in parallel.map_blocks(work, batches, self.jobs):
            self._merge(result)
        if not source.ends_with_newline:
            message = "the file does not end with a newline (`jsonl-lint check --fix` adds it)"
            _append(self.problems.append, self.ctx.problem(layout.NO_FINAL_NEWLINE, None, None, message))

    def _merge(self, result: tuple[list[Problem], list[tuple[int, int | None]], int]) -> None:
        problems, keys, content = result
        self.problems.extend(problems)
        self.counts.content += content
        for line, key in keys:
            self._observe(line, key)


def _any_enabled(rules: Sequence[Rule], ctx: FileContext) -> bool:
    return any(ctx.enabled(rule) for rule in rules)


def _target(path: str, config: Config | None, options: dict[str, Any]) -> Target:
    return resolve_target(path, options, config=config or Config())


def check_lines(lines: Iterable[bytes], *, path: str = "<stdin>", config: Config | None = None, **options: Any) -> Report:
    """Check JSONL given as an iterable of byte lines (each may end with its newline)."""
    return _FileChecker(path, _target(path, config, options)).run(lines)


def check_file(path: str | Path, *, config: Config | None = None, jobs: int | None = None, **options: Any) -> Report:
    """Check the JSONL file at ``path`` (``"-"`` reads standard input).

    Options are the fields of :class:`~jsonl_lint.config.Config` (``model=``, ``profile=`` ...).
    ``jobs``: worker processes for a large file (default: every core; 1: this process only).
    """
    return check_one(str(path), _target(str(path), config, options), jobs=jobs)


def check_files(
    paths: Sequence[str | Path], *, config: Config | None = None, jobs: int | None = None, **options: Any
) -> list[Report]:
    """Check training files, and with ``validation=`` the validation file last, against them all.

    Raises :class:`UsageError` for a file it cannot read.
    """
    targets = [(str(path), _target(str(path), config, options)) for path in paths]
    shared: dict[str, Any] = {}
    reports = [check_one(name, target, shared=shared, jobs=jobs) for name, target in targets]
    validation = targets[0][1].validation if targets else _target("-", config, options).validation
    if validation is not None:
        reports.append(check_one(validation, _target(validation, config, options), shared=shared, is_validation=True, jobs=jobs))
    return reports


def check_one(
    name: str, target: Target, *, shared: dict[str, Any] | None = None, is_validation: bool = False, jobs: int | None = None
) -> Report:
    """Check one file (``"-"``: standard input) against its target; ``shared`` carries what
    dataset rules pass between the files of one run (the training index for --validation)."""
    with Source.open(name, max_line_bytes=target.max_line_bytes) as source:
        large = source.size is not None and source.size >= parallel.PARALLEL_MIN_BYTES
        workers = (jobs or parallel.default_jobs()) if large else 1
        return _FileChecker(source.name, target, shared=shared, is_validation=is_validation, jobs=workers).run(source)


def check_or_error(name: str, target: Target, *, jobs: int | None = None, **options: Any) -> Report | UsageError:
    """:func:`check_one`, with a file that cannot be checked as its UsageError: the others go on."""
    try:
        return check_one(name, target, jobs=jobs, **options)
    except UsageError as error:
        return error


def _check_target(target: tuple[str, Target]) -> Report | UsageError:
    return check_or_error(*target, jobs=1)


def check_many(targets: Sequence[tuple[str, Target]], *, jobs: int | None = None) -> list[Report | UsageError]:
    """Check several files, each against its own target, in worker processes; results in the
    order given, a file that cannot be read as its UsageError. One file: its own workers if large."""
    workers = min(jobs or parallel.default_jobs(), len(targets))
    if workers <= 1 or any(name == "-" for name, _ in targets):
        return [check_or_error(name, target, jobs=jobs) for name, target in targets]
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_check_target, targets))


def check_record(value: dict[str, Any], *, config: Config | None = None, **options: Any) -> list[Problem]:
    """Check one record given as a Python object, without the rules that look across a file.

    Problems name the JSON path; line 1 and the column refer to the record's compact JSON.
    """
    checker = _FileChecker("<record>", _target("<record>", config, options))
    checker.dataset_checks = []
    checker.lines.keys = False
    try:
        line = orjson.dumps(value)
    except TypeError:  # what orjson cannot write (integers past 64 bits, NaN) the stdlib can
        line = json.dumps(value, ensure_ascii=False).encode()
    return list(checker.run([line]).problems)
