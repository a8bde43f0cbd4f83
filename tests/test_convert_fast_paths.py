"""convert's fast paths give exactly what its plain paths give: the same output bytes, the same
rejects and the same summary, on the shared corpus and on generated rows.

Each fast path has a plain path beside it that these tests switch to: prompt-completion's
duplicate-key test by length (every line counted for its colons instead), tables' records
serialised in blocks (one Converted row each for the writer instead), and the targets' loop over
plain text messages (every record through the general walker instead)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies_trainers import openai_chat

from conftest import corpus_file
from jsonl_lint.convert import ConvertOptions, convert_file
from jsonl_lint.convert import completion as completion_module
from jsonl_lint.convert import rows as rows_module
from jsonl_lint.convert.plain import PlainRecords, record_bytes
from jsonl_lint.convert.targets import Conversion, Unconvertible, bedrock, gemini, targets

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CORPUS_FILES = [
    "eunseo-com__openai-cookbook/drone_training.jsonl",
    "eunseo-com__openai-cookbook/toy_chat_fine_tuning.jsonl",
    "lbnlp__NERRE/doping_training_json.jsonl",
    "mistralai__mistral-finetune/test_data.jsonl",
    "togethercomputer__together-cookbook/rewardbench2_dpo_val.jsonl",
    "togethercomputer__together-cookbook/small_coqa_10.jsonl",
    "usingpt__openai_test/fine_tune.jsonl",
]


@contextlib.contextmanager
def plain_paths(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every fast path off."""
    with monkeypatch.context() as patch:
        patch.setattr(completion_module, "DUPLICATE_SLACK", -(1 << 40))  # every line counted for its colons
        patch.setattr(rows_module, "DUPLICATE_SLACK", -(1 << 40))
        patch.setattr(PlainRecords, "wanted", staticmethod(lambda options: False))
        for module in (gemini, bedrock):
            patch.setattr(module, "plain_turns", lambda record, conversion, shapes: None)
        yield


def converted(path: Path, options: ConvertOptions) -> tuple[bytes, bytes, tuple[Any, ...]]:
    """The output, the rejects and the summary of converting ``path``."""
    with tempfile.TemporaryDirectory() as folder:
        out, rejects = Path(folder) / "out.jsonl", Path(folder) / "rejects.jsonl"
        summary = convert_file(str(path), str(out), rejects_path=str(rejects), options=options)
        return (
            out.read_bytes(),
            rejects.read_bytes() if rejects.exists() else b"",
            (summary.source, summary.converted, summary.rejected, summary.flagged, summary.blanks, summary.notes),
        )


def assert_same_both_ways(monkeypatch: pytest.MonkeyPatch, path: Path, options: ConvertOptions) -> tuple[bytes, bytes, tuple[Any, ...]]:
    fast = converted(path, options)
    with plain_paths(monkeypatch):
        plain = converted(path, options)
    assert fast == plain
    return fast


# ---- the shared corpus -------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_FILES)
@pytest.mark.parametrize("to", ["openai", "gemini", "bedrock"])
def test_corpus_files_convert_the_same_on_both_paths(monkeypatch: pytest.MonkeyPatch, name: str, to: str) -> None:
    assert_same_both_ways(monkeypatch, corpus_file(name), ConvertOptions(to=to, allow_loss=("weight",)))


# ---- prompt-completion -------------------------------------------------------------------------


@SETTINGS
@given(
    system=st.none() | st.text(max_size=8),
    user=st.text(max_size=20),
    reply=st.text(max_size=20),
)
def test_record_parts_are_the_bytes_orjson_writes(system: str | None, user: str, reply: str) -> None:
    prefix = [{"role": "system", "content": system}] if system else []
    user_head, assistant_head, middle, closing = completion_module.record_parts(prefix)
    dumps = orjson.dumps
    expected = dumps({"messages": [*prefix, {"role": "user", "content": user}, {"role": "assistant", "content": reply}]})
    assert user_head + dumps(user) + middle + dumps(reply) + closing == expected
    assert assistant_head + dumps(reply) + closing == dumps({"messages": [*prefix, {"role": "assistant", "content": reply}]})


PIECES = ["a", ":", "\\", "\n", " ", "é", '"', "###", " END", "\\n", "\u2028", "\x00"]
TEXTS = st.one_of(st.text(max_size=12), st.lists(st.sampled_from(PIECES), max_size=8).map("".join)).map(
    lambda text: text + ("\n\n###\n\n" if len(text) % 3 else "")
)
KEYS = st.sampled_from(['"prompt"', '"completion"', '"\\u0070rompt"', '"complet\\u0069on"', '"other"'])


def written(draw: st.DrawFn, keys: list[str]) -> bytes:
    """An object with these keys as any writer might have written it: values maybe escaped,
    spaces anywhere JSON allows them."""
    ascii_only = draw(st.booleans())
    space = draw(st.sampled_from(["", " ", "  ", "\t"]))
    members = []
    for key in keys:
        value = draw(
            TEXTS.map(lambda text: json.dumps(" " + text + " END", ensure_ascii=ascii_only)) | st.sampled_from(["1", "null", "[]"])
        )
        if draw(st.booleans()):  # a colon the line does not show: it is in an escape
            value = value.replace(":", "\\u003a")
        members.append(f"{key}{space}:{space}{value}")
    return ("{" + f",{space}".join(members) + "}").encode()


@st.composite
def prompt_completion_line(draw: st.DrawFn) -> bytes:
    """A line of prompt-completion data, its keys maybe repeated, escaped or others."""
    keys = ['"prompt"', '"completion"'] if draw(st.booleans()) else draw(st.lists(KEYS, min_size=1, max_size=4))
    return written(draw, keys)


@st.composite
def line_with_a_duplicate_key(draw: st.DrawFn) -> bytes:
    keys = ['"prompt"', '"completion"', *draw(st.lists(KEYS.filter(lambda key: key != '"other"'), min_size=1, max_size=2))]
    return written(draw, draw(st.permutations(keys)))


@SETTINGS
@given(
    lines=st.lists(prompt_completion_line(), min_size=1, max_size=12),
    system=st.sampled_from([None, "Be brief.", "a\\nb"]),
    empty_prompt=st.sampled_from(["reject", "assistant-only"]),
    unescape=st.booleans(),
)
def test_prompt_completion_rows_convert_the_same_on_both_paths(
    monkeypatch: pytest.MonkeyPatch, lines: list[bytes], system: str | None, empty_prompt: str, unescape: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        options = ConvertOptions(source="completion", system=system, empty_prompt=empty_prompt, unescape=unescape)
        assert_same_both_ways(monkeypatch, path, options)


@SETTINGS
@given(line_with_a_duplicate_key())
def test_a_line_with_a_duplicate_key_is_longer_than_the_shortest_json_of_its_value(line: bytes) -> None:
    """Why the length test is sound: a third member costs at least DUPLICATE_SLACK bytes."""
    value = orjson.loads(line)
    assert len(line) >= len(orjson.dumps(value)) + completion_module.DUPLICATE_SLACK


def test_duplicate_keys_are_rejects_on_the_fast_path(tmp_path: Path) -> None:
    """Short, compact lines (the ones the length test passes when they have no third member)."""
    lines = [
        b'{"prompt":"a ->","completion":" x\\n"}',
        b'{"prompt":"a ->","prompt":"b","completion":" x\\n"}',
        b'{"prompt":"a","completion":1,"completion":" y\\n"}',
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    _, rejects, summary = converted(path, ConvertOptions(source="completion"))
    assert summary[1:3] == (1, 2)
    assert [json.loads(line)["reason"].split(" in ")[0] for line in rejects.splitlines()] == [
        'duplicate key "prompt"',
        'duplicate key "completion"',
    ]


# ---- tables ------------------------------------------------------------------------------------


@SETTINGS
@given(system=st.text(max_size=8), user=st.text(max_size=20), assistant=st.text(max_size=20))
def test_plain_record_bytes_are_the_bytes_orjson_writes(system: str, user: str, assistant: str) -> None:
    messages = [{"role": "system", "content": system}] if system else []
    messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    assert record_bytes(system, user, assistant) == orjson.dumps({"messages": messages})


CELLS = st.one_of(st.text(max_size=10), st.lists(st.sampled_from(PIECES), max_size=6).map("".join))


@SETTINGS
@given(
    rows=st.lists(st.lists(CELLS, min_size=2, max_size=4), min_size=1, max_size=10),
    header=st.sampled_from([["prompt", "completion"], ["q", "a"], ["prompt", "completion", "system"]]),
    system=st.sampled_from([None, "Be brief.", "a\\nb"]),
    unescape=st.booleans(),
)
def test_table_rows_convert_the_same_on_both_paths(
    monkeypatch: pytest.MonkeyPatch, rows: list[list[str]], header: list[str], system: str | None, unescape: bool
) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([header, *rows])
    columns = {"user_column": "1", "assistant_column": "2", "system_column": "3" if len(header) == 3 else None}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_text(buffer.getvalue(), newline="")
        assert_same_both_ways(monkeypatch, path, ConvertOptions(system=system, unescape=unescape, **columns))


# ---- chat into Gemini and Bedrock --------------------------------------------------------------

PLAIN_MESSAGES = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant", "system", "tool"]), "content": st.text(max_size=6) | st.none()},
        optional={"weight": st.sampled_from([0, 1, 0.0, "1"]), "name": st.just("n")},
    ),
    max_size=5,
)
RECORDS = st.one_of(
    openai_chat(images="https", tools=True),
    openai_chat(images="s3", tools=True),
    st.fixed_dictionaries({"messages": PLAIN_MESSAGES}, optional={"parallel_tool_calls": st.booleans(), "id": st.just(1)}),
)


def from_openai(name: str, record: dict[str, Any], allowed: frozenset[str]) -> tuple[Any, list[tuple[str, int]]]:
    conversion = Conversion(allowed_losses=allowed)
    try:
        out: Any = targets()[name].from_openai(record, conversion)
    except Unconvertible as why:
        out = ("rejected", str(why))
    return out, list(conversion.counts.items())


@SETTINGS
@given(
    records=st.lists(RECORDS, min_size=1, max_size=4),
    name=st.sampled_from(["gemini", "bedrock"]),
    allowed=st.sampled_from([frozenset(), frozenset({"weight"}), frozenset({"weight", "name"})]),
)
def test_targets_convert_the_same_on_both_paths(
    monkeypatch: pytest.MonkeyPatch, records: list[dict[str, Any]], name: str, allowed: frozenset[str]
) -> None:
    fast = [from_openai(name, record, allowed) for record in records]
    with plain_paths(monkeypatch):
        plain = [from_openai(name, record, allowed) for record in records]
    assert fast == plain
    with tempfile.TemporaryDirectory() as folder:  # and whole files, with the rows' own line numbers
        path = Path(folder) / "in.jsonl"
        path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
        assert_same_both_ways(monkeypatch, path, ConvertOptions(source="chat", to=name, allow_loss=tuple(sorted(allowed))))


def test_the_plain_messages_fast_path_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above compares two paths only if the fast one is taken."""
    record = {
        "messages": [
            {"role": "system", "content": "s"},
            {"role": "user", "content": "u"},
            {"role": "assistant", "content": "a", "weight": 1},
        ]
    }
    taken = []
    original = gemini.plain_turns
    monkeypatch.setattr(gemini, "plain_turns", lambda *args: taken.append(original(*args)) or taken[-1])
    assert from_openai("gemini", record, frozenset()) == (
        {
            "systemInstruction": {"parts": [{"text": "s"}]},
            "contents": [{"role": "user", "parts": [{"text": "u"}]}, {"role": "model", "parts": [{"text": "a"}]}],
        },
        [("weight 1 (the default) dropped", 1)],
    )
    assert taken and taken[0] is not None


def test_the_usual_line_is_not_counted_for_its_colons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above compares two paths only if the fast one is taken."""
    counted: list[bytes] = []
    original = completion_module._duplicate
    monkeypatch.setattr(completion_module, "_duplicate", lambda raw, *rest: counted.append(raw) or original(raw, *rest))
    path = tmp_path / "in.jsonl"
    usual, escaped = b'{"prompt": "a: b ->", "completion": " c: d END"}\n', b'{"prompt": "a\\u003a\\u003ab ->", "completion": " c END"}\n'
    path.write_bytes(usual + escaped)
    assert converted(path, ConvertOptions(source="completion"))[2][1] == 2
    assert set(counted) == {
        escaped
    }  # (the first block is read twice: detection, then conversion) 10 bytes of escapes, 3 spaces and a newline: looked at closely


def test_table_rows_are_serialised_in_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table test above compares two paths only if the fast one is taken (for the OpenAI target only)."""
    added: list[int] = []
    original = PlainRecords.add
    monkeypatch.setattr(PlainRecords, "add", lambda self, line, *rest: added.append(line) or original(self, line, *rest))
    path = tmp_path / "in.csv"
    path.write_text("prompt,completion\na ->, b END\nc ->, d END\n")
    assert converted(path, ConvertOptions())[2][1] == 2 and added == [2, 3]
    assert converted(path, ConvertOptions(to="gemini"))[2][1] == 2 and added == [2, 3]


@st.composite
def object_line_with_a_duplicate_key(draw: st.DrawFn) -> bytes:
    """A JSON object with a key twice, at the top or in a nested object, written tightly."""
    values = st.integers(-(2**63), 2**63 - 1) | st.text(max_size=3)
    inner = draw(st.dictionaries(st.text(max_size=3), values, max_size=3))
    key, first, second = draw(st.text(max_size=3)), draw(values), draw(values)
    members = [orjson.dumps(k) + b":" + orjson.dumps(v) for k, v in inner.items()]
    members += [orjson.dumps(key) + b":" + orjson.dumps(first), orjson.dumps(key) + b":" + orjson.dumps(second)]
    members = draw(st.permutations(members))
    line = b"{" + b",".join(members) + b"}"
    return b'{"a":[' + line + b"]}" if draw(st.booleans()) else line


@SETTINGS
@given(object_line_with_a_duplicate_key())
def test_a_json_line_with_a_duplicate_key_is_longer_than_the_shortest_json_of_its_value(line: bytes) -> None:
    assert len(line) >= len(orjson.dumps(orjson.loads(line))) + rows_module.DUPLICATE_SLACK
    assert rows_module.duplicate_key(line, orjson.loads(line)) is not None


@SETTINGS
@given(
    records=st.lists(RECORDS, min_size=1, max_size=4),
    duplicates=st.lists(object_line_with_a_duplicate_key(), max_size=2),
    source=st.sampled_from(["chat", "sharegpt", "alpaca"]),
)
def test_tight_json_lines_convert_the_same_on_both_paths(
    monkeypatch: pytest.MonkeyPatch, records: list[dict[str, Any]], duplicates: list[bytes], source: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records) + b"".join(line + b"\n" for line in duplicates))
        assert_same_both_ways(monkeypatch, path, ConvertOptions(source=source))


@pytest.mark.parametrize("number", [b"1e15", b"1E15", b"1.5e3", b"2e-3", b"1e1"])
def test_a_short_float_does_not_hide_a_duplicate_key(number: bytes) -> None:
    """orjson writes 1e15 as 1000000000000000.0: a line with such floats can be shorter than the
    orjson JSON of its value and still hold a duplicate key."""
    line = b'{"x":[' + b",".join([number] * 16) + b'],"k":1,"k":2}'
    assert rows_module.duplicate_key(line, orjson.loads(line)) == 'duplicate key "k" in the row: a parser keeps only the last value'


def test_a_chat_line_with_short_floats_and_a_duplicate_key_is_a_reject(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    schema = b'{"type":"object","properties":{"a":{"type":"number","maximum":1e15,"minimum":1e15}}}'
    path.write_bytes(
        b'{"messages":[{"role":"user","content":"secret","content":"hi"},{"role":"assistant","content":"yo"}],'
        b'"tools":[{"type":"function","function":{"name":"f","parameters":' + schema + b"}}]}\n"
    )
    out, rejects, summary = converted(path, ConvertOptions(source="chat"))
    assert (out, summary[1], summary[2]) == (b"", 0, 1)
    assert b'duplicate key \\"content\\" in messages[0]' in rejects
