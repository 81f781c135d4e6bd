"""analysis.text: sentences and Treebank-style tokens with exact offsets."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.text import (
    SENTENCE_COLUMNS,
    TOKEN_COLUMNS,
    sentence_spans,
    sentences,
    stopwords,
    token_spans,
    tokens,
    train_punkt,
)


def split(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def toks(text: str) -> list[str]:
    return [text[s:e] for s, e in token_spans(text)]


@pytest.mark.parametrize("sentence", [
    'On Aug. 7, Putin accused Kyiv of carrying out a "large-scale provocation".',
    "Gen. Syrskyi said the U.S. was informed.",
    "Lt. Col. Smith met Mr. Brown and Sen. Graham in St. Petersburg.",
    "Gov. Newsom, Sgt. Peters and Gen. Milley spoke at the U.N. in New York.",
    "The U.K. sent No. 10's adviser to Kyiv on Sept. 3.",
    "Mrs. Jones and Dr. Smith arrived at 6 p.m. on Dec. 24.",
])
def test_news_abbreviations_do_not_end_a_sentence(sentence):
    assert split(sentence) == [sentence]


def test_two_sentences_after_an_abbreviation_heavy_one_are_split():
    text = 'On Aug. 7, Putin accused Kyiv of a "provocation". Gen. Syrskyi said the U.S. was informed.'
    assert split(text) == ['On Aug. 7, Putin accused Kyiv of a "provocation".', "Gen. Syrskyi said the U.S. was informed."]


def test_a_quoted_question_followed_by_its_attribution_is_one_sentence():
    text = '"What is there to discuss with such parties?" he questioned. Then he left.'
    assert split(text) == ['"What is there to discuss with such parties?" he questioned.', "Then he left."]


def test_paragraph_breaks_end_headlines_without_full_stops():
    text = "Putin rules out talks\n\nKyiv advances into Kursk. Moscow responds."
    assert split(text) == ["Putin rules out talks", "Kyiv advances into Kursk.", "Moscow responds."]


def test_ellipsis_and_curly_quotes_split_sensibly():
    text = "\u201cWe will win\u2026\u201d Zelenskyy said. Russia\u2019s army retreated."
    assert split(text) == ["\u201cWe will win\u2026\u201d Zelenskyy said.", "Russia\u2019s army retreated."]


def test_treebank_tokens_keep_abbreviations_numbers_and_hyphenated_words():
    assert toks("Gen. Syrskyi said the U.S. lost 1,000 tanks, or 6.5%.") == [
        "Gen.", "Syrskyi", "said", "the", "U.S.", "lost", "1,000", "tanks", ",", "or", "6.5", "%", ".",
    ]
    assert toks("a full-scale invasion") == ["a", "full-scale", "invasion"]


def test_treebank_tokens_split_clitics_and_negations():
    assert toks("Russia's army didn't retreat") == ["Russia", "'s", "army", "did", "n't", "retreat"]
    assert toks("Ukraine\u2019s forces can\u2019t") == ["Ukraine", "\u2019s", "forces", "ca", "n\u2019t"]


def test_dashes_quotes_and_ellipses_are_their_own_tokens():
    assert toks("Kyiv \u2014 the capital \u2013 said \u201cno\u201d\u2026 twice -- really") == [
        "Kyiv", "\u2014", "the", "capital", "\u2013", "said", "\u201c", "no", "\u201d", "\u2026", "twice", "--", "really",
    ]


def test_cyrillic_names_are_words():
    assert toks("Владимир Путин и Володимир Зеленський.") == ["Владимир", "Путин", "и", "Володимир", "Зеленський", "."]


def test_sentence_final_abbreviation_keeps_the_stop_apart():
    assert toks("He flew to the U.S.")[-1] == "U.S."
    assert toks("They met Gen.")[-2:] == ["Gen", "."]


def test_sentences_table_has_documented_columns_and_exact_offsets(seed_articles):
    table = sentences(seed_articles)
    assert list(table.columns) == SENTENCE_COLUMNS
    text = seed_articles["text"].iloc[0]
    assert all(text[s:e] == t for s, e, t in zip(table["start"], table["end"], table["text"]))
    assert table["sentence_id"].tolist() == list(range(len(table)))
    assert any(t.startswith("On Aug. 7, Putin accused Kyiv") for t in table["text"])


def test_tokens_table_offsets_index_the_article_text(seed_articles):
    table = tokens(seed_articles)
    assert list(table.columns) == TOKEN_COLUMNS
    text = seed_articles["text"].iloc[0]
    assert all(text[s:e] == t for s, e, t in zip(table["start"], table["end"], table["token"]))
    assert (table["lower"] == table["token"].str.lower()).all()


def test_tokens_accepts_a_sentence_table_or_articles_alike(seed_articles):
    from_articles = tokens(seed_articles)
    from_sentences = tokens(sentences(seed_articles))
    pd.testing.assert_frame_equal(from_articles, from_sentences)


def test_token_flags():
    table = tokens(pd.DataFrame({"article_id": ["a"], "text": ["The army did not retreat, 1,000 said."]}))
    flags = table.set_index("token")[["is_stop", "is_alpha", "is_punct"]]
    assert flags.loc["The", "is_stop"] and not flags.loc["army", "is_stop"]
    assert not flags.loc["not", "is_stop"], "negations are not stopwords"
    assert flags.loc[",", "is_punct"] and not flags.loc["1,000", "is_punct"] and not flags.loc["1,000", "is_alpha"]


@pytest.mark.parametrize("text", ["", "   \n\n  ", "!!! ... ???", "x" * 200_000, "Путин " * 1000, None])
def test_awkward_texts_never_crash(text):
    table = sentences(pd.DataFrame({"article_id": ["a"], "text": [text]}))
    words = tokens(table)
    assert len(words) >= 0


def test_output_is_deterministic(seed_articles):
    pd.testing.assert_frame_equal(tokens(seed_articles), tokens(seed_articles))


def test_missing_columns_are_named():
    with pytest.raises(KeyError, match="article_id"):
        sentences(pd.DataFrame({"text": ["a"]}))


def test_stopwords_come_from_scikit_learn_without_negations_and_are_extendable():
    words = stopwords()
    assert {"the", "and", "of"} <= words
    assert not {"not", "no", "against"} & words
    assert "kyiv" in stopwords(extra=["Kyiv"]) and "the" not in stopwords(keep=["the"])


def test_trained_abbreviations_filter_junk_words():
    corpus = ["They attacked at dawn. The army waited until dawn. Lt. Col. Smith spoke. Lt. Col. Jones agreed. "
              "Lt. Col. Brown left. It was time. There was no time."] * 5
    learned = train_punkt(corpus)
    assert "dawn" not in learned and "time" not in learned
