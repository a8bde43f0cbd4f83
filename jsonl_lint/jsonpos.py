"""Where things are inside one line of JSON text: columns of JSON paths and duplicate keys.

Only the error path uses this (a pure-Python walk over text the fast parser already accepted),
so it favours being obviously right over being fast.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

PathPart = str | int
JsonPath = tuple[PathPart, ...]

_WHITESPACE = re.compile(r"[ \t\r\n]*")
# Runs of plain characters between escapes, not one alternative a character: the same strings,
# about 2.5x faster to walk a line of long messages (every finding's column is located so).
_STRING = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"', re.DOTALL)
_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null|NaN|-?Infinity")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def format_path(path: Sequence[PathPart]) -> str:
    """``("messages", 2, "content")`` -> ``messages[2].content``; the root is ``""``."""
    if type(path) is tuple and len(path) <= 8:  # the same few paths, a problem each: written once
        return _formatted(path)
    return _format(path)


@functools.lru_cache(maxsize=4096)
def _formatted(path: JsonPath) -> str:
    return _format(path)


def _format(path: Sequence[PathPart]) -> str:
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.fullmatch(part):
            out.append(f".{part}" if out else part)
        else:
            out.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(out)


class Node(NamedTuple):
    """One JSON value in the text: its path, where its key starts (members only) and where it starts."""

    path: JsonPath
    key_offset: int | None
    value_offset: int
    duplicate: bool


# Plain classes, not dataclasses: this module is imported by every check, and making a dataclass
# costs about half a millisecond at import.
class _Container:
    __slots__ = ("index", "is_object", "keys", "path")

    def __init__(self, path: JsonPath, *, is_object: bool) -> None:
        self.path, self.is_object = path, is_object
        self.index = 0
        self.keys: set[str] = set()


def _skip(text: str, pos: int) -> int:
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


def _decode_key(raw: str) -> str:
    return json.loads(f'"{raw}"') if "\\" in raw else raw


def iter_nodes(text: str) -> Iterator[Node]:
    """Every value of a valid JSON text in document order. Iterative: deep nesting is fine."""
    pos = _skip(text, 0)
    stack: list[_Container] = []
    path: JsonPath = ()
    key_offset: int | None = None
    duplicate = False

    def read_key(container: _Container, at: int) -> tuple[int, JsonPath, int, bool]:
        match = _STRING.match(text, at)
        if match is None:
            raise ValueError(f"expected a key at offset {at}")
        key = _decode_key(match.group(1))
        seen = key in container.keys
        container.keys.add(key)
        after = _skip(text, match.end())
        return _skip(text, after + 1), container.path + (key,), at, seen  # +1 skips ':'

    while True:
        yield Node(path, key_offset, pos, duplicate)
        char = text[pos]
        if char in "{[":
            after = _skip(text, pos + 1)
            if text[after] in "}]":
                pos = after + 1
            else:
                container = _Container(path, is_object=char == "{")
                stack.append(container)
                if container.is_object:
                    pos, path, key_offset, duplicate = read_key(container, after)
                else:
                    pos, path, key_offset, duplicate = after, path + (0,), None, False
                continue
        else:
            match = (_STRING if char == '"' else _SCALAR).match(text, pos)
            if match is None:
                raise ValueError(f"unexpected character {char!r} at offset {pos}")
            pos = match.end()
        # A value is complete: move to the next member, closing containers as they end.
        while True:
            if not stack:
                return
            pos = _skip(text, pos)
            container = stack[-1]
            if text[pos] == ",":
                after = _skip(text, pos + 1)
                if container.is_object:
                    pos, path, key_offset, duplicate = read_key(container, after)
                else:
                    container.index += 1
                    pos, path, key_offset, duplicate = after, container.path + (container.index,), None, False
                break
            pos += 1
            stack.pop()


def locate(text: str, path: Sequence[PathPart], *, key: bool = False) -> int | None:
    """1-based column of the value at ``path`` (of its key with ``key=True``), or None.

    ``text`` is a record's line: valid JSON with no repeated key in any object (the reader
    reports such a line instead of making it a record), so the first place found is the one.
    """
    wanted = tuple(path)
    found: Node | None = None
    if _index.text == text:  # a second problem in the same line: look it up, not walk again
        found = _index.nodes.get(wanted)
    elif _index.first == text:
        _index.text, _index.nodes = text, _nodes_by_path(text)
        found = _index.nodes.get(wanted)
    else:
        _index.first, _index.text, _index.nodes = text, None, {}
        offsets = _leading(text, wanted)
        if offsets is None:
            offsets = _find(text, wanted)
        if offsets is None:
            return None
        key_offset, value_offset = offsets
        return (key_offset if key and key_offset is not None else value_offset) + 1
    if found is None:
        return None
    offset = found.key_offset if key and found.key_offset is not None else found.value_offset
    return offset + 1


# JSON's whitespace (not regex \s: that takes more characters than JSON does).
_WS = "[ \t\r\n]*"


@functools.lru_cache(maxsize=256)
def _leading_pattern(wanted: JsonPath) -> re.Pattern[str] | None:
    """A regex that matches the text from its start to the value at ``wanted`` when every step
    is the first of its container (the first key of each object, element 0 of each array), with
    each key written as :func:`json.dumps` writes it; None for a path it cannot describe so.
    Group ``key`` is the last key's quote, the match's end the value's start."""
    parts = [_WS]
    for place, part in enumerate(wanted):
        last = place == len(wanted) - 1
        if isinstance(part, str):
            literal = re.escape(json.dumps(part, ensure_ascii=False))
            parts.append(f"\\{{{_WS}(?P<key>{literal}){_WS}:{_WS}" if last else f"\\{{{_WS}{literal}{_WS}:{_WS}")
        elif part == 0:
            parts.append(f"\\[{_WS}(?=[^\\]])")  # an empty array has no element 0
        else:
            return None
    return re.compile("".join(parts))


def _leading(text: str, wanted: JsonPath) -> tuple[int | None, int] | None:
    """:func:`_find`'s answer without walking the text, when ``wanted`` is the line's leading
    path (the common case: a problem about a record's first key or first message); None when it
    is not (then :func:`_find` walks)."""
    if not wanted:
        return None
    pattern = _leading_pattern(wanted)
    if pattern is None:
        return None
    match = pattern.match(text)
    if match is None:
        return None
    return (match.start("key") if isinstance(wanted[-1], str) else None), match.end()


# The tokens that give JSON text its structure: strings (keys among them) and punctuation.
# Numbers, literals and whitespace lie between them and are skipped in C.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]')


def _find(text: str, wanted: JsonPath) -> tuple[int | None, int] | None:
    """Offsets of the key and of the value at ``wanted`` in a valid JSON text without repeated
    keys, or None: what :func:`iter_nodes` finds, with one regex pass over the text up to the
    place, and no node made for the values that are not wanted."""
    size = len(wanted)
    if size == 0:
        return None, _skip(text, 0)
    # Open containers, innermost last: [is_object, index, whether its path is wanted's start].
    stack: list[list[Any]] = []
    expect_key = False
    key_at = 0
    inside = True  # whether the value that starts next is on wanted's path (the root is)
    for match in _TOKEN.finditer(text):
        start = match.start()
        char = text[start]
        if char == '"':
            if expect_key:
                key = match.group()[1:-1]
                expect_key = False
                top = stack[-1]
                depth = len(stack)
                key_at = start
                top[1] = _decode_key(key) if top[2] and depth <= size else None
            else:
                inside = False
        elif char == ":":
            top = stack[-1]
            depth = len(stack)
            inside = top[2] and depth <= size and top[1] == wanted[depth - 1] and top[1] is not None
            if inside and depth == size:
                return key_at, _skip(text, match.end())
        elif char == ",":
            top = stack[-1]
            if top[0]:
                expect_key = True
            else:
                top[1] += 1
                inside = _element(top, len(stack), wanted)
                if inside and len(stack) == size:
                    return None, _skip(text, match.end())
        elif char == "{":
            stack.append([True, None, inside])
            expect_key = True
        elif char == "[":
            top = [False, 0, inside]
            stack.append(top)
            after = _skip(text, match.end())
            inside = text[after] != "]" and _element(top, len(stack), wanted)
            if inside and len(stack) == size:
                return None, after
        elif stack.pop()[2]:  # a container on wanted's path closed without it: not there
            return None
        else:
            inside = expect_key = False
    return None


def _element(array: list[Any], depth: int, wanted: JsonPath) -> bool:
    """Whether the array's current element is on wanted's path."""
    if not array[2] or depth > len(wanted):
        return False
    part = wanted[depth - 1]
    return type(part) is int and part == array[1]


class _LineIndex:
    """The line located in last: a line with many problems is walked twice, not once a problem."""

    __slots__ = ("first", "nodes", "text")

    def __init__(self) -> None:
        self.first: str | None = None  # located in once
        self.text: str | None = None  # located in again: ``nodes`` indexes it
        self.nodes: dict[JsonPath, Node] = {}


_index = _LineIndex()


def _nodes_by_path(text: str) -> dict[JsonPath, Node]:
    nodes: dict[JsonPath, Node] = {}
    try:
        for node in iter_nodes(text):
            nodes[node.path] = node  # a repeated key: the last one wins, as in the parsed value
    except (ValueError, IndexError):
        return {}
    return nodes


def duplicate_keys(text: str) -> list[Node]:
    """Every member whose key was already used in the same object, in document order."""
    return [node for node in iter_nodes(text) if node.duplicate]


def max_depth(text: str) -> int:
    """How deeply brackets nest, ignoring strings; works on invalid JSON too."""
    depth = deepest = 0
    for char in _STRING.sub("", text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def scalar_at(text: str, offset: int) -> str:
    """The number, literal or NaN/Infinity token that starts at ``offset`` ('' if none)."""
    match = _SCALAR.match(text, offset)
    return match.group(0) if match else ""
