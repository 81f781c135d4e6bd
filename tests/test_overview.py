"""analysis.overview: corpus composition tables behind notebook 01."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import overview, report
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


@pytest.mark.parametrize("freq, alias, unit", [("MS", "M", "month"), ("month", "M", "month"), ("M", "M", "month"),
                                               ("W", "W", "week"), ("D", "D", "day"), ("week", "W", "week")])
def test_time_bins_accept_offset_period_and_plain_names(freq, alias, unit):
    assert overview.time_bins(freq) == (alias, unit)


def test_time_bins_reject_unknown_names():
    with pytest.raises(ValueError, match="fortnight"):
        overview.time_bins("fortnight")


@pytest.mark.parametrize("freq", ["MS", "W", "D", "month"])
def test_every_time_bin_works_for_overview_and_entity_timelines(freq, articles):
    from analysis import entities, text

    assert overview.articles_over_time(articles, by=None, freq=freq)["articles"].sum() == 3
    mentions = entities.mentions(text.sentences(articles))
    timeline = entities.entity_counts(mentions, articles, by=None, freq=freq)
    assert timeline["period"].notna().all() and len(timeline)


def _overlapping_folder(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "feed_a").mkdir(parents=True)
    (folder / "feed_b").mkdir()
    body = "Kyiv said the talks are over. Moscow denied it and said the strikes would go on."
    (folder / "feed_a" / "same.txt").write_text("Talks over\n\n" + body, encoding="utf-8")
    (folder / "feed_b" / "same.txt").write_text("Talks over\n\n" + body, encoding="utf-8")
    (folder / "feed_b" / "other.txt").write_text("Kharkiv\n\nShelling hit Kharkiv overnight, officials said.",
                                                 encoding="utf-8")
    return folder


def test_overlapping_files_count_each_document_once_by_default(tmp_path):
    from analysis.corpus import load_corpus

    loaded = load_corpus(_overlapping_folder(tmp_path))
    assert len(loaded) == 3 and (loaded["duplicate_kind"] == "exact").sum() == 1
    analysed = overview.exclude_duplicates(loaded)
    assert len(analysed) == 2 and analysed.attrs["duplicates_excluded"] == 1
    assert analysed.attrs["corpus_hash"] == report.corpus_hash(loaded)
    kept = overview.exclude_duplicates(loaded, keep_duplicates=True)
    assert len(kept) == 3 and kept.attrs["duplicates_excluded"] == 0
    assert report.source_line("corpus", analysed).startswith("Source: corpus; 2 articles; 1 exact duplicate excluded;")


def test_rates_in_the_library_leave_exact_duplicates_out_unless_asked(tmp_path):
    from analysis.corpus import load_corpus

    loaded = load_corpus(_overlapping_folder(tmp_path))
    assert overview.articles_by(loaded)["articles"].sum() == 2
    assert overview.articles_by(loaded, keep_duplicates=True)["articles"].sum() == 3
    assert overview.articles_over_time(loaded.assign(published=pd.Timestamp("2024-08-12", tz="UTC")),
                                       by=None)["articles"].sum() == 2


def test_sample_groups_keeps_at_most_n_rows_per_group_the_same_on_every_run_in_the_original_order():
    from analysis.overview import sample_groups

    docs = pd.DataFrame({"side": ["a"] * 50 + ["b"] * 3, "text": [f"t{i}" for i in range(53)]})
    picked = sample_groups(docs, "side", n=10)
    assert picked["side"].value_counts().to_dict() == {"a": 10, "b": 3}, "small groups are kept whole"
    assert picked.equals(sample_groups(docs, "side", n=10)), "a fixed seed: the same rows every run"
    assert not picked.equals(sample_groups(docs, "side", n=10, seed=1))
    order = picked["text"].str[1:].astype(int).tolist()
    assert order == sorted(order) and picked.index.tolist() == list(range(13)), "original order, fresh index"


def test_article_term_counts_part_by_part_takes_the_articles_indexed_once_and_gives_the_same_counts():
    # Issue 13: notebook 01 called it once per stored part with the whole corpus's articles, which every
    # call re-indexed (quadratic: +94 ms per part with 100k articles); indexed once, each part looks up its own.
    import pandas as pd

    from analysis.overview import article_term_counts

    arts = pd.DataFrame({"article_id": ["a", "b", "c"], "lang": ["ru", "en", None], "n_words": [3, 2, 4]})
    toks = pd.DataFrame({"article_id": ["a", "a", "a", "b", "b", "c"],
                         "lemma": ["Удар", "по", "удар", "shelling", "the", "Kyiv"], "is_alpha": True, "is_punct": False})
    by_id = arts.set_index("article_id")
    parts = [toks[toks["article_id"].isin(ids)] for ids in (["a"], ["b", "c"])]
    pd.testing.assert_frame_equal(pd.concat([article_term_counts(p, by_id) for p in parts], ignore_index=True),
                                  article_term_counts(toks, arts))
