"""``check --fix``: the repairs that cannot change a JSON value, and nothing else.

Drops a UTF-8 byte order mark, turns CRLF line endings into LF, removes blank lines and adds
the final newline: exactly what JL002, JL003, JL013 and JL014 report (the fixable rules), so a
file `--fix` leaves alone is one `check` finds none of them in. Every other byte, including
invalid ones, is copied as it is, and fixing a fixed file changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from jsonl_lint.atomic import atomic_write
from jsonl_lint.openers import is_url
from jsonl_lint.problems import UsageError
from jsonl_lint.source import DEFAULT_MAX_LINE_BYTES, UTF8_BOM, LongLine, Source


@dataclass(slots=True)
class FixSummary:
    bom: bool = False
    crlf: int = 0
    blank: int = 0
    final_newline: bool = False
    refused: str | None = None  # why the file is left as it is (not JSONL, a line too long to hold)

    @property
    def changed(self) -> bool:
        return self.refused is None and (self.bom or bool(self.crlf) or bool(self.blank) or self.final_newline)

    def describe(self) -> str:
        if self.refused is not None:
            return f"not fixed: {self.refused}"
        done = []
        if self.bom:
            done.append("removed the byte order mark")
        if self.crlf:
            done.append(f"turned {self.crlf} CRLF line ending{'s' if self.crlf != 1 else ''} into LF")
        if self.blank:
            done.append(f"removed {self.blank} blank line{'s' if self.blank != 1 else ''}")
        if self.final_newline:
            done.append("added the final newline")
        return "; ".join(done)


def fix_lines(lines: Iterable[bytes], out: IO[bytes] | None = None) -> FixSummary:
    """Repair ``lines`` into ``out`` (or only count what would change, with ``out=None``)."""
    summary = FixSummary()
    kept = 0
    for number, raw in enumerate(lines, 1):
        if type(raw) is LongLine:
            summary.refused = f"line {number} is longer than --max-line-bytes"
            return summary
        while not kept and raw.startswith(UTF8_BOM):  # the file's first line, once blanks go
            raw = raw[len(UTF8_BOM) :]
            summary.bom = True
        if raw.endswith(b"\n"):
            body = raw[:-1].rstrip(b"\r")
            summary.crlf += len(body) < len(raw) - 1
        else:
            body = raw.rstrip(b"\r")  # the last line: a lone CR at the end is a line ending too
        if not body or body.isspace():  # the reader's blank line (JL003)
            summary.blank += 1
            continue
        kept += 1
        if not raw.endswith(b"\n"):
            summary.final_newline = True
        if out is not None:
            out.write(body + b"\n")
    return summary


def fix_file(path: str | Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> FixSummary:
    """Repair the file in place (through a symbolic link: its target), atomically, and only
    when something is to be repaired: a file that needs nothing is read once and not written
    (so a clean file in a read-only folder is fine). UsageError naming the file when it cannot,
    and for a URL, a compressed file or Parquet: those are never rewritten."""
    if is_url(str(path)):
        raise UsageError(f"{path}: --fix rewrites local JSONL files only, not URLs")
    with Source.open(str(path), max_line_bytes=max_line_bytes) as source:
        if source.compression is not None:
            what = "a Parquet file" if source.compression == "parquet" else f"{source.compression}-compressed"
            raise UsageError(f"{path}: is {what}; --fix rewrites plain JSONL only (decompress it, fix, compress again)")
        if source.sniff().shape is not None:
            return FixSummary(refused="the file is not JSONL (see JL012)")
        summary = fix_lines(line for _, line in source.lines())
    if summary.changed:
        with Source.open(str(path), max_line_bytes=max_line_bytes) as source, atomic_write(path) as out:
            fix_lines((line for _, line in source.lines()), out)
    return summary
