"""Tone toward one entity mention in a Russian or Ukrainian sentence (target-dependent sentiment).

The English rules of :mod:`analysis.targeted` weigh the words of a sentence by their distance
from the mention, inside its clause, and read who accuses or reports whom. This module carries
those rules over to inflected languages, on the word valences of :mod:`analysis.sentiment_cyr`
(the ru/uk lemma lexicon with VADER's negation and intensifier rules, Hutto & Gilbert 2014):

* **window**: a word ``d`` tokens from the mention weighs ``1 / (1 + (d - 1) / scale)``; words in
  another clause (after ``;``, ``:``, a dash, a bracket, or a contrast word "но"/"однако"/"але"/
  "проте") weigh ``other_clause`` as much; words inside the mention count ``in_target`` times
  ("киевский *режим*", "укронацисты");
* **grammatical case instead of word order**: Russian and Ukrainian mark roles by case, so the
  case of the mention's first word (pymorphy3, :func:`analysis.morph.lemma_case`) tells whether
  the mention is the subject (``nomn``) or an object;
* **accuse / praise verbs** in the mention's clause (the ``accusatory`` class of
  ``reporting_verbs.yml``, plus "поблагодарить", "поддержать", "подякувати", "підтримати", ...):
  an object mention gets ``role`` in the verb's direction ("обвинил Россию" is negative for
  Россия); a subject mention is the accuser, so the words after the verb (about the accused) are
  muted for it;
* **prepositions**: "против X" / "проти X" is negative for X, "поддержка/помощь X" /
  "підтримка/допомога X" positive (after the English ``prep_role`` rule);
* **speaker**: a subject mention next to a reporting verb ("Песков заявил, что ...", "по словам
  Зеленского") is the source of what follows; those words weigh ``speaker`` as much;
* **victims**: harm words about the mention as patient (an object of "обстрелять", "убить"; any
  mention beside "погибнуть", "пострадать", "жертва", "загинути") weigh ``victim`` as much: a
  grim sentence about civilians is not *against* them (SemEval-2025's "Innocent" role);
  a subject of an active harm verb ("ВСУ обстреляли ...") keeps the full weight;
* ``score = raw / sqrt(raw^2 + 15)`` as in VADER and the English rules; polarity by
  ``pos_threshold`` / ``neg_threshold``.

Mixed-script words (Latin "c", "e", "o" inside Cyrillic words) and pre-reform spelling are read
through :func:`analysis.lang.normalise_for_matching`, which keeps every offset.

The weights of :data:`CYR_TARGET_RULES` were chosen on the even-numbered half of the Russian
SemEval-2025 roles file (``python -m analysis.evaluate entity-roles --lang ru`` reports the
other half as held-out).

>>> s = "Зеленский обвинил Россию в новых ударах по мирным городам."
>>> [cyr_target_score(s, a, b, "ru")[0] for a, b in ((0, 9), (18, 24))]
[0, -1]
>>> cyr_target_score("Россия поддержала Беларусь и помогла ей.", 18, 26, "ru")[0]
1
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.framing._cyr import CYR_LANGS, fold, lemma_forms, words

__all__ = ["CyrTargetParams", "CYR_TARGET_RULES", "CYR_TARGET_BASELINE", "cyr_target_score", "cyr_target_scores",
           "cyrillic_langs", "overwrite_cyrillic"]


@dataclass(frozen=True)
class CyrTargetParams:
    """Weights of the Russian/Ukrainian target rules (see the module docstring)."""

    scale: float = 3.0          #: distance (tokens) at which a word's weight halves
    other_clause: float = 0.8   #: weight of words in another clause
    in_target: float = 1.0      #: weight of valence words inside the mention
    role: float = 2.0           #: accuse/praise verb with the mention as object
    prep: float = 1.5           #: "против X" (-), "поддержка X" (+)
    speaker: float = 0.0        #: words after a reporting verb whose subject is the mention (0: muted)
    victim: float = 0.25        #: harm words with the mention as patient / sufferer
    sentence: float = 0.6       #: weight of the plain sentence sum (as the English ``sentence`` rule)
    pos_threshold: float = 0.15
    neg_threshold: float = -0.05
    negation: bool = True
    boosters: bool = True


#: the default weights (tuned on the even half of the ru SemEval-2025 roles; see the docstring)
CYR_TARGET_RULES = CyrTargetParams()
#: window-only baseline: lexicon valences by distance, no case, verbs, prepositions or victims
CYR_TARGET_BASELINE = CyrTargetParams(role=0.0, prep=0.0, speaker=1.0, victim=1.0, sentence=0.0)

PRAISE = {
    "ru": frozenset("поблагодарить благодарить похвалить хвалить поддержать поддерживать приветствовать "
                    "поздравить поздравлять наградить защитить защищать спасти спасать помочь помогать".split()),
    "uk": frozenset("подякувати дякувати похвалити хвалити підтримати підтримувати вітати привітати "
                    "нагородити захистити захищати врятувати рятувати допомогти допомагати".split()),
}
ACCUSE_EXTRA = {
    "ru": frozenset("обвинить обвинять осудить осуждать критиковать раскритиковать упрекнуть винить "
                    "заклеймить пригрозить угрожать санкция".split()),
    "uk": frozenset("звинуватити звинувачувати засудити засуджувати критикувати розкритикувати дорікнути "
                    "винуватити таврувати погрожувати пригрозити санкція".split()),
}
#: transitive harm: the object is a victim, the subject is not
HARM_ACTS = {
    "ru": frozenset("атаковать атака обстрелять обстреливать обстрел бомбить разбомбить бомбардировка убить "
                    "убивать убийство уничтожить уничтожать уничтожение разрушить разрушать разрушение взорвать "
                    "напасть нападать нападение расстрелять расстреливать пытать пытка удар ударить оккупировать "
                    "захватить захватывать казнить".split()),
    "uk": frozenset("атакувати атака обстріляти обстрілювати обстріл бомбити розбомбити бомбардування вбити "
                    "убити вбивати вбивство знищити знищувати знищення зруйнувати руйнувати руйнування підірвати "
                    "напасти нападати напад розстріляти розстрілювати катувати катування удар ударити "
                    "окупувати захопити захоплювати стратити".split()),
}
#: suffering: whoever is beside these words is a victim
SUFFER = {
    "ru": frozenset("погибнуть гибель погибший смерть умереть мертвый жертва пострадать пострадавший ранить "
                    "ранение раненый страдать страдание боль горе голод потеря ущерб трагедия катастрофа "
                    "беженец эвакуация разруха лишение".split()),
    "uk": frozenset("загинути загибель загиблий смерть померти мертвий жертва постраждати постраждалий "
                    "поранити поранення поранений страждати страждання біль горе голод втрата збиток шкода "
                    "трагедія катастрофа біженець евакуація руйнація".split()),
}
AGAINST = {"ru": frozenset({"против"}), "uk": frozenset({"проти"})}
SUPPORT_NOUNS = {"ru": frozenset({"поддержка", "помощь", "солидарность"}),
                 "uk": frozenset({"підтримка", "допомога", "солідарність"})}
BY_WORDS = {"ru": ("по", "словам"), "uk": ("за", "словами")}
CONTRAST = {"ru": frozenset({"но", "однако"}), "uk": frozenset({"але", "проте", "однак"})}
_CLAUSE_BREAK = re.compile(r"[;:()\u2014\u2013«»\"\u201c\u201d\u201e]|\s-\s")


@lru_cache(maxsize=200_000)
def _case(word: str, lang: str) -> str | None:
    from analysis.morph import lemma_case

    return lemma_case(word, lang)[1]


def _first_case(raw: list[str], ts: int, te: int, lang: str) -> str | None:
    """Case of the mention: its first inflected word (acronyms such as США/ВСУ often have none)."""
    for k in range(ts, te):
        c = _case(raw[k], lang)
        if c is not None:
            return c
    return None


_THAT = re.compile(r"[,;:]|\b(?:что|чтобы|що|щоб)\b", re.IGNORECASE)


def _next_to(text: str, toks3, k: int, ts: int, te: int) -> bool:
    """The verb at token ``k`` is within three words of the mention with no comma or "что"/"що"
    between ("Песков заявил", "заявил Песков", not "заявил, что Киев")."""
    a, b = (toks3[k][1], toks3[ts][0]) if k < ts else (toks3[te - 1][1], toks3[k][0])
    return abs(k - (ts if k < ts else te - 1)) <= 3 and not _THAT.search(text, a, b)


@lru_cache(maxsize=100_000)
def _may_be_accusative(word: str, lang: str) -> bool:
    from analysis.framing._cyr import parses

    return any(p.tag.case == "accs" for p in parses(word, lang))


@lru_cache(maxsize=4)
def _speech_verbs(lang: str) -> dict:
    from analysis.framing.quotes_cyr import cyr_verb_table

    return cyr_verb_table().get(lang, {})


@lru_cache(maxsize=100_000)
def _verb_class(word: str, lang: str) -> tuple[str | None, int]:
    """(reporting class or None, accuse/praise sign) of one word (memoised)."""
    forms = lemma_forms(word, lang)
    table = _speech_verbs(lang)
    cls = None
    for f in sorted(forms):
        if f in table:
            cls = table[f][1]
            break
    sign = 0
    if forms & PRAISE[lang]:
        sign = 1
    elif cls == "accusatory" or forms & ACCUSE_EXTRA[lang]:
        sign = -1
    return cls, sign


def cyr_target_score(text: str, start: int, end: int, lang: str, *,
                     params: CyrTargetParams = CYR_TARGET_RULES, path=None) -> tuple[int, float]:
    """(polarity, score) of the mention at [start, end) of the sentence ``text`` in ``lang``.

    Offsets are into ``text``; a mention outside it, an empty or non-string sentence and
    languages other than ru/uk score (0, 0.0).
    """
    if not isinstance(text, str) or lang not in CYR_LANGS or not text.strip():
        return 0, 0.0
    score = _score(text, int(start), int(end), lang, params, path)
    pol = 1 if score >= params.pos_threshold else -1 if score <= params.neg_threshold else 0
    return pol, score


@lru_cache(maxsize=4096)
def _prepared(text: str, lang: str, negation: bool, boosters: bool, path) -> tuple:
    """Tokens, folded words, rule valences and clause index of a sentence: computed once per
    sentence however many mentions it holds."""
    from analysis.lang import normalise_for_matching
    from analysis.sentiment_cyr import rule_valences

    text = normalise_for_matching(text, lang)  # homoglyphs, pre-reform spelling; same length
    toks3 = words(text)
    raw = [w for _s, _e, w in toks3]
    low = [fold(w) for w in raw]
    vals = rule_valences(low, raw, lang, negation=negation, boosters=boosters, path=path) if toks3 else []
    # clause index of every token: punctuation breaks and contrast words
    clause = [0] * len(toks3)
    c = 0
    contrast = CONTRAST[lang]
    for k in range(len(toks3)):
        if k and (_CLAUSE_BREAK.search(text, toks3[k - 1][1], toks3[k][0]) or low[k] in contrast):
            c += 1
        clause[k] = c
    return text, tuple(toks3), tuple(raw), tuple(low), tuple(vals), tuple(clause)


def _score(text: str, start: int, end: int, lang: str, params: CyrTargetParams, path) -> float:
    text, toks3, raw, low, vals, clause = _prepared(text, lang, params.negation, params.boosters, path)
    n = len(toks3)
    if n == 0:
        return 0.0
    inside = [k for k, (s, e, _w) in enumerate(toks3) if s < end and e > start]
    if not inside:
        return 0.0
    ts, te = inside[0], inside[-1] + 1
    tclause = clause[ts]
    tcase = _first_case(raw, ts, te, lang)
    subject = tcase == "nomn"
    # "Беларусь", "Харків": nominative and accusative alike; after a verb such a mention is its object
    after_is_object = subject and _may_be_accusative(raw[ts], lang)
    forms = [None] * n

    def lemmas(k):
        if forms[k] is None:
            forms[k] = lemma_forms(raw[k], lang)
        return forms[k]

    role = 0.0
    mute_after = -1
    speak_from = -1
    # verbs of the mention's clause
    for k in range(n):
        if clause[k] != tclause or ts <= k < te:
            continue
        cls, sign = _verb_class(raw[k], lang)
        if cls is None and not sign:
            continue
        if subject and not (k < ts and sign and after_is_object):
            if cls is not None and speak_from < 0 and _next_to(text, toks3, k, ts, te):
                speak_from = k  # "Песков заявил, что ...", "... — заявил Песков"
            if sign and mute_after < 0:
                mute_after = k  # the accuser / praiser: what follows is about someone else
        elif sign and (k < ts and ts - k <= 5 or k >= te and k - te <= 3):
            role += sign * params.role
            break
    if ts >= 2 and (low[ts - 2], low[ts - 1]) == BY_WORDS[lang]:
        speak_from = ts  # "по словам Зеленского, ..."
    # prepositions and support nouns just before the mention
    if params.prep and ts >= 1:
        before = low[max(0, ts - 3):ts]
        if any(w in AGAINST[lang] for w in before):
            role -= params.prep
        elif lemmas(ts - 1) & SUPPORT_NOUNS[lang] and tcase in ("gent", "datv"):
            role += params.prep
    harm, suffer = HARM_ACTS[lang], SUFFER[lang]
    raw_sum = role
    plain = 0.0  # the sentence sum, with the same muting and victim weights but no distance
    for k in range(n):
        v = vals[k]
        if not v:
            continue
        if ts <= k < te:
            raw_sum += v * params.in_target
            continue
        if mute_after >= 0 and k >= mute_after and clause[k] == clause[mute_after]:
            continue
        d = (ts - k) if k < ts else (k - te + 1)
        w = 1.0 / (1.0 + (d - 1) / params.scale)
        if clause[k] != tclause:
            w *= params.other_clause
        m = 1.0
        if speak_from >= 0 and (k > speak_from and k > te or speak_from < ts and k < speak_from):
            m *= params.speaker  # what the mention says: "X заявил, что ...", "..., заявил X"
        if v < 0:
            f = lemmas(k)
            if f & suffer or (f & harm and not (subject and (k >= te or not after_is_object))):
                m *= params.victim
        raw_sum += v * w * m
        plain += v * m
    raw_sum += params.sentence * plain
    return raw_sum / math.sqrt(raw_sum * raw_sum + 15.0)


def cyr_target_scores(texts, starts, ends, langs, *, params: CyrTargetParams = CYR_TARGET_RULES,
                      path=None) -> tuple[list[int], list[float]]:
    """:func:`cyr_target_score` of each (sentence, start, end, lang): two lists, polarity and score.

    >>> pols, _ = cyr_target_scores(["Окупанти обстріляли Харків.", None], [0, 0], [8, 0], ["uk", "uk"])
    >>> pols
    [-1, 0]
    """
    pols: list[int] = []
    scores: list[float] = []
    for t, a, b, lang in zip(texts, starts, ends, langs):
        try:
            a, b = int(a), int(b)
        except (TypeError, ValueError):
            a, b = 0, 0
        p, s = cyr_target_score(t, a, b, lang, params=params, path=path)
        pols.append(p)
        scores.append(float(s))
    return pols, scores


def cyrillic_langs(langs) -> list:
    """Each language when it is Russian or Ukrainian, else None (``langs``: a sentences table's
    ``lang`` column).

    >>> cyrillic_langs(["ru", "en", None, "uk"])
    ['ru', None, None, 'uk']
    """
    return [lang if isinstance(lang, str) and lang in CYR_LANGS else None for lang in langs]


def overwrite_cyrillic(pols: list, scores: list, texts, starts, ends, langs) -> None:
    """Replace, in place, the polarity and score of every mention whose sentence is Russian or
    Ukrainian (``langs[i]``: that language, as :func:`cyrillic_langs` gives it, or None) with the
    Cyrillic rules': the hook :func:`analysis.targeted.mention_sentiment` calls. Rows whose
    language is None are left alone."""
    from analysis.sentiment.cyrillic import _path

    path = _path(None)  # the lexicon file, found once instead of once per sentence
    for i, lang in enumerate(langs):
        if lang is not None:
            p, s = cyr_target_score(texts[i], starts[i], ends[i], lang, path=path)
            pols[i], scores[i] = p, float(s)
