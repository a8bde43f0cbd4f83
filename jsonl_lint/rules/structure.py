"""Structure: whether each record matches the JSON Schema of the file's format (which format
that is: :mod:`jsonl_lint.rules.file_format`).

The structure itself lives in the JSON Schemas (``jsonl-lint schema NAME``); these rules report
what they find in our own words, with the JSON path and the column of the offending value.
"""

from __future__ import annotations

from jsonl_lint.problems import Rule, Severity
from jsonl_lint.rules.base import RuleSet

SCHEMA = Rule(
    code="JL101",
    name="schema",
    severity=Severity.ERROR,
    summary="a record does not match the JSON Schema of its format",
    doc="""A record does not match the JSON Schema of its format: a required key is missing, a
key is unknown, a value has the wrong type, or a role is not one the format knows.

The message names the JSON path (`messages[2].content`), what was expected and what was
found; the column points at the offending value (or key).

Fails:

    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": null}]}

Passes:

    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
""",
)

RULES = RuleSet(rules=(SCHEMA,))
