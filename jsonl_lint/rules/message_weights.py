"""`weight` on a message that is not the assistant's, where the target reads it only there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import STRAY_WEIGHT, all_messages, summary
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules, records_with

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

WEIGHT_NOT_ON_ASSISTANT = Rule(
    code="JL212",
    name="weight-not-on-assistant",
    severity=Severity.ERROR,
    summary="a system, user or tool message has a `weight`, where the target takes it on assistant messages only",
    doc="""A message other than the assistant's has a `weight`.

OpenAI's format has `weight` on assistant messages only and refuses it elsewhere (an error);
Together's SDK accepts it on every message (off on `together`); mistral-finetune reads it on
assistant messages and ignores it elsewhere (a warning on `mistral`).

Fails:

    {"messages": [{"role": "user", "content": "Hi", "weight": 1}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "weight": 1}]}
""",
)


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    if not summary(record.value, ctx.data_format).stray_weight:
        return  # most records (searching the raw line for the key costs more than this)
    for path, message in all_messages(record.value, ctx.data_format):
        if "weight" in message and message["role"] != "assistant":
            yield ctx.at(
                WEIGHT_NOT_ON_ASSISTANT,
                record,
                f"a {message['role']} message has `weight`; {ctx.profile.name} reads it on assistant messages only",
                path + ("weight",),
                at_key=True,
            )


RULES = RecordRules(
    rules=(WEIGHT_NOT_ON_ASSISTANT,), formats=frozenset({"chat", "preference"}), check=check, needs=records_with(STRAY_WEIGHT)
)
