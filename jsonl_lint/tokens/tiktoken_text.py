"""tiktoken on any text: no panic, bounded memory, and a stop once a budget is spent.

tiktoken splits text with a backtracking regex before byte-pair encoding. On a run of about a
million whitespace characters that regex overflows its stack and tiktoken panics (a pyo3
``PanicException``, which is a ``BaseException``). And one call on a long text returns the list
of all its tokens: gigabytes for a line of hundreds of megabytes.

So a long text is counted in segments, cut where the regex always ends a piece: just before a
space (U+0020) that follows a non-whitespace character. None of the encodings' regex
alternatives matches a non-whitespace character followed by a space (after a non-space, only
letters, digits, punctuation or ``[\\r\\n/]`` may follow inside one piece), and the patterns have
no look-behind, so the pieces on both sides of such a cut are the same as in the whole text:
the sum of the segments' counts is the count of the text. A segment with a long whitespace
run, or with no cut point at all, is split into the regex's own pieces here, with the
``regex`` module and the encoding's own pattern (as tiktoken's ``_encode_only_native_bpe``
does), and each piece is encoded alone, so nothing reaches the native regex. Only a single
piece longer than :data:`MAX_PIECE_CHARS` (a million identical letters) is cut at a fixed
length: that count is no longer exact, but is still at most the piece's UTF-8 length, which
keeps every byte bound of :mod:`jsonl_lint.tokens.bound` valid.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

LONG_TEXT_CHARS = 100_000  # shorter texts go to tiktoken in one call, as before
SEGMENT_CHARS = 1 << 18  # a segment's token list stays small
WHITESPACE_RUN_CHARS = 20_000  # the native regex overflows near 1,000,000; far below that
MAX_PIECE_CHARS = 1 << 20

# Python's \s also takes U+001C..U+001F, which tiktoken's regex does not: finding more runs
# than tiktoken would only sends more text to the piece-by-piece path.
_LONG_WHITESPACE = re.compile(rf"\s{{{WHITESPACE_RUN_CHARS}}}")
_CUT = re.compile(r"(?<=\S) ")


def count(encoding: Any, text: str, budget: int | None = None) -> int:
    """Tokens of ``text`` (tiktoken's ``encode_ordinary``); see :func:`count_within`."""
    return count_within(encoding, text, budget)[0]


def count_within(encoding: Any, text: str, budget: int | None = None) -> tuple[int, bool]:
    """(tokens of ``text``, whether all of it was counted). With a ``budget``, counting may stop
    once the count is over it: the count is then more than ``budget`` and at most the full one."""
    if len(text) < LONG_TEXT_CHARS:
        return len(encoding.encode_ordinary(text)), True
    total = done = 0
    for segment in segments(text):
        done += len(segment)
        if len(segment) <= SEGMENT_CHARS and not _LONG_WHITESPACE.search(segment):
            total += len(encoding.encode_ordinary(segment))
        else:
            total += _count_by_pieces(encoding, segment, None if budget is None else budget - total)
        if budget is not None and total > budget:
            return total, done == len(text) and len(segment) <= SEGMENT_CHARS
    return total, True


def segments(text: str) -> Iterator[str]:
    """``text`` in consecutive parts of about :data:`SEGMENT_CHARS`, each cut just before a space
    that follows a non-whitespace character (a part is longer when there is no such place)."""
    start = 0
    while len(text) - start > SEGMENT_CHARS:
        cut = text.rfind(" ", start + 1, start + SEGMENT_CHARS + 1)
        while cut > start and text[cut - 1].isspace():
            cut = text.rfind(" ", start + 1, cut)
        if cut <= start:
            found = _CUT.search(text, start + SEGMENT_CHARS)
            if found is None:
                break
            cut = found.start()
        yield text[start:cut]
        start = cut
    yield text[start:]


@functools.cache
def _pieces_pattern(pattern: str) -> Any:
    import regex  # a dependency of tiktoken; needed only on hostile text

    return regex.compile(pattern)


def _count_by_pieces(encoding: Any, text: str, budget: int | None) -> int:
    encode_piece = encoding._core_bpe.encode_single_piece
    total = 0
    for match in _pieces_pattern(encoding._pat_str).finditer(text):
        piece = match.group()
        for start in range(0, len(piece), MAX_PIECE_CHARS):
            total += len(encode_piece(_utf8(piece[start : start + MAX_PIECE_CHARS])))
            if budget is not None and total > budget:
                return total
    return total


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: U+FFFD, as tiktoken's encode_ordinary does
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")
