"""The shared corpus's files judged under their trainer's profile (skipped without the corpus)."""

from __future__ import annotations

import pytest

from conftest import corpus_file
from jsonl_lint import check_file
from jsonl_lint.problems import Severity

# (file, profile, model, verdict, error codes): what the trainer does with the file.
VERDICTS = [
    # The cookbook's deliberately flawed sample: 5 examples, OpenAI needs 10.
    ("eunseo-com__openai-cookbook/toy_chat_fine_tuning.jsonl", "openai", None, "reject", {"JL701"}),
    ("eunseo-com__openai-cookbook/drone_training.jsonl", "openai", None, "accept", set()),
    # On Mistral its call ids ("call_id") are not 9 letters or digits, and its tools have no description.
    ("eunseo-com__openai-cookbook/drone_training.jsonl", "mistral", None, "reject", {"JL307", "JL308"}),
    # On Together it carries `parallel_tool_calls`, a column Together's checks refuse.
    ("eunseo-com__openai-cookbook/drone_training.jsonl", "together", None, "reject", {"JL208"}),
    ("togethercomputer__together-cookbook/small_coqa_10.jsonl", "together", None, "accept", set()),
    ("togethercomputer__together-cookbook/rewardbench2_dpo_val.jsonl", "together", None, "accept", set()),
    ("mistralai__mistral-finetune/test_data.jsonl", "mistral", None, "accept", set()),
    ("usingpt__openai_test/fine_tune.jsonl", "openai", "babbage-002", "accept", set()),
    ("lbnlp__NERRE/doping_training_json.jsonl", "openai", "davinci-002", "accept", set()),
]


@pytest.mark.parametrize(("relative", "profile", "model", "verdict", "codes"), VERDICTS, ids=[f"{v[1]}: {v[0]}" for v in VERDICTS])
def test_corpus_file_under_its_trainer(relative: str, profile: str, model: str | None, verdict: str, codes: set[str]) -> None:
    report = check_file(corpus_file(relative), profile=profile, model=model, jobs=1)
    errors = {p.code for p in report.problems if p.severity is Severity.ERROR}
    assert ("reject" if errors else "accept", errors) == (verdict, codes)
