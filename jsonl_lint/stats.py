"""Dataset statistics before paying for a run: tokens per example (all, and trained), the tail,
truncation, OpenAI's default epochs, billed tokens and an estimated cost.

Counting is exact (the model's own tiktoken encoding, the overheads of :mod:`jsonl_lint.tokens`)
and is the slow part, so a file's byte ranges go to worker processes that read their own range
(blocks of lines read here, through pipes, for standard input and compressed or remote inputs),
and their counts merge in order into exactly what one process would find; strings that repeat
(system prompts, tool definitions) are tokenized once per worker. :class:`CountRunner` says where
the work runs (forked workers here, Ray tasks in :mod:`jsonl_lint.ray`).
"""

from __future__ import annotations

import functools
import math
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from jsonl_lint import formats, line_ranges, parallel, tokens
from jsonl_lint.config import Config
from jsonl_lint.problems import UsageError
from jsonl_lint.profiles import ModelSpec
from jsonl_lint.reader import LineCounts, Record, read_records
from jsonl_lint.source import DEFAULT_MAX_LINE_BYTES, SHAPES, Block, Source, lines_of, split_blocks
from jsonl_lint.target import Target, resolve_target
from jsonl_lint.tokens import registry

PERCENTILES = (10, 50, 90, 99)
DEFAULT_EPOCHS = 3
MIN_TARGET_EXAMPLES, MAX_TARGET_EXAMPLES = 100, 25_000  # OpenAI's epoch rule (FORMATS.md)
MIN_DEFAULT_EPOCHS, MAX_DEFAULT_EPOCHS = 1, 25


def default_epochs(examples: int) -> int:
    """The epochs OpenAI picks when none are given: 3, more for small files, fewer for big ones."""
    if examples <= 0:
        return DEFAULT_EPOCHS
    if examples * DEFAULT_EPOCHS < MIN_TARGET_EXAMPLES:
        return min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // examples)
    if examples * DEFAULT_EPOCHS > MAX_TARGET_EXAMPLES:
        return max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // examples)
    return DEFAULT_EPOCHS


def percentile(ordered: Sequence[int], p: float) -> int:
    """Nearest-rank percentile of sorted values: the smallest value with p% of them at or below it."""
    if not ordered:
        return 0
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(slots=True)
class Counts:
    """What a run of examples adds up to; runs (a worker's blocks) merge by concatenation."""

    examples: int = 0
    messages: array[int] = field(default_factory=lambda: array("l"))
    tokens: array[int] = field(default_factory=lambda: array("l"))
    trained: array[int] = field(default_factory=lambda: array("l"))
    lines: array[int] = field(default_factory=lambda: array("l"))  # each example's line (to name those over the limit)
    skipped: int = 0  # lines that are not an example of the file's format
    roles: dict[str, int] = field(default_factory=dict)  # tokens of each role's messages, summed

    def add(self, line: int, messages: int, total: int, trained: int, roles: Iterable[tuple[str, int]]) -> None:
        """One example's counts."""
        self.examples += 1
        self.messages.append(messages)
        self.tokens.append(total)
        self.trained.append(trained)
        self.lines.append(line)
        for role, count in roles:
            self.roles[role] = self.roles.get(role, 0) + count

    def merge(self, other: Counts, shift: int = 0) -> None:
        """``other``'s examples after these, their line numbers ``shift`` lines on (a range
        numbers its lines from its own start)."""
        self.examples += other.examples
        self.messages.extend(other.messages)
        self.tokens.extend(other.tokens)
        self.trained.extend(other.trained)
        self.lines.extend(array("l", [line + shift for line in other.lines]) if shift else other.lines)
        self.skipped += other.skipped
        for role, count in other.roles.items():
            self.roles[role] = self.roles.get(role, 0) + count


@dataclass(frozen=True, slots=True)
class Distribution:
    min: int
    percentiles: dict[int, int]
    max: int
    mean: float
    total: int

    @classmethod
    def of(cls, values: Iterable[int]) -> Distribution:
        ordered = sorted(values)
        if not ordered:
            return cls(0, dict.fromkeys(PERCENTILES, 0), 0, 0.0, 0)
        return cls(ordered[0], {p: percentile(ordered, p) for p in PERCENTILES}, ordered[-1], sum(ordered) / len(ordered), sum(ordered))


@dataclass(frozen=True, slots=True)
class FileStats:
    path: str
    data_format: str | None
    examples: int
    skipped: int
    messages: Distribution
    tokens: Distribution
    trained: Distribution
    token_counts: tuple[int, ...]  # per example, in file order (for histograms)
    trained_counts: tuple[int, ...]
    over_limit: int
    truncated_tokens: int
    roles: Mapping[str, int] = field(default_factory=dict)  # tokens per role, summed over the examples
    message_counts: tuple[int, ...] = ()  # messages per example, in file order
    over_examples: tuple[tuple[int, int], ...] = ()  # (line, tokens) of each example over the limit, in file order


@dataclass(frozen=True, slots=True)
class Estimate:
    model: str
    encoding: str  # the tokenizer's name (a tiktoken encoding, "mistral v3", a model folder)
    limit: int | None
    epochs: int
    epochs_given: bool
    billed_tokens: int
    price_per_million: float | None
    price_date: str | None
    counting: str | None = None  # how counts are estimated, when they are not the trainer's own

    @property
    def cost_usd(self) -> float | None:
        return None if self.price_per_million is None else self.billed_tokens / 1_000_000 * self.price_per_million


@dataclass(frozen=True, slots=True)
class StatsReport:
    training: tuple[FileStats, ...]
    validation: FileStats | None
    estimate: Estimate


def _no_problem(*_: object, **__: object) -> None:
    return None  # stats count what would train; `jsonl-lint check` says what is wrong with the rest


def _count_block(tokenizer: str, data_format: str, first_line: int, lines: Iterable[bytes]) -> Counts:
    counter = registry.counter(tokenizer, data_format)
    validator = formats.fast_validator(data_format)
    counts = Counts()
    seen = LineCounts()
    for record in read_records(lines, _no_problem, first_line=first_line, counts=seen):
        assert isinstance(record, Record)  # the sink makes no problems
        if not validator.is_valid(record.value):
            continue
        try:
            messages, total, trained, roles, _ = tokens.guarded(counter, record.value)
        except tokens.CountFailed:
            continue  # counted as skipped below; `jsonl-lint check` reports it (JL501)
        counts.add(record.line or 0, messages, total, trained, roles.items())
    counts.skipped = seen.content - counts.examples  # lines that are not an example of the format
    return counts


def count_block(tokenizer: str, data_format: str, first_line: int, block: bytes) -> Counts:
    """The examples of a block of whole lines (numbered from ``first_line``), for a worker given it."""
    return _count_block(tokenizer, data_format, first_line, lines_of(block))


def _content_lines(first_line: int, block: bytes) -> int:
    seen = LineCounts()
    for _ in read_records(lines_of(block), _no_problem, first_line=first_line, counts=seen):
        pass
    return seen.content


def _block_format(first_line: int, block: bytes, model: ModelSpec) -> str | None:
    """The format of the first record of a known format in the block (the file's format)."""
    for record in read_records(lines_of(block), _no_problem, first_line=first_line):
        assert isinstance(record, Record)
        found = formats.record_format(record.value, model.formats)
        if found is not None:
            return found
    return None


def tokenizer_for(model: ModelSpec) -> str:
    """The model's tokenizer name, loaded here (before any worker forks: they share it); a
    :class:`UsageError` when none is known or it cannot be loaded."""
    tokenizer = registry.tokenizer_of(model)
    if tokenizer is None:
        raise UsageError(
            f"no tokenizer is known for {model.name}: name one with --tokenizer (a local model folder, "
            "or mistral:v3...) or --encoding (tiktoken)"
        )
    kind, _, name = tokenizer.partition(":")
    if kind == "tiktoken":
        tokens.encoding(name)
    else:
        registry.counter(tokenizer, None)  # Mistral and Hugging Face tokenizers load with their counter
    return tokenizer


# Tokenizing costs many times what checking does per byte: workers pay for themselves from a
# file of four ranges (measured on 2 cores: 0.80x the wall time at 11 MB, even at 5.6 MB), half
# the checker's threshold (never above it).
COUNT_PARALLEL_MIN_BYTES = 4 * parallel.RANGE_BYTES
RANGE_FIRST_LINE = 2  # a range counted elsewhere numbers its lines from here (as the checker's: only line 1 may hold a BOM)
RangeCounts = tuple[Counts, int]  # a range's counts, and how many lines it holds


@dataclass(frozen=True, slots=True)
class RangeJob:
    """What a worker needs to count a range of a file (sent to Ray tasks; small)."""

    path: str
    tokenizer: str
    data_format: str
    max_line_bytes: int


def range_first_line(start: int) -> int:
    """The number a range counted elsewhere gives its first line: 1 for the file's first range
    (its line 1 may hold a BOM), else :data:`RANGE_FIRST_LINE`."""
    return 1 if start == 0 else RANGE_FIRST_LINE


def count_range(job: RangeJob, start: int, end: int) -> RangeCounts:
    """The examples among the lines that start in ``[start, end)`` of the job's file, read here
    (by a worker for itself), numbered from :func:`range_first_line`; and how many lines there are."""
    counts = Counts()
    with line_ranges.open_range(job.path, start, end) as reader:
        first = range_first_line(start)
        for first_line, block in split_blocks(reader.read, first_line=first, max_line_bytes=job.max_line_bytes):
            counts.merge(_count_block(job.tokenizer, job.data_format, first_line, lines_of(block)))
        return counts, reader.lines


class CountRunner(Protocol):
    """Where a file's examples are counted once its format is known: ``ranges`` for a file its
    workers read by path (each range numbered from :func:`range_first_line`), ``blocks`` for
    blocks read here; results in input order."""

    def reads(self, source: Source, path: str) -> bool:
        """Whether the workers read ``source``'s byte ranges themselves."""
        ...

    def ranges(self, job: RangeJob, spans: Sequence[tuple[int, int]]) -> Iterator[RangeCounts]: ...

    def blocks(self, tokenizer: str, data_format: str, batches: Iterable[Block]) -> Iterator[Counts]: ...


class ForkedCounts:
    """Forked worker processes of this machine (they inherit the loaded tokenizer)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def reads(self, source: Source, path: str) -> bool:
        return self.jobs > 1 and line_ranges.is_local_file(source, path)

    def ranges(self, job: RangeJob, spans: Sequence[tuple[int, int]]) -> Iterator[RangeCounts]:
        return parallel.map_in_order(functools.partial(count_range, job), spans, self.jobs)

    def blocks(self, tokenizer: str, data_format: str, batches: Iterable[Block]) -> Iterator[Counts]:
        return parallel.map_blocks(functools.partial(_count_block, tokenizer, data_format), batches, self.jobs)


def file_stats(
    path: str,
    model: ModelSpec,
    *,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    counter: CountRunner | None = None,
) -> FileStats:
    """A file's statistics; ``counter``: where its examples are counted (default: forked
    workers for a large file)."""
    tokenizer = tokenizer_for(model)
    with Source.open(path, max_line_bytes=max_line_bytes) as source:  # a longer line is skipped, not held
        sniffed = source.sniff()
        if sniffed.shape is not None:
            raise UsageError(f"{path}: {SHAPES[sniffed.shape]}")
        if counter is None:
            large = source.size is not None and source.size >= min(COUNT_PARALLEL_MIN_BYTES, parallel.PARALLEL_MIN_BYTES)
            counter = ForkedCounts((jobs or parallel.default_jobs()) if large else 1)
        if counter.reads(source, path):
            data_format, counts = _count_ranges(path, source.size or 0, tokenizer, model, max_line_bytes, counter, progress)
        else:
            data_format, counts = _count_blocks(path, source, tokenizer, model, counter, progress)
    return summarize(path, data_format, counts, model.max_tokens)


class _FormatFinder:
    """Counts of blocks in order, here, until the file's format is known (the format of its first
    example of a known format; the lines of earlier blocks are skipped)."""

    def __init__(self, tokenizer: str, model: ModelSpec) -> None:
        self.tokenizer = tokenizer
        self.model = model
        self.data_format: str | None = None

    def count(self, first_line: int, block: bytes) -> Counts:
        if self.data_format is None:
            self.data_format = _block_format(first_line, block, self.model)
            if self.data_format is None:
                return Counts(skipped=_content_lines(first_line, block))  # none is an example
        return _count_block(self.tokenizer, self.data_format, first_line, lines_of(block))


def _count_blocks(
    path: str, source: Source, tokenizer: str, model: ModelSpec, counter: CountRunner, progress: Callable[[int], None] | None
) -> tuple[str, Counts]:
    """Blocks read here: the first ones counted here until the format is known, the others by ``counter``."""
    counts = Counts()
    finder = _FormatFinder(tokenizer, model)
    batches = source.blocks()
    for first_line, block in batches:
        counts.merge(finder.count(first_line, block))
        if finder.data_format is not None:
            break
    if finder.data_format is None:
        raise UsageError(f"{path}: no example in a known format")
    for part in counter.blocks(tokenizer, finder.data_format, batches):
        counts.merge(part)
        if progress is not None:
            progress(source.position)
    return finder.data_format, counts


def _count_ranges(
    path: str,
    size: int,
    tokenizer: str,
    model: ModelSpec,
    max_line_bytes: int,
    counter: CountRunner,
    progress: Callable[[int], None] | None,
) -> tuple[str, Counts]:
    """The file's byte ranges, every one counted by ``counter``'s workers, each reading its own
    range, once the format is known here (the first record of a known format, read from the
    start); their lines renumbered here. The first range goes to the workers too: counted here,
    it kept the second core idle. Lines before that first record hold no example of any format,
    so counting them with the format skips them, as :class:`_FormatFinder` does."""
    data_format = _range_format(path, size, model, max_line_bytes)
    if data_format is None:
        raise UsageError(f"{path}: no example in a known format")
    counts = Counts()
    spans = list(line_ranges.spans(size, parallel.RANGE_BYTES))
    job = RangeJob(path, tokenizer, data_format, max_line_bytes)
    lines_before = 0
    for (start, end), (part, lines) in zip(spans, counter.ranges(job, spans)):
        counts.merge(part, lines_before + 1 - range_first_line(start))
        lines_before += lines
        if progress is not None:
            progress(end)
    return data_format, counts


def _range_format(path: str, size: int, model: ModelSpec, max_line_bytes: int) -> str | None:
    """The format of the file's first record of a known format, read range by range from the start."""
    lines_before = 0
    for start, end in line_ranges.spans(size, parallel.RANGE_BYTES):
        with line_ranges.open_range(path, start, end) as reader:
            for first_line, block in split_blocks(reader.read, first_line=lines_before + 1, max_line_bytes=max_line_bytes):
                found = _block_format(first_line, block, model)
                if found is not None:
                    return found
        lines_before += reader.lines
    return None


def summarize(path: str, data_format: str | None, counts: Counts, limit: int | None) -> FileStats:
    """A file's statistics from its examples' counts (``limit``: the model's tokens per example)."""
    over = [(line, t) for line, t in zip(counts.lines, counts.tokens) if limit is not None and t > limit]
    return FileStats(
        path=path,
        data_format=data_format,
        examples=counts.examples,
        skipped=counts.skipped,
        messages=Distribution.of(counts.messages),
        tokens=Distribution.of(counts.tokens),
        trained=Distribution.of(counts.trained),
        token_counts=tuple(counts.tokens),
        trained_counts=tuple(counts.trained),
        over_limit=len(over),
        truncated_tokens=sum(t - limit for _, t in over) if limit is not None else 0,
        roles=dict(counts.roles),
        message_counts=tuple(counts.messages),
        over_examples=tuple(over),
    )


def compute(
    paths: Sequence[str],
    *,
    profile: str | None = None,
    model: str | None = None,
    encoding: str | None = None,
    tokenizer: str | None = None,
    max_tokens: int | None = None,
    validation: str | None = None,
    epochs: int | None = None,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    target: Target | None = None,
    counter: CountRunner | None = None,
) -> StatsReport:
    """Statistics of ``paths`` for ``target`` (the CLI resolves it with the files' config), or
    for the profile, model, encoding and limit given here. ``counter``: where the examples are
    counted (default: forked workers for large files)."""
    if target is None:
        flags = {"profile": profile, "model": model, "encoding": encoding, "tokenizer": tokenizer, "max_tokens": max_tokens}
        target = resolve_target(paths[0] if paths else "-", flags, config=Config())
    spec = target.model
    longest = target.max_line_bytes
    each = functools.partial(file_stats, model=spec, jobs=jobs, progress=progress, max_line_bytes=longest, counter=counter)
    training = tuple(each(path) for path in paths)
    checked = each(validation) if validation else None
    return report_of(training, checked, target, epochs)


def report_of(training: Sequence[FileStats], validation: FileStats | None, target: Target, epochs: int | None) -> StatsReport:
    """The statistics of a run: the files' and the estimate of the epochs, billed tokens and cost."""
    spec = target.model
    examples = sum(f.examples for f in training)
    chosen_epochs = epochs or default_epochs(examples)
    limit = spec.max_tokens
    per_epoch = sum(min(t, limit) if limit is not None else t for f in training for t in f.token_counts)
    name = registry.tokenizer_of(spec)
    assert name is not None  # file_stats refused a model without one
    counter = registry.counter(name, training[0].data_format if training else None)
    estimate = Estimate(
        model=spec.name,
        encoding=counter.name,
        counting=counter.estimate,
        limit=limit,
        epochs=chosen_epochs,
        epochs_given=epochs is not None,
        billed_tokens=chosen_epochs * per_epoch,
        price_per_million=spec.price_per_million,
        price_date=target.profile.prices_date if spec.price_per_million is not None else None,
    )
    return StatsReport(tuple(training), validation, estimate)


class Progress:
    """A progress bar on standard error for long files, only when it is a terminal."""

    def __init__(self, total: int) -> None:
        self.total = max(1, total)
        self.done = 0
        self.enabled = sys.stderr.isatty() and total >= parallel.PARALLEL_MIN_BYTES

    def __call__(self, position: int) -> None:
        if not self.enabled:
            return
        share = min(1.0, position / self.total)
        bar = "█" * int(share * 30)
        sys.stderr.write(f"\rcounting tokens |{bar:<30}| {share:6.1%}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()
