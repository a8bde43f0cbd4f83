"""jsonl-lint report: the page's numbers are those of `stats --format json` and `check --format json`
on the same files; the Markdown is asserted exactly; the page renders in a real browser."""

from __future__ import annotations

import collections
import datetime
import html
import html.parser
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TEST_ENCODING
from jsonl_lint import __version__
from jsonl_lint.cli import main
from jsonl_lint.review import FIRST_PER_RULE, build
from jsonl_lint.review_render import render_html, render_markdown
from strategies import any_record


def chat(user: str, answer: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]}


def write(path: Path, *records: object) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


def dataset(tmp_path: Path) -> tuple[Path, Path]:
    words = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
    ]
    records: list[object] = [chat(f"Count to {n}", " ".join(words[:n])) for n in range(1, 16)]
    records += [chat("Count to 1", "one"), {"messages": [{"role": "user"}]}, "{not json"]
    train = write(tmp_path / "train.jsonl", *records)
    validation = write(tmp_path / "valid.jsonl", chat("Hi", "Hello"), chat("Count to 2", "one two"))
    return train, validation


FLAGS = ["--encoding", TEST_ENCODING, "--max-tokens", "25"]


class Page(html.parser.HTMLParser):
    """What the tests read back from the page: sections, the verdict, each file's numbers
    (``data-key``/``data-value``), the rules table, the histograms' count labels."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.verdict = ""
        self.numbers: dict[str, dict[str, str]] = collections.defaultdict(dict)  # scope -> key -> value
        self.rules: dict[str, int] = {}
        self.counts: dict[str, list[int]] = collections.defaultdict(list)  # figure caption -> bar counts
        self.text: list[str] = []
        self.scope = "page"
        self.caption = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a.get("id") or "")
            self.scope = a.get("id") or ""
        if tag == "div" and a.get("data-role"):
            self.scope = f"{a['data-role']}:{a['data-path']}"
        if tag == "div" and a.get("data-model"):  # one cost of several (a model each)
            self.scope = f"cost:{a['data-model']}"
        if a.get("id") == "verdict":
            self.verdict = a.get("data-value") or ""
        if tag == "td" and a.get("data-key"):
            self.numbers[self.scope][a["data-key"] or ""] = a.get("data-value") or ""
        if tag == "tr" and a.get("data-code"):
            self._code = a["data-code"]
        if tag == "figcaption":
            self._in = "caption"
        if tag == "text" and a.get("class") == "count":
            self._in = "count"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("figcaption", "text"):
            self._in = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in == "caption":
            self.caption = data.split(" (the model")[0]
        elif self._in == "count":
            self.counts[self.caption].append(int(data.replace(",", "")))


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    main(list(argv))
    return json.loads(capsys.readouterr().out)


def test_page_numbers_are_stats_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    train, validation = dataset(tmp_path)
    page_path = tmp_path / "report.html"
    assert main(["report", *FLAGS, str(train), "--validation", str(validation), "-o", str(page_path)]) == 1  # JL501 is an error
    assert capsys.readouterr().out == ""
    text = page_path.read_text()
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in text and "<script" not in text
    page = Page()
    page.feed(text)
    assert page.sections == ["findings", "shape", "cost"] and page.verdict == "failed"

    stats = run_json(capsys, "stats", *FLAGS, str(train), "--validation", str(validation), "--format", "json")
    for role, file_json in [("training", stats["files"][0]), ("validation", stats["validation"])]:
        numbers = page.numbers[f"{role}:{file_json['path']}"]
        for key in ("examples", "skipped_lines", "examples_over_limit", "tokens_truncated"):
            assert int(numbers[key]) == file_json[key], key
        for key in ("messages_per_example", "tokens_per_example", "trained_tokens_per_example"):
            for point, value in file_json[key].items():
                assert float(numbers[f"{key}.{point}"]) == value, (key, point)
        assert {k.removeprefix("role."): int(v) for k, v in numbers.items() if k.startswith("role.")} == file_json["tokens_per_role"]
        name = file_json["path"]
        assert sum(page.counts[f"tokens per example, {name}"]) == file_json["examples"]
        assert sum(page.counts[f"trained tokens per example, {name}"]) == file_json["examples"]
        assert sum(page.counts[f"messages per example, {name}"]) == file_json["examples"]
    cost = page.numbers["cost"]
    assert int(cost["billed_tokens"]) == stats["billed_tokens"] and int(cost["epochs"]) == stats["epochs"]
    assert (
        float(cost["estimated_cost_usd"]) == stats["estimated_cost_usd"]
        and float(cost["price_per_million_usd"]) == stats["price_per_million_usd"]
    )
    assert int(cost["validation_tokens"]) == stats["validation"]["tokens_per_example"]["total"]
    assert int(cost["examples"]) == stats["examples"]

    problems = run_json(capsys, "check", *FLAGS, str(train), "--validation", str(validation), "--format", "json")
    by_code = collections.Counter(p["code"] for p in problems)
    assert {code: int(v) for code, v in page.numbers["findings"].items()} == dict(by_code)
    assert {"JL101", "JL501", "JL703", "JL004"} <= set(by_code)  # schema, over the limit, duplicate, not JSON
    shown = "".join(page.text)
    for code in by_code:
        for p in [p for p in problems if p["code"] == code][:FIRST_PER_RULE]:
            assert p["message"] in shown and (p["json_path"] or "") in shown
    over = stats["files"][0]["examples_over_limit"]
    assert over > 0 and "Examples over the limit of 25 tokens" in shown
    assert "limit 25" in shown  # drawn on the token histogram


def test_a_clean_file_passes(tmp_path: Path) -> None:
    data = write(tmp_path / "t.jsonl", *[chat(f"Question {n}?", f"Answer {n}.") for n in range(12)])
    out = tmp_path / "r.html"
    assert main(["report", "--encoding", TEST_ENCODING, str(data), "-o", str(out)]) == 0
    page = Page()
    page.feed(out.read_text())
    assert page.verdict == "passed"


def test_no_examples_still_reports_the_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(tmp_path / "t.jsonl", "{not json", {"a": 1})
    assert main(["report", "--encoding", TEST_ENCODING, "--format", "markdown", str(data)]) == 1
    out = capsys.readouterr().out
    assert "JL004" in out and "No statistics: " in out and "## Cost" not in out


def test_standard_input_is_checked_and_counted_in_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Standard input can be read only once: its page has the numbers of `stats` and `check` on
    the same lines as a file."""
    train, _ = dataset(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(train.read_bytes())))
    page_path = tmp_path / "report.html"
    assert main(["report", *FLAGS, "-", "-o", str(page_path)]) == 1
    page = Page()
    page.feed(page_path.read_text())
    stats = run_json(capsys, "stats", *FLAGS, str(train), "--format", "json")
    numbers = page.numbers["training:<stdin>"]
    file_json = stats["files"][0]
    for key in ("examples", "skipped_lines", "examples_over_limit", "tokens_truncated"):
        assert int(numbers[key]) == file_json[key], key
    for point, value in file_json["tokens_per_example"].items():
        assert float(numbers[f"tokens_per_example.{point}"]) == value, point
    assert int(page.numbers["cost"]["billed_tokens"]) == stats["billed_tokens"]
    problems = run_json(capsys, "check", *FLAGS, str(train), "--format", "json")
    assert {code: int(v) for code, v in page.numbers["findings"].items()} == dict(collections.Counter(p["code"] for p in problems))


def test_refuses_to_overwrite_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(tmp_path / "t.jsonl", chat("Hi", "Hello"))
    before = data.read_bytes()
    assert main(["report", "--encoding", TEST_ENCODING, str(data), "-o", str(data)]) == 2
    assert data.read_bytes() == before and capsys.readouterr().err.startswith("jsonl-lint: ")


MARKDOWN = """\
# jsonl-lint report: ❌ failed

| | |
|---|---|
| files | t.jsonl |
| validation | v.jsonl |
| profile | openai |
| model | gpt-4o-mini-2024-07-18 |
| tokenizer | jsonl\\_lint\\_test |
| date | 2026-01-02 |
| jsonl-lint | VERSION |

## jsonl-lint: ❌ failed

4 problems (4 errors) in 2 files, 4 records checked.

| rule | severity | count |
|---|---|---:|
| JL501 too-many-tokens | error | 2 |
| JL101 schema | error | 1 |
| JL701 too-few-examples | error | 1 |

### Problems

| file | line | rule | message |
|---|---:|---|---|
| t.jsonl | 2 | JL501 | the example has 20 tokens but gpt-4o-mini-2024-07-18 takes at most 14 per example: training would cut off the last 6 (usually the assistant's answer) |
| t.jsonl | 3 | JL101 | messages\\[0\\] (user message) is missing the required key "content" |
| t.jsonl |  | JL701 | the file has 3 examples; openai needs at least 10 |
| v.jsonl | 1 | JL501 | the example has 15 tokens but gpt-4o-mini-2024-07-18 takes at most 14 per example: training would cut off the last 1 (usually the assistant's answer) |

## Shape

### training: t.jsonl (chat)

2 examples, 1 line skipped (not valid examples); 1 example over the limit, 6 tokens training would cut.

| | min | p10 | p50 | p90 | p99 | max | mean | total |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
| messages per example | 2 | 2 | 2 | 2 | 2 | 2 | 2.0 | 4 |
| tokens per example | 13 | 13 | 13 | 20 | 20 | 20 | 16.5 | 33 |
| trained tokens per example | 5 | 5 | 5 | 9 | 9 | 9 | 7.0 | 14 |

| role | tokens |
|---|---:|
| assistant | 14 |
| user | 13 |

messages per example:

```text
         messages  examples
                2  ██████████████████████████████ 2
```

tokens per example:

```text
           tokens  examples
               13  ██████████████████████████████ 1
               14                                 0
---- limit 14 ----
               15                                 0
               16                                 0
               17                                 0
               18                                 0
               19                                 0
               20  ██████████████████████████████ 1
```

trained tokens per example:

```text
           tokens  examples
                5  ██████████████████████████████ 1
                6                                 0
                7                                 0
                8                                 0
                9  ██████████████████████████████ 1
```

Examples over the limit of 14 tokens:

| line | tokens | tokens training would cut |
|---:|---:|---:|
| 2 | 20 | 6 |

### validation: v.jsonl (chat)

1 example; 1 example over the limit, 1 token training would cut.

| | min | p10 | p50 | p90 | p99 | max | mean | total |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
| messages per example | 2 | 2 | 2 | 2 | 2 | 2 | 2.0 | 2 |
| tokens per example | 15 | 15 | 15 | 15 | 15 | 15 | 15.0 | 15 |
| trained tokens per example | 6 | 6 | 6 | 6 | 6 | 6 | 6.0 | 6 |

| role | tokens |
|---|---:|
| assistant | 6 |
| user | 6 |

messages per example:

```text
         messages  examples
                2  ██████████████████████████████ 1
```

tokens per example:

```text
           tokens  examples
---- limit 14 ----
               15  ██████████████████████████████ 1
```

trained tokens per example:

```text
           tokens  examples
                6  ██████████████████████████████ 1
```

Examples over the limit of 14 tokens:

| line | tokens | tokens training would cut |
|---:|---:|---:|
| 1 | 15 | 1 |

## Cost

| | |
|---|---|
| price | $3 per 1M training tokens (prices of 2025-11) |
| training examples | 2 |
| epochs | 25 (OpenAI's default for 2 examples: 3, more when examples × 3 is under 100, fewer when it is over 25,000) |
| billed tokens (epochs × tokens per example, each capped at the limit) | 675 |
| estimated cost | $0.0020 |
| validation (v.jsonl): not billed | 15 tokens in 1 example |

Token counts estimate the server's (see the README); prices change.
"""


def test_markdown_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "t.jsonl", chat("Hi", "Hello"), chat("Count to 5", "one two three four five"), {"messages": [{"role": "user"}]})
    write(tmp_path / "v.jsonl", chat("Yo", "Hey"))
    review = build(["t.jsonl"], {"encoding": TEST_ENCODING, "max_tokens": 14}, validation="v.jsonl", today=datetime.date(2026, 1, 2))
    out = io.StringIO()
    render_markdown(review, out)
    assert out.getvalue() == MARKDOWN.replace("VERSION", __version__)
    # Its findings are exactly what `check --format markdown` writes for the same files.
    main(["check", "--encoding", TEST_ENCODING, "--max-tokens", "14", "--validation", "v.jsonl", "--format", "markdown", "t.jsonl"])
    assert capsys.readouterr().out.rstrip("\n") in out.getvalue()


# Run in the page (a copy of it): each histogram count label's box, style and place in its chart,
# and any script error, written into the DOM that --dump-dom prints.
PROBE = """<script>
window.__errors = [];
window.addEventListener("error", e => window.__errors.push(String(e.message)));
window.addEventListener("load", () => {
  const labels = [...document.querySelectorAll("svg text.count")].map(t => {
    const r = t.getBoundingClientRect(), box = t.closest("svg").getBoundingClientRect(), s = getComputedStyle(t);
    const shown = r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none" && parseFloat(s.opacity) > 0;
    const inside = r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom;
    return {text: t.textContent, visible: shown && inside};
  });
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({labels, errors: window.__errors, charts: document.querySelectorAll("svg").length});
  document.body.appendChild(out);
});
</script>"""


def _browser() -> str | None:
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


def test_the_page_renders_in_a_browser_with_visible_counts(tmp_path: Path) -> None:
    browser = _browser()
    if browser is None:
        pytest.skip("no Chromium found (Debian: apt-get install chromium; .ci/run installs it)")
    train, validation = dataset(tmp_path)
    page_path = tmp_path / "report.html"
    assert main(["report", *FLAGS, str(train), "--validation", str(validation), "-o", str(page_path)]) == 1
    page = Page()
    page.feed(page_path.read_text())
    probed = tmp_path / "probed.html"
    probed.write_text(page_path.read_text().replace("</head>", PROBE + "</head>", 1))
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
    ]
    done = subprocess.run([browser, *flags, "--dump-dom", probed.as_uri()], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found is not None, done.stdout[-2000:]
    result = json.loads(html.unescape(found.group(1)))
    assert result["errors"] == [] and ":CONSOLE" not in done.stderr
    assert result["charts"] == 6  # messages, tokens and trained tokens of the training and validation files
    labels = result["labels"]
    assert labels and all(label["visible"] for label in labels)
    assert [int(label["text"]) for label in labels] == [n for counts in page.counts.values() for n in counts]


HOSTILE = st.sampled_from(
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "| a | b |\n## heading", "`code`", "&amp;", "\u202e", "]]>"]
)
LINES = st.one_of(
    any_record("chat").map(lambda record: json.dumps(record).encode()),
    HOSTILE.map(lambda text: json.dumps(chat(text, text)).encode()),
    HOSTILE.map(lambda text: json.dumps({text: text}).encode()),
    HOSTILE.map(str.encode),
    st.binary(max_size=20),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINES, max_size=12), name=HOSTILE)
def test_hostile_data_and_names_stay_text(tmp_path: Path, lines: list[bytes], name: str) -> None:
    """Whatever the lines and the file's name hold, both formats render, and no tag or Markdown
    structure comes from the data: the page's tags are the renderer's own, the Markdown has no '<'."""
    folder = tmp_path / str(abs(hash((tuple(lines), name))))
    folder.mkdir(exist_ok=True)
    data = folder / (name.replace("/", "_") + ".jsonl")
    data.write_bytes(b"".join(line.replace(b"\n", b" ") + b"\n" for line in lines))
    review = build([str(data)], {"encoding": TEST_ENCODING, "max_tokens": 40}, today=datetime.date(2026, 1, 2))
    page, markdown = io.StringIO(), io.StringIO()
    render_html(review, page)
    render_markdown(review, markdown)
    tags = Tags()
    tags.feed(page.getvalue())
    assert tags.found <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "table",
        "tr",
        "th",
        "td",
        "code",
        "section",
        "div",
        "figure",
        "figcaption",
        "svg",
        "line",
        "rect",
        "text",
    }
    assert "onerror" not in tags.attributes
    assert "<" not in markdown.getvalue().replace("<stdin>", "")


class Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.add(tag)
        self.attributes.update(name for name, _ in attrs)
