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

from jsonl_lint import line_ranges, parallel
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
from jsonl_lint.convert.escapes import Escapes, texts_have_escaped_newlines, unescape
from jsonl_lint.convert.inputs import Input
from jsonl_lint.convert.rows import (
    Blank,
    Converted,
    ConvertOptions,
    Flagged,
    Notes,
    RangeJob,
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


EMPTY_COMPLETION = "empty completion: nothing for the assistant to learn"
EMPTY_ONCE_STRIPPED = "empty completion once its stop sequence is stripped: nothing for the assistant to learn"
# A duplicate key costs the line at least 11 bytes beyond the shortest JSON of what it holds (a
# comma, a key of 8 bytes or more, a colon, a value): a shorter line has none. See _convert_block.
DUPLICATE_SLACK = 11


def _duplicate(raw: bytes, value: Any, prompt: str, completion: str) -> str | None:
    """The duplicate key of a prompt-completion line, if it has one. Each key has its ':' (never
    escaped), so two ':' mean two keys; more must be the values' own (one written as \\u003a
    could hide a key's)."""
    colons = raw.count(b":")
    if colons != 2 and (colons != 2 + prompt.count(":") + completion.count(":") or b"\\u003" in raw):
        return duplicate_key(raw, value)
    return None


def record_parts(system: list[dict[str, Any]]) -> tuple[bytes, bytes, bytes, bytes]:
    """The bytes of a record around its texts, each text serialised by orjson: ``user_head + user
    + middle + reply + closing``, or ``assistant_head + reply + closing`` without a user text;
    the same bytes as orjson writes the whole record (a test holds them equal)."""
    opening = b'{"messages":[' + b"".join(orjson.dumps(message) + b"," for message in system)
    return opening + b'{"role":"user","content":', opening + b'{"role":"assistant","content":', b'},{"role":"assistant","content":', b"}]}"


def _convert_block(conventions: Conventions, options: ConvertOptions, exact: bool, first_line: int, lines: Iterable[bytes]) -> Block:
    """A block of lines converted in one tight loop: the records serialised into one
    :class:`Written`, then the rejections and warnings in line order (for a ``--to`` target
    other than OpenAI: every row in line order, each record a :class:`Converted`); what the block lacked,
    the tally of its rows' conventions, and the rows with escaped newlines. Most of the time of a
    conversion is here, so it makes no object per row that it does not write: each record is
    joined from its two texts, each serialised by orjson, and constant bytes.

    Duplicate keys cost nothing on the usual line: orjson writes the shortest JSON of a text, so
    a line shorter than the shortest JSON of its two members plus :data:`DUPLICATE_SLACK` has no
    third member. Only a longer line (escapes orjson would not write, much whitespace) is counted
    for its colons (:func:`_duplicate`)."""
    loads, dumps, decode_error, join = orjson.loads, orjson.dumps, orjson.JSONDecodeError, b"".join
    separator, stop, leading_space = conventions.separator, conventions.stop, conventions.leading_space
    system = system_prefix(options.system)
    assistant_only = options.empty_prompt != "reject"
    # another target takes its records one by one, each with its line (it may reject one)
    in_order = options.to != "openai"
    # (the writer adds --system to those, as to every converter's rows: here only to the records written here)
    user_head, assistant_head, middle, closing = record_parts([] if in_order else system)
    # the shortest JSON of a line's two members is 25 bytes and its two texts (with their quotes)
    slack = 25 + DUPLICATE_SLACK
    separator_bytes, stop_bytes = len(dumps(separator)) - 2, len(dumps(stop)) - 2
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
        if not completion or completion.isspace() or (not prompt and not assistant_only):
            reason = _duplicate(raw, value, prompt, completion) or (
                EMPTY_COMPLETION if not completion or completion.isspace() else EMPTY_PROMPT_REASON
            )
            others.append(Rejected(number, raw_text(raw), reason))
            continue
        # Strip the conventions (nothing is counted yet: a row with a duplicate key takes no part)
        user = prompt
        has_separator = has_stop = True
        if prompt:
            if prompt.endswith(separator):
                if separator_size:
                    user = prompt[:-separator_size]
            else:
                has_separator = False
        end = len(completion)
        if completion.endswith(stop):
            end -= stop_size
        else:
            has_stop = False
        start = 1 if leading_space and completion[0] == " " and end > 0 else 0
        reply = completion[start:end] if start or end != len(completion) else completion
        data = None
        if reply and not reply.isspace():
            user_json, reply_json = dumps(user), dumps(reply)
            data = join((user_head, user_json, middle, reply_json, closing)) if user else join((assistant_head, reply_json, closing))
            shortest = len(user_json) + len(reply_json) + start
            if has_stop:
                shortest += stop_bytes
            if has_separator and prompt:
                shortest += separator_bytes
            if len(raw) >= shortest + slack:
                duplicate = _duplicate(raw, value, prompt, completion)
                if duplicate:
                    others.append(Rejected(number, raw_text(raw), duplicate))
                    continue
        else:
            duplicate = _duplicate(raw, value, prompt, completion)
            if duplicate:
                others.append(Rejected(number, raw_text(raw), duplicate))
                continue
        # Tally the rows' own separators and stops ("tails"). A row that ends with the one being
        # stripped counts for it (no regular expression): so the whole file can only confirm,
        # shorten or replace the first block's conventions, never lengthen them. Only the first
        # block (``exact``) has every row's tail looked at.
        if completion[0] == " ":
            leading_spaces += 1
        if prompt:
            if exact:
                tail = separator_tail(prompt)
                separator_counts[tail] = separator_counts.get(tail, 0) + 1
            if has_separator:
                separator_hits += 1
            else:
                if not exact:
                    tail = separator_tail(prompt)
                    separator_counts[tail] = separator_counts.get(tail, 0) + 1
                lacking.separators += 1
                if len(lacking.separator) < 10:
                    lacking.separator.append(number)
        if exact:
            tail = stop_tail(completion)
            stop_counts[tail] = stop_counts.get(tail, 0) + 1
        if has_stop:
            stop_hits += 1
        else:
            if not exact:
                tail = stop_tail(completion)
                stop_counts[tail] = stop_counts.get(tail, 0) + 1
            lacking.stops += 1
            if len(lacking.stop) < 10:
                lacking.stop.append(number)
        if data is None:
            others.append(Rejected(number, raw_text(raw), EMPTY_ONCE_STRIPPED))
            continue
        if not (has_separator and has_stop):
            others.extend(Flagged(number, message) for message in flag_messages(conventions, has_separator, has_stop))
        # rows taken in order are the writer's to look at (and unescape), as every converter's are
        # --system's text is the user's, as typed: neither counted nor unescaped (as the writer does)
        if not in_order and ("\\" in user or "\\" in reply) and texts_have_escaped_newlines((user, reply)):
            escapes.add(number)
            if options.unescape:
                texts = [*system, {"role": "user", "content": unescape(user)}] if user else [*system]
                data = dumps({"messages": [*texts, {"role": "assistant", "content": unescape(reply)}]})
        if in_order:
            others.append(Converted(number, loads(data), raw))
        else:
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


def ranges(source: Input, options: ConvertOptions) -> RangeJob | None:
    """The job that converts the file range by range with the conventions its first block
    shows, as :func:`convert` does (and again with the whole file's, when they differ)."""
    head = next(parallel.blocks(source.stream()), None)
    if head is None:
        return None
    first = _convert_block(Conventions("", "", False), options, True, head[0], lines_of(head[1]))[2]
    return CompletionJob(resolve(first.conventions(), options), options)


class CompletionJob:
    """Every range converted with ``conventions``; the whole file's tallied meanwhile."""

    def __init__(self, conventions: Conventions, options: ConvertOptions, first_pass: Tally | None = None) -> None:
        self.conventions, self.options = conventions, options
        self.first_pass = first_pass  # the tally of the first pass, when this is the second
        self.whole, self.lacking, self.escapes = Tally(), Lacking(), Escapes()

    def spans(self, path: str, size: int, range_bytes: int) -> Iterator[tuple[int, int]]:
        return line_ranges.spans(size, range_bytes)

    def part(self) -> _CompletionPart:
        return _CompletionPart(functools.partial(_convert_block, self.conventions, self.options, False))

    def merge(self, state: tuple[Lacking, Tally, Escapes], shift: int) -> None:
        missing, tally, escaped = state
        if self.first_pass is None:
            self.whole.merge(tally)
        missing.separator = [line + shift for line in missing.separator]
        missing.stop = [line + shift for line in missing.stop]
        self.lacking.add(missing)
        self.escapes.merge(Escapes(escaped.count, [line + shift for line in escaped.lines]))

    def finish(self, notes: Notes) -> RangeJob | None:
        whole = self.first_pass or self.whole
        final = resolve(whole.conventions(), self.options)
        if self.first_pass is None and final != self.conventions:
            notes.add("converted twice: the first rows do not share the conventions of the whole file")
            return CompletionJob(final, self.options, self.whole)
        describe(final, self.options, notes, f"all {whole.stops.total} usable rows", self.lacking)
        self.escapes.describe(notes, self.options.unescape)
        return None


class _CompletionPart:
    streamed = False  # given the range's lines, read whole (a JSONL range is a few MB)

    def __init__(self, convert_block: Any) -> None:
        self._convert_block = convert_block
        self._state: tuple[Lacking, Tally, Escapes] = (Lacking(), Tally(), Escapes())

    def rows(self, lines: Iterable[bytes], first_line: int) -> Iterator[Row]:
        rows, *state = self._convert_block(first_line, lines)
        self._state = (state[0], state[1], state[2])
        return iter(rows)

    def state(self) -> tuple[Lacking, Tally, Escapes]:
        return self._state


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
