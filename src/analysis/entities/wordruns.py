"""Which sentences discovery must read, found for a whole chunk at once.

Discovery (:func:`analysis.entities.discovery._discover_fast`) finds a name only in a
*sequence*: words that do not start with a-z, joined by whitespace or by connectors ("of",
"the", "von"), gazetteer names inside. A sequence of one word finds nothing when that word is
rejected whatever its context (:func:`~analysis.entities.discovery._single_word_rejected`, or
not a capitalised word at all), a sequence that is one gazetteer name finds nothing either (also
when the name's last word ends in a full stop discovery cuts off: "... for Russia."), and a
sequence opens only at a capitalised word or a name ("71.5", "June 10" open none).
Most sentences hold no other sequence ("He said Russia attacked.").

:func:`discovery_words` splits the chunk's joined text once (``re.split`` builds no match
objects) into those words, groups them into *runs* (a run holds every sequence discovery can
form there, and maybe more) with numpy, and keeps a sentence only when one of its runs can find
a name. For the kept sentences it returns what :func:`~analysis.entities.discovery._reported_words`
returns; the others get :data:`NOTHING` and never reach Python again. So the answers are those
of the reference, read for fewer sentences (tests/test_entities.py compares them).
"""

from __future__ import annotations

import re
from itertools import accumulate, repeat

import numpy as np

from analysis.entities.discovery import (
    _CONNECTOR_ALT,
    _WORD_RE,
    _capword_cached,
    _clean_words,
    _common_opening,
    _is_stop_word,
    _reported_words,
    _single_word_rejected,
)

#: The entry of :func:`discovery_words` for a sentence discovery can find nothing in.
NOTHING = False

_WORD_TAIL = _WORD_RE.pattern.removeprefix(r"[^\W_]")
#: A word of :data:`_WORD_RE` that does not start with a-z, opening only where ``_WORD_RE``'s own
#: scan opens a word: not after a word character, nor inside a hyphen or apostrophe
#: continuation ("pro-Kremlin", "x'Tis"; "RUSSIA'S" opens a word "S"). A class of character ranges
#: comes first so that ``re`` skips the other characters in its fast loop (a range test; ``[^\W_a-z]``
#: there asks for each character's Unicode category, and took 0.31 CPU s of the bench's split
#: against 0.22); the look-behind then keeps its word characters. A word character before an
#: underscore can start a word too; texts with an underscore take the reference path.
_UNIT_OPENER = r"[A-Z0-9\x80-\U0010ffff](?<=[^\W_])"  # = [^\W_a-z]
_UNIT = _UNIT_OPENER + r"(?<!\w\w)(?<!\w[-\u2010\u2011]\w)(?:(?<!\w['\u2019]\w)|(?<=S)(?!\w))" + _WORD_TAIL
#: Group 1: the word; group 2: one whitespace character when connectors follow the word (the
#: ``connector_ends`` of ``_reported_words``); group 3 (maybe empty): connectors that join the
#: word to the next such word.
_UNITS = re.compile("(" + _UNIT + r")(\s(?=\s*" + _CONNECTOR_ALT + r")|)((?<=\s)\s*" + _CONNECTOR_ALT
                    + r"(?:\s+" + _CONNECTOR_ALT + r")*\s+(?=[^\W_a-z])|)")
_LOWER = re.compile("[a-z]")
_ALNUM = re.compile(r"[^\W_]")


class _Inert(dict):
    """word -> bits: 1 when a sequence of that word alone finds nothing, 2 when the word is
    capitalised (can open a sequence) (memo of the questions)."""

    def __missing__(self, word: str) -> int:
        ((_, _, cleaned),) = _clean_words([(0, len(word), word)])
        opens = _capword_cached(cleaned)
        bits = self[word] = (not opens or _single_word_rejected(cleaned)) | opens << 1
        return bits


class _Unit(dict):
    """word -> the word as ``_reported_words`` keeps it: a final full stop cut off unless the
    word is a title or an initial ("Gen.", "J.")."""

    def __missing__(self, word: str) -> str:
        unit = self[word] = _clean_words([(0, len(word), word)])[0][2]
        return unit


class _Flags(dict):
    """word -> what ``_reported_words`` reads of it, as bits: 1 a full stop was cut off,
    2 it starts upper-case, 4 it is a capitalised stop word."""

    def __missing__(self, word: str) -> int:
        unit = _UNIT_OF[word]
        upper = unit[0].isupper()
        flags = self[word] = (len(unit) < len(word)) | upper << 1 | (upper and _is_stop_word(unit)) << 2
        return flags


class _Opening(dict):
    """word -> a common word when it opens the sentence (``_common_opening`` of the unit)."""

    def __missing__(self, word: str) -> bool:
        opening = self[word] = _common_opening(_UNIT_OF[word])
        return opening


_INERT = _Inert()
_OPENING = _Opening()
_UNIT_OF = _Unit()
_FLAGS = _Flags()


def _kept_for_sure(cands: list, info: dict) -> bool:
    """A name match that :func:`analysis.entities.matching._article_mentions` keeps as a
    gazetteer span given to discovery, whatever the article: an alias or metonym of a type
    other than EVENT."""
    for eid, kind in cands:
        if kind in ("alias", "metonym"):
            return info[eid][1] != "EVENT"
    return False


def discovery_words(texts: list[str], names: list[list], info: dict) -> list:
    """For each text: :data:`NOTHING` when discovery can find no name in it, else the entry
    :func:`~analysis.entities.discovery._reported_words` gives it (read alone).

    ``names``: each text's name matches (start, end, candidates) from
    :meth:`analysis.entities.matching._Matcher.find_all`; ``info``: the gazetteer's
    entity id -> (name, type).

    >>> texts = ["He said Russia attacked.", "The Council of Europe met Olena Kovalenko."]
    >>> names = [[(8, 14, [("country:russia", "alias")])], []]
    >>> info = {"country:russia": ("Russia", "GPE")}
    >>> out = discovery_words(texts, names, info)
    >>> out[0]
    False
    >>> [u[2] for u in out[1][0]], out[1][1:]
    (['The', 'Council', 'Europe', 'Olena', 'Kovalenko'], (True, 0, True, [11]))
    """
    n = len(texts)
    out: list = [NOTHING] * n
    if not n:
        return out
    joined = "\x00".join(texts)  # no word, whitespace or connector spans a NUL
    pieces = _UNITS.split(joined)  # gap, word, connector space, connectors, gap, word, ..., gap
    words = pieces[1::4]
    m = len(words)
    bases = np.fromiter(accumulate((len(t) + 1 for t in texts), initial=0), dtype=np.int64, count=n + 1)
    if m:
        lens = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        ends = np.cumsum(lens)
        w_end = ends[1::4]
        w_start = w_end - lens[1::4]
        owner = np.searchsorted(bases, w_start, side="right") - 1
        need = _needs_discovery(words, w_start, w_end, owner, pieces, lens, names, bases, info)
        # the words of the sentences kept, as _reported_words gives them
        picked = np.flatnonzero(need[owner])
        if len(picked):
            _fill_units(out, texts, picked, words, w_start, w_end, lens[2::4] > 0, owner, bases)
    if "_" in joined:
        for k, text in enumerate(texts):
            if "_" in text:
                out[k] = _reported_words([text])[0]
    return out


def _needs_discovery(words, w_start, w_end, owner, pieces, lens, names, bases, info) -> np.ndarray:
    """Per text: can discovery find a name in it? (see the module docstring)"""
    need = np.zeros(len(bases) - 1, dtype=bool)
    m = len(words)
    # word i and i + 1 are in one run when only whitespace (or nothing: "U.S.") or the
    # connectors of group 3 lie between them
    gaps = pieces[4:-1:4]
    linked = lens[4:-1:4] == 0
    linked |= np.fromiter(map(str.isspace, gaps), dtype=bool, count=m - 1)
    opens = np.concatenate(([True], ~linked))
    run_first = np.flatnonzero(opens)
    run_last = np.append(run_first[1:] - 1, m - 1)
    run_start, run_end = w_start[run_first], w_end[run_last]
    bits = np.fromiter(map(_INERT.__getitem__, words), dtype=np.int8, count=m)
    inert = (bits & 1) > 0
    # a sequence opens at a capitalised word or at a name: a run with neither ("71.5", "June 10")
    # holds none
    opener = (bits & 2) > 0
    run_of = np.cumsum(opens) - 1
    starts, stops, sure, owners = _name_spans(names, bases, info)
    if len(starts):
        # a name must open a word and end inside that word's run, else discovery may join it
        # to words this grouping did not see: such a sentence is read in full
        at = np.minimum(np.searchsorted(w_start, starts), m - 1)
        aligned = (w_start[at] == starts) & (run_end[run_of[at]] >= stops)
        need[owners[~aligned]] = True
        opener[at[aligned]] = True
    live = ((run_last > run_first) & (np.add.reduceat(opener, run_first) > 0)) | ~inert[run_first]
    if len(starts):
        # a run inside one name that is surely kept is that name alone: nothing to find
        s_start, s_stop = starts[sure], stops[sure]
        if len(s_start):
            at = np.searchsorted(s_start, run_start, side="right") - 1
            stop = np.where(at >= 0, s_stop[np.maximum(at, 0)], -1)
            covered = stop >= run_end
            # a run one character longer than the name: its last word ends with a full stop that
            # _reported_words cuts off ("for Russia."), so its word ends where the name does
            for r in np.flatnonzero(stop == run_end - 1).tolist():
                word = words[run_last[r]]
                covered[r] = word[-1] == "." and len(_UNIT_OF[word]) < len(word)
            live &= ~covered
    # a common word opening the sentence alone ("However", "Unfortunately") is no name either
    alone = run_first[live & (run_last == run_first)]
    opening = alone[(alone == 0) | (owner[alone] != owner[np.maximum(alone - 1, 0)])]
    for i in opening.tolist():
        if _OPENING[words[i]]:
            gap = pieces[4 * i]
            if not _ALNUM.search(gap, gap.rfind("\x00") + 1):
                live[run_of[i]] = False
    need[owner[run_first[live]]] = True
    return need


def _fill_units(out, texts, picked, words, w_start, w_end, conn_space, owner, bases) -> None:
    """``out[k]`` = (units, first_in, n_cap_stop, all_cap, connector_ends) of
    ``_reported_words`` for every text owning a ``picked`` word (one without an underscore)."""
    chosen = [words[i] for i in picked.tolist()]
    unit = map(_UNIT_OF.__getitem__, chosen)
    flags = np.fromiter(map(_FLAGS.__getitem__, chosen), dtype=np.int64, count=len(chosen))
    dotted, upper, cap_stop = flags & 1, (flags & 2) > 0, (flags & 4) > 0
    base = bases[owner[picked]]
    starts = (w_start[picked] - base).tolist()
    stops_arr = w_end[picked] - base - dotted
    stops = stops_arr.tolist()
    conn = conn_space[picked] & (dotted == 0)
    units = list(zip(starts, stops, unit, repeat(None)))
    texts_of = owner[picked]
    bounds = np.flatnonzero(np.diff(texts_of)) + 1
    firsts = np.concatenate(([0], bounds))
    lasts = np.append(bounds, len(picked))
    n_cap_stop = np.add.reduceat(cap_stop, firsts).tolist()
    n_lower = np.add.reduceat(~upper, firsts).tolist()
    n_conn = np.add.reduceat(conn, firsts).tolist()
    conn_stops = stops_arr[conn].tolist()
    c = 0
    for k, a, b, n_stop, lower, nc in zip(texts_of[firsts].tolist(), firsts.tolist(), lasts.tolist(), n_cap_stop,
                                          n_lower, n_conn):
        text = texts[k]
        if "_" in text:
            c += nc
            continue  # from the reference (discovery_words)
        first_in = _LOWER.search(text, 0, starts[a]) is None
        if first_in and cap_stop[a]:
            n_stop -= 1  # the first word counts only after a lower-case word
        out[k] = (units[a:b], first_in, n_stop, lower == 0, conn_stops[c:c + nc])
        c += nc


def _name_spans(names: list[list], bases: np.ndarray, info: dict):
    """The name matches in chunk offsets: starts, ends, kept for sure, owning text."""
    starts: list[int] = []
    stops: list[int] = []
    sure: list[bool] = []
    owners: list[int] = []
    verdicts: dict[int, bool] = {}  # the candidate lists are the trie's own objects
    for k, found in enumerate(names):
        if not found:
            continue
        base = int(bases[k])
        for a, b, cands in found:
            starts.append(base + a)
            stops.append(base + b)
            owners.append(k)
            verdict = verdicts.get(id(cands))
            if verdict is None:
                verdict = verdicts[id(cands)] = _kept_for_sure(cands, info)
            sure.append(verdict)
    return (np.asarray(starts, dtype=np.int64), np.asarray(stops, dtype=np.int64),
            np.asarray(sure, dtype=bool), np.asarray(owners, dtype=np.int64))
