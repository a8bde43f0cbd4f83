"""jsonl-lint stats: numbers computed by hand, the epoch rule at its boundaries, cost, HTML."""

from __future__ import annotations

import html.parser
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import TEST_ENCODING
from jsonl_lint import parallel, source, tokens
from jsonl_lint.cli import main
from jsonl_lint.stats import compute, default_epochs, percentile
from strategies import VALID


def enc(text: str) -> int:
    return len(tokens.encoding(TEST_ENCODING).encode_ordinary(text))


@pytest.mark.parametrize(
    ("examples", "epochs"),
    [(0, 3), (1, 25), (4, 25), (5, 20), (33, 3), (34, 3), (8_333, 3), (8_334, 2), (12_500, 2), (12_501, 1), (25_001, 1)],
)
def test_default_epochs_at_the_boundaries(examples: int, epochs: int) -> None:
    # n*3 < 100: min(25, 100 // n); n*3 > 25,000: max(1, 25,000 // n); else 3
    assert default_epochs(examples) == epochs


def test_nearest_rank_percentiles() -> None:
    values = list(range(1, 11))
    assert [percentile(values, p) for p in (10, 50, 90, 99, 100)] == [1, 5, 9, 10, 10]
    assert percentile([7], 50) == 7 and percentile([], 50) == 0


def write(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_numbers_by_hand(tmp_path: Path) -> None:
    one = {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello there"},
        ]
    }
    two = {
        "messages": [
            {"role": "user", "content": "Bye"},
            {"role": "assistant", "content": "x", "weight": 0},
            {"role": "user", "content": "Really?"},
            {"role": "assistant", "content": "Goodbye"},
        ]
    }
    data = write(tmp_path / "t.jsonl", one, two, {"not": "an example"})
    report = compute([str(data)], encoding=TEST_ENCODING)
    [stats] = report.training
    system = 3 + enc("system") + enc("Be brief.")
    user = lambda t: 3 + enc("user") + enc(t)
    assistant = lambda t: 3 + enc("assistant") + enc(t)
    first = 3 + system + user("Hi") + assistant("Hello there")
    second = 3 + user("Bye") + assistant("x") + user("Really?") + assistant("Goodbye")
    assert (stats.examples, stats.skipped) == (2, 1)
    assert stats.token_counts == (first, second)
    assert stats.trained_counts == (assistant("Hello there"), assistant("Goodbye"))  # weight 0 is not trained
    assert (stats.messages.min, stats.messages.max, stats.messages.total) == (3, 4, 7)
    assert stats.tokens.percentiles[50] == min(first, second) and stats.tokens.max == max(first, second)
    e = report.estimate
    assert e.epochs == 25 and e.billed_tokens == 25 * (first + second)  # 2 examples: min(25, 100 // 2)
    assert e.cost_usd == pytest.approx(25 * (first + second) / 1e6 * 3.00) and e.price_date == "2025-11"


def test_truncation_and_billing_cap(tmp_path: Path) -> None:
    long = {"messages": [{"role": "user", "content": "count"}, {"role": "assistant", "content": "one two three four five six seven eight"}]}
    data = write(tmp_path / "t.jsonl", long)
    report = compute([str(data)], max_tokens=10, epochs=2, encoding=TEST_ENCODING)
    [stats] = report.training
    count = stats.token_counts[0]
    assert count > 10 and (stats.over_limit, stats.truncated_tokens) == (1, count - 10)
    assert report.estimate.billed_tokens == 2 * 10 and report.estimate.epochs_given


def test_validation_is_counted_not_billed(tmp_path: Path) -> None:
    record = {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}
    train, valid = write(tmp_path / "t.jsonl", record), write(tmp_path / "v.jsonl", record, record)
    report = compute([str(train)], validation=str(valid), epochs=1, encoding=TEST_ENCODING)
    assert report.validation is not None and report.validation.examples == 2
    assert report.estimate.billed_tokens == report.training[0].tokens.total


def test_prompt_completion_and_preference(tmp_path: Path) -> None:
    data = write(tmp_path / "c.jsonl", {"prompt": "a b", "completion": " c"})
    [stats] = compute([str(data)], model="davinci-002", encoding=TEST_ENCODING).training
    cl = tokens.encoding(TEST_ENCODING).encode_ordinary
    assert stats.token_counts == (len(cl("a b")) + len(cl(" c")),) and stats.trained_counts == (len(cl(" c")),)
    pref = {
        "input": {"messages": [{"role": "user", "content": "Hi"}]},
        "preferred_output": [{"role": "assistant", "content": "Hello"}],
        "non_preferred_output": [{"role": "assistant", "content": "Go"}],
    }
    [stats] = compute([str(write(tmp_path / "p.jsonl", pref))], encoding=TEST_ENCODING).training
    assert stats.trained_counts == (3 + enc("assistant") + enc("Hello") + 3 + enc("assistant") + enc("Go"),)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(record=VALID["chat"])
def test_stats_count_equals_the_checkers(record: dict[str, object]) -> None:
    """A fresh counter (as stats makes per block) gives the same total as the token-budget rule's,
    whose cache is warm from earlier examples."""
    assert tokens.TokenCounter(TEST_ENCODING, "chat").example(record)[1] == tokens.count_tokens(record, "chat", TEST_ENCODING)


def test_workers_give_the_same_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "BLOCK_BYTES", 2 << 10)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 4 << 10)
    records = [
        {
            "messages": [
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": f"q{i} " * (i % 40)},
                {"role": "assistant", "content": f"a{i} " * (i % 25 + 1)},
            ]
        }
        for i in range(800)
    ]
    data = write(tmp_path / "t.jsonl", *records)
    assert compute([str(data)], jobs=2, encoding=TEST_ENCODING) == compute([str(data)], jobs=1, encoding=TEST_ENCODING)


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.external += [v for k, v in attrs if k in ("src", "href") and v]


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    record = {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b c"}]}
    data = write(tmp_path / "t.jsonl", record, record)
    assert main(["stats", "--encoding", TEST_ENCODING, "--format", "html", "--output-file", str(tmp_path / "r.html"), str(data)]) == 0
    page = (tmp_path / "r.html").read_text()
    parser = _Tags()
    parser.feed(page)
    assert page.startswith("<!DOCTYPE html>") and parser.tags.count("svg") == 2 and "table" in parser.tags
    assert parser.external == [] and "<script" not in page
    assert '<table id="summary">' in page and "2025-11" in page


def test_json_report_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(tmp_path / "t.jsonl", {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})
    assert main(["stats", "--encoding", TEST_ENCODING, "--format", "json", str(data)]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("examples", "tokens_total", "tokens_trained", "epochs", "billed_tokens", "estimated_cost_usd", "price_date"):
        assert key in report
    assert (report["examples"], report["epochs"], report["price_date"]) == (1, 25, "2025-11")
    assert report["billed_tokens"] == 25 * report["tokens_total"]


def test_text_report_draws_a_histogram(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(
        tmp_path / "t.jsonl",
        *({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b " * i}]} for i in range(1, 30)),
    )
    assert main(["stats", "--encoding", TEST_ENCODING, str(data)]) == 0
    out = capsys.readouterr().out
    assert "tokens per example:" in out and "█" in out
    assert "estimated cost ≈ $" in out and "(prices of 2025-11)" in out


def test_model_without_price(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(
        tmp_path / "t.jsonl", {"messages": [{"role": "developer", "content": "x"}, {"role": "user", "content": "q"}], "answer": "4"}
    )
    assert main(["stats", "--encoding", TEST_ENCODING, "--model", "o4-mini", str(data)]) == 0
    assert "estimated cost: no price known for this model" in capsys.readouterr().out


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from jsonl_lint import stats

    quiet = stats.Progress(1 << 30)  # captured stderr is not a terminal
    quiet(1 << 29)
    quiet.close()
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(stats.sys.stderr, "isatty", lambda: True)
    bar = stats.Progress(1 << 30)
    bar(1 << 29)
    assert "counting tokens |" + "█" * 15 in capsys.readouterr().err
    small = stats.Progress(1000)  # a short file needs no bar
    small(500)
    assert capsys.readouterr().err == ""


def test_output_file_in_a_missing_folder_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(tmp_path / "t.jsonl", {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})
    assert main(["stats", "--encoding", TEST_ENCODING, "--output-file", str(tmp_path / "no" / "r.txt"), str(data)]) == 2
    assert capsys.readouterr().err == f"jsonl-lint: {tmp_path / 'no' / 'r.txt'}: cannot write: No such file or directory\n"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "$0.00"),
        (0.000974, "$0.00097"),
        (0.0042, "$0.0042"),
        (0.05, "$0.050"),
        (0.5, "$0.50"),
        (0.996, "$1.00"),
        (12.345, "$12.35"),
        (1234.5, "$1,234.50"),
    ],
)
def test_cost_shows_two_significant_digits_below_a_dollar(amount: float, shown: str) -> None:
    from jsonl_lint.stats_render import dollars

    assert dollars(amount) == shown


def test_one_is_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(tmp_path / "t.jsonl", {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}, {"x": 1})
    assert main(["stats", "--encoding", TEST_ENCODING, str(data)]) == 0
    assert "  examples               1 (1 line skipped: not valid examples)\n" in capsys.readouterr().out
    one = write(tmp_path / "one.jsonl", {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})
    assert main(["split", str(one), "--train", str(tmp_path / "a.jsonl"), "--validation", str(tmp_path / "b.jsonl")]) == 0
    assert capsys.readouterr().err.splitlines() == [
        f"{tmp_path / 'a.jsonl'}: 1 example (88 bytes)",
        f"{tmp_path / 'b.jsonl'}: 0 examples (0 bytes, 0.0%)",
    ]


def test_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import sys

    record = b'{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(record * 3)))
    assert main(["stats", "--encoding", TEST_ENCODING, "--format", "json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["examples"] == 3


def test_a_fine_tuned_model_is_its_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(tmp_path / "t.jsonl", {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})
    assert main(["stats", "--encoding", TEST_ENCODING, "--format", "json", "--model", "ft:gpt-4o-mini-2024-07-18:org::abc", str(data)]) == 0
    assert json.loads(capsys.readouterr().out)["model"] == "gpt-4o-mini-2024-07-18"
    assert main(["check", "--model", "ft:gpt-3.5-turbo-0613:org:suffix:abc", "--select", "JL103", str(data)]) == 0


def test_offline_hint_names_what_stats_can_do(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import ROOT

    data = write(tmp_path / "t.jsonl", {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})
    env = {
        "PATH": "/usr/bin:/bin",
        "TIKTOKEN_CACHE_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
    }
    result = subprocess.run([sys.executable, "-m", "jsonl_lint", "stats", str(data)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert re.fullmatch(
        r"jsonl-lint: cannot load the tiktoken encoding 'o200k_base' \(\w+\); stats counts tokens with it\. "
        r"On a machine without internet, set TIKTOKEN_CACHE_DIR to a folder that holds it under "
        r"tiktoken's cache name\n",
        result.stderr,
    )
