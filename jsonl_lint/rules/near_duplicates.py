"""Examples that nearly repeat an earlier one (MinHash over word shingles), within a file and
between validation and training files."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from jsonl_lint import minhash
from jsonl_lint.problems import Parameter, Problem, Rule, Severity
from jsonl_lint.rules.base import DatasetContext, FactRules

if TYPE_CHECKING:
    from jsonl_lint.reader import Record

THRESHOLD: Parameter[float] = Parameter(
    "threshold", 0.85, (float,), "estimated Jaccard similarity of word 3-gram sets from which two examples are near-duplicates"
)

NEAR_DUPLICATE = Rule(
    code="JL705",
    name="near-duplicate",
    severity=Severity.WARNING,
    summary="an example is nearly the same as an earlier one (same words, a name or spacing changed)",
    doc="""An example shares most of its word 3-grams (roles included, case and spacing ignored)
with an earlier example of the file: the same conversation with a name, a number or a few words
changed. It weighs that example twice and leaks between splits. The message names the earlier
line and the estimated similarity (MinHash, 64 bins or permutations, so within about ±0.05). The parameter
`threshold` (default 0.85) sets from which similarity; exact repeats are JL703's. Memory: 256
bytes and one index entry per band per example. Off by default (it costs several times the rest
of the check): `--select JL705,JL706` or a `severity` in the configuration turns it on.

Fails:

    {"messages": [{"role": "user", "content": "Please write a short and polite note to my neighbour Anna asking whether she could water the plants on the balcony on Monday and Tuesday while I am travelling to Lisbon for a conference, and thank her warmly"}, {"role": "assistant", "content": "Hello, I am away in Lisbon on Monday and Tuesday for a conference. Could you water the plants on my balcony on both days? The key is under the blue pot by the door. Thank you so much, it means a lot!"}]}
    {"messages": [{"role": "user", "content": "Please write a short and polite note to my neighbour Maria asking whether she could water the plants on the balcony on Monday and Tuesday while I am travelling to Lisbon for a conference, and thank her warmly"}, {"role": "assistant", "content": "Hello, I am away in Lisbon on Monday and Tuesday for a conference. Could you water the plants on my balcony on both days? The key is under the blue pot by the door. Thank you so much, it means a lot!"}]}

Passes:

    {"messages": [{"role": "user", "content": "Please write a short and polite note to my neighbour Anna asking whether she could water the plants on the balcony on Monday and Tuesday while I am travelling to Lisbon for a conference, and thank her warmly"}, {"role": "assistant", "content": "Hello, I am away in Lisbon on Monday and Tuesday for a conference. Could you water the plants on my balcony on both days? The key is under the blue pot by the door. Thank you so much, it means a lot!"}]}
    {"messages": [{"role": "user", "content": "Summarise the plot of Hamlet in two sentences for a pupil who has not read it"}, {"role": "assistant", "content": "A Danish prince learns that his uncle murdered his father. His hesitant revenge ends in the deaths of nearly everyone."}]}
""",
    parameters=(THRESHOLD,),
    default_on=False,  # it costs several times the rest of the check (see the README)
)

NEAR_TRAINING = Rule(
    code="JL706",
    name="validation-near-training",
    severity=Severity.WARNING,
    summary="a validation example is nearly the same as a training example (--validation)",
    doc="""With `--validation FILE`, an example of the validation file is nearly the same as one of a
training file (see JL705; the same `threshold`): validation scores on it measure memory, not
generalisation. The message names the training file, line and estimated similarity.

Fails:

    # options: validation
    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    # options: validation
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
""",
    default_on=False,
)


def record_facts(record: Record) -> bytes:
    """The record's MinHash signature (computed where the record is checked, workers included)."""
    return minhash.signature(minhash.words_of(record.value))


class DatasetCheck:
    def __init__(self, ctx: DatasetContext) -> None:
        self.ctx = ctx
        self.threshold = ctx.target.param(NEAR_DUPLICATE, THRESHOLD)
        self.index = minhash.LshIndex(minhash.bands_for(self.threshold))
        self.within = ctx.target.enabled(NEAR_DUPLICATE)
        self.training = ctx.run.near_training if ctx.is_validation else []
        # Training files keep their index for the validation file, which is checked last.
        self.for_validation = not ctx.is_validation and ctx.target.validation is not None and ctx.target.enabled(NEAR_TRAINING)
        self.keep = self.within or self.for_validation

    def observe(self, line: int, key: int | None, facts: bytes | None) -> Iterable[Problem]:
        if facts is None:
            return ()
        found: list[Problem] = []
        if self.within:
            match = self.index.best_match(facts, self.threshold, key)
            if match is not None:
                number, estimate = match
                found.append(
                    self.ctx.problem(
                        NEAR_DUPLICATE,
                        line,
                        1,
                        f"nearly the same as the example on line {self.index.lines[number]} (estimated similarity {estimate:.2f})",
                    )
                )
        for path, index in self.training:
            match = index.best_match(facts, self.threshold, key)
            if match is not None:
                number, estimate = match
                message = f"this validation example is nearly the same as a training example ({path}, line {index.lines[number]}; estimated similarity {estimate:.2f})"
                found.append(self.ctx.problem(NEAR_TRAINING, line, 1, message))
                break
        if self.keep:
            self.index.add(facts, line, key)
        return found

    def finish(self) -> Iterable[Problem]:
        if self.for_validation:
            self.ctx.run.near_training.append((self.ctx.path, self.index))
        return ()


RULES = FactRules(rules=(NEAR_DUPLICATE, NEAR_TRAINING), start=DatasetCheck, facts=record_facts)
