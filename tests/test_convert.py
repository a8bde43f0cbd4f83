"""jsonl-lint convert: each source format, round trips, bad input, and nothing lost or overwritten."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import corpus_file
from jsonl_lint import check_file
from jsonl_lint.cli import main
from jsonl_lint.convert import REGISTRY, ConvertOptions, convert_file
from jsonl_lint.convert.conventions import detect


def U(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def A(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


def convert_text(
    tmp_path: Path, name: str, text: str | bytes, **options: object
) -> tuple[list[dict[str, object]], list[dict[str, object]], object]:
    source = tmp_path / name
    source.write_bytes(text.encode() if isinstance(text, str) else text)
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    summary = convert_file(str(source), str(out), rejects_path=str(rejects), options=ConvertOptions(**options))  # type: ignore[arg-type]
    # JSONL lines end at "\n" only (str.splitlines would also split at U+0085, U+2028 ...)
    records = [json.loads(line) for line in out.read_text().split("\n") if line]
    rejected = [json.loads(line) for line in rejects.read_text().split("\n") if line] if rejects.exists() else []
    assert rejects.exists() == bool(rejected)  # no empty rejects file is left
    rejects.unlink(missing_ok=True)
    return records, rejected, summary


def jsonl(*records: object) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


# ---- prompt-completion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompts", "completions", "separator", "stop", "leading_space"),
    [
        (["a ->", "b ->"], [" x\n", " y\n"], " ->", "\n", True),
        (["Q1\n\n###\n\n", "Q2\n\n###\n\n"], [" one END", " two END"], "\n\n###\n\n", " END", True),
        (["is it?\n\n###\n", "is it not?\n\n###\n"], [" false###", " true###"], "\n\n###\n", "###", True),  # stop glued to the answer
        (["What?", "Why?"], ["Because.", "So."], "", "", False),  # a common "?" is content, not a separator
        (["a", "b"], ["}\nEND", "]\nEND"], "", "\nEND", False),
    ],
)
def test_detect_conventions(prompts: list[str], completions: list[str], separator: str, stop: str, leading_space: bool) -> None:
    found = detect(zip(prompts, completions))
    assert (found.separator, found.stop, found.leading_space) == (separator, stop, leading_space)


def test_completion_conversion_and_notes(tmp_path: Path) -> None:
    text = jsonl({"prompt": "Hi ->", "completion": " Hello END"}, {"prompt": "Bye ->", "completion": " Goodbye END"})
    records, rejected, summary = convert_text(tmp_path, "old.jsonl", text, system="Be kind.")
    assert records == [
        {"messages": [{"role": "system", "content": "Be kind."}, U("Hi"), A("Hello")]},
        {"messages": [{"role": "system", "content": "Be kind."}, U("Bye"), A("Goodbye")]},
    ]
    assert rejected == [] and summary.source == "completion"  # type: ignore[attr-defined]
    assert summary.notes == [  # type: ignore[attr-defined]
        "prompt separator ' ->' (detected on all 2 usable rows), stripped",
        "completion stop sequence ' END' (detected on all 2 usable rows), stripped",
        "the leading space of the completions stripped",
    ]


def test_completion_overrides_and_keep(tmp_path: Path) -> None:
    text = jsonl({"prompt": "Q##", "completion": " A!!"}, {"prompt": "R##", "completion": " B!!"})
    records, _, _ = convert_text(tmp_path, "a.jsonl", text, prompt_suffix="##", stop="!!")
    assert records[0] == {"messages": [U("Q"), A("A")]}
    records, _, _ = convert_text(tmp_path, "b.jsonl", text, keep_separators=True)
    assert records[0] == {"messages": [U("Q##"), A(" A!!")]}


def test_completion_bad_rows_are_rejected_with_line_and_reason(tmp_path: Path) -> None:
    text = (
        jsonl({"prompt": "a ->", "completion": " x\n"})
        + "{not json\n"
        + jsonl(
            {"prompt": "", "completion": " story\n"},
            {"prompt": "b ->", "completion": " \n"},
            {"prompt": "c ->"},
            {"prompt": "d ->", "completion": 5},
            {"prompt": "e ->", "completion": " y\n", "id": 7},
            [1],
        )
    )
    records, rejected, _ = convert_text(tmp_path, "old.jsonl", text, source="completion")
    assert records == [{"messages": [U("a"), A("x")]}]
    assert [(r["line"], r["reason"]) for r in rejected] == [
        (2, rejected[0]["reason"]),  # orjson's wording: checked below
        (
            3,
            "empty prompt (open-ended generation): a chat example needs a user turn; --empty-prompt assistant-only keeps it as an assistant message alone",
        ),
        (4, "empty completion: nothing for the assistant to learn"),
        (5, 'no "completion" key'),
        (6, '"completion" is not a string'),
        (7, "unexpected keys id: they would be lost"),
        (8, "not a JSON object"),
    ]
    assert rejected[0]["reason"].startswith("invalid JSON: ") and rejected[0]["text"] == "{not json"
    assert rejected[1]["text"] == '{"prompt": "", "completion": " story\\n"}'


def test_empty_prompt_policy(tmp_path: Path) -> None:
    text = jsonl({"prompt": "", "completion": " Once upon a time\n"}, {"prompt": "", "completion": " The end\n"})
    records, rejected, _ = convert_text(tmp_path, "gen.jsonl", text, empty_prompt="assistant-only")
    assert records == [{"messages": [A("Once upon a time")]}, {"messages": [A("The end")]}] and rejected == []


SAFE_TEXT = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=40).filter(
    lambda t: t.strip() and not t.endswith(("#", " ", "\n", "\t", "\r", "-", ">", "=", "~", "*", "|", "_", "D"))
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
@given(
    pairs=st.lists(st.tuples(SAFE_TEXT, SAFE_TEXT), min_size=2, max_size=6),
    separator=st.sampled_from([" ->", "\n\n###\n\n", "\n\n===\n\n", "\n\n---\n\n"]),
    stop=st.sampled_from([" END", "\n", "###"]),
)
def test_completion_round_trip_is_byte_exact(tmp_path: Path, pairs: list[tuple[str, str]], separator: str, stop: str) -> None:
    """Any text, with the old conventions added, comes back exactly, the conventions removed."""
    text = jsonl(*({"prompt": p + separator, "completion": " " + c + stop} for p, c in pairs))
    records, rejected, _ = convert_text(tmp_path, "rt.jsonl", text, source="completion")
    assert rejected == []
    assert [(r["messages"][0]["content"], r["messages"][1]["content"]) for r in records] == pairs


def test_corpus_legacy_files_convert_and_pass_the_check(tmp_path: Path) -> None:
    nerre = corpus_file("lbnlp__NERRE/doping_training_json.jsonl")
    out = tmp_path / "nerre.jsonl"
    summary = convert_file(str(nerre), str(out))
    assert (summary.converted, summary.rejected) == (413, 0)
    assert summary.notes[:2] == [
        "prompt separator '\\n\\n###\\n' (detected on all 413 usable rows), stripped",
        "completion stop sequence '\\nEND' (detected on all 413 usable rows), stripped",
    ]
    first = json.loads(out.read_text().splitlines()[0])["messages"]
    assert first[0]["content"].endswith("Extract doping information from this sentence.")
    assert first[1]["content"].startswith("{\n") and first[1]["content"].endswith("}")
    assert not check_file(out, model="gpt-4o-mini-2024-07-18").has_errors

    usingpt = corpus_file("usingpt__openai_test/fine_tune.jsonl")  # CRLF, no separator, no stop
    out = tmp_path / "usingpt.jsonl"
    summary = convert_file(str(usingpt), str(out))
    assert (summary.converted, summary.rejected) == (21, 0)
    assert summary.notes == [
        "no prompt separator shared by 90% of the prompts (detected on all 21 usable rows)",
        "no stop sequence shared by 90% of the completions (detected on all 21 usable rows)",
    ]
    assert json.loads(out.read_text().splitlines()[0])["messages"][0] == U("What are IT General Controls?")
    assert not check_file(out, model="gpt-4o-mini-2024-07-18").has_errors


# ---- CSV / TSV -------------------------------------------------------------------------------


def test_csv_known_headers_quotes_and_index_column(tmp_path: Path) -> None:
    text = ',question,answer\r\n0,"a, b","He said ""hi""\nand left"\r\n1,"x\r\ny",z\r\n2,"é ✓",""""\r\n'
    records, rejected, summary = convert_text(tmp_path, "qa.csv", text)
    assert records == [
        {"messages": [U("a, b"), A('He said "hi"\nand left')]},
        {"messages": [U("x\r\ny"), A("z")]},
        {"messages": [U("é ✓"), A('"')]},
    ]
    assert rejected == []
    assert summary.notes[:2] == ["index column '' ignored", "columns: user <- 'question', assistant <- 'answer'"]  # type: ignore[attr-defined]


def test_csv_bad_rows(tmp_path: Path) -> None:
    text = "prompt,completion\nok,fine\nonly one field\n,empty prompt\nx,y,z\n"
    records, rejected, _ = convert_text(tmp_path, "t.csv", text)
    assert records == [{"messages": [U("ok"), A("fine")]}]
    assert [(r["line"], r["reason"]) for r in rejected] == [
        (3, "1 fields where the header has 2"),
        (4, "empty 'prompt'"),
        (5, "3 fields where the header has 2"),
    ]


def test_tsv_named_columns_and_system(tmp_path: Path) -> None:
    text = "id\tsys\tq\ta\n1\tBe brief.\tHi\tHello\n"
    records, _, _ = convert_text(tmp_path, "t.tsv", text, user_column="q", assistant_column="a", system_column="sys")
    assert records == [{"messages": [{"role": "system", "content": "Be brief."}, U("Hi"), A("Hello")]}]


def test_csv_unknown_columns_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t.csv").write_text("a,b\n1,2\n")
    assert main(["convert", str(tmp_path / "t.csv"), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert "name them with --user-column and --assistant-column" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()  # nothing half-written


def test_csv_long_table_becomes_multi_turn(tmp_path: Path) -> None:
    text = (
        "conv,role,text\n1,user,Hi\n1,assistant,Hello\n1,user,Bye\n1,assistant,Bye!\n2,human,Q\n2,gpt,A\n3,user,x\n3,robot,y\n1,user,late\n"
    )
    records, rejected, _ = convert_text(tmp_path, "long.csv", text, conversation_column="conv", role_column="role", content_column="text")
    assert records == [{"messages": [U("Hi"), A("Hello"), U("Bye"), A("Bye!")]}, {"messages": [U("Q"), A("A")]}]
    assert [(r["line"], r["reason"]) for r in rejected] == [
        (8, "line 9: unknown role 'robot' (expected assistant, bot, gpt, human, system, user)"),
        (10, "conversation '1' continues after other conversations: its rows must be adjacent"),
    ]


CELL = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), min_size=1, max_size=30).filter(lambda t: t.strip())


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(rows=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=6), delimiter=st.sampled_from([",", "\t"]))
def test_csv_round_trip_is_byte_exact(tmp_path: Path, rows: list[tuple[str, str]], delimiter: str) -> None:
    """Unicode, quotes, commas, tabs, CRLF and newlines inside cells all survive exactly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["question", "answer"])  # prompt,completion tables are legacy data: their separators are stripped
    writer.writerows(rows)
    records, rejected, _ = convert_text(tmp_path, "rt.csv" if delimiter == "," else "rt.tsv", buffer.getvalue().encode())
    assert rejected == []
    assert [(r["messages"][0]["content"], r["messages"][1]["content"]) for r in records] == rows


def test_csv_invalid_utf8_row_is_rejected(tmp_path: Path) -> None:
    records, rejected, _ = convert_text(tmp_path, "t.csv", b"prompt,completion\ncaf\xe9,x\nok,fine\n")
    assert records == [{"messages": [U("ok"), A("fine")]}]
    assert [(r["line"], r["reason"]) for r in rejected] == [
        (2, "not valid UTF-8 (re-encode the file as UTF-8: it may be Latin-1 or Windows-1252)")
    ]


# ---- ShareGPT, Alpaca, chat -------------------------------------------------------------------


def test_sharegpt(tmp_path: Path) -> None:
    tools = json.dumps([{"name": "weather", "parameters": {"type": "object"}}])
    text = jsonl(
        {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}], "system": "Be kind."},
        {
            "conversations": [
                {"from": "human", "value": "Weather?"},
                {"from": "function_call", "value": '{"name": "weather", "arguments": {"city": "Paris"}}'},
                {"from": "observation", "value": "sunny"},
                {"from": "gpt", "value": "Sunny."},
            ],
            "tools": tools,
        },
        {"conversations": [{"from": "alien", "value": "?"}]},
        {"conversations": [{"from": "observation", "value": "x"}]},
    )
    records, rejected, _ = convert_text(tmp_path, "s.jsonl", text)
    assert records[0] == {"messages": [{"role": "system", "content": "Be kind."}, U("Hi"), A("Hello")]}
    assert records[1]["messages"][1:3] == [
        {
            "role": "assistant",
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": '{"city": "Paris"}'}}],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
    ]
    assert records[1]["tools"] == [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]
    assert [r["line"] for r in rejected] == [3, 4]
    assert rejected[0]["reason"].startswith("conversations[0] is from 'alien'")


def test_alpaca(tmp_path: Path) -> None:
    text = jsonl(
        {"instruction": "Translate", "input": "chat", "output": "cat"},
        {"instruction": "Say hi", "input": "", "output": "hi", "system": "Be brief.", "history": [["q", "a"]]},
        {"instruction": "No output"},
    )
    records, rejected, _ = convert_text(tmp_path, "a.jsonl", text)
    assert records == [
        {"messages": [U("Translate\n\nchat"), A("cat")]},
        {"messages": [{"role": "system", "content": "Be brief."}, U("q"), A("a"), U("Say hi"), A("hi")]},
    ]
    assert [(r["line"], r["reason"]) for r in rejected] == [(3, 'no "output" text')]


def test_chat_normalisation(tmp_path: Path) -> None:
    text = jsonl(
        [U("Hi"), A("Hello")],
        {
            "messages": [
                U("Weather?"),
                {"role": "assistant", "content": None, "function_call": {"name": "weather", "arguments": "{}"}},
                {"role": "function", "name": "weather", "content": "sunny"},
                A("Sunny."),
            ],
            "functions": [{"name": "weather"}],
        },
        {"messages": [U("x"), {"role": "function", "name": "f", "content": "y"}]},
        [1, 2],
    )
    records, rejected, summary = convert_text(tmp_path, "c.jsonl", text)
    assert records[0] == {"messages": [U("Hi"), A("Hello")]}
    assert records[1] == {
        "messages": [
            U("Weather?"),
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
            A("Sunny."),
        ],
        "tools": [{"type": "function", "function": {"name": "weather"}}],
    }
    assert [(r["line"], r["reason"]) for r in rejected] == [
        (3, "a function message for 'f' answers no earlier function_call"),
        (4, "a JSON array that is not a list of messages"),
    ]
    assert summary.notes == [
        '1 bare message arrays wrapped as {"messages": [...]}',
        "1 records moved from functions/function_call to tools/tool_calls",
    ]  # type: ignore[attr-defined]
    out = tmp_path / "out.jsonl"
    assert [p.code for p in check_file(out).problems if p.severity.label == "error"] == ["JL701"]


# ---- the command ------------------------------------------------------------------------------


def test_cli_summary_rejects_on_stderr_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "old.jsonl"
    source.write_text(jsonl({"prompt": "a ->", "completion": " x\n"}, {"prompt": "", "completion": " y\n"}))
    assert main(["convert", str(source), "-o", str(tmp_path / "new.jsonl")]) == 1
    err = capsys.readouterr().err
    assert (
        err.splitlines()[0]
        == f"{source}:2: rejected: empty prompt (open-ended generation): a chat example needs a user turn; --empty-prompt assistant-only keeps it as an assistant message alone"
    )
    assert f"converted 1 row (completion) to {tmp_path / 'new.jsonl'}; rejected 1 (listed above)" in err
    assert main(["convert", str(source), "-o", str(tmp_path / "new2.jsonl"), "--empty-prompt", "assistant-only"]) == 0


def test_cli_escapes_in_separators(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "old.jsonl"
    source.write_text(jsonl({"prompt": "a\n\n###\n\n", "completion": " x"}))
    main(["convert", str(source), "-o", str(tmp_path / "n.jsonl"), "--prompt-suffix", "\\n\\n###\\n\\n", "--stop", ""])
    assert json.loads((tmp_path / "n.jsonl").read_text())["messages"][0] == U("a")


def test_never_overwrites_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "data.jsonl"
    original = jsonl({"prompt": "a", "completion": "b"})
    source.write_text(original)
    for argv in (
        ["-o", str(source)],
        ["-o", str(tmp_path / "x.jsonl"), "--rejects", str(source)],
        ["-o", str(tmp_path / "." / "data.jsonl")],
    ):
        assert main(["convert", str(source), *argv]) == 2
    assert source.read_text() == original
    assert "is the input file; convert never overwrites its input" in capsys.readouterr().err


def test_stdin_to_stdout(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    data = jsonl(*({"prompt": f"q{i} ->", "completion": f" a{i}\n"} for i in range(3))).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["convert", "-", "-o", "-"]) == 0
    out = capsysbinary.readouterr().out
    assert [json.loads(line) for line in out.splitlines()] == [{"messages": [U(f"q{i}"), A(f"a{i}")]} for i in range(3)]


def test_unknown_format_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.jsonl").write_text('{"foo": 1}\n')
    assert main(["convert", str(tmp_path / "x.jsonl"), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert "cannot tell the format of" in capsys.readouterr().err


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
@given(data=st.binary(max_size=200), source=st.sampled_from(sorted(REGISTRY)))
def test_no_input_makes_convert_crash(tmp_path: Path, data: bytes, source: str) -> None:
    path = tmp_path / "in.bin"
    path.write_bytes(data)
    code = main(["convert", str(path), "-o", str(tmp_path / "o.jsonl"), "--from", source, "--rejects", str(tmp_path / "r.jsonl")])
    assert code in (0, 1, 2)


def _mixed_separators(path: Path) -> None:
    """The first rows end prompts with "\\n\\n###\\n\\n", later ones only with "\\n###\\n"."""
    rows = [{"prompt": f"q{i}\n\n###\n\n", "completion": f" a{i} END"} for i in range(300)]
    rows += [{"prompt": f"r{i} x\n###\n", "completion": f" b{i} END"} for i in range(50)]
    path.write_text(jsonl(*rows))


def test_later_rows_with_other_conventions_are_converted_as_whole_file_detection_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jsonl_lint import parallel

    monkeypatch.setattr(parallel, "BATCH_BYTES", 1 << 10)  # the first block sees only the longer separator
    source = tmp_path / "mixed.jsonl"
    _mixed_separators(source)
    out = tmp_path / "out.jsonl"
    summary = convert_file(str(source), str(out))
    assert summary.notes[0] == "converted twice: the first rows do not share the conventions of the whole file"
    # 300 of 350 rows (86%) end with "\\n\\n###\\n\\n": not enough; all of them end with "\\n"
    assert summary.notes[1] == "prompt separator '\\n' (detected on all 350 usable rows), stripped"
    records = [json.loads(line) for line in out.read_text().split("\n") if line]
    assert (summary.converted, len(records)) == (350, 350)
    assert records[0]["messages"][0]["content"] == "q0\n\n###\n" and records[-1]["messages"][0]["content"] == "r49 x\n###"
    # the same as detecting over the whole file first, which output to a stream does
    assert records == [json.loads(line) for line in _to_stdout(source, monkeypatch).split(b"\n") if line]


def _to_stdout(source: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    buffer = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(buffer))
    convert_file(str(source), "-")
    sys.stdout.flush()
    return buffer.getvalue()


def test_stdin_is_read_once_and_converted_as_a_file_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A restart reads standard input again from a copy, never from the pipe (which is empty by then)."""
    from jsonl_lint import parallel

    monkeypatch.setattr(parallel, "BATCH_BYTES", 1 << 10)
    source = tmp_path / "mixed.jsonl"
    _mixed_separators(source)
    convert_file(str(source), str(tmp_path / "from-file.jsonl"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(_Pipe(source.read_bytes())))
    out = tmp_path / "out.jsonl"
    summary = convert_file("-", str(out))
    assert summary.converted == 350 and summary.notes[0].startswith("converted twice")
    assert out.read_bytes() == (tmp_path / "from-file.jsonl").read_bytes()


class _Pipe(io.BytesIO):
    """Bytes that can be read once, like a pipe: no seeking back."""

    def seekable(self) -> bool:
        return False

    def seek(self, *args: object) -> int:
        raise io.UnsupportedOperation("not seekable")

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no file descriptor")
