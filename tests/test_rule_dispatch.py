"""The engine runs a record rule only on records with the features it looks for; the report must
be the same as running every rule on every record (issue: the report is identical with and
without the optimisations). Compared on the shared corpus and on generated files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, TEST_ENCODING, lines_of
from jsonl_lint import check_file, check_lines, engine, formats
from jsonl_lint.conversation import PLAIN_CHAT, summary

PROFILES = ("openai", "mistral", "together", "fireworks", "hf")


@contextmanager
def every_rule_on_every_record() -> Iterator[None]:
    engine._SKIP_BY_FEATURES = False
    try:
        yield
    finally:
        engine._SKIP_BY_FEATURES = True


def both_ways(lines: list[bytes], **options: Any) -> tuple[list[Any], list[Any]]:
    fast = check_lines(lines, path="t.jsonl", **options).problems
    with every_rule_on_every_record():
        slow = check_lines(lines, path="t.jsonl", **options).problems
    return list(fast), list(slow)


# Texts with what the rules look for: backslashes, special tokens, blanks, newlines.
TEXT = st.one_of(
    st.sampled_from(["", " ", "\n", "hi", "a\\nb\\nc", "x\\y", "<|endoftext|>", "a|b", "\\u003c|im_start|>", "ok\nok"]),
    st.text(max_size=8),
)
TEXT_PART = st.fixed_dictionaries({"type": st.just("text"), "text": TEXT})
IMAGE_PART = st.fixed_dictionaries(
    {
        "type": st.just("image_url"),
        "image_url": st.fixed_dictionaries(
            {"url": st.sampled_from(["https://e.com/a.png", "ftp://x", "data:image/gif;base64,R0lGODlhAQABAAAAACw="])}
        ),
    }
)
CONTENT = st.one_of(TEXT, st.lists(st.one_of(TEXT_PART, IMAGE_PART), min_size=1, max_size=3))
CALL_ID = st.sampled_from(["c1", "c2", "a1B2c3D4e", "call_1"])
CALL = st.fixed_dictionaries(
    {
        "id": CALL_ID,
        "type": st.just("function"),
        "function": st.fixed_dictionaries(
            {"name": st.sampled_from(["f", "g"]), "arguments": st.sampled_from(["{}", '{"a": 1}', "no", "[]"])}
        ),
    }
)
EXTRA = {"weight": st.sampled_from([0, 1]), "name": st.sampled_from(["n", "bob"])}
MESSAGE = st.one_of(
    st.fixed_dictionaries({"role": st.sampled_from(["system", "user", "assistant"]), "content": CONTENT}, optional=EXTRA),
    st.fixed_dictionaries(
        {"role": st.just("assistant"), "tool_calls": st.lists(CALL, min_size=1, max_size=2)},
        optional={"content": st.one_of(st.none(), TEXT), **EXTRA},
    ),
    st.fixed_dictionaries(
        {"role": st.just("assistant"), "function_call": st.fixed_dictionaries({"name": st.just("f"), "arguments": st.just("{}")})}
    ),
    st.fixed_dictionaries({"role": st.just("tool"), "tool_call_id": CALL_ID, "content": TEXT}, optional={"weight": st.just(1)}),
)
TOOL = st.fixed_dictionaries(
    {
        "type": st.just("function"),
        "function": st.fixed_dictionaries(
            {"name": st.sampled_from(["f", "g"])},
            optional={"description": TEXT, "parameters": st.just({"type": "object", "properties": {"a": {"type": "string"}}})},
        ),
    }
)
RECORD = st.fixed_dictionaries(
    {"messages": st.lists(MESSAGE, min_size=1, max_size=6)},
    optional={"tools": st.lists(TOOL, max_size=2), "parallel_tool_calls": st.booleans()},
)
PREFERENCE = st.fixed_dictionaries(
    {
        "input": st.fixed_dictionaries(
            {"messages": st.lists(MESSAGE, min_size=1, max_size=3)}, optional={"tools": st.lists(TOOL, max_size=2)}
        ),
        "preferred_output": st.lists(MESSAGE, min_size=1, max_size=2),
        "non_preferred_output": st.lists(MESSAGE, min_size=1, max_size=2),
    }
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    records=st.lists(RECORD, min_size=1, max_size=8),
    profile=st.sampled_from((*PROFILES, "structural")),
    max_tokens=st.sampled_from([None, 12]),
    select=st.sampled_from([None, ("JL404",), ("JL0", "JL1"), ("JL2", "JL3")]),  # rules that need the summary, or not
)
def test_chat_files_report_the_same_with_rules_skipped(
    records: list[dict[str, Any]], profile: str, max_tokens: int | None, select: tuple[str, ...] | None
) -> None:
    lines = lines_of("".join(json.dumps(record) + "\n" for record in records))
    options: dict[str, Any] = {"profile": profile, "encoding": TEST_ENCODING}
    if select is not None:
        options["select"] = select
    if max_tokens is not None:
        options["max_tokens"] = max_tokens
    fast, slow = both_ways(lines, **options)
    assert fast == slow


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(records=st.lists(PREFERENCE, min_size=1, max_size=5), profile=st.sampled_from(("openai", "together")))
def test_preference_files_report_the_same_with_rules_skipped(records: list[dict[str, Any]], profile: str) -> None:
    lines = lines_of("".join(json.dumps(record) + "\n" for record in records))
    fast, slow = both_ways(lines, profile=profile, encoding=TEST_ENCODING)
    assert fast == slow


def test_a_rule_that_finds_something_is_not_skipped() -> None:
    """The comparison can fail: each of these records has a problem only some rules find."""
    lines = lines_of(
        json.dumps({"messages": [{"role": "user", "content": "a\\nb\\nc"}, {"role": "assistant", "content": "ok", "weight": 0}]})
        + "\n"
        + json.dumps({"messages": [{"role": "user", "content": "<|endoftext|>"}, {"role": "system", "content": " "}]})
        + "\n"
    )
    fast, slow = both_ways(lines)
    assert {p.code for p in fast} >= {"JL201", "JL203", "JL204", "JL206", "JL220", "JL404"}
    assert fast == slow


def test_summary_features_of_a_plain_record() -> None:
    value = {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}]}
    shape = summary(value, "chat")
    assert shape.features == PLAIN_CHAT and shape.trained and shape.assistants == 1 and shape.roles == ("system", "user", "assistant")


PLAIN_MESSAGE = st.fixed_dictionaries({"role": st.sampled_from(["system", "user", "assistant"]), "content": st.text(max_size=20)})


@settings(max_examples=200, deadline=None)
@given(messages=st.lists(PLAIN_MESSAGE, min_size=1, max_size=6))
def test_a_plain_chat_record_is_valid_for_the_chat_schema(messages: list[dict[str, str]]) -> None:
    """The engine does not validate plain chat records: the chat schema must take every one."""
    value = {"messages": messages}
    assert summary(value, "chat").features & PLAIN_CHAT
    assert formats.fast_validator("chat").is_valid(value)


@pytest.mark.parametrize(
    "value",
    [
        {"messages": []},
        {"messages": [{"role": "user", "content": "u"}], "tools": []},
        {"messages": [{"role": "tool", "content": "u"}]},
        {"messages": [{"role": "bot", "content": "u"}]},
        {"messages": [{"role": "user", "content": 5}]},
        {"messages": [{"role": "user", "content": None}]},
        {"messages": [{"role": "user", "content": [{"type": "text", "text": "u"}]}]},
        {"messages": [{"role": "user", "content": "u", "name": "n"}]},
        {"messages": [{"role": "user", "content": "u"}, {"role": "assistant", "content": "a", "weight": 1}]},
        {"messages": [{"role": "user", "content": "u"}, {"content": "a", "name": "n"}]},
    ],
)
def test_other_records_are_not_plain(value: dict[str, Any]) -> None:
    try:
        features = summary(value, "chat").features
    except KeyError:
        return  # no role: not read as plain either
    assert not features & PLAIN_CHAT


# Nearly plain records, valid or not: the schema must still judge those that are not plain.
NEAR_PLAIN = st.fixed_dictionaries(
    {
        "messages": st.lists(
            st.fixed_dictionaries(
                {
                    "role": st.sampled_from(["system", "user", "assistant", "tool", "bot"]),
                    "content": st.one_of(TEXT, st.none(), st.integers(), st.just([])),
                },
                optional={"weight": st.sampled_from([0, 1, 2])},
            ),
            max_size=4,
        )
    },
    optional={"extra": st.just(1), "tools": st.just([])},
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(records=st.lists(NEAR_PLAIN, min_size=1, max_size=6))
def test_nearly_plain_files_report_the_same_with_rules_skipped(records: list[dict[str, Any]]) -> None:
    lines = lines_of("".join(json.dumps(record) + "\n" for record in records))
    fast, slow = both_ways(lines)
    assert fast == slow


CORPUS_FILES = sorted(CORPUS.glob("*/*.jsonl")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_FILES, reason=f"shared corpus not found at {CORPUS}")
@pytest.mark.parametrize("profile", PROFILES)
def test_corpus_reports_the_same_with_rules_skipped(profile: str) -> None:
    for path in CORPUS_FILES:
        fast = check_file(path, profile=profile, encoding=TEST_ENCODING, jobs=1).problems
        with every_rule_on_every_record():
            slow = check_file(path, profile=profile, encoding=TEST_ENCODING, jobs=1).problems
        assert fast == slow, path.name
