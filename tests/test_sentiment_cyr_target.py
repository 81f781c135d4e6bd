"""Tone toward one mention in Russian/Ukrainian sentences (analysis.sentiment.cyrillic_target) and its
hook in analysis.targeted.mention_sentiment."""

import pandas as pd
import pytest

from analysis.sentiment.cyrillic_target import cyr_target_score


def _span(text, name):
    a = text.index(name)
    return a, a + len(name)


def pol(text, name, lang="ru"):
    return cyr_target_score(text, *_span(text, name), lang)[0]


def test_the_accused_is_negative_the_accuser_is_not():
    s = "Зеленский обвинил Россию в новых ударах."
    assert pol(s, "Россию") == -1
    assert pol(s, "Зеленский") == 0
    s = "Зеленський звинуватив Росію у нових ударах."
    assert pol(s, "Росію", "uk") == -1
    assert pol(s, "Зеленський", "uk") == 0


def test_praise_and_support_are_positive_for_their_object():
    # "Беларусь" reads nominative or accusative: after the verb it is the object
    assert pol("Россия поддержала Беларусь и помогла ей.", "Беларусь") == 1


def test_the_speaker_is_not_scored_by_what_they_say():
    s = "Песков заявил, что Киев совершил теракт."
    assert pol(s, "Песков") == 0
    assert pol(s, "Киев") == -1
    assert pol("Киев совершил теракт, заявил Песков.", "Песков") == 0


def test_against_is_negative_for_its_object():
    assert pol("Санкции против России ввели 12 стран.", "России") == -1


def test_victims_score_above_their_attackers():
    s = "Окупанти обстріляли Харків, загинули люди."
    attacker = cyr_target_score(s, *_span(s, "Окупанти"), "uk")[1]
    victim = cyr_target_score(s, *_span(s, "Харків"), "uk")[1]
    assert victim > attacker


def test_negation_flips():
    assert pol("Россия не совершала никаких преступлений.", "Россия") == 1


def test_mixed_script_words_are_read_as_cyrillic():
    s = "Зеленcкий обвинил Россию."  # Latin "c" in Зеленcкий
    assert pol(s, "Россию") == -1 and pol(s, "Зеленcкий") == 0


@pytest.mark.parametrize("text,start,end,lang", [(None, 0, 3, "ru"), ("", 0, 0, "uk"), ("Київ", 10, 20, "uk"),
                                                  ("Kyiv said.", 0, 4, "en"), ("!!!", 0, 3, "ru")])
def test_odd_input_scores_zero(text, start, end, lang):
    assert cyr_target_score(text, start, end, lang) == (0, 0.0)


def test_mention_sentiment_scores_cyrillic_rows_and_leaves_english_alone():
    from analysis.targeted import mention_sentiment

    ru = "Зеленский обвинил Россию в новых ударах."
    en = "Kyiv blamed Russia for starting the fire."
    sents = pd.DataFrame({"article_id": ["r", "e"], "sentence_id": [0, 0], "start": [0, 0],
                          "text": [ru, en], "lang": ["ru", "en"]})
    a = ru.index("Россию")
    ments = pd.DataFrame({"article_id": ["r", "r", "e"], "sentence_id": [0, 0, 0], "start": [0, a, 12],
                          "end": [9, a + 6, 18], "name": ["Зеленский", "Россию", "Russia"]})
    out = mention_sentiment(ments, sents)
    assert out["polarity"].tolist() == [0, -1, -1]
    assert out["score"].iloc[1] < 0
    english_only = mention_sentiment(ments.iloc[[2]], sents.drop(columns="lang"))
    assert english_only["score"].iloc[0] == out["score"].iloc[2]


def test_the_engine_gives_russian_mentions_a_tone():
    from analysis.engine import process_articles

    text = "Заявление\n\nЗеленский обвинил Россию в новых ударах по мирным городам."
    out = process_articles(pd.DataFrame({"article_id": ["r1"], "text": [text], "lang": ["ru"]}),
                           stages=["sentences", "entities", "sentiment"])
    ms = out["mention_sentiment"].merge(out["mentions"][["start", "entity_id"]], on=["start", "entity_id"])
    pol = dict(zip(ms["entity_id"], ms["polarity"]))
    assert pol == {"person:volodymyr_zelenskyy": 0, "country:russia": -1}
