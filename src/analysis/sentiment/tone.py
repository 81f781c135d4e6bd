"""GDELT-style document tone (Leetaru & Schrodt 2013; GDELT GKG codebook "TONE"): positive minus
negative lexicon words per 100 words.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from analysis.sentiment.vader import _lexicon

_WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")  # lexicon look-up words (letters only)


def gdelt_tone(articles: pd.DataFrame, *, lexicon: str = "war-news", text_col: str = "text") -> pd.DataFrame:
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

    Returns DataFrame[article_id, tone, positive, negative, polarity, word_count].

    >>> import pandas as pd
    >>> gdelt_tone(pd.DataFrame({"article_id": [1], "text": ["Troops killed two civilians; peace talks failed."]})).round(2).to_dict("records")
    [{'article_id': 1, 'tone': -14.29, 'positive': 14.29, 'negative': 28.57, 'polarity': 42.86, 'word_count': 7}]
    """
    from analysis.text import word_count

    lex = _lexicon(lexicon)[0]
    rows = []
    langs = articles["lang"].tolist() if "lang" in articles.columns else [None] * len(articles)
    for text, code in zip(articles[text_col].tolist(), langs):
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
        words = [w.lower().replace("\u2019", "'") for w in _WORD_RE.findall(text)]
        n = word_count(text)  # the project's one definition of a word; lexicon look-ups use letter words
        if n == 0:
            rows.append((0.0, 0.0, 0.0, 0.0, 0))
            continue
        pos = sum(1 for w in words if lex.get(w, 0) > 0)
        neg = sum(1 for w in words if lex.get(w, 0) < 0)
        p, q = 100.0 * pos / n, 100.0 * neg / n
        rows.append((p - q, p, q, p + q, n))
    out = pd.DataFrame(rows, columns=["tone", "positive", "negative", "polarity", "word_count"])
    out.insert(0, "article_id", articles["article_id"].to_numpy() if "article_id" in articles else np.arange(len(out)))
    out["word_count"] = out["word_count"].astype(int)
    return out

