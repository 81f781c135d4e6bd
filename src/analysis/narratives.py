"""Narratives of the war per article, with the sentences that triggered them.

SemEval-2025 Task 10 subtask 2 (Piskorski et al. 2025) labels each article
with narratives from a two-level taxonomy of Ukraine-war ("URW") narratives -
e.g. ``URW: Discrediting Ukraine`` and its sub-narrative ``URW: Discrediting
Ukraine: Ukraine is a puppet of the West`` - or ``Other``. The taxonomy (label
names, our own one-line descriptions and cue phrases in English and Russian)
is ``data/lexicons/narratives_urw.yml``; :func:`taxonomy` reads it, and
:func:`taxonomy_from_labels` reads the labels present in annotated data.

Two methods, one output (:func:`narratives`):

``lexicon`` (training-free default)
    cue phrases per narrative and sub-narrative counted per sentence;
    a narrative is assigned when at least ``min_hits`` distinct cues occur in
    the article (the file's ``min_hits``), a sub-narrative when one of its own
    cues occurs (else ``<narrative>: Other``); no narrative -> ``Other``. The
    evidence is the sentences with the most cue matches. Russian cues are word
    prefixes; English cues (round 18) are whole words up to an inflection
    (``sco`` is not in "score"; a cue ending in ``*`` is a stem), count
    neither inside a name of the file's ``not_cues`` ("United States") nor
    after a negation, and a narrative with a ``side`` (Praise of Russia) counts
    its cues only in sentences that name an actor of that side and carry no
    word critical of it (:func:`_cue_rules`). The same cue hits feed the
    trained model's cue features and lexicon prior.
``model`` (trained)
    one-vs-rest logistic regressions over binary word unigrams and bigrams,
    5-letter word prefixes, pymorphy3 lemmas for Russian, the lexicon's cue
    counts and, for English, the headline's words as a block of their own
    (round 9), one per coarse narrative (``Other`` included) and one per
    sub-narrative; P(Other) is averaged with that of a small cue-count model
    (round 6); the top coarse label is always kept, others above a
    threshold; each kept narrative gets its best sub-narrative, plus any
    other of its sub-narratives at or above a second threshold chosen by
    inner CV (round 8). Evidence: the sentences whose words contribute most
    to the label's score. Trained by ``python -m analysis.train narratives
    --train DIR --out data/models/narratives_<lang>.json`` (JSON weights,
    numpy scoring).
    Options: sublinear TF-IDF word features (``features="tfidf"``, idf
    table in the JSON) and per-label thresholds by inner CV
    (``thresholds="per_label"``); neither beat the defaults in CV
    (data/lexicons/README-roles.md, round 3). Casting (round 12, asked for
    with ``casting=0.5`` and gold roles, :mod:`analysis.narrative_casting`):
    the coarse model also reads how the article casts the sides it names,
    from a role model stored in the JSON; better in CV, slower than the aim
    of 50 articles per CPU second, so not the default.

``method="auto"`` uses the trained weights of the article's language when
present, else the lexicon. :func:`narrative_prevalence` gives shares of
articles per outlet / period with Wilson 95% intervals.

>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["a"], "text": [
...     "Officials warned of a nuclear escalation. A tactical nuclear strike could follow, analysts said."]})
>>> narratives(arts, method="lexicon")[["narratives"]].iloc[0, 0]
'URW: Amplifying war-related fears'
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis._linear import SparseLinear, fit_linear, save_json

__all__ = [
    "NARRATIVE_COLUMNS",
    "NarrativeModel",
    "load_narrative_model",
    "narrative_evidence",
    "narrative_prevalence",
    "narratives",
    "read_narratives_dir",
    "taxonomy",
    "taxonomy_from_labels",
    "train_narrative_model",
]

OTHER = "Other"
MODEL_FORMAT = "analysis.narratives/1"
#: per-article output columns of :func:`narratives`
NARRATIVE_COLUMNS = ["article_id", "narratives", "subnarratives", "n_narratives", "confidence", "method", "evidence"]
_WORD = re.compile(r"\w+(?:[-'\u2019]\w+)*")


# --------------------------------------------------------------------------- taxonomy
@lru_cache(maxsize=4)
def _lexicon(path: str | None = None) -> dict:
    from analysis.framing._lexicon import lexicon_path, load_yaml

    return load_yaml(str(path or lexicon_path("narratives_urw.yml")))


def taxonomy(path: str | None = None) -> pd.DataFrame:
    """The hand-written taxonomy: DataFrame[narrative, subnarrative, label, description]
    (``label`` = full sub-narrative label "<narrative>: <sub>")."""
    rows = []
    for coarse, d in _lexicon(path)["narratives"].items():
        rows.append((coarse, None, coarse, d.get("description", "")))
        for sub, sd in (d.get("subnarratives") or {}).items():
            rows.append((coarse, sub, f"{coarse}: {sub}", (sd or {}).get("description", "")))
    return pd.DataFrame(rows, columns=["narrative", "subnarrative", "label", "description"])


def taxonomy_from_labels(labels: pd.DataFrame) -> dict[str, list[str]]:
    """{narrative: [full sub-narrative labels]} as found in annotated data
    (:func:`read_narratives_dir` labels)."""
    out: dict[str, set] = {}
    for c, f in zip(labels["narrative"], labels["subnarrative"]):
        out.setdefault(c, set()).add(f)
    return {c: sorted(v) for c, v in sorted(out.items())}


def _prefix_regex(cues) -> re.Pattern | None:
    cues = [_cue_text(c) for c in (cues or []) if c]
    if not cues:
        return None
    alts = sorted({re.escape(c).replace(r"\ ", r"\s+") for c in cues}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")")


#: what the last word of an English cue may go on with (round 18): the plural, past and -ing forms
INFLECTIONS = frozenset({"", "s", "es", "ed", "d", "ing"})
_TAIL = re.compile(r"\w*")


def _cue_text(cue: str) -> str:
    """A lexicon cue as matched: lower case, without the ``*`` that marks an English stem."""
    cue = cue.lower()
    return cue[:-1] if cue.endswith("*") else cue


def _whole(lower: str, start: int, group: str) -> bool:
    """Whether the match ``group`` at ``start`` of ``lower`` ends a word, up to an :data:`INFLECTIONS` ending.

    >>> _whole("the score", 4, "sco"), _whole("peace talks", 0, "peace"), _whole("they advanced", 5, "advance")
    (False, True, True)
    """
    return _TAIL.match(lower, start + len(group)).group() in INFLECTIONS


@lru_cache(maxsize=4)
def _cue_rules(lang: str) -> dict | None:
    """The rules an English cue match must pass (round 18; None for other languages): ``stems``, the cues
    (matched text) written with a trailing ``*``, which may go on with any letters - every other cue ends a
    word (:func:`_whole`); ``not_cues``, a regex of the phrases inside which no cue counts; ``sided``: {label:
    (regex of the side's actors, regex of the words critical of it)} for the narratives with a ``side`` and
    their sub-narratives: their cues count only in a sentence naming such an actor (the gazetteer's surfaces of
    that side and the lexicon's ``actors``) without a word critical of it (``critical``: roles.yml's stance and own words)."""
    if lang != "en":
        return None
    lex = _lexicon()
    stems = set()
    for d in lex["narratives"].values():
        for cues in [(d.get("cues") or {}).get(lang, [])] + [((sd or {}).get("cues") or {}).get(lang, [])
                                                             for sd in (d.get("subnarratives") or {}).values()]:
            stems |= {" ".join(_cue_text(c).split()) for c in cues or [] if c.endswith("*")}
    sides = {d["side"] for d in lex["narratives"].values() if d.get("side")}
    by_side = {}
    if sides:
        from analysis.roles import role_lexicon

        stance = role_lexicon()["stance"]
        for side in sides:
            named = {a.lower() for a in (lex.get("actors") or {}).get(side, {}).get(lang, [])}
            # speed only: a surface holding one of these words ("russian federation") finds no sentence they miss
            actors = named | {s for s in _actor_surfaces(side) if s.isascii() and not named & set(re.findall(r"\w+", s))}
            critical = (lex.get("critical") or {}).get(side) or {}
            words = list(stance[critical["stance"]].get(lang, [])) if critical.get("stance") else []
            by_side[side] = (_prefix_regex(sorted(actors)), _prefix_regex(words + list(critical.get(lang, []))))
    sided = {}
    for c, d in lex["narratives"].items():
        if d.get("side"):
            for label in [c] + [f"{c}: {sub}" for sub in (d.get("subnarratives") or {})]:
                sided[label] = by_side[d["side"]]
    return {"stems": frozenset(stems), "not_cues": _prefix_regex((lex.get("not_cues") or {}).get(lang, [])),
            "sided": sided, "negations": frozenset((lex.get("negations") or {}).get(lang, []))}


def _negated(lower: str, start: int, sentence_start: int, negations: frozenset) -> bool:
    """Whether one of the 3 words before ``start`` (in its sentence) is a negation (``n't`` ends a word).

    >>> _negated("there is no real peace", 18, 0, frozenset({"no", "n't"}))
    True
    >>> _negated("they don't want peace", 16, 0, frozenset({"no", "n't"}))
    True
    >>> _negated("no. peace", 4, 4, frozenset({"no"}))
    False
    """
    words = _WORD.findall(lower[max(sentence_start, start - 60):start])[-3:]
    return any(w in negations or ("n't" in negations and w.endswith(("n't", "n\u2019t"))) for w in words)


#: gazetteer entity types that act (places do not: "advances into Kursk" names no Russian actor)
ACTOR_TYPES = ("PERSON", "ORG", "MILITARY_UNIT")


def _actor_surfaces(side: str) -> set[str]:
    """Lower-case gazetteer surfaces of the actors of ``side``: persons, organisations, military units and the
    states (``country:`` / ``gpe:`` ids), not its cities and regions; no short form ("Miller" names a Russian
    only after the full name)."""
    from analysis.entities import load_gazetteer

    gaz = load_gazetteer()
    ents = gaz.entities
    ok = ents["side"].eq(side) & (ents["type"].isin(ACTOR_TYPES) | ents["entity_id"].str.startswith(("country:",
                                                                                                       "gpe:")))
    ids = set(ents.loc[ok, "entity_id"])
    sf = gaz.surfaces
    return {s.lower() for s, e, kind in zip(sf["surface"], sf["entity_id"], sf["kind"]) if e in ids and kind != "short_form"}


@lru_cache(maxsize=4)
def _cue_regexes(lang: str) -> tuple[dict, dict]:
    lang = "ru" if lang in ("ru", "uk") else "en"
    coarse, fine = {}, {}
    for c, d in _lexicon()["narratives"].items():
        cues = list((d.get("cues") or {}).get(lang, []))
        for sub, sd in (d.get("subnarratives") or {}).items():
            subcues = list(((sd or {}).get("cues") or {}).get(lang, []))
            fine[f"{c}: {sub}"] = _prefix_regex(subcues)
            cues += subcues
        coarse[c] = _prefix_regex(cues)
    return coarse, fine


# --------------------------------------------------------------------------- articles
def _sentences(text: str, lang: str) -> tuple[list[tuple[int, int]], bool]:
    """(the sentence spans of ``text``, whether they are :func:`analysis.text.sentence_spans`'s: English, when
    that splitter finds some; else :func:`analysis.roles._simple_sentences`, or the whole text as one)."""
    if lang == "en":
        from analysis.text import sentence_spans

        try:
            spans = sentence_spans(text)
            if spans:
                return spans, True
        except Exception:  # noqa: BLE001
            pass
    from analysis.roles import _simple_sentences

    return _simple_sentences(text) or [(0, len(text))], False


class _Doc:
    __slots__ = ("text", "lang", "lower", "sents", "starts", "hits", "fine_hits", "headline", "english_spans")

    def __init__(self, text: str, lang: str | None = None, *, sents: list[tuple[int, int]] | None = None,
                 headline: str | None = None):
        from analysis.roles import detect_lang

        self.text = text if isinstance(text, str) else ""
        # headline: the article's title when the corpus keeps it apart from the text (None: the text's first line)
        self.headline = None if headline is None else (headline if isinstance(headline, str) else "").lower()
        self.lang = lang or detect_lang(self.text)
        self.lower = self.text.lower()
        # sents: analysis.text.sentence_spans of the text when the caller has them (what _sentences returns)
        if sents and self.lang == "en":
            self.sents, english = sents, True
        else:
            self.sents, english = _sentences(self.text, self.lang)
        #: the sents when they are analysis.text.sentence_spans of the text (else None): the casting's role
        #: features read them instead of splitting the text again
        self.english_spans = self.sents if english else None
        self.starts = [s for s, _ in self.sents]
        coarse, fine = _cue_regexes(self.lang)
        rules = _cue_rules(self.lang)
        keep = self._keep(rules) if rules else None
        # label -> list of (sentence index, cue) matches
        self.hits = {c: self._find(rx, keep, c) for c, rx in coarse.items()}
        self.fine_hits = {f: self._find(rx, keep, f) for f, rx in fine.items()}

    def _matches(self, rx) -> list[tuple[int, str]]:
        """(start, matched text) of every match of ``rx`` in the lowered text."""
        if rx is None:
            return []
        # speed only: the matches of every cue regex of the article's language are found in one pass over
        # its word starts (analysis._cueprefix.CueMatcher, exact), once per article; others are scanned
        if _CUE_MATCHES[0] is not self.lower or _CUE_MATCHES[1] != self.lang:
            from analysis._cueprefix import matcher

            _CUE_MATCHES[:] = [self.lower, self.lang, matcher(_every_regex(self.lang)).find_all(self.lower)]
        found = _CUE_MATCHES[2].get(rx)
        if found is None:
            found = [(m.start(), m.group()) for m in rx.finditer(self.lower)]
        return found

    def _sentence_of(self, start: int) -> int:
        from bisect import bisect_right

        return max(bisect_right(self.starts, start) - 1, 0)

    def _keep(self, rules: Mapping):
        """The test an English cue match (start, matched text, label) must pass (:func:`_cue_rules`): it ends a
        word unless its cue is a stem, it lies in no ``not_cues`` phrase, no negation stands among the 3 words
        before it (:func:`_negated`) and, for a sided label, its sentence names an actor of the side and is not
        critical of it."""
        stems = rules["stems"]
        inside = [(s, s + len(g)) for s, g in self._matches(rules["not_cues"]) if _whole(self.lower, s, g)]
        allowed: dict = {}
        for actors, critical in dict.fromkeys(rules["sided"].values()):
            named = {self._sentence_of(s) for s, g in self._matches(actors) if _whole(self.lower, s, g)}
            allowed[actors, critical] = named - {self._sentence_of(s) for s, _ in self._matches(critical)}
        sided = {label: allowed[pair] for label, pair in rules["sided"].items()}

        negations = rules["negations"]

        def keep(start: int, group: str, label: str) -> bool:
            if " ".join(group.split()) not in stems and not _whole(self.lower, start, group):
                return False
            if any(a <= start < b for a, b in inside):
                return False
            k = self._sentence_of(start)
            if negations and _negated(self.lower, start, self.sents[k][0], negations):
                return False
            return label not in sided or k in sided[label]

        return keep

    def _find(self, rx, keep=None, label: str | None = None):
        found = self._matches(rx)
        if keep is not None:
            found = [(s, g) for s, g in found if keep(s, g, label)]
        return [(self._sentence_of(start), group) for start, group in found]


@lru_cache(maxsize=4)
def _every_regex(lang: str) -> tuple:
    """The regexes :meth:`_Doc._matches` finds in one pass: the cue regexes of ``lang`` and those of its
    :func:`_cue_rules` (names, actors, critical words)."""
    coarse, fine = _cue_regexes(lang)
    rules = _cue_rules(lang) or {}
    extra = [rules.get("not_cues")] + [r for pair in dict.fromkeys((rules.get("sided") or {}).values()) for r in pair]
    return tuple(dict.fromkeys(r for r in (*coarse.values(), *fine.values(), *extra) if r is not None))


#: The article :meth:`_Doc._find` last prepared: [its lowered text, its language, {regex: matches}].
_CUE_MATCHES: list = [None, None, None]


def _terms(doc: _Doc) -> list[str]:
    """Word unigrams and bigrams of the whole article, as ``u:``/``b:`` feature names (with repeats)."""
    words = _WORD.findall(doc.lower)
    return ["u:" + w for w in words] + ["b:" + a + "_" + b for a, b in zip(words, words[1:])]


def fit_idf(docs: Sequence[_Doc], *, min_df: int = 2) -> dict[str, float]:
    """Smoothed inverse document frequency ``ln((1 + n) / (1 + df)) + 1`` of every
    word uni/bigram in at least ``min_df`` of ``docs`` (scikit-learn's
    ``TfidfVectorizer(smooth_idf=True)`` formula; Salton & Buckley 1988)."""
    df: dict[str, int] = {}
    for d in docs:
        for t in set(_terms(d)):
            df[t] = df.get(t, 0) + 1
    n = len(docs)
    return {t: round(math.log((1 + n) / (1 + c)) + 1.0, 6) for t, c in sorted(df.items()) if c >= min_df}


def _title_words(doc: _Doc) -> set[str]:
    """Words of the article's headline: its title when the corpus keeps one apart from the text (the
    ``title`` column of :func:`analysis.corpus.load_corpus`; an empty title gives none), else the text's first
    non-empty line (the SemEval-2025 files put the headline there).

    >>> sorted(_title_words(_Doc("Kyiv holds\\n\\nThe city held.", "en")))
    ['holds', 'kyiv']
    >>> sorted(_title_words(_Doc("The city held.", "en", headline="Kyiv holds")))
    ['holds', 'kyiv']
    """
    if doc.headline is not None:
        return set(_WORD.findall(doc.headline))
    first = next((line for line in doc.lower.splitlines() if line.strip()), "")
    return set(_WORD.findall(first))


def _doc_features(doc: _Doc, idf: Mapping[str, float] | None = None, title: float = 0.0) -> dict[str, float]:
    """Feature row of an article; ``title`` > 0 adds its headline's words (:func:`_title_words`) as a ``t:``
    block, L2-normalised and scaled by ``title``."""
    words = _WORD.findall(doc.lower)
    f: dict[str, float] = {"bias": 1.0}
    if title:
        head = _title_words(doc)
        for w in head:
            f["t:" + w] = title / math.sqrt(len(head))
    uni = set(words)
    pre = {w[:5] for w in words if len(w) > 5}
    if idf is None:  # binary uni/bigrams, each block L2-normalised
        bi = {a + "_" + b for a, b in zip(words, words[1:])}
        nu, nb = (1 / math.sqrt(max(len(x), 1)) for x in (uni, bi))
        for w in uni:
            f["u:" + w] = nu
        for w in bi:
            f["b:" + w] = nb
    else:  # sublinear tf x idf over uni+bigrams known to the idf table, L2-normalised
        tf: dict[str, int] = {}
        for t in _terms(doc):
            if t in idf:
                tf[t] = tf.get(t, 0) + 1
        w8 = {t: (1.0 + math.log(c)) * idf[t] for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in w8.values())) or 1.0
        for t, v in w8.items():
            f[t] = v / norm
    npf = 1 / math.sqrt(max(len(pre), 1))
    for w in pre:
        f["p:" + w] = npf
    if doc.lang in ("ru", "uk"):
        from analysis.morph import lemma

        lem = {lemma(w, doc.lang) for w in uni if w[:1].isalpha()}
        nl = 1 / math.sqrt(max(len(lem), 1))
        for w in lem:
            f["l:" + w] = nl
    for c, hits in doc.hits.items():
        if hits:
            f["cue:" + c] = min(len({h[1] for h in hits}), 5) / 5.0
    for c, hits in doc.fine_hits.items():
        if hits:
            f["fcue:" + c] = min(len({h[1] for h in hits}), 5) / 5.0
    return f


def _sentence_features(doc: _Doc, k: int) -> dict[str, float]:
    s, e = doc.sents[k]
    words = _WORD.findall(doc.lower[s:e])
    f = {}
    for w in set(words):
        f["u:" + w] = 1.0
        if len(w) > 5:
            f["p:" + w[:5]] = 1.0
    for a, b in zip(words, words[1:]):
        f["b:" + a + "_" + b] = 1.0
    return f


# --------------------------------------------------------------------------- model
class NarrativeModel:
    """Coarse and fine one-vs-rest classifiers plus the decision threshold."""

    def __init__(self, coarse: SparseLinear, fine: SparseLinear, *, threshold: float = 0.5, lang: str = "en",
                 meta: dict | None = None, idf: Mapping[str, float] | None = None,
                 thresholds: Mapping[str, float] | None = None, other: SparseLinear | None = None,
                 fine_threshold: float | None = None, title: float = 0.0, lexicon_prior: float = 0.0,
                 casting=None, cast_scale: float = 0.0):
        self.coarse, self.fine, self.threshold, self.lang, self.meta = coarse, fine, threshold, lang, dict(meta or {})
        #: a kept narrative's further sub-narratives at or above this probability (None: its best one only)
        self.fine_threshold = fine_threshold
        #: scale of the headline's word block (0: no such block, the models before round 9)
        self.title = title
        #: added to a narrative's score for the decision when the cue lexicon assigns it (0: the models before
        #: round 10); ``coarse_proba`` and the ``confidence`` column stay the model's probabilities
        self.lexicon_prior = lexicon_prior
        #: the cue-count model of ``Other`` averaged into the coarse model's P(Other) (None: not averaged)
        self.other = other
        #: TF-IDF table of the word features (None: binary words)
        self.idf = dict(idf) if idf else None
        #: per-label thresholds (None: one global ``threshold``, top label always kept)
        self.thresholds = dict(thresholds) if thresholds else None
        #: the role model (:class:`analysis.roles.RoleModel`) whose casting of the article's gazetteer mentions
        #: the coarse model reads (:mod:`analysis.narrative_casting`, scaled by ``cast_scale``; None: no casting,
        #: the models before round 12)
        self.casting = casting
        self.cast_scale = cast_scale

    def features(self, doc: _Doc) -> dict[str, float]:
        return _doc_features(doc, self.idf, self.title)

    def coarse_proba(self, feats: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Coarse probabilities of :meth:`features` rows, P(Other) averaged with the cue-count model's."""
        return _coarse_proba(self.coarse, self.other, feats)

    def to_dict(self) -> dict:
        out = {"format": MODEL_FORMAT, "lang": self.lang, "threshold": self.threshold,
               "coarse": self.coarse.to_dict(), "fine": self.fine.to_dict(), "meta": self.meta}
        if self.idf:
            out["idf"] = self.idf
        if self.thresholds:
            out["thresholds"] = self.thresholds
        if self.other is not None:
            out["other"] = self.other.to_dict()
        if self.fine_threshold is not None:
            out["fine_threshold"] = self.fine_threshold
        if self.title:
            out["title"] = self.title
        if self.lexicon_prior:
            out["lexicon_prior"] = self.lexicon_prior
        if self.casting is not None:
            out["casting"] = {"scale": self.cast_scale, "roles": self.casting.to_dict()}
        return out

    def to_json(self, path) -> Path:
        return save_json(self.to_dict(), path)

    @classmethod
    def from_dict(cls, payload: Mapping) -> NarrativeModel:
        if payload.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a narrative model file (format != {MODEL_FORMAT!r})")
        cast = payload.get("casting")
        if cast:
            from analysis.roles import RoleModel

            cast = (RoleModel.from_dict(cast["roles"]), float(cast["scale"]))
        return cls(SparseLinear.from_dict(payload["coarse"]), SparseLinear.from_dict(payload["fine"]),
                   threshold=float(payload.get("threshold", 0.5)), lang=payload.get("lang", "en"),
                   meta=payload.get("meta"), idf=payload.get("idf"), thresholds=payload.get("thresholds"),
                   other=SparseLinear.from_dict(payload["other"]) if payload.get("other") else None,
                   fine_threshold=payload.get("fine_threshold"), title=float(payload.get("title", 0.0)),
                   lexicon_prior=float(payload.get("lexicon_prior", 0.0)),
                   casting=cast[0] if cast else None, cast_scale=cast[1] if cast else 0.0)


def default_model_path(lang: str = "en") -> Path:
    from analysis.paths import models_dir

    return models_dir() / f"narratives_{lang}.json"


def load_narrative_model(path=None, *, lang: str = "en") -> NarrativeModel | None:
    """Weights from ``path`` (default ``data/models/narratives_<lang>.json``); None when the default is absent.

    The default file is read once per version (its path, modification time and size): the engine's narratives
    stage asks for it in every chunk, and reading the English casting JSON cost ~0.19 CPU s, about a tenth of
    the stage on 100 articles. Each call hands back a copy of the model read (:func:`_handed_copy`), so a
    caller that changes its model changes no later caller's."""
    if path is None:
        path = default_model_path(lang)
        try:
            stat = path.stat()
        except OSError:
            return None
        return _handed_copy(_model_file(str(path), stat.st_mtime_ns, stat.st_size))
    return _read_model(path)


def _read_model(path) -> NarrativeModel:
    import json

    return NarrativeModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=8)
def _model_file(path: str, mtime_ns: int, size: int) -> NarrativeModel:
    model = _read_model(path)
    for lin in _linears(model):  # shared by every copy handed out: written to, they raise
        lin.coef.setflags(write=False)
        lin.intercept.setflags(write=False)
    if model.casting is not None:
        from analysis.narrative_casting import _vocabulary

        _vocabulary(model.casting)  # once, here: the copies share it
    return model


def _linears(model: NarrativeModel) -> list[SparseLinear]:
    """The linear models of ``model`` and of its casting role model."""
    roles = model.casting
    found = [model.coarse, model.fine, model.other, *(() if roles is None else (roles.main, roles.fine,
                                                                                roles.collective))]
    return [lin for lin in found if lin is not None]


def _handed_copy(model: NarrativeModel) -> NarrativeModel:
    """A copy of the cached ``model`` that a caller may change without changing the cache: a deep copy of
    everything the model holds, whatever fields it has, but for what the cache shares on purpose: the weight
    arrays (read-only), the vocabularies, and the casting role model's vocabulary memo (immutable). About a
    thousandth of reading the file again."""
    import copy

    shared: list[object] = [part for lin in _linears(model) for part in (lin.coef, lin.intercept, lin.vocab)]
    if model.casting is not None and hasattr(model.casting, "_vocabulary_memo"):
        shared.append(model.casting._vocabulary_memo)
    return copy.deepcopy(model, {id(part): part for part in shared})


def _label_sets(labels: pd.DataFrame, ids: Sequence) -> tuple[list[set], list[set]]:
    by_c: dict = {}
    by_f: dict = {}
    for a, c, f in zip(labels["article_id"], labels["narrative"], labels["subnarrative"]):
        by_c.setdefault(a, set()).add(c)
        by_f.setdefault(a, set()).add(f)
    return [by_c.get(a, {OTHER}) for a in ids], [by_f.get(a, {OTHER}) for a in ids]


#: thresholds the inner CV of :func:`train_narrative_model` chooses from
THRESHOLD_GRID = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
#: per-label thresholds (``thresholds="per_label"``) are chosen from this grid
PER_LABEL_GRID = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7)
#: default scale of the headline block per language (:func:`train_narrative_model`'s ``title``); the Russian
#: folder scored lower with it (round 9)
TITLE_WEIGHT = {"en": 1.0}
#: default lexicon prior per language (:func:`train_narrative_model`'s ``lexicon_prior``); Russian: none (round 10)
LEXICON_PRIOR = {"en": 0.1}
#: default scale of the casting features per language (:func:`train_narrative_model`'s ``casting``, used when it
#: gets gold roles): English 0.5, better in in-sample CV on every block of fresh fold seeds (rounds 12, 14 and 16;
#: seeds 20-29 coarse / fine 0.4742 / 0.4041 against 0.4529 / 0.3958) and over the speed bar of round 17
#: (narratives() alone >= 50, the engine's stage >= 60 articles per CPU second); Russian: none (not tried)
CASTING: dict[str, float] = {"en": 0.5}
#: sub-narrative thresholds the inner CV chooses from (``fine_threshold="cv"``); None: one sub-narrative each
FINE_THRESHOLD_GRID = (0.15, 0.2, 0.3, 0.4, 0.5, None)


def train_narrative_model(articles: pd.DataFrame, labels: pd.DataFrame, *, C: float = 4.0, C_fine: float = 1.0,
                          threshold: float | str = "cv", class_weight=None, min_count: int = 2,
                          lang: str | None = None, text_col: str = "text", seed: int = 0,
                          inner_folds: int = 4, features: str = "binary", min_df: int = 2,
                          thresholds: str = "global", other_model: bool = True,
                          fine_threshold: float | str | None = "cv", title: float | None = None,
                          lexicon_prior: float | None = None,
                          roles: tuple[pd.DataFrame, pd.DataFrame] | None = None,
                          casting: float | None = None) -> NarrativeModel:
    """Fit the coarse and fine one-vs-rest models on articles + long labels
    (article_id, narrative, subnarrative).

    ``threshold``: probability above which a second (third ...) coarse narrative
    is kept; ``"cv"`` (default) picks it from :data:`THRESHOLD_GRID` by the
    samples-F1 of an inner ``inner_folds``-fold CV on the training articles
    (out-of-fold probabilities; ties go to the value nearest 0.2), so it adapts
    to the language (English picks 0.1-0.2, Russian 0.25-0.5). C = 4 without
    class weighting was chosen by 5-fold CV on the en and ru SemEval-2025
    folders (README-roles.md): mildly optimistic there.

    ``features="tfidf"``: the word uni/bigrams are weighted by sublinear tf x
    idf (idf from the training articles, terms in >= ``min_df`` of them; stored
    in the JSON) instead of binary; prefixes, lemmas and cue counts as before.
    ``thresholds="per_label"``: one threshold per coarse narrative, chosen
    from :data:`PER_LABEL_GRID` by coordinate ascent on the samples-F1 of the
    inner CV's out-of-fold probabilities (the inner folds refit the idf too,
    so nothing outside the training articles is used); a narrative is kept
    when its probability passes its threshold, ``Other`` when none passes.
    Every kept narrative gets its most probable sub-narrative (hierarchical
    consistency: no sub-narrative without its narrative).

    ``other_model`` (default True): P(Other) is the mean of the word model's
    and that of a small logistic regression (C 1) over the cue-count features
    alone (:func:`_cue_features`). The word model, with thousands of features
    for 80-100 articles, is overconfident about Other; the low-dimensional
    model smooths it. Round 6 (README-roles.md): English 5-fold CV, fold seeds
    0-9, coarse / fine samples-F1 0.445 / 0.390 against 0.431 / 0.369.

    ``fine_threshold``: a kept narrative always gets its most probable
    sub-narrative, and also any other of its sub-narratives whose probability
    reaches this value (31 of the 102 English articles carry more
    sub-narratives than narratives). ``"cv"`` (default) picks it from
    :data:`FINE_THRESHOLD_GRID` by the fine samples-F1 of the inner CV (the
    coarse decisions at the chosen coarse threshold, out-of-fold fine
    probabilities; ties go to the higher value, None = one sub-narrative
    each, the rule before round 8); None or a number fixes it. Round 8
    (README-roles.md): English 5-fold CV, mean over fold seeds 0-9, fine
    samples-F1 0.394 against 0.390 (better at 9 of 10 seeds), coarse
    unchanged.

    ``title``: the words of the article's first non-empty line (its
    headline) form a block of their own, scaled by this value (0: no block,
    the model before round 9); None (default): :data:`TITLE_WEIGHT` of the
    training articles' language (English 1, Russian 0). A headline states
    the article's point in a few words, which the whole-text word block
    dilutes. Round 9 (README-roles.md): English 5-fold CV, mean over fold
    seeds 0-9, coarse / fine samples-F1 0.4625 / 0.3999 against 0.4445 /
    0.3941 (coarse better at 8 of 10 seeds, fine at 7).

    ``lexicon_prior``: added to the score of every narrative that the
    training-free cue lexicon assigns to the article (at least ``min_hits``
    distinct cues of it, as ``method="lexicon"``) before the decision, in
    the inner CV as at prediction (0: none, the models before round 10);
    None (default): :data:`LEXICON_PRIOR` of the language (English 0.1,
    Russian 0). The word model misses narratives the lexicon names: 37 of
    the 65 English articles with a narrative came out Other (round 10's
    error analysis). Round 10 (README-roles.md): English 5-fold CV, mean
    over the fresh fold seeds 10-19, coarse / fine samples-F1 0.4702 /
    0.4077 against 0.4533 / 0.4005.

    ``roles`` = (articles, gold role mentions) as :func:`analysis.roles.read_roles_dir` gives them (several
    folders concatenated): the coarse model also reads how the article casts the sides it names
    (:mod:`analysis.narrative_casting`: per gazetteer side, the mean main-role probabilities of its mentions
    and their mean target sentiment, scaled by ``casting``), from a role model trained on these gold roles and
    stored in the narrative model; the casting of the training articles is cross-fitted (5 groups of
    articles, each from a role model that did not see the group's gold roles). ``casting``: the scale (0: no
    casting); None (default): :data:`CASTING` of the language (English 0.5 since round 17, Russian none).
    Without ``roles``, no casting (the models before round 12). ``python -m analysis.train narratives`` and
    ``analysis.evaluate narratives`` pass the ``roles.tsv`` of the training folder (plus the sibling Russian
    folder's) when the language casts (``--casting 0``: they do not; no ``roles.tsv``: a log line, no casting).
    Round 12 (README-roles.md): English 5-fold CV (in-sample), coarse / fine samples-F1 with
    ``casting=0.5`` 0.4949 / 0.4237 against 0.4786 / 0.4030 at seed 0; the harness's mean over fold
    seeds 0-9 0.4865 / 0.4103 against 0.4684 / 0.4020 (before the round's cue words)."""
    if features not in ("binary", "tfidf"):
        raise ValueError(f"features must be 'binary' or 'tfidf', got {features!r}")
    if thresholds not in ("global", "per_label"):
        raise ValueError(f"thresholds must be 'global' or 'per_label', got {thresholds!r}")
    if isinstance(threshold, str) and threshold != "cv":
        raise ValueError(f"threshold must be a number or 'cv', got {threshold!r}")
    if isinstance(fine_threshold, str) and fine_threshold != "cv":
        raise ValueError(f"fine_threshold must be a number, None or 'cv', got {fine_threshold!r}")
    docs = _docs(articles, text_col, lang)
    if title is None:
        title = TITLE_WEIGHT.get(docs[0].lang if docs else "en", 0.0)
    if lexicon_prior is None:
        lexicon_prior = LEXICON_PRIOR.get(docs[0].lang if docs else "en", 0.0)
    if casting is None:
        casting = CASTING.get(docs[0].lang if docs else "en", 0.0)
    idf = fit_idf(docs, min_df=min_df) if features == "tfidf" else None
    feats = [_doc_features(d, idf, title) for d in docs]
    ids = articles["article_id"].tolist()
    role_model, cast = None, None
    if roles is not None and casting:
        from analysis.narrative_casting import train_casting

        role_model, cast = train_casting(*roles, articles.assign(**{text_col: _headline_texts(articles, text_col)}),
                                         scale=float(casting), seed=seed, text_col=text_col)
    cs, fs = _label_sets(labels, ids)
    coarse_names = sorted(set().union(*cs)) if cs else [OTHER]
    fine_names = sorted(set().union(*fs)) if fs else [OTHER]
    Yc = np.array([[n in s for n in coarse_names] for s in cs], dtype=int)
    Yf = np.array([[n in s for n in fine_names] for s in fs], dtype=int)
    coarse = fit_linear(_with_cast(feats, cast), Yc, kind="ovr", classes=coarse_names, C=C, class_weight=class_weight,
                        min_count=min_count, seed=seed)
    other = _fit_other(feats, cs, seed=seed) if other_model else None
    inner = inner_fine = None
    per_label = None
    if threshold == "cv" or thresholds == "per_label" or fine_threshold == "cv":
        fine_cv = (Yf, fine_names, C_fine) if fine_threshold == "cv" else None
        P, Pf = _oof_proba(docs, Yc, coarse_names, C=C, class_weight=class_weight, min_count=min_count, seed=seed,
                           k=inner_folds, features=features, min_df=min_df, gold_sets=cs if other_model else None,
                           fine=fine_cv, title=title, lexicon_prior=lexicon_prior, cast=cast)
        # ties: the threshold nearest 0.2
        best, scores = _cv_grid(THRESHOLD_GRID, lambda t: [{coarse_names[j] for j in _decide(p, coarse_names, t)}
                                                           for p in P], cs, prefer=lambda t: -abs(t - 0.2))
        if threshold == "cv":
            threshold, inner = best, scores
        if thresholds == "per_label":
            per_label = _per_label_thresholds(P, coarse_names, cs, start=float(threshold))
        if fine_threshold == "cv":
            kept = [[coarse_names[j] for j in (_decide_per_label(p, coarse_names, per_label) if per_label else
                                               _decide(p, coarse_names, float(threshold)))] for p in P]
            # ties: the higher threshold, None (one sub-narrative per narrative) highest
            fine_threshold, inner_fine = _cv_grid(
                FINE_THRESHOLD_GRID, lambda t: [set(_subnarratives(p, k, t)) for p, k in zip(Pf, kept)], fs,
                prefer=lambda t: 2.0 if t is None else t)
    fine = fit_linear(feats, Yf, kind="ovr", classes=fine_names, C=C_fine, class_weight=class_weight,
                      min_count=min_count, seed=seed)
    return NarrativeModel(coarse, fine, threshold=float(threshold), lang=docs[0].lang if docs else "en",
                          meta={"n_train": len(ids), "C": C, "C_fine": C_fine, "min_count": min_count,
                                "threshold_inner_cv": inner, "fine_threshold_inner_cv": inner_fine,
                                "features": features, "min_df": min_df if idf else None,
                                "class_weight": class_weight if isinstance(class_weight, str) else None},
                          idf=idf, thresholds=per_label, other=other,
                          fine_threshold=None if fine_threshold is None else float(fine_threshold), title=float(title),
                          lexicon_prior=float(lexicon_prior), casting=role_model,
                          cast_scale=float(casting) if role_model is not None else 0.0)


def _with_cast(feats: Sequence[Mapping[str, float]], cast: Sequence[Mapping[str, float]] | None) -> list:
    """The coarse model's rows: :func:`_doc_features` rows plus the article's casting features (None: none)."""
    return list(feats) if cast is None else [{**f, **c} for f, c in zip(feats, cast)]


def _cue_features(f: Mapping[str, float]) -> dict[str, float]:
    """The lexicon's cue-count features (``cue:`` and ``fcue:``) of a :func:`_doc_features` row."""
    return {k: v for k, v in f.items() if k.startswith(("cue:", "fcue:"))}


def _fit_other(feats, gold_sets, *, seed: int) -> SparseLinear | None:
    """Logistic regression (C 1) of "the article is Other" over the cue-count features; None when the
    training labels are all Other or none is, or no training article has a cue."""
    y = np.array([[OTHER in s] for s in gold_sets], dtype=int)
    cues = [_cue_features(f) for f in feats]
    if not 0 < y.sum() < len(y) or not any(cues):
        return None
    return fit_linear(cues, y, kind="ovr", classes=[OTHER], C=1.0, min_count=1, seed=seed)


def _with_prior(P: np.ndarray, classes: Sequence[str], feats, prior: float) -> np.ndarray:
    """Decision scores: ``prior`` added to each narrative that the cue lexicon assigns to the article of a
    :func:`_doc_features` row (as ``method="lexicon"``: at least ``min_hits`` distinct cues; the row's ``cue:``
    value is that count, capped at 5, over 5).

    >>> _with_prior(np.array([[0.5, 0.2]]), ["Other", "A"], [{"cue:A": 0.4}], 0.1).round(2).tolist()
    [[0.5, 0.3]]
    """
    if not prior:
        return P
    cut = min(int(_lexicon().get("min_hits", 2)), 5) / 5.0
    P = P.copy()
    for j, c in enumerate(classes):
        if c != OTHER:
            P[:, j] += [prior if f.get("cue:" + c, 0.0) >= cut else 0.0 for f in feats]
    return P


def _coarse_proba(coarse: SparseLinear, other: SparseLinear | None, feats) -> np.ndarray:
    P = coarse.proba(feats)
    if other is not None and OTHER in coarse.classes:
        j = coarse.classes.index(OTHER)
        P[:, j] = (P[:, j] + other.proba([_cue_features(f) for f in feats])[:, 0]) / 2
    return P


def _oof_proba(docs, Y, names, *, C, class_weight, min_count, seed, k, features, min_df,
               gold_sets: Sequence[set] | None = None, fine: tuple | None = None,
               title: float = 0.0, lexicon_prior: float = 0.0,
               cast: Sequence[Mapping[str, float]] | None = None) -> tuple[np.ndarray, list]:
    """Out-of-fold coarse probabilities of an inner ``k``-fold CV (idf refit on each inner training part);
    ``gold_sets``: the articles' gold coarse labels, to average in the cue-count Other model (:func:`_fit_other`).
    ``fine`` = (Y, names, C) of the sub-narratives: also their out-of-fold probabilities, per article a {name:
    probability} of the sub-narratives its inner training part has (else the list is empty). ``title``: as
    :func:`_doc_features`; ``lexicon_prior``: the coarse rows are decision scores (:func:`_with_prior`); ``cast``: the
    articles' casting features, read by the coarse model (:func:`_with_cast`)."""
    from analysis.evaluation.narratives import folds

    n = len(docs)
    k = max(2, min(k, n))
    P = np.zeros((n, len(names)))
    Pf: list = [None] * n if fine is not None else []
    for tr, te in folds(np.arange(n), k, seed + 1):
        idf = fit_idf([docs[i] for i in tr], min_df=min_df) if features == "tfidf" else None
        trf = [_doc_features(docs[i], idf, title) for i in tr]
        m = fit_linear(_with_cast(trf, None if cast is None else [cast[i] for i in tr]), Y[tr], kind="ovr",
                       classes=names, C=C, class_weight=class_weight, min_count=min_count,
                       seed=seed)
        om = _fit_other(trf, [gold_sets[i] for i in tr], seed=seed) if gold_sets is not None else None
        tef = [_doc_features(docs[i], idf, title) for i in te]
        tec = _with_cast(tef, None if cast is None else [cast[i] for i in te])
        P[te] = _with_prior(_coarse_proba(m, om, tec), names, tef, lexicon_prior)
        if fine is not None:
            Yf, fnames, C_fine = fine
            cols = [j for j in range(len(fnames)) if Yf[tr, j].any()]
            fm = fit_linear(trf, Yf[np.ix_(tr, cols)], kind="ovr", classes=[fnames[j] for j in cols], C=C_fine,
                            class_weight=class_weight, min_count=min_count, seed=seed)
            for i, row in zip(te, fm.proba(tef)):
                Pf[i] = dict(zip(fm.classes, row))
    return P, Pf


def _subnarratives(pf: Mapping[str, float], coarse: Sequence[str], fine_threshold: float | None) -> list[str]:
    """Sub-narratives of the kept narratives ``coarse`` from {sub-narrative: probability}: each narrative's most
    probable one, then any other of it at or above ``fine_threshold`` (most probable first; None: none);
    ``<narrative>: Other`` for a narrative without any; ``[Other]`` for ``[Other]``."""
    if list(coarse) == [OTHER]:
        return [OTHER]
    out = []
    for c in coarse:
        cands = sorted(((p, n) for n, p in pf.items() if n.startswith(c + ": ")), reverse=True)
        if not cands:
            out.append(f"{c}: {OTHER}")
            continue
        out.append(cands[0][1])
        if fine_threshold is not None:
            out += [n for p, n in cands[1:] if p >= fine_threshold]
    return out


def _cv_grid(grid: Sequence, decide, gold: Sequence[set], *, prefer) -> tuple:
    """The value of ``grid`` whose label sets ``decide(value)`` have the best samples-F1 against ``gold`` (ties:
    the highest ``prefer(value)``), and {str(value): F1} of every value. The coarse threshold and the
    sub-narrative threshold of the inner CV are both chosen this way.

    >>> _cv_grid((0.1, 0.5), lambda t: [{"a"} if t < 0.3 else {"a", "b"}], [{"a", "b"}], prefer=lambda t: t)
    (0.5, {'0.1': 0.6667, '0.5': 1.0})
    """
    from analysis.evaluation.narratives import samples_f1

    scores = {t: samples_f1(gold, decide(t)) for t in grid}
    best = max(grid, key=lambda t: (round(scores[t], 12), prefer(t)))
    return best, {str(t): round(v, 4) for t, v in scores.items()}


def _per_label_thresholds(P, names, gold_sets, *, start: float, passes: int = 2) -> dict[str, float]:
    """Coordinate ascent over :data:`PER_LABEL_GRID`, one coarse label at a time (``Other`` excluded),
    maximising samples-F1 of :func:`_decide_per_label` on out-of-fold ``P``; ties keep the current value."""
    from analysis._linear import coordinate_ascent
    from analysis.evaluation.narratives import samples_f1

    def score(th):
        return round(samples_f1(gold_sets, [{names[j] for j in _decide_per_label(p, names, th)} for p in P]), 12)

    return coordinate_ascent({n: start for n in sorted(n for n in names if n != OTHER)}, PER_LABEL_GRID, score,
                             passes=passes)


def _decide_per_label(p: np.ndarray, classes: list[str], thresholds: Mapping[str, float]) -> list[int]:
    """Narratives whose probability passes their own threshold, most probable first; ``Other`` when none does."""
    keep = [j for j in np.argsort(-p) if classes[j] != OTHER and p[j] >= thresholds.get(classes[j], 1.0)]
    if keep:
        return [int(j) for j in keep]
    return [classes.index(OTHER)] if OTHER in classes else [int(np.argmax(p))]


def _titled(articles: pd.DataFrame, title_col: str = "title") -> list[bool]:
    """Per article, whether the corpus keeps a headline apart from its text (a non-blank ``title_col``)."""
    if title_col not in articles.columns:
        return [False] * len(articles)
    return [isinstance(h, str) and bool(h.strip()) for h in articles[title_col].tolist()]


def _headline_texts(articles: pd.DataFrame, text_col: str = "text", title_col: str = "title") -> list:
    """Per article, the text the models read: ``title + "\\n\\n" + text`` where the corpus keeps a headline apart
    (:func:`_titled`), else the text as it is. The SemEval-2025 files the models are trained on open with the
    headline, so their word blocks and the casting see the headline's words: the same here (train/serve parity).

    >>> _headline_texts(pd.DataFrame({"title": ["Kyiv holds", None], "text": ["The city held.", "Calm."]}))
    ['Kyiv holds\\n\\nThe city held.', 'Calm.']
    """
    texts = articles[text_col].tolist()
    return [h + "\n\n" + (t if isinstance(t, str) else "") if ok else t
            for h, t, ok in zip(articles[title_col].tolist() if title_col in articles.columns else texts, texts,
                                _titled(articles, title_col))]


def _docs(articles: pd.DataFrame, text_col: str = "text", lang: str | None = None, *,
          sentence_spans: Mapping | None = None, title_col: str = "title") -> list[_Doc]:
    # a declared language is a non-empty string; a missing one (None, NaN, pd.NA: Dask's and parquet's strings)
    # is detected, as analysis.text does
    langs = ([v if isinstance(v, str) and v else None for v in articles["lang"].tolist()]
             if "lang" in articles.columns else [None] * len(articles))
    titled = _titled(articles, title_col)
    # the caller's sentence spans are those of the text alone: an article read with its headline is split again
    spans = [None if ok else sentence_spans.get(aid) for aid, ok in zip(articles["article_id"].tolist(), titled)] \
        if sentence_spans else [None] * len(articles)
    # the corpus loader keeps the headline in its own column, out of the text: the headline block reads it there
    heads = articles[title_col].tolist() if title_col in articles.columns else [None] * len(articles)
    return [_Doc(t, lang or doc_lang, sents=s, headline=h)
            for t, doc_lang, s, h in zip(_headline_texts(articles, text_col, title_col), langs, spans, heads)]


def _decide(p: np.ndarray, classes: list[str], threshold: float) -> list[int]:
    order = np.argsort(-p)
    top = int(order[0])
    if classes[top] == OTHER:
        return [top]
    keep = [top] + [int(j) for j in order[1:] if p[j] >= threshold and classes[j] != OTHER]
    return keep


# --------------------------------------------------------------------------- public API
def narratives(articles: pd.DataFrame, *, method: str = "auto", model: NarrativeModel | str | Path | Mapping | None = None,
               text_col: str = "text", lang: str | None = None, evidence: int = 2,
               sentence_spans: Mapping | None = None, quotes: pd.DataFrame | None = None,
               parses: Mapping | None = None, title_col: str = "title") -> pd.DataFrame:
    """Narratives and sub-narratives of each article, with evidence sentences.

    Returns DataFrame[:data:`NARRATIVE_COLUMNS`]: ``narratives`` and
    ``subnarratives`` ``|``-joined (parallel lists are not kept: sets, like
    the task's scorer), ``confidence`` (model: probability of the top
    narrative; lexicon: share of the top narrative's cue hits), ``method``,
    ``evidence`` = list of (label, sentence) pairs. Long-format evidence:
    :func:`narrative_evidence`. ``sentence_spans``: {article_id: spans} the caller already has, as
    :func:`analysis.text.sentence_spans` gives them (read for English articles; the pipeline passes
    those of its sentences table). ``quotes``: the quotes of the articles of ``sentence_spans``
    (:func:`analysis.framing.quotes`) when the caller has them, read by a model's casting, and so are
    ``parses``: {sentence: target parse} as :func:`analysis.targeted.mention_sentiment` hands them
    (``parses=``). ``title_col``: the column of the headlines when the corpus keeps them out of the text (the
    headline block of a model trained with one, :func:`_title_words`; an absent column: the text's first line).
    An article with a headline there is read as ``title + "\\n\\n" + text`` (:func:`_headline_texts`), as the
    SemEval-2025 files the models learn from hold it: the word blocks, the evidence and the casting see the
    headline's words too (its ``sentence_spans`` and ``quotes``, those of the text alone, are found again).
    :mod:`analysis.engine` and :func:`analysis.pipeline.analyse` hand their narratives stage the ``title``
    column too (round 17; its ``narrative_evidence`` places a headline sentence in the title, ``in_title``).
    """
    if method not in ("auto", "lexicon", "model"):
        raise ValueError(f"method must be auto, lexicon or model, got {method!r}")
    docs = _docs(articles, text_col, lang, sentence_spans=sentence_spans, title_col=title_col)
    models: dict = {}
    if isinstance(model, NarrativeModel):
        models = {d.lang: model for d in docs}
    elif isinstance(model, Mapping):
        models = dict(model)
    elif model is not None:
        m = load_narrative_model(model)
        models = {d.lang: m for d in docs}
    if method != "lexicon":
        for code in {d.lang for d in docs}:
            if code not in models:
                models[code] = load_narrative_model(lang=code)
        if method == "model" and any(models.get(d.lang) is None for d in docs):
            raise FileNotFoundError("method='model' needs weights: run python -m analysis.train narratives "
                                    "--train DIR --out data/models/narratives_<lang>.json")
    min_hits = int(_lexicon().get("min_hits", 2))
    casts = _casting_of(articles, docs, models if method != "lexicon" else {}, text_col,
                        sentence_spans=sentence_spans, quotes=quotes, parses=parses, title_col=title_col)
    rows = []
    for aid, doc, cast in zip(articles["article_id"].tolist(), docs, casts):
        m = models.get(doc.lang) if method != "lexicon" else None
        if m is None:
            rows.append((aid, *_lexicon_one(doc, min_hits, evidence), "lexicon"))
        else:
            rows.append((aid, *_model_one(doc, m, evidence, cast), "model"))
    out = pd.DataFrame([(r[0], r[1], r[2], r[3], r[4], r[6], r[5]) for r in rows], columns=NARRATIVE_COLUMNS)
    return out


def _casting_of(articles: pd.DataFrame, docs: Sequence[_Doc], models: Mapping, text_col: str, *,
                sentence_spans: Mapping | None = None, quotes: pd.DataFrame | None = None,
                parses: Mapping | None = None, title_col: str = "title") -> list:
    """Per article, its casting features when its language's model reads them (else None); an article whose
    headline the corpus keeps apart is cast with it (:func:`_headline_texts`), as in training."""
    out: list = [None] * len(docs)
    titled = _titled(articles, title_col)
    if any(titled):
        articles = articles.assign(**{text_col: _headline_texts(articles, text_col, title_col)})
        if sentence_spans:  # the spans (and so the quotes) of the text alone: found again with the headline
            drop = set(articles["article_id"][titled].tolist())
            sentence_spans = {aid: s for aid, s in sentence_spans.items() if aid not in drop}
    if quotes is None and articles["article_id"].is_unique:
        # speed only: the role features split no English text the docs have split (the caller's spans first;
        # not where a quotes table is given, which stands for the articles of sentence_spans alone)
        own = {aid: d.english_spans for aid, d in zip(articles["article_id"].tolist(), docs) if d.english_spans}
        sentence_spans = {**own, **(sentence_spans or {})}
    for m in {id(m): m for m in models.values() if m is not None and m.casting is not None}.values():
        idx = [i for i, d in enumerate(docs) if models.get(d.lang) is m]
        if idx:
            from analysis.narrative_casting import predict_casting

            sub = articles.iloc[idx].assign(lang=[docs[i].lang for i in idx])
            # the role features' narrative cues (analysis.roles.art_narratives) from the docs' cue hits
            # instead of a second scan of every article
            cues = {aid: _cue_strength(docs[i]) for aid, i in zip(sub["article_id"].tolist(), idx)}
            rows = predict_casting(m.casting, sub, scale=m.cast_scale, text_col=text_col, narrative_cues=cues,
                                   sentence_spans=sentence_spans, quotes=quotes, parses=parses)
            for i, row in zip(idx, rows):
                out[i] = row
    return out


def _cue_strength(doc: _Doc) -> dict[str, float]:
    """Per coarse narrative with a cue in ``doc``, its distinct cues (at most 4) / 4, the ``URW: `` prefix
    dropped: the role features' narrative cue strength (:func:`analysis.roles.art_narratives` reads it here)."""
    return {c.replace("URW: ", ""): min(len({h[1] for h in hits}), 4) / 4.0 for c, hits in doc.hits.items() if hits}


def _lexicon_one(doc: _Doc, min_hits: int, n_evidence: int):
    scored = []
    for c, hits in doc.hits.items():
        distinct = len({h[1] for h in hits})
        if distinct >= min_hits:
            scored.append((distinct, len(hits), c))
    scored.sort(reverse=True)
    if not scored:
        return OTHER, OTHER, 0, 0.0, []
    total = sum(s[1] for s in scored)
    coarse = [c for _, _, c in scored]
    fine, ev = [], []
    for c in coarse:
        subs = [(len(h), f) for f, h in doc.fine_hits.items() if f.startswith(c + ": ") and h]
        best = max(subs)[1] if subs else f"{c}: {OTHER}"
        fine.append(best)
        counts: dict[int, int] = {}
        for k, _ in doc.hits[c]:
            counts[k] = counts.get(k, 0) + 1
        for k in sorted(counts, key=lambda k: (-counts[k], k))[:n_evidence]:
            s, e = doc.sents[k]
            ev.append((c, doc.text[s:e].strip()))
    return "|".join(coarse), "|".join(fine), len(coarse), round(scored[0][1] / total, 4), ev


def _model_one(doc: _Doc, m: NarrativeModel, n_evidence: int, cast: Mapping[str, float] | None = None):
    f = m.features(doc)
    pc = m.coarse_proba(_with_cast([f], None if cast is None else [cast]))[0]
    pf = m.fine.proba([f])[0]
    score = _with_prior(pc[None, :], m.coarse.classes, [f], m.lexicon_prior)[0]
    if m.thresholds:
        keep = _decide_per_label(score, m.coarse.classes, m.thresholds)
    else:
        keep = _decide(score, m.coarse.classes, m.threshold)
    coarse = [m.coarse.classes[j] for j in keep]
    if coarse == [OTHER]:
        return OTHER, OTHER, 0, round(float(pc[keep[0]]), 4), []
    fine = _subnarratives(dict(zip(m.fine.classes, pf)), coarse, m.fine_threshold)
    ev = []
    sent_feats = None
    for j, c in zip(keep, coarse):
        if n_evidence:
            if sent_feats is None:
                sent_feats = [_sentence_features(doc, k) for k in range(len(doc.sents))]
            scores = [sum(m.coarse.contributions(sf, j).values()) for sf in sent_feats]
            for k in sorted(range(len(scores)), key=lambda k: -scores[k])[:n_evidence]:
                if scores[k] > 0:
                    s, e = doc.sents[k]
                    ev.append((c, doc.text[s:e].strip()))
    return "|".join(coarse), "|".join(fine), len(coarse), round(float(pc[keep[0]]), 4), ev


def narrative_evidence(result: pd.DataFrame) -> pd.DataFrame:
    """Long table of evidence: DataFrame[article_id, narrative, sentence]."""
    rows = [(aid, lab, sent) for aid, ev in zip(result["article_id"], result["evidence"]) for lab, sent in (ev or [])]
    return pd.DataFrame(rows, columns=["article_id", "narrative", "sentence"])


def narrative_prevalence(result: pd.DataFrame, articles: pd.DataFrame | None = None, *, by: str | None = "outlet",
                         freq: str | None = None, date: str = "published", level: str = "narratives",
                         min_n: int = 10) -> pd.DataFrame:
    """Share of articles carrying each narrative, per group (and period), with Wilson 95% intervals.

    Returns DataFrame[*by, (period), narrative, n, n_articles, share, ci_low, ci_high, reliable]."""
    from analysis.framing.agency import wilson
    from analysis.overview import with_groups

    frame, groups = with_groups(result, articles, by=by, freq=freq, date=date, caller="narrative_prevalence()")
    keys = list(groups)
    cols = [*keys, "narrative", "n", "n_articles", "share", "ci_low", "ci_high", "reliable"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    frame["_labels"] = frame[level].fillna(OTHER).str.split("|")
    names = sorted({x for s in frame["_labels"] for x in s})
    rows = []
    for key, g in (frame.groupby(keys, sort=True, dropna=False) if keys else [((), frame)]):
        key = key if isinstance(key, tuple) else (key,)
        total = len(g)
        for name in names:
            rows.append((*key, name, int(sum(name in s for s in g["_labels"])), total))
    out = pd.DataFrame(rows, columns=[*keys, "narrative", "n", "n_articles"])
    out["share"] = out["n"] / out["n_articles"]
    out["ci_low"], out["ci_high"] = wilson(out["n"].to_numpy(), out["n_articles"].to_numpy())
    out["reliable"] = out["n_articles"] >= min_n
    return out[cols]


# --------------------------------------------------------------------------- data
def read_narratives_dir(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A SemEval-2025 T10 language folder -> (articles with narrative labels, long labels).

    Labels: DataFrame[article_id, narrative, subnarrative], one row per distinct
    (narrative, sub-narrative) pair of an article."""
    from analysis.roles import read_semeval_articles

    folder = Path(folder)
    with open(folder / "narratives.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    out = []
    for r in rows:
        cs = [x.strip() for x in (r.get("narratives") or "").split("|")]
        fs = [x.strip() for x in (r.get("subnarratives") or "").split("|")]
        for c, f in zip(cs, fs):
            if c:
                out.append((r["article_id"], c, f or f"{c}: {OTHER}"))
    labels = pd.DataFrame(out, columns=["article_id", "narrative", "subnarrative"]).drop_duplicates()
    ids = list(dict.fromkeys(labels["article_id"]))
    arts = read_semeval_articles(folder, ids)
    return arts, labels.reset_index(drop=True)
