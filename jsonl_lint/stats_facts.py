"""The statistics' counts of each example, made while `check` reads it: `report` checks and
counts in one read of the data.

A tally rule of the engine (:class:`jsonl_lint.rules.base.TallyRules`): each range of a file is
counted where it is checked (in the worker processes, for a large file), for records valid for
their format, and each range's :class:`Counts` is added to one :class:`Tally` per file in line
order, as `stats` adds up its ranges. Nothing is sent record by record.

Each file is counted with its own target's tokenizer, as `check` resolves it (the engine
starts a file's tally before it checks any of its records, and workers fork after that).

Examples are tokenized in batches, not one by one as they are checked: switching from the
check's rules to the tokenizer at every record costs about a tenth more CPU (each evicts the
other's tables from the processor's caches).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from jsonl_lint import formats, tokens
from jsonl_lint.problems import UsageError
from jsonl_lint.rules.base import DatasetContext, TallyRules
from jsonl_lint.stats import Counts
from jsonl_lint.tokens import registry

if TYPE_CHECKING:
    from typing import Any

    from jsonl_lint.problems import Problem
    from jsonl_lint.reader import Record
    from jsonl_lint.tokens import Counter

BATCH_RECORDS = 256  # examples tokenized together; the batch holds their values until then
BATCH_BYTES = 4 << 20  # and at most about this much of their lines


class RangeCounts:
    """One range's examples, counted in batches (a tokenizer's failure on one: it is not counted,
    JL501 says why)."""

    __slots__ = ("_counters", "_model_formats", "_pending", "_pending_bytes", "_tokenizer", "counts")

    def __init__(self, tokenizer: str, model_formats: Sequence[str], counters: dict[tuple[str, str | None], Counter]) -> None:
        self._tokenizer = tokenizer
        self._model_formats = model_formats
        self._counters = counters
        self._pending: list[tuple[int, Counter, dict[str, Any]]] = []
        self._pending_bytes = 0
        self.counts = Counts()

    def add(self, line: int, record: Record) -> None:
        fmt = formats.record_format(record.value, self._model_formats)
        counter = self._counters.get((self._tokenizer, fmt))
        if counter is None:
            counter = self._counters[self._tokenizer, fmt] = registry.counter(self._tokenizer, fmt)
        self._pending.append((line, counter, record.value))
        self._pending_bytes += len(record.raw)
        if len(self._pending) >= BATCH_RECORDS or self._pending_bytes >= BATCH_BYTES:
            self._flush()

    def total(self) -> Counts:
        self._flush()
        return self.counts

    def _flush(self) -> None:
        batch, self._pending, self._pending_bytes = self._pending, [], 0
        add = self.counts.add
        for line, counter, value in batch:
            try:
                count = tokens.guarded(counter, value)
            except (tokens.CountFailed, UsageError):
                continue  # not counted: JL501 says why
            add(line, count.messages, count.total, count.trained, count.roles.items())


class Tally:
    """One file's examples, counted; it reports nothing (the check does)."""

    def __init__(self, ctx: DatasetContext) -> None:
        self.path = ctx.path
        self.target = ctx.target
        self.is_validation = ctx.is_validation
        self.counts = Counts()

    def absorb(self, total: Counts, shift: int) -> None:
        self.counts.merge(total, shift)

    def finish(self) -> Iterable[Problem]:
        return ()


class StatsFacts:
    """The tally rule that counts each example's tokens with its file's tokenizer (its target
    model's, already loaded: workers fork after it, see :func:`jsonl_lint.stats.tokenizer_for`);
    ``tallies`` gets one per file checked, in the order the files are checked."""

    def __init__(self) -> None:
        self.tallies: list[Tally] = []
        self._tokenizer = ""
        self._model_formats: Sequence[str] = ()
        self._counters: dict[tuple[str, str | None], Counter] = {}
        self.rules = TallyRules(rules=(), start=self._start, tally=self._tally)

    def _start(self, ctx: DatasetContext) -> Tally:
        tokenizer = registry.tokenizer_of(ctx.target.model)
        assert tokenizer is not None  # the report counts only when every file's model has one
        self._tokenizer = tokenizer
        self._model_formats = ctx.target.model.formats
        tally = Tally(ctx)
        self.tallies.append(tally)
        return tally

    def _tally(self) -> RangeCounts:
        return RangeCounts(self._tokenizer, self._model_formats, self._counters)
