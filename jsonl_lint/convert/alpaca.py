"""Alpaca (``instruction``, optional ``input``, ``output``, optional ``system`` and ``history``)
into chat: the instruction, then a blank line and the input when there is one, is the user turn;
the output is the assistant's; ``history`` pairs become earlier turns."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from jsonl_lint.convert.rows import Converted, Notes, Rejected, Row, jsonl_objects, raw_text


def _unusable(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "not a JSON object"
    for key in ("instruction", "output"):
        if not isinstance(value.get(key), str) or not value[key].strip():
            return f'no "{key}" text'
    for key in ("input", "system"):
        if key in value and not isinstance(value[key], str):
            return f'"{key}" is not a string'
    history = value.get("history", [])
    if not isinstance(history, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) for t in pair) for pair in history
    ):
        return '"history" is not a list of [user, assistant] pairs'
    return None


def convert(stream: BinaryIO, notes: Notes) -> Iterator[Row]:
    for item in jsonl_objects(stream):
        if isinstance(item, Rejected):
            yield item
            continue
        number, value, raw = item
        why = _unusable(value)
        if why:
            yield Rejected(number, raw_text(raw), why)
            continue
        messages: list[dict[str, Any]] = []
        if value.get("system"):
            messages.append({"role": "system", "content": value["system"]})
        for user, assistant in value.get("history", []):
            messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
        prompt = value["instruction"] + (f"\n\n{value['input']}" if value.get("input") else "")
        messages += [{"role": "user", "content": prompt}, {"role": "assistant", "content": value["output"]}]
        yield Converted(number, {"messages": messages})
