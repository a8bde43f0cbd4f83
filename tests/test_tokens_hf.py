"""Hugging Face tokenizers + chat templates: the same token ids as transformers'
``apply_chat_template`` (test-only dependency), on a tokenizer trained here (no download)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsonl_lint.cli import main

tokenizers = pytest.importorskip("tokenizers", reason="the hf extra (tokenizers) is not installed")
pytest.importorskip("jinja2", reason="the hf extra (jinja2) is not installed")

from jsonl_lint.tokens import hf  # noqa: E402 - only once the extra is known to be installed

CHATML = """{%- if tools %}<|im_start|>system
{%- if messages[0].role == 'system' %}
{{ messages[0].content }}
{%- endif %}
# Tools
  {% for tool in tools %}
{{ tool | tojson }}
  {% endfor %}
<|im_end|>
{% elif messages[0].role == 'system' %}<|im_start|>system
{{ messages[0].content }}<|im_end|>
{% endif %}
{%- for message in messages %}
{%- if message.role == 'system' %}{% continue %}{% endif %}
{%- if message.role == 'assistant' %}<|im_start|>assistant
{% generation %}{{ message.content or '' }}
{%- for call in message.tool_calls or [] %}
<tool_call>{"name": "{{ call.function.name }}", "arguments": {{ call.function.arguments | tojson }}}</tool_call>
{%- endfor %}<|im_end|>{% endgeneration %}
{% elif message.role == 'tool' %}<|im_start|>user
<tool_response>{{ message.content }}</tool_response><|im_end|>
{% else %}<|im_start|>{{ message.role }}
{{ message.content }}<|im_end|>
{% endif %}
{%- endfor %}
{%- if add_generation_prompt %}<|im_start|>assistant
{% endif %}"""

LLAMA3 = """{{- bos_token }}
{%- set ns = namespace(system='') %}
{%- if messages[0].role == 'system' %}{% set ns.system = messages[0].content %}{% endif %}
<|start_header_id|>system<|end_header_id|>

{% if tools is not none %}
Environment: ipython
    {% for t in tools %}
{{ t | tojson(indent=4) }}

    {% endfor %}
{% endif %}
Today: {{ "26 Jul 2024" }}
{{ ns.system }}<|eot_id|>
{%- for message in messages %}
{%- if message.role == 'system' %}{% continue %}{% endif %}
{%- if message.role == 'assistant' and message.tool_calls %}
{%- for call in message.tool_calls %}<|start_header_id|>assistant<|end_header_id|>

{"name": "{{ call.function.name }}", "parameters": {{ call.function.arguments | tojson }}}<|eom_id|>
{%- endfor %}
{%- elif message.role == 'tool' %}<|start_header_id|>ipython<|end_header_id|>

{{ message.content | tojson if message.content is mapping else message.content }}<|eot_id|>
{%- else %}<|start_header_id|>{{ message.role }}<|end_header_id|>

{{ message.content | trim }}<|eot_id|>
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>

{% endif %}"""

SPECIALS = [
    "<|im_start|>",
    "<|im_end|>",
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eot_id|>",
    "<|eom_id|>",
]
CORPUS = [
    "The quick brown fox jumps over the lazy dog. ",
    "Quelle heure est-il? Il est midi. ",
    "def f(x): return x * 2\n",
    '{"name": "get_weather", "arguments": {"city": "Paris"}} ',
    "日本語のテキストも少し。 ",
    "tool_call tool_response system user assistant\n",
]


def make_model(folder: Path, template: str) -> Path:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=600, special_tokens=SPECIALS, initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(CORPUS * 50, trainer=trainer)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "bos_token": "<|begin_of_text|>",
                "eos_token": "<|end_of_text|>",
                "chat_template": template,
                "tokenizer_class": "PreTrainedTokenizerFast",
            }
        )
    )
    return folder


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {"chatml": make_model(root / "chatml", CHATML), "llama3": make_model(root / "llama3", LLAMA3)}


WORDS = st.text(st.sampled_from(list("abcdefxyz éü日本 \n{}\"'<>|_")), min_size=0, max_size=30)
ARGUMENTS = st.dictionaries(st.sampled_from(["city", "n", "q"]), st.one_of(WORDS, st.integers(-5, 500), st.booleans()), max_size=3)
TOOL = st.builds(
    lambda name, desc: {
        "type": "function",
        "function": {"name": name, "description": desc, "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
    },
    st.sampled_from(["get_weather", "search", "add"]),
    WORDS,
)


@st.composite
def conversations(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]] | None]:
    messages: list[dict[str, Any]] = []
    if draw(st.booleans()):
        messages.append({"role": "system", "content": draw(WORDS)})
    for _ in range(draw(st.integers(1, 3))):
        messages.append({"role": "user", "content": draw(WORDS)})
        if draw(st.booleans()):
            calls = [
                {"type": "function", "function": {"name": draw(st.sampled_from(["get_weather", "add"])), "arguments": draw(ARGUMENTS)}}
                for _ in range(draw(st.integers(1, 2)))
            ]
            messages.append({"role": "assistant", "tool_calls": calls})
            messages.extend({"role": "tool", "name": "get_weather", "content": draw(WORDS)} for _ in calls)
        messages.append({"role": "assistant", "content": draw(WORDS), "weight": draw(st.sampled_from([0, 1]))})
    tools = draw(st.one_of(st.none(), st.lists(TOOL, min_size=1, max_size=2)))
    return messages, tools


@pytest.mark.parametrize("style", ["chatml", "llama3"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(conversation=conversations())
def test_token_ids_equal_transformers_apply_chat_template(
    style: str, conversation: tuple[list[dict[str, Any]], Any], folders: dict[str, Path]
) -> None:
    transformers = pytest.importorskip("transformers", reason="transformers (a test-only dependency) is not installed")
    reference = _reference(transformers, folders[style])
    messages, tools = conversation
    expected = reference.apply_chat_template(
        messages, tools=tools, tokenize=True, return_dict=True, return_assistant_tokens_mask=style == "chatml"
    )
    model = hf.model(str(folders[style]))
    assert model.chat_ids(messages, tools) == list(expected["input_ids"])
    count = hf.HFCounter(str(folders[style]), "chat").example({"messages": messages, **({"tools": tools} if tools else {})})
    assert count.total == len(expected["input_ids"])
    if style == "chatml":  # {% generation %} marks what is trained: transformers' assistant mask
        assert count.trained == sum(expected["assistant_masks"])
    assert sum(count.roles.values()) == count.total


_REFERENCES: dict[Path, Any] = {}


def _reference(transformers: Any, folder: Path) -> Any:
    if folder not in _REFERENCES:
        _REFERENCES[folder] = transformers.PreTrainedTokenizerFast.from_pretrained(str(folder))
    return _REFERENCES[folder]


def test_without_generation_tags_the_weighted_assistant_turns_are_trained(folders: dict[str, Path]) -> None:
    counter = hf.HFCounter(str(folders["llama3"]), "chat")
    user = {"role": "user", "content": "hi"}
    trained = {"role": "assistant", "content": "hello there", "weight": 1}
    skipped = {"role": "assistant", "content": "old answer", "weight": 0}
    both = counter.example({"messages": [user, skipped, user, trained]})
    only = counter.example({"messages": [user, trained]})
    model = hf.model(str(folders["llama3"]))
    turn = len(model.encode_rendered("<|start_header_id|>assistant<|end_header_id|>\n\nhello there<|eot_id|>").ids)
    assert only.trained == both.trained == turn
    assert both.roles["assistant"] > only.roles["assistant"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(conversation=conversations(), limit=st.integers(1, 400))
def test_byte_bound_after_rendering_never_changes_the_verdict(
    conversation: tuple[list[dict[str, Any]], Any], limit: int, folders: dict[str, Path]
) -> None:
    messages, tools = conversation
    value = {"messages": messages, **({"tools": tools} if tools else {})}
    for folder in folders.values():
        counter = hf.HFCounter(str(folder), "chat")
        bound = counter.upper_bound(json.dumps(value).encode(), value, limit)
        total = counter.example(value).total
        assert bound is not None and bound >= total


def test_missing_folder_file_or_template_is_one_line_exit_2(
    tmp_path: Path, folders: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok"}]}) + "\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    no_template = tmp_path / "plain"
    no_template.mkdir()
    (no_template / "tokenizer.json").write_text((folders["chatml"] / "tokenizer.json").read_text())
    for folder, message in [(tmp_path / "nowhere", "not a folder"), (empty, "no tokenizer.json"), (no_template, "no chat template")]:
        hf.model.cache_clear()
        assert main(["stats", "--tokenizer", str(folder), str(data)]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and message in err and err.startswith("jsonl-lint: ")


def test_check_and_stats_count_with_a_model_folder(tmp_path: Path, folders: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.jsonl"
    rows = [{"messages": [{"role": "user", "content": "word " * n}, {"role": "assistant", "content": "fine"}]} for n in (1, 200)]
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    folder = str(folders["chatml"])
    totals = [hf.HFCounter(folder, "chat").example(row).total for row in rows]
    assert (
        main(["check", "--select", "JL501", "--profile", "together", "--tokenizer", folder, "--max-tokens", str(totals[0]), str(data)]) == 1
    )
    out, _ = capsys.readouterr()
    assert f"{data}:2:1: error: JL501 the example has {totals[1]:,} tokens but" in out and ":1:1:" not in out
    assert main(["stats", "--format", "json", "--tokenizer", folder, "--max-tokens", str(totals[0]), str(data)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tokens_total"] == sum(totals) and report["encoding"] == "chatml" and report["files"][0]["examples_over_limit"] == 1


def test_a_huge_example_is_over_the_limit_without_being_tokenized(folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every token stands for at most max_token_bytes of the rendering: past limit × that, the
    example is over without tokenizing it (memory and time stay bounded)."""
    counter = hf.HFCounter(str(folders["chatml"]), "chat")
    value = {"messages": [{"role": "user", "content": "word " * 200_000}, {"role": "assistant", "content": "ok"}]}
    exact = counter.example(value).total
    assert exact * counter.model.max_token_bytes >= len(counter.model.template.render(value["messages"], None)[0].encode())

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("tokenized")

    monkeypatch.setattr(counter.model, "tokenizer", type("T", (), {"encode": refuse})())
    stopped = counter.example(value, budget=1_000)
    assert not stopped.complete and 1_000 < stopped.total <= exact
