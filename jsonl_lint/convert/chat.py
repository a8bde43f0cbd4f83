"""Chat to chat: the current format from older or broken exports.

Deprecated ``functions``/``function_call`` become ``tools``/``tool_calls`` with generated ids,
and ``function`` messages become ``tool`` messages answering them; a bare JSON array of messages
on a line is wrapped as ``{"messages": [...]}``. Anything else is passed through as it is.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from jsonl_lint.convert.rows import Notes, Row, Unusable, convert_records


def normalise(value: dict[str, Any]) -> dict[str, Any]:
    record = dict(value)
    if "functions" in record:
        functions = record.pop("functions")
        if isinstance(functions, list):
            record["tools"] = [*record.get("tools", []), *({"type": "function", "function": f} for f in functions)]
    messages = record.get("messages")
    if not isinstance(messages, list):
        return record
    out: list[Any] = []
    pending: dict[str, list[str]] = {}  # function name -> ids of its calls awaiting an answer
    calls = 0
    for message in messages:
        if isinstance(message, dict) and message.get("role") == "assistant" and isinstance(message.get("function_call"), dict):
            calls += 1
            call_id = f"call_{calls}"
            function_call = message["function_call"]
            converted = {key: item for key, item in message.items() if key != "function_call"}
            converted["tool_calls"] = [{"id": call_id, "type": "function", "function": function_call}]
            pending.setdefault(function_call.get("name", ""), []).append(call_id)
            out.append(converted)
        elif isinstance(message, dict) and message.get("role") == "function":
            ids = pending.get(message.get("name", ""), [])
            if not ids:
                raise Unusable(f"a function message for {message.get('name')!r} answers no earlier function_call")
            out.append({"role": "tool", "tool_call_id": ids.pop(0), "content": message.get("content") or ""})
        else:
            out.append(message)
    record["messages"] = out
    return record


def convert(stream: BinaryIO, notes: Notes) -> Iterator[Row]:
    counts = {"wrapped": 0, "normalised": 0}

    def to_chat(value: Any) -> dict[str, Any]:
        if isinstance(value, list):
            if not all(isinstance(m, dict) and "role" in m for m in value):
                raise Unusable("a JSON array that is not a list of messages")
            value = {"messages": value}
            counts["wrapped"] += 1
        if "messages" not in value:
            raise Unusable('no "messages" key')
        record = normalise(value)
        counts["normalised"] += record != value
        return record

    yield from convert_records(stream, to_chat)
    if counts["wrapped"]:
        notes.add(f"{counts['wrapped']} bare message arrays wrapped as {{\"messages\": [...]}}")
    if counts["normalised"]:
        notes.add(f"{counts['normalised']} records moved from functions/function_call to tools/tool_calls")
