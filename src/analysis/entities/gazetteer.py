"""The hand-curated gazetteer (``data/lexicons/gazetteer.yml``): entity types, entries, aliases,
spelling variants, and its loader.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis.paths import lexicon_dir

if TYPE_CHECKING:  # the matcher module imports this one
    from analysis.entities.matching import _Matcher

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
    def matcher(self) -> _Matcher:
        """Both tries behind one candidate scan: ``matcher.find(text)`` ->
        [name matches, nested matches]."""
        from analysis.entities.matching import _Matcher

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
