"""What every tokenizer backend gives: the tokens of one example, all and trained, per role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol

from jsonl_lint.problems import UsageError


class TokenizerUnavailable(UsageError):
    """A tokenizer cannot be loaded (an extra not installed, a folder or file missing): exit 2."""


class CountFailed(Exception):
    """The tokenizer failed on one example: a problem on that line, never a crash."""


class ExampleCount(NamedTuple):
    messages: int
    total: int
    trained: int
    roles: Mapping[str, int]  # tokens of each role's messages (framing included where the backend knows it)
    complete: bool = True  # False: counting stopped once over the budget; ``total`` is a lower bound


class Counter(Protocol):
    """Counts examples of one data format with one tokenizer."""

    @property
    def name(self) -> str:
        """The tokenizer, as the output names it (``o200k_base``, ``mistral v3``, a folder)."""
        ...

    @property
    def estimate(self) -> str | None:
        """How the count is made when it is not the trainer's own, else None."""
        ...

    def example(self, value: dict[str, Any], budget: int | None = None) -> ExampleCount:
        """Tokens of a schema-valid example. With a budget, counting may stop once over it."""
        ...

    def upper_bound(self, raw: bytes, value: dict[str, Any], limit: int) -> int | None:
        """A number never below the example's total, computed without tokenizing, or None."""
        ...


_last: tuple[Counter, dict[str, Any], ExampleCount] | None = None  # the last complete count, with its example (kept alive)


def guarded(counter: Counter, value: dict[str, Any], budget: int | None = None) -> ExampleCount:
    """``counter.example`` with every failure of a tokenizer (including native panics, which
    are ``BaseException``) turned into :class:`CountFailed`.

    The same example counted again at once (the token budget rule, then `report`'s statistics)
    is not tokenized twice: the last complete count is kept with the example it counted."""
    global _last
    if _last is not None and _last[1] is value and _last[0] is counter:
        return _last[2]
    try:
        count = counter.example(value, budget)
        if count.complete:
            _last = (counter, value, count)
        return count
    except (KeyboardInterrupt, SystemExit, UsageError):
        raise
    except BaseException as error:  # noqa: BLE001 - pyo3 panics derive from BaseException
        detail = str(error).splitlines()[0][:200] if str(error) else ""
        raise CountFailed(
            f"{counter.name} could not tokenize this example ({type(error).__name__}{': ' + detail if detail else ''})"
        ) from None
