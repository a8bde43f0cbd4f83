"""Converters on real legacy data: conventions most rows share, markers beyond a fixed list,
tables like JSONL, headerless and wide tables, XLSX, escaped newlines, truthful summaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import corpus_file, lines_of
from jsonl_lint import check_lines
from jsonl_lint.cli import main
from jsonl_lint.convert import ConvertOptions, Flagged, convert_file
from jsonl_lint.convert.conventions import detect


def jsonl(*values: object) -> str:
    return "".join(json.dumps(v) + "\n" for v in values)


def run(
    tmp_path: Path, name: str, text: str | bytes, **options: object
) -> tuple[list[list[dict[str, str]]], list[dict[str, object]], object, list[Flagged]]:
    source = tmp_path / name
    source.write_bytes(text.encode() if isinstance(text, str) else text)
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    rejects.unlink(missing_ok=True)
    flagged: list[Flagged] = []
    summary = convert_file(str(source), str(out), rejects_path=str(rejects), options=ConvertOptions(**options), on_flag=flagged.append)  # type: ignore[arg-type]
    records = [json.loads(line)["messages"] for line in out.read_text().split("\n") if line]
    rejected = [json.loads(line) for line in rejects.read_text().split("\n") if line] if rejects.exists() else []
    return records, rejected, summary, flagged


# ---- detection by majority -------------------------------------------------------------------


def test_one_row_without_the_separator_does_not_defeat_detection(tmp_path: Path) -> None:
    rows = [{"prompt": f"Question {i}\n\n###\n\n", "completion": f" Answer {i} END"} for i in range(41)]
    rows[17]["prompt"] = "Question 17"  # the real file's one odd prompt
    records, _, summary, flagged = run(tmp_path, "old.jsonl", jsonl(*rows))
    assert records[0] == [{"role": "user", "content": "Question 0"}, {"role": "assistant", "content": "Answer 0"}]
    assert all(not m["content"].endswith(("###", "\n", "END")) for r in records for m in r)
    assert summary.notes[:2] == [  # type: ignore[attr-defined]
        "prompt separator '\\n\\n###\\n\\n' (detected on all 41 usable rows), stripped",
        "1 prompts without it, kept whole: lines 18",
    ]
    assert flagged == [Flagged(18, "the prompt does not end with the separator '\\n\\n###\\n\\n' most rows end with: kept whole")]


def test_a_rejected_row_takes_no_part_in_detection(tmp_path: Path) -> None:
    rows = [{"prompt": f"q{i} ->", "completion": f" a{i}\n"} for i in range(9)]
    rows += [{"prompt": f"odd{i} ##", "completion": f" b{i}", "id": i} for i in range(2)]  # rejected: an extra key
    _, rejected, summary, flagged = run(tmp_path, "old.jsonl", jsonl(*rows))
    assert len(rejected) == 2 and flagged == []
    assert summary.notes[0] == "prompt separator ' ->' (detected on all 9 usable rows), stripped"  # type: ignore[attr-defined]


@pytest.mark.parametrize("stop", [" [END]", "***", "+++", "&&&", "$$$", "@@@", "%%%", "<|end|>", " END", "\nEND", "###", "</s>", " <EOS>"])
def test_stop_markers_beyond_a_fixed_list(stop: str) -> None:
    completions = [f" The answer is {word}.{stop}" for word in ("yes", "no", "maybe", "later")]
    assert detect((f"q{i} ->", c) for i, c in enumerate(completions)).stop == stop


@pytest.mark.parametrize(
    ("completions", "stop"),
    [
        ([" positive\n", " negative\n", " positive\n"], "\n"),  # labels share only the newline
        ([" It is done.", " Not yet.", " Soon."], ""),  # full stops are text
        ([" ok thanks", " fine thanks", " no thanks"], ""),  # a shared last word is text
        ([" WEEKEND", " LEGEND", " SEND"], ""),  # END inside a word is text
        ([" a $$", " b $$"], ""),  # two marks are text (LaTeX, bold), three are a marker
    ],
)
def test_shared_real_text_is_not_a_stop(completions: list[str], stop: str) -> None:
    assert detect((f"q{i} ->", c) for i, c in enumerate(completions)).stop == stop


# ---- tables --------------------------------------------------------------------------------------


def test_a_prompt_completion_csv_is_detected_like_jsonl(tmp_path: Path) -> None:
    text = 'prompt,completion\n"Q1\n\n###\n\n"," A1 END"\n"Q2\n\n###\n\n"," A2 END"\n'
    records, _, summary, _ = run(tmp_path, "old.csv", text)
    assert records == [[{"role": "user", "content": f"Q{i}"}, {"role": "assistant", "content": f"A{i}"}] for i in (1, 2)]
    assert "completion stop sequence ' END' (detected on all 2 rows), stripped" in summary.notes  # type: ignore[attr-defined]


def test_a_headerless_table_by_column_numbers(tmp_path: Path) -> None:
    text = "Hi,Hello\nBye,Goodbye\n"
    records, _, summary, _ = run(tmp_path, "t.csv", text, header=False, user_column="1", assistant_column="2")
    assert records == [
        [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}],
        [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye"}],
    ]
    assert summary.notes == ["columns: user <- column 1, assistant <- column 2"]  # type: ignore[attr-defined]


def test_the_message_says_the_first_row_was_read_as_the_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t.csv").write_text("Hi,Hello\nBye,Goodbye\n")
    assert main(["convert", str(tmp_path / "t.csv"), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert capsys.readouterr().err == (
        "jsonl-lint: cannot tell the user and assistant columns of the header Hi, Hello: name them with --user-column and"
        " --assistant-column (or --no-header if the first row is data: it was read as the header)\n"
    )


def test_wide_rows_with_several_turns(tmp_path: Path) -> None:
    text = "Be brief.,Hi,Hello,How are you?,Fine\n,Q,A,,\nS,Q,,Q2,A2\n"
    records, rejected, _, _ = run(tmp_path, "wide.csv", text, header=False, columns=("system", "user", "assistant", "user", "assistant"))
    assert records == [
        [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello"},
            {"role": "user", "content": "How are you?"},
            {"role": "assistant", "content": "Fine"},
        ],
        [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}],  # trailing empty turns end it early
    ]
    assert [(r["line"], r["reason"]) for r in rejected] == [(3, "column 3 is empty but column 4 is not: a turn is missing")]


def test_wide_rows_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "w.csv").write_text("sys,u,a\nS,Q,A\n")
    assert main(["convert", str(tmp_path / "w.csv"), "-o", str(tmp_path / "o.jsonl"), "--columns", "system, user, assistant"]) == 0
    assert json.loads((tmp_path / "o.jsonl").read_text())["messages"][0] == {"role": "system", "content": "S"}


def test_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl", reason="the xlsx extra is not installed")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["question", "answer"])
    sheet.append(["What is 2 + 2?", 4])
    sheet.append(["Capital of France?", "Paris"])
    book.save(tmp_path / "qa.xlsx")
    records, rejected, _, _ = run(tmp_path, "qa.xlsx", (tmp_path / "qa.xlsx").read_bytes())
    assert records == [
        [{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4"}],
        [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris"}],
    ]
    assert rejected == []


def test_a_damaged_xlsx_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("openpyxl", reason="the xlsx extra is not installed")
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really")
    assert main(["convert", str(tmp_path / "bad.xlsx"), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert "not a readable .xlsx workbook" in capsys.readouterr().err


# ---- escaped newlines ----------------------------------------------------------------------------

ESCAPED = jsonl({"prompt": "Write two lines ->", "completion": " one\\ntwo END"}, {"prompt": "Say hi ->", "completion": " hi END"})


def test_escaped_newlines_are_reported(tmp_path: Path) -> None:
    records, _, summary, _ = run(tmp_path, "old.jsonl", ESCAPED)
    assert records[0][1]["content"] == "one\\ntwo"
    assert summary.notes[-1] == (  # type: ignore[attr-defined]
        "warning: 1 row with escaped newlines (a backslash and n, more than real newlines), kept as they are"
        " (--unescape turns them into newlines): lines 1"
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("old.jsonl", ESCAPED),
        (
            "chat.jsonl",
            jsonl({"messages": [{"role": "user", "content": "Write two lines"}, {"role": "assistant", "content": "one\\ntwo"}]}),
        ),
    ],
)
def test_unescape_turns_them_into_newlines(tmp_path: Path, name: str, text: str) -> None:
    records, _, summary, _ = run(tmp_path, name, text, unescape=True)
    assert records[0][-1]["content"] == "one\ntwo"
    assert (
        summary.notes[-1]
        == "1 row with escaped newlines (a backslash and n, more than real newlines) turned into newlines (--unescape): lines 1"
    )  # type: ignore[attr-defined]


def test_check_warns_about_escaped_newlines() -> None:
    escaped = jsonl({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "a\\nb\\nc\nd"}]})
    real = jsonl(
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "C:\\new\na\nb"}]}
    )  # fewer than real ones
    assert [(p.code, p.message) for p in check_lines(lines_of(escaped), select=("JL220",)).problems] == [
        ("JL220", "the assistant message holds 2 escaped newlines (backslash, n) and 1 real ones")
    ]
    assert list(check_lines(lines_of(real), select=("JL220",)).problems) == []


# ---- truthful summaries --------------------------------------------------------------------------


def test_the_summary_says_which_rows_detection_ran_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"prompt": f"q{i} ->", "completion": f" a{i}\n"} for i in range(21)]
    (tmp_path / "old.jsonl").write_text(jsonl(*rows) + "\n")
    assert main(["convert", str(tmp_path / "old.jsonl"), "-o", "-", "--rejects", str(tmp_path / "r.jsonl")]) == 0
    assert capsys.readouterr().err == (
        "converted 21 rows (completion) to standard output\n"
        "  1 blank line skipped (line 22)\n"
        "  prompt separator ' ->' (detected on all 21 usable rows), stripped\n"
        "  completion stop sequence '\\n' (detected on all 21 usable rows), stripped\n"
        "  the leading space of the completions stripped\n"
    )
    assert not (tmp_path / "r.jsonl").exists()  # nothing rejected: no empty rejects file


# ---- the shared corpus's legacy files ------------------------------------------------------------

LEGACY = [
    # file, separator, stop, rows
    ("usingpt__openai_test/fine_tune.jsonl", "", "", 21),
    ("lbnlp__NERRE/doping_training_json.jsonl", "\n\n###\n", "\nEND", 413),
]


@pytest.mark.parametrize(("name", "separator", "stop", "rows"), LEGACY, ids=[item[0] for item in LEGACY])
def test_corpus_legacy_files(tmp_path: Path, name: str, separator: str, stop: str, rows: int) -> None:
    path = corpus_file(name)
    out = tmp_path / "out.jsonl"
    summary = convert_file(str(path), str(out))
    assert (summary.converted, summary.rejected, summary.flagged) == (rows, 0, 0)
    expected_separator = (
        f"prompt separator {separator!r} (detected on all {rows} usable rows), stripped"
        if separator
        else (f"no prompt separator shared by 90% of the prompts (detected on all {rows} usable rows)")
    )
    expected_stop = (
        f"completion stop sequence {stop!r} (detected on all {rows} usable rows), stripped"
        if stop
        else (f"no stop sequence shared by 90% of the completions (detected on all {rows} usable rows)")
    )
    assert summary.notes[:2] == [expected_separator, expected_stop]
    for line in out.read_text().split("\n")[:-1]:
        user, assistant = json.loads(line)["messages"]
        assert not (separator and user["content"].endswith(separator)) and not (stop and assistant["content"].endswith(stop))
        assert not assistant["content"].endswith(("###", "END")) and not user["content"].endswith("###")
