"""Options of a check: target profile and model, data format, which rules run and how severe.

They come from ``[tool.jsonl-lint]`` in the nearest ``pyproject.toml`` above a file, overridden
by command-line flags. An invalid table is a usage error (exit 2) naming the file and the key.
"""
from __future__ import annotations

import fnmatch
import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jsonl_lint.problems import Rule, Severity, UsageError
from jsonl_lint.source import DEFAULT_MAX_LINE_BYTES


def _matches(rule: Rule, selectors: tuple[str, ...]) -> bool:
    """A selector is a code prefix (``JL3``, ``JL301``) or a rule name (``duplicate-key``)."""
    return any(rule.code.startswith(s) or rule.name == s for s in selectors)


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    profile: str | None = None
    model: str | None = None
    data_format: str | None = None
    token_check: bool = True
    max_tokens: int | None = None  # overrides the model's limit per example
    encoding: str | None = None  # overrides the model's tiktoken encoding
    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # code or name -> severity
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # glob -> selectors
    root: str | None = None  # folder of the config file: per-file-ignores globs are relative to it
    validation: str | None = None
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES  # a longer line is one problem, read past

    def with_options(self, **options: Any) -> Config:
        """A copy with the given options set; None means "keep what the config says"."""
        return replace(self, **{key: value for key, value in options.items() if value is not None})

    def severity_for(self, rule: Rule, path: str) -> Severity | None:
        """The rule's effective severity for ``path``, or None when it is switched off."""
        if self.select and not _matches(rule, self.select):
            return None
        if _matches(rule, self.ignore):
            return None
        if self.per_file_ignores and self._ignored_for_file(rule, path):
            return None
        return self.severity.get(rule.code) or self.severity.get(rule.name) or rule.severity

    def _ignored_for_file(self, rule: Rule, path: str) -> bool:
        relative = Path(os.path.relpath(os.path.abspath(path), self.root)).as_posix() if self.root else path
        return any(
            (fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(os.path.basename(path), pattern)) and _matches(rule, selectors)
            for pattern, selectors in self.per_file_ignores.items()
        )


def selectors(text: str) -> tuple[str, ...]:
    """``"JL1, duplicate-key"`` -> ``("JL1", "duplicate-key")``."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return selectors(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ValueError(f"{where} must be a list of strings")


_KIND_NAMES = {str: "a string", bool: "true or false", int: "an integer", dict: "a table"}


def _typed(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"{where} must be {_KIND_NAMES[kind]}")
    return value


def config_from_table(table: Mapping[str, Any], root: str | None = None) -> Config:
    """A :class:`Config` from a ``[tool.jsonl-lint]`` table; ValueError says what is wrong."""
    from jsonl_lint.rules import find_rule  # the registry imports every rule module: only when needed

    options: dict[str, Any] = {"root": root}
    for key, value in table.items():
        if key in ("profile", "model", "data-format", "encoding", "validation"):
            options[key.replace("-", "_")] = _typed(value, str, key)
        elif key == "token-check":
            options["token_check"] = _typed(value, bool, key)
        elif key in ("max-tokens", "max-line-bytes"):
            options[key.replace("-", "_")] = _typed(value, int, key)
        elif key in ("select", "ignore"):
            options[key] = _strings(value, key)
        elif key == "severity":
            severities = {}
            for code, level in _typed(value, dict, key).items():
                if find_rule(code) is None:
                    raise ValueError(f"severity: unknown rule {code!r}")
                severities[code] = Severity.parse(_typed(level, str, f"severity.{code}"))
            options["severity"] = severities
        elif key == "per-file-ignores":
            options["per_file_ignores"] = {pattern: _strings(codes, f"per-file-ignores.{pattern}") for pattern, codes in _typed(value, dict, key).items()}
        else:
            raise ValueError(f"unknown key {key!r}")
    return Config(**options)


@functools.cache
def _config_in(folder: Path) -> Config | None:
    for directory in (folder, *folder.parents):
        candidate = directory / "pyproject.toml"
        if not candidate.is_file():
            continue
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            table = data.get("tool", {}).get("jsonl-lint")
            if table is None:
                continue
            return config_from_table(_typed(table, dict, "[tool.jsonl-lint]"), root=str(directory))
        except (ValueError, OSError, UnicodeDecodeError) as error:  # TOMLDecodeError is a ValueError
            raise UsageError(f"invalid config: {candidate}: {error}") from None
    return None


def load_config(path: str) -> Config:
    """The configuration that applies to ``path`` ("-": the current folder), or the defaults."""
    folder = Path.cwd() if path == "-" else Path(path).resolve().parent
    return _config_in(folder) or Config()
