"""The file's format: chosen once (from ``--data-format`` or the first record), then each record
compared with it, and with what the target model trains on.

:class:`FormatDecider` is run by the engine on every record before its schema and rules; it
keeps the only state of a file that record checks depend on (the format and where it came from).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from jsonl_lint import formats
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RuleSet
from jsonl_lint.target import Target

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


@dataclass(slots=True)
class FormatDecider:
    """Decides a file's format at its first record of a known format and checks the others."""

    path: str
    target: Target
    data_format: str | None = None  # known once decided
    decided_at: int | None = None  # the line it was decided at
    single_key: str | None = None  # the key of a record of one key found of the file's format

    def record(self, value: dict[str, object], line: int, found: list[Problem]) -> bool:
        """Whether the record at ``line`` is of the file's format (deciding it if not yet known);
        the problems why not go to ``found``."""
        if len(value) == 1 and self.single_key is not None and self.single_key in value:
            return True  # most records: the one key of records already found of the file's format
        target, expected = self.target, self.data_format
        detected = formats.record_format(value, target.model.formats, target.data_format)
        if self.decided_at is None:
            if target.data_format is None and detected is None:
                found.append(self._problem(UNKNOWN_FORMAT, line, _unknown_message(value)))
                return False
            expected = target.data_format or _rft_or(detected, value, target.model.formats)
            assert expected is not None
            self._decide(expected, line, found)
        assert expected is not None
        if detected is not None and detected != expected and not (detected == "chat" and expected == "rft"):
            origin = "--data-format" if target.data_format else f"line {self.decided_at}"
            message = (
                f"this record is {formats.FORMATS[detected].title} but the file is "
                f"{formats.FORMATS[expected].title} (from {origin}); a file holds one format"
            )
            found.append(self._problem(MIXED_FORMATS, line, message))
            return False
        if len(value) == 1 and self.single_key is None:  # a record's format is a function of its keys
            self.single_key = next(iter(value))
        return True

    def _decide(self, fmt: str, line: int, found: list[Problem]) -> None:
        self.data_format, self.decided_at = fmt, line
        model = self.target.model
        if fmt in model.formats:
            return
        title = formats.FORMATS[fmt].title
        trains_on = " and ".join(formats.FORMATS[f].title for f in model.formats)
        message = f"this is a {title} file, but {model.name} trains on {trains_on}"
        if fmt == "completion" and "chat" in model.formats:
            message += f"; convert it with `jsonl-lint convert {self.path} -o OUT.jsonl`"
        fitting = [m.name for m in self.target.profile.models.values() if fmt in m.formats]
        if fitting:
            message += f"; models that train on it: {', '.join(fitting)}"
        found.append(self._problem(FORMAT_NOT_FOR_MODEL, line, message))

    def _problem(self, rule: Rule, line: int, message: str) -> Problem:
        severity = self.target.severities.get(rule.code, rule.severity)
        return Problem(path=self.path, line=line, column=1, code=rule.code, rule=rule.name, severity=severity, message=message)


def _rft_or(found: str | None, value: dict[str, object], model_formats: Sequence[str]) -> str | None:
    """A first record with `messages` that only the RFT schema takes (a prompt with no answer,
    or a `developer` message, and grader keys) makes an RFT file, so that a chat model gets
    one JL103 saying so, not a schema error per record."""
    if found != "chat" or "rft" in model_formats or formats.fast_validator("chat").is_valid(value):
        return found
    messages = value.get("messages")
    roles = [m.get("role") for m in messages if isinstance(m, dict)] if isinstance(messages, list) else []
    prompt_only = "developer" in roles or "assistant" not in roles  # RFT examples are prompts; chat ones answer
    return "rft" if prompt_only and formats.fast_validator("rft").is_valid(value) else found


def _unknown_message(value: dict[str, object]) -> str:
    hint = formats.foreign_shape_hint(value)
    # A key is data: shown as JSON writes it (without quotes), so a newline in one cannot split the message.
    keys = ", ".join(json.dumps(key, ensure_ascii=False)[1:-1] for key in list(value)[:6]) or "none"
    return f"cannot tell this record's format (keys: {keys}); " + (
        hint or "expected `messages` (chat), `input` + `preferred_output` (preference) or `prompt` + `completion`"
    )


RULES = RuleSet(rules=(MIXED_FORMATS, FORMAT_NOT_FOR_MODEL, UNKNOWN_FORMAT))
