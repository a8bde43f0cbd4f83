"""Legacy prompt-completion JSONL (babbage-002, davinci-002) into chat: prompt -> user,
completion -> assistant, with the separator, stop sequence and leading space that most rows
share stripped (see :mod:`jsonl_lint.convert.conventions`).

The conventions are first taken from the first block (about 2 MB) while the conversion tallies
those of the whole file. When the whole file agrees (nearly always), that was the only pass;
when it does not, a :class:`Restart` follows and the input is read again (never opened again:
see :class:`~jsonl_lint.convert.inputs.Input`) with the whole file's conventions. Rejected rows
take no part in detection.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from jsonl_lint import parallel
from jsonl_lint.convert.conventions import (
    Conventions,
    Lacking,
    Tally,
    describe,
    flag_messages,
    resolve,
    separator_tail,
    stop_tail,
)
from jsonl_lint.convert.escapes import Escapes, has_escaped_newlines, unescape
from jsonl_lint.convert.inputs import Input
from jsonl_lint.convert.rows import (
    Blank,
    ConvertOptions,
    Flagged,
    Notes,
    Rejected,
    Restart,
    Row,
    Written,
    duplicate_key,
    raw_text,
    system_prefix,
)
from jsonl_lint.source import lines_of

EMPTY_PROMPT_POLICIES = ("reject", "assistant-only")
EMPTY_PROMPT_REASON = (
    "empty prompt (open-ended generation): a chat example needs a user turn; "
    "--empty-prompt assistant-only keeps it as an assistant message alone"
)


def sniff(suffix: str, first: Any) -> bool:
    return isinstance(first, dict) and ("prompt" in first or "completion" in first)


Block = tuple[list[Row], Lacking, Tally, Escapes]


def _convert_block(conventions: Conventions, options: ConvertOptions, exact: bool, first_line: int, lines: Iterable[bytes]) -> Block:
    """A block of lines converted in one tight loop: the records serialised into one
    :class:`Written`, then the rejections and warnings in line order; what the block lacked,
    the tally of its rows' conventions, and the rows with escaped newlines. Most of the time of a conversion is here, so it
    makes no object per row that it does not write."""
    loads, dumps, decode_error = orjson.loads, orjson.dumps, orjson.JSONDecodeError
    separator, stop, leading_space = conventions.separator, conventions.stop, conventions.leading_space
    system = system_prefix(options.system)
    system_text = options.system or ""
    system_backslash = "\\" in system_text
    assistant_only = options.empty_prompt != "reject"
    records: list[bytes] = []
    others: list[Row] = []
    lacking = Lacking()
    tally = Tally()
    escapes = Escapes()
    separator_counts: dict[str, int] = {}
    stop_counts: dict[str, int] = {}
    separator_hits = stop_hits = 0
    separator_size, stop_size = len(separator), len(stop)
    leading_spaces = 0
    for number, raw in enumerate(lines, first_line):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            value = loads(raw)
        except decode_error as error:
            others.append(Blank(number) if raw.isspace() or not raw else Rejected(number, raw_text(raw), f"invalid JSON: {error.msg}"))
            continue
        try:
            prompt, completion = value["prompt"], value["completion"]
            usable = type(prompt) is str and type(completion) is str and len(value) == 2
        except (KeyError, TypeError):  # no such key, or not an object at all
            usable = False
        if not usable:
            others.append(Rejected(number, raw_text(raw), _unusable(value) or "not a prompt-completion record"))
            continue
        # a duplicate key: each key has its ':' (never escaped), so two ':' mean two keys; more
        # must be the values' own (one written as \u003a could hide a key's)
        colons = raw.count(b":")
        if colons != 2 and (colons != 2 + prompt.count(":") + completion.count(":") or b"\\u003" in raw):
            duplicate = duplicate_key(raw, value)
            if duplicate:
                others.append(Rejected(number, raw_text(raw), duplicate))
                continue
        if not completion or completion.isspace():
            others.append(Rejected(number, raw_text(raw), "empty completion: nothing for the assistant to learn"))
            continue
        if not prompt and not assistant_only:
            others.append(Rejected(number, raw_text(raw), EMPTY_PROMPT_REASON))
            continue
        if completion[0] == " ":
            leading_spaces += 1
        # Strip the conventions, and tally the rows' own separators and stops ("tails"). A row
        # that ends with the one being stripped counts for it (no regular expression): so the
        # whole file can only confirm, shorten or replace the first block's conventions, never
        # lengthen them. Only the first block (``exact``) has every row's tail looked at.
        has_separator = has_stop = True
        if prompt:
            if exact:
                tail = separator_tail(prompt)
                separator_counts[tail] = separator_counts.get(tail, 0) + 1
            if prompt.endswith(separator):
                separator_hits += 1
                if separator_size:
                    prompt = prompt[:-separator_size]
            else:
                if not exact:
                    tail = separator_tail(prompt)
                    separator_counts[tail] = separator_counts.get(tail, 0) + 1
                has_separator = False
                lacking.separators += 1
                if len(lacking.separator) < 10:
                    lacking.separator.append(number)
        if exact:
            tail = stop_tail(completion)
            stop_counts[tail] = stop_counts.get(tail, 0) + 1
        end = len(completion)
        if completion.endswith(stop):
            stop_hits += 1
            end -= stop_size
        else:
            if not exact:
                tail = stop_tail(completion)
                stop_counts[tail] = stop_counts.get(tail, 0) + 1
            has_stop = False
            lacking.stops += 1
            if len(lacking.stop) < 10:
                lacking.stop.append(number)
        start = 1 if leading_space and completion[0] == " " and end > 0 else 0
        if start or end != len(completion):
            completion = completion[start:end]
        if not completion or completion.isspace():
            others.append(
                Rejected(number, raw_text(raw), "empty completion once its stop sequence is stripped: nothing for the assistant to learn")
            )
            continue
        if not (has_separator and has_stop):
            others.extend(Flagged(number, message) for message in flag_messages(conventions, has_separator, has_stop))
        if prompt:
            messages = (
                [*system, {"role": "user", "content": prompt}, {"role": "assistant", "content": completion}]
                if system
                else [{"role": "user", "content": prompt}, {"role": "assistant", "content": completion}]
            )
        else:
            messages = [*system, {"role": "assistant", "content": completion}]
        data = dumps({"messages": messages})
        if (system_backslash or "\\" in prompt or "\\" in completion) and (
            has_escaped_newlines(prompt + completion) or has_escaped_newlines(system_text)
        ):
            escapes.add(number)
            if options.unescape:
                data = dumps({"messages": [{**m, "content": unescape(m["content"])} for m in messages]})
        records.append(data)
    if separator_hits and not exact:
        separator_counts[separator] = separator_counts.get(separator, 0) + separator_hits
    if stop_hits and not exact:
        stop_counts[stop] = stop_counts.get(stop, 0) + stop_hits
    for tail, count in separator_counts.items():
        tally.separators.add(tail, count)
    for tail, count in stop_counts.items():
        tally.stops.add(tail, count)
    tally.leading_spaces = leading_spaces
    count = len(records)
    records.append(b"")  # the join then ends with a newline, without copying the block again
    written: list[Row] = [Written(count, b"\n".join(records))] if count else []
    return written + others, lacking, tally, escapes


def _blocks(work: Any, batches: Iterable[tuple[int, bytes]]) -> Iterator[Block]:
    return (work(first_line, lines_of(block)) for first_line, block in batches)


def convert(source: Input, options: ConvertOptions, notes: Notes) -> Iterator[Row]:
    """Rows of the input, in one pass when the first block's conventions are the whole file's."""
    # One process: the work per byte is light, and worker processes measured slower (fork and
    # pipes cost more than they save: 129 against 135 MB/s on 315 MB of make_dataset data).
    batches = parallel.blocks(source.stream())
    head = next(batches, None)
    if head is None:
        return
    first = _convert_block(Conventions("", "", False), options, True, head[0], lines_of(head[1]))[2]
    conventions = resolve(first.conventions(), options)
    whole, lacking, escapes = Tally(), Lacking(), Escapes()
    for rows, missing, tally, escaped in _blocks(
        functools.partial(_convert_block, conventions, options, False), itertools.chain([head], batches)
    ):
        whole.merge(tally)
        lacking.add(missing)
        escapes.merge(escaped)
        yield from rows
    final = resolve(whole.conventions(), options)
    if final != conventions:
        notes.add("converted twice: the first rows do not share the conventions of the whole file")
        yield Restart()
        lacking, escapes = Lacking(), Escapes()
        for rows, missing, _, escaped in _blocks(functools.partial(_convert_block, final, options, False), parallel.blocks(source.again())):
            lacking.add(missing)
            escapes.merge(escaped)
            yield from rows
    describe(final, options, notes, f"all {whole.stops.total} usable rows", lacking)
    escapes.describe(notes, options.unescape)


def _unusable(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "not a JSON object"
    for key in ("prompt", "completion"):
        if key not in value:
            return f'no "{key}" key'
        if not isinstance(value[key], str):
            return f'"{key}" is not a string'
    extra = sorted(set(value) - {"prompt", "completion"})
    if extra:
        return f"unexpected keys {', '.join(extra)}: they would be lost"
    return None
