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
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = ["term_counts", "distinctive_terms", "distinctive_terms_by_lang", "plot_fightin_words", "cyr_glosses"]

#: function words left out of Russian/Ukrainian terms (lemmas), hand-written
CYR_STOP = {
    "ru": frozenset("""и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по только её ее мне
        было вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь
        опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без
        будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти
        мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше
        тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше
        чуть том нельзя такой им более всегда конечно всю между это также который свой год весь наш сказать заявить
        оно который мочь однако ранее время""".split()),
    "uk": frozenset("""і й та в у на не що з із зі до за як а але по від для він вона вони воно це цей ця ці той та те
        був була було були бути є я ми ви ти його її їх їм йому їй нас вас них себе свій наш ваш мій який яка яке які
        коли тоді тут там де так також вже ще лише тільки навіть чи або ні якщо щоб бо про при через після перед між
        під над без один два три весь все всі кожен інший такий може можна треба має мати рік сказати заявити
        який однак проте раніше час""".split()),
}

_WORD = re.compile(r"[^\W\d_](?:[\w'\u2019\-]*[^\W_])?", re.UNICODE)


def _word_term(word: str) -> str:
    """A matched word as a term: lower-cased, a final possessive 's / \u2019s dropped (a word
    of :data:`_WORD` holds no newline, so this is ``re.sub(r"['\u2019]s$", "", word.lower())``)."""
    low = word.lower()
    return low[:-2] if low.endswith(("'s", "\u2019s")) else low


class _WordTerms(dict):
    """word -> :func:`_word_term`, each distinct word computed once (a text repeats its words)."""

    def __missing__(self, word: str) -> str:
        term = self[word] = _word_term(word)
        return term


def word_terms() -> dict[str, str]:
    """A fresh mapping from a matched word to its term (:func:`_word_term`), filled as it is read.

    >>> terms = word_terms()
    >>> [terms[w] for w in ["Kyiv's", "Kyiv", "Kyiv's"]], len(terms)
    (['kyiv', 'kyiv', 'kyiv'], 2)
    """
    return _WordTerms()


def _terms(text: str, ngram: tuple[int, int], stop: frozenset[str]) -> list[str]:
    return _ngrams([_word_term(t) for t in _WORD.findall(text or "")], ngram, stop)


def _ngrams(toks: list[str], ngram: tuple[int, int], stop) -> list[str]:
    """The ``ngram`` range of n-grams of ``toks``, leaving out those with a stopword or a 1-letter word.

    >>> _ngrams(["the", "kiev", "regime", "x"], (1, 2), frozenset({"the"}))
    ['kiev', 'regime', 'kiev regime']
    """
    # a token is tested once, not once per n-gram holding it; n-grams come n by n, left to right
    ok = [not (t in stop or len(t) < 2) for t in toks]
    out: list[str] = []
    lo, hi = ngram
    for n in range(lo, hi + 1):
        if n == 1:
            out.extend(t for t, good in zip(toks, ok) if good)
        elif n == 2:
            out.extend(f"{a} {b}" for a, b, good_a, good_b in zip(toks, toks[1:], ok, ok[1:]) if good_a and good_b)
        else:
            out.extend(" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1) if all(ok[i:i + n]))
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


def _cyr_terms(text: str, ngram: tuple[int, int], lang: str, stop) -> list[str]:
    from analysis.framing._cyr import best_lemma, words

    return _ngrams([best_lemma(w, lang) for _s, _e, w in words(text or "")], ngram, stop)


def cyr_glosses(lang: str) -> dict[str, str]:
    """English glosses of Russian/Ukrainian lemmas and lemma bigrams, from the label
    lexicon (``gloss`` of single-word and two-word lemma patterns) and the gazetteer
    (Cyrillic aliases -> the entity's English name)."""
    return dict(_gloss_items(lang))


@lru_cache(maxsize=8)
def _gloss_items(lang: str) -> tuple:
    from analysis.framing._cyr import best_lemma
    from analysis.framing._lexicon import lexicon_path, load_yaml

    out: dict[str, str] = {}
    try:
        gaz = load_yaml(str(lexicon_path("gazetteer.yml")))
    except Exception:  # the gazetteer is optional here
        gaz = []
    for entry in gaz if isinstance(gaz, list) else []:
        # the entity's Cyrillic names (its ``ru``/``uk`` list, nominative) and any Cyrillic alias
        names = [str(x) for x in (entry.get(lang) or [])] + [str(x) for x in entry.get("aliases", []) or []]
        for alias in names:
            if re.search(r"[\u0400-\u04FF]", alias) and len(alias.split()) <= 3:
                key = " ".join(alias if len(alias) >= 2 and alias.isupper() else best_lemma(w, lang)
                               for w in alias.split())
                out.setdefault(key.lower().replace("ё", "е"), entry.get("name", ""))
    data = load_yaml(str(lexicon_path("labels.yml")))
    for terms in (data.get("cyrillic_terms") or {}).values():
        for term in terms or []:
            langs = term.get("lang", ["ru", "uk"])
            if lang not in ([langs] if isinstance(langs, str) else langs):
                continue
            for pattern in term.get("lemmas", []):
                for alt in _expand(pattern):
                    if alt and len(alt.split()) <= 2:
                        out.setdefault(alt, term.get("gloss", ""))
    return tuple(out.items())


def _expand(pattern: str) -> list[str]:
    """Plain lemma sequences of a lemma pattern (alternatives expanded, optional words
    dropped, prefixes and surface forms skipped)."""
    seqs = [[]]
    for element in pattern.split():
        if element.startswith("?"):
            continue
        alts = [a for a in element.split("|") if not a.endswith("*") and not a.startswith("=")]
        if not alts:
            return []
        seqs = [s + [a.lower().replace("ё", "е")] for s in seqs for a in alts]
    return [" ".join(s) for s in seqs]



_CYR_LETTER = re.compile(r"[\u0400-\u04FF]")
_LAT_LETTER = re.compile(r"[A-Za-z]")


def _mixed(present) -> ValueError:
    return ValueError(f"distinctive_terms(): texts in several languages {sorted(present)}; log-odds compare "
                      "word frequencies, which only means something within one language - pass lang= "
                      "or use distinctive_terms_by_lang()")


def _detect_texts_lang(texts) -> str | None:
    """The one language of plain texts given without a ``lang`` column: None when they are
    Latin-script (the English path), "ru"/"uk" when Cyrillic; raises on a mix of scripts or of
    confidently detected Russian and Ukrainian. Texts of fewer than three words do not count."""
    from analysis.lang import detect

    scripts, cyr_langs = set(), set()
    for t in texts:
        if not isinstance(t, str):
            continue
        sample = t[:2000]
        c, lat = len(_CYR_LETTER.findall(sample)), len(_LAT_LETTER.findall(sample))
        if (not c and not lat) or len(sample.split()) < 3:
            continue  # too short to say which language it is in ("kyiv", a headline stub)
        if c >= lat:
            scripts.add("cyrillic")
            r = detect(sample)
            if r.lang in ("ru", "uk") and r.confidence >= 0.9:
                cyr_langs.add(r.lang)
        else:
            scripts.add("latin")
    if len(scripts) > 1:
        raise _mixed(scripts)
    if len(cyr_langs) > 1:
        raise _mixed(cyr_langs)
    if scripts == {"cyrillic"}:
        return next(iter(cyr_langs), "ru")
    return None


def _split_lang(data, groups, lang):
    """(texts, groups, lang) after checking the languages of ``data``; raises on a mix."""
    if lang is None and not (isinstance(data, pd.DataFrame) and "lang" in data.columns):
        texts, _g = _texts_and_groups(data, groups)
        lang = _detect_texts_lang(texts)
    if isinstance(data, pd.DataFrame) and "lang" in data.columns:
        from analysis.framing._cyr import lang_column

        codes = lang_column(data)
        present = sorted(set(codes))
        if lang is None:
            if len(present) > 1:
                raise _mixed(present)
            lang = present[0] if present else "en"
        mask = codes == lang
        if isinstance(groups, str):
            groups = data[groups]
        groups = pd.Series(list(groups), index=data.index)[mask]
        data = data[mask]
    return data, groups, lang or "en"


def distinctive_terms_by_lang(data: pd.DataFrame, groups, **options) -> pd.DataFrame:
    """:func:`distinctive_terms` separately for every language of ``data['lang']``, stacked
    with a ``lang`` column (one log-odds per language, never one over a mix). Languages
    where one of the groups is missing are left out."""
    from analysis.framing._cyr import lang_column

    codes = lang_column(data)
    parts = []
    for code in sorted(set(codes)):
        sub = data[codes == code]
        g = sub[groups] if isinstance(groups, str) else pd.Series(list(groups), index=data.index)[codes == code]
        if g.nunique() < 2:
            continue
        out = distinctive_terms(sub, list(g), lang=code, **options)
        parts.append(out.assign(lang=code))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def distinctive_terms(data, groups, *, ngram=(1, 2), prior: str | float | dict | pd.Series = "pooled",
                      alpha0: float | None = None, min_count: int = 3, stop_words=None,
                      order: Sequence | None = None, lang: str | None = None) -> pd.DataFrame:
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
    Russian/Ukrainian (``lang`` "ru"/"uk", or a ``lang`` column): terms are
    lemmas (pymorphy3) and n-grams of lemmas, without hand-listed function
    words, and a ``gloss`` column gives the English gloss where the label
    lexicon or the gazetteer knows it. A frame whose ``lang`` column holds
    several languages raises ``ValueError`` unless ``lang=`` picks one
    (:func:`distinctive_terms_by_lang` runs each language separately). Plain texts
    without a ``lang`` column are checked too: Cyrillic texts take the lemma path of
    their detected language (:func:`analysis.lang.detect`), and a mix of scripts, or of
    Russian and Ukrainian, raises ``ValueError``.
    """
    data, groups, lang = _split_lang(data, groups, lang)
    texts, g = _texts_and_groups(data, groups)
    labels = list(order) if order is not None else sorted(set(g), key=str)
    if len(labels) != 2:
        raise ValueError(f"distinctive_terms() needs exactly two groups, got {labels}")
    a, b = labels
    if lang in ("ru", "uk"):
        stop = CYR_STOP[lang] if stop_words is None else frozenset(w.lower() for w in stop_words)
        ca, cb = Counter(), Counter()
        for t, x in zip(texts, g):
            if x in (a, b):
                (ca if x == a else cb).update(_cyr_terms(t if isinstance(t, str) else "", tuple(ngram), lang, stop))
    else:
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
    if lang in ("ru", "uk"):  # lemmas: the English gloss beside each term, where a lexicon knows it
        glosses = cyr_glosses(lang)
        out["gloss"] = [glosses.get(t, "") for t in out["term"]]
        out.attrs["lang"] = lang
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
