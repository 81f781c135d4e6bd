"""Notebooks 01-05 on a mixed-language corpus (the seed article + hand-written Russian and Ukrainian news,
tests/mixed_corpus.py), headless: every per-language section produces output for Russian and Ukrainian, the
cross-language charts hold all three languages, notebook 05 has evidence lines under its charts, and
LANG="ru" keeps Russian only."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from analysis.runner import run_notebooks
from mixed_corpus import write_mixed_corpus

pytestmark = pytest.mark.slow


def _run(corpus, out, only, **parameters):
    # ../shared comparisons are not what these tests are about: point SHARED at nothing.
    parameters = {"SHARED": str(out / "no-shared"), "MIN_TOPIC_DOCS": 3, **parameters}
    return run_notebooks(corpus=corpus, only=only, output_dir=out, parameters=parameters, log=lambda *a, **k: None)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, root):
    return write_mixed_corpus(tmp_path_factory.mktemp("mixed"), root / "data" / "raw" / "000_a45935899aae0239.txt")


@pytest.fixture(scope="module", autouse=True)
def _own_cache(tmp_path_factory):
    old = os.environ.get("ANALYSIS_CACHE")
    os.environ["ANALYSIS_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        os.environ.pop("ANALYSIS_CACHE", None)
    else:
        os.environ["ANALYSIS_CACHE"] = old


@pytest.fixture(scope="module")
def figures(mixed, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    _run(mixed, out, ["01", "02", "03", "04", "05"], MAX_EXPLORER_ROWS=1)  # 02's and 04's explorer pages: 1 row
    return out / "figures"


def _csv(path):
    assert path.exists(), f"missing {path.name}"
    return pd.read_csv(path)


def test_01_has_a_languages_chart_and_per_language_terms_and_topics(figures):
    nb = figures / "01_corpus_overview"
    assert set(_csv(nb / "articles_by_lang.csv")["lang"]) == {"en", "ru", "uk"}
    terms = _csv(nb / "top_terms_by_lang.csv")
    assert set(terms["lang"]) == {"en", "ru", "uk"}
    for code in ("ru", "uk"):
        assert (nb / f"top_terms_{code}.png").exists()
        assert (nb / f"topic_share_by_group_{code}.png").exists()
        vocab = set(_csv(nb / f"topic_terms_{code}.csv")["term"])
        assert vocab and all(any("\u0400" <= ch <= "\u04ff" for ch in t) for t in vocab), f"{code} topics mix languages"
    assert not (nb / "topic_terms_en.csv").exists(), "one English article: fewer than MIN_TOPIC_DOCS, no model"


def test_01_per_language_top_terms_state_no_finding_from_two_articles_and_count_that_languages_articles(figures):
    # 'Russian: ... is the top content word for Вести-Тест' rested on 2 articles, under a source line counting all 9
    for code in ("ru", "uk"):
        svg = (figures / "01_corpus_overview" / f"top_terms_{code}.svg").read_text(encoding="utf-8")
        assert "too few articles for a finding (no outlet has 10)" in svg and "is the top content word" not in svg
        assert f"; 4 articles; language: {code}; corpus " in svg


def test_01_articles_over_time_counts_the_undated_and_names_the_invasion_once(tmp_path):
    # the undated articles were printed under the cell, never on the chart; '24 Feb 2022' was written across the
    # 'Full-scale invasion' event label at the same place
    dates = ["2022-01-10", "2022-02-10", "2022-03-10", "2022-04-10", "", ""]
    rows = [{"outlet": "Wire", "date": d, "title": f"Report {i}", "text": f"Dispatch {i}. Russian drones struck Kyiv."}
            for i, d in enumerate(dates)]
    corpus = tmp_path / "dates.csv"
    pd.DataFrame(rows).to_csv(corpus, index=False)
    _run(corpus, tmp_path, ["01"])
    svg = (tmp_path / "figures" / "01_corpus_overview" / "articles_over_time.svg").read_text(encoding="utf-8")
    assert "; 2 undated articles left out of this chart; " in svg
    assert "Full-scale invasion" in svg and "24 Feb 2022" not in svg


def test_02_counts_one_entity_across_languages(figures):
    counts = _csv(figures / "02_entities" / "entity_counts_by_lang.csv")
    assert set(counts["lang"]) == {"en", "ru", "uk"}
    putin = counts[counts["entity_id"] == counts.loc[counts["name"] == "Vladimir Putin", "entity_id"].iloc[0]]
    assert set(putin["lang"]) >= {"en", "ru"}, "Путин and Putin are one entity"
    lines = _csv(figures / "02_entities" / "top_entities_by_lang_kwic.csv")
    assert lines["match"].str.contains("[\u0400-\u04ff]").any() and lines["match"].str.contains("[A-Za-z]").any()


def test_02_mentions_page_holds_max_explorer_rows_and_names_the_csv_with_every_mention(figures):
    nb = figures / "02_entities"
    n = len(_csv(nb / "mentions.csv"))
    assert n >= 2, "the mixed corpus has several mentions"
    page = (nb / "mentions.html").read_text(encoding="utf-8")
    assert f"Showing 1 of {n:,} rows ({n - 1:,} left out); the full table is in mentions.csv" in page


def test_03_compares_tone_across_languages(figures):
    tone = _csv(figures / "03_sentiment" / "tone_by_lang.csv").set_index("lang")
    assert set(tone.index) == {"en", "ru", "uk"}
    assert tone.loc[["ru", "uk"], "mean_compound"].notna().all()
    assert len(_csv(figures / "03_sentiment" / "tone_by_lang_kwic.csv")) >= 3


def test_04_distinctive_terms_within_each_language_with_glosses_and_label_sides(figures):
    nb = figures / "04_framing"
    for code in ("ru", "uk"):
        res = _csv(nb / f"distinctive_corpus_{code}.csv")
        assert "gloss" in res.columns
        assert res["term"].str.contains("[\u0400-\u04ff]").all(), "one language per contrast"
    glossed = _csv(nb / "distinctive_corpus_uk.csv").set_index("term")["gloss"].dropna()
    assert glossed.get("україна") == "Ukraine", "glosses from the gazetteer's Ukrainian names"
    sides = _csv(nb / "label_sides_by_lang.csv")
    assert {"ru", "uk"} <= set(sides["lang"])
    executed = (figures.parent / "04_framing.ipynb").read_text(encoding="utf-8")
    assert "Frames: 1 English article(s); 8 in other languages left out" in executed, "MFC frames are English-only"
    # Issue 13: the labels/quotes explorer pages hold MAX_EXPLORER_ROWS rows and name the CSV with every row.
    for name in ("labels", "quotes"):
        n = len(_csv(nb / f"{name}.csv"))
        assert n >= 2, f"the mixed corpus has several {name}"
        page = (nb / f"{name}.html").read_text(encoding="utf-8")
        assert f"Showing 1 of {n} rows ({n - 1} left out); the full table is in {name}.csv" in page


def test_05_has_evidence_lines_under_its_charts(figures):
    nb = figures / "05_roles_narratives"
    assert (nb / "actor_roles_by_group.png").exists()
    lines = _csv(nb / "actor_roles_by_group_kwic.csv")
    assert len(lines) >= 1 and {"left", "match", "right", "outlet"} <= set(lines.columns)


def test_05_antagonist_casting_over_time_has_one_panel_per_actor_and_no_finding_from_few_mentions(figures):
    # eight actors' lines and bands in one panel crossed into a tangle
    nb = figures / "05_roles_narratives"
    actors = set(_csv(nb / "actor_antagonist_share_over_time.csv")["actor"])
    svg = (nb / "actor_antagonist_share_over_time.svg").read_text(encoding="utf-8")
    assert len(actors) > 1 and all(f"{actor} (" in svg for actor in actors)
    assert "too few mentions for a finding (no actor has 10 in two periods)" in svg


def test_lang_ru_keeps_russian_only(mixed, tmp_path):
    _run(mixed, tmp_path, ["01"], LANG="ru")
    nb = tmp_path / "figures" / "01_corpus_overview"
    assert set(_csv(nb / "articles_by_lang.csv")["lang"]) == {"ru"}
    assert set(_csv(nb / "top_terms_by_lang.csv")["lang"]) == {"ru"}
    assert not (nb / "top_terms_uk.png").exists() and not (nb / "top_terms_en.png").exists()
    assert "language: ru" in (nb / "articles_by_lang.svg").read_text()


def test_03_04_05_compare_languages_when_the_grouping_column_is_lang(mixed, tmp_path):
    # Issue 13: a corpus with one outlet and several languages (the replicated bench corpus at 5k articles)
    # groups by "lang" under GROUP_BY="auto"; lang is then both the group and a column of the stored tables.
    _run(mixed, tmp_path, ["03", "04", "05"], GROUP_BY="lang")
    figures = tmp_path / "figures"
    assert set(_csv(figures / "03_sentiment" / "tone_by_group.csv")["lang"]) == {"en", "ru", "uk"}
    assert set(_csv(figures / "03_sentiment" / "tone_by_lang.csv")["lang"]) == {"en", "ru", "uk"}
    assert {"ru", "uk"} <= set(_csv(figures / "04_framing" / "label_usage.csv").query("n > 0")["lang"])
    assert (figures / "05_roles_narratives" / "actor_role_shares.csv").exists()


def _dated_corpus(tmp_path):
    words = "shelling strike front sanctions talks grain drones border refugees ceasefire".split()
    rows = [{"outlet": "Wire", "date": date, "title": f"Report {i}",
             "text": " ".join(words[(i + j) % len(words)] for j in range(60)) + ". Kyiv said the attack continued."}
            for i, date in enumerate(["2021-06-01", "2021-07-01", "2021-08-01", "2023-01-01", "2023-02-01", "2023-03-01"])]
    corpus = tmp_path / "dated.csv"
    pd.DataFrame(rows).to_csv(corpus, index=False)
    return corpus


def test_04_before_after_contrast_on_the_corpus_samples_at_most_max_docs_contrast_per_period(tmp_path):
    # Issue 13: without ../shared, notebook 04 contrasts the corpus before and after the cut-off date; it read every
    # article's text, so on a large corpus it is capped like the per-language contrast, and the source line says so.
    _run(_dated_corpus(tmp_path), tmp_path, ["04"], MAX_DOCS_CONTRAST=2)
    figure = tmp_path / "figures" / "04_framing" / "fightin_before_after.svg"
    assert figure.exists()
    assert "distinctive terms on a sample of 4 of 6 articles, at most 2 per period" in figure.read_text(encoding="utf-8")


def test_04_before_after_contrasts_the_users_corpus_even_with_shared_and_says_3_vs_3_is_too_few(shared, tmp_path):
    # The section contrasted ../shared's official statements whenever ../shared existed, though the user's corpus
    # spanned the cut-off date; and 3 articles against 3 carried no caveat.
    _run(_dated_corpus(tmp_path), tmp_path, ["04"], SHARED=str(shared))
    figures = tmp_path / "figures" / "04_framing"
    assert not (figures / "fightin_before_after_invasion.svg").exists()
    svg = (figures / "fightin_before_after.svg").read_text(encoding="utf-8")
    assert "Your corpus: English words before vs from 2022-02-24" in svg
    assert "Only 3 vs 3 articles (fewer than 10 on a side)" in svg


def test_01_fits_a_language_with_more_than_max_topic_docs_articles_on_a_sample_and_weighs_all(mixed, tmp_path):
    # Issue 13: the topic model's fit is capped (MAX_TOPIC_DOCS); 4 Russian articles, a sample of 3.
    import json

    _run(mixed, tmp_path, ["01"], MAX_TOPIC_DOCS=3)
    cells = json.loads((tmp_path / "01_corpus_overview.ipynb").read_text(encoding="utf-8"))["cells"]
    printed = "".join("".join(o.get("text", "")) for c in cells if c["cell_type"] == "code" for o in c.get("outputs", []))
    assert "Russian: 4 articles (fitted on a sample of 3)" in printed
    reps = _csv(tmp_path / "figures" / "01_corpus_overview" / "topic_representative_articles_ru.csv")
    assert len(reps), "the fitted model weighs every Russian article"


def test_04_states_no_agentless_harm_finding_on_two_harm_sentences_and_draws_their_interval(root, tmp_path):
    # data/raw holds one article with two harm sentences against Russia: "50% of harm to russia names no agent in
    # unknown" was the title, with no interval on the bar
    _run(root / "data" / "raw", tmp_path, ["04"])
    figures = tmp_path / "figures" / "04_framing"
    svg = (figures / "agentless_share.svg").read_text(encoding="utf-8")
    assert "Too few harm sentences for a finding" in svg and "names no agent in" not in svg
    assert "95% Wilson interval" in svg


def test_03_names_no_darkest_outlet_when_every_outlet_has_fewer_than_min_articles(tmp_path):
    # ten articles in two outlets: "Wire B has the darkest coverage" rested on 5 articles against 5
    sentences = ["Russian drones struck Kyiv overnight, killing three people.", "Talks resumed in Istanbul.",
                 "Ukraine's army said it repelled an attack near Bakhmut.", "Grain exports rose again."]
    rows = [{"outlet": f"Wire {'AB'[i % 2]}", "title": f"Report {i}", "text": f"Dispatch {i}. " + " ".join(sentences[i % 4:] + sentences[:i % 4])}
            for i in range(10)]
    corpus = tmp_path / "ten.csv"
    pd.DataFrame(rows).to_csv(corpus, index=False)
    _run(corpus, tmp_path, ["03"])
    svg = (tmp_path / "figures" / "03_sentiment" / "tone_by_group.svg").read_text(encoding="utf-8")
    assert "Too few articles for a finding: no outlet has 10" in svg and "darkest coverage" not in svg
