"""What a converter yields for each input row: a chat record, a rejection with its reason, or a
blank line; and the helpers every JSONL converter shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, NamedTuple, Protocol

import orjson

from jsonl_lint import jsonpos
from jsonl_lint.duplicate_keys import colons_all_kept, written_as_dumped


@dataclass(frozen=True, slots=True, kw_only=True)
class ConvertOptions:
    """Options of a conversion; each converter reads the ones that concern it."""

    source: str | None = None  # None: detect from the extension and the first record
    to: str = "openai"  # the target format written (convert.targets)
    allow_loss: tuple[str, ...] = ()  # what the target may drop (convert.targets.LOSSES)
    system: str | None = None
    prompt_suffix: str | None = None  # completion and tables: None detects it
    stop: str | None = None  # completion and tables: None detects it
    keep_separators: bool = False
    empty_prompt: str = "reject"
    unescape: bool = False  # turn escaped newlines (backslash, n) in message text into newlines
    header: bool = True  # tables: the first row names the columns
    columns: tuple[str, ...] | None = None  # tables: the role of each column, in order (wide rows)
    user_column: str | None = None  # a name, or a 1-based index
    assistant_column: str | None = None
    system_column: str | None = None
    conversation_column: str | None = None
    role_column: str | None = None
    content_column: str | None = None


class Unusable(Exception):
    """A record that cannot become a chat example; the message is the reason."""


class Converted(NamedTuple):  # NamedTuples: one is made per row, a frozen dataclass costs more
    line: int
    record: dict[str, Any]
    # the row as it was in the input, the reject's text if the record cannot be written (see
    # text_of): a JSONL line is kept as its bytes, decoded only then
    text: str | bytes


class Rejected(NamedTuple):
    line: int
    text: str  # the row as it was in the input (bytes that are not UTF-8 kept as surrogates)
    reason: str


class Blank(NamedTuple):
    """A blank input line: no row, but counted and named in the summary."""

    line: int


class Flagged(NamedTuple):
    """A row converted, but not like the others (it lacks the file's separator ...): a warning."""

    line: int
    message: str


class Written(NamedTuple):
    """A block of records already serialised, one JSON object a line."""

    records: int
    data: bytes


class Restart(NamedTuple):
    """Everything yielded so far is void: the rows follow again (the conventions changed)."""


Row = Converted | Rejected | Blank | Flagged | Written | Restart


class RangePart(Protocol):
    """One byte range of a conversion, converted where the range is read (a forked worker).
    ``streamed``: :meth:`rows` is given the range's reader (``read(size)``), to read as it
    converts, not the range's bytes read whole (a table's range may be the whole file)."""

    streamed: bool

    def rows(self, lines: Iterable[bytes], first_line: int) -> Iterator[Row]:
        """The rows of the range's lines, numbered from ``first_line``."""
        ...

    def state(self) -> Any:
        """What the rows taught (counts, the lines that lack a convention ...), for
        :meth:`RangeJob.merge`: pickled, so plain data."""
        ...


class RangeJob(Protocol):
    """A conversion that goes range by range: what needs the whole file is decided before any
    range is converted (and the job holds it: forked workers inherit it); each range converted
    by a :meth:`part` of its own, whose state is merged back here in the ranges' order."""

    def spans(self, path: str, size: int, range_bytes: int) -> Iterator[tuple[int, int]]:
        """The ``(start, end)`` of each range, in order from 0, about ``range_bytes`` each: a
        range holds the lines that start in it (:mod:`jsonl_lint.line_ranges`)."""
        ...

    def part(self) -> RangePart: ...

    def merge(self, state: Any, shift: int) -> None:
        """A range's state; its line numbers ``shift`` lines on."""
        ...

    def finish(self, notes: Notes) -> RangeJob | None:
        """The summary's notes, once every range is merged; or the job that converts every range
        again (the conventions of the whole file were not those of its start: a :class:`Restart`)."""
        ...


@dataclass(slots=True)
class Notes:
    """What a converter detected or did, for the summary (separators stripped, columns used ...)."""

    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.lines.append(text)


def raw_text(raw: bytes) -> str:
    """A line as text, without its line ending; bytes that are not UTF-8 become surrogates, so
    the rejects file can give back the original bytes."""
    return raw.rstrip(b"\r\n").decode("utf-8", errors="surrogateescape")


def text_of(row: Converted) -> str:
    """The row's text as a reject gives it."""
    return row.text if isinstance(row.text, str) else raw_text(row.text)


def system_prefix(system: str | None) -> list[dict[str, Any]]:
    """The messages ``--system`` puts first in every example: the one place it is defined."""
    return [{"role": "system", "content": system}] if system else []


# A line within this many bytes of orjson's JSON of its value is compared with it; the tests set
# it below zero to take the other proof on every line.
DUPLICATE_SLACK = 5


def duplicate_key(raw: bytes, value: Any) -> str | None:
    """The first key that appears twice in one object of the line (a parser keeps only its last
    value), or None. Clean lines are settled by the reader's exact proofs
    (:mod:`jsonl_lint.duplicate_keys`): the line is orjson's JSON of its value (a float spelled
    otherwise, 1e15 for 1000000000000000.0, fails it: no length is trusted), or it has as many
    colons and escapes none."""
    try:
        dumped = orjson.dumps(value)
        if (len(raw) < len(dumped) + DUPLICATE_SLACK and written_as_dumped(raw, dumped)) or colons_all_kept(raw, dumped):
            return None
    except TypeError:  # nested deeper than orjson writes: look closely
        pass
    found = jsonpos.duplicate_keys(raw.decode("utf-8", errors="replace"))
    if not found:
        return None
    where = jsonpos.format_path(found[0].path[:-1]) or "the row"
    return f"duplicate key {orjson.dumps(found[0].path[-1]).decode()} in {where}: a parser keeps only the last value"


def jsonl_objects(stream: Iterable[bytes] | BinaryIO, first_line: int = 1) -> Iterator[tuple[int, Any, bytes] | Rejected | Blank]:
    """(line, value, raw line) for each JSON object (or array) line, numbered from
    ``first_line``; a :class:`Rejected` for any other non-blank line (or one with a duplicate
    key); a :class:`Blank` for a blank line. Only line 1 may start with a byte order mark."""
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    for number, raw in enumerate(stream, first_line):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            value = loads(raw)
        except decode_error as error:
            if raw.isspace() or not raw:
                yield Blank(number)
            else:
                yield Rejected(number, raw_text(raw), f"invalid JSON: {error.msg}")
            continue
        if type(value) is not dict and type(value) is not list:
            yield Rejected(number, raw_text(raw), "not a JSON object")
            continue
        duplicate = duplicate_key(raw, value)
        if duplicate:
            yield Rejected(number, raw_text(raw), duplicate)
        else:
            yield number, value, raw  # an object, or an array (the chat converter wraps those)


def convert_records(stream: Iterable[bytes] | BinaryIO, to_chat: Callable[[Any], dict[str, Any]], first_line: int = 1) -> Iterator[Row]:
    """One row per JSON line: ``to_chat(value)``, or a rejection with the :class:`Unusable` reason."""
    for item in jsonl_objects(stream, first_line):
        if isinstance(item, (Rejected, Blank)):
            yield item
            continue
        number, value, raw = item
        try:
            yield Converted(number, to_chat(value), raw)
        except Unusable as why:
            yield Rejected(number, raw_text(raw), str(why))


class DroppedKeys:
    """Top-level keys a converter does not carry (an ``id`` ...): counted per key for the summary,
    never dropped silently. At most :attr:`LIMIT` names are kept (the data chooses them): the
    first ones found. A byte range's keys (``limit`` None) are all kept, so that merging them
    in order names and counts what one pass over the file would."""

    LIMIT = 20

    def __init__(self, carried: Iterable[str], limit: int | None = LIMIT) -> None:
        self.carried = frozenset(carried)
        self.limit = limit
        self.counts: dict[str, int] = {}
        self.other = 0

    def add(self, value: dict[str, Any]) -> None:
        for key in value:
            if key in self.carried:
                continue
            self.count(key, 1)

    def count(self, key: str, times: int) -> None:
        if key in self.counts or self.limit is None or len(self.counts) < self.limit:
            self.counts[key] = self.counts.get(key, 0) + times
        else:
            self.other += times

    def merge(self, other: DroppedKeys) -> None:
        """The keys of the rows after these (``other``'s, all kept: see the class)."""
        for key, times in other.counts.items():
            self.count(key, times)
        self.other += other.other

    def describe(self, notes: Notes) -> None:
        for key, count in self.counts.items():
            notes.add(f"key {key!r} not carried into chat (dropped from {count} row{'s' if count != 1 else ''})")
        if self.other:
            notes.add(f"{self.other} other keys not carried into chat")
