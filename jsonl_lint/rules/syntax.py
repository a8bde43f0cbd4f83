"""File and line syntax: what the streaming reader reports before any format is known.

These rules run inside :mod:`jsonl_lint.reader`, because they are about the bytes of a line,
not about a parsed record. One bad line never stops the check: every later line is read too.
"""

from __future__ import annotations

from jsonl_lint.problems import Rule, Severity
from jsonl_lint.rules.base import RuleSet

INVALID_UTF8 = Rule(
    code="JL001",
    name="invalid-utf8",
    severity=Severity.ERROR,
    summary="a line is not valid UTF-8",
    doc="""A line is not valid UTF-8; the column is the byte column of the first bad byte.

Fine-tuning files must be UTF-8. Bytes from another encoding (Latin-1, Windows-1252) usually
come from a spreadsheet export: re-export as UTF-8 or decode and re-encode the file.

Fails (bytes shown escaped):

    {"prompt": "caf\\xe9", "completion": "x"}

Passes:

    {"prompt": "café", "completion": "x"}
""",
)

BOM = Rule(
    code="JL002",
    name="utf8-bom",
    severity=Severity.ERROR,
    summary="the file starts with a UTF-8 byte order mark",
    fixable=True,
    doc="""The file starts with a UTF-8 byte order mark (BOM), which JSON parsers reject.

Editors on Windows add it. `jsonl-lint check --fix` removes it; the rest of the line is still
checked as if the mark were not there.

Fails (bytes shown escaped):

    \\xef\\xbb\\xbf{"messages": [{"role": "user", "content": "hi"}]}

Passes:

    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
""",
)

BLANK_LINE = Rule(
    code="JL003",
    name="blank-line",
    severity=Severity.ERROR,
    summary="an empty or whitespace-only line",
    fixable=True,
    doc="""An empty or whitespace-only line; each line of a JSONL file must hold one JSON object.

The newline that ends the last line is fine. `jsonl-lint check --fix` removes blank lines.

Fails:

    {"prompt": "a", "completion": "b"}

    {"prompt": "c", "completion": "d"}

Passes:

    {"prompt": "a", "completion": "b"}
    {"prompt": "c", "completion": "d"}
""",
)

INVALID_JSON = Rule(
    code="JL004",
    name="invalid-json",
    severity=Severity.ERROR,
    summary="a line is not valid JSON",
    doc="""A line is not valid JSON; the column is where the parser gave up.

Common causes: a trailing comma, single quotes, an unescaped newline or quote inside a string,
or a record pretty-printed over several lines (JSONL needs one record per line).

Fails:

    {"prompt": "a", "completion": "b",}

Passes:

    {"prompt": "a", "completion": "b"}
""",
)

NOT_AN_OBJECT = Rule(
    code="JL005",
    name="not-an-object",
    severity=Severity.ERROR,
    summary="a line is valid JSON but not an object",
    doc="""A line holds a JSON array, string, number, boolean or null instead of an object.

A bare array of messages per line is a common broken export: `jsonl-lint convert --from chat`
wraps it as `{"messages": [...]}`.

Fails:

    [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]

Passes:

    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
""",
)

NON_FINITE_NUMBER = Rule(
    code="JL006",
    name="non-finite-number",
    severity=Severity.ERROR,
    summary="NaN, Infinity or a number too large for a double",
    doc="""A line uses `NaN`, `Infinity` or a number too large to store, which JSON does not allow.

Python's `json.dumps` writes these by default (`allow_nan=True`); strict parsers, including the
ones fine-tuning services use, reject the line.

Fails:

    {"prompt": "a", "completion": "b", "score": NaN}

Passes:

    {"prompt": "a", "completion": "b"}
""",
)

TOO_DEEP = Rule(
    code="JL007",
    name="nesting-too-deep",
    severity=Severity.ERROR,
    summary="arrays and objects nested deeper than the parser allows",
    doc="""Arrays and objects are nested more than 1,024 levels deep, beyond what parsers accept.

Fails:

    [[[[...1,025 levels...]]]]

Passes:

    {"prompt": "a", "completion": "b"}
""",
)

DUPLICATE_KEY = Rule(
    code="JL008",
    name="duplicate-key",
    severity=Severity.ERROR,
    summary="an object repeats a key; parsers keep only the last value",
    doc="""An object has the same key twice. Parsers silently keep the last value: the first is lost.

Fails:

    {"prompt": "first", "prompt": "second", "completion": "b"}

Passes:

    {"prompt": "first", "completion": "b"}
""",
)

EMPTY_FILE = Rule(
    code="JL009",
    name="empty-file",
    severity=Severity.ERROR,
    summary="the file holds no records",
    doc="""The file holds no records at all (it is empty or holds only blank lines).

Fails:



Passes:

    {"prompt": "a", "completion": "b"}
""",
)


RULES = RuleSet(
    rules=(
        INVALID_UTF8,
        BOM,
        BLANK_LINE,
        INVALID_JSON,
        NOT_AN_OBJECT,
        NON_FINITE_NUMBER,
        TOO_DEEP,
        DUPLICATE_KEY,
        EMPTY_FILE,
    )
)
