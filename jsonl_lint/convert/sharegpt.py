"""ShareGPT (``{"conversations": [{"from": ..., "value": ...}]}``) into chat.

Roles: system, human/user -> user, gpt/assistant -> assistant; ``function_call`` (a JSON string
``{"name", "arguments"}``) becomes an assistant tool call with a generated id, answered by the
next ``observation`` as a tool message. A top-level ``system`` string and ``tools`` (a JSON
string or list of function definitions, as LLaMA-Factory writes them) are kept.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from jsonl_lint.convert.rows import Notes, Row, Unusable, convert_records

ROLES = {"system": "system", "human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant"}


def _tools(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise Unusable("`tools` is not valid JSON") from None
    if not isinstance(value, list) or not all(isinstance(t, dict) and isinstance(t.get("name"), str) for t in value):
        raise Unusable("`tools` is not a list of function definitions")
    return [{"type": "function", "function": tool} for tool in value]


def convert_value(value: dict[str, Any]) -> dict[str, Any]:
    turns = value.get("conversations")
    if not isinstance(turns, list) or not turns:
        raise Unusable('no "conversations" list')
    messages: list[dict[str, Any]] = []
    if isinstance(value.get("system"), str) and value["system"]:
        messages.append({"role": "system", "content": value["system"]})
    pending: list[str] = []  # ids of calls not yet answered by an observation
    calls = 0
    for number, turn in enumerate(turns):
        if not isinstance(turn, dict) or not isinstance(turn.get("value"), str):
            raise Unusable(f"conversations[{number}] has no string \"value\"")
        source, text = turn.get("from"), turn["value"]
        if source == "function_call":
            try:
                call = json.loads(text)
                name, arguments = call["name"], call.get("arguments", {})
            except (ValueError, KeyError, TypeError):
                raise Unusable(f'conversations[{number}] is a function_call whose value is not {{"name", "arguments"}} JSON') from None
            calls += 1
            call_id = f"call_{calls}"
            pending.append(call_id)
            encoded = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
            messages.append({"role": "assistant", "tool_calls": [{"id": call_id, "type": "function", "function": {"name": name, "arguments": encoded}}]})
        elif source == "observation":
            if not pending:
                raise Unusable(f"conversations[{number}] is an observation that answers no function_call")
            messages.append({"role": "tool", "tool_call_id": pending.pop(0), "content": text})
        elif source in ROLES:
            messages.append({"role": ROLES[source], "content": text})
        else:
            raise Unusable(f"conversations[{number}] is from {source!r} (expected {', '.join([*ROLES, 'function_call', 'observation'])})")
    record: dict[str, Any] = {"messages": messages}
    if value.get("tools"):
        record["tools"] = _tools(value["tools"])
    return record


def to_chat(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Unusable("not a JSON object")
    return convert_value(value)


def convert(stream: BinaryIO, notes: Notes) -> Iterator[Row]:
    return convert_records(stream, to_chat)
