"""Second view of the target classifier: character n-grams of the target's clause.

The main classifier (:func:`analysis.sentiment.target.train_target_model`)
sees words, rule cues and word vectors. This view sees only the clause the
target stands in (the tokens that share its clause number, the target itself
replaced by ``<t>``), as TF-IDF weighted character n-grams of 2 to 5 letters
inside word boundaries (scikit-learn's ``char_wb``), so inflections and
spellings it never saw in training ("slamming", "lambasts") still share
n-grams with those it did. A logistic regression over them alone scores
0.57 macro-F1 on NewsMTSC train (5-fold CV grouped by article); averaged with
the main model's probabilities (weight :data:`VIEW_WEIGHT`) it adds about
half a point (issue 11, round 10; figures in ``data/lexicons/README-sentiment.md``).

Stored as plain JSON-able data (``{"ngrams", "weight", "intercept",
"grams": {gram: [idf, w_class0, w_class1, ...]}}``) and scored in pure Python
(:func:`view_probs`), which reproduces scikit-learn's ``predict_proba``.

>>> lows = "critics slammed the corrupt senator , but he won".split()
>>> clause = [0, 0, 0, 0, 0, 1, 1, 1, 1]
>>> clause_window(lows, clause, 4, 5)
'critics slammed the corrupt <t>'
>>> char_grams("he <t>")[:6]
[' h', 'he', 'e ', ' he', 'he ', ' he ']
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np

#: n-gram lengths, weight of the view in the probability average and inverse regularisation of its
#: logistic regression (chosen on NewsMTSC train 5-fold CV grouped by article, fold seeds 0-2, and dev_mt)
VIEW_NGRAMS = (2, 5)
VIEW_WEIGHT = 0.3
VIEW_C = 1.0
VIEW_MIN_DF = 2

_WHITE = re.compile(r"\s\s+")


def clause_window(lows: Sequence[str], clause: Sequence[int], ts: int, te: int) -> str:
    """The lower-cased tokens of the target's clause with the target (tokens ``ts:te``) as ``<t>``."""
    n = len(lows)
    if not n:
        return "<t>"
    c = clause[min(ts, n - 1)]
    left = [lows[i] for i in range(0, min(ts, n)) if clause[i] == c]
    right = [lows[i] for i in range(te, n) if clause[i] == c]
    return " ".join([*left, "<t>", *right])


def char_grams(text: str, lo: int = VIEW_NGRAMS[0], hi: int = VIEW_NGRAMS[1]) -> list[str]:
    """Character n-grams of each word padded with one space, as scikit-learn's ``analyzer="char_wb"``
    (a word shorter than an n-gram length counts once, whole)."""
    grams: list[str] = []
    for w in _WHITE.sub(" ", text.lower()).split():
        w = " " + w + " "
        size = len(w)
        for n in range(lo, hi + 1):
            if size <= n:
                grams.append(w)
                break
            grams += [w[i:i + n] for i in range(size - n + 1)]
    return grams


def train_view(texts: Sequence[str], y: Sequence[int], *, C: float = VIEW_C, seed: int = 0) -> dict:
    """Fit the view's logistic regression (sublinear TF-IDF, n-grams in at least
    :data:`VIEW_MIN_DF` texts) on clause windows and return it as JSON-able data."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=char_grams, sublinear_tf=True, min_df=VIEW_MIN_DF)
    X = vec.fit_transform(list(texts))
    clf = LogisticRegression(C=C, max_iter=3000, random_state=seed).fit(X, list(y))
    coef = clf.coef_.T
    grams = {str(g): [float(vec.idf_[j]), *(float(x) for x in coef[j])] for g, j in vec.vocabulary_.items()}
    return {"ngrams": list(VIEW_NGRAMS), "weight": VIEW_WEIGHT, "C": C,
            "classes": [int(c) for c in clf.classes_], "intercept": [float(x) for x in clf.intercept_],
            "grams": grams}


class CompiledView(NamedTuple):
    """A view's weights as arrays (:func:`compile_view`): n-gram -> row, idf per row, weights (rows x classes)."""

    index: dict
    idf: np.ndarray
    weights: np.ndarray
    intercept: np.ndarray
    ngrams: tuple
    #: word -> rows of its n-grams (a word's char_wb n-grams do not depend on its neighbours); bounded
    words: dict


def compile_view(view: dict) -> CompiledView:
    """The arrays :func:`view_probs` scores with (built once per model)."""
    grams = view["grams"]
    rows = np.array(list(grams.values()), dtype=float).reshape(len(grams), len(view["intercept"]) + 1)
    return CompiledView({g: i for i, g in enumerate(grams)}, rows[:, 0].copy(), np.ascontiguousarray(rows[:, 1:]),
                        np.array(view["intercept"], dtype=float), tuple(view["ngrams"]), {})


_MAX_WORDS = 200_000


def view_probs(view: dict | CompiledView, text: str) -> list[float]:
    """Class probabilities of the view for one clause window (in the order of ``view["classes"]``)."""
    cv = view if isinstance(view, CompiledView) else compile_view(view)
    index, words = cv.index, cv.words
    word_rows = []
    for w in text.lower().split():
        rows = words.get(w)
        if rows is None:
            if len(words) >= _MAX_WORDS:
                words.clear()
            rows = words[w] = tuple(j for j in map(index.get, char_grams(w, *cv.ngrams)) if j is not None)
        word_rows.append(rows)
    counts = Counter(chain.from_iterable(word_rows))  # rows in order of first occurrence, as the sums need
    z = cv.intercept
    if counts:
        rows = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        v = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * cv.idf[rows]
        z = z + (v / math.sqrt(float(v @ v))) @ cv.weights[rows]
    e = np.exp(z - z.max())
    return (e / e.sum()).tolist()
