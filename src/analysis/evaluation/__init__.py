"""Scorers behind ``python -m analysis.evaluate`` (one module per task)."""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.preprocessing import MultiLabelBinarizer

from analysis.logs import configure_logging

logger = logging.getLogger(__name__)


def gold_command(argv: list[str] | None, *, prog: str, description: str | None, default_gold: str,
                 evaluate: Callable[[str | None, str | None], dict], summary: Callable[[dict], str]) -> int:
    """Shared command line of the scorers that read one of our gold files plus ../shared.

    Prints ``summary(result)`` to stderr and the result as one JSON line (the
    last line of stdout); a missing file gives exit code 2 and a JSON error.
    """
    parser = argparse.ArgumentParser(prog=prog, description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gold", nargs="?", default=None, help=f"gold CSV (default {default_gold})")
    parser.add_argument("--shared", default=None, help="the shared data folder (default ANALYSIS_SHARED or ../shared)")
    args = parser.parse_args(argv)
    configure_logging()
    try:
        result = evaluate(args.gold, args.shared)
    except FileNotFoundError as exc:
        logger.error(f"missing data: {exc}")
        print(json.dumps({"error": str(exc)}))
        return 2
    logger.info(summary(result))
    print(json.dumps(result))
    return 0


def item_key(text) -> str:
    """How two evaluation items are recognised as the same: whitespace collapsed, case folded.

    >>> item_key("  Kyiv  said\\nso. ") == item_key("kyiv said so.")
    True
    """
    return " ".join(str(text).split()).casefold()


def count_overlap(test_keys, train_keys) -> int:
    """How many test items (keys, duplicates counted) also occur among the training keys.

    >>> count_overlap(["a", "b", "b", "c"], {"b", "c", "d"})
    3
    """
    train = set(train_keys)
    return sum(1 for key in test_keys if key in train)


def report_overlap(result: dict, n_overlap: int, n_test: int, *, what: str, field: str = "train_test_overlap") -> None:
    """Store ``n_overlap`` in ``result[field]`` and warn on stderr when it is not 0.

    Scores on items the model was trained (or tuned) on are optimistic; the
    JSON says how many there were so a reader never takes them for held-out figures.
    """
    result[field] = int(n_overlap)
    if n_overlap:
        logger.warning(f"WARNING: {n_overlap} of {n_test} test {what} also occur in the training data: "
                       "these scores are in-sample (optimistic), not held-out")


def trained_protocol(train_dirs, n_overlap: int, n_scored: int) -> str:
    """The ``protocol`` field of a model trained on ``train_dirs``, saying when scored items were
    in the training data (see :func:`report_overlap`).

    >>> trained_protocol(["en"], 0, 10)
    'trained on en'
    """
    note = (f"; {n_overlap} of {n_scored} scored articles are in the training data: IN-SAMPLE / OPTIMISTIC"
            if n_overlap else "")
    return f"trained on {' '.join(train_dirs)}" + note


def prf_from_counts(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 of a matcher scored by counts (spans, quotes, entities), via
    ``sklearn.metrics.precision_recall_fscore_support`` (binary, ``zero_division=0``).

    The mapping is exact: every distinct item in gold ∪ predicted is one sample, gold-side label
    1 if it is in the gold set, predicted label 1 if the system produced it; so ``tp`` samples are
    (1, 1), ``n_pred - tp`` false positives (0, 1) and ``n_gold - tp`` misses (1, 0). Span
    matching has no true negatives (the spans nobody proposed), and P/R/F1 never use them.

    >>> prf_from_counts(3, 4, 6)
    (0.75, 0.5, 0.6)
    >>> prf_from_counts(0, 0, 5)
    (0.0, 0.0, 0.0)
    """
    fp, fn = n_pred - tp, n_gold - tp
    if tp < 0 or fp < 0 or fn < 0:
        raise ValueError(f"inconsistent counts: tp={tp}, n_pred={n_pred}, n_gold={n_gold}")
    if tp + fp + fn == 0:
        return 0.0, 0.0, 0.0
    y_true = np.repeat([1, 0, 1], [tp, fp, fn])
    y_pred = np.repeat([1, 1, 0], [tp, fp, fn])
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="binary", pos_label=1, zero_division=0)
    return float(p), float(r), float(f)


def per_class_prf(gold, pred, labels: Sequence, *, names: Mapping | None = None) -> tuple[dict, float]:
    """Per-class precision/recall/F1/support (rounded to 4 places) and the unrounded macro F1
    over ``labels``; a class never predicted or never gold scores 0
    (``sklearn.metrics.precision_recall_fscore_support``, ``zero_division=0``).

    >>> per, macro = per_class_prf(["a", "a", "b"], ["a", "b", "b"], ["a", "b"])
    >>> per["a"], round(macro, 4)
    ({'precision': 1.0, 'recall': 0.5, 'f1': 0.6667, 'support': 2}, 0.6667)
    """
    labels = list(labels)
    if not labels:
        return {}, 0.0
    gold, pred = np.asarray(gold), np.asarray(pred)
    if gold.size == 0:
        zero = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
        return {(lab if names is None else names.get(lab, str(lab))): dict(zero) for lab in labels}, 0.0
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=labels, average=None, zero_division=0)
    per = {}
    for k, lab in enumerate(labels):
        key = lab if names is None else names.get(lab, str(lab))
        per[key] = {"precision": round(float(p[k]), 4), "recall": round(float(r[k]), 4),
                    "f1": round(float(f[k]), 4), "support": int(s[k])}
    return per, float(np.mean(f))


def binarize_sets(gold: Sequence[set], pred: Sequence[set], labels: Sequence = ()) -> tuple[np.ndarray, np.ndarray, list]:
    """0/1 indicator matrices (items x labels) of gold and predicted label sets for the multilabel
    scorers of ``sklearn.metrics``; columns are ``labels`` first, then any other label seen, sorted.

    >>> Y, P, cols = binarize_sets([{"a"}, {"a", "b"}], [{"b"}, {"a"}], ["b"])
    >>> cols, Y.tolist(), P.tolist()
    (['b', 'a'], [[0, 1], [1, 1]], [[1, 0], [0, 1]])
    """
    seen = set().union(*gold, *pred) if len(gold) or len(pred) else set()
    cols = list(labels) + sorted(seen - set(labels))
    mlb = MultiLabelBinarizer(classes=cols)
    mlb.fit([cols])
    return mlb.transform(gold), mlb.transform(pred), cols


def _multilabel(Y: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pad one-column indicator matrices with an all-zero column: sklearn reads a single column as a
    binary target (classes 0 and 1), not as one label; a label nobody has changes no score."""
    if Y.shape[1] >= 2:
        return Y, P
    pad = np.zeros((Y.shape[0], 2 - Y.shape[1]), dtype=Y.dtype)
    return np.hstack([Y, pad]), np.hstack([P, pad])


def set_prf(gold: Sequence[set], pred: Sequence[set], labels: Sequence | None = None) -> tuple[dict, dict]:
    """Per-label P/R/F1/support (rounded) over ``labels`` (default: every label seen, sorted) and the
    micro P/R/F1 (unrounded) over every label, for items that each carry a set of labels
    (``precision_recall_fscore_support`` on indicator matrices, ``zero_division=0``).

    >>> per, micro = set_prf([{"a"}, {"a", "b"}], [{"a"}, {"b"}])
    >>> per["a"], round(micro["f1"], 4)
    ({'precision': 1.0, 'recall': 0.5, 'f1': 0.6667, 'support': 2}, 0.8)
    """
    Y, P, cols = binarize_sets(gold, pred, labels or ())
    keys = list(labels) if labels is not None else cols
    if Y.shape[0] == 0 or not cols:
        return ({k: {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0} for k in keys},
                {"precision": 0.0, "recall": 0.0, "f1": 0.0})
    Y, P = _multilabel(Y, P)
    p, r, f, s = precision_recall_fscore_support(Y, P, average=None, zero_division=0)
    per = {k: {"precision": round(float(p[j]), 4), "recall": round(float(r[j]), 4), "f1": round(float(f[j]), 4),
               "support": int(s[j])} for j, k in enumerate(cols) if k in set(keys)}
    mp, mr, mf, _ = precision_recall_fscore_support(Y, P, average="micro", zero_division=0)
    return {k: per[k] for k in keys}, {"precision": float(mp), "recall": float(mr), "f1": float(mf)}


def samples_f1(gold: Sequence[set], pred: Sequence[set]) -> float:
    """Mean over items of the F1 between the gold and the predicted label set, an item with both
    sets empty scoring 1 (``f1_score(average="samples", zero_division=1)``; the SemEval-2025
    Task 10 subtask 2 measure).

    >>> round(samples_f1([{"a"}, {"a", "b"}, set()], [{"a"}, {"b"}, set()]), 4)
    0.8889
    """
    if not len(gold):
        return 0.0
    Y, P, cols = binarize_sets(gold, pred)
    if not cols:
        return 1.0
    Y, P = _multilabel(Y, P)
    return float(f1_score(Y, P, average="samples", zero_division=1.0))
