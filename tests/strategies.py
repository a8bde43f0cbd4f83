"""Hypothesis strategies for fine-tuning records: valid ones of each format, and mutations of them."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st
from strategies_profiles import VALID_PROFILE_FORMATS
from strategies_trainers import VALID_TRAINER_FORMATS

TEXT = st.text(max_size=12)
NAME = st.from_regex(r"[a-zA-Z0-9_-]{1,64}", fullmatch=True)
ID = st.text(min_size=1, max_size=8)

TEXT_PART = st.fixed_dictionaries({"type": st.just("text"), "text": TEXT})
TEXT_CONTENT = st.one_of(TEXT, st.lists(TEXT_PART, min_size=1, max_size=2))
IMAGE_PART = st.fixed_dictionaries(
    {
        "type": st.just("image_url"),
        "image_url": st.fixed_dictionaries(
            {"url": st.sampled_from(["https://example.com/a.png", "data:image/png;base64,iVBORw0KGgo="])},
            optional={"detail": st.sampled_from(["auto", "low", "high"])},
        ),
    }
)
USER_CONTENT = st.one_of(TEXT, st.lists(st.one_of(TEXT_PART, IMAGE_PART), min_size=1, max_size=3))
FUNCTION_CALL = st.fixed_dictionaries({"name": NAME, "arguments": st.sampled_from(["{}", '{"a": 1}', "not json"])})
TOOL_CALL = st.fixed_dictionaries({"id": ID, "type": st.just("function"), "function": FUNCTION_CALL})

SYSTEM = st.fixed_dictionaries({"role": st.just("system"), "content": TEXT_CONTENT}, optional={"name": ID})
USER = st.fixed_dictionaries({"role": st.just("user"), "content": USER_CONTENT}, optional={"name": ID})
ASSISTANT = st.one_of(
    st.fixed_dictionaries(
        {"role": st.just("assistant"), "content": TEXT_CONTENT},
        optional={"weight": st.sampled_from([0, 1]), "name": ID, "refusal": st.none()},
    ),
    st.fixed_dictionaries(
        {"role": st.just("assistant"), "tool_calls": st.lists(TOOL_CALL, min_size=1, max_size=2)},
        optional={"content": st.none(), "weight": st.sampled_from([0, 1])},
    ),
    st.fixed_dictionaries({"role": st.just("assistant"), "function_call": FUNCTION_CALL}),
)
TOOL = st.fixed_dictionaries({"role": st.just("tool"), "tool_call_id": ID, "content": TEXT_CONTENT})
FUNCTION = st.fixed_dictionaries({"role": st.just("function"), "name": NAME, "content": st.one_of(TEXT, st.none())})
DEVELOPER = st.fixed_dictionaries({"role": st.just("developer"), "content": TEXT_CONTENT})

FUNCTION_DEFINITION = st.fixed_dictionaries(
    {"name": NAME}, optional={"description": TEXT, "parameters": st.just({"type": "object", "properties": {}}), "strict": st.booleans()}
)
TOOLS = st.lists(st.fixed_dictionaries({"type": st.just("function"), "function": FUNCTION_DEFINITION}), max_size=2)

CHAT = st.fixed_dictionaries(
    {"messages": st.lists(st.one_of(SYSTEM, USER, ASSISTANT, TOOL, FUNCTION), min_size=1, max_size=5)},
    optional={"tools": TOOLS, "parallel_tool_calls": st.booleans(), "functions": st.lists(FUNCTION_DEFINITION, min_size=1, max_size=2)},
)
OUTPUT = st.lists(st.fixed_dictionaries({"role": st.just("assistant"), "content": TEXT_CONTENT}), min_size=1, max_size=1)
PREFERENCE = st.fixed_dictionaries(
    {
        "input": st.fixed_dictionaries(
            {"messages": st.lists(st.one_of(SYSTEM, USER, ASSISTANT), min_size=1, max_size=3)},
            optional={"tools": TOOLS, "parallel_tool_calls": st.booleans()},
        ),
        "preferred_output": OUTPUT,
        "non_preferred_output": OUTPUT,
    }
)
COMPLETION = st.fixed_dictionaries({"prompt": TEXT, "completion": TEXT})
PLAIN_TEXT = st.fixed_dictionaries({"text": TEXT})
RFT = st.fixed_dictionaries(
    {"messages": st.lists(st.one_of(DEVELOPER, USER, ASSISTANT, TOOL), min_size=1, max_size=4)},
    optional={"tools": TOOLS, "reference_answer": TEXT, "score": st.integers()},
)
VALID: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "chat": CHAT,
    "preference": PREFERENCE,
    "completion": COMPLETION,
    "text": PLAIN_TEXT,
    "rft": RFT,
    **VALID_TRAINER_FORMATS,
    **VALID_PROFILE_FORMATS,
}

# Any JSON value, with the keys and values that matter to the schemas over-represented.
KEYS = st.sampled_from(
    [
        "messages",
        "role",
        "content",
        "name",
        "tool_calls",
        "tool_call_id",
        "function_call",
        "weight",
        "refusal",
        "type",
        "text",
        "image_url",
        "url",
        "detail",
        "id",
        "function",
        "arguments",
        "tools",
        "parameters",
        "parallel_tool_calls",
        "functions",
        "input",
        "preferred_output",
        "non_preferred_output",
        "prompt",
        "completion",
    ]
)
EDGE_STRINGS = st.sampled_from(
    [
        "system",
        "user",
        "assistant",
        "tool",
        "function",
        "developer",
        "text",
        "image_url",
        "refusal",
        "auto",
        "low",
        "high",
        "f",
        "f\n",
        "\nf",
        "bad name",
        "",
        "x" * 64,
        "x" * 65,
        "call_1",
        "{}",
        "\u00e9",
    ]
)
# Edge-case strings get half the draws: most disagreements hide in string handling.
SCALARS = st.one_of(
    EDGE_STRINGS,
    EDGE_STRINGS,
    EDGE_STRINGS,
    EDGE_STRINGS,
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.one_of(KEYS, st.text(max_size=3)), inner, max_size=4)),
    max_leaves=25,
)


def _places(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) pair in a JSON value, depth first."""
    found: list[tuple[Any, Any]] = []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in list(children):
        found.append((node, key))
        found.extend(_places(child))
    return found


def _string_variants(value: str) -> st.SearchStrategy[str]:
    """Strings next to ``value`` at the edges where validators tend to differ."""
    return st.sampled_from([value + "\n", "\n" + value, "", value + " ", value * 70 or "x" * 70, value.upper(), value + "\u00e9"])


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[Any]) -> Any:
    """A valid record with one change: a string varied at its edges (half the time), another value
    replaced, a key removed, or a key added, at a place chosen among all of them."""
    record = copy.deepcopy(draw(base))  # never edit a drawn value: st.just() hands out one shared object
    places = _places(record)
    strings = [(c, k) for c, k in places if isinstance(c[k], str)]
    if strings and draw(st.booleans()):
        container, key = draw(st.sampled_from(strings))
        container[key] = draw(_string_variants(container[key]))
        return record
    if not places:
        return record
    container, key = draw(st.sampled_from(places))
    action = draw(st.sampled_from(["scalar", "value", "remove", "add"]))
    if action == "scalar":
        container[key] = draw(SCALARS)
    elif action == "value":
        container[key] = draw(JSON_VALUES)
    elif action == "remove" and isinstance(container, dict):
        del container[key]
    elif isinstance(container, dict):
        container[draw(KEYS)] = draw(JSON_VALUES)
    return record


def any_record(fmt: str) -> st.SearchStrategy[Any]:
    return st.one_of(VALID[fmt], mutated(VALID[fmt]), JSON_VALUES)
