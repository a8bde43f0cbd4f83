"""Images and special-token text (JL4xx), preference pairs (JL6xx)."""

from __future__ import annotations

import base64
import json

import pytest

from conftest import messages_line, problems
from jsonl_lint.rules import special_tokens

A = {"role": "assistant", "content": "A cat."}
VISION = {"model": "gpt-4o-2024-08-06"}


def image(url: str) -> dict[str, object]:
    return {"type": "image_url", "image_url": {"url": url}}


def with_images(*urls: str) -> str:
    return messages_line({"role": "user", "content": [{"type": "text", "text": "What is it?"}, *map(image, urls)]}, A)


PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 100).decode()

IMAGE_CASES = [
    ("http url", with_images("https://example.com/cat.png"), VISION, []),
    ("png data url", with_images(PNG), VISION, []),
    ("ten images", with_images(*[f"https://e.com/{i}.png" for i in range(10)]), VISION, []),
    (
        "eleven images",
        with_images(*[f"https://e.com/{i}.png" for i in range(11)]),
        VISION,
        [("JL401", "messages[0].content[11].image_url.url")],
    ),
    ("ftp url", with_images("ftp://e.com/cat.png"), VISION, [("JL402", "messages[0].content[1].image_url.url")]),
    ("gif data url", with_images("data:image/gif;base64,R0lGODlh"), VISION, [("JL402", "messages[0].content[1].image_url.url")]),
    ("data url not base64", with_images("data:image/png,abc"), VISION, [("JL402", "messages[0].content[1].image_url.url")]),
    ("bad base64", with_images("data:image/png;base64,@@@"), VISION, [("JL402", "messages[0].content[1].image_url.url")]),
    ("model without vision", with_images("https://e.com/cat.png"), {}, [("JL403", "messages[0].content[1].image_url.url")]),
]


@pytest.mark.parametrize(("name", "line", "options", "expected"), IMAGE_CASES, ids=[c[0] for c in IMAGE_CASES])
def test_image_rules(name: str, line: str, options: dict[str, str], expected: list[tuple[str, str]]) -> None:
    assert [(p.code, p.json_path) for p in problems(line, select=("JL40",), **options)] == expected


def test_image_over_ten_megabytes() -> None:
    big = "data:image/jpeg;base64," + base64.b64encode(b"\xff" * (10 * 1_048_576 + 1)).decode()
    [problem] = problems(with_images(big), select=("JL402",), **VISION)
    assert problem.message == "image is 10.0 MB decoded; at most 10 MB allowed"


def test_images_not_supported_names_the_vision_models() -> None:
    [problem] = problems(with_images("https://e.com/cat.png"), select=("JL403",))
    assert (
        problem.message == "gpt-4o-mini-2024-07-18 does not take images; vision fine-tuning needs gpt-4.1-2025-04-14 or gpt-4o-2024-08-06"
    )


def test_images_in_an_assistant_message_are_the_schemas_business() -> None:
    line = messages_line({"role": "user", "content": "Draw"}, {"role": "assistant", "content": [image("https://e.com/a.png")]})
    [problem] = problems(line, select=("JL101",), **VISION)
    assert problem.json_path == "messages[1].content[0].type"


SPECIAL_CASES = [
    ("endoftext in content", messages_line({"role": "user", "content": "a<|endoftext|>b"}, A), [("JL404", "messages[0].content")]),
    (
        "im_start in a tool argument",
        messages_line(
            {"role": "user", "content": "x"},
            {
                "role": "assistant",
                "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": '{"q": "<|im_start|>"}'}}],
            },
        ),
        [("JL404", "messages[1].tool_calls[0].function.arguments")],
    ),
    (
        "escaped as \\u003c",
        '{"messages": [{"role": "user", "content": "\\u003c|fim_suffix|\\u003e"}, {"role": "assistant", "content": "ok"}]}',
        [("JL404", "messages[0].content")],
    ),
    (
        "the bars escaped as \\u007c",
        '{"messages": [{"role": "user", "content": "a<\\u007cendoftext\\u007C>"}, {"role": "assistant", "content": "ok"}]}',
        [("JL404", "messages[0].content")],
    ),
    (
        "every character escaped",
        '{"messages": [{"role": "user", "content": "\\u003c\\u007cim_end\\u007c\\u003e"}, {"role": "assistant", "content": "ok"}]}',
        [("JL404", "messages[0].content")],
    ),
    ("unknown token-like text is fine", messages_line({"role": "user", "content": "<|my_marker|> and a|b"}, A), []),
    ("angle brackets are fine", messages_line({"role": "user", "content": "if a <| b then"}, A), []),
]


@pytest.mark.parametrize(("name", "line", "expected"), SPECIAL_CASES, ids=[c[0] for c in SPECIAL_CASES])
def test_special_tokens(name: str, line: str, expected: list[tuple[str, str]]) -> None:
    assert [(p.code, p.json_path) for p in problems(line, select=("JL404",))] == expected


@pytest.mark.parametrize(
    ("raw", "may_hold"),
    [
        (b'{"a": "x|y"}', True),
        (b'{"a": "x\\u007cy"}', True),
        (b'{"a": "x\\u007Cy"}', True),
        (b'{"a": "\\u0041\\n\\u003c x"}', False),  # other escapes, backslashes: nothing of a special token
        (b'{"a": "u007c \\\\ 007C"}', False),
    ],
)
def test_the_special_token_mark_finds_bars_as_is_or_escaped(raw: bytes, may_hold: bool) -> None:
    assert special_tokens.may_hold_special(raw) is may_hold


def test_the_special_token_mark_survives_a_native_panic(monkeypatch: pytest.MonkeyPatch) -> None:
    class Panic(BaseException):  # what pyo3 raises
        pass

    def panicking(raw: bytes) -> list[tuple[int, int, int]]:
        raise Panic

    monkeypatch.setattr(special_tokens, "_find_escaped_bar", panicking)
    assert special_tokens.may_hold_special(b'{"a": "x\\u007cy"}') is True
    assert special_tokens.may_hold_special(b'{"a": "xy"}') is False


def test_special_token_message_names_the_tokens() -> None:
    [problem] = problems(messages_line({"role": "user", "content": "<|im_end|><|endoftext|>"}, A), select=("JL404",))
    assert problem.message == "special-token text <|endoftext|>, <|im_end|>: the fine-tuning job would fail on it"


def preference(messages: list[dict[str, str]], preferred: str, rejected: str) -> str:
    return json.dumps(
        {
            "input": {"messages": messages},
            "preferred_output": [{"role": "assistant", "content": preferred}],
            "non_preferred_output": [{"role": "assistant", "content": rejected}],
        }
    )


PREFERENCE_CASES = [
    ("clean", preference([{"role": "user", "content": "Hi"}], "Hello", "Go away"), []),
    (
        "input ends with assistant",
        preference([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}], "Hello", "Go away"),
        [("JL601", "input.messages[1]")],
    ),
    ("identical outputs", preference([{"role": "user", "content": "Hi"}], "Hello", "Hello "), [("JL602", "non_preferred_output")]),
    (
        "two preferred outputs is the schema's",
        json.dumps(
            {
                "input": {"messages": [{"role": "user", "content": "Hi"}]},
                "preferred_output": [{"role": "assistant", "content": "a"}] * 2,
                "non_preferred_output": [{"role": "assistant", "content": "b"}],
            }
        ),
        [("JL101", "preferred_output")],
    ),
]


@pytest.mark.parametrize(("name", "line", "expected"), PREFERENCE_CASES, ids=[c[0] for c in PREFERENCE_CASES])
def test_preference_rules(name: str, line: str, expected: list[tuple[str, str]]) -> None:
    assert [(p.code, p.json_path) for p in problems(line, select=("JL6", "JL101"))] == expected
