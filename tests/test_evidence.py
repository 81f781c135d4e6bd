"""Helpers the notebooks use to read only the rows they show, pick events and export evidence."""

import re

import pandas as pd
import pytest

from analysis import pipeline, report
from analysis.events import KEY_EVENTS, load_events, select_events

ARTICLES = pd.DataFrame({
    "article_id": ["a", "b", "c"],
    "outlet": ["X", "Y", "X"],
    "published": pd.to_datetime(["2024-08-07", "2024-08-08", "2024-08-09"], utc=True),
    "url": ["https://x.example/a", "https://y.example/b", "https://x.example/c"],
    "text": ["Putin said the Kiev regime attacked Kursk. Talks are off.",
             "Zelenskyy thanked partners in Kyiv.",
             "Shelling hit Kharkiv overnight."],
})


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return pipeline.analyse(ARTICLES, stages=("sentences", "entities", "framing"),
                            cache_dir=tmp_path_factory.mktemp("cache"))


def test_rows_reads_only_the_articles_asked_for(run):
    rows = run.rows("sentences", article_ids=["b"], columns=["article_id", "text"])
    assert rows["article_id"].tolist() == ["b"]
    assert run.rows("sentences", article_ids=[]).empty
    putin = run.rows("mentions", where={"entity_id": "person:vladimir_putin"})
    assert set(putin["article_id"]) == {"a"}


@pytest.mark.parametrize("query, article", [("person:vladimir_putin", "a"), ("kyiv_spelling", "a"),
                                            (r"shell\w+", "c")])
def test_kwic_from_stored_tables_matches_kwic_on_all_sentences(run, query, article):
    from analysis.kwic import kwic

    lines = run.kwic(query, ARTICLES, limit=10)
    full = kwic(run.table("sentences"), query, articles=ARTICLES, limit=10)
    assert article in set(lines["article_id"])
    assert lines[["article_id", "start", "end", "match"]].values.tolist() == \
        full[["article_id", "start", "end", "match"]].values.tolist()
    assert {"outlet", "date", "url"} <= set(lines.columns)


def test_kwic_limit_and_no_hits(run):
    assert len(run.kwic("kyiv_spelling", ARTICLES, limit=1)) == 1
    assert run.kwic(r"zzzz", ARTICLES).empty


def test_select_events():
    assert select_events("none").empty and select_events(None).empty and select_events([]).empty
    assert len(select_events("all")) == len(load_events())
    assert set(select_events("key")["event_id"]) == set(KEY_EVENTS)
    assert set(select_events("military")["category"]) == {"military"}
    with pytest.raises(ValueError):
        select_events(["no_such_event"])


def test_exporter_writes_kwic_and_pages(tmp_path, run):
    from analysis import interactive

    export = report.Exporter("02_entities", output_dir=tmp_path)
    lines = run.kwic("kyiv_spelling", ARTICLES)
    written = export.evidence(lines, "kyiv")
    assert [p.name for p in written] == ["kyiv_kwic.csv", "kyiv_kwic.xlsx"]
    page = export.save_page(interactive.table(lines, title="Lines"), "lines")
    assert page == tmp_path / "figures" / "02_entities" / "lines.html"
    assert not interactive.network_references(page.read_text())


def test_label_usage_from_stored_tables_equals_label_usage_from_text(run):
    from analysis import framing

    direct = framing.label_usage(ARTICLES, by="outlet")
    summary = run.table("article_summary")
    stored = framing.label_usage(ARTICLES[["article_id", "outlet"]], by="outlet", matches=run.table("labels"),
                                 words=summary.set_index("article_id")["n_words"] if "n_words" in summary else
                                 pd.Series({a: len(t.split()) for a, t in zip(ARTICLES.article_id, ARTICLES.text)}))
    cols = ["outlet", "concept", "term", "n"]
    assert direct[cols].values.tolist() == stored[cols].values.tolist()


def test_sentence_lines_keep_key_order_and_columns(run):
    keys = pd.DataFrame({"article_id": ["c", "a"], "sentence_id": [0, 1], "score": [-0.5, 0.1]})
    lines = run.sentence_lines(keys, ARTICLES)
    assert lines["match"].tolist() == ["Shelling hit Kharkiv overnight.", "Talks are off."]
    assert lines["score"].tolist() == [-0.5, 0.1] and lines["outlet"].tolist() == ["X", "X"]


def test_kwic_where_narrows_stored_label_hits(run):
    own = run.kwic("Kiev regime", ARTICLES, kind="label", where={"in_quote": False})
    quoted = run.kwic("Kiev regime", ARTICLES, kind="label", where={"in_quote": True})
    assert len(own) == 1 and quoted.empty


def test_kwic_of_a_subset_of_articles_reads_only_their_hits(run):
    # the whole corpus in scope reads the stored hits without an id filter; a subset still filters
    everywhere = run.kwic("person:vladimir_putin", ARTICLES)
    assert set(everywhere["article_id"]) == {"a"}
    assert run.kwic("person:vladimir_putin", ARTICLES[ARTICLES["article_id"] != "a"]).empty
    assert run.kwic("person:vladimir_putin", ARTICLES, article_ids=["b", "c"]).empty


def test_kwic_of_a_frame_reads_only_articles_predicted_to_carry_it(run):
    frames = run.table("frames")
    chosen = frames[frames["predicted"].astype(bool)]
    if chosen.empty:
        pytest.skip("no frame predicted on these three sentences")
    frame = str(chosen["frame"].iloc[0])
    lines = run.kwic(frame, ARTICLES, kind="frame")
    assert set(lines["article_id"]) <= set(chosen.loc[chosen["frame"].astype(str) == frame, "article_id"])


def test_rows_of_a_few_articles_open_only_the_parts_holding_them(tmp_path):
    # Issue 13: a large store has hundreds of parts; evidence for three articles must not open them all.
    store = pipeline.analyse(ARTICLES.iloc[:1], stages=("sentences",), cache_dir=tmp_path)
    store = pipeline.analyse(ARTICLES, stages=("sentences",), cache_dir=tmp_path)  # b and c: a second partition
    opened = []
    read = store._read
    store._read = lambda path, *args: opened.append(path) or read(path, *args)
    rows = store.rows("sentences", article_ids=["c"], columns=["article_id", "text"])
    assert rows.values.tolist() == [["c", "Shelling hit Kharkiv overnight."]]
    assert len(opened) == 1 and len(store._parts("sentences")) == 2
    assert store.rows("sentences", article_ids=["nowhere"], columns=["article_id", "text"]).empty


def test_kwic_of_an_entity_from_mentions_in_memory_equals_the_stored_read(run):
    mentions = run.table("mentions")
    for scope in (None, ["a", "b"], ["b"]):
        stored = run.kwic("person:vladimir_putin", ARTICLES, article_ids=scope)
        in_memory = run.kwic("person:vladimir_putin", ARTICLES, article_ids=scope, mentions=mentions)
        pd.testing.assert_frame_equal(in_memory, stored)


def test_a_regex_kwic_stops_searching_once_it_has_enough_articles():
    many = pd.DataFrame({"article_id": [f"a{i}" for i in range(50)], "text": ["Kyiv said so."] * 50})
    assert pipeline._first_matching(many, re.compile("kyiv", re.IGNORECASE), 3) == ["a0", "a1", "a2"]
