"""Token counts: one interface (:class:`~jsonl_lint.tokens.base.Counter`) over the tokenizers
that trainers use, and the byte bounds that let most examples skip tokenizing.

- :mod:`~jsonl_lint.tokens.openai`: tiktoken, counted in the cookbook's way (OpenAI's models).
"""

from __future__ import annotations

from jsonl_lint.tokens.base import (
    Counter,
    CountFailed,
    ExampleCount,
    TokenizerUnavailable,
    guarded,
)
from jsonl_lint.tokens.bound import MIN_IMAGE_PART_BYTES, count_images, upper_bound
from jsonl_lint.tokens.openai import (
    REPLY_PRIMING,
    TOKENS_PER_IMAGE,
    TOKENS_PER_MESSAGE,
    TOKENS_PER_NAME,
    EncodingUnavailable,
    TokenCounter,
    count_tokens,
    encoding,
    message_strings,
)

__all__ = [
    "MIN_IMAGE_PART_BYTES",
    "REPLY_PRIMING",
    "TOKENS_PER_IMAGE",
    "TOKENS_PER_MESSAGE",
    "TOKENS_PER_NAME",
    "CountFailed",
    "Counter",
    "EncodingUnavailable",
    "ExampleCount",
    "TokenCounter",
    "TokenizerUnavailable",
    "count_images",
    "count_tokens",
    "encoding",
    "guarded",
    "message_strings",
    "upper_bound",
]
