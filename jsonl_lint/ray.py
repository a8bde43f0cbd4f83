"""The checker and ``stats`` on a Ray cluster: each file's byte ranges checked or counted as Ray
tasks that read their own range, merged here in order by the same code as forked workers (the
same report, byte for byte).

    from jsonl_lint.ray import check_dataset, stats_dataset
    reports = check_dataset(["train.jsonl"], validation="valid.jsonl")
    figures = stats_dataset(["train.jsonl"], flags={"model": "gpt-4o-mini-2024-07-18"})

Without ``RAY_ADDRESS`` a local Ray is started on this machine (``num_cpus``: the jobs setting);
with it, the run joins that cluster. Tasks read plain files by path, so on a cluster every node
must see the files at the same path (a shared file system); other inputs (compressed, fsspec
URLs, standard input) are read here and sent to the tasks in blocks. Needs the ``ray`` extra.
"""

from __future__ import annotations

import collections
import logging
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from jsonl_lint import engine, line_ranges, parallel, stats
from jsonl_lint.config import Config
from jsonl_lint.problems import Problem, Report, UsageError
from jsonl_lint.source import Block, Source, lines_of
from jsonl_lint.target import Target, resolve_target

# What a task needs to rebuild the file's line checker: path, target, whether keys are made,
# the fact makers, and the format state (format, the line it was decided at).
CheckerSpec = tuple[str, Target, bool, tuple[Callable[..., Any], ...], tuple[Callable[..., Any], ...], str | None, int | None]


def _ray(jobs: int | None) -> Any:
    """Ray, joined to the cluster of ``RAY_ADDRESS`` or started on this machine with ``jobs`` CPUs."""
    try:
        import ray
    except ImportError:
        raise UsageError("--engine ray needs Ray: pip install 'jsonl-lint[ray]'") from None
    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):
            ray.init(logging_level=logging.ERROR, log_to_driver=False)
        else:
            ray.init(num_cpus=jobs or parallel.default_jobs(), include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    return ray


def _in_flight(ray: Any) -> int:
    """Tasks submitted ahead of the one waited for: two a CPU, so memory stays flat."""
    return 2 * max(1, int(ray.cluster_resources().get("CPU", 1)))


def _in_order(ray: Any, submitted: Iterator[Any]) -> Iterator[Any]:
    """The results of the tasks ``submitted`` yields, in order, a bounded number of them waiting."""
    limit = _in_flight(ray)
    pending: collections.deque[Any] = collections.deque()
    for task in submitted:
        pending.append(task)
        if len(pending) >= limit:
            yield ray.get(pending.popleft())
    while pending:
        yield ray.get(pending.popleft())


def _spec(checker: engine._LineChecker) -> CheckerSpec:
    formats = checker.formats
    return (
        checker.path,
        checker.target,
        checker.keys,
        tuple(checker.fact_makers),
        tuple(checker.tally_makers),
        formats.data_format,
        formats.decided_at,
    )


def _checker(spec: CheckerSpec) -> engine._LineChecker:
    path, target, keys, fact_makers, tally_makers, data_format, decided_at = spec
    checker = engine._LineChecker(path, target, keys=keys)
    checker.fact_makers = list(fact_makers)
    checker.tally_makers = list(tally_makers)
    checker.formats.data_format, checker.formats.decided_at = data_format, decided_at
    return checker


def _check_range_task(spec: CheckerSpec, max_line_bytes: int, start: int, end: int, first_line: int) -> tuple[Any, ...]:
    """In a Ray worker: the range checked by a checker rebuilt from ``spec``, and the format it knows after."""
    checker = _checker(spec)
    batch, lines = engine.check_range(checker, max_line_bytes, start, end, first_line)
    return batch, lines, checker.formats.data_format, checker.formats.decided_at


def _held(block: bytes) -> tuple[bytes]:
    """A block as a task's argument: in a tuple, which Ray pickles (a bare bytes it sends as plain
    bytes, and a :class:`~jsonl_lint.source.LongLine` would arrive as an empty line)."""
    return (block,)


def _check_block_task(spec: CheckerSpec, first_line: int, held: tuple[bytes]) -> tuple[Any, ...]:
    """In a Ray worker: a block read by the driver (an input no task can open: compressed, a
    pipe, an fsspec file system of the driver's process), checked as :func:`_check_range_task` does."""
    checker = _checker(spec)
    batch = engine._check_batch(checker, first_line, lines_of(held[0]))
    return batch, checker.formats.data_format, checker.formats.decided_at


class RayRanges:
    """A :class:`~jsonl_lint.engine.RangeRunner` whose ranges are Ray tasks.

    Dataset rules compare records by keys made with ``hash()`` (see :mod:`jsonl_lint.record_key`) in the workers:
    every task runs with one hash seed, drawn for this run (a fixed one would let crafted data
    collide), so keys from different workers and files compare.
    """

    def __init__(self, jobs: int | None = None) -> None:
        ray = _ray(jobs)
        self._ray = ray
        seed = str(secrets.randbelow(2**32 - 1) + 1)
        options = {"num_cpus": 1, "runtime_env": {"env_vars": {"PYTHONHASHSEED": seed}}}
        self._task = ray.remote(_check_range_task).options(**options)
        self._block_task = ray.remote(_check_block_task).options(**options)

    def _learnt(self, checker: engine._LineChecker, result: tuple[Any, ...]) -> engine.RangeResult:
        batch, lines, data_format, decided_at = result
        checker.formats.data_format, checker.formats.decided_at = data_format, decided_at
        return batch, lines

    def first(self, checker: engine._LineChecker, max_line_bytes: int, span: tuple[int, int], first_line: int) -> engine.RangeResult:
        return self._learnt(checker, self._ray.get(self._task.remote(_spec(checker), max_line_bytes, *span, first_line)))

    def rest(self, checker: engine._LineChecker, max_line_bytes: int, spans: Sequence[tuple[int, int]]) -> Iterator[engine.RangeResult]:
        spec = self._ray.put(_spec(checker))
        submitted = (self._task.remote(spec, max_line_bytes, start, end, engine.RANGE_FIRST_LINE) for start, end in spans)
        for result in _in_order(self._ray, submitted):
            yield self._learnt(checker, result)

    def _learnt_block(self, checker: engine._LineChecker, result: tuple[Any, ...]) -> engine.Batch:
        batch, data_format, decided_at = result
        checker.formats.data_format, checker.formats.decided_at = data_format, decided_at
        return batch  # type: ignore[no-any-return]

    def reads(self, source: Source, path: str) -> bool:
        return line_ranges.is_local_file(source, path) or line_ranges.is_shared_url(source, path)

    def first_block(self, checker: engine._LineChecker, first_line: int, block: bytes) -> engine.Batch:
        return self._learnt_block(checker, self._ray.get(self._block_task.remote(_spec(checker), first_line, _held(block))))

    def rest_blocks(self, checker: engine._LineChecker, blocks: Iterable[tuple[int, bytes]]) -> Iterator[engine.Batch]:
        ray = self._ray
        spec = ray.put(_spec(checker))
        submitted = (self._block_task.remote(spec, first, ray.put(_held(block))) for first, block in blocks)
        for result in _in_order(ray, submitted):
            yield self._learnt_block(checker, result)


def _count_block_task(tokenizer: str, data_format: str, first_line: int, held: tuple[bytes]) -> stats.Counts:
    return stats.count_block(tokenizer, data_format, first_line, held[0])


class RayCounts:
    """A :class:`~jsonl_lint.stats.CountRunner` whose ranges (or blocks read here) are Ray tasks.
    Counts merge exactly (per-example arrays in order, sums per role), whatever the tasks' order."""

    def __init__(self, jobs: int | None = None) -> None:
        ray = _ray(jobs)
        self._ray = ray
        self._range = ray.remote(stats.count_range).options(num_cpus=1)
        self._block = ray.remote(_count_block_task).options(num_cpus=1)

    def reads(self, source: Source, path: str) -> bool:
        return line_ranges.is_local_file(source, path) or line_ranges.is_shared_url(source, path)

    def ranges(self, job: stats.RangeJob, spans: Sequence[tuple[int, int]]) -> Iterator[stats.RangeCounts]:
        return _in_order(self._ray, (self._range.remote(job, start, end) for start, end in spans))

    def blocks(self, tokenizer: str, data_format: str, batches: Iterable[Block]) -> Iterator[stats.Counts]:
        ray = self._ray
        return _in_order(ray, (self._block.remote(tokenizer, data_format, first, ray.put(_held(block))) for first, block in batches))


def check_dataset(
    paths: Sequence[str | Path],
    settings: Target | Config | None = None,
    *,
    flags: Mapping[str, Any] | None = None,
    validation: str | None = None,
    jobs: int | None = None,
    emit: Callable[[Problem], None] | None = None,
    on_error: Callable[[UsageError], None] | None = None,
) -> list[Report]:
    """:func:`jsonl_lint.engine.check_paths` with every file's ranges checked as Ray tasks (the
    same reports). Files must be plain local files (not standard input, compressed or remote)."""
    return engine.check_paths(
        paths, settings, flags=flags, validation=validation, jobs=jobs, emit=emit, on_error=on_error, ranges=RayRanges(jobs)
    )


def stats_dataset(
    paths: Sequence[str | Path],
    settings: Target | Config | None = None,
    *,
    flags: Mapping[str, Any] | None = None,
    validation: str | None = None,
    epochs: int | None = None,
    jobs: int | None = None,
) -> stats.StatsReport:
    """:func:`jsonl_lint.stats.compute` with every file's examples counted as Ray tasks (the same
    report). ``settings``: one target for every file, or the config the first file's target is
    resolved from with ``flags`` (``model``, ``encoding``, ``max_tokens`` ...) over it (None: its
    ``[tool.jsonl-lint]``)."""
    names = [str(path) for path in paths]
    if not names:
        raise UsageError("no file to count")
    target = settings if isinstance(settings, Target) else resolve_target(names[0], flags, config=settings)
    return stats.compute(
        names, target=target, validation=validation or target.validation, epochs=epochs, jobs=jobs, counter=RayCounts(jobs)
    )
