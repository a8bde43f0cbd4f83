"""Escaped newlines: ``\\n`` written as two characters (a backslash and n), a common export
mistake. A text has them when they outnumber its real newlines; ``--unescape`` turns them into
newlines (and ``\\r\\n`` into one newline)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jsonl_lint import byte_search
from jsonl_lint.convert.rows import Notes

ESCAPED = "\\n"


def has_escaped_newlines(text: str) -> bool:
    return ESCAPED in text and text.count(ESCAPED) > text.count("\n")


def unescape(text: str) -> str:
    return text.replace("\\r\\n", "\n").replace(ESCAPED, "\n") if ESCAPED in text else text


def record_texts(record: dict[str, Any], *, given_system: bool = False) -> list[str]:
    """The message texts of a record in any target's shape: OpenAI ``messages`` with string
    content, Bedrock ``messages`` and ``system`` of text blocks, Gemini ``contents`` and
    ``systemInstruction`` of text parts. ``given_system``: the record's system text is
    ``--system``'s, as the user typed it, not the data's: it is left out."""
    found: list[str] = []
    _collect(_own_messages(record.get("messages"), given_system), found)
    _collect(record.get("contents"), found)
    if not given_system:
        _collect(record.get("system"), found)
        instruction = record.get("systemInstruction")
        if isinstance(instruction, dict):
            _collect(instruction.get("parts"), found)
    return found


def _own_messages(messages: Any, given_system: bool) -> Any:
    """``messages`` without the first one when it is ``--system``'s system message."""
    if given_system and isinstance(messages, list) and messages and isinstance(messages[0], dict) and messages[0].get("role") == "system":
        return messages[1:]
    return messages


def _collect(items: Any, found: list[str]) -> None:
    """The texts of a list of messages, turns or blocks: a string ``content`` or ``text``, or a
    ``content``/``parts`` list of text blocks one level down."""
    if isinstance(items, str):
        found.append(items)
        return
    if not isinstance(items, list):
        return
    for item in items:
        if not isinstance(item, dict):
            continue
        for key in ("content", "text"):
            value = item.get(key)
            if isinstance(value, str):
                found.append(value)
        for key in ("content", "parts"):
            blocks = item.get(key)
            if isinstance(blocks, list):
                found.extend(b["text"] for b in blocks if isinstance(b, dict) and isinstance(b.get("text"), str))


def json_may_have_escaped_newlines(data: bytes) -> bool:
    """Whether the JSON ``data`` holds a backslash followed by n in a text (``\\\\n``): what a
    record needs before :func:`record_has_escaped_newlines` is worth asking."""
    try:
        return bool(byte_search.search_for(b"\\\\n")(data))
    except BaseException as error:  # a panic in the native search: the plain one
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return b"\\\\n" in data


def record_has_escaped_newlines(record: dict[str, Any], *, given_system: bool = False) -> bool:
    return texts_have_escaped_newlines(record_texts(record, given_system=given_system))


def texts_have_escaped_newlines(texts: Sequence[str]) -> bool:
    """Escaped newlines outnumber real ones in these texts, counted together."""
    if not any(ESCAPED in text for text in texts):
        return False
    return sum(t.count(ESCAPED) for t in texts) > sum(t.count("\n") for t in texts)


def unescape_record(record: dict[str, Any], *, given_system: bool = False) -> dict[str, Any]:
    """The record with the texts :func:`record_texts` finds unescaped, in any target's shape
    (``given_system``: ``--system``'s text kept as given)."""
    out = dict(record)
    messages = out.get("messages")
    if isinstance(messages, list) and _own_messages(messages, given_system) is not messages:
        out["messages"] = [messages[0], *_unescaped(messages[1:])]
    elif "messages" in out:
        out["messages"] = _unescaped(messages)
    if "contents" in out:
        out["contents"] = _unescaped(out["contents"])
    if given_system:
        return out
    if "system" in out:
        out["system"] = _unescaped(out["system"])
    instruction = out.get("systemInstruction")
    if isinstance(instruction, dict) and "parts" in instruction:
        out["systemInstruction"] = {**instruction, "parts": _unescaped(instruction["parts"])}
    return out


def _unescaped(items: Any) -> Any:
    if isinstance(items, str):
        return unescape(items)
    if not isinstance(items, list):
        return items
    return [_unescaped_item(item) if isinstance(item, dict) else item for item in items]


def _unescaped_item(item: dict[str, Any]) -> dict[str, Any]:
    out = dict(item)
    for key in ("content", "text"):
        if isinstance(out.get(key), str):
            out[key] = unescape(out[key])
    for key in ("content", "parts"):
        blocks = out.get(key)
        if isinstance(blocks, list):
            out[key] = [{**b, "text": unescape(b["text"])} if isinstance(b, dict) and isinstance(b.get("text"), str) else b for b in blocks]
    return out


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
