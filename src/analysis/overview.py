"""What is in a corpus: articles by group and over time, lengths, duplicates, top terms.

All functions take the articles table from :func:`analysis.corpus.load_corpus`
(and tokens from :func:`analysis.text.tokens` where words are needed) and a
grouping column name, seaborn style (``by="outlet"``).

Example
-------
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"],
...     "published": pd.to_datetime(["2022-02-01", "2022-03-05", "2022-03-09"], utc=True),
...     "text": ["Kyiv said no.", "Moscow said yes.", "Kyiv and Moscow."]})
>>> articles_by(arts)[["outlet", "articles", "words"]].to_dict("records")
[{'outlet': 'X', 'articles': 2, 'words': 6}, {'outlet': 'Y', 'articles': 1, 'words': 3}]
>>> articles_over_time(arts, freq="MS")["articles"].tolist()
[1, 0, 1, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.text import NEGATIONS, word_counts

__all__ = [
    "ALL_LANGS",
    "ALL_WORDS",
    "LANG_NAMES",
    "article_lengths",
    "articles_by",
    "articles_by_lang",
    "article_term_counts",
    "articles_over_time",
    "choose_group_column",
    "count_words",
    "duplicate_summary",
    "exclude_duplicates",
    "filter_lang",
    "group_term_counts",
    "lang_name",
    "lang_term_counts",
    "languages_present",
    "lemma_glosses",
    "sample_groups",
    "stored_article_term_counts",
    "term_counts",
    "time_bins",
    "top_terms",
    "top_terms_by_lang",
    "top_terms_from_counts",
    "with_groups",
    "with_sizes",
]


def _group_values(articles: pd.DataFrame, by: str) -> pd.Series:
    if by not in articles.columns:
        raise KeyError(f"grouping column {by!r} not in articles; have {list(articles.columns)}")
    return articles[by].astype(object).where(articles[by].notna(), "(unknown)").astype(str)


def choose_group_column(articles: pd.DataFrame, preferred: str = "auto",
                        candidates: tuple[str, ...] = ("outlet", "country", "lang")) -> str:
    """The grouping column to compare: ``preferred`` unless it is ``"auto"``, else the
    first of ``candidates`` with more than one distinct value (falling back to the first).

    >>> arts = pd.DataFrame({"outlet": ["gdelt", "gdelt"], "country": ["UA", "RU"]})
    >>> choose_group_column(arts), choose_group_column(arts, "outlet")
    ('country', 'outlet')
    """
    if preferred != "auto":
        if preferred not in articles.columns:
            raise KeyError(f"grouping column {preferred!r} not in articles; have {list(articles.columns)}")
        return preferred
    for column in candidates:
        if column in articles.columns and articles[column].nunique(dropna=True) > 1:
            return column
    return candidates[0]


def count_words(texts: pd.Series) -> pd.Series:
    """Words per text, as :func:`analysis.text.word_count` defines them (the denominator of every rate)."""
    return pd.Series(word_counts(texts.tolist()), index=texts.index, dtype="int64")


def with_sizes(articles: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``articles`` with each article's ``n_chars`` and ``n_words`` read from the stored
    ``article_summary`` (``summary``: ``article_id``, ``n_chars``, ``n_words``; 0 for an article it
    lacks), so that every later count per 10,000 words reads sizes instead of re-counting the texts.
    ``attrs`` (corpus hash, duplicates left out) are kept.

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"]})
    >>> stored = pd.DataFrame({"article_id": ["b", "a"], "n_chars": [9, 4], "n_words": [2, 1]})
    >>> with_sizes(arts, stored)[["article_id", "n_chars", "n_words"]].values.tolist()
    [['a', 4, 1], ['b', 9, 2]]
    """
    sizes = summary.drop_duplicates("article_id").set_index("article_id")[["n_chars", "n_words"]]
    sizes = sizes.reindex(articles["article_id"].to_numpy())
    out = articles.assign(n_chars=sizes["n_chars"].fillna(0).astype("int64").to_numpy(),
                          n_words=sizes["n_words"].fillna(0).astype("int64").to_numpy())
    out.attrs = dict(articles.attrs)
    return out


def article_lengths(articles: pd.DataFrame, *, by: str = "outlet", summary: pd.DataFrame | None = None) -> pd.DataFrame:
    """DataFrame[article_id, <by>, n_chars, n_words] — one row per article.

    With ``summary`` (the stored ``article_summary``: ``article_id``, ``n_chars``, ``n_words``), or
    when ``articles`` already carries both columns (:func:`with_sizes`), the sizes are read from it
    and ``articles`` needs no ``text`` column, so a large corpus is never re-counted in memory.

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"]})
    >>> stored = pd.DataFrame({"article_id": ["b", "a"], "n_chars": [9, 4], "n_words": [2, 1]})
    >>> article_lengths(arts, summary=stored).values.tolist()
    [['a', 'X', 4, 1], ['b', 'Y', 9, 2]]
    """
    if summary is not None:
        articles = with_sizes(articles, summary)
    if {"n_chars", "n_words"} <= set(articles.columns):
        return pd.DataFrame({"article_id": articles["article_id"].to_numpy(),
                             by: _group_values(articles, by).to_numpy(),
                             "n_chars": articles["n_chars"].astype("int64").to_numpy(),
                             "n_words": articles["n_words"].astype("int64").to_numpy()})
    return pd.DataFrame({
        "article_id": articles["article_id"].to_numpy(),
        by: _group_values(articles, by).to_numpy(),
        "n_chars": articles["text"].fillna("").astype(str).str.len().to_numpy(),
        "n_words": count_words(articles["text"]).to_numpy(),
    })


def articles_by(articles: pd.DataFrame, *, by: str = "outlet", duplicates: bool = True,
                keep_duplicates: bool = False) -> pd.DataFrame:
    """DataFrame[<by>, articles, words, share] sorted by article count (descending).

    Exact duplicates are left out unless ``keep_duplicates=True`` (see :func:`exclude_duplicates`);
    with ``duplicates=False`` every row flagged in ``duplicate_of`` (near duplicates too) is left out.
    Words are the articles' ``n_words`` when they carry sizes (:func:`with_sizes`), else counted in ``text``.
    """
    articles = _counted(articles, keep_duplicates=keep_duplicates)
    if not duplicates and "duplicate_of" in articles.columns:
        articles = articles[articles["duplicate_of"].isna()]
    lengths = article_lengths(articles, by=by)
    table = (lengths.groupby(by, sort=False)
             .agg(articles=("article_id", "size"), words=("n_words", "sum"))
             .reset_index()
             .sort_values(["articles", by], ascending=[False, True], kind="stable")
             .reset_index(drop=True))
    total = table["articles"].sum()
    table["share"] = table["articles"] / total if total else 0.0
    return table


#: Every spelling of a time bin the notebooks accept, mapped to (pandas period alias, unit name).
_TIME_BINS = {
    "D": ("D", "day"), "day": ("D", "day"), "daily": ("D", "day"),
    "W": ("W", "week"), "week": ("W", "week"), "weekly": ("W", "week"),
    "M": ("M", "month"), "MS": ("M", "month"), "ME": ("M", "month"), "month": ("M", "month"),
    "monthly": ("M", "month"),
    "Q": ("Q", "quarter"), "QS": ("Q", "quarter"), "QE": ("Q", "quarter"), "quarter": ("Q", "quarter"),
    "quarterly": ("Q", "quarter"),
    "Y": ("Y", "year"), "YS": ("Y", "year"), "YE": ("Y", "year"), "A": ("Y", "year"), "AS": ("Y", "year"),
    "year": ("Y", "year"), "yearly": ("Y", "year"),
}


def time_bins(freq: str) -> tuple[str, str]:
    """Normalise a notebook's ``FREQ`` to ``(period alias, unit name)``.

    One convention for every notebook: pandas offset aliases ("MS", "ME"), period aliases
    ("M", "W", "D") and plain names ("month", "week") all work. Periods, not offsets, bin
    dates: ``Series.dt.to_period("MS")`` is an error in pandas, which is why a ``FREQ``
    that worked in one notebook could fail in another.

    >>> time_bins("MS"), time_bins("month"), time_bins("W")
    (('M', 'month'), ('M', 'month'), ('W', 'week'))
    """
    key = str(freq).strip()
    found = _TIME_BINS.get(key) or _TIME_BINS.get(key.upper()) or _TIME_BINS.get(key.lower())
    if found is None:
        raise ValueError(f"unknown time bin {freq!r}: use one of "
                         "'D'/'day', 'W'/'week', 'MS'/'M'/'month', 'QS'/'quarter', 'YS'/'year'")
    return found


def with_groups(frame: pd.DataFrame, articles: pd.DataFrame | None, *, by=None, freq: str | None = None,
                date: str = "published", caller: str = "this function",
                keep: Sequence[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """A copy of a per-article table with its grouping columns: ``by`` (one name or several) joined
    from ``articles`` on ``article_id`` where ``frame`` lacks them, plus a ``period`` column binned
    by :func:`time_bins` when ``freq`` is given. Returns ``(frame, keys)``, keys being the grouping
    columns in order (``period`` last). Shared by the per-actor and per-narrative aggregates.
    ``keep``: only these columns of ``frame`` (those it has), with the grouping and date columns, are
    taken (a large table is then never copied whole).

    >>> rows = pd.DataFrame({"article_id": [1, 2]})
    >>> arts = pd.DataFrame({"article_id": [1, 2], "outlet": ["X", "Y"],
    ...                      "published": pd.to_datetime(["2024-08-06", "2024-09-01"], utc=True)})
    >>> frame, keys = with_groups(rows, arts, by="outlet", freq="MS")
    >>> keys, frame["period"].dt.strftime("%Y-%m").tolist()
    (['outlet', 'period'], ['2024-08', '2024-09'])
    """
    groups = [by] if isinstance(by, str) else list(by or [])
    if keep is None:
        frame = frame.copy()
    else:  # a column selection is a new frame (copy-on-write): no column is copied until written
        frame = frame[[c for c in dict.fromkeys([*keep, *groups, *([date] if freq else [])]) if c in frame.columns]]
    need = [c for c in groups + ([date] if freq else []) if c not in frame.columns]
    if need:
        if articles is None:
            raise KeyError(f"{caller} needs column(s) {need}: pass articles")
        frame = frame.merge(articles[["article_id", *need]], on="article_id", how="left")
    if freq:
        when = pd.to_datetime(frame[date], utc=True, errors="coerce").dt.tz_localize(None)
        frame["period"] = when.dt.to_period(time_bins(freq)[0]).dt.start_time
        groups.append("period")
    return frame, groups


def _exact_duplicates(articles: pd.DataFrame):
    """Boolean array: rows flagged as exact copies of an earlier article."""
    if "duplicate_kind" in articles.columns:
        return (articles["duplicate_kind"].astype(object) == "exact").to_numpy(bool)
    if "duplicate_of" in articles.columns:
        return articles["duplicate_of"].notna().to_numpy(bool)
    return pd.Series(False, index=articles.index).to_numpy(bool)


def _counted(articles: pd.DataFrame, *, keep_duplicates: bool) -> pd.DataFrame:
    return articles if keep_duplicates else articles.loc[~_exact_duplicates(articles)]


def exclude_duplicates(articles: pd.DataFrame, *, keep_duplicates: bool = False) -> pd.DataFrame:
    """The articles to analyse: exact duplicates (``duplicate_kind == "exact"``) left out.

    A folder with overlapping files loads the same document twice; counting it twice inflates
    every rate and tone. The result's ``attrs`` say how many were left out
    (``duplicates_excluded``) and carry the hash of the whole loaded corpus (``corpus_hash``,
    see :func:`analysis.report.corpus_hash`) for the charts' source lines
    (:func:`analysis.report.source_line`). ``keep_duplicates=True`` keeps every row.
    Near duplicates (syndicated re-posts, an editorial choice) are kept either way.

    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": ["x", "x", "y"],
    ...                      "duplicate_of": [None, "a", None], "duplicate_kind": [None, "exact", None]})
    >>> kept = exclude_duplicates(arts)
    >>> kept["article_id"].tolist(), kept.attrs["duplicates_excluded"]
    (['a', 'c'], 1)
    >>> len(exclude_duplicates(arts, keep_duplicates=True))
    3
    """
    from analysis.report import corpus_hash

    digest = articles.attrs.get("corpus_hash") or corpus_hash(articles)
    exact = _exact_duplicates(articles)
    # a new frame either way (its attrs are its own); copy-on-write shares the columns, so the
    # texts of a large corpus are not copied (keep_duplicates=True) or copied once (a row selection)
    kept = articles.copy(deep=False) if keep_duplicates or not exact.any() else articles.loc[~exact]
    kept.attrs = {**articles.attrs, "corpus_hash": digest,
                  "duplicates_excluded": 0 if keep_duplicates else int(exact.sum())}
    return kept


def sample_groups(frame: pd.DataFrame, by: str, *, n: int, seed: int = 0) -> pd.DataFrame:
    """At most ``n`` rows per value of ``by``: a fixed-seed sample (the same rows on every run),
    in the frame's original row order, with a fresh index. Groups of ``n`` rows or fewer are kept whole.

    >>> docs = pd.DataFrame({"side": ["a", "a", "a", "b"], "text": ["w", "x", "y", "z"]})
    >>> picked = sample_groups(docs, "side", n=2)
    >>> picked["side"].value_counts().to_dict(), picked.equals(sample_groups(docs, "side", n=2))
    ({'a': 2, 'b': 1}, True)
    """
    shuffled = frame.sample(frac=1.0, random_state=seed)
    return shuffled.groupby(by, sort=False).head(n).sort_index().reset_index(drop=True)


def articles_over_time(articles: pd.DataFrame, *, by: str | None = "outlet", freq: str = "MS",
                       date: str = "published", keep_duplicates: bool = False) -> pd.DataFrame:
    """DataFrame[period, <by>, articles]: counts per period (``freq`` as :func:`time_bins`
    accepts, e.g. "MS" or "month", "W" week). Undated articles are left out; ``attrs["undated"]`` counts them.
    Exact duplicates are left out unless ``keep_duplicates=True``."""
    alias, _ = time_bins(freq)
    articles = _counted(articles, keep_duplicates=keep_duplicates)
    dated = articles[articles[date].notna()]
    period = dated[date].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period(alias).dt.start_time
    keys = [period.rename("period")]
    if by:
        keys.append(_group_values(dated, by))
    counts = dated.groupby(keys).size().rename("articles")
    if len(counts):
        # Periods without articles are zeros, not gaps a line would bridge.
        periods = pd.period_range(period.min(), period.max(), freq=alias).start_time
        full = (pd.MultiIndex.from_product([periods, counts.index.levels[1]], names=counts.index.names)
                if by else pd.Index(periods, name="period"))
        counts = counts.reindex(full, fill_value=0)
    table = counts.reset_index()
    table.attrs["undated"] = int(len(articles) - len(dated))
    return table


def duplicate_summary(articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """DataFrame[<by>, articles, exact_duplicates, near_duplicates, duplicate_share]."""
    kind = articles.get("duplicate_kind")
    if kind is None:
        kind = articles["duplicate_of"].notna().map({True: "exact", False: None})
    frame = pd.DataFrame({by: _group_values(articles, by), "kind": kind.astype(object)})
    table = frame.groupby(by).agg(
        articles=("kind", "size"),
        exact_duplicates=("kind", lambda k: int((k == "exact").sum())),
        near_duplicates=("kind", lambda k: int((k == "near").sum())),
    ).reset_index()
    table["duplicate_share"] = (table["exact_duplicates"] + table["near_duplicates"]) / table["articles"]
    return table.sort_values("articles", ascending=False, kind="stable").reset_index(drop=True)


def term_counts(tokens: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet", min_length: int = 3,
                stop_words: frozenset[str] | None = None) -> pd.DataFrame:
    """Word counts per group, additive over chunks of the token table.

    Returns DataFrame[<by>, term, count, content]: every non-punctuation token
    (lower-cased) with ``content`` marking the words :func:`top_terms` ranks
    (alphabetic, at least ``min_length`` letters, not a stopword or negation),
    plus one row per group with term :data:`ALL_WORDS` whose count is the
    group's word total (:func:`analysis.text.word_count` of the texts of the
    articles in ``tokens``): the denominator of ``per_10k``, the same one every
    other rate uses. Counts from parts of a corpus can be summed
    (``groupby([by, "term", "content"]).sum()``), so a large corpus never needs
    its whole token table in memory.
    """
    groups = pd.Series(_group_values(articles, by).to_numpy(), index=articles["article_id"].to_numpy())
    words = tokens.loc[~tokens["is_punct"].to_numpy(bool), ["article_id", "lower", "is_alpha", "is_stop"]]
    content = words["is_alpha"].to_numpy(bool) & (words["lower"].str.len() >= min_length).to_numpy(bool)
    if stop_words is None:
        # Negations are not stopwords (they matter for sentiment) but are not "content" either.
        content &= ~words["is_stop"].to_numpy(bool) & ~words["lower"].isin(NEGATIONS).to_numpy(bool)
    else:
        content &= ~words["lower"].isin(stop_words).to_numpy(bool)
    frame = pd.DataFrame({by: words["article_id"].map(groups).to_numpy(), "term": words["lower"].to_numpy(),
                          "content": content})
    counts = frame.groupby([by, "term", "content"], sort=True).size().rename("count").reset_index()
    return pd.concat([counts, _word_totals(tokens, articles, groups, by)], ignore_index=True)


#: The ``term`` of :func:`term_counts`' per-group word-total rows (no token contains a space).
ALL_WORDS = "<all words>"


def _word_totals(tokens: pd.DataFrame, articles: pd.DataFrame, groups: pd.Series, by: str) -> pd.DataFrame:
    """One ``ALL_WORDS`` row per group: words of the articles present in ``tokens``."""
    present = articles[articles["article_id"].isin(pd.unique(tokens["article_id"]))]
    if "n_words" in present.columns:
        n = present["n_words"].astype("int64")
    elif "text" not in present.columns:
        raise KeyError("term_counts() needs the articles' text (or n_words) for the per-10k denominator")
    else:
        n = count_words(present["text"])
    totals = pd.DataFrame({by: present["article_id"].map(groups).to_numpy(), "n": n.to_numpy()})
    totals = totals.groupby(by, sort=True)["n"].sum()
    return pd.DataFrame({by: totals.index, "term": ALL_WORDS, "content": False, "count": totals.to_numpy()})


def top_terms_from_counts(counts: pd.DataFrame, *, by: str = "outlet", n: int = 15) -> pd.DataFrame:
    """Rank :func:`term_counts` output (possibly summed over parts); see :func:`top_terms`."""
    counts = counts.groupby([by, "term", "content"], sort=True)["count"].sum().reset_index()
    is_total = counts["term"].eq(ALL_WORDS)
    totals = counts[is_total].groupby(by)["count"].sum()
    counts = counts[~is_total]
    ranked = counts[counts["content"]].sort_values([by, "count", "term"], ascending=[True, False, True], kind="stable")
    ranked = ranked.groupby(by, sort=False).head(n).copy()
    ranked["per_10k"] = ranked["count"] / ranked[by].map(totals) * 10_000
    ranked["rank"] = ranked.groupby(by).cumcount() + 1
    return ranked[[by, "term", "count", "per_10k", "rank"]].reset_index(drop=True)


def top_terms(tokens: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet", n: int = 15,
              min_length: int = 3, stop_words: frozenset[str] | None = None) -> pd.DataFrame:
    """Most frequent content words per group.

    Returns DataFrame[<by>, term, count, per_10k, rank] where ``per_10k`` is
    occurrences per 10,000 words (:func:`analysis.text.word_count`) of that group (so groups of different
    size compare), ranked within the group.
    """
    counts = term_counts(tokens, articles, by=by, min_length=min_length, stop_words=stop_words)
    return top_terms_from_counts(counts, by=by, n=n)


# ----------------------------------------------------------------------------- languages
#: Names of the language codes the toolkit analyses (ISO 639-1), for titles and headings.
LANG_NAMES = {"en": "English", "ru": "Russian", "uk": "Ukrainian"}
#: The ``LANG`` value that keeps every language.
ALL_LANGS = "all"


def lang_name(code: str) -> str:
    """``"ru"`` -> ``"Russian"``; unknown codes come back as given.

    >>> lang_name("uk"), lang_name("be")
    ('Ukrainian', 'be')
    """
    return LANG_NAMES.get(str(code), str(code))


def _lang_values(articles: pd.DataFrame) -> pd.Series:
    """Each article's language code (``lang``; English where the column or the value is missing)."""
    if "lang" not in articles.columns:
        return pd.Series("en", index=articles.index, dtype=object)
    return articles["lang"].astype(object).where(articles["lang"].notna(), "en").astype(str)


def filter_lang(articles: pd.DataFrame, lang: str = ALL_LANGS) -> pd.DataFrame:
    """The articles of one language (``lang`` "en", "ru", "uk", ...), or all of them (``"all"``).

    The notebooks' ``LANG`` parameter. Articles without a ``lang`` column (or value) count as
    English. ``attrs`` are kept (the corpus hash stays the hash of the loaded corpus) and
    ``attrs["lang"]`` records the filter, so :func:`analysis.report.source_line` names it.
    A language with no article raises ``ValueError`` naming the languages there are.

    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "lang": ["en", "ru", "uk"]})
    >>> filter_lang(arts, "ru")["article_id"].tolist(), len(filter_lang(arts))
    (['b'], 3)
    >>> filter_lang(arts, "ru").attrs["lang"]
    'ru'
    """
    lang = str(lang or ALL_LANGS).strip().lower()
    if lang == ALL_LANGS:
        return articles
    if not lang.isalpha() or len(lang) not in (2, 3):
        raise ValueError(f"LANG must be 'all' or a language code such as 'en', 'ru', 'uk'; got {lang!r}")
    values = _lang_values(articles)
    kept = articles.loc[(values == lang).to_numpy(bool)]  # a new frame: copy-on-write, no deep copy
    if kept.empty and len(articles):
        found = ", ".join(f"{code} ({n:,})" for code, n in values.value_counts().items())
        raise ValueError(f"LANG={lang!r}: no article in that language; the corpus has {found}")
    kept.attrs = {**articles.attrs, "lang": lang}
    return kept


def languages_present(articles: pd.DataFrame, lang: str = ALL_LANGS, *, min_articles: int = 1) -> list[str]:
    """The languages that get a per-language section: ``[lang]`` when one is chosen, else every
    language with at least ``min_articles`` articles, the largest first (ties by code).

    >>> arts = pd.DataFrame({"lang": ["ru", "en", "ru", "uk"]})
    >>> languages_present(arts), languages_present(arts, "uk"), languages_present(arts, min_articles=2)
    (['ru', 'en', 'uk'], ['uk'], ['ru'])
    """
    if str(lang).lower() != ALL_LANGS:
        return [str(lang).lower()]
    counts = _lang_values(articles).value_counts()
    counts = counts[counts >= min_articles]
    return sorted(counts.index, key=lambda c: (-int(counts[c]), c))


def articles_by_lang(articles: pd.DataFrame, *, by: str | None = "outlet") -> pd.DataFrame:
    """Articles per language (and per group): the "languages" chart of notebook 01.

    Returns DataFrame[lang, language, (<by>,) articles, share] where ``share`` is the
    language's share of the group's articles (of all articles without ``by``); sorted by
    group size, then language size.

    >>> arts = pd.DataFrame({"outlet": ["X", "X", "Y"], "lang": ["en", "ru", "uk"]})
    >>> articles_by_lang(arts)[["outlet", "lang", "articles", "share"]].values.tolist()
    [['X', 'en', 1, 0.5], ['X', 'ru', 1, 0.5], ['Y', 'uk', 1, 1.0]]
    >>> articles_by_lang(arts, by=None)[["lang", "articles"]].values.tolist()
    [['en', 1], ['ru', 1], ['uk', 1]]
    """
    if by == "lang":  # grouping by language itself: the per-language totals
        by = None
    frame = pd.DataFrame({"lang": _lang_values(articles)})
    keys = ["lang"]
    if by is not None:
        frame[by] = _group_values(articles, by).to_numpy()
        keys = [by, "lang"]
    table = frame.groupby(keys, sort=True).size().rename("articles").reset_index()
    if by is None:
        table["share"] = table["articles"] / max(int(table["articles"].sum()), 1)
        table = table.sort_values(["articles", "lang"], ascending=[False, True], kind="stable")
    else:
        totals = table.groupby(by)["articles"].transform("sum")
        table["share"] = table["articles"] / totals
        table["_total"] = totals
        table = table.sort_values(["_total", by, "articles", "lang"], ascending=[False, True, False, True],
                                  kind="stable").drop(columns="_total")
    table.insert(1 if by is None else 2, "language", table["lang"].map(lang_name))
    cols = ["lang", "language", *([by] if by is not None else []), "articles", "share"]
    return table[cols].reset_index(drop=True)


def _content_stopwords(lang: str) -> frozenset[str]:
    """Words left out of per-language term counts: the language's stop list
    (:func:`analysis.text.stopwords_for`), negations, and for ru/uk the function words and
    reporting verbs (lemmas) of :data:`analysis.framing.distinctive.CYR_STOP`."""
    from analysis.text import stopwords_for

    stop = set(stopwords_for(lang)) | set(NEGATIONS)
    if lang in ("ru", "uk"):
        from analysis.framing.distinctive import CYR_STOP

        stop |= CYR_STOP[lang] | {"не", "ни", "нет", "ні", "немає"}
    return frozenset(stop)


def lang_term_counts(tokens: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet",
                     min_length: int = 3) -> pd.DataFrame:
    """Word counts per language and group, on lemmas, additive over parts of the token table.

    The per-language twin of :func:`term_counts` for a mixed-language corpus: a term is the
    token's ``lemma`` (the dictionary form for Russian/Ukrainian, the lower-cased token for
    English), content words are alphabetic, at least ``min_length`` letters and not in the
    article language's stop list (:func:`analysis.text.stopwords_for`, plus the Russian and
    Ukrainian function words and reporting verbs of :mod:`analysis.framing.distinctive`). The
    language is the article's ``lang`` (English when missing). ``tokens`` needs
    ``article_id, lemma, is_alpha, is_punct`` (``lower`` stands in for a missing ``lemma``);
    ``articles`` needs ``article_id``, ``by`` and ``n_words`` or ``text``.

    Returns DataFrame[lang, <by>, term, count, content] with one :data:`ALL_WORDS` row per
    (lang, group) holding the group's word total in that language (the ``per_10k``
    denominator). Parts can be summed; rank with :func:`top_terms_by_lang`.

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"], "lang": ["ru", "en"],
    ...                      "n_words": [3, 2]})
    >>> toks = pd.DataFrame({"article_id": ["a", "a", "a", "b", "b"],
    ...     "lemma": ["удар", "по", "удар", "shelling", "the"], "is_alpha": True, "is_punct": False})
    >>> c = lang_term_counts(toks, arts)
    >>> c[c["content"]][["lang", "outlet", "term", "count"]].values.tolist()
    [['en', 'Y', 'shelling', 1], ['ru', 'X', 'удар', 2]]
    """
    if by == "lang":
        raise ValueError("lang_term_counts() always splits by language; group by another column (e.g. 'outlet')")
    groups = pd.Series(_group_values(articles, by).to_numpy(), index=articles["article_id"].to_numpy())
    langs = pd.Series(_lang_values(articles).to_numpy(), index=articles["article_id"].to_numpy())
    term_col = "lemma" if "lemma" in tokens.columns else "lower"
    words = tokens.loc[~tokens["is_punct"].to_numpy(bool)]
    terms = words[term_col].astype(object).fillna("").astype(str).str.lower().to_numpy(object)
    frame = pd.DataFrame({"lang": words["article_id"].map(langs).fillna("en").to_numpy(object),
                          by: words["article_id"].map(groups).to_numpy(object), "term": terms,
                          "alpha": words["is_alpha"].to_numpy(bool)})
    frame["content"] = frame["alpha"] & (frame["term"].str.len() >= min_length).to_numpy(bool)
    for code in pd.unique(frame["lang"]):
        rows = (frame["lang"] == code).to_numpy(bool)
        frame.loc[rows, "content"] &= ~frame.loc[rows, "term"].isin(_content_stopwords(code))
    counts = (frame.groupby(["lang", by, "term", "content"], sort=True).size().rename("count").reset_index())
    present = articles[articles["article_id"].isin(pd.unique(tokens["article_id"]))]
    if "n_words" in present.columns:
        n = present["n_words"].astype("int64").to_numpy()
    elif "text" in present.columns:
        n = count_words(present["text"]).to_numpy()
    else:
        raise KeyError("lang_term_counts() needs the articles' n_words (or text) for the per-10k denominator")
    totals = pd.DataFrame({"lang": present["article_id"].map(langs).to_numpy(object),
                           by: present["article_id"].map(groups).to_numpy(object), "count": n})
    totals = totals.groupby(["lang", by], sort=True)["count"].sum().reset_index()
    totals = totals.assign(term=ALL_WORDS, content=False)[["lang", by, "term", "content", "count"]]
    return pd.concat([counts, totals], ignore_index=True)


def article_term_counts(tokens: pd.DataFrame, articles: pd.DataFrame, *, min_length: int = 3) -> pd.DataFrame:
    """Content-word counts per article, in one pass over (a part of) the stored token table: what
    both the top terms (:func:`group_term_counts`) and the topic models
    (:func:`analysis.topics.topic_doc_terms`) are summed from, so a report reads the tokens once.

    Content words are those of :func:`lang_term_counts`: the lower-cased ``lemma`` (``lower`` when
    absent), alphabetic, at least ``min_length`` letters, not in the article language's stop list.
    Each article present in ``tokens`` also gets one :data:`ALL_WORDS` row holding its ``n_words``
    (``articles`` needs ``article_id``, ``n_words`` and optionally ``lang``, English when missing).
    Every distinct id and term is looked up once, not once per token. Called part by part over a
    large corpus, pass ``articles`` indexed by ``article_id`` (unique), built once: only the part's
    articles are then looked up, instead of every call re-indexing the whole corpus (quadratic).

    Returns DataFrame[article_id, lang, term, count].

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "lang": ["ru", "en"], "n_words": [3, 2]})
    >>> toks = pd.DataFrame({"article_id": ["a", "a", "a", "b", "b"],
    ...     "lemma": ["Удар", "по", "удар", "shelling", "the"], "is_alpha": True, "is_punct": False})
    >>> article_term_counts(toks, arts).values.tolist()
    [['a', 'ru', 'удар', 2], ['a', 'ru', '<all words>', 3], ['b', 'en', 'shelling', 1], ['b', 'en', '<all words>', 2]]
    >>> article_term_counts(toks, arts.set_index("article_id")).equals(article_term_counts(toks, arts))
    True
    """
    columns = ["article_id", "lang", "term", "count"]
    if not len(tokens):
        return pd.DataFrame(columns=columns)
    present, langs, terms, positions, term_index, counts = _article_term_rows(tokens, articles, min_length=min_length)
    out = pd.DataFrame({"article_id": np.asarray(present, dtype=object)[positions], "lang": langs[positions],
                        "term": terms[term_index], "count": counts})
    return out[columns]


def _article_term_rows(tokens: pd.DataFrame, articles: pd.DataFrame, *, min_length: int):
    """:func:`article_term_counts` as integer codes: ``(present ids, their langs, terms, positions,
    term_index, counts)``; row ``i`` is article ``present[positions[i]]`` (language
    ``langs[positions[i]]``), term ``terms[term_index[i]]`` (:data:`ALL_WORDS` included), ``counts[i]``."""
    present_codes, present = pd.factorize(tokens["article_id"])
    by_id = articles.drop_duplicates("article_id").set_index("article_id") if "article_id" in articles.columns \
        else articles
    if "n_words" not in by_id.columns:
        raise KeyError("article_term_counts() needs the articles' n_words (overview.with_sizes) for the per-10k denominator")
    by_id = by_id.reindex(present)  # the part's articles only (missing ones: English, 0 words)
    langs = _lang_values(by_id).to_numpy(object)
    words = (tokens["is_alpha"].to_numpy(bool) & ~tokens["is_punct"].to_numpy(bool))
    term_col = "lemma" if "lemma" in tokens.columns else "lower"
    raw_codes, raw_terms = pd.factorize(tokens.loc[words, term_col])
    lowered = pd.Series(np.asarray(raw_terms, dtype=object)).astype(str).str.lower()
    term_codes, terms = pd.factorize(lowered)
    terms = np.asarray(terms, dtype=object)
    article_codes = present_codes[words]
    token_terms = np.where(raw_codes >= 0, term_codes[np.maximum(raw_codes, 0)], -1)
    lang_codes, lang_names = pd.factorize(pd.Series(langs, dtype=object))
    # content[l, t]: term t is a content word in language l (stop lists differ per language)
    long_enough = pd.Series(terms, dtype=object).str.len().to_numpy() >= min_length
    content = np.vstack([long_enough & ~pd.Series(terms, dtype=object).isin(_content_stopwords(code)).to_numpy(bool)
                         for code in lang_names]) if len(terms) else np.zeros((len(lang_names), 0), bool)
    token_langs = lang_codes[article_codes]
    kept = token_terms >= 0
    kept[kept] = content[token_langs[kept], token_terms[kept]]
    keys, counts = np.unique(article_codes[kept].astype(np.int64) * max(len(terms), 1) + token_terms[kept],
                             return_counts=True)
    rows = pd.DataFrame({"position": keys // max(len(terms), 1), "term_index": keys % max(len(terms), 1),
                         "count": counts.astype("int64"), "order": 0})
    totals = pd.DataFrame({"position": np.arange(len(present)), "term_index": 0,
                           "count": by_id["n_words"].fillna(0).astype("int64").to_numpy(), "order": 1})
    out = pd.concat([rows, totals], ignore_index=True).sort_values(["position", "order"], kind="stable")
    positions = out["position"].to_numpy()
    terms = np.append(terms, ALL_WORDS).astype(object)  # ALL_WORDS is the last term
    term_index = np.where(out["order"].to_numpy() == 1, len(terms) - 1, out["term_index"].to_numpy())
    return present, langs, terms, positions, term_index, out["count"].to_numpy("int64")


def stored_article_term_counts(run, articles: pd.DataFrame, *, min_length: int = 3) -> pd.DataFrame:
    """:func:`article_term_counts` over every part of a stored token table (``run``: an
    :class:`analysis.pipeline.Analysis`), kept compact: the same rows in the same order, with
    ``article_id``, ``lang`` and ``term`` as categoricals (integer codes) instead of one string per row.

    On a large corpus the per-article counts are the largest table notebook 01 holds (3.9M rows for
    20,000 articles): as strings 225 MB, and several times that once the top terms turn them into
    Python objects; as codes about 17 bytes a row. Each part's distinct ids and terms are encoded
    once (a dictionary across parts), so no string is built per row.
    :func:`group_term_counts` and :func:`analysis.topics.topic_doc_terms` take either form.

    Returns DataFrame[article_id (category), lang (category), term (category), count].

    >>> import tempfile
    >>> from analysis import pipeline
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Shelling near Kyiv.", "Kyiv shelling, shelling."]})
    >>> run = pipeline.analyse(arts, stages=["tokens"], cache_dir=tempfile.mkdtemp(), progress=False)
    >>> sized = arts.assign(lang="en", n_words=[3, 3])
    >>> compact = stored_article_term_counts(run, sized)
    >>> compact.dtypes.astype(str).tolist()
    ['category', 'category', 'category', 'int64']
    >>> compact.values.tolist() == article_term_counts(run.table("tokens"), sized).values.tolist()
    True
    """
    by_id = articles.drop_duplicates("article_id").set_index("article_id") if "article_id" in articles.columns \
        else articles
    vocabularies = {"article_id": {}, "lang": {}, "term": {}}

    def encode(column: str, values) -> np.ndarray:
        seen = vocabularies[column]
        return np.fromiter((seen.setdefault(v, len(seen)) for v in values), dtype=np.int32, count=len(values))

    def part(tokens: pd.DataFrame) -> pd.DataFrame:
        if not len(tokens):
            return pd.DataFrame({c: np.zeros(0, np.int32) for c in vocabularies} | {"count": np.zeros(0, np.int64)})
        present, langs, terms, positions, term_index, counts = _article_term_rows(tokens, by_id, min_length=min_length)
        return pd.DataFrame({"article_id": encode("article_id", list(present))[positions],
                             "lang": encode("lang", langs)[positions], "term": encode("term", terms)[term_index],
                             "count": counts})

    from analysis.pipeline import release_arrow_memory

    codes = run.aggregate("tokens", part, columns=["article_id", "lemma", "is_alpha", "is_punct"])
    release_arrow_memory()  # the parts' read buffers
    return pd.DataFrame({column: pd.Categorical.from_codes(codes[column].to_numpy(),
                                                           categories=pd.Index(list(seen), dtype=object))
                         for column, seen in vocabularies.items()} | {"count": codes["count"].to_numpy("int64")})


def group_term_counts(article_counts: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """:func:`article_term_counts` (concatenated over parts) summed per language and group: the
    content-word rows and :data:`ALL_WORDS` totals of :func:`lang_term_counts`, ready for
    :func:`top_terms_by_lang` (which ranks them identically).

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "X"], "lang": "en", "n_words": [3, 2]})
    >>> per_article = pd.DataFrame({"article_id": ["a", "a", "b", "b"], "lang": "en",
    ...     "term": ["kyiv", ALL_WORDS, "kyiv", ALL_WORDS], "count": [2, 3, 1, 2]})
    >>> group_term_counts(per_article, arts).values.tolist()
    [['en', 'X', '<all words>', False, 5], ['en', 'X', 'kyiv', True, 3]]
    """
    if by == "lang":
        raise ValueError("group_term_counts() always splits by language; group by another column (e.g. 'outlet')")
    if all(isinstance(article_counts[c].dtype, pd.CategoricalDtype) for c in ("article_id", "lang", "term")):
        article_counts = _summed_by_codes(article_counts, articles, by=by)
    codes, ids = pd.factorize(article_counts["article_id"])
    groups = pd.Series(_group_values(articles, by).to_numpy(object), index=articles["article_id"].to_numpy())
    groups = groups[~groups.index.duplicated()].reindex(ids).to_numpy(object)
    frame = pd.DataFrame({"lang": article_counts["lang"].to_numpy(object), by: groups[codes],
                          "term": article_counts["term"].to_numpy(object), "count": article_counts["count"].to_numpy()})
    out = frame.groupby(["lang", by, "term"], sort=True)["count"].sum().reset_index()
    out["content"] = out["term"].ne(ALL_WORDS)
    return out[["lang", by, "term", "content", "count"]].astype({"count": "int64"})


def _summed_by_codes(article_counts: pd.DataFrame, articles: pd.DataFrame, *, by: str) -> pd.DataFrame:
    """Compact per-article counts (:func:`stored_article_term_counts`) summed per language, group
    and term on their integer codes: one row per sum, standing for the first article of its group,
    so :func:`group_term_counts` then turns only these few rows into strings (same sums)."""
    ids = article_counts["article_id"].cat
    groups = pd.Series(_group_values(articles, by).to_numpy(object), index=articles["article_id"].to_numpy())
    groups = groups[~groups.index.duplicated()].reindex(ids.categories)
    group_codes, _ = pd.factorize(groups)  # an article missing from ``articles``: -1, left out as before
    valid = group_codes >= 0
    first_of_group = pd.Series(np.flatnonzero(valid)).groupby(group_codes[valid]).first()  # index 0, 1, ...
    row_groups = group_codes[ids.codes]
    kept = row_groups >= 0
    n_groups, n_terms = max(len(first_of_group), 1), max(len(article_counts["term"].cat.categories), 1)
    # one int64 key per row (language, group, term): a single hashed column, not three
    key = (article_counts["lang"].cat.codes.to_numpy().astype(np.int64)[kept] * n_groups + row_groups[kept]) * n_terms \
        + article_counts["term"].cat.codes.to_numpy()[kept]
    sums = pd.Series(article_counts["count"].to_numpy("int64")[kept]).groupby(key, sort=False).sum()
    key = sums.index.to_numpy()
    column = {c: article_counts[c].cat.categories.to_numpy(object) for c in ("lang", "term")}
    first = first_of_group.to_numpy()[key // n_terms % n_groups]
    return pd.DataFrame({"article_id": ids.categories.to_numpy(object)[first], "lang": column["lang"][key // n_terms // n_groups],
                         "term": column["term"][key % n_terms], "count": sums.to_numpy("int64")})


def top_terms_by_lang(counts: pd.DataFrame, *, by: str = "outlet", n: int = 15) -> pd.DataFrame:
    """Rank :func:`lang_term_counts` output (possibly summed over parts) within each language
    and group.

    Returns DataFrame[lang, <by>, term, gloss, count, per_10k, rank]: ``per_10k`` per 10,000
    words of the group *in that language*; ``gloss`` is the English gloss of a Russian or
    Ukrainian lemma where the label lexicon or the gazetteer knows it
    (:func:`analysis.framing.distinctive.cyr_glosses`), else empty.
    """
    counts = counts.groupby(["lang", by, "term", "content"], sort=True)["count"].sum().reset_index()
    is_total = counts["term"].eq(ALL_WORDS)
    totals = counts[is_total].groupby(["lang", by])["count"].sum()
    ranked = counts[~is_total & counts["content"]].sort_values(
        ["lang", by, "count", "term"], ascending=[True, True, False, True], kind="stable")
    ranked = ranked.groupby(["lang", by], sort=False).head(n).copy()
    denominators = pd.Series([totals.get((lg, g), 0) for lg, g in zip(ranked["lang"], ranked[by])],
                             index=ranked.index, dtype=float)
    ranked["per_10k"] = ranked["count"] / denominators.where(denominators > 0) * 10_000
    ranked["rank"] = ranked.groupby(["lang", by]).cumcount() + 1
    ranked["gloss"] = ""
    for code in ("ru", "uk"):
        rows = (ranked["lang"] == code).to_numpy(bool)
        if rows.any():
            glosses = lemma_glosses(code)
            ranked.loc[rows, "gloss"] = [glosses.get(t, "") for t in ranked.loc[rows, "term"]]
    return ranked[["lang", by, "term", "gloss", "count", "per_10k", "rank"]].reset_index(drop=True)


def lemma_glosses(lang: str) -> dict[str, str]:
    """English glosses of Russian/Ukrainian lemmas (and two-lemma names): those of
    :func:`analysis.framing.distinctive.cyr_glosses` (label lexicon, gazetteer aliases), plus the
    gazetteer's per-language names (``ru:``/``uk:`` lists: Украина -> Ukraine, Киев -> Kyiv, ВСУ ->
    Armed Forces of Ukraine), lemmatised as the token table lemmatises (:func:`analysis.morph.lemma`).

    >>> g = lemma_glosses("ru")
    >>> g["украина"], g["киев"], g["путин"]
    ('Ukraine', 'Kyiv', 'Vladimir Putin')
    >>> lemma_glosses("uk")["україна"]
    'Ukraine'
    """
    return dict(_lemma_gloss_items(lang))


@lru_cache(maxsize=4)
def _lemma_gloss_items(lang: str) -> tuple:
    from analysis.framing._lexicon import lexicon_path, load_yaml
    from analysis.framing.distinctive import cyr_glosses
    from analysis.morph import lemma

    out = dict(cyr_glosses(lang)) if lang in ("ru", "uk") else {}
    try:
        gazetteer = load_yaml(str(lexicon_path("gazetteer.yml")))
    except OSError:  # no gazetteer (a custom lexicon folder): the label-lexicon glosses only
        gazetteer = []
    for entry in gazetteer if isinstance(gazetteer, list) else []:
        names = [str(n) for n in (entry.get(lang) or [])]
        names += [str(a) for a in (entry.get("aliases") or []) if _is_cyrillic(str(a))]
        for name in names:
            words = name.split()
            if 1 <= len(words) <= 2 and _is_cyrillic(name):
                out.setdefault(" ".join(lemma(w, lang).lower() for w in words), str(entry.get("name", "")))
    return tuple(out.items())


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)
