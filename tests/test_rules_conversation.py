"""Roles and order, empty content, what to learn from, and what a target accepts (JL2xx)."""

from __future__ import annotations

import pytest

from conftest import found, messages_line, problems

S = {"role": "system", "content": "Be brief."}
U = {"role": "user", "content": "Hi"}
A = {"role": "assistant", "content": "Hello!"}
CONVERSATION = ("JL2",)

CASES = [
    # (name, line, options, expected [(column, code)])
    ("clean", messages_line(S, U, A), {}, []),
    ("no assistant", messages_line(S, U), {}, [(14, "JL201")]),
    ("only weight-0 assistants", messages_line(U, {**A, "weight": 0}, U, {**A, "weight": 0}), {}, [(14, "JL204")]),
    ("one weight-1 assistant is enough", messages_line(U, {**A, "weight": 0}, U, {**A, "weight": 1}), {}, []),
    ("ends with a user message", messages_line(U, A, U), {}, [(94, "JL202")]),
    (
        "ends with a tool reply",
        messages_line(
            U,
            {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "c", "content": "ok"},
        ),
        {},
        [(168, "JL202")],
    ),
    ("system in the middle", messages_line(U, S, A), {}, [(50, "JL203")]),
    ("two system messages", messages_line(S, S, U, A), {}, [(59, "JL210")]),
    ("empty assistant reply", messages_line(U, {"role": "assistant", "content": ""}), {}, [(83, "JL205")]),
    (
        "whitespace assistant parts",
        messages_line(U, {"role": "assistant", "content": [{"type": "text", "text": " \n"}]}),
        {},
        [(83, "JL205")],
    ),
    (
        "assistant with only a tool call",
        messages_line(
            U,
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
            },
        ),
        {},
        [],
    ),
    ("empty user message", messages_line({"role": "user", "content": " "}, A), {}, [(43, "JL206")]),
    ("empty system message", messages_line({"role": "system", "content": ""}, U, A), {}, [(45, "JL206")]),
    ("no user message", messages_line(S, A), {}, [(14, "JL207")]),
    (
        "fireworks: tool role",
        messages_line(U, A, {"role": "tool", "tool_call_id": "c", "content": "x"}),
        {"profile": "fireworks"},
        [(94, "JL202"), (103, "JL208")],
    ),
    (
        "together: content parts and a string",
        messages_line({"role": "user", "content": [{"type": "text", "text": "Hi"}]}, A),
        {"profile": "together"},
        [(111, "JL213")],
    ),
    ("together: same role twice", messages_line(U, U, A), {"profile": "together"}, [(50, "JL209")]),
    ("together: clean", messages_line(S, U, A, U, A), {"profile": "together"}, []),
    ("openai: same role twice is fine", messages_line(U, U, A), {}, []),
    ("rft prompt needs no assistant", messages_line({"role": "developer", "content": "x"}, U), {"model": "o4-mini"}, []),
]


@pytest.mark.parametrize(("name", "line", "options", "expected"), CASES, ids=[c[0] for c in CASES])
def test_conversation_rules(name: str, line: str, options: dict[str, str], expected: list[tuple[int, str]]) -> None:
    assert [(column, code) for _, column, code in found(line, select=CONVERSATION, **options)] == expected


def test_messages() -> None:
    by_code = {p.code: p.message for p in problems(messages_line(S, U) + "\n" + messages_line(U, A, U, U), select=CONVERSATION)}
    assert by_code["JL201"] == "no assistant message: the example has nothing to learn from"
    assert by_code["JL202"] == "the example ends with a user message: 2 messages come after the last assistant turn and are not trained on"


def test_structural_profile_runs_no_conversation_rule() -> None:
    assert found(messages_line(S, U), profile="structural") == []
