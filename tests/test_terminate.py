"""SIGTERM (`timeout`, `kill`, a cancelled CI job) stops a run as Ctrl-C does: exit 143, one line
on stderr, no temporary file or folder beside the output, no worker left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import TEST_ENCODING
from jsonl_lint import terminate

TESTS = Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists() or not hasattr(os, "fork"), reason="needs fork and /proc (Linux)")

# The CLI in a child whose workers take 0.2 s a range (ranges of 64 KB, workers from any size):
# a run that lasts seconds on a small file, so the signal always lands mid-run.
SLOW_CLI = """
import sys, time
from jsonl_lint import parallel
from jsonl_lint.convert import ranges
parallel.PARALLEL_MIN_BYTES, parallel.RANGE_BYTES = 0, 64 << 10
ranges.MIN_BYTES, ranges.RANGE_BYTES = 0, 64 << 10
run = parallel._run
def slow(*item):
    time.sleep(0.2)
    return run(*item)
parallel._run = slow
from jsonl_lint.cli import main
sys.exit(main(sys.argv[1:]))
"""


def dataset(path: Path, n: int = 4000) -> Path:
    line = {"messages": [{"role": "user", "content": "Tell me about item " + "x" * 300}, {"role": "assistant", "content": "It is fine."}]}
    path.write_text("".join(json.dumps(line).replace("item", f"item {i}") + "\n" for i in range(n)))
    return path


def in_session(session: int) -> list[int]:
    """The processes of session ``session`` (what a run started: its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[3]) == session and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def terminated(
    args: list[str], started: Path | None, folder: Path, *, script: str = SLOW_CLI, group: bool = False, settle: float = 0.3
) -> tuple[int, str]:
    """Run the CLI (``script``), send it SIGTERM (``group``: to every process of its session) once
    ``started`` exists (else after a second) and ``settle`` seconds more, and return its exit code
    and stderr; nothing of its session may be left running."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}  # the test encoding
    child = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    if started is None:
        time.sleep(1)
    while started is not None and time.monotonic() < deadline and child.poll() is None and not any(folder.glob(started.name)):
        time.sleep(0.01)
    time.sleep(settle)  # the workers are at work
    assert child.poll() is None, "the run ended before it could be signalled"
    if group:
        os.killpg(child.pid, signal.SIGTERM)
    else:
        child.send_signal(signal.SIGTERM)
    try:
        _, stderr = child.communicate(timeout=30)  # (workers left running hold stderr open: a timeout)
    finally:
        time.sleep(0.2)
        left = in_session(child.pid)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
    assert left == [], "workers left running"
    return child.returncode, stderr.decode()


def test_convert_stops_on_sigterm_and_leaves_nothing(tmp_path: Path) -> None:
    source = dataset(tmp_path / "in.jsonl")
    code, stderr = terminated(
        ["convert", "--from", "chat", "--to", "gemini", "--jobs", "2", "in.jsonl", "-o", "out.jsonl"], tmp_path / ".jsonl-lint-*", tmp_path
    )
    assert code == terminate.EXIT_TERMINATED == 143
    assert stderr.strip().splitlines()[-1] == "jsonl-lint: terminated (SIGTERM)" and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [source.name]  # no output, no temporary file, no workers' folder


def test_report_stops_on_sigterm_and_leaves_nothing(tmp_path: Path) -> None:
    dataset(tmp_path / "in.jsonl")
    code, stderr = terminated(["report", "--jobs", "2", "--encoding", TEST_ENCODING, "in.jsonl", "-o", "page.html"], None, tmp_path)
    assert code == 143 and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_check_stops_on_sigterm(tmp_path: Path) -> None:
    dataset(tmp_path / "in.jsonl")
    code, stderr = terminated(["check", "--jobs", "2", "in.jsonl"], None, tmp_path)
    assert code == 143 and stderr.strip().splitlines()[-1] == "jsonl-lint: terminated (SIGTERM)"


def test_the_handler_is_the_cli_s_alone() -> None:
    """A library caller keeps its own SIGTERM handling: the CLI's is set for its run only, and
    workers block SIGTERM only under it."""
    before = signal.getsignal(signal.SIGTERM)
    with terminate.stopping_on_sigterm():
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before


# The CLI in a child: checking a file named slow*.jsonl takes 2 s, and writes a mark first.
SLOW_FILE_CLI = """
import sys, time
from jsonl_lint import engine
check_path = engine._check_path
def slow(name, *args, **kwargs):
    if name.startswith("slow"):
        open("started.mark", "w").close()
        time.sleep(2)
    return check_path(name, *args, **kwargs)
engine._check_path = slow
from jsonl_lint.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_to_the_whole_group_stops_several_small_files_quietly(tmp_path: Path) -> None:
    """What `timeout` does: SIGTERM to every process of the run. Small files are checked in a
    pool of forked workers; one of them, idle, took the signal and printed a traceback."""
    names = ["a.jsonl", "b.jsonl", "slow.jsonl"]
    for name in names:
        dataset(tmp_path / name, 50)
    code, stderr = terminated(["check", "--jobs", "2", *names], tmp_path / "started.mark", tmp_path, script=SLOW_FILE_CLI, group=True)
    assert code == 143 and stderr.strip().splitlines() == ["jsonl-lint: terminated (SIGTERM)"]


# The CLI in a child whose workers take a second between their fork and their initializer.
SLOW_START_CLI = """
import sys, time
from jsonl_lint import parallel
parallel.PARALLEL_MIN_BYTES, parallel.RANGE_BYTES = 0, 64 << 10
set_work = parallel._set_work
def slow(work):
    open("forked.mark", "w").close()
    time.sleep(1)
    set_work(work)
parallel._set_work = slow
from jsonl_lint.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_worker_signalled_before_its_initializer_stays_quiet(tmp_path: Path) -> None:
    """SIGTERM to the whole run just as the workers fork: they are forked with it blocked (they
    blocked it in their initializer, and one signalled before printed a traceback)."""
    dataset(tmp_path / "in.jsonl")
    code, stderr = terminated(
        ["check", "--jobs", "2", "in.jsonl"], tmp_path / "forked.mark", tmp_path, script=SLOW_START_CLI, group=True, settle=0.2
    )
    assert code == 143 and stderr.strip().splitlines() == ["jsonl-lint: terminated (SIGTERM)"]
