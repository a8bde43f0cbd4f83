"""The legacy fine-tuning conventions of prompt-completion data, detected by majority.

The old guide's conventions are artefacts, not content: every prompt ended with one fixed
separator (``" ->"``, ``"\\n\\n###\\n\\n"`` ...), every completion started with a space and ended
with one stop sequence (``"\\n"``, ``" END"``, ``"###"``, ``" [END]"``, ``"<|end|>"`` ...). Real
files are not unanimous, so a convention is the one that at least :data:`MAJORITY` of the rows
follow: it is stripped where present, and the rows without it are named.

A separator is made of ``[ \\t\\r\\n#=\\-~>*|_]`` only (never letters, digits or sentence
punctuation). A stop sequence is optional whitespace, one marker, optional whitespace, or
newlines alone; a marker is one of ``#=-~*+&$@%^|_`` three or more times, a token such as
``<|end|>``, ``</s>``, ``<END>`` or ``[END]``, or one of the words END, STOP, EOS, EOT standing
alone. Shared real text is never taken for a stop: label endings (`` positive\\n`` and
`` negative\\n`` share only ``"\\n"``), full stops and shared last words are not markers.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from jsonl_lint.convert.plain import PlainRecords
from jsonl_lint.convert.rows import (
    Blank,
    Converted,
    ConvertOptions,
    Flagged,
    Notes,
    Rejected,
    Restart,
    Row,
    Written,
)

MAJORITY = 0.9
MAX_TAIL = 64  # longest separator or stop looked for
_MAX_KINDS = 1024  # distinct tails kept; past it they are shortened (bounded memory on any data)
FIRST_ROWS = 2000  # rows the provisional conventions are detected on, before the whole file's
# what the head held for them may hold at most (rejected rows included): past either, the
# provisional conventions are those of the pairs seen (the whole input still decides)
HEAD_ROWS = 4 * FIRST_ROWS
HEAD_CHARS = 8 << 20

SEPARATOR_CHARS = " \t\r\n#=-~>*|_"
_SEPARATOR_TAIL = re.compile(r"[ \t\r\n#=\-~>*|_]+")  # matched on the reversed text
_MARKERS_REVERSED = r"([#=\-~*+&$@%^|_])\1{2,}|>\|[^|<>\s]{1,20}\|<|>[A-Za-z]{1,10}/?<|\][A-Z_]{2,10}\[|(?:DNE|POTS|SOE|TOE)\b"
_STOP_TAIL = re.compile(rf"[ \t\r\n]*(?:{_MARKERS_REVERSED})[ \t\r\n]*|[ \t\r\n]*\n[ \t\r]*")  # on the reversed text
_STOP_BEFORE = " \t\r\n#=-~*+&$@%^|_<>[]"  # a tail is whole when the text before it is none of these


def separator_tail(text: str) -> str:
    """The longest end of ``text`` that could be a separator ("" if none)."""
    found = _SEPARATOR_TAIL.match(text[-MAX_TAIL:][::-1])
    return found.group(0)[::-1] if found else ""


def stop_tail(text: str) -> str:
    """The longest end of ``text`` that could be a stop sequence ("" if none)."""
    found = _STOP_TAIL.match(text[-MAX_TAIL:][::-1])
    return found.group(0)[::-1] if found else ""


def is_separator(text: str) -> bool:
    """Separator characters only, and a newline or two marks (a lone "_" or "-" ends real text)."""
    return not text.strip(SEPARATOR_CHARS) and ("\n" in text or len(text.strip()) >= 2)


def is_stop(text: str) -> bool:
    return bool(text) and _STOP_TAIL.fullmatch(text[::-1]) is not None


@dataclass(frozen=True, slots=True)
class Conventions:
    separator: str
    stop: str
    leading_space: bool


@dataclass(slots=True)
class Tails:
    """How many texts end with each possible separator or stop; bounded in size."""

    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    width: int = MAX_TAIL

    def add(self, tail: str, times: int = 1) -> None:
        self.total += times
        if len(tail) > self.width:
            tail = tail[-self.width :]
        self.counts[tail] = self.counts.get(tail, 0) + times
        if len(self.counts) > _MAX_KINDS:
            self._fold(self.width // 2)

    def _fold(self, width: int) -> None:
        """Keep the ends only (shorter tails are still counted right), at ``width`` or narrower:
        the widest of the halvings of :data:`MAX_TAIL` at which the tails seen are few enough.
        That width depends on the tails alone, not on their order or on how they were split
        into parts and merged (a file's byte ranges tally what one pass over it would)."""
        while True:
            self.width = max(1, width)
            folded: dict[str, int] = {}
            for key, count in self.counts.items():
                key = key[-self.width :]
                folded[key] = folded.get(key, 0) + count
            self.counts = folded
            if len(folded) <= _MAX_KINDS or self.width == 1:
                return
            width = self.width // 2

    def merge(self, other: Tails) -> None:
        if other.width < self.width:
            self._fold(other.width)
        for tail, count in other.counts.items():
            self.add(tail, count)
        self.total += other.total - sum(other.counts.values())

    def majority(self, valid: Callable[[str], bool]) -> str:
        """The longest valid ending that at least :data:`MAJORITY` of the texts share."""
        if not self.total:
            return ""
        ends: dict[str, int] = {}
        for tail, count in self.counts.items():
            for size in range(1, len(tail) + 1):
                ends[tail[-size:]] = ends.get(tail[-size:], 0) + count
        shared = [end for end, count in ends.items() if count >= MAJORITY * self.total and valid(end)]
        return max(shared, key=len, default="")


@dataclass(slots=True)
class Tally:
    """The conventions of the rows seen so far: counts of tails and of leading spaces."""

    separators: Tails = field(default_factory=Tails)
    stops: Tails = field(default_factory=Tails)
    leading_spaces: int = 0

    def add(self, prompt: str, completion: str) -> None:
        if prompt:  # an empty prompt has no separator
            self.separators.add(separator_tail(prompt))
        self.stops.add(stop_tail(completion))
        self.leading_spaces += completion.startswith(" ")

    def merge(self, other: Tally) -> None:
        self.separators.merge(other.separators)
        self.stops.merge(other.stops)
        self.leading_spaces += other.leading_spaces

    def conventions(self) -> Conventions:
        return Conventions(
            self.separators.majority(is_separator),
            self.stops.majority(is_stop),
            self.stops.total > 0 and self.leading_spaces >= MAJORITY * self.stops.total,
        )


def detect(pairs: Iterable[tuple[str, str]]) -> Conventions:
    """The separator, stop sequence and leading space that most (prompt, completion) share."""
    tally = Tally()
    for prompt, completion in pairs:
        tally.add(prompt, completion)
    return tally.conventions()


def resolve(found: Conventions, options: ConvertOptions) -> Conventions:
    """The conventions to strip: the detected ones, unless the options say otherwise."""
    if options.keep_separators:
        return Conventions("", "", False)
    separator = options.prompt_suffix if options.prompt_suffix is not None else found.separator
    stop = options.stop if options.stop is not None else found.stop
    return Conventions(separator, stop, found.leading_space)


@dataclass(slots=True)
class Lacking:
    """Rows that do not follow the conventions: counted, the first few named."""

    separator: list[int] = field(default_factory=list)
    stop: list[int] = field(default_factory=list)
    separators: int = 0
    stops: int = 0

    def add(self, other: Lacking) -> None:
        self.separator += other.separator[: 10 - len(self.separator)]
        self.stop += other.stop[: 10 - len(self.stop)]
        self.separators += other.separators
        self.stops += other.stops


def _lines(numbers: list[int], count: int) -> str:
    return ", ".join(map(str, numbers)) + (" ..." if count > len(numbers) else "")


def describe(conventions: Conventions, options: ConvertOptions, notes: Notes, basis: str, lacking: Lacking) -> None:
    if options.keep_separators:
        notes.add("separators and stop sequences kept (--keep-separators)")
        return
    origin = "given" if options.prompt_suffix is not None else f"detected on {basis}"
    separator, stop = conventions.separator, conventions.stop
    notes.add(
        f"prompt separator {separator!r} ({origin}), stripped"
        if separator
        else f"no prompt separator shared by {MAJORITY:.0%} of the prompts ({origin})"
    )
    if lacking.separators:
        notes.add(f"{lacking.separators} prompts without it, kept whole: lines {_lines(lacking.separator, lacking.separators)}")
    origin = "given" if options.stop is not None else f"detected on {basis}"
    notes.add(
        f"completion stop sequence {stop!r} ({origin}), stripped"
        if stop
        else f"no stop sequence shared by {MAJORITY:.0%} of the completions ({origin})"
    )
    if lacking.stops:
        notes.add(f"{lacking.stops} completions without it, kept whole: lines {_lines(lacking.stop, lacking.stops)}")
    if conventions.leading_space:
        notes.add("the leading space of the completions stripped")


class Pair(NamedTuple):
    """A row of a table with a user and an assistant text (and a system text, maybe empty)."""

    line: int
    user: str
    assistant: str
    system: str
    text: str


def strip(prompt: str, completion: str, conventions: Conventions) -> tuple[str, str, bool, bool]:
    """The prompt and completion without the conventions, and whether each had its own."""
    separator, stop = conventions.separator, conventions.stop
    has_separator = has_stop = True
    if separator:
        if prompt.endswith(separator):
            prompt = prompt[: -len(separator)]
        else:
            has_separator = not prompt
    end = len(completion)
    if stop:
        if completion.endswith(stop):
            end -= len(stop)
        else:
            has_stop = False
    start = 1 if conventions.leading_space and completion.startswith(" ") and end > 0 else 0
    return prompt, completion[start:end], has_separator, has_stop


def flag_messages(conventions: Conventions, has_separator: bool, has_stop: bool) -> Iterator[str]:
    if not has_separator:
        yield f"the prompt does not end with the separator {conventions.separator!r} most rows end with: kept whole"
    if not has_stop:
        yield f"the completion does not end with the stop sequence {conventions.stop!r} most rows end with: kept whole"


@dataclass(slots=True)
class Hits:
    """The rows' tails after the first rows: a row that ends with the conventions being
    stripped counts for them, the others are looked at (see the completion converter)."""

    separators: dict[str, int] = field(default_factory=dict)
    stops: dict[str, int] = field(default_factory=dict)
    leading_spaces: int = 0

    def merge(self, other: Hits) -> None:
        """``other``'s rows after these (each tail in the order the rows first showed it)."""
        for tail, count in other.separators.items():
            self.separators[tail] = self.separators.get(tail, 0) + count
        for tail, count in other.stops.items():
            self.stops[tail] = self.stops.get(tail, 0) + count
        self.leading_spaces += other.leading_spaces

    def tally(self) -> Tally:
        tally = Tally(leading_spaces=self.leading_spaces)
        for tail, count in self.separators.items():
            tally.separators.add(tail, count)
        for tail, count in self.stops.items():
            tally.stops.add(tail, count)
        return tally


def pair_rows(
    items: Iterable[Pair | Row], conventions: Conventions, lacking: Lacking, hits: Hits | None, records: PlainRecords | None
) -> Iterator[Row]:
    """Converted rows: a tight loop (tables of millions of rows pass here), ``strip`` inlined;
    serialised in blocks by ``records`` when given."""
    separators, stops = (hits.separators, hits.stops) if hits is not None else ({}, {})
    separator, stop, leading_space = conventions.separator, conventions.stop, conventions.leading_space
    separator_size, stop_size = len(separator), len(stop)
    leading_spaces = separator_hits = stop_hits = 0
    for item in items:
        if type(item) is not Pair:
            yield item  # type: ignore[misc]
            continue
        line, user, assistant, system, text = item
        has_separator = has_stop = True
        if user.endswith(separator):
            if separator_size:
                user = user[:-separator_size]
        elif user:
            has_separator = False
        end = len(assistant)
        if assistant.endswith(stop):
            end -= stop_size
        else:
            has_stop = False
        if hits is not None:  # the rows' own conventions: those that end with the stripped ones are added up at the end
            if item.user:
                if not has_separator:
                    tail = separator_tail(item.user)
                    separators[tail] = separators.get(tail, 0) + 1
                elif separator_hits:
                    separator_hits += 1
                else:
                    separators.setdefault(separator, 0)  # its place in the tally's order, as if counted row by row
                    separator_hits = 1
            if not has_stop:
                tail = stop_tail(item.assistant)
                stops[tail] = stops.get(tail, 0) + 1
            elif stop_hits:
                stop_hits += 1
            else:
                stops.setdefault(stop, 0)
                stop_hits = 1
            if assistant[0] == " ":
                leading_spaces += 1
        start = 1 if leading_space and assistant[0] == " " and end > 0 else 0
        if start or end != len(assistant):
            assistant = assistant[start:end]
        if not assistant or assistant.isspace():
            yield Rejected(line, text, "empty completion once its stop sequence is stripped: nothing for the assistant to learn")
            continue
        if not (has_separator and has_stop):
            if not has_separator:
                lacking.separators += 1
                if len(lacking.separator) < 10:
                    lacking.separator.append(line)
            if not has_stop:
                lacking.stops += 1
                if len(lacking.stop) < 10:
                    lacking.stop.append(line)
            for message in flag_messages(conventions, has_separator, has_stop):
                yield Flagged(line, message)
        if records is not None:
            row = records.add(line, text, system, user, assistant)
            if row is not None:
                yield row
            continue
        if system:
            messages = [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
                {"role": "assistant", "content": assistant},
            ]
        else:
            messages = [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
        yield Converted(line, {"messages": messages}, text)
    if records is not None and records.pending:
        yield records.take()
    if hits is not None:
        hits.leading_spaces += leading_spaces
        if separator_hits:
            separators[separator] += separator_hits
        if stop_hits:
            stops[stop] += stop_hits


class Head(NamedTuple):
    """The rows up to the :data:`FIRST_ROWS`-th pair, their tally (what the provisional
    conventions are detected on) and how many they are (``size``); ``rows`` None when they were too many
    to hold (past :data:`HEAD_ROWS` rows or :data:`HEAD_CHARS` characters of text: a table of
    rejected or long rows), to be read again."""

    rows: list[Pair | Row] | None
    tally: Tally
    size: int


def head_of(items: Iterator[Pair | Row]) -> Head:
    """The head of ``items`` (taken from it)."""
    rows: list[Pair | Row] | None = []
    first = Tally()
    count = chars = 0
    for item in items:
        count += 1
        if rows is not None:
            rows.append(item)
            if isinstance(item, Pair | Rejected):
                chars += len(item.text)
            if chars >= HEAD_CHARS or count >= HEAD_ROWS:
                rows = None  # still tallied to its end: the conventions do not depend on the bound
        if isinstance(item, Pair):
            first.add(item.user, item.assistant)
            if first.stops.total >= FIRST_ROWS:
                break
    return Head(rows, first, count)


def convert_pairs(
    items: Iterator[Pair | Row], *, read_again: Callable[[], Iterator[Pair | Row]], options: ConvertOptions, notes: Notes
) -> Iterator[Row]:
    """Rows of user/assistant pairs with the conventions of the whole input stripped: detected
    on the first :data:`FIRST_ROWS` rows, then checked against the whole input (which can
    confirm, shorten or replace them); when the whole input says otherwise, a :class:`Restart`
    and a second reading (``read_again``)."""
    held, first, size = head_of(items)
    head: Iterable[Pair | Row] = held if held is not None else ()
    if held is None:  # too long to hold: read again, its rows converted as they come
        items = read_again()
        head = itertools.islice(items, size)
    provisional = resolve(first.conventions(), options)
    lacking, hits = Lacking(), Hits()
    records = PlainRecords(options) if PlainRecords.wanted(options) else None
    yield from pair_rows(head, provisional, lacking, None, records)
    yield from pair_rows(items, provisional, lacking, hits, records)
    whole = hits.tally()
    whole.merge(first)
    final = resolve(whole.conventions(), options)
    if final != provisional:
        notes.add("converted twice: the first rows do not share the conventions of the whole input")
        yield Restart()
        lacking = Lacking()
        records = PlainRecords(options) if records is not None else None
        yield from pair_rows(read_again(), final, lacking, None, records)
    describe(final, options, notes, f"all {whole.stops.total} rows", lacking)
    if records is not None:  # where the writer would say it, had it written the rows
        records.escapes.describe(notes, options.unescape)


__all__ = ["Blank", "Conventions", "Head", "Pair", "Tally", "Written", "convert_pairs", "describe", "resolve"]
