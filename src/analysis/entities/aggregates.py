"""Review and aggregates over a mentions table: discovered names, counts per 10,000 words,
co-occurrence (PMI, Church & Hanks 1990; NPMI, Bouma 2009), naming variants.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.entities.gazetteer import Gazetteer, _key, load_gazetteer

# Review and aggregates
# --------------------------------------------------------------------------------------

def discovered_entities(mentions: pd.DataFrame, *, min_count: int = 1, examples: int = 3) -> pd.DataFrame:
    """Review table of names found by discovery, most frequent first.

    Returns DataFrame[entity_id, surface, guessed_type, count, n_articles,
    examples] where ``examples`` lists up to ``examples`` "article_id:sentence_id"
    references. Promote a row into the gazetteer with
    ``load_gazetteer(extra=[{"id": ..., "name": ..., "type": ..., "aliases": [...]}])``.

    >>> import pandas as pd
    >>> from analysis.entities import mentions
    >>> m = mentions(pd.DataFrame({"article_id": ["a"], "text": ["Officials in Novomykhailivka said so."]}))
    >>> discovered_entities(m)[["surface", "guessed_type", "count"]].values.tolist()
    [['Novomykhailivka', 'GPE', 1]]
    """
    cols = ["entity_id", "surface", "guessed_type", "count", "n_articles", "examples"]
    d = mentions[mentions["method"].isin(["discovered", "short_form"]) & mentions["entity_id"].str.startswith("new:")]
    if d.empty:
        return pd.DataFrame(columns=cols)
    # Grouped in C, not a Python function per discovered name: a large corpus has thousands.
    groups = d.groupby("entity_id", sort=False)
    ref = d["article_id"].astype(str) + ":" + d["sentence_id"].astype(str)
    refs = pd.DataFrame({"entity_id": d["entity_id"].to_numpy(), "_ref": ref.to_numpy()}).drop_duplicates()
    out = pd.DataFrame({
        "surface": _most_frequent(d, "name"),
        "guessed_type": _most_frequent(d, "type"),
        "count": groups.size(),
        "n_articles": groups["article_id"].nunique(),
        "examples": refs.groupby("entity_id", sort=False).head(examples).groupby("entity_id", sort=False)["_ref"].agg(list),
    }).reindex(pd.unique(d["entity_id"])).rename_axis("entity_id").reset_index()
    out = out[out["count"] >= min_count]
    return out.sort_values(["count", "n_articles", "surface"], ascending=[False, False, True]).reset_index(drop=True)[cols]


def _most_frequent(frame: pd.DataFrame, column: str) -> pd.Series:
    """Per ``entity_id``, the most frequent non-missing value of ``column``, ties to the smallest
    (what ``Series.mode().iat[0]`` gives), without a Python call per entity."""
    counts = frame.groupby(["entity_id", column], sort=False).size().rename("_n").reset_index()
    counts = counts.sort_values(["entity_id", "_n", column], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("entity_id").set_index("entity_id")[column]


def _word_counts(articles: pd.DataFrame) -> pd.Series:
    if "n_words" in articles.columns:
        return articles["n_words"].astype("int64")
    from analysis.text import word_counts

    return pd.Series(word_counts(articles["text"].tolist()), index=articles.index, dtype="int64")


def entity_counts(mentions: pd.DataFrame, articles: pd.DataFrame, *, by: str | list[str] | None = "outlet",
                  freq: str | None = None, date: str = "published", per: int = 10_000,
                  methods: Iterable[str] | None = None, types: Iterable[str] | None = None) -> pd.DataFrame:
    """Mentions per ``per`` words of each entity in each group (and period).

    Parameters
    ----------
    by : grouping column(s) of ``articles`` (e.g. "outlet"), or None.
    freq : time bin ("MS"/"M"/"month", "W", "D", ...; see overview.time_bins) to count over time using
        ``articles[date]``; articles without a date are left out then.
    methods, types : keep only these mention methods / entity types
        (default: everything except UNKNOWN discoveries).

    Returns
    -------
    DataFrame[<by...>, (period), entity_id, name, type, mentions, articles,
    words, per_10k, first_seen, last_seen] — ``words`` is the group's total
    words (:func:`analysis.text.word_count`, or the articles' ``n_words``), ``per_10k`` = mentions / words * per; first/last seen
    are the earliest/latest article date in the group (NaT without dates).

    >>> import pandas as pd
    >>> from analysis.entities import mentions
    >>> arts = pd.DataFrame({"article_id": [1, 2], "outlet": ["A", "B"],
    ...                      "text": ["Putin spoke in Kyiv.", "Kiev and Kyiv."]})
    >>> c = entity_counts(mentions(arts), arts)
    >>> c[["outlet", "name", "mentions"]].assign(per_10k=c.per_10k.round(1)).values.tolist()
    [['A', 'Kyiv', 1, 2500.0], ['A', 'Vladimir Putin', 1, 2500.0], ['B', 'Kyiv', 2, 6666.7]]
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    m = mentions
    if methods is not None:
        m = m[m["method"].isin(list(methods))]
    m = m[m["type"].isin(list(types))] if types is not None else m[m["type"] != "UNKNOWN"]
    arts = articles[["article_id"] + keys + ([date] if date in articles.columns else [])].copy()
    arts["_words"] = _word_counts(articles).to_numpy()
    if freq:
        if date not in arts.columns:
            raise KeyError(f"entity_counts(freq=...) needs a {date!r} column in articles")
        d = pd.to_datetime(arts[date], utc=True, errors="coerce")
        arts = arts[d.notna()]
        d = d[d.notna()]
        from analysis.overview import time_bins

        arts["period"] = d.dt.tz_localize(None).dt.to_period(time_bins(freq)[0]).dt.start_time
        keys = keys + ["period"]
    words = arts.groupby(keys, dropna=False)["_words"].sum() if keys else pd.Series({(): arts["_words"].sum()})
    mm = m.merge(arts, on="article_id", how="inner")
    cols = keys + ["entity_id", "name", "type", "mentions", "articles", "words", "per_10k", "first_seen", "last_seen"]
    if mm.empty:
        return pd.DataFrame(columns=cols)
    gkeys = keys + ["entity_id"]
    agg = {"name": ("name", "first"), "type": ("type", "first"), "mentions": ("start", "size"),
           "articles": ("article_id", "nunique")}
    if date in mm.columns:
        mm["_date"] = pd.to_datetime(mm[date], utc=True, errors="coerce")
        agg["first_seen"] = ("_date", "min")
        agg["last_seen"] = ("_date", "max")
    out = mm.groupby(gkeys, dropna=False, sort=True).agg(**agg).reset_index()
    if "first_seen" not in out.columns:
        out["first_seen"] = pd.NaT
        out["last_seen"] = pd.NaT
    if keys:
        out["words"] = out.set_index(keys).index.map(words).astype("int64")
    else:
        out["words"] = int(arts["_words"].sum())
    out["per_10k"] = out["mentions"] / out["words"].where(out["words"] > 0) * per
    out = out.sort_values(keys + ["per_10k", "name"], ascending=[True] * len(keys) + [False, True]).reset_index(drop=True)
    return out[cols]


def cooccurrence(mentions: pd.DataFrame, *, min_count: int = 2, level: str = "sentence",
                 methods: Iterable[str] | None = None) -> pd.DataFrame:
    """Entity pairs named in the same sentence (or article), with PMI.

    Each unit (sentence or article) counts a pair once. With N units that
    mention at least one entity, ``pmi = log2(N * n_xy / (n_x * n_y))``
    (Church & Hanks 1990) and ``npmi = pmi / -log2(n_xy / N)`` in [-1, 1]
    (Bouma 2009). UNKNOWN discoveries are left out.

    Returns DataFrame[source, target, source_name, target_name, count, pmi,
    npmi], source < target, sorted by count.

    >>> import pandas as pd
    >>> from analysis.entities import mentions
    >>> arts = pd.DataFrame({"article_id": [1], "text": ["Putin met Lukashenko. Putin and Lukashenko spoke. Kyiv."]})
    >>> cooccurrence(mentions(arts), min_count=1)[["source_name", "target_name", "count"]].values.tolist()
    [['Alexander Lukashenko', 'Vladimir Putin', 2]]
    """
    cols = ["source", "target", "source_name", "target_name", "count", "pmi", "npmi"]
    m = mentions[mentions["type"] != "UNKNOWN"]
    if methods is not None:
        m = m[m["method"].isin(list(methods))]
    unit = ["article_id", "sentence_id"] if level == "sentence" else ["article_id"]
    pairs = m[unit + ["entity_id"]].drop_duplicates()
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    names = dict(zip(m["entity_id"], m["name"]))
    n_units = pairs[unit].drop_duplicates().shape[0]
    n_x = pairs["entity_id"].value_counts().to_dict()  # a dict: one lookup per pair, not a Series index
    rows = []
    for a, b, c in zip(*_pair_counts(pairs, unit)):
        if c < min_count:
            continue
        pmi = math.log2(n_units * c / (n_x[a] * n_x[b]))
        p = c / n_units
        npmi = pmi / -math.log2(p) if p < 1 else 1.0
        rows.append((a, b, names.get(a, a), names.get(b, b), c, pmi, npmi))
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["count", "npmi", "source", "target"], ascending=[False, False, True, True]).reset_index(drop=True)


def _pair_counts(pairs: pd.DataFrame, unit: list[str]) -> tuple[list, list, list[int]]:
    """Units (sentences or articles) shared by each pair of entities, ``a < b``: a self-join on
    integer codes instead of a Python loop over every unit (millions in a large corpus).
    Codes are factorized in sorted order, so ``code_a < code_b`` exactly when ``a < b``."""
    entity_codes, entities = pd.factorize(pairs["entity_id"], sort=True)
    unit_codes = pairs.groupby(unit, sort=False).ngroup().to_numpy()
    left = pd.DataFrame({"unit": unit_codes, "a": entity_codes})
    joined = left.merge(left.rename(columns={"a": "b"}), on="unit")
    joined = joined[joined["a"].to_numpy() < joined["b"].to_numpy()]
    counted = joined.groupby(["a", "b"], sort=True).size()
    names = np.asarray(entities, dtype=object)
    return (names[counted.index.get_level_values("a")].tolist(), names[counted.index.get_level_values("b")].tolist(),
            counted.to_numpy().tolist())


def naming_variants(mentions: pd.DataFrame, articles: pd.DataFrame | None = None, *, by: str | None = "outlet",
                    gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Share of each spelling family per entity and group (Kiev vs Kyiv ...).

    Only mentions whose surface has a declared ``variants`` family in the
    gazetteer count; possessives and case follow the surface as matched.

    Returns DataFrame[<by>, entity_id, name, variant, surfaces, mentions,
    share] — ``share`` sums to 1 within (group, entity).

    >>> import pandas as pd
    >>> from analysis.entities import mentions
    >>> arts = pd.DataFrame({"article_id": [1, 2], "outlet": ["A", "B"], "text": ["Kiev and Kiev.", "Kyiv and Kiev."]})
    >>> v = naming_variants(mentions(arts), arts)
    >>> v[v.name == "Kyiv"][["outlet", "variant", "share"]].values.tolist()
    [['A', 'russian_transliteration', 1.0], ['B', 'russian_transliteration', 0.5], ['B', 'ukrainian_national', 0.5]]
    """
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    keys = [] if by is None else [by]
    cols = keys + ["entity_id", "name", "variant", "surfaces", "mentions", "share"]
    m = mentions[mentions["method"].isin(["gazetteer", "metonym", "short_form", "description"])]
    if m.empty:
        return pd.DataFrame(columns=cols)
    vmap = gaz.variant_of
    # each distinct (entity, surface) is tokenised once, not every one of millions of mentions
    pair = m.groupby(["entity_id", "surface"], sort=False, dropna=False).ngroup().to_numpy()
    distinct = m[["entity_id", "surface"]].drop_duplicates()
    variant = np.asarray([vmap.get((e, _key(s))) for e, s in zip(distinct["entity_id"], distinct["surface"])],
                         dtype=object)[pair]
    m = m.assign(variant=variant)
    m = m[m["variant"].notna()]
    if keys:
        if articles is None or by not in articles.columns:
            raise KeyError(f"naming_variants(by={by!r}) needs articles with a {by!r} column")
        m = m.merge(articles[["article_id", by]], on="article_id", how="inner")
    if m.empty:
        return pd.DataFrame(columns=cols)
    out = m.groupby(keys + ["entity_id", "name", "variant"], sort=True).agg(
        surfaces=("surface", lambda s: ", ".join(sorted(set(s)))), mentions=("start", "size")).reset_index()
    out["share"] = out["mentions"] / out.groupby(keys + ["entity_id"])["mentions"].transform("sum")
    return out[cols]


def span_overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two half-open spans overlap."""
    return a[0] < b[1] and b[0] < a[1]

