"""Records of any shape: each problem lands on its line, no check raises (JL010 never shows),
and a record the schema lets through with an odd key (RFT's free keys) is not misread."""

from __future__ import annotations

import contextlib
import copy
import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import lines_of, problems
from jsonl_lint import check_lines

U = {"role": "user", "content": "Hi"}
A = {"role": "assistant", "content": "Hello"}
CALL = {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}
TOOLS = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
IMAGE = {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}
VISION = {"model": "gpt-4o-2024-08-06"}


def test_non_ascii_base64_is_invalid_image() -> None:
    bad = copy.deepcopy(IMAGE)
    bad["content"][0]["image_url"]["url"] = "data:image/png;base64,iVBOR\u00e9w0KGgo="  # type: ignore[index]
    found = problems(json.dumps({"messages": [bad, A]}), select=("JL4", "JL010"), **VISION)
    assert [(p.code, p.message) for p in found] == [("JL402", "data URL holds invalid base64 (a character that is not ASCII)")]


def test_rft_functions_key_is_grader_data() -> None:
    line = json.dumps({"messages": [U, CALL], "functions": [1], "tools": TOOLS})
    assert problems(line, data_format="rft", profile="openai", model="o4-mini-2025-04-16", select=("JL3", "JL010")) == []
    undeclared = json.dumps(
        {"messages": [U, CALL], "functions": [{"name": "f"}], "tools": [{"type": "function", "function": {"name": "g"}}]}
    )
    assert [p.code for p in problems(undeclared, data_format="rft", profile="openai", model="o4-mini-2025-04-16", select=("JL3",))] == [
        "JL305"
    ]


BASES: dict[str, dict[str, Any]] = {
    "chat": {
        "messages": [{"role": "system", "content": "Be brief"}, IMAGE, CALL, {"role": "tool", "tool_call_id": "c1", "content": "ok"}, A],
        "tools": TOOLS,
    },
    "legacy": {
        "messages": [U, {"role": "assistant", "function_call": {"name": "f", "arguments": "{}"}}],
        "functions": [{"name": "f", "parameters": {}}],
    },
    "preference": {
        "input": {"messages": [U], "tools": TOOLS},
        "preferred_output": [A],
        "non_preferred_output": [{"role": "assistant", "content": "Bye"}],
    },
    "rft": {
        "messages": [{"role": "developer", "content": "Be brief"}, U, CALL],
        "tools": TOOLS,
        "functions": [{"name": "g"}],
        "answer": "4",
    },
    "completion": {"prompt": "2+2=", "completion": " 4"},
}


def places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path in a base record, and a new key in each of its objects."""
    found = [path]
    if isinstance(node, dict):
        found.append(path + ("extra",))
        for key, value in node.items():
            found += places(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += places(value, path + (index,))
    return found


PLACES = {name: places(base) for name, base in BASES.items()}
HOSTILE = st.sampled_from(
    ["data:image/png;base64,\u00e9", "data:,", "data:image/png;base64", "{}", '{"a": 1}', "[1]", "user", "assistant", "tool", "function"]
)
JSON = st.recursive(
    HOSTILE
    | st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.lists(st.integers(), max_size=2)
    | HOSTILE,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "role",
                    "content",
                    "type",
                    "name",
                    "function",
                    "arguments",
                    "parameters",
                    "tool_calls",
                    "id",
                    "image_url",
                    "url",
                    "text",
                    "weight",
                ]
            )
            | st.text(max_size=5),
            inner,
            max_size=4,
        )
    ),
    max_leaves=15,
)


def put(record: dict[str, Any], place: tuple[Any, ...], value: Any) -> dict[str, Any]:
    if not place:
        return value if isinstance(value, dict) else record
    node: Any = record
    for part in place[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return record
    with contextlib.suppress(IndexError, TypeError):
        node[place[-1]] = value
    return record


DEEP = "\u0000deep"  # stands for a value nested deeper than json.dumps can write


@st.composite
def changed_records(draw: st.DrawFn) -> tuple[str, str]:
    base = draw(st.sampled_from(sorted(BASES)))
    record = copy.deepcopy(BASES[base])
    for _ in range(draw(st.integers(1, 3))):
        value = draw(JSON | st.just(DEEP))
        record = put(record, draw(st.sampled_from(PLACES[base])), value)
    depth = draw(st.sampled_from([150, 600, 1000]))
    line = json.dumps(record).replace(json.dumps(DEEP), "[" * depth + '{"role": "user"}' + "]" * depth)
    return base, line


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=changed_records())
def test_any_record_shape_is_checked_without_an_internal_error(case: tuple[str, str]) -> None:
    base, line = case
    options: dict[str, Any] = {"data_format": "rft", "profile": "openai", "model": "o4-mini-2025-04-16"} if base == "rft" else VISION
    start = time.process_time()
    report = check_lines(lines_of(line + "\n" + line + "\n"), path="t.jsonl", ignore=("JL501",), **options)
    assert time.process_time() - start < 2.0
    assert [p for p in report.problems if p.code == "JL010"] == []
    assert all(p.line in (1, 2, None) and "\n" not in p.message for p in report.problems)


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ('"role": DEEP, "content": "x"}, {"role": "assistant", "content": "y"}]', "messages[0].role is [[[["),
        (
            '"role": "user", "content": "x"}, {"role": "assistant", "content": "y", "weight": DEEP}]',
            "messages[1].weight (assistant message) must be an integer, found an array",
        ),
        (
            '"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}], "tools": [{"type": "function", "function": {"name": "f", "parameters": DEEP}}]',
            "tools[0].function.parameters must be an object, found an array",
        ),
    ],
)
def test_a_record_nested_1000_levels_is_explained(place: str, expected: str) -> None:
    line = '{"messages": [{' + place.replace("DEEP", "[" * 1000 + "1" + "]" * 1000) + "}"
    [problem] = problems(line, select=("JL1", "JL010"))
    assert problem.code == "JL101" and problem.message.startswith(expected)


def test_a_key_with_a_newline_is_named_on_one_line() -> None:
    line = json.dumps({"role": None, "\n": []})
    [problem] = problems(line, select=("JL104",))
    assert "\n" not in problem.message and "(keys: role, \\n)" in problem.message
