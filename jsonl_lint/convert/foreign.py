"""Other trainers' formats in ``convert``: reading Gemini, Bedrock, TRL and OpenAI preference
files (into OpenAI's shape, like every source), and writing any target (``--to``).

A record a target cannot hold is rejected with its line and the reason; the losses a user allows
(``--allow-loss``) and what a conversion changed are counted in the summary.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from jsonl_lint.convert.inputs import Input
from jsonl_lint.convert.records import records_converter, records_job
from jsonl_lint.convert.rows import Converted, ConvertOptions, Notes, RangeJob, Rejected, Row, Unusable, Written, text_of
from jsonl_lint.convert.targets import LOSSES, Conversion, Unconvertible, targets

# Source formats read from another trainer's records, with the jsonl-lint format that validates
# them first (None: no schema, e.g. TRL's object arguments).
SOURCE_FORMATS: dict[str, str | None] = {"gemini": None, "bedrock": "bedrock-nova", "bedrock-claude": "bedrock-claude", "hf": None}


def sniff_gemini(suffix: str, first: Any) -> bool:
    return isinstance(first, dict) and "contents" in first


def sniff_bedrock(suffix: str, first: Any) -> bool:
    return isinstance(first, dict) and "messages" in first and ("schemaVersion" in first or "toolConfig" in first)


def sniff_preference(suffix: str, first: Any) -> bool:
    return isinstance(first, dict) and "preferred_output" in first


def never(suffix: str, first: Any) -> bool:
    """A format that looks like another (chat) and is read only when named with --from."""
    return False


class ForeignRecords:
    """Records of another trainer's format (or TRL's) into OpenAI's shape, counting what the
    conversion changed."""

    def __init__(self, name: str, options: ConvertOptions, part: bool = False) -> None:
        self.target = targets()[name]
        self.conversion = Conversion()
        self.schema_formats = [f for f in self.target.data_formats if f != "chat"] if name != "hf" else []

    def to_chat(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Unusable("not a JSON object")
        target = self.target
        if self.schema_formats and not any(_valid(fmt, value) for fmt in self.schema_formats):
            raise Unusable(f"not a valid {target.title} record (`jsonl-lint check` says why)")
        try:
            return target.to_openai(value, self.conversion)
        except Unconvertible as why:
            raise Unusable(str(why)) from None
        except RecursionError:
            raise Unusable("nested too deeply to convert") from None
        except (AttributeError, KeyError, TypeError, ValueError):  # no schema (TRL): a shape we do not read
            raise Unusable(f"not a {target.title} record this converter reads") from None

    def state(self) -> dict[str, int]:
        return self.conversion.counts

    def merge(self, state: dict[str, int]) -> None:
        self.conversion.merge(state)

    def describe(self, notes: Notes) -> None:
        describe(self.conversion, notes)


def reader(name: str) -> Callable[[Input, ConvertOptions, Notes], Iterator[Row]]:
    """The source converter of target ``name``: its records into OpenAI's shape."""
    return records_converter(functools.partial(ForeignRecords, name))


def reader_ranges(name: str) -> Callable[[Input, ConvertOptions], RangeJob | None]:
    return records_job(functools.partial(ForeignRecords, name))


class PreferenceRecords:
    """OpenAI preference records, kept as they are (to be written for another target)."""

    def __init__(self, options: ConvertOptions, part: bool = False) -> None:
        pass

    def to_chat(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict) or "preferred_output" not in value:
            raise Unusable("not a preference record")
        return value

    def state(self) -> None:
        return None

    def merge(self, state: None) -> None:
        pass

    def describe(self, notes: Notes) -> None:
        pass


passthrough = records_converter(PreferenceRecords)
passthrough_ranges = records_job(PreferenceRecords)


def _valid(fmt: str, value: dict[str, Any]) -> bool:
    from jsonl_lint import formats

    return bool(formats.fast_validator(fmt).is_valid(value))


class Retarget:
    """Rows in OpenAI's shape into the ``--to`` target's: a record it cannot hold is rejected."""

    def __init__(self, options: ConvertOptions) -> None:
        unknown = set(options.allow_loss) - set(LOSSES)
        if unknown:
            raise ValueError(f"unknown loss {sorted(unknown)[0]!r}")
        self.target = targets()[options.to]
        self.conversion = Conversion(allowed_losses=frozenset(options.allow_loss))

    def row(self, row: Converted) -> Converted | Rejected:
        try:
            record = self.target.from_openai(row.record, self.conversion)
            refusal = self.target.refusal(record)
            if refusal is not None:
                return Rejected(row.line, text_of(row), f"{self.target.title} would refuse it: {refusal}")
            return Converted(row.line, record, row.text)
        except Unconvertible as why:
            return Rejected(row.line, text_of(row), f"{self.target.title} cannot hold it: {why}")
        except RecursionError:
            return Rejected(row.line, text_of(row), "nested too deeply to convert")

    @staticmethod
    def expanded(rows: Iterator[Row]) -> Iterator[Row]:
        """Rows with the blocks a converter serialised already (prompt-completion's fast path:
        plain user and assistant text, which every target holds) as one row per record; those
        carry no line number (0)."""
        for row in rows:
            if isinstance(row, Written):
                for line in row.data.splitlines():
                    yield Converted(0, orjson.loads(line), line.decode("utf-8", errors="surrogateescape"))
            else:
                yield row


def describe(conversion: Conversion, notes: Notes) -> None:
    for what, count in conversion.counts.items():
        notes.add(f"{what}: {count} time{'s' if count != 1 else ''}")
