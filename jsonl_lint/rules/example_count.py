"""How many examples: below the target's minimum a job is refused; below its recommended
number fine-tuning rarely helps."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from jsonl_lint.problems import Parameter, Problem, Rule, Severity
from jsonl_lint.rules.base import DatasetRules

if TYPE_CHECKING:
    from jsonl_lint.rules.base import DatasetContext

MIN_EXAMPLES: Parameter[int] = Parameter("min", 1, (int,), "fewest examples the target accepts")
RECOMMENDED_EXAMPLES: Parameter[int] = Parameter("recommended", 1, (int,), "examples from which fine-tuning usually helps")
MAX_FILE_BYTES: Parameter[int | None] = Parameter(
    "max_bytes", None, (int,), "largest training file the target accepts, in bytes (none: no limit)"
)
MAX_EXAMPLES: Parameter[int | None] = Parameter("max", None, (int,), "most examples the target accepts in one file (none: no limit)")

TOO_FEW = Rule(
    code="JL701",
    name="too-few-examples",
    severity=Severity.ERROR,
    summary="fewer examples than the target's minimum (10 on OpenAI)",
    doc="""The file has fewer examples than the target accepts (the parameter `min`: 10 on OpenAI
and Azure OpenAI; see `jsonl-lint profiles`). Reported once, for the file.

Fails:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    {"messages": [{"role": "user", "content": "1"}, {"role": "assistant", "content": "one"}]}
    {"messages": [{"role": "user", "content": "2"}, {"role": "assistant", "content": "two"}]}
    {"messages": [{"role": "user", "content": "3"}, {"role": "assistant", "content": "three"}]}
    {"messages": [{"role": "user", "content": "4"}, {"role": "assistant", "content": "four"}]}
    {"messages": [{"role": "user", "content": "5"}, {"role": "assistant", "content": "five"}]}
    {"messages": [{"role": "user", "content": "6"}, {"role": "assistant", "content": "six"}]}
    {"messages": [{"role": "user", "content": "7"}, {"role": "assistant", "content": "seven"}]}
    {"messages": [{"role": "user", "content": "8"}, {"role": "assistant", "content": "eight"}]}
    {"messages": [{"role": "user", "content": "9"}, {"role": "assistant", "content": "nine"}]}
    {"messages": [{"role": "user", "content": "10"}, {"role": "assistant", "content": "ten"}]}
""",
    parameters=(MIN_EXAMPLES,),
)

FEW = Rule(
    code="JL702",
    name="few-examples",
    severity=Severity.INFO,
    summary="fewer examples than the target recommends (50 on OpenAI), where fine-tuning usually starts to help",
    doc="""The file has fewer examples than where fine-tuning usually starts to show an improvement
(the parameter `recommended`: 50 on OpenAI, whose guidance says 50 to 100).

Fails:

    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}

Passes:

    # options: profile=together
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
""",
    parameters=(RECOMMENDED_EXAMPLES,),
)


TOO_MANY = Rule(
    code="JL708",
    name="too-many-examples",
    severity=Severity.ERROR,
    summary="more examples than the target accepts in one file (20,000 on Bedrock Nova)",
    doc="""The file has more examples than the target accepts in one file (the parameter `max`:
20,000 on Amazon Bedrock Nova, 1,000,000 text examples on Vertex AI Gemini; no limit on most
targets). Split the file or sample it. Reported once, for the file.

Fails:

    # options: params.JL708.max=2
    {"messages": [{"role": "user", "content": "1"}, {"role": "assistant", "content": "one"}]}
    {"messages": [{"role": "user", "content": "2"}, {"role": "assistant", "content": "two"}]}
    {"messages": [{"role": "user", "content": "3"}, {"role": "assistant", "content": "three"}]}

Passes:

    # options: params.JL708.max=2
    {"messages": [{"role": "user", "content": "1"}, {"role": "assistant", "content": "one"}]}
""",
    parameters=(MAX_EXAMPLES,),
)


FILE_TOO_LARGE = Rule(
    code="JL709",
    name="file-too-large",
    severity=Severity.ERROR,
    summary="the file is larger than the target accepts (512 MB on OpenAI, 1 GB on Vertex AI Gemini)",
    doc="""The file is larger than the target takes in one upload (the parameter `max_bytes`:
512 MB on OpenAI's Files API and Mistral, 1 GB on Vertex AI Gemini). Split the file. Reported
once, for the file; standard input is not measured.

Fails:

    # options: file params.JL709.max_bytes=100
    {"messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris."}]}

Passes:

    # options: file params.JL709.max_bytes=1000
    {"messages": [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris."}]}
""",
    parameters=(MAX_FILE_BYTES,),
)


class DatasetCheck:
    def __init__(self, ctx: DatasetContext) -> None:
        self.ctx = ctx
        self.examples = 0

    def observe(self, line: int, key: int | None) -> Iterable[Problem]:
        self.examples += 1
        return ()

    def finish(self) -> Iterator[Problem]:
        target, count = self.ctx.target, self.examples
        if count == 0:
            return  # an empty file is JL009's
        least, recommended = target.param(TOO_FEW, MIN_EXAMPLES), target.param(FEW, RECOMMENDED_EXAMPLES)
        yield from self._size()
        most = target.param(TOO_MANY, MAX_EXAMPLES)
        if most is not None and count > most:
            yield self.ctx.problem(
                TOO_MANY, None, None, f"the file has {count:,} examples; {target.profile.name} accepts at most {most:,} in one file"
            )
        if count < least and target.enabled(TOO_FEW):
            yield self.ctx.problem(
                TOO_FEW,
                None,
                None,
                f"the file has {count} example{'s' if count != 1 else ''}; {target.profile.name} needs at least {least}",
            )
        elif count < recommended:
            yield self.ctx.problem(FEW, None, None, f"the file has {count} examples; fine-tuning usually starts to help from {recommended}")

    def _size(self) -> Iterator[Problem]:
        limit = self.ctx.target.param(FILE_TOO_LARGE, MAX_FILE_BYTES)
        if limit is None or not self.ctx.target.enabled(FILE_TOO_LARGE):
            return
        try:
            size = os.stat(self.ctx.path).st_size if os.path.isfile(self.ctx.path) else None
        except OSError:
            size = None
        if size is not None and size > limit:
            yield self.ctx.problem(
                FILE_TOO_LARGE,
                None,
                None,
                f"the file has {size:,} bytes; {self.ctx.target.profile.name} accepts at most {limit:,}: split it",
            )


RULES = DatasetRules(rules=(TOO_FEW, FEW, TOO_MANY, FILE_TOO_LARGE), start=DatasetCheck)
