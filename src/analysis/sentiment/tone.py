"""GDELT-style document tone (Leetaru & Schrodt 2013; GDELT GKG codebook "TONE"): positive minus
negative lexicon words per 100 words.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from itertools import filterfalse

import numpy as np
import pandas as pd

from analysis.sentiment.vader import _ascii_typography, _lexicon

_WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")  # lexicon look-up words (letters only)


def gdelt_tone(articles: pd.DataFrame, *, lexicon: str = "war-news", text_col: str = "text",
               n_words=None) -> pd.DataFrame:
    """GDELT-style document tone from lexicon word counts.

    Following the GDELT Global Knowledge Graph "TONE" field (Leetaru & Schrodt
    2013; GKG codebook V2.1, 2015): ``positive`` and ``negative`` are the
    percentages of words found in the positive / negative dictionary,
    ``tone = positive - negative`` (words per 100 words), ``polarity =
    positive + negative`` (how emotionally loaded the text is, regardless of
    direction) and ``word_count`` (:func:`analysis.text.word_count`, the
    denominator every rate in the project shares). GDELT's proprietary dictionaries are
    replaced by the VADER lexicon (valence > 0 positive, < 0 negative), without
    VADER's context rules — this is a plain word count, comparable across
    outlets and robust to length. Articles with a ``lang`` column of "ru"/"uk"
    are counted with the Russian/Ukrainian lemma lexicon
    (:func:`analysis.sentiment.cyrillic.word_valences`).

    ``n_words``, optional: the articles' :func:`analysis.text.word_counts`, when the caller has
    them already (the engine counts a chunk's words once for every rate).

    Returns DataFrame[article_id, tone, positive, negative, polarity, word_count].

    >>> import pandas as pd
    >>> gdelt_tone(pd.DataFrame({"article_id": [1], "text": ["Troops killed two civilians; peace talks failed."]})).round(2).to_dict("records")
    [{'article_id': 1, 'tone': -14.29, 'positive': 14.29, 'negative': 28.57, 'polarity': 42.86, 'word_count': 7}]
    """
    from analysis.framing._prefilter import lowerable
    from analysis.text import word_count

    lex = _lexicon(lexicon)[0]
    positive, negative = _polar_words(lexicon)
    rows = []
    langs = articles["lang"].tolist() if "lang" in articles.columns else [None] * len(articles)
    counts = [None] * len(articles) if n_words is None else np.asarray(n_words, dtype=np.int64).tolist()
    if len(counts) != len(articles):
        raise ValueError(f"n_words has {len(counts)} values for {len(articles)} articles")
    for text, code, n in zip(articles[text_col].tolist(), langs, counts):
        if not isinstance(text, str):
            rows.append((math.nan, math.nan, math.nan, math.nan, 0))
            continue
        if code in ("ru", "uk"):  # Russian/Ukrainian articles: the lemma lexicon of analysis.sentiment.cyrillic
            from analysis.sentiment.cyrillic import word_valences

            vals = word_valences(text, code)
            n = len(vals)
            if n == 0:
                rows.append((0.0, 0.0, 0.0, 0.0, 0))
                continue
            p, q = 100.0 * sum(v > 0 for v in vals) / n, 100.0 * sum(v < 0 for v in vals) / n
            rows.append((p - q, p, q, p + q, n))
            continue
        if lowerable(text):
            # one pass: lower-casing the text first finds the same words, already lower-cased,
            # and its letter-only chunks are words without the regex (analysis.text.split_letter_chunks)
            low = text.lower().replace("\u2019", "'")
            chunks = low.split()
            letters = list(filter(str.isalpha, chunks))
            rest = " ".join(filterfalse(str.isalpha, chunks)) if len(letters) < len(chunks) else ""
            words = _WORD_RE.findall(rest)
            pos = sum(map(positive.__contains__, letters)) + sum(map(positive.__contains__, words))
            neg = sum(map(negative.__contains__, letters)) + sum(map(negative.__contains__, words))
        else:
            words = [w.lower().replace("\u2019", "'") for w in _WORD_RE.findall(text)]
            pos = sum(1 for w in words if lex.get(w, 0) > 0)
            neg = sum(1 for w in words if lex.get(w, 0) < 0)
        if n is None:
            n = word_count(text)  # the project's one definition of a word; lexicon look-ups use letter words
        if n == 0:
            rows.append((0.0, 0.0, 0.0, 0.0, 0))
            continue
        p, q = 100.0 * pos / n, 100.0 * neg / n
        rows.append((p - q, p, q, p + q, n))
    out = pd.DataFrame(rows, columns=["tone", "positive", "negative", "polarity", "word_count"])
    out.insert(0, "article_id", articles["article_id"].to_numpy() if "article_id" in articles else np.arange(len(out)))
    out["word_count"] = out["word_count"].astype(int)
    return out




@lru_cache(maxsize=4)
def _polar_words(lexicon: str) -> tuple[frozenset[str], frozenset[str]]:
    """The lexicon's words of positive and of negative valence."""
    lex = _lexicon(lexicon)[0]
    return frozenset(w for w, v in lex.items() if v > 0), frozenset(w for w, v in lex.items() if v < 0)


def whole_text_scores(texts, *, lexicon: str = "war-news") -> np.ndarray:
    """VADER's (neg, neu, pos, compound) of each whole text at once (Hutto & Gilbert 2014), as an
    (n, 4) float array (NaNs for a missing text): the numbers of
    :meth:`analysis.sentiment.FastVader.score` on the whole text, computed without its steps that
    grow with the square of a long article's length (each lexicon word's first occurrence found by
    a list search; a phrase merge walking every word; a character-by-character translation table).

    >>> whole_text_scores(["Peace talks failed. Civilians were killed.", None]).round(4).tolist()[0]
    [0.545, 0.21, 0.245, -0.6486]
    """
    from analysis.sentiment._shared import gc_paused
    from analysis.sentiment.vader import scorer

    vader = scorer(lexicon)
    rows = []
    memo: dict[str, tuple] = {}
    with gc_paused():
        for text in texts:
            if not isinstance(text, str):
                rows.append((math.nan,) * 4)
                continue
            row = memo.get(text)
            if row is None:
                row = memo[text] = _whole_text_score(vader, text)
            rows.append(row)
    return np.array(rows, dtype=float).reshape(len(rows), 4)


def _whole_text_score(vader, text: str) -> tuple[float, float, float, float]:
    """:meth:`FastVader.score` of one text (same steps, same order, same arithmetic)."""
    raw = _ascii_typography(text) if vader.normalize_typography and not text.isascii() else text
    return vader._score_tokens(raw.split(), text, long_text=True)
