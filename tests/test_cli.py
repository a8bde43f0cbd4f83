"""The command line: exact output for each format, exit codes, stdin, several files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES
from jsonl_lint import formats
from jsonl_lint.cli import main

CHAT = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n'
BROKEN = CHAT + '{"messages": [{"role": "user", "content": "hi"}], "weight": 1}\n\n{"a": 1,}\n'


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.jsonl"
    path.write_text(BROKEN)
    return path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    path = tmp_path / "clean.jsonl"
    path.write_text(CHAT)
    return path


def test_text_output_exactly(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check", "--select", "JL0,JL1", str(broken)], capsys)
    p = str(broken)
    assert out == (
        f'{p}:2:51: error: JL101 unexpected key "weight" in the record: `weight` (0 or 1) belongs on an assistant message\n'
        f"{p}:3:1: error: JL003 blank line; every line must hold one JSON object (remove it)\n"
        f"{p}:4:8: error: JL004 invalid JSON: trailing comma is not allowed\n"
        "Failed: 3 errors in 1 file, 2 records checked.\n"
    )
    assert (code, err) == (1, "")


def test_json_output_exactly(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--format", "json", "--select", "JL003", str(broken)], capsys)
    assert code == 1
    assert json.loads(out) == [
        {
            "path": str(broken),
            "line": 3,
            "column": 1,
            "code": "JL003",
            "rule": "blank-line",
            "severity": "error",
            "message": "blank line; every line must hold one JSON object (remove it)",
            "json_path": None,
        }
    ]
    assert out.startswith('[\n  {\n    "path": ')


def test_clean_file_exit_zero(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--select", "JL0,JL1", str(clean)], capsys) == (0, "Passed: no problems in 1 file, 1 record checked.\n", "")


def test_json_output_of_a_clean_file_is_an_empty_array(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--format", "json", "--select", "JL0,JL1", str(clean)], capsys) == (0, "[]\n", "")


def test_file_level_problem_has_no_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    code, out, _ = run(["check", str(empty)], capsys)
    assert out.splitlines()[0] == f"{empty}: error: JL009 the file holds no records"
    assert code == 1


def test_several_files_in_one_call(clean: Path, broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--select", "JL003", str(clean), str(broken)], capsys)
    assert (
        out
        == f"{broken}:3:1: error: JL003 blank line; every line must hold one JSON object (remove it)\nFailed: 1 error in 2 files, 3 records checked.\n"
    )
    assert code == 1


def test_missing_file_is_exit_2_with_one_line_on_stderr(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check", "--select", "JL0", "nope.jsonl", str(clean)], capsys)
    assert (code, err) == (2, "jsonl-lint: nope.jsonl: No such file or directory\n")
    assert out == "Failed: no problems in 1 file, 1 record checked; 1 file could not be read.\n"  # the readable file is still checked


def test_unknown_model_exit_2(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check", "--model", "gpt-5", str(clean)], capsys)
    assert code == 2 and out == ""
    assert err.startswith("jsonl-lint: unknown model 'gpt-5' for profile 'openai'; known models: gpt-4.1-2025-04-14,")
    assert err.count("\n") == 1


def test_bad_option_exit_2(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", "--format", "xml", str(clean)], capsys)
    assert code == 2
    assert "Invalid value for '--format'" in err and "Traceback" not in err


def test_directory_without_jsonl_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", str(tmp_path)], capsys)  # a directory with files: test_discover
    assert code == 2 and err == f"jsonl-lint: {tmp_path}: a directory with no *.jsonl or *.ndjson files\n"


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\n" + CHAT.encode())))
    code, out, _ = run(["check", "--select", "JL0", "-"], capsys)
    assert (
        out
        == "<stdin>:1:1: error: JL003 blank line; every line must hold one JSON object (remove it)\nFailed: 1 error in 1 file, 1 record checked.\n"
    )
    assert code == 1


@pytest.mark.parametrize("name", list(formats.FORMATS))
def test_schema_command_prints_the_shipped_schema(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schema", name], capsys)
    assert code == 0 and json.loads(out) == formats.load_schema(name)


def test_console_script_and_module_agree_on_the_shipped_examples() -> None:
    good = subprocess.run([sys.executable, "-m", "jsonl_lint", "check", str(EXAMPLES / "chat.jsonl")], capture_output=True, text=True)
    bad = subprocess.run([sys.executable, "-m", "jsonl_lint", "check", str(EXAMPLES / "broken.jsonl")], capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert f"{EXAMPLES / 'broken.jsonl'}:3:1: error: JL003 blank line" in bad.stdout


@pytest.mark.parametrize(("example", "exit_code"), [("broken", 1), ("chat", 0)])
def test_readme_sample_output_is_what_the_tool_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, example: str, exit_code: int
) -> None:
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    sample = readme.split(f"$ jsonl-lint check examples/{example}.jsonl\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    assert main(["check", f"examples/{example}.jsonl"]) == exit_code
    assert capsys.readouterr().out == sample


def test_cli_choices_match_their_registries() -> None:
    """The CLI names the convert and stats choices itself (so that `check` does not import them)."""
    from jsonl_lint import cli
    from jsonl_lint.convert import REGISTRY
    from jsonl_lint.convert.completion import EMPTY_PROMPT_POLICIES
    from jsonl_lint.stats_render import RENDERERS

    assert tuple(REGISTRY) == cli.CONVERT_SOURCES
    assert cli.EMPTY_PROMPT_POLICIES == EMPTY_PROMPT_POLICIES
    assert tuple(RENDERERS) == cli.STATS_FORMATS


def test_check_and_version_start_without_the_converters_stats_or_workers() -> None:
    code = (
        "import sys; from jsonl_lint.cli import main; "
        "print(sorted(m for m in sys.modules if m.startswith(('jsonl_lint.convert', 'jsonl_lint.stats', 'multiprocessing', 'hashlib'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    version = subprocess.run([sys.executable, "-m", "jsonl_lint", "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("jsonl-lint ")
