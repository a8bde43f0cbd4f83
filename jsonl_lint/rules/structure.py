"""Format and structure: which format a file is in, and whether each record matches its schema.

The structure itself lives in the JSON Schemas (``jsonl-lint schema NAME``); these rules report
what they find in our own words, with the JSON path and the column of the offending value.
"""
from __future__ import annotations

from jsonl_lint.problems import Rule, Severity

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

MIXED_FORMATS = Rule(
    code="JL102",
    name="mixed-formats",
    severity=Severity.ERROR,
    summary="a record is in another format than the rest of the file",
    doc="""A record is in another format than the file (its first record, or `--data-format`).

A training file holds one format: chat, preference, prompt-completion or reinforcement.

Fails:

    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
    {"prompt": "hi", "completion": "hello"}

Passes:

    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
    {"messages": [{"role": "user", "content": "bye"}, {"role": "assistant", "content": "bye"}]}
""",
)

FORMAT_NOT_FOR_MODEL = Rule(
    code="JL103",
    name="format-not-for-model",
    severity=Severity.ERROR,
    summary="the file's format is not one the target model trains on",
    doc="""The file's format is not one the target model trains on; reported once, at its first record.

Chat models train on `messages` (and some on preference pairs); babbage-002 and davinci-002
on prompt-completion; o4-mini on reinforcement data. A legacy prompt-completion file becomes
chat data with `jsonl-lint convert`.

Fails:

    {"prompt": "hi", "completion": "hello"}

Passes:

    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
""",
)

UNKNOWN_FORMAT = Rule(
    code="JL104",
    name="unknown-format",
    severity=Severity.ERROR,
    summary="a record is in no format the checker knows",
    doc="""A record has none of the keys that identify a format (`messages`, `input`/`preferred_output`,
`prompt`/`completion`), so no format could be chosen for it.

ShareGPT (`conversations`) and Alpaca (`instruction`) records are recognised and the message
says how to convert them.

Fails:

    {"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]}

Passes:

    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
""",
)

RULES = (SCHEMA, MIXED_FORMATS, FORMAT_NOT_FOR_MODEL, UNKNOWN_FORMAT)
