"""Plain chat records (a system text, a user text and an assistant text) serialised where a
converter makes them and handed to the writer in blocks (:class:`Written`): the bytes, escaped
newlines and rejects the writer makes of the same :class:`Converted` rows, ``--system`` added,
at a fraction of the cost per row (no dictionaries, one join of texts each serialised by orjson).
Only for the OpenAI target: another target's rejects need the rows one by one."""

from __future__ import annotations

from typing import Any

import orjson

from jsonl_lint.convert.escapes import Escapes, texts_have_escaped_newlines, unescape
from jsonl_lint.convert.rows import ConvertOptions, Rejected, Written

_SYSTEM = b'{"messages":[{"role":"system","content":'
_USER_AFTER_SYSTEM = b'},{"role":"user","content":'
_USER = b'{"messages":[{"role":"user","content":'
_ASSISTANT = b'},{"role":"assistant","content":'
_CLOSING = b"}]}"


def record_bytes(system: str, user: str, assistant: str) -> bytes:
    """``orjson.dumps`` of the record of these texts (no system message when ``system`` is empty);
    a test holds them equal."""
    dumps = orjson.dumps
    if system:
        return b"".join((_SYSTEM, dumps(system), _USER_AFTER_SYSTEM, dumps(user), _ASSISTANT, dumps(assistant), _CLOSING))
    return b"".join((_USER, dumps(user), _ASSISTANT, dumps(assistant), _CLOSING))


class PlainRecords:
    """Records added one by one, taken in blocks; the rows with escaped newlines in :attr:`escapes`."""

    BLOCK = 1024  # records a block

    def __init__(self, options: ConvertOptions) -> None:
        self.system = options.system or ""
        self.unescape = options.unescape
        self.escapes = Escapes()
        self._records: list[bytes] = []

    @staticmethod
    def wanted(options: ConvertOptions) -> bool:
        return options.to == "openai"

    def add(self, line: int, text: str, system: str, user: str, assistant: str) -> Rejected | Written | None:
        """Add the record of row ``line`` (``text``: the row as read): a :class:`Rejected` if it
        cannot be written, the block of records when it is full, else None. A row without a
        system text takes ``--system``'s, as the writer adds it."""
        own = (system, user, assistant) if system else (user, assistant)  # the row's texts: --system's is the user's, as typed
        given = not system and bool(self.system)
        system = system or self.system
        dumps = orjson.dumps
        try:  # record_bytes, inlined: tables of millions of rows pass here
            if system:
                data = b"".join((_SYSTEM, dumps(system), _USER_AFTER_SYSTEM, dumps(user), _ASSISTANT, dumps(assistant), _CLOSING))
            else:
                data = b"".join((_USER, dumps(user), _ASSISTANT, dumps(assistant), _CLOSING))
        except TypeError as error:  # text that is not UTF-8 (kept as surrogates)
            return Rejected(line, text, f"cannot be written as JSON: {error}")
        # as the writer does: the row's own text has a backslash, and its own texts have escaped newlines
        if "\\" in text and texts_have_escaped_newlines(own):
            self.escapes.add(line)
            if self.unescape:
                texts = (system, *map(unescape, own)) if given else tuple(map(unescape, own))
                roles = ("system", "user", "assistant") if system else ("user", "assistant")
                record: dict[str, Any] = {"messages": [{"role": r, "content": t} for r, t in zip(roles, texts, strict=True)]}
                data = orjson.dumps(record)
        self._records.append(data)
        return self.take() if len(self._records) >= self.BLOCK else None

    @property
    def pending(self) -> bool:
        return bool(self._records)

    def take(self) -> Written:
        """The records added since the last call, as one block."""
        count = len(self._records)
        self._records.append(b"")  # the join then ends with a newline
        block = Written(count, b"\n".join(self._records))
        self._records = []
        return block
