"""A JSON array of problem objects (``path``, ``line``, ``column``, ``code``, ``rule``, ``severity``, ``message``, ``json_path``).

Written element by element as problems come, byte for byte what ``json.dumps(problems, indent=2)``
would write for the whole list.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from jsonl_lint.problems import Problem, Report


def indented(value: object, depth: int) -> str:
    """``value`` as indented JSON for a place ``depth`` levels deep (JSON strings hold no raw newline)."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * depth)


class Writer:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.started = False

    def problem(self, problem: Problem) -> None:
        self.out.write(",\n  " if self.started else "[\n  ")
        self.out.write(indented(problem.as_dict(), 1))
        self.started = True

    def finish(self, reports: Sequence[Report], *, failed: int = 0) -> None:
        self.out.write("\n]\n" if self.started else "[]\n")
