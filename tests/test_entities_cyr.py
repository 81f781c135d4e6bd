"""Russian and Ukrainian entity mentions: inflected forms resolve to the English entity ids."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.entities import MENTION_COLUMNS, load_gazetteer, mentions

CASES = [
    ("ru", "Зеленский прибыл в Вашингтон.", "Зеленский", "person:volodymyr_zelenskyy"),
    ("ru", "Встреча Зеленского с Байденом.", "Зеленского", "person:volodymyr_zelenskyy"),
    ("uk", "Зеленському доповіли про атаку.", "Зеленському", "person:volodymyr_zelenskyy"),
    ("ru", "Киев отверг предложение.", "Киев", "city:kyiv"),
    ("ru", "Взрывы прогремели в Киеве.", "Киеве", "city:kyiv"),
    ("uk", "Вибухи пролунали у Києві.", "Києві", "city:kyiv"),
    ("ru", "Бои идут в Курской области.", "Курской области", "region:kursk"),
    ("ru", "Курская область под обстрелом.", "Курская область", "region:kursk"),
    ("ru", "МАГАТЭ проверило Запорожскую АЭС.", "Запорожскую АЭС", "facility:zaporizhzhia_nuclear_power_plant"),
    ("ru", "Обстановка на ЗАЭС стабильна.", "ЗАЭС", "facility:zaporizhzhia_nuclear_power_plant"),
    ("ru", "ВСУ отступили.", "ВСУ", "unit:armed_forces_of_ukraine"),
    ("uk", "ЗСУ просунулися.", "ЗСУ", "unit:armed_forces_of_ukraine"),
    ("ru", "Об этом сообщило Минобороны России.", "Минобороны России", "org:ministry_of_defence_of_the_russian_federation"),
    ("uk", "Про це повідомило Міноборони.", "Міноборони", "org:ministry_of_defence_of_ukraine"),
    ("ru", "Путину доложили.", "Путину", "person:vladimir_putin"),
    ("uk", "Путіна засудили.", "Путіна", "person:vladimir_putin"),
    ("uk", "Перемовини у Харкові.", "Харкові", "city:kharkiv"),
    ("ru", "Бойцы ЧВК «Вагнер» ушли.", "ЧВК «Вагнер»", "unit:wagner_group"),
    ("ru", "Украинцы переправились через реку Днепр.", "Днепр", "loc:dnipro_river"),
    ("ru", "Об этом пишет Washington Post.", "Washington Post", "org:washington_post"),
]


def run(lang, text, discover=False):
    return mentions(pd.DataFrame({"article_id": ["a"], "text": [text], "lang": [lang]}), discover=discover)


@pytest.mark.parametrize("lang,text,surface,eid", CASES)
def test_inflected_forms_resolve_to_the_english_id(lang, text, surface, eid):
    m = run(lang, text)
    hit = m[m["surface"] == surface]
    assert hit["entity_id"].tolist() == [eid], m[["surface", "entity_id"]].values.tolist()
    r = hit.iloc[0]
    assert text[r.start:r.end] == surface


def test_same_id_as_the_english_mention():
    arts = pd.DataFrame({"article_id": ["en", "ru", "uk"], "text": [
        "Zelensky visited Kyiv.", "Зеленский посетил Киев.", "Зеленський відвідав Київ."]})
    m = mentions(arts, discover=False)
    assert list(m.columns) == MENTION_COLUMNS
    by = m.groupby("article_id")["entity_id"].apply(sorted).to_dict()
    assert by["en"] == by["ru"] == by["uk"] == ["city:kyiv", "person:volodymyr_zelenskyy"]


def test_capitalisation_and_common_words():
    assert run("ru", "Ветер дул с запада.").empty  # "запад" the direction, not the West
    assert run("ru", "Ровно 10 лет назад всё началось.").empty  # the adverb, not the city of Rivne
    m = run("ru", "Запад поддерживает Украину.")
    assert m["entity_id"].tolist() == ["loc:west", "country:ukraine"]


def test_descriptions_are_flagged():
    m = run("ru", "Российская армия продолжает специальную военную операцию.")
    assert set(m["method"]) == {"description"}


def test_homoglyph_evasion_still_matches_with_original_offsets():
    text = "Зeлeнcкий прибыл в Kиeв."  # Latin e, c, K
    m = run("ru", text)
    assert m["entity_id"].tolist() == ["person:volodymyr_zelenskyy", "city:kyiv"]
    assert [text[a:b] for a, b in zip(m["start"], m["end"])] == ["Зeлeнcкий", "Kиeв"]


def test_discovery_ukrainian_cues():
    m = run("uk", "Голова громади Олег Кіпер повідомив про атаку на село Михайлівка.", discover=True)
    d = m[m["method"] == "discovered"]
    assert ("Олег Кіпер", "PERSON") in list(zip(d["surface"], d["type"]))
    assert ("Михайлівка", "GPE") in list(zip(d["surface"], d["type"]))


def test_discovery_russian_natasha_and_ids_shared_by_inflections():
    pytest.importorskip("natasha")
    m = run("ru", "Губернатор Игорь Бабушкин прибыл. Позже Игоря Бабушкина встретили в Астрахани.", discover=True)
    d = m[m["method"] == "discovered"]
    people = d[d["type"] == "PERSON"]["entity_id"].unique().tolist()
    assert len(people) == 1, d.values.tolist()


def test_gazetteer_has_cyrillic_names_for_many_entities():
    g = load_gazetteer()
    n = sum(1 for e in g.entries if e["ru"] and e["uk"])
    assert n >= 300


def test_ukrainian_gold_f1():
    from analysis.evaluation.ner_cyr import score_gold_cyr

    r = score_gold_cyr("uk", None, discover=False)
    assert r["sentences"] >= 100 and r["gazetteer"]["f1"] >= 0.90


def test_russian_gold_offsets_and_f1(shared):
    from analysis.evaluation.ner_cyr import load_ru_gold, score_gold_cyr

    gold, sents, texts = load_ru_gold(shared)
    assert len(sents) >= 150
    for r in gold.itertuples():
        span = texts[r.doc_id][r.start:r.end]
        assert span and span == span.strip()
        assert any(s.doc_id == r.doc_id and s.start <= r.start and r.end <= s.end for s in sents.itertuples())
    res = score_gold_cyr("ru", shared, discover=False)
    assert res["gazetteer"]["f1"] >= 0.90


def test_engine_routes_russian_and_ukrainian_articles():
    from analysis.engine import process_articles

    arts = pd.DataFrame({"article_id": ["en", "ru", "uk"], "text": [
        "Zelensky met Putin's envoy in Kyiv.",
        "Зеленского обсуждали в Киеве. ВСУ вошли в Курскую область.",
        "Зеленському доповіли у Києві. ЗСУ увійшли в Курську область."]})
    out = process_articles(arts, stages=["tokens", "entities"])
    assert out["sentences"].groupby("article_id")["lang"].first().to_dict() == {"en": "en", "ru": "ru", "uk": "uk"}
    lemmas = out["tokens"].set_index(["article_id", "token"])["lemma"]
    assert lemmas[("uk", "Києві")] == "київ" and lemmas[("ru", "Киеве")] == "киев"
    ids = out["mentions"].groupby("article_id")["entity_id"].apply(set).to_dict()
    assert {"city:kyiv", "person:volodymyr_zelenskyy"} <= ids["en"]
    assert ids["ru"] == ids["uk"] == {"city:kyiv", "person:volodymyr_zelenskyy", "unit:armed_forces_of_ukraine",
                                      "region:kursk"}


def test_no_cyrillic_name_names_two_entities():
    from collections import defaultdict

    for lang in ("ru", "uk"):
        owners = defaultdict(set)
        for e in load_gazetteer().entries:
            for n in e[lang]:
                owners[n].add(e["id"])
        assert {n: ids for n, ids in owners.items() if len(ids) > 1} == {}


def test_pre_reform_spelling_still_matches_the_gazetteer():
    text = "Въ Россіи всѣ знаютъ о Зеленскомъ."
    m = run("ru", text)
    assert m["entity_id"].tolist() == ["country:russia", "person:volodymyr_zelenskyy"]
    assert [text[a:b] for a, b in zip(m["start"], m["end"])] == ["Россіи", "Зеленском"]


def test_ukrainian_i_is_not_read_as_pre_reform():
    m = run("uk", "Зеленський прибув у Київ.")
    assert m["entity_id"].tolist() == ["person:volodymyr_zelenskyy", "city:kyiv"]
