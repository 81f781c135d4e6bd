"""``python -m analysis check CORPUS``: load a corpus and print its accounting, nothing else.

For every file: format, records read, loaded and rejected; then the warnings and the rejects
(file, row, reason). No analysis runs, so it is the quick first step on a new folder. Exit
status 0 when at least one article loaded, 1 when none did, 2 on a usage error.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.csv").write_text("title,text\\nKyiv,Drones struck Kyiv.\\nEmpty,\\n")
>>> main([str(folder)])  # doctest: +NORMALIZE_WHITESPACE
file   format  read  loaded  rejected
a.csv  csv        2       1         1
TOTAL             2       1         1
<BLANKLINE>
0 warnings
1 reject
  a.csv, row 2: empty text in row 2 (column 'text')
<BLANKLINE>
1 of 2 records loaded
0
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import pandas as pd

from analysis.logs import configure_logging

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m analysis check",
                                description="Load a corpus and print per-file accounting, "
                                            "warnings and rejects (no analysis).")
    p.add_argument("corpus", nargs="+", help="file(s) or folder(s) to load")
    p.add_argument("--reference-time", default=None,
                   help="'now' for relative dates such as '3 hours ago' (e.g. 2025-10-21T12:00Z)")
    p.add_argument("--dayfirst", choices=("auto", "day", "month"), default="auto",
                   help="how to read 12/08/2024: day-first, month-first, or auto (default)")
    p.add_argument("--manifest", default=None, help="a sources.yml / sources.csv to apply")
    p.add_argument("--limit", type=int, default=200,
                   help="print at most this many warnings and rejects each (default 200)")
    return p


def _row(value) -> str:
    return "" if value is None or pd.isna(value) else f", row {int(value)}"


def _listing(title: str, frame: pd.DataFrame, limit: int, line) -> list[str]:
    n = len(frame)
    out = [f"{n} {title}{'' if n == 1 else 's'}"]
    for rec in frame.head(limit).itertuples(index=False):
        out.append("  " + line(rec))
    if n > limit:
        out.append(f"  ... and {n - limit} more (--limit)")
    return out


def report(articles: pd.DataFrame, *, limit: int = 200) -> str:
    """The text ``check`` prints for a loaded corpus."""
    from analysis.corpus import files_of, rejects_of, warnings_of

    files = files_of(articles)
    table = pd.DataFrame({"file": files["source_file"], "format": files["format"],
                          "read": files["rows_read"].astype("int64"),
                          "loaded": files["loaded"].astype("int64"),
                          "rejected": files["rejected"].astype("int64")})
    total = pd.DataFrame([{"file": "TOTAL", "format": "", "read": int(table["read"].sum()),
                           "loaded": int(table["loaded"].sum()),
                           "rejected": int(table["rejected"].sum())}])
    table = pd.concat([table, total], ignore_index=True)
    for c in ("file", "format"):  # justify= places the headers only: padded, names start under theirs too
        table[c] = table[c].str.ljust(int(table[c].str.len().max()))
    lines = [table.to_string(index=False, justify="left"), ""]
    lines += _listing("warning", warnings_of(articles), limit,
                      lambda r: f"{r.source_file}{_row(r.source_row)}: {r.field}: {r.message}")
    lines += _listing("reject", rejects_of(articles), limit,
                      lambda r: f"{r.source_file}{_row(r.source_row)}: {r.reason}")
    lines += ["", f"{int(total['loaded'][0])} of {int(total['read'][0])} records loaded"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    configure_logging()  # stderr, INFO unless -q/-v said otherwise
    args = _parser().parse_args(argv)
    from analysis.corpus import load_corpus

    dayfirst = {"auto": None, "day": True, "month": False}[args.dayfirst]
    try:
        articles = load_corpus([Path(p) for p in args.corpus], reference_time=args.reference_time,
                               dayfirst=dayfirst, manifest=args.manifest)
    except (FileNotFoundError, ValueError) as err:
        logger.error(f"check: {err}")
        return 2
    print(report(articles, limit=args.limit))
    if len(articles) == 0:
        from analysis.corpus import SUPPORTED_EXTENSIONS, rejects_of

        if rejects_of(articles).empty:  # "see the rejects above" would point at an empty list
            logger.error(f"check: no article file in {', '.join(args.corpus)} (supported: {', '.join(SUPPORTED_EXTENSIONS)})")
        else:
            logger.error("check: no article could be loaded; see the rejects above")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
