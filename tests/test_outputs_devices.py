"""An output that is a device, a named pipe or a socket is written to directly: never replaced by
a plain file (as root, a rename would put one in place of /dev/null), its write errors a clear
UsageError (/dev/full), a pipe's reader given exactly the bytes.

As root the devices are nodes of /dev/null's and /dev/full's own devices made in the test's
folder, so that a regression replaces those, never the machine's; otherwise the real ones (which
a user who is not root cannot replace)."""

from __future__ import annotations

import errno
import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from jsonl_lint import parallel
from jsonl_lint.atomic import atomic_write
from jsonl_lint.cli import main
from jsonl_lint.convert import ranges
from jsonl_lint.problems import UsageError

GOOD = b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n'
FULL = "No space left on device"


def device(tmp_path: Path, name: str) -> Path:
    """The character device /dev/``name``: a node of it in ``tmp_path`` as root, else itself."""
    real = Path("/dev") / name
    if not real.exists() or not stat.S_ISCHR(real.stat().st_mode):
        pytest.skip(f"needs the character device {real}")
    if os.geteuid() != 0:
        return real
    node = tmp_path / name
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, real.stat().st_rdev)
        os.close(os.open(node, os.O_WRONLY))
    except OSError as error:  # no CAP_MKNOD, or a file system mounted nodev: not the real one as root
        pytest.skip(f"cannot make a device node in the test's folder: {error.strerror}")
    return node


@pytest.fixture
def null(tmp_path: Path) -> Iterator[Path]:
    path = device(tmp_path, "null")
    yield path
    assert stat.S_ISCHR(path.lstat().st_mode)


@pytest.fixture
def full(tmp_path: Path) -> Iterator[Path]:
    path = device(tmp_path, "full")
    yield path
    assert stat.S_ISCHR(path.lstat().st_mode)


def others_in(folder: Path, *known: Path) -> list[str]:
    """What the folder holds besides ``known`` (a temporary file left would be here)."""
    return sorted(p.name for p in folder.iterdir() if p not in known)


class Reader:
    """A named pipe in ``folder`` and a thread reading all of it."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "pipe"
        os.mkfifo(self.path)
        self.data = b""
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with open(self.path, "rb") as pipe:
            self.data = pipe.read()

    def received(self) -> bytes:
        self._thread.join(timeout=60)
        assert not self._thread.is_alive()
        assert stat.S_ISFIFO(self.path.lstat().st_mode)
        return self.data


@pytest.mark.parametrize("binary", [True, False])
def test_a_null_device_is_written_through_and_stays_a_device(tmp_path: Path, null: Path, binary: bool) -> None:
    if binary:
        with atomic_write(null) as out:
            out.write(GOOD * 1000)
    else:
        with atomic_write(null, binary=False) as text:
            text.write(GOOD.decode() * 1000)
    link = tmp_path / "link"
    link.symlink_to(null)
    with atomic_write(link) as out:
        out.write(GOOD)
    assert link.is_symlink() and os.readlink(link) == str(null)
    assert others_in(tmp_path, null, link) == []


def test_a_named_pipe_receives_exactly_the_bytes(tmp_path: Path) -> None:
    reader = Reader(tmp_path)
    data = bytes(range(256)) * 1000  # more than a pipe holds: written while it is read
    with atomic_write(reader.path) as out:
        out.write(data)
    assert reader.received() == data
    assert others_in(tmp_path, reader.path) == []


def test_a_full_device_is_a_usage_error_naming_it(tmp_path: Path, full: Path) -> None:
    with pytest.raises(UsageError) as raised, atomic_write(full) as out:
        out.write(GOOD)  # buffered: the device refuses it when flushed, at the end
    assert str(raised.value) == f"{full}: cannot write: {FULL}"
    assert others_in(tmp_path, full) == []


def test_an_error_inside_the_block_is_the_one_raised_and_the_device_stays(tmp_path: Path, full: Path) -> None:
    with pytest.raises(KeyError) as raised, atomic_write(full) as out:
        out.write(GOOD)  # still buffered: closing fails too, unsaid
        raise KeyError("mine")
    assert raised.value.args == ("mine",) and raised.value.__context__ is None
    with pytest.raises(OSError) as failed, atomic_write(full) as out:
        out.write(GOOD * 100_000)  # more than the buffer: the device refuses it here, the caller's to report
    assert failed.value.errno == errno.ENOSPC and not isinstance(failed.value, UsageError)
    assert others_in(tmp_path, full) == []


def test_a_directory_is_still_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(UsageError, match=r"folder: cannot write: Is a directory$"), atomic_write(folder) as out:
        out.write(GOOD)
    assert folder.is_dir() and others_in(tmp_path, folder) == []


def test_a_socket_is_refused_and_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a short name: socket paths are limited to about 100 bytes
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("s")
        with pytest.raises(UsageError, match=r"^s: cannot write: "), atomic_write("s") as out:
            out.write(GOOD)
        assert stat.S_ISSOCK(os.lstat("s").st_mode)


COMMANDS: dict[str, Callable[[Path, str], list[str]]] = {
    "convert -o": lambda data, out: ["convert", str(data), "-o", out],
    "convert --rejects": lambda data, out: ["convert", str(data), "-o", str(data.parent / "o.jsonl"), "--rejects", out],
    "check --output-file": lambda data, out: ["check", "--output-file", out, str(data)],
    "split --train": lambda data, out: ["split", str(data), "--train", out, "--validation", str(data.parent / "v.jsonl")],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_full_device_is_one_line_and_exit_2(tmp_path: Path, full: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    data = tmp_path / "in.jsonl"
    data.write_bytes(GOOD * 3 + b"{bad\n")
    assert main(COMMANDS[command](data, str(full))) == 2
    assert capsys.readouterr().err == f"jsonl-lint: {full}: cannot write: {FULL}\n"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_null_device_takes_any_output(tmp_path: Path, null: Path, command: str) -> None:
    data = tmp_path / "in.jsonl"
    data.write_bytes(GOOD * 3 + b"{bad\n")
    assert main(COMMANDS[command](data, str(null))) in (0, 1)  # 1: check found the bad line


def test_convert_in_workers_to_a_pipe_or_a_device_writes_what_one_process_writes(
    tmp_path: Path, null: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ranges of a few rows, and a start that does not share the whole file's conventions: the
    # conversion starts over (what a device or a pipe cannot do: the output waits in a spool).
    rows = [{"prompt": f"q{i} ->", "completion": f" a{i} END"} for i in range(3)]
    rows += [{"prompt": f"q{i}\n\n###\n\n", "completion": f" a{i} END"} for i in range(40)]
    data = tmp_path / "in.jsonl"
    data.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    assert main(["convert", str(data), "-o", str(tmp_path / "one.jsonl"), "--jobs", "1"]) == 0
    monkeypatch.setattr(parallel, "BATCH_BYTES", 100)
    monkeypatch.setattr(ranges, "MIN_BYTES", 0)
    monkeypatch.setattr(ranges, "RANGE_BYTES", 64)
    calls: list[str | None] = []
    run = ranges.convert
    monkeypatch.setattr(ranges, "convert", lambda *args: calls.append(args[-1]) or run(*args))
    reader = Reader(tmp_path)
    assert main(["convert", str(data), "-o", str(reader.path), "--jobs", "2"]) == 0
    assert reader.received() == (tmp_path / "one.jsonl").read_bytes()
    assert main(["convert", str(data), "-o", str(null), "--jobs", "2"]) == 0
    assert calls == [None, None]  # in workers, their ranges in the system's temporary folder, not beside the device
    assert others_in(tmp_path, data, null, reader.path) == ["one.jsonl"]


def test_convert_to_dev_stdout_writes_to_the_pipe_it_names(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_bytes(GOOD)
    result = subprocess.run(
        [sys.executable, "-m", "jsonl_lint", "convert", str(data), "-o", "/dev/stdout"], capture_output=True, timeout=120, check=False
    )
    assert (result.returncode, result.stdout) == (0, orjson.dumps(orjson.loads(GOOD)) + b"\n")
    assert others_in(tmp_path, data) == []
