"""The engine's ``document`` stage is cheap and gives the answers of the plain computation.

Generic frames try each item's regex only where a match can start; whole-text VADER scores a long
text without quadratic steps; words are counted once per chunk. Each shortcut is specified here by
equality with the straightforward computation, on texts chosen to break it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.framing import GENERIC_FRAMES, generic_frames
from analysis.framing._anchored import DIGIT, at_least, start_literals
from analysis.framing._lexicon import count_matrix, resolve

#: Case, a Kelvin sign (IGNORECASE equates it with k), long s, dotted capital I (lower() changes
#: the length), Arabic-Indic digits (\d), hyphen before a word (the look-behind), possessives,
#: repeated matches for min_hits 2, empty and missing texts.
TRICKY = [
    "Russia ACCUSED Ukraine; Kyiv blamed Moscow and Moscow blames the Kremlin's regime.",
    "\u212aremlin officials blamed the \u017fanctions; \u0130stanbul talks on a ceasefire stalled.",
    "A \u0662\u0663 dollars bill and a 12-year-old girl; $5 and \u20ac 40 for 3 roubles.",
    "non-accused self-blame pre-war re-negotiation; told AFP, told the reporters.",
    "Her son, his wife, our home: refugees and refugees, survivors, witnesses told Reuters.",
    "The government must act now; it is our duty to end this; we must not; in their power.",
    "Tragic, tragic grief and tears; brutal atrocities; innocent civilians fled, homeless.",
    "",
    None,
]


def _items():
    spec = resolve(None, "generic_frames.yml")["frames"]
    return [item for frame in GENERIC_FRAMES for item in spec[frame]["items"]]


def test_start_literals_are_what_every_match_begins_with():
    assert start_literals(r"responsib\w* (of|for) (the )?(government|kremlin)") == {"responsib"}
    assert start_literals("(my|our|her) (son|home)") == {"my", "our", "her"}
    assert start_literals(r"\d{1,2}-year-old") == {DIGIT}
    assert start_literals(r"\$\s?\d+") == {"$"}
    assert start_literals(r"\w+ism") is None  # may start anywhere: the plain path
    assert start_literals("DPR") is None  # case-sensitive acronym: the plain path


def test_at_least_answers_as_counting_every_match(seed_text):
    items = _items()
    texts = TRICKY + [seed_text, seed_text.upper(), seed_text.replace("e", "\u0435")]  # Cyrillic е
    sets = [tuple(item["patterns"]) for item in items]
    ks = [int(item.get("min_hits", 1)) for item in items]
    expected = count_matrix(texts, sets) >= np.array(ks)[None, :]
    assert (at_least(texts, sets, ks) == expected).all()
    # and every threshold up to 3, so that skipping past a match is exercised too
    for k in (1, 2, 3):
        assert (at_least(texts, sets, [k] * len(sets)) == (count_matrix(texts, sets) >= k)).all()


def test_at_least_handles_case_sensitive_and_unanchored_sets():
    texts = ["The DPR and the dpr; US troops, us; socialism and realism.", "nothing here", None]
    sets = [("DPR", "US"), (r"\w+ism",), ("dpr",), ()]
    assert (at_least(texts, sets, [2, 2, 2, 1]) == (count_matrix(texts, sets) >= np.array([2, 2, 2, 1]))).all()


def test_generic_frames_on_the_bench_corpus_equal_counting_every_match(shared):
    corpus = pd.read_csv(shared / "corpus" / "official_statements.csv", nrows=300)
    text_col = "text" if "text" in corpus.columns else corpus.columns[-1]
    texts = corpus[text_col].tolist()
    items = _items()
    sets = [tuple(item["patterns"]) for item in items]
    ks = np.array([int(item.get("min_hits", 1)) for item in items])
    assert (at_least(texts, sets, ks) == (count_matrix(texts, sets) >= ks[None, :])).all()


def test_generic_frames_items_are_the_yes_no_answers():
    g = generic_frames(pd.DataFrame({"article_id": ["a", "b"], "text": TRICKY[:2]}), items=True)
    assert g.loc[0, "AR4"] == 1 and g.loc[0, "CO2"] == 1
    assert g.loc[1, "EC3"] == 1  # "ſanctions": the long s is an s to IGNORECASE
    assert g.loc[0, "attribution_of_responsibility"] == pytest.approx(
        g.loc[0, ["AR1", "AR2", "AR3", "AR4", "AR5"]].mean())
