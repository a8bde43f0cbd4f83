"""Amazon Bedrock: Nova's ``bedrock-conversation-2024`` records, and Claude 3 Haiku's plain ones.

Nova (Converse API shapes): the first system message becomes ``system`` text blocks; a message's
content becomes blocks; tool calls become ``toolUse`` blocks keeping their ids as ``toolUseId``
and their arguments as objects; the tool messages that answer them (and a user message right
after them) become one user turn of ``toolResult`` blocks, since turns alternate. Bedrock reads
images from S3 only: an image that is not an ``s3://`` URL is a reject.

Claude 3 Haiku takes an optional ``system`` string and user/assistant messages of plain text.
"""

from __future__ import annotations

import functools
from pathlib import PurePosixPath
from typing import Any

from jsonl_lint.convert.targets import Conversion, Record, Target, Unconvertible
from jsonl_lint.convert.targets.common import (
    Shapes,
    arguments_text,
    assistant_message,
    check_keys,
    functions,
    messages_of,
    plain_turns,
    split_system,
    text_content,
    texts,
    top_level,
    turn_order,
    turns,
)
from jsonl_lint.convert.targets.plain_bytes import PlainShape, plain_record

SCHEMA_VERSION = "bedrock-conversation-2024"
IMAGE_FORMATS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif", ".webp": "webp"}


def from_openai(record: Record, conversion: Conversion) -> Record:
    if "input" in record:
        raise Unconvertible("Bedrock's conversation format has no preference records", "input")
    out: Record = {"schemaVersion": SCHEMA_VERSION}
    plain = plain_turns(record, conversion, SHAPES)
    if plain is not None:
        text, out_turns = plain
        if text is not None:
            out["system"] = [{"text": text}]
        out["messages"] = out_turns
    else:
        top_level(record, {"messages", "tools"}, conversion, "Bedrock's conversation format")
        messages = messages_of(record)
        system, _ = split_system(messages)
        if system is not None:
            check_keys(system, {"role", "content"}, conversion, "messages[0]")
            out["system"] = [{"text": t} for t in texts(system.get("content"), "messages[0].content")]
        out["messages"] = turns(messages, 1 if system is not None else 0, conversion, SHAPES, "messages")
    if "tools" in record:
        out["toolConfig"] = {"tools": _tool_specs(record["tools"], conversion)}
    return out


def _image(image: dict[str, Any], conversion: Conversion, path: str) -> Record:
    url = image.get("url")
    if not isinstance(url, str) or not url.startswith("s3://"):
        raise Unconvertible("Bedrock fine-tuning reads images from S3 only: upload the image and use its s3:// URI", path)
    image_format = IMAGE_FORMATS.get(PurePosixPath(url).suffix.lower())
    if image_format is None:
        raise Unconvertible("the image's extension names no format Bedrock takes (png, jpeg, gif, webp)", path)
    return {"image": {"format": image_format, "source": {"s3Location": {"uri": url}}}}


SHAPES = Shapes(
    title="Bedrock's format",
    model_role="assistant",
    parts_key="content",
    image=_image,
    call=lambda call_id, name, args: {"toolUse": {"toolUseId": call_id, "name": name, "input": args}},
    result=lambda call_id, name, text: {"toolResult": {"toolUseId": call_id, "content": [{"text": text}]}},
)


def _tool_specs(tools: Any, conversion: Conversion) -> list[Record]:
    specs = []
    for _, function in functions(tools, conversion, "Bedrock"):
        spec: Record = {key: function[key] for key in ("name", "description") if key in function}
        if "parameters" in function:
            spec["inputSchema"] = {"json": function["parameters"]}
        else:
            spec["inputSchema"] = {"json": {"type": "object", "properties": {}}}
            conversion.note("tools without parameters given an empty object schema (Bedrock requires one)")
        specs.append({"toolSpec": spec})
    return specs


# --- Bedrock to OpenAI ------------------------------------------------------------------------


def to_openai(record: Record, conversion: Conversion) -> Record:
    for key in record:
        if key not in ("schemaVersion", "system", "messages", "toolConfig"):
            raise Unconvertible(f"`{key}` has no equivalent in OpenAI's chat format", key)
    messages: list[Record] = []
    if "system" in record:
        system = record["system"]
        if not isinstance(system, list) or not system or not all(isinstance(b, dict) and set(b) == {"text"} for b in system):
            raise Unconvertible("`system` must be a list of text blocks", "system")
        messages.append({"role": "system", "content": text_content([b["text"] for b in system])})
    turns = record.get("messages")
    if not isinstance(turns, list):
        raise Unconvertible("`messages` must be a list", "messages")
    for index, turn in enumerate(turns):
        where = f"messages[{index}]"
        blocks = turn.get("content") if isinstance(turn, dict) else None
        if not isinstance(blocks, list):
            raise Unconvertible("a turn needs a list of content blocks", where)
        if turn.get("role") == "assistant":
            messages.append(_assistant(blocks, where))
        elif turn.get("role") == "user":
            messages += _user(blocks, where)
        else:
            raise Unconvertible("expected a user or assistant turn", f"{where}.role")
    out: Record = {"messages": messages}
    if "toolConfig" in record:
        config = record["toolConfig"]
        if not isinstance(config, dict) or set(config) != {"tools"} or not isinstance(config["tools"], list):
            raise Unconvertible("toolConfig must hold `tools` only (toolChoice has no place in a fine-tuning example)", "toolConfig")
        out["tools"] = [_function(tool, f"toolConfig.tools[{i}]") for i, tool in enumerate(config["tools"])]
    return out


def _assistant(blocks: list[Any], path: str) -> Record:
    return assistant_message(blocks, f"{path}.content", _tool_use)


def _tool_use(block: dict[str, Any], where: str) -> tuple[str, str, Any] | None:
    use = block.get("toolUse") if set(block) == {"toolUse"} else None
    if not isinstance(use, dict):
        return None
    if not isinstance(use.get("toolUseId"), str) or not isinstance(use.get("name"), str) or not isinstance(use.get("input"), dict):
        raise Unconvertible("a toolUse needs toolUseId, name and an object input", where)
    return use["toolUseId"], use["name"], use["input"]


def _user(blocks: list[Any], path: str) -> list[Record]:
    messages: list[Record] = []
    content: list[Record] = []
    for number, block in enumerate(blocks):
        where = f"{path}.content[{number}]"
        if isinstance(block, dict) and set(block) == {"toolResult"} and isinstance(block["toolResult"], dict):
            if content:
                raise Unconvertible("a tool result after text cannot keep its place in OpenAI's format", where)
            result = block["toolResult"]
            parts = result.get("content")
            if set(result) != {"toolUseId", "content"} or not isinstance(parts, list) or not parts:
                raise Unconvertible("a toolResult needs toolUseId and content (a status has no equivalent)", where)
            if all(isinstance(p, dict) and set(p) == {"text"} for p in parts):
                text = text_content([p["text"] for p in parts])
            elif len(parts) == 1 and isinstance(parts[0], dict) and set(parts[0]) == {"json"}:
                text = arguments_text(parts[0]["json"])
            else:
                raise Unconvertible("a tool result of several JSON blocks has no equivalent", where)
            messages.append({"role": "tool", "tool_call_id": result["toolUseId"], "content": text})
        elif isinstance(block, dict) and set(block) == {"text"} and isinstance(block["text"], str):
            content.append({"type": "text", "text": block["text"]})
        elif isinstance(block, dict) and set(block) == {"image"} and isinstance(block["image"], dict):
            uri = (block["image"].get("source") or {}).get("s3Location", {}).get("uri")
            if not isinstance(uri, str) or set(block["image"]["source"]["s3Location"]) != {"uri"}:
                raise Unconvertible("an image needs an S3 uri (a bucketOwner has no equivalent)", where)
            content.append({"type": "image_url", "image_url": {"url": uri}})
        else:
            raise Unconvertible("a user block OpenAI's format cannot hold (text, images from S3, tool results)", where)
    if content:
        only_text = len(content) == 1 and content[0]["type"] == "text"
        messages.append({"role": "user", "content": content[0]["text"] if only_text else content})
    return messages


def _function(tool: Any, path: str) -> Record:
    spec = tool.get("toolSpec") if isinstance(tool, dict) and set(tool) == {"toolSpec"} else None
    if not isinstance(spec, dict):
        raise Unconvertible("a tool must be {toolSpec: {...}}", path)
    function: Record = {}
    for key, value in spec.items():
        if key in ("name", "description"):
            function[key] = value
        elif key == "inputSchema" and isinstance(value, dict) and set(value) == {"json"}:
            function["parameters"] = value["json"]
        else:
            raise Unconvertible(f"`{key}` has no equivalent in OpenAI's function definitions", f"{path}.toolSpec.{key}")
    return {"type": "function", "function": function}


# --- Claude 3 Haiku on Bedrock ----------------------------------------------------------------


def claude_from_openai(record: Record, conversion: Conversion) -> Record:
    top_level(record, {"messages"}, conversion, "Bedrock's Claude format (system and text messages only)")
    messages = messages_of(record)
    system, _ = split_system(messages)
    out: Record = {}
    start = 0
    if system is not None:
        check_keys(system, {"role", "content"}, conversion, "messages[0]")
        if not isinstance(system.get("content"), str):
            raise Unconvertible("the system prompt must be a string", "messages[0].content")
        out["system"] = system["content"]
        start = 1
    turns = []
    for index in range(start, len(messages)):
        message, where = messages[index], f"messages[{index}]"
        if message.get("role") not in ("user", "assistant"):
            raise Unconvertible(f"role {message.get('role')!r} has no equivalent in Bedrock's Claude format", f"{where}.role")
        check_keys(message, {"role", "content"}, conversion, where)
        if not isinstance(message.get("content"), str):
            raise Unconvertible("Bedrock's Claude format takes text content only", f"{where}.content")
        turns.append({"role": message["role"], "content": message["content"]})
    out["messages"] = turns
    return out


def claude_to_openai(record: Record, conversion: Conversion) -> Record:
    for key in record:
        if key not in ("system", "messages"):
            raise Unconvertible(f"`{key}` has no equivalent in OpenAI's chat format", key)
    messages: list[Record] = []
    if "system" in record:
        messages.append({"role": "system", "content": record["system"]})
    messages += [dict(m) for m in messages_of(record)]
    return {"messages": messages}


def refusal(record: Record) -> str | None:
    """Bedrock (Nova and Claude) needs user-first, alternating turns that end with the assistant,
    and Claude at least two messages."""
    if "schemaVersion" not in record and len(record["messages"]) < 2:
        return "Bedrock's Claude format needs at least two messages"
    return turn_order([m["role"] for m in record["messages"]], "assistant", last="assistant")


PLAIN = PlainShape(
    head=b'{"schemaVersion":"' + SCHEMA_VERSION.encode() + b'",',
    system=(b'"system":[{"text":', b"}],"),
    turns=b'"messages":[',
    user=b'{"role":"user","content":[{"text":',
    model=b'{"role":"assistant","content":[{"text":',
    turn_end=b"}]}",
)

TARGET = Target(
    name="bedrock",
    title="Amazon Bedrock (Nova, bedrock-conversation-2024)",
    data_formats=("bedrock-nova",),
    from_openai=from_openai,
    to_openai=to_openai,
    refusal=refusal,
    plain=functools.partial(plain_record, shape=PLAIN),
)
CLAUDE_TARGET = Target(
    name="bedrock-claude",
    title="Amazon Bedrock (Claude 3 Haiku)",
    data_formats=("bedrock-claude",),
    from_openai=claude_from_openai,
    to_openai=claude_to_openai,
    refusal=refusal,
)
