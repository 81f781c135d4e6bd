"""Evaluation commands: score a method against a gold file, print JSON.

Usage::

    python -m analysis.evaluate ner PATH.conll
    python -m analysis.evaluate target-sentiment PATH.jsonl [--train TRAIN.jsonl | --cv K]
    python -m analysis.evaluate doc-sentiment PATH.csv [--train TRAIN.csv]
    python -m analysis.evaluate frames DIR [--train DIR] [--cv K]
    python -m analysis.evaluate quotes            (our hand-made quote gold)
    python -m analysis.evaluate agency            (our hand-made agency gold)
    python -m analysis.evaluate entity-roles PATH   (SemEval-2025 roles as a polarity check; --lang ru)
    python -m analysis.evaluate tone-ru [--split test|dev|all]  (Russian/Ukrainian tone gold)
    python -m analysis.evaluate quotes-ru           (Russian quote gold)
    python -m analysis.evaluate agency-ru           (Russian/Ukrainian agency gold)
    python -m analysis.evaluate lang              (ru/uk/en language identification, articles and sentences)
    python -m analysis.evaluate ner --gold ru|uk  (Russian / Ukrainian entity gold)
    python -m analysis.evaluate roles DIR [--train DIR ...] [--cv K]        (SemEval-2025 T10 entity roles)
    python -m analysis.evaluate narratives DIR [--train DIR ...] [--cv K]   (SemEval-2025 T10 narratives)

Each command prints progress to stderr and one JSON object as the last line of
stdout, so scripts can read ``tail -1``. ``-v``/``--verbose`` and ``-q``/``--quiet``
(anywhere on the line) set the level of the ``analysis`` logger: ``-q`` keeps only
warnings and errors on stderr (see :mod:`analysis.logs`).
"""

from __future__ import annotations

import importlib
import sys

#: subcommand -> module in analysis.evaluation with a ``main(argv) -> int``
COMMANDS = {
    "ner": "analysis.evaluation.ner",
    "target-sentiment": "analysis.evaluation.target_sentiment",
    "doc-sentiment": "analysis.evaluation.doc_sentiment",
    "frames": "analysis.evaluation.frames",
    "quotes": "analysis.evaluation.quotes",
    "agency": "analysis.evaluation.agency",
    "entity-roles": "analysis.evaluation.entity_roles",
    "tone-ru": "analysis.evaluation.tone_ru",
    "quotes-ru": "analysis.evaluation.quotes_ru",
    "agency-ru": "analysis.evaluation.agency_ru",
    "lang": "analysis.evaluation.lang",
    "roles": "analysis.evaluation.roles",
    "narratives": "analysis.evaluation.narratives",
}


def main(argv: list[str] | None = None) -> int:
    from analysis.logs import configure_logging, split_verbosity

    verbosity, argv = split_verbosity(sys.argv[1:] if argv is None else argv)
    configure_logging(verbosity or None)  # no flag here: keep what `python -m analysis -q evaluate` set
    if not argv or argv[0] in {"-h", "--help"} or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        if argv and argv[0] not in {"-h", "--help"}:
            print(f"\nunknown command {argv[0]!r}; choose one of {', '.join(COMMANDS)}", file=sys.stderr)
            return 2
        return 0 if argv else 2
    try:
        module = importlib.import_module(COMMANDS[argv[0]])
    except ModuleNotFoundError as exc:
        print(f"command {argv[0]!r} is not available: {exc}", file=sys.stderr)
        return 2
    try:
        return int(module.main(argv[1:]) or 0)
    except FileNotFoundError as exc:  # a mistyped PATH: name it, no traceback
        print(f"{argv[0]}: no such file or directory: {exc.filename}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
