"""The Gemini and Bedrock formats under their profiles: turn order, tool calls and their answers,
declared tools and argument schemas, Nova's reserved keywords and schema version."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import found

USER_G = {"role": "user", "parts": [{"text": "Stock?"}]}
MODEL_G = {"role": "model", "parts": [{"text": "Yes."}]}
CALL_G = {"role": "model", "parts": [{"functionCall": {"name": "sku", "args": {"n": "p8"}}}]}
ANSWER_G = {"role": "user", "parts": [{"functionResponse": {"name": "sku", "response": {"stock": 3}}}]}
TOOLS_G = [{"functionDeclarations": [{"name": "sku", "parameters": {"type": "OBJECT", "properties": {"n": {"type": "STRING"}}}}]}]


def gemini(*contents: dict[str, Any], **extra: Any) -> str:
    return json.dumps({"contents": list(contents), **extra})


def nova(*messages: dict[str, Any], **extra: Any) -> str:
    return json.dumps({"schemaVersion": "bedrock-conversation-2024", "messages": list(messages), **extra})


def turn(role: str, *blocks: dict[str, Any]) -> dict[str, Any]:
    return {"role": role, "content": list(blocks)}


USE = {"toolUse": {"toolUseId": "t1", "name": "sku", "input": {"n": "p8"}}}
RESULT = {"toolResult": {"toolUseId": "t1", "content": [{"text": "3"}]}}
TOOLS_B = {"tools": [{"toolSpec": {"name": "sku", "inputSchema": {"json": {"type": "object", "properties": {"n": {"type": "string"}}}}}}]}

# (name, profile, line, expected (column, code) of every record problem)
CASES: list[tuple[str, str, str, list[tuple[int | None, str]]]] = [
    ("gemini with a call answered", "vertex-gemini", gemini(USER_G, CALL_G, ANSWER_G, MODEL_G, tools=TOOLS_G), []),
    ("gemini ending with a call", "vertex-gemini", gemini(USER_G, CALL_G, tools=TOOLS_G), []),
    ("gemini starting with the model", "vertex-gemini", gemini(MODEL_G, USER_G, MODEL_G), [(24, "JL250")]),
    ("gemini ending with the user", "vertex-gemini", gemini(USER_G, MODEL_G, USER_G), [(121, "JL251")]),
    ("gemini two user turns", "vertex-gemini", gemini(USER_G, USER_G, MODEL_G), [(73, "JL252")]),
    ("gemini call not answered", "vertex-gemini", gemini(USER_G, CALL_G, USER_G, MODEL_G, tools=TOOLS_G), [(109, "JL301")]),
    ("gemini response without call", "vertex-gemini", gemini(USER_G, MODEL_G, ANSWER_G, MODEL_G), [(169, "JL302")]),
    (
        "gemini undeclared function",
        "vertex-gemini",
        gemini(USER_G, CALL_G, ANSWER_G, MODEL_G, tools=[{"functionDeclarations": [{"name": "other"}]}]),
        [(118, "JL305")],
    ),
    (
        "gemini arguments against an OpenAPI schema",
        "vertex-gemini",
        gemini(USER_G, {"role": "model", "parts": [{"functionCall": {"name": "sku", "args": {"n": 8}}}]}, tools=TOOLS_G),
        [(133, "JL306")],
    ),
    (
        "gemini preference ends with user",
        "vertex-gemini",
        json.dumps({"contents": [USER_G], "completions": [{"score": 1, "completion": MODEL_G}, {"score": 0, "completion": MODEL_G}]}),
        [],
    ),
    (
        "gemini preference ends with the model",
        "vertex-gemini",
        json.dumps(
            {"contents": [USER_G, MODEL_G], "completions": [{"score": 1, "completion": MODEL_G}, {"score": 0, "completion": MODEL_G}]}
        ),
        [(73, "JL251")],
    ),
    (
        "nova with a tool use answered",
        "bedrock-nova",
        nova(
            turn("user", {"text": "Stock?"}),
            turn("assistant", USE),
            turn("user", RESULT),
            turn("assistant", {"text": "3."}),
            toolConfig=TOOLS_B,
        ),
        [],
    ),
    (
        "nova tool use not answered",
        "bedrock-nova",
        nova(
            turn("user", {"text": "Stock?"}),
            turn("assistant", USE),
            turn("user", {"text": "?"}),
            turn("assistant", {"text": "3."}),
            toolConfig=TOOLS_B,
        ),
        [(158, "JL301")],
    ),
    (
        "nova result without use",
        "bedrock-nova",
        nova(turn("user", {"text": "Stock?"}), turn("assistant", {"text": "?"}), turn("user", RESULT), turn("assistant", {"text": "3."})),
        [(221, "JL302")],
    ),
    (
        "nova reserved keyword in the system prompt",
        "bedrock-nova",
        nova(turn("user", {"text": "hi"}), turn("assistant", {"text": "Hello"}), system=[{"text": "You are the Bot: be kind"}]),
        [(184, "JL405")],
    ),
    (
        "nova reserved keyword in an answer is fine",
        "bedrock-nova",
        nova(turn("user", {"text": "hi"}), turn("assistant", {"text": "Assistant: hello"})),
        [],
    ),
    (
        "nova misspelt schema version",
        "bedrock-nova",
        json.dumps(
            {"schemaVersion": "bedrock-conversion-2024", "messages": [turn("user", {"text": "hi"}), turn("assistant", {"text": "yo"})]}
        ),
        [(19, "JL105")],
    ),
    (
        "nova starting with the assistant",
        "bedrock-nova",
        nova(turn("assistant", {"text": "hi"}), turn("user", {"text": "yo"}), turn("assistant", {"text": "ok"})),
        [(70, "JL250")],
    ),
    (
        "claude alternating",
        "bedrock-claude",
        json.dumps({"system": "Be brief.", "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}),
        [],
    ),
    (
        "claude with an extra key",
        "bedrock-claude",
        json.dumps({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], "id": 3}),
        [(94, "JL101")],
    ),
]


@pytest.mark.parametrize(("name", "profile", "line", "expected"), CASES, ids=[c[0] for c in CASES])
def test_trainer_format_rules(name: str, profile: str, line: str, expected: list[tuple[int | None, str]]) -> None:
    problems = found(line + "\n", profile=profile, ignore=("JL7",))
    assert [(column, code) for _, column, code in problems] == expected


def test_a_gemini_file_for_an_openai_model_says_what_it_is() -> None:
    problems = found(gemini(USER_G, MODEL_G) + "\n", ignore=("JL7",))
    assert [code for _, _, code in problems] == ["JL103"]


def test_a_chat_file_is_read_as_bedrock_claude_for_claude() -> None:
    line = json.dumps(
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Hey"}]}
    )
    assert [code for _, _, code in found(line + "\n", profile="bedrock-claude", ignore=("JL7",))] == ["JL252"]


def test_images_per_example_count_against_the_profile() -> None:
    image = {"image": {"format": "png", "source": {"s3Location": {"uri": "s3://b/a.png"}}}}
    line = nova(turn("user", *([image] * 11), {"text": "What is this?"}), turn("assistant", {"text": "Cats."}))
    assert [(c, code) for _, c, code in found(line + "\n", profile="bedrock-nova", ignore=("JL7",))] == [
        (900, "JL401")
    ]  # the 11th image block
    ten = nova(turn("user", *([image] * 10)), turn("assistant", {"text": "Cats."}))
    assert found(ten + "\n", profile="bedrock-nova", ignore=("JL7",)) == []


def test_too_many_examples_for_the_target() -> None:
    line = json.dumps({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey"}]})
    text = "\n".join(line.replace("Hi", f"Hi {n}") for n in range(3)) + "\n"
    assert [code for _, _, code in found(text, profile="bedrock-claude", params={"JL708": {"max": 2}})] == ["JL708"]
    assert [code for _, _, code in found(text, profile="bedrock-claude")] == []


def test_file_too_large_for_the_target(tmp_path: Any) -> None:
    from jsonl_lint import check_file

    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "x" * 300}, {"role": "assistant", "content": "y"}]}) + "\n")
    assert [p.code for p in check_file(path, select=("JL709",), params={"JL709": {"max_bytes": 200}}).problems] == ["JL709"]
    assert [p.code for p in check_file(path, select=("JL709",)).problems] == []  # 512 MB on OpenAI
