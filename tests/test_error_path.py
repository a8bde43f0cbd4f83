"""The error path's short cuts give exactly what the long way gives: cached schema explanations
(columns found in each line) and the fast JSON writing of problems."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz import jsonl_files

from conftest import corpus_file, found
from jsonl_lint import check_lines, explanation_cache, formats, jsonpos, reader, schema_errors
from jsonl_lint.problems import Problem
from jsonl_lint.report.json_format import _problem_text, indented
from strategies import EDGE_STRINGS, JSON_VALUES, VALID, mutated


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(), st.one_of(st.text(), st.integers(-(10**9), 10**9), st.none(), st.booleans()), max_size=8))
def test_fast_problem_json_is_what_json_dumps_writes(value: dict[str, object]) -> None:
    assert _problem_text(value) == indented(value, 1)


def test_a_repeated_bad_record_is_explained_at_its_own_columns() -> None:
    tight = '{"messages": [{"role": "bot", "content": "x"}]}'
    loose = '{ "messages" : [ { "role" : "bot" , "content" : "x" } ] }'
    lines = "\n".join([tight, loose, tight]) + "\n"
    assert found(lines, select=("JL101",)) == [(1, 24, "JL101"), (2, 29, "JL101"), (3, 24, "JL101")]  # at "bot" in each line


def test_a_bad_record_too_deep_to_cache_is_still_explained() -> None:
    deep = "[" * 300 + "]" * 300
    line = '{"messages": [{"role": "bot", "content": "x"}], "extra": ' + deep + "}"
    assert [code for _, _, code in found(line + "\n", select=("JL101", "JL010"))] == ["JL101", "JL101"]


# The short cuts compared with the long way: every explanation made by the validator, every
# column found by walking the whole line, every broken line parsed for NaN.


def _plain_explanation(data_format: str, value: Any) -> tuple[schema_errors.SchemaIssue, ...]:
    return tuple(schema_errors.explain(formats.explaining_validator(data_format), value))


def _plain_find(text: str, wanted: jsonpos.JsonPath) -> tuple[int | None, int] | None:
    found = None
    for node in jsonpos.iter_nodes(text):
        if node.path == wanted:
            found = node.key_offset, node.value_offset
    return found


@contextlib.contextmanager
def _the_long_way() -> Iterator[None]:
    with (
        mock.patch.object(explanation_cache, "explanation", _plain_explanation),
        mock.patch.object(jsonpos, "_find", _plain_find),
        mock.patch.object(jsonpos, "_leading", lambda text, wanted: None),
        mock.patch.object(reader, "_MAYBE_NON_FINITE", re.compile("")),
    ):
        yield


def _report(lines: list[bytes], **options: Any) -> list[Problem]:
    return list(check_lines(lines, path="t.jsonl", **options).problems)


def _same_both_ways(lines: list[bytes], **options: Any) -> None:
    fast = _report(lines, **options)
    with _the_long_way():
        slow = _report(lines, **options)
    assert fast == slow


def _other_text(value: Any, text: str) -> Any:
    """``value`` with every string replaced by ``text`` (keys kept): the same shape, or not."""
    if isinstance(value, str):
        return text
    if isinstance(value, list):
        return [_other_text(item, text) for item in value]
    if isinstance(value, dict):
        return {key: _other_text(item, text) for key, item in value.items()}
    return value


_WRITERS = st.sampled_from([(", ", ": "), (",", ":"), (" , ", " : ")])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(sorted(VALID)),
    data=st.data(),
    texts=st.lists(st.one_of(EDGE_STRINGS, st.text(max_size=8)), min_size=1, max_size=3),
    writer=_WRITERS,
    ascii=st.booleans(),
)
def test_bad_records_get_the_same_report_as_the_long_way(fmt: str, data: st.DataObject, texts: list[str], writer: Any, ascii: bool) -> None:
    records = data.draw(st.lists(mutated(VALID[fmt]), min_size=1, max_size=4))
    # Each record again with its strings changed: the cache sees the same shapes with other text.
    records += [_other_text(record, text) for record in records for text in texts]
    lines = [json.dumps(record, separators=writer, ensure_ascii=ascii).encode() + b"\n" for record in records]
    _same_both_ways(lines, data_format=fmt)


@settings(max_examples=200, deadline=None)
@given(data=jsonl_files())
def test_damaged_files_get_the_same_report_as_the_long_way(data: bytes) -> None:
    _same_both_ways(data.splitlines(keepends=True))


@pytest.mark.parametrize(
    "name",
    [
        "eunseo-com__openai-cookbook",
        "lbnlp__NERRE",
        "mistralai__mistral-finetune",
        "togethercomputer__together-cookbook",
        "usingpt__openai_test",
    ],
)
def test_corpus_files_get_the_same_report_as_the_long_way(name: str) -> None:
    for path in sorted(corpus_file(name).rglob("*.jsonl")):
        lines = path.read_bytes().splitlines(keepends=True)
        _same_both_ways(lines)


def test_records_failing_alike_are_explained_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    explain = schema_errors.explain
    monkeypatch.setattr(schema_errors, "explain", lambda *args, **kwargs: calls.append(args[1]) or explain(*args, **kwargs))
    monkeypatch.setattr(explanation_cache, "_cache", type(explanation_cache._cache)())
    lines = [f'{{"messages": "oops {n}"}}\n'.encode() for n in range(50)]
    assert {p.message for p in _report(lines, select=("JL101",))} == {"messages must be an array, found a string"}
    assert len(calls) == 1


def test_what_a_message_quotes_is_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explanation_cache, "_cache", type(explanation_cache._cache)())
    lines = [f'{{"messages": [{{"role": "{role}", "content": "x{n}"}}]}}\n'.encode() for n, role in enumerate(["bot", "robot", "bot"])]
    messages = [p.message for p in _report(lines, select=("JL101",))]
    assert [m.split(";")[0] for m in messages] == ['messages[0].role is "bot"', 'messages[0].role is "robot"', 'messages[0].role is "bot"']


def test_a_string_the_schema_names_is_not_taken_for_another() -> None:
    classes = explanation_cache.string_classes()
    assert classes.token("assistant") != classes.token("assistanT")
    assert classes.token("hello there") == classes.token("something else")
    assert classes.token("") != classes.token("x")  # minLength 1
    assert classes.token("x" * 64) != classes.token("x" * 65)  # a name's maxLength
    assert classes.token("ok_name") != classes.token("bad name")  # a name's pattern


@settings(max_examples=1000, deadline=None)
@given(
    value=JSON_VALUES,
    writer=_WRITERS,
    ascii=st.booleans(),
    key=st.booleans(),
    extra=st.sampled_from([(), ("zz",), (5,), ("a", 0), (0, "a")]),
)
def test_columns_are_the_ones_a_whole_walk_finds(value: Any, writer: Any, ascii: bool, key: bool, extra: jsonpos.JsonPath) -> None:
    text = json.dumps(value, separators=writer, ensure_ascii=ascii)
    for path in [*_paths(value), extra]:
        plain = _plain_find(text, path)
        assert jsonpos._find(text, path) == plain, (text, path)
        assert jsonpos._leading(text, path) in (None, plain), (text, path)


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        ('{"messages": "x"}', ("messages",), (1, 13)),
        ('{ "messages" :\t[ {"role": 1}]}', ("messages", 0, "role"), (18, 26)),
        ('{"a": 1, "messages": []}', ("messages",), None),  # not the first key: walked instead
        ('{"messages": []}', ("messages", 0), None),  # an empty array has no element 0
        ('{"messages": [1, 2]}', ("messages", 1), None),
        ('{"m\\u00e9": 1}', ("m\u00e9",), None),  # a key written otherwise than json.dumps writes it
        ('{"mé": 1}', ("mé",), (1, 7)),
    ],
)
def test_a_leading_path_is_found_without_a_walk(text: str, path: jsonpos.JsonPath, expected: tuple[int, int] | None) -> None:
    assert jsonpos._leading(text, path) == expected
    if expected is not None:
        assert expected == _plain_find(text, path)


def _paths(value: Any, path: jsonpos.JsonPath = ()) -> Iterator[jsonpos.JsonPath]:
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for part, item in items:
        yield from _paths(item, (*path, part))


NUMBERS = st.one_of(
    st.sampled_from(
        ["NaN", "Infinity", "-Infinity", "1e308", "2e308", "1e0400", "-1E+999", "1" * 209, "1" * 320, "9" * 310 + ".5e-2", "1e99"]
    ),
    st.from_regex(r"-?[0-9]{1,4}(\.[0-9]{1,3})?([eE][+-]?[0-9]{1,4})?", fullmatch=True),
)


@settings(max_examples=500, deadline=None)
@given(numbers=st.lists(NUMBERS, min_size=1, max_size=3), broken=st.booleans())
def test_the_non_finite_test_is_the_long_way(numbers: list[str], broken: bool) -> None:
    text = '{"a": [' + ", ".join(numbers) + "]" + ("" if broken else "}")
    with mock.patch.object(reader, "_MAYBE_NON_FINITE", re.compile("")):
        slow = reader._non_finite_column(text)
    assert reader._non_finite_column(text) == slow
