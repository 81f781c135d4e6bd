"""Sentence tone for Russian and Ukrainian: a VADER-style lexicon scorer on lemmas.

No pretrained Russian/Ukrainian sentiment model works offline here (``dostoevsky``
downloads its model at run time), so tone comes from a hand-written lexicon,
``data/lexicons/sentiment_ru_uk.csv`` (lemma -> valence on VADER's -4..+4 scale),
scored with the rules of VADER (Hutto & Gilbert 2014) that carry over to
inflected languages:

* **lemmas**: every word is looked up by its pymorphy3 lemmas (all parses, best first)
  and its surface form, so "погибли", "погибших", "гибели" all find their entry;
* **negation**: a negator among the three words before a sentiment word flips and
  damps it (``x -0.74``, VADER's N_SCALAR): ru "не", "ни", "нет", "без", "никогда";
  uk "не", "ні", "немає", "нема", "без", "ніколи". Existential negation after the
  word ("жертв нет", "руйнувань немає") flips it too. "не только" / "не лише" /
  "не тільки" is not a negation;
* **intensifiers**: "очень", "крайне", "резко", "дуже", "вкрай", "значно", ... add
  VADER's B_INCR (0.293, damped by distance) in the word's direction; "немного",
  "слегка", "трохи", "дещо" subtract it;
* **civilians**: "мирные жители" / "мирне населення" are civilians: the adjective scores 0;
* **names and fixed pairs**: a capitalised word after the first (Радио «Свобода») and
  "Совет безопасности" / "Рада безпеки" score 0;
* **contrast**: after "но"/"однако"/"але"/"проте"/"однак" the words weigh 1.5x and
  the words before 0.5x (VADER's "but" rule);
* ``compound = s / sqrt(s^2 + 15)`` in [-1, 1] and neg/neu/pos proportions as in VADER.

``negation=False, boosters=False`` gives the plain lexicon sum, the baseline reported
by ``python -m analysis.evaluate tone-ru``.

>>> import pandas as pd
>>> s = pd.DataFrame({"article_id": ["a"] * 3, "sentence_id": [0, 1, 2], "lang": ["ru", "ru", "uk"],
...                   "text": ["Погибли мирные жители.", "Никто не погиб.", "Це дуже велика перемога."]})
>>> cyr_sentence_tone(s)["compound"].round(3).tolist()
[-0.612, 0.497, 0.61]
"""

from __future__ import annotations

import csv
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.framing._cyr import CYR_LANGS, best_lemma, fold, lang_column, lemma_forms, lookup_form, words
from analysis.sentiment.target import BOOST_DAMPING, N_SCALAR  # VADER's, as the English target rules use them

__all__ = ["tone_lexicon", "score_text", "rule_valences", "cyr_sentence_tone", "word_valences", "LEXICON_FILE"]

LEXICON_FILE = "sentiment_ru_uk.csv"
B_INCR = 0.293
ALPHA = 15.0

NEGATORS = {
    "ru": frozenset({"не", "ни", "нет", "без", "никогда", "нисколько", "отнюдь", "ничуть"}),
    "uk": frozenset({"не", "ні", "немає", "нема", "без", "ніколи", "анітрохи", "ніскільки"}),
}
#: negation after the word: "жертв нет", "руйнувань немає"
POST_NEGATORS = {"ru": frozenset({"нет"}), "uk": frozenset({"немає", "нема"})}
#: "не только X, но и Y" is not a negation of X
NOT_NEGATION = {"ru": frozenset({"только", "лишь"}), "uk": frozenset({"тільки", "лише", "лиш"})}
BOOSTERS = {
    "ru": {**dict.fromkeys(("очень", "крайне", "весьма", "сильно", "значительно", "резко", "чрезвычайно",
                            "особенно", "абсолютно", "полностью", "совершенно", "невероятно", "страшно",
                            "максимально", "предельно", "глубоко", "жёстко", "жестко", "массированный",
                            "массовый", "масштабный"), B_INCR),
           **dict.fromkeys(("немного", "слегка", "чуть", "несколько", "относительно", "отчасти",
                            "частично"), -B_INCR)},
    "uk": {**dict.fromkeys(("дуже", "вкрай", "украй", "надзвичайно", "значно", "різко", "особливо",
                            "абсолютно", "повністю", "цілком", "неймовірно", "страшенно", "максимально",
                            "глибоко", "жорстко", "вщент", "масований", "масовий", "масштабний"), B_INCR),
           **dict.fromkeys(("трохи", "дещо", "злегка", "частково", "відносно", "почасти"), -B_INCR)},
}
#: fixed pairs whose words carry no tone: "мирные жители" (civilians), "Совет безопасности"
NEUTRAL_PAIRS = {
    "ru": ({"мирный"}, {"житель", "население", "гражданин", "человек", "люди", "жилой"}),
    "uk": ({"мирний"}, {"житель", "мешканець", "населення", "громадянин", "людина", "люди"}),
}
NEUTRAL_AFTER = {"ru": {"совет", "совбез"}, "uk": {"рада"}}
BUT = {"ru": frozenset({"но", "однако"}), "uk": frozenset({"але", "проте", "однак", "та"})}


@lru_cache(maxsize=4)
def _lexicon(path: str) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {code: {} for code in CYR_LANGS}
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            table.setdefault(row["lang"], {})[fold(row["lemma"])] = float(row["valence"])
    return table


def _path(path=None) -> str:
    from analysis.paths import lexicon_dir

    return str(lexicon_dir() / LEXICON_FILE if path is None else Path(path))


def tone_lexicon(path=None) -> pd.DataFrame:
    """The lexicon as DataFrame[lang, lemma, valence]."""
    rows = [(code, lemma, v) for code, table in _lexicon(_path(path)).items() for lemma, v in table.items()]
    return pd.DataFrame(rows, columns=["lang", "lemma", "valence"])


@lru_cache(maxsize=200_000)
def _valence(word: str, lang: str, path: str) -> float:
    table = _lexicon(path).get(lang, {})
    best = best_lemma(word, lang)
    if best in table:
        return table[best]
    return lookup_form(table, word, lang, 0.0)


def word_valences(text: str, lang: str, path=None) -> list[float]:
    """The lexicon valence of every word of ``text`` (0 for words not in it; no rules):
    what :func:`analysis.sentiment.gdelt_tone` counts for Russian/Ukrainian articles."""
    lang = lang if lang in CYR_LANGS else "ru"
    lex_path = _path(path)
    return [_valence(w, lang, lex_path) for _s, _e, w in words(text if isinstance(text, str) else "")]


def rule_valences(toks: list[str], raw: list[str], lang: str, *, negation: bool = True, boosters: bool = True,
                  path=None) -> list[float]:
    """The valence of each word after the word-level rules (lexicon, civilians, names, fixed
    pairs, intensifiers, negation): ``raw`` are the words, ``toks`` their :func:`fold` forms.
    Shared by :func:`score_text` (sentence tone) and :mod:`analysis.sentiment.cyrillic_target`
    (tone toward one mention)."""
    lang = lang if lang in CYR_LANGS else "ru"
    lex_path = _path(path)
    negs, post, notneg = NEGATORS[lang], POST_NEGATORS[lang], NOT_NEGATION[lang]
    boost = BOOSTERS[lang]
    vals = []
    for i, word in enumerate(raw):
        v = _valence(word, lang, lex_path) if toks[i] not in negs and toks[i] not in boost else 0.0
        if v and i + 1 < len(raw) and best_lemma(word, lang) in NEUTRAL_PAIRS[lang][0] and \
                lemma_forms(raw[i + 1], lang) & NEUTRAL_PAIRS[lang][1]:
            v = 0.0
        if v and i > 0 and lemma_forms(raw[i - 1], lang) & NEUTRAL_AFTER[lang]:
            v = 0.0  # "Совет безопасности", "Рада безпеки"
        if v and i > 0 and word[:1].isupper() and not raw[i - 1].isupper():
            v = 0.0  # a capitalised word inside the sentence is a name: Радио «Свобода», партия «Единство»
        if v:
            if boosters:
                for dist in (1, 2, 3):
                    j = i - dist
                    if j >= 0 and toks[j] in boost:
                        inc = boost[toks[j]] * BOOST_DAMPING[dist - 1]
                        v += inc if v > 0 else -inc
            if negation:
                before = any(i - d >= 0 and toks[i - d] in negs and not (i - d + 1 < len(toks) and toks[i - d + 1] in notneg)
                             for d in (1, 2, 3))
                after = any(i + d < len(toks) and toks[i + d] in post for d in (1, 2, 3))
                if before or after:
                    v *= N_SCALAR
        vals.append(v)
    return vals


def score_text(text: str, lang: str, *, negation: bool = True, boosters: bool = True, contrast: bool = True,
               path=None) -> tuple[float, float, float, float]:
    """(neg, neu, pos, compound) of one sentence in ``lang`` ("ru" or "uk")."""
    if not isinstance(text, str):
        return (np.nan, np.nan, np.nan, np.nan)
    lang = lang if lang in CYR_LANGS else "ru"
    from analysis.lang import normalise_for_matching

    text = normalise_for_matching(text, lang)  # "Пoгибли" with a Latin o, pre-reform spelling
    toks = [fold(w) for _s, _e, w in words(text)]
    raw = [w for _s, _e, w in words(text)]
    if not toks:
        return (0.0, 0.0, 0.0, 0.0)
    but = BUT[lang]
    vals = rule_valences(toks, raw, lang, negation=negation, boosters=boosters, path=path)
    if contrast:
        at = next((k for k, t in enumerate(toks) if t in but and k > 0), None)
        if at is not None:
            vals = [v * 0.5 if k < at else v * 1.5 if k > at else v for k, v in enumerate(vals)]
    total = sum(vals)
    compound = total / math.sqrt(total * total + ALPHA) if total else 0.0
    pos_sum = sum(v + 1 for v in vals if v > 0)
    neg_sum = sum(v - 1 for v in vals if v < 0)
    neu_n = sum(1 for v in vals if v == 0)
    denom = pos_sum + abs(neg_sum) + neu_n
    if denom <= 0:
        return (0.0, 0.0, 0.0, 0.0)
    return (round(abs(neg_sum) / denom, 3), round(neu_n / denom, 3), round(pos_sum / denom, 3), round(compound, 4))


def cyr_sentence_tone(sentences: pd.DataFrame, *, text_col: str = "text", negation: bool = True,
                      boosters: bool = True, contrast: bool = True, lang: str | None = None,
                      path=None) -> pd.DataFrame:
    """Tone of Russian/Ukrainian sentences: DataFrame[article_id, sentence_id, neg, neu,
    pos, compound] aligned with the input rows, like :func:`analysis.sentiment.sentence_sentiment`.
    The language comes from the ``lang`` column (or ``lang=``); rows in other languages get NaN."""
    codes = np.full(len(sentences), lang, dtype=object) if lang else lang_column(sentences)
    texts = sentences[text_col].tolist()
    path = _path(path)  # found once: lexicon_dir() looks for the checkout on the file system
    scores = [score_text(t, c, negation=negation, boosters=boosters, contrast=contrast, path=path)
              if c in CYR_LANGS else (np.nan,) * 4 for t, c in zip(texts, codes)]
    out = pd.DataFrame(scores, columns=["neg", "neu", "pos", "compound"], index=sentences.index, dtype=float)
    out.insert(0, "sentence_id", sentences["sentence_id"].to_numpy() if "sentence_id" in sentences.columns
               else np.arange(len(sentences), dtype="int64"))
    out.insert(0, "article_id", sentences["article_id"].to_numpy() if "article_id" in sentences.columns
               else np.zeros(len(sentences), dtype="int64"))
    return out
