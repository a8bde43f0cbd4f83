"""An assistant turn that both writes text and calls tools, which some trainers refuse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import CALLS, all_messages, content_text, summary
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules, records_with

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

TEXT_AND_TOOL_CALLS = Rule(
    code="JL211",
    name="assistant-text-and-tool-calls",
    severity=Severity.ERROR,
    summary="an assistant message has both text and tool calls, where the target takes one or the other",
    doc="""An assistant message has non-empty `content` and `tool_calls`.

Mistral's validator takes an assistant message with text or with tool calls, not both (an error on
the `mistral` profile). OpenAI's format allows both, so the rule is off on `openai`; where a
trainer's stance is not known it is a warning (see `jsonl-lint profiles NAME`).

Fails:

    # options: profile=mistral
    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "content": "Let me look.", "tool_calls": [{"id": "a1B2c3D4e", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}]}

Passes:

    # options: profile=mistral
    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "a1B2c3D4e", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}]}
""",
)


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    if not summary(record.value, ctx.data_format).calls:
        return
    for path, message in all_messages(record.value, ctx.data_format):
        if message.get("tool_calls") and content_text(message.get("content")).strip():
            yield ctx.at(
                TEXT_AND_TOOL_CALLS,
                record,
                f"this assistant message has text and tool calls; {ctx.profile.name} takes one or the other: move the text to its own message",
                path + ("content",),
            )


RULES = RecordRules(
    rules=(TEXT_AND_TOOL_CALLS,), formats=frozenset({"chat", "preference", "trl-chat"}), check=check, needs=records_with(CALLS)
)
