"""analysis.vocabulary: one list of titles and pronouns, read by every module that needs one."""

from __future__ import annotations

import importlib

import pytest

from analysis import vocabulary as V

# (module, its private name, the vocabulary list it must be): each use reads the one vocabulary.
USES = [
    ("analysis.entities.discovery", "_TITLES", "TITLES_EN"),
    ("analysis.entities.cyrillic", "_TITLES", "TITLES_CYR"),
    ("analysis.framing.quotes", "_TITLES", "SPEAKER_TITLES_EN"),
    ("analysis.framing.quotes", "_PRONOUNS", "SPEAKER_PRONOUNS_EN"),
    ("analysis.framing.quotes_cyr", "_TITLES", "SPEAKER_TITLES_CYR"),
    ("analysis.framing.quotes_cyr", "_PRONOUNS", "SPEAKER_PRONOUNS_CYR"),
    ("analysis.sentiment.target", "_TITLES", "DOCUMENT_TITLES_EN"),
    ("analysis.sentiment.target", "_PRONOUNS", "THIRD_PERSON_PRONOUNS_EN"),
]


@pytest.mark.parametrize("module, name, vocab", USES)
def test_every_use_reads_the_one_vocabulary(module, name, vocab):
    assert getattr(importlib.import_module(module), name) is getattr(V, vocab)


def test_no_module_keeps_its_own_copy_of_a_title_or_pronoun_list():
    from analysis.pipeline import package_files

    own = [p for p in package_files() if p.name != "vocabulary.py"
           and any(line.startswith(("_TITLES = {", "_TITLES = frozenset(", "_PRONOUNS = {", "_PRONOUNS = frozenset("))
                   for line in p.read_text(encoding="utf-8").splitlines())]
    assert own == []


def test_the_document_honorifics_are_titles_of_the_english_list():
    titles = {t.lower().rstrip(".") for t in V.TITLES_EN}
    assert V.DOCUMENT_TITLES_EN <= titles


def test_speaker_pronouns_are_the_pronouns_without_possessives():
    assert set(V.SPEAKER_PRONOUNS_EN) == set(V.PRONOUNS_EN) - V.POSSESSIVE_PRONOUNS_EN
    assert "her" in V.SPEAKER_PRONOUNS_EN  # object form as well as possessive
    assert V.SPEAKER_PRONOUNS_EN["they"] == "group" and V.SPEAKER_PRONOUNS_EN["it"] == "org"


def test_third_person_pronouns_keep_possessives_and_leave_out_the_speaker_side():
    assert V.THIRD_PERSON_PRONOUNS_EN == frozenset("he him his she her hers they them their it its".split())


def test_cyrillic_lists_cover_both_languages():
    assert set(V.TITLES_CYR) == set(V.SPEAKER_PRONOUNS_CYR) == {"ru", "uk"}
    assert {"президент", "генерал"} <= V.TITLES_CYR["ru"] & V.SPEAKER_TITLES_CYR
    assert {"міністр", "речник"} <= V.TITLES_CYR["uk"] & V.SPEAKER_TITLES_CYR


def test_the_lists_are_immutable():
    for name in ("TITLES_EN", "SPEAKER_TITLES_EN", "DOCUMENT_TITLES_EN", "SPEAKER_TITLES_CYR",
                 "POSSESSIVE_PRONOUNS_EN", "THIRD_PERSON_PRONOUNS_EN"):
        assert isinstance(getattr(V, name), frozenset), name
