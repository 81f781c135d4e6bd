"""One definition of a word: every per-10k rate in the project divides by analysis.text.word_count.

Rates from two notebooks (entities per 10k words, labels per 10k words, top
terms per 10k words, GDELT tone per 100 words, frame density per 1,000 words)
are only comparable when they share a denominator. Each test below computes
one module's denominator for the same article and compares it with the single
definition.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import engine, framing, overview, sentiment
from analysis.entities import entity_counts, mentions
from analysis.text import WORD, tokens, word_count

#: Texts where whitespace splitting, Treebank tokens and the old regexes all disagree:
#: hyphenated and possessive words, numbers with separators, dashes, Cyrillic.
TRICKY = ("Russia-Ukraine talks stalled — again. Putin's envoy met Zelenskyy's team in Kyiv on Aug. 12; "
          "1,000 troops and 6.5 tonnes of aid crossed. \"We won't stop,\" Kyiv said. "
          "Зеленський заявив, що Київ не поступиться. П'ять областей - under fire.")


@pytest.fixture(params=["seed", "tricky"])
def article(request, seed_text) -> pd.DataFrame:
    text = seed_text if request.param == "seed" else TRICKY
    return pd.DataFrame({"article_id": [request.param], "outlet": ["X"], "text": [text]})


def expected_words(article: pd.DataFrame) -> int:
    return word_count(article["text"].iloc[0])


def test_the_definition_counts_hyphenated_possessive_numbers_and_cyrillic_words_once():
    assert WORD.findall("Russia-Ukraine talks — Putin's 1,000 troops; Київ, п'ять.") == [
        "Russia-Ukraine", "talks", "Putin's", "1,000", "troops", "Київ", "п'ять"]
    assert word_count("— ... !") == 0


def test_overview_counts_words_by_the_definition(article):
    assert overview.count_words(article["text"]).tolist() == [expected_words(article)]
    assert overview.article_lengths(article, by="outlet")["n_words"].tolist() == [expected_words(article)]


def test_top_terms_per_10k_divides_by_the_definition(article):
    terms = overview.top_terms(tokens(article), article, by="outlet", n=5)
    denominators = (terms["count"] / terms["per_10k"] * 10_000).round(6)
    assert set(denominators) == {expected_words(article)}


def test_entity_counts_per_10k_divides_by_the_definition(article):
    counts = entity_counts(mentions(article), article)
    assert len(counts) and set(counts["words"]) == {expected_words(article)}
    assert (counts["per_10k"] == counts["mentions"] / expected_words(article) * 10_000).all()


def test_label_usage_and_alignment_count_words_by_the_definition(article):
    assert set(framing.label_usage(article)["words"]) == {expected_words(article)}
    assert framing.label_alignment(article)["words"].tolist() == [expected_words(article)]


def test_frame_density_divides_by_the_definition(article):
    assert framing.frame_density(article)["n_words"].tolist() == [expected_words(article)]


def test_gdelt_tone_divides_by_the_definition(article):
    assert sentiment.gdelt_tone(article)["word_count"].tolist() == [expected_words(article)]


def test_engine_article_summary_counts_words_by_the_definition(article):
    summary = engine.run(article, stages=("sentences", "tokens"))["article_summary"]
    assert summary["n_words"].tolist() == [expected_words(article)]


def test_words_counted_per_whitespace_token_of_a_split_equal_the_words_of_each_text(seed_text):
    from analysis.text import word_counts
    from analysis.wordsplit import split_texts

    texts = [TRICKY, seed_text, None, "", "  \n ", "6.5\u00a0km, e\u0301te\u0301 Й\u0306ошкар-Ола 1,000abc a_b", "x"]
    assert word_counts(texts, split=split_texts(texts)).tolist() == [word_count(t) for t in texts]
    with pytest.raises(ValueError, match="split has 2 texts for 7 texts"):
        word_counts(texts, split=split_texts(texts[:2]))


def test_the_full_pipeline_counts_words_by_the_definition(article):
    summary = engine.run(article, stages=engine.STAGES)["article_summary"]
    assert summary["n_words"].tolist() == summary["gdelt_word_count"].tolist() == [expected_words(article)]


def test_words_counted_from_the_sentences_equal_the_words_of_each_article(seed_text):
    from analysis.text import sentences, word_counts_from_sentences
    from analysis.wordsplit import split_texts

    texts = [TRICKY, seed_text, None, "", "  \n ", "  Kyiv held.\n\nMoscow fell.  ", "Then?!Yes. No.", "6.5 km.7 km", "End.\"Next one.",
             "a\x01b c. D\x01e", "Зеленський заявив. Київ, п'ять.", "(It sold.)Then? \"Yes.\" x"]
    articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "text": texts})
    sents = sentences(articles)
    counted = word_counts_from_sentences(articles, sents, split=split_texts(sents["text"].tolist()))
    assert counted.dtype == "int64"
    assert counted.tolist() == [word_count(t) for t in texts]
    with pytest.raises(ValueError, match="split has 1 texts for"):
        word_counts_from_sentences(articles, sents, split=split_texts(["x"]))


def test_the_articles_split_made_from_their_sentences_holds_each_articles_whitespace_tokens():
    from analysis.text import article_split_from_sentences, sentences
    from analysis.wordsplit import split_texts

    texts = [TRICKY, None, "", "  \n ", "  Kyiv held.\n\nMoscow fell.  ", "Then?!Yes. No.", "6.5 km.7 km",
             "End.\"Next one.", "Kyiv held. Then?!Yes.(No.)x Kyiv", "Зеленський заявив. Київ, п'ять.",
             "(It sold.)Then? \"Yes.\" x", "Kyiv \U0001F600 held.Next \U0001F600 one."]
    articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "text": texts})
    sents = sentences(articles)
    made = article_split_from_sentences(articles, sents, split=split_texts(sents["text"].tolist()))
    plain = split_texts(texts)
    assert len(set(made.tokens)) == len(made.tokens)
    assert [made.tokens[c] for c in made.codes] == [plain.tokens[c] for c in plain.codes]
    assert made.row.tolist() == plain.row.tolist() and made.start.tolist() == plain.start.tolist()
    assert made.is_text.tolist() == plain.is_text.tolist()
    with pytest.raises(ValueError, match="split has 1 texts for"):
        article_split_from_sentences(articles, sents, split=split_texts(["x"]))
