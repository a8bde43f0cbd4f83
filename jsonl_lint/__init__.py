"""jsonl-lint: lint and convert fine-tuning datasets for OpenAI-style chat models."""

from __future__ import annotations

import importlib

# Not typing.TYPE_CHECKING: importing typing costs `jsonl-lint --version` about 4 ms (mypy knows this name).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from jsonl_lint.config import Config
    from jsonl_lint.engine import check_file, check_files, check_lines, check_record
    from jsonl_lint.problems import Problem, Report, Rule, Severity, UsageError

__all__ = ["Config", "Problem", "Report", "Rule", "Severity", "UsageError", "check_file", "check_files", "check_lines", "check_record"]
__version__ = "0.1.0"

# The API is imported on first use, so that `jsonl-lint --version` (and any module of the package)
# starts without loading the checker.
_HOMES = {
    "Config": "config",
    "check_file": "engine",
    "check_files": "engine",
    "check_lines": "engine",
    "check_record": "engine",
    "Problem": "problems",
    "Report": "problems",
    "Rule": "problems",
    "Severity": "problems",
    "UsageError": "problems",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(f"jsonl_lint.{_HOMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'jsonl_lint' has no attribute {name!r}")
