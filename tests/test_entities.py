"""Entities: gazetteer, mention extraction, discovery, aggregates, NER scoring, gold set."""

from __future__ import annotations

import json
import random
import re
import unicodedata

import pandas as pd
import pytest

from analysis import entities as ent
from analysis.entities import (
    ENTITY_TYPES,
    MENTION_COLUMNS,
    cooccurrence,
    discovered_entities,
    entity_counts,
    export_network,
    load_gazetteer,
    mentions,
    naming_variants,
    to_network,
)
from analysis.evaluation import ner


def arts(*texts, outlet=None):
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "text": list(texts),
                         "outlet": outlet or ["X"] * len(texts)})


def found(frame):
    return [(r.surface, r.entity_id, r.method) for r in frame.itertuples()]


# -- gazetteer ---------------------------------------------------------------------------

def test_gazetteer_has_over_300_entities_with_valid_types_sides_and_unique_ids():
    g = load_gazetteer()
    e = g.entities
    assert len(e) >= 300
    assert e["entity_id"].is_unique
    assert set(e["type"]) <= set(ENTITY_TYPES)
    assert set(e["side"]) <= set(ent.SIDES)
    assert all(re.match(r"^[a-z_]+:[a-z0-9_]+$", i) for i in e["entity_id"])


def test_gazetteer_knows_the_spelling_families_of_places_and_people():
    v = load_gazetteer().surfaces
    fam = dict(zip(zip(v["entity_id"], v["surface"]), v["variant"]))
    assert fam[("city:kyiv", "Kiev")] == "russian_transliteration"
    assert fam[("city:kyiv", "Kyiv")] == "ukrainian_national"
    for s in ("Zelenskyy", "Zelensky", "Zelenskiy", "Zelenskij"):
        assert ("person:volodymyr_zelenskyy", s) in fam
    for city, spellings in {"city:kharkiv": ["Kharkov"], "city:odesa": ["Odessa"], "loc:donbas": ["Donbass"],
                            "city:zaporizhzhia": ["Zaporozhye", "Zaporizhzhya"], "city:mykolaiv": ["Nikolaev"]}.items():
        for s in spellings:
            assert (city, s) in fam


def test_load_gazetteer_extra_adds_a_promoted_entity_and_extends_an_existing_one():
    g = load_gazetteer(extra=[
        {"id": "city:novomykhailivka", "name": "Novomykhailivka", "type": "GPE", "side": "ukraine"},
        {"id": "city:kyiv", "name": "Kyiv", "type": "GPE", "aliases": ["Kyjiw"]},
    ])
    m = mentions(arts("Shelling hit Novomykhailivka and Kyjiw."), gazetteer=g)
    assert found(m) == [("Novomykhailivka", "city:novomykhailivka", "gazetteer"), ("Kyjiw", "city:kyiv", "gazetteer")]
    assert "city:novomykhailivka" not in load_gazetteer().info  # the default is untouched


def test_a_malformed_gazetteer_entry_is_rejected_with_its_id():
    with pytest.raises(ValueError, match="type"):
        load_gazetteer(extra=[{"id": "x:y", "name": "Y", "type": "ANIMAL"}])


# -- extraction -----------------------------------------------------------------------------

def test_mentions_have_the_documented_columns_and_exact_article_offsets(seed_articles):
    m = mentions(seed_articles)
    assert list(m.columns) == MENTION_COLUMNS
    text = seed_articles["text"].iat[0]
    assert len(m) > 10
    assert m["surface"].tolist() == [text[s:e] for s, e in zip(m["start"], m["end"])]
    assert {"person:vladimir_putin", "region:kursk", "city:kyiv"} <= set(m["entity_id"])


@pytest.mark.parametrize("surface", ["Vladimir Putin", "Ukrainian Armed Forces", "Russian Defense Ministry"])
def test_multi_word_mentions_start_and_end_where_the_name_is_in_the_text(seed_articles, surface):
    text = seed_articles["text"].iat[0]
    expected_start = text.index(surface)  # found independently of the extractor
    m = mentions(seed_articles)
    first = m[m["surface"] == surface].iloc[0]
    assert (first["start"], first["end"]) == (expected_start, expected_start + len(surface))


def test_a_multi_word_name_at_a_known_offset():
    m = mentions(arts("On Monday Vladimir Putin met the Russian Defense Ministry."))
    rows = m[["surface", "start", "end"]].values.tolist()
    assert ["Vladimir Putin", 10, 24] in rows and ["Russian Defense Ministry", 33, 57] in rows


def test_lookup_is_longest_match_case_aware_and_leaves_possessives_out():
    m = mentions(arts("Let us see: the US said Russia's army left the Kharkiv region, not Kharkiv."))
    assert found(m)[:1] == [("US", "country:united_states", "gazetteer")]
    assert ("Russia", "country:russia", "gazetteer") in found(m)
    assert ("Kharkiv region", "oblast:kharkiv", "gazetteer") in found(m)
    assert ("Kharkiv", "city:kharkiv", "gazetteer") in found(m)
    assert not any(s == "us" for s, _, _ in found(m))


def test_a_match_never_runs_into_a_word():
    assert mentions(arts("Under 50 U.S.C. 1701 the order applies."), discover=False).empty


def test_ambiguous_surnames_count_only_after_the_full_name():
    alone = mentions(arts("Austin is a city in Texas."), discover=False)
    assert "person:lloyd_austin" not in set(alone["entity_id"])
    both = mentions(arts("Lloyd Austin flew to Kyiv. Austin met troops."), discover=False)
    assert ("Austin", "person:lloyd_austin", "short_form") in found(both)


def test_metonyms_map_to_the_government():
    m = mentions(arts("The Kremlin and the Pentagon disagreed."))
    assert ("Kremlin", "org:russian_government", "metonym") in found(m)
    assert ("Pentagon", "org:us_department_of_defense", "metonym") in found(m)


def test_descriptions_nest_around_names_and_are_dropped_when_the_person_is_named():
    m = mentions(arts("The President of Ukraine spoke. Russian President Vladimir Putin replied."))
    assert ("President of Ukraine", "person:volodymyr_zelenskyy", "description") in found(m)
    assert ("Ukraine", "country:ukraine", "gazetteer") in found(m)
    assert [s for s, e, _ in found(m) if e == "person:vladimir_putin"] == ["Vladimir Putin"]


def test_demonyms_are_not_places_but_armed_forces_phrases_are_descriptions():
    m = mentions(arts("Ukrainian officials said Russian forces withdrew."))
    assert "country:ukraine" not in set(m["entity_id"]) and "country:russia" not in set(m["entity_id"])
    assert ("Russian forces", "unit:russian_armed_forces", "description") in found(m)


def test_discovery_types_unknown_names_by_cues_and_skips_sentence_initial_words():
    m = mentions(arts("However, Gen. Ivan Petrenko said the village of Novomykhailivka fell. "
                      "The Ministry of Agrarian Policy agreed. Later Petrenko left."))
    d = {r.surface: r.type for r in m.itertuples() if r.method in ("discovered", "short_form")}
    assert d["Ivan Petrenko"] == "PERSON"
    assert d["Novomykhailivka"] == "GPE"
    assert d["Ministry of Agrarian Policy"] == "ORG"
    assert d["Petrenko"] == "PERSON"
    assert not {"However", "The", "Later"} & set(d)
    short = m[m["surface"] == "Petrenko"]
    assert short["method"].iat[0] == "short_form" and short["entity_id"].iat[0] == "new:ivan_petrenko"


def test_a_place_name_and_an_organisation_head_form_one_discovered_name():
    m = mentions(arts("The Kharkiv Regional Military Administration reported shelling."))
    assert ("Kharkiv Regional Military Administration", "ORG") in [(r.surface, r.type) for r in m.itertuples()]
    assert "city:kharkiv" not in set(m["entity_id"])


def test_discovered_entities_is_a_review_table_sorted_by_frequency():
    m = mentions(arts("Officials in Novomykhailivka said so.", "Novomykhailivka was hit; Vuhlehirsk too."))
    d = discovered_entities(m)
    assert list(d.columns) == ["entity_id", "surface", "guessed_type", "count", "n_articles", "examples"]
    assert d.iloc[0].to_dict()["surface"] == "Novomykhailivka"
    assert d.iloc[0]["count"] == 2 and d.iloc[0]["n_articles"] == 2


@pytest.mark.parametrize("text,expected", [
    ("", {}), ("   ", {}), ("?!...;;", {}), ("\n\n\n", {}), ("A", {}),
    ("Putin. " * 25_000, {"person:vladimir_putin": 25_000}),
])
def test_bad_input_gives_exactly_the_expected_mentions(text, expected):
    m = mentions(arts(text))
    assert list(m.columns) == MENTION_COLUMNS
    assert m["entity_id"].value_counts().to_dict() == expected


def test_cyrillic_text_does_not_crash_and_finds_the_gazetteer_person():
    m = mentions(arts("Київ — столиця України. Зеленський сказав."))
    assert list(m.columns) == MENTION_COLUMNS
    assert m.loc[m["surface"] == "Зеленський", "entity_id"].tolist() == ["person:volodymyr_zelenskyy"]


def test_empty_frame_gives_empty_results_everywhere():
    m = mentions(pd.DataFrame({"article_id": [], "text": []}))
    assert m.empty and list(m.columns) == MENTION_COLUMNS
    assert discovered_entities(m).empty
    assert cooccurrence(m).empty
    assert naming_variants(m, None, by=None).empty


def test_the_spacy_backend_explains_how_to_install_it():
    import importlib.util

    if importlib.util.find_spec("spacy") is not None:  # pragma: no cover - depends on the environment
        pytest.skip("spaCy is installed here, so the missing-extra message cannot be shown")
    with pytest.raises(ImportError, match=r"pip install 'war-coverage-analysis\[spacy\]'"):
        mentions(arts("Putin spoke."), backend="spacy")


def test_an_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="backend"):
        mentions(arts("x"), backend="bert")


# -- aggregates --------------------------------------------------------------------------------

def test_entity_counts_are_per_10k_words_with_first_and_last_appearance():
    a = arts("Putin spoke in Kyiv today.", "Putin again.", "Kyiv and Kiev.", outlet=["A", "A", "B"])
    a["published"] = pd.to_datetime(["2022-01-05", "2022-03-01", "2022-02-01"], utc=True)
    c = entity_counts(mentions(a), a)
    putin = c[(c.outlet == "A") & (c.entity_id == "person:vladimir_putin")].iloc[0]
    assert putin["mentions"] == 2 and putin["words"] == 7
    assert putin["per_10k"] == pytest.approx(2 / 7 * 10_000)
    assert putin["first_seen"] == pd.Timestamp("2022-01-05", tz="UTC")
    assert putin["last_seen"] == pd.Timestamp("2022-03-01", tz="UTC")
    monthly = entity_counts(mentions(a), a, by=None, freq="M")
    assert set(monthly["period"].dt.month) == {1, 2, 3}


def test_cooccurrence_counts_each_sentence_once_and_gives_pmi():
    m = mentions(arts("Putin met Lukashenko. Putin and Lukashenko and Putin. Kyiv. Biden."))
    c = cooccurrence(m, min_count=1)
    row = c[(c.source == "person:alexander_lukashenko") & (c.target == "person:vladimir_putin")].iloc[0]
    assert row["count"] == 2
    # 4 units, Putin in 2, Lukashenko in 2, together in 2: pmi = log2(4*2/(2*2)) = 1
    assert row["pmi"] == pytest.approx(1.0)
    assert -1 <= row["npmi"] <= 1


def test_the_network_exports_to_graphml_and_gexf(tmp_path):
    m = mentions(arts("Putin met Lukashenko in Minsk.", "Putin and Lukashenko."))
    g = to_network(cooccurrence(m, min_count=1), mentions=m)
    assert g.number_of_nodes() == 3
    assert g.nodes["person:vladimir_putin"]["type"] == "PERSON"
    for suffix in (".graphml", ".gexf"):
        path = export_network(g, tmp_path / f"net{suffix}")
        assert path.stat().st_size > 100
    with pytest.raises(ValueError):
        export_network(g, tmp_path / "net.txt")


def test_naming_variants_give_the_share_of_each_spelling_per_outlet():
    a = arts("Kiev, Kiev and Kyiv. Zelensky spoke.", "Kyiv. Zelenskyy spoke.", outlet=["RU", "UA"])
    v = naming_variants(mentions(a), a)
    kyiv = v[(v.entity_id == "city:kyiv") & (v.outlet == "RU")].set_index("variant")["share"]
    assert kyiv["russian_transliteration"] == pytest.approx(2 / 3)
    assert v.groupby(["outlet", "entity_id"])["share"].sum().round(6).eq(1).all()
    z = v[v.entity_id == "person:volodymyr_zelenskyy"].set_index("outlet")["variant"]
    assert z["RU"] == "simplified" and z["UA"] == "ukrainian_national"


# -- CoNLL scorer ---------------------------------------------------------------------------------

CONLL_IOB1 = """-DOCSTART- -X- -X- O

Vladimir NNP B-NP I-PER
Putin NNP I-NP I-PER
met VBD B-VP O
Olaf NNP B-NP I-PER
Scholz NNP I-NP I-PER
in IN B-PP O
Berlin NNP B-NP I-LOC
. . O O

The DT B-NP O
European NNP I-NP I-ORG
Union NNP I-NP I-ORG
criticised VBD B-VP O
Russian JJ B-NP I-MISC
troops NNS I-NP O
near IN B-PP O
Bakhmut NNP B-NP I-LOC
. . O O

Officials NNS B-NP O
in IN B-PP O
Vuhlehirsk NNP B-NP I-LOC
said VBD B-VP O
Gen. NNP B-NP O
Ivan NNP I-NP I-PER
Petrenko NNP I-NP I-PER
left VBD B-VP O
. . O O
"""


def conll_iob2(text: str) -> str:
    out, prev = [], "O"
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            out.append(line)
            prev = "O"
            continue
        tag = parts[-1]
        if tag.startswith("I-") and prev[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        prev = parts[-1]
        out.append(" ".join(parts[:-1] + [tag]))
    return "\n".join(out) + "\n"


def test_conll_chunks_read_iob1_and_iob2_alike(tmp_path):
    p1, p2 = tmp_path / "a.conll", tmp_path / "b.conll"
    p1.write_text(CONLL_IOB1, encoding="utf-8")
    p2.write_text(conll_iob2(CONLL_IOB1), encoding="utf-8")
    c1 = [ner.chunks(t) for _, t in ner.read_conll(p1)]
    c2 = [ner.chunks(t) for _, t in ner.read_conll(p2)]
    assert c1 == c2
    assert c1[0] == {(0, 2, "PER"), (3, 5, "PER"), (6, 7, "LOC")}


def test_the_ner_command_prints_one_json_line_with_typed_scores(tmp_path, capsys):
    path = tmp_path / "tiny.conll"
    path.write_text(conll_iob2(CONLL_IOB1), encoding="utf-8")
    assert ner.main([str(path)]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(out["per_type"]) == {"PER", "ORG", "LOC"}
    assert out["gold"] == 7  # the MISC chunk is excluded
    assert out["f1"] == 1.0
    assert out["f1"] > out["baseline_capitalisation"]["f1"]


def test_the_ner_command_fails_cleanly_without_a_file(capsys):
    assert ner.main(["/nonexistent.conll"]) == 2
    assert ner.main([]) == 2


# -- our gold set ----------------------------------------------------------------------------------

def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).casefold()


@pytest.fixture(scope="module")
def gold(shared):
    g = pd.read_csv(ner.gold_paths()[0], dtype={"doc_id": str})
    s = pd.read_csv(ner.gold_paths()[1], dtype={"doc_id": str})
    return g, s, ner.load_gold_texts(shared, s)


@pytest.mark.shared
def test_gold_has_150_sentences_and_every_mention_lies_inside_one(gold):
    g, s, texts = gold
    assert len(s) >= 150 and s[["source", "doc_id", "start"]].duplicated().sum() == 0
    spans = {}
    for r in s.itertuples():
        spans.setdefault((r.source, r.doc_id), []).append((r.start, r.end))
    for r in g.itertuples():
        assert any(a <= r.start and r.end <= b for a, b in spans[(r.source, r.doc_id)]), r
    assert set(g["type"]) <= set(ENTITY_TYPES)


@pytest.mark.shared
def test_gold_offsets_land_on_the_expected_alias_in_the_shared_texts(gold):
    g, _, texts = gold
    gz = load_gazetteer()
    surfaces = {}
    for sfc, eid in zip(gz.surfaces["surface"], gz.surfaces["entity_id"]):
        surfaces.setdefault(eid, set()).add(_fold(sfc))
    unseen = []
    for r in g.itertuples():
        text = texts[(r.source, r.doc_id)]
        span = text[r.start:r.end]
        assert span and span == span.strip()
        assert not text[r.start - 1:r.start].isalnum() and not text[r.end:r.end + 1].isalnum(), span
        if r.entity_id.startswith("NEW:"):
            name = r.entity_id[4:]
            initials = "".join(w[0] for w in name.split() if w[0].isupper())
            words = {_fold(w) for w in re.findall(r"\w+", name)}
            assert ({_fold(w) for w in re.findall(r"\w+", span)} & words) or span.rstrip("s").upper() == initials, (span, name)
        elif _fold(span) not in surfaces[r.entity_id]:
            unseen.append((span, r.entity_id))
    # spellings the gazetteer lacks (typos, Spanish transliterations...) are rare and deliberate
    assert len(unseen) <= 0.05 * len(g), unseen


@pytest.mark.shared
def test_extractor_scores_on_our_gold_stay_above_the_floor(shared):
    r = ner.score_gold(shared)
    assert r["gazetteer_entities"]["f1"] >= 0.93   # measured 0.97
    assert r["discovery_recall"]["overlap"] >= 0.75  # measured 0.84
    assert r["discovery_recall"]["exact_span"] >= 0.65  # measured 0.73
    assert r["typed_spans"]["f1"] >= 0.85  # measured 0.92


@pytest.mark.shared
def test_extractor_scores_on_the_heldout_gold_stay_above_the_floor(shared):
    # annotated after the rules were written and never used to tune them (README-entities.md)
    r = ner.score_gold(shared, gold_set="heldout")
    assert r["sentences"] >= 100 and r["gold_set"] == "heldout"
    assert r["gazetteer_entities"]["f1"] >= 0.92  # measured 0.96
    assert r["typed_spans"]["f1"] >= 0.87  # measured 0.92
    assert r["discovery_recall"]["overlap"] >= 0.78  # measured 0.86
    assert r["discovery_recall"]["exact_span"] >= 0.60  # measured 0.69


# -- held-out gold set -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def heldout(shared):
    g = pd.read_csv(ner.gold_paths("heldout")[0], dtype={"doc_id": str})
    s = pd.read_csv(ner.gold_paths("heldout")[1], dtype={"doc_id": str})
    return g, s, ner.load_gold_texts(shared, s)


@pytest.mark.shared
def test_heldout_gold_shares_no_document_with_the_dev_gold_and_mixes_both_sources(heldout):
    g, s, texts = heldout
    dev = pd.read_csv(ner.gold_paths("dev")[1], dtype={"doc_id": str})
    assert len(s) >= 100 and not set(s["doc_id"]) & set(dev["doc_id"])
    assert s["doc_id"].is_unique
    assert set(s["source"]) == {"official", "news_gdelt"} and s["source"].value_counts().min() >= 40
    assert set(g["type"]) <= set(ENTITY_TYPES)


@pytest.mark.shared
def test_heldout_offsets_lie_in_their_sentence_on_word_boundaries_and_name_their_entity(heldout):
    g, s, texts = heldout
    spans = {(r.source, r.doc_id): (r.start, r.end) for r in s.itertuples()}
    gz = load_gazetteer()
    surfaces = {}
    for sfc, eid in zip(gz.surfaces["surface"], gz.surfaces["entity_id"]):
        surfaces.setdefault(eid, set()).add(_fold(sfc))
    unseen = []
    for r in g.itertuples():
        a, b = spans[(r.source, r.doc_id)]
        assert a <= r.start < r.end <= b, r
        text = texts[(r.source, r.doc_id)]
        span = text[r.start:r.end]
        assert span == span.strip()
        assert not text[r.start - 1:r.start].isalnum() and not text[r.end:r.end + 1].isalnum(), span
        if r.entity_id.startswith("NEW:"):
            name = r.entity_id[4:]
            initials = "".join(w[0] for w in name.split() if w[0].isupper())
            words = {_fold(w) for w in re.findall(r"\w+", name)}
            assert ({_fold(w) for w in re.findall(r"\w+", span)} & words) or span.upper() == initials, (span, name)
        else:
            assert r.entity_id in gz.info, r.entity_id
            if _fold(span) not in surfaces[r.entity_id]:
                unseen.append((span, r.entity_id))
    assert len(unseen) <= 0.05 * len(g), unseen


# -- CoNLL export and the capitalisation baseline -----------------------------------------------------

def test_the_capitalisation_baseline_takes_maximal_capitalised_runs_but_not_a_lone_first_word():
    sents = [(["The", "talks", "in", "New", "York", "ended", "."], []),
             (["Vladimir", "Putin", "spoke", "."], []),
             (["Kyiv", "said", "so", "."], [])]
    assert ner.capitalisation_baseline(sents, "LOC") == [{(3, 5, "LOC")}, {(0, 2, "LOC")}, set()]


def test_the_ner_command_scores_the_capitalisation_method_on_the_same_file(tmp_path, capsys):
    path = tmp_path / "tiny.conll"
    path.write_text(conll_iob2(CONLL_IOB1), encoding="utf-8")
    assert ner.main([str(path), "--method", "capitalisation"]) == 0
    base = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert ner.main([str(path)]) == 0
    ours = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert base["method"] == "capitalisation" and set(base["per_type"]) == {"PER", "ORG", "LOC"}
    assert base["f1"] == ours["baseline_capitalisation"]["f1"] and base["default"]["f1"] == ours["f1"]
    assert ours["f1"] > base["f1"]


def test_conll_flattening_keeps_names_inside_events_and_splits_tokens_at_span_edges():
    assert ner._conll_spans([(0, 22, "MISC"), (0, 4, "ORG"), (16, 22, "LOC")]) == [(0, 4, "ORG"), (16, 22, "LOC")]
    assert ner._conll_spans([(0, 10, "ORG"), (0, 4, "LOC")]) == [(0, 10, "ORG")]
    assert ner._split_at([(0, 13)], {0, 4}) == [(0, 4), (4, 13)]


@pytest.mark.shared
def test_a_gold_set_exports_to_conll_and_reads_back_with_every_scored_mention(shared, tmp_path):
    sents = ner.gold_conll(shared, "heldout", source="news_gdelt")
    path = ner.write_conll(sents, tmp_path / "heldout.conll")
    back = ner.read_conll(path)
    assert len(back) == len(sents) == 60
    gold = pd.read_csv(ner.gold_paths("heldout")[0])
    gold = gold[gold["source"] == "news_gdelt"]
    n = sum(len(ner.chunks(tags)) for _, tags in back)
    assert n == len(gold)  # no nesting in this set
    types = {t for _, tags in back for t in tags if t != "O"}
    assert {t[2:] for t in types} <= {"PER", "ORG", "LOC", "MISC"}
    r = ner.score_conll(path)
    assert r["f1"] > 0.85 and r["f1"] > r["baseline_capitalisation"]["f1"] + 0.3  # measured 0.92 vs 0.47


@pytest.mark.shared
def test_semeval25_entity_mentions_are_mostly_found(shared):
    folder = shared / "eval" / "semeval25" / "en"
    if not (folder / "roles.tsv").is_file():
        pytest.skip("no SemEval-2025 data")
    r = ner.semeval25_recall(folder)
    assert r["mentions"] > 300
    assert r["recall_overlap"] >= 0.85  # measured 0.90
    assert r["recall_exact"] >= 0.65  # measured 0.73


# -- the fast paths give the reference results ---------------------------------------------------------

TRICKY = [
    "MINSK, 7 May (BelTA) - PUTIN SAYS the Kremlin and the UN met in Kyiv’s centre.",
    "pro-Kremlin and anti-NATO groups met the Russian President near Kharkiv region.",
    "U.S.-Russia talks: Secretary of State Antony Blinken and Sergey Lavrov of the Ministry of Foreign Affairs.",
    "Ukraine Says It Will Not Give Up The East",
    "the Ministry of the Interior of the Republic of Belarus said so; von der Leyen agreed.",
    "O'Brien’s and D’Artagnan's Zelenskyy-Putin call; _Kyiv and x_Kharkiv; IV Corps, World War II.",
    "In the village of Novomykhailivka, Gen. Ivan Petrenko said Kyiv-based NATO's envoy left.",
    "The full-scale invasion, the special military operation and the war in Ukraine – 2022.",
    "Київ — столиця України. Зеленський сказав: Kyiv.",
    "", "   ", "?!", "A", "Kyiv",
]


def test_the_regex_driven_matcher_finds_exactly_the_token_trie_matches():
    g = load_gazetteer()
    found = g.matcher.find_all(TRICKY)
    for text, (names, nested) in zip(TRICKY, found):
        toks = ent._tokens(text)
        for trie, got in ((g.name_trie, names), (g.nested_trie, nested)):
            want = [(toks[a][1], toks[b - 1][2], c) for a, b, c in ent._match(trie, toks, text)]
            assert got == want, text


LOWER_CASE_OPENERS = [
    "the Kremlin, the Kremlinology, bathe Kremlin; (the\u00a0Kremlin) the\u2009russian THE UN the UNESCO",
    "the \u212aremlin and the Ru\u017f\u017fian side: special military, the  Ukrainian\u2019s war in Kyiv",
    "Zelens\u2019kyi said: the Alliance\u2014the Alliances, war against them, full-scale, full -scale, el-Sisi",
    "Київ — the Kremlin; 東京 the UN’s, the\nRussian \U0001f600the Kremlin",
]


def test_the_lower_case_scan_read_where_re2_points_finds_every_start_sre_finds():
    from analysis.entities.matching import _confirmed_starts

    m = load_gazetteer().matcher
    scan = next(scan for scan, shift in m.scans if shift == 1)
    assert m.lower_re2 is not None
    texts = LOWER_CASE_OPENERS + TRICKY + ["\x00".join(LOWER_CASE_OPENERS + TRICKY)]
    for text in texts:
        assert _confirmed_starts(scan, m.lower_re2, text) == [x.start() for x in scan.finditer(text)], text
    assert _confirmed_starts(scan, m.lower_re2, "the Kremlin \ud800") is None  # no UTF-8: sre reads it
    assert [len(names) for names, _ in m.find_all(["the Kremlin \ud800 the Kremlin"])] == [2]


def test_fast_discovery_equals_the_reference_on_tricky_sentences():
    g = load_gazetteer()
    vocab = {"however", "the"}
    reported = ent._reported_words(TRICKY)
    for text, rep, (names, _) in zip(TRICKY, reported, g.matcher.find_all(TRICKY)):
        spans = [(a, b, c[0][0], g.info[c[0][0]][1]) for a, b, c in names if c[0][1] == "alias"]
        assert ent._discover_fast(text, rep, spans, vocab) == ent._discover_sentence(text, 0, spans, vocab), text


def _merge_word_by_word(words, spans, sent):
    """Reference for ``discovery._merge_units``: walk the words; the first span not yet ended that
    overlaps a word replaces it and every later word opening before the span ends."""
    units, gi, wi, spans = [], 0, 0, sorted(spans)
    while wi < len(words):
        s, e, w, _ = words[wi]
        while gi < len(spans) and spans[gi][1] <= s:
            gi += 1
        if gi < len(spans) and spans[gi][0] < e:
            gs, ge, gid, gtype = spans[gi]
            units.append((gs, ge, sent[gs:ge], (gid, gtype)))
            while wi < len(words) and words[wi][0] < ge:
                wi += 1
            gi += 1
            continue
        units.append((s, e, w, None))
        wi += 1
    return units


def test_gazetteer_spans_swallow_the_words_they_overlap_as_a_word_by_word_merge_does():
    from analysis.entities.discovery import _merge_units

    sent = "Kharkiv Regional Military Administration said"
    words = [(0, 7, "Kharkiv", None), (8, 16, "Regional", None), (17, 25, "Military", None),
             (26, 40, "Administration", None)]
    assert _merge_units(words, [(0, 7, "city:kharkiv", "GPE")], sent)[:2] == [
        (0, 7, "Kharkiv", ("city:kharkiv", "GPE")), (8, 16, "Regional", None)]
    # spans in any order, overlapping each other, opening inside a word or past the last one
    rng = random.Random(13)
    text = "x" * 80
    for _ in range(3000):
        words, at = [], 0
        for _ in range(rng.randint(0, 7)):
            s = at + rng.randint(0, 3)
            at = s + rng.randint(1, 6)
            words.append((s, at, text[s:at], None))
        spans = [(s, s + rng.randint(1, 14), "id", "GPE") for s in (rng.randint(0, at + 2) for _ in range(rng.randint(0, 4)))]
        assert _merge_units(words, spans, text) == _merge_word_by_word(words, spans, text), (words, spans)


def test_the_lower_case_vocabulary_answers_as_the_set_of_every_lower_case_word():
    from analysis.entities.matching import _LOWER_WORD, _LowerVocab

    texts = ["The well-known town; it is known. Don't go", "ab-C x'y _ab a_b é-ab ab- -ab 'tis rock'n'roll",
             "x--y z''w q- Über über a1b ab1 1ab", "Kyiv’s mayor and the mayor's office"]
    every = set(_LOWER_WORD.findall("\n".join(texts)))
    vocab = _LowerVocab(texts)
    queries = every | {w.lower() for t in texts for w in t.split()} | {"well", "t", "ab", "mayor", "kyiv", "ab-c", ""}
    queries |= {q[:k] for q in every for k in range(1, len(q))}
    assert {q for q in queries if q in vocab} == every


def test_mentions_pauses_the_garbage_collector_and_hands_it_back_as_it_found_it():
    import gc

    from analysis.entities.gazetteer import Gazetteer

    seen = []
    g = Gazetteer(load_gazetteer().entries)  # its own copy: the spy below stays in this test
    info = g.info

    class Spy(dict):  # reads the collector's state while the matcher works
        def __getitem__(self, key):
            seen.append(gc.isenabled())
            return info[key]

    g.info = Spy(info)
    sents = pd.DataFrame({"article_id": ["a"], "text": ["The Kremlin said Ukrainian forces shelled Sudzha."]})
    assert len(ent.mentions(sents, gazetteer=g)) == 3
    assert seen and not any(seen) and gc.isenabled()
    gc.disable()
    try:
        ent.mentions(sents, gazetteer=g)
        assert not gc.isenabled()  # a caller's own pause stays
    finally:
        gc.enable()
    with pytest.raises(KeyError):
        ent.mentions(pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [0]}), gazetteer=g)
    assert gc.isenabled()


@pytest.mark.parametrize("ids", [["b", "a", "é", "A", "b"], [3, 1, 2, 1, 3], ["b", 1, "a", 2, "b"]],
                         ids=["strings", "ints", "mixed"])
def test_mention_rows_come_out_as_pandas_stable_sort_orders_them_whatever_the_article_ids(ids):
    from analysis.entities.matching import _frame

    rows = [(aid, 0, start, start + 5, surface, "new:x", surface, "UNKNOWN", "discovered")
            for aid, start, surface in zip(ids, [9, 4, 0, 2, 4], ["Kyiv", "Lviv", "Odesa", "Sumy", "Kharkiv"])]
    rows += [(aid, 1, start, start + 5, "Kyiv", "city:kyiv", "Kyiv", "GPE", "gazetteer") for aid, start in
             zip(ids, [4, 4, 1, 0, 2])]
    expected = pd.DataFrame(rows, columns=MENTION_COLUMNS).astype(
        {"sentence_id": "int32", "start": "int64", "end": "int64"}).sort_values(
        ["article_id", "start", "end"], kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(_frame(rows), expected, check_exact=True)
    # a text pandas cannot store as str (a lone surrogate) fails as it does in pandas
    rows[0] = rows[0][:4] + ("\ud800",) + rows[0][5:]
    with pytest.raises(UnicodeEncodeError):
        pd.DataFrame(rows, columns=MENTION_COLUMNS)
    with pytest.raises(UnicodeEncodeError):
        _frame(rows)
