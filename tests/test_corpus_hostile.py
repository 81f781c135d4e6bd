"""Issue 9, "bad input": every input row is loaded or rejected with a reason naming file and row,
whatever the input. One test per class of hostile input, then the whole hostile corpus
(tests/hostile_corpus.py), property-based tests and the ``check`` command."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import warnings
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus import accounting, files_of, load_corpus, rejects_of, warnings_of

sys.path.insert(0, str(Path(__file__).parent))
import hostile_corpus  # noqa: E402

REF = "2024-08-12T12:00Z"


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return folder


def load(folder: Path, files: dict[str, str | bytes], **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_corpus(write(folder, files), **options)


def ledger(articles: pd.DataFrame) -> dict[str, tuple[int, int, int]]:
    table = files_of(articles)
    return {r.source_file: (int(r.rows_read), int(r.loaded), int(r.rejected))
            for r in table.itertuples()}


def warning_messages(articles: pd.DataFrame) -> list[str]:
    return warnings_of(articles)["message"].tolist()


# ------------------------------------------------------------------ crashes that became rejects

@pytest.mark.parametrize("value", ["0001-01-01", "3000-01-01", "9999-12-31", "2262-04-12"])
def test_a_date_outside_pandas_range_leaves_that_date_missing_with_a_warning(tmp_path, value):
    arts = load(tmp_path, {"a.csv": f"title,text,date\nA,Body one.,{value}\nB,Body two.,2024-08-12\n"})
    assert ledger(arts) == {"a.csv": (2, 2, 0)}
    assert arts["published"].isna().tolist() == [True, False]
    assert any(value in m for m in warning_messages(arts))


def test_an_excel_date_of_9999_12_31_is_a_warning_not_a_crash(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["title", "text", "date"])
    wb.active.append(["A", "Body.", datetime(9999, 12, 31)])
    wb.active.append(["B", "Body.", datetime(2024, 8, 12)])
    wb.save(tmp_path / "a.xlsx")
    arts = load_corpus(tmp_path)
    assert arts["published"].dt.strftime("%Y-%m-%d").fillna("missing").tolist() == ["missing", "2024-08-12"]
    assert "implausible date '9999-12-31T00:00:00' (outside 1900-2100)" in warning_messages(arts)


def test_a_parquet_date_in_2300_and_tz_aware_plus_naive_files_load_together(tmp_path):
    pd.DataFrame({"text": ["Far."], "date": pd.Series([pd.Timestamp("2300-01-01")],
                                                     dtype="datetime64[us]")}).to_parquet(tmp_path / "far.parquet")
    pd.DataFrame({"text": ["Aware."], "date": pd.to_datetime(["2024-08-12T10:00+03:00"])}).to_parquet(tmp_path / "aware.parquet")
    pd.DataFrame({"text": ["Naive."], "date": pd.to_datetime(["2024-08-12T10:00"])}).to_parquet(tmp_path / "naive.parquet")
    arts = load_corpus(tmp_path).set_index("source_file")
    assert str(arts.loc["aware.parquet", "published"]) == "2024-08-12 07:00:00+00:00"
    assert str(arts.loc["naive.parquet", "published"]) == "2024-08-12 10:00:00+00:00"
    assert pd.isna(arts.loc["far.parquet", "published"])


def test_a_gdelt_file_name_dated_3000_is_not_used_as_a_date(tmp_path):
    arts = load(tmp_path, {"30000101T000000Z_UA_en_1d3757904e.txt": "Body of the article."})
    assert ledger(arts) == {"30000101T000000Z_UA_en_1d3757904e.txt": (1, 1, 0)}
    assert arts["published"].isna().all()


def test_json_text_as_a_list_of_paragraphs_is_joined_and_a_list_date_gives_its_first(tmp_path):
    arts = load(tmp_path, {"a.json": json.dumps([{"title": "A", "text": ["Para one.", "Para two."],
                                                  "date": ["2024-08-12", "2024-08-13"]}])})
    assert arts["text"].tolist() == ["Para one.\n\nPara two."]
    assert arts["published"].astype(str).tolist() == ["2024-08-12 00:00:00+00:00"]


def test_deeply_nested_json_is_rejected_with_a_reason(tmp_path):
    deep = "[" * 100000 + "]" * 100000
    arts = load(tmp_path, {"a.json": deep, "b.jsonl": '{"text": "ok"}\n' + deep + "\n"})
    assert ledger(arts) == {"a.json": (1, 0, 1), "b.jsonl": (2, 1, 1)}
    reasons = rejects_of(arts).set_index("source_file")["reason"]
    assert reasons["a.json"] == "JSON is nested too deeply to parse (thousands of levels)"
    assert reasons["b.jsonl"] == "line 2 is nested too deeply to parse (thousands of levels)"


def test_lone_surrogate_escapes_become_replacement_characters(tmp_path):
    arts = load(tmp_path, {"a.json": '[{"title": "A\\ud800", "text": "x\\udfff y \\ud83d\\ude00"}]'})
    assert arts["text"].tolist() == ["x\ufffd y \U0001f600"]
    assert arts["title"].tolist() == ["A\ufffd"]
    assert any("surrogate" in m for m in warning_messages(arts))


def test_a_30_digit_integer_in_an_extra_column_is_kept_as_it_is(tmp_path):
    arts = load(tmp_path, {"a.json": '[{"text": "A.", "n": 123456789012345678901234567890}, '
                                     '{"text": "B.", "n": 1}]'})
    assert arts["n"].tolist() == [123456789012345678901234567890, 1]


def test_a_duplicated_csv_header_name_with_a_malformed_row_loads_the_first_column(tmp_path):
    arts = load(tmp_path, {"a.csv": "title,text,text\nA,b,c\nB,x,y,z\n"})
    assert ledger(arts) == {"a.csv": (2, 1, 1)}
    assert arts["text"].tolist() == ["b"]
    assert arts["text.1"].tolist() == ["c"]


def test_an_unreadable_txt_file_is_rejected_not_raised(tmp_path, monkeypatch):
    write(tmp_path, {"ok.txt": "Readable body.", "locked.txt": "Secret body."})
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    arts = load_corpus(tmp_path)
    assert ledger(arts) == {"locked.txt": (1, 0, 1), "ok.txt": (1, 1, 0)}
    assert rejects_of(arts)["reason"].tolist() == ["cannot read file: Permission denied"]


def test_999999_days_ago_is_out_of_range_not_a_crash(tmp_path):
    arts = load(tmp_path, {"a.csv": "title,text,date\nA,Body.,999999 days ago\n"}, reference_time=REF)
    assert arts["published"].isna().all()
    assert "relative date '999999 days ago' is out of range; left missing" in warning_messages(arts)


def test_a_memory_error_without_a_message_is_a_reject_naming_it(tmp_path, monkeypatch):
    import analysis.corpus.load as loader  # the loader calls the parquet reader by this name

    def boom(path, spec):
        raise MemoryError()

    monkeypatch.setattr(loader, "_read_parquet", boom)
    pd.DataFrame({"text": ["x"]}).to_parquet(tmp_path / "a.parquet")
    arts = load_corpus(tmp_path)
    assert rejects_of(arts)["reason"].tolist() == ["cannot read file: MemoryError"]


def test_a_dollar_pair_in_an_outlet_name_draws_as_text(tmp_path):
    import matplotlib.pyplot as plt

    from analysis.report import bar_chart, set_style

    set_style()
    data = pd.DataFrame({"outlet": [r"$\frac{1}{0}$ News", "$x^$ Daily"], "n": [3, 2]})
    fig = bar_chart(data, x="n", y="outlet", title="Articles", xlabel="Articles (count)")
    fig.savefig(tmp_path / "chart.png")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    plt.close(fig)
    assert labels == [r"$\frac{1}{0}$ News", "$x^$ Daily"]


# ------------------------------------------------------------------ silent loss or corruption

def test_an_unterminated_quote_rejects_its_row_and_the_rest_still_load(tmp_path):
    arts = load(tmp_path, {"a.csv": 'title,date,text\nA,2024-01-01,"never closed\n'
                                    "B,2024-01-02,second body\nC,2024-01-03,third body\n"})
    assert ledger(arts) == {"a.csv": (3, 2, 1)}
    assert arts["text"].tolist() == ["second body", "third body"]
    reject = rejects_of(arts).iloc[0]
    assert (reject["source_row"], reject["reason"][:60]) == (
        1, "malformed CSV record 1 (line 2): a quote opened there is nev")


def test_a_json_object_holding_two_lists_loads_both(tmp_path):
    arts = load(tmp_path, {"a.json": json.dumps({"articles": [{"text": "a"}],
                                                 "more": [{"text": "b"}, {"text": "c"}]})})
    assert arts["text"].tolist() == ["a", "b", "c"]
    assert any("'articles' (1), 'more' (2)" in m for m in warning_messages(arts))


@pytest.mark.parametrize("word, expected", [("now", "2024-08-12 12:00:00+00:00"),
                                            ("today", "2024-08-12 00:00:00+00:00"),
                                            ("NOW", "2024-08-12 12:00:00+00:00")])
def test_now_and_today_use_the_reference_time_never_the_clock(tmp_path, word, expected):
    arts = load(tmp_path, {"a.csv": f"title,text,date\nA,Body.,{word}\n"}, reference_time=REF)
    assert arts["published"].astype(str).tolist() == [expected]


def test_now_without_reference_time_is_missing(tmp_path):
    arts = load(tmp_path, {"a.csv": "title,text,date\nA,Body.,now\n"})
    assert arts["published"].isna().all()


@pytest.mark.parametrize("dayfirst, expected", [(None, ["2024-08-12", "2024-12-08"]),
                                                (True, ["2024-08-12", "2024-08-12"]),
                                                (False, ["2024-12-08", "2024-12-08"])])
def test_day_month_order_is_an_explicit_option(tmp_path, dayfirst, expected):
    arts = load(tmp_path, {"a.csv": "title,text,date\nA,Body.,12.08.2024\nB,Body.,12/08/2024\n"},
                dayfirst=dayfirst)
    assert arts["published"].dt.strftime("%Y-%m-%d").tolist() == expected
    ambiguous = [m for m in warning_messages(arts) if m.startswith("ambiguous date")]
    assert len(ambiguous) == (2 if dayfirst is None else 0)


def test_an_unambiguous_numeric_date_needs_no_option(tmp_path):
    arts = load(tmp_path, {"a.csv": "title,text,date\nA,Body.,25/08/2024\nB,Body.,08/25/2024\n"})
    assert arts["published"].dt.strftime("%Y-%m-%d").tolist() == ["2024-08-25", "2024-08-25"]
    assert warning_messages(arts) == []


def test_the_manifest_sets_day_first_per_file(tmp_path):
    arts = load(tmp_path, {"sources.yml": "'eu.csv':\n  dayfirst: true\n",
                           "eu.csv": "text,date\nBody.,01/02/2024\n",
                           "us.csv": "text,date\nBody.,01/02/2024\n"})
    got = dict(zip(arts["source_file"], arts["published"].dt.strftime("%Y-%m-%d")))
    assert got == {"eu.csv": "2024-02-01", "us.csv": "2024-01-02"}


@pytest.mark.parametrize("value", ["2024-08-12 10:00 IST", "2024-08-12T10:00:00+25:00"])
def test_an_unknown_time_zone_leaves_the_date_missing_with_a_warning(tmp_path, value):
    arts = load(tmp_path, {"a.csv": f"title,text,date\nA,Body.,{value}\n"})
    assert arts["published"].isna().all()
    message = warning_messages(arts)[0]
    assert message.startswith(("unknown time zone in date", "impossible UTC offset in date"))


def test_one_stray_cp1252_byte_keeps_a_utf8_file_utf8(tmp_path):
    data = "Київ заявив про атаку.".encode() + b" \x92 " + "Кінець.".encode()
    arts = load(tmp_path, {"a.txt": data})
    assert arts["text"].tolist() == ["Київ заявив про атаку. \ufffd Кінець."]
    assert arts["encoding"].tolist() == ["utf-8"]
    assert any("0x92 at offset 41" in m for m in warning_messages(arts))


def test_a_genuine_cp1252_file_is_still_read_as_cp1252(tmp_path):
    arts = load(tmp_path, {"a.txt": "Caf\u00e9 \u201cquoted\u201d".encode("cp1252")})
    assert arts["text"].tolist() == ["Caf\u00e9 \u201cquoted\u201d"]
    assert arts["encoding"].tolist() == ["cp1252"]


def test_the_same_file_in_two_loaded_folders_gets_two_ids(tmp_path):
    write(tmp_path, {"x/news/a.txt": "Same body.", "y/news/a.txt": "Same body."})
    arts = load_corpus([tmp_path / "x" / "news", tmp_path / "y" / "news"])
    assert arts["source_file"].tolist() == ["a.txt", "news/a.txt"]
    assert arts["article_id"].is_unique


def test_xlsx_merged_cells_give_every_row_the_merged_outlet(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["outlet", "text"], ["BBC", "One."], [None, "Two."], [None, "Three."], ["CNN", "Four."]):
        ws.append(row)
    ws.merge_cells("A2:A4")
    wb.save(tmp_path / "m.xlsx")
    arts = load_corpus(tmp_path)
    assert arts["outlet"].tolist() == ["BBC", "BBC", "BBC", "CNN"]


# ------------------------------------------------------------------ time and memory

def test_an_xlsx_with_one_cell_at_xfd1048576_reads_only_the_real_cells(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["A2"], wb.active["XFD1048576"] = "text", "Body.", "far"
    wb.save(tmp_path / "x.xlsx")
    assert (tmp_path / "x.xlsx").stat().st_size < 10_000
    arts = load_corpus(tmp_path)
    assert ledger(arts) == {"x.xlsx": (1, 1, 0)}
    assert warning_messages(arts) == ["1 cell(s) beyond column 1000 (MAX_XLSX_COLUMNS) ignored"]


def test_question_mark_chains_split_in_linear_time():
    import time

    from analysis.text import sentence_spans

    started = time.perf_counter()
    spans = sentence_spans("b? " * 40000)
    assert spans == [(0, 119999)]
    assert time.perf_counter() - started < 20  # was 48 s; now under a second


def test_mention_sentiment_keeps_one_copy_of_each_sentence():
    from analysis.targeted import mention_sentiment

    sent = ("Putin " * 2000).strip() + "."
    starts = list(range(0, 12000, 6))
    sents = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0], "text": [sent]})
    ments = pd.DataFrame({"article_id": ["a"] * 2000, "sentence_id": [0] * 2000, "start": starts,
                          "end": [s + 5 for s in starts]})
    out = mention_sentiment(ments, sents)
    assert isinstance(out["sentence"].dtype, pd.CategoricalDtype)
    assert out["sentence"].cat.categories.tolist() == [sent]
    assert out["sentence"].memory_usage(deep=True) < 3 * len(sent) + 100_000


def test_a_huge_html_page_is_rejected_before_extraction(tmp_path, monkeypatch):
    import analysis.corpus.readers as readers  # the HTML reader reads its limit here

    monkeypatch.setattr(readers, "MAX_HTML_BYTES", 1000)
    monkeypatch.setattr(readers, "_html_extract", lambda markup: pytest.fail("extracted"))
    arts = load(tmp_path, {"big.html": "<p>" + "x" * 2000 + "</p>"})
    assert ledger(arts) == {"big.html": (1, 0, 1)}
    assert rejects_of(arts)["reason"][0].startswith("HTML page of 2,007 bytes is larger than")


def test_json_records_with_unique_nested_keys_are_capped_in_columns(tmp_path):
    from analysis.corpus import MAX_JSON_COLUMNS

    records = [{"title": f"T{i}", "text": f"Body {i}.", "meta": {f"k{i}": i}} for i in range(1500)]
    arts = load(tmp_path, {"w.json": json.dumps(records)})
    assert len(arts) == 1500
    assert arts.shape[1] <= len(arts.columns[:19]) + MAX_JSON_COLUMNS
    assert any("flattened JSON keys beyond the first" in m for m in warning_messages(arts))


def test_a_yaml_alias_bomb_manifest_is_ignored_with_a_warning(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(9))
    arts = load(tmp_path, {"sources.yml": bomb, "a.txt": "Body."})
    assert ledger(arts) == {"a.txt": (1, 1, 0)}
    assert warning_messages(arts) == ["manifest ignored: manifest sources.yml uses a YAML alias (*a); "
                                      "aliases are not allowed in a manifest"]


def test_an_explicit_alias_manifest_is_refused(tmp_path):
    write(tmp_path, {"m.yml": "a: &x {outlet: X}\nb: *x\n", "c/a.txt": "Body."})
    with pytest.raises(ValueError, match="aliases are not allowed"):
        load_corpus(tmp_path / "c", manifest=tmp_path / "m.yml")


# ------------------------------------------------------------------ security

def test_table_exports_neutralise_spreadsheet_formulas(tmp_path):
    from analysis.report import Exporter, save_table

    data = pd.DataFrame({"title": ["=HYPERLINK(\"http://evil\")", "+cmd", "-2 dead", "@SUM(A1)",
                                   "\tTab", "\rCR", "plain"], "n": [-1, 2, 3, 4, 5, 6, 7]})
    path = save_table(data, "titles", folder=tmp_path)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[:6] == [["title", "n"], ["'=HYPERLINK(\"http://evil\")", "-1"], ["'+cmd", "2"],
                        ["'-2 dead", "3"], ["'@SUM(A1)", "4"], ["'\tTab", "5"]]
    assert b"\n'\rCR,6\n" in path.read_bytes()
    exported = Exporter("01_x", output_dir=tmp_path).save_table(data, "again")
    assert pd.read_csv(exported)["title"][0] == "'=HYPERLINK(\"http://evil\")"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this platform")
def test_symlinks_leaving_the_corpus_are_rejected_not_followed(tmp_path):
    outside = tmp_path / "outside"
    write(outside, {"secret.txt": "Secret body."})
    corpus = write(tmp_path / "corpus", {"real.txt": "Real body."})
    os.symlink(outside / "secret.txt", corpus / "link.txt")
    os.symlink(corpus / "real.txt", corpus / "inside.txt")
    arts = load_corpus(corpus)
    assert arts["text"].tolist() == ["Real body."]
    reject = rejects_of(arts).iloc[0]
    assert reject["source_file"] == "link.txt"
    assert reject["reason"].startswith("symbolic link to ") and "outside the corpus folder" in reject["reason"]


# ------------------------------------------------------------------ the hostile corpus

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    expected = hostile_corpus.build(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        articles = load_corpus(folder, reference_time=REF)
    return expected, articles


def test_the_hostile_corpus_has_at_least_200_inputs_covering_every_class(hostile):
    expected, _ = hostile
    assert len(expected) >= 200
    for problem, prefixes in hostile_corpus.CLASSES.items():
        assert any(rel.startswith(tuple(prefixes)) for rel in expected), problem


def test_every_hostile_file_is_accounted_for_by_the_generators_own_count(hostile):
    expected, articles = hostile
    table = files_of(articles).set_index("source_file")
    assert sorted(table.index) == sorted(expected)
    for rel, n in expected.items():
        row = table.loc[rel]
        assert (rel, int(row["rows_read"])) == (rel, n)
        assert (rel, int(row["loaded"]) + int(row["rejected"])) == (rel, n)


def test_every_hostile_reject_names_file_row_and_reason(hostile):
    expected, articles = hostile
    rejects = rejects_of(articles)
    assert len(rejects) > 50
    for r in rejects.itertuples():
        assert r.source_file in expected
        assert isinstance(r.reason, str)
        assert r.reason.strip() != ""
        if pd.isna(r.source_row):  # the whole file: n_rows says how many records it held
            assert (r.source_file, r.n_rows) == (r.source_file, expected[r.source_file])
        else:
            assert 1 <= r.source_row
        assert "loader bug" not in r.reason


def test_hostile_articles_go_through_the_text_pipeline(hostile):
    from analysis.engine import process_articles
    from analysis.text import sentences, tokens

    _, articles = hostile
    sents = sentences(articles)
    toks = tokens(sents)
    assert set(sents["article_id"]) == set(articles["article_id"])
    text_of = dict(zip(articles["article_id"], articles["text"]))
    starts = sents["start"].to_numpy()
    ends = sents["end"].to_numpy()
    for aid, s, e, t in zip(sents["article_id"], starts, ends, sents["text"]):
        assert text_of[aid][s:e] == t
    assert len(toks) > len(sents)
    out = process_articles(articles)  # every stage, the 1 MB one-sentence articles included
    assert set(out["sentences"]["article_id"]) == set(articles["article_id"])


# ------------------------------------------------------------------ properties

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _balanced(articles: pd.DataFrame) -> bool:
    table = accounting(articles)
    return bool((table["rows_read"] == table["loaded"] + table["rejected"]).all())


@PROPERTY
@given(data=st.binary(max_size=3000), ext=st.sampled_from([".txt", ".csv", ".tsv", ".json", ".jsonl",
                                                           ".html", ".xlsx", ".parquet"]))
def test_any_bytes_in_any_format_load_without_raising_and_balance(tmp_path_factory, data, ext):
    folder = tmp_path_factory.mktemp("bytes")
    articles = load(folder, {"f" + ext: data})
    assert _balanced(articles)
    assert len(files_of(articles)) == 1


@PROPERTY
@given(text=st.text(max_size=2000), ext=st.sampled_from([".txt", ".csv", ".json", ".jsonl"]))
def test_any_unicode_written_to_a_text_format_loads_and_balances(tmp_path_factory, text, ext):
    folder = tmp_path_factory.mktemp("text")
    articles = load(folder, {"f" + ext: text.encode("utf-8", "surrogatepass")})
    assert _balanced(articles)


@PROPERTY
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=1500))
def test_sentence_and_token_offsets_always_point_at_their_text(text):
    from analysis.text import sentence_spans, sentences, tokens

    frame = pd.DataFrame({"article_id": ["a"], "text": [text]})
    sents = sentences(frame)
    for s, e, t in zip(sents["start"], sents["end"], sents["text"]):
        assert text[s:e] == t
    assert [(s, e) for s, e in zip(sents["start"], sents["end"])] == sentence_spans(text)
    toks = tokens(sents)
    for s, e, t in zip(toks["start"], toks["end"], toks["token"]):
        assert text[s:e] == t


# ------------------------------------------------------------------ python -m analysis check

def _check(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    return subprocess.run([sys.executable, "-m", "analysis", "check", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_check_prints_accounting_warnings_and_rejects(tmp_path):
    write(tmp_path, {"a.csv": "title,text,date\nA,Body.,12/08/2024\nB,,2024-01-01\n",
                     "b.docx": b"PK"})
    done = _check(str(tmp_path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["file", "format", "read", "loaded", "rejected"]
    assert lines[1].split() == ["a.csv", "csv", "2", "1", "1"]
    assert lines[2].split() == ["b.docx", "docx", "1", "0", "1"]
    assert lines[3].split() == ["TOTAL", "3", "1", "2"]
    assert "1 warning" in lines
    assert "  a.csv, row 1: date: ambiguous date '12/08/2024' read month-first (8 December); pass " \
           "dayfirst=True (or 'dayfirst: true' in sources.yml) if it is day-first" in lines
    assert "  a.csv, row 2: empty text in row 2 (column 'text')" in lines
    assert lines[-1] == "1 of 3 records loaded"


def test_check_table_left_aligns_file_names_and_formats_under_their_headers(tmp_path):
    from analysis.check import report
    from analysis.corpus import load_corpus

    write(tmp_path, {"a.csv": "title,text\nA,Body.\n", "a_much_longer_file_name.jsonl": '{"text": "Body two."}\n'})
    header, *rows = report(load_corpus(tmp_path)).splitlines()[:4]
    at = header.index("format")
    assert header.startswith("file ") and all(row[:1] != " " for row in rows), rows
    assert [row[at:].split()[0] for row in rows[:2]] == ["csv", "jsonl"], rows


def test_check_with_dayfirst_reads_day_first(tmp_path):
    write(tmp_path, {"a.csv": "title,text,date\nA,Body.,12/08/2024\n"})
    done = _check(str(tmp_path), "--dayfirst", "day")
    assert "0 warnings" in done.stdout.splitlines()


def test_check_fails_readably_when_nothing_loads(tmp_path):
    write(tmp_path, {"a.docx": b"PK", "b.txt": b""})
    done = _check(str(tmp_path))
    assert done.returncode == 1
    assert done.stderr.strip() == "check: no article could be loaded; see the rejects above"


def test_check_on_a_folder_without_article_files_says_so_rather_than_pointing_at_rejects(tmp_path):
    (tmp_path / "empty").mkdir()
    done = _check(str(tmp_path / "empty"))
    assert done.returncode == 1
    assert done.stderr.strip().startswith(f"check: no article file in {tmp_path / 'empty'} (supported: .csv, ")


def test_check_fails_readably_on_a_missing_path(tmp_path):
    done = _check(str(tmp_path / "nope"))
    assert done.returncode == 2
    assert done.stderr.startswith("check: corpus path not found:")
