"""Parquet read as JSONL: each row one record, a problem's line its row number."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TEST_ENCODING
from jsonl_lint import check_file, source
from jsonl_lint.cli import main
from jsonl_lint.parquet_rows import row_line
from jsonl_lint.problems import UsageError
from jsonl_lint.source import Source

pa = pytest.importorskip("pyarrow", reason="the parquet extra (pyarrow) is not installed")
pq = pytest.importorskip("pyarrow.parquet", reason="the parquet extra (pyarrow) is not installed")

CALL = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
RECORDS = [
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]},
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]},  # a duplicate
    {"messages": [{"role": "user", "content": "Hi"}]},  # nothing to learn from
    {"messages": [{"role": "user", "content": "Go"}, {"role": "assistant", "tool_calls": [CALL]}]},  # an unanswered call
    {"messages": [{"role": "bot", "content": "x"}, {"role": "assistant", "content": "y"}]},
]


def as_jsonl(records: list[dict[str, object]]) -> bytes:
    return b"".join(orjson.dumps(record) + b"\n" for record in records)


def write_parquet(path: Path, records: list[dict[str, object]], row_group_size: int = 2) -> None:
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=row_group_size)


def test_parquet_rows_are_checked_as_the_same_records_in_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_parquet(tmp_path / "train.parquet", RECORDS)
    (tmp_path / "train.jsonl").write_bytes(as_jsonl(RECORDS))
    outputs = []
    for name in ("train.jsonl", "train.parquet"):
        assert main(["check", "--encoding", TEST_ENCODING, "--format", "json", str(tmp_path / name)]) == 1
        outputs.append(capsys.readouterr().out.replace(name, "NAME"))
    assert outputs[0] == outputs[1]
    report = check_file(tmp_path / "train.parquet", encoding=TEST_ENCODING)
    assert {p.line for p in report.problems} == {2, 3, 5, None}  # row numbers, 1-based (None: the file as a whole)


def test_a_null_field_is_a_key_the_row_does_not_have() -> None:
    table = pa.Table.from_pylist(RECORDS)  # every message struct has tool_calls: null where the JSONL had none
    rows = [row_line(row) for row in table.to_pylist()]
    assert rows == [orjson.dumps(record) + b"\n" for record in RECORDS]
    assert row_line({"a": b"\x00\xff", "b": [None, 1], "c": None}) == b'{"a":"AP8=","b":[null,1]}\n'


def test_rows_are_read_in_batches_and_the_whole_file_is_read(tmp_path: Path) -> None:
    records = [{"text": f"row {i}"} for i in range(2000)]
    write_parquet(tmp_path / "t.parquet", records, row_group_size=300)
    with Source.open(str(tmp_path / "t.parquet")) as opened:
        assert opened.compression == "parquet"
        assert [line for _, line in opened.lines()] == [orjson.dumps(r) + b"\n" for r in records]


@pytest.mark.parametrize(
    ("name", "data", "shape"),
    [
        ("t.parquet", b'{"text": "a"}\n', "not-parquet"),
        ("t.parquet", b"PAR1" + b"\x00" * 100, "parquet-corrupt"),
    ],
)
def test_a_file_that_is_not_parquet_is_one_problem(tmp_path: Path, name: str, data: bytes, shape: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    report = check_file(path, encoding=TEST_ENCODING)
    assert [(p.line, p.code, p.message) for p in report.problems] == [(None, "JL012", source.SHAPES[shape])]


def test_parquet_named_as_jsonl_is_one_problem_not_read(tmp_path: Path) -> None:
    write_parquet(tmp_path / "t.parquet", RECORDS)
    (tmp_path / "t.jsonl").write_bytes((tmp_path / "t.parquet").read_bytes())
    report = check_file(tmp_path / "t.jsonl", encoding=TEST_ENCODING)
    assert [(p.line, p.code, p.message) for p in report.problems] == [(None, "JL012", source.SHAPES["parquet"])]


def test_fix_refuses_parquet_and_stats_reads_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.parquet"
    write_parquet(path, RECORDS[:2])
    before = path.read_bytes()
    assert main(["check", "--fix", "--select", "JL0", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"jsonl-lint: --fix: {path}: is a Parquet file; --fix rewrites plain JSONL only (decompress it, fix, compress again)\n"
    )
    assert path.read_bytes() == before
    (tmp_path / "t.jsonl").write_bytes(as_jsonl(RECORDS[:2]))
    outputs = []
    for name in ("t.jsonl", "t.parquet"):
        assert main(["stats", "--encoding", TEST_ENCODING, str(tmp_path / name)]) == 0
        outputs.append(capsys.readouterr().out.replace(name, "NAME"))
    assert outputs[0] == outputs[1]


def test_without_pyarrow_parquet_is_one_line_naming_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.parquet"
    write_parquet(path, RECORDS)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(UsageError, match=r"^.*t\.parquet: reading Parquet needs pyarrow: pip install 'jsonl-lint\[parquet\]'$"):
        Source.open(str(path))


def test_parquet_through_fsspec_and_convert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fsspec = pytest.importorskip("fsspec", reason="the remote extra (fsspec) is not installed")
    sharegpt = [{"conversations": [{"from": "human", "value": f"q{i}"}, {"from": "gpt", "value": f"a{i}"}]} for i in range(5)]
    write_parquet(tmp_path / "s.parquet", sharegpt)
    (tmp_path / "s.jsonl").write_bytes(as_jsonl(sharegpt))
    url = "memory://inputs-test/s.parquet"
    fsspec.filesystem("memory").pipe_file("/inputs-test/s.parquet", (tmp_path / "s.parquet").read_bytes())
    try:
        for name in ("s.jsonl", "s.parquet", url):
            source_path = name if "://" in name else str(tmp_path / name)
            out = tmp_path / f"{Path(name).name}.out.jsonl"
            assert main(["convert", source_path, "-o", str(out)]) == 0
            assert out.read_bytes() == (tmp_path / "s.jsonl.out.jsonl").read_bytes()
        capsys.readouterr()
        outputs = []
        for name in (str(tmp_path / "s.jsonl"), url):
            assert main(["check", "--select", "JL0", name]) == 0
            outputs.append(capsys.readouterr().out)
        assert outputs[0] == outputs[1]
    finally:
        fsspec.filesystem("memory").rm("/inputs-test", recursive=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(middle=st.binary(max_size=300), cut=st.integers(0, 2000))
def test_any_damage_to_a_parquet_file_is_a_problem_not_a_crash(tmp_path: Path, middle: bytes, cut: int) -> None:
    whole = tmp_path / "whole.parquet"
    if not whole.exists():
        write_parquet(whole, RECORDS * 20)
    data = whole.read_bytes()
    path = tmp_path / "t.parquet"
    path.write_bytes(data[:cut] + middle + data[cut + len(middle) :] if cut < len(data) else b"PAR1" + middle + b"PAR1")
    report = check_file(path, encoding=TEST_ENCODING, jobs=1)
    assert all(p.line is None or p.line >= 1 for p in report.problems)
