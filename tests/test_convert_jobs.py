"""``convert --jobs``: a file converted range by range in worker processes gives byte for byte
what one process gives: the output, the rejects file, the warnings and the summary, for every
source format and target, with bad rows, blank lines and a byte order mark wherever the ranges'
edges fall (ranges of a few bytes put an edge in nearly every row)."""

from __future__ import annotations

import errno
import itertools
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies_trainers import BEDROCK_NOVA, GEMINI, openai_chat

from jsonl_lint import parallel
from jsonl_lint.cli import main
from jsonl_lint.convert import ConvertOptions, Flagged, Rejected, convert_file, ranges
from jsonl_lint.convert.conventions import Tails
from jsonl_lint.convert.rows import DroppedKeys
from jsonl_lint.convert.sink import Checked
from jsonl_lint.problems import UsageError

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
TARGETS = st.sampled_from(["openai", "gemini", "bedrock", "hf"])
TEXT = st.text(st.sampled_from('ab \\n\n:é"#'), max_size=8)

# Lines no converter takes: each a reject or a blank line, wherever it falls.
JUNK = st.sampled_from(
    [
        b"",
        b"  ",
        b"\t",
        b"not json",
        b"1",
        b'"text"',
        b"[1, 2]",
        b"{}",
        b'{"a": 1, "a": 2}',
        b"\xff\xfe{}",
        b'{"x": "\xe9"}',
        b"\xef\xbb\xbf{}",
    ]
)
EXTRA_KEYS = st.dictionaries(st.sampled_from(["id", "source", "lang", "score", "meta"]), st.integers(0, 3), max_size=3)


@st.composite
def legacy_chat(draw: st.DrawFn) -> Any:
    """Chat of every shape the chat converter changes: legacy function calls, bare arrays."""
    user = {"role": "user", "content": draw(TEXT)}
    answer = {"role": "assistant", "content": draw(TEXT)}
    if draw(st.booleans()):
        answer = {"role": "assistant", "content": None, "function_call": {"name": "f", "arguments": "{}"}}
        messages = [user, answer, {"role": "function", "name": "f", "content": draw(TEXT)}, {"role": "assistant", "content": draw(TEXT)}]
        return {"messages": messages, "functions": [{"name": "f", "parameters": {"type": "object", "properties": {}}}]}
    if draw(st.booleans()):
        answer["weight"] = draw(st.sampled_from([0, 1]))
    return [user, answer] if draw(st.booleans()) else {"messages": [user, answer]}


def sharegpt(draw: st.DrawFn) -> Any:
    turns = [{"from": "human", "value": draw(TEXT)}, {"from": draw(st.sampled_from(["gpt", "bot"])), "value": draw(TEXT)}]
    if draw(st.booleans()):
        turns += [{"from": "function_call", "value": json.dumps({"name": "f", "arguments": {}})}, {"from": "observation", "value": "x"}]
        turns.append({"from": "gpt", "value": draw(TEXT)})
    return {"conversations": turns, **draw(EXTRA_KEYS)}


def alpaca(draw: st.DrawFn) -> Any:
    record = {"instruction": draw(TEXT), "input": draw(TEXT), "output": draw(TEXT)}
    return {**record, **draw(EXTRA_KEYS)}


SEPARATORS = st.sampled_from(["\n\n###\n\n", " ->", "", "\n\n###"])
STOPS = st.sampled_from([" END", "\n", "", " [END]"])


def completion(draw: st.DrawFn) -> Any:
    prompt = draw(TEXT) + draw(SEPARATORS)
    return {"prompt": prompt, "completion": draw(st.sampled_from(["", " "])) + draw(TEXT) + draw(STOPS)}


def preference(draw: st.DrawFn) -> Any:
    output = [{"role": "assistant", "content": draw(TEXT)}]
    return {"input": {"messages": [{"role": "user", "content": draw(TEXT)}]}, "preferred_output": output, "non_preferred_output": output}


RECORDS: dict[str, Any] = {
    "chat": lambda draw: draw(st.one_of(openai_chat(images="https", tools=True), legacy_chat())),
    "sharegpt": sharegpt,
    "alpaca": alpaca,
    "completion": completion,
    "gemini": lambda draw: draw(GEMINI),
    "bedrock": lambda draw: draw(BEDROCK_NOVA),
    "hf": lambda draw: draw(openai_chat(images=None, tools=False)),
    "preference": preference,
}


@st.composite
def jsonl_file(draw: st.DrawFn, source: str) -> bytes:
    """Records of ``source`` (written tightly or loosely), junk lines among them, LF or CRLF
    line ends, a final newline or not."""
    lines = []
    for _ in range(draw(st.integers(0, 14))):
        if draw(st.integers(0, 3)) == 0:
            lines.append(draw(JUNK))
        else:
            record = RECORDS[source](draw)
            lines.append(json.dumps(record).encode() if draw(st.booleans()) else orjson.dumps(record))
    end = draw(st.sampled_from([b"\n", b"\r\n"]))
    return end.join(lines) + (end if draw(st.booleans()) else b"")


def converted(path: Path, options: ConvertOptions, jobs: int) -> tuple[Any, ...]:
    """Everything a conversion gives: output, rejects file, rows reported and the summary (and
    nothing else beside the output)."""
    events: list[Rejected | Flagged] = []
    with tempfile.TemporaryDirectory() as folder:
        out, rejects = Path(folder) / "out.jsonl", Path(folder) / "rejects.jsonl"
        summary = convert_file(
            str(path), str(out), rejects_path=str(rejects), options=options, on_reject=events.append, on_flag=events.append, jobs=jobs
        )
        assert {p.name for p in Path(folder).iterdir()} <= {"out.jsonl", "rejects.jsonl"}  # no temporary file or folder left
        return (
            out.read_bytes(),
            rejects.read_bytes() if rejects.exists() else None,
            events,
            (summary.source, summary.converted, summary.rejected, summary.flagged, summary.blanks, summary.blank_lines, summary.notes),
        )


def assert_same_in_ranges(monkeypatch: pytest.MonkeyPatch, data: bytes, suffix: str, options: ConvertOptions, range_bytes: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"in{suffix}"
        path.write_bytes(data)
        one = converted(path, options, jobs=1)
        calls: list[int] = []
        run = ranges.convert
        with monkeypatch.context() as patch:
            patch.setattr(ranges, "MIN_BYTES", 0)
            patch.setattr(ranges, "RANGE_BYTES", range_bytes)
            patch.setattr(ranges, "convert", lambda *args: calls.append(1) or run(*args))
            several = converted(path, options, jobs=2)
    assert several == one
    assert calls or not data.strip()  # the ranges were converted in workers (a file of blank lines may have no head)


def ranges_give_what_one_process_gives(
    monkeypatch: pytest.MonkeyPatch, source: str, data: st.DataObject, to: str, range_bytes: int, system: str | None
) -> None:
    monkeypatch.setattr(DroppedKeys, "LIMIT", 2)  # the keys named in the summary: the first ones, on every path
    monkeypatch.setattr(parallel, "BATCH_BYTES", 200)  # prompt-completion conventions from a short head: restarts happen
    content = data.draw(jsonl_file(source))
    options = ConvertOptions(source=source, to=to, system=system, allow_loss=("weight",) if data.draw(st.booleans()) else ())
    assert_same_in_ranges(monkeypatch, content, ".jsonl", options, range_bytes)


FILES = {"data": st.data(), "to": TARGETS, "range_bytes": st.integers(1, 300), "system": st.none() | st.just("S")}


@pytest.mark.parametrize("source", list(RECORDS))
@settings(SETTINGS, max_examples=8)
@given(**FILES)
def test_ranges_in_workers_give_what_one_process_gives(
    monkeypatch: pytest.MonkeyPatch, source: str, data: st.DataObject, to: str, range_bytes: int, system: str | None
) -> None:
    ranges_give_what_one_process_gives(monkeypatch, source, data, to, range_bytes, system)


@pytest.mark.slow
@pytest.mark.parametrize("source", list(RECORDS))
@settings(SETTINGS, max_examples=100)
@given(**FILES)
def test_ranges_in_workers_give_what_one_process_gives_on_many_files(
    monkeypatch: pytest.MonkeyPatch, source: str, data: st.DataObject, to: str, range_bytes: int, system: str | None
) -> None:
    ranges_give_what_one_process_gives(monkeypatch, source, data, to, range_bytes, system)


def test_a_restart_in_ranges_gives_the_whole_files_conventions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The first rows end with " ->", most with "\n\n###\n\n": the ranges are converted twice.
    rows = [{"prompt": f"q{i} ->", "completion": f" a{i} END"} for i in range(3)]
    rows += [{"prompt": f"q{i}\n\n###\n\n", "completion": f" a{i} END"} for i in range(40)]
    monkeypatch.setattr(parallel, "BATCH_BYTES", 100)
    content = b"".join(orjson.dumps(row) + b"\n" for row in rows)
    assert_same_in_ranges(monkeypatch, content, ".jsonl", ConvertOptions(), 64)
    path = tmp_path / "in.jsonl"
    path.write_bytes(content)
    monkeypatch.setattr(ranges, "MIN_BYTES", 0)
    monkeypatch.setattr(ranges, "RANGE_BYTES", 64)
    out, _, events, summary = converted(path, ConvertOptions(), jobs=2)
    assert out.splitlines()[3] == b'{"messages":[{"role":"user","content":"q0"},{"role":"assistant","content":"a0"}]}'
    assert summary[-1][0] == "converted twice: the first rows do not share the conventions of the whole file"
    assert [event.line for event in events] == [1, 2, 3]


def test_completion_rows_another_target_rejects_keep_their_line(tmp_path: Path) -> None:
    # An empty prompt kept as an assistant message alone: Gemini needs the user's turn first.
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"prompt": "q ->", "completion": " a END"}\n{"prompt": "", "completion": " b END"}\n')
    options = ConvertOptions(to="gemini", empty_prompt="assistant-only")
    _, rejects, events, _ = converted(path, options, jobs=1)
    assert rejects is not None
    reject = orjson.loads(rejects)
    assert (reject["line"], reject["text"]) == (2, '{"prompt": "", "completion": " b END"}')
    assert reject["reason"].startswith("Vertex AI Gemini would refuse it: ")
    assert [event.line for event in events] == [2]


# ---- the counts merged from ranges -------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tails=st.lists(st.text(st.sampled_from("ab#\n "), max_size=9), max_size=60), cuts=st.lists(st.integers(0, 60), max_size=4))
def test_tails_merged_from_parts_are_those_counted_in_one_pass(monkeypatch: pytest.MonkeyPatch, tails: list[str], cuts: list[int]) -> None:
    monkeypatch.setattr("jsonl_lint.convert.conventions._MAX_KINDS", 5)  # folding happens
    monkeypatch.setattr("jsonl_lint.convert.conventions.MAX_TAIL", 8)
    one = Tails(width=8)
    for tail in tails:
        one.add(tail)
    merged = Tails(width=8)
    bounds = [0, *sorted(cuts), len(tails)]
    for start, end in itertools.pairwise(bounds):
        part = Tails(width=8)
        for tail in tails[start:end]:
            part.add(tail)
        merged.merge(part)
    assert (merged.width, sorted(merged.counts.items()), merged.total) == (one.width, sorted(one.counts.items()), one.total)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(st.sampled_from("abcdefg"), max_size=3), max_size=30), cuts=st.lists(st.integers(0, 30), max_size=4))
def test_dropped_keys_merged_from_parts_are_those_counted_in_one_pass(rows: list[list[str]], cuts: list[int]) -> None:
    one = DroppedKeys((), limit=3)
    for row in rows:
        one.add(dict.fromkeys(row))
    merged = DroppedKeys((), limit=3)
    bounds = [0, *sorted(cuts), len(rows)]
    for start, end in itertools.pairwise(bounds):
        part = DroppedKeys((), limit=None)
        for row in rows[start:end]:
            part.add(dict.fromkeys(row))
        merged.merge(part)
    assert (list(merged.counts.items()), merged.other) == (list(one.counts.items()), one.other)


# ---- the command -------------------------------------------------------------------------------


def test_convert_jobs_on_the_command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    path.write_bytes(b'{"instruction": "q", "output": "a", "id": 1}\nnot json\n\n' * 40)
    monkeypatch.setattr(ranges, "MIN_BYTES", 0)
    monkeypatch.setattr(ranges, "RANGE_BYTES", 50)
    results = {}
    for jobs in ("1", "2"):
        code = main(["convert", str(path), "-o", str(out), "--jobs", jobs])
        results[jobs] = (code, capsys.readouterr().err, out.read_bytes())
    assert results["2"] == results["1"]
    code, stderr, output = results["2"]
    assert code == 1
    assert output == b'{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}\n' * 40
    lines = stderr.splitlines()
    assert lines[:2] == [
        f"{path}:2: rejected: invalid JSON: invalid literal, expected 'null'",
        f"{path}:5: rejected: invalid JSON: invalid literal, expected 'null'",
    ]
    assert lines[-3:] == [
        f"converted 40 rows (alpaca) to {out}; rejected 40 (listed above)",
        "  40 blank lines skipped (lines 3, 6, 9, 12, 15, 18, 21, 24, 27, 30 ...)",
        "  key 'id' not carried into chat (dropped from 40 rows)",
    ]


def test_convert_jobs_must_be_positive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"instruction": "q", "output": "a"}\n')
    assert main(["convert", str(path), "-o", str(tmp_path / "out.jsonl"), "--jobs", "0"]) == 2
    assert "Invalid value for '--jobs': 0 is not in the range x>=1." in capsys.readouterr().err


ALPACA = b'{"instruction": "q", "output": "a"}\n' * 40 + b'{"instruction": "q\\u00e9", "output": "a"}\n' * 40
ALPACA_OUT = (
    b'{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}\n' * 40
    + '{"messages":[{"role":"user","content":"qé"},{"role":"assistant","content":"a"}]}\n'.encode() * 40
)


def copy_file_range_that(behaviour: str) -> Any:
    """os.copy_file_range as a file system without it answers (the copy is then made here)."""

    def copy(source: int, target: int, count: int) -> int:
        if behaviour == "copies a little, then nothing":
            copy.calls += 1  # type: ignore[attr-defined]
            return os.write(target, os.read(source, 7)) if copy.calls % 2 else 0  # type: ignore[attr-defined]
        raise OSError(errno.EXDEV if behaviour == "another file system" else errno.ENOSYS, behaviour)

    copy.calls = 0  # type: ignore[attr-defined]
    return copy


@pytest.mark.parametrize(
    "behaviour", ["the kernel's copy", "another file system", "no such call", "copies a little, then nothing", "absent"]
)
@pytest.mark.parametrize("output", ["file", "-"])
def test_the_ranges_records_reach_the_output_however_the_kernel_copies(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes], behaviour: str, output: str
) -> None:
    # the workers' records wait in files of a temporary folder beside the output, and are
    # appended to it by the kernel where it can, else read and written here
    path, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    path.write_bytes(ALPACA)
    monkeypatch.setattr(ranges, "MIN_BYTES", 0)
    monkeypatch.setattr(ranges, "RANGE_BYTES", 100)
    if behaviour == "absent":
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    elif behaviour != "the kernel's copy":
        monkeypatch.setattr(os, "copy_file_range", copy_file_range_that(behaviour))
    calls: list[int] = []
    run = ranges.convert
    monkeypatch.setattr(ranges, "convert", lambda *args: calls.append(1) or run(*args))
    convert_file(str(path), str(out) if output == "file" else "-", jobs=2)
    assert calls
    written = out.read_bytes() if output == "file" else capfdbinary.readouterr().out
    assert written == ALPACA_OUT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"][: 2 if output == "file" else 1]


def test_no_temporary_file_stays_when_a_range_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    path.write_bytes(ALPACA)
    monkeypatch.setattr(ranges, "MIN_BYTES", 0)
    monkeypatch.setattr(ranges, "RANGE_BYTES", 100)

    def appended_until_full(self: Any, part: str) -> None:
        raise UsageError(f"{out}: cannot write: No space left on device")

    monkeypatch.setattr(Checked, "append_file", appended_until_full)
    with pytest.raises(UsageError, match="No space left on device"):
        convert_file(str(path), str(out), jobs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
