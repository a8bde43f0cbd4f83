"""Escaped newlines: ``\\n`` written as two characters (a backslash and n), a common export
mistake. A text has them when they outnumber its real newlines; ``--unescape`` turns them into
newlines (and ``\\r\\n`` into one newline)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jsonl_lint.convert.rows import Notes

ESCAPED = "\\n"


def has_escaped_newlines(text: str) -> bool:
    return ESCAPED in text and text.count(ESCAPED) > text.count("\n")


def unescape(text: str) -> str:
    return text.replace("\\r\\n", "\n").replace(ESCAPED, "\n") if ESCAPED in text else text


def record_texts(record: dict[str, Any]) -> list[str]:
    """The string contents of a chat record's messages."""
    messages = record.get("messages")
    if not isinstance(messages, list):
        return []
    return [m["content"] for m in messages if isinstance(m, dict) and isinstance(m.get("content"), str)]


def record_has_escaped_newlines(record: dict[str, Any]) -> bool:
    return texts_have_escaped_newlines(record_texts(record))


def texts_have_escaped_newlines(texts: Sequence[str]) -> bool:
    """Escaped newlines outnumber real ones in these texts, counted together."""
    if not any(ESCAPED in text for text in texts):
        return False
    return sum(t.count(ESCAPED) for t in texts) > sum(t.count("\n") for t in texts)


def unescape_record(record: dict[str, Any]) -> dict[str, Any]:
    messages = record.get("messages")
    if not isinstance(messages, list):
        return record
    out = [{**m, "content": unescape(m["content"])} if isinstance(m, dict) and isinstance(m.get("content"), str) else m for m in messages]
    return {**record, "messages": out}


@dataclass(slots=True)
class Escapes:
    """Rows with escaped newlines: counted, the first few named."""

    count: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.lines) < 10:
            self.lines.append(line)

    def merge(self, other: Escapes) -> None:
        for line in other.lines:
            if len(self.lines) < 10:
                self.lines.append(line)
        self.count += other.count

    def describe(self, notes: Notes, unescaped: bool) -> None:
        if not self.count:
            return
        named = ", ".join(map(str, self.lines)) + (" ..." if self.count > len(self.lines) else "")
        what = f"{self.count} row{'s' if self.count != 1 else ''} with escaped newlines (a backslash and n, more than real newlines)"
        if unescaped:
            notes.add(f"{what} turned into newlines (--unescape): lines {named}")
        else:
            notes.add(f"warning: {what}, kept as they are (--unescape turns them into newlines): lines {named}")
