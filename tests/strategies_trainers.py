"""Hypothesis strategies for the Gemini and Bedrock formats, and OpenAI conversations that each
target can hold (for round trips)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

TEXT = st.text(max_size=12)
NAME = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,20}", fullmatch=True)
ARGS = st.dictionaries(st.text(max_size=5), st.one_of(st.integers(-5, 5), TEXT, st.booleans(), st.none()), max_size=3)

# --- records valid under the schemas ----------------------------------------------------------
G_TEXT = st.fixed_dictionaries({"text": TEXT})
G_PART = st.one_of(
    G_TEXT,
    st.fixed_dictionaries({"fileData": st.fixed_dictionaries({"mimeType": st.just("image/png"), "fileUri": st.just("gs://b/a.png")})}),
    st.fixed_dictionaries({"functionCall": st.fixed_dictionaries({"name": NAME}, optional={"args": ARGS})}),
    st.fixed_dictionaries({"functionResponse": st.fixed_dictionaries({"name": NAME, "response": ARGS})}),
)
G_CONTENT = st.fixed_dictionaries({"role": st.sampled_from(["user", "model"]), "parts": st.lists(G_PART, min_size=1, max_size=3)})
G_SYSTEM = st.fixed_dictionaries({"parts": st.lists(G_TEXT, min_size=1, max_size=2)}, optional={"role": st.just("system")})
G_DECLARATION = st.fixed_dictionaries(
    {"name": NAME}, optional={"description": TEXT, "parameters": st.just({"type": "OBJECT", "properties": {}})}
)
GEMINI = st.fixed_dictionaries(
    {"contents": st.lists(G_CONTENT, min_size=1, max_size=4)},
    optional={
        "systemInstruction": G_SYSTEM,
        "tools": st.lists(
            st.fixed_dictionaries({"functionDeclarations": st.lists(G_DECLARATION, min_size=1, max_size=2)}), min_size=1, max_size=1
        ),
    },
)
G_TEXT_CONTENT = st.fixed_dictionaries({"role": st.sampled_from(["user", "model"]), "parts": st.lists(G_TEXT, min_size=1, max_size=2)})
G_COMPLETION = st.fixed_dictionaries({"role": st.just("model"), "parts": st.lists(G_TEXT, min_size=1, max_size=2)})
GEMINI_PREFERENCE = st.fixed_dictionaries(
    {
        "contents": st.lists(G_TEXT_CONTENT, min_size=1, max_size=3),
        "completions": st.tuples(G_COMPLETION, G_COMPLETION).map(
            lambda pair: [{"score": 1, "completion": pair[0]}, {"score": 0, "completion": pair[1]}]
        ),
    },
    optional={"system_instruction": G_SYSTEM},
)
B_TEXT = st.fixed_dictionaries({"text": TEXT})
B_BLOCK = st.one_of(
    B_TEXT,
    st.fixed_dictionaries(
        {"image": st.fixed_dictionaries({"format": st.just("png"), "source": st.just({"s3Location": {"uri": "s3://b/a.png"}})})}
    ),
    st.fixed_dictionaries({"toolUse": st.fixed_dictionaries({"toolUseId": st.text(min_size=1, max_size=5), "name": NAME, "input": ARGS})}),
    st.fixed_dictionaries(
        {
            "toolResult": st.fixed_dictionaries(
                {"toolUseId": st.text(min_size=1, max_size=5), "content": st.lists(B_TEXT, min_size=1, max_size=2)}
            )
        }
    ),
)
B_MESSAGE = st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant"]), "content": st.lists(B_BLOCK, min_size=1, max_size=3)})
B_TOOL = st.fixed_dictionaries(
    {
        "toolSpec": st.fixed_dictionaries(
            {"name": NAME, "inputSchema": st.just({"json": {"type": "object"}})}, optional={"description": TEXT}
        )
    }
)
BEDROCK_NOVA = st.fixed_dictionaries(
    {"schemaVersion": st.just("bedrock-conversation-2024"), "messages": st.lists(B_MESSAGE, min_size=1, max_size=4)},
    optional={
        "system": st.lists(B_TEXT, max_size=2),
        "toolConfig": st.fixed_dictionaries({"tools": st.lists(B_TOOL, min_size=1, max_size=2)}),
    },
)
BEDROCK_CLAUDE = st.fixed_dictionaries(
    {
        "messages": st.lists(
            st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant"]), "content": TEXT}), min_size=2, max_size=4
        )
    },
    optional={"system": TEXT},
)
VALID_TRAINER_FORMATS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "gemini": GEMINI,
    "gemini-preference": GEMINI_PREFERENCE,
    "bedrock-nova": BEDROCK_NOVA,
    "bedrock-claude": BEDROCK_CLAUDE,
}

# --- OpenAI conversations a target can hold ---------------------------------------------------
SCHEMA = st.recursive(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["string", "integer", "number", "boolean"])}, optional={"description": TEXT, "nullable_": st.just(True)}
    ).map(lambda s: {**{k: v for k, v in s.items() if k != "nullable_"}, "type": [s["type"], "null"]} if "nullable_" in s else s),
    lambda inner: st.one_of(
        st.fixed_dictionaries({"type": st.just("array"), "items": inner}, optional={"minItems": st.integers(0, 3)}),
        st.fixed_dictionaries(
            {"type": st.just("object"), "properties": st.dictionaries(NAME, inner, max_size=3)}, optional={"required": st.just([])}
        ),
    ),
    max_leaves=6,
)
PARAMETERS = st.fixed_dictionaries({"type": st.just("object"), "properties": st.dictionaries(NAME, SCHEMA, max_size=3)})


@st.composite
def openai_chat(draw: st.DrawFn, *, images: str | None, tools: bool, text_parts: bool = True, system: bool = True) -> dict[str, Any]:
    """A valid OpenAI chat record: an optional system message, user turns, assistant replies,
    and (with ``tools``) calls answered by tool messages in order."""

    def content() -> Any:
        if text_parts and draw(st.booleans()):
            return [{"type": "text", "text": t} for t in draw(st.lists(TEXT, min_size=1, max_size=2))]
        return draw(TEXT)

    messages: list[dict[str, Any]] = []
    if system and draw(st.booleans()):
        messages.append({"role": "system", "content": content()})
    names = draw(st.lists(NAME, min_size=1, max_size=3, unique=True)) if tools else []
    call = 0
    for _ in range(draw(st.integers(1, 3))):
        user: Any = content()
        if images and draw(st.booleans()):
            url = {"https": "https://example.com/cat.png", "s3": "s3://bucket/cat.jpeg"}[images]
            user = [
                *(user if isinstance(user, list) else [{"type": "text", "text": user}]),
                {"type": "image_url", "image_url": {"url": url}},
            ]
        messages.append({"role": "user", "content": user})
        if names and draw(st.booleans()):
            calls = []
            for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=2)):
                call += 1
                calls.append({"id": f"id{call}", "type": "function", "function": {"name": name, "arguments": json.dumps(draw(ARGS))}})
            assistant: dict[str, Any] = {"role": "assistant", "tool_calls": calls}
            if draw(st.booleans()):
                assistant = {"role": "assistant", "content": content(), "tool_calls": calls}
            messages.append(assistant)
            messages += [{"role": "tool", "tool_call_id": c["id"], "content": draw(TEXT)} for c in calls]
        messages.append({"role": "assistant", "content": content()})
    record: dict[str, Any] = {"messages": messages}
    if names:
        record["tools"] = [
            {"type": "function", "function": {"name": n, "description": draw(TEXT), "parameters": draw(PARAMETERS)}} for n in names
        ]
    return record


def normalised(record: dict[str, Any], *, keep_ids: bool) -> dict[str, Any]:
    """The record with tool-call arguments parsed and (unless ``keep_ids``) call ids renumbered in
    order of appearance: what a target without call ids or argument strings can keep."""
    ids: dict[str, str] = {}
    out = json.loads(json.dumps(record))
    for message in out.get("messages", []):
        for call in message.get("tool_calls") or []:
            call["function"]["arguments"] = json.loads(call["function"]["arguments"])
            if not keep_ids:
                call["id"] = ids.setdefault(call["id"], f"#{len(ids)}")
        if message.get("role") == "tool" and not keep_ids:
            message["tool_call_id"] = ids[message["tool_call_id"]]
    return out
