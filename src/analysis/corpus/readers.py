"""One reader per format: CSV/TSV, XLSX, parquet, JSON/JSONL, HTML, TXT (feeds and exports:
:mod:`analysis.formats`). Each returns a ``_Raw`` table or raises ``_Reject``.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import warnings as warnings_module
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import formats as _formats  # Media Cloud / GDELT exports, RSS/Atom feeds
from analysis.corpus.cleaning import _BP_ALL, _clean_title
from analysis.corpus.manifest import _err_text, _norm_col, _Spec
from analysis.corpus.schema import _EXTRA_PREFIX, _FIELDS, COLUMN_ALIASES

# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------

class _Reject(Exception):
    """A whole file cannot be read; the message names the problem."""

    def __init__(self, reason: str, n_rows: int = 1):
        super().__init__(reason)
        self.reason, self.n_rows = reason, n_rows


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    """Decode a text file: (text, encoding, notes about repairs).

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such. A UTF-8 file with a few
    stray bytes (one cp1252 quote pasted into it) stays UTF-8: the bad bytes become U+FFFD and a
    note names their offsets. Only a file with no valid multi-byte UTF-8 at all is read as cp1252.

    >>> text, enc, notes = _decode("café – naïve".encode("utf-8") + b" \\x92 ok")
    >>> text.endswith("\\ufffd ok"), enc, notes[0].split(" replaced")[0]
    (True, 'utf-8', 'invalid UTF-8 byte 0x92 at offset 17')
    >>> _decode("caf\\xe9".encode("cp1252"))[:2]
    ('café', 'cp1252')
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            raise _Reject("cannot decode text: starts with a UTF-16 byte-order mark but is not "
                          "valid UTF-16; re-save the file as UTF-8") from None
    nul = data.find(b"\x00", 0, 65536)
    if nul < 0:
        nul = data.find(b"\x00")
    if nul >= 0:
        count = data.count(b"\x00")
        if count * 100 >= len(data):  # binary, or UTF-16 without a byte-order mark
            raise _Reject(f"binary file (NUL byte at offset {nul}), not text; if it is UTF-16, "
                          "re-save it as UTF-8")
        text, enc, notes = _decode(data.replace(b"\x00", b""))  # a few stray NULs in a text
        return text, enc, [f"{count} NUL byte{'s' if count > 1 else ''} removed (first at offset "
                           f"{nul})"] + notes
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig", []
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as err:
        first = err
    replaced = data.decode("utf-8", "replace")
    if re.search("[^\x00-\x7f\ufffd]", replaced):  # real multi-byte UTF-8 elsewhere: stray bytes
        return replaced, "utf-8", [_stray_bytes_note(data, first)]
    try:
        return data.decode("cp1252"), "cp1252", []
    except UnicodeDecodeError:
        raise _Reject(f"cannot decode text: invalid UTF-8 ({first.reason} at byte {first.start}) "
                      "and not cp1252 either; re-save the file as UTF-8") from None


def _stray_bytes_note(data: bytes, first: UnicodeDecodeError) -> str:
    """Name the first invalid bytes of a mostly-UTF-8 file and how many there are."""
    offsets, pos = [], first.start
    while pos < len(data) and len(offsets) < 1000:
        try:
            data[pos:pos + 65536].decode("utf-8")
            break
        except UnicodeDecodeError as err:
            if err.start >= 65530 and pos + 65536 < len(data):  # a sequence cut by the window
                pos += err.start
                continue
            offsets.append(pos + err.start)
            pos += err.end
    shown = ", ".join(f"0x{data[o]:02x} at offset {o}" for o in offsets[:3])
    more = "+" if len(offsets) >= 1000 else ""
    return (f"invalid UTF-8 byte{'s' if len(offsets) > 1 else ''} {shown} replaced by U+FFFD "
            f"({len(offsets)}{more} byte{'s' if len(offsets) != 1 else ''} in all); the rest of the "
            "file is UTF-8")


@dataclass
class _Raw:
    """Rows read from one file, before cleaning."""
    rows: pd.DataFrame  # columns among _FIELDS plus 'source_row', 'text_source'
    fmt: str
    encoding: str
    rows_read: int
    rejects: list[tuple[int | None, str, int]] = field(default_factory=list)
    warnings: list[tuple[int | None, str, Any, str]] = field(default_factory=list)


def _resolve_columns(columns: Sequence[str], mapping: Mapping[str, str], where: str,
                     ) -> dict[str, str]:
    by_norm: dict[str, str] = {}
    for c in columns:
        by_norm.setdefault(_norm_col(c), c)
    resolved: dict[str, str] = {}
    for fld, col in mapping.items():
        fld = {"license": "licence", "body": "text", "published": "date", "headline": "title",
               "source": "outlet", "language": "lang"}.get(fld, fld)
        if fld not in _FIELDS:
            raise _Reject(f"mapping key {fld!r} is not a field; use one of {list(_FIELDS)}")
        if col in columns:
            resolved[fld] = col
        elif _norm_col(col) in by_norm:
            resolved[fld] = by_norm[_norm_col(col)]
        else:
            raise _Reject(f"mapping names column {col!r} for {fld!r}, but {where} has columns "
                          f"{list(map(str, columns))}")
    taken = set(resolved.values())
    for fld in _FIELDS:
        if fld in resolved:
            continue
        for alias in COLUMN_ALIASES[fld]:
            col = by_norm.get(alias)
            if col is not None and col not in taken:
                resolved[fld] = col
                taken.add(col)
                break
    return resolved


def _looks_like_dates(series: pd.Series) -> bool:
    vals = series.dropna()
    if vals.empty:
        return False
    vals = vals.head(200)
    if vals.map(lambda v: isinstance(v, (datetime, pd.Timestamp))).mean() > 0.8:
        return True
    parsed = pd.to_datetime(vals.astype(str), format="ISO8601", errors="coerce", utc=True)
    return parsed.notna().mean() > 0.8


def _field_values(column: pd.Series | pd.DataFrame, fld: str) -> pd.Series:
    """A field's cells as plain values: JSON lists of paragraphs are joined with a blank line
    (title/text/summary), other lists give their first value; objects become JSON text.

    >>> _field_values(pd.Series([["First.", "Second."], "Plain."]), "text").tolist()
    ['First.\\n\\nSecond.', 'Plain.']
    >>> _field_values(pd.Series([["2024-08-12", "2024-08-13"]]), "date").tolist()
    ['2024-08-12']
    """
    if isinstance(column, pd.DataFrame):  # duplicated column name: the first one
        column = column.iloc[:, 0]
    column = column.astype(object)
    if column.dtype == object and column.map(lambda v: isinstance(v, (list, tuple, dict, np.ndarray))).any():
        column = column.map(lambda v: _plain_value(v, fld))
    return column


def _plain_value(value: Any, fld: str) -> Any:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, np.ndarray):  # parquet list cells
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        return value
    items = [v for v in value if v is not None and not isinstance(v, (list, tuple, dict))]
    if fld in ("title", "text", "summary"):
        return "\n\n".join(str(v) for v in items) or None
    return items[0] if items else None


def _table_to_rows(table: pd.DataFrame, spec: _Spec, where: str) -> tuple[pd.DataFrame, list]:
    """Pick the article fields out of a table using aliases, mapping and manifest."""
    table = _formats.normalise_export(table.reset_index(drop=True), keep=spec.mapping.values())
    columns = [str(c) for c in table.columns]
    table.columns = columns
    resolved = _resolve_columns(columns, spec.mapping, where)
    warnings: list[tuple[int | None, str, Any, str]] = []
    if "date" not in resolved:  # an unnamed column full of dates (kyiv_independent_headlines)
        for c in columns:
            if (c.startswith("Unnamed") or c.strip() == "") and c not in resolved.values() \
                    and _looks_like_dates(table[c]):
                resolved["date"] = c
                warnings.append((None, "date", c, f"using unnamed column {c!r} as the date"))
                break
    text_source = "body"
    if "text" not in resolved:
        if "summary" in resolved:
            resolved["text"], text_source = resolved["summary"], "summary"
        elif "title" in resolved:
            resolved["text"], text_source = resolved["title"], "title"
            warnings.append((None, "text", None,
                             f"no body column; using the titles ({resolved['title']!r}) as text"))
        else:
            raise _Reject(f"no text column: {where} has columns {columns}; expected one of "
                          f"{list(COLUMN_ALIASES['text'])} or pass mapping={{'text': '<column>'}} "
                          "(or a manifest entry)", n_rows=len(table))
    rows = pd.DataFrame(index=table.index)
    for fld in _FIELDS:
        if fld in resolved and fld != "summary":
            rows[fld] = _field_values(table[resolved[fld]], fld)
    rows["text_source"] = text_source
    rows["source_row"] = np.arange(1, len(table) + 1)
    rows["_text_col"] = resolved["text"]
    # Every other column travels along untouched (``extra_columns=``): values as the source gives
    # them. A summary column is "used" only when it stands in for the missing body.
    used = {col for fld, col in resolved.items() if fld != "summary" or col == resolved["text"]}
    keep, seen = [], set()
    for i, c in enumerate(columns):
        if c not in used and c not in seen:
            seen.add(c)
            keep.append(i)
    if keep:
        extra = table.iloc[:, keep]
        extra.columns = [_EXTRA_PREFIX + columns[i] for i in keep]
        rows = pd.concat([rows, extra], axis=1)
    return rows, warnings


def _read_text(path: Path) -> tuple[str, str, list[tuple[int | None, str, Any, str]]]:
    """A text file's content, the encoding that decoded it and warnings about the decoding
    (file-level, ready for ``_Raw.warnings``); blank files are rejected."""
    data = _read_bytes(path)
    if not data.strip():
        raise _Reject("empty file")
    text, enc, notes = _decode(data)
    return text, enc, [(None, "encoding", enc, note) for note in notes]


def _read_csv(path: Path, spec: _Spec, sep: str | None) -> _Raw:
    text, enc, notes = _read_text(path)
    if sep is None:
        header = text.lstrip("\ufeff").split("\n", 1)[0]
        counts = {d: header.count(d) for d in [",", ";", "\t", "|"]}
        sep = max(counts, key=counts.get) if max(counts.values()) else ","
    kind = "TSV" if sep == "\t" else "CSV"
    try:
        if text.count('"') % 2:  # a quote never closed: pandas would swallow the rest silently
            raise pd.errors.ParserError("odd number of quote characters")
        with warnings_module.catch_warnings():
            warnings_module.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                                na_values=[], index_col=False, engine="c")
        bad: list[tuple[int, str]] = []
    except pd.errors.EmptyDataError:
        raise _Reject("empty file (no header row)") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning, csv.Error, ValueError):
        table, bad = _read_csv_slowly(text, sep, kind)
    table = table.replace("", None)
    if table.empty and not bad:
        notes.append((None, "rows", None, f"the {kind} has a header line and no data rows (header: "
                      f"{_first_line(text)[:80]!r})"))
    rows, warnings = _table_to_rows(table, spec, path.name)
    raw = _Raw(rows, path.suffix.lower().lstrip("."), enc, len(table) + len(bad),
               warnings=notes + warnings)
    if bad:  # number rows as records read, malformed ones included
        good_rows = [i for i in range(1, len(table) + len(bad) + 1) if i not in {r for r, _ in bad}]
        raw.rows["source_row"] = good_rows
    for row, reason in bad:
        raw.rejects.append((row, reason, 1))
    return raw


def _read_csv_slowly(text: str, sep: str, kind: str) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """Row-by-row reader for a CSV pandas refuses: malformed records are set aside with their
    line number instead of failing the whole file.

    A quote that is never closed would swallow every later line into one field; that record is
    rejected and reading starts again on the next line, so the rows after it still load.

    >>> table, bad = _read_csv_slowly('t,x\\n1,"open\\n2,b\\n3,c\\n', ",", "CSV")
    >>> table.values.tolist(), bad[0][0]
    ([['2', 'b'], ['3', 'c']], 1)
    """
    csv.field_size_limit(2**31 - 1)
    lines = io.StringIO(text, newline="").readlines()
    header: list[str] | None = None
    good: list[list[str]] = []
    bad: list[tuple[int, str]] = []
    n, pos = 0, 0
    opens_quote = re.compile(rf'(?:^|{re.escape(sep)})[ \t]*"').search
    while pos < len(lines):
        reader = csv.reader(itertools.islice(lines, pos, None), delimiter=sep)
        done = 0  # lines of this reader consumed so far
        restart = None
        try:
            for record in reader:
                first, done = pos + done, reader.line_num
                if header is None:
                    header = _unique_names(record)
                    continue
                span = lines[first:pos + done]
                if pos + done == len(lines) and sum(line.count('"') for line in span) % 2 \
                        and opens_quote(span[0]):  # runs to the end of the file: never closed
                    n += 1
                    bad.append((n, f"malformed {kind} record {n} (line {first + 1}): a quote opened "
                                   f"there is never closed and would swallow the {len(span) - 1:,} "
                                   "lines after it; they are read again as records"))
                    restart = first + 1
                    break
                if not any(f.strip() for f in record):
                    continue
                n += 1
                if len(record) != len(header):
                    bad.append((n, f"malformed {kind} record {n} (line {first + 1}): {len(record)} "
                                   f"fields, the header has {len(header)}; quote fields that "
                                   f"contain {sep!r}"))
                else:
                    good.append(record)
        except csv.Error as err:
            raise _Reject(f"cannot parse as {kind}: {err}") from None
        if restart is None:
            break
        pos = restart
    if header is None:
        raise _Reject("empty file (no header row)")
    return pd.DataFrame(good, columns=header, dtype=object), bad


def _unique_names(header: list[str]) -> list[str]:
    """Column names made unique the way pandas does it: ``a, a`` -> ``a, a.1``.

    >>> _unique_names(["title", "text", "title"])
    ['title', 'text', 'title.1']
    """
    out: list[str] = []
    seen: set[str] = set()
    for name in header:
        new, k = name, 0
        while new in seen:
            k += 1
            new = f"{name}.{k}"
        seen.add(new)
        out.append(new)
    return out


#: Workbook limits: columns beyond ``MAX_XLSX_COLUMNS`` are ignored (with a warning), and a
#: sheet with more than ``MAX_XLSX_CELLS`` non-empty cells is rejected. Empty rows and columns
#: cost nothing: a 5 KB file whose only cell is XFD1048576 no longer builds a 5 GB grid.
MAX_XLSX_COLUMNS = 1000
MAX_XLSX_CELLS = 5_000_000
MAX_XLSX_BLANK_ROWS = 10_000


def _read_excel(path: Path, spec: _Spec) -> list[tuple[str, _Raw]]:
    try:
        sheets = _xlsx_tables(path)
    except _Reject:
        raise
    except Exception as err:  # noqa: BLE001 - anything openpyxl/zipfile raise on a broken file
        raise _Reject(f"cannot read as an Excel workbook (.xlsx): {_err_text(err)}") from None
    sheets = {name: st for name, st in sheets.items() if st[0].shape[1] > 0}
    if not sheets:
        raise _Reject("empty workbook (no sheet has data)")
    out = []
    for name, (table, notes) in sheets.items():
        suffix = f"[{name}]" if len(sheets) > 1 else ""
        try:
            rows, warnings = _table_to_rows(table, spec, f"{path.name}{suffix}")
        except _Reject as rej:
            if len(sheets) == 1:
                raise
            n = max(len(table), 1)
            out.append((suffix, _Raw(pd.DataFrame(), "xlsx", "binary", n,
                                     rejects=[(None, rej.reason, n)])))
            continue
        out.append((suffix, _Raw(rows, "xlsx", "binary", len(table), warnings=notes + warnings)))
    return out


def _xlsx_tables(path: Path) -> dict[str, tuple[pd.DataFrame, list]]:
    """Every worksheet as (table, warnings): header = first non-empty row, then the non-empty
    rows; merged cells give their value to every cell they cover."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: _xlsx_sheet(book, ws) for ws in book.worksheets if hasattr(ws, "_get_source")}
    finally:
        book.close()


def _xlsx_sheet(book: Any, ws: Any) -> tuple[pd.DataFrame, list]:
    """Read one sheet cell by cell (sparse), never materialising its declared dimensions."""
    from openpyxl.worksheet._reader import WorkSheetParser

    cells: dict[int, dict[int, Any]] = {}
    present: list[int] = []  # rows the file holds, blank ones included (pandas reads those too)
    n_cells, wide = 0, 0
    with ws._get_source() as source:
        parser = WorkSheetParser(source, ws._shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats,
                                 timedelta_formats=book._timedelta_formats)
        for row_idx, row in parser.parse():
            present.append(row_idx)
            for cell in row:
                value = cell["value"]
                if value is None or cell.get("data_type") == "e":
                    continue
                if cell["column"] > MAX_XLSX_COLUMNS:
                    wide += 1
                    continue
                if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
                    value = int(value)
                cells.setdefault(row_idx, {})[cell["column"]] = value
                n_cells += 1
                if n_cells > MAX_XLSX_CELLS:
                    raise _Reject(f"sheet {ws.title!r} has more than MAX_XLSX_CELLS="
                                  f"{MAX_XLSX_CELLS:,} non-empty cells", n_rows=1)
        merged = [m.ref for m in (parser.merged_cells.mergeCell if parser.merged_cells else [])]
    notes: list[tuple[int | None, str, Any, str]] = []
    if wide:
        notes.append((None, "columns", None, f"{wide:,} cell(s) beyond column {MAX_XLSX_COLUMNS} "
                                             "(MAX_XLSX_COLUMNS) ignored"))
    if not cells:
        return pd.DataFrame(), notes
    rows = sorted(cells)
    header_row = rows[0]
    notes.extend(_fill_merged(cells, merged, header_row))
    last = max(cells)
    blank = [r for r in present if header_row < r < last and r not in cells]
    if len(blank) <= MAX_XLSX_BLANK_ROWS:  # blank rows inside the table are records (rejected)
        for r in blank:
            cells[r] = {}
    else:
        notes.append((None, "rows", None, f"{len(blank):,} blank rows inside the table skipped"))
    rows = sorted(cells)
    width = max(max(r) for r in cells.values() if r)
    header = [cells[header_row].get(j) for j in range(1, width + 1)]
    names = _unique_names([f"Unnamed: {j}" if h is None else str(h) for j, h in enumerate(header)])
    data = [[cells[r].get(j) for j in range(1, width + 1)] for r in rows if r != header_row]
    return pd.DataFrame(data, columns=names, dtype=object), notes


def _fill_merged(cells: dict[int, dict[int, Any]], merged: list[str], header_row: int) -> list:
    """Give each merged range's value to the data cells it covers (within the real data)."""
    from openpyxl.utils.cell import range_boundaries

    notes = []
    last_row = max(cells)
    last_col = max(max(r) for r in cells.values())
    for ref in merged:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(str(ref))
        except (ValueError, TypeError):
            continue
        value = cells.get(min_row, {}).get(min_col)
        if value is None:
            continue
        filled = 0
        for r in range(max(min_row, header_row + 1), min(max_row, last_row) + 1):
            for c in range(min_col, min(max_col, last_col) + 1):
                if (r, c) != (min_row, min_col):
                    cells.setdefault(r, {})[c] = value
                    filled += 1
        if filled:
            notes.append((None, "merged", str(ref), f"merged cells {ref}: the value of the first "
                          f"cell ({str(value)[:40]!r}) is used for every row they span"))
    return notes


def _read_parquet(path: Path, spec: _Spec) -> _Raw:
    try:
        table = pd.read_parquet(path)
    except Exception as err:  # noqa: BLE001
        raise _Reject(f"cannot read as parquet: {_err_text(err)}") from None
    rows, warnings = _table_to_rows(table, spec, path.name)
    return _Raw(rows, "parquet", "binary", len(table), warnings=warnings)


#: A JSON file's records are flattened into at most this many columns: records that each carry
#: a different nested key would otherwise build a frame of records x keys cells. Columns that
#: name an article field (title, text, date, ...) are always kept.
MAX_JSON_COLUMNS = 100
#: Nested objects deeper than this are kept as they are (not flattened further).
_MAX_FLATTEN_DEPTH = 8
_SURROGATE = re.compile("[\ud800-\udfff]")
_ALIAS_NAMES = frozenset(a for names in COLUMN_ALIASES.values() for a in names)


def _records_to_raw(records: list[tuple[int, Any]], spec: _Spec, path: Path, fmt: str,
                    enc: str, rows_read: int, rejects: list) -> _Raw:
    good = [(n, r) for n, r in records if isinstance(r, dict)]
    for n, r in records:
        if not isinstance(r, dict):
            rejects.append((n, f"record {n} is a JSON {type(r).__name__}, not an object", 1))
    if not good:
        return _Raw(pd.DataFrame(), fmt, enc, rows_read, rejects=rejects)
    # Nested keys flattened like pd.json_normalize(sep="_"), but values stay the Python objects
    # JSON gave (json_normalize would turn an int column with a gap into floats).
    notes: list[tuple[int | None, str, Any, str]] = []
    flat = []
    for n, r in good:
        fixed: list[bool] = []
        flat.append(_flatten(r, fixed=fixed))
        if fixed:
            notes.append((n, "text", None, "lone UTF-16 surrogate escape(s) (e.g. \\ud800) replaced "
                                           "by U+FFFD"))
    flat, dropped = _cap_columns(flat)
    if dropped:
        notes.append((None, "extra_columns", dropped[0],
                      f"{len(dropped):,} flattened JSON keys beyond the first {MAX_JSON_COLUMNS} "
                      f"were dropped (e.g. {dropped[0]!r}); article fields are always kept"))
    table = pd.DataFrame(flat, dtype=object)
    rows, warnings = _table_to_rows(table, spec, path.name)
    rows["source_row"] = [n for n, _ in good]
    return _Raw(rows, fmt, enc, rows_read, rejects=rejects, warnings=notes + warnings)


def _cap_columns(flat: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Keep the first ``MAX_JSON_COLUMNS`` keys met (plus any key naming an article field)."""
    keys: dict[str, None] = {}
    for rec in flat:
        keys.update(dict.fromkeys(rec))
    if len(keys) <= MAX_JSON_COLUMNS:
        return flat, []
    kept = set(list(keys)[:MAX_JSON_COLUMNS]) | {k for k in keys if _norm_col(k) in _ALIAS_NAMES}
    dropped = [k for k in keys if k not in kept]
    return [{k: v for k, v in rec.items() if k in kept} for rec in flat], dropped


def _clean_json_value(value: Any, fixed: list[bool]) -> Any:
    """Lone surrogates (``"\\ud800"``) replaced by U+FFFD: they cannot be encoded, hashed or saved."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            fixed.append(True)
            return _SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, list):
        return [_clean_json_value(v, fixed) for v in value]
    return value


def _flatten(record: dict, prefix: str = "", depth: int = 0, fixed: list[bool] | None = None
             ) -> dict[str, Any]:
    """``{"source": {"name": "BBC"}}`` -> ``{"source_name": "BBC"}`` (lists are left as they are;
    below ``_MAX_FLATTEN_DEPTH`` levels objects are left as they are too).

    >>> _flatten({"source": {"name": "BBC"}, "tags": ["a"]})
    {'source_name': 'BBC', 'tags': ['a']}
    """
    fixed = [] if fixed is None else fixed
    out: dict[str, Any] = {}
    for key, value in record.items():
        key = _clean_json_value(str(key), fixed)
        name = f"{prefix}_{key}" if prefix else key
        if isinstance(value, dict) and value and depth < _MAX_FLATTEN_DEPTH:
            out.update(_flatten(value, name, depth + 1, fixed))
        else:
            out[name] = _clean_json_value(value, fixed)
    return out


def _json_loads(text: str, where: str) -> Any:
    """``json.loads`` that turns hostile nesting into a reject instead of a RecursionError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise _Reject(f"{where} is nested too deeply to parse (thousands of levels)") from None


def _read_json(path: Path, spec: _Spec) -> _Raw:
    text, enc, notes = _read_text(path)
    try:
        obj = _json_loads(text, "JSON")
    except json.JSONDecodeError as err:
        raise _Reject(f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}") from None
    list_notes: list = []
    if isinstance(obj, dict):
        lists = [(k, v) for k, v in obj.items()
                 if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if lists and not any(_norm_col(k) in COLUMN_ALIASES["text"] for k in obj):
            items = [x for _, v in lists for x in v]
            if len(lists) > 1:  # every list is read: none is silently left out
                list_notes.append((None, "records", None,
                                   "the JSON object holds several lists of records; read them all, "
                                   "in order: " + ", ".join(f"{k!r} ({len(v)})" for k, v in lists)))
        else:
            items = [obj]
    elif isinstance(obj, list):
        items = obj
    else:
        raise _Reject(f"JSON holds a {type(obj).__name__}; expected an object or a list of objects")
    raw = _records_to_raw(list(enumerate(items, start=1)), spec, path, "json", enc, len(items), [])
    raw.warnings[:0] = notes + list_notes
    return raw


def _read_jsonl(path: Path, spec: _Spec) -> _Raw:
    text, enc, notes = _read_text(path)
    records, rejects, n_read = [], [], 0
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        n_read += 1
        try:
            records.append((lineno, _json_loads(line, f"line {lineno}")))
        except json.JSONDecodeError as err:
            rejects.append((lineno, f"malformed JSON on line {lineno}: {err.msg} (column {err.colno})", 1))
        except _Reject as rej:
            rejects.append((lineno, rej.reason, 1))
    raw = _records_to_raw(records, spec, path, "jsonl", enc, n_read, rejects)
    raw.warnings[:0] = notes
    return raw


class _TextExtractor(HTMLParser):
    """Stdlib fall-back: visible text of an HTML page, without script/style/nav/header/footer.
    Nothing is ever executed; tags are only read."""

    SKIP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "template",
            "svg", "iframe", "button", "select", "head"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section",
             "blockquote", "tr", "pre", "figcaption", "dd", "dt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title = ""
        self.h1 = ""
        self.meta: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"])
        elif tag == "link" and a.get("rel", "").lower() == "canonical" and a.get("href"):
            self.meta.setdefault("canonical", a["href"])
        if tag in self.SKIP:
            self.skip += 1
        if tag in ("title", "h1"):
            self._in = tag
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag == self._in:
            self._in = None
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._in == "title" and not self.title:
            self.title = data.strip()
        if self.skip:
            return
        if self._in == "h1" and not self.h1:
            self.h1 = data.strip()
        self.parts.append(data)


def _html_extract(markup: str) -> dict[str, Any]:
    """Title, text, url, date of a page: trafilatura when importable, else the stdlib parser."""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup: use what was parsed
        pass
    meta = parser.meta
    info: dict[str, Any] = {
        "title": meta.get("og:title") or parser.h1 or parser.title or None,
        "url": meta.get("og:url") or meta.get("canonical"),
        "date": meta.get("article:published_time") or meta.get("datepublished")
                or meta.get("date") or meta.get("pubdate") or meta.get("dc.date"),
        "outlet": meta.get("og:site_name"),
        "lang": None,
        "text": "".join(parser.parts),
        "_extractor": "html.parser",
    }
    title = (info["title"] or "").strip()
    if title and info["text"].strip().startswith(title):  # the h1 repeats the title
        info["text"] = info["text"].strip()[len(title):]
    try:
        import trafilatura  # noqa: PLC0415 - optional at import time
    except Exception:  # noqa: BLE001 - e.g. missing lxml_html_clean: fall back
        return info
    try:
        doc = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False)
    except Exception:  # noqa: BLE001
        doc = None
    if doc is not None:
        d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
        if d.get("text"):
            text = d["text"]
            title = info["title"] or d.get("title")
            if title and text.startswith(title):
                text = text[len(title):]
            info.update(text=text.replace("\n", "\n\n"), _extractor="trafilatura")
            info["title"] = title
            info["url"] = info["url"] or d.get("url")
            info["date"] = info["date"] or d.get("date")
            info["outlet"] = info["outlet"] or d.get("sitename")
    return info


#: HTML pages larger than this are rejected before extraction (trafilatura needs minutes on a
#: 20 MB page and over a minute on 5 MB; article pages are rarely above 1 MB).
MAX_HTML_BYTES = 2_000_000


def _read_html(path: Path, spec: _Spec) -> _Raw:
    size = path.stat().st_size
    if size > MAX_HTML_BYTES:  # checked before any parsing: extraction is slow on huge pages
        raise _Reject(f"HTML page of {size:,} bytes is larger than MAX_HTML_BYTES="
                      f"{MAX_HTML_BYTES:,}; a news article page is far smaller (save the article "
                      "text as .txt instead)")
    text, enc, notes = _read_text(path)
    info = _html_extract(text)
    row = {k: info.get(k) for k in ("title", "text", "url", "date", "outlet")}
    row.update(source_row=1, text_source="body")
    raw = _Raw(pd.DataFrame([row]), "html", enc, 1, warnings=notes)
    if info["_extractor"] != "trafilatura":
        raw.warnings.append((1, "text", None, "extracted with the stdlib HTML parser "
                             "(trafilatura not importable)"))
    return raw


def _headline_like(line: str) -> bool:
    """Short, and either without sentence-final punctuation or at most 15 words. Measured on
    ../shared: 15% of GDELT first paragraphs pass, 85-99% of real title lines do."""
    words = line.split()
    return (2 <= len(words) and len(line) <= 150
            and (not re.search(r"[.,;:—–-][\"'”’»)]?$", line) or len(words) <= 15)
            and not _BP_ALL.match(line))


def _txt_candidate(paras: list[list[str]], *, strict: bool = False) -> bool:
    """The first line looks like a headline and a body follows (``strict``: and a blank line
    separates them — used when a file has no folder-mates to compare with)."""
    n_lines = sum(len(p) for p in paras)
    if n_lines < 2 or not _headline_like(paras[0][0]):
        return False
    return not strict or (len(paras[0]) == 1 and len(paras) >= 2)


def _split_title(paras: list[list[str]], mode: str) -> tuple[str | None, list[list[str]]]:
    """Remove a title line according to ``mode``: 'repeat' | 'first' | 'none'."""
    lines = [(i, j, ln) for i, p in enumerate(paras) for j, ln in enumerate(p)]
    if len(lines) >= 2:
        first = _clean_title(lines[0][2])[0]
        for i, j, ln in lines[1:3]:
            if _clean_title(ln)[0] == first and first:
                title = lines[0][2]
                paras = [list(p) for p in paras]
                paras[i].pop(j)
                paras[0].pop(0)
                return title, [p for p in paras if p]
    if mode == "first" and len(lines) >= 2:
        return paras[0][0], [p for p in ([paras[0][1:]] + paras[1:]) if p]
    return None, paras


def _first_line(text: Any) -> str:
    return str(text).strip().split("\n", 1)[0][:80] if text else ""


def _read_bytes(path: Path) -> bytes:
    """A file's bytes; an unreadable file (permissions, a vanished link) becomes a reject."""
    try:
        return path.read_bytes()
    except OSError as err:
        raise _Reject(f"cannot read file: {err.strerror or type(err).__name__}") from None

