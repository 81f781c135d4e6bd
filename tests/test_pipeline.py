"""analysis.pipeline: cached intermediates keyed by content and code version."""

from __future__ import annotations

import pandas as pd

from analysis import pipeline


def test_second_run_on_an_unchanged_corpus_reads_the_cache(seed_articles, tmp_path):
    first = pipeline.sentence_table(seed_articles, cache_dir=tmp_path)
    second = pipeline.sentence_table(seed_articles, cache_dir=tmp_path)
    assert (first.attrs["cache"], second.attrs["cache"]) == ("miss", "hit")
    pd.testing.assert_frame_equal(first, second, check_dtype=False)
    assert len(list(tmp_path.glob("sentences-*.parquet"))) == 1


def test_changed_content_misses_the_cache(seed_articles, tmp_path):
    pipeline.sentence_table(seed_articles, cache_dir=tmp_path)
    changed = seed_articles.assign(text=seed_articles["text"] + " One more sentence.")
    assert pipeline.sentence_table(changed, cache_dir=tmp_path).attrs["cache"] == "miss"


def test_token_table_is_cached_too(seed_articles, tmp_path):
    sents = pipeline.sentence_table(seed_articles, cache_dir=tmp_path)
    assert pipeline.token_table(sents, cache_dir=tmp_path).attrs["cache"] == "miss"
    assert pipeline.token_table(sents, cache_dir=tmp_path).attrs["cache"] == "hit"


def test_cache_can_be_switched_off(seed_articles, tmp_path):
    assert pipeline.sentence_table(seed_articles, cache=False, cache_dir=tmp_path).attrs["cache"] == "off"
    assert not list(tmp_path.iterdir())


def test_analyse_stores_every_table_once_and_reads_it_back(seed_articles, tmp_path):
    first = pipeline.analyse(seed_articles, stages=("sentences", "sentiment"), cache_dir=tmp_path)
    second = pipeline.analyse(seed_articles, stages=("sentences", "sentiment"), cache_dir=tmp_path)
    assert (first.cache, second.cache) == ("miss", "hit")
    assert {"sentences", "sentence_sentiment", "article_summary"} <= set(second.tables)
    summary = second.table("article_summary")
    assert summary["article_id"].tolist() == ["seed"] and summary["n_sentences"].iloc[0] > 10
    per_part = second.aggregate("sentence_sentiment", lambda p: p.groupby("article_id")["compound"].mean().reset_index())
    assert len(per_part) == 1


def test_corpus_label_is_short():
    assert pipeline.corpus_label("/a/b/data/raw") == "data/raw"
