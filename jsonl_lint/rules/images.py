"""Images in content parts: how many, where they point, and whether the model takes them at all.

That images appear only in user messages is the schema's job (JL101).
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from jsonl_lint.conversation import PARTS, message_lists, summary
from jsonl_lint.jsonpos import JsonPath
from jsonl_lint.problems import Parameter, Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules, records_with

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

MAX_IMAGES: Parameter[int | None] = Parameter("max", None, (int,), "most images in one example (none: no limit)")
MAX_IMAGE_BYTES: Parameter[int | None] = Parameter("max_bytes", None, (int,), "largest decoded data-URL image (none: no limit)")
IMAGE_TYPES: Parameter[tuple[str, ...]] = Parameter("types", (), (tuple,), "media types a data URL may have (empty: any)")
URL_SCHEMES: Parameter[tuple[str, ...]] = Parameter(
    "schemes", ("https", "http", "data"), (tuple,), "URL schemes an image may have (Together: data only)"
)

TOO_MANY = Rule(
    code="JL401",
    name="too-many-images",
    severity=Severity.ERROR,
    summary="more images in one example than the target allows",
    doc="""An example holds more images than the target allows (the parameter `max`: 10 on OpenAI).

Fails:

    # options: model=gpt-4o-2024-08-06
    {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://e.com/1.png"}}, {"type": "image_url", "image_url": {"url": "https://e.com/2.png"}}, {"type": "image_url", "image_url": {"url": "https://e.com/3.png"}}, {"type": "image_url", "image_url": {"url": "https://e.com/4.png"}}, {"type": "image_url", "image_url": {"url": "https://e.com/5.png"}}, {"type": "image_url", "image_url": {"url": "https://e.com/6.png"}}, {"type": "image_url", "image_url": {"url": "https://e.com/7.png"}}, {"type": "image_url", "image_url": {"url": "https://e.com/8.png"}}, {"type": "image_url", "image_url": {"url": "https://e.com/9.png"}}, {"type": "image_url", "image_url": {"url": "https://e.com/10.png"}}, {"type": "image_url", "image_url": {"url": "https://e.com/11.png"}}]}, {"role": "assistant", "content": "Eleven cats."}]}

Passes:

    # options: model=gpt-4o-2024-08-06
    {"messages": [{"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "https://e.com/1.png"}}]}, {"role": "assistant", "content": "A cat."}]}
""",
    parameters=(MAX_IMAGES,),
)

INVALID_IMAGE = Rule(
    code="JL402",
    name="invalid-image",
    severity=Severity.ERROR,
    summary="an image URL that is not http(s), or a data URL of the wrong type, bad base64 or too large",
    doc="""An image URL the trainer cannot fetch or decode: not `http(s)://` or `data:`; a data URL
of a type the target does not take (the parameter `types`: JPEG, PNG or WEBP on OpenAI); not
base64, or base64 that does not decode; or larger decoded than `max_bytes` (10 MB on OpenAI).

Fails:

    # options: model=gpt-4o-2024-08-06
    {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/gif;base64,R0lGODlhAQABAAAAACw="}}]}, {"role": "assistant", "content": "A dot."}]}

Passes:

    # options: model=gpt-4o-2024-08-06
    {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}, {"role": "assistant", "content": "A dot."}]}
""",
    parameters=(MAX_IMAGE_BYTES, IMAGE_TYPES, URL_SCHEMES),
)

NOT_SUPPORTED = Rule(
    code="JL403",
    name="images-not-supported",
    severity=Severity.ERROR,
    summary="images in an example for a model that does not take them",
    doc="""An example holds images but the target model does not do vision fine-tuning; the
message names the models of the profile that do.

Fails:

    # options: model=gpt-4o-mini-2024-07-18
    {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://e.com/1.png"}}]}, {"role": "assistant", "content": "A cat."}]}

Passes:

    # options: model=gpt-4o-2024-08-06
    {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://e.com/1.png"}}]}, {"role": "assistant", "content": "A cat."}]}
""",
)


_DATA_URL = re.compile(r"data:([^;,]*)(;base64)?,(.*)", re.DOTALL)


def _images(record: Record, ctx: FileContext) -> Iterator[tuple[JsonPath, str]]:
    for prefix, messages in message_lists(record.value, ctx.data_format):
        for index, message in enumerate(messages):
            content = message.get("content")
            if isinstance(content, list):  # string content (most messages) holds no image
                for number, part in enumerate(content):
                    if part.get("type") == "image_url":
                        yield prefix + (index, "content", number, "image_url", "url"), part["image_url"]["url"]


def check(record: Record, ctx: FileContext) -> Iterator[Problem]:
    if not summary(record.value, ctx.data_format).parts:
        return  # string content everywhere (most records): no image anywhere
    images = list(_images(record, ctx))
    if not images:
        return
    target = ctx.target
    profile, model = target.profile, target.model
    if not model.vision:
        vision = [m.name for m in profile.models.values() if m.vision]
        hint = f"; vision fine-tuning needs {' or '.join(vision)}" if vision else ""
        yield ctx.at(NOT_SUPPORTED, record, f"{model.name} does not take images{hint}", images[0][0])
        return
    most = target.param(TOO_MANY, MAX_IMAGES)
    if most is not None and len(images) > most:
        yield ctx.at(TOO_MANY, record, f"{len(images)} images in one example; {profile.name} allows at most {most}", images[most][0])
    types, max_bytes = target.param(INVALID_IMAGE, IMAGE_TYPES), target.param(INVALID_IMAGE, MAX_IMAGE_BYTES)
    schemes = target.param(INVALID_IMAGE, URL_SCHEMES)
    for path, url in images:
        why = _url_problem(url, types, max_bytes, schemes)
        if why:
            yield ctx.at(INVALID_IMAGE, record, why, path)


def _url_problem(url: str, types: tuple[str, ...], max_bytes: int | None, schemes: tuple[str, ...]) -> str | None:
    scheme = url.partition(":")[0].lower()
    if scheme in ("https", "http") and url[len(scheme) : len(scheme) + 3] == "://":
        return (
            None if scheme in schemes else f"image URL {url[:40]!r}: {scheme} URLs are not accepted here; use {' or '.join(schemes)} URLs"
        )
    if scheme == "data" and "data" not in schemes:
        return f"data URLs are not accepted here; use {' or '.join(schemes)} URLs"
    match = _DATA_URL.fullmatch(url)
    if not url.startswith("data:") or match is None:
        return f"image URL {url[:40]!r} is neither http(s):// nor a data: URL"
    mime, base64_flag, payload = match.groups()
    if types and mime not in types:
        return f"data URL of type {mime or 'none'!r}; use {', '.join(types)}"
    if not base64_flag:
        return "data URL is not base64-encoded (expected data:<type>;base64,<data>)"
    try:
        decoded_size = len(binascii.a2b_base64(payload, strict_mode=True))
    except binascii.Error as error:
        return f"data URL holds invalid base64 ({error})"
    except ValueError:  # binascii takes ASCII text only
        return "data URL holds invalid base64 (a character that is not ASCII)"
    if max_bytes is not None and decoded_size > max_bytes:
        return f"image is {decoded_size / 1_048_576:.1f} MB decoded; at most {max_bytes / 1_048_576:.0f} MB allowed"
    return None


RULES = RecordRules(
    rules=(TOO_MANY, INVALID_IMAGE, NOT_SUPPORTED), formats=frozenset({"chat", "preference", "rft"}), check=check, needs=records_with(PARTS)
)
