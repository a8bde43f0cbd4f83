"""Escaped newlines in chat content: ``\\n`` as two characters, a common export mistake."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import BACKSLASH, PARTS, content_text, message_lists, summary
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules, records_with

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

ESCAPED_NEWLINES = Rule(
    code="JL220",
    name="escaped-newlines",
    severity=Severity.WARNING,
    summary="message text holds more escaped newlines (a backslash and n) than real ones",
    doc="""A message whose text holds the two characters backslash and n more often than real
newlines: the export escaped its line breaks twice, and the model learns to write a backslash
and an n. `jsonl-lint convert --unescape` turns them into newlines.

Fails:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Line one\\\\nLine two"}]}

Passes:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Line one\\nLine two"}]}
""",
)

_ESCAPED = "\\n"


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    shape = summary(record.value, ctx.data_format)
    if not shape.backslash and not shape.parts:  # most records stop here (searching the raw line costs more)
        return
    for prefix, messages in message_lists(record.value, ctx.data_format):
        for index, message in enumerate(messages):
            text = content_text(message.get("content"))
            if "\\" not in text:  # one character is found far faster than two
                continue
            escaped = text.count(_ESCAPED)
            if escaped and escaped > text.count("\n"):
                yield ctx.at(
                    ESCAPED_NEWLINES,
                    record,
                    f"the {message['role']} message holds {escaped} escaped newlines (backslash, n) and {text.count(chr(10))} real ones",
                    prefix + (index, "content"),
                )


RULES = RecordRules(
    rules=(ESCAPED_NEWLINES,), formats=frozenset({"chat", "preference", "rft"}), check=check, needs=records_with(BACKSLASH | PARTS)
)
