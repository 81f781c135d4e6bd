"""Entity roles: how a text casts an actor (SemEval-2025 Task 10, subtask 1).

For an entity mention (article_id, start, end) the text casts the entity as a
**main role** - Protagonist, Antagonist or Innocent - and one or more **fine
roles** (Guardian, Peacemaker ...; Instigator, Tyrant, Deceiver ...; Victim,
Exploited ...): the entity-framing scheme of Mahmoud et al. (2025) used in
SemEval-2025 Task 10 (Piskorski et al. 2025). :data:`MAIN_ROLES` maps each main
role to its fine roles.

Two methods, one output schema (:data:`ROLE_COLUMNS`):

``rules`` (training-free default)
    cues the project already extracts: the mention's side in the gazetteer
    (``data/lexicons/gazetteer.yml``), the article's stance from its vocabulary
    (``stance`` cues in ``data/lexicons/roles.yml``: "Kiev regime", "special
    military operation" vs "invasion", "occupiers"), target-dependent sentiment
    toward the mention (:mod:`analysis.targeted`, English), whether the mention
    names non-combatants (civilians, children ...) and harm verbs around it
    (agent or patient of "shelled", "killed"), and fine-role cue words near the
    mention (``fine_roles`` in ``roles.yml``).
``model`` (trained)
    a multinomial logistic regression for the main role and one for the fine
    role, over sparse features of the mention's context: words and 5-letter
    word prefixes in windows around the mention (side-marked, position-marked
    next to it), the words of the sentence, the mention's own words and
    character n-grams, pymorphy3 lemmas for Russian (:mod:`analysis.morph`),
    the side, the article stance (alone and crossed with the side), the rule
    cues and the target-sentiment score; for English whether the mention is the
    agent or the patient of a harm / help / peace / accuse / deceive / suffer
    word in its clause (:func:`cast_features`; round 8; the harm words include the agency module's since
    round 9) and how the article's quotes cast it - the speaker of a quote and the tone of what it says, inside
    a quote, the tone of the quotes naming it (:func:`quote_features`; round 9); for Russian also the mean navec
    word vector (the ``natasha`` wheel's news vectors) of the window's and of
    the mention's lemmas, as dense blocks (:func:`_embedding_features`; grouped
    5-fold CV on the SemEval ru folder 0.738 -> 0.767 main accuracy); for English,
    once ``python -m analysis.train wordvectors`` has learned vectors from
    unlabelled text (:mod:`analysis.wordvectors`), the frequency-weighted mean
    vectors of the window and of the words around every occurrence of the
    mention's surface (:func:`_en_window_vector`, :func:`_en_context_vector`;
    grouped 5-fold CV on the en folder, mean of 10 fold seeds, 0.692 -> 0.709).
    With ``collective=True`` (round 7; the default of the joint English model
    that ``python -m analysis.train roles`` trains since round 10: grouped 5-fold CV,
    mean of 10 fold seeds, 0.715 / 0.608 -> 0.726 / 0.622) the model decodes
    collectively: a stage-2 main-role model reads one more feature, the lean of the article implied by the
    stage-1 roles of its other mentions, crossed with the side
    (:func:`collective_features`), so :func:`predict_roles` scores every
    mention of an article before deciding any (a mention's role then depends on the
    other mentions of its article passed in the same call). That model adds a fixed
    log-offset of 0.25 to Antagonist before its argmax (round 11, ``antagonist_offset``;
    mean of fold seeds 10-19 0.722 / 0.618 -> 0.732 / 0.620).
    Language-agnostic except for the lemmas, vectors and sentiment, so
    Russian gets its own trained model too. Weights
    are written as JSON by ``python -m analysis.train roles --train DIR --out
    data/models/roles_en.json`` and scored with numpy (never pickled).

``method="auto"`` uses ``data/models/roles_<lang>.json`` when it exists, else
the rules. :func:`role_shares` turns per-mention roles into shares per actor,
outlet and period with counts and Wilson 95% intervals.

>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["a"], "text": [
...     "Russian forces shelled Kharkiv overnight, killing four civilians. Zelenskyy vowed to defend the city."]})
>>> ments = pd.DataFrame({"article_id": ["a", "a", "a"], "start": [0, 55, 66], "end": [7, 64, 75]})
>>> predict_roles(ments, arts, method="rules")["main_role"].tolist()
['Antagonist', 'Innocent', 'Protagonist']
"""

from __future__ import annotations

import csv
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Container, Mapping, Sequence
from functools import lru_cache
from itertools import accumulate
from operator import sub
from pathlib import Path

import numpy as np
import pandas as pd

from analysis._linear import SparseLinear, fit_linear, save_json

__all__ = [
    "ACTORS",
    "FINE_ROLES",
    "MAIN_ROLES",
    "ROLE_COLUMNS",
    "RoleModel",
    "actor_mentions",
    "apply_bias",
    "collective_features",
    "entity_roles",
    "role_evidence",
    "load_role_model",
    "mention_features",
    "predict_roles",
    "quote_features",
    "read_roles_dir",
    "read_task_dirs",
    "role_shares",
    "train_role_model",
    "tune_main_bias",
]

MAIN_ROLES: dict[str, tuple[str, ...]] = {
    "Protagonist": ("Guardian", "Martyr", "Peacemaker", "Rebel", "Underdog", "Virtuous"),
    "Antagonist": ("Instigator", "Conspirator", "Tyrant", "Foreign Adversary", "Traitor", "Spy", "Saboteur",
                   "Corrupt", "Incompetent", "Terrorist", "Deceiver", "Bigot"),
    "Innocent": ("Forgotten", "Exploited", "Victim", "Scapegoat"),
}
FINE_ROLES: tuple[str, ...] = tuple(r for roles in MAIN_ROLES.values() for r in roles)
MAIN_OF = {fine: main for main, roles in MAIN_ROLES.items() for fine in roles}
#: columns added by :func:`predict_roles`
ROLE_COLUMNS = ["main_role", "main_confidence", "p_protagonist", "p_antagonist", "p_innocent", "fine_roles",
                "fine_role", "fine_confidence", "method"]
#: words either side of the mention in which rule cues are looked for
RULE_WINDOW = 8
#: below this fine-model probability the rules' cue-word fine role is used when the main roles agree
#: (chosen by grouped 5-fold CV on the English SemEval-2025 set: fine exact match 0.168 -> 0.196); a model trained
#: with ``fine_fallback`` carries its own (the joint English default: 0.5, round 11)
FINE_FALLBACK = 0.3
MODEL_FORMAT = "analysis.roles/1"

_WORD = re.compile(r"\w+(?:[-'\u2019]\w+)*|[^\w\s]")
# _WORD preceded by the whitespace it skips (every other character starts a word): findall's "gap+word"
# strings give the spans by their lengths, without a Match object per word. Possessive, as no match
# could give characters back (\w never matches [-'\u2019] or a space), and \S for [^\w\s]: after the
# gap a character that starts no \w run is neither a word character nor a space.
_GAP_WORD = re.compile(r"\s*+(?:\w++(?:[-'\u2019]\w++)*+|\S)")


# --------------------------------------------------------------------------- lexicon
@lru_cache(maxsize=4)
def role_lexicon(path: str | None = None) -> dict:
    """``data/lexicons/roles.yml`` (cue prefixes per fine role, stance, sides)."""
    from analysis.framing._lexicon import lexicon_path, load_yaml

    return load_yaml(str(path or lexicon_path("roles.yml")))


def _prefix_regex(cues: Sequence[str]) -> re.Pattern | None:
    cues = [c.lower() for c in cues if c]
    if not cues:
        return None
    alts = sorted({re.escape(c).replace(r"\ ", r"\s+") for c in cues}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")")


@lru_cache(maxsize=4)
def _cues(lang: str) -> dict:
    lex = role_lexicon()
    lang = "ru" if lang in ("ru", "uk") else "en"
    fine = {r: _prefix_regex(d.get("cues", {}).get(lang, [])) for r, d in lex["fine_roles"].items()}
    stance = {k: _prefix_regex(v.get(lang, [])) for k, v in lex["stance"].items()}
    sides = {k: _prefix_regex(v.get(lang, [])) for k, v in lex["side_cues"].items()}
    innocent = _prefix_regex(lex["innocent_entities"].get(lang, []))
    return {"fine": fine, "stance": stance, "sides": sides, "innocent": innocent}


@lru_cache(maxsize=1)
def _gazetteer_sides() -> dict[str, str]:
    """Surface form (lower case) -> side, from the gazetteer's aliases and descriptions."""
    from analysis.entities import load_gazetteer

    gaz = load_gazetteer()
    side = dict(zip(gaz.entities["entity_id"], gaz.entities["side"]))
    out: dict[str, str] = {}
    for surface, eid in zip(gaz.surfaces["surface"], gaz.surfaces["entity_id"]):
        s = side.get(eid)
        if s and s != "none":
            out.setdefault(surface.lower(), s)
    return out


def mention_side(surface: str, lang: str = "en", entity_side: str | None = None) -> str:
    """Side of a mention: the gazetteer's (given or looked up), else cue prefixes, else ``none``."""
    if isinstance(entity_side, str) and entity_side and entity_side != "none":
        return entity_side
    low = (surface or "").lower().strip()
    sides = _gazetteer_sides()
    if low in sides:
        return sides[low]
    words = _WORD.findall(low)
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            s = sides.get(" ".join(words[i:i + n]))
            if s:
                return s
    for name, rx in _cues(lang)["sides"].items():
        if rx is not None and rx.search(low):
            return name
    return "none"


def detect_lang(text: str) -> str:
    """"ru", "uk" or "en": enough to pick a model. Delegates to :func:`analysis.lang.detect_lang`;
    other Cyrillic-script languages (be, bg, sr) take the Russian path, anything else (Latin
    script, no letters) the English one.

    >>> detect_lang("Путин заявил"), detect_lang("Україна зазнала"), detect_lang("Putin said"), detect_lang("")
    ('ru', 'uk', 'en', 'en')
    """
    from analysis.lang import _CYRILLIC_LANGS
    from analysis.lang import detect_lang as _detect

    code = _detect(text[:3000] if isinstance(text, str) else "")
    if code in ("ru", "uk", "en"):
        return code
    return "ru" if code in _CYRILLIC_LANGS else "en"


# --------------------------------------------------------------------------- article context
def word_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """The lower-cased words of ``text`` (:data:`_WORD`: words and single punctuation marks) with their
    start and end offsets, as three lists.

    >>> word_spans("Kyiv's  MAYOR said: no.")
    (["kyiv's", 'mayor', 'said', ':', 'no', '.'], [0, 8, 14, 18, 20, 22], [6, 13, 18, 19, 22, 23])
    """
    chunks = _GAP_WORD.findall(text)
    words = [chunk.lstrip() for chunk in chunks]
    ends = list(accumulate(map(len, chunks)))
    # words hold no whitespace, so they are lower-cased in one call on their space-joined string (a
    # space stops the final-sigma context as the end of a lone word does)
    low = " ".join(words).lower().split(" ") if words else []
    return low, list(map(sub, ends, map(len, words))), ends


class _Article:
    """One article tokenised once: tokens (lower, start, end), sentences, stance.

    ``sents``: the English sentence spans when the caller already has them (they must be
    :func:`analysis.text.sentence_spans` of ``text``); ``parses``: target parses of sentences
    (:func:`analysis.sentiment.target.mention_sentiment`'s ``parses``) read instead of parsing again."""

    __slots__ = ("text", "lang", "low", "starts", "ends", "sents", "sent_starts", "stance", "surface_counts",
                 "title_end", "lemmas", "lowered", "entity_ctx", "parses")

    def __init__(self, text: str, lang: str | None = None, *, sents: list[tuple[int, int]] | None = None,
                 parses: Mapping | None = None):
        self.text = text if isinstance(text, str) else ""
        self.lang = lang or detect_lang(self.text)
        self.parses = parses
        self.low, self.starts, self.ends = word_spans(self.text)
        self.sents = _article_sentences(self.text, self.lang, sents)
        self.sent_starts = [start for start, _ in self.sents]
        lowered = self.lowered = self.text.lower()
        self.entity_ctx: dict = {}
        cues = _cues(self.lang)["stance"]
        ru, ua = _counts(lowered, cues["pro_russia"], cues["pro_ukraine"])
        self.stance = (ua - ru) / (ua + ru) if ua + ru else 0.0
        self.surface_counts: Counter = Counter()
        nl = self.text.find("\n")
        self.title_end = nl if nl > 0 else 0
        self.lemmas: list[str] | None = None

    def lemma_list(self) -> list[str]:
        if self.lemmas is None:
            if self.lang in ("ru", "uk"):
                from analysis.morph import lemma

                self.lemmas = [lemma(w, self.lang) if w[:1].isalpha() else w for w in self.low]
            else:
                self.lemmas = self.low
        return self.lemmas


def _article_sentences(text: str, lang: str, sents: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """An article's sentence spans as :class:`_Article` holds them: ``sents`` (English, when the caller has them)
    or :func:`analysis.text.sentence_spans` for English, :func:`_simple_sentences` for other languages; the whole
    text as one sentence when the splitter fails or finds none."""
    from analysis.text import sentence_spans

    try:
        out = _simple_sentences(text) if lang != "en" else sents if sents is not None else sentence_spans(text)
    except Exception:  # noqa: BLE001 - any splitter failure: one sentence
        out = [(0, len(text))]
    return out or [(0, len(text))]


def _counts(text: str, *regexes: re.Pattern | None) -> list[int]:
    """How many matches of each cue regex ``text`` holds (0 for None): all in one pass
    (:func:`analysis._cueprefix.matcher`, exact) when the regexes have the cue form.

    >>> _counts("kiev regime; the kiev regime", _prefix_regex(["kiev regime"]), None)
    [2, 0]
    """
    from analysis._cueprefix import matcher

    found = matcher(tuple(rx for rx in regexes if rx is not None)).find_all(text)
    return [0 if rx is None else len(found[rx]) if rx in found else len(rx.findall(text)) for rx in regexes]


#: a sentence end of :func:`_simple_sentences`: a run of end marks (closing quotes, brackets) and whitespace, or
#: newlines. The run is matched from its first mark on, without backtracking: tried at every mark of a run
#: that is not followed by whitespace (100,000 dots), the plain form cost quadratic time, with the same matches
_SIMPLE_END = re.compile(r"(?<![.!?\u2026])[.!?\u2026]++[\"'\u00bb\u201d)]*+\s+|\n+")


def _simple_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a non-English text: split after end marks followed by whitespace and at newlines.

    >>> _simple_sentences("Да. Нет!\\n\\n...")
    [(0, 4), (4, 10), (10, 13)]
    """
    out, start = [], 0
    for m in _SIMPLE_END.finditer(text):
        end = m.end()
        if text[start:end].strip():
            out.append((start, end))
        start = end
    if text[start:].strip():
        out.append((start, len(text)))
    return out


# --------------------------------------------------------------------------- features
@lru_cache(maxsize=1)
def _harm_forms() -> tuple[frozenset, frozenset]:
    from analysis.framing.agency import HARM_VERBS

    past, finite = set(), set()
    for p, f in HARM_VERBS.values():
        past.update(w for w in p if " " not in w)
        finite.update(w for w in f if " " not in w)
    return frozenset(past), frozenset(finite)


_PASSIVE = frozenset("was were is are been being be got".split())
#: auxiliaries that make the class word after a mention passive in :func:`cast_features`
_CAST_PASSIVE = _PASSIVE | {"get", "gets"}
#: what ends the clause scanned by :func:`cast_features`
_CLAUSE_STOP = frozenset(', ; : . ! ? ( ) " and but while which who when after before'.split())


@lru_cache(maxsize=4)
def _cast_classes(lang: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(class, word prefixes) of the ``cast_verbs`` in ``roles.yml`` for ``lang`` (none but English). The English
    ``harm`` class also takes every single-word form of the agency module's harm verbs
    (:data:`analysis.framing.agency.HARM_VERBS`, as :func:`_harm_forms` reads them): one harm vocabulary for
    the role cues and the agency module (round 9)."""
    out = []
    for name, d in role_lexicon().get("cast_verbs", {}).items():
        if d.get(lang):
            prefixes = tuple(d[lang])
            if name == "harm" and lang == "en":
                prefixes = tuple(sorted(set(prefixes).union(*_harm_forms())))
            out.append((name, prefixes))
    return tuple(out)


@lru_cache(maxsize=65_536)
def _cast_classes_of(word: str, lang: str) -> tuple[str, ...]:
    """The ``cast_verbs`` classes (:func:`_cast_classes`) one of whose prefixes starts ``word``, in their order;
    memoised (speed only: :func:`cast_features` asks for the same words of every mention's clause)."""
    return tuple(c for c, prefixes in _cast_classes(lang) if word.startswith(prefixes))


def cast_features(low: Sequence[str], ts: int, te: int, ss: int, se: int, lang: str = "en") -> dict[str, float]:
    """Whether the mention (tokens ``ts:te`` of ``low``, its sentence ``ss:se``) is the agent or the patient of a
    word of each ``cast_verbs`` class of ``roles.yml`` (harm, help, peace, accuse, deceive, suffer) in its own
    clause: ``vc:<class>:agent`` when one of the 4 tokens after it (up to a clause break) is of the class and does
    not follow a passive auxiliary, or when the mention follows "by" after one (4 tokens before); else
    ``vc:<class>:patient`` for the passive, or for the nearest class word in the 4 tokens before it.

    Round 8 (README-roles.md): grouped 5-fold CV on the SemEval-2025 en folder, mean of fold seeds 0-9, main
    accuracy / macro-F1 0.706 / 0.581 -> 0.710 / 0.589.

    >>> low = "the city was shelled by russian troops and kyiv defended it .".split()
    >>> cast_features(low, 0, 2, 0, 12), cast_features(low, 5, 7, 0, 12), cast_features(low, 8, 9, 0, 12)
    ({'vc:harm:patient': 1.0}, {'vc:harm:agent': 1.0}, {'vc:help:agent': 1.0})
    """
    out: dict[str, float] = {}
    if not _cast_classes(lang):
        return out

    def of(word):
        return _cast_classes_of(word, lang)

    for i in range(te, min(te + 4, se)):
        if low[i] in _CLAUSE_STOP:
            break
        found = of(low[i])
        if found:
            role = "patient" if i > te and low[i - 1] in _CAST_PASSIVE else "agent"
            out.update(dict.fromkeys((f"vc:{c}:{role}" for c in found), 1.0))
            break
    if ts - 1 >= ss and low[ts - 1] == "by":
        for i in range(max(ss, ts - 5), ts - 1):
            out.update(dict.fromkeys((f"vc:{c}:agent" for c in of(low[i])), 1.0))
    else:
        for i in range(ts - 1, max(ss, ts - 5) - 1, -1):
            if low[i] in _CLAUSE_STOP:
                break
            found = of(low[i])
            if found:
                for c in found:
                    out.setdefault(f"vc:{c}:patient", 1.0)
                break
    return out


def article_quotes(art: _Article) -> list[tuple[int, int, str, int, int, str, float, str]]:
    """The quotes of an English article (:func:`analysis.framing.quotes` over its sentences), cached on it:
    (start, end, speaker in lower case, speaker start, speaker end (-1 when unknown), reporting-verb class,
    tone, speaker's side) each. Tone: the war-news VADER compound of the quoted words
    (:func:`analysis.sentiment.scorer`). :func:`featurize` finds those of many articles at once
    (:func:`_quotes_of`) and caches them on each article before this reads them."""
    cached = art.entity_ctx.get("\x00quotes")
    if cached is None:
        cached = art.entity_ctx["\x00quotes"] = _quotes_of([(art.text, art.sents)])[0]
    return cached


#: English articles whose quotes :func:`featurize` finds in one :func:`analysis.framing.quotes` call (its
#: fixed cost, ~9 ms, paid per article was three quarters of the English model's time; round 10)
QUOTE_BATCH = 256


def _quotes_of(articles: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> list[list[tuple]]:
    """:func:`article_quotes` of several English articles, each (text, sentence spans), in one
    :func:`analysis.framing.quotes` call: it finds each article's quotes apart from the others', and keeps
    their order within an article, so every list is the one of the article alone (an empty text has none).

    >>> _quotes_of([('Zelenskyy said: "Russia is lying."', [(0, 34)]), ("", [(0, 0)])])
    [[(17, 33, 'zelenskyy', 0, 9, 'neutral', -0.5267, 'ukraine')], []]
    """
    from analysis.framing.quotes import quotes

    ids, sids, starts, ends, texts = [], [], [], [], []
    for k, (text, sents) in enumerate(articles):
        if text:
            ids.extend([k] * len(sents))
            sids.extend(range(len(sents)))
            starts.extend(s for s, _ in sents)
            ends.extend(e for _, e in sents)
            texts.extend(text[s:e] for s, e in sents)
    found = _quote_tuples(quotes(pd.DataFrame({"article_id": ids, "sentence_id": sids, "start": starts, "end": ends,
                                               "text": texts, "lang": "en"}), mentions=False)) if ids else {}
    return [found.get(k, []) for k in range(len(articles))]


def _quote_tuples(q: pd.DataFrame) -> dict[object, list[tuple]]:
    """{article_id: its quotes as :func:`article_quotes` holds them, in the table's order} of a
    :func:`analysis.framing.quotes` table."""
    from analysis.sentiment import scorer

    tone = scorer("war-news").score
    out: dict = {}
    columns = ("article_id", "start", "end", "speaker", "speaker_start", "speaker_end", "verb_class", "quote")
    for aid, qs, qe, speaker, sp_start, sp_end, verb_class, quote in zip(*(q[c].tolist() for c in columns)):
        speaker = speaker.lower() if isinstance(speaker, str) else ""
        known = not pd.isna(sp_start)
        out.setdefault(aid, []).append((
            int(qs), int(qe), speaker, int(sp_start) if known else -1, int(sp_end) if known else -1,
            verb_class if isinstance(verb_class, str) else "", float(tone(quote)[3]),
            mention_side(speaker, "en") if speaker else "none"))
    return out


def quote_features(quotes: Sequence[tuple], text: str, start: int, end: int, side: str) -> dict[str, float]:
    """How the article's quotes (:func:`article_quotes`) cast the mention ``text[start:end]`` of side ``side``.

    ``q:speaks`` when the mention is (or names) the speaker of a quote, with the mean tone of what it says
    (``q:speak_tone``, also crossed with the side) and the classes of its reporting verbs (``q:verb:<class>``:
    accusatory, denying ...); ``q:inside`` when it stands inside a quote, with that quote's tone and the
    speaker's side (``q:quoted_by:<side>``); ``q:about_tone`` (and crossed with the side): the mean tone of the
    other quotes that name its surface. Round 9 (README-roles.md): with the unified harm class, grouped 5-fold CV
    on the SemEval-2025 en folder, mean of fold seeds 0-9, main accuracy / macro-F1 0.710 / 0.589 -> 0.715 / 0.608.

    >>> text = 'Kyiv said: "Russia lies." Putin said: "We will win."'
    >>> qs = [(12, 24, "kyiv", 0, 4, "neutral", -0.5, "ukraine"), (39, 51, "putin", 26, 31, "neutral", 0.6, "russia")]
    >>> quote_features(qs, text, 26, 31, "russia")["q:speak_tone"], quote_features(qs, text, 12, 18, "russia")
    (0.6, {'q:inside': 1.0, 'q:inside_tone': -0.5, 'q:quoted_by:ukraine': 1.0})
    """
    surface = text[start:end].lower().strip()
    words = surface.split()
    last = words[-1] if words else ""
    f: dict[str, float] = {}
    spoken, about = [], []
    for qs, qe, speaker, ss, se, verb_class, tone, speaker_side in quotes:
        if (0 <= ss < end and start < se) or (speaker and surface and (
                surface in speaker or (len(last) > 3 and last in speaker.split()))):
            spoken.append(tone)
            if verb_class:
                f["q:verb:" + verb_class] = 1.0
        if qs <= start < qe:
            f["q:inside"] = 1.0
            f["q:inside_tone"] = tone
            f["q:quoted_by:" + speaker_side] = 1.0
        elif surface and surface in text[qs:qe].lower():
            about.append(tone)
    if spoken:
        f["q:speaks"] = 1.0
        f["q:speak_tone"] = f["q:speak_tone_x_side:" + side] = float(np.mean(spoken))
    if about:
        f["q:about_tone"] = f["q:about_tone_x_side:" + side] = float(np.mean(about))
    return f


def _sentiment(sentence: str, a: int, b: int, parses: Mapping | None = None) -> tuple[float, float, bool]:
    """Target rule score, role and speaker flag of [a, b) in ``sentence`` (:func:`analysis.targeted._analyse`),
    from its parse in ``parses`` when there (parsed with the default rules' lexicon)."""
    from analysis.targeted import _analyse, _analyse_parsed

    try:
        parsed = parses.get(sentence) if parses else None
        r = _analyse(sentence, a, b) if parsed is None else _analyse_parsed(parsed, a, b, full=True)
    except Exception:  # noqa: BLE001 - never let a scoring glitch stop role prediction
        return 0.0, 0.0, False
    return float(r["score"]), float(r["role"]), bool(r["speaker"])


def mention_features(art: _Article, start: int, end: int, *, side: str | None = None,
                     surface: str | None = None, features: bool = True,
                     vocabulary: Container[str] | None = None) -> tuple[dict[str, float], dict]:
    """Sparse features of one mention and the rule cues they rest on.

    Returns ``(features, cues)``; ``cues`` holds side, stance, sentiment,
    innocent, agent/patient of harm and fine-role cue counts (the rules read
    only these). ``features=False``: the cues alone and ``{}`` for the features (no word
    windows, lemmas, word vectors, entity context or narrative cues: what the rules skip).
    ``vocabulary``: the sentence words (``S:``) and entity context (``E:``) features outside it are left out,
    the rest in the same order (a model whose weights are all in it scores the same; speed only)."""
    text, low = art.text, art.low
    surface = surface if surface is not None else text[start:end]
    ts = bisect_right(art.ends, start)
    te = max(bisect_left(art.starts, end), ts + 1)
    n = len(low)
    k = bisect_right(art.sent_starts, start) - 1
    s0, s1 = art.sents[max(k, 0)]
    ss, se = bisect_left(art.starts, s0), bisect_left(art.starts, s1)
    lang = art.lang
    side = mention_side(surface, lang, side)
    ms = surface.lower()
    lo, hi = max(ss, ts - RULE_WINDOW), min(se, te + RULE_WINDOW)
    stance = art.stance
    f: dict[str, float] = {}
    if features:  # the rules read only the cues below
        f.update({"bias": 1.0, "side:" + side: 1.0})
        ment = low[ts:te]
        for w in ment:
            f["M:" + w] = 1.0
        padded = f" {ms} "
        for i in range(len(padded) - 3):
            f["C:" + padded[i:i + 4]] = 0.5
        lem = art.lemma_list() if lang in ("ru", "uk") else None
        for i in range(lo, hi):
            if ts <= i < te:
                continue
            w = low[i]
            if not w[:1].isalnum():
                continue
            d = ts - i if i < ts else i - te + 1
            wt = 1.0 / (1.0 + (d - 1) / 4.0)
            tag = "L" if i < ts else "R"
            f[f"W{tag}:" + w] = max(f.get(f"W{tag}:" + w, 0.0), wt)
            if len(w) > 5:
                f["P:" + w[:5]] = max(f.get("P:" + w[:5], 0.0), wt)
            if lem is not None:
                f["LM:" + lem[i]] = max(f.get("LM:" + lem[i], 0.0), wt)
        if lem is not None and lang == "ru":  # Russian: navec word vectors of the window and of the mention (lemmas)
            f.update(_embedding_features(lem, ts, te))
        elif lang == "en":  # English: word vectors learned offline (analysis.wordvectors), when trained
            f.update(_en_window_vector(low, ts, te))
        for d in (1, 2):
            if ts - d >= 0:
                f[f"L{d}:" + low[ts - d]] = 1.0
            if te + d - 1 < n:
                f[f"R{d}:" + low[te + d - 1]] = 1.0
        if vocabulary is None:
            f.update(_sentence_words(low, ss, se))
        else:  # the block of a sentence, once per sentence
            block = art.entity_ctx.get(("\x00S", ss))
            if block is None:
                block = art.entity_ctx[("\x00S", ss)] = _kept(_sentence_words(low, ss, se), vocabulary)
            f.update(block)
        # every occurrence of the same surface in the article: the words around them
        # (an actor's casting is mostly consistent within an article)
        ctx = art.entity_ctx.get(ms)
        if ctx is None:
            ctx = {}
            if ms.strip():
                width = max(te - ts, 1)
                occ = 0
                around = []
                for m in re.finditer(re.escape(ms), art.lowered):
                    occ += 1
                    i = bisect_right(art.ends, m.start())
                    for j in list(range(max(0, i - 5), i)) + list(range(i + width, min(n, i + width + 5))):
                        w = low[j]
                        if w[:1].isalnum():
                            ctx["E:" + w] = ctx.get("E:" + w, 0.0) + 1.0
                            around.append(w)
                if ctx:
                    norm_e = 1.0 / math.sqrt(sum(v * v for v in ctx.values()))
                    ctx = {k: v * norm_e for k, v in ctx.items()}
                ctx["E_occurrences"] = math.log1p(occ) / 3.0
                if lang == "en":
                    ctx.update(_en_context_vector(around))
            art.entity_ctx[ms] = ctx = ctx if vocabulary is None else _kept(ctx, vocabulary)
        f.update(ctx)
        # article context
        st = "pro_ua" if stance > 0.2 else "pro_ru" if stance < -0.2 else "neutral"
        f["stance"] = stance
        f["stance:" + st] = 1.0
        f[f"side_x_stance:{side}:{st}"] = 1.0
        # which war narratives the article's vocabulary carries (narrative cue lexicon), crossed with the side
        for name, value in art_narratives(art).items():
            f[f"nar_x_side:{name}:{side}"] = value
        cnt = art.surface_counts.get(ms, 1)
        f["count_log"] = math.log1p(cnt) / 3.0
        if start < art.title_end:
            f["in_title"] = 1.0
        f["position"] = start / max(len(text), 1)
    # cues
    window = " ".join(low[lo:hi])
    cue = _cues(lang)
    # speed only: every fine-role cue regex in one pass over the window (analysis._cueprefix, exact)
    fine_rx = cue["fine"]
    if _FINE_MATCHER[0] is not fine_rx:
        from analysis._cueprefix import CueMatcher

        matcher = CueMatcher(fine_rx.values())
        slot = {rx: k for k, rx in enumerate(matcher.regexes)}
        _FINE_MATCHER[:] = [fine_rx, matcher, [(r, rx, slot.get(rx)) for r, rx in fine_rx.items()]]
    found = _FINE_MATCHER[1].find_each(window)  # by position: no regex hashed per mention
    fine_counts = {r: (len(found[k]) if k is not None else len(rx.findall(window))) if rx is not None else 0
                   for r, rx, k in _FINE_MATCHER[2]}
    for r, c in fine_counts.items():
        if c:
            f["cue:" + r] = min(c, 3) / 3.0
    innocent = bool(cue["innocent"].search(ms)) if cue["innocent"] is not None else False
    if innocent:
        f["innocent_entity"] = 1.0
    past, finite = _harm_forms()
    agent = patient = False
    for i in range(te, min(te + 3, se)):
        w = low[i]
        if w in finite or (w in past and not (i > te and low[i - 1] in _PASSIVE)):
            agent = True
            break
        if w in past and i > te and low[i - 1] in _PASSIVE:
            patient = True
            break
    if any(low[i] in past or low[i] in finite for i in range(max(ss, ts - 3), ts)):
        patient = patient or not agent
    if agent:
        f["harm_agent"] = 1.0
    if patient:
        f["harm_patient"] = 1.0
    score = role = 0.0
    speaker = False
    if lang == "en" and se > ss:
        sent_text = text[s0:s1]
        score, role, speaker = _sentiment(sent_text, start - s0, min(end, s1) - s0, art.parses)
        f["tsent"] = score
        f["tsent_role"] = role / 2.0
        f["tsent_pol:" + ("neg" if score <= -0.025 else "pos" if score >= 0.10 else "neu")] = 1.0
        if speaker:
            f["speaker"] = 1.0
        f["tsent_x_side:" + side] = score
    if features:
        f.update(cast_features(low, ts, te, ss, se, lang))
        if lang == "en":
            f.update(quote_features(article_quotes(art), text, start, end, side))
    cues_out = {"side": side, "stance": stance, "score": score, "role": role, "speaker": speaker,
                "innocent": innocent, "agent": agent, "patient": patient, "fine": fine_counts}
    return (f if features else {}), cues_out


def _sentence_words(low: Sequence[str], ss: int, se: int) -> dict[str, float]:
    """The ``S:`` block of :func:`mention_features`: the words of the sentence ``low[ss:se]``, L2-normalised."""
    sent_words = {w for w in low[ss:se] if w[:1].isalnum()}
    norm = 1.0 / math.sqrt(max(len(sent_words), 1))
    return {"S:" + w: norm for w in sent_words}


def _kept(f: Mapping[str, float], vocabulary: Container[str]) -> dict[str, float]:
    """``f`` without the features outside ``vocabulary``, in order; dense blocks (arrays) kept."""
    return {k: v for k, v in f.items() if k in vocabulary or isinstance(v, np.ndarray)}


#: scale of each L2-normalised embedding block (chosen from 1 / 2 by grouped 5-fold CV on the ru folder)
EMBED_SCALE = 2.0
EMBED_WINDOW = 8


@lru_cache(maxsize=1)
def _ru_vectors():
    """Russian news word vectors (navec, 250k words x 300d, shipped inside the ``natasha`` wheel); None if absent."""
    try:
        from natasha import NewsEmbedding

        return NewsEmbedding()
    except Exception:  # noqa: BLE001 - optional: no vectors, no embedding features
        return None


def _embedding_features(lemmas: Sequence[str], ts: int, te: int) -> dict[str, float]:
    """Mean navec vector of the lemmas in the +-:data:`EMBED_WINDOW` tokens around the mention (``nvw<j>``)
    and of the mention's own lemmas (``nvm<j>``), each L2-normalised and scaled by :data:`EMBED_SCALE`.

    Dense vectors generalise beyond the exact words seen in 313 training mentions (navec: Kutuzov-style
    GloVe on Russian news, Natasha project). Grouped 5-fold CV on the SemEval-2025 ru folder, mean of fold
    seeds 0-4: main accuracy / macro-F1 0.730 / 0.618 -> 0.759 / 0.665 (README-roles.md, round 4).

    >>> f = _embedding_features(["в", "киев", "ударить", "россия"], 3, 4)
    >>> sorted(f) if f else ["nvm", "nvw"]
    ['nvm', 'nvw']
    """
    if _ru_vectors() is None:
        return {}
    n = len(lemmas)
    out: dict = {}
    blocks = (("nvw", list(range(max(0, ts - EMBED_WINDOW), ts)) + list(range(te, min(n, te + EMBED_WINDOW)))),
              ("nvm", range(ts, min(te, n))))
    for tag, idx in blocks:
        vecs = [v for v in (_ru_vector(lemmas[i]) for i in idx) if v is not None]
        if not vecs:
            continue
        v = np.mean(vecs, axis=0)
        norm = float(np.linalg.norm(v))
        if norm > 0:
            out[tag] = v * (EMBED_SCALE / norm)  # a dense block: the model scores it with one product
    return out


@lru_cache(maxsize=20_000)
def _ru_vector(word: str) -> np.ndarray | None:
    """navec vector of one word (None when unknown); memoised (20k words, about 24 MB of float32 rows):
    navec decodes a product-quantised row per call."""
    emb = _ru_vectors()
    return emb[word] if emb is not None and word in emb else None


@lru_cache(maxsize=1)
def _en_vectors():
    """English word vectors learned offline (``data/models/wordvec_en.npz``, :mod:`analysis.wordvectors`),
    read once per process; None when they were not trained."""
    from analysis.wordvectors import load_word_vectors

    return load_word_vectors()


def _en_window_vector(low: Sequence[str], ts: int, te: int, *, vectors=None) -> dict:
    """``{"evw": v}``: the frequency-weighted mean vector (:meth:`~analysis.wordvectors.WordVectors.sif_mean`)
    of the words in the +-:data:`EMBED_WINDOW` tokens around the mention (tokens ``ts:te`` of ``low``),
    scaled by :data:`EMBED_SCALE`; ``{}`` without vectors or known words. ``vectors`` default: :func:`_en_vectors`.

    The English counterpart of :func:`_embedding_features`. With :func:`_en_context_vector`, grouped 5-fold CV
    on the SemEval-2025 en folder (joint en+ru model), mean of fold seeds 0-9: main accuracy / macro-F1
    0.692 / 0.572 -> 0.709 / 0.583 (README-roles.md, round 5).

    >>> from analysis.wordvectors import train_word_vectors
    >>> wv = train_word_vectors(["Russian forces shelled the city."] * 5, dim=2)
    >>> f = _en_window_vector(["russian", "forces", "shelled", "the", "city"], 0, 2, vectors=wv)
    >>> sorted(f), round(float(np.linalg.norm(f["evw"])), 3)
    (['evw'], 2.0)
    """
    wv = vectors if vectors is not None else _en_vectors()
    v = wv.sif_mean(low[max(0, ts - EMBED_WINDOW):ts] + low[te:te + EMBED_WINDOW]) if wv is not None else None
    return {} if v is None else {"evw": v * EMBED_SCALE}


def _en_context_vector(words: Sequence[str], *, vectors=None) -> dict:
    """``{"eve": v}``: as :func:`_en_window_vector` over ``words``, the words around every occurrence of the
    mention's surface in the article (the ``E:`` features' words)."""
    wv = vectors if vectors is not None else _en_vectors()
    v = wv.sif_mean(words) if wv is not None else None
    return {} if v is None else {"eve": v * EMBED_SCALE}


def strip_embeddings(f: Mapping[str, float]) -> dict[str, float]:
    """``f`` without the navec features of :func:`_embedding_features`.

    >>> strip_embeddings({"bias": 1.0, "nvw": np.ones(3), "nvm3": 0.2, "M:nvw0": 1.0})
    {'bias': 1.0, 'M:nvw0': 1.0}
    """
    return {k: v for k, v in f.items() if not (k.startswith(("nvw", "nvm")) and k[3:].isdigit() or k in ("nvw", "nvm"))}


#: [the fine-role cue regexes of one language, their analysis._cueprefix.CueMatcher, (fine role, regex, its
#: position in the matcher's regexes or None)] (mention_features)
_FINE_MATCHER: list = [None, None, None]


def art_narratives(art: _Article) -> dict[str, float]:
    """Narrative cue strength of the article (:mod:`analysis.narratives` lexicon), cached on the article."""
    cached = art.entity_ctx.get("\x00narratives")
    if cached is None:
        from analysis.narratives import _cue_strength, _Doc

        cached = art.entity_ctx["\x00narratives"] = _cue_strength(_Doc(art.text, art.lang))
    return cached


# --------------------------------------------------------------------------- rules
def _rule_roles(c: Mapping) -> tuple[str, str, float]:
    """Main role, fine role and a nominal confidence from the cues of :func:`mention_features`."""
    lex = role_lexicon()
    side, stance, score = c["side"], c["stance"], c["score"]
    fine = c["fine"]
    pro = sum(fine.get(r, 0) for r in ("Guardian", "Peacemaker", "Virtuous", "Martyr"))
    anti = sum(fine.get(r, 0) for r in ("Terrorist", "Deceiver", "Tyrant", "Corrupt", "Bigot", "Instigator"))
    if c["innocent"] or (c["patient"] and not c["agent"] and side in ("none", "other")):
        main, conf = "Innocent", 0.6
    elif c["agent"] and not c["patient"]:
        main, conf = "Antagonist", 0.6
    elif score >= 0.10 or c["role"] > 0:
        main, conf = "Protagonist", 0.55
    elif score <= -0.2:
        main, conf = "Antagonist", 0.6
    elif stance < -0.2 and side in ("russia", "ukraine", "west"):
        main, conf = ("Protagonist" if side == "russia" else "Antagonist"), 0.55
    elif stance > 0.2 and side in ("russia", "ukraine", "west"):
        main, conf = ("Antagonist" if side == "russia" else "Protagonist"), 0.55
    elif pro > anti:
        main, conf = "Protagonist", 0.45
    else:
        main, conf = "Antagonist", 0.5  # the genre's prior: most cast mentions are antagonists
    candidates = [(fine.get(r, 0), r) for r in MAIN_ROLES[main]]
    best = max(candidates)
    fine_role = best[1] if best[0] > 0 else lex["default_fine"][main]
    return main, fine_role, conf


# --------------------------------------------------------------------------- model
class RoleModel:
    """Main-role and fine-role classifiers (JSON weights, numpy scoring).

    ``main_bias`` ({main role: offset}, default none) is added to the main
    model's log-probabilities before the decision (a prior correction tuned by
    :func:`tune_main_bias`); the reported probabilities are the corrected ones.

    ``collective`` (optional): a stage-2 main-role model whose features are the
    stage-1 (``main``) features plus the lean of the article's other mentions
    (:func:`collective_features`); with it, :meth:`main_proba` needs the article
    id of every row and scores all the rows of an article before deciding any."""

    def __init__(self, main: SparseLinear, fine: SparseLinear, lang: str = "en", meta: dict | None = None,
                 main_bias: Mapping[str, float] | None = None, fine_thresholds: Mapping[str, float] | None = None,
                 collective: SparseLinear | None = None):
        self.main, self.fine, self.lang, self.meta = main, fine, lang, dict(meta or {})
        self.main_bias = {k: float(v) for k, v in (main_bias or {}).items()}
        #: one-vs-rest fine model only: a second (third ...) fine role of the predicted main role is added
        #: when its probability reaches its threshold (the most probable one is always kept)
        self.fine_thresholds = {k: float(v) for k, v in (fine_thresholds or {}).items()}
        self.collective = collective

    def main_proba(self, feats: Sequence[Mapping[str, float]], article_ids: Sequence | None = None) -> np.ndarray:
        """Main-role probabilities in :data:`MAIN_ROLES` order, prior-corrected by ``main_bias``.

        ``article_ids`` (one per row; required by a model with a ``collective`` stage): the rows of one
        article are one another's "other mentions" for the stage-2 model."""
        p = _main_columns(self.main, feats)
        if self.collective is not None:
            if article_ids is None:
                raise ValueError("a role model with a collective stage needs the article id of every row")
            # the stage-2 scores of the features plus coll:<side> (collective_features), without copying the
            # feature dicts: the one extra feature's weight row times its value is added to the scores
            sides, lean = _other_lean(feats, p, article_ids)
            m = self.collective
            rows = np.array([m.vocab.get("coll:" + s, -1) for s in sides], dtype=np.intp)
            known = rows >= 0
            offset = np.zeros((len(sides), len(m.classes)))
            offset[known] = m.coef[rows[known]] * lean[known, None]
            p = _main_columns(m, feats, offset)
        return apply_bias(p, self.main_bias)

    def to_dict(self) -> dict:
        out = {"format": MODEL_FORMAT, "lang": self.lang, "main": self.main.to_dict(), "fine": self.fine.to_dict(),
               "main_bias": self.main_bias, "meta": self.meta}
        if self.fine_thresholds:
            out["fine_thresholds"] = self.fine_thresholds
        if self.collective is not None:
            out["collective"] = self.collective.to_dict()
        return out

    def to_json(self, path: str | Path) -> Path:
        return save_json(self.to_dict(), path)

    @classmethod
    def from_dict(cls, payload: Mapping) -> RoleModel:
        if payload.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a role model file (format != {MODEL_FORMAT!r})")
        stage2 = payload.get("collective")
        return cls(SparseLinear.from_dict(payload["main"]), SparseLinear.from_dict(payload["fine"]),
                   payload.get("lang", "en"), payload.get("meta"), payload.get("main_bias"),
                   payload.get("fine_thresholds"), SparseLinear.from_dict(stage2) if stage2 else None)


def _main_columns(model: SparseLinear, feats: Sequence[Mapping[str, float]],
                  offset: np.ndarray | None = None) -> np.ndarray:
    """``model``'s probabilities (scores + ``offset``) in :data:`MAIN_ROLES` order (a role it never saw: 0)."""
    p = model.proba(feats, offset)
    return np.column_stack([p[:, model.classes.index(r)] if r in model.classes else np.zeros(len(p))
                            for r in MAIN_ROLES])


#: the article lean a main role implies, by (side of the mention, main role): +1 pro-Russian, -1 pro-Ukrainian
#: (Russia cast as protagonist or innocent, Ukraine or the West as antagonist: +1; and vice versa)
LEAN_SIGN: dict[str, tuple[int, int, int]] = {"russia": (1, -1, 1), "ukraine": (-1, 1, -1), "west": (-1, 1, 0)}


def _feature_side(f: Mapping[str, float]) -> str:
    """The side a mention's features carry (``side:<side>``, see :func:`mention_features`)."""
    return next((k[5:] for k in f if k.startswith("side:")), "none")


def collective_features(feats: Sequence[Mapping[str, float]], p: np.ndarray, article_ids: Sequence) -> list[dict]:
    """``feats`` with one more feature each, ``coll:<side>``: the lean of the article implied by the main-role
    probabilities ``p`` (:data:`MAIN_ROLES` order) of the article's *other* mentions - the mean over those of a
    side with a lean sign (:data:`LEAN_SIGN`) of sum_role P(role) x sign(side, role), 0 when there is none -
    crossed with the mention's own side. A mean, not a sum, so that an article's dozens of gazetteer mentions
    and the few annotated ones of the SemEval sets give the feature the same scale.

    The two-stage ("collective") decoding of round 7 (README-roles.md), in the spirit of stacked
    collective classification (Kou & Cohen 2007, "Stacked graphical models").

    >>> f = [{"side:russia": 1.0}, {"side:ukraine": 1.0}, {"side:none": 1.0}]
    >>> p = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    >>> [x for g in collective_features(f, p, ["a", "a", "a"]) for x in g.items() if x[0].startswith("coll")]
    [('coll:russia', -1.0), ('coll:ukraine', -1.0), ('coll:none', -1.0)]
    """
    sides, lean = _other_lean(feats, p, article_ids)
    return [{**f, "coll:" + s: float(v)} for f, s, v in zip(feats, sides, lean)]


def _other_lean(feats: Sequence[Mapping[str, float]], p: np.ndarray, article_ids: Sequence) -> tuple[list[str],
                                                                                                      np.ndarray]:
    """The side of each row and the lean of its article's other mentions (:func:`collective_features`)."""
    sides = [_feature_side(f) for f in feats]
    signs = np.array([LEAN_SIGN.get(s, (0, 0, 0)) for s in sides], dtype=float).reshape(len(sides), 3)
    contrib = (np.asarray(p, dtype=float) * signs).sum(axis=1)
    sided = np.abs(signs).any(axis=1).astype(float)
    groups = pd.factorize(pd.Series(list(article_ids), dtype=object), use_na_sentinel=False)[0]
    total = np.bincount(groups, contrib)[groups] - contrib
    count = np.bincount(groups, sided)[groups] - sided
    return sides, np.divide(total, count, out=np.zeros(len(sides)), where=count > 0)


def apply_bias(p: np.ndarray, bias: Mapping[str, float] | None) -> np.ndarray:
    """Rows of main-role probabilities (:data:`MAIN_ROLES` order) shifted by log-offsets and renormalised.

    >>> apply_bias(np.array([[0.3, 0.4, 0.3]]), {"Protagonist": math.log(2)}).round(3).tolist()
    [[0.462, 0.308, 0.231]]
    """
    if not bias:
        return p
    b = np.array([float(bias.get(r, 0.0)) for r in MAIN_ROLES])
    z = np.log(np.clip(p, 1e-12, None)) + b
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


#: decision objectives of :func:`tune_main_bias`
DECISIONS = ("argmax", "accuracy", "f1_floor")
_BIAS_GRID = tuple(np.round(np.arange(-1.5, 1.51, 0.25), 2))


def tune_main_bias(p: np.ndarray, gold: Sequence[str], *, objective: str = "f1_floor") -> dict[str, float]:
    """Log-offsets for Protagonist and Innocent (Antagonist fixed at 0) that maximise ``objective``
    on out-of-fold probabilities ``p`` (:data:`MAIN_ROLES` order) - a prior correction of the decision.

    ``accuracy``: main-role accuracy; ``f1_floor``: macro-F1 among the offsets whose accuracy is at least
    the majority class's share (the decision never loses to always-majority on these data), else accuracy;
    ``argmax``: no offsets. Grid -1.5..1.5 in steps of 0.25; ties keep the smallest offsets.

    >>> p = np.array([[0.4, 0.6, 0.0], [0.45, 0.55, 0.0], [0.1, 0.9, 0.0]])
    >>> tune_main_bias(p, ["Protagonist", "Protagonist", "Antagonist"], objective="accuracy")["Protagonist"]
    0.5
    """
    if objective not in DECISIONS:
        raise ValueError(f"objective must be one of {DECISIONS}, got {objective!r}")
    if objective == "argmax" or not len(gold):
        return {}
    order = list(MAIN_ROLES)
    y = np.array([order.index(g) for g in gold])
    maj = np.bincount(y, minlength=3).max() / len(y)
    L = np.log(np.clip(p, 1e-12, None))
    best, best_b = None, (0.0, 0.0)
    cands = sorted(((bp, bi) for bp in _BIAS_GRID for bi in _BIAS_GRID), key=lambda t: (abs(t[0]) + abs(t[1]), t))
    for bp, bi in cands:
        pred = (L + np.array([bp, 0.0, bi])).argmax(axis=1)
        acc = float((pred == y).mean())
        if objective == "accuracy":
            value = acc
        else:
            f1s = []
            for c in range(3):
                tp = np.sum((pred == c) & (y == c))
                d = np.sum(pred == c) + np.sum(y == c)
                f1s.append(2 * tp / d if d else 0.0)
            value = float(np.mean(f1s)) if acc >= maj else acc - 10.0
        if best is None or value > best + 1e-12:
            best, best_b = value, (bp, bi)
    return {"Protagonist": float(best_b[0]), "Antagonist": 0.0, "Innocent": float(best_b[1])}


def default_model_path(lang: str = "en") -> Path:
    from analysis.paths import models_dir

    return models_dir() / f"roles_{lang}.json"


def load_role_model(path: str | Path | None = None, *, lang: str = "en") -> RoleModel | None:
    """Weights from ``path`` (default ``data/models/roles_<lang>.json``); None when the default is absent."""
    import json

    if path is None:
        path = default_model_path(lang)
        if not path.exists():
            return None
    model = RoleModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    trained_on = model.meta.get("word_vectors")
    if trained_on and getattr(_en_vectors(), "fingerprint", None) != trained_on:
        import warnings

        warnings.warn(f"{path} was trained with English word vectors {trained_on} that are not the ones in "
                      f"{_vectors_path()} (absent or retrained): its vector features are left out or differ; "
                      "retrain both with python -m analysis.train wordvectors / roles", stacklevel=2)
    return model


def _vectors_path() -> Path:
    from analysis.wordvectors import default_vectors_path

    return default_vectors_path("en")


def _main_fine(fine_roles: str) -> list[str]:
    return [r for r in str(fine_roles).split("|") if r in MAIN_OF]


def train_role_model(features: Sequence[Mapping[str, float]], main_roles: Sequence[str],
                     fine_roles: Sequence[str], *, lang: str = "en", C: float = 0.3, C_fine: float = 0.3,
                     class_weight="balanced", min_count: int = 2, seed: int = 0, decision: str = "argmax",
                     groups: Sequence | None = None, inner_folds: int = 4, fine_kind: str = "softmax",
                     collective: bool = False, antagonist_offset: float = 0.0,
                     fine_fallback: float | None = None) -> RoleModel:
    """Fit both classifiers on mention features (from :func:`featurize`) and gold labels.

    Fine roles: a multinomial model over the 22 roles, one training row per
    gold fine role of a mention (so multi-role mentions count for each).

    ``decision`` other than ``"argmax"`` tunes a prior correction of the main
    role (:func:`tune_main_bias`) on out-of-fold probabilities of an inner
    ``inner_folds``-fold CV grouped by ``groups`` (article ids; required), so
    the offsets never see the rows they are scored on. Defaults (C 0.3,
    balanced weights, argmax) were chosen by grouped 5-fold CV on the SemEval-2025
    en and ru folders (README-roles.md).

    ``fine_kind="ovr"``: one binary logistic regression per fine role instead
    (multi-label); at prediction the most probable fine role of the predicted
    main role is kept and any other of that main role whose probability
    reaches its own threshold is added. The thresholds (grid
    :data:`FINE_THRESHOLD_GRID`, coordinate ascent on fine exact match) are
    chosen on out-of-fold probabilities of the inner grouped CV (``groups``
    required), restricted to the gold main role.

    ``collective=True`` adds a stage-2 main-role model (:class:`RoleModel`'s
    ``collective``) trained on the features plus :func:`collective_features`
    of out-of-fold stage-1 probabilities (inner grouped CV by ``groups``, as
    at prediction the stage-1 model has not seen the article); the
    reported main role and probabilities are then stage 2's. Only with the
    ``argmax`` decision.

    ``antagonist_offset``: a fixed log-offset added to Antagonist before the
    argmax (the model's ``main_bias``; > 0 favours Antagonist, the majority
    role): the balanced class weights over-correct for accuracy. Only with the
    ``argmax`` decision (a tuned one sets the offsets itself).

    ``fine_fallback``: below this best fine probability :func:`predict_roles` takes a cue word of the
    predicted main role instead (stored in the model's meta; default :data:`FINE_FALLBACK`)."""
    if fine_kind not in ("softmax", "ovr"):
        raise ValueError(f"fine_kind must be 'softmax' or 'ovr', got {fine_kind!r}")
    if lang != "ru":  # embedding features exist only for Russian text: a joint English model must not lean on them
        features = [strip_embeddings(f) for f in features]
    y = list(main_roles)
    main = fit_linear(features, y, C=C, class_weight=class_weight, min_count=min_count, seed=seed)

    def inner_main_proba(why: str) -> np.ndarray:
        # out-of-fold stage-1 main-role probabilities of the training rows (inner CV grouped by article)
        if groups is None:
            raise ValueError(f"{why} needs groups (the article id of each row) for its inner CV")
        from analysis.evaluation.roles import grouped_folds

        P = np.zeros((len(y), 3))
        for tr, te in grouped_folds(np.asarray(list(groups)), inner_folds, seed + 1):
            m = fit_linear([features[i] for i in tr], [y[i] for i in tr], C=C, class_weight=class_weight,
                           min_count=min_count, seed=seed)
            P[te] = _main_columns(m, [features[i] for i in te])
        return P

    bias: dict = {}
    if decision != "argmax":
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, got {decision!r}")
        if collective:
            raise ValueError("collective=True takes the argmax decision only (offsets are tuned on stage 1)")
        if antagonist_offset:
            raise ValueError("antagonist_offset takes the argmax decision only (a tuned decision sets the offsets)")
        bias = tune_main_bias(inner_main_proba("decision tuning"), y, objective=decision)
    elif antagonist_offset:
        bias = {"Antagonist": float(antagonist_offset)}
    stage2 = None
    if collective:
        stage2 = fit_linear(collective_features(features, inner_main_proba("collective=True"), list(groups)), y,
                            C=C, class_weight=class_weight, min_count=min_count, seed=seed)
    fine_thresholds: dict = {}
    if fine_kind == "ovr":
        names = [r for r in FINE_ROLES if any(r in _main_fine(x) for x in fine_roles)]
        Y = np.array([[r in _main_fine(x) for r in names] for x in fine_roles], dtype=int)
        fine = fit_linear(features, Y, kind="ovr", classes=names, C=C_fine, min_count=min_count, seed=seed)
        if groups is None:
            raise ValueError("fine_kind='ovr' needs groups (the article id of each row) for its inner CV")
        from analysis.evaluation.roles import grouped_folds

        P = np.zeros((len(y), len(names)))
        for tr, te in grouped_folds(np.asarray(list(groups)), inner_folds, seed + 1):
            m = fit_linear([features[i] for i in tr], Y[tr], kind="ovr", classes=names, C=C_fine,
                           min_count=min_count, seed=seed)
            P[te] = m.proba([features[i] for i in te])
        fine_thresholds = tune_fine_thresholds(P, names, y, [set(_main_fine(x)) for x in fine_roles])
    else:
        fx, fy = [], []
        for f, roles in zip(features, fine_roles):
            for r in _main_fine(roles):
                fx.append(f)
                fy.append(r)
        fine = fit_linear(fx, fy, C=C_fine, class_weight=None, min_count=min_count, seed=seed)
    meta = {"n_train": len(features), "C": C, "C_fine": C_fine, "class_weight": class_weight,
            "min_count": min_count, "decision": decision, "fine_kind": fine_kind, "collective": collective}
    if antagonist_offset:
        meta["antagonist_offset"] = float(antagonist_offset)
    if fine_fallback is not None:
        meta["fine_fallback"] = float(fine_fallback)
    if _en_vectors() is not None and any("evw" in f or "eve" in f for f in features):
        meta["word_vectors"] = _en_vectors().fingerprint  # load_role_model warns when others are loaded
    return RoleModel(main, fine, lang, meta, main_bias=bias, fine_thresholds=fine_thresholds, collective=stage2)


#: thresholds :func:`tune_fine_thresholds` chooses from (above 1: never add a second role)
FINE_THRESHOLD_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.01)


def fine_decision(p: np.ndarray, classes: Sequence[str], main: str, thresholds: Mapping[str, float]) -> list[int]:
    """Columns of the fine roles kept for one mention: the most probable fine role of ``main``, then any other
    of ``main`` with probability >= its threshold (most probable first); empty if ``main`` has none."""
    allowed = [c for c, n in enumerate(classes) if MAIN_OF.get(n) == main]
    if not allowed:
        return []
    allowed.sort(key=lambda c: -p[c])
    return [allowed[0]] + [c for c in allowed[1:] if p[c] >= thresholds.get(classes[c], 1.01)]


def tune_fine_thresholds(P: np.ndarray, classes: Sequence[str], mains: Sequence[str], gold: Sequence[set],
                         *, passes: int = 2) -> dict[str, float]:
    """Per-fine-role thresholds from :data:`FINE_THRESHOLD_GRID` maximising the exact match of
    :func:`fine_decision` (under the gold main role) on out-of-fold probabilities ``P``; coordinate ascent
    starting from "never add", ties keep the current value."""
    from analysis._linear import coordinate_ascent

    def score(th):
        return sum({classes[c] for c in fine_decision(p, classes, m, th)} == g for p, m, g in zip(P, mains, gold))

    t = coordinate_ascent({n: 1.01 for n in classes}, FINE_THRESHOLD_GRID, score, passes=passes)
    return {n: v for n, v in t.items() if v <= 1.0}


# --------------------------------------------------------------------------- public API
def featurize(mentions: pd.DataFrame, articles: pd.DataFrame, *, text_col: str = "text",
              lang: str | None = None, features: Callable[[str], bool] | None = None,
              sentence_spans: Mapping[object, list[tuple[int, int]]] | None = None, parses: Mapping | None = None,
              quotes: pd.DataFrame | None = None, narrative_cues: Mapping | None = None,
              vocabulary: Container[str] | None = None) -> tuple[list[dict], list[dict], list[str]]:
    """Features and rule cues of each mention row (``article_id``, ``start``, ``end``;
    optional ``surface``/``mention`` and ``side`` or ``entity_id``). Returns
    (features, cues, lang of each row). ``features``: whether the mentions of an article in a
    language need their features (``{}`` where not: the rules read the cues alone); default all.
    ``sentence_spans``, ``parses`` and ``quotes``: work a caller has already done, as in :func:`predict_roles`;
    ``narrative_cues``: {article_id: what :func:`art_narratives` gives} (:mod:`analysis.narratives` has them);
    ``vocabulary``: as :func:`mention_features`'s (the feature names a model has weights for)."""
    texts = dict(zip(articles["article_id"].tolist(), articles[text_col].tolist()))
    langs = (dict(zip(articles["article_id"].tolist(), articles["lang"].tolist()))
             if "lang" in articles.columns else {})
    side_of_entity = {}
    if "side" not in mentions.columns and "entity_id" in mentions.columns:
        from analysis.entities import load_gazetteer

        side_of_entity = {k: v[2] for k, v in load_gazetteer().info.items()}
    cache: dict = {}
    feats, cues, row_langs = [], [], []
    aids = mentions["article_id"].tolist()
    starts = [int(x) for x in mentions["start"].tolist()]
    ends = [int(x) for x in mentions["end"].tolist()]
    surf_col = "surface" if "surface" in mentions.columns else "mention" if "mention" in mentions.columns else None
    surfaces = mentions[surf_col].tolist() if surf_col else [None] * len(mentions)
    sides = (mentions["side"].tolist() if "side" in mentions.columns
             else [side_of_entity.get(e) for e in mentions["entity_id"].tolist()] if side_of_entity
             else [None] * len(mentions))
    # surface counts per article (how often the article names the same actor)
    per_article: dict = {}
    for aid, a, b, s in zip(aids, starts, ends, surfaces):
        text = texts.get(aid, "")
        key = (s if isinstance(s, str) else (text or "")[a:b]).lower()
        per_article.setdefault(aid, Counter())[key] += 1
    order = list(per_article)  # the articles in order of first mention
    at = {aid: k for k, aid in enumerate(order)}
    batch: dict = {}  # article_id -> (lang, sentence spans, quotes or None) of the next QUOTE_BATCH articles
    quote_source = _quote_source(quotes, articles, sentence_spans)
    for aid, a, b, s, sd in zip(aids, starts, ends, surfaces, sides):
        art = cache.get(aid)
        if art is None:  # one parsed article held at a time (mentions come grouped by article):
            cache.clear()  # keeping all held ~3.6 GB at 10k articles in notebook 05
            if aid not in batch:
                batch = _article_batch(order[at[aid]:at[aid] + QUOTE_BATCH], texts, langs, lang=lang,
                                       features=features, sentence_spans=sentence_spans, quote_source=quote_source)
            code, sents, quoted = batch[aid]
            art = cache[aid] = _Article(texts.get(aid, ""), code, parses=parses, sents=sents)
            if quoted is not None:
                art.entity_ctx["\x00quotes"] = quoted
            if narrative_cues is not None and aid in narrative_cues:
                art.entity_ctx["\x00narratives"] = narrative_cues[aid]
            art.surface_counts = per_article.get(aid, Counter())
            wanted = features is None or features(art.lang)
        f, c = mention_features(art, a, b, side=sd if isinstance(sd, str) else None,
                                surface=s if isinstance(s, str) else None, features=wanted, vocabulary=vocabulary)
        feats.append(f)
        cues.append(c)
        row_langs.append(art.lang)
    return feats, cues, row_langs


def _quote_source(quotes: pd.DataFrame | None, articles: pd.DataFrame,
                  sentence_spans: Mapping | None) -> Callable[[Sequence[tuple]], list[list[tuple]]]:
    """How :func:`featurize` gets the quotes (:func:`article_quotes`) of a batch of English articles, each
    (article_id, text, sentence spans): read from the caller's ``quotes`` table for every article of
    ``sentence_spans`` (the articles whose quotes the table holds, :func:`predict_roles`), found in one call
    (:func:`_quotes_of`) for the others. The table is not read where it cannot stand for them: none given, or
    repeated ids in ``articles`` (the sentences of two articles under one id would make one text)."""
    held: dict = {}  # article_id -> its rows in quotes
    if quotes is not None and sentence_spans and articles["article_id"].is_unique:
        held = {aid: [] for aid in sentence_spans}
        for i, aid in enumerate(quotes["article_id"].tolist()):
            if aid in held:
                held[aid].append(i)

    def batch_quotes(batch: Sequence[tuple]) -> list[list[tuple]]:
        found = iter(_quotes_of([(text, sents) for aid, text, sents in batch if aid not in held]))
        rows = [i for aid, _, _ in batch if aid in held for i in held[aid]]
        read = _quote_tuples(quotes.iloc[rows]) if rows else {}
        return [read.get(aid, []) if aid in held else next(found) for aid, _, _ in batch]

    return batch_quotes


def _article_batch(ids: Sequence, texts: Mapping, langs: Mapping, *, lang: str | None,
                   features: Callable[[str], bool] | None, sentence_spans: Mapping | None,
                   quote_source: Callable[[Sequence[tuple]], list[list[tuple]]]
                   ) -> dict[object, tuple[str, list | None, list | None]]:
    """{article_id: (language, sentence spans, quotes)} of the articles ``ids`` for :func:`featurize`: what
    :class:`_Article` would find for each, with the quotes (:func:`article_quotes`) of the English articles
    whose features are wanted from ``quote_source`` (:func:`_quote_source`), one call per batch; None for what
    is not computed here."""
    out: dict = {}
    english = []
    for aid in ids:
        text = texts.get(aid, "")
        text = text if isinstance(text, str) else ""
        code = lang or langs.get(aid) or detect_lang(text)
        sents = sentence_spans.get(aid) if sentence_spans else None
        if code == "en" and (features is None or features(code)):
            sents = _article_sentences(text, code, sents)
            english.append((aid, text, sents))
        out[aid] = (code, sents, None)
    for (aid, _, sents), quoted in zip(english, quote_source(english)):
        out[aid] = ("en", sents, quoted)
    return out


def predict_roles(mentions: pd.DataFrame, articles: pd.DataFrame, *, method: str = "auto",
                  model: RoleModel | str | Path | Mapping[str, RoleModel] | None = None, text_col: str = "text",
                  lang: str | None = None, sentence_spans: Mapping[object, list[tuple[int, int]]] | None = None,
                  parses: Mapping | None = None, quotes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Main and fine role of every mention.

    Parameters
    ----------
    mentions : rows with ``article_id``, ``start``, ``end`` (offsets into the
        article text), e.g. :func:`analysis.entities.mentions` (its
        ``entity_id`` gives the gazetteer side) or SemEval's roles.tsv.
    articles : ``article_id`` and ``text`` (optional ``lang``; detected otherwise).
    method : ``"auto"`` (trained weights of the mention's language when
        present, else rules), ``"rules"`` or ``"model"``.
    model : a :class:`RoleModel`, a path to its JSON, or {lang: RoleModel}.
    sentence_spans : {article_id: its sentence spans} for articles whose spans the caller already has, as
        :func:`analysis.text.sentence_spans` gives them (read for English articles only; the pipeline
        passes those of its sentences table).
    parses : {sentence: target parse} from :func:`analysis.sentiment.target.mention_sentiment`
        (``parses=``): the target sentiment of a mention in one of these sentences reads its parse.
    quotes : :func:`analysis.framing.quotes` of the sentences whose spans ``sentence_spans`` holds (the
        pipeline passes its framing stage's): the quotes of those English articles are read from it
        rather than found again (not when article ids repeat).

    Returns
    -------
    ``mentions`` (index reset) with :data:`ROLE_COLUMNS`: ``main_role``,
    ``main_confidence`` (probability of the predicted main role; a nominal
    value for the rules), ``p_protagonist``/``p_antagonist``/``p_innocent``,
    ``fine_roles`` (``|``-joined), ``fine_role`` (the first), ``fine_confidence``,
    ``method`` ("model" or "rules").
    """
    if method not in ("auto", "rules", "model"):
        raise ValueError(f"method must be auto, rules or model, got {method!r}")
    out = mentions.reset_index(drop=True).copy()
    if out.empty:
        for col in ROLE_COLUMNS:
            out[col] = pd.Series(dtype="float64" if col.startswith("p_") or col.endswith("confidence") else "str")
        return out
    models: dict[str, RoleModel | None] = dict(model) if isinstance(model, Mapping) else {}
    every_lang = None if model is None or isinstance(model, Mapping) else (
        model if isinstance(model, RoleModel) else load_role_model(model))

    def has_model(code: str) -> bool:
        # each language's weights, looked up as it turns up: only a model reads the features
        if method == "rules":
            return False
        if code not in models:
            models[code] = every_lang if every_lang is not None else load_role_model(lang=code)
        return models[code] is not None

    feats, cues, langs = featurize(out, articles, text_col=text_col, lang=lang, features=has_model,
                                   sentence_spans=sentence_spans, parses=parses, quotes=quotes)
    if method != "rules":
        for code in set(langs):
            has_model(code)
        if method == "model" and any(models.get(code) is None for code in set(langs)):
            raise FileNotFoundError("method='model' needs weights: run python -m analysis.train roles "
                                    "--train DIR --out data/models/roles_<lang>.json")
    n = len(out)
    aids = out["article_id"].tolist()
    main = [""] * n
    conf = np.zeros(n)
    P = np.zeros((n, 3))
    fine_s = [""] * n
    fine_conf = np.zeros(n)
    used = [""] * n
    order = list(MAIN_ROLES)
    for code in set(langs):
        idx = [i for i, x in enumerate(langs) if x == code]
        m = models.get(code) if method != "rules" else None
        if m is None:
            for i in idx:
                r, fr, c = _rule_roles(cues[i])
                main[i], conf[i], fine_s[i], fine_conf[i], used[i] = r, c, fr, c, "rules"
                P[i] = [(1 - c) / 2] * 3
                P[i, order.index(r)] = c
            continue
        sub = [feats[i] for i in idx]
        # every mention of the language's articles is scored at once: a collective stage reads the others
        pm = m.main_proba(sub, [aids[i] for i in idx] if m.collective is not None else None)
        pf = m.fine.proba(sub)
        for j, i in enumerate(idx):
            p = pm[j]
            k = int(p.argmax())
            main[i], conf[i], P[i], used[i] = order[k], float(p[k]), p, "model"
            allowed = [c for c, name in enumerate(m.fine.classes) if MAIN_OF.get(name) == order[k]]
            if allowed and m.fine.kind == "ovr":
                keep = fine_decision(pf[j], m.fine.classes, order[k], m.fine_thresholds)
                fine_s[i] = "|".join(m.fine.classes[c] for c in keep)
                fine_conf[i] = float(pf[j, keep[0]])
            elif allowed:
                best = max(allowed, key=lambda c: pf[j, c])
                tot = sum(pf[j, c] for c in allowed)
                fine_s[i] = m.fine.classes[best]
                fine_conf[i] = float(pf[j, best] / tot) if tot > 0 else 0.0
                if pf[j, best] < m.meta.get("fine_fallback", FINE_FALLBACK):
                    # an unsure fine model defers to a cue word of the same main role
                    r_main, r_fine, _ = _rule_roles(cues[i])
                    if r_main == order[k] and cues[i]["fine"].get(r_fine, 0) > 0:
                        fine_s[i] = r_fine
            else:
                fine_s[i] = role_lexicon()["default_fine"][order[k]]
    out["main_role"] = pd.Series(main, dtype="str")
    out["main_confidence"] = conf
    out["p_protagonist"], out["p_antagonist"], out["p_innocent"] = P[:, 0], P[:, 1], P[:, 2]
    out["fine_roles"] = pd.Series(fine_s, dtype="str")
    out["fine_role"] = pd.Series([s.split("|")[0] for s in fine_s], dtype="str")
    out["fine_confidence"] = fine_conf
    out["method"] = pd.Series(used, dtype="str")
    return out


def entity_roles(mentions: pd.DataFrame, articles: pd.DataFrame, *, method: str = "auto", model=None,
                 types: Sequence[str] | None = None) -> pd.DataFrame:
    """Roles of every gazetteer mention of a corpus (``analysis.entities.mentions`` output).

    Discovered names (method ``discovered``) are left out unless they carry an
    ``entity_id`` from the gazetteer; ``types`` keeps only those entity types.
    """
    m = mentions
    if "method" in m.columns:
        m = m[m["method"].astype(str) != "discovered"]
    if "entity_id" in m.columns:
        m = m[m["entity_id"].notna()]
    if types is not None and "type" in m.columns:
        m = m[m["type"].isin(list(types))]
    return predict_roles(m, articles, method=method, model=model)


def role_shares(roles: pd.DataFrame, articles: pd.DataFrame | None = None, *, entity: str = "name",
                by: str | Sequence[str] | None = "outlet", freq: str | None = None, date: str = "published",
                role: str = "main_role", min_n: int = 10, z: float = 1.959964) -> pd.DataFrame:
    """Share of mentions cast in each role, per actor (and group/period), with Wilson 95% intervals.

    Parameters
    ----------
    roles : :func:`predict_roles` output (needs ``article_id``, ``entity`` and ``role`` columns).
    articles : supplies ``by`` / ``date`` columns by article_id when missing.
    by : grouping column(s) ("outlet"), or None.
    freq : period alias ("MS" = month, "QS", "YS") for ``date``, or None.
    role : ``main_role`` or ``fine_role``.
    min_n : groups with fewer mentions get ``reliable = False``.

    Returns
    -------
    DataFrame[entity, *by, (period), role, n, n_total, n_articles, share,
    ci_low, ci_high, reliable]: one row per role of the scheme (zeros
    included), so shares of a group sum to 1.
    """
    from analysis.framing.agency import wilson
    from analysis.overview import with_groups

    # only the columns counted are taken (a large corpus casts millions of mentions)
    frame, groups = with_groups(roles, articles, by=by, freq=freq, date=date, caller="role_shares()",
                                keep=[entity, role, "article_id"])
    keys = [entity, *groups]
    labels = list(MAIN_ROLES) if role == "main_role" else list(FINE_ROLES)
    cols = [*keys, "role", "n", "n_total", "n_articles", "share", "ci_low", "ci_high", "reliable"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for key, g in frame.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        counts = g[role].value_counts()
        total = len(g)
        na = g["article_id"].nunique()
        for lab in labels:
            rows.append((*key, lab, int(counts.get(lab, 0)), total, na))
    out = pd.DataFrame(rows, columns=[*keys, "role", "n", "n_total", "n_articles"])
    out["share"] = out["n"] / out["n_total"]
    lo, hi = wilson(out["n"].to_numpy(), out["n_total"].to_numpy(), z=z)
    out["ci_low"], out["ci_high"] = lo, hi
    out["reliable"] = out["n_total"] >= min_n
    return out[cols]


def role_evidence(roles: pd.DataFrame, articles: pd.DataFrame, *, entity: str = "name", role: str = "main_role",
                  top: int = 3, text_col: str = "text") -> pd.DataFrame:
    """The sentences behind each (actor, role): the ``top`` most confident mentions with their sentence."""
    texts = dict(zip(articles["article_id"].tolist(), articles[text_col].tolist()))
    cols = [entity, role, "article_id", "start", "end", "confidence", "sentence"]
    if roles.empty:
        return pd.DataFrame(columns=cols)
    # the columns read, sorted (the same order as sorting every column: one sort key)
    best = (roles[list(dict.fromkeys([entity, role, "article_id", "start", "end", "main_confidence"]))]
            .sort_values("main_confidence", ascending=False).groupby([entity, role], sort=True).head(top))
    rows = []
    for r in best.itertuples(index=False):
        d = r._asdict()
        text = texts.get(d["article_id"], "") or ""
        a, b = int(d["start"]), int(d["end"])
        s = max(text.rfind(". ", 0, a), text.rfind("\n", 0, a))
        e_candidates = [x for x in (text.find(". ", b), text.find("\n", b)) if x >= 0]
        e = min(e_candidates) + 1 if e_candidates else len(text)
        rows.append((d[entity], d[role], d["article_id"], a, b, d["main_confidence"], text[s + 1:e].strip()))
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- data
def read_semeval_articles(folder: str | Path, ids) -> pd.DataFrame:
    """articles[article_id, text, lang] of a SemEval-2025 Task 10 language folder
    (``articles/<id>.txt``, read with ``newline=''`` so the task's offsets hold); ``lang`` is the
    folder's language for ru/uk folders, else detected per article."""
    folder = Path(folder)
    texts = []
    for aid in ids:
        with open(folder / "articles" / f"{aid}.txt", encoding="utf-8", newline="") as handle:
            texts.append(handle.read())
    lang = "ru" if folder.name in ("ru", "uk") else None
    return pd.DataFrame({"article_id": list(ids), "text": texts, "lang": [lang or detect_lang(t) for t in texts]})


def read_task_dirs(reader, folders) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``reader`` (:func:`read_roles_dir` or :func:`analysis.narratives.read_narratives_dir`) over
    several SemEval-2025 folders: (articles, gold) of all of them, concatenated in folder order."""
    parts = [reader(folder) for folder in folders]
    return (pd.concat([p[0] for p in parts], ignore_index=True),
            pd.concat([p[1] for p in parts], ignore_index=True))


def read_roles_dir(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A SemEval-2025 Task 10 language folder -> (articles[article_id, text, lang], gold roles).

    Gold: DataFrame[article_id, mention, start, end, main_role, fine_roles]
    (roles.tsv read with ``QUOTE_NONE``; texts read with ``newline=''`` so the
    offsets hold)."""
    folder = Path(folder)
    path = folder / "roles.tsv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    gold = pd.DataFrame(rows, columns=["article_id", "mention", "start", "end", "main_role", "fine_roles"])
    gold["start"] = gold["start"].astype(int)
    gold["end"] = gold["end"].astype(int)
    ids = sorted(set(gold["article_id"]))
    arts = read_semeval_articles(folder, ids)
    return arts, gold


# --------------------------------------------------------------------------- main actors
#: display name -> gazetteer entity ids (the actors notebook 05 follows)
ACTORS: dict[str, tuple[str, ...]] = {
    "Putin": ("person:vladimir_putin",),
    "Zelenskyy": ("person:volodymyr_zelenskyy",),
    "Russia": ("country:russia", "org:russian_government"),
    "Ukraine": ("country:ukraine",),
    "NATO": ("org:nato",),
    "the US": ("country:united_states",),
    "the EU": ("org:european_union", "org:european_commission", "org:european_council"),
}
#: non-combatants are not in the gazetteer: found by these word patterns instead
CIVILIAN_PATTERN = re.compile(
    r"\b(?:civilians?|residents?|children|families|refugees|(?:мирн\w+\s+)?жител\w*|мирн\w+\s+населени\w+|"
    r"беженц\w*|дет(?:и|ей|ям|ьми))\b", re.IGNORECASE)


def actor_mentions(mentions: pd.DataFrame, articles: pd.DataFrame, *, actors: Mapping[str, Sequence[str]] | None = None,
                   civilians: bool = True, text_col: str = "text") -> pd.DataFrame:
    """Mentions of the main actors: gazetteer mentions whose ``entity_id`` is in
    ``actors`` (column ``actor`` = display name) plus, with ``civilians``,
    matches of :data:`CIVILIAN_PATTERN` as actor ``civilians``.

    Returns DataFrame[article_id, start, end, surface, entity_id, actor]."""
    actors = ACTORS if actors is None else actors
    of = {eid: name for name, ids in actors.items() for eid in ids}
    cols = ["article_id", "start", "end", "surface", "entity_id", "actor"]
    m = mentions[mentions["entity_id"].isin(list(of))] if len(mentions) and "entity_id" in mentions else mentions.iloc[:0]
    out = pd.DataFrame({"article_id": m["article_id"].to_numpy(), "start": m["start"].astype(int).to_numpy(),
                        "end": m["end"].astype(int).to_numpy(),
                        "surface": m["surface"].to_numpy() if "surface" in m else None,
                        "entity_id": m["entity_id"].to_numpy(), "actor": m["entity_id"].map(of).to_numpy()},
                       columns=cols)
    if civilians:
        rows = [(aid, x.start(), x.end(), x.group(), None, "civilians")
                for aid, text in zip(articles["article_id"].tolist(), articles[text_col].tolist())
                if isinstance(text, str) for x in CIVILIAN_PATTERN.finditer(text)]
        if rows:
            out = pd.concat([out, pd.DataFrame(rows, columns=cols)], ignore_index=True)
    return out.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)
