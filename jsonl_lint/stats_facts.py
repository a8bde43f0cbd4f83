"""The statistics' counts of each example, made while `check` reads it: `report` checks and
counts in one read of the data.

They are the engine's fact rules' kind of facts: made where the record is parsed and validated
(in the worker processes, for a large file), for records valid for their format, then handed
in line order to one :class:`Tally` per file, which adds them up as `stats` does.

Each file is counted with its own target's tokenizer, as `check` resolves it (the engine
starts a file's tally before it checks any of its records, and finishes it after).

Examples are tokenized in batches, not one by one as they are checked: switching from the
check's rules to the tokenizer at every record costs about a tenth more CPU (each evicts the
other's tables from the processor's caches). A record's facts are first a :class:`PendingCount`,
filled when its batch is counted: when the batch is full, when the tally needs it, or when it is
pickled back from a worker (it then travels as the counts alone).
"""

from __future__ import annotations

import collections
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from jsonl_lint import formats, tokens
from jsonl_lint.problems import UsageError
from jsonl_lint.rules.base import DatasetContext, FactRules
from jsonl_lint.stats import Counts
from jsonl_lint.tokens import registry

if TYPE_CHECKING:
    from typing import Any

    from jsonl_lint.problems import Problem
    from jsonl_lint.reader import Record
    from jsonl_lint.target import Target
    from jsonl_lint.tokens import Counter

ExampleFacts = tuple[int, int, int, tuple[tuple[str, int], ...]]  # messages, tokens, trained tokens, tokens per role

BATCH_RECORDS = 256  # examples tokenized together; the batch holds their values until then
BATCH_BYTES = 4 << 20  # and at most about this much of their lines


def _counted(facts: ExampleFacts | None) -> ExampleFacts | None:
    return facts  # what a PendingCount unpickles as


class PendingCount:
    """One example's counts, made with its batch's (None when the tokenizer fails on it)."""

    __slots__ = ("_owner", "done", "facts")

    def __init__(self, owner: StatsFacts) -> None:
        self._owner = owner
        self.done = False
        self.facts: ExampleFacts | None = None

    def get(self) -> ExampleFacts | None:
        if not self.done:
            self._owner.flush()
        return self.facts

    def __reduce__(self) -> tuple[Any, tuple[ExampleFacts | None]]:
        return _counted, (self.get(),)  # from a worker: the counts, not the batch


class Tally:
    """One file's examples, counted; it reports nothing (the check does)."""

    def __init__(self, ctx: DatasetContext) -> None:
        self.path = ctx.path
        self.target = ctx.target
        self.is_validation = ctx.is_validation
        self.counts = Counts()
        self._waiting: collections.deque[tuple[int, PendingCount | ExampleFacts]] = collections.deque()

    def observe(self, line: int, key: int | None, facts: PendingCount | ExampleFacts | None) -> Iterable[Problem]:
        if facts is None:  # not valid for the format
            return ()
        self._waiting.append((line, facts))
        if isinstance(facts, PendingCount) and not facts.done and len(self._waiting) <= BATCH_RECORDS:
            return ()  # its batch is not counted yet: added with it, in line order
        self._add_waiting()
        return ()

    def finish(self) -> Iterable[Problem]:
        self._add_waiting()
        return ()

    def _add_waiting(self) -> None:
        waiting, add = self._waiting, self.counts.add
        while waiting:
            line, facts = waiting.popleft()
            counted = facts.get() if isinstance(facts, PendingCount) else facts
            if counted is not None:  # None: the tokenizer failed on it (JL501 says so)
                add(line, *counted)


class StatsFacts:
    """The fact rule that counts each example's tokens with its file's tokenizer (its target
    model's, already loaded: workers fork after it, see :func:`jsonl_lint.stats.tokenizer_for`);
    ``tallies`` gets one per file checked, in the order the files are checked."""

    def __init__(self) -> None:
        self.tallies: list[Tally] = []
        self._tokenizer = ""
        self._model_formats: Sequence[str] = ()
        self._counters: dict[tuple[str, str | None], Counter] = {}
        self._pending: list[tuple[PendingCount, Counter, dict[str, Any]]] = []
        self._pending_bytes = 0
        self._pid = os.getpid()
        self.rules = FactRules(rules=(), start=self._start, facts=self.facts)

    def _start(self, ctx: DatasetContext) -> Tally:
        self.flush()
        self._use(ctx.target)
        tally = Tally(ctx)
        self.tallies.append(tally)
        return tally

    def _use(self, target: Target) -> None:
        tokenizer = registry.tokenizer_of(target.model)
        assert tokenizer is not None  # the report counts only when every file's model has one
        self._tokenizer = tokenizer
        self._model_formats = target.model.formats

    def facts(self, record: Record) -> PendingCount:
        """The counts of a record valid for its format, to be made with its batch's."""
        if self._pid != os.getpid():  # a forked worker: its parent's batch is the parent's to count
            self._pending, self._pending_bytes, self._pid = [], 0, os.getpid()
        fmt = formats.record_format(record.value, self._model_formats)
        counter = self._counters.get((self._tokenizer, fmt))
        if counter is None:
            counter = self._counters[self._tokenizer, fmt] = registry.counter(self._tokenizer, fmt)
        pending = PendingCount(self)
        self._pending.append((pending, counter, record.value))
        self._pending_bytes += len(record.raw)
        if len(self._pending) >= BATCH_RECORDS or self._pending_bytes >= BATCH_BYTES:
            self.flush()
        return pending

    def flush(self) -> None:
        """Count the batch's examples (a tokenizer's failure on one: None for it)."""
        batch, self._pending, self._pending_bytes = self._pending, [], 0
        for pending, counter, value in batch:
            try:
                count = tokens.guarded(counter, value)
                pending.facts = (count.messages, count.total, count.trained, tuple(count.roles.items()))
            except (tokens.CountFailed, UsageError):
                pass  # no counts: JL501 says why
            pending.done = True
