"""Tool call arguments: JSON-encoded objects, for declared functions, matching their parameters."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import orjson

from jsonl_lint import tool_schema
from jsonl_lint.conversation import CALLS, all_messages, summary
from jsonl_lint.jsonpos import JsonPath
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules, records_with

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

INVALID_ARGUMENTS = Rule(
    code="JL304",
    name="invalid-tool-arguments",
    severity=Severity.ERROR,
    summary="tool call arguments are not a JSON-encoded object",
    doc="""A tool or function call's `arguments` is not a JSON-encoded object. It is a string that
holds JSON (`"{\\"city\\": \\"Paris\\"}"`), not the object itself, and not free text.

Fails:

    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "city=Paris"}}]}]}

Passes:

    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]}]}
""",
)

UNDECLARED = Rule(
    code="JL305",
    name="undeclared-function",
    severity=Severity.ERROR,
    summary="a call names a function the example's tools do not declare",
    doc="""A call names a function that the example's `tools` (or `functions`) do not declare.
Examples that declare no tools at all are not checked.

Fails:

    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "wether", "arguments": "{}"}}]}], "tools": [{"type": "function", "function": {"name": "weather"}}]}

Passes:

    {"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}], "tools": [{"type": "function", "function": {"name": "weather"}}]}
""",
)

ARGUMENTS_MISMATCH = Rule(
    code="JL306",
    name="arguments-do-not-match-parameters",
    severity=Severity.WARNING,
    summary="call arguments do not validate against the function's declared parameters",
    doc="""A call's arguments do not validate against the JSON Schema the function declares as
`parameters`; the message names the failing argument. A `parameters` that is not a valid JSON
Schema is reported too, and so is one that cannot be checked safely: a `$ref` or `$schema` that
points outside the schema (jsonl-lint never fetches or opens one), or nesting deeper than 64
levels. Patterns run in linear time, or under a backtracking limit (see the README).

Fails:

    {"messages": [{"role": "user", "content": "Fly"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "takeoff", "arguments": "{\\"altitude\\": \\"high\\"}"}}]}], "tools": [{"type": "function", "function": {"name": "takeoff", "parameters": {"type": "object", "properties": {"altitude": {"type": "integer"}}}}}]}

Passes:

    {"messages": [{"role": "user", "content": "Fly"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "takeoff", "arguments": "{\\"altitude\\": 100}"}}]}], "tools": [{"type": "function", "function": {"name": "takeoff", "parameters": {"type": "object", "properties": {"altitude": {"type": "integer"}}}}}]}
""",
)

MAX_ISSUES = 5  # mismatches shown per call; the rest are counted, so one call cannot flood the report
MAX_ERRORS = 100  # validation errors read per call


def _declarations(value: dict[str, Any], data_format: str | None) -> dict[str, Any] | None:
    """Declared function name -> its parameters schema (or None); None when nothing is declared."""
    holder = value["input"] if data_format == "preference" else value
    tools = holder.get("tools")
    # In an RFT file every key but messages and tools is the graders' data: `functions` declares nothing.
    functions = None if data_format == "rft" else holder.get("functions")
    if not tools and not functions:
        return None
    declared = {tool["function"]["name"]: tool["function"].get("parameters") for tool in tools or ()}
    declared.update({function["name"]: function.get("parameters") for function in functions or ()})
    return declared


def _parameters_check(parameters: dict[str, Any]) -> Any:
    """The compiled validator for a declared parameters schema, or why it cannot be used."""
    key = tool_schema.cache_key(parameters)
    return key if isinstance(key, str) else tool_schema.compile_parameters(key)


def _calls(message: dict[str, Any], path: JsonPath) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
    for number, call in enumerate(message.get("tool_calls") or ()):
        yield path + ("tool_calls", number, "function"), call["function"]
    if message.get("function_call"):
        yield path + ("function_call",), message["function_call"]


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    if not summary(record.value, ctx.data_format).calls:
        return
    calling = [(p, m) for p, m in all_messages(record.value, ctx.data_format) if "tool_calls" in m or "function_call" in m]
    declared = _declarations(record.value, ctx.data_format)
    for path, message in calling:
        for call_path, call in _calls(message, path):
            name = call["name"]
            arguments = _parse_arguments(call["arguments"])
            if isinstance(arguments, str):
                yield ctx.at(INVALID_ARGUMENTS, record, f"the arguments of {name} {arguments}", call_path + ("arguments",))
            if declared is None:
                continue
            if name not in declared:
                known = ", ".join(sorted(declared)) or "none"
                yield ctx.at(
                    UNDECLARED,
                    record,
                    f'function "{name}" is not declared in this example\'s tools (declared: {known})',
                    call_path + ("name",),
                )
            elif isinstance(arguments, dict) and declared[name] is not None:
                yield from _match_parameters(record, ctx, name, arguments, declared[name], call_path + ("arguments",))


def _parse_arguments(text: str) -> dict[str, Any] | str:
    """The arguments object, or why the text is not one."""
    try:
        arguments = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        return f"are not valid JSON ({error.msg})"
    if not isinstance(arguments, dict):
        return "are JSON but not an object"
    return arguments


def _match_parameters(
    record: Record, ctx: FileContext, name: str, arguments: dict[str, Any], parameters: Any, path: JsonPath
) -> Iterator[Problem]:
    if not isinstance(parameters, dict):
        return
    validator = _parameters_check(parameters)
    if isinstance(validator, str):
        yield ctx.at(ARGUMENTS_MISMATCH, record, f"the parameters declared for {name} {validator}", path)
        return
    try:
        if validator.is_valid(arguments):
            return
        errors = list(itertools.islice(validator.iter_errors(arguments), MAX_ERRORS))
    except ValueError as error:  # arguments too deeply nested for the validator to take
        yield ctx.at(ARGUMENTS_MISMATCH, record, f"the arguments of {name} cannot be checked ({error})", path)
        return
    from jsonl_lint.schema_errors import explain_native  # here: only arguments that fail their schema need it

    issues = explain_native(errors, arguments, root="the arguments object")
    for issue in issues[:MAX_ISSUES]:
        yield ctx.at(ARGUMENTS_MISMATCH, record, f"arguments of {name} do not match its parameters: {issue.message}", path)
    if len(issues) > MAX_ISSUES:
        more = f"{len(issues) - MAX_ISSUES}{' or more' if len(errors) == MAX_ERRORS else ''}"
        yield ctx.at(ARGUMENTS_MISMATCH, record, f"arguments of {name} do not match its parameters in {more} more places", path)


RULES = RecordRules(
    rules=(INVALID_ARGUMENTS, UNDECLARED, ARGUMENTS_MISMATCH),
    formats=frozenset({"chat", "preference", "rft"}),
    check=check,
    needs=records_with(CALLS),
)
