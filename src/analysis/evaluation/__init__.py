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
