"""Near-duplicates (JL705), near leaks into validation (JL706) and conflicting answers (JL707):
planted in generated data, found exactly; the same in worker processes; signatures stable."""

from __future__ import annotations

import importlib.util
import json
import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import messages_line, problems
from jsonl_lint import Config, Severity, check_file, check_files, minhash, parallel, source

WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
    "xray",
    "yankee",
    "zulu",
    "river",
    "stone",
    "cloud",
    "amber",
    "forest",
    "copper",
    "violet",
    "meadow",
    "harbour",
]
SELECTED = ("JL703", "JL704", "JL705", "JL706", "JL707")


def sentence(rng: random.Random, size: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(size))


def example(rng: random.Random) -> dict[str, object]:
    return {
        "messages": [
            {"role": "system", "content": "Answer briefly."},
            {"role": "user", "content": sentence(rng, 40)},
            {"role": "assistant", "content": sentence(rng, 40)},
        ]
    }


def near_copy(record: dict[str, object]) -> dict[str, object]:
    """The same example with one word of the user's turn changed (similarity about 0.95)."""
    copy = json.loads(json.dumps(record))
    words = copy["messages"][1]["content"].split()
    words[20] = "CHANGED"
    copy["messages"][1]["content"] = " ".join(words)
    return copy


def conflicting(record: dict[str, object]) -> dict[str, object]:
    copy = json.loads(json.dumps(record))
    copy["messages"][2]["content"] = "Something else entirely."
    return copy


def planted(tmp_path: Path, size: int = 400) -> tuple[Path, Path, set[tuple[str, str, int]]]:
    """Training and validation files of random examples with planted findings, and the findings."""
    rng = random.Random(17)
    train = [example(rng) for _ in range(size)]
    expected: set[tuple[str, str, int]] = set()
    for source_index, target_index in ((10, 200), (150, 300)):
        train[target_index] = near_copy(train[source_index])
        expected.add(("train.jsonl", "JL705", target_index + 1))
    train[350] = conflicting(train[40])
    expected.add(("train.jsonl", "JL707", 351))
    train[360] = dict(train[41])  # an exact repeat is JL703's, not a near-duplicate or a conflict
    expected.add(("train.jsonl", "JL703", 361))
    valid = [example(rng) for _ in range(50)]
    valid[7] = near_copy(train[123])
    expected.add(("valid.jsonl", "JL706", 8))
    valid[9] = dict(train[5])
    expected.add(("valid.jsonl", "JL704", 10))
    train_path, valid_path = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
    train_path.write_text("".join(json.dumps(r) + "\n" for r in train))
    valid_path.write_text("".join(json.dumps(r) + "\n" for r in valid))
    return train_path, valid_path, expected


def found(reports: list) -> set[tuple[str, str, int]]:  # type: ignore[type-arg]
    return {(Path(p.path).name, p.code, p.line) for r in reports for p in r.problems}


def test_planted_findings_are_found_exactly(tmp_path: Path) -> None:
    train, valid, expected = planted(tmp_path)
    reports = check_files([train], validation=str(valid), select=SELECTED, jobs=1)
    assert found(reports) == expected
    messages = {(p.code, p.line): p.message for r in reports for p in r.problems}
    assert messages["JL705", 201].startswith("nearly the same as the example on line 11 (estimated similarity 0.9")
    assert messages["JL707", 351] == "the same prompt as line 41 with a different answer"
    assert messages["JL706", 8].startswith(
        f"this validation example is nearly the same as a training example ({train}, line 124; estimated similarity 0."
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_worker_processes_find_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "BLOCK_BYTES", 16 << 10)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 32 << 10)
    train, valid, expected = planted(tmp_path, size=1200)
    assert train.stat().st_size > 10 * source.BLOCK_BYTES
    serial = check_files([train], validation=str(valid), select=SELECTED, jobs=1)
    in_workers = check_files([train], validation=str(valid), select=SELECTED, jobs=2)
    assert in_workers == serial and found(serial) == expected


def test_threshold_is_a_rule_parameter(tmp_path: Path) -> None:
    rng = random.Random(3)
    first = example(rng)
    second = json.loads(json.dumps(first))
    answer = second["messages"][2]["content"].split()
    second["messages"][2]["content"] = " ".join(answer[:30] + ["new"] * 10)  # the last ten words changed: about 0.75
    data = tmp_path / "t.jsonl"
    data.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n")
    assert [p.code for p in check_file(data, select=("JL705",)).problems] == []
    lower = Config(params={"JL705": {"threshold": 0.6}}, select=("JL705",))
    assert [p.code for p in check_file(data, config=lower).problems] == ["JL705"]


def test_conflicts_in_prompt_completion_and_preference() -> None:
    completion = '{"prompt": "2+2=", "completion": "4"}\n{"prompt": "2+2=", "completion": "5"}\n{"prompt": "2+2=", "completion": "4"}\n'
    assert [(p.line, p.code) for p in problems(completion, select=("JL707",))] == [(2, "JL707")]
    ask = {"messages": [{"role": "user", "content": "Hi"}]}
    good, bad = [{"role": "assistant", "content": "Hello"}], [{"role": "assistant", "content": "Go away"}]
    pairs = [json.dumps({"input": ask, "preferred_output": p, "non_preferred_output": n}) for p, n in ((good, bad), (bad, good))]
    assert [(p.line, p.code) for p in problems("\n".join(pairs) + "\n", select=("JL707",))] == [(2, "JL707")]


def test_weight_and_a_longer_conversation_are_not_conflicts() -> None:
    u, a = {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}
    lines = [messages_line(u, a), messages_line(u, {**a, "weight": 1}), messages_line(u, a, {"role": "user", "content": "More"}, a)]
    assert problems("\n".join(lines) + "\n", select=("JL707",)) == []


HAS_RENSA = importlib.util.find_spec("rensa") is not None
needs_rensa = pytest.mark.skipif(not HAS_RENSA, reason="rensa (the dedup extra) is not installed")
SIGNATURES = [minhash.python_signature, pytest.param(minhash.rensa_signature, marks=needs_rensa)]


def test_rensa_is_the_engine_when_installed() -> None:
    expected = minhash.rensa_signature if HAS_RENSA else minhash.python_signature
    engine = "rensa" if HAS_RENSA else "python"
    assert engine == minhash.ENGINE and minhash.signature is expected


@pytest.mark.parametrize("signature", SIGNATURES)
def test_signatures_estimate_jaccard_similarity(signature: Callable[[list[str]], bytes]) -> None:
    rng = random.Random(5)
    base = [rng.choice(WORDS) + str(rng.randrange(50)) for _ in range(400)]
    for changed in (0, 10, 40, 120):
        other = list(base)
        for index in range(changed):
            other[index * 3] = "x" + str(index)
        exact = _jaccard(base, other)
        estimate = minhash.similarity(signature(base), signature(other))
        assert abs(estimate - exact) < 0.15, (changed, exact, estimate)


def _jaccard(a: list[str], b: list[str]) -> float:
    first, second = set(zip(a, a[1:], a[2:])), set(zip(b, b[1:], b[2:]))
    return len(first & second) / len(first | second)


@pytest.mark.parametrize("signature", SIGNATURES)
@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=8), max_size=30))
def test_any_words_give_a_256_byte_signature_equal_to_itself(signature: Callable[[list[str]], bytes], words: list[str]) -> None:
    sig = signature(words)
    assert len(sig) == 4 * minhash.BINS and signature(list(words)) == sig
    assert minhash.similarity(sig, sig) == 1.0


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
        max_leaves=30,
    )
)
def test_words_of_any_json_value(value: object) -> None:
    assert all(isinstance(word, str) and word for word in minhash.words_of(value))


def test_deep_nesting_does_not_recurse() -> None:
    value: object = "deep"
    for _ in range(100_000):
        value = [value]
    assert minhash.words_of(value) == ["deep"]


def test_near_duplicates_are_off_by_default_and_on_when_asked(tmp_path: Path) -> None:
    train, valid, _ = planted(tmp_path)
    default = {p.code for r in check_files([train], validation=str(valid), jobs=1) for p in r.problems}
    assert {"JL703", "JL704", "JL707"} <= default and not default & {"JL705", "JL706"}
    by_severity = Config(severity={"near-duplicate": Severity.INFO})
    codes = {(p.code, p.severity) for p in check_file(train, config=by_severity, jobs=1).problems}
    assert ("JL705", Severity.INFO) in codes and ("JL703", Severity.WARNING) in codes
    assert {p.code for p in check_file(train, select=("JL7",), jobs=1).problems} == {"JL703", "JL707"}  # a prefix is not a name


@needs_rensa
def test_a_lone_surrogate_gets_a_rensa_signature() -> None:
    words = ["a", "\udc80", "b", "c"]
    assert minhash.rensa_signature(words) == minhash.rensa_signature(list(words))
    assert minhash.rensa_signature(words) != minhash.python_signature(words)


CONTENT_TEXT = st.one_of(st.text(max_size=6), st.sampled_from(['{"a": 1}', ',{"', "]}", '\\",{"role', 'x,{"y']))
CHAT_MESSAGE = st.one_of(
    st.fixed_dictionaries({"role": st.sampled_from(["system", "user", "assistant"]), "content": CONTENT_TEXT}),
    st.fixed_dictionaries({"role": st.just("assistant"), "content": CONTENT_TEXT, "weight": st.sampled_from([0, 1])}),
    st.fixed_dictionaries(
        {"role": st.just("assistant"), "content": st.lists(st.fixed_dictionaries({"type": st.just("text"), "text": CONTENT_TEXT}))}
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    messages=st.lists(CHAT_MESSAGE, min_size=2, max_size=5),
    tools=st.one_of(st.none(), st.just([{"type": "function", "function": {"name": "f"}}])),
)
def test_conflict_keys_cut_from_the_line_equal_the_written_ones(messages: list[dict[str, object]], tools: object) -> None:
    """JL707 cuts most records' prompt and answer keys from the record's canonical JSON; they
    must be the keys it writes out for the other records (or equal prompts would be missed)."""
    from jsonl_lint.reader import Record, canonical_json
    from jsonl_lint.rules import conflicting_answers

    value: dict[str, object] = {"messages": messages} if tools is None else {"messages": messages, "tools": tools}
    facts = conflicting_answers.record_facts(Record(1, b"", value, canonical_json(value) or b""))
    last = max((i for i, m in enumerate(messages) if m["role"] == "assistant"), default=None)
    if not last:
        assert facts is None
        return
    answer = {k: v for k, v in messages[last].items() if k != "weight"}
    prompt = conflicting_answers._canonical(messages[:last])[:-1]
    assert facts == (hash(prompt), hash(conflicting_answers._canonical(answer)))


@settings(max_examples=300, deadline=None)
@given(
    messages=st.lists(CHAT_MESSAGE, min_size=1, max_size=5),
    extra=st.dictionaries(st.sampled_from(["tools", "id", "a", "metadata", "parallel_tool_calls", "z"]), CONTENT_TEXT, max_size=3),
)
def test_conflict_keys_cut_after_other_keys_equal_the_written_ones(messages: list[dict[str, object]], extra: dict[str, object]) -> None:
    """Records with other keys than `messages` (before or after it in sorted order), answers with
    a weight or parts: the keys cut from the line, or written out, are the written ones."""
    from jsonl_lint.reader import Record, canonical_json
    from jsonl_lint.rules import conflicting_answers

    value: dict[str, object] = {**extra, "messages": messages}
    facts = conflicting_answers.record_facts(Record(1, b"", value, canonical_json(value) or b""))
    last = max((i for i, m in enumerate(messages) if m["role"] == "assistant"), default=None)
    if not last:
        assert facts is None
        return
    answer = {k: v for k, v in messages[last].items() if k != "weight"}
    prompt = conflicting_answers._canonical(messages[:last])[:-1]
    assert facts == (hash(prompt), hash(conflicting_answers._canonical(answer)))


def test_conflict_keys_are_cut_from_records_with_tools_or_a_weighted_answer() -> None:
    from jsonl_lint.reader import Record, canonical_json
    from jsonl_lint.rules import conflicting_answers

    user, answer = {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}
    prompt, written = hash(conflicting_answers._canonical([user])[:-1]), hash(conflicting_answers._canonical(answer))
    cut = [{"messages": [user, answer], "tools": []}, {"messages": [user, {**answer, "weight": 1}]}]
    not_cut = [{"id": 1, "messages": [user, answer]}, {"messages": [user, answer, user]}, {"messages": [answer]}]
    for value in cut + not_cut:
        record = Record(1, b"", value, canonical_json(value) or b"")
        assert (conflicting_answers._cut_last(record, value["messages"]) is not None) == (value in cut), value
    for value in cut:
        assert conflicting_answers.record_facts(Record(1, b"", value, canonical_json(value) or b"")) == (prompt, written)
