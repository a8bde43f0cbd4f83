"""Start-up: what `jsonl-lint check` imports and parses before it looks at a record. Each module
held here costs the start-up of every run (issue 12: `check` on a 20-line file under 0.12 s); a
regression fails this test rather than a timing."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import EXAMPLES

# Modules the CLI must not import until a command needs them.
NOT_AT_IMPORT = (
    "jsonschema",  # the explaining validator: only a record that fails its schema
    "jsonschema_rs",  # only once a record is validated
    "tiktoken",
    "multiprocessing",
    "concurrent.futures",
    "tempfile",  # only to write a file atomically
    "gzip",
    "bz2",
    "lzma",  # only for compressed inputs
    "hashlib",
    "jsonl_lint.convert",
    "jsonl_lint.stats",
    "jsonl_lint.stats_render",
    "jsonl_lint.review",
    "jsonl_lint.review_render",
    "jsonl_lint.explanation_cache",
    "jsonl_lint.schema_errors",
    "jsonl_lint.fix",
    "jsonl_lint.split",
)

# A check of a small valid file validates its records, and needs none of the others.
NOT_IN_A_SMALL_CHECK = tuple(m for m in NOT_AT_IMPORT if m != "jsonschema_rs")


def _loaded(code: str, names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` (or their submodules) are imported after running ``code`` in a new interpreter."""
    report = (
        f"import json, sys; print(json.dumps(sorted(m for m in {names!r} if any(k == m or k.startswith(m + '.') for k in sys.modules))))"
    )
    result = subprocess.run([sys.executable, "-c", f"{code}\n{report}"], capture_output=True, text=True, check=True)
    found: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_importing_the_cli_loads_no_command_machinery() -> None:
    assert _loaded("import jsonl_lint.cli", NOT_AT_IMPORT) == []


def test_a_small_check_loads_only_what_it_uses() -> None:
    code = (
        "import contextlib, io\n"
        "from jsonl_lint import cli, profiles\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert cli.main(['check', {str(EXAMPLES / 'chat.jsonl')!r}]) == 0\n"
        "assert profiles._table.cache_info().currsize == 1, 'only the openai profile is parsed'"
    )
    assert _loaded(code, NOT_IN_A_SMALL_CHECK) == []
