"""convert on hostile input: no crash, nothing lost or changed silently, inputs read once and
never overwritten, every write checked."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsonl_lint.cli import main
from jsonl_lint.convert import REGISTRY, ConvertOptions, convert_file


def run(tmp_path: Path, name: str, data: bytes, **options: object) -> tuple[list[dict[str, object]], list[dict[str, object]], object]:
    source = tmp_path / name
    source.write_bytes(data)
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    rejects.unlink(missing_ok=True)
    summary = convert_file(str(source), str(out), rejects_path=str(rejects), options=ConvertOptions(**options))  # type: ignore[arg-type]
    records = [json.loads(line) for line in out.read_text().split("\n") if line]
    rejected = [json.loads(line) for line in rejects.read_text().split("\n") if line] if rejects.exists() else []
    return records, rejected, summary


def jsonl(*values: object) -> bytes:
    return "".join(json.dumps(v) + "\n" for v in values).encode()


U = {"role": "user", "content": "Hi"}
A = {"role": "assistant", "content": "Hello"}


# ---- no crash: each bad row is a reject, the run goes on -------------------------------------


@pytest.mark.parametrize(
    ("row", "options", "reason"),
    [
        (
            {"messages": [U, A], "tools": None, "functions": [{"name": "f"}]},
            {},
            '"tools" is not a list: the "functions" cannot be added to it',
        ),
        (
            {"messages": [U, A], "functions": {"name": "f"}},
            {},
            '"functions" is not a list of function definitions: it cannot be moved to "tools"',
        ),
        ({"messages": []}, {"system": "Be kind."}, '"messages" is not a non-empty list of message objects'),
        ({"messages": "hi"}, {"system": "Be kind."}, '"messages" is not a non-empty list of message objects'),
        ({"messages": [U, A], "x": 1, "x ": 2}, {}, None),  # two different keys: fine
    ],
)
def test_chat_rows_that_crashed_are_rejects(tmp_path: Path, row: dict[str, object], options: dict[str, object], reason: str | None) -> None:
    records, rejected, _summary = run(tmp_path, "c.jsonl", jsonl(row, {"messages": [U, A]}), source="chat", **options)
    assert [r["reason"] for r in rejected] == ([reason] if reason else [])
    assert len(records) == (1 if reason else 2)  # the run went on


# ---- nothing changed silently ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("completion", b'{"prompt": "a ->", "prompt": "b ->", "completion": " x\\n"}'),
        ("chat", b'{"messages": [{"role": "user", "content": "a", "content": "b"}, {"role": "assistant", "content": "c"}]}'),
        ("alpaca", b'{"instruction": "a", "output": "b", "output": "c"}'),
        ("sharegpt", b'{"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}], "system": "x", "system": "y"}'),
        ("completion", b'{"prompt": "a ->", "\\u0070rompt": "b ->", "completion": " x\\n"}'),  # the same key, escaped
    ],
)
def test_duplicate_keys_are_rejects(tmp_path: Path, source: str, line: bytes) -> None:
    records, rejected, _ = run(tmp_path, "d.jsonl", line + b"\n", source=source)
    assert records == [] and len(rejected) == 1
    assert rejected[0]["reason"].startswith("duplicate key ") and rejected[0]["text"] == line.decode()


def test_sharegpt_content_chat_cannot_carry(tmp_path: Path) -> None:
    turns = [{"from": "human", "value": "<image>What is it?"}, {"from": "gpt", "value": "A cat."}]
    data = jsonl(
        {"conversations": turns, "images": ["cat.png"]},
        {"conversations": [{**turns[0], "lang": "en"}, turns[1]]},
        {"conversations": turns, "system": ["not", "text"]},
        {"conversations": turns, "id": "a1"},
        {"conversations": turns, "id": "a2"},
        {"conversations": [turns[0], {**turns[1], "weight": 0}]},
    )
    records, rejected, summary = run(tmp_path, "s.jsonl", data)
    assert [(r["line"], r["reason"]) for r in rejected] == [
        (1, '"images": chat text examples cannot carry them'),
        (2, "conversations[0] has keys chat cannot carry (lang)"),
        (3, '"system" is not a string'),
    ]
    assert len(records) == 3 and records[2]["messages"][1] == {"role": "assistant", "content": "A cat.", "weight": 0}
    assert "key 'id' not carried into chat (dropped from 2 rows)" in summary.notes  # type: ignore[attr-defined]


def test_alpaca_keys_not_carried_are_counted(tmp_path: Path) -> None:
    _, _, summary = run(tmp_path, "a.jsonl", jsonl({"instruction": "a", "output": "b", "source": "web"}))
    assert summary.notes == ["key 'source' not carried into chat (dropped from 1 row)"]  # type: ignore[attr-defined]


def test_unterminated_csv_quote_is_a_reject_with_its_line(tmp_path: Path) -> None:
    data = b'question,answer\nq1,a1\nq2,"a2 is never closed\nq3,a3\nq4,a4\n'
    records, rejected, _summary = run(tmp_path, "t.csv", data)
    assert records == [{"messages": [{"role": "user", "content": "q1"}, {"role": "assistant", "content": "a1"}]}]
    assert [(r["line"], r["reason"]) for r in rejected] == [(3, "a quote opened here is never closed: it would take in every row after it")]
    assert rejected[0]["text"] == 'q2,"a2 is never closed\nq3,a3\nq4,a4'  # the rows it took in are in the reject, not lost


def test_rejects_keep_the_original_bytes(tmp_path: Path) -> None:
    line = b'{"prompt": "caf\xe9 ->", "completion": " x\\n"}'
    _, rejected, _ = run(tmp_path, "old.jsonl", line + b"\n" + jsonl({"prompt": "a ->", "completion": " b\n"}))
    assert base64.b64decode(rejected[0]["base64"]) == line  # not U+FFFD
    latin1 = "question,answer\ncafé,crème\nok,fine\n".encode("latin-1")
    _, rejected, _ = run(tmp_path, "t.csv", latin1)
    assert base64.b64decode(rejected[0]["base64"]) == "café,crème".encode("latin-1")
    _, rejected, _ = run(tmp_path, "t.csv", b'question,answer\n"a, b",x,y\n')
    assert rejected[0]["text"] == '"a, b",x,y'  # the row as written, not its fields joined again


def test_blank_lines_are_counted_and_named(tmp_path: Path) -> None:
    data = jsonl({"prompt": "a", "completion": "b"}) + b"\n   \n" + jsonl({"prompt": "c", "completion": "d"})
    records, _, summary = run(tmp_path, "old.jsonl", data)
    assert len(records) == 2 and summary.notes[0] == "2 blank lines skipped (lines 2, 3)"  # type: ignore[attr-defined]


# ---- inputs read once, never overwritten -------------------------------------------------------


def _restarting_file(path: Path) -> bytes:
    """More than one block: the first block's prompts end with "\\n\\n###\\n\\n", most later ones
    with " ->", so the whole file's separator differs and conversion starts over."""
    rows = [{"prompt": f"q{i}" + "x" * 200 + "\n\n###\n\n", "completion": f" a{i}\n"} for i in range(12_000)]
    rows += [{"prompt": f"r{i}" + "y" * 200 + " ->", "completion": f" b{i}\n"} for i in range(40_000)]
    data = jsonl(*rows)
    path.write_bytes(data)
    return data


def test_a_pipe_is_read_once_even_when_conversion_starts_over(tmp_path: Path) -> None:
    data = _restarting_file(tmp_path / "big.jsonl")
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "jsonl_lint", "convert", "-", "-o", str(out)], input=data, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "converted 52000 rows" in done.stderr.decode() and "converted twice" in done.stderr.decode()
    assert sum(1 for _ in out.open("rb")) == 52_000


def test_a_named_fifo_does_not_hang(tmp_path: Path) -> None:
    data = _restarting_file(tmp_path / "big.jsonl")
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as writer:
            writer.write(data)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "jsonl_lint", "convert", str(fifo), "-o", str(out), "--from", "completion"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    feeder.join(5)
    assert done.returncode == 0, done.stderr
    assert sum(1 for _ in out.open("rb")) == 52_000


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_rejects_never_overwrite_the_input_or_the_output(tmp_path: Path, link: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "data.jsonl"
    original = jsonl({"prompt": "a", "completion": "b"}, {"prompt": "", "completion": "c"})
    source.write_bytes(original)
    alias = tmp_path / "alias.jsonl"
    (os.symlink if link == "symlink" else os.link)(source, alias)
    out = tmp_path / "out.jsonl"
    out.write_text("old output\n")
    out_alias = tmp_path / "out-alias.jsonl"
    (os.symlink if link == "symlink" else os.link)(out, out_alias)
    assert main(["convert", str(source), "-o", str(tmp_path / "x.jsonl"), "--rejects", str(alias)]) == 2
    assert "is the input file; convert never overwrites its input" in capsys.readouterr().err
    assert main(["convert", str(source), "-o", str(out), "--rejects", str(out_alias)]) == 2
    assert capsys.readouterr().err == f"jsonl-lint: {out_alias}: is also the output (-o); name another file for --rejects\n"
    assert source.read_bytes() == original and out.read_text() == "old output\n"


# ---- every write checked -------------------------------------------------------------------------


def test_a_full_disk_on_standard_output_is_an_error(tmp_path: Path) -> None:
    source = tmp_path / "old.jsonl"
    source.write_bytes(jsonl(*({"prompt": f"q{i} ->", "completion": f" a{i}\n"} for i in range(30_000))))
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "jsonl_lint", "convert", str(source), "-o", "-"], stdout=full, stderr=subprocess.PIPE, check=False
        )
    assert done.returncode == 2
    assert done.stderr.decode() == "jsonl-lint: standard output: cannot write: No space left on device\n"


def test_a_closed_pipe_on_standard_output_is_an_error(tmp_path: Path) -> None:
    source = tmp_path / "old.jsonl"
    source.write_bytes(jsonl(*({"prompt": f"q{i} ->", "completion": f" a{i}\n"} for i in range(30_000))))
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads
    done = subprocess.run(
        [sys.executable, "-m", "jsonl_lint", "convert", str(source), "-o", "-"], stdout=writer, stderr=subprocess.PIPE, check=False
    )
    os.close(writer)
    assert done.returncode == 2
    assert done.stderr.decode() == "jsonl-lint: standard output: cannot write: Broken pipe\n"


def test_a_failed_write_names_the_target_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno

    source = tmp_path / "old.jsonl"
    source.write_bytes(jsonl({"prompt": "a ->", "completion": " b\n"}))

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    out = tmp_path / "new.jsonl"
    assert main(["convert", str(source), "-o", str(out)]) == 2
    assert capsys.readouterr().err == f"jsonl-lint: {out}: cannot write: No space left on device\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.jsonl"]


# ---- every converter accounts for every row (hypothesis) ------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "prompt",
                    "completion",
                    "messages",
                    "role",
                    "content",
                    "conversations",
                    "from",
                    "value",
                    "instruction",
                    "output",
                    "input",
                    "system",
                    "history",
                    "functions",
                    "tools",
                    "function_call",
                    "name",
                    "images",
                    "weight",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
LINES = st.one_of(
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=30).map(lambda b: b.replace(b"\n", b" ")),
    st.just(b""),
    st.just(b'{"a": 1, "a": 2}'),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
@given(
    lines=st.lists(LINES, min_size=1, max_size=8),
    name=st.sampled_from(["completion", "sharegpt", "alpaca", "chat"]),
    system=st.sampled_from([None, "Be kind."]),
)
def test_every_jsonl_row_is_converted_rejected_or_blank(tmp_path: Path, lines: list[bytes], name: str, system: str | None) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    summary = convert_file(str(source), str(tmp_path / "o.jsonl"), options=ConvertOptions(source=name, system=system))
    assert summary.converted + summary.rejected + summary.blanks == len(lines)
    assert sum(1 for _ in (tmp_path / "o.jsonl").open("rb")) == summary.converted


CELLS = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
@given(
    rows=st.lists(st.lists(CELLS, min_size=1, max_size=4), min_size=1, max_size=6),
    header=st.sampled_from([["prompt", "completion"], ["q", "a"]]),
)
def test_every_table_row_is_converted_rejected_or_blank(tmp_path: Path, rows: list[list[str]], header: list[str]) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([header, *rows])
    source = tmp_path / "in.csv"
    source.write_text(buffer.getvalue(), newline="")
    summary = convert_file(str(source), str(tmp_path / "o.jsonl"), options=ConvertOptions(user_column="1", assistant_column="2"))
    assert summary.converted + summary.rejected + summary.blanks == len(rows)


def test_every_registered_converter_is_documented_and_tested() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for name in REGISTRY:
        assert f"`{name}`" in readme, f"README's convert section does not name {name}"
