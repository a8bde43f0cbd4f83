"""The usual chat record written straight as a target's JSON gives the bytes and the counts the
general path gives (``from_openai``, its refusal check, ``orjson.dumps``), or None: never
another record, and never a record the trainer would refuse."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint.convert.targets import Conversion, Unconvertible, targets

PLAIN_TARGETS = [name for name, target in targets().items() if target.plain is not None]
ROLE = st.sampled_from(["system", "user", "assistant", "tool", "developer"])
TEXT = st.text(max_size=6) | st.sampled_from(["\ud800", "a\\nb", "é\n", '"'])  # a lone surrogate: not UTF-8
MESSAGE = st.fixed_dictionaries(
    {"role": ROLE, "content": TEXT | st.none() | st.just([{"type": "text", "text": "x"}])},
    optional={"weight": st.sampled_from([0, 1, 2]), "name": st.just("n")},
)
# Mostly the usual record (alternating plain turns), sometimes anything near it
USUAL = st.builds(
    lambda system, pairs, last_user: (
        ([{"role": "system", "content": system}] if system is not None else [])
        + [m for user, reply in pairs for m in ({"role": "user", "content": user}, {"role": "assistant", "content": reply})]
        + ([{"role": "user", "content": "more"}] if last_user else [])
    ),
    st.none() | TEXT,
    st.lists(st.tuples(TEXT, TEXT), max_size=3),
    st.booleans(),
)
RECORD = st.one_of(
    st.builds(lambda messages: {"messages": messages}, USUAL),
    st.builds(lambda messages: {"messages": messages}, st.lists(MESSAGE, max_size=5)),
    st.builds(lambda messages, extra: {"messages": messages, **extra}, USUAL, st.sampled_from([{"tools": []}, {"id": 1}, {}])),
)


@pytest.mark.parametrize("name", PLAIN_TARGETS)
@settings(max_examples=300, deadline=None)
@given(record=RECORD, allowed=st.sampled_from([frozenset(), frozenset({"weight"})]))
def test_plain_bytes_are_the_general_paths(name: str, record: dict[str, Any], allowed: frozenset[str]) -> None:
    target = targets()[name]
    assert target.plain is not None
    built = target.plain(record, allowed)
    if built is None:
        return
    data, notes = built
    conversion = Conversion(allowed_losses=allowed)
    general = target.from_openai(record, conversion)  # raises nothing: the record is the usual one
    assert target.refusal(general) is None
    assert data == orjson.dumps(general)
    counted: dict[str, int] = {}
    for note in notes:
        counted[note] = counted.get(note, 0) + 1
    assert list(counted.items()) == list(conversion.counts.items())


@pytest.mark.parametrize("name", PLAIN_TARGETS)
@pytest.mark.parametrize(
    "record",
    [
        {"messages": [{"role": "user", "content": "q"}]},  # the user's last: refused
        {"messages": [{"role": "assistant", "content": "a"}, {"role": "user", "content": "q"}]},
        {"messages": [{"role": "user", "content": "q"}, {"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]},
        {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}, {"role": "system", "content": "s"}]},
        {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "weight": 0}]},  # a loss not allowed
        {"messages": [{"role": "user", "content": "\ud800"}, {"role": "assistant", "content": "a"}]},  # not UTF-8
        {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}], "tools": []},
        {"messages": []},
        {"messages": [{"role": "system", "content": "s"}]},
    ],
)
def test_any_other_record_goes_the_general_way(name: str, record: dict[str, Any]) -> None:
    target = targets()[name]
    assert target.plain is not None
    assert target.plain(record, frozenset()) is None
    conversion = Conversion()
    try:
        general = target.from_openai(record, conversion)
    except (Unconvertible, TypeError):
        return
    try:
        written: bytes | None = orjson.dumps(general)
    except TypeError:
        written = None
    assert target.refusal(general) is not None or written is None or "tools" in record
