"""The one problem type every check produces, and the rule metadata behind it."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")


class Severity(enum.IntEnum):
    """How bad a problem is; ordered so that ``max()`` gives the worst."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of {choices})") from None


@dataclass(frozen=True, slots=True)
class Parameter(Generic[T]):
    """A setting of a rule that a profile (``[params.RULE-NAME]``) or the config may change.

    ``kinds`` are the types a value may have (a TOML list is read as a tuple); a rule reads the
    resolved value with ``target.param(RULE, PARAMETER)``, typed by ``default``.
    """

    name: str
    default: T
    kinds: tuple[type, ...]
    doc: str = ""

    def parse(self, value: object, where: str) -> T:
        """``value`` from a TOML table as this parameter's type; ValueError says what is wrong."""
        if isinstance(value, list) and tuple in self.kinds:
            value = tuple(value)
        if (isinstance(value, bool) and bool not in self.kinds) or not isinstance(value, self.kinds):
            names = " or ".join("a list" if kind is tuple else kind.__name__ for kind in self.kinds)
            raise ValueError(f"{where} must be {names}")
        return cast(T, value)  # checked against kinds just above


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """What a rule is: a stable code, a kebab-case name, a default severity, its docs and the
    parameters a profile may set; ``fixable``: `check --fix` repairs what it reports."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    fixable: bool = False
    parameters: tuple[Parameter[Any], ...] = ()
    default_on: bool = True  # False: runs only when selected by its code or name, or given a severity

    def parameter(self, name: str) -> Parameter[Any] | None:
        return next((p for p in self.parameters if p.name == name), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One finding, complete at creation. ``line``/``column`` are 1-based; None for file-level."""

    path: str
    line: int | None
    column: int | None
    code: str
    rule: str
    severity: Severity
    message: str
    json_path: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.column or 0, self.code)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity.label,
            "message": self.message,
            "json_path": self.json_path,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """What checking one file found. ``problems`` are in line order (file-level ones last); a
    report whose problems were streamed to the output holds none, but still counts them."""

    path: str
    problems: tuple[Problem, ...]
    records: int
    data_format: str | None
    profile: str
    model: str
    severities: Mapping[Severity, int] = field(default_factory=dict)  # problems found, by severity
    lines: int = 0  # lines that held something (not blank), records or not

    def count(self, severity: Severity) -> int:
        return self.severities.get(severity, 0)

    @property
    def has_errors(self) -> bool:
        return self.count(Severity.ERROR) > 0

    def holding(self, problems: Iterable[Problem]) -> Report:
        """The same report holding ``problems`` (those it counted, or none once streamed)."""
        return replace(self, problems=tuple(problems))


class UsageError(Exception):
    """A problem with how the tool was called or configured (exit code 2), not with the data."""
