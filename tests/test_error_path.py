"""The error path's short cuts give exactly what the long way gives: cached schema explanations
(columns found in each line) and the fast JSON writing of problems."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import found
from jsonl_lint.report.json_format import _problem_text, indented


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
