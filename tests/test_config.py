"""[tool.jsonl-lint] in pyproject.toml, found by walking up; flags override it; bad config exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsonl_lint.cli import main
from jsonl_lint.config import _config_in

BAD_LINE = (
    '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "x"}]}\n'
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    _config_in.cache_clear()
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "a.jsonl").write_text(BAD_LINE * 12)
    return tmp_path


def write_config(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n[tool.jsonl-lint]\n{body}\n")
    _config_in.cache_clear()


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def codes_in(out: str) -> list[str]:
    return [line.split(": ")[2].split()[0] for line in out.splitlines()[:-1]]


def test_no_config_uses_defaults(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["check", str(project / "data/raw/a.jsonl")], capsys)
    assert codes_in(out) == ["JL202", "JL703"] * 11 + ["JL202", "JL702"]  # line order; the file-level JL702 last


def test_config_found_by_walking_up(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(project, 'ignore = ["JL70"]\nseverity = {JL202 = "error"}')
    code, out, _ = run(["check", str(project / "data/raw/a.jsonl")], capsys)
    assert set(codes_in(out)) == {"JL202"} and code == 1  # JL202 raised to an error


def test_flags_override_the_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(project, 'select = ["JL703"]')
    _, out, _ = run(["check", "--select", "JL202", str(project / "data/raw/a.jsonl")], capsys)
    assert set(codes_in(out)) == {"JL202"}


def test_per_file_ignores_relative_to_the_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(project, '[tool.jsonl-lint.per-file-ignores]\n"data/raw/*.jsonl" = ["JL2", "duplicate-example"]')
    _, out, _ = run(["check", str(project / "data/raw/a.jsonl")], capsys)
    assert codes_in(out) == ["JL702"]


def test_profile_and_model_from_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(project, 'profile = "structural"')
    code, out, _ = run(["check", str(project / "data/raw/a.jsonl")], capsys)
    assert (code, codes_in(out)) == (0, [])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("unknown = 1", "unknown key 'unknown'"),
        ('select = "JL1"\nignore = 3', "ignore must be a list of strings"),
        ('severity = {JL999 = "error"}', "severity: unknown rule 'JL999'"),
        ('severity = {JL202 = "fatal"}', "unknown severity 'fatal'"),
        ('max-tokens = "big"', "max-tokens must be an integer"),
        ("token-check = 1", "token-check must be true or false"),
        ("profile = ", "Invalid value"),
    ],
)
def test_invalid_config_exits_2(project: Path, capsys: pytest.CaptureFixture[str], body: str, message: str) -> None:
    write_config(project, body)
    code, out, err = run(["check", str(project / "data/raw/a.jsonl")], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"jsonl-lint: invalid config: {project / 'pyproject.toml'}: ")
    assert message in err and err.count("\n") == 1


def test_rules_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules"], capsys)
    assert code == 0 and out.splitlines()[0] == "JL001  invalid-utf8                         error    a line is not valid UTF-8"
    code, out, _ = run(["rules", "duplicate-example"], capsys)
    assert code == 0 and out.startswith("JL703 duplicate-example (default severity: warning)\n\nAn example is the same")
    code, _, err = run(["rules", "JL999"], capsys)
    assert code == 2 and err == "jsonl-lint: unknown rule 'JL999'; `jsonl-lint rules` lists them\n"
