"""Write a file completely or not at all, and never over an input.

:func:`atomic_write` writes a temporary file beside the target and renames it over the target
on success; on any error the temporary file is removed and the target is untouched. A symbolic
link is written through (its target is replaced, the link stays). Errors of its own name the
target, never the temporary file.

A target that exists and is not a regular file (a device such as /dev/null, a named pipe, a
socket) is written to directly: a rename would put a plain file in place of the device node
(as root, in /dev), and the bytes would never reach the reader of the pipe. There is nothing
to keep whole there, and a write the device refuses (/dev/full) is still an error naming it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TextIO, overload

from jsonl_lint.problems import UsageError


@overload
def atomic_write(path: str | Path, *, binary: Literal[True] = ...) -> contextlib.AbstractContextManager[BinaryIO]: ...
@overload
def atomic_write(path: str | Path, *, binary: Literal[False]) -> contextlib.AbstractContextManager[TextIO]: ...


def atomic_write(path: str | Path, *, binary: bool = True) -> contextlib.AbstractContextManager[Any]:
    """Open a temporary file next to ``path``; on a clean exit it replaces ``path`` (keeping an
    existing file's permissions), on an exception it is removed and ``path`` is untouched.
    A device, named pipe or socket is written to directly (see the module's docstring).
    A failure to create, flush or rename is a UsageError naming ``path``."""
    if writes_through(path):
        return _written_through(path, binary=binary)
    return _atomic_write(path, binary=binary)


def writes_through(path: str | Path) -> bool:
    """Whether ``path`` is a device, a named pipe or a socket (through any symbolic links), which
    :func:`atomic_write` writes to directly, never to a file renamed over it."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False  # no such file yet (or not one to look at): the temporary file's way says why not
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextlib.contextmanager
def _written_through(path: str | Path, *, binary: bool) -> Iterator[IO[Any]]:
    # the name as given, not os.path.realpath's: /dev/stdout must open the process's own output
    try:
        handle = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    except OSError as error:
        raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None
    out: IO[Any] = os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8", newline="")
    try:
        yield out
    except BaseException:
        with contextlib.suppress(OSError):  # bytes still buffered fail again: the first error stands
            out.close()
        raise
    try:
        out.close()  # what is still buffered reaches the device here, or fails here
    except OSError as error:
        raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None


@contextlib.contextmanager
def _atomic_write(path: str | Path, *, binary: bool) -> Iterator[IO[Any]]:
    import tempfile  # here: it loads shutil, random and the compressors, which a check without --output-file does not need

    target = Path(os.path.realpath(path))  # through a symlink: replace what it points at
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        out: IO[Any] = os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8", newline="")
        with out:
            yield out
            try:
                out.flush()
                os.fsync(out.fileno())
            except OSError as error:
                raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None
        try:
            mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
            os.chmod(temporary, mode)
            os.replace(temporary, target)
        except OSError as error:
            raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def refuse_overwriting(outputs: Iterable[str | None], inputs: Iterable[str | None]) -> None:
    """UsageError (exit 2) if an output names an input, or another output: by name, or through
    a symbolic or hard link (the same file on disk). ``-`` and None are skipped."""
    named = [str(p) for p in inputs if p and p != "-"]
    seen: list[str] = []
    for output in outputs:
        if not output or output == "-":
            continue
        for other in named:
            if _same_file(output, other):
                link = "" if os.path.abspath(output) == os.path.abspath(other) else f" ({other}, through a link)"
                raise UsageError(f"{output}: is an input file{link}; refusing to overwrite it")
        for other in seen:
            if _same_file(output, other):
                raise UsageError(f"{output}: is also named as another output ({other})")
        seen.append(output)


def _same_file(a: str, b: str) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False  # one does not exist yet: not the same file


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
