"""``python -m analysis.evaluate entity-roles ROLES.tsv [--method M] [--train TRAIN.jsonl]``

A war-domain check of target-dependent sentiment: SemEval-2025 Task 10
subtask 1 (Piskorski et al. 2025; entity framing after Mahmoud et al. 2025)
casts entity mentions in Ukraine-war news as Protagonist, Antagonist or
Innocent. Roles are not sentiment, but they imply an expected polarity of the
text toward the entity. The mapping used here:

============  ==================  =============================================
main role     expected polarity   why
============  ==================  =============================================
Antagonist    negative (-1)       instigator, tyrant, deceiver, terrorist, ...
Protagonist   non-negative        guardian, peacemaker, virtuous, ... (often
                                  described neutrally, so 0 or +1 both count)
Innocent      non-negative        victim, exploited, forgotten: sentences about
                                  victims are grim, but not *against* them
============  ==================  =============================================

The headline figure is therefore binary: macro-F1 of "negative" vs
"non-negative" (``f1_macro``), with per-role rates of predicted negative /
positive and the mean score, so a method that simply calls every war sentence
negative is exposed (it gets Innocent and Protagonist wrong).

Each mention is scored in its sentence (``analysis.text.sentence_spans`` of
the article) by :func:`analysis.targeted.target_sentiment`. Input: the
``roles.tsv`` of a language folder (``article_id mention start end main_role
fine_roles``, offsets into ``articles/<article_id>.txt`` read with
``newline=''``). Progress on stderr; one JSON object as the last stdout line.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.logs import configure_logging

logger = logging.getLogger(__name__)

#: main role -> expected polarity class ("negative" or "non-negative")
EXPECTED = {"Antagonist": -1, "Protagonist": 0, "Innocent": 0}


def _razdel_spans(text: str) -> list[tuple[int, int]]:
    import razdel

    return [(s.start, s.stop) for s in razdel.sentenize(text)]


def read_roles(path: str | Path, lang: str = "en") -> pd.DataFrame:
    """roles.tsv + the sentence of each mention: DataFrame[article_id, mention, start,
    end, main_role, fine_roles, text, from, to] (text = the mention's sentence,
    from/to = the mention's offsets inside it). Russian/Ukrainian articles
    (``lang`` "ru"/"uk") are cut into sentences with razdel."""
    from analysis.text import sentence_spans

    if lang in ("ru", "uk"):
        sentence_spans = _razdel_spans  # noqa: F811

    path = Path(path)
    if path.is_dir():  # the language folder, as `evaluate roles DIR` takes it
        path = path / "roles.tsv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    frame = pd.DataFrame(rows)
    frame["start"] = frame["start"].astype(int)
    frame["end"] = frame["end"].astype(int)
    folder = path.parent / "articles"
    texts: dict[str, str] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    sent, froms, tos = [], [], []
    for aid, a, b in zip(frame["article_id"], frame["start"], frame["end"]):
        if aid not in texts:
            with open(folder / f"{aid}.txt", encoding="utf-8", newline="") as handle:
                texts[aid] = handle.read()
            spans[aid] = sentence_spans(texts[aid])
        text = texts[aid]
        s, e = next(((s, e) for s, e in spans[aid] if s <= a < e), (a, b))
        sent.append(text[s:e])
        froms.append(a - s)
        tos.append(min(b, e) - s)
    frame["text"], frame["from"], frame["to"] = sent, froms, tos
    return frame


def role_report(main_roles, polarity, score) -> dict:
    """Binary negative/non-negative scores against :data:`EXPECTED` plus per-role rates."""
    from analysis.evaluation.target_sentiment import classification_report

    roles = pd.Series(list(main_roles))
    pol = np.asarray(polarity)
    gold = roles.map(EXPECTED).to_numpy()
    pred = np.where(pol < 0, -1, 0)
    report = classification_report(gold, pred, labels=(-1, 0))
    report["per_class"] = {{"negative": "negative", "neutral": "non_negative"}[k]: v
                           for k, v in report["per_class"].items()}
    per_role = {}
    for role in ("Antagonist", "Protagonist", "Innocent"):
        mask = (roles == role).to_numpy()
        if mask.any():
            per_role[role] = {"n": int(mask.sum()), "share_negative": round(float((pol[mask] < 0).mean()), 4),
                              "share_positive": round(float((pol[mask] > 0).mean()), 4),
                              "mean_score": round(float(np.mean(np.asarray(score)[mask])), 4)}
    report["per_role"] = per_role
    return report


def main(argv: list[str] | None = None) -> int:
    configure_logging()  # stderr, INFO unless -q/-v said otherwise
    from analysis.targeted import (
        DEFAULT_RULES,
        LEGACY_RULES,
        load_target_model,
        read_newsmtsc,
        target_sentiment,
        train_target_model,
    )

    parser = argparse.ArgumentParser(prog="python -m analysis.evaluate entity-roles")
    parser.add_argument("path", help="SemEval-2025 Task 10 roles.tsv (articles/ next to it) or its folder")
    parser.add_argument("--method", choices=["rules", "rules-legacy", "model", "vader"], default=None,
                        help="default: model with --train/--model, else rules")
    parser.add_argument("--train", nargs="+", default=None, help="NewsMTSC jsonl to train the classifier on")
    parser.add_argument("--model", default=None, help="JSON weights for --method model")
    parser.add_argument("--lang", choices=["en", "ru", "uk"], default="en",
                        help="ru/uk: target-dependent tone from analysis.sentiment.cyrillic_target (sentence tone for comparison)")
    args = parser.parse_args(argv)
    if args.lang != "en":
        return _main_cyrillic(args)

    frame = read_roles(args.path)
    logger.info(f"read {len(frame)} role mentions from {args.path}")
    method = args.method or ("model" if args.train or args.model else "rules")
    model, extra = None, {}
    if method == "model":
        if args.train:
            train = pd.concat([read_newsmtsc(p) for p in args.train], ignore_index=True)
            model = train_target_model(train)
            extra["train_n"] = len(train)
        else:
            model = load_target_model(args.model)
    params = LEGACY_RULES if method == "rules-legacy" else DEFAULT_RULES
    t0 = time.perf_counter()
    pred = target_sentiment(frame, method="rules" if method == "rules-legacy" else method, model=model,
                            params=params)
    seconds = time.perf_counter() - t0
    result = role_report(frame["main_role"], pred["polarity"].to_numpy(), pred["score"].to_numpy())
    result.update({"method": method, "path": str(args.path), "mapping": {k: ("negative" if v < 0 else "non-negative")
                                                                       for k, v in EXPECTED.items()},
                   "targets_per_second": round(len(frame) / seconds, 1) if seconds > 0 else None, **extra})
    print(json.dumps(result))
    return 0


def _half(article_ids) -> np.ndarray:
    """0 (dev: the half the ru/uk target weights were tuned on) or 1 (held out) per row, by a
    CRC32 of the article id, so every mention of an article falls in one half."""
    import zlib

    return np.array([zlib.crc32(str(a).encode()) % 2 for a in article_ids])


def _main_cyrillic(args) -> int:
    """The polarity check for Russian/Ukrainian. Headline: target-dependent tone of each mention
    (:mod:`analysis.sentiment.cyrillic_target`); for comparison the mention's sentence tone (what the
    library gave before, not target-dependent), the window-only baseline, and "pipeline_before":
    every mention 0, what ``mention_sentiment`` returned for ru/uk before the Cyrillic rules.
    ``dev``/``heldout`` split the articles in halves (:func:`_half`): the target weights were
    chosen on ``dev`` only."""
    from analysis.sentiment import NEGATIVE_THRESHOLD
    from analysis.sentiment.cyrillic import cyr_sentence_tone
    from analysis.sentiment.cyrillic_target import CYR_TARGET_BASELINE, CYR_TARGET_RULES, cyr_target_scores

    frame = read_roles(args.path, lang=args.lang)
    logger.info(f"read {len(frame)} role mentions from {args.path}")
    sents = pd.DataFrame({"article_id": frame["article_id"], "sentence_id": np.arange(len(frame)),
                          "text": frame["text"], "lang": args.lang})
    half = _half(frame["article_id"])
    preds = {}
    t0 = time.perf_counter()
    for name, params in (("target", CYR_TARGET_RULES), ("target_window_baseline", CYR_TARGET_BASELINE)):
        pol, score = cyr_target_scores(frame["text"].tolist(), frame["from"].tolist(), frame["to"].tolist(),
                                       [args.lang] * len(frame), params=params)
        preds[name] = (np.asarray(pol), np.asarray(score))
    seconds = time.perf_counter() - t0
    for name, opts in (("sentence_tone", {}),
                       ("sentence_lexicon_sum", {"negation": False, "boosters": False, "contrast": False})):
        c = cyr_sentence_tone(sents, **opts)["compound"].to_numpy()
        preds[name] = (np.where(c <= NEGATIVE_THRESHOLD, -1, np.where(c >= 0.05, 1, 0)), c)
    preds["pipeline_before"] = (np.zeros(len(frame), dtype=int), np.zeros(len(frame)))
    roles = frame["main_role"].to_numpy()
    out = {}
    for name, (pol, score) in preds.items():
        out[name] = {part: role_report(roles[mask], pol[mask], score[mask])
                     for part, mask in (("all", np.ones(len(frame), bool)), ("dev", half == 0),
                                        ("heldout", half == 1))}
    result = dict(out["target"]["all"])
    result.update({"method": "target-dependent tone (analysis.sentiment.cyrillic_target)", "lang": args.lang,
                   "path": str(args.path),
                   "f1_macro_by_method": {name: {part: r["f1_macro"] for part, r in parts.items()}
                                          for name, parts in out.items()},
                   "heldout": out["target"]["heldout"], "dev": out["target"]["dev"],
                   "sentence_tone": out["sentence_tone"]["all"],
                   "mapping": {k: ("negative" if v < 0 else "non-negative") for k, v in EXPECTED.items()},
                   "targets_per_second": round(2 * len(frame) / seconds, 1) if seconds > 0 else None})
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
