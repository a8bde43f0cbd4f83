"""A deterministic train/validation split that does not leak.

Each example goes to validation when a seeded hash of its canonical JSON (sorted keys, compact)
falls below the fraction. So the same input and seed give the same bytes, appending examples
never moves the ones already there, and exact duplicates (even with other key order or spacing)
always land on the same side. Lines are copied as they are; both outputs appear atomically.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import orjson

from jsonl_lint.atomic import atomic_write
from jsonl_lint.problems import UsageError
from jsonl_lint.reader import canonical_json

_SCALE = float(1 << 64)


@dataclass(slots=True)
class SplitSummary:
    train: int = 0
    validation: int = 0
    train_bytes: int = 0
    validation_bytes: int = 0
    blank_lines: int = 0
    unparsed: int = 0  # lines that are not JSON, split by their bytes (`jsonl-lint check` says why)


def example_key(raw: bytes) -> tuple[bytes, bool]:
    """The bytes that identify an example: its canonical JSON, or the line itself if not JSON."""
    try:
        canonical = canonical_json(orjson.loads(raw))  # the checker's key for duplicates, too
    except orjson.JSONDecodeError:
        canonical = None
    return (canonical, True) if canonical is not None else (raw.strip(), False)


def goes_to_validation(key: bytes, fraction: float, seed: int) -> bool:
    digest = hashlib.blake2b(key, digest_size=8, key=seed.to_bytes(8, "big", signed=True)).digest()
    return int.from_bytes(digest, "big") / _SCALE < fraction


def split_file(path: str, *, train: str, validation: str, fraction: float, seed: int = 0) -> SplitSummary:
    if not 0 < fraction < 1:
        raise UsageError(f"the validation fraction must be between 0 and 1, not {fraction}")
    names = [os.path.abspath(p) for p in (path, train, validation)]
    if len(set(names)) < 3:
        raise UsageError("the input, --train and --validation must be three different files")
    summary = SplitSummary()
    try:
        with open(path, "rb") as source, atomic_write(train) as train_out, atomic_write(validation) as validation_out:
            for number, raw in enumerate(source, 1):
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                if not raw.strip():
                    summary.blank_lines += 1
                    continue
                if not raw.endswith(b"\n"):
                    raw += b"\n"
                key, parsed = example_key(raw)
                summary.unparsed += not parsed
                if goes_to_validation(key, fraction, seed):
                    validation_out.write(raw)  # type: ignore[arg-type]
                    summary.validation += 1
                    summary.validation_bytes += len(raw)
                else:
                    train_out.write(raw)  # type: ignore[arg-type]
                    summary.train += 1
                    summary.train_bytes += len(raw)
    except OSError as error:
        raise UsageError(f"{error.filename or path}: {error.strerror or error}") from None
    return summary
