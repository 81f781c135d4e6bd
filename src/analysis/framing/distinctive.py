"""Distinctive terms between two groups: log-odds with an informative Dirichlet prior.

Monroe, Colaresi & Quinn (2008), "Fightin' words: lexical feature selection
and evaluation for identifying the content of political conflict", Political
Analysis 16(4), section 3.5. For word *w* and groups *a*, *b*:

    delta_w = log((y_wa + a_w) / (n_a + a_0 - y_wa - a_w))
            - log((y_wb + a_w) / (n_b + a_0 - y_wb - a_w))
    var(delta_w) ~= 1 / (y_wa + a_w) + 1 / (y_wb + a_w)
    z_w = delta_w / sqrt(var)

where the prior ``a_w = a_0 * p_w`` shrinks rare words toward the background
frequency ``p_w`` (by default the pooled corpus of both groups). Positive z
favours group *a*.

Example
-------
>>> r = distinctive_terms(["kiev regime nazis", "kiev regime", "kyiv invasion", "kyiv invasion occupiers"],
...                       ["ru", "ru", "ua", "ua"], ngram=(1, 1), min_count=1)
>>> r.iloc[0]["term"], r.iloc[0]["favours"]
('kiev', 'ru')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["term_counts", "distinctive_terms", "plot_fightin_words"]

_WORD = re.compile(r"[^\W\d_](?:[\w'\u2019\-]*[^\W_])?", re.UNICODE)


def _terms(text: str, ngram: tuple[int, int], stop: frozenset[str]) -> list[str]:
    toks = [re.sub(r"['\u2019]s$", "", t.lower()) for t in _WORD.findall(text or "")]
    out = []
    lo, hi = ngram
    for n in range(lo, hi + 1):
        for i in range(len(toks) - n + 1):
            gram = toks[i:i + n]
            if any(g in stop or len(g) < 2 for g in gram):
                continue
            out.append(" ".join(gram))
    return out


def term_counts(texts: Sequence[str], *, ngram=(1, 2), stop_words=None) -> Counter:
    """Counts of unigrams/bigrams (lower-cased; n-grams containing a stopword dropped)."""
    from analysis.text import stopwords

    stop = stopwords() if stop_words is None else frozenset(w.lower() for w in stop_words)
    c: Counter = Counter()
    for text in texts:
        c.update(_terms(text if isinstance(text, str) else "", tuple(ngram), stop))
    return c


def _texts_and_groups(data, groups):
    if isinstance(data, pd.DataFrame):
        if isinstance(groups, str):
            groups = data[groups]
        if "lower" in data.columns and "token" in data.columns:  # a tokens table: rebuild per article
            key = "article_id"
            texts = data.groupby(key, sort=False)["lower"].agg(" ".join)
            g = pd.Series(list(groups), index=data.index).groupby(data[key], sort=False).first()
            return texts.tolist(), g.loc[texts.index].tolist()
        col = "text" if "text" in data.columns else "title"
        return data[col].fillna("").tolist(), list(groups)
    return list(data), list(groups)


def distinctive_terms(data, groups, *, ngram=(1, 2), prior: str | float | dict | pd.Series = "pooled",
                      alpha0: float | None = None, min_count: int = 3, stop_words=None,
                      order: Sequence | None = None) -> pd.DataFrame:
    """Terms that distinguish two groups of texts (Monroe et al. 2008).

    Parameters
    ----------
    data : list of texts, articles DataFrame (``text`` or ``title``) or a
        :func:`analysis.text.tokens` table.
    groups : same length as the texts (or a column name) with exactly two
        distinct values; the first in sorted order (or ``order[0]``) is group a.
    ngram : n-gram range (default unigrams and bigrams).
    prior : "pooled" (background = both groups), "uniform" (a flat
        prior of ``alpha0`` spread evenly), a number (the same pseudo-count
        for every term), or a mapping/Series of background counts.
    alpha0 : total prior mass; default = the pooled token count / 10 for the
        pooled prior (moderate shrinkage), 1,000 otherwise.
    min_count : drop terms seen fewer times in both groups together.

    Returns
    -------
    DataFrame[term, n_a, n_b, count, freq, delta, var, z, favours] sorted by
    z (group a's most distinctive first); ``freq`` = count / total terms.
    """
    texts, g = _texts_and_groups(data, groups)
    labels = list(order) if order is not None else sorted(set(g), key=str)
    if len(labels) != 2:
        raise ValueError(f"distinctive_terms() needs exactly two groups, got {labels}")
    a, b = labels
    ca = term_counts([t for t, x in zip(texts, g) if x == a], ngram=ngram, stop_words=stop_words)
    cb = term_counts([t for t, x in zip(texts, g) if x == b], ngram=ngram, stop_words=stop_words)
    vocab = sorted(set(ca) | set(cb))
    cols = ["term", "n_a", "n_b", "count", "freq", "delta", "var", "z", "favours"]
    if not vocab:
        return pd.DataFrame(columns=cols)
    ya = np.array([ca.get(w, 0) for w in vocab], dtype=float)
    yb = np.array([cb.get(w, 0) for w in vocab], dtype=float)
    total = ya + yb
    if isinstance(prior, str) and prior == "pooled":
        bg = total
        a0 = alpha0 if alpha0 is not None else max(total.sum() / 10.0, 1.0)
        aw = a0 * bg / bg.sum()
    elif isinstance(prior, str) and prior == "uniform":
        a0 = alpha0 if alpha0 is not None else 1000.0
        aw = np.full(len(vocab), a0 / len(vocab))
    elif isinstance(prior, (int, float)):
        aw = np.full(len(vocab), float(prior))
        a0 = aw.sum()
    else:
        bgmap = dict(prior)
        bg = np.array([float(bgmap.get(w, 0.0)) for w in vocab]) + 0.01
        a0 = alpha0 if alpha0 is not None else 1000.0
        aw = a0 * bg / bg.sum()
    na, nb = ya.sum(), yb.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (np.log((ya + aw) / (na + a0 - ya - aw)) - np.log((yb + aw) / (nb + a0 - yb - aw)))
        var = 1.0 / (ya + aw) + 1.0 / (yb + aw)
        z = delta / np.sqrt(var)
    if na == 0 or nb == 0:  # one group has no terms: nothing to contrast
        delta = np.full(len(vocab), np.nan)
        z = np.full(len(vocab), np.nan)
    out = pd.DataFrame({"term": vocab, "n_a": ya.astype(int), "n_b": yb.astype(int), "count": total.astype(int),
                        "freq": total / max(total.sum(), 1), "delta": delta, "var": var, "z": z})
    out["favours"] = np.where(out["z"] >= 0, str(a), str(b))
    out = out[out["count"] >= min_count] if min_count else out
    out.attrs["groups"] = (a, b)
    return out.sort_values("z", ascending=False, kind="stable").reset_index(drop=True)


def plot_fightin_words(result: pd.DataFrame, *, top: int = 15, title: str | None = None, ax=None,
                       z_line: float = 1.96, labels: tuple[str, str] | None = None):
    """Fightin'-Words plot: x = log10 term frequency, y = z-score; the ``top``
    terms on each side are labelled. Returns the matplotlib Figure."""
    import matplotlib.pyplot as plt

    a, b = labels or result.attrs.get("groups", ("group a", "group b"))
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 6))
    else:
        fig = ax.figure
    if result.empty:
        ax.text(0.5, 0.5, "no terms", ha="center", va="center", transform=ax.transAxes)
        return fig
    x = np.log10(result["count"].clip(lower=1))
    sig = result["z"].abs() >= z_line
    colors = np.where(result["z"] >= 0, "#0072B2", "#D55E00")
    ax.scatter(x[~sig], result["z"][~sig], s=6, c="#BBBBBB", alpha=0.5, linewidths=0)
    ax.scatter(x[sig], result["z"][sig], s=10, c=colors[sig.to_numpy()], alpha=0.8, linewidths=0)
    for side in (result.nlargest(top, "z"), result.nsmallest(top, "z")):
        for _, row in side.iterrows():
            if abs(row["z"]) < z_line:
                continue
            ax.annotate(row["term"], (np.log10(max(row["count"], 1)), row["z"]), fontsize=8,
                        xytext=(3, 0), textcoords="offset points", va="center")
    ax.axhline(z_line, color="grey", lw=0.6, ls="--")
    ax.axhline(-z_line, color="grey", lw=0.6, ls="--")
    ax.set_xlabel("term frequency (log10 count, both groups)")
    ax.set_ylabel(f"z-score of log-odds ratio (+ = {a}, - = {b})")
    ax.set_title(title or f"Words that distinguish {a} from {b}")
    return fig
