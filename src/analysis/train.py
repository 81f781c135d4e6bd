"""Train a model and write its weights as JSON (never a pickle).

Usage::

    python -m analysis.train roles --train DIR [DIR ...] [--out data/models/roles_en.json]
    python -m analysis.train narratives --train DIR [DIR ...] [--out data/models/narratives_en.json]
    python -m analysis.train target-sentiment --train TRAIN.jsonl [--out data/models/targeted.json]
    python -m analysis.train wordvectors --train ../shared/corpus [--out data/models/wordvec_en.npz]

DIR is a SemEval-2025 Task 10 language folder; with several, the first one's
language names the model and the others add training data (e.g. ``--train
../shared/eval/semeval25/en ../shared/eval/semeval25/ru --C 1`` for the English
role model, see data/lexicons/README-roles.md). For roles, a single English
folder whose sibling ``ru`` folder exists gets that folder added and C 1 by
default (joint training, better in grouped CV); ``--no-joint`` opts out. A folder (``roles.tsv`` / ``narratives.tsv``
+ ``articles/``, e.g. ../shared/eval/semeval25/en). The default output is
``data/models/<task>_<lang>.json`` (git-ignored: weights trained on data the
project may not redistribute are never committed); the library uses it when
present (``method="auto"``) and falls back to the training-free rules
otherwise. Prints one JSON line (output path, training size, features, seconds).

``wordvectors`` learns English word vectors from the unlabelled texts of a corpus folder (news articles,
official statements, headlines: :func:`analysis.wordvectors.corpus_texts`); the English role features use
them when present, so train them before ``roles``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import pandas as pd


def main(argv: list[str] | None = None) -> int:
    try:
        return _train(argv)
    except FileNotFoundError as exc:  # a mistyped --train folder: name it, no traceback
        print(f"train: no such file or directory: {exc.filename}", file=sys.stderr)
        return 2


def _train(argv: list[str] | None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.train", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("task", choices=["roles", "narratives", "target-sentiment", "wordvectors"])
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--out", default=None)
    ap.add_argument("--C", type=float, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-joint", action="store_true",
                    help="roles, English: do not add the sibling Russian folder (default when present, see README-roles)")
    ap.add_argument("--features", choices=["binary", "tfidf"], default=None, help="narratives: word features")
    ap.add_argument("--thresholds", choices=["global", "per_label"], default=None,
                    help="narratives: one threshold or per-label thresholds (inner CV)")
    ap.add_argument("--decision", choices=["argmax", "accuracy", "f1_floor"], default=None,
                    help="roles: main-role decision (see python -m analysis.evaluate roles --help)")
    ap.add_argument("--collective", choices=["yes", "no"], default=None,
                    help="roles: two-stage main role reading the article's other mentions (default: yes for the "
                         "joint English model, no otherwise; see python -m analysis.evaluate roles --help)")
    ap.add_argument("--casting", type=float, default=None, metavar="A",
                    help="narratives: scale of the casting features, learnt from the gold roles of the folder's "
                         "roles.tsv and its sibling ru folder's (default: 0.5 for English, round 17; 0 for Russian; "
                         "0: no casting; no roles.tsv: trained without it)")
    ap.add_argument("--antagonist-offset", type=float, default=None,
                    help="roles: log-offset added to Antagonist before the argmax (see python -m analysis.evaluate "
                         "roles --help)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    if args.task == "target-sentiment":
        from analysis.targeted import cli

        extra = ["--out", args.out] if args.out else []
        extra += ["--C", str(args.C)] if args.C is not None else []
        return cli(["train", *args.train, *extra])
    if args.task == "wordvectors":
        from analysis.wordvectors import corpus_texts, default_vectors_path, train_word_vectors

        texts = [t for folder in args.train for t in corpus_texts(folder)]
        if not texts:
            print(f"train wordvectors: no English texts under {', '.join(args.train)} (news_gdelt/articles/*.txt, "
                  "official_statements.csv or headlines/*.xlsx)", file=sys.stderr)
            return 2
        wv = train_word_vectors(texts, seed=args.seed)
        out = wv.save(args.out or default_vectors_path("en"))
        lang = "en"
        info = {"documents": wv.meta["documents"], "tokens": wv.meta["tokens"], "words": len(wv.words),
                "dim": wv.dim, "fingerprint": wv.fingerprint}
    elif args.task == "roles":
        from analysis.evaluation.roles import DEFAULTS, JOINT_TRAIN, joint_train_dirs, settle_options
        from analysis.roles import default_model_path, featurize, read_roles_dir, train_role_model

        parts = [read_roles_dir(d) for d in args.train]
        lang = str(parts[0][0]["lang"].mode().iloc[0])  # the first folder names the model (others only add data)
        if len(args.train) == 1 and not args.no_joint:
            for d in joint_train_dirs(args.train[0], lang):  # English: + the sibling Russian folder
                args.train.append(d)
                parts.append(read_roles_dir(d))
        arts = pd.concat([p[0] for p in parts], ignore_index=True)
        gold = pd.concat([p[1] for p in parts], ignore_index=True)
        joint = len(args.train) > 1 and lang in JOINT_TRAIN
        kw = dict(JOINT_TRAIN[lang][1] if joint else DEFAULTS.get(lang, {}))
        if args.C is not None:
            kw["C"] = args.C
        if args.decision is not None:
            kw["decision"] = args.decision
        settle_options(kw, collective=args.collective, antagonist_offset=args.antagonist_offset)
        feats, _, _ = featurize(gold, arts)
        model = train_role_model(feats, gold["main_role"].tolist(), gold["fine_roles"].tolist(), lang=lang,
                                 seed=args.seed, groups=gold["article_id"].tolist(), **kw)
        out = model.to_json(args.out or default_model_path(lang))
        info = {"n_train": len(gold), "features": len(model.main.vocab) + len(model.fine.vocab)}
    else:
        from analysis.narratives import default_model_path, read_narratives_dir, train_narrative_model

        parts = [read_narratives_dir(d) for d in args.train]
        arts = pd.concat([p[0] for p in parts], ignore_index=True)
        labels = pd.concat([p[1] for p in parts], ignore_index=True)
        lang = str(parts[0][0]["lang"].mode().iloc[0])  # the first folder names the model
        kw = {"C": args.C, "C_fine": args.C} if args.C is not None else {}
        kw.update({k: v for k, v in (("features", args.features), ("thresholds", args.thresholds)) if v})
        if args.casting is not None:
            kw["casting"] = args.casting
        from analysis.narrative_casting import casting_roles

        kw["roles"] = casting_roles(args.train, casting=args.casting, lang=lang)
        model = train_narrative_model(arts, labels, seed=args.seed, **kw)
        out = model.to_json(args.out or default_model_path(lang))
        info = {"n_train": len(arts), "features": len(model.coarse.vocab) + len(model.fine.vocab)}
    print(json.dumps({"task": args.task, "out": str(out), "lang": lang, "train": args.train, **info,
                      "seconds": round(time.perf_counter() - t0, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
