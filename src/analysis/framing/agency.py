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
                    r"came under (?:fire|attack|shelling)", r"(?:died|perished)")

_UA = re.compile(r"\b(Ukrain\w*|Kyiv|Kiev|Kharkiv|Kharkov|Odesa|Odessa|Lviv|Dnipro|Zaporizhzhia|Zaporozhye|Mykolaiv|"
                 r"Kherson|Sumy|Chernihiv|Mariupol|Bucha|Irpin|Kramatorsk|Sloviansk|Bakhmut|Avdiivka|Izium|Poltava|"
                 r"Vinnytsia|Kremenchuk|Uman|Dnipropetrovsk|Zelensk\w*)\b")
_RU = re.compile(r"\b(Russia\w*|Moscow|Kursk|Belgorod|Bryansk|Kremlin|Crimea\w*|Sevastopol|Rostov|Voronezh|"
                 r"Donetsk|Luhansk|Lugansk|Wagner|Putin\w*|Kadyrov\w*|Chechen\w*)\b")
_AUX = r"(?:is|are|was|were|been|being|be|got|gets|get|has been|have been|had been|will be|would be)"
_ADVS = r"(?:\s+(?:\w+ly|also|reportedly|again|then|later|not|never|all|both))*"
_NP_AGENT = (r"(?P<agent>(?:(?:the|a|an|their|its)\s+)?(?:[A-Z][\w'\u2019\-]*\s+){0,4}"
             r"(?:forces|troops|army|military|soldiers|drones?|missiles?|jets|aircraft|artillery|units|militants|"
             r"occupiers|invaders|terrorists|shells?|rockets?|fighters|gunmen|Moscow|Kyiv|Kiev|Russia|Ukraine|"
             r"[A-Z][\w'\u2019\-]+)|[Tt]hey|[Hh]e|[Ss]he|[Ww]e)")


@lru_cache(maxsize=1)
def _regexes():
    past = sorted({f for p, _ in HARM_VERBS.values() for f in p}, key=len, reverse=True)
    finite = sorted({f for p, o in HARM_VERBS.values() for f in (*p, *o) if not f.endswith("ing") and f not in {"attack", "shell", "strike", "kill", "fire", "destroy", "bomb", "damage", "wound", "injure", "target", "shoot", "raze", "demolish", "pound", "murder", "execute", "torture", "rape", "bombard", "launch", "blow up"}}, key=len, reverse=True)
    alt_past = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in past)
    alt_fin = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in finite)
    lemma_of = {}
    for lemma, (p, o) in HARM_VERBS.items():
        for f in (*p, *o):
            lemma_of[f] = lemma
    return {
        "passive": re.compile(rf"\b{_AUX}{_ADVS}\s+(?P<verb>{alt_past})\b(?P<rest>.*)", re.IGNORECASE | re.DOTALL),
        "by": re.compile(r"^[^.;]{0,80}?\bby\s+(?P<agent>(?:(?:a|an|the)\s+)?(?:(?:[\w'\u2019\-]+\s+){0,4}?(?:forces|troops|army|military|soldiers|drones?|missiles?|jets|artillery|units|militants|occupiers|invaders|shells?|rockets?|strikes?|attacks?|fire|shelling)|[A-Z][\w'\u2019\-]*(?:\s+[A-Z][\w'\u2019\-]*)*))\b"),
        "active": re.compile(rf"{_NP_AGENT}(?:\s*,[^,;]{{1,80}},)?(?:\s+(?:have|has|had|reportedly|also|again|then|allegedly|deliberately|repeatedly|continued to|continue to))*\s+(?P<verb>{alt_fin})\b(?!\s+(?:by|out)\b)"),
        "noun_agent": re.compile(r"(?P<agent>(?:Russian|Ukrainian|Russia['\u2019]s|Ukraine['\u2019]s|Israeli|Israel['\u2019]s|Kyiv['\u2019]s|Moscow['\u2019]s|enemy|Belarusian|Western))\s+(?:\w+\s+){0,2}?(?P<verb>" + "|".join(HARM_NOUNS) + r")\b"),
        "noun_by": re.compile(r"\b(?P<verb>" + "|".join(HARM_NOUNS) + r")\s+(?:carried out |launched |conducted )?by\s+(?P<agent>(?:(?:the|a|an)\s+)?(?:[\w'\u2019\-]+\s+){0,3}?[\w'\u2019\-]+)"),
        "noun": re.compile(r"\b(?P<verb>" + "|".join(HARM_NOUNS) + r")\b", re.IGNORECASE),
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
    """
    cols = ["article_id", "sentence_id", "start", "end", "verb", "lemma", "form", "agency", "agent",
            "agent_side", "harmed", "side_harmed"]
    if sentences is None or len(sentences) == 0:
        return pd.DataFrame(columns=cols)
    rx = _regexes()
    rows = []
    for aid, sid, off, text in zip(sentences["article_id"].tolist(), sentences["sentence_id"].tolist(),
                                   sentences["start"].tolist(), sentences["text"].tolist()):
        if not isinstance(text, str) or len(text) < 8:
            continue
        cands = []
        m = rx["passive"].search(text)
        if m:
            by = rx["by"].match(m.group("rest"))
            subj = re.split(r"[,;:]", text[:m.start()])[-1].strip()
            agent = by.group("agent") if by else None
            cands.append((m.start("verb"), m.end("verb"), m.group("verb"), "verbal_passive",
                          "agent_passive" if agent else "agentless", agent, subj))
        m = rx["active"].search(text)
        if m and m.group("agent").split()[-1].lower() not in {"which", "that", "who"}:
            cands.append((m.start("verb"), m.end("verb"), m.group("verb"), "verbal_active", "agent_active",
                          m.group("agent"), _harmed_after(text, m.end("verb"))))
        m = rx["event"].search(text)
        if m:
            cands.append((m.start(), m.end(), m.group("verb"), "event", "agentless", None,
                          re.split(r"[,;:]", text[:m.start()])[-1] + " " + _harmed_after(text, m.end())))
        m = rx["noun_by"].search(text)
        if m and not m.group("agent").split()[0].lower().endswith("ing"):
            cands.append((m.start("verb"), m.end("verb"), m.group("verb"), "nominal", "agent_passive", m.group("agent"),
                          _harmed_after(text, m.end())))
        m = rx["noun_agent"].search(text)
        if m:
            cands.append((m.start("verb"), m.end("verb"), m.group("verb"), "nominal", "agent_active", m.group("agent"),
                          _harmed_after(text, m.end())))
        if not cands:
            m = rx["noun"].search(text)
            if m and re.search(r"\b(kill|injur|wound|damag|destroy|hit|dead|casualt|civilian|residential|killed|struck)\w*", text, re.I):
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
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({"start": "int64", "end": "int64"}) if len(out) else out


def agentless_share(agency_frame: pd.DataFrame, articles: pd.DataFrame | None = None, *, by: str = "outlet",
                    side: bool = True) -> pd.DataFrame:
    """Share of harm sentences that name no agent, by group (and side harmed).

    Returns DataFrame[<by>, (side_harmed), n, n_agentless, share_agentless,
    ci_low, ci_high] with Wilson 95% intervals (Wilson 1927).
    """
    a = agency_frame.copy()
    if by not in a.columns:
        if articles is None or by not in articles.columns:
            a[by] = "all"
        else:
            a = a.merge(articles[["article_id", by]].drop_duplicates("article_id"), on="article_id", how="left")
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

    >>> [round(float(x), 3) for x in wilson(5, 10)]
    [0.237, 0.763]
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n > 0, k / n, np.nan)
        den = 1 + z ** 2 / n
        centre = (p + z ** 2 / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / den
    return centre - half, centre + half
