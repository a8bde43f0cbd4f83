"""The usual record (``messages`` of plain text: a first system message, then user and assistant
turns that alternate, maybe weighted) written straight as a target's JSON: constant bytes around
each text, each text serialised by orjson. No dictionary is made per turn, and the turn order the
trainer needs is checked on the way: ``from_openai``, its refusal check and ``orjson.dumps``
cost three times as much on a chat record. A test holds the bytes equal to
``orjson.dumps(from_openai(record))``; any other record goes the general way (None here).
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from jsonl_lint.convert.targets import Record
from jsonl_lint.convert.targets.common import plain_text

Built = tuple[bytes, list[str]]  # the record's JSON, and what the conversion counts for it


@dataclass(frozen=True, slots=True, kw_only=True)
class PlainShape:
    """A target's JSON of a plain record, piece by piece."""

    head: bytes  # the record's opening, with any constant member
    system: tuple[bytes, bytes]  # around the system text
    turns: bytes  # the opening of the list of turns
    user: bytes  # the opening of a user turn, up to its text
    model: bytes  # the opening of a model turn, up to its text
    turn_end: bytes  # after a turn's text
    end: bytes = b"]}"


def plain_record(record: Record, allowed_losses: frozenset[str], shape: PlainShape) -> Built | None:
    """``shape``'s JSON of ``record`` and the notes to count, or None for a record that is not
    the usual one (tools, parts, names ...), breaks the turn order, or holds text orjson cannot
    write: the general path converts, refuses or rejects it and says why."""
    if len(record) != 1:
        return None
    messages = record.get("messages")
    if type(messages) is not list or not messages:
        return None
    dumps, join = orjson.dumps, b"".join
    user, model, turn_end = shape.user, shape.model, shape.turn_end
    system: bytes | None = None
    turns: list[bytes] = []
    notes: list[str] = []
    expected = "user"
    try:
        for message in messages:
            content = plain_text(message, allowed_losses, notes)
            if content is None:
                return None
            role = message["role"]
            if role == expected:
                if role == "user":
                    turns.append(join((user, dumps(content), turn_end)))
                    expected = "assistant"
                else:
                    turns.append(join((model, dumps(content), turn_end)))
                    expected = "user"
            elif role == "system" and system is None and not turns:
                system = dumps(content)
            else:
                return None
    except TypeError:  # text that is not UTF-8: the general path rejects it with orjson's words
        return None
    if not turns or expected != "user":  # no turn, or the user's last: the target refuses it
        return None
    body = b",".join(turns)
    if system is None:
        return join((shape.head, shape.turns, body, shape.end)), notes
    return join((shape.head, shape.system[0], system, shape.system[1], shape.turns, body, shape.end)), notes
