"""Proofs that a parsed line lost no member to a duplicate key, cheap enough for every line.

orjson keeps the last of a key's values without a word, so a line is compared with ``dumped``,
orjson's JSON of the value it parsed (keys sorted or not). Either proof is exact; a line that
passes neither is looked at closely (:func:`jsonl_lint.jsonpos.duplicate_keys`), which also
tells the duplicates of a line that has some.

- :func:`written_as_dumped`: the line is ``dumped`` itself. orjson writes each key of an object
  once, and distinct keys as distinct JSON, so such a line has no duplicate. It takes a line as
  orjson writes it (compact, its key order) at the cost of one comparison; a float spelled
  otherwise (``1e5`` for ``100000.0``) only sends the line to the other proof.
- :func:`colons_all_kept`: every ':' of a line separates a key or lies in a string, and orjson
  writes every key and string it kept with the same colons, never escaping one. So a dropped
  member leaves the line with more colons than ``dumped``, unless a kept string spells a colon
  as an escape (``\\u003a``, one colon more in ``dumped``): equal counts and no such escape
  prove that nothing was dropped. Numbers, however spelled, hold no colon.
"""

from __future__ import annotations

from collections.abc import Callable

from jsonl_lint import byte_search

__all__ = ["LINE_ENDINGS", "colons_all_kept", "written_as_dumped"]

LINE_ENDINGS = (b"\n", b"", b"\r\n")


def written_as_dumped(raw: bytes, dumped: bytes) -> bool:
    """Whether ``raw`` is ``dumped`` and a line ending."""
    return raw[len(dumped) :] in LINE_ENDINGS and raw.startswith(dumped)


def colons_all_kept(raw: bytes, dumped: bytes) -> bool:
    """Whether ``raw`` has as many colons as ``dumped`` and spells none as an escape (False, to
    look closely, if the native search fails)."""
    try:
        return raw.count(b":") == dumped.count(b":") and not escaped_colon_finder()(raw)
    except BaseException as error:  # a panic in native code must not end the run
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return False


def escaped_colon_finder() -> Callable[[bytes], list[tuple[int, int, int]]]:
    """A search for what every escape of ':' starts with (``\\u003``), true when it finds one;
    for a loop to look up once (see :mod:`jsonl_lint.byte_search`)."""
    return byte_search.search_for(b"\\u003")
