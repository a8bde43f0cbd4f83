#!/usr/bin/env python3
"""Throughput (MB/s) and peak memory (RSS) of jsonl-lint's main commands, each next to a floor
measured in the same run: a loop that only parses each line with orjson (or reads the CSV).

    python benchmarks/bench.py                      # 100k and 400k lines
    python benchmarks/bench.py --lines 20000        # quicker
    python benchmarks/bench.py --quick              # a smaller run of every section

The peer tools it compares with (benchmarks/requirements.txt) are installed into a virtual
environment of the benchmark's own (in its temporary folder), or taken from ``--peers VENV``.

Data comes from ../shared/bench/make_dataset.py (deterministic) and is written to a temporary
folder, never to the repository. Each command runs in its own process, three times (once for
the slow gpt-3.5-turbo-0613 line); the fastest run counts, since noise only slows a run down.
Peak RSS is that of the largest process (os.wait4: the main process, or a worker if larger);
MB/s is input bytes over wall time.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_DATASET = ROOT.parent / "shared" / "bench" / "make_dataset.py"
TIKTOKEN_CACHE = ROOT.parent / "shared" / "tiktoken-cache"

FLOOR_JSONL = "import sys, orjson\nfor line in open(sys.argv[1], 'rb'):\n    orjson.loads(line)\n"
# The cookbook's token count: one process, every string value of every message tokenized.
COOKBOOK_STATS = """
import json, sys, tiktoken
encoding = tiktoken.get_encoding("o200k_base")
total = 0
for line in open(sys.argv[1], encoding="utf-8"):
    example = json.loads(line)
    for message in example["messages"]:
        total += 3
        for value in message.values():
            if isinstance(value, str):
                total += len(encoding.encode(value))
    total += 3
print(total)
"""
FLOOR_CSV = "import csv, sys\nfor row in csv.reader(open(sys.argv[1], encoding='utf-8', newline='')):\n    pass\n"


@dataclass
class Result:
    label: str
    seconds: float
    peak_rss_mb: float
    megabytes: float

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds


RUNS = 3  # runs of each command (the fastest counts); --quick: 2


def measure(label: str, argv: list[str], data: Path, runs: int | None = None) -> Result:
    """The fastest of ``runs`` runs (the machine's noise only ever slows a run down), with the
    largest peak RSS seen."""
    best: Result | None = None
    for _ in range(runs or RUNS):
        start = time.perf_counter()
        # stderr to a file, not a pipe: a command that says much there would block on a full pipe
        with open(os.devnull, "wb") as sink, tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(argv, stdout=sink, stderr=errors)
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - start
            code = os.waitstatus_to_exitcode(status)
            if code not in (0, 1):
                errors.seek(0)
                raise SystemExit(f"{label} failed with exit code {code}: {errors.read().decode(errors='replace')[-2000:]}")
        rss = usage.ru_maxrss / 1024
        if best is None or seconds < best.seconds:
            best = Result(label, seconds, max(rss, best.peak_rss_mb if best else 0), data.stat().st_size / 1e6)
        else:
            best.peak_rss_mb = max(best.peak_rss_mb, rss)
    assert best is not None
    return best


PEER_REQUIREMENTS = Path(__file__).resolve().parent / "requirements.txt"


def peer(folder: Path, package: str, venv: Path | None = None) -> Path | None:
    """The console script of a peer tool: from ``venv`` when given, else installed (the versions
    benchmarks/requirements.txt pins) into the benchmark's own virtual environment in ``folder``,
    never into the project's; None, with the reason, when it cannot be."""
    venv = venv or folder / "peers"
    script = venv / "bin" / package
    if not script.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
            subprocess.run([*pip, "-r", str(PEER_REQUIREMENTS)], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"\n({package} not measured: it could not be installed: {error})")
            return None
    return script if script.exists() else None


def dataset(folder: Path, lines: int, fmt: str) -> Path:
    suffix = "csv" if fmt == "csv" else "jsonl"
    path = folder / f"{fmt}-{lines}.{suffix}"
    if not path.exists():
        subprocess.run([sys.executable, str(MAKE_DATASET), "--lines", str(lines), "--format", fmt, "--out", str(path)], check=True)
    return path


def print_table(title: str, floor: Result, results: list[Result]) -> None:
    print(f"\n{title}  ({floor.megabytes:.0f} MB)")
    print(f"  {'command':<52} {'MB/s':>8} {'peak RSS':>10} {'vs floor':>9}")
    for result in [floor, *results]:
        ratio = result.mb_per_s / floor.mb_per_s
        print(f"  {result.label:<52} {result.mb_per_s:>8.1f} {result.peak_rss_mb:>8.1f}MB {ratio:>8.2f}x")


def lint(*args: str) -> list[str]:
    return [sys.executable, "-m", "jsonl_lint", *args]


def wall_time(argv: list[str], runs: int = 7) -> float:
    """Median wall time of a whole command, start-up included."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def bench_small_and_many(folder: Path, figures: dict[str, str]) -> None:
    small = dataset(folder, 20, "chat")
    floor = wall_time([sys.executable, "-c", "import orjson"])
    check = wall_time(lint("check", str(small)))
    version = wall_time(lint("--version"))
    print(f"\nstart-up (median of 7 wall times; the floor: python -c 'import orjson', {floor:.3f} s)")
    print(f"  jsonl-lint check on a 20-line file: {check:.3f} s ({check / floor:.2f}x the floor; target under 0.12 s)")
    print(f"  jsonl-lint --version: {version:.3f} s ({version / floor:.2f}x the floor; target under 0.06 s)")
    figures["start-up: check on 20 lines"] = f"{check:.3f} s ({check / floor:.2f}x the floor's start-up)"
    figures["start-up: --version"] = f"{version:.3f} s ({version / floor:.2f}x the floor's start-up)"
    files = []
    for i in range(8):
        path = folder / f"many-{i}.jsonl"
        if not path.exists():
            subprocess.run([sys.executable, str(MAKE_DATASET), "--lines", "5000", "--seed", str(i + 2), "--out", str(path)], check=True)
        files.append(str(path))
    megabytes = sum(Path(f).stat().st_size for f in files) / 1e6
    one = wall_time(lint("check", "--jobs", "1", *files), runs=3)
    two = wall_time(lint("check", "--jobs", "2", *files), runs=3)
    print(f"8 files ({megabytes:.0f} MB): --jobs 1 {one:.2f} s, --jobs 2 {two:.2f} s: {one / two:.2f}x")


def figure(result: Result, floor: Result) -> str:
    return f"{result.mb_per_s:.1f} MB/s, {result.peak_rss_mb:.0f} MB peak ({result.mb_per_s / floor.mb_per_s:.2f}x the floor)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, nargs="+", help="chat lines of each main table (default 100k and 400k; --quick 20k)")
    parser.add_argument("--keep", type=Path, help="folder to keep generated data in between runs")
    parser.add_argument("--hygiene-lines", type=int, help="lines for the near-duplicate and secrets table (0: skip it; default 200k)")
    parser.add_argument("--bad-lines", type=int, nargs="+", help="lines of the all-bad-lines files (default 200k and 1M)")
    parser.add_argument("--peers", type=Path, help="a virtual environment that has the peer tools (default: one made in the temp folder)")
    parser.add_argument("--quick", action="store_true", help="smaller files, fewer runs: every section in a few minutes")
    parser.add_argument("--report-lines", type=int, help="lines for report vs check and stats (0: skip it; default 200k, --quick 20k)")
    args = parser.parse_args()
    global RUNS
    RUNS = 2 if args.quick else 3
    lines_list = args.lines or ([20_000] if args.quick else [100_000, 400_000])
    hygiene = args.hygiene_lines if args.hygiene_lines is not None else (0 if args.quick else 200_000)
    bad_lines = args.bad_lines or ([50_000, 200_000] if args.quick else [200_000, 1_000_000])
    if "TIKTOKEN_CACHE_DIR" not in os.environ and TIKTOKEN_CACHE.is_dir():
        os.environ["TIKTOKEN_CACHE_DIR"] = str(TIKTOKEN_CACHE)  # offline machines: the shared cache
    folder = args.keep or Path(tempfile.mkdtemp(prefix="jsonl-lint-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    figures: dict[str, str] = {}  # issue 12's figures, repeated at the end
    for lines in lines_list:
        chat = dataset(folder, lines, "chat")
        floor = measure("floor: orjson.loads per line", [sys.executable, "-c", FLOOR_JSONL, str(chat)], chat)
        results = [
            measure("jsonl-lint check --profile structural", lint("check", "--profile", "structural", str(chat)), chat),
            measure("jsonl-lint check (default profile)", lint("check", str(chat)), chat),
            measure("jsonl-lint check --jobs 1", lint("check", "--jobs", "1", str(chat)), chat),
        ]
        if not args.quick:
            model = lint("check", "--model", "gpt-3.5-turbo-0613", str(chat))
            results.append(measure("jsonl-lint check --model gpt-3.5-turbo-0613", model, chat, runs=1))
        lens = peer(folder, "jsonl-lens", args.peers)
        if lens is not None:
            results.append(measure("jsonl-lens (peer: parses and summarizes only)", [str(lens), str(chat)], chat))
        print_table(f"chat, {lines:,} lines", floor, results)
        structural, default, one_job = results[:3]
        at = f"chat {lines // 1000}k"
        figures[f"{at}: floor (orjson.loads per line)"] = figure(floor, floor)
        figures[f"{at}: check (default)"] = figure(default, floor)
        figures[f"{at}: check --profile structural"] = figure(structural, floor)
        figures[f"{at}: check --jobs 1"] = figure(one_job, floor)
        if lens is not None:
            peer_result = results[-1]
            figures[f"{at}: jsonl-lens"] = figure(peer_result, floor)
            versus = (
                f"check {default.mb_per_s / peer_result.mb_per_s:.2f}x, "
                f"--profile structural {structural.mb_per_s / peer_result.mb_per_s:.2f}x (issue 12's targets: 1.3x and 2x)"
            )
            print(f"  vs jsonl-lens (MB/s ratio): {versus}")
            figures[f"{at}: vs jsonl-lens"] = versus
    bench_compressed(folder, lines_list[0], figures)
    bench_ray(folder, lines_list[0] if args.quick else 200_000, figures)
    bench_all_bad(folder, bad_lines, figures)
    if hygiene:
        bench_hygiene(folder, hygiene)
    bench_small_and_many(folder, figures)
    if not args.quick:
        bench_memory(folder)
    bench_convert(folder, max(lines_list), figures)
    bench_stats(folder, 20_000, figures)
    report_lines = args.report_lines if args.report_lines is not None else (20_000 if args.quick else 200_000)
    if report_lines:
        bench_report(folder, report_lines, figures)
    print("\nissue 12's figures (MB/s is input bytes over wall time; ratios to the floor of the same file, this run)")
    for name, value in figures.items():
        print(f"  {name:<40} {value}")
    if not args.keep:
        shutil.rmtree(folder)  # data, the peers' environment, the HF model folder


# Compressed copies of a file, written by a child (this process stays small): name -> how.
COMPRESS = """
import bz2, gzip, lzma, shutil, sys
try:
    from compression import zstd
except ImportError:
    from backports import zstd
opens = {"gz": gzip.open, "bz2": bz2.open, "xz": lambda p, m: lzma.open(p, m, preset=0), "zst": zstd.open}
with open(sys.argv[1], "rb") as plain, opens[sys.argv[2]](sys.argv[1] + "." + sys.argv[2], "wb") as out:
    shutil.copyfileobj(plain, out, 1 << 20)
"""


def bench_compressed(folder: Path, lines: int, figures: dict[str, str]) -> None:
    """check on the chat file compressed in each format, next to the plain file in the same run
    (MB/s of the decompressed bytes, so the ratios are of the same work)."""
    chat = dataset(folder, lines, "chat")
    plain = measure("jsonl-lint check (plain .jsonl)", lint("check", str(chat)), chat)
    results = []
    for suffix in ("gz", "bz2", "xz", "zst"):
        packed = Path(f"{chat}.{suffix}")
        if not packed.exists():
            try:
                subprocess.run([sys.executable, "-c", COMPRESS, str(chat), suffix], check=True, capture_output=True)
            except subprocess.CalledProcessError as error:
                print(f"\n(.{suffix} not measured: {error.stderr.decode(errors='replace').strip().splitlines()[-1]})")
                continue
        results.append(
            measure(f"jsonl-lint check .jsonl.{suffix} ({packed.stat().st_size / 1e6:.0f} MB)", lint("check", str(packed)), chat)
        )
    print_table(f"compressed inputs, chat, {lines:,} lines (ratio: to the plain file)", plain, results)
    for result in results:
        name = result.label.split()[2]
        figures[f"check {name} vs plain ({lines // 1000}k)"] = (
            f"{result.mb_per_s:.1f} MB/s, {result.mb_per_s / plain.mb_per_s:.2f}x the plain file"
        )


def bench_ray(folder: Path, lines: int, figures: dict[str, str]) -> None:
    """``check`` and ``stats`` with ``--engine ray`` (a local Ray with two CPUs, its start
    included) next to ``--jobs 2`` on the same file; skipped when Ray is not installed (``pip install 'jsonl-lint[ray]'``)."""
    if importlib.util.find_spec("ray") is None:
        print("\n(--engine ray not measured: Ray is not installed)")
        return
    chat = dataset(folder, lines, "chat")
    local = measure("jsonl-lint check --jobs 2", lint("check", "--jobs", "2", str(chat)), chat)
    ray = measure("jsonl-lint check --engine ray --jobs 2", lint("check", "--engine", "ray", "--jobs", "2", str(chat)), chat)
    print_table(f"Ray, chat, {lines:,} lines (ratio: to --jobs 2)", local, [ray])
    figures[f"check --engine ray vs --jobs 2 ({lines // 1000}k)"] = (
        f"{ray.mb_per_s:.1f} MB/s, {ray.mb_per_s / local.mb_per_s:.2f}x --jobs 2"
    )
    local = measure("jsonl-lint stats --jobs 2", lint("stats", "--jobs", "2", str(chat)), chat)
    ray = measure("jsonl-lint stats --engine ray --jobs 2", lint("stats", "--engine", "ray", "--jobs", "2", str(chat)), chat)
    print_table(f"Ray, stats, chat, {lines:,} lines (ratio: to --jobs 2)", local, [ray])
    figures[f"stats --engine ray vs --jobs 2 ({lines // 1000}k)"] = (
        f"{ray.mb_per_s:.1f} MB/s, {ray.mb_per_s / local.mb_per_s:.2f}x --jobs 2"
    )


# A file where every line has a problem, each kind a quarter of the lines: no assistant message
# (a record rule), an unknown role and a string for messages (schema errors), and invalid JSON.
MAKE_ALL_BAD = """
import sys
lines = int(sys.argv[2])
kinds = (
    '{{"messages": [{{"role": "user", "content": "hi {n}"}}]}}\\n',
    '{{"messages": [{{"role": "robot", "content": "x{n}"}}, {{"role":"assistant","content":"y"}}]}}\\n',
    '{{"messages": "oops {n}"}}\\n',
    '{{"messages": [{{"role": "user", "content": "q{n}"}}, {{"role":"assistant","content":""}}]\\n',
)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for n in range(lines):
        out.write(kinds[n % 4].format(n=n))
"""


def bench_all_bad(folder: Path, sizes: list[int], figures: dict[str, str]) -> None:
    """A file where every line has a problem (issue 12: at least 20 MB/s, memory flat from the
    smaller file to the larger), with the default text report."""
    for lines in sizes:
        path = folder / f"all-bad-{lines}.jsonl"
        if not path.exists():
            subprocess.run([sys.executable, "-c", MAKE_ALL_BAD, str(path), str(lines)], check=True)
        floor = measure("floor: orjson.loads per line", [sys.executable, "-c", FLOOR_JSONL_LENIENT, str(path)], path)
        result = measure("jsonl-lint check (text report)", lint("check", str(path)), path)
        print_table(f"all lines bad, {lines:,} lines", floor, [result])
        figures[f"all-bad {lines // 1000}k lines: check"] = figure(result, floor)


FLOOR_JSONL_LENIENT = (
    "import sys, orjson\nfor line in open(sys.argv[1], 'rb'):\n    try:\n        orjson.loads(line)\n"
    "    except orjson.JSONDecodeError:\n        pass\n"
)


NEAR_DUPLICATES_ON = '[tool.jsonl-lint]\nseverity = {near-duplicate = "warning"}\n'


def bench_hygiene(folder: Path, lines: int) -> None:
    """The default check next to the same check with the near-duplicate rule (JL705, off by
    default) and without the secrets and personal-data rules (JL8): speed ratios and peak RSS."""
    own = folder / "hygiene"  # a folder whose pyproject.toml turns JL705 on
    own.mkdir(exist_ok=True)
    (own / "pyproject.toml").write_text(NEAR_DUPLICATES_ON)
    chat = dataset(own, lines, "chat")
    floor = measure("floor: orjson.loads per line", [sys.executable, "-c", FLOOR_JSONL, str(chat)], chat)
    default = measure("check (default: no JL705)", lint("check", "--ignore", "JL705", str(chat)), chat)
    no_secrets = measure("check --ignore JL705,JL8 (no secrets/personal data)", lint("check", "--ignore", "JL705,JL8", str(chat)), chat)
    near = measure("check + near-duplicates (JL705 on)", lint("check", str(chat)), chat, runs=1)
    print_table(f"near-duplicates and secrets, chat, {lines:,} lines", floor, [default, no_secrets, near])
    engine = subprocess.run(
        [sys.executable, "-c", "from jsonl_lint import minhash; print(minhash.ENGINE)"], capture_output=True, text=True
    ).stdout.strip()
    print(
        f"  speed with JL705 / without: {near.mb_per_s / default.mb_per_s:.2f} (MinHash by {engine}; target at least 0.5 to be on by default)"
    )
    print(f"  speed with JL8 / without: {default.mb_per_s / no_secrets.mb_per_s:.2f}")
    for path in own.iterdir():
        path.unlink()
    own.rmdir()


MAKE_PROBLEMS = """
import sys
with open(sys.argv[1], "wb") as out:
    for _ in range(100):
        out.write(b'{"messages": [{"role": "bot", "content": "x"}]}\\n' * 10_000)
"""
MAKE_HUGE_LINE = """
import sys
words = ("lorem ipsum dolor sit amet " * 4_000_000)[:100_000_000]
with open(sys.argv[1], "w") as out:
    out.write('{"messages": [{"role": "user", "content": "' + words + '"}, {"role": "assistant", "content": "ok"}]}\\n')
"""


def bench_memory(folder: Path) -> None:
    """Peak RSS on hostile shapes (issue: memory bounded by the longest line, not by the file or
    the number of problems): 1M short lines each with a problem, and one 100 MB line with the
    token check on, each next to the orjson floor's RSS on the same file."""
    # Written by a child process: a child's peak RSS counts its parent's at fork (ru_maxrss is
    # kept across exec), so this process must never hold the 100 MB line itself.
    many, huge = folder / "problems-1m.jsonl", folder / "one-100mb-line.jsonl"
    if not many.exists():
        subprocess.run([sys.executable, "-c", MAKE_PROBLEMS, str(many)], check=True)
    if not huge.exists():
        subprocess.run([sys.executable, "-c", MAKE_HUGE_LINE, str(huge)], check=True)
    for label, path, args in (
        ("1M lines, each with a problem: check --format json", many, ["check", "--format", "json", str(many)]),
        ("one 100 MB line, token check on: check --format json", huge, ["check", "--format", "json", str(huge)]),
    ):
        floor = measure("floor: orjson.loads per line", [sys.executable, "-c", FLOOR_JSONL, str(path)], path, runs=1)
        result = measure(f"jsonl-lint {label}", lint(*args), path, runs=1)
        print_table(label, floor, [result])


def bench_stats(folder: Path, lines: int, figures: dict[str, str]) -> None:
    chat = dataset(folder, lines, "chat")
    floor = measure("floor: orjson.loads per line", [sys.executable, "-c", FLOOR_JSONL, str(chat)], chat)
    baseline = measure("baseline: cookbook loop, one process", [sys.executable, "-c", COOKBOOK_STATS, str(chat)], chat)
    results = [measure("jsonl-lint stats (tiktoken o200k_base)", lint("stats", str(chat)), chat)]
    figures[f"stats {lines // 1000}k lines (o200k)"] = (
        f"{figure(results[0], floor)}; {results[0].mb_per_s / baseline.mb_per_s:.2f}x the cookbook loop"
    )
    try:
        model = hf_model(folder, chat)
        results.append(
            measure("jsonl-lint stats --tokenizer (HF, ChatML template)", lint("stats", "--tokenizer", str(model), str(chat)), chat)
        )
        results.append(
            measure(
                "jsonl-lint stats --profile mistral (v3)",
                lint("stats", "--profile", "mistral", "--model", "open-mistral-7b", str(chat)),
                chat,
            )
        )
        results.append(
            measure(
                "jsonl-lint stats --profile mistral (tekken)",
                lint("stats", "--profile", "mistral", "--model", "open-mistral-nemo", str(chat)),
                chat,
            )
        )
    except ImportError as missing:
        print(f"\n(HF and Mistral counting not measured: {missing}; pip install '.[hf,mistral]')")
    print_table(f"stats, chat, {lines:,} lines", baseline, results)


def bench_report(folder: Path, lines: int, figures: dict[str, str]) -> None:
    """`report` (check and stats in one read) next to `check` and `stats` alone on the same file;
    issue 18's target: no slower than the slower of the two plus 20%."""
    chat = dataset(folder, lines, "chat")
    page = folder / "report.html"
    check = measure("jsonl-lint check", lint("check", str(chat)), chat)
    stats = measure("jsonl-lint stats", lint("stats", str(chat)), chat)
    report = measure("jsonl-lint report", lint("report", str(chat), "-o", str(page)), chat)
    print_table(f"report, chat, {lines:,} lines", check, [stats, report])
    slower = max(check.seconds, stats.seconds)
    versus = f"{report.seconds / slower:.2f}x the slower of check and stats (issue 18's target: at most 1.20x)"
    print(f"  report: {versus}")
    figures[f"report {lines // 1000}k lines"] = versus
    page.unlink(missing_ok=True)


CHATML = (
    "{% for message in messages %}<|im_start|>{{ message.role }}\n{{ message.content or '' }}"
    "{% for call in message.tool_calls or [] %}<tool_call>{{ call.function | tojson }}</tool_call>{% endfor %}<|im_end|>\n{% endfor %}"
    "{% if tools %}<|im_start|>tools\n{{ tools | tojson }}<|im_end|>\n{% endif %}"
)


def hf_model(folder: Path, data: Path) -> Path:
    """A byte-level BPE (32k) trained on the data's first lines, with a ChatML template: a model
    folder like a real one, made here (nothing downloaded)."""
    import json

    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    model = folder / "hf-model"
    if (model / "tokenizer.json").exists():
        return model
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=32_000,
        special_tokens=["<|im_start|>", "<|im_end|>"],
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    with open(data, encoding="utf-8") as lines:
        tokenizer.train_from_iterator((line for _, line in zip(range(5_000), lines)), trainer=trainer)
    model.mkdir(exist_ok=True)
    tokenizer.save(str(model / "tokenizer.json"))
    (model / "tokenizer_config.json").write_text(json.dumps({"chat_template": CHATML, "eos_token": "<|im_end|>"}))
    return model


def bench_convert(folder: Path, lines: int, figures: dict[str, str]) -> None:
    legacy = dataset(folder, lines, "prompt-completion")
    out = folder / "converted.jsonl"
    floor = measure("floor: orjson.loads per line", [sys.executable, "-c", FLOOR_JSONL, str(legacy)], legacy)
    result = measure("jsonl-lint convert (whole-file detection)", lint("convert", str(legacy), "-o", str(out)), legacy)
    print_table(f"prompt-completion, {lines:,} lines", floor, [result])
    figures[f"convert prompt-completion {lines // 1000}k"] = figure(result, floor)
    table = dataset(folder, lines, "csv")
    floor = measure("floor: csv.reader per row", [sys.executable, "-c", FLOOR_CSV, str(table)], table)
    result = measure("jsonl-lint convert", lint("convert", str(table), "-o", str(out)), table)
    print_table(f"csv, {lines:,} rows", floor, [result])
    bench_convert_to(folder, min(lines, 100_000), out)
    out.unlink(missing_ok=True)


def bench_convert_to(folder: Path, lines: int, out: Path) -> None:
    """Chat into other trainers' formats (--to), next to the read floor of the same file."""
    chat = dataset(folder, lines, "chat")
    floor = measure("floor: orjson.loads per line", [sys.executable, "-c", FLOOR_JSONL, str(chat)], chat)
    results = [
        # the bench data has weight-0 turns, which only OpenAI's format holds: allow that loss
        measure(
            f"jsonl-lint convert --to {target}", lint("convert", str(chat), "-o", str(out), "--to", target, "--allow-loss", "weight"), chat
        )
        for target in ("openai", "gemini", "bedrock")
    ]
    print_table(f"convert chat --to, {lines:,} lines", floor, results)


if __name__ == "__main__":
    main()
