"""Vertex AI Gemini: ``contents`` of user and model turns, ``systemInstruction``, function
declarations; preference records with scored ``completions``.

From OpenAI's shape: the first system message becomes the system instruction; tool calls become
``functionCall`` parts with their arguments as objects; the tool messages that answer them (and a
user message right after them) become one user turn of ``functionResponse`` parts, since Gemini
turns alternate; a tool result is stored as ``{"content": TEXT}``. Gemini has no call ids: going
back, calls get ``call_1``, ``call_2`` ... per example and each response answers the first open
call of its name. Images must be files by URI (gs:// or https) with a media type: a ``data:``
URL is a reject (upload the image first).
"""

from __future__ import annotations

import functools
from typing import Any

from jsonl_lint.convert.targets import Conversion, Record, Target, Unconvertible, openapi
from jsonl_lint.convert.targets.common import (
    Shapes,
    arguments_text,
    assistant_message,
    call_ids,
    check_keys,
    functions,
    image_mime_type,
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


def from_openai(record: Record, conversion: Conversion) -> Record:
    if "input" in record:
        return _preference_from_openai(record, conversion)
    out: Record = {}
    plain = plain_turns(record, conversion, SHAPES)
    if plain is not None:
        text, contents = plain
        system = None if text is None else {"parts": [{"text": text}]}
    else:
        top_level(record, {"messages", "tools"}, conversion, "Gemini's format")
        system, contents = _contents(messages_of(record), conversion, "messages")
    if system is not None:
        out["systemInstruction"] = system
    out["contents"] = contents
    if "tools" in record:
        out["tools"] = [{"functionDeclarations": _declarations(record["tools"], conversion)}]
    return out


def _contents(messages: list[dict[str, Any]], conversion: Conversion, path: str) -> tuple[Record | None, list[Record]]:
    system, _ = split_system(messages, path)
    instruction = None
    if system is not None:
        check_keys(system, {"role", "content"}, conversion, f"{path}[0]")
        instruction = {"parts": [{"text": t} for t in texts(system.get("content"), f"{path}[0].content")]}
    return instruction, turns(messages, 1 if system is not None else 0, conversion, SHAPES, path)


def _file_data(image: dict[str, Any], conversion: Conversion, path: str) -> Record:
    url = image.get("url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://", "gs://")):
        raise Unconvertible("Gemini tuning reads images by URI (gs:// or https): upload a data: URL image first", path)
    mime_type = image_mime_type(url)
    if mime_type is None:
        raise Unconvertible("Gemini needs the image's media type, and the URL's extension names none", path)
    return {"fileData": {"mimeType": mime_type, "fileUri": url}}


SHAPES = Shapes(
    title="Gemini's format",
    model_role="model",
    parts_key="parts",
    image=_file_data,
    call=lambda call_id, name, args: {"functionCall": {"name": name, "args": args}},
    result=lambda call_id, name, text: {"functionResponse": {"name": name, "response": {"content": text}}},
)


def _declarations(tools: Any, conversion: Conversion) -> list[Record]:
    declarations = []
    for where, function in functions(tools, conversion, "Gemini"):
        declaration: Record = {key: function[key] for key in ("name", "description") if key in function}
        if "parameters" in function:
            declaration["parameters"] = openapi.to_gemini(function["parameters"], conversion, f"{where}.function.parameters")
        declarations.append(declaration)
    return declarations


def _preference_from_openai(record: Record, conversion: Conversion) -> Record:
    for key in record:
        if key not in ("input", "preferred_output", "non_preferred_output"):
            raise Unconvertible(f"`{key}` has no equivalent in Gemini's preference format", key)
    source = record.get("input")
    if not isinstance(source, dict) or set(source) - {"messages"}:
        raise Unconvertible("Gemini preference tuning takes text conversations only (no tools)", "input")
    system, contents = _contents(messages_of(source), conversion, "input.messages")
    if any("text" not in part for content in contents for part in content["parts"]):
        raise Unconvertible("Gemini preference tuning takes text only (no images or function calls)", "input.messages")
    out: Record = {"contents": contents}
    if system is not None:
        out["systemInstruction"] = system
    out["completions"] = [
        _completion(record, "preferred_output", 1, conversion),
        _completion(record, "non_preferred_output", 0, conversion),
    ]
    return out


def _completion(record: Record, key: str, score: int, conversion: Conversion) -> Record:
    output = record.get(key)
    if not isinstance(output, list) or len(output) != 1 or not isinstance(output[0], dict) or output[0].get("role") != "assistant":
        raise Unconvertible("a preference output must be one assistant message", key)
    message = output[0]
    check_keys(message, {"role", "content"}, conversion, f"{key}[0]")
    parts = [{"text": t} for t in texts(message.get("content"), f"{key}[0].content")]
    return {"score": score, "completion": {"role": "model", "parts": parts}}


# --- Gemini to OpenAI -------------------------------------------------------------------------


def to_openai(record: Record, conversion: Conversion) -> Record:
    if "completions" in record:
        return _preference_to_openai(record, conversion)
    out: Record = {"messages": _messages(record, conversion)}
    if "tools" in record:
        out["tools"] = [
            {"type": "function", "function": _function(declaration, f"tools[{i}].functionDeclarations[{j}]")}
            for i, tool in enumerate(_list(record["tools"], "tools"))
            for j, declaration in enumerate(
                _list(tool.get("functionDeclarations") if isinstance(tool, dict) else None, f"tools[{i}].functionDeclarations")
            )
        ]
    for key in record:
        if key not in ("contents", "systemInstruction", "system_instruction", "tools"):
            raise Unconvertible(f"`{key}` has no equivalent in OpenAI's chat format", key)
    return out


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise Unconvertible("expected a list", path)
    return value


def _messages(record: Record, conversion: Conversion) -> list[Record]:
    messages: list[Record] = []
    key = "systemInstruction" if "systemInstruction" in record else "system_instruction"
    if key in record:
        instruction = record[key]
        parts = _list(instruction.get("parts") if isinstance(instruction, dict) else None, f"{key}.parts")
        messages.append({"role": "system", "content": text_content(_texts(parts, f"{key}.parts"))})
    counter = [0]
    open_calls: list[tuple[str, str]] = []  # (name, id) of the last model turn's calls not yet answered
    for index, content in enumerate(_list(record.get("contents"), "contents")):
        where = f"contents[{index}]"
        role = content.get("role") if isinstance(content, dict) else None
        parts = _list(content.get("parts") if isinstance(content, dict) else None, f"{where}.parts")
        if role == "model":
            messages.append(_assistant(parts, where, counter, open_calls))
        elif role == "user":
            messages += _user(parts, where, open_calls)
        else:
            raise Unconvertible(f"role {role!r}: expected user or model", f"{where}.role")
    return messages


def _texts(parts: list[Any], path: str) -> list[str]:
    if not parts or not all(isinstance(p, dict) and set(p) == {"text"} and isinstance(p["text"], str) for p in parts):
        raise Unconvertible("expected text parts", path)
    return [p["text"] for p in parts]


def _assistant(parts: list[Any], path: str, counter: list[int], open_calls: list[tuple[str, str]]) -> Record:
    open_calls.clear()

    def function_call(part: dict[str, Any], where: str) -> tuple[str, str, Any] | None:
        call = part.get("functionCall") if set(part) == {"functionCall"} else None
        if not isinstance(call, dict):
            return None
        if not isinstance(call.get("name"), str) or not isinstance(call.get("args", {}), dict):
            raise Unconvertible("a function call needs a name and object args", where)
        call_id = call_ids(counter)  # Gemini has no call ids: call_1, call_2 ... per example
        open_calls.append((call["name"], call_id))
        return call_id, call["name"], call.get("args", {})

    return assistant_message(parts, f"{path}.parts", function_call)


def _user(parts: list[Any], path: str, open_calls: list[tuple[str, str]]) -> list[Record]:
    messages: list[Record] = []
    content: list[Record] = []
    for number, part in enumerate(parts):
        where = f"{path}.parts[{number}]"
        if isinstance(part, dict) and set(part) == {"functionResponse"} and isinstance(part["functionResponse"], dict):
            if content:
                raise Unconvertible("a function response after text cannot keep its place in OpenAI's format", where)
            messages.append(_tool_message(part["functionResponse"], where, open_calls))
        elif isinstance(part, dict) and set(part) == {"text"} and isinstance(part["text"], str):
            content.append({"type": "text", "text": part["text"]})
        elif isinstance(part, dict) and set(part) == {"fileData"} and isinstance(part["fileData"], dict):
            uri, mime_type = part["fileData"].get("fileUri"), part["fileData"].get("mimeType")
            if not isinstance(uri, str) or not uri.startswith(("https://", "http://")) or not str(mime_type).startswith("image/"):
                raise Unconvertible("OpenAI reads images by http(s) URL only (no gs:// files, no other media)", where)
            content.append({"type": "image_url", "image_url": {"url": uri}})
        else:
            raise Unconvertible("a user part OpenAI's format cannot hold", where)
    if content:
        only_text = len(content) == 1 and content[0]["type"] == "text"
        messages.append({"role": "user", "content": content[0]["text"] if only_text else content})
    return messages


def _tool_message(response: Record, path: str, open_calls: list[tuple[str, str]]) -> Record:
    name = response.get("name")
    position = next((i for i, (call_name, _) in enumerate(open_calls) if call_name == name), None)
    if position is None:
        raise Unconvertible(f"a function response for {name!r} answers no open function call of the turn before", path)
    _, call_id = open_calls.pop(position)
    result = response.get("response")
    if not isinstance(result, dict):
        raise Unconvertible("a function response's `response` must be an object", path)
    content = result["content"] if set(result) == {"content"} and isinstance(result["content"], str) else arguments_text(result)
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def _function(declaration: Any, path: str) -> Record:
    if not isinstance(declaration, dict):
        raise Unconvertible("a function declaration must be an object", path)
    function: Record = {}
    for key, value in declaration.items():
        if key in ("name", "description"):
            function[key] = value
        elif key == "parameters":
            function[key] = openapi.from_gemini(value, f"{path}.parameters")
        else:
            raise Unconvertible(f"`{key}` has no equivalent in OpenAI's function definitions", f"{path}.{key}")
    return function


def _preference_to_openai(record: Record, conversion: Conversion) -> Record:
    for key in record:
        if key not in ("contents", "systemInstruction", "system_instruction", "completions"):
            raise Unconvertible(f"`{key}` has no equivalent in OpenAI's preference format", key)
    completions = _list(record.get("completions"), "completions")
    by_score = {c.get("score"): c.get("completion") for c in completions if isinstance(c, dict)}
    if len(completions) != 2 or set(by_score) != {0, 1}:
        raise Unconvertible("expected two completions, scored 1 and 0", "completions")
    outputs = {}
    for score, key in ((1, "preferred_output"), (0, "non_preferred_output")):
        completion = by_score[score]
        parts = _list(completion.get("parts") if isinstance(completion, dict) else None, f"completions[{score}].completion.parts")
        outputs[key] = [{"role": "assistant", "content": text_content(_texts(parts, "completions"))}]
    return {"input": {"messages": _messages({k: v for k, v in record.items() if k != "completions"}, conversion)}, **outputs}


def refusal(record: Record) -> str | None:
    roles = [content["role"] for content in record["contents"]]
    return turn_order(roles, "model", last="user" if "completions" in record else "model")


PLAIN = PlainShape(
    head=b"{",
    system=(b'"systemInstruction":{"parts":[{"text":', b"}]},"),
    turns=b'"contents":[',
    user=b'{"role":"user","parts":[{"text":',
    model=b'{"role":"model","parts":[{"text":',
    turn_end=b"}]}",
)

TARGET = Target(
    name="gemini",
    title="Vertex AI Gemini",
    data_formats=("gemini", "gemini-preference"),
    from_openai=from_openai,
    to_openai=to_openai,
    refusal=refusal,
    plain=functools.partial(plain_record, shape=PLAIN),
)
