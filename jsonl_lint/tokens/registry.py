"""Which counter a target uses: a tokenizer named by ``--tokenizer``/config, else the model's
own (``mistral:v3``... in its profile), else its tiktoken encoding.

A tokenizer is named ``mistral:NAME`` (a tokenizer file shipped in mistral-common), ``tiktoken:NAME``
or a local Hugging Face model folder (anything else).
"""

from __future__ import annotations

import functools

from jsonl_lint.profiles import ModelSpec
from jsonl_lint.tokens.base import Counter


def tokenizer_of(model: ModelSpec) -> str | None:
    """The tokenizer name of a target model, or None when it has none."""
    if model.tokenizer is not None:
        return model.tokenizer
    return f"tiktoken:{model.encoding}" if model.encoding is not None else None


@functools.cache
def counter(tokenizer: str, data_format: str | None) -> Counter:
    """One counter per tokenizer and format, kept for the process (workers inherit it)."""
    kind, _, name = tokenizer.partition(":")
    if kind == "tiktoken" and name:
        from jsonl_lint.tokens.openai import counter as tiktoken_counter

        return tiktoken_counter(name, data_format)
    if kind == "mistral" and name:
        from jsonl_lint.tokens.mistral import MistralCounter

        return MistralCounter(name, data_format)
    from jsonl_lint.tokens.hf import HFCounter

    return HFCounter(tokenizer, data_format)


def counter_for(model: ModelSpec, data_format: str | None) -> Counter | None:
    name = tokenizer_of(model)
    return None if name is None else counter(name, data_format)
