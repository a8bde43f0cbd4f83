"""check --fix: lossless repairs only. One table, through the pure core and through main()."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint.cli import main
from jsonl_lint.fix import fix_lines

R1 = b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}'
R2 = b'{"messages": [{"role": "user", "content": "a\\r\\nb"}, {"role": "assistant", "content": "x"}]}'

# input, fixed output, what the report says
TESTS = [
    (R1 + b"\n" + R2 + b"\n", R1 + b"\n" + R2 + b"\n", ""),
    (b"\xef\xbb\xbf" + R1 + b"\n", R1 + b"\n", "removed the byte order mark"),
    (R1 + b"\r\n" + R2 + b"\r\n", R1 + b"\n" + R2 + b"\n", "turned 2 CRLF line endings into LF"),
    (R1 + b"\n\n  \n" + R2 + b"\n\n", R1 + b"\n" + R2 + b"\n", "removed 3 blank lines"),
    (R1 + b"\n" + R2, R1 + b"\n" + R2 + b"\n", "added the final newline"),
    (b"\xef\xbb\xbf" + R1 + b"\r\n\r\n" + R2, R1 + b"\n" + R2 + b"\n",
     "removed the byte order mark; turned 2 CRLF line endings into LF; removed 1 blank line; added the final newline"),
    (b"{bad\r\n" + b"\xff\n", b"{bad\n" + b"\xff\n", "turned 1 CRLF line ending into LF"),  # broken lines kept as they are
    (b"", b"", ""),
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
    assert f"{unfixable}:2:2: JL004" in out and "JL003" not in out  # line numbers of the fixed file


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
        st.dictionaries(st.text(max_size=4), st.one_of(st.text(max_size=8), st.integers(), st.none()), max_size=3).map(lambda d: json.dumps(d).encode()),
        st.sampled_from([b"", b"  ", b"\t", b"{bad", b"\xff\xfe", b"[1, 2]"]),
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(lines=JSON_LINES, endings=st.lists(st.sampled_from([b"\n", b"\r\n"]), min_size=8, max_size=8), bom=st.booleans(), final=st.booleans())
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
