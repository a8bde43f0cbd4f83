"""A baseline: today's problems recorded, so that a check fails only on new ones.

A problem's fingerprint is its file, its rule code, a hash of its record's line and its JSON
path: not its line number (lines move when others are inserted or removed) and not its message
(which may name other lines). Equal fingerprints are counted, so two copies of a bad record in
the baseline allow two. Problems are matched as they stream by: the file is read a second time,
forward only, to hash the line of each problem (problems come in line order within a file).

The file is JSON: ``{"version": 1, "problems": [{"path", "code", "record", "json_path",
"count"}...]}``, sorted, so that it diffs well in review.
"""

from __future__ import annotations

import collections
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jsonl_lint.atomic import atomic_write
from jsonl_lint.problems import Problem, UsageError
from jsonl_lint.reader import strip_line_ending
from jsonl_lint.source import Source

VERSION = 1
Fingerprint = tuple[str, str, str, str]  # path, code, record hash ("" for a file-level problem), JSON path


def _relative(path: str) -> str:
    """The path as the baseline keeps it: relative to the working directory, with slashes."""
    return Path(os.path.relpath(os.path.abspath(path))).as_posix()


def record_hash(raw: bytes) -> str:
    import hashlib  # here: a check without a baseline starts without OpenSSL

    return hashlib.blake2b(strip_line_ending(raw), digest_size=8).hexdigest()


class LineHashes:
    """The hash of line N of each file, read forward once (problems arrive in line order)."""

    def __init__(self) -> None:
        self._path: str | None = None
        self._lines: Iterator[tuple[int, bytes]] | None = None
        self._source: Source | None = None
        self._at: tuple[int, str] = (0, "")

    def of(self, path: str, line: int | None) -> str:
        if line is None:
            return ""
        if path != self._path or line < self._at[0]:
            self.close()
            if path in ("-", "<stdin>"):
                raise UsageError("a baseline cannot be used with standard input (its lines cannot be read again)")
            self._source = Source.open(path)
            self._lines, self._path, self._at = self._source.lines(), path, (0, "")
        assert self._lines is not None
        while self._at[0] < line:
            number, raw = next(self._lines, (line, b""))
            self._at = (number, record_hash(raw))
        return self._at[1]

    def close(self) -> None:
        if self._source is not None:
            self._source.close()
        self._source = self._lines = None
        self._path = None


@dataclass
class Comparison:
    """How a run compares with its baseline: counts of new, still present (remaining) and fixed
    problems, the last known once the run is over."""

    new: int = 0
    remaining: int = 0
    left: collections.Counter[Fingerprint] = field(default_factory=collections.Counter)  # in the baseline, not seen (yet)

    @property
    def fixed(self) -> int:
        return sum(self.left.values())


class BaselineFilter:
    """Passes on only the problems that are not in the baseline (``emit``), counting the rest."""

    def __init__(self, known: collections.Counter[Fingerprint], emit: Callable[[Problem], None]) -> None:
        self.comparison = Comparison(left=collections.Counter(known))
        self._emit = emit
        self._hashes = LineHashes()

    def problem(self, problem: Problem) -> None:
        fingerprint = fingerprint_of(problem, self._hashes)
        if self.comparison.left[fingerprint] > 0:
            self.comparison.left[fingerprint] -= 1
            self.comparison.remaining += 1
            return
        self.comparison.new += 1
        self._emit(problem)

    def close(self) -> None:
        self._hashes.close()
        self.comparison.left = +self.comparison.left  # drop the zero counts


class BaselineRecorder:
    """Counts every problem's fingerprint, for :func:`write`."""

    def __init__(self) -> None:
        self.found: collections.Counter[Fingerprint] = collections.Counter()
        self._hashes = LineHashes()

    def problem(self, problem: Problem) -> None:
        self.found[fingerprint_of(problem, self._hashes)] += 1

    def close(self) -> None:
        self._hashes.close()


def fingerprint_of(problem: Problem, hashes: LineHashes) -> Fingerprint:
    return (_relative(problem.path), problem.code, hashes.of(problem.path, problem.line), problem.json_path or "")


def write(path: str, found: collections.Counter[Fingerprint]) -> None:
    entries = [
        {"path": p, "code": code, "record": record, "json_path": json_path, "count": count}
        for (p, code, record, json_path), count in sorted(found.items())
    ]
    with atomic_write(path, binary=False) as out:
        out.write(json.dumps({"version": VERSION, "problems": entries}, indent=1, ensure_ascii=False) + "\n")


def read(path: str) -> collections.Counter[Fingerprint]:
    """The fingerprints of a baseline file; UsageError (exit 2) for one that cannot be read."""
    try:
        with open(path, encoding="utf-8") as stream:
            data = json.load(stream)
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: not a jsonl-lint baseline ({error})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("problems"), list):
        raise UsageError(f"{path}: not a jsonl-lint baseline (expected version {VERSION} and a list of problems)")
    found: collections.Counter[Fingerprint] = collections.Counter()
    for entry in data["problems"]:
        try:
            key = (entry["path"], entry["code"], entry["record"], entry["json_path"])
            count = entry["count"]
        except (KeyError, TypeError):
            raise UsageError(f"{path}: not a jsonl-lint baseline (an entry lacks path, code, record, json_path or count)") from None
        if not all(isinstance(part, str) for part in key) or not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise UsageError(f"{path}: not a jsonl-lint baseline (an entry has a value of the wrong type)")
        found[key] += count
    return found
