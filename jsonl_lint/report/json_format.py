"""A JSON array of problem objects (``path``, ``line``, ``column``, ``code``, ``rule``, ``severity``, ``message``, ``json_path``).

Written element by element as problems come, byte for byte what ``json.dumps(problems, indent=2)``
would write for the whole list.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

import orjson

from jsonl_lint.problems import Problem, Report

_string = json.encoder.encode_basestring  # the C encoder where there is one, as json.dumps uses


def indented(value: object, depth: int) -> str:
    """``value`` as indented JSON for a place ``depth`` levels deep (JSON strings hold no raw newline)."""
    if isinstance(value, dict) and all(type(v) in _SCALARS for v in value.values()):
        return _flat_object(value, depth)  # a problem: the same text, five times as fast
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * depth)


_SCALARS = {str, int, type(None), bool}


def _scalar(value: object) -> str:
    if isinstance(value, str):
        return _string(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return str(value)  # an int


def _flat_object(value: dict[str, object], depth: int) -> str:
    """What ``json.dumps(value, indent=2)`` writes for an object of strings, numbers and nulls."""
    if not value:
        return "{}"
    pad = "  " * depth
    members = ",\n".join(f"{pad}  {_string(key)}: {_scalar(item)}" for key, item in value.items())
    return "{\n" + members + "\n" + pad + "}"


def _problem_text(value: dict[str, object]) -> str:
    """A problem object one level deep: orjson writes the same text as ``json.dumps(indent=2,
    ensure_ascii=False)`` for strings, ints and nulls (a test compares them), several times as
    fast; what it refuses (a lone surrogate) goes the slow way."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode().replace("\n", "\n  ")
    except TypeError:
        return indented(value, 1)


class Writer:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.started = False

    def problem(self, problem: Problem) -> None:
        self.out.write(",\n  " if self.started else "[\n  ")
        self.out.write(_problem_text(problem.as_dict()))
        self.started = True

    def finish(self, reports: Sequence[Report], *, failed: int = 0) -> None:
        self.out.write("\n]\n" if self.started else "[]\n")
