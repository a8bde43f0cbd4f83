"""An empty completion: a prompt-completion example with nothing to learn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

EMPTY_COMPLETION = Rule(
    code="JL214",
    name="empty-completion",
    severity=Severity.ERROR,
    summary="a prompt-completion example whose completion is empty or only whitespace",
    doc="""The `completion` is empty or only whitespace: the model learns only to stop.

The completion is what a prompt-completion model learns to write (babbage-002, davinci-002);
OpenAI's old data preparation tool reported empty completions. The chat twin, an empty assistant
reply, is JL205.

Fails:

    # options: model=babbage-002
    {"prompt": "Say hi ->", "completion": ""}

Passes:

    # options: model=babbage-002
    {"prompt": "Say hi ->", "completion": " hi\\n"}
""",
)


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    completion = record.value.get("completion")
    if isinstance(completion, str) and not completion.strip():
        yield ctx.at(EMPTY_COMPLETION, record, "the completion is empty: there is nothing to learn from this example", ("completion",))


RULES = RecordRules(rules=(EMPTY_COMPLETION,), formats=frozenset({"completion", "trl-completion"}), check=check)
