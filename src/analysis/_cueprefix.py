r"""Every match of many cue regexes in one pass over a text (exact, faster than scanning each).

The role and narrative cue lexicons are compiled into regexes of the form
``(?<!\w)(?:cue|cue|...)`` (:func:`analysis.roles._prefix_regex`,
:func:`analysis.narratives._prefix_regex`; a cue's spaces match ``\s+``). Python's
``re`` cannot skip ahead on such a pattern (the look-behind comes first), so each
of the ~70 narrative regexes scanned every character of every article: most of the
time of :func:`analysis.narratives.narratives` and a third of
:func:`analysis.roles.predict_roles`.

:class:`CueMatcher` reads the alternatives of such regexes back from their
patterns (:func:`_alternatives`; any other pattern is left to ``re``), indexes them
by their first :data:`K` characters and visits only the text's word starts: at each,
a regex's first alternative (in its own order) that matches wins and its next match
starts at or after the previous one's end, exactly as ``rx.finditer`` does.

>>> rx = re.compile(r"(?<!\w)(?:nuclear\s+war|nuke|escalat)")
>>> CueMatcher([rx]).find_all("renuclear fears: nuclear  war, escalation")[rx]
[(17, 'nuclear  war'), (31, 'escalat')]
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["K", "CueMatcher", "matcher"]

#: Length of the prefixes the alternatives are indexed by.
K = 3
_WS = re.compile(r"\s")
_WS_RUN = re.compile(r"\s+")
_HEAD = "(?<!\\w)(?:"
_SPECIAL = set("()[]{}.*+?^$|")


def _alternatives(rx: re.Pattern) -> list[tuple] | None:
    """The alternatives of a cue regex built as ``(?<!\\w)(?:alt|alt...)`` (each alt an escaped
    literal whose spaces became ``\\s+``), in order, each a tuple of segments: a literal string or
    an int n (a run of at least n whitespace characters); ``None`` for any other pattern."""
    pattern = rx.pattern
    if not isinstance(pattern, str) or rx.flags != re.UNICODE or not pattern.startswith(_HEAD) \
            or not pattern.endswith(")"):
        return None
    body, alts, current, i = pattern[len(_HEAD):-1], [], [], 0
    while i <= len(body):
        if i == len(body) or body[i] == "|":
            alts.append(current)
            current, i = [], i + 1
            if i > len(body):
                break
            continue
        if body.startswith("\\s+", i):
            current.append(1)
            i += 3
        elif body[i] == "\\" and i + 1 < len(body):
            current.append(body[i + 1])
            i += 2
        elif body[i] in _SPECIAL or body[i] == "\\":
            return None
        else:
            current.append(body[i])
            i += 1
    out = []
    for items in alts:
        segs: list = []
        for item in items:
            if isinstance(item, int):
                if segs and isinstance(segs[-1], int):
                    segs[-1] += item
                else:
                    segs.append(item)
            elif segs and isinstance(segs[-1], str):
                segs[-1] += item
            else:
                segs.append(item)
        if not segs or not isinstance(segs[0], str):
            return None
        for k, seg in enumerate(segs):  # whitespace runs are greedy: next to them only non-space literals
            if isinstance(seg, str) and ((k and _WS.match(seg[0])) or (k + 1 < len(segs) and _WS.match(seg[-1]))):
                return None
        out.append(tuple(segs))
    rebuilt = _HEAD + "|".join("".join(re.escape(s) if isinstance(s, str) else "\\s+" * s for s in segs)
                               for segs in out) + ")"
    return out if rebuilt == pattern else None


def _match_at(text: str, i: int, segs: tuple) -> int:
    """End of ``segs`` matched at ``i`` (as ``re`` would match that alternative there), or -1."""
    pos = i
    for seg in segs:
        if isinstance(seg, str):
            if not text.startswith(seg, pos):
                return -1
            pos += len(seg)
        else:
            m = _WS_RUN.match(text, pos)
            if m is None or m.end() - pos < seg:
                return -1
            pos = m.end()
    return pos


class CueMatcher:
    """Every match of many cue regexes in one pass over a text's word starts.

    ``find_all(text)`` is ``{rx: [(m.start(), m.group()) for m in rx.finditer(text)]}`` for each
    regex of the ``(?<!\\w)(?:cue|...)`` form (:func:`_alternatives`); other regexes are left out
    (scan them as before). Exact: at each position the first alternative (in the regex's order)
    that matches wins, and a regex's next match starts at or after its previous match's end.
    """

    def __init__(self, regexes):
        self.regexes: list[re.Pattern] = []
        index: dict[int, dict[str, list]] = {}
        for rx in dict.fromkeys(r for r in regexes if r is not None):
            alts = _alternatives(rx)
            if alts is None:
                continue
            label = len(self.regexes)
            self.regexes.append(rx)
            for rank, segs in enumerate(alts):
                key = segs[0][:K]
                index.setdefault(len(key), {}).setdefault(key, []).append((label, rank, segs))
        self._index = sorted(index.items(), reverse=True)
        # the word starts where some alternative's first literal begins (nothing else can match there)
        self._starts = _candidate_regex({segs[0] for table in index.values() for cands in table.values()
                                         for _label, _rank, segs in cands}) if index else None

    def find_all(self, text: str) -> dict[re.Pattern, list[tuple[int, str]]]:
        return dict(zip(self.regexes, self.find_each(text)))

    def find_each(self, text: str) -> list[list[tuple[int, str]]]:
        """:meth:`find_all`'s matches as a list in the order of :attr:`regexes`. For callers that look
        matches up once per short text: hashing a compiled regex reads all its compiled code (a fine-role
        cue regex: ~0.2 us), a list index does not."""
        found: dict[int, list] = {}
        last_end: dict[int, int] = {}
        if self._starts is not None:
            index = self._index
            for m in self._starts.finditer(text):
                i = m.start()
                cands = None
                for n, table in index:
                    hit = table.get(text[i:i + n])
                    if hit:
                        cands = hit if cands is None else cands + hit
                if cands is None:
                    continue
                best: dict[int, tuple[int, int]] = {}
                for label, rank, segs in cands:
                    first = segs[0]
                    if not text.startswith(first, i) or (label in best and best[label][0] < rank):
                        continue
                    end = i + len(first) if len(segs) == 1 else _match_at(text, i, segs)
                    if end >= 0:
                        best[label] = (rank, end)
                for label, (_, end) in best.items():
                    if i >= last_end.get(label, 0):
                        found.setdefault(label, []).append((i, text[i:end]))
                        last_end[label] = end
        return [found.get(label, []) for label in range(len(self.regexes))]


def _candidate_regex(heads) -> re.Pattern:
    r"""The word starts (``(?<!\w)``) where one of ``heads`` begins, found by ``re`` in C: the heads
    (each alternative's first literal) as a character trie in a look-ahead, so that the word starts where
    no alternative can begin, most of a text's words, are never visited in Python.

    >>> rx = _candidate_regex({"nuclear", "nuke", "escalat", "w"})
    >>> [m.start() for m in rx.finditer("renuclear war, nuclear nuk escalation")], rx.pattern
    ([10, 15, 27], '(?<!\\w)(?=(?:escalat|nu(?:clear|ke)|w))')
    """
    trie: dict = {}
    for head in heads:
        node = trie
        for char in head:
            node = node.setdefault(char, {})
        node[""] = {}  # a head ends here: what follows does not matter
    return re.compile(r"(?<!\w)(?=" + _trie_pattern(trie) + ")")


def _trie_pattern(node: dict) -> str:
    if "" in node:
        return ""
    alts = []
    for char in sorted(node):
        piece, child = re.escape(char), node[char]
        while len(child) == 1 and "" not in child:  # a chain of single children: one literal
            (char, child), = child.items()
            piece += re.escape(char)
        alts.append(piece + _trie_pattern(child))
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


@lru_cache(maxsize=16)
def matcher(regexes: tuple) -> CueMatcher:
    """A :class:`CueMatcher` of these regexes (built once per tuple)."""
    return CueMatcher(regexes)
