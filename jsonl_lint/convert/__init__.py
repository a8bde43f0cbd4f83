"""``jsonl-lint convert``: other shapes of fine-tuning data into chat JSONL, losing nothing.

One module per source format, each registered once in :data:`REGISTRY` with its ``sniff`` and
``convert``; a converter yields a converted record or a rejection (with its line and reason)
for every input row. :func:`convert_file` (the one writer) writes the records, and the
rejections, atomically, and never over its input.
"""

from __future__ import annotations

from jsonl_lint.convert.registry import REGISTRY, Converter, detect_source
from jsonl_lint.convert.rows import ConvertOptions, Flagged, Rejected
from jsonl_lint.convert.writer import ConversionSummary, convert_file

__all__ = ["REGISTRY", "ConversionSummary", "ConvertOptions", "Converter", "Flagged", "Rejected", "convert_file", "detect_source"]
