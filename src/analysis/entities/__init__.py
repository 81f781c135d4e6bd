"""Who and where: entity mentions, their names, counts and company.

The package follows the steps below: :mod:`~analysis.entities.gazetteer` (entries, aliases,
loader), :mod:`~analysis.entities.matching` (trie lookup, nested references and the
:func:`mentions` entry), :mod:`~analysis.entities.discovery` (names the gazetteer lacks; :mod:`~analysis.entities.wordruns`
picks the sentences it reads),
:mod:`~analysis.entities.cyrillic` (Russian/Ukrainian mentions),
:mod:`~analysis.entities.aggregates` (review table, counts, co-occurrence, naming variants; each reads
a mentions DataFrame or, part by part, the stored table of a large corpus: :func:`stored_mentions`) and
:mod:`~analysis.entities.network` (graphs for Gephi).

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
open an alias (:class:`_Matcher`), one ``re.split`` of the chunk the words that
do not start with a lower-case letter, grouped into runs with numpy so that
only sentences where discovery can find a name are read further
(:mod:`~analysis.entities.wordruns`); Python then walks the trie from those
tokens and types those words. The output is exactly that of the
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

from analysis.entities.aggregates import (
    StoredMentions,
    cooccurrence,
    discovered_entities,
    entity_counts,
    entity_stats,
    mention_summary,
    naming_variants,
    span_overlaps,  # noqa: F401
    stored_mentions,
)

# The reference implementations the tests compare the fast paths against (private; importable
# from here as before).
from analysis.entities.discovery import _discover_fast, _discover_sentence, _reported_words  # noqa: F401
from analysis.entities.gazetteer import (  # noqa: F401
    ENTITY_TYPES,
    MENTION_COLUMNS,
    SIDES,
    SURFACE_KINDS,
    Gazetteer,
    _tokens,  # noqa: F401
    conll_type,
    load_gazetteer,
)
from analysis.entities.matching import (
    _match,  # noqa: F401
    mentions,
)
from analysis.entities.network import export_network, to_network

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
    "StoredMentions",
    "stored_mentions",
    "mention_summary",
    "entity_stats",
]
