"""Russian and Ukrainian morphology: lemmas and grammatical case from ``pymorphy3``.

The dictionaries ship as pip packages (``pymorphy3-dicts-ru``, ``pymorphy3-dicts-uk``), so nothing is
downloaded. English words are returned lower-cased (the English path has its own tokens and needs no
lemmas here). Analyzers are built once per process and lemmas are memoised per word form, so a
corpus pays one dictionary look-up per distinct form.

>>> lemma("Зеленского", "ru")
'зеленский'
>>> case("Зеленского", "ru")
'gent'
>>> lemma("окупантів", "uk")
'окупант'
"""

from __future__ import annotations

from functools import cache, lru_cache

__all__ = ["MORPH_LANGS", "analyzer", "parses", "lemma", "lemmas", "case", "lemma_case", "lemmas_and_cases", "all_lemmas"]

MORPH_LANGS = ("ru", "uk")


@cache
def analyzer(lang: str):
    """The process-wide ``pymorphy3.MorphAnalyzer`` for ``lang`` ("ru" or "uk")."""
    if lang not in MORPH_LANGS:
        raise ValueError(f"no morphology for language {lang!r}; expected one of {MORPH_LANGS}")
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=500_000)
def parses(word: str, lang: str) -> tuple:
    """pymorphy3's parses of ``word`` (best first), memoised: the one parse cache of the Cyrillic
    layer (:mod:`analysis.framing._cyr`, :mod:`analysis.entities_cyr` and the lemma helpers here
    all read it, so a word form is parsed once per process)."""
    return tuple(analyzer(lang).parse(word))


def _best_parse(word: str, lang: str):
    return parses(word, lang)[0]


def lemma(word: str, lang: str) -> str:
    """Dictionary form of ``word`` (lower case); unknown languages give ``word.lower()``."""
    if lang not in MORPH_LANGS:
        return word.lower()
    return _best_parse(word, lang).normal_form


def lemmas(words, lang: str) -> list[str]:
    """``lemma`` of each word, in order."""
    return [lemma(w, lang) for w in words]


def case(word: str, lang: str) -> str | None:
    """Grammatical case tag of the most likely parse (``nomn``, ``gent``, ``datv``, ``accs``,
    ``ablt``, ``loct``, ...), or None for uninflected words and non-ru/uk languages."""
    if lang not in MORPH_LANGS:
        return None
    found = _best_parse(word, lang).tag.case
    return None if found is None else str(found)


# Plain dicts, not lru_cache: the token layer looks up every distinct form of a corpus once.
_LEMMA_CASE: dict[str, dict[str, tuple[str, str | None]]] = {"ru": {}, "uk": {}}
_ALL_LEMMAS: dict[str, dict[str, frozenset[str]]] = {"ru": {}, "uk": {}}
_MAX_MEMO = 1_000_000


def lemma_case(word: str, lang: str) -> tuple[str, str | None]:
    """(lemma, case) of ``word``, memoised per lower-cased form; non-letters give (lower, None)."""
    low = word.lower()
    if lang not in MORPH_LANGS:
        return low, None
    memo = _LEMMA_CASE[lang]
    key = word if word[:1].isupper() else low
    hit = memo.get(key)
    if hit is None:
        if not any(c.isalpha() for c in low):
            hit = (low, None)
        else:
            found = parses(low, lang)
            p = found[0]
            if key is word:
                # a capitalised word: prefer a proper-noun parse ("Києві" -> київ, not кий)
                for q in found:
                    if q.tag.grammemes & _PROPER:
                        p = q
                        break
                if lang == "uk" and low.endswith(("ові", "еві", "єві")):
                    # the uk dictionary has no Geox tag: "у Києві/Харкові/Львові" is a place in the
                    # locative, not the dative of a person's name (кий, Харко, Лев)
                    for q in found:
                        if {"inan", "loct"} <= q.tag.grammemes:
                            p = q
                            break
            # a plain str: pymorphy3's grammeme is a str subclass local to a function, which a
            # token table returned from a worker process cannot pickle
            found_case = p.tag.case
            hit = (p.normal_form, None if found_case is None else str(found_case))
        if len(memo) > _MAX_MEMO:
            memo.clear()
        memo[key] = hit
    return hit


_PROPER = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn", "Trad"})


def lemmas_and_cases(words, lang: str) -> tuple[list[str], list[str | None]]:
    """:func:`lemma_case` of each word, as two lists."""
    pairs = [lemma_case(w, lang) for w in words]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def all_lemmas(word: str, lang: str) -> frozenset[str]:
    """Normal forms of every parse pymorphy3 offers (``Києві`` -> {"кий", "київ"?, ...}) plus the
    lower-cased word itself: entity matching tries each, since the first parse of a rare proper noun
    is often wrong."""
    low = word.lower()
    if lang not in MORPH_LANGS:
        return frozenset({low})
    memo = _ALL_LEMMAS[lang]
    hit = memo.get(low)
    if hit is None:
        hit = frozenset({low} | {p.normal_form for p in parses(low, lang)})
        if len(memo) > _MAX_MEMO:
            memo.clear()
        memo[low] = hit
    return hit
