"""Tool definitions with every key the target needs (Mistral: a description and parameters)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from jsonl_lint.conversation import NO_RECORD, TOOLS, Features
from jsonl_lint.problems import Parameter, Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

REQUIRED_KEYS: Parameter[tuple[str, ...]] = Parameter("required", (), (tuple,), "keys every tool's `function` must have besides `name`")

INCOMPLETE_TOOL = Rule(
    code="JL308",
    name="incomplete-tool-definition",
    severity=Severity.ERROR,
    summary="a declared tool lacks a key the target needs (such as its description)",
    doc="""A tool in `tools` lacks a key the target needs in its `function`.

mistral-finetune needs `name`, `description` and `parameters` (an empty object when the function
takes none): the parameter `required` is ["description", "parameters"] on the `mistral` profile.
OpenAI's format needs only the name.

Fails:

    # options: profile=mistral
    {"messages": [{"role": "user", "content": "Time?"}, {"role": "assistant", "content": "Noon."}], "tools": [{"type": "function", "function": {"name": "time", "parameters": {}}}]}

Passes:

    # options: profile=mistral
    {"messages": [{"role": "user", "content": "Time?"}, {"role": "assistant", "content": "Noon."}], "tools": [{"type": "function", "function": {"name": "time", "description": "The time.", "parameters": {}}}]}
""",
    parameters=(REQUIRED_KEYS,),
)


def _tools(value: dict[str, Any], data_format: str | None) -> tuple[tuple[str, ...], Any]:
    if data_format == "preference":
        return ("input", "tools"), value["input"].get("tools")
    return ("tools",), value.get("tools")


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    prefix, tools = _tools(record.value, ctx.data_format)
    if not isinstance(tools, list) or not tools:
        return  # no tools (TRL may also hold them as one JSON string)
    required = ctx.target.param(INCOMPLETE_TOOL, REQUIRED_KEYS)
    for index, tool in enumerate(tools):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(function, dict):
            continue  # the schema's to report
        missing = [key for key in required if key not in function]
        if missing:
            keys = " and ".join(f"`{key}`" for key in missing)
            yield ctx.at(
                INCOMPLETE_TOOL,
                record,
                f"the tool {function.get('name')!r} has no {keys}; {ctx.profile.name} needs {', '.join(required)} on every tool",
                prefix + (index, "function"),
            )


def needs(ctx: FileContext) -> Features:
    return TOOLS if ctx.target.param(INCOMPLETE_TOOL, REQUIRED_KEYS) else NO_RECORD  # no key required: nothing to miss


RULES = RecordRules(rules=(INCOMPLETE_TOOL,), formats=frozenset({"chat", "preference", "trl-chat"}), check=check, needs=needs)
