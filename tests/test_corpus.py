"""Real public fine-tuning files (../shared/corpus), each with the verdict a careful reviewer gives."""

from __future__ import annotations

import pytest

from conftest import corpus_file, real_encoding
from jsonl_lint import check_file
from jsonl_lint.profiles import get_profile

# file -> options -> (records, data format, [(line, code), ...]) for the whole rule set, in line
# order (by column within a line), problems about the whole file last
CRLF_1_TO_20 = [(line, "JL013") for line in range(1, 21)]
VERDICTS = [
    # the cookbook's deliberately flawed sample: too few examples, one without a user message,
    # and a 26,000-character reply that only a 4,096-token model cannot take
    ("eunseo-com__openai-cookbook/toy_chat_fine_tuning.jsonl", {}, (5, "chat", [(4, "JL207"), (None, "JL701")])),
    (
        "eunseo-com__openai-cookbook/toy_chat_fine_tuning.jsonl",
        {"model": "gpt-3.5-turbo-0613"},
        (5, "chat", [(4, "JL207"), (5, "JL501"), (None, "JL701")]),
    ),
    # function calling examples that end with the call (no tool reply): the way to teach calls
    ("eunseo-com__openai-cookbook/drone_training.jsonl", {}, (103, "chat", [])),
    ("togethercomputer__together-cookbook/small_coqa_10.jsonl", {}, (10, "chat", [(None, "JL702")])),
    ("togethercomputer__together-cookbook/small_coqa_10.jsonl", {"profile": "together"}, (10, "chat", [])),
    # preference pairs about refusing to give out people's numbers: the rejected answers do
    ("togethercomputer__together-cookbook/rewardbench2_dpo_val.jsonl", {}, (356, "preference", [(232, "JL812"), (284, "JL812")])),
    # saved without the final newline (a warning `--fix` repairs)
    ("mistralai__mistral-finetune/test_data.jsonl", {}, (3, "chat", [(None, "JL014"), (None, "JL701")])),
    ("mistralai__mistral-finetune/test_data.jsonl", {"profile": "mistral"}, (3, "chat", [(None, "JL014")])),
    # legacy prompt-completion: one clear error for a chat model, clean for a completion model
    # (but for its Windows line endings and the missing final newline: warnings `--fix` repairs)
    ("usingpt__openai_test/fine_tune.jsonl", {}, (21, "completion", [(1, "JL103"), *CRLF_1_TO_20, (None, "JL014"), (None, "JL702")])),
    (
        "usingpt__openai_test/fine_tune.jsonl",
        {"model": "davinci-002"},
        (21, "completion", [*CRLF_1_TO_20, (None, "JL014"), (None, "JL702")]),
    ),
    ("lbnlp__NERRE/doping_training_json.jsonl", {}, (413, "completion", [(1, "JL103")])),
    ("lbnlp__NERRE/doping_training_json.jsonl", {"model": "babbage-002"}, (413, "completion", [])),
]


@pytest.mark.parametrize(("name", "options", "verdict"), VERDICTS, ids=[f"{v[0]}-{v[1]}" for v in VERDICTS])
def test_corpus_verdict(name: str, options: dict[str, str], verdict: tuple[int, str, list[tuple[int | None, str]]]) -> None:
    path = corpus_file(name)
    if any(code == "JL501" for _, code in verdict[2]):  # an exact OpenAI count: the model's own encoding
        real_encoding(get_profile(options.get("profile")).model(options.get("model")).encoding or "")
    report = check_file(path, **options)
    records, data_format, expected = verdict
    assert (report.records, report.data_format) == (records, data_format)
    assert [(p.line, p.code) for p in report.problems] == expected
