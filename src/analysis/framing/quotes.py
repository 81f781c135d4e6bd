"""Voices: direct and indirect quotes, their speakers and reporting verbs.

Rule-based attribution in the style of Pouliquen, Steinberger & Best (2007,
"Automatic detection of quotations in multilingual news", RANLP) and
Krestel, Bergler & Witte (2008, "Minding the source: automatic tagging of
reported speech in newspaper articles", LREC): quotation marks are paired
(straight and curly, quotes running over several sentences, a paragraph
re-opening a quote), then the speaker and verb are read from the cue next to
the quote - ``"...," Putin said`` / ``"...," said Putin`` / ``"...," he
questioned`` / ``Putin said: "..."`` / ``according to Putin, ...``. Indirect
speech is a reporting verb with a clause (``X said (that) ...``, ``X accused
Y of ...``, ``According to X, ...``). Pronouns (he/she/him/her/they) go to the
last named person (or organisation, for "it"/"they").

The reporting verb is classed with ``data/lexicons/reporting_verbs.yml``
(neutral, distancing, accusatory, conceding, questioning, asserting, denying)
following Thompson & Ye (1991) and Bednarek (2006).

Speakers are linked to gazetteer entities through
``analysis.entities.mentions`` when that module is importable (or when
``mentions=`` is given); otherwise ``speaker_entity_id`` is a slug of the
name's last word ("putin"), which is what the gold file uses.

Example
-------
>>> import pandas as pd
>>> from analysis.text import sentences
>>> arts = pd.DataFrame({"article_id": ["a"], "text": [
...     'Vladimir Putin spoke on Monday. "We will win," he said. Kyiv blamed Russia for starting the fire.']})
>>> q = quotes(sentences(arts), mentions=False)
>>> q[["quote", "speaker", "verb", "verb_class", "quote_type"]].values.tolist()
[['We will win,', 'Vladimir Putin', 'said', 'neutral', 'direct'], ['for starting the fire.', 'Kyiv', 'blamed', 'accusatory', 'indirect']]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis import vocabulary
from analysis.framing._lexicon import resolve, with_group

__all__ = ["QUOTE_COLUMNS", "reporting_verbs", "verb_class", "quotes", "quote_summary", "speaker_key"]

QUOTE_COLUMNS = [
    "article_id", "sentence_id", "start", "end", "quote", "speaker", "speaker_entity_id", "speaker_start",
    "speaker_end", "verb", "verb_lemma", "verb_class", "quote_type", "n_words",
]

# ----------------------------------------------------------------------------- verbs
_PARTICIPLE_E = re.compile(r"e$")


def _inflect(lemma: str) -> list[str]:
    """Regular inflections of a (possibly two-word) verb lemma."""
    head, _, rest = lemma.partition(" ")
    rest = (" " + rest) if rest else ""
    if head.endswith("e"):
        forms = [head, head + "s", head + "d", head[:-1] + "ing"]
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        forms = [head, head[:-1] + "ies", head[:-1] + "ied", head + "ing"]
    elif re.search(r"(s|sh|ch|x|z)$", head):
        forms = [head, head + "es", head + "ed", head + "ing"]
    elif re.search(r"[^aeiou][aeiou][bdgmnpt]$", head) and head not in {"question", "threaten", "visit", "comment"}:
        forms = [head, head + "s", head + head[-1] + "ed", head + head[-1] + "ing"]
    else:
        forms = [head, head + "s", head + "ed", head + "ing"]
    return [f + rest for f in forms]


@lru_cache(maxsize=4)
def _verb_table(path: str | None = None) -> dict[str, tuple[str, str]]:
    data = resolve(path, "reporting_verbs.yml")
    irregular = data.get("irregular") or {}
    table: dict[str, tuple[str, str]] = {}
    for cls, lemmas in data.items():
        if cls in {"irregular", "version"} or not isinstance(lemmas, list):
            continue
        for lemma in lemmas:
            forms = set(_inflect(lemma)) | set(irregular.get(lemma, [])) | {lemma}
            for form in forms:
                table.setdefault(form.lower(), (lemma, cls))
    return table


def reporting_verbs(path=None) -> pd.DataFrame:
    """All reporting-verb forms: DataFrame[form, lemma, verb_class]."""
    rows = [(f, lemma, c) for f, (lemma, c) in sorted(_verb_table(path).items())]
    return pd.DataFrame(rows, columns=["form", "lemma", "verb_class"])


def verb_class(verb: str) -> str | None:
    """Class of a reporting verb form.

    >>> verb_class("claimed"), verb_class("Said"), verb_class("admits"), verb_class("walked")
    ('distancing', 'neutral', 'conceding', None)
    """
    hit = _verb_table(None).get(str(verb).lower().strip())
    return hit[1] if hit else None


def _trie_alternation(forms) -> str:
    """A regex alternation of ``forms`` factored into a trie ("said|says|say" ->
    "sa(?:id|y(?:s)?)"), a space matching any whitespace run.

    Equivalent to the longest-first flat alternation: forms that can match at
    the same place are prefixes of one another, and the trie tries the longer
    continuation before stopping, i.e. the same order - but the regex engine
    no longer tries hundreds of alternatives at every position.
    """
    trie: dict = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        branches = []
        for ch in sorted(k for k in node if k):
            token = r"\s+" if ch == " " else re.escape(ch)
            branches.append(token + emit(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


@lru_cache(maxsize=1)
def _verb_alt() -> str:
    return _trie_alternation(sorted(_verb_table(None), key=len, reverse=True))


#: precompiled helper patterns (hot loops)
_RX0 = re.compile(r"\s*,\s*")
_RX1 = re.compile(r"(?<=[a-z]{2})\.$")
_RX2 = re.compile(r"['\u2019]s$")
_RX3 = re.compile(r"^(?:But|And|However|Meanwhile|Later|Then|Also|Still|Yet|So|Now|Instead)\s*,?\s+")
_RX4 = re.compile(r"\s*")
_RX5 = re.compile(r"[\s,;:]*(?:while|and|but|whereas)?[\s,;:]*$")
_RX6 = re.compile(r"\s*$")
_RX7 = re.compile(r"\s*[,;:]?\s*(?:adding|noting|saying|stressing|explaining)?\s*(?:that\s+)?")
_RX8 = re.compile(r"\s*[,;:]")
_RX9 = re.compile(r"\b(?:saying|said|adding|stating)\s*[:,]?\s*[\"\u201c]")
_RX10 = re.compile(r"\s*[:,]?\s*[\"\u201c]")
_RX11 = re.compile(r"\s*,?\s*[A-Za-z]")
_RX12 = re.compile(r"[\s,;]*(?:while|and|but|whereas)?\s*$")
#: a clause that opens with an adverbial ("said on Monday ...") is no reported content
_ADVERBIAL_START = re.compile(r"\s*(?:as|during|in|on|at|after|before|while|when|if|with|by|from|since|until|earlier|"
                              r"later|last|this|yesterday|today|on|in|\()\b", re.IGNORECASE)


# ----------------------------------------------------------------------------- speakers
_TITLES = vocabulary.SPEAKER_TITLES_EN
_PRONOUNS = vocabulary.SPEAKER_PRONOUNS_EN
_NAME = r"[A-Z][\w'\u2019.\-]*"
_CONNECT = r"(?:\s+(?:of|the|for|and|de|von|van|al|bin|da|del|du|le|la)\b)*"
#: a capitalised phrase, allowing "Ministry of Defence", "Vladimir Putin", "U.S."
_PROPER = rf"{_NAME}(?:{_CONNECT}\s+{_NAME})*"
_DETERMINERS = r"(?:the|a|an|one|another|two|three|several|some|many|his|her|their|its)"
_NOUN_WORD = r"[\w'\u2019\-]"
_NOUNISH = rf"(?:{_DETERMINERS}\s+)(?:{_NOUN_WORD}+\s+){{0,4}}?{_NOUN_WORD}+"
_PRON = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)"
_APPOSITIVE = r"(?:\s*,\s*(?:the\s+|a\s+|an\s+)?[a-z][\w\s'\u2019\-]{2,60}?,)?"
_SPEAKER = rf"(?:{_PROPER}{_APPOSITIVE}|{_PRON}|{_NOUNISH})"
#: _SPEAKER with possessive runs (``*+``, ``++``): the same matches where the speaker is followed by
#: whitespace or a comma (in "indirect"): a name's or word's characters ([\w'’.-]) are never
#: whitespace or a comma, so giving some back can never let the rest match - but the regex engine
#: no longer tries every shorter name and word before failing (the indirect regex ~25% faster)
_SPEAKER_ATOMIC = (rf"(?:{_NAME}+(?:{_CONNECT}\s+{_NAME}+)*{_APPOSITIVE}|{_PRON}|"
                   rf"(?:{_DETERMINERS}\s++)(?:{_NOUN_WORD}++\s++){{0,4}}?{_NOUN_WORD}++)")
_ADV = r"(?:\s+(?:also|later|then|further|previously|earlier|again|recently|reportedly|repeatedly|once|even|has|have|had|was|were|is|would|will|went\s+on\s+to|added\s+and|then\s+also))*"


#: what comes before the reporting verb in "indirect": the speaker, adverbs, white space
_INDIRECT_LEAD = rf"(?P<speaker>{_SPEAKER_ATOMIC}){_ADV}\s+"


@lru_cache(maxsize=1)
def _patterns():
    v = _verb_alt()
    return {
        # ...," Putin said / ," he questioned / ," the ministry said in a statement
        "after_sv": re.compile(rf"^[\s,.;:!?\-\u2013\u2014]*(?P<speaker>{_SPEAKER}){_ADV}\s+(?<!\bof )(?P<verb>{v})\b", re.UNICODE),
        # ...," said Putin
        "after_vs": re.compile(rf"^[\s,.;:!?\-\u2013\u2014]*(?P<verb>{v})\s+(?P<speaker>{_PROPER}|{_NOUNISH})", re.UNICODE),
        # ...," according to Putin
        "after_acc": re.compile(rf"^[\s,.;:!?\-\u2013\u2014]*(?:(?:he|she|it|they)\s+said\s+)?according\s+to\s+(?P<speaker>{_PROPER}|{_NOUNISH}|him|her|them|it)", re.UNICODE | re.IGNORECASE),
        # Putin said: "  / Putin told reporters, " / Zelenskyy commented ..., saying: "
        "before": re.compile(rf"(?s)^.*\b(?P<verb>{v})\b[^\"\u201c\u201d]{{0,60}}?[:,]?\s*$", re.UNICODE),
        "before_acc": re.compile(rf"according\s+to\s+(?P<speaker>{_PROPER}|{_NOUNISH}|him|her|them|it)\s*,?\s*$", re.UNICODE | re.IGNORECASE),
        # indirect: X said (that) ... / X accused Y of ... / According to X, ...
        "indirect": re.compile(rf"{_INDIRECT_LEAD}(?P<verb>{v})\b(?P<obj>(?:\s+(?:reporters|journalists|the\s+\w+|[A-Z][\w'\u2019\-]+(?:\s+[A-Z][\w'\u2019\-]+)*|him|her|them|us|me))?)(?P<that>\s*,?\s+(?:that|of|for|to|on|about|how|what|why|whether|if)\b)?", re.UNICODE),
        "indirect_acc": re.compile(rf"\b[Aa]ccording\s+to\s+(?P<speaker>{_PROPER}|{_NOUNISH}|him|her|them|it)\s*,\s*", re.UNICODE),
        "proper": re.compile(_PROPER),
        # implied by any match of "indirect" or "indirect_acc" (whitespace + a
        # reporting verb, or "according to"): a cheap necessary condition for
        # the RE2 pre-filter
        "cue": re.compile(rf"\s(?:{v})\b|[Aa]ccording\s+to\s", re.UNICODE),
        # a reporting verb after white space, as "indirect" reads it (for _indirect_matches)
        "spaced_verb": re.compile(rf"\s(?:{v})\b", re.UNICODE),
        # the subject of a verb before an opening quote (last speaker-like phrase), any name or
        # pronoun there, a noun phrase ending the text: compiled once, not looked up per quote
        "subject_before": re.compile(rf"(?P<s>{_SPEAKER}){_ADV}\s*,?\s*$"),
        "names_before": re.compile(rf"(?:{_PROPER}|\b(?:he|she|they|it|He|She|They|It)\b)"),
        "noun_phrase_end": re.compile(rf"({_NOUNISH})\s*$"),
    }


def _clean_speaker(raw: str) -> str:
    """Trim an appositive and determiners: 'Putin, the Russian leader,' -> 'Putin'."""
    s = raw.strip().strip(",").strip()
    s = _RX0.split(s)[0]
    return _RX1.sub("", s)


_KEY_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w'\u2019.\-]*")


def speaker_key(name: str | None) -> str:
    """Slug of a speaker name for matching without a gazetteer: the last
    capitalised word, lower-case, without possessive ('Vladimir Putin' ->
    'putin'; 'the ministry' -> 'the ministry').

    >>> speaker_key("Russian President Vladimir Putin"), speaker_key("Zelenskyy's"), speaker_key(None)
    ('putin', 'zelenskyy', '')
    """
    if not isinstance(name, str) or not name.strip():
        return ""
    words = _KEY_WORD.findall(name)
    caps = [w for w in words if w[0].isupper() and w.lower() not in _TITLES]
    word = caps[-1] if caps else " ".join(words).lower()
    return _RX2.sub("", word).rstrip(".").lower()


def _looks_like_name(phrase: str) -> bool:
    words = phrase.split()
    return bool(words) and words[0][0].isupper() and words[0].lower() not in _PRONOUNS and not (
        len(words) == 1 and words[0].lower() in {"the", "a", "an", "but", "and", "however", "meanwhile", "this", "that", "there", "it"})


#: the words _RX3 can strip: a phrase starting with none of them is returned as it is
_LEADING_WORDS = ("But", "And", "However", "Meanwhile", "Later", "Then", "Also", "Still", "Yet", "So", "Now",
                  "Instead")


def _strip_leading(phrase: str) -> str:
    # "But Putin" / "Meanwhile, Zelensky" / "On Monday Putin"
    if not phrase.startswith(_LEADING_WORDS):
        return phrase
    return _RX3.sub("", phrase)


# ----------------------------------------------------------------------------- article buffer
def _article_buffer_slow(starts, texts, ends_max) -> str:
    buf = [" "] * int(ends_max)
    for s, t in zip(starts, texts):
        buf[s:s + len(t)] = list(t)
    return "".join(buf)


def _buffer_from(starts: list, ends: list, texts: list) -> str:
    """The article text rebuilt from sentences sorted by start (gaps become
    spaces; a gap holding a paragraph break cannot be seen, so two spaces or
    more are treated as a possible break)."""
    pieces = []
    pos = 0
    for s, e, t in zip(starts, ends, texts):
        if not isinstance(t, str) or s < pos or e - s != len(t):
            return _article_buffer_slow(starts, texts, max(ends))
        if s > pos:
            pieces.append(" " * (s - pos))
        pieces.append(t)
        pos = e
    end = max(ends) if ends else 0
    if end > pos:
        pieces.append(" " * (end - pos))
    return "".join(pieces)


def _article_buffer(sents: pd.DataFrame) -> str:
    """Rebuild the article text from its sentences (see :func:`_buffer_from`)."""
    sents = sents.sort_values("start", kind="stable")
    return _buffer_from(sents["start"].tolist(), sents["end"].tolist(), sents["text"].tolist())


_OPEN = "\u201c\u00ab\u201e"
_CLOSE = "\u201d\u00bb"
_QUOTE_CHAR = re.compile('["\u201c\u00ab\u201e\u201d\u00bb]')


def _quote_spans(text: str, *, max_len: int = 3000) -> list[tuple[int, int]]:
    """Spans (start of content, end of content) of quotations in ``text``.

    Curly and guillemet quotes pair by direction; a straight double quote is an
    opener when preceded by space/start/opening punctuation and a closer
    otherwise. An opener seen while a quote is open restarts it (news style:
    a new paragraph re-opens a running quote without closing the previous)."""
    spans = []
    open_at = None
    n = len(text)
    for match in _QUOTE_CHAR.finditer(text):
        i = match.start()
        ch = text[i]
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if ch in _OPEN:
            is_open = True
        elif ch in _CLOSE:
            is_open = False
        else:
            is_open = (prev.isspace() or prev in "([{\u2014\u2013-:/" or i == 0) and not nxt.isspace()
            if not is_open and open_at is None and not (nxt.isspace() or nxt in ".,;:!?)" or i + 1 == n):
                is_open = True
        if is_open:
            if open_at is not None and i - open_at > 1:
                # an unclosed quote followed by a new opener: close the old one
                # only when the new opener starts a new paragraph-like block
                gap = text[max(open_at, i - 3):i]
                if "  " in gap or "\n" in gap:
                    spans.append((open_at, i - 1 - (len(gap) - len(gap.rstrip())) + 1))
            open_at = i + 1
        elif open_at is not None:
            if 0 < i - open_at <= max_len:
                spans.append((open_at, i))
            open_at = None
    return [(s, e) for s, e in spans if text[s:e].strip()]


#: quotation spans per (finder, article text): label_matches (in_quote) and quotes() pair the
#: quotation marks of the same articles one after the other in a pipeline chunk
_SPAN_MEMO: dict = {}
_SPAN_MEMO_MAX = 1024


def _spans_of(text: str, *, cyrillic: bool = False) -> list[tuple[int, int]]:
    """:func:`_quote_spans` (or ``quotes_cyr.cyr_quote_spans``) of ``text``, memoised."""
    key = (cyrillic, text)
    hit = _SPAN_MEMO.get(key)
    if hit is None:
        if cyrillic:
            from analysis.framing.quotes_cyr import cyr_quote_spans

            hit = tuple(cyr_quote_spans(text))
        else:
            hit = tuple(_quote_spans(text))
        if len(_SPAN_MEMO) >= _SPAN_MEMO_MAX:
            _SPAN_MEMO.clear()
        _SPAN_MEMO[key] = hit
    return list(hit)


def _article_groups(sentences: pd.DataFrame):
    """(article_id, row positions sorted by start, as a list) in order of first appearance."""
    ids = sentences["article_id"]
    codes, uniques = pd.factorize(ids, use_na_sentinel=False)
    starts = sentences["start"].to_numpy()
    order = np.lexsort((starts, codes))
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    values = ids.to_numpy(dtype=object)
    for g in range(len(uniques)):
        rows = order[bounds[g]:bounds[g + 1]].tolist()  # Python ints index the callers' lists faster
        yield values[rows[0]], rows


def _rebuilt_spans(text: str, langs, rows: list) -> list[tuple[int, int]]:
    """:func:`_spans_of` an article ``text`` rebuilt from the sentence ``rows``: the Russian/Ukrainian
    conventions when most of its sentences are Russian or Ukrainian (``langs``: :func:`_article_langs`)."""
    return _spans_of(text, cyrillic=langs is not None and _lang_of(langs, rows) in ("ru", "uk"))


def article_quote_spans(sentences: pd.DataFrame, *, article_ids=None) -> dict:
    """Quotation-mark spans per article: {article_id: [(start, end), ...]}
    (offsets of the quoted words in the article text), of every article or of those in ``article_ids``.
    :meth:`RebuiltArticles.quote_spans` without a :class:`RebuiltArticles`: only these articles are rebuilt
    and no sentence is cut back out (building one took 1.5x the CPU time on bench sentences)."""
    out = {}
    if sentences is None or len(sentences) == 0:
        return out
    starts, ends, texts = sentences["start"].tolist(), sentences["end"].tolist(), sentences["text"].tolist()
    langs = _article_langs(sentences)
    for aid, rows in _article_groups(sentences):
        if article_ids is not None and aid not in article_ids:
            continue
        text = _buffer_from([starts[r] for r in rows], [ends[r] for r in rows], [texts[r] for r in rows])
        out[aid] = _rebuilt_spans(text, langs, rows)
    return out


class RebuiltArticles:
    """The articles of one sentences table rebuilt from their sentences (:func:`_buffer_from`), once
    for the stages of a chunk that read them: :func:`quotes` and the ``in_quote`` flags of
    :func:`~analysis.framing.label_matches` (pass ``rebuilt=`` to both).

    ``articles``: (article_id, rows sorted by start, their starts, their ends, article text, index of
    the first sentence in ``stexts``; -1 for a missing article_id) in order of first appearance;
    ``stexts``: the sentences cut back out of their article text; ``langs``: see ``_article_langs``.

    >>> sents = pd.DataFrame({"article_id": ["a", "a"], "sentence_id": [0, 1], "start": [0, 12],
    ...                       "end": [11, 32], "text": ["He said no.", "\u201cWe wait,\u201d she said."]})
    >>> rebuilt = RebuiltArticles(sents)
    >>> rebuilt.quote_spans() == article_quote_spans(sents), rebuilt.quote_spans()
    (True, {'a': [(13, 21)]})
    """

    def __init__(self, sentences: pd.DataFrame):
        self.sentences = sentences
        self.articles: list[tuple] = []
        self.stexts: list[str] = []
        self.langs = None
        if sentences is None or len(sentences) == 0:
            return
        all_starts, all_ends, all_texts = sentences["start"].tolist(), sentences["end"].tolist(), sentences["text"].tolist()
        for aid, rows in _article_groups(sentences):
            starts = np.array([all_starts[r] for r in rows])
            s_ends = np.array([all_ends[r] for r in rows])
            text = _buffer_from(starts.tolist(), s_ends.tolist(), [all_texts[r] for r in rows])
            first = -1
            if not (aid is None or (isinstance(aid, float) and np.isnan(aid))):
                first = len(self.stexts)
                self.stexts.extend(text[st:en] for st, en in zip(starts.tolist(), s_ends.tolist()))
            self.articles.append((aid, rows, starts, s_ends, text, first))
        self.langs = _article_langs(sentences)

    def of(self, sentences: pd.DataFrame) -> RebuiltArticles:
        """Itself, when rebuilt from this very ``sentences`` table; else ValueError."""
        if sentences is not self.sentences:
            raise ValueError("rebuilt= holds the articles of another sentences table")
        return self

    def quote_spans(self, *, article_ids=None) -> dict:
        """:func:`article_quote_spans` of the table, from the rebuilt articles."""
        return {aid: _rebuilt_spans(text, self.langs, rows) for aid, rows, _starts, _ends, text, _first in self.articles
                if article_ids is None or aid in article_ids}


def _article_langs(sentences: pd.DataFrame):
    """The ``lang`` column as an array (None without one: every article is English)."""
    if "lang" not in sentences.columns:
        return None
    from analysis.framing._cyr import lang_column

    return lang_column(sentences)


def _lang_of(langs, rows) -> str:
    """An article's language: the most frequent ``lang`` of its sentences."""
    values = [langs[r] for r in rows]
    return max(set(values), key=values.count) if values else "en"


# ----------------------------------------------------------------------------- main
def _mention_table(sents: pd.DataFrame, mentions):
    if mentions is False:
        return None
    if mentions is not None:
        return mentions
    try:
        from analysis.entities import mentions as entity_mentions  # type: ignore
    except Exception:  # the entities module is optional
        return None
    try:
        return entity_mentions(sents)
    except Exception:
        return None


#: capitalised words that are not people: demonyms, places, months, weekdays, generic nouns
_NOT_PERSON = {
    "russian", "russians", "ukrainian", "ukrainians", "western", "american", "americans", "european", "europeans",
    "british", "german", "french", "polish", "belarusian", "chinese", "soviet", "nato", "eu", "un", "us", "u.s",
    "russia", "ukraine", "moscow", "kyiv", "kiev", "kursk", "belgorod", "crimea", "donbas", "donbass", "europe",
    "america", "washington", "london", "berlin", "paris", "warsaw", "minsk", "belarus", "poland", "germany",
    "china", "britain", "france", "west", "east", "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "the", "a", "an", "in", "on", "at", "this", "that", "these", "those", "but",
    "and", "however", "meanwhile", "since", "after", "before", "last", "next", "according", "it", "he", "she",
    "they", "we", "i", "armed", "forces", "army", "ministry", "defense", "defence", "government", "kremlin",
    "president", "minister", "reuters", "ap", "afp", "tass", "ria", "interfax", "bbc", "cnn", "comments", "keep",
    "aug", "sept", "oct", "nov", "dec", "jan", "feb", "mar", "apr", "jun", "jul", "what", "there", "if",
    "when", "while", "as", "for", "with", "by", "from", "to", "of", "our", "his", "her", "their", "its",
}
_ORG_WORDS = re.compile(r"\b(Ministry|Office|Kremlin|Government|Council|Forces|Army|Service|Agency|Committee|Party|"
                        r"Union|Nations|NATO|House|Department|Staff|Command|Parliament|Duma|Rada|Court|Bank|"
                        r"Commission|Organi[sz]ation|Embassy|Police|Guard)\b")


def _person_like(name: str) -> bool:
    return not _ORG_WORDS.search(name) and _has_person_word(name)


def _has_person_word(name: str) -> bool:
    """Is a word of ``name`` (trimmed, lower-cased, without a possessive 's) neither a non-person
    word nor a title?"""
    for word in name.split():
        word = word.strip(".,'\u2019").lower()
        if word.endswith(("'s", "\u2019s")):  # _RX2 on a word: split() leaves no newline for "$"
            word = word[:-2]
        if word not in _NOT_PERSON and word not in _TITLES:
            return True
    return False


_SIMPLE_NAME = re.compile(r"(?:[A-Z][\w'\u2019.\-]+\s+){0,3}[A-Z][\w'\u2019\-]+")


@lru_cache(maxsize=65536)
def _name_info(name: str) -> tuple[str, bool, bool, bool, str, bool]:
    """What :class:`_Context` needs to know about a name (pure, so cached):
    (name without trailing punctuation, person-like, simple, several words,
    surname key, organisation-like)."""
    name = name.rstrip(".,")
    org = _ORG_WORDS.search(name) is not None  # searched once for both flags
    return (name, not org and _has_person_word(name), _SIMPLE_NAME.fullmatch(name) is not None,
            len(name.split()) >= 2, speaker_key(name), org or name.lower().rstrip("'\u2019s") in _NOT_PERSON)


class _Context:
    """Running memory of the last named person / organisation in an article.

    Lazy: names are only read from sentences (and remembered) when a pronoun
    or role actually needs resolving, which most sentences never do; the
    queue keeps reading order, so the answer is the same as eager reading.
    Sentences are queued as ranges of their indices (``read_upto``), not one
    by one.
    """

    def __init__(self, in_quote=None, proper=None, *, stexts=(), starts=()):
        self._person: tuple[str, int, int] | None = None
        self._group: tuple[str, int, int] | None = None
        self.surnames: set[str] = set()
        self._pending: list = []
        self._in_quote = in_quote
        self._proper = proper
        self._stexts = stexts
        self._starts = starts
        self._read = 0

    def read_upto(self, k: int):
        """Queue the names of the sentences before index ``k`` (those outside quotation marks)."""
        if k > self._read:
            pending = self._pending
            if pending and pending[-1][2] is None:
                # right after the last queued range (nothing seen in between): one range, one scan
                pending[-1] = (pending[-1][0], k, None)
            else:
                pending.append((self._read, k, None))
            self._read = k

    def see(self, name: str, s: int, e: int, *, speaker: bool = False):
        self._pending.append((name, s, speaker))

    def _flush(self):
        pending, self._pending = self._pending, []
        for first, pos, speaker in pending:
            if speaker is None:
                self._read_names(first, pos)
            else:
                self._see(_name_info(first), pos, speaker)

    def _read_names(self, k0: int, k1: int):
        """Remember the names of sentences ``k0`` to ``k1 - 1`` outside quotation marks: one scan
        of the sentences joined at NUL (no name runs over one), each hit mapped back to its sentence."""
        stexts, starts, in_quote = self._stexts, self._starts, self._in_quote
        k, base = k0, 0
        stop = len(stexts[k]) + 1  # where sentence k's text ends in the joined text, + 1
        for m in self._proper.finditer("\0".join(stexts[k0:k1])):
            at = m.start()
            while at >= stop:
                k += 1
                base = stop
                stop += len(stexts[k]) + 1
            reading = _name_reading(m.group())
            if reading is None or (reading[0] and at == base):
                continue
            ns = starts[k] + at - base + reading[1]
            if not in_quote[ns]:
                self._see(reading[2], ns, False)

    def _see(self, info: tuple, s: int, speaker: bool):
        name, person_like, simple, several, key, orgish = info
        if person_like and (speaker or (simple and (several or key in self.surnames))):
            if several:
                self.surnames.add(key)
            self._person = (name, s, s + len(name))
        elif orgish:
            self._group = (name, s, s + len(name))

    @property
    def person(self):
        if self._pending:
            self._flush()
        return self._person

    @property
    def group(self):
        if self._pending:
            self._flush()
        return self._group

    def resolve(self, pronoun: str):
        kind = _PRONOUNS.get(pronoun.lower())
        if kind == "person":
            return self.person
        if kind in {"group", "org"}:
            return self.group or (self.person if kind == "group" else None)
        return None


class _Mentions:
    """One article's entity mentions as arrays (first overlapping mention wins)."""

    def __init__(self, starts, ends, eids):
        self.starts, self.ends, self.eids = starts, ends, eids
        self._bisect: tuple | None = None

    def first_overlapping(self, s, e) -> int | None:
        """The first mention (in row order) with ``start < e`` and ``end > s``, or None."""
        if self._bisect is None:
            starts, ends = self.starts, self.ends
            ordered = starts.dtype.kind in "iu" and ends.dtype.kind in "iu" and bool((starts[1:] >= starts[:-1]).all())
            # ``reach[i]``: the furthest end of mentions 0..i
            self._bisect = (starts.tolist(), np.maximum.accumulate(ends).tolist()) if ordered else ()
        if self._bisect:
            # mentions in start order (as the entities stage gives them): those starting before e come
            # first, and the first of all whose end passes s is where the furthest end first passes s:
            # two bisections instead of numpy over every mention for every quote
            starts, reach = self._bisect
            first = bisect_right(reach, s)
            return first if first < bisect_left(starts, e) else None
        overlaps = (self.starts < e) & (self.ends > s)
        first = int(overlaps.argmax())  # the first True, or 0 when there is none
        return first if overlaps[first] else None


def _mention_groups(ments_all) -> dict:
    if ments_all is None or not len(ments_all):
        return {}
    starts = ments_all["start"].to_numpy()
    ends = ments_all["end"].to_numpy()
    eids = (ments_all["entity_id"].to_numpy(dtype=object) if "entity_id" in ments_all.columns
            else np.full(len(ments_all), None, dtype=object))
    codes, uniques = pd.factorize(ments_all["article_id"], use_na_sentinel=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    out = {}
    for g, aid in enumerate(uniques):
        rows = order[bounds[g]:bounds[g + 1]]
        out[aid] = _Mentions(starts[rows], ends[rows], eids[rows])
    return out


def _entity_for(span, ments):
    if ments is None or span is None or not len(ments.starts):
        return None, None
    first = ments.first_overlapping(*span)
    if first is None:
        return None, None
    eid = ments.eids[first]
    if eid is None or (isinstance(eid, float) and np.isnan(eid)):
        return None, None
    return str(eid), None


@lru_cache(maxsize=65536)
def _name_reading(found: str) -> tuple[bool, int, tuple] | None:
    """How the context reads a capitalised phrase ``found`` in a sentence (pure, so cached):
    None when it never names anyone, else (ignored at the sentence's start, offset of the name
    in ``found``, :func:`_name_info` of the name). "But Putin." names "Putin" at 4; a single
    word such as "The" or "He" is no name at a sentence's start (there it is capitalised anyway).

    >>> _name_reading("But Putin.")[:2], _name_reading("He")[:2], _name_reading("Kremlin")[2][5]
    ((False, 4), (True, 0), True)
    """
    name = _strip_leading(found)
    words = name.split()
    if not words:
        return None
    initial = len(words) == 1 and words[0].lower() in {"the", "a", "but", "and", "in", "on", "at", "it", "this", "he",
                                                       "she", "they", "we", "i"}
    name = name.rstrip(".")
    return initial, len(found.rstrip(".")) - len(name), _name_info(name)


#: dtypes of :func:`quotes` output (article_id keeps the input's dtype)
QUOTE_DTYPES = {"sentence_id": "int64", "start": "int64", "end": "int64", "quote": "str", "speaker": "str",
                "speaker_entity_id": "str", "speaker_start": "Int64", "speaker_end": "Int64", "verb": "str",
                "verb_lemma": "str", "verb_class": "str", "quote_type": "str", "n_words": "int64"}


def _typed(frame: pd.DataFrame, columns, dtypes, id_dtype) -> pd.DataFrame:
    """``frame`` with fixed dtypes, the same whether it has rows or not."""
    return _typed_columns({column: frame[column].to_numpy(dtype=object) for column in columns} if len(frame) else {},
                          columns, dtypes, id_dtype)


def _typed_columns(data: dict, columns, dtypes, id_dtype) -> pd.DataFrame:
    """A frame of ``columns`` with fixed dtypes from ``data`` ({column: values}; {} for no rows):
    a missing string or nullable integer (None or NaN) becomes missing."""
    out = {}
    for column in columns:
        values = np.array(data[column], dtype=object) if data else np.array([], dtype=object)
        dtype = id_dtype if column == "article_id" else dtypes[column]
        if dtype in ("str", "Int64"):
            values = np.array([None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in values],
                              dtype=object)
        out[column] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(out, columns=list(columns))


def quotes(sentences: pd.DataFrame, *, mentions=None, min_words: int = 2,
           rebuilt: RebuiltArticles | None = None) -> pd.DataFrame:
    """Direct and indirect quotes with speaker and reporting verb.

    Parameters
    ----------
    sentences : :func:`analysis.text.sentences` output (offsets into the
        article text; quotes spanning several sentences are found because the
        article is rebuilt from its sentences).
    mentions : an ``analysis.entities.mentions`` table, ``None`` (use the
        entities module when importable) or ``False`` (never).
    min_words : shorter quoted spans (scare quotes around one word, titles)
        are kept only when a speaker cue is found next to them.
    rebuilt : the :class:`RebuiltArticles` of ``sentences``, when another stage of the
        chunk (:func:`~analysis.framing.label_matches`) has rebuilt its articles already.

    Returns
    -------
    DataFrame[article_id, sentence_id, start, end, quote, speaker,
    speaker_entity_id, speaker_start, speaker_end, verb, verb_lemma,
    verb_class, quote_type, n_words] - ``start``/``end`` are offsets of the
    quoted words in the article text (without the quotation marks);
    ``quote_type`` is ``direct`` or ``indirect``; ``speaker`` is the resolved
    name (a pronoun is replaced by the last named person); unresolved
    speakers are missing. Dtypes are fixed (:data:`QUOTE_DTYPES`; strings as
    ``str``, ``speaker_start``/``speaker_end`` as nullable ``Int64``) whether
    a chunk has no, some or only unattributed quotes; ``article_id`` keeps the
    input's dtype.
    """
    from analysis.framing._prefilter import TextBatch

    cols = QUOTE_COLUMNS
    if sentences is None or len(sentences) == 0:
        id_dtype = sentences["article_id"].dtype if sentences is not None and "article_id" in sentences else object
        return _typed(pd.DataFrame(columns=cols), cols, QUOTE_DTYPES, id_dtype)
    ments_by_article = _mention_groups(_mention_table(sentences, mentions))
    pats = _patterns()

    # pass 1: each article rebuilt and its sentences cut back out of it (once for the chunk's stages)
    rebuilt = RebuiltArticles(sentences) if rebuilt is None else rebuilt.of(sentences)
    stexts = rebuilt.stexts
    all_sids = sentences["sentence_id"].tolist()
    # sentences where no indirect-speech cue can match skip the (slow) cue regexes
    may_cue = TextBatch(stexts).mask(pats["cue"], dense=True)  # a third of the sentences pass

    rows_out = []
    langs = rebuilt.langs
    for aid, rows, starts, s_ends, text, first in rebuilt.articles:
        if first < 0:
            continue  # a missing article_id (groupby drops missing keys)
        ments = ments_by_article.get(aid)
        sids = np.array([all_sids[r] for r in rows])
        if langs is not None:
            code = _lang_of(langs, rows)
            if code in ("ru", "uk"):  # Russian/Ukrainian conventions and verbs by lemma
                from analysis.framing.quotes_cyr import cyr_quotes_for_article

                rows_out.extend(cyr_quotes_for_article(aid, text, starts, s_ends, sids, code, ments))
                continue

        spans = _spans_of(text)
        # events in reading order so pronouns see the names before them: the quotes and the sentences
        # that may hold indirect speech (every sentence before an event is read into the context first)
        cues = np.flatnonzero(may_cue[first:first + len(starts)]).tolist()
        if not spans and not cues:
            continue
        starts_list, ends_list, sids_list = starts.tolist(), s_ends.tolist(), sids.tolist()

        def sid_at(pos, starts=starts_list, sids=sids_list):
            return int(sids[max(bisect_right(starts, pos) - 1, 0)])

        def sent_bounds(pos, starts=starts_list, s_ends=ends_list):
            k = max(bisect_right(starts, pos) - 1, 0)
            return int(starts[k]), int(s_ends[k])

        in_quote = np.zeros(len(text) + 1, dtype=bool)
        for s, e in spans:
            in_quote[max(s - 1, 0):e + 1] = True
        in_quote = in_quote.tobytes()  # read one offset at a time below: bytes index faster than numpy
        ctx = _Context(in_quote, pats["proper"], stexts=stexts[first:first + len(starts)], starts=starts_list)
        # (pos, 0 for a sentence / 1 for a quote, payload): at one position sentences come first, and
        # the payloads (sentence index, span) rise in insertion order, so a plain sort is the stable one
        events = [(s, 1, (s, e)) for s, e in spans]
        events.extend((starts_list[k], 0, k) for k in cues)
        events.sort()

        last_direct = None
        for pos, kind, payload in events:
            if kind == 0:
                k = payload
                ctx.read_upto(k)
                # indirect speech in the parts of the sentence outside quotes
                rows_out.extend(_indirect(aid, int(sids_list[k]), stexts[first + k], pos, in_quote, ctx, ments, pats))
                ctx.read_upto(k + 1)
                continue
            ctx.read_upto(bisect_right(starts_list, pos))
            s, e = payload
            quote = text[s:e]
            n_words = len(quote.split())
            found = _attribute_direct(text, s, e, sent_bounds, pats)
            speaker = verb = None
            sp_span = None
            if found:
                speaker, verb, sp_span = found
            elif last_direct is not None and last_direct["speaker"] is not None and n_words >= 4 and \
                    _RX4.fullmatch(text[last_direct["end"] + 1:s - 1]) is None and \
                    len(text[last_direct["end"] + 1:s - 1]) < 4:
                speaker, verb, sp_span = last_direct["speaker"], last_direct["verb"], last_direct["sp_span"]
            if speaker is None and n_words < max(min_words, 4):
                continue
            if speaker is None and n_words < 4:
                continue
            resolved, r_span = _resolve(speaker, sp_span, ctx)
            if r_span is not None and resolved and _looks_like_name(resolved):
                ctx.see(resolved, *r_span, speaker=True)
            eid, _ = _entity_for(r_span, ments)
            lemma_cls = _verb_table(None).get(verb.lower()) if verb else None
            rec = {
                "article_id": aid, "sentence_id": sid_at(s), "start": s, "end": e, "quote": quote,
                "speaker": resolved, "speaker_entity_id": eid or (speaker_key(resolved) if resolved else None),
                "speaker_start": r_span[0] if r_span else None, "speaker_end": r_span[1] if r_span else None,
                "verb": verb, "verb_lemma": lemma_cls[0] if lemma_cls else None,
                "verb_class": lemma_cls[1] if lemma_cls else None, "quote_type": "direct", "n_words": n_words,
            }
            rows_out.append(rec)
            last_direct = {"end": e, "speaker": speaker, "verb": verb, "sp_span": sp_span}
    id_dtype = sentences["article_id"].dtype
    if not rows_out:
        return _typed_columns({}, cols, QUOTE_DTYPES, id_dtype)
    # rows by article and start (stable), as columns: no frame of Python rows is built and re-read
    keys = pd.DataFrame({"article_id": [r["article_id"] for r in rows_out], "start": [r["start"] for r in rows_out]})
    order = keys.sort_values(["article_id", "start"], kind="stable").index.tolist()
    data = {c: [rows_out[i][c] for i in order] for c in cols}
    _inherit_from_enclosing(data)
    return _typed_columns(data, cols, QUOTE_DTYPES, id_dtype)


def _inherit_from_enclosing(data: dict) -> None:
    """A quoted fragment inside an indirect quote ('Putin accused Kyiv of a
    "provocation"') is the indirect speaker's words: inherit speaker and verb.
    ``data`` is the quote table as {column: list of values} sorted by article and start; changed in place."""
    kinds = data["quote_type"]
    if "indirect" not in kinds:
        return
    cols = ["speaker", "speaker_entity_id", "speaker_start", "speaker_end", "verb", "verb_lemma", "verb_class"]
    aids, qstarts, qends = data["article_id"], list(data["start"]), list(data["end"])  # as before any change
    indirect: dict = {}  # article_id -> its indirect quotes, in row order
    for j, t in enumerate(kinds):
        if t == "indirect":
            indirect.setdefault(aids[j], []).append(j)
    direct = [(i, data["speaker"][i], data["speaker_start"][i]) for i, t in enumerate(kinds) if t == "direct"]
    for i, own, own_start in direct:
        j = next((j for j in indirect.get(aids[i], ()) if qstarts[j] <= qstarts[i] and qends[j] >= qends[i]), None)
        if j is None:
            continue
        if own is None or (isinstance(own, float) and np.isnan(own)):
            for c in cols:
                data[c][i] = data[c][j]
        elif speaker_key(own) != speaker_key(data["speaker"][j]) and pd.notna(own_start) \
                and data["start"][j] < own_start < data["end"][j]:
            # another voice inside the sentence: the indirect quote ends before it
            cut = data["quote"][j][: int(own_start) - int(data["start"][j])]
            cut = _RX5.sub("", cut)
            data["quote"][j] = cut
            data["end"][j] = int(data["start"][j]) + len(cut)
            data["n_words"][j] = len(cut.split())


_ROLE = re.compile(r"^(?:the|this|that)\s+(?:[\w'\u2019.\-]+\s+){0,4}?(?:president|minister|leader|chairman|"
                   r"chairwoman|chancellor|pope|pontiff|head of state|head|secretary|premier|politician|scientist|"
                   r"diplomat|general|commander|king|queen|senator|governor|mayor|ambassador|envoy|prime minister|"
                   r"foreign minister|\d+-year-old|speaker|mp|lawmaker|analyst|expert|politician)"
                   r"(?:\s+of\s+[\w\s]{1,40})?$", re.IGNORECASE)


_UNNAMED = re.compile(r"^(?:the|a|an)\s+(?:[\w'\u2019.\-]+\s+){0,4}?(?:officials?|ministry|spokes(?:man|woman|person)|"
                      r"department|statement|military|army|agency|sources?|embassy|kremlin|office|government)$",
                      re.IGNORECASE)


def _resolve(speaker, sp_span, ctx):
    if speaker is None:
        return None, None
    sp = speaker.strip()
    low = sp.lower()
    if _ROLE.match(sp) and ctx.person is not None:
        # "the French president" / "the minister" after a named person: the same person
        return ctx.person[0], (ctx.person[1], ctx.person[2])
    if low in _PRONOUNS:
        hit = ctx.resolve(low)
        return (hit[0], (hit[1], hit[2])) if hit else (None, None)
    return _clean_speaker(sp), sp_span


def _attribute_direct(text, s, e, sent_bounds, pats):
    """Speaker cue after the closing quote, else before the opening quote."""
    tail_start = e + 1
    _, sent_end = sent_bounds(min(e, len(text) - 1))
    tail = text[tail_start:max(sent_end, tail_start)][:200]
    for key in ("after_acc", "after_sv", "after_vs"):
        m = pats[key].match(tail)
        if m:
            sp = m.group("speaker")
            if key == "after_sv" and _looks_like_name(sp) and not _person_like(sp) and not _ORG_WORDS.search(sp) \
                    and speaker_key(sp) in _NOT_PERSON | {"of", "as", "each", "speaking", "the"}:
                continue
            if key == "after_sv" and not (_looks_like_name(sp) or sp.lower() in _PRONOUNS or sp.split()[0].lower() in {"the", "a", "an", "one", "another", "his", "her", "their", "its"}):
                continue
            verb = m.groupdict().get("verb") or "according to"
            off = tail_start + m.start("speaker")
            name = _clean_speaker(_strip_leading(sp))
            start = off + len(sp) - len(_strip_leading(sp))
            return name, verb, (start, start + len(name))
    sent_start, _ = sent_bounds(max(s - 2, 0))
    head = text[sent_start:max(s - 1, sent_start)]
    m = pats["before_acc"].search(head)
    if m:
        off = sent_start + m.start("speaker")
        return m.group("speaker"), "according to", (off, off + len(m.group("speaker")))
    m = pats["before"].search(head)
    if m:
        verb = m.group("verb")
        lead = head[:m.start("verb")]
        # the subject: last proper name / pronoun / noun phrase before the verb
        subj = None if verb.lower().endswith("ing") else pats["subject_before"].search(lead)
        if subj and ((_looks_like_name(subj.group("s")) and (_person_like(subj.group("s")) or _ORG_WORDS.search(subj.group("s"))))
                     or subj.group("s").lower() in _PRONOUNS or _ROLE.match(subj.group("s")) or _UNNAMED.match(subj.group("s"))):
            name = _strip_leading(_clean_speaker(subj.group("s")))
            off = sent_start + subj.start("s") + (len(subj.group("s")) - len(_strip_leading(subj.group("s"))))
            return name, verb, (off, off + len(name))
        cands = [c for c in pats["names_before"].finditer(lead)
                 if c.group().lower() in _PRONOUNS or _person_like(_strip_leading(c.group()))]
        if cands and verb.lower().endswith("ing"):
            # "..., X commented on Y, saying:" - the subject of the clause before the participle
            body = lead.rstrip(" ,;:")
            cut = max(body.rfind(","), body.rfind(";"))
            inside = [c for c in cands if c.start() > cut]
            cands = inside[:1] or cands[:1]
        if cands and (verb.lower().endswith("ing") or len(lead[cands[-1].end():].split()) <= 3):
            c = cands[-1]
            name = _strip_leading(c.group())
            off = sent_start + c.end() - len(name)
            return name, verb, (off, off + len(name))
        np_ = pats["noun_phrase_end"].search(lead.strip())
        if np_:
            off = sent_start + np_.start(1)
            return np_.group(1), verb, (off, off + len(np_.group(1)))
    return None


_SPACE = re.compile(r"\s")


@lru_cache(maxsize=1)
def _lead_finder():
    """RE2 (compiled once) finding the leftmost start of a speaker-and-adverbs run (a superset of
    ``_INDIRECT_LEAD``) that ends where a text ends, or None without google-re2."""
    from analysis.framing._prefilter import compiled_re2, superset

    pattern = superset(re.compile(_INDIRECT_LEAD))
    return None if pattern is None else compiled_re2(pattern + "$")


def _lead_start(finder, stext: str, verb_at: int, encoded: bytes | None = None) -> int:
    """No match of "indirect" whose verb starts at ``verb_at`` starts before the returned offset
    (``len(stext)``: none can; 0 when RE2 cannot tell): the text before the verb must end with a
    speaker, adverbs and white space, and RE2 gives the leftmost start of such a run.
    ``encoded``: ``stext`` of an ASCII sentence as bytes, encoded once for all its verbs."""
    if finder is None:
        return 0
    if encoded is not None:  # ASCII: byte offsets are character offsets
        head = encoded[:verb_at]
    else:
        try:
            head = stext[:verb_at].encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate
            return 0
    start = finder.Match(type(finder).Anchor.UNANCHORED, head, 0, len(head))[0][0]
    if start < 0:
        return len(stext)
    return start if encoded is not None or stext.isascii() else len(head[:start].decode("utf-8"))


def _indirect_matches(stext: str, pats) -> list[re.Match]:
    """``pats["indirect"].finditer(stext)``, scanning only from the first place a match could start
    to the last reporting verb.

    Every match holds white space and a verb there (``spaced_verb``), so it starts no earlier than
    the leftmost run of speaker, adverbs and white space that ends at one of the verbs
    (:func:`_lead_start`, RE2, one call per verb): the scan starts there, not at 0. The last verb
    hit ends at ``stop``, so no match starts at or after ``stop``: the search stops once a match
    ends there or later (the whole text is searched, so each match is the whole text's; only
    a search that finds nothing reads on to the end). A verb of several words could hide another
    verb inside its hit: then the whole text is scanned.

    >>> pats = _patterns()
    >>> text = "Putin said that the West lied, and he warned Europe. Then nothing more was heard of it."
    >>> [m.span() for m in _indirect_matches(text, pats)] == [m.span() for m in pats["indirect"].finditer(text)]
    True
    """
    rx = pats["indirect"]
    finder = _lead_finder()
    first, stop = len(stext), 0
    encoded = None
    for hit in pats["spaced_verb"].finditer(stext):
        if _SPACE.search(hit.group(), 1):
            return list(rx.finditer(stext))
        stop = hit.end()
        if first:
            if encoded is None and stext.isascii():
                encoded = stext.encode("ascii")
            first = min(first, _lead_start(finder, stext, hit.start() + 1, encoded))
    found = []
    while first < stop:  # finditer's steps (a match is never empty), from first and up to stop
        m = rx.search(stext, first)
        if m is None:
            break
        found.append(m)
        first = m.end()
    return found


def _indirect(aid, sid, stext, offset, in_quote, ctx, ments, pats):
    out = []
    if _RX6.match(stext):
        return out
    m = pats["indirect_acc"].search(stext) if "ccording" in stext else None  # "[Aa]ccording" or no match
    found = []
    if m and not in_quote[offset + m.start()]:
        found.append((m.group("speaker"), "according to", m.start("speaker"), m.end("speaker"), m.end()))
    for m in _indirect_matches(stext, pats):
        if in_quote[offset + m.start("verb")]:
            continue
        verb = m.group("verb")
        v = verb.lower()
        if v.endswith("ing"):
            # "saying: ..." belongs to a direct quote. Bare forms stay: "Officials say that ..."
            # is present-tense reporting (a bare-lemma test here never excluded anything)
            continue
        sp = _strip_leading(m.group("speaker"))
        if not (_looks_like_name(sp) or sp.lower() in _PRONOUNS or sp.split()[0].lower() in {"the", "a", "an", "his", "her", "their", "its"}):
            continue
        if sp.split()[0].lower() in {"the", "a", "an"} and len(sp.split()) == 1:
            continue
        content_start = m.end()
        rest = stext[content_start:]
        lead = _RX7.match(rest)
        if not m.group("that") and lead and _RX8.match(rest):
            content_start += lead.end()
            rest = stext[content_start:]
            if not lead.group().strip(" ,;:"):
                continue  # "X said, ..." with no clause cue: a quote or an aside, not indirect speech
        if len(rest.split(None, 2)) < 3 or _RX9.search(rest[:80]):  # fewer than three words
            continue
        takes_object = verb_class(verb) in {"accusatory", "denying"}
        if not m.group("that") and not takes_object and _ADVERBIAL_START.match(rest):
            continue
        # a direct quote right after the verb ("Putin said: "...") is not indirect
        if _RX10.match(stext, m.end("verb")) or in_quote[min(offset + content_start + 1, len(in_quote) - 1)]:
            continue
        # accusatory/denying verbs take an object + "of"/"for" ("accused Kyiv of X")
        if not m.group("that") and not takes_object and not _RX11.match(rest):
            continue
        sp_start = m.start("speaker") + (len(m.group("speaker")) - len(sp))
        found.append((sp, verb, sp_start, sp_start + len(sp), m.end("obj") if takes_object else content_start))
    found.sort(key=lambda f: f[2])
    # drop cues inside an earlier cue's speaker/verb region; each content runs to the next cue
    kept = []
    for f in found:
        if kept and f[2] < kept[-1][4]:
            continue
        kept.append(f)
    found = kept
    for i, (sp, verb, ss, se, cs) in enumerate(found):
        stop = found[i + 1][2] if i + 1 < len(found) else len(stext)
        seg = stext[cs:stop]
        seg = _RX12.sub("", seg) if i + 1 < len(found) else seg
        content = seg.strip()
        if not content or len(content.split()) < 3:
            continue
        c0 = offset + cs + (len(stext[cs:]) - len(stext[cs:].lstrip()))
        resolved, r_span = _resolve(sp if sp.lower() not in {"him", "her", "them"} else sp.lower(), (offset + ss, offset + se), ctx)
        if resolved is None:
            continue
        eid, _ = _entity_for(r_span, ments)
        lemma_cls = _verb_table(None).get(verb.lower())
        out.append({
            "article_id": aid, "sentence_id": sid, "start": c0, "end": c0 + len(content), "quote": content,
            "speaker": resolved, "speaker_entity_id": eid or speaker_key(resolved),
            "speaker_start": r_span[0] if r_span else None, "speaker_end": r_span[1] if r_span else None,
            "verb": verb, "verb_lemma": lemma_cls[0] if lemma_cls else "according to",
            "verb_class": lemma_cls[1] if lemma_cls else "neutral", "quote_type": "indirect",
            "n_words": len(content.split()),
        })
    return out


def quote_summary(quotes_frame: pd.DataFrame, articles: pd.DataFrame | None = None, *, by: str = "outlet",
                  speaker: str = "speaker_entity_id") -> pd.DataFrame:
    """Who gets quoted by whom, how much, with which verbs.

    Returns DataFrame[<by>, <speaker>, n_quotes, n_direct, n_indirect,
    words_quoted, share_of_quotes, n_articles, <verb_class>...] - one row per
    group and speaker; verb-class columns count quotes per class.
    """
    q = with_group(quotes_frame, articles, by)
    q[speaker] = q[speaker].fillna("(unattributed)")
    if q.empty:
        return pd.DataFrame(columns=[by, speaker, "n_quotes", "n_direct", "n_indirect", "words_quoted",
                                     "share_of_quotes", "n_articles"])
    # quote types counted as boolean sums: one vectorised pass, not a Python call per group
    kind = q["quote_type"].astype(object)
    q = q.assign(_direct=(kind == "direct").to_numpy(bool), _indirect=(kind == "indirect").to_numpy(bool))
    g = q.groupby([by, speaker], dropna=False)
    out = g.agg(n_quotes=("quote", "size"),
                n_direct=("_direct", "sum"),
                n_indirect=("_indirect", "sum"),
                words_quoted=("n_words", "sum"),
                n_articles=("article_id", "nunique")).reset_index()
    out["share_of_quotes"] = out["n_quotes"] / out.groupby(by)["n_quotes"].transform("sum")
    classes = q.pivot_table(index=[by, speaker], columns="verb_class", values="quote", aggfunc="size", fill_value=0)
    out = out.merge(classes.reset_index(), on=[by, speaker], how="left")
    return out.sort_values([by, "n_quotes"], ascending=[True, False]).reset_index(drop=True)
