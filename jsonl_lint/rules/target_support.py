"""What the target trainer does not take: roles and content shapes outside its profile."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import EVERY_RECORD, NO_RECORD, Features, all_messages
from jsonl_lint.problems import Parameter, Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

REFUSED_KEYS: Parameter[tuple[str, ...]] = Parameter(
    "refused_keys", (), (tuple,), "record keys the format allows but the target refuses (Together: parallel_tool_calls)"
)

NOT_SUPPORTED = Rule(
    code="JL208",
    name="not-supported-by-target",
    severity=Severity.ERROR,
    summary="a role or content shape the target profile does not accept",
    doc="""A message uses a role, or content parts, or a record a key, that the target profile does not accept
(`jsonl-lint profiles NAME` lists each profile's roles). For example Fireworks documents only
system, user and assistant messages.

Fails:

    # options: profile=fireworks
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "tool", "tool_call_id": "c1", "content": "{}"}]}

Passes:

    # options: profile=fireworks
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
    parameters=(REFUSED_KEYS,),
)


_SCHEMA_ROLES = frozenset({"system", "user", "assistant", "tool", "function"})


@functools.cache
def _accepts_every_role(roles: tuple[str, ...]) -> bool:
    return set(roles) >= _SCHEMA_ROLES


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    profile = ctx.profile
    for key in ctx.target.param(NOT_SUPPORTED, REFUSED_KEYS):
        if key in record.value:
            yield ctx.at(NOT_SUPPORTED, record, f"`{key}` is not accepted by the {profile.name} profile: remove it", (key,), at_key=True)
    if profile.content_parts and _accepts_every_role(profile.roles):
        return  # nothing the schema allows is refused by this target
    for path, message in all_messages(record.value, ctx.data_format):
        role = message["role"]
        if role not in profile.roles:
            yield ctx.at(
                NOT_SUPPORTED,
                record,
                f'role "{role}" is not accepted by the {profile.name} profile (roles: {", ".join(profile.roles)})',
                path + ("role",),
            )
        if not profile.content_parts and isinstance(message.get("content"), list):
            yield ctx.at(
                NOT_SUPPORTED, record, f"content parts are not accepted by the {profile.name} profile: use a string", path + ("content",)
            )


def needs(ctx: FileContext) -> Features:
    profile = ctx.profile
    refuses = ctx.target.param(NOT_SUPPORTED, REFUSED_KEYS) or not (profile.content_parts and _accepts_every_role(profile.roles))
    return EVERY_RECORD if refuses else NO_RECORD


RULES = RecordRules(rules=(NOT_SUPPORTED,), formats=frozenset({"chat", "preference", "trl-chat"}), check=check, needs=needs)
