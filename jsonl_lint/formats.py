"""The data formats: which schema each uses, how a record's format is recognised.

The JSON Schemas in ``schemas/`` are the single source of truth for structure. Two validators
compile from the same files: jsonschema-rs answers "valid?" for every record (fast), and
jsonschema explains the failures of the few that are not.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import jsonschema


# A NamedTuple, not a dataclass: a dataclass costs about 0.7 ms to create, and every check imports this module.
class DataFormat(NamedTuple):
    name: str
    title: str
    schema_file: str
    summary: str


FORMATS: dict[str, DataFormat] = {
    fmt.name: fmt
    for fmt in (
        DataFormat(
            name="chat",
            title="chat (supervised)",
            schema_file="chat.schema.json",
            summary='{"messages": [...]} for supervised fine-tuning of chat models',
        ),
        DataFormat(
            name="preference",
            title="preference (DPO)",
            schema_file="preference.schema.json",
            summary='{"input": {...}, "preferred_output": [...], "non_preferred_output": [...]}',
        ),
        DataFormat(
            name="completion",
            title="prompt-completion (legacy)",
            schema_file="completion.schema.json",
            summary='{"prompt": "...", "completion": "..."} for babbage-002 and davinci-002',
        ),
        DataFormat(
            name="text",
            title="plain text",
            schema_file="text.schema.json",
            summary='{"text": "..."}: whole documents, for continued pre-training (Together, Mistral)',
        ),
        DataFormat(
            name="gemini",
            title="Gemini (Vertex AI)",
            schema_file="gemini.schema.json",
            summary='{"contents": [{"role": "user"|"model", "parts": [...]}], "systemInstruction"?, "tools"?} for Vertex AI Gemini tuning',
        ),
        DataFormat(
            name="gemini-preference",
            title="Gemini preference (Vertex AI)",
            schema_file="gemini-preference.schema.json",
            summary='{"contents": [...], "completions": [{"score": 1, ...}, {"score": 0, ...}]} for Gemini preference tuning',
        ),
        DataFormat(
            name="bedrock-nova",
            title="Bedrock conversation (Nova)",
            schema_file="bedrock-nova.schema.json",
            summary='{"schemaVersion": "bedrock-conversation-2024", "system"?, "messages": [{"role", "content": [blocks]}]} for Amazon Nova',
        ),
        DataFormat(
            name="bedrock-claude",
            title="Bedrock Claude",
            schema_file="bedrock-claude.schema.json",
            summary='{"system"?: "...", "messages": [{"role", "content": "..."}]} for Claude 3 Haiku on Amazon Bedrock',
        ),
        DataFormat(
            name="rft",
            title="reinforcement (RFT)",
            schema_file="rft.schema.json",
            summary='{"messages": [...], ...grader keys} for reinforcement fine-tuning',
        ),
        DataFormat(
            name="instruction",
            title="instruction (Together)",
            schema_file="instruction.schema.json",
            summary='{"prompt": ..., "completion": ...}, strings or content parts (images in the prompt), for Together',
        ),
        DataFormat(
            name="trl-chat",
            title="conversational (TRL)",
            schema_file="trl-chat.schema.json",
            summary='{"messages": [...], "tools"?: [...]}, tool-call arguments as objects, for Hugging Face TRL',
        ),
        DataFormat(
            name="trl-completion",
            title="prompt-completion (TRL)",
            schema_file="trl-completion.schema.json",
            summary='{"prompt": ..., "completion": ...}, strings or message lists, for Hugging Face TRL',
        ),
        DataFormat(
            name="trl-preference",
            title="preference (TRL)",
            schema_file="trl-preference.schema.json",
            summary='{"prompt"?: ..., "chosen": ..., "rejected": ...}; without prompt, the shared start is the prompt',
        ),
        DataFormat(
            name="trl-kto",
            title="unpaired preference (TRL, KTO)",
            schema_file="trl-kto.schema.json",
            summary='{"prompt": ..., "completion": ..., "label": true|false} for KTO',
        ),
    )
}

# A record's keys give its shape; the model's formats say which format of that shape it is (the
# first one the model trains on, else the shape's own): "messages" are chat, RFT or TRL chat.
VARIANTS: dict[str, tuple[str, ...]] = {
    "chat": ("chat", "rft", "bedrock-nova", "bedrock-claude", "trl-chat"),
    "completion": ("completion", "instruction", "trl-completion"),
}

# Shapes we do not check but recognise, to say what to do with them.
FOREIGN_SHAPES: dict[str, str] = {
    "conversations": "ShareGPT (`conversations`): convert it with `jsonl-lint convert --from sharegpt`",
    "instruction": "Alpaca (`instruction`/`output`): convert it with `jsonl-lint convert --from alpaca`",
}


def detect(value: Mapping[str, Any]) -> str | None:
    """The format a record's keys say it is in ("chat" also stands for RFT and the Bedrock formats; the model decides)."""
    if "contents" in value:
        return "gemini-preference" if "completions" in value else "gemini"
    if "schemaVersion" in value or "toolConfig" in value:
        return "bedrock-nova"
    if "messages" in value:
        return "chat"
    if "input" in value or "preferred_output" in value or "non_preferred_output" in value or "preferred_completion" in value:
        return "preference"
    if "chosen" in value or "rejected" in value:
        return "trl-preference"
    if "label" in value and "completion" in value:
        return "trl-kto"
    if "prompt" in value or "completion" in value:
        return "completion"
    if "text" in value:
        return "text"
    return None


def record_format(value: Mapping[str, Any], model_formats: Sequence[str], forced: str | None = None) -> str | None:
    """The format of a record for a model: the forced one or the model's among its shape's
    :data:`VARIANTS` (`messages` alone are chat, unless the model trains on another
    format that has them and not on chat: RFT, Bedrock, TRL)."""
    shape = detect(value)
    variants = VARIANTS.get(shape or "", ())
    if forced is not None and forced in variants:
        return forced
    return next((fmt for fmt in variants if fmt in model_formats), shape)


def foreign_shape_hint(value: Mapping[str, Any]) -> str | None:
    for key, hint in FOREIGN_SHAPES.items():
        if key in value:
            return hint
    return None


@functools.cache
def _schema_dir() -> Path:
    """``jsonl_lint/schemas`` in an installed wheel; the repository's ``schemas/`` in a checkout."""
    # A path from __file__, not importlib.resources.files(): importing that (it loads tempfile and
    # zipfile) cost every command about 7 ms, and the package is always installed as files.
    packaged = Path(__file__).parent / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "schemas"


def schema_path(name: str) -> Path:
    return _schema_dir() / FORMATS[name].schema_file


def schema_text(name: str) -> str:
    return schema_path(name).read_text(encoding="utf-8")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text(name))
    return schema


def _all_schemas() -> list[tuple[str, dict[str, Any]]]:
    return [(load_schema(name)["$id"], load_schema(name)) for name in FORMATS]


@functools.cache
def fast_validator(name: str) -> Any:
    # Imported here: the commands that validate no record (rules, schema, convert) start without it.
    import jsonschema_rs

    registry = jsonschema_rs.Registry(_all_schemas())
    return jsonschema_rs.validator_for(load_schema(name), registry=registry)


@functools.cache
def explaining_validator(name: str) -> jsonschema.Draft7Validator:
    # Imported here: only a record that fails needs jsonschema, and importing it costs 60 ms.
    import jsonschema
    import referencing
    import referencing.jsonschema

    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        (uri, referencing.Resource.from_contents(schema, default_specification=referencing.jsonschema.DRAFT7))
        for uri, schema in _all_schemas()
    )
    return jsonschema.Draft7Validator(load_schema(name), registry=registry)
