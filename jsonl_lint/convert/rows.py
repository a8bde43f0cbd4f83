"""What a converter yields for each input row: a chat record, or a rejection with its reason."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, NamedTuple

import orjson


@dataclass(frozen=True, slots=True, kw_only=True)
class ConvertOptions:
    """Options of a conversion; each converter reads the ones that concern it."""

    source: str | None = None  # None: detect from the extension and the first record
    system: str | None = None
    prompt_suffix: str | None = None  # completion: None detects it
    stop: str | None = None  # completion: None detects it
    keep_separators: bool = False
    empty_prompt: str = "reject"
    user_column: str | None = None
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


class Rejected(NamedTuple):
    line: int
    text: str  # the row as it was in the input
    reason: str


class Written(NamedTuple):
    """A block of records already serialised, one JSON object a line."""

    records: int
    data: bytes


class Restart(NamedTuple):
    """Everything yielded so far is void: the rows follow again (the conventions changed)."""


Row = Converted | Rejected | Written | Restart


@dataclass(slots=True)
class Notes:
    """What a converter detected or did, for the summary (separators stripped, columns used ...)."""

    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.lines.append(text)


def raw_text(raw: bytes) -> str:
    return raw.rstrip(b"\r\n").decode("utf-8", errors="replace")


def jsonl_objects(stream: Iterable[bytes] | BinaryIO, first_line: int = 1) -> Iterator[tuple[int, Any, bytes] | Rejected]:
    """(line, value, raw line) for each JSON object (or array) line; a :class:`Rejected` for any
    other non-blank line. Blank lines hold no row and are passed over."""
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    for number, raw in enumerate(stream, first_line):
        try:
            value = loads(raw)
        except decode_error as error:
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
                try:
                    value = loads(raw)
                except decode_error:
                    pass
                else:
                    yield number, value, raw
                    continue
            if not raw.isspace():
                yield Rejected(number, raw_text(raw), f"invalid JSON: {error.msg}")
            continue
        if type(value) is dict or type(value) is list:
            yield number, value, raw  # an object, or an array (the chat converter wraps those)
        else:
            yield Rejected(number, raw_text(raw), "not a JSON object")


def convert_records(stream: BinaryIO, to_chat: Callable[[Any], dict[str, Any]]) -> Iterator[Row]:
    """One row per JSON line: ``to_chat(value)``, or a rejection with the :class:`Unusable` reason."""
    for item in jsonl_objects(stream):
        if isinstance(item, Rejected):
            yield item
            continue
        number, value, raw = item
        try:
            yield Converted(number, to_chat(value))
        except Unusable as why:
            yield Rejected(number, raw_text(raw), str(why))
