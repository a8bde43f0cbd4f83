"""Token counts and budgets (JL501): the count, the exact byte bound, offline encodings."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, TEST_ENCODING, messages_line, problems, real_encoding
from jsonl_lint import tokens
from strategies import VALID

U = {"role": "user", "content": "Hi"}
A = {"role": "assistant", "content": "Hello there"}


def test_count_follows_the_documented_overheads() -> None:
    enc = tokens.encoding(TEST_ENCODING)
    n = lambda text: len(enc.encode_ordinary(text))
    value = {"messages": [{**U, "name": "bob"}, A]}
    expected = 3 + (3 + n("user") + n("Hi") + n("bob") + 1) + (3 + n("assistant") + n("Hello there"))
    assert tokens.count_tokens(value, "chat", TEST_ENCODING) == expected


def test_tools_calls_and_images_are_counted() -> None:
    enc = tokens.encoding(TEST_ENCODING)
    tools = [{"type": "function", "function": {"name": "f"}}]
    call = {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}
    value = {
        "messages": [
            {
                "role": "user",
                "content": [{"type": "text", "text": "look"}, {"type": "image_url", "image_url": {"url": "https://e.com/a.png"}}],
            },
            call,
        ],
        "tools": tools,
    }
    strings = ["user", "look", "assistant", "c1", "f", "{}", json.dumps(tools, separators=(",", ":"))]
    expected = 3 + 3 + 3 + 85 + sum(len(enc.encode_ordinary(s)) for s in strings)
    assert tokens.count_tokens(value, "chat", TEST_ENCODING) == expected


LONG_ANSWER = {"role": "assistant", "content": "word " * 5000}
TOO_LONG_FOR_0613 = (
    "the example has 5,013 tokens but gpt-3.5-turbo-0613 takes at most 4,096 per example: "
    "training would cut off the last 917 (usually the assistant's answer)"
)


def test_over_the_limit_is_an_error_with_count_and_limit() -> None:
    [problem] = problems(messages_line(U, LONG_ANSWER), select=("JL501",), model="gpt-3.5-turbo-0613", encoding=TEST_ENCODING)
    assert (problem.line, problem.column, problem.code) == (1, 1, "JL501")
    # "word " * 5000 is 5,001 tokens ("word", 4,999 " word", " "); + priming 3 + user (3 + 1 + 1) + assistant (3 + 1)
    assert problem.message == TOO_LONG_FOR_0613


def test_the_count_is_openais() -> None:
    """The same figure with the model's own encoding, as OpenAI's cookbook counts it."""
    real_encoding("cl100k_base")
    [problem] = problems(messages_line(U, LONG_ANSWER), select=("JL501",), model="gpt-3.5-turbo-0613")
    assert problem.message == TOO_LONG_FOR_0613


def test_under_the_limit_is_fine_and_the_larger_model_takes_it() -> None:
    assert problems(messages_line(U, LONG_ANSWER), select=("JL501",), model="gpt-3.5-turbo-0125", encoding=TEST_ENCODING) == []


def test_max_tokens_override_and_no_token_check() -> None:
    line = messages_line(U, A)  # 3 + (3 + 1 + 1) + (3 + 1 + 2) = 14 tokens
    assert [p.code for p in problems(line, select=("JL501",), max_tokens=14, encoding=TEST_ENCODING)] == []
    assert [p.code for p in problems(line, select=("JL501",), max_tokens=13, encoding=TEST_ENCODING)] == ["JL501"]
    assert problems(line, select=("JL501",), max_tokens=10, token_check=False) == []


def test_each_file_is_held_to_its_own_limit() -> None:
    """The rule looks its limit and tokenizer up once per file: files checked one after another
    in one process each keep theirs."""
    line = messages_line(U, A)  # 14 tokens
    for _ in range(2):
        assert [p.code for p in problems(line, select=("JL501",), max_tokens=13, encoding=TEST_ENCODING)] == ["JL501"]
        assert problems(line, select=("JL501",), max_tokens=14, encoding=TEST_ENCODING) == []
        assert problems(line, select=("JL501",), max_tokens=13, token_check=False) == []


def test_completion_and_text_formats_are_counted() -> None:
    n = lambda text: len(tokens.encoding(TEST_ENCODING).encode_ordinary(text))
    assert tokens.count_tokens({"prompt": "a b", "completion": " c"}, "completion", TEST_ENCODING) == n("a b") + n(" c") == 5
    assert tokens.count_tokens({"text": "Hello there"}, "text", TEST_ENCODING) == 2


@pytest.mark.parametrize("encoding", ["o200k_base", "cl100k_base"])
def test_openai_encodings_count_words_as_the_tests_expect(encoding: str) -> None:
    real_encoding(encoding)
    assert tokens.count_tokens({"prompt": "a b", "completion": " c"}, "completion", encoding) == 3
    assert tokens.count_tokens({"text": "hello world"}, "text", encoding) == 2


TEXT = st.text(st.characters(codec="utf-8"), max_size=60)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    fmt=st.sampled_from(["chat", "preference", "completion", "text", "rft"]),
    data=st.data(),
    limit=st.integers(1, 200),
    ascii_only=st.booleans(),
)
def test_byte_bound_never_changes_the_verdict(fmt: str, data: st.DataObject, limit: int, ascii_only: bool) -> None:
    """The shortcut (skip examples whose byte bound is within the limit) gives the same verdicts
    as tokenizing everything, on any record, in compact or spaced JSON. The test encoding is the
    hard case: most of its tokens are single bytes, so counts come closest to the bound."""
    encoding = TEST_ENCODING
    value = data.draw(VALID[fmt])
    raw = json.dumps(value, ensure_ascii=ascii_only, separators=data.draw(st.sampled_from([(",", ":"), (", ", ": ")]))).encode()
    exact = tokens.count_tokens(value, fmt, encoding)
    bound = tokens.upper_bound(raw, value, fmt, limit)
    assert bound >= exact
    shortcut_says_fine = bound <= limit
    assert not (shortcut_says_fine and exact > limit)


def test_missing_encoding_is_one_clear_line_and_exit_2(tmp_path: object) -> None:
    data = tmp_path / "long.jsonl"  # type: ignore[operator]
    data.write_text(messages_line(U, {"role": "assistant", "content": "word " * 5000}) + "\n")
    env = {
        "PATH": "/usr/bin:/bin",
        "TIKTOKEN_CACHE_DIR": str(tmp_path),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
    }
    result = subprocess.run(
        [sys.executable, "-m", "jsonl_lint", "check", "--model", "gpt-3.5-turbo-0613", str(data)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("jsonl-lint: cannot load the tiktoken encoding 'cl100k_base'")
    assert "TIKTOKEN_CACHE_DIR" in result.stderr and "--no-token-check" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    skipped = subprocess.run(
        [sys.executable, "-m", "jsonl_lint", "check", "--no-token-check", "--model", "gpt-3.5-turbo-0613", str(data)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert skipped.returncode == 1 and "JL501" not in skipped.stdout  # JL701: one example only


def test_short_examples_never_load_an_encoding(tmp_path: object) -> None:
    code = (
        "import jsonl_lint, jsonl_lint.tokens as t; jsonl_lint.check_file('examples/chat.jsonl'); print(t.encoding.cache_info().currsize)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"


@pytest.mark.parametrize(
    ("model", "encoding"),
    [
        ("gpt-4o-2024-08-06", "o200k_base"),
        ("gpt-4.1-2025-04-14", "o200k_base"),
        ("gpt-3.5-turbo-0125", "cl100k_base"),
        ("davinci-002", "cl100k_base"),
    ],
)
def test_model_encodings_agree_with_tiktoken(model: str, encoding: str) -> None:
    import tiktoken

    from jsonl_lint.profiles import get_profile

    assert get_profile("openai").model(model).encoding == encoding
    assert tiktoken.encoding_name_for_model(model.rsplit("-20", 1)[0] if "gpt-4" in model else model) == encoding


def test_documented_examples_hold_with_the_models_encoding() -> None:
    """JL501's Fails and Passes examples (run offline with the test encoding by test_rule_registry)
    hold with the default model's own encoding too."""
    from test_rule_registry import example_blocks

    from jsonl_lint.rules.token_budget import TOO_MANY_TOKENS

    real_encoding("o200k_base")
    doc = TOO_MANY_TOKENS.doc
    fails = [line for line in example_blocks(doc, "Fails") if not line.startswith("#")]
    passes = [line for line in example_blocks(doc, "Passes") if not line.startswith("#")]
    assert [p.code for p in problems("\n".join(fails), select=("JL501",), max_tokens=20)] == ["JL501"]
    assert problems("\n".join(passes), select=("JL501",), max_tokens=20) == []


class CallsCounted:
    """A counter that says how often it tokenized: one token per message, stopping past a budget."""

    name = "calls"
    estimate = None

    def __init__(self) -> None:
        self.calls = 0

    def example(self, value: dict[str, object], budget: int | None = None) -> tokens.ExampleCount:
        self.calls += 1
        messages = value["messages"]
        assert isinstance(messages, list)
        complete = budget is None or len(messages) <= budget
        total = len(messages) if complete else (budget or 0) + 1
        return tokens.ExampleCount(len(messages), total, 0, {}, complete=complete)

    def upper_bound(self, raw: bytes, value: dict[str, object], limit: int) -> int | None:
        return None


def test_an_example_counted_again_at_once_is_not_tokenized_again() -> None:
    """The token budget rule and `report`'s statistics count the same record: once is enough,
    unless the first count stopped at its budget (then it is not the example's count)."""
    counter = CallsCounted()
    record = {"messages": [{"role": "user", "content": "a"}] * 3}
    assert tokens.guarded(counter, record, budget=10).total == 3
    assert tokens.guarded(counter, record).total == 3 and counter.calls == 1
    other = {"messages": [{"role": "user", "content": "a"}] * 3}  # equal, but another record
    assert tokens.guarded(counter, other).total == 3 and counter.calls == 2
    cut = {"messages": [{"role": "user", "content": "a"}] * 5}
    assert not tokens.guarded(counter, cut, budget=2).complete
    assert tokens.guarded(counter, cut).total == 5 and counter.calls == 4
