"""ShareGPT (``{"conversations": [{"from": ..., "value": ...}]}``) into chat.

Roles: system, human/user -> user, gpt/assistant -> assistant; ``function_call`` (a JSON string
``{"name", "arguments"}``) becomes an assistant tool call with a generated id, answered by the
next ``observation`` as a tool message. A top-level ``system`` string and ``tools`` (a JSON
string or list of function definitions, as LLaMA-Factory writes them) are kept, and so is a
``weight`` of 0 or 1 on an assistant turn. What chat cannot carry is never dropped silently:
images, videos and audio, other keys of a turn, or a ``system`` that is not a string reject the
row; other top-level keys (an ``id`` ...) are counted in the summary.
"""

from __future__ import annotations

import json
from typing import Any

from jsonl_lint.convert.records import records_converter, records_job
from jsonl_lint.convert.rows import ConvertOptions, DroppedKeys, Notes, Unusable

CARRIED = ("conversations", "system", "tools")
MEDIA = ("images", "videos", "audios", "image", "video", "audio")
ROLES = {"system": "system", "human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant"}


def _tools(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise Unusable("`tools` is not valid JSON") from None
    if not isinstance(value, list) or not all(isinstance(t, dict) and isinstance(t.get("name"), str) for t in value):
        raise Unusable("`tools` is not a list of function definitions")
    return [{"type": "function", "function": tool} for tool in value]


def convert_value(value: dict[str, Any]) -> dict[str, Any]:
    turns = value.get("conversations")
    if not isinstance(turns, list) or not turns:
        raise Unusable('no "conversations" list')
    media = [key for key in MEDIA if value.get(key)]
    if media:
        raise Unusable(f'"{media[0]}": chat text examples cannot carry them')
    if "system" in value and value["system"] is not None and not isinstance(value["system"], str):
        raise Unusable('"system" is not a string')
    messages: list[dict[str, Any]] = []
    if isinstance(value.get("system"), str) and value["system"]:
        messages.append({"role": "system", "content": value["system"]})
    pending: list[str] = []  # ids of calls not yet answered by an observation
    calls = 0
    for number, turn in enumerate(turns):
        if not isinstance(turn, dict) or not isinstance(turn.get("value"), str):
            raise Unusable(f'conversations[{number}] has no string "value"')
        source, text = turn.get("from"), turn["value"]
        extra = sorted(set(turn) - {"from", "value", "weight"})
        if extra or ("weight" in turn and (ROLES.get(str(source)) != "assistant" or turn["weight"] not in (0, 1))):
            raise Unusable(f"conversations[{number}] has keys chat cannot carry ({', '.join(extra or ['weight'])})")
        if source == "function_call":
            try:
                call = json.loads(text)
                name, arguments = call["name"], call.get("arguments", {})
            except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
                raise Unusable(f'conversations[{number}] is a function_call whose value is not {{"name", "arguments"}} JSON') from None
            calls += 1
            call_id = f"call_{calls}"
            pending.append(call_id)
            try:
                encoded = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
            except RecursionError:
                raise Unusable(f"conversations[{number}] is a function_call nested too deeply") from None
            messages.append(
                {"role": "assistant", "tool_calls": [{"id": call_id, "type": "function", "function": {"name": name, "arguments": encoded}}]}
            )
        elif source == "observation":
            if not pending:
                raise Unusable(f"conversations[{number}] is an observation that answers no function_call")
            messages.append({"role": "tool", "tool_call_id": pending.pop(0), "content": text})
        elif isinstance(source, str) and source in ROLES:
            message = {"role": ROLES[source], "content": text}
            if "weight" in turn:
                message["weight"] = turn["weight"]
            messages.append(message)
        else:
            raise Unusable(f"conversations[{number}] is from {source!r} (expected {', '.join([*ROLES, 'function_call', 'observation'])})")
    record: dict[str, Any] = {"messages": messages}
    if value.get("tools") not in (None, "", []):  # empty ones hold nothing to lose
        record["tools"] = _tools(value["tools"])
    return record


def sniff(suffix: str, first: Any) -> bool:
    return isinstance(first, dict) and "conversations" in first


class ShareGPTRecords:
    """ShareGPT records, counting the keys not carried."""

    def __init__(self, options: ConvertOptions, part: bool = False) -> None:
        self.dropped = DroppedKeys(CARRIED, None if part else DroppedKeys.LIMIT)

    def to_chat(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Unusable("not a JSON object")
        record = convert_value(value)
        self.dropped.add(value)
        return record

    def state(self) -> DroppedKeys:
        return self.dropped

    def merge(self, state: DroppedKeys) -> None:
        self.dropped.merge(state)

    def describe(self, notes: Notes) -> None:
        self.dropped.describe(notes)


convert = records_converter(ShareGPTRecords)
ranges = records_job(ShareGPTRecords)
