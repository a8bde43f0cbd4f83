"""Mistral's models: the tokenizer files that ship in the ``mistral-common`` wheel (extra
``jsonl-lint[mistral]``), counting an example as mistral-finetune does.

An example becomes mistral-common's chat request (messages and tools, validated in fine-tuning
mode) and is encoded whole: the total is exactly ``MistralTokenizer.encode_chat_completion``'s
length. Trained tokens are the assistant turns' own encodings (``weight`` 0 turns left out), as
mistral-finetune masks the loss. Nothing is downloaded: the files are in the wheel.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonl_lint.tokens.base import ExampleCount, TokenizerUnavailable

# Tokenizer names -> the file in mistral-common's data folder (mistral-common
# tokens/tokenizers/mistral.py: MistralTokenizer.v1/v2/v3/v7 and their files).
FILES = {
    "v1": "tokenizer.model.v1",
    "v2": "mistral_instruct_tokenizer_240216.model.v2",
    "v3": "mistral_instruct_tokenizer_240323.model.v3",
    "v7": "mistral_instruct_tokenizer_241114.model.v7",
    "tekken": "tekken_240718.json",
    "tekken-mm": "tekken_240911.json",
}
INSTALL = "pip install 'jsonl-lint[mistral]'"
# What mistral-common's request messages take; other keys (weight, name on a user turn) are ours.
_MESSAGE_KEYS = {
    "system": ("role", "content"),
    "user": ("role", "content"),
    "assistant": ("role", "content", "tool_calls", "prefix"),
    "tool": ("role", "content", "tool_call_id", "name"),
}


@functools.cache
def tokenizer(name: str) -> Any:
    """mistral-common's tokenizer ``name`` (a key of :data:`FILES`), in fine-tuning validation mode."""
    if name not in FILES:
        raise TokenizerUnavailable(f"unknown Mistral tokenizer {name!r}; known: {', '.join(FILES)}")
    try:
        from mistral_common.protocol.instruct.validator import ValidationMode
        from mistral_common.tokens.tokenizers.mistral import MistralTokenizer
    except ImportError:
        raise TokenizerUnavailable(f"counting Mistral tokens needs mistral-common: {INSTALL}") from None
    try:
        return MistralTokenizer.from_file(str(MistralTokenizer._data_path() / FILES[name]), mode=ValidationMode.finetuning)
    except ImportError:  # sentencepiece, for the v1-v7 files
        raise TokenizerUnavailable(f"the Mistral tokenizer {name} needs sentencepiece: {INSTALL}") from None


def request_of(value: dict[str, Any]) -> Any:
    """The chat request mistral-common encodes for a chat example (keys it does not take left out)."""
    from mistral_common.protocol.instruct.request import ChatCompletionRequest

    messages = [
        {key: message[key] for key in _MESSAGE_KEYS.get(message.get("role"), ("role", "content")) if key in message}
        for message in value["messages"]
    ]
    return ChatCompletionRequest(messages=messages, tools=value.get("tools") or None)


class MistralCounter:
    estimate = None

    def __init__(self, name: str, data_format: str | None) -> None:
        self.name = f"mistral {name}"
        self.tokenizer = tokenizer(name)
        self.data_format = data_format

    def example(self, value: dict[str, Any], budget: int | None = None) -> ExampleCount:
        if self.data_format == "text":  # pretraining data: BOS + text + EOS, as mistral-finetune tokenizes it
            count = len(self.tokenizer.instruct_tokenizer.tokenizer.encode(value["text"], bos=True, eos=True))
            return ExampleCount(1, count, count, {"text": count})
        if self.data_format not in ("chat", "rft"):
            raise ValueError(f"Mistral counting takes chat or text examples, not {self.data_format}")
        if budget is not None:  # a huge example need not be tokenized to know it is over
            at_least = self._at_least(value["messages"])
            if at_least > budget:
                return ExampleCount(len(value["messages"]), at_least, 0, {}, complete=False)
        request = request_of(value)
        total = len(self.tokenizer.encode_chat_completion(request).tokens)
        roles, trained = self._per_message(request, value["messages"])
        return ExampleCount(len(value["messages"]), total, trained, roles)

    def _at_least(self, messages: list[dict[str, Any]]) -> int:
        """Fewer tokens than the example has: each message's text is encoded on its own (perhaps
        without its outer whitespace), and no token stands for more than max_token_bytes of it."""
        size = self.max_token_bytes
        return sum(
            -(-len(m["content"].strip().encode("utf-8", "surrogatepass")) // size) for m in messages if isinstance(m.get("content"), str)
        )

    @functools.cached_property
    def max_token_bytes(self) -> int:
        """The most bytes of text one token stands for (a sentencepiece piece's characters: 4
        bytes each at most)."""
        vocabulary = self.tokenizer.instruct_tokenizer.tokenizer
        if hasattr(vocabulary, "id_to_byte_piece"):
            longest = 1
            for token in range(vocabulary.n_words):
                try:
                    longest = max(longest, len(vocabulary.id_to_byte_piece(token)))
                except Exception:  # noqa: BLE001 - control tokens have no bytes
                    continue
            return longest
        return 4 * max(len(vocabulary.id_to_piece(token)) for token in range(vocabulary.n_words))

    def _per_message(self, request: Any, originals: list[dict[str, Any]]) -> tuple[dict[str, int], int]:
        """Tokens per role and of the weighted assistant turns, each turn encoded as
        ``encode_instruct`` encodes it (the request normalized the same way first)."""
        from mistral_common.protocol.instruct.messages import (
            AssistantMessage,
            SystemMessage,
            ToolMessage,
            UserMessage,
        )

        mistral = self.tokenizer
        normalized = mistral._instruct_request_normalizer.from_chat_completion_request(
            mistral._chat_completion_request_validator.validate_request(request)
        )
        instruct = mistral.instruct_tokenizer
        first_user, last_user = instruct.find_first_last_user(normalized)
        weights = [m.get("weight") for m in originals if m.get("role") == "assistant"]
        assistants = [m for m in normalized.messages if isinstance(m, AssistantMessage)]
        if len(weights) != len(assistants):  # turns merged by the normalizer: count them all as trained
            weights = [1] * len(assistants)
        roles: dict[str, int] = {}
        trained = 0
        for index, message in enumerate(normalized.messages):
            if isinstance(message, UserMessage):
                encoded = instruct.encode_user_message(
                    message,
                    normalized.available_tools,
                    index == last_user,
                    index == first_user,
                    system_prompt=normalized.system_prompt,
                    force_img_first=True,
                )[0]
            elif isinstance(message, ToolMessage):
                encoded = instruct.encode_tool_message(message, index < last_user)[0]
            elif isinstance(message, SystemMessage):
                encoded = instruct.encode_system_message(message)[0]
            else:
                encoded = instruct.encode_assistant_message(message, is_before_last_user_message=index < last_user)
                if weights.pop(0) != 0:
                    trained += len(encoded)
            role = str(message.role.value if hasattr(message.role, "value") else message.role)
            roles[role] = roles.get(role, 0) + len(encoded)
        return roles, trained

    def upper_bound(self, raw: bytes, value: dict[str, Any], limit: int) -> int | None:
        return None  # mistral-common writes tools and calls with spaces: the line's bytes bound nothing
