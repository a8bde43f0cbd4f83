"""Secrets and personal data (JL8xx): what is found, what is not, masking, and time bounds."""

from __future__ import annotations

import io
import json
import string
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, corpus_file, lines_of, messages_line, problems
from jsonl_lint import check_lines, sensitive
from jsonl_lint.report import RENDERERS, render

EVERY = frozenset(
    {
        sensitive.SECRET,
        sensitive.PRIVATE_KEY,
        sensitive.JWT,
        sensitive.URL_PASSWORD,
        sensitive.EMAIL,
        sensitive.PHONE,
        sensitive.CARD,
        sensitive.IP,
    }
)
BODY = "Zx8qL2mN4pR7tV1wY3bC5dF9gH0jK6sA2uE8"  # 36 random-looking letters and digits

FOUND = [
    ("github", f"token ghp_{BODY}", "GitHub token"),
    ("github fine-grained", f"github_pat_{BODY}_{BODY}", "GitHub token"),
    ("openai project", f"sk-proj-{BODY}T3BlbkFJ{BODY}", "OpenAI API key"),
    ("openai legacy", f"sk-{BODY}{BODY[:12]}", "OpenAI API key"),
    ("anthropic", f"sk-ant-api03-{BODY}{BODY}-AA", "Anthropic API key"),
    ("aws id", "AKIAZ7Q2WXLM4RTY9KPB", "AWS access key id"),
    ("aws secret", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY9z8Q2LmPqR", "AWS secret access key"),
    ("gitlab", "glpat-Zx8qL2mN4pR7tV1wY3bC", "GitLab token"),
    ("slack", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "Slack token"),
    ("google", "key=AIzaSyD3mN4pR7tV1wY3bC5dF9gH0jK6sA2uE8x", "Google API key"),
    ("stripe", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe secret key"),
    ("hugging face", "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567", "Hugging Face token"),
    ("pem", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", "private key"),
    ("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "JSON Web Token"),
    ("url password", "redis://cache:Xq9v2LmR@10.0.0.5:6379", "password in a URL"),
    ("email", "mail maria.lopez@fastmail.fm today", "e-mail address"),
    ("phone international", "call +44 7911 123456", "phone number"),
    ("phone american", "call (415) 867-5309", "phone number"),
    ("phone with area code after a dash", "call +44-(20) 7946 0958", "phone number"),
    ("card grouped", "card 4539 1488 0343 6467", "Visa card number"),
    ("card plain", "card 5425233430109903.", "Mastercard card number"),
    ("ip", "from 81.2.69.160", "IP address"),
]

NOT_FOUND = [
    ("aws docs placeholder", "AKIAIOSFODNN7EXAMPLE"),
    ("python identifiers", "hf_hub_download(repo_id) and sk-learn-compatible-estimator-1"),
    ("key inside a word", f"mask-{BODY}"),
    ("key run on", "AKIAZ7Q2WXLM4RTY9KPBextra"),
    ("pem header only", "what does -----BEGIN RSA PRIVATE KEY----- mean?"),
    ("jwt-like words", 'eyJ is how base64 of {" starts'),
    ("placeholder password", "postgres://user:password@localhost/db and mysql://root:$DB_PASSWORD@db/x"),
    ("documentation email", "someone@example.com, a@b.test, icon@2x.png, git@github.com:o/r.git"),
    ("decorator", "@property\ndef x(self): ..."),
    ("dates and versions", "2024-01-15, 3.11.4, 1999-2003, range(256), n+1"),
    ("fictional phone", "(415) 555-0132"),
    ("test card", "4242 4242 4242 4242 and 4111111111111111"),
    ("no luhn", "4539 1488 0343 6468"),
    ("ms timestamp", "1700000000000"),
    ("private ip", "192.168.1.20, 10.0.0.1, 127.0.0.1, 203.0.113.7"),
    ("well-known ip", "dig @8.8.8.8 or 1.1.1.1; e.g. 123.45.67.89"),
    ("version with four parts", "v1.2.3.4.5"),
]


CODES = {
    "private key": "JL802",
    "JSON Web Token": "JL803",
    "password in a URL": "JL804",
    "e-mail address": "JL811",
    "phone number": "JL812",
    "IP address": "JL814",
}


def code_of(kind: str) -> str:
    return CODES.get(kind, "JL813" if kind.endswith("card number") else "JL801")


@pytest.mark.parametrize(("name", "text", "kind"), FOUND, ids=[c[0] for c in FOUND])
def test_found(name: str, text: str, kind: str) -> None:
    assert [f.kind for f in sensitive.scan(text, EVERY)] == [kind]
    assert sensitive.hinted(text.encode(), EVERY), "the line prefilter must let it through"
    line = messages_line({"role": "user", "content": text}, {"role": "assistant", "content": "ok"})
    assert [p.code for p in problems(line, select=("JL8",))] == [code_of(kind)]


@pytest.mark.parametrize(("name", "text"), NOT_FOUND, ids=[c[0] for c in NOT_FOUND])
def test_not_found(name: str, text: str) -> None:
    assert list(sensitive.scan(text, EVERY)) == []


def test_each_category_has_its_own_code_and_severity() -> None:
    line = messages_line(
        {"role": "user", "content": f"ghp_{BODY}, maria.lopez@fastmail.fm, +44 7911 123456, 4539 1488 0343 6467, 81.2.69.160"},
        {"role": "assistant", "content": "ok"},
    )
    found = [(p.code, p.severity.label, p.json_path) for p in problems(line, select=("JL8",))]
    assert found == [
        ("JL801", "error", "messages[0].content"),
        ("JL811", "warning", "messages[0].content"),
        ("JL812", "info", "messages[0].content"),
        ("JL813", "warning", "messages[0].content"),
        ("JL814", "info", "messages[0].content"),
    ]
    assert [p.code for p in problems(line, select=("JL8",), ignore=("JL811", "phone-number"))] == ["JL801", "JL813", "JL814"]


def test_message_names_kind_and_path_and_masks() -> None:
    line = messages_line({"role": "user", "content": "hi"}, {"role": "assistant", "content": f"use ghp_{BODY}"})
    (problem,) = problems(line, select=("JL801",))
    assert problem.message == "GitHub token ghp_Zx… (40 characters) in messages[1].content: remove it and rotate the key"
    assert (problem.line, problem.column) == (1, 83)


def test_escaped_json_is_decoded_before_scanning() -> None:
    line = '{"messages": [{"role": "user", "content": "\\u0067hp_' + BODY + '"}, {"role": "assistant", "content": "x"}]}'
    assert [p.code for p in problems(line, select=("JL8",))] == ["JL801"]


def test_pure_python_prefilter_agrees_with_aho_corasick() -> None:
    data = f"x ghp_{BODY} a@b.co +00 0000 000000 eyJ 00.0.00.000 :\\/\\/ \\u0000".encode()
    prefilter = sensitive._build()
    folded = [needle.folded for needle in prefilter.needles]
    assert sorted(set(prefilter.every(data))) == sensitive._needles_in(folded, data) != []


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_prefilters_agree_on_any_bytes(data: bytes) -> None:
    prefilter = sensitive._build()
    folded = [needle.folded for needle in prefilter.needles]
    assert sorted(set(prefilter.every(data))) == sensitive._needles_in(folded, data)
    assert bool(prefilter.gate(data)) == any(needle in data for needle in folded if len(needle) > 1)


# Pieces of every detector's anchor and alphabet: strings made of them make each detector work
# as hard as it can (long runs after an anchor, anchors inside runs, separators between digits).
FRAGMENTS = [
    "sk-",
    "sk-ant-",
    "ghp_",
    "AKIA",
    "eyJ",
    ".",
    "-",
    "_",
    "@",
    "://",
    ":",
    "a",
    "Z",
    "9",
    "0",
    " ",
    "+",
    "(",
    ")",
    "-----BEGIN ",
    "PRIVATE KEY-----",
    "secret_access_key=",
    "4539",
    "1.",
    "xoxb-",
    "hf_",
    "/",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=40), st.integers(min_value=1, max_value=4000))
def test_hostile_strings_take_linear_time(pieces: list[str], repeat: int) -> None:
    text = ("".join(pieces) * repeat)[:60_000]
    start = time.perf_counter()
    list(sensitive.scan(text, EVERY))
    sensitive.hinted(text.encode(), EVERY)
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    "text",
    [
        "eyJ" * 40_000,
        "a" * 100_000 + "@",
        "sk-" + "A1b" * 40_000,
        "1" * 100_000,
        "+1" * 50_000,
        "://" + "a" * 100_000,
        "1." * 50_000,
        "4539 " * 20_000,
        ("ab" * 30 + "@") * 2_000,
    ],
)
def test_worst_cases_take_linear_time(text: str) -> None:
    start = time.perf_counter()
    list(sensitive.scan(text, EVERY))
    assert time.perf_counter() - start < 2.0


def _secret(prefix: str, alphabet: str, size: int) -> st.SearchStrategy[str]:
    body = st.text(alphabet, min_size=size, max_size=size).filter(lambda b: sensitive._looks_random(b))
    return body.map(lambda b: prefix + b)


SECRETS = st.one_of(
    _secret("ghp_", string.ascii_letters + string.digits, 36),
    _secret("hf_", string.ascii_letters + string.digits, 34),
    _secret("glpat-", string.ascii_letters + string.digits, 20),
    _secret("AIza", string.ascii_letters + string.digits + "_-", 35),
    _secret("sk_live_", string.ascii_letters + string.digits, 24),
    _secret("AKIA", string.ascii_uppercase + string.digits, 16),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SECRETS, st.text(alphabet=" .,:;!?\n", min_size=1, max_size=3), st.sampled_from(list(RENDERERS)))
def test_no_output_format_ever_prints_a_secret_in_full(secret: str, around: str, output_format: str) -> None:
    line = messages_line({"role": "user", "content": f"my key{around}{secret}{around}thanks"}, {"role": "assistant", "content": "ok"})
    report = check_lines(lines_of(line), path="t.jsonl", token_check=False)
    assert "JL801" in [p.code for p in report.problems]
    out = io.StringIO()
    render([report], output_format, out)
    body = secret[len(secret) // 3 :]
    assert secret not in out.getvalue() and body not in out.getvalue()


def with_check_digit(partial: str) -> str:
    return next(partial + d for d in "0123456789" if sensitive.luhn(partial + d))


VISA = st.from_regex(r"4[0-9]{14}", fullmatch=True).map(with_check_digit)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(VISA.filter(lambda n: n not in sensitive._TEST_CARDS and len(set(n)) > 2))
def test_card_numbers_show_only_the_last_four_digits(number: str) -> None:
    line = messages_line({"role": "user", "content": f"card {number}"}, {"role": "assistant", "content": "ok"})
    (problem,) = problems(line, select=("JL813",))
    assert number not in problem.message and number[:12] not in problem.message
    assert problem.message.startswith(f"Visa card number …{number[-4:]} in messages[0].content")


# The prefilter must never lose a finding: the report is the same with every detector run on
# every string. Strings are built from the shapes the detectors look for, written into the line
# with JSON's escapes (\\u0040 for "@", \\/ for "/"), as a line on disk may hold them.
class _Unfiltered:
    """A line scanner that runs every enabled detector on every string."""

    def __init__(self, categories: frozenset[str]) -> None:
        self.categories = categories

    def present(self, text: str) -> frozenset[str]:
        return self.categories


def _unfiltered(raw: bytes, categories: frozenset[str]) -> _Unfiltered | None:
    return _Unfiltered(categories) if categories else None


def _jl8(lines: list[bytes], *, prefilter: bool) -> list[tuple[int | None, int | None, str, str]]:
    with pytest.MonkeyPatch.context() as patch:
        if not prefilter:
            patch.setattr(sensitive, "line_scan", _unfiltered)
        report = check_lines(lines, path="t.jsonl", select=("JL8",), token_check=False)
    return [(p.line, p.column, p.code, p.message) for p in report.problems]


def test_the_prefilter_loses_nothing_on_the_corpus() -> None:
    corpus_file("")  # skips (or fails on CI) without the shared corpus
    files = sorted(CORPUS.rglob("*.jsonl"))
    assert files
    for path in files:
        lines = path.read_bytes().splitlines(keepends=True)
        assert _jl8(lines, prefilter=True) == _jl8(lines, prefilter=False), path


SHAPES = [
    "maria.lopez@fastmail.fm",
    "someone@example.com",
    "@property",
    "postgres://app:Xq9v2LmR@db.internal:5432/prod",
    "postgres://app:Xq9v2Lmé@db.internal:5432/prod",
    "ftp://u:Xq9v2Lm\\@files.internal",
    "http://admin:Xq9v2LmR@[2001:db8::1]:8080/",
    "https://hooks.slack.com/services/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",
    "+44 20 7946 0958",
    "+44-(20) 7946 0958",
    "+1.(415).867.5309",
    "+1-(20) 7946 0958",
    "+1 (20) 7946 0958",
    "+1(20)7946 0958",
    "(415) 867-5309",
    "415-867-5309",
    "415.867.5309",
    "4539 1488 0343 6467",
    "4539-1488-0343-6467",
    "5425233430109903",
    "GB82 WEST 1234 5698 7654 32",  # IBANs: digits in groups that are not cards
    "DE89370400440532013000",
    "81.2.69.160",
    "81.20.69.160",
    "81.200.69.160",
    "81.200.169.160",
    "192.168.1.20",
    "3.11.4",
    f"ghp_{BODY}",
    "AKIAZ7Q2WXLM4RTY9KPB",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY9z8Q2LmPqR",
    "AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCY9z8Q2LmPqR",
    f"sk-ant-api03-{BODY}{BODY}-AA",
    "ya29.Zx8qL2mN4pR7tV1wY3bC5dF9gH0jK6sA2uE8",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi+Zx8qL2mN4pR7tV1wY3bC5dF9\n",
    " ",
    "\n",
    "-",
    ".",
    "/",
    "é",
    "中文",
    "😀",
    '"',
    "\\",
]
TEXTS = st.lists(st.one_of(st.sampled_from(SHAPES), VISA, st.text(max_size=4)), max_size=8).map("".join)


def _json_string(text: str, escapes: list[bool]) -> str:
    """``text`` as a JSON string, the characters marked in ``escapes`` (repeated) written escaped."""
    out = []
    for index, char in enumerate(text):
        if escapes and escapes[index % len(escapes)]:
            out.append("\\/" if char == "/" else json.dumps(char, ensure_ascii=True)[1:-1] if ord(char) > 127 else f"\\u{ord(char):04x}")
        else:
            out.append(json.dumps(char, ensure_ascii=False)[1:-1])
    return '"' + "".join(out) + '"'


def _line(contents: list[tuple[str, list[bool]]]) -> bytes:
    messages = [
        f'{{"role": "{"user" if i % 2 == 0 else "assistant"}", "content": {_json_string(text, escapes)}}}'
        for i, (text, escapes) in enumerate(contents)
    ]
    return ('{"messages": [' + ", ".join(messages) + "]}\n").encode()


@pytest.mark.parametrize(
    "escapes", [[], [True], [False, True], [False, False, True]], ids=["plain", "all-escaped", "every-2nd", "every-3rd"]
)
@pytest.mark.parametrize("shape", SHAPES)
def test_the_prefilter_loses_nothing_on_each_shape(shape: str, escapes: list[bool]) -> None:
    assert list(sensitive.scan(shape, EVERY)) == list(sensitive.detect(shape, EVERY))
    line = _line([(f"see {shape}, then", escapes), (shape, escapes)])
    assert _jl8([line], prefilter=True) == _jl8([line], prefilter=False)


def test_escaping_any_one_character_hides_nothing() -> None:
    for shape in SHAPES:
        for char in sorted({c for c in shape if " " <= c < "\x7f"}):
            text = "".join(f"\\u{ord(c):04x}" if c == char else json.dumps(c, ensure_ascii=False)[1:-1] for c in shape)
            line = ('{"messages": [{"role": "user", "content": "' + text + '"}]}\n').encode()
            assert _jl8([line], prefilter=True) == _jl8([line], prefilter=False), (shape, char)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.lists(st.tuples(TEXTS, st.lists(st.booleans(), max_size=7)), min_size=1, max_size=3))
def test_the_prefilter_loses_nothing_on_hostile_lines(contents: list[tuple[str, list[bool]]]) -> None:
    line = _line(contents)
    assert _jl8([line], prefilter=True) == _jl8([line], prefilter=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(TEXTS)
def test_scan_finds_what_every_detector_finds(text: str) -> None:
    assert list(sensitive.scan(text, EVERY)) == list(sensitive.detect(text, EVERY))
