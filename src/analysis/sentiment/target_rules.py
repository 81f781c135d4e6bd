"""Predicate cues for target-dependent sentiment: what the target *does*.

News evaluates people through what they are reported to do as much as
through evaluative adjectives: "Cruz lied", "the senator pleaded guilty",
"Obama thanked the troops", "Walker won the primary". Such predicates carry
the writer's perspective toward their agent (the *connotation frames* of
Rashkin, Singh & Choi 2016, "Connotation Frames: A Data-Driven Investigation",
ACL: "perspective of the writer toward the agent"), yet most of them are not
in VADER. This module holds hand-written verb lists (lemmas, inflected by
:func:`analysis.targeted._inflect`) and the small scanners used by
:func:`analysis.targeted._analyse_parsed`:

* :func:`agent_predicate` — the sign of the verb of which the target is the
  subject ("X lied" -> -1, "X thanked ..." -> +1), skipping auxiliaries,
  adverbs and a relative "who"; a passive ("X was praised") is left to the
  accuse/praise rule;
* the accuser of an accuse verb is itself evaluated negatively in political
  news ("X slammed Y" is negative toward X and Y), which is what NewsMTSC's
  annotators mark (train split: targets before "accused" 16/3/0,
  "criticized" 10/1/0 negative/neutral/positive), so the accuser now takes
  ``RuleParams.accuser`` times the verb's sign instead of silence.

The lists were written by hand; which verbs to consider was guided by
NewsMTSC *train* (never the dev sets).

>>> from analysis.sentiment.target_rules import agent_predicate
>>> agent_predicate("cruz has repeatedly lied about it".split(), 1)
-1.0
>>> agent_predicate("obama thanked the troops".split(), 1)
1.0
>>> agent_predicate("obama was praised".split(), 1)
0.0
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

__all__ = ["AGENT_NEGATIVE", "AGENT_POSITIVE", "agent_predicate", "agent_verbs"]

#: verbs whose subject the writer presents negatively (legal jeopardy,
#: failure, deceit, aggression, retreat)
AGENT_NEGATIVE = """lie mislead deceive cheat steal plead resign apologize apologise admit acknowledge
face fail lose struggle stumble falter flounder backtrack retreat dodge evade refuse deny insist
dismiss deflect downplay ignore delete break violate abuse harass assault attack threaten bully
insult mock smear lash rant boast brag flip flop waffle stonewall obstruct sabotage collude conspire
blunder botch lag trail slump plummet crash tumble sink""".split()
#: verbs whose subject the writer presents positively (success, help, promise, gratitude)
AGENT_POSITIVE = """win thank lead vow pledge promise deliver earn deserve succeed achieve triumph
excel help serve protect rescue build create champion inspire unite praise honor honour celebrate
welcome commend applaud congratulate donate volunteer pioneer lift improve gain surge soar rally
""".split()
#: skipped between the target and its verb ("X has also repeatedly lied")
_SKIP = frozenset("""has had have also then later previously again once who , just already still
repeatedly reportedly allegedly publicly recently quickly finally eventually never ever
would will could can may might should must did does do""".split())
_PASSIVE = frozenset("was were is are be been being get got gets getting".split())
#: modal/negation before the verb reverses or voids the cue ("X did not lie")
_VOID = frozenset("not n't never no".split())


@lru_cache(maxsize=1)
def agent_verbs() -> dict[str, float]:
    """Inflected form -> +1/-1 for the agent-evaluating verbs.

    >>> agent_verbs()["lied"], agent_verbs()["won"]
    (-1.0, 1.0)
    """
    from analysis.targeted import _inflect

    irregular = {"lie": ["lied", "lies", "lying"], "win": ["won", "wins", "winning"],
                 "lead": ["led", "leads", "leading"], "lose": ["lost", "loses", "losing"],
                 "break": ["broke", "broken", "breaks"], "steal": ["stole", "stolen"],
                 "build": ["built"], "mislead": ["misled"], "sink": ["sank", "sunk"],
                 "flip": ["flipped"], "flop": ["flopped"], "plead": ["pled"]}
    out: dict[str, float] = {}
    for sign, lemmas in ((-1.0, AGENT_NEGATIVE), (1.0, AGENT_POSITIVE)):
        for form in _inflect(lemmas):
            out[form] = sign
        for lemma in lemmas:
            for form in irregular.get(lemma, ()):
                out[form] = sign
    return out


#: the auxiliary right after the target, when no evaluating verb follows:
#: obligation/possibility ("X should resign", "X may face charges") and
#: negation ("X did not ...") read as criticism, "X will ..." as a promise
#: (NewsMTSC train, targets followed by should 19/4/4, may 22/3/3, not 27/12/4,
#: will 14/21/51 negative/neutral/positive)
MODAL_CUES = {"should": -1.0, "must": -1.0, "may": -1.0, "might": -1.0, "not": -1.0, "n't": -1.0,
              "never": -1.0, "will": 1.0}


def agent_predicate(lows: Sequence[str], te: int, *, max_skip: int = 3, modal: float = 0.0) -> float:
    """+1/-1 when the token after the target (end index ``te``) is an agent-evaluating verb.

    ``lows`` are lower-cased tokens; up to ``max_skip`` auxiliaries/adverbs
    are skipped; a passive auxiliary or a negation before the verb gives 0.
    Without such a verb, ``modal`` times the sign of the first modal or
    negation after the target (:data:`MODAL_CUES`) is returned.

    >>> agent_predicate("cruz should go".split(), 1, modal=0.5)
    -0.5
    """
    verbs = agent_verbs()
    n = len(lows)
    j, skipped = te, 0
    cue = 0.0
    while j < n and skipped < max_skip and lows[j] in _SKIP:
        if not cue:
            cue = MODAL_CUES.get(lows[j], 0.0)
        j += 1
        skipped += 1
    if j < n and not cue and lows[j] in _VOID:
        cue = MODAL_CUES.get(lows[j], 0.0)
    if j >= n or lows[j] in _PASSIVE or lows[j] in _VOID:
        return cue * modal
    sign = verbs.get(lows[j], 0.0)
    return sign if sign else cue * modal
