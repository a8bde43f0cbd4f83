"""Blocks of a file's lines through forked worker processes, results in input order.

The checker and ``stats`` use it for large files (conversion does not: its work per byte is
too light to pay for the pipes). At most two blocks per worker are in flight, so memory stays
flat whatever the file size. Workers are forked: they inherit the parent's state (compiled
validators, the work function, the hash seed), so nothing but lines and results crosses the
pipe. Blocks come from :mod:`jsonl_lint.source`.
"""

from __future__ import annotations

import collections
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from jsonl_lint import source

if TYPE_CHECKING:
    import concurrent.futures

Result = TypeVar("Result")

BATCH_BYTES = 2 << 20  # blocks() for callers that read a stream themselves (convert)
PARALLEL_MIN_BYTES = 4 * source.BLOCK_BYTES  # below this, starting workers costs more than they save

_work: Callable[[int, Iterable[bytes]], Any] | None = None  # the forked workers' copy of the work

lines_of = source.lines_of


def default_jobs() -> int:
    """Worker processes: every core, where fork is available (one process elsewhere)."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return 1
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def blocks(stream: BinaryIO, first_line: int = 1) -> Iterator[tuple[int, bytes]]:
    """(number of the first line, whole lines as one bytes) of ``stream``, without a line limit.

    One bytes a block, not a list of lines: pickling thousands of small objects to a worker
    costs more than the work on them. Prefer :meth:`jsonl_lint.source.Source.blocks`.
    """
    return source.split_blocks(stream.read, first_line=first_line, block_bytes=BATCH_BYTES)


def _run(first_line: int, block: bytes) -> Any:
    assert _work is not None
    return _work(first_line, lines_of(block))


def map_blocks(work: Callable[[int, Iterable[bytes]], Result], batches: Iterable[tuple[int, bytes]], jobs: int) -> Iterator[Result]:
    """``work(first_line, lines)`` for every block, in forked workers (here with one job),
    yielded in input order."""
    if jobs <= 1:
        yield from (work(first_line, lines_of(block)) for first_line, block in batches)
        return
    import concurrent.futures  # here: a run with one job starts without them
    import multiprocessing

    global _work
    _work = work
    pending: collections.deque[concurrent.futures.Future[Result]] = collections.deque()
    try:
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            for first_line, block in batches:
                pending.append(pool.submit(_run, first_line, block))
                if len(pending) >= 2 * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    finally:
        _work = None
