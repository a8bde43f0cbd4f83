"""jsonschema's errors turned into what a person can act on: where, what was expected, what was found.

This is the boundary: nothing past it sees a ``jsonschema.ValidationError``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jsonl_lint.jsonpos import JsonPath, PathPart, format_path

if TYPE_CHECKING:  # imported where used: only records that fail need jsonschema
    import jsonschema
    import jsonschema.exceptions


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    """One structural problem: where it is, what is wrong, and whether to point at the key."""

    path: JsonPath
    message: str
    at_key: bool = False
    general: bool = False  # a summary (anyOf) that a more specific issue inside it makes redundant


# Keys people put in the wrong place, and where they belong.
KEY_HINTS = {
    "weight": "`weight` (0 or 1) belongs on an assistant message",
    "preferred_completion": "the current format calls it `preferred_output`",
    "non_preferred_completion": "the current format calls it `non_preferred_output`",
    "tool_call_id": "only `tool` messages carry `tool_call_id`",
    "tool_calls": "only assistant messages make tool calls",
    "text": 'a `text` key belongs in a content part: [{"type": "text", "text": ...}]',
}

KNOWN_ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})

_TYPE_NAMES = {
    "string": "a string",
    "array": "an array",
    "object": "an object",
    "null": "null",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
}


def kind_of(value: object) -> str:
    """How a JSON value is named in messages: "a string", "null", "an integer" ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def describe_place(instance: Any, path: Sequence[PathPart], root: str = "the record") -> str:
    """``messages[2].content (assistant)``: the path, with the role of the message it is in."""
    text = format_path(path) or root
    node: Any = instance
    role: str | None = None
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("role"), str) and node["role"] in KNOWN_ROLES:
            role = node["role"]
    return f"{text} ({role} message)" if role else text


def _short(value: object) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except RecursionError:
        return f"{kind_of(value)} nested too deeply to show"
    return text if len(text) <= 60 else text[:57] + "..."


def _or_list(values: Sequence[object], *, quote: bool = True) -> str:
    shown = [_short(v) if quote else str(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def explain(
    validator: jsonschema.protocols.Validator, instance: Any, *, root: str = "the record", quoted: list[JsonPath] | None = None
) -> list[SchemaIssue]:
    """Every structural problem of ``instance``, one per place, in document order.

    ``quoted`` is told the path of every value whose content a message shows (beyond its type,
    the record's keys and its roles): explanations are cached by the rest of the record.

    jsonschema recurses (and writes reprs) per level of the instance, so a record nested hundreds
    of levels deep would exhaust Python's stack. Our schemas look only a few levels down, so the
    record is explained with what lies below :data:`EXPLAIN_DEPTH` levels cut off.
    """
    try:
        return _explain(validator, _cut(instance, EXPLAIN_DEPTH), root, [] if quoted is None else quoted)
    except RecursionError:
        return [SchemaIssue((), f"{root} does not match its schema, and nests too deeply to say where")]


EXPLAIN_DEPTH = 32


def _cut(value: Any, depth: int) -> Any:
    """``value`` with every array or object below ``depth`` levels made empty."""
    if isinstance(value, dict):
        return {key: _cut(item, depth - 1) for key, item in value.items()} if depth > 0 else {}
    if isinstance(value, list):
        return [_cut(item, depth - 1) for item in value] if depth > 0 else []
    return value


def _explain(validator: jsonschema.protocols.Validator, instance: Any, root: str, quoted: list[JsonPath]) -> list[SchemaIssue]:
    issues: list[SchemaIssue] = []
    seen: set[tuple[JsonPath, bool]] = set()
    for error in validator.iter_errors(instance):
        for issue in _describe(error, instance, root, quoted):
            if (issue.path, issue.at_key) not in seen:
                seen.add((issue.path, issue.at_key))
                issues.append(issue)
    return [issue for issue in issues if not (issue.general and _has_specific_inside(issue, issues))]


def _has_specific_inside(general: SchemaIssue, issues: list[SchemaIssue]) -> bool:
    size = len(general.path)
    return any(not other.general and other.path[:size] == general.path and other is not general for other in issues)


def _describe(error: jsonschema.exceptions.ValidationError, document: Any, root: str, quoted: list[JsonPath]) -> Iterator[SchemaIssue]:
    path: JsonPath = tuple(error.absolute_path)
    place = describe_place(document, path, root)
    kind = error.validator
    # jsonschema types these as "Any | Unset"; they are set on every error it yields.
    instance: Any = error.instance
    expected: Any = error.validator_value
    schema = error.schema if isinstance(error.schema, dict) else {}
    if kind in ("anyOf", "oneOf"):
        import jsonschema.exceptions

        if "x-error" in schema:
            yield SchemaIssue(path, f"{place}: {schema['x-error']}", general=True)
        else:
            best = jsonschema.exceptions.best_match(error.context or [])
            if best is not None:
                yield from _describe(best, document, root, quoted)
            else:
                quoted.append(path)
                yield SchemaIssue(path, f"{place}: {error.message}")
    elif kind == "required":
        missing = [key for key in expected if key not in instance]
        names = ", ".join(f'"{key}"' for key in missing)
        noun = "key" if len(missing) == 1 else "keys"
        yield SchemaIssue(path, f"{place} is missing the required {noun} {names}")
    elif kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for key in instance:
            if key in allowed:
                continue
            message = f"unexpected key {_short(key)} in {place}"
            misplaced = key in KEY_HINTS and not (key == "tool_calls" and instance.get("role") == "assistant")
            if misplaced and root == "the record":  # hints are about our formats, not user schemas
                message += f": {KEY_HINTS[key]}"
            elif allowed:
                message += f" (allowed: {', '.join(allowed)})"
            yield SchemaIssue(path + (key,), message, at_key=True)
    elif kind == "type":
        types = expected if isinstance(expected, list) else [expected]
        wanted = _or_list([_TYPE_NAMES.get(t, t) for t in types], quote=False)
        yield SchemaIssue(path, f"{place} must be {wanted}, found {kind_of(instance)}")
    elif kind == "enum":
        quoted.append(path)
        yield SchemaIssue(path, f"{place} is {_short(instance)}; expected {_or_list(expected)}")
    elif kind == "const":
        quoted.append(path)
        yield SchemaIssue(path, f"{place} is {_short(instance)}; expected {_short(expected)}")
    elif kind == "minItems":
        if expected == 1:
            yield SchemaIssue(path, f"{place} is empty; it needs at least one item")
        else:
            yield SchemaIssue(path, f"{place} has {len(instance)} items; it needs at least {expected}")
    elif kind == "maxItems":
        yield SchemaIssue(path, f"{place} has {len(instance)} items; at most {expected} allowed")
    elif kind == "minLength":
        yield SchemaIssue(path, f"{place} must not be empty")
    elif kind == "maxLength":
        quoted.append(path)
        yield SchemaIssue(path, f"{place} is {len(instance)} characters long; at most {expected} allowed")
    elif kind in ("pattern", "not"):
        description = schema.get("description")
        why = description[0].lower() + description[1:].rstrip(".") if description else f"it must match {expected}"
        quoted.append(path)
        yield SchemaIssue(path, f"{place} {_short(instance)} is not valid: {why}")
    else:
        quoted.append(path)
        yield SchemaIssue(path, f"{place}: {error.message}")


def explain_native(errors: Iterable[Any], instance: Any, *, root: str = "the record") -> list[SchemaIssue]:
    """The same, from jsonschema-rs's errors (user-declared schemas are checked with it: its
    regex engines are bounded and it fetches nothing when told so). One issue per place."""
    issues: list[SchemaIssue] = []
    seen: set[JsonPath] = set()
    for error in errors:
        issue = _describe_native(error, instance, root)
        if issue.path not in seen:
            seen.add(issue.path)
            issues.append(issue)
    return issues


def _describe_native(error: Any, document: Any, root: str) -> SchemaIssue:
    path: JsonPath = tuple(error.instance_path)
    place = describe_place(document, path, root)
    kind: str = error.kind.name
    details: dict[str, Any] = error.kind.as_dict()
    instance: Any = error.instance
    if kind in ("anyOf", "oneOf") and details.get("context"):
        branches = [branch for branch in details["context"] if branch]
        if branches:  # the alternative that came closest: fewest errors, then the deepest one
            closest = min(branches, key=len)
            return _describe_native(max(closest, key=lambda e: len(e.instance_path)), document, root)
    if kind == "required":
        return SchemaIssue(path, f"{place} is missing the required key {_short(details.get('property'))}")
    if kind == "type":
        types = details.get("types") or []
        wanted = _or_list([_TYPE_NAMES.get(t, t) for t in types], quote=False) if types else "another type"
        return SchemaIssue(path, f"{place} must be {wanted}, found {kind_of(instance)}")
    if kind == "enum":
        return SchemaIssue(path, f"{place} is {_short(instance)}; expected {_or_list(details.get('options') or ['?'])}")
    if kind == "const":
        return SchemaIssue(path, f"{place} is {_short(instance)}; expected {_short(details.get('expected_value'))}")
    if kind == "additionalProperties":
        unexpected = details.get("unexpected") or []
        keys = ", ".join(_short(key) for key in unexpected[:5])
        return SchemaIssue(path, f"unexpected key{'s' if len(unexpected) > 1 else ''} {keys} in {place}")
    if kind == "pattern":
        if "backtracking" in error.message:
            return SchemaIssue(path, f"{place} {_short(instance)} could not be checked: its pattern needs too much backtracking")
        return SchemaIssue(path, f"{place} {_short(instance)} is not valid: it must match {_short(details.get('pattern'))}")
    return SchemaIssue(path, f"{place}: {_message(error.message)}")


def _message(text: str) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= 200 else line[:197] + "..."
