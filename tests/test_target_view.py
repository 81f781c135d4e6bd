"""Specification of the target classifier's second view: character n-grams of the target's clause
(analysis.sentiment.target_view, issue 11 round 10)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.sentiment import target as T
from analysis.sentiment import target_view as V

WINDOWS = ["critics slammed the corrupt <t>", "fans cheered the brilliant <t>", "<t> arrived on monday",
           "a  b   <t> slamming x", "<t> lambasted", "the honest <t> won", "<t> was indicted", "<t> met aides"] * 3
LABELS = [-1, 1, 0, -1, -1, 1, -1, 0] * 3


def _rows(n=30):
    rows = []
    for k in range(n):
        rows.append({"text": f"Critics slammed Smith{k} for the awful failure.", "from": 16, "to": 21 + len(str(k)),
                     "polarity": -1})
        rows.append({"text": f"Fans praised Jones{k} for the great victory.", "from": 13, "to": 18 + len(str(k)),
                     "polarity": 1})
        rows.append({"text": f"Brown{k} arrived in the city on Monday.", "from": 0, "to": 5 + len(str(k)),
                     "polarity": 0})
    return pd.DataFrame(rows)


def test_the_window_is_the_targets_clause_with_the_target_masked():
    lows = "critics slammed the corrupt senator , but he won".split()
    clause = [0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert V.clause_window(lows, clause, 4, 5) == "critics slammed the corrupt <t>"
    assert V.clause_window(lows, clause, 7, 8) == ", but <t> won"
    assert V.clause_window([], [], 0, 0) == "<t>"


def test_char_grams_are_scikit_learns_char_wb_ngrams():
    from sklearn.feature_extraction.text import CountVectorizer

    analyse = CountVectorizer(analyzer="char_wb", ngram_range=V.VIEW_NGRAMS).build_analyzer()
    for text in WINDOWS + ["a", "", "  x  y ", "<t>"]:
        assert V.char_grams(text) == analyse(text)


def test_view_probabilities_are_scikit_learns_tfidf_logistic_regression():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    view = V.train_view(WINDOWS, LABELS)
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=V.VIEW_NGRAMS, sublinear_tf=True, min_df=V.VIEW_MIN_DF)
    clf = LogisticRegression(C=V.VIEW_C, max_iter=3000, random_state=0).fit(vec.fit_transform(WINDOWS), LABELS)
    tests = WINDOWS[:8] + ["critics slamming <t>", "zzz <t>", "<t>"]
    expected = clf.predict_proba(vec.transform(tests))
    got = np.array([V.view_probs(view, t) for t in tests])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_the_trained_classifier_averages_its_probabilities_with_the_view():
    train = _rows()
    with_view = T.train_target_model(train, vectors=None)
    alone = T.train_target_model(train, vectors=None, view=False)
    assert with_view.view is not None and alone.view is None
    assert with_view.weights == alone.weights  # the main model is the same; only the average is added
    s, a, b = train.loc[0, "text"], int(train.loc[0, "from"]), int(train.loc[0, "to"])
    _, score_alone = alone.predict(s, a, b)
    q = V.view_probs(with_view.view, T._clause_window(s, a, b, T.DEFAULT_RULES))
    w = with_view.view["weight"]
    expected = (1 - w) * score_alone + w * (q[2] - q[0])  # classes -1, 0, 1: P(pos) - P(neg)
    assert with_view.predict(s, a, b)[1] == pytest.approx(expected, abs=1e-12)


def test_the_view_round_trips_through_json_and_old_files_load_without_it(tmp_path):
    train = _rows()
    model = T.train_target_model(train, vectors=None)
    path = model.to_json(tmp_path / "m.json")
    loaded = T.load_target_model(path)
    assert loaded.view["grams"].keys() == model.view["grams"].keys()
    before = T.target_sentiment(train, method="model", model=model)
    after = T.target_sentiment(train, method="model", model=loaded)
    assert (before["polarity"] == after["polarity"]).all()
    np.testing.assert_allclose(after["score"], before["score"], atol=1e-5)  # weights are rounded to 6 decimals
    payload = json.loads(path.read_text())
    del payload["view"]  # a file written before the view existed
    (tmp_path / "old.json").write_text(json.dumps(payload))
    old = T.load_target_model(tmp_path / "old.json")
    assert old.view is None
    alone = T.train_target_model(train, vectors=None, view=False)
    np.testing.assert_allclose(T.target_sentiment(train, method="model", model=old)["score"],
                               T.target_sentiment(train, method="model", model=alone)["score"], atol=1e-5)


def test_a_saved_view_is_the_view_rounded_to_six_places_and_predicts_as_it_does(tmp_path):
    import dataclasses

    train = _rows()
    model = T.train_target_model(train, vectors=None)
    path = model.to_json(tmp_path / "m.json")
    loaded = T.load_target_model(path)
    six = lambda xs: [round(x, 6) for x in xs]  # noqa: E731
    rounded = {**model.view, "intercept": six(model.view["intercept"]),
               "grams": {g: six(v) for g, v in model.view["grams"].items()}}
    assert loaded.view == rounded  # n-gram sizes, weight, C and classes as they were; numbers to 6 places
    in_memory = dataclasses.replace(model, weights={k: six(v) for k, v in model.weights.items()}, view=rounded)
    rows = list(zip(train["text"], train["from"], train["to"]))
    predictions = [in_memory.predict(s, a, b) for s, a, b in rows]
    assert [loaded.predict(s, a, b) for s, a, b in rows] == predictions  # exactly, not within a tolerance
    again = T.load_target_model(loaded.to_json(tmp_path / "again.json"))
    assert (tmp_path / "again.json").read_text() == path.read_text()
    assert [again.predict(s, a, b) for s, a, b in rows] == predictions


def test_proba_gives_the_class_probabilities_predict_decides_from():
    train = _rows()
    model = T.train_target_model(train, vectors=None)
    for s, a, b in zip(train["text"], train["from"], train["to"]):
        p = model.proba(s, int(a), int(b))
        assert list(p) == model.classes == [-1, 0, 1]
        assert sum(p.values()) == pytest.approx(1.0, abs=1e-12)
        assert model.predict(s, int(a), int(b)) == (max(p, key=p.get), p[1] - p[-1])
