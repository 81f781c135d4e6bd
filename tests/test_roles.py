"""Entity roles (SemEval-2025 Task 10 subtask 1): schema, shares with intervals, JSON weights, grouped CV,
the evaluation command, notebook 05."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis.roles import (
    FINE_ROLES,
    MAIN_OF,
    MAIN_ROLES,
    ROLE_COLUMNS,
    RoleModel,
    cast_features,
    featurize,
    load_role_model,
    predict_roles,
    read_roles_dir,
    role_evidence,
    role_shares,
    train_role_model,
)

ARTICLES = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"],
                         "published": pd.to_datetime(["2024-08-12", "2024-09-01"], utc=True),
                         "text": ["Russian forces shelled Kharkiv overnight, killing four civilians. "
                                  "Zelenskyy vowed to defend the city.",
                                  "The Kiev regime and its NATO masters provoked the conflict, Moscow said. "
                                  "Russia liberated two villages."]})
MENTIONS = pd.DataFrame({"article_id": ["a", "a", "a", "b", "b", "b"],
                         "start": [0, 55, 66, 4, 30, 71],
                         "end": [7, 64, 75, 8, 34, 77],
                         "name": ["Russia", "civilians", "Volodymyr Zelenskyy", "Ukraine", "NATO", "Russia"]})


def _tiny_dir(tmp_path, n_articles=6):
    """A SemEval-2025 T10 style folder (roles.tsv, narratives.tsv, articles/) made of our own sentences."""
    folder = tmp_path / "en"
    (folder / "articles").mkdir(parents=True)
    rows, nrows = [], []
    for i in range(n_articles):
        aid = f"EN_T_{i:03d}"
        text = ("Title line\n\nRussian forces shelled the city and killed civilians. "
                "Zelenskyy promised to protect the residents. NATO sent aid.")
        (folder / "articles" / f"{aid}.txt").write_text(text, encoding="utf-8", newline="")
        for surface, main, fine in (("Russian forces", "Antagonist", "Terrorist"), ("civilians", "Innocent", "Victim"),
                                    ("Zelenskyy", "Protagonist", "Guardian"), ("NATO", "Protagonist", "Guardian")):
            s = text.index(surface)
            rows.append(f"{aid}\t{surface}\t{s}\t{s + len(surface)}\t{main}\t{fine}")
        nrows.append(f"{aid}\t" + ("URW: Amplifying war-related fears\tURW: Amplifying war-related fears: Other"
                                   if i % 2 else "Other\tOther"))
    (folder / "roles.tsv").write_text("article_id\tmention\tstart\tend\tmain_role\tfine_roles\n" + "\n".join(rows) + "\n",
                                      encoding="utf-8")
    (folder / "narratives.tsv").write_text("article_id\tnarratives\tsubnarratives\n" + "\n".join(nrows) + "\n",
                                           encoding="utf-8")
    return folder


def test_scheme_has_three_main_and_22_fine_roles():
    assert list(MAIN_ROLES) == ["Protagonist", "Antagonist", "Innocent"]
    assert len(FINE_ROLES) == 22 and len(set(FINE_ROLES)) == 22
    assert MAIN_OF["Foreign Adversary"] == "Antagonist" and MAIN_OF["Scapegoat"] == "Innocent"


def test_rules_output_schema_and_consistency():
    out = predict_roles(MENTIONS, ARTICLES, method="rules")
    assert len(out) == len(MENTIONS)
    assert list(out.columns) == list(MENTIONS.columns) + ROLE_COLUMNS
    assert set(out["main_role"]) <= set(MAIN_ROLES)
    for main, fine in zip(out["main_role"], out["fine_roles"]):
        assert fine and all(MAIN_OF[f] == main for f in fine.split("|"))
    p = out[["p_protagonist", "p_antagonist", "p_innocent"]].to_numpy()
    assert np.allclose(p.sum(axis=1), 1.0) and ((p >= 0) & (p <= 1)).all()
    assert (out["method"] == "rules").all()
    # the cues the rules read: harm agent, non-combatants, a promise to protect
    assert out["main_role"].tolist()[:3] == ["Antagonist", "Innocent", "Protagonist"]


def test_empty_mentions_give_the_schema():
    out = predict_roles(MENTIONS.iloc[:0], ARTICLES, method="rules")
    assert out.empty and set(ROLE_COLUMNS) <= set(out.columns)


def test_auto_falls_back_to_rules_without_weights(tmp_path, monkeypatch):
    import analysis.roles as roles

    monkeypatch.setattr(roles, "default_model_path", lambda lang="en": tmp_path / f"none_{lang}.json")
    assert (predict_roles(MENTIONS, ARTICLES, method="auto")["method"] == "rules").all()
    with pytest.raises(FileNotFoundError):
        predict_roles(MENTIONS, ARTICLES, method="model")


def test_rules_read_only_the_cues_so_no_features_are_computed_for_them(tmp_path, monkeypatch):
    # Issue 13: the report casts every main-actor mention with the rules (no weights in a fresh
    # clone), yet each mention's model features were computed and thrown away: half the stage's time.
    import analysis.roles as roles

    expected = predict_roles(MENTIONS, ARTICLES, method="rules")
    monkeypatch.setattr(roles, "default_model_path", lambda lang="en": tmp_path / f"none_{lang}.json")

    def no_features(*args, **kwargs):
        raise AssertionError("a feature was computed for the rules")

    monkeypatch.setattr(roles, "art_narratives", no_features)
    monkeypatch.setattr(roles, "_embedding_features", no_features)
    for method in ("rules", "auto"):
        pd.testing.assert_frame_equal(predict_roles(MENTIONS, ARTICLES, method=method), expected)
    assert featurize(MENTIONS, ARTICLES, features=lambda lang: False)[0] == [{}] * len(MENTIONS)


def test_role_shares_have_counts_and_wilson_intervals():
    roles = predict_roles(MENTIONS, ARTICLES, method="rules")
    shares = role_shares(roles, ARTICLES, by="outlet", min_n=2)
    for col in ["name", "outlet", "role", "n", "n_total", "n_articles", "share", "ci_low", "ci_high", "reliable"]:
        assert col in shares.columns
    assert (shares["ci_low"] <= shares["share"] + 1e-12).all() and (shares["share"] <= shares["ci_high"] + 1e-12).all()
    assert ((shares["ci_low"] >= 0) & (shares["ci_high"] <= 1)).all()
    sums = shares.groupby(["name", "outlet"])["share"].sum()
    assert np.allclose(sums, 1.0)
    monthly = role_shares(roles, ARTICLES, by="outlet", freq="MS")
    assert "period" in monthly.columns and monthly["period"].notna().all()
    ev = role_evidence(roles, ARTICLES)
    assert {"sentence", "main_role"} <= set(ev.columns) and ev["sentence"].str.len().gt(0).all()


def test_json_weights_round_trip_and_no_pickle(tmp_path):
    gold = pd.concat([MENTIONS] * 3, ignore_index=True)
    main = ["Antagonist", "Innocent", "Protagonist", "Antagonist", "Antagonist", "Protagonist"] * 3
    fine = ["Terrorist", "Victim", "Guardian", "Instigator", "Foreign Adversary", "Virtuous"] * 3
    feats, _, _ = featurize(gold, ARTICLES)
    model = train_role_model(feats, main, fine, min_count=1)
    path = model.to_json(tmp_path / "roles_en.json")
    payload = json.loads(path.read_text(encoding="utf-8"))  # plain JSON
    assert payload["format"] == "analysis.roles/1" and not path.read_bytes().startswith(b"\x80")
    again = load_role_model(path)
    assert isinstance(again, RoleModel)
    a = predict_roles(MENTIONS, ARTICLES, method="model", model=model)
    b = predict_roles(MENTIONS, ARTICLES, method="model", model=path)
    assert a["main_role"].tolist() == b["main_role"].tolist()
    assert np.allclose(a["p_antagonist"], b["p_antagonist"], atol=1e-5)
    assert (b["method"] == "model").all()
    for m, f in zip(b["main_role"], b["fine_role"]):
        assert MAIN_OF[f] == m


def test_prior_correction_shifts_the_decision_and_survives_json(tmp_path):
    from analysis.roles import apply_bias

    gold = pd.concat([MENTIONS] * 3, ignore_index=True)
    main = ["Antagonist", "Innocent", "Protagonist", "Antagonist", "Antagonist", "Protagonist"] * 3
    fine = ["Terrorist", "Victim", "Guardian", "Instigator", "Foreign Adversary", "Virtuous"] * 3
    feats, _, _ = featurize(gold, ARTICLES)
    model = train_role_model(feats, main, fine, min_count=1)
    assert model.main_bias == {}  # argmax: no correction
    model.main_bias = {"Protagonist": 20.0, "Antagonist": 0.0, "Innocent": 0.0}  # an overwhelming prior
    out = predict_roles(MENTIONS, ARTICLES, method="model", model=model)
    assert (out["main_role"] == "Protagonist").all()
    assert np.allclose(out[["p_protagonist", "p_antagonist", "p_innocent"]].sum(axis=1), 1.0)
    again = load_role_model(model.to_json(tmp_path / "roles_en.json"))
    assert again.main_bias == model.main_bias
    p = np.array([[0.2, 0.5, 0.3]])
    assert np.allclose(apply_bias(p, {}), p) and np.allclose(apply_bias(p, None), p)


def test_tuned_decision_never_loses_to_the_majority_class_on_its_tuning_data():
    from analysis.roles import tune_main_bias

    rng = np.random.default_rng(0)
    y = np.array(["Antagonist"] * 70 + ["Protagonist"] * 20 + ["Innocent"] * 10)
    # over-eager minority probabilities (like a class-balanced model): argmax loses to always-Antagonist
    p = rng.dirichlet([1, 1, 1], size=len(y))
    p[:70] = 0.5 * p[:70] + 0.5 * np.array([0.3, 0.4, 0.3])
    order = list(MAIN_ROLES)
    argmax_acc = (np.array(order)[p.argmax(1)] == y).mean()
    for objective in ("accuracy", "f1_floor"):
        b = tune_main_bias(p, y.tolist(), objective=objective)
        acc = (np.array(order)[(np.log(p) + [b[r] for r in order]).argmax(1)] == y).mean()
        assert acc >= 0.70 - 1e-9 and acc >= argmax_acc
    assert tune_main_bias(p, y.tolist(), objective="argmax") == {}
    with pytest.raises(ValueError):
        tune_main_bias(p, y.tolist(), objective="nope")


def test_decision_tuning_needs_article_groups_for_its_inner_cv():
    gold = pd.concat([MENTIONS] * 4, ignore_index=True)
    main = ["Antagonist", "Innocent", "Protagonist", "Antagonist", "Antagonist", "Protagonist"] * 4
    fine = ["Terrorist", "Victim", "Guardian", "Instigator", "Foreign Adversary", "Virtuous"] * 4
    feats, _, _ = featurize(gold, ARTICLES)
    with pytest.raises(ValueError, match="groups"):
        train_role_model(feats, main, fine, min_count=1, decision="accuracy")
    groups = [f"{a}{i // 6}" for i, a in enumerate(gold["article_id"])]
    m = train_role_model(feats, main, fine, min_count=1, decision="f1_floor", groups=groups)
    assert set(m.main_bias) == set(MAIN_ROLES) and m.main_bias["Antagonist"] == 0.0
    assert m.meta["decision"] == "f1_floor"


def test_linear_fit_limits_blas_threads():
    """Tiny fits on a shared machine must not spin one BLAS thread per core (fit_linear runs single-threaded)."""
    from threadpoolctl import threadpool_info

    import analysis._linear as lin

    seen = []
    real = lin._fit_linear

    def spy(*args, **kwargs):
        seen.append([i.get("num_threads") for i in threadpool_info()])
        return real(*args, **kwargs)

    lin._fit_linear = spy
    try:
        lin.fit_linear([{"a": 1.0}, {"b": 1.0}] * 3, ["x", "y"] * 3)
    finally:
        lin._fit_linear = real
    assert seen and all(n == 1 for n in seen[0])


def test_grouped_cv_never_puts_an_article_in_train_and_test():
    from analysis.evaluation.roles import grouped_folds

    ids = np.repeat([f"a{i}" for i in range(23)], [1 + i % 4 for i in range(23)])
    seen = []
    for tr, te in grouped_folds(ids, 5, seed=3):
        assert not set(ids[tr]) & set(ids[te])
        seen.extend(te.tolist())
    assert sorted(seen) == list(range(len(ids)))


def _last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def test_evaluation_command_json_keys(tmp_path, root):
    folder = _tiny_dir(tmp_path)
    env_path = str(root / "src")
    for extra in ([], ["--cv", "2"], ["--train", str(folder)]):
        proc = subprocess.run([sys.executable, "-m", "analysis.evaluate", "roles", str(folder), *extra],
                              capture_output=True, text=True, env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
                              cwd=root, timeout=300)
        assert proc.returncode == 0, proc.stderr
        out = _last_json(proc.stdout)
        for key in ["n", "main_accuracy", "main_f1_macro", "fine_exact_match", "fine_micro_f1", "per_class",
                    "baselines", "train_test_overlap", "method", "protocol"]:
            assert key in out, key
        assert set(out["baselines"]) == {"always_antagonist", "rules"}
        assert out["n"] == 24
        if extra[:1] == ["--train"]:
            assert out["train_test_overlap"] == 6 and "IN-SAMPLE" in out["protocol"]
        else:
            assert out["train_test_overlap"] == 0


def test_cv_with_an_added_training_folder_adds_it_to_every_fold_and_refuses_shared_articles(tmp_path):
    import shutil

    from analysis.evaluation.roles import main

    folder = _tiny_dir(tmp_path)
    other = tmp_path / "ru"
    (other / "articles").mkdir(parents=True)
    rows = (folder / "roles.tsv").read_text(encoding="utf-8").replace("EN_T_", "RU_T_")
    (other / "roles.tsv").write_text(rows, encoding="utf-8")
    for f in (folder / "articles").iterdir():
        shutil.copy(f, other / "articles" / f.name.replace("EN_T_", "RU_T_"))
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main([str(folder), "--cv", "2", "--add-train", str(other)]) == 0
    out = _last_json(buf.getvalue())
    assert out["n"] == 24 and out["add_train"]["n"] == 24 and "every training fold also holds" in out["protocol"]
    with pytest.raises(SystemExit, match="shares 6 articles"):
        main([str(folder), "--cv", "2", "--add-train", str(folder)])


def test_training_on_two_folders_names_the_model_after_the_first(tmp_path):
    """The English role model may be trained on en + ru; it must still be the English model (bug: the
    language was the majority over both folders' articles, so a larger Russian folder made it roles_ru)."""
    import contextlib
    import io
    import shutil

    from analysis.train import main

    folder = _tiny_dir(tmp_path, n_articles=3)
    other = tmp_path / "ru"
    (other / "articles").mkdir(parents=True)
    big = _tiny_dir(tmp_path / "big", n_articles=6)
    (other / "roles.tsv").write_text((big / "roles.tsv").read_text(encoding="utf-8").replace("EN_T_", "RU_T_"),
                                     encoding="utf-8")
    for f in (big / "articles").iterdir():
        shutil.copy(f, other / "articles" / f.name.replace("EN_T_", "RU_T_"))
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["roles", "--train", str(folder), str(other), "--out", str(tmp_path / "m.json")]) == 0
    out = _last_json(buf.getvalue())
    assert out["lang"] == "en" and out["n_train"] == 4 * 9


def test_read_roles_dir_offsets_hold(shared):
    folder = shared / "eval" / "semeval25" / "en"
    if not (folder / "roles.tsv").exists():
        pytest.skip(f"no SemEval-2025 roles at {folder}")
    arts, gold = read_roles_dir(folder)
    texts = dict(zip(arts["article_id"], arts["text"]))
    assert all(texts[a][s:e] == m for a, m, s, e in zip(gold["article_id"], gold["mention"], gold["start"], gold["end"]))


def test_notebook_05_is_committed_clean_with_parameters(root):
    from analysis.runner import notebook_json_has_outputs

    path = root / "notebooks" / "05_roles_narratives.ipynb"
    assert path.exists()
    assert not notebook_json_has_outputs(path)
    cells = json.loads(path.read_text())["cells"]
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and "ANALYSIS_CORPUS" in "".join(tagged[0]["source"])
    assert "05_roles_narratives" in (root / "README.md").read_text()


@pytest.mark.slow
def test_notebook_05_runs_headless_on_data_raw(tmp_path, root):
    from analysis.runner import run_notebooks

    run_notebooks(corpus=root / "data" / "raw", only=["05"], output_dir=tmp_path, log=lambda *a, **k: None)
    assert (tmp_path / "05_roles_narratives.html").exists()
    # One article: no title may state a finding ("'Praise of Russia' appears in 100% of unknown articles")
    figures = tmp_path / "figures" / "05_roles_narratives"
    narratives = (figures / "narrative_prevalence_by_group.svg").read_text(encoding="utf-8")
    casting = (figures / "actor_roles_by_group.svg").read_text(encoding="utf-8")
    assert "Too few articles for a finding" in narratives and "appears in" not in narratives
    assert "Too few mentions for a finding" in casting and "is cast as antagonist in" not in casting


def _sibling_ru(tmp_path, folder):
    import shutil

    other = tmp_path / "ru"
    (other / "articles").mkdir(parents=True)
    (other / "roles.tsv").write_text((folder / "roles.tsv").read_text(encoding="utf-8").replace("EN_T_", "RU_T_"),
                                     encoding="utf-8")
    for f in (folder / "articles").iterdir():
        shutil.copy(f, other / "articles" / f.name.replace("EN_T_", "RU_T_"))
    return other


def test_english_cv_adds_the_sibling_russian_folder_by_default_unless_no_joint(tmp_path):
    """Joint en+ru training is the English default when both folders are present (grouped CV: README-roles.md)."""
    import contextlib
    import io

    from analysis.evaluation.roles import joint_train_dirs, main

    folder = _tiny_dir(tmp_path)
    assert joint_train_dirs(folder, "en") == []
    other = _sibling_ru(tmp_path, folder)
    assert joint_train_dirs(folder, "en") == [str(other.resolve())]
    assert joint_train_dirs(other, "ru") == [], "Russian stays Russian-only"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main([str(folder), "--cv", "2"]) == 0
    out = _last_json(buf.getvalue())
    assert out["add_train"]["n"] == 24 and out["model_params"]["C"] == 1.0
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main([str(folder), "--cv", "2", "--no-joint"]) == 0
    assert "add_train" not in _last_json(buf.getvalue())


def test_the_joint_english_model_decodes_collectively_by_default(tmp_path):
    """Round 10 (README-roles.md): the collective stage is the joint English default; ``--collective no`` opts
    out, the English-only and the Russian model stay one-stage, and a tuned decision keeps a one-stage model."""
    import contextlib
    import io

    from analysis.evaluation.roles import JOINT_TRAIN, main

    folder = _tiny_dir(tmp_path)
    _sibling_ru(tmp_path, folder)
    for args, collective in (([], True), (["--collective", "no"], False), (["--no-joint"], None),
                             (["--decision", "accuracy"], False)):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            assert main([str(folder), "--cv", "2", *args]) == 0
        assert _last_json(buf.getvalue())["model_params"].get("collective") == collective, args
    assert "collective" not in JOINT_TRAIN.get("ru", ("", {}))[1], "Russian stays one-stage"


def test_training_english_roles_adds_the_sibling_russian_folder_by_default(tmp_path):
    import contextlib
    import io

    from analysis.train import main

    folder = _tiny_dir(tmp_path, n_articles=3)
    _sibling_ru(tmp_path, folder)
    for extra, n in (([], 2 * 12), (["--no-joint"], 12)):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            assert main(["roles", "--train", str(folder), "--out", str(tmp_path / "m.json"), *extra]) == 0
        out = _last_json(buf.getvalue())
        assert out["lang"] == "en" and out["n_train"] == n
        # the joint English model carries its collective stage (round 10); the English-only one does not
        assert (load_role_model(tmp_path / "m.json").collective is not None) == (not extra)


def test_one_vs_rest_fine_roles_stay_within_the_main_role_and_survive_json(tmp_path):
    from analysis.roles import fine_decision

    gold = pd.concat([MENTIONS] * 4, ignore_index=True)
    main = ["Antagonist", "Innocent", "Protagonist", "Antagonist", "Antagonist", "Protagonist"] * 4
    fine = ["Terrorist|Tyrant", "Victim", "Guardian", "Instigator", "Foreign Adversary", "Virtuous"] * 4
    feats, _, _ = featurize(gold, ARTICLES)
    groups = [f"{a}{i // 6}" for i, a in enumerate(gold["article_id"])]
    model = train_role_model(feats, main, fine, min_count=1, fine_kind="ovr", groups=groups)
    assert model.fine.kind == "ovr" and all(0.0 < t <= 1.0 for t in model.fine_thresholds.values())
    again = load_role_model(model.to_json(tmp_path / "roles_en.json"))
    assert again.fine_thresholds == model.fine_thresholds
    out = predict_roles(MENTIONS, ARTICLES, method="model", model=again)
    for m, fs in zip(out["main_role"], out["fine_roles"]):
        assert fs and all(MAIN_OF[f] == m for f in fs.split("|"))
    p = np.array([0.9, 0.8, 0.7])
    assert fine_decision(p, ["Terrorist", "Tyrant", "Guardian"], "Antagonist", {"Tyrant": 0.5}) == [0, 1]
    assert fine_decision(p, ["Terrorist", "Tyrant", "Guardian"], "Antagonist", {}) == [0]
    assert fine_decision(p, ["Terrorist", "Tyrant", "Guardian"], "Innocent", {}) == []
    with pytest.raises(ValueError):
        train_role_model(feats, main, fine, min_count=1, fine_kind="ovr")  # needs article groups


RU_ARTICLES = pd.DataFrame({"article_id": ["r"], "lang": ["ru"], "text": [
    "Российские войска обстреляли Харьков, погибли мирные жители. Зеленский пообещал защитить город."]})
RU_MENTIONS = pd.DataFrame({"article_id": ["r", "r", "r"], "start": [0, 29, 61], "end": [17, 36, 70]})


def test_dense_feature_blocks_score_like_their_spelled_out_components():
    from analysis._linear import expand_blocks, fit_linear

    rng = np.random.default_rng(0)
    blocks = [{"bias": 1.0, "v": rng.normal(size=4)} for _ in range(40)]
    y = ["pos" if f["v"][0] + f["v"][1] > 0 else "neg" for f in blocks]
    m = fit_linear(blocks, y, C=1.0)
    assert {"v0", "v1", "v2", "v3"} <= set(m.vocab)  # trained on the spelled-out components
    spelled = [expand_blocks(f) for f in blocks]
    assert np.allclose(m.decision(blocks), m.decision(spelled))
    assert np.mean(np.array(m.predict(blocks)) == np.array(y)) > 0.9


def test_russian_mentions_get_word_vector_blocks_and_english_models_drop_them(tmp_path):
    from analysis.roles import _ru_vectors

    if _ru_vectors() is None:
        pytest.skip("natasha's navec vectors are not installed")
    ru_feats, _, langs = featurize(RU_MENTIONS, RU_ARTICLES)
    assert langs == ["ru"] * 3
    for f in ru_feats:
        assert f["nvw"].shape == (300,) and np.isclose(np.linalg.norm(f["nvw"]), 2.0)
    en_feats, _, _ = featurize(MENTIONS, ARTICLES)
    assert not any(k in f for f in en_feats for k in ("nvw", "nvm"))
    main = ["Antagonist", "Innocent", "Protagonist"]
    fine = ["Terrorist", "Victim", "Guardian"]
    ru = train_role_model(ru_feats * 4, main * 4, fine * 4, lang="ru", min_count=1)
    assert "nvw0" in ru.main.vocab and "nvm0" in ru.main.vocab
    # a joint English model trained on Russian rows too must not carry the Russian-only embedding weights
    en = train_role_model(ru_feats * 4, main * 4, fine * 4, lang="en", min_count=1)
    assert not any(k.startswith(("nvw", "nvm")) for k in en.main.vocab)
    again = load_role_model(ru.to_json(tmp_path / "roles_ru.json"))
    a = predict_roles(RU_MENTIONS, RU_ARTICLES, method="model", model=ru)
    b = predict_roles(RU_MENTIONS, RU_ARTICLES, method="model", model=again)
    assert np.allclose(a["p_antagonist"], b["p_antagonist"], atol=1e-4)


def test_predict_roles_reads_the_sentence_spans_and_target_parses_it_is_handed(monkeypatch):
    # the pipeline hands the roles stage the spans of its sentences table and the parses mention
    # sentiment made; read instead of recomputed, they give the same table
    from analysis import targeted
    from analysis.text import sentence_spans, sentences

    sents = sentences(ARTICLES)
    ments = MENTIONS.assign(sentence_id=[0, 0, 1, 0, 0, 1])
    parses: dict = {}
    targeted.mention_sentiment(ments, sents, parses=parses)
    key = targeted._lexicon_key("war-news", targeted.DEFAULT_RULES)  # the lexicon _analyse parses with
    assert set(parses) == set(sents["text"]) and all(p == targeted._parse(s, key) for s, p in parses.items())
    spans = {aid: sentence_spans(text) for aid, text in zip(ARTICLES["article_id"], ARTICLES["text"])}
    expected = predict_roles(MENTIONS, ARTICLES, method="rules")

    def never(*args, **kwargs):
        raise AssertionError("parsed or split again")

    monkeypatch.setattr(targeted, "_analyse", never)
    monkeypatch.setattr("analysis.text.sentence_spans", never)
    got = predict_roles(MENTIONS, ARTICLES, method="rules", sentence_spans=spans, parses=parses)
    pd.testing.assert_frame_equal(got, expected)


def test_mention_sentiment_hands_on_only_the_parses_roles_would_make():
    # other rule weights may read another lexicon: those parses are not what _analyse would make
    from analysis import targeted
    from analysis.text import sentences

    sents = sentences(ARTICLES)
    ments = MENTIONS.assign(sentence_id=[0, 0, 1, 0, 0, 1])
    parses: dict = {}
    other = targeted.RuleParams(news_terms=not targeted.DEFAULT_RULES.news_terms)
    targeted.mention_sentiment(ments, sents, params=other, parses=parses)
    assert parses == {}


# ------------------------------------------------------------------ collective decoding (round 7)
def test_collective_feature_is_the_mean_lean_of_the_other_sided_mentions_of_the_same_article():
    from analysis.roles import collective_features

    feats = [{"side:russia": 1.0}, {"side:ukraine": 1.0}, {"side:west": 1.0}, {"side:none": 1.0},
             {"side:russia": 1.0}]
    # Russia antagonist (pro-Ukrainian: -1), Ukraine innocent (-1), the West half protagonist (-0.5; a West
    # innocent has no lean), a side-less mention (no lean) and, in another article, Russia as protagonist (+1)
    p = np.array([[0, 1, 0], [0, 0, 1], [0.5, 0, 0.5], [1, 0, 0], [1, 0, 0]], dtype=float)
    out = collective_features(feats, p, ["a", "a", "a", "a", "b"])
    lean = [next(v for k, v in f.items() if k.startswith("coll:")) for f in out]
    assert lean == [-0.75, -0.75, -1.0, pytest.approx(-2.5 / 3), 0.0]  # never the mention's own role
    assert [next(k for k in f if k.startswith("coll:")) for f in out] == [
        "coll:russia", "coll:ukraine", "coll:west", "coll:none", "coll:russia"]
    assert out[0]["side:russia"] == 1.0 and "coll:russia" not in feats[0]  # the input is left as it was


def test_collective_feature_has_the_same_scale_for_many_or_few_mentions_of_an_article():
    """The pipeline casts every gazetteer mention (dozens per article), the SemEval sets a few: a mean."""
    from analysis.roles import collective_features

    few = collective_features([{"side:russia": 1.0}, {"side:ukraine": 1.0}], np.array([[0, 1, 0], [0, 1, 0]]),
                              ["a", "a"])
    many = collective_features([{"side:russia": 1.0}] + [{"side:ukraine": 1.0}] * 20,
                               np.array([[0, 1, 0]] * 21), ["a"] * 21)
    assert few[0]["coll:russia"] == many[0]["coll:russia"] == 1.0


def _collective_training():
    gold = pd.concat([MENTIONS] * 4, ignore_index=True)
    main = ["Antagonist", "Innocent", "Protagonist", "Antagonist", "Antagonist", "Protagonist"] * 4
    fine = ["Terrorist", "Victim", "Guardian", "Instigator", "Foreign Adversary", "Virtuous"] * 4
    groups = [f"{a}{i // 6}" for i, a in enumerate(gold["article_id"])]
    return featurize(gold, ARTICLES)[0], main, fine, groups


def test_collective_model_needs_groups_and_round_trips_through_json():
    feats, main, fine, groups = _collective_training()
    with pytest.raises(ValueError, match="groups"):
        train_role_model(feats, main, fine, min_count=1, collective=True)
    with pytest.raises(ValueError, match="argmax"):
        train_role_model(feats, main, fine, min_count=1, collective=True, groups=groups, decision="accuracy")
    m = train_role_model(feats, main, fine, min_count=1, collective=True, groups=groups)
    assert m.collective is not None and m.meta["collective"] is True
    assert any(k.startswith("coll:") for k in m.collective.vocab)
    back = RoleModel.from_dict(json.loads(json.dumps(m.to_dict())))
    a = predict_roles(MENTIONS, ARTICLES, method="model", model=m)
    b = predict_roles(MENTIONS, ARTICLES, method="model", model=back)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="article id"):
        m.main_proba(feats[:2])
    # scoring adds the lean's weights to the stage-2 scores: the same as the stage-2 model on the features
    # with the lean feature added, as it was trained
    from analysis.roles import collective_features

    stage1 = m.main.proba(feats)[:, [m.main.classes.index(r) for r in MAIN_ROLES]]
    stage2 = m.collective.proba(collective_features(feats, stage1, groups))
    np.testing.assert_allclose(m.main_proba(feats, groups),
                               stage2[:, [m.collective.classes.index(r) for r in MAIN_ROLES]], rtol=1e-12)
    plain = train_role_model(feats, main, fine, min_count=1)
    assert plain.collective is None and "collective" not in plain.to_dict()


def test_collective_model_scores_a_mention_with_the_other_mentions_of_its_article_only():
    feats, main, fine, groups = _collective_training()
    m = train_role_model(feats, main, fine, min_count=1, collective=True, groups=groups)
    cols = ["p_protagonist", "p_antagonist", "p_innocent"]
    both = predict_roles(MENTIONS, ARTICLES, method="model", model=m)
    alone_a = predict_roles(MENTIONS[MENTIONS["article_id"] == "a"], ARTICLES, method="model", model=m)
    # article b's mentions do not change article a's, whatever their order
    pd.testing.assert_frame_equal(both.iloc[:3][cols], alone_a[cols])
    shuffled = predict_roles(MENTIONS.iloc[::-1], ARTICLES, method="model", model=m)
    np.testing.assert_allclose(shuffled[cols].to_numpy()[::-1], both[cols].to_numpy())
    # but a mention scored without the others of its article reads no lean
    first = predict_roles(MENTIONS.iloc[:1], ARTICLES, method="model", model=m)
    assert not np.allclose(first[cols].to_numpy(), both.iloc[:1][cols].to_numpy())


def test_collective_feature_treats_missing_article_ids_as_one_article():
    from analysis.roles import collective_features

    out = collective_features([{"side:russia": 1.0}, {"side:ukraine": 1.0}], np.array([[0, 1, 0], [0, 1, 0]]),
                              [None, None])
    assert [out[0]["coll:russia"], out[1]["coll:ukraine"]] == [1.0, -1.0]


def test_cast_features_say_whether_the_mention_does_or_undergoes_harm_help_or_suffering():
    def cast(sentence, mention):
        low = sentence.lower().split()
        k = len(mention.split())
        i = next(j for j in range(len(low)) if low[j:j + k] == mention.lower().split())
        return cast_features(low, i, i + k, 0, len(low))

    assert cast("Russian troops shelled the city", "Russian troops") == {"vc:harm:agent": 1.0}
    assert cast("the city was shelled by Russian troops", "the city") == {"vc:harm:patient": 1.0}
    assert cast("the city was shelled by Russian troops", "Russian troops") == {"vc:harm:agent": 1.0}
    assert cast("Moscow invaded Ukraine last year", "Ukraine") == {"vc:harm:patient": 1.0}
    assert cast("Kyiv defended its skies", "Kyiv") == {"vc:help:agent": 1.0}
    assert cast("Turkey proposed talks", "Turkey") == {"vc:peace:agent": 1.0}
    assert cast("thousands of families fled", "families") == {"vc:suffer:agent": 1.0}
    # a clause break ends the scan: the verb is not the mention's
    assert cast("NATO met , and Russia attacked", "NATO") == {}


def test_cast_features_are_english_only_and_reach_the_model_features():
    low = "russia attacked ukraine".split()
    assert cast_features(low, 0, 1, 0, 3, "ru") == {}
    arts = pd.DataFrame({"article_id": ["a"], "text": ["Russian forces shelled Kharkiv. Residents fled the city."]})
    ments = pd.DataFrame({"article_id": ["a", "a"], "start": [0, 32], "end": [14, 41]})
    feats, _, _ = featurize(ments, arts)
    assert feats[0]["vc:harm:agent"] == 1.0 and feats[1]["vc:suffer:agent"] == 1.0


def test_the_harm_cast_class_knows_every_harm_verb_of_the_agency_module():
    from analysis.framing.agency import HARM_VERBS

    forms = {w for past, finite in HARM_VERBS.values() for w in (*past, *finite) if " " not in w}
    for verb in sorted(forms):
        low = ["the", "army", verb, "the", "town"]
        assert cast_features(low, 0, 2, 0, 5).get("vc:harm:agent") == 1.0, verb
    # "hit", "fired", "damaged", "executed" are not prefixes of roles.yml's harm list: they come from the agency module
    assert cast_features("the town was hit by the army".split(), 0, 2, 0, 7) == {"vc:harm:patient": 1.0}


def test_quote_features_say_who_speaks_who_is_quoted_and_the_tone_about_the_mention():
    from analysis.roles import _Article, article_quotes, quote_features

    text = ('Zelenskyy said: "Russia is lying to the world." The Kremlin denied it. '
            '"We will win," Putin said. Officials said "Putin is a brilliant leader."')
    art = _Article(text, "en")
    qs = article_quotes(art)
    assert [(q[2], q[7]) for q in qs[:2]] == [("zelenskyy", "ukraine"), ("putin", "russia")]
    zel = quote_features(qs, text, 0, 9, "ukraine")
    assert zel["q:speaks"] == 1.0 and zel["q:speak_tone"] < 0 and zel["q:speak_tone_x_side:ukraine"] < 0
    russia = quote_features(qs, text, text.index("Russia"), text.index("Russia") + 6, "russia")
    assert russia["q:inside"] == 1.0 and russia["q:inside_tone"] < 0 and russia["q:quoted_by:ukraine"] == 1.0
    putin = quote_features(qs, text, text.index("Putin said"), text.index("Putin said") + 5, "russia")
    assert putin["q:speak_tone"] > 0 and putin["q:about_tone"] > 0  # says "we will win"; praised in a later quote
    assert quote_features(qs, text, text.index("Kremlin"), text.index("Kremlin") + 7, "russia") == {}


def test_quote_features_reach_english_model_features_only():
    arts = pd.DataFrame({"article_id": ["a", "b"], "lang": ["en", "ru"],
                         "text": ['Zelenskyy said: "Russia is lying to the world."',
                                  'Зеленский заявил: "Россия лжёт всему миру."']})
    ments = pd.DataFrame({"article_id": ["a", "b"], "start": [0, 0], "end": [9, 9]})
    feats, _, _ = featurize(ments, arts)
    assert feats[0]["q:speaks"] == 1.0
    assert not any(k.startswith("q:") for k in feats[1])


def test_featurize_finds_the_quotes_of_many_english_articles_in_one_call_and_the_same_features(monkeypatch):
    # framing.quotes costs ~9 ms a call whatever its size: once per article it was three quarters of the
    # English model's time on the SemEval set; each article's quotes are found apart from the others'
    import importlib

    import analysis.roles as roles_module
    from analysis._linear import expand_blocks

    quotes_module = importlib.import_module("analysis.framing.quotes")  # the package's quotes is the function
    texts = ['Zelenskyy said: "Russia is lying to the world." Putin denied it.',
             '"We will win," Putin said. Officials said "Putin is a brilliant leader."',
             "No quotes here. Kyiv held.", ""]
    arts = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "lang": "en", "text": texts})
    ments = pd.DataFrame({"article_id": ["a", "a", "b", "b", "c", "d"], "start": [0, 17, 15, 43, 16, 0],
                          "end": [9, 23, 20, 48, 20, 0]})
    calls = []
    original = quotes_module.quotes
    monkeypatch.setattr(quotes_module, "quotes", lambda *a, **k: calls.append(1) or original(*a, **k))
    feats = [expand_blocks(f) for f in featurize(ments, arts)[0]]  # dense word-vector blocks, when trained
    assert len(calls) == 1
    assert feats[0]["q:speaks"] == 1.0 and feats[1]["q:inside"] == 1.0 and feats[2]["q:speaks"] == 1.0
    alone = []
    for aid, group in ments.groupby("article_id", sort=False):
        alone += [expand_blocks(f) for f in featurize(group, arts[arts["article_id"] == aid])[0]]
    assert feats == alone
    # batches of two articles, mentions not grouped by article: the same features row by row
    monkeypatch.setattr(roles_module, "QUOTE_BATCH", 2)
    shuffled = ments.iloc[[4, 0, 2, 1, 5, 3]]
    assert [expand_blocks(f) for f in featurize(shuffled, arts)[0]] == [feats[i] for i in [4, 0, 2, 1, 5, 3]]


def _found_by_a_caller(arts: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """The sentence spans and quotes table the pipeline's framing stage has for ``arts``."""
    from analysis.framing import quotes
    from analysis.text import sentences

    sents = sentences(arts)
    return {aid: list(zip(g["start"], g["end"])) for aid, g in sents.groupby("article_id")}, quotes(sents)


def _quotes_calls(monkeypatch) -> list[str]:
    """The sentences of every analysis.framing.quotes call from now on, joined (one string a call)."""
    import importlib

    quotes_module = importlib.import_module("analysis.framing.quotes")  # the package's quotes is the function
    original, calls = quotes_module.quotes, []
    monkeypatch.setattr(quotes_module, "quotes", lambda s, **k: calls.append(" ".join(s["text"])) or original(s, **k))
    return calls


def test_featurize_reads_the_quotes_table_a_caller_has_found_for_its_sentences(monkeypatch):
    # the pipeline's framing stage has found every quote of the chunk's sentences: roles read them
    # (speaker entity ids aside, what they would find) instead of finding them again
    from analysis._linear import expand_blocks

    texts = ['Zelenskyy said: "Russia is lying to the world." Putin denied it.',
             '"We will win," Putin said. Officials said "Putin is a brilliant leader."', "Kyiv held."]
    arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": texts})
    ments = pd.DataFrame({"article_id": ["a", "a", "b", "b", "c"], "start": [0, 17, 15, 43, 0],
                          "end": [9, 23, 20, 48, 4]})
    spans, table = _found_by_a_caller(arts)
    expected = [expand_blocks(f) for f in featurize(ments, arts)[0]]
    calls = _quotes_calls(monkeypatch)
    read = featurize(ments, arts, sentence_spans=spans, quotes=table)[0]
    assert calls == [] and [expand_blocks(f) for f in read] == expected
    assert read[0]["q:speaks"] == 1.0
    # two articles under one id make one text of their sentences: the table cannot stand for either
    twice = pd.concat([arts, arts.head(1)], ignore_index=True)
    featurize(ments, twice, sentence_spans=spans, quotes=table)
    assert len(calls) == 1


def test_featurize_reads_the_quotes_of_the_articles_the_table_holds_and_finds_the_others_in_one_call(monkeypatch):
    # a batch mixes articles whose sentences (and so quotes) the caller has with others: each gets its own
    from analysis._linear import expand_blocks

    texts = ['Zelenskyy said: "Russia is lying to the world." Putin denied it.',
             '"We will win," Putin said. Officials said "Putin is a brilliant leader."', "Kyiv held.",
             'Biden said: "Ukraine will prevail."']
    arts = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "text": texts})
    ments = pd.DataFrame({"article_id": ["a", "b", "b", "c", "d"], "start": [0, 15, 43, 0, 0],
                          "end": [9, 20, 48, 4, 5]})
    spans, table = _found_by_a_caller(arts[arts["article_id"].isin(["a", "c"])])
    expected = [expand_blocks(f) for f in featurize(ments, arts)[0]]
    calls = _quotes_calls(monkeypatch)
    got = featurize(ments, arts, sentence_spans=spans, quotes=table)[0]
    assert len(calls) == 1 and "We will win" in calls[0] and "Biden" in calls[0]  # b and d found together
    assert "Zelenskyy" not in calls[0] and "Kyiv" not in calls[0]  # a and c read from the table
    assert [expand_blocks(f) for f in got] == expected
    assert got[0]["q:speaks"] == 1.0 and got[4]["q:speaks"] == 1.0


# ------------------------------------------------------------------ antagonist offset (round 11)
def test_antagonist_offset_shifts_only_the_decision_of_the_same_model_and_survives_json():
    from analysis.roles import apply_bias

    feats, main, fine, groups = _collective_training()
    plain = train_role_model(feats, main, fine, min_count=1, collective=True, groups=groups)
    shifted = train_role_model(feats, main, fine, min_count=1, collective=True, groups=groups, antagonist_offset=0.25)
    assert shifted.main_bias == {"Antagonist": 0.25} and shifted.meta["antagonist_offset"] == 0.25
    assert shifted.collective.to_dict() == plain.collective.to_dict()
    np.testing.assert_allclose(shifted.main_proba(feats, groups),
                               apply_bias(plain.main_proba(feats, groups), {"Antagonist": 0.25}), rtol=1e-12)
    p = shifted.main_proba(feats, groups)
    assert (p[:, 1] >= plain.main_proba(feats, groups)[:, 1]).all()
    back = RoleModel.from_dict(json.loads(json.dumps(shifted.to_dict())))
    assert back.main_bias == {"Antagonist": 0.25}
    np.testing.assert_allclose(back.main_proba(feats, groups), p, rtol=1e-4)  # JSON rounds the weights
    assert "antagonist_offset" not in plain.meta and not plain.main_bias, "no offset: the model as before"
    with pytest.raises(ValueError, match="argmax"):
        train_role_model(feats, main, fine, min_count=1, groups=groups, decision="accuracy", antagonist_offset=0.25)


def test_the_collective_joint_english_model_carries_the_antagonist_offset_by_default(tmp_path):
    """Round 11 (README-roles.md): the collective joint English model decides with ``ANTAGONIST_OFFSET``; a
    one-stage model (``--collective no``, ``--no-joint``, a tuned decision) has none; ``--antagonist-offset``
    sets it."""
    import contextlib
    import io

    from analysis.evaluation.roles import ANTAGONIST_OFFSET, main

    folder = _tiny_dir(tmp_path)
    _sibling_ru(tmp_path, folder)
    for args, offset in (([], ANTAGONIST_OFFSET), (["--collective", "no"], None), (["--no-joint"], None),
                         (["--decision", "accuracy"], None), (["--antagonist-offset", "0"], 0.0)):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            assert main([str(folder), "--cv", "2", *args]) == 0
        assert _last_json(buf.getvalue())["model_params"].get("antagonist_offset") == offset, args


def test_a_model_carries_its_own_fine_fallback_and_the_russian_default_keeps_the_global_one():
    """Round 11: the joint English model falls back to a cue word below 0.5 (``JOINT_TRAIN``); a model without
    ``fine_fallback`` keeps :data:`analysis.roles.FINE_FALLBACK`."""
    from analysis.evaluation.roles import DEFAULTS, JOINT_TRAIN
    from analysis.roles import _rule_roles

    feats, main, fine, groups = _collective_training()
    never = train_role_model(feats, main, fine, min_count=1, fine_fallback=0.0)
    always = train_role_model(feats, main, fine, min_count=1, fine_fallback=1.01)
    assert "fine_fallback" not in train_role_model(feats, main, fine, min_count=1).meta
    back = RoleModel.from_dict(json.loads(json.dumps(always.to_dict())))
    a = predict_roles(MENTIONS, ARTICLES, method="model", model=never)
    b = predict_roles(MENTIONS, ARTICLES, method="model", model=back)
    assert a["main_role"].tolist() == b["main_role"].tolist()
    cues = featurize(MENTIONS, ARTICLES)[1]
    moved = 0
    for c, r, fa, fb in zip(cues, b["main_role"], a["fine_roles"], b["fine_roles"]):
        r_main, r_fine, _ = _rule_roles(c)
        cue = r_main == r and c["fine"].get(r_fine, 0) > 0
        assert fb == (r_fine if cue else fa)
        moved += fb != fa
    assert moved, "the fixture has a mention whose cue word overrides the fine model"
    assert JOINT_TRAIN["en"][1]["fine_fallback"] == 0.5 and "fine_fallback" not in DEFAULTS["ru"]


#: the sentence end of the non-English splitter as rounds before 15 wrote it (quadratic on long runs of end marks)
PLAIN_SIMPLE_END = r"[.!?\u2026]+[\"'\u00bb\u201d)]*\s+|\n+"


def test_the_non_english_sentence_splitter_matches_the_plain_pattern_on_any_text():
    import random
    import re

    import analysis.roles as roles

    rng = random.Random(0)
    alphabet = ".!?\u2026\"')\u00bb\u201d \n\tab"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(60))) for _ in range(3000)]
    texts += ["Да. Нет!\n\nНу...", "a.. ...b", "x?!\u201d y", '..."', "\n\n.\n", ". . .", ""]
    plain = re.compile(PLAIN_SIMPLE_END)
    for text in texts:
        assert [m.span() for m in roles._SIMPLE_END.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_a_long_run_of_end_marks_without_whitespace_does_not_stall_the_splitter():
    # a stall guard, not a speed target: the plain pattern retried its run of marks from every mark (quadratic:
    # 100,000 dots took 95 CPU s, 300,000 would take about 15 min); the splitter now matches a run once
    code = ("from analysis.roles import _simple_sentences\n"
            "for run in ('.' * 300_000, '?!' * 150_000, '\u2026' * 300_000, ('.' * 1000 + ' ') * 300):\n"
            "    assert _simple_sentences('Kyiv ' + run + 'Moscow')\n")  # no whitespace after the run
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
