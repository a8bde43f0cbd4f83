"""Escaped newlines (a backslash and n outnumbering real newlines) are found in every target's
output shape, and ``--unescape`` turns them into newlines there."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import orjson
import pytest

from jsonl_lint import byte_search
from jsonl_lint.cli import main
from jsonl_lint.convert import ConvertOptions, convert_file, ranges
from jsonl_lint.convert.escapes import json_may_have_escaped_newlines
from jsonl_lint.convert.rows import Converted, Restart
from jsonl_lint.convert.sink import Checked, Collected, ConversionSummary, RowWriter

TARGETS = ["openai", "gemini", "bedrock", "bedrock-claude", "hf"]
WARNING = (
    "warning: 1 row with escaped newlines (a backslash and n, more than real newlines), kept as they are"
    " (--unescape turns them into newlines): lines 2"
)
UNESCAPED = "1 row with escaped newlines (a backslash and n, more than real newlines) turned into newlines (--unescape): lines 2"


def chat(system: str, reply: str) -> str:
    messages = [{"role": "system", "content": system}, {"role": "user", "content": "Write two lines"}]
    return json.dumps({"messages": [*messages, {"role": "assistant", "content": reply}]}) + "\n"


def convert(tmp_path: Path, text: str, **options: object) -> tuple[str, list[str]]:
    source, out = tmp_path / "chat.jsonl", tmp_path / "out.jsonl"
    source.write_text(text)
    summary = convert_file(str(source), str(out), options=ConvertOptions(**options))  # type: ignore[arg-type]
    return out.read_text(), list(summary.notes)


@pytest.mark.parametrize("to", TARGETS)
@pytest.mark.parametrize(("system", "reply"), [("Be brief", "one\\ntwo"), ("Say\\nit\\nin two lines", "one\ntwo")])
def test_every_target_warns_about_escaped_newlines(tmp_path: Path, to: str, system: str, reply: str) -> None:
    output, notes = convert(tmp_path, chat("Be brief", "one\ntwo") + chat(system, reply), to=to)
    assert notes[-1] == WARNING
    assert output.count("\\\\n") == system.count("\\n") + reply.count("\\n")  # kept as they are


@pytest.mark.parametrize("to", TARGETS)
def test_every_target_unescapes(tmp_path: Path, to: str) -> None:
    output, notes = convert(tmp_path, chat("Be brief", "one\ntwo") + chat("Say\\nit", "one\\ntwo"), to=to, unescape=True)
    assert notes[-1] == UNESCAPED
    assert "\\\\n" not in output
    assert [json.loads(line) for line in output.splitlines()][1] == json.loads(convert(tmp_path, chat("Say\nit", "one\ntwo"), to=to)[0])


@pytest.mark.parametrize("to", TARGETS)
def test_real_newlines_outnumbering_escaped_ones_are_no_warning(tmp_path: Path, to: str) -> None:
    _, notes = convert(tmp_path, chat("C:\\new", "a\nb"), to=to)
    assert not any("escaped newlines" in note for note in notes)


def completion(prompt: str, reply: str) -> str:
    return json.dumps({"prompt": f"{prompt} ->", "completion": f" {reply} END"}) + "\n"


@pytest.mark.parametrize("to", TARGETS)
def test_a_prompt_completion_row_is_named_once_whatever_the_target(tmp_path: Path, to: str) -> None:
    # the converter looks at the rows it serialises itself, the writer at the rows taken in
    # order (every target but openai): never both
    text = completion("Write two lines", "one\ntwo") + completion("Write two lines", "one\\ntwo")
    output, notes = convert(tmp_path, text, to=to)
    assert [note for note in notes if "escaped newlines" in note] == [WARNING]
    output, notes = convert(tmp_path, text, to=to, unescape=True)
    assert [note for note in notes if "escaped newlines" in note] == [UNESCAPED]
    assert "\\\\n" not in output


def test_the_writer_counts_the_rows_after_a_restart_and_only_those(tmp_path: Path) -> None:
    record = {"messages": [{"role": "user", "content": "Write two lines"}, {"role": "assistant", "content": "one\\ntwo"}]}
    raw = json.dumps(record)
    out = io.BytesIO()
    writer = RowWriter(Checked(out, "a buffer"), Collected(), ConversionSummary(source="chat"), ConvertOptions(), None)
    writer.write(iter([Converted(1, record, raw), Converted(2, record, raw), Restart(), Converted(1, record, raw)]))
    assert (writer.escapes.count, writer.escapes.lines) == (1, [1])
    assert out.getvalue() == orjson.dumps(record) + b"\n"


def test_a_panic_in_the_native_search_falls_back_to_the_plain_one(monkeypatch: pytest.MonkeyPatch) -> None:
    class PanicError(BaseException):  # what pyo3 raises for a panic in Rust
        pass

    def panicking(data: bytes) -> list[tuple[int, int, int]]:
        raise PanicError("search panicked")

    monkeypatch.setattr(byte_search, "search_for", lambda pattern: panicking)
    assert json_may_have_escaped_newlines(b'{"a":"x\\\\ny"}')
    assert not json_may_have_escaped_newlines(b'{"a":"x\\ny"}')


SYSTEM_AS_TYPED = "Be\\nbrief"  # --system "Be\nbrief" in a shell: a backslash and n, as typed


def pairs_in(kind: str, tmp_path: Path) -> Path:
    """Three rows: plain, an escaped newline in the reply (line 2), real newlines (line 3)."""
    rows = [("Hi", "Hello"), ("Write two lines", "one\\ntwo"), ("a\nb", "c\nd")]
    path = tmp_path / f"in.{'csv' if kind == 'csv' else 'jsonl'}"
    if kind == "chat":
        lines = [{"messages": [{"role": "user", "content": u}, {"role": "assistant", "content": a}]} for u, a in rows]
        path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    elif kind == "completion":
        path.write_text("".join(completion(u, a) for u, a in rows))
    else:
        with path.open("w", newline="") as out:
            csv.writer(out).writerows([("prompt", "completion"), *rows])
    return path


@pytest.mark.parametrize("to", TARGETS)
@pytest.mark.parametrize("kind", ["chat", "completion", "csv"])
@pytest.mark.parametrize("unescape", [False, True])
def test_system_is_added_as_typed_and_never_judged(tmp_path: Path, to: str, kind: str, unescape: bool) -> None:
    """--system's text is the user's, not the data's: every row gets it as typed, whether or not
    the row's own texts have escaped newlines, and it makes no row count as having them."""
    source, out = pairs_in(kind, tmp_path), tmp_path / "out.jsonl"
    summary = convert_file(str(source), str(out), options=ConvertOptions(to=to, system=SYSTEM_AS_TYPED, unescape=unescape))
    output = out.read_text()
    assert output.count(json.dumps(SYSTEM_AS_TYPED)[1:-1]) == 3  # in each record, as typed
    named = (UNESCAPED if unescape else WARNING).replace("lines 2", "lines 3" if kind == "csv" else "lines 2")  # the second row alone
    assert [note for note in summary.notes if "escaped newlines" in note] == [named]
    assert ("one\\\\ntwo" in output) != unescape


def test_the_cli_says_when_system_holds_a_backslash_and_n(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = pairs_in("chat", tmp_path)
    assert main(["convert", "--from", "chat", str(source), "-o", str(tmp_path / "out.jsonl"), "--system", SYSTEM_AS_TYPED]) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        "note: --system holds a backslash and n, added as typed (in a shell, $'one\\ntwo' writes a newline)"
    )
    assert main(["convert", "--from", "chat", str(source), "-o", str(tmp_path / "out2.jsonl"), "--system", "Be brief"]) == 0
    assert "--system" not in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["sharegpt", "alpaca", "csv"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_row_s_own_system_is_judged_and_unescaped_beside_the_given_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, jobs: int
) -> None:
    """A row with its own system message keeps it (--system is not added) and its escaped
    newlines count, even when they are there alone; the other rows get --system as typed (in
    ranges of a row or two too)."""
    monkeypatch.setattr(ranges, "MIN_BYTES", 0)
    monkeypatch.setattr(ranges, "RANGE_BYTES", 100)
    rows = [(None, "Hi", "Hello"), ("One\\nTwo\\nThree", "q", "a"), (None, "Write two lines", "one\\ntwo")]
    source = tmp_path / ("in.csv" if kind == "csv" else "in.jsonl")
    if kind == "csv":
        with source.open("w", newline="") as out:
            csv.writer(out).writerows([("system", "user", "assistant"), *((s or "", u, a) for s, u, a in rows)])
    else:
        records = [
            {
                "conversations": [
                    *([{"from": "system", "value": s}] if s else []),
                    {"from": "human", "value": u},
                    {"from": "gpt", "value": a},
                ]
            }
            if kind == "sharegpt"
            else {"instruction": u, "output": a, **({"system": s} if s else {})}
            for s, u, a in rows
        ]
        source.write_text("".join(json.dumps(record) + "\n" for record in records))
    out = tmp_path / "out.jsonl"
    options = ConvertOptions(system=SYSTEM_AS_TYPED, unescape=True, system_column="system" if kind == "csv" else None)
    summary = convert_file(str(source), str(out), options=options, jobs=jobs)
    systems = [json.loads(line)["messages"][0]["content"] for line in out.read_text().splitlines()]
    assert systems == [SYSTEM_AS_TYPED, "One\nTwo\nThree", SYSTEM_AS_TYPED]
    named = "lines 3, 4" if kind == "csv" else "lines 2, 3"
    assert [note for note in summary.notes if "escaped newlines" in note] == [
        UNESCAPED.replace("1 row", "2 rows").replace("lines 2", named)
    ]
