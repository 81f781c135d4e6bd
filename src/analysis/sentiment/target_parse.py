"""Many sentences parsed at once for the target rules of :mod:`analysis.sentiment.target`.

The target rules read each sentence as a :class:`~analysis.sentiment.target._Parsed`: tokens,
their spans and lower-case forms, lexicon valences (after VADER's boosters and negation, Hutto &
Gilbert 2014, and the lexicon's phrases), clause and comma segment numbers, quotation flags and
the positions of valenced words and of accuse/praise verbs. :func:`analysis.sentiment.target._parse`
computes them for one sentence and is the reference; :func:`parse_many` and :func:`iter_parsed`
give the same parses for a whole batch of sentences, faster: each sentence is tokenized by the
same regular expression (or, given the sentences' whitespace split, each distinct whitespace token
once), and every per-token decision is made once per *distinct* token string and spread over the
batch with numpy (the 50,846 distinct sentences with an entity
mention of the bench corpus have 1.34 M tokens, 41,191 distinct "gap+token" strings), and the
running counts (clauses, commas) are cumulative sums restarted at each sentence; quotations
are read by the reference's own :func:`~analysis.sentiment.target._quoted`, sentence by sentence
(6,149 of those 50,846 have a quotation mark). ``tests/test_target_parse.py``
checks equality with the reference.

>>> from analysis.sentiment.target_parse import parse_many
>>> one, two = parse_many(["Kyiv blamed Russia.", 'He said "not good".'])
>>> one.toks, one.verbs
(('Kyiv', 'blamed', 'Russia', '.'), (1,))
>>> two.inq, two.any_quote, two.val[4] < 0
((False, False, False, True, True, False, False), True, True)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache, partial
from itertools import chain, count

import numpy as np

from analysis.sentiment.target import BOOST_DAMPING, N_SCALAR, is_negator
from analysis.wordsplit import TokenTable

__all__ = ["iter_parsed", "parse_many"]



def parse_many(sentences: Sequence[str], lexicon: str = "war-news") -> list:
    """The :class:`~analysis.sentiment.target._Parsed` of each sentence, in order.

    ``lexicon`` is a key of :func:`analysis.sentiment.target._lex` (``"war-news+news"`` adds the
    news supplement). Equal to parsing each sentence alone: a token's fields depend on its own
    sentence only.
    """
    return list(iter_parsed(sentences, lexicon))


def iter_parsed(sentences: Sequence[str], lexicon: str = "war-news", *, block: int = 2048,
                split=None) -> Iterator:
    """:func:`parse_many`, one parse at a time: the per-token arrays are computed for all the
    sentences together, the parses (several KB each) ``block`` sentences at a time, so a caller
    that drops each parse after use holds at most one block of them. ``split``: the sentences'
    :func:`analysis.wordsplit.split_texts`, when the caller has it already (the engine splits a
    chunk's sentences once): no token crosses white space, so each distinct whitespace token is
    tokenized once instead of every sentence.

    >>> [p.toks for p in iter_parsed(["Kyiv won.", ""], block=1)]
    [('Kyiv', 'won', '.'), ()]
    """
    from analysis.sentiment.target import _Parsed, _quoted

    if split is None:
        n_tokens, code, tok, starts, ends, first_token = _tokenize(sentences)
    else:
        if split.n_texts != len(sentences):
            raise ValueError(f"split has {split.n_texts} texts for {len(sentences)} sentences")
        n_tokens, code, tok, starts, ends = _tokenize_split(split)
        first_token = None
    words = _Words(tok, lexicon)
    del tok

    starts_at = np.zeros(len(n_tokens) + 1, dtype=np.intp)  # first token of each sentence
    np.cumsum(n_tokens, out=starts_at[1:])
    if first_token is None:
        first_token = _first_tokens(n_tokens)
    val = _valences(words, code, np.arange(len(code)) - first_token)
    _merge_phrases(val, words, code, starts_at, lexicon)
    clause = _restarted_cumsum(words.clause[code], first_token)
    commas = _restarted_cumsum(words.comma[code], first_token)
    # a sentence with a quotation mark has its quotation read by target._quoted, as in target._parse
    marks = np.concatenate(([0], np.cumsum(words.quote[code], dtype=np.int64)))
    has_marks = (marks[starts_at[1:]] > marks[starts_at[:-1]]).tolist()
    nonzero, nonzero_at = _positions(val != 0, first_token, starts_at)
    verbs, verbs_at = _positions(words.verb[code], first_token, starts_at)

    for s0 in range(0, len(n_tokens), block):
        s1 = min(s0 + block, len(n_tokens))
        t0, t1 = int(starts_at[s0]), int(starts_at[s1])
        # tuples of the block's tokens: a slice of a tuple is a tuple, made in one copy
        toks, lows = (tuple(a[code[t0:t1]].tolist()) for a in (words.tok, words.low))
        val_b, clause_b, starts_b, ends_b, commas_b = (
            tuple(a[t0:t1].tolist()) for a in (val, clause, starts, ends, commas))
        bounds = (starts_at[s0:s1 + 1] - t0).tolist()
        for k, a, b in zip(range(s0, s1), bounds, bounds[1:]):
            inq, any_quote = _quoted(toks[a:b]) if has_marks[k] else ((False,) * (b - a), False)
            yield _Parsed(toks[a:b], lows[a:b], val_b[a:b], clause_b[a:b], inq, starts_b[a:b], ends_b[a:b],
                          nonzero[nonzero_at[k]:nonzero_at[k + 1]], verbs[verbs_at[k]:verbs_at[k + 1]],
                          any_quote, commas_b[a:b])


def _tokenize(sentences: Sequence[str]):
    """``(n_tokens, code, tok, starts, ends, first_token)``: each sentence's number of tokens; per
    token, the index of its string in the list ``tok``, its span in its sentence and
    :func:`_first_tokens`."""
    from analysis.sentiment.target import _GAP_TOKEN_RE

    per_sentence = list(map(_GAP_TOKEN_RE.findall, sentences))
    n_tokens = np.fromiter(map(len, per_sentence), dtype=np.intp, count=len(per_sentence))
    chunks = list(chain.from_iterable(per_sentence))  # "gap+token" strings
    del per_sentence
    code, distinct = _codes(chunks)
    tok = [c.lstrip() for c in distinct]
    first_token = _first_tokens(n_tokens)
    ends = _restarted_cumsum(np.fromiter(map(len, distinct), dtype=np.intp, count=len(distinct))[code], first_token)
    starts = ends - np.fromiter(map(len, tok), dtype=np.intp, count=len(tok))[code]
    return n_tokens, code, tok, starts, ends, first_token


def _first_tokens(n_tokens: np.ndarray) -> np.ndarray:
    """Per token, the index of its sentence's first token (``n_tokens``: tokens per sentence)."""
    return np.repeat(np.cumsum(n_tokens) - n_tokens, n_tokens)


def _tokenize_split(split):
    """:func:`_tokenize` of the texts of ``split`` (:func:`analysis.wordsplit.split_texts`): the
    distinct whitespace tokens they use are tokenized once, joined by newlines in one string (a
    newline is a gap as any white space, so each one's tokens are the tokens it has alone), and
    their tokens spread to the texts."""
    from analysis.sentiment.target import _GAP_TOKEN_RE

    used = np.flatnonzero(np.bincount(split.codes, minlength=len(split.tokens)))
    words = [split.tokens[i] for i in used.tolist()]
    code, distinct = _codes(_GAP_TOKEN_RE.findall("\n".join(words)))  # "gap+token" strings
    tok = [c.lstrip() for c in distinct]
    tok_len = np.fromiter(map(len, tok), dtype=np.intp, count=len(tok))[code]
    piece_start = np.cumsum(np.fromiter(map(len, distinct), dtype=np.intp, count=len(distinct))[code]) - tok_len
    word_len = np.fromiter(map(len, words), dtype=np.intp, count=len(words))
    word_start = np.cumsum(word_len + 1) - word_len - 1  # where each word starts in the joined string
    word = np.searchsorted(word_start, piece_start, side="right") - 1
    offset = piece_start - word_start[word]  # each token's place in its whitespace token
    n_pieces = np.zeros(len(split.tokens), dtype=np.intp)
    n_pieces[used] = np.bincount(word, minlength=len(words))
    first_piece = np.cumsum(n_pieces) - n_pieces
    counts = n_pieces[split.codes]
    occurrence = np.repeat(np.arange(len(counts)), counts)  # per token: its whitespace token
    at = np.arange(len(occurrence)) - np.repeat(np.cumsum(counts) - counts - first_piece[split.codes], counts)
    starts = split.start[occurrence] + offset[at]
    n_tokens = np.bincount(split.row[occurrence], minlength=split.n_texts).astype(np.intp)
    return n_tokens, code[at], tok, starts, starts + tok_len[at]


def _codes(strings: list[str]) -> tuple[np.ndarray, list[str]]:
    """Per string, the index of its first occurrence among the distinct ``strings``; and those."""
    first = np.fromiter(map({}.setdefault, strings, count()), dtype=np.intp, count=len(strings))
    distinct = np.flatnonzero(first == np.arange(len(strings)))  # first occurrence of each string
    code = np.zeros(len(strings), dtype=np.intp)
    code[distinct] = np.arange(len(distinct))
    return code[first], [strings[i] for i in distinct.tolist()]


class _Words:
    """What the parse needs of each distinct token string, as arrays indexed by its code
    (:func:`_words_table`: each string's fields are computed once per process)."""

    def __init__(self, tok: list[str], lexicon: str):
        for name, column in _words_table(lexicon).gather(tok).items():
            setattr(self, name, column)


@lru_cache(maxsize=4)
def _words_table(lexicon: str) -> TokenTable:
    """The :class:`_Words` fields of the token strings met so far with ``lexicon``."""
    return TokenTable(partial(_word_fields, lexicon=lexicon))


def _word_fields(tok: list[str], *, lexicon: str) -> dict[str, np.ndarray]:
    from analysis.sentiment import target as t

    low = t._lower_tokens(tok)
    lex, boost = t._lex(lexicon), t._booster()
    strings, lows = np.empty(len(tok), dtype=object), np.empty(len(low), dtype=object)
    strings[:], lows[:] = tok, low
    return {"tok": strings, "low": lows,
            "in_lex": _flags(map(lex.__contains__, low), len(low)),
            "valence": np.array([lex.get(w, 0.0) for w in low], dtype=np.float64),
            "booster": np.array([boost.get(w, 0.0) for w in low], dtype=np.float64),
            "is_booster": _flags(map(boost.__contains__, low), len(low)),
            "negator": _flags(map(is_negator, low), len(low)),
            "clause": _flags(map(t._CLAUSE_SPLIT.__contains__, low), len(low)),
            "comma": _flags(map(",".__eq__, low), len(low)),
            "quote": _flags(map(t._QUOTES.__contains__, tok), len(tok)),
            "verb": _flags(map(t._VERB_SIGN.__contains__, low), len(low)),
            "phrase": _flags(map(t._phrases(lexicon).__contains__, low), len(low))}


def _flags(values, n: int) -> np.ndarray:
    return np.fromiter(values, dtype=bool, count=n)


def _restarted_cumsum(values: np.ndarray, first_token: np.ndarray) -> np.ndarray:
    """Running sum of ``values`` (inclusive) that starts again at each sentence's first token."""
    total = np.cumsum(values, dtype=np.int64)
    before = total - values  # the sum up to, not including, each token
    return total - before[first_token]


def _valences(words: _Words, code: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Lexicon valence of every token with up to three boosters and one negator before it
    (``position``: the token's index inside its sentence); boosters themselves score 0."""
    val = np.zeros(len(code), dtype=np.float64)
    hit = np.flatnonzero(words.in_lex[code] & ~words.is_booster[code])
    v = words.valence[code[hit]]
    going = np.ones(len(hit), dtype=bool)  # no negator met yet
    for k, damping in enumerate(BOOST_DAMPING, start=1):
        going &= position[hit] >= k  # the sentence starts before the k-th word back
        before = code[np.where(going, hit - k, 0)]
        boosted = going & words.is_booster[before]
        b = words.booster[before] * damping
        v = np.where(boosted, np.where(v > 0, v + b, v - b), v)
        negated = going & words.negator[before]
        v = np.where(negated, v * N_SCALAR, v)
        going &= ~negated
    val[hit] = v
    return val


def _merge_phrases(val: np.ndarray, words: _Words, code: np.ndarray, starts_at: np.ndarray, lexicon: str) -> None:
    """Phrase entries ("special military operation", "united states"): the phrase valence goes
    to its first token, the others are zeroed (in place, left to right as one sentence would)."""
    from analysis.sentiment import target as t

    heads = np.flatnonzero(words.phrase[code])
    if not len(heads):
        return
    lex, phrases = t._lex(lexicon), t._phrases(lexicon)
    sentence_end = starts_at[np.searchsorted(starts_at, heads, side="right")].tolist()
    low = words.low
    for i, end in zip(heads.tolist(), sentence_end):
        for cand in phrases[low[code[i]]]:
            k = len(cand)
            if tuple(low[code[i:min(i + k, end)]].tolist()) == cand:
                val[i] = lex.get(" ".join(cand), 0.0)
                val[i + 1:i + k] = 0.0
                break


def _positions(flags: np.ndarray, first_token: np.ndarray, starts_at: np.ndarray) -> tuple[tuple[int, ...], list[int]]:
    """Indices (inside their sentence) of the flagged tokens, and where each sentence's run of
    them starts in that list."""
    at = np.flatnonzero(flags)
    return tuple((at - first_token[at]).tolist()), np.searchsorted(at, starts_at).tolist()
