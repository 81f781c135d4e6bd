"""The whitespace tokens (``str.split``) of many texts at once, each distinct token once.

The whole-text tone measures of the engine's ``document`` stage — GDELT tone
(:func:`analysis.sentiment.gdelt_tone`) and whole-text VADER
(:func:`analysis.sentiment.tone.whole_text_scores`) — both start from the texts' whitespace
tokens, and nothing either looks for crosses white space. Splitting a chunk of articles once and
working on its distinct tokens (a 200-article chunk of ~140 k tokens holds ~30 k distinct ones)
lets each measure do its per-word work once per distinct token, then add up per text.

>>> split = split_texts(["Kyiv said no. Kyiv said", None, "no"])
>>> split.tokens, split.codes.tolist(), split.row.tolist()
(['Kyiv', 'said', 'no.', 'no'], [0, 1, 2, 0, 1, 3], [0, 0, 0, 0, 0, 2])
>>> split.per_text([1, 1, 1, 1]).tolist()  # whitespace tokens per text
[5, 0, 1]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
import pandas as pd

__all__ = ["SplitTexts", "split_texts"]


@dataclass(frozen=True)
class SplitTexts:
    """``texts[row[i]].split()`` holds ``tokens[codes[i]]``, in order; a missing text has none.

    ``tokens``: the distinct tokens, in order of first occurrence; ``is_text``: which texts are
    strings.
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
    is_text = np.fromiter(map(isinstance, texts, repeat(str)), dtype=bool, count=len(texts))
    parts = [t.split() if ok else [] for t, ok in zip(texts, is_text.tolist())]
    n = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    flat = np.empty(int(n.sum()), dtype=object)
    flat[:] = list(chain.from_iterable(parts))
    codes, distinct = pd.factorize(flat) if len(flat) else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object))
    return SplitTexts(tokens=distinct.tolist(), codes=np.asarray(codes, dtype=np.int64),
                      row=np.repeat(np.arange(len(texts)), n), is_text=is_text)
