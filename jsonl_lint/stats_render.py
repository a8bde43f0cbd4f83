"""The stats report as text (with terminal histograms), JSON, or one self-contained HTML file."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from jsonl_lint.stats import PERCENTILES, Distribution, FileStats, StatsReport

BAR = "█"


def histogram(values: Sequence[int], bins: int = 10) -> list[tuple[int, int, int]]:
    """(low, high, count) of equal-width bins over the values' range (high is inclusive)."""
    if not values:
        return []
    low, high = min(values), max(values)
    width = max(1, -(-(high - low + 1) // bins))
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, (value - low) // width)] += 1
    return [(low + i * width, min(high, low + (i + 1) * width - 1), c) for i, c in enumerate(counts) if low + i * width <= high]


def dollars(amount: float) -> str:
    """Cents, or two significant digits below a dollar: a small set costs $0.0042, not $0.00."""
    if amount >= 0.995 or amount <= 0:
        return f"${amount:,.2f}"
    return f"${amount:.{max(2, 1 - math.floor(math.log10(amount)))}f}"


def counted(count: int, noun: str) -> str:
    """ "1 example", "2 examples": a count with its noun, in the singular for one."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _distribution_line(label: str, d: Distribution) -> str:
    points = "  ".join(f"p{p} {d.percentiles[p]:,}" for p in PERCENTILES)
    return f"  {label:<22} min {d.min:,}  {points}  max {d.max:,}  (mean {d.mean:,.1f}, total {d.total:,})"


def _text_file(stats: FileStats, title: str, out: TextIO) -> None:
    out.write(f"{title}: {'<stdin>' if stats.path == '-' else stats.path} ({stats.data_format})\n")
    out.write(
        f"  examples               {stats.examples:,}"
        + (f" ({counted(stats.skipped, 'line')} skipped: not valid examples)" if stats.skipped else "")
        + "\n"
    )
    out.write(_distribution_line("messages per example", stats.messages) + "\n")
    out.write(_distribution_line("tokens per example", stats.tokens) + "\n")
    out.write(_distribution_line("trained tokens", stats.trained) + "\n")
    if stats.roles:
        out.write("  tokens per role        " + ", ".join(f"{role} {count:,}" for role, count in sorted(stats.roles.items())) + "\n")
    if stats.over_limit:
        out.write(
            f"  over the limit         {counted(stats.over_limit, 'example')} {'loses' if stats.over_limit == 1 else 'lose'} "
            f"{counted(stats.truncated_tokens, 'token')} to truncation\n"
        )
    bins = histogram(stats.token_counts)
    if bins:
        out.write("  tokens per example:\n")
        peak = max(c for _, _, c in bins) or 1
        for low, high, count in bins:
            out.write(f"    {low:>8,}-{high:<8,} {BAR * max(1 if count else 0, round(count / peak * 40)):<40} {count:,}\n")


def render_text(report: StatsReport, out: TextIO) -> None:
    for stats in report.training:
        _text_file(stats, "training", out)
    if report.validation:
        _text_file(report.validation, "validation (not billed)", out)
    e = report.estimate
    limit = f"{e.limit:,} tokens per example" if e.limit else "no token limit"
    out.write(f"model {e.model} ({e.encoding}, {limit})\n")
    out.write(f"  epochs {e.epochs} ({'given' if e.epochs_given else 'the default OpenAI picks for this many examples'})\n")
    out.write(f"  billed tokens ≈ {e.billed_tokens:,} (epochs × tokens per example, each capped at the limit)\n")
    if e.cost_usd is not None:
        out.write(
            f"  estimated cost ≈ {dollars(e.cost_usd)} at ${e.price_per_million:g} per 1M training tokens (prices of {e.price_date})\n"
        )
    else:
        out.write("  estimated cost: no price known for this model\n")
    out.write(
        f"Token counts {e.counting}; prices change.\n"
        if e.counting
        else "Token counts are the tokenizer's own (see the README); prices change.\n"
    )


def _file_json(stats: FileStats) -> dict[str, Any]:
    def dist(d: Distribution) -> dict[str, Any]:
        return {"min": d.min, **{f"p{p}": d.percentiles[p] for p in PERCENTILES}, "max": d.max, "mean": round(d.mean, 3), "total": d.total}

    return {
        "path": stats.path,
        "data_format": stats.data_format,
        "examples": stats.examples,
        "skipped_lines": stats.skipped,
        "messages_per_example": dist(stats.messages),
        "tokens_per_example": dist(stats.tokens),
        "trained_tokens_per_example": dist(stats.trained),
        "tokens_per_role": dict(sorted(stats.roles.items())),
        "examples_over_limit": stats.over_limit,
        "tokens_truncated": stats.truncated_tokens,
    }


def as_dict(report: StatsReport) -> dict[str, Any]:
    e = report.estimate
    return {
        "examples": sum(f.examples for f in report.training),
        "tokens_total": sum(f.tokens.total for f in report.training),
        "tokens_trained": sum(f.trained.total for f in report.training),
        "epochs": e.epochs,
        "billed_tokens": e.billed_tokens,
        "estimated_cost_usd": None if e.cost_usd is None else round(e.cost_usd, 4),
        "price_date": e.price_date,
        "price_per_million_usd": e.price_per_million,
        "model": e.model,
        "encoding": e.encoding,
        "token_counting": e.counting or "exact",
        "token_limit": e.limit,
        "files": [_file_json(f) for f in report.training],
        "validation": _file_json(report.validation) if report.validation else None,
    }


def render_json(report: StatsReport, out: TextIO) -> None:
    out.write(json.dumps(as_dict(report), indent=2) + "\n")


def _svg_histogram(values: Sequence[int], title: str) -> str:
    bins = histogram(values, bins=20)
    if not bins:
        return ""
    width, height, left, bottom = 640, 220, 50, 40
    peak = max(c for _, _, c in bins) or 1
    bar = (width - left - 10) / len(bins)
    bars = []
    for i, (low, high, count) in enumerate(bins):
        h = (height - bottom - 20) * count / peak
        x, y = left + i * bar, height - bottom - h
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" fill="#4c78a8"><title>{low:,}–{high:,} tokens: {counted(count, "example")}</title></rect>'
        )
    labels = f'<text x="{left}" y="{height - 15}" font-size="11">{bins[0][0]:,}</text><text x="{width - 10}" y="{height - 15}" font-size="11" text-anchor="end">{bins[-1][1]:,} tokens</text>'
    axis = f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#333"/>'
    return (
        f'<figure><figcaption>{html.escape(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{html.escape(title)}">{axis}{"".join(bars)}{labels}<text x="12" y="14" font-size="11">examples (max {peak:,})</text></svg></figure>'
    )


def render_html(report: StatsReport, out: TextIO) -> None:
    data = as_dict(report)
    e = report.estimate
    rows = [
        ("examples", f"{data['examples']:,}"),
        ("tokens (all)", f"{data['tokens_total']:,}"),
        ("tokens trained", f"{data['tokens_trained']:,}"),
        ("model", f"{e.model} ({e.encoding})"),
        ("epochs", str(e.epochs)),
        ("billed tokens", f"{e.billed_tokens:,}"),
        ("estimated cost", "unknown" if e.cost_usd is None else f"{dollars(e.cost_usd)} (prices of {e.price_date})"),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>jsonl-lint stats</title>',
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}th{text-align:left}figure{margin:1em 0}</style></head><body>",
        "<h1>Fine-tuning dataset statistics</h1>",
        '<table id="summary">',
    ]
    parts += [f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows]
    parts.append("</table>")
    for stats in report.training + ((report.validation,) if report.validation else ()):
        parts.append(
            f"<h2>{html.escape(stats.path)}</h2><table><tr><th></th><th>min</th>"
            + "".join(f"<th>p{p}</th>" for p in PERCENTILES)
            + "<th>max</th><th>mean</th></tr>"
        )
        for label, d in (("messages per example", stats.messages), ("tokens per example", stats.tokens), ("trained tokens", stats.trained)):
            cells = "".join(f"<td>{v:,}</td>" for v in (d.min, *(d.percentiles[p] for p in PERCENTILES), d.max))
            parts.append(f"<tr><th>{label}</th>{cells}<td>{d.mean:,.1f}</td></tr>")
        parts.append("</table>")
        parts.append(_svg_histogram(stats.token_counts, f"tokens per example, {stats.path}"))
        parts.append(_svg_histogram(stats.trained_counts, f"trained tokens per example, {stats.path}"))
    parts.append("<p>Token counts estimate the server's; prices change.</p></body></html>")
    out.write("\n".join(parts) + "\n")


RENDERERS: dict[str, Callable[[StatsReport, TextIO], None]] = {"text": render_text, "json": render_json, "html": render_html}
