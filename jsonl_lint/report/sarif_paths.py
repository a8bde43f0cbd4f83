"""Where a SARIF result points: code scanning maps ``%SRCROOT%`` to the repository's root, so a
file inside the repository is given relative to its root (found from the working directory, as
git does), and a file outside it by an absolute ``file://`` URI, never as ``../..``."""

from __future__ import annotations

import functools
import os
import urllib.parse
from pathlib import Path

NOT_FILES = ("<stdin>", "<record>")


@functools.cache
def source_root(cwd: str) -> str:
    """The git work tree holding ``cwd`` (the nearest folder with a ``.git`` entry), else ``cwd``."""
    for folder in (cwd, *map(str, Path(cwd).parents)):
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
    return cwd


def artifact_location(path: str) -> dict[str, str]:
    if path in NOT_FILES:
        return {"uri": path, "uriBaseId": "%SRCROOT%"}
    absolute = os.path.abspath(path)
    root = source_root(os.getcwd())
    if os.path.commonpath([absolute, root]) == root:
        relative = Path(os.path.relpath(absolute, root)).as_posix()
        return {"uri": urllib.parse.quote(relative), "uriBaseId": "%SRCROOT%"}
    return {"uri": Path(absolute).as_uri()}
