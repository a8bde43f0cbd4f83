"""How the bytes of a file are laid out: a file that is not JSONL at all, line endings, the
final newline, and lines too long to hold.

The source (:mod:`jsonl_lint.source`) finds these while reading; the reader and the checker
report them. What `check --fix` changes is reported here too, so a file that passes `check`
is one that `--fix` leaves alone.
"""

from __future__ import annotations

from jsonl_lint.problems import Rule, Severity
from jsonl_lint.rules.base import RuleSet

LINE_TOO_LONG = Rule(
    code="JL011",
    name="line-too-long",
    severity=Severity.ERROR,
    summary="a line is longer than --max-line-bytes, so it was not read",
    doc="""A line is longer than `--max-line-bytes` (default 64 MiB; `max-line-bytes` in the config).

The line is read past without being held in memory, and reported once; the lines after it are
checked as usual. A file without newlines (a binary file, or one record per CR) shows this too.
Raise the limit if such lines are real records.

Fails (with `--max-line-bytes 64`):

    {"prompt": "a very long prompt ... more than 64 bytes ...", "completion": "b"}

Passes:

    {"prompt": "a", "completion": "b"}
""",
)

NOT_JSONL = Rule(
    code="JL012",
    name="not-jsonl",
    severity=Severity.ERROR,
    summary="the file is not JSONL text (compressed under a plain name, ZIP, UTF-16, one JSON document or array, CR-only), or its compression is damaged",
    doc="""The file is not JSONL text at all, so it is reported once instead of line by line.

Compressed files named so (`.gz`, `.bz2`, `.xz`, `.zst`) are not this problem: they are read
as the text they hold. Reported: compressed data under a plain name such as `.jsonl` (a trainer
that goes by the name would refuse it too: decompress it, or name it for its compression),
compressed data that is cut short or corrupt (once, after the lines before the damage were
checked), a name that says `.gz`, `.bz2`, `.xz`, `.zst` or `.parquet` over data that is not,
data compressed twice, a Parquet file named as JSONL, ZIP archives (extract the file), UTF-16
or UTF-32 text (re-save as UTF-8), a JSON array or a pretty-printed JSON document
(`jq -c '.[]' FILE` or `jq -c . FILE` makes JSONL of it), and lines that end with a lone CR
(old Mac endings).

Fails:

    [
      {"prompt": "a", "completion": "b"}
    ]

Passes:

    {"prompt": "a", "completion": "b"}
""",
)

CRLF_LINE_ENDING = Rule(
    code="JL013",
    name="crlf-line-ending",
    severity=Severity.WARNING,
    summary="a line ends with CRLF instead of LF",
    fixable=True,
    doc="""A line ends with CRLF (Windows) instead of LF. JSON parsers skip the CR, but tools that
split lines themselves keep it; `jsonl-lint check --fix` turns every CRLF into LF.

Fails (bytes shown escaped):

    {"prompt": "a", "completion": "b"}\\r\\n

Passes:

    {"prompt": "a", "completion": "b"}
""",
)

NO_FINAL_NEWLINE = Rule(
    code="JL014",
    name="missing-final-newline",
    severity=Severity.WARNING,
    summary="the last line does not end with a newline",
    fixable=True,
    doc="""The file's last line does not end with a newline, so appending to the file (`cat a b`,
`>>`) joins two records into one invalid line. `jsonl-lint check --fix` adds it.

Fails (no newline at the end):

    {"prompt": "a", "completion": "b"}

Passes:

    {"prompt": "a", "completion": "b"}
""",
)


RULES = RuleSet(rules=(LINE_TOO_LONG, NOT_JSONL, CRLF_LINE_ENDING, NO_FINAL_NEWLINE))
