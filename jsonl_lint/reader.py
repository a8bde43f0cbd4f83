"""Bytes in, one record at a time: line number, raw bytes and parsed object, or a problem.

Streaming and constant memory: only the current line is held. Clean lines take the fast path
(orjson, and an exact duplicate-key proof from :mod:`jsonl_lint.duplicate_keys`); only a line
that fails is looked at closely.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple, Protocol

import orjson

from jsonl_lint import jsonpos
from jsonl_lint.duplicate_keys import LINE_ENDINGS, escaped_colon_finder
from jsonl_lint.problems import Problem, Rule
from jsonl_lint.rules import layout, syntax
from jsonl_lint.source import UTF8_BOM, LongLine

__all__ = ["UTF8_BOM", "LineCounts", "ProblemSink", "Record", "canonical_json", "read_records", "strip_line_ending"]
MAX_DEPTH = 1024  # orjson's limit, and deeper than any real record needs
SORT_KEYS = orjson.OPT_SORT_KEYS


class Record(NamedTuple):
    """A line that holds a JSON object. ``raw`` is the line as read (its ending kept, BOM removed):
    stripping it would copy every line, and only the error path needs the text. A NamedTuple:
    one is made per line, and a frozen dataclass costs several times as much to build."""

    line: int
    raw: bytes
    value: dict[str, Any]
    canonical: bytes = b""  # compact JSON with sorted keys: equal for equal records (duplicates)

    @property
    def text(self) -> str:
        return strip_line_ending(self.raw).decode("utf-8")


class ProblemSink(Protocol):
    """Makes a complete :class:`Problem` for this file, or None when the rule is switched off."""

    def __call__(self, rule: Rule, line: int | None, column: int | None, message: str, json_path: str | None = None) -> Problem | None: ...


def strip_line_ending(raw: bytes) -> bytes:
    if raw.endswith(b"\n"):
        raw = raw[:-1]
        if raw.endswith(b"\r"):
            raw = raw[:-1]
    return raw


class LineCounts:
    """How many lines held something (not blank): the checker tells an empty file by it."""

    __slots__ = ("content",)

    def __init__(self) -> None:
        self.content = 0


def read_records(
    lines: Iterable[bytes], problem: ProblemSink, *, first_line: int = 1, counts: LineCounts | None = None
) -> Iterator[Record | Problem]:
    """Yield a :class:`Record` for each object line and a :class:`Problem` for each bad line.

    ``first_line`` numbers the first of ``lines`` (a batch of a larger file); ``counts`` is told
    how many lines held something.
    """
    counts = counts if counts is not None else LineCounts()
    loads, decode_error, dumps, escaped_colon = orjson.loads, orjson.JSONDecodeError, orjson.dumps, escaped_colon_finder()
    new_record = tuple.__new__  # Record's own __new__ is a Python function: twice the cost a line
    for number, raw in enumerate(lines, first_line):
        if number == 1 and raw.startswith(UTF8_BOM):
            raw = raw[len(UTF8_BOM) :]
            found = problem(
                syntax.BOM, 1, 1, "the file starts with a UTF-8 byte order mark (BOM); remove it (`jsonl-lint check --fix` does)"
            )
            if found:
                yield found
        if not raw or raw.isspace():
            if type(raw) is LongLine:  # a line over the limit: read past, not held
                counts.content += 1
                found = problem(layout.LINE_TOO_LONG, number, 1, _long_line_message(raw))
            else:
                found = problem(syntax.BLANK_LINE, number, 1, "blank line; every line must hold one JSON object (remove it)")
            if found:
                yield found
            continue
        counts.content += 1
        if raw.endswith(b"\r\n"):
            found = problem(
                layout.CRLF_LINE_ENDING, number, len(raw) - 1, "the line ends with CRLF; use LF (`jsonl-lint check --fix` does)"
            )
            if found:
                yield found
        try:
            value = loads(raw)
        except decode_error:
            found = _classify_failure(strip_line_ending(raw), number, problem)
            if found:
                yield found
            continue
        if type(value) is not dict:  # orjson makes plain dicts
            found = problem(syntax.NOT_AN_OBJECT, number, 1, _not_an_object_message(value))
            if found:
                yield found
            continue
        try:
            canonical: bytes | None = dumps(value, option=SORT_KEYS)
        except TypeError:  # nested deeper than orjson writes: look closely
            canonical = None
        # Two exact proofs that no key was dropped (duplicate_keys): the line is orjson's JSON of
        # its value (written_as_dumped; compact lines: at most one more dump, both being as long),
        # or it has its colons and no escaped one.
        try:
            kept = canonical is not None and (
                (
                    len(raw) - len(canonical) <= 2
                    and raw[len(canonical) :] in LINE_ENDINGS
                    and (raw.startswith(canonical) or raw.startswith(dumps(value)))  # noqa: PIE810 (dumped again only if needed)
                )
                or (raw.count(b":") == canonical.count(b":") and not escaped_colon(raw))
            )
        except BaseException as error:  # a panic in the native search must not end the check: look closely
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
            kept = False
        if not kept:
            duplicates = jsonpos.duplicate_keys(strip_line_ending(raw).decode("utf-8"))
            for node in duplicates:
                key = node.path[-1]
                where = jsonpos.format_path(node.path[:-1]) or "the record"
                found = problem(
                    syntax.DUPLICATE_KEY,
                    number,
                    (node.key_offset or 0) + 1,
                    f"duplicate key {json.dumps(key, ensure_ascii=False)} in {where}: parsers keep only the last value, so the earlier one is lost",
                    jsonpos.format_path(node.path),
                )
                if found:
                    yield found
            if duplicates:
                continue
        yield new_record(Record, (number, raw, value, canonical or b""))


def _long_line_message(line: LongLine) -> str:
    return (
        f"the line is {line.size:,} bytes, longer than --max-line-bytes allows, so it was not read (raise the limit if it is a real record)"
    )


def canonical_json(value: Any) -> bytes | None:
    """The record as compact JSON with sorted keys, or None when orjson cannot write it back
    (nesting deeper than it writes, though not deeper than it reads).

    It serves twice: the duplicate-key proofs compare the line with it
    (:mod:`jsonl_lint.duplicate_keys`), and equal records have equal canonical forms.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None


def _not_an_object_message(value: object) -> str:
    kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")
    message = f"expected a JSON object on each line, found {kind}"
    if isinstance(value, list) and value and all(isinstance(item, dict) and "role" in item for item in value):
        message += '; this looks like a bare list of messages: `jsonl-lint convert --from chat` wraps it as {"messages": [...]}'
    return message


_HINTS = {
    "'": "JSON strings and keys need double quotes",
    "}": "is there a trailing comma?",
    "]": "is there a trailing comma?",
}


def _classify_failure(raw: bytes, number: int, problem: ProblemSink) -> Problem | None:
    try:
        orjson.loads(raw)
        return None  # only the line ending made it fail; cannot happen, but never guess
    except orjson.JSONDecodeError as failure:
        error = failure  # parsed again without the line ending, so that columns are the line's own
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        byte = raw[bad.start]
        return problem(
            syntax.INVALID_UTF8,
            number,
            bad.start + 1,
            f"invalid UTF-8 byte 0x{byte:02X} at byte {bad.start + 1}; the file must be UTF-8 (was it saved as Latin-1 or Windows-1252?)",
        )
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and jsonpos.max_depth(text) > MAX_DEPTH:
        return problem(syntax.TOO_DEEP, number, 1, f"arrays and objects are nested more than {MAX_DEPTH} levels deep")
    column = _non_finite_column(text)
    if column is not None:
        return problem(
            syntax.NON_FINITE_NUMBER,
            number,
            column,
            "NaN, Infinity or an out-of-range number is not valid JSON (write null or a finite number)",
        )
    message = f"invalid JSON: {error.msg}"
    at = error.pos if 0 <= error.pos < len(text) else None
    if at is not None and text[at] in _HINTS:
        message += f" ({_HINTS[text[at]]})"
    elif text.lstrip().startswith("{") and not text.rstrip().endswith("}"):
        message += " (each record must be on one line; is the file pretty-printed?)"
    return problem(syntax.INVALID_JSON, number, error.colno, message)


# What a line needs to hold for a non-finite number: NaN or Infinity, or a number past the
# float range (an exponent of three digits or more, or over 200 digits before the point).
_MAYBE_NON_FINITE = re.compile(r"NaN|Infinity|[0-9](?:[eE][+-]?[0-9]{3}|[0-9]{199})")


def _non_finite_column(text: str) -> int | None:
    """Where the first NaN/Infinity/overflowing number is, if the line is otherwise valid JSON."""
    if _MAYBE_NON_FINITE.search(text) is None:  # most broken lines: spare the slow parse below
        return None
    try:  # integers as floats: past 4,300 digits int() refuses (and is quadratic), float() gives inf
        json.loads(text, parse_int=float)
    except (ValueError, RecursionError):
        return None
    try:
        for node in jsonpos.iter_nodes(text):
            start = text[node.value_offset]
            if start in "NI-0123456789":
                token = jsonpos.scalar_at(text, node.value_offset)
                if token in ("NaN", "Infinity", "-Infinity") or (token[-1:].isdigit() and not math.isfinite(float(token))):
                    return node.value_offset + 1
    except (ValueError, IndexError):
        return None
    return None
