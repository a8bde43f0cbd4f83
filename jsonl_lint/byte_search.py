"""Searches of bytes for one fixed pattern, memchr-based (Rust, ahocorasick-rs): on lines of
chat text, most of which hold backslashes, ``pattern in data`` costs several times as much.

A search answers the matches' list, empty when there is none. It runs native code: a caller
treats any exception it raises (a panic is a BaseException) as "cannot tell".
"""

from __future__ import annotations

import functools
from collections.abc import Callable

Search = Callable[[bytes], list[tuple[int, int, int]]]


@functools.cache
def search_for(pattern: bytes) -> Search:
    """The search for ``pattern``, built once (a loop looks it up once)."""
    from ahocorasick_rs import BytesAhoCorasick

    return BytesAhoCorasick([pattern]).find_matches_as_indexes
