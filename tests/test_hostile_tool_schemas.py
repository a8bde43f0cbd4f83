"""A tool's declared ``parameters`` is data: checking arguments against it never fetches or opens
anything, never takes seconds, and never raises, whatever the schema, its patterns and the
arguments (JL306)."""

from __future__ import annotations

import http.server
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsonl_lint import check_file, check_record, parallel, source
from jsonl_lint.problems import Problem

BOUND = 1.0  # CPU seconds per record (CPU, so that other load on the machine does not count)


def tool_record(parameters: Any, arguments: Any) -> dict[str, Any]:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {
        "messages": [
            {"role": "user", "content": "Go"},
            {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": text}}]},
        ],
        "tools": [{"type": "function", "function": {"name": "f", "parameters": parameters}}],
    }


def timed_check(parameters: Any, arguments: Any) -> list[Problem]:
    start = time.process_time()
    found = check_record(tool_record(parameters, arguments), select=("JL0", "JL1", "JL3"))
    elapsed = time.process_time() - start
    assert elapsed < BOUND, f"one record took {elapsed:.2f} s"
    assert [p for p in found if p.code == "JL010"] == []
    return found


def jl306(parameters: Any, arguments: Any) -> list[str]:
    return [p.message for p in timed_check(parameters, arguments) if p.code == "JL306"]


# --- class 1: nothing is fetched or opened -------------------------------------------------


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]]  # each server's subclass gets its own list

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        body = b'{"type": "integer"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/schema+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def schema_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback server that would serve a schema, and the requests it got."""
    requests: list[str] = []
    handler = type("Handler", (_CountingHandler,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_the_server_counts_what_it_is_asked(schema_server: tuple[str, list[str]]) -> None:
    import urllib.request

    base, requests = schema_server
    with urllib.request.urlopen(f"{base}/probe.json") as answer:  # the counter works, so 0 means 0
        assert json.loads(answer.read()) == {"type": "integer"}
    assert requests == ["/probe.json"]


def remote_schemas(base: str) -> list[Any]:
    return [
        {"$ref": f"{base}/ref.json"},
        {"$schema": f"{base}/meta.json", "type": "object"},
        {"type": "object", "properties": {"a": {"$ref": f"{base}/nested.json#/x"}}},
        {"$id": f"{base}/root.json", "type": "object", "properties": {"a": {"$ref": "relative.json"}}},
        {"type": "object", "properties": {"a": {"$dynamicRef": f"{base}/dynamic.json"}}},
        {"type": "object", "items": [{"$ref": f"{base}/in-a-list.json"}]},
    ]


def test_remote_references_are_reported_and_never_fetched(schema_server: tuple[str, list[str]]) -> None:
    base, requests = schema_server
    for schema in remote_schemas(base):
        messages = jl306(schema, {"a": "text"})
        assert len(messages) == 1, schema
        assert "outside the schema" in messages[0] and "fetches nothing" in messages[0]
    assert requests == []


def test_file_references_are_reported_and_never_read(tmp_path: Path) -> None:
    target = tmp_path / "integer.schema.json"
    target.write_text('{"type": "integer"}')  # were it read, the arguments would fail "must be an integer"
    for schema in (
        {"$ref": target.as_uri()},
        {"type": "object", "properties": {"a": {"$ref": target.as_uri()}}},
        {"$id": tmp_path.as_uri() + "/", "type": "object", "properties": {"a": {"$ref": target.name}}},
    ):
        [message] = jl306(schema, {"a": "text"})
        assert "outside the schema" in message and target.name in message
        assert "integer" not in message.removeprefix(message.split("outside")[0])


def test_references_inside_the_schema_are_followed() -> None:
    schema = {"type": "object", "properties": {"n": {"$ref": "#/$defs/count"}}, "$defs": {"count": {"type": "integer"}}}
    assert jl306(schema, {"n": 3}) == []
    assert jl306(schema, {"n": "three"}) == ["arguments of f do not match its parameters: n must be an integer, found a string"]
    known_meta = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "required": ["n"]}
    assert jl306(known_meta, {}) == ['arguments of f do not match its parameters: the arguments object is missing the required key "n"']


# --- class 2: no pattern or schema makes a record take seconds ------------------------------

EVIL = "a" * 40 + "!"  # backtracking engines take 2^40 steps on ^(a+)+$


@pytest.mark.parametrize(
    ("schema", "arguments", "expected"),
    [
        ({"type": "object", "properties": {"a": {"pattern": "^(a+)+$"}}}, {"a": EVIL}, "is not valid: it must match"),
        (
            {"type": "object", "patternProperties": {"^(a+)+$": {"type": "integer"}}, "additionalProperties": False},
            {EVIL: 1},
            "unexpected key",
        ),
        ({"type": "object", "patternProperties": {"^(a+)+$": {"type": "string"}}}, {"a" * 40: 1}, "must be a string"),
        ({"type": "object", "propertyNames": {"pattern": "^(a+)+$"}}, {EVIL: 1}, "does not match"),
        ({"type": "object", "properties": {"a": {"pattern": "^(?:(a)\\1?)+b$"}}}, {"a": "a" * 30}, "too much backtracking"),
        ({"type": "object", "properties": {"a": {"pattern": "^((?=a)a|a)+b$"}}}, {"a": "a" * 30}, "too much backtracking"),
    ],
    ids=["pattern", "patternProperties", "patternProperties-match", "propertyNames", "backreference", "lookahead"],
)
def test_catastrophic_patterns_take_no_time(schema: Any, arguments: Any, expected: str) -> None:
    [message] = jl306(schema, arguments)
    assert expected in message


def test_patterns_still_work() -> None:
    schema = {"type": "object", "properties": {"code": {"pattern": "^[A-Z]{3}$"}, "word": {"pattern": "^(?!no)[a-z]+$"}}}
    assert jl306(schema, {"code": "ABC", "word": "yes"}) == []
    assert len(jl306(schema, {"code": "abc", "word": "nope"})) == 2


def doubling_chain(levels: int) -> dict[str, Any]:
    """Each level applies the next one twice: 2^levels checks for one value."""
    defs: dict[str, Any] = {f"l{i}": {"allOf": [{"$ref": f"#/$defs/l{i + 1}"}] * 2} for i in range(levels)}
    defs[f"l{levels}"] = {"type": "integer"}
    return {"$ref": "#/$defs/l0", "$defs": defs}


@pytest.mark.parametrize(
    ("schema", "arguments"),
    [
        (doubling_chain(40), {"a": 1}),
        ({"$ref": "#/$defs/r0", "$defs": {f"r{i}": {"$ref": f"#/$defs/r{i + 1}"} for i in range(500)}}, {"a": 1}),
        ({"type": "object", "properties": {"a": {"minItems": 10**30, "maxLength": 10**40}}}, {"a": []}),
        ({"type": "object", "properties": {"a": {"uniqueItems": True}}}, {"a": [{"x": [i]} for i in range(10_000)]}),
        ({"type": "object", "properties": {"a": {"multipleOf": 1e-300}}}, '{"a": 1e300}'),
        (
            {"type": "object", "patternProperties": {f"^k{i}(a|aa)*$": {"type": "integer"} for i in range(1000)}},
            {f"k{i}" + "a" * 30: "x" for i in range(1000)},
        ),
        ({"type": "object", "properties": {"a": {"type": "array", "items": {"pattern": "^(?:(a)\\1?)+b$"}}}}, {"a": ["a" * 14] * 5_000}),
        ({"$ref": "#/$defs/a", "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}}, {"a": 1}),
    ],
    ids=[
        "doubling-allOf",
        "reference-chain",
        "huge-bounds",
        "uniqueItems",
        "multipleOf",
        "many-patterns",
        "many-matches",
        "reference-loop",
    ],
)
def test_pathological_schemas_are_bounded(schema: Any, arguments: Any) -> None:
    messages = jl306(schema, arguments)
    assert len(messages) <= 6  # a call's mismatches are capped, the rest counted


def test_many_mismatches_are_counted_not_listed() -> None:
    schema = {"type": "object", "additionalProperties": {"type": "integer"}}
    messages = jl306(schema, {f"k{i}": "x" for i in range(50)})
    assert len(messages) == 6
    assert messages[-1] == "arguments of f do not match its parameters in 45 more places"


# --- class 3: no schema or arguments raise ---------------------------------------------------


def nested(levels: int, leaf: Any, wrap: Any) -> Any:
    for _ in range(levels):
        leaf = wrap(leaf)
    return leaf


@pytest.mark.parametrize("levels", [30, 100, 250, 300])
def test_deeply_nested_parameters_are_a_warning(levels: int) -> None:
    schema = nested(levels, {"type": "string"}, lambda inner: {"type": "object", "properties": {"a": inner}})
    arguments = nested(min(levels, 200), 1, lambda inner: {"a": inner})
    messages = jl306(schema, arguments)
    if levels * 2 > 64:
        assert messages == ["the parameters declared for f nest deeper than 64 levels, more than jsonl-lint checks arguments against"]
    else:
        assert len(messages) == 1 and "must be a string" in messages[0]


def test_deeply_nested_arguments_are_checked_or_reported() -> None:
    recursive = {"type": "object", "properties": {"a": {"$ref": "#"}}}
    for levels in (10, 250, 1000):
        arguments = '{"a": ' * levels + "[]" + "}" * levels
        messages = jl306(recursive, arguments)
        assert len(messages) == 1


# --- hypothesis: arbitrary schemas, patterns and arguments ------------------------------------

PATTERNS = st.sampled_from(["^(a+)+$", "(a|aa)*b", "^((?=a)a|a)+b$", "(a)\\1", "[", "(?<=x)y", "\\p{L}+", "^$", ".*", "a{1000}"]) | st.text(
    max_size=12
)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
KEYWORDS = [
    "type",
    "pattern",
    "patternProperties",
    "propertyNames",
    "properties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "$ref",
    "$defs",
    "required",
    "enum",
    "minItems",
    "uniqueItems",
    "additionalProperties",
    "$schema",
    "$id",
    "if",
    "then",
    "contains",
    "format",
    "const",
    "minLength",
    "maxLength",
]
REFERENCES = st.sampled_from(["#", "#/$defs/x", "#/properties/a", "http://127.0.0.1:9/x.json", "file:///etc/passwd", "other.json", "#nope"])


def schemas() -> st.SearchStrategy[Any]:
    leaf: st.SearchStrategy[Any] = st.booleans() | st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["string", "integer", "object", "array", "number", "null", "nope"]),
            "pattern": PATTERNS,
            "$ref": REFERENCES,
            "minItems": st.integers(),
            "format": st.sampled_from(["regex", "email", "uri"]),
            "$schema": st.sampled_from(["https://json-schema.org/draft/2020-12/schema", "http://127.0.0.1:9/meta"]),
        },
    )
    return st.recursive(
        leaf,
        lambda inner: st.dictionaries(
            st.sampled_from(KEYWORDS),
            inner | st.lists(inner, max_size=3) | SCALARS | st.dictionaries(PATTERNS, inner, max_size=3),
            max_size=5,
        ),
        max_leaves=25,
    )


def arguments() -> st.SearchStrategy[Any]:
    values = st.recursive(
        SCALARS | st.sampled_from([EVIL, "a" * 30]),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | st.sampled_from([EVIL]), inner, max_size=4),
        max_leaves=20,
    )
    return st.dictionaries(st.text(max_size=8) | st.sampled_from(["a", EVIL]), values, max_size=5)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=schemas(), args=arguments(), depth=st.integers(0, 80))
def test_any_schema_and_arguments_finish_quickly_without_an_exception(schema: Any, args: Any, depth: int) -> None:
    deep = nested(depth + 1, schema, lambda inner: {"properties": {"a": inner}})
    for problem in timed_check(deep, args):  # JL010 (a check that raised) is ruled out in there
        assert problem.code == "JL306", problem


# --- workers report what one process reports --------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_hostile_tool_records_give_the_same_report_in_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "BLOCK_BYTES", 16 << 10)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 32 << 10)
    monkeypatch.setattr(parallel, "RANGE_BYTES", 16 << 10)
    hostile = [
        tool_record({"type": "object", "properties": {"a": {"pattern": "^(a+)+$"}}}, {"a": EVIL}),
        tool_record({"$ref": "http://127.0.0.1:9/x.json"}, {"a": 1}),
        tool_record(nested(250, {"type": "string"}, lambda inner: {"type": "object", "properties": {"a": inner}}), {"a": 1}),
        tool_record(doubling_chain(40), {"a": 1}),
        tool_record({"type": "object"}, {"a": 1}),
    ]
    data = tmp_path / "tools.jsonl"
    data.write_text("".join(json.dumps(hostile[i % len(hostile)]) + "\n" for i in range(600)))
    assert data.stat().st_size > 4 * source.BLOCK_BYTES
    serial = check_file(data, jobs=1, select=("JL0", "JL1", "JL3"))
    assert serial == check_file(data, jobs=2, select=("JL0", "JL1", "JL3"))
    assert len([p for p in serial.problems if p.code == "JL306"]) == 480


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_jobs_1_and_jobs_2_print_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from jsonl_lint.cli import main

    monkeypatch.setattr(source, "BLOCK_BYTES", 16 << 10)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 32 << 10)
    monkeypatch.setattr(parallel, "RANGE_BYTES", 16 << 10)
    image = {
        "messages": [
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBOR\u00e9w0KGgo="}}]},
            {"role": "assistant", "content": "A dot."},
        ]
    }
    hostile = [
        json.dumps(tool_record({"type": "object", "properties": {"a": {"pattern": "^(a+)+$"}}}, {"a": EVIL})),
        json.dumps(tool_record({"$ref": "file:///etc/passwd"}, {"a": 1})),
        json.dumps(tool_record(nested(120, {"type": "string"}, lambda inner: {"type": "object", "properties": {"a": inner}}), {"a": 1})),
        json.dumps(image),
        '{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y", "weight": '
        + "[" * 1000
        + "]" * 1000
        + "}]}",
    ]
    data = tmp_path / "hostile.jsonl"
    data.write_text("".join(hostile[i % len(hostile)] + "\n" for i in range(500)))
    assert data.stat().st_size > 4 * source.BLOCK_BYTES
    outputs = []
    for jobs in ("1", "2"):
        main(["check", "--model", "gpt-4o-2024-08-06", "--no-token-check", "--jobs", jobs, str(data)])
        outputs.append(capsys.readouterr())
    assert outputs[0] == outputs[1]
    assert outputs[0].err == "" and "JL010" not in outputs[0].out
    out = outputs[0].out
    assert out.splitlines()[-1].endswith("in 1 file, 500 records checked.")
    assert all(code in out for code in ("JL306", "JL402", "JL101"))
