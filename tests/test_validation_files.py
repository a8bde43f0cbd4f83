"""Validation files marked in the config (`validation-files` globs) are judged by their own minimum."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jsonl_lint.cli import main
from jsonl_lint.config import _config_in

EXAMPLE = '{"messages": [{"role": "user", "content": "q%d"}, {"role": "assistant", "content": "a%d"}]}\n'


def dataset(path: Path, count: int) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(EXAMPLE % (i, i) for i in range(count)))
    return str(path)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    _config_in.cache_clear()
    yield tmp_path
    _config_in.cache_clear()


def configure(root: Path, table: str) -> None:
    (root / "pyproject.toml").write_text("[tool.jsonl-lint]\n" + table)


def test_a_small_validation_file_passes_the_hook(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(project, 'validation-files = ["*valid*.jsonl"]\n')
    dataset(project / "data" / "valid.jsonl", 3)
    dataset(project / "data" / "train.jsonl", 60)
    assert main(["check", "data/train.jsonl", "data/valid.jsonl"]) == 0  # what pre-commit runs
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "2 files, 63 records" in out  # the summary, no problem


def test_training_files_keep_the_profiles_minimum(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(project, 'validation-files = ["data/valid/*.jsonl"]\n')
    dataset(project / "data" / "valid" / "a.jsonl", 3)
    dataset(project / "data" / "small.jsonl", 3)
    assert main(["check", "data"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == "data/small.jsonl: error: JL701 the file has 3 examples; openai needs at least 10"


def test_validation_files_have_their_own_minimum(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(project, 'validation-files = ["*valid*.jsonl"]\nvalidation-min-examples = 5\n')
    dataset(project / "valid.jsonl", 3)
    assert main(["check", "valid.jsonl"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == "valid.jsonl: error: JL701 the file has 3 examples; openai needs at least 5"


def test_the_validation_option_marks_its_file_too(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    train, valid = dataset(project / "train.jsonl", 60), dataset(project / "v.jsonl", 2)
    (project / "v.jsonl").write_text(EXAMPLE % (100, 100) + EXAMPLE % (101, 101))
    assert main(["check", "--validation", valid, train]) == 0
    assert "JL70" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("table", "error"),
    [
        ("validation-files = 3\n", "validation-files must be a list of strings"),
        ("validation-min-examples = -1\n", "validation-min-examples must not be negative"),
    ],
)
def test_bad_values_are_usage_errors(project: Path, capsys: pytest.CaptureFixture[str], table: str, error: str) -> None:
    configure(project, table)
    dataset(project / "t.jsonl", 10)
    assert main(["check", "t.jsonl"]) == 2
    assert capsys.readouterr().err == f"jsonl-lint: invalid config: {project / 'pyproject.toml'}: {error}\n"
