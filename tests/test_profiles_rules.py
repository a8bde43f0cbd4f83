"""The rules trainers need, graded per profile, and the formats of the open trainers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies_profiles import VALID_PROFILE_FORMATS

from conftest import found, problems
from jsonl_lint import check_lines
from strategies import any_record

U = {"role": "user", "content": "Hi"}
A = {"role": "assistant", "content": "Hello!"}
S = {"role": "system", "content": "Be brief."}


def line(**record: Any) -> str:
    return json.dumps(record)


def call(call_id: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": "f", "arguments": "{}"}}


def severities(text: str, **options: Any) -> list[tuple[str, str]]:
    report = check_lines([text.encode() + b"\n"], path="t.jsonl", ignore=("JL7",), token_check=False, **options)
    return [(p.code, p.severity.label) for p in report.problems]


@pytest.mark.parametrize(
    ("profile", "expected"),
    [("openai", [("JL202", "warning")]), ("mistral", [("JL202", "error")]), ("hf", [])],
)
def test_a_conversation_ending_with_the_user_is_graded_by_the_profile(profile: str, expected: list[tuple[str, str]]) -> None:
    assert severities(line(messages=[U, A, U]), profile=profile) == expected


@pytest.mark.parametrize(("profile", "severity"), [("openai", "warning"), ("mistral", "error"), ("together", "warning")])
def test_a_second_system_message(profile: str, severity: str) -> None:
    record = line(messages=[S, U, S, A])
    assert ("JL210", severity) in severities(record, profile=profile)
    message = [p.message for p in problems(record, select=("JL210",), profile=profile)]
    assert message == ["a second system message; put the system prompt in one message"]


def test_a_system_message_after_the_first_is_only_misplaced() -> None:
    assert [code for _, _, code in found(line(messages=[U, S, A]), select=("JL2",))] == ["JL203"]


def test_text_beside_tool_calls() -> None:
    record = line(messages=[U, {"role": "assistant", "content": "Looking.", "tool_calls": [call("a1B2c3D4e")]}])
    assert severities(record, profile="openai") == []
    assert [(p.code, p.message) for p in problems(record, profile="mistral")] == [
        ("JL211", "this assistant message has text and tool calls; mistral takes one or the other: move the text to its own message")
    ]
    assert ("JL211", "warning") in severities(record, profile="together")


def test_weight_on_a_user_message() -> None:
    record = line(messages=[{"role": "user", "content": "Hi", "weight": 1}, A])
    assert [(c, col) for _, col, c in found(record, select=("JL212",))] == [("JL212", 49)]
    assert [p.message for p in problems(record, select=("JL212",))] == [
        "a user message has `weight`; openai reads it on assistant messages only"
    ]
    assert severities(record, profile="together") == []
    assert severities(record, profile="mistral") == [("JL212", "warning")]


def test_weight_spelled_with_an_escape_is_still_found() -> None:
    record = '{"messages": [{"role": "user", "content": "Hi", "\\u0077eight": 1}, {"role": "assistant", "content": "Hello!"}]}'
    assert [code for _, _, code in found(record, select=("JL212",))] == ["JL212"]


def test_content_shapes_mixed_in_one_example() -> None:
    parts = {"role": "user", "content": [{"type": "text", "text": "Hi"}]}
    assert severities(line(messages=[parts, A]), profile="together") == [("JL213", "error")]
    assert severities(line(messages=[parts, {"role": "assistant", "content": [{"type": "text", "text": "Yo"}]}]), profile="together") == []
    assert severities(line(messages=[parts, A])) == []


@pytest.mark.parametrize(
    ("call_id", "why"),
    [
        ("call_1", "is 6 characters long, not 9"),
        ("call_1234", "holds characters other than ASCII letters and digits"),
        ("a1B2c3D4e5", "is 10 characters long, not 9"),
        ("abcdéfghi", "holds characters other than ASCII letters and digits"),
    ],
)
def test_tool_call_ids_on_mistral(call_id: str, why: str) -> None:
    record = line(
        messages=[U, {"role": "assistant", "tool_calls": [call(call_id)]}, {"role": "tool", "tool_call_id": call_id, "content": "x"}, A]
    )
    messages = [p.message for p in problems(record, select=("JL307",), profile="mistral")]
    expected = f"the id {call_id!r} {why}; mistral takes ids of exactly 9 ASCII letters and digits"
    assert messages == [expected, expected]
    assert found(record, select=("JL307",)) == []  # no form on openai


def test_tool_definitions_on_mistral() -> None:
    tools = [
        {"type": "function", "function": {"name": "f"}},
        {"type": "function", "function": {"name": "g", "description": "G.", "parameters": {}}},
    ]
    record = line(messages=[U, A], tools=tools)
    assert [p.message for p in problems(record, select=("JL308",), profile="mistral")] == [
        "the tool 'f' has no `description` and `parameters`; mistral needs description, parameters on every tool"
    ]
    assert found(record, select=("JL308",)) == []


@pytest.mark.parametrize(("completion", "codes"), [("", ["JL214"]), (" \n", ["JL214"]), (" hi", [])])
def test_empty_completion_for_babbage(completion: str, codes: list[str]) -> None:
    record = line(prompt="Say hi ->", completion=completion)
    assert [code for _, _, code in found(record, model="babbage-002", select=("JL214",))] == codes


def test_together_takes_only_data_urls_for_images() -> None:
    record = line(
        messages=[
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://e.com/a.png"}}]},
            {"role": "assistant", "content": [{"type": "text", "text": "A."}]},
        ]
    )
    assert [p.message for p in problems(record, select=("JL402",), profile="together")] == [
        "image URL 'https://e.com/a.png': https URLs are not accepted here; use data URLs"
    ]
    assert found(record, select=("JL402",), model="gpt-4o-2024-08-06") == []


@pytest.mark.parametrize(
    ("record", "fmt"),
    [
        ({"messages": [U, A]}, "trl-chat"),
        ({"prompt": "a", "completion": "b"}, "trl-completion"),
        ({"chosen": "a", "rejected": "b"}, "trl-preference"),
        ({"prompt": "a", "completion": "b", "label": True}, "trl-kto"),
        ({"text": "a"}, "text"),
    ],
)
def test_hf_detects_trl_formats(record: dict[str, Any], fmt: str) -> None:
    report = check_lines([json.dumps(record).encode()], profile="hf")
    assert (report.data_format, report.has_errors) == (fmt, False)


def test_trl_formats_are_foreign_to_openai() -> None:
    report = check_lines([json.dumps({"chosen": "a", "rejected": "b"}).encode()], select=("JL1",))
    assert [p.code for p in report.problems] == ["JL103"]


def test_together_instruction_with_image_parts() -> None:
    record = {
        "prompt": [{"type": "text", "text": "What?"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}],
        "completion": "A dot.",
    }
    report = check_lines([json.dumps(record).encode()], profile="together")
    assert (report.data_format, report.has_errors) == ("instruction", False)


@st.composite
def trainer_files(draw: st.DrawFn) -> bytes:
    """Files of the trainers' formats: valid records, mutated ones and arbitrary JSON."""
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        fmt = draw(st.sampled_from(["chat", "preference", "completion", "text", *VALID_PROFILE_FORMATS]))
        lines.append(json.dumps(draw(any_record(fmt)), ensure_ascii=draw(st.booleans())).encode())
    return b"\n".join(lines) + b"\n"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example], deadline=None)
@given(trainer_files(), st.sampled_from(["together", "mistral", "fireworks", "hf", "structural"]))
def test_trainer_profiles_never_fail_inside_on_any_record(data: bytes, profile: str) -> None:
    report = check_lines(data.splitlines(keepends=True), path="f.jsonl", profile=profile, token_check=False)
    assert not [p for p in report.problems if p.rule == "internal-error"], report.problems


def test_a_trl_text_part_must_hold_a_string() -> None:
    # The rules read text parts as strings: the schema must refuse any other text.
    record = {"messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}, {"role": "assistant", "content": " "}]}
    report = check_lines([json.dumps(record).encode()], profile="hf")
    assert [(p.code, p.message) for p in report.problems] == [
        ("JL101", "messages[0].content[0].text (user message) must be a string, found an integer")
    ]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {"chosen": "Blue.", "rejected": "Green."},
            "the example has no prompt, and chosen and rejected share no start: the prompt TRL extracts is empty",
        ),
        (
            {
                "prompt": "Sky?",
                "chosen": [{"role": "assistant", "content": "Blue."}],
                "rejected": [{"role": "assistant", "content": "Green."}],
            },
            "the example has a prompt of another kind (string) than chosen (messages), which TRL ignores, and chosen and rejected share no start: the prompt TRL extracts is empty",
        ),
        ({"chosen": "The sky is blue.", "rejected": "The sky is green."}, None),
        ({"prompt": "The sky is", "chosen": " blue.", "rejected": " green."}, None),
    ],
)
def test_trl_implicit_prompt(record: dict[str, Any], expected: str | None) -> None:
    report = check_lines([json.dumps(record).encode()], profile="hf", select=("JL603",))
    assert [p.message for p in report.problems] == ([expected] if expected else [])
