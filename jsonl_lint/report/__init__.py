"""Output formats, chosen by name from one registry (``--format``)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TextIO

from jsonl_lint.checker import Report
from jsonl_lint.report import github_format, json_format, sarif_format, text_format

Renderer = Callable[[Sequence[Report], TextIO], None]

RENDERERS: dict[str, Renderer] = {
    "text": text_format.render,
    "json": json_format.render,
    "github": github_format.render,
    "sarif": sarif_format.render,
}
