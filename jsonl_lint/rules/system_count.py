"""One system message: some trainers take only one per example."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import LATE_SYSTEM, message_lists, summary
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules, records_with

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

MULTIPLE_SYSTEM = Rule(
    code="JL210",
    name="multiple-system-messages",
    severity=Severity.WARNING,
    summary="an example has more than one system message",
    doc="""An example has a second system message.

Chat templates and trainers expect one system prompt; mistral-finetune refuses a second one
(an error on the `mistral` profile), and it is a warning elsewhere.

Fails:

    # options: profile=mistral
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "system", "content": "Be kind."}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    # options: profile=mistral
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
)


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    if summary(record.value, ctx.data_format).roles.count("system") < 2:
        return
    prefix, messages = message_lists(record.value, ctx.data_format)[0]
    seen = False
    for index, message in enumerate(messages):
        if message["role"] == "system":
            if seen:
                yield ctx.at(MULTIPLE_SYSTEM, record, "a second system message; put the system prompt in one message", prefix + (index,))
            seen = True


RULES = RecordRules(
    rules=(MULTIPLE_SYSTEM,), formats=frozenset({"chat", "preference", "trl-chat"}), check=check, needs=records_with(LATE_SYSTEM)
)
