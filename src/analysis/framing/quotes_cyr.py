"""Voices in Russian and Ukrainian: quotes, speakers and reporting verbs by lemma.

Called by :func:`analysis.framing.quotes` for articles whose sentences carry
``lang`` "ru" or "uk" (same output columns). Conventions handled:

* quotation marks «ёлочки», „лапки“ (closed by “ in Russian/Ukrainian typography),
  “...” and straight quotes, nested quotes kept inside the outer one
  («... „...“ ...» is one quote);
* the cue after the quote: «...», — заявил Песков / «...», — Песков заявил /
  «...» — сказала она (dash, then a reporting verb and a name or pronoun);
* the cue before it: Путин заявил: «...» / Как заявил Зеленский, «...»;
* dialogue dashes: a sentence opening with a dash, "— ..., — сказал он." (the words
  up to the second dash are the quote);
* indirect speech: "X заявил, что ...", "X обвинил Y в ...", "по словам X, ...",
  "як заявив X, ...", "за словами X, ...".

Reporting verbs come from the ``cyrillic`` section of
``data/lexicons/reporting_verbs.yml`` and are matched on lemmas, so gendered,
aspect and gerund forms ("заявила", "заявляет", "заявив", "наголосивши") all
resolve to one verb and its class. "якобы"/"будто"/"нібито" right after the verb
makes the attribution ``distancing``.

The speaker is the capitalised word sequence next to the verb (a name such as
"Мария Захарова", "Дмитрий Песков", or "Минобороны"), or a pronoun (он/она/они,
він/вона/вони) resolved to the last named speaker or capitalised person-like name
in the article. ``speaker_entity_id`` is the lemma of the name's last word
("Пескова" -> "песков") when no entity mention covers it, and empty when the
speaker is not resolved.
"""

from __future__ import annotations

import re
from functools import lru_cache

from analysis import vocabulary
from analysis.framing._cyr import fold, lemma_forms, lookup_form, parses
from analysis.framing._lexicon import resolve

__all__ = ["cyr_verb_table", "cyr_verb_class", "cyr_quote_spans", "cyr_quotes_for_article"]


@lru_cache(maxsize=4)
def cyr_verb_table(path: str | None = None) -> dict[str, dict[str, tuple[str, str]]]:
    """{lang: {lemma (first word of multi-word entries): (lemma, class)}}."""
    data = resolve(path, "reporting_verbs.yml").get("cyrillic") or {}
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for lang, classes in data.items():
        table: dict[str, tuple[str, str]] = {}
        for cls, lemmas in classes.items():
            for lemma in lemmas:
                table.setdefault(fold(lemma.split()[0]), (lemma, cls))
        out[lang] = table
    return out


@lru_cache(maxsize=65536)  # pure: the default verb table and the pymorphy3 parse memo
def cyr_verb_class(word: str, lang: str) -> tuple[str, str] | None:
    """(lemma, class) of a Russian/Ukrainian reporting-verb form, or None.

    >>> cyr_verb_class("заявила", "ru"), cyr_verb_class("наголосив", "uk"), cyr_verb_class("шёл", "ru")
    (('заявить', 'neutral'), ('наголосити', 'asserting'), None)
    """
    return lookup_form(cyr_verb_table().get(lang, {}), word, lang)


_DISTANCE = {"ru": {"якобы", "будто", "мол"}, "uk": {"нібито", "начебто", "мовляв"}}
_PRONOUNS = vocabulary.SPEAKER_PRONOUNS_CYR
_STOP_CAPS = {
    "он", "она", "они", "оно", "він", "вона", "вони", "воно", "их", "им", "ему", "йому", "їм",
    "в", "во", "на", "и", "а", "но", "по", "как", "так", "это", "этот", "при", "с", "со", "у", "о", "об", "к",
    "за", "из", "от", "для", "до", "после", "также", "однако", "тогда", "теперь", "сейчас", "там", "здесь",
    "і", "й", "та", "але", "як", "це", "цей", "з", "із", "зі", "від", "після", "також",
    "однак", "проте", "тоді", "тепер", "зараз", "вчера", "вчора", "сегодня", "сьогодні", "его", "її",
    "мы", "ми", "я", "вы", "ви", "словам", "словами", "ранее", "раніше", "кроме", "крім",
}
#: role words dropped from the front of a name ("Глава МИД Сергей Лавров" -> "Сергей Лавров")
_TITLES = vocabulary.SPEAKER_TITLES_CYR
_ROLES = _TITLES | {"политик", "автор", "собеседник", "дипломат", "чиновник", "лидер", "глава", "журналист",
                     "політик", "співрозмовник", "посадовець", "лідер", "журналіст", "блогер"}
_WORD = re.compile(r"[^\W\d_][\w\-'\u2019]*")
_CAP_SEQ = re.compile(r"(?:[A-ZА-ЯЁІЇЄҐ][\w\-'\u2019.]*)(?:\s+[A-ZА-ЯЁІЇЄҐ][\w\-'\u2019.]*){0,3}")

_OPENERS = {"«": "»", "„": "\u201c", "\u201c": "\u201d"}
_CLOSERS = {"»", "\u201c", "\u201d", "\u201f"}


_QUOTE_MARKS = re.compile('["\u00ab\u00bb\u201c\u201d\u201e\u201f]')


def cyr_quote_spans(text: str, *, max_len: int = 3000) -> list[tuple[int, int]]:
    """Outermost quotation spans (start, end of the quoted words) with a stack:
    «» and „“ and “” pair by kind, straight quotes toggle; nested quotes stay inside.

    >>> t = 'Он сказал: «Это „особый“ случай». И „ещё“ "одно".'
    >>> [t[s:e] for s, e in cyr_quote_spans(t)]
    ['Это „особый“ случай', 'ещё', 'одно']
    """
    spans = []
    stack: list[tuple[str, int]] = []
    for mark in _QUOTE_MARKS.finditer(text):  # every other character leaves the stack as it is
        i = mark.start()
        ch = text[i]
        if ch == '"':
            if stack and stack[-1][0] == '"':
                _, start = stack.pop()
                if not stack and 0 < i - start <= max_len:
                    spans.append((start, i))
            else:
                prev = text[i - 1] if i else " "
                if prev.isspace() or prev in "([{\u2014\u2013-:/«„" or i == 0:
                    stack.append(('"', i + 1))
            continue
        if stack and ch in _CLOSERS and (_OPENERS.get(stack[-1][0]) == ch or ch == "\u201f" and stack[-1][0] == "„"):
            _, start = stack.pop()
            if not stack and 0 < i - start <= max_len:
                spans.append((start, i))
            continue
        if ch in _OPENERS:
            if ch == "\u201c" and stack and stack[-1][0] == "„":
                continue
            stack.append((ch, i + 1))
        elif ch == "»" and stack:
            # a closing guillemet that does not match the innermost opener: unwind to its «
            while stack and stack[-1][0] != "«":
                stack.pop()
            if stack:
                _, start = stack.pop()
                if not stack and 0 < i - start <= max_len:
                    spans.append((start, i))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _speaker_key(name: str | None, lang: str) -> str:
    if not name:
        return ""
    last = name.split()[-1].strip(".,")
    found = parses(last, lang)
    for p in found:
        if {"Surn", "Name", "Orgn"} & set(str(p.tag).replace(" ", ",").split(",")):
            return fold(p.normal_form)
    for p in found:
        if p.tag.case == "nomn":
            return fold(last)
    return fold(found[0].normal_form) if found else fold(last)


def _is_name(seq: str, lang: str) -> bool:
    words = seq.split()
    return bool(words) and fold(words[0]) not in _STOP_CAPS and cyr_verb_class(words[0], lang) is None


def _names_in(segment: str, offset: int, lang: str) -> list[tuple[str, int, int]]:
    """Capitalised word sequences not at the segment's first position unless multi-word."""
    out = []
    for m in _CAP_SEQ.finditer(segment):
        words = m.group().split()
        # trim words that are reporting verbs or stopwords at either end
        while words and (fold(words[0]) in _STOP_CAPS or cyr_verb_class(words[0], lang)):
            words = words[1:]
        while words and cyr_verb_class(words[-1], lang):
            words = words[:-1]
        while len(words) > 1 and (fold(words[0]) in _TITLES or words[0].isupper()):
            words = words[1:]
        if not words:
            continue
        name = " ".join(words).rstrip(".")
        if len(name) < 2:
            continue  # "сети Х"
        start = offset + m.start() + m.group().find(words[0])
        out.append((name, start, start + len(name)))
    return out


@lru_cache(maxsize=65536)
def _person_like(name: str, lang: str) -> bool:
    """A capitalised sequence that names a person: a word pymorphy3 knows as a first
    name, surname or patronymic, or two+ words none of which is a place/organisation."""
    words = [w.strip(".,") for w in name.split() if w.strip(".,")]
    if not words or any(w.isupper() and len(w) > 1 for w in words):
        return False
    tags = [set().union(*(set(re.split(r"[ ,]", str(p.tag))) for p in parses(w, lang))) for w in words]
    if any({"Name", "Surn", "Patr"} & t for t in tags):
        return not all({"Geox", "Orgn"} & t for t in tags) and not any("ADJF" in t and "Surn" not in t for t in tags[:1])
    return len(words) >= 2 and not any({"Geox", "Orgn", "ADJF"} & t for t in tags)


class _Memory:
    """Last named person in the article (speakers and person-like names), for pronouns and roles."""

    def __init__(self, lang="ru"):
        self.last = None
        self.lang = lang

    def see(self, name, s, e, *, speaker=False):
        if name and (speaker or _person_like(name, self.lang)):
            self.last = (name, s, e)


def _trim_name(cand, lang):
    """Drop place/organisation words in front of a person's name ("Венгрии Виктор Орбан")."""
    if cand is None:
        return None
    name, s, e = cand
    words = name.split()
    while len(words) > 1 and any({"Geox", "Orgn"} & set(re.split(r"[ ,]", str(p.tag)))
                                 for p in parses(words[0], lang)[:1]):
        s += len(words[0]) + 1
        words = words[1:]
    return (" ".join(words), s, e)


def _verb_tags(word: str, lang: str) -> set:
    return set(re.split(r"[ ,]", str(parses(word, lang)[0].tag)))


def _verbless_cue(segment: str, seg_offset: int, lang: str):
    """"», — политолог Марат Баширов." : a short cue naming a person, no verb."""
    if len(segment.split()) > 6:
        return None
    names = [c for c in _names_in(segment, seg_offset, lang) if _person_like(_trim_name(c, lang)[0], lang)]
    return (_trim_name(names[0], lang), None, None, None, None) if names else None


def _cue(segment: str, seg_offset: int, lang: str, *, before: bool):
    """Find (speaker, span, verb, lemma, class) in a cue segment (the words after a closing
    quote and its dash, or the words before an opening quote). ``speaker`` may be the
    string "@role" when a role noun ("политик", "депутат") stands for the last person."""
    toks = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(segment)]
    verbs = [(k, cyr_verb_class(w, lang)) for k, (_s, _e, w) in enumerate(toks)]
    verbs = [(k, v) for k, v in verbs if v]
    if not verbs:
        return None
    if before:
        # the verb with a name or pronoun right before it ("Зеленский заявил, что ..."), else the last
        def subject_before(k):
            return any(toks[j][2][:1].isupper() or fold(toks[j][2]) in _PRONOUNS[lang]
                       for j in range(max(0, k - 3), k))
        with_subject = [kv for kv in verbs if subject_before(kv[0])]
        k, (lemma, cls) = with_subject[-1] if with_subject else verbs[-1]
    else:
        k, (lemma, cls) = verbs[0]
    vs, ve, verb = toks[k]
    if k + 1 < len(toks) and fold(toks[k + 1][2]) in _DISTANCE[lang]:
        cls = "distancing"
    after = [c for c in _names_in(segment[ve:ve + 100], seg_offset + ve, lang) if fold(c[0]) not in _STOP_CAPS]
    prior = _names_in(segment[max(0, vs - 80):vs], seg_offset + max(0, vs - 80), lang)
    cand = None
    if not before and after:
        # "— заявил премьер-министр Венгрии Виктор Орбан": lower-case role words may come between
        first = _trim_name(after[0], lang)
        gap = segment[ve:after[0][1] - seg_offset]
        if len(gap.split()) <= 5 and not re.search(r"[.;!?]", gap) and (
                _person_like(first[0], lang) or not gap.strip() or len(first[0].split()) >= 2):
            cand = after[0]
    if cand is None and prior:
        people = [c for c in prior if _person_like(_trim_name(c, lang)[0], lang)]
        cand = people[-1] if people else prior[-1]
    cand = _trim_name(cand, lang)
    if cand is None and not before and "plur" in _verb_tags(verb, lang):
        # "— сказали в ведомстве": an institution after "в"/"у"
        m = re.match(r"\s+(?:в|во|у)\s+([^\W\d_]+)", segment[ve:])
        if m:
            cand = (m.group(1), seg_offset + ve + m.start(1), seg_offset + ve + m.end(1))
    pron = None
    window = toks[max(0, k - 2):k + 3]
    for _s, _e, w in window:
        if fold(w) in _PRONOUNS[lang]:
            pron = w
    if cand is None and pron is None:
        near = toks[k + 1:k + 4] if not before else toks[max(0, k - 3):k]
        if any(lemma_forms(w, lang) & _ROLES for _s, _e, w in near):
            pron = "@role"
    return cand, pron, verb, lemma, cls


_ACC_HEAD = {
    "ru": re.compile(r"[Пп]о\s+(?:словам\s+(?P<who>[^,]{2,40}?)|(?P<who2>его|её|ее|их)\s+словам)\s*,"),
    "uk": re.compile(r"[Зз]а\s+(?:словами\s+(?P<who>[^,]{2,40}?)|(?P<who2>його|її|їх)\s+словами)\s*,"),
}
_POSSESSIVE = {"ru": {"его", "её", "ее", "их"}, "uk": {"його", "її", "їх"}}
_DASH_AFTER = re.compile(r"^\s*[,.!?…]?\s*[\u2014\u2013\-]+\s*")
_DIALOGUE = re.compile(r"^\s*[\u2014\u2013]\s*(?P<q>.+?)(?P<end>[,!?…]|\.)?\s+[\u2014\u2013]\s+(?P<cue>[^\u2014\u2013]+?)(?:[.!?]|$)")
_INDIRECT_ACC = {
    "ru": re.compile(r"(?:[Пп]о\s+словам|[Пп]о\s+данным|[Пп]о\s+мнению|[Пп]о\s+информации|[Сс]огласно)\s+(?P<sp>[^,]{2,60}?)\s*,\s*"),
    "uk": re.compile(r"(?:[Зз]а\s+словами|[Зз]а\s+даними|[Нн]а\s+думку|[Зз]а\s+інформацією|[Зз]гідно\s+з)\s+(?P<sp>[^,]{2,60}?)\s*,\s*"),
}
_THAT = {"ru": r"(?:что|чтобы|будто|якобы|о\s+том|в\s+том)", "uk": r"(?:що|щоб|нібито|начебто|про\s+те|у\s+тому|в\s+тому)"}


def cyr_quotes_for_article(aid, text: str, starts, ends, sids, lang: str, ments=None) -> list[dict]:
    """Quote rows (``QUOTE_COLUMNS`` dicts) for one Russian/Ukrainian article buffer."""
    import numpy as np

    from analysis.framing.quotes import _entity_for, _spans_of

    rows: list[dict] = []
    memory = _Memory(lang)
    spans = _spans_of(text, cyrillic=True)
    in_quote = np.zeros(len(text) + 1, dtype=bool)
    for s, e in spans:
        in_quote[max(s - 1, 0):e + 1] = True
    starts = list(starts)

    def sid_at(pos):
        k = int(np.searchsorted(starts, pos, side="right")) - 1
        return int(sids[max(k, 0)])

    def sent_bounds(pos):
        k = max(int(np.searchsorted(starts, pos, side="right")) - 1, 0)
        return int(starts[k]), int(ends[k])

    def record(s, e, cue, qtype):
        cand, pron, verb, lemma, cls = cue if cue else (None, None, None, None, None)
        speaker, sp = None, None
        if cand is not None:
            speaker, sp = cand[0], (cand[1], cand[2])
            memory.see(*cand, speaker=True)
        elif pron is not None and memory.last is not None:
            speaker, sp = memory.last[0], (memory.last[1], memory.last[2])
        eid, _ = _entity_for(sp, ments)
        quote = text[s:e]
        rows.append({
            "article_id": aid, "sentence_id": sid_at(s), "start": s, "end": e, "quote": quote,
            "speaker": speaker, "speaker_entity_id": eid or (_speaker_key(speaker, lang) if speaker else None),
            "speaker_start": sp[0] if sp else None, "speaker_end": sp[1] if sp else None,
            "verb": verb, "verb_lemma": lemma, "verb_class": cls, "quote_type": qtype,
            "n_words": len(quote.split()),
        })

    events = sorted([(s, "q", (s, e)) for s, e in spans] + [(int(st), "s", k) for k, st in enumerate(starts)],
                    key=lambda ev: (ev[0], 0 if ev[1] == "s" else 1))
    for _pos, kind, payload in events:
        if kind == "s":
            k = payload
            st, en = int(starts[k]), int(ends[k])
            stext = text[st:en]
            # names outside quotes feed the pronoun memory
            for name, ns, ne in _names_in(stext, st, lang):
                if not in_quote[ns]:
                    memory.see(*(_trim_name((name, ns, ne), lang)))
            m = _DIALOGUE.match(stext)
            if m and not in_quote[st + m.start("q")]:
                cue = _cue(m.group("cue"), st + m.start("cue"), lang, before=False)
                if cue:
                    qs = st + m.start("q")
                    record(qs, qs + len(m.group("q")), cue, "direct")
                    continue
            rows.extend(_indirect(aid, sid_at(st), stext, st, lang, in_quote, memory, ments))
            continue
        s, e = payload
        n_words = len(text[s:e].split())
        # cue after: «...», — заявил Песков.
        _, sent_end = sent_bounds(min(e, len(text) - 1))
        tail = text[e + 1:max(sent_end, e + 1) + 120][:160]
        d = _DASH_AFTER.match(tail)
        cue = None
        if d and d.group().strip(" ,.!?…"):
            seg = re.split(r"[.!?;«„\"]", tail[d.end():], maxsplit=1)[0]
            cue = _cue(seg, e + 1 + d.end(), lang, before=False) or _verbless_cue(seg, e + 1 + d.end(), lang)
        if cue is None:
            sent_start, _ = sent_bounds(max(s - 2, 0))
            head = text[sent_start:max(s - 1, sent_start)]
            # a cue anywhere before a long quote; right before it (":" / ",") for a short one
            # (short quoted names and titles - «Известий», «Центр» - are not speech)
            if n_words >= 4 or re.search(r"[:,]\s*$", head):
                cue = _cue(head, sent_start, lang, before=True)
            if cue is None and n_words >= 4 and _ACC_HEAD[lang].search(head):
                # "По его словам, никто не хочет ... «из уважения к Байдену»"
                m = _ACC_HEAD[lang].search(head)
                who = m.group("who") or m.group("who2")
                if m.group("who2"):
                    cue = (None, "@pron", "по словам", "according to", "neutral")
                else:
                    cue = ((who, sent_start + m.start("who"), sent_start + m.end("who")), None, "по словам",
                           "according to", "neutral")
        if cue is None and n_words < 4:
            continue  # scare quotes, titles, names in quotes
        record(s, e, cue, "direct")
    rows.sort(key=lambda r: r["start"])
    return rows


def _indirect(aid, sid, stext, offset, lang, in_quote, memory, ments) -> list[dict]:
    from analysis.framing.quotes import _entity_for

    out = []
    m = _INDIRECT_ACC[lang].search(stext)
    if m and not in_quote[offset + m.start()]:
        sp = m.group("sp").strip()
        content = stext[m.end():].strip()
        if len(content.split()) >= 3:
            s0 = offset + m.end()
            span = (offset + m.start("sp"), offset + m.start("sp") + len(sp))
            eid, _ = _entity_for(span, ments)
            out.append({"article_id": aid, "sentence_id": sid, "start": s0, "end": s0 + len(content),
                        "quote": content, "speaker": sp, "speaker_entity_id": eid or _speaker_key(sp, lang),
                        "speaker_start": span[0], "speaker_end": span[1], "verb": m.group().split()[0] + " " +
                        m.group().split()[1], "verb_lemma": "according to", "verb_class": "neutral",
                        "quote_type": "indirect", "n_words": len(content.split())})
            return out
    for w in _WORD.finditer(stext):
        hit = cyr_verb_class(w.group(), lang)
        if not hit or in_quote[offset + w.start()]:
            continue
        rest = stext[w.end():]
        lemma, cls = hit
        # X заявил, что ... / X обвинил Y в ... / X заявил о ...
        that = re.match(rf"\s*(?:[^,.;:«»\"]{{0,40}}?)?,?\s*{_THAT[lang]}\b", rest)
        if cls == "accusatory":
            that = that or re.match(r"\s*[^,.;:]{1,60}?\s+(?:в|во|у)\s", rest)
        if not that:
            continue
        if re.match(rf"\s*,?\s*(?:{'|'.join(_DISTANCE[lang])})\b", rest):
            cls = "distancing"
        cue = _cue(stext[:w.end()] + " ", offset, lang, before=True)
        if cue is None:
            continue
        cand, pron, *_ = cue
        speaker, span = None, None
        if cand is not None:
            speaker, span = cand[0], (cand[1], cand[2])
        elif pron is not None and memory.last is not None:
            speaker, span = memory.last[0], (memory.last[1], memory.last[2])
        if speaker is None:
            continue
        # accusations keep their object: "обвинил Запад в эскалации"
        content_start = w.end() if hit[1] == "accusatory" else w.end() + that.end()
        content = stext[content_start:].strip()
        if len(content.split()) < 3:
            continue
        c0 = offset + content_start + (len(stext[content_start:]) - len(stext[content_start:].lstrip()))
        eid, _ = _entity_for(span, ments)
        out.append({"article_id": aid, "sentence_id": sid, "start": c0, "end": c0 + len(content), "quote": content,
                    "speaker": speaker, "speaker_entity_id": eid or _speaker_key(speaker, lang),
                    "speaker_start": span[0], "speaker_end": span[1], "verb": w.group(), "verb_lemma": lemma,
                    "verb_class": cls, "quote_type": "indirect", "n_words": len(content.split())})
        memory.see(speaker, *span, speaker=True)
        break
    return out
