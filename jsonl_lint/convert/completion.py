"""Legacy prompt-completion JSONL (babbage-002, davinci-002) into chat: prompt -> user,
completion -> assistant.

The old guide's conventions are artefacts, not content: every prompt ended with one fixed
separator (``" ->"``, ``"\\n\\n###\\n\\n"`` ...), every completion started with a space and ended
with one stop sequence (``"\\n"``, ``" END"``, ``"###"`` ...). They are detected over the whole
file (the common suffix of all prompts, of all completions), shown, and stripped, so they do
not end up in the messages. For standard input they are detected on its first block (about
2 MB) and the rest is checked against them.
"""
from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import orjson

from jsonl_lint import parallel
from jsonl_lint.convert.rows import ConvertOptions, Notes, Rejected, Restart, Row, Written, raw_text

_MAX_AFFIX = 64
# A separator is made of these only: never letters, digits or sentence punctuation (?.!), and
# only ASCII whitespace (U+0085 or U+00A0 at the end of a text is content, not a separator).
_SEPARATOR = re.compile(r"[ \t\r\n#=\-~>*|_]+")
# A stop sequence: optional whitespace, one of these markers, optional whitespace; or newlines.
_STOP = re.compile(r"[ \t\r\n]*(?:END|STOP|###|===|---|<\|endoftext\|>|</s>)[ \t\r\n]*|[ \t\r]*\n[ \t\r\n]*")

EMPTY_PROMPT_POLICIES = ("reject", "assistant-only")


@dataclass(frozen=True, slots=True)
class Conventions:
    separator: str
    stop: str
    leading_space: bool


def common_suffix(a: str, b: str) -> str:
    size = 0
    for x, y in zip(reversed(a), reversed(b)):
        if x != y:
            break
        size += 1
    return a[len(a) - size :] if size else ""


def _longest_matching_suffix(text: str, pattern: re.Pattern[str]) -> str:
    for start in range(len(text)):
        if pattern.fullmatch(text, start):
            return text[start:]
    return ""


@dataclass(slots=True)
class _Suffixes:
    """The running common suffixes of a run of rows (a block); runs merge into the whole file's."""

    prompt: str | None = None
    completion: str | None = None
    leading_space: bool = True
    seen: bool = False

    def add(self, prompt: str, completion: str) -> None:
        self.seen = True
        # endswith (C) settles most rows; only a row that breaks the common suffix shortens it
        if prompt and (self.prompt is None or not prompt.endswith(self.prompt)):  # an empty prompt has no separator
            self.prompt = prompt[-_MAX_AFFIX:] if self.prompt is None else common_suffix(self.prompt, prompt)
        if self.completion is None or not completion.endswith(self.completion):
            self.completion = completion[-_MAX_AFFIX:] if self.completion is None else common_suffix(self.completion, completion)
        if self.leading_space and not completion.startswith(" "):
            self.leading_space = False

    def merge(self, other: _Suffixes) -> None:
        if not other.seen:
            return
        self.prompt = other.prompt if self.prompt is None else self.prompt if other.prompt is None else common_suffix(self.prompt, other.prompt)
        self.completion = other.completion if self.completion is None else common_suffix(self.completion, other.completion or "")
        self.leading_space = self.leading_space and other.leading_space
        self.seen = True

    def conventions(self) -> Conventions:
        if not self.seen:
            return Conventions("", "", False)
        return Conventions(
            _longest_matching_suffix(self.prompt or "", _SEPARATOR),
            _longest_matching_suffix(self.completion or "", _STOP),
            self.leading_space,
        )


def detect(pairs: Iterable[tuple[str, str]]) -> Conventions:
    """The separator all prompts end with, the stop all completions end with, and whether all
    completions start with a space."""
    suffixes = _Suffixes()
    for prompt, completion in pairs:
        suffixes.add(prompt, completion)
    return suffixes.conventions()


NEWLINE = b"\n"


def _pairs(lines: Iterable[bytes]) -> Iterator[tuple[str, str]]:
    """(prompt, completion) of each usable row, for detection: a tight loop, it reads every row."""
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    for raw in lines:
        try:
            value = loads(raw)
        except decode_error:
            continue
        if type(value) is dict:
            prompt, completion = value.get("prompt"), value.get("completion")
            if type(prompt) is str and type(completion) is str:
                yield prompt, completion


def _detect_block(first_line: int, lines: Iterable[bytes]) -> _Suffixes:
    suffixes = _Suffixes()
    for prompt, completion in _pairs(lines):
        suffixes.add(prompt, completion)
    return suffixes


def _convert_block(
    conventions: Conventions, options: ConvertOptions, first_line: int, lines: Iterable[bytes]
) -> tuple[list[Row], list[int], _Suffixes]:
    """A block of lines converted in one tight loop: the records
    serialised into one :class:`Written`, then the rejections, and the common suffixes of the
    block's prompts and completions as they were. Most of the time of a conversion is here, so
    it makes no object per row that it does not write."""
    loads, dumps, decode_error = orjson.loads, orjson.dumps, orjson.JSONDecodeError
    separator, stop, leading_space = conventions.separator, conventions.stop, conventions.leading_space
    system = [{"role": "system", "content": options.system}] if options.system else []
    records: list[bytes] = []
    rejected: list[Row] = []
    lacking = [0, 0]
    # the block's common suffixes, kept in locals (a method call per row costs more than the test)
    prompt_suffix: str | None = None
    completion_suffix: str | None = None
    leading_spaces = True
    for number, raw in enumerate(lines, first_line):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            value = loads(raw)
        except decode_error as error:
            if not raw.isspace():
                rejected.append(Rejected(number, raw_text(raw), f"invalid JSON: {error.msg}"))
            continue
        try:
            prompt, completion = value["prompt"], value["completion"]
            usable = type(prompt) is str and type(completion) is str and len(value) == 2
        except (KeyError, TypeError):  # no such key, or not an object at all
            usable = False
        if not usable:
            rejected.append(Rejected(number, raw_text(raw), _unusable(value) or "not a prompt-completion record"))
            continue
        if prompt and (prompt_suffix is None or not prompt.endswith(prompt_suffix)):
            prompt_suffix = prompt[-_MAX_AFFIX:] if prompt_suffix is None else common_suffix(prompt_suffix, prompt)
        if completion_suffix is None or not completion.endswith(completion_suffix):
            completion_suffix = completion[-_MAX_AFFIX:] if completion_suffix is None else common_suffix(completion_suffix, completion)
        if leading_spaces and not completion.startswith(" "):
            leading_spaces = False
        if separator:
            if prompt.endswith(separator):
                prompt = prompt[: -len(separator)]
            else:
                lacking[0] += 1
        # one slice for the stop and the leading space: each slice copies the text
        end = len(completion)
        if stop:
            if completion.endswith(stop):
                end -= len(stop)
            else:
                lacking[1] += 1
        start = 1 if leading_space and completion.startswith(" ") and end > 0 else 0
        if start or end != len(completion):
            completion = completion[start:end]
        if not completion or completion.isspace():
            rejected.append(Rejected(number, raw_text(raw), "empty completion: nothing for the assistant to learn"))
            continue
        if prompt and not prompt.isspace():
            messages = [*system, {"role": "user", "content": prompt}, {"role": "assistant", "content": completion}]
        elif options.empty_prompt == "reject":
            rejected.append(Rejected(number, raw_text(raw), EMPTY_PROMPT_REASON))
            continue
        else:
            messages = [*system, {"role": "assistant", "content": completion}]
        try:
            records.append(dumps({"messages": messages}))
        except TypeError:  # text that was not UTF-8 (kept as surrogates): cannot be written as JSON
            rejected.append(Rejected(number, raw_text(raw), "the row is not valid UTF-8"))
    count = len(records)
    records.append(b"")  # the join then ends with a newline, without copying the block again
    written: list[Row] = [Written(count, b"\n".join(records))] if count else []
    seen = completion_suffix is not None
    return written + rejected, lacking, _Suffixes(prompt_suffix, completion_suffix, leading_spaces and seen, seen)


EMPTY_PROMPT_REASON = (
    "empty prompt (open-ended generation): a chat example needs a user turn; "
    "--empty-prompt assistant-only keeps it as an assistant message alone"
)


def convert(
    open_input: Callable[[], BinaryIO], is_stdin: bool, options: ConvertOptions, notes: Notes, *, can_restart: bool = True
) -> Iterator[Row]:
    """Rows of the input opened by ``open_input``, in one pass.

    The conventions are first taken from the first block (about 2 MB) while the conversion
    gathers those of the whole file. When the whole file agrees (nearly always), that was the
    only pass; when it does not, a :class:`Restart` follows and the file is converted again with
    the whole file's conventions, so the result is always that of detecting over the whole file.
    Standard input cannot be read twice: the first block's conventions hold, and the rows that
    do not follow them are kept whole and counted. Without ``can_restart`` (output to a stream)
    a file is read once more up front instead, to detect over the whole of it first.
    """
    known: Conventions | None = None
    if not is_stdin and not can_restart:
        whole_file = _Suffixes()
        with open_input() as first_pass:
            for part in _map(_detect_block, parallel.blocks(first_pass)):
                whole_file.merge(part)
        known = _resolve(whole_file.conventions(), options)
    stream = open_input()
    batches = parallel.blocks(stream)
    head = next(batches, None)
    if head is None:
        return
    conventions = known or _resolve(_detect_block(head[0], parallel.lines_of(head[1])).conventions(), options)
    whole, lacking = _Suffixes(), [0, 0]
    work = functools.partial(_convert_block, conventions, options)
    for rows, missing, suffixes in _map(work, itertools.chain([head], batches)):
        whole.merge(suffixes)
        lacking[0], lacking[1] = lacking[0] + missing[0], lacking[1] + missing[1]
        yield from rows
    if not is_stdin:
        stream.close()
    basis = f"the first {head[1].count(NEWLINE)} lines" if is_stdin else "all prompts and completions"
    if not is_stdin and known is None and _resolve(whole.conventions(), options) != conventions:
        conventions = _resolve(whole.conventions(), options)
        notes.add("converted twice: later rows do not share the conventions of the first ones")
        yield Restart()
        lacking = [0, 0]
        work = functools.partial(_convert_block, conventions, options)
        with open_input() as second_pass:
            for rows, missing, _ in _map(work, parallel.blocks(second_pass)):
                lacking[0], lacking[1] = lacking[0] + missing[0], lacking[1] + missing[1]
                yield from rows
    _describe(conventions, options, notes, basis)
    if lacking[0]:
        notes.add(f"{lacking[0]} prompts did not end with the separator and were kept whole")
    if lacking[1]:
        notes.add(f"{lacking[1]} completions did not end with the stop sequence and were kept whole")


def _map(work: Callable[[int, Iterable[bytes]], Any], batches: Iterable[tuple[int, bytes]]) -> Iterator[Any]:
    return (work(first_line, parallel.lines_of(block)) for first_line, block in batches)


def _resolve(found: Conventions, options: ConvertOptions) -> Conventions:
    """The conventions to strip: the detected ones, unless the options say otherwise."""
    if options.keep_separators:
        return Conventions("", "", False)
    separator = options.prompt_suffix if options.prompt_suffix is not None else found.separator
    stop = options.stop if options.stop is not None else found.stop
    return Conventions(separator, stop, found.leading_space)


def _describe(conventions: Conventions, options: ConvertOptions, notes: Notes, basis: str) -> None:
    if options.keep_separators:
        notes.add("separators and stop sequences kept (--keep-separators)")
        return
    origin = "given" if options.prompt_suffix is not None else f"detected on {basis}"
    separator, stop = conventions.separator, conventions.stop
    notes.add(f"prompt separator {separator!r} ({origin}), stripped" if separator else f"no common prompt separator ({origin})")
    origin = "given" if options.stop is not None else f"detected on {basis}"
    notes.add(f"completion stop sequence {stop!r} ({origin}), stripped" if stop else f"no common stop sequence ({origin})")
    if conventions.leading_space:
        notes.add("the leading space of every completion stripped")


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
