"""Hypothesis strategies for the formats of the trainer profiles: Together's instruction data and
Hugging Face TRL's conversational, prompt-completion, preference and unpaired preference data."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

TEXT = st.text(max_size=12)
NAME = st.from_regex(r"[a-zA-Z0-9_-]{1,64}", fullmatch=True)
TEXT_PART = st.fixed_dictionaries({"type": st.just("text"), "text": TEXT})
IMAGE_PART = st.fixed_dictionaries(
    {"type": st.just("image_url"), "image_url": st.fixed_dictionaries({"url": st.just("data:image/png;base64,iVBORw0KGgo=")})}
)
ARGS = st.dictionaries(st.text(max_size=5), st.one_of(st.integers(-5, 5), TEXT, st.booleans(), st.none()), max_size=3)

INSTRUCTION = st.fixed_dictionaries(
    {
        "prompt": st.one_of(TEXT, st.lists(st.one_of(TEXT_PART, IMAGE_PART), min_size=1, max_size=3)),
        "completion": st.one_of(TEXT, st.lists(TEXT_PART, min_size=1, max_size=2)),
    }
)

T_CONTENT = st.one_of(TEXT, st.lists(st.one_of(TEXT_PART, st.fixed_dictionaries({"type": st.just("image")})), min_size=1, max_size=2))
T_CALL = st.fixed_dictionaries({"type": st.just("function"), "function": st.fixed_dictionaries({"name": NAME, "arguments": ARGS})})
T_MESSAGE = st.one_of(
    st.fixed_dictionaries({"role": st.sampled_from(["system", "user", "assistant", "tool"]), "content": T_CONTENT}),
    st.fixed_dictionaries({"role": st.just("assistant"), "tool_calls": st.lists(T_CALL, min_size=1, max_size=2)}),
    st.fixed_dictionaries({"role": st.just("tool"), "name": NAME, "content": TEXT}),
)
T_MESSAGES = st.lists(T_MESSAGE, min_size=1, max_size=4)
T_TOOL = st.fixed_dictionaries(
    {
        "type": st.just("function"),
        "function": st.fixed_dictionaries(
            {"name": NAME}, optional={"description": TEXT, "parameters": st.just({"type": "object", "properties": {}})}
        ),
    }
)
TRL_CHAT = st.fixed_dictionaries({"messages": T_MESSAGES}, optional={"tools": st.lists(T_TOOL, max_size=2)})
TEXT_OR_MESSAGES = st.one_of(TEXT, T_MESSAGES)
TRL_COMPLETION = st.fixed_dictionaries({"prompt": TEXT_OR_MESSAGES, "completion": TEXT_OR_MESSAGES})
TRL_PREFERENCE = st.fixed_dictionaries({"chosen": TEXT_OR_MESSAGES, "rejected": TEXT_OR_MESSAGES}, optional={"prompt": TEXT_OR_MESSAGES})
TRL_KTO = st.fixed_dictionaries({"prompt": TEXT_OR_MESSAGES, "completion": TEXT_OR_MESSAGES, "label": st.booleans()})

VALID_PROFILE_FORMATS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "instruction": INSTRUCTION,
    "trl-chat": TRL_CHAT,
    "trl-completion": TRL_COMPLETION,
    "trl-preference": TRL_PREFERENCE,
    "trl-kto": TRL_KTO,
}
