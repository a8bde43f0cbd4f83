"""Outputs never overwrite an input (by name, symbolic or hard link), every write is checked
(a full disk, a closed pipe: one line on stderr, exit 2), and no temporary file is left."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from jsonl_lint.cli import main

GOOD = b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n'


def linked(tmp_path: Path, how: str) -> tuple[Path, str]:
    """An input file and a name for it: the same name, a symbolic link or a hard link."""
    data = tmp_path / "train.jsonl"
    data.write_bytes(GOOD * 3)
    if how == "name":
        return data, str(data)
    other = tmp_path / "other.jsonl"
    if how == "symlink":
        other.symlink_to(data)
    else:
        os.link(data, other)
    return data, str(other)


COMMANDS: dict[str, Callable[[Path, str], list[str]]] = {
    "check --output-file": lambda data, out: ["check", "--output-file", out, str(data)],
    "check --output-file, validation": lambda data, out: ["check", "--output-file", out, "--validation", str(data), str(data)],
    "stats --output-file": lambda data, out: ["stats", "--encoding", "o200k_base", "--output-file", out, str(data)],
    "split --train": lambda data, out: ["split", str(data), "--train", out, "--validation", str(data.parent / "v.jsonl")],
    "split --validation": lambda data, out: ["split", str(data), "--train", str(data.parent / "t.jsonl"), "--validation", out],
}


@pytest.mark.parametrize("how", ["name", "symlink", "hardlink"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_output_naming_an_input_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, how: str) -> None:
    data, output = linked(tmp_path, how)
    assert main(COMMANDS[command](data, output)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"jsonl-lint: {output}: is an input file") and err.endswith("refusing to overwrite it\n")
    assert data.read_bytes() == GOOD * 3
    assert not (tmp_path / "v.jsonl").exists() and not (tmp_path / "t.jsonl").exists()


def test_split_to_standard_output_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.jsonl"
    data.write_bytes(GOOD)
    assert main(["split", str(data), "--train", "-", "--validation", str(tmp_path / "v.jsonl")]) == 2
    assert capsys.readouterr().err == "jsonl-lint: --train and --validation must name files: standard output cannot take both\n"
    assert not (tmp_path / "-").exists()


def test_fix_through_a_symlink_fixes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real.jsonl"
    target.write_bytes(GOOD.replace(b"\n", b"\r\n"))
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert main(["check", "--fix", "--select", "JL0", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == GOOD


def test_fix_that_cannot_write_says_so_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "t.jsonl"
    data.write_bytes(GOOD + b"\n")

    def read_only_folder(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", read_only_folder)
    assert main(["check", "--fix", "--select", "JL0", str(data)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"jsonl-lint: --fix: {data}: cannot write: Permission denied\n"
    assert f"{data}:2:1: error: JL003" in captured.out  # still checked
    assert data.read_bytes() == GOOD + b"\n"


def test_a_failed_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "t.jsonl"
    data.write_bytes(GOOD.replace(b"\n", b"\r\n"))

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    assert main(["check", "--fix", "--select", "JL0", str(data)]) == 2
    assert capsys.readouterr().err == f"jsonl-lint: --fix: {data}: cannot write: No space left on device\n"
    assert main(["check", "--output-file", str(tmp_path / "report.txt"), str(data)]) == 2
    assert capsys.readouterr().err == f"jsonl-lint: {tmp_path / 'report.txt'}: cannot write: No space left on device\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.jsonl"]
    assert data.read_bytes() == GOOD.replace(b"\n", b"\r\n")


def run_cli(*args: str, stdout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jsonl_lint", *args], stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120, check=False
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_standard_output_on_a_full_disk_is_exit_2(tmp_path: Path) -> None:
    data = tmp_path / "t.jsonl"
    data.write_bytes(b"{bad\n" * 50)
    with open("/dev/full", "w") as full:
        result = run_cli("check", str(data), stdout=full.fileno())
    assert (result.returncode, result.stderr) == (2, "jsonl-lint: standard output: cannot write: No space left on device\n")


def test_a_closed_pipe_ends_with_one_line_and_exit_2(tmp_path: Path) -> None:
    data = tmp_path / "t.jsonl"
    data.write_bytes(b"{bad\n" * 5000)
    process = subprocess.Popen([sys.executable, "-m", "jsonl_lint", "check", str(data)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 2
    assert err == "jsonl-lint: standard output: cannot write: Broken pipe\n"


def test_hook_entries_end_options_before_file_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What pre-commit runs: entry + args + file names; a file named like an option is a file."""
    from conftest import ROOT

    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    entries = [line.split(":", 1)[1].split() for line in hooks.splitlines() if line.strip().startswith("entry:")]
    assert len(entries) == hooks.count("- id:") == hooks.count('args: ["--"]')
    monkeypatch.chdir(tmp_path)
    (tmp_path / "v.jsonl").write_bytes(GOOD)
    (tmp_path / "--output-file=v.jsonl").write_bytes(GOOD)
    (tmp_path / "-x.jsonl").write_bytes(GOOD)
    for entry in entries:
        assert main([*entry[1:], "--select", "JL0", "--", "--output-file=v.jsonl", "-x.jsonl", "v.jsonl"]) == 0
        assert (tmp_path / "v.jsonl").read_bytes() == GOOD
    assert capsys.readouterr().out.count("Passed: no problems in 3 files") == len(entries)


def test_every_subcommand_takes_file_names_after_a_double_dash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("-x.jsonl").write_bytes(GOOD)
    assert main(["check", "--select", "JL0", "--", "-x.jsonl"]) == 0
    assert main(["split", "--train", "t.jsonl", "--validation", "v.jsonl", "--", "-x.jsonl"]) == 0
    assert Path("t.jsonl").read_bytes() + Path("v.jsonl").read_bytes() == GOOD
    assert main(["convert", "--from", "chat", "-o", "out.jsonl", "--", "-x.jsonl"]) == 0
    assert Path("out.jsonl").exists()
    assert main(["check", "--", "-x.jsonl", "--output-file=r.txt"]) == 2  # a file name, not an option
    assert "--output-file=r.txt: No such file or directory" in capsys.readouterr().err
    assert not Path("r.txt").exists()
