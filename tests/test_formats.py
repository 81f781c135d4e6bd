"""Analysts' exports load as they are: Media Cloud, GDELT DOC/GKG, RSS and Atom feeds."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.corpus import accounting, load_corpus, rejects_of
from analysis.formats import detect_export, gdelt_tone, read_feed

MEDIA_CLOUD = """id,indexed_date,language,media_name,media_url,publish_date,title,url
a1b2,2024-08-13 01:02:03,en,kyivindependent.com,kyivindependent.com,2024-08-12 10:00:00,Ukraine advances in Kursk,https://kyivindependent.com/ukraine-advances/
c3d4,2024-08-13 01:05:00,en,tass.com,tass.com,2024-08-12 11:30:00,Kursk region repels Ukrainian attack,https://tass.com/politics/1
"""

GDELT_DOC = """url,url_mobile,title,seendate,socialimage,domain,language,sourcecountry
https://www.ukrinform.net/rubric-ato/1.html,,Kyiv hit by drones,20240812T101500Z,,ukrinform.net,English,Ukraine
https://www.bbc.co.uk/news/world-1,,Ukraine pushes into Russia,20240812T120000Z,,bbc.co.uk,English,United Kingdom
"""

GDELT_GKG = ("GKGRECORDID\tDATE\tSourceCollectionIdentifier\tSourceCommonName\tDocumentIdentifier\tV2Tone\tExtras\n"
             "20240812101500-12\t20240812101500\t1\tnytimes.com\thttps://www.nytimes.com/2024/08/12/world/kursk.html"
             "\t-4.12,1.5,5.62,7.12,22.1,0.5,532\t<PAGE_TITLE>Ukraine Presses Its Attack in Kursk</PAGE_TITLE>\n")

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Ukrinform</title><link>https://www.ukrinform.net</link>
<item><title>Kyiv hit by drones</title><link>https://www.ukrinform.net/1</link>
<pubDate>Mon, 12 Aug 2024 10:15:00 GMT</pubDate><dc:creator>Staff</dc:creator><category>War</category>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>Russian drones struck <b>Kyiv</b> overnight.</p><p>Air defence shot down 20.</p><script>evil()</script>]]></content:encoded></item>
<item><title>Teaser only</title><link>https://www.ukrinform.net/2</link><pubDate>Tue, 13 Aug 2024 09:00:00 +0300</pubDate>
<description>&lt;p&gt;Zelensky visited the front.&lt;/p&gt;</description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Meduza in English</title>
<entry><title>Border fighting continues</title><link rel="alternate" href="https://meduza.example/a"/>
<link rel="enclosure" href="https://meduza.example/a.mp3"/><id>tag:meduza,2024:a</id>
<published>2024-08-12T08:00:00+03:00</published><updated>2024-08-12T09:00:00Z</updated>
<author><name>Meduza</name></author><summary type="html">&lt;p&gt;Fighting in the Kursk region continues.&lt;/p&gt;</summary>
</entry></feed>
"""


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_media_cloud_export_keeps_each_rows_outlet_not_the_file_name(tmp_path):
    arts = load_corpus(write(tmp_path, "mc-story-list.csv", MEDIA_CLOUD))
    assert arts["outlet"].tolist() == ["kyivindependent.com", "tass.com"]
    assert arts["published"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2024-08-12 10:00", "2024-08-12 11:30"]
    assert arts["title"].tolist()[0] == "Ukraine advances in Kursk"
    assert arts["url"].tolist()[1] == "https://tass.com/politics/1"
    assert arts["text_source"].eq("title").all() and arts["lang"].eq("en").all()
    assert {"media_url", "indexed_date", "id"} <= set(arts.columns)  # the rest comes along


def test_a_mapping_that_names_media_name_still_wins(tmp_path):
    arts = load_corpus(write(tmp_path, "mc.csv", MEDIA_CLOUD), mapping={"outlet": "media_url"})
    assert arts["outlet"].tolist() == ["kyivindependent.com", "tass.com"]


def test_gdelt_doc_export_gives_outlet_country_and_seendate(tmp_path):
    arts = load_corpus(write(tmp_path, "gdelt_artlist.csv", GDELT_DOC))
    assert arts[["outlet", "country"]].values.tolist() == [["ukrinform.net", "Ukraine"], ["bbc.co.uk", "United Kingdom"]]
    assert arts["published"].tolist()[0] == pd.Timestamp("2024-08-12 10:15", tz="UTC")
    assert arts["lang"].eq("en").all()


def test_gdelt_doc_api_json_loads_too(tmp_path):
    import json

    doc = {"articles": [{"url": "https://e.example/1", "title": "Kursk incursion widens", "seendate": "20240813T080000Z",
                         "domain": "e.example", "language": "English", "sourcecountry": "Poland"}]}
    arts = load_corpus(write(tmp_path, "artlist.json", json.dumps(doc)))
    assert arts.loc[0, ["outlet", "country", "title"]].tolist() == ["e.example", "Poland", "Kursk incursion widens"]


def test_gdelt_gkg_rows_give_url_outlet_date_title_and_tone(tmp_path):
    arts = load_corpus(write(tmp_path, "gkg.tsv", GDELT_GKG))
    row = arts.iloc[0]
    assert row["outlet"] == "nytimes.com" and row["url"].startswith("https://www.nytimes.com/")
    assert row["title"] == "Ukraine Presses Its Attack in Kursk"
    assert row["published"] == pd.Timestamp("2024-08-12 10:15", tz="UTC")
    assert row["gdelt_tone"] == pytest.approx(-4.12)


def test_gdelt_tone_is_the_first_v2tone_field():
    assert gdelt_tone(pd.Series(["1.5,2,3", "x"])).tolist()[0] == 1.5


def test_other_tables_are_left_alone():
    assert detect_export(["headline", "body", "link", "date", "source"]) is None


def test_rss_items_become_articles_with_the_feed_title_as_outlet(tmp_path):
    arts = load_corpus(write(tmp_path, "ukrinform.rss", RSS))
    assert arts["title"].tolist() == ["Kyiv hit by drones", "Teaser only"]
    assert arts["outlet"].eq("Ukrinform").all()
    assert arts.loc[0, "text"] == "Russian drones struck Kyiv overnight.\n\nAir defence shot down 20."
    assert arts.loc[1, "text"] == "Zelensky visited the front."
    assert arts["published"].tolist() == [pd.Timestamp("2024-08-12 10:15", tz="UTC"),
                                          pd.Timestamp("2024-08-13 06:00", tz="UTC")]
    assert arts.loc[0, "url"] == "https://www.ukrinform.net/1"
    assert {"author", "categories", "guid"} & set(arts.columns)


def test_atom_entries_use_the_alternate_link_and_published_date(tmp_path):
    arts = load_corpus(write(tmp_path, "meduza.atom", ATOM))
    row = arts.iloc[0]
    assert row["url"] == "https://meduza.example/a" and row["outlet"] == "Meduza in English"
    assert row["published"] == pd.Timestamp("2024-08-12 05:00", tz="UTC")
    assert row["text"] == "Fighting in the Kursk region continues."


def test_xml_that_is_not_a_feed_is_rejected_with_a_reason(tmp_path):
    write(tmp_path, "sitemap.xml", "<urlset><url><loc>https://e.example</loc></url></urlset>")
    write(tmp_path, "broken.rss", "<rss><channel><item><title>x</item></rss>")
    write(tmp_path, "ok.rss", RSS)
    arts = load_corpus(tmp_path)
    reasons = dict(zip(rejects_of(arts)["source_file"], rejects_of(arts)["reason"]))
    assert "not an RSS or Atom feed" in reasons["sitemap.xml"]
    assert "not well-formed XML" in reasons["broken.rss"]
    acc = accounting(arts).set_index("source_file")
    assert acc.loc["ok.rss", "loaded"] == 2


def test_feeds_never_expand_entities_or_fetch_anything():
    bomb = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
    <!ENTITY ext SYSTEM "file:///etc/passwd">]><rss><channel><title>t</title><item><title>&b;&ext;</title>
    <description>x</description></item></channel></rss>"""
    items, _ = read_feed(bomb)
    title = items.loc[0, "title"] or ""
    assert "aaaaaaaaaa" not in title and "root:" not in title
