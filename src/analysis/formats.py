"""Exports of the tools analysts already use, loaded as they are.

:func:`analysis.corpus.load_corpus` calls this module for two things:

* :func:`normalise_export` - recognises a table exported by **Media Cloud** or **GDELT** (DOC
  API article lists, GKG 2.x rows with a header) by its columns and renames them to the
  loader's fields, so that the outlet is the outlet and not the file name:

  ===============  ==========================================  ============================
  export           columns                                     become
  ===============  ==========================================  ============================
  Media Cloud      ``media_name``, ``publish_date``, ``url``,  outlet, date, url, title,
                   ``title``, ``language``                     lang (``media_url``,
                                                               ``indexed_date``, ``id``...
                                                               stay as extra columns)
  GDELT DOC API    ``url``, ``title``, ``seendate``            url, title, date, outlet,
                   (``20240812T101500Z``), ``domain``,         country (as GDELT names it:
                   ``sourcecountry``, ``language``             "Ukraine"), lang
  GDELT GKG 2.x    ``DocumentIdentifier``,                     url, outlet, date,
                   ``SourceCommonName``, ``DATE``              ``gdelt_tone`` (the first
                   (``20240812101500``), ``V2Tone``,           V2Tone field: tone, -100..100)
                   ``Extras`` (``<PAGE_TITLE>``)               and the title
  ===============  ==========================================  ============================

  GDELT's own ``V2Tone``/``tone`` column also gives ``gdelt_tone`` (a float) in DOC exports.
  Columns named in ``mapping=`` are never renamed.
* :func:`read_feed` - RSS 2.0, RSS 1.0 (RDF) and Atom files (``.xml``, ``.rss``, ``.atom``):
  one row per ``<item>``/``<entry>`` with title, link, date (``pubDate``, ``dc:date``,
  ``published``, ``updated``), text (``content:encoded``/``content``, else
  ``description``/``summary``; HTML reduced to its text), author, guid and categories; the
  feed's own title is the outlet. XML is parsed without fetching anything and without
  expanding entities (no XXE, no "billion laughs").

Example
-------
>>> import pandas as pd
>>> mc = pd.DataFrame({"id": ["1"], "media_name": ["kyivindependent.com"], "publish_date": ["2024-08-12 10:00:00"],
...                    "title": ["Ukraine advances in Kursk"], "url": ["https://kyivindependent.com/x"]})
>>> normalise_export(mc).columns.tolist()
['id', 'outlet', 'date', 'title', 'url']
>>> gd = pd.DataFrame({"url": ["https://e.com/a"], "title": ["T"], "seendate": ["20240812T101500Z"],
...                    "domain": ["e.com"], "language": ["English"], "sourcecountry": ["Ukraine"]})
>>> normalise_export(gd).columns.tolist()
['url', 'title', 'date', 'outlet', 'lang', 'country']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

__all__ = ["FEED_EXTENSIONS", "detect_export", "gdelt_tone", "normalise_export", "read_feed"]

FEED_EXTENSIONS = (".atom", ".rss", ".xml")


def _norm(name) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(name).lower())


#: recognised exports: (name, columns that identify it, rename map by normalised column name)
_EXPORTS = (
    ("mediacloud", ({"medianame", "publishdate"}, {"medianame", "storiesid"}, {"medianame", "mediaurl"}),
     {"medianame": "outlet", "publishdate": "date", "language": "lang"}),
    ("gdelt_gkg", ({"documentidentifier", "sourcecommonname"}, {"documentidentifier", "v2tone"},
                   {"v2documentidentifier", "v2sourcecommonname"}),
     {"documentidentifier": "url", "v2documentidentifier": "url", "sourcecommonname": "outlet",
      "v2sourcecommonname": "outlet", "date": "date", "v21date": "date", "gkgrecordid": "gkg_record_id"}),
    ("gdelt_doc", ({"seendate", "sourcecountry"}, {"seendate", "domain"}),
     {"seendate": "date", "sourcecountry": "country", "domain": "outlet", "language": "lang",
      "urlmobile": "url_mobile", "socialimage": "social_image"}),
)


def detect_export(columns: Iterable) -> str | None:
    """``"mediacloud"``, ``"gdelt_doc"``, ``"gdelt_gkg"`` or None, from a table's column names.

    >>> detect_export(["stories_id", "media_name", "title"]), detect_export(["title", "text"])
    ('mediacloud', None)
    """
    names = {_norm(c) for c in columns}
    for name, signatures, _ in _EXPORTS:
        if any(sig <= names for sig in signatures):
            return name
    return None


def gdelt_tone(values: pd.Series) -> pd.Series:
    """GDELT's document tone as a float: the first comma-separated field of ``V2Tone``
    ("tone, positive, negative, polarity, activity density, self/group density, word count";
    Leetaru, GDELT GKG 2.1 codebook), or a plain number. Unparseable -> NaN.

    >>> gdelt_tone(pd.Series(["-4.12,1.5,5.62,7.12,22.1,0.5,532", "2.5", None, "n/a"])).tolist()
    [-4.12, 2.5, nan, nan]
    """
    first = values.astype("string").str.split(",", n=1).str[0].str.strip()
    return pd.to_numeric(first, errors="coerce").astype(float)


_PAGE_TITLE = re.compile(r"<PAGE_TITLE>(.*?)</PAGE_TITLE>", re.DOTALL)
_GDELT_STAMP = re.compile(r"^\d{8}T\d{6}Z$|^\d{14}$")


def normalise_export(table: pd.DataFrame, *, keep: Iterable[str] = ()) -> pd.DataFrame:
    """Rename a Media Cloud or GDELT export's columns to the loader's fields (see the module
    docstring); any other table is returned unchanged. ``keep`` names columns not to touch
    (those chosen by ``mapping=``). A target that already exists is not overwritten."""
    kind = detect_export(table.columns)
    tone_cols = [c for c in table.columns if _norm(c) in ("v2tone", "tone", "v15tone")]
    if kind is None and not tone_cols:
        return table
    keep = {str(k) for k in keep}
    out = table.copy()
    if kind is not None:
        renames = next(r for name, _, r in _EXPORTS if name == kind)
        taken = {str(c) for c in out.columns}
        mapping = {}
        for col in out.columns:
            target = renames.get(_norm(col))
            if target and col not in keep and target not in taken and target not in mapping.values():
                mapping[col] = target
        out = out.rename(columns=mapping)
        if "date" in out.columns and "date" not in keep:  # GKG's 20240812101500 -> ISO
            raw = out["date"].astype("string")
            stamp = raw.str.match(_GDELT_STAMP.pattern).fillna(False)
            if stamp.any():
                digits = raw[stamp].str.replace(r"[TZ]", "", regex=True)
                out.loc[stamp, "date"] = (digits.str[:4] + "-" + digits.str[4:6] + "-" + digits.str[6:8] + "T"
                                          + digits.str[8:10] + ":" + digits.str[10:12] + ":" + digits.str[12:14]
                                          + "Z")
        if kind == "gdelt_gkg" and "title" not in out.columns:
            extras = next((c for c in out.columns if _norm(c) == "extras"), None)
            if extras is not None:
                out["title"] = out[extras].astype("string").str.extract(_PAGE_TITLE, expand=False).str.strip()
    if tone_cols and "gdelt_tone" not in out.columns:
        out["gdelt_tone"] = gdelt_tone(out[tone_cols[0]])
    return out


# --------------------------------------------------------------------------------------------
# RSS / Atom
# --------------------------------------------------------------------------------------------

def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _html_to_text(fragment: str | None) -> str | None:
    if not fragment:
        return None
    if "<" not in fragment:
        return fragment.strip() or None
    from analysis.corpus.readers import _TextExtractor

    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    text = re.sub(r"[ \t]*\n[ \t\n]*\n\s*", "\n\n", "".join(parser.parts)).strip()
    return text or None


def _text_of(el) -> str | None:
    if el is None:
        return None
    # Atom text constructs may hold XHTML children; RSS holds escaped HTML as text
    if len(el):
        from lxml import etree

        inner = "".join(etree.tostring(child, encoding="unicode", method="html") for child in el)
        return ((el.text or "") + inner).strip() or None
    return (el.text or "").strip() or None


def _child(item, *names):
    for name in names:
        for el in item:
            if _local(el.tag) == name:
                return el
    return None


def _children(item, name):
    return [el for el in item if _local(el.tag) == name]


def _link(item) -> str | None:
    links = _children(item, "link")
    for el in links:  # Atom: <link rel="alternate" href="..."/>; no rel means alternate
        if el.get("href") and el.get("rel", "alternate") == "alternate":
            return el.get("href").strip()
    for el in links:
        if el.get("href"):
            return el.get("href").strip()
        if el.text and el.text.strip():
            return el.text.strip()
    guid = _child(item, "guid")
    if guid is not None and (guid.get("isPermaLink", "true") != "false") and (guid.text or "").startswith("http"):
        return guid.text.strip()
    return None


FEED_COLUMNS = ["title", "url", "date", "text", "summary", "author", "guid", "categories", "outlet"]


def read_feed(data: bytes | str | Path) -> tuple[pd.DataFrame, str]:
    """Items of an RSS/Atom feed: ``(DataFrame[title, url, date, text, summary, author, guid,
    categories, outlet], kind)`` with ``kind`` "rss" or "atom". ``text`` is the full content
    when the feed carries it, else the description/summary (then ``summary`` is empty);
    ``outlet`` is the feed's title. Raises ValueError for a file that is not a feed.

    >>> rss = b'''<rss version="2.0"><channel><title>Ukrinform</title><item><title>Kyiv hit</title>
    ... <link>https://ukrinform.example/1</link><pubDate>Mon, 12 Aug 2024 10:15:00 GMT</pubDate>
    ... <description>&lt;p&gt;Russian &lt;b&gt;drones&lt;/b&gt; struck Kyiv.&lt;/p&gt;</description></item></channel></rss>'''
    >>> items, kind = read_feed(rss)
    >>> kind, items.loc[0, ["title", "url", "text", "outlet"]].tolist()
    ('rss', ['Kyiv hit', 'https://ukrinform.example/1', 'Russian drones struck Kyiv.', 'Ukrinform'])
    """
    from lxml import etree

    raw = Path(data).read_bytes() if isinstance(data, Path) else (data.encode("utf-8") if isinstance(data, str) else data)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(raw, parser=parser)
    except etree.XMLSyntaxError as err:
        raise ValueError(f"not well-formed XML: {err}") from None
    top = _local(root.tag)
    if top not in ("rss", "feed", "rdf", "channel"):
        raise ValueError(f"XML root <{top}> is not an RSS or Atom feed (expected <rss>, <feed> or <rdf:RDF>)")
    kind = "atom" if top == "feed" else "rss"
    channel = _child(root, "channel") if top in ("rss", "rdf") else root
    feed_title = _html_to_text(_text_of(_child(channel, "title"))) if channel is not None else None
    items = [el for el in root.iter() if _local(el.tag) in ("item", "entry")]
    rows = []
    for item in items:
        content = _html_to_text(_text_of(_child(item, "encoded", "content")))
        summary = _html_to_text(_text_of(_child(item, "description", "summary")))
        author_el = _child(item, "author", "creator")
        author = _text_of(_child(author_el, "name")) if author_el is not None and len(author_el) else _text_of(author_el)
        date_el = _child(item, "pubdate", "published", "date", "updated", "issued", "modified")
        cats = [(c.get("term") or c.text or "").strip() for c in _children(item, "category")]
        guid = _text_of(_child(item, "guid", "id"))
        rows.append({
            "title": _html_to_text(_text_of(_child(item, "title"))), "url": _link(item),
            "date": _text_of(date_el), "text": content or summary, "summary": summary if content else None,
            "author": author, "guid": guid, "categories": "; ".join(c for c in cats if c) or None,
            "outlet": feed_title,
        })
    return pd.DataFrame(rows, columns=FEED_COLUMNS, dtype=object), kind


def read_feed_raw(path: Path, spec):
    """:func:`read_feed` for :func:`analysis.corpus.load_corpus` (a ``_Raw`` of the loader)."""
    from analysis.corpus import readers as corpus

    _text, enc, notes = corpus._read_text(path)  # rejects empty / binary files the loader's way
    try:
        table, kind = read_feed(path.read_bytes())
    except ValueError as err:
        raise corpus._Reject(str(err)) from None
    if table.empty:
        return corpus._Raw(pd.DataFrame(), kind, enc, 0, warnings=list(notes))
    table = table.dropna(axis=1, how="all")
    rows, warnings = corpus._table_to_rows(table, spec, path.name)
    return corpus._Raw(rows, kind, enc, len(table), warnings=list(notes) + warnings)
