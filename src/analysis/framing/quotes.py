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
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.framing._lexicon import resolve

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
    rows = [(f, l, c) for f, (l, c) in sorted(_verb_table(path).items())]
    return pd.DataFrame(rows, columns=["form", "lemma", "verb_class"])


def verb_class(verb: str) -> str | None:
    """Class of a reporting verb form.

    >>> verb_class("claimed"), verb_class("Said"), verb_class("admits"), verb_class("walked")
    ('distancing', 'neutral', 'conceding', None)
    """
    hit = _verb_table(None).get(str(verb).lower().strip())
    return hit[1] if hit else None


@lru_cache(maxsize=1)
def _verb_alt() -> str:
    forms = sorted(_verb_table(None), key=len, reverse=True)
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)


# ----------------------------------------------------------------------------- speakers
_TITLES = {
    "president", "prime", "minister", "ministers", "foreign", "defence", "defense", "secretary", "general",
    "spokesman", "spokeswoman", "spokesperson", "chancellor", "chief", "commander", "deputy", "mayor",
    "governor", "ambassador", "senator", "sen.", "rep.", "gen.", "lt.", "col.", "maj.", "mr.", "mrs.", "ms.",
    "dr.", "prof.", "former", "russian", "ukrainian", "us", "u.s.", "american", "british", "german", "french",
    "polish", "belarusian", "kremlin", "head", "leader", "speaker", "state", "vice", "the", "pope", "king",
    "queen", "director", "director-general", "adviser", "advisor", "official", "officials", "envoy",
    "press", "analyst", "expert", "lawmaker", "mp", "colonel", "lieutenant", "captain", "sergeant",
}
_PRONOUNS = {"he": "person", "she": "person", "him": "person", "her": "person", "they": "group",
             "them": "group", "it": "org", "we": "self", "i": "self"}
_NAME = r"[A-Z][\w'\u2019.\-]*"
_CONNECT = r"(?:\s+(?:of|the|for|and|de|von|van|al|bin|da|del|du|le|la)\b)*"
#: a capitalised phrase, allowing "Ministry of Defence", "Vladimir Putin", "U.S."
_PROPER = rf"{_NAME}(?:{_CONNECT}\s+{_NAME})*"
_NOUNISH = r"(?:(?:the|a|an|one|another|two|three|several|some|many|his|her|their|its)\s+)(?:[\w'\u2019\-]+\s+){0,4}?[\w'\u2019\-]+"
_PRON = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I)"
_SPEAKER = rf"(?:{_PROPER}(?:\s*,\s*(?:the\s+|a\s+|an\s+)?[a-z][\w\s'\u2019\-]{{2,60}}?,)?|{_PRON}|{_NOUNISH})"
_ADV = r"(?:\s+(?:also|later|then|further|previously|earlier|again|recently|reportedly|repeatedly|once|even|has|have|had|was|were|is|would|will|went\s+on\s+to|added\s+and|then\s+also))*"


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
        "indirect": re.compile(rf"(?P<speaker>{_SPEAKER}){_ADV}\s+(?P<verb>{v})\b(?P<obj>(?:\s+(?:reporters|journalists|the\s+\w+|[A-Z][\w'\u2019\-]+(?:\s+[A-Z][\w'\u2019\-]+)*|him|her|them|us|me))?)(?P<that>\s*,?\s+(?:that|of|for|to|on|about|how|what|why|whether|if)\b)?", re.UNICODE),
        "indirect_acc": re.compile(rf"\b[Aa]ccording\s+to\s+(?P<speaker>{_PROPER}|{_NOUNISH}|him|her|them|it)\s*,\s*", re.UNICODE),
        "proper": re.compile(_PROPER),
    }


def _clean_speaker(raw: str) -> str:
    """Trim an appositive and determiners: 'Putin, the Russian leader,' -> 'Putin'."""
    s = raw.strip().strip(",").strip()
    s = re.split(r"\s*,\s*", s)[0]
    return re.sub(r"(?<=[a-z]{2})\.$", "", s)


def speaker_key(name: str | None) -> str:
    """Slug of a speaker name for matching without a gazetteer: the last
    capitalised word, lower-case, without possessive ('Vladimir Putin' ->
    'putin'; 'the ministry' -> 'the ministry').

    >>> speaker_key("Russian President Vladimir Putin"), speaker_key("Zelenskyy's"), speaker_key(None)
    ('putin', 'zelenskyy', '')
    """
    if not isinstance(name, str) or not name.strip():
        return ""
    words = [w for w in re.findall(r"[A-Za-z\u00C0-\u024F][\w'\u2019.\-]*", name)]
    caps = [w for w in words if w[0].isupper() and w.lower() not in _TITLES]
    word = caps[-1] if caps else " ".join(words).lower()
    return re.sub(r"['\u2019]s$", "", word).rstrip(".").lower()


def _looks_like_name(phrase: str) -> bool:
    words = phrase.split()
    return bool(words) and words[0][0].isupper() and words[0].lower() not in _PRONOUNS and not (
        len(words) == 1 and words[0].lower() in {"the", "a", "an", "but", "and", "however", "meanwhile", "this", "that", "there", "it"})


def _strip_leading(phrase: str) -> str:
    # "But Putin" / "Meanwhile, Zelensky" / "On Monday Putin"
    phrase = re.sub(r"^(?:But|And|However|Meanwhile|Later|Then|Also|Still|Yet|So|Now|Instead)\s*,?\s+", "", phrase)
    return phrase


# ----------------------------------------------------------------------------- article buffer
def _article_buffer(sents: pd.DataFrame) -> str:
    """Rebuild the article text from its sentences (gaps become spaces; a gap
    holding a paragraph break cannot be seen, so two spaces or more are
    treated as a possible break)."""
    ends = sents["end"].max()
    buf = [" "] * int(ends)
    for s, t in zip(sents["start"].tolist(), sents["text"].tolist()):
        buf[s:s + len(t)] = list(t)
    return "".join(buf)


_OPEN = "\u201c\u00ab\u201e"
_CLOSE = "\u201d\u00bb"


def _quote_spans(text: str, *, max_len: int = 3000) -> list[tuple[int, int]]:
    """Spans (start of content, end of content) of quotations in ``text``.

    Curly and guillemet quotes pair by direction; a straight double quote is an
    opener when preceded by space/start/opening punctuation and a closer
    otherwise. An opener seen while a quote is open restarts it (news style:
    a new paragraph re-opens a running quote without closing the previous)."""
    spans = []
    open_at = None
    for i, ch in enumerate(text):
        if ch not in '"' + _OPEN + _CLOSE:
            continue
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if ch in _OPEN:
            is_open = True
        elif ch in _CLOSE:
            is_open = False
        else:
            is_open = (prev.isspace() or prev in "([{\u2014\u2013-:/" or i == 0) and not nxt.isspace()
            if not is_open and open_at is None and not (nxt.isspace() or nxt in ".,;:!?)" or i + 1 == len(text)):
                is_open = True
        if is_open:
            if open_at is not None and i - open_at > 1:
                # an unclosed quote followed by a new opener: close the old one
                # only when the new opener starts a new paragraph-like block
                gap = text[max(open_at, i - 3):i]
                if "  " in gap or "\n" in gap:
                    spans.append((open_at, i).__class__((open_at, i - 1 - (len(gap) - len(gap.rstrip())) + 1)))
            open_at = i + 1
        elif open_at is not None:
            if 0 < i - open_at <= max_len:
                spans.append((open_at, i))
            open_at = None
    return [(s, e) for s, e in spans if text[s:e].strip()]


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
    words = [w.strip(".,'\u2019").lower() for w in name.split()]
    words = [re.sub(r"['\u2019]s$", "", w) for w in words]
    content = [w for w in words if w not in _NOT_PERSON and w not in _TITLES]
    return bool(content) and not _ORG_WORDS.search(name)


class _Context:
    """Running memory of the last named person / organisation in an article."""

    def __init__(self):
        self.person: tuple[str, int, int] | None = None
        self.group: tuple[str, int, int] | None = None
        self.surnames: set[str] = set()

    def see(self, name: str, s: int, e: int, *, speaker: bool = False):
        name = name.rstrip(".,")
        words = name.split()
        simple = re.fullmatch(r"(?:[A-Z][\w'\u2019.\-]+\s+){0,3}[A-Z][\w'\u2019\-]+", name) is not None
        if _person_like(name) and (speaker or (simple and (len(words) >= 2 or speaker_key(name) in self.surnames))):
            if len(words) >= 2:
                self.surnames.add(speaker_key(name))
            self.person = (name, s, s + len(name))
        elif _ORG_WORDS.search(name) or name.lower().rstrip("'\u2019s") in _NOT_PERSON:
            self.group = (name, s, s + len(name))

    def resolve(self, pronoun: str):
        kind = _PRONOUNS.get(pronoun.lower())
        if kind == "person":
            return self.person
        if kind in {"group", "org"}:
            return self.group or (self.person if kind == "group" else None)
        return None


def _entity_for(span, ments):
    if ments is None or span is None or ments.empty:
        return None, None
    s, e = span
    hit = ments[(ments["start"] < e) & (ments["end"] > s)]
    if hit.empty:
        return None, None
    row = hit.iloc[0]
    eid = row.get("entity_id")
    if eid is None or (isinstance(eid, float) and np.isnan(eid)):
        return None, None
    return str(eid), row.get("name")


def _names_in(text: str, offset: int, pat) -> list[tuple[str, int, int]]:
    out = []
    for m in pat.finditer(text):
        name = _strip_leading(m.group())
        words = name.split()
        if not words or (len(words) == 1 and m.start() == 0):
            # sentence-initial single capitalised word is too often not a name
            if not words or words[0].lower() in {"the", "a", "but", "and", "in", "on", "at", "it", "this", "he", "she", "they", "we", "i"}:
                continue
        name = name.rstrip(".")
        end = offset + m.start() + len(m.group().rstrip("."))
        out.append((name, end - len(name), end))
    return out


def quotes(sentences: pd.DataFrame, *, mentions=None, min_words: int = 2) -> pd.DataFrame:
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

    Returns
    -------
    DataFrame[article_id, sentence_id, start, end, quote, speaker,
    speaker_entity_id, speaker_start, speaker_end, verb, verb_lemma,
    verb_class, quote_type, n_words] - ``start``/``end`` are offsets of the
    quoted words in the article text (without the quotation marks);
    ``quote_type`` is ``direct`` or ``indirect``; ``speaker`` is the resolved
    name (a pronoun is replaced by the last named person); unresolved
    speakers are NaN.
    """
    cols = QUOTE_COLUMNS
    if sentences is None or len(sentences) == 0:
        return pd.DataFrame(columns=cols)
    ments_all = _mention_table(sentences, mentions)
    pats = _patterns()
    rows = []
    for aid, sents in sentences.groupby("article_id", sort=False):
        sents = sents.sort_values("start")
        text = _article_buffer(sents)
        ments = None
        if ments_all is not None and len(ments_all):
            ments = ments_all[ments_all["article_id"] == aid]
        starts = sents["start"].to_numpy()
        sids = sents["sentence_id"].to_numpy()
        s_ends = sents["end"].to_numpy()

        def sid_at(pos):
            k = int(np.searchsorted(starts, pos, side="right")) - 1
            return int(sids[max(k, 0)])

        def sent_bounds(pos):
            k = max(int(np.searchsorted(starts, pos, side="right")) - 1, 0)
            return int(starts[k]), int(s_ends[k])

        spans = _quote_spans(text)
        in_quote = np.zeros(len(text) + 1, dtype=bool)
        for s, e in spans:
            in_quote[max(s - 1, 0):e + 1] = True

        # events in reading order so pronouns see the names before them
        ctx = _Context()
        events = []  # (pos, kind, payload)
        for s, e in spans:
            events.append((s, "direct", (s, e)))
        for k in range(len(sents)):
            events.append((int(starts[k]), "sentence", k))
        events.sort(key=lambda ev: (ev[0], 0 if ev[1] == "sentence" else 1))

        last_direct = None
        for pos, kind, payload in events:
            if kind == "sentence":
                k = payload
                st, en = int(starts[k]), int(s_ends[k])
                stext = text[st:en]
                # indirect speech in the parts of the sentence outside quotes
                rows.extend(_indirect(aid, int(sids[k]), stext, st, in_quote, ctx, ments, pats))
                for name, ns, ne in _names_in(stext, st, pats["proper"]):
                    if not in_quote[ns]:
                        ctx.see(name, ns, ne)
                continue
            s, e = payload
            quote = text[s:e]
            n_words = len(quote.split())
            found = _attribute_direct(text, s, e, sent_bounds, pats)
            speaker = verb = None
            sp_span = None
            if found:
                speaker, verb, sp_span = found
            elif last_direct is not None and last_direct["speaker"] is not None and n_words >= 4 and \
                    re.fullmatch(r"\s*", text[last_direct["end"] + 1:s - 1]) is None and \
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
            rows.append(rec)
            last_direct = {"end": e, "speaker": speaker, "verb": verb, "sp_span": sp_span}
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out
    out = out.sort_values(["article_id", "start"], kind="stable").reset_index(drop=True)
    out = _inherit_from_enclosing(out)
    for c in ("speaker_start", "speaker_end"):
        out[c] = out[c].astype("Int64")
    return out


def _inherit_from_enclosing(out: pd.DataFrame) -> pd.DataFrame:
    """A quoted fragment inside an indirect quote ('Putin accused Kyiv of a
    "provocation"') is the indirect speaker's words: inherit speaker and verb."""
    ind = out[out["quote_type"] == "indirect"]
    if ind.empty:
        return out
    cols = ["speaker", "speaker_entity_id", "speaker_start", "speaker_end", "verb", "verb_lemma", "verb_class"]
    for i, row in out[out["quote_type"] == "direct"].iterrows():
        enc = ind[(ind["article_id"] == row["article_id"]) & (ind["start"] <= row["start"]) & (ind["end"] >= row["end"])]
        if not len(enc):
            continue
        j = enc.index[0]
        src = out.loc[j]
        own = row["speaker"]
        if own is None or (isinstance(own, float) and np.isnan(own)):
            for c in cols:
                out.at[i, c] = src[c]
        elif speaker_key(own) != speaker_key(src["speaker"]) and pd.notna(row["speaker_start"]) \
                and src["start"] < row["speaker_start"] < src["end"]:
            # another voice inside the sentence: the indirect quote ends before it
            cut = out.at[j, "quote"][: int(row["speaker_start"]) - int(src["start"])]
            cut = re.sub(r"[\s,;:]*(?:while|and|but|whereas)?[\s,;:]*$", "", cut)
            out.at[j, "quote"] = cut
            out.at[j, "end"] = int(src["start"]) + len(cut)
            out.at[j, "n_words"] = len(cut.split())
    return out


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
        subj = None if verb.lower().endswith("ing") else re.search(rf"(?P<s>{_SPEAKER}){_ADV}\s*,?\s*$", lead)
        if subj and ((_looks_like_name(subj.group("s")) and (_person_like(subj.group("s")) or _ORG_WORDS.search(subj.group("s"))))
                     or subj.group("s").lower() in _PRONOUNS or _ROLE.match(subj.group("s")) or _UNNAMED.match(subj.group("s"))):
            name = _strip_leading(_clean_speaker(subj.group("s")))
            off = sent_start + subj.start("s") + (len(subj.group("s")) - len(_strip_leading(subj.group("s"))))
            return name, verb, (off, off + len(name))
        cands = [c for c in re.finditer(rf"(?:{_PROPER}|\b(?:he|she|they|it|He|She|They|It)\b)", lead)
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
        np_ = re.search(rf"({_NOUNISH})\s*$", lead.strip())
        if np_:
            off = sent_start + np_.start(1)
            return np_.group(1), verb, (off, off + len(np_.group(1)))
    return None


def _indirect(aid, sid, stext, offset, in_quote, ctx, ments, pats):
    out = []
    if re.match(r"\s*$", stext):
        return out
    m = pats["indirect_acc"].search(stext)
    found = []
    if m and not in_quote[offset + m.start()]:
        found.append((m.group("speaker"), "according to", m.start("speaker"), m.end("speaker"), m.end()))
    for m in pats["indirect"].finditer(stext):
        if in_quote[offset + m.start("verb")]:
            continue
        sp = _strip_leading(m.group("speaker"))
        verb = m.group("verb")
        v = verb.lower()
        if v.endswith("ing") or v in {"say", "tell", "claim", "ask"} and not sp.lower() in {"i", "we", "they"}:
            # "saying: ..." belongs to a direct quote; bare lemmas are usually infinitives
            if v.endswith("ing"):
                continue
        if not (_looks_like_name(sp) or sp.lower() in _PRONOUNS or sp.split()[0].lower() in {"the", "a", "an", "his", "her", "their", "its"}):
            continue
        if sp.split()[0].lower() in {"the", "a", "an"} and len(sp.split()) == 1:
            continue
        content_start = m.end()
        rest = stext[content_start:]
        lead = re.match(r"\s*[,;:]?\s*(?:adding|noting|saying|stressing|explaining)?\s*(?:that\s+)?", rest)
        if not m.group("that") and lead and re.match(r"\s*[,;:]", rest):
            content_start += lead.end()
            rest = stext[content_start:]
            if not lead.group().strip(" ,;:"):
                continue  # "X said, ..." with no clause cue: a quote or an aside, not indirect speech
        if len(rest.split()) < 3 or re.search(r"\b(?:saying|said|adding|stating)\s*[:,]?\s*[\"\u201c]", rest[:80]):
            continue
        if not m.group("that") and re.match(r"\s*(?:as|during|in|on|at|after|before|while|when|if|with|by|from|since|until|earlier|later|last|this|yesterday|today|on|in|\()\b", rest, re.IGNORECASE) and verb_class(verb) not in {"accusatory", "denying"}:
            continue
        # a direct quote right after the verb ("Putin said: "...") is not indirect
        if re.match(r"\s*[:,]?\s*[\"\u201c]", stext[m.end("verb"):]) or in_quote[min(offset + content_start + 1, len(in_quote) - 1)]:
            continue
        # accusatory/denying verbs take an object + "of"/"for" ("accused Kyiv of X")
        if not m.group("that") and verb_class(verb) not in {"accusatory", "denying"} and not re.match(r"\s*,?\s*[A-Za-z]", rest):
            continue
        sp_start = m.start("speaker") + (len(m.group("speaker")) - len(sp))
        found.append((sp, verb, sp_start, sp_start + len(sp), m.end("obj") if verb_class(verb) in {"accusatory", "denying"} else content_start))
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
        seg = re.sub(r"[\s,;]*(?:while|and|but|whereas)?\s*$", "", seg) if i + 1 < len(found) else seg
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
    q = quotes_frame.copy()
    if by not in q.columns:
        if articles is None or by not in articles.columns:
            q[by] = "all"
        else:
            q = q.merge(articles[["article_id", by]].drop_duplicates("article_id"), on="article_id", how="left")
    q[speaker] = q[speaker].fillna("(unattributed)")
    if q.empty:
        return pd.DataFrame(columns=[by, speaker, "n_quotes", "n_direct", "n_indirect", "words_quoted",
                                     "share_of_quotes", "n_articles"])
    g = q.groupby([by, speaker], dropna=False)
    out = g.agg(n_quotes=("quote", "size"),
                n_direct=("quote_type", lambda s: int((s == "direct").sum())),
                n_indirect=("quote_type", lambda s: int((s == "indirect").sum())),
                words_quoted=("n_words", "sum"),
                n_articles=("article_id", "nunique")).reset_index()
    out["share_of_quotes"] = out["n_quotes"] / out.groupby(by)["n_quotes"].transform("sum")
    classes = q.pivot_table(index=[by, speaker], columns="verb_class", values="quote", aggfunc="size", fill_value=0)
    out = out.merge(classes.reset_index(), on=[by, speaker], how="left")
    return out.sort_values([by, "n_quotes"], ascending=[True, False]).reset_index(drop=True)
