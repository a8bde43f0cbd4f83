"""Alpaca (``instruction``, optional ``input``, ``output``, optional ``system`` and ``history``)
into chat: the instruction, then a blank line and the input when there is one, is the user turn;
the output is the assistant's; ``history`` pairs become earlier turns. Other keys (an ``id`` ...)
are not carried, and the summary counts them."""

from __future__ import annotations

from typing import Any

from jsonl_lint.convert.records import records_converter, records_job
from jsonl_lint.convert.rows import ConvertOptions, DroppedKeys, Notes, Unusable

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


class AlpacaRecords:
    """Alpaca records, counting the keys not carried."""

    def __init__(self, options: ConvertOptions, part: bool = False) -> None:
        self.dropped = DroppedKeys(CARRIED, None if part else DroppedKeys.LIMIT)

    def to_chat(self, value: Any) -> dict[str, Any]:
        return to_chat(value, self.dropped)

    def state(self) -> DroppedKeys:
        return self.dropped

    def merge(self, state: DroppedKeys) -> None:
        self.dropped.merge(state)

    def describe(self, notes: Notes) -> None:
        self.dropped.describe(notes)


convert = records_converter(AlpacaRecords)
ranges = records_job(AlpacaRecords)
