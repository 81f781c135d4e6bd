"""Entity aggregates over a stored mentions table (issue 13): read part by part, never whole, they
give exactly what the same functions give on the whole table read at once."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import entities, interactive, pipeline, report
from analysis.entities import (
    aggregates,
    cooccurrence,
    discovered_entities,
    entity_counts,
    mention_summary,
    naming_variants,
    stored_mentions,
    to_network,
)

TEXTS = [
    "Putin met Lukashenko in Minsk. Officials in Novomykhailivka said Kiev was calm.",
    "Zelensky spoke in Kyiv. Putin and Lukashenko spoke. Gen. Ivan Petrenko said so.",
    "Kiev and Kyiv. The Kremlin denied it. Residents of Novomykhailivka left.",
    "Zelenskyy met Biden in Kyiv. Biden and Zelenskyy spoke. Petrenko agreed.",
    "Russian forces shelled Kharkiv. Kharkov was hit again, said Gen. Ivan Petrenko.",
    "Nothing to see here.",
    "Putin, Lukashenko and Zelensky. Officials in Novomykhailivka region said so.",
]


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """Articles stored two per part, then analysed again in another order: the view's order
    interleaves the parts, so "first"/"last" picks must follow the articles, not the parts."""
    cache = tmp_path_factory.mktemp("cache")
    arts = pd.DataFrame({"article_id": [f"a{i}" for i in range(len(TEXTS))], "text": TEXTS,
                         "outlet": ["A", "B", "A", None, "B", "A", "C"],
                         "published": pd.to_datetime(["2022-03-01", "2022-01-05", "2022-02-01", "2022-01-20",
                                                      None, "2022-03-09", "2022-02-11"], utc=True)})
    pipeline.analyse(arts, stages=("sentences", "entities"), cache_dir=cache, chunk_size=2)
    arts = arts.iloc[[3, 0, 6, 2, 5, 1, 4]].reset_index(drop=True)
    run = pipeline.analyse(arts, stages=("sentences", "entities"), cache_dir=cache, chunk_size=2)
    assert run.processed == 0
    return run, arts


def _whole(run):
    text = ["surface", "entity_id", "name", "type", "method"]
    return run.table("mentions").astype({c: object for c in text})


@pytest.mark.parametrize("batch_rows, fold", [(1, True), (5, False), (5, True), (250_000, False)])
def test_aggregates_of_the_stored_mentions_equal_those_of_the_whole_table(stored, batch_rows, fold, monkeypatch):
    """``fold``: partial results are combined after every part (on a large corpus, once they grow)."""
    run, arts = stored
    if fold:
        real = aggregates._folded
        monkeypatch.setattr(aggregates, "_folded", lambda partials, combine, limit=0: real(partials, combine, limit=0))
    whole, parts = _whole(run), stored_mentions(run, batch_rows=batch_rows)
    for by, freq in [("outlet", None), (None, None), (None, "MS"), ("outlet", "MS")]:
        pd.testing.assert_frame_equal(entity_counts(parts, arts, by=by, freq=freq),
                                      entity_counts(whole, arts, by=by, freq=freq), check_exact=True)
    for level in ("sentence", "article"):
        pd.testing.assert_frame_equal(cooccurrence(parts, min_count=1, level=level),
                                      cooccurrence(whole, min_count=1, level=level), check_exact=True)
    pd.testing.assert_frame_equal(naming_variants(parts, arts), naming_variants(whole, arts), check_exact=True)
    pd.testing.assert_frame_equal(discovered_entities(parts), discovered_entities(whole), check_exact=True)
    pd.testing.assert_frame_equal(mention_summary(parts), mention_summary(whole), check_exact=True)
    cooc = cooccurrence(whole, min_count=1)
    assert dict(to_network(cooc, mentions=parts).nodes(data=True)) == dict(to_network(cooc, mentions=whole).nodes(data=True))


def test_the_whole_table_gives_what_it_gave_before_the_aggregates_read_parts(stored):
    run, arts = stored
    whole = _whole(run)
    counts = entity_counts(whole, arts, by=None)
    putin = counts.set_index("entity_id").loc["person:vladimir_putin"]
    assert (putin["mentions"], putin["articles"]) == (3, 3)
    assert putin["first_seen"] == pd.Timestamp("2022-01-05", tz="UTC")
    assert mention_summary(whole)["mentions"].sum() == len(whole)
    assert mention_summary(whole).attrs["entities"] == whole["entity_id"].nunique()


def test_discovered_false_leaves_out_discovered_names_and_their_short_forms(stored):
    run, arts = stored
    whole = _whole(run)
    assert whole["entity_id"].str.startswith("new:").any()
    kept = whole[~whole["entity_id"].str.startswith("new:")].reset_index(drop=True)
    parts = stored_mentions(run, discovered=False)
    pd.testing.assert_frame_equal(pd.concat(parts.parts(entities.MENTION_COLUMNS), ignore_index=True), kept)
    pd.testing.assert_frame_equal(entity_counts(parts, arts), entity_counts(kept, arts), check_exact=True)
    assert discovered_entities(parts).empty


def test_a_pass_over_the_stored_mentions_never_reads_the_whole_table(stored, monkeypatch):
    run, arts = stored
    whole = _whole(run)
    monkeypatch.setattr(pipeline.Analysis, "table", lambda *a, **k: pytest.fail("read the whole table"))
    largest = max(len(p) for p in run.parts("mentions"))
    parts = stored_mentions(run, batch_rows=1)
    assert max(len(p) for p, _ in parts.ordered_parts(["entity_id"])) <= largest  # one stored part at a time
    assert max(len(p) for p in parts.parts(["entity_id"], articles=1)) < len(whole)
    entity_counts(parts, arts)
    cooccurrence(parts)
    naming_variants(parts, arts)
    discovered_entities(parts)
    assert sum(len(p) for p in parts.parts(["entity_id"])) == len(whole)


def test_the_explorer_streams_the_parts_into_the_same_csv_and_page(stored, tmp_path):
    run, arts = stored
    whole = _whole(run)
    export = report.Exporter("02_entities", output_dir=tmp_path / "whole")
    csv, page = export.save_explorer(whole, "mentions", interactive.mentions_table, max_rows=3, articles=arts,
                                     title="Entity mentions")
    streamed = report.Exporter("02_entities", output_dir=tmp_path / "parts")
    csv2, page2 = streamed.save_explorer(stored_mentions(run, batch_rows=1).parts(entities.MENTION_COLUMNS),
                                         "mentions", interactive.mentions_table, max_rows=3, articles=arts,
                                         title="Entity mentions")
    assert csv2.read_bytes() == csv.read_bytes()
    def same(html):  # the page's table element gets a random id
        return re.sub(r"itables_[0-9a-f_]+", "itables", html.read_text())

    assert same(page2) == same(page)
    assert f"Showing 3 of {len(whole):,} rows" in page2.read_text()


def test_notebook_02_reads_no_stored_table_whole_but_the_article_summary(root):
    """Issue 13: on a 100k-article corpus the mentions table alone is millions of rows; the notebook
    reads it through stored_mentions (part by part) and run.rows/run.kwic (the rows it shows)."""
    import json

    cells = json.loads((root / "notebooks" / "02_entities.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    assert re.findall(r"run\.table\(\s*\"(\w+)\"", code) == ["article_summary"]
    assert "entities.stored_mentions(run" in code
    assert ".astype(object)" not in code and "mentions=mentions)" in code  # the kept mentions: node stats, KWIC


def test_the_stored_mentions_are_read_once_for_every_aggregate_of_the_notebook(stored, monkeypatch):
    """Notebook 02 makes a dozen passes (five entity_counts, co-occurrence, variants, ...): the first
    reads the store and keeps the mentions packed, the others read no stored part again, and every
    result is what the passes that read the store each time give."""
    run, arts = stored
    reads = []
    real = pipeline.Analysis.parts
    monkeypatch.setattr(pipeline.Analysis, "parts", lambda self, name, **k: reads.append(name) or real(self, name, **k))

    def every_aggregate(parts):
        return [mention_summary(parts), *(entity_counts(parts, arts, by=by, freq=freq) for by, freq in
                                          [("outlet", None), (None, None), (None, "MS"), ("outlet", "MS")]),
                cooccurrence(parts, min_count=1), naming_variants(parts, arts), discovered_entities(parts),
                aggregates.entity_stats(parts)]

    kept = every_aggregate(stored_mentions(run, batch_rows=5))
    assert reads == ["mentions"]  # one pass over the stored parts
    reads.clear()
    each_time = every_aggregate(stored_mentions(run, batch_rows=5, keep_rows=0))
    assert reads == ["mentions"] * 9  # keep_rows=0 (or a table larger than it): every pass reads the store
    for a, b in zip(kept, each_time, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        assert a.attrs == b.attrs


def test_a_pass_keeps_the_mentions_only_up_to_keep_rows(stored):
    run, _ = stored
    n = sum(len(p) for p in run.parts("mentions"))
    small = stored_mentions(run, batch_rows=5, keep_rows=n - 1)
    assert sum(len(p) for p, _ in small.ordered_parts(["entity_id"])) == n
    assert small._kept is None  # it stops keeping once the rows pass keep_rows
    whole = stored_mentions(run, batch_rows=5, keep_rows=n)
    first = [(p.copy(), s) for p, s in whole.ordered_parts(["entity_id", "sentence_id", "type"])]
    assert whole._kept is not None
    again = list(whole.ordered_parts(["entity_id", "sentence_id", "type"]))
    for (a, sa), (b, sb) in zip(first, again, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        assert (sa == sb).all()


def test_kwic_and_rows_take_an_entitys_mentions_from_those_kept_as_the_store_gives_them(stored, monkeypatch):
    run, arts = stored
    parts = stored_mentions(run, batch_rows=5)
    columns = ["article_id", "sentence_id", "entity_id"]
    for ids in (["person:vladimir_putin"], ["person:vladimir_putin", "person:alexander_lukashenko"], ["nobody"]):
        expected = run.rows("mentions", where={"entity_id": ids}, columns=columns)
        got = parts.rows(where={"entity_id": ids}, columns=columns)
        assert got.astype(object).values.tolist() == expected.astype(object).values.tolist()
    assert parts._kept is not None  # rows() made the one pass that keeps them
    read = pipeline.Analysis.rows

    def no_stored_mentions(self, name, **options):
        assert name != "mentions", "read the stored mentions again"
        return read(self, name, **options)

    for entity in ("person:vladimir_putin", "city:kyiv"):
        for scope in (None, ["a0", "a2", "a4"]):
            expected = run.kwic(entity, arts, article_ids=scope, limit=3)
            monkeypatch.setattr(pipeline.Analysis, "rows", no_stored_mentions)
            got = run.kwic(entity, arts, article_ids=scope, limit=3, mentions=parts)
            monkeypatch.setattr(pipeline.Analysis, "rows", read)
            assert len(got)
            pd.testing.assert_frame_equal(got, expected, check_exact=True)
