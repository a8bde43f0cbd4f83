"""The JSON Schemas: valid against their metaschema, documented, and the two validators agree."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, problems
from jsonl_lint import check_record, formats
from strategies import VALID, any_record


@pytest.mark.parametrize("name", list(formats.FORMATS))
def test_schema_is_valid_draft7_with_id_title_description(name: str) -> None:
    schema = formats.load_schema(name)
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$id"].endswith("/" + formats.FORMATS[name].schema_file)
    assert schema["title"] and schema["description"]
    for key, definition in schema.get("definitions", {}).items():
        assert definition.get("description"), f"{name}: definitions/{key} has no description"


def test_every_schema_file_is_registered() -> None:
    on_disk = sorted(p.name for p in (ROOT / "schemas").glob("*.json"))
    assert on_disk == sorted(f.schema_file for f in formats.FORMATS.values())


@pytest.mark.parametrize("name", list(formats.FORMATS))
@settings(max_examples=1000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example], deadline=None)
@given(data=st.data())
def test_fast_validator_agrees_with_jsonschema(name: str, data: st.DataObject) -> None:
    instance = data.draw(any_record(name), label="instance")
    fast = formats.fast_validator(name).is_valid(instance)
    reference = formats.explaining_validator(name).is_valid(instance)
    assert fast == reference, json.dumps(instance)


@pytest.mark.parametrize("name", list(formats.FORMATS))
@settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_schema_valid_records_pass_the_schema_rule(name: str, data: st.DataObject) -> None:
    instance = data.draw(VALID[name])
    assert [p for p in check_record(instance, data_format=name, profile="structural") if p.code == "JL101"] == []


USER = {"role": "user", "content": "hi"}
ASSISTANT = {"role": "assistant", "content": "hello"}

# record -> (json path, column, message) of each schema problem
SCHEMA_CASES: list[tuple[str, dict[str, Any], list[tuple[str | None, int | None, str]]]] = [
    (
        "assistant content null",
        {"messages": [USER, {"role": "assistant", "content": None}]},
        [
            (
                "messages[1]",
                50,
                "messages[1] (assistant message): an assistant message needs `content` (a string) unless it has `tool_calls` or `function_call`",
            )
        ],
    ),
    (
        "weight on the example",
        {"messages": [USER, ASSISTANT], "weight": 1},
        [("weight", 94, 'unexpected key "weight" in the record: `weight` (0 or 1) belongs on an assistant message')],
    ),
    (
        "unknown role",
        {"messages": [USER, {"role": "bot", "content": "x"}]},
        [("messages[1].role", 59, 'messages[1].role is "bot"; expected "system", "user", "assistant", "tool" or "function"')],
    ),
    (
        "role is an object (found by hypothesis: crashed the role hint)",
        {"messages": [{"role": {"a": 1}, "content": "x"}, ASSISTANT]},
        [("messages[0].role", 24, 'messages[0].role is {"a": 1}; expected "system", "user", "assistant", "tool" or "function"')],
    ),
    (
        "boolean weight",
        {"messages": [USER, {**ASSISTANT, "weight": True}]},
        [("messages[1].weight", 102, "messages[1].weight (assistant message) must be an integer, found a boolean (true)")],
    ),
    (
        "weight 2",
        {"messages": [USER, {**ASSISTANT, "weight": 2}]},
        [("messages[1].weight", 102, "messages[1].weight (assistant message) is 2; expected 0 or 1")],
    ),
    (
        "content is a number",
        {"messages": [{"role": "user", "content": 5}, ASSISTANT]},
        [("messages[0].content", 43, "messages[0].content (user message) must be a string or an array, found an integer")],
    ),
    (
        "missing content",
        {"messages": [{"role": "user"}, ASSISTANT]},
        [("messages[0]", 15, 'messages[0] (user message) is missing the required key "content"')],
    ),
    ("empty messages", {"messages": []}, [("messages", 14, "messages is empty; it needs at least one item")]),
    (
        "tool message key on user",
        {"messages": [{**USER, "tool_call_id": "c1"}, ASSISTANT]},
        [
            (
                "messages[0].tool_call_id",
                49,
                'unexpected key "tool_call_id" in messages[0] (user message): only `tool` messages carry `tool_call_id`',
            )
        ],
    ),
    (
        "bad function name",
        {
            "messages": [
                USER,
                {
                    "role": "assistant",
                    "tool_calls": [{"id": "c", "type": "function", "function": {"name": "get weather", "arguments": "{}"}}],
                },
            ]
        },
        [
            (
                "messages[1].tool_calls[0].function.name",
                140,
                'messages[1].tool_calls[0].function.name (assistant message) "get weather" is not valid: a function name: 1 to 64 letters, digits, underscores and dashes',
            )
        ],
    ),
    (
        "function name with a final newline",
        {"messages": [USER, {"role": "assistant", "function_call": {"name": "f\n", "arguments": "{}"}}]},
        [
            (
                "messages[1].function_call.name",
                98,
                'messages[1].function_call.name (assistant message) "f\\n" is not valid: a function name: 1 to 64 letters, digits, underscores and dashes',
            )
        ],
    ),
    (
        "image part missing url",
        {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}, ASSISTANT]},
        [("messages[0].content[0].image_url", 79, 'messages[0].content[0].image_url (user message) is missing the required key "url"')],
    ),
    (
        "specific problem hides the general one",
        {"messages": [{"role": "user", "content": None}, {"role": "assistant", "content": 1}]},
        [
            ("messages[0].content", 43, "messages[0].content (user message) must be a string or an array, found null"),
            ("messages[1].content", 83, "messages[1].content (assistant message) must be a string, an array or null, found an integer"),
        ],
    ),
]


@pytest.mark.parametrize(("name", "record", "expected"), SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES])
def test_schema_problems_are_ours(name: str, record: dict[str, Any], expected: list[tuple[str | None, int | None, str]]) -> None:
    line = json.dumps(record)
    got = [(p.json_path, p.column, p.message) for p in problems(line + "\n", select=("JL101",))]
    assert got == expected


def test_preference_legacy_names_get_a_hint() -> None:
    line = json.dumps({"input": {"messages": [USER]}, "preferred_completion": [ASSISTANT], "non_preferred_output": [ASSISTANT]})
    messages = [p.message for p in problems(line, select=("JL101",))]
    assert 'unexpected key "preferred_completion" in the record: the current format calls it `preferred_output`' in messages
    assert 'the record is missing the required key "preferred_output"' in messages
