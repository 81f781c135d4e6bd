"""Aggregates of sentence and target scores: article tone from sentence scores, means with
percentile-bootstrap confidence intervals (Efron & Tibshirani 1993) by entity, group and period.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.sentiment.vader import POSITIVE_THRESHOLD

ARTICLE_SENTIMENT_COLUMNS = [
    "article_id", "n_sentences", "mean_compound", "median_compound", "sd_compound",
    "share_negative", "share_positive", "share_neutral",
]


def article_sentiment(sentence_scores: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                      threshold: float = POSITIVE_THRESHOLD) -> pd.DataFrame:
    """Aggregate sentence scores to one row per article.

    The mean of sentence compounds is used rather than VADER on the whole text:
    VADER's normalisation ``x / sqrt(x^2 + 15)`` saturates for long texts (a
    1,000-word report with a dozen negative words scores about -0.99).
    A sentence counts as positive when compound >= ``threshold`` and negative
    when <= ``-threshold`` (0.05, Hutto & Gilbert 2014).

    Parameters
    ----------
    sentence_scores : output of :func:`sentence_sentiment`.
    articles : optional; its columns (e.g. outlet, published) are merged in
        and articles without sentences get ``n_sentences`` 0.

    Returns
    -------
    DataFrame[article_id, n_sentences, mean_compound, median_compound,
    sd_compound, share_negative, share_positive, share_neutral, ...].

    >>> import pandas as pd
    >>> s = pd.DataFrame({"article_id": ["a", "a", "b"], "compound": [-0.5, 0.0, 0.6]})
    >>> article_sentiment(s)[["article_id", "mean_compound", "share_negative"]].to_dict("records")
    [{'article_id': 'a', 'mean_compound': -0.25, 'share_negative': 0.5}, {'article_id': 'b', 'mean_compound': 0.6, 'share_negative': 0.0}]
    """
    g = _tone_groups(sentence_scores, threshold)
    out = pd.DataFrame({
        "n_sentences": g.size(),
        "mean_compound": g["compound"].mean(),
        "median_compound": g["compound"].median(),
        "sd_compound": g["compound"].std(ddof=1),
        "share_negative": g["neg"].mean(),
        "share_positive": g["pos"].mean(),
    })
    out["share_neutral"] = 1.0 - out["share_negative"] - out["share_positive"]
    out = out.reset_index()
    if articles is not None:
        keep = [c for c in articles.columns if c not in ("text",) and c not in out.columns or c == "article_id"]
        out = articles[keep].merge(out, on="article_id", how="left")
        out["n_sentences"] = out["n_sentences"].fillna(0).astype(int)
    return out


def _tone_groups(sentence_scores: pd.DataFrame, threshold: float):
    """Sentences with a compound grouped by article (order of first appearance): columns
    compound, neg, pos (1.0 when the sentence counts as negative / positive)."""
    scores = sentence_scores.dropna(subset=["compound"])
    c = scores["compound"]
    tmp = pd.DataFrame({
        "article_id": scores["article_id"].to_numpy(),
        "compound": c.to_numpy(),
        "neg": (c <= -threshold).to_numpy(dtype=float),
        "pos": (c >= threshold).to_numpy(dtype=float),
    })
    return tmp.groupby("article_id", sort=False)


def article_tone(sentence_scores: pd.DataFrame, *, threshold: float = POSITIVE_THRESHOLD) -> pd.DataFrame:
    """The three tone columns of :func:`article_sentiment` alone (same values, one grouped mean):
    index article_id, columns mean_compound, share_negative, share_positive. What the engine's
    article summary keeps, without the median and standard deviation it does not store.

    >>> s = pd.DataFrame({"article_id": ["a", "a", "b"], "compound": [-0.5, 0.0, 0.6]})
    >>> article_tone(s).reset_index().to_dict("records")
    [{'article_id': 'a', 'mean_compound': -0.25, 'share_negative': 0.5, 'share_positive': 0.0}, {'article_id': 'b', 'mean_compound': 0.6, 'share_negative': 0.0, 'share_positive': 1.0}]
    """
    means = _tone_groups(sentence_scores, threshold)[["compound", "neg", "pos"]].mean()
    return means.set_axis(["mean_compound", "share_negative", "share_positive"], axis=1)


# --------------------------------------------------------------------------- tables
#: Resampled values :func:`bootstrap_mean_ci` draws and averages at a time (2**16: 256 kB of int32 indices,
#: 512 kB of values, which stay in the CPU cache; 2**24 made each block a trip to main memory, 6-9x slower).
BOOTSTRAP_BLOCK = 1 << 16


def bootstrap_mean_ci(values: Sequence[float] | np.ndarray, *, n_boot: int = 1000, ci: float = 0.95,
                      seed: int = 0) -> tuple[float, float, float]:
    """Mean and percentile-bootstrap confidence interval (Efron & Tibshirani 1993).

    Memory is bounded: resamples are drawn and averaged block by block, at most
    :data:`BOOTSTRAP_BLOCK` resampled values at a time (1,000 resamples of 430k mentions drawn at
    once would hold 7 GB). The blocks read one stream of the seeded generator, so the draws, and
    the result, are those of one call ``rng.integers(0, n, size=(n_boot, n))`` whatever the block
    size (numpy's bounded integers below 2**32 keep their spare 32 bits in the generator's state);
    indices are drawn as int32, the same values as int64 at half the memory traffic.

    >>> m, lo, hi = bootstrap_mean_ci([0.1, 0.2, 0.3, 0.4], n_boot=200)
    >>> round(m, 2), lo <= m <= hi
    (0.25, True)
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if x.size == 1 or n_boot <= 0:
        return m, math.nan, math.nan
    rng = np.random.default_rng(seed)
    rows = max(1, BOOTSTRAP_BLOCK // x.size)  # resamples per draw
    index = np.int32 if x.size <= np.iinfo(np.int32).max else np.int64
    means = np.concatenate([x[rng.integers(0, x.size, size=(min(rows, n_boot - done), x.size), dtype=index)].mean(axis=1)
                            for done in range(0, n_boot, rows)])
    alpha = (1 - ci) / 2
    return m, float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


def sentiment_by_entity(target_scores: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                        by: str | Sequence[str] | None = "outlet", freq: str | None = "MS",
                        entity: str = "name", value: str = "score", date: str = "published",
                        n_boot: int = 1000, seed: int = 0, min_n: int = 30, ci: float = 0.95) -> pd.DataFrame:
    """Mean sentiment toward each entity by group (and period) with bootstrap CIs.

    Parameters
    ----------
    target_scores : output of :func:`mention_sentiment` (needs ``article_id``,
        ``entity`` and ``value`` columns).
    articles : supplies ``by`` and ``date`` columns by ``article_id`` when they
        are not already in ``target_scores``.
    by : grouping column(s) such as ``"outlet"``; ``None`` for none.
    freq : pandas period alias for ``date`` (``"MS"`` = calendar month) or
        ``None`` for no time split.
    min_n : rows with fewer mentions get ``reliable = False``.

    Returns
    -------
    DataFrame[entity, *by, period, n, n_articles, mean, ci_low, ci_high,
    share_negative, share_positive, reliable].

    >>> import pandas as pd
    >>> t = pd.DataFrame({"article_id": [1, 1, 2], "name": ["Kyiv"] * 3, "score": [0.2, -0.4, 0.1],
    ...                   "polarity": [1, -1, 1]})
    >>> a = pd.DataFrame({"article_id": [1, 2], "outlet": ["X", "X"]})
    >>> sentiment_by_entity(t, a, freq=None, n_boot=100, min_n=2)[["name", "outlet", "n", "reliable"]].to_dict("records")
    [{'name': 'Kyiv', 'outlet': 'X', 'n': 3, 'reliable': True}]
    """
    from analysis.overview import with_groups

    frame, groups = with_groups(target_scores, articles, by=by, freq=freq, date=date, caller="sentiment_by_entity()")
    keys = [entity, *groups]
    cols = [*keys, "n", "n_articles", "mean", "ci_low", "ci_high", "share_negative", "share_positive", "reliable"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    pol = frame["polarity"] if "polarity" in frame.columns else np.sign(frame[value])
    frame["_neg"] = (pol < 0).astype(float)
    frame["_pos"] = (pol > 0).astype(float)
    rows = []
    for k, (key, g) in enumerate(frame.groupby(keys, sort=True, dropna=False)):
        key = key if isinstance(key, tuple) else (key,)
        m, lo, hi = bootstrap_mean_ci(g[value].to_numpy(), n_boot=n_boot, ci=ci, seed=seed + k)
        rows.append((*key, len(g), g["article_id"].nunique(), m, lo, hi, g["_neg"].mean(), g["_pos"].mean(),
                     len(g) >= min_n))
    return pd.DataFrame(rows, columns=cols)


#: Entity types charted as actors (people, places/states, organisations, nationalities).
ACTOR_TYPES = ("PERSON", "GPE", "ORG", "NORP")
#: Columns of :func:`actor_mention_scores`.
ACTOR_SCORE_COLUMNS = ["article_id", "sentence_id", "name", "type", "polarity", "score"]


def actor_mention_scores(scores: pd.DataFrame, mentions: pd.DataFrame, *, types: Sequence[str] = ACTOR_TYPES,
                         names: Sequence[str] | None = None) -> pd.DataFrame:
    """The target scores of actor mentions: ``scores`` (the stored ``mention_sentiment`` rows, or
    :func:`mention_sentiment`'s output) joined to their ``mentions`` rows on article_id,
    sentence_id, start, end and entity_id (an inner join, in ``scores``' order) when they lack a
    name, kept when the mention's ``type`` is in ``types`` (and its ``name`` in ``names``, if given).

    Only the columns a tone chart reads are kept, as stored (no object columns): applied part by
    part (:meth:`analysis.pipeline.Analysis.aggregate_tables`) the result of a 100k-article
    corpus stays small where the whole joined table would not.

    Returns
    -------
    DataFrame[article_id, sentence_id, name, type, polarity, score].

    >>> import pandas as pd
    >>> keys = {"article_id": ["a", "a"], "sentence_id": [0, 0], "start": [0, 9], "end": [4, 15],
    ...         "entity_id": ["Q1", "Q2"]}
    >>> s = pd.DataFrame({**keys, "polarity": [0, -1], "score": [0.0, -0.4]})
    >>> m = pd.DataFrame({**keys, "name": ["Kyiv", "Sunday"], "type": ["GPE", "DATE"]})
    >>> actor_mention_scores(s, m)[["name", "score"]].to_dict("records")
    [{'name': 'Kyiv', 'score': 0.0}]
    """
    if "name" not in scores.columns:
        keys = ["article_id", "sentence_id", "start", "end", "entity_id"]
        scores = scores[[*keys, "polarity", "score"]].merge(mentions[[*keys, "name", "type"]], on=keys)
    keep = scores["type"].isin(list(types))
    if names is not None:
        keep &= scores["name"].isin(list(names))
    return scores.loc[keep.to_numpy(bool), ACTOR_SCORE_COLUMNS].reset_index(drop=True)


def name_counts(frame: pd.DataFrame, *, column: str = "name", count: str | None = None,
                sort: bool = True) -> pd.DataFrame:
    """Rows per value of ``column`` (or the sum of its ``count`` column), most frequent first with
    ties in order of first appearance: ``frame[column].value_counts()``'s counts and order.
    ``sort=False`` keeps the order of first appearance, so counts made part by part
    (:meth:`analysis.pipeline.Analysis.aggregate_tables`) and summed with ``count="count"`` give
    those of the whole table without holding its rows together.

    Returns
    -------
    DataFrame[column, count].

    >>> import pandas as pd
    >>> parts = [name_counts(pd.DataFrame({"name": n}), sort=False) for n in (["Kyiv", "Putin"], ["Putin"])]
    >>> name_counts(pd.concat(parts), count="count").values.tolist()
    [['Putin', 2], ['Kyiv', 1]]
    """
    if count is None:
        counts = frame[column].value_counts(sort=False)
    else:
        counts = frame.groupby(column, sort=False, observed=True)[count].sum()
    if sort:
        counts = counts.sort_values(ascending=False, kind="stable")
    return counts.rename_axis(column).rename("count").reset_index()
