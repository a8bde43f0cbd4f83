"""Options of a check: target profile and model, data format, which rules run and how severe."""
from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from jsonl_lint.problems import Rule, Severity


def _matches(rule: Rule, selectors: tuple[str, ...]) -> bool:
    """A selector is a code prefix (``JL3``, ``JL301``) or a rule name (``duplicate-key``)."""
    return any(rule.code.startswith(s) or rule.name == s for s in selectors)


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    profile: str | None = None
    model: str | None = None
    data_format: str | None = None
    token_check: bool = True
    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # code or name -> severity
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # glob -> selectors
    validation: str | None = None

    def with_options(self, **options: Any) -> Config:
        """A copy with the given options set; None means "keep what the config says"."""
        return replace(self, **{key: value for key, value in options.items() if value is not None})

    def severity_for(self, rule: Rule, path: str) -> Severity | None:
        """The rule's effective severity for ``path``, or None when it is switched off."""
        if self.select and not _matches(rule, self.select):
            return None
        if _matches(rule, self.ignore):
            return None
        for pattern, selectors in self.per_file_ignores.items():
            if fnmatch.fnmatch(path, pattern) and _matches(rule, selectors):
                return None
        return self.severity.get(rule.code) or self.severity.get(rule.name) or rule.severity
