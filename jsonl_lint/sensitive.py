"""Find secrets and personal data in a string, without the network and in linear time.

Every detector starts from a cheap literal anchor (``str.find``), takes the run of characters a
token of its kind is made of, and judges that one token; the next search starts after it. So
each character is looked at a bounded number of times whatever the string, and no regex can
backtrack over more than a bounded window (hostile strings cannot make it quadratic).

A :class:`Finding` carries its kind and a masked form: the full value never leaves this module.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

SECRET, PRIVATE_KEY, JWT, URL_PASSWORD = "api-key", "private-key", "jwt", "url-password"
EMAIL, PHONE, CARD, IP = "email", "phone", "card", "ip"


@dataclass(frozen=True, slots=True)
class Finding:
    category: str  # one of the constants above: which rule reports it
    kind: str  # what it is, for the message: "OpenAI API key"
    masked: str  # enough to find it, never the whole value


@dataclass(frozen=True, slots=True)
class _Key:
    """A token that starts with one of ``prefixes`` and goes on with ``body`` characters."""

    kind: str
    prefixes: tuple[str, ...]
    body: str  # a regex: one character class, repeated (matching it cannot backtrack)
    min_len: int  # of the body
    max_len: int
    random: str = "mixed"  # the body must look random: "mixed" (upper, lower, digits), "upper" (upper, digits)
    check: Callable[[str], bool] | None = None  # a provider's extra mark on the body


@functools.cache
def _re(pattern: str) -> re.Pattern[str]:
    """The compiled ``pattern``, compiled at its first use: importing the module compiles none."""
    return re.compile(pattern)


def _run(chars: str) -> str:
    return f"[{chars}]*"


_B62 = _run("A-Za-z0-9")
_B64URL = _run("A-Za-z0-9_-")

# Token shapes as the providers document them (prefix, alphabet, length of what follows).
KEYS: tuple[_Key, ...] = (
    _Key("Anthropic API key", ("sk-ant-",), _B64URL, 32, 200),
    # OpenAI keys hold "T3BlbkFJ" ("OpenAI" in base64); the oldest were 48 letters and digits.
    _Key(
        "OpenAI API key",
        ("sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"),
        _B64URL,
        20,
        400,
        check=lambda body: "T3BlbkFJ" in body or (len(body) == 48 and body.isalnum()),
    ),
    _Key("AWS access key id", ("AKIA", "ASIA", "ABIA", "ACCA"), _run("A-Z0-9"), 16, 16, random="upper"),
    _Key("GitHub token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), _B62, 36, 251),
    _Key("GitHub token", ("github_pat_",), _run("A-Za-z0-9_"), 60, 251),
    _Key("GitLab token", ("glpat-", "gldt-", "glrt-", "glptt-", "gloas-", "glcbt-"), _B64URL, 20, 100),
    _Key("Slack token", ("xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-"), _run("A-Za-z0-9-"), 20, 250),
    _Key("Slack webhook", ("https://hooks.slack.com/services/",), _run("A-Za-z0-9/"), 20, 120),
    _Key("Google API key", ("AIza",), _B64URL, 35, 35),
    _Key("Google OAuth client secret", ("GOCSPX-",), _B64URL, 28, 28),
    _Key("Google OAuth access token", ("ya29.",), _B64URL, 30, 2048),
    _Key("Stripe secret key", ("sk_live_", "rk_live_", "sk_test_", "rk_test_"), _B62, 24, 247),
    _Key("Stripe webhook secret", ("whsec_",), _B62, 32, 64),
    _Key("Hugging Face token", ("hf_", "api_org_"), _B62, 34, 34),
)
# Every anchor a key detector needs; one of them must be in the string at all.
KEY_ANCHORS = tuple(sorted({p for key in KEYS for p in key.prefixes}))
_WORD = r"[A-Za-z0-9_]"


def _looks_random(body: str, cases: str = "mixed") -> bool:
    """A real key mixes upper case, lower case and digits; ``hf_hub_download`` does not."""
    if "EXAMPLE" in body or "example" in body:
        return False  # the placeholders of providers' docs (AKIAIOSFODNN7EXAMPLE)
    digits = any(c.isdigit() for c in body)
    upper = any(c.isupper() for c in body)
    lower = any(c.islower() for c in body) or cases == "upper"
    return digits and upper and lower and len(set(body)) >= min(10, len(body) // 2)


def mask(value: str, keep: int = 0) -> str:
    """The first ``keep`` characters (a provider's prefix) and two more, then an ellipsis and
    the length: never more than a third of the value."""
    shown = min(keep + 2, len(value) // 3)
    return f"{value[:shown]}… ({len(value)} characters)"


def _keys(text: str) -> Iterator[Finding]:
    taken: list[tuple[int, int]] = []  # spans found, so that "sk-" does not report "sk-ant-" again
    for key in KEYS:
        for prefix in key.prefixes:
            start = text.find(prefix)
            while start != -1:
                body_start = start + len(prefix)
                end = _re(key.body).match(text, body_start).end()  # type: ignore[union-attr]
                body = text[body_start:end]
                if (
                    key.min_len <= len(body) <= key.max_len
                    and not (start and _re(_WORD).match(text, start - 1) and prefix[0].isalnum())
                    and not _re(_WORD).match(text, end)
                    and not any(a <= start < b for a, b in taken)
                    and _looks_random(body, key.random)
                    and (key.check is None or key.check(body))
                ):
                    taken.append((start, end))
                    yield Finding(SECRET, key.kind, mask(text[start:end], len(prefix)))
                start = text.find(prefix, max(end, start + 1))


_AWS_SECRET_NAME = r"(?i)aws_?secret_?access_?key|secretaccesskey"
_AWS_SECRET_VALUE = r"""["']?\s{0,5}[:=]>?\s{0,5}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"""


def _aws_secrets(text: str) -> Iterator[Finding]:
    if "ecret" not in text and "ECRET" not in text:
        return
    for name in _re(_AWS_SECRET_NAME).finditer(text):
        value = _re(_AWS_SECRET_VALUE).match(text, name.end())
        if value and _looks_random(value.group(1), "upper"):
            yield Finding(SECRET, "AWS secret access key", mask(value.group(1)))


_PEM = r"-----BEGIN (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----"
_BASE64_LINE = r"[A-Za-z0-9+/]{40}"


def _private_keys(text: str) -> Iterator[Finding]:
    start = text.find("-----BEGIN ")
    while start != -1:
        header = _re(_PEM).match(text, start)
        if header and _re(_BASE64_LINE).search(text, header.end(), header.end() + 400):
            yield Finding(PRIVATE_KEY, "private key", header.group(0).strip("-").removeprefix("BEGIN ").lower() + " block")
        start = text.find("-----BEGIN ", start + 1)


_JWT_RUN = _run("A-Za-z0-9_.-")
_JWT_PART = r"[A-Za-z0-9_-]{8,}"


def _jwts(text: str) -> Iterator[Finding]:
    start = text.find("eyJ")
    while start != -1:
        end = _re(_JWT_RUN).match(text, start).end()  # type: ignore[union-attr]
        parts = text[start:end].rstrip(".").split(".")
        if (
            len(parts) == 3
            and parts[1].startswith("eyJ")
            and all(_re(_JWT_PART).fullmatch(p) for p in parts)
            and not (start and _re(_WORD).match(text, start - 1))
        ):
            yield Finding(JWT, "JSON Web Token", mask(text[start:end], 3))
        start = text.find("eyJ", max(end, start + 1))


_USERINFO = r"([^\s/?#@:\"'<>]{1,128}):([^\s/?#@\"'<>]{1,256})@[A-Za-z0-9\[]"
# Passwords of documentation and templates, not secrets.
_PLACEHOLDER_PASSWORDS = frozenset(
    {
        "password",
        "pass",
        "passwd",
        "pwd",
        "secret",
        "pw",
        "changeme",
        "mypassword",
        "yourpassword",
        "your_password",
        "your-password",
        "user",
        "username",
        "example",
        "test",
        "admin",
        "root",
        "postgres",
        "guest",
        "redacted",
        "xxx",
    }
)


def _placeholder(password: str) -> bool:
    lowered = password.lower()
    return (
        lowered in _PLACEHOLDER_PASSWORDS
        or password[0] in "$<{[%*"
        or len(set(password)) == 1
        or lowered.startswith(("your", "my_", "my-", "<"))
        or "password" in lowered
    )


def _url_passwords(text: str) -> Iterator[Finding]:
    start = text.find("://")
    while start != -1:
        userinfo = _re(_USERINFO).match(text, start + 3)
        if userinfo and not _placeholder(userinfo.group(2)):
            yield Finding(URL_PASSWORD, "password in a URL", f"…://{userinfo.group(1)[:1]}…:***@…")
        start = text.find("://", start + 3)


_EMAIL_LOCAL = r"[A-Za-z0-9._%+-]{1,64}$"
_EMAIL_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}([A-Za-z]{2,24})(?![A-Za-z0-9-]|\.[A-Za-z0-9])"
# Not personal: reserved documentation domains (RFC 2606, RFC 6761), service addresses, and
# file names that look like addresses (icon@2x.png).
_RESERVED_DOMAINS = ("example.com", "example.org", "example.net", "email.com", "domain.com", "company.com", "users.noreply.github.com")
_RESERVED_TLDS = frozenset(
    {
        "example",
        "test",
        "invalid",
        "localhost",
        "local",
        "internal",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "ico",
        "css",
        "js",
        "ts",
        "py",
        "md",
        "txt",
        "json",
        "html",
        "xml",
        "yaml",
        "yml",
        "pdf",
        "zip",
    }
)
_SERVICE_LOCALS = frozenset(
    {
        "git",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "user",
        "username",
        "name",
        "email",
        "you",
        "your",
        "someone",
        "john.doe",
        "jane.doe",
        "foo",
        "test",
        "me",
        "admin",
        "info",
        "support",
    }
)


def _emails(text: str) -> Iterator[Finding]:
    at = text.find("@")
    while at != -1:
        local = _re(_EMAIL_LOCAL).search(text, max(0, at - 64), at)
        domain = _re(_EMAIL_DOMAIN).match(text, at + 1, at + 256)
        if local and domain:
            name, host, tld = local.group(0).lstrip("."), domain.group(0).lower(), domain.group(1).lower()
            if name and tld not in _RESERVED_TLDS and not host.endswith(_RESERVED_DOMAINS) and name.lower() not in _SERVICE_LOCALS:
                yield Finding(EMAIL, "e-mail address", f"{name[0]}…@….{tld}")
        at = text.find("@", at + 1)


# Numbers as people write them: +CC then groups, or the North American (NNN) NNN-NNNN shape;
# card numbers of 13 to 19 digits, alone or in groups of four; dotted IPv4 addresses. One regex
# whose every branch starts with a digit, "+" or "(" (the engine skips other characters fast);
# what surrounds a match is judged in Python, as a lookbehind first would be tried everywhere.
_NUMBERS = (
    r"(?P<ip>[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})"
    r"|(?P<card>[2-6][0-9]{3}(?P<csep>[ -]?)[0-9]{4}(?P=csep)[0-9]{4}(?P=csep)[0-9]{1,7})"
    r"|(?P<phone>\+[1-9][0-9]{0,2}[ .-]?(?:\([0-9]{1,4}\)[ .-]?)?[0-9]{1,4}(?:[ .-]?[0-9]{2,4}){1,4}"
    r"|\([2-9][0-9]{2}\) ?[2-9][0-9]{2}[-. ][0-9]{4}"
    r"|[2-9][0-9]{2}(?P<psep>[-.])[2-9][0-9]{2}(?P=psep)[0-9]{4})"
)
# The test numbers of card networks and payment providers' docs: not anyone's card.
_TEST_CARDS = frozenset(
    {
        "4111111111111111",
        "4242424242424242",
        "4012888888881881",
        "4000056655665556",
        "5555555555554444",
        "5105105105105100",
        "5200828282828210",
        "378282246310005",
        "371449635398431",
        "6011111111111117",
        "6011000990139424",
        "3056930009020004",
        "30569309025904",
        "3566002020360505",
        "6200000000000005",
        "4000000000000002",
        "4000000000009995",
        "4000000000000077",
        "2223003122003222",
        "4000002500003155",
        "4000000000003220",
        "4000000000000341",
        "5454545454545454",
        "4444333322221111",
    }
)


def _alone(text: str, start: int, end: int) -> bool:
    """Not part of a longer number, word, version or path."""
    if start and (text[start - 1].isalnum() or text[start - 1] in "_.+/-"):
        return False
    if end < len(text):
        after = text[end]
        if after.isalnum() or after in "_/" or (after in ".,-" and text[end + 1 : end + 2].isdigit()):
            return False
    return True


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card_network(digits: str) -> str | None:
    """The network whose number ranges and lengths fit, or None: random digits rarely do."""
    length, two, four = len(digits), int(digits[:2]), int(digits[:4])
    if digits[0] == "4" and length in (13, 16, 19):
        return "Visa"
    if (51 <= two <= 55 or 2221 <= four <= 2720) and length == 16:
        return "Mastercard"
    if two in (34, 37) and length == 15:
        return "American Express"
    if (four == 6011 or two == 65 or 644 <= int(digits[:3]) <= 649) and 16 <= length <= 19:
        return "Discover"
    if 3528 <= four <= 3589 and 16 <= length <= 19:
        return "JCB"
    if two == 62 and 16 <= length <= 19:
        return "UnionPay"
    return None


# A run of number characters: the engine skips to the next digit, "+" or "(" in C, and the
# run is the only place _NUMBERS then looks (a pattern of alternatives has no such skip).
_NUMBER_RUN = r"[0-9+(][0-9 .()+-]{6,60}"


def _numbers(text: str, categories: frozenset[str]) -> Iterator[Finding]:
    for run in _re(_NUMBER_RUN).finditer(text):
        for match in _re(_NUMBERS).finditer(text, run.start(), run.end()):
            if _alone(text, match.start(), match.end()):
                yield from _number(match, categories)


def _number(match: re.Match[str], categories: frozenset[str]) -> Iterator[Finding]:
    value = match.group(0)
    if match.group("card") is not None:
        digits = value.replace(" ", "").replace("-", "")
        network = _card_network(digits)
        if CARD in categories and network and len(set(digits)) > 2 and digits not in _TEST_CARDS and luhn(digits):
            yield Finding(CARD, f"{network} card number", f"…{digits[-4:]}")
    elif match.group("ip") is not None:
        if IP in categories and _global_ipv4(value):
            yield Finding(IP, "IP address", f"{value.split('.')[0]}.….…")
    elif PHONE in categories:
        digits = "".join(c for c in value if c.isdigit())
        fictional = not value.startswith("+") and "555" in (digits[:3], digits[3:6])  # North America's 555 numbers
        if 10 <= len(digits) <= 15 and len(set(digits)) > 3 and not fictional:
            yield Finding(PHONE, "phone number", f"…{digits[-2:]}")


# Public resolvers and the addresses documentation uses as examples: nobody's personal data.
_WELL_KNOWN_IPS = frozenset(
    {"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "208.67.222.222", "208.67.220.220", "1.2.3.4", "123.45.67.89"}
)


def _global_ipv4(value: str) -> bool:
    """Public: not private, loopback, link-local, documentation (192.0.2.x) or reserved."""
    if value in _WELL_KNOWN_IPS:
        return False
    import ipaddress  # here: few lines hold an address

    try:
        return ipaddress.IPv4Address(value).is_global
    except ValueError:  # an octet over 255, or a leading zero
        return False


_SCANS: tuple[tuple[str, Callable[[str], Iterator[Finding]]], ...] = (
    (PRIVATE_KEY, _private_keys),
    (JWT, _jwts),
    (URL_PASSWORD, _url_passwords),
    (EMAIL, _emails),
)
_NUMBER_CATEGORIES = frozenset({PHONE, CARD, IP})
EVERY = frozenset({SECRET, PRIVATE_KEY, JWT, URL_PASSWORD, EMAIL, PHONE, CARD, IP})
_NONE: frozenset[str] = frozenset()


def scan(text: str, categories: frozenset[str]) -> Iterator[Finding]:
    """Every finding of ``categories`` in ``text``, secrets first."""
    return detect(text, categories & _hints(text.encode("utf-8", "surrogatepass").translate(_FOLD)))


def detect(text: str, categories: frozenset[str]) -> Iterator[Finding]:
    """What :func:`scan` finds, with every detector of ``categories`` run (no prefilter)."""
    if SECRET in categories:
        yield from _keys(text)
        yield from _aws_secrets(text)
    for category, detector in _SCANS:
        if category in categories:
            yield from detector(text)
    if categories & _NUMBER_CATEGORIES:
        yield from _numbers(text, categories)


# The prefilter. Every finding holds one of these needles, written with digits folded to "0"
# (bytes.translate folds a line the same way in one pass), so a line or a string without any of
# them holds nothing to find. JSON may write any character as \uXXXX and "/" as "\/": no needle
# holds a "/", and a line with an escaped ASCII character (\u0000-\u007f) may hold anything.
_FOLD = bytes.maketrans(b"0123456789", b"0" * 10)
_ESCAPE = b"\\u000"


def _needles() -> dict[bytes, frozenset[str]]:
    found: dict[bytes, set[str]] = {}

    def add(categories: frozenset[str] | str, *literals: str) -> None:
        for literal in literals:
            needle = max(literal.split("/"), key=len).encode().translate(_FOLD)  # hooks.slack.com of the webhook
            found.setdefault(needle, set()).update({categories} if isinstance(categories, str) else categories)

    add(SECRET, *(prefix for key in KEYS for prefix in key.prefixes), "ecret", "ECRET")  # ecret: _aws_secrets
    add(PRIVATE_KEY, "-----BEGIN ")
    add(JWT, "eyJ")
    add(frozenset({EMAIL, URL_PASSWORD}), "@")  # a URL's password is followed by "@host"
    # A phone: "+" and a country code, then a digit, "(", or a separator and one of them;
    # (NNN) NNN; the middle group of NNN-NNN-NNNN between digits. A needle that starts with
    # three digits would stop the SIMD search at every number: the groups are taken from inside.
    add(PHONE, "+00", "+0(", "+0 0", "+0 (", "+0.0", "+0.(", "+0-0", "+0-(", "(000) 0", "(000)0", "0-000-0", "0.000.0")
    add(CARD, "0000000000000", "0 0000 0", "0-0000-0")  # 13 digits, or a group of four between separators
    add(IP, "0.0.0", "0.00.0", "0.000.0")  # the second group of an address, between digits
    found[_ESCAPE] = set(EVERY)
    # A needle that holds another needle of the same categories adds nothing ("sk-ant-", "sk-").
    return {
        needle: frozenset(categories)
        for needle, categories in found.items()
        if not any(other != needle and other in needle and found[other] >= categories for other in found)
    }


class _Needle(NamedTuple):
    folded: bytes
    text: str | None  # the needle as text when folding does not change it ("@", "sk-"): found in a string without folding it
    categories: frozenset[str]


class _Prefilter(NamedTuple):
    needles: list[_Needle]
    single: tuple[_Needle, ...]  # the one-byte needle, "@": `in` finds a byte fastest (memchr)
    # The longer needles, leftmost-first: the engine then searches with SIMD ("Teddy"), several
    # times faster than the automaton that reports every needle, and a gate needs only one.
    gate: Callable[[bytes], object]
    every: Callable[[bytes], Iterable[int]]  # indexes of the needles found, with repeats


_prefilter: _Prefilter | None = None  # built at the first line: importing the module does no work


def _build() -> _Prefilter:
    global _prefilter
    table = _needles()
    folded = sorted(table)
    longer = [needle for needle in folded if len(needle) > 1]

    def every_in(data: bytes) -> list[int]:
        return _needles_in(folded, data)

    def gate_in(data: bytes) -> bool:
        return any(needle in data for needle in longer)

    gate: Callable[[bytes], object] = gate_in
    every: Callable[[bytes], Iterable[int]] = every_in
    try:
        import ahocorasick_rs
    except ImportError:  # pragma: no cover - the pure-Python search gives the same answer
        pass
    else:
        first = ahocorasick_rs.BytesAhoCorasick(_bucketed(longer), matchkind=ahocorasick_rs.MatchKind.LeftmostFirst)
        full = ahocorasick_rs.BytesAhoCorasick(folded, implementation=ahocorasick_rs.Implementation.DFA)

        def gate_ac(data: bytes) -> object:
            try:
                return first.find_matches_as_indexes(data)
            except BaseException as error:  # a panic in native code must not end the check
                if isinstance(error, (KeyboardInterrupt, SystemExit)):
                    raise
                return gate_in(data)

        def every_ac(data: bytes) -> Iterable[int]:
            try:
                return [index for index, _, _ in full.find_matches_as_indexes(data, overlapping=True)]
            except BaseException as error:  # as above
                if isinstance(error, (KeyboardInterrupt, SystemExit)):
                    raise
                return every_in(data)

        gate, every = gate_ac, every_ac
    needles = [_Needle(needle, None if b"0" in needle else needle.decode(), table[needle]) for needle in folded]
    _prefilter = _Prefilter(needles, tuple(needle for needle in needles if len(needle.folded) == 1), gate, every)
    return _prefilter


def _bucketed(needles: list[bytes], buckets: int = 16) -> list[bytes]:
    """``needles`` in the order that puts needles of like first bytes in one bucket of the SIMD
    search, which deals the n-th needle to bucket n mod 16: a bucket of unlike needles lets common
    text through to the slow check (sorted needles cost twice as much on chat data)."""
    placed = [b""] * len(needles)
    for position, needle in zip(sorted(range(len(needles)), key=lambda index: index % buckets), sorted(needles), strict=True):
        placed[position] = needle
    return placed


def _needles_in(needles: list[bytes], data: bytes) -> list[int]:
    """What the automaton finds, one `in` a needle: the answer where it cannot run."""
    return [index for index, needle in enumerate(needles) if needle in data]


def _found(folded: bytes) -> list[_Needle]:
    """The needles in ``folded`` (digits folded to "0")."""
    prefilter = _prefilter or _build()
    return [prefilter.needles[index] for index in sorted(set(prefilter.every(folded)))]


def _hints(folded: bytes) -> frozenset[str]:
    found = _NONE
    for needle in _found(folded):
        found = found | needle.categories
    return found


def may_hold(raw: bytes) -> bool:
    """Whether the JSON line ``raw`` may hold any finding: one fast pass, false for most lines."""
    prefilter = _prefilter or _build()
    for needle in prefilter.single:
        if needle.folded in raw:
            return True
    return bool(prefilter.gate(raw.translate(_FOLD)))


def hinted(raw: bytes, categories: frozenset[str]) -> frozenset[str]:
    """The ``categories`` that may occur in the JSON line ``raw`` (most lines: none)."""
    if not categories or not may_hold(raw):
        return _NONE
    return categories & _hints(raw.translate(_FOLD))


class LineScan:
    """What each string of one JSON line may hold, judged by the needles the line holds."""

    def __init__(self, needles: list[_Needle] | None, categories: frozenset[str]) -> None:
        self.categories = categories
        self.every = needles is None  # the line escapes ASCII characters: each string is searched for every needle
        self.plain = [(needle.text, needle.categories) for needle in needles or () if needle.text is not None]
        self.folded = [(needle.folded, needle.categories) for needle in needles or () if needle.text is None]

    def present(self, text: str) -> frozenset[str]:
        """The categories ``text`` may hold (most strings of the line: none)."""
        if self.every:
            return self.categories & _hints(text.encode("utf-8", "surrogatepass").translate(_FOLD))
        found = _NONE
        for needle, categories in self.plain:
            if needle in text:
                found = found | categories
        if self.folded:
            folded = text.encode("utf-8", "surrogatepass").translate(_FOLD)
            for needle_bytes, categories in self.folded:
                if needle_bytes in folded:
                    found = found | categories
        return found & self.categories


def line_scan(raw: bytes, categories: frozenset[str]) -> LineScan | None:
    """A scanner for the strings of the JSON line ``raw``, or None when the line holds nothing of
    ``categories`` to find (most lines)."""
    if not categories:
        return None
    prefilter = _prefilter or _build()
    folded = raw.translate(_FOLD)
    if prefilter.gate(folded):  # a longer needle: which ones, overlapping
        needles = [needle for needle in _found(folded) if needle.categories & categories]
    else:  # none: only the one-byte needles can be there, "@" (and the line escapes no ASCII character)
        for needle in prefilter.single:
            if needle.folded in raw:
                break
        else:
            return None  # most lines
        needles = [needle for needle in prefilter.single if needle.folded in raw and needle.categories & categories]
        if not _at_may_start(raw):  # "@decorator" and the like
            return None
    escape = any(needle.folded == _ESCAPE for needle in needles)
    if escape and not _escapes_ascii(raw):  # only escapes such as \u2019, which hide nothing
        needles, escape = [needle for needle in needles if needle.folded != _ESCAPE], False
    if not needles:
        return None
    return LineScan(None if escape else needles, categories)


_NOT_BEFORE_AT = frozenset(b" \t\n\r\x0b\x0c/?#@\"'<>")
_AFTER_AT = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789[")


def _at_may_start(raw: bytes) -> bool:
    """Whether an "@" of the line, which escapes no ASCII character, has around it what an e-mail
    address or a URL's password needs: a character before it that may end a local part or a
    password (written as itself, or as an escape that ends in a letter, a digit or a backslash),
    and a letter, a digit or "[" after it."""
    at = raw.find(b"@")
    while at != -1:
        if at and raw[at - 1] not in _NOT_BEFORE_AT and raw[at + 1 : at + 2] and raw[at + 1] in _AFTER_AT:
            return True
        at = raw.find(b"@", at + 1)
    return False


def _escapes_ascii(raw: bytes) -> bool:
    """Whether the line writes an ASCII character as \\u0000-\\u007f, which folding digits cannot tell
    from an escape of any other character."""
    return any(b"\\u00" + digit in raw for digit in (b"0", b"1", b"2", b"3", b"4", b"5", b"6", b"7"))
