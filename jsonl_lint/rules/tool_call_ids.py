"""Tool-call ids in the form the target needs (Mistral: exactly 9 letters or digits)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import CALLS, NO_RECORD, TOOL_MESSAGES, Features, all_messages, summary
from jsonl_lint.jsonpos import JsonPath
from jsonl_lint.problems import Parameter, Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

ID_LENGTH: Parameter[int | None] = Parameter("length", None, (int,), "the exact length of a tool-call id (none: any length)")
ID_ALPHANUMERIC: Parameter[bool] = Parameter("alphanumeric", False, (bool,), "ids may hold only ASCII letters and digits")

TOOL_CALL_ID_FORMAT = Rule(
    code="JL307",
    name="tool-call-id-format",
    severity=Severity.ERROR,
    summary="a tool-call id (or a tool message's tool_call_id) is not in the form the target needs",
    doc="""A tool call's `id`, or a tool message's `tool_call_id`, is not in the form the target takes.

Mistral's validator takes ids of exactly 9 ASCII letters or digits (the parameters `length` = 9
and `alphanumeric` = true on the `mistral` profile); other profiles set no form.

Fails:

    # options: profile=mistral
    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}]}

Passes:

    # options: profile=mistral
    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "a1B2c3D4e", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}]}
""",
    parameters=(ID_LENGTH, ID_ALPHANUMERIC),
)


def _problem(value: str, length: int | None, alphanumeric: bool) -> str | None:
    if length is not None and len(value) != length:
        return f"is {len(value)} characters long, not {length}"
    if alphanumeric and not (value.isascii() and value.isalnum()):
        return "holds characters other than ASCII letters and digits"
    return None


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    shape = summary(record.value, ctx.data_format)
    if not (shape.calls or shape.tool_messages):
        return
    target = ctx.target
    length, alphanumeric = target.param(TOOL_CALL_ID_FORMAT, ID_LENGTH), target.param(TOOL_CALL_ID_FORMAT, ID_ALPHANUMERIC)
    if length is None and not alphanumeric:
        return
    form = " ".join(
        part for part in (f"exactly {length}" if length is not None else "", "ASCII letters and digits" if alphanumeric else "") if part
    )
    for path, message in all_messages(record.value, ctx.data_format):
        ids: list[tuple[JsonPath, str]] = [
            (("tool_calls", index, "id"), call["id"]) for index, call in enumerate(message.get("tool_calls") or ())
        ]
        if message["role"] == "tool":
            ids.append((("tool_call_id",), message["tool_call_id"]))
        for key, value in ids:
            why = _problem(value, length, alphanumeric)
            if why:
                yield ctx.at(TOOL_CALL_ID_FORMAT, record, f"the id {value!r} {why}; {ctx.profile.name} takes ids of {form}", path + key)


def needs(ctx: FileContext) -> Features:
    target = ctx.target
    if target.param(TOOL_CALL_ID_FORMAT, ID_LENGTH) is None and not target.param(TOOL_CALL_ID_FORMAT, ID_ALPHANUMERIC):
        return NO_RECORD  # no form to check
    return CALLS | TOOL_MESSAGES


RULES = RecordRules(rules=(TOOL_CALL_ID_FORMAT,), formats=frozenset({"chat", "preference"}), check=check, needs=needs)
