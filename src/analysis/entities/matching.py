"""Mentions: the gazetteer lookup (a token trie matched longest-first), nested references, and
the :func:`mentions` entry that adds discovery and the Russian/Ukrainian path (see
:mod:`analysis.entities`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import accumulate

import numpy as np
import pandas as pd

from analysis._gc import gc_paused
from analysis.entities.discovery import _discover_fast, _slug
from analysis.entities.gazetteer import _QUOTE_MAP, MENTION_COLUMNS, Gazetteer, load_gazetteer
from analysis.entities.wordruns import NOTHING, discovery_words

# --------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------

def _lookup(node: dict, tok: str):
    child = node.get(tok)
    if child is None and len(tok) >= 4 and tok.isupper():  # "MINSK (BelTA)", "PUTIN SAYS"
        child = node.get(tok.capitalize())
    return child


def _match(trie: dict, toks: list[tuple[str, int, int]], text: str = "") -> list[tuple[int, int, list]]:
    """Longest non-overlapping matches: (first token, last token + 1, candidates).

    A match may not run into a word: "U.S." in "U.S.C." is no match.
    """
    out = []
    i, n = 0, len(toks)
    while i < n:
        node = _lookup(trie, toks[i][0])
        if node is None:
            i += 1
            continue
        best = None
        j = i
        while node is not None:
            if None in node:
                end_char = toks[j][2]
                if not (text and text[end_char:end_char + 1].isalnum() and not text[end_char - 1:end_char].isalnum()):
                    best = (j + 1, node[None])
            j += 1
            if j >= n:
                break
            node = _lookup(node, toks[j][0])
        if best is None:
            i += 1
            continue
        end, cands = best
        out.append((i, end, cands))
        i = end
    return out


def _is_word_char(c: str) -> bool:
    r"""``re``'s ``\w`` for one character: alphanumeric or underscore."""
    return c.isalnum() or c == "_"


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation over ``words``, factored by prefix so that Python's
    backtracking engine tries a handful of branches per position instead of
    every word (the idea of the Aho-Corasick automaton, Aho & Corasick 1975)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and len(alts[0]) == 1 else "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return emit(trie)


_NEXT_TOKEN = re.compile(r"\s*(\w+|[^\w\s])")


class _Matcher:
    """Longest-match lookup of the name and nested tries, driven by regexes.

    Gives exactly the matches of tokenising each sentence and walking a trie
    from every token (:func:`_match`), but visits only tokens that can open an
    alias. Candidates come from three scans that keep Python's ``re`` on its
    fast paths (a literal first character): (1) a prefix-factored alternation
    of the first tokens that do not start lower-case, (2) any all-capitals token
    of four or more characters (the "MINSK" fallback of :func:`_lookup`), and
    (3) lower-case first tokens ("the", "special") together with their possible
    second tokens, so that the frequent "the" is visited only before "Kremlin",
    "Russian"... The walk from a candidate reads the next tokens on demand. Scan (3)
    runs where an RE2 pattern (its look-aheads matched as text) points, and only there.
    """

    def __init__(self, tries: tuple[dict, ...]):
        self.tries = tries
        roots = sorted({k for t in tries for k in t if k is not None})
        upper_roots = [k for k in roots if not k[:1].islower()]
        lower_roots = [k for k in roots if k[:1].islower()]
        # (pattern, offset of the token in the match)
        self.scans: list[tuple[re.Pattern, int]] = []
        if upper_roots:
            self.scans.append((re.compile(_trie_pattern(upper_roots) + r"(?!\w)"), 0))
            # all-capitals tokens whose capitalised form may be a key ("MINSK"): the key's first
            # character (or its upper case: "12TH" -> "12th") opens them
            firsts = sorted({k[0] for k in upper_roots} | {k[0].upper() for k in upper_roots})
            self.scans.append((re.compile("[" + "".join(re.escape(c) for c in firsts) + r"][^\Wa-z]{3,}+(?!\w)"), 0))
        self.lower_re2 = None
        if lower_roots:
            alts = []
            for k in lower_roots:
                nodes = [t[k] for t in tries if k in t]
                children = sorted({c for n in nodes for c in n if c is not None})
                if any(None in n for n in nodes) or not children or not all(c.isascii() for c in children):
                    alts.append(re.escape(k) + r"(?!\w)")
                    continue
                seconds = [r"\s+(?i:" + re.escape(c) + r")(?!\w)" if _is_word_char(c[0]) else r"\s*" + re.escape(c)
                           for c in children]
                alts.append(re.escape(k) + "(?=" + "|".join(seconds) + ")")
            body = "(?:" + "|".join(alts) + ")"
            # a character that may not be a word character first (all but ASCII letters, digits
            # and "_") keeps the scan on sre's fast path (a range-set prefix); candidates after a
            # non-ASCII word character are dropped in find_all; the very first token of the
            # joined text is tried with .match
            lower = "[\\x00-/:-@\\[-^`{-\\U0010ffff]" + body
            self.scans.append((re.compile(lower), 1))
            self.lower_head = re.compile(body)
            # sre still tries this scan at every space (0.17 of find_all's 0.7 CPU s on the bench):
            # RE2 finds where it may match, its look-aheads read as text to match ("the" only
            # before "Kremlin", "Russian" ...), and sre confirms there (:func:`_confirmed_starts`)
            from analysis.framing._prefilter import compiled_re2, superset

            widened = superset(lower.replace("(?=", "(?:"))
            self.lower_re2 = compiled_re2(widened) if widened else None
        else:
            self.lower_head = None

    def find_all(self, texts: list[str], *, nested: bool = True) -> list[tuple[list, list]]:
        """For each text: (name matches, nested matches), each a list of
        longest non-overlapping (start, end, candidates), offsets local.

        All texts are scanned and walked at once, joined by a NUL character:
        no token spans it and no alias contains it, so a walk stops there as
        at the end of a text, whatever the text holds.
        """
        if not texts:
            return []
        # texts without a match share one empty pair (read, never filled: a match gets its own)
        none: tuple[list, list] = ([], [])
        out: list[tuple[list, list]] = [none] * len(texts)
        joined = _SEPARATOR.join(texts)
        # each scan's candidates come in text order: sorting their concatenation merges a few
        # sorted runs (sorting them from a set took 0.08 CPU s of the bench's 0.85 s)
        found = []
        if self.lower_head is not None and self.lower_head.match(joined):
            found.append((0, _token_len(joined, 0)))
        for scan, shift in self.scans:
            if shift == 0:
                spans = [m.span() for m in scan.finditer(joined)]
                # drop matches inside a token (the scans carry no look-behind, to stay fast)
                found += [(a, b) for a, b in spans if not a or not ((c := joined[a - 1]).isalnum() or c == "_")]
            else:
                starts = _confirmed_starts(scan, self.lower_re2, joined) if self.lower_re2 is not None else None
                if starts is None:
                    starts = [m.start() for m in scan.finditer(joined)]
                found += [(a, a + _token_len(joined, a)) for a in [a + shift for a in starts]
                          if not ((c := joined[a - 1]).isalnum() or c == "_")]
        if not found:
            return out
        found.sort()
        cands = list(dict.fromkeys(found))  # a token two scans found, once
        bases = np.fromiter(accumulate((len(t) + 1 for t in texts), initial=0), dtype=np.int64, count=len(texts) + 1)
        for slot, trie in enumerate(self.tries[:2] if nested else self.tries[:1]):
            matches = _walk(trie, joined, cands)
            if not matches:
                continue
            owners = np.searchsorted(bases, [m[0] for m in matches], side="right") - 1
            for (a, b, found_ids), k, base in zip(matches, owners.tolist(), bases[owners].tolist()):
                if out[k] is none:
                    out[k] = ([], [])
                out[k][slot].append((a - base, b - base, found_ids))
        return out


def _confirmed_starts(scan: re.Pattern, rx, text: str) -> list[int] | None:
    r"""``[m.start() for m in scan.finditer(text)]`` for a ``scan`` whose matches are never empty,
    read only where ``rx`` (RE2, :func:`analysis.framing._prefilter.compiled_re2`) matches: ``rx``
    must match wherever ``scan`` does, from the same start. None when the text is no UTF-8 (lone
    surrogates).

    >>> from analysis.framing._prefilter import compiled_re2
    >>> _confirmed_starts(re.compile(r"the(?= Kremlin\b)"), compiled_re2("the Kremlin"), "the Kremlinology; the Kremlin")
    [18]
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    ascii_ = len(data) == len(text)  # then byte offsets are character offsets
    search, unanchored, match = rx.Match, type(rx).Anchor.UNANCHORED, scan.match
    out: list[int] = []
    at_byte = at = 0  # the same position in data and in text
    stop = len(data)
    while True:
        hit = search(unanchored, data, at_byte, stop)[0][0]
        if hit < 0:
            return out
        pos = hit if ascii_ else at + len(data[at_byte:hit].decode("utf-8"))
        m = match(text, pos)
        if m is None:  # not sre's match: go on from the next character, as finditer does
            nxt = pos + 1
        else:
            out.append(pos)
            nxt = m.end()
        at_byte = nxt if ascii_ else hit + len(text[pos:nxt].encode("utf-8"))
        at = nxt


#: Joins the texts of one scan (see :meth:`_Matcher.find_all`).
_SEPARATOR = "\x00"


_WORD_CHARS = re.compile(r"\w*")


def _token_len(text: str, start: int) -> int:
    return _WORD_CHARS.match(text, start).end() - start


_QUOTE_CHAR = {chr(k): v for k, v in _QUOTE_MAP.items()}


def _walk(trie: dict, text: str, cands: list[tuple[int, int]]) -> list[tuple[int, int, list]]:
    """Longest non-overlapping trie matches opening at the candidate tokens
    (the semantics of :func:`_match`, inlined: tokens are compared after the
    quote/dash folding of :data:`_QUOTE_MAP`, all-capitals tokens of four or
    more characters fall back to their capitalised form)."""
    res = []
    limit = 0
    nxt = _NEXT_TOKEN.match
    qmap = _QUOTE_CHAR
    for start, end in cands:
        if start < limit:
            continue
        tok = text[start:end]
        if "\u02bc" in tok:
            tok = tok.translate(_QUOTE_MAP)
        node = trie.get(tok)
        if node is None:
            if len(tok) >= 4 and tok.isupper():
                node = trie.get(tok.capitalize())
            if node is None:
                continue
        best = None
        while True:
            if None in node:
                if not (text[end:end + 1].isalnum() and not text[end - 1:end].isalnum()):
                    best = (end, node[None])
                if len(node) == 1:
                    break  # a leaf: no longer alias to try
            t = nxt(text, end)
            if t is None:
                break
            tok = t.group(1)
            if len(tok) == 1:
                tok = qmap.get(tok, tok)
            elif "\u02bc" in tok:
                tok = tok.translate(_QUOTE_MAP)
            child = node.get(tok)
            if child is None and len(tok) >= 4 and tok.isupper():
                child = node.get(tok.capitalize())
            if child is None:
                break
            node = child
            end = t.end()
        if best is not None:
            res.append((start, best[0], best[1]))
            limit = best[0]
    return res


def _sentences_of(frame: pd.DataFrame) -> pd.DataFrame:
    if "sentence_id" in frame.columns:
        return frame
    from analysis.text import sentences

    return sentences(frame)


def mentions(sentences: pd.DataFrame, *, gazetteer: Gazetteer | None = None, discover: bool = True,
             descriptions: bool = True, backend: str = "gazetteer", spacy_model: str = "en_core_web_sm") -> pd.DataFrame:
    """Entity mentions in a sentence table (or an articles table, split first).

    Parameters
    ----------
    sentences : DataFrame[article_id, sentence_id, start, text] as made by
        :func:`analysis.text.sentences`; an articles frame (article_id, text)
        is split into sentences first. Sentences whose ``lang`` is ``ru`` or
        ``uk`` go through :mod:`analysis.entities.cyrillic` (the ``ru``/``uk`` names
        of the gazetteer matched through pymorphy3 lemmas; discovery with
        natasha for Russian, capitalisation and cue words for Ukrainian).
    gazetteer : from :func:`load_gazetteer` (default: the shipped one).
    discover : also report capitalised names the gazetteer lacks
        (``method="discovered"``, entity_id ``new:<slug>``).
    descriptions : also report events and descriptive references ("the
        Russian President", "Russian forces") as nested mentions.
    backend : ``"gazetteer"`` (default, no extra dependencies) or ``"spacy"``
        (needs ``pip install 'war-coverage-analysis[spacy]'`` and a pipeline).

    Returns
    -------
    DataFrame[article_id, sentence_id, start, end, surface, entity_id, name,
    type, method] — ``start``/``end`` index the article text; ``method`` is
    gazetteer, metonym, short_form, description or discovered (spacy for
    that backend); type UNKNOWN marks a discovered name without a type cue.

    >>> import pandas as pd
    >>> m = mentions(pd.DataFrame({"article_id": [1], "text": ["The Kremlin said Ukrainian forces shelled Sudzha."]}))
    >>> m[["surface", "entity_id", "method"]].values.tolist()
    [['Kremlin', 'org:russian_government', 'metonym'], ['Ukrainian forces', 'unit:armed_forces_of_ukraine', 'description'], ['Sudzha', 'city:sudzha', 'gazetteer']]
    """
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    sents = _sentences_of(sentences)
    if backend == "spacy":
        return _spacy_mentions(sents, gaz, spacy_model)
    if backend != "gazetteer":
        raise ValueError(f"backend must be 'gazetteer' or 'spacy', got {backend!r}")
    for col in ("article_id", "sentence_id", "start", "text"):
        if col not in sents.columns:
            raise KeyError(f"mentions() needs column {col!r}; got {list(sents.columns)}")
    # matching allocates a few tuples per sentence (matches, words, rows): without the pause the
    # collector's passes over them took 9% of the stage (0.26 of 2.96 CPU s on the bench)
    with gc_paused():
        return _gazetteer_mentions(sents, gaz, discover=discover, descriptions=descriptions)


def _gazetteer_mentions(sents: pd.DataFrame, gaz: Gazetteer, *, discover: bool, descriptions: bool) -> pd.DataFrame:
    """:func:`mentions` of a sentence table with the default backend."""
    if "lang" in sents.columns:
        from analysis.entities import cyrillic as entities_cyr

        cyr = sents["lang"].isin(entities_cyr.LANGS).to_numpy()
        if cyr.any():
            # Russian and Ukrainian sentences: lemma-based matching of the Cyrillic names
            cyr_rows = entities_cyr.mentions_rows(sents[cyr], gaz, discover=discover)
            if cyr.all():
                return _frame(cyr_rows)
            # one frame, one stable sort: the rows come out as sorting each part first did
            return _frame(_latin_rows(sents[~cyr], gaz, discover=discover, descriptions=descriptions) + cyr_rows)
    return _frame(_latin_rows(sents, gaz, discover=discover, descriptions=descriptions))


def sentence_columns(sents: pd.DataFrame) -> tuple[list, list, list, list[str]]:
    """The columns every mention matcher reads, as lists: article ids, sentence ids, sentence
    starts and texts (a missing text is ``""``).

    >>> sentence_columns(pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [5], "text": [None]}))
    (['a'], [0], [5], [''])
    """
    txt = [t if isinstance(t, str) else "" for t in sents["text"].tolist()]
    return sents["article_id"].tolist(), sents["sentence_id"].tolist(), sents["start"].tolist(), txt


def _latin_rows(sents: pd.DataFrame, gaz: Gazetteer, *, discover: bool, descriptions: bool) -> list[tuple]:
    """Mention rows (``MENTION_COLUMNS`` order, unsorted) of the sentences that are not ru/uk."""
    rows: list[tuple] = []
    info = gaz.info
    art, sid, off, txt = sentence_columns(sents)
    # whole-table passes: gazetteer matches and the words discovery looks at
    found = gaz.matcher.find_all(txt, nested=descriptions)
    reported = discovery_words(txt, [names for names, _ in found], info) if discover else [NOTHING] * len(txt)
    chosen: dict[int, tuple | None] = {}
    i, n = 0, len(art)
    while i < n:
        j = i
        while j < n and art[j] == art[i]:
            j += 1
        rows.extend(_article_mentions(art[i], sid[i:j], off[i:j], txt[i:j], found[i:j], reported[i:j], info,
                                      discover, descriptions, chosen))
        i = j
    return rows


_LOWER_WORD = re.compile(r"\b[a-z][a-z'-]+\b")
_LOWER_SHAPE = re.compile(r"[a-z][a-z'-]+")
_LOWER_RUN = re.compile(r"[a-z'-]*")
_LOWER_RUN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz'-")


class _LowerVocab:
    """The lower-case words of an article (a sentence-initial capitalised word
    also seen in lower case is a common word).

    ``word in vocab`` is ``word in set(_LOWER_WORD.findall(article))``, answered
    per question without listing every word: a match of :data:`_LOWER_WORD` lies
    inside one run of ``[a-z'-]`` characters, and what it matches there depends
    only on that run and the characters either side of it, so only the runs
    holding ``word`` are read.

    >>> vocab = _LowerVocab(["The well-known town.", "It is known. Don't go"])
    >>> "known" in vocab, "well" in vocab, "t" in vocab, "don't" in vocab
    (True, False, False, False)
    """

    __slots__ = ("texts", "joined", "answers")

    def __init__(self, texts: list[str]):
        self.texts, self.joined, self.answers = texts, None, {}

    def __contains__(self, word: str) -> bool:
        answer = self.answers.get(word)
        if answer is None:
            answer = self.answers[word] = self._holds(word)
        return answer

    def _holds(self, word: str) -> bool:
        if not _LOWER_SHAPE.fullmatch(word):
            return False  # every match has this shape
        if self.joined is None:
            self.joined = "\n".join(self.texts)
        joined = self.joined
        at = joined.find(word)
        while at != -1:
            run_start = at
            while run_start and joined[run_start - 1] in _LOWER_RUN_CHARS:
                run_start -= 1
            run_end = _LOWER_RUN.match(joined, at).end()
            # the character after the run decides the last word boundary: read it too
            if word in _LOWER_WORD.findall(joined, run_start, run_end + 1):
                return True
            at = joined.find(word, run_end)
        return False


def _frame(rows) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(rows, columns=MENTION_COLUMNS).astype(_INT_COLUMNS)
    # column by column: the integer columns built in their dtypes, not inferred from a table of
    # Python objects and cast (0.21 -> 0.16 CPU s over the bench's 120k rows)
    columns = dict(zip(MENTION_COLUMNS, zip(*rows)))
    for col, dtype in _INT_COLUMNS.items():
        columns[col] = np.array(columns[col], dtype=dtype)
    ordered = _sorted_columns(columns)
    if ordered is not None:
        return pd.DataFrame(ordered)
    df = pd.DataFrame(columns)
    return df.sort_values(["article_id", "start", "end"], kind="stable").reset_index(drop=True)


_INT_COLUMNS = {"sentence_id": "int32", "start": "int64", "end": "int64"}


def _sorted_columns(columns: dict) -> dict | None:
    """``columns`` (the mention rows' text columns as tuples, the integer ones as arrays) in the
    order of ``sort_values(["article_id", "start", "end"], kind="stable")``, the text columns as
    the ``str`` arrays pandas infers, built by Arrow and ordered before pandas sees them (0.14 ->
    0.09 CPU s over the bench's 120k rows); None, for the frame to be sorted by pandas, when an
    article id is no ``str`` or a text has no UTF-8 (lone surrogates) or pandas infers another dtype.

    >>> cols = {"article_id": ("b", "a", "a"), "start": np.array([0, 9, 2]), "end": np.array([1, 10, 3])}
    >>> {k: v.tolist() for k, v in _sorted_columns(cols).items()}
    {'article_id': ['a', 'a', 'b'], 'start': [2, 9, 0], 'end': [3, 10, 1]}
    """
    import pyarrow as pa

    dtype = _inferred_str()
    ids = columns["article_id"]
    distinct = dict.fromkeys(ids)
    if dtype is None or not all(type(u) is str for u in distinct):
        return None
    # Python orders strings by code point, as Arrow's UTF-8 bytes do
    rank = dict(zip(sorted(distinct), range(len(distinct))))
    codes = np.fromiter(map(rank.__getitem__, ids), dtype=np.int64, count=len(ids))
    order = np.lexsort((columns["end"], columns["start"], codes))  # stable, last key first
    take = pa.array(order)
    out = {}
    for col, values in columns.items():
        if isinstance(values, np.ndarray):
            out[col] = values[order]
            continue
        try:
            array = pa.array(values, type=pa.large_string())
        except (pa.ArrowException, UnicodeError):
            return None
        if array.null_count:
            return None
        out[col] = pd.arrays.ArrowStringArray(pa.chunked_array([array.take(take)]), dtype=dtype)
    return out


@lru_cache(maxsize=1)
def _inferred_str():
    """The dtype pandas infers for a column of Python strings when it is its Arrow-backed
    ``str`` (pandas >= 3), else None."""
    dtype = pd.Series(["a"]).dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return dtype
    return None


def _name_choice(cands: list, info: dict) -> tuple | None:
    """(entity id, type, method) of the first alias or metonym among a name match's candidates,
    else None (a short form, kept only when the article names its entity in full)."""
    for eid, kind in cands:
        if kind in ("alias", "metonym"):
            return eid, info[eid][1], "gazetteer" if kind == "alias" else "metonym"
    return None


def _has_text(text: str) -> bool:
    """Whether a sentence's text is neither empty nor blank: only those give mentions, and only
    their words make the article's lower-case vocabulary.

    >>> _has_text("Kyiv."), _has_text(""), _has_text("   ")
    (True, False, False)
    """
    return bool(text) and not text.isspace()


def _article_mentions(article_id, sids, offsets, texts, found, reported, info, discover, descriptions, chosen):
    """Mention rows of one article's sentences; ``chosen``: :func:`_name_choice` by id of the
    candidate list (the trie's own lists, alive for the whole call), filled as it goes."""
    per_sent = []
    named: set[str] = set()
    for idx, ((matches, nested), to_read) in enumerate(zip(found, reported)):
        if not matches and not nested and to_read is NOTHING:
            continue  # no match, nothing to discover: no row (two sentences in three)
        text = texts[idx]
        if not _has_text(text):
            continue
        for _a, _b, cands in matches:
            for eid, kind in cands:
                if kind == "alias":
                    named.add(eid)
        per_sent.append((idx, sids[idx], offsets[idx], text, matches, nested))
    rows = []
    discovered_people: dict[str, tuple[str, str]] = {}
    pending_short: list = []
    lower_vocab = None
    for idx, sentence_id, offset, text, matches, nested in per_sent:
        kept = []  # (start, end, eid, type, method)
        for a, b, cands in matches:
            choice = chosen.get(id(cands), cands)
            if choice is cands:
                choice = chosen[id(cands)] = _name_choice(cands, info)
            if choice is None:
                seen = [eid for eid, kind in cands if kind == "short_form" and eid in named]
                if not seen:
                    continue
                choice = (seen[0], info[seen[0]][1], "short_form")
            kept.append((a, b, *choice))
        if descriptions and nested:
            sentence_named = {k[2] for k in kept}
            for s, e, cands in nested:
                eid, kind = cands[0]
                if kind == "description" and eid in sentence_named:
                    continue
                if text[s:e].lower().startswith("the ") and kind == "description":
                    s += 4
                kept.append((s, e, eid, info[eid][1], "description" if kind == "description" else "gazetteer"))
        if discover and reported[idx] is not NOTHING:
            if lower_vocab is None:
                lower_vocab = _LowerVocab(list(filter(_has_text, texts)))
            gaz_spans = [(s, e, eid, et) for s, e, eid, et, m in kept if m != "description" and et != "EVENT"] \
                if kept else []
            disc = _discover_fast(text, reported[idx], gaz_spans, lower_vocab)
            events = [(s, e) for s, e, eid, et, m in kept if et == "EVENT"] if disc and kept else []
            replaced = set()
            for s, e, surface, etype in disc:
                if any(s < ee and es < e for es, ee in events):
                    continue  # part of a known event name ("World War II")
                if etype.startswith("MERGE:"):
                    etype = etype[6:]
                    for g in gaz_spans:
                        if g[0] >= s and g[1] <= e:
                            replaced.add((g[0], g[1]))
                words = surface.split()
                surface = " ".join(words)
                eid = "new:" + _slug(surface)
                if etype == "PERSON" and len(words) >= 2:
                    discovered_people[words[-1]] = (eid, surface)
                if len(words) == 1:
                    pending_short.append((sentence_id, offset, s, e, surface, eid, etype))
                    continue
                kept.append((s, e, eid, etype, "discovered:" + surface))
            if replaced:
                kept = [k for k in kept if (k[0], k[1]) not in replaced or k[4] == "description" or k[4].startswith("discovered:")]
        for s, e, eid, etype, method in kept:
            if method.startswith("discovered:"):
                rows.append((article_id, sentence_id, offset + s, offset + e, method[11:], eid, method[11:], etype, "discovered"))
            else:
                rows.append((article_id, sentence_id, offset + s, offset + e, text[s:e], eid, info[eid][0], etype, method))
    # single unknown capitalised words: a discovered person's surname, a list member typed like
    # its neighbours ("Angola, Panama, Iraq"), else an untyped discovery
    if not pending_short:
        return rows
    typed_spans: dict | None = None  # built on the first question, from the rows before this loop
    n_before = len(rows)
    texts_by_sid: dict | None = None
    for sentence_id, offset, s, e, surface, eid, etype in pending_short:
        if etype == "UNKNOWN" and surface not in discovered_people:
            if typed_spans is None:
                typed_spans = _typed_span_ends(rows[:n_before])
                texts_by_sid = {i: t for i, t in zip(sids, texts) if _has_text(t)}
            tx_ = texts_by_sid[sentence_id]
            after = _LIST_SEP.match(tx_, e)
            neighbour = None
            if after:
                neighbour = typed_spans.get((sentence_id, offset + after.end()))
            if neighbour is None:
                before = _list_sep_before(tx_, s)
                if before is not None:
                    neighbour = typed_spans.get((sentence_id, offset + before))
            if neighbour in ("GPE", "LOC"):
                etype = neighbour
        if surface in discovered_people:
            peid, pname = discovered_people[surface]
            rows.append((article_id, sentence_id, offset + s, offset + e, surface, peid, pname, "PERSON", "short_form"))
        else:
            rows.append((article_id, sentence_id, offset + s, offset + e, surface, eid, surface, etype, "discovered"))
    return rows


def _typed_span_ends(rows: list[tuple]) -> dict[tuple, str]:
    """(sentence id, start or end offset) -> type of every typed mention row (not a description,
    an event or UNKNOWN): the neighbours a list member takes its type from."""
    typed_spans = {}
    for r in rows:
        if r[8] != "description" and r[7] not in ("UNKNOWN", "EVENT"):
            typed_spans[(r[1], r[2])] = r[7]
            typed_spans[(r[1], r[3])] = r[7]
    return typed_spans


_LIST_SEP = re.compile(r"(?:,\s*|\s+and\s+|\s+or\s+)")


def _list_sep_before(text: str, end: int) -> int | None:
    r"""Start of the list separator (", ", " and ", " or ") ending at ``end``:
    ``re.search(r"(?:,\s*|\s+and\s+|\s+or\s+)$", text[:end]).start()``
    without scanning the whole prefix."""
    head = text[:end]
    stripped = head.rstrip()
    if stripped.endswith(","):
        return len(stripped) - 1
    if len(stripped) == len(head):
        return None  # " and "/" or " need whitespace after the word
    for word in ("and", "or"):
        if stripped.endswith(word):
            rest = stripped[:-len(word)]
            if rest and rest[-1].isspace():
                return len(rest.rstrip())
    return None


_SPACY_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FACILITY", "EVENT": "EVENT"}


def _spacy_mentions(sents: pd.DataFrame, gaz: Gazetteer, model: str) -> pd.DataFrame:
    try:
        import spacy  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            "mentions(backend='spacy') needs spaCy and an English pipeline: "
            "pip install 'war-coverage-analysis[spacy]' && python -m spacy download " + model +
            " (the default backend='gazetteer' needs neither)") from exc
    try:
        nlp = spacy.load(model, disable=["lemmatizer"])
    except OSError as exc:
        raise ImportError(f"spaCy is installed but the pipeline {model!r} is not: python -m spacy download {model}") from exc
    lookup = {}
    for surface, eid, kind in gaz.surfaces[["surface", "entity_id", "kind"]].itertuples(index=False):
        if kind in ("alias", "metonym"):
            lookup.setdefault(surface, eid)
    rows = []
    texts = sents["text"].fillna("").tolist()
    for (aid, sid, off), doc in zip(sents[["article_id", "sentence_id", "start"]].itertuples(index=False, name=None),
                                    nlp.pipe(texts)):
        for ent in doc.ents:
            etype = _SPACY_TYPES.get(ent.label_)
            if etype is None:
                continue
            eid = lookup.get(ent.text)
            name = gaz.info[eid][0] if eid else ent.text
            if eid:
                etype = gaz.info[eid][1]
            rows.append((aid, sid, off + ent.start_char, off + ent.end_char, ent.text,
                         eid or "new:" + _slug(ent.text), name, etype, "spacy"))
    return _frame(rows)


# --------------------------------------------------------------------------------------
