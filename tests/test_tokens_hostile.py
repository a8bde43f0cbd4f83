"""Hostile text in token counting: no panic, no recursion, bounded work, the same counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsonl_lint import tokens
from jsonl_lint.cli import main
from jsonl_lint.tokens import tiktoken_text
from jsonl_lint.tokens.compact_json import compact_json

ENCODINGS = ["o200k_base", "cl100k_base"]


def encoding_or_skip(name: str) -> object:
    try:
        return tokens.encoding(name)
    except tokens.EncodingUnavailable:
        pytest.skip(f"tiktoken encoding {name} not available offline (set TIKTOKEN_CACHE_DIR)")


# Text made of the things the regex treats differently, in runs long enough to cross the
# (shrunken) segment, run and piece sizes below.
RUN = st.tuples(
    st.sampled_from([" ", "\t", "\n", "\r\n", "a", "Word", "'s", "12345", "!?", "/", "é", "中文", "\u3000", "\x1c", "🙂"]),
    st.integers(1, 40),
).map(lambda pair: pair[0] * pair[1])
TEXT = st.lists(RUN, max_size=30).map("".join)


@pytest.fixture
def small_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tiktoken_text, "LONG_TEXT_CHARS", 0)
    monkeypatch.setattr(tiktoken_text, "SEGMENT_CHARS", 16)
    monkeypatch.setattr(tiktoken_text, "_LONG_WHITESPACE", __import__("re").compile(r"\s{8}"))


@pytest.mark.parametrize("name", ENCODINGS)
@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None)
@given(text=TEXT)
def test_counting_in_segments_and_pieces_is_exact(name: str, text: str, small_sizes: None) -> None:
    """The segment cuts and the piece-by-piece path give tiktoken's own count, whatever the text."""
    enc = encoding_or_skip(name)
    assert tiktoken_text.count(enc, text) == len(enc.encode_ordinary(text))  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ENCODINGS)
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=TEXT)
def test_pieces_cut_at_a_fixed_length_never_exceed_the_bytes(
    name: str, text: str, small_sizes: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one inexact path (a single regex piece past MAX_PIECE_CHARS) keeps the byte bound."""
    enc = encoding_or_skip(name)
    monkeypatch.setattr(tiktoken_text, "MAX_PIECE_CHARS", 3)
    assert tiktoken_text.count(enc, text) <= len(text.encode())


@pytest.mark.parametrize("character", [" ", "\t", " \t", "\u3000"])
def test_a_million_whitespace_characters_are_counted_without_a_panic(character: str) -> None:
    enc = encoding_or_skip("o200k_base")
    text = "a" + character * (1_200_000 // len(character)) + "b"
    assert 0 < tiktoken_text.count(enc, text) <= len(text.encode())


def test_counting_stops_once_over_the_budget() -> None:
    enc = encoding_or_skip("o200k_base")
    text = "word " * 4_000_000  # 20 MB, 4,000,000 tokens
    counted = tiktoken_text.count(enc, text, budget=1_000)
    assert 1_000 < counted < 4_000_000 // 10
    assert tiktoken_text.count(enc, text[:1_000_000]) == len(enc.encode_ordinary(text[:1_000_000]))  # type: ignore[attr-defined]


def test_an_example_stops_counting_once_over_the_budget() -> None:
    encoding_or_skip("o200k_base")
    value = {"messages": [{"role": "user", "content": "word " * 1_000_000}, {"role": "assistant", "content": "x " * 1_000_000}]}
    counter = tokens.TokenCounter("o200k_base", "chat")
    stopped = counter.example(value, budget=500)
    assert not stopped.complete and 500 < stopped.total < 100_000 and stopped.messages == 1
    full = counter.example(value)
    assert full.complete and full.total == tokens.count_tokens(value, "chat", "o200k_base") > 2_000_000


def nested(depth: int) -> dict[str, object]:
    schema: dict[str, object] = {"type": "string"}
    for level in range(depth):
        schema = {"type": "object", "properties": {f"k{level}": schema, "é": [1, 2.5, None, True, "x\u2028"]}}
    return schema


@pytest.mark.parametrize("depth", [1, 100, 126, 127, 128, 300, 450])
def test_compact_json_at_any_depth_is_the_usual_compact_json(depth: int) -> None:
    value = [{"type": "function", "function": {"name": "f", "parameters": nested(depth)}}]
    assert compact_json(value) == json.dumps(value, separators=(",", ":"), ensure_ascii=False)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(value=JSON)
def test_compact_json_past_orjsons_limit_writes_what_orjson_writes(value: object) -> None:
    from jsonl_lint.tokens import compact_json as module

    assert "".join(module._pieces(value)) == compact_json(value)


def test_deeply_nested_tool_parameters_are_counted() -> None:
    encoding_or_skip("o200k_base")
    value = {
        "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}],
        "tools": [{"type": "function", "function": {"name": "f", "parameters": nested(300)}}],
    }
    text = json.dumps(value["tools"], separators=(",", ":"), ensure_ascii=False)
    assert tokens.count_tokens(value, "chat", "o200k_base") > len(tokens.encoding("o200k_base").encode_ordinary(text))


def test_a_tokenizer_failure_is_a_value_not_a_crash() -> None:
    class Panics:
        name = "broken"

        def example(self, value: object, budget: int | None = None) -> tokens.ExampleCount:
            raise BaseException("native panic")

    with pytest.raises(tokens.CountFailed, match=r"broken could not tokenize this example \(BaseException: native panic\)"):
        tokens.guarded(Panics(), {})  # type: ignore[arg-type]


def test_hostile_lines_give_the_same_output_with_one_job_and_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    encoding_or_skip("o200k_base")
    chat = lambda content: json.dumps({"messages": [{"role": "user", "content": content}, {"role": "assistant", "content": "ok"}]})
    spaces = tmp_path / "spaces.jsonl"
    spaces.write_text(chat(" " * 1_000_000) + "\n" + chat("fine") + "\n")
    deep = tmp_path / "deep.jsonl"
    deep.write_text(
        json.dumps(
            {
                "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}],
                "tools": [{"type": "function", "function": {"name": "f", "parameters": nested(300)}}],
            }
        )
        + "\n"
    )
    args = ["check", "--select", "JL501", "--max-tokens", "100", "--encoding", "o200k_base", str(spaces), str(deep)]
    serial = main([*args, "--jobs", "1"]), capsys.readouterr()
    parallel = main([*args, "--jobs", "2"]), capsys.readouterr()
    assert serial == parallel
    code, (out, err) = serial
    assert code == 1 and err == ""
    assert out.count("JL501") == 2 and f"{spaces}:1:1: error: JL501 the example has at least" in out and f"{deep}:1:1: error: JL501" in out


def test_stats_counts_hostile_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    encoding_or_skip("o200k_base")
    data = tmp_path / "hostile.jsonl"
    data.write_text(
        "\n".join(
            [
                json.dumps({"messages": [{"role": "user", "content": "\t" * 1_000_000}, {"role": "assistant", "content": "ok"}]}),
                json.dumps(
                    {
                        "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}],
                        "tools": [{"type": "function", "function": {"name": "f", "parameters": nested(300)}}],
                    }
                ),
            ]
        )
        + "\n"
    )
    assert main(["stats", "--format", "json", str(data)]) == 0
    out, err = capsys.readouterr()
    assert err == "" and json.loads(out)["examples"] == 2


def test_stats_shows_tokens_per_role(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each message's tokens (framing included) go to its role; only the reply priming is no role's."""
    encoding_or_skip("o200k_base")
    data = tmp_path / "roles.jsonl"
    rows = [
        {
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": "hello there"},
            ]
        },
        {
            "messages": [
                {"role": "user", "content": "and now?"},
                {"role": "assistant", "content": "now this", "weight": 0},
                {"role": "user", "content": "ok"},
                {"role": "assistant", "content": "done"},
            ]
        },
    ]
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert main(["stats", "--format", "json", str(data)]) == 0
    report = json.loads(capsys.readouterr().out)
    roles = report["files"][0]["tokens_per_role"]
    assert set(roles) == {"system", "user", "assistant"}
    assert sum(roles.values()) == report["tokens_total"] - tokens.REPLY_PRIMING * len(rows)
    counter = tokens.TokenCounter("o200k_base", "chat")
    assert roles["assistant"] == sum(counter.message(m)[0] for row in rows for m in row["messages"] if m["role"] == "assistant")
    assert report["token_counting"] == "estimate the server's (see the README)"
