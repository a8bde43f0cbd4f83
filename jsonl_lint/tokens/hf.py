"""Any Hugging Face model from its local folder (extra ``jsonl-lint[hf]``: ``tokenizers`` and
``jinja2``, no transformers, no torch).

The folder holds ``tokenizer.json`` and the chat template (``chat_template.jinja``, else
``tokenizer_config.json``'s ``chat_template``), plus the named special tokens in
``tokenizer_config.json`` or ``special_tokens_map.json``. A chat example is rendered as
``apply_chat_template(messages, tools=tools)`` renders it and encoded without adding special
tokens again (templates write their own BOS). Trained tokens: those of the template's
``{% generation %}`` spans, chosen as transformers' ``assistant_masks`` chooses them; a template
without the tag gives each message the text it adds to the rendering, and the weighted
assistant messages' tokens are trained.

The byte bound holds after rendering: every token covers at least one character of the
normalized text, or one byte where the model falls back to bytes, so a tokenizer whose
normalizer only replaces or prepends characters never makes more tokens than the rendering has
UTF-8 bytes (+1 for a prepended "▁"). Other normalizers (NFKC can make one character many) get
no bound: their examples are always tokenized.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from jsonl_lint.tokens.base import ExampleCount, TokenizerUnavailable

MAX_ATTRIBUTED_MESSAGES = 256
UNATTRIBUTED = "(more than 256 messages: not attributed)"
INSTALL = "pip install 'jsonl-lint[hf]'"
SPECIAL_TOKENS = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
# Normalizers that never make a character into several (Prepend is counted as slack).
_SAFE_NORMALIZERS = {"Prepend", "Replace", "Strip", "StripAccents"}


def _special_tokens(folder: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in ("special_tokens_map.json", "tokenizer_config.json"):  # the config wins, as in transformers
        table = _json(folder / name)
        for key in SPECIAL_TOKENS:
            token = table.get(key)
            if isinstance(token, dict):
                token = token.get("content")
            if isinstance(token, str):
                found[key] = token
    return found


def _json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TokenizerUnavailable(f"{path}: not readable JSON ({error})") from None
    return value if isinstance(value, dict) else {}


def _template_source(folder: Path) -> str:
    jinja_file = folder / "chat_template.jinja"
    if jinja_file.is_file():
        return jinja_file.read_text(encoding="utf-8")
    template = _json(folder / "tokenizer_config.json").get("chat_template")
    if isinstance(template, list):  # named templates: the default one
        template = next((t.get("template") for t in template if isinstance(t, dict) and t.get("name") == "default"), None)
    if not isinstance(template, str):
        raise TokenizerUnavailable(f"{folder}: no chat template (chat_template.jinja, or chat_template in tokenizer_config.json)")
    return template


def _steps(component: dict[str, Any] | None) -> list[dict[str, Any]]:
    if component is None:
        return []
    if component.get("type") == "Sequence":
        return [step for key in ("normalizers", "pretokenizers") for step in component.get(key, [])]
    return [component]


def _bound_slack(tokenizer_json: dict[str, Any]) -> int | None:
    """Tokens a rendering may have beyond its UTF-8 bytes, or None when nothing bounds them.

    A prefix space or "▁" (ByteLevel ``add_prefix_space``, Metaspace ``prepend_scheme``) is
    added at the start of the text and after each added token: the first costs 1, the others
    are paid by the added token's own bytes (at least 2 for one token), which is checked."""
    slack = 0
    for step in _steps(tokenizer_json.get("normalizer")):
        kind = step.get("type")
        if kind not in _SAFE_NORMALIZERS:
            return None
        if kind == "Prepend":
            slack += len(step.get("prepend", ""))
        pattern = (step.get("pattern") or {}).get("String") if kind == "Replace" else None
        if kind == "Replace" and (pattern is None or len(step.get("content", "")) > len(pattern)):
            return None
    prefixing = any(
        step.get("add_prefix_space") or step.get("prepend_scheme", "never") != "never"
        for step in _steps(tokenizer_json.get("pre_tokenizer"))
    )
    if prefixing:
        if any(len(token.get("content", "").encode()) < 2 for token in tokenizer_json.get("added_tokens", [])):
            return None
        slack += 1
    return slack


class HFModel:
    """A model folder, loaded once: its tokenizer and chat template."""

    def __init__(self, folder: str) -> None:
        path = Path(folder)
        if not path.is_dir():
            raise TokenizerUnavailable(f"--tokenizer {folder}: not a folder (pass a local model folder with tokenizer.json)")
        if not (path / "tokenizer.json").is_file():
            raise TokenizerUnavailable(f"{folder}: no tokenizer.json (the fast tokenizer file of the model)")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # no warning when stats forks its workers
        try:
            import jinja2  # noqa: F401 - the chat template needs it
            from tokenizers import Tokenizer
        except ImportError:
            raise TokenizerUnavailable(f"counting with a Hugging Face tokenizer needs tokenizers and jinja2: {INSTALL}") from None
        try:
            self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        except Exception as error:  # noqa: BLE001 - the library's error types vary; the file is the cause
            raise TokenizerUnavailable(f"{path / 'tokenizer.json'}: cannot load it ({error})") from None
        self.name = os.path.basename(os.path.normpath(folder)) or folder
        self.special_tokens = _special_tokens(path)
        self._template_source: str | None = None
        self.folder = path
        self.slack = _bound_slack(_json(path / "tokenizer.json"))
        self._template: Any = None
        # The most bytes of text one token can stand for: a vocabulary entry's characters stand
        # for one byte each (byte-level) or one character each (at most 4 bytes).
        longest = max((len(token) for token in self.tokenizer.get_vocab(with_added_tokens=False)), default=1)
        added = max((len(token.content.encode()) for token in self.tokenizer.get_added_tokens_decoder().values()), default=1)
        self.max_token_bytes = max(4 * longest, added, 1)

    def encode_rendered(self, text: str) -> Any:
        """A rendered chat's tokens (a ``tokenizers.Encoding``): no special tokens added, the
        template wrote its own."""
        return self.tokenizer.encode(text, add_special_tokens=False)

    def chat_ids(self, messages: list[dict[str, Any]], tools: list[Any] | None = None) -> list[int]:
        """What ``apply_chat_template(messages, tools=tools)`` returns."""
        return list(self.encode_rendered(self.template.render(messages, tools)[0]).ids)

    @property
    def template(self) -> Any:
        if self._template is None:  # text-only files need no template
            from jsonl_lint.tokens.chat_template import ChatTemplate

            self._template = ChatTemplate(_template_source(self.folder), self.special_tokens)
        return self._template


@functools.cache
def model(folder: str) -> HFModel:
    return HFModel(folder)


class HFCounter:
    estimate = None

    def __init__(self, folder: str, data_format: str | None) -> None:
        self.model = model(folder)
        self.name = self.model.name
        self.data_format = data_format
        # The last rendering, for example() after upper_bound(); the value itself is kept, so
        # that no later example can be taken for it.
        self._rendered: tuple[dict[str, Any], str, list[tuple[int, int]]] | None = None

    def _render(self, value: dict[str, Any]) -> tuple[str, list[tuple[int, int]]]:
        if self._rendered is not None and self._rendered[0] is value:
            return self._rendered[1], self._rendered[2]
        text, spans = self.model.template.render(value["messages"], value.get("tools"))
        self._rendered = (value, text, spans)
        return text, spans

    def example(self, value: dict[str, Any], budget: int | None = None) -> ExampleCount:
        """With a budget (the limit check), only ``total`` is counted: trained and per-role need
        a rendering per message."""
        fmt = self.data_format
        encode = self.model.tokenizer.encode
        if fmt == "text":  # pretraining text: the tokenizer's own special tokens around it
            count = len(encode(value["text"]).ids)
            return ExampleCount(1, count, count, {"text": count})
        if fmt == "completion":
            prompt = len(encode(value["prompt"]).ids)
            total = len(encode(value["prompt"] + value["completion"]).ids)
            return ExampleCount(2, total, total - prompt, {"prompt": prompt, "completion": total - prompt})
        if fmt == "preference":
            return self._preference(value, budget)
        return self._chat(value, budget)

    def _chat(self, value: dict[str, Any], budget: int | None) -> ExampleCount:
        messages = value["messages"]
        encode = self.model.tokenizer.encode
        text, generation = self._render(value)
        self._rendered = None
        if budget is not None:  # a huge rendering need not be tokenized to know it is over
            at_least = -(-len(text.encode("utf-8", "surrogatepass")) // self.model.max_token_bytes)
            if at_least > budget:
                return ExampleCount(len(messages), at_least, 0, {}, complete=False)
        encoding = encode(text, add_special_tokens=False)
        total = len(encoding.ids)
        if budget is not None:
            return ExampleCount(len(messages), total, 0, {}, complete=True)
        if self.model.template.has_generation:
            trained = _masked(encoding, generation)
            roles = self._roles(messages, value.get("tools"), text, encoding)[0]
        else:
            roles, trained = self._roles(messages, value.get("tools"), text, encoding)
        return ExampleCount(len(messages), total, trained, roles)

    def _preference(self, value: dict[str, Any], budget: int | None) -> ExampleCount:
        """The longer of the two sequences (prompt + chosen, prompt + rejected): each must fit."""
        prompt = value["input"]["messages"]
        tools = {"tools": value["input"]["tools"]} if value["input"].get("tools") else {}
        counts = [self._chat({"messages": prompt + value[key], **tools}, budget) for key in ("preferred_output", "non_preferred_output")]
        longest = max(counts, key=lambda c: c.total)
        return ExampleCount(len(prompt) + 2, longest.total, longest.trained, longest.roles)

    def _roles(self, messages: list[dict[str, Any]], tools: Any, text: str, encoding: Any) -> tuple[dict[str, int], int]:
        """Tokens per role, and of the weighted assistant turns: each message owns the characters
        its turn adds to the rendering of the conversation up to it."""
        if len(messages) > MAX_ATTRIBUTED_MESSAGES:  # a rendering per message costs the square of their number
            return {UNATTRIBUTED: len(encoding.ids)}, 0
        ends: list[int] = []
        for count in range(1, len(messages)):
            try:
                prefix = self.model.template.render(messages[:count], tools)[0]
            except Exception:  # noqa: BLE001 - a template may refuse a partial conversation: merge this turn with the next
                ends.append(ends[-1] if ends else 0)
                continue
            ends.append(_common_prefix(prefix, text))
        ends.append(len(text))
        owner = [0] * (len(text) + 1)
        start = 0
        for index, end in enumerate(ends):
            for position in range(start, max(start, end)):
                owner[position] = index
            start = max(start, end)
        roles: dict[str, int] = {}
        trained = 0
        for token_start, _ in encoding.offsets:
            message = messages[owner[min(token_start, len(text))]]
            roles[message["role"]] = roles.get(message["role"], 0) + 1
            if message["role"] == "assistant" and message.get("weight") != 0:
                trained += 1
        return roles, trained

    def upper_bound(self, raw: bytes, value: dict[str, Any], limit: int) -> int | None:
        if self.model.slack is None:
            return None
        if self.data_format == "text":
            return (
                len(value["text"].encode("utf-8", "surrogatepass"))
                + self.model.slack
                + self.model.tokenizer.num_special_tokens_to_add(False)
            )
        if self.data_format != "chat" and self.data_format != "rft":
            return None
        try:
            text = self._render(value)[0]
        except Exception:  # noqa: BLE001 - example() reports the template's error
            return None
        return len(text.encode("utf-8", "surrogatepass")) + self.model.slack


def _common_prefix(a: str, b: str) -> int:
    if b.startswith(a):
        return len(a)
    low, high = 0, min(len(a), len(b))
    while low < high:  # the longest common prefix, by bisection on slices
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _masked(encoding: Any, spans: list[tuple[int, int]]) -> int:
    """Tokens in the generation spans, chosen as transformers' ``assistant_masks``: from the
    token of a span's first character to that of its last (to the end when that has none)."""
    mask = [False] * len(encoding.ids)
    for start, end in spans:
        first = encoding.char_to_token(start)
        if first is None:
            break
        last = encoding.char_to_token(end - 1)
        for index in range(first, last + 1 if last is not None else len(mask)):
            mask[index] = True
    return sum(mask)
