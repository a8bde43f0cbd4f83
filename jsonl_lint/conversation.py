"""Read access to the conversations inside a record, whatever its format, for the rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from jsonl_lint.jsonpos import JsonPath

Message = dict[str, Any]


def message_lists(value: dict[str, Any], data_format: str | None) -> list[tuple[JsonPath, list[Message]]]:
    """Each list of messages in a (schema-valid) record, with its JSON path."""
    if data_format in ("chat", "rft", "trl-chat"):
        return [(("messages",), value["messages"])]
    if data_format == "preference":
        return [
            (("input", "messages"), value["input"]["messages"]),
            (("preferred_output",), value["preferred_output"]),
            (("non_preferred_output",), value["non_preferred_output"]),
        ]
    return []


def all_messages(value: dict[str, Any], data_format: str | None) -> Iterator[tuple[JsonPath, Message]]:
    for prefix, messages in message_lists(value, data_format):
        for index, message in enumerate(messages):
            yield prefix + (index,), message


def content_text(content: object) -> str:
    """The text of a message's content: the string, or its text parts joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict) and part.get("type") == "text")
    return ""


def has_call(message: Message) -> bool:
    return bool(message.get("tool_calls") or message.get("function_call"))


def strings(node: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, str]]:
    """Every string value in a JSON value, with its path (keys are not included)."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from strings(child, path + (key,))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from strings(child, path + (index,))


# What a record holds, as bits, so that the engine runs a rule only on records where it can find
# something (each rule declares the bits it looks for: ``RecordRules.needs``). Plain ints: an
# IntFlag costs a Python call per `|`, and these are combined for every record.
Features = int
CALLS: Features = 1 << 0  # an assistant message has tool_calls or function_call
TOOL_MESSAGES: Features = 1 << 1  # a tool message
PARTS: Features = 1 << 2  # some content is a list of parts
MAYBE_BLANK: Features = 1 << 3  # some content may be empty or whitespace (parts are not looked into)
BACKSLASH: Features = 1 << 4  # some string content holds a backslash (parts are not looked into)
STRAY_WEIGHT: Features = 1 << 5  # a message other than the assistant's has a `weight`
UNTRAINED: Features = 1 << 6  # the first list has no assistant message without weight 0
LATE_SYSTEM: Features = 1 << 7  # the first list has a system message after its first message
REPEATED_ROLE: Features = 1 << 8  # the first list has two messages of one role in a row
NO_USER: Features = 1 << 9  # the first list has no user message
LAST_NOT_ASSISTANT: Features = 1 << 10  # the first list is empty or does not end with an assistant message
TOOLS: Features = 1 << 11  # the record declares tools (a non-empty list)
SPECIAL_MARK: Features = 1 << 12  # the line holds "|", maybe escaped (every special token does): set by the engine from the raw line
PLAIN_CHAT: Features = (
    1 << 13
)  # `{"messages": [...]}` alone, at least one, each a system, user or assistant role and a string content alone
EVERY_RECORD: Features = 1 << 14  # set on every record: a rule that needs it always runs
NO_RECORD: Features = 0  # a rule that needs nothing never runs (it can find nothing for this target)


class Summary(NamedTuple):
    """What the rules ask of every record, gathered in one pass over its messages, so that most
    rules can return at once (the facts are about every message list of the record)."""

    roles: tuple[str, ...]  # of the first list: `messages`, or a preference's `input.messages`
    assistants: int  # in the first list
    features: Features  # what the record holds, as bits (without SPECIAL_MARK and EVERY_RECORD)

    @property
    def trained(self) -> bool:
        """The first list has an assistant message without weight 0."""
        return not self.features & UNTRAINED

    @property
    def calls(self) -> bool:
        return bool(self.features & CALLS)

    @property
    def tool_messages(self) -> bool:
        return bool(self.features & TOOL_MESSAGES)

    @property
    def parts(self) -> bool:
        return bool(self.features & PARTS)

    @property
    def maybe_blank(self) -> bool:
        return bool(self.features & MAYBE_BLANK)

    @property
    def backslash(self) -> bool:
        return bool(self.features & BACKSLASH)

    @property
    def stray_weight(self) -> bool:
        return bool(self.features & STRAY_WEIGHT)


_last: tuple[object, Summary] | None = None
_PLAIN_ROLES = frozenset({"system", "user", "assistant"})


def summary(value: dict[str, Any], data_format: str | None) -> Summary:
    """The :class:`Summary` of a record; the last one is kept, as every rule asks for the same.

    Run on every valid record: written for speed (a message of role and content alone, most
    messages, needs no key looked up).
    """
    global _last
    last = _last
    if last is not None and last[0] is value:
        return last[1]
    lists = message_lists(value, data_format)
    features = UNTRAINED
    assistants = 0
    roles: tuple[str, ...] = ()
    plain_messages = 0
    for number, (_, messages) in enumerate(lists):
        if number == 0:
            roles = tuple([message["role"] for message in messages])
        for message in messages:
            content = message.get("content")
            if content.__class__ is str:
                if not content or content.isspace():
                    features |= MAYBE_BLANK
                if "\\" in content:
                    features |= BACKSLASH
            elif content is not None:
                features |= PARTS | MAYBE_BLANK
            plain = len(message) == 2 and content is not None  # role and content: no call, no weight
            role = message["role"]
            if plain and content.__class__ is str and role in _PLAIN_ROLES:
                plain_messages += 1
            if role == "assistant":
                if number == 0:
                    assistants += 1
                    if plain or message.get("weight") != 0:
                        features &= ~UNTRAINED
                if not plain and ("tool_calls" in message or "function_call" in message):
                    features |= CALLS
            else:
                if role == "tool":
                    features |= TOOL_MESSAGES
                if not plain and "weight" in message:
                    features |= STRAY_WEIGHT
    if plain_messages and plain_messages == len(roles) and len(lists) == 1 and len(value) == 1 and "messages" in value:
        features |= PLAIN_CHAT
    features |= _order_features(roles)
    holder = value.get("input") if data_format == "preference" else value
    tools = holder.get("tools") if holder.__class__ is dict else None
    if tools and tools.__class__ is list:
        features |= TOOLS
    result = Summary(roles, assistants, features)
    _last = (value, result)
    return result


def _order_features(roles: tuple[str, ...]) -> Features:
    if not roles:
        return NO_USER | LAST_NOT_ASSISTANT
    features = 0 if roles[-1] == "assistant" else LAST_NOT_ASSISTANT
    if "user" not in roles:
        features |= NO_USER
    if "system" in roles[1:]:
        features |= LATE_SYSTEM
    previous = None
    for role in roles:
        if role == previous:
            return features | REPEATED_ROLE
        previous = role
    return features
