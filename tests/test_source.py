"""One way to open an input: every byte read once, lines exactly as iterating the file gives
them, a line over the limit one problem (not held), and a file that is not JSONL one problem."""

from __future__ import annotations

import gzip
import io
import json
import pickle
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint import check_file, source
from jsonl_lint.cli import main
from jsonl_lint.problems import UsageError
from jsonl_lint.source import LongLine, Source, lines_of, sniff, split_blocks

GOOD = b'{"prompt": "a", "completion": "b"}'


def expected_lines(data: bytes, limit: int | None) -> list[tuple[int, object]]:
    return [(n, ("long", len(line)) if limit is not None and len(line) > limit else line) for n, line in enumerate(io.BytesIO(data), 1)]


def seen_lines(data: bytes, limit: int | None, block_bytes: int) -> list[tuple[int, object]]:
    found: list[tuple[int, object]] = []
    for first, block in split_blocks(io.BytesIO(data).read, block_bytes=block_bytes, max_line_bytes=limit):
        for number, line in enumerate(lines_of(block), first):
            found.append((number, ("long", line.size) if type(line) is LongLine else line))
    return found


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from([b"a", b"bb", b"\n", b"\r", b"{}", b"\xef\xbb\xbf", b"x" * 9]), max_size=40).map(b"".join),
    st.one_of(st.none(), st.integers(1, 12)),
    st.integers(1, 16),
)
def test_blocks_give_the_lines_of_the_file_with_long_ones_replaced(data: bytes, limit: int | None, block_bytes: int) -> None:
    assert seen_lines(data, limit, block_bytes) == expected_lines(data, limit)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.one_of(st.none(), st.integers(1, 64)))
def test_source_lines_on_arbitrary_bytes(data: bytes, limit: int | None) -> None:
    opened = Source.of_bytes(data, max_line_bytes=limit or source.DEFAULT_MAX_LINE_BYTES)
    opened.sniff()  # looking at the head first changes nothing that is read after
    numbered = [(n, ("long", line.size) if type(line) is LongLine else line) for n, line in opened.lines()]
    assert numbered == expected_lines(data, limit)
    assert opened.ends_with_newline == (not data or data.endswith(b"\n"))


def test_a_long_line_travels_to_workers_as_a_long_line() -> None:
    line = pickle.loads(pickle.dumps(LongLine(300)))
    assert type(line) is LongLine and line.size == 300 and line == b""


def test_splitting_is_linear_in_the_line_length() -> None:
    """A 64 MB line in 2 MB reads: joined once, not once per read (that took seconds)."""
    data = b"x" * (64 << 20) + b"\n" + GOOD + b"\n"
    started = time.perf_counter()
    blocks = list(split_blocks(io.BytesIO(data).read))
    assert time.perf_counter() - started < 2
    assert b"".join(block for _, block in blocks) == data and blocks[0][0] == 1


def test_a_line_over_the_limit_is_one_problem_and_the_rest_is_checked(tmp_path: Path) -> None:
    data = tmp_path / "long.jsonl"
    data.write_bytes(GOOD + b"\n" + b'{"prompt": "' + b"x" * 500 + b'", "completion": "b"}\n' + GOOD + b"\n")
    report = check_file(data, model="davinci-002", max_line_bytes=100, select=("JL0",))
    assert [(p.line, p.code, p.message) for p in report.problems] == [
        (
            2,
            "JL011",
            "the line is 534 bytes, longer than --max-line-bytes allows, so it was not read (raise the limit if it is a real record)",
        ),
    ]
    assert report.records == 2


def test_a_file_without_newlines_is_read_in_bounded_memory(tmp_path: Path) -> None:
    data = tmp_path / "one-line.jsonl"
    data.write_bytes(b"{" * (3 << 20))
    report = check_file(data, max_line_bytes=1 << 20, select=("JL0",))
    assert [(p.line, p.code) for p in report.problems] == [(1, "JL011"), (None, "JL014")]


def test_max_line_bytes_is_an_option_and_a_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "train.jsonl"
    data.write_bytes(b'{"prompt": "' + b"x" * 200 + b'", "completion": "b"}\n')
    assert main(["check", "--select", "JL011", "--max-line-bytes", "100", str(data)]) == 1
    assert f"{data}:1:1: error: JL011" in capsys.readouterr().out
    configured = tmp_path / "project"
    configured.mkdir()
    (configured / "pyproject.toml").write_text('[tool.jsonl-lint]\nmax-line-bytes = 100\nselect = ["JL011"]\n')
    (configured / "train.jsonl").write_bytes(data.read_bytes())
    assert main(["check", str(configured / "train.jsonl")]) == 1
    assert f"{configured / 'train.jsonl'}:1:1: error: JL011" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("data", "shape"),
    [
        (gzip.compress(GOOD + b"\n"), "gzip"),
        ((GOOD + b"\n").decode().encode("utf-16"), "utf-16"),
        ((GOOD + b"\n").decode().encode("utf-16-le"), "utf-16"),
        (GOOD + b"\r" + GOOD + b"\r", "cr-only"),
        (b"\x00" * 4096, "binary"),
        (b"[\n  " + GOOD + b",\n  " + GOOD + b"\n]\n", "json-array"),
        (json.dumps({"messages": [{"role": "user", "content": "hi"}]}, indent=2).encode(), "json-document"),
        (b'\xef\xbb\xbf{\n  "a": 1\n}\n', "json-document"),
    ],
)
def test_a_file_that_is_not_jsonl_is_one_problem_naming_what_it_is(tmp_path: Path, data: bytes, shape: str) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(data)
    assert sniff(data, whole=True).shape == shape
    report = check_file(path)
    assert [(p.line, p.code, p.message) for p in report.problems] == [(None, "JL012", source.SHAPES[shape])]


@pytest.mark.parametrize(
    "data",
    [
        GOOD + b"\n" + GOOD + b"\n",
        b'[{"role": "user", "content": "hi"}]\n',  # a bare message array per line: JL005's hint, not a shape
        b'{"prompt": "a",\n' + GOOD + b"\n",  # a broken first record, then records: checked line by line
        b"\n\n" + GOOD + b"\r\n",
        b"",
    ],
)
def test_jsonl_is_not_taken_for_another_shape(data: bytes) -> None:
    assert sniff(data, whole=True).shape is None


def test_the_head_of_a_pipe_is_read_once(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO((GOOD + b"\n") * 3 + GOOD)))
    assert main(["check", "--model", "davinci-002", "--select", "JL0", "-"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "<stdin>: warning: JL014 the file does not end with a newline (`jsonl-lint check --fix` adds it)",
        "Passed (no errors): 1 warning in 1 file, 4 records checked.",
    ]


def test_an_unreadable_input_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a directory"):
        Source.open(str(tmp_path))
    with pytest.raises(UsageError, match="No such file"):
        Source.open(str(tmp_path / "missing.jsonl"))


def test_a_block_of_one_line_is_not_copied_again() -> None:
    block = b"x" * 1000 + b"\n"
    assert next(iter(lines_of(block))) is block
    assert list(lines_of(b"a\nb\n")) == [b"a\n", b"b\n"]
    assert list(lines_of(b"a\nb")) == [b"a\n", b"b"]


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.lists(st.sampled_from([GOOD, b"\n", b"\r", b"\r\n", b"[", b"{", b"\x00", b"\x1f\x8b", b"\xff\xfe", b"  "]), max_size=12).map(
            b"".join
        ),
    ),
    st.integers(1, 80),
)
def test_checking_any_bytes_through_source_never_raises(tmp_path_factory: pytest.TempPathFactory, data: bytes, limit: int) -> None:
    path = tmp_path_factory.mktemp("any") / "t.jsonl"
    path.write_bytes(data)
    sniff(data, whole=True)
    report = check_file(path, max_line_bytes=limit, jobs=1)
    assert all(p.line is None or p.line >= 1 for p in report.problems)


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="workers need fork")
def test_long_lines_give_the_same_report_in_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jsonl_lint import parallel

    monkeypatch.setattr(source, "BLOCK_BYTES", 4 << 10)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 8 << 10)
    long = b'{"prompt": "' + b"x" * 3000 + b'", "completion": "b"}\n'
    path = tmp_path / "t.jsonl"
    path.write_bytes((GOOD + b"\n") * 200 + long + (GOOD + b"\r\n") * 200 + long + GOOD)
    serial = check_file(path, model="davinci-002", max_line_bytes=1000, jobs=1)
    assert check_file(path, model="davinci-002", max_line_bytes=1000, jobs=2) == serial
    assert [p.line for p in serial.problems if p.code == "JL011"] == [201, 402]
