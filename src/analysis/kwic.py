"""Keyword in context (KWIC): every occurrence of a query with the words around it.

A concordance is the oldest tool of corpus linguistics and still the fastest way
to check what a count means: before trusting "outlet A says *Kiev regime* 40
times", read the 40 lines. :func:`kwic` finds the occurrences of one query in a
sentences table and returns one row per occurrence, with offsets into the article
text so that every line can be traced back (and highlighted) in the source.

A query is one of (``kind=``):

* ``"regex"`` - a regular expression (case-insensitive unless ``case=True``),
* ``"entity"`` - an ``entity_id`` of the gazetteer (``person:vladimir_putin``),
  found through :func:`analysis.entities.mentions`,
* ``"label"`` - a contested-label concept (``kyiv_spelling``) or one of its terms
  (``Kiev regime``), found through :func:`analysis.framing.labels.label_matches`,
* ``"frame"`` - one of the 14 Media Frames Corpus dimensions (``Economic``): the
  frame's indicator patterns in ``data/lexicons/frames_mfc.yml``,
* ``"auto"`` (default) - the first of frame, label, entity that knows the query,
  else a regex.

More kinds plug in with :func:`register_kind` (a future ``"narrative"`` kind needs
only a function returning ``article_id, sentence_id, start, end, detail``).

Output columns (:data:`KWIC_COLUMNS`): ``article_id, sentence_id, start, end``
(``start``/``end`` index the article text), ``left, match, right`` (context of at
most ``window`` characters; any run of whitespace, newlines included, shown as one space), ``kind``, ``detail`` (the
label term, entity name or frame pattern that matched; the query for a regex);
with ``articles=`` also ``outlet, date, url`` (and the ``by`` column).

Example
-------
>>> import pandas as pd
>>> from analysis.kwic import kwic
>>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"],
...     "published": pd.to_datetime(["2022-03-01", "2022-03-02"], utc=True),
...     "url": ["https://x.example/1", "https://y.example/2"],
...     "text": ["Shelling hit Kiev overnight. The Kiev regime denied it.",
...              "Kyiv says Russian troops shelled the city."]})
>>> lines = kwic(arts, r"shell\\w*", articles=arts, window=12)
>>> lines[["article_id", "left", "match", "right", "outlet"]].values.tolist()
[['a', '', 'Shelling', ' hit Kiev ov', 'X'], ['b', 'sian troops ', 'shelled', ' the city.', 'Y']]
>>> kwic(arts, "kyiv_spelling", window=0)[["match", "detail"]].values.tolist()
[['Kiev', 'Kiev'], ['Kiev', 'Kiev'], ['Kyiv', 'Kyiv']]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["KINDS", "KWIC_COLUMNS", "export_kwic", "kwic", "neutralise_formulas", "register_kind"]

KWIC_COLUMNS = ["article_id", "sentence_id", "start", "end", "left", "match", "right", "kind", "detail"]
_HIT_COLUMNS = ["article_id", "sentence_id", "start", "end", "detail"]


@dataclass(frozen=True)
class Kind:
    """A query kind: ``find(sentences, query, **options)`` returns hits
    ``DataFrame[article_id, sentence_id, start, end, detail]`` (offsets into the article
    text); ``knows(query)`` says whether ``kind="auto"`` should pick this kind."""

    name: str
    find: Callable[..., pd.DataFrame]
    knows: Callable[[str], bool] | None = None


#: Registered query kinds, in the order ``kind="auto"`` tries them (``regex`` is the fall-back).
KINDS: dict[str, Kind] = {}


def register_kind(name: str, find: Callable[..., pd.DataFrame], *, knows: Callable[[str], bool] | None = None,
                  first: bool = False) -> None:
    """Add (or replace) a query kind. ``first=True`` makes ``kind="auto"`` try it first.

    >>> import pandas as pd
    >>> def find_narrative(sents, query, **_):
    ...     hits = sents[sents["text"].str.contains("NATO")]
    ...     return hits.assign(detail=query)[["article_id", "sentence_id", "start", "end", "detail"]]
    >>> register_kind("narrative", find_narrative, knows=lambda q: q.startswith("URW:"))
    >>> s = pd.DataFrame({"article_id": [1], "sentence_id": [0], "start": [0], "end": [14],
    ...                   "text": ["NATO provoked."]})
    >>> kwic(s, "URW: Blaming the West")[["match", "kind"]].values.tolist()
    [['NATO provoked.', 'narrative']]
    >>> del KINDS["narrative"]
    """
    kind = Kind(name, find, knows)
    if first:
        KINDS.update({name: kind, **{k: v for k, v in KINDS.items() if k != name}})
    else:
        KINDS[name] = kind


# --------------------------------------------------------------------------------------------
# The built-in kinds
# --------------------------------------------------------------------------------------------

def _hits(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=_HIT_COLUMNS)


def _find_regex(sents: pd.DataFrame, query, *, case: bool = False, **_) -> pd.DataFrame:
    rx = query if isinstance(query, re.Pattern) else re.compile(query, 0 if case else re.IGNORECASE)
    rows = []
    for aid, sid, off, text in zip(sents["article_id"], sents["sentence_id"], sents["start"], sents["text"]):
        if not isinstance(text, str):
            continue
        for m in rx.finditer(text):
            if m.end() > m.start():
                rows.append((aid, sid, off + m.start(), off + m.end(), rx.pattern))
    return _hits(rows)


def _find_entity(sents: pd.DataFrame, query: str, *, mentions: pd.DataFrame | None = None, **_) -> pd.DataFrame:
    if mentions is None:
        from analysis.entities import mentions as find_mentions

        mentions = find_mentions(sents)
    m = mentions[mentions["entity_id"] == query]
    return m.assign(detail=m["name"] if "name" in m.columns else query)[_HIT_COLUMNS]


def _entity_ids() -> frozenset[str]:
    from analysis.entities import load_gazetteer

    return frozenset(load_gazetteer().entities["entity_id"])


def _knows_entity(query: str) -> bool:
    return bool(re.fullmatch(r"[a-z_]+:[\w\-]+", query)) and query in _entity_ids()


def _find_label(sents: pd.DataFrame, query: str, *, labels: pd.DataFrame | None = None, lexicon=None,
                **_) -> pd.DataFrame:
    if labels is None:
        from analysis.framing.labels import label_matches

        labels = label_matches(sents, lexicon=lexicon)
    q = query.casefold()
    m = labels[(labels["concept"].str.casefold() == q) | (labels["term"].str.casefold() == q)]
    return m.assign(detail=m["term"])[_HIT_COLUMNS]


def _knows_label(query: str) -> bool:
    from analysis.framing.labels import label_lexicon

    lex = label_lexicon()
    return query.casefold() in set(lex["concept"].str.casefold()) | set(lex["term"].str.casefold())


def _frame_patterns(lexicon=None) -> dict[str, tuple[str, ...]]:
    from analysis.framing._lexicon import resolve

    lex = resolve(lexicon, "frames_mfc.yml")
    return {f: tuple(spec.get("patterns", [])) for f, spec in (lex.get("frames") or {}).items()}


def _find_frame(sents: pd.DataFrame, query: str, *, frame_lexicon=None, **_) -> pd.DataFrame:
    from analysis.framing._lexicon import compile_patterns

    patterns = _frame_patterns(frame_lexicon)
    if query not in patterns:
        raise KeyError(f"unknown frame {query!r}; frames: {sorted(patterns)}")
    compiled = [rx for rx in compile_patterns(patterns[query]) if rx is not None]
    rows = []
    for aid, sid, off, text in zip(sents["article_id"], sents["sentence_id"], sents["start"], sents["text"]):
        if not isinstance(text, str):
            continue
        found = sorted({m.span() for rx in compiled for m in rx.finditer(text) if m.end() > m.start()})
        for s, e in found:
            rows.append((aid, sid, off + s, off + e, query))
    return _hits(rows)


def _knows_frame(query: str) -> bool:
    return query in _frame_patterns()


register_kind("frame", _find_frame, knows=_knows_frame)
register_kind("label", _find_label, knows=_knows_label)
register_kind("entity", _find_entity, knows=_knows_entity)
register_kind("regex", _find_regex)


def _resolve_kind(query, kind: str) -> Kind:
    if kind != "auto":
        if kind not in KINDS:
            raise ValueError(f"kind must be 'auto' or one of {list(KINDS)}, got {kind!r}")
        return KINDS[kind]
    if isinstance(query, str):
        for k in KINDS.values():
            if k.knows is not None and k.knows(query):
                return k
    return KINDS["regex"]


# --------------------------------------------------------------------------------------------
# Context
# --------------------------------------------------------------------------------------------

def _sentences_of(data: pd.DataFrame) -> pd.DataFrame:
    if "sentence_id" in data.columns:
        return data
    from analysis.text import sentences

    return sentences(data)


def _article_texts(sents: pd.DataFrame, articles: pd.DataFrame | None) -> dict:
    """article_id -> text: the article's own text when ``articles`` has it, else rebuilt from
    the sentences at their offsets (the gaps between sentences become spaces)."""
    out: dict = {}
    if articles is not None and "text" in articles.columns:
        out = {a: t for a, t in zip(articles["article_id"], articles["text"]) if isinstance(t, str)}
    missing = sents[~sents["article_id"].isin(list(out))] if out else sents
    for aid, part in missing.groupby("article_id", sort=False):
        buf: list[str] = []
        pos = 0
        for s, t in zip(part["start"].tolist(), part["text"].tolist()):
            if not isinstance(t, str) or s < pos:
                continue
            buf.append(" " * (s - pos))
            buf.append(t)
            pos = s + len(t)
        out[aid] = "".join(buf)
    return out


_WHITESPACE = re.compile(r"\s+")


def _flat(text: str) -> str:
    return _WHITESPACE.sub(" ", text)


# --------------------------------------------------------------------------------------------
# kwic()
# --------------------------------------------------------------------------------------------

def kwic(sentences: pd.DataFrame, query, *, by: str | list[str] | None = None, window: int = 60,
         articles: pd.DataFrame | None = None, kind: str = "auto", limit: int | None = None,
         case: bool = False, mentions: pd.DataFrame | None = None, labels: pd.DataFrame | None = None,
         lexicon=None) -> pd.DataFrame:
    """Every occurrence of ``query`` with ``window`` characters of context on each side.

    Parameters
    ----------
    sentences : a sentences table (:func:`analysis.text.sentences`: article_id, sentence_id,
        start, end, text) or an articles table (split into sentences first).
    query : a regex (string or compiled), an entity_id, a label concept or term, or a frame.
    by : column(s) of ``articles`` (or of ``sentences``) to group and sort the lines by,
        e.g. ``"outlet"``; with ``limit`` the limit applies per group.
    window : characters of context on each side (cut at the article's start/end).
    articles : the articles table; adds ``outlet``, ``date`` (from ``published``) and ``url``
        and supplies the article text for the context.
    kind : ``"auto"``, ``"regex"``, ``"entity"``, ``"label"``, ``"frame"`` or any kind added
        with :func:`register_kind`.
    limit : keep at most this many lines (per ``by`` group), in order.
    case : regex queries are case-insensitive unless ``case=True``.
    mentions, labels : precomputed :func:`analysis.entities.mentions` /
        :func:`analysis.framing.label_matches` tables, to skip recomputing them.
    lexicon : a label lexicon (for ``kind="label"``).

    Returns
    -------
    DataFrame[article_id, sentence_id, start, end, left, match, right, kind, detail
    (, outlet, date, url) (, <by>)] sorted by ``by`` (when given), then date, article and
    offset.
    """
    if window < 0:
        raise ValueError(f"window must be >= 0, got {window}")
    if articles is None and "sentence_id" not in sentences.columns:
        articles = sentences  # an articles table: its own text gives the context
    sents = _sentences_of(sentences)
    k = _resolve_kind(query, kind)
    hits = k.find(sents, query, case=case, mentions=mentions, labels=labels, lexicon=lexicon)
    texts = _article_texts(sents, articles)
    left, match, right = [], [], []
    for aid, s, e in zip(hits["article_id"], hits["start"], hits["end"]):
        text = texts.get(aid) or ""
        left.append(_flat(text[max(0, s - window):s]))
        match.append(_flat(text[s:e]))
        right.append(_flat(text[e:e + window]))
    out = hits[["article_id", "sentence_id", "start", "end"]].reset_index(drop=True)
    out = out.astype({"sentence_id": "int64", "start": "int64", "end": "int64"})
    out["left"], out["match"], out["right"] = left, match, right
    out["kind"] = k.name
    out["detail"] = hits["detail"].astype(str).to_numpy() if len(hits) else pd.Series([], dtype=object)
    groups = [by] if isinstance(by, str) else list(by or [])
    sort = []
    if articles is not None:
        meta = articles[["article_id"]].copy()
        for col in ("outlet", "url"):
            meta[col] = articles[col] if col in articles.columns else pd.NA
        meta["date"] = articles["published"] if "published" in articles.columns else (
            articles["date"] if "date" in articles.columns else pd.NaT)
        for g in groups:
            if g not in meta.columns and g in articles.columns:
                meta[g] = articles[g]
        meta = meta[["article_id", "outlet", "date", "url"] + [g for g in groups if g not in ("outlet", "date", "url")]]
        out = out.merge(meta.drop_duplicates("article_id"), on="article_id", how="left")
        sort.append("date")
    for g in groups:
        if g not in out.columns:
            if g in sents.columns:
                out = out.merge(sents[["article_id", "sentence_id", g]], on=["article_id", "sentence_id"], how="left")
            else:
                raise KeyError(f"by={g!r} is neither a column of articles nor of sentences")
    order = {aid: i for i, aid in enumerate(pd.unique(sents["article_id"]))}
    out["_order"] = out["article_id"].map(order)
    out = out.sort_values(groups + sort + ["_order", "start"], kind="stable", na_position="last")
    out = out.drop(columns="_order")
    if limit is not None:
        out = out.groupby(groups, sort=False, dropna=False).head(limit) if groups else out.head(limit)
    out = out.reset_index(drop=True)
    out.attrs["query"] = str(getattr(query, "pattern", query))
    return out


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------

#: A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` where every text cell starting with ``= + - @`` (or a tab/CR) is
    prefixed with ``'``, so that Excel, LibreOffice and Google Sheets show it as text instead
    of running it as a formula (OWASP, "CSV Injection").

    >>> import pandas as pd
    >>> neutralise_formulas(pd.DataFrame({"x": ["=HYPERLINK(\\"http://e.vil\\")", "-5 killed", "Kyiv", 3]}))["x"].tolist()
    ['\\'=HYPERLINK("http://e.vil")', "'-5 killed", 'Kyiv', 3]
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    return out


def export_kwic(lines: pd.DataFrame, path: str | Path) -> Path:
    """Write KWIC lines (or any table) to ``.csv`` (UTF-8 with BOM, so Excel reads the
    Cyrillic right) or ``.xlsx``, with formula-like cells neutralised
    (:func:`neutralise_formulas`). Time zones are dropped from datetimes for Excel (values
    stay UTC). Returns the path.

    >>> import pandas as pd, tempfile, pathlib
    >>> p = export_kwic(pd.DataFrame({"left": ["-"], "match": ["Kyiv"]}), pathlib.Path(tempfile.mkdtemp()) / "k.csv")
    >>> p.read_text(encoding="utf-8-sig").splitlines()
    ['left,match', "'-,Kyiv"]
    """
    path = Path(path)
    safe = neutralise_formulas(lines)
    for col in safe.columns:
        if isinstance(safe[col].dtype, pd.DatetimeTZDtype):
            safe[col] = safe[col].dt.tz_convert("UTC").dt.tz_localize(None)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        safe.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            safe.to_excel(writer, index=False, sheet_name="kwic")
            sheet = writer.sheets["kwic"]
            for row in sheet.iter_rows(min_row=2):  # never let openpyxl store a string as a formula
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
        _reproducible_zip(path)
    else:
        raise ValueError(f"export_kwic writes .csv or .xlsx, got {path.name!r}")
    return path


#: the date every member of a written .xlsx carries (the earliest a zip file can hold)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")


def _reproducible_zip(path: Path) -> None:
    """Rewrite the .xlsx at ``path`` so the same table gives the same bytes: openpyxl stamps the
    clock into every zip member's date and into ``docProps/core.xml`` (created, modified), so a
    rerun on unchanged data showed every export as changed. Members keep their order and content;
    the dates become :data:`_ZIP_DATE` and the two document dates are left out (both optional)."""
    import zipfile

    with zipfile.ZipFile(path) as book:
        members = [(info, book.read(info)) for info in book.infolist()]
    with zipfile.ZipFile(path, "w") as book:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(b"", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            book.writestr(fixed, data)
