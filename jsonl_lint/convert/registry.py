"""Every source format ``convert`` reads, in one registry: a new format is one module (with a
``sniff`` and a ``convert``) and one entry here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonl_lint import source
from jsonl_lint.convert import alpaca, chat, completion, foreign, sharegpt, table, table_ranges
from jsonl_lint.convert.inputs import Input
from jsonl_lint.convert.rows import ConvertOptions, Notes, RangeJob, Row
from jsonl_lint.decompress import without_compression_suffix
from jsonl_lint.problems import UsageError


@dataclass(frozen=True, slots=True)
class Converter:
    """``sniff(suffix, first)``: whether a file with this extension (lower case, with its dot)
    whose first JSON value is ``first`` (None when it has none) is in this format;
    ``convert(input, options, notes)``: a row for each input row, in order; ``ranges(input,
    options)``: the job that converts a file range by range, in worker processes, into what
    ``convert`` makes of it (None: this file, or this format, is converted in one pass)."""

    description: str
    sniff: Callable[[str, Any], bool]
    convert: Callable[[Input, ConvertOptions, Notes], Iterator[Row]]
    ranges: Callable[[Input, ConvertOptions], RangeJob | None] | None = None


TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx")  # told by their extension alone

# Sniffed in this order: the first that claims a file converts it.
REGISTRY: dict[str, Converter] = {
    "gemini": Converter(
        "Vertex AI Gemini JSONL (contents, systemInstruction)",
        foreign.sniff_gemini,
        foreign.reader("gemini"),
        foreign.reader_ranges("gemini"),
    ),
    "bedrock": Converter(
        "Amazon Bedrock Nova JSONL (bedrock-conversation-2024)",
        foreign.sniff_bedrock,
        foreign.reader("bedrock"),
        foreign.reader_ranges("bedrock"),
    ),
    "bedrock-claude": Converter(
        "Amazon Bedrock Claude 3 Haiku JSONL (system, messages); only with --from",
        foreign.never,
        foreign.reader("bedrock-claude"),
        foreign.reader_ranges("bedrock-claude"),
    ),
    "hf": Converter(
        "Hugging Face TRL JSONL (object tool arguments, no call ids); only with --from",
        foreign.never,
        foreign.reader("hf"),
        foreign.reader_ranges("hf"),
    ),
    "preference": Converter(
        "OpenAI preference JSONL (input, preferred_output, non_preferred_output)",
        foreign.sniff_preference,
        foreign.passthrough,
        foreign.passthrough_ranges,
    ),
    "chat": Converter("chat JSONL: legacy functions to tools, bare message arrays wrapped", chat.sniff, chat.convert, chat.ranges),
    "sharegpt": Converter('ShareGPT JSONL ({"conversations": [{"from", "value"}]})', sharegpt.sniff, sharegpt.convert, sharegpt.ranges),
    "alpaca": Converter("Alpaca JSONL (instruction, input, output)", alpaca.sniff, alpaca.convert, alpaca.ranges),
    "completion": Converter(
        "legacy prompt-completion JSONL (babbage-002, davinci-002)", completion.sniff, completion.convert, completion.ranges
    ),
    "csv": Converter("a comma-separated table", table.sniff_csv, table.convert_csv, table_ranges.table_job(",")),
    "tsv": Converter("a tab-separated table", table.sniff_tsv, table.convert_tsv, table_ranges.table_job("\t")),
    "xlsx": Converter("an Excel workbook's first sheet (needs the xlsx extra)", table.sniff_xlsx, table.convert_xlsx),
}


def detect_source(path: str, head: bytes) -> str:
    """The source format from the file's extension, else from its first JSON line (found by
    the one sniffer, which also names files that are not JSONL at all)."""
    suffix = Path(without_compression_suffix(path)).suffix.lower()  # train.csv.gz is CSV
    first = None
    if suffix not in TABLE_SUFFIXES:
        sniffed = source.sniff(head)
        if sniffed.shape is not None:
            raise UsageError(f"{path}: {source.SHAPES[sniffed.shape]}")
        first = sniffed.value
    for name, converter in REGISTRY.items():
        if converter.sniff(suffix, first):
            return name
    raise UsageError(f"cannot tell the format of {path}: name it with --from ({', '.join(REGISTRY)})")
