"""The Ray engine gives the local checker's report; without Ray it is one clear error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from test_parallel import edge_file, record

from jsonl_lint import parallel
from jsonl_lint.cli import main


def test_without_ray_the_engine_is_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails
    data = tmp_path / "t.jsonl"
    data.write_text(json.dumps(record(1)) + "\n")
    assert main(["check", "--engine", "ray", str(data)]) == 2
    assert capsys.readouterr().err == "jsonl-lint: --engine ray needs Ray: pip install 'jsonl-lint[ray]'\n"


@pytest.mark.slow
def test_ray_prints_what_the_local_checker_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    monkeypatch.setattr(parallel, "RANGE_BYTES", 700)
    train, other, valid = tmp_path / "train.jsonl", tmp_path / "other.jsonl", tmp_path / "valid.jsonl"
    edge_file(train, bom=True, final_newline=False)  # problems and duplicates at range edges
    other.write_text("".join(json.dumps(record(i)) + "\n" for i in (5, 6, 200, 201)))  # duplicates across files
    valid.write_text("".join(json.dumps(record(i)) + "\n" for i in (7, 300)))  # a validation leak
    printed = []
    for engine in ("local", "ray"):
        argv = ["check", "--engine", engine, "--jobs", "2", "--max-line-bytes", "4000", "--validation", str(valid), str(train), str(other)]
        assert main(argv) == 1
        printed.append(capsys.readouterr().out)
    assert printed[0] == printed[1]
    for code in ("JL703", "JL704", "JL011"):  # duplicates (within and across files), validation leak, a long line
        assert f" {code} " in printed[0]
