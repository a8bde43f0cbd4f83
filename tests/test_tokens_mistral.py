"""Mistral counts: exactly mistral-common's own encoding of the same request, offline."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import corpus_file
from jsonl_lint.cli import main
from jsonl_lint.tokens import TokenizerUnavailable, mistral

pytest.importorskip("mistral_common", reason="the mistral extra (mistral-common) is not installed")
NAMES = ["v3", "v7", "tekken"]


@functools.cache
def reference_tokenizer(name: str) -> Any:
    from mistral_common.protocol.instruct.validator import ValidationMode
    from mistral_common.tokens.tokenizers.mistral import MistralTokenizer

    return MistralTokenizer.from_file(str(MistralTokenizer._data_path() / mistral.FILES[name]), mode=ValidationMode.finetuning)


def reference_count(name: str, value: dict[str, Any]) -> int:
    from mistral_common.protocol.instruct.request import ChatCompletionRequest

    tokenizer = reference_tokenizer(name)
    messages = [{k: v for k, v in m.items() if k != "weight"} for m in value["messages"]]
    return len(tokenizer.encode_chat_completion(ChatCompletionRequest(messages=messages, tools=value.get("tools"))).tokens)


@pytest.mark.parametrize("name", NAMES)
def test_the_corpus_mistral_file_counts_as_mistral_common_encodes_it(name: str) -> None:
    path = corpus_file("mistralai__mistral-finetune/test_data.jsonl")
    counter = mistral.MistralCounter(name, "chat")
    for line in path.read_text().splitlines():
        value = json.loads(line)
        count = counter.example(value)
        assert count.total == reference_count(name, value)
        assert count.trained == count.roles["assistant"] and sum(count.roles.values()) + 1 == count.total  # + BOS


IDS = st.text(st.sampled_from("abcXYZ0189"), min_size=9, max_size=9)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather of a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


@st.composite
def examples(draw: st.DrawFn) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    if draw(st.booleans()):
        messages.append({"role": "system", "content": draw(TEXT)})
    for _ in range(draw(st.integers(1, 3))):
        messages.append({"role": "user", "content": draw(TEXT)})
        if draw(st.booleans()):
            call_id = draw(IDS)
            arguments = json.dumps({"city": draw(TEXT)})
            messages.append(
                {
                    "role": "assistant",
                    "tool_calls": [{"id": call_id, "type": "function", "function": {"name": "get_weather", "arguments": arguments}}],
                    "weight": draw(st.sampled_from([0, 1])),
                }
            )
            messages.append({"role": "tool", "tool_call_id": call_id, "name": "get_weather", "content": draw(TEXT)})
        messages.append({"role": "assistant", "content": draw(TEXT), "weight": draw(st.sampled_from([0, 1]))})
    return {"messages": messages, **({"tools": [TOOL]} if draw(st.booleans()) else {})}


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=examples())
def test_generated_conversations_with_tool_calls_count_as_mistral_common_encodes_them(name: str, value: dict[str, Any]) -> None:
    counter = mistral.MistralCounter(name, "chat")
    count = counter.example(value)
    assert count.total == reference_count(name, value)
    assert counter._at_least(value["messages"]) <= count.total  # the shortcut for huge examples is a lower bound
    assert sum(count.roles.values()) + 1 == count.total  # every token but BOS belongs to one message
    weighted = [m for m in value["messages"] if m["role"] == "assistant" and m["weight"] == 1]
    assert (count.trained > 0) == bool(weighted) and count.trained <= count.roles["assistant"]


def test_unknown_tokenizer_and_missing_extra_are_usage_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TokenizerUnavailable, match="unknown Mistral tokenizer 'v9'; known: v1, v2, v3, v7, tekken"):
        mistral.tokenizer("v9")
    monkeypatch.setitem(sys.modules, "mistral_common.tokens.tokenizers.mistral", None)
    with pytest.raises(TokenizerUnavailable, match=r"needs mistral-common: pip install 'jsonl-lint\[mistral\]'"):
        mistral.tokenizer.__wrapped__("v3")


def test_the_mistral_profile_names_each_models_tokenizer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.jsonl"
    value = {"messages": [{"role": "user", "content": "What is Python?"}, {"role": "assistant", "content": "A language."}]}
    data.write_text(json.dumps(value) + "\n")
    assert main(["stats", "--format", "json", "--profile", "mistral", "--model", "open-mistral-nemo-2407", str(data)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["encoding"] == "mistral tekken" and report["tokens_total"] == reference_count("tekken", value)
    assert report["token_counting"] == "exact"


@pytest.mark.parametrize("name", ["v3", "tekken"])
def test_a_huge_example_is_over_the_limit_without_being_tokenized(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = mistral.MistralCounter(name, "chat")
    value = {"messages": [{"role": "user", "content": "  word" * 100_000 + "   "}, {"role": "assistant", "content": "ok " * 1_000}]}
    exact = counter.example(value).total
    assert counter._at_least(value["messages"]) <= exact

    def refuse(*_: object) -> None:
        raise AssertionError("tokenized")

    monkeypatch.setattr(mistral, "request_of", refuse)
    stopped = counter.example(value, budget=1_000)
    assert not stopped.complete and 1_000 < stopped.total <= exact
