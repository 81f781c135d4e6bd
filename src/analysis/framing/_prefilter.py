"""Fast, exact pre-filtering of texts before Python regular expressions.

Python's ``re`` engine tries every alternative of a big alternation at every
position of a text, so a 600-pattern frame lexicon scans at a few MB/s. RE2
(shipped with pyarrow, ``pyarrow.compute.match_substring_regex``) runs a DFA
over the same text at hundreds of MB/s but has no look-arounds and different
Unicode rules. We use it only to *rule texts out*: :func:`superset` translates
a Python pattern into an RE2 pattern that matches every string the Python
pattern can match somewhere in (a superset: look-arounds and anchors dropped,
``\\w``/``\\s``/classes widened, case-insensitive letters expanded to every
character Python's ``re.IGNORECASE`` equates with them). A text the RE2
pattern rejects cannot contain a Python match, so the exact Python regex only
runs on the few texts that pass - the results are identical to running it
everywhere.

Whenever something cannot be translated (back-references, pyarrow missing,
lone surrogates in a text) the filter answers "maybe" for every text, i.e.
falls back to the exact slow path.

:func:`barrier_chars` finds punctuation that no pattern can match or look
across, so a long text can be cut there into short segments whose matches are
exactly the matches of the whole text (see :func:`segments`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple

import numpy as np

try:  # pragma: no cover - import guard
    import re._constants as _C  # Python >= 3.11
    import re._parser as _P
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _C  # type: ignore
    import sre_parse as _P  # type: ignore

__all__ = ["superset", "core", "TextBatch", "compiled_re2", "compiled_set", "joined_utf8", "barrier_chars", "min_width", "segments", "lowered_pattern", "lowerable"]

_ANY = "(?s:.)"
#: RE2's \s is ASCII [\t\n\f\r ]; Python's \w never contains these characters
_NOT_RE2_SPACE = r"[^\t\n\f\r ]"


class _Untranslatable(Exception):
    pass


class _Binding(NamedTuple):
    """google-re2's low-level classes this module uses (see :func:`_re2_binding`)."""

    regex: type
    options: object
    #: ``re2._re2.Set``, or None when that class is missing or fails its self-check
    set: type | None


@lru_cache(maxsize=1)
def _re2_binding() -> _Binding | None:
    """google-re2's low-level ``(RE2 class, Options, Set class)``, or None when the binding is missing
    or its private ``re2._re2`` layer (the only one that searches a byte range without slicing) is not
    the one this module was written against: every caller then counts with ``pyarrow.compute``, which
    gives the same results, only slower. A self-check on a known match guards against a changed
    ``Match`` signature or result layout (checked once per process); the ``Set`` class gets its own
    (an unusable one is None: :func:`compiled_set` then answers None and callers scan once per pattern)."""
    try:
        import re2

        options = re2.Options()
        options.log_errors = False
        rx = re2._re2.RE2(b"b+", options)
        found = rx.Match(type(rx).Anchor.UNANCHORED, b"abbc", 0, 4)[0]
        if not rx.ok() or tuple(found) != (1, 3):
            return None
    except Exception:  # ImportError, or a binding whose private API moved (AttributeError, TypeError ...)
        return None
    return _Binding(re2._re2.RE2, options, _checked_set(re2._re2, options))


def _checked_set(private, options):
    """``private.Set`` if it answers a known scan as RE2::Set does, else None."""
    try:
        found = private.Set(private.RE2.Anchor.UNANCHORED, options)
        if found.Add(b"") != 0 or found.Add(b"b+") != 1 or not found.Compile():
            return None
        if sorted(found.Match(b"abbc")) != [0, 1] or list(found.Match(b"ac")) != [0]:
            return None
        return private.Set
    except Exception:  # a binding without Set, or one whose private API moved
        return None


@lru_cache(maxsize=512)
def compiled_re2(pattern: str):
    """``pattern`` compiled once by RE2 (google-re2, the binding of RE2 itself), or None when RE2
    refuses it or the binding is missing or unusable (:func:`_re2_binding`). RE2's options as
    ``pyarrow.compute`` sets them (UTF-8, 8 MiB of automaton memory); the lazily built DFA stays with
    the object, so later chunks do not build it again (``pyarrow.compute`` compiles and builds it on
    every call)."""
    binding = _re2_binding()
    if binding is None:
        return None
    rx = binding.regex(pattern.encode("utf-8"), binding.options)
    return rx if rx.ok() else None


@lru_cache(maxsize=64)
def compiled_set(patterns: tuple[str, ...]):
    """An RE2::Set of the RE2 ``patterns`` (google-re2, options as :func:`compiled_re2`) after an empty
    pattern, or None when RE2 refuses one or the binding is missing. Its ``Match(text)`` lists, in
    one scan of ``text``, the empty pattern's index 0 and ``i + 1`` for every ``patterns[i]`` that
    matches somewhere in it. The binding drops RE2's error: when the automaton runs out of memory the
    list is empty, which the empty pattern (it matches every text) tells apart from "no match".

    >>> sorted(compiled_set(("Ky", "ev$")).Match(b"Kyiv or Kiev"))
    [0, 1, 2]
    """
    binding = _re2_binding()
    if binding is None or binding.set is None:
        return None
    try:
        found = binding.set(binding.regex.Anchor.UNANCHORED, binding.options)
        if any(found.Add(p.encode("utf-8")) != i for i, p in enumerate(("",) + patterns)) or not found.Compile():
            return None
    except Exception:  # a pattern the binding refuses with an exception instead of an index
        return None
    return found


def re2_text_hits(rx, data: bytes, lo: list[int], content: list[int], hi: list[int], *,
                  first_only: bool) -> list[int]:
    """The text of every non-overlapping match of the compiled ``rx`` (:func:`compiled_re2`) in
    texts joined into ``data``, each counted as in its text alone. Text ``j`` has the region
    ``lo[j]:hi[j]`` of ``data`` (the regions tile it; ``lo[j]:content[j]`` is a separator before
    it); ``first_only``: at most one match per text. A match that starts in a separator or runs past
    its text is searched again within the text, so matches are the text's own as long as ``data``
    shows ``rx``'s assertions what the text's ends show them (the caller's concern).

    >>> rx = compiled_re2("(?m)ab$")
    >>> re2_text_hits(rx, b"ab\\nab\\nabc", [0, 2, 5], [0, 3, 6], [2, 5, 9], first_only=False)
    [0, 1]
    """
    unanchored = type(rx).Anchor.UNANCHORED
    out: list[int] = []
    n = len(lo)
    for first in range(0, n, _BLOCK):  # a match runs at most to the end of its block (".*" patterns)
        last = min(n, first + _BLOCK) - 1
        pos, stop = lo[first], hi[last]
        while pos <= stop:
            start, end = rx.Match(unanchored, data, pos, stop)[0]
            if start < 0:
                break
            j = bisect_right(lo, start) - 1
            if j > last:
                break
            if start < content[j] or end > hi[j]:  # not the text's own match: search within the text
                start, end = rx.Match(unanchored, data, max(start, content[j]), hi[j])[0]
                if start < 0:
                    pos = hi[j] + (hi[j] == pos)
                    continue
            out.append(j)
            pos = hi[j] + (hi[j] == pos) if first_only else end + (end == start)
    return out


#: texts searched together by :func:`re2_text_hits`
_BLOCK = 32


def joined_utf8(texts: Sequence, sep: bytes = b"") -> tuple[bytes, list[int], list[int], list[int]]:
    """``texts`` (non-strings as empty texts) encoded as UTF-8 and joined by ``sep``, with the
    regions :func:`re2_text_hits` reads: ``(data, lo, content, hi)``, text ``j`` at
    ``content[j]:hi[j]`` and its region ``lo[j]:hi[j]`` (the separator before it, then the text).

    >>> joined_utf8(["ab", None, "é"], b"\\n")
    (b'ab\\n\\n\\xc3\\xa9', [0, 2, 3], [0, 3, 4], [2, 3, 6])
    """
    encoded = [t.encode("utf-8") if isinstance(t, str) else b"" for t in texts]
    content, hi = [], []
    at = 0
    for b in encoded:
        content.append(at)
        at += len(b)
        hi.append(at)
        at += len(sep)
    return sep.join(encoded), [0] + hi[:-1], content, hi


@lru_cache(maxsize=1)
def _python_spaces() -> str:
    """Every character Python's ``\\s`` matches (str patterns)."""
    return "".join(chr(i) for i in range(0x3001) if re.match(r"\s", chr(i)))


@lru_cache(maxsize=1)
def _nonascii_casefolds() -> dict[str, str]:
    """Non-ASCII characters that ``re.IGNORECASE`` equates with an ASCII letter
    (e.g. the Kelvin sign with k, dotless i with i), by letter."""
    codes = np.concatenate([np.arange(0x80, 0xD800), np.arange(0xE000, 0x110000)]).astype("<u4")
    chars = codes.tobytes().decode("utf-32-le")
    found = set(re.findall("[a-z]", chars, re.IGNORECASE))
    out: dict[str, str] = {}
    for letter in "abcdefghijklmnopqrstuvwxyz":
        extra = "".join(sorted(c for c in found if re.fullmatch(letter, c, re.IGNORECASE)))
        if extra:
            out[letter] = extra
    return out


def _esc(code: int) -> str:
    ch = chr(code)
    if ch.isascii() and ch.isalnum():
        return ch
    return f"\\x{{{code:x}}}"


def _char_set(code: int, ci: bool) -> list[int] | None:
    """Characters a literal matches, or None when it is a non-ASCII letter under
    IGNORECASE (we do not enumerate those: widened to any character)."""
    ch = chr(code)
    if not ci or not ch.isalpha():
        return [code]
    if not ch.isascii():
        return None
    low = ch.lower()
    chars = {low, low.upper(), *_nonascii_casefolds().get(low, "")}
    return sorted(ord(c) for c in chars)


def _class(codes: Iterable[int]) -> str:
    return "[" + "".join(_esc(c) for c in sorted(set(codes))) + "]"


def _in(items, ci: bool) -> str:
    codes: list[int] = []
    wide = False
    for op, av in items:
        if op is _C.NEGATE:
            return _ANY
        if op is _C.LITERAL:
            chars = _char_set(av, ci)
            if chars is None:
                return _ANY
            codes.extend(chars)
        elif op is _C.RANGE:
            lo, hi = av
            if hi - lo > 200:
                return _ANY
            for c in range(lo, hi + 1):
                chars = _char_set(c, ci)
                if chars is None or (ci and c > 0x7F and not _uncased(chr(c))):
                    return _ANY  # a cased non-ASCII character under IGNORECASE: not enumerated
                codes.extend(chars)
        elif op is _C.CATEGORY:
            if av in (_C.CATEGORY_WORD, _C.CATEGORY_DIGIT, _C.CATEGORY_UNI_WORD, _C.CATEGORY_UNI_DIGIT):
                wide = True
            elif av in (_C.CATEGORY_SPACE, _C.CATEGORY_UNI_SPACE):
                codes.extend(ord(c) for c in _python_spaces())
            else:
                return _ANY
        else:
            return _ANY
    if wide:
        # [^\t\n\f\r ] covers \w and \d; other members are added as alternatives
        extra = [c for c in codes if chr(c) in "\t\n\f\r "]
        return _NOT_RE2_SPACE if not extra else f"(?:{_NOT_RE2_SPACE}|{_class(extra)})"
    return _class(codes) if codes else _ANY


def _repeat(lo: int, hi) -> str:
    # counted repeats blow up RE2's automaton: {2,60} is widened to {2,}
    lo = min(lo, 8)
    if hi is _C.MAXREPEAT or hi > 8:
        return "*" if lo == 0 else "+" if lo == 1 else f"{{{lo:d},}}"
    if (lo, hi) == (0, 1):
        return "?"
    return f"{{{lo:d}}}" if lo == hi else f"{{{lo:d},{hi:d}}}"


def _emit(seq, ci: bool) -> str:
    out = []
    for op, av in seq:
        if op is _C.LITERAL:
            chars = _char_set(av, ci)
            out.append(_ANY if chars is None else (_esc(chars[0]) if len(chars) == 1 else _class(chars)))
        elif op is _C.NOT_LITERAL or op is _C.ANY:
            out.append(_ANY)
        elif op is _C.IN:
            out.append(_in(av, ci))
        elif op is _C.BRANCH:
            out.append("(?:" + "|".join(_emit(b, ci) for b in av[1]) + ")")
        elif op is _C.SUBPATTERN:
            _group, add, delete, sub = av
            inner_ci = (ci or bool(add & _C.SRE_FLAG_IGNORECASE)) and not (delete & _C.SRE_FLAG_IGNORECASE)
            out.append("(?:" + _emit(sub, inner_ci) + ")")
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) or op is getattr(_C, "POSSESSIVE_REPEAT", None):
            lo, hi, sub = av
            body = _emit(sub, ci)
            out.append("(?:" + body + ")" + _repeat(lo, hi) if body else "")
        elif op is getattr(_C, "ATOMIC_GROUP", None):
            out.append("(?:" + _emit(av, ci) + ")")
        elif op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
            continue  # zero-width: dropping it only widens the language
        else:  # back-references, conditionals
            raise _Untranslatable(str(op))
    return "".join(out)


def _ascii_members(atom, ci: bool) -> str:
    """ASCII characters a one-character atom (LITERAL / IN) certainly matches."""
    op, av = atom
    return "".join(chr(c) for c in range(128) if _atom_matches(op, av, ci, chr(c)))


def _edge_guard(item, ci: bool, *, before: bool) -> str | None:
    """A leading negative look-behind / trailing negative look-ahead on one
    character (``(?<![\\w\\-])``) as a consumed RE2 guard ``(?:^|[^...])``: a
    character Python's class rejects is never one of the ASCII characters the
    class certainly accepts, so the guard is still a superset."""
    op, av = item
    if op is not _C.ASSERT_NOT or av[0] != (-1 if before else 1):
        return None
    body = list(av[1])
    if len(body) != 1 or body[0][0] not in (_C.LITERAL, _C.IN):
        return None
    members = _ascii_members(body[0], ci)
    if not members:
        return None
    cls = "[^" + "".join(_esc(ord(c)) for c in members) + "]"
    return f"(?:^|{cls})" if before else f"(?:$|{cls})"


@lru_cache(maxsize=512)
def _superset(pattern: str, flags: int) -> str | None:
    try:
        parsed = list(_P.parse(pattern, flags))
        ci = bool(flags & re.IGNORECASE)
        head = _edge_guard(parsed[0], ci, before=True) if parsed else None
        tail = _edge_guard(parsed[-1], ci, before=False) if len(parsed) > 1 else None
        body = parsed[1 if head else 0: len(parsed) - (1 if tail else 0)]
        return (head or "") + _emit(body, ci) + (tail or "")
    except (_Untranslatable, re.error, RecursionError, TypeError, AttributeError):
        return None


def superset(rx: re.Pattern | str, flags: int = 0) -> str | None:
    """An RE2 pattern matching (somewhere) every string ``rx`` can match, or
    None when ``rx`` uses something we do not translate.

    >>> superset(re.compile(r"Kyiv\\b")), superset(re.compile("war", re.IGNORECASE))
    ('Kyiv', '[Ww][Aa][Rr]')
    """
    if isinstance(rx, re.Pattern):
        pattern, flags = rx.pattern, rx.flags
    else:
        pattern = rx
    if not isinstance(pattern, str):
        return None
    return _superset(pattern, int(flags) & (re.IGNORECASE | re.DOTALL | re.MULTILINE | re.VERBOSE | re.ASCII))


def _clean(emitted: str) -> bool:
    """No wildcard in an emitted RE2 piece (a wildcard is hardly selective)."""
    return _ANY not in emitted and _NOT_RE2_SPACE not in emitted


def _needed(seq, ci: bool) -> tuple[str, int, bool] | None:
    """(RE2 pattern, fewest characters it matches, whole) of a part every match of ``seq`` contains,
    or None: the widest of its runs of consecutive literal characters / small classes / whole
    groups and of its other mandatory groups' parts (an alternation's part: the alternation of
    every branch's part, when each branch has one). ``whole``: the part is all of ``seq``, so a
    run around the group can go on through it ("s" + "(?:helled|truck)" is one run)."""
    best: tuple[str, int, bool] | None = None
    run: list[str] = []
    width = 0
    broken = False

    def keep(candidate):
        nonlocal best
        if candidate is not None and (best is None or candidate[1] > best[1]):
            best = candidate

    for item in seq:
        op, av = item
        part = None
        if op in (_C.LITERAL, _C.IN):
            emitted = _emit([item], ci)
            part = (emitted, 1, True) if _clean(emitted) else None
        elif op is _C.SUBPATTERN:
            _group, add, delete, sub = av
            part = _needed(sub, (ci or bool(add & _C.SRE_FLAG_IGNORECASE)) and not (delete & _C.SRE_FLAG_IGNORECASE))
        elif op is _C.BRANCH:
            parts = [_needed(branch, ci) for branch in av[1]]
            if all(p is not None for p in parts):
                part = ("(?:" + "|".join(p[0] for p in parts) + ")", min(p[1] for p in parts), all(p[2] for p in parts))
        elif (op in (_C.MAX_REPEAT, _C.MIN_REPEAT) or op is getattr(_C, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
            inner = _needed(av[2], ci)
            part = None if inner is None else (inner[0], inner[1], inner[2] and av[0] == av[1] == 1)
        if part is not None and part[2]:
            run.append(part[0])  # an alternation's part is already a group
            width += part[1]
            continue
        keep(("".join(run), width, False) if run else None)
        keep(part and (part[0], part[1], False))
        run, width, broken = [], 0, True
    if run:
        keep(("".join(run), width, not broken))
    return best


@lru_cache(maxsize=512)
def _core(pattern: str, flags: int) -> str | None:
    try:
        found = _needed(_P.parse(pattern, flags), bool(flags & re.IGNORECASE))
    except (_Untranslatable, re.error, RecursionError, TypeError, AttributeError):
        return None
    return found[0] if found is not None and found[1] > 2 else None


def core(rx: re.Pattern) -> str | None:
    """An RE2 pattern for one part that every match of ``rx`` must contain (its widest run
    of literal characters, small classes and whole groups, or mandatory group, without wildcards, e.g. the verb of
    "<noun phrase> <verb>"; an alternation's part is the alternation of its branches'
    parts), or None when no such part is three characters or more. A necessary condition like :func:`superset`,
    but a much smaller automaton: :meth:`TextBatch.masks` scans every text with
    the cores first and the full supersets only on the few texts that pass.

    >>> core(re.compile(r"[A-Z]\\w+\\s+(?:shelled|struck)")), core(re.compile(r"(?:pseudo|sham)referendums?|plebiscites?"))
    ('s(?:helled|truck)', '(?:(?:pseudo|sham)referendum|plebiscite)')
    """
    if not isinstance(rx, re.Pattern) or not isinstance(rx.pattern, str):
        return None
    return _core(rx.pattern, int(rx.flags) & (re.IGNORECASE | re.DOTALL | re.MULTILINE | re.VERBOSE | re.ASCII))


def union(patterns: Sequence[re.Pattern | None]) -> str | None:
    """RE2 superset of several patterns (any of them), None if any is untranslatable."""
    parts = []
    for rx in patterns:
        if rx is None:
            continue
        sup = superset(rx)
        if sup is None:
            return None
        parts.append(sup)
    if not parts:
        return "(?:\\x{0}[^\\x{0}-\\x{10ffff}])"  # matches nothing
    return "|".join(f"(?:{p})" for p in parts)


class TextBatch:
    """A list of texts converted once to an Arrow array for RE2 filtering.

    ``mask(rx)`` is a boolean array: False only where ``rx`` cannot match.
    Missing / non-string texts get False (callers skip them anyway).
    """

    def __init__(self, texts: Sequence):
        self.n = len(texts)
        self.valid = np.fromiter(map(isinstance, texts, repeat(str)), dtype=bool, count=self.n)
        self._array = None
        try:
            import pyarrow as pa

            # all strings (the usual case): converted as they are, without a cleaned copy
            strings = texts if isinstance(texts, list) and self.valid.all() else [t if isinstance(t, str) else None for t in texts]
            self._array = pa.array(strings, type=pa.large_string())
        except Exception:  # no pyarrow, lone surrogates, ...: no filtering
            self._array = None
        self._texts = texts
        self._joined: tuple[bytes, tuple] | None = None

    def subset(self, idx: np.ndarray) -> TextBatch:
        """The texts at positions ``idx`` (no new conversion)."""
        sub = TextBatch.__new__(TextBatch)
        sub.n = len(idx)
        sub.valid = self.valid[idx]
        sub._array = None
        sub._texts = [self._texts[i] for i in idx]
        sub._joined = None
        if self._array is not None:
            import pyarrow as pa

            sub._array = self._array.take(pa.array(np.asarray(idx, dtype=np.int64)))
        return sub

    def mask_for(self, pattern: str | None, *, dense: bool = False) -> np.ndarray:
        """False where ``pattern`` (an RE2 pattern without ``\\A``/``\\z``) cannot match. Compiled once
        (:func:`compiled_re2`), one call per text it matches in; ``dense``: most texts are expected
        to match, so ``pyarrow.compute``'s one call over every text is cheaper."""
        if self._array is None or pattern is None or self.n == 0:
            return self.valid.copy()
        rx = None if dense or "\\A" in pattern or "\\z" in pattern else compiled_re2("(?m)" + pattern)
        if rx is not None:
            return self._hits(rx) & self.valid
        import pyarrow.compute as pc

        try:
            hit = pc.match_substring_regex(self._array, pattern)
        except Exception:  # RE2 refused the pattern (too big...): no filtering
            return self.valid.copy()
        return hit.fill_null(False).to_numpy(zero_copy_only=False).astype(bool) & self.valid

    def _hits(self, rx) -> np.ndarray:
        """Texts where the compiled ``(?m)``-pattern ``rx`` matches: one ``Match`` call per text it
        matches in, over the texts joined at newlines (:func:`re2_text_hits`). In multi-line mode
        ``^``/``$`` (the only anchors of :func:`superset` patterns) hold at each text's ends, as in
        the text alone, and also at a newline inside a text: a superset, never fewer texts."""
        if self._joined is None:
            data, *bounds = joined_utf8(self._texts, b"\n")
            self._joined = (data, tuple(bounds))
        data, bounds = self._joined
        out = np.zeros(self.n, dtype=bool)
        out[re2_text_hits(rx, data, *bounds, first_only=True)] = True
        return out

    def mask(self, *patterns: re.Pattern | None, dense: bool = False) -> np.ndarray:
        return self.mask_for(union(patterns), dense=dense)

    def masks(self, patterns: Sequence[re.Pattern | None], *, dense: bool = True) -> list[np.ndarray]:
        """``[self.mask(rx) for rx in patterns]``, or a superset of it (see :meth:`group_masks`)."""
        return self.group_masks([(rx,) for rx in patterns], dense=dense)

    def group_masks(self, groups: Sequence[Sequence[re.Pattern | None]], *,
                    one_scan: bool = False, dense: bool = True) -> list[np.ndarray]:
        """``[self.mask(*group) for group in groups]``, or a superset of it: one pass with the
        union of every pattern's :func:`core` first, then each group's full superset only on
        the texts that pass (False still means "cannot match"). ``one_scan``: every group in one
        scan of each of those texts (an RE2::Set, :func:`compiled_set`), for groups of word lists
        such as the labels' terms; groups with wildcards and word runs (agency's rules) make the
        Set's automaton explode, so one pass per group is the default. ``dense``: the cores' pass
        as :meth:`mask_for` ``dense=`` (many texts pass it, as 41% of the bench's sentences pass the
        labels' cores); False when few do (7% pass agency's): one call per passing text of an
        automaton kept across calls then costs less than ``pyarrow.compute`` compiling it each time.

        >>> batch = TextBatch(["Kyiv said", "Kiev said", "nothing"])
        >>> [m.tolist() for m in batch.group_masks([[re.compile("Kyiv")], [re.compile("Kiev"), re.compile("Kyiv")]])]
        [[True, False, False], [True, True, False]]
        """
        cores = [core(rx) for group in groups for rx in group if rx is not None]
        if self._array is None or len(groups) < 2 or any(c is None for c in cores):
            return [self.mask(*group) for group in groups]
        idx = np.flatnonzero(self.mask_for("|".join(f"(?:{c})" for c in cores), dense=dense))
        supersets = tuple(union(group) for group in groups) if one_scan else (None,)
        found = None if None in supersets else compiled_set(supersets)
        if found is not None:
            return self._set_masks(found, idx, len(groups))
        sub = self.subset(idx)
        out = []
        for group in groups:
            m = np.zeros(self.n, dtype=bool)
            m[idx] = sub.mask(*group)
            out.append(m)
        return out

    def _set_masks(self, found, idx: np.ndarray, n_groups: int) -> list[np.ndarray]:
        """Each group's mask from one scan of each text at ``idx`` by the RE2::Set ``found``
        (:func:`compiled_set` of the groups' supersets): what each superset answers on the text alone,
        as ``pyarrow.compute`` answers; a text the Set could not scan may hold every group. One scan
        per text instead of one per group (the labels' 42 terms)."""
        match, texts = found.Match, self._texts
        rows: list[int] = []
        cols: list[int] = []
        unscanned: list[int] = []
        for k in idx.tolist():
            hits = match(texts[k].encode("utf-8"))
            if not hits:  # the automaton ran out of memory (the empty pattern always matches)
                unscanned.append(k)
            rows.extend(hits)
            cols.extend([k] * len(hits))
        out = np.zeros((n_groups + 1, self.n), dtype=bool)
        out[rows, cols] = True
        out[:, unscanned] = True
        return list(out[1:] & self.valid)


# --------------------------------------------------------------------------- barriers
_BARRIER_CANDIDATES = ".,;:!?()[]{}\"\u201c\u201d\u00ab\u00bb|/\u2026"


def _atoms(seq, ci, out, in_look=False):
    for op, av in seq:
        if op in (_C.LITERAL, _C.NOT_LITERAL, _C.ANY, _C.IN):
            out.append((op, av, ci))
        elif op is _C.BRANCH:
            for b in av[1]:
                _atoms(b, ci, out, in_look)
        elif op is _C.SUBPATTERN:
            _group, add, delete, sub = av
            _atoms(sub, (ci or bool(add & _C.SRE_FLAG_IGNORECASE)) and not (delete & _C.SRE_FLAG_IGNORECASE), out, in_look)
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) or op is getattr(_C, "POSSESSIVE_REPEAT", None):
            _atoms(av[2], ci, out, in_look)
        elif op is getattr(_C, "ATOMIC_GROUP", None):
            _atoms(av, ci, out, in_look)
        elif op in (_C.ASSERT, _C.ASSERT_NOT):
            _atoms(av[1], ci, out, True)
        elif op is _C.AT:
            if av not in (_C.AT_BOUNDARY, _C.AT_NON_BOUNDARY, _C.AT_UNI_BOUNDARY, _C.AT_UNI_NON_BOUNDARY):
                raise _Untranslatable("anchor")
        else:
            raise _Untranslatable(str(op))


def _atom_matches(op, av, ci, ch: str) -> bool:
    if op is _C.ANY:
        return ch != "\n"
    if op is _C.NOT_LITERAL:
        return ord(ch) != av
    if op is _C.LITERAL:
        return re.fullmatch(re.escape(chr(av)), ch, re.IGNORECASE if ci else 0) is not None
    # IN: rebuild the class and ask Python itself
    parts = []
    negate = False
    for iop, iav in av:
        if iop is _C.NEGATE:
            negate = True
        elif iop is _C.LITERAL:
            parts.append(re.escape(chr(iav)))
        elif iop is _C.RANGE:
            parts.append(re.escape(chr(iav[0])) + "-" + re.escape(chr(iav[1])))
        elif iop is _C.CATEGORY:
            name = str(iav).upper()
            parts.append({"DIGIT": r"\d", "NOT_DIGIT": r"\D", "SPACE": r"\s", "NOT_SPACE": r"\S", "WORD": r"\w",
                          "NOT_WORD": r"\W"}.get(name.replace("CATEGORY_", "").replace("UNI_", ""), r"\s\S"))
        else:
            return True
    cls = "[" + ("^" if negate else "") + "".join(parts) + "]"
    return re.fullmatch(cls, ch, re.IGNORECASE if ci else 0) is not None


@lru_cache(maxsize=64)
def _barriers(keys: tuple[tuple[str, int], ...]) -> str:
    atoms: list = []
    try:
        for pattern, flags in keys:
            parsed = _P.parse(pattern, flags)
            lo, _hi = parsed.getwidth()
            if lo == 0:
                return ""  # a pattern that can match the empty string: no safe cut
            _atoms(parsed, bool(flags & re.IGNORECASE), atoms)
    except (_Untranslatable, re.error, RecursionError):
        return ""
    return "".join(ch for ch in _BARRIER_CANDIDATES
                   if not any(_atom_matches(op, av, ci, ch) for op, av, ci in atoms))


def barrier_chars(patterns: Iterable[re.Pattern | None]) -> str:
    """Punctuation characters that none of ``patterns`` can match, look at in a
    look-around, or meet with an anchor other than ``\\b``. Cutting a text at
    such characters cannot change the matches: each match lies inside one piece
    and the look-arounds see a piece's edge exactly as they saw the cut
    character (a non-word character). Empty when nothing is safe.
    """
    keys = tuple((rx.pattern, int(rx.flags)) for rx in patterns if rx is not None)
    if not keys:
        return ""
    return _barriers(keys)


@lru_cache(maxsize=512)
def _min_width(pattern: str, flags: int) -> int:
    try:
        return int(_P.parse(pattern, flags).getwidth()[0])
    except (re.error, RecursionError):
        return 0


def min_width(rx: re.Pattern) -> int:
    """The fewest characters a match of ``rx`` consumes (0 when unknown).

    >>> min_width(re.compile(r"costs?")), min_width(re.compile(r"\\w*"))
    (4, 0)
    """
    return _min_width(rx.pattern, int(rx.flags)) if isinstance(rx.pattern, str) else 0


@lru_cache(maxsize=16)
def _splitter(chars: str) -> re.Pattern:
    return re.compile("[" + re.escape(chars) + "]+")


def segments(texts: Sequence[str], chars: str) -> tuple[list[str], np.ndarray]:
    """Cut every text at ``chars`` (see :func:`barrier_chars`).

    Returns (pieces, owner) where ``owner[i]`` is the index of the text piece
    ``i`` came from. Without barrier characters each text is one piece.
    """
    if not chars:
        pieces = [t if isinstance(t, str) else "" for t in texts]
        return pieces, np.arange(len(pieces))
    split = _splitter(chars).split
    pieces: list[str] = []
    counts = np.zeros(len(texts), dtype=np.int64)
    for i, t in enumerate(texts):
        parts = split(t) if isinstance(t, str) else [""]
        pieces.extend(parts)
        counts[i] = len(parts)
    return pieces, np.repeat(np.arange(len(texts)), counts)


# --------------------------------------------------------------------------- case folding
_NONASCII = re.compile(r"[^\x00-\x7f]")
_ESCAPED_CHAR = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")


@lru_cache(maxsize=4096)
def _uncased(ch: str) -> bool:
    return ch.lower() == ch and ch.upper() == ch


def lowerable(text: str) -> bool:
    """True when every non-ASCII character of ``text`` is uncased, so that
    ``text.lower()`` only lower-cases ASCII letters (same length, same
    positions) and no character of it is ``re.IGNORECASE``-equal to an ASCII
    letter it is not (those - dotless i, long s, Kelvin sign - are cased)."""
    return text.isascii() or all(_uncased(c) for c in set(_NONASCII.findall(text)))


def _ranges_ok(seq) -> bool:
    """No class range that mixes letters with other characters or cases ([A-z])."""
    for op, av in seq:
        if op is _C.IN:
            for iop, iav in av:
                if iop is _C.RANGE:
                    chars = "".join(map(chr, range(iav[0], min(iav[1], iav[0] + 0x3000) + 1)))
                    letters = [c for c in chars if not _uncased(c)]
                    if letters and not (chars.isascii() and (chars.islower() or chars.isupper()) and chars.isalpha()):
                        return False
        elif op is _C.BRANCH:
            if not all(_ranges_ok(b) for b in av[1]):
                return False
        elif op is _C.SUBPATTERN:
            if not _ranges_ok(av[3]):
                return False
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) or op is getattr(_C, "POSSESSIVE_REPEAT", None):
            if not _ranges_ok(av[2]):
                return False
        elif op in (_C.ASSERT, _C.ASSERT_NOT):
            if not _ranges_ok(av[1]):
                return False
        elif op is getattr(_C, "ATOMIC_GROUP", None):  # noqa: SIM102 - same shape as the sibling elif branches
            if not _ranges_ok(av):
                return False
    return True


@lru_cache(maxsize=512)
def _lowered(pattern: str, flags: int) -> re.Pattern | None:
    if not lowerable(pattern) or re.search(r"\\[A-Z]|\(\?[A-Za-z]|\\[0-7]", pattern):
        return None
    try:
        if not _ranges_ok(_P.parse(pattern, flags)):
            return None  # a range such as [A-z] would change meaning
    except (re.error, RecursionError):
        return None
    for m in _ESCAPED_CHAR.finditer(pattern):
        ch = chr(int(next(g for g in m.groups() if g), 16))
        if not _uncased(ch):
            return None
    try:
        return re.compile(pattern.lower(), flags & ~re.IGNORECASE)
    except re.error:
        return None


def lowered_pattern(rx: re.Pattern | None) -> re.Pattern | None:
    """A case-sensitive twin of a case-insensitive ASCII pattern, for
    lower-cased :func:`lowerable` text: ``lowered.finditer(text.lower())`` gives
    the same spans as ``rx.finditer(text)`` about 2.5 times faster (Python's
    ``re`` folds case character by character). None when ``rx`` is not
    case-insensitive or holds anything whose meaning lower-casing could change
    (upper-case escapes, inline flags, letter ranges other than a-z / A-Z,
    escaped cased characters).

    >>> lowered_pattern(re.compile("Kyiv|KIEV", re.IGNORECASE)).pattern
    'kyiv|kiev'
    """
    if rx is None or not rx.flags & re.IGNORECASE or not isinstance(rx.pattern, str):
        return None
    return _lowered(rx.pattern, int(rx.flags))
