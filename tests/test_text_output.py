"""Text output: severity on every line, colour where it helps, --quiet, floods cut, --version."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from jsonl_lint.cli import main

RED, YELLOW, CYAN, GREEN, RESET = "\x1b[1;31m", "\x1b[33m", "\x1b[36m", "\x1b[1;32m", "\x1b[0m"
CHAT = '{"messages": [{"role": "user", "content": "q%d"}, {"role": "assistant", "content": "a%d"}]}\n'


@pytest.fixture
def mixed(tmp_path: Path) -> str:
    """One error (a blank line), one warning (no user message), one info (few examples)."""
    lines = [CHAT % (i, i) for i in range(12)] + ["\n", '{"messages": [{"role": "assistant", "content": "hi"}]}\n']
    path = tmp_path / "m.jsonl"
    path.write_text("".join(lines))
    return str(path)


def test_every_line_says_its_severity(mixed: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--color", "never", mixed]) == 1
    assert capsys.readouterr().out == (
        f"{mixed}:13:1: error: JL003 blank line; every line must hold one JSON object (remove it)\n"
        f"{mixed}:14:14: warning: JL207 no user message: the example teaches the model to speak without being asked\n"
        f"{mixed}: info: JL702 the file has 13 examples; fine-tuning usually starts to help from 50\n"
        "Failed: 1 error, 1 warning, 1 info in 1 file, 13 records checked.\n"
    )


def test_colour_always_and_never(mixed: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--color", "always", mixed])
    lines = capsys.readouterr().out.splitlines()
    assert f": {RED}error:{RESET} JL003 " in lines[0] and f": {YELLOW}warning:{RESET} JL207 " in lines[1]
    assert f": {CYAN}info:{RESET} JL702 " in lines[2] and lines[3].startswith(f"{RED}Failed{RESET}: ")
    main(["check", "--color", "never", mixed])
    assert "\x1b[" not in capsys.readouterr().out


def test_colour_auto_follows_the_terminal_and_no_color(
    mixed: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    main(["check", mixed])  # captured output is not a terminal
    assert "\x1b[" not in capsys.readouterr().out
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    main(["check", mixed])
    assert RED in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    main(["check", mixed])
    assert "\x1b[" not in capsys.readouterr().out
    main(["check", "--color", "always", mixed])  # an explicit choice wins over NO_COLOR
    assert RED in capsys.readouterr().out


def test_a_passing_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_text("".join(CHAT % (i, i) for i in range(50)))
    assert main(["check", "--color", "always", str(path)]) == 0
    assert capsys.readouterr().out == f"{GREEN}Passed{RESET}: no problems in 1 file, 50 records checked.\n"


def test_quiet_shows_only_errors_then_only_the_summary(mixed: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-q", mixed]) == 1
    assert capsys.readouterr().out == (
        f"{mixed}:13:1: error: JL003 blank line; every line must hold one JSON object (remove it)\n"
        "Failed: 1 error, 1 warning, 1 info in 1 file, 13 records checked.\n"
    )
    assert main(["check", "-qq", mixed]) == 1
    assert capsys.readouterr().out == "Failed: 1 error, 1 warning, 1 info in 1 file, 13 records checked.\n"


@pytest.fixture
def flood(tmp_path: Path) -> str:
    path = tmp_path / "array.jsonl"
    path.write_text("[1]\n" * 25 + "\n" * 2)
    return str(path)


def test_a_flood_is_cut_after_20_problems_of_a_rule(flood: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", flood]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[2].split()[0] for line in lines[:-2]] == ["JL005"] * 20 + ["JL003"] * 2
    assert lines[20:22] == [
        f"{flood}:26:1: error: JL003 blank line; every line must hold one JSON object (remove it)",
        f"{flood}:27:1: error: JL003 blank line; every line must hold one JSON object (remove it)",
    ]
    assert lines[-2:] == [
        f"{flood}: 5 more JL005 problems (not-an-object) not shown; --show-all lists every one",
        "Failed: 27 errors in 1 file, 0 records checked.",
    ]


def test_show_all_and_machine_formats_keep_every_problem(flood: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--show-all", flood])
    out = capsys.readouterr().out
    assert out.count(" JL005 ") == 25 and "not shown" not in out
    main(["check", "--format", "json", flood])
    assert len(json.loads(capsys.readouterr().out)) == 27


def test_version_is_fast_it_imports_neither_click_nor_the_checker() -> None:
    code = (
        "import sys; sys.argv = ['jsonl-lint', '--version']\n"
        "from jsonl_lint.entry import main\n"
        "try:\n    main()\nexcept SystemExit as done:\n"
        "    heavy = [m for m in ('click', 'jsonl_lint.cli', 'jsonl_lint.engine', 'orjson', 'jsonschema') if m in sys.modules]\n"
        "    print(done.code, heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout == "jsonl-lint 0.1.0\n0 []\n"


def test_version_agrees_with_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"jsonl-lint {version}\n"
