"""Repeated examples: within a training file, and between training and validation files."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from jsonl_lint.hash_index import HashIndex
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import DatasetRules

if TYPE_CHECKING:
    from jsonl_lint.rules.base import DatasetContext

DUPLICATE = Rule(
    code="JL703",
    name="duplicate-example",
    severity=Severity.WARNING,
    summary="an example repeats an earlier one exactly",
    doc="""An example is the same as an earlier one (the same JSON, whatever its key order or
spacing); the message names the line of the first copy. Duplicates weigh an example twice and
leak between training and validation splits. Memory: a 64-bit hash and a line number per record
(16 bytes).

Fails:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    {"messages": [{"content": "Hi", "role": "user"}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey!"}]}
""",
)

IN_TRAINING = Rule(
    code="JL704",
    name="validation-in-training",
    severity=Severity.WARNING,
    summary="a validation example also occurs in the training file (--validation)",
    doc="""With `--validation FILE`, an example of the validation file also occurs in a training file:
validation scores on it measure memory, not generalisation. The message names the training line.

Fails:

    # options: validation
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    # options: validation
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
""",
)


class DatasetCheck:
    def __init__(self, ctx: DatasetContext) -> None:
        self.ctx = ctx
        self.first_line = HashIndex()
        self.training = ctx.run.training if ctx.is_validation else None  # key -> first (path, line) in training files

    def observe(self, line: int, key: int | None) -> Iterable[Problem]:
        if key is None:
            return ()  # too deeply nested to have a canonical form
        first = self.first_line.setdefault(key, line)
        if first == line and self.training is None:
            return ()  # most records: new, in a training file
        found: list[Problem] = []
        if first != line:
            found.append(self.ctx.problem(DUPLICATE, line, 1, f"duplicate of the example on line {first}"))
        if self.training is not None and key in self.training:
            path, training_line = self.training[key]
            found.append(
                self.ctx.problem(
                    IN_TRAINING, line, 1, f"this validation example is also in the training data ({path}, line {training_line})"
                )
            )
        return found

    def finish(self) -> Iterable[Problem]:
        if not self.ctx.is_validation and self.ctx.target.validation is not None:
            index = self.ctx.run.training
            for key, line in self.first_line.items():
                index.setdefault(key, (self.ctx.path, line))
        return ()


RULES = DatasetRules(rules=(DUPLICATE, IN_TRAINING), start=DatasetCheck)
