"""The files a command line names: a directory stands for the JSONL files under it, as in ruff.

Named files are taken as they are, whatever their extension. A directory is walked recursively
for ``*.jsonl`` and ``*.ndjson`` (compressed too: ``.gz``, ``.bz2``, ``.xz``, ``.zst``), skipping hidden folders (``.git``, ``.venv`` ...) and not
following symbolic links to folders (no loops); the order is sorted, so reports are the same
on every machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from jsonl_lint.problems import UsageError

EXTENSIONS = (".jsonl", ".ndjson")
COMPRESSED = (".gz", ".bz2", ".xz", ".zst")  # train.jsonl.gz is read as the JSONL it holds
FOUND = (*EXTENSIONS, *(extension + compressed for extension in EXTENSIONS for compressed in COMPRESSED))


def jsonl_files_under(directory: str) -> Iterator[str]:
    for root, folders, names in os.walk(directory):
        folders[:] = sorted(name for name in folders if not name.startswith("."))  # pruned in place: never entered
        for name in sorted(names):
            if name.endswith(FOUND):
                yield os.path.join(root, name)


def expand(paths: Iterable[str]) -> list[str]:
    """``paths`` with each directory replaced by its JSONL files; one that holds none is a usage error."""
    files: list[str] = []
    for path in paths:
        if path != "-" and os.path.isdir(path):
            found = list(jsonl_files_under(path))
            if not found:
                raise UsageError(f"{path}: a directory with no {' or '.join('*' + e for e in EXTENSIONS)} files")
            files += found
        else:
            files.append(path)
    return files
