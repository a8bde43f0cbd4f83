"""A file's byte ranges, each read on its own as whole lines: what a worker process (or a Ray
task) reads for itself instead of receiving the bytes through a pipe.

A range ``(start, end)`` holds the lines that start in ``[start, end)``: it begins at ``start``
when a line starts there (at 0, or after a newline), else just after the first newline at or
after ``start``, and it runs through the line that holds byte ``end - 1`` (to its newline, or
the end of the file). Consecutive ranges therefore hold every line exactly once, whatever their
sizes and however long a line is:

    for start, end in spans(size, 1 << 20):
        with open_range(path, start, end) as reader:
            for first, block in split_blocks(reader.read):   # lines numbered within the range
                ...
        lines_before += reader.lines

Reads are ``os.pread`` calls of bounded size: memory is bounded by the reader's caller, not by
the range, and nothing is mapped (a worker's resident size stays what it holds).
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, BinaryIO

from jsonl_lint.problems import UsageError

if TYPE_CHECKING:
    from jsonl_lint.source import Source

_SCAN_BYTES = 64 << 10  # one read while looking for a range's first line


def is_local_file(source: Source, path: str) -> bool:
    """Whether workers can read ``source``'s ranges by its path: a plain (not compressed) local file."""
    return _plain(source, path) and source.is_seekable and "://" not in path


def is_shared_url(source: Source, path: str) -> bool:
    """Whether another process (a Ray task on any node) can read ``source``'s ranges through
    fsspec: a plain URL of known size in a shared store (``memory://`` lives in this process only)."""
    return _plain(source, path) and "://" in path and not path.startswith("memory://")


def _plain(source: Source, path: str) -> bool:
    return source.compression is None and source.size is not None and source.name == path


def spans(size: int, range_bytes: int, start: int = 0) -> Iterator[tuple[int, int]]:
    """Consecutive ``(start, end)`` of about ``range_bytes`` each over ``[start, size)``."""
    step = max(1, range_bytes)
    for at in range(start, size, step):
        yield at, min(at + step, size)


class RangeReader:
    """``read(size)`` over the bytes of the lines that start in ``[start, end)`` of a file.

    ``lines`` counts the lines read so far (a last line without a newline counted too), so the
    caller can number the next range's lines once this one is read.
    """

    def __init__(self, pread: Callable[[int, int], bytes], start: int, end: int, *, name: str = "") -> None:
        self.name = name
        self.lines = 0
        self._read_at = pread
        self._end = end
        self._last = b""
        self._position = self._first_line_at(start)
        self._done = self._position >= end

    def _first_line_at(self, start: int) -> int:
        if start == 0 or self._pread(1, start - 1) == b"\n":
            return start
        at = start
        while True:  # the line that holds start began in an earlier range: past its newline
            chunk = self._pread(_SCAN_BYTES, at)
            if not chunk:
                return at
            newline = chunk.find(b"\n")
            if newline >= 0:
                return at + newline + 1
            at += len(chunk)

    def _pread(self, size: int, offset: int) -> bytes:
        try:
            return self._read_at(size, offset)
        except OSError as error:
            raise UsageError(f"{self.name}: {error.strerror or error}") from None

    def read(self, size: int) -> bytes:
        if self._done:
            return b""
        data = self._pread(size, self._position)
        if not data:
            self._done = True
        elif self._position + len(data) >= self._end:  # at or past the last line's start: up to its newline
            newline = data.find(b"\n", max(0, self._end - 1 - self._position))
            if newline >= 0:
                data = data[: newline + 1]
                self._done = True
        if data:
            self._position += len(data)
            self.lines += data.count(b"\n")
            self._last = data[-1:]
        if self._done and self._last not in (b"", b"\n"):
            self.lines += 1  # the file's last line, without a newline
            self._last = b""
        return data


@contextlib.contextmanager
def open_range(path: str, start: int, end: int) -> Iterator[RangeReader]:
    """The file at ``path`` (or an fsspec URL) opened for reading one range (UsageError
    ``"PATH: reason"`` if it cannot)."""
    if "://" in path:
        with _open_url(path) as file:
            yield RangeReader(functools.partial(_read_at, file), start, end, name=path)
        return
    fd = _open(path)
    try:
        yield RangeReader(functools.partial(os.pread, fd), start, end, name=path)
    finally:
        os.close(fd)


def _open_url(path: str) -> BinaryIO:
    from jsonl_lint.openers import open_url  # fsspec only where a URL is read

    return open_url(path)


def _read_at(file: BinaryIO, size: int, offset: int) -> bytes:
    file.seek(offset)
    return file.read(size)


def _open(path: str) -> int:
    try:
        return os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None


def ends_with_newline(path: str) -> bool:
    """Whether the file's last byte is a newline (an empty file counts as ending with one)."""
    if "://" in path:
        with _open_url(path) as file:
            size = file.seek(0, os.SEEK_END)
            return size == 0 or _read_at(file, 1, size - 1) == b"\n"
    fd = _open(path)
    try:
        size = os.fstat(fd).st_size
        return size == 0 or os.pread(fd, 1, size - 1) == b"\n"
    finally:
        os.close(fd)
