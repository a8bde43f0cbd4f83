"""The rule registry, built from the modules of this package.

Each module declares its rules as :class:`~jsonl_lint.problems.Rule` values in ``RULES``.
A module whose rules look at one record at a time also has ``check(record, ctx)``; one that
looks across the file has a ``DatasetCheck`` class. Adding a rule means adding a module.
"""
from __future__ import annotations

import functools
import importlib
import pkgutil
from types import ModuleType

from jsonl_lint.problems import Rule


@functools.cache
def rule_modules() -> tuple[ModuleType, ...]:
    names = sorted(info.name for info in pkgutil.iter_modules(__path__))
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in names)


@functools.cache
def all_rules() -> dict[str, Rule]:
    """Every rule by code, in code order."""
    rules = [rule for module in rule_modules() for rule in module.RULES]
    return {rule.code: rule for rule in sorted(rules, key=lambda r: r.code)}


def find_rule(code_or_name: str) -> Rule | None:
    for rule in all_rules().values():
        if code_or_name in (rule.code, rule.name):
            return rule
    return None
