"""Hugging Face TRL: ``messages`` whose tool calls carry their arguments as objects and no ids,
tool messages naming the function they answer; preference pairs as ``prompt``/``chosen``/
``rejected`` message lists. Going back, calls get ``call_1``, ``call_2`` ... per example and each
tool message answers the first open call of its name.
"""

from __future__ import annotations

from typing import Any

from jsonl_lint.convert.targets import Conversion, Record, Target, Unconvertible
from jsonl_lint.convert.targets.common import arguments_object, arguments_text, call_ids, check_keys, messages_of, texts, top_level


def from_openai(record: Record, conversion: Conversion) -> Record:
    if "input" in record:
        return _preference_from_openai(record, conversion)
    top_level(record, {"messages", "tools"}, conversion, "TRL's conversational format")
    out: Record = {"messages": _messages(messages_of(record), conversion, "messages")}
    if "tools" in record:
        out["tools"] = record["tools"]  # TRL's tools are the same JSON schemas
    return out


def _messages(messages: list[dict[str, Any]], conversion: Conversion, path: str) -> list[Record]:
    names: dict[Any, str] = {}
    out: list[Record] = []
    for index, message in enumerate(messages):
        where = f"{path}[{index}]"
        role = message.get("role")
        if role in ("system", "user"):
            check_keys(message, {"role", "content"}, conversion, where)
            texts(message.get("content"), f"{where}.content")  # images need TRL's vision format: not carried
            out.append(dict(message))
        elif role == "assistant":
            check_keys(message, {"role", "content", "tool_calls"}, conversion, where)
            converted: Record = {"role": "assistant"}
            if "content" in message:
                converted["content"] = message["content"]
            if message.get("tool_calls") is not None:
                converted["tool_calls"] = [_call(call, f"{where}.tool_calls[{n}]", names) for n, call in enumerate(message["tool_calls"])]
            out.append(converted)
        elif role == "tool":
            check_keys(message, {"role", "content", "tool_call_id"}, conversion, where)
            name = names.get(message.get("tool_call_id"))
            if name is None:
                raise Unconvertible("a tool message that answers no earlier tool call", f"{where}.tool_call_id")
            out.append({"role": "tool", "name": name, "content": message.get("content")})
        else:
            raise Unconvertible(f"role {role!r} has no equivalent in TRL's format", f"{where}.role")
    return out


def _call(call: Any, path: str, names: dict[Any, str]) -> Record:
    function = call.get("function") if isinstance(call, dict) else None
    if not isinstance(function, dict) or not isinstance(function.get("name"), str) or set(call) - {"id", "type", "function"}:
        raise Unconvertible("a tool call must be {id, type, function: {name, arguments}}", path)
    names[call.get("id")] = function["name"]
    return {
        "type": "function",
        "function": {"name": function["name"], "arguments": arguments_object(function.get("arguments"), f"{path}.function.arguments")},
    }


def _preference_from_openai(record: Record, conversion: Conversion) -> Record:
    for key in record:
        if key not in ("input", "preferred_output", "non_preferred_output"):
            raise Unconvertible(f"`{key}` has no equivalent in TRL's preference format", key)
    source = record.get("input")
    if not isinstance(source, dict) or set(source) - {"messages"}:
        raise Unconvertible("TRL preference records carry no tools", "input")
    out: Record = {"prompt": _messages(messages_of(source), conversion, "input.messages")}
    for key, name in (("preferred_output", "chosen"), ("non_preferred_output", "rejected")):
        output = record.get(key)
        if not isinstance(output, list) or len(output) != 1 or not isinstance(output[0], dict):
            raise Unconvertible("a preference output must be one assistant message", key)
        out[name] = _messages(output, conversion, key)
    return out


def to_openai(record: Record, conversion: Conversion) -> Record:
    if "chosen" in record:
        return _preference_to_openai(record, conversion)
    for key in record:
        if key not in ("messages", "tools"):
            raise Unconvertible(f"`{key}` has no equivalent in OpenAI's chat format", key)
    out: Record = {"messages": _openai_messages(messages_of(record), "messages")}
    if "tools" in record:
        out["tools"] = record["tools"]
    return out


def _openai_messages(messages: list[dict[str, Any]], path: str) -> list[Record]:
    counter = [0]
    open_calls: list[tuple[str, str]] = []
    out: list[Record] = []
    for index, message in enumerate(messages):
        where = f"{path}[{index}]"
        role = message.get("role")
        if role == "assistant" and message.get("tool_calls") is not None:
            converted = {k: v for k, v in message.items() if k != "tool_calls"}
            calls = []
            for number, call in enumerate(message["tool_calls"]):
                function = call.get("function") if isinstance(call, dict) else None
                if (
                    not isinstance(function, dict)
                    or not isinstance(function.get("name"), str)
                    or not isinstance(function.get("arguments", {}), dict)
                ):
                    raise Unconvertible("a tool call must be {type, function: {name, arguments: {...}}}", f"{where}.tool_calls[{number}]")
                call_id = call_ids(counter)
                open_calls.append((function["name"], call_id))
                calls.append(
                    {
                        "id": call_id,
                        "type": "function",
                        "function": {"name": function["name"], "arguments": arguments_text(function.get("arguments", {}))},
                    }
                )
            converted["tool_calls"] = calls
            out.append(converted)
        elif role == "tool":
            name = message.get("name")
            match = next((i for i, (call_name, _) in enumerate(open_calls) if call_name == name), None)
            if match is None:
                raise Unconvertible(f"a tool message for {name!r} answers no open tool call", where)
            _, call_id = open_calls.pop(match)
            out.append({"role": "tool", "tool_call_id": call_id, "content": message.get("content")})
        else:
            out.append(dict(message))
    return out


def _preference_to_openai(record: Record, conversion: Conversion) -> Record:
    for key in record:
        if key not in ("prompt", "chosen", "rejected"):
            raise Unconvertible(f"`{key}` has no equivalent in OpenAI's preference format", key)
    prompt = record.get("prompt")
    if not isinstance(prompt, list):
        raise Unconvertible("an explicit `prompt` message list is needed (an implicit prompt cannot be split reliably)", "prompt")
    return {
        "input": {"messages": _openai_messages(prompt, "prompt")},
        "preferred_output": _openai_messages(_list(record.get("chosen"), "chosen"), "chosen"),
        "non_preferred_output": _openai_messages(_list(record.get("rejected"), "rejected"), "rejected"),
    }


def _list(value: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
        raise Unconvertible("expected a list of messages", path)
    return value


TARGET = Target(name="hf", title="Hugging Face TRL", data_formats=("chat",), from_openai=from_openai, to_openai=to_openai)
