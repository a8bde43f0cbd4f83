"""Each record's key for the dataset rules (equal records, equal keys), and the keys of a chat
record's prompt and answer, hashed from the record's canonical JSON in one pass.

Most chat records are ``{"messages": [..., answer]}`` with a last message of role assistant and
string content alone. Their canonical JSON is a fixed start, the prompt's bytes, a comma, the
answer's bytes and a fixed end, so the pair of the prompt's and the answer's hashes tells the
record as well as the hash of the whole line does: such a record's key is the hash of that pair,
and the line is hashed once for both the duplicate rules and JL707 (conflicting answers).
Equal records take the same way (it depends on the record alone), so equal records keep equal
keys; any other record's key is the hash of its canonical JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jsonl_lint.reader import Record

MESSAGES_START = len(b'{"messages":')
_ANSWER_START = b',{"content":"'
_ANSWER_END = b'","role":"assistant"}]}'

_last: tuple[object, tuple[int, int] | None] | None = None  # the last record asked about, and its chat keys


def record_key(record: Record) -> int | None:
    """The record's key, None when it has no canonical JSON (nested deeper than orjson writes)."""
    canonical = record.canonical
    if not canonical:
        return None
    keys = chat_keys(record)
    return hash(canonical) if keys is None else hash(keys)


def chat_keys(record: Record) -> tuple[int, int] | None:
    """(prompt key, answer key) cut from the record's canonical JSON (see :func:`_cut`), or None
    when the record is not of that shape. The last record's are kept: the engine and JL707 both ask."""
    global _last
    last = _last
    if last is not None and last[0] is record:
        return last[1]
    keys = _cut(record)
    _last = (record, keys)
    return keys


def _cut(record: Record) -> tuple[int, int] | None:
    """Both keys cut from the record's canonical JSON, ``{"messages":[m0,...,answer]}``, when it
    holds only its messages, at least two, and the last, the answer, is of role assistant and
    string content alone (most chat records); None otherwise. The prompt key is the hash of
    ``[m0,...`` (the prompt's canonical JSON without its closing bracket), the answer key the
    hash of the answer's canonical JSON.

    The answer is then ``{"content":"...","role":"assistant"}``, at least as many bytes as its
    text has characters, and holds no ``,{"`` (a quote inside a string is escaped), so the
    last ``,{"`` before that many bytes from the end is where it starts.
    """
    value = record.value
    messages = value.get("messages")
    if len(value) != 1 or messages.__class__ is not list or len(messages) < 2:
        return None
    answer = messages[-1]
    if answer.__class__ is not dict or len(answer) != 2:
        return None
    text = answer.get("content")
    canonical = record.canonical
    if text.__class__ is not str or not canonical.endswith(_ANSWER_END):
        return None
    start = canonical.rfind(b',{"', MESSAGES_START, len(canonical) - len(_ANSWER_END) - len(text) + 3)
    if start <= MESSAGES_START or not canonical.startswith(_ANSWER_START, start):
        return None
    line = memoryview(canonical)  # hashed in place (a hash of a view is the hash of its bytes)
    return hash(line[MESSAGES_START:start]), hash(line[start + 1 : -2])
