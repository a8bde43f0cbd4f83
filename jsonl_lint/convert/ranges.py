"""A conversion in forked worker processes: the file's byte ranges (see
:mod:`jsonl_lint.line_ranges`), each read and converted by a worker for itself, its output bytes,
rejections, warnings and counts handed back and written here in the ranges' order, so that the
output, the rejects and the summary are byte for byte those of one process.

What needs the whole file (the conventions of prompt-completion data) is decided before, and the
converter's :class:`~jsonl_lint.convert.rows.RangeJob` holds it: workers inherit it (they are
forked), nothing but a range's bounds goes to them.
"""

from __future__ import annotations

import functools
import io
from typing import Any

from jsonl_lint import line_ranges, parallel
from jsonl_lint.convert.foreign import Retarget
from jsonl_lint.convert.rows import ConvertOptions, Notes, RangeJob
from jsonl_lint.convert.sink import Checked, Collected, ConversionSummary, Part, RowWriter

# A worker's unit of work. Its output comes back through a pipe and is held until written, so
# memory stays about (2 x jobs) ranges of input and output whatever the file's size.
RANGE_BYTES = parallel.RANGE_BYTES
# Below this, starting workers costs more than they save (measured on 2 cores: see the README).
MIN_BYTES = 8 << 20
FIRST_LINE = 2  # a range not at the file's start numbers its lines from here (only line 1 may hold a BOM)
_READ = 1 << 20


def wanted(jobs: int, size: int | None) -> bool:
    """Whether a file of ``size`` bytes (None: not a plain local file) is converted in ranges."""
    return jobs > 1 and size is not None and size >= MIN_BYTES


def convert(job: RangeJob | None, path: str, size: int, jobs: int, writer: RowWriter, notes: Notes) -> None:
    """Every range of the file at ``path`` converted by ``job`` in ``jobs`` workers, into
    ``writer`` in order; again with the job's next job while it has one (a restart)."""
    while job is not None:
        _convert_ranges(job, path, size, jobs, writer)
        job = job.finish(notes)
        if job is not None:
            writer.restart()


def _convert_ranges(job: RangeJob, path: str, size: int, jobs: int, writer: RowWriter) -> None:
    spans = [(start, end, 1 if start == 0 else FIRST_LINE) for start, end in line_ranges.spans(size, RANGE_BYTES)]
    work = functools.partial(_convert_range, job, path, writer.options, writer.retarget is not None)
    lines_before = 0
    for (part, state, lines), (_, _, first_line) in zip(parallel.map_in_order(work, spans, jobs), spans):
        shift = lines_before + 1 - first_line
        writer.add(part, shift)
        job.merge(state, shift)
        lines_before += lines


def _convert_range(
    job: RangeJob, path: str, options: ConvertOptions, retargeted: bool, start: int, end: int, first_line: int
) -> tuple[Part, Any, int]:
    """In a worker: the lines that start in ``[start, end)`` converted, numbered from ``first_line``;
    what the writer made of them, the job's state, and how many lines the range holds."""
    with line_ranges.open_range(path, start, end) as reader:
        data = b"".join(iter(functools.partial(reader.read, _READ), b""))
    part = job.part()
    buffer = io.BytesIO()
    events = Collected()
    retarget = Retarget(options) if retargeted else None
    writer = RowWriter(Checked(buffer, "a buffer"), events, ConversionSummary(source=""), options, retarget)
    writer.write(part.rows(io.BytesIO(data), first_line))
    conversion = retarget.conversion.counts if retarget is not None else None
    return Part(buffer.getvalue(), events.events, writer.summary, writer.escapes, conversion), part.state(), reader.lines
