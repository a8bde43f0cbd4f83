"""The Ray engine gives the local checker's report; without Ray it is one clear error."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_parallel import edge_file, record
from test_stats_ranges import stats_file

from conftest import TEST_ENCODING
from jsonl_lint import parallel, source
from jsonl_lint.cli import main

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """A local Ray with 2 CPUs whose workers find the tests' tiktoken encoding (tests/ on their path)."""
    ray = pytest.importorskip("ray", reason="the ray extra is not installed")
    saved = {name: os.environ.get(name) for name in ("RAY_ADDRESS", "PYTHONPATH")}
    os.environ.pop("RAY_ADDRESS", None)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), saved["PYTHONPATH"]]))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], local_ray: None
) -> None:
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


@pytest.mark.slow
def test_ray_stats_print_what_local_stats_print(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], local_ray: None
) -> None:
    monkeypatch.setattr(parallel, "RANGE_BYTES", 1000)  # ranges cut examples over the limit, skipped lines, a long line
    train, valid = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
    stats_file(train)
    valid.write_text("".join(json.dumps(record(i)) + "\n" for i in range(30)))
    (tmp_path / "pyproject.toml").write_text("[tool.jsonl-lint]\nmax-line-bytes = 2000\n")
    printed = []
    for engine in ("local", "ray"):
        for output in ("text", "json"):
            argv = ["stats", "--engine", engine, "--jobs", "1" if engine == "local" else "2", "--encoding", TEST_ENCODING]
            assert main([*argv, "--max-tokens", "55", "--format", output, "--validation", str(valid), str(train)]) == 0
            printed.append(capsys.readouterr().out)
    assert printed[:2] == printed[2:]
    figures = json.loads(printed[1])
    assert (figures["examples"], figures["files"][0]["skipped_lines"]) == (397, 5)
    assert 0 < figures["files"][0]["examples_over_limit"] < 397


@pytest.mark.slow
def test_ray_reads_inputs_no_task_can_open_as_the_local_checker_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], local_ray: None
) -> None:
    """A compressed input and memory:// (which lives only in this process) are read here in
    small blocks checked as Ray tasks; a file:// URL's ranges are read by the tasks through
    fsspec: each gives the plain file's report and stats."""
    import gzip

    fsspec = pytest.importorskip("fsspec", reason="the remote extra is not installed")
    monkeypatch.setattr(source, "BLOCK_BYTES", 700)  # many blocks, duplicates across them
    monkeypatch.setattr(parallel, "RANGE_BYTES", 700)  # and many ranges
    plain = tmp_path / "train.jsonl"
    edge_file(plain, bom=False, final_newline=True)
    data = plain.read_bytes()
    packed = tmp_path / "train.jsonl.gz"
    packed.write_bytes(gzip.compress(data))
    with fsspec.open("memory://ray-test/train.jsonl", "wb") as out:
        out.write(data)

    def printed(path: str, command: str, *options: str) -> str:
        assert main([command, "--engine", "ray", "--jobs", "2", *options, path]) in (0, 1)
        return capsys.readouterr().out.replace(path, "FILE")

    main(["check", "--jobs", "1", "--max-line-bytes", "4000", "--format", "json", str(plain)])
    local = capsys.readouterr().out.replace(str(plain), "FILE")
    assert '"JL703"' in local and '"JL011"' in local  # duplicates across blocks, a long line
    for path in (str(packed), plain.as_uri()):
        assert printed(path, "check", "--max-line-bytes", "4000", "--format", "json") == local
    (tmp_path / "pyproject.toml").write_text("[tool.jsonl-lint]\nmax-line-bytes = 4000\n")  # stats takes it from there
    main(["stats", "--jobs", "1", "--encoding", TEST_ENCODING, "--format", "json", str(plain)])
    local_stats = capsys.readouterr().out.replace(str(plain), "FILE")
    assert '"examples": 117' in local_stats
    for path in (str(packed), plain.as_uri()):
        assert printed(path, "stats", "--encoding", TEST_ENCODING, "--format", "json") == local_stats

    from jsonl_lint.ray import check_dataset

    def found(path: str) -> list[tuple[object, ...]]:
        (report,) = check_dataset([path], flags={"max_line_bytes": 4000})
        return [(p.line, p.column, p.code, p.message) for p in report.problems]

    assert found("memory://ray-test/train.jsonl") == found(str(plain))
