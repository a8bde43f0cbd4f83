"""A Parquet file read as JSONL: each row one line of compact JSON, in order, so a problem's
line number is the row's number (1-based). Needs pyarrow (the ``jsonl-lint[parquet]`` extra).

Rows are read a record batch at a time, so memory is bounded by pyarrow's row group, not by
the file. A struct field or column that is null in a row is left out of that row's record:
Parquet gives every row every field of its schema, so a key that JSONL rows simply lack comes
back as null (Hugging Face datasets mixing messages with and without ``tool_calls``).
Values JSON has no type for are written as JSON can hold them: bytes as base64, decimals as
numbers, times as ISO 8601 text.
"""

from __future__ import annotations

import base64
import datetime
import decimal
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from jsonl_lint.decompress import DamagedInput, ReadStream
from jsonl_lint.problems import UsageError

MAGIC = b"PAR1"
_ROWS_PER_BATCH = 256  # rows can be large (images): a batch is a few MB at most, usually


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, decimal.Decimal):
        return orjson.Fragment(str(value).encode()) if value.is_finite() else None
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return str(value)


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def row_line(row: dict[str, Any]) -> bytes:
    """One row as a line of JSONL (compact JSON never holds a raw newline)."""
    return orjson.dumps(_without_nulls(row), default=_json_default, option=orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS)


class ParquetLines(ReadStream):
    """The rows of a Parquet file as JSONL bytes. Opening a file that is not Parquet raises
    :class:`DamagedInput` with shape ``parquet-corrupt``; so does a row group that cannot be read
    (after the rows before it)."""

    def __init__(self, file: str | BinaryIO, name: str) -> None:
        self._name = name
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise UsageError(f"{name}: reading Parquet needs pyarrow: pip install 'jsonl-lint[parquet]'") from None
        try:
            self._file = pq.ParquetFile(file)
            self.rows: int = self._file.metadata.num_rows
            self._batches: Iterator[Any] = self._file.iter_batches(batch_size=_ROWS_PER_BATCH)
        except Exception as error:  # noqa: BLE001 (pyarrow's errors are many types: all mean the file cannot be read)
            raise self._damaged(error) from None
        self._pending = b""
        self._damage: DamagedInput | None = None

    def _damaged(self, error: BaseException) -> DamagedInput:
        return DamagedInput(self._name, "parquet-corrupt", f"this is not a Parquet file pyarrow can read ({error})")

    def read(self, size: int | None = -1) -> bytes:
        wanted = size if size is not None and size >= 0 else 1 << 62
        pieces = [self._pending] if self._pending else []
        got = len(self._pending)
        while got < wanted:
            if self._damage is not None:
                if pieces:
                    break
                raise self._damage
            try:
                batch = next(self._batches, None)
                if batch is None:
                    break
                rows = batch.to_pylist()
            except Exception as error:  # noqa: BLE001 (as above: a damaged row group)
                self._damage = self._damaged(error)
                continue
            text = b"".join(map(row_line, rows))
            pieces.append(text)
            got += len(text)
        data = b"".join(pieces)
        self._pending = data[wanted:]
        return data[:wanted]

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()
