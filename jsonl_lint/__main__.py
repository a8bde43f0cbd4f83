from __future__ import annotations

import sys

from jsonl_lint.cli import main

sys.exit(main())
