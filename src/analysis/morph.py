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

from functools import lru_cache

__all__ = ["MORPH_LANGS", "analyzer", "lemma", "lemmas", "case"]

MORPH_LANGS = ("ru", "uk")


@lru_cache(maxsize=None)
def analyzer(lang: str):
    """The process-wide ``pymorphy3.MorphAnalyzer`` for ``lang`` ("ru" or "uk")."""
    if lang not in MORPH_LANGS:
        raise ValueError(f"no morphology for language {lang!r}; expected one of {MORPH_LANGS}")
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=500_000)
def _best_parse(word: str, lang: str):
    return analyzer(lang).parse(word)[0]


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
    return _best_parse(word, lang).tag.case
