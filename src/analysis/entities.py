"""Who and where: entity mentions, their names, counts and company.

Mentions are found in three steps, all over the sentence table of
:func:`analysis.text.sentences` (offsets are always into the *article* text):

1. **Gazetteer lookup** — every alias of the hand-curated gazetteer
   (``data/lexicons/gazetteer.yml``, see ``README-entities.md``) is compiled
   into a token trie and matched longest-first, case-sensitively ("US" is the
   country, "us" is not; "Kiev" and "Kyiv" are both the city). Possessives are
   left outside the span ("Russia's" -> ``Russia``). Metonyms ("the Kremlin"
   -> Russian government, "Pentagon", "Bankova") carry ``method="metonym"``.
   Ambiguous surnames listed as ``short_forms`` ("Johnson", "Austin") count
   only when the article names the person in full ("Lloyd Austin") —
   the one-sense-per-discourse heuristic of Gale, Church & Yarowsky (1992).
2. **Nested references** — events ("Kursk incursion", "Minsk agreements") and
   unambiguous descriptions ("the Russian President" -> Putin, "Russian
   forces" -> Russian Armed Forces) are matched in a second pass that may
   nest around names, so "President of Ukraine" still yields ``Ukraine``.
   A description is dropped when the same entity is named in the sentence
   ("Russian President Vladimir Putin" counts Putin once).
3. **Discovery** of names the gazetteer lacks: capitalised word sequences
   (with "of", "the", "for", "von" ... inside) that are not sentence-initial
   artefacts, typed by cues in the spirit of the NE cue-word heuristics of
   Mikheev, Moens & Grover (1999): a title before the name ("Gen.",
   "Minister") -> PERSON, a head word ("Ministry", "Council", "Agency") ->
   ORG, ("Brigade", "Regiment") -> MILITARY_UNIT, a lower-case "region"/
   "village"/"oblast" after it or "in"/"near" before it -> GPE, a speech verb
   after a two-word name -> PERSON. Surnames of discovered persons resolve
   within the article (``method="short_form"``). :func:`discovered_entities`
   makes the review table an analyst uses to promote names into the
   gazetteer (``load_gazetteer(extra=...)``).

Speed: the three steps look only at the tokens that can matter. One scan of
all sentences with prefix-factored regex alternations finds the tokens that
open an alias (:class:`_Matcher`), another the words that do not start with a
lower-case letter (:func:`_reported_words`); Python then walks the trie from
those tokens and types those words. The output is exactly that of the
reference implementations kept beside them (:func:`_match`,
:func:`_discover_sentence`), which the tests compare against.

Demonyms ("Russian", "Ukrainian") are never GPE mentions: in CoNLL-2003 they
are MISC. Phrases such as "Russian forces" are descriptions of the armed
forces (step 2), so they count for the analysis but are left out of NER
scores (``method="description"``).

Aggregates: :func:`entity_counts` (per 10,000 words, by outlet and/or period,
first/last appearance), :func:`cooccurrence` (sentence level, PMI after Church
& Hanks 1990 and normalised PMI after Bouma 2009), :func:`to_network` /
:func:`export_network` (GraphML/GEXF for Gephi) and :func:`naming_variants`
(share of Kiev vs Kyiv, Zelensky vs Zelenskyy ... per outlet).

Example
-------
>>> import pandas as pd
>>> from analysis.entities import mentions
>>> arts = pd.DataFrame({"article_id": ["a1"], "text": [
...     "Gen. Oleksandr Syrskyi said Russia's troops left Kiev. Later Syrskyi met Lloyd Austin, and Austin agreed."]})
>>> m = mentions(arts)
>>> m[["surface", "entity_id", "method"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
[['Oleksandr Syrskyi', 'person:oleksandr_syrskyi', 'gazetteer'], ['Russia', 'country:russia', 'gazetteer'],
 ['Kiev', 'city:kyiv', 'gazetteer'], ['Syrskyi', 'person:oleksandr_syrskyi', 'gazetteer'],
 ['Lloyd Austin', 'person:lloyd_austin', 'gazetteer'], ['Austin', 'person:lloyd_austin', 'short_form']]
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd

from analysis.paths import lexicon_dir

__all__ = [
    "ENTITY_TYPES",
    "MENTION_COLUMNS",
    "Gazetteer",
    "load_gazetteer",
    "mentions",
    "discovered_entities",
    "entity_counts",
    "cooccurrence",
    "to_network",
    "export_network",
    "naming_variants",
    "conll_type",
]

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FACILITY", "MILITARY_UNIT", "EVENT")
SIDES = ("ukraine", "russia", "west", "international", "other", "none")
MENTION_COLUMNS = ["article_id", "sentence_id", "start", "end", "surface", "entity_id", "name", "type", "method"]
SURFACE_KINDS = ("alias", "short_form", "metonym", "description")

#: Our types onto the CoNLL-2003 classes; EVENT (and UNKNOWN) are MISC/none.
_CONLL = {"PERSON": "PER", "ORG": "ORG", "MILITARY_UNIT": "ORG", "GPE": "LOC", "LOC": "LOC", "FACILITY": "LOC"}


def conll_type(entity_type: str) -> str | None:
    """Map an entity type onto CoNLL-2003 PER/ORG/LOC (None = not scored).

    >>> conll_type("MILITARY_UNIT"), conll_type("GPE"), conll_type("EVENT")
    ('ORG', 'LOC', None)
    """
    return _CONLL.get(entity_type)


# --------------------------------------------------------------------------------------
# Gazetteer
# --------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_QUOTE_MAP = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-", "\u2013": "-"})


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().translate(_QUOTE_MAP), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _key(surface: str) -> tuple[str, ...]:
    return tuple(t for t, _, _ in _tokens(surface))


def _as_list(value) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split("|") if v.strip()]
    return [str(v) for v in value if str(v).strip()]


def _as_variants(value) -> dict[str, str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return {}
    if isinstance(value, str):  # CSV form "Kiev=russian_transliteration|Kyiv=ukrainian_national"
        out = {}
        for part in value.split("|"):
            if "=" in part:
                s, f = part.rsplit("=", 1)
                out[s.strip()] = f.strip()
        return out
    return {str(k): str(v) for k, v in dict(value).items()}


def _read_entries(source) -> list[dict]:
    """Entries from a YAML/CSV path, a DataFrame, or an iterable of dicts."""
    if source is None:
        return []
    if isinstance(source, pd.DataFrame):
        return source.to_dict("records")
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records")
        import yaml

        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or []
        if isinstance(data, dict):
            data = data.get("entities", [])
        return list(data)
    if isinstance(source, Mapping):
        return [dict(source)]
    return [dict(e) for e in source]


def _normalise_entry(raw: Mapping) -> dict:
    missing = [k for k in ("id", "name", "type") if not raw.get(k)]
    if missing:
        raise ValueError(f"gazetteer entry {dict(raw)!r} lacks {missing}")
    etype = str(raw["type"]).upper()
    if etype not in ENTITY_TYPES:
        raise ValueError(f"gazetteer entry {raw['id']!r}: type {etype!r} not one of {ENTITY_TYPES}")
    variants = _as_variants(raw.get("variants"))
    descriptions = _as_list(raw.get("descriptions"))
    aliases = [str(raw["name"])] + _as_list(raw.get("aliases"))
    aliases += [s for s in variants if s not in descriptions]
    if etype in ("ORG", "MILITARY_UNIT"):
        # "Russian government", "Ukrainian parliament": a demonym and common nouns describe, they do not name
        generic = [a for a in aliases if " " in a and a.split()[-1][:1].islower()]
        aliases = [a for a in aliases if a not in generic]
        descriptions = list(dict.fromkeys(descriptions + generic))
    return {
        "id": str(raw["id"]), "name": str(raw["name"]), "type": etype,
        "side": str(raw.get("side") or "none"),
        "aliases": list(dict.fromkeys(aliases)),
        "short_forms": _as_list(raw.get("short_forms")),
        "metonyms": _as_list(raw.get("metonyms")),
        "descriptions": descriptions,
        "variants": variants,
        "ru": _as_list(raw.get("ru")),
        "uk": _as_list(raw.get("uk")),
    }


@dataclass(eq=False)
class Gazetteer:
    """Entities and their surface forms, with the matching tries built on demand.

    ``entities``: DataFrame[entity_id, name, type, side, n_surfaces];
    ``surfaces``: DataFrame[surface, entity_id, kind, variant] (kind one of
    alias, short_form, metonym, description; variant "" when none declared).
    """

    entries: list[dict] = field(repr=False)

    @cached_property
    def entities(self) -> pd.DataFrame:
        rows = [{"entity_id": e["id"], "name": e["name"], "type": e["type"], "side": e["side"],
                 "n_surfaces": len(e["aliases"]) + len(e["short_forms"]) + len(e["metonyms"]) + len(e["descriptions"])}
                for e in self.entries]
        return pd.DataFrame(rows, columns=["entity_id", "name", "type", "side", "n_surfaces"])

    @cached_property
    def surfaces(self) -> pd.DataFrame:
        rows = []
        for e in self.entries:
            for kind, key in (("alias", "aliases"), ("short_form", "short_forms"), ("metonym", "metonyms"),
                              ("description", "descriptions")):
                for s in e[key]:
                    rows.append((s, e["id"], kind, e["variants"].get(s, "")))
        return pd.DataFrame(rows, columns=["surface", "entity_id", "kind", "variant"])

    @cached_property
    def info(self) -> dict[str, tuple[str, str, str]]:
        """entity_id -> (name, type, side)."""
        return {e["id"]: (e["name"], e["type"], e["side"]) for e in self.entries}

    @cached_property
    def variant_of(self) -> dict[tuple[str, tuple[str, ...]], str]:
        """(entity_id, surface tokens) -> variant family."""
        return {(e["id"], _key(s)): f for e in self.entries for s, f in e["variants"].items()}

    def _trie(self, names: bool) -> dict:
        trie: dict = {}
        for e in self.entries:
            if names and e["type"] == "EVENT":
                continue
            if names:
                items = [(s, "alias") for s in e["aliases"]] + [(s, "short_form") for s in e["short_forms"]] \
                        + [(s, "metonym") for s in e["metonyms"]]
            else:
                items = [(s, "description") for s in e["descriptions"]]
                if e["type"] == "EVENT":
                    items += [(s, "alias") for s in e["aliases"]]
            for surface, kind in items:
                forms = {surface}
                if surface[:1].islower():  # "the Russian President" may open a sentence
                    forms.add(surface[0].upper() + surface[1:])
                for form in forms:
                    key = _key(form)
                    if not key:
                        continue
                    node = trie
                    for tok in key:
                        node = node.setdefault(tok, {})
                    node.setdefault(None, [])
                    if (e["id"], kind) not in node[None]:
                        node[None].append((e["id"], kind))
        return trie

    @cached_property
    def name_trie(self) -> dict:
        return self._trie(True)

    @cached_property
    def nested_trie(self) -> dict:
        return self._trie(False)

    @cached_property
    def matcher(self) -> "_Matcher":
        """Both tries behind one candidate scan: ``matcher.find(text)`` ->
        [name matches, nested matches]."""
        return _Matcher((self.name_trie, self.nested_trie))

    def __len__(self) -> int:
        return len(self.entries)


def _merge(entries: list[dict], extra: list[dict]) -> list[dict]:
    by_id = {e["id"]: i for i, e in enumerate(entries)}
    out = [dict(e) for e in entries]
    for e in extra:
        if e["id"] in by_id:
            old = out[by_id[e["id"]]]
            merged = dict(old)
            for key in ("aliases", "short_forms", "metonyms", "descriptions", "ru", "uk"):
                merged[key] = list(dict.fromkeys(old.get(key, []) + e.get(key, [])))
            merged["variants"] = {**old["variants"], **e["variants"]}
            out[by_id[e["id"]]] = merged
        else:
            by_id[e["id"]] = len(out)
            out.append(e)
    return out


@lru_cache(maxsize=4)
def _load_default(path: str) -> Gazetteer:
    return Gazetteer([_normalise_entry(r) for r in _read_entries(path)])


def load_gazetteer(path: str | os.PathLike | None = None, *, extra=None) -> Gazetteer:
    """Load the gazetteer (default ``data/lexicons/gazetteer.yml``), optionally extended.

    Parameters
    ----------
    path : YAML (list of entries) or CSV (``aliases`` etc. ``|``-joined,
        ``variants`` as ``surface=family|...``).
    extra : more entries — a path, a DataFrame, a dict or a list of dicts in the
        same schema. An entry whose ``id`` exists adds surfaces to it; a new id
        adds an entity.

    >>> g = load_gazetteer(extra=[{"id": "person:jane_roe", "name": "Jane Roe", "type": "PERSON",
    ...                            "side": "none", "aliases": ["Roe"]}])
    >>> len(g) > 300, g.info["person:jane_roe"]
    (True, ('Jane Roe', 'PERSON', 'none'))
    """
    path = str(Path(path) if path is not None else lexicon_dir() / "gazetteer.yml")
    base = _load_default(path)
    if extra is None:
        return base
    extra_entries = [_normalise_entry(r) for r in _read_entries(extra)]
    return Gazetteer(_merge(base.entries, extra_entries))


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
    "Russian"... The walk from a candidate reads the next tokens on demand.
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
            self.scans.append((re.compile("[\\x00-/:-@\\[-^`{-\\U0010ffff]" + body), 1))
            self.lower_head = re.compile(body)
        else:
            self.lower_head = None

    def find_all(self, texts: list[str], *, nested: bool = True) -> list[tuple[list, list]]:
        """For each text: (name matches, nested matches), each a list of
        longest non-overlapping (start, end, candidates), offsets local.

        All texts are scanned at once (joined by newlines: a token never
        spans one), then each candidate is walked inside its own text.
        """
        out: list[tuple[list, list]] = [([], []) for _ in texts]
        if not texts:
            return out
        joined = "\n".join(texts)
        bases = [0]
        for t in texts[:-1]:
            bases.append(bases[-1] + len(t) + 1)
        found = set()
        for scan, shift in self.scans:
            if shift == 0:
                spans = [m.span() for m in scan.finditer(joined)]
                # drop matches inside a token (the scans carry no look-behind, to stay fast)
                found.update([(a, b) for a, b in spans
                              if not a or not ((c := joined[a - 1]).isalnum() or c == "_")])
            else:
                found.update([(a, a + _token_len(joined, a))
                              for a in [m.start() + shift for m in scan.finditer(joined)]
                              if not ((c := joined[a - 1]).isalnum() or c == "_")])
        if self.lower_head is not None and self.lower_head.match(joined):
            found.add((0, _token_len(joined, 0)))
        if not found:
            return out
        name_trie, nested_trie = self.tries
        k, n = 0, len(texts)
        nxt_base = bases[1] if n > 1 else len(joined) + 1
        cands: list = []
        for start, end in sorted(found):
            if start >= nxt_base:
                if cands:
                    text, b = texts[k], bases[k]
                    local = [(a - b, e - b) for a, e in cands]
                    out[k] = (_walk(name_trie, text, local), _walk(nested_trie, text, local) if nested else [])
                    cands = []
                while start >= nxt_base:
                    k += 1
                    nxt_base = bases[k + 1] if k + 1 < n else len(joined) + 1
            cands.append((start, end))
        if cands:
            text, b = texts[k], bases[k]
            local = [(a - b, e - b) for a, e in cands]
            out[k] = (_walk(name_trie, text, local), _walk(nested_trie, text, local) if nested else [])
        return out


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


# Discovery vocabulary (hand-written).
_TITLES = frozenset("""
President Presidents Prime Minister Ministers Foreign Defence Defense Secretary General Gen Gen. Lt Lt. Col Col.
Colonel Major Maj Maj. Captain Capt Capt. Sergeant Sgt Sgt. Admiral Adm Adm. Commander Chancellor Chairman
Chairwoman Chair Senator Sen Sen. Rep Rep. Representative Governor Gov Gov. Mayor Ambassador Mr Mr. Mrs Mrs. Ms
Ms. Dr Dr. Prof Prof. Professor King Queen Pope Patriarch Deputy Vice Chief Head Spokesman Spokeswoman
Spokesperson Lieutenant Marshal Colonel-General Lieutenant-General Major-General Brigadier Archbishop Metropolitan
Director Speaker Premier Commissioner Judge Private Corporal Tsar Tsarina Emperor Empress Prince Count Duke Grand Kaiser Officer Secretary-General Acting Former First Lady
Press Sergeant-Major Envoy Special Representative Minister-Counsellor Counsellor Attorney Senior Junior Assistant
Undersecretary Under Ombudsman Commissioner Sheikh Emir Crown Prince Princess Sir Dame Lord Lady Saint St St.
Leader Presidential Executive Director-General CEO Founder Chief-of-Staff Officials Official Sen.
""".split())
_ORG_HEADS = frozenset("""
Ministry Department Council Agency Committee Commission Service Services Bank Party Union Organization Organisation
Office Corporation Company Group Institute University College School Fund Parliament Assembly Court Directorate
Administration Bureau Authority Association Foundation Center Centre Network News Times Post Inc Ltd Corp LLC Forum
Alliance Coalition Federation Staff Police Navy Cabinet Senate Congress Academy Church Embassy Mission
Secretariat Programme Program Tribunal Prosecutor's Board Trust Society Institution Agency's Chamber Club Media
Radio Television TV Channel Journal Herald Gazette Telegraph Review Pravda Express Inform Press Holding Holdings
Airlines Railways Energy Oil Gas Industries Industry Systems Technologies Solutions Movement Front Government
Consulate Observatory Foundation's Fellowship Project Watch Partners Capital Group's Monitor
""".split())
_UNIT_HEADS = frozenset("Brigade Battalion Regiment Division Corps Army Fleet Forces Force Squadron Legion Unit Detachment Flotilla Troops Command Guard Marines Guards".split())
#: Documents and laws (MISC in CoNLL terms): a name ending in one of these is not reported.
_DOC_HEADS = frozenset("Act Code Law Plan Declaration Strategy Charter Constitution Resolution Order Decree Report Policy Bill Statement Communique Memorandum Convention".split())
_LOC_HEADS = frozenset("River Sea Lake Mountains Island Islands Peninsula Strait Bay Gulf Ocean Valley Forest Spit Canal Reservoir Steppe Plain Ridge Coast".split())
_FAC_HEADS = frozenset("""Street Avenue Square Airport Station Plant Bridge Dam Port Hospital Theatre Theater Cathedral Base Airfield
Stadium Palace Hotel Mall Prison Cosmodrome Yar Park Cemetery Embankment Highway Colony Refinery Factory Works Terminal Depot Monastery Lavra Memorial Museum Tower Building Pipeline""".split())
_EVENT_HEADS = frozenset("Summit Conference War Wars Games Olympics Agreement Treaty Accords Accord Operation Offensive Protocol Revolution Massacre Festival Cup Championship Talks Open Day Initiative Partnership Partnerships".split())
_GPE_HEADS = frozenset("Oblast Region Raion District Province Krai Republic County State Governorate Municipality Hromada".split())
_GPE_CUES_AFTER = frozenset("region oblast district province city village town settlement raion hromada community municipality krai area direction sector front axis".split())
_GPE_CUES_BEFORE = frozenset("in near outside around towards toward from across into at to via outskirts".split())
_PLACE_OF = frozenset("village town city settlement region oblast district suburb hamlet outskirts capital port municipality".split())
_SPEECH = frozenset("said says told added noted stated wrote explained argued claimed stressed warned announced declared insisted asked urged reported tweeted posted confirmed according".split())
_CONNECTORS = frozenset("of the for de da von van der den al bin ibn la le du del y und on-the".split())
_MONTHS_DAYS = frozenset("""January February March April May June July August September October November December
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday Saturday Sunday""".split())
_DEMONYMS = frozenset("""
Russian Russians Ukrainian Ukrainians American Americans British Briton Britons European Europeans Western Westerners
Eastern Soviet Soviets Belarusian Belarusians Polish Pole Poles German Germans French Chinese Iranian Iranians Turkish
Turk Turks Chechen Chechens Crimean Crimeans Tatar Tatars Georgian Georgians Moldovan Moldovans Hungarian Hungarians
Slovak Slovaks Czech Czechs Romanian Romanians Bulgarian Bulgarians Lithuanian Lithuanians Latvian Latvians Estonian
Estonians Finnish Finn Finns Swedish Swede Swedes Norwegian Norwegians Danish Dane Danes Dutch Belgian Belgians
Austrian Austrians Swiss Greek Greeks Serbian Serbs Croatian Croats Italian Italians Spanish Spaniard Spaniards
Portuguese Irish Canadian Canadians Japanese Korean Koreans Indian Indians Israeli Israelis Palestinian Palestinians
Arab Arabs Syrian Syrians Armenian Armenians Azerbaijani Azerbaijanis Kazakh Kazakhs African Africans Asian Asians
Latin Nordic Baltic Slavic Slav Slavs Atlantic Transatlantic Euro-Atlantic Pacific Kyivan Muscovite Muscovites
Donbas Orthodox Catholic Christian Christians Muslim Muslims Jewish Jews Jew Nazi Nazis Neo-Nazi Neo-Nazis Bolshevik
Bolsheviks Communist Communists Democrat Democrats Republican Republicans Allied Allies NATO's European-made
Russian-backed Russian-installed Russian-occupied Russian-speaking Pro-Russian Anti-Russian Kremlin-backed
Ukrainian-controlled Ukraine-controlled Moscow-backed Kyiv-controlled Russian-controlled Russia-backed
""".split())
_WORD_RE = re.compile(r"[^\W_][\w]*(?:[-\u2010\u2011][\w]+|['\u2019](?![sS]\b)[\w]+)*\.?")
_PERSON_SUFFIX = re.compile(r"(?:enko|enka|chuk|czuk|iuk|yuk|ov|ova|ev|eva|yov|yova|skyi|skyy|sky|skiy|ska|skaya|ski|vich|vych|vna|ich|shvili|yan|ian)$")
_PLACE_SUFFIX = re.compile(r"(?:ivka|yivka|ovka|evka|ivske|ivsk|ske|ske|ove|ovo|evo|ino|yne|ene|ne|sk|ets|pil|pol|hrad|grad|burg|horod|gorod|ivtsi|tsi|ichi|ivka)$")


def _is_cap(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() or (word.isupper() and len(word) >= 2 and word.isalpha())


_CONTRACTION = re.compile(r"'(?:t|ve|re|ll|d|m)$", re.I)


_ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X)$")


def _capword(word: str) -> bool:
    w = word.replace("\u2019", "'")
    return _is_cap(w) and w not in _MONTHS_DAYS and w not in _NOT_NAMES and not _CONTRACTION.search(w)


_capword_cached = lru_cache(maxsize=1 << 16)(_capword)


@dataclass(slots=True)
class _Unit:
    start: int
    end: int
    text: str
    gaz: tuple | None = None  # (entity_id, type) when a gazetteer match


def _clean_words(words: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Strip a trailing full stop unless it is an initial/abbreviation ("Gen.", "J.")."""
    cleaned = []
    for s, e, w in words:
        if w.endswith(".") and not (w[:-1] in _TITLES or len(w) == 2 or w in _TITLES):
            w, e = w[:-1], e - 1
        cleaned.append((s, e, w))
    return cleaned


def _merge_units(words: list[tuple[int, int, str]], gaz_spans, sent: str) -> list[tuple]:
    """Words and gazetteer spans as one sequence of units (start, end, text,
    gaz) — a span swallows the words it overlaps; gaz is (entity_id, type) or None."""
    units: list[tuple] = []
    gi = 0
    gaz_spans = sorted(gaz_spans)
    wi = 0
    while wi < len(words):
        s, e, w = words[wi][:3]
        while gi < len(gaz_spans) and gaz_spans[gi][1] <= s:
            gi += 1
        if gi < len(gaz_spans) and gaz_spans[gi][0] < e:
            gs, ge, gid, gtype = gaz_spans[gi]
            units.append((gs, ge, sent[gs:ge], (gid, gtype)))
            while wi < len(words) and words[wi][0] < ge:
                wi += 1
            gi += 1
            continue
        units.append((s, e, w, None))
        wi += 1
    return units


def _discover_sentence(sent: str, offset: int, gaz_spans: list[tuple[int, int, str, str]],
                       lower_vocab: set[str]) -> list[tuple[int, int, str, str]]:
    """Discovered (start, end, surface, guessed type) in one sentence; offsets local.

    The reference implementation over every word; :func:`_discover_fast` gives
    the same result visiting only the words that can matter.
    """
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(sent)]
    if not words:
        return []
    words = _clean_words(words)
    # Title Case headlines ("Ukraine Says It Will Not Give Up") carry no capitalisation signal:
    # two capitalised function words after the first word, or every word capitalised.
    later = [w for _, _, w in words[1:]]
    n_cap_stop = sum(1 for w in later if w[:1].isupper() and len(w) > 1 and w.lower() in _stop())
    if n_cap_stop >= 2 or (len(words) >= 4 and all(w[:1].isupper() for _, _, w in words)):
        return []
    units = _merge_units(words, gaz_spans, sent)
    return _scan_units(units, sent, units[0][0] if units else 0, lower_vocab)


_CONNECTOR_ALT = "(?:" + "|".join(re.escape(c) for c in sorted(_CONNECTORS, key=len, reverse=True)) + \
    r")(?!\w|[-\u2010\u2011]\w|['\u2019](?![sS]\b)\w)"
#: Words that do not start with an ASCII lower-case letter, in the exact
#: segmentation of :data:`_WORD_RE`: lower-case words and non-word characters
#: are consumed silently (possessive, so in one pass; group 1 keeps the last
#: lower-case word), group 2 is the next other word, group 3 is set when
#: whitespace and a connector ("of", "the") follow it.
_REPORTED_WORD_RE = re.compile(
    r"(?:[\W_]++|([a-z]\w*+(?:[-\u2010\u2011]\w++|['\u2019](?![sS]\b)\w++)*+\.?))*+"
    r"(?:(" + _WORD_RE.pattern + r")(?:(?=\s+" + _CONNECTOR_ALT + r")(\s))?)?")
_CONNECTOR_AFTER = re.compile(r"\s+" + _CONNECTOR_ALT)
_SPACE_LOWER = re.compile(r"\s[a-z]")  # a word opening with a-z: not every word is capitalised


@lru_cache(maxsize=1 << 16)
def _is_stop_word(w: str) -> bool:
    """A capitalised function word ("The", "Of"): longer than one letter, a stop word."""
    return len(w) > 1 and w.lower() in _stop()


def _reported_words(texts: list[str]) -> list[tuple | None]:
    """For each text, what discovery needs of its words, in one scan of all texts.

    None when every word starts with a-z; else (units, first_in, n_cap_stop,
    all_cap, connector_ends): ``units`` are (start, end, word, None) for the
    :data:`_WORD_RE` words not starting with a-z, trailing full stops removed
    as in :func:`_clean_words`; ``first_in``: the first of them is the
    sentence's first word; ``n_cap_stop``: capitalised stop words after the
    first word; ``all_cap``: all of them are capitalised; ``connector_ends``:
    ends of those followed by whitespace and a connector.
    """
    out: list[tuple | None] = [None] * len(texts)
    if not texts:
        return out
    joined = "\n".join(texts)
    titles, cap_stop = _TITLES, _is_stop_word
    k, base = 0, 0
    nxt = len(texts[0]) + 1
    units: list = []
    first_in = all_cap = True
    n_cap_stop = 0
    conn: list = []
    for m in _REPORTED_WORD_RE.finditer(joined):
        ws, we = m.span(2)
        if ws < 0:
            continue
        if ws >= nxt:
            if units:
                out[k] = (units, first_in, n_cap_stop, all_cap, conn)
                units, all_cap, n_cap_stop, conn = [], True, 0, []
            while ws >= nxt:
                k += 1
                base = nxt
                nxt = base + len(texts[k]) + 1
        w = m.group(2)
        e = we - base
        dotted = w[-1] == "." and not (w[:-1] in titles or len(w) == 2 or w in titles)
        if dotted:
            w, e = w[:-1], e - 1
        if not units:
            first_in = m.start(1) < base  # no lower-case word before it in this text
            if w[0].isupper():
                if not first_in and cap_stop(w):
                    n_cap_stop += 1
            else:
                all_cap = False
        elif w[0].isupper():
            if cap_stop(w):
                n_cap_stop += 1
        else:
            all_cap = False
        if not dotted and m.start(3) >= 0:
            conn.append(e)
        units.append((ws - base, e, w, None))
    if units:
        out[k] = (units, first_in, n_cap_stop, all_cap, conn)
    return out


def _discover_fast(sent: str, reported: tuple | None, gaz_spans: list[tuple[int, int, str, str]],
                   lower_vocab) -> list[tuple[int, int, str, str]]:
    """:func:`_discover_sentence` from the words that can matter only
    (``reported``: this sentence's entry of :func:`_reported_words`).

    Lower-case words never open, continue or end a name except the connectors
    ("of", "the", "von") right after a name, which are read back from the text
    where they occur; everything else about them is that they are not
    capitalised, which the gaps between the reported words already show.
    Sentences whose gazetteer spans do not open at a reported word fall back
    to the reference implementation.
    """
    if reported is None:
        return _discover_sentence(sent, 0, gaz_spans, lower_vocab) if gaz_spans else []
    words, first_in, n_cap_stop, all_cap, conn = reported
    if n_cap_stop >= 2:
        return []
    if all_cap and len(words) >= 4 and not _SPACE_LOWER.search(sent):
        full = _WORD_RE.findall(sent)
        if len(full) >= 4 and all(w[:1].isupper() for w in full):
            return []
    if gaz_spans:
        starts = {w[0] for w in words}
        if any(g[0] not in starts for g in gaz_spans):
            return _discover_sentence(sent, 0, gaz_spans, lower_vocab)
        conn = conn + [g[1] for g in gaz_spans]
    # connectors right after a word or a gazetteer name: read the words that follow
    extra = {}
    for e in conn:
        if _CONNECTOR_AFTER.match(sent, e):
            for m in _WORD_RE.finditer(sent, e):
                if not "a" <= m.group()[0] <= "z" or m.start() in extra:
                    break  # a reported word (already there), or a chain already read
                ((s, e2, w),) = _clean_words([(m.start(), m.end(), m.group())])
                extra[s] = (s, e2, w, None)
                if w not in _CONNECTORS:
                    break
    if extra:
        words = sorted(words + list(extra.values()))
    units = _merge_units(words, gaz_spans, sent) if gaz_spans else words
    first = units[0][0] if first_in else _WORD_RE.search(sent).start()
    return _scan_units(units, sent, first, lower_vocab)


def _scan_units(units: list[tuple], sent: str, first_start: int, lower_vocab) -> list[tuple[int, int, str, str]]:
    """Capitalised sequences (connectors inside) of the units (start, end, text, gaz), typed."""
    out: list[tuple[int, int, str, str]] = []
    lead = sent[:first_start]
    lead_alnum = bool(lead) and any(c.isalnum() for c in lead)

    def sentence_initial(u: _Unit) -> bool:
        return u.start == first_start and not lead_alnum

    capword = _capword_cached
    stop = _stop()
    conns = _CONNECTORS
    i, n = 0, len(units)
    while i < n:
        u = units[i]
        if not (u[3] or capword(u[2])):
            i += 1
            continue
        # collect a capitalised sequence separated only by spaces, connectors inside
        seq = [u]
        j = i + 1
        while j < n:
            v = units[j]
            if sent[seq[-1][1]:v[0]].strip():
                break
            if v[3] or capword(v[2]) or (_ROMAN.match(v[2]) and not seq[-1][3]):
                seq.append(v)
                j += 1
                continue
            if v[2] in conns and j + 1 < n and not sent[v[1]:units[j + 1][0]].strip():
                # allow "of the": look ahead past connectors
                k = j
                while k < n and units[k][2] in conns and not sent[units[k][1]:units[k + 1][0] if k + 1 < n else units[k][1]].strip():
                    k += 1
                if k < n and (units[k][3] or _is_cap(units[k][2])) and k > j:
                    seq.extend(units[j:k])
                    j = k
                    continue
            break
        i = j
        if len(seq) == 1:
            if u[3]:
                continue  # a gazetteer name alone: nothing to discover (what _type_sequence returns)
            w = u[2]
            if _single_word_rejected(w):
                continue
            if u[0] == first_start and not lead_alnum and (
                    w.lower() in stop or w in _DEMONYMS or _common(w) or w.endswith("ly") or w.endswith("ing")):
                continue  # a common word opening the sentence (what _type_plain returns)
        elif all(x[3] for x in seq):
            continue
        out.extend(_type_sequence([_Unit(*x) for x in seq], sent, sentence_initial, lower_vocab, units))
    return out


@lru_cache(maxsize=1 << 16)
def _single_word_rejected(w: str) -> bool:
    """True when :func:`_type_sequence` rejects the one-word sequence ``w``
    whatever its context: connectors, articles, documents, shouted words,
    titles, demonyms, office words, non-names, months, head words, stop words,
    one-letter words, demonym-like endings (each a ``return []`` there)."""
    n = _norm(w)
    return (w in _CONNECTORS or w in ("The", "the", "A", "An")
            or (w in _DOC_HEADS and _head_type(w) not in ("ORG", "MILITARY_UNIT"))
            or (w.isupper() and len(w) > 5)
            or n in _TITLES or n.rstrip(".") in _TITLES or w.rstrip(".") in _TITLES
            or w in _DEMONYMS or w in _OFFICE_WORDS or n in _NOT_NAMES or w in _MONTHS_DAYS
            or _head_type(w) is not None or len(w) < 2 or w.lower() in _stop()
            or _DEMONYM_SUFFIX.search(w) is not None)


def _type_sequence(seq: list[_Unit], sent: str, sentence_initial, lower_vocab, units) -> list[tuple[int, int, str, str]]:
    while seq and not seq[0].gaz and (seq[0].text in ("The", "the", "A", "An") or seq[0].text in _CONNECTORS):
        seq = seq[1:]
    if not seq:
        return []
    plain = [u for u in seq if not u.gaz]
    has_gaz = any(u.gaz for u in seq)
    # a gazetteer place + an organisation head forms one name: "Kharkiv Regional Military Administration"
    if has_gaz and plain and seq[-1].gaz and seq[-1].gaz[1] == "ORG" and " " not in seq[-1].text \
            and _common(seq[-1].text) and not seq[0].gaz and all(u.gaz is None for u in seq[:-1]) \
            and not all(u.text in _DEMONYMS or u.text in _CONNECTORS for u in seq[:-1]):
        # a generic one-word alias inside a longer name: "Belarusian People's Congress"
        return [(seq[0].start, seq[-1].end, sent[seq[0].start:seq[-1].end], "MERGE:ORG")]
    if has_gaz:
        mergeable = all(u.gaz is None or u.gaz[1] in ("GPE", "LOC") for u in seq)
        last_plain_head = _head_type(seq[-1].text) if not seq[-1].gaz else None
        first_plain_head = _head_type(seq[0].text) if not seq[0].gaz else None
        if mergeable and plain and (last_plain_head in ("ORG", "MILITARY_UNIT", "FACILITY")
                                    or (first_plain_head in ("ORG", "MILITARY_UNIT", "FACILITY")
                                        and any(u.text in ("of", "for") for u in seq))):
            t = last_plain_head or first_plain_head
            return [(seq[0].start, seq[-1].end, sent[seq[0].start:seq[-1].end], "MERGE:" + t)]
        # otherwise gazetteer units split the sequence
        parts, cur = [], []
        for u in seq:
            if u.gaz:
                if cur:
                    parts.append(cur)
                cur = []
            else:
                cur.append(u)
        if cur:
            parts.append(cur)
        res = []
        for p in parts:
            res.extend(_type_plain(p, sent, sentence_initial, lower_vocab, units))
        return res
    return _type_plain(seq, sent, sentence_initial, lower_vocab, units)


def _head_type(word: str) -> str | None:
    if word in _UNIT_HEADS:
        return "MILITARY_UNIT"
    if word in _ORG_HEADS:
        return "ORG"
    if word in _FAC_HEADS:
        return "FACILITY"
    if word in _LOC_HEADS:
        return "LOC"
    if word in _EVENT_HEADS:
        return "EVENT"
    if word in _GPE_HEADS:
        return "GPE"
    return None


_OFFICE_WORDS = frozenset("""State Affairs Staff Defence Defense Foreign Interior Justice Treasury Security Health
Finance Economy Economic Energy Education Culture Commerce Agriculture Homeland Infrastructure Transport Policy Policies
Reintegration Territories Republic Order Merit Courage Development Trade Industry Emergency Emergencies Situations
Digital Transformation Social Science Sciences Strategic Industries Environmental Protection Veterans Youth Sports
Sport Resources Natural Internal External Relations Cooperation Integration European Euro-Atlantic Office Council
Cabinet Board Federation Nation Nations Armed Forces Intelligence Chiefs Joint General Staff's Information Communications
Restoration Regional Military Civil Civilian Administration Legal Public Human Rights Parliamentary Commissioner Head
Federal Commander-in-Chief Advisor Adviser Presidency Prosecutor Attorney-General Secretary-General Chief-of-Staff
""".split())
#: Capitalised terms that are not PER/ORG/LOC names (weapons, titles of things, interjections):
#: discovery skips them. Hand-written; extend freely.
_NOT_NAMES = frozenset("""HIMARS ATACMS MLRS Patriot Patriots Leopard Leopards Abrams Bradley Bradleys Challenger Storm Shadow
SCALP Bayraktar Shahed Shaheds Geran Iskander Iskanders Kinzhal Kalibr Kh-101 Oniks Zircon Tsirkon Sarmat Lancet Javelin
Javelins Stinger Stingers NLAW Starlink Gripen Tomahawk Taurus Caesar Gepard Marder Stryker Strykers Hellfire Vampire
NASAMS IRIS-T Crotale SAMP SAMP-T Mirage Sukhoi MiG Tu-95 Tu-22 Su-25 Su-34 Su-35 Ka-52 Mi-8 F-16 F-16s T-72 T-90 S-300
S-400 BM-21 Grad Smerch Tornado Uragan Buk Tor Pantsir Orlan Krasnopol Excalibur Zala Oreshnik UAV UAVs NGO NGOs GDP LNG
AI TV CEO USD EUR UAH RUB PM AM UTC GMT EST CET OK Covid COVID COVID-19 Coronavirus Omicron Q A Thank Thanks Hello Yes
No Please Dear Colleagues Friends Ladies Gentlemen Sir Madam God Lord Internet Web Telegram Facebook Twitter X YouTube
Instagram TikTok WhatsApp Viber Google Christmas Easter Ramadan Advertisement Advertising Photo Video Image Getty
Reuters/AP AP/Reuters Read Watch Click Subscribe Share Comments Related Source Sources Update Updated Editor Editor's
Note Copyright Follow North South East West Northern Southern Eastern Western Central Upper Lower Greater New Old
Mr Mrs Ms Dr Miss I'm I've I'd I'll We're We've We'll You're They're It's That's Here's There's Let's Yeah Okay
Oh Hi Alright Laughter Applause Newsletters Privacy VPN FPV Olympic Olympics Paralympic English Tory Tories Indeed Also However Meanwhile Moreover Furthermore Nevertheless Therefore Thus Yesterday Today Tomorrow Tonight
""".split())
_LC, _MID_UC = 0x70, 0x04


@lru_cache(maxsize=1)
def _ortho() -> dict:
    """Punkt's orthographic context for English (Kiss & Strunk 2006): which
    words were seen lower-case — i.e. are common words, not names."""
    try:
        from punkt.data import english as punkt_english

        return dict(punkt_english.ORTHO_CONTEXT)
    except Exception:  # pragma: no cover - the package is a core dependency
        return {}


def _common(word: str) -> bool:
    return bool(_ortho().get(word.lower(), 0) & _LC)


def _type_plain(seq: list[_Unit], sent: str, sentence_initial, lower_vocab, units) -> list[tuple[int, int, str, str]]:
    # trim connectors at the edges
    while seq and seq[0].text in _CONNECTORS:
        seq = seq[1:]
    while seq and seq[-1].text in _CONNECTORS:
        seq = seq[:-1]
    if not seq:
        return []
    while seq and seq[0].text in ("The", "the", "A", "An"):
        seq = seq[1:]
    if not seq or (seq[-1].text in _DOC_HEADS and not any(_head_type(u.text) in ("ORG", "MILITARY_UNIT") for u in seq)):
        return []
    # transcript speaker labels and shouted headlines: "TERRY MORAN:", "PRESIDENT"
    if all(u.text.isupper() for u in seq) and (len(seq) > 1 or len(seq[0].text) > 5):
        return []
    # sentence-initial artefacts: "The", "But", "Unfortunately" ... (common words in Punkt's tables)
    if sentence_initial(seq[0]):
        w = seq[0].text
        if w.lower() in _stop() or w in _DEMONYMS or _common(w) or w.endswith("ly") or w.endswith("ing") \
                or w.lower() in lower_vocab:
            seq = seq[1:]
    if not seq:
        return []
    titled = False
    # titles and demonyms before a name: "Russian Deputy Foreign Minister Sergei Ryabkov"
    k = 0
    while k < len(seq) and (_norm(seq[k].text) in _TITLES or _norm(seq[k].text).rstrip(".") in _TITLES
                            or seq[k].text in _DEMONYMS or seq[k].text in _CONNECTORS or seq[k].text in _OFFICE_WORDS):
        if _norm(seq[k].text) in _TITLES or _norm(seq[k].text).rstrip(".") in _TITLES:
            titled = True
        k += 1
    words_all = [u.text for u in seq]
    heads = [_head_type(w) for w in words_all]
    last_head = heads[-1]
    any_org = any(h in ("ORG", "MILITARY_UNIT") for h in heads)
    if len(seq) > 1 and (last_head is not None or any_org) and not (titled and k == len(seq)):
        # a name with a head word keeps its demonym/title words: "Russian Ministry of Education"
        pass
    else:
        if titled and k == len(seq):
            return []  # only titles: "Secretary of State", "Prime Minister"
        seq = seq[k:]
    while seq and seq[0].text in _CONNECTORS:
        seq = seq[1:]
    if not seq:
        return []
    words = [u.text for u in seq]
    if any(_norm(w) in _NOT_NAMES for w in words) and len(words) <= 2:
        return []
    start, end = seq[0].start, seq[-1].end
    surface = sent[start:end]
    heads = [_head_type(w) for w in words]
    if len(seq) == 1:
        w = words[0]
        if w in _DEMONYMS or _norm(w) in _TITLES or w.rstrip(".") in _TITLES or w in _MONTHS_DAYS \
                or w in _OFFICE_WORDS or heads[0] is not None:
            return []
        if len(w) < 2 or w.lower() in _stop():
            return []
        if _DEMONYM_SUFFIX.search(w) and not titled:
            return []
    # type by cues
    before = sent[:start].rstrip()
    prev_word = before.rsplit(None, 1)[-1] if before else ""
    prev2 = before.rsplit(None, 2)[-2:] if before else []
    after = sent[end:].lstrip()
    next_word = _NEXT_WORD.match(after).group() if after else ""
    last_head = heads[-1]
    etype = "UNKNOWN"
    if len(seq) > 1 and last_head in ("MILITARY_UNIT", "ORG", "FACILITY", "LOC", "EVENT", "GPE"):
        etype = last_head
    elif len(seq) > 1 and any(h in ("ORG", "MILITARY_UNIT") for h in heads):
        etype = next(h for h in heads if h in ("ORG", "MILITARY_UNIT"))
    elif titled:
        etype = "PERSON"
    elif next_word.lower() in _GPE_CUES_AFTER and next_word.islower():
        etype = "GPE"
    elif len(prev2) == 2 and prev2[1] == "of" and prev2[0].lower() in _PLACE_OF:
        etype = "GPE"
    elif next_word in _SPEECH and len(seq) >= 2:
        etype = "PERSON"
    elif prev_word.lower() in _GPE_CUES_BEFORE and len(seq) <= 2 and not (len(seq) == 1 and _common(words[0])):
        etype = "GPE"
    elif 2 <= len(seq) <= 3 and all(w[:1].isupper() and any(c.islower() for c in w) for w in words) \
            and not _common(words[-1]):
        etype = "PERSON"
    elif len(seq) == 1 and _PLACE_SUFFIX.search(words[0]) and not words[0].isupper() and not _common(words[0]):
        etype = "GPE"
    elif len(seq) == 1 and _PERSON_SUFFIX.search(words[0]) and not _common(words[0]) and not words[0].isupper():
        etype = "PERSON"
    elif len(seq) == 1 and words[0].isupper() and len(words[0]) <= 5:
        etype = "ORG"
    if etype == "UNKNOWN" and len(seq) == 1 and _common(words[0]):
        return []  # a capitalised common noun ("Government", "Charter", "Glory")
    return [(start, end, surface, etype)]


_DEMONYM_SUFFIX = re.compile(r"(?:ian|ians|ean|eans|ese)$")
_NEXT_WORD = re.compile(r"[\w'-]*")


def _norm(word: str) -> str:
    return word.replace("\u2019", "'")


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    from analysis.text import stopwords

    return stopwords() | frozenset({"according", "speaking", "meanwhile", "however", "also", "today", "yesterday",
                                    "earlier", "later", "now", "here", "there", "this", "that", "these", "those"})


@lru_cache(maxsize=1 << 16)
def _slug(text: str) -> str:
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^\w]+", "_", folded.lower()).strip("_")


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
        ``uk`` go through :mod:`analysis.entities_cyr` (the ``ru``/``uk`` names
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
    if "lang" in sents.columns:
        from analysis import entities_cyr

        cyr = sents["lang"].isin(entities_cyr.LANGS).to_numpy()
        if cyr.any():
            # Russian and Ukrainian sentences: lemma-based matching of the Cyrillic names
            cyr_rows = entities_cyr.mentions_rows(sents[cyr], gaz, discover=discover)
            if cyr.all():
                return _frame(cyr_rows)
            rest = mentions(sents[~cyr].drop(columns=["lang"]), gazetteer=gaz, discover=discover,
                            descriptions=descriptions)
            return _frame(list(rest.itertuples(index=False, name=None)) + cyr_rows)
    rows: list[tuple] = []
    info = gaz.info
    art = sents["article_id"].tolist()
    sid = sents["sentence_id"].tolist()
    off = sents["start"].tolist()
    txt = [t if isinstance(t, str) else "" for t in sents["text"].tolist()]
    # whole-table passes: gazetteer matches and the words discovery looks at
    found = gaz.matcher.find_all(txt, nested=descriptions)
    reported = _reported_words(txt) if discover else [None] * len(txt)
    i, n = 0, len(art)
    while i < n:
        j = i
        while j < n and art[j] == art[i]:
            j += 1
        rows.extend(_article_mentions(art[i], sid[i:j], off[i:j], txt[i:j], found[i:j], reported[i:j], info,
                                      discover, descriptions))
        i = j
    return _frame(rows)


_LOWER_WORD = re.compile(r"\b[a-z][a-z'-]+\b")


class _LowerVocab:
    """The lower-case words of an article (a sentence-initial capitalised word
    also seen in lower case is a common word), read on the first question."""

    __slots__ = ("texts", "joined", "words")

    def __init__(self, texts: list[str]):
        self.texts, self.joined, self.words = texts, None, None

    def __contains__(self, word: str) -> bool:
        if self.words is None:
            if self.joined is None:
                self.joined = "\n".join(self.texts)
            if word not in self.joined:
                return False  # not even a substring of the article
            self.words = set(_LOWER_WORD.findall(self.joined))
        return word in self.words


def _frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    df = df.astype({"sentence_id": "int32", "start": "int64", "end": "int64"})
    if len(df):
        df = df.sort_values(["article_id", "start", "end"], kind="stable").reset_index(drop=True)
    return df


def _article_mentions(article_id, sids, offsets, texts, found, reported, info, discover, descriptions):
    per_sent = []
    named: set[str] = set()
    for idx, (sentence_id, offset, text) in enumerate(zip(sids, offsets, texts)):
        if not text or text.isspace():
            continue
        matches, nested = found[idx]
        for a, b, cands in matches:
            for eid, kind in cands:
                if kind == "alias":
                    named.add(eid)
        per_sent.append((idx, sentence_id, offset, text, matches, nested))
    rows = []
    discovered_people: dict[str, tuple[str, str]] = {}
    pending_short: list = []
    lower_vocab = None
    for idx, sentence_id, offset, text, matches, nested in per_sent:
        kept = []  # (start, end, eid, type, method)
        for a, b, cands in matches:
            choice = None
            for eid, kind in cands:
                if kind in ("alias", "metonym"):
                    choice = (eid, "gazetteer" if kind == "alias" else "metonym")
                    break
            if choice is None:
                seen = [eid for eid, kind in cands if kind == "short_form" and eid in named]
                if seen:
                    choice = (seen[0], "short_form")
            if choice is None:
                continue
            kept.append((a, b, choice[0], info[choice[0]][1], choice[1]))
        if descriptions and nested:
            sentence_named = {k[2] for k in kept}
            for s, e, cands in nested:
                eid, kind = cands[0]
                if kind == "description" and eid in sentence_named:
                    continue
                if text[s:e].lower().startswith("the ") and kind == "description":
                    s += 4
                kept.append((s, e, eid, info[eid][1], "description" if kind == "description" else "gazetteer"))
        if discover:
            if lower_vocab is None:
                lower_vocab = _LowerVocab([p[3] for p in per_sent])
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
                surface = " ".join(surface.split())
                eid = "new:" + _slug(surface)
                if etype == "PERSON" and len(surface.split()) >= 2:
                    discovered_people[surface.split()[-1]] = (eid, surface)
                if len(surface.split()) == 1:
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
    typed_spans = {}
    for r in rows:
        if r[8] != "description" and r[7] not in ("UNKNOWN", "EVENT"):
            typed_spans[(r[1], r[2])] = r[7]
            typed_spans[(r[1], r[3])] = r[7]
    texts_by_sid = {p[1]: (p[2], p[3]) for p in per_sent}
    for sentence_id, offset, s, e, surface, eid, etype in pending_short:
        off_, tx_ = texts_by_sid[sentence_id]
        after = _LIST_SEP.match(tx_, e)
        neighbour = None
        if after:
            neighbour = typed_spans.get((sentence_id, offset + after.end()))
        if neighbour is None:
            before = _list_sep_before(tx_, s)
            if before is not None:
                neighbour = typed_spans.get((sentence_id, offset + before))
        if etype == "UNKNOWN" and neighbour in ("GPE", "LOC") and surface not in discovered_people:
            etype = neighbour
        if surface in discovered_people:
            peid, pname = discovered_people[surface]
            rows.append((article_id, sentence_id, offset + s, offset + e, surface, peid, pname, "PERSON", "short_form"))
        else:
            rows.append((article_id, sentence_id, offset + s, offset + e, surface, eid, surface, etype, "discovered"))
    return rows


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
# Review and aggregates
# --------------------------------------------------------------------------------------

def discovered_entities(mentions: pd.DataFrame, *, min_count: int = 1, examples: int = 3) -> pd.DataFrame:
    """Review table of names found by discovery, most frequent first.

    Returns DataFrame[entity_id, surface, guessed_type, count, n_articles,
    examples] where ``examples`` lists up to ``examples`` "article_id:sentence_id"
    references. Promote a row into the gazetteer with
    ``load_gazetteer(extra=[{"id": ..., "name": ..., "type": ..., "aliases": [...]}])``.

    >>> import pandas as pd
    >>> m = mentions(pd.DataFrame({"article_id": ["a"], "text": ["Officials in Novomykhailivka said so."]}))
    >>> discovered_entities(m)[["surface", "guessed_type", "count"]].values.tolist()
    [['Novomykhailivka', 'GPE', 1]]
    """
    cols = ["entity_id", "surface", "guessed_type", "count", "n_articles", "examples"]
    d = mentions[mentions["method"].isin(["discovered", "short_form"]) & mentions["entity_id"].str.startswith("new:")]
    if d.empty:
        return pd.DataFrame(columns=cols)
    ref = d["article_id"].astype(str) + ":" + d["sentence_id"].astype(str)
    d = d.assign(_ref=ref)
    out = d.groupby("entity_id", sort=False).agg(
        surface=("name", lambda s: s.mode().iat[0]),
        guessed_type=("type", lambda s: s.mode().iat[0]),
        count=("start", "size"),
        n_articles=("article_id", "nunique"),
        examples=("_ref", lambda s: list(dict.fromkeys(s))[:examples]),
    ).reset_index()
    out = out[out["count"] >= min_count]
    return out.sort_values(["count", "n_articles", "surface"], ascending=[False, False, True]).reset_index(drop=True)[cols]


def _word_counts(articles: pd.DataFrame) -> pd.Series:
    if "n_words" in articles.columns:
        return articles["n_words"].astype("int64")
    from analysis.text import word_counts

    return pd.Series(word_counts(articles["text"].tolist()), index=articles.index, dtype="int64")


def entity_counts(mentions: pd.DataFrame, articles: pd.DataFrame, *, by: str | list[str] | None = "outlet",
                  freq: str | None = None, date: str = "published", per: int = 10_000,
                  methods: Iterable[str] | None = None, types: Iterable[str] | None = None) -> pd.DataFrame:
    """Mentions per ``per`` words of each entity in each group (and period).

    Parameters
    ----------
    by : grouping column(s) of ``articles`` (e.g. "outlet"), or None.
    freq : time bin ("MS"/"M"/"month", "W", "D", ...; see overview.time_bins) to count over time using
        ``articles[date]``; articles without a date are left out then.
    methods, types : keep only these mention methods / entity types
        (default: everything except UNKNOWN discoveries).

    Returns
    -------
    DataFrame[<by...>, (period), entity_id, name, type, mentions, articles,
    words, per_10k, first_seen, last_seen] — ``words`` is the group's total
    words (:func:`analysis.text.word_count`, or the articles' ``n_words``), ``per_10k`` = mentions / words * per; first/last seen
    are the earliest/latest article date in the group (NaT without dates).

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": [1, 2], "outlet": ["A", "B"],
    ...                      "text": ["Putin spoke in Kyiv.", "Kiev and Kyiv."]})
    >>> c = entity_counts(mentions(arts), arts)
    >>> c[["outlet", "name", "mentions"]].assign(per_10k=c.per_10k.round(1)).values.tolist()
    [['A', 'Kyiv', 1, 2500.0], ['A', 'Vladimir Putin', 1, 2500.0], ['B', 'Kyiv', 2, 6666.7]]
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    m = mentions
    if methods is not None:
        m = m[m["method"].isin(list(methods))]
    if types is not None:
        m = m[m["type"].isin(list(types))]
    else:
        m = m[m["type"] != "UNKNOWN"]
    arts = articles[["article_id"] + keys + ([date] if date in articles.columns else [])].copy()
    arts["_words"] = _word_counts(articles).to_numpy()
    if freq:
        if date not in arts.columns:
            raise KeyError(f"entity_counts(freq=...) needs a {date!r} column in articles")
        d = pd.to_datetime(arts[date], utc=True, errors="coerce")
        arts = arts[d.notna()]
        d = d[d.notna()]
        from analysis.overview import time_bins

        arts["period"] = d.dt.tz_localize(None).dt.to_period(time_bins(freq)[0]).dt.start_time
        keys = keys + ["period"]
    words = arts.groupby(keys, dropna=False)["_words"].sum() if keys else pd.Series({(): arts["_words"].sum()})
    mm = m.merge(arts, on="article_id", how="inner")
    cols = keys + ["entity_id", "name", "type", "mentions", "articles", "words", "per_10k", "first_seen", "last_seen"]
    if mm.empty:
        return pd.DataFrame(columns=cols)
    gkeys = keys + ["entity_id"]
    agg = {"name": ("name", "first"), "type": ("type", "first"), "mentions": ("start", "size"),
           "articles": ("article_id", "nunique")}
    if date in mm.columns:
        mm["_date"] = pd.to_datetime(mm[date], utc=True, errors="coerce")
        agg["first_seen"] = ("_date", "min")
        agg["last_seen"] = ("_date", "max")
    out = mm.groupby(gkeys, dropna=False, sort=True).agg(**agg).reset_index()
    if "first_seen" not in out.columns:
        out["first_seen"] = pd.NaT
        out["last_seen"] = pd.NaT
    if keys:
        out["words"] = out.set_index(keys).index.map(words).astype("int64")
    else:
        out["words"] = int(arts["_words"].sum())
    out["per_10k"] = out["mentions"] / out["words"].where(out["words"] > 0) * per
    out = out.sort_values(keys + ["per_10k", "name"], ascending=[True] * len(keys) + [False, True]).reset_index(drop=True)
    return out[cols]


def cooccurrence(mentions: pd.DataFrame, *, min_count: int = 2, level: str = "sentence",
                 methods: Iterable[str] | None = None) -> pd.DataFrame:
    """Entity pairs named in the same sentence (or article), with PMI.

    Each unit (sentence or article) counts a pair once. With N units that
    mention at least one entity, ``pmi = log2(N * n_xy / (n_x * n_y))``
    (Church & Hanks 1990) and ``npmi = pmi / -log2(n_xy / N)`` in [-1, 1]
    (Bouma 2009). UNKNOWN discoveries are left out.

    Returns DataFrame[source, target, source_name, target_name, count, pmi,
    npmi], source < target, sorted by count.

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": [1], "text": ["Putin met Lukashenko. Putin and Lukashenko spoke. Kyiv."]})
    >>> cooccurrence(mentions(arts), min_count=1)[["source_name", "target_name", "count"]].values.tolist()
    [['Alexander Lukashenko', 'Vladimir Putin', 2]]
    """
    cols = ["source", "target", "source_name", "target_name", "count", "pmi", "npmi"]
    m = mentions[mentions["type"] != "UNKNOWN"]
    if methods is not None:
        m = m[m["method"].isin(list(methods))]
    unit = ["article_id", "sentence_id"] if level == "sentence" else ["article_id"]
    pairs = m[unit + ["entity_id"]].drop_duplicates()
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    names = dict(zip(m["entity_id"], m["name"]))
    n_units = pairs[unit].drop_duplicates().shape[0]
    n_x = pairs["entity_id"].value_counts()
    counts: Counter = Counter()
    for _, grp in pairs.groupby(unit, sort=False)["entity_id"]:
        ids = sorted(grp.tolist())
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                counts[(ids[a], ids[b])] += 1
    rows = []
    for (a, b), c in counts.items():
        if c < min_count:
            continue
        pmi = math.log2(n_units * c / (n_x[a] * n_x[b]))
        p = c / n_units
        npmi = pmi / -math.log2(p) if p < 1 else 1.0
        rows.append((a, b, names.get(a, a), names.get(b, b), c, pmi, npmi))
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["count", "npmi", "source", "target"], ascending=[False, False, True, True]).reset_index(drop=True)


def to_network(cooc: pd.DataFrame, *, mentions: pd.DataFrame | None = None, weight: str = "count"):
    """networkx Graph of a :func:`cooccurrence` table.

    Nodes carry ``name`` (and ``type``, ``mentions`` when ``mentions`` is
    given); edges carry ``count``, ``pmi``, ``npmi`` and ``weight``.

    >>> import pandas as pd
    >>> g = to_network(pd.DataFrame({"source": ["a"], "target": ["b"], "source_name": ["A"],
    ...     "target_name": ["B"], "count": [3], "pmi": [1.0], "npmi": [0.5]}))
    >>> g.number_of_nodes(), g["a"]["b"]["weight"]
    (2, 3.0)
    """
    import networkx as nx

    g = nx.Graph()
    for r in cooc.itertuples(index=False):
        g.add_node(r.source, name=str(r.source_name))
        g.add_node(r.target, name=str(r.target_name))
        g.add_edge(r.source, r.target, count=int(r.count), pmi=float(r.pmi), npmi=float(r.npmi),
                   weight=float(getattr(r, weight)))
    if mentions is not None and len(mentions):
        stats = mentions.groupby("entity_id").agg(type=("type", "first"), n=("start", "size"))
        for node in g.nodes:
            if node in stats.index:
                g.nodes[node]["type"] = str(stats.at[node, "type"])
                g.nodes[node]["mentions"] = int(stats.at[node, "n"])
    return g


def export_network(graph, path: str | os.PathLike) -> Path:
    """Write a graph for Gephi: ``.graphml`` or ``.gexf`` (by suffix)."""
    import networkx as nx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".gexf":
        nx.write_gexf(graph, path)
    elif path.suffix.lower() == ".graphml":
        nx.write_graphml(graph, path)
    else:
        raise ValueError(f"export_network writes .graphml or .gexf, not {path.suffix!r}")
    return path


def naming_variants(mentions: pd.DataFrame, articles: pd.DataFrame | None = None, *, by: str | None = "outlet",
                    gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Share of each spelling family per entity and group (Kiev vs Kyiv ...).

    Only mentions whose surface has a declared ``variants`` family in the
    gazetteer count; possessives and case follow the surface as matched.

    Returns DataFrame[<by>, entity_id, name, variant, surfaces, mentions,
    share] — ``share`` sums to 1 within (group, entity).

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": [1, 2], "outlet": ["A", "B"], "text": ["Kiev and Kiev.", "Kyiv and Kiev."]})
    >>> v = naming_variants(mentions(arts), arts)
    >>> v[v.name == "Kyiv"][["outlet", "variant", "share"]].values.tolist()
    [['A', 'russian_transliteration', 1.0], ['B', 'russian_transliteration', 0.5], ['B', 'ukrainian_national', 0.5]]
    """
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    keys = [] if by is None else [by]
    cols = keys + ["entity_id", "name", "variant", "surfaces", "mentions", "share"]
    m = mentions[mentions["method"].isin(["gazetteer", "metonym", "short_form", "description"])]
    if m.empty:
        return pd.DataFrame(columns=cols)
    vmap = gaz.variant_of
    variant = [vmap.get((e, _key(s))) for e, s in zip(m["entity_id"], m["surface"])]
    m = m.assign(variant=variant)
    m = m[m["variant"].notna()]
    if keys:
        if articles is None or by not in articles.columns:
            raise KeyError(f"naming_variants(by={by!r}) needs articles with a {by!r} column")
        m = m.merge(articles[["article_id", by]], on="article_id", how="inner")
    if m.empty:
        return pd.DataFrame(columns=cols)
    out = m.groupby(keys + ["entity_id", "name", "variant"], sort=True).agg(
        surfaces=("surface", lambda s: ", ".join(sorted(set(s)))), mentions=("start", "size")).reset_index()
    out["share"] = out["mentions"] / out.groupby(keys + ["entity_id"])["mentions"].transform("sum")
    return out[cols]


def span_overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two half-open spans overlap."""
    return a[0] < b[1] and b[0] < a[1]
