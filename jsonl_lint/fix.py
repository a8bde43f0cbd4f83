"""``check --fix``: the repairs that cannot change a JSON value, and nothing else.

Drops a UTF-8 byte order mark, turns CRLF line endings into LF, removes blank lines and adds
the final newline. Every other byte, including invalid ones, is copied as it is.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from jsonl_lint.atomic import atomic_write
from jsonl_lint.reader import UTF8_BOM


@dataclass(slots=True)
class FixSummary:
    bom: bool = False
    crlf: int = 0
    blank: int = 0
    final_newline: bool = False

    @property
    def changed(self) -> bool:
        return self.bom or bool(self.crlf) or bool(self.blank) or self.final_newline

    def describe(self) -> str:
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
    for number, raw in enumerate(lines, 1):
        if number == 1 and raw.startswith(UTF8_BOM):
            raw = raw[len(UTF8_BOM) :]
            summary.bom = True
        if raw.endswith(b"\r\n"):
            body = raw[:-2]
            summary.crlf += 1
        elif raw.endswith(b"\n"):
            body = raw[:-1]
        else:
            body = raw
        if not body or body.isspace():  # the reader's blank line (JL003)
            summary.blank += 1
            continue
        if not raw.endswith(b"\n"):
            summary.final_newline = True
        if out is not None:
            out.write(body + b"\n")
    return summary


def fix_file(path: str | Path) -> FixSummary:
    """Repair the file in place, atomically, and only when something is to be repaired."""
    with open(path, "rb") as stream:
        summary = fix_lines(stream)
    if summary.changed:
        with open(path, "rb") as stream, atomic_write(path) as out:
            fix_lines(stream, out)  # type: ignore[arg-type]
    return summary
