"""OpenAI's chat and preference records: the shape every conversion goes through, kept as it is."""

from __future__ import annotations

from jsonl_lint.convert.targets import Conversion, Record, Target


def _same(record: Record, conversion: Conversion) -> Record:
    return record


TARGET = Target(name="openai", title="OpenAI chat and preference", data_formats=("chat", "preference"), from_openai=_same, to_openai=_same)
