"""Agency in reports of violence: who is said to have done the harm.

Each sentence that reports violence or damage (attack, shell, strike, kill,
fire, destroy, bomb, hit, damage, wound, injure, target, shoot, ...) is
classed by how the grammar presents the perpetrator:

* ``agent_active``  - "Russian forces shelled Kharkiv"; also a nominal with an
  agentive modifier ("a Russian missile strike", "Ukraine's attack").
* ``agent_passive`` - "Kharkiv was shelled by Russian forces" / "an attack by ...".
* ``agentless``     - "Kharkiv was shelled", "a fire broke out", "explosions
  were heard", "the strike killed five".

Agentless passives and nominalisations hide responsibility (Trew 1979,
"Theory and ideology at work", in Fowler et al., *Language and Control*;
Fairclough 2003, *Analysing Discourse*, ch. 8; see README-framing.md). Without a dependency parser offline
(NLTK ships no pretrained tagger without a download) this is rule-based: a
hand-written verb lexicon with inflections, auxiliary detection
(is/are/was/were/been/being/got + participle) and "by"-phrases; the subject
of an active verb is the noun phrase right before it.

Example
-------
>>> import pandas as pd
>>> from analysis.text import sentences
>>> arts = pd.DataFrame({"article_id": ["a"], "text": [
...     "Russian forces shelled Kharkiv. Kharkiv was shelled by Russian forces. "
...     "Kharkiv was shelled overnight. A fire broke out at the plant."]})
>>> agency(sentences(arts))[["agency", "agent", "side_harmed"]].values.tolist()
[['agent_active', 'Russian forces', 'ukraine'], ['agent_passive', 'Russian forces', 'ukraine'], ['agentless', nan, 'ukraine'], ['agentless', nan, nan]]
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.framing._lexicon import with_group

__all__ = ["HARM_VERBS", "agency", "agentless_share", "side_of"]

#: lemma -> (past/participle forms, other finite forms)
HARM_VERBS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "attack": (("attacked",), ("attack", "attacks", "attacking")),
    "shell": (("shelled",), ("shell", "shells", "shelling")),
    "strike": (("struck", "stricken"), ("strike", "strikes", "striking")),
    "kill": (("killed",), ("kill", "kills", "killing")),
    "fire": (("fired",), ("fire", "fires", "firing")),
    "destroy": (("destroyed",), ("destroy", "destroys", "destroying")),
    "bomb": (("bombed",), ("bomb", "bombs", "bombing")),
    "hit": (("hit",), ("hits", "hitting")),
    "damage": (("damaged",), ("damage", "damages", "damaging")),
    "wound": (("wounded",), ("wound", "wounds", "wounding")),
    "injure": (("injured",), ("injure", "injures", "injuring")),
    "target": (("targeted", "targetted"), ("target", "targets", "targeting")),
    "shoot": (("shot",), ("shoot", "shoots", "shooting")),
    "shoot down": (("shot down",), ("shoots down", "shooting down")),
    "raze": (("razed",), ("raze", "razes", "razing")),
    "demolish": (("demolished",), ("demolish", "demolishes", "demolishing")),
    "pound": (("pounded",), ("pound", "pounds", "pounding")),
    "blow up": (("blown up", "blew up"), ("blow up", "blows up", "blowing up")),
    "murder": (("murdered",), ("murder", "murders", "murdering")),
    "execute": (("executed",), ("execute", "executes", "executing")),
    "torture": (("tortured",), ("torture", "tortures", "torturing")),
    "rape": (("raped",), ("rape", "rapes", "raping")),
    "bombard": (("bombarded",), ("bombard", "bombards", "bombarding")),
    "launch": (("launched",), ("launch", "launches", "launching")),
}
#: event nouns that report harm without a verb
HARM_NOUNS = ("attacks?", "strikes?", "airstrikes?", "air strikes?", "missile strikes?", "drone strikes?",
              "shelling", "bombing", "bombardment", "explosions?", "blasts?", "fire", "fires", "killings?",
              "massacre", "destruction", "damage", "casualties", "deaths?")
#: agentless intransitive harm events
AGENTLESS_EVENTS = (r"(?:a |the )?fires? (?:broke|breaks|break|breaking|has broken|had broken) out",
                    r"explosions? (?:was|were|have been|had been) (?:heard|reported)",
                    r"(?:explosions?|blasts?) (?:rocked|rock|rang out|ripped through|hit|shook)",
                    r"(?:was|were) (?:killed|injured|wounded|hurt) in (?:an?|the) (?:attack|strike|shelling|explosion|blast)",
                    r"came under (?:fire|attack|shelling)",
                    # not natural deaths ("died ... at the age of 85", "died of cancer")
                    r"(?:died|perished)(?![^.;]{0,60}\b(?:at the age of|aged \d|of natural causes|of (?:an? )?(?:illness|cancer|heart))\b)")

_UA = re.compile(r"\b(Ukrain\w*|Kyiv|Kiev|Kharkiv|Kharkov|Odesa|Odessa|Lviv|Dnipro|Zaporizhzhia|Zaporozhye|Mykolaiv|"
                 r"Kherson|Sumy|Chernihiv|Mariupol|Bucha|Irpin|Kramatorsk|Sloviansk|Bakhmut|Avdiivka|Izium|Poltava|"
                 r"Vinnytsia|Kremenchuk|Uman|Dnipropetrovsk|Zelensk\w*)\b")
_RU = re.compile(r"\b(Russia\w*|Moscow|Kursk|Belgorod|Bryansk|Kremlin|Crimea\w*|Sevastopol|Rostov|Voronezh|"
                 r"Donetsk|Luhansk|Lugansk|Wagner|Putin\w*|Kadyrov\w*|Chechen\w*)\b")
_AUX = r"(?:is|are|was|were|been|being|be|got|gets|get|getting|has been|have been|had been|will be|would be)"
_ADVS = r"(?:\s+(?:\w+ly|also|reportedly|again|then|later|not|never|all|both))*"
_NP_AGENT = (r"(?<![\w'\u2019\-])(?P<agent>(?:(?:the|a|an|their|its)\s+)?(?:[A-Z][\w'\u2019\-]*\s+){0,4}"
             r"(?:forces|troops|army|military|soldiers|drones?|missiles?|jets|aircraft|artillery|units|militants|"
             r"occupiers|invaders|terrorists|shells?|rockets?|fighters|gunmen|Moscow|Kyiv|Kiev|Russia|Ukraine|"
             r"[A-Z][\w'\u2019\-]+)|[Tt]hey|[Hh]e|[Ss]he|[Ww]e)")


#: nationality adjectives and possessives that name who carried out an attack ("Iranian attack",
#: "Iran's strike", "US military's strike"); place names ("the Kharkiv attack") name the target
_DEMONYM = (r"(?:(?:Russian|Ukrainian|Israeli|Belarusian|Western|Iranian|American|Chinese|British|Polish|Turkish|"
            r"Syrian|Iraqi|Saudi|Palestinian|Lebanese|Yemeni|Houthi|French|German|Soviet|NATO|US|U\.S\.|Hamas|"
            r"Hezbollah|Wagner|Chechen|Georgian|Azerbaijani|Armenian|enemy)(?:-[A-Z][a-z]+)?"
            r"(?:\s+(?:military|army|forces|troops|air\s+force|navy)['\u2019]s)?"
            r"|[A-Z][\w\-]+['\u2019]s(?:\s+(?:military|army|forces|troops|air\s+force|navy)['\u2019]s)?)")
#: actors (not instruments or events) that can be the agent in a by-phrase
_ACTOR = re.compile(r"\b(?:forces|troops|army|military|soldiers?|units|militants|occupiers|invaders|terrorists|fighters|"
                    r"gunmen|police|regime|government|enemy|hackers|saboteurs|[A-Z][\w'\u2019\-]*)\b")
#: verbs that take an attack noun as object: "Moscow launched attacks", "Russia threatened strikes"
_LIGHT = (r"(?:launch\w*|carr(?:y|ies|ied|ying)\s+out|conduct\w*|threaten\w*|intensif\w*|step(?:s|ped|ping)?\s+up|"
          r"increas\w*|prepar\w*|start\w*|began|begin\w*|renew\w*|mount\w*|stag\w*|maintain\w*|unleash\w*)")
#: unambiguous violent event nouns (no context needed); the rest of HARM_NOUNS needs a military context
_VIOLENT_NOUNS = ("airstrikes?", "air strikes?", "missile strikes?", "drone strikes?", "shelling", "bombing",
                  "bombardment", "explosions?", "blasts?", "killings?", "massacre", "terror(?:ist)? attacks?")
_MILITARY_CONTEXT = re.compile(r"\b(?:kill|injur|wound|damag|destroy|hit|dead|casualt|civilian|residential|struck|missile|"
                               r"rocket|drone|artiller|troops|forces|army|military|soldier|war|cities|city|bomb|shell|"
                               r"weapon|invasion|terror|front)\w*", re.I)
_NOT_VIOLENT = re.compile(r"\b(?:cyber|hacker|sanction|heart\s+attack|panic\s+attack|verbal|rhetoric|price)\w*", re.I)


@lru_cache(maxsize=1)
def _regexes():
    past = sorted({f for p, _ in HARM_VERBS.values() for f in p}, key=len, reverse=True)
    finite = sorted({f for p, o in HARM_VERBS.values() for f in (*p, *o) if not f.endswith("ing") and f not in {"attack", "shell", "strike", "kill", "fire", "destroy", "bomb", "damage", "wound", "injure", "target", "shoot", "raze", "demolish", "pound", "murder", "execute", "torture", "rape", "bombard", "launch", "blow up"}}, key=len, reverse=True)
    base = sorted({lemma for lemma in HARM_VERBS if lemma not in {"fire", "hit", "launch", "target", "execute", "pound"}},
                  key=len, reverse=True)
    ing = sorted({f for _, o in HARM_VERBS.values() for f in o if f.endswith("ing")}, key=len, reverse=True)
    participles = sorted({f for lemma, (p, _) in HARM_VERBS.items() for f in p
                          if lemma not in {"fire", "hit", "launch", "target", "execute", "pound", "strike", "shoot"}},
                         key=len, reverse=True)
    alt_past = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in past)
    alt_fin = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in finite)
    alt_base = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in base)
    alt_ing = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in ing)
    alt_part = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in participles)
    nouns = "|".join(HARM_NOUNS)
    lemma_of = {}
    for lemma, (p, o) in HARM_VERBS.items():
        for f in (*p, *o):
            lemma_of[f] = lemma
    return {
        "passive": re.compile(rf"\b{_AUX}{_ADVS}\s+(?P<verb>{alt_past})\b(?P<rest>.*)", re.IGNORECASE | re.DOTALL),
        "by": re.compile(r"^[^.;]{0,80}?\bby\s+(?P<agent>(?:(?:a|an|the)\s+)?(?:(?:[\w'\u2019\-]+\s+){0,4}?(?:forces|troops|army|military|soldiers|drones?|missiles?|jets|artillery|units|militants|occupiers|invaders|shells?|rockets?|strikes?|attacks?|fire|shelling)|[A-Z][\w'\u2019\-]*(?:\s+[A-Z][\w'\u2019\-]*)*))\b"),
        "active": re.compile(rf"{_NP_AGENT}(?:\s*,[^,;]{{1,80}},)?(?:\s+(?:have|has|had|reportedly|also|again|then|allegedly|deliberately|repeatedly|continued to|continue to))*\s+(?P<verb>{alt_fin})\b(?!\s+(?:by|out)\b)"),
        # "Moscow plans to attack", "it will continue to attack", "Russia continues killing"
        "active_modal": re.compile(rf"{_NP_AGENT}(?:\s+[\w'\u2019]+){{0,3}}?\s+(?:to|will|would|could|can|cannot|may|might|must|should|shall|(?:does|do|did)(?:\s*n[o'\u2019]t)?)\s+(?:(?:not|never|also|again|be\s+able\s+to|continue\s+to)\s+)*(?P<verb>{alt_base})\b(?!\s+(?:by|out)\b)"),
        "active_ing": re.compile(rf"{_NP_AGENT}\s+(?:continu\w*|keep\w*|kept|start\w*|began|begun|stop\w*)\s+(?P<verb>{alt_ing})\b"),
        # "Moscow launched coordinated missile attacks", "Russia has threatened strikes"
        "noun_light": re.compile(rf"{_NP_AGENT}(?:\s+[\w'\u2019]+){{0,3}}?\s+{_LIGHT}\s+(?:(?:a|an|the|new|more|its|their|further|fresh)\s+)?(?:[\w\-]+\s+){{0,3}}?(?P<verb>attacks?|strikes?|airstrikes?|assaults?|bombardment|shelling|bombing)\b"),
        "noun_agent": re.compile(r"(?<![\w'\u2019\-])(?P<agent>" + _DEMONYM + r")\s+(?:[\w\-]+\s+){0,2}?(?P<verb>" + nouns + r")\b"),
        "noun_by": re.compile(r"\b(?P<verb>" + "|".join(HARM_NOUNS) + r")\s+(?:carried out |launched |conducted )?by\s+(?P<agent>(?:(?:the|a|an)\s+)?(?:[\w'\u2019\-]+\s+){0,3}?[\w'\u2019\-]+)"),
        "noun": re.compile(r"\b(?P<verb>" + "|".join(HARM_NOUNS) + r")\b", re.IGNORECASE),
        "violent_noun": re.compile(r"\b(?P<verb>" + "|".join(_VIOLENT_NOUNS) + r")\b", re.IGNORECASE),
        # reduced passives and participles without an auxiliary: "civilians killed in Bucha", "killed people"
        "participle": re.compile(rf"(?<![\w'\u2019\-])(?<!having )(?<!have )(?<!has )(?<!had )(?P<verb>{alt_part})\b(?P<rest>.*)", re.IGNORECASE | re.DOTALL),
        "event": re.compile(r"\b(?P<verb>" + "|".join(AGENTLESS_EVENTS) + r")\b", re.IGNORECASE),
        "lemma_of": lemma_of,
    }


def side_of(text: str | None) -> str | None:
    """'ukraine' / 'russia' / 'both' / None from place and actor names in ``text``.

    >>> side_of("Kharkiv residents"), side_of("Belgorod region"), side_of("a car")
    ('ukraine', 'russia', None)
    """
    if not isinstance(text, str) or not text:
        return None
    ua, ru = bool(_UA.search(text)), bool(_RU.search(text))
    return "both" if ua and ru else "ukraine" if ua else "russia" if ru else None


_CLAUSE_BREAK = re.compile(r"\b(?:and|but|while|which|who|when|after|before|then)\b")


def _by_agent(rx, rest: str) -> str | None:
    """The agent of a passive from its by-phrase: an actor ("by Russian forces",
    "by Moscow"), not an instrument or event ("by shelling", "by the war"), in
    the same clause ("wounded and was treated by doctors" has no agent)."""
    by = rx["by"].match(rest)
    if not by or _CLAUSE_BREAK.search(rest[:by.start("agent")]):
        return None
    agent = by.group("agent")
    return agent if _ACTOR.search(agent) else None


def _harmed_after(text: str, end: int) -> str:
    m = re.match(r"\s*(?P<np>[^,.;:]{0,80})", text[end:])
    return m.group("np").strip() if m else ""


def agency(sentences: pd.DataFrame, *, mentions=None) -> pd.DataFrame:
    """Class every harm-reporting sentence by how it presents the agent.

    Parameters
    ----------
    sentences : :func:`analysis.text.sentences` output.
    mentions : optional entity mentions (reserved; names are read from the text).

    Returns
    -------
    DataFrame[article_id, sentence_id, start, end, verb, lemma, form, agency,
    agent, agent_side, harmed, side_harmed] - ``start``/``end`` locate the harm
    expression in the article text; ``form`` is verbal_active, verbal_passive,
    nominal or event; ``agency`` is agent_active, agent_passive or agentless.
    One row per sentence (the first harm expression; sentences inside quotation
    marks are classed too - they are the speaker's grammar, not the outlet's).
    Dtypes are fixed (:data:`AGENCY_DTYPES`; text columns ``str`` with NaN for
    missing) whatever the number of rows; ``article_id`` keeps the input's dtype.
    """
    cols = AGENCY_COLUMNS
    id_dtype = sentences["article_id"].dtype if sentences is not None and "article_id" in sentences else object
    if sentences is None or len(sentences) == 0:
        return _typed(pd.DataFrame(columns=cols), id_dtype)
    from analysis.framing._prefilter import TextBatch

    rx = _regexes()
    aids, sids = sentences["article_id"].tolist(), sentences["sentence_id"].tolist()
    offs, texts = sentences["start"].tolist(), sentences["text"].tolist()
    from analysis.framing._cyr import CYR_LANGS, lang_column

    langs = lang_column(sentences)
    cyr = [i for i, code in enumerate(langs) if code in CYR_LANGS]
    keep = [i for i, t in enumerate(texts) if isinstance(t, str) and len(t) >= 8]
    if cyr:  # Russian/Ukrainian sentences: morphology rules of agency_cyr
        skip = set(cyr)
        keep = [i for i in keep if i not in skip]
    # an RE2 superset of each rule rules out sentences where its exact regex cannot match
    batch = TextBatch([texts[i] for i in keep])
    rules = ("passive", "active", "active_modal", "active_ing", "noun_light", "event", "noun_by", "noun_agent",
             "noun", "violent_noun", "participle")
    # few sentences pass the rules' cores (7% of the bench's): no dense first pass
    may = dict(zip(rules, batch.masks([rx[name] for name in rules], dense=False)))
    todo = np.flatnonzero(np.logical_or.reduce(list(may.values()))) if keep else np.zeros(0, dtype=int)
    rows = []
    todo_done: list[int] = []
    for k in todo:
        i = keep[k]
        aid, sid, off, text = aids[i], sids[i], offs[i], texts[i]
        cands = []

        def search(name, text=text, k=k):  # called only within this iteration; defaults bind it explicitly
            return rx[name].search(text) if may[name][k] else None

        m = search("passive")
        if m:
            agent = _by_agent(rx, m.group("rest"))
            subj = re.split(r"[,;:]", text[:m.start()])[-1].strip()
            cands.append((m.start("verb"), m.end("verb"), m.group("verb"), "verbal_passive",
                          "agent_passive" if agent else "agentless", agent, subj))
        for name in ("active", "active_modal", "active_ing"):
            m = search(name)
            if m and m.group("agent").split()[-1].lower() not in {"which", "that", "who"}:
                cands.append((m.start("verb"), m.end("verb"), m.group("verb"), "verbal_active", "agent_active",
                              m.group("agent"), _harmed_after(text, m.end("verb"))))
        m = search("event")
        if m:
            cands.append((m.start(), m.end(), m.group("verb"), "event", "agentless", None,
                          re.split(r"[,;:]", text[:m.start()])[-1] + " " + _harmed_after(text, m.end())))
        m = search("noun_by")
        if m and not m.group("agent").split()[0].lower().endswith("ing") and _ACTOR.search(m.group("agent")):
            cands.append((m.start("verb"), m.end("verb"), m.group("verb"), "nominal", "agent_passive", m.group("agent"),
                          _harmed_after(text, m.end())))
        for name in ("noun_agent", "noun_light"):
            m = search(name)
            if m and m.group("agent").split()[-1].lower() not in {"which", "that", "who"} \
                    and not _NOT_VIOLENT.search(text[max(m.start("verb") - 12, 0):m.end("verb")]):
                cands.append((m.start("verb"), m.end("verb"), m.group("verb"), "nominal", "agent_active",
                              m.group("agent"), _harmed_after(text, m.end())))
        if not cands:
            m = search("participle")
            if m:
                agent = _by_agent(rx, m.group("rest"))
                cands.append((m.start("verb"), m.end("verb"), m.group("verb"), "verbal_passive",
                              "agent_passive" if agent else "agentless", agent,
                              re.split(r"[,;:]", text[:m.start()])[-1].strip()))
        if not cands and not _NOT_VIOLENT.search(text):
            m = search("violent_noun")
            if not m:
                m = search("noun")
                m = m if m and _MILITARY_CONTEXT.search(text) else None
            if m:
                cands.append((m.start("verb"), m.end("verb"), m.group("verb"), "nominal", "agentless", None,
                              _harmed_after(text, m.end())))
        if not cands:
            continue
        # prefer an explicit agent, then the earliest expression
        rank = {"agent_passive": 0, "agent_active": 1, "agentless": 2}
        s, e, verb, form, cls, agent, harmed = sorted(cands, key=lambda c: (rank[c[4]], c[0]))[0]
        lemma = rx["lemma_of"].get(verb.lower(), re.sub(r"s$", "", verb.lower()))
        harmed = (harmed or "").strip() or None
        sh = side_of(harmed) or (side_of(text) if cls == "agentless" or side_of(agent) is None else None)
        if sh is None and cls != "agentless":
            ag = side_of(agent)
            sh = {"russia": "ukraine", "ukraine": "russia"}.get(ag) if ag in {"russia", "ukraine"} and side_of(text) in {ag, None} and False else side_of(re.sub(re.escape(agent or ""), "", text))
        rows.append((aid, sid, off + s, off + e, verb, lemma, form, cls, agent, side_of(agent), harmed, sh))
        todo_done.append(k)
    if cyr:
        order = {i: n for n, i in enumerate(range(len(texts)))}
        placed = [(keep[k], r) for k, r in zip(todo_done, rows)]
        placed.extend(_cyrillic_agency(aids, sids, offs, texts, langs, cyr))
        rows = [r for _i, r in sorted(placed, key=lambda x: order[x[0]])]
    return _typed(pd.DataFrame(rows, columns=cols), id_dtype)


def _cyrillic_agency(aids, sids, offs, texts, langs, idx) -> list:
    from analysis.framing.agency_cyr import agency_rows, side_of_cyr

    out = []
    for i in idx:
        text = texts[i]
        if not isinstance(text, str) or len(text) < 8:
            continue
        hit = agency_rows(text, langs[i])
        if hit is None:
            continue
        s, e, verb, lemma, form, cls, agent, harmed = hit
        sh = side_of_cyr(harmed) or (side_of_cyr(text) if cls == "agentless" else None)
        out.append((i, (aids[i], sids[i], offs[i] + s, offs[i] + e, verb, lemma, form, cls, agent,
                        side_of_cyr(agent), (harmed or "").strip() or None, sh)))
    return out


AGENCY_COLUMNS = ["article_id", "sentence_id", "start", "end", "verb", "lemma", "form", "agency", "agent",
                  "agent_side", "harmed", "side_harmed"]
#: dtypes of :func:`agency` output (article_id keeps the input's dtype)
AGENCY_DTYPES = {"sentence_id": "int64", "start": "int64", "end": "int64", "verb": "str", "lemma": "str",
                 "form": "str", "agency": "str", "agent": "str", "agent_side": "str", "harmed": "str",
                 "side_harmed": "str"}
_HARM_CONTEXT = re.compile(r"\b(kill|injur|wound|damag|destroy|hit|dead|casualt|civilian|residential|killed|struck)\w*",
                           re.I)


def _typed(frame: pd.DataFrame, id_dtype) -> pd.DataFrame:
    out = {}
    for column in AGENCY_COLUMNS:
        values = frame[column].to_numpy(dtype=object) if len(frame) else np.array([], dtype=object)
        if column != "article_id" and AGENCY_DTYPES[column] == "str":
            values = np.array([None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in values],
                              dtype=object)
        out[column] = pd.Series(values, dtype=id_dtype if column == "article_id" else AGENCY_DTYPES[column])
    return pd.DataFrame(out, columns=AGENCY_COLUMNS)


def agentless_share(agency_frame: pd.DataFrame, articles: pd.DataFrame | None = None, *, by: str = "outlet",
                    side: bool = True) -> pd.DataFrame:
    """Share of harm sentences that name no agent, by group (and side harmed).

    Returns DataFrame[<by>, (side_harmed), n, n_agentless, share_agentless,
    ci_low, ci_high] with Wilson 95% intervals (Wilson 1927).
    """
    a = with_group(agency_frame, articles, by)
    keys = [by] + (["side_harmed"] if side else [])
    if side:
        a["side_harmed"] = a["side_harmed"].fillna("unknown")
    cols = keys + ["n", "n_agentless", "share_agentless", "ci_low", "ci_high"]
    if a.empty:
        return pd.DataFrame(columns=cols)
    g = a.groupby(keys, dropna=False)
    out = g.agg(n=("agency", "size"), n_agentless=("agency", lambda s: int((s == "agentless").sum()))).reset_index()
    out["share_agentless"] = out["n_agentless"] / out["n"]
    out["ci_low"], out["ci_high"] = wilson(out["n_agentless"].to_numpy(), out["n"].to_numpy())
    return out[cols]


def wilson(k, n, z: float = 1.959964):
    """Wilson score interval for proportions k/n (vectorised).

    Bounds are exact at the ends: 0 for k = 0 and 1 for k = n (not a rounding error's
    ±1e-18, which puts the share outside its own interval and breaks error bars).

    >>> [round(float(x), 3) for x in wilson(5, 10)]
    [0.237, 0.763]
    >>> float(wilson(0, 9)[0]), float(wilson(9, 9)[1])
    (0.0, 1.0)
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n > 0, k / n, np.nan)
        den = 1 + z ** 2 / n
        centre = (p + z ** 2 / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / den
    low = np.where((k == 0) & (n > 0), 0.0, centre - half)
    high = np.where((k == n) & (n > 0), 1.0, centre + half)
    return low, high
