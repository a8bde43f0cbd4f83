"""Tool calls and their answers: every call answered, every answer called for, ids unique."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import CALLS, TOOL_MESSAGES, message_lists, summary
from jsonl_lint.jsonpos import JsonPath
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules, records_with

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

NOT_ANSWERED = Rule(
    code="JL301",
    name="tool-call-not-answered",
    severity=Severity.ERROR,
    summary="a tool call has no tool message with its id before the next user or assistant turn",
    doc="""An assistant tool call is not answered by a `tool` message with its id (`tool_call_id`)
before the next user or assistant message.

A call in the last assistant message, with nothing after it, is fine: that is how an example
teaches the model to call a tool. Once any answers follow, all calls of that turn need one.

Fails:

    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}, {"role": "assistant", "content": "Sunny."}]}

Passes:

    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "c1", "content": "sunny"}, {"role": "assistant", "content": "Sunny."}]}
""",
)

NOT_CALLED = Rule(
    code="JL302",
    name="tool-response-without-call",
    severity=Severity.ERROR,
    summary="a tool message answers no earlier, unanswered tool call",
    doc="""A `tool` message whose `tool_call_id` matches no earlier tool call, or one already answered.

Fails:

    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "tool", "tool_call_id": "c9", "content": "sunny"}, {"role": "assistant", "content": "Sunny."}]}

Passes:

    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "c9", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "c9", "content": "sunny"}, {"role": "assistant", "content": "Sunny."}]}
""",
)

DUPLICATE_ID = Rule(
    code="JL303",
    name="duplicate-tool-call-id",
    severity=Severity.ERROR,
    summary="two tool calls in one example share an id",
    doc="""Two tool calls in one example have the same id, so their answers cannot be told apart.

Fails:

    {"messages": [{"role": "user", "content": "Weather in A and B?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}, {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}]}

Passes:

    {"messages": [{"role": "user", "content": "Weather in A and B?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}, {"id": "c2", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}]}
""",
)


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    shape = summary(record.value, ctx.data_format)
    if not (shape.calls or shape.tool_messages):
        return
    for prefix, messages in message_lists(record.value, ctx.data_format):
        yield from _check_messages(record, ctx, prefix, messages)


def _check_messages(record: Record, ctx: FileContext, prefix: JsonPath, messages: list[dict[str, object]]) -> Iterator[Problem]:
    seen_ids: set[str] = set()
    pending: dict[str, JsonPath] = {}  # call id -> path of the id, until a tool message answers it
    answered_some = False
    for index, message in enumerate(messages):
        role = message["role"]
        if role == "tool":
            call_id = message["tool_call_id"]
            assert isinstance(call_id, str)
            if call_id in pending:
                del pending[call_id]
                answered_some = True
            else:
                why = "was already answered" if call_id in seen_ids else "matches no earlier tool call"
                yield ctx.at(NOT_CALLED, record, f'tool_call_id "{call_id}" {why}', prefix + (index, "tool_call_id"))
            continue
        if role in ("user", "assistant"):
            yield from _unanswered(record, ctx, pending)
            pending, answered_some = {}, False
        calls = message.get("tool_calls") if role == "assistant" else None
        if isinstance(calls, list):
            for number, call in enumerate(calls):
                call_id = call["id"]
                path = prefix + (index, "tool_calls", number, "id")
                if call_id in seen_ids:
                    yield ctx.at(DUPLICATE_ID, record, f'tool call id "{call_id}" is used twice in this example', path)
                    continue
                seen_ids.add(call_id)
                pending[call_id] = path
    if answered_some:  # the last turn's calls were partly answered: the rest are missing
        yield from _unanswered(record, ctx, pending)


def _unanswered(record: Record, ctx: FileContext, pending: dict[str, JsonPath]) -> Iterator[Problem]:
    for call_id, path in pending.items():
        yield ctx.at(NOT_ANSWERED, record, f'tool call "{call_id}" is not answered by a tool message before the next turn', path)


RULES = RecordRules(
    rules=(NOT_ANSWERED, NOT_CALLED, DUPLICATE_ID),
    formats=frozenset({"chat", "preference", "rft"}),
    check=check,
    needs=records_with(CALLS | TOOL_MESSAGES),
)
