"""A small BPE encoding the tests build themselves, registered as a tiktoken plugin.

tiktoken finds encodings in modules of the ``tiktoken_ext`` namespace package; the tests folder
is on ``sys.path`` while pytest runs, so ``tiktoken.get_encoding("jsonl_lint_test")`` (and the
checker's ``encoding="jsonl_lint_test"``) load this one, with no file and no network. It is a real
byte-level BPE: every byte is a token, and merges make the words below (with or without a
leading space) single tokens, as real encodings do for common words.
"""

from __future__ import annotations

from typing import Any

NAME = "jsonl_lint_test"
WORDS = (
    *("system", "user", "assistant", "tool", "developer", "Hi", "Hello", "there", "word", "Count", "to", "twenty"),
    *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
)
# GPT-2's split: contractions, words, numbers, punctuation runs, whitespace.
PAT_STR = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def ranks() -> dict[bytes, int]:
    """Every byte, then every prefix of every word (so each merge joins two known tokens)."""
    mergeable = {bytes([b]): b for b in range(256)}
    for word in WORDS:
        for spelled in (word.encode(), b" " + word.encode()):
            for end in range(2, len(spelled) + 1):
                mergeable.setdefault(spelled[:end], len(mergeable))
    return mergeable


def jsonl_lint_test() -> dict[str, Any]:
    mergeable = ranks()
    return {
        "name": NAME,
        "pat_str": PAT_STR,
        "mergeable_ranks": mergeable,
        "special_tokens": {"<|endoftext|>": len(mergeable)},
    }


ENCODING_CONSTRUCTORS = {NAME: jsonl_lint_test}
