from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest

from jsonl_lint import Config, check_lines
from jsonl_lint.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
EXAMPLES = ROOT / "examples"

# Offline machines: use the shared tiktoken cache when the caller did not name one.
if "TIKTOKEN_CACHE_DIR" not in os.environ and (SHARED / "tiktoken-cache").is_dir():
    os.environ["TIKTOKEN_CACHE_DIR"] = str(SHARED / "tiktoken-cache")


def corpus_file(relative: str) -> Path:
    path = CORPUS / relative
    if not path.exists():
        if os.environ.get("CI"):  # CI always has shared/ beside the clone: missing data is a failure there
            pytest.fail(f"shared corpus not found at {CORPUS}")
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return path


def lines_of(text: str | bytes) -> list[bytes]:
    data = text.encode() if isinstance(text, str) else text
    return data.splitlines(keepends=True)


def found(text: str | bytes, **options: object) -> list[tuple[int | None, int | None, str]]:
    """(line, column, code) of every problem, for table-driven tests."""
    report = check_lines(lines_of(text), path="t.jsonl", **options)  # type: ignore[arg-type]
    return [(p.line, p.column, p.code) for p in report.problems]


def codes(text: str | bytes, **options: object) -> list[str]:
    return [code for _, _, code in found(text, **options)]


def problems(text: str | bytes, **options: object) -> list[Problem]:
    return list(check_lines(lines_of(text), path="t.jsonl", **options).problems)  # type: ignore[arg-type]


def messages_line(*messages: dict[str, object], **extra: object) -> str:
    import json

    return json.dumps({"messages": list(messages), **extra})


def only(select: Iterable[str]) -> Config:
    return Config(select=tuple(select))
