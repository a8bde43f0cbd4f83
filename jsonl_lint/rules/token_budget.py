"""Token budget: an example longer than the model takes is cut from the end during training."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from jsonl_lint import tokens
from jsonl_lint.conversation import EVERY_RECORD, NO_RECORD, Features
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules
from jsonl_lint.tokens import registry

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext
    from jsonl_lint.tokens.base import Counter

TOO_MANY_TOKENS = Rule(
    code="JL501",
    name="too-many-tokens",
    severity=Severity.ERROR,
    summary="an example has more tokens than the model takes per example",
    doc="""An example has more tokens than the target model takes per training example.

Over-long examples are truncated from the end during training, and the end is usually the
assistant's answer: an error, not a warning. Tokens are counted with the model's own tiktoken
encoding (`o200k_base` for gpt-4o, gpt-4.1 and o-series, `cl100k_base` for gpt-3.5-turbo,
babbage-002 and davinci-002); the count estimates the server's (see the README). Most examples
are never tokenized: one whose UTF-8 length is within the limit cannot exceed it.
Mistral models are counted exactly with the tokenizer files of `mistral-common` (extra
`jsonl-lint[mistral]`), any Hugging Face model with its own tokenizer and chat template from a
local folder (`--tokenizer DIR`, extra `jsonl-lint[hf]`); the byte bound applies to the
rendered chat. `--max-tokens N`, `--tokenizer` and `--encoding NAME` override the model's limit
and tokenizer. `--no-token-check` skips this rule (and the need for the tokenizer files).

Fails:

    # options: max_tokens=20
    {"messages": [{"role": "user", "content": "Count to twenty"}, {"role": "assistant", "content": "one two three four five six seven eight nine ten eleven twelve"}]}

Passes:

    # options: max_tokens=20
    {"messages": [{"role": "user", "content": "Count to three"}, {"role": "assistant", "content": "one two three"}]}
""",
)


_plan: tuple[object, int, Counter | None] = (None, 0, None)  # the last file context, its limit and counter (None: no check)


def _plan_of(ctx: FileContext) -> tuple[object, int, Counter | None]:
    """What the rule needs of a file's target, looked up once per file (not per record)."""
    global _plan
    limit = ctx.model.max_tokens
    counter = registry.counter_for(ctx.model, ctx.data_format) if limit is not None and ctx.target.token_check else None
    _plan = (ctx, limit or 0, counter)
    return _plan


def check(record: Record, ctx: FileContext) -> Iterable[Problem]:
    plan = _plan if _plan[0] is ctx else _plan_of(ctx)
    _, limit, counter = plan
    if counter is None:
        return ()
    bound = counter.upper_bound(record.raw, record.value, limit)
    if bound is not None and bound <= limit:
        return ()  # most records: no generator made
    return _counted(record, ctx, counter, limit)


def _counted(record: Record, ctx: FileContext, counter: Counter, limit: int) -> Iterator[Problem]:
    try:
        # Counting stops once over the limit: a huge line costs no more than the limit's worth.
        count = tokens.guarded(counter, record.value, budget=limit)
    except tokens.CountFailed as error:
        yield ctx.problem(TOO_MANY_TOKENS, record.line, 1, f"cannot count this example's tokens: {error}")
        return
    if count.total > limit:
        if count.complete:
            yield ctx.problem(
                TOO_MANY_TOKENS,
                record.line,
                1,
                f"the example has {count.total:,} tokens but {ctx.model.name} takes at most {limit:,} per example: "
                f"training would cut off the last {count.total - limit:,} (usually the assistant's answer)",
            )
        else:
            yield ctx.problem(
                TOO_MANY_TOKENS,
                record.line,
                1,
                f"the example has at least {count.total:,} tokens (counting stopped there) but {ctx.model.name} takes at most "
                f"{limit:,} per example: training would cut off at least the last {count.total - limit:,} (usually the assistant's answer)",
            )


def needs(ctx: FileContext) -> Features:
    return EVERY_RECORD if ctx.model.max_tokens is not None and ctx.target.token_check else NO_RECORD


RULES = RecordRules(
    rules=(TOO_MANY_TOKENS,), formats=frozenset({"chat", "preference", "completion", "text", "rft"}), check=check, needs=needs
)
