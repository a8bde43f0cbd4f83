"""The ``jsonl-lint`` console script: ``--version`` answers before the CLI (click, the checker)
is imported, so scripts and editors that ask are not kept waiting."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from jsonl_lint import __version__

        print(f"jsonl-lint {__version__}")
        sys.exit(0)
    from jsonl_lint.cli import main as run

    sys.exit(run())
