"""Targets of ``jsonl-lint convert --to``: chat records in OpenAI's shape into another trainer's.

Every conversion goes through OpenAI's chat shape, the format most sources already convert to:
a source converter makes an OpenAI chat (or preference) record, and a target's ``from_openai``
turns it into the target's record. ``to_openai`` goes back, so that files in a target's format
can be read too. What a target cannot hold raises :class:`Unconvertible` with the reason and
where in the record it is: the row is rejected, never silently changed. A few losses can be
allowed by name (:data:`LOSSES`), and each allowed loss is counted in the summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]

# Losses a user may allow with --allow-loss; anything else a target cannot hold is a reject.
LOSSES: Mapping[str, str] = {
    "weight": "assistant turns with weight 0 are trained on (the target has no per-turn weights)",
    "image-detail": "the `detail` of image parts is dropped (the target has no such setting)",
    "name": "message `name`s are dropped (the target has no participant names)",
    "strict": "the `strict` flag of function definitions is dropped",
    "parallel-tool-calls": "`parallel_tool_calls: false` is dropped (the target cannot forbid parallel calls)",
    "schema-keywords": "JSON Schema keywords Gemini's schema lacks ($ref, additionalProperties, oneOf ...) are dropped",
}


class Unconvertible(Exception):
    """A record, or a part of it, that the target format cannot hold: the row is rejected."""

    def __init__(self, reason: str, path: str | None = None) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.reason = reason
        self.path = path


@dataclass(slots=True)
class Conversion:
    """What one conversion may lose, and what it did that a reader should know (counted)."""

    allowed_losses: frozenset[str] = frozenset()
    counts: dict[str, int] = field(default_factory=dict)

    def note(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def lose(self, loss: str, reason: str, path: str) -> None:
        """Drop something the target cannot hold if the user allowed it, else reject the row."""
        if loss not in self.allowed_losses:
            raise Unconvertible(f"{reason} (--allow-loss {loss} drops it)", path)
        self.note(LOSSES[loss])

    def merge(self, counts: dict[str, int]) -> None:
        """Counts of the rows after these (a later byte range's), in the order they were found."""
        for what, count in counts.items():
            self.counts[what] = self.counts.get(what, 0) + count


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """A format records can be converted to and read from."""

    name: str
    title: str
    data_formats: tuple[str, ...]  # the jsonl-lint formats of its records, chat first
    from_openai: Callable[[Record, Conversion], Record]
    to_openai: Callable[[Record, Conversion], Record]
    # Why a converted record would still be refused by the trainer (turn order ...), or None.
    refusal: Callable[[Record], str | None] = lambda record: None
    # The usual record's JSON and the notes to count, written without the general path, or None
    # for any other record (see convert.targets.plain_bytes); None: every record goes that way.
    plain: Callable[[Record, frozenset[str]], tuple[bytes, list[str]] | None] | None = None


def targets() -> dict[str, Target]:
    """Every target by name (imported on use: conversion is not on check's path)."""
    from jsonl_lint.convert.targets import bedrock, gemini, hf, openai

    return {t.name: t for t in (openai.TARGET, gemini.TARGET, bedrock.TARGET, bedrock.CLAUDE_TARGET, hf.TARGET)}
