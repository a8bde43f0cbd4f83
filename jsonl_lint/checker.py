"""Check one file: read it line by line, fix its format, validate each record, run the rules.

``check_file(path) -> Report`` is the whole pipeline; everything streams, so memory stays flat
whatever the file size (dataset rules keep at most a small hash per record).
"""
from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import orjson

from jsonl_lint import formats, jsonpos, schema_errors
from jsonl_lint.config import Config
from jsonl_lint.problems import Problem, Rule, Severity, UsageError
from jsonl_lint.profiles import ModelSpec, Profile, get_profile
from jsonl_lint.reader import Record, read_records
from jsonl_lint.rules import rule_modules, structure


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


class DatasetCheck(Protocol):
    """A rule that looks across records: it sees every record, then reports at the end."""

    def observe(self, record: Record) -> Iterable[Problem | None]: ...

    def finish(self) -> Iterable[Problem | None]: ...


@dataclass(slots=True)
class FileContext:
    """What a rule may know about the file being checked, and how it reports."""

    path: str
    config: Config
    profile: Profile
    model: ModelSpec
    data_format: str | None = None
    is_validation: bool = False  # the --validation file, checked against the training files
    shared: dict[str, Any] = field(default_factory=dict)  # what dataset rules pass between files of one run
    _severities: dict[str, Severity | None] = field(default_factory=dict)

    def enabled(self, rule: Rule) -> bool:
        return self._severity(rule) is not None

    def _severity(self, rule: Rule) -> Severity | None:
        if rule.code not in self._severities:
            self._severities[rule.code] = self.config.severity_for(rule, self.path)
        return self._severities[rule.code]

    def problem(
        self, rule: Rule, line: int | None, column: int | None, message: str, json_path: str | None = None
    ) -> Problem | None:
        severity = self._severity(rule)
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
        if self._severity(rule) is None:
            return None
        column = jsonpos.locate(record.text, path, key=at_key) if record.raw else None
        return self.problem(rule, record.line if record.line else None, column, message, jsonpos.format_path(path) or None)


class _FileChecker:
    def __init__(self, path: str, config: Config, *, shared: dict[str, Any] | None = None, is_validation: bool = False) -> None:
        profile = get_profile(config.profile)
        model = profile.model(config.model)
        if config.max_tokens is not None or config.encoding is not None:
            model = dataclasses.replace(
                model, max_tokens=config.max_tokens or model.max_tokens, encoding=config.encoding or model.encoding
            )
            if model.max_tokens is not None and model.encoding is None:
                raise UsageError(f"--max-tokens needs --encoding: no tiktoken encoding is known for {model.name}")
        if config.data_format is not None and config.data_format not in formats.FORMATS:
            raise UsageError(f"unknown data format {config.data_format!r}; known: {', '.join(formats.FORMATS)}")
        config = config.with_options(ignore=config.ignore + profile.ignore) if profile.ignore else config
        self.ctx = FileContext(
            path=path,
            config=config,
            profile=profile,
            model=model,
            data_format=config.data_format,
            is_validation=is_validation,
            shared=shared if shared is not None else {},
        )
        self.problems: list[Problem] = []
        self.records = 0
        self.format_line: int | None = None
        self.record_checks = [m.check for m in rule_modules() if hasattr(m, "check") and _any_enabled(m.RULES, self.ctx)]
        self.dataset_checks: list[DatasetCheck] = [
            m.DatasetCheck(self.ctx) for m in rule_modules() if hasattr(m, "DatasetCheck") and _any_enabled(m.RULES, self.ctx)
        ]

    def _add(self, found: Problem | None | Iterable[Problem | None]) -> None:
        if isinstance(found, Problem):
            self.problems.append(found)
        elif found is not None:
            self.problems.extend(p for p in found if p is not None)

    def run(self, lines: Iterable[bytes]) -> Report:
        for item in read_records(lines, self.ctx.problem):
            if isinstance(item, Problem):
                self.problems.append(item)
            else:
                self.records += 1
                self.check(item)
        for dataset_check in self.dataset_checks:
            self._add(dataset_check.finish())
        self.problems.sort(key=Problem.sort_key)
        return Report(
            path=self.ctx.path,
            problems=tuple(self.problems),
            records=self.records,
            data_format=self.ctx.data_format,
            profile=self.ctx.profile.name,
            model=self.ctx.model.name,
        )

    def _record_format(self, value: dict[str, Any]) -> str | None:
        shape = formats.detect(value)
        if shape == "chat":
            # "messages" is chat or RFT: the forced format, else the model, decides.
            forced = self.ctx.config.data_format
            if forced == "rft" or (forced is None and "chat" not in self.ctx.model.formats and "rft" in self.ctx.model.formats):
                return "rft"
        return shape

    def check(self, record: Record) -> None:
        ctx = self.ctx
        for dataset_check in self.dataset_checks:
            self._add(dataset_check.observe(record))
        found = self._record_format(record.value)
        expected = ctx.data_format
        if self.format_line is None:
            if expected is None and found is None:
                hint = formats.foreign_shape_hint(record.value)
                keys = ", ".join(list(record.value)[:6]) or "none"
                message = f"cannot tell this record's format (keys: {keys}); " + (
                    hint or "expected `messages` (chat), `input` + `preferred_output` (preference) or `prompt` + `completion`"
                )
                self._add(ctx.problem(structure.UNKNOWN_FORMAT, record.line, 1, message))
                return
            ctx.data_format = expected = expected or found
            self.format_line = record.line
            self._add(self._model_fit(record.line))
        assert expected is not None
        if found is not None and found != expected:
            origin = "--data-format" if ctx.config.data_format else f"line {self.format_line}"
            message = (
                f"this record is {formats.FORMATS[found].title} but the file is "
                f"{formats.FORMATS[expected].title} (from {origin}); a file holds one format"
            )
            self._add(ctx.problem(structure.MIXED_FORMATS, record.line, 1, message))
            return
        if not formats.fast_validator(expected).is_valid(record.value):
            for issue in schema_errors.explain(formats.explaining_validator(expected), record.value):
                self._add(ctx.at(structure.SCHEMA, record, issue.message, issue.path, at_key=issue.at_key))
            return
        for record_check in self.record_checks:
            self._add(record_check(record, ctx))

    def _model_fit(self, line: int) -> Problem | None:
        ctx = self.ctx
        fmt = ctx.data_format
        assert fmt is not None
        if fmt in ctx.model.formats:
            return None
        title = formats.FORMATS[fmt].title
        trains_on = " and ".join(formats.FORMATS[f].title for f in ctx.model.formats)
        message = f"this is a {title} file, but {ctx.model.name} trains on {trains_on}"
        if fmt == "completion" and "chat" in ctx.model.formats:
            message += f"; convert it with `jsonl-lint convert {ctx.path} -o OUT.jsonl`"
        fitting = [m.name for m in ctx.profile.models.values() if fmt in m.formats]
        if fitting:
            message += f"; models that train on it: {', '.join(fitting)}"
        return ctx.problem(structure.FORMAT_NOT_FOR_MODEL, line, 1, message)


def _any_enabled(rules: Sequence[Rule], ctx: FileContext) -> bool:
    return any(ctx.enabled(rule) for rule in rules)


def _config(config: Config | None, options: dict[str, Any]) -> Config:
    return (config or Config()).with_options(**options)


def check_lines(lines: Iterable[bytes], *, path: str = "<stdin>", config: Config | None = None, **options: Any) -> Report:
    """Check JSONL given as an iterable of byte lines (each may end with its newline)."""
    return _FileChecker(path, _config(config, options)).run(lines)


def check_file(path: str | Path, *, config: Config | None = None, **options: Any) -> Report:
    """Check the JSONL file at ``path`` (``"-"`` reads standard input).

    Options are the fields of :class:`~jsonl_lint.config.Config` (``model=``, ``profile=`` ...).
    """
    return check_one(str(path), _config(config, options))


def check_files(paths: Sequence[str | Path], *, config: Config | None = None, **options: Any) -> list[Report]:
    """Check training files, and with ``validation=`` the validation file last, against them all.

    Raises :class:`UsageError` for a file it cannot read.
    """
    resolved = _config(config, options)
    shared: dict[str, Any] = {}
    reports = [check_one(str(path), resolved, shared=shared) for path in paths]
    if resolved.validation is not None:
        reports.append(check_one(resolved.validation, resolved, shared=shared, is_validation=True))
    return reports


def check_one(name: str, config: Config, *, shared: dict[str, Any] | None = None, is_validation: bool = False) -> Report:
    """Check one file (``"-"``: standard input) with a resolved config; ``shared`` carries what
    dataset rules pass between the files of one run (the training index for --validation)."""
    if name == "-":
        return _FileChecker("<stdin>", config, shared=shared, is_validation=is_validation).run(sys.stdin.buffer)
    try:
        with open(name, "rb") as stream:
            return _FileChecker(name, config, shared=shared, is_validation=is_validation).run(stream)
    except IsADirectoryError:
        raise UsageError(f"{name}: is a directory") from None
    except OSError as error:
        raise UsageError(f"{name}: {error.strerror or error}") from None


def check_record(value: dict[str, Any], *, config: Config | None = None, **options: Any) -> list[Problem]:
    """Check one record given as a Python object, without the rules that look across a file.

    Problems name the JSON path; line 1 and the column refer to the record's compact JSON.
    """
    checker = _FileChecker("<record>", _config(config, options))
    checker.dataset_checks = []
    try:
        line = orjson.dumps(value)
    except TypeError:  # what orjson cannot write (integers past 64 bits, NaN) the stdlib can
        line = json.dumps(value, ensure_ascii=False).encode()
    return list(checker.run([line]).problems)
