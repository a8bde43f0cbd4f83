"""Tables (CSV, TSV, an Excel sheet) into chat.

Two-column tables: one example a row, from a user column and an assistant column (and an
optional system column); common header pairs map by themselves (prompt/completion,
question/answer, input/output, instruction/response, user/assistant), and columns may be named
or numbered (1 is the first). Wide rows: ``--columns system,user,assistant,user,assistant``
gives every column's role, for several turns a row (``-`` skips a column). Long tables: one
message a row, grouped by a conversation column into multi-turn examples (rows of a
conversation must be adjacent). ``--no-header``: the first row is data.

Quoted fields keep commas, quotes and newlines byte for byte; a row that is not valid CSV (a
quote that is never closed, text after a closing quote) or not UTF-8 is rejected with its
original bytes; an unnamed index column (a pandas export) is ignored.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any, BinaryIO

from jsonl_lint.convert import conventions
from jsonl_lint.convert.inputs import Input
from jsonl_lint.convert.plain import PlainRecords
from jsonl_lint.convert.rows import (
    Blank,
    Converted,
    ConvertOptions,
    Notes,
    Rejected,
    Row,
)
from jsonl_lint.problems import UsageError

# Header pairs that name the user and assistant columns, most specific first.
KNOWN_PAIRS = (
    ("prompt", "completion"),
    ("question", "answer"),
    ("instruction", "response"),
    ("instruction", "output"),
    ("input", "output"),
    ("query", "response"),
    ("user", "assistant"),
    ("human", "gpt"),
)
ROLE_NAMES = {"system": "system", "user": "user", "human": "user", "assistant": "assistant", "gpt": "assistant", "bot": "assistant"}
FIELD_LIMIT = 1 << 30  # a field may hold a long document
SKIP = ("-", "", "skip")  # --columns: a column that holds no message
NEVER_CLOSED = "a quote opened here is never closed: it would take in every row after it"

TableRow = tuple[int, list[str] | None, str, str | None]  # line, fields (None: unreadable), text, why unreadable
TableStart = tuple[list[str] | None, int, Iterable[TableRow]]  # header, width, the body's rows


class ColumnError(UsageError):
    """The table does not have the columns asked for: nothing can be converted."""


def sniff_csv(suffix: str, first: Any) -> bool:
    return suffix == ".csv"


def sniff_tsv(suffix: str, first: Any) -> bool:
    return suffix == ".tsv"


def sniff_xlsx(suffix: str, first: Any) -> bool:
    return suffix == ".xlsx"


def csv_rows(stream: BinaryIO, delimiter: str, first_line: int = 1) -> Iterator[TableRow]:
    """Each record of the table with the exact text it was read from (several lines when a
    quoted field holds newlines), numbered from ``first_line`` (1: the file's start, where a BOM
    may be); bytes that are not UTF-8 are kept as surrogates. The lines go to the csv reader
    and, through a tee (no Python code per line), to the record's text."""
    encoding = "utf-8-sig" if first_line == 1 else "utf-8"
    text = io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline="")
    try:
        yield from _records(text, delimiter, first_line)
    finally:
        with contextlib.suppress(ValueError):  # (already closed with its input)
            text.detach()  # the stream stays open: the input may be read again


def _records(text: IO[str], delimiter: str, first_line: int) -> Iterator[TableRow]:
    to_reader, to_text = itertools.tee(text)
    reader = csv.reader(to_reader, delimiter=delimiter, strict=True)
    line = 1
    while True:
        try:
            fields: list[str] | None = next(reader)
            why = None
        except StopIteration:
            return
        except csv.Error as error:
            fields, why = None, f"not a valid CSV row: {error}"
            if str(error).startswith("unexpected end of data"):
                why = NEVER_CLOSED
        count = reader.line_num + 1 - line
        record = next(to_text) if count == 1 else "".join(itertools.islice(to_text, count))
        yield line + first_line - 1, fields, record.rstrip("\r\n"), why
        line = reader.line_num + 1


def _sheet_rows(source: Input) -> Iterator[TableRow]:
    """The first sheet of a workbook, row by row; numbers and dates as their text."""
    try:
        import openpyxl  # an optional extra: jsonl-lint[xlsx]
    except ImportError:
        raise ColumnError("reading .xlsx needs openpyxl: pip install 'jsonl-lint[xlsx]'") from None
    with tempfile.TemporaryFile() as copy:  # a workbook is a ZIP archive: it needs a file to seek in
        shutil.copyfileobj(source.stream(), copy)
        yield from _workbook_rows(openpyxl, copy, source.name)


def _workbook_rows(openpyxl: Any, file: IO[bytes], name: str) -> Iterator[TableRow]:
    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        for line, values in enumerate(rows, 1):
            fields = ["" if v is None else str(v) for v in values]
            while fields and fields[-1] == "":
                fields.pop()  # a sheet's rows are as wide as its widest: trailing empty cells are no data
            yield line, fields, "\t".join(fields), None
    except ColumnError:
        raise
    except Exception as error:  # noqa: BLE001 (openpyxl raises many types for a damaged file)
        raise ColumnError(f"{name}: not a readable .xlsx workbook ({type(error).__name__}: {error})") from None


def convert_csv(source: Input, options: ConvertOptions, notes: Notes) -> Iterator[Row]:
    return _convert_text(source, ",", options, notes)


def convert_tsv(source: Input, options: ConvertOptions, notes: Notes) -> Iterator[Row]:
    return _convert_text(source, "\t", options, notes)


def convert_xlsx(source: Input, options: ConvertOptions, notes: Notes) -> Iterator[Row]:
    return convert_table(lambda: _sheet_rows(source), options, notes, source.name)


def _convert_text(source: Input, delimiter: str, options: ConvertOptions, notes: Notes) -> Iterator[Row]:
    limit = csv.field_size_limit(FIELD_LIMIT)  # set while converting, not at import
    try:  # the first call reads the input, a second reads it again (Input.stream does that)
        yield from convert_table(lambda: csv_rows(source.stream(), delimiter), options, notes, source.name)
    finally:
        csv.field_size_limit(limit)


def _index(header: list[str] | None, name: str, width: int) -> int:
    """The column ``name`` names: a header name, or a number (1 is the first column)."""
    if header is not None:
        lowered = [h.strip().lower() for h in header]
        if name.strip().lower() in lowered:
            return lowered.index(name.strip().lower())
    if name.strip().isdigit() and 1 <= int(name) <= width:
        return int(name) - 1
    if header is None:
        raise ColumnError(f"no column {name!r}: without a header, columns are numbered 1 to {width}")
    raise ColumnError(f"no column {name!r} in the header ({', '.join(header)}); columns may also be numbered 1 to {width}")


def convert_table(read: Any, options: ConvertOptions, notes: Notes, name: str) -> Iterator[Row]:
    """``read()`` gives the table's rows from the start (a second call: from the start again)."""
    start = table_start(read(), options, notes, name)
    if start is None:
        return
    header, width, body = start
    if options.conversation_column or options.role_column or options.content_column:
        yield from _long(body, header, width, options, notes)
    elif options.columns:
        yield from _wide(body, header, width, options, notes)
    else:
        yield from _pairs(body, header, width, options, notes, read)


def table_start(rows: Iterator[TableRow], options: ConvertOptions, notes: Notes, name: str) -> TableStart | None:
    """The header (None with ``--no-header``), the width and the rows of the body (the first
    row too when it is data), past the blank rows before the first; None for a table without rows."""
    for line, fields, text, why in rows:
        if fields is None:
            raise ColumnError(f"{name}:{line}: the first row is not valid CSV ({why})")
        if fields:
            first: tuple[int, list[str], str] = (line, fields, text)
            break
    else:
        return None
    if not options.header:
        return None, len(first[1]), _chain_first(first, rows)
    header = first[1]
    ignored = [h for h in header if h.strip() in ("Unnamed: 0", "index") or (not h.strip() and len(header) > 2)]
    if ignored:
        notes.add(f"index column {ignored[0]!r} ignored")
    return header, len(header), rows


def _chain_first(first: tuple[int, list[str], str], rows: Iterator[TableRow]) -> Iterator[TableRow]:
    yield first[0], first[1], first[2], None
    yield from rows


def _check(line: int, fields: list[str] | None, text: str, why: str | None, width: int) -> Rejected | Blank | None:
    """A reject (or blank) for a row that cannot be read or has the wrong width, else None."""
    if fields is None:
        return Rejected(line, text, why or "not a valid row")
    if not fields or (len(fields) == 1 and not fields[0].strip() and width > 1):
        return Blank(line)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return Rejected(line, text, "not valid UTF-8 (re-encode the file as UTF-8: it may be Latin-1 or Windows-1252)")
    if len(fields) != width:
        return Rejected(line, text, f"{len(fields)} fields where the {'header' if width else 'first row'} has {width}")
    return None


def is_pairs(options: ConvertOptions) -> bool:
    """Whether the table is read as two columns (and maybe a system column), a row an example."""
    return not (options.conversation_column or options.role_column or options.content_column or options.columns)


def pair_columns(header: list[str] | None, width: int, options: ConvertOptions, notes: Notes) -> dict[str, int]:
    """The index of the user's, the assistant's (and the system's) column."""
    user, assistant = options.user_column, options.assistant_column
    if user is None or assistant is None:
        lowered = {h.strip().lower() for h in header or []}
        pair = next(((u, a) for u, a in KNOWN_PAIRS if u in lowered and a in lowered), None)
        if pair is None:
            shown = f"the header {', '.join(header)}" if header is not None else f"{width} unnamed columns"
            hint = "" if header is None else " (or --no-header if the first row is data: it was read as the header)"
            raise ColumnError(
                f"cannot tell the user and assistant columns of {shown}: name them with --user-column and --assistant-column{hint}"
            )
        user, assistant = user or pair[0], assistant or pair[1]
    columns = {"user": _index(header, user, width), "assistant": _index(header, assistant, width)}
    if options.system_column:
        columns["system"] = _index(header, options.system_column, width)
    notes.add("columns: " + ", ".join(f"{role} <- {_label(header, index)}" for role, index in columns.items()))
    return columns


def is_legacy(header: list[str] | None, columns: dict[str, int]) -> bool:
    """Whether the pairs are a prompt,completion table: legacy data, exported with its separators
    and stop sequences."""
    named = (header[columns["user"]].strip().lower(), header[columns["assistant"]].strip().lower()) if header is not None else None
    return named == ("prompt", "completion")


def _pairs(
    body: Iterable[TableRow], header: list[str] | None, width: int, options: ConvertOptions, notes: Notes, read: Any
) -> Iterator[Row]:
    columns = pair_columns(header, width, options, notes)
    if not is_legacy(header, columns):
        records = PlainRecords(options) if PlainRecords.wanted(options) else None
        yield from plain_rows(pair_texts(body, columns, header, width), records)
        if records is not None:
            records.escapes.describe(notes, options.unescape)  # where the writer would say it
        return
    yield from conventions.convert_pairs(
        pair_texts(body, columns, header, width),
        read_again=lambda: pair_texts(_skip_header(read(), options.header), columns, header, width),
        options=options,
        notes=notes,
    )


def plain_rows(items: Iterable[conventions.Pair | Row], records: PlainRecords | None) -> Iterator[Row]:
    """The rows of pairs kept as they are: serialised in blocks by ``records`` when given."""
    for item in items:
        if type(item) is not conventions.Pair:
            yield item  # type: ignore[misc]
        elif records is None:
            yield _plain(item)
        else:
            row = records.add(item.line, item.text, item.system, item.user, item.assistant)
            if row is not None:
                yield row
    if records is not None and records.pending:
        yield records.take()


def _label(header: list[str] | None, index: int) -> str:
    return repr(header[index]) if header is not None else f"column {index + 1}"


def _plain(pair: conventions.Pair) -> Converted:
    messages = [{"role": "system", "content": pair.system}] if pair.system else []
    messages += [{"role": "user", "content": pair.user}, {"role": "assistant", "content": pair.assistant}]
    return Converted(pair.line, {"messages": messages}, pair.text)


def _skip_header(rows: Iterator[TableRow], header: bool) -> Iterator[TableRow]:
    if header:
        for _, fields, _, _ in rows:
            if fields:
                break
    return rows


def pair_texts(
    body: Iterable[TableRow], columns: dict[str, int], header: list[str] | None, width: int
) -> Iterator[conventions.Pair | Rejected | Blank]:
    """(line, user text, assistant text, system text, row text) per row, or its reject."""
    user, assistant = columns["user"], columns["assistant"]
    system = columns.get("system")
    pair = conventions.Pair
    for line, fields, text, why in body:
        # the usual row settles in a few tests; any other goes through _check
        if fields is None or len(fields) != width or not text.isascii():
            problem = _check(line, fields, text, why, width)
            if problem is not None:
                yield problem
                continue
        assert fields is not None
        user_text, assistant_text = fields[user], fields[assistant]
        if not user_text or not assistant_text or user_text.isspace() or assistant_text.isspace():
            empty = [header[i] if header is not None else f"column {i + 1}" for i in (user, assistant) if not fields[i].strip()]
            yield Rejected(line, text, f"empty {' and '.join(repr(e) for e in empty)}")
            continue
        yield pair(line, user_text, assistant_text, fields[system] if system is not None else "", text)


def _wide(body: Iterable[TableRow], header: list[str] | None, width: int, options: ConvertOptions, notes: Notes) -> Iterator[Row]:
    assert options.columns is not None
    roles = [ROLE_NAMES.get(c.strip().lower(), "skip" if c.strip().lower() in SKIP else "?") for c in options.columns]
    unknown = [c for c, r in zip(options.columns, roles) if r == "?"]
    if unknown:
        raise ColumnError(f"--columns: unknown role {unknown[0]!r} (expected {', '.join(sorted(ROLE_NAMES))} or - to skip)")
    if len(roles) != width:
        raise ColumnError(f"--columns names {len(roles)} columns, the table has {width}")
    notes.add(f"wide rows: {', '.join(options.columns)}")
    for line, fields, text, why in body:
        problem = _check(line, fields, text, why, width)
        if problem is not None:
            yield problem
            continue
        assert fields is not None
        messages: list[dict[str, Any]] = []
        ended: int | None = None  # the first empty turn: every later one must be empty too
        reason = None
        for index, (role, value) in enumerate(zip(roles, fields)):
            if role == "skip":
                continue
            if not value.strip():
                if role != "system" and ended is None:
                    ended = index
                continue
            if ended is not None:
                reason = f"column {ended + 1} is empty but column {index + 1} is not: a turn is missing"
                break
            messages.append({"role": role, "content": value})
        if reason is None and not any(m["role"] == "assistant" for m in messages):
            reason = "no assistant turn"
        if reason is None and not any(m["role"] == "user" for m in messages):
            reason = "no user turn"
        if reason is not None:
            yield Rejected(line, text, reason)
        else:
            yield Converted(line, {"messages": messages}, text)


def _long(body: Iterable[TableRow], header: list[str] | None, width: int, options: ConvertOptions, notes: Notes) -> Iterator[Row]:
    names = (options.conversation_column, options.role_column, options.content_column)
    if None in names:
        raise ColumnError("a long table needs --conversation-column, --role-column and --content-column")
    conversation, role, content = (_index(header, name, width) for name in names if name is not None)
    notes.add(f"long table: one message a row, grouped by {header[conversation] if header else f'column {conversation + 1}'!r}")
    finished: set[str] = set()
    current: str | None = None
    start = 0
    messages: list[dict[str, Any]] = []
    texts: list[str] = []
    problem: str | None = None

    def flush() -> Row | None:
        if current is None:
            return None
        joined = "\n".join(texts)
        if problem:
            return Rejected(start, joined, problem)
        return Converted(start, {"messages": messages}, joined)

    for line, fields, text, why in body:
        bad = _check(line, fields, text, why, width)
        if bad is not None:
            yield bad
            continue
        assert fields is not None
        key = fields[conversation]
        if key != current:
            done = flush()
            if done is not None:
                yield done
            if current is not None:
                finished.add(current)
            if key in finished:
                yield Rejected(line, text, f"conversation {key!r} continues after other conversations: its rows must be adjacent")
                current = None
                continue
            current, start, messages, texts, problem = key, line, [], [], None
        texts.append(text)
        mapped = ROLE_NAMES.get(fields[role].strip().lower())
        if mapped is None:
            problem = problem or f"line {line}: unknown role {fields[role]!r} (expected {', '.join(sorted(ROLE_NAMES))})"
        elif not fields[content].strip():
            problem = problem or f"line {line}: empty {header[content] if header else f'column {content + 1}'!r}"
        else:
            messages.append({"role": mapped, "content": fields[content]})
    done = flush()
    if done is not None:
        yield done
