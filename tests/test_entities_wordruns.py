"""Discovery reads only the sentences where it can find a name (analysis.entities.wordruns):
what it reads there is what the reference gives, and a sentence it leaves out has nothing to find."""

from __future__ import annotations

import random
import re

import pytest

from analysis import entities as ent
from analysis.entities import load_gazetteer
from analysis.entities.wordruns import _UNIT_OPENER, NOTHING, discovery_words
from test_entities import TRICKY as ENTITY_TRICKY

TRICKY = ENTITY_TRICKY + [
    "However, Russia attacked.", "“Unfortunately” the talks failed.", "RUSSIA'S ARMY and x'S Brigade",
    "Mr President, the Kremlin said.", "He met Lloyd Austin; Austin and Johnson agreed.",
    "Goodbye.", "2022 Kharkiv Regional Military Administration",
    "The Vinnytsia oblast Council met at the port of Odesa Authority.",
    "This is a problem not only for Russia.", "Prices rose 71.5 percent by June 10.", "It met U.S. Army. Gen. X.",
    "Kyiv Oblast.", "In Kyiv Oblast. Then 12 II.", "By June 10 Kyiv. Oblast of the Kremlin.",
]

PIECES = ["Kyiv", "Vladimir Putin", "Putin", "The", "the", "However", "Ministry", "of", "Defence", "U.S.", "RUSSIA'S",
          "x'S", "pro-Kremlin", "Gen.", "Kharkiv", "region", "said", "Bank", "England", "von", "der", "Leyen", "Mr",
          "President", "II", "I", "2022", "Jean-Claude", "Zelenskyy-Putin", "_Kyiv", "élan", "Élysée", "the Kremlin",
          "Kremlin", "Lloyd Austin", "Austin", "Johnson", "World War II", "Kursk incursion", "port", "el", "Oleg",
          "Synehubov", "Council", "Regional", "Military", "Administration", "Olena", "Unfortunately", "Russian",
          "forces", "Brigade", "12th", "Sea", "Black", "St", "Petersburg", "de", "la", "y", "Army's", "Kyiv.", "Russia's",
          "Novomykhailivka", "village", "Says", "It", "Will", "Not", "Mk", "41", "Aegis", "Ashore", "NATO", "Vinnytsia oblast", "port of Odesa",
          "Authority"]
SEPARATORS = [" ", " ", " ", "  ", "", "\n", ", ", "-", "'", "’", ". ", " — ", " “", "” ", ": ", "_", "\u00a0"]


def random_sentences(n: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(PIECES) for _ in range(rng.randint(1, 9))]
        text = rng.choice(["", "", "“", "(", "and "])
        for p in parts:
            text += p + rng.choice(SEPARATORS)
        out.append(text.strip() if rng.random() < 0.7 else text)
    return out


SENTENCES = TRICKY + random_sentences(3000)


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="module")
def answers(gazetteer):
    names = [names for names, _ in gazetteer.matcher.find_all(SENTENCES)]
    return names, discovery_words(SENTENCES, names, gazetteer.info)


def test_a_sentence_discovery_reads_gets_the_words_the_reference_reports(answers):
    _, words = answers
    read = [(text, got) for text, got in zip(SENTENCES, words) if got is not NOTHING]
    assert len(read) > 500
    for text, got in read:
        assert got == ent._reported_words([text])[0], text


def _spans(gazetteer, names, *, short_forms: bool):
    """The gazetteer spans matching gives discovery: the chosen alias or metonym (or, when the
    article names the person in full, a short form), events left out."""
    spans = []
    for a, b, cands in names:
        chosen = next(((eid, kind) for eid, kind in cands if kind in ("alias", "metonym")), None)
        if chosen is None and short_forms:
            chosen = next(((eid, kind) for eid, kind in cands if kind == "short_form"), None)
        if chosen is not None and gazetteer.info[chosen[0]][1] != "EVENT":
            spans.append((a, b, chosen[0], gazetteer.info[chosen[0]][1]))
    return spans


@pytest.mark.parametrize("short_forms", [False, True])
def test_a_sentence_left_out_has_nothing_to_discover_whatever_the_article(gazetteer, answers, short_forms):
    names, words = answers
    left_out = [(text, found) for text, found, got in zip(SENTENCES, names, words) if got is NOTHING]
    assert len(left_out) > 300
    for text, found in left_out:
        spans = _spans(gazetteer, found, short_forms=short_forms)
        assert ent._discover_sentence(text, 0, spans, set()) == [], text


def test_sentences_with_a_name_to_discover_are_read():
    texts = ["He said Russia attacked.", "The Council of Europe met Olena Kovalenko.", "However, Kyiv waited.",
             "Unfortunately, Hrytsenko left.", "Goodbye.",
             # a name ending past its capitalised words still joins the next one: "Vinnytsia oblast Council"
             "The Vinnytsia oblast Council met."]
    g = load_gazetteer()
    names = [names for names, _ in g.matcher.find_all(texts)]
    read = [got is not NOTHING for got in discovery_words(texts, names, g.info)]
    assert read == [False, True, False, True, True, True]


def test_sentences_whose_runs_cannot_open_a_name_are_left_out():
    texts = [
        "This is a problem not only for Russia.",  # the name's word ends in a full stop discovery cuts off
        "Prices rose 71.5 percent by June 10.",  # runs without a capitalised word or a name
        "Prices rose 71.5 percent, Hrytsenko said on June 10.", "It rose by 71.5 in Zubrytsia Oblast.",
    ]
    g = load_gazetteer()
    names = [names for names, _ in g.matcher.find_all(texts)]
    read = [got is not NOTHING for got in discovery_words(texts, names, g.info)]
    assert read == [False, False, True, True]
    assert [ent._discover_sentence(t, 0, _spans(g, found, short_forms=False), set()) != []
            for t, found in zip(texts, names)] == [False, False, True, True]


def test_a_word_opens_on_exactly_the_characters_that_are_word_characters_but_not_a_z_or_underscore():
    # the scan's first character class is written as ranges (fast) with a look-behind (exact)
    opener = re.compile(_UNIT_OPENER)
    reference = re.compile(r"[^\W_a-z]")
    differ = [c for c in map(chr, range(0x110000)) if bool(opener.fullmatch(c)) != bool(reference.fullmatch(c))]
    assert differ == []
