"""Hostile data against ``convert``'s fast ways: the plain-bytes path gives what the general path
gives, and ranges in workers what one process gives, with --system texts holding backslashes,
--unescape, weights and rows that are almost the usual record."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_convert_jobs import converted

from jsonl_lint.convert import ConvertOptions, ranges
from jsonl_lint.convert.rows import Converted
from jsonl_lint.convert.sink import RowWriter

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
TEXT = st.lists(st.sampled_from(["a", "\\", "n", "\n", "\\n", "\\r\\n", "\ud800", '"', "é"]), max_size=6).map("".join)
ROLE = st.sampled_from(["system", "user", "assistant", "user", "assistant"])
MESSAGE = st.fixed_dictionaries({"role": ROLE, "content": TEXT}, optional={"weight": st.sampled_from([0, 1])})
RECORD = st.builds(
    lambda messages, extra: {"messages": messages, **extra},
    st.lists(MESSAGE, min_size=1, max_size=4),
    st.sampled_from([{}, {}, {"id": 1}]),
)
SYSTEM = st.none() | st.sampled_from(["S", "a\\nb\\nc", "x\\\\n", "\\"])
# The usual record, which the plain-bytes path takes whatever the options (texts orjson can write).
PLAIN_TEXT = st.lists(st.sampled_from(["a", "\\", "n", "\n", "\\n", '"', "é"]), max_size=6).map("".join)
PLAIN = st.builds(
    lambda user, answer: {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]}, PLAIN_TEXT, PLAIN_TEXT
)


def _line(record: Any, spelled: int) -> bytes:
    """The record's JSON: orjson's, Python's (non-ASCII escaped), or with every backslash
    spelled as a ``\\u005c`` escape."""
    if spelled == 0:
        return orjson.dumps(record)
    data = json.dumps(record, ensure_ascii=spelled == 1).encode("utf-8", "surrogatepass")
    return data.replace(b"\\\\", b"\\u005c") if spelled == 2 else data


@st.composite
def chat_file(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        record = draw(RECORD)
        try:
            lines.append(_line(record, draw(st.integers(0, 2))))
        except (TypeError, UnicodeEncodeError):
            lines.append(b"junk")
    lines.insert(draw(st.integers(0, len(lines))), _line(draw(PLAIN), draw(st.integers(0, 2))))  # a row for the fast path
    return b"\n".join(lines) + b"\n"


OPTIONS = st.builds(
    lambda to, system, unescape, loss: ConvertOptions(source="chat", to=to, system=system, unescape=unescape, allow_loss=loss),
    st.sampled_from(["gemini", "bedrock"]),
    SYSTEM,
    st.booleans(),
    st.sampled_from([(), ("weight",)]),
)


@SETTINGS
@given(data=chat_file(), options=OPTIONS)
def test_plain_bytes_give_what_the_general_path_gives(monkeypatch: pytest.MonkeyPatch, data: bytes, options: ConvertOptions) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_bytes(data)
        written: list[bytes | None] = []
        plain = RowWriter._plain

        def counted(self: RowWriter, row: Converted, given_system: bool) -> bytes | None:
            written.append(plain(self, row, given_system))
            return written[-1]

        with monkeypatch.context() as patch:
            patch.setattr(RowWriter, "_plain", counted)
            fast = converted(path, options, jobs=1)
        assert any(written)  # the plain-bytes path wrote a row
        with monkeypatch.context() as patch:
            patch.setattr(RowWriter, "_plain", lambda self, row, given_system: None)
            general = converted(path, options, jobs=1)
    assert fast == general


@SETTINGS
@given(data=chat_file(), options=OPTIONS, range_bytes=st.integers(1, 200))
def test_ranges_give_what_one_process_gives(
    monkeypatch: pytest.MonkeyPatch, data: bytes, options: ConvertOptions, range_bytes: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_bytes(data)
        one = converted(path, options, jobs=1)
        calls: list[int] = []
        run = ranges.convert

        def counted(*args: Any) -> None:
            calls.append(1)
            run(*args)

        with monkeypatch.context() as patch:
            patch.setattr(ranges, "MIN_BYTES", 0)
            patch.setattr(ranges, "RANGE_BYTES", range_bytes)
            patch.setattr(ranges, "convert", counted)
            several = converted(path, options, jobs=2)
        assert calls  # converted in workers, range by range
        assert sorted(p.name for p in Path(folder).iterdir()) == ["in.jsonl"]
    assert several == one
