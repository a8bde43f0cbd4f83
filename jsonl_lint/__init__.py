"""jsonl-lint: lint and convert fine-tuning datasets for OpenAI-style chat models."""
from __future__ import annotations

from jsonl_lint.config import Config
from jsonl_lint.engine import check_file, check_files, check_lines, check_record
from jsonl_lint.problems import Problem, Report, Rule, Severity, UsageError

__all__ = ["Config", "Problem", "Report", "Rule", "Severity", "UsageError", "check_file", "check_files", "check_lines", "check_record"]
__version__ = "0.1.0"
