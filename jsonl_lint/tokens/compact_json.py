"""Compact JSON of a parsed value, at any depth.

orjson stops at 255 levels of nesting ("Recursion limit reached"), but a record's tool
``parameters`` may nest deeper (the reader takes up to 1,024 levels). Below orjson's limit the
text is orjson's own; above it, the same text is written with an explicit stack, each scalar
still written by orjson, so the result never depends on the depth and never recurses.
"""

from __future__ import annotations

from typing import Any

import orjson


def compact_json(value: Any) -> str:
    """``value`` as compact JSON (no spaces, non-ASCII kept, keys in their order)."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return "".join(_pieces(value))


def _pieces(value: Any) -> list[str]:
    out: list[str] = []
    # The stack holds what is left to write: values, and literal text ("," "]" "}") as str
    # wrapped in a 1-tuple so that it is never taken for a JSON string.
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if type(item) is tuple:
            out.append(item[0])
        elif isinstance(item, dict):
            out.append("{")
            stack.append(("}",))
            entries = list(item.items())
            for index in range(len(entries) - 1, -1, -1):
                key, child = entries[index]
                stack.append(child)
                stack.append((orjson.dumps(key).decode() + ":",))
                if index:
                    stack.append((",",))
        elif isinstance(item, list):
            out.append("[")
            stack.append(("]",))
            for index in range(len(item) - 1, -1, -1):
                stack.append(item[index])
                if index:
                    stack.append((",",))
        else:
            out.append(orjson.dumps(item).decode())
    return out
