"""Exact "at least k matches" of lexicon pattern sets, tried only where a match can start.

:func:`analysis.framing.generic_frames` asks, for each codebook item, whether at least
``min_hits`` of its patterns occur in an article. Scanning every article with every item's
Python regex costs a full pass per item. But a lexicon pattern is compiled behind the
look-behind ``(?<![\\w\\-])`` (see :func:`~analysis.framing._lexicon.compile_patterns`) and almost
every pattern starts with literal characters ("accus" in ``accus\\w*``, "government" or
"kremlin" in ``(government|kremlin)...``): a match can only start at a position where one
of those *start literals* begins and the look-behind holds. One scan of the lower-cased text
(a trie of every item's start literals) lists those positions; each item's exact regex is then
tried there alone (``rx.match(text, pos)``), in text order, skipping past each match as
``finditer`` does, until ``min_hits`` matches are found. The matches tried are exactly the
ones ``finditer`` would find, so the answers equal counting with
:func:`~analysis.framing._lexicon.count_matrix` and comparing with ``min_hits``.

Whatever this cannot reason about takes the plain exact path (``finditer`` on the whole text,
stopped at ``min_hits``): an item with a case-sensitive pattern, a pattern without a start
literal (``\\d{1,2}-year-old``) or one that can match the empty string, and texts that lower-casing
would change beyond ASCII letters (:func:`~analysis.framing._prefilter.lowerable`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain

import numpy as np

from analysis.framing._lexicon import _SPACE, _pattern_source, compile_patterns, is_case_sensitive
from analysis.framing._prefilter import lowerable, lowered_pattern

try:  # pragma: no cover - import guard
    import re._constants as _C  # Python >= 3.11
    import re._parser as _P
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _C  # type: ignore
    import sre_parse as _P  # type: ignore

__all__ = ["start_literals", "at_least"]

_MAX_STARTS = 256  # alternatives expanded per pattern before giving up (no constraint)
#: start marker of a pattern whose match starts with a decimal digit (``\\d``)
DIGIT = "\x00d"


def _seq_starts(seq) -> list[tuple[str, bool]]:
    """(literal start, complete) pairs: every match of ``seq`` starts with one of the literals;
    ``complete`` when the literal is all of the match, so what follows may extend it."""
    results = [("", True)]
    for item in seq:
        if not any(done for _s, done in results):
            break
        nxt = _item_starts(item)
        results = [((s + t, ok) if t != DIGIT or not s else (s, False))
                   for s, done in results for t, ok in (nxt if done else [("", False)])]
        if len(results) > _MAX_STARTS:
            return [("", False)]
    return results


#: a lexicon pattern's space (:data:`~analysis.framing._lexicon._SPACE`: white space or hyphens),
#: written " " in a start literal
_SPACE_ITEM = list(_P.parse(_SPACE, re.IGNORECASE))[0]
_SPACE_RUN = re.compile(_SPACE)


def _is_space_item(item) -> bool:
    op, av = item
    return (op is _SPACE_ITEM[0] and av[:2] == _SPACE_ITEM[1][:2]
            and list(av[2]) == list(_SPACE_ITEM[1][2]))


def _item_starts(item) -> list[tuple[str, bool]]:
    op, av = item
    if op is _C.LITERAL:
        ch = chr(av)
        if (ch.isalpha() and not ch.isascii()) or _SPACE_RUN.fullmatch(ch):
            # a non-ASCII letter (IGNORECASE equivalents are not enumerated), or a character a
            # space also matches (two start literals could then begin at the same place)
            return [("", False)]
        return [(ch.lower(), True)]
    if _is_space_item(item):
        return [(" ", True)]
    if op is _C.SUBPATTERN:
        _group, add, delete, sub = av
        if add or delete:
            return [("", False)]  # inline flags change what a literal matches
        return _seq_starts(sub)
    if op is _C.BRANCH:
        return [pair for branch in av[1] for pair in _seq_starts(branch)]
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        lo, _hi, sub = av
        return [(s, False) for s, _done in _seq_starts(sub)] if lo >= 1 else [("", False)]
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return [("", True)]  # zero-width: consumes nothing, the literal continues after it
    if op is _C.IN and av in ([(_C.CATEGORY, _C.CATEGORY_DIGIT)], [(_C.CATEGORY, _C.CATEGORY_UNI_DIGIT)]):
        return [(DIGIT, False)]  # \d: a decimal digit starts the match
    return [("", False)]


@lru_cache(maxsize=1024)
def start_literals(pattern: str) -> frozenset[str] | None:
    r"""Lower-case literals one of which every match of lexicon ``pattern`` (case-insensitive)
    starts with, or None when a match may start anywhere. A space in a literal stands for the
    pattern's space (white space or hyphens); :data:`DIGIT` for a decimal digit.

    >>> sorted(start_literals(r"blam\w* (the )?(government|kremlin)"))
    ['blam']
    >>> sorted(start_literals("(my|our) (son|home)")), start_literals(r"\d+ dollars") == {DIGIT}
    (['my home', 'my son', 'our home', 'our son'], True)
    >>> sorted(start_literals("cease-fire|told (the )?AFP")), start_literals(r"\w+ly"), start_literals("US")
    (['cease', 'told '], None, None)
    """
    if is_case_sensitive(pattern):
        return None
    try:
        parsed = _P.parse(_pattern_source(pattern), re.IGNORECASE)
    except (re.error, RecursionError):
        return None
    if parsed.getwidth()[0] == 0:
        return None  # can match the empty string: finditer's empty-match rules apply
    starts = _seq_starts(list(parsed))
    if any(not s for s, _done in starts):
        return None
    return frozenset(s for s, _done in starts)


def _trie_source(words: Sequence[str]) -> str:
    """A regex matching where any of ``words`` starts, factored by common prefixes (sre tries
    the branches of an alternation one by one; a trie tries one branch per character). A word
    with a shorter word of the set as its prefix adds nothing and is dropped. No two of the
    remaining words can match at the same place: they differ in a letter, or one has a space
    (white space or hyphens) where the other has a character no space matches.

    >>> _trie_source(["win", "wins", "won", "blam"])
    '(?:blam|w(?:in|on))'
    """
    kept = sorted(w for w in set(words) if w and not any(w != v and w.startswith(v) for v in words if v))
    groups: dict[str, list[str]] = {}
    for w in kept:
        groups.setdefault(w[0], []).append(w[1:])
    parts = [(_SPACE if ch == " " else re.escape(ch)) + (_trie_source(rest) if any(rest) else "")
             for ch, rest in sorted(groups.items())]
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


@lru_cache(maxsize=16)
def _plan(pattern_sets: tuple[tuple[str, ...], ...]):
    """Per pattern set: [ci regex, its lowered twin, start keys or None, cs regex]; and (the two
    scanners of every possible start position - lower-cased text, IGNORECASE on the original -,
    whose group 1 is a *key*: the one shortest start literal that begins there, or a digit;
    the keys), or None when no set has start literals."""
    plans = []
    every: set[str] = set()
    digits = False
    for patterns in pattern_sets:
        ci, cs = compile_patterns(tuple(patterns))
        starts: set[str] | None = set()
        for p in patterns:
            if is_case_sensitive(p):
                continue  # counted by the cs regex on the whole text
            lits = start_literals(p)
            if lits is None:
                starts = None
                break
            starts |= lits
        if ci is None or not ci.pattern.startswith(r"(?<![\w\-])"):
            starts = None  # the look-behind the start-position reasoning relies on
        if starts:
            digits = digits or DIGIT in starts
            every |= starts - {DIGIT}
        plans.append([ci, lowered_pattern(ci), starts, cs])
    if not every and not digits:
        return plans, None
    keys = sorted(w for w in every if not any(w != v and w.startswith(v) for v in every))
    for plan in plans:  # the keys a set's matches can start with
        if plan[2] is not None:
            plan[2] = frozenset([k for k in keys if any(s.startswith(k) for s in plan[2] if s != DIGIT)]
                                + ([DIGIT] if DIGIT in plan[2] else []))
    alternatives = ([_trie_source(keys)] if keys else []) + ([r"\d"] if digits else [])
    source = r"(?<![\w\-])(?=(" + "|".join(alternatives) + "))"
    return plans, (re.compile(source), re.compile(source, re.IGNORECASE), frozenset(keys))


def _count_upto(rx: re.Pattern | None, text: str, k: int) -> int:
    """Non-empty matches of ``rx`` in ``text`` (as count_matrix counts them), stopping at ``k``."""
    if rx is None or k <= 0:
        return 0
    n = 0
    for m in rx.finditer(text):
        if m.end() > m.start():
            n += 1
            if n >= k:
                break
    return n


def _positions(scanner: re.Pattern, subject: str, keys: frozenset[str]) -> dict[str | None, list[int]]:
    """Start positions by key. A position where a decimal digit starts is (also) under
    :data:`DIGIT`; with the IGNORECASE scanner, one whose text does not lower-case to its key
    (a Kelvin sign for "k") is under None, which every set tries."""
    out: dict[str | None, list[int]] = {}
    for m in scanner.finditer(subject):
        found = m.group(1)
        p = m.start()
        if found[0].isdecimal():
            out.setdefault(DIGIT, []).append(p)
            if len(found) == 1 and found not in keys:
                continue  # no key begins here (the scanner tries the keys before a digit)
        if found not in keys:
            found = found.lower()
            if found not in keys:
                found = _SPACE_RUN.sub(" ", found)  # a space of the key: white space or hyphens
        out.setdefault(found if found in keys else None, []).append(p)
    return out


def at_least(texts: Sequence, pattern_sets: Sequence[tuple[str, ...]], min_hits: Sequence[int]) -> np.ndarray:
    r"""Boolean (len(texts), len(pattern_sets)): does ``text`` hold at least ``min_hits[j]``
    matches of pattern set ``j`` (counted as :func:`~analysis.framing._lexicon.count_matrix`
    counts them)? Missing texts hold none.

    >>> at_least(["Kyiv blamed Moscow; Moscow blames Kyiv.", None], [(r"blam\w*",), ("moscow",)], [2, 3]).tolist()
    [[True, False], [False, False]]
    """
    plans, scanners = _plan(tuple(tuple(p) for p in pattern_sets))
    ks = [int(k) for k in min_hits]
    out = np.zeros((len(texts), len(plans)), dtype=bool)
    for i, text in enumerate(texts):
        if not isinstance(text, str) or not text:
            continue
        low = text.lower() if lowerable(text) else None
        by_key = None
        for j, (ci, fast, keys, cs) in enumerate(plans):
            k = ks[j]
            n = _count_upto(cs, text, k)
            if n >= k or ci is None:
                out[i, j] = n >= k
                continue
            if keys is None:  # no start literal: the whole text
                n += _count_upto(fast, low, k - n) if fast is not None and low is not None else _count_upto(ci, text, k - n)
            else:
                if by_key is None:  # the IGNORECASE scan only for text lower-casing would change
                    scan_low, scan_ci, key_set = scanners
                    by_key = _positions(scan_low, low, key_set) if low is not None else _positions(scan_ci, text, key_set)
                found = [by_key[key] for key in (*keys, None) if key in by_key]
                if found:
                    positions = found[0] if len(found) == 1 else sorted(chain.from_iterable(found))
                    n += _count_at(fast.match, low, positions, k - n) if fast is not None and low is not None \
                        else _count_at(ci.match, text, positions, k - n)
            out[i, j] = n >= k
    return out


def _count_at(match, subject: str, positions: list[int], k: int) -> int:
    """:func:`_count_upto` of a regex whose matches can only start at ``positions`` (sorted):
    ``match`` is tried there alone, skipping past each match as ``finditer`` does."""
    n = 0
    end = 0
    for p in positions:
        if p < end:
            continue
        m = match(subject, p)
        if m is not None and m.end() > p:
            n += 1
            if n >= k:
                break
            end = m.end()
    return n
