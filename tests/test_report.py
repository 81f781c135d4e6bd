"""analysis.report: one export path for every chart."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import report  # noqa: E402


@pytest.fixture
def figure():
    report.set_style()
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2])
    ax.set_title("Something rises")
    yield fig
    plt.close(fig)


def test_save_figure_writes_png_svg_pdf_and_the_plotted_data(tmp_path, figure):
    data = pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})
    paths = report.save_figure(figure, "rise", data=data, notebook="01_demo", output_dir=tmp_path)
    folder = tmp_path / "figures" / "01_demo"
    assert sorted(p.name for p in paths) == ["rise.csv", "rise.pdf", "rise.png", "rise.svg"]
    assert all((folder / p.name).stat().st_size > 0 for p in paths)
    pd.testing.assert_frame_equal(pd.read_csv(folder / "rise.csv"), data)


def test_a_rerun_writes_byte_identical_svg_pdf_and_csv(tmp_path, figure):
    # matplotlib names an SVG's clip paths from a random salt unless one is set: every rerun gave a different file
    data = pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]})
    first = report.save_figure(figure, "rise", data=data, notebook="n", output_dir=tmp_path / "a")
    second = report.save_figure(figure, "rise", data=data, notebook="n", output_dir=tmp_path / "b")
    for a, b in zip(first, second):
        if a.suffix != ".png":
            assert a.read_bytes() == b.read_bytes(), a.name


def test_png_is_300_dpi(tmp_path, figure):
    from PIL import Image

    report.save_figure(figure, "dpi", notebook="n", output_dir=tmp_path)
    with Image.open(tmp_path / "figures" / "n" / "dpi.png") as image:
        assert round(image.info["dpi"][0]) == 300


def test_exporter_adds_one_source_line(tmp_path, figure):
    export = report.Exporter("02_demo", output_dir=tmp_path, source="Source: test corpus")
    export.save_figure(figure, "with_source")
    export.save_figure(figure, "again")
    notes = [t.get_text() for t in figure.texts if t.get_gid() == "source-note"]
    assert notes == ["Source: test corpus"]
    assert (tmp_path / "figures" / "02_demo" / "again.svg").exists()


@pytest.mark.parametrize("height", [2.0, 3.5, 6.0])
def test_the_source_line_sits_below_the_axis_label_and_tick_labels_of_a_short_chart(tmp_path, height):
    # notebook 04's agentless-harm chart (7 x 3.5 in) printed its source line across its x-axis label
    report.set_style()
    fig, ax = plt.subplots(figsize=(7, height))
    ax.barh(["Ukrainian outlets", "Russian outlets"], [0.5, 0.3])
    ax.set_xlabel("share of harm sentences with no named agent")
    export = report.Exporter("04_demo", output_dir=tmp_path, source="Source: data/raw; 1 article")
    export.save_figure(fig, "short", show=False)
    fig.canvas.draw()  # the layout as drawn afresh, as the PNG, SVG and PDF were
    renderer = fig.canvas.get_renderer()
    note = next(t for t in fig.texts if t.get_gid() == "source-note").get_window_extent(renderer)
    label = ax.xaxis.label.get_window_extent(renderer)
    ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    assert note.y1 <= label.y0 and all(note.y1 <= t.y0 for t in ticks)
    plt.close(fig)


def test_a_title_states_the_strongest_finding_that_rests_on_enough_data_or_says_there_is_none():
    shares = pd.DataFrame({"outlet": ["tiny", "big", "mid"], "share": [1.0, 0.4, 0.3], "reliable": [False, True, True]})
    title, lead = report.finding_title(shares, lambda r: f"{r['share']:.0%} in {r['outlet']}", too_few="Too few")
    assert (title, lead["outlet"]) == ("40% in big", "big")  # never the 100% of a handful of articles
    assert report.finding_title(shares.head(1), lambda r: "finding", too_few="Too few articles") == ("Too few articles", None)
    assert report.finding_title(shares.iloc[:0], lambda r: "finding", too_few="Nothing") == ("Nothing", None)


def test_unsafe_names_become_file_names(tmp_path, figure):
    paths = report.save_figure(figure, "Kyiv vs Kiev / share", notebook="n", output_dir=tmp_path, formats=("png",))
    assert paths[0].name == "Kyiv_vs_Kiev_share.png"
    with pytest.raises(ValueError):
        report.save_figure(figure, "", notebook="n", output_dir=tmp_path)


def test_palette_is_colour_blind_safe_okabe_ito():
    assert report.PALETTE[:3] == ["#0072B2", "#E69F00", "#009E73"]


# --- Charts that mislead (issue 9) -------------------------------------------------------------

def _legend_colours(ax):
    from matplotlib.colors import to_hex

    legend = ax.get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    handles = legend.legend_handles
    colours = []
    for handle in handles:
        colour = handle.get_facecolor() if hasattr(handle, "get_facecolor") else handle.get_color()
        if hasattr(handle, "get_color") and not hasattr(handle, "get_facecolor"):
            colour = handle.get_color()
        colours.append(to_hex(colour[0] if getattr(colour, "ndim", 1) == 2 else colour))
    return labels, colours


@pytest.fixture
def twenty_five_outlets():
    outlets = [f"outlet {i:02d}" for i in range(25)]
    return pd.DataFrame({"outlet": outlets * 2, "side": ["a"] * 25 + ["b"] * 25,
                         "articles": list(range(50, 0, -1))})


def test_top_groups_keeps_the_largest_and_folds_the_rest_into_other():
    values = pd.Series(list("aaaabbbccd") + [f"x{i}" for i in range(20)])
    folded = report.top_groups(values, n=4)
    assert folded.value_counts().to_dict() == {"a": 4, "b": 3, "c": 2, report.OTHER: 21}
    small = pd.Series(list("abc"))
    assert report.top_groups(small, n=4).tolist() == ["a", "b", "c"], "few groups are left alone"


def test_group_colours_are_distinct_and_other_is_grey():
    colours = report.group_colors([f"g{i}" for i in range(len(report.PALETTE))] + [report.OTHER])
    assert len(set(colours.values())) == len(colours)
    assert colours[report.OTHER] == "#999999"
    with pytest.raises(ValueError, match="top_groups"):
        report.group_colors([f"g{i}" for i in range(len(report.PALETTE) + 1)])


def test_a_bar_chart_with_25_groups_gives_every_legend_entry_its_own_colour(twenty_five_outlets):
    fig = report.bar_chart(twenty_five_outlets, x="articles", y="side", hue="outlet",
                           title="t", xlabel="Articles (count)")
    labels, colours = _legend_colours(fig.axes[0])
    plt.close(fig)
    assert report.OTHER in labels and len(labels) <= len(report.PALETTE) + 1
    assert len(set(colours)) == len(colours), f"two groups share a colour: {list(zip(labels, colours))}"


def test_a_line_chart_with_25_groups_keeps_every_article_and_distinct_colours():
    periods = pd.date_range("2022-01-01", periods=3, freq="MS")
    data = pd.DataFrame([(p, f"outlet {i:02d}", i + 1) for p in periods for i in range(25)],
                        columns=["period", "outlet", "articles"])
    fig = report.line_chart(data, x="period", y="articles", hue="outlet", title="t", ylabel="Articles (count)")
    ax = fig.axes[0]
    labels, colours = _legend_colours(ax)
    plotted = sum(line.get_ydata().sum() for line in ax.get_lines() if not line.get_label().startswith("_"))
    plt.close(fig)
    assert report.OTHER in labels and len(set(colours)) == len(colours) == len(labels)
    assert plotted == data["articles"].sum(), "groups folded into 'other' still count"


def test_exporter_shows_the_saved_figure_once_in_a_notebook_and_closes_it(tmp_path, figure, monkeypatch):
    shown = []
    monkeypatch.setattr(report, "_display_png", lambda png: shown.append(png))
    export = report.Exporter("03_demo", output_dir=tmp_path)
    export.save_figure(figure, "shown", show=True)
    assert len(shown) == 1 and shown[0].startswith(b"\x89PNG")
    assert figure.number not in plt.get_fignums(), "closed, so the inline backend does not show it twice"


def test_source_line_counts_articles_excluded_duplicates_and_the_corpus_hash():
    articles = pd.DataFrame({"article_id": ["a", "b", "c"], "text": ["x", "y", "z"]})
    articles.attrs.update(duplicates_excluded=3, corpus_hash="0123456789abcdef" * 4)
    line = report.source_line("data/raw", articles)
    assert line == "Source: data/raw; 3 articles; 3 exact duplicates excluded; corpus 01234567"
    one = articles.head(1)
    one.attrs.update(duplicates_excluded=0)
    assert report.source_line("x", one, extra="VADER").startswith("Source: x; 1 article; VADER; corpus ")


def test_corpus_hash_is_a_content_hash_independent_of_row_order():
    a = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"], "title": ["t", "u"],
                      "published": pd.to_datetime(["2022-01-01", None], utc=True), "text": ["one", "two"]})
    h = report.corpus_hash(a)
    assert len(h) == 64 and int(h, 16) >= 0
    assert report.corpus_hash(a.iloc[::-1]) == h
    assert report.corpus_hash(a.assign(text=["one", "two!"])) != h


def test_corpus_hash_read_block_by_block_is_the_hash_of_every_row_in_id_order(monkeypatch):
    # Issue 13: every notebook (and the report index) hashes the loaded corpus; sorting a copy of it and
    # turning every text into a Python string at once cost 257 MB for 20,000 articles. Block by block the
    # digest is the same: the columns' names, then each row in article_id order (ties in input order).
    import hashlib

    arts = pd.DataFrame({"article_id": ["c", "a", "b", "a", "d"], "outlet": ["X", None, "Y", "Z", "X"],
                         "text": ["one", "two", "three", "four", "five"]}, index=[9, 7, 7, 1, 0])
    expected = hashlib.sha256(b"article_id\x1foutlet\x1ftext")
    for row in [("a", "nan", "two"), ("a", "Z", "four"), ("b", "Y", "three"), ("c", "X", "one"), ("d", "X", "five")]:
        expected.update(b"\x1e" + "\x1f".join(map(str, row)).encode())
    monkeypatch.setattr(report, "_HASH_BLOCK", 2)
    assert report.corpus_hash(arts) == expected.hexdigest()


def test_exporter_stamps_the_corpus_hash_on_every_source_line(tmp_path, figure):
    export = report.Exporter("04_demo", output_dir=tmp_path, source="Source: x", corpus_hash="feedbeef" * 8)
    export.save_figure(figure, "custom", source="Source: ../shared sample", show=False)
    notes = [t.get_text() for t in figure.texts if t.get_gid() == "source-note"]
    assert notes == ["Source: ../shared sample; corpus feedbeef"]


def test_side_colours_never_give_two_sides_one_colour():
    sides = ["ukraine", "russia", "west", "us", "international", "none", "other", "unlisted"]
    colours = report.side_colors(sides)
    assert len(set(colours.values())) == len(sides), colours
    assert colours["ukraine"] == report.SIDE_COLORS["ukraine"] and colours["russia"] == report.SIDE_COLORS["russia"]


def test_a_source_line_naming_its_own_corpus_is_not_stamped_twice(tmp_path, figure):
    export = report.Exporter("04_demo", output_dir=tmp_path, corpus_hash="feedbeef" * 8)
    export.save_figure(figure, "shared", source="Source: ../shared; 10 articles; corpus 0123abcd", show=False)
    assert [t.get_text() for t in figure.texts] == ["Source: ../shared; 10 articles; corpus 0123abcd"]


def test_neutralised_tables_escape_every_cell_as_escape_formula_does_one_by_one():
    # Large tables are escaped one distinct value at a time (issue 13): the cells must not change.
    table = pd.DataFrame({
        "name": ["=SUM(A1)", "Kyiv", "=SUM(A1)", None, "-12 dead", "Kyiv"],
        "arrow": pd.Series(["@x", "ok", None, "@x", "+1", "ok"], dtype="string[pyarrow]"),
        "lists": [["=a"], [], ["b"], ["=a"], [], ["c"]],
        "n": [1, -2, 3, 4, 5, 6],
    })
    out = report.neutralise_formulas(table)

    def cells(values):  # missing values of any kind read as None
        series = pd.Series(list(values), dtype=object)
        return series.where(series.notna(), None).tolist()

    for col in ("name", "arrow", "lists"):
        assert cells(out[col]) == cells(report.escape_formula(v) for v in table[col]), col
    assert out["n"].tolist() == [1, -2, 3, 4, 5, 6]


def test_save_explorer_writes_every_row_as_csv_and_a_page_of_max_rows_that_names_that_csv(tmp_path):
    # Issue 13: notebooks 02 and 04 wrote "the full CSV + a capped page" three times, each by hand.
    from analysis import interactive

    export = report.Exporter("04_framing", output_dir=tmp_path)
    quotes = pd.DataFrame({"article_id": [f"a{i}" for i in range(12)], "speaker": ["Zelensky"] * 12,
                           "quote": [f"quote number {i:02d}" for i in range(12)]})
    articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(12)], "outlet": ["Wire"] * 12})
    csv, page = export.save_explorer(quotes, "quotes", interactive.quotes_table, max_rows=5, articles=articles,
                                     title="Quotes")
    assert (csv.name, page.name) == ("quotes.csv", "quotes.html") and csv.parent == page.parent
    assert pd.read_csv(csv)["quote"].tolist() == quotes["quote"].tolist()
    html = page.read_text(encoding="utf-8")
    assert "Showing 5 of 12 rows (7 left out); the full table is in quotes.csv" in html
    assert "quote number 04" in html and "quote number 05" not in html and "Wire" in html


def test_capped_sample_keeps_at_most_n_articles_per_group_and_says_so_in_the_source_line():
    # Issue 13: notebook 04's inline capped(): a contrast that scans every text runs on a fixed-seed sample.
    docs = pd.DataFrame({"article_id": [f"a{i}" for i in range(9)], "period": ["before"] * 6 + ["after"] * 3,
                         "text": ["x"] * 9})
    docs.attrs["corpus_hash"] = "9f86d081884c7d65"
    sample, source = report.capped_sample(docs, "period", n=4, label="data/raw", articles=docs)
    assert sample["period"].value_counts().to_dict() == {"before": 4, "after": 3}
    assert sample.equals(report.capped_sample(docs, "period", n=4, label="data/raw", articles=docs)[0])
    assert source == ("Source: data/raw; 9 articles; distinctive terms on a sample of 7 of 9 articles, "
                      "at most 4 per period; corpus 9f86d081")
    whole, none = report.capped_sample(docs, "period", n=6, label="data/raw", articles=docs)
    assert whole is docs and none is None


def test_neutralise_formulas_never_changes_the_table_it_was_given():
    # Issue 13: the escaped table is a copy-on-write view (a table of millions of mentions is not copied
    # whole); the caller's table keeps its cells, column names and index.
    data = pd.DataFrame({"=name": ["=HYPERLINK(1)", "ok"], "n": [-1, 2]}, index=pd.Index(["@a", "b"], name="id"))
    before = data.copy()
    safe = report.neutralise_formulas(data)
    assert safe.loc["'@a", "'=name"] == "'=HYPERLINK(1)"
    pd.testing.assert_frame_equal(data, before)
