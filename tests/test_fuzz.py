"""No input file makes the checker fail: arbitrary bytes and arbitrary JSON give problems, not tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TEST_ENCODING
from jsonl_lint import check_lines
from jsonl_lint.cli import main
from strategies import JSON_VALUES, any_record

FORMATS = st.sampled_from(["chat", "preference", "completion", "text", "rft"])
LINE_ENDINGS = st.sampled_from([b"\n", b"\r\n", b""])
JUNK = st.sampled_from([b"", b" ", b"\xef\xbb\xbf", b"\xff", b"{", b"}", b"[", b'"', b"NaN", b",", b"\\u0000", b"\x00"])


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    """Files mixing well-formed records, mutated records, arbitrary JSON and damaged bytes."""
    parts: list[bytes] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["record", "json", "bytes", "damaged"]))
        if kind == "record":
            line = json.dumps(draw(any_record(draw(FORMATS))), ensure_ascii=draw(st.booleans())).encode()
        elif kind == "json":
            line = json.dumps(draw(JSON_VALUES)).encode()
        elif kind == "bytes":
            line = draw(st.binary(max_size=40))
        else:
            line = json.dumps(draw(any_record("chat"))).encode()
            cut = draw(st.integers(0, len(line)))
            line = line[:cut] + draw(JUNK) + line[cut:]
        parts.append(line + draw(LINE_ENDINGS))
    return b"".join(parts)


def _assert_sane(data: bytes, **options: str) -> None:
    line_count = len(data.splitlines())
    report = check_lines(data.splitlines(keepends=True), path="f.jsonl", **options)  # type: ignore[arg-type]
    for problem in report.problems:
        assert problem.line is None or 1 <= problem.line <= line_count, problem
        assert problem.column is None or problem.column >= 1, problem
        assert problem.message


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    _assert_sane(data)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example], deadline=None)
@given(
    jsonl_files(),
    st.sampled_from(["gpt-4o-mini-2024-07-18", "davinci-002", "o4-mini", "gpt-3.5-turbo-0613", "gpt-4o-2024-08-06"]),
    st.sampled_from(["openai", "together", "structural"]),
)
def test_arbitrary_jsonl(data: bytes, model: str, profile: str) -> None:
    _assert_sane(
        data,
        profile=profile,
        model=None if profile != "openai" else model,
        max_tokens=60 if profile == "openai" else None,
        encoding=TEST_ENCODING if profile == "openai" else None,
    )


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], deadline=None)
@given(data=jsonl_files())
def test_cli_never_shows_a_traceback(data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    code = main(["check", str(path)])
    _, err = capsys.readouterr()
    assert code in (0, 1), err
    assert err == ""


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], deadline=None)
@given(data=jsonl_files())
def test_stats_and_split_never_show_a_traceback(data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "f.jsonl"
    path.write_bytes(data)
    assert main(["stats", "--encoding", TEST_ENCODING, "--format", "json", str(path)]) in (0, 2)  # 2: no example in a known format
    assert main(["split", str(path), "--train", str(tmp_path / "t.jsonl"), "--validation", str(tmp_path / "v.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
