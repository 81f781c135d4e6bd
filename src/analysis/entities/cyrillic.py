"""Entity mentions in Russian and Ukrainian sentences, resolved to the gazetteer's English ids.

Called by :func:`analysis.entities.mentions` for sentences whose ``lang`` is ``ru`` or ``uk``; the
output rows have the same columns (``MENTION_COLUMNS``) and the same ``entity_id`` as an English
mention of the same entity, so counts and co-occurrence work across languages.

**Gazetteer matching through lemmas.** Each entry's ``ru`` / ``uk`` names (nominative, see
``data/lexicons/README-entities.md``) and its Cyrillic aliases are cut into tokens. A word token
matches a name token when their *lemma sets* share a member: every normal form pymorphy3 offers
for the word, plus the word itself (:func:`analysis.morph.all_lemmas`). Several parses, not only
the first, because the first parse of a rare proper noun is often wrong (``Києві`` -> ``кий``,
``Харкові`` -> ``Харко``; the place ``київ``/``харків`` is among the others). So ``Зеленского``,
``Зеленському``, ``в Киеве``, ``у Києві``, ``в Курской области`` resolve to their entities.
All-capitals abbreviations and Latin-script tokens (``ВСУ``, ``ЗСУ``, ``ЗАЭС``, ``НАТО``, ``CNN``)
match as written; ``ё`` is read as ``е``. A name whose first token is capitalised matches only a
capitalised word (``Запад`` the West, not ``запад``); quotation marks inside a name
(``ЧВК «Вагнер»``) are skipped. Longest match wins, left to right. The English aliases of every
entity (not short forms or descriptions) are matched exactly as well, for Latin-script names in
Cyrillic text (``Reuters``, ``Washington Post``).

Homoglyphs and pre-reform spelling: matching reads :func:`analysis.lang.normalise_for_matching` of each sentence (same
length), so ``Зeленский`` with a Latin ``e`` still matches and offsets index the original text.

**Discovery** (``discover=True``) of names the gazetteer lacks, ``method="discovered"`` and
``entity_id`` ``new:<lemmas>`` (so inflected forms of one name share an id):

* Russian: the ``natasha`` NER tagger (slovnet CNN over navec embeddings, both in the wheel;
  loaded once per process on first use) — PER -> PERSON, LOC -> GPE, ORG -> ORG; spans overlapping
  a gazetteer match are dropped.
* Ukrainian (and Russian when natasha is unavailable): capitalised word sequences that are not
  sentence-initial function words, typed by cues (a title before: ``президент``, ``міністр``,
  ``речник`` -> PERSON; a head word: ``Міністерство``, ``Фонд``, ``Служба`` -> ORG; ``у/в/біля/під``
  before or ``область/район/село`` after -> GPE; two capitalised words -> PERSON).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import product

import pandas as pd

from analysis import vocabulary
from analysis.cyrillic import STOPWORDS, TOKEN_RE
from analysis.morph import all_lemmas

__all__ = ["LANGS", "CyrillicMatcher", "matcher", "mentions_rows", "discover_natasha", "discover_cues"]

LANGS = ("ru", "uk")
_QUOTES = frozenset("«»\"'„“”‘’‹›")
_YO = str.maketrans({"ё": "е", "Ё": "Е"})
_PROPER_TAGS = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn", "Trad", "Abbr"})
#: Lower-case generic words opening a name that are left out of the reported span
#: ("реку Днепр" -> "Днепр", "группировки «Север»" -> "Север").
_GENERIC_HEADS = frozenset("река річка группировка угруповання нефтепровод нафтопровід спецназ легион".split())


def _is_exact(tok: str) -> bool:
    """Matched as written: abbreviations (two or more capitals), tokens with digits or Latin letters."""
    return (len(tok) >= 2 and tok.isupper()) or any(c.isdigit() for c in tok) or any("a" <= c.lower() <= "z" for c in tok)


@lru_cache(maxsize=1 << 17)
def _lemmas(tok: str, lang: str) -> frozenset[str]:
    """:func:`analysis.morph.all_lemmas` with ``ё`` read as ``е``."""
    return frozenset(lem.translate(_YO) for lem in all_lemmas(tok, lang))


@lru_cache(maxsize=1 << 16)
def _opener_is_common(low: str, lang: str) -> bool:
    """The best parse of ``low`` is neither a noun, an adjective nor a proper name (memoised)."""
    from analysis.morph import parses

    tag = parses(low, lang)[0].tag
    return tag.POS not in (None, "NOUN", "ADJF") and not (tag.grammemes & _PROPER_TAGS)


def _name_tokens(name: str) -> list[str]:
    return [t for t in TOKEN_RE.findall(name.translate(_YO)) if t not in _QUOTES]


class CyrillicMatcher:
    """The Cyrillic names of a gazetteer for one language, as a trie over lemma keys."""

    def __init__(self, entries: list[dict], lang: str):
        self.lang = lang
        self.trie: dict = {}
        self.first_prefixes: set[str] = set()
        self.lower_prefixes: set[str] = set()
        self.info = {e["id"]: (e["name"], e["type"]) for e in entries}
        self._memo_first: dict[str, list] = {}
        self._memo_rest: dict[str, list] = {}
        for e in entries:
            names = list(e.get(lang) or [])
            # Cyrillic aliases of the English list ("Зеленський", "Путин") count in both languages
            names += [a for a in e["aliases"] if any("\u0400" <= c <= "\u04ff" for c in a)]
            for name in dict.fromkeys(names):
                self._add(name, e["id"])
            if e["type"] != "EVENT":
                for alias in e["aliases"] + e["metonyms"]:
                    if alias.isascii() and any(c.isalpha() for c in alias) and len(alias) >= 2:
                        self._add(alias, e["id"], exact=True)

    def _keys(self, tok: str, exact: bool) -> list[tuple]:
        if exact or _is_exact(tok):
            return [("=", tok)]
        cap = tok[:1].isupper()
        return [(cap, lem) for lem in sorted(_lemmas(tok, self.lang))]

    def _add(self, name: str, eid: str, exact: bool = False) -> None:
        toks = _name_tokens(name)
        if not toks:
            return
        trim = 0
        if len(toks) > 1 and toks[0] in _GENERIC_HEADS:
            trim = 1  # "река Днепр": the river is named by "Днепр", the span leaves "реку" out
        kind = "alias" if exact or trim or not toks[0][:1].islower() else "description"
        options = [self._keys(t, exact) for i, t in enumerate(toks)]
        # only the first token's capitalisation is enforced
        options = [opts if i == 0 else [(None, k[1]) if k[0] != "=" else k for k in opts] for i, opts in enumerate(options)]
        for path in product(*options):
            node = self.trie
            for key in path:
                node = node.setdefault(key, {})
            leaf = node.setdefault(None, {})
            if leaf.get(eid) != "alias":
                leaf[eid] = (kind, trim) if kind != "alias" or trim else "alias"
        first = toks[0]
        if first[:1].islower():
            # lower-case openers ("река", "специальная") are looked at only when their stem matches
            self.lower_prefixes.add(first[:3].lower())
            self.lower_prefixes.update(lem[:3] for lem in _lemmas(first, self.lang))
        else:
            self.first_prefixes.add(first[:2].lower())
            if not _is_exact(first) and not exact:
                self.first_prefixes.update(lem[:2] for lem in _lemmas(first, self.lang))

    def _token_keys(self, tok: str, first: bool):
        """Keys a text token can take in the trie (memoised per token)."""
        memo = self._memo_first if first else self._memo_rest
        keys = memo.get(tok)
        if keys is None:
            keys = memo[tok] = self._compute_keys(tok, first)
        return keys

    def _compute_keys(self, tok: str, first: bool):
        norm = tok.translate(_YO)
        keys = [("=", tok)]
        if norm != tok:
            keys.append(("=", norm))
        if norm[:1].isalpha() and not norm.isascii():
            lems = _lemmas(norm, self.lang)
            if first:
                cap = norm[:1].isupper()
                keys += [(cap, lem) for lem in lems]
                if cap:
                    keys += [(False, lem) for lem in lems]  # a lower-case name opening a sentence
                if norm.isupper() and len(norm) > 1:  # "ПУТИН" in a headline
                    keys += [(True, lem) for lem in _lemmas(norm.capitalize(), self.lang)]
            else:
                keys += [(None, lem) for lem in lems]
        return keys

    def _common_opener(self, toks, i: int) -> bool:
        """A one-word match opening the sentence that is most likely a common word there
        ("Ровно 10 лет назад": the adverb, not the city of Rivne)."""
        if i != 0 or _is_exact(toks[i][2]):
            return False
        return _opener_is_common(toks[i][2].lower(), self.lang)

    def find(self, text: str) -> list[tuple[int, int, set]]:
        """Longest non-overlapping matches ``(start, end, entity ids)``, offsets into ``text``."""
        toks = [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]
        n = len(toks)
        out = []
        i = 0
        prefixes, lower_prefixes = self.first_prefixes, self.lower_prefixes
        while i < n:
            s, e, tok = toks[i]
            c = tok[0]
            if c.islower():
                if tok[:3].translate(_YO) not in lower_prefixes:
                    i += 1
                    continue
            elif tok[:2].lower().translate(_YO) not in prefixes:
                i += 1
                continue
            best = None
            # depth-first over the keys of each token (lemma sets may branch)
            stack = [(self.trie, i, True, False)]
            while stack:
                node, j, first, quoted = stack.pop()
                if j >= n:
                    continue
                tj = toks[j][2]
                if tj in _QUOTES and not first:
                    stack.append((node, j + 1, False, True))
                    continue
                for key in self._token_keys(tj, first):
                    child = node.get(key)
                    if child is None:
                        continue
                    if None in child and (best is None or toks[j][1] > best[0]):
                        best = (toks[j][1], j, child[None], quoted)
                    stack.append((child, j + 1, False, quoted))
            if best is None:
                i += 1
                continue
            end, last, leaf, quoted = best
            if last == i and self._common_opener(toks, i):
                i += 1
                continue
            start = s
            if all(isinstance(v, tuple) and v[1] for v in leaf.values()):
                k = i + 1
                while k < n and toks[k][2] in _QUOTES:
                    k += 1
                start = toks[k][0] if k < n else s
            elif quoted and last + 1 < n and toks[last + 1][2] in _QUOTES and toks[last + 1][0] == end:
                end = toks[last + 1][1]  # «Вагнер»: the closing mark of a quote opened inside the name
                last += 1
            out.append((start, end, leaf))
            i = last + 1
        return out


def matcher(gaz, lang: str) -> CyrillicMatcher:
    """The (cached) matcher of a gazetteer for ``lang``."""
    cache = gaz.__dict__.setdefault("_cyrillic_matchers", {})
    if lang not in cache:
        cache[lang] = CyrillicMatcher(gaz.entries, lang)
    return cache[lang]


# --------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _natasha():
    """natasha's NER tagger, built once per process (its models ship in the wheel)."""
    from natasha import NewsEmbedding, NewsNERTagger

    return NewsNERTagger(NewsEmbedding())


_NATASHA_TYPES = {"PER": "PERSON", "LOC": "GPE", "ORG": "ORG"}


def discover_natasha(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """natasha NER spans ``(start, end, type)`` for each text."""
    from threadpoolctl import threadpool_limits

    tagger = _natasha()
    # one BLAS thread: natasha's matrix products are small (8 sentences a batch), and OpenBLAS's
    # other thread spins while it waits for work (bench's 409 ru/uk sentences: 0.31-0.41 -> 0.12 CPU s,
    # the same spans)
    with threadpool_limits(limits=1):
        return [[(sp.start, sp.stop, _NATASHA_TYPES.get(sp.type, "UNKNOWN")) for sp in m.spans]
                for m in tagger.map(texts)]


_TITLES = vocabulary.TITLES_CYR
_ORG_HEADS = frozenset("""Министерство Минобороны Служба Фонд Комитет Совет Агентство Управление Банк Партия Ассоциация Институт
Центр Компания Корпорация Газета Радио Телеканал Организация Союз Суд Прокуратура Генпрокуратура Міністерство Служба Фонд
Комітет Рада Агенція Управління Банк Партія Асоціація Інститут Центр Компанія Корпорація Газета Телеканал Організація
Союз Суд Прокуратура Офіс Офис Штаб Генштаб Федерация Федерація""".split())
_GPE_BEFORE = frozenset("в во у на под біля поблизу під до из із з зі около возле близ район района села селе селом село город города місто міста".split())
_GPE_AFTER = frozenset("""область области областью район района районе громада громади село села селе город города місто
міста направление направлении напрямок напрямку""".split())
_WORD = re.compile(r"[^\W\d_]+(?:[-'’ʼ][^\W\d_]+)*")


def _cap(w: str) -> bool:
    return w[:1].isupper() and not (len(w) > 1 and w.isupper() and len(w) > 5)


def discover_cues(text: str, lang: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Capitalised word sequences not covered by ``taken`` spans, typed by cue words."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    stops = STOPWORDS.get(lang, frozenset())
    titles = _TITLES.get(lang, _TITLES["uk"])
    out = []
    i = 0
    n = len(words)
    while i < n:
        s, e, w = words[i]
        if not _cap(w) or any(a < e and s < b for a, b in taken):
            i += 1
            continue
        j = i + 1
        while j < n and _cap(words[j][2]) and not text[words[j - 1][1]:words[j][0]].strip() \
                and not any(a < words[j][1] and words[j][0] < b for a, b in taken):
            j += 1
        seq = words[i:j]
        i = j
        first_word = seq[0][0] == (words[0][0] if words else -1)
        if first_word and (len(seq) == 1 or seq[0][2].lower() in stops or seq[0][2].lower() in titles):
            seq = seq[1:] if len(seq) > 1 else []
        seq = [x for x in seq]
        while seq and (seq[0][2].lower() in stops or seq[0][2].lower() in titles):
            seq = seq[1:]
        if not seq:
            continue
        a, b = seq[0][0], seq[-1][1]
        if len(seq) == 1 and len(seq[0][2]) < 3:
            continue
        prev = text[:a].split()
        prev_word = prev[-1].lower().strip("«\"(,") if prev else ""
        nxt = text[b:].split()
        next_word = nxt[0].lower().strip(".,;:»\")") if nxt else ""
        if seq[0][2] in _ORG_HEADS:
            etype = "ORG"
        elif prev_word in titles:
            etype = "PERSON"
        elif next_word in _GPE_AFTER or prev_word in _GPE_BEFORE:
            etype = "GPE"
        elif 2 <= len(seq) <= 3:
            etype = "PERSON"
        else:
            etype = "UNKNOWN"
        out.append((a, b, etype))
    return out


def _new_id(surface: str, lang: str) -> str:
    from analysis.morph import lemma_case

    lemmas = [lemma_case(t, lang)[0] for t in _WORD.findall(surface)]
    slug = "_".join(lemmas) or surface.lower()
    folded = unicodedata.normalize("NFC", slug)
    return "new:" + re.sub(r"[^\w]+", "_", folded).strip("_")


# --------------------------------------------------------------------------------------
# Rows for analysis.entities.mentions
# --------------------------------------------------------------------------------------

_CAP_WORD = re.compile(r"(?<![\w-])[A-ZА-ЯЁІЇЄҐ][\w'’-]*")


def _may_hold_a_name(text: str, taken: list[tuple[int, int]]) -> bool:
    """Whether natasha is worth running on a sentence: a capitalised word outside the gazetteer
    matches, other than a first word that is not a proper noun. natasha is slow; most sentences
    have no unlisted name, and a name in lower case is not one it would find either."""
    first = True
    for m in _CAP_WORD.finditer(text):
        s, e = m.span()
        if any(a <= s < b for a, b in taken):
            first = False
            continue
        if first and not text[:s].strip(" \t\"«„“(—–-"):
            first = False
            from analysis.morph import parses

            if not (parses(m.group().lower(), "ru")[0].tag.grammemes & _PROPER_TAGS):
                continue
        return True
    return False


def _kind(value) -> str:
    return value[0] if isinstance(value, tuple) else value


def _natasha_available() -> bool:
    try:
        import natasha  # noqa: F401
    except ImportError:  # pragma: no cover - a declared dependency
        return False
    return True


def mentions_rows(sents: pd.DataFrame, gaz, *, discover: bool = True) -> list[tuple]:
    """Mention rows (``MENTION_COLUMNS`` order) of ru/uk sentences (needs a ``lang`` column)."""
    from analysis.entities.matching import sentence_columns
    from analysis.lang import normalise_for_matching

    rows: list[tuple] = []
    info = gaz.info
    art, sid, off, txt = sentence_columns(sents)
    langs = sents["lang"].tolist()
    taken_by_row: list[list[tuple[int, int]]] = []
    for a, s_id, o, text, lang in zip(art, sid, off, txt, langs):
        norm = normalise_for_matching(text, lang)
        found = matcher(gaz, lang).find(norm) if text else []
        taken = []
        for s, e, leaf in found:
            # a proper name beats a description; then the first id in a stable order
            ranked = sorted(leaf.items(), key=lambda kv: (_kind(kv[1]) != "alias", kv[0]))
            eid, kind = ranked[0]
            method = "description" if _kind(kind) == "description" else "gazetteer"
            name, etype, _side = info[eid]
            rows.append((a, s_id, o + s, o + e, text[s:e], eid, name, etype, method))
            taken.append((s, e))
        taken_by_row.append(taken)
    if not discover:
        return rows
    ru_idx = [k for k, lg in enumerate(langs) if lg == "ru" and txt[k] and _may_hold_a_name(txt[k], taken_by_row[k])]
    natasha_spans: dict[int, list] = {}
    use_natasha = _natasha_available()
    if ru_idx and use_natasha:
        # natasha reads the homoglyph-normalised copy; spans index both
        found = discover_natasha([normalise_for_matching(txt[k], "ru") for k in ru_idx])
        natasha_spans = dict(zip(ru_idx, found))
    for k, (a, s_id, o, text, lang) in enumerate(zip(art, sid, off, txt, langs)):
        if not text or (lang == "ru" and use_natasha and k not in natasha_spans):
            continue
        taken = taken_by_row[k]
        if k in natasha_spans:
            spans = [(s, e, t) for s, e, t in natasha_spans[k] if not any(x < e and s < y for x, y in taken)]
        else:
            spans = discover_cues(normalise_for_matching(text, lang), lang, taken)
        for s, e, etype in spans:
            surface = text[s:e]
            rows.append((a, s_id, o + s, o + e, surface, _new_id(normalise_for_matching(surface, lang).strip(), lang), surface,
                         etype, "discovered"))
    return rows
