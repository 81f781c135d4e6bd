"""``python -m analysis.evaluate tone-ru [--gold CSV] [--split test|dev|all]``

Scores Russian/Ukrainian sentence tone (:mod:`analysis.sentiment_cyr`) against the hand
gold ``data/gold/tone_ru_uk_gold.csv`` (3 classes: neg / neu / pos; compound <= -0.05
is neg, >= 0.05 pos, as VADER). Russian gold rows are file id + offsets into
``../shared/corpus/ru_uk/articles`` (checked by SHA-1; skipped with a note when
../shared is absent); Ukrainian rows carry their text. The gold was labelled and
committed before the lexicon was written; the lexicon is tuned on ``dev`` only, so
the headline (``f1_macro`` at the top level) is the ``test`` half.

The JSON (last stdout line) holds the method (lexicon + negation, intensifiers,
contrast) and a VADER-style baseline (the same lexicon summed without negation,
intensifiers or contrast), each overall and per language.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.logs import configure_logging

logger = logging.getLogger(__name__)

LABELS = {"neg": -1, "neu": 0, "pos": 1}


def default_gold() -> Path:
    from analysis.paths import gold_dir

    return gold_dir() / "tone_ru_uk_gold.csv"


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_gold(gold=None, shared=None) -> tuple[pd.DataFrame, list[str]]:
    """Gold rows with their sentence text: DataFrame[lang, doc_id, label, split, text];
    plus notes (e.g. Russian rows skipped without ../shared). Raises ValueError when a
    checksum differs."""
    from analysis.paths import shared_dir

    frame = pd.read_csv(gold or default_gold(), keep_default_na=False, dtype=str)
    root = Path(shared) if shared else shared_dir()
    folder = root / "corpus" / "ru_uk" / "articles"
    notes = []
    texts, keep = [], []
    docs: dict[str, str] = {}
    for row in frame.itertuples():
        if row.doc_source == "written":
            if _sha(row.text) != row.sent_sha1:
                raise ValueError(f"{row.doc_id}: sentence checksum differs")
            texts.append(row.text)
            keep.append(True)
            continue
        path = folder / f"{row.doc_id}.txt"
        if not path.is_file():
            texts.append("")
            keep.append(False)
            continue
        if row.doc_id not in docs:
            with open(path, encoding="utf-8", newline="") as handle:
                docs[row.doc_id] = handle.read()
            if _sha(docs[row.doc_id]) != row.doc_sha1:
                raise ValueError(f"{row.doc_id}: document checksum differs from the gold's")
        sent = docs[row.doc_id][int(row.start):int(row.end)]
        if _sha(sent) != row.sent_sha1:
            raise ValueError(f"{row.doc_id} {row.start}-{row.end}: sentence checksum differs")
        texts.append(sent)
        keep.append(True)
    frame = frame.assign(text=texts)
    if not all(keep):
        notes.append(f"{len(keep) - sum(keep)} Russian rows skipped: {folder} not found")
    return frame[np.array(keep)].reset_index(drop=True), notes


def predict(frame: pd.DataFrame, **options) -> np.ndarray:
    from analysis.sentiment import NEGATIVE_THRESHOLD, POSITIVE_THRESHOLD
    from analysis.sentiment_cyr import cyr_sentence_tone

    sents = pd.DataFrame({"article_id": frame["doc_id"], "sentence_id": np.arange(len(frame)),
                          "text": frame["text"], "lang": frame["lang"]})
    c = cyr_sentence_tone(sents, **options)["compound"].to_numpy()
    return np.where(c >= POSITIVE_THRESHOLD, 1, np.where(c <= NEGATIVE_THRESHOLD, -1, 0))


def report(frame: pd.DataFrame, pred: np.ndarray) -> dict:
    from analysis.evaluation.target_sentiment import classification_report

    gold = frame["label"].map(LABELS).to_numpy()
    out = classification_report(gold, pred, labels=(-1, 0, 1))
    out["by_lang"] = {}
    for code in sorted(set(frame["lang"])):
        mask = (frame["lang"] == code).to_numpy()
        r = classification_report(gold[mask], pred[mask], labels=(-1, 0, 1))
        out["by_lang"][code] = {"n": r["n"], "accuracy": r["accuracy"], "f1_macro": r["f1_macro"],
                                "f1": {k: v["f1"] for k, v in r["per_class"].items()}}
    return out


def main(argv: list[str] | None = None) -> int:
    configure_logging()  # stderr, INFO unless -q/-v said otherwise
    parser = argparse.ArgumentParser(prog="python -m analysis.evaluate tone-ru")
    parser.add_argument("--gold", default=None, help="gold CSV (default data/gold/tone_ru_uk_gold.csv)")
    parser.add_argument("--split", choices=["test", "dev", "all"], default="test")
    parser.add_argument("--shared", default=None, help="../shared location")
    args = parser.parse_args(argv)
    frame, notes = load_gold(args.gold, args.shared)
    for note in notes:
        logger.info(note)
    if args.split != "all":
        frame = frame[frame["split"] == args.split].reset_index(drop=True)
    logger.info(f"scoring {len(frame)} gold sentences ({args.split})")
    method = report(frame, predict(frame))
    baseline = report(frame, predict(frame, negation=False, boosters=False, contrast=False))
    majority = report(frame, np.full(len(frame), -1))
    result = {
        "split": args.split, "n": len(frame), "f1_macro": method["f1_macro"], "accuracy": method["accuracy"],
        "baseline_f1_macro": baseline["f1_macro"], "method": "lexicon+negation+intensifiers+contrast",
        "baseline": "lexicon sum (no negation, intensifiers or contrast)",
        "detail": method, "baseline_detail": baseline, "majority_neg_f1_macro": majority["f1_macro"],
        "tuned_on": "dev" , "notes": notes,
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
