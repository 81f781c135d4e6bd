"""Engine stages ``roles`` and ``narratives``: what notebook 05 computed inside the notebook, now run on
the workers and kept in the article store, with the same values as the library functions called directly,
and the same tables serially, in chunks, on two processes, streamed and on Dask."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import engine, pipeline, roles
from analysis import narratives as nar

STAGES = ("roles", "narratives")


@pytest.fixture(scope="module")
def articles(seed_text):
    texts = [
        seed_text,
        "Russian forces shelled Kharkiv overnight, killing four civilians. Zelenskyy vowed to defend the city.",
        "Officials warned of a nuclear escalation. A tactical nuclear strike could follow, analysts said. "
        "NATO is to blame for the war, Moscow said, and the sanctions hurt Europe more than Russia.",
        "",
        "Kiev regime provocations continue, Peskov claimed. The special military operation goes on. "
        "Putin said the West wants to destroy Russia.",
        "Путин заявил, что Киев атаковал Курск. Мирные жители пострадали. НАТО виновато в эскалации.",
        "Зеленський заявив, що Україна вистоїть. Путін напав на Київ, загинули діти.",
    ]
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "text": texts})


@pytest.fixture(scope="module")
def serial(articles):
    return engine.run(articles, stages=STAGES, chunk_size=1000)


def assert_same_tables(left: dict, right: dict):
    assert sorted(left) == sorted(right)
    for name in left:
        pd.testing.assert_frame_equal(engine.comparable(left[name]), engine.comparable(right[name]), obj=name)


def test_roles_and_narratives_are_optional_stages_in_the_report_not_in_the_default():
    assert not set(STAGES) & set(engine.STAGES)
    assert set(STAGES) <= set(engine.REPORT_STAGES) and set(engine.STAGES) <= set(engine.REPORT_STAGES)
    assert engine._normalise_stages(["roles"]) == ("sentences", "entities", "roles")
    assert engine._normalise_stages(["narratives"]) == ("sentences", "narratives")


def test_roles_stage_equals_predict_roles_on_the_actor_mentions(serial, articles):
    # exactly what notebook 05 computed: actor mentions of the gazetteer mentions, then predict_roles
    acts = roles.actor_mentions(serial["mentions"], articles)
    direct = roles.predict_roles(acts, articles)
    assert len(direct) > 5 and {"civilians", "Putin"} <= set(direct["actor"])
    pd.testing.assert_frame_equal(engine.comparable(serial["roles"]), engine.comparable(direct))


def test_after_the_sentiment_stage_roles_and_narratives_read_its_work_with_the_same_tables(articles):
    # in the report the roles stage reads mention sentiment's parses and both stages the sentences
    # table's spans (engine._english_sentence_spans) instead of recomputing them
    report = engine.run(articles, stages=engine.REPORT_STAGES, chunk_size=1000)
    direct = roles.predict_roles(roles.actor_mentions(report["mentions"], articles), articles)
    pd.testing.assert_frame_equal(engine.comparable(report["roles"]), engine.comparable(direct))
    labelled = nar.narratives(articles, evidence=engine.NARRATIVE_EVIDENCE).drop(columns="evidence")
    pd.testing.assert_frame_equal(engine.comparable(report["narratives"]), engine.comparable(labelled))
    english = engine._english_sentence_spans(articles, report["sentences"])
    assert set(english) == {"a0", "a1", "a2", "a4"}  # not the empty one, nor the Russian and Ukrainian ones


def test_the_narratives_stage_reads_a_title_column_and_places_headline_evidence_in_the_title(articles, serial):
    # train/serve parity (round 17): the headline a corpus keeps apart reaches the narratives stage as
    # narratives() reads it; no other table changes
    headline = "Nuclear war looms: a tactical nuclear strike and escalation, NATO warns"
    titled = articles.assign(title=["", "", "", headline, None, "", ""])
    run = engine.run(titled, stages=STAGES, chunk_size=1000)
    direct = nar.narratives(titled, evidence=engine.NARRATIVE_EVIDENCE)
    assert direct.loc[3, "narratives"] != serial["narratives"].loc[3, "narratives"], "the headline changes a3"
    pd.testing.assert_frame_equal(engine.comparable(run["narratives"]),
                                  engine.comparable(direct.drop(columns="evidence")))
    evidence = run["narrative_evidence"]
    top = evidence[evidence["in_title"]]
    assert len(top) and set(top["article_id"]) == {"a3"} and top["sentence_id"].eq(-1).all()
    assert [headline[s:e] for s, e in zip(top["start"], top["end"])] == [
        sentence for _, sentence in direct.loc[3, "evidence"]], "offsets into the title"
    assert not serial["narrative_evidence"]["in_title"].any()
    pd.testing.assert_frame_equal(engine.comparable(evidence[evidence["article_id"] != "a3"].reset_index(drop=True)),
                                  engine.comparable(serial["narrative_evidence"].query("article_id != 'a3'")
                                                    .reset_index(drop=True)))
    assert_same_tables({k: v for k, v in run.items() if k != "narratives" and k != "narrative_evidence"},
                       {k: v for k, v in serial.items() if k != "narratives" and k != "narrative_evidence"})


def test_a_changed_title_recomputes_the_article_in_the_store(articles, tmp_path):
    titled = articles.assign(title="Kyiv holds")
    pipeline.analyse(titled, stages=("sentences", "narratives"), cache_dir=tmp_path)
    again = pipeline.analyse(titled, stages=("sentences", "narratives"), cache_dir=tmp_path)
    assert again.cache == "hit"
    headline = "Nuclear war looms: a tactical nuclear strike and escalation, NATO warns"
    changed = pipeline.analyse(titled.assign(title=["Kyiv holds"] * 3 + [headline] + ["Kyiv holds"] * 3),
                               stages=("sentences", "narratives"), cache_dir=tmp_path)
    assert (changed.cache, changed.processed) == ("partial", 1), "a new headline is new input (narratives)"
    fresh = engine.run(titled.assign(title=["Kyiv holds"] * 3 + [headline] + ["Kyiv holds"] * 3),
                       stages=("sentences", "narratives"), chunk_size=1000)
    pd.testing.assert_frame_equal(engine.comparable(changed.table("narratives")),
                                  engine.comparable(fresh["narratives"]))


def test_narratives_stage_equals_narratives_and_keeps_evidence_as_offsets(serial, articles):
    direct = nar.narratives(articles, evidence=engine.NARRATIVE_EVIDENCE)
    pd.testing.assert_frame_equal(engine.comparable(serial["narratives"]),
                                  engine.comparable(direct.drop(columns="evidence")))
    stored = serial["narrative_evidence"]
    assert list(stored.columns) == engine.EVIDENCE_COLUMNS and len(stored) > 0
    texts = dict(zip(articles["article_id"], articles["text"]))
    rebuilt = pd.DataFrame({"article_id": stored["article_id"], "narrative": stored["narrative"],
                            "sentence": [texts[a][s:e] for a, s, e in
                                         zip(stored["article_id"], stored["start"], stored["end"])]})
    pd.testing.assert_frame_equal(engine.comparable(rebuilt), engine.comparable(nar.narrative_evidence(direct)))
    # sentence_id points at the stored sentence holding the evidence's start
    sents = serial["sentences"].set_index(["article_id", "sentence_id"])
    for aid, sid, start in zip(stored["article_id"], stored["sentence_id"], stored["start"]):
        s = sents.loc[(aid, sid)]
        assert s["start"] <= start < max(s["end"], s["start"] + 1)


def test_chunks_processes_streaming_and_dask_give_the_same_role_and_narrative_tables(serial, articles, tmp_path):
    assert_same_tables(serial, engine.run(articles, stages=STAGES, chunk_size=2))
    assert_same_tables(serial, engine.run(articles, stages=STAGES, chunk_size=2, n_jobs=2))
    engine.run_to_parquet(articles, tmp_path / "stream", stages=STAGES, chunk_size=3, n_jobs=2)
    assert_same_tables(serial, {name: engine.read_table(tmp_path / "stream", name) for name in serial})


def test_dask_gives_the_same_role_and_narrative_tables(serial, articles, tmp_path):
    pytest.importorskip("dask.dataframe")
    source = tmp_path / "corpus"
    source.mkdir()
    for i, start in enumerate(range(0, len(articles), 3)):
        articles.iloc[start:start + 3].to_parquet(source / f"part-{i}.parquet", index=False)
    assert_same_tables(serial, engine.run_dask(str(source), stages=STAGES))


HEADLINE = "Nuclear war looms: a tactical nuclear strike and escalation, NATO warns"


@pytest.fixture(scope="module")
def titled(articles):
    """The corpus as load_corpus keeps it: headlines apart (a3's changes its narratives) and a declared
    language (a5's "en", as a feed may declare it, sends its Russian text down the English path)."""
    return articles.assign(title=["", "Kharkiv shelled", None, HEADLINE, "", "", None],
                           lang=["en", "en", "en", None, "en", "en", "uk"])


@pytest.fixture(scope="module")
def titled_serial(titled):
    return engine.run(titled, stages=STAGES, chunk_size=1000)


def _differing(left: dict, right: dict) -> set:
    differing = set()
    for name in left:
        try:
            pd.testing.assert_frame_equal(engine.comparable(left[name]), engine.comparable(right[name]))
        except AssertionError:
            differing.add(name)
    return differing


def _titled_parquet(titled, folder):
    folder.mkdir()
    for i, start in enumerate(range(0, len(titled), 3)):
        titled.iloc[start:start + 3].to_parquet(folder / f"part-{i}.parquet", index=False)
    return folder


def test_title_and_lang_change_the_tables_of_this_corpus(titled, titled_serial, serial):
    # what the parity tests below rely on: without the title and lang columns the tables differ
    assert {"narratives", "narrative_evidence", "sentences"} <= _differing(serial, titled_serial)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_parquet_source_gives_the_tables_of_the_same_dataframe_title_and_lang_included(titled, titled_serial,
                                                                                       tmp_path, n_jobs):
    # train/serve parity: a corpus stored as parquet is read with its title and lang, as the DataFrame is
    source = _titled_parquet(titled, tmp_path / "corpus")
    engine.run_to_parquet(source, tmp_path / "out", stages=STAGES, chunk_size=2, n_jobs=n_jobs)
    assert_same_tables(titled_serial, {name: engine.read_table(tmp_path / "out", name) for name in titled_serial})


def test_dask_reads_title_and_lang_from_parquet_and_from_a_dask_dataframe(titled, titled_serial, tmp_path):
    dd = pytest.importorskip("dask.dataframe")
    source = _titled_parquet(titled, tmp_path / "corpus")
    assert_same_tables(titled_serial, engine.run_dask(str(source), stages=STAGES))
    assert_same_tables(titled_serial, engine.run_dask(dd.from_pandas(titled, npartitions=3), stages=STAGES))


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA], ids=["None", "NaN", "NA"])
def test_a_missing_declared_language_is_detected_whatever_marks_it_missing(titled, titled_serial, missing):
    # Dask hands strings over with pd.NA, pandas' str dtype with NaN, an object column may hold None
    langs = pd.Series(titled["lang"].tolist(), dtype=object).where(titled["lang"].notna().to_numpy(), missing)
    assert_same_tables(titled_serial, engine.run(titled.assign(lang=langs), stages=STAGES, chunk_size=1000))


def test_only_the_columns_the_pipeline_reads_are_read_from_parquet(articles, tmp_path):
    assert engine.article_columns(["outlet", "text", "article_id"]) == ["article_id", "text"]
    source = tmp_path / "corpus.parquet"
    articles.assign(outlet="x", lang="en", title="t").to_parquet(source, index=False)
    chunk = next(engine._iter_source(source, 10))
    assert list(chunk.columns) == ["article_id", "text", "lang", "title"]


def test_the_store_keeps_roles_and_narratives_and_its_key_follows_the_model_files(articles, tmp_path, monkeypatch):
    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setenv("ANALYSIS_MODELS", str(models))
    run = pipeline.analyse(articles, cache_dir=tmp_path / "cache")
    assert {"roles", "narratives", "narrative_evidence"} <= set(run.tables)
    assert pipeline.analyse(articles, cache_dir=tmp_path / "cache").cache == "hit"
    before = pipeline.model_key(engine.REPORT_STAGES)
    (models / "narratives_en.json").write_text("{}")
    assert pipeline.model_key(engine.REPORT_STAGES) != before
    assert pipeline.model_key(("sentences", "entities")) == ""
    # so the store's key (and every article's hash) changes with the weights in use
    key = pipeline.inputs_key(stages=engine.REPORT_STAGES, models=before)
    assert pipeline.inputs_key(stages=engine.REPORT_STAGES, models=pipeline.model_key(engine.REPORT_STAGES)) != key
    assert run.folder.name == f"store-{key}"


def test_with_english_weights_the_roles_stage_reads_the_framing_stages_quotes(articles, monkeypatch):
    # the English model's quote features: the quotes the framing stage found, not found again by roles
    import importlib

    acts = roles.actor_mentions(engine.run(articles, stages=("entities",), chunk_size=1000)["mentions"], articles)
    feats = roles.featurize(acts, articles)[0]
    mains = [("Protagonist", "Antagonist", "Innocent")[i % 3] for i in range(len(feats))]
    model = roles.train_role_model(feats, mains, [roles.MAIN_ROLES[m][0] for m in mains], min_count=1)
    monkeypatch.setattr(roles, "load_role_model", lambda path=None, lang="en": model if lang == "en" else None)
    direct = roles.predict_roles(acts, articles)
    calls = []
    quotes_module = importlib.import_module("analysis.framing.quotes")
    original = quotes_module.quotes
    monkeypatch.setattr(quotes_module, "quotes", lambda *a, **k: calls.append(1) or original(*a, **k))
    report = engine.run(articles, stages=engine.REPORT_STAGES, chunk_size=1000)
    assert calls == [] and (report["roles"]["method"] == "model").any()
    pd.testing.assert_frame_equal(engine.comparable(report["roles"]), engine.comparable(direct))


def test_with_an_english_casting_model_the_narratives_stage_reads_the_framing_stages_quotes(articles, tmp_path,
                                                                                           monkeypatch):
    # the casting's role features of the gazetteer mentions (analysis.narrative_casting): the quotes the framing
    # stage found, not found again, the sentence parses of the sentiment stage (handed on by the roles stage),
    # not parsed again, and the same table as narratives() alone
    import importlib

    direct, stage, parsed_again = _watch_the_casting(articles, tmp_path, monkeypatch)
    assert (direct["method"] == "model").sum() == 5  # the English articles and the empty one
    calls = []
    quotes_module = importlib.import_module("analysis.framing.quotes")
    original = quotes_module.quotes
    monkeypatch.setattr(quotes_module, "quotes", lambda *a, **k: calls.append(1) or original(*a, **k))
    report = engine.run(articles, stages=engine.REPORT_STAGES, chunk_size=1000)
    assert calls == [] and stage and parsed_again == []
    pd.testing.assert_frame_equal(engine.comparable(report["narratives"]),
                                  engine.comparable(direct.drop(columns="evidence")))
    alone = engine.run(articles, stages=("narratives",), chunk_size=1000)  # no framing stage: quotes found here
    pd.testing.assert_frame_equal(engine.comparable(alone["narratives"]), engine.comparable(report["narratives"]))


def test_without_the_roles_stage_the_narratives_stage_still_reads_the_sentiment_stages_parses(articles, tmp_path,
                                                                                             monkeypatch):
    # the sentiment stage keeps its sentence parses for the casting when the narratives stage runs, with or
    # without the roles stage: no sentence is parsed again, and the table is narratives()'s alone
    direct, stage, parsed_again = _watch_the_casting(articles, tmp_path, monkeypatch)
    report = engine.run(articles, stages=("sentences", "entities", "sentiment", "narratives"), chunk_size=1000)
    assert stage and parsed_again == []
    pd.testing.assert_frame_equal(engine.comparable(report["narratives"]),
                                  engine.comparable(direct.drop(columns="evidence")))


def _watch_the_casting(articles, tmp_path, monkeypatch):
    """An English casting model as the default narrative model; (narratives() of ``articles`` alone, a list that
    gets an item when the narratives stage starts, the sentences parsed again once it has)."""
    import importlib

    from analysis.narrative_casting import folder_roles
    from test_narratives import _roles_folder

    folder, arts, labels, _ = _roles_folder(tmp_path)
    model = nar.train_narrative_model(arts, labels, min_count=1, roles=folder_roles([folder]), casting=0.5)
    monkeypatch.setattr(nar, "load_narrative_model", lambda path=None, lang="en": model if lang == "en" else None)
    direct = nar.narratives(articles, evidence=engine.NARRATIVE_EVIDENCE)
    targeted = importlib.import_module("analysis.targeted")
    parsed_again, analyse, stage, labelled = [], targeted._analyse, [], nar.narratives
    monkeypatch.setattr(nar, "narratives", lambda *a, **k: stage.append(1) or labelled(*a, **k))
    monkeypatch.setattr(targeted, "_analyse",  # a sentence parsed again in the narratives stage
                        lambda *a, **k: (stage and parsed_again.append(a[0])) or analyse(*a, **k))
    return direct, stage, parsed_again
