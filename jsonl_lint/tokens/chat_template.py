"""Chat templates rendered as transformers renders them, with jinja2 alone.

The facts (transformers ``utils/chat_template_utils.py``): a sandboxed immutable environment
with ``trim_blocks`` and ``lstrip_blocks``, the loop-controls extension, a ``tojson`` filter
that keeps non-ASCII and takes ``indent``/``separators``/``sort_keys``, the globals
``raise_exception``, ``strftime_now``, ``dict`` and ``namespace`` (no underscore names), and a
``{% generation %}`` tag whose output spans mark the trained tokens. The template sees
``messages``, ``tools``, ``documents``, ``add_generation_prompt`` and the tokenizer's named
special tokens (``bos_token``, ``eos_token``...). A message's reasoning under an older name is
also given as ``reasoning_content`` and ``thinking``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import jinja2
import jinja2.ext
import jinja2.nodes
import jinja2.utils
from jinja2.sandbox import ImmutableSandboxedEnvironment

GENERATION_TAG = re.compile(r"\{%-?\s*generation\s*-?%\}")
_REASONING_FIELDS = ("reasoning_content", "thinking", "reasoning")


class _Spans:
    """Where the output stands while a template streams, and the generation spans so far."""

    def __init__(self) -> None:
        self.length = 0
        self.generation: list[tuple[int, int]] = []


class _GenerationTag(jinja2.ext.Extension):
    tags = {"generation"}  # noqa: RUF012 - jinja2's own class attribute

    def __init__(self, environment: jinja2.Environment) -> None:
        super().__init__(environment)
        self.spans: _Spans | None = None

    def parse(self, parser: Any) -> jinja2.nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_generation"), [], [], body).set_lineno(lineno)

    def _generation(self, caller: Any) -> str:
        text: str = caller()
        if self.spans is not None:
            self.spans.generation.append((self.spans.length, self.spans.length + len(text)))
        return text


def _raise_exception(message: str) -> None:
    raise jinja2.exceptions.TemplateError(message)


def _tojson(value: Any, ensure_ascii: bool = False, indent: int | None = None, separators: Any = None, sort_keys: bool = False) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def _strftime_now(format: str) -> str:
    return datetime.now().strftime(format)


class _TemplateDict:
    def __call__(self, *args: Any, **kwargs: Any) -> dict[Any, Any]:
        return dict(*args, **kwargs)

    def fromkeys(self, *args: Any, **kwargs: Any) -> dict[Any, Any]:
        return dict.fromkeys(*args, **kwargs)


class _Namespace(jinja2.utils.Namespace):
    def __init__(*args: Any, **kwargs: Any) -> None:
        self, rest = args[0], args[1:]
        attributes = dict(*rest, **kwargs)
        for name in attributes:
            _Namespace._check(name)
        jinja2.utils.Namespace.__init__(self, attributes)

    def __setitem__(self, name: str, value: Any) -> None:
        _Namespace._check(name)
        jinja2.utils.Namespace.__setitem__(self, name, value)

    @staticmethod
    def _check(name: object) -> None:
        if isinstance(name, str) and name.startswith("_"):
            raise jinja2.exceptions.SecurityError(f"chat templates cannot set underscore attributes on a namespace ({name!r})")


class ChatTemplate:
    """One compiled template; :meth:`render` gives the text and its generation spans."""

    def __init__(self, source: str, special_tokens: Mapping[str, str]) -> None:
        environment = ImmutableSandboxedEnvironment(
            trim_blocks=True, lstrip_blocks=True, extensions=[_GenerationTag, jinja2.ext.loopcontrols]
        )
        environment.filters["tojson"] = _tojson
        environment.globals.update(raise_exception=_raise_exception, strftime_now=_strftime_now, dict=_TemplateDict(), namespace=_Namespace)
        self.template = environment.from_string(source)
        self.tag: _GenerationTag = environment.extensions[_GenerationTag.identifier]  # type: ignore[assignment]
        self.has_generation = GENERATION_TAG.search(source) is not None
        self.special_tokens = dict(special_tokens)

    def render(
        self, messages: list[dict[str, Any]], tools: list[Any] | None, *, add_generation_prompt: bool = False
    ) -> tuple[str, list[tuple[int, int]]]:
        spans = _Spans()
        self.tag.spans = spans
        blocks: list[str] = []
        try:
            for block in self.template.generate(
                messages=_with_reasoning_aliases(messages),
                tools=tools,
                documents=None,
                add_generation_prompt=add_generation_prompt,
                **self.special_tokens,
            ):
                blocks.append(block)
                spans.length += len(block)
        finally:
            self.tag.spans = None
        return "".join(blocks), spans.generation


def _with_reasoning_aliases(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    aliased = []
    for message in messages:
        reasoning = next((message[key] for key in _REASONING_FIELDS if message.get(key) is not None), None)
        if reasoning is not None:
            message = {"thinking": reasoning, **message, "reasoning_content": reasoning}
        aliased.append(message)
    return aliased
