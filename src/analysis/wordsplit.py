"""The whitespace tokens (``str.split``) of many texts at once, each distinct token once.

The word-level measures of a chunk start from the texts' whitespace tokens: the Treebank tokens
of sentences (:func:`analysis.text.tokens`), sentence VADER (:func:`analysis.sentiment.sentence_sentiment`),
and the document stage's word counts, GDELT tone (:func:`analysis.sentiment.gdelt_tone`) and
whole-text VADER (:func:`analysis.sentiment.tone.whole_text_scores`); nothing any of them looks
for crosses white space. Splitting a chunk's texts once and working on its distinct tokens (a
200-article chunk of ~140 k tokens holds ~30 k distinct ones) lets each measure do its per-word
work once per distinct token, then spread it to the tokens or add it up per text.

>>> split = split_texts(["Kyiv said no. Kyiv said", None, "no"])
>>> split.tokens, split.codes.tolist(), split.row.tolist(), split.start.tolist()
(['Kyiv', 'said', 'no.', 'no'], [0, 1, 2, 0, 1, 3], [0, 0, 0, 0, 0, 2], [0, 5, 10, 14, 19, 0])
>>> split.per_text([1, 1, 1, 1]).tolist()  # whitespace tokens per text
[5, 0, 1]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import repeat

import numpy as np
import pandas as pd

__all__ = ["SplitTexts", "TokenTable", "split_texts", "split_starts"]


@dataclass(frozen=True)
class SplitTexts:
    """``texts[row[i]].split()`` holds ``tokens[codes[i]]``, in order, starting at character
    ``start[i]`` of its text; a missing text has none.

    ``tokens``: the distinct tokens, in order of first occurrence; ``is_text``: which texts are
    strings.
    """

    tokens: list[str]
    codes: np.ndarray
    row: np.ndarray
    is_text: np.ndarray
    start: np.ndarray

    @property
    def n_texts(self) -> int:
        return len(self.is_text)

    def per_text(self, values) -> np.ndarray:
        """Per text, the sum of ``values`` (one integer per distinct token) over its tokens."""
        values = np.asarray(values, dtype=np.int64)
        if not len(self.codes):
            return np.zeros(self.n_texts, dtype=np.int64)
        return np.bincount(self.row, weights=values[self.codes], minlength=self.n_texts).astype(np.int64)

    def only(self, keep) -> SplitTexts:
        """The same split with the texts where ``keep`` (one bool per text) is false taken as
        missing: their tokens are dropped (``tokens`` stays the same list).

        >>> split_texts(["a b", "c", "a"]).only([True, False, True]).row.tolist()
        [0, 0, 2]
        """
        keep = np.asarray(keep, dtype=bool)
        if keep.all():
            return self
        at = keep[self.row]
        return replace(self, codes=self.codes[at], row=self.row[at], start=self.start[at],
                       is_text=self.is_text & keep)

    def take(self, rows) -> SplitTexts:
        """The split of the texts at positions ``rows`` (increasing), in that order (``tokens``
        stays the same list).

        >>> sub = split_texts(["a b", "c", "a"]).take([0, 2])
        >>> sub.codes.tolist(), sub.row.tolist(), sub.n_texts
        ([0, 1, 0], [0, 0, 1], 2)
        """
        rows = np.asarray(rows, dtype=np.int64)
        new_row = np.full(self.n_texts, -1, dtype=np.int64)
        new_row[rows] = np.arange(len(rows))
        row = new_row[self.row]
        at = row >= 0
        return replace(self, codes=self.codes[at], row=row[at], start=self.start[at], is_text=self.is_text[rows])


def split_texts(texts: Iterable) -> SplitTexts:
    """:class:`SplitTexts` of ``texts`` (anything but a string counts as a missing text).

    The texts are joined by newlines and split once: ``str.split`` cuts at the newlines as at any
    white space, and :func:`split_starts` tells where each token starts.
    """
    texts = texts if isinstance(texts, list) else list(texts)
    is_text = np.fromiter(map(isinstance, texts, repeat(str)), dtype=bool, count=len(texts))
    strings = texts if is_text.all() else [t if ok else "" for t, ok in zip(texts, is_text.tolist())]
    joined = "\n".join(strings)
    words = joined.split()
    if not words:
        empty = np.zeros(0, dtype=np.int64)
        return SplitTexts(tokens=[], codes=empty, row=empty, is_text=is_text, start=empty)
    codes, distinct = _factorize(words)
    text_start = np.zeros(len(strings), dtype=np.int64)
    if len(strings) > 1:
        np.cumsum(np.fromiter(map(len, strings[:-1]), dtype=np.int64, count=len(strings) - 1) + 1,
                  out=text_start[1:])
    word_start = split_starts(code_points(joined))
    row = np.searchsorted(text_start, word_start, side="right") - 1
    return SplitTexts(tokens=distinct, codes=codes, row=row, is_text=is_text, start=word_start - text_start[row])


def _factorize(words: list[str]) -> tuple[np.ndarray, list[str]]:
    """``pandas.factorize(words)`` as (int64 codes, list of the distinct words in order of first
    occurrence), by Arrow's dictionary encoding: it reads the list itself, where pandas needs an
    object array of it first (~20% less time on a chunk's 160 k words)."""
    import pyarrow as pa

    try:
        encoded = pa.array(words, type=pa.large_string()).dictionary_encode()
    except (pa.ArrowException, UnicodeError):  # lone surrogates have no UTF-8
        flat = np.empty(len(words), dtype=object)
        flat[:] = words
        codes, distinct = pd.factorize(flat)
        return np.asarray(codes, dtype=np.int64), distinct.tolist()
    return encoded.indices.to_numpy().astype(np.int64), encoded.dictionary.to_pylist()


class TokenTable:
    """Values of strings (tokens), each computed once per process and then looked up:
    ``compute(strings)`` (a list of new, distinct strings) returns ``{name: array}``, one value per
    string; :meth:`gather` gives those of any list of strings.

    The word-level measures work per distinct token of a chunk (~30 k for 200 articles), and a
    chunk's distinct tokens are mostly those of the chunks before it (and the document stage
    meets the sentences' tokens again): with a table, a measure computes the few new ones and
    gathers the others with numpy. At most ``limit`` strings are kept; then the table starts again.

    >>> table = TokenTable(lambda strings: {"length": np.array([len(s) for s in strings])})
    >>> table.gather(["Kyiv", "said", "Kyiv"])["length"].tolist(), table.rows(["said", "no"]).tolist()
    ([4, 4, 4], [1, 2])
    """

    def __init__(self, compute: Callable[[list[str]], dict[str, np.ndarray]], *, limit: int = 500_000) -> None:
        self.compute = compute
        self.limit = limit
        self.clear()

    def clear(self) -> None:
        """Forget every string."""
        self.index: dict[str, int] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._last: tuple[list[str], np.ndarray] | None = None  # the last rows() call's strings and rows

    def rows(self, strings: list[str]) -> np.ndarray:
        """The row of each of ``strings`` in the table (computed first if new; repeats allowed).

        When ``strings`` starts with the strings of the call before (equal strings, in order), their
        rows are taken from that call and only the rest is looked up: a chunk's whole texts repeat
        its sentences' distinct tokens, with a few more after them (sentence and whole-text VADER),
        and a look-up of a string not seen as that object costs more than comparing it.
        """
        last = self._last
        if last is not None and type(strings) is list and len(strings) >= len(last[0]) \
                and strings[:len(last[0])] == last[0]:
            head = last[1]  # what looking those up again would give: the table only grew since
        else:
            head = np.empty(0, dtype=np.int64)
        rest = strings[len(head):]
        found = np.concatenate([head, np.fromiter(map(self.index.get, rest, repeat(-1)), dtype=np.int64,
                                                  count=len(rest))])
        found = self._add_new(strings, found)
        self._last = (list(strings), found.copy())  # a copy: the caller may write to its rows
        return found

    def _add_new(self, strings: list[str], found: np.ndarray) -> np.ndarray:
        """``found`` (the rows of ``strings``, -1 for a new one) with the new strings computed and added."""
        new = np.flatnonzero(found < 0)
        if not len(new):
            return found
        fresh = list(dict.fromkeys(strings[i] for i in new.tolist()))
        if self.index and len(self.index) + len(fresh) > self.limit:
            self.clear()
            return self._add_new(strings, np.full(len(strings), -1, dtype=np.int64))
        self._append(self.compute(fresh))
        self.index.update(zip(fresh, range(len(self.index), len(self.index) + len(fresh))))
        found[new] = np.fromiter(map(self.index.__getitem__, [strings[i] for i in new.tolist()]), dtype=np.int64,
                                 count=len(new))
        return found

    def gather(self, strings: list[str]) -> dict[str, np.ndarray]:
        """``{name: the values of strings}``."""
        rows = self.rows(strings)
        if not self._columns:  # nothing computed yet: the columns' names and types, empty
            self._append(self.compute([]))
        return {name: column[rows] for name, column in self._columns.items()}

    def _append(self, values: dict[str, np.ndarray]) -> None:
        n = len(self.index)
        for name, value in values.items():
            column = self._columns.get(name)
            if column is None or len(column) < n + len(value):  # grown by doubling: O(1) per string
                grown = np.empty(max(2 * (n + len(value)), 1024), dtype=value.dtype)
                if column is not None:
                    grown[:n] = column[:n]
                column = self._columns[name] = grown
            column[n:n + len(value)] = value


@lru_cache(maxsize=1)
def _space_table() -> np.ndarray:
    """Boolean table over UTF-16 code units: ``str.isspace`` (= ``re``'s ``\\s``).

    Every whitespace code point is below U+3001 (U+3000 IDEOGRAPHIC SPACE is last).
    """
    table = np.zeros(0x10000, dtype=bool)
    table[[c for c in range(0x3001) if chr(c).isspace()]] = True
    return table


def code_points(text: str) -> np.ndarray:
    """The characters of ``text`` as integers, one per character (UTF-16 if it can).

    >>> code_points("Kyiv \\U0001F600").tolist()
    [75, 121, 105, 118, 32, 128512]
    """
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) == 2 * len(text):  # no character beyond the BMP
        return np.frombuffer(units, dtype=np.uint16)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def split_starts(codes: np.ndarray) -> np.ndarray:
    """Where each piece of ``str.split()`` starts, given the text's :func:`code_points`: a piece
    starts where white space (``str.isspace``, what ``str.split`` cuts at) gives way.

    >>> text = " Kyiv  said\\tno "
    >>> split_starts(code_points(text)).tolist(), [text.index(w) for w in text.split()]
    ([1, 7, 12], [1, 7, 12])
    """
    if codes.dtype == np.uint16:  # UTF-16 code units index the table as they are
        space = _space_table()[codes]
    else:
        space = _space_table()[np.minimum(codes, 0xFFFF)] & (codes <= 0xFFFF)
    starts = np.flatnonzero(space[:-1] & ~space[1:]) + 1
    if len(space) and not space[0]:
        starts = np.r_[0, starts]
    return starts
