"""Compressed inputs read as their content: gzip, bzip2 and xz from the standard library, zstd
from the standard library's ``compression.zstd`` (Python 3.14) or its backport, the
``backports.zstd`` package (the ``jsonl-lint[zstd]`` extra). Not python-zstandard: its stream
reader ends a cut-short file as if it were whole, and a truncated upload must not pass.

A file is decompressed when its name says it is compressed (standard input: when its first
bytes, the magic number, say so); the magic number then picks the format. A name that claims a
compression the bytes do not have is reported, never guessed around, as is compressed data
under a plain name (see :mod:`jsonl_lint.openers`). Decompression streams: each read asks for at most the bytes wanted, so
memory stays bounded however far the data expands (a decompression bomb costs time, not
memory; the line limit applies to the decompressed lines). xz is read with a memory limit on
its dictionary, the one format whose header could ask for gigabytes.

Damaged data (cut short, corrupt) is not an exception in the middle of a read: the bytes
before the damage are given, and the read after them raises :class:`DamagedInput`, whose
``shape`` names what happened (a key of :data:`jsonl_lint.source.SHAPES`).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import Any, BinaryIO, Protocol, cast

from jsonl_lint.problems import UsageError

# (magic number, compression); the name of each is what the messages say.
MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
SUFFIXES = {".gz": "gzip", ".gzip": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd", ".zstd": "zstd"}
MAGIC_BYTES = 10  # the longest test: bzip2's magic, block size and first block magic
_XZ_MEMORY_LIMIT = 256 << 20  # xz -9 needs 65 MiB; a header asking for more is hostile
_READ_BYTES = 1 << 17  # compressed bytes read at a time


class DamagedInput(UsageError):
    """The compressed data stops being readable here: ``shape`` says how (``gzip-cut-short``,
    ``xz-corrupt`` ...). A UsageError, so a command that does not look for it stops cleanly."""

    def __init__(self, name: str, shape: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.shape = shape


# "BZh" is text a line may start with: bzip2 also needs its block size digit, then the magic of
# a first block (pi) or of the end of an empty stream (sqrt(pi)).
_BZIP2_FOLLOWS = (b"1AY&SY", b"\x17rE8P\x90")


def compression_of(head: bytes) -> str | None:
    """The compression whose magic number ``head`` starts with, if any."""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            if kind == "bzip2" and not (head[3:4].isdigit() and head[3:4] != b"0" and head[4:10] in _BZIP2_FOLLOWS):
                return None
            return kind
    return None


def is_cut_in_magic(head: bytes, kind: str) -> bool:
    """``head`` is the whole of a file cut short within the magic test of ``kind`` (shorter
    than the test, and all of it what ``kind`` starts with): a truncated file, not a misnamed one."""
    magic = next(magic for magic, named in MAGIC if named == kind)
    if kind == "bzip2":
        block_size, follows = head[3:4], head[4:10]
        whole_magic = head[:3] == magic[: len(head)] and block_size in (b"", *(b"%d" % n for n in range(1, 10)))
        return 0 < len(head) < MAGIC_BYTES and whole_magic and any(start.startswith(follows) for start in _BZIP2_FOLLOWS)
    return 0 < len(head) < len(magic) and magic.startswith(head)


def compression_named(name: str) -> str | None:
    """The compression a file's name claims (``train.jsonl.gz``: gzip)."""
    lowered = name.lower()
    for suffix, kind in SUFFIXES.items():
        if lowered.endswith(suffix):
            return kind
    return None


def without_compression_suffix(name: str) -> str:
    """``train.csv.gz`` -> ``train.csv``: the name of what is inside."""
    return name[: -len(suffix)] if (suffix := _suffix(name)) else name


def _suffix(name: str) -> str:
    lowered = name.lower()
    return next((suffix for suffix in SUFFIXES if lowered.endswith(suffix)), "")


class ReadStream(io.RawIOBase):
    """A raw stream made by its ``read(size)`` alone (``readinto`` copies what it gives)."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Decompressor(Protocol):
    @property
    def eof(self) -> bool: ...
    @property
    def needs_input(self) -> bool: ...
    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, max_length: int = ...) -> bytes: ...


class _Streams(io.RawIOBase):
    """bzip2, xz or zstd, one stream after another (``cat a.xz b.xz`` is one file), each read
    bounded by the bytes asked for (the standard library's own readers give xz no memory limit)."""

    def __init__(self, raw: BinaryIO, make: Callable[[], _Decompressor]) -> None:
        self._raw, self._make = raw, make
        self._decompressor = make()
        self._input = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self._decompressor.eof:
                rest = self._decompressor.unused_data.lstrip(b"\x00")  # zero padding after a stream (dd, tar) is skipped
                while not rest:
                    more = self._raw.read(_READ_BYTES)
                    if not more:
                        return 0
                    rest = more.lstrip(b"\x00")
                self._decompressor, self._input = self._make(), rest
            elif self._decompressor.needs_input:
                self._input = self._raw.read(_READ_BYTES)
                if not self._input:
                    raise EOFError("the compressed data ends before its end-of-stream marker")
            data = self._decompressor.decompress(self._input, len(buffer))
            self._input = b""
            if data:
                buffer[: len(data)] = data
                return len(data)


def _zstd() -> Any:
    """The zstd module: the standard library's (3.14) or its backport."""
    try:
        import compression.zstd as zstd  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        try:
            import backports.zstd as zstd  # type: ignore[import-not-found,unused-ignore,no-redef]
        except ImportError:
            raise UsageError("reading zstd-compressed files needs the backports.zstd package: pip install 'jsonl-lint[zstd]'") from None
    return zstd


def _damage_errors(kind: str) -> tuple[type[BaseException], ...]:
    import lzma
    import zlib

    errors: list[type[BaseException]] = [OSError, EOFError, ValueError, zlib.error, lzma.LZMAError]
    if kind == "zstd":
        errors.append(_zstd().ZstdError)
    return tuple(errors)


class Decompressed(ReadStream):
    """The content of a compressed ``raw`` stream. ``read(size)`` gives ``size`` bytes unless the
    data ends (or is damaged: then what came before, and :class:`DamagedInput` on the next read)."""

    def __init__(self, raw: BinaryIO, kind: str, name: str) -> None:
        self.kind, self._name, self._raw = kind, name, raw
        self._errors = _damage_errors(kind)
        self._damage: DamagedInput | None = None
        self._reader: BinaryIO
        # The decompressors are imported here: a plain file is read without loading them.
        if kind == "gzip":
            import gzip

            self._reader = cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb"))
        elif kind == "bzip2":
            import bz2

            self._reader = as_binary_file(_Streams(raw, bz2.BZ2Decompressor))
        elif kind == "xz":
            import lzma

            self._reader = as_binary_file(_Streams(raw, lambda: lzma.LZMADecompressor(memlimit=_XZ_MEMORY_LIMIT)))
        else:  # the default window limit (128 MiB) refuses frames whose header asks for more memory
            self._reader = as_binary_file(_Streams(raw, _zstd().ZstdDecompressor))
        # One decompressing step per call (read1): a buffered read() that fails part way
        # through drops what it had read, and those are lines before the damage.
        self._step = getattr(self._reader, "read1", self._reader.read)

    def read(self, size: int | None = -1) -> bytes:
        if self._damage is not None:
            raise self._damage
        wanted = size if size is not None and size >= 0 else 1 << 62
        pieces: list[bytes] = []
        got = 0
        while got < wanted:
            try:
                piece = self._step(min(wanted - got, 1 << 22))
            except self._errors as error:
                self._damage = self._damaged(error)
                if pieces:
                    break
                raise self._damage from None
            if not piece:
                break
            pieces.append(piece)
            got += len(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def _damaged(self, error: BaseException) -> DamagedInput:
        if isinstance(error, EOFError):
            return DamagedInput(self._name, f"{self.kind}-cut-short", SHAPE_MESSAGES[f"{self.kind}-cut-short"])
        reason = str(error) or type(error).__name__
        shape = f"{self.kind}-corrupt"
        return DamagedInput(self._name, shape, f"{SHAPE_MESSAGES[shape]} ({reason})")

    def tell(self) -> int:
        raise io.UnsupportedOperation("a decompressed stream has no position")

    def close(self) -> None:
        if not self.closed:
            with contextlib.suppress(*self._errors):
                self._reader.close()
            self._raw.close()
        super().close()


def as_binary_file(stream: io.RawIOBase) -> BinaryIO:
    """One of our streams, whose ``read(size)`` gives ``size`` bytes unless the data ends, as the
    binary file it behaves as (no buffer between: that would hide damage in its reads)."""
    return cast(BinaryIO, stream)


_KINDS = ("gzip", "bzip2", "xz", "zstd")
# What a file whose compression is damaged or misnamed is (kept with the other shapes).
SHAPE_MESSAGES = {
    **{
        f"{kind}-cut-short": f"the {kind} data is cut short (a truncated file): the lines before the cut were read, the rest is lost"
        for kind in _KINDS
    },
    **{f"{kind}-corrupt": f"the {kind} data is corrupt: the lines before the damage were read, the rest could not be" for kind in _KINDS},
    **{f"not-{kind}": f"the name says {kind}-compressed, but the data is not {kind}: rename the file, or compress it" for kind in _KINDS},
}
