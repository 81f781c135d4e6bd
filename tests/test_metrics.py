"""The scorers' precision/recall/F1 come from sklearn.metrics and equal the textbook definitions.

P = tp / predicted, R = tp / gold, F1 = 2PR / (P + R), each 0 when its denominator is 0
(``zero_division=0``); macro = mean of per-class F1; micro = from the summed counts; samples
F1 = mean per-item F1 of label sets, an item with both sets empty scoring 1 (SemEval-2025 T10).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.evaluation import binarize_sets, per_class_prf, prf_from_counts, samples_f1, set_prf


def textbook(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@settings(max_examples=200, deadline=None)
@given(tp=st.integers(0, 50), fp=st.integers(0, 50), fn=st.integers(0, 50))
def test_span_scores_from_counts_equal_the_textbook_formula(tp, fp, fn):
    got = prf_from_counts(tp, tp + fp, tp + fn)
    assert got == pytest.approx(textbook(tp, tp + fp, tp + fn), abs=1e-12)


def test_counts_that_cannot_come_from_a_matcher_are_refused():
    with pytest.raises(ValueError):
        prf_from_counts(5, 3, 10)  # more true positives than predictions


def test_nothing_predicted_and_nothing_gold_scores_zero():
    assert prf_from_counts(0, 0, 0) == (0.0, 0.0, 0.0)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("abcd")), min_size=1, max_size=40))
def test_per_class_scores_equal_the_textbook_formula(pairs):
    gold, pred = [g for g, _ in pairs], [p for _, p in pairs]
    labels = ["a", "b", "c"]
    per, macro = per_class_prf(gold, pred, labels)
    f1s = []
    for lab in labels:
        tp = sum(g == lab and p == lab for g, p in pairs)
        p, r, f = textbook(tp, pred.count(lab), gold.count(lab))
        assert per[lab] == {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                            "support": gold.count(lab)}
        f1s.append(f)
    assert macro == pytest.approx(np.mean(f1s), abs=1e-12)


def test_per_class_scores_use_display_names_and_count_an_unseen_class_as_zero():
    per, macro = per_class_prf([-1, 0, 0], [-1, 0, -1], [-1, 0, 1], names={-1: "negative", 0: "neutral", 1: "positive"})
    assert list(per) == ["negative", "neutral", "positive"]
    assert per["positive"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert macro == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)


label_sets = st.lists(st.frozensets(st.sampled_from(["x", "y", "z"]), max_size=3), min_size=1, max_size=20)


@settings(max_examples=100, deadline=None)
@given(label_sets, label_sets)
def test_label_set_scores_equal_the_textbook_formula(gold, pred):
    n = min(len(gold), len(pred))
    gold, pred = [set(s) for s in gold[:n]], [set(s) for s in pred[:n]]
    per, micro = set_prf(gold, pred, ["x", "y", "z"])
    for lab in "xyz":
        tp = sum(lab in g and lab in p for g, p in zip(gold, pred))
        p, r, f = textbook(tp, sum(lab in p for p in pred), sum(lab in g for g in gold))
        assert (per[lab]["precision"], per[lab]["recall"], per[lab]["f1"]) == (round(p, 4), round(r, 4), round(f, 4))
    tp = sum(len(g & p) for g, p in zip(gold, pred))
    assert tuple(micro.values()) == pytest.approx(textbook(tp, sum(map(len, pred)), sum(map(len, gold))), abs=1e-12)
    per_item = [1.0 if not g and not p else 2 * len(g & p) / (len(g) + len(p)) for g, p in zip(gold, pred)]
    assert samples_f1(gold, pred) == pytest.approx(np.mean(per_item), abs=1e-12)


def test_micro_scores_count_labels_outside_the_reported_list():
    per, micro = set_prf([{"a", "rare"}], [{"a"}], ["a"])
    assert list(per) == ["a"] and micro["recall"] == 0.5


def test_indicator_columns_put_the_given_labels_first():
    Y, P, cols = binarize_sets([{"b"}], [{"a"}], ["c"])
    assert cols == ["c", "a", "b"] and Y.tolist() == [[0, 0, 1]] and P.tolist() == [[0, 1, 0]]
