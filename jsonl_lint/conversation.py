"""Read access to the conversations inside a record, whatever its format, for the rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from jsonl_lint.jsonpos import JsonPath

Message = dict[str, Any]


def message_lists(value: dict[str, Any], data_format: str | None) -> list[tuple[JsonPath, list[Message]]]:
    """Each list of messages in a (schema-valid) record, with its JSON path."""
    if data_format in ("chat", "rft", "trl-chat"):
        return [(("messages",), value["messages"])]
    if data_format == "preference":
        return [
            (("input", "messages"), value["input"]["messages"]),
            (("preferred_output",), value["preferred_output"]),
            (("non_preferred_output",), value["non_preferred_output"]),
        ]
    return []


def all_messages(value: dict[str, Any], data_format: str | None) -> Iterator[tuple[JsonPath, Message]]:
    for prefix, messages in message_lists(value, data_format):
        for index, message in enumerate(messages):
            yield prefix + (index,), message


def content_text(content: object) -> str:
    """The text of a message's content: the string, or its text parts joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict) and part.get("type") == "text")
    return ""


def has_call(message: Message) -> bool:
    return bool(message.get("tool_calls") or message.get("function_call"))


def strings(node: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, str]]:
    """Every string value in a JSON value, with its path (keys are not included)."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from strings(child, path + (key,))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from strings(child, path + (index,))


class Summary(NamedTuple):
    """What the rules ask of every record, gathered in one pass over its messages, so that most
    rules can return at once (the facts are about every message list of the record)."""

    roles: tuple[str, ...]  # of the first list: `messages`, or a preference's `input.messages`
    assistants: int  # in the first list
    trained: bool  # the first list has an assistant message without weight 0
    calls: bool  # an assistant message has tool_calls or function_call
    tool_messages: bool
    parts: bool  # some content is a list of parts
    maybe_blank: bool  # some content may be empty or whitespace (parts are not looked into)
    backslash: bool  # some string content holds a backslash (parts are not looked into)
    stray_weight: bool  # a message other than the assistant's has a `weight`


_last: tuple[object, Summary] | None = None


def summary(value: dict[str, Any], data_format: str | None) -> Summary:
    """The :class:`Summary` of a record; the last one is kept, as every rule asks for the same."""
    global _last
    if _last is not None and _last[0] is value:
        return _last[1]
    lists = message_lists(value, data_format)
    calls = tool_messages = parts = maybe_blank = trained = backslash = stray_weight = False
    assistants = 0
    for number, (_, messages) in enumerate(lists):
        for message in messages:
            role = message["role"]
            content = message.get("content")
            if content.__class__ is str:
                if not content or content.isspace():
                    maybe_blank = True
                if "\\" in content:
                    backslash = True
            elif content is not None:
                parts = maybe_blank = True
            if role == "assistant":
                if "tool_calls" in message or "function_call" in message:
                    calls = True
                if number == 0:
                    assistants += 1
                    if message.get("weight") != 0:
                        trained = True
            else:
                if role == "tool":
                    tool_messages = True
                if "weight" in message:
                    stray_weight = True
    roles = tuple(m["role"] for m in lists[0][1]) if lists else ()
    result = Summary(roles, assistants, trained, calls, tool_messages, parts, maybe_blank, backslash, stray_weight)
    _last = (value, result)
    return result
