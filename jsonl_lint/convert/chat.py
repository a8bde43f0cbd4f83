"""Chat to chat: the current format from older or broken exports.

Deprecated ``functions``/``function_call`` become ``tools``/``tool_calls`` with generated ids,
and ``function`` messages become ``tool`` messages answering them; a bare JSON array of messages
on a line is wrapped as ``{"messages": [...]}``. Anything else is passed through as it is. A row
whose ``messages`` is not a list of messages, or whose ``functions`` cannot be moved to ``tools``,
is rejected.
"""

from __future__ import annotations

from typing import Any

from jsonl_lint.convert.records import records_converter, records_job
from jsonl_lint.convert.rows import ConvertOptions, Notes, Unusable


def sniff(suffix: str, first: Any) -> bool:
    return isinstance(first, list) or (isinstance(first, dict) and "messages" in first)


def _move_functions(record: dict[str, Any]) -> None:
    functions = record.pop("functions")
    if not isinstance(functions, list) or not all(isinstance(f, dict) for f in functions):
        raise Unusable('"functions" is not a list of function definitions: it cannot be moved to "tools"')
    tools = record.get("tools", [])
    if not isinstance(tools, list):
        raise Unusable('"tools" is not a list: the "functions" cannot be added to it')
    record["tools"] = [*tools, *({"type": "function", "function": f} for f in functions)]


def normalise(value: dict[str, Any]) -> dict[str, Any]:
    if "functions" not in value:  # the usual record: nothing to move, returned as it is
        messages = value.get("messages")
        if type(messages) is list and messages:
            for message in messages:
                if type(message) is not dict or "function_call" in message or message.get("role") == "function":
                    break
            else:
                return value
    record = dict(value)
    if "functions" in record:
        _move_functions(record)
    messages = record.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise Unusable('"messages" is not a non-empty list of message objects')
    out: list[Any] = []
    pending: dict[str, list[str]] = {}  # function name -> ids of its calls awaiting an answer
    calls = 0
    for message in messages:
        if message.get("role") == "assistant" and isinstance(message.get("function_call"), dict):
            calls += 1
            call_id = f"call_{calls}"
            function_call = message["function_call"]
            converted = {key: item for key, item in message.items() if key != "function_call"}
            converted["tool_calls"] = [{"id": call_id, "type": "function", "function": function_call}]
            pending.setdefault(str(function_call.get("name", "")), []).append(call_id)
            out.append(converted)
        elif message.get("role") == "function":
            ids = pending.get(str(message.get("name", "")), [])
            if not ids:
                raise Unusable(f"a function message for {message.get('name')!r} answers no earlier function_call")
            extra = sorted(set(message) - {"role", "name", "content"})
            if extra:
                raise Unusable(f"a function message has keys {', '.join(extra)} that a tool message cannot carry")
            out.append({"role": "tool", "tool_call_id": ids.pop(0), "content": message.get("content") or ""})
        else:
            out.append(message)
    record["messages"] = out
    return record


class ChatRecords:
    """Chat records, counting the arrays wrapped and the records moved to tools."""

    def __init__(self, options: ConvertOptions, part: bool = False) -> None:
        self.counts = {"wrapped": 0, "normalised": 0}

    def to_chat(self, value: Any) -> dict[str, Any]:
        wrapped = isinstance(value, list)
        if wrapped:
            if not all(isinstance(m, dict) and "role" in m for m in value):
                raise Unusable("a JSON array that is not a list of messages")
            value = {"messages": value}
        if "messages" not in value:
            raise Unusable('no "messages" key')
        record = normalise(value)
        self.counts["wrapped"] += wrapped
        self.counts["normalised"] += record != value
        return record

    def state(self) -> dict[str, int]:
        return self.counts

    def merge(self, state: dict[str, int]) -> None:
        for what, count in state.items():
            self.counts[what] += count

    def describe(self, notes: Notes) -> None:
        counts = self.counts
        if counts["wrapped"]:
            notes.add(f'{counts["wrapped"]} bare message arrays wrapped as {{"messages": [...]}}')
        if counts["normalised"]:
            notes.add(f"{counts['normalised']} records moved from functions/function_call to tools/tool_calls")


convert = records_converter(ChatRecords)
ranges = records_job(ChatRecords)
