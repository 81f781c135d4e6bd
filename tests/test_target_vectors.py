"""Word vectors as features of the target classifier (issue 11, round 8): used when trained, and the
classifier still works without them."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest

from analysis import wordvectors
from analysis.sentiment import target as T
from analysis.wordvectors import train_word_vectors

ROWS = [("Critics slammed the corrupt Smith.", 28, 33, -1), ("Fans cheered the brilliant Smith.", 27, 32, 1),
        ("Smith arrived on Monday.", 0, 5, 0), ("Critics blasted the dishonest Jones.", 30, 35, -1),
        ("Fans praised the honest Jones.", 24, 29, 1), ("Jones arrived on Tuesday.", 0, 5, 0)] * 3
FRAME = pd.DataFrame(ROWS, columns=["text", "from", "to", "polarity"])


@pytest.fixture(scope="module")
def small_vectors():
    return train_word_vectors(FRAME["text"].tolist() * 2, dim=4, min_count=2)


def test_a_classifier_trained_with_vectors_has_the_context_vector_and_records_which_vectors(small_vectors):
    model = T.train_target_model(FRAME, C=10.0, min_count=1, vectors=small_vectors)
    assert {f"wv{j}" for j in range(4)} <= set(model.weights)
    assert model.meta["word_vectors"] == small_vectors.fingerprint and model.vectors is small_vectors
    plain = T.train_target_model(FRAME, C=10.0, min_count=1, vectors=None)
    assert not any(k.startswith("wv") for k in plain.weights) and plain.meta["word_vectors"] is None
    for m in (model, plain):
        assert T.target_sentiment(FRAME, method="model", model=m)["polarity"].tolist() == FRAME["polarity"].tolist()


def test_without_trained_vectors_the_classifier_is_trained_without_them(monkeypatch):
    monkeypatch.setattr(wordvectors, "load_word_vectors", lambda path=None: None)
    model = T.train_target_model(FRAME, C=10.0, min_count=1)  # vectors="default": absent -> left out
    assert model.vectors is None and model.meta["word_vectors"] is None
    assert not any(k.startswith("wv") for k in model.weights)


def test_a_saved_classifier_warns_and_falls_back_when_its_vectors_are_missing(monkeypatch, tmp_path, small_vectors):
    path = T.train_target_model(FRAME, C=10.0, min_count=1, vectors=small_vectors).to_json(tmp_path / "targeted.json")
    monkeypatch.setattr(wordvectors, "load_word_vectors", lambda path=None: small_vectors)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert T.load_target_model(path).vectors is small_vectors  # the same vectors: silent
    monkeypatch.setattr(wordvectors, "load_word_vectors", lambda path=None: None)
    with pytest.warns(UserWarning, match="word vectors"):
        model = T.load_target_model(path)
    assert model.vectors is None
    assert T.target_sentiment(FRAME, method="model", model=model)["polarity"].tolist() == FRAME["polarity"].tolist()


def test_evaluate_says_whether_the_classifier_used_word_vectors(monkeypatch, tmp_path, capsys, small_vectors):
    from analysis.evaluation import target_sentiment as E

    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps({"sentence": s, "from": a, "to": b, "mention": s[a:b], "polarity": p})
                              for s, a, b, p in ROWS), encoding="utf-8")
    for vectors, expected in ((small_vectors, small_vectors.fingerprint), (None, "absent")):
        monkeypatch.setattr(wordvectors, "load_word_vectors", lambda path=None, v=vectors: v)
        assert E.main([str(path), "--train", str(path), "--C", "10", "--guard", "0"]) == 0
        out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert out["word_vectors"].startswith(expected) and out["method"] == "model"


def test_grouped_cv_names_the_vectors_whether_they_are_given_as_default_or_left_unsaid(monkeypatch, small_vectors):
    from analysis.evaluation import target_sentiment as E

    monkeypatch.setattr(wordvectors, "load_word_vectors", lambda path=None: small_vectors)
    unsaid = E.grouped_cv_report(FRAME, k=2, C=10.0, min_count=1)
    default = E.grouped_cv_report(FRAME, k=2, C=10.0, min_count=1, vectors="default")
    assert unsaid["word_vectors"] == default["word_vectors"] == small_vectors.fingerprint
    assert E.grouped_cv_report(FRAME, k=2, C=10.0, min_count=1, vectors=None)["word_vectors"].startswith("absent")
