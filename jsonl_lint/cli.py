"""The ``jsonl-lint`` command: each subcommand parses options, calls one core function, prints.

``main(argv) -> int`` is the entry point (console script, ``python -m jsonl_lint``, pre-commit).
Exit codes: 0 no error-severity problem, 1 at least one, 2 usage or I/O error.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import io
import os
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from jsonl_lint import __version__, baseline, formats
from jsonl_lint.atomic import atomic_write, refuse_overwriting
from jsonl_lint.config import load_config, selectors
from jsonl_lint.discover import expand
from jsonl_lint.engine import check_paths, validation_file
from jsonl_lint.problems import Problem, Report, Severity, UsageError
from jsonl_lint.profiles import all_profiles, profile_names
from jsonl_lint.report import RENDERERS, ReportWriter, markdown_format, text_format
from jsonl_lint.target import Target, resolve_target
from jsonl_lint.terminate import EXIT_TERMINATED, Terminated, stopping_on_sigterm

if TYPE_CHECKING:
    from jsonl_lint.convert import Flagged, Rejected

# The choices of convert and stats, named here so that `check` starts without importing the
# converters and the stats renderers (a test holds them equal to their registries).
CONVERT_SOURCES = (
    "gemini",
    "bedrock",
    "bedrock-claude",
    "hf",
    "preference",
    "chat",
    "sharegpt",
    "alpaca",
    "completion",
    "csv",
    "tsv",
    "xlsx",
)
EMPTY_PROMPT_POLICIES = ("reject", "assistant-only")
STATS_FORMATS = ("text", "json", "html")

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"jsonl-lint: {message}", err=True)


def _selectors(text: str | None, option: str) -> tuple[str, ...] | None:
    """The selectors of ``--select``/``--ignore``; one that names no rule is a usage error."""
    from jsonl_lint.rules import check_selectors

    if text is None:
        return None
    found = selectors(text)
    try:
        check_selectors(found, option)
    except ValueError as error:
        raise UsageError(str(error)) from None
    return found


class _Commands(click.Group):
    """The group, with writes to standard output checked: a closed pipe or a full disk is one
    line on stderr and exit 2 (click alone would exit 1 in silence on a closed pipe)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()
            return result
        except OSError as error:
            if error.filename is not None:
                raise
            _silence_stdout()
            raise UsageError(f"standard output: cannot write: {error.strerror or error}") from None


F = TypeVar("F", bound=Callable[..., Any])


def _engine_option(where: str) -> Callable[[F], F]:
    """``--engine`` of the commands that can run on Ray; ``where``: what runs there."""
    return click.option(
        "--engine",
        type=click.Choice(["local", "ray"]),
        default="local",
        show_default=True,
        help=f"{where}: this machine's worker processes, or Ray tasks (RAY_ADDRESS: a cluster; needs jsonl-lint[ray]).",
    )


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="jsonl-lint", message="%(prog)s %(version)s")
def cli() -> None:
    """Lint and convert fine-tuning datasets for OpenAI-style chat models."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--profile", type=click.Choice(profile_names()), help="Target trainer (default: openai).")
@click.option("--model", help="Target model; decides formats, tokenizer and token limit (default: the profile's).")
@click.option("--data-format", type=click.Choice(list(formats.FORMATS)), help="Data format, instead of detecting it from the first record.")
@click.option(
    "--validation",
    type=click.Path(dir_okay=False),
    help="Validation file: checked too, and its examples that also occur in FILES reported.",
)
@click.option("--select", help="Only these rules: comma-separated codes, code prefixes (JL1) or names.")
@click.option("--ignore", help="Skip these rules: comma-separated codes, code prefixes or names.")
@click.option("--no-token-check", is_flag=True, default=None, help="Skip token budgets (and the need for tiktoken's encoding files).")
@click.option("--max-tokens", type=click.IntRange(min=1), help="Token limit per example, instead of the model's.")
@click.option("--encoding", help="tiktoken encoding, instead of the model's (o200k_base, cl100k_base).")
@click.option("--tokenizer", help="Tokenizer, instead of the model's: a local Hugging Face model folder, or mistral:v1|v2|v3|v7|tekken.")
@click.option("--fix", is_flag=True, help="Repair in place what is lossless (BOM, CRLF, blank lines, final newline), then check.")
@click.option("--format", "output_format", type=click.Choice(list(RENDERERS)), default="text", show_default=True, help="Output format.")
@click.option(
    "--output-file", type=click.Path(dir_okay=False), help="Write the report to this file (atomically) instead of standard output."
)
@click.option("--statistics", is_flag=True, help="Also print how many problems each rule found.")
@click.option(
    "--color",
    "color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text output (auto: on a terminal, unless NO_COLOR is set).",
)
@click.option("-q", "--quiet", count=True, help="Text output: only errors and the summary; twice (-qq): only the summary.")
@click.option("--show-all", is_flag=True, help=f"Text output: every problem, not only the first {text_format.FLOOD} of a rule in a file.")
@click.option(
    "--max-line-bytes", type=click.IntRange(min=1), help="A longer line is one problem, read past without being held (default: 64 MiB)."
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when errors are found (2 still means a usage or I/O error).")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes for several or large files (default: every core).")
@_engine_option("Where byte ranges are checked")
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(dir_okay=False),
    help="Report and fail only on problems that are not in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False),
    help="Record today's problems in this file (atomically); exit 0 unless a file cannot be checked.",
)
def check(
    files: tuple[str, ...],
    validation: str | None,
    select: str | None,
    ignore: str | None,
    no_token_check: bool | None,
    fix: bool,
    output_format: str,
    output_file: str | None,
    statistics: bool,
    exit_zero: bool,
    jobs: int | None,
    engine: str,
    color: str,
    quiet: int,
    show_all: bool,
    baseline_path: str | None,
    write_baseline: str | None,
    **options: Any,
) -> int:
    """Check JSONL fine-tuning FILES ("-" for standard input; a directory for its *.jsonl and
    *.ndjson files, recursively, hidden folders skipped).

    Settings come from [tool.jsonl-lint] in the nearest pyproject.toml above each file; options
    given here override them.
    """
    files = tuple(expand(files))
    overrides = dict(options, select=_selectors(select, "--select"), ignore=_selectors(ignore, "--ignore"), validation=validation)
    if no_token_check:
        overrides["token_check"] = False
    if fix and "-" in files:
        raise UsageError("--fix repairs files in place: it cannot take standard input")
    # Notes (fixes, statistics) go where they do not mix with a machine-readable report.
    notes = sys.stdout if output_format == "text" or output_file else sys.stderr
    # Every file's target before any work: a bad profile, model or selector stops here, exit 2.
    targets = [(name, resolve_target(name, overrides)) for name in files]
    validation = validation_file(targets)
    refuse_overwriting([output_file, write_baseline], [*files, validation])
    if baseline_path is None and files:
        baseline_path = load_config(files[0]).baseline
    known = baseline.read(baseline_path) if baseline_path else None
    recorder = baseline.BaselineRecorder() if write_baseline else None
    comparisons: list[baseline.Comparison] = []
    reported: collections.defaultdict[str, collections.Counter[Severity]] = collections.defaultdict(collections.Counter)
    fixed = _fix_files(targets, notes) if fix else True
    failures: list[UsageError] = []
    reports: list[Report] = []
    by_rule: collections.Counter[tuple[str, str]] = collections.Counter()

    def on_error(error: UsageError) -> None:
        failures.append(error)
        _fail(str(error))

    def write(out: TextIO) -> None:
        if output_format == "text":
            style = text_format.Style(colour=text_format.use_colour(color, out), quiet=quiet, show_all=show_all)
            writer: ReportWriter = text_format.Writer(out, style)
        else:
            writer = RENDERERS[output_format](out)

        def report(problem: Problem) -> None:
            by_rule[problem.code, problem.rule] += 1
            reported[problem.path][problem.severity] += 1
            writer.problem(problem)

        emit: Callable[[Problem], None] = report
        with contextlib.ExitStack() as stack:
            if known is not None:  # only problems not in the baseline go on to the report
                kept = baseline.BaselineFilter(known, report)
                stack.callback(kept.close)
                emit = kept.problem
                comparisons.append(kept.comparison)
                if isinstance(writer, markdown_format.Writer):
                    writer.comparison = kept.comparison
            if recorder is not None:
                stack.callback(recorder.close)
                emit = _both(recorder.problem, emit)
            ranges = None
            if engine == "ray":
                from jsonl_lint.ray import RayRanges  # here: Ray is an optional extra

                ranges = RayRanges(jobs)
            reports.extend(check_paths(files, flags=overrides, jobs=jobs, emit=emit, on_error=on_error, ranges=ranges))
        if known is not None:  # the summary and the exit code count what was reported: the new problems
            reports[:] = [dataclasses.replace(r, severities=dict(reported[r.path])) for r in reports]
        writer.finish(reports, failed=len(failures))

    _write_report(output_file, write)
    if statistics:
        for (code, rule), count in sorted(by_rule.items(), key=lambda item: (-item[1], item[0])):
            notes.write(f"{count:>7} {code} {rule}\n")
    for comparison in comparisons:
        notes.write(f"baseline {baseline_path}: {comparison.new} new, {comparison.remaining} remaining, {comparison.fixed} fixed\n")
    if recorder is not None and write_baseline is not None:
        baseline.write(write_baseline, recorder.found)
        notes.write(f"wrote {sum(recorder.found.values())} problems to the baseline {write_baseline}\n")
    if failures or not fixed:
        return EXIT_USAGE
    if recorder is not None:
        return EXIT_OK
    return EXIT_PROBLEMS if any(r.has_errors for r in reports) and not exit_zero else EXIT_OK


def _both(first: Callable[[Problem], None], second: Callable[[Problem], None]) -> Callable[[Problem], None]:
    def both(problem: Problem) -> None:
        first(problem)
        second(problem)

    return both


def _fix_files(targets: Sequence[tuple[str, Target]], notes: TextIO) -> bool:
    """Fix each file in place; False when one could not be written (said on stderr)."""
    from jsonl_lint.fix import fix_file
    from jsonl_lint.openers import is_url

    written = True
    for name, config in targets:
        if not is_url(name) and not os.path.isfile(name):
            continue  # the check reports the file it cannot read (fix_file refuses a URL)
        try:
            summary = fix_file(name, max_line_bytes=config.max_line_bytes)
        except UsageError as error:
            _fail(f"--fix: {error}")
            written = False
            continue
        if summary.changed or summary.refused is not None:
            notes.write(f"{name}: {'' if summary.refused is not None else 'fixed: '}{summary.describe()}\n")
    return written


def _write_report(output_file: str | None, render: Callable[[TextIO], None]) -> None:
    """To standard output, or atomically to ``output_file`` (exit 2 when it cannot be written)."""
    if output_file is None:
        render(sys.stdout)
        return
    try:
        with atomic_write(output_file, binary=False) as out:
            render(out)
    except OSError as error:
        raise UsageError(f"{output_file}: {error.strerror or error}") from None


_ESCAPES = {"\\n": "\n", "\\t": "\t", "\\r": "\r", "\\\\": "\\"}


def _unescape(text: str | None) -> str | None:
    """``\\n``, ``\\t``, ``\\r`` and ``\\\\`` as typed in a shell, for separators."""
    if text is None:
        return None
    return re.sub(r"\\[ntr\\]", lambda match: _ESCAPES[match.group(0)], text)


def _allowed_losses(text: str | None) -> tuple[str, ...]:
    from jsonl_lint.convert.targets import LOSSES

    names = tuple(part.strip() for part in (text or "").split(",") if part.strip())
    for name in names:
        if name not in LOSSES:
            raise UsageError(f"--allow-loss: unknown loss {name!r}; known: {', '.join(LOSSES)}")
    return names


@cli.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    "output_path",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help='Chat JSONL to write ("-": standard output); written only when complete.',
)
@click.option(
    "--from", "source", type=click.Choice(CONVERT_SOURCES), help="Input format (default: from the extension and the first record)."
)
@click.option(
    "--to",
    "to",
    type=click.Choice(["openai", "gemini", "bedrock", "bedrock-claude", "hf"]),
    default="openai",
    show_default=True,
    help="Target format: OpenAI chat, Vertex AI Gemini, Bedrock Nova, Bedrock Claude or Hugging Face TRL.",
)
@click.option(
    "--allow-loss",
    help="Comma-separated losses the target may make instead of rejecting the row: weight, image-detail, name, strict, schema-keywords.",
)
@click.option(
    "--system",
    help="A system message to put first in every example, as typed (a backslash and n stays two characters: in a shell, $'one\\ntwo' writes a newline).",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="JSONL of the rows that could not be converted: line, text, reason (written only if a row is rejected).",
)
@click.option("--prompt-suffix", help="completion, tables: the prompt separator to strip, instead of detecting it (\\n escapes work).")
@click.option("--stop", help="completion, tables: the stop sequence to strip from completions, instead of detecting it.")
@click.option("--keep-separators", is_flag=True, help="completion, tables: strip no separator, stop sequence or leading space.")
@click.option(
    "--empty-prompt",
    type=click.Choice(EMPTY_PROMPT_POLICIES),
    default="reject",
    show_default=True,
    help="completion: what to do with an empty prompt.",
)
@click.option("--unescape", is_flag=True, help="Turn escaped newlines (a backslash and n) in message text into newlines.")
@click.option("--no-header", "header", flag_value=False, default=True, help="tables: the first row is data, not column names.")
@click.option(
    "--columns",
    help="tables: the role of every column, in order, for several turns a row (system,user,assistant,user,assistant; - skips one).",
)
@click.option("--user-column", help="tables: the column of the user turn (a name, or a number from 1).")
@click.option("--assistant-column", help="tables: the column of the assistant turn.")
@click.option("--system-column", help="tables: the column of the system message.")
@click.option("--conversation-column", help="long tables: the column that groups rows into conversations.")
@click.option("--role-column", help="long tables: the column of each message's role.")
@click.option("--content-column", help="long tables: the column of each message's text.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes for a large file (default: every core).")
def convert(
    input_path: str, output_path: str, rejects: str | None, columns: str | None, allow_loss: str | None, jobs: int | None, **options: Any
) -> int:
    """Convert INPUT (legacy prompt-completion, CSV/TSV/XLSX, ShareGPT, Alpaca, older chat) to chat JSONL.

    Nothing is dropped silently: every row that cannot be converted is listed with its line and
    reason (in --rejects, or on standard error), and the exit code is 1.
    """
    from jsonl_lint.convert import ConvertOptions, convert_file

    options["prompt_suffix"], options["stop"] = _unescape(options["prompt_suffix"]), _unescape(options["stop"])
    options["columns"] = tuple(c.strip() for c in columns.split(",")) if columns is not None else None
    options["allow_loss"] = _allowed_losses(allow_loss)
    name = "standard input" if input_path == "-" else input_path
    if "\\n" in (options["system"] or ""):  # added as typed, where JL220 will call it an escaped newline
        click.echo("note: --system holds a backslash and n, added as typed (in a shell, $'one\\ntwo' writes a newline)", err=True)

    def report(row: Rejected) -> None:
        if rejects is None:
            click.echo(f"{name}:{row.line}: rejected: {row.reason}", err=True)

    def warn(row: Flagged) -> None:
        click.echo(f"{name}:{row.line}: warning: {row.message}", err=True)

    summary = convert_file(
        input_path, output_path, rejects_path=rejects, options=ConvertOptions(**options), on_reject=report, on_flag=warn, jobs=jobs
    )
    where = "standard output" if output_path == "-" else output_path
    message = f"converted {summary.converted} row{'s' if summary.converted != 1 else ''} ({summary.source}) to {where}"
    if options["to"] != "openai":
        message += f" as {options['to']}"
    if summary.rejected:
        message += f"; rejected {summary.rejected}" + (f" (see {rejects})" if rejects else " (listed above)")
    if summary.flagged:
        message += f"; {summary.flagged} warning{'s' if summary.flagged != 1 else ''} (listed above)"
    click.echo(message, err=True)
    for note in summary.notes:
        click.echo(f"  {note}", err=True)
    return EXIT_PROBLEMS if summary.rejected else EXIT_OK


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--profile", type=click.Choice(profile_names()), help="Target trainer (default: openai).")
@click.option("--model", help="Target model: tokenizer, limit, price (default: the profile's).")
@click.option("--encoding", help="tiktoken encoding, instead of the model's.")
@click.option("--tokenizer", help="Tokenizer, instead of the model's: a local Hugging Face model folder, or mistral:v1|v2|v3|v7|tekken.")
@click.option("--max-tokens", type=click.IntRange(min=1), help="Token limit per example, instead of the model's.")
@click.option("--validation", type=click.Path(dir_okay=False), help="A validation file: counted and shown, not billed.")
@click.option("--epochs", type=click.IntRange(min=1), help="Epochs, instead of the number OpenAI picks by default.")
@click.option("--format", "output_format", type=click.Choice(STATS_FORMATS), default="text", show_default=True, help="Output format.")
@click.option("--output-file", type=click.Path(dir_okay=False), help="Write the report to this file (atomically).")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes for large files (default: every core).")
@_engine_option("Where examples are counted")
def stats(files: tuple[str, ...], output_format: str, output_file: str | None, engine: str, **options: Any) -> int:
    """Token statistics, default epochs, billed tokens and estimated cost of FILES ("-" for standard input)."""
    from jsonl_lint.stats import CountRunner, Progress, compute
    from jsonl_lint.stats_render import RENDERERS as STATS_RENDERERS
    from jsonl_lint.tokens import EncodingUnavailable

    refuse_overwriting([output_file], [*files, options["validation"]])
    flags = {key: options.pop(key) for key in ("profile", "model", "encoding", "tokenizer", "max_tokens")}
    target = resolve_target(files[0], flags)
    options["validation"] = options["validation"] or target.validation
    refuse_overwriting([output_file], [options["validation"]])
    total = sum(os.path.getsize(f) for f in (*files, options["validation"] or "") if f and os.path.exists(f))
    progress = Progress(total)
    counter: CountRunner | None = None
    if engine == "ray":
        from jsonl_lint.ray import RayCounts  # here: Ray is an optional extra

        counter = RayCounts(options["jobs"])
    try:
        report = compute(list(files), progress=progress, target=target, counter=counter, **options)
    except EncodingUnavailable as error:
        # stats is all about counting: skipping the count (check's --no-token-check) is no way out here
        cause = str(error).split(". On a machine without internet", 1)[0]
        raise UsageError(
            f"{cause}; stats counts tokens with it. On a machine without internet, set TIKTOKEN_CACHE_DIR "
            "to a folder that holds it under tiktoken's cache name"
        ) from None
    finally:
        progress.close()
    _write_report(output_file, lambda out: STATS_RENDERERS[output_format](report, out))
    return EXIT_OK


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--profile", type=click.Choice(profile_names()), help="Target trainer (default: openai).")
@click.option("--model", help="Target model: formats, tokenizer, limit, price (default: the profile's).")
@click.option("--encoding", help="tiktoken encoding, instead of the model's.")
@click.option("--tokenizer", help="Tokenizer, instead of the model's: a local Hugging Face model folder, or mistral:v1|v2|v3|v7|tekken.")
@click.option("--max-tokens", type=click.IntRange(min=1), help="Token limit per example, instead of the model's.")
@click.option(
    "--validation", type=click.Path(dir_okay=False), help="Validation file: checked against FILES, counted and shown, not billed."
)
@click.option("--epochs", type=click.IntRange(min=1), help="Epochs, instead of the number OpenAI picks by default.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["html", "markdown"]),
    default="html",
    show_default=True,
    help="One self-contained HTML page, or Markdown (for $GITHUB_STEP_SUMMARY).",
)
@click.option(
    "-o", "--output-file", type=click.Path(dir_okay=False), help="Write the report to this file (atomically) instead of standard output."
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when errors are found (2 still means a usage or I/O error).")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes for several or large files (default: every core).")
def report(
    files: tuple[str, ...],
    validation: str | None,
    epochs: int | None,
    output_format: str,
    output_file: str | None,
    exit_zero: bool,
    jobs: int | None,
    **flags: Any,
) -> int:
    """One report for a review: what check finds and what stats counts (shape, token limit, cost) for FILES."""
    from jsonl_lint.review import build
    from jsonl_lint.review_render import RENDERERS as REVIEW_RENDERERS

    files = tuple(expand(files))
    refuse_overwriting([output_file], [*files, validation])
    review = build(files, flags, validation=validation, epochs=epochs, jobs=jobs)
    refuse_overwriting([output_file], [review.validation])
    _write_report(output_file, lambda out: REVIEW_RENDERERS[output_format](review, out))
    return EXIT_OK if review.passed or exit_zero else EXIT_PROBLEMS


@cli.command()
@click.argument("input_path", metavar="FILE", type=click.Path(allow_dash=True))
@click.option(
    "--validation-fraction",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.1,
    show_default=True,
    help="Share of examples for validation.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Another seed gives another split.")
@click.option("--train", "train_path", required=True, type=click.Path(dir_okay=False), help="Training file to write.")
@click.option("--validation", "validation_path", required=True, type=click.Path(dir_okay=False), help="Validation file to write.")
def split(input_path: str, validation_fraction: float, seed: int, train_path: str, validation_path: str) -> int:
    """Split FILE into training and validation files, deterministically and without leaks."""
    from jsonl_lint.split import split_file
    from jsonl_lint.stats_render import counted

    resolve_target(input_path)  # a broken [tool.jsonl-lint] stops here, as it does for check
    summary = split_file(input_path, train=train_path, validation=validation_path, fraction=validation_fraction, seed=seed)
    total = summary.train + summary.validation
    share = summary.validation / total if total else 0.0
    click.echo(f"{train_path}: {counted(summary.train, 'example')} ({counted(summary.train_bytes, 'byte')})", err=True)
    click.echo(
        f"{validation_path}: {counted(summary.validation, 'example')} ({counted(summary.validation_bytes, 'byte')}, {share:.1%})", err=True
    )
    if summary.blank_lines:
        click.echo(f"  {counted(summary.blank_lines, 'blank line')} left out", err=True)
    if summary.unparsed:
        are = "is" if summary.unparsed == 1 else "are"
        click.echo(f"  {counted(summary.unparsed, 'line')} {are} not JSON: split by their bytes (run jsonl-lint check)", err=True)
    return EXIT_OK


@cli.command()
@click.argument("code", required=False)
def rules(code: str | None) -> int:
    """List every rule, or print the documentation of one (by code or name)."""
    from jsonl_lint.rules import all_rules, find_rule

    if code is None:
        for rule in all_rules().values():
            click.echo(f"{rule.code}  {rule.name:<36} {rule.severity.label:<8} {rule.summary}{' (fixable)' if rule.fixable else ''}")
        return EXIT_OK
    found = find_rule(code)
    if found is None:
        raise UsageError(f"unknown rule {code!r}; `jsonl-lint rules` lists them")
    fixable = "; `check --fix` repairs it" if found.fixable else ""
    click.echo(f"{found.code} {found.name} (default severity: {found.severity.label}{fixable})\n\n{found.doc.rstrip()}")
    if found.parameters:  # set in a profile's or the config's [params.NAME]
        click.echo(f"\nParameters ([params.{found.name}]):")
        for parameter in found.parameters:
            click.echo(f"  {parameter.name} (default {parameter.default!r}): {parameter.doc}")
    return EXIT_OK


@cli.command()
@click.argument("name", required=False, type=click.Choice(profile_names()))
def profiles(name: str | None) -> int:
    """List the target profiles; with NAME, what that profile changes from openai."""
    from jsonl_lint.profile_diff import describe
    from jsonl_lint.profiles import get_profile

    if name is not None:
        click.echo("\n".join(describe(get_profile(name))))
        return EXIT_OK
    for profile in all_profiles().values():
        click.echo(f"{profile.name}: {profile.summary}")
    click.echo("\n`jsonl-lint profiles NAME` shows what a profile changes from openai.")
    return EXIT_OK


@cli.command()
@click.argument("name", type=click.Choice(list(formats.FORMATS)))
def schema(name: str) -> int:
    """Print the JSON Schema of a data format."""
    click.echo(formats.schema_text(name), nl=False)
    return EXIT_OK


def _silence_stdout() -> None:
    """What is still buffered for standard output goes nowhere, so exit adds no second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file descriptor (a test's capture): nothing will flush at exit


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return its exit code instead of raising, and never show a traceback."""
    try:
        with warnings.catch_warnings(), stopping_on_sigterm():
            if not os.environ.get("JSONL_LINT_DEBUG"):  # a library's warning is not the user's business
                warnings.simplefilter("ignore")
            result: Any = cli.main(args=list(argv) if argv is not None else None, prog_name="jsonl-lint", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort as error:  # click's word for an interrupt (Ctrl-C, or SIGTERM: terminate.py)
        if isinstance(error.__cause__, Terminated):
            _fail("terminated (SIGTERM)")
            return EXIT_TERMINATED
        _fail("aborted")
        return EXIT_USAGE
    except Terminated:
        _fail("terminated (SIGTERM)")
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except UsageError as error:
        _fail(str(error))
        return EXIT_USAGE
    except OSError as error:  # an I/O error no command turned into a UsageError
        _fail(f"{error.filename or 'I/O error'}: {error.strerror or error}")
        return EXIT_USAGE
    except Exception as error:  # a bug: say so in one line, keep the traceback for who asks
        if os.environ.get("JSONL_LINT_DEBUG"):
            raise
        _fail(f"internal error: {type(error).__name__}: {error} (set JSONL_LINT_DEBUG=1 for the traceback)")
        return EXIT_USAGE
    return int(result or 0)
