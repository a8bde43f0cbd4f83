"""A function's declared ``parameters`` schema, compiled so that data cannot harm the run.

The schema is user data, so compiling and using it must not fetch, open a file, recurse without
bound or backtrack without bound:

* only references inside the schema itself (``#...``) are followed; any other ``$ref`` or an
  unknown ``$schema`` is reported instead, and jsonschema-rs runs with retrieval disabled;
* patterns run on jsonschema-rs's regex engines: the Rust ``regex`` crate (linear time) for
  every pattern it can express, and a backtracking engine capped at :data:`BACKTRACK_LIMIT`
  steps per match only for lookaround and backreferences;
* schemas nested deeper than :data:`MAX_DEPTH`, or that expand (following their references)
  to more than :data:`MAX_EXPANSION` subschemas (``allOf`` chains that double at each step),
  are reported, not compiled: checking one argument visits at most that many subschemas.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import unquote

import orjson

MAX_DEPTH = 64  # JSON levels of one parameters schema; real ones stay under 15
MAX_EXPANSION = 10_000  # subschemas once references are expanded; real ones have under 500
MAX_REFERENCE_HOPS = 10  # references followed in one chain while counting
BACKTRACK_LIMIT = 1_000  # steps per match, for patterns with lookaround or backreferences

# Meta-schemas jsonschema-rs knows without fetching anything.
KNOWN_META_SCHEMAS = frozenset(
    url + suffix
    for url in (
        "http://json-schema.org/draft-04/schema",
        "http://json-schema.org/draft-06/schema",
        "http://json-schema.org/draft-07/schema",
        "https://json-schema.org/draft/2019-09/schema",
        "https://json-schema.org/draft/2020-12/schema",
    )
    for suffix in ("", "#")
)
_REFERENCES = ("$ref", "$dynamicRef", "$recursiveRef")


def _outside(node: dict[str, Any]) -> str | None:
    for keyword in _REFERENCES:
        target = node.get(keyword)
        if isinstance(target, str) and not target.startswith("#"):
            return f'{keyword} "{target[:100]}"'
    meta = node.get("$schema")
    if isinstance(meta, str) and meta not in KNOWN_META_SCHEMAS:
        return f'$schema "{meta[:100]}"'
    return None


def unusable(schema: Any) -> str | None:
    """Why ``schema`` must not be compiled (it points outside itself, or nests too deep), or None.

    Iterative, so any depth is safe. Conservative: a ``$ref`` string inside ``enum`` or
    ``default`` data counts as a reference too.
    """
    stack: list[tuple[Any, int]] = [(schema, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"nest deeper than {MAX_DEPTH} levels, more than jsonl-lint checks arguments against"
        if isinstance(node, dict):
            reference = _outside(node)
            if reference is not None:
                return f"refer to {reference} outside the schema; jsonl-lint follows only references inside it (#/...) and fetches nothing"
            stack.extend((child, depth + 1) for child in node.values() if isinstance(child, dict | list))
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node if isinstance(child, dict | list))
    if _expansion(schema) > MAX_EXPANSION:
        return (
            f"are too complex to check arguments against (more than {MAX_EXPANSION:,} subschemas once"
            f" references are followed, or chains of more than {MAX_REFERENCE_HOPS} references)"
        )
    return None


class _TooLarge(Exception):
    pass


def _expansion(schema: Any) -> int:
    """How many subschemas checking one value may visit: the schema's size with each internal
    reference counted as the size of its target (a reference back into itself counts once)."""
    sizes: dict[int, int] = {}  # id of a node -> its expanded size
    active: set[int] = set()  # nodes being counted: a reference to one of them is a cycle

    def size(node: Any, hops: int) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in active:
            return 1
        active.add(id(node))
        total = 1
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                total += size(child, hops)
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target = _pointer(schema, node["$ref"])
            if target is not None:
                if hops >= MAX_REFERENCE_HOPS:
                    raise _TooLarge
                total += size(target, hops + 1)
        active.discard(id(node))
        if total > MAX_EXPANSION:
            raise _TooLarge
        sizes[id(node)] = total
        return total

    try:
        return size(schema, 0)
    except (_TooLarge, RecursionError):
        return MAX_EXPANSION + 1


def _pointer(schema: Any, reference: str) -> Any:
    """The node a ``#/a/b`` reference names inside ``schema`` (None for anchors and misses)."""
    if reference == "#":
        return schema
    if not reference.startswith("#/"):
        return None
    node = schema
    for raw in reference[2:].split("/"):
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node if isinstance(node, dict | list) else None


def cache_key(parameters: dict[str, Any]) -> bytes | str:
    """The canonical bytes of a parameters schema (datasets repeat the same tools on every
    line, so what is known about a schema is cached by them), or why it cannot be checked."""
    try:
        return orjson.dumps(parameters, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as error:  # nested past orjson's limit, or integers past 64 bits
        return unusable(parameters) or f"cannot be used to check arguments ({error})"


@functools.lru_cache(maxsize=256)
def compile_parameters(key: bytes) -> Any:
    """jsonschema-rs's validator for the schema with these canonical bytes, or why there is none."""
    import jsonschema_rs  # here: only a record that declares tools needs it

    schema = orjson.loads(key)
    why = unusable(schema)
    if why is not None:
        return why
    try:
        return jsonschema_rs.validator_for(
            schema,
            offline=True,
            pattern_options=jsonschema_rs.FancyRegexOptions(backtrack_limit=BACKTRACK_LIMIT),
        )
    except jsonschema_rs.ValidationError as error:
        place = "/".join(str(part) for part in error.instance_path)
        return f"are not a valid JSON Schema ({f'at {place}: ' if place else ''}{_first_line(error.message)})"
    except (ValueError, jsonschema_rs.ReferencingError) as error:
        return f"cannot be used to check arguments ({_first_line(str(error))})"


def _first_line(text: str) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= 200 else line[:197] + "..."
