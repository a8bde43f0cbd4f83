"""The statistics' counts of each example, made while `check` reads it: `report` checks and
counts in one read of the data.

They are the engine's fact rules' kind of facts: made where the record is parsed and validated
(in the worker processes, for a large file), for records valid for their format, then handed
in line order to one :class:`Tally` per file, which adds them up as `stats` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from jsonl_lint import formats, tokens
from jsonl_lint.rules.base import DatasetContext, FactRules
from jsonl_lint.stats import Counts
from jsonl_lint.tokens import registry

if TYPE_CHECKING:
    from jsonl_lint.problems import Problem
    from jsonl_lint.reader import Record
    from jsonl_lint.tokens import Counter

ExampleFacts = tuple[int, int, int, tuple[tuple[str, int], ...]]  # messages, tokens, trained tokens, tokens per role


class Tally:
    """One file's examples, counted; it reports nothing (the check does)."""

    def __init__(self, ctx: DatasetContext) -> None:
        self.path = ctx.path
        self.is_validation = ctx.is_validation
        self.counts = Counts()

    def observe(self, line: int, key: int | None, facts: ExampleFacts | None) -> Iterable[Problem]:
        if facts is not None:  # None: not valid for the format, or the tokenizer failed on it (JL501 says so)
            self.counts.add(line, *facts)
        return ()

    def finish(self) -> Iterable[Problem]:
        return ()


class StatsFacts:
    """The fact rule that counts each example's tokens with ``tokenizer`` (a name from
    :mod:`jsonl_lint.tokens.registry`, already loaded); ``tallies`` gets one per file checked,
    in the order the files are checked."""

    def __init__(self, tokenizer: str, model_formats: Sequence[str]) -> None:
        self.tokenizer = tokenizer
        self.model_formats = model_formats
        self.tallies: list[Tally] = []
        self._counters: dict[str | None, Counter] = {}
        self.rules = FactRules(rules=(), start=self._start, facts=self.facts)

    def _start(self, ctx: DatasetContext) -> Tally:
        tally = Tally(ctx)
        self.tallies.append(tally)
        return tally

    def facts(self, record: Record) -> ExampleFacts:
        """The counts of a record valid for its format (a tokenizer's failure raises: no facts)."""
        fmt = formats.record_format(record.value, self.model_formats)
        counter = self._counters.get(fmt)
        if counter is None:
            counter = self._counters[fmt] = registry.counter(self.tokenizer, fmt)
        count = tokens.guarded(counter, record.value)
        return count.messages, count.total, count.trained, tuple(count.roles.items())
