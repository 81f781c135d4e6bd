"""VADER over a whole batch of sentences at once: :meth:`FastVader.score_many
<analysis.sentiment.vader.FastVader.score_many>`'s numbers, with the per-sentence Python loop
replaced by numpy over every word of the batch.

Most lexicon words take VADER's plain path: the word keeps its valence (no capitals, no
booster, negation, "so/this/never/least" among the three words before it, no idiom around
it); those are found in arrays, and only the others go through VADER's rules
(:meth:`FastVader._valence_fast`), at the first occurrence of each word in its sentence. A
sentence's score is then the sum of its words' valences, halved before a "but" and raised by
half after it, normalised (Hutto & Gilbert 2014). Multiword entries are merged into one word
first, in the arrays as well (:func:`_merge_phrases`). Sums run word by word in sentence order,
as VADER adds them, so the floating-point results are the same bits, and rounding is Python's.
Whole documents go through the same arrays (:func:`score_whole_texts`).

>>> from analysis.sentiment import scorer
>>> texts = ["Civilians were killed.", "The talks were NOT good!!", None, "Ceasefire talks"]
>>> scores = score_batch(scorer("vader"), texts)
>>> [scorer("vader").score(t) for t in texts[:2]] == [tuple(row) for row in scores[:2].tolist()]
True
>>> scores[2:].tolist()
[[nan, nan, nan, nan], [0.0, 1.0, 0.0, 0.0]]
"""

from __future__ import annotations

from itertools import repeat

import numpy as np

from analysis._gc import gc_paused
from analysis.sentiment.vader import _ascii_typography
from analysis.wordsplit import TokenTable

_COLUMNS = 4
#: Words the valence rules read around a word: three before it, the word, two after it.
_RULE_WINDOW = 6
#: Cells of the words x strings table :func:`_sums_in_order` adds row by row at most; beyond,
#: each string's words are added on their own.
_MAX_SUM_TABLE = 2_000_000


def score_batch(vader, texts: list, *, split=None) -> np.ndarray:
    """(n, 4) float array of neg, neu, pos, compound of ``texts`` by ``vader`` (a
    :class:`~analysis.sentiment.vader.FastVader`), NaNs for missing values: the numbers of
    :meth:`~analysis.sentiment.vader.FastVader.score` for each text (:func:`score_whole_texts`,
    ``split`` as there). Keeps the scores for
    :meth:`~analysis.sentiment.vader.FastVader.score_recent` as ``score_many`` does."""
    texts = texts if isinstance(texts, list) else list(texts)
    out = score_whole_texts(vader, texts, split=split)
    where = np.flatnonzero(np.fromiter(map(isinstance, texts, repeat(str)), dtype=bool, count=len(texts)))
    # made a dict when score_recent first asks
    vader._recent = ([texts[i] for i in where.tolist()], out[where]) if len(where) else {}
    return out


def score_whole_texts(vader, texts: list, *, split=None) -> np.ndarray:
    """(n, 4) float array of neg, neu, pos, compound of each whole text (NaNs for missing values):
    the numbers of :meth:`~analysis.sentiment.vader.FastVader.score` on the text at once.
    ``split``: the texts' :func:`analysis.wordsplit.split_texts`, when the caller has it already.

    >>> from analysis.sentiment import scorer
    >>> text = "Peace talks failed. The full scale invasion went on, but Kyiv held."
    >>> score_whole_texts(scorer("war-news"), [text, None]).tolist()[0] == list(scorer("war-news").score(text))
    True
    """
    from analysis.wordsplit import split_texts

    with gc_paused():
        split = split_texts(texts) if split is None else split
        if split.n_texts != len(texts):
            raise ValueError(f"split has {split.n_texts} texts for {len(texts)} texts to score")
        distinct = split.tokens
        if vader.normalize_typography and distinct:
            # one character for one, never white space: the tokens, joined by newlines, keep their places
            joined = "\n".join(distinct)
            if not joined.isascii():
                distinct = _ascii_typography(joined).split("\n")
        strings = texts if split.is_text.all() else [t if ok else "" for t, ok in zip(texts, split.is_text.tolist())]
        scores = _score_rows(vader, split.codes, distinct, split.row, strings)
    scores[~split.is_text] = np.nan
    return scores


def _score_rows(vader, raw_codes: np.ndarray, distinct: list[str], raw_row: np.ndarray,
                strings: list[str]) -> np.ndarray:
    """Scores of ``strings`` whose whitespace tokens are ``distinct[raw_codes]`` (``raw_row``: the
    string of each; typography already normalised if ``vader`` does).

    Every look-up (memo, lexicon, rule words) is made once per distinct token (:func:`_token_table`)
    and spread to the tokens by their codes."""
    n_rows = len(strings)
    field = _token_table(vader).gather(distinct)
    kept = field["kept"][raw_codes]  # not kept: a dropped 1-character token
    code = raw_codes[kept]  # the distinct token of each VADER word
    row = raw_row[kept]
    word_of, lower_of = field["word"], field["lower"]
    code, row, word_of, lower_of = _merge_phrases(vader, code, row, word_of, lower_of, phrase=field["phrase"])
    if len(word_of) > len(distinct):  # the multiword entries met, appended to the distinct words
        added = _token_fields(vader, word_of[len(distinct):].tolist(), lower_of[len(distinct):].tolist())
        top = int(field["word_id"].max(initial=-1)) + 1
        added["word_id"] = top + np.arange(len(word_of) - len(distinct))
        field = {name: np.concatenate([field[name], added[name]]) for name in added}
    n_words = np.bincount(row, minlength=n_rows)
    first = np.cumsum(n_words) - n_words
    pos = np.arange(len(row)) - first[row]  # place of each word in its sentence
    at = np.flatnonzero(field["candidate"][code])
    context = field["context"][code]
    idiom = field["idiom"][code]
    cand_code, cand_pos, cand_row = code[at], pos[at], row[at]

    # VADER scores a repeated word in the context of its first occurrence in the sentence
    word_id = field["word_id"]
    _, first_index, inverse = np.unique(cand_row * (int(word_id.max(initial=0)) + 1) + word_id[cand_code],
                                        return_index=True, return_inverse=True)
    first_of = first_index[inverse.ravel()]
    is_upper = field["upper"]
    plain = ~is_upper[cand_code]
    for k in (1, 2, 3):  # a context word among the three before
        plain &= ~((cand_pos >= k) & context[np.maximum(at - k, 0)])
    length = n_words[cand_row]
    last = max(len(code) - 1, 0)
    for k in (-3, -2, -1, 0, 1, 2):  # an idiom word in words[i-3:i+3], from the fourth word on
        plain &= ~((cand_pos >= 3) & (cand_pos + k < length) & idiom[np.clip(at + k, 0, last)])
    value = field["value"][cand_code]
    # "kind of" is worth nothing (VADER's first rule, before any other)
    kind_of = field["kind"][cand_code] & (cand_pos < length - 1)
    kind_of[kind_of] = lower_of[code[np.minimum(at[kind_of] + 1, last)]] == "of"
    value[kind_of] = 0.0
    plain |= kind_of
    # a rule may change the valence: VADER's own code, at the first occurrences that need it;
    # a string's capitals matter when some but not all of its words are in capitals
    n_lower = n_words - np.bincount(row, weights=is_upper[code], minlength=n_rows).astype(np.int64)
    cap_diff = (0 < n_lower) & (n_lower < n_words)
    rules = np.flatnonzero(~plain & (first_of == np.arange(len(at))))
    if len(rules):
        # the rules read the words from three before to two after the word (_valence_fast,
        # _idioms): each gets that window of its string, its place there and the window's length
        i, r = cand_pos[rules], cand_row[rules]
        since = np.maximum(i - 3, 0)
        width = np.minimum(n_words[r], i + 3) - since
        window = code[np.minimum((first[r] + since)[:, None] + np.arange(_RULE_WINDOW), len(code) - 1)]
        for j, k, n, ws, lows, cap in zip(rules.tolist(), (i - since).tolist(), width.tolist(),
                                           word_of[window].tolist(), lower_of[window].tolist(),
                                           cap_diff[r].tolist()):
            ws, lows = ws[:n], lows[:n]
            value[j] = vader._valence_fast(value[j], ws[k], k, ws, lows, cap)
    value = value[first_of]

    # VADER's "but" rule, sums word by word
    is_but = field["but"][code]
    if is_but.any():
        but_rows, first_but = np.unique(row[is_but], return_index=True)
        but_at = np.full(n_rows, -1, dtype=np.int64)
        but_at[but_rows] = pos[is_but][first_but]
        bi = but_at[cand_row]
        value = np.where((bi >= 0) & (cand_pos < bi), value * 0.5,
                         np.where((bi >= 0) & (cand_pos > bi), value * 1.5, value))
    rank = np.arange(len(cand_row)) - np.searchsorted(cand_row, cand_row, side="left")
    sum_s = _sums_in_order(value, rank, cand_row, n_rows)
    pos_sum = _sums_in_order(np.where(value > 0, value + 1, 0.0), rank, cand_row, n_rows)
    neg_sum = _sums_in_order(np.where(value < 0, value - 1, 0.0), rank, cand_row, n_rows)
    neu_count = n_words - np.bincount(cand_row, minlength=n_rows) + np.bincount(cand_row[value == 0], minlength=n_rows)
    scores = _finish(sum_s, pos_sum, neg_sum, neu_count, strings)
    scores[n_words == 0] = 0.0
    return scores


def _token_fields(vader, words: list[str], lowers: list[str]) -> dict[str, np.ndarray]:
    """What the rules of :func:`_score_rows` read of each VADER word (``words``, in ``lowers`` lower
    case): a lexicon entry it may score, a word that may change the next ones' valence, an idiom
    word, capitals, its lexicon valence, "kind", "but", the first word of a multiword entry."""

    def flag(values, test) -> np.ndarray:
        return np.fromiter(map(test, values), dtype=bool, count=len(values))

    return {"candidate": flag(lowers, vader._candidates.__contains__),
            "context": flag(lowers, vader._context.__contains__),
            "idiom": flag(words, vader._idiom_words.__contains__),
            "upper": flag(words, str.isupper),
            "value": np.fromiter(map(vader.lexicon.get, lowers, repeat(0.0)), dtype=float, count=len(lowers)),
            "kind": flag(lowers, "kind".__eq__),
            "but": flag(lowers, "but".__eq__),
            "phrase": flag(lowers, vader.phrases.__contains__)}


def _token_table(vader) -> TokenTable:
    """The whitespace tokens ``vader`` has scored in batches (made at its first batch): per token
    its VADER word, the word's lower case, whether it is kept (not a dropped 1-character token),
    ``word_id`` (the same for tokens with the same word) and :func:`_token_fields`. Bounded as the
    token memo (``FastVader._MAX_CACHE``).

    >>> from analysis.sentiment import FastVader
    >>> vader = FastVader.from_name("vader")
    >>> found = _token_table(vader).gather(["Good", "a", "news", "GOOD", "Good"])
    >>> found["kept"].tolist(), found["word_id"].tolist(), found["value"].tolist()
    ([True, False, True, True, True], [0, 1, 2, 3, 0], [1.9, 0.0, 0.0, 1.9, 1.9])
    """
    table = vader.__dict__.get("_batch_tokens")
    if table is not None:
        return table
    word_ids: dict[str, int] = {}

    def compute(tokens: list[str]) -> dict[str, np.ndarray]:
        if not table.index:  # a new or emptied table
            word_ids.clear()
        vader._learn(tokens)
        entries = list(map(vader._token_cache.__getitem__, tokens))
        pairs = [e or ("", "") for e in entries]
        words, lowers = [p[0] for p in pairs], [p[1] for p in pairs]
        values = _token_fields(vader, words, lowers)
        values["kept"] = np.fromiter(map(bool, entries), dtype=bool, count=len(entries))  # None: dropped
        values["word_id"] = np.array([word_ids.setdefault(w, len(word_ids)) for w in words], dtype=np.int64)
        for name, strings in (("word", words), ("lower", lowers)):
            values[name] = np.empty(len(strings), dtype=object)
            values[name][:] = strings
        return values

    table = vader._batch_tokens = TokenTable(compute, limit=vader._MAX_CACHE)
    return table


def _merge_phrases(vader, code: np.ndarray, row: np.ndarray, word_of: np.ndarray, lower_of: np.ndarray, *,
                   phrase: np.ndarray | None = None):
    """:meth:`FastVader._merge_phrases_lowered <analysis.sentiment.vader.FastVader._merge_phrases_lowered>`
    of every string at once: ``(code, row, word_of, lower_of)`` with each multiword entry found
    (greedy, left to right, longest first, within one string) made one word, the entry itself,
    whose code is appended to ``word_of`` and ``lower_of``. ``phrase``: whether each of
    ``lower_of`` starts an entry, when known."""
    phrases = vader.phrases
    if phrase is None:
        phrase = np.fromiter(map(phrases.__contains__, lower_of.tolist()), dtype=bool, count=len(lower_of))
    starts = np.flatnonzero(phrase[code])
    if not len(starts):
        return code, row, word_of, lower_of
    n = len(code)
    # the words from each start on, as far as the longest entry reaches, and whether each is
    # still in the start's string (only these windows are read, not every word of the batch)
    longest = max(len(cand) for cands in phrases.values() for cand in cands)
    reach = starts[:, None] + np.arange(longest)
    window = np.minimum(reach, n - 1)
    lowers = lower_of[code[window]].tolist()
    same_string = ((reach < n) & (row[window] == row[starts][:, None])).tolist()
    keys: dict[str, int] = {}
    merged_at, merged_len, merged_code = [], [], []
    done = 0
    for i, words, inside in zip(starts.tolist(), lowers, same_string):
        if i < done:
            continue
        for cand in phrases[words[0]]:
            k = len(cand)
            if inside[k - 1] and tuple(words[:k]) == cand:
                merged_at.append(i)
                merged_len.append(k)
                merged_code.append(keys.setdefault(" ".join(cand), len(lower_of) + len(keys)))
                done = i + k
                break
    if not merged_at:
        return code, row, word_of, lower_of
    at = np.asarray(merged_at, dtype=np.int64)
    length = np.asarray(merged_len, dtype=np.int64)
    code = code.copy()
    code[at] = merged_code
    # the words after each entry's first are dropped: +1 where an entry's tail starts, -1 after it
    tail = np.zeros(n + 1, dtype=np.int64)
    np.add.at(tail, at + 1, 1)
    np.add.at(tail, at + length, -1)
    keep = np.cumsum(tail[:n]) == 0
    added = np.empty(len(keys), dtype=object)
    added[:] = list(keys)
    return code[keep], row[keep], np.concatenate([word_of, added]), np.concatenate([lower_of, added])


def _sums_in_order(values: np.ndarray, rank: np.ndarray, row: np.ndarray, n_rows: int) -> np.ndarray:
    """Per row, ``values`` added one at a time in order (``rank``: place within the row), as a
    Python loop adds them; numpy's own sums add pairwise, which can differ in the last bit
    (``np.add.accumulate`` adds one at a time, as Python does)."""
    out = np.zeros(n_rows)
    if not len(values):
        return out
    if (int(rank.max()) + 1) * n_rows > _MAX_SUM_TABLE:  # whole documents: row by row
        bounds = np.flatnonzero(rank == 0).tolist() + [len(values)]
        for a, b in zip(bounds[:-1], bounds[1:]):
            out[row[a]] = np.add.accumulate(values[a:b])[-1]
        return out
    table = np.zeros((int(rank.max()) + 1, n_rows))
    table[rank, row] = values
    for line in table:  # adding the padding's 0.0 changes nothing
        out += line
    return out


def _finish(sum_s: np.ndarray, pos_sum: np.ndarray, neg_sum: np.ndarray, neu_count: np.ndarray,
            texts: list[str]) -> np.ndarray:
    """:meth:`FastVader._finish <analysis.sentiment.vader.FastVader._finish>` for arrays: the
    same operations in the same order, then Python's ``round``."""
    bangs = np.fromiter(map(str.count, texts, repeat("!")), dtype=np.int64, count=len(texts))
    questions = np.fromiter(map(str.count, texts, repeat("?")), dtype=np.int64, count=len(texts))
    ep = np.minimum(bangs, 4) * 0.292
    qm = np.where(questions > 1, np.where(questions <= 3, questions * 0.18, 0.96), 0.0)
    amp = ep + qm
    sum_s = np.where(sum_s > 0, sum_s + amp, np.where(sum_s < 0, sum_s - amp, sum_s))
    compound = sum_s / np.sqrt((sum_s * sum_s) + 15)
    negative = np.fabs(neg_sum)
    more_pos, more_neg = pos_sum > negative, pos_sum < negative
    pos_sum = np.where(more_pos, pos_sum + amp, pos_sum)
    neg_sum = np.where(more_neg, neg_sum - amp, neg_sum)
    with np.errstate(divide="ignore", invalid="ignore"):  # no word at all: set to 0 by the caller
        total = pos_sum + np.fabs(neg_sum) + neu_count
        columns = (np.fabs(neg_sum / total), np.fabs(neu_count / total), np.fabs(pos_sum / total))
    out = np.empty((len(texts), _COLUMNS))
    for j, (column, digits) in enumerate(zip((*columns, compound), (3, 3, 3, 4))):
        out[:, j] = round_like_python(column, digits)
    return out


def round_like_python(values: np.ndarray, digits: int) -> np.ndarray:
    """``round(v, digits)`` of each value in [-1, 1] (NaN kept): numpy's rounding, and Python's
    where the two could differ.

    Python rounds the exact binary value to the nearest decimal (half to even) and returns the
    double nearest that decimal; numpy computes ``rint(v * 10**digits) / 10**digits``. The
    division gives the double nearest the decimal too, so the two agree unless the product's
    rounding error (below 1e-12 here) moved it across a half: those values, close to a half,
    go through Python's ``round``.

    >>> v = np.array([0.0005, 0.0015, 0.6705499999, -0.12345, 2.675 / 10, np.nan])
    >>> round_like_python(v, 3).tolist()[:5] == [round(x, 3) for x in v.tolist()[:5]]
    True
    """
    scaled = values * 10.0 ** digits
    out = np.rint(scaled) / 10.0 ** digits
    near_half = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-9)
    if len(near_half):
        out[near_half] = list(map(round, values[near_half].tolist(), repeat(digits)))
    return out
