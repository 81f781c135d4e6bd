"""KWIC: every occurrence of a query, with its context and its place in the article."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis
from analysis.kwic import KINDS, KWIC_COLUMNS, export_kwic, kwic, neutralise_formulas, register_kind
from analysis.text import sentences


@pytest.fixture()
def arts():
    return pd.DataFrame({
        "article_id": ["a1", "a2", "a3"],
        "outlet": ["RT", "Kyiv Independent", "RT"],
        "published": pd.to_datetime(["2022-03-02", "2022-03-01", "2022-03-01"], utc=True),
        "url": ["https://rt.example/1", "https://kyivindependent.example/2", "https://rt.example/3"],
        "text": ["The Kiev regime shelled Donetsk.\n\nVladimir Putin said the special military operation goes on.",
                 "Russian troops shelled Kharkiv. Putin's invasion has failed, Kyiv says.",
                 "=cmd|' /C calc'!A0 is not news. Kiev denied it."],
    })


def test_offsets_point_into_the_article_text_and_context_surrounds_the_match(arts):
    lines = kwic(sentences(arts), r"shell\w+", articles=arts, window=10)
    texts = dict(zip(arts["article_id"], arts["text"]))
    assert list(lines.columns[:len(KWIC_COLUMNS)]) == KWIC_COLUMNS
    for row in lines.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.match
        assert texts[row.article_id][row.start - len(row.left):row.start] == row.left
        assert len(row.left) <= 10 and len(row.right) <= 10
    assert lines["match"].tolist() == ["shelled", "shelled"]


def test_articles_add_outlet_date_url_and_lines_are_in_date_order(arts):
    lines = kwic(arts, "shelled", articles=arts)
    assert lines[["article_id", "outlet", "url"]].values.tolist() == [
        ["a2", "Kyiv Independent", "https://kyivindependent.example/2"], ["a1", "RT", "https://rt.example/1"]]
    assert lines["date"].is_monotonic_increasing


def test_newlines_in_context_are_shown_as_spaces(arts):
    line = kwic(arts, "Vladimir", window=20, kind="regex").iloc[0]
    assert "\n" not in line["left"] and line["left"].endswith("Donetsk. ")


def test_regex_is_case_insensitive_unless_asked(arts):
    assert len(kwic(arts, "kiev", kind="regex")) == 2
    assert len(kwic(arts, "kiev", kind="regex", case=True)) == 0


def test_entity_query_finds_every_name_form_of_the_entity(arts):
    lines = kwic(arts, "person:vladimir_putin")
    assert set(lines["kind"]) == {"entity"}
    assert lines["match"].tolist() == ["Putin", "Vladimir Putin"]  # a2 (1 March) before a1 (2 March)


def test_label_query_takes_a_concept_or_a_term(arts):
    concept = kwic(arts, "kyiv_spelling")
    assert concept["kind"].eq("label").all()
    assert sorted(concept["detail"]) == ["Kiev", "Kiev", "Kyiv"]
    term = kwic(arts, "special military operation")
    assert term["match"].tolist() == ["special military operation"]


def test_frame_query_shows_the_frames_indicator_words(arts):
    lines = kwic(arts, "Security_and_defense")
    assert set(lines["kind"]) == {"frame"} and "troops" in set(lines["match"].str.lower())


def test_by_groups_and_limit_applies_per_group(arts):
    lines = kwic(arts, r"K(?:iev|yiv)", by="outlet", articles=arts, limit=1)
    assert lines["outlet"].tolist() == ["Kyiv Independent", "RT"]


def test_no_match_gives_an_empty_table_with_the_columns(arts):
    lines = kwic(arts, "Zaporizhzhia", articles=arts)
    assert lines.empty and set(KWIC_COLUMNS) <= set(lines.columns)


def test_unknown_kind_is_refused(arts):
    with pytest.raises(ValueError, match="kind must be"):
        kwic(arts, "x", kind="narrative")


def test_a_new_kind_plugs_in_without_touching_kwic(arts):
    def find(sents, query, **_):
        hit = sents[sents["text"].str.contains("failed")]
        return hit.assign(detail="URW: Ukraine is losing")[["article_id", "sentence_id", "start", "end", "detail"]]

    register_kind("narrative", find)
    try:
        lines = kwic(arts, "URW", kind="narrative")
        assert lines["kind"].tolist() == ["narrative"] and lines["match"].iloc[0].endswith("Kyiv says.")
    finally:
        del KINDS["narrative"]


def test_kwic_is_reexported_from_the_package():
    assert analysis.kwic is kwic


def test_formula_cells_are_neutralised_for_spreadsheets():
    safe = neutralise_formulas(pd.DataFrame({"c": ["=1+1", "+7", "-3", "@SUM(A1)", "fine", None]}))
    assert safe["c"].tolist()[:5] == ["'=1+1", "'+7", "'-3", "'@SUM(A1)", "fine"]


def test_csv_and_xlsx_exports_hold_no_formulas(arts, tmp_path):
    import openpyxl

    lines = kwic(arts, r"calc|Kiev", articles=arts, window=40)
    lines.loc[0, "left"] = "=HYPERLINK(\"http://evil.example\",\"x\")"
    csv = export_kwic(lines, tmp_path / "k.csv")
    back = pd.read_csv(csv, encoding="utf-8-sig")
    assert back.loc[0, "left"].startswith("'=")
    xlsx = export_kwic(lines, tmp_path / "k.xlsx")
    sheet = openpyxl.load_workbook(xlsx).active
    kinds = {cell.data_type for row in sheet.iter_rows() for cell in row}
    assert "f" not in kinds
    assert sheet["E2"].value.startswith("'=")
    with pytest.raises(ValueError):
        export_kwic(lines, tmp_path / "k.docx")


def test_articles_without_text_still_get_context_from_the_sentences(arts):
    sents = sentences(arts)
    meta = arts.drop(columns="text")
    line = kwic(sents, "Kharkiv", articles=meta, window=15).iloc[0]
    assert line["match"] == "Kharkiv" and line["left"] == "troops shelled " and line["outlet"] == "Kyiv Independent"


def _clock_an_hour_later(monkeypatch):
    """Move the clock openpyxl (document dates) and zipfile (member dates) read an hour on."""
    import datetime
    import time
    import types
    import zipfile

    import openpyxl.packaging.core
    import openpyxl.writer.excel

    class Later(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.datetime.now(tz) + datetime.timedelta(hours=1)

    fake = types.SimpleNamespace(datetime=Later, timezone=datetime.timezone, timedelta=datetime.timedelta)
    for module in (openpyxl.packaging.core, openpyxl.writer.excel):
        monkeypatch.setattr(module, "datetime", fake)
    monkeypatch.setattr(zipfile, "time", types.SimpleNamespace(time=lambda: time.time() + 3600,
                                                               localtime=time.localtime, mktime=time.mktime))


def test_a_rerun_writes_a_byte_identical_xlsx(arts, tmp_path, monkeypatch):
    # openpyxl stamps the clock into every zip member and into docProps/core.xml: a rerun on unchanged data
    # showed every exported .xlsx as changed
    lines = kwic(arts, r"Kiev|Kyiv", articles=arts, window=40)
    first = export_kwic(lines, tmp_path / "first.xlsx")
    _clock_an_hour_later(monkeypatch)
    again = export_kwic(lines, tmp_path / "again.xlsx")
    assert again.read_bytes() == first.read_bytes()
    back = pd.read_excel(again, sheet_name="kwic")
    assert back.columns.tolist() == lines.columns.tolist() and len(back) == len(lines)
