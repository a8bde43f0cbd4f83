"""Compressed and fsspec inputs read as the plain file: the same report from every command
(apart from the path it names), damage as one problem, and --fix never rewriting them."""

from __future__ import annotations

import bz2
import dataclasses
import gzip
import io
import lzma
import shutil
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, TEST_ENCODING
from jsonl_lint import check_file, source
from jsonl_lint.cli import main
from jsonl_lint.decompress import compression_of
from jsonl_lint.discover import expand
from jsonl_lint.problems import UsageError
from jsonl_lint.source import LongLine, Source

zstd = pytest.importorskip("backports.zstd" if sys.version_info < (3, 14) else "compression.zstd", reason="the zstd extra is not installed")
fsspec = pytest.importorskip("fsspec", reason="the remote extra (fsspec) is not installed")

COMPRESS: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "gzip": (".gz", gzip.compress),
    "bzip2": (".bz2", bz2.compress),
    "xz": (".xz", lzma.compress),
    "zstd": (".zst", lambda data: zstd.compress(data)),
}
GOOD = b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}'
# Problems of every kind a line can have, a long line (--max-line-bytes 400), CRLF, no final newline.
BROKEN = (
    EXAMPLES.joinpath("broken.jsonl").read_bytes() + GOOD.replace(b"Hi", b"x" * 500) + b"\n" + GOOD + b"\r\n" + GOOD.replace(b"Hi", b"Hey")
)
CHECK = ["check", "--encoding", TEST_ENCODING, "--max-line-bytes", "400"]


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def memory_files() -> Iterator[Callable[[str, bytes], str]]:
    """Files in fsspec's in-memory file system, removed after the test."""
    fs = fsspec.filesystem("memory")
    made: list[str] = []

    def put(name: str, data: bytes) -> str:
        fs.pipe_file(f"/{name}", data)
        made.append(f"/{name}")
        return f"memory://{name}"

    yield put
    for name in made:
        fs.rm_file(name)


def variants(tmp_path: Path, data: bytes, memory: Callable[[str, bytes], str], suffix: str = ".jsonl") -> dict[str, str]:
    """``data`` as a plain file, compressed in each format, and through fsspec (plain and gzip)."""
    plain = tmp_path / f"plain{suffix}"
    plain.write_bytes(data)
    paths = {"plain": str(plain)}
    for kind, (extension, compress) in COMPRESS.items():
        path = tmp_path / f"{kind}{suffix}{extension}"
        path.write_bytes(compress(data))
        paths[kind] = str(path)
    paths["file://"] = plain.as_uri()
    paths["memory://"] = memory(f"{tmp_path.name}{suffix}", data)
    paths["memory:// gzip"] = memory(f"{tmp_path.name}{suffix}.gz", gzip.compress(data))
    return paths


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_check_reports_every_input_as_the_plain_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], memory_files: Callable[[str, bytes], str], output_format: str
) -> None:
    paths = variants(tmp_path, BROKEN, memory_files)
    code, expected, _ = run(capsys, [*CHECK, "--format", output_format, paths["plain"]])
    assert code == 1 and "JL011" in expected and "JL013" in expected and "JL014" in expected
    for label, path in paths.items():
        got = run(capsys, [*CHECK, "--format", output_format, path])
        assert got == (1, expected.replace(paths["plain"], path), ""), label


def test_stats_and_convert_read_every_input_as_the_plain_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], memory_files: Callable[[str, bytes], str]
) -> None:
    data = EXAMPLES.joinpath("chat.jsonl").read_bytes()
    paths = variants(tmp_path, data, memory_files)
    stats = ["stats", "--encoding", TEST_ENCODING, "--format", "json"]
    _, expected, _ = run(capsys, [*stats, paths["plain"]])
    legacy = b'{"prompt": "Hi ->", "completion": " Hello! END"}\n' * 3
    (tmp_path / "legacy").mkdir()
    converts = variants(tmp_path / "legacy", legacy, memory_files)
    assert main(["convert", converts["plain"], "-o", str(tmp_path / "expected.jsonl")]) == 0
    assert capsys.readouterr().err.startswith(f"converted 3 rows (completion) to {tmp_path / 'expected.jsonl'}\n")
    for label, path in paths.items():
        assert run(capsys, [*stats, path]) == (0, expected.replace(paths["plain"], path), ""), label
        out = tmp_path / f"{label.replace(' ', '-').replace('/', '')}.out.jsonl"
        assert main(["convert", converts[label], "-o", str(out)]) == 0, label
        capsys.readouterr()
        assert out.read_bytes() == (tmp_path / "expected.jsonl").read_bytes(), label


def test_split_reads_a_compressed_input_into_plain_files(tmp_path: Path) -> None:
    data = EXAMPLES.joinpath("chat.jsonl").read_bytes()
    (tmp_path / "in.jsonl").write_bytes(data)
    (tmp_path / "in.jsonl.xz").write_bytes(lzma.compress(data))
    for name in ("in.jsonl", "in.jsonl.xz"):
        argv = ["split", str(tmp_path / name), "--validation-fraction", "0.3"]
        assert main([*argv, "--train", str(tmp_path / f"{name}.t"), "--validation", str(tmp_path / f"{name}.v")]) == 0
    for part in ("t", "v"):
        assert (tmp_path / f"in.jsonl.xz.{part}").read_bytes() == (tmp_path / f"in.jsonl.{part}").read_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.lists(st.sampled_from([GOOD, b"\n", b"\r\n", b"x" * 50, b"\x00", b"\x1f\x8b", b"{"]), max_size=12).map(b"".join),
    ),
    kind=st.sampled_from(sorted(COMPRESS)),
    limit=st.integers(1, 120),
)
def test_any_bytes_under_any_compression_read_as_the_plain_bytes(tmp_path: Path, data: bytes, kind: str, limit: int) -> None:
    assume(compression_of(data) is None)  # compressed twice: the inner layer is a JL012 (tests/test_source.py)
    extension, compress = COMPRESS[kind]
    path = tmp_path / f"t.jsonl{extension}"
    path.write_bytes(compress(data))
    with Source.open(str(path), max_line_bytes=limit) as opened, Source.of_bytes(data, max_line_bytes=limit) as plain:
        assert opened.compression == kind
        assert opened.sniff() == plain.sniff()
        shown = lambda lines: [(n, ("long", line.size) if type(line) is LongLine else line) for n, line in lines]
        assert shown(opened.lines()) == shown(plain.lines())
        assert opened.position == path.stat().st_size  # progress counts the compressed bytes
    plain_path = tmp_path / "t.jsonl"
    plain_path.write_bytes(data)
    expected = check_file(plain_path, max_line_bytes=limit, jobs=1, encoding=TEST_ENCODING)
    report = check_file(path, max_line_bytes=limit, jobs=1, encoding=TEST_ENCODING)
    assert [dataclasses.replace(p, path="") for p in report.problems] == [dataclasses.replace(p, path="") for p in expected.problems]


def clean(n: int = 3000) -> bytes:
    """Distinct good records (so that compression cannot hide a cut in repetition)."""
    return b"".join(GOOD.replace(b"Hi", b"Hi %d" % i) + b"\n" for i in range(n))


@pytest.mark.parametrize("kind", sorted(COMPRESS))
def test_compressed_data_cut_short_is_one_problem_after_the_lines_before_it(tmp_path: Path, kind: str) -> None:
    extension, compress = COMPRESS[kind]
    whole = compress(clean())
    for cut in (len(whole) // 3, len(whole) - 7):
        path = tmp_path / f"cut{extension}"
        path.write_bytes(whole[:cut])
        report = check_file(path, select=("JL0",), jobs=1)
        assert [(p.line, p.code, p.message) for p in report.problems] == [(None, "JL012", source.SHAPES[f"{kind}-cut-short"])]
        assert report.records < 3000 if cut < len(whole) // 2 else report.records <= 3000  # the lines before the cut


@pytest.mark.parametrize(
    ("name", "data", "shape"),
    [
        ("t.jsonl.gz", GOOD + b"\n", "not-gzip"),
        ("t.jsonl.zst", gzip.compress(GOOD + b"\n")[:1], "not-zstd"),
        ("t.jsonl.gz", b"\x1f\x8b\x08\x00" + b"\xff" * 40, "gzip-corrupt"),
        ("t.jsonl", gzip.compress(GOOD + b"\n"), "gzip"),  # compressed under a plain name: not read
        ("t.ndjson", COMPRESS["zstd"][1](GOOD + b"\n"), "zstd"),
        ("t.jsonl.xz", lzma.compress(GOOD + b"\n")[:20] + b"garbage" * 20, "xz-corrupt"),
        ("t.jsonl.bz2", b"BZh91AY&SY" + b"\x00" * 50, "bzip2-corrupt"),
        ("t.jsonl.bz2", b"BZh9" + b"\x00" * 50, "not-bzip2"),
        ("t.jsonl.zst", b"\x28\xb5\x2f\xfd" + b"\xff" * 20, "zstd-corrupt"),
        ("t.jsonl.gz", gzip.compress(b"not json\n") + b"trailing garbage", "gzip-corrupt"),
    ],
)
def test_a_misnamed_or_corrupt_compressed_file_is_one_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, shape: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    report = check_file(path, jobs=1, encoding=TEST_ENCODING)
    problems = [(p.line, p.code, p.message) for p in report.problems]
    if shape == "gzip-corrupt" and b"garbage" in data:  # the line before the damage is checked, then the damage said
        assert problems[0][:2] == (1, "JL004") and problems[1:] == [(None, "JL012", source.SHAPES[shape])]
    else:
        assert problems == [(None, "JL012", source.SHAPES[shape])]
    code, out, err = run(capsys, ["stats", "--encoding", TEST_ENCODING, str(path)])
    assert (code, out) == (2, "") and err.startswith(f"jsonl-lint: {path}: {source.SHAPES[shape]}") and err.count("\n") == 1


def test_a_decompression_bomb_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:
        for _ in range(64):
            out.write(b"x" * (1 << 20))  # 64 MiB without a newline, from about 64 KiB
        out.write(b"\n" + GOOD + b"\n")
    plain = tmp_path / "bomb.jsonl"
    with gzip.open(path) as inside, plain.open("wb") as out:
        shutil.copyfileobj(inside, out)
    peaks = []
    for name in (plain, path):
        tracemalloc.start()
        try:
            report = check_file(name, max_line_bytes=1 << 20, jobs=1, select=("JL0",))
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert [(p.line, p.code) for p in report.problems] == [(1, "JL011")]
    assert peaks[1] < peaks[0] + (4 << 20) < 48 << 20  # as the plain file: the line is read past, not held


def test_fix_refuses_compressed_and_remote_inputs_and_leaves_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], memory_files: Callable[[str, bytes], str]
) -> None:
    data = GOOD + b"\r\n" + GOOD  # fixable: a CRLF and no final newline
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(gzip.compress(data))
    before = path.read_bytes()
    code, _, err = run(capsys, ["check", "--fix", "--select", "JL0", str(path)])
    assert code == 2 and path.read_bytes() == before
    assert err == f"jsonl-lint: --fix: {path}: is gzip-compressed; --fix rewrites plain JSONL only (decompress it, fix, compress again)\n"
    url = memory_files("fixme.jsonl", data)
    code, _, err = run(capsys, ["check", "--fix", "--select", "JL0", url])
    assert (code, err) == (2, f"jsonl-lint: --fix: {url}: --fix rewrites local JSONL files only, not URLs\n")
    assert fsspec.filesystem("memory").cat_file("/fixme.jsonl") == data


def test_missing_extras_are_one_line_naming_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.jsonl.zst"
    path.write_bytes(COMPRESS["zstd"][1](GOOD + b"\n"))
    monkeypatch.setitem(sys.modules, "backports.zstd", None)
    monkeypatch.setitem(sys.modules, "compression.zstd", None)
    monkeypatch.setitem(sys.modules, "fsspec", None)
    assert run(capsys, ["check", str(path)]) == (
        2,
        "",
        f"jsonl-lint: {path}: reading zstd-compressed files needs the backports.zstd package: pip install 'jsonl-lint[zstd]'\n",
    )
    with pytest.raises(UsageError, match=r"^s3://b/t.jsonl: reading URLs needs fsspec: pip install 'jsonl-lint\[remote\]'$"):
        Source.open("s3://b/t.jsonl")


def test_a_missing_remote_file_or_scheme_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^memory://nothing-here\.jsonl: No such file or directory$"):
        Source.open("memory://nothing-here.jsonl")
    with pytest.raises(UsageError, match=r"^nosuchscheme://x\.jsonl: "):
        Source.open("nosuchscheme://x.jsonl")


def test_standard_input_may_be_compressed(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(BROKEN))))
    compressed = run(capsys, [*CHECK, "-"])
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(BROKEN)))
    assert compressed == run(capsys, [*CHECK, "-"])


def test_a_directory_stands_for_its_compressed_jsonl_too(tmp_path: Path) -> None:
    for name in ("a.jsonl", "b.jsonl.gz", "c.ndjson.zst", "d.jsonl.xz", "e.jsonl.bz2", "f.gz", "g.parquet"):
        (tmp_path / name).write_bytes(b"")
    assert [Path(p).name for p in expand([str(tmp_path)])] == ["a.jsonl", "b.jsonl.gz", "c.ndjson.zst", "d.jsonl.xz", "e.jsonl.bz2"]


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="workers need fork")
def test_a_large_compressed_file_gives_the_same_report_in_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jsonl_lint import parallel

    monkeypatch.setattr(source, "BLOCK_BYTES", 4 << 10)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 1 << 10)
    data = clean(400) + b"{broken\n" + clean(400)
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(gzip.compress(data))
    serial = check_file(path, select=("JL0",), jobs=1)
    assert check_file(path, select=("JL0",), jobs=2) == serial
    assert [p.line for p in serial.problems] == [401]


@settings(max_examples=80, deadline=None)
@given(scheme=st.sampled_from(["memory", "nosuchscheme", "zip"]), rest=st.text(max_size=40))
def test_any_url_opens_or_is_one_usage_error(scheme: str, rest: str) -> None:
    name = f"{scheme}://{rest}"
    try:
        with Source.open(name) as opened:
            list(opened.lines())
    except UsageError as error:
        assert str(error).startswith(f"{name}: ") and "\n" not in str(error).removeprefix(name)


@pytest.mark.parametrize("start", [b"PAR1", b"BZh9", b"BZh", b"PAR1\t"])
def test_a_text_line_that_starts_like_a_magic_number_is_only_a_bad_line(tmp_path: Path, start: bytes) -> None:
    """A JSONL file whose first line happens to start like Parquet or bzip2 is read line by line:
    its first line is invalid JSON, and every other line is still checked."""
    path = tmp_path / "t.jsonl"
    path.write_bytes(start + b' "x"\n' + GOOD + b"\n" + b"{\n")
    report = check_file(path, jobs=1, encoding=TEST_ENCODING, select=("JL0",))
    assert [(p.line, p.code) for p in report.problems] == [(1, "JL004"), (3, "JL004")]
