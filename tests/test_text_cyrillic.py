"""Russian and Ukrainian text layer: razdel-based sentences, tokens with exact offsets, lemmas."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.cyrillic import sentence_spans as cyr_sentence_spans
from analysis.cyrillic import token_spans as cyr_token_spans
from analysis.text import SENTENCE_COLUMNS, TOKEN_COLUMNS, sentences, stopwords_for, tokens

RU = ("Президент России Владимир Путин заявил, что т.е. переговоры невозможны.\n\n"
      "В Киеве ответили: «Это неправда». ВСУ продолжают операцию в Курской области, сообщило Минобороны России.")
UK = ("Зеленському доповіли про ситуацію на Харківщині. У Києві пролунали вибухи, повідомив Віталій Кличко.\n"
      "Сили оборони відбили 12 атак поблизу Покровська — м'ясні штурми тривають.")


def frame(text, lang=None, aid="a"):
    data = {"article_id": [aid], "text": [text]}
    if lang:
        data["lang"] = [lang]
    return pd.DataFrame(data)


@pytest.mark.parametrize("text,lang", [(RU, "ru"), (UK, "uk")])
def test_offsets_are_exact(text, lang):
    s = sentences(frame(text))
    assert list(s.columns) == SENTENCE_COLUMNS
    assert all(text[r.start:r.end] == r.text for r in s.itertuples())
    assert set(s["lang"]) == {lang}
    t = tokens(s)
    assert list(t.columns) == TOKEN_COLUMNS
    assert all(text[r.start:r.end] == r.token for r in t.itertuples())


def test_russian_sentences_follow_razdel_within_paragraphs():
    s = sentences(frame(RU))["text"].tolist()
    assert s == ["Президент России Владимир Путин заявил, что т.е. переговоры невозможны.",
                 "В Киеве ответили: «Это неправда».",
                 "ВСУ продолжают операцию в Курской области, сообщило Минобороны России."]


def test_lemmas_and_cases():
    t = tokens(frame(RU))
    row = t.set_index("token")
    assert row.loc["Киеве", "lemma"] == "киев" and row.loc["Киеве", "case"] == "loct"
    assert row.loc["Курской", "lemma"] == "курский"
    assert row.loc["области", "lemma"] == "область"
    u = tokens(frame(UK)).set_index("token")
    assert u.loc["Зеленському", "lemma"] == "зеленський" and u.loc["Зеленському", "case"] == "datv"
    assert u.loc["Києві", "lemma"] == "київ"  # pymorphy3's first parse is "кий"
    assert u.loc["Харківщині", "lemma"] == "харківщина"


def test_stopwords_per_language_keep_negations():
    t = tokens(frame("Он не сказал и не ответил.", "ru"))
    flags = dict(zip(t["token"], t["is_stop"]))
    assert flags["и"] and flags["Он"] and not flags["не"]
    assert "що" in stopwords_for("uk") and "ні" not in stopwords_for("uk")


def test_english_path_unchanged_and_gets_lemma_and_lang():
    t = tokens(frame("Russia's army didn't retreat."))
    assert t["token"].tolist() == ["Russia", "'s", "army", "did", "n't", "retreat", "."]
    assert t["lemma"].tolist() == t["lower"].tolist()
    assert sentences(frame("Putin spoke."))["lang"].tolist() == ["en"]


def test_mixed_language_article_gets_sentence_langs():
    text = ("Президент России заявил, что переговоры невозможны. "
            "«Україна ніколи не здасться», — відповів Зеленський у Києві.")
    s = sentences(frame(text, "ru"))
    assert s["lang"].tolist() == ["ru", "uk"]
    t = tokens(s)
    assert t.set_index("token").loc["Києві", "lemma"] == "київ"


def test_homoglyph_and_odd_inputs_do_not_crash():
    for text in ["Зeлeнcкий пpибыл в Kиeв.", "Putin zayavil, chto eto ne tak.", "Въ Россіи всѣ знаютъ.",
                 "Лукашэнка заявіў, што Беларусь не ўдзельнічае.", "\ufeffУкраина\u00ad и ЕС", "ъ", "«»—…"]:
        s = sentences(frame(text))
        t = tokens(s)
        assert all(text[r.start:r.end] == r.token for r in t.itertuples())


def test_ukrainian_tokens_agree_with_tokenize_uk():
    tokenize_uk = pytest.importorskip("tokenize_uk")
    from analysis.evaluation.ner_cyr import load_uk_gold

    _, _, texts = load_uk_gold()
    same = total = 0
    for text in texts.values():
        ours = [text[a:b] for a, b in cyr_token_spans(text)]
        theirs = tokenize_uk.tokenize_words(text)
        total += len(theirs)
        ours_set = set(ours)
        same += sum(1 for w in theirs if w in ours_set)
    assert same / total >= 0.97


def test_russian_tokens_and_sentences_agree_with_razdel(shared):
    from razdel import tokenize

    paths = sorted((shared / "corpus" / "ru_uk" / "articles").glob("*.txt"))
    agree = total = 0
    for p in paths:
        text = p.read_text(encoding="utf-8")
        ours = set(cyr_token_spans(text))
        theirs = {(t.start, t.stop) for t in tokenize(text) if not t.text.startswith("\ufeff")}
        agree += len(ours & theirs)
        total += len(theirs)
        assert all(text[a:b].strip() == text[a:b] and text[a:b] for a, b in cyr_sentence_spans(text))
    assert agree / total >= 0.995


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = ("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯІЇЄҐЎ"
             "aceopxyiKMTHBCEPXAbdfgz0123456789 \n\t.,!?;:«»\"'’ʼ-—…()\u00ad\ufeff\u200b")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=200), st.sampled_from(["ru", "uk", None]))
def test_any_cyrillic_text_keeps_exact_offsets(text, lang):
    from analysis.entities import mentions
    from analysis.lang import detect

    detect(text)
    s = sentences(frame(text, lang))
    assert all(text[r.start:r.end] == r.text for r in s.itertuples())
    t = tokens(s)
    assert all(text[r.start:r.end] == r.token and r.token.strip() for r in t.itertuples())
    m = mentions(s, discover=False)
    assert all(text[r.start:r.end] == r.surface for r in m.itertuples())


def test_one_cyrillic_layer_one_parse_memo_one_language_detector():
    from analysis import cyrillic, morph, roles
    from analysis.framing import _cyr

    # one fold, one pymorphy3 parse cache for framing, tone, entities and tokens
    assert _cyr.fold is cyrillic.fold
    assert _cyr.parses("Києві", "uk") is morph.parses("Києві", "uk")
    assert _cyr.best_lemma("Зеленского", "ru") == morph.lemma("Зеленского", "ru")
    # roles picks its model through analysis.lang: Ukrainian is not "ru"
    assert roles.detect_lang("Україна зазнала втрат, повідомили в Києві") == "uk"
    assert roles.detect_lang("Путин заявил о переговорах") == "ru"
    assert roles.detect_lang("Putin said") == "en" and roles.detect_lang("") == "en"
