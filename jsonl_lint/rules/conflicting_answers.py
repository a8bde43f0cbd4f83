"""The same prompt answered two ways: the model cannot learn both, and learns neither well."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson

from jsonl_lint.hash_index import HashPairIndex
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.record_key import chat_keys
from jsonl_lint.rules.base import DatasetContext, FactRules

if TYPE_CHECKING:
    from jsonl_lint.reader import Record

CONFLICTING_ANSWERS = Rule(
    code="JL707",
    name="conflicting-answers",
    severity=Severity.INFO,
    summary="an example has the same prompt as an earlier one and a different answer",
    doc="""An example has exactly the same prompt as an earlier one (everything before its last
assistant message: system, user, tool messages and earlier turns; `prompt` of prompt-completion,
`input` of preference data) but a different answer. Sometimes intended (several good answers),
often a labelling mistake; the message names the earlier line. Memory: 24 to 48 bytes per prompt.

Fails:

    {"messages": [{"role": "user", "content": "Capital of Australia?"}, {"role": "assistant", "content": "Canberra."}]}
    {"messages": [{"role": "user", "content": "Capital of Australia?"}, {"role": "assistant", "content": "Sydney."}]}

Passes:

    {"messages": [{"role": "user", "content": "Capital of Australia?"}, {"role": "assistant", "content": "Canberra."}]}
    {"messages": [{"role": "user", "content": "Capital of Austria?"}, {"role": "assistant", "content": "Vienna."}]}
""",
)


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _key(value: Any) -> int:
    return hash(_canonical(value))


def record_facts(record: Record) -> tuple[int, int] | None:
    """(prompt key, answer key) of a record, or None when it has no prompt and answer. Computed
    where the record is checked (worker processes included); equal for equal JSON. The prompt
    key is of the prompt's canonical JSON without its closing bracket: most chat records' keys
    are cut from the record's canonical JSON (:func:`jsonl_lint.record_key.chat_keys`)."""
    value = record.value
    messages = value.get("messages")
    if isinstance(messages, list):
        cut = chat_keys(record)
        if cut is None:
            cut = _cut_last(record, messages)
        if cut is not None:
            return cut
        last = next(
            (i for i in range(len(messages) - 1, -1, -1) if isinstance(messages[i], dict) and messages[i].get("role") == "assistant"), None
        )
        if not last:  # no assistant message, or nothing before it
            return None
        answer = {k: v for k, v in messages[last].items() if k != "weight"}  # the weight is not what is said
        return hash(_canonical(messages[:last])[:-1]), _key(answer)
    if "prompt" in value and "completion" in value:
        return _key(value["prompt"]), _key(value["completion"])
    if "input" in value and "preferred_output" in value:
        return _key(value["input"]), _key(value["preferred_output"])
    return None


_MESSAGES_KEY = b'{"messages":'


def _cut_last(record: Record, messages: list[Any]) -> tuple[int, int] | None:
    """Both keys cut from the record's canonical JSON when its last message, the answer, is of
    role assistant and `messages` is the record's first key (the others, such as `tools`, sort
    after it): ``{"messages":[m0,...,answer],...}``. The answer and the other keys are written
    again (short beside the prompt), which tells where the answer starts; None otherwise."""
    canonical, value, answer = record.canonical, record.value, messages[-1] if messages else None
    if len(messages) < 2 or answer.__class__ is not dict or answer.get("role") != "assistant" or not canonical.startswith(_MESSAGES_KEY):
        return None
    end = len(canonical) - 1  # where the messages end: the record's closing brace, or the comma before its next key
    if len(value) > 1:
        rest = _canonical({key: item for key, item in value.items() if key != "messages"})
        end = len(canonical) - len(rest)
        if canonical[end] != ord(",") or not canonical.endswith(rest[1:]):
            return None
    written = _canonical(answer)
    start = end - 1 - len(written)  # where the answer starts, after a comma
    if start <= len(_MESSAGES_KEY) + 1 or canonical[start - 1] != ord(",") or not canonical.startswith(written, start):
        return None
    prompt = hash(memoryview(canonical)[len(_MESSAGES_KEY) : start - 1])
    return prompt, (_key({k: v for k, v in answer.items() if k != "weight"}) if "weight" in answer else hash(written))


class DatasetCheck:
    def __init__(self, ctx: DatasetContext) -> None:
        self.ctx = ctx
        self.first = HashPairIndex()  # prompt -> the line where it was first seen, and the answer given there

    def observe(self, line: int, key: int | None, facts: tuple[int, int] | None) -> Iterable[Problem]:
        if facts is None:
            return ()
        prompt, answer = facts
        first = self.first.setdefault(prompt, line, answer)
        if first == line or self.first.value(prompt) == answer:
            return ()
        return (self.ctx.problem(CONFLICTING_ANSWERS, line, 1, f"the same prompt as line {first} with a different answer"),)

    def finish(self) -> Iterable[Problem]:
        return ()


RULES = FactRules(rules=(CONFLICTING_ANSWERS,), start=DatasetCheck, facts=record_facts)
