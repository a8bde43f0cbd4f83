"""The input of a conversion, opened once: a path or "-" (standard input).

Some converters read their input twice (detection over the whole file, then conversion).
An input is never opened a second time: a regular file is read again from where it started, and
anything else (a pipe, ``<(...)``, a FIFO, a terminal) is copied to a temporary file as it is
read, so the second reading comes from that copy. Memory stays flat: the copy is on disk.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from typing import IO, Any, BinaryIO, Self

from jsonl_lint.openers import Prepended, open_input
from jsonl_lint.problems import UsageError
from jsonl_lint.source import SHAPES

_BUFFER = 1 << 20  # large reads: each one goes through Python code (the tee, the head)


class _Tee(io.RawIOBase):
    """Reads ``source``; everything read is also written to ``copy``. A read error is a
    :class:`UsageError` naming the input."""

    def __init__(self, source: IO[bytes], copy: IO[bytes] | None, name: str) -> None:
        self._source, self._copy, self._name = source, copy, name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._source.read(len(buffer))
        except OSError as error:  # said here, so that an OSError while converting is the output's
            raise UsageError(f"{self._name}: {error.strerror or error}") from None
        if self._copy is not None and data:
            try:
                self._copy.write(data)
            except OSError as error:
                raise UsageError(f"a temporary copy of {self._name}: {error.strerror or error}") from None
        buffer[: len(data)] = data
        return len(data)


def _start_of_regular_file(handle: BinaryIO) -> int | None:
    """Where ``handle`` stands, if it is a regular file it can go back to; else None."""
    try:
        if stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return handle.tell()
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
    return None


class Input:
    """One input of ``convert``. :meth:`stream` reads it from the start; :meth:`again` reads it
    once more, from the start, without opening it again."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.name = "standard input" if path == "-" else path
        opened = open_input(path)  # a path, a URL, compressed or Parquet: JSONL bytes (closed by close())
        if opened.shape is not None:
            raise UsageError(f"{path}: {SHAPES[opened.shape]}")
        self._file: BinaryIO = opened.stream
        self._start = _start_of_regular_file(self._file)
        self._plain = opened.kind is None and path != "-" and "://" not in path
        self._copy: IO[bytes] | None = None if self._start is not None else tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._reader = io.BufferedReader(_Tee(self._file, self._copy, self.name), _BUFFER)
        self._head = b""
        self._again = False
        self._drained = False

    def file_size(self) -> int | None:
        """The size of the file, when it is a plain local file whose bytes are its lines (not
        compressed, remote or a pipe): one that other processes can read ranges of by its path."""
        if not self._plain or self._start != 0:
            return None
        try:
            return os.fstat(self._file.fileno()).st_size
        except (OSError, ValueError, io.UnsupportedOperation):
            return None

    def head(self, lines: int = 20, size: int = 2 << 20) -> bytes:
        """The first ``lines`` lines, or fewer past ``size`` bytes (to tell the format)."""
        if not self._head:
            for _ in range(lines):
                line = self._reader.readline()
                self._head += line
                if not line or len(self._head) >= size:
                    break
        return self._head

    def stream(self) -> BinaryIO:
        """The input from its start (the first time: the head again, then the rest)."""
        if self._again or self._copy is None:  # a regular file: read it again, from its start
            return self.again()
        self._again = True
        return io.BufferedReader(Prepended(self._head, self._reader), _BUFFER)

    def again(self) -> BinaryIO:
        """The whole input once more, from its start."""
        if self._copy is None:  # the file itself: a Python layer between costs on every read
            try:
                self._file.seek(self._start or 0)
            except OSError as error:
                raise UsageError(f"{self.name}: {error.strerror or error}") from None
            return self._file
        if not self._drained:
            while self._reader.read(1 << 20):  # what is still unread goes into the copy first
                pass
            self._drained = True
        self._copy.seek(0)
        return io.BufferedReader(_Tee(self._copy, None, self.name), _BUFFER)

    def close(self) -> None:
        if self.path != "-":
            self._file.close()
        if self._copy is not None:
            self._copy.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
