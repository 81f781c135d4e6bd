"""Load a pile of articles — any mix of files and folders — into one DataFrame.

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
lang            str / <NA>                   ISO 639-1 code ("en", "ru", "uk", ...)
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
  fall-backs, a language tag overridden by the script actually used, ...).
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

import csv
import fnmatch
import hashlib
import io
import itertools
import json
import re
import unicodedata
import warnings as warnings_module
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from analysis import formats as _formats  # Media Cloud / GDELT exports, RSS/Atom feeds

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

ARTICLE_COLUMNS = [
    "article_id", "outlet", "url", "published", "title", "text", "lang", "source_file",
    "source_row", "n_chars", "duplicate_of", "duplicate_kind", "country", "title_flag",
    "text_source", "date_raw", "date_source", "encoding", "licence",
]
REJECT_COLUMNS = ["source_file", "source_row", "reason", "n_rows"]
WARNING_COLUMNS = ["source_file", "source_row", "field", "value", "message"]
FILE_COLUMNS = ["source_file", "format", "encoding", "rows_read", "loaded", "rejected"]

#: File types the loader reads. Anything else is rejected with a message naming the extension.
SUPPORTED_EXTENSIONS = (".csv", ".htm", ".html", ".json", ".jsonl", ".parquet", ".tsv", ".txt",
                        ".xlsx", ".atom", ".rss", ".xml")
_TEXT_FORMATS = {".csv", ".htm", ".html", ".json", ".jsonl", ".tsv", ".txt"}
MANIFEST_NAMES = ("sources.yml", "sources.yaml", "sources.csv")
#: A folder walk passes over these (documentation, not articles); they are listed in
#: ``attrs["skipped"]``.
_SKIP_NAMES = re.compile(r"^(readme|license|licence|changelog|notice|copying)(\..*)?$", re.I)

#: GDELT-style file names, e.g. ``20220204T123000Z_UA_en_1d3757904e.txt`` (timestamp, country,
#: language, hash). Matched against the file name without extension; applied automatically when
#: no ``filename_pattern=`` is given. Files named like this hold a body only (no title line).
GDELT_FILENAME = r"^(?P<date>\d{8}T\d{6}Z)_(?P<country>[A-Z]{2})_(?P<lang>[A-Za-z-]+)_(?P<id>[0-9a-f]+)$"

#: Real-world column names for each field, tried in this order (case and punctuation ignored:
#: ``"Title Name"``, ``"title_name"`` and ``"title.name"`` are the same). ``mapping=`` or a
#: manifest overrides them. ``summary`` is used as text only when no body column exists.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "title_name", "heading", "header", "subject", "name_title"),
    "text": ("text", "body", "article", "content", "full_text", "fulltext", "article_text",
             "body_text", "maintext", "main_text", "story", "transcript"),
    "summary": ("summary", "description", "lead", "abstract", "excerpt", "snippet"),
    "url": ("url", "link", "title_url", "href", "source_url", "article_url", "permalink", "uri"),
    "date": ("date", "published", "pubdate", "pub_date", "published_at", "publish_date",
             "publication_date", "date_published", "datetime", "timestamp", "title_date",
             "created_at", "time", "seendate"),
    "outlet": ("outlet", "source", "site", "speaker", "publisher", "source_name", "media",
               "newspaper", "domain", "sitename", "author_org"),
    "lang": ("lang", "language", "lang_code"),
    "country": ("country", "source_country", "country_code"),
    "licence": ("licence", "license", "rights", "copyright"),
}
_FIELDS = ("title", "text", "summary", "url", "date", "outlet", "lang", "country", "licence")

# --------------------------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------------------------

#: Site boilerplate, one documented list. Each entry: (where, pattern, example/source).
#: ``where`` is "start" (stripped while it leads the text), "end" (stripped while it trails
#: the text) or "any" (a whole line dropped wherever it stands). Patterns match a whole line,
#: case-insensitively, after whitespace normalisation. Found in the seed article and in the
#: official-statement and GDELT corpora under ../shared/corpus.
BOILERPLATE: tuple[tuple[str, str, str], ...] = (
    ("end", r"comments?(\s*\(\d+\))?", "seed: 'Comments'"),
    ("end", r"keep up to date with our latest articles.*", "seed"),
    ("end", r"(share|share this( article| story)?|share on \w+|tweet|email|print|copy link)", "share buttons"),
    ("end", r"(subscribe|sign up|follow us)\b.{0,100}", "'Subscribe to us Twitter', 'Follow us on ...'"),
    ("end", r"read (more|also)\b.{0,120}", "'Read more: ...'"),
    ("end", r"(related|tags|topics|more on this (story|topic))\s*:?", "'Tags' (state.gov)"),
    ("end", r"we use cookies\b.*", "state.gov cookie notice"),
    ("end", r"(#{3}|\*{3}|-{3,})", "press-release end marks '###', '***'"),
    ("end", r"24/7 coverage of breaking news and live events", "live-blog footer"),
    ("end", r"if using any of russia beyond's content.*", "rbth.com licence footer"),
    ("end", r".{0,60}sign up for onet's newsletter.*", "onet.pl newsletter footer"),
    ("end", r"help ukraine, join the collection.*", "onet.pl appeal"),
    ("end", r".{0,60}watch tvn24 .*", "tvn24 footer"),
    ("end", r"get our free weekly newsletter.*", "CNN opinion footer"),
    ("end", r"do you have an opinion on the issues raised in this article\?.*", "Guardian footer"),
    ("end", r"the views expressed in this opinion article are the author.*", "Kyiv Post footer"),
    ("end", r"(this (article|story|content) (is|was) )?(available|published) under (a )?(the )?creative commons.*",
     "licence footer"),
    ("start", r"all (materials|content) (on|of) (the|this) (web)?site (are|is) (available|licensed|published) under.*",
     "kremlin.ru / president.gov.ua licence preamble"),
    ("start", r"official websites use \.gov", "state.gov header"),
    ("start", r"secure \.gov websites use https", "state.gov header"),
    ("start", r"\d{4}-\d{4} archived content", "state.gov archive banner"),
    ("start", r"you are viewing archived content.*", "state.gov archive banner"),
    ("start", r"join us on telegram!.*", "Kyiv Post header"),
    ("start", r"you[’']re reading an excerpt from .*newsletter.*", "Washington Post header"),
    ("start", r"editor[’']s note:.*", "CNN opinion header"),
    ("any", r"advertisement", "ad slot"),
    ("any", r"click here to get the fox news app", "Fox News"),
    ("any", r"new you can now listen to fox news articles!?", "Fox News"),
    ("any", r"newsletter as news happens", "Newsweek"),
    ("any", r"the sports moment: a newsletter for only the biggest sports news", "Newsweek"),
    ("any", r"by submitting your email, you agree to our terms of service and privacy policy.*", "Newsweek"),
    ("any", r"continuation of the material under the video", "onet.pl"),
    ("any", r"skip past newsletter promotion.*", "Guardian"),
    ("any", r"(view|watch) video", "video slot"),
)


def _compile(where: Iterable[str]) -> re.Pattern[str]:
    parts = [p for w, p, _ in BOILERPLATE if w in where]
    return re.compile(r"^(?:" + "|".join(parts) + r")$", re.IGNORECASE)


_BP_START = _compile({"start", "any"})
_BP_END = _compile({"end", "any"})
_BP_ANY = _compile({"any"})
_BP_ALL = _compile({"start", "end", "any"})

_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ODD_SPACE = re.compile(r"[\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPECIAL = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
                      r"\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TITLE_FLAG = re.compile(
    r"\s*[\(\[]\s*(video|videos|photos?|pictures|watch|live|live updates|audio|podcast|gallery|"
    r"infographic|opinion|updated?|exclusive|analysis)\s*[\)\]]\s*$", re.IGNORECASE)


def _paragraphs(text: str) -> list[list[str]]:
    """NFC, strip invisibles, normalise spaces; return paragraphs as lists of lines."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("_x000D_", "\n").replace("\r\n", "\n").replace("\r", "\n")
    # Collapsing spaces line by line was the slowest step (every single space is a match);
    # most texts need none, and _SPACES never spans a newline, so do it once, when needed.
    # One scan finds out whether there is anything invisible or an odd space at all.
    if _SPECIAL.search(text):
        text = _INVISIBLE.sub("", text)
        if "  " in text or _ODD_SPACE.search(text):
            text = _SPACES.sub(" ", text)
    elif "  " in text:
        text = _SPACES.sub(" ", text)
    paras: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            current.append(line)
        elif current:
            paras.append(current)
            current = []
    if current:
        paras.append(current)
    return paras


def _strip_boilerplate(paras: list[list[str]]) -> list[list[str]]:
    paras = [[ln for ln in p if not _BP_ANY.match(ln)] for p in paras]
    paras = [p for p in paras if p]
    while paras and _BP_START.match(paras[0][0]):
        paras[0].pop(0)
        if not paras[0]:
            paras.pop(0)
    while paras and _BP_END.match(paras[-1][-1]):
        paras[-1].pop()
        if not paras[-1]:
            paras.pop()
    return paras


def _join(paras: list[list[str]]) -> str:
    return "\n\n".join("\n".join(p) for p in paras)


def clean_text(text: str | None, *, boilerplate: bool = True) -> str:
    """Normalise one text: NFC, invisible characters removed, runs of spaces collapsed, lines
    stripped, paragraphs separated by one blank line, site boilerplate (``BOILERPLATE``)
    removed from the start and end.

    >>> clean_text("  Kyiv\\u00a0was  shelled.\\r\\n\\r\\n\\r\\nRead more: why\\n")
    'Kyiv was shelled.'
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    paras = _paragraphs(str(text))
    if boilerplate:
        paras = _strip_boilerplate(paras)
    return _join(paras)


def _clean_title(title: Any) -> tuple[str | None, str | None]:
    """Return (title without flag suffix, flag) — both None for an empty title."""
    if title is None or title is pd.NA or (isinstance(title, float) and np.isnan(title)):
        return None, None
    t = " ".join(ln for p in _paragraphs(str(title)) for ln in p)
    flag = None
    m = _TITLE_FLAG.search(t)
    if m:
        flag = m.group(1).lower()
        flag = {"videos": "video", "photo": "photos", "pictures": "photos", "update": "updated",
                "live updates": "live"}.get(flag, flag)
        t = t[: m.start()].rstrip()
    return (t or None), flag


# --------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------

_CYR = re.compile(r"[\u0400-\u04ff]")
_LAT = re.compile(r"[A-Za-z\u00c0-\u024f]")
_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RU_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
_BE_ONLY = re.compile(r"[ўЎ]")
_LANG_NAMES = {
    "english": "en", "eng": "en", "en-us": "en", "en-gb": "en", "en_us": "en", "en_gb": "en",
    "russian": "ru", "rus": "ru", "ru-ru": "ru", "ukrainian": "uk", "ukr": "uk", "ua": "uk",
    "uk-ua": "uk", "belarusian": "be", "polish": "pl", "pol": "pl", "german": "de", "deu": "de",
    "french": "fr", "fra": "fr", "spanish": "es", "spa": "es", "arabic": "ar", "ara": "ar",
    "italian": "it", "chinese": "zh",
}
_CYRILLIC_LANGS = {"ru", "uk", "be", "bg", "sr", "mk", "kk"}
_CYR_LETTER = re.compile(r"[\u0400-\u04ff]")
_LAT_LETTER = re.compile(r"[A-Za-z]")


def _normalise_lang(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    v = str(value).strip().lower()
    if not v or v in {"na", "nan", "none", "null", "unknown", "-"}:
        return None
    if v in _LANG_NAMES:
        return _LANG_NAMES[v]
    if re.fullmatch(r"[a-z]{2}([-_][a-z]{2})?", v):
        return v[:2]
    return v


def detect_lang(text: str) -> str | None:
    """ISO 639-1 language of ``text`` (None when it has no letters): delegates to
    :func:`analysis.lang.detect` (lingua + Russian/Ukrainian/Belarusian letter cues).

    >>> detect_lang("Putin said"), detect_lang("Путин заявил"), detect_lang("Україна зазнала")
    ('en', 'ru', 'uk')
    """
    from analysis.lang import detect_lang as _detect_lang

    return _detect_lang(text)


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_MISSING = {"", "na", "n/a", "nan", "nat", "none", "null", "-", "--", "unknown", "undated"}
_RELATIVE = re.compile(
    r"^(?:(?P<n>\d+|an?|one)\s+(?P<unit>sec(?:ond)?s?|min(?:ute)?s?|hours?|hrs?|days?|weeks?)\s+ago"
    r"|(?P<word>just now|now|today|yesterday))$", re.IGNORECASE)
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_TZINFOS = {"GMT": 0, "UTC": 0, "UT": 0, "Z": 0, "BST": 3600, "CET": 3600, "CEST": 7200,
            "EET": 7200, "EEST": 10800, "MSK": 10800, "EST": -18000, "EDT": -14400,
            "CST": -21600, "CDT": -18000, "PST": -28800, "PDT": -25200, "KYIV": 7200}
_URL_DATE = [
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?:/|$|[-_])"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>[01]?\d)[/-](?P<d>[0-3]?\d)(?:/|$|[-_])"),
]
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


_FAST_DATES = (
    (r"\d{1,2} [A-Z][a-z]{2,8} (?:19|20)\d{2}, \d{2}:\d{2} GMT", "%d %B %Y, %H:%M GMT"),
    (r"[A-Z][a-z]{2,8} \d{1,2}, (?:19|20)\d{2}", "%B %d, %Y"),
)


def _url_date(url: Any) -> pd.Timestamp | None:
    if not isinstance(url, str) or not url:
        return None
    for rx in _URL_DATE:
        m = rx.search(url)
        if m:
            try:
                return pd.Timestamp(int(m["y"]), int(m["m"]), int(m["d"]), tz="UTC")
            except ValueError:
                continue
    return None


def _to_utc(ts: Any) -> pd.Timestamp:
    ts = pd.Timestamp(ts)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


#: Dates outside these years are implausible for news and are left missing with a warning
#: (pandas' nanosecond timestamps also end in 2262).
_YEAR_MIN, _YEAR_MAX = 1900, 2100


def _safe_utc(value: Any) -> tuple[pd.Timestamp | None, str | None]:
    """A datetime-like value as a UTC nanosecond Timestamp, or (None, why) when it cannot be one.

    >>> _safe_utc("2024-08-12T10:00+03:00")[0]
    Timestamp('2024-08-12 07:00:00+0000', tz='UTC')
    >>> _safe_utc(datetime(9999, 12, 31))
    (None, "implausible date '9999-12-31T00:00:00' (outside 1900-2100)")
    """
    raw = value.isoformat() if isinstance(value, (datetime, pd.Timestamp)) else str(value)
    year = getattr(value, "year", None)
    if isinstance(value, np.datetime64):
        year = int(str(value)[:4]) if str(value)[:4].isdigit() else None
    if year is not None and not _YEAR_MIN <= year <= _YEAR_MAX:
        return None, f"implausible date {raw!r} (outside {_YEAR_MIN}-{_YEAR_MAX})"
    try:
        ts = _to_utc(value).as_unit("ns")
    except (ValueError, OverflowError, TypeError, pd.errors.OutOfBoundsDatetime):
        return None, f"unparseable date {raw!r}"
    if not _YEAR_MIN <= ts.year <= _YEAR_MAX:
        return None, f"implausible date {raw!r} (outside {_YEAR_MIN}-{_YEAR_MAX})"
    return ts, None


#: ``12.08.2024``, ``12/08/2024``, ``12-08-24`` (optionally followed by a time): numeric dates
#: whose day/month order the text alone does not say.
_NUMERIC_DATE = re.compile(r"^(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{2}|\d{4})(?:[ T,].*)?$")


def _day_first(value: str, dayfirst: bool | None) -> tuple[bool, str | None]:
    """Whether to read a numeric date day-first, and a warning when the order was guessed.

    Default (``dayfirst=None``): dotted dates (``12.08.2024``) day-first, as everywhere they
    are used; slashed/dashed ones (``12/08/2024``) month-first, as in US sources. When both
    numbers could be the month the choice is reported.

    >>> _day_first("12.08.2024", None)
    (True, "ambiguous date '12.08.2024' read day-first (12 August); pass dayfirst=False (or 'dayfirst: false' in sources.yml) if it is month-first")
    >>> _day_first("25/08/2024", None)
    (True, None)
    >>> _day_first("12/08/2024", False)
    (False, None)
    """
    m = _NUMERIC_DATE.match(value)
    if not m:
        return bool(dayfirst), None
    a, b = int(m["a"]), int(m["b"])
    if a > 12 >= b:
        return True, None
    if b > 12 >= a:
        return False, None
    if dayfirst is not None or a == b:
        return bool(dayfirst), None
    first = m["sep"] == "."
    day, month = (a, b) if first else (b, a)
    order = "day-first" if first else "month-first"
    other = "False" if first else "True"
    return first, (f"ambiguous date {value!r} read {order} ({day} {_MONTHS[month - 1]}); pass "
                   f"dayfirst={other} (or 'dayfirst: {other.lower()}' in sources.yml) if it is "
                   f"{'month' if first else 'day'}-first")


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
#: The largest UTC offset in use anywhere is +14:00; anything beyond is a broken time zone.
_MAX_OFFSET = pd.Timedelta(hours=14)


def _relative(m: re.Match, value: str, reference_time: pd.Timestamp | None
              ) -> tuple[pd.Timestamp | None, str | None, str]:
    """Resolve '3 days ago', 'yesterday', 'now' against ``reference_time`` (never the clock)."""
    if reference_time is None:
        return None, (f"relative date {value!r} needs reference_time=; left missing "
                      "(never guessed from the clock)"), "relative"
    word = (m["word"] or "").lower()
    if word in {"just now", "now"}:
        return reference_time, None, "relative"
    if word == "today":
        return reference_time.normalize(), None, "relative"
    if word == "yesterday":
        return reference_time.normalize() - pd.Timedelta(days=1), None, "relative"
    n = 1 if m["n"].lower() in {"a", "an", "one"} else int(m["n"])
    unit = _UNIT[m["unit"][0].lower()]
    try:
        ts = reference_time - pd.Timedelta(**{unit: n})
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime, pd.errors.OutOfBoundsTimedelta):
        return None, f"relative date {value!r} is out of range; left missing", "relative"
    if not _YEAR_MIN <= ts.year <= _YEAR_MAX:
        return None, f"relative date {value!r} is out of range; left missing", "relative"
    return ts, None, "relative"


def _parse_one(value: str, reference_time: pd.Timestamp | None,
               hint: pd.Timestamp | None, dayfirst: bool | None = None
               ) -> tuple[pd.Timestamp | None, str | None, str]:
    """Parse a date string no vectorised parser understood.

    Returns (timestamp or None, warning message or None, date_source)."""
    from dateutil import parser as dparser

    m = _RELATIVE.match(value)
    if m:
        return _relative(m, value, reference_time)
    first, ambiguity = _day_first(value, dayfirst)
    try:
        with warnings_module.catch_warnings(record=True) as caught:
            warnings_module.simplefilter("always")
            parsed = dparser.parse(value, default=datetime(1, 1, 1), tzinfos=_TZINFOS, dayfirst=first)
    except (ValueError, OverflowError, TypeError, RecursionError):
        return None, f"unparseable date {value!r}", "column"
    if any("tzname" in str(w.message) for w in caught):
        return None, (f"unknown time zone in date {value!r}; left missing rather than taken as UTC "
                      f"(known: {', '.join(sorted(_TZINFOS))})"), "column"
    try:
        offset = parsed.utcoffset() if parsed.tzinfo is not None else None
    except ValueError:  # datetime refuses offsets of a day or more
        offset = _MAX_OFFSET * 2
    if offset is not None and abs(offset) > _MAX_OFFSET:
        return None, f"impossible UTC offset in date {value!r}; left missing", "column"
    if parsed.year == 1 and not _YEAR.search(value):
        if hint is None:
            return None, f"date {value!r} has no year and no URL/file-name date to take it from", "column"
        try:
            parsed = parsed.replace(year=hint.year)
        except ValueError:  # 29 February
            return None, f"date {value!r} has no year and does not exist in {hint.year}", "column"
        ts = _to_utc(parsed)
        if ts - hint > pd.Timedelta(days=183):  # e.g. '31 December' seen on 2 January
            ts = ts.replace(year=hint.year - 1)
        return ts, f"date {value!r} has no year; took {hint.year} from the URL/file name", "column"
    if not _YEAR_MIN <= parsed.year <= _YEAR_MAX:
        return None, f"implausible date {value!r}", "column"
    return _to_utc(parsed), ambiguity, "column"


def _parse_date_column(values: pd.Series, *, reference_time: pd.Timestamp | None,
                       hints: pd.Series | None = None, dayfirst: pd.Series | None = None
                       ) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Vectorised date parsing: (published, warning message, date_raw, date_source).

    ``dayfirst`` (per row: True, False or None) says how to read ``12/08/2024``."""
    index = values.index
    out = pd.Series(pd.NaT, index=index, dtype="datetime64[ns, UTC]")
    msg = pd.Series(None, index=index, dtype=object)
    source = pd.Series(None, index=index, dtype=object)
    # Real datetimes (xlsx, parquet) first, one by one: they may mix time zones and naive
    # values, or lie outside pandas' nanosecond range (Excel's 9999-12-31).
    obj = values.astype(object).map(_scalar_date)
    is_dt = obj.map(lambda v: isinstance(v, (datetime, pd.Timestamp, np.datetime64)) and not pd.isna(v))
    raw = obj.map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v))
                  else (v.isoformat() if isinstance(v, (datetime, pd.Timestamp)) else str(v)))
    for i in index[is_dt.to_numpy()]:
        ts, problem = _safe_utc(obj[i])
        if ts is None:
            msg[i] = problem
        else:
            out[i] = ts
            source[i] = "column"
    text = pd.Series([None if d or not isinstance(v, str) else v.strip() for v, d in zip(raw, is_dt)],
                     index=index, dtype=object)
    missing = text.map(lambda v: v is None or v.lower() in _MISSING) & ~is_dt
    msg[missing] = "missing date"
    # 'now' and 'today' are words pandas reads from the clock: they go to the relative rules.
    relative = text.map(lambda v: v is not None and _RELATIVE.match(v) is not None)
    todo = ~missing & ~is_dt & ~relative
    rest = index[(relative & ~missing).to_numpy()]
    if todo.any():
        iso = pd.to_datetime(text[todo], format="ISO8601", utc=True, errors="coerce")
        years = iso.dt.year
        ok = iso.notna() & (years >= _YEAR_MIN) & (years <= _YEAR_MAX)
        out.loc[iso.index[ok]] = iso[ok].astype("datetime64[ns, UTC]")
        source.loc[iso.index[ok]] = "column"
        rest = rest.append(iso.index[~ok])
        # Two frequent English forms, parsed vectorised exactly as dateutil would read them
        # ('7 June 2024, 12:48 GMT', 'February 23, 2022'); anything else goes on to dateutil.
        for rx, fmt in _FAST_DATES:
            if not len(rest):
                break
            cand = text[rest]
            cand = cand[cand.str.fullmatch(rx).astype(bool)]
            if not len(cand):
                continue
            fast = pd.to_datetime(cand, format=fmt, utc=True, errors="coerce")
            fast = fast[fast.notna() & (fast.dt.year >= _YEAR_MIN) & (fast.dt.year <= _YEAR_MAX)]
            out.loc[fast.index] = fast.astype("datetime64[ns, UTC]")
            source.loc[fast.index] = "column"
            rest = rest.difference(fast.index, sort=False)
    cache: dict[tuple[str, Any, Any], tuple[Any, Any, str]] = {}
    for i in rest:
        hint = hints.get(i) if hints is not None else None
        hint = hint if isinstance(hint, pd.Timestamp) and not pd.isna(hint) else None
        first = dayfirst.get(i) if dayfirst is not None else None
        first = None if first is None or (not isinstance(first, bool) and pd.isna(first)) else bool(first)
        key = (text[i], hint, first)
        if key not in cache:
            cache[key] = _parse_one(text[i], reference_time, hint, first)
        ts, warning, src = cache[key]
        if ts is not None:
            out[i] = ts
            source[i] = src
        msg[i] = warning
    return out, msg, raw, source


def _scalar_date(value: Any) -> Any:
    """A date cell holding a list (JSON ``"date": ["2024-08-12"]``) -> its first value."""
    if isinstance(value, (list, tuple)):
        return value[0] if value and not isinstance(value[0], (list, tuple, dict)) else None
    if isinstance(value, dict):
        return None
    return value


def parse_dates(values: Iterable[Any], *, reference_time: Any = None,
                dayfirst: bool | None = None) -> pd.Series:
    """Parse dates the way the loader does: ISO timestamps (vectorised), then per value
    'February 23, 2022', '7 June 2024, 12:48 GMT', 'Feb. 24, 2023'; relative dates
    ('12 hours ago', 'Yesterday') only against an explicit ``reference_time``; 'NA', empty and
    anything unparseable become NaT. Naive times are taken as UTC.

    >>> parse_dates(["2022-06-24T17:30:00Z", "February 23, 2022", "3 days ago", "NA"],
    ...             reference_time="2024-08-12T12:00Z").dt.strftime("%Y-%m-%d").tolist()
    ['2022-06-24', '2022-02-23', '2024-08-09', nan]
    """
    ref = _to_utc(reference_time) if reference_time is not None else None
    series = pd.Series(list(values), dtype=object)
    out, _, _, _ = _parse_date_column(series, reference_time=ref,
                                      dayfirst=pd.Series(dayfirst, index=series.index, dtype=object))
    return out


# --------------------------------------------------------------------------------------------
# Manifest, mapping, file names
# --------------------------------------------------------------------------------------------

@dataclass
class _Spec:
    """Per-file options: from the arguments, overridden by the manifest."""
    outlet: str | None = None         # for rows that name no outlet (the argument)
    outlet_forced: str | None = None  # the manifest's outlet: wins over an outlet column
    mapping: dict[str, str] = field(default_factory=dict)
    licence: str | None = None
    lang: str | None = None
    country: str | None = None
    title_line: str = "auto"
    dayfirst: bool | None = None      # how to read 12/08/2024 (None: see _day_first)


def _norm_col(name: Any) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def _parse_mapping_string(value: str) -> dict[str, str]:
    out = {}
    for part in re.split(r"[;,]", value):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


#: A manifest larger than this is refused (it lists files; it is never megabytes long).
MAX_MANIFEST_BYTES = 1_000_000


def _safe_yaml(path: Path) -> Any:
    """Parse a YAML manifest with the safe loader, refusing aliases (``*name``): a few lines of
    nested aliases ("billion laughs") would otherwise expand to gigabytes.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sources.yml"
    >>> _ = p.write_text("a: &x [1, 2]\\nb: *x\\n")
    >>> _safe_yaml(p)
    Traceback (most recent call last):
    ...
    ValueError: manifest sources.yml uses a YAML alias (*x); aliases are not allowed in a manifest
    """
    import yaml

    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise ValueError(f"manifest {path.name} is larger than {MAX_MANIFEST_BYTES:,} bytes")

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):  # noqa: ANN001
            if self.check_event(yaml.AliasEvent):
                alias = self.peek_event().anchor
                raise ValueError(f"manifest {path.name} uses a YAML alias (*{alias}); aliases "
                                 "are not allowed in a manifest")
            return super().compose_node(parent, index)

    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=NoAliasLoader) or {}
    except yaml.YAMLError as err:
        raise ValueError(f"manifest {path.name} is not valid YAML: {_err_text(err)}") from None


def _read_manifest(path: Path) -> list[dict[str, Any]]:
    """Entries with a ``path`` glob (relative to the manifest's folder) plus options."""
    entries: list[dict[str, Any]] = []
    if path.suffix.lower() == ".csv":
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for rec in table.to_dict("records"):
            rec = {_norm_col(k): v for k, v in rec.items() if v != ""}
            rec["path"] = rec.pop("path", None) or rec.pop("file", None)
            if isinstance(rec.get("mapping"), str):
                rec["mapping"] = _parse_mapping_string(rec["mapping"])
            for k in [k for k in rec if k.startswith("map_")]:
                rec.setdefault("mapping", {})[k[4:]] = rec.pop(k)
            entries.append(rec)
    else:
        data = _safe_yaml(path)
        if isinstance(data, dict) and isinstance(data.get("sources", data.get("files")), list):
            items = data.get("sources", data.get("files"))
        elif isinstance(data, dict):
            items = [{"path": k, **(v if isinstance(v, dict) else {})} for k, v in data.items()]
        elif isinstance(data, list):
            items = data
        else:
            raise ValueError(f"manifest {path}: expected a mapping or a list of entries")
        for rec in items:
            if not isinstance(rec, dict):
                raise ValueError(f"manifest {path}: every entry must be a mapping, not {rec!r:.60}")
            rec = {_norm_col(k): v for k, v in dict(rec).items()}
            rec["path"] = rec.pop("path", None) or rec.pop("file", None)
            entries.append(rec)
    for rec in entries:
        if not rec.get("path"):
            raise ValueError(f"manifest {path}: every entry needs a 'path' (file name or glob)")
        if "license" in rec:
            rec.setdefault("licence", rec.pop("license"))
    return entries


def _apply_manifest(spec: _Spec, entries: list[dict[str, Any]], rel: str) -> _Spec:
    name = rel.rsplit("/", 1)[-1]
    out = _Spec(**{**spec.__dict__, "mapping": dict(spec.mapping)})
    for rec in entries:
        pattern = str(rec["path"]).lstrip("./") if str(rec["path"]).startswith("./") else str(rec["path"])
        if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(name, pattern) or rel.startswith(pattern.rstrip("/") + "/"):
            for key in ("licence", "lang", "country", "title_line"):
                if rec.get(key) not in (None, "") and not isinstance(rec[key], (dict, list)):
                    if key == "title_line" and str(rec[key]) not in ("auto", "first", "none"):
                        continue  # not a valid choice: the argument's value stands
                    setattr(out, key, str(rec[key]))
            if rec.get("outlet") not in (None, ""):
                out.outlet_forced = str(rec["outlet"])
            if rec.get("dayfirst") not in (None, ""):
                out.dayfirst = _as_bool(rec["dayfirst"])
            if isinstance(rec.get("mapping"), dict):
                out.mapping.update({str(k): str(v) for k, v in rec["mapping"].items()})
    return out


def _as_bool(value: Any) -> bool | None:
    """A manifest's ``dayfirst`` value: true/false/yes/no/1/0 (YAML or CSV); anything else None.

    >>> _as_bool(True), _as_bool("no"), _as_bool("auto")
    (True, False, None)
    """
    if isinstance(value, bool):
        return value
    v = str(value).strip().lower()
    return True if v in {"true", "yes", "1", "y"} else False if v in {"false", "no", "0", "n"} else None


def _filename_meta(path: Path, pattern: re.Pattern[str] | None) -> dict[str, str]:
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    for rx in ([pattern] if pattern is not None else []) + [_GDELT_RX]:
        m = rx.search(stem) or rx.search(path.name)
        if m:
            meta = {k: v for k, v in m.groupdict().items() if v}
            if rx is _GDELT_RX:
                meta["_gdelt"] = "1"
            return meta
    return {}


_GDELT_RX = re.compile(GDELT_FILENAME)


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


def _err_text(err: BaseException) -> str:
    """First line of an exception's message, or its type when the message is empty.

    >>> _err_text(MemoryError()), _err_text(ValueError("bad\\nmore"))
    ('MemoryError', 'bad')
    """
    lines = str(err).strip().splitlines()
    return (lines[0] if lines else type(err).__name__)[:200]


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


# --------------------------------------------------------------------------------------------
# The loader
# --------------------------------------------------------------------------------------------

@dataclass
class _Source:
    path: Path
    rel: str
    spec: _Spec
    meta: dict[str, str]
    folder_outlet: str | None = None


#: Folder names too generic to name an outlet (see ``load_corpus(outlet=)``).
GENERIC_FOLDERS = frozenset({"articles", "article", "raw", "data", "texts", "text", "txt", "html",
                             "docs", "documents", "corpus", "input", "inputs", "files", "downloads",
                             "tmp", "temp", "news", "items"})


def _folder_outlet(folders: Sequence[str]) -> str | None:
    """Nearest enclosing folder whose name is not generic (``news_gdelt/articles`` -> news_gdelt)."""
    for name in reversed(folders):
        if name and name.lower() not in GENERIC_FOLDERS and not name.startswith("."):
            return name
    return None


def _first_line(text: Any) -> str:
    return str(text).strip().split("\n", 1)[0][:80] if text else ""


def _blank_to_none(v: Any) -> Any:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    v = str(v).strip()
    return v or None


def _outside_link(path: Path, root: Path) -> str | None:
    """Why a symbolic link under ``root`` is not followed, or None for an ordinary file or a
    link that stays inside the corpus folder."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken symbolic link (its target does not exist); not followed"
    if not target.is_relative_to(root):
        return (f"symbolic link to {target}, outside the corpus folder; not followed (copy the "
                "file into the folder, or load that path explicitly)")
    if not target.is_file():
        return "symbolic link to a folder; not followed (its files are read where they are)"
    return None


def _folder_manifest(path: Path, notes: list[tuple[str, str]], rel: str) -> list[dict[str, Any]]:
    """A manifest found in a folder; a broken one is reported and ignored, never fatal."""
    try:
        return _read_manifest(path)
    except Exception as err:  # noqa: BLE001 - YAML bombs, bad CSV, wrong structure
        notes.append((rel, f"manifest ignored: {_err_text(err)}"))
        return []


def _unique_rel(rel: str, used: set[str], prefix: str, full: Path) -> str:
    """``source_file`` names stay unique when two loaded folders hold the same relative path."""
    for candidate in (rel, f"{prefix}/{rel}", full.as_posix()):
        if candidate not in used:
            used.add(candidate)
            return candidate
    n = 2
    while f"{full.as_posix()}#{n}" in used:
        n += 1
    used.add(f"{full.as_posix()}#{n}")
    return f"{full.as_posix()}#{n}"


def _walk(inputs: Sequence[Path], *, manifest: Path | None, base: _Spec,
          pattern: re.Pattern[str] | None
          ) -> tuple[list[_Source], list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """Files to read, files passed over, files refused (links leaving the corpus: ``(rel,
    reason)``) and notes about manifests that could not be used."""
    sources: list[_Source] = []
    skipped: list[str] = []
    refused: list[tuple[str, str]] = []
    notes: list[tuple[str, str]] = []
    seen: set[Path] = set()
    used: set[str] = set()
    explicit = _read_manifest(manifest) if manifest is not None else []
    for item in inputs:
        if not item.exists():
            raise FileNotFoundError(f"corpus path not found: {item}")
        if item.is_dir():
            root = item.resolve()
            files = sorted((p for p in item.rglob("*") if p.is_file() or p.is_symlink()),
                           key=lambda p: p.relative_to(item).as_posix())
            manifests: dict[Path, list] = {}
            for p in files:
                if p.name.lower() in MANIFEST_NAMES and not p.is_symlink():
                    manifests[p.parent] = _folder_manifest(p, notes, p.relative_to(item).as_posix())
            for p in files:
                rel_parts = p.relative_to(item).parts
                rel = p.relative_to(item).as_posix()
                if any(part.startswith(".") for part in rel_parts):
                    continue  # hidden files and folders
                if p.name.lower() in MANIFEST_NAMES or _SKIP_NAMES.match(p.name) \
                        or p.name.startswith("~$"):
                    skipped.append(rel)
                    continue
                link = _outside_link(p, root)
                if link is not None:
                    refused.append((_unique_rel(rel, used, item.name, p), link))
                    continue
                if not p.is_file():
                    skipped.append(rel)
                    continue
                rp = p.resolve()
                if rp in seen:
                    continue
                seen.add(rp)
                rel = _unique_rel(rel, used, item.name, p)
                spec = base
                for folder in [item, *[item.joinpath(*rel_parts[:k]) for k in range(1, len(rel_parts))]]:
                    if folder in manifests:
                        spec = _apply_manifest(spec, manifests[folder], p.relative_to(folder).as_posix())
                if explicit:
                    spec = _apply_manifest(spec, explicit, rel)
                sources.append(_Source(p, rel, spec, _filename_meta(p, pattern),
                                       _folder_outlet([item.resolve().name, *rel_parts[:-1]])))
        else:
            rp = item.resolve()
            if rp in seen:
                continue
            seen.add(rp)
            spec = base
            sibling = [item.parent / n for n in MANIFEST_NAMES if (item.parent / n).exists()]
            if sibling and manifest is None:
                spec = _apply_manifest(spec, _folder_manifest(sibling[0], notes, sibling[0].name),
                                       item.name)
            if explicit:
                spec = _apply_manifest(spec, explicit, item.name)
            sources.append(_Source(item, _unique_rel(item.name, used, item.parent.name, item), spec,
                                   _filename_meta(item, pattern),
                                   _folder_outlet([item.resolve().parent.name])))
    return sources, skipped, refused, notes


def _read_bytes(path: Path) -> bytes:
    """A file's bytes; an unreadable file (permissions, a vanished link) becomes a reject."""
    try:
        return path.read_bytes()
    except OSError as err:
        raise _Reject(f"cannot read file: {err.strerror or type(err).__name__}") from None


def _read_txt_group(group: list[_Source], max_chars: int, warnings: list, rejects: list,
                    files: list) -> list[dict[str, Any]]:
    """Read .txt files of one folder; the folder's title convention is decided by vote."""
    docs = []
    for src in group:
        try:
            data = _read_bytes(src.path)
            if not data.strip():
                raise _Reject("empty file" if not data else "file holds only whitespace")
            text, enc, notes = _decode(data)
        except _Reject as rej:
            rejects.append((src.rel, None, rej.reason, 1))
            files.append((src.rel, "txt", None, 1, 0, 1))
            continue
        if enc not in ("utf-8", "utf-8-sig"):
            warnings.append((src.rel, 1, "encoding", enc, f"not plain UTF-8; decoded as {enc}"))
        warnings.extend((src.rel, 1, "encoding", enc, note) for note in notes)
        if len(text) > max_chars:
            rejects.append((src.rel, 1, f"article has {len(text):,} characters, more than "
                            f"max_chars={max_chars:,}; pass a larger max_chars= to keep it", 1))
            files.append((src.rel, "txt", enc, 1, 0, 1))
            continue
        paras = _paragraphs(text)
        docs.append((src, enc, paras))
    candidates = [_txt_candidate(p) for s, _, p in docs if "_gdelt" not in s.meta]
    folder_titles = None
    if len(candidates) >= 3:
        folder_titles = sum(candidates) / len(candidates) >= 0.5
    out = []
    for src, enc, paras in docs:
        mode = src.spec.title_line
        if mode == "auto":
            if "_gdelt" in src.meta:
                mode = "none"
            elif folder_titles is not None:
                mode = "first" if folder_titles else "none"
            else:
                mode = "first" if _txt_candidate(paras, strict=True) else "none"
        elif mode not in ("first", "none"):
            raise ValueError(f"title_line must be 'auto', 'first' or 'none', not {mode!r}")
        title, body = _split_title(paras, mode)
        out.append({"src": src, "encoding": enc, "format": "txt",
                    "rows": [{"title": title, "text": _join(_strip_boilerplate(body)),
                              "source_row": 1, "text_source": "body",
                              "_clean": True, "_raw_text": _join(paras)[:200]}],
                    "rows_read": 1, "rejects": [], "warnings": []})
    return out


def _read_sources(sources: list[_Source], max_chars: int
                  ) -> tuple[list[pd.DataFrame], list, list, list]:
    """Read every file; return per-file row frames (with metadata) and the ledgers."""
    rejects: list[tuple] = []   # (source_file, source_row, reason, n_rows)
    warnings: list[tuple] = []  # (source_file, source_row, field, value, message)
    files: list[tuple] = []     # (source_file, format, encoding, rows_read, loaded, rejected)
    results: list[dict[str, Any]] = []
    txt_groups: dict[Path, list[_Source]] = defaultdict(list)
    order = {id(s): k for k, s in enumerate(sources)}
    for src in sources:
        ext = src.path.suffix.lower()
        if ext == ".txt":
            txt_groups[src.path.parent].append(src)
            continue
        try:
            if ext not in SUPPORTED_EXTENSIONS:
                raise _Reject(f"unsupported file type {ext or '(no extension)'!r}; supported: "
                              f"{', '.join(SUPPORTED_EXTENSIONS)}")
            if src.path.stat().st_size == 0:
                raise _Reject("empty file")
            if ext in (".csv", ".tsv"):
                raws = [("", _read_csv(src.path, src.spec, "\t" if ext == ".tsv" else None))]
            elif ext == ".xlsx":
                raws = _read_excel(src.path, src.spec)
            elif ext == ".parquet":
                raws = [("", _read_parquet(src.path, src.spec))]
            elif ext == ".json":
                raws = [("", _read_json(src.path, src.spec))]
            elif ext == ".jsonl":
                raws = [("", _read_jsonl(src.path, src.spec))]
            elif ext in _formats.FEED_EXTENSIONS:
                raws = [("", _formats.read_feed_raw(src.path, src.spec))]
            else:
                raws = [("", _read_html(src.path, src.spec))]
        except _Reject as rej:
            rejects.append((src.rel, None, rej.reason, rej.n_rows))
            files.append((src.rel, ext.lstrip(".") or "?", None, rej.n_rows, 0, rej.n_rows))
            continue
        except (OSError, MemoryError) as err:
            rejects.append((src.rel, None, f"cannot read file: {_err_text(err)}", 1))
            files.append((src.rel, ext.lstrip("."), None, 1, 0, 1))
            continue
        except Exception as err:  # noqa: BLE001 - one hostile file must not take the corpus down
            rejects.append((src.rel, None, f"cannot read file ({type(err).__name__}: "
                            f"{_err_text(err)}); please report it as a loader bug", 1))
            files.append((src.rel, ext.lstrip("."), None, 1, 0, 1))
            continue
        for suffix, raw in raws:
            rel = src.rel + suffix
            if raw.encoding not in ("utf-8", "utf-8-sig", "binary"):
                warnings.append((rel, None, "encoding", raw.encoding,
                                 f"not plain UTF-8; decoded as {raw.encoding}"))
            results.append({"src": src, "rel": rel, "encoding": raw.encoding, "format": raw.fmt,
                            "rows": raw.rows, "rows_read": raw.rows_read,
                            "rejects": raw.rejects, "warnings": raw.warnings,
                            "_order": order[id(src)]})
    for group in txt_groups.values():
        for res in _read_txt_group(group, max_chars, warnings, rejects, files):
            res["rel"] = res["src"].rel
            res["_order"] = order[id(res["src"])]
            results.append(res)
    results.sort(key=lambda r: (r["_order"], r["rel"]))
    return results, rejects, warnings, files


_ROW_FIELDS = ("title", "text", "url", "date", "outlet", "lang", "country", "licence",
               "source_row", "text_source", "_clean", "_raw_text")
#: Internal prefix of the unmapped source columns while they travel with a file's rows.
_EXTRA_PREFIX = "\x00extra:"
_RECORD_KEYS = ("title", "text", "url", "date", "outlet", "lang", "country", "licence",
                "source_row", "text_source", "title_flag", "source_file", "encoding", "_file_date",
                "_has_date", "_folder_outlet", "_given_lang", "_dayfirst")


def _finish_file(res: dict[str, Any], max_chars: int, rejects: list, warnings: list,
                 files: list) -> tuple[list[dict[str, Any]], pd.DataFrame | None]:
    """Clean one file's rows, reject the unusable ones, fill per-file metadata -> records,
    plus the loaded rows' extra (unmapped) source columns, or None when the file has none."""
    src: _Source = res["src"]
    rel = res["rel"]
    rows: pd.DataFrame | list[dict[str, Any]] = res["rows"]  # a list of records for .txt files
    for row, reason, n in res["rejects"]:
        rejects.append((rel, row, reason, n))
    for row, fld, value, message in res["warnings"]:
        warnings.append((rel, row, fld, value, message))
    n_rejected = sum(n for _, _, n in res["rejects"])
    if rows is None or len(rows) == 0:
        files.append((rel, res["format"], res["encoding"], res["rows_read"], 0, n_rejected))
        return [], None
    if isinstance(rows, list):  # .txt: plain records, no DataFrame overhead per file
        names = list(rows[0])
        data = {c: [rec.get(c) for rec in rows] for c in names}
        extra_cols: list[str] = []
    else:
        names = list(rows.columns)
        extra_cols = [c for c in names if c.startswith(_EXTRA_PREFIX)]
        data = {c: rows[c].astype(object).tolist() for c in names
                if c in _ROW_FIELDS or c == "_text_col"}
    has_date = "date" in names
    text_col = data["_text_col"][0] if "_text_col" in data else "text"
    meta, spec = src.meta, src.spec
    tabular = res["format"] not in ("txt", "html")
    forced_outlet = spec.outlet_forced if "outlet" not in spec.mapping else None
    defaults = {
        "outlet": spec.outlet or meta.get("outlet") or (src.path.stem if tabular else None),
        "country": spec.country or meta.get("country"),
        "licence": spec.licence or meta.get("licence"),
    }
    default_lang = _normalise_lang(spec.lang) or _normalise_lang(meta.get("lang"))
    columns = [c for c in _ROW_FIELDS if c in data]
    out = []
    kept: list[int] = []
    for pos, values in enumerate(zip(*(data[c] for c in columns))):
        rec = dict(zip(columns, values))
        r = int(rec["source_row"])
        raw_text = rec.get("text")
        if isinstance(raw_text, str) and len(raw_text) > max_chars:  # before any cleaning work
            rejects.append((rel, r, f"article in row {r} has {len(raw_text):,} characters, more "
                            f"than max_chars={max_chars:,}; pass a larger max_chars= to keep it", 1))
            n_rejected += 1
            continue
        title, flag = _clean_title(rec.get("title"))
        if rec.get("text_source") == "title":
            text = title or ""
        elif rec.get("_clean"):
            text = rec["text"]
        else:
            text = clean_text(_blank_to_none(rec.get("text")))
        if not text or len(text) > max_chars:
            if text:
                reason = (f"article in row {r} has {len(text):,} characters, more than "
                          f"max_chars={max_chars:,}; pass a larger max_chars= to keep it")
            elif not tabular:
                reason = ("only site boilerplate, no article text (e.g. "
                          f"{_first_line(rec.get('_raw_text'))!r})" if rec.get("_raw_text")
                          else "no text left after cleaning (empty article)")
            else:
                reason = f"empty text in row {r} (column {text_col!r})"
            rejects.append((rel, r, reason, 1))
            n_rejected += 1
            continue
        given_lang = _normalise_lang(rec.get("lang")) or default_lang
        rec2 = {
            "title": title, "title_flag": flag, "text": text,
            "url": _blank_to_none(rec.get("url")), "date": rec.get("date"),
            "outlet": forced_outlet or _blank_to_none(rec.get("outlet")) or defaults["outlet"],
            "country": _blank_to_none(rec.get("country")) or defaults["country"],
            "licence": _blank_to_none(rec.get("licence")) or defaults["licence"],
            "lang": None, "_given_lang": given_lang, "source_row": r,
            "text_source": rec.get("text_source") or "body", "source_file": rel,
            "encoding": res["encoding"], "_file_date": meta.get("date"), "_has_date": has_date,
            "_folder_outlet": src.folder_outlet, "_dayfirst": spec.dayfirst,
        }
        out.append(rec2)
        kept.append(pos)
    files.append((rel, res["format"], res["encoding"], res["rows_read"], len(out), n_rejected))
    if not extra_cols or not out:
        return out, None
    extra = rows.iloc[kept][extra_cols] if len(kept) < len(rows) else rows[extra_cols]
    extra.columns = [c[len(_EXTRA_PREFIX):] for c in extra_cols]
    return out, extra.reset_index(drop=True)


def _finish_file_safely(res: dict[str, Any], max_chars: int, rejects: list, warnings: list,
                        files: list) -> tuple[list[dict[str, Any]], pd.DataFrame | None]:
    """:func:`_finish_file`, but an unexpected error rejects that file's rows instead of
    taking the whole corpus down."""
    marks = len(rejects), len(warnings), len(files)
    try:
        return _finish_file(res, max_chars, rejects, warnings, files)
    except Exception as err:  # noqa: BLE001
        del rejects[marks[0]:], warnings[marks[1]:], files[marks[2]:]
        n = int(res["rows_read"])
        rejects.append((res["rel"], None, f"cannot load the rows of this file ({type(err).__name__}: "
                        f"{_err_text(err)}); please report it as a loader bug", n))
        files.append((res["rel"], res["format"], res["encoding"], n, 0, n))
        return [], None


def _make_ids(frame: pd.DataFrame) -> list[str]:
    out = []
    for outlet, sf, sr, text in zip(frame["outlet"], frame["source_file"], frame["source_row"],
                                    frame["text"]):
        h = hashlib.sha1()
        h.update(f"{outlet}\x1f{sf}\x1f{sr}\x1f".encode("utf-8"))
        h.update(text.encode("utf-8", "surrogatepass"))
        out.append(h.hexdigest()[:16])
    seen: set[str] = set()
    for i, id_ in enumerate(out):  # ids are unique even if two rows share file, row and text
        k = 1
        while id_ in seen:
            k += 1
            id_ = hashlib.sha1(f"{out[i]}#{k}".encode()).hexdigest()[:16]
        seen.add(id_)
        out[i] = id_
    return out


def load_corpus_with_rejects(path_or_paths: str | Path | Iterable[str | Path], **options: Any
                             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Same as :func:`load_corpus`, returning ``(articles, rejects)``."""
    articles = load_corpus(path_or_paths, **options)
    return articles, rejects_of(articles)


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
            elif type(v) is str and col not in int_cols:  # the common cases, kept cheap
                row.append(v)
            elif type(v) is int and col in int_cols:
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


def load_corpus(
    path_or_paths: str | Path | Iterable[str | Path],
    *,
    outlet: str | None = None,
    mapping: Mapping[str, str] | None = None,
    filename_pattern: str | re.Pattern[str] | None = None,
    reference_time: Any = None,
    manifest: str | Path | None = None,
    max_chars: int = 5_000_000,
    title_line: str = "auto",
    dayfirst: bool | None = None,
    lang: str | None = None,
    licence: str | None = None,
    near_duplicates: bool = True,
    near_threshold: float = 0.8,
    extra_columns: str | Sequence[str] = "keep",
) -> pd.DataFrame:
    """Load articles from files and folders into one DataFrame (schema: module docstring).

    Parameters
    ----------
    path_or_paths
        A file, a folder (read recursively in sorted order; hidden files, README/LICENSE files
        and the manifest are passed over) or a list of them.
    outlet
        Outlet for rows that name none (a column, the manifest or the file-name pattern win).
        Without it: the file's stem for tables (``kremlin_en.csv`` -> ``"kremlin_en"``), the
        URL's host for single articles, else ``"unknown"``.
    mapping
        ``{"text": "my_body", "title": "hed", "date": "when", ...}`` — explicit column names for
        the fields title, text, summary, url, date, outlet, lang, country, licence.
    filename_pattern
        Regex with named groups (``date``, ``country``, ``lang``, ``outlet``) searched in each file
        name without extension. ``GDELT_FILENAME`` is tried automatically.
    reference_time
        "Now" for relative dates ('12 hours ago', 'Yesterday'). Without it they become NaT with a
        warning (and the URL date, if any, is used) — the clock is never consulted.
    manifest
        A ``sources.yml``/``sources.csv`` naming per-file (glob) ``outlet``, ``mapping``,
        ``licence``, ``lang``, ``country``, ``title_line``. Manifests found in loaded folders are
        applied automatically (nearest folder wins, an explicit one last).
    max_chars
        Articles longer than this are rejected (a 50 MB "article" is a broken export).
    title_line
        For .txt files: ``"auto"`` (a repeated first line is always a title; otherwise a folder's
        files are judged together — a title when most open with one short headline-like line
        followed by a blank line; GDELT-named files are body-only), ``"first"`` or ``"none"``.
    dayfirst
        How to read numeric dates such as ``12/08/2024``: ``True`` day-first (12 August),
        ``False`` month-first (8 December). ``None`` (default): dotted dates (``12.08.2024``)
        day-first, slashed or dashed ones month-first, with a warning for every date both
        readings fit. A manifest's ``dayfirst:`` key sets it per file.
    lang, licence
        Defaults for rows that name none. Without ``lang`` the script decides (:func:`detect_lang`).
    near_duplicates, near_threshold
        Flag near-duplicates (word 5-gram Jaccard >= threshold, MinHash LSH); see
        :func:`find_duplicates`.
    extra_columns
        What happens to the source columns no schema field uses (``outlet_group``, ``doc_id``,
        ``keyword``, ...): ``"keep"`` (default) appends them after ``ARTICLE_COLUMNS`` in the
        order first met; ``"drop"`` leaves them out; a list keeps just those, in that order
        (a listed column no file has comes out empty, with a ``UserWarning``). Values are
        as the source gives them; see "Extra columns" in the module docstring.

    Returns
    -------
    pandas.DataFrame
        Columns ``ARTICLE_COLUMNS``, then the extra columns. ``attrs`` carries the ledgers as
        JSON text — read them with :func:`rejects_of`, :func:`warnings_of`, :func:`files_of` or
        :func:`accounting` — and
        ``attrs["skipped"]``, the files a folder walk passed over.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "news.csv").write_text("headline,body,date\\nA,Kyiv was shelled.,February 23, 2022\\n"
    ...                                 "B,,2022-02-24\\n".replace(",F", ',"F').replace("22\\nB", '22"\\nB'))
    >>> arts = load_corpus(d)
    >>> arts[["outlet", "title", "published"]].astype(str).values.tolist()
    [['news', 'A', '2022-02-23 00:00:00+00:00']]
    >>> rejects_of(arts)[["source_row", "reason"]].values.tolist()
    [[2, "empty text in row 2 (column 'body')"]]
    """
    if isinstance(path_or_paths, (str, Path)):
        inputs = [Path(path_or_paths)]
    else:
        inputs = [Path(p) for p in path_or_paths]
    if not inputs:
        raise ValueError("no corpus path given")
    pattern = re.compile(filename_pattern) if isinstance(filename_pattern, str) else filename_pattern
    ref = _to_utc(reference_time) if reference_time is not None else None
    if title_line not in ("auto", "first", "none"):
        raise ValueError(f"title_line must be 'auto', 'first' or 'none', not {title_line!r}")
    extras_wanted = _check_extra_columns(extra_columns)
    if dayfirst not in (None, True, False):
        raise ValueError(f"dayfirst must be None, True or False, not {dayfirst!r}")
    base = _Spec(outlet=outlet, mapping=dict(mapping or {}), licence=licence, lang=lang,
                 title_line=title_line, dayfirst=dayfirst)
    manifest_path = Path(manifest) if manifest is not None else None
    if manifest_path is not None and not manifest_path.exists():
        raise FileNotFoundError(f"manifest not found: {manifest_path}")
    sources, skipped, refused, notes = _walk(inputs, manifest=manifest_path, base=base,
                                             pattern=pattern)

    results, rejects, warnings, files = _read_sources(sources, max_chars)
    for rel, reason in refused:
        rejects.append((rel, None, reason, 1))
        files.append((rel, "link", None, 1, 0, 1))
    warnings.extend((rel, None, "manifest", None, note) for rel, note in notes)
    records: list[dict[str, Any]] = []
    extra_parts: list[tuple[str, int, pd.DataFrame]] = []
    for res in results:
        recs, extra = _finish_file_safely(res, max_chars, rejects, warnings, files)
        if extra is not None:
            extra_parts.append((res["rel"], len(records), extra))
        records.extend(recs)
    frame = pd.DataFrame({k: [rec[k] for rec in records] for k in _RECORD_KEYS}, dtype=object)
    frame = _finish_frame(frame, ref, warnings)
    if near_duplicates is not None:
        dups = find_duplicates(frame, near=near_duplicates, threshold=near_threshold)
        frame["duplicate_of"] = dups["duplicate_of"].astype("str")
        frame["duplicate_kind"] = dups["duplicate_kind"].astype("str")
    frame = frame[ARTICLE_COLUMNS]
    if extras_wanted is not None:
        extras = _extra_frame(extra_parts, len(frame), extras_wanted, warnings)
        if extras.shape[1]:
            frame = pd.concat([frame, extras], axis=1)

    frame.attrs["rejects"] = _ledger_json(rejects, "rejects")
    frame.attrs["warnings"] = _ledger_json(warnings, "warnings")
    frame.attrs["files"] = _ledger_json(files, "files")
    frame.attrs["skipped"] = list(skipped)
    return frame


def _check_extra_columns(extra_columns: str | Sequence[str]) -> list[str] | str | None:
    """``"keep"`` -> "keep", ``"drop"`` -> None, a list -> the list (validated)."""
    if isinstance(extra_columns, str):
        if extra_columns in ("keep", "drop"):
            return None if extra_columns == "drop" else "keep"
        raise ValueError(f"extra_columns must be 'keep', 'drop' or a list of column names, not "
                         f"{extra_columns!r} (for one column write [{extra_columns!r}])")
    names = [str(c) for c in extra_columns]
    if len(set(names)) != len(names):
        raise ValueError(f"extra_columns lists a column twice: {names}")
    return names


def _extra_name(name: str, taken: set[str]) -> str:
    """``name``, or ``src_<name>`` (``src_src_<name>`` ...) when that is a schema column."""
    while name in taken:
        name = "src_" + name
    return name


def _combine_extra(parts: list[tuple[int, pd.Series]], n: int) -> pd.Series:
    """One extra column from the files that have it, missing elsewhere. A dtype shared by every
    part is kept (integers/booleans become nullable when rows are missing); mixed parts stay
    ``object``, or ``str`` when every value present is a string."""
    index = pd.RangeIndex(n)
    series = [s.set_axis(pd.RangeIndex(start, start + len(s))) for start, s in parts]
    covered = sum(len(s) for s in series)
    dtypes = {str(s.dtype) for s in series}
    if len(dtypes) == 1 and series[0].dtype != object:
        out = pd.concat(series) if len(series) > 1 else series[0]
        if covered < n:
            if out.dtype.kind in "iu":
                out = out.astype(str(out.dtype).replace("int", "Int").replace("uInt", "UInt"))
            elif out.dtype.kind == "b":
                out = out.astype("boolean")
            out = out.reindex(index)
        return out
    values: list[Any] = [None] * n
    for s in series:
        values[s.index[0]:s.index[0] + len(s)] = s.astype(object).tolist()
    missing = [v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))
               for v in values]
    present = [v for v, m in zip(values, missing) if not m]
    kind = pd.api.types.infer_dtype(present, skipna=True) if present else "empty"
    if kind == "string":
        return pd.Series(values, index=index, dtype="str")
    dtype = {"integer": "Int64", "boolean": "boolean", "floating": "float64",
             "mixed-integer-float": "float64"}.get(kind)
    if dtype is not None:
        clean = [None if m else v for v, m in zip(values, missing)]
        try:
            return pd.Series(clean if dtype == "float64" else pd.array(clean, dtype=dtype),
                             index=index, dtype=dtype)
        except (OverflowError, TypeError, ValueError):  # a 30-digit integer: keep the objects
            pass
    return pd.Series(values, index=index, dtype=object)


def _extra_frame(parts: list[tuple[str, int, pd.DataFrame]], n: int, wanted: list[str] | str,
                 warnings: list) -> pd.DataFrame:
    """Assemble the extra columns of all files into one frame aligned with the articles."""
    by_column: dict[str, list[tuple[int, pd.Series]]] = {}
    files_of_column: dict[str, list[str]] = defaultdict(list)
    for rel, start, extra in parts:
        for i, col in enumerate(extra.columns):
            by_column.setdefault(col, []).append((start, extra.iloc[:, i]))
            files_of_column[col].append(rel)
    taken = set(ARTICLE_COLUMNS) | set(by_column)
    names: dict[str, str] = {}
    for col in by_column:
        names[col] = _extra_name("src_" + col, taken) if col in ARTICLE_COLUMNS else col
        taken.add(names[col])
    if wanted == "keep":
        order = list(by_column)
    else:
        final = {v: k for k, v in names.items()}
        order = []
        for name in wanted:
            col = name if name in by_column else final.get(name)
            if col is None:
                warnings_module.warn(
                    f"extra_columns: no loaded file has an unused column {name!r} (columns used "
                    f"for schema fields are not repeated); it is left empty. Extra columns found: "
                    f"{list(by_column) or 'none'}", UserWarning, stacklevel=3)
                order.append(name)
                names[name] = _extra_name("src_" + name, taken) if name in ARTICLE_COLUMNS else name
            else:
                order.append(col)
    out = {}
    for col in order:
        if col in by_column:
            out[names[col]] = _combine_extra(by_column[col], n)
            if names[col] != col:
                for rel in files_of_column[col]:
                    warnings.append((rel, None, "extra_columns", col,
                                     f"source column {col!r} is not used for the {col!r} field and "
                                     f"shares its name with it; kept as {names[col]!r}"))
        else:
            out[names[col]] = pd.Series([None] * n, index=pd.RangeIndex(n), dtype="str")
    return pd.DataFrame(out, index=pd.RangeIndex(n))


def _file_name_date(value: Any) -> pd.Timestamp | None:
    """The date a file name carries (``20220204T123000Z``), or None when absent or implausible.

    >>> _file_name_date("20220204T123000Z"), _file_name_date("30000101T000000Z")
    (Timestamp('2022-02-04 12:30:00+0000', tz='UTC'), None)
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        ts = pd.to_datetime(value, format="ISO8601", utc=True)
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return None
    return _safe_utc(ts)[0] if not pd.isna(ts) else None


def _finish_frame(frame: pd.DataFrame, ref: pd.Timestamp | None, warnings: list) -> pd.DataFrame:
    """Dates, language, outlet fallback, ids, dtypes — vectorised over the whole corpus."""
    n = len(frame)
    frame = frame.reset_index(drop=True)
    url = frame["url"].astype(object).map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
    frame["url"] = url
    url_dates = url.map(_url_date)
    file_dates = frame["_file_date"].astype(object).map(_file_name_date)
    hints = url_dates.where(url_dates.notna(), None)
    published, msg, raw, source = _parse_date_column(frame["date"].astype(object), reference_time=ref,
                                                     hints=hints, dayfirst=frame["_dayfirst"])
    has_date_col = frame["_has_date"].astype(bool)
    # Fall-backs: the file name's date, then the URL's.
    for fallback, name in ((file_dates, "filename"), (url_dates, "url")):
        fill = published.isna() & pd.Series(fallback, index=frame.index).notna()
        if fill.any():
            published[fill] = pd.Series(fallback, index=frame.index)[fill].astype("datetime64[ns, UTC]")
            source[fill] = name
            msg[fill & msg.notna()] = msg[fill & msg.notna()] + f"; used the {name} date instead"
    flagged = (msg.notna() & has_date_col).to_numpy()
    if flagged.any():
        warnings.extend(zip(frame["source_file"].to_numpy()[flagged], frame["source_row"].to_numpy()[flagged],
                            ["date"] * int(flagged.sum()), raw.to_numpy()[flagged], msg.to_numpy()[flagged]))
    frame["published"] = published.astype("datetime64[ns, UTC]")
    frame["date_raw"] = raw
    frame["date_source"] = source
    # Language: given (column / manifest / file name / argument) unless the script says otherwise.
    detected = frame["text"].map(detect_lang) if n else pd.Series([], dtype=object)
    given = frame["_given_lang"] if n else pd.Series([], dtype=object)
    langs = []
    for i, (g, d) in enumerate(zip(given, detected)):
        g = None if g is None or (not isinstance(g, str) and pd.isna(g)) else g
        if g is None or d is None:
            langs.append(g or d)
            continue
        if (g in _CYRILLIC_LANGS) != (d in _CYRILLIC_LANGS) and (g == "en" or g in _CYRILLIC_LANGS):
            warnings.append((frame["source_file"].iloc[i], frame["source_row"].iloc[i], "lang", g,
                             f"declared language {g!r} but the text is in another script; using {d!r}"))
            langs.append(d)
        else:
            langs.append(g)
    frame["lang"] = langs
    # Unusual script (transliterated Russian, mixed-script words, pre-reform, Belarusian): say so
    from analysis.lang import input_conditions

    for i, (t, d) in enumerate(zip(frame["text"], detected)):
        if d in _CYRILLIC_LANGS or (isinstance(t, str) and _CYR_LETTER.search(t) and _LAT_LETTER.search(t)):
            for msg in input_conditions(t):
                warnings.append((frame["source_file"].iloc[i], frame["source_row"].iloc[i], "script", d, msg))
    # Outlet: a URL's host for single documents, else "unknown".
    host = url.map(lambda u: re.sub(r"^www\.", "", re.split(r"/+", u)[1].lower())
                   if isinstance(u, str) and "://" in u and len(re.split(r"/+", u)) > 1 else None)
    outlet = frame["outlet"].astype(object)
    outlet = outlet.where(outlet.notna(), host)
    outlet = outlet.where(outlet.notna(), frame["_folder_outlet"].astype(object))
    frame["outlet"] = outlet.where(outlet.notna(), "unknown").astype(str)
    frame["source_row"] = pd.array(frame["source_row"].tolist(), dtype="Int64")
    frame["text"] = frame["text"].astype(str)
    frame["n_chars"] = frame["text"].str.len().astype("int64")
    frame["article_id"] = _make_ids(frame) if n else []
    for col in ("url", "title", "lang", "country", "title_flag", "text_source", "date_raw",
                "date_source", "encoding", "licence", "source_file", "article_id", "outlet"):
        frame[col] = frame[col].astype(object).map(
            lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)).astype("str")
    return frame


# --------------------------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_NUM_PERM, _BANDS = 64, 16
_RNG = np.random.default_rng(20240812)
_PERM_A = (_RNG.integers(1, 2**63 - 1, size=_NUM_PERM, dtype=np.uint64) | np.uint64(1))
_PERM_B = _RNG.integers(0, 2**63 - 1, size=_NUM_PERM, dtype=np.uint64)
_SHINGLE_MUL = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                         0x27D4EB2F165667C5, 0xFF51AFD7ED558CCD], dtype=np.uint64)


def _shingle_hashes(ids: np.ndarray, k: int = 5) -> np.ndarray:
    """Hashes of the word k-grams of one text (repeats included), ``ids`` being its words'
    CRC-32s."""
    m = len(ids) - k + 1
    if m <= 0:
        return np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = np.zeros(m, dtype=np.uint64)
        for j in range(k):
            h = (h ^ (ids[j:j + m] * _SHINGLE_MUL[j])) * np.uint64(0x100000001B3)
    return h


def _minhash(sh: np.ndarray) -> np.ndarray:
    # min(x >> 16) == min(x) >> 16 (the shift is monotone), so shift the 64 minima only.
    sig = np.full(_NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    if not len(sh):
        return sig
    buf = np.empty((_NUM_PERM, min(len(sh), 20000)), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, len(sh), 20000):
            block = sh[start:start + 20000]
            hv = buf[:, :len(block)]
            np.multiply(block[None, :], _PERM_A[:, None], out=hv)
            hv += _PERM_B[:, None]
            np.minimum(sig, hv.min(axis=1), out=sig)
    return sig >> np.uint64(16)


def find_duplicates(articles: pd.DataFrame, *, near: bool = True, threshold: float = 0.8,
                    min_words: int = 20) -> pd.DataFrame:
    """Flag exact and near-duplicate articles; nothing is dropped.

    Exact: the same text after lower-casing and keeping only word characters. Near: Jaccard
    similarity of word 5-gram shingle sets >= ``threshold`` (Broder 1997, "On the resemblance
    and containment of documents"), found with MinHash signatures (64 permutations) and LSH
    banding (16 bands of 4 rows; Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*,
    ch. 3) and confirmed on the exact shingle sets — linear in the corpus size, not quadratic.
    Texts under ``min_words`` words take part in exact matching only. Each group's earliest
    copy (by ``published`` when present, then row order) is the original.

    Returns a frame aligned with ``articles``: ``duplicate_of`` (article_id of the original or
    <NA>) and ``duplicate_kind`` ("exact", "near" or <NA>).

    >>> t = "Russian forces shelled the city overnight, officials said, and many were hurt."
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": [t, t.upper(), "Other."]})
    >>> find_duplicates(arts)["duplicate_of"].tolist()
    [nan, 'a', nan]
    """
    n = len(articles)
    texts = articles["text"].astype(str).tolist()
    ids = articles["article_id"].astype(str).tolist()
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    first_raw: dict[str, int] = {}
    words_all: list[list[str]] = []
    for i, t in enumerate(texts):  # identical raw texts share one tokenisation
        j = first_raw.setdefault(t, i)
        words_all.append(words_all[j] if j != i else _WORD.findall(t.lower()))
    keys = [hashlib.sha1(" ".join(w).encode("utf-8")).digest() for w in words_all]
    first_by_key: dict[bytes, int] = {}
    for i, key in enumerate(keys):
        if not words_all[i]:
            continue
        if key in first_by_key:
            union(first_by_key[key], i)
        else:
            first_by_key[key] = i
    if near and n > 1:
        reps = [i for i in first_by_key.values() if len(words_all[i]) >= min_words]
        # Word ids for all texts at once: factorize in C, CRC-32 each distinct word once.
        flat: list[str] = []
        for i in reps:
            flat.extend(words_all[i])
        codes, uniques = pd.factorize(np.array(flat, dtype=object))
        crc = np.fromiter((zlib.crc32(w.encode("utf-8", "surrogatepass")) for w in uniques),
                          dtype=np.uint64, count=len(uniques))
        word_ids = crc[codes]
        ends = np.cumsum([len(words_all[i]) for i in reps])
        shingles = {i: _shingle_hashes(word_ids[end - len(words_all[i]):end])
                    for i, end in zip(reps, ends.tolist())}
        # MinHash is the same over a multiset as over its set: sets (np.unique) are needed only
        # for the few candidate pairs that get an exact Jaccard check.
        sets: dict[int, np.ndarray] = {}

        def shingle_set(i: int) -> np.ndarray:
            if i not in sets:
                sets[i] = np.unique(shingles[i])
            return sets[i]

        buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
        rows = _NUM_PERM // _BANDS
        for i in reps:
            sig = _minhash(shingles[i])
            for b in range(_BANDS):
                buckets[(b, sig[b * rows:(b + 1) * rows].tobytes())].append(i)
        checked: set[tuple[int, int]] = set()
        for members in buckets.values():
            if len(members) < 2:
                continue
            pairs = ([(a, b) for x, a in enumerate(members) for b in members[x + 1:]]
                     if len(members) <= 30 else [(members[0], b) for b in members[1:]])
            for a, b in pairs:
                if (a, b) in checked or find(a) == find(b):
                    continue
                checked.add((a, b))
                sa, sb = shingle_set(a), shingle_set(b)
                inter = len(np.intersect1d(sa, sb, assume_unique=True))
                if inter / (len(sa) + len(sb) - inter) >= threshold:
                    union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[find(i)].append(i)
    published = articles["published"] if "published" in articles else pd.Series(pd.NaT, index=articles.index)
    pub = pd.to_datetime(published, utc=True, errors="coerce").tolist()
    dup_of: list[Any] = [None] * n
    kind: list[Any] = [None] * n
    for members in groups.values():
        if len(members) < 2:
            continue
        # Earliest day wins; same-day copies (a date-only re-post) fall back to load order.
        original = min(members, key=lambda i: (pd.isna(pub[i]),
                                               pub[i].floor("D") if not pd.isna(pub[i]) else 0, i))
        for i in members:
            if i != original:
                dup_of[i] = ids[original]
                kind[i] = "exact" if keys[i] == keys[original] else "near"
    return pd.DataFrame({"duplicate_of": pd.array(dup_of, dtype="str"),
                         "duplicate_kind": pd.array(kind, dtype="str")}, index=articles.index)


# --------------------------------------------------------------------------------------------
# Accounting
# --------------------------------------------------------------------------------------------

def accounting(articles: pd.DataFrame) -> pd.DataFrame:
    """Per-file ledger of a loaded corpus plus a ``TOTAL`` row:
    ``source_file, format, rows_read, loaded, rejected, duplicates, warnings`` where
    ``rows_read == loaded + rejected`` always holds.

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
