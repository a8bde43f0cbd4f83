"""The streaming reader: one test row per reader rule, failing and passing, through the core."""

from __future__ import annotations

import io

import pytest

from conftest import found
from jsonl_lint import check_lines
from jsonl_lint.reader import Record, read_records

GOOD = b'{"prompt": "a", "completion": "b"}'

FAILING = [
    ("invalid utf-8, byte column", b'{"prompt": "caf\xe9", "completion": "b"}\n', [(1, 16, "JL001")]),
    ("invalid utf-8 on a later line", GOOD + b"\n" + b'{"prompt": "\xff"}\n', [(2, 13, "JL001")]),
    ("bom, and the line is still checked", b"\xef\xbb\xbf" + GOOD + b"\n", [(1, 1, "JL002")]),
    ("bom before bad json", b'\xef\xbb\xbf{"prompt": }\n', [(1, 1, "JL002"), (1, 12, "JL004")]),
    ("blank line", GOOD + b"\n\n" + GOOD + b"\n", [(2, 1, "JL003")]),
    ("whitespace line", GOOD + b"\n  \t\n" + GOOD + b"\n", [(2, 1, "JL003")]),
    ("two trailing newlines", GOOD + b"\n\n", [(2, 1, "JL003")]),
    ("trailing comma", b'{"prompt": "a", "completion": "b",}\n', [(1, 34, "JL004")]),
    ("single quotes", b"{'prompt': 'a'}\n", [(1, 2, "JL004")]),
    ("pretty-printed record", b'{\n  "prompt": "a"\n}\n', [(1, 2, "JL004"), (2, 11, "JL004"), (3, 1, "JL004")]),
    ("garbage after the object", GOOD + b" x\n", [(1, 36, "JL004")]),
    ("lone surrogate escape", b'{"prompt": "\\ud800", "completion": "b"}\n', [(1, 13, "JL004")]),
    ("array", b"[1, 2]\n", [(1, 1, "JL005")]),
    ("string", b'"text"\n', [(1, 1, "JL005")]),
    ("number", b"42\n", [(1, 1, "JL005")]),
    ("null", b"null\n", [(1, 1, "JL005")]),
    ("NaN", b'{"prompt": "a", "completion": "b", "x": NaN}\n', [(1, 41, "JL006")]),
    ("-Infinity", b'{"prompt": "a", "x": [1, -Infinity]}\n', [(1, 26, "JL006")]),
    ("overflowing number", b'{"prompt": "a", "x": 1e999}\n', [(1, 22, "JL006")]),
    ("too deep", b"[" * 1100 + b"]" * 1100 + b"\n", [(1, 1, "JL007")]),
    ("duplicate key", b'{"prompt": "a", "prompt": "b", "completion": "c"}\n', [(1, 17, "JL008")]),
    ("duplicate nested key", b'{"messages": [{"role": "user", "role": "assistant"}]}\n', [(1, 32, "JL008")]),
    ("duplicate key spelled with an escape", b'{"a": 1, "\\u0061": 2}\n', [(1, 10, "JL008")]),
    ("empty file", b"", [(None, None, "JL009")]),
    ("crlf endings", GOOD + b"\r\n" + GOOD + b"\r\n", [(1, len(GOOD) + 1, "JL013"), (2, len(GOOD) + 1, "JL013")]),
    ("only blank lines", b"\n\n", [(1, 1, "JL003"), (2, 1, "JL003"), (None, None, "JL009")]),
]

PASSING = [
    ("final newline", GOOD + b"\n"),
    ("no final newline", GOOD),
    ("colons inside strings", b'{"prompt": "a: b: \\"c\\": d", "completion": "e:"}\n'),
    ("escaped colon, no duplicate", b'{"prompt": "\\u003a", "completion": "b"}\n'),
    ("same key in sibling objects", b'{"prompt": "a", "completion": "b", "x": [{"k": 1}, {"k": 2}]}\n'),
    ("deep but allowed", b'{"prompt": "a", "completion": "b", "x": ' + b"[" * 1000 + b"]" * 1000 + b"}\n"),
    ("big integer", b'{"prompt": "a", "completion": "b", "n": 12345678901234567890123}\n'),
    ("non-ascii", '{"prompt": "日本語 ✓", "completion": "ü"}\n'.encode()),
]


@pytest.mark.parametrize(("name", "data", "expected"), FAILING, ids=[row[0] for row in FAILING])
def test_reader_problems(name: str, data: bytes, expected: list[tuple[int | None, int | None, str]]) -> None:
    assert found(data, data_format="completion", select=("JL0",)) == sorted(
        expected, key=lambda t: (t[0] is None, t[0] or 0, t[1] or 0)
    )  # file-level problems last


@pytest.mark.parametrize(("name", "data"), PASSING, ids=[row[0] for row in PASSING])
def test_reader_accepts(name: str, data: bytes) -> None:
    assert found(data, data_format="completion", select=("JL0",)) == []


def test_one_bad_line_never_stops_the_check() -> None:
    data = b"{bad\n" + GOOD + b"\n\xff\n[]\n" + GOOD + b"\n"
    report = check_lines(io.BytesIO(data), path="t.jsonl", data_format="completion", select=("JL0",))
    assert [(p.line, p.code) for p in report.problems] == [(1, "JL004"), (3, "JL001"), (4, "JL005")]
    assert report.records == 2


def test_records_carry_line_numbers_raw_bytes_and_text_without_line_ending() -> None:
    items = list(read_records(io.BytesIO(b"\xef\xbb\xbf" + GOOD + b"\r\n\n" + GOOD), lambda *a, **k: None))
    records = [r for r in items if isinstance(r, Record)]
    assert [(r.line, r.raw) for r in records] == [(1, GOOD + b"\r\n"), (3, GOOD)]
    assert [r.text for r in records] == [GOOD.decode(), GOOD.decode()]


def test_messages_say_what_to_do() -> None:
    report = check_lines([b'[{"role": "user", "content": "hi"}]\n', b'{"a": 1,}\n'], path="t.jsonl", select=("JL0",))
    first, second = (p.message for p in report.problems)
    assert "jsonl-lint convert --from chat" in first
    assert second == "invalid JSON: trailing comma is not allowed"


def test_invalid_utf8_message_names_the_byte() -> None:
    report = check_lines([b'{"a": "\xe9"}\n'], path="t.jsonl")
    assert report.problems[0].message.startswith("invalid UTF-8 byte 0xE9 at byte 8;")
