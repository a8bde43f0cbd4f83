"""The exact byte bound that lets most examples skip tokenizing (tiktoken counts).

BPE never makes more tokens than UTF-8 bytes, and every counted string, every definition and
every message's framing is paid for by at least as many bytes of the line. So
``len(line) + reply priming + 85 * images`` is never below the count, and an example whose bound
is within the limit cannot exceed it. (Long texts counted in segments keep this: see
:mod:`jsonl_lint.tokens.tiktoken_text`.)
"""

from __future__ import annotations

from typing import Any

from jsonl_lint.conversation import message_lists

TOKENS_PER_MESSAGE = 3
REPLY_PRIMING = 3
TOKENS_PER_IMAGE = 85
# A schema-valid image part, {"type":"image_url","image_url":{"url":""}}, takes at least this many
# bytes of the line, so a line cannot hold more images than its length over this.
MIN_IMAGE_PART_BYTES = 40


def count_images(messages: list[dict[str, Any]]) -> int:
    return sum(
        1
        for message in messages
        if isinstance(message.get("content"), list)
        for part in message["content"]
        if part.get("type") == "image_url"
    )


def upper_bound(raw: bytes, value: dict[str, Any], data_format: str | None, limit: int) -> int:
    """Never below the tiktoken count (see the module docs), and computed without tokenizing.

    Checked in two steps so that the common case costs no scan of the line: first with the
    most images the line could hold, then, only if that is over ``limit``, with the real number.
    """
    coarse = len(raw) + REPLY_PRIMING + TOKENS_PER_IMAGE * (len(raw) // MIN_IMAGE_PART_BYTES)
    if coarse <= limit or data_format in ("completion", "text"):
        return coarse if data_format not in ("completion", "text") else len(raw)
    images = sum(count_images(messages) for _, messages in message_lists(value, data_format))
    return len(raw) + REPLY_PRIMING + TOKENS_PER_IMAGE * images
