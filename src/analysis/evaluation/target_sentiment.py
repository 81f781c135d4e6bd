"""``python -m analysis.evaluate target-sentiment PATH.jsonl [--train TRAIN.jsonl] [--method M]``

Scores target-dependent sentiment on NewsMTSC-format jsonl (one object per
line with ``sentence``, ``from``, ``to``, ``mention``, ``polarity`` in
-1/0/1; Hamborg & Donnay 2021). Without ``--train`` the training-free default
(``rules``) is scored; with ``--train`` the logistic-regression classifier is
trained in-process on the given file(s) first and scored (``model``), and
test targets that also occur in the training files (same sentence and span,
whitespace and case ignored) are counted in ``train_test_overlap`` (test
targets whose sentence occurs there: ``train_test_overlap_sentences``) with a
warning on stderr; the fit is guarded (``--guard K``, default 3): inner
K-fold cross-validation on the training rows compares the classifier with the
training-free rules, and the rules are scored instead when the fit would hurt
(``guard`` in the output: out-of-fold F1 of both and which was ``used``;
``--guard 0`` always uses the classifier);
``--cv K`` (instead of ``--train``) scores the classifier by K-fold
cross-validation on PATH itself, with folds grouped by article
(``StratifiedGroupKFold``, shuffled with ``--cv-seed``; the article is the
first two fields of the NewsMTSC id, :func:`analysis.targeted.newsmtsc_articles`),
so that no article has sentences on both sides of a fold — the honest
tuning figure (random folds read ~1.5 points higher on NewsMTSC train);
``--method vader`` scores plain sentence VADER, the baseline. Progress goes to
stderr; the last stdout line is one JSON object with n, accuracy, f1_macro,
per-class precision/recall/F1, method and targets_per_second.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time

import numpy as np

from analysis.evaluation import per_class_prf
from analysis.logs import configure_logging

logger = logging.getLogger(__name__)

LABELS = (-1, 0, 1)
NAMES = {-1: "negative", 0: "neutral", 1: "positive"}


def classification_report(gold, pred, labels=LABELS) -> dict:
    """Accuracy, macro F1 and per-class precision/recall/F1/support."""
    gold = np.asarray(gold)
    pred = np.asarray(pred)
    out: dict = {"n": int(gold.size), "accuracy": float((gold == pred).mean()) if gold.size else 0.0}
    per, out["f1_macro"] = per_class_prf(gold, pred, labels, names=NAMES)
    out["accuracy"] = round(out["accuracy"], 4)
    out["f1_macro"] = round(out["f1_macro"], 4)
    out["per_class"] = per
    return out


def target_keys(frame) -> list[tuple[str, int, int]]:
    """Identity of a NewsMTSC target: (normalised sentence, from, to)."""
    from analysis.evaluation import item_key

    return [(item_key(t), int(a), int(b)) for t, a, b in zip(frame["text"], frame["from"], frame["to"])]


def overlap_fields(gold, train) -> dict:
    """``train_test_overlap`` (same target) and ``train_test_overlap_sentences`` (same sentence), warned about."""
    from analysis.evaluation import count_overlap, report_overlap

    out: dict = {}
    test_keys, train_keys = target_keys(gold), target_keys(train)
    report_overlap(out, count_overlap(test_keys, train_keys), len(test_keys), what="targets")
    out["train_test_overlap_sentences"] = count_overlap([k[0] for k in test_keys], {k[0] for k in train_keys})
    return out


def vectors_note(vectors) -> str:
    """What the classifier's ``word_vectors`` field says: the fingerprint of the vectors used, or that it fell back."""
    if vectors is None:
        return "absent: classifier without word-vector features (python -m analysis.train wordvectors)"
    return vectors.fingerprint


def grouped_cv_report(frame, *, k: int = 5, seed: int = 0, **train_kw) -> dict:
    """Out-of-fold scores of the classifier on NewsMTSC rows, K folds grouped by article.

    >>> import pandas as pd
    >>> rows = [("Critics slammed the corrupt Smith.", 28, 33, -1), ("Fans cheered the brilliant Smith.", 27, 32, 1),
    ...         ("Smith arrived on Monday.", 0, 5, 0)] * 4
    >>> f = pd.DataFrame(rows, columns=["text", "from", "to", "polarity"]).assign(id=[f"s_{i // 3}_x" for i in range(12)])
    >>> r = grouped_cv_report(f, k=2, C=10.0, min_count=1)
    >>> r["f1_macro"], r["cv"]
    (1.0, {'k': 2, 'seed': 0, 'grouped_by': 'article', 'articles': 4})
    """
    from sklearn.model_selection import StratifiedGroupKFold

    from analysis.targeted import newsmtsc_articles, out_of_fold_polarity

    y = frame["polarity"].to_numpy()
    articles = newsmtsc_articles(frame)
    folds = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed).split(frame, y, articles)
    result = classification_report(y, out_of_fold_polarity(frame, folds, **train_kw))
    from analysis.sentiment.target import resolve_word_vectors

    result.update({"method": "model", "cv": {"k": k, "seed": seed, "grouped_by": "article",
                                             "articles": len(set(articles))},
                   "word_vectors": vectors_note(resolve_word_vectors(train_kw.get("vectors", "default")))})
    return result


def main(argv: list[str] | None = None) -> int:
    configure_logging()  # stderr, INFO unless -q/-v said otherwise
    from analysis.targeted import (
        guarded_target_model,
        load_target_model,
        read_newsmtsc,
        target_sentiment,
        train_target_model,
    )

    parser = argparse.ArgumentParser(prog="python -m analysis.evaluate target-sentiment")
    parser.add_argument("path", help="NewsMTSC-format jsonl with gold polarity")
    parser.add_argument("--train", nargs="+", default=None, help="train the classifier on these jsonl files first")
    parser.add_argument("--method", choices=["rules", "model", "vader"], default=None,
                        help="default: model with --train, else rules")
    parser.add_argument("--model", default=None, help="JSON weights for --method model (no --train)")
    parser.add_argument("--C", type=float, default=0.2, help="inverse regularisation for --train")
    parser.add_argument("--guard", type=int, default=3,
                        help="inner K-fold CV on --train: keep the rules when the classifier would be worse (0: off)")
    parser.add_argument("--cv", type=int, default=0,
                        help="K-fold CV of the classifier on PATH, folds grouped by article (instead of --train)")
    parser.add_argument("--cv-seed", type=int, default=0, help="shuffling seed of the --cv folds")
    parser.add_argument("--lexicon", choices=["war-news", "vader"], default="war-news",
                        help="lexicon for the rules and the vader baseline (default war-news)")
    args = parser.parse_args(argv)
    if args.cv:
        if args.train or args.model or args.method not in (None, "model"):
            parser.error("--cv trains the classifier on PATH itself: no --train, --model or other --method")
        result = grouped_cv_report(read_newsmtsc(args.path), k=args.cv, seed=args.cv_seed, C=args.C)
        print(json.dumps({**result, "path": str(args.path)}))
        return 0

    gold = read_newsmtsc(args.path)
    logger.info(f"read {len(gold)} targets from {args.path}")
    method = args.method or ("model" if args.train or args.model else "rules")
    model = None
    extra: dict = {}
    if args.train:
        import pandas as pd

        train = pd.concat([read_newsmtsc(p) for p in args.train], ignore_index=True)
        t0 = time.perf_counter()
        if args.guard > 1 and args.method in (None, "model"):
            model, extra["guard"] = guarded_target_model(train, k=args.guard, C=args.C)
            logger.info(f"guard: inner {args.guard}-fold CV {extra['guard']}")
        else:
            model = train_target_model(train, C=args.C)
        extra["train_n"] = len(train)
        extra.update(overlap_fields(gold, train))
        extra["train_seconds"] = round(time.perf_counter() - t0, 2)
        if model is None:  # the guard kept the rules
            logger.info(f"the classifier lost to the rules in inner CV: scoring the rules ({extra['train_seconds']} s)")
            method = "rules"
        else:
            logger.info(f"trained on {len(train)} targets in {extra['train_seconds']} s "
                        f"({len(model.weights)} features)")
            method = args.method or "model"
    elif method == "model":
        model = load_target_model(args.model)
    if model is not None:  # the classifier falls back to no vector features when none were trained
        extra["word_vectors"] = vectors_note(model.vectors)
    # score twice: the first pass warms the per-sentence cache, the timed pass is cold per target
    import pandas as pd

    from analysis.targeted import _parse

    target_sentiment(pd.DataFrame({"text": ["Warm-up."], "from": [0], "to": [4]}), method=method, model=model)
    _parse.cache_clear()
    t0 = time.perf_counter()
    pred = target_sentiment(gold, method=method, model=model, lexicon=args.lexicon)
    seconds = time.perf_counter() - t0
    result = classification_report(gold["polarity"].to_numpy(), pred["polarity"].to_numpy())
    result.update({"method": method, "lexicon": args.lexicon if method != "model" else "war-news", "path": str(args.path),
                   "targets_per_second": round(len(gold) / seconds, 1) if seconds > 0 else None, **extra})
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
