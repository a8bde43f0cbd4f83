"""Special-token text inside the data, which makes a fine-tuning job fail server-side."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import SPECIAL_MARK, strings
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules, records_with

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

SPECIAL_TOKEN = Rule(
    code="JL404",
    name="special-token",
    severity=Severity.ERROR,
    summary="a string contains special-token text such as <|endoftext|>",
    doc="""A string contains the text of a special token (`<|endoftext|>`, `<|im_start|>`,
`<|fim_suffix|>` ...). Services encode training data with special tokens disallowed, so the job
fails ("message contains an invalid token"). Remove or rewrite the token text.

Fails:

    {"messages": [{"role": "user", "content": "Finish: a<|endoftext|>"}, {"role": "assistant", "content": "b"}]}

Passes:

    {"messages": [{"role": "user", "content": "Finish: a"}, {"role": "assistant", "content": "b"}]}
""",
)


# The special tokens of tiktoken's cl100k_base and o200k_base, and the chat markup tokens of
# OpenAI's chat formats (ChatML and harmony), which services reject as well.
SPECIAL_TOKENS = frozenset(
    {
        "<|endoftext|>",
        "<|fim_prefix|>",
        "<|fim_middle|>",
        "<|fim_suffix|>",
        "<|endofprompt|>",
        "<|im_start|>",
        "<|im_end|>",
        "<|im_sep|>",
        "<|startoftext|>",
        "<|start|>",
        "<|end|>",
        "<|message|>",
        "<|channel|>",
        "<|constrain|>",
        "<|return|>",
        "<|call|>",
    }
)
_CANDIDATE = re.compile(r"<\|[a-z_]{2,20}\|>")
# In the raw line "<" may be escaped as \u003c (Go and some JavaScript encoders do that).
_RAW_HINTS = (b"<|", b"\\u003c|", b"\\u003C|")
ESCAPED_BAR = b"\\u007"  # "|" written as \u007c or \u007C (rare: such a line is looked into)


_find_escaped_bar: Callable[[bytes], list[tuple[int, int, int]]] | None = None  # built at the first line


def may_hold_special(raw: bytes) -> bool:
    """Whether a raw line can hold special-token text: every special token holds "|", as is
    or escaped. Two memchr-based passes settle most lines: ``in`` for the byte, ahocorasick-rs
    for the escape (``in`` costs several times as much for it on lines full of backslashes)."""
    if b"|" in raw:
        return True
    find = _find_escaped_bar or _escaped_bar_finder()
    try:
        return bool(find(raw))
    except BaseException as error:  # a panic in native code must not end the check
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return ESCAPED_BAR in raw


def _escaped_bar_finder() -> Callable[[bytes], list[tuple[int, int, int]]]:
    global _find_escaped_bar
    from ahocorasick_rs import BytesAhoCorasick

    _find_escaped_bar = BytesAhoCorasick([ESCAPED_BAR]).find_matches_as_indexes
    return _find_escaped_bar


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    raw = record.raw
    # A longer needle, or a regex, costs ten to eighty times as much as "|" on a 4 KB line.
    if not may_hold_special(raw) or (ESCAPED_BAR not in raw and not any(hint in raw for hint in _RAW_HINTS)):
        return
    for path, text in strings(record.value):
        found = sorted({token for token in _CANDIDATE.findall(text) if token in SPECIAL_TOKENS})
        if found:
            names = ", ".join(found)
            yield ctx.at(SPECIAL_TOKEN, record, f"special-token text {names}: the fine-tuning job would fail on it", path)


RULES = RecordRules(
    rules=(SPECIAL_TOKEN,),
    formats=frozenset({"chat", "preference", "completion", "text", "rft", "gemini", "gemini-preference", "bedrock-nova", "bedrock-claude"}),
    check=check,
    needs=records_with(SPECIAL_MARK),
)
