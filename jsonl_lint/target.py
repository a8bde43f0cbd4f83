"""What a file is checked against: profile, model, and each rule's severity and parameters.

:func:`resolve_target` is the one place that decides it, once per file, for ``check``,
``stats``, ``split`` and ``convert``. Precedence, strongest first: command-line flags (or the
API's options), ``[tool.jsonl-lint]`` in the nearest ``pyproject.toml``, the profile's
``[rules]`` and ``[params]``, each rule's own default.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from jsonl_lint import formats
from jsonl_lint.config import Config, load_config
from jsonl_lint.problems import Parameter, Rule, Severity, UsageError
from jsonl_lint.profiles import ModelSpec, Profile, get_profile
from jsonl_lint.source import DEFAULT_MAX_LINE_BYTES

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """Everything a check of one file needs to know about its settings; frozen, picklable."""

    profile: Profile
    model: ModelSpec
    data_format: str | None = None  # from --data-format; None: detected from the first record
    token_check: bool = True
    validation: str | None = None  # the validation file compared with the training files
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES  # a longer line is one problem, read past
    severities: Mapping[str, Severity] = field(default_factory=dict)  # code -> severity; absent: off
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # code -> parameter -> value

    def severity(self, rule: Rule) -> Severity | None:
        """The rule's severity for this file, or None when it is switched off."""
        return self.severities.get(rule.code)

    def enabled(self, rule: Rule) -> bool:
        return rule.code in self.severities

    def param(self, rule: Rule, parameter: Parameter[T]) -> T:
        """A parameter's value: the config's, else the profile's, else the rule's default."""
        value: T = self.params.get(rule.code, {}).get(parameter.name, parameter.default)
        return value


def resolve_target(path: str, flags: Mapping[str, Any] | None = None, *, config: Config | None = None) -> Target:
    """The target of the file at ``path`` ("-": standard input).

    ``config`` is the file's configuration (default: ``[tool.jsonl-lint]`` of the nearest
    ``pyproject.toml``); ``flags`` override its fields (a None flag keeps the config's value).
    Raises :class:`UsageError` for an unknown profile, model, data format or rule selector.
    """
    from jsonl_lint.rules import EXACT, all_rules, check_selectors, selected, specificity

    resolved = (config if config is not None else load_config(path)).with_options(**(flags or {}))
    try:
        check_selectors(resolved.select, "select")
        check_selectors(resolved.ignore, "ignore")
        check_selectors(tuple(resolved.severity), "severity")
        for pattern, selectors in resolved.per_file_ignores.items():
            check_selectors(selectors, f"per-file-ignores.{pattern}")
    except ValueError as error:
        raise UsageError(str(error)) from None
    if resolved.data_format is not None and resolved.data_format not in formats.FORMATS:
        raise UsageError(f"unknown data format {resolved.data_format!r}; known: {', '.join(formats.FORMATS)}")
    profile = get_profile(resolved.profile)
    model = profile.target(resolved.model, max_tokens=resolved.max_tokens, encoding=resolved.encoding, tokenizer=resolved.tokenizer)
    ignored_here = _per_file_ignores(resolved, path)
    severities: dict[str, Severity] = {}
    for rule in all_rules().values():
        severity = _configured(rule, resolved.severity, profile)
        if severity is None and not rule.default_on and any(specificity(rule, s) == EXACT for s in resolved.select):
            severity = rule.severity  # a rule off by default, asked for by name
        if severity is None or (resolved.select and not selected(rule, resolved.select)):
            continue
        if selected(rule, resolved.ignore + ignored_here):
            continue
        severities[rule.code] = severity
    params = {code: dict(values) for code, values in profile.params.items()}
    for code, values in resolved.params.items():
        params.setdefault(code, {}).update(values)
    if _is_validation_file(resolved, path):
        from jsonl_lint.rules.example_count import FEW, MIN_EXAMPLES, RECOMMENDED_EXAMPLES, TOO_FEW

        # a validation set is judged by its own minimum, and the training recommendation is not for it
        least = resolved.validation_min_examples
        params.setdefault(TOO_FEW.code, {})[MIN_EXAMPLES.name] = least
        params.setdefault(FEW.code, {})[RECOMMENDED_EXAMPLES.name] = least
    return Target(
        profile=profile,
        model=model,
        data_format=resolved.data_format,
        token_check=resolved.token_check,
        validation=resolved.validation,
        max_line_bytes=resolved.max_line_bytes,
        severities=severities,
        params=params,
    )


def _configured(rule: Rule, severity: Mapping[str, Severity | None], profile: Profile) -> Severity | None:
    """The config's most specific ``severity`` entry for the rule, else the profile's."""
    from jsonl_lint.rules import specificity

    best, chosen = 0, None
    for selector, level in severity.items():
        rank = specificity(rule, selector)
        if rank > best:
            best, chosen = rank, level
    return chosen if best else profile.severity(rule)


def _is_validation_file(config: Config, path: str) -> bool:
    """The validation file named by ``validation`` (or ``--validation``), or one matching a
    ``validation-files`` glob (relative to the config's folder, or its base name)."""
    if path == "-":
        return False
    if config.validation is not None and os.path.abspath(config.validation) == os.path.abspath(path):
        return True
    return any(_matches(config, path, pattern) for pattern in config.validation_files)


def _matches(config: Config, path: str, pattern: str) -> bool:
    relative = Path(os.path.relpath(os.path.abspath(path), config.root)).as_posix() if config.root else path
    return fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(os.path.basename(path), pattern)


def _per_file_ignores(config: Config, path: str) -> tuple[str, ...]:
    """The selectors of every per-file-ignores glob that matches ``path`` (relative to the
    config's folder, or its base name)."""
    if not config.per_file_ignores:
        return ()
    found: tuple[str, ...] = ()
    for pattern, selectors in config.per_file_ignores.items():
        if _matches(config, path, pattern):
            found += selectors
    return found
