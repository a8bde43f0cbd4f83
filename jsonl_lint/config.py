"""Options of a check as the user wrote them: profile and model, data format, which rules run,
how severe, with which parameters.

They come from ``[tool.jsonl-lint]`` in the nearest ``pyproject.toml`` above a file, overridden
by command-line flags; :func:`jsonl_lint.target.resolve_target` turns them into a file's target.
An invalid table is a usage error (exit 2) naming the file and the key.
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jsonl_lint.problems import Severity, UsageError
from jsonl_lint.source import DEFAULT_MAX_LINE_BYTES


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    profile: str | None = None
    model: str | None = None
    data_format: str | None = None
    token_check: bool = True
    max_tokens: int | None = None  # overrides the model's limit per example
    encoding: str | None = None  # overrides the model's tiktoken encoding
    tokenizer: str | None = None  # overrides the model's tokenizer: a local model folder or "mistral:NAME"
    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity | None] = field(default_factory=dict)  # selector -> severity (None: off)
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # rule code -> parameter -> value
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # glob -> selectors
    root: str | None = None  # folder of the config file: per-file-ignores globs are relative to it
    validation: str | None = None
    baseline: str | None = None  # a baseline file (check --baseline): problems in it do not fail the check
    validation_files: tuple[str, ...] = ()  # globs (like per-file-ignores) of files that are validation sets
    validation_min_examples: int = 1  # the fewest examples a validation file may hold
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES  # a longer line is one problem, read past

    def with_options(self, **options: Any) -> Config:
        """A copy with the given options set; None means "keep what the config says"."""
        return replace(self, **{key: value for key, value in options.items() if value is not None})


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
    # The registry imports every rule module: only when a config is read.
    from jsonl_lint.profiles import parse_params, parse_severities
    from jsonl_lint.rules import check_selectors

    options: dict[str, Any] = {"root": root}
    for key, value in table.items():
        if key in ("profile", "model", "data-format", "encoding"):
            options[key.replace("-", "_")] = _typed(value, str, key)
        elif key == "tokenizer":  # a folder: relative to the config's folder, like validation
            value = _typed(value, str, key)
            options["tokenizer"] = os.path.join(root, value) if root and ":" not in value else value
        elif key == "baseline":  # relative to the config's folder
            options["baseline"] = os.path.join(root, _typed(value, str, key)) if root else _typed(value, str, key)
        elif key == "validation":  # relative to the config's folder, like per-file-ignores
            options["validation"] = os.path.join(root, _typed(value, str, key)) if root else _typed(value, str, key)
        elif key == "token-check":
            options["token_check"] = _typed(value, bool, key)
        elif key in ("max-tokens", "max-line-bytes", "validation-min-examples"):
            options[key.replace("-", "_")] = _typed(value, int, key)
            if value < 0:
                raise ValueError(f"{key} must not be negative")
        elif key == "validation-files":
            options["validation_files"] = _strings(value, key)
        elif key in ("select", "ignore"):
            options[key] = _strings(value, key)
            check_selectors(options[key], key)
        elif key == "severity":
            options["severity"] = parse_severities(_typed(value, dict, key), key)
        elif key == "params":
            options["params"] = parse_params(_typed(value, dict, key), key)
        elif key == "per-file-ignores":
            ignores = {pattern: _strings(codes, f"per-file-ignores.{pattern}") for pattern, codes in _typed(value, dict, key).items()}
            for pattern, codes in ignores.items():
                check_selectors(codes, f"per-file-ignores.{pattern}")
            options["per_file_ignores"] = ignores
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
