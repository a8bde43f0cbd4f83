"""convert --to: OpenAI records to Gemini, Bedrock and TRL and back keep every field the target
can hold; what it cannot hold is a reject, never a silent change."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies_trainers import normalised, openai_chat

from jsonl_lint.convert.targets import Conversion, Unconvertible, targets

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _one_part_as_string(record: dict[str, Any]) -> dict[str, Any]:
    """A content of one text part and the plain string are the same text: targets keep one form."""
    out = copy.deepcopy(record)
    for message in out.get("messages", []):
        content = message.get("content")
        if isinstance(content, list) and len(content) == 1 and content[0].get("type") == "text":
            message["content"] = content[0]["text"]
    return out


def _round_trip(name: str, record: dict[str, Any]) -> dict[str, Any]:
    target = targets()[name]
    converted = target.from_openai(copy.deepcopy(record), Conversion())
    json.dumps(converted)  # plain JSON
    return target.to_openai(converted, Conversion())


@SETTINGS
@given(openai_chat(images="https", tools=True))
def test_openai_gemini_openai_keeps_every_representable_field(record: dict[str, Any]) -> None:
    back = _round_trip("gemini", record)
    assert normalised(back, keep_ids=False) == normalised(_one_part_as_string(record), keep_ids=False)


@SETTINGS
@given(openai_chat(images="s3", tools=True))
def test_openai_bedrock_openai_keeps_every_representable_field_and_call_ids(record: dict[str, Any]) -> None:
    back = _round_trip("bedrock", record)
    assert normalised(back, keep_ids=True) == normalised(_one_part_as_string(record), keep_ids=True)


@SETTINGS
@given(openai_chat(images=None, tools=True))
def test_openai_hf_openai_keeps_every_representable_field(record: dict[str, Any]) -> None:
    back = _round_trip("hf", record)
    assert normalised(back, keep_ids=False) == normalised(record, keep_ids=False)


@SETTINGS
@given(openai_chat(images=None, tools=False, text_parts=False))
def test_openai_bedrock_claude_openai_is_exact_for_text_conversations(record: dict[str, Any]) -> None:
    assert _round_trip("bedrock-claude", record) == record


@SETTINGS
@given(openai_chat(images=None, tools=False, system=False), st.sampled_from(["gemini", "hf"]))
def test_preference_round_trips(chat: dict[str, Any], name: str) -> None:
    messages = chat["messages"][:-1]
    record = {
        "input": {"messages": messages},
        "preferred_output": [{"role": "assistant", "content": "good"}],
        "non_preferred_output": [{"role": "assistant", "content": "bad"}],
    }
    back = _round_trip(name, record)
    assert _one_part_as_string(back["input"]) == _one_part_as_string(record["input"])
    assert back["preferred_output"] == record["preferred_output"] and back["non_preferred_output"] == record["non_preferred_output"]


# One change a target cannot hold, applied to a record it can: (name, edit, targets that reject it)
UNREPRESENTABLE = [
    ("weight 0", lambda r: r["messages"][-1].update(weight=0), ["gemini", "bedrock", "bedrock-claude", "hf"]),
    ("a message name", lambda r: r["messages"][-1].update(name="bob"), ["gemini", "bedrock", "bedrock-claude", "hf"]),
    ("a refusal", lambda r: r["messages"][-1].update(refusal="no"), ["gemini", "bedrock", "bedrock-claude", "hf"]),
    (
        "a second system message",
        lambda r: r["messages"].insert(1, {"role": "system", "content": "x"}),
        ["gemini", "bedrock", "bedrock-claude"],
    ),
    (
        "a data URL image",
        lambda r: r["messages"].insert(
            0, {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}]}
        ),
        ["gemini", "bedrock", "bedrock-claude", "hf"],
    ),
    (
        "an image detail",
        lambda r: r["messages"].insert(
            0, {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://e.com/a.png", "detail": "low"}}]}
        ),
        ["gemini", "bedrock", "bedrock-claude", "hf"],
    ),
    ("parallel_tool_calls false", lambda r: r.update(parallel_tool_calls=False), ["gemini", "bedrock", "bedrock-claude", "hf"]),
    ("an unknown key", lambda r: r.update(metadata={"a": 1}), ["gemini", "bedrock", "bedrock-claude", "hf"]),
]


@pytest.mark.parametrize(("what", "edit", "rejecting"), UNREPRESENTABLE, ids=[u[0] for u in UNREPRESENTABLE])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=openai_chat(images=None, tools=False, text_parts=False))
def test_what_a_target_cannot_hold_is_a_reject(what: str, edit: Any, rejecting: list[str], record: dict[str, Any]) -> None:
    edit(record)
    for name in rejecting:
        with pytest.raises(Unconvertible):
            targets()[name].from_openai(copy.deepcopy(record), Conversion())


def test_an_allowed_loss_is_counted() -> None:
    record = {
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "a", "weight": 0},
            {"role": "user", "content": "more"},
            {"role": "assistant", "content": "b"},
        ]
    }
    conversion = Conversion(allowed_losses=frozenset({"weight"}))
    out = targets()["gemini"].from_openai(record, conversion)
    assert [c["role"] for c in out["contents"]] == ["user", "model", "user", "model"]
    assert list(conversion.counts.values()) == [1]


def test_gemini_record_from_the_documentation_round_trips_through_openai() -> None:
    # Shape of the example in Vertex AI's "Tune function calling" page.
    gemini = {
        "systemInstruction": {"parts": [{"text": "You help users find products."}]},
        "contents": [
            {"role": "user", "parts": [{"text": "Is the Pixel 8 Pro in stock?"}]},
            {"role": "model", "parts": [{"functionCall": {"name": "get_product_sku", "args": {"product_name": "Pixel 8 Pro"}}}]},
            {"role": "user", "parts": [{"functionResponse": {"name": "get_product_sku", "response": {"output": "in stock"}}}]},
            {"role": "model", "parts": [{"text": "Yes, it is."}]},
        ],
        "tools": [
            {
                "functionDeclarations": [
                    {
                        "name": "get_product_sku",
                        "description": "Stock of a product",
                        "parameters": {"type": "OBJECT", "properties": {"product_name": {"type": "STRING"}}},
                    }
                ]
            }
        ],
    }
    target = targets()["gemini"]
    openai = target.to_openai(gemini, Conversion())
    assert openai["messages"][2]["tool_calls"][0] == {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_product_sku", "arguments": '{"product_name":"Pixel 8 Pro"}'},
    }
    assert openai["messages"][3] == {"role": "tool", "tool_call_id": "call_1", "content": '{"output":"in stock"}'}
    assert openai["tools"][0]["function"]["parameters"] == {"type": "object", "properties": {"product_name": {"type": "string"}}}
    again = target.from_openai(openai, Conversion())
    assert again["contents"][:2] == gemini["contents"][:2] and again["tools"] == gemini["tools"]


# --- the command: convert --to, sources of other trainers, the corpus ------------------------

from pathlib import Path  # noqa: E402

from conftest import CORPUS, corpus_file  # noqa: E402
from jsonl_lint import check_file  # noqa: E402
from jsonl_lint.cli import main  # noqa: E402
from jsonl_lint.convert import ConvertOptions, convert_file  # noqa: E402

PROFILE_OF = {"openai": "openai", "gemini": "vertex-gemini", "bedrock": "bedrock-nova", "bedrock-claude": "bedrock-claude"}

# Every corpus file, its rows converted per target: (converted, rejected); rejects are the rows a
# target cannot hold or would refuse (drone_training forbids parallel calls; the cookbook's toy
# file has an example that starts with the assistant).
CORPUS_TARGETS = {
    "togethercomputer__together-cookbook/rewardbench2_dpo_val.jsonl": {
        "gemini": (356, 0),
        "bedrock": (0, 356),
        "bedrock-claude": (0, 356),
        "hf": (356, 0),
    },
    "togethercomputer__together-cookbook/small_coqa_10.jsonl": {
        "gemini": (10, 0),
        "bedrock": (10, 0),
        "bedrock-claude": (10, 0),
        "hf": (10, 0),
    },
    "mistralai__mistral-finetune/test_data.jsonl": {"gemini": (3, 0), "bedrock": (3, 0), "bedrock-claude": (3, 0), "hf": (3, 0)},
    "lbnlp__NERRE/doping_training_json.jsonl": {"gemini": (413, 0), "bedrock": (413, 0), "bedrock-claude": (413, 0), "hf": (413, 0)},
    "usingpt__openai_test/fine_tune.jsonl": {"gemini": (21, 0), "bedrock": (21, 0), "bedrock-claude": (21, 0), "hf": (21, 0)},
    "eunseo-com__openai-cookbook/drone_training.jsonl": {
        "gemini": (0, 103),
        "bedrock": (0, 103),
        "bedrock-claude": (0, 103),
        "hf": (0, 103),
    },
    "eunseo-com__openai-cookbook/toy_chat_fine_tuning.jsonl": {"gemini": (4, 1), "bedrock": (4, 1), "bedrock-claude": (4, 1), "hf": (5, 0)},
}


@pytest.mark.parametrize("relative", list(CORPUS_TARGETS))
def test_corpus_converts_to_every_target_and_passes_its_check(relative: str, tmp_path: Path) -> None:
    source = corpus_file(relative)
    for target, (converted, rejected) in CORPUS_TARGETS[relative].items():
        out = tmp_path / f"{target}.jsonl"
        summary = convert_file(str(source), str(out), rejects_path=str(tmp_path / "rejects.jsonl"), options=ConvertOptions(to=target))
        assert (summary.converted, summary.rejected) == (converted, rejected), target
        if converted and target in PROFILE_OF:  # dataset size (JL7) depends on the file, not on conversion
            report = check_file(out, profile=PROFILE_OF[target], ignore=("JL7",), token_check=False)
            assert [p for p in report.problems if p.severity.label == "error"] == [], target


def test_corpus_table_covers_every_corpus_file() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.jsonl")}
    assert on_disk == set(CORPUS_TARGETS)


def test_allow_loss_keeps_what_was_rejected_and_counts_it(tmp_path: Path) -> None:
    source = corpus_file("eunseo-com__openai-cookbook/drone_training.jsonl")
    summary = convert_file(
        str(source), str(tmp_path / "o.jsonl"), options=ConvertOptions(to="gemini", allow_loss=("parallel-tool-calls", "schema-keywords"))
    )
    assert (summary.converted, summary.rejected) == (103, 0)
    assert any(note.startswith("`parallel_tool_calls: false` is dropped") and note.endswith(": 103 times") for note in summary.notes)


CHAT_LINE = json.dumps(
    {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello", "weight": 0},
            {"role": "user", "content": "Bye"},
            {"role": "assistant", "content": "Bye!"},
        ]
    }
)


def test_cli_to_gemini_output_and_summary_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        CHAT_LINE + "\n" + json.dumps({"messages": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}]}) + "\n"
    )
    out = tmp_path / "out.jsonl"
    assert main(["convert", str(source), "-o", str(out), "--to", "gemini"]) == 1
    assert capsys.readouterr().err == (
        f"{source}:1: rejected: Vertex AI Gemini cannot hold it: messages[2].weight: the target has no per-turn weights, "
        "so a weight 0 turn would be trained on (--allow-loss weight drops it)\n"
        f"converted 1 row (chat) to {out} as gemini; rejected 1 (listed above)\n"
    )
    assert out.read_text() == '{"contents":[{"role":"user","parts":[{"text":"Q"}]},{"role":"model","parts":[{"text":"A"}]}]}\n'
    assert main(["convert", str(source), "-o", str(out), "--to", "gemini", "--allow-loss", "weight"]) == 0
    assert capsys.readouterr().err == (
        f"converted 2 rows (chat) to {out} as gemini\n"
        "  assistant turns with weight 0 are trained on (the target has no per-turn weights): 1 time\n"
    )


def test_cli_unknown_loss_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(CHAT_LINE + "\n")
    assert main(["convert", str(source), "-o", str(tmp_path / "o.jsonl"), "--to", "gemini", "--allow-loss", "weights"]) == 2
    assert "unknown loss 'weights'" in capsys.readouterr().err


def test_gemini_and_bedrock_files_are_read_back_to_openai(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(CHAT_LINE.replace(', "weight": 0', "") + "\n")
    for target, profile in (("gemini", "vertex-gemini"), ("bedrock", "bedrock-nova")):
        middle, back = tmp_path / f"{target}.jsonl", tmp_path / f"{target}-back.jsonl"
        convert_file(str(source), str(middle), options=ConvertOptions(to=target))
        assert check_file(middle, profile=profile, ignore=("JL7",)).problems == ()
        summary = convert_file(str(middle), str(back))  # the format is sniffed
        assert summary.source == target
        assert json.loads(back.read_text()) == json.loads(source.read_text())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(
        st.one_of(
            st.binary(max_size=40),
            st.sampled_from([CHAT_LINE.encode(), b'{"contents": 1}', b'{"schemaVersion": 2, "messages": []}', b"[]", b"{}"]),
        ),
        max_size=6,
    ),
    source=st.sampled_from(["gemini", "bedrock", "bedrock-claude", "hf", "preference", "chat"]),
    to=st.sampled_from(["openai", "gemini", "bedrock", "bedrock-claude", "hf"]),
)
def test_every_row_is_written_or_rejected_never_a_traceback(tmp_path: Path, lines: list[bytes], source: str, to: str) -> None:
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n"
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    summary = convert_file(str(path), str(tmp_path / "out.jsonl"), options=ConvertOptions(source=source, to=to))
    assert summary.converted + summary.rejected + summary.blanks == len(data.split(b"\n")) - 1  # every line accounted for


@pytest.mark.parametrize(
    ("name", "record", "reason"),
    [
        (
            "gemini",
            {
                "contents": [
                    {"role": "user", "parts": [{"text": "a"}]},
                    {"role": "model", "parts": [{"functionCall": {"name": "f"}}, {"text": "b"}]},
                ]
            },
            "contents[1].parts[1]: text after a tool call cannot keep its place in OpenAI's format",
        ),
        (
            "bedrock",
            {
                "schemaVersion": "bedrock-conversation-2024",
                "messages": [
                    {"role": "user", "content": [{"text": "a"}]},
                    {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t", "name": "f", "input": {}}}, {"text": "b"}]},
                ],
            },
            "messages[1].content[1]: text after a tool call cannot keep its place in OpenAI's format",
        ),
        (
            "gemini",
            {"contents": [{"role": "model", "parts": [{"fileData": {"mimeType": "image/png", "fileUri": "gs://b/a.png"}}]}]},
            "contents[0].parts[0]: a model part OpenAI's format cannot hold (text and tool calls only)",
        ),
        (
            "bedrock",
            {
                "schemaVersion": "bedrock-conversation-2024",
                "messages": [{"role": "assistant", "content": [{"toolUse": {"toolUseId": "t", "name": "f"}}]}],
            },
            "messages[0].content[0]: a toolUse needs toolUseId, name and an object input",
        ),
    ],
)
def test_a_model_turn_openai_cannot_hold_is_a_reject(name: str, record: dict[str, Any], reason: str) -> None:
    with pytest.raises(Unconvertible) as rejected:
        targets()[name].to_openai(record, Conversion())
    assert str(rejected.value) == reason
