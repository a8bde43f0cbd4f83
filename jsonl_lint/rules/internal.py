"""The checker's own failures: a record that made a check fail is reported, and the file goes on."""

from __future__ import annotations

from jsonl_lint.problems import Rule, Severity
from jsonl_lint.rules.base import RuleSet

INTERNAL_ERROR = Rule(
    code="JL010",
    name="internal-error",
    severity=Severity.ERROR,
    summary="a check failed on this record (a bug in jsonl-lint: please report it)",
    doc="""A check failed on this record with an unexpected error. This is a bug in jsonl-lint, not
necessarily in the data: please report it with the line. The record's other checks may be
incomplete; every other line is still checked.

Fails: no known input (each one found is fixed and becomes a test).

Passes:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
)


RULES = RuleSet(rules=(INTERNAL_ERROR,))
