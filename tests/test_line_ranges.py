"""Byte ranges read on their own hold every line of the file exactly once, whole, and count them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint import line_ranges
from jsonl_lint.problems import UsageError
from jsonl_lint.source import LongLine, lines_of, split_blocks


def read_ranges(path: Path, range_bytes: int, read_bytes: int, *, url: bool = False) -> list[tuple[bytes, int]]:
    """Each range's bytes (read ``read_bytes`` at a time) and its line count; by its file:// URL
    (read through fsspec, as a Ray task reads a shared store's file) with ``url``."""
    found = []
    for start, end in line_ranges.spans(path.stat().st_size, range_bytes):
        with line_ranges.open_range(path.as_uri() if url else str(path), start, end) as reader:
            pieces = []
            while piece := reader.read(read_bytes):
                pieces.append(piece)
            found.append((b"".join(pieces), reader.lines))
    return found


@pytest.mark.parametrize("url", [False, True])
@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from([b"a", b"bb", b"\n", b"\r\n", b"{}", b"\xef\xbb\xbf", b"x" * 9, b"\n\n"]), max_size=40).map(b"".join),
    st.integers(1, 20),
    st.integers(1, 8),
)
def test_ranges_hold_every_line_once(
    tmp_path_factory: pytest.TempPathFactory, url: bool, data: bytes, range_bytes: int, read_bytes: int
) -> None:
    if url:
        pytest.importorskip("fsspec", reason="the remote extra is not installed")
    path = tmp_path_factory.mktemp("ranges") / "data.jsonl"
    path.write_bytes(data)
    ranges = read_ranges(path, range_bytes, read_bytes, url=url)
    assert b"".join(chunk for chunk, _ in ranges) == data
    lines = list(io.BytesIO(data))
    assert sum(count for _, count in ranges) == len(lines)
    at = 0
    for chunk, count in ranges:
        assert at == 0 or not chunk or data[at - 1 : at] == b"\n"  # each range starts at a line start
        assert count == len(list(io.BytesIO(chunk)))
        at += len(chunk)


def test_a_line_longer_than_several_ranges_is_in_the_range_where_it_starts(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    path.write_bytes(b"ab\n" + b"x" * 50 + b"\nc\nd")
    ranges = read_ranges(path, 10, 4)
    assert ranges == [(b"ab\n" + b"x" * 50 + b"\n", 2), (b"", 0), (b"", 0), (b"", 0), (b"", 0), (b"c\nd", 2)]


def test_a_long_line_in_a_range_is_read_past_in_bounded_pieces(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    path.write_bytes(b"ab\n" + b"x" * 5000 + b"\ncd\n")
    with line_ranges.open_range(str(path), 0, 10) as reader:
        blocks = list(split_blocks(reader.read, max_line_bytes=100))
    lines = [line for _, block in blocks for line in lines_of(block)]
    assert lines == [b"ab\n", b""]
    assert type(lines[1]) is LongLine
    assert lines[1].size == 5001


def test_ends_with_newline(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    for data, expected in ((b"", True), (b"{}\n", True), (b"{}", False), (b"{}\r\n", True)):
        path.write_bytes(data)
        assert line_ranges.ends_with_newline(str(path)) is expected
        assert line_ranges.ends_with_newline(path.as_uri()) is expected


def test_a_file_that_cannot_be_opened_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"missing\.jsonl: No such file"), line_ranges.open_range(str(tmp_path / "missing.jsonl"), 0, 1):
        pass
