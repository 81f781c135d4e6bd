"""Interactive pages work offline: no network references, and they render in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from analysis import interactive

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "",
                             shutil.which("google-chrome") or "") if p and Path(p).exists()), None)


@pytest.fixture()
def arts():
    ru = ["The Kiev regime shelled Donbass again.", "Kiev regime forces and NATO mercenaries retreat.",
          "The special military operation liberated Donbass towns."]
    ua = ["Russian invasion forces shelled Kyiv overnight.", "Kyiv says the invasion failed near Kharkiv.",
          "Occupiers retreat from Kharkiv region; Kyiv celebrates."]
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(6)], "side": ["ru"] * 3 + ["ua"] * 3,
                         "outlet": ["RT", "TASS", "RT", "Ukrinform", "Kyiv Independent", "Ukrinform"],
                         "published": pd.to_datetime(["2022-03-01", "2022-03-02", "2022-04-01",
                                                      "2022-03-01", "2022-03-05", "2022-04-02"], utc=True),
                         "text": ru + ua})


def render(path: Path, tmp_path: Path, extra_script: str = "") -> str:
    """The DOM after the page's scripts ran in headless Chromium, with all networking refused
    (every request goes to a dead proxy)."""
    if CHROMIUM is None:
        pytest.skip("no Chromium/Chrome found (apt-get install chromium): the browser rendering test needs one")
    if extra_script:
        page = path.read_text(encoding="utf-8").replace("</body>", f"<script>{extra_script}</script></body>")
        path = tmp_path / f"with_script_{path.name}"
        path.write_text(page, encoding="utf-8")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--virtual-time-budget=15000",
           f"--user-data-dir={tmp_path / 'chromium-profile'}", "--dump-dom", path.resolve().as_uri()]
    done = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_explorer_page_is_self_contained(arts, tmp_path):
    page = interactive.distinctive_explorer(arts, "side", min_count=1)
    path = page.write(tmp_path / "terms.html")
    text = path.read_text(encoding="utf-8")
    assert interactive.network_references(text) == []
    assert "Plotly.newPlot" in text and "plotly.js v" in text  # the library itself is in the page
    assert set(page.terms.columns) >= {"term", "n_a", "n_b", "z", "favours"}


def test_explorer_embeds_kwic_lines_for_each_term_and_counts_from_monroe(arts):
    page = interactive.distinctive_explorer(arts, "side", min_count=1, window=20)
    kiev = page.terms.set_index("term").loc["kiev"]
    assert (kiev["n_a"], kiev["n_b"], kiev["favours"]) == (2, 0, "ru") and kiev["z"] > 0
    assert "\"Kiev\", \" regime forces and N\"" in page.html  # match and right context of a line


def test_explorer_on_a_mixed_language_corpus_takes_the_lang_the_error_asks_for(arts):
    """distinctive_terms() refuses a mix of languages and says "pass lang=": the explorer takes it too,
    and its terms and KWIC lines then come from that language's articles only."""
    mixed = pd.concat([arts.assign(lang="en"), pd.DataFrame({
        "article_id": ["uk_article_1", "uk_article_2"], "side": ["ru", "ua"], "outlet": ["RIA", "Ukrinform"],
        "published": pd.to_datetime(["2022-03-01", "2022-03-02"], utc=True), "lang": "uk",
        "text": ["Київський режим обстріляв Донбас.", "Окупанти обстріляли Харків уночі."]})], ignore_index=True)
    with pytest.raises(ValueError, match="pass lang="):
        interactive.distinctive_explorer(mixed, "side", min_count=1)
    page = interactive.distinctive_explorer(mixed, "side", min_count=1, lang="en")
    english = interactive.distinctive_explorer(arts, "side", min_count=1)
    pd.testing.assert_frame_equal(page.terms, english.terms)
    assert "uk_article_1" not in page.html and "Харків" not in page.html


def test_term_lines_find_unigrams_and_bigrams_as_distinctive_terms_counts_them(arts):
    lines = interactive.term_lines(arts, ["kiev regime", "kharkiv"], window=10, group="side")
    assert lines.groupby("term").size().to_dict() == {"kharkiv": 2, "kiev regime": 2}
    assert set(lines.loc[lines["term"] == "kharkiv", "side"]) == {"ua"}


def test_explorer_data_cannot_break_out_of_its_script_element(tmp_path):
    arts = pd.DataFrame({"article_id": ["1", "2"], "g": ["x", "y"],
                         "text": ["hostile </script><script>alert(1)</script> words", "other words here"]})
    html = interactive.distinctive_explorer(arts, "g", min_count=1).html
    assert "<script>alert(1)" not in html


def test_tables_are_self_contained_and_searchable(arts, tmp_path):
    page = interactive.table(arts.drop(columns="text"), title="Articles")
    text = page.write(tmp_path / "t.html").read_text(encoding="utf-8")
    assert interactive.network_references(text) == []
    assert '"column_filters": "header"' in text


def test_named_tables_put_the_useful_columns_first(arts):
    mentions = pd.DataFrame({"article_id": ["a0"], "sentence_id": [0], "start": [4], "end": [8], "surface": ["Kiev"],
                             "entity_id": ["city:kyiv"], "name": ["Kyiv"], "type": ["GPE"], "method": ["gazetteer"]})
    page = interactive.mentions_table(mentions, arts)
    assert page.title == "Entity mentions" and "city:kyiv" in page.body
    rejects = pd.DataFrame({"source_file": ["x.csv"], "source_row": [2], "reason": ["empty text"], "n_rows": [1]})
    assert "empty text" in interactive.rejects_table(rejects).body
    labels = pd.DataFrame({"article_id": ["a0"], "concept": ["kyiv_spelling"], "term": ["Kiev"], "side": ["russia_aligned"]})
    assert "kyiv_spelling" in interactive.labels_table(labels, arts).body
    quotes = pd.DataFrame({"article_id": ["a3"], "speaker": ["Zelensky"], "quote": ["We will win"]})
    assert "Zelensky" in interactive.quotes_table(quotes, arts).body


def test_a_table_longer_than_its_cap_shows_the_cap_and_says_where_the_rest_is():
    # Issue 13: notebook 04's label and quote pages grew linearly with the corpus (17.6 MB at 10k articles).
    # A capped page embeds at most max_rows rows, and says how many it shows, of how many, and where the
    # full table is: never a silent cut.
    labels = pd.DataFrame({"article_id": [f"a{i}" for i in range(30)], "concept": ["kyiv_spelling"] * 30,
                           "term": [f"term{i:02d}" for i in range(30)], "side": ["russia_aligned"] * 30})
    page = interactive.labels_table(labels, max_rows=10, full_table="labels.csv")
    assert "term09" in page.body and "term10" not in page.body
    assert "Showing 10 of 30 rows (20 left out); the full table is in labels.csv" in page.body
    bare = interactive.table(labels, max_rows=10)
    assert "Showing 10 of 30 rows (20 left out)" in bare.body and "term10" not in bare.body
    whole = interactive.quotes_table(labels.rename(columns={"term": "quote"}), max_rows=30, full_table="quotes.csv")
    assert "Showing" not in whole.body and "term29" in whole.body


def test_timeseries_page_is_self_contained_and_draws_events(arts, tmp_path):
    monthly = arts.groupby([arts["published"].dt.strftime("%Y-%m-01"), "side"]).size().rename("articles").reset_index()
    monthly["published"] = pd.to_datetime(monthly["published"])
    events = pd.DataFrame({"date": pd.to_datetime(["2022-03-16"]), "label": ["Mariupol theatre"]})
    page = interactive.timeseries(monthly, x="published", y="articles", color="side", events=events)
    assert [t.name for t in page.figure.data] == ["ru", "ua", "events"]
    assert interactive.network_references(page.write(tmp_path / "ts.html").read_text(encoding="utf-8")) == []


def test_network_references_finds_cdn_scripts_and_stylesheets():
    html = ('<script src="https://cdn.plot.ly/plotly-2.js"></script><link rel="stylesheet" href="//cdn.x/y.css">'
            '<script src="local.js"></script><a href="https://example.org">a link is fine</a>')
    assert len(interactive.network_references(html)) == 2


# ------------------------------------------------------------------ in a browser, offline

def test_explorer_renders_in_headless_chromium_and_a_click_lists_kwic_lines(arts, tmp_path):
    page = interactive.distinctive_explorer(arts, "side", min_count=1)
    path = page.write(tmp_path / "terms.html")
    click = (f"setTimeout(function () {{ var d = document.getElementById('{page.element_id}');"
             "d.emit('plotly_click', {points: [{customdata: ['kiev']}]}); }, 500);")
    dom = render(path, tmp_path, click)
    assert 'class="main-svg"' in dom, "plotly did not draw its SVG: the inlined plotly.js did not run"
    assert 'class="scatterlayer' in dom and dom.count('class="point ') >= len(page.terms)  # one SVG path per term
    assert 'class="wca-kwic"' in dom and "regime forces and NATO" in dom.split('class="wca-kwic"', 1)[1]


def test_table_renders_as_a_datatable_in_headless_chromium(arts, tmp_path):
    many = pd.concat([arts.drop(columns="text")] * 5, ignore_index=True)  # 30 rows: more than one page
    path = interactive.table(many, title="Articles", page_length=10).write(tmp_path / "t.html")
    dom = render(path, tmp_path)
    assert 'class="dt-container' in dom, "DataTables did not initialise offline"
    assert 'class="dt-search' in dom and 'class="dt-paging' in dom and "Kyiv Independent" in dom
    assert dom.count("<tr") < 30, "paging: not every row is drawn"


def test_timeseries_renders_in_headless_chromium(arts, tmp_path):
    data = pd.DataFrame({"date": pd.to_datetime(["2022-02-01", "2022-03-01", "2022-04-01"]), "value": [1, 5, 3]})
    dom = render(interactive.timeseries(data).write(tmp_path / "ts.html"), tmp_path)
    assert 'class="main-svg"' in dom and 'class="scatterlayer' in dom


def test_pages_display_themselves_in_jupyter(arts):
    page = interactive.timeseries(pd.DataFrame({"date": pd.to_datetime(["2022-02-01"]), "value": [1]}))
    shown = page._repr_html_()
    assert page.element_id in shown and "Plotly.newPlot" in shown
    table = interactive.table(arts.drop(columns="text"))
    assert "_itables_" in table._repr_html_()  # the DataTables bundle comes with the table


def test_a_page_of_the_first_rows_of_a_longer_table_counts_the_rest_as_left_out():
    # Issue 13: the mentions/labels/quotes pages join only the rows they embed to the articles (a table of
    # millions of mentions is never joined whole); the note still counts the whole table.
    rows = pd.DataFrame({"n": range(10)})
    assert "Showing 10 of 25 rows (15 left out); the full table is in n.csv" in interactive.table(
        rows, max_rows=10, total_rows=25, full_table="n.csv").body
    assert "Showing 4 of 25 rows (21 left out)" in interactive.table(rows.head(4), max_rows=10, total_rows=25).body
    assert "Showing" not in interactive.table(rows, max_rows=10, total_rows=10).body


def test_named_tables_cut_before_joining_the_articles_and_give_the_page_of_the_whole_join(arts):
    mentions = pd.DataFrame({"article_id": [arts["article_id"].iloc[i % len(arts)] for i in range(40)],
                             "entity_id": [f"person:p{i:02d}" for i in range(40)], "name": ["P"] * 40})
    capped = interactive.mentions_table(mentions, arts, max_rows=7, full_table="mentions.csv")
    whole = interactive.table(interactive._with_articles(mentions, arts), max_rows=7, full_table="mentions.csv",
                              columns=interactive._pick(interactive._with_articles(mentions, arts),
                                                        ["outlet", "published", "entity_id", "name", "type", "surface",
                                                         "method", "article_id", "sentence_id", "start", "end",
                                                         "title"]), title="Entity mentions")
    def same(body):  # itables names each table with a random uuid
        return re.sub(r"itables_[0-9a-f_]{36}", "itables_ID", body)

    assert same(capped.body) == same(whole.body)


def test_term_lines_give_the_first_per_term_lines_of_each_term_in_article_order_and_stop_scanning_when_all_are_found():
    # Issue 13: the explorer's lines are read in one pass; a bigram is only joined where its first word starts
    # one of the terms, and the scan stops once every term has its lines. Same lines as reading every n-gram.
    arts = pd.DataFrame({"article_id": ["a", "b", "c"],
                         "text": ["Kyiv's mayor met the Kyiv mayor.", "The mayor of Kyiv left Kyiv.", None]})
    lines = interactive.term_lines(arts, ["kyiv", "kyiv mayor", "mayor of", "left"], per_term=2, window=4)
    assert lines[["term", "article_id", "match"]].values.tolist() == [
        ["kyiv", "a", "Kyiv's"], ["kyiv mayor", "a", "Kyiv's mayor"], ["kyiv", "a", "Kyiv"],
        ["kyiv mayor", "a", "Kyiv mayor"], ["mayor of", "b", "mayor of"], ["left", "b", "left"]]
    assert (lines["left"] + lines["match"] + lines["right"]).str.len().le(4 + 12 + 4).all()
    assert interactive.term_lines(arts, ["kyiv"], per_term=0).empty
    trigrams = interactive.term_lines(arts, ["the kyiv mayor", "mayor of kyiv"], ngram=(1, 3), window=0)
    assert trigrams["match"].tolist() == ["the Kyiv mayor", "mayor of Kyiv"]


def test_every_page_built_twice_from_the_same_data_has_the_same_bytes(arts):
    # itables named each table with a random uuid: a rerun showed every table page as changed
    mentions = pd.DataFrame({"article_id": ["a0"], "sentence_id": [0], "start": [4], "end": [8], "surface": ["Kiev"],
                             "entity_id": ["city:kyiv"], "name": ["Kyiv"], "type": ["GPE"], "method": ["gazetteer"]})
    monthly = pd.DataFrame({"month": pd.to_datetime(["2022-02-01", "2022-03-01"]), "articles": [3, 9]})
    builders = {
        "table": lambda: interactive.table(arts.drop(columns="text"), title="Articles"),
        "mentions": lambda: interactive.mentions_table(mentions, arts),
        "rejects": lambda: interactive.rejects_table(pd.DataFrame({"source_file": ["x.csv"], "reason": ["empty"]})),
        "explorer": lambda: interactive.distinctive_explorer(arts, "side", min_count=1),
        "timeseries": lambda: interactive.timeseries(monthly, x="month", y="articles"),
    }
    for name, build in builders.items():
        assert build().html == build().html, name
    other = interactive.table(arts.drop(columns="text").head(2), title="Articles")
    ids = {re.search(r'<table id="([^"]+)"', page.html).group(1) for page in (other, builders["table"]())}
    assert len(ids) == 2, "two tables of different rows on one notebook page keep distinct ids"
