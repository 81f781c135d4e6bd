"""analysis.overview: corpus composition tables behind notebook 01."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import overview
from analysis.text import tokens


@pytest.fixture
def articles():
    return pd.DataFrame({
        "article_id": ["a", "b", "c", "d"],
        "outlet": ["Kremlin", "Kremlin", "Bankova", None],
        "country": ["RU", "RU", "UA", "UA"],
        "published": pd.to_datetime(["2022-01-10", "2022-03-02", "2022-03-20", None], utc=True),
        "text": ["Russia will not negotiate.", "The special military operation continues. Russia.",
                 "Ukraine resists the invasion.", "Kyiv."],
        "duplicate_of": [None, None, None, "c"],
        "duplicate_kind": [None, None, None, "near"],
    })


def test_articles_by_counts_articles_and_words_per_group_largest_first(articles):
    table = overview.articles_by(articles)
    assert table["outlet"].tolist() == ["Kremlin", "(unknown)", "Bankova"]
    assert table["articles"].tolist() == [2, 1, 1]
    assert table["share"].sum() == pytest.approx(1.0)
    assert overview.articles_by(articles, duplicates=False)["articles"].sum() == 3


def test_over_time_fills_empty_periods_with_zero_and_counts_undated(articles):
    table = overview.articles_over_time(articles, by=None, freq="MS")
    assert table["articles"].tolist() == [1, 0, 2]
    assert table.attrs["undated"] == 1


def test_choose_group_column_prefers_the_first_column_that_varies(articles):
    assert overview.choose_group_column(articles) == "outlet"
    assert overview.choose_group_column(articles.assign(outlet="x")) == "country"
    with pytest.raises(KeyError, match="nope"):
        overview.choose_group_column(articles, "nope")


def test_duplicate_summary_counts_kinds(articles):
    table = overview.duplicate_summary(articles, by="country").set_index("country")
    assert table.loc["UA", "near_duplicates"] == 1 and table.loc["RU", "exact_duplicates"] == 0


def test_top_terms_are_content_words_normalised_per_10k_tokens(articles):
    terms = overview.top_terms(tokens(articles), articles, by="country", n=3)
    ru = terms[terms["country"] == "RU"]
    assert ru.iloc[0]["term"] == "russia" and ru.iloc[0]["count"] == 2
    assert not set(terms["term"]) & {"the", "will", "not"}, "stopwords and negations are not content words"
    assert (terms["per_10k"] > 0).all() and terms.groupby("country")["rank"].min().eq(1).all()
