"""CSV and TSV tables into chat.

Wide tables: one example a row, from a user column and an assistant column (and an optional
system column); common header pairs map by themselves (prompt/completion, question/answer,
input/output, instruction/response, user/assistant). Long tables: one message a row, grouped by
a conversation column into multi-turn examples (rows of a conversation must be adjacent).
Quoted fields keep commas, quotes and newlines byte for byte; an unnamed index column (a
pandas export) is ignored.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any, BinaryIO

from jsonl_lint.convert.rows import ConvertOptions, Converted, Notes, Rejected, Row

# Header pairs that name the user and assistant columns, most specific first.
KNOWN_PAIRS = (
    ("prompt", "completion"),
    ("question", "answer"),
    ("instruction", "response"),
    ("instruction", "output"),
    ("input", "output"),
    ("query", "response"),
    ("user", "assistant"),
    ("human", "gpt"),
)
ROLE_NAMES = {"system": "system", "user": "user", "human": "user", "assistant": "assistant", "gpt": "assistant", "bot": "assistant"}
csv.field_size_limit(1 << 30)  # a field may hold a long document


class ColumnError(Exception):
    """The header does not have the columns asked for: nothing can be converted."""


def _rows(stream: BinaryIO, delimiter: str) -> Iterator[tuple[int, list[str], str]]:
    """(first line of the row, fields, the row's text) for each row after the header."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text, delimiter=delimiter, strict=False)
    line = 1
    for fields in reader:
        first, line = line, reader.line_num + 1
        yield first, fields, delimiter.join(fields)


def _find(header: list[str], name: str) -> int:
    lowered = [h.strip().lower() for h in header]
    if name.strip().lower() not in lowered:
        raise ColumnError(f"no column {name!r} in the header ({', '.join(header)})")
    return lowered.index(name.strip().lower())


def convert(stream: BinaryIO, delimiter: str, options: ConvertOptions, notes: Notes) -> Iterator[Row]:
    rows = _rows(stream, delimiter)
    try:
        _, header, _ = next(rows)
    except StopIteration:
        return
    ignored = [h for h in header if h.strip() in ("", "Unnamed: 0", "index")]
    if ignored:
        notes.add(f"index column {ignored[0]!r} ignored")
    if options.conversation_column or options.role_column or options.content_column:
        yield from _long(rows, header, options, notes)
    else:
        yield from _wide(rows, header, options, notes)


def _wide(rows: Iterator[tuple[int, list[str], str]], header: list[str], options: ConvertOptions, notes: Notes) -> Iterator[Row]:
    user, assistant = options.user_column, options.assistant_column
    if user is None or assistant is None:
        lowered = {h.strip().lower() for h in header}
        pair = next(((u, a) for u, a in KNOWN_PAIRS if u in lowered and a in lowered), None)
        if pair is None:
            raise ColumnError(
                f"cannot tell the user and assistant columns of {', '.join(header)}: "
                "name them with --user-column and --assistant-column"
            )
        user, assistant = user or pair[0], assistant or pair[1]
    columns = {"user": _find(header, user), "assistant": _find(header, assistant)}
    if options.system_column:
        columns["system"] = _find(header, options.system_column)
    notes.add("columns: " + ", ".join(f"{role} <- {header[index]!r}" for role, index in columns.items()))
    for line, fields, text in rows:
        if len(fields) != len(header):
            yield Rejected(line, text, f"{len(fields)} fields where the header has {len(header)}")
            continue
        empty = [header[index] for role, index in columns.items() if role != "system" and not fields[index].strip()]
        if empty:
            yield Rejected(line, text, f"empty {' and '.join(repr(e) for e in empty)}")
            continue
        messages: list[dict[str, Any]] = []
        system = fields[columns["system"]] if "system" in columns else options.system
        if system:
            messages.append({"role": "system", "content": system})
        messages.append({"role": "user", "content": fields[columns["user"]]})
        messages.append({"role": "assistant", "content": fields[columns["assistant"]]})
        yield Converted(line, {"messages": messages})


def _long(rows: Iterator[tuple[int, list[str], str]], header: list[str], options: ConvertOptions, notes: Notes) -> Iterator[Row]:
    names = (options.conversation_column, options.role_column, options.content_column)
    if None in names:
        raise ColumnError("a long table needs --conversation-column, --role-column and --content-column")
    conversation, role, content = (_find(header, name) for name in names if name is not None)
    notes.add(f"long table: one message a row, grouped by {header[conversation]!r}")
    finished: set[str] = set()
    current: str | None = None
    start = 0
    messages: list[dict[str, Any]] = []
    texts: list[str] = []
    problem: str | None = None

    def flush() -> Row | None:
        if current is None:
            return None
        if problem:
            return Rejected(start, "\n".join(texts), problem)
        return Converted(start, {"messages": ([{"role": "system", "content": options.system}] if options.system else []) + messages})

    for line, fields, text in rows:
        if len(fields) != len(header):
            yield Rejected(line, text, f"{len(fields)} fields where the header has {len(header)}")
            continue
        key = fields[conversation]
        if key != current:
            done = flush()
            if done is not None:
                yield done
            if current is not None:
                finished.add(current)
            if key in finished:
                yield Rejected(line, text, f"conversation {key!r} continues after other conversations: its rows must be adjacent")
                current = None
                continue
            current, start, messages, texts, problem = key, line, [], [], None
        texts.append(text)
        mapped = ROLE_NAMES.get(fields[role].strip().lower())
        if mapped is None:
            problem = problem or f"line {line}: unknown role {fields[role]!r} (expected {', '.join(sorted(ROLE_NAMES))})"
        elif not fields[content].strip():
            problem = problem or f"line {line}: empty {header[content]!r}"
        else:
            messages.append({"role": mapped, "content": fields[content]})
    done = flush()
    if done is not None:
        yield done
