"""Compressed inputs cut at any length: never a traceback, never a shape the cut made up (the
start of a cut line can look like a pretty-printed document), always the damage (JL012) or,
for a file cut at its end, the plain file's result."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TEST_ENCODING
from jsonl_lint import check_file, source
from jsonl_lint.cli import main

zstd = pytest.importorskip("backports.zstd" if sys.version_info < (3, 14) else "compression.zstd", reason="the zstd extra is not installed")

# Levels matter: gzip level 0 stores the text as it is, so a cut at 16 bytes gives "{" alone.
COMPRESS: dict[str, tuple[str, list[Callable[[bytes], bytes]]]] = {
    "gzip": (".gz", [lambda data, level=level: gzip.compress(data, level) for level in (0, 1, 9)]),
    "bzip2": (".bz2", [lambda data: bz2.compress(data, 1)]),
    "xz": (".xz", [lzma.compress]),
    "zstd": (".zst", [lambda data, level=level: zstd.compress(data, level) for level in (1, 19)]),
}
GOOD = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}


def jsonl(count: int) -> bytes:
    return b"".join(
        json.dumps({**GOOD, "messages": [{"role": "user", "content": f"Hi {i}"}, GOOD["messages"][1]]}).encode() + b"\n"
        for i in range(count)
    )


def damage(kind: str) -> tuple[str, ...]:
    return (source.SHAPES[f"{kind}-cut-short"], source.SHAPES[f"{kind}-corrupt"])


def cut_file(tmp_path: Path, kind: str, level: int, data: bytes, fraction: float) -> tuple[Path, bool]:
    """``data`` compressed, cut at ``fraction`` of its length (at least one byte); whether it is whole."""
    extension, compressors = COMPRESS[kind]
    whole = compressors[level % len(compressors)](data)
    cut = max(1, round(len(whole) * fraction))
    path = tmp_path / f"cut.jsonl{extension}"
    path.write_bytes(whole[:cut])
    return path, cut == len(whole)


CONTENTS = st.one_of(
    st.integers(1, 40).map(jsonl),
    st.just(json.dumps(GOOD, indent=2).encode() + b"\n"),  # a document: cut, it is damage first
    st.just(json.dumps([GOOD, GOOD], indent=1).encode() + b"\n"),
    st.just(b'{"a":1}\n'),
)


@pytest.mark.parametrize("kind", sorted(COMPRESS))
@settings(max_examples=80, deadline=None)
@given(data=CONTENTS, level=st.integers(0, 5), fraction=st.floats(0, 1))
def test_a_compressed_file_cut_anywhere_is_the_damage_or_whole(
    tmp_path_factory: pytest.TempPathFactory, kind: str, data: bytes, level: int, fraction: float
) -> None:
    path, whole = cut_file(tmp_path_factory.mktemp("cut"), kind, level, data, fraction)
    report = check_file(path, select=("JL0",), jobs=1)
    problems = [(p.line, p.code, p.message) for p in report.problems]
    if whole:  # as the plain file
        plain = path.with_suffix("")
        plain.write_bytes(data)
        assert problems == [(p.line, p.code, p.message) for p in check_file(plain, select=("JL0",), jobs=1).problems]
        return
    assert len(problems) == 1, problems
    line, code, message = problems[0]
    assert (line, code) == (None, "JL012") and message.startswith(damage(kind)), message


def test_a_gzip_file_stored_and_cut_in_its_first_line_is_cut_short_not_a_document(tmp_path: Path) -> None:
    whole = gzip.compress(jsonl(3), 0)  # stored: 10 bytes of header, 5 of block header, then the text
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[:16])  # the text so far: "{"
    report = check_file(path, jobs=1)
    assert [(p.line, p.code, p.message) for p in report.problems] == [(None, "JL012", source.SHAPES["gzip-cut-short"])]


@pytest.mark.parametrize(("kind", "cut"), [("gzip", 1), ("bzip2", 2), ("bzip2", 7), ("xz", 4), ("zstd", 3)])
def test_a_file_cut_within_its_magic_number_is_cut_short_not_misnamed(tmp_path: Path, kind: str, cut: int) -> None:
    extension, compressors = COMPRESS[kind]
    path = tmp_path / f"cut.jsonl{extension}"
    path.write_bytes(compressors[0](jsonl(3))[:cut])
    report = check_file(path, jobs=1)
    assert [(p.line, p.code, p.message) for p in report.problems] == [(None, "JL012", source.SHAPES[f"{kind}-cut-short"])]


COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "check": lambda path: ["check", "--encoding", TEST_ENCODING, str(path)],
    "stats": lambda path: ["stats", "--encoding", TEST_ENCODING, str(path)],
    "convert": lambda path: ["convert", str(path), "-o", str(path.parent / "out.jsonl")],
    "split": lambda path: ["split", str(path), "--train", str(path.parent / "t.jsonl"), "--validation", str(path.parent / "v.jsonl")],
    "report": lambda path: ["report", "--encoding", TEST_ENCODING, str(path)],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(COMPRESS)), data=CONTENTS, level=st.integers(0, 5), fraction=st.floats(0, 0.99))
def test_every_command_names_the_damage_of_a_cut_file(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    command: str,
    kind: str,
    data: bytes,
    level: int,
    fraction: float,
) -> None:
    path, whole = cut_file(tmp_path_factory.mktemp("cut"), kind, level, data, fraction)
    if whole:
        return
    capsys.readouterr()
    code = main(COMMANDS[command](path))
    out, err = capsys.readouterr()
    assert code in (1, 2) and "Traceback" not in err
    said = [shape for shape, message in source.SHAPES.items() if message.split(":")[0] in out + err]
    # A command that tells the format from the first lines alone (convert) may meet the
    # plain file's own shape before the damage: that is true of it, not made up by the cut.
    allowed = (f"{kind}-cut-short", f"{kind}-corrupt", source.sniff(data, whole=True).shape)
    assert said and all(shape in allowed for shape in said), (said, out, err)
