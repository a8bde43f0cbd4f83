"""String content and content parts mixed in one example, which some trainers refuse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import PARTS, message_lists, summary
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules, records_with

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

MIXED_CONTENT = Rule(
    code="JL213",
    name="mixed-content-shapes",
    severity=Severity.ERROR,
    summary="some messages of an example have string content and others content parts, where the target needs one shape",
    doc="""In one example, some messages have string `content` and others a list of parts.

Together's checks need every message of an example in one shape: all strings, or all lists of
parts (text parts for text, as in `[{"type": "text", "text": "A cat."}]`). OpenAI takes both
mixed, so the rule is off on `openai`.

Fails:

    # options: profile=together
    {"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    # options: profile=together
    {"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}, {"role": "assistant", "content": [{"type": "text", "text": "Hello!"}]}]}
""",
)


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    if not summary(record.value, ctx.data_format).parts:
        return
    for prefix, messages in message_lists(record.value, ctx.data_format):
        first: bool | None = None
        for index, message in enumerate(messages):
            content = message.get("content")
            if content is None:
                continue  # a tool call without text: neither shape
            is_parts = isinstance(content, list)
            if first is None:
                first = is_parts
            elif is_parts != first:
                shapes = "content parts" if first else "string content"
                yield ctx.at(
                    MIXED_CONTENT,
                    record,
                    f"the example starts with {shapes} and this message differs; {ctx.profile.name} needs every message in one shape",
                    prefix + (index, "content"),
                )
                break


RULES = RecordRules(rules=(MIXED_CONTENT,), formats=frozenset({"chat", "trl-chat"}), check=check, needs=records_with(PARTS))
