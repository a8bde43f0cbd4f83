"""The compact hash index answers exactly as a dict would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint.hash_index import HashIndex, HashPairIndex


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-(2**63), 2**63 - 1) | st.integers(-5, 5), max_size=200))
def test_same_answers_as_a_dict(keys: list[int]) -> None:
    index, reference = HashIndex(capacity=4), {}  # small: many collisions and doublings
    for line, key in enumerate(keys, 1):
        assert index.setdefault(key, line) == reference.setdefault(key, line)
    assert len(index) == len(reference)
    assert sorted(index.items()) == sorted(reference.items())
    for key in keys + [7, -7]:
        assert index.get(key) == reference.get(key)


def test_colliding_keys_and_growth() -> None:
    index = HashIndex(capacity=8)
    keys = [k * 8 for k in range(1, 200)] + [-k * 8 for k in range(1, 200)]  # all land in slot 0 at first
    for line, key in enumerate(keys, 1):
        assert index.setdefault(key, line) == line
    assert [index.get(k) for k in keys] == list(range(1, len(keys) + 1))
    assert index.get(12345) is None and len(index) == len(keys)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-(2**63), 2**63 - 1) | st.integers(-5, 5), st.integers(-(2**63), 2**63 - 1)), max_size=200))
def test_pair_index_answers_as_a_dict_of_first_line_and_value(entries: list[tuple[int, int]]) -> None:
    index, reference = HashPairIndex(capacity=4), {}  # small: many collisions and doublings
    for line, (key, value) in enumerate(entries, 1):
        assert index.setdefault(key, line, value) == reference.setdefault(key, (line, value))[0]
    assert len(index) == len(reference)
    assert sorted(index.items()) == sorted((key, line, value) for key, (line, value) in reference.items())
    for key, _ in entries + [(7, 0), (-7, 0), (0, 0)]:
        assert index.value(key) == (reference[key][1] if key in reference else None)
