"""Topics: seeded, deterministic, tidy; shares by outlet and over time."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.topics import fit_topics, representative_articles, topic_share, topics_over_time

GRAIN = ["grain exports ships ports corridor deal", "grain ships ports exports corridor Odesa",
         "grain corridor ships ports exports Turkey", "grain deal exports ships corridor ports"]
STRIKES = ["drones missiles strikes Kyiv air defence", "missiles drones strikes air defence Kharkiv",
           "air defence drones missiles strikes night", "drones strikes missiles air defence power"]


@pytest.fixture()
def arts():
    return pd.DataFrame({
        "article_id": [f"g{i}" for i in range(4)] + [f"s{i}" for i in range(4)],
        "outlet": ["Grain Post", "Grain Post", "Mixed", "Mixed", "Strike Daily", "Strike Daily", "Mixed", "Mixed"],
        "published": pd.to_datetime(["2022-07-01", "2022-07-20", "2022-08-03", "2023-07-18",
                                     "2022-10-10", "2022-10-11", "2022-10-31", "2023-01-02"], utc=True),
        "title": [f"t{i}" for i in range(8)],
        "text": GRAIN + STRIKES,
    })


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_same_input_gives_the_same_topics(arts, method):
    a = fit_topics(arts, n_topics=2, min_df=1, method=method, seed=3)
    b = fit_topics(arts, n_topics=2, min_df=1, method=method, seed=3)
    pd.testing.assert_frame_equal(a.terms, b.terms)
    pd.testing.assert_frame_equal(a.doc_topics, b.doc_topics)


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_two_obvious_topics_are_found_and_articles_fall_in_theirs(arts, method):
    m = fit_topics(arts, n_topics=2, min_df=1, method=method)
    dominant = m.doc_topics.loc[m.doc_topics.groupby("article_id")["weight"].idxmax()].set_index("article_id")["topic"]
    assert dominant[[f"g{i}" for i in range(4)]].nunique() == 1
    assert dominant[[f"s{i}" for i in range(4)]].nunique() == 1
    assert dominant["g0"] != dominant["s0"]
    grain = m.terms[m.terms["topic"] == dominant["g0"]]["term"].head(6).tolist()
    assert "grain" in grain


def test_tables_are_tidy_and_documented(arts):
    m = fit_topics(arts, n_topics=2, min_df=1, top_n=5)
    assert list(m.terms.columns) == ["topic", "rank", "term", "weight"] and len(m.terms) == 10
    assert list(m.topics.columns) == ["topic", "label", "weight_share", "n_dominant"]
    assert m.topics["weight_share"].sum() == pytest.approx(1.0)
    assert m.topics["n_dominant"].sum() == len(arts)
    assert m.doc_topics.groupby("article_id")["weight"].sum().round(9).eq(1).all()
    assert m.topics["weight_share"].is_monotonic_decreasing  # topics numbered by prevalence


def test_representative_articles_are_the_heaviest_on_each_topic(arts):
    m = fit_topics(arts, n_topics=2, min_df=1)
    rep = representative_articles(m, arts, n=2)
    assert rep.groupby("topic").size().tolist() == [2, 2]
    assert {"outlet", "title", "weight", "label"} <= set(rep.columns)
    assert rep.groupby("topic")["weight"].apply(lambda w: w.is_monotonic_decreasing).all()


def test_topic_share_by_outlet_sums_to_one_and_separates_outlets(arts):
    m = fit_topics(arts, n_topics=2, min_df=1)
    share = topic_share(m, arts, by="outlet")
    assert share.groupby("outlet")["share"].sum().round(9).eq(1).all()
    top = share.loc[share.groupby("outlet")["share"].idxmax()].set_index("outlet")["topic"]
    assert top["Grain Post"] != top["Strike Daily"]


def test_topics_over_time_by_month_and_quarter(arts):
    m = fit_topics(arts, n_topics=2, min_df=1)
    monthly = topics_over_time(m, arts)
    assert monthly["period"].dt.day.eq(1).all() and len(monthly["period"].unique()) == 5  # Jul, Aug, Oct 2022, Jan, Jul 2023
    quarterly = topics_over_time(m, arts, freq="QS", by="outlet")
    assert set(quarterly.columns) == {"period", "outlet", "topic", "label", "share", "n_articles"}
    assert pd.Timestamp("2022-07-01") in set(quarterly["period"])


def test_bad_options_are_refused(arts):
    with pytest.raises(ValueError, match="method"):
        fit_topics(arts, method="bertopic")


def _counts(texts_by_id: dict) -> pd.DataFrame:
    rows = [(a, w) for a, text in texts_by_id.items() for w in text.lower().split()]
    return pd.DataFrame(rows, columns=["article_id", "term"]).assign(count=1)


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_a_topic_model_over_more_than_max_docs_articles_is_fitted_on_a_sample_and_weighs_every_article(method):
    # Issue 13: notebook 01's NMF cost grew with the corpus (500 iterations over every article); above
    # MAX_TOPIC_DOCS it is fitted on a fixed-seed sample and the model gives every article its weights.
    from analysis.topics import fit_topics_from_counts

    texts = {f"g{i}": GRAIN[i % 4] for i in range(12)} | {f"s{i}": STRIKES[i % 4] for i in range(12)}
    counts = _counts(texts)
    sampled = fit_topics_from_counts(counts, n_topics=2, min_df=1, method=method, max_docs=10)
    assert sampled.options["fit_articles"] == 10 and sampled.options["n_articles"] == 24
    assert sorted(sampled.doc_topics["article_id"].unique()) == sorted(texts)
    dominant = sampled.doc_topics.loc[sampled.doc_topics.groupby("article_id")["weight"].idxmax()].set_index(
        "article_id")["topic"]
    assert dominant[[f"g{i}" for i in range(12)]].nunique() == 1 and dominant[[f"s{i}" for i in range(12)]].nunique() == 1
    assert dominant["g0"] != dominant["s0"]
    again = fit_topics_from_counts(counts, n_topics=2, min_df=1, method=method, max_docs=10)
    pd.testing.assert_frame_equal(sampled.doc_topics, again.doc_topics)


def test_max_docs_at_or_above_the_corpus_size_changes_nothing():
    from analysis.topics import fit_topics_from_counts

    counts = _counts({f"g{i}": GRAIN[i] for i in range(4)} | {f"s{i}": STRIKES[i] for i in range(4)})
    whole = fit_topics_from_counts(counts, n_topics=2, min_df=1)
    capped = fit_topics_from_counts(counts, n_topics=2, min_df=1, max_docs=8)
    pd.testing.assert_frame_equal(whole.terms, capped.terms)
    pd.testing.assert_frame_equal(whole.doc_topics, capped.doc_topics)
    assert whole.options == capped.options
