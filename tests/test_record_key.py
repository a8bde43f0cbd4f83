"""Record keys: equal records have equal keys and other records other keys, whichever way the key
is made (cut from the canonical JSON for the common chat record, else the whole line hashed)."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint.reader import Record, canonical_json
from jsonl_lint.record_key import chat_keys, record_key


def record(value: dict[str, Any]) -> Record:
    return Record(1, json.dumps(value).encode(), value, canonical_json(value) or b"")


PLAIN = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}


def test_a_plain_chat_record_is_keyed_by_its_prompt_and_answer() -> None:
    prompt = canonical_json(PLAIN["messages"][:1])
    answer = canonical_json(PLAIN["messages"][1])
    assert prompt is not None and answer is not None
    keys = chat_keys(record(PLAIN))
    assert keys == (hash(prompt[:-1]), hash(answer))
    assert record_key(record(PLAIN)) == hash(keys)


def test_other_records_are_keyed_by_their_canonical_json() -> None:
    others = [
        {**PLAIN, "tools": []},  # another key
        {"messages": [PLAIN["messages"][0], {**PLAIN["messages"][1], "weight": 1}]},  # an answer with a weight
        {"messages": [PLAIN["messages"][0], {"role": "assistant", "content": [{"type": "text", "text": "Hello!"}]}]},
        {"messages": [PLAIN["messages"][1]]},  # no prompt
        {"messages": [PLAIN["messages"][1], PLAIN["messages"][0]]},  # ends with the user
        {"prompt": "Hi", "completion": "Hello!"},
    ]
    for value in others:
        assert chat_keys(record(value)) is None, value
        assert record_key(record(value)) == hash(canonical_json(value)), value


def test_a_record_without_canonical_json_has_no_key() -> None:
    assert record_key(Record(1, b"{}", PLAIN, b"")) is None


def test_the_kept_keys_are_of_the_record_asked_about() -> None:
    other = {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Hello!"}]}
    first, second = record(PLAIN), record(other)
    assert chat_keys(first) != chat_keys(second)
    assert chat_keys(first) == chat_keys(record(PLAIN))


TEXT = st.one_of(st.text(max_size=6), st.sampled_from(["", "Hi", '{"a": 1}', ',{"', "]}", '\\",{"role', '","role":"assistant"}]}']))
MESSAGE = st.one_of(
    st.fixed_dictionaries({"role": st.sampled_from(["system", "user", "assistant"]), "content": TEXT}),
    st.fixed_dictionaries({"role": st.just("assistant"), "content": TEXT, "weight": st.sampled_from([0, 1])}),
    st.fixed_dictionaries(
        {"role": st.just("assistant"), "content": st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": TEXT}))}
    ),
)
RECORD = st.fixed_dictionaries({"messages": st.lists(MESSAGE, max_size=4)}, optional={"tools": st.just([]), "id": TEXT})


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same JSON with every object's keys in another order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {key: shuffled(child, rng) for key, child in items}
    if isinstance(value, list):
        return [shuffled(child, rng) for child in value]
    return value


@settings(max_examples=300, deadline=None)
@given(first=RECORD, second=RECORD, seed=st.integers(0, 1000))
def test_keys_are_equal_exactly_when_records_are(first: dict[str, Any], second: dict[str, Any], seed: int) -> None:
    again = shuffled(first, random.Random(seed))
    assert record_key(record(again)) == record_key(record(first))
    assert (record_key(record(second)) == record_key(record(first))) == (canonical_json(second) == canonical_json(first))
