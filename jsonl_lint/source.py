"""The one way to open an input: a path or ``-``, each byte read once, as numbered lines or as
blocks of whole lines.

    with Source.open("train.jsonl") as source:      # UsageError "NAME: reason" if it cannot
        for number, raw in source.lines():          # raw keeps its line ending
            ...
        # or, for worker processes: for first_line, block in source.blocks(): lines_of(block)

Memory is bounded by the longest line, and lines are bounded by ``max_line_bytes``: a longer
line is read past without being held and stands in the stream as a :class:`LongLine` (empty
bytes that know the line's size), which readers meet on their blank-line path, so it costs the
hot path nothing. Splitting into blocks is linear in the input, however long a line is.

:meth:`Source.head` is the start of the input, kept so that sniffing (:func:`sniff`) and then
reading from the start works on a pipe too.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO, NamedTuple, Self

import orjson

from jsonl_lint import decompress
from jsonl_lint.decompress import DamagedInput, compression_of
from jsonl_lint.openers import open_input
from jsonl_lint.problems import UsageError

BLOCK_BYTES = 2 << 20  # a block is about this many bytes of whole lines
DEFAULT_MAX_LINE_BYTES = 64 << 20
UTF8_BOM = b"\xef\xbb\xbf"

Block = tuple[int, bytes]  # (number of its first line, whole lines or one LongLine)


class LongLine(bytes):
    """A line longer than the limit, not held: empty bytes with the line's ``size`` (its ending
    included, counted up to the limit and past it). Pickles like bytes, so it travels in blocks."""

    size: int

    def __new__(cls, size: int) -> Self:
        line = super().__new__(cls)
        line.size = size
        return line

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return (LongLine, (self.size,))


def lines_of(block: bytes) -> Iterable[bytes]:
    """The lines of a block, split at b"\\n" only (a LongLine is one line of its own)."""
    if type(block) is LongLine or block.find(b"\n") in (-1, len(block) - 1):
        return (block,)  # one line (a long one, often): not copied again by readline
    return io.BytesIO(block)


def split_blocks(
    read: Callable[[int], bytes], *, first_line: int = 1, block_bytes: int | None = None, max_line_bytes: int | None = None
) -> Iterator[Block]:
    """Blocks of whole lines from ``read(size)``, with any line over ``max_line_bytes`` as a
    LongLine block of its own. Each byte is looked at a bounded number of times: a line that
    spans reads is kept as a list of pieces and joined once."""
    block_bytes = block_bytes or BLOCK_BYTES
    chunk_bytes = block_bytes if max_line_bytes is None else max(1, min(block_bytes, max_line_bytes))
    limit = max_line_bytes if max_line_bytes is not None else -1
    pieces: list[bytes] = []  # the start of a line not yet ended
    held = 0
    skipped = -1  # >= 0 while reading past a long line: its bytes so far
    while True:
        chunk = read(chunk_bytes)
        if not chunk:
            if skipped >= 0:
                yield first_line, LongLine(skipped)
            elif held:
                yield first_line, b"".join(pieces)
            return
        if skipped >= 0 or (held and limit >= 0):
            end = chunk.find(b"\n") + 1
            first_length = (skipped if skipped >= 0 else held) + (end or len(chunk))
            if skipped >= 0 or first_length > limit:  # (a line that fits in one chunk fits the limit)
                if not end:
                    skipped, pieces, held = first_length, [], 0
                    continue
                yield first_line, LongLine(first_length)
                first_line, skipped, pieces, held = first_line + 1, -1, [], 0
                chunk = chunk[end:]
                if not chunk:
                    continue
        cut = chunk.rfind(b"\n") + 1
        if not cut:
            pieces.append(chunk)
            held += len(chunk)
            if 0 <= limit < held:
                skipped, pieces, held = held, [], 0
            continue
        if pieces:
            pieces.append(chunk[:cut])
            block = b"".join(pieces)
        else:
            block = chunk[:cut] if cut < len(chunk) else chunk
        pieces, held = ([chunk[cut:]], len(chunk) - cut) if cut < len(chunk) else ([], 0)
        yield first_line, block
        first_line += block.count(b"\n")


class _Damaged(Exception):
    """Reading stopped at damaged compressed data (the Source keeps why)."""


class Source:
    """An open input. ``name`` is what reports call it (``<stdin>`` for ``-``); ``size`` is the
    byte size of a regular file (None for a pipe; a compressed file's own size); ``position``
    how many of those bytes were read; ``compression`` the input's layer (``gzip``, ``bzip2``,
    ``xz``, ``zstd``, ``parquet``; None for plain JSONL); ``damaged`` why reading stopped early
    (a key of :data:`SHAPES`: compressed data cut short or corrupt), else None."""

    def __init__(self, stream: BinaryIO, name: str, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES, owned: bool = True) -> None:
        self.name = name
        self.max_line_bytes = max_line_bytes
        self._stream = stream
        self._owned = owned
        self._head: bytes | None = None
        self._started = False
        self._last = b""
        self._read_bytes = 0
        self._ended = False  # damage met while reading the head: nothing more is read
        self._whole = False  # the head is the whole input
        self._shape: str | None = None  # the input as a whole is not JSONL (set by open)
        self._consumed: Callable[[], int | None] | None = None
        self._raw: BinaryIO | None = None
        self.compression: str | None = None
        self.damaged: str | None = None
        try:
            info = os.fstat(stream.fileno())
            regular = stat.S_ISREG(info.st_mode)
        except (OSError, AttributeError, io.UnsupportedOperation):
            regular = False
        self.is_seekable = regular and stream.seekable()
        self.size: int | None = info.st_size if regular else None

    @classmethod
    def open(cls, name: str, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Source:
        """Open a path, a URL (through fsspec) or ``-`` for standard input, decompressing it or
        reading Parquet rows as lines (:mod:`jsonl_lint.openers`); UsageError ``"NAME: reason"``."""
        opened = open_input(name)
        source = cls(opened.stream, "<stdin>" if name == "-" else name, max_line_bytes=max_line_bytes, owned=opened.owned)
        if opened.size is not None:
            source.size = opened.size
        if name == "-":  # even from a file: workers cannot read its ranges by a path
            source.is_seekable = False
        source.compression, source._shape, source._raw = opened.kind, opened.shape, opened.raw
        if opened.raw is not None:
            source._consumed = opened.consumed
        return source

    @classmethod
    def of_bytes(cls, data: bytes, name: str = "<bytes>", *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Source:
        return cls(io.BytesIO(data), name, max_line_bytes=max_line_bytes)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._owned:
            self._stream.close()
            if self._raw is not None:
                self._raw.close()

    @property
    def position(self) -> int:
        """Bytes of the input read so far (of a compressed file: its compressed bytes)."""
        consumed = self._consumed() if self._consumed is not None else None
        return self._read_bytes if consumed is None else consumed

    def _read(self, size: int) -> bytes:
        if self._head is not None:
            head, self._head = (self._head, None) if len(self._head) <= size else (self._head[:size], self._head[size:])
            if head:
                return head
        if self._ended:
            return b""
        try:
            data = self._stream.read(size)
        except DamagedInput as damage:
            self.damaged = damage.shape
            raise _Damaged from None
        except IsADirectoryError:
            raise UsageError(f"{self.name}: is a directory") from None
        except OSError as error:
            raise UsageError(f"{self.name}: {error.strerror or error}") from None
        self._read_bytes += len(data)
        if data:
            self._last = data[-1:]
        return data

    def head(self) -> bytes:
        """The first bytes (up to a block), read once and given again by lines() and blocks()."""
        if self._started:
            raise RuntimeError("head() after reading began")
        if self._head is None:
            head = b""
            try:
                while len(head) < BLOCK_BYTES:  # until full or at the end (a short read may be damage)
                    more = self._read(BLOCK_BYTES - len(head))
                    if not more:
                        self._whole = True
                        break
                    head += more
            except _Damaged:  # a read gives the bytes before damage, the next one fails
                self._ended = True
                head = head[: head.rfind(b"\n") + 1]  # the line the damage cut stays unread
            self._head = head
        return self._head

    def blocks(self, *, stop_at_damage: bool = False) -> Iterator[Block]:
        """(first line number, whole lines) of about BLOCK_BYTES each; see :func:`lines_of`.

        Compressed data that is cut short or corrupt ends the blocks at the last whole line
        before it; then :attr:`damaged` says why, and without ``stop_at_damage`` (the caller
        reports it) a :class:`UsageError` naming the input follows the last block. An input that
        is not JSONL as a whole (see :meth:`sniff`) is a UsageError at once."""
        if self._started:
            raise RuntimeError(f"{self.name} is read once")
        self._started = True
        if self._shape is not None:
            raise UsageError(f"{self.name}: {SHAPES[self._shape]}")
        return self._blocks(stop_at_damage)

    def _blocks(self, stop_at_damage: bool) -> Iterator[Block]:
        with contextlib.suppress(_Damaged):  # the line the damage cut stays unread, with the rest
            yield from split_blocks(self._read, max_line_bytes=self.max_line_bytes)
        if self.damaged is not None and not stop_at_damage:
            raise UsageError(f"{self.name}: {SHAPES[self.damaged]}")

    def sniff(self) -> Sniffed:
        """What the input looks like from its head (see :func:`sniff`); reading starts over after."""
        if self._shape is not None:
            return Sniffed(None, self._shape)
        head = self.head()
        if self.damaged is None:
            return sniff(head, whole=self._whole)
        # The head ends at damage: what it starts like is no file shape to name (a cut line can
        # look like the start of a JSON document), and a document cut short is no fix for jq.
        sniffed = sniff(head)
        return sniffed if head and sniffed.shape not in _DOCUMENT_SHAPES else Sniffed(None, self.damaged)

    @property
    def ends_with_newline(self) -> bool:
        """After reading: the last byte was a newline (or there was none, or the input was damaged)."""
        return self._last in (b"", b"\n") or self.damaged is not None

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """(1-based number, the line's bytes with its ending) for each line."""
        for first_line, block in self.blocks():
            yield from enumerate(lines_of(block), first_line)


# A NamedTuple, not a dataclass: a dataclass costs about 0.7 ms to create, and every check imports this module.
class Sniffed(NamedTuple):
    """What the start of an input looks like: ``value`` is its first JSON line that parses
    (None if none in the head); ``shape`` names a file that is not JSONL at all."""

    value: Any
    shape: str | None = None


# Not JSONL at all: what the file is, and what to do (shown as one problem, instead of a cascade).
SHAPES = {
    "gzip": "this is gzip-compressed data, not JSONL text: decompress it (`gunzip -k FILE`), or name it *.gz to check what it holds",
    "zip": "this is a ZIP archive, not JSONL text: extract the .jsonl file from it",
    "bzip2": "this is bzip2-compressed data, not JSONL text: decompress it (`bunzip2 -k FILE`), or name it *.bz2 to check what it holds",
    "xz": "this is xz-compressed data, not JSONL text: decompress it (`unxz -k FILE`), or name it *.xz to check what it holds",
    "zstd": "this is zstd-compressed data, not JSONL text: decompress it (`zstd -d FILE`), or name it *.zst to check what it holds",
    "parquet": "this is a Parquet file, not JSONL text: name it *.parquet to check its rows",
    "not-parquet": "the name says Parquet, but the data is not a Parquet file",
    "parquet-corrupt": "this is not a Parquet file that can be read (its footer or a row group is damaged): the rows before the damage were read",
    **decompress.SHAPE_MESSAGES,
    "binary": "this is a binary file (NUL bytes), not JSONL text",
    "utf-16": "this file is UTF-16 (or UTF-32) text; JSONL must be UTF-8: re-save it as UTF-8 (`iconv -f UTF-16 -t UTF-8`)",
    "cr-only": "lines end with a lone CR (old Mac line endings), so the whole file reads as one line: turn CR into LF (`tr '\\r' '\\n'`)",
    "json-array": "this is one JSON array, not JSONL (one object per line): turn it into JSONL with `jq -c '.[]' FILE`",
    "json-document": "this is one pretty-printed JSON document, not JSONL (one object per line): put it on one line with `jq -c . FILE`",
}

_MAGIC = (  # besides the compressions, which decompress.compression_of knows
    (b"PK\x03\x04", "zip"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
    (b"\x00\x00\xfe\xff", "utf-16"),
)
_SNIFF_LINES = 20
_DOCUMENT_SHAPES = ("json-array", "json-document")


def sniff(head: bytes, *, whole: bool = False) -> Sniffed:
    """The one place that looks at a file's start to say what it is. ``whole``: ``head`` is the
    whole file (so a document that parses whole is known for sure)."""
    compressed = compression_of(head)
    if compressed is not None:
        return Sniffed(None, compressed)
    for magic, shape in _MAGIC:
        if head.startswith(magic):
            return Sniffed(None, shape)
    text = head.removeprefix(UTF8_BOM)
    start = text[:64]
    if len(start) >= 4 and start.count(0) == len(start):
        return Sniffed(None, "binary")
    if len(start) >= 4 and (start[1::2].count(0) == len(start[1::2]) or start[0::2].count(0) == len(start[0::2])):
        return Sniffed(None, "utf-16")  # UTF-16 without a byte order mark: ASCII with a NUL beside each byte
    if b"\r" in text and b"\n" not in text and text.count(b"\r") > 1 and text.lstrip()[:1] in (b"{", b"["):
        return Sniffed(None, "cr-only")  # records (not random bytes) between lone CRs
    lines = [raw.strip() for raw in text.split(b"\n", _SNIFF_LINES)[:_SNIFF_LINES] if raw.strip()]
    if not lines:
        return Sniffed(None)
    document = _document_shape(text, lines, whole=whole)
    if document is not None:
        return Sniffed(None, document)
    for raw in lines:
        try:
            return Sniffed(orjson.loads(raw))
        except orjson.JSONDecodeError:
            continue
    return Sniffed(None)


def _document_shape(text: bytes, lines: list[bytes], *, whole: bool) -> str | None:
    """A JSON array or a pretty-printed document: its first line does not parse on its own, and
    the whole file parses as one value, or the first lines open one and go on indented."""
    first = lines[0]
    if first[:1] not in (b"[", b"{"):
        return None
    try:
        orjson.loads(first)
        return None
    except orjson.JSONDecodeError:
        pass
    kind = "json-array" if first[:1] == b"[" else "json-document"
    if whole:
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            value = None
        if isinstance(value, list | dict):
            return "json-array" if isinstance(value, list) else "json-document"
    opens = first in (b"[", b"{") or first.endswith((b"{", b"[", b","))
    after = text[text.find(first) + len(first) :].lstrip(b"\r\n")
    goes_on = (b" ", b"\t", b"{", b"]") if kind == "json-array" else (b" ", b"\t", b"}")
    indented = len(lines) > 1 and after[:1] in goes_on
    return kind if opens and (indented or first in (b"[", b"{")) else None
