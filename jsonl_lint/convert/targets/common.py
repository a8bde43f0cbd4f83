"""Pieces every target shares: reading OpenAI messages, tool-call arguments, image URLs."""
from __future__ import annotations

import itertools
import mimetypes
from typing import Any

import orjson

from jsonl_lint.convert.targets import Conversion, Record, Unconvertible


def messages_of(record: Record) -> list[dict[str, Any]]:
    messages = record.get("messages")
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise Unconvertible("`messages` must be a list of message objects", "messages")
    return messages


def split_system(messages: list[dict[str, Any]], path: str = "messages") -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The leading system message (if any) and the rest; a system message elsewhere is a reject."""
    system = messages[0] if messages and messages[0].get("role") == "system" else None
    rest = messages[1:] if system is not None else messages
    for index, message in enumerate(rest, 1 if system is not None else 0):
        if message.get("role") == "system":
            raise Unconvertible("a system message that is not the first message: the target has one system prompt, at the start", f"{path}[{index}]")
    return system, rest


def texts(content: Any, path: str) -> list[str]:
    """A text-only content (a string or text parts) as its texts."""
    if isinstance(content, str):
        return [content]
    if isinstance(content, list) and content and all(isinstance(p, dict) and p.get("type") == "text" and set(p) == {"type", "text"} and isinstance(p["text"], str) for p in content):
        return [p["text"] for p in content]
    raise Unconvertible("content must be a string or a list of text parts", path)


def text_content(parts: list[str]) -> str | list[dict[str, str]]:
    """Texts back as OpenAI content: one text is a string, several are text parts."""
    return parts[0] if len(parts) == 1 else [{"type": "text", "text": t} for t in parts]


def arguments_object(arguments: Any, path: str) -> dict[str, Any]:
    """A tool call's JSON-encoded arguments as the object the target stores."""
    if not isinstance(arguments, str):
        raise Unconvertible("tool call arguments must be a JSON-encoded string", path)
    try:
        value = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        raise Unconvertible("tool call arguments are not valid JSON", path) from None
    if not isinstance(value, dict):
        raise Unconvertible("tool call arguments must encode a JSON object", path)
    return value


def arguments_text(arguments: Any) -> str:
    """Arguments stored as an object, JSON-encoded the way OpenAI's examples write them."""
    return orjson.dumps(arguments).decode()


def check_keys(message: dict[str, Any], allowed: set[str], conversion: Conversion, path: str) -> None:
    """Keys of an OpenAI message the target has no place for: allowed losses or a reject."""
    for key in message:
        if key in allowed:
            continue
        if key == "name":
            conversion.lose("name", "the target has no message names", f"{path}.name")
        elif key == "weight":
            if message[key] == 0:
                conversion.lose("weight", "the target has no per-turn weights, so a weight 0 turn would be trained on", f"{path}.weight")
            else:
                conversion.note("weight 1 (the default) dropped")
        else:
            raise Unconvertible(f"`{key}` has no equivalent in the target format", f"{path}.{key}")


def image_mime_type(url: str) -> str | None:
    """The media type an image URL's extension names (the target needs it; a URL alone is not enough)."""
    kind, _ = mimetypes.guess_type(url.split("?", 1)[0])
    return kind if kind and kind.startswith("image/") else None


def call_ids(counter: list[int]) -> str:
    """The next generated tool call id of an example: call_1, call_2 ... (stable across runs)."""
    counter[0] += 1
    return f"call_{counter[0]}"


def top_level(record: Record, allowed: set[str], conversion: Conversion, title: str) -> None:
    """Keys of an OpenAI record the target has no place for: ``parallel_tool_calls: true`` is the
    default everywhere (dropped, counted); false is an allowed loss or a reject; others reject."""
    for key in record:
        if key == "parallel_tool_calls":
            if record[key] is True:
                conversion.note("parallel_tool_calls: true (the default) dropped")
            else:
                conversion.lose("parallel-tool-calls", f"{title} has no way to forbid parallel tool calls", key)
        elif key not in allowed:
            raise Unconvertible(f"`{key}` has no equivalent in {title}", key)


def turn_order(roles: list[str], model: str, *, last: str) -> str | None:
    """Why a target that needs user-first, alternating turns ending with ``last`` cannot take
    these roles, or None."""
    if not roles:
        return "no turns"
    if roles[0] != "user":
        return f"the first turn is the {roles[0]}'s; the target needs the user's first"
    for before, after in itertools.pairwise(roles):
        if before == after:
            return f"two {after} turns in a row; the target needs user and {model} turns to alternate"
    if roles[-1] != last:
        return f"the last turn is the {roles[-1]}'s; the target needs it to be the {last}'s"
    return None
