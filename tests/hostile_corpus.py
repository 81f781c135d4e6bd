"""A hostile corpus: hundreds of broken, tricky and malicious inputs for the loader.

``build(folder)`` writes it and returns, for every file the loader must account for, the number
of records that file holds — counted by this generator from what it wrote, never by asking the
loader. Files the loader passes over on purpose (hidden files, README, the manifests) are not in
the answer. Large inputs are generated here at test time; nothing big is committed.

>>> import tempfile, pathlib
>>> expected = build(pathlib.Path(tempfile.mkdtemp()))
>>> len(expected) >= 200
True

Each file name starts with the class of problem it exercises (``date_``, ``enc_``, ``csv_``,
``json_``, ``xlsx_``, ...); ``CLASSES`` maps every class of issue 9 to the files that cover it.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

#: Date strings that once crashed the loader or were silently misread.
HOSTILE_DATES = [
    "0001-01-01", "3000-01-01", "9999-12-31", "2300-06-01T00:00:00Z", "1677-09-21", "2262-04-12",
    "999999 days ago", "now", "today", "NOW", "Today", "12.08.2024", "12/08/2024", "08/12/2024",
    "31/12/2024", "2024-08-12 10:00 IST", "2024-08-12T10:00:00+25:00", "2024-08-12T10:00:00-99:99",
    "2024-02-30", "29 February", "February 30, 2023", "Feb 29 2023", "-1", "0", "1e400",
    "99999999999999999999", "NaN", "inf", "2024-08-12T25:61:61", "12 hours ago", "a week ago",
    "yesterday", "Monday", "2024", "20240812", "1.1.1", "../../etc/passwd", "=NOW()",
    "2024-08-12T10:00:00Z\x00", "২০২৪-০৮-১২", "١٢/٠٨/٢٠٢٤", "T", "Z", "+", "2024-13-45",
]

#: Which files cover each class of problem named in issue 9 (prefixes of the file names).
CLASSES = {
    "dates outside the nanosecond range": ["date_", "xlsx_date_9999", "parquet_date_2300",
                                          "20000101T000000Z_gdelt", "30000101T000000Z_UA_en_"],
    "tz-aware and naive datetimes in two files": ["parquet_tz_aware", "parquet_tz_naive"],
    "JSON text as a list, list-valued dates": ["json_text_list", "json_date_list"],
    "deeply nested JSON": ["json_deep", "jsonl_deep"],
    "lone surrogate escapes": ["json_surrogate"],
    "30-digit integer in an extra column": ["json_bigint", "csv_bigint"],
    "duplicated CSV header plus a malformed row": ["csv_dup_header"],
    "unreadable .txt": ["txt_unreadable"],
    "relative dates with reference_time": ["date_"],
    "$...$ in an outlet name": ["csv_mathtext_outlet"],
    "unterminated CSV quote": ["csv_unterminated"],
    "JSON object holding two lists": ["json_two_lists"],
    "day/month order": ["date_", "dayfirst/"],
    "unknown time zones": ["date_"],
    "stray cp1252 byte in UTF-8": ["enc_utf8_stray_cp1252"],
    "same file name and text in two folders": ["twins/a/", "twins/b/"],
    "xlsx merged cells": ["xlsx_merged"],
    "xlsx with a cell at XFD1048576": ["xlsx_xfd"],
    "?/! chains": ["txt_question_chain"],
    "huge HTML": ["html_huge"],
    "JSON records with unique nested keys": ["json_wide"],
    "YAML alias bomb in sources.yml": ["yamlbomb/"],
    "spreadsheet formulas in cells": ["csv_formulas"],
    "symlinks leaving the corpus": ["links/"],
}


def _w(folder: Path, rel: str, data: bytes | str, rows: int, expected: dict[str, int]) -> Path:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    expected[rel] = rows
    return path


def _dates(folder: Path, expected: dict[str, int]) -> None:
    """One CSV, one JSONL per hostile date (plus a good row each, so the file always loads)."""
    for i, value in enumerate(HOSTILE_DATES):
        cell = '"' + value.replace('"', '""') + '"'
        _w(folder, f"date_{i:02d}.csv", "title,text,date\n"
           f"Hostile {i},Kyiv reported shelling overnight.,{cell}\n"
           f"Good {i},Kharkiv was quiet.,2024-08-12\n", 2, expected)
        _w(folder, f"date_{i:02d}.jsonl",
           json.dumps({"title": f"J{i}", "text": "Odesa port was hit.", "date": value}) + "\n", 1,
           expected)


def _encodings(folder: Path, expected: dict[str, int]) -> None:
    body = "Київ: Russian drones struck the capital overnight, officials said.\n\nMore text."
    cases = {
        "enc_utf8.txt": body.encode("utf-8"),
        "enc_utf8_bom.txt": b"\xef\xbb\xbf" + body.encode("utf-8"),
        "enc_utf16_le.txt": body.encode("utf-16"),
        "enc_utf16_be.txt": b"\xfe\xff" + body.encode("utf-16-be"),
        "enc_utf16_no_bom.txt": body.encode("utf-16-le"),
        "enc_utf16_broken.txt": b"\xff\xfe" + b"\x00\xd8A\x00",
        "enc_cp1252.txt": "Caf\u00e9 \u2013 \u201cquoted\u201d text from Kyiv.".encode("cp1252"),
        "enc_utf8_stray_cp1252.txt": ("Київ " * 50).encode() + b"\x92" + b" tail of the article.",
        "enc_latin1_undefined.txt": b"Text with undefined cp1252 bytes \x81\x8d\x8f\x90\x9d.",
        "enc_nul_bytes.txt": b"Text\x00with\x00NUL bytes.",
        "enc_nul_late.txt": b"A" * 70000 + b"\x00 late NUL",
        "enc_zero_width.txt": "Ky\u200biv\u200d was \ufeffhit\u2060 overnight.".encode(),
        "enc_rtl_marks.txt": "\u202eKyiv\u202c was hit \u200f\u200e overnight. \u05e9\u05dc\u05d5\u05dd".encode(),
        "enc_mixed_newlines.txt": b"Title line\r\n\r\nFirst para.\rSecond para.\n\nThird.\r\n",
        "enc_only_cr.txt": b"Title\r\rBody one.\rBody two.\r",
        "enc_control_chars.txt": bytes(range(1, 32)) + b" Kyiv text",
        "enc_bidi_isolates.txt": "\u2066Kyiv\u2069 \u2067Kharkiv\u2069 were shelled.".encode(),
        "enc_combining.txt": ("e\u0301" * 1000 + " Kyiv.").encode(),
        "enc_emoji.txt": "Kyiv 🇺🇦 was hit 💥 overnight 👀.".encode(),
        "enc_surrogate_bytes.txt": b"Text \xed\xa0\x80 surrogate bytes \xf4\x90\x80\x80.",
        "enc_overlong.txt": b"Overlong \xc0\xaf slash and \xe0\x80\xaf.",
        "enc_bom_only.txt": b"\xef\xbb\xbf",
        "enc_whitespace_only.txt": b" \n\t\r\n  ",
        "enc_empty.txt": b"",
        "enc_nbsp_only.txt": "\u00a0\u2003\u3000".encode(),
    }
    for rel, data in cases.items():
        _w(folder, rel, data, 1, expected)


def _junk(folder: Path, expected: dict[str, int]) -> None:
    """Random bytes under every supported extension and a few unsupported ones."""
    rng = random.Random(20240812)
    for ext in (".txt", ".csv", ".tsv", ".json", ".jsonl", ".html", ".htm", ".xlsx", ".parquet",
                ".docx", ".pdf", ""):
        for k in range(2):
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
            if k == 1:
                data = data.replace(b"\x00", b"\x01")  # junk without NUL: not caught as binary
            name = f"junk_{k}_{ext.lstrip('.') or 'noext'}{ext}"
            # A junk CSV/TSV/JSONL may parse into any number of records: make it one line.
            if ext in (".csv", ".tsv", ".jsonl"):
                data = b"x" + data.replace(b"\n", b" ").replace(b"\r", b" ").replace(b'"', b"'")
                if ext != ".jsonl":
                    data = b"text\n" + data
            _w(folder, name, data, 1, expected)
    _w(folder, "wrong_ext_csv_named.json", "title,text\nA,Body.\n", 1, expected)
    # a JSON file named .csv is one header line and no data rows: 0 records (with a warning)
    _w(folder, "wrong_ext_json_named.csv", '[{"title": "A", "text": "Body."}]\n', 0, expected)
    _w(folder, "wrong_ext_upper.TXT", "Kyiv text in an upper-case extension.\n", 1, expected)
    _w(folder, "wrong_ext.docx", b"PK\x03\x04 not really a docx", 1, expected)
    _w(folder, "wrong_ext_html_named.txt", "<html><body><p>Tagged text.</p></body></html>", 1, expected)
    _w(folder, "wrong_ext_zip.xlsx", b"PK\x03\x04" + b"\x00" * 100, 1, expected)
    _w(folder, "wrong_ext_text.parquet", "not a parquet file at all\n", 1, expected)
    _w(folder, "wrong_ext_text.xlsx", "title,text\nA,b\n", 1, expected)


def _csv(folder: Path, expected: dict[str, int]) -> None:
    h = "title,text,date\n"
    rows = [f"T{i},Body number {i} about Kyiv.,2024-08-{i + 10:02d}\n" for i in range(5)]
    cases = {
        # an opening quote never closed: record 2 is rejected, the others still load
        "csv_unterminated_quote.csv": (h + rows[0] + 'T1,"Body that never ends,2024-08-11\n'
                                       + "".join(rows[2:]), 5),
        "csv_unterminated_last_col.csv": ("title,date,text\nA,2024-01-01,\"unterminated body\n"
                                          "B,2024-01-02,second body\nC,2024-01-03,third\n", 3),
        "csv_dup_header.csv": ("title,text,text\nA,b,c\nB,x,y,z\nC,d,e\n", 3),
        "csv_dup_header_title.csv": ("title,text,title\nA,b,c\nB,x,y,z\n", 2),
        "csv_header_repeated.csv": (h + h + rows[0] + "bad,row\n", 3),
        "csv_only_header.csv": (h, 0),
        "csv_blank_lines.csv": (h + "\n\n" + rows[0] + "\n,,\n" + rows[1], 3),
        "csv_semicolon.csv": ("title;text;date\nA;Body;2024-01-01\nB;Body two;x\n", 2),
        "csv_ragged.csv": (h + "A,b\nB,c,d,e,f\nC,d,2024-01-01\n", 3),
        "csv_quotes_inside.csv": (h + 'A,"He said ""go"" now",2024-01-01\nB,say "hi" x,2024\n', 2),
        "csv_formulas.csv": ("title,text,outlet\n=HYPERLINK(\"http://evil\"),=1+1 body,@SUM(A1)\n"
                             "+cmd,-2 dead,\"\tTab\"\n", 2),
        "csv_mathtext_outlet.csv": ("title,text,outlet\nA,Body one.,$\\frac{1}{0}$ News\n"
                                    "B,Body two.,$x^$ Daily\n", 2),
        "csv_bigint.csv": ("title,text,n\nA,Body.,123456789012345678901234567890\n", 1),
        "csv_crlf_bom.csv": ("\ufefftitle,text\r\nA,Body one.\r\nB,Body two.\r\n", 2),
        "csv_no_text_column.csv": ("foo,bar\n1,2\n3,4\n", 2),
        "csv_empty_text.csv": (h + "A,,2024-01-01\nB,   ,2024\n", 2),
        "csv_huge_field.csv": (h + "A," + "word " * 200000 + ",2024-01-01\n", 1),
        "csv_many_columns.csv": (",".join(["title", "text"] + [f"c{i}" for i in range(3000)]) + "\n"
                                 + ",".join(["A", "Body."] + ["x"] * 3000) + "\n", 1),
        "csv_nul_after_64k.csv": (h + "A," + "x" * 70000 + "\x00,2024\n", 1),
        "tsv_plain.tsv": ("title\ttext\nA\tBody one.\nB\tBody\ttwo\n", 2),
        "csv_backslashes.csv": (h + 'A,"C:\\\\path\\",2024\n', 1),
        "csv_lone_quote_line.csv": (h + '"\n', 1),
    }
    for rel, (text, n) in cases.items():
        _w(folder, rel, text, n, expected)


def _json(folder: Path, expected: dict[str, int]) -> None:
    deep = "[" * 100000 + "]" * 100000
    wide = [{"title": f"T{i}", "text": f"Body {i}.", "meta": {f"key_{i}": i}} for i in range(3000)]
    cases = {
        "json_text_list.json": (json.dumps([{"title": "A", "text": ["Para one.", "Para two."]}]), 1),
        "json_date_list.json": (json.dumps([{"title": "A", "text": "Body.", "date": ["2024-08-12", "x"]},
                                            {"title": "B", "text": "Body.", "date": []},
                                            {"title": "C", "text": "Body.", "date": {"y": 1}}]), 3),
        "json_deep.json": (deep, 1),
        "jsonl_deep.jsonl": ('{"title": "A", "text": "ok"}\n' + deep + "\n", 2),
        "json_deep_object.json": ('[{"title": "A", "text": "Body.", "x": ' + '{"a": ' * 5000 + "1"
                                  + "}" * 5000 + "}]", 1),
        "json_surrogate.json": ('[{"title": "A\\ud800", "text": "x\\udfff y \\ud83d\\ude00"}]', 1),
        "json_surrogate_key.json": ('[{"\\ud800": 1, "text": "Body."}]', 1),
        "json_bigint.json": ('[{"title": "A", "text": "Body.", "n": 123456789012345678901234567890},'
                             '{"title": "B", "text": "Body.", "n": 1}]', 2),
        "json_two_lists.json": (json.dumps({"articles": [{"title": "A", "text": "a"}],
                                            "more": [{"title": "B", "text": "b"},
                                                     {"title": "C", "text": "c"}]}), 3),
        "json_wide.json": (json.dumps(wide), 3000),
        "json_scalars.json": ("[1, \"two\", null, true, {\"text\": \"ok\"}]", 5),
        "json_top_scalar.json": ("42", 1),
        "json_top_string.json": ('"just a string"', 1),
        "json_null.json": ("null", 1),
        "json_empty_list.json": ("[]", 0),
        "json_empty_object.json": ("{}", 1),
        "json_nan.json": ('[{"title": NaN, "text": Infinity, "date": -Infinity}]', 1),
        "json_dup_keys.json": ('[{"text": "first", "text": "second"}]', 1),
        "json_number_text.json": ('[{"title": 1, "text": 12345}, {"text": true}, {"text": 1.5e308}]', 3),
        "json_trailing_comma.json": ('[{"text": "a"},]', 1),
        "json_bom.json": ("\ufeff" + json.dumps([{"text": "Body with BOM."}]), 1),
        "json_nested_source.json": (json.dumps({"articles": [{"title": "A", "text": "b",
                                                              "source": {"name": {"x": [1]}}}]}), 1),
        "jsonl_mixed.jsonl": ('{"text": "ok"}\n\n[1,2]\nnot json\n"str"\n{"text": ["a", "b"]}\n', 5),
        "jsonl_crlf.jsonl": ('{"text": "one"}\r\n{"text": "two"}\r\n', 2),
        "json_text_nested_list.json": (json.dumps([{"text": [["a", "b"], {"p": "c"}, "d"]}]), 1),
    }
    for rel, (text, n) in cases.items():
        _w(folder, rel, text, n, expected)


def _txt(folder: Path, expected: dict[str, int]) -> None:
    cases = {
        "txt_question_chain.txt": "b? " * 40000,
        "txt_exclaim_chain.txt": "wow! " * 20000,
        "txt_dots.txt": "." * 100000,
        "txt_huge_line.txt": "Kyiv " * 200000,
        "txt_one_char.txt": "x",
        "txt_boilerplate_only.txt": "Comments\n\nShare\n\nAdvertisement\n",
        "txt_title_only.txt": "Putin rules out talks (video)\n\nPutin rules out talks (video)\n",
        "txt_long_word.txt": "a" * 300000,
        "txt_many_paragraphs.txt": "Para.\n\n" * 20000,
        "txt_tabs.txt": "\t\tTabbed\ttext\t\n\t",
        "txt_html_like.txt": "<script>alert(1)</script> Kyiv text",
        "txt_numbers.txt": " ".join(str(i) for i in range(20000)),
        "txt_abbrev_chain.txt": "Mr. Dr. St. No. " * 5000,
        "txt_quotes_chain.txt": '"Why?" ' * 10000,
        "txt_entity_dense.txt": "Putin Zelensky Biden Kyiv Moscow " * 4000,
        "30000101T000000Z_UA_en_1d3757904e.txt": "Body of a GDELT-named file dated in year 3000.",
        "20000101T000000Z_gdelt_UA_en_00.txt": "Body of a file with a GDELT-like name.",
        "99999999T999999Z_UA_en_abcdef.txt": "Body with an impossible GDELT date.",
    }
    for rel, text in cases.items():
        _w(folder, rel, text, 1, expected)
    path = _w(folder, "txt_unreadable.txt", "You should not be able to read this.", 1, expected)
    os.chmod(path, 0)  # loaded as root, rejected otherwise: one record either way


def _html(folder: Path, expected: dict[str, int]) -> None:
    cases = {
        "html_scripts_only.html": "<html><head><script>var a=1;</script></head><body>"
                                  "<script>alert(1)</script><style>p{}</style></body></html>",
        "html_empty.html": "<html></html>",
        "html_unclosed.html": "<html><body><p>Kyiv was hit <b>overnight<div><p>More",
        "html_date_3000.html": '<html><head><meta property="article:published_time" '
                               'content="3000-01-01T00:00:00Z"></head><body><p>'
                               + "Kyiv was hit overnight, officials said. " * 20 + "</p></body></html>",
        "html_entities.htm": "<p>&#0; &#xD800; &#x110000; &bogus; &amp;amp; Kyiv.</p>",
        "html_deep.html": "<div>" * 20000 + "Deep text." + "</div>" * 20000,
        "html_comment_bomb.html": "<!--" + "x" * 100000 + "<p>never closed",
        "html_meta_junk.html": '<meta property="og:url" content="javascript:alert(1)">'
                               '<meta property="og:title" content="=cmd|calc"><p>Body text.</p>',
    }
    for rel, text in cases.items():
        _w(folder, rel, text, 1, expected)
    # Larger than MAX_HTML_BYTES but under 10 MB: rejected before any parsing.
    _w(folder, "html_huge.html", "<html><body>" + "<p>Kyiv text para.</p>\n" * 330000
       + "</body></html>", 1, expected)


def _xlsx(folder: Path, expected: dict[str, int]) -> None:
    import openpyxl

    def book(rel: str, fill, rows: int) -> None:
        wb = openpyxl.Workbook()
        fill(wb)
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
        expected[rel] = rows

    def merged(wb):
        ws = wb.active
        ws.append(["outlet", "title", "text"])
        ws.append(["BBC", "t1", "Body one."])
        ws.append([None, "t2", "Body two."])
        ws.append([None, "t3", "Body three."])
        ws.append(["CNN", "t4", "Body four."])
        ws.merge_cells("A2:A4")

    def xfd(wb):
        ws = wb.active
        ws["A1"], ws["A2"], ws["XFD1048576"] = "text", "Body in A2.", "far away"

    def far_row(wb):
        ws = wb.active
        ws["A1"], ws["A2"], ws["A5000"] = "text", "Body in A2.", "Body in A5000."

    def dates(wb):
        from datetime import datetime
        ws = wb.active
        ws.append(["title", "text", "date"])
        ws.append(["A", "Body.", datetime(9999, 12, 31)])
        ws.append(["B", "Body.", datetime(1, 1, 1)])
        ws.append(["C", "Body.", datetime(2024, 8, 12)])

    def formulas(wb):
        ws = wb.active
        ws.append(["title", "text"])
        ws.append(["=1+1", "=HYPERLINK(\"http://x\")"])
        for cell in ws[2]:
            cell.data_type = "s"  # stored as text, as a scraped title would be

    def empty(wb):
        pass

    def two_sheets(wb):
        wb.active.append(["text"])
        wb.active.append(["Body on sheet 1."])
        other = wb.create_sheet("Other")
        other.append(["nothing", "useful"])
        other.append([1, 2])

    book("xlsx_merged.xlsx", merged, 4)
    book("xlsx_xfd.xlsx", xfd, 1)
    book("xlsx_far_row.xlsx", far_row, 2)
    book("xlsx_date_9999.xlsx", dates, 3)
    book("xlsx_formulas.xlsx", formulas, 1)
    book("xlsx_empty.xlsx", empty, 1)
    book("xlsx_two_sheets.xlsx", two_sheets, 0)
    del expected["xlsx_two_sheets.xlsx"]
    expected["xlsx_two_sheets.xlsx[Sheet]"] = 1
    expected["xlsx_two_sheets.xlsx[Other]"] = 1


def _parquet(folder: Path, expected: dict[str, int]) -> None:
    import pandas as pd

    def save(rel: str, frame: pd.DataFrame) -> None:
        frame.to_parquet(folder / rel)
        expected[rel] = len(frame)

    far = pd.Series([pd.Timestamp("2300-01-01").as_unit("us")], dtype="datetime64[us]") \
        if hasattr(pd.Timestamp, "as_unit") else None
    save("parquet_date_2300.parquet", pd.DataFrame({"text": ["Body."], "date": far}))
    save("parquet_tz_aware.parquet", pd.DataFrame({"text": ["Aware."],
                                                   "date": pd.to_datetime(["2024-08-12T10:00+03:00"])}))
    save("parquet_tz_naive.parquet", pd.DataFrame({"text": ["Naive."],
                                                   "date": pd.to_datetime(["2024-08-12T10:00"])}))
    save("parquet_no_text.parquet", pd.DataFrame({"a": [1, 2]}))
    save("parquet_empty.parquet", pd.DataFrame({"text": pd.Series([], dtype=str)}))
    save("parquet_bigints.parquet", pd.DataFrame({"text": ["x"], "n": [2**63 - 1]}))
    save("parquet_lists.parquet", pd.DataFrame({"text": [["a", "b"]], "date": ["2024-01-01"]}))


def _folders(folder: Path, expected: dict[str, int]) -> None:
    for side in ("a", "b"):
        _w(folder, f"twins/{side}/same.txt", "Identical article body in two folders.", 1, expected)
    _w(folder, "deep/" + "/".join(f"d{i}" for i in range(30)) + "/leaf.txt", "Deep leaf.", 1, expected)
    _w(folder, ".hidden/secret.txt", "hidden", 0, expected)
    _w(folder, ".dotfile.txt", "hidden", 0, expected)
    _w(folder, "README.md", "# docs", 0, expected)
    _w(folder, "~$lock.xlsx", b"lock", 0, expected)
    for rel in (".hidden/secret.txt", ".dotfile.txt", "README.md", "~$lock.xlsx"):
        del expected[rel]
    # A manifest that is a YAML alias bomb: ignored with a warning, the files still load.
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    (folder / "yamlbomb").mkdir()
    (folder / "yamlbomb" / "sources.yml").write_text(bomb)
    _w(folder, "yamlbomb/article.txt", "Body next to a YAML bomb.", 1, expected)
    # A manifest saying day-first: 01/02/2024 is 1 February here.
    (folder / "dayfirst").mkdir()
    (folder / "dayfirst" / "sources.yml").write_text("'*.csv':\n  dayfirst: true\n")
    _w(folder, "dayfirst/dates.csv", "title,text,date\nA,Body.,01/02/2024\n", 1, expected)
    (folder / "badmanifest").mkdir()
    (folder / "badmanifest" / "sources.yml").write_text("- just\n- [a, list]\n: : :\n")
    _w(folder, "badmanifest/article.txt", "Body next to a broken manifest.", 1, expected)


def _links(folder: Path, expected: dict[str, int]) -> None:
    outside = folder.parent / (folder.name + "_outside")
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text("Secret text outside the corpus.")
    (folder / "links").mkdir()
    try:
        os.symlink(outside / "secret.txt", folder / "links" / "to_outside.txt")
        os.symlink(outside, folder / "links" / "to_outside_dir")
        os.symlink(folder / "links" / "missing.txt", folder / "links" / "broken.txt")
        os.symlink("/etc/passwd", folder / "links" / "passwd.csv")
    except OSError:  # no symlinks on this platform
        return
    expected.update({"links/to_outside.txt": 1, "links/to_outside_dir": 1, "links/broken.txt": 1,
                     "links/passwd.csv": 1})
    _w(folder, "links/real.txt", "A real file among links.", 1, expected)


def build(folder: Path, *, large: bool = True) -> dict[str, int]:
    """Write the hostile corpus into ``folder``; return ``{source_file: records it holds}``.

    ``large=False`` leaves out the inputs of a megabyte or more.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, int] = {}
    _dates(folder, expected)
    _encodings(folder, expected)
    _junk(folder, expected)
    _csv(folder, expected)
    _json(folder, expected)
    _txt(folder, expected)
    _html(folder, expected)
    _xlsx(folder, expected)
    _parquet(folder, expected)
    _folders(folder, expected)
    _links(folder, expected)
    if not large:
        for rel in ("html_huge.html", "csv_huge_field.csv", "json_wide.json"):
            (folder / rel).unlink()
            del expected[rel]
    return expected
