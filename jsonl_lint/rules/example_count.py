"""How many examples: below the target's minimum a job is refused; below 50 it rarely helps."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from jsonl_lint.problems import Problem, Rule, Severity

if TYPE_CHECKING:
    from jsonl_lint.checker import FileContext

TOO_FEW = Rule(
    code="JL701",
    name="too-few-examples",
    severity=Severity.ERROR,
    summary="fewer examples than the target's minimum (10 on OpenAI)",
    doc="""The file has fewer examples than the target accepts (OpenAI and Azure OpenAI: 10; see
`jsonl-lint profiles`). Reported once, for the file.

Fails:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    {"messages": [{"role": "user", "content": "1"}, {"role": "assistant", "content": "one"}]}
    {"messages": [{"role": "user", "content": "2"}, {"role": "assistant", "content": "two"}]}
    {"messages": [{"role": "user", "content": "3"}, {"role": "assistant", "content": "three"}]}
    {"messages": [{"role": "user", "content": "4"}, {"role": "assistant", "content": "four"}]}
    {"messages": [{"role": "user", "content": "5"}, {"role": "assistant", "content": "five"}]}
    {"messages": [{"role": "user", "content": "6"}, {"role": "assistant", "content": "six"}]}
    {"messages": [{"role": "user", "content": "7"}, {"role": "assistant", "content": "seven"}]}
    {"messages": [{"role": "user", "content": "8"}, {"role": "assistant", "content": "eight"}]}
    {"messages": [{"role": "user", "content": "9"}, {"role": "assistant", "content": "nine"}]}
    {"messages": [{"role": "user", "content": "10"}, {"role": "assistant", "content": "ten"}]}
""",
)

FEW = Rule(
    code="JL702",
    name="few-examples",
    severity=Severity.INFO,
    summary="fewer than 50 examples, where fine-tuning usually starts to help",
    doc="""The file has fewer examples than where fine-tuning usually starts to show an improvement
(50 to 100 on OpenAI's guidance; the profile's `recommended_examples`).

Fails:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    # options: profile=together
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
)

RULES = (TOO_FEW, FEW)


class DatasetCheck:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.examples = 0

    def observe(self, line: int, key: int | None) -> Iterable[Problem | None]:
        self.examples += 1
        return ()

    def finish(self) -> Iterator[Problem | None]:
        profile, count = self.ctx.profile, self.examples
        if count == 0:
            return  # an empty file is JL009's
        if count < profile.min_examples and self.ctx.enabled(TOO_FEW):
            yield self.ctx.problem(
                TOO_FEW, None, None, f"the file has {count} example{'s' if count != 1 else ''}; {profile.name} needs at least {profile.min_examples}"
            )
        elif count < profile.recommended_examples:
            yield self.ctx.problem(
                FEW, None, None, f"the file has {count} examples; fine-tuning usually starts to help from {profile.recommended_examples}"
            )
