"""SIGTERM stops a run as Ctrl-C does: what `timeout`, `kill`, a cancelled CI job or a stopped
container send. Left to its default, SIGTERM ended the process on the spot: a half-written
output's temporary file and the workers' folder stayed beside the output, and the workers,
blocked on a queue whose other end they hold too, waited for ever.

The CLI turns SIGTERM into :class:`Terminated`, a KeyboardInterrupt (so every guard that lets
an interrupt through lets it through, and every clean-up runs); workers block SIGTERM, so that
only the parent stops them, by shutting its pool down as it unwinds.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

EXIT_TERMINATED = 128 + signal.SIGTERM  # what a shell reports for a process SIGTERM ended


class Terminated(KeyboardInterrupt):
    """The run received SIGTERM."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut the clean-up short
    raise Terminated


@contextlib.contextmanager
def stopping_on_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (in the main thread only: a signal
    handler can be set nowhere else); the previous handler is back after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def block_in_worker() -> None:
    """In a worker forked by a run that stops on SIGTERM: SIGTERM waits, the parent shuts the
    worker down (a library caller's workers keep the default)."""
    if signal.getsignal(signal.SIGTERM) is _raise_terminated:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Within the block, SIGTERM waits (it arrives after it) when the run stops on it: workers
    forked in the block start with it blocked, before they could take it themselves."""
    if signal.getsignal(signal.SIGTERM) is not _raise_terminated:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
