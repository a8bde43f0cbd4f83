"""The one problem type every check produces, and the rule metadata behind it."""
from __future__ import annotations

import enum
from dataclasses import dataclass


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """What a rule is: a stable code, a kebab-case name, a default severity and its docs;
    ``fixable``: `check --fix` repairs what it reports."""

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    fixable: bool = False


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


class UsageError(Exception):
    """A problem with how the tool was called or configured (exit code 2), not with the data."""
