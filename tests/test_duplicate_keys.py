"""The duplicate-key proofs are exact: a line they pass has no duplicate key, and the reader and
convert report exactly what looking closely at every line reports.

Lines are generated in every spelling the proofs could be fooled by: keys and strings with
escapes (``\\u0061`` for ``a``, ``\\u003a``/``\\u003A`` for ``:``, keys that differ only by
escapes), numbers orjson writes otherwise (``1e5``, ``1E+05``, ``-0.0``, ``1.50``, huge
exponents, integers past 64 bits), compact and spaced layouts, duplicates at any depth, and
lines whose colon count was balanced on purpose with escaped colons in a kept string."""

from __future__ import annotations

import io
import json
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsonl_lint import check_lines, duplicate_keys, reader
from jsonl_lint.convert import rows
from jsonl_lint.duplicate_keys import colons_all_kept, escaped_colon_finder, written_as_dumped

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Numbers as a file may spell them; orjson writes many of them otherwise (longer or shorter).
NUMBERS = [
    "0", "-0", "7", "-12", "18446744073709551616", "-9223372036854775809", "1.0", "1e5", "1E+05", "1e-7",
    "-0.0", "1.50", "0.1e1", "1e15", "2.5E-300", "1e308", "0.29999999999999999", "123456789012345678.0",
]  # fmt: skip
KEY_CHARS = 'ak:é"\\'  # few, so that keys repeat; a colon, a quote, a backslash, a non-ASCII letter
TEXT_CHARS = 'ab :\n\\"é😀u3'
SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "/": "\\/"}


def has_duplicate(text: str) -> bool:
    """The oracle: the standard library's parser, told every object's members."""
    seen = False

    def pairs(members: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal seen
        seen = seen or len({key for key, _ in members}) < len(members)
        return dict(members)

    json.loads(text, object_pairs_hook=pairs)
    return seen


@st.composite
def spelled(draw: st.DrawFn, text: str) -> str:
    """``text`` as a JSON string, each character written plainly or as one of its escapes."""
    out = []
    for char in text:
        way = draw(st.sampled_from(["plain", "plain", "u", "U", "short"]))
        if way in ("u", "U"):
            code, form = ord(char), "\\u{:04x}" if way == "u" else "\\u{:04X}"
            if code > 0xFFFF:  # a surrogate pair
                out.append(form.format(0xD800 + ((code - 0x10000) >> 10)) + form.format(0xDC00 + ((code - 0x10000) & 0x3FF)))
            else:
                out.append(form.format(code))
        elif char in '"\\\n' or (way == "short" and char in SHORT_ESCAPES):
            out.append(SHORT_ESCAPES[char])
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def layout(draw: st.DrawFn) -> tuple[str, str]:
    """(item separator, key separator): compact, Python's default, or loose."""
    return draw(st.sampled_from([(",", ":"), (", ", ": "), (" , ", " :\t"), (",", ": ")]))


@st.composite
def value_text(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["number", "string", "literal", "object", "array"] if depth < 3 else ["number", "string", "literal"]))
    if kind == "number":
        return draw(st.sampled_from(NUMBERS))
    if kind == "string":
        return draw(spelled(draw(st.text(TEXT_CHARS, max_size=6))))
    if kind == "literal":
        return draw(st.sampled_from(["true", "false", "null"]))
    items, colon = layout(draw)
    if kind == "array":
        return "[" + items.join(draw(st.lists(value_text(depth + 1), max_size=3))) + "]"
    members = draw(st.lists(st.tuples(st.text(KEY_CHARS, max_size=2), value_text(depth + 1)), max_size=4))
    return "{" + items.join(draw(spelled(key)) + colon + value for key, value in members) + "}"


@st.composite
def object_line(draw: st.DrawFn) -> bytes:
    """A line of one JSON object; sometimes its colons balanced with escaped colons in a kept string."""
    items, colon = layout(draw)
    members = draw(st.lists(st.tuples(st.text(KEY_CHARS, max_size=2), value_text(1)), max_size=5))
    text = "{" + items.join(draw(spelled(key)) + colon + value for key, value in members) + "}"
    if draw(st.booleans()):
        dumped = orjson.dumps(orjson.loads(text), option=draw(st.sampled_from([0, orjson.OPT_SORT_KEYS])))
        missing = text.count(":") - dumped.count(b":")
        if missing > 0:  # a member was dropped: make up its colons where orjson writes them back
            escape = draw(st.sampled_from(["\\u003a", "\\u003A"]))
            pad = '"pad"' + colon + '"' + escape * missing + '"'
            text = text[:-1] + (items if members else "") + pad + "}"
    ending = draw(st.sampled_from(["\n", "", "\r\n"]))
    return (text + ending).encode()


def passes_a_proof(raw: bytes, value: Any) -> bool:
    dumps = [orjson.dumps(value), orjson.dumps(value, option=orjson.OPT_SORT_KEYS)]
    return any(written_as_dumped(raw, dumped) or colons_all_kept(raw, dumped) for dumped in dumps)


@SETTINGS
@given(object_line())
def test_a_line_that_passes_a_proof_has_no_duplicate_key(raw: bytes) -> None:
    value = orjson.loads(raw)
    if passes_a_proof(raw, value):
        assert not has_duplicate(raw.decode())


@SETTINGS
@given(object_line())
def test_convert_rejects_exactly_the_lines_with_a_duplicate_key(raw: bytes) -> None:
    assert (rows.duplicate_key(raw, orjson.loads(raw)) is not None) == has_duplicate(raw.decode())


def closely(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both proofs off: the reader looks closely at every line."""
    monkeypatch.setattr(reader, "LINE_ENDINGS", ())
    monkeypatch.setattr(reader, "escaped_colon_finder", lambda: lambda raw: [(0, 0, 0)])


def duplicate_problems(data: bytes) -> list[tuple[int | None, int | None, str, str | None]]:
    report = check_lines(io.BytesIO(data), path="t.jsonl", select=("JL008",))
    return [(p.line, p.column, p.message, p.json_path) for p in report.problems]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(object_line(), min_size=1, max_size=8))
def test_the_reader_reports_what_looking_closely_reports(monkeypatch: pytest.MonkeyPatch, lines: list[bytes]) -> None:
    lines = [line if line.endswith(b"\n") else line + b"\n" for line in lines]
    data = b"".join(lines)
    fast = duplicate_problems(data)
    with monkeypatch.context() as patch:
        closely(patch)
        assert duplicate_problems(data) == fast
    assert {line for line, *_ in fast} == {number for number, line in enumerate(lines, 1) if has_duplicate(line.decode())}


@pytest.mark.parametrize(
    "line",
    [
        b'{"a":1,"a":2,"s":"\\u003a"}',  # one escaped colon makes up the dropped member's
        b'{"a": 1, "s": "\\u003A", "a": 2}',
        b'{"a":{"k":"x:y","k":1},"s":"\\u003a\\u003a"}',  # nested; the dropped value's colon too
        b'{"\\u0061":1,"a":2}',  # keys that differ only by an escape
        b'{"x":[1e5,1E+05,-0.0,1.50],"k":1,"k":2}',  # numbers orjson writes longer
    ],
)
def test_adversarial_lines_are_looked_at_closely(line: bytes) -> None:
    value = orjson.loads(line)
    assert has_duplicate(line.decode()) and not passes_a_proof(line, value)
    assert rows.duplicate_key(line, value) is not None
    assert len(duplicate_problems(line + b"\n")) == 1


def test_a_compact_line_is_its_own_proof() -> None:
    line = b'{"messages":[{"role":"user","content":"a: b"}],"x":1.5}'
    assert written_as_dumped(line + b"\n", orjson.dumps(orjson.loads(line)))
    assert written_as_dumped(line + b"\r\n", orjson.dumps(orjson.loads(line)))
    assert not written_as_dumped(line + b" \n", orjson.dumps(orjson.loads(line)))
    assert not written_as_dumped(b'{"x":1e5}\n', orjson.dumps(orjson.loads(b'{"x":1e5}')))


def test_the_escape_search_finds_either_case() -> None:
    find = escaped_colon_finder()
    assert find(b'"\\u003a"') and find(b'"\\u003A"') and not find(b'"\\u0040: \\\\n \\u00e9"')


def test_a_native_panic_in_the_escape_search_means_looking_closely(monkeypatch: pytest.MonkeyPatch) -> None:
    class Panic(BaseException):  # what pyo3 raises
        pass

    def panicking(raw: bytes) -> list[tuple[int, int, int]]:
        raise Panic

    monkeypatch.setattr(reader, "escaped_colon_finder", lambda: panicking)
    monkeypatch.setattr(duplicate_keys, "escaped_colon_finder", lambda: panicking)
    line = b'{"a": 1, "a": 2, "s": "\\u003a"}'
    assert not colons_all_kept(line, orjson.dumps(orjson.loads(line)))
    assert rows.duplicate_key(line, orjson.loads(line)) is not None
    assert [p[:2] for p in duplicate_problems(line + b"\n" + b'{"b": 1}\n')] == [(1, 10)]
