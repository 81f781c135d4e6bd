"""Agency in Russian and Ukrainian reports of harm, from pymorphy3 morphology.

Called by :func:`analysis.framing.agency` for sentences whose ``lang`` is "ru" or
"uk" (same output columns and classes). The first harm expression of a sentence is
classed by its grammar:

* **passive participles** (pymorphy ``pssv``: "был нанесён удар", "обстреляны",
  "обстріляні"), **Ukrainian impersonal -но/-то forms** (``Impe``: "було обстріляно",
  "зруйновано", "вбито") and **-ся/-сь reflexive passives** of transitive harm verbs
  ("уничтожаются", "обстрілюється") -> ``verbal_passive``; ``agent_passive`` when an
  actor in the instrumental follows ("обстрелян украинскими военными") or
  "з боку"/"силами" + actor, else ``agentless``;
* **intransitive harm events** ("погибли мирные жители", "прогремели взрывы",
  "стався вибух", "загинули", "постраждали") -> ``event``, ``agentless``;
* **active verbs** ("ВСУ атаковали", "российские войска обстреляли") -> ``agent_active``
  with the nominative actor next to the verb; a plural past / 3rd-person plural verb
  with no nominative subject in its clause ("обстреляли Харьков", the
  indefinite-personal construction) is ``agentless``;
* **harm nouns** ("удар", "обстрел", "атака", "взрыв") -> ``nominal``: ``agent_active``
  with an actor in the genitive or a demonym adjective ("удар ВСУ", "российская атака",
  "атака російських дронів"), else ``agentless``.

Sides come from Cyrillic place and actor names (:func:`side_of_cyr`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from analysis.framing._cyr import fold, lemma_forms, parses, words

__all__ = ["HARM_LEMMAS", "side_of_cyr", "agency_rows"]

#: transitive harm verbs (lemmas) per language
HARM_VERBS = {
    "ru": {"атаковать", "обстрелять", "обстреливать", "ударить", "наносить", "нанести", "бомбить", "разбомбить",
           "убить", "убивать", "уничтожить", "уничтожать", "разрушить", "разрушать", "повредить", "повреждать",
           "ранить", "взорвать", "поразить", "поражать", "сбить", "расстрелять", "обстреливаться", "уничтожаться",
           "разрушаться", "атаковаться", "сжечь", "захватить", "штурмовать", "пытать", "казнить", "ликвидировать",
           "ударять", "наносить удар", "сбивать"},
    "uk": {"атакувати", "обстріляти", "обстрілювати", "вдарити", "завдати", "завдавати", "бомбити", "розбомбити",
           "вбити", "убити", "вбивати", "знищити", "знищувати", "зруйнувати", "руйнувати", "пошкодити",
           "поранити", "підірвати", "уразити", "вразити", "збити", "розстріляти", "обстрілюватися",
           "знищуватися", "руйнуватися", "спалити", "захопити", "штурмувати", "катувати", "ліквідувати",
           "влучити", "влучати", "ударяти", "обстріляний", "зруйнований", "знищений", "пошкоджений", "поранений",
           "вбитий", "убитий", "атакований", "збитий", "розстріляний", "уражений"},
}
#: intransitive harm events
HARM_EVENTS = {
    "ru": {"погибнуть", "пострадать", "прогреметь", "раздаться", "произойти", "случиться", "взорваться",
           "сгореть", "загореться", "умереть", "обрушиться", "погибать", "гибнуть", "пострадавший", "погибший"},
    "uk": {"загинути", "постраждати", "пролунати", "статися", "трапитися", "вибухнути", "згоріти", "загорітися",
           "померти", "обвалитися", "гинути", "загибати", "постраждалий", "загиблий"},
}
#: events that need a harm noun nearby ("прогремели взрывы", "стався вибух")
NEEDS_NOUN = {"прогреметь", "раздаться", "произойти", "случиться", "пролунати", "статися", "трапитися",
              "обрушиться", "обвалитися", "умереть", "померти"}
HARM_NOUNS = {
    "ru": {"удар", "обстрел", "атака", "взрыв", "бомбардировка", "авиаудар", "ракетный удар", "нападение", "теракт",
           "пожар", "гибель", "налёт", "налет", "штурм", "уничтожение", "разрушение", "повреждение", "обстрелы"},
    "uk": {"удар", "обстріл", "атака", "вибух", "бомбардування", "авіаудар", "напад", "теракт", "пожежа",
           "загибель", "наліт", "штурм", "знищення", "руйнування", "пошкодження", "влучання"},
}
HARM_LEMMAS = {k: HARM_VERBS[k] | HARM_EVENTS[k] | HARM_NOUNS[k] for k in HARM_VERBS}
#: actor nouns (lemmas) that can be agents
ACTORS = {
    "ru": {"войско", "армия", "вооружённый", "военный", "военнослужащий", "солдат", "боевик", "сила", "всу", "вс",
           "россия", "украина", "киев", "москва", "противник", "враг", "оккупант", "террорист", "диверсант",
           "подразделение", "бригада", "нато", "группировка", "расчёт", "расчет", "экипаж", "армейский", "штурмовик", "наёмник", "наемник", "минобороны", "каратель", "нацист",
           "неонацист", "режим", "зсу", "россиянин", "украинец"},
    "uk": {"військо", "армія", "військовий", "військовослужбовець", "солдат", "бойовик", "сила", "зсу", "рф",
           "росія", "україна", "москва", "київ", "противник", "ворог", "окупант", "загарбник", "терорист",
           "диверсант", "підрозділ", "бригада", "нато", "угруповання", "розрахунок", "екіпаж", "штурмовик", "найманець", "рашист", "орк", "всу", "росіянин", "українець"},
}
#: weapons and means: never agents themselves (as in the English gold: "the missile that struck" is
#: agentless), but a nationality adjective on them names the side ("атака российских дронов")
INSTRUMENTS = {
    "ru": {"дрон", "беспилотник", "бпла", "ракета", "артиллерия", "авиация", "пво", "снаряд", "бомба", "самолёт",
           "самолет", "танк", "оружие", "средство", "миномёт", "миномет", "рсзо"},
    "uk": {"дрон", "безпілотник", "бпла", "ракета", "артилерія", "авіація", "ппо", "снаряд", "бомба", "літак",
           "танк", "зброя", "засіб", "міномет", "рсзв"},
}
#: objects that make a harm verb non-physical ("уничтожил каналы", "пострадает бюджет")
NOT_PHYSICAL = {
    "ru": {"канал", "аккаунт", "бюджет", "экономика", "энергетика", "репутация", "культура", "демократия", "карьера",
           "имидж", "доверие", "отношение", "нас"},
    "uk": {"канал", "акаунт", "бюджет", "економіка", "енергетика", "репутація", "культура", "демократія", "кар'єра",
           "імідж", "довіра", "відносини", "нас"},
}
DEMONYMS = {
    "ru": {"российский", "украинский", "русский", "вражеский", "натовский", "американский", "белорусский"},
    "uk": {"російський", "український", "ворожий", "рашистський", "окупаційний", "натівський", "американський",
           "білоруський"},
}
_UA = re.compile(r"(?i)\b(украин\w*|україн\w*|киев\w*|київ\w*|києв\w*|харьков\w*|харків\w*|одесс\w*|одес\w*|"
                 r"днепр\w*|дніпр\w*|запорож\w*|запоріж\w*|херсон\w*|сум[ыаиу]\b|суми|николаев\w*|миколаїв\w*|"
                 r"львов\w*|львів\w*|чернигов\w*|чернігів\w*|краматорск\w*|краматорськ\w*|бахмут\w*|всу|зсу|"
                 r"зеленск\w*|зеленськ\w*|полтав\w*|винниц\w*|вінниц\w*|кременчуг\w*|кременчук\w*)")
_RU = re.compile(r"(?i)\b(росси\w*|росі\w*|российск\w*|російськ\w*|москв\w*|курск\w*|курськ\w*|белгород\w*|"
                 r"бєлгород\w*|брянск\w*|брянськ\w*|крым\w*|крим\w*|севастопол\w*|донецк\w*|донецьк\w*|"
                 r"луганск\w*|луганськ\w*|рф|путин\w*|путін\w*|рашист\w*|окупант\w*|оккупант\w*|орк\w*|"
                 r"кремл\w*|вагнер\w*)")


def side_of_cyr(text: str | None) -> str | None:
    """'ukraine' / 'russia' / 'both' / None from Cyrillic place and actor names.

    >>> side_of_cyr("жители Харькова"), side_of_cyr("в Белгородской области"), side_of_cyr("машина")
    ('ukraine', 'russia', None)
    """
    if not isinstance(text, str) or not text:
        return None
    ua, ru = bool(_UA.search(text)), bool(_RU.search(text))
    return "both" if ua and ru else "ukraine" if ua else "russia" if ru else None


@lru_cache(maxsize=200_000)
def _parse(word: str, lang: str):
    p = parses(word, lang)[0]
    tag = str(p.tag)
    return fold(p.normal_form), set(re.split(r"[ ,]", tag)), p.tag.case, p.tag.POS


@lru_cache(maxsize=200_000)
def _all(word: str, lang: str) -> tuple[frozenset, frozenset]:
    """(cases, parts of speech) over every parse of ``word``."""
    found = parses(word, lang)
    return frozenset(p.tag.case for p in found), frozenset(p.tag.POS for p in found)


def _can_be(word: str, lang: str, *cases) -> bool:
    found = _all(word, lang)[0]
    return bool(found & set(cases)) or found <= {None}


def _adjectival(word: str, lang: str) -> bool:
    return bool(_all(word, lang)[1] & {"ADJF", "PRTF"})


def _is_actor(word: str, lang: str) -> bool:
    forms = lemma_forms(word, lang)
    return bool(forms & ACTORS[lang]) or word.isupper() and len(word) >= 2 and fold(word) in ACTORS[lang]


def _is_instrument(word: str, lang: str) -> bool:
    return bool(lemma_forms(word, lang) & INSTRUMENTS[lang])


def _demonym_before(toks, j, lang, span: int = 3):
    """The nationality adjective among the ``span`` words before ``j`` (adjectives only between)."""
    for i in range(j - 1, max(-1, j - 1 - span), -1):
        if lemma_forms(toks[i][2], lang) & DEMONYMS[lang]:
            return i
        if not _adjectival(toks[i][2], lang):
            return None
    return None


def _subject(toks, k, lang, same_clause, *, after: int = 2):
    """A nominative actor in the clause of token ``k`` (before it, or just after)."""
    s = toks[k][0]
    for j in list(range(k - 1, max(-1, k - 7), -1)) + list(range(k + 1, min(len(toks), k + 1 + after))):
        wj = toks[j][2]
        if not same_clause(toks[j][0], s):
            continue
        if _is_actor(wj, lang) and (_can_be(wj, lang, "nomn") or wj.isupper()):
            return j
    return None


def _np_around(toks, k, lang) -> str:
    """The actor word at ``k`` with the adjectives / capitalised words right before it."""
    i = k
    while i - 1 >= 0 and (_adjectival(toks[i - 1][2], lang) or toks[i - 1][2][:1].isupper()) \
            and k - i < 3:
        i -= 1
    return i


@lru_cache(maxsize=4)
def _stems(lang: str) -> tuple[str, ...]:
    """First three letters of every harm lemma: a sentence none of whose words starts so
    cannot report harm, and is not parsed (inflection keeps a lemma's first letters)."""
    return tuple(sorted({fold(lemma)[:3] for lemma in HARM_VERBS[lang] | HARM_EVENTS[lang] | HARM_NOUNS[lang]}))


def agency_rows(text: str, lang: str):
    """(start, end, verb, lemma, form, agency, agent, harmed) for the first harm
    expression of one sentence (offsets into ``text``), or None."""
    toks = words(text)
    stems = _stems(lang)
    if not toks or not any(fold(w).startswith(stems) for _s, _e, w in toks):
        return None
    harm_v, harm_e, harm_n = HARM_VERBS[lang], HARM_EVENTS[lang], HARM_NOUNS[lang]
    clause_breaks = [m.start() for m in re.finditer(r"[,;:—–]|\s(?:и|а|но|і|й|та|але|который|яка|який|которые|які)\s",
                                                     text)]

    def same_clause(a, b):
        lo, hi = min(a, b), max(a, b)
        return not any(lo < c < hi for c in clause_breaks)

    maybe = [fold(t[2]).startswith(stems) for t in toks]
    nouns = [k for k, t in enumerate(toks) if maybe[k] and lemma_forms(t[2], lang) & harm_n]
    cands = []
    for k, (s, e, w) in enumerate(toks):
        if not maybe[k]:
            continue
        lemma, tags, case, pos = _parse(w, lang)
        forms = lemma_forms(w, lang)
        verb_lemma = next(iter(sorted(forms & harm_v)), None)
        event_lemma = next(iter(sorted(forms & harm_e)), None)
        if verb_lemma and ("pssv" in tags or "Impe" in tags or pos in {"PRTS"}):
            if verb_lemma in {"наносить", "нанести", "завдати", "завдавати"} and not any(abs(n - k) <= 3 for n in nouns):
                continue
            agent = None
            attributive = pos in {"PRTF", "ADJF"} and "Impe" not in tags and not (
                k > 0 and fold(toks[k - 1][2]) in {"был", "была", "было", "были", "буде", "був", "була", "було",
                                                    "були", "будет", "будут"})
            window = [] if attributive else [*range(k + 1, min(k + 6, len(toks))), *range(k - 1, max(-1, k - 6), -1)]
            for j in window:
                wj = toks[j][2]
                if fold(wj) in {"силами", "боку"} and j + 1 < len(toks):
                    continue
                if _can_be(wj, lang, "ablt") and _is_actor(wj, lang) or \
                        (j > 0 and fold(toks[j - 1][2]) in {"силами", "боку"} and _is_actor(wj, lang)):
                    i = _np_around(toks, j, lang)
                    agent = text[toks[i][0]:toks[j][1]]
                    break
            harmed = text[max(0, s - 60):s] + ("" if agent else " " + text[e:e + 60])
            cands.append((s, e, w, verb_lemma, "verbal_passive", "agent_passive" if agent else "agentless", agent, harmed))
            continue
        if event_lemma and pos in {"VERB", "PRTF", "ADJF", "NOUN"} or (event_lemma and "Refl" in tags):
            if event_lemma in NEEDS_NOUN and not any(abs(n - k) <= 3 for n in nouns):
                continue
            cands.append((s, e, w, event_lemma, "event", "agentless", None, text[e:e + 80] + " " + text[max(0, s - 40):s]))
            continue
        if verb_lemma and pos in {"VERB", "INFN"}:
            if any(lemma_forms(t[2], lang) & NOT_PHYSICAL[lang] for t in toks[k + 1:k + 4]):
                continue  # "уничтожил каналы", "разрушает нас": not physical violence
            reflexive = fold(w).endswith(("ся", "сь"))
            if reflexive:
                cands.append((s, e, w, verb_lemma, "verbal_passive", "agentless", None, text[max(0, s - 60):s]))
                continue
            if verb_lemma in {"наносить", "нанести", "завдати", "завдавати"} and not any(abs(n - k) <= 3 for n in nouns):
                continue
            # the nominative actor in the same clause, before (or right after) the verb
            subj = _subject(toks, k, lang, same_clause)
            if subj is not None:
                i = _np_around(toks, subj, lang)
                agent = text[toks[i][0]:toks[subj][1]]
                harmed = text[e:e + 80] if subj < k else text[max(0, s - 60):s] + " " + text[toks[subj][1]:toks[subj][1] + 60]
                cands.append((s, e, w, verb_lemma, "verbal_active", "agent_active", agent, harmed))
                continue
            plural = "plur" in tags or "3per" in tags and "plur" in tags
            if plural:  # indefinite-personal "обстреляли Харьков": no one named
                cands.append((s, e, w, verb_lemma, "verbal_active", "agentless", None, text[e:e + 80]))
                continue
            # a singular verb without a visible actor subject: a pronoun or an unnamed subject
            cands.append((s, e, w, verb_lemma, "verbal_active", "agentless", None, text[e:e + 80]))
            continue
        if k in nouns:
            agent, agent_end = None, e
            for j in range(k + 1, min(k + 4, len(toks))):
                wj = toks[j][2]
                gent = _can_be(wj, lang, "gent") or wj.isupper()
                if gent and (_is_actor(wj, lang) or _is_instrument(wj, lang) and _demonym_before(toks, j, lang) is not None):
                    i = _np_around(toks, j, lang)
                    agent = text[toks[max(i, k + 1)][0]:toks[j][1]]
                    agent_end = toks[j][1]
                    break
                if not _adjectival(wj, lang):
                    break
            d = _demonym_before(toks, k, lang) if agent is None else None
            if d is not None:
                agent = toks[d][2]
            if agent is None:
                # "противник усилил ракетные атаки", "ВСУ ведут обстрелы": the clause's subject
                subj = _subject(toks, k, lang, same_clause, after=0)
                if subj is not None:
                    i = _np_around(toks, subj, lang)
                    agent = text[toks[i][0]:toks[subj][1]]
            tail = text[agent_end:agent_end + 80] if agent and agent_end > e else text[e:e + 80]
            cands.append((s, e, w, next(iter(sorted(lemma_forms(w, lang) & harm_n))), "nominal",
                    "agent_active" if agent else "agentless", agent, tail))
            continue
    if not cands:
        return None
    rank = {"agent_passive": 0, "agent_active": 1, "agentless": 2}
    return sorted(cands, key=lambda c: (rank[c[5]], c[0]))[0]
