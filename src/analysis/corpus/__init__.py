"""Load a pile of articles — any mix of files and folders — into one DataFrame.

The package is laid out along the loader's steps: :mod:`~analysis.corpus.readers` (one reader per
format), :mod:`~analysis.corpus.dates`, :mod:`~analysis.corpus.cleaning`,
:mod:`~analysis.corpus.language`, :mod:`~analysis.corpus.manifest` (per-file options),
:mod:`~analysis.corpus.ledger` (rejects, warnings, files, :func:`accounting`),
:mod:`~analysis.corpus.duplicates`, :mod:`~analysis.corpus.schema` (column names) and
:mod:`~analysis.corpus.load` (the :func:`load_corpus` entry). Size limits such as
``MAX_HTML_BYTES`` are read where they are used (``analysis.corpus.readers.MAX_HTML_BYTES``).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("Kyiv hit by drones\\n\\nKyiv hit by drones\\n\\n"
...                                   "Russian drones struck Kyiv overnight.\\n\\nComments\\n")
>>> articles = load_corpus(folder)
>>> articles.loc[0, ["title", "text"]].tolist(), int(articles.loc[0, "n_chars"])
(['Kyiv hit by drones', 'Russian drones struck Kyiv overnight.'], 37)
>>> accounting(articles)[["rows_read", "loaded", "rejected"]].values.tolist()[-1]
[1, 1, 0]

Schema of the returned frame (one row per article, in this column order)
-------------------------------------------------------------------------
==============  ===========================  ==================================================
column          dtype                        meaning
==============  ===========================  ==================================================
article_id      str                          16 hex chars of SHA-1 over outlet, source_file,
                                             source_row and the cleaned text: stable across
                                             runs and machines, changes when the content does
outlet          str                          who published it (never missing: ``"unknown"``)
url             str / <NA>                   link to the original
published       datetime64[ns, UTC] / NaT    publication time, always UTC
title           str / <NA>                   headline, "(video)"-style suffix removed
text            str                          cleaned body (NFC, whitespace normalised,
                                             paragraphs separated by a blank line, site
                                             boilerplate removed — see ``BOILERPLATE``)
lang            str / <NA>                   ISO 639-1 code ("en", "ru", "uk", ...): given, else
                                             detected; a language model's reading under
                                             ``MODEL_LANG_MIN_CONFIDENCE`` (a short headline)
                                             takes its file's (or the corpus's) language
source_file     str                          file the row came from, relative to the folder
                                             that was loaded (a file given directly: its name);
                                             a multi-sheet workbook adds ``[sheet]``
source_row      Int64                        1-based record number inside the file (data row
                                             of a CSV/XLSX — the header is not counted —, line
                                             number of a JSONL file, 1 for a .txt/.html file)
n_chars         int64                        ``len(text)``
duplicate_of    str / <NA>                   article_id of the earliest copy (earliest
                                             ``published``, then load order) when this row is
                                             an exact or near duplicate; never dropped
duplicate_kind  str / <NA>                   "exact" (same normalised text) or "near"
                                             (word 5-gram Jaccard >= threshold)
country         str / <NA>                   from a column, the manifest or the file name
title_flag      str / <NA>                   "video", "photos", "live", ... from a title suffix
text_source     str                          where ``text`` came from: "body", "summary"
                                             (no body column) or "title" (headline files)
date_raw        str / <NA>                   the date exactly as found in the source
date_source     str / <NA>                   "column", "relative", "filename" or "url"
encoding        str                          how the file was decoded ("utf-8", "utf-8-sig",
                                             "utf-16", "cp1252"; "binary" for xlsx/parquet)
licence         str / <NA>                   from a licence column or the manifest
==============  ===========================  ==================================================

Extra columns
-------------
After these come the source's other columns — those no field above uses — so that metadata
such as ``outlet_group``, ``doc_id``, ``source_dataset``, ``location`` or ``keyword`` can be
grouped and filtered on (``extra_columns="keep"``, the default; ``"drop"`` leaves them out; a
list keeps just those). In the order first met, file by file. A name is changed only when it
would collide with a schema column: a ``text`` column that is not the text (``mapping=`` chose
another) becomes ``src_text``, with a warning. A summary column is an extra unless it stands in
for a missing body. Values are as the source gives them: strings from CSV/TSV, JSON values
(nested keys flattened: ``meta.desk`` -> ``meta_desk``), Excel cells, parquet dtypes. Where a
file lacks a column its rows are missing (integers and booleans then become nullable
``Int64``/``boolean``; a column whose files disagree on the type stays ``object``). ``.txt`` and
``.html`` files have none.

Accounting contract
-------------------
Every record read is either loaded (a row above) or rejected, never silently lost. Three
ledgers travel with the frame in ``articles.attrs`` and are read back as DataFrames with
:func:`rejects_of`, :func:`warnings_of` and :func:`files_of` (or :func:`accounting`):

* rejects: ``source_file, source_row, reason, n_rows``. ``source_row`` is ``<NA>`` when a
  whole file is rejected (then ``n_rows`` is the number of records it held, 1 for an
  unreadable file); otherwise ``n_rows`` is 1.
* warnings: ``source_file, source_row, field, value, message`` — things that were repaired
  or left missing (unparseable dates, relative dates without ``reference_time``, encoding
  fall-backs, a language tag overridden by the script actually used, an unsure detection
  kept in its file's language, ...).
* files: ``source_file, format, encoding, rows_read, loaded, rejected`` with
  ``rows_read == loaded + rejected`` for every file; :func:`accounting` adds the duplicates and a
  total row. ``attrs["skipped"]`` lists documentation files (README, LICENSE, the manifest) that
  a folder walk passes over on purpose.

``load_corpus_with_rejects`` returns ``(articles, rejects)`` for those who prefer a tuple.

Why ``attrs`` holds JSON text and not DataFrames: pandas deep-copies and compares ``attrs`` on
every operation — DataFrames there make ``pd.concat``/``astype`` raise ("truth value of a
DataFrame is ambiguous"), ``to_parquet`` raise, and every filter ~10x slower. JSON strings are
free to copy, survive ``to_parquet``/``read_parquet``, and :func:`rejects_of` & co. turn them
back into frames.
"""

from __future__ import annotations

from analysis.corpus.cleaning import BOILERPLATE, clean_text
from analysis.corpus.dates import parse_dates
from analysis.corpus.duplicates import find_duplicates
from analysis.corpus.language import detect_lang
from analysis.corpus.ledger import accounting, files_of, rejects_of, warnings_of
from analysis.corpus.load import MODEL_LANG_MIN_CONFIDENCE, load_corpus, load_corpus_with_rejects  # noqa: F401

# Importable from here as before, but not ``*``-exported: the ledger and manifest names, and the
# size limits (to change a limit, set it on the module that reads it, e.g. ``readers``).
from analysis.corpus.manifest import MAX_MANIFEST_BYTES  # noqa: F401
from analysis.corpus.readers import (  # noqa: F401
    MAX_HTML_BYTES,
    MAX_JSON_COLUMNS,
    MAX_XLSX_BLANK_ROWS,
    MAX_XLSX_CELLS,
    MAX_XLSX_COLUMNS,
)
from analysis.corpus.schema import (  # noqa: F401
    ARTICLE_COLUMNS,
    COLUMN_ALIASES,
    FILE_COLUMNS,
    GDELT_FILENAME,
    MANIFEST_NAMES,
    REJECT_COLUMNS,
    SUPPORTED_EXTENSIONS,
    WARNING_COLUMNS,
)

__all__ = [
    "load_corpus",
    "load_corpus_with_rejects",
    "accounting",
    "rejects_of",
    "warnings_of",
    "files_of",
    "parse_dates",
    "clean_text",
    "detect_lang",
    "find_duplicates",
    "GDELT_FILENAME",
    "BOILERPLATE",
    "COLUMN_ALIASES",
    "SUPPORTED_EXTENSIONS",
    "ARTICLE_COLUMNS",
]
