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

from jsonl_lint.atomic import atomic_write, refuse_overwriting
from jsonl_lint.problems import UsageError
from jsonl_lint.reader import canonical_json
from jsonl_lint.source import UTF8_BOM, LongLine, Source

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
    """Split ``path`` (``-``: standard input) into ``train`` and ``validation``, both written
    atomically; neither may name the input or each other (UsageError)."""
    if not 0 < fraction < 1:
        raise UsageError(f"the validation fraction must be between 0 and 1, not {fraction}")
    if "-" in (train, validation):
        raise UsageError("--train and --validation must name files: standard output cannot take both")
    if os.path.abspath(train) == os.path.abspath(validation):
        raise UsageError("the input, --train and --validation must be three different files")
    refuse_overwriting([train, validation], [path])
    summary = SplitSummary()
    with Source.open(path) as source, atomic_write(train) as train_out, atomic_write(validation) as validation_out:
        try:
            for number, raw in source.lines():
                if type(raw) is LongLine:
                    raise UsageError(
                        f"{path}:{number}: the line is longer than {source.max_line_bytes:,} bytes: `jsonl-lint check` it first"
                    )
                if number == 1:
                    raw = raw.removeprefix(UTF8_BOM)
                if not raw.strip():
                    summary.blank_lines += 1
                    continue
                if not raw.endswith(b"\n"):
                    raw += b"\n"
                key, parsed = example_key(raw)
                summary.unparsed += not parsed
                if goes_to_validation(key, fraction, seed):
                    validation_out.write(raw)
                    summary.validation += 1
                    summary.validation_bytes += len(raw)
                else:
                    train_out.write(raw)
                    summary.train += 1
                    summary.train_bytes += len(raw)
        except OSError as error:  # writing: a full disk (both outputs are dropped)
            raise UsageError(f"{error.filename or train}: cannot write: {error.strerror or error}") from None
    return summary
