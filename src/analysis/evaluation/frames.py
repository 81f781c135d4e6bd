"""``python -m analysis.evaluate frames DIR [--train DIR | --cv K] [--method ...]``

Scores MFC frame prediction (SemEval-2023 Task 3 subtask 2 layout: DIR/articles/
article<ID>.txt + DIR/labels.tsv) and prints one JSON object as the last line:
``n``, ``micro_f1``, ``macro_f1``, ``per_frame`` P/R/F1 (+ method and protocol).

Methods
-------
lexicon  the training-free default (shipped thresholds); with ``--cv K`` the
         thresholds are re-tuned on each training fold and scored on the
         held-out fold (honest figure for the tuning procedure).
model    one-vs-rest logistic regression (tf-idf + lexicon features); needs
         ``--train DIR`` (trained in-process; optimistic when DIR is the
         evaluation folder - the JSON says so), ``--model PATH`` (a saved JSON
         model) or ``--cv K``.
top5     baseline: predict the five most frequent frames (from the training
         folds under --cv, else from DIR itself) for every article.
all      run lexicon, model and top5 under the same protocol; the last JSON
         line holds all three (``results``) with the model's figures on top.

Other options: ``--save-model PATH`` writes the model trained with --train as
JSON; ``--tune-lexicon`` prints CV-chosen lexicon thresholds (for
frames_mfc.yml); ``--seed``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter

import numpy as np

from analysis.framing.frames import (
    MFC_FRAMES,
    _label_matrix,
    frames,
    load_frame_model,
    multilabel_scores,
    predict_frame_model,
    read_semeval_frames,
    save_frame_model,
    train_frame_model,
    tune_lexicon_thresholds,
)
from analysis.logs import configure_logging

logger = logging.getLogger(__name__)


def _train_overlap(articles, train_dir) -> dict:
    """``train_test_overlap``: evaluation articles whose text (whitespace and case
    ignored) is also in the ``--train`` folder, whatever their ids; warned about on stderr."""
    from analysis.evaluation import count_overlap, item_key, report_overlap

    train_texts = {item_key(t) for t in read_semeval_frames(train_dir)[0]["text"]}
    out: dict = {}
    report_overlap(out, count_overlap([item_key(t) for t in articles["text"]], train_texts), len(articles),
                   what="articles")
    return out


def _log(*args):
    logger.info(" ".join(str(a) for a in args))


def _lexicon_pred(articles, thresholds=None):
    f = frames(articles, thresholds=thresholds)
    return f["predicted"].to_numpy().reshape(len(articles), len(MFC_FRAMES))


def _top5_pred(n, train_labels):
    top = [f for f, _ in Counter(train_labels["frame"]).most_common(5)]
    row = np.array([f in top for f in MFC_FRAMES])
    return np.tile(row, (n, 1))


def _model_pred(model, articles):
    P = predict_frame_model(model, articles)
    thr = np.array([model["thresholds"][f] for f in MFC_FRAMES])
    return P >= thr


def _cv(articles, labels, k, seed, method):
    from sklearn.model_selection import KFold

    ids = articles["article_id"].astype(str).tolist()
    Y = _label_matrix(ids, labels)
    pred = np.zeros_like(Y, dtype=bool)
    for i, (tr, te) in enumerate(KFold(k, shuffle=True, random_state=seed).split(ids)):
        train_ids = set(ids[j] for j in tr)
        tr_labels = labels[labels["article_id"].astype(str).isin(train_ids)]
        if method == "top5":
            pred[te] = _top5_pred(len(te), tr_labels)
        elif method == "lexicon":
            thr = tune_lexicon_thresholds(articles.iloc[tr], tr_labels, seed=seed)
            pred[te] = _lexicon_pred(articles.iloc[te], thr)
        else:
            model = train_frame_model(articles.iloc[tr], tr_labels, seed=seed)
            pred[te] = _model_pred(model, articles.iloc[te])
        _log(f"  {method} fold {i + 1}/{k} done")
    return Y, pred


def main(argv: list[str] | None = None) -> int:
    configure_logging()  # stderr, INFO unless -q/-v said otherwise
    ap = argparse.ArgumentParser(prog="python -m analysis.evaluate frames", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", help="SemEval-2023 subtask-2 folder (articles/ + labels.tsv)")
    ap.add_argument("--method", choices=["lexicon", "model", "top5", "all"], default=None)
    ap.add_argument("--train", help="train the model on this folder in-process")
    ap.add_argument("--model", help="score a saved JSON model")
    ap.add_argument("--save-model", help="write the model trained with --train to this JSON path")
    ap.add_argument("--cv", type=int, default=0, help="k-fold cross-validation on DIR")
    ap.add_argument("--tune-lexicon", action="store_true", help="print CV-chosen lexicon thresholds")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    articles, labels = read_semeval_frames(args.dir)
    if articles.empty or labels.empty:
        print(json.dumps({"error": f"no articles/labels under {args.dir}"}))
        return 2
    labels = labels[labels["article_id"].isin(set(articles["article_id"]))]
    _log(f"{len(articles)} articles, {len(labels)} gold frames")
    if args.tune_lexicon:
        thr = tune_lexicon_thresholds(articles, labels, seed=args.seed)
        print(json.dumps({"thresholds": thr}))
        return 0

    overlap = _train_overlap(articles, args.train) if args.train else {}
    method = args.method or ("model" if (args.train or args.model) else "lexicon")
    methods = ["lexicon", "model", "top5"] if method == "all" else [method]
    results = {}
    Y = _label_matrix(articles["article_id"].astype(str).tolist(), labels)
    for m in methods:
        if args.cv:
            Ym, pred = _cv(articles, labels, args.cv, args.seed, m)
            protocol = f"{args.cv}-fold cross-validation on {args.dir}"
            if m == "lexicon":
                protocol += " (lexicon thresholds re-tuned on each training fold)"
        elif m == "top5":
            train_labels = read_semeval_frames(args.train)[1] if args.train else labels
            Ym, pred = Y, _top5_pred(len(articles), train_labels)
            protocol = "top-5 frames of " + (args.train or f"{args.dir} itself (optimistic)")
        elif m == "lexicon":
            Ym, pred = Y, _lexicon_pred(articles)
            protocol = ("shipped lexicon thresholds (chosen as fold medians by CV on the SemEval dev "
                        "articles: mildly optimistic on that same set)")
        else:
            if args.model:
                model = load_frame_model(args.model)
                protocol = f"saved model {args.model}"
            elif args.train:
                tr_articles, tr_labels = read_semeval_frames(args.train)
                _log(f"training on {len(tr_articles)} articles from {args.train}")
                model = train_frame_model(tr_articles, tr_labels, seed=args.seed)
                if args.save_model:
                    save_frame_model(model, args.save_model)
                    _log(f"model written to {args.save_model}")
                same = str(args.train).rstrip("/") == str(args.dir).rstrip("/")
                protocol = f"trained on {args.train}" + (" = evaluation data: OPTIMISTIC (in-sample)" if same else "")
            else:
                print(json.dumps({"error": "method 'model' needs --train DIR, --model PATH or --cv K"}))
                return 2
            Ym, pred = Y, _model_pred(model, articles)
        score = multilabel_scores(Ym, pred)
        score.update({"method": m, "protocol": protocol, **overlap})
        results[m] = score
        _log(f"{m}: micro-F1 {score['micro_f1']:.3f}  macro-F1 {score['macro_f1']:.3f}  ({protocol})")
    if len(results) == 1:
        out = next(iter(results.values()))
    else:
        out = dict(results["model"], **overlap)
        out["results"] = {m: {k: v for k, v in r.items() if k != "per_frame"} for m, r in results.items()}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
