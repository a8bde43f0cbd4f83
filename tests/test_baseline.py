"""Baselines (check --write-baseline / --baseline) and the Markdown summary (--format markdown)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint.baseline import Comparison
from jsonl_lint.cli import main
from jsonl_lint.problems import Problem, Report, Severity
from jsonl_lint.report.markdown_format import Writer, cell

EMPTY = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": ""}]}\n'
GOOD = '{"messages": [{"role": "user", "content": "Hi %d"}, {"role": "assistant", "content": "Hello"}]}\n'
MAIL = '{"messages": [{"role": "user", "content": "mail maria.lopez@fastmail.fm"}, {"role": "assistant", "content": "ok"}]}\n'


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check", "--no-token-check", "--ignore", "JL702", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "train.jsonl"
    path.write_text(EMPTY + "".join(GOOD % i for i in range(12)) + MAIL)
    return path


def test_a_baseline_survives_inserted_and_removed_lines(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--write-baseline", "baseline.json", "train.jsonl"], capsys)
    assert code == 0 and out.endswith("wrote 2 problems to the baseline baseline.json\n")
    entries = json.loads(Path("baseline.json").read_text())["problems"]
    assert [(e["path"], e["code"], e["json_path"], e["count"]) for e in entries] == [
        ("train.jsonl", "JL205", "messages[1].content", 1),
        ("train.jsonl", "JL811", "messages[0].content", 1),
    ]
    lines = data.read_text().splitlines(keepends=True)
    data.write_text(GOOD % 99 + GOOD % 98 + "".join(lines[:5]) + "".join(lines[7:]))  # two added above, two removed
    code, out, _ = run(["--baseline", "baseline.json", "train.jsonl"], capsys)
    assert code == 0
    assert out == "Passed: no problems in 1 file, 14 records checked.\nbaseline baseline.json: 0 new, 2 remaining, 0 fixed\n"


def test_new_problems_fail_and_fixed_ones_are_counted(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["--write-baseline", "baseline.json", "train.jsonl"], capsys)
    data.write_text(EMPTY + EMPTY.replace("Hi", "Hey") + "".join(GOOD % i for i in range(12)))  # a new empty reply; the e-mail gone
    code, out, _ = run(["--baseline", "baseline.json", "train.jsonl"], capsys)
    assert code == 1
    assert out.splitlines()[0] == "train.jsonl:2:84: error: JL205 the assistant reply is empty: the model would learn to say nothing"
    assert out.splitlines()[-1] == "baseline baseline.json: 1 new, 1 remaining, 1 fixed"


def test_equal_problems_are_counted(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["--write-baseline", "baseline.json", "train.jsonl"], capsys)
    data.write_text(EMPTY + data.read_text() + EMPTY)  # the same bad record twice more (JL703 too)
    code, out, _ = run(["--baseline", "baseline.json", "--select", "JL205", "train.jsonl"], capsys)
    assert code == 1 and out.count("JL205") == 2 and "2 new, 1 remaining" in out


def test_the_config_names_the_baseline(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["--write-baseline", "baseline.json", "train.jsonl"], capsys)
    Path("pyproject.toml").write_text('[tool.jsonl-lint]\nbaseline = "baseline.json"\n')
    from jsonl_lint import config

    config._config_in.cache_clear()
    code, out, _ = run(["train.jsonl"], capsys)
    assert code == 0 and "0 new, 2 remaining" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "jsonl-lint: baseline.json: not a jsonl-lint baseline (Expecting value: line 1 column 1 (char 0))\n"),
        (
            '{"version": 2, "problems": []}',
            "jsonl-lint: baseline.json: not a jsonl-lint baseline (expected version 1 and a list of problems)\n",
        ),
        (
            '{"version": 1, "problems": [{"path": "a"}]}',
            "jsonl-lint: baseline.json: not a jsonl-lint baseline (an entry lacks path, code, record, json_path or count)\n",
        ),
        (
            '{"version": 1, "problems": [{"path": "a", "code": "JL1", "record": "", "json_path": "", "count": true}]}',
            "jsonl-lint: baseline.json: not a jsonl-lint baseline (an entry has a value of the wrong type)\n",
        ),
    ],
)
def test_a_bad_baseline_is_a_usage_error(data: Path, capsys: pytest.CaptureFixture[str], content: str, message: str) -> None:
    Path("baseline.json").write_text(content)
    code, out, err = run(["--baseline", "baseline.json", "train.jsonl"], capsys)
    assert (code, out, err) == (2, "", message)


def test_a_missing_baseline_and_standard_input(data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(["--baseline", "missing.json", "train.jsonl"], capsys)
    assert (code, err) == (2, "jsonl-lint: missing.json: No such file or directory\n")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(EMPTY.encode())))
    code, _, err = run(["--write-baseline", "b.json", "-"], capsys)
    assert code == 2 and err.endswith("a baseline cannot be used with standard input (its lines cannot be read again)\n")


def test_markdown_summary_exactly(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--format", "markdown", "train.jsonl"], capsys)
    assert code == 1
    assert out == (
        "## jsonl-lint: ❌ failed\n\n"
        "2 problems (1 error, 1 warning) in 1 file, 14 records checked.\n\n"
        "| rule | severity | count |\n|---|---|---:|\n"
        "| JL205 empty-assistant-content | error | 1 |\n"
        "| JL811 email-address | warning | 1 |\n\n"
        "### Problems\n\n"
        "| file | line | rule | message |\n|---|---:|---|---|\n"
        "| train.jsonl | 1 | JL205 | the assistant reply is empty: the model would learn to say nothing |\n"
        "| train.jsonl | 14 | JL811 | e-mail address m…@….fm in messages\\[0\\].content: remove or pseudonymise it |\n"
    )


def test_markdown_with_a_baseline_says_new_remaining_fixed(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["--write-baseline", "baseline.json", "train.jsonl"], capsys)
    data.write_text("".join(GOOD % i for i in range(12)) + MAIL)
    code, out, err = run(["--format", "markdown", "--baseline", "baseline.json", "train.jsonl"], capsys)
    assert code == 0
    assert out == (
        "## jsonl-lint: ✅ passed\n\n"
        "0 new problems in 1 file, 13 records checked.\n\n"
        "| new | remaining | fixed |\n|---:|---:|---:|\n| 0 | 1 | 1 |\n\n"
    )
    assert err == "baseline baseline.json: 0 new, 1 remaining, 1 fixed\n"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_a_cell_never_breaks_the_table_or_holds_html(text: str) -> None:
    escaped = cell(text)
    assert "\n" not in escaped and "\r" not in escaped and "<" not in escaped and ">" not in escaped
    assert escaped.replace("\\|", "").count("|") == 0


def test_markdown_lists_the_first_problems_and_counts_the_rest() -> None:
    out = io.StringIO()
    writer = Writer(out, Comparison(new=60, remaining=3))
    for line in range(1, 61):
        writer.problem(
            Problem(path="a.jsonl", line=line, column=1, code="JL003", rule="blank-line", severity=Severity.ERROR, message="blank")
        )
    report = Report(
        path="a.jsonl", problems=(), records=60, data_format="chat", profile="openai", model="m", severities={Severity.ERROR: 60}
    )
    writer.finish([report])
    text = out.getvalue()
    assert "| 60 | 3 | 0 |" in text and "### New problems (the first 50)" in text and text.count("| a.jsonl |") == 50
