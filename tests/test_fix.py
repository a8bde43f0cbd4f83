"""check --fix: lossless repairs only. One table, through the pure core and through main()."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint import check_file
from jsonl_lint.cli import main
from jsonl_lint.fix import fix_file, fix_lines
from jsonl_lint.report.sarif_format import sarif_log
from jsonl_lint.rules import all_rules

R1 = b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}'
R2 = b'{"messages": [{"role": "user", "content": "a\\r\\nb"}, {"role": "assistant", "content": "x"}]}'

# input, fixed output, what the report says
TESTS = [
    (R1 + b"\n" + R2 + b"\n", R1 + b"\n" + R2 + b"\n", ""),
    (b"\xef\xbb\xbf" + R1 + b"\n", R1 + b"\n", "removed the byte order mark"),
    (R1 + b"\r\n" + R2 + b"\r\n", R1 + b"\n" + R2 + b"\n", "turned 2 CRLF line endings into LF"),
    (R1 + b"\n\n  \n" + R2 + b"\n\n", R1 + b"\n" + R2 + b"\n", "removed 3 blank lines"),
    (R1 + b"\n" + R2, R1 + b"\n" + R2 + b"\n", "added the final newline"),
    (
        b"\xef\xbb\xbf" + R1 + b"\r\n\r\n" + R2,
        R1 + b"\n" + R2 + b"\n",
        "removed the byte order mark; turned 2 CRLF line endings into LF; removed 1 blank line; added the final newline",
    ),
    (b"{bad\r\n" + b"\xff\n", b"{bad\n" + b"\xff\n", "turned 1 CRLF line ending into LF"),  # broken lines kept as they are
    (b"", b"", ""),
    (R1 + b"\n" + R2 + b"\r", R1 + b"\n" + R2 + b"\n", "added the final newline"),  # a lone CR at the end: one run
    (R1 + b"\r\r\n", R1 + b"\n", "turned 1 CRLF line ending into LF"),
    (b"\n\xef\xbb\xbf" + R1 + b"\n", R1 + b"\n", "removed the byte order mark; removed 1 blank line"),
]


@pytest.mark.parametrize(("data", "fixed", "said"), TESTS)
def test_fix_core(data: bytes, fixed: bytes, said: str) -> None:
    out = io.BytesIO()
    summary = fix_lines(io.BytesIO(data), out)
    assert (summary.describe(), summary.changed) == (said, bool(said))
    assert out.getvalue() == fixed or (not said and data == fixed)


@pytest.mark.parametrize(("data", "fixed", "said"), TESTS)
def test_fix_through_main(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, fixed: bytes, said: str) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(data)
    before = path.stat()
    main(["check", "--fix", "--select", "JL0", str(path)])
    out = capsys.readouterr().out
    assert path.read_bytes() == fixed
    if said:
        assert out.startswith(f"{path}: fixed: {said}\n")
    else:
        assert "fixed" not in out
        assert path.stat().st_mtime_ns == before.st_mtime_ns and path.stat().st_ino == before.st_ino  # untouched


def test_fix_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixable, unfixable = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    fixable.write_bytes(b"\xef\xbb\xbf" + R1 + b"\r\n\n")
    unfixable.write_bytes(R1 + b"\n{bad\n\n")
    assert main(["check", "--fix", "--select", "JL0", str(fixable)]) == 0
    assert main(["check", "--fix", "--select", "JL0", str(unfixable)]) == 1
    out = capsys.readouterr().out
    assert f"{unfixable}:2:2: error: JL004" in out and "JL003" not in out  # line numbers of the fixed file


def test_fix_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(R1 + b"\r\n")
    path.chmod(0o640)
    main(["check", "--fix", "--select", "JL0", str(path)])
    assert path.stat().st_mode & 0o777 == 0o640


def test_fix_refuses_stdin(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--fix", "-"]) == 2
    assert capsys.readouterr().err == "jsonl-lint: --fix repairs files in place: it cannot take standard input\n"


def _values(data: bytes) -> list[object]:
    values = []
    for line in data.removeprefix(b"\xef\xbb\xbf").splitlines():
        try:
            values.append(json.loads(line))
        except ValueError:
            values.append(line.rstrip(b"\r"))
    return [v for v in values if v != b"" and not (isinstance(v, bytes) and v.isspace())]


JSON_LINES = st.lists(
    st.one_of(
        st.dictionaries(st.text(max_size=4), st.one_of(st.text(max_size=8), st.integers(), st.none()), max_size=3).map(
            lambda d: json.dumps(d).encode()
        ),
        st.sampled_from([b"", b"  ", b"\t", b"{bad", b"\xff\xfe", b"[1, 2]"]),
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(
    lines=JSON_LINES, endings=st.lists(st.sampled_from([b"\n", b"\r\n"]), min_size=8, max_size=8), bom=st.booleans(), final=st.booleans()
)
def test_fix_never_changes_a_value(lines: list[bytes], endings: list[bytes], bom: bool, final: bool) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + b"".join(line + ending for line, ending in zip(lines, endings))
    if not final and data.endswith(b"\n"):
        data = data.rstrip(b"\r\n")
    out = io.BytesIO()
    fix_lines(io.BytesIO(data), out)
    fixed = out.getvalue()
    assert _values(fixed) == _values(data)
    assert b"\r\n" not in fixed and not fixed.startswith(b"\xef\xbb\xbf") and (fixed == b"" or fixed.endswith(b"\n"))
    out_again = io.BytesIO()
    assert not fix_lines(io.BytesIO(fixed), out_again).changed  # fixing twice changes nothing


BYTES = st.lists(st.sampled_from([b"\n", b"\r", b"\r\n", b" ", b"\xef\xbb\xbf", b"{}", b"[1]", b"{bad", b"\xff", R1]), max_size=12).map(
    b"".join
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(BYTES, st.binary(max_size=60)))
def test_fix_is_idempotent_on_any_bytes(data: bytes) -> None:
    out = io.BytesIO()
    fix_lines(io.BytesIO(data), out)
    again = io.BytesIO()
    assert not fix_lines(io.BytesIO(out.getvalue()), again).changed
    assert again.getvalue() == out.getvalue()


FIXABLE = {rule.code for rule in all_rules().values() if rule.fixable}


@settings(max_examples=200, deadline=None)
@given(BYTES)
def test_fix_changes_exactly_what_check_reports_as_fixable(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("agree") / "t.jsonl"
    path.write_bytes(data)
    reported = {p.code for p in check_file(path, data_format="completion", select=("JL0",)).problems}
    summary = fix_file(path)
    if "JL011" in reported or "JL012" in reported:  # a line too long or not JSONL: left alone
        assert not summary.changed
        return
    assert summary.changed == bool(reported & FIXABLE), (reported, summary)
    if summary.changed:
        assert not {p.code for p in check_file(path, data_format="completion", select=("JL0",)).problems} & FIXABLE


def test_rules_and_sarif_say_which_rules_are_fixable(capsys: pytest.CaptureFixture[str]) -> None:
    assert {"JL002", "JL003", "JL013", "JL014"} == FIXABLE
    assert main(["rules"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines() if line.endswith("(fixable)")}
    assert listed == FIXABLE
    log = sarif_log([])
    assert {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"] if r["properties"]["fixable"]} == FIXABLE
    assert main(["rules", "JL013"]) == 0
    assert capsys.readouterr().out.startswith("JL013 crlf-line-ending (default severity: warning; `check --fix` repairs it)")
