"""``python -m analysis.sentiment {train,bench} ...``: train the target classifier, time the scorer."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.sentiment {train,bench} ...``"""
    from analysis.sentiment import target

    return target.cli(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(main())
