"""Alpaca (``instruction``, optional ``input``, ``output``, optional ``system`` and ``history``)
into chat: the instruction, then a blank line and the input when there is one, is the user turn;
the output is the assistant's; ``history`` pairs become earlier turns. Other keys (an ``id`` ...)
are not carried, and the summary counts them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonl_lint.convert.inputs import Input
from jsonl_lint.convert.rows import (
    ConvertOptions,
    DroppedKeys,
    Notes,
    Row,
    Unusable,
    convert_records,
)

CARRIED = ("instruction", "input", "output", "system", "history")


def sniff(suffix: str, first: Any) -> bool:
    return isinstance(first, dict) and "instruction" in first


def to_chat(value: Any, dropped: DroppedKeys) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Unusable("not a JSON object")
    for key in ("instruction", "output"):
        if not isinstance(value.get(key), str) or not value[key].strip():
            raise Unusable(f'no "{key}" text')
    for key in ("input", "system"):
        if key in value and not isinstance(value[key], str):
            raise Unusable(f'"{key}" is not a string')
    history = value.get("history", [])
    if not isinstance(history, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) for t in pair) for pair in history
    ):
        raise Unusable('"history" is not a list of [user, assistant] pairs')
    messages: list[dict[str, Any]] = []
    if value.get("system"):
        messages.append({"role": "system", "content": value["system"]})
    for user, assistant in history:
        messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    prompt = value["instruction"] + (f"\n\n{value['input']}" if value.get("input") else "")
    messages += [{"role": "user", "content": prompt}, {"role": "assistant", "content": value["output"]}]
    dropped.add(value)
    return {"messages": messages}


def convert(source: Input, options: ConvertOptions, notes: Notes) -> Iterator[Row]:
    dropped = DroppedKeys(CARRIED)
    yield from convert_records(source.stream(), lambda value: to_chat(value, dropped))
    dropped.describe(notes)
