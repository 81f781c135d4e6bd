"""Exact match counts of lexicon patterns with RE2, over a whole column of texts at once.

:func:`~analysis.framing._lexicon.count_matrix` counts the non-overlapping matches of a lexicon
pattern set, ``(?<![\\w\\-])(?:...)(?:['’]s?)?(?![\\w])`` (see
:func:`~analysis.framing._lexicon.compile_patterns`), in every article. Python's ``re`` scans a few
MB/s; ``pyarrow.compute.count_substring_regex`` (RE2, hundreds of MB/s) counts whole columns.
The patterns are compiled once per process by google-re2 (the binding of RE2 itself), whose
automaton then serves every chunk; ``pyarrow.compute`` counts without it. RE2 has no look-arounds and other Unicode rules, so :func:`exact_form` rewrites a pattern into an
RE2 pattern with *the same matches in the same order* on the texts :func:`subject` prepares, or
gives up (the caller then counts with Python):

* The look-behind becomes a consumed guard ``[^\\w\\-]`` (every text starts with a space,
  :func:`subject`). A match starting with a word character then counts as in Python: the
  character before it cannot belong to the match before, which ends before a character that is
  no word character. An alternative starting otherwise (``\\$\\s?\\d+``) could start right where
  the previous match ends, whose last character RE2 has consumed; Python then counts it if that
  character is no word character or hyphen. :attr:`Re2Form.lead` and :attr:`Re2Form.after` list
  such first and last characters: texts where one of ``after`` stands right before one of
  ``lead`` take the Python path.
* The look-ahead ``(?![\\w])`` becomes ``\\b`` after a word character and ``\\B`` after any other;
  where the last character can be either, the suffix is distributed over the alternation before
  it (``(a|b)S`` = ``(aS|bS)``, ``(x)?S`` = ``(xS|S)``: same leftmost-first order).
* A case-insensitive regex is written in lower case and counted in the ASCII-lower-cased column
  (``pyarrow.compute.ascii_lower``; RE2's case folding costs time in every automaton it builds).
* ``\\s`` is written out as the characters Python's ``\\s`` matches; RE2's ``\\w``, ``\\d`` and
  ``\\b`` are ASCII, so :func:`subject` replaces every non-ASCII word character of a text by
  ``_``, which every translated atom treats exactly as it treats that character (patterns with a
  literal ``_``, non-ASCII word characters or cased non-ASCII characters are not translated).
  Texts with a character ``re.IGNORECASE`` equates with an ASCII letter (Kelvin sign, long s,
  dotless i), a non-ASCII decimal digit or a lone surrogate are left to Python.

Leftmost-first alternation (RE2's default) picks among the same candidates in the same order as
Python's backtracking for patterns without look-arounds, back-references or possessive/atomic
parts, so the matches agree one by one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from analysis.framing._prefilter import (
    _C,
    _NONASCII,
    _P,
    _nonascii_casefolds,
    _python_spaces,
    _re2_binding,
    _uncased,
    compiled_re2,
    compiled_set,
    joined_utf8,
    re2_text_hits,
)

__all__ = ["Re2Form", "exact_form", "subject", "count_column", "re2_counts"]

_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_W, _N, _E = "w", "n", "e"  # last/first character: a word character, any other, none (empty)


class _Untranslatable(Exception):
    pass


@dataclass(frozen=True)
class Re2Form:
    """An RE2 pattern counting exactly what a Python lexicon regex counts on :func:`subject` texts,
    except where a character of ``after`` (the characters other than word characters and hyphens
    a match may end with) stands right before one of ``lead`` (the characters other than word
    characters a match may start with; "" when every match starts with a word character)."""

    pattern: str
    lead: str
    after: str
    #: a case-insensitive regex, written in lower case for ASCII-lower-cased texts
    lowered: bool = False

    def inexact(self, text: str) -> bool:
        """Is ``text`` one of the few whose count RE2 may get wrong?

        >>> Re2Form("", "$", "’").inexact("costs’$5"), Re2Form("", "$", "’").inexact("costs $5")
        (True, False)
        """
        if not self.lead or not any(ch in text for ch in self.lead):
            return False
        return any(a + b in text for a in self.after for b in self.lead)


def _esc(ch: str) -> str:
    if ch in _ASCII_WORD:
        return ch
    return f"\\x{{{ord(ch):x}}}"


def _check_char(ch: str, ci: bool) -> str:
    """A pattern character RE2 can read as Python does on :func:`subject` texts."""
    if ch == "_" or (not ch.isascii() and (re.match(r"\w", ch) or (ci and not _uncased(ch)))):
        raise _Untranslatable(ch)
    return ch


def _lit(ch: str, ci: bool) -> str:
    """An RE2 literal; under IGNORECASE the lower-case letter, matched in ASCII-lower-cased text."""
    return _esc(ch.lower() if ci and ch.isascii() else ch)


def _spaces() -> list[str]:
    return list(_python_spaces())


def _class_chars(items, ci: bool) -> tuple[str, set[str]]:
    """(RE2 class body, kinds) of a class's members (no negation)."""
    body, kinds = [], set()
    for op, av in items:
        if op is _C.LITERAL:
            ch = _check_char(chr(av), ci)
            body.append(_lit(ch, ci))
            kinds.add(_W if ch in _ASCII_WORD else _N)
        elif op is _C.RANGE:
            lo, hi = av
            if hi - lo > 0x3000:
                raise _Untranslatable("range")
            chars = [chr(c) for c in range(lo, hi + 1)]
            for ch in chars:
                _check_char(ch, ci)
            if ci and any(ch.isascii() and ch.isalpha() for ch in chars) and not (
                    "".join(chars).isalpha() and "".join(chars).isascii()
                    and ("".join(chars).islower() or "".join(chars).isupper())):
                raise _Untranslatable("range mixing letters")  # [A-z]: case folding differs
            body.append(f"{_lit(chars[0], ci)}-{_lit(chars[-1], ci)}")
            kinds |= {_W if ch in _ASCII_WORD else _N for ch in chars}
        elif op is _C.CATEGORY:
            name = str(av).upper().replace("CATEGORY_", "").replace("UNI_", "")
            if name == "WORD":
                body.append("\\w")
                kinds.add(_W)
            elif name == "DIGIT":
                body.append("\\d")
                kinds.add(_W)
            elif name == "SPACE":
                body.extend(_esc(c) for c in _spaces())
                kinds.add(_N)
            elif name == "NOT_WORD":
                body.append("\\W")
                kinds.add(_N)
            elif name == "NOT_DIGIT":
                body.append("\\D")
                kinds |= {_W, _N}
            else:
                raise _Untranslatable(name)
        else:
            raise _Untranslatable(str(op))
    return "".join(body), kinds


def _atom(op, av, ci: bool) -> tuple[str, set[str]]:
    """(RE2, kinds) of a one-character atom."""
    if op is _C.LITERAL:
        ch = _check_char(chr(av), ci)
        return _lit(ch, ci), {_W if ch in _ASCII_WORD else _N}
    if op is _C.ANY:
        return "[^\\n]", {_W, _N}
    if op is _C.NOT_LITERAL:
        ch = _check_char(chr(av), ci)
        return f"[^{_lit(ch, ci)}]", {_W, _N}
    if op is _C.IN:
        if av and av[0][0] is _C.NEGATE:
            body, _kinds = _class_chars(av[1:], ci)
            return f"[^{body}]", {_W, _N}
        body, kinds = _class_chars(av, ci)
        return f"[{body}]", kinds
    raise _Untranslatable(str(op))


_ATOMS = (_C.LITERAL, _C.ANY, _C.NOT_LITERAL, _C.IN)
_REPEATS = (_C.MAX_REPEAT, _C.MIN_REPEAT)


def _plain_group(av) -> bool:
    _group, add, delete, _sub = av
    return not add and not delete


def _emit(seq, ci: bool) -> str:
    out = []
    for op, av in seq:
        if op in _ATOMS:
            out.append(_atom(op, av, ci)[0])
        elif op is _C.BRANCH:
            out.append("(?:" + "|".join(_emit(b, ci) for b in av[1]) + ")")
        elif op is _C.SUBPATTERN and _plain_group(av):
            out.append("(?:" + _emit(av[3], ci) + ")")
        elif op in _REPEATS:
            lo, hi, sub = av
            if lo > 1000 or (hi is not _C.MAXREPEAT and hi > 1000):
                raise _Untranslatable("repeat")
            count = ("*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}") if hi is _C.MAXREPEAT else \
                ("?" if (lo, hi) == (0, 1) else f"{{{lo}}}" if lo == hi else f"{{{lo},{hi}}}")
            out.append("(?:" + _emit(sub, ci) + ")" + count + ("?" if op is _C.MIN_REPEAT else ""))
        elif op is _C.AT and av in (_C.AT_BOUNDARY, _C.AT_NON_BOUNDARY, _C.AT_UNI_BOUNDARY, _C.AT_UNI_NON_BOUNDARY):
            out.append("\\b" if av in (_C.AT_BOUNDARY, _C.AT_UNI_BOUNDARY) else "\\B")
        else:  # anchors, look-arounds, back-references, possessive and atomic parts
            raise _Untranslatable(str(op))
    return "".join(out)


def _kinds(seq, ci: bool, *, last: bool) -> set[str]:
    """Kinds of the last (or first) character a match of ``seq`` consumes; ``_E``: it may consume none."""
    found: set[str] = set()
    for op, av in (reversed(seq) if last else seq):
        if op in _ATOMS:
            item = _atom(op, av, ci)[1]
        elif op is _C.BRANCH:
            item = set().union(*(_kinds(b, ci, last=last) for b in av[1]))
        elif op is _C.SUBPATTERN and _plain_group(av):
            item = _kinds(av[3], ci, last=last)
        elif op in _REPEATS:
            item = _kinds(av[2], ci, last=last) | ({_E} if av[0] == 0 else set())
        elif op is _C.AT:
            item = {_E}
        else:
            raise _Untranslatable(str(op))
        found |= item - {_E}
        if _E not in item:
            return found
    return found | {_E}


def _resolved(kinds: set[str], before: set[str]) -> set[str]:
    return (kinds - {_E}) | (before if _E in kinds else set())


def _with_end(seq, ci: bool, before: set[str]) -> str | None:
    """RE2 for ``seq`` followed by the look-ahead ``(?![\\w])``; ``before``: kinds of the character
    before ``seq``. None when the last character's kind cannot be settled."""
    kinds = _resolved(_kinds(seq, ci, last=True), before)
    if kinds == {_W}:
        return _emit(seq, ci) + "\\b"
    if kinds == {_N}:
        return _emit(seq, ci) + "\\B"
    for i in reversed(range(len(seq))):  # distribute the rest over an alternation
        op, av = seq[i]
        head, rest = seq[:i], list(seq[i + 1:])
        if op is _C.SUBPATTERN and _plain_group(av):
            return _with_end(list(head) + list(av[3]) + rest, ci, before)
        lead = _resolved(_kinds(head, ci, last=True), before)
        if op is _C.BRANCH:
            options = [_with_end(list(b) + rest, ci, lead) for b in av[1]]
        elif op in _REPEATS and (av[0], av[1]) == (0, 1):
            options = [_with_end(list(av[2]) + rest, ci, lead), _with_end(rest, ci, lead)]
            if op is _C.MIN_REPEAT:
                options.reverse()
        else:
            continue
        if all(o is not None for o in options):
            return _emit(head, ci) + "(?:" + "|".join(options) + ")"
    return None


def _nonword_chars(op, av) -> set[str]:
    """The characters other than word characters a one-character atom matches (finite sets only)."""
    if op is _C.LITERAL:
        ch = chr(av)
        return set() if ch in _ASCII_WORD else {ch}
    if op is not _C.IN or (av and av[0][0] is _C.NEGATE):
        raise _Untranslatable("an open class at the edge")
    out: set[str] = set()
    for iop, iav in av:
        if iop is _C.LITERAL or iop is _C.RANGE:
            lo, hi = (iav, iav) if iop is _C.LITERAL else iav
            out |= {chr(c) for c in range(lo, hi + 1) if chr(c) not in _ASCII_WORD}
        elif iop is _C.CATEGORY and str(iav).upper().endswith("SPACE") and "NOT" not in str(iav).upper():
            out |= set(_spaces())
        elif not (iop is _C.CATEGORY and str(iav).upper().replace("UNI_", "") in ("CATEGORY_WORD", "CATEGORY_DIGIT")):
            raise _Untranslatable("an open class at the edge")
    return out


def _edge_chars(seq, ci: bool, *, last: bool) -> set[str]:
    """Characters other than word characters a match of ``seq`` may start (or end) with."""
    out: set[str] = set()
    for op, av in (reversed(seq) if last else seq):
        if op in _ATOMS:
            return out | (_nonword_chars(op, av) if _N in _atom(op, av, ci)[1] else set())
        if op is _C.BRANCH:
            out |= set().union(*(_edge_chars(b, ci, last=last) for b in av[1]))
        elif op is _C.SUBPATTERN and _plain_group(av):
            out |= _edge_chars(av[3], ci, last=last)
        elif op in _REPEATS:
            out |= _edge_chars(av[2], ci, last=last)
        elif op is not _C.AT:
            raise _Untranslatable(str(op))
        if _E not in _kinds([(op, av)], ci, last=last):
            return out
    raise _Untranslatable("may match the empty string")


_LOOK_BEHIND = r"(?<![\w\-])"
_LOOK_AHEAD = r"(?![\w])"


@lru_cache(maxsize=512)
def _form(pattern: str, flags: int) -> Re2Form | None:
    if flags & ~(re.IGNORECASE | re.UNICODE) or not (pattern.startswith(_LOOK_BEHIND) and pattern.endswith(_LOOK_AHEAD)):
        return None
    ci = bool(flags & re.IGNORECASE)
    try:
        parsed = list(_P.parse(pattern, flags))
        body = parsed[1:-1]
        if str(_P.parse(pattern[:len(_LOOK_BEHIND)], flags)[0]) != str(parsed[0]):
            return None
        end = _with_end(body, ci, {_N})
        if end is None or _E in _kinds(body, ci, last=False):
            return None
        lead = _edge_chars(body, ci, last=False)
        after = _edge_chars(body, ci, last=True) - {"-"} if lead else set()
    except (_Untranslatable, re.error, RecursionError, TypeError, AttributeError, IndexError):
        return None
    return Re2Form(r"[^\w\-]" + end, "".join(sorted(lead)), "".join(sorted(after)), lowered=ci)


def exact_form(rx: re.Pattern | None) -> Re2Form | None:
    r"""The RE2 form of a lexicon regex (:func:`~analysis.framing._lexicon.compile_patterns`), or None.

    >>> from analysis.framing._lexicon import compile_patterns
    >>> form = exact_form(compile_patterns(("costs?", r"\$\d+"))[0])
    >>> form.lead, form.after, form.pattern.startswith(r"[^\w\-](?:cost"), form.lowered
    ('$', "'’", True, True)
    """
    if rx is None or not isinstance(rx.pattern, str):
        return None
    return _form(rx.pattern, int(rx.flags))


@lru_cache(maxsize=1)
def _left_to_python() -> tuple[re.Pattern, re.Pattern]:
    """Characters that send a text to Python: those ``re.IGNORECASE`` equates with an ASCII
    letter, non-ASCII decimal digits (Python's ``\\d``) and lone surrogates. Two classes: a
    quick one of the BMP characters plus every character beyond the BMP (sre scans it with a
    bitmap), and the exact one (slow: a list of ranges), asked only when the quick one finds one."""
    codes = np.concatenate([np.arange(0x80, 0xD800), np.arange(0xE000, 0x110000)]).astype("<u4")
    digits = re.findall(r"\d", codes.tobytes().decode("utf-32-le"))
    special = sorted(set("".join(_nonascii_casefolds().values())) | set(digits))
    quick = "".join(f"\\u{ord(c):04x}" for c in special if ord(c) < 0x10000)
    exact = "".join(f"\\U{ord(c):08x}" for c in special)
    return re.compile(f"[{quick}\\ud800-\\udfff\\U00010000-\\U0010ffff]"), re.compile(f"[{exact}\\ud800-\\udfff]")


_NONASCII_WORD = re.compile(r"[^\W\x00-\x7f]")


def subject(text) -> str | None:
    """``text`` as RE2 counts it: after a space (the guard of a match at the start), with every
    non-ASCII word character replaced by ``_``; None when the text needs Python (see the module
    docstring).

    >>> subject("Zelensky’s café"), subject("Kelvin \u212a") is None
    (' Zelensky’s caf_', True)
    """
    if not isinstance(text, str):
        return None
    if text.isascii():
        return " " + text
    # the text's few distinct non-ASCII characters (curly quotes, dashes, a few letters) are
    # checked one by one: sre's scans of the two big classes cost ~3x this one of [^\x00-\x7f]
    chars = set(_NONASCII.findall(text))
    quick, exact = _left_to_python()
    if any(quick.match(c) for c in chars) and exact.search(text):
        return None
    if len(chars) > 32:  # Cyrillic, CJK ...: one pass rather than one per character
        return " " + _NONASCII_WORD.sub("_", text)
    for c in chars:
        if c.isalnum():  # sre's \w: str.isalnum() or "_"
            text = text.replace(c, "_")
    return " " + text


class _Buffer:
    """:func:`subject` texts as one UTF-8 buffer (:func:`~analysis.framing._prefilter.joined_utf8`
    without separators: text ``j`` is ``data[lo[j]:hi[j]]``), its ASCII-lower-cased twin
    (``bytes.lower`` changes only ASCII letters, as ``ascii_lower``) and, for the patterns
    google-re2 cannot take, the Arrow array and its lower-cased twin."""

    def __init__(self, texts: Sequence[str]):
        self.texts = texts
        self.data, self.lo, _, self.hi = joined_utf8(texts)
        self._lowered: bytes | None = None
        self._arrow: dict = {}

    @property
    def lowered(self) -> bytes:
        if self._lowered is None:
            self._lowered = self.data.lower()
        return self._lowered

    def arrow(self, lowered: bool):
        if lowered not in self._arrow:
            import pyarrow as pa
            import pyarrow.compute as pc

            if False not in self._arrow:
                self._arrow[False] = pa.array(self.texts, type=pa.large_string())
            if lowered:
                self._arrow[True] = pc.ascii_lower(self._arrow[False])
        return self._arrow[lowered]


@lru_cache(maxsize=512)
def _lazy_prefixed(pattern: str):
    """``(?s:.)*?(?:pattern)`` compiled (:func:`~analysis.framing._prefilter.compiled_re2`), or None
    when RE2 refuses it or ``pattern`` alone (which the wrapping could make valid: ``a)|(b``). The
    pattern alone is compiled only for that check, once, and not kept."""
    binding = _re2_binding()
    if binding is None:
        return None
    if not binding.regex(pattern.encode("utf-8"), binding.options).ok():
        return None
    return compiled_re2(f"(?s:.)*?(?:{pattern})")


def _count_buffer(pattern: str, buffer: _Buffer, data: bytes, any_match: bool,
                  present: np.ndarray | None = None) -> np.ndarray | None:
    """Matches of the RE2 ``pattern`` in each text of ``buffer``, as RE2 counts them in each text alone (see
    :func:`~analysis.framing._prefilter.re2_text_hits`): a form's matches start with a consumed
    guard, and a text's last character and the next text's leading space are both non-word
    characters to ``\\b``. None when RE2 refuses the pattern.

    Counting searches each text's region alone, anchored at the search position with a lazy
    ``(?s:.)*?`` in front of the pattern: leftmost-first, its match ends where the pattern's next
    match ends, and RE2 no longer runs its reverse automaton to find where that match starts (one
    forward scan per match instead of two). A region searched alone gives the matches
    ``re2_text_hits`` keeps: RE2 reads the characters around a region as its assertions' context, so a
    match inside the region is a match of the whole buffer, and the buffer's leftmost match, when it runs
    past the text, is searched again within the text. The match is empty only where it ends at the
    search position (the lazy prefix is tried empty first), and then the search moves on by one byte
    as there (a form's match is never empty: it consumes its guard).

    ``present`` (:func:`_presence`): the texts where the pattern matches at all; the others count 0
    and are not searched.
    """
    if present is not None and any_match:
        return present.astype(np.int64)
    if any_match:
        rx = compiled_re2(pattern)
        if rx is None:
            return None
        hits = re2_text_hits(rx, data, buffer.lo, buffer.lo, buffer.hi, first_only=True)
        return np.bincount(np.asarray(hits, dtype=np.int64), minlength=len(buffer.lo)).astype(np.int64)
    rx = _lazy_prefixed(pattern)
    if rx is None:
        return None
    match, anchored = rx.Match, type(rx).Anchor.ANCHOR_START
    counts = np.zeros(len(buffer.lo), dtype=np.int64)
    lo, his = buffer.lo, buffer.hi
    for j in (range(len(lo)) if present is None else np.flatnonzero(present).tolist()):
        pos, hi = lo[j], his[j]
        n = 0
        while pos <= hi:
            end = match(anchored, data, pos, hi)[0][1]
            if end < 0:
                break
            n += 1
            pos = end + (end == pos)
        counts[j] = n
    return counts


def _presence(buffer: _Buffer, forms: Sequence[Re2Form | None]) -> list[np.ndarray | None]:
    """For each form, does it match in each text of ``buffer`` at all (bool), or None (not asked).
    The forms counted in the same column (lower-cased or not) are asked together, in one scan of each
    text by an RE2::Set (:func:`~analysis.framing._prefilter.compiled_set`), where there are at least
    two of them: a text's first match is found in it alone as in the buffer (it starts with the guard
    the text's leading space or a later character gives, and the character after the text, the next
    text's leading space or none, is no word character to ``\\b`` either way). None for all of a
    column's forms when the Set is refused or runs out of memory (its empty pattern then goes missing).

    >>> from analysis.framing._lexicon import compile_patterns
    >>> forms = [exact_form(compile_patterns((word,))[0]) for word in ("kiev", "kyiv")]
    >>> [p.tolist() for p in _presence(_Buffer([" Kiev", " kyiv.", " Kievan"]), forms)]
    [[True, False, False], [False, True, False]]
    """
    present: list[np.ndarray | None] = [None] * len(forms)
    for lowered in (True, False):
        asked = [k for k, form in enumerate(forms) if form is not None and form.lowered == lowered]
        if len(asked) < 2:  # one form: its own count (or first-match) pass costs no more
            continue
        found = compiled_set(tuple(forms[k].pattern for k in asked))
        if found is None:
            continue
        data = buffer.lowered if lowered else buffer.data
        hits = np.zeros((len(asked) + 1, len(buffer.lo)), dtype=bool)
        for j, (lo, hi) in enumerate(zip(buffer.lo, buffer.hi)):
            hits[found.Match(data[lo:hi]), j] = True
        if not hits[0].all():  # the Set's automaton ran out of memory on some text
            continue
        for row, k in enumerate(asked, start=1):
            present[k] = hits[row]
    return present


def count_column(texts, forms: Sequence[Re2Form | None], *, any_match: bool | Sequence[bool] = False,
                 present: Sequence[np.ndarray | None] | None = None) -> list[np.ndarray | None]:
    """Counts of each form in every one of ``texts`` (:func:`subject` texts) (None for an
    untranslated form or one RE2 refuses); exact except in the texts :meth:`Re2Form.inexact` names.
    ``any_match``: 1 where the form matches at all, else 0 - exact in every text (the first match of
    a text is never right after another one), and RE2 stops at it. Each pattern is compiled once
    (google-re2, :func:`~analysis.framing._prefilter.compiled_re2`); without the binding ``pyarrow.compute`` counts, compiling and
    building its automaton again on every call. ``any_match`` may also be given per form; ``present``
    (per form, as :func:`_presence` answers; asked here when not given): only the texts where a form
    matches at all are searched for it."""
    buffer = texts if isinstance(texts, _Buffer) else _Buffer(list(texts))
    flags = [any_match] * len(forms) if isinstance(any_match, bool) else [bool(a) for a in any_match]
    if present is None:
        present = _presence(buffer, forms)
    out: list[np.ndarray | None] = []
    for form, any_match, known in zip(forms, flags, present):
        if form is None:
            out.append(None)
            continue
        counts = _count_buffer(form.pattern, buffer, buffer.lowered if form.lowered else buffer.data, any_match,
                               known)
        if counts is not None:
            out.append(counts)
            continue
        import pyarrow.compute as pc

        kernel = pc.match_substring_regex if any_match else pc.count_substring_regex
        try:
            counts = kernel(buffer.arrow(form.lowered), form.pattern)
        except Exception:  # RE2 refused the pattern (too big ...)
            out.append(None)
            continue
        out.append(counts.fill_null(False if any_match else 0).to_numpy(zero_copy_only=False).astype(np.int64))
    return out


def re2_counts(texts: Sequence[str], compiled: Sequence[tuple[re.Pattern | None, re.Pattern | None]], *,
               at_least: Sequence[int] | None = None):
    """Counts of every (case-insensitive, case-sensitive) regex pair in every text, as far as RE2 can
    count them exactly, and what is left: ``(out, left)`` with ``out`` int64 (len(texts), len(compiled))
    and ``left`` a list of (text rows, set columns) blocks whose counts the caller must fill in.
    ``at_least`` (one number per pair): ``out`` says instead whether the count reaches it (bool).

    >>> from analysis.framing._lexicon import compile_patterns
    >>> sets = [compile_patterns(("kiev",)), compile_patterns(("costs?", r"\\$\\d"))]
    >>> out, left = re2_counts(["Kiev, Kiev.", "costs’$5", "costs $5", "\u212aiev"], sets)
    >>> out.tolist(), [(rows.tolist(), sets) for rows, sets in left]
    ([[2, 0], [0, 0], [0, 2], [0, 0]], [([3], [0, 1]), ([1], [1])])
    >>> re2_counts(["Kiev, Kiev.", "costs’$5", "costs $5", "\u212aiev"], sets, at_least=[2, 1])[0].tolist()
    [[True, False], [False, True], [False, True], [False, False]]
    """
    out = np.zeros((len(texts), len(compiled)), dtype=np.int64)
    subjects = [subject(t) for t in texts]
    rows = np.array([i for i, s in enumerate(subjects) if s is not None], dtype=np.int64)
    python_rows = np.array([i for i, s in enumerate(subjects) if s is None], dtype=np.int64)
    left: list[tuple[np.ndarray, list[int]]] = [(python_rows, list(range(len(compiled))))]
    try:
        import pyarrow  # noqa: F401  (RE2's fallback, a core dependency)
    except Exception:  # no pyarrow: everything in Python
        left = [(np.arange(len(texts)), list(range(len(compiled))))]
        return (out if at_least is None else out.astype(bool)), left
    buffer = _Buffer([subjects[i] for i in rows]) if len(rows) else None
    untranslated: list[int] = []
    forms_of = [[exact_form(rx) for rx in pair if rx is not None] for pair in compiled]
    translated = [all(f is not None for f in forms) for forms in forms_of]
    flat = [form for forms, ok in zip(forms_of, translated) if ok for form in forms]
    first_match = [at_least is not None and at_least[j] == 1 for j in range(len(compiled))]
    flags = [first_match[j] for j, forms in enumerate(forms_of) if translated[j] for _form in forms]
    # every pair's forms counted together: one RE2::Set scan tells where each matches at all
    counts_of = iter(count_column(buffer, flat, any_match=flags) if buffer is not None and flat else [])
    for j, forms in enumerate(forms_of):
        counts = [next(counts_of) for _form in forms] if buffer is not None and translated[j] else []
        if not translated[j] or any(c is None for c in counts):
            untranslated.append(j)
            continue
        for c in counts:
            out[rows, j] += c
        if not first_match[j] and any(f.lead for f in forms):  # the few texts RE2 may miscount: Python counts them
            recount = rows[[any(f.inexact(subjects[i]) for f in forms) for i in rows]] if len(rows) else rows
            out[recount, j] = 0
            left.append((recount, [j]))
    if untranslated:
        left.append((rows, untranslated))
    if at_least is not None:
        out = out >= np.asarray(at_least, dtype=np.int64)[None, :] if len(compiled) else out.astype(bool)
    return out, left
