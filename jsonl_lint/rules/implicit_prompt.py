"""TRL preference data whose implicit prompt (the start `chosen` and `rejected` share) is empty."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

NO_SHARED_PROMPT = Rule(
    code="JL603",
    name="preference-without-shared-prompt",
    severity=Severity.WARNING,
    summary="a TRL preference example without a usable prompt whose chosen and rejected share no start",
    doc="""A TRL preference example has no `prompt` (or one of the other kind than `chosen`, a string
beside messages, which TRL ignores), and `chosen` and `rejected` differ from their first
character or message: the implicit prompt TRL extracts, their shared start, is empty.

TRL takes the longest start `chosen` and `rejected` share as the prompt (trl data_utils
extract_prompt); with nothing shared, the model is trained to prefer one text over the other
without any prompt. Add the prompt, or start both with it.

Fails:

    # options: profile=hf
    {"chosen": [{"role": "assistant", "content": "It is blue."}], "rejected": [{"role": "assistant", "content": "It is green."}]}

Passes:

    # options: profile=hf
    {"chosen": [{"role": "user", "content": "Sky?"}, {"role": "assistant", "content": "Blue."}], "rejected": [{"role": "user", "content": "Sky?"}, {"role": "assistant", "content": "Green."}]}
""",
)


def _kind(value: Any) -> str:
    return "messages" if isinstance(value, list) else "string"


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    value = record.value
    chosen, rejected = value["chosen"], value["rejected"]
    prompt = value.get("prompt")
    if prompt is not None and _kind(prompt) == _kind(chosen):
        return  # an explicit prompt TRL uses
    if chosen[:1] == rejected[:1] and len(chosen) and len(rejected):
        return  # a shared start: the implicit prompt
    why = (
        "has no prompt"
        if prompt is None
        else f"has a prompt of another kind ({_kind(prompt)}) than chosen ({_kind(chosen)}), which TRL ignores"
    )
    yield ctx.at(
        NO_SHARED_PROMPT,
        record,
        f"the example {why}, and chosen and rejected share no start: the prompt TRL extracts is empty",
        ("chosen",),
    )


RULES = RecordRules(rules=(NO_SHARED_PROMPT,), formats=frozenset({"trl-preference"}), check=check)
