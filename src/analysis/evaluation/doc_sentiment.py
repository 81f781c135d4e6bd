"""``python -m analysis.evaluate doc-sentiment PATH.csv [--train TRAIN ...] [--method M] [--cv K [--repeats R]]``

Scores document-level sentiment toward the main person (PerSenT csv:
``DOCUMENT``, ``TARGET_ENTITY``, ``TRUE_SENTIMENT`` in Positive/Neutral/
Negative; Bastan et al. 2020) with :func:`analysis.targeted.document_sentiment`.

``--train`` takes NewsMTSC jsonl file(s) (the target classifier is trained on
them and used for every mention: method ``model``) and/or PerSenT csv file(s)
(the two document thresholds are fitted on them by grid search, kept only
when 5-fold cross-validation inside those documents beats the untrained
thresholds). ``--cv K`` instead scores K-fold cross-validated thresholds on
PATH itself (each fold labelled with thresholds chosen on the other folds;
``untrained`` gives the plain rules' figure; ``--repeats R`` adds the figure
for fold seeds 0..R-1 and their mean in ``cv_repeats``, since one K-fold
split of a few hundred documents moves it by about +-0.01). Without them
the training-free rules are scored with their default thresholds;
``--method vader`` scores VADER's compound of the whole document averaged over
its sentences (the baseline). With ``--train``, ``train_test_overlap`` counts
the test documents that also occur in the training data (the same document
text in a PerSenT csv, or a sentence of it among the NewsMTSC training
sentences; whitespace and case ignored), with a warning on stderr. The last
stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time

import numpy as np
import pandas as pd

from analysis.logs import configure_logging

logger = logging.getLogger(__name__)

LABEL = {"Negative": -1, "Neutral": 0, "Positive": 1, "negative": -1, "neutral": 0, "positive": 1}


def read_persent(path) -> pd.DataFrame:
    frame = pd.read_csv(path)
    missing = [c for c in ("DOCUMENT", "TARGET_ENTITY", "TRUE_SENTIMENT") if c not in frame.columns]
    if missing:
        raise KeyError(f"{path}: missing PerSenT column(s) {missing}")
    frame = frame.dropna(subset=["DOCUMENT", "TRUE_SENTIMENT"]).reset_index(drop=True)
    frame["gold"] = frame["TRUE_SENTIMENT"].map(LABEL).astype(int)
    return frame


def _vader_docs(frame: pd.DataFrame, lexicon: str = "vader") -> pd.DataFrame:
    from analysis.sentiment import sentence_sentiment
    from analysis.text import sentences

    arts = pd.DataFrame({"article_id": np.arange(len(frame)), "text": frame["DOCUMENT"].astype(str).tolist()})
    sc = sentence_sentiment(sentences(arts), lexicon=lexicon)
    mean = sc.groupby("article_id")["compound"].mean().reindex(arts["article_id"]).fillna(0.0).to_numpy()
    pol = np.where(mean >= 0.05, 1, np.where(mean <= -0.05, -1, 0))
    return pd.DataFrame({"polarity": pol, "score": mean}, index=frame.index)


_GRID_POS = np.arange(-0.1, 0.31, 0.025)
_GRID_NEG = np.arange(-0.3, 0.11, 0.025)


def _macro_f1_rounded(gold: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Macro F1 over -1/0/1 of each row of ``pred`` (candidates x documents), rounded to 4 places
    as :func:`classification_report` reports it; a class with no true positive scores 0."""
    f = np.zeros(pred.shape[0])
    for c in (-1, 0, 1):
        hit = pred == c
        is_c = gold == c
        tp = (hit & is_c).sum(axis=1)
        denom = hit.sum(axis=1) + is_c.sum()  # 2tp + fp + fn
        f += np.where(tp > 0, 2 * tp / np.maximum(denom, 1), 0.0)
    return np.round(f / 3, 4)


def fit_thresholds(scores, gold) -> tuple[float, float]:
    """Grid-search (pos, neg) document thresholds for macro F1.

    The grid (positive -0.1...0.3, negative -0.3...0.1, step 0.025, negative
    below positive) is scored in one vectorised pass; the first best cell in
    (positive, negative) order wins, as a loop over the grid would pick it.

    >>> fit_thresholds(np.array([0.5, 0.0, -0.5] * 3), np.array([1, 0, -1] * 3))
    (0.025, -0.3)
    """
    scores, gold = np.asarray(scores, dtype=float), np.asarray(gold)
    cells = [(tp, tn) for tp in _GRID_POS for tn in _GRID_NEG if tn < tp]
    tps = np.array([c[0] for c in cells])[:, None]
    tns = np.array([c[1] for c in cells])[:, None]
    pred = np.where(scores[None, :] >= tps, 1, np.where(scores[None, :] <= tns, -1, 0))
    f = _macro_f1_rounded(gold, pred)
    best = int(np.argmax(f))  # first maximum, as the strict ">" of a loop in this order
    return round(float(cells[best][0]), 3), round(float(cells[best][1]), 3)


def _fit_thresholds_loop(scores, gold) -> tuple[float, float]:
    """The plain grid search :func:`fit_thresholds` vectorises (kept for the test that they agree)."""
    from analysis.evaluation.target_sentiment import classification_report

    best = (-1.0, 0.05, -0.05)
    for tp in _GRID_POS:
        for tn in _GRID_NEG:
            if tn >= tp:
                continue
            pred = np.where(scores >= tp, 1, np.where(scores <= tn, -1, 0))
            f = classification_report(gold, pred)["f1_macro"]
            if f > best[0]:
                best = (f, float(tp), float(tn))
    return round(best[1], 3), round(best[2], 3)


DEFAULT_THRESHOLDS = (0.05, -0.15)  #: document_sentiment()'s defaults (pos, neg)


def _apply(scores, pos: float, neg: float) -> np.ndarray:
    scores = np.asarray(scores, dtype=float)
    return np.where(scores >= pos, 1, np.where(scores <= neg, -1, 0))


def _folds(gold, k: int, seed: int = 0) -> list[np.ndarray]:
    """Stratified fold index arrays (deterministic: class by class, shuffled with ``seed``)."""
    gold = np.asarray(gold)
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(gold), dtype=int)
    for label in np.unique(gold):
        idx = np.flatnonzero(gold == label)
        rng.shuffle(idx)
        fold_of[idx] = np.arange(len(idx)) % k
    return [np.flatnonzero(fold_of == f) for f in range(k)]


def guarded_thresholds(scores, gold, *, k: int = 5, default: tuple[float, float] = DEFAULT_THRESHOLDS,
                       seed: int = 0) -> tuple[tuple[float, float], dict]:
    """Fit (pos, neg) thresholds, but keep ``default`` unless cross-validation says the fit helps.

    Inside the given documents, thresholds fitted on k-1 folds are scored on
    the held-out fold and compared with the untrained ``default`` on the same
    fold; the fit on all documents is returned only when its cross-validated
    macro F1 beats the default's (the issue's rule: a fit is never worse than
    the plain rules). Returns ((pos, neg), info).

    >>> s = np.array([0.5, 0.4, 0.3, 0.1, 0.1, 0.1, -0.5, -0.4, -0.3] * 4)  # neutral above 0.05
    >>> g = np.array([1, 1, 1, 0, 0, 0, -1, -1, -1] * 4)
    >>> (pos, neg), info = guarded_thresholds(s, g, k=3)
    >>> info["used"], neg < 0 < pos
    ('fit', True)
    """
    from analysis.evaluation.target_sentiment import classification_report

    scores, gold = np.asarray(scores, dtype=float), np.asarray(gold)
    pred_fit = np.zeros(len(gold), dtype=int)
    for test in _folds(gold, k, seed):
        train = np.setdiff1d(np.arange(len(gold)), test)
        pred_fit[test] = _apply(scores[test], *fit_thresholds(scores[train], gold[train]))
    cv_fit = classification_report(gold, pred_fit)["f1_macro"]
    cv_default = classification_report(gold, _apply(scores, *default))["f1_macro"]
    fitted = fit_thresholds(scores, gold)
    used = "fit" if cv_fit > cv_default else "default"
    info = {"cv_f1_fit": cv_fit, "cv_f1_default": cv_default, "used": used, "fitted": list(fitted)}
    return (fitted if used == "fit" else default), info


def cross_validated(scores, gold, *, k: int = 5, seed: int = 0) -> tuple[np.ndarray, list]:
    """Out-of-fold predictions: each fold is labelled with thresholds chosen
    (by :func:`guarded_thresholds`, so possibly the defaults) on the other folds."""
    scores, gold = np.asarray(scores, dtype=float), np.asarray(gold)
    pred = np.zeros(len(gold), dtype=int)
    chosen = []
    for test in _folds(gold, k, seed):
        train = np.setdiff1d(np.arange(len(gold)), test)
        th, info = guarded_thresholds(scores[train], gold[train], k=k, seed=seed)
        pred[test] = _apply(scores[test], *th)
        chosen.append({"thresholds": list(th), "used": info["used"]})
    return pred, chosen


def repeated_cv(scores, gold, *, k: int = 5, repeats: int = 5) -> dict:
    """Macro F1 of :func:`cross_validated` thresholds for fold seeds 0..repeats-1, and their mean.

    On a few hundred documents one K-fold split moves the CV figure by about
    +-0.01 (PerSenT dev, 578 documents: 0.4907-0.5106 over five seeds), more
    than most variants differ; the mean over seeds is the steadier figure.

    >>> g = np.array([1, 0, -1] * 10)
    >>> repeated_cv(np.where(g == 1, 0.3, np.where(g == -1, -0.3, 0.1)), g, k=3, repeats=2)["f1_macro_mean"]
    1.0
    """
    from analysis.evaluation.target_sentiment import classification_report

    gold = np.asarray(gold)
    by_seed = [classification_report(gold, cross_validated(scores, gold, k=k, seed=seed)[0])["f1_macro"]
               for seed in range(repeats)]
    return {"k": k, "seeds": list(range(repeats)), "f1_macro": by_seed,
            "f1_macro_mean": round(float(np.mean(by_seed)), 4),
            "f1_macro_sd": round(float(np.std(by_seed, ddof=1)), 4) if repeats > 1 else 0.0}


def document_overlap(gold: pd.DataFrame, train_docs: pd.DataFrame | None, train_sentences: pd.DataFrame | None) -> int:
    """Test documents found in the training data: the same document, or one of its sentences.

    >>> gold = pd.DataFrame({"DOCUMENT": ["A b. C d.", "E f.", "G h."]})
    >>> document_overlap(gold, pd.DataFrame({"DOCUMENT": ["e  F."]}), pd.DataFrame({"text": ["C d."]}))
    2
    """
    from analysis.evaluation import item_key
    from analysis.text import sentence_spans

    seen_docs = {item_key(d) for d in train_docs["DOCUMENT"]} if train_docs is not None else set()
    seen_sents = {item_key(s) for s in train_sentences["text"]} if train_sentences is not None else set()
    n = 0
    for doc in gold["DOCUMENT"].astype(str):
        if item_key(doc) in seen_docs or (
                seen_sents and any(item_key(doc[a:b]) in seen_sents for a, b in sentence_spans(doc))):
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    configure_logging()  # stderr, INFO unless -q/-v said otherwise
    from analysis.evaluation.target_sentiment import classification_report
    from analysis.targeted import document_sentiment, read_newsmtsc, train_target_model

    parser = argparse.ArgumentParser(prog="python -m analysis.evaluate doc-sentiment")
    parser.add_argument("path", help="PerSenT-format csv with gold TRUE_SENTIMENT")
    parser.add_argument("--train", nargs="+", default=None,
                        help="NewsMTSC jsonl (train the target classifier) and/or PerSenT csv (fit thresholds)")
    parser.add_argument("--method", choices=["rules", "model", "vader"], default=None)
    parser.add_argument("--model", default=None, help="JSON weights for --method model")
    parser.add_argument("--lexicon", choices=["war-news", "vader"], default="war-news",
                        help="lexicon for the rules and the vader baseline (default war-news)")
    parser.add_argument("--cv", type=int, default=None, metavar="K",
                        help="K-fold cross-validation of the threshold fit on PATH itself (CV figures; "
                             "the untrained thresholds are kept in a fold when inner CV says the fit hurts)")
    parser.add_argument("--repeats", type=int, default=1, metavar="R",
                        help="with --cv: also run the K-fold CV with fold seeds 1..R-1 and report every seed's "
                             "macro F1 and their mean (cv_repeats); the headline stays seed 0")
    args = parser.parse_args(argv)

    gold = read_persent(args.path)
    logger.info(f"read {len(gold)} documents from {args.path}")
    method = args.method or ("model" if args.model else "rules")
    model = args.model
    extra: dict = {}
    thresholds = {}
    jsonl = [p for p in (args.train or []) if str(p).endswith(".jsonl")]
    csvs = [p for p in (args.train or []) if not str(p).endswith(".jsonl")]
    train = docs = None
    if jsonl:
        train = pd.concat([read_newsmtsc(p) for p in jsonl], ignore_index=True)
        t0 = time.perf_counter()
        model = train_target_model(train)
        method = args.method or "model"
        extra["train_n_targets"] = len(train)
        extra["train_seconds"] = round(time.perf_counter() - t0, 2)
        logger.info(f"trained target classifier on {len(train)} targets")
    if csvs and method != "vader":
        docs = pd.concat([read_persent(p) for p in csvs], ignore_index=True)
        scored = document_sentiment(docs, method=method, model=model)
        (tp, tn), info = guarded_thresholds(scored["score"].to_numpy(), docs["gold"].to_numpy())
        thresholds = {"pos_threshold": tp, "neg_threshold": tn}
        extra["train_n_documents"] = len(docs)
        extra["thresholds"] = thresholds
        extra["threshold_fit"] = info
        logger.info(f"fitted thresholds on {len(docs)} documents: {thresholds}")
    if args.train:
        from analysis.evaluation import report_overlap

        if docs is None and csvs:
            docs = pd.concat([read_persent(p) for p in csvs], ignore_index=True)
        report_overlap(extra, document_overlap(gold, docs, train), len(gold), what="documents")
    t0 = time.perf_counter()
    if method == "vader":
        pred = _vader_docs(gold, args.lexicon)
    else:
        pred = document_sentiment(gold, method=method, model=model, lexicon=args.lexicon, **thresholds)
    seconds = time.perf_counter() - t0
    if args.cv and method != "vader":
        # thresholds fitted on K-1 folds of PATH, applied to the held-out fold
        cv_pred, chosen = cross_validated(pred["score"].to_numpy(), gold["gold"].to_numpy(), k=args.cv)
        extra["cv"] = args.cv
        extra["cv_folds"] = chosen
        extra["untrained"] = classification_report(gold["gold"].to_numpy(), pred["polarity"].to_numpy())["f1_macro"]
        if args.repeats > 1:
            extra["cv_repeats"] = repeated_cv(pred["score"].to_numpy(), gold["gold"].to_numpy(), k=args.cv,
                                              repeats=args.repeats)
        pred = pred.assign(polarity=cv_pred)
    result = classification_report(gold["gold"].to_numpy(), pred["polarity"].to_numpy())
    result.update({"method": method, "lexicon": args.lexicon if method != "model" else "war-news", "path": str(args.path),
                   "documents_per_second": round(len(gold) / seconds, 1) if seconds > 0 else None,
                   "targets_per_second": (round(float(pred["n_mentions"].sum()) / seconds, 1)
                                          if "n_mentions" in pred and seconds > 0 else None),
                   **extra})
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
