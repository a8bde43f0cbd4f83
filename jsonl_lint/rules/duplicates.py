"""Repeated examples: within a training file, and between training and validation files."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from jsonl_lint.problems import Problem, Rule, Severity

if TYPE_CHECKING:
    from jsonl_lint.checker import FileContext
    from jsonl_lint.reader import Record

DUPLICATE = Rule(
    code="JL703",
    name="duplicate-example",
    severity=Severity.WARNING,
    summary="an example repeats an earlier one exactly",
    doc="""An example is the same as an earlier one (the same JSON, whatever its key order or
spacing); the message names the line of the first copy. Duplicates weigh an example twice and
leak between training and validation splits. Memory: one 8-byte hash per record.

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

RULES = (DUPLICATE, IN_TRAINING)

TRAINING_INDEX = "training-index"  # key in FileContext.shared: hash -> (path, line) over training files


class DatasetCheck:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.first_line: dict[int, int] = {}
        self.training: dict[int, tuple[str, int]] | None = ctx.shared.get(TRAINING_INDEX) if ctx.is_validation else None

    def observe(self, record: Record) -> Iterator[Problem | None]:
        if not record.canonical:
            return  # too deeply nested to have a canonical form
        key = hash(record.canonical)
        first = self.first_line.setdefault(key, record.line)
        if first != record.line:
            yield self.ctx.problem(DUPLICATE, record.line, 1, f"duplicate of the example on line {first}")
        if self.training is not None and key in self.training:
            path, line = self.training[key]
            yield self.ctx.problem(IN_TRAINING, record.line, 1, f"this validation example is also in the training data ({path}, line {line})")

    def finish(self) -> Iterable[Problem | None]:
        if not self.ctx.is_validation and self.ctx.config.validation is not None:
            index = self.ctx.shared.setdefault(TRAINING_INDEX, {})
            for key, line in self.first_line.items():
                index.setdefault(key, (self.ctx.path, line))
        return ()
