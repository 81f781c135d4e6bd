"""GDELT-style document tone (Leetaru & Schrodt 2013; GDELT GKG codebook "TONE"): positive minus
negative lexicon words per 100 words.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.sentiment.vader import _lexicon
from analysis.wordsplit import TokenTable

_WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")  # lexicon look-up words (letters only)


def gdelt_tone(articles: pd.DataFrame, *, lexicon: str = "war-news", text_col: str = "text",
               n_words=None, split=None) -> pd.DataFrame:
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
    them already (the engine counts a chunk's words once for every rate). ``split``, optional: the
    :func:`analysis.wordsplit.split_texts` of the texts, when the caller has it already; lexicon
    words are looked up once per distinct whitespace token, then counted per text.

    Returns DataFrame[article_id, tone, positive, negative, polarity, word_count].

    >>> import pandas as pd
    >>> gdelt_tone(pd.DataFrame({"article_id": [1], "text": ["Troops killed two civilians; peace talks failed."]})).round(2).to_dict("records")
    [{'article_id': 1, 'tone': -14.29, 'positive': 14.29, 'negative': 28.57, 'polarity': 42.86, 'word_count': 7}]
    """
    from analysis.text import word_counts
    from analysis.wordsplit import split_texts

    texts = articles[text_col].tolist()
    split = split_texts(texts) if split is None else split
    if split.n_texts != len(texts):
        raise ValueError(f"split has {split.n_texts} texts for {len(texts)} articles")
    counts = (word_counts(texts) if n_words is None else np.asarray(n_words, dtype=np.int64)).tolist()
    if len(counts) != len(texts):
        raise ValueError(f"n_words has {len(counts)} values for {len(texts)} articles")
    per_token = _polar_table(lexicon).gather(split.tokens)
    positives, negatives = (split.per_text(per_token[c]).tolist() for c in ("positive", "negative"))
    langs = articles["lang"].tolist() if "lang" in articles.columns else [None] * len(texts)
    rows = []
    for text, code, n, pos, neg in zip(texts, langs, counts, positives, negatives):
        if not isinstance(text, str):
            rows.append((math.nan, math.nan, math.nan, math.nan, 0))
            continue
        if code in ("ru", "uk"):  # Russian/Ukrainian articles: the lemma lexicon of analysis.sentiment.cyrillic
            from analysis.sentiment.cyrillic import word_valences

            vals = word_valences(text, code)
            n = len(vals)
            pos, neg = sum(v > 0 for v in vals), sum(v < 0 for v in vals)
        if n == 0:
            rows.append((0.0, 0.0, 0.0, 0.0, 0))
            continue
        p, q = 100.0 * pos / n, 100.0 * neg / n
        rows.append((p - q, p, q, p + q, n))
    out = pd.DataFrame(rows, columns=["tone", "positive", "negative", "polarity", "word_count"])
    out.insert(0, "article_id", articles["article_id"].to_numpy() if "article_id" in articles else np.arange(len(out)))
    out["word_count"] = out["word_count"].astype(int)
    return out


def _polar_counts(tokens: list[str], lexicon: str) -> tuple[list[int], list[int]]:
    """Per whitespace token, its words (letters, joined by apostrophes or hyphens; lower case,
    typographic apostrophe made ASCII) of positive and of negative valence in ``lexicon``.

    >>> _polar_counts(["killed", "Peace-talks", "peace,", "war\u2019s", "1,000"], "vader")
    ([0, 0, 1, 0, 0], [1, 0, 0, 0, 0])
    """
    positive, negative = _polar_words(lexicon)
    pos, neg = [], []
    for token in tokens:
        if token.isalpha():  # one word (every letter is a word character)
            low = token.lower()
            pos.append(1 if low in positive else 0)
            neg.append(1 if low in negative else 0)
        else:
            words = [w.lower().replace("\u2019", "'") for w in _WORD_RE.findall(token)]
            pos.append(sum(map(positive.__contains__, words)))
            neg.append(sum(map(negative.__contains__, words)))
    return pos, neg


@lru_cache(maxsize=4)
def _polar_table(lexicon: str) -> TokenTable:
    """:func:`_polar_counts` of the whitespace tokens met so far, each counted once per process."""
    def counts(tokens: list[str]) -> dict[str, np.ndarray]:
        return dict(zip(("positive", "negative"), (np.asarray(c, dtype=np.int64) for c in _polar_counts(tokens, lexicon))))

    return TokenTable(counts)


@lru_cache(maxsize=4)
def _polar_words(lexicon: str) -> tuple[frozenset[str], frozenset[str]]:
    """The lexicon's words of positive and of negative valence."""
    lex = _lexicon(lexicon)[0]
    return frozenset(w for w, v in lex.items() if v > 0), frozenset(w for w, v in lex.items() if v < 0)


def whole_text_scores(texts, *, lexicon: str = "war-news", split=None) -> np.ndarray:
    """VADER's (neg, neu, pos, compound) of each whole text at once (Hutto & Gilbert 2014), as an
    (n, 4) float array (NaNs for a missing text): the numbers of
    :meth:`analysis.sentiment.FastVader.score` on the whole text, computed for all texts together
    in arrays (:func:`analysis.sentiment.vader_batch.score_whole_texts`), without the steps that
    grow with the square of a long article's length. ``split``: the texts'
    :func:`analysis.wordsplit.split_texts`, when the caller has it already.

    >>> whole_text_scores(["Peace talks failed. Civilians were killed.", None]).round(4).tolist()[0]
    [0.545, 0.21, 0.245, -0.6486]
    """
    from analysis.sentiment.vader import scorer
    from analysis.sentiment.vader_batch import score_whole_texts

    return score_whole_texts(scorer(lexicon), texts if isinstance(texts, list) else list(texts), split=split)
