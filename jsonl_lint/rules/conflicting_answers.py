"""The same prompt answered two ways: the model cannot learn both, and learns neither well."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson

from jsonl_lint.hash_index import HashIndex
from jsonl_lint.problems import Problem, Rule, Severity
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
often a labelling mistake; the message names the earlier line. Memory: 32 bytes per prompt.

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


_MESSAGES_START = len(b'{"messages":')


def record_facts(record: Record) -> tuple[int, int] | None:
    """(prompt key, answer key) of a record, or None when it has no prompt and answer. Computed
    where the record is checked (worker processes included); equal for equal JSON. The prompt
    key is of the prompt's canonical JSON without its closing bracket (see :func:`_cut`)."""
    value = record.value
    messages = value.get("messages")
    if isinstance(messages, list):
        if messages and messages[-1].__class__ is dict and messages[-1].get("role") == "assistant":
            cut = _cut(record, messages)
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


_ANSWER_START = b',{"content":"'
_ANSWER_END = b'","role":"assistant"}]}'


def _cut(record: Record, messages: list[Any]) -> tuple[int, int] | None:
    """Both keys cut from the record's canonical JSON, ``{"messages":[m0,...,answer]}``, when it
    holds only its messages, at least two, and the last, the answer, is of role assistant and
    string content alone (most chat records); None otherwise.

    The answer is then ``{"content":"...","role":"assistant"}``, at least as many bytes as its
    text has characters, and holds no ``,{"`` (a quote inside a string is escaped), so the
    last ``,{"`` before that many bytes from the end is where it starts.
    """
    canonical, answer = record.canonical, messages[-1]
    text = answer.get("content")
    if len(messages) < 2 or len(record.value) != 1 or len(answer) != 2 or text.__class__ is not str or not canonical.endswith(_ANSWER_END):
        return None
    start = canonical.rfind(b',{"', _MESSAGES_START, len(canonical) - len(_ANSWER_END) - len(text) + 3)
    if start <= _MESSAGES_START or not canonical.startswith(_ANSWER_START, start):
        return None
    line = memoryview(canonical)  # hashed in place (a hash of a view is the hash of its bytes)
    return hash(line[_MESSAGES_START:start]), hash(line[start + 1 : -2])


class DatasetCheck:
    def __init__(self, ctx: DatasetContext) -> None:
        self.ctx = ctx
        self.first_line = HashIndex()  # prompt -> line where it was first seen
        self.first_answer = HashIndex()  # prompt -> the answer given there

    def observe(self, line: int, key: int | None, facts: tuple[int, int] | None) -> Iterable[Problem]:
        if facts is None:
            return ()
        prompt, answer = facts
        first = self.first_line.setdefault(prompt, line)
        if first == line:
            self.first_answer.setdefault(prompt, answer)
            return ()
        if self.first_answer.get(prompt) == answer:
            return ()
        return (self.ctx.problem(CONFLICTING_ANSWERS, line, 1, f"the same prompt as line {first} with a different answer"),)

    def finish(self) -> Iterable[Problem]:
        return ()


RULES = FactRules(rules=(CONFLICTING_ANSWERS,), start=DatasetCheck, facts=record_facts)
