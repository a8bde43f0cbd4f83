"""Empty messages: an empty assistant reply teaches silence; other empty turns are suspicious."""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import all_messages, content_text, has_call
from jsonl_lint.problems import Problem, Rule, Severity

if TYPE_CHECKING:
    from jsonl_lint.checker import FileContext
    from jsonl_lint.reader import Record

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

RULES = (EMPTY_ASSISTANT, EMPTY_CONTENT)


def _is_blank(content: object) -> bool:
    if isinstance(content, list) and any(isinstance(p, dict) and p.get("type") != "text" for p in content):
        return False  # an image or refusal part is content
    return not content_text(content).strip()


def check(record: Record, ctx: FileContext) -> Iterator[Problem | None]:
    for path, message in all_messages(record.value, ctx.data_format):
        role = message["role"]
        if role == "function" or "content" not in message or message["content"] is None:
            continue  # null content is the schema's business (allowed only beside a call)
        if not _is_blank(message["content"]):
            continue
        what = "empty" if not content_text(message["content"]) else "only whitespace"
        if role == "assistant":
            if not has_call(message):
                yield ctx.at(EMPTY_ASSISTANT, record, f"the assistant reply is {what}: the model would learn to say nothing", path + ("content",))
        else:
            yield ctx.at(EMPTY_CONTENT, record, f"the {role} message is {what}", path + ("content",))
