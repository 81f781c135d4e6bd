"""Scorers behind ``python -m analysis.evaluate`` (one module per task)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable


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
