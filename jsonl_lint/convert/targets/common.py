"""Pieces every target shares: reading OpenAI messages, tool-call arguments, image URLs."""

from __future__ import annotations

import itertools
import mimetypes
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from jsonl_lint.convert.targets import LOSSES, Conversion, Record, Unconvertible


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
            raise Unconvertible(
                "a system message that is not the first message: the target has one system prompt, at the start", f"{path}[{index}]"
            )
    return system, rest


def texts(content: Any, path: str) -> list[str]:
    """A text-only content (a string or text parts) as its texts."""
    if isinstance(content, str):
        return [content]
    if (
        isinstance(content, list)
        and content
        and all(
            isinstance(p, dict) and p.get("type") == "text" and set(p) == {"type", "text"} and isinstance(p["text"], str) for p in content
        )
    ):
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
                conversion.note(WEIGHT_ONE)
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Shapes:
    """How a target with turns of parts (Gemini, Bedrock) writes the pieces of a conversation."""

    title: str  # "Gemini's format", in messages
    model_role: str  # the role of the model's turns
    parts_key: str  # the key of a turn's parts
    image: Callable[[dict[str, Any], Conversion, str], Record]  # an OpenAI image_url object -> a part
    call: Callable[[str, str, dict[str, Any]], Record]  # (call id, function name, arguments) -> a part
    result: Callable[[str, str, str], Record]  # (call id, function name, result text) -> a part


WEIGHT_ONE = "weight 1 (the default) dropped"


def plain_text(message: Any, allowed_losses: frozenset[str], notes: list[str]) -> str | None:
    """The text of a plain message (role and string content, maybe a weight), or None. A weight
    is dropped and counted (its note added to ``notes``), as :func:`check_keys` does; any other
    key, or a weight 0 that may not be lost, makes None (the general path says why)."""
    if type(message) is not dict:
        return None
    content = message.get("content")
    if type(content) is not str or "role" not in message:
        return None
    if len(message) != 2:
        if len(message) != 3 or "weight" not in message:
            return None
        if message["weight"] == 0:
            if "weight" not in allowed_losses:
                return None
            notes.append(LOSSES["weight"])
        else:
            notes.append(WEIGHT_ONE)
    return content


def plain_turns(record: Record, conversion: Conversion, shapes: Shapes) -> tuple[str | None, list[Record]] | None:
    """The usual record (``messages`` of plain text: a first system message, then user and
    assistant ones, maybe weighted; maybe ``tools``) in one tight loop: its system text (or None)
    and its turns, as :func:`turns` makes them; None for any other record, which the general path
    then converts or rejects. What is counted (dropped weights) is counted only for a record this
    returns, in the order the general path counts it."""
    for key in record:
        if key != "messages" and key != "tools":
            return None
    messages = record.get("messages")
    if type(messages) is not list or not messages:
        return None
    model_role, parts_key = shapes.model_role, shapes.parts_key
    system = None
    out: list[Record] = []
    notes: list[str] = []
    first = True
    allowed_losses = conversion.allowed_losses
    for message in messages:
        content = plain_text(message, allowed_losses, notes)
        if content is None:
            return None
        role = message["role"]
        if role == "user":
            out.append({"role": "user", parts_key: [{"text": content}]})
        elif role == "assistant":
            out.append({"role": model_role, parts_key: [{"text": content}]})
        elif role == "system" and first:
            system = content
        else:
            return None
        first = False
    for note in notes:
        conversion.note(note)
    return system, out


def turns(messages: list[dict[str, Any]], start: int, conversion: Conversion, shapes: Shapes, path: str) -> list[Record]:
    """OpenAI messages (from ``start``, after a system message) as alternating turns of parts: the
    tool messages that answer a call, and a user message right after them, make one user turn."""
    out: list[Record] = []
    names: dict[str, str] = {}  # tool call id -> function name
    index = start
    while index < len(messages):
        message, where = messages[index], f"{path}[{index}]"
        role = message.get("role")
        if role == "user":
            out.append({"role": "user", shapes.parts_key: _user_parts(message, conversion, shapes, where)})
        elif role == "assistant":
            out.append({"role": shapes.model_role, shapes.parts_key: _model_parts(message, conversion, shapes, where, names)})
        elif role == "tool":
            parts: list[Record] = []
            while index < len(messages) and messages[index].get("role") == "tool":
                parts.append(_result(messages[index], conversion, shapes, f"{path}[{index}]", names))
                index += 1
            if index < len(messages) and messages[index].get("role") == "user":
                parts += _user_parts(messages[index], conversion, shapes, f"{path}[{index}]")
                index += 1
            out.append({"role": "user", shapes.parts_key: parts})
            continue
        else:
            raise Unconvertible(
                f"role {role!r} has no equivalent in {shapes.title} (user and {shapes.model_role} turns only)", f"{where}.role"
            )
        index += 1
    return out


def _user_parts(message: dict[str, Any], conversion: Conversion, shapes: Shapes, path: str) -> list[Record]:
    check_keys(message, {"role", "content"}, conversion, path)
    content = message.get("content")
    if isinstance(content, str):
        return [{"text": content}]
    if not isinstance(content, list) or not content:
        raise Unconvertible("content must be a string or a list of parts", f"{path}.content")
    parts: list[Record] = []
    for number, part in enumerate(content):
        where = f"{path}.content[{number}]"
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str) and set(part) == {"type", "text"}:
            parts.append({"text": part["text"]})
        elif kind == "image_url" and isinstance(part.get("image_url"), dict):
            image = part["image_url"]
            for key in image:
                if key == "detail":
                    conversion.lose("image-detail", f"{shapes.title} has no image detail setting", f"{where}.image_url.detail")
                elif key != "url":
                    raise Unconvertible(f"`{key}` has no equivalent in {shapes.title}", f"{where}.image_url.{key}")
            parts.append(shapes.image(image, conversion, f"{where}.image_url.url"))
        else:
            raise Unconvertible(f"a content part {shapes.title} cannot hold (text and images only)", where)
    return parts


def _model_parts(message: dict[str, Any], conversion: Conversion, shapes: Shapes, path: str, names: dict[str, str]) -> list[Record]:
    check_keys(message, {"role", "content", "tool_calls"}, conversion, path)
    parts: list[Record] = []
    if message.get("content") is not None:
        parts += [{"text": t} for t in texts(message["content"], f"{path}.content")]
    calls = message.get("tool_calls")
    if calls is not None:
        if not isinstance(calls, list) or not calls:
            raise Unconvertible("tool_calls must be a non-empty list", f"{path}.tool_calls")
        for number, call in enumerate(calls):
            where = f"{path}.tool_calls[{number}]"
            function = call.get("function") if isinstance(call, dict) else None
            if (
                not isinstance(function, dict)
                or not isinstance(function.get("name"), str)
                or not isinstance(call.get("id"), str)
                or set(call) - {"id", "type", "function"}
            ):
                raise Unconvertible("a tool call must be {id, type, function: {name, arguments}}", where)
            args = arguments_object(function.get("arguments"), f"{where}.function.arguments")
            names[call["id"]] = function["name"]
            parts.append(shapes.call(call["id"], function["name"], args))
    if not parts:
        raise Unconvertible("an assistant message with neither content nor tool calls", path)
    return parts


def _result(message: dict[str, Any], conversion: Conversion, shapes: Shapes, path: str, names: dict[str, str]) -> Record:
    check_keys(message, {"role", "content", "tool_call_id"}, conversion, path)
    call_id = message.get("tool_call_id")
    if not isinstance(call_id, str) or call_id not in names:
        raise Unconvertible("a tool message that answers no earlier tool call", f"{path}.tool_call_id")
    content = message.get("content")
    if not isinstance(content, str):
        raise Unconvertible("a tool result must be a string", f"{path}.content")
    return shapes.result(call_id, names[call_id], content)


def functions(tools: Any, conversion: Conversion, title: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, function definition) of each OpenAI tool; `strict` is an allowed loss or a reject."""
    if not isinstance(tools, list) or not tools:
        raise Unconvertible("`tools` must be a non-empty list", "tools")
    for number, tool in enumerate(tools):
        where = f"tools[{number}]"
        function = tool.get("function") if isinstance(tool, dict) and tool.get("type") == "function" else None
        if not isinstance(function, dict) or set(tool) != {"type", "function"}:
            raise Unconvertible("a tool must be {type: function, function: {...}}", where)
        for key in function:
            if key == "strict":
                conversion.lose("strict", f"{title} has no strict mode for function arguments", f"{where}.function.strict")
            elif key not in ("name", "description", "parameters"):
                raise Unconvertible(f"`{key}` has no equivalent in {title}'s function definitions", f"{where}.function.{key}")
        yield where, function


def assistant_message(parts: list[Any], path: str, read_call: Callable[[dict[str, Any], str], tuple[str, str, Any] | None]) -> Record:
    """A model turn's parts (text first, then calls) as one OpenAI assistant message.
    ``read_call(part, where)`` gives a call part's (id, name, arguments object), or None for a part
    that is not a call."""
    text: list[str] = []
    calls: list[Record] = []
    for number, part in enumerate(parts):
        where = f"{path}[{number}]"
        if isinstance(part, dict) and set(part) == {"text"} and isinstance(part["text"], str):
            if calls:
                raise Unconvertible("text after a tool call cannot keep its place in OpenAI's format", where)
            text.append(part["text"])
            continue
        call = read_call(part, where) if isinstance(part, dict) else None
        if call is None:
            raise Unconvertible("a model part OpenAI's format cannot hold (text and tool calls only)", where)
        call_id, name, args = call
        calls.append({"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments_text(args)}})
    message: Record = {"role": "assistant"}
    if text:
        message["content"] = text_content(text)
    if calls:
        message["tool_calls"] = calls
    return message
