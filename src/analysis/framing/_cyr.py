"""Russian and Ukrainian helpers shared by the framing and tone code.

* :func:`lang_column` - the ``lang`` of every sentence row (ISO 639-1; "en" when the
  table has no ``lang`` column or the value is missing), so every function keeps its
  English path unchanged and sends ``ru``/``uk`` rows to the lemma-based path.
* :func:`words` - word tokens with character offsets (a Unicode word regex; hyphens
  and apostrophes split words, so "ВСУ-боевики" is two tokens and the lemma sequence
  "всу боевик" finds it).
* :func:`lemma_forms` - every dictionary form pymorphy3 offers for a word (all
  parses, not only the most likely one: the best parse of Ukrainian "війни" is the
  verb "війнути", another is the noun "війна"), plus the lower-cased word itself,
  with ё folded to е.
* :func:`match_lemma_seqs` - where a sequence of lemma patterns occurs in a token
  list (see the pattern syntax there).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.cyrillic import fold  # one definition for the whole Cyrillic layer

__all__ = ["CYR_LANGS", "lang_column", "words", "lemma_forms", "lookup_form", "best_lemma", "compile_seq",
           "match_lemma_seqs", "is_cyrillic_lang"]

CYR_LANGS = ("ru", "uk")

#: a word: letters (and digits inside), apostrophes inside Ukrainian words ("п'ять", "м’яч") kept
_WORD = re.compile(r"[^\W\d_](?:[^\W_]|['\u2019\u02bc](?=[^\W\d_]))*")


def is_cyrillic_lang(lang) -> bool:
    return isinstance(lang, str) and lang in CYR_LANGS


def lang_column(frame: pd.DataFrame) -> np.ndarray:
    """``frame['lang']`` as an object array with missing values as "en" (all "en"
    when there is no such column)."""
    if frame is None or "lang" not in getattr(frame, "columns", ()):
        return np.full(0 if frame is None else len(frame), "en", dtype=object)
    # the few distinct values are cleaned, not every row (a lang column holds a handful of codes)
    codes, uniques = pd.factorize(frame["lang"], use_na_sentinel=True)
    cleaned = [v if isinstance(v, str) and v else "en" for v in uniques.tolist()] + ["en"]  # code -1: missing
    return np.array(cleaned, dtype=object)[codes]




def words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of every word in ``text``."""
    if not isinstance(text, str):
        return []
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def parses(word: str, lang: str) -> tuple:
    """pymorphy3's parses of ``word``: :func:`analysis.morph.parses` (one memo for every Cyrillic rule)."""
    from analysis.morph import parses as _parses

    return _parses(word, lang)


@lru_cache(maxsize=300_000)
def lemma_forms(word: str, lang: str) -> frozenset[str]:
    """All normal forms of ``word`` (every pymorphy3 parse) and the word itself, folded."""
    low = fold(word.replace("\u2019", "'").replace("\u02bc", "'"))
    if lang not in CYR_LANGS:
        return frozenset({low})
    forms = {low}
    for p in parses(word, lang):
        forms.add(fold(p.normal_form))
    return frozenset(forms)


def lookup_form(table, word: str, lang: str, default=None):
    """``table``'s entry for ``word``: its folded surface first, then its lemmas (sorted, so the
    result does not depend on parse order); ``default`` when none is listed.

    >>> lookup_form({"заявить": "neutral"}, "заявила", "ru")
    'neutral'
    """
    low = fold(word)
    if low in table:
        return table[low]
    for form in sorted(lemma_forms(word, lang)):
        if form in table:
            return table[form]
    return default


@lru_cache(maxsize=300_000)
def best_lemma(word: str, lang: str) -> str:
    """The most likely lemma (``analysis.morph.lemma``), folded; lower-cased word for other languages."""
    if lang not in CYR_LANGS:
        return word.lower()
    found = parses(word, lang)
    return fold(found[0].normal_form) if found else fold(word)


@lru_cache(maxsize=4096)
def compile_seq(pattern: str) -> tuple:
    """A lemma-sequence pattern as a tuple of element tests.

    Syntax: words separated by spaces, each matched against one token:

    * ``операция``  - the token has this lemma (any parse) or is this word;
    * ``освобожд*`` - the token (lower-cased) or one of its lemmas starts with ``освобожд``;
    * ``a|b``       - either alternative;
    * ``СВО``       - an all-capitals element (two letters or more) matches the token's
      surface case-sensitively (acronyms: СВО, ВСУ, ЗСУ, ДНР);
    * ``=украине``  - exactly this word form (lower-cased), for case contrasts such as
      "на Украине" (locative) vs "на Украину" (direction);
    * ``==росія``   - exactly this word form *and* letter case (Ukrainian media's deliberate
      lower-case "росія", "рф");
    * ``?x``        - an optional element (``?полномасштабный вторжение``).
    """
    out = []
    for element in pattern.split():
        optional = element.startswith("?")
        element = element.lstrip("?")
        alts = []
        for alt in element.split("|"):
            if alt.startswith("=="):
                alts.append(("cs", alt[2:]))
            elif alt.startswith("="):
                alts.append(("surface", fold(alt[1:])))
            elif len(alt) >= 2 and alt.isupper():
                alts.append(("cs", alt))
            elif alt.endswith("*"):
                alts.append(("prefix", fold(alt[:-1])))
            else:
                alts.append(("lemma", fold(alt)))
        out.append((optional, tuple(alts)))
    return tuple(out)


def _element_hit(alts, surface: str, forms: frozenset[str]) -> bool:
    for kind, value in alts:
        if kind == "cs":
            if surface == value:
                return True
        elif kind == "surface":
            if fold(surface) == value:
                return True
        elif kind == "prefix":
            if any(f.startswith(value) for f in forms):
                return True
        elif value in forms:
            return True
    return False


def match_lemma_seqs(toks: list[tuple[int, int, str]], lang: str, patterns, *, max_gap: int = 1,
                     text: str | None = None) -> list[tuple[int, int]]:
    """(start, end) character spans where any of ``patterns`` matches consecutive tokens.

    Tokens must be adjacent in the text: what separates two matched tokens may only be
    spaces or hyphens (``text`` given) - "военной, операции" is not a match.
    """
    spans = []
    forms = [lemma_forms(w, lang) for _s, _e, w in toks]
    for pattern in patterns:
        seq = compile_seq(pattern)
        for i in range(len(toks)):
            span = _match_at(toks, forms, seq, i, text)
            if span is not None:
                spans.append(span)
    return spans


_GAP = re.compile(r"[\s\-\u2010-\u2015]*")


def _adjacent(text: str, end: int, start: int) -> bool:
    return _GAP.fullmatch(text[end:start]) is not None


class SeqIndex:
    """Many lemma-sequence patterns indexed by one *anchor* element each (the most specific
    element with only required elements before it: "украине" rather than "на"), so a
    sentence is matched by looking up tokens instead of trying every pattern everywhere,
    and only tokens that start like an anchor are parsed at all.

    ``items`` are (key, pattern) pairs; :meth:`find` returns (key, start, end) spans,
    the same spans :func:`match_lemma_seqs` gives for each key's patterns.
    """

    def __init__(self, items):
        # optional elements are expanded into pattern variants, so every variant has a fixed shape
        self.items = [(key, pattern, seq) for key, pattern in items for seq in _variants(compile_seq(pattern))]
        self.by_lemma: dict[str, list[tuple[int, int]]] = {}
        self.by_surface: dict[str, list[tuple[int, int]]] = {}
        self.by_cs: dict[str, list[tuple[int, int]]] = {}
        self.prefixes: list[tuple[str, tuple[int, int]]] = []
        self.always: list[tuple[int, int]] = []
        heads = set()
        for n, (_key, _pattern, seq) in enumerate(self.items):
            if not seq:
                continue
            # the first element, unless it is a short function word ("на", "в"): then the most specific
            best, score = None, -1
            for a, (_optional, alts) in enumerate(seq):
                spec = min(len(v) for _kind, v in alts)
                if a == 0 and spec >= 3:
                    best = 0
                    break
                if spec > score:
                    best, score = a, spec
            if best is None:
                self.always.append((n, 0))
                continue
            for kind, value in seq[best][1]:
                entry = (n, best)
                if kind == "lemma":
                    self.by_lemma.setdefault(value, []).append(entry)
                elif kind == "surface":
                    self.by_surface.setdefault(value, []).append(entry)
                elif kind == "cs":
                    self.by_cs.setdefault(value, []).append(entry)
                    value = fold(value)
                else:
                    self.prefixes.append((value, entry))
                heads.add(value[:3])
        # inflection keeps the first letters of a lemma in all but suppletive forms (люди/человек)
        self.heads = {h for h in heads if len(h) >= 3}
        self.short = tuple(h for h in heads if len(h) < 3)

    def _may_anchor(self, surface: str) -> bool:
        low = fold(surface)
        return low[:3] in self.heads or (bool(self.short) and low.startswith(self.short))

    def _candidates(self, surface: str, forms: frozenset[str]) -> set[tuple[int, int]]:
        out = set()
        for f in forms:
            out.update(self.by_lemma.get(f, ()))
            for prefix, entry in self.prefixes:
                if f.startswith(prefix):
                    out.add(entry)
        out.update(self.by_surface.get(fold(surface), ()))
        out.update(self.by_cs.get(surface, ()))
        return out

    def find(self, text: str, lang: str) -> list[tuple[object, int, int]]:
        from analysis.lang import normalise_for_matching

        text = normalise_for_matching(text, lang)  # homoglyphs, pre-reform spelling; offsets kept
        toks = words(text)
        forms = _LazyForms(toks, lang)
        tried: set[tuple[int, int]] = set()
        out = []
        starts = [(n, i) for n, _a in self.always for i in range(len(toks))]
        for j in range(len(toks)):
            if self._may_anchor(toks[j][2]):
                starts.extend((n, j - a) for n, a in self._candidates(toks[j][2], forms[j]) if j - a >= 0)
        for n, i in sorted(set(starts), key=lambda x: (x[1], x[0])):
            if (n, i) in tried:
                continue
            tried.add((n, i))
            key, _pattern, seq = self.items[n]
            span = _match_at(toks, forms, seq, i, text)
            if span is not None:
                out.append((key, span[0], span[1]))
        return out


def _variants(seq: tuple) -> list[tuple]:
    """Every version of a compiled pattern with its optional elements present or absent."""
    out = [()]
    for optional, alts in seq:
        out = [v + ((False, alts),) for v in out] + ([v for v in out] if optional else [])
    return [v for v in out if v]


class _LazyForms:
    """``lemma_forms`` of each token, computed on first use (pymorphy3 parsing is the cost)."""

    def __init__(self, toks, lang):
        self.toks, self.lang, self.memo = toks, lang, {}

    def __getitem__(self, j):
        if j not in self.memo:
            self.memo[j] = lemma_forms(self.toks[j][2], self.lang)
        return self.memo[j]


def _match_at(toks, forms, seq, i, text):
    """The span of ``seq`` matched from token ``i`` (tokens adjacent in ``text``; any tokens when
    ``text`` is None), or None."""
    j, k, first, last = i, 0, None, None
    while k < len(seq):
        optional, alts = seq[k]
        if j < len(toks) and _element_hit(alts, toks[j][2], forms[j]) and (
                last is None or text is None or _adjacent(text, toks[last][1], toks[j][0])):
            first = j if first is None else first
            last = j
            j += 1
            k += 1
        elif optional:
            k += 1
        else:
            return None
    if first is None or first != i:
        return None
    return toks[first][0], toks[last][1]
