"""A mixed-language corpus (English, Russian, Ukrainian) in the overview and topic helpers the notebooks
call: LANG filtering, the languages table, top terms per language on lemmas, one topic model per language
fitted from the stored token table (never from article texts in memory)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import overview, pipeline, topics
from analysis.report import source_line
from mixed_corpus import TEXTS, write_mixed_corpus


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, root):
    return write_mixed_corpus(tmp_path_factory.mktemp("mixed"), root / "data" / "raw" / "000_a45935899aae0239.txt")


@pytest.fixture(scope="module")
def loaded(mixed):
    return overview.exclude_duplicates(pipeline.load_articles(mixed))


@pytest.fixture(scope="module")
def run(loaded, tmp_path_factory):
    return pipeline.analyse(loaded, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def meta(loaded, run):
    summary = run.table("article_summary", columns=["article_id", "n_words"])
    return loaded[["article_id", "outlet", "lang"]].merge(summary, on="article_id")


def test_the_fixture_loads_as_english_russian_and_ukrainian(loaded):
    assert loaded["lang"].value_counts().to_dict() == {"ru": 4, "uk": 4, "en": 1}
    assert len(TEXTS) == 8


def test_lang_all_keeps_everything_and_a_code_keeps_one_language(loaded):
    assert overview.filter_lang(loaded, "all") is loaded
    ru = overview.filter_lang(loaded, "ru")
    assert set(ru["lang"]) == {"ru"} and len(ru) == 4
    assert ru.attrs["corpus_hash"] == loaded.attrs["corpus_hash"], "the hash names the loaded corpus"
    assert "language: ru" in source_line("x", ru) and "language" not in source_line("x", loaded)
    assert overview.filter_lang(loaded, "UK")["lang"].eq("uk").all()
    with pytest.raises(ValueError, match=r"no article in that language; the corpus has ru \(4\), uk \(4\), en \(1\)"):
        overview.filter_lang(loaded, "be")
    with pytest.raises(ValueError, match="LANG"):
        overview.filter_lang(loaded, "russian please")


def test_articles_without_a_lang_count_as_english():
    arts = pd.DataFrame({"article_id": ["a", "b"], "lang": [None, "ru"]})
    assert overview.filter_lang(arts, "en")["article_id"].tolist() == ["a"]
    assert overview.filter_lang(pd.DataFrame({"article_id": ["a"]}), "en")["article_id"].tolist() == ["a"]


def test_languages_present_orders_by_size_and_respects_lang(loaded):
    assert overview.languages_present(loaded) == ["ru", "uk", "en"]
    assert overview.languages_present(loaded, "uk") == ["uk"]
    assert overview.languages_present(loaded, min_articles=2) == ["ru", "uk"]


def test_articles_by_lang_counts_each_group_per_language(loaded):
    table = overview.articles_by_lang(loaded, by="outlet")
    assert set(table["lang"]) == {"en", "ru", "uk"}
    assert table.groupby("outlet")["share"].sum().round(9).eq(1).all()
    assert table.set_index("outlet").loc["Вести-Тест", "language"] == "Russian"
    by_itself = overview.articles_by_lang(loaded, by="lang")
    assert by_itself[["lang", "articles"]].values.tolist() == [["ru", 4], ["uk", 4], ["en", 1]]


def test_top_terms_per_language_are_lemmas_with_their_own_stopwords(run, meta):
    counts = run.aggregate("tokens", lambda part: overview.lang_term_counts(part, meta, by="outlet"),
                           columns=["article_id", "lemma", "is_alpha", "is_punct"])
    terms = overview.top_terms_by_lang(counts, by="outlet", n=15)
    assert set(terms["lang"]) == {"en", "ru", "uk"}
    ru, uk = terms[terms["lang"] == "ru"], terms[terms["lang"] == "uk"]
    assert "путин" in set(ru["term"]), "Путин / Путина -> one lemma"
    assert "зеленський" in set(uk["term"]), "Зеленський / Зеленського -> one lemma"
    assert not set(ru["term"]) & {"в", "и", "на", "что", "заявить"}, "Russian stopwords and reporting verbs are out"
    assert not set(uk["term"]) & {"та", "що", "для", "заявити"}
    assert not set(terms.loc[terms["lang"] == "en", "term"]) & {"the", "and"}
    # English glosses where the gazetteer knows the lemma; none for English terms
    assert ru.set_index("term").loc["путин", "gloss"] == "Vladimir Putin"
    # the gazetteer's per-language names gloss too (Києву -> київ -> Kyiv), not only its Cyrillic aliases
    assert uk.drop_duplicates("term").set_index("term").loc["київ", "gloss"] == "Kyiv"
    assert terms.loc[terms["lang"] == "en", "gloss"].eq("").all()
    # per 10k words of the group in that language: a group's Russian rates use its Russian words only
    vesti = meta[meta["outlet"] == "Вести-Тест"]["n_words"].sum()
    row = ru[(ru["outlet"] == "Вести-Тест") & (ru["term"] == "путин")].iloc[0]
    assert row["per_10k"] == pytest.approx(row["count"] / vesti * 10_000)


def test_term_counts_from_parts_sum_to_the_whole(run, meta):
    tokens = run.table("tokens", columns=["article_id", "lemma", "is_alpha", "is_punct"])
    whole = overview.top_terms_by_lang(overview.lang_term_counts(tokens, meta), n=10)
    halves = [tokens[tokens["article_id"].isin(meta["article_id"][:4])],
              tokens[~tokens["article_id"].isin(meta["article_id"][:4])]]
    parts = pd.concat([overview.lang_term_counts(h, meta) for h in halves], ignore_index=True)
    pd.testing.assert_frame_equal(overview.top_terms_by_lang(parts, n=10), whole)


def test_one_pass_of_article_term_counts_gives_the_top_terms_and_topic_input_of_two_passes(run, meta):
    # Notebook 01 reads the stored tokens once (issue 13): per-article counts summed per group rank the
    # same top terms as lang_term_counts, and less the news stopwords they are doc_term_counts.
    columns = ["article_id", "lemma", "is_alpha", "is_punct"]
    per_article = run.aggregate("tokens", lambda part: overview.article_term_counts(part, meta), columns=columns)
    assert list(per_article.columns) == ["article_id", "lang", "term", "count"]
    two_passes = run.aggregate("tokens", lambda part: overview.lang_term_counts(part, meta, by="outlet"), columns=columns)
    pd.testing.assert_frame_equal(
        overview.top_terms_by_lang(overview.group_term_counts(per_article, meta, by="outlet"), by="outlet", n=15),
        overview.top_terms_by_lang(two_passes, by="outlet", n=15))
    doc_terms = run.aggregate("tokens", lambda part: topics.doc_term_counts(part, meta), columns=columns)
    key = ["article_id", "term"]
    pd.testing.assert_frame_equal(topics.topic_doc_terms(per_article).sort_values(key).reset_index(drop=True),
                                  doc_terms.sort_values(key).reset_index(drop=True))


def test_article_term_counts_lowercase_lemmas_skip_missing_ones_and_count_each_article_once():
    arts = pd.DataFrame({"article_id": ["a", "b"], "lang": ["en", None], "n_words": [4, 1]})
    toks = pd.DataFrame({"article_id": ["a", "a", "a", "a", "a", "b"],
                         "lemma": ["Kyiv", "kyiv", None, ",", "the", "Kharkiv"],
                         "is_alpha": [True, True, True, False, True, True],
                         "is_punct": [False, False, False, True, False, False]})
    counts = overview.article_term_counts(toks, arts)
    assert counts.values.tolist() == [["a", "en", "kyiv", 2], ["a", "en", overview.ALL_WORDS, 4],
                                      ["b", "en", "kharkiv", 1], ["b", "en", overview.ALL_WORDS, 1]]
    assert overview.article_term_counts(toks.iloc[:0], arts).empty


def test_lang_term_counts_refuses_to_group_by_language_itself(meta):
    with pytest.raises(ValueError, match="by language"):
        overview.lang_term_counts(pd.DataFrame(columns=["article_id", "lemma", "is_alpha", "is_punct"]),
                                  meta, by="lang")


def test_one_topic_model_per_language_from_stored_tokens(run, meta):
    doc_terms = run.aggregate("tokens", lambda part: topics.doc_term_counts(part, meta),
                              columns=["article_id", "lemma", "is_alpha", "is_punct"])
    assert list(doc_terms.columns) == ["article_id", "term", "count"]
    models = topics.fit_topics_by_lang(doc_terms, meta, min_docs=3, n_topics=2, min_df=1)
    assert list(models) == ["ru", "uk"], "English has one article: fewer than min_docs, no model"
    for code, model in models.items():
        ids = set(meta.loc[meta["lang"] == code, "article_id"])
        assert set(model.doc_topics["article_id"]) == ids, "a model sees only its language's articles"
        assert model.options["lang"] == code and model.options["source"] == "term counts"
        vocab = set(model.terms["term"])
        assert all(any("\u0400" <= ch <= "\u04ff" for ch in t) for t in vocab), f"{code} topics hold {code} words only"
    again = topics.fit_topics_by_lang(doc_terms, meta, min_docs=3, n_topics=2, min_df=1)
    pd.testing.assert_frame_equal(again["ru"].doc_topics, models["ru"].doc_topics)  # deterministic
    assert topics.fit_topics_by_lang(doc_terms, meta, min_docs=3, langs=["uk"], n_topics=2, min_df=1).keys() == {"uk"}


def test_topics_from_counts_agree_with_topics_from_texts():
    texts = ["grain exports ships ports corridor", "grain ships ports exports corridor",
             "grain corridor ships ports exports", "drones missiles strikes air defence",
             "missiles drones strikes air defence", "air defence drones missiles strikes"]
    arts = pd.DataFrame({"article_id": list("abcdef"), "text": texts})
    counts = pd.DataFrame([(a, w, 1) for a, t in zip(arts["article_id"], texts) for w in t.split()],
                          columns=["article_id", "term", "count"])
    from_texts = topics.fit_topics(arts, n_topics=2, min_df=1, seed=1)
    from_counts = topics.fit_topics_from_counts(counts, n_topics=2, min_df=1, seed=1)
    assert sorted(from_texts.topics["label"]) == sorted(from_counts.topics["label"])


def test_articles_without_counted_terms_get_zero_weight():
    counts = pd.DataFrame({"article_id": list("aabb"), "term": ["удар", "ракета"] * 2, "count": 1})
    model = topics.fit_topics_from_counts(counts, article_ids=["a", "b", "c"], n_topics=1, min_df=1, max_df=1.0)
    weights = model.doc_topics.groupby("article_id")["weight"].sum()
    assert weights["c"] == 0 and weights["a"] == pytest.approx(1)
    with pytest.raises(ValueError, match="min_df"):
        topics.fit_topics_from_counts(counts, n_topics=1, min_df=5)


def test_every_notebook_has_a_documented_lang_parameter_and_filters_by_it(root):
    import json

    for path in sorted((root / "notebooks").glob("0[1-5]_*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        params = "".join(next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))["source"])
        line = next((ln for ln in params.splitlines() if ln.startswith("LANG = ")), "")
        assert line.startswith('LANG = "all"  # '), f"{path.name}: LANG defaults to 'all', with a comment"
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert "overview.filter_lang(articles, LANG)" in code, path.name


def test_stored_article_term_counts_are_the_per_article_counts_as_codes_read_part_by_part(run, meta, monkeypatch):
    # Issue 13: at 100k articles the per-article counts are ~20M rows; as strings, turned into Python
    # objects by group_term_counts, they set notebook 01's peak. As categorical codes they are the same
    # rows, give the same top terms and topic input, and the token table is never read whole.
    from analysis.pipeline import Analysis

    columns = ["article_id", "lemma", "is_alpha", "is_punct"]
    per_article = run.aggregate("tokens", lambda part: overview.article_term_counts(part, meta), columns=columns)
    whole_reads = []
    monkeypatch.setattr(Analysis, "table", lambda self, name, **options: whole_reads.append(name))
    compact = overview.stored_article_term_counts(run, meta)
    assert whole_reads == [], "only part by part (Analysis.aggregate)"
    assert compact.dtypes.astype(str).tolist() == ["category", "category", "category", "int64"]
    pd.testing.assert_frame_equal(compact.astype(per_article.dtypes.to_dict()), per_article, check_exact=True)
    pd.testing.assert_frame_equal(overview.group_term_counts(compact, meta, by="outlet"),
                                  overview.group_term_counts(per_article, meta, by="outlet"), check_exact=True)
    doc_terms = topics.topic_doc_terms(per_article)
    pd.testing.assert_frame_equal(topics.topic_doc_terms(compact).astype(doc_terms.dtypes.to_dict()), doc_terms,
                                  check_exact=True)


def test_group_term_counts_of_compact_counts_leave_out_articles_missing_from_the_articles_as_before():
    arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", None], "lang": "en", "n_words": [3, 2]})
    per_article = pd.DataFrame({"article_id": ["a", "a", "b", "z"], "lang": "en",
                                "term": ["kyiv", overview.ALL_WORDS, "kyiv", "kyiv"], "count": [2, 3, 1, 7]})
    compact = per_article.astype({"article_id": "category", "lang": "category", "term": "category"})
    expected = overview.group_term_counts(per_article, arts)
    assert expected.values.tolist() == [["en", "(unknown)", "kyiv", True, 1], ["en", "X", "<all words>", False, 3],
                                        ["en", "X", "kyiv", True, 2]]
    pd.testing.assert_frame_equal(overview.group_term_counts(compact, arts), expected, check_exact=True)
