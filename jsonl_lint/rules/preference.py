"""Preference pairs: the input asks, the two outputs answer it differently."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import content_text
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

INPUT_NOT_ENDING_WITH_USER = Rule(
    code="JL601",
    name="preference-input-not-ending-with-user",
    severity=Severity.ERROR,
    summary="a preference input does not end with the user message the outputs answer",
    doc="""A preference example's `input.messages` does not end with a user message: the preferred
and non-preferred outputs are the next assistant turn, so they must answer a user turn.
(That each output holds exactly one assistant message is the schema's rule, JL101.)

Fails:

    {"input": {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}, "preferred_output": [{"role": "assistant", "content": "How can I help?"}], "non_preferred_output": [{"role": "assistant", "content": "What?"}]}

Passes:

    {"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello! How can I help?"}], "non_preferred_output": [{"role": "assistant", "content": "What?"}]}
""",
)

IDENTICAL_OUTPUTS = Rule(
    code="JL602",
    name="identical-preference-outputs",
    severity=Severity.WARNING,
    summary="the preferred and non-preferred outputs are the same",
    doc="""The preferred and non-preferred outputs have the same text: there is no preference to learn.

Fails:

    {"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello"}], "non_preferred_output": [{"role": "assistant", "content": "Hello"}]}

Passes:

    {"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello"}], "non_preferred_output": [{"role": "assistant", "content": "Go away"}]}
""",
)


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    value = record.value
    messages = value["input"]["messages"]
    if messages[-1]["role"] != "user":
        yield ctx.at(
            INPUT_NOT_ENDING_WITH_USER,
            record,
            f"the input ends with a {messages[-1]['role']} message; it must end with the user turn the outputs answer",
            ("input", "messages", len(messages) - 1),
        )
    preferred = content_text(value["preferred_output"][0]["content"])
    rejected = content_text(value["non_preferred_output"][0]["content"])
    if preferred.strip() == rejected.strip():
        yield ctx.at(
            IDENTICAL_OUTPUTS,
            record,
            "the preferred and non-preferred outputs are the same text: nothing to learn",
            ("non_preferred_output",),
        )


RULES = RecordRules(rules=(INPUT_NOT_ENDING_WITH_USER, IDENTICAL_OUTPUTS), formats=frozenset({"preference"}), check=check)
