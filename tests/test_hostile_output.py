"""Numbers of any size are JL006, and text from the data cannot forge report lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import found
from jsonl_lint.cli import main
from jsonl_lint.problems import Problem, Severity
from jsonl_lint.report.text_format import format_problem

PREFIX = '{"messages": [{"role": "user", "content": "x"}], "n": '


@pytest.mark.parametrize("number", ["9" * 400, "9" * 4300, "9" * 4301, "9" * 100_000, "-" + "9" * 5000, "9" * 5000 + ".5e3", "1e400"])
def test_too_large_numbers_of_any_length_are_jl006(number: str) -> None:
    assert found(PREFIX + number + "}", select=("JL0",)) == [(1, len(PREFIX) + 1, "JL006")]


def test_large_integers_a_double_holds_are_fine() -> None:
    assert found(PREFIX + "9" * 300 + "}", select=("JL0",)) == []


def test_a_newline_in_data_stays_on_its_report_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    forged = "c1\nforged.jsonl:9:1: JL000 forged\r\u2028\x1b[2K"
    record = {
        "messages": [
            {"role": "user", "content": "x"},
            {"role": "assistant", "tool_calls": [{"id": forged, "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            {"role": "assistant", "content": "y"},
        ]
    }
    data = tmp_path / "a\nb.jsonl"
    data.write_text(json.dumps(record) + "\n")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--select", "JL301", data.name])
    out = capsys.readouterr().out
    assert out == (
        'a\\nb.jsonl:1:93: error: JL301 tool call "c1\\nforged.jsonl:9:1: JL000 forged\\r\\u2028\\x1b[2K" '
        "is not answered by a tool message before the next turn\n"
        "Failed: 1 error in 1 file, 1 record checked.\n"
    )
    assert code == 1


@settings(max_examples=200)
@given(path=st.text(max_size=20), message=st.text(max_size=40))
def test_one_problem_is_one_text_line(path: str, message: str) -> None:
    problem = Problem(path=path, line=1, column=2, code="JL301", rule="r", severity=Severity.ERROR, message=message)
    assert len(format_problem(problem).splitlines()) == 1
