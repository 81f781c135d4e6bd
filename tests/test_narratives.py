"""Narratives (SemEval-2025 Task 10 subtask 2): taxonomy file, schema with evidence, prevalence intervals,
JSON weights, the evaluation command."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis.narratives import (
    NARRATIVE_COLUMNS,
    NarrativeModel,
    load_narrative_model,
    narrative_evidence,
    narrative_prevalence,
    narratives,
    read_narratives_dir,
    taxonomy,
    train_narrative_model,
)

ARTICLES = pd.DataFrame({
    "article_id": ["a", "b", "c", "d"], "outlet": ["X", "X", "Y", "Y"],
    "published": pd.to_datetime(["2024-01-05", "2024-02-05", "2024-01-07", "2024-02-09"], utc=True),
    "text": ["Officials warned of nuclear escalation. A tactical nuclear strike could trigger a world war.",
             "The town council opened a new library on Tuesday.",
             "The Kiev regime is a puppet of Washington. Neo-Nazi battalions like Azov run the army.",
             "Farmers harvested wheat early this year because of the dry weather."]})


def test_taxonomy_file_lists_narratives_with_descriptions():
    tax = taxonomy()
    assert {"narrative", "subnarrative", "label", "description"} <= set(tax.columns)
    coarse = set(tax["narrative"])
    assert "URW: Discrediting Ukraine" in coarse and "URW: Praise of Russia" in coarse
    assert tax["description"].str.len().gt(5).all()
    subs = tax.dropna(subset=["subnarrative"])
    assert (subs["label"] == subs["narrative"] + ": " + subs["subnarrative"]).all()


def test_lexicon_output_schema_and_evidence():
    out = narratives(ARTICLES, method="lexicon")
    assert list(out.columns) == NARRATIVE_COLUMNS and len(out) == len(ARTICLES)
    first = out.iloc[0]
    assert "URW: Amplifying war-related fears" in first["narratives"].split("|")
    assert all(s.split(": ")[0] + ": " + s.split(": ")[1] in first["narratives"] for s in first["subnarratives"].split("|"))
    assert first["evidence"] and all("nuclear" in s.lower() for _, s in first["evidence"])
    assert out.iloc[1]["narratives"] == "Other" and out.iloc[1]["subnarratives"] == "Other"
    assert "URW: Discrediting Ukraine" in out.iloc[2]["narratives"]
    ev = narrative_evidence(out)
    assert list(ev.columns) == ["article_id", "narrative", "sentence"] and len(ev) >= 2


def test_prevalence_has_counts_and_wilson_intervals():
    out = narratives(ARTICLES, method="lexicon")
    prev = narrative_prevalence(out, ARTICLES, by="outlet", min_n=1)
    assert {"outlet", "narrative", "n", "n_articles", "share", "ci_low", "ci_high", "reliable"} <= set(prev.columns)
    assert (prev["ci_low"] <= prev["share"] + 1e-12).all() and (prev["share"] <= prev["ci_high"] + 1e-12).all()
    monthly = narrative_prevalence(out, ARTICLES, by=None, freq="MS")
    assert monthly["period"].nunique() == 2


def test_model_json_round_trip(tmp_path):
    arts = pd.concat([ARTICLES] * 3, ignore_index=True)
    arts["article_id"] = [f"x{i}" for i in range(len(arts))]
    lab = {"a": ("URW: Amplifying war-related fears", "URW: Amplifying war-related fears: There is a real possibility that nuclear weapons will be employed"),
           "b": ("Other", "Other"), "c": ("URW: Discrediting Ukraine", "URW: Discrediting Ukraine: Ukraine is a puppet of the West"),
           "d": ("Other", "Other")}
    labels = pd.DataFrame([(aid, *lab[orig]) for aid, orig in zip(arts["article_id"], ARTICLES["article_id"].tolist() * 3)],
                          columns=["article_id", "narrative", "subnarrative"])
    model = train_narrative_model(arts, labels, min_count=1)
    path = model.to_json(tmp_path / "narratives_en.json")
    assert json.loads(path.read_text())["format"] == "analysis.narratives/1"
    again = load_narrative_model(path)
    assert isinstance(again, NarrativeModel)
    a = narratives(ARTICLES, method="model", model=model)
    b = narratives(ARTICLES, method="model", model=path)
    assert a["narratives"].tolist() == b["narratives"].tolist()
    assert (b["method"] == "model").all()
    assert b.iloc[0]["narratives"] == "URW: Amplifying war-related fears"
    assert b.iloc[0]["evidence"], "the model names the sentences behind a narrative"


def test_evaluation_command_json_keys(tmp_path, root):
    from test_roles import _tiny_dir

    folder = _tiny_dir(tmp_path)
    # the English default casts (round 17); --casting 0 keeps the other runs fast
    for extra in ([], ["--cv", "2", "--casting", "0"], ["--train", str(folder), "--casting", "0"], ["--cv", "2"]):
        proc = subprocess.run([sys.executable, "-m", "analysis.evaluate", "narratives", str(folder), *extra],
                              capture_output=True, text=True, env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"},
                              cwd=root, timeout=300)
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        for key in ["n", "samples_f1", "per_class", "baselines", "train_test_overlap", "method", "protocol"]:
            assert key in out, key
        assert set(out["samples_f1"]) == {"coarse", "fine"}
        assert {"majority", "lexicon"} <= set(out["baselines"])
        assert out["n"] == 6


def test_every_label_in_the_data_is_in_our_taxonomy(shared):
    tax = taxonomy()
    known = set(tax["narrative"]) | set(tax["label"]) | {"Other"}
    for lang in ("en", "ru"):
        folder = shared / "eval" / "semeval25" / lang
        if not (folder / "narratives.tsv").exists():
            pytest.skip(f"no SemEval-2025 narratives at {folder}")
        _, labels = read_narratives_dir(folder)
        missing = (set(labels["narrative"]) | set(labels["subnarrative"])) - known
        assert not missing, missing


def _tiny_labels():
    arts = pd.concat([ARTICLES] * 3, ignore_index=True)
    arts["article_id"] = [f"x{i}" for i in range(len(arts))]
    lab = {"a": ("URW: Amplifying war-related fears", "URW: Amplifying war-related fears: Other"),
           "b": ("Other", "Other"), "c": ("URW: Discrediting Ukraine", "URW: Discrediting Ukraine: Other"),
           "d": ("Other", "Other")}
    labels = pd.DataFrame([(aid, *lab[orig]) for aid, orig in zip(arts["article_id"], ARTICLES["article_id"].tolist() * 3)],
                          columns=["article_id", "narrative", "subnarrative"])
    return arts, labels


def test_threshold_is_chosen_by_inner_cv_on_the_training_articles_only():
    from analysis.narratives import THRESHOLD_GRID

    arts, labels = _tiny_labels()
    model = train_narrative_model(arts, labels, min_count=1)  # default: threshold="cv"
    assert model.threshold in THRESHOLD_GRID
    assert set(model.meta["threshold_inner_cv"]) == {str(t) for t in THRESHOLD_GRID}
    fixed = train_narrative_model(arts, labels, min_count=1, threshold=0.33)
    assert fixed.threshold == 0.33 and fixed.meta["threshold_inner_cv"] is None
    with pytest.raises(ValueError):
        train_narrative_model(arts, labels, min_count=1, threshold="best")


def test_tfidf_features_and_per_label_thresholds_survive_json(tmp_path):
    from analysis.narratives import PER_LABEL_GRID

    arts, labels = _tiny_labels()
    model = train_narrative_model(arts, labels, min_count=1, features="tfidf", min_df=2, thresholds="per_label")
    assert model.idf and all(v >= 1.0 for v in model.idf.values())
    assert "u:nuclear" in model.idf and "u:wheat" in model.idf  # in >= 2 training articles
    assert set(model.thresholds) == {"URW: Amplifying war-related fears", "URW: Discrediting Ukraine"}
    assert set(model.thresholds.values()) <= set(PER_LABEL_GRID)
    again = load_narrative_model(model.to_json(tmp_path / "n.json"))
    assert again.idf == model.idf and again.thresholds == model.thresholds
    a = narratives(ARTICLES, method="model", model=model)
    b = narratives(ARTICLES, method="model", model=again)
    assert a["narratives"].tolist() == b["narratives"].tolist()
    for c, f in zip(b["narratives"], b["subnarratives"]):  # hierarchical consistency
        cs = set(c.split("|"))
        assert all(s == "Other" or s.rsplit(": ", 1)[0] in cs for s in f.split("|"))
    with pytest.raises(ValueError):
        train_narrative_model(arts, labels, features="counts")


def test_per_label_decision_falls_back_to_other_when_nothing_passes():
    from analysis.narratives import _decide_per_label

    classes = ["Other", "URW: A", "URW: B"]
    th = {"URW: A": 0.5, "URW: B": 0.3}
    assert _decide_per_label(np.array([0.2, 0.4, 0.35]), classes, th) == [2]
    assert _decide_per_label(np.array([0.2, 0.6, 0.35]), classes, th) == [1, 2]
    assert _decide_per_label(np.array([0.9, 0.4, 0.2]), classes, th) == [0]


def test_wilson_bounds_are_exact_at_no_and_all_successes_so_every_share_lies_in_its_interval():
    # Issue 13: at 5k bench articles a narrative no article of an outlet carries had ci_low 8.7e-19 > share 0,
    # and notebook 05's error bars (share - ci_low) failed on the negative length.
    from analysis.framing.agency import wilson

    k, n = np.array([0, 3, 7, 7]), np.array([7, 7, 7, 1_000_003])
    low, high = wilson(k, n)
    share = k / n
    assert low[0] == 0.0 and high[2] == 1.0
    assert (share - low >= 0).all() and (high - share >= 0).all()


def test_other_probability_averages_the_word_model_and_a_cue_count_model(tmp_path):
    from analysis.narratives import _Doc

    arts, labels = _tiny_labels()
    model = train_narrative_model(arts, labels, min_count=1)
    assert model.other is not None and model.other.classes == ["Other"]
    assert all(k.startswith(("cue:", "fcue:")) for k in model.other.vocab), "the Other model sees cue counts only"
    f = model.features(_Doc(ARTICLES["text"][1], "en"))
    j = model.coarse.classes.index("Other")
    words_only = model.coarse.proba([f])[0]
    blended = model.coarse_proba([f])[0]
    assert blended[j] == pytest.approx((words_only[j] + model.other.proba([{}])[0, 0]) / 2)
    assert np.array_equal(np.delete(blended, j), np.delete(words_only, j)), "the narratives' probabilities stay"
    again = load_narrative_model(model.to_json(tmp_path / "n.json"))
    assert np.allclose(again.coarse_proba([f]), model.coarse_proba([f]), atol=1e-6)  # weights rounded in JSON
    plain = train_narrative_model(arts, labels, min_count=1, other_model=False)
    assert plain.other is None and "other" not in plain.to_dict()
    assert np.array_equal(plain.coarse_proba([f]), plain.coarse.proba([f]))


def test_a_kept_narrative_gets_every_sub_narrative_that_reaches_the_fine_threshold():
    from analysis.narratives import _subnarratives

    pf = {"URW: A: x": 0.6, "URW: A: y": 0.35, "URW: A: Other": 0.1, "URW: B: z": 0.9}
    assert _subnarratives(pf, ["URW: A"], None) == ["URW: A: x"], "None: the best sub-narrative only"
    assert _subnarratives(pf, ["URW: A"], 0.3) == ["URW: A: x", "URW: A: y"]
    assert _subnarratives(pf, ["URW: A", "URW: C"], 0.05) == ["URW: A: x", "URW: A: y", "URW: A: Other",
                                                              "URW: C: Other"]
    assert _subnarratives(pf, ["Other"], 0.05) == ["Other"], "sub-narratives of unkept narratives never appear"


def test_fine_threshold_is_chosen_by_inner_cv_and_survives_json(tmp_path):
    from analysis.narratives import FINE_THRESHOLD_GRID

    arts, labels = _tiny_labels()
    two = labels[labels["narrative"] != "Other"].assign(
        subnarrative=lambda d: d["narrative"] + ": " + np.where(d["narrative"].str.contains("fears"),
                                                                 "There is a real possibility that nuclear weapons "
                                                                 "will be employed", "Ukraine is a puppet of the West"))
    labels = pd.concat([labels, two], ignore_index=True)  # every narrative article carries two sub-narratives
    model = train_narrative_model(arts, labels, min_count=1)  # default: fine_threshold="cv"
    assert model.fine_threshold in FINE_THRESHOLD_GRID
    assert set(model.meta["fine_threshold_inner_cv"]) == {str(t) for t in FINE_THRESHOLD_GRID}
    again = load_narrative_model(model.to_json(tmp_path / "n.json"))
    assert again.fine_threshold == model.fine_threshold
    loose = train_narrative_model(arts, labels, min_count=1, fine_threshold=0.0)
    out = narratives(ARTICLES, method="model", model=loose)
    assert len(out.loc[2, "subnarratives"].split("|")) == 2, "both sub-narratives of the kept narrative"
    assert out.loc[2, "n_narratives"] == 1
    one = train_narrative_model(arts, labels, min_count=1, fine_threshold=None)
    assert one.fine_threshold is None and "fine_threshold" not in one.to_dict()
    assert not narratives(ARTICLES, method="model", model=one)["subnarratives"].str.contains("|", regex=False).any()
    with pytest.raises(ValueError):
        train_narrative_model(arts, labels, fine_threshold="best")


def test_the_headline_block_reads_the_corpus_title_column_not_the_first_line_of_the_body():
    # load_corpus keeps the headline in "title", out of "text": the body's first line is not a headline there
    from analysis.narratives import _doc_features, _docs

    def head(doc):
        return {k for k in _doc_features(doc, title=1.0) if k.startswith("t:")}

    corpus = pd.DataFrame({"article_id": ["a", "b"], "title": ["Sanctions hurt Europe", None], "lang": "en",
                           "text": ["Gas prices rose again.\nThe ministers met.", "Kyiv held the line.\nMore later."]})
    with_title, without = _docs(corpus)
    assert head(with_title) == {"t:sanctions", "t:hurt", "t:europe"}
    assert head(without) == set(), "a corpus row without a title has no headline block"
    semeval = pd.DataFrame({"article_id": ["a"], "lang": "en", "text": ["Sanctions hurt Europe\n\nGas prices rose."]})
    assert head(_docs(semeval)[0]) == {"t:sanctions", "t:hurt", "t:europe"}, "no title column: the first line"


def test_the_headline_column_is_an_option_like_the_text_column(tmp_path):
    # narratives(title_col=...): a corpus that keeps its headlines in another column gets the same table
    model = train_narrative_model(*_tiny_labels(), min_count=1, title=1.0)
    corpus = ARTICLES.assign(title=["Sanctions hurt Europe", None, "Kyiv holds", ""])
    renamed = corpus.rename(columns={"title": "headline"})
    default = narratives(corpus, method="model", model=model)
    pd.testing.assert_frame_equal(narratives(renamed, method="model", model=model, title_col="headline"), default,
                                  check_exact=True)
    assert not narratives(renamed, method="model", model=model).equals(default), "the title column is read"


def test_the_headline_is_a_word_block_of_its_own_for_english_models_only(tmp_path):
    from analysis.narratives import _Doc, _doc_features

    doc = _Doc("\n  \nSanctions hurt Europe\n\nEurope pays more for gas. Sanctions were extended.", "en")
    head = {k: v for k, v in _doc_features(doc, title=2.0).items() if k.startswith("t:")}
    assert set(head) == {"t:sanctions", "t:hurt", "t:europe"}, "the first non-empty line's words"
    assert sum(v * v for v in head.values()) == pytest.approx(4.0), "L2-normalised, times the scale"
    assert not any(k.startswith("t:") for k in _doc_features(doc)), "no block by default (models before round 9)"
    arts, labels = _tiny_labels()
    model = train_narrative_model(arts, labels, min_count=1)
    assert model.title == 1.0 and any(k.startswith("t:") for k in model.features(doc))
    again = load_narrative_model(model.to_json(tmp_path / "n.json"))
    assert again.title == 1.0
    old = model.to_dict()
    del old["title"]  # a model file written before round 9
    assert NarrativeModel.from_dict(old).features(doc) == _doc_features(doc)
    assert train_narrative_model(arts.assign(lang="ru"), labels, min_count=1).title == 0.0
    plain = train_narrative_model(arts, labels, min_count=1, title=0)
    assert "title" not in plain.to_dict() and not any(k.startswith("t:") for k in plain.coarse.vocab)


def test_the_inner_cv_grid_search_keeps_the_best_value_and_breaks_ties_by_preference():
    from analysis.narratives import _cv_grid

    gold = [{"a", "b"}, {"a"}]
    pred = {0.1: [{"a", "b"}, {"a", "b"}], 0.2: [{"a"}, {"a"}], 0.5: [{"a"}, {"a"}]}
    best, scores = _cv_grid((0.1, 0.2, 0.5), pred.get, gold, prefer=lambda t: -abs(t - 0.2))
    assert best == 0.2 and scores == {"0.1": 0.8333, "0.2": 0.8333, "0.5": 0.8333}
    assert _cv_grid((0.1, 0.2, 0.5), pred.get, gold, prefer=lambda t: t)[0] == 0.5


def test_the_lexicon_prior_lifts_narratives_the_cue_lexicon_names_for_english_models_only(tmp_path):
    arts, labels = _tiny_labels()
    model = train_narrative_model(arts, labels, min_count=1)
    assert model.lexicon_prior == 0.1, "English default (round 10)"
    assert load_narrative_model(model.to_json(tmp_path / "n.json")).lexicon_prior == 0.1
    assert train_narrative_model(arts.assign(lang="ru"), labels, min_count=1).lexicon_prior == 0.0
    plain = train_narrative_model(arts, labels, min_count=1, lexicon_prior=0)
    assert "lexicon_prior" not in plain.to_dict(), "model files before round 10 read as no prior"
    # article "c" names Discrediting Ukraine with several distinct cues (Kiev regime, puppet, neo-nazi ...)
    lexicon = narratives(ARTICLES, method="lexicon")
    assert "URW: Discrediting Ukraine" in lexicon.loc[2, "narratives"]
    plain.threshold = model.threshold = 1.0  # the top label only
    plain.other = model.other = None
    j = plain.coarse.classes.index("URW: Discrediting Ukraine")
    plain.coarse.coef[:, j] = model.coarse.coef[:, j] = 0.0  # the word model alone would not name it
    plain.coarse.intercept[j] = model.coarse.intercept[j] = -5.0
    before = narratives(ARTICLES, method="model", model=plain, evidence=0)
    model.lexicon_prior = 5.0
    after = narratives(ARTICLES, method="model", model=model, evidence=0)
    assert after.loc[2, "narratives"] == "URW: Discrediting Ukraine" != before.loc[2, "narratives"]
    assert after["confidence"].le(1.0).all(), "confidence stays the model's probability, not the decision score"
    assert after.loc[[1, 3], "narratives"].eq("Other").all(), "no cue, no change"


def _roles_folder(tmp_path):
    from analysis.roles import read_roles_dir
    from test_roles import _tiny_dir

    folder = _tiny_dir(tmp_path)
    arts, labels = read_narratives_dir(folder)
    return folder, arts, labels, read_roles_dir(folder)


def test_casting_features_are_per_side_means_of_the_role_probabilities_and_the_target_sentiment():
    from analysis.narrative_casting import casting_rows

    P = np.array([[0.2, 0.8, 0.0], [0.6, 0.4, 0.0], [0.1, 0.1, 0.8]])
    rows = casting_rows(["a", "b"], ["a", "a", "a"], ["pro_russia", "pro_russia", "pro_ukraine"], [1.0, 0.0, -1.0],
                        P, 0.5)
    assert rows[1] == {}, "an article without gazetteer mentions has no casting"
    assert rows[0] == pytest.approx({"cast:pro_russia:Protagonist": 0.2, "cast:pro_russia:Antagonist": 0.3,
                       "cast:pro_russia:Innocent": 0.0, "csent:pro_russia": 0.25,
                       "cast:pro_ukraine:Protagonist": 0.05, "cast:pro_ukraine:Antagonist": 0.05,
                       "cast:pro_ukraine:Innocent": 0.4, "csent:pro_ukraine": -0.5})


def test_the_casting_of_a_training_article_comes_from_a_role_model_that_never_saw_its_gold_roles(tmp_path):
    from analysis.narrative_casting import train_casting

    _, arts, _, (rarts, gold) = _roles_folder(tmp_path)
    first = arts["article_id"].iloc[0]
    flipped = gold.copy()
    own = flipped["article_id"] == first
    flipped.loc[own, "main_role"], flipped.loc[own, "fine_roles"] = "Innocent", "Victim"
    m1, rows1 = train_casting(rarts, gold, arts, scale=0.5)
    m2, rows2 = train_casting(rarts, flipped, arts, scale=0.5)
    assert rows1[0] and rows1[0] == rows2[0], "the article's own gold roles never reach its casting"
    assert rows1[1:] != rows2[1:], "they do reach the casting of articles in other groups"
    assert m1.main.to_dict() != m2.main.to_dict(), "the stored role model is trained on every gold role"


def test_a_model_trained_with_gold_roles_reads_the_casting_and_keeps_its_role_model_in_the_json(tmp_path):
    from analysis.narrative_casting import folder_roles

    folder, arts, labels, _ = _roles_folder(tmp_path)
    assert train_narrative_model(arts, labels, min_count=1, roles=folder_roles([folder]), casting=0).casting is None
    assert train_narrative_model(arts.assign(lang="ru"), labels, min_count=1,
                                 roles=folder_roles([folder])).casting is None, "Russian: no casting by default"
    model = train_narrative_model(arts, labels, min_count=1, roles=folder_roles([folder]))
    assert model.casting is not None and model.cast_scale == 0.5, "English casts by default (round 17)"
    assert any(k.startswith("cast:") for k in model.coarse.vocab), "the coarse model reads the casting"
    assert not any(k.startswith(("cast:", "csent:")) for k in model.fine.vocab), "the sub-narrative model does not"
    again = load_narrative_model(model.to_json(tmp_path / "n.json"))
    assert again.casting is not None and again.cast_scale == 0.5
    a = narratives(arts, method="model", model=model)
    pd.testing.assert_frame_equal(a, narratives(arts, method="model", model=again), check_exact=True)


def _train_command(folder, *extra):
    """(the model of ``python -m analysis.train narratives --train folder *extra``, its log)."""
    import contextlib
    import io
    import logging

    from analysis.train import main

    out = folder.parent / "trained.json"
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    logging.getLogger("analysis").addHandler(handler)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["narratives", "--train", str(folder), "--out", str(out), *extra]) == 0
    finally:
        logging.getLogger("analysis").removeHandler(handler)
    return load_narrative_model(out), log.getvalue()


def test_the_training_command_casts_english_from_the_folders_roles_by_default_and_says_when_it_cannot(tmp_path):
    folder, _, _, _ = _roles_folder(tmp_path)
    cast, log = _train_command(folder)
    assert cast.casting is not None and cast.cast_scale == 0.5 and not log
    plain, log = _train_command(folder, "--casting", "0")
    assert plain.casting is None and not log, "--casting 0: the model without casting"
    (folder / "roles.tsv").unlink()
    fallback, log = _train_command(folder)
    assert fallback.casting is None
    assert fallback.to_dict() == plain.to_dict(), "no roles.tsv: the model without casting"
    lines = log.strip().splitlines()
    assert len(lines) == 1 and "roles.tsv" in lines[0] and "without the casting" in lines[0]


def test_a_model_file_without_a_casting_entry_loads_and_predicts_as_before_the_english_default(tmp_path,
                                                                                               monkeypatch):
    import analysis.narratives as nar

    folder, arts, labels, _ = _roles_folder(tmp_path)
    old = train_narrative_model(arts, labels, min_count=1)  # no gold roles: no casting, as every file before
    path = old.to_json(tmp_path / "old.json")
    assert "casting" not in json.loads(path.read_text(encoding="utf-8"))
    monkeypatch.setattr(nar, "CASTING", {})  # the code before round 17
    before = narratives(arts, method="model", model=load_narrative_model(path))
    monkeypatch.setattr(nar, "CASTING", {"en": 0.5})
    again = load_narrative_model(path)
    assert again.casting is None and again.cast_scale == 0.0
    pd.testing.assert_frame_equal(narratives(arts, method="model", model=again), before, check_exact=True)


def test_a_model_without_casting_never_runs_the_role_model_and_writes_the_json_of_before(tmp_path, monkeypatch):
    import analysis.narrative_casting as cast

    arts, labels = _tiny_labels()
    model = train_narrative_model(arts, labels, min_count=1)  # no gold roles: no casting
    assert model.casting is None and "casting" not in model.to_dict()

    def boom(*args, **kwargs):
        raise AssertionError("a model without casting must not look for gazetteer mentions")
    monkeypatch.setattr(cast, "predict_casting", boom)
    again = load_narrative_model(model.to_json(tmp_path / "n.json"))
    pd.testing.assert_frame_equal(narratives(ARTICLES, method="model", model=model),
                                  narratives(ARTICLES, method="model", model=again), check_exact=True)


def test_the_casting_computes_only_the_role_features_its_model_has_weights_for_with_the_same_scores(tmp_path):
    # speed only: the sentence-word and entity-context features outside the role model's vocabulary are left out
    # (roles.featurize vocabulary=); the role probabilities and the casting rows stay bit-identical
    from analysis.narrative_casting import _cue_rows, _role_proba, _vocabulary, gazetteer_roles, predict_casting

    folder, arts, labels, _ = _roles_folder(tmp_path)
    from analysis.narrative_casting import folder_roles

    role_model = train_narrative_model(arts, labels, min_count=1, roles=folder_roles([folder]), casting=0.5).casting
    vocab = _vocabulary(role_model)
    arts = pd.concat([arts, pd.DataFrame({"article_id": ["new1", "new2"], "lang": "en", "text": [
        "Russian forces shelled Kharkiv overnight. Zelenskyy vowed that Ukraine would defend every village.",
        "NATO is to blame for the war, Moscow said. Putin said the West wants to destroy Russia, Peskov added."]})],
        ignore_index=True)  # words the role model never saw
    aids, full, cues = gazetteer_roles(arts)
    aids_kept, kept, cues_kept = gazetteer_roles(arts, vocabulary=vocab)
    assert aids_kept == aids and cues_kept == cues
    left_out = [k for f in full for k in f if k not in vocab and not isinstance(f[k], np.ndarray)]
    assert any(k.startswith("S:") for k in left_out) and any(k.startswith("E:") for k in left_out)
    assert not any(k.startswith(("S:", "E:")) and k not in vocab for f in kept for k in f)
    np.testing.assert_array_equal(_role_proba(role_model, kept), _role_proba(role_model, full))
    assert predict_casting(role_model, arts, scale=0.5) == _cue_rows(
        arts["article_id"].tolist(), aids, cues, _role_proba(role_model, full), 0.5)


def test_linear_scores_read_each_known_scalar_feature_and_dense_blocks_as_their_numbered_features():
    from analysis._linear import SparseLinear

    rng = np.random.RandomState(0)
    vocab = {"a": 0, "b": 1, "v0": 2, "v1": 3, "v": 4}
    m = SparseLinear(["x", "y"], vocab, rng.normal(size=(5, 2)), rng.normal(size=2))
    feats = [{"a": 1.0, "unknown": 3.0, "b": True, "v": np.array([0.5, 2.0])}, {}, {"b": 2.0, "a": -1.0},
             {"v": np.array([1.0, 1.0, 4.0]), "w": np.array([1.0])}]
    w = m.coef
    expected = [m.intercept + w[0] + w[1] + 0.5 * w[2] + 2.0 * w[3], m.intercept, m.intercept + 2 * w[1] - w[0],
                m.intercept + w[2] + w[3]]  # "v" with an array value is a block, never the feature "v"
    np.testing.assert_allclose(m.decision(feats), np.array(expected), rtol=1e-12)


def test_the_casting_role_model_scores_the_features_without_navec_whether_or_not_it_strips_them():
    # speed only: a role model without navec weights scores the feature dicts as they are (no stripped copies)
    from analysis.narrative_casting import _reads_navec, _role_proba
    from analysis.roles import strip_embeddings, train_role_model

    feats = [{"bias": 1.0, f"side:{s}": 1.0, "nvw": np.full(3, 0.1 * i), "nvm2": 0.5 * (i % 3), "M:nvw0": 1.0}
             for i, s in enumerate(["russia", "ukraine", "west"] * 4)]
    mains = ["Protagonist", "Antagonist", "Innocent"] * 4
    fines = ["Guardian", "Aggressor", "Victim"] * 4
    for lang, reads in (("en", False), ("ru", True)):  # a Russian model keeps the navec weights
        model = train_role_model(feats, mains, fines, lang=lang, min_count=1)
        assert _reads_navec(model) is reads
        np.testing.assert_array_equal(_role_proba(model, feats),
                                      model.main_proba([strip_embeddings(f) for f in feats]))


def test_a_casting_model_reads_long_runs_of_end_marks_as_the_plain_splitter_did(tmp_path, monkeypatch):
    # the non-English splitter (analysis.roles._SIMPLE_END) is linear now; on a text the plain pattern still
    # finishes, the tables (casting included) are the same
    import re

    import analysis.roles as roles
    from analysis.narrative_casting import folder_roles
    from test_roles import PLAIN_SIMPLE_END

    folder, arts, labels, _ = _roles_folder(tmp_path)
    model = train_narrative_model(arts, labels, min_count=1, roles=folder_roles([folder]), casting=0.5)
    body = "Putin Zelensky Biden Kyiv Moscow NATO shelled " * 40
    long = pd.DataFrame({"article_id": ["dots", "mixed"], "lang": ["xx", "pl"], "title": "", "text": [
        body + "." * 3000 + body.strip(), ("Russia attacked Kyiv. " + "?!" * 500 + "NATO... \u201d\n\n") * 40]})
    new = narratives(long, method="model", model=model)
    assert new["narratives"].notna().all()
    monkeypatch.setattr(roles, "_SIMPLE_END", re.compile(PLAIN_SIMPLE_END))
    pd.testing.assert_frame_equal(new, narratives(long, method="model", model=model), check_exact=True)


def test_the_default_model_file_is_read_once_per_version_of_the_file(tmp_path, monkeypatch):
    # the engine's narratives stage asks for the default model in every chunk: one read while the file is unchanged
    import os

    import analysis.narratives as nar

    monkeypatch.setenv("ANALYSIS_MODELS", str(tmp_path))
    arts, labels = _tiny_labels()
    model = train_narrative_model(arts, labels, min_count=1)
    path = model.to_json(tmp_path / "narratives_en.json")
    reads = []
    original = nar.NarrativeModel.from_dict
    monkeypatch.setattr(nar.NarrativeModel, "from_dict", lambda payload: reads.append(1) or original(payload))
    first = load_narrative_model(lang="en")
    second = load_narrative_model(lang="en")
    assert second is not first and second.to_dict() == first.to_dict() and len(reads) == 1, "a copy of one read"
    assert load_narrative_model(lang="ru") is None, "an absent default is None, as before"
    model.lexicon_prior = 0.25
    model.to_json(path)
    os.utime(path, ns=(1, 1))  # a new version of the file: read again
    again = load_narrative_model(lang="en")
    assert again is not first and again.lexicon_prior == 0.25 and len(reads) == 2
    assert load_narrative_model(path) is not load_narrative_model(path), "an explicit path is read at every call"


def _headline_forms():
    """The same two articles as the SemEval files give them (headline as the text's first line) and as a corpus
    that keeps the headline apart (``title`` column, the body alone in ``text``)."""
    heads = ["The Kiev regime is a puppet of Washington", "Nuclear escalation looms as NATO sends aid"]
    bodies = ["Russian forces shelled the city. Zelenskyy promised to protect the residents. Azov runs the army.",
              "Officials warned of a tactical nuclear strike. Russian forces shelled the city and killed civilians."]
    semeval = pd.DataFrame({"article_id": ["h1", "h2"], "lang": "en",
                            "text": [h + "\n\n" + b for h, b in zip(heads, bodies)]})
    return semeval, semeval.assign(title=heads, text=bodies)


def test_an_article_scores_the_same_whether_its_headline_is_the_texts_first_line_or_a_title_column(tmp_path):
    # train/serve parity: training reads SemEval files (headline inside the text, so in the body's word block and
    # the headline block); a corpus with a title column must give the body block the headline's words too
    from analysis.narrative_casting import folder_roles
    from analysis.narratives import _docs

    semeval, titled = _headline_forms()
    folder, arts, labels, _ = _roles_folder(tmp_path)
    for model in (train_narrative_model(*_tiny_labels(), min_count=1, title=1.0),
                  train_narrative_model(arts, labels, min_count=1, roles=folder_roles([folder]), casting=0.5)):
        feats = [[model.features(d) for d in _docs(frame)] for frame in (semeval, titled)]
        assert feats[0] == feats[1], "the same features, the headline block and the body block alike"
        pd.testing.assert_frame_equal(narratives(titled, method="model", model=model),
                                      narratives(semeval, method="model", model=model), check_exact=True)
    untitled = _docs(titled.assign(title=[None, ""]))
    assert [d.text for d in untitled] == titled["text"].tolist(), "no title (None or empty): the text as it is"


def test_a_caller_that_changes_the_default_model_it_was_handed_changes_no_later_callers_model(tmp_path, monkeypatch):
    # the default file is read once and cached: each call hands back a copy, the weights shared read-only
    from analysis.narrative_casting import folder_roles

    monkeypatch.setenv("ANALYSIS_MODELS", str(tmp_path))
    folder, arts, labels, _ = _roles_folder(tmp_path)
    trained = train_narrative_model(arts, labels, min_count=1, roles=folder_roles([folder]), casting=0.5)
    path = trained.to_json(tmp_path / "narratives_en.json")
    expected = narratives(arts, method="model", model=load_narrative_model(path))
    mine = load_narrative_model(lang="en")
    mine.lexicon_prior, mine.threshold, mine.casting.main_bias["Antagonist"] = 5.0, 0.0, 3.0
    mine.meta["n_train"] = -1
    mine.coarse.classes.reverse()
    mine.casting.main.meta["changed"] = True
    with pytest.raises(ValueError):
        mine.coarse.coef[0, 0] = 1.0  # the shared weights are read-only
    with pytest.raises(ValueError):
        mine.casting.main.intercept += 1.0
    mine.other = None
    later = load_narrative_model(lang="en")
    assert later.to_dict() == json.loads(path.read_text(encoding="utf-8")), "as the file says"
    pd.testing.assert_frame_equal(narratives(arts, method="model", model=later), expected, check_exact=True)


def test_the_casting_finds_its_role_models_vocabulary_once_per_model_with_the_same_rows(tmp_path):
    import analysis.narrative_casting as cast
    from analysis.narrative_casting import folder_roles, predict_casting

    class Walked(dict):  # counts the walks over the role model's vocabulary
        walks = 0

        def __iter__(self):
            Walked.walks += 1
            return super().__iter__()

    folder, arts, labels, _ = _roles_folder(tmp_path)
    role_model = train_narrative_model(arts, labels, min_count=1, roles=folder_roles([folder]), casting=0.5).casting
    expected = predict_casting(role_model, arts, scale=0.5)
    role_model.main.vocab = Walked(role_model.main.vocab)
    assert predict_casting(role_model, arts, scale=0.5) == expected
    walks = Walked.walks
    for _ in range(3):  # three more chunks of articles
        assert predict_casting(role_model, arts, scale=0.5) == expected
    assert Walked.walks == walks, "kept on the model, not found again for every chunk"
    role_model.main.vocab["S:never-seen"] = len(role_model.main.vocab)  # a vocabulary changed since: found again
    assert "S:never-seen" in cast._vocabulary(role_model) and Walked.walks > walks


def _mutable_parts(obj, path="model", seen=None):
    """(path, object) of every mutable container reachable from ``obj``'s attributes, dataclass fields, dict
    values and list items; numpy arrays are listed with their own path."""
    seen = set() if seen is None else seen
    if id(obj) in seen or isinstance(obj, (str, bytes, int, float, bool, type(None), tuple, frozenset)):
        return []
    seen.add(id(obj))
    found = [(path, obj)]
    if isinstance(obj, dict):
        children = [(f"{path}[{k!r}]", v) for k, v in obj.items()]
    elif isinstance(obj, (list, set)):
        children = [(f"{path}[{i}]", v) for i, v in enumerate(obj)]
    elif hasattr(obj, "__dict__"):
        children = [(f"{path}.{k}", v) for k, v in vars(obj).items()]
    else:
        children = []
    for where, child in children:
        found.extend(_mutable_parts(child, where, seen))
    return found


def test_every_mutable_part_of_a_handed_model_is_its_own_but_the_read_only_weights_and_vocabularies(
        tmp_path, monkeypatch):
    # the copy is derived from the model, not from a hand-written list of fields: a field added later (here a
    # dict and a list set on the cached model) is not shared between callers either
    import analysis.narratives as nar
    from analysis.narrative_casting import folder_roles

    monkeypatch.setenv("ANALYSIS_MODELS", str(tmp_path))
    folder, arts, labels, _ = _roles_folder(tmp_path)
    path = train_narrative_model(arts, labels, min_count=1, roles=folder_roles([folder]), casting=0.5).to_json(
        tmp_path / "narratives_en.json")
    stat = path.stat()
    cached = nar._model_file(str(path), stat.st_mtime_ns, stat.st_size)
    cached.added_later, cached.casting.added_later = {"a": [1]}, [{"b": 2}]
    handed = load_narrative_model(lang="en")
    shared_on_purpose = {id(part) for lin in nar._linears(cached) for part in (lin.coef, lin.intercept, lin.vocab)}
    mine = {id(obj) for _, obj in _mutable_parts(handed)}
    shared = [where for where, obj in _mutable_parts(cached)
              if id(obj) in mine and id(obj) not in shared_on_purpose]
    assert shared == [], "shared between the cache and a caller's copy"
    assert not any(lin.coef.flags.writeable or lin.intercept.flags.writeable for lin in nar._linears(handed))
    assert handed.added_later == {"a": [1]} and handed.casting.added_later == [{"b": 2}]
    assert handed.to_dict() == json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- round 18: cue precision (issue 11)
def _lexicon_labels(text: str) -> set[str]:
    got = narratives(pd.DataFrame({"article_id": ["a"], "text": [text], "lang": ["en"]}), method="lexicon")
    return set(got["narratives"].iloc[0].split("|"))


def _cues_found(text: str, label: str) -> set[str]:
    from analysis.narratives import _Doc

    return {" ".join(cue.split()) for _, cue in _Doc(text, "en").hits[label]}


def test_an_english_cue_is_a_whole_word_not_the_start_of_a_longer_one():
    praise, west = "URW: Praise of Russia", "URW: Discrediting the West, Diplomacy"
    # "sco" in "score", "peace" in "peaceful", "war crime" in "war crimea", "cut aid" in "cut aide"
    assert _cues_found("Russia's score rose; Russia's peaceful talks.", praise) == set()
    assert _cues_found("The war Crimea saw was short.", "URW: Discrediting Ukraine") == set()
    assert _cues_found("They cut aide posts in Brussels.", west) == set()
    # inflections still count, and a cue written as a stem ("escalat*") still matches its longer words
    assert _cues_found("Russia's SCO partners; Russia wants peace.", praise) == {"sco", "peace"}
    assert _cues_found("They warned of escalation.", "URW: Amplifying war-related fears") == {"escalat"}
    assert _cues_found("Allies are divided and weakened.", west) == {"divided", "weak"}


def test_a_cue_word_inside_a_name_does_not_count():
    west = "URW: Overpraising the West"
    assert _cues_found("The United States and the United Nations met.", west) == set()
    assert _cues_found("The allies stand united.", west) == {"stand united"}
    fears = "URW: Amplifying war-related fears"
    assert _cues_found("Since World War II, Europe has been calm.", fears) == set()
    assert _cues_found("They warned of World War III.", fears) == {"world war iii"}


def test_praise_of_russia_needs_a_russian_actor_in_the_sentence_and_no_word_critical_of_russia():
    praise = "URW: Praise of Russia"
    # no Russian actor: Ukraine's peace, stability and growth are no praise of Russia
    assert praise not in _lexicon_labels("Ukraine wants peace and stability. Its growth resumed.")
    # a Russian actor in the sentence: the cues count
    assert praise in _lexicon_labels("Russia brings peace and stability to the region. Moscow's growth is strong.")
    # a sentence critical of Russia (or reporting its claims critically) does not praise it
    assert praise not in _lexicon_labels("Russian aggression destroyed the peace and stability of Europe.")
    assert praise not in _lexicon_labels("Russia claims it brings peace and stability.")
    # other narratives are not tied to an actor
    assert "URW: Amplifying war-related fears" in _lexicon_labels("They fear a nuclear escalation.")


def test_a_negated_cue_does_not_count():
    praise = "URW: Praise of Russia"
    assert _cues_found("Putin said there will be no peace and no stability.", praise) == set()
    assert _cues_found("Putin doesn't want peace.", praise) == set()
    assert _cues_found("Putin said peace and stability will come.", praise) == {"peace", "stability"}


def test_the_seed_article_on_the_kursk_incursion_carries_no_praise_of_russia(root):
    seed = sorted((root / "data" / "raw").glob("*.txt"))
    assert seed, "the commissioning article is in data/raw"
    got = narratives(pd.DataFrame({"article_id": ["seed"], "text": [seed[0].read_text(encoding="utf-8")],
                                   "lang": ["en"]}), method="lexicon")
    assert "URW: Praise of Russia" not in got["narratives"].iloc[0]


def test_russian_cues_stay_word_prefixes():
    from analysis.narratives import _Doc

    hits = _Doc("Войска освободили город. Эскалация продолжается.", "ru").hits
    assert {c for _, c in hits["URW: Praise of Russia"]} == {"освобод"}
    assert {c for _, c in hits["URW: Amplifying war-related fears"]} == {"эскалац"}
