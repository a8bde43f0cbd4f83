"""The rule contract: what a rule module declares, and what its checks are given.

Every module of :mod:`jsonl_lint.rules` ends with one ``RULES`` declaration:

- :class:`RecordRules` — rules that look at one record at a time: the data formats they apply
  to and ``check(record, ctx)``, which yields :class:`~jsonl_lint.problems.Problem` values;
- :class:`DatasetRules` — rules that look across the records of a file (and, for
  ``--validation``, across files): ``start(ctx)`` makes a :class:`DatasetCheck` per file;
- :class:`RuleSet` — rules the engine or the reader reports itself (syntax, layout, format).

Checks only yield problems; the engine drops those of rules switched off for the file and skips
a module whose rules are all off. A rule reads its settings from ``ctx.target`` (severity,
parameters, profile, model), never from module constants.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from jsonl_lint import jsonpos
from jsonl_lint.conversation import EVERY_RECORD, Features
from jsonl_lint.problems import Problem, Rule

if TYPE_CHECKING:
    from jsonl_lint.minhash import LshIndex
    from jsonl_lint.profiles import ModelSpec, Profile
    from jsonl_lint.reader import Record
    from jsonl_lint.target import Target


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSet:
    """Rules a module declares; iterating gives them in order."""

    rules: tuple[Rule, ...]

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Reporter:
    """Makes this file's problems, complete at creation (severity from the target)."""

    path: str
    target: Target

    @property
    def profile(self) -> Profile:
        return self.target.profile

    @property
    def model(self) -> ModelSpec:
        return self.target.model

    def enabled(self, rule: Rule) -> bool:
        """Whether the rule is on for this file (to skip work whose problems would be dropped)."""
        return rule.code in self.target.severities

    def problem(self, rule: Rule, line: int | None, column: int | None, message: str, json_path: str | None = None) -> Problem:
        return Problem(
            path=self.path,
            line=line,
            column=column,
            code=rule.code,
            rule=rule.name,
            severity=self.target.severities.get(rule.code, rule.severity),
            message=message,
            json_path=json_path,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FileContext(_Reporter):
    """What a record rule knows: the file, its target, and its data format (known by then)."""

    data_format: str

    def at(self, rule: Rule, record: Record, message: str, path: jsonpos.JsonPath = (), *, at_key: bool = False) -> Problem:
        """A problem about the value at ``path`` in ``record``, with its column found in the line."""
        column = jsonpos.locate(record.text, path, key=at_key) if record.raw and rule.code in self.target.severities else None
        return self.problem(rule, record.line or None, column, message, jsonpos.format_path(path) or None)


@dataclass(slots=True)
class RunState:
    """What dataset rules pass between the files of one run: the first (path, line) of each
    training example's key, for the validation file to look up."""

    training: dict[int, tuple[str, int]] = field(default_factory=dict)
    near_training: list[tuple[str, LshIndex]] = field(default_factory=list)  # each training file's near-duplicate index


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetContext(_Reporter):
    """What a dataset rule knows: the file, its target, its part in the run."""

    is_validation: bool = False  # the validation file, compared with the training files
    run: RunState = field(default_factory=RunState)


class DatasetCheck(Protocol):
    """One file's look across records: it sees every record's line and key (equal records have
    equal keys; None for a record too deeply nested to have one), then reports at the end."""

    def observe(self, line: int, key: int | None) -> Iterable[Problem]: ...

    def finish(self) -> Iterable[Problem]: ...


class FactCheck(Protocol):
    """A dataset check that needs more of each record than its key: it is also handed the
    record's facts (its rules' ``facts(record)``, or None for a record that failed its schema)."""

    def observe(self, line: int, key: int | None, facts: Any) -> Iterable[Problem]: ...

    def finish(self) -> Iterable[Problem]: ...


class RecordTally(Protocol):
    """What a :class:`TallyRules` adds up over the valid records of one range or block of a
    file, where they are checked (a worker, for its range)."""

    def add(self, line: int, record: Record) -> None: ...

    def total(self) -> Any:
        """The range's total, for the file's :class:`TallyCheck` (pickled, from a worker)."""
        ...


class TallyCheck(Protocol):
    """A file's tally: each range's total, in line order, and how many lines on its line numbers
    are (a range numbers its lines from its own start)."""

    def absorb(self, total: Any, shift: int) -> None: ...

    def finish(self) -> Iterable[Problem]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordRules(RuleSet):
    """Rules checked record by record, on records of ``formats`` that match their schema."""

    formats: frozenset[str]
    check: Callable[[Record, FileContext], Iterable[Problem]]
    also_reports: tuple[Rule, ...] = ()  # rules of other modules this check reports too (same mistake, other format)
    # Which records the check can find something in, for this file: the features of
    # :mod:`jsonl_lint.conversation` (any of them), EVERY_RECORD or NO_RECORD. The engine skips
    # the check on other records, so it must yield nothing on them.
    needs: Callable[[FileContext], Features] = field(default=lambda ctx: EVERY_RECORD)  # most rules of other formats


def records_with(features: Features) -> Callable[[FileContext], Features]:
    """``needs`` for a check that looks for the same features whatever the target."""
    return lambda ctx: features


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetRules(RuleSet):
    """Rules checked across the records of a file."""

    start: Callable[[DatasetContext], DatasetCheck]


@dataclass(frozen=True, slots=True, kw_only=True)
class FactRules(RuleSet):
    """Rules checked across records that need more of each record than its key: ``facts(record)``
    runs where the record is checked (in worker processes for a large file), for records valid
    for their format, and its value goes to the check's ``observe`` in line order."""

    start: Callable[[DatasetContext], FactCheck]
    facts: Callable[[Record], Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class TallyRules(RuleSet):
    """Counts over the records valid for their format, added up where the records are checked
    (in each worker, for its range) rather than sent record by record: ``tally()`` starts a range's,
    and its total goes to the check's ``absorb``, ranges in line order."""

    start: Callable[[DatasetContext], TallyCheck]
    tally: Callable[[], RecordTally]
