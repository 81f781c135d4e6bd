"""Language detection: articles and short sentences, Russian vs Ukrainian, awkward inputs."""

from __future__ import annotations

import pytest

from analysis.corpus import detect_lang as corpus_detect_lang
from analysis.lang import detect, detect_lang, normalise_homoglyphs, sentence_langs

RU_SHORT = ["Путин заявил о переговорах.", "В Киеве прозвучали взрывы.", "ВСУ атаковали Белгород.",
            "Минобороны России сообщило об ударах.", "Россия отвергла обвинения.", "Это неправда, сказал он."]
UK_SHORT = ["Зеленський заявив про переговори.", "У Києві пролунали вибухи.", "ЗСУ атакували позиції ворога.",
            "Міноборони України повідомило.", "Росія відкинула звинувачення.", "Це неправда, сказав він."]


@pytest.mark.parametrize("text", RU_SHORT)
def test_short_russian_sentences(text):
    assert detect_lang(text) == "ru"


@pytest.mark.parametrize("text", UK_SHORT)
def test_short_ukrainian_sentences(text):
    assert detect_lang(text) == "uk"


def test_english_and_no_letters():
    assert detect_lang("Putin said talks were off.") == "en"
    assert detect_lang("12 345 !!!") is None
    assert detect_lang("") is None
    assert detect(None).lang is None  # type: ignore[arg-type]


def test_corpus_delegates():
    assert corpus_detect_lang("Україна отримала нові системи ППО") == "uk"
    assert corpus_detect_lang("Путин заявил, что это ещё не всё") == "ru"


def test_homoglyphs_are_normalised_with_offsets_kept():
    evasive = "Зeлeнcкий пpибыл в Kиeв"  # Latin e, c, p, K inside Cyrillic words
    fixed = normalise_homoglyphs(evasive)
    assert fixed == "Зеленский прибыл в Киев"
    assert len(fixed) == len(evasive)
    r = detect(evasive)
    assert r.lang == "ru" and "homoglyphs" in r.note
    # Cyrillic look-alikes inside a Latin word go the other way
    assert normalise_homoglyphs("Kyiv and Рutin") == "Kyiv and Putin"


def test_transliterated_russian_is_labelled():
    r = detect("Putin zayavil, chto eto ne tak i Rossiya ne budet otstupat")
    assert r.lang == "ru" and "latin_transliteration" in r.note
    r = detect("Zelenskyy zayavyv, shcho tse ne tak i Ukrayina ne bude vidstupaty")
    assert r.lang == "uk" and "latin_transliteration" in r.note


def test_belarusian_and_pre_reform_do_not_crash():
    r = detect("Лукашэнка заявіў, што Беларусь не ўдзельнічае ў вайне.")
    assert r.lang == "be"
    r = detect("Въ Россіи всѣ знаютъ о войнѣ.")
    assert r.lang == "ru" and "pre_reform" in r.note


def test_mixed_language_article_per_sentence():
    texts = ["Президент России Владимир Путин заявил, что переговоры невозможны.",
             "Президент України Володимир Зеленський відповів, що Україна не здасться.",
             "The Kremlin declined to comment."]
    assert sentence_langs(texts, default="ru") == ["ru", "uk", "en"]


@pytest.mark.parametrize("junk", ["ъъъ", "Ё", "'''", "і", "ЁЖ ЇЇ", "\u0400\u04ff", "a\u0301b", "🙂 Київ"])
def test_odd_inputs_never_crash(junk):
    detect(junk)


def test_sentences_of_a_russian_article_need_no_model_when_letters_decide(monkeypatch):
    import analysis.lang as lang_mod

    def no_model(*_a, **_k):
        raise AssertionError("the model was called")

    monkeypatch.setattr(lang_mod, "_lingua", no_model)
    lang_mod.detect.cache_clear()
    texts = ["Путин прибыл.", "В Telegram-канале сообщили.", "Москва."]
    assert sentence_langs(texts, default="ru") == ["ru", "ru", "ru"]
    assert sentence_langs(["Київ вистояв.", "Україна."], default="uk") == ["uk", "uk"]


@pytest.mark.parametrize("sentence, default", [("Мертва справа", "ru"), ("Реклама:", "uk"), ("«F-16.", "ru"),
                                               ("«Le Figaro».", "uk")])
def test_a_sentence_of_one_or_two_words_keeps_its_articles_language_without_asking_the_model(
        monkeypatch, sentence, default):
    import analysis.lang as lang_mod

    lang_mod.detect.cache_clear()
    assert "model" in detect(sentence).note.split(";")  # only the model could decide it alone ...
    calls = []
    real = lang_mod._lingua
    monkeypatch.setattr(lang_mod, "_lingua", lambda *a, **k: calls.append(a) or real(*a, **k))
    lang_mod.detect.cache_clear()
    # ... and its answer on one or two words is never kept in an article of known language
    assert sentence_langs([sentence], default=default) == [default]
    assert calls == []


def test_cues_alone_say_when_only_the_model_could_decide():
    assert detect("Сергей Иванов", model=False).lang is None
    assert detect("Le Figaro a publié", model=False).note.endswith("model_needed")
    assert detect("Зеленський заявив", model=False) == detect("Зеленський заявив")  # a cue: the same answer
