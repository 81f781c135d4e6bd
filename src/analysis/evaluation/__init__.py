"""Scorers behind ``python -m analysis.evaluate`` (one module per task)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence

import numpy as np


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
    try:
        result = evaluate(args.gold, args.shared)
    except FileNotFoundError as exc:
        print(f"missing data: {exc}", file=sys.stderr)
        print(json.dumps({"error": str(exc)}))
        return 2
    print(summary(result), file=sys.stderr)
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
        print(f"WARNING: {n_overlap} of {n_test} test {what} also occur in the training data: "
              "these scores are in-sample (optimistic), not held-out", file=sys.stderr)


def per_class_prf(gold, pred, labels: Sequence, *, names: Mapping | None = None) -> tuple[dict, float]:
    """Per-class precision/recall/F1/support (rounded to 4 places) and the unrounded macro F1
    over ``labels``; a class never predicted or never gold scores 0.

    >>> per, macro = per_class_prf(["a", "a", "b"], ["a", "b", "b"], ["a", "b"])
    >>> per["a"], round(macro, 4)
    ({'precision': 1.0, 'recall': 0.5, 'f1': 0.6667, 'support': 2}, 0.6667)
    """
    gold, pred = np.asarray(gold), np.asarray(pred)
    per, f1s = {}, []
    for lab in labels:
        tp = int(((pred == lab) & (gold == lab)).sum())
        fp = int(((pred == lab) & (gold != lab)).sum())
        fn = int(((pred != lab) & (gold == lab)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        key = lab if names is None else names.get(lab, str(lab))
        per[key] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                    "support": int((gold == lab).sum())}
        f1s.append(f)
    return per, float(np.mean(f1s)) if f1s else 0.0
