from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from jsonl_lint import Config, check_lines
from jsonl_lint.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
EXAMPLES = ROOT / "examples"

# Tests about counting use this encoding, built by the tests (tests/tiktoken_ext/jsonl_lint_test.py):
# no download, no cache. Pass it as ``encoding=TEST_ENCODING`` or ``--encoding``.
TEST_ENCODING = "jsonl_lint_test"


def corpus_file(relative: str) -> Path:
    path = CORPUS / relative
    if not path.exists():
        if os.environ.get("CI"):  # CI always has shared/ beside the clone: missing data is a failure there
            pytest.fail(f"shared corpus not found at {CORPUS}")
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return path


def real_encoding(name: str) -> Any:
    """tiktoken's real encoding ``name``, for tests whose point is an exact OpenAI figure; they
    skip, saying why, where it cannot be loaded (no network and no TIKTOKEN_CACHE_DIR holding it)."""
    from jsonl_lint.tokens import EncodingUnavailable, encoding

    try:
        return encoding(name)
    except EncodingUnavailable:
        pytest.skip(f"tiktoken cannot load {name} here (offline, and TIKTOKEN_CACHE_DIR does not hold it)")


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
