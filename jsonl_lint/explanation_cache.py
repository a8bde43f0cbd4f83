"""Schema explanations cached by a record's shape, so that a file of broken records is explained
once per kind of breakage, not once per record.

Explaining (Python jsonschema) is the slowest step of the error path, and bad records differ in
their text while failing the same way. The key is the record with every string that no schema
can tell apart from another replaced by its class: a string is kept when a schema names it
(``enum``/``const``) or a message may name it (a role), and otherwise stands for its length
range (``minLength``/``maxLength``) and which ``pattern``s it matches, which is all a schema of
ours can ask of it. Keys, numbers, booleans, nulls and the structure are kept as they are. Two
records with one key fail at the same places for the same reasons; what a message quotes of the
record (the value an ``enum`` rejected ...) is compared as well, so the explanation is the same
as explaining the record itself.

Memory is bounded: so many shapes, so many variants of each, so large a key; past those limits a
record is explained the long way.
"""

from __future__ import annotations

import bisect
import collections
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jsonl_lint import formats, schema_errors
from jsonl_lint.jsonpos import JsonPath

Issues = tuple[schema_errors.SchemaIssue, ...]
Token = Any  # one element of a shape: a key, a scalar, a string's class or a marker
Shape = tuple[Token, ...]

MAX_SHAPES = 512  # shapes remembered (least recently used forgotten first)
MAX_VARIANTS = 16  # explanations kept per shape, for records that differ in what messages quote
MAX_TOKENS = 4096  # a larger record is explained the long way (its key would cost as much)
MAX_DEPTH = schema_errors.EXPLAIN_DEPTH - 2  # deeper records are cut before explaining: not cached


class _Marker:
    """A token no value of a record can equal (equal only to itself)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_OBJECT, _ARRAY, _END, _TRUE, _FALSE, _NULL, _FLOAT = (_Marker(name) for name in ("{", "[", "]", "true", "false", "null", "float"))


class _Unshaped(Exception):
    """The record is too deep or too large to key: explain it the long way."""


# What a keyword holds: literals (what a string is compared with, or nothing about strings),
# one subschema, a map of subschemas, or a list of them. A schema with any other keyword might
# look at strings in ways the classes do not capture: strings are then kept as they are.
_LITERAL = frozenset(
    {
        "$schema", "$id", "$ref", "$comment", "title", "description", "x-error", "default", "examples", "type", "required",
        "enum", "const", "pattern", "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "dependentRequired",
    }
)  # fmt: skip
_SUBSCHEMA = frozenset({"additionalProperties", "additionalItems", "items", "not", "if", "then", "else", "contains", "propertyNames"})
_SUBSCHEMA_MAP = frozenset({"properties", "patternProperties", "definitions", "$defs"})
_SUBSCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf"})


@dataclass(slots=True)
class StringClasses:
    """What the schemas can ask of a string: which strings they name, the lengths they bound,
    the patterns they test."""

    named: set[str] = field(default_factory=set)
    bounds: list[int] = field(default_factory=list)  # a length's class: how many of these it reaches
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    exact: bool = False  # a keyword we do not know: strings are kept as they are

    def token(self, text: str) -> Token:
        if self.exact or text in self.named:
            return text
        size = len(text)
        if not self.patterns:
            return (bisect.bisect_right(self.bounds, size),)
        return (bisect.bisect_right(self.bounds, size), *[pattern.search(text) is not None for pattern in self.patterns])

    def learn(self, schema: Any) -> None:
        """Add what ``schema`` (and every schema inside it) asks of strings."""
        if isinstance(schema, bool):
            return
        if not isinstance(schema, dict):
            self.exact = True
            return
        for keyword, value in schema.items():
            if keyword in ("enum", "const"):
                self.named.update(_strings_in(value))
            elif keyword == "pattern" and isinstance(value, str):
                if all(pattern.pattern != value for pattern in self.patterns):
                    self.patterns.append(re.compile(value))
            elif keyword in ("minLength", "maxLength") and isinstance(value, int):
                bisect.insort(self.bounds, value if keyword == "minLength" else value + 1)
            elif keyword in _SUBSCHEMA:
                for item in value if isinstance(value, list) else [value]:
                    self.learn(item)
            elif keyword in _SUBSCHEMA_MAP and isinstance(value, dict):
                for item in value.values():
                    self.learn(item)
            elif keyword in _SUBSCHEMA_LIST and isinstance(value, list):
                for item in value:
                    self.learn(item)
            elif keyword not in _LITERAL:
                self.exact = True


def _strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)


@functools.cache
def string_classes() -> StringClasses:
    """One set of classes for all our schemas (they refer to each other); message wording names
    roles, so those are kept too."""
    classes = StringClasses(named=set(schema_errors.KNOWN_ROLES))
    for name in formats.FORMATS:
        classes.learn(formats.load_schema(name))
    return classes


def shape(value: Any, string: Callable[[str], Token]) -> Shape:
    """``value`` as a flat tuple of tokens, each string as ``string`` gives it. Raises
    :class:`_Unshaped` past :data:`MAX_DEPTH` or :data:`MAX_TOKENS`."""
    out: list[Token] = []
    _walk(value, string, out, MAX_DEPTH)
    return tuple(out)


def _walk(value: Any, string: Callable[[str], Token], out: list[Token], depth: int) -> None:
    kind = type(value)
    if kind is str:
        out.append(string(value))
    elif kind is dict:
        if depth <= 0 or len(out) + 2 * len(value) > MAX_TOKENS:
            raise _Unshaped
        out.append(_OBJECT)
        for key, item in value.items():
            out.append(key)
            if type(item) is str:  # most values: no call deeper
                out.append(string(item))
            else:
                _walk(item, string, out, depth - 1)
        out.append(_END)
    elif kind is list:
        if depth <= 0 or len(out) + len(value) > MAX_TOKENS:
            raise _Unshaped
        out.append(_ARRAY)
        for item in value:
            if type(item) is str:
                out.append(string(item))
            else:
                _walk(item, string, out, depth - 1)
        out.append(_END)
    elif kind is int:
        out.append(value)
    elif kind is bool:
        out.append(_TRUE if value else _FALSE)
    elif value is None:
        out.append(_NULL)
    elif kind is float:  # as written: 1.0 is not 1 and -0.0 is not 0.0 in a message
        out.append(_FLOAT)
        out.append(repr(value))
    else:
        raise _Unshaped


def _as_is(text: str) -> str:
    return text


def _quoted(value: Any, paths: tuple[JsonPath, ...]) -> Shape:
    """What the messages quote of ``value``: the values at ``paths``, as they are."""
    out: list[Token] = []
    for path in paths:
        node = value
        for part in path:
            node = node[part]
        _walk(node, _as_is, out, MAX_DEPTH)
        out.append(_END)
    return tuple(out)


@dataclass(slots=True)
class _Entry:
    quoted: tuple[JsonPath, ...]  # where the explanation quotes the record
    variants: dict[Shape, Issues] = field(default_factory=dict)  # by what is quoted there


_cache: collections.OrderedDict[tuple[str, Shape], _Entry] = collections.OrderedDict()


def explanation(data_format: str, value: Any) -> Issues:
    """Why ``value`` fails ``data_format``'s schema: the same as :func:`schema_errors.explain`."""
    classes = string_classes()
    try:
        key = (data_format, shape(value, classes.token))
    except (_Unshaped, RecursionError):
        return _explain(data_format, value)[0]
    entry = _cache.get(key)
    try:
        if entry is not None:
            _cache.move_to_end(key)
            found = entry.variants.get(_quoted(value, entry.quoted))
            if found is not None:
                return found
    except (_Unshaped, LookupError, TypeError):  # cannot happen for records of one shape; never guess
        return _explain(data_format, value)[0]
    issues, quoted = _explain(data_format, value)
    try:
        if entry is None:
            entry = _cache[key] = _Entry(quoted)
            if len(_cache) > MAX_SHAPES:
                _cache.popitem(last=False)
        if entry.quoted == quoted and len(entry.variants) < MAX_VARIANTS:
            entry.variants[_quoted(value, quoted)] = issues
    except (_Unshaped, LookupError, TypeError):  # a quoted value it cannot key: not kept
        pass
    return issues


def _explain(data_format: str, value: Any) -> tuple[Issues, tuple[JsonPath, ...]]:
    quoted: list[JsonPath] = []
    issues = schema_errors.explain(formats.explaining_validator(data_format), value, quoted=quoted)
    return tuple(issues), tuple(dict.fromkeys(quoted))
