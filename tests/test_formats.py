"""Format detection: the first record fixes the format, the model decides which formats fit."""

from __future__ import annotations

import json

import pytest

from conftest import found, problems
from jsonl_lint import UsageError, check_lines

CHAT = json.dumps({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]})
COMPLETION = json.dumps({"prompt": "hi", "completion": "hello"})
PREFERENCE = json.dumps(
    {
        "input": {"messages": [{"role": "user", "content": "hi"}]},
        "preferred_output": [{"role": "assistant", "content": "hello"}],
        "non_preferred_output": [{"role": "assistant", "content": "go away"}],
    }
)
RFT = json.dumps({"messages": [{"role": "developer", "content": "be brief"}, {"role": "user", "content": "2+2?"}], "answer": "4"})
SHAREGPT = json.dumps({"conversations": [{"from": "human", "value": "hi"}]})

STRUCTURE = ("JL1",)


@pytest.mark.parametrize(
    ("lines", "options", "expected_format"),
    [
        ([CHAT], {}, "chat"),
        ([PREFERENCE], {}, "preference"),
        ([COMPLETION], {"model": "davinci-002"}, "completion"),
        ([RFT], {"model": "o4-mini-2025-04-16"}, "rft"),
        ([RFT], {"data_format": "rft"}, "rft"),
        ([SHAREGPT, CHAT], {}, "chat"),  # the first record with a known format decides
        (['{"text": "a document"}'], {"profile": "together"}, "text"),
    ],
)
def test_detected_format(lines: list[str], options: dict[str, str], expected_format: str) -> None:
    report = check_lines([(line + "\n").encode() for line in lines], **options)
    assert report.data_format == expected_format


def test_clean_files_of_each_format_pass() -> None:
    assert found(CHAT, select=STRUCTURE) == []
    assert found(PREFERENCE, select=STRUCTURE) == []
    assert found(COMPLETION, model="babbage-002", select=STRUCTURE) == []
    assert found(RFT, model="o4-mini", select=STRUCTURE) == []


def test_record_of_another_format_is_an_error_on_its_line() -> None:
    [problem] = problems(f"{CHAT}\n{COMPLETION}\n{CHAT}\n", select=STRUCTURE)
    assert (problem.line, problem.code) == (2, "JL102")
    assert (
        problem.message
        == "this record is prompt-completion (legacy) but the file is chat (supervised) (from line 1); a file holds one format"
    )


def test_forced_format_names_its_origin() -> None:
    [problem] = problems(f"{CHAT}\n", data_format="completion", model="davinci-002", select=STRUCTURE)
    assert problem.message.endswith("(from --data-format); a file holds one format")


def test_completion_file_for_a_chat_model_is_one_error_saying_what_to_do() -> None:
    report = check_lines([(COMPLETION + "\n").encode()] * 20, path="old.jsonl", select=STRUCTURE)
    assert [(p.line, p.code) for p in report.problems] == [(1, "JL103")]
    assert report.problems[0].message == (
        "this is a prompt-completion (legacy) file, but gpt-4o-mini-2024-07-18 trains on chat (supervised) and "
        "preference (DPO); convert it with `jsonl-lint convert old.jsonl -o OUT.jsonl`; "
        "models that train on it: davinci-002, babbage-002"
    )


def test_chat_file_for_a_completion_model() -> None:
    [problem] = problems(CHAT, model="davinci-002", select=STRUCTURE)
    assert problem.code == "JL103"
    assert problem.message.startswith("this is a chat (supervised) file, but davinci-002 trains on prompt-completion (legacy)")


def test_preference_file_for_a_model_without_dpo() -> None:
    [problem] = problems(PREFERENCE, model="gpt-3.5-turbo-0125", select=STRUCTURE)
    assert problem.code == "JL103"
    assert "models that train on it: gpt-4.1-2025-04-14" in problem.message


def test_unknown_shape_says_how_to_convert() -> None:
    [problem] = problems(SHAREGPT, select=STRUCTURE)
    assert problem.code == "JL104"
    assert (
        problem.message
        == "cannot tell this record's format (keys: conversations); ShareGPT (`conversations`): convert it with `jsonl-lint convert --from sharegpt`"
    )


def test_record_missing_the_format_keys_after_the_format_is_known_is_a_schema_problem() -> None:
    assert found(f'{CHAT}\n{{"message": []}}\n', select=STRUCTURE) == [(2, 1, "JL101"), (2, 2, "JL101")]


def test_model_aliases() -> None:
    assert check_lines([CHAT.encode()], model="gpt-4o-mini").model == "gpt-4o-mini-2024-07-18"


def test_unknown_model_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"unknown model 'gpt-5' for profile 'openai'; known models: gpt-4.1-2025-04-14, "):
        check_lines([CHAT.encode()], model="gpt-5")


def test_unknown_profile() -> None:
    with pytest.raises(UsageError, match="unknown profile 'nope'; known profiles: "):
        check_lines([CHAT.encode()], profile="nope")


def test_plain_text_is_for_together_and_mistral_only() -> None:
    assert found('{"text": "a document"}', profile="mistral", select=STRUCTURE) == []
    assert found('{"text": "a document"}', select=STRUCTURE) == [(1, 1, "JL103")]


def test_records_of_one_key_after_the_format_is_known() -> None:
    """Records of the key of earlier ones pass the format test at once; records of another key do not."""
    text = (
        '{"text": "a"}\n{"text": "b"}\n' + '{"messages": [{"role": "user", "content": "x"}]}\n{"text": "c"}\n{"prompt": "p"}\n{"junk": 1}\n'
    )
    assert [(line, code) for line, _, code in found(text, model="babbage-002", select=STRUCTURE)] == [
        (1, "JL103"),
        (3, "JL102"),
        (5, "JL102"),
        (6, "JL101"),  # no format's keys: checked against the file's schema
        (6, "JL101"),
    ]
