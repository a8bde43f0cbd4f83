"""JSON Schema (OpenAI, Bedrock, Hugging Face tools) to and from the OpenAPI subset Gemini reads.

Gemini's function parameters are an OpenAPI 3.0 Schema object: upper-case ``type`` names, and
``nullable`` instead of a ``["string", "null"]`` type list. The keywords both sides share pass
through; a JSON Schema keyword Gemini lacks (``$ref``, ``additionalProperties``, ``oneOf`` ...)
is a loss the user must allow (``schema-keywords``), never dropped silently.
"""

from __future__ import annotations

from typing import Any

from jsonl_lint.convert.targets import Conversion, Unconvertible

# Keywords with the same meaning in JSON Schema and in Gemini's Schema object.
SHARED = frozenset(
    {
        "format",
        "title",
        "description",
        "default",
        "enum",
        "example",
        "required",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
    }
)
GEMINI_TYPES = {"string": "STRING", "number": "NUMBER", "integer": "INTEGER", "boolean": "BOOLEAN", "array": "ARRAY", "object": "OBJECT"}
JSON_TYPES = {upper: lower for lower, upper in GEMINI_TYPES.items()}


def to_gemini(schema: Any, conversion: Conversion, path: str) -> dict[str, Any]:
    """A JSON Schema as Gemini's Schema object; what has no equivalent raises or is an allowed loss."""
    if not isinstance(schema, dict):
        raise Unconvertible("a schema must be a JSON object", path)
    out: dict[str, Any] = {}
    for key, value in schema.items():
        where = f"{path}.{key}"
        if key == "type":
            out.update(_gemini_type(value, where))
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: to_gemini(item, conversion, f"{where}.{name}") for name, item in value.items()}
        elif key == "items":
            out[key] = to_gemini(value, conversion, where)
        elif key == "anyOf" and isinstance(value, list):
            out[key] = [to_gemini(item, conversion, f"{where}[{i}]") for i, item in enumerate(value)]
        elif key in SHARED:
            out[key] = value
        else:
            if "schema-keywords" not in conversion.allowed_losses:
                raise Unconvertible(
                    f"JSON Schema keyword `{key}` has no equivalent in Gemini's schema (--allow-loss schema-keywords drops it)", where
                )
            conversion.note("JSON Schema keywords without a Gemini equivalent dropped")
    return out


def _gemini_type(value: Any, path: str) -> dict[str, Any]:
    if isinstance(value, str) and value in GEMINI_TYPES:
        return {"type": GEMINI_TYPES[value]}
    if isinstance(value, list) and len(value) == 2 and "null" in value:
        other = value[0] if value[1] == "null" else value[1]
        if other in GEMINI_TYPES:
            return {"type": GEMINI_TYPES[other], "nullable": True}
    raise Unconvertible(f"type {value!r} has no equivalent in Gemini's schema (one type, or one type and null)", path)


def from_gemini(schema: Any, path: str) -> dict[str, Any]:
    """Gemini's Schema object as a JSON Schema."""
    if not isinstance(schema, dict):
        raise Unconvertible("a schema must be a JSON object", path)
    out: dict[str, Any] = {}
    nullable = schema.get("nullable") is True
    for key, value in schema.items():
        where = f"{path}.{key}"
        if key == "type":
            if not isinstance(value, str) or value.upper() not in JSON_TYPES:
                raise Unconvertible(f"unknown type {value!r}", where)
            out["type"] = [JSON_TYPES[value.upper()], "null"] if nullable else JSON_TYPES[value.upper()]
        elif key == "nullable":
            if "type" not in schema and value:
                raise Unconvertible("`nullable` without a `type`", where)
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: from_gemini(item, f"{where}.{name}") for name, item in value.items()}
        elif key == "items":
            out[key] = from_gemini(value, where)
        elif key == "anyOf" and isinstance(value, list):
            out[key] = [from_gemini(item, f"{where}[{i}]") for i, item in enumerate(value)]
        else:
            out[key] = value  # shared keywords, and Gemini's own (propertyOrdering) that JSON Schema ignores
    return out
