"""``python -m analysis.evaluate narratives DIR [--train DIR ...] [--cv K] [--model PATH]``

Scores per-article narrative labelling (SemEval-2025 Task 10 subtask 2) on a
language folder (``DIR/narratives.tsv`` + ``DIR/articles/``) and prints one
JSON object as the last stdout line: ``n`` (articles), ``samples_f1``
(``coarse`` and ``fine``: per-article F1 of the label sets, averaged - the
official measure), ``per_class`` P/R/F1/support of each coarse narrative,
``method``, ``protocol``, ``train_test_overlap`` and ``baselines``:
``majority`` (every article gets the most frequent coarse narrative of the
training data and that narrative's most frequent sub-narrative) and
``lexicon`` (the training-free cue method), scored on the same articles.

Protocols as for ``roles``: ``--cv K`` = K folds of articles; ``--train DIR
...`` (overlapping article ids are counted in ``train_test_overlap`` and make
the figure in-sample); ``--model PATH``; nothing = the lexicon method.
``articles_per_second`` times the scored method on one core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter

import numpy as np
import pandas as pd

from analysis.evaluation import samples_f1, set_prf, trained_protocol
from analysis.narrative_casting import casting_roles
from analysis.narratives import _label_sets, narratives, read_narratives_dir, train_narrative_model
from analysis.roles import read_task_dirs


def _log(*args):
    print(*args, file=sys.stderr, flush=True)


def per_class(gold: list[set], pred: list[set]) -> dict:
    return set_prf(gold, pred)[0] if gold else {}


def _sets(result: pd.DataFrame) -> tuple[list[set], list[set]]:
    return ([set(str(s).split("|")) for s in result["narratives"]],
            [set(str(s).split("|")) for s in result["subnarratives"]])


def narrative_scores(gold_c, gold_f, pred_c, pred_f) -> dict:
    return {"n": len(gold_c), "samples_f1": {"coarse": round(samples_f1(gold_c, pred_c), 4),
                                              "fine": round(samples_f1(gold_f, pred_f), 4)},
            "per_class": per_class(gold_c, pred_c)}


def _majority(labels: pd.DataFrame) -> tuple[set, set]:
    per_article = labels.groupby("article_id")
    counts = Counter(c for _, g in per_article for c in set(g["narrative"]))
    top = counts.most_common(1)[0][0]
    fine = Counter(f for f in labels.loc[labels["narrative"] == top, "subnarrative"])
    return {top}, {fine.most_common(1)[0][0] if fine else top}


def folds(ids, k: int, seed: int = 0):
    ids = np.asarray(ids)
    order = np.arange(len(ids))
    np.random.default_rng(seed).shuffle(order)
    f = np.empty(len(ids), dtype=int)
    f[order] = np.arange(len(ids)) % k
    return [(np.flatnonzero(f != i), np.flatnonzero(f == i)) for i in range(k)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.evaluate narratives", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", help="SemEval-2025 T10 language folder (narratives.tsv + articles/)")
    ap.add_argument("--train", nargs="+", default=None)
    ap.add_argument("--cv", type=int, default=0)
    ap.add_argument("--model", default=None)
    ap.add_argument("--C", type=float, default=None)
    ap.add_argument("--threshold", type=float, default=None,
                    help="fixed threshold for extra narratives (default: chosen by inner CV on the training part)")
    ap.add_argument("--features", choices=["binary", "tfidf"], default=None,
                    help="word features: binary uni/bigrams (default) or sublinear TF-IDF (idf from the training part)")
    ap.add_argument("--thresholds", choices=["global", "per_label"], default=None,
                    help="one global threshold (top label always kept) or per-label thresholds by inner CV")
    ap.add_argument("--class-weight", choices=["none", "balanced"], default=None)
    ap.add_argument("--no-other-model", action="store_true",
                    help="P(Other) from the word model alone (before round 6), not averaged with the cue-count model")
    ap.add_argument("--fine-threshold", default=None, metavar="cv|none|P",
                    help="further sub-narratives of a kept narrative at or above P; none: its best one only (before "
                         "round 8); default cv: chosen by inner CV on the training part")
    ap.add_argument("--title", type=float, default=None, metavar="W",
                    help="scale of the headline's word block (default: 1 for English, 0 for Russian; 0: no block, "
                         "before round 9)")
    ap.add_argument("--lexicon-prior", type=float, default=None, metavar="A",
                    help="added to a narrative's score when the cue lexicon assigns it (default: 0.1 for English, "
                         "0 for Russian; 0: none, before round 10)")
    ap.add_argument("--casting", type=float, default=None, metavar="A",
                    help="scale of the casting features (a role model over the article's gazetteer mentions, trained "
                         "on the roles.tsv of DIR / --train and its sibling ru folder's, without the scored articles; "
                         "default: 0.5 for English, round 17; 0 for Russian; 0: no casting; no roles.tsv: none)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    try:
        arts, labels = read_narratives_dir(args.dir)
    except FileNotFoundError as exc:
        print(json.dumps({"error": str(exc)}))
        return 2
    ids = arts["article_id"].tolist()
    gold_c, gold_f = _label_sets(labels, ids)
    _log(f"{len(arts)} labelled articles from {args.dir}")
    kw = {}
    if args.C is not None:
        kw["C"] = kw["C_fine"] = args.C
    if args.threshold is not None:
        kw["threshold"] = args.threshold
    if args.features is not None:
        kw["features"] = args.features
    if args.thresholds is not None:
        kw["thresholds"] = args.thresholds
    if args.no_other_model:
        kw["other_model"] = False
    if args.fine_threshold is not None:
        v = args.fine_threshold.lower()
        kw["fine_threshold"] = "cv" if v == "cv" else None if v == "none" else float(v)
    if args.title is not None:
        kw["title"] = args.title
    if args.lexicon_prior is not None:
        kw["lexicon_prior"] = args.lexicon_prior
    if args.casting is not None:
        kw["casting"] = args.casting
    lang = str(arts["lang"].mode().iloc[0]) if len(arts) else "en"
    if casting_roles(args.train or [args.dir], casting=args.casting, lang=lang) is None:  # logs a missing roles.tsv
        args.casting = 0.0
    if args.class_weight is not None:
        kw["class_weight"] = None if args.class_weight == "none" else args.class_weight

    t0 = time.perf_counter()
    lex = narratives(arts, method="lexicon")
    t_lex = time.perf_counter() - t0
    lc, lf = _sets(lex)
    baselines = {"lexicon": narrative_scores(gold_c, gold_f, lc, lf)}
    overlap = 0
    extra: dict = {}
    if args.cv:
        pc: list = [None] * len(ids)
        pf: list = [None] * len(ids)
        mc: list = [None] * len(ids)
        mf: list = [None] * len(ids)
        for i, (tr, te) in enumerate(folds(ids, args.cv, args.seed)):
            tr_ids = set(arts["article_id"].iloc[tr])
            tr_labels = labels[labels["article_id"].isin(tr_ids)]
            roles = casting_roles([args.dir], casting=args.casting, lang=lang, exclude=arts["article_id"].iloc[te])
            model = train_narrative_model(arts.iloc[tr], tr_labels, seed=args.seed, roles=roles, **kw)
            extra.setdefault("fold_thresholds", []).append(model.thresholds or model.threshold)
            res = narratives(arts.iloc[te], method="model", model=model, evidence=0)
            c, f = _sets(res)
            maj_c, maj_f = _majority(tr_labels)
            for j, k in enumerate(te):
                pc[k], pf[k] = c[j], f[j]
                mc[k], mf[k] = maj_c, maj_f
            _log(f"  fold {i + 1}/{args.cv}: coarse samples-F1 {samples_f1([gold_c[k] for k in te], c):.3f}")
        out = narrative_scores(gold_c, gold_f, pc, pf)
        baselines["majority"] = narrative_scores(gold_c, gold_f, mc, mf)
        method = "model"
        protocol = f"{args.cv}-fold cross-validation over articles of {args.dir} (seed {args.seed})"
        t1 = time.perf_counter()
        narratives(arts, method="model", model=model, evidence=0)
        seconds = time.perf_counter() - t1
    else:
        maj_c, maj_f = _majority(labels)
        if args.train or args.model:
            if args.train:
                ta, tl = read_task_dirs(read_narratives_dir, args.train)
                overlap = len(set(ta["article_id"]) & set(ids))
                roles = casting_roles(args.train, casting=args.casting, lang=lang, exclude=ids)
                model = train_narrative_model(ta, tl, seed=args.seed, roles=roles, **kw)
                maj_c, maj_f = _majority(tl)
                protocol = trained_protocol(args.train, overlap, len(ids))
                extra["train_n"] = len(ta)
            else:
                from analysis.narratives import load_narrative_model

                model = load_narrative_model(args.model)
                protocol = f"saved model {args.model}"
            t1 = time.perf_counter()
            res = narratives(arts, method="model", model=model)
            seconds = time.perf_counter() - t1
            c, f = _sets(res)
            out = narrative_scores(gold_c, gold_f, c, f)
            method = "model"
        else:
            out = dict(baselines["lexicon"])
            method, protocol, seconds = "lexicon", "training-free cue lexicon", t_lex
        baselines["majority"] = narrative_scores(gold_c, gold_f, [maj_c] * len(ids), [maj_f] * len(ids))
        baselines["majority"]["label"] = sorted(maj_c)[0]
        if not (args.train or args.model):
            baselines["majority"]["protocol"] = "majority of DIR itself (in-sample)"
    for b in baselines.values():
        b.pop("per_class", None) if b is not baselines.get("lexicon") else None
    out.update({"method": method, "protocol": protocol, "path": str(args.dir), "train_test_overlap": overlap,
                "baselines": baselines, "articles_per_second": round(len(ids) / seconds, 1) if seconds > 0 else None,
                **extra})
    _log(f"{method}: samples-F1 coarse {out['samples_f1']['coarse']:.3f} fine {out['samples_f1']['fine']:.3f} "
         f"({protocol}); lexicon {baselines['lexicon']['samples_f1']['coarse']:.3f}; majority "
         f"{baselines['majority']['samples_f1']['coarse']:.3f}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
