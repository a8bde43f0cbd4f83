"""Secrets (API keys, private keys, tokens, passwords) and personal data in any string of a record."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from jsonl_lint import sensitive
from jsonl_lint.jsonpos import JsonPath, format_path
from jsonl_lint.problems import Problem, Rule, Severity
from jsonl_lint.rules.base import RecordRules

if TYPE_CHECKING:
    from jsonl_lint.reader import Record
    from jsonl_lint.rules.base import FileContext

API_KEY = Rule(
    code="JL801",
    name="api-key",
    severity=Severity.ERROR,
    summary="a string holds a provider's API key or access token",
    doc="""A string holds what looks like a live credential: an OpenAI, Anthropic, GitHub, GitLab,
Slack, Google, Stripe or Hugging Face key or token, or an AWS access key id or secret access key.
A model trained on it can repeat it to anyone; remove it from the data and rotate it. Keys are
recognised by their provider's prefix and shape and must look random (upper and lower case and
digits), so `sk-learn-...` or `AKIAIOSFODNN7EXAMPLE` from documentation are not reported. The
message names the kind and the JSON path and shows only the first characters.

Fails:

    {"messages": [{"role": "user", "content": "My key is ghp_Zx8qL2mN4pR7tV1wY3bC5dF9gH0jK6sA2uE8"}, {"role": "assistant", "content": "Revoke it now."}]}

Passes:

    {"messages": [{"role": "user", "content": "My key is in $GITHUB_TOKEN"}, {"role": "assistant", "content": "Good."}]}
""",
)

PRIVATE_KEY = Rule(
    code="JL802",
    name="private-key",
    severity=Severity.ERROR,
    summary="a string holds a PEM private-key block",
    doc="""A string holds a private key: a `-----BEGIN ... PRIVATE KEY-----` line followed by key
data (a header alone, as in documentation, is not reported).

Fails:

    {"messages": [{"role": "user", "content": "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi+Zx8qL2mN4pR7tV1wY3bC5dF9\\n"}, {"role": "assistant", "content": "Never share that."}]}

Passes:

    {"messages": [{"role": "user", "content": "What does -----BEGIN RSA PRIVATE KEY----- mean?"}, {"role": "assistant", "content": "A PEM header."}]}
""",
)

JWT = Rule(
    code="JL803",
    name="json-web-token",
    severity=Severity.ERROR,
    summary="a string holds a JSON Web Token",
    doc="""A string holds a JSON Web Token (three base64url parts, the first two JSON objects): a
bearer credential for as long as it has not expired.

Fails:

    {"messages": [{"role": "user", "content": "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"}, {"role": "assistant", "content": "ok"}]}

Passes:

    {"messages": [{"role": "user", "content": "Authorization: Bearer <token>"}, {"role": "assistant", "content": "ok"}]}
""",
)

URL_PASSWORD = Rule(
    code="JL804",
    name="password-in-url",
    severity=Severity.ERROR,
    summary="a URL carries a password (scheme://user:password@host)",
    doc="""A URL carries a password in its user information (`postgres://app:s3cr3t@db/prod`).
Placeholders (`user:password@`, `:$PASSWORD@`, `:<password>@`) are not reported.

Fails:

    {"messages": [{"role": "user", "content": "Use postgres://app:Xq9v2LmR@db.internal:5432/prod"}, {"role": "assistant", "content": "Connected."}]}

Passes:

    {"messages": [{"role": "user", "content": "Use postgres://user:password@localhost/db"}, {"role": "assistant", "content": "Connected."}]}
""",
)

EMAIL = Rule(
    code="JL811",
    name="email-address",
    severity=Severity.WARNING,
    summary="a string holds an e-mail address (personal data)",
    doc="""A string holds an e-mail address. Addresses at documentation domains (`example.com`,
`.test`), service addresses (`git@`, `noreply@`) and file names such as `icon@2x.png` are not
reported. Personal data in training data can be repeated by the model: remove or pseudonymise it.

Fails:

    {"messages": [{"role": "user", "content": "Write to maria.lopez@fastmail.fm"}, {"role": "assistant", "content": "Sent."}]}

Passes:

    {"messages": [{"role": "user", "content": "Write to someone@example.com"}, {"role": "assistant", "content": "Sent."}]}
""",
)

PHONE = Rule(
    code="JL812",
    name="phone-number",
    severity=Severity.INFO,
    summary="a string holds a phone number (personal data)",
    doc="""A string holds a phone number: international (`+44 20 7946 0958`) or North American
(`(415) 555-0132` is fictional and not reported; `415-867-5309` is). Digits without a phone's
shape (dates, versions, ids) are not reported.

Fails:

    {"messages": [{"role": "user", "content": "Call me on +44 7911 123456"}, {"role": "assistant", "content": "Will do."}]}

Passes:

    {"messages": [{"role": "user", "content": "Order 2024-01-15, version 3.11.4"}, {"role": "assistant", "content": "Noted."}]}
""",
)

CARD = Rule(
    code="JL813",
    name="payment-card-number",
    severity=Severity.WARNING,
    summary="a string holds a payment card number (Luhn-checked)",
    doc="""A string holds a payment card number: 13 to 19 digits, alone or in groups of four, in a
card network's number range and with a valid Luhn check digit. The public test numbers of card
networks and payment providers (`4242 4242 4242 4242`) are not reported. Only the last four digits
are shown.

Fails:

    {"messages": [{"role": "user", "content": "My card is 4539 1488 0343 6467"}, {"role": "assistant", "content": "Please do not share it."}]}

Passes:

    {"messages": [{"role": "user", "content": "Test with 4242 4242 4242 4242"}, {"role": "assistant", "content": "Done."}]}
""",
)

IP_ADDRESS = Rule(
    code="JL814",
    name="ip-address",
    severity=Severity.INFO,
    summary="a string holds a public IPv4 address (personal data)",
    doc="""A string holds a public IPv4 address, which can identify a person or a host. Private,
loopback, link-local, documentation (`192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`) and
reserved addresses are not reported.

Fails:

    {"messages": [{"role": "user", "content": "The login came from 81.2.69.160"}, {"role": "assistant", "content": "Blocking it."}]}

Passes:

    {"messages": [{"role": "user", "content": "The server is at 192.168.1.20"}, {"role": "assistant", "content": "Reachable."}]}
""",
)


_RULE_OF = {
    sensitive.SECRET: API_KEY,
    sensitive.PRIVATE_KEY: PRIVATE_KEY,
    sensitive.JWT: JWT,
    sensitive.URL_PASSWORD: URL_PASSWORD,
    sensitive.EMAIL: EMAIL,
    sensitive.PHONE: PHONE,
    sensitive.CARD: CARD,
    sensitive.IP: IP_ADDRESS,
}
_ADVICE = {
    API_KEY.code: "remove it and rotate the key",
    PRIVATE_KEY.code: "remove it and replace the key",
    JWT.code: "remove it; it grants access until it expires",
    URL_PASSWORD.code: "remove the password and change it",
    EMAIL.code: "remove or pseudonymise it",
    PHONE.code: "remove or pseudonymise it",
    CARD.code: "remove it",
    IP_ADDRESS.code: "remove or pseudonymise it",
}

_categories: tuple[object, frozenset[str]] | None = None  # of the last file context


def _enabled(ctx: FileContext) -> frozenset[str]:
    global _categories
    if _categories is None or _categories[0] is not ctx:
        _categories = (ctx, frozenset(category for category, rule in _RULE_OF.items() if ctx.enabled(rule)))
    return _categories[1]


def check(record: Record, ctx: FileContext) -> Iterable[Problem]:
    scan = sensitive.line_scan(record.raw, _enabled(ctx))
    return _problems(record, ctx, scan) if scan else ()  # most records: no generator made


def _problems(record: Record, ctx: FileContext, scan: sensitive.LineScan) -> Iterator[Problem]:
    for path, text, categories in _held(record.value, (), scan.present):
        seen: set[tuple[str, str]] = set()
        for finding in sensitive.detect(text, categories):
            if (finding.kind, finding.masked) in seen:
                continue
            seen.add((finding.kind, finding.masked))
            rule = _RULE_OF[finding.category]
            where = format_path(path) or "the record"
            message = f"{finding.kind} {finding.masked} in {where}: {_ADVICE[rule.code]}"
            yield ctx.at(rule, record, message, path)


def _held(node: Any, path: JsonPath, present: Callable[[str], frozenset[str]]) -> Iterator[tuple[JsonPath, str, frozenset[str]]]:
    """The strings in ``node`` that may hold something, in document order, with their paths and
    what they may hold: a path is made only for them."""
    for key, child in node.items() if isinstance(node, dict) else enumerate(node):
        if isinstance(child, str):
            if len(child) >= 7 and (categories := present(child)):  # 7: the shortest finding, an address such as 1.2.3.4
                yield path + (key,), child, categories
        elif isinstance(child, (dict, list)):
            yield from _held(child, path + (key,), present)


RULES = RecordRules(
    rules=(API_KEY, PRIVATE_KEY, JWT, URL_PASSWORD, EMAIL, PHONE, CARD, IP_ADDRESS),
    formats=frozenset({"chat", "preference", "completion", "text", "rft"}),
    check=check,
)
