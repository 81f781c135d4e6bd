"""The trained target classifier is never worse than the rules (issue 11): inner-CV guard."""

import json

import pandas as pd

from analysis.sentiment import target as T

_NEG = "Critics slammed the corrupt and incompetent {}."
_POS = "Fans cheered the brilliant and honest {}."
_NEU = "{} arrived in the city on Monday."
_NAMES = ["Smith", "Jones", "Brown", "Miller", "Davis", "Wilson", "Moore", "Taylor", "Clark"]


def _rows(labels):
    """One target per row; the sentence carries the rules' polarity, ``labels`` the gold."""
    rows = []
    for i, (template, gold) in enumerate(labels):
        name = _NAMES[i % len(_NAMES)]
        s = template.format(name)
        a = s.index(name)
        rows.append({"text": s, "from": a, "to": a + len(name), "polarity": gold})
    return pd.DataFrame(rows)


def _agreeing(n=8):
    return _rows([(_NEG, -1), (_POS, 1), (_NEU, 0)] * n)


def test_the_guard_keeps_the_classifier_when_it_is_at_least_as_good_as_the_rules():
    model, info = T.guarded_target_model(_agreeing(), k=3, C=10.0, min_count=1)
    assert info["used"] == "model" and isinstance(model, T.TargetModel)
    assert info["cv_f1_model"] >= info["cv_f1_rules"]


def test_the_guard_keeps_the_rules_when_inner_cv_says_the_fit_hurts(monkeypatch):
    real = T.train_target_model

    def inverted(frame, **kw):  # a classifier that learned the opposite of the labels
        return real(frame.assign(polarity=-frame["polarity"]), **kw)

    monkeypatch.setattr(T, "train_target_model", inverted)
    model, info = T.guarded_target_model(_agreeing(), k=3, C=10.0, min_count=1)
    assert info["used"] == "rules" and model is None
    assert info["cv_f1_model"] < info["cv_f1_rules"]


def test_evaluate_with_train_reports_the_guard_and_scores_rules_when_the_fit_loses(tmp_path, capsys, monkeypatch):
    from analysis.evaluation import target_sentiment as E

    def write(frame, name):
        path = tmp_path / name
        path.write_text("\n".join(json.dumps({"sentence": r.text, "from": int(r["from"]), "to": int(r.to),
                                              "mention": r.text[r["from"]:r.to], "polarity": int(r.polarity)})
                                  for _, r in frame.iterrows()), encoding="utf-8")
        return str(path)

    train, test = write(_agreeing(), "train.jsonl"), write(_agreeing(2), "test.jsonl")
    assert E.main([test, "--train", train, "--C", "10"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["guard"]["used"] == "model" and out["method"] == "model"

    real = T.train_target_model
    monkeypatch.setattr(T, "train_target_model",
                        lambda frame, **kw: real(frame.assign(polarity=-frame["polarity"]), **kw))
    assert E.main([test, "--train", train, "--C", "10"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["guard"]["used"] == "rules" and out["method"] == "rules"
    assert out["f1_macro"] == 1.0, "the rules get this toy set right"


def test_a_training_set_too_small_to_cross_validate_trains_the_model_unchecked():
    model, info = T.guarded_target_model(_agreeing(1), k=3, C=10.0, min_count=1)
    assert info["used"] == "model" and info["k"] == 0 and model is not None
