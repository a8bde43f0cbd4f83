"""Where an input's bytes come from, and what they are: a local path, ``-`` (standard input) or
a URL (``s3://``, ``gs://``, ``hf://``, ``https://``, ``memory://``, ``file://`` ...) through
fsspec (the ``jsonl-lint[remote]`` extra, plus the scheme's own package: s3fs, gcsfs,
huggingface_hub, aiohttp); then the layer that makes JSONL of them: decompression
(:mod:`jsonl_lint.decompress`) or Parquet rows (:mod:`jsonl_lint.parquet_rows`).

Only the paths a user names are opened: nothing read from a file decides what else to open.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
import sys
from dataclasses import dataclass
from typing import Any, BinaryIO

from jsonl_lint.decompress import (
    MAGIC_BYTES,
    DamagedInput,
    Decompressed,
    ReadStream,
    as_binary_file,
    compression_named,
    compression_of,
    is_cut_in_magic,
)
from jsonl_lint.problems import UsageError

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
PARQUET_MAGIC = b"PAR1"


def is_url(name: str) -> bool:
    """``name`` is read through fsspec (a scheme before ``://``), not from the local disk."""
    return _URL.match(name) is not None


def looks_like_parquet(head: bytes) -> bool:
    """Parquet's magic followed by binary (a page header), not a text line that starts "PAR1"."""
    return head.startswith(PARQUET_MAGIC) and len(head) > len(PARQUET_MAGIC) and not (32 <= head[4] < 127 or head[4] in b"\t\r\n")


def is_parquet_name(name: str) -> bool:
    return name.lower().endswith(".parquet")


@dataclass
class Opened:
    """An input opened: ``stream`` gives its JSONL bytes. ``size``: the bytes of the file
    itself (compressed), None when unknown; ``kind``: ``gzip``, ``bzip2``, ``xz``, ``zstd``,
    ``parquet`` or None (plain); ``shape``: why the input as a whole cannot be read as JSONL (a
    key of :data:`jsonl_lint.source.SHAPES`; ``stream`` is then empty)."""

    stream: BinaryIO
    size: int | None = None
    kind: str | None = None
    shape: str | None = None
    owned: bool = True
    raw: BinaryIO | None = None  # the file under a decompressing stream: how far it was read

    def consumed(self) -> int | None:
        """Bytes of the file read so far (the compressed bytes, for a compressed file)."""
        if self.raw is None:
            return None
        try:
            return self.raw.tell()
        except (OSError, ValueError, AttributeError):
            return None


def open_input(name: str) -> Opened:
    """Open ``name`` (``-``: standard input) and the layer it needs; UsageError "NAME: reason"."""
    display = "<stdin>" if name == "-" else name
    raw, size, owned = _open_bytes(name)
    try:
        head = _peek(raw, len(PARQUET_MAGIC) if is_parquet_name(name) else MAGIC_BYTES)
        if isinstance(head, tuple):
            head, raw = head
        return _layer(raw, head, name, display, size, owned)
    except BaseException:
        if owned:
            raw.close()
        raise


def _refused(raw: BinaryIO, owned: bool, size: int | None, kind: str | None, shape: str) -> Opened:
    """An input that is no JSONL as a whole: its file closed, an empty stream in its place."""
    if owned:
        raw.close()
    return Opened(io.BytesIO(), size, kind, shape)


def _layer(raw: BinaryIO, head: bytes, name: str, display: str, size: int | None, owned: bool) -> Opened:
    if is_parquet_name(name):
        if not head.startswith(PARQUET_MAGIC):
            return _refused(raw, owned, size, "parquet", "not-parquet")
        from jsonl_lint.parquet_rows import ParquetLines

        if size is None:  # Parquet's index is at its end: it is read by seeking
            raise UsageError(f"{display}: a Parquet file is read from a file or URL, not from a pipe")
        try:
            rows = ParquetLines(name if _is_local(name) else raw, display)
        except DamagedInput as damage:
            return _refused(raw, owned, size, "parquet", damage.shape)
        if _is_local(name):
            raw.close()  # pyarrow reads the file by its path (native reads)
        return Opened(as_binary_file(rows), size, "parquet", raw=None if _is_local(name) else raw)
    # Decompressed when the name says so (standard input: when its bytes do). A file named as
    # plain JSONL that holds compressed data is read as it is, and said not to be JSONL (JL012):
    # a trainer that takes the file by its name would refuse it too.
    found, named = compression_of(head), compression_named(name) if name != "-" else compression_of(head)
    if named is not None and found is None and head:
        return _refused(raw, owned, size, named, f"{named}-cut-short" if is_cut_in_magic(head, named) else f"not-{named}")
    if found is None and looks_like_parquet(head):
        return _refused(raw, owned, size, None, "parquet")
    if found is None or named is None:
        return Opened(raw, size, owned=owned)
    try:
        stream = Decompressed(raw, found, display)
    except UsageError as error:  # a missing optional package: named with the file
        raise UsageError(f"{display}: {error}") from None
    return Opened(as_binary_file(stream), size, found, owned=True, raw=raw)


def _is_local(name: str) -> bool:
    return name != "-" and not is_url(name)


def _open_bytes(name: str) -> tuple[BinaryIO, int | None, bool]:
    """The raw bytes of ``name``, the size of a regular file (None for a pipe), and whether the
    caller closes them (standard input is not closed)."""
    if name == "-":
        return sys.stdin.buffer, None, False
    if is_url(name):
        return _open_url(name)
    try:
        stream = open(name, "rb")  # noqa: SIM115 (closed by the caller)
    except IsADirectoryError:
        raise UsageError(f"{name}: is a directory") from None
    except OSError as error:
        raise UsageError(f"{name}: {error.strerror or error}") from None
    try:
        info = os.fstat(stream.fileno())
    except OSError:
        return stream, None, True
    return stream, info.st_size if stat.S_ISREG(info.st_mode) else None, True


def open_url(name: str) -> BinaryIO:
    """The bytes of the file at URL ``name``, as they are stored (UsageError if it cannot be opened)."""
    return _open_url(name)[0]


def _open_url(name: str) -> tuple[BinaryIO, int | None, bool]:
    try:
        import fsspec
    except ImportError:
        raise UsageError(f"{name}: reading URLs needs fsspec: pip install 'jsonl-lint[remote]'") from None
    try:
        file = fsspec.open(name, "rb").open()
    except FileNotFoundError:
        raise UsageError(f"{name}: No such file or directory") from None
    except IsADirectoryError:
        raise UsageError(f"{name}: is a directory") from None
    except ImportError as error:  # the scheme's package (s3fs, gcsfs ...) is missing: fsspec names it
        raise UsageError(f"{name}: {error}") from None
    except Exception as error:  # noqa: BLE001 (each file system raises its own types: all mean it cannot be opened)
        raise UsageError(f"{name}: {_reason(error)}") from None
    size = getattr(file, "size", None)
    return as_binary_file(_Remote(file, name)), size if isinstance(size, int) else None, True


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


class _Remote(io.RawIOBase):
    """A file opened by fsspec; its errors (network, permissions: any type) become OSError, as
    a local file's are."""

    def __init__(self, file: Any, name: str) -> None:
        self._file, self._name = file, name

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return bool(self._file.seekable())

    def seek(self, offset: int, whence: int = 0) -> int:
        return int(self._file.seek(offset, whence))

    def tell(self) -> int:
        return int(self._file.tell())

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        try:
            return bytes(self._file.read(-1 if size is None else size))
        except Exception as error:  # noqa: BLE001 (as above)
            raise OSError(_reason(error)) from None

    def close(self) -> None:
        if not self.closed:
            with contextlib.suppress(Exception):  # closing a file that was only read loses nothing
                self._file.close()
        super().close()


def _peek(raw: BinaryIO, size: int) -> bytes | tuple[bytes, BinaryIO]:
    """The first ``size`` bytes, not consumed: peeked from a buffered file, read and sought back
    on a seekable one, or read and put in front of the rest (a pipe)."""
    peek = getattr(raw, "peek", None)
    if peek is not None and raw.seekable():
        return bytes(peek(size)[:size])
    if raw.seekable():
        head = raw.read(size)
        raw.seek(0)
        return head
    head = raw.read(size)
    return head, as_binary_file(Prepended(head, raw))


class Prepended(ReadStream):
    """``head`` (already read: from a pipe, or to detect a format), then the rest of ``rest``."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = head, rest

    def read(self, size: int | None = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data + self._rest.read(size - len(data)) if len(data) < size else data
        return self._rest.read(-1 if size is None else size)

    def close(self) -> None:
        super().close()  # the pipe itself (standard input) stays open
