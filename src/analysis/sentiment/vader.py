"""Sentence tone: the VADER lexicons (published and war-news) and :class:`FastVader`, a batched
re-implementation of VADER's rules (Hutto & Gilbert 2014) that gives NLTK's numbers; see
:mod:`analysis.sentiment`.
"""

from __future__ import annotations

import csv
import math
import string
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import compress
from pathlib import Path

import numpy as np
import pandas as pd

from analysis._gc import gc_paused
from analysis.sentiment._shared import _text_ids

LEXICONS = ("war-news", "vader")
SENTENCE_SCORE_COLUMNS = ["article_id", "sentence_id", "neg", "neu", "pos", "compound"]
#: Hutto & Gilbert's (2014) thresholds for a positive / negative text.
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05


# --------------------------------------------------------------------------- lexicons
def vader_lexicon_path() -> Path:
    """The ``vader_lexicon.txt`` shipped inside the ``vaderSentiment`` package."""
    import vaderSentiment

    return Path(vaderSentiment.__file__).resolve().parent / "vader_lexicon.txt"


@lru_cache(maxsize=1)
def _vader_lexicon_text() -> str:
    return vader_lexicon_path().read_text(encoding="utf-8").strip("\n")


@lru_cache(maxsize=1)
def _vader_lexicon() -> Mapping[str, float]:
    lex: dict[str, float] = {}
    for line in _vader_lexicon_text().split("\n"):
        parts = line.strip().split("\t")
        if len(parts) >= 2:
            lex[parts[0]] = float(parts[1])
    return lex


def war_news_adjustments(path: str | Path | None = None) -> pd.DataFrame:
    """The documented war-news lexicon adjustments as a DataFrame.

    Columns: term, kind (word/phrase), vader (the published valence, NaN when
    absent), valence (the value used), analogue (the VADER entry the value was
    taken from), rationale.

    >>> adj = war_news_adjustments()
    >>> float(adj.set_index("term").loc["parties", "valence"])
    0.0
    """
    from analysis.paths import lexicon_dir

    path = Path(path) if path is not None else lexicon_dir() / "sentiment_war_news.csv"
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in reader:
            term = (row.get("term") or "").strip().lower()
            if not term:
                continue
            rows.append({
                "term": term,
                "kind": "phrase" if " " in term else "word",
                "vader": _vader_lexicon().get(term, math.nan),
                "valence": float(row["valence"]),
                "analogue": (row.get("analogue") or "").strip(),
                "rationale": (row.get("rationale") or "").strip(),
            })
    return pd.DataFrame(rows, columns=["term", "kind", "vader", "valence", "analogue", "rationale"])


@lru_cache(maxsize=4)
def _lexicon(name: str) -> tuple[Mapping[str, float], tuple[tuple[str, ...], ...]]:
    if name == "vader":
        return _vader_lexicon(), ()
    if name != "war-news":
        raise ValueError(f"lexicon must be one of {LEXICONS}, got {name!r}")
    lex = dict(_vader_lexicon())
    phrases = []
    for term, valence in zip(*[war_news_adjustments()[c].tolist() for c in ("term", "valence")]):
        lex[term] = valence
        if " " in term:
            phrases.append(tuple(term.split()))
    # longest phrases first so "full scale invasion" wins over "scale invasion"
    phrases.sort(key=len, reverse=True)
    return lex, tuple(phrases)


def lexicon(name: str = "war-news") -> dict[str, float]:
    """A copy of the word -> valence lexicon (``"vader"`` or ``"war-news"``).

    Multiword entries of the war-news lexicon are keyed with single spaces.

    >>> lexicon("vader")["parties"], lexicon("war-news")["parties"]
    (1.7, 0.0)
    """
    return dict(_lexicon(name)[0])


def nltk_analyzer(lexicon: str = "vader"):
    """NLTK's ``SentimentIntensityAnalyzer`` with the ``vaderSentiment`` lexicon.

    NLTK 3.10's ``nltk.data.load`` refuses absolute paths, so instead of
    touching the global ``nltk.data.path`` the analyzer is built from the
    lexicon text directly (what its ``__init__`` does after loading the file).
    ``lexicon="war-news"`` installs the adjusted single-word valences (phrases
    need :class:`FastVader`).

    >>> nltk_analyzer().polarity_scores("Civilians were killed.")["compound"]
    -0.6705
    """
    from nltk.sentiment.vader import SentimentIntensityAnalyzer, VaderConstants

    analyzer = SentimentIntensityAnalyzer.__new__(SentimentIntensityAnalyzer)
    analyzer.lexicon_file = _vader_lexicon_text()
    analyzer.lexicon = analyzer.make_lex_dict()
    if lexicon != "vader":
        analyzer.lexicon = {k: v for k, v in _lexicon(lexicon)[0].items() if " " not in k}
    analyzer.constants = VaderConstants()
    return analyzer


# --------------------------------------------------------------------------- fast VADER

_ASCII_PUNCT = frozenset(string.punctuation)
_PUNC_LIST = frozenset([".", "!", "?", ",", ";", ":", "-", "'", '"', "!!", "!!!", "??", "???",
                        "?!?", "!?!", "?!?!", "!?!?"])
_ALL_PUNCT = string.punctuation + "\u2018\u2019\u201c\u201d\u00ab\u00bb\u2026\u2013\u2014"
_TYPOGRAPHIC = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                              "\u00ab": '"', "\u00bb": '"', "\u2032": "'", "\u00a0": " "})
# the same replacements as pairs: no replacement is itself replaced, so successive str.replace
# (each a scan in C) equals str.translate (a dict look-up per character), faster on long texts
_TYPOGRAPHIC_PAIRS = tuple((chr(k), v) for k, v in _TYPOGRAPHIC.items())


def _ascii_typography(text: str) -> str:
    """``text.translate(_TYPOGRAPHIC)``: curly quotes, guillemets, prime and no-break space made
    ASCII, one character for one (offsets are kept).

    >>> _ascii_typography("\u00abKyiv\u00bb\u00a0said")
    '"Kyiv" said'
    """
    for old, new in _TYPOGRAPHIC_PAIRS:
        text = text.replace(old, new)
    return text


def _strip_token(w: str) -> str:
    """VADER's ``SentiText`` punctuation stripping for one whitespace token.

    NLTK builds a dict of every (punctuation, word) concatenation; this is the
    same mapping computed directly: a trailing (else leading) run of ASCII
    punctuation that is one of ``PUNC_LIST`` is removed when what remains has
    no ASCII punctuation and is longer than one character.
    """
    n = len(w)
    j = n
    while j > 0 and w[j - 1] in _ASCII_PUNCT:
        j -= 1
    if 1 < j < n and w[j:] in _PUNC_LIST:
        core = w[:j]
        if not any(c in _ASCII_PUNCT for c in core):
            return core
    i = 0
    while i < n and w[i] in _ASCII_PUNCT:
        i += 1
    if 0 < i < n - 1 and w[:i] in _PUNC_LIST:
        core = w[i:]
        if not any(c in _ASCII_PUNCT for c in core):
            return core
    return w


class FastVader:
    """VADER's rules (NLTK 3.10 ``SentimentIntensityAnalyzer``) over many texts.

    Identical arithmetic to NLTK's ``polarity_scores`` — including its quirks
    (a repeated word is scored in the context of its first occurrence; "never
    so" is case-sensitive) — but with token normalisation memoised, the
    per-text punctuation dictionary replaced by a direct rule, and optional
    multiword lexicon entries merged into one token before scoring.

    Parameters
    ----------
    lexicon : word -> valence (VADER's own file has a few unreachable
        two-word keys such as "screwed up"; they stay unreachable).
    phrases : multiword lexicon keys to merge into one token before scoring.
    strip_punctuation : also strip any leading/trailing punctuation run
        (``parties?"``) that VADER's rule leaves attached.
    normalize_typography : map curly quotes/apostrophes to ASCII first.

    >>> FastVader.from_name("vader").polarity_scores("The attack was NOT good!!")
    {'neg': 0.67, 'neu': 0.33, 'pos': 0.0, 'compound': -0.7261}
    """

    from nltk.sentiment.vader import VaderConstants as _C

    B_INCR = _C.B_INCR
    C_INCR = _C.C_INCR
    N_SCALAR = _C.N_SCALAR
    NEGATE = frozenset(_C.NEGATE)
    BOOSTER = dict(_C.BOOSTER_DICT)
    IDIOMS = dict(_C.SPECIAL_CASE_IDIOMS)
    del _C

    def __init__(self, lexicon: Mapping[str, float], *, phrases: Iterable[str] = (),
                 normalize_typography: bool = False, strip_punctuation: bool = False) -> None:
        self.lexicon = dict(lexicon)
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for key in phrases:
            words = tuple(key.lower().split())
            if len(words) > 1:
                self.lexicon.setdefault(" ".join(words), 0.0)
                by_first.setdefault(words[0], []).append(words)
        phrases = by_first
        for first in phrases:
            phrases[first].sort(key=len, reverse=True)
        self.phrases = phrases
        self.normalize_typography = normalize_typography
        self.strip_punctuation = strip_punctuation
        self._strip_cache: dict[str, str] = {}
        # Memo of whitespace tokens -> (VADER word, its lower case), None for
        # dropped one-character tokens; and the raw tokens whose word is a
        # lexicon entry or starts a phrase (a sentence without any of them is
        # neutral without running the rules). Pure memos of constant data,
        # bounded by _MAX_CACHE.
        self._token_cache: dict[str, tuple[str, str] | None] = {}
        self._interesting: set[str] = set()
        self._phrase_raw: set[str] = set()
        self._candidates = frozenset(k for k in self.lexicon if k not in self.BOOSTER)
        self._phrase_first = frozenset(phrases)
        # lower-case words that can change the valence of a following word;
        # _learn adds the words containing "n't" (negations) as it meets them
        self._context = {*self.BOOSTER, *self.NEGATE, "never", "so", "this", "least"}
        self._phrase_patterns = {first: [" " + " ".join(c) + " " for c in cands] for first, cands in phrases.items()}
        # words that can take part in an idiom or multiword booster (VADER's
        # _idioms looks at words i-3..i+2); phrase tokens contain spaces, so
        # they may complete an idiom too
        # they may complete an idiom too. One word per key suffices (all of a
        # key's words must be present for it to match): the longest.
        self._idiom_words = frozenset(
            [max(reversed(key.split()), key=len) for key in (*self.IDIOMS, *self.BOOSTER) if " " in key]
            + [k for k in self.lexicon if " " in k])

    @classmethod
    def from_name(cls, name: str = "war-news") -> FastVader:
        lex, phrases = _lexicon(name)
        adapted = name != "vader"
        return cls(lex, phrases=[" ".join(p) for p in phrases], normalize_typography=adapted,
                   strip_punctuation=adapted)

    # -- tokens ------------------------------------------------------------
    def words(self, text: str) -> list[str]:
        """VADER's ``words_and_emoticons`` (plus phrase merging)."""
        if self.normalize_typography:
            text = text.translate(_TYPOGRAPHIC)
        cache = self._strip_cache
        out = []
        for w in text.split():
            if len(w) > 1:
                s = cache.get(w)
                if s is None:
                    s = _strip_token(w)
                    if self.strip_punctuation:
                        t = s.strip(_ALL_PUNCT)
                        if len(t) > 1:
                            s = t
                    cache[w] = s
                out.append(s)
        if self.phrases and out:
            out = self._merge_phrases(out)
        return out

    def _merge_phrases(self, words: list[str]) -> list[str]:
        lowers = [w.lower() for w in words]
        if not any(w in self.phrases for w in lowers):
            return words
        return self._merge_phrases_lowered(words, lowers)[0]

    # -- scoring -----------------------------------------------------------
    def valences(self, words: Sequence[str]) -> list[float]:
        """Per-word valences after VADER's boosters, negation, caps, idioms and "but"."""
        lex = self.lexicon
        booster = self.BOOSTER
        n = len(words)
        lowers = [w.lower() for w in words]
        allcap = sum(1 for w in words if w.isupper())
        is_cap_diff = 0 < n - allcap < n
        first_index: dict[str, int] = {}
        for idx, tok in enumerate(words):
            if tok not in first_index:
                first_index[tok] = idx
        sentiments: list[float] = []
        for item in words:
            i = first_index[item]
            low = lowers[i]
            if low in booster or (low == "kind" and i < n - 1 and lowers[i + 1] == "of"):
                sentiments.append(0)
                continue
            valence = lex.get(low)
            if valence is None:
                sentiments.append(0)
                continue
            sentiments.append(self._valence(valence, item, i, words, lowers, is_cap_diff))
        if "but" in lowers:
            bi = lowers.index("but")
            for sidx, value in enumerate(sentiments):
                if sidx < bi:
                    sentiments[sidx] = value * 0.5
                elif sidx > bi:
                    sentiments[sidx] = value * 1.5
        return sentiments

    def _valence(self, valence, item, i, words, lowers, is_cap_diff):
        lex = self.lexicon
        if item.isupper() and is_cap_diff:
            valence = valence + self.C_INCR if valence > 0 else valence - self.C_INCR
        for start_i in range(3):
            if i > start_i and lowers[i - (start_i + 1)] not in lex:
                prev = words[i - (start_i + 1)]
                s = self._scalar(prev, lowers[i - (start_i + 1)], valence, is_cap_diff)
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = self._never(valence, words, lowers, start_i, i)
                if start_i == 2:
                    valence = self._idioms(valence, words, i)
        # "least" negation
        if i > 1 and lowers[i - 1] not in lex and lowers[i - 1] == "least":
            if lowers[i - 2] != "at" and lowers[i - 2] != "very":
                valence = valence * self.N_SCALAR
        elif i > 0 and lowers[i - 1] not in lex and lowers[i - 1] == "least":
            valence = valence * self.N_SCALAR
        return valence

    def _valence_fast(self, valence, item, i, words, lowers, is_cap_diff):
        """:meth:`_valence` with its helpers inlined and the idiom check skipped
        when no idiom word is near (identical arithmetic, same order)."""
        lex = self.lexicon
        booster = self.BOOSTER
        negate = self.NEGATE
        n_scalar = self.N_SCALAR
        c_incr = self.C_INCR
        if item.isupper() and is_cap_diff:
            valence = valence + c_incr if valence > 0 else valence - c_incr
        for start_i in range(3):
            if i > start_i:
                k = i - (start_i + 1)
                low_k = lowers[k]
                if low_k in lex:
                    continue
                s = 0.0
                if low_k in booster:
                    s = booster[low_k]
                    if valence < 0:
                        s *= -1
                    if is_cap_diff and words[k].isupper():
                        if valence > 0:
                            s += c_incr
                        else:
                            s -= c_incr
                    if start_i == 1 and s != 0:
                        s = s * 0.95
                    if start_i == 2 and s != 0:
                        s = s * 0.9
                valence = valence + s
                if start_i == 0:
                    if low_k in negate or "n't" in low_k:
                        valence = valence * n_scalar
                elif start_i == 1:
                    if words[i - 2] == "never" and (words[i - 1] == "so" or words[i - 1] == "this"):
                        valence = valence * 1.5
                    elif low_k in negate or "n't" in low_k:
                        valence = valence * n_scalar
                else:
                    if (words[i - 3] == "never" and (words[i - 2] == "so" or words[i - 2] == "this")) or (
                        words[i - 1] == "so" or words[i - 1] == "this"
                    ):
                        valence = valence * 1.25
                    elif low_k in negate or "n't" in low_k:
                        valence = valence * n_scalar
                    if not self._idiom_words.isdisjoint(words[i - 3:i + 3]):
                        valence = self._idioms(valence, words, i)
        if i > 1 and lowers[i - 1] not in lex and lowers[i - 1] == "least":
            if lowers[i - 2] != "at" and lowers[i - 2] != "very":
                valence = valence * n_scalar
        elif i > 0 and lowers[i - 1] not in lex and lowers[i - 1] == "least":
            valence = valence * n_scalar
        return valence

    def _scalar(self, word, low, valence, is_cap_diff):
        scalar = 0.0
        if low in self.BOOSTER:
            scalar = self.BOOSTER[low]
            if valence < 0:
                scalar *= -1
            if word.isupper() and is_cap_diff:
                if valence > 0:
                    scalar += self.C_INCR
                else:
                    scalar -= self.C_INCR
        return scalar

    def _negated(self, word: str) -> bool:
        low = word.lower()
        return low in self.NEGATE or "n't" in low

    def _never(self, valence, words, lowers, start_i, i):
        if start_i == 0:
            if self._negated(words[i - 1]):
                valence = valence * self.N_SCALAR
        elif start_i == 1:
            if words[i - 2] == "never" and (words[i - 1] == "so" or words[i - 1] == "this"):
                valence = valence * 1.5
            elif self._negated(words[i - 2]):
                valence = valence * self.N_SCALAR
        else:
            if (words[i - 3] == "never" and (words[i - 2] == "so" or words[i - 2] == "this")) or (
                words[i - 1] == "so" or words[i - 1] == "this"
            ):
                valence = valence * 1.25
            elif self._negated(words[i - 3]):
                valence = valence * self.N_SCALAR
        return valence

    def _idioms(self, valence, words, i):
        idioms = self.IDIOMS
        onezero = f"{words[i - 1]} {words[i]}"
        twoonezero = f"{words[i - 2]} {words[i - 1]} {words[i]}"
        twoone = f"{words[i - 2]} {words[i - 1]}"
        threetwoone = f"{words[i - 3]} {words[i - 2]} {words[i - 1]}"
        threetwo = f"{words[i - 3]} {words[i - 2]}"
        for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
            if seq in idioms:
                valence = idioms[seq]
                break
        n = len(words)
        if n - 1 > i:
            zeroone = f"{words[i]} {words[i + 1]}"
            if zeroone in idioms:
                valence = idioms[zeroone]
        if n - 1 > i + 1:
            zeroonetwo = f"{words[i]} {words[i + 1]} {words[i + 2]}"
            if zeroonetwo in idioms:
                valence = idioms[zeroonetwo]
        if threetwo in self.BOOSTER or twoone in self.BOOSTER:
            valence = valence + self._C_B_DECR
        return valence

    _C_B_DECR = -0.293

    @staticmethod
    def summarize(sentiments: Sequence[float], text: str) -> tuple[float, float, float, float]:
        """VADER's ``score_valence``: (neg, neu, pos, compound), rounded as NLTK does."""
        if not sentiments:
            return 0.0, 0.0, 0.0, 0.0
        pos_sum = neg_sum = 0.0
        neu_count = 0
        for s in sentiments:
            if s > 0:
                pos_sum += float(s) + 1
            if s < 0:
                neg_sum += float(s) - 1
            if s == 0:
                neu_count += 1
        return FastVader._finish(float(sum(sentiments)), pos_sum, neg_sum, neu_count, text)

    @staticmethod
    def _finish(sum_s: float, pos_sum: float, neg_sum: float, neu_count: int,
                text: str) -> tuple[float, float, float, float]:
        """Punctuation emphasis, normalisation and rounding, as NLTK's ``score_valence``."""
        ep = min(text.count("!"), 4) * 0.292
        qm_count = text.count("?")
        qm = 0
        if qm_count > 1:
            qm = qm_count * 0.18 if qm_count <= 3 else 0.96
        amp = ep + qm
        if sum_s > 0:
            sum_s += amp
        elif sum_s < 0:
            sum_s -= amp
        compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
        if pos_sum > math.fabs(neg_sum):
            pos_sum += amp
        elif pos_sum < math.fabs(neg_sum):
            neg_sum -= amp
        total = pos_sum + math.fabs(neg_sum) + neu_count
        return (round(math.fabs(neg_sum / total), 3), round(math.fabs(neu_count / total), 3),
                round(math.fabs(pos_sum / total), 3), round(compound, 4))

    def score_reference(self, text) -> tuple[float, float, float, float]:
        """:meth:`score` computed the straightforward way (every word through
        :meth:`valences`); kept as the specification the fast path is tested against."""
        if not isinstance(text, str):
            return (math.nan,) * 4
        return self.summarize(self.valences(self.words(text)), text)

    _MAX_CACHE = 200_000

    def _learn(self, raw_tokens: Iterable[str]) -> None:
        """Add whitespace tokens to the token memo (see ``__init__``): afterwards every one of
        ``raw_tokens`` is in it, also when the memo was full and had to be emptied first."""
        cache = self._token_cache
        if len(cache) > self._MAX_CACHE:
            cache.clear()
            self._interesting.clear()
            self._phrase_raw.clear()
        strip_cache = self._strip_cache
        if len(strip_cache) > self._MAX_CACHE:
            strip_cache.clear()
        lex = self.lexicon
        phrases = self.phrases
        for w in set(raw_tokens).difference(cache):
            if len(w) <= 1:
                cache[w] = None
                continue
            s = _strip_token(w)
            if self.strip_punctuation:
                t = s.strip(_ALL_PUNCT)
                if len(t) > 1:
                    s = t
            low = s.lower()
            cache[w] = (s, low)
            if "n't" in low:
                self._context.add(low)
            if low in lex:
                self._interesting.add(w)
            if low in phrases:
                self._interesting.add(w)
                self._phrase_raw.add(w)

    def score(self, text) -> tuple[float, float, float, float]:
        """(neg, neu, pos, compound) of one text; NaNs for a missing value.

        Same numbers as :meth:`score_reference` (NLTK's ``polarity_scores``
        with the published lexicon): only words in the lexicon can receive a
        valence, so the rules run for those words alone, and a sentence with
        none of them is neutral.
        """
        if not isinstance(text, str):
            return (math.nan,) * 4
        raw = (text.translate(_TYPOGRAPHIC) if self.normalize_typography and not text.isascii()
               else text).split()
        return self._score_tokens(raw, text)

    def _score_tokens(self, raw: list[str], text: str) -> tuple[float, float, float, float]:
        """:meth:`score` of ``text`` split into ``raw``."""
        cache = self._token_cache
        try:
            entries = list(map(cache.__getitem__, raw))
        except KeyError:
            self._learn(raw)
            entries = list(map(cache.__getitem__, raw))
        if self._interesting.isdisjoint(raw):
            n = len(entries) - entries.count(None)
            return (0.0, 1.0, 0.0, 0.0) if n else (0.0, 0.0, 0.0, 0.0)
        words, lowers = map(list, zip(*filter(None, entries)))
        # a sentence merges only when a phrase really occurs
        if not self._phrase_raw.isdisjoint(raw) and self._has_phrase(lowers):
            words, lowers = self._merge_phrases_lowered(words, lowers)
        return self._score_words(words, lowers, text)

    def _has_phrase(self, lowers: list[str]) -> bool:
        """Whether a multiword entry occurs in the lower-case words ``lowers``: tokens hold no
        spaces, so " a b " is in the joined text exactly when tokens a, b are adjacent."""
        joined = " " + " ".join(lowers) + " "
        patterns = self._phrase_patterns
        return any(pat in joined for first in self._phrase_first.intersection(lowers) for pat in patterns[first])

    def _merge_phrases_lowered(self, words: list[str], lowers: list[str]) -> tuple[list[str], list[str]]:
        """:meth:`_merge_phrases` given the lower-case words; returns both lists. Greedy left to
        right, longest phrase first, visiting only the words that start a phrase."""
        phrases = self.phrases
        merged: list[str] = []
        merged_low: list[str] = []
        done = 0
        for i in compress(range(len(lowers)), map(phrases.__contains__, lowers)):
            if i < done:
                continue
            for cand in phrases[lowers[i]]:
                k = len(cand)
                if tuple(lowers[i:i + k]) == cand:
                    key = " ".join(cand)
                    merged += words[done:i]
                    merged_low += lowers[done:i]
                    merged.append(key)
                    merged_low.append(key)
                    done = i + k
                    break
        if not done:
            return words, lowers
        merged += words[done:]
        merged_low += lowers[done:]
        return merged, merged_low

    def _score_words(self, words: list[str], lowers: list[str], text: str) -> tuple[float, float, float, float]:
        """:meth:`valences` + :meth:`summarize`, visiting lexicon words only; each lexicon word's
        first position comes from one dict (linear in the text, whole documents included)."""
        lex = self.lexicon
        n = len(words)
        positions = list(compress(range(n), map(self._candidates.__contains__, lowers)))
        first: dict[str, int] = {}
        for p in reversed(positions):  # every occurrence of a word is a candidate: the first one wins
            first[words[p]] = p
        vals: list[tuple[int, float]] = []
        is_cap_diff = None
        memo: dict[str, float] = {}
        context = self._context
        idioms = self._idiom_words
        for p in positions:
            item = words[p]
            v = memo.get(item)
            if v is None:
                i = first[item]  # VADER scores a repeated word in its first context
                low_i = lowers[i]
                if low_i == "kind" and i < n - 1 and lowers[i + 1] == "of":
                    v = 0
                elif (not item.isupper() and context.isdisjoint(lowers[i - 3 if i > 3 else 0:i])
                      and (i < 3 or idioms.isdisjoint(words[i - 3:i + 3]))):
                    # no booster, negation, "so/this/never/least" before it, no
                    # capitals, no idiom around: VADER's rules leave the valence
                    v = lex[low_i]
                else:
                    if is_cap_diff is None:
                        allcap = sum(map(str.isupper, words))
                        is_cap_diff = 0 < n - allcap < n
                    v = self._valence_fast(lex[low_i], item, i, words, lowers, is_cap_diff)
                memo[item] = v
            vals.append((p, v))
        if "but" in lowers:
            bi = lowers.index("but")
            vals = [(p, v * 0.5 if p < bi else v * 1.5 if p > bi else v) for p, v in vals]
        if not n:
            return 0.0, 0.0, 0.0, 0.0
        sum_s = 0
        pos_sum = neg_sum = 0.0
        neu_count = n - len(vals)
        for _, s in vals:
            sum_s += s
            if s > 0:
                pos_sum += float(s) + 1
            elif s < 0:
                neg_sum += float(s) - 1
            else:
                neu_count += 1
        return self._finish(float(sum_s), pos_sum, neg_sum, neu_count, text)

    def polarity_scores(self, text: str) -> dict[str, float]:
        """Same output as NLTK's ``polarity_scores``."""
        neg, neu, pos, compound = self.score(text)
        return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}

    #: The scores of the last :meth:`score_many` call, text -> row: mention sentiment asks again
    #: for the compound of sentences just scored (its warm rule); bounded by one call's texts.
    _recent: dict[str, tuple] | tuple[list[str], np.ndarray] = {}

    def score_recent(self, text) -> tuple[float, float, float, float]:
        """:meth:`score`, read from the last :meth:`score_many` call when it scored ``text``.

        >>> v = FastVader.from_name("vader")
        >>> _ = v.score_many(["Civilians were killed."])
        >>> v.score_recent("Civilians were killed.") == v.score("Civilians were killed.")
        True
        """
        if isinstance(self._recent, tuple):  # texts and scores of a batch: indexed on first use
            texts, scores = self._recent
            self._recent = dict(zip(texts, map(tuple, scores.tolist())))
        row = self._recent.get(text) if isinstance(text, str) else None
        return row if row is not None else self.score(text)

    #: From this many texts on, :meth:`score_many` scores them together
    #: (:func:`analysis.sentiment.vader_batch.score_batch`), below one by one.
    BATCH_FROM = 64

    def score_many(self, texts: Iterable, *, split=None) -> np.ndarray:
        """(n, 4) float array of neg, neu, pos, compound; repeated texts scored once. ``split``:
        the texts' :func:`analysis.wordsplit.split_texts`, when the caller has it already.

        >>> v = FastVader.from_name("vader")
        >>> texts = ["Civilians were killed.", "Kyiv thanked its partners!"] * 40
        >>> v.score_many(texts).tolist() == [list(v.score(t)) for t in texts]
        True
        """
        texts = texts if isinstance(texts, list) else list(texts)
        if len(texts) >= self.BATCH_FROM:
            from analysis.sentiment.vader_batch import score_batch

            return score_batch(self, texts, split=split)
        memo: dict[str, tuple] = {}
        self._recent = memo
        missing = (math.nan,) * 4
        score = self.score
        rows = []
        with gc_paused():
            for text in texts:
                if isinstance(text, str):
                    row = memo.get(text)
                    if row is None:
                        row = memo[text] = score(text)
                else:
                    row = missing
                rows.append(row)
        return np.array(rows, dtype=float).reshape(len(rows), 4)


@lru_cache(maxsize=4)
def scorer(lexicon: str = "war-news") -> FastVader:
    """A cached :class:`FastVader` for ``"vader"`` or ``"war-news"``."""
    if lexicon not in LEXICONS:
        raise ValueError(f"lexicon must be one of {LEXICONS}, got {lexicon!r}")
    return FastVader.from_name(lexicon)


# --------------------------------------------------------------------------- tables
def sentence_sentiment(sentences: pd.DataFrame, *, lexicon: str = "war-news",
                       text_col: str = "text", split=None) -> pd.DataFrame:
    """VADER scores of every sentence.

    Parameters
    ----------
    sentences : DataFrame with ``text`` (and ideally ``article_id``,
        ``sentence_id`` as from :func:`analysis.text.sentences`).
    lexicon : ``"war-news"`` (default, adapted) or ``"vader"`` (published).
        Rows whose ``lang`` column is "ru" or "uk" are scored with the
        Russian/Ukrainian lemma lexicon of :mod:`analysis.sentiment.cyrillic`
        (same columns and scale) whatever ``lexicon`` says.
    split : the texts' :func:`analysis.wordsplit.split_texts`, when the caller has it already
        (the engine splits a chunk's sentences once for tokens and sentiment).

    Returns
    -------
    DataFrame[article_id, sentence_id, neg, neu, pos, compound] aligned with
    the input rows (same index). ``neg/neu/pos`` are VADER's proportions,
    ``compound`` its normalised sum in [-1, 1] (Hutto & Gilbert 2014); NaN for
    a missing text.

    >>> import pandas as pd
    >>> sentence_sentiment(pd.DataFrame({"text": ["Russia launched a special military operation."]}),
    ...     lexicon="vader")["compound"].iloc[0]
    np.float64(0.4939)
    """
    if text_col not in sentences.columns:
        raise KeyError(f"sentence_sentiment() needs a {text_col!r} column; got {list(sentences.columns)}")
    texts = sentences[text_col].tolist()
    cyr = None
    if "lang" in sentences.columns:
        cyr = sentences["lang"].isin(["ru", "uk"]).to_numpy()
        if cyr.any():  # Russian/Ukrainian rows: the lemma lexicon of analysis.sentiment.cyrillic
            texts = [None if c else t for t, c in zip(texts, cyr)]
            split = split.only(~cyr) if split is not None else None
        else:
            cyr = None
    scores = scorer(lexicon).score_many(texts, split=split)
    out = pd.DataFrame(scores, columns=["neg", "neu", "pos", "compound"], index=sentences.index)
    if cyr is not None:
        from analysis.sentiment.cyrillic import cyr_sentence_tone

        rows = np.flatnonzero(cyr)  # positions, so a repeated index cannot misplace scores
        values = cyr_sentence_tone(sentences.iloc[rows], text_col=text_col)[["neg", "neu", "pos", "compound"]]
        for j, column in enumerate(["neg", "neu", "pos", "compound"]):
            col = out[column].to_numpy(dtype=float, copy=True)
            col[rows] = values.iloc[:, j].to_numpy(dtype=float)
            out[column] = col
    # keys keep their dtype (text ids as pandas' str dtype, also when there
    # are no rows), so chunks of any size concatenate to the same schema
    if "sentence_id" in sentences.columns:
        out.insert(0, "sentence_id", sentences["sentence_id"].to_numpy())
    else:
        out.insert(0, "sentence_id", np.arange(len(sentences), dtype="int64"))
    if "article_id" in sentences.columns:
        out.insert(0, "article_id", pd.Series(_text_ids(sentences["article_id"]).array, index=out.index))
    else:
        out.insert(0, "article_id", np.zeros(len(sentences), dtype="int64"))
    return out[SENTENCE_SCORE_COLUMNS]


