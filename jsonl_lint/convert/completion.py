"""Legacy prompt-completion JSONL (babbage-002, davinci-002) into chat: prompt -> user,
completion -> assistant.

The old guide's conventions are artefacts, not content: every prompt ended with one fixed
separator (``" ->"``, ``"\\n\\n###\\n\\n"`` ...), every completion started with a space and ended
with one stop sequence (``"\\n"``, ``" END"``, ``"###"`` ...). They are detected over the whole
file (the common suffix of all prompts, of all completions), shown, and stripped, so they do
not end up in the messages. For standard input they are detected on the first rows and the
rest is checked against them.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from jsonl_lint.convert.rows import Converted, Notes, Rejected, Row, jsonl_objects, raw_text

DETECT_ROWS = 2000  # rows that settle the conventions of standard input (two passes need a file)
_MAX_AFFIX = 64
# A separator is made of these only: never letters, digits or sentence punctuation (?.!), and
# only ASCII whitespace (U+0085 or U+00A0 at the end of a text is content, not a separator).
_SEPARATOR = re.compile(r"[ \t\r\n#=\-~>*|_]+")
# A stop sequence: optional whitespace, one of these markers, optional whitespace; or newlines.
_STOP = re.compile(r"[ \t\r\n]*(?:END|STOP|###|===|---|<\|endoftext\|>|</s>)[ \t\r\n]*|[ \t\r]*\n[ \t\r\n]*")

EMPTY_PROMPT_POLICIES = ("reject", "assistant-only")


@dataclass(frozen=True, slots=True, kw_only=True)
class CompletionOptions:
    system: str | None = None
    prompt_suffix: str | None = None  # None: detect
    stop: str | None = None  # None: detect
    keep_separators: bool = False
    empty_prompt: str = "reject"


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


def detect(pairs: Iterable[tuple[str, str]]) -> Conventions:
    """The separator all prompts end with, the stop all completions end with, and whether all
    completions start with a space."""
    prompt_suffix: str | None = None
    completion_suffix: str | None = None
    leading_space = True
    seen = False
    for prompt, completion in pairs:
        seen = True
        if prompt:  # an empty prompt (open-ended generation) has no separator to share
            prompt_suffix = prompt[-_MAX_AFFIX:] if prompt_suffix is None else common_suffix(prompt_suffix, prompt)
        completion_suffix = completion[-_MAX_AFFIX:] if completion_suffix is None else common_suffix(completion_suffix, completion)
        leading_space = leading_space and completion.startswith(" ")
    if not seen:
        return Conventions("", "", False)
    return Conventions(
        _longest_matching_suffix(prompt_suffix or "", _SEPARATOR),
        _longest_matching_suffix(completion_suffix or "", _STOP),
        leading_space,
    )


def _pairs(stream: Iterable[bytes]) -> Iterator[tuple[str, str]]:
    for item in jsonl_objects(stream):
        if not isinstance(item, Rejected):
            _, value, _ = item
            if isinstance(value, dict) and isinstance(value.get("prompt"), str) and isinstance(value.get("completion"), str):
                yield value["prompt"], value["completion"]


def convert(open_input: Callable[[], BinaryIO], is_stdin: bool, options: CompletionOptions, notes: Notes) -> Iterator[Row]:
    """Rows of the input opened by ``open_input`` (called twice for a file: detect, then convert)."""
    if is_stdin:
        stream = open_input()
        head = list(itertools.islice(stream, DETECT_ROWS))
        conventions = _conventions(_pairs(head), options, notes, f"the first {len(head)} lines")
        lines: Iterable[bytes] = itertools.chain(head, stream)
    else:
        with open_input() as first_pass:
            conventions = _conventions(_pairs(first_pass), options, notes, "all prompts and completions")
        lines = open_input()
    lacking = [0, 0]
    try:
        yield from _convert_rows(lines, conventions, options, lacking)
    finally:
        if hasattr(lines, "close") and not is_stdin:
            lines.close()
    if lacking[0]:
        notes.add(f"{lacking[0]} prompts did not end with the separator and were kept whole")
    if lacking[1]:
        notes.add(f"{lacking[1]} completions did not end with the stop sequence and were kept whole")


def _conventions(pairs: Iterable[tuple[str, str]], options: CompletionOptions, notes: Notes, basis: str) -> Conventions:
    if options.keep_separators:
        notes.add("separators and stop sequences kept (--keep-separators)")
        return Conventions("", "", False)
    found = detect(pairs)
    separator = options.prompt_suffix if options.prompt_suffix is not None else found.separator
    stop = options.stop if options.stop is not None else found.stop
    origin = "given" if options.prompt_suffix is not None else f"detected on {basis}"
    notes.add(f"prompt separator {separator!r} ({origin}), stripped" if separator else f"no common prompt separator ({origin})")
    origin = "given" if options.stop is not None else f"detected on {basis}"
    notes.add(f"completion stop sequence {stop!r} ({origin}), stripped" if stop else f"no common stop sequence ({origin})")
    if found.leading_space:
        notes.add("the leading space of every completion stripped")
    return Conventions(separator, stop, found.leading_space)


def _convert_rows(lines: Iterable[bytes], conventions: Conventions, options: CompletionOptions, lacking: list[int]) -> Iterator[Row]:
    for item in jsonl_objects(lines):
        if isinstance(item, Rejected):
            yield item
            continue
        number, value, raw = item
        why = _unusable(value)
        if why:
            yield Rejected(number, raw_text(raw), why)
            continue
        prompt, completion = value["prompt"], value["completion"]
        if conventions.separator:
            if prompt.endswith(conventions.separator):
                prompt = prompt[: -len(conventions.separator)]
            else:
                lacking[0] += 1
        if conventions.stop:
            if completion.endswith(conventions.stop):
                completion = completion[: -len(conventions.stop)]
            else:
                lacking[1] += 1
        if conventions.leading_space and completion.startswith(" "):
            completion = completion[1:]
        if not completion.strip():
            yield Rejected(number, raw_text(raw), "empty completion: nothing for the assistant to learn")
            continue
        messages: list[dict[str, Any]] = [{"role": "system", "content": options.system}] if options.system else []
        if not prompt.strip():
            if options.empty_prompt == "reject":
                yield Rejected(
                    number,
                    raw_text(raw),
                    "empty prompt (open-ended generation): a chat example needs a user turn; "
                    "--empty-prompt assistant-only keeps it as an assistant message alone",
                )
                continue
        else:
            messages.append({"role": "user", "content": prompt})
        messages.append({"role": "assistant", "content": completion})
        yield Converted(number, {"messages": messages})


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
