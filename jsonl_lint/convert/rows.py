"""What a converter yields for each input row: a chat record, or a rejection with its reason."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import orjson


@dataclass(frozen=True, slots=True)
class Converted:
    line: int
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    text: str  # the row as it was in the input
    reason: str


Row = Converted | Rejected


@dataclass(slots=True)
class Notes:
    """What a converter detected or did, for the summary (separators stripped, columns used ...)."""

    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.lines.append(text)


def raw_text(raw: bytes) -> str:
    return raw.rstrip(b"\r\n").decode("utf-8", errors="replace")


def jsonl_objects(stream: Iterable[bytes] | BinaryIO) -> Iterator[tuple[int, Any, bytes] | Rejected]:
    """(line, value, raw line) for each JSON object (or array) line; a :class:`Rejected` for any other
    non-blank line. Blank lines hold no row and are passed over."""
    for number, raw in enumerate(stream, 1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw or raw.isspace():
            continue
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            yield Rejected(number, raw_text(raw), f"invalid JSON: {error.msg}")
            continue
        if not isinstance(value, dict) and not isinstance(value, list):
            yield Rejected(number, raw_text(raw), "not a JSON object")
            continue
        yield number, value, raw  # an object, or an array (the chat converter wraps those)


def text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
