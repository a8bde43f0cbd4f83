"""Tool calls answered, answers called for, ids unique, arguments well formed and declared (JL3xx)."""

from __future__ import annotations

import json

import pytest

from conftest import messages_line, problems

U = {"role": "user", "content": "Weather in Paris?"}
DONE = {"role": "assistant", "content": "Sunny."}
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city"]},
        },
    }
]


def call(call_id: str, name: str = "weather", arguments: object = '{"city": "Paris"}') -> dict[str, object]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def calls(*items: dict[str, object]) -> dict[str, object]:
    return {"role": "assistant", "tool_calls": list(items)}


def reply(call_id: str) -> dict[str, object]:
    return {"role": "tool", "tool_call_id": call_id, "content": "sunny"}


CASES = [
    ("answered", messages_line(U, calls(call("c1")), reply("c1"), DONE), []),
    ("last turn is the call", messages_line(U, calls(call("c1"))), []),
    ("not answered before the next turn", messages_line(U, calls(call("c1")), DONE), [("JL301", "messages[1].tool_calls[0].id")]),
    (
        "one of two answered, then a turn",
        messages_line(U, calls(call("c1"), call("c2")), reply("c1"), DONE),
        [("JL301", "messages[1].tool_calls[1].id")],
    ),
    (
        "one of two answered at the end",
        messages_line(U, calls(call("c1"), call("c2")), reply("c2")),
        [("JL301", "messages[1].tool_calls[0].id")],
    ),
    ("reply without a call", messages_line(U, reply("c9"), DONE), [("JL302", "messages[1].tool_call_id")]),
    ("reply twice", messages_line(U, calls(call("c1")), reply("c1"), reply("c1"), DONE), [("JL302", "messages[3].tool_call_id")]),
    ("duplicate id", messages_line(U, calls(call("c1"), call("c1"))), [("JL303", "messages[1].tool_calls[1].id")]),
    (
        "duplicate id across turns",
        messages_line(U, calls(call("c1")), reply("c1"), calls(call("c1")), reply("c1"), DONE),
        [("JL303", "messages[3].tool_calls[0].id"), ("JL302", "messages[4].tool_call_id")],
    ),
    (
        "arguments not json",
        messages_line(U, calls(call("c1", arguments="city=Paris"))),
        [("JL304", "messages[1].tool_calls[0].function.arguments")],
    ),
    (
        "arguments a json list",
        messages_line(U, calls(call("c1", arguments="[1]"))),
        [("JL304", "messages[1].tool_calls[0].function.arguments")],
    ),
    (
        "legacy function_call arguments",
        messages_line(U, {"role": "assistant", "function_call": {"name": "f", "arguments": "x"}}),
        [("JL304", "messages[1].function_call.arguments")],
    ),
    (
        "undeclared function",
        messages_line(U, calls(call("c1", name="wether")), tools=TOOLS),
        [("JL305", "messages[1].tool_calls[0].function.name")],
    ),
    ("declared in legacy functions", messages_line(U, calls(call("c1")), functions=[{"name": "weather"}]), []),
    ("no tools declared: not checked", messages_line(U, calls(call("c1", name="anything"))), []),
    ("arguments match", messages_line(U, calls(call("c1")), tools=TOOLS), []),
    (
        "argument of the wrong type",
        messages_line(U, calls(call("c1", arguments='{"city": "Paris", "days": "two"}')), tools=TOOLS),
        [("JL306", "messages[1].tool_calls[0].function.arguments")],
    ),
    (
        "required argument missing",
        messages_line(U, calls(call("c1", arguments="{}")), tools=TOOLS),
        [("JL306", "messages[1].tool_calls[0].function.arguments")],
    ),
    (
        "parameters not a schema",
        messages_line(U, calls(call("c1")), tools=[{"type": "function", "function": {"name": "weather", "parameters": {"type": "nope"}}}]),
        [("JL306", "messages[1].tool_calls[0].function.arguments")],
    ),
]


@pytest.mark.parametrize(("name", "line", "expected"), CASES, ids=[c[0] for c in CASES])
def test_tool_rules(name: str, line: str, expected: list[tuple[str, str]]) -> None:
    assert [(p.code, p.json_path) for p in problems(line, select=("JL3",))] == expected


def test_argument_messages_name_the_property() -> None:
    line = messages_line(U, calls(call("c1", arguments='{"days": "two"}')), tools=TOOLS)
    assert [p.message for p in problems(line, select=("JL306",))] == [
        'arguments of weather do not match its parameters: the arguments object is missing the required key "city"',
        "arguments of weather do not match its parameters: days must be an integer, found a string",
    ]


def test_unanswered_message_and_column() -> None:
    line = messages_line(U, calls(call("c1")), DONE)
    [problem] = problems(line, select=("JL301",))
    assert problem.message == 'tool call "c1" is not answered by a tool message before the next turn'
    assert line[problem.column - 1 :].startswith('"c1"')  # type: ignore[operator]


def test_drone_style_parameters_are_compiled_once() -> None:
    from jsonl_lint.rules import tool_arguments

    tool_arguments.tool_schema.compile_parameters.cache_clear()
    text = "\n".join(messages_line(U, calls(call(f"c{i}")), tools=TOOLS) for i in range(20))
    problems(text, select=("JL306",))
    assert tool_arguments.tool_schema.compile_parameters.cache_info().misses == 1


def test_preference_input_tools_are_checked() -> None:
    line = json.dumps(
        {
            "input": {"messages": [U], "tools": TOOLS},
            "preferred_output": [{"role": "assistant", "content": "a"}],
            "non_preferred_output": [{"role": "assistant", "content": "b"}],
        }
    )
    assert problems(line, select=("JL3",)) == []
