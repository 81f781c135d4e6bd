"""analysis.corpus: every accepted format, every kind of bad input, dates, cleaning, duplicates,
accounting — and the real corpora under ../shared (skipped where absent)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import (
    ARTICLE_COLUMNS,
    GDELT_FILENAME,
    accounting,
    clean_text,
    detect_lang,
    files_of,
    find_duplicates,
    load_corpus,
    load_corpus_with_rejects,
    parse_dates,
    rejects_of,
    warnings_of,
)

BODY = ("Russian drones struck Kyiv overnight, officials said on Monday, in the largest attack "
        "on the capital this month. Air defences shot down most of them.")
BODY2 = ("Ukraine's forces advanced further into the Kursk region, the general staff said, "
         "while Moscow reported heavy fighting near the border towns.")


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def rejects(articles: pd.DataFrame) -> pd.DataFrame:
    return rejects_of(articles)


def assert_accounted(articles: pd.DataFrame) -> None:
    files = files_of(articles)
    assert (files["rows_read"] == files["loaded"] + files["rejected"]).all()
    assert files["loaded"].sum() == len(articles)
    assert files["rejected"].sum() == rejects(articles)["n_rows"].sum()


# --- schema ------------------------------------------------------------------------------------

def test_frame_has_the_documented_columns_in_order(tmp_path):
    write(tmp_path / "a.txt", BODY)
    articles = load_corpus(tmp_path)
    assert list(articles.columns) == ARTICLE_COLUMNS
    assert str(articles["published"].dtype) == "datetime64[ns, UTC]"
    assert articles["n_chars"].tolist() == [len(articles["text"][0])]
    assert articles["article_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert_accounted(articles)


def test_empty_folder_gives_an_empty_frame_with_the_schema(tmp_path):
    articles = load_corpus(tmp_path)
    assert list(articles.columns) == ARTICLE_COLUMNS and len(articles) == 0


# --- the seed article and .txt conventions -----------------------------------------------------

def test_seed_article_title_flag_body_and_no_trailing_boilerplate(root):
    articles = load_corpus(root / "data" / "raw" / "000_a45935899aae0239.txt")
    row = articles.iloc[0]
    assert row["title"] == ("No more peace negotiations with Ukraine - Putin says as Ukraine "
                            "makes more advances into Russian territory")
    assert row["title_flag"] == "video"
    assert row["text"].startswith("Russian President, Vladimir Putin")
    assert "Comments" not in row["text"][-200:] and "Keep up to date" not in row["text"]
    assert row["lang"] == "en" and row["text_source"] == "body"
    assert "\n\n" in row["text"] and "\n\n\n" not in row["text"]


def test_body_only_gdelt_files_keep_their_first_paragraph_and_take_date_country_from_name(tmp_path):
    folder = tmp_path / "news_gdelt" / "articles"
    write(folder / "20220204T123000Z_UA_en_1d3757904e.txt", "Short first paragraph\n\n" + BODY)
    write(folder / "20220205T090000Z_GB_English_aa00bb11cc.txt", BODY2 + "\n\n" + BODY)
    articles = load_corpus(tmp_path)
    first = articles.iloc[0]
    assert pd.isna(first["title"]) and first["text"].startswith("Short first paragraph")
    assert first["country"] == "UA" and first["lang"] == "en"
    assert first["published"] == pd.Timestamp("2022-02-04 12:30", tz="UTC")
    assert first["date_source"] == "filename" and first["outlet"] == "news_gdelt"
    assert articles["country"].tolist() == ["UA", "GB"]
    assert articles["lang"].tolist() == ["en", "en"]  # "English" normalised
    assert warnings_of(articles).empty


def test_gdelt_filename_constant_matches_the_documented_example():
    import re

    m = re.match(GDELT_FILENAME, "20220204T123000Z_UA_en_1d3757904e")
    assert m and m["country"] == "UA" and m["date"] == "20220204T123000Z"


def test_folder_of_title_first_files_gets_titles(tmp_path):
    for i, title in enumerate(["Kyiv hit by drones", "Kursk incursion widens", "Talks stall"]):
        write(tmp_path / f"{i}.txt", f"{title}\n\n{BODY}\n\n{BODY2}")
    articles = load_corpus(tmp_path)
    assert articles["title"].tolist() == ["Kyiv hit by drones", "Kursk incursion widens", "Talks stall"]
    assert articles["text"].str.startswith("Russian drones").all()


def test_title_line_option_overrides_detection(tmp_path):
    write(tmp_path / "a.txt", f"Kyiv hit by drones\n\n{BODY}")
    assert load_corpus(tmp_path, title_line="none")["title"].isna().all()
    assert load_corpus(tmp_path, title_line="first")["title"].tolist() == ["Kyiv hit by drones"]


def test_licence_preamble_and_share_lines_are_removed():
    text = ("All materials on the site are available under the Creative Commons Attribution 4.0 "
            "license\n\n" + BODY + "\n\nShare\n\nFollow us on Telegram\n\nRead more: other news")
    assert clean_text(text) == BODY


def _clean_lines_reference(text: str) -> list[str]:
    """The plain definition the fast cleaner must match: per line, drop invisibles, collapse
    every run of (non-newline) spaces to one space, strip."""
    import re
    import unicodedata
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    lines = [re.sub(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+", " ", ln).strip()
             for ln in text.split("\n")]
    return [ln for ln in lines if ln]


@pytest.mark.parametrize("text", [
    "plain single spaces only", "double  space", "tab\there", "nbsp\u00a0and\u2009thin",
    "soft\u00adhyphen  and\u200b zero-width", "  lead and trail  \n\n\n  next\tpara ",
    "\x0bvertical\x0ctab\x1fcontrol", "ideographic\u3000space\u3000\u3000x", "Київ  і\u00a0Харків",
    "mixed \u00a0 \t runs\r\nwindows\rmac", "\ufeffBOM start", "",
])
def test_fast_whitespace_cleaning_matches_the_plain_definition(text):
    cleaned = clean_text(text, boilerplate=False)
    assert [ln for ln in cleaned.split("\n") if ln] == _clean_lines_reference(text)


def test_whitespace_and_unicode_are_normalised():
    assert clean_text("Cafe\u0301  in\u00a0Kyiv\r\n\r\n\r\n\tSecond  para ") == "Café in Kyiv\n\nSecond para"
    assert clean_text("line one_x000D_\nline two") == "line one\n\nline two"


# --- JSON / JSONL --------------------------------------------------------------------------------

def test_json_list_of_objects(tmp_path):
    write(tmp_path / "a.json", json.dumps([
        {"headline": "One", "content": BODY, "link": "https://x.org/2024/08/12/one"},
        {"headline": "Two", "content": BODY2, "published": "2024-08-13T08:00:00Z"}]))
    articles = load_corpus(tmp_path)
    assert articles["title"].tolist() == ["One", "Two"]
    assert articles["published"].dt.strftime("%Y-%m-%d").tolist() == ["2024-08-12", "2024-08-13"]
    assert articles["date_source"].tolist() == ["url", "column"]
    assert articles["outlet"].tolist() == ["a", "a"]  # file stem when nothing names the outlet


def test_json_object_holding_a_list(tmp_path):
    write(tmp_path / "b.json", json.dumps({"meta": {"n": 1}, "articles": [{"text": BODY, "source": "BBC"}]}))
    articles = load_corpus(tmp_path)
    assert articles["outlet"].tolist() == ["BBC"] and articles["text"].tolist() == [BODY]


def test_malformed_jsonl_line_is_rejected_with_its_line_number_and_the_rest_loads(tmp_path):
    lines = [json.dumps({"text": BODY}), '{"text": "broken', "", json.dumps({"text": BODY2})]
    write(tmp_path / "c.jsonl", "\n".join(lines))
    articles = load_corpus(tmp_path)
    assert len(articles) == 2 and articles["source_row"].tolist() == [1, 4]
    bad = rejects(articles)
    assert bad["source_file"].tolist() == ["c.jsonl"] and bad["source_row"].tolist() == [2]
    assert "line 2" in bad["reason"][0]
    assert_accounted(articles)


def test_invalid_json_file_is_rejected_naming_line_and_column(tmp_path):
    write(tmp_path / "d.json", '[{"text": "x"},\n {oops}]')
    bad = rejects(load_corpus(tmp_path))
    assert "invalid JSON at line 2" in bad["reason"][0]


# --- tables ------------------------------------------------------------------------------------

def test_csv_with_real_world_column_names(tmp_path):
    frame = pd.DataFrame({"headline": ["One", "Two"], "body": [BODY, BODY2],
                          "link": ["https://a.gov/1", "https://a.gov/2"],
                          "pubdate": ["February 23, 2022", "NA"], "source": ["whitehouse", "state"]})
    frame.to_csv(tmp_path / "statements.csv", index=False)
    articles = load_corpus(tmp_path)
    assert articles["outlet"].tolist() == ["whitehouse", "state"]
    assert articles["published"][0] == pd.Timestamp("2022-02-23", tz="UTC")
    assert pd.isna(articles["published"][1])
    warn = warnings_of(articles)
    assert warn[["source_row", "field", "value", "message"]].values.tolist() == [[2, "date", "NA", "missing date"]]


def test_malformed_csv_record_is_rejected_with_its_number_and_the_rest_loads(tmp_path):
    write(tmp_path / "m.csv", f"title,text\nA,\"{BODY}\"\nB,unquoted, comma\nC,\"{BODY2}\"\n")
    articles = load_corpus(tmp_path)
    assert articles["title"].tolist() == ["A", "C"] and articles["source_row"].tolist() == [1, 3]
    bad = rejects(articles)
    assert bad["source_row"].tolist() == [2]
    assert bad["reason"][0].startswith("malformed CSV record 2 (line 3): 3 fields, the header has 2")
    assert_accounted(articles)


def test_tsv_file(tmp_path):
    write(tmp_path / "t.tsv", f"title\ttext\nOne\t{BODY}\n")
    assert load_corpus(tmp_path)["title"].tolist() == ["One"]


def test_csv_without_text_column_is_rejected_naming_columns_and_mapping(tmp_path):
    write(tmp_path / "nope.csv", "foo,bar\n1,2\n3,4\n")
    write(tmp_path / "ok.txt", BODY)
    articles = load_corpus(tmp_path)
    assert len(articles) == 1
    bad = rejects(articles).set_index("source_file").loc["nope.csv"]
    assert "no text column" in bad["reason"] and "['foo', 'bar']" in bad["reason"]
    assert "mapping=" in bad["reason"] and bad["n_rows"] == 2
    assert_accounted(articles)


def test_explicit_mapping_names_the_columns(tmp_path):
    write(tmp_path / "x.csv", f"foo,bar,when\nHello,\"{BODY}\",2024-08-12\n")
    articles = load_corpus(tmp_path, mapping={"title": "foo", "text": "bar", "date": "when"})
    assert articles["title"].tolist() == ["Hello"] and articles["text"].tolist() == [BODY]
    missing = load_corpus(tmp_path, mapping={"text": "nothing"})
    assert "mapping names column 'nothing'" in rejects(missing)["reason"][0]


def test_empty_text_cell_rejects_only_that_row(tmp_path):
    write(tmp_path / "e.csv", f"title,text\nA,\"{BODY}\"\nB,\nC,\"{BODY2}\"\n")
    articles = load_corpus(tmp_path)
    assert articles["title"].tolist() == ["A", "C"]
    bad = rejects(articles)
    assert bad["source_row"].tolist() == [2] and bad["reason"][0] == "empty text in row 2 (column 'text')"
    assert_accounted(articles)


def test_xlsx_headlines_with_unnamed_date_column_use_titles_as_text(tmp_path):
    frame = pd.DataFrame({"title_name": ["Ukraine war latest: drones", "Kursk (video)", None],
                          "title_url": ["https://kyivindependent.com/a/", "https://kyivindependent.com/b/",
                                        "https://kyivindependent.com/c/"],
                          "": [pd.Timestamp("2024-08-12 10:00"), None, None]})
    frame.to_excel(tmp_path / "kyiv.xlsx", index=False)
    articles = load_corpus(tmp_path)
    assert articles["text"].tolist() == ["Ukraine war latest: drones", "Kursk"]
    assert articles["text_source"].tolist() == ["title", "title"]
    assert articles["title_flag"].tolist()[1] == "video"
    assert articles["published"][0] == pd.Timestamp("2024-08-12 10:00", tz="UTC")
    assert articles["encoding"][0] == "binary"
    assert rejects(articles)["source_row"].tolist() == [3]
    assert_accounted(articles)


def test_parquet_file(tmp_path):
    pd.DataFrame({"title": ["P"], "article": [BODY],
                  "date": [pd.Timestamp("2024-01-02 03:04", tz="Europe/Kyiv")]}).to_parquet(tmp_path / "p.parquet")
    articles = load_corpus(tmp_path)
    assert articles["published"][0] == pd.Timestamp("2024-01-02 01:04", tz="UTC")


# --- HTML ----------------------------------------------------------------------------------------

def test_html_main_text_without_scripts_nav_or_footer(tmp_path):
    write(tmp_path / "page.html", f"""<html><head><title>Kyiv hit | News</title>
<meta property="article:published_time" content="2024-08-12T10:00:00Z">
<link rel="canonical" href="https://example.com/2024/08/12/kyiv">
<script>document.write("EVIL SCRIPT TEXT")</script><style>.x{{color:red}}</style></head>
<body><nav>Home | World | Sport</nav><article><h1>Kyiv hit by drones</h1><p>{BODY}</p>
<p>{BODY2}</p></article><footer>Subscribe to our newsletter</footer></body></html>""")
    row = load_corpus(tmp_path).iloc[0]
    assert row["title"] == "Kyiv hit by drones"
    assert row["text"].startswith("Russian drones") and "Ukraine's forces" in row["text"]
    for junk in ("EVIL", "color:red", "Home | World", "Subscribe"):
        assert junk not in row["text"]
    assert row["url"] == "https://example.com/2024/08/12/kyiv" and row["outlet"] == "example.com"
    assert row["published"] == pd.Timestamp("2024-08-12 10:00", tz="UTC")


# --- manifest and file-name patterns ----------------------------------------------------------

def test_yaml_manifest_names_outlet_mapping_and_licence(tmp_path):
    write(tmp_path / "k.csv", f"hed,story,source\nOne,\"{BODY}\",ignored\n")
    write(tmp_path / "sources.yml",
          "k.csv:\n  outlet: kremlin.ru\n  licence: CC BY 4.0\n  mapping: {title: hed, text: story}\n")
    articles = load_corpus(tmp_path)
    assert articles[["outlet", "licence", "title"]].values.tolist() == [["kremlin.ru", "CC BY 4.0", "One"]]
    assert articles.attrs["skipped"] == ["sources.yml"]
    assert_accounted(articles)


def test_csv_manifest_passed_explicitly(tmp_path):
    write(tmp_path / "data" / "a.txt", BODY)
    manifest = write(tmp_path / "m.csv", "path,outlet,country,lang\n*.txt,Example Post,GB,English\n")
    articles = load_corpus(tmp_path / "data", manifest=manifest)
    assert articles[["outlet", "country", "lang"]].values.tolist() == [["Example Post", "GB", "en"]]


def test_user_filename_pattern_gives_outlet_and_date(tmp_path):
    write(tmp_path / "bbc--2024-08-12--001.txt", BODY)
    articles = load_corpus(tmp_path, filename_pattern=r"(?P<outlet>\w+)--(?P<date>[\d-]+)--\d+")
    assert articles["outlet"][0] == "bbc"
    # a pattern's date group is read like any date
    assert articles["published"][0] == pd.Timestamp("2024-08-12", tz="UTC")


# --- bad input ---------------------------------------------------------------------------------

def test_bad_files_are_rejected_with_specific_messages_and_the_rest_loads(tmp_path):
    write(tmp_path / "good.txt", BODY)
    write(tmp_path / "empty.txt", "")
    write(tmp_path / "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp_path / "weird.xyz", "hello")
    write(tmp_path / "undecodable.txt", b"caf\xc3 \x81\x8d bad")
    articles = load_corpus(tmp_path)
    assert articles["source_file"].tolist() == ["good.txt"]
    reasons = rejects(articles).set_index("source_file")["reason"]
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"].startswith("binary file (NUL byte")
    assert reasons["weird.xyz"].startswith("unsupported file type '.xyz'; supported: .csv")
    assert "invalid UTF-8" in reasons["undecodable.txt"] and "cp1252" in reasons["undecodable.txt"]
    assert_accounted(articles)


def test_cp1252_file_loads_and_says_which_encoding_was_used(tmp_path):
    write(tmp_path / "old.txt", ("Kyiv \u2013 the \u201ccapital\u201d was hit. " + BODY).encode("cp1252"))
    articles = load_corpus(tmp_path)
    assert articles["encoding"].tolist() == ["cp1252"]
    assert articles["text"][0].startswith("Kyiv \u2013 the \u201ccapital\u201d")
    warn = warnings_of(articles)
    assert warn["field"].tolist() == ["encoding"] and "cp1252" in warn["message"][0]


def test_utf8_bom_is_accepted(tmp_path):
    write(tmp_path / "bom.csv", ("\ufefftitle,text\nA,\"" + BODY + "\"\n").encode("utf-8"))
    articles = load_corpus(tmp_path)
    assert articles["title"].tolist() == ["A"] and articles["encoding"][0] == "utf-8-sig"


def test_a_50_mb_article_is_rejected_naming_max_chars(tmp_path):
    write(tmp_path / "huge.txt", "word " * 10_485_760)  # 50 MiB
    write(tmp_path / "ok.txt", BODY)
    articles = load_corpus(tmp_path)
    assert articles["source_file"].tolist() == ["ok.txt"]
    reason = rejects(articles)["reason"][0]
    assert "52,428,800 characters" in reason and "max_chars=5,000,000" in reason


def test_max_chars_applies_to_table_rows(tmp_path):
    write(tmp_path / "t.csv", f"title,text\nA,\"{BODY}\"\nB,{'x' * 500}\n")
    articles = load_corpus(tmp_path, max_chars=300)
    assert articles["title"].tolist() == ["A"] and "max_chars=300" in rejects(articles)["reason"][0]


def test_missing_path_raises_file_not_found_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_corpus(tmp_path / "nowhere")


def test_hidden_and_readme_files_are_passed_over(tmp_path):
    write(tmp_path / ".hidden.txt", BODY)
    write(tmp_path / ".git" / "x.txt", BODY)
    write(tmp_path / "README.md", "# about")
    write(tmp_path / "a.txt", BODY)
    articles = load_corpus(tmp_path)
    assert articles["source_file"].tolist() == ["a.txt"] and articles.attrs["skipped"] == ["README.md"]


# --- dates ---------------------------------------------------------------------------------------

def test_date_formats_parse_to_utc():
    got = parse_dates(["2022-06-24T17:30:00Z", "2022-02-24", "February 23, 2022",
                       "7 June 2024, 12:48 GMT", "Feb. 24, 2023", "2024-06-07T15:48:00+03:00",
                       "NA", "", None, "not a date"])
    assert got.tolist()[:6] == [pd.Timestamp(x, tz="UTC") for x in (
        "2022-06-24 17:30", "2022-02-24", "2022-02-23", "2024-06-07 12:48", "2023-02-24", "2024-06-07 12:48")]
    assert got[6:].isna().all()


def test_relative_dates_need_an_explicit_reference_time(tmp_path):
    ref = "2025-10-21T12:00:00Z"
    got = parse_dates(["12 hours ago", "Yesterday", "3 days ago", "an hour ago"], reference_time=ref)
    assert got.tolist() == [pd.Timestamp(x, tz="UTC") for x in
                            ("2025-10-21 00:00", "2025-10-20", "2025-10-18 12:00", "2025-10-21 11:00")]
    assert parse_dates(["12 hours ago", "Yesterday"]).isna().all()  # never the clock

    write(tmp_path / "s.csv", "title,date\nDrones,12 hours ago\nTalks,Yesterday\n")
    articles = load_corpus(tmp_path)
    assert articles["published"].isna().all()
    assert warnings_of(articles).query("field == 'date'")["message"].str.contains("needs reference_time").all()
    with_ref = load_corpus(tmp_path, reference_time=ref)
    assert with_ref["published"].notna().all() and (with_ref["date_source"] == "relative").all()


def test_url_date_fills_relative_and_yearless_dates(tmp_path):
    write(tmp_path / "sputnik.csv",
          "title_name,title_url,title_date\n"
          "A headline,https://sputnikglobe.com/20251021/a-1.html,12 hours ago\n"
          "B headline,https://sputnikglobe.com/20251019/b-2.html,\"19 October, 06:37 GMT\"\n")
    articles = load_corpus(tmp_path)
    assert articles["published"].tolist() == [pd.Timestamp("2025-10-21", tz="UTC"),
                                              pd.Timestamp("2025-10-19 06:37", tz="UTC")]
    assert articles["date_source"].tolist() == ["url", "column"]
    assert articles["date_raw"].tolist() == ["12 hours ago", "19 October, 06:37 GMT"]
    assert len(warnings_of(articles).query("field == 'date'")) == 2


# --- language -----------------------------------------------------------------------------------

def test_language_from_script_and_from_declared_tags():
    assert [detect_lang(t) for t in ("Putin said", "Путин заявил, что это ещё не всё",
                                     "Україна отримала нові системи ППО", "12 34 !!")] == ["en", "ru", "uk", None]


def test_cyrillic_files_load_with_language(tmp_path):
    write(tmp_path / "ru.txt", "Путин заявил о переговорах\n\nПрезидент России Владимир Путин заявил в понедельник.")
    write(tmp_path / "uk.txt", "Зеленський: Україна готова\n\nПрезидент України заявив, що Київ готовий.")
    articles = load_corpus(tmp_path)
    assert articles["lang"].tolist() == ["ru", "uk"]
    assert articles["title"].tolist() == ["Путин заявил о переговорах", "Зеленський: Україна готова"]


# --- duplicates, determinism, accounting -------------------------------------------------------

def test_exact_and_near_duplicates_are_flagged_not_dropped(tmp_path):
    long_body = " ".join([BODY, BODY2] * 4)
    near = long_body.replace("Monday", "Tuesday", 1)
    write(tmp_path / "a.csv", "title,text,date\n"
          f'A,"{long_body}",2024-08-12\nB,"{long_body.upper()}",2024-08-13\n'
          f'C,"{near}",2024-08-14\nD,"{BODY2}",2024-08-10\n')
    articles = load_corpus(tmp_path)
    assert len(articles) == 4
    first = articles["article_id"][0]
    assert articles["duplicate_of"].isna().tolist() == [True, False, False, True]
    assert articles["duplicate_of"][1] == first and articles["duplicate_of"][2] == first
    assert articles["duplicate_kind"].tolist()[1:3] == ["exact", "near"]
    assert pd.isna(articles["duplicate_of"][3])
    assert accounting(articles)["duplicates"].iloc[-1] == 2


def test_earliest_copy_is_the_original():
    frame = pd.DataFrame({"article_id": ["late", "early"], "text": [BODY, BODY],
                          "published": pd.to_datetime(["2024-08-13", "2024-08-12"], utc=True)})
    assert find_duplicates(frame)["duplicate_of"].tolist()[0] == "early"


def test_loading_is_deterministic(tmp_path):
    write(tmp_path / "b" / "x.txt", BODY)
    write(tmp_path / "a.csv", f"title,text\nA,\"{BODY2}\"\n")
    one, two = load_corpus(tmp_path), load_corpus(tmp_path)
    pd.testing.assert_frame_equal(one, two)
    assert one["source_file"].tolist() == ["a.csv", "b/x.txt"]


def test_accounting_and_the_tuple_api(tmp_path):
    write(tmp_path / "e.csv", f"title,text\nA,\"{BODY}\"\nB,\n")
    write(tmp_path / "z.txt", "")
    articles, bad = load_corpus_with_rejects(tmp_path)
    table = accounting(articles)
    assert table.columns.tolist() == ["source_file", "format", "rows_read", "loaded", "rejected",
                                      "duplicates", "warnings"]
    assert table.iloc[-1][["rows_read", "loaded", "rejected"]].tolist() == [3, 1, 2]
    assert bad.columns.tolist() == ["source_file", "source_row", "reason", "n_rows"]


# --- extra (unmapped) source columns ------------------------------------------------------------

def extras(articles: pd.DataFrame) -> list[str]:
    return articles.columns.tolist()[len(ARTICLE_COLUMNS):]


def test_unmapped_csv_columns_are_kept_after_the_schema_in_source_order_as_strings(tmp_path):
    write(tmp_path / "s.csv", "doc_id,outlet,outlet_group,title,text,keyword\n"
                              f"7,kremlin.ru,russia_state,A,\"{BODY}\",drones\n"
                              f"8,president.gov.ua,ukraine_state,B,\"{BODY2}\",\n"
                              "9,whitehouse.gov,us_government,C,,sanctions\n")
    articles = load_corpus(tmp_path)
    assert articles.columns.tolist()[:len(ARTICLE_COLUMNS)] == ARTICLE_COLUMNS
    assert extras(articles) == ["doc_id", "outlet_group", "keyword"]
    assert articles["outlet_group"].tolist() == ["russia_state", "ukraine_state"]  # row 3 rejected
    assert articles["doc_id"].tolist() == ["7", "8"]  # as the CSV gives them: text, not numbers
    assert articles["keyword"].iloc[0] == "drones" and pd.isna(articles["keyword"].iloc[1])
    assert articles["outlet"].tolist() == ["kremlin.ru", "president.gov.ua"]  # mapped, not repeated
    assert_accounted(articles)


def test_unmapped_jsonl_keys_are_kept_with_their_json_values_and_missing_where_a_file_lacks_them(tmp_path):
    lines = [{"title": "J", "text": BODY, "keyword": "drones", "n_shares": 3, "meta": {"desk": "kyiv"}},
             {"title": "K", "text": BODY2, "n_shares": 12}]
    write(tmp_path / "a.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    write(tmp_path / "b.csv", f"title,text,section\nC,\"{BODY} More.\",world\n")
    articles = load_corpus(tmp_path)
    assert extras(articles) == ["keyword", "n_shares", "meta_desk", "section"]
    assert articles["n_shares"].tolist()[:2] == [3, 12] and pd.isna(articles["n_shares"].iloc[2])
    assert str(articles["n_shares"].dtype) == "Int64"  # integers stay integers despite the gap
    assert articles["meta_desk"].iloc[0] == "kyiv" and articles["meta_desk"].iloc[1:].isna().all()
    assert articles["section"].isna().tolist() == [True, True, False]


def test_summary_column_is_kept_when_a_body_column_is_the_text(tmp_path):
    write(tmp_path / "k.csv", f"headline,summary,body,location\nA,Short lead.,\"{BODY}\",Moscow\n")
    articles = load_corpus(tmp_path)
    assert extras(articles) == ["summary", "location"]
    assert articles.loc[0, ["summary", "location"]].tolist() == ["Short lead.", "Moscow"]


def test_extra_column_named_like_a_schema_column_is_prefixed_src_and_warned(tmp_path):
    write(tmp_path / "c.csv", f"body,text,n_chars\n\"{BODY}\",short note,123\n")
    articles = load_corpus(tmp_path, mapping={"text": "body"})
    assert extras(articles) == ["src_text", "src_n_chars"]
    assert articles.loc[0, "src_text"] == "short note" and articles.loc[0, "n_chars"] == len(BODY)
    assert articles.loc[0, "src_n_chars"] == "123"
    renamed = warnings_of(articles).query("field == 'extra_columns'")
    assert renamed["value"].tolist() == ["text", "n_chars"]
    assert renamed["message"].str.contains("kept as 'src_").all()


def test_extra_columns_drop_gives_exactly_the_schema(tmp_path):
    write(tmp_path / "s.csv", f"title,text,outlet_group\nA,\"{BODY}\",russia_state\n")
    assert load_corpus(tmp_path, extra_columns="drop").columns.tolist() == ARTICLE_COLUMNS


def test_extra_columns_list_keeps_only_those_in_that_order_and_warns_about_absent_ones(tmp_path):
    write(tmp_path / "s.csv", f"title,text,doc_id,outlet_group,keyword\nA,\"{BODY}\",d1,russia_state,war\n")
    articles = load_corpus(tmp_path, extra_columns=["keyword", "outlet_group"])
    assert extras(articles) == ["keyword", "outlet_group"]
    with pytest.warns(UserWarning, match="'nowhere'"):
        absent = load_corpus(tmp_path, extra_columns=["outlet_group", "nowhere"])
    assert extras(absent) == ["outlet_group", "nowhere"] and absent["nowhere"].isna().all()
    with pytest.raises(ValueError, match=r"\['outlet_group'\]"):
        load_corpus(tmp_path, extra_columns="outlet_group")


def test_extra_columns_from_xlsx_and_parquet_keep_their_types_and_txt_has_none(tmp_path):
    pd.DataFrame({"title": ["X"], "text": [BODY], "views": [41]}).to_excel(tmp_path / "x.xlsx", index=False)
    pd.DataFrame({"title": ["P"], "text": [BODY2], "views": [7],
                  "score": [0.5]}).to_parquet(tmp_path / "p.parquet")
    write(tmp_path / "t" / "a.txt", BODY + " Third.")
    articles = load_corpus(tmp_path)
    assert extras(articles) == ["views", "score"]  # p.parquet (views, score) is read before x.xlsx
    by_file = articles.set_index("source_file")
    assert by_file.loc["p.parquet", "score"] == 0.5 and by_file.loc["x.xlsx", "views"] == 41
    assert by_file.loc["t/a.txt", ["score", "views"]].isna().all()
    assert extras(load_corpus(tmp_path / "t")) == []


# --- the real corpora ------------------------------------------------------------------------

@pytest.mark.shared
def test_every_file_of_the_shared_corpus_is_accounted_for(shared):
    start = time.perf_counter()
    articles = load_corpus(shared / "corpus")
    elapsed = time.perf_counter() - start
    files = accounting(articles).set_index("source_file")
    expected = {"kremlin_en.csv": 816, "president_ua_en.csv": 980, "us_government_statements.csv": 291,
                "us_presidency_statements.csv": 183, "official_statements.csv": 2197,
                "headlines/sputnik_headlines.xlsx": 2040, "headlines/kyiv_independent_headlines.xlsx": 1821}
    for name, n in expected.items():
        assert files.loc[name, "rows_read"] == n, name
        assert files.loc[name, "loaded"] + files.loc[name, "rejected"] == n, name
    assert files.loc["kremlin_en.csv", "loaded"] == 816  # incl. the 176k-character body
    assert files.loc["headlines/sputnik_headlines.xlsx", "loaded"] == 2040
    assert files.loc["headlines/kyiv_independent_headlines.xlsx", "rejected"] == 1  # the empty title
    gdelt = files[files.index.str.startswith("news_gdelt/articles/")]
    assert len(gdelt) == 558 and (gdelt["rows_read"] == 1).all()
    assert gdelt["loaded"].sum() >= 540  # a few are paywall boilerplate only
    news = articles[articles["source_file"].str.startswith("news_gdelt/")]
    assert news["title"].isna().all()  # body-only: the first paragraph stays in the text
    assert news["country"].value_counts().to_dict()["PL"] == 104
    assert news["published"].notna().all() and (news["date_source"] == "filename").all()
    ru = articles[articles["source_file"].str.startswith("ru_uk/")]
    assert len(ru) == 142 and (ru["lang"] == "ru").all() and ru["title"].notna().mean() > 0.9
    # official_statements.csv repeats the four raw files: duplicates are flagged, never dropped
    official = articles[articles["source_file"] == "official_statements.csv"]
    in_a_group = official["duplicate_of"].notna() | official["article_id"].isin(set(articles["duplicate_of"].dropna()))
    assert in_a_group.mean() > 0.9
    assert files.loc["TOTAL", "rows_read"] == files.loc["TOTAL", "loaded"] + files.loc["TOTAL", "rejected"]
    assert not articles["text"].str.contains("_x000D_").any()
    print(f"loaded {len(articles)} articles from ../shared/corpus in {elapsed:.1f}s")


@pytest.mark.shared
def test_kremlin_dates_and_outlets(shared):
    articles = load_corpus(shared / "corpus" / "kremlin_en.csv")
    assert (articles["outlet"] == "kremlin_en").all()
    assert articles["published"].notna().all() and articles["n_chars"].max() > 170_000
    gov = load_corpus(shared / "corpus" / "us_government_statements.csv")
    assert set(gov["outlet"]) == {"whitehouse", "department_of_treasury", "department_of_defense",
                                  "department_of_state"}


@pytest.mark.shared
def test_official_statements_keep_outlet_group_and_the_other_source_columns(shared):
    articles = load_corpus(shared / "corpus" / "official_statements.csv")
    assert set(articles["outlet_group"]) == {"russia_state", "ukraine_state", "us_government"}
    assert extras(articles) == ["doc_id", "outlet_group", "source_dataset"]
    assert articles["doc_id"].notna().all() and articles["doc_id"].is_unique
    assert articles.groupby("outlet_group")["outlet"].nunique().to_dict()["russia_state"] == 1


def test_ledgers_survive_concat_astype_and_parquet(tmp_path):
    write(tmp_path / "in" / "e.csv", f"title,text\nA,\"{BODY}\"\nB,\n")
    articles = load_corpus(tmp_path / "in")
    both = pd.concat([articles, articles]).astype(str)
    pd.testing.assert_frame_equal(rejects_of(both), rejects_of(articles))
    assert accounting(both).iloc[-1][["rows_read", "loaded", "rejected"]].tolist() == [2, 1, 1]
    articles.to_parquet(tmp_path / "a.parquet")
    back = pd.read_parquet(tmp_path / "a.parquet")
    pd.testing.assert_frame_equal(rejects_of(back), rejects_of(articles))
    assert accounting(back).iloc[-1]["rejected"] == 1


def test_an_article_in_a_language_without_text_layers_is_a_warning_naming_its_file_and_row(tmp_path):
    from analysis.corpus import warnings_of

    write(tmp_path / "de.txt", "Russland greift Kiew an\n\nDie russische Armee hat in der Nacht die ukrainische "
                               "Hauptstadt mit Drohnen angegriffen. Nach Angaben der Behörden wurden drei Menschen getötet.")
    write(tmp_path / "en.txt", "Russia strikes Kyiv\n\nThe Russian army attacked the Ukrainian capital with drones "
                               "overnight. Officials said three people were killed.")
    articles = load_corpus(tmp_path)
    assert articles["lang"].tolist() == ["de", "en"]  # loaded, never dropped
    w = warnings_of(articles).query("field == 'lang'")
    assert w[["source_file", "source_row", "value"]].values.tolist() == [["de.txt", 1, "de"]]
    assert w["message"].iloc[0].startswith("language 'de' is not analysed (only en, ru, uk)")


def test_unusual_scripts_are_named_in_the_warnings(tmp_path):
    from analysis.corpus import warnings_of

    write(tmp_path / "a_translit.txt", "Zayavlenie\n\nPutin zayavil, chto eto ne tak i Rossiya ne budet otstupat.")
    write(tmp_path / "b_mixed.txt", "Визит\n\nЗeлeнcкий прибыл в Kиeв и встретился с министрами.")
    write(tmp_path / "c_old.txt", "Война\n\nВъ Россіи всѣ знаютъ о войнѣ и о мирѣ.")
    write(tmp_path / "d_be.txt", "Навіны\n\nЛукашэнка заявіў, што Беларусь не ўдзельнічае ў вайне.")
    write(tmp_path / "e_plain.txt", "Новости\n\nПрезидент России Владимир Путин заявил в понедельник.")
    articles = load_corpus(tmp_path)
    assert articles["lang"].tolist() == ["ru", "ru", "ru", "be", "ru"]
    w = warnings_of(articles)
    w = w[w["field"] == "script"]
    by_file = {f: " | ".join(m) for f, m in w.groupby("source_file")["message"]}
    assert "transliterated Russian" in by_file["a_translit.txt"]
    assert "mixed-script words normalised: 2" in by_file["b_mixed.txt"]
    assert "pre-reform" in by_file["c_old.txt"]
    assert "Belarusian" in by_file["d_be.txt"]
    assert "e_plain.txt" not in by_file


def test_a_repeated_own_id_is_a_warning_naming_the_first_file_and_row(tmp_path):
    """Two rows with one `id` are both loaded; the later one is a warning naming the earlier.
    Same text: an exact duplicate, flagged as such; different text: distinct article_ids."""
    write(tmp_path / "a.csv", f'id,title,text\n1,A,"{BODY}"\n2,B,"{BODY2}"\n2,C,Odesa port was hit.\n')
    write(tmp_path / "b.csv", f'id,title,text\n1,A,"{BODY}"\n')
    arts = load_corpus(tmp_path)
    assert len(arts) == 4 and arts["article_id"].is_unique
    warned = warnings_of(arts)
    warned = warned[warned["field"] == "id"]
    assert warned[["source_file", "source_row", "value"]].astype(str).values.tolist() == [
        ["a.csv", "3", "2"], ["b.csv", "1", "1"]]
    differs, same = warned["message"].tolist()
    assert "a.csv, row 2" in differs and "text differs" in differs
    assert "a.csv, row 1" in same and "exact duplicate" in same
    assert arts.loc[arts["source_file"] == "b.csv", "duplicate_kind"].tolist() == ["exact"]


def test_distinct_own_ids_give_no_warning(tmp_path):
    write(tmp_path / "a.csv", f'doc_id,text\nx1,"{BODY}"\nx2,"{BODY2}"\n')
    assert warnings_of(load_corpus(tmp_path)).empty


@pytest.mark.parametrize("extra_columns", ["keep", "drop", ["keyword"]])
def test_a_repeated_own_id_is_reported_whatever_extra_columns_keeps(tmp_path, extra_columns):
    """The own-id check reads the source's id column even when the articles frame leaves it out."""
    write(tmp_path / "a.csv", f'id,keyword,text\n1,k,"{BODY}"\n1,k,"{BODY2}"\n')
    warned = warnings_of(load_corpus(tmp_path, extra_columns=extra_columns))
    assert warned.loc[warned["field"] == "id", ["source_row", "value"]].astype(str).values.tolist() == [
        ["2", "1"]]


def test_a_repeated_story_id_is_reported_though_the_loader_adds_its_own_article_id(tmp_path):
    write(tmp_path / "a.csv", f'story_id,text\ns1,"{BODY}"\ns1,"{BODY2}"\n')
    warned = warnings_of(load_corpus(tmp_path))
    assert warned.loc[warned["field"] == "story_id", "value"].tolist() == ["s1"]


def test_a_short_text_the_model_reads_unsurely_keeps_its_files_language_with_a_warning(tmp_path):
    # lingua reads short English headlines as de/fr/cs at 0.24-0.62 confidence; they were split off into
    # languages the tool does not analyse. A whole foreign sentence (confidence ~1) keeps its own language.
    heads = ["Russian drones hit Kyiv overnight as officials say", "Ukraine retakes villages near Kharkiv",
             "The rise and fall of Ukraine's Kursk gambit",                        # read as de at 0.40
             "Kindergarten Hit as Ukraine Fires 20 MLRS Rockets at Donetsk",       # read as de at 0.58
             "Die Bundesregierung hat heute neue Waffen für die Ukraine zugesagt"]  # German
    write(tmp_path / "heads.csv", "title\n" + "\n".join(heads) + "\n")
    arts = load_corpus(tmp_path)
    assert arts["lang"].tolist() == ["en", "en", "en", "en", "de"]
    warned = warnings_of(arts)
    settled = warned[(warned["field"] == "lang") & warned["message"].str.contains("too little")]
    assert settled["source_row"].tolist() == [3, 4] and settled["value"].tolist() == ["de", "de"]
    assert "kept 'en'" in settled["message"].iloc[0] and "its file" in settled["message"].iloc[0]


def test_a_lone_unsure_text_takes_the_corpus_language_and_cyrillic_texts_never_take_a_latin_one(tmp_path):
    write(tmp_path / "a.txt", "Kyiv\n\n" + BODY)
    write(tmp_path / "b.txt", "Kursk\n\n" + BODY2)
    write(tmp_path / "c.txt", "Kursk\n\nThe rise and fall of Ukraine's Kursk gambit")
    write(tmp_path / "d.txt", "Киев\n\nСергей Иванов")  # two Cyrillic words: the model decides ru/uk
    arts = load_corpus(tmp_path).set_index("source_file")
    assert arts.loc["c.txt", "lang"] == "en"
    assert arts.loc["d.txt", "lang"] in ("ru", "uk")


@pytest.mark.shared
def test_no_shared_headline_is_split_off_from_english(shared):
    # 9 of the 3,860 Kyiv Independent / Sputnik headlines were fr/de/cs before (a4b462f)
    heads = load_corpus(shared / "corpus" / "headlines")
    assert heads["lang"].value_counts().to_dict() == {"en": 3860}
