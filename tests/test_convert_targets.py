"""convert --to: OpenAI records to Gemini, Bedrock and TRL and back keep every field the target
can hold; what it cannot hold is a reject, never a silent change."""
from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategies_trainers import normalised, openai_chat
from jsonl_lint.convert.targets import Conversion, Unconvertible, targets

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _one_part_as_string(record: dict[str, Any]) -> dict[str, Any]:
    """A content of one text part and the plain string are the same text: targets keep one form."""
    out = copy.deepcopy(record)
    for message in out.get("messages", []):
        content = message.get("content")
        if isinstance(content, list) and len(content) == 1 and content[0].get("type") == "text":
            message["content"] = content[0]["text"]
    return out


def _round_trip(name: str, record: dict[str, Any]) -> dict[str, Any]:
    target = targets()[name]
    converted = target.from_openai(copy.deepcopy(record), Conversion())
    json.dumps(converted)  # plain JSON
    return target.to_openai(converted, Conversion())


@SETTINGS
@given(openai_chat(images="https", tools=True))
def test_openai_gemini_openai_keeps_every_representable_field(record: dict[str, Any]) -> None:
    back = _round_trip("gemini", record)
    assert normalised(back, keep_ids=False) == normalised(_one_part_as_string(record), keep_ids=False)


@SETTINGS
@given(openai_chat(images="s3", tools=True))
def test_openai_bedrock_openai_keeps_every_representable_field_and_call_ids(record: dict[str, Any]) -> None:
    back = _round_trip("bedrock", record)
    assert normalised(back, keep_ids=True) == normalised(_one_part_as_string(record), keep_ids=True)


@SETTINGS
@given(openai_chat(images=None, tools=True))
def test_openai_hf_openai_keeps_every_representable_field(record: dict[str, Any]) -> None:
    back = _round_trip("hf", record)
    assert normalised(back, keep_ids=False) == normalised(record, keep_ids=False)


@SETTINGS
@given(openai_chat(images=None, tools=False, text_parts=False))
def test_openai_bedrock_claude_openai_is_exact_for_text_conversations(record: dict[str, Any]) -> None:
    assert _round_trip("bedrock-claude", record) == record


@SETTINGS
@given(openai_chat(images=None, tools=False, system=False), st.sampled_from(["gemini", "hf"]))
def test_preference_round_trips(chat: dict[str, Any], name: str) -> None:
    messages = chat["messages"][:-1]
    record = {"input": {"messages": messages}, "preferred_output": [{"role": "assistant", "content": "good"}],
              "non_preferred_output": [{"role": "assistant", "content": "bad"}]}
    back = _round_trip(name, record)
    assert _one_part_as_string(back["input"]) == _one_part_as_string(record["input"])
    assert back["preferred_output"] == record["preferred_output"] and back["non_preferred_output"] == record["non_preferred_output"]


# One change a target cannot hold, applied to a record it can: (name, edit, targets that reject it)
UNREPRESENTABLE = [
    ("weight 0", lambda r: r["messages"][-1].update(weight=0), ["gemini", "bedrock", "bedrock-claude", "hf"]),
    ("a message name", lambda r: r["messages"][-1].update(name="bob"), ["gemini", "bedrock", "bedrock-claude", "hf"]),
    ("a refusal", lambda r: r["messages"][-1].update(refusal="no"), ["gemini", "bedrock", "bedrock-claude", "hf"]),
    ("a second system message", lambda r: r["messages"].insert(1, {"role": "system", "content": "x"}), ["gemini", "bedrock", "bedrock-claude"]),
    ("a data URL image", lambda r: r["messages"].insert(0, {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}),
     ["gemini", "bedrock", "bedrock-claude", "hf"]),
    ("an image detail", lambda r: r["messages"].insert(0, {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://e.com/a.png", "detail": "low"}}]}),
     ["gemini", "bedrock", "bedrock-claude", "hf"]),
    ("parallel_tool_calls false", lambda r: r.update(parallel_tool_calls=False), ["gemini", "bedrock", "bedrock-claude", "hf"]),
    ("an unknown key", lambda r: r.update(metadata={"a": 1}), ["gemini", "bedrock", "bedrock-claude", "hf"]),
]


@pytest.mark.parametrize(("what", "edit", "rejecting"), UNREPRESENTABLE, ids=[u[0] for u in UNREPRESENTABLE])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=openai_chat(images=None, tools=False, text_parts=False))
def test_what_a_target_cannot_hold_is_a_reject(what: str, edit: Any, rejecting: list[str], record: dict[str, Any]) -> None:
    edit(record)
    for name in rejecting:
        with pytest.raises(Unconvertible):
            targets()[name].from_openai(copy.deepcopy(record), Conversion())


def test_an_allowed_loss_is_counted() -> None:
    record = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "a", "weight": 0},
                           {"role": "user", "content": "more"}, {"role": "assistant", "content": "b"}]}
    conversion = Conversion(allowed_losses=frozenset({"weight"}))
    out = targets()["gemini"].from_openai(record, conversion)
    assert [c["role"] for c in out["contents"]] == ["user", "model", "user", "model"]
    assert list(conversion.counts.values()) == [1]


def test_gemini_record_from_the_documentation_round_trips_through_openai() -> None:
    # Shape of the example in Vertex AI's "Tune function calling" page.
    gemini = {
        "systemInstruction": {"parts": [{"text": "You help users find products."}]},
        "contents": [
            {"role": "user", "parts": [{"text": "Is the Pixel 8 Pro in stock?"}]},
            {"role": "model", "parts": [{"functionCall": {"name": "get_product_sku", "args": {"product_name": "Pixel 8 Pro"}}}]},
            {"role": "user", "parts": [{"functionResponse": {"name": "get_product_sku", "response": {"output": "in stock"}}}]},
            {"role": "model", "parts": [{"text": "Yes, it is."}]},
        ],
        "tools": [{"functionDeclarations": [{"name": "get_product_sku", "description": "Stock of a product",
                                             "parameters": {"type": "OBJECT", "properties": {"product_name": {"type": "STRING"}}}}]}],
    }
    target = targets()["gemini"]
    openai = target.to_openai(gemini, Conversion())
    assert openai["messages"][2]["tool_calls"][0] == {"id": "call_1", "type": "function", "function": {"name": "get_product_sku", "arguments": '{"product_name":"Pixel 8 Pro"}'}}
    assert openai["messages"][3] == {"role": "tool", "tool_call_id": "call_1", "content": '{"output":"in stock"}'}
    assert openai["tools"][0]["function"]["parameters"] == {"type": "object", "properties": {"product_name": {"type": "string"}}}
    again = target.from_openai(openai, Conversion())
    assert again["contents"][:2] == gemini["contents"][:2] and again["tools"] == gemini["tools"]
