"""The accounting ledgers (rejects, warnings, files) carried in ``articles.attrs``, read back
as DataFrames, and the per-file :func:`accounting` table.
"""

from __future__ import annotations

import json

import pandas as pd

from analysis.corpus.schema import FILE_COLUMNS, REJECT_COLUMNS, WARNING_COLUMNS

_LEDGERS = {
    "rejects": (REJECT_COLUMNS, ("source_row", "n_rows")),
    "warnings": (WARNING_COLUMNS, ("source_row",)),
    "files": (FILE_COLUMNS, ("rows_read", "loaded", "rejected")),
}


def _ledger_json(items: list[tuple], name: str) -> str:
    columns, int_cols = _LEDGERS[name]
    data = []
    for item in items:
        row = []
        for col, v in zip(columns, item):
            if v is None:
                row.append(None)
            elif type(v) is str and col not in int_cols or type(v) is int and col in int_cols:  # the common cases, kept cheap
                row.append(v)
            elif not isinstance(v, str) and pd.isna(v):
                row.append(None)
            elif col in int_cols:
                row.append(int(v))
            else:
                row.append(str(v))
        data.append(row)
    if columns[0] == "source_file":  # sorted by file, then row (whole-file entries first)
        data.sort(key=lambda r: (r[0], -1 if r[1] is None or not isinstance(r[1], int) else r[1]))
    return json.dumps({"columns": columns, "data": data}, ensure_ascii=False)


def _ledger_frame(articles: pd.DataFrame, name: str) -> pd.DataFrame:
    columns, int_cols = _LEDGERS[name]
    raw = articles.attrs.get(name)
    if raw is None:
        raise ValueError(f"no {name!r} ledger in attrs: pass the frame load_corpus returned "
                         "(or one read back from parquet)")
    table = json.loads(raw) if isinstance(raw, str) else raw
    frame = pd.DataFrame(table["data"], columns=table["columns"], dtype=object)
    for col in columns:
        frame[col] = (pd.array(frame[col].tolist(), dtype="Int64") if col in int_cols
                      else frame[col].astype("str"))
    return frame


def rejects_of(articles: pd.DataFrame) -> pd.DataFrame:
    """The rejects ledger of a loaded corpus: ``source_file, source_row, reason, n_rows``
    (``source_row`` <NA> when a whole file was rejected; ``n_rows`` records it held)."""
    return _ledger_frame(articles, "rejects")


def warnings_of(articles: pd.DataFrame) -> pd.DataFrame:
    """The warnings ledger of a loaded corpus: ``source_file, source_row, field, value, message``."""
    return _ledger_frame(articles, "warnings")


def files_of(articles: pd.DataFrame) -> pd.DataFrame:
    """Per-file ledger: ``source_file, format, encoding, rows_read, loaded, rejected``."""
    return _ledger_frame(articles, "files")


# --------------------------------------------------------------------------------------------
# Accounting
# --------------------------------------------------------------------------------------------

def accounting(articles: pd.DataFrame) -> pd.DataFrame:
    """Per-file ledger of a loaded corpus plus a ``TOTAL`` row:
    ``source_file, format, rows_read, loaded, rejected, duplicates, warnings`` where
    ``rows_read == loaded + rejected`` always holds.

    >>> from analysis.corpus import load_corpus
    >>> from analysis.paths import project_root
    >>> table = accounting(load_corpus(project_root() / "data" / "raw"))
    >>> table.loc[table["source_file"] == "TOTAL", ["rows_read", "loaded", "rejected"]].values.tolist()
    [[1, 1, 0]]
    """
    out = files_of(articles)[["source_file", "format", "rows_read", "loaded", "rejected"]].copy()
    dup_counts = articles.loc[articles["duplicate_of"].notna(), "source_file"].value_counts()
    warn = warnings_of(articles)
    warn_counts = warn["source_file"].value_counts() if warn is not None and len(warn) else pd.Series(dtype=int)
    out["duplicates"] = out["source_file"].map(dup_counts).fillna(0).astype("int64")
    out["warnings"] = out["source_file"].map(warn_counts).fillna(0).astype("int64")
    for col in ("rows_read", "loaded", "rejected"):
        out[col] = out[col].astype("int64")
    total = {"source_file": "TOTAL", "format": "", **{c: int(out[c].sum()) for c in
             ("rows_read", "loaded", "rejected", "duplicates", "warnings")}}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)

