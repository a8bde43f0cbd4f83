"""Empty messages: an empty assistant reply teaches silence; other empty turns are suspicious."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import MAYBE_BLANK, content_text, has_call, message_lists, summary
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules, records_with

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

EMPTY_ASSISTANT = Rule(
    code="JL205",
    name="empty-assistant-content",
    severity=Severity.ERROR,
    summary="an assistant message is empty or only whitespace (and calls no tool)",
    doc="""An assistant message whose content is empty or only whitespace, and that calls no tool:
the model would learn to answer with nothing.

Fails:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "  "}]}

Passes:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
)

EMPTY_CONTENT = Rule(
    code="JL206",
    name="empty-content",
    severity=Severity.WARNING,
    summary="a system, user or tool message is empty or only whitespace",
    doc="""A system, user, developer or tool message whose content is empty or only whitespace.

Fails:

    {"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
)


def _is_blank(content: object) -> bool:
    if isinstance(content, str):
        return not content or content.isspace()  # no copy, and stops at the first letter
    if isinstance(content, list) and any(isinstance(p, dict) and p.get("type") != "text" for p in content):
        return False  # an image or refusal part is content
    return not content_text(content).strip()


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    if not summary(record.value, ctx.data_format).maybe_blank:
        return
    for prefix, messages in message_lists(record.value, ctx.data_format):
        for index, message in enumerate(messages):
            content = message.get("content")
            if content is None or message["role"] == "function" or not _is_blank(content):
                continue  # null content is the schema's business (allowed only beside a call)
            path = prefix + (index, "content")
            what = "empty" if not content_text(content) else "only whitespace"
            if message["role"] != "assistant":
                yield ctx.at(EMPTY_CONTENT, record, f"the {message['role']} message is {what}", path)
            elif not has_call(message):
                yield ctx.at(EMPTY_ASSISTANT, record, f"the assistant reply is {what}: the model would learn to say nothing", path)


RULES = RecordRules(
    rules=(EMPTY_ASSISTANT, EMPTY_CONTENT),
    formats=frozenset({"chat", "preference", "rft", "trl-chat"}),
    check=check,
    needs=records_with(MAYBE_BLANK),
)
