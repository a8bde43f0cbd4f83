"""The one writer of ``convert``: records to the output (atomically), rejections and warnings
spooled and reported at the end, every write checked; rows converted here, or range by range
in worker processes for a large file."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import IO

import orjson

from jsonl_lint import parallel
from jsonl_lint.atomic import atomic_write, writes_through
from jsonl_lint.convert import ranges
from jsonl_lint.convert.foreign import Retarget, describe
from jsonl_lint.convert.inputs import Input
from jsonl_lint.convert.registry import REGISTRY, detect_source
from jsonl_lint.convert.rows import ConvertOptions, Flagged, Notes, Rejected
from jsonl_lint.convert.sink import Checked, ConversionSummary, RowWriter, Spool, fail_write
from jsonl_lint.problems import UsageError

__all__ = ["ConversionSummary", "convert_file", "refuse_overwrites"]


@contextlib.contextmanager
def _output(path: str) -> Iterator[Checked]:
    """The output, written completely or not at all: a file atomically (its temporary file is
    removed on any error); standard output, or a device or a pipe, from a temporary file once
    complete, so that a conversion can start over (:class:`Restart`) whatever the output."""
    in_body = True
    try:
        if path == "-" or writes_through(path):
            with tempfile.TemporaryFile() as spool:
                yield Checked(spool, "a temporary file")
                in_body = False
                spool.seek(0)
                if path == "-":
                    _copy(spool, Checked(sys.stdout.buffer, path))
                    try:
                        sys.stdout.buffer.flush()
                    except OSError as error:
                        fail_write(path, error)
                else:
                    with atomic_write(path) as device:  # written straight to it
                        _copy(spool, Checked(device, path))
        else:
            with atomic_write(path) as out_file:
                yield Checked(out_file, path)
                in_body = False
    except OSError as error:
        if in_body:
            raise
        fail_write(path, error)


def _copy(spool: IO[bytes], out: Checked) -> None:
    while block := spool.read(1 << 20):
        out.write(block)


def _folder_of(output_path: str) -> str | None:
    """Where a conversion's temporary files go: beside the output (the same file system, where
    the kernel copies fastest), the system's temporary folder for standard output or a device
    (whose output is spooled there: see :func:`_output`)."""
    return None if output_path == "-" or writes_through(output_path) else os.path.dirname(os.path.realpath(output_path))


def _same_file(a: str, b: str) -> bool:
    with contextlib.suppress(OSError):
        if os.path.samefile(a, b):  # through symbolic and hard links
            return True
    return os.path.realpath(a) == os.path.realpath(b)


def refuse_overwrites(input_path: str, output_path: str, rejects_path: str | None) -> None:
    """Exit 2 when an output would overwrite the input, or the rejects the output."""
    for other in (output_path, rejects_path):
        if other and other != "-" and input_path != "-" and _same_file(input_path, other):
            raise UsageError(f"{other}: is the input file; convert never overwrites its input")
    if rejects_path and rejects_path != "-" and output_path != "-" and _same_file(output_path, rejects_path):
        raise UsageError(f"{rejects_path}: is also the output (-o); name another file for --rejects")
    if rejects_path == "-" and output_path == "-":
        raise UsageError("--rejects - and -o - would mix rejects into the output; name a file for one of them")


def convert_file(
    input_path: str,
    output_path: str,
    *,
    rejects_path: str | None = None,
    options: ConvertOptions | None = None,
    on_reject: Callable[[Rejected], None] | None = None,
    on_flag: Callable[[Flagged], None] | None = None,
    jobs: int | None = None,
) -> ConversionSummary:
    """Convert ``input_path`` ("-": standard input) to chat JSONL at ``output_path`` ("-":
    standard output). The output appears only complete. Rejected rows are spooled, then written
    to ``rejects_path`` (JSONL: line, text, reason; only when a row was rejected) and passed to
    ``on_reject`` at the end, as the rows converted but flagged are to ``on_flag``: a conversion
    that starts over (:class:`Restart`) reports each of them once. A large local file is
    converted in ``jobs`` worker processes (None: one per core), into the same bytes."""
    options = options or ConvertOptions()
    refuse_overwrites(input_path, output_path, rejects_path)
    jobs = parallel.default_jobs() if jobs is None else jobs
    with Input(input_path) as source:
        name = options.source or detect_source(input_path, source.head())
        notes = Notes()
        summary = ConversionSummary(source=name)
        retarget = Retarget(options) if options.to != "openai" else None
        size = source.file_size()
        make_job = REGISTRY[name].ranges
        job = make_job(source, options) if make_job is not None and ranges.wanted(jobs, size) else None
        with tempfile.TemporaryFile() as spool_file:
            spool = Checked(spool_file, "a temporary file")
            with _output(output_path) as out:
                writer = RowWriter(out, Spool(spool), summary, options, retarget)
                if job is not None and size is not None:
                    ranges.convert(job, input_path, size, jobs, writer, notes, _folder_of(output_path))
                else:
                    writer.write(REGISTRY[name].convert(source, options, notes))
            writer.escapes.describe(notes, options.unescape)
            spool_file.seek(0)
            if rejects_path and summary.rejected:
                with _output(rejects_path) as rejects:
                    for line in spool_file:
                        if line.startswith(b"R"):
                            rejects.write(line[1:])
                spool_file.seek(0)
            elif rejects_path and rejects_path != "-" and os.path.isfile(rejects_path):
                os.unlink(rejects_path)  # an old list would say rows of this output were rejected
                notes.add(f"no row rejected: the old {rejects_path} removed")
            for line in spool_file:
                item = orjson.loads(line[1:]) if line[:1] == b"W" else None
                if item is not None and on_flag is not None:
                    on_flag(Flagged(item["line"], item["message"]))
                elif item is None and on_reject is not None:
                    reject = orjson.loads(line[1:])
                    on_reject(Rejected(reject["line"], reject["text"], reject["reason"]))
    if retarget is not None:
        describe(retarget.conversion, notes)
    if summary.blanks:
        named = ", ".join(map(str, summary.blank_lines)) + (" ..." if summary.blanks > len(summary.blank_lines) else "")
        notes.lines.insert(
            0, f"{summary.blanks} blank line{'s' if summary.blanks != 1 else ''} skipped (line{'s' if summary.blanks != 1 else ''} {named})"
        )
    summary.notes = notes.lines
    return summary
