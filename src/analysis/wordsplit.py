"""The whitespace tokens (``str.split``) of many texts at once, each distinct token once.

Whole-text measures of a chunk of articles — word counts (:data:`analysis.text.WORD`), GDELT
tone (:func:`analysis.sentiment.gdelt_tone`), whole-text VADER
(:func:`analysis.sentiment.tone.whole_text_scores`) — all start from the text's whitespace
tokens, and none of what they look for crosses white space. Splitting a chunk once and working
on its distinct tokens (an article chunk of 1.9 M words holds some 30 k distinct ones) lets each
measure do its per-word work once per distinct token, then add up per text with ``bincount``.

>>> split = split_texts(["Kyiv said no. Kyiv said", None, "no"])
>>> split.tokens, split.codes.tolist(), split.row.tolist()
(['Kyiv', 'said', 'no.', 'no'], [0, 1, 2, 0, 1, 3], [0, 0, 0, 0, 0, 2])
>>> split.per_text([1, 1, 1, 1]).tolist()  # whitespace tokens per text
[5, 0, 1]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd

__all__ = ["SplitTexts", "split_texts", "word_counts_of"]


@dataclass(frozen=True)
class SplitTexts:
    """``texts[row[i]].split()`` holds ``tokens[codes[i]]``, in order; a missing text has none.

    ``tokens``: the distinct tokens, in order of first occurrence; ``is_text``: which texts are
    strings; ``n_texts``: how many texts were split.
    """

    tokens: list[str]
    codes: np.ndarray
    row: np.ndarray
    is_text: np.ndarray

    @property
    def n_texts(self) -> int:
        return len(self.is_text)

    def per_text(self, values) -> np.ndarray:
        """Per text, the sum of ``values`` (one integer per distinct token) over its tokens."""
        values = np.asarray(values, dtype=np.int64)
        if not len(self.codes):
            return np.zeros(self.n_texts, dtype=np.int64)
        return np.bincount(self.row, weights=values[self.codes], minlength=self.n_texts).astype(np.int64)


def split_texts(texts: Iterable) -> SplitTexts:
    """:class:`SplitTexts` of ``texts`` (anything but a string counts as a missing text)."""
    texts = texts if isinstance(texts, list) else list(texts)
    is_text = np.fromiter((isinstance(t, str) for t in texts), dtype=bool, count=len(texts))
    parts = [t.split() if ok else [] for t, ok in zip(texts, is_text.tolist())]
    n = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    flat = np.empty(int(n.sum()), dtype=object)
    flat[:] = list(chain.from_iterable(parts))
    codes, distinct = pd.factorize(flat) if len(flat) else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object))
    return SplitTexts(tokens=distinct.tolist(), codes=np.asarray(codes, dtype=np.int64),
                      row=np.repeat(np.arange(len(texts)), n), is_text=is_text)


def word_counts_of(split: SplitTexts) -> np.ndarray:
    """:func:`analysis.text.word_counts` of the split texts: a token of letters only is one word,
    any other holds the :data:`~analysis.text.WORD` matches found in it (no word crosses white space).

    >>> word_counts_of(split_texts(["Kyiv's 1,000 drones; Київ п'ять.", None, ""])).tolist()
    [5, 0, 0]
    """
    from analysis.text import WORD

    findall = WORD.findall
    per_token = [1 if t.isalpha() else len(findall(t)) for t in split.tokens]
    return split.per_text(per_token)
