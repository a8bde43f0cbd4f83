"""Token counts with tiktoken: offline-aware loading, the count of an example, and the exact
byte bound that lets most examples skip tokenizing.

The count is an estimate of the server's, in the cookbook's way: every message costs 3 tokens of
framing plus the tokens of its strings (role, content text, name + 1, tool call names, ids and
arguments, refusal, tool_call_id); the reply priming costs 3; tool and function definitions cost
the tokens of their compact JSON; an image costs 85 tokens (its low-detail price, a lower bound).

The bound: BPE never makes more tokens than UTF-8 bytes, and every counted string, every
definition and every message's framing is paid for by at least as many bytes of the line. So
``len(line) + reply priming + 85 * images`` is never below the count, and an example whose bound
is within the limit cannot exceed it.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import orjson

from jsonl_lint.conversation import message_lists
from jsonl_lint.problems import UsageError

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMING = 3
TOKENS_PER_IMAGE = 85


class EncodingUnavailable(UsageError):
    """tiktoken could not load an encoding (offline, no cache): a usage error, exit code 2."""


@functools.cache
def encoding(name: str) -> Any:
    """The tiktoken encoding ``name``; loaded once, and only when an example must be tokenized."""
    try:
        import tiktoken  # imported here: loading it costs time and memory most runs never need

        return tiktoken.get_encoding(name)
    except Exception as error:
        raise EncodingUnavailable(
            f"cannot load the tiktoken encoding {name!r} ({type(error).__name__}). On a machine without "
            "internet, set TIKTOKEN_CACHE_DIR to a folder that holds it under tiktoken's cache name, "
            "or skip token budgets with --no-token-check"
        ) from None


def message_strings(message: dict[str, Any]) -> Iterator[str]:
    yield message["role"]
    content = message.get("content")
    if isinstance(content, str):
        yield content
    elif isinstance(content, list):
        for part in content:
            if part.get("type") == "text":
                yield part["text"]
            elif part.get("type") == "refusal":
                yield part["refusal"]
    for key in ("name", "refusal", "tool_call_id"):
        if isinstance(message.get(key), str):
            yield message[key]
    for call in message.get("tool_calls") or ():
        yield call["id"]
        yield call["function"]["name"]
        yield call["function"]["arguments"]
    if message.get("function_call"):
        yield message["function_call"]["name"]
        yield message["function_call"]["arguments"]


def count_images(messages: list[dict[str, Any]]) -> int:
    return sum(
        1
        for message in messages
        if isinstance(message.get("content"), list)
        for part in message["content"]
        if part.get("type") == "image_url"
    )


class TokenCounter:
    """Counts an example's tokens the way the module docs say; strings that repeat from example
    to example (roles, system prompts, tool definitions) are tokenized once."""

    REPEATED_ROLES = frozenset({"system", "developer"})
    CACHE_SIZE = 4096

    def __init__(self, encoding_name: str, data_format: str | None) -> None:
        self.encode = encoding(encoding_name).encode_ordinary
        self.data_format = data_format
        self.cache: dict[str, int] = {}

    def text(self, text: str, repeated: bool = False) -> int:
        if not repeated:
            return len(self.encode(text))
        found = self.cache.get(text)
        if found is None:
            if len(self.cache) > self.CACHE_SIZE:
                self.cache.clear()  # bounded: a file whose "repeated" strings never repeat
            found = self.cache[text] = len(self.encode(text))
        return found

    def message(self, message: dict[str, Any]) -> int:
        repeated = message["role"] in self.REPEATED_ROLES
        total = TOKENS_PER_MESSAGE + (TOKENS_PER_NAME if "name" in message else 0)
        strings = message_strings(message)
        total += self.text(next(strings), repeated=True)  # the role: a handful of strings, repeated on every message
        for text in strings:
            total += self.text(text, repeated)
        return total + TOKENS_PER_IMAGE * count_images([message])

    def example(self, value: dict[str, Any]) -> tuple[int, int, int]:
        """(messages, all tokens, trained tokens) of a schema-valid example. Trained: a preference
        pair's outputs, a completion, or assistant messages with weight 1."""
        fmt = self.data_format
        if fmt == "completion":
            prompt, completion = self.text(value["prompt"]), self.text(value["completion"])
            return 2, prompt + completion, completion
        if fmt == "text":
            count = self.text(value["text"])
            return 1, count, count
        total, trained, messages = REPLY_PRIMING, 0, 0
        for number, (_, items) in enumerate(message_lists(value, fmt)):
            for message in items:
                count = self.message(message)
                total += count
                messages += 1
                if (number > 0) if fmt == "preference" else (message["role"] == "assistant" and message.get("weight") != 0):
                    trained += count
        holder = value["input"] if fmt == "preference" else value
        for key in ("tools", "functions"):
            if holder.get(key):
                total += self.text(orjson.dumps(holder[key]).decode(), repeated=True)
        return messages, total, trained


@functools.cache
def _counter(encoding_name: str, data_format: str | None) -> TokenCounter:
    return TokenCounter(encoding_name, data_format)


def count_tokens(value: dict[str, Any], data_format: str | None, encoding_name: str) -> int:
    """All tokens of a schema-valid example (one counter per encoding and format, kept)."""
    return _counter(encoding_name, data_format).example(value)[1]


# A schema-valid image part, {"type":"image_url","image_url":{"url":""}}, takes at least this many
# bytes of the line, so a line cannot hold more images than its length over this.
MIN_IMAGE_PART_BYTES = 40


def upper_bound(raw: bytes, value: dict[str, Any], data_format: str | None, limit: int) -> int:
    """Never below :func:`count_tokens` (see the module docs), and computed without tokenizing.

    Checked in two steps so that the common case costs no scan of the line: first with the
    most images the line could hold, then, only if that is over ``limit``, with the real number.
    """
    coarse = len(raw) + REPLY_PRIMING + TOKENS_PER_IMAGE * (len(raw) // MIN_IMAGE_PART_BYTES)
    if coarse <= limit or data_format in ("completion", "text"):
        return coarse if data_format not in ("completion", "text") else len(raw)
    images = sum(count_images(messages) for _, messages in message_lists(value, data_format))
    return len(raw) + REPLY_PRIMING + TOKENS_PER_IMAGE * images
