"""Turns of the Gemini and Bedrock formats: who speaks first and last, alternation, tool calls
answered, and the strings and versions those trainers refuse.

Gemini pairs a ``functionCall`` with the ``functionResponse`` of the same name in the next user
turn; Bedrock pairs a ``toolUse`` with the ``toolResult`` of the same ``toolUseId``. The problems
reuse the codes of the chat rules for the same mistakes (JL301, JL302, JL305, JL306), so one
selector covers every format.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from jsonl_lint.conversation import strings
from jsonl_lint.jsonpos import JsonPath
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules import images, tool_arguments, tool_calls
from jsonl_lint.rules.base import RecordRules

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

FIRST_NOT_USER = Rule(
    code="JL250",
    name="first-turn-not-user",
    severity=Severity.ERROR,
    summary="a Gemini or Bedrock conversation does not start with a user turn",
    doc="""The first turn of a Gemini `contents` or a Bedrock `messages` list is not the user's.
Bedrock's Nova and Claude formats require it; Gemini's tuning examples all start with a user turn.

Fails:

    # options: profile=bedrock-claude
    {"messages": [{"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Bye"}]}

Passes:

    # options: profile=bedrock-claude
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
)

LAST_NOT_MODEL = Rule(
    code="JL251",
    name="last-turn-not-model",
    severity=Severity.ERROR,
    summary="a Gemini or Bedrock example does not end with the model's turn (a preference prompt: with the user's)",
    doc="""A Gemini or Bedrock example does not end with a model (assistant) turn, so its last turns
are not trained on; Bedrock rejects such a file. A Gemini preference example is the opposite: its
`contents` must end with the user turn that the scored completions answer.

Fails:

    # options: profile=bedrock-claude
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Bye"}]}

Passes:

    # options: profile=bedrock-claude
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
)

NOT_ALTERNATING = Rule(
    code="JL252",
    name="turns-not-alternating",
    severity=Severity.ERROR,
    summary="two Gemini or Bedrock turns in a row have the same role",
    doc="""Two consecutive turns of a Gemini `contents` or Bedrock `messages` list have the same
role. These trainers need user and model turns to alternate: put the parts of one speaker's
consecutive turns into one turn (function responses go in the user turn after the call).

Fails:

    # options: profile=bedrock-claude
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    # options: profile=bedrock-claude
    {"messages": [{"role": "user", "content": "Hi Hello?"}, {"role": "assistant", "content": "Hello!"}]}
""",
)

RESERVED_KEYWORD = Rule(
    code="JL405",
    name="reserved-keyword",
    severity=Severity.ERROR,
    summary="a Bedrock Nova prompt contains a reserved keyword (User:, Bot:, Assistant:, System:, <image>, <video>, [EOS])",
    doc="""A user or system text of a Bedrock Nova example contains one of the keywords Nova
reserves: `User:`, `Bot:`, `Assistant:`, `System:`, `<image>`, `<video>` or `[EOS]`. The training
job fails on them (Amazon Nova user guide, "Preparing data for fine-tuning Understanding models").
Replace them with words of similar meaning.

Fails:

    # options: profile=bedrock-nova
    {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"text": "User: hi"}]}, {"role": "assistant", "content": [{"text": "Hello!"}]}]}

Passes:

    # options: profile=bedrock-nova
    {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"text": "hi"}]}, {"role": "assistant", "content": [{"text": "Hello!"}]}]}
""",
)

SCHEMA_VERSION = Rule(
    code="JL105",
    name="schema-version",
    severity=Severity.WARNING,
    summary="a Bedrock record's schemaVersion is not bedrock-conversation-2024",
    doc="""A Bedrock Nova record's `schemaVersion` is not `bedrock-conversation-2024`. One page of
Bedrock's documentation spells it `bedrock-conversion-2024`, and Nova's guide says any string is
accepted, so this is a warning: write the documented value.

Fails:

    # options: profile=bedrock-nova
    {"schemaVersion": "bedrock-conversion-2024", "messages": [{"role": "user", "content": [{"text": "hi"}]}, {"role": "assistant", "content": [{"text": "Hello!"}]}]}

Passes:

    # options: profile=bedrock-nova
    {"schemaVersion": "bedrock-conversation-2024", "messages": [{"role": "user", "content": [{"text": "hi"}]}, {"role": "assistant", "content": [{"text": "Hello!"}]}]}
""",
)


# Amazon Nova's reserved keywords (Nova user guide, fine-tune-prepare-data-understanding, 2026-11).
NOVA_RESERVED = ("User:", "Bot:", "Assistant:", "System:", "<image>", "<video>", "[EOS]")
NOVA_VERSION = "bedrock-conversation-2024"


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    fmt = ctx.data_format
    value = record.value
    turns_key = "contents" if fmt in ("gemini", "gemini-preference") else "messages"
    turns: list[dict[str, Any]] = value[turns_key]
    yield from _order(record, ctx, turns_key, [t["role"] for t in turns], ends_with_user=fmt == "gemini-preference")
    yield from _image_count(record, ctx, turns_key, turns)
    if fmt == "gemini":
        yield from _gemini_calls(record, ctx, turns, _gemini_declarations(value))
    elif fmt == "bedrock-nova":
        yield from _bedrock_calls(record, ctx, turns, _bedrock_declarations(value))
        yield from _nova_text(record, ctx, value)


def _image_count(record: Record, ctx: FileContext, key: str, turns: list[dict[str, Any]]) -> Iterator[Problem]:
    """Images per example (Gemini: image files; Nova: image blocks) against the target's limit."""
    most = ctx.target.param(images.TOO_MANY, images.MAX_IMAGES)
    if most is None:
        return
    parts_key = "parts" if key == "contents" else "content"
    found: list[JsonPath] = []
    for index, turn in enumerate(turns):
        for number, part in enumerate(turn.get(parts_key) or ()):
            if "image" in part or str((part.get("fileData") or {}).get("mimeType", "")).startswith("image/"):
                found.append((key, index, parts_key, number))
    if len(found) > most:
        yield ctx.at(
            images.TOO_MANY, record, f"{len(found)} images in one example; {ctx.target.profile.name} allows at most {most}", found[most]
        )


def _order(record: Record, ctx: FileContext, key: str, roles: list[str], *, ends_with_user: bool) -> Iterator[Problem]:
    if roles[0] != "user":
        yield ctx.at(
            FIRST_NOT_USER, record, f"the conversation starts with a {roles[0]} turn; the first turn must be the user's", (key, 0, "role")
        )
    for index in range(1, len(roles)):
        if roles[index] == roles[index - 1]:
            yield ctx.at(
                NOT_ALTERNATING,
                record,
                f"two {roles[index]} turns in a row; user and model turns must alternate (merge their parts into one turn)",
                (key, index, "role"),
            )
    last = roles[-1]
    if ends_with_user and last != "user":
        yield ctx.at(
            LAST_NOT_MODEL,
            record,
            "a preference example's contents must end with the user turn the completions answer",
            (key, len(roles) - 1, "role"),
        )
    elif not ends_with_user and last == "user":
        yield ctx.at(
            LAST_NOT_MODEL,
            record,
            "the example ends with a user turn; it must end with the model's reply, the turn it learns from",
            (key, len(roles) - 1, "role"),
        )


def _gemini_declarations(value: dict[str, Any]) -> dict[str, Any] | None:
    if "tools" not in value:
        return None
    return {d["name"]: d.get("parameters") for tool in value["tools"] for d in tool["functionDeclarations"]}


def _gemini_calls(record: Record, ctx: FileContext, turns: list[dict[str, Any]], declared: dict[str, Any] | None) -> Iterator[Problem]:
    open_calls: list[tuple[str, JsonPath]] = []  # the previous model turn's calls not yet answered
    for index, turn in enumerate(turns):
        if turn["role"] == "model":
            yield from _unanswered(record, ctx, open_calls)
            open_calls = []
            for number, part in enumerate(turn["parts"]):
                if "functionCall" in part:
                    call, path = part["functionCall"], ("contents", index, "parts", number, "functionCall")
                    open_calls.append((call["name"], path))
                    yield from _declared(record, ctx, call["name"], call.get("args", {}), declared, path, gemini=True)
            continue
        for number, part in enumerate(turn["parts"]):
            if "functionResponse" not in part:
                continue
            name = part["functionResponse"]["name"]
            match = next((i for i, (called, _) in enumerate(open_calls) if called == name), None)
            if match is None:
                yield ctx.at(
                    tool_calls.NOT_CALLED,
                    record,
                    f'a function response for "{name}" answers no call of the model turn before it',
                    ("contents", index, "parts", number, "functionResponse", "name"),
                )
            else:
                del open_calls[match]
        yield from _unanswered(record, ctx, open_calls)
        open_calls = []


def _unanswered(record: Record, ctx: FileContext, open_calls: list[tuple[str, JsonPath]]) -> Iterator[Problem]:
    for name, path in open_calls:
        yield ctx.at(tool_calls.NOT_ANSWERED, record, f'the call of "{name}" is not answered in the next user turn', path)


def _bedrock_declarations(value: dict[str, Any]) -> dict[str, Any] | None:
    if "toolConfig" not in value:
        return None
    return {t["toolSpec"]["name"]: t["toolSpec"]["inputSchema"]["json"] for t in value["toolConfig"]["tools"]}


def _bedrock_calls(record: Record, ctx: FileContext, turns: list[dict[str, Any]], declared: dict[str, Any] | None) -> Iterator[Problem]:
    open_calls: dict[str, JsonPath] = {}  # toolUseId -> where the call is, for the previous assistant turn
    for index, turn in enumerate(turns):
        if turn["role"] == "assistant":
            for call_id, path in open_calls.items():
                yield ctx.at(
                    tool_calls.NOT_ANSWERED, record, f'the tool use "{call_id}" is not answered by a toolResult in the next user turn', path
                )
            open_calls = {}
            for number, block in enumerate(turn["content"]):
                if "toolUse" in block:
                    use, path = block["toolUse"], ("messages", index, "content", number, "toolUse")
                    if use["toolUseId"] in open_calls:
                        yield ctx.at(
                            tool_calls.DUPLICATE_ID,
                            record,
                            f'two tool uses in one turn share the id "{use["toolUseId"]}"',
                            path + ("toolUseId",),
                        )
                    open_calls[use["toolUseId"]] = path
                    yield from _declared(record, ctx, use["name"], use["input"], declared, path, gemini=False)
            continue
        for number, block in enumerate(turn["content"]):
            if "toolResult" in block:
                call_id = block["toolResult"]["toolUseId"]
                if open_calls.pop(call_id, None) is None:
                    yield ctx.at(
                        tool_calls.NOT_CALLED,
                        record,
                        f'a toolResult for "{call_id}" answers no tool use of the assistant turn before it',
                        ("messages", index, "content", number, "toolResult", "toolUseId"),
                    )
        for call_id, path in open_calls.items():
            yield ctx.at(
                tool_calls.NOT_ANSWERED, record, f'the tool use "{call_id}" is not answered by a toolResult in the next user turn', path
            )
        open_calls = {}


def _declared(
    record: Record, ctx: FileContext, name: str, arguments: Any, declared: dict[str, Any] | None, path: JsonPath, *, gemini: bool
) -> Iterator[Problem]:
    if declared is None:
        return
    if name not in declared:
        known = ", ".join(sorted(declared)) or "none"
        yield ctx.at(
            tool_arguments.UNDECLARED, record, f'"{name}" is not declared in this example\'s tools (declared: {known})', path + ("name",)
        )
        return
    parameters = declared[name]
    if parameters is None or not isinstance(arguments, dict):
        return
    if gemini:  # Gemini declares parameters in OpenAPI's subset: check against the JSON Schema it means
        from jsonl_lint.convert.targets import (
            Unconvertible,  # only records that call declared tools
        )
        from jsonl_lint.convert.targets.openapi import from_gemini

        try:
            parameters = from_gemini(parameters, "parameters")
        except (Unconvertible, RecursionError):
            return
    yield from tool_arguments._match_parameters(record, ctx, name, arguments, parameters, path + ("args" if gemini else "input",))


def _nova_text(record: Record, ctx: FileContext, value: dict[str, Any]) -> Iterator[Problem]:
    version = value["schemaVersion"]
    if version != NOVA_VERSION:
        hint = " (a misspelling found in one page of Bedrock's documentation)" if version == "bedrock-conversion-2024" else ""
        yield ctx.at(SCHEMA_VERSION, record, f'schemaVersion is "{version}"{hint}; write "{NOVA_VERSION}"', ("schemaVersion",))
    prompts: list[tuple[JsonPath, Any]] = [(("system",), value.get("system", []))]
    prompts += [(("messages", i), turn) for i, turn in enumerate(value["messages"]) if turn["role"] == "user"]
    for base, node in prompts:
        for path, text in strings(node, base):
            if path[-1] != "text":
                continue
            found = [keyword for keyword in NOVA_RESERVED if keyword in text]
            if found:
                yield ctx.at(
                    RESERVED_KEYWORD, record, f"{', '.join(found)} is reserved by Amazon Nova: the training job fails on it; rephrase", path
                )


RULES = RecordRules(
    rules=(FIRST_NOT_USER, LAST_NOT_MODEL, NOT_ALTERNATING, RESERVED_KEYWORD, SCHEMA_VERSION),
    formats=frozenset({"gemini", "gemini-preference", "bedrock-nova", "bedrock-claude"}),
    check=check,
    also_reports=(
        images.TOO_MANY,
        tool_calls.NOT_ANSWERED,
        tool_calls.NOT_CALLED,
        tool_calls.DUPLICATE_ID,
        tool_arguments.UNDECLARED,
        tool_arguments.ARGUMENTS_MISMATCH,
    ),
)
