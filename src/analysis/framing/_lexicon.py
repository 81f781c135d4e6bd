"""Loading and compiling the framing lexicons (YAML in ``data/lexicons``).

Patterns in the lexicons are Python regular expressions with two conveniences:
a literal space matches any run of whitespace or hyphens ("sham referendum"
also finds "sham-referendum"), and patterns whose first two letters are
capitals (acronyms such as ``SMO``, ``US``, ``DPR``) are matched
case-sensitively; everything else ignores case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from analysis.paths import lexicon_dir
from analysis.text import word_count  # noqa: F401  (the project's one definition of a word, re-exported)

_SPACE = r"[\s\-\u2010-\u2015]+"
_ACRONYM = re.compile(r"^\\?[A-Z]\\?\.?[A-Z]")
#: possessive or plural-possessive ending allowed after any match ("regime's")
POSSESSIVE = r"(?:['\u2019]s?)?"


def lexicon_path(name: str) -> Path:
    return lexicon_dir() / name


@lru_cache(maxsize=16)
def load_yaml(path: str) -> dict:
    """Parse a YAML lexicon (cached by path; lexicons are constants)."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def resolve(lexicon: str | Path | dict | None, default: str) -> dict:
    """A lexicon given as a dict, a path, or ``None`` (the shipped default)."""
    if isinstance(lexicon, dict):
        return lexicon
    path = lexicon_path(default) if lexicon is None else Path(lexicon)
    return load_yaml(str(path))


def _pattern_source(pattern: str) -> str:
    # " ?" (optional space) must stay optional: "neo ?Nazi" = neo-Nazi, neo Nazi, neoNazi
    return pattern.replace(" ?", f"(?:{_SPACE})?").replace(" ", _SPACE)


def is_case_sensitive(pattern: str) -> bool:
    return bool(_ACRONYM.match(pattern))


@lru_cache(maxsize=512)
def compile_patterns(patterns: tuple[str, ...], *, possessive: bool = True) -> tuple[re.Pattern | None, re.Pattern | None]:
    """Compile a tuple of lexicon patterns into (case-insensitive, case-sensitive)
    alternations bounded by word boundaries; either may be ``None``."""
    tail = POSSESSIVE if possessive else ""
    ci = [p for p in patterns if not is_case_sensitive(p)]
    cs = [p for p in patterns if is_case_sensitive(p)]

    def build(items, flags):
        if not items:
            return None
        alternation = "|".join(f"(?:{_pattern_source(p)})" for p in items)
        return re.compile(rf"(?<![\w\-])(?:{alternation}){tail}(?![\w])", flags)

    return build(ci, re.IGNORECASE), build(cs, 0)


@lru_cache(maxsize=512)
def lowered_dispatch(patterns: tuple[str, ...], *, possessive: bool = True) -> re.Pattern | None:
    """The case-insensitive pattern of :func:`compile_patterns` as its lower-cased twin
    (:func:`~analysis.framing._prefilter.lowered_pattern`, for lower-cased text) with its
    alternatives grouped by first letter, so that the regex engine tries one group per
    word instead of every alternative ("tax|trade|gdp|tariffs?" -> "t(?:ax|rade|ariffs?)|gdp").

    Same matches: alternatives that start with different literal characters never match at
    the same place, and within a group the lexicon's order is kept. None when an alternative
    does not start with a literal character (the plain twin is then used) or no twin exists.

    >>> rx = lowered_dispatch(("Tax", "gdp", "tariffs?"))
    >>> "(?:(?:tax)|(?:tariffs?))|(?:(?:gdp))" in rx.pattern, [m.group() for m in rx.finditer("gdp, tariffs, tax")]
    (True, ['gdp', 'tariffs', 'tax'])
    """
    from analysis.framing._prefilter import lowered_pattern

    ci, _cs = compile_patterns(patterns, possessive=possessive)
    fast = lowered_pattern(ci)
    if fast is None:
        return None
    tail = POSSESSIVE if possessive else ""
    items = [f"(?:{_pattern_source(p)})" for p in patterns if not is_case_sensitive(p)]

    def build(alternatives):
        return rf"(?<![\w\-])(?:{'|'.join(alternatives)}){tail}(?![\w])".lower()

    if build(items) != fast.pattern:
        return None
    firsts = _first_literals(tuple(items), fast.flags)
    if firsts is None:
        return None
    groups: dict[int, list[str]] = {}
    for item, first in zip(items, firsts):
        groups.setdefault(first, []).append(item)
    try:
        return re.compile(build("(?:" + "|".join(group) + ")" for group in groups.values()), fast.flags)
    except re.error:
        return None


def _first_literals(items: tuple[str, ...], flags: int) -> list[int] | None:
    """The code of the literal character each lower-cased alternative starts with, or None
    when one starts otherwise."""
    from analysis.framing._prefilter import _P

    firsts = []
    try:
        for item in items:
            parsed = _P.parse(item.lower(), flags)
            if not parsed.data or parsed.data[0][0] is not _P.LITERAL:
                return None
            firsts.append(parsed.data[0][1])
    except (re.error, RecursionError):
        return None
    return firsts


_LOOK_BEHIND = r"(?<![\w\-])"


@lru_cache(maxsize=512)
def guarded_dispatch(patterns: tuple[str, ...], *, possessive: bool = True) -> re.Pattern | None:
    """:func:`lowered_dispatch` with its look-behind ``(?<![\\w\\-])`` turned into a consumed
    character ``[^\\w\\-]``, for counting matches (``len(findall)``) in lower-cased text that
    starts with a barrier character: the regex engine then only tries the places after a
    character that is no word character or hyphen, and skips the rest in its fast character scan.

    Same count: a match's guard is the character before it, which no earlier match consumed -
    an earlier match ends before a character that is no word character, so the next match could
    start right there only with an alternative starting with such a character; then (or when the
    pattern is not of that form) None.

    >>> rx = guarded_dispatch(("tax", "gdp", "tariffs?"))
    >>> rx.pattern.startswith(r"[^\\w\\-]"), len(rx.findall(",gdp tariffs, taxes tax-tariff"))
    (True, 3)
    """
    rx = lowered_dispatch(patterns, possessive=possessive)
    if rx is None or not rx.pattern.startswith(_LOOK_BEHIND):
        return None
    items = tuple(f"(?:{_pattern_source(p)})" for p in patterns if not is_case_sensitive(p))
    firsts = _first_literals(items, rx.flags)
    if firsts is None or not all(re.match(r"\w", chr(c)) for c in firsts):
        return None
    try:
        return re.compile(r"[^\w\-]" + rx.pattern[len(_LOOK_BEHIND):], rx.flags)
    except re.error:
        return None


def find_all(text: str, patterns: tuple[str, ...], *, possessive: bool = True) -> list[tuple[int, int]]:
    """All non-overlapping (start, end) matches of ``patterns`` in ``text``."""
    return find_all_lowered(text, None, compile_patterns(tuple(patterns), possessive=possessive), None)


def lowered_twin(patterns: tuple[str, ...], *, possessive: bool = True) -> re.Pattern | None:
    """The case-sensitive twin of the case-insensitive regex of ``patterns`` (:func:`compile_patterns`)
    for lower-cased :func:`~analysis.framing._prefilter.lowerable` text: :func:`lowered_dispatch`,
    else :func:`~analysis.framing._prefilter.lowered_pattern`, else None."""
    from analysis.framing._prefilter import lowered_pattern

    ci, _cs = compile_patterns(tuple(patterns), possessive=possessive)
    return None if ci is None else lowered_dispatch(tuple(patterns), possessive=possessive) or lowered_pattern(ci)


def find_all_lowered(text: str, low: str | None, compiled: tuple, fast: re.Pattern | None) -> list[tuple[int, int]]:
    """:func:`find_all` of the patterns ``compiled`` (their :func:`compile_patterns` pair) in ``text``,
    the case-insensitive part found by their :func:`lowered_twin` ``fast`` in ``low``
    (``text.lower()`` of a lowerable text, else None): the same spans, without Python's ``re``
    folding case character by character.

    >>> pats = ("Kyiv", "Kiev", "DPR")
    >>> text = "KIEV, the DPR and kyiv's mayor"
    >>> find_all_lowered(text, text.lower(), compile_patterns(pats), lowered_twin(pats)) == find_all(text, pats)
    True
    """
    ci, cs = compiled
    spans: list[tuple[int, int]] = []
    if ci is not None:
        if fast is not None and low is not None:
            spans.extend(m.span() for m in fast.finditer(low) if m.end() > m.start())
        else:
            spans.extend(m.span() for m in ci.finditer(text) if m.end() > m.start())
    if cs is not None:
        spans.extend(m.span() for m in cs.finditer(text) if m.end() > m.start())
    spans.sort()
    return spans


def count_matches(text: str, patterns: tuple[str, ...]) -> int:
    return len(find_all(text, patterns))


def count_matrix(texts: Sequence[str], pattern_sets: Sequence[tuple[str, ...]], *,
                 possessive: bool = True) -> np.ndarray:
    """``count_matches(text, patterns)`` for every text and pattern set at once.

    Returns an int64 array of shape (len(texts), len(pattern_sets)); missing or
    empty texts count 0. Identical to calling :func:`count_matches` in a loop,
    but fast: RE2 counts every set over the whole column of texts in C++
    (:mod:`~analysis.framing._re2count`, exact translations of the regexes); the
    texts and sets it cannot count exactly take :func:`_python_counts`.

    >>> count_matrix(["Kiev, Kiev. Kyiv", "", None], [("Kiev",), ("Ky[a-z]+", "Kiev")]).tolist()
    [[2, 3], [0, 0], [0, 0]]
    """
    from analysis.framing._re2count import re2_counts

    texts = [t if isinstance(t, str) else "" for t in texts]
    compiled = [compile_patterns(tuple(p), possessive=possessive) for p in pattern_sets]
    out, left = re2_counts(texts, compiled)
    for rows, sets, counts in _python_blocks(texts, pattern_sets, left, possessive=possessive):
        out[np.ix_(rows, sets)] = counts
    return out


def at_least(texts: Sequence, pattern_sets: Sequence[tuple[str, ...]], min_hits: Sequence[int]) -> np.ndarray:
    r"""Boolean (len(texts), len(pattern_sets)): does ``text`` hold at least ``min_hits[j]``
    matches of pattern set ``j``? The answers of ``count_matrix(texts, pattern_sets) >= min_hits``;
    RE2 stops at a text's first match where one is enough.

    >>> at_least(["Kyiv blamed Moscow; Moscow blames Kyiv.", None], [(r"blam\w*",), ("moscow",)], [2, 3]).tolist()
    [[True, False], [False, False]]
    """
    from analysis.framing._re2count import re2_counts

    texts = [t if isinstance(t, str) else "" for t in texts]
    ks = [int(k) for k in min_hits]
    out, left = re2_counts(texts, [compile_patterns(tuple(p)) for p in pattern_sets], at_least=ks)
    for rows, sets, counts in _python_blocks(texts, pattern_sets, left):
        out[np.ix_(rows, sets)] = counts >= np.array([ks[j] for j in sets])[None, :]
    return out


def _python_blocks(texts, pattern_sets, left, *, possessive: bool = True):
    """(rows, sets, counts) of the blocks RE2 left over, counted with Python's regexes."""
    for rows, sets in left:
        if not len(rows) or not len(sets):
            continue
        if len(rows) >= _FEW_TEXTS:
            yield rows, sets, _python_counts([texts[i] for i in rows], [pattern_sets[j] for j in sets],
                                             possessive=possessive)
        else:  # a few texts: counted as they are, without preparing pieces and prefilters
            yield rows, sets, np.array([[len(find_all(texts[i], tuple(pattern_sets[j]), possessive=possessive))
                                         for j in sets] for i in rows], dtype=np.int64)


#: below this many texts, the texts RE2 leaves over are counted one by one (:func:`find_all`)
_FEW_TEXTS = 20


def _python_counts(texts: Sequence[str], pattern_sets: Sequence[tuple[str, ...]], *,
                   possessive: bool = True) -> np.ndarray:
    """:func:`count_matrix` with Python's regexes: texts are cut at punctuation no pattern can match
    (:func:`~analysis.framing._prefilter.barrier_chars`), an RE2 superset of each set rules out
    the pieces that cannot match, and the exact Python regexes only run on the rest."""
    from analysis.framing._prefilter import TextBatch, barrier_chars, lowerable, lowered_pattern, segments

    texts = [t if isinstance(t, str) else "" for t in texts]
    out = np.zeros((len(texts), len(pattern_sets)), dtype=np.int64)
    compiled = [compile_patterns(tuple(p), possessive=possessive) for p in pattern_sets]
    if not texts or not compiled:
        return out
    chars = barrier_chars([rx for pair in compiled for rx in pair])
    pieces, owner = segments(texts, chars)
    batch = TextBatch(pieces)
    low: dict[int, str | None] = {}  # piece -> lower-cased twin (None: not lowerable)
    # built (and cached) for every set up front, so that a warm-up run pays for them
    fasts = [None if pair[0] is None else
             lowered_dispatch(tuple(p), possessive=possessive) or lowered_pattern(pair[0])
             for p, pair in zip(pattern_sets, compiled)]
    seps = [_joiner(fast, chars) for fast in fasts]
    guarded = [None if fast is None else guarded_dispatch(tuple(p), possessive=possessive)
               for p, fast in zip(pattern_sets, fasts)]

    def count(rx, i):
        return sum(1 for m in rx.finditer(pieces[i]) if m.end() > m.start())

    for j, pair in enumerate(compiled):
        if pair[0] is None and pair[1] is None:
            continue
        idx = np.flatnonzero(batch.mask(*pair))
        if not len(idx):
            continue
        hits = np.zeros(len(idx), dtype=np.int64)
        ci, cs = pair
        if ci is not None and cs is not None:  # which candidates can the case-sensitive part match?
            cs_idx = idx[batch.subset(idx).mask(cs)]
            if len(cs_idx):
                np.add.at(out[:, j], owner[cs_idx],
                          np.fromiter((count(cs, i) for i in cs_idx), dtype=np.int64, count=len(cs_idx)))
            cs = None
        if ci is not None:
            fast, sep = fasts[j], seps[j]
            values = []
            if sep is not None:
                # an article's candidate pieces joined at a barrier character: one findall per
                # article and frame, the same count as piece by piece (see barrier_chars)
                for i in idx:
                    if i not in low:
                        low[i] = pieces[i].lower() if lowerable(pieces[i]) else None
                owners = owner[idx]
                cut = np.flatnonzero(np.diff(owners)) + 1
                guard = guarded[j]
                for run in np.split(idx, cut):
                    lowered = [low[i] for i in run if low[i] is not None]
                    if not lowered:
                        n = 0
                    elif guard is not None:  # the joined pieces behind one more barrier character
                        n = len(guard.findall(sep + sep.join(lowered)))
                    else:
                        n = len(fast.findall(sep.join(lowered)))
                    n += sum(count(ci, i) for i in run if low[i] is None)
                    out[owner[run[0]], j] += n
                idx = idx[:0]  # counted
            for i in idx:
                if fast is not None:
                    if i not in low:
                        low[i] = pieces[i].lower() if lowerable(pieces[i]) else None
                    if low[i] is not None:
                        values.append(sum(1 for m in fast.finditer(low[i]) if m.end() > m.start()))
                        continue
                values.append(count(ci, i))
            hits = hits[:len(idx)] + np.asarray(values, dtype=np.int64)
        if cs is not None:
            hits += np.fromiter((count(cs, i) for i in idx), dtype=np.int64, count=len(idx))
        np.add.at(out[:, j], owner[idx], hits)
    return out




def _joiner(fast: re.Pattern | None, chars: str) -> str | None:
    """A barrier character (see :func:`~analysis.framing._prefilter.barrier_chars`) also safe
    for the lower-cased twin ``fast``, when ``fast`` never matches the empty string: pieces
    joined with it hold exactly the matches of the pieces. None otherwise."""
    if fast is None or not chars:
        return None
    from analysis.framing._prefilter import barrier_chars, min_width

    safe = barrier_chars([fast])
    if min_width(fast) < 1:
        return None
    return next((c for c in chars if c in safe), None)


def with_group(frame, articles, by: str):
    """``frame`` with the grouping column ``by``: kept if present, else joined from
    ``articles`` on article_id, else the single group ``"all"``."""
    if by in frame.columns:
        return frame.copy()
    if articles is None or by not in articles.columns:
        return frame.assign(**{by: "all"})
    return frame.merge(articles[["article_id", by]].drop_duplicates("article_id"), on="article_id", how="left")
