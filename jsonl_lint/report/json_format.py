"""A JSON array of problem objects (``path``, ``line``, ``column``, ``code``, ``rule``, ``severity``, ``message``, ``json_path``)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from jsonl_lint.checker import Report


def render(reports: Sequence[Report], out: TextIO) -> None:
    problems = [problem.as_dict() for report in reports for problem in report.problems]
    out.write(json.dumps(problems, indent=2, ensure_ascii=False) + "\n")
