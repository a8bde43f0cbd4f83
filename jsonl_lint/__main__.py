from __future__ import annotations

from jsonl_lint.entry import main

main()  # as the console script: `--version` answers before the CLI is imported
