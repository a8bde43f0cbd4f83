"""A conversion in forked worker processes: the file's byte ranges (see
:mod:`jsonl_lint.line_ranges`), each read and converted by a worker for itself, its output bytes,
rejections, warnings and counts handed back and written here in the ranges' order, so that the
output, the rejects and the summary are byte for byte those of one process.

What needs the whole file (the conventions of prompt-completion data) is decided before, and the
converter's :class:`~jsonl_lint.convert.rows.RangeJob` holds it: workers inherit it (they are
forked), nothing but a range's bounds goes to them. A worker writes its range's records to a file
of its own in a temporary folder beside the output, which the kernel appends to the output
(``copy_file_range``): sending them back through the pipe cost the parent more than converting.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import tempfile
from typing import Any

from jsonl_lint import line_ranges, parallel
from jsonl_lint.convert.foreign import Retarget
from jsonl_lint.convert.rows import ConvertOptions, Notes, RangeJob
from jsonl_lint.convert.sink import Checked, Collected, ConversionSummary, Part, RowWriter, fail_write

# A worker's unit of work: memory stays about (2 x jobs) ranges of input, and the disk holds
# about as many ranges of output beside the output, whatever the file's size.
RANGE_BYTES = parallel.RANGE_BYTES
# Below this, starting workers costs more than they save (measured on 2 cores: see the README).
MIN_BYTES = 8 << 20
FIRST_LINE = 2  # a range not at the file's start numbers its lines from here (only line 1 may hold a BOM)
_READ = 1 << 20


def wanted(jobs: int, size: int | None) -> bool:
    """Whether a file of ``size`` bytes (None: not a plain local file) is converted in ranges."""
    return jobs > 1 and size is not None and size >= MIN_BYTES


def convert(job: RangeJob | None, path: str, size: int, jobs: int, writer: RowWriter, notes: Notes, beside: str | None = None) -> None:
    """Every range of the file at ``path`` converted by ``job`` in ``jobs`` workers, into
    ``writer`` in order; again with the job's next job while it has one (a restart). The ranges'
    records wait in a temporary folder in ``beside`` (None: the system's), removed at the end."""
    with _scratch(beside) as folder:
        while job is not None:
            _convert_ranges(job, path, size, jobs, writer, folder)
            job = job.finish(notes)
            if job is not None:
                writer.restart()


@contextlib.contextmanager
def _scratch(beside: str | None) -> Any:
    try:
        folder = tempfile.TemporaryDirectory(prefix=".jsonl-lint-", dir=beside)
    except OSError as error:
        fail_write(f"a temporary folder in {beside or tempfile.gettempdir()}", error)
    with folder as name:
        yield name


def _convert_ranges(job: RangeJob, path: str, size: int, jobs: int, writer: RowWriter, folder: str) -> None:
    # the job's spans are made as the workers take them (a table's are found by reading it)
    spans = ((start, end, 1 if start == 0 else FIRST_LINE) for start, end in job.spans(path, size, RANGE_BYTES))
    work = functools.partial(_convert_range, job, path, writer.options, writer.retarget is not None, folder)
    lines_before = 0
    for index, (part, state, lines) in enumerate(parallel.map_in_order(work, spans, jobs)):
        shift = lines_before + 1 - (1 if index == 0 else FIRST_LINE)
        writer.add(part, shift)
        os.unlink(part.path)
        job.merge(state, shift)
        lines_before += lines


def _convert_range(
    job: RangeJob, path: str, options: ConvertOptions, retargeted: bool, folder: str, start: int, end: int, first_line: int
) -> tuple[Part, Any, int]:
    """In a worker: the lines that start in ``[start, end)`` converted, numbered from ``first_line``,
    their records written to a file in ``folder``; what the writer made of them, the job's state,
    and how many lines the range holds."""
    part = job.part()
    events = Collected()
    retarget = Retarget(options) if retargeted else None
    records = os.path.join(folder, f"{start}.jsonl")
    with line_ranges.open_range(path, start, end) as reader:
        if part.streamed:  # it reads the range as it converts it (a table's may be the whole file)
            lines: Any = reader
        else:
            lines = io.BytesIO(b"".join(iter(functools.partial(reader.read, _READ), b"")))
        try:
            with open(records, "wb") as out:
                writer = RowWriter(Checked(out, "a temporary file"), events, ConversionSummary(source=""), options, retarget)
                writer.write(part.rows(lines, first_line))
        except OSError as error:
            fail_write("a temporary file", error)
    conversion = retarget.conversion.counts if retarget is not None else None
    return Part(records, events.events, writer.summary, writer.escapes, conversion), part.state(), reader.lines
