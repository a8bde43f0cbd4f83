"""`jsonl-lint check DIR`: the JSONL files under DIR, recursively, hidden folders skipped, sorted."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsonl_lint.cli import main
from jsonl_lint.discover import expand

GOOD = "".join(f'{{"messages": [{{"role": "user", "content": "q{i}"}}, {{"role": "assistant", "content": "a{i}"}}]}}\n' for i in range(50))


def tree(root: Path, names: list[str]) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(GOOD)


def test_a_directory_stands_for_its_jsonl_files(tmp_path: Path) -> None:
    tree(tmp_path, ["b.ndjson", "a/z.jsonl", "a/b/c.jsonl", ".git/x.jsonl", "a/.cache/y.jsonl", "notes.txt", "a/d.json", "c.JSONL"])
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    found = [Path(p).relative_to(tmp_path).as_posix() for p in expand([str(tmp_path)])]
    assert found == ["b.ndjson", "a/z.jsonl", "a/b/c.jsonl"]


def test_named_files_and_standard_input_are_kept_as_they_are(tmp_path: Path) -> None:
    tree(tmp_path, ["d/x.jsonl"])
    assert expand(["-", "data.txt", str(tmp_path / "d")]) == ["-", "data.txt", str(tmp_path / "d" / "x.jsonl")]


def test_check_walks_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    tree(tmp_path, ["data/train.jsonl", "data/more/valid.ndjson"])
    (tmp_path / "data" / "more" / "bad.jsonl").write_text("[1]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "data"]) == 1
    assert capsys.readouterr().out == (
        "data/more/bad.jsonl:1:1: error: JL005 expected a JSON object on each line, found an array\n"
        "Failed: 1 error in 3 files, 100 records checked.\n"
    )


def test_a_directory_without_jsonl_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree(tmp_path, ["empty/notes.txt"])
    assert main(["check", str(tmp_path / "empty")]) == 2
    assert capsys.readouterr().err == f"jsonl-lint: {tmp_path / 'empty'}: a directory with no *.jsonl or *.ndjson files\n"
