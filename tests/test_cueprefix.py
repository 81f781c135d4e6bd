"""analysis._cueprefix: the one-pass cue matcher finds exactly what each cue regex's finditer finds."""

from __future__ import annotations

import re

import pytest

from analysis import narratives, roles
from analysis._cueprefix import CueMatcher, _alternatives

TEXTS = [
    "NATO expansion eastward: the West started this war against Russia, Moscow said.",
    "nuclear  war\n\nagainst russia, west  started; us-led anglo-saxon provocations",
    "a renuclear xwar; war-against russia; НАТО расширение на восток, киевский режим",
    "", "x", "    ", "u.s. u.s officials; kiev regime attack kiev regime attacked",
]


def _regexes(lang):
    coarse, fine = narratives._cue_regexes(lang)
    return [r for r in (*coarse.values(), *fine.values(), *roles._cues(lang)["fine"].values()) if r is not None]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_matcher_equals_finditer_of_every_cue_regex(lang, seed_text):
    rxs = _regexes(lang)
    matcher = CueMatcher(rxs)
    assert len(matcher.regexes) == len(set(rxs))  # every lexicon regex has the form the matcher handles
    for text in [*TEXTS, seed_text.lower()]:
        found = matcher.find_all(text)
        for rx in rxs:
            assert found[rx] == [(m.start(), m.group()) for m in rx.finditer(text)], (rx.pattern[:60], text[:40])


def test_first_alternative_wins_and_matches_do_not_overlap():
    rx = re.compile(r"(?<!\w)(?:ab\s+cd|ab|b\s+c|abx)")
    text = "ab  cd abx ab\tcdab b c"
    assert CueMatcher([rx]).find_all(text)[rx] == [(m.start(), m.group()) for m in rx.finditer(text)]


def test_other_patterns_are_left_to_the_regex():
    for pattern in (r"(?i)(?<!\w)(?:war)", r"(?<!\w)(?:wa.r)", r"\bwar", r"(?<!\w)(?:\s+war)"):
        rx = re.compile(pattern)
        assert _alternatives(rx) is None and rx not in CueMatcher([rx]).find_all("war")



@pytest.mark.parametrize("lang", ["en", "ru"])
def test_matcher_equals_finditer_on_texts_made_of_cue_pieces(lang):
    # the matcher visits only the word starts where some cue's first literal begins: texts glued from
    # pieces of the cues themselves put near-misses, prefixes of one another and cues inside words everywhere
    import random

    rxs = _regexes(lang)
    matcher = CueMatcher(rxs)
    pieces = sorted({word for rx in rxs for word in re.split(r"\\s\+|\\|\(\?<!\\w\)\(\?:|\)$", rx.pattern) if word})
    rng = random.Random(0)
    for _ in range(200):
        text = "".join(rng.choice(pieces)[: rng.randint(1, 12)] + rng.choice([" ", "", "  ", "\n", "-", ", "])
                       for _ in range(40))
        found = matcher.find_all(text)
        for rx in rxs:
            assert found[rx] == [(m.start(), m.group()) for m in rx.finditer(text)], (rx.pattern[:60], text[:60])
