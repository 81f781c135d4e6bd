"""The loader's column names, file types and column aliases (shared by every part of
:mod:`analysis.corpus`).
"""

from __future__ import annotations

import re

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

#: Internal prefix of the unmapped source columns while they travel with a file's rows.
_EXTRA_PREFIX = "\x00extra:"

