"""Roles and their order: a system message first, a user to answer, an assistant turn at the end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint import conversation
from jsonl_lint.conversation import summary
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

ENDS_WITHOUT_ASSISTANT = Rule(
    code="JL202",
    name="ends-without-assistant",
    severity=Severity.WARNING,
    summary="a chat example has messages after its last assistant message (not trained on)",
    doc="""A chat example ends with another role than assistant: the turns after the last assistant
message are never trained on, so they only cost tokens.

Fails:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Thanks"}]}

Passes:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
)

MISPLACED_SYSTEM = Rule(
    code="JL203",
    name="misplaced-system-message",
    severity=Severity.WARNING,
    summary="a system message that is not the first message",
    doc="""A system message that is not the first message of the conversation (a second system
message is JL210's).

Trainers and chat templates expect the system message at the start.

Fails:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "system", "content": "Be brief."}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
)

NO_USER = Rule(
    code="JL207",
    name="no-user-message",
    severity=Severity.WARNING,
    summary="a chat example has no user message",
    doc="""A chat example has no user message: the model learns to speak without being asked.

This is rarely intended (the cookbook's data checks count it too).

Fails:

    {"messages": [{"role": "system", "content": "Be positive."}, {"role": "assistant", "content": "You're great!"}]}

Passes:

    {"messages": [{"role": "system", "content": "Be positive."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "You're great!"}]}
""",
)

NOT_ALTERNATING = Rule(
    code="JL209",
    name="roles-not-alternating",
    severity=Severity.ERROR,
    summary="two messages in a row have the same role, where the target needs turns to alternate",
    doc="""Two consecutive messages have the same role, for a target that needs user and assistant
turns to alternate (the `together` profile, following Together's file checks).

Fails:

    # options: profile=together
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hello?"}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    # options: profile=together
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
)


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    fmt = ctx.data_format
    prefix = ("input", "messages") if fmt == "preference" else ("messages",)
    roles = summary(record.value, fmt).roles
    for index, role in enumerate(roles):
        if role == "system" and index > 0 and "system" not in roles[:index]:  # a second one is JL210's
            yield ctx.at(
                MISPLACED_SYSTEM, record, "a system message after the first message; put one system message first", prefix + (index,)
            )
    if ctx.profile.strict_alternation:
        for index in range(1, len(roles)):
            if roles[index] == roles[index - 1]:
                yield ctx.at(
                    NOT_ALTERNATING,
                    record,
                    f"two {roles[index]} messages in a row; {ctx.profile.name} needs user and assistant turns to alternate",
                    prefix + (index,),
                )
    if fmt not in ("chat", "trl-chat"):
        return
    if "user" not in roles:
        yield ctx.at(NO_USER, record, "no user message: the example teaches the model to speak without being asked", prefix)
    if roles[-1] != "assistant" and "assistant" in roles:
        wasted = len(roles) - 1 - max(i for i, role in enumerate(roles) if role == "assistant")
        noun = "message comes" if wasted == 1 else "messages come"
        yield ctx.at(
            ENDS_WITHOUT_ASSISTANT,
            record,
            f"the example ends with a {roles[-1]} message: {wasted} {noun} after the last assistant turn and are not trained on",
            prefix + (len(roles) - 1,),
        )


def needs(ctx: FileContext) -> conversation.Features:
    alternation = conversation.REPEATED_ROLE if ctx.profile.strict_alternation else 0
    return conversation.LATE_SYSTEM | conversation.NO_USER | conversation.LAST_NOT_ASSISTANT | alternation


RULES = RecordRules(
    rules=(ENDS_WITHOUT_ASSISTANT, MISPLACED_SYSTEM, NO_USER, NOT_ALTERNATING),
    formats=frozenset({"chat", "preference", "trl-chat"}),
    check=check,
    needs=needs,
)
