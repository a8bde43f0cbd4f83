"""Work on parts of a file in forked worker processes, results in input order.

The checker and ``stats`` send byte ranges of files (each worker reads its own, see
:mod:`jsonl_lint.line_ranges`), and blocks of lines of what only this process can read (standard
input, compressed or remote inputs); conversion does not: its work per byte is too light to pay
for the pipes. At most two items per worker are in flight, so memory stays flat whatever the file
size. Workers are forked: they inherit the parent's state (compiled validators, the work
function, the hash seed), so nothing but the items and results crosses the pipe.
"""

from __future__ import annotations

import collections
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from jsonl_lint import source, terminate

if TYPE_CHECKING:
    import concurrent.futures

Result = TypeVar("Result")

BATCH_BYTES = 2 << 20  # blocks() for callers that read a stream themselves (convert)
RANGE_BYTES = 2 << 20  # a worker's unit of work: the cost of a task is small beside checking this many bytes
PARALLEL_MIN_BYTES = 16 << 20  # below this, starting workers costs more than they save (measured: none at 8 MB on 2 cores)

_work: Callable[..., Any] | None = None  # in a worker: the work it was started with

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


def _set_work(work: Callable[..., Any]) -> None:
    global _work
    _work = work
    terminate.block_in_worker()  # SIGTERM is the parent's to act on: it shuts the pool down


def _run(*item: Any) -> Any:
    assert _work is not None
    return _work(*item)


def map_blocks(work: Callable[[int, Iterable[bytes]], Result], batches: Iterable[tuple[int, bytes]], jobs: int) -> Iterator[Result]:
    """``work(first_line, lines)`` for every block, in forked workers (here with one job),
    yielded in input order."""
    if jobs <= 1:
        return (work(first_line, lines_of(block)) for first_line, block in batches)
    return map_in_order(lambda first_line, block: work(first_line, lines_of(block)), batches, jobs)


def map_in_order(work: Callable[..., Result], items: Iterable[tuple[Any, ...]], jobs: int) -> Iterator[Result]:
    """``work(*item)`` for every item, in ``jobs`` forked workers (here with one job), yielded in
    input order. Items and results are pickled; the work itself is inherited, never sent."""
    if jobs <= 1:
        yield from (work(*item) for item in items)
        return
    import concurrent.futures  # here: a run with one job starts without them
    import multiprocessing

    pending: collections.deque[concurrent.futures.Future[Result]] = collections.deque()
    # Each worker is handed the work as it starts (forked: inherited, not pickled), never through
    # a global of this process that another run's clean-up could clear.
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context, initializer=_set_work, initargs=(work,)) as pool:
        for item in items:
            with terminate.held():  # the first submit forks the workers
                pending.append(pool.submit(_run, *item))
            if len(pending) >= 2 * jobs:  # at most two items a worker in flight: memory stays flat
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
