"""OpenAI's models: tiktoken, offline-aware loading, and the count of an example.

The count is an estimate of the server's, in the cookbook's way: every message costs 3 tokens of
framing plus the tokens of its strings (role, content text, name + 1, tool call names, ids and
arguments, refusal, tool_call_id); the reply priming costs 3; tool and function definitions cost
the tokens of their compact JSON; an image costs 85 tokens (its low-detail price, a lower bound).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from jsonl_lint.conversation import message_lists
from jsonl_lint.tokens import bound, tiktoken_text
from jsonl_lint.tokens.base import ExampleCount, TokenizerUnavailable
from jsonl_lint.tokens.compact_json import compact_json

TOKENS_PER_MESSAGE = bound.TOKENS_PER_MESSAGE
TOKENS_PER_NAME = 1
REPLY_PRIMING = bound.REPLY_PRIMING
TOKENS_PER_IMAGE = bound.TOKENS_PER_IMAGE


class EncodingUnavailable(TokenizerUnavailable):
    """tiktoken could not load an encoding (offline, no cache): a usage error, exit code 2."""


@functools.cache
def encoding(name: str) -> Any:
    """The tiktoken encoding ``name``; loaded once, and only when an example must be tokenized."""
    try:
        import tiktoken  # imported here: loading it costs time and memory most runs never need

        return tiktoken.get_encoding(name)
    except Exception as error:  # noqa: BLE001 - any failure to load is the same advice
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


def _over(total: int, budget: int | None) -> bool:
    return budget is not None and total > budget


class TokenCounter:
    """Counts an example's tokens the way the module docs say; strings that repeat from example
    to example (roles, system prompts, tool definitions) are tokenized once."""

    REPEATED_ROLES = frozenset({"system", "developer"})
    CACHE_SIZE = 4096
    estimate = "estimate the server's (see the README)"  # OpenAI publishes no exact way to count

    def __init__(self, encoding_name: str, data_format: str | None) -> None:
        self.name = encoding_name
        self.data_format = data_format
        self.cache: dict[str, int] = {}
        self._encode: Any = None  # the encoding's own encode_ordinary, once loaded

    @property
    def encoding(self) -> Any:
        return encoding(self.name)  # loaded on first use: examples under the byte bound never need it

    def _count(self, text: str) -> int:
        """Tokens of a text shorter than :data:`tiktoken_text.LONG_TEXT_CHARS`: the hot path,
        straight to tiktoken's core (as its ``encode_ordinary`` does, lone surrogates become U+FFFD)."""
        encode = self._encode
        if encode is None:
            loaded = self.encoding
            core = getattr(loaded, "_core_bpe", None)
            encode = self._encode = core.encode_ordinary if core is not None else loaded.encode_ordinary
        try:
            return len(encode(text))
        except UnicodeEncodeError:
            return len(encode(text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")))

    def text(self, text: str, repeated: bool = False, budget: int | None = None) -> int:
        return self.text_within(text, repeated, budget)[0]

    def text_within(self, text: str, repeated: bool = False, budget: int | None = None) -> tuple[int, bool]:
        if not repeated:
            if len(text) < tiktoken_text.LONG_TEXT_CHARS:
                return self._count(text), True
            return tiktoken_text.count_within(self.encoding, text, budget)
        found = self.cache.get(text)
        if found is None:
            if len(self.cache) > self.CACHE_SIZE:
                self.cache.clear()  # bounded: a file whose "repeated" strings never repeat
            found, complete = tiktoken_text.count_within(self.encoding, text, budget)
            if not complete:  # a count cut short by the budget is not the text's count
                return found, False
            self.cache[text] = found
        return found, True

    def message(self, message: dict[str, Any], budget: int | None = None) -> tuple[int, bool]:
        """(tokens of the message, whether all of it was counted: see :meth:`example`)."""
        role = message["role"]
        repeated = role in self.REPEATED_ROLES
        total = self.cache.get(role)  # a handful of strings, repeated on every message
        if total is None:
            total = self.text(role, repeated=True)
        total += TOKENS_PER_MESSAGE
        content = message.get("content")
        if (
            type(content) is str
            and (len(message) == 2 or (len(message) == 3 and "weight" in message))
            and budget is None
            and not repeated
            and len(content) < tiktoken_text.LONG_TEXT_CHARS
        ):
            return total + self._count(content), True  # the common message: a role and a short text
        if "name" in message:
            total += TOKENS_PER_NAME
        strings = message_strings(message)
        next(strings)  # the role, counted above
        for text in strings:
            count, complete = self.text_within(text, repeated, None if budget is None else budget - total)
            total += count
            if not complete:
                return total, False
        if isinstance(content, list):
            total += TOKENS_PER_IMAGE * bound.count_images([message])
        return total, True

    def example(self, value: dict[str, Any], budget: int | None = None) -> ExampleCount:
        """Messages, all tokens, trained tokens and tokens per role of a schema-valid example.
        Trained: a preference pair's outputs, a completion, or assistant messages with weight 1.

        With a ``budget``, counting stops at the first message after which the count is over it
        (and inside a long text): a huge line costs no more than the budget's worth of work."""
        fmt = self.data_format
        if fmt == "completion":
            prompt, complete = self.text_within(value["prompt"], budget=budget)
            if not complete or _over(prompt, budget):
                return ExampleCount(2, prompt, 0, {"prompt": prompt}, complete=False)
            completion, complete = self.text_within(value["completion"], budget=None if budget is None else budget - prompt)
            return ExampleCount(2, prompt + completion, completion, {"prompt": prompt, "completion": completion}, complete)
        if fmt == "text":
            count, complete = self.text_within(value["text"], budget=budget)
            return ExampleCount(1, count, count, {"text": count}, complete)
        total, trained, messages = REPLY_PRIMING, 0, 0
        roles: dict[str, int] = {}
        holder = value["input"] if fmt == "preference" else value
        for key in ("tools", "functions"):
            if holder.get(key):
                total += self.text(compact_json(holder[key]), repeated=True)
        lists = message_lists(value, fmt)
        remaining = sum(len(items) for _, items in lists)
        for number, (_, items) in enumerate(lists):
            for message in items:
                count, complete = self.message(message, None if budget is None else budget - total)
                total += count
                messages += 1
                remaining -= 1
                roles[message["role"]] = roles.get(message["role"], 0) + count
                if (number > 0) if fmt == "preference" else (message["role"] == "assistant" and message.get("weight") != 0):
                    trained += count
                if not complete or (remaining and _over(total, budget)):
                    return ExampleCount(messages, total, trained, roles, complete=False)
        return ExampleCount(messages, total, trained, roles)

    def upper_bound(self, raw: bytes, value: dict[str, Any], limit: int) -> int:
        return bound.upper_bound(raw, value, self.data_format, limit)


@functools.cache
def counter(encoding_name: str, data_format: str | None) -> TokenCounter:
    """One counter per encoding and format, kept (its cache of repeated strings with it)."""
    return TokenCounter(encoding_name, data_format)


def count_tokens(value: dict[str, Any], data_format: str | None, encoding_name: str) -> int:
    """All tokens of a schema-valid example (one counter per encoding and format, kept)."""
    return counter(encoding_name, data_format).example(value).total
