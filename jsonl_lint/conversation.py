"""Read access to the conversations inside a record, whatever its format, for the rules."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonl_lint.jsonpos import JsonPath

Message = dict[str, Any]


def message_lists(value: dict[str, Any], data_format: str | None) -> list[tuple[JsonPath, list[Message]]]:
    """Each list of messages in a (schema-valid) record, with its JSON path."""
    if data_format in ("chat", "rft"):
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
