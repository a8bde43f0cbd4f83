"""The rule registry, built from the modules of this package.

Each module declares its rules in ``RULES``, one of the typed declarations of
:mod:`jsonl_lint.rules.base` (record rules, dataset rules, or rules the engine reports).
Adding a rule means adding a module (or a rule to a module of its family).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from types import ModuleType

from jsonl_lint.problems import Rule
from jsonl_lint.rules.base import RuleSet


@functools.cache
def rule_modules() -> tuple[ModuleType, ...]:
    names = sorted(info.name for info in pkgutil.iter_modules(__path__) if info.name != "base")
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in names)


@functools.cache
def rule_sets() -> tuple[RuleSet, ...]:
    """Every module's ``RULES`` declaration, in module order."""
    found = []
    for module in rule_modules():
        declared = getattr(module, "RULES", None)
        if not isinstance(declared, RuleSet):
            raise TypeError(f"{module.__name__}.RULES must be a RuleSet, RecordRules or DatasetRules")
        found.append(declared)
    return tuple(found)


@functools.cache
def all_rules() -> dict[str, Rule]:
    """Every rule by code, in code order."""
    rules = [rule for rule_set in rule_sets() for rule in rule_set.rules]
    return {rule.code: rule for rule in sorted(rules, key=lambda r: r.code)}


def find_rule(code_or_name: str) -> Rule | None:
    for rule in all_rules().values():
        if code_or_name in (rule.code, rule.name):
            return rule
    return None


EXACT = 100  # the specificity of a rule's own code or name


def specificity(rule: Rule, selector: str) -> int:
    """How closely ``selector`` names ``rule``: 0 not at all, the prefix length for a code
    prefix (``JL3`` < ``JL30``), highest for its exact code or name."""
    if selector in (rule.code, rule.name):
        return EXACT
    return len(selector) if rule.code.startswith(selector) else 0


def selected(rule: Rule, selectors: tuple[str, ...]) -> bool:
    """A selector is a code prefix (``JL3``, ``JL301``) or a rule name (``duplicate-key``)."""
    return any(rule.code.startswith(s) or rule.name == s for s in selectors)


def check_selectors(selectors: tuple[str, ...], where: str) -> None:
    """ValueError naming the first selector that matches no rule (a typo must not switch every
    rule off)."""
    rules = all_rules().values()
    for selector in selectors:
        if not selector or not any(specificity(rule, selector) for rule in rules):
            raise ValueError(
                f"{where}: unknown rule {selector!r} (a code such as JL202, a code prefix such as JL2, or a name such as ends-without-assistant)"
            )
