"""Something to learn from: an example needs an assistant turn, and one that is trained on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import UNTRAINED, summary
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules, records_with

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

NO_ASSISTANT = Rule(
    code="JL201",
    name="no-assistant-message",
    severity=Severity.ERROR,
    summary="a chat example has no assistant message to learn from",
    doc="""A chat example has no assistant message, so there is nothing to learn from.

The model learns to write the assistant turns; an example without one only costs tokens.

Fails:

    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}

Passes:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
)

ALL_WEIGHTS_ZERO = Rule(
    code="JL204",
    name="all-weights-zero",
    severity=Severity.ERROR,
    summary="every assistant message has weight 0, so nothing is trained",
    doc="""Every assistant message has `"weight": 0`, so no turn of the example is trained on.

`weight` 0 skips a turn; at least one assistant message needs weight 1 (or no weight).

Fails:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "weight": 0}]}

Passes:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hi!", "weight": 0}, {"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Bye!"}]}
""",
)


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    shape = summary(record.value, ctx.data_format)
    if shape.trained:
        return
    if not shape.assistants:
        yield ctx.at(NO_ASSISTANT, record, "no assistant message: the example has nothing to learn from", ("messages",))
    else:
        yield ctx.at(
            ALL_WEIGHTS_ZERO,
            record,
            f"all {shape.assistants} assistant messages have weight 0: nothing in this example is trained on",
            ("messages",),
        )


RULES = RecordRules(
    rules=(NO_ASSISTANT, ALL_WEIGHTS_ZERO), formats=frozenset({"chat", "trl-chat"}), check=check, needs=records_with(UNTRAINED)
)
