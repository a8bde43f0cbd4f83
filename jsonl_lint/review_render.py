"""The review report as one self-contained HTML page (no script, no external asset: it reads
offline and prints, every count is text on the page) or as Markdown for a CI step summary."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import TextIO

from jsonl_lint.problems import Severity
from jsonl_lint.report.markdown_format import cell
from jsonl_lint.review import Review
from jsonl_lint.stats import DEFAULT_EPOCHS, PERCENTILES, Distribution, Estimate, FileStats, StatsReport
from jsonl_lint.stats_render import counted, dollars, histogram

BINS = 12
OVER_LISTED = 50  # examples over the limit listed by line; the rest are counted
BAR = "█"


def _kinds(review: Review) -> str:
    """ "2 errors, 1 info": the problems by severity, worst first ("info" takes no plural)."""
    by = review.findings.by_severity
    return ", ".join(f"{by[s]:,} info" if s is Severity.INFO else counted(by[s], s.label) for s in sorted(by, reverse=True) if by[s])


def _validation_text(v: FileStats) -> str:
    return f"{v.tokens.total:,} tokens in {counted(v.examples, 'example')}"


def _verdict(review: Review) -> str:
    return "passed" if review.passed else "failed"


def _header_rows(review: Review) -> list[tuple[str, str]]:
    rows = [("files", ", ".join(review.files))]
    if review.validation:
        rows.append(("validation", review.validation))
    rows += [
        ("profile", review.profile),
        ("model", review.model),
        ("tokenizer", review.tokenizer or "none (no statistics)"),
        ("date", review.date),
        ("jsonl-lint", review.version),
    ]
    return rows


def _epochs_rule(e: Estimate, examples: int) -> str:
    if e.epochs_given:
        return f"{e.epochs} (given with --epochs)"
    return (
        f"{e.epochs} (OpenAI's default for {counted(examples, 'example')}: {DEFAULT_EPOCHS}, "
        "more when examples × 3 is under 100, fewer when it is over 25,000)"
    )


def _distributions(stats: FileStats) -> list[tuple[str, Distribution]]:
    return [("messages per example", stats.messages), ("tokens per example", stats.tokens), ("trained tokens per example", stats.trained)]


def _files(review: Review) -> list[tuple[str, FileStats]]:
    """(role, statistics) of each counted file: the training files, then the validation file."""
    training = [("training", f) for run in review.runs for f in run.training]
    return training + [("validation", run.validation) for run in review.runs if run.validation is not None]


def _charts(stats: FileStats) -> list[tuple[str, str, tuple[int, ...], bool]]:
    """(title, unit, values, draws the limit) of each histogram of a file."""
    return [
        ("messages per example", "messages", stats.message_counts, False),
        ("tokens per example", "tokens", stats.token_counts, True),
        ("trained tokens per example", "tokens", stats.trained_counts, False),
    ]


# --- HTML -------------------------------------------------------------------------------------

STYLE = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:62em;color:#111}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:right;vertical-align:top}
th{text-align:left;background:#f3f3f3}td.text{text-align:left}.verdict{font-size:1.4em;font-weight:bold;padding:.3em .6em;display:inline-block}
.pass{color:#0a5d1e;border:2px solid #0a5d1e}.fail{color:#a00;border:2px solid #a00}figure{margin:1em 0;page-break-inside:avoid}
code{font-size:.9em}section{margin-top:2em}@media print{body{margin:0}}"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _num(key: str, value: int | float | None, shown: str | None = None) -> str:
    """A cell whose number a test or script can read back (``data-key``/``data-value``)."""
    text = shown if shown is not None else ("unknown" if value is None else f"{value:,}")
    raw = "" if value is None else str(value)
    return f'<td data-key="{_e(key)}" data-value="{_e(raw)}">{_e(text)}</td>'


def _svg_histogram(values: Sequence[int], title: str, unit: str, limit: int | None) -> str:
    bins = histogram(values, bins=BINS)
    if not bins:
        return ""
    width, height, left, right, top, bottom = 720, 290, 56, 16, 28, 74
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(c for _, _, c in bins) or 1
    span_low, span_high = bins[0][0], bins[-1][1] + 1
    scale = plot_w / max(1, span_high - span_low)
    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>',
    ]
    for low, high, count in bins:
        x0, x1 = left + (low - span_low) * scale, left + (high + 1 - span_low) * scale
        h = plot_h * count / peak
        y = top + plot_h - h
        parts.append(
            f'<rect x="{x0 + 1:.1f}" y="{y:.1f}" width="{max(1.0, x1 - x0 - 2):.1f}" height="{h:.1f}" fill="#4c78a8">'
            f"<title>{low:,}–{high:,} {unit}: {counted(count, 'example')}</title></rect>"
        )
        parts.append(f'<text class="count" x="{(x0 + x1) / 2:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle">{count:,}</text>')
        label = f"{low:,}" if low == high else f"{low:,}–{high:,}"
        parts.append(
            f'<text x="{(x0 + x1) / 2:.1f}" y="{top + plot_h + 14}" font-size="9" text-anchor="end" '
            f'transform="rotate(-30 {(x0 + x1) / 2:.1f} {top + plot_h + 14})">{label}</text>'
        )
    parts.append(f'<text x="{left + plot_w / 2}" y="{height - 6}" font-size="12" text-anchor="middle">{_e(unit)} per example</text>')
    parts.append(
        f'<text x="14" y="{top + plot_h / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 {top + plot_h / 2})">examples</text>'
    )
    parts.append(
        f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end">{peak:,}</text>'
        f'<text x="{left - 4}" y="{top + plot_h}" font-size="10" text-anchor="end">0</text>'
    )
    caption = _e(title)
    if limit is not None:
        if span_low <= limit < span_high:
            x = left + (limit + 1 - span_low) * scale
            parts.append(
                f'<line class="limit" x1="{x:.1f}" y1="{top - 10}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#c00" stroke-width="2" stroke-dasharray="6 3"/>'
                f'<text x="{x:.1f}" y="{top - 14}" font-size="11" fill="#c00" text-anchor="middle">limit {limit:,}</text>'
            )
        where = ", no example is over it" if limit >= span_high - 1 else ", every example is over it" if limit < span_low else ""
        caption += f" (the model's limit: {limit:,} tokens{where})"
    return (
        f'<figure><figcaption>{caption}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">{"".join(parts)}</svg></figure>'
    )


def _html_header(review: Review) -> list[str]:
    verdict = _verdict(review)
    css = "pass" if review.passed else "fail"
    rows = "".join(f'<tr><th>{_e(k)}</th><td class="text">{_e(v)}</td></tr>' for k, v in _header_rows(review))
    return [
        "<h1>jsonl-lint report</h1>",
        f'<p id="verdict" class="verdict {css}" data-value="{verdict}">{verdict.upper()}</p>',
        f'<table id="header">{rows}</table>',
    ]


def _html_findings(review: Review) -> list[str]:
    f = review.findings
    parts = ['<section id="findings"><h2>Findings</h2>']
    kinds = _kinds(review)
    parts.append(
        f"<p>{_e(counted(f.total, 'problem'))}{_e(f' ({kinds})' if kinds else '')} in {_e(counted(len(review.reports), 'file'))}, "
        f"{_e(counted(review.records, 'record'))} checked.</p>"
    )
    if f.total:
        parts.append('<table id="rules"><tr><th>rule</th><th>severity</th><th>count</th></tr>')
        for (code, rule, severity), count in f.rules():
            parts.append(
                f'<tr data-code="{_e(code)}"><td class="text">{_e(code)} {_e(rule)}</td><td class="text">{severity.label}</td>{_num(code, count)}</tr>'
            )
        parts.append("</table>")
        for (code, rule, _), count in f.rules():
            shown = f.first[code]
            more = f" (the first {len(shown)} of {count:,})" if count > len(shown) else ""
            parts.append(
                f'<h3 id="rule-{_e(code)}">{_e(code)} {_e(rule)}{_e(more)}</h3>'
                "<table><tr><th>file</th><th>line</th><th>JSON path</th><th>message</th></tr>"
            )
            for p in shown:
                parts.append(
                    f'<tr><td class="text">{_e(p.path)}</td><td>{"" if p.line is None else p.line}</td>'
                    f'<td class="text"><code>{_e(p.json_path or "")}</code></td><td class="text">{_e(p.message)}</td></tr>'
                )
            parts.append("</table>")
    parts.append("</section>")
    return parts


def _html_file(stats: FileStats, role: str, limit: int | None) -> list[str]:
    name = "<stdin>" if stats.path == "-" else stats.path
    parts = [
        f'<div class="file" data-role="{role}" data-path="{_e(stats.path)}"><h3>{_e(role)}: {_e(name)} ({_e(stats.data_format)})</h3>',
        "<table><tr><th></th><th>count</th></tr>",
        f"<tr><th>examples</th>{_num('examples', stats.examples)}</tr>",
        f"<tr><th>lines skipped (not valid examples)</th>{_num('skipped_lines', stats.skipped)}</tr>",
        f"<tr><th>examples over the limit</th>{_num('examples_over_limit', stats.over_limit)}</tr>",
        f"<tr><th>tokens training would cut</th>{_num('tokens_truncated', stats.truncated_tokens)}</tr></table>",
        "<table><tr><th></th><th>min</th>"
        + "".join(f"<th>p{p}</th>" for p in PERCENTILES)
        + "<th>max</th><th>mean</th><th>total</th></tr>",
    ]
    for label, d in _distributions(stats):
        key = label.replace(" ", "_")
        cells = "".join(
            _num(f"{key}.{k}", v) for k, v in (("min", d.min), *((f"p{p}", d.percentiles[p]) for p in PERCENTILES), ("max", d.max))
        )
        parts.append(
            f"<tr><th>{label}</th>{cells}{_num(f'{key}.mean', round(d.mean, 3), f'{d.mean:,.1f}')}{_num(f'{key}.total', d.total)}</tr>"
        )
    parts.append("</table>")
    if stats.roles:
        parts.append(
            "<table><tr><th>role</th><th>tokens</th></tr>"
            + "".join(f'<tr><td class="text">{_e(r)}</td>{_num(f"role.{r}", c)}</tr>' for r, c in sorted(stats.roles.items()))
            + "</table>"
        )
    for title, unit, values, draws_limit in _charts(stats):
        parts.append(_svg_histogram(values, f"{title}, {name}", unit, limit if draws_limit else None))
    if stats.over_examples and limit is not None:
        shown = stats.over_examples[:OVER_LISTED]
        more = f" (the first {len(shown)} of {stats.over_limit:,})" if stats.over_limit > len(shown) else ""
        parts.append(
            f"<h4>Examples over the limit of {limit:,} tokens{_e(more)}</h4>"
            '<table class="over"><tr><th>line</th><th>tokens</th><th>tokens training would cut</th></tr>'
        )
        parts += [f"<tr><td>{line}</td><td>{count:,}</td><td>{count - limit:,}</td></tr>" for line, count in shown]
        parts.append("</table>")
    parts.append("</div>")
    return parts


def _run_title(run: StatsReport) -> str:
    return f"{run.estimate.model} ({', '.join(f.path for f in run.training)})"


def _html_cost(review: Review) -> list[str]:
    parts = ['<section id="cost"><h2>Cost</h2>']
    several = len(review.runs) > 1
    if several:
        parts.append(f"<p>The files have {len(review.runs)} target models: a cost for each.</p>")
    for run in review.runs:
        if several:
            parts.append(f'<div class="run" data-model="{_e(run.estimate.model)}"><h3>{_e(_run_title(run))}</h3>')
        parts += _html_run_cost(run)
        if several:
            parts.append("</div>")
    parts.append("</section>")
    return parts


def _price(stats: StatsReport) -> str:
    e = stats.estimate
    if e.price_per_million is None:
        return "unknown for this model"
    return f"${e.price_per_million:g} per 1M training tokens (prices of {e.price_date})"


def _html_run_cost(stats: StatsReport) -> list[str]:
    e = stats.estimate
    examples = sum(f.examples for f in stats.training)
    price = _price(stats)
    cost = "unknown" if e.cost_usd is None else dollars(e.cost_usd)
    parts = [
        "<table>",
        f'<tr><th>price</th><td class="text" data-key="price_per_million_usd" data-value="{_e(e.price_per_million or "")}">{_e(price)}</td></tr>',
        f"<tr><th>training examples</th>{_num('examples', examples)}</tr>",
        f'<tr><th>epochs</th><td class="text" data-key="epochs" data-value="{e.epochs}">{_e(_epochs_rule(e, examples))}</td></tr>',
        f"<tr><th>billed tokens (epochs × tokens per example, each capped at the limit)</th>{_num('billed_tokens', e.billed_tokens)}</tr>",
        f"<tr><th>estimated cost</th>{_num('estimated_cost_usd', None if e.cost_usd is None else round(e.cost_usd, 4), cost)}</tr>",
    ]
    if stats.validation is not None:
        v = stats.validation
        parts.append(
            f"<tr><th>validation ({_e(v.path)}): not billed</th>{_num('validation_tokens', v.tokens.total, _validation_text(v))}</tr>"
        )
    parts.append("</table>")
    parts.append(
        f"<p>Token counts {_e(e.counting)}; prices change.</p>"
        if e.counting
        else "<p>Token counts are the tokenizer's own; prices change.</p>"
    )
    return parts


def render_html(review: Review, out: TextIO) -> None:
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="en"><head><meta charset="utf-8"><title>jsonl-lint report: {_verdict(review)}</title>',
        f"<style>{STYLE}</style></head><body>",
    ]
    parts += _html_header(review)
    parts += _html_findings(review)
    parts.append('<section id="shape"><h2>Shape</h2>')
    if not review.runs:
        parts.append(f"<p>No statistics: {_e(review.stats_error)}</p>")
    for role, stats in _files(review):
        parts += _html_file(stats, role, review.limits.get(stats.path))
    parts.append("</section>")
    if review.runs:
        parts += _html_cost(review)
    parts.append("</body></html>")
    out.write("\n".join(parts) + "\n")


# --- Markdown ---------------------------------------------------------------------------------


def _text_histogram(values: Sequence[int], unit: str, limit: int | None) -> list[str]:
    """A histogram as lines of a code block: range, bar, count; the limit as a line of its own."""
    bins = histogram(values, bins=BINS)
    if not bins:
        return []
    peak = max(c for _, _, c in bins) or 1
    lines = [f"{unit:>17}  examples"]
    marked = limit is None
    for low, high, count in bins:
        if not marked and limit is not None and limit < low:
            lines.append(f"---- limit {limit:,} ----")
            marked = True
        span = f"{low:,}" if low == high else f"{low:,}-{high:,}"
        lines.append(f"{span:>17}  {BAR * max(1 if count else 0, round(count / peak * 30)):<30} {count:,}")
        if not marked and limit is not None and low <= limit < high:
            lines.append(f"---- limit {limit:,} (inside the bin above) ----")
            marked = True
    if not marked and limit is not None:
        lines.append(f"---- limit {limit:,} (no example is over it) ----")
    return lines


def _markdown_file(stats: FileStats, role: str, limit: int | None) -> list[str]:
    name = "<stdin>" if stats.path == "-" else stats.path
    out = [
        f"### {role}: {cell(name)} ({stats.data_format})",
        "",
        f"{counted(stats.examples, 'example')}"
        + (f", {counted(stats.skipped, 'line')} skipped (not valid examples)" if stats.skipped else "")
        + (
            f"; {counted(stats.over_limit, 'example')} over the limit, {counted(stats.truncated_tokens, 'token')} training would cut"
            if stats.over_limit
            else ""
        )
        + ".",
        "",
        "| | min | " + " | ".join(f"p{p}" for p in PERCENTILES) + " | max | mean | total |",
        "|---|" + "---:|" * (len(PERCENTILES) + 4),
    ]
    for label, d in _distributions(stats):
        row = " | ".join(f"{v:,}" for v in (d.min, *(d.percentiles[p] for p in PERCENTILES), d.max))
        out.append(f"| {label} | {row} | {d.mean:,.1f} | {d.total:,} |")
    if stats.roles:
        out += ["", "| role | tokens |", "|---|---:|"] + [f"| {cell(r)} | {c:,} |" for r, c in sorted(stats.roles.items())]
    for title, unit, values, draws_limit in _charts(stats):
        drawn = _text_histogram(values, unit, limit if draws_limit else None)
        if drawn:
            out += ["", f"{title}:", "", "```text", *drawn, "```"]
    if stats.over_examples and limit is not None:
        shown = stats.over_examples[:OVER_LISTED]
        more = f" (the first {len(shown)} of {stats.over_limit:,})" if stats.over_limit > len(shown) else ""
        out += [
            "",
            f"Examples over the limit of {limit:,} tokens{more}:",
            "",
            "| line | tokens | tokens training would cut |",
            "|---:|---:|---:|",
        ]
        out += [f"| {line} | {count:,} | {count - limit:,} |" for line, count in shown]
    out.append("")
    return out


def render_markdown(review: Review, out: TextIO) -> None:
    """The page's content in Markdown; its findings are `check --format markdown`'s summary."""
    lines = [f"# jsonl-lint report: {'✅ passed' if review.passed else '❌ failed'}", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {cell(v)} |" for k, v in _header_rows(review)]
    lines += ["", review.findings.markdown.rstrip("\n"), "", "## Shape", ""]
    if not review.runs:
        lines += [f"No statistics: {cell(review.stats_error or '')}", ""]
    for role, file_stats in _files(review):
        lines += _markdown_file(file_stats, role, review.limits.get(file_stats.path))
    if review.runs:
        lines += ["## Cost", ""]
        if len(review.runs) > 1:
            lines += [f"The files have {len(review.runs)} target models: a cost for each.", ""]
    for number, run in enumerate(review.runs):
        if len(review.runs) > 1:
            lines += [""] * bool(number) + [f"### {cell(_run_title(run))}", ""]
        lines += _markdown_run_cost(run)
    out.write("\n".join(lines) + "\n")


def _markdown_run_cost(stats: StatsReport) -> list[str]:
    e = stats.estimate
    examples = sum(f.examples for f in stats.training)
    price = _price(stats)
    lines = [
        "| | |",
        "|---|---|",
        f"| price | {price} |",
        f"| training examples | {examples:,} |",
        f"| epochs | {_epochs_rule(e, examples)} |",
        f"| billed tokens (epochs × tokens per example, each capped at the limit) | {e.billed_tokens:,} |",
        f"| estimated cost | {'unknown' if e.cost_usd is None else dollars(e.cost_usd)} |",
    ]
    if stats.validation is not None:
        lines.append(f"| validation ({cell(stats.validation.path)}): not billed | {_validation_text(stats.validation)} |")
    return [
        *lines,
        "",
        f"Token counts {e.counting}; prices change." if e.counting else "Token counts are the tokenizer's own; prices change.",
    ]


RENDERERS: dict[str, Callable[[Review, TextIO], None]] = {"html": render_html, "markdown": render_markdown}
