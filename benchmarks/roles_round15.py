"""Round-15 experiments of issue 11 (figures in data/lexicons/README-roles.md, "Round 15"): English entity roles -
the project's TRAINED target-sentiment classifier (:mod:`analysis.sentiment.target`, trained on NewsMTSC train,
never on SemEval) as a feature of the role model.

    PYTHONPATH=src python benchmarks/roles_round15.py --target-model TARGET.json [--seed S ...] --variants NAME ...

``TARGET.json``: ``python -m analysis.train target-sentiment --train ../shared/eval/newsmtsc/train.jsonl --out
TARGET.json`` (with ``data/models/wordvec_en.npz`` present, as the library trains it). For every English mention its
class probabilities (negative / neutral / positive, :meth:`TargetModel.proba`) are computed once in the mention's
sentence (the sentence :func:`analysis.roles.mention_features` reads, at the mention's offsets), and, for the entity
means, at every occurrence of the mention's surface in the article (case-insensitive, as the ``E:`` features find
them), averaged. Russian rows get none (the classifier is English; as ``tsent``).

The folds are those of ``python -m analysis.evaluate roles EN --cv 5 --seed S`` (grouped by article; training rows:
the English training folds plus every Russian row); every model is :func:`analysis.roles.train_role_model` with the
joint English defaults (``JOINT_TRAIN["en"]`` and :func:`settle_options`: C 1, collective stage, C_fine 0.1, fine
fallback 0.5, Antagonist offset +0.25) and every prediction :func:`analysis.roles.predict_roles` (its feature step
replaced by the rows computed once, plus the variant's features), so ``base`` is the command's figure. Each line
prints main accuracy, main macro-F1, fine exact match, fine micro-F1 (:func:`role_scores`).

Feature blocks (names fixed before any run; probabilities p-, p0, p+):

* ``p``: ``tm:neg``, ``tm:neu``, ``tm:pos`` = the probabilities;
* ``x``: the same crossed with the mention's gazetteer side (``tm_x_side:<class>:<side>``);
* ``lo``: log-odds, ``tm:lo`` = clip(log p+ - log p-, -6, 6) / 4 and ``tm:lo_neu`` = clip(logit p0, -6, 6) / 4;
* ``lox``: ``lo`` crossed with the side;
* ``E`` / ``Ex``: the entity means (every occurrence of the surface in the article), plain / crossed with the side.

Variants:

* ``base``: the library;
* ``tmp`` (p), ``tmpx`` (p + x), ``tmlo`` (lo), ``tmlox`` (lo + lox), ``tmE`` (p + x + E + Ex), ``tmEo`` (E + Ex):
  the blocks added to the English feature rows (so to stage 1, the collective stage 2 and the fine model);
* ``tmc`` (p + x) / ``tmEc`` (E + Ex): the blocks in the collective stage (stage 2) only: stage 1 and the fine
  model are the library's, stage 2 is refitted on the features plus the blocks plus ``coll:<side>`` from the same
  inner-CV stage-1 probabilities as the library's;
* ``s2base``: the check of the stage-2 refit: ``tmc`` without features (equals ``base``);
* ``<variant>@fine``: main role from ``base``, fine model from the variant (the fine roles of the variant's features
  under the library's main role); ``<variant>@main``: the variant's main role and stage 2, the library's fine model;
* ``tmstk``: a stacked score: a logistic regression (C 1, balanced, scikit-learn) from p, lo and p x side to the
  main role, trained on the English training rows; its centred log-probabilities (``tms:<role>``) are features of
  the role model (training rows: out-of-fold, inner 4-fold CV grouped by article, seed S + 1; test rows: the full
  fit); ``tmpoe0.5`` / ``tmpoe1``: no retraining, the library's probabilities times that regression's to the power
  0.5 / 1 (then renormalised; the library's probabilities carry the Antagonist offset already).

Narrative casting (``--casting VARIANT ...``, task 4 of the round): the English narratives' per-side casting
features (:mod:`analysis.narrative_casting`, ``casting=0.5``) in the library's own CV loop
(``benchmarks/narratives_round12.py library`` = ``python -m analysis.evaluate narratives EN --cv 5 --seed S --casting
0.5``), coarse / fine samples-F1: ``lib`` as it is; ``tmsent``: the per-side mean target sentiment (``csent:<side>``)
is the mean of p+ - p- of the trained classifier instead of the rules' score; ``tmprob``: the rules' ``csent`` kept
and the per-side mean probabilities added (``ctm:<side>:<class>``, x the same scale 0.5). The probabilities of a
gazetteer mention are those of its sentence (:class:`analysis.roles._Article`'s sentences), computed once.

``--diagnose``: ROC AUC of the probabilities alone for each gold main role against the rest, beside the rules'
score (no training on SemEval).

Writes nothing.
"""

from __future__ import annotations

import argparse
import math
import sys
from bisect import bisect_right
from contextlib import contextmanager

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import roles_round6 as r6  # noqa: E402

from analysis import roles as R  # noqa: E402
from analysis._linear import fit_linear  # noqa: E402
from analysis.evaluation.roles import JOINT_TRAIN, grouped_folds, role_scores, settle_options  # noqa: E402

CLASSES = ("neg", "neu", "pos")
BLOCKS = {"tmp": "p", "tmpx": "p x", "tmlo": "lo", "tmlox": "lo lox", "tmE": "p x E Ex", "tmEo": "E Ex",
          "tmc": "p x", "tmEc": "E Ex", "s2base": ""}
STAGE2_ONLY = ("tmc", "tmEc", "s2base")


def mention_probs(arts, gold, tm):
    """(n, 3) probabilities at each mention and (n, 3) their entity means over the article (module docstring)."""
    import re

    texts = dict(zip(arts["article_id"], arts["text"]))
    cache: dict = {}

    def at(art, a, b):
        k = bisect_right(art.sent_starts, a) - 1
        s0, s1 = art.sents[max(k, 0)]
        p = tm.proba(art.text[s0:s1], a - s0, min(b, s1) - s0)
        return [p[-1], p[0], p[1]]

    P = np.zeros((len(gold), 3))
    E = np.zeros((len(gold), 3))
    for i, (aid, a, b) in enumerate(zip(gold["article_id"], gold["start"], gold["end"])):
        art = cache.get(aid)
        if art is None:
            art = cache[aid] = R._Article(texts[aid], "en")
        P[i] = at(art, int(a), int(b))
        ms = art.text[int(a):int(b)].lower()
        occ = [at(art, m.start(), m.end()) for m in re.finditer(re.escape(ms), art.lowered)] if ms.strip() else []
        E[i] = np.mean(occ, axis=0) if occ else P[i]
    return P, E


def _lo(p):
    def clip(x):
        return min(max(x, -6.0), 6.0) / 4.0

    eps = 1e-9
    return {"lo": clip(math.log(p[2] + eps) - math.log(p[0] + eps)),
            "lo_neu": clip(math.log(p[1] + eps) - math.log(1 - p[1] + eps))}


def block_features(blocks, p, e, side):
    out: dict = {}
    for blk in blocks.split():
        if blk in ("p", "x"):
            for c, v in zip(CLASSES, p):
                out["tm:" + c if blk == "p" else f"tm_x_side:{c}:{side}"] = float(v)
        elif blk in ("lo", "lox"):
            for k, v in _lo(p).items():
                out["tm:" + k if blk == "lo" else f"tm_x_side:{k}:{side}"] = v
        elif blk in ("E", "Ex"):
            for c, v in zip(CLASSES, e):
                out["tmE:" + c if blk == "E" else f"tmE_x_side:{c}:{side}"] = float(v)
        else:
            raise SystemExit(f"unknown block {blk}")
    return out


def stack_rows(p, side):
    """The stacked regression's inputs of one mention: p, lo and p x side (dict)."""
    return {**block_features("p lo", p, p, side), **{f"{c}:{side}": float(v) for c, v in zip(CLASSES, p)}}


@contextmanager
def precomputed(feats, cues):
    """:func:`analysis.roles.predict_roles` reads these rows (by the mentions' ``_row`` column) instead of
    computing features again."""
    keep = R.featurize

    def featurize(mentions, articles, **kw):
        rows = mentions["_row"].tolist()
        return [feats[i] for i in rows], [cues[i] for i in rows], ["en"] * len(rows)

    R.featurize = featurize
    try:
        yield
    finally:
        R.featurize = keep


class Harness:
    def __init__(self, dx, tm_path):
        from analysis.sentiment.target import load_target_model

        d = dx.D["en"]
        self.dx, self.gold, self.arts = dx, d["gold"].reset_index(drop=True), d["arts"]
        self.gold["_row"] = np.arange(len(self.gold))
        self.F, self.cues = d["feats"], d["cues"]
        self.sides = [c["side"] for c in self.cues]
        self.P, self.E = mention_probs(self.arts, self.gold, load_target_model(tm_path))
        r = dx.D["ru"]
        self.ruF, self.rug = r["feats"], r["gold"]
        self.kw = settle_options(dict(JOINT_TRAIN["en"][1]))

    def extra(self, blocks):
        return [block_features(blocks, p, e, s) for p, e, s in zip(self.P, self.E, self.sides)]

    def train(self, tr, F, seed):
        g, rg = self.gold, self.rug
        return R.train_role_model([F[j] for j in tr] + self.ruF, g["main_role"].iloc[tr].tolist() +
                                  rg["main_role"].tolist(), g["fine_roles"].iloc[tr].tolist() + rg["fine_roles"].tolist(),
                                  lang="en", seed=seed, groups=g["article_id"].iloc[tr].tolist() +
                                  rg["article_id"].tolist(), **self.kw)

    def stage2_only(self, base, tr, F, seed):
        """``base`` with its collective stage refitted on ``F`` (stage 1 and the inner CV as the library's)."""
        g, rg = self.gold, self.rug
        X = [R.strip_embeddings(self.F[j]) for j in tr] + [R.strip_embeddings(f) for f in self.ruF]
        X2 = [R.strip_embeddings(F[j]) for j in tr] + [R.strip_embeddings(f) for f in self.ruF]
        y = g["main_role"].iloc[tr].tolist() + rg["main_role"].tolist()
        G = g["article_id"].iloc[tr].tolist() + rg["article_id"].tolist()
        fit = dict(C=self.kw["C"], class_weight="balanced", min_count=2, seed=seed)
        Pin = np.zeros((len(y), 3))
        for itr, ite in grouped_folds(np.asarray(G), 4, seed + 1):
            m = fit_linear([X[i] for i in itr], [y[i] for i in itr], **fit)
            Pin[ite] = R._main_columns(m, [X[i] for i in ite])
        stage2 = fit_linear(R.collective_features(X2, Pin, G), y, **fit)
        return R.RoleModel(base.main, base.fine, "en", base.meta, main_bias=base.main_bias, collective=stage2)

    def predict(self, m, te, F, main_p=None):
        """predict_roles on the test rows ``te`` with the feature rows ``F``; ``main_p``: main-role probabilities
        used instead of the model's (a copy of the model reads them)."""
        if main_p is not None:
            m = R.RoleModel(m.main, m.fine, m.lang, m.meta, m.main_bias, m.fine_thresholds, m.collective)
            m.main_proba = lambda feats, aids=None: main_p
        with precomputed(F, self.cues):
            return R.predict_roles(self.gold.iloc[te], self.arts, method="model", model=m, lang="en")

    def stacked(self, tr, te, seed):
        """(out-of-fold scores of the training rows, scores of the test rows) of the stacked regression."""
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        rows = [stack_rows(p, s) for p, s in zip(self.P, self.sides)]
        y = self.gold["main_role"].to_numpy()

        def fit_apply(a, b):
            vec = DictVectorizer()
            lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000)
            lr.fit(vec.fit_transform([rows[i] for i in a]), y[a])
            q = lr.predict_proba(vec.transform([rows[i] for i in b]))
            return np.column_stack([q[:, list(lr.classes_).index(c)] for c in R.MAIN_ROLES])

        oof = np.zeros((len(y), 3))
        for itr, ite in grouped_folds(self.gold["article_id"].to_numpy()[tr], 4, seed + 1):
            oof[tr[ite]] = fit_apply(tr[itr], tr[ite])
        oof[te] = fit_apply(tr, te)
        return oof

    def run_seed(self, seed, variants):
        g = self.gold
        n = len(g)
        out = {v: (np.empty(n, dtype=object), np.empty(n, dtype=object)) for v in variants}

        def put(v, te, p):
            out[v][0][te] = p["main_role"].to_numpy()
            out[v][1][te] = p["fine_roles"].to_numpy()

        for tr, te in grouped_folds(g["article_id"].to_numpy(), 5, seed):
            base = self.train(tr, self.F, seed)
            models: dict = {}
            stk = None
            for v in variants:
                head, _, opt = v.partition("@")
                if head == "base":
                    put(v, te, self.predict(base, te, self.F))
                    continue
                if head.startswith(("tmstk", "tmpoe")):
                    if stk is None:
                        stk = self.stacked(tr, te, seed)
                    if head == "tmstk":
                        lq = np.log(np.clip(stk, 1e-6, None))
                        lq -= lq.mean(1, keepdims=True)
                        F = [{**f, **{"tms:" + r: float(x) for r, x in zip(R.MAIN_ROLES, row)}}
                             for f, row in zip(self.F, lq)]
                        if head not in models:
                            models[head] = (self.train(tr, F, seed), F)
                    else:
                        w = float(head[5:])
                        pb = base.main_proba([self.F[j] for j in te], g["article_id"].to_numpy()[te].tolist())
                        z = np.log(np.clip(pb, 1e-12, None)) + w * np.log(np.clip(stk[te], 1e-12, None))
                        z = np.exp(z - z.max(1, keepdims=True))
                        put(v, te, self.predict(base, te, self.F, main_p=z / z.sum(1, keepdims=True)))
                        continue
                elif head not in models:
                    ex = self.extra(BLOCKS[head])
                    F = [{**f, **e} for f, e in zip(self.F, ex)]
                    models[head] = (self.stage2_only(base, tr, F, seed) if head in STAGE2_ONLY
                                    else self.train(tr, F, seed), F)
                m, F = models[head]
                if opt == "fine":  # the library's main role, the variant's fine model
                    pb = base.main_proba([self.F[j] for j in te], g["article_id"].to_numpy()[te].tolist())
                    mm = R.RoleModel(base.main, m.fine, "en", m.meta, base.main_bias, collective=base.collective)
                    put(v, te, self.predict(mm, te, F, main_p=pb))
                elif opt == "main":
                    mm = R.RoleModel(m.main, base.fine, "en", base.meta, m.main_bias, collective=m.collective)
                    put(v, te, self.predict(mm, te, F))
                elif opt:
                    raise SystemExit(f"unknown option @{opt}")
                else:
                    put(v, te, self.predict(m, te, F))
        return {v: role_scores(g, pm, pf) for v, (pm, pf) in out.items()}


def diagnose(root, tm_path) -> None:
    """How well the probabilities alone tell the gold roles apart (no training on SemEval): ROC AUC against the
    rules' score (:func:`analysis.roles._sentiment`, the ``tsent`` feature) on the English mentions, all and the
    "Russia" ones (round 11's weak spot)."""
    from sklearn.metrics import roc_auc_score

    from analysis.sentiment.target import load_target_model

    arts, gold = R.read_roles_dir(root / "en")
    gold = gold.reset_index(drop=True)
    P, E = mention_probs(arts, gold, load_target_model(tm_path))
    texts = dict(zip(arts["article_id"], arts["text"]))
    cache: dict = {}
    rules = []
    for aid, a, b in zip(gold["article_id"], gold["start"], gold["end"]):
        art = cache.get(aid) or cache.setdefault(aid, R._Article(texts[aid], "en"))
        s0, s1 = art.sents[max(bisect_right(art.sent_starts, int(a)) - 1, 0)]
        rules.append(R._sentiment(art.text[s0:s1], int(a) - s0, min(int(b), s1) - s0)[0])
    rules = np.array(rules)
    y = gold["main_role"].to_numpy()
    russia = gold["mention"].str.lower().eq("russia").to_numpy()
    print(f"{len(y)} mentions, {russia.sum()} 'Russia'; correlation of p+ - p- with the rules' score "
          f"{np.corrcoef(P[:, 2] - P[:, 0], rules)[0, 1]:.3f}")
    for role, cols in (("Antagonist", (("p-", P[:, 0]), ("entity mean p-", E[:, 0]), ("p- - p+", P[:, 0] - P[:, 2]),
                                       ("rules -score", -rules))),
                       ("Protagonist", (("p+", P[:, 2]), ("rules score", rules))),
                       ("Innocent", (("p-", P[:, 0]), ("rules -score", -rules)))):
        g = (y == role).astype(int)
        for name, sc in cols:
            print(f"AUC {role} vs rest, {name}: {roc_auc_score(g, sc):.3f} (Russia {roc_auc_score(g[russia], sc[russia]):.3f})"
                  if g[russia].min() != g[russia].max() else f"AUC {role} vs rest, {name}: {roc_auc_score(g, sc):.3f}")


@contextmanager
def casting_variant(variant, tm):
    """The library's casting with the trained classifier's probabilities (``--casting``, module docstring)."""
    from analysis import narrative_casting as NC

    keep_f, keep_rows = R.featurize, NC._cue_rows
    memo: dict = {}

    def featurize(mentions, articles, **kw):
        feats, cues, langs = keep_f(mentions, articles, **kw)
        if "method" not in mentions.columns:  # the gold roles the casting role model trains on: untouched
            return feats, cues, langs
        texts = dict(zip(articles["article_id"], articles["text"]))
        arts: dict = {}
        cues = [dict(c) for c in cues]
        for c, aid, a, b in zip(cues, mentions["article_id"], mentions["start"], mentions["end"]):
            key = (aid, int(a), int(b))
            if key not in memo:
                art = arts.get(aid) or arts.setdefault(aid, R._Article(texts[aid], "en"))
                k = bisect_right(art.sent_starts, int(a)) - 1
                s0, s1 = art.sents[max(k, 0)]
                p = tm.proba(art.text[s0:s1], int(a) - s0, min(int(b), s1) - s0)
                memo[key] = (p[-1], p[0], p[1])
            c["tm"] = memo[key]
            if variant == "tmsent":
                c["score"] = memo[key][2] - memo[key][0]
        return feats, cues, langs

    def cue_rows(article_ids, mention_aids, cues, P, scale):
        rows = keep_rows(article_ids, mention_aids, cues, P, scale)
        if variant != "tmprob":
            return rows
        by: dict = {}
        for a, c in zip(mention_aids, cues):
            by.setdefault(a, {}).setdefault(c["side"], []).append(c["tm"])
        for a, f in zip(article_ids, rows):
            for side, ps in by.get(a, {}).items():
                for cls, v in zip(CLASSES, np.mean(ps, axis=0)):
                    f[f"ctm:{side}:{cls}"] = float(v) * scale
        return rows

    if variant != "lib":
        R.featurize, NC._cue_rows = featurize, cue_rows
    try:
        yield
    finally:
        R.featurize, NC._cue_rows = keep_f, keep_rows


def casting_main(args) -> int:
    import time

    import narratives_round12 as n12
    from narratives_round8 import run_seeds
    from threadpoolctl import threadpool_limits

    from analysis.sentiment.target import load_target_model

    root = r6._semeval_root(args.root)
    if root is None:
        return 0
    tm = load_target_model(args.target_model)
    with threadpool_limits(limits=1):
        for v in args.casting:
            if v not in ("lib", "tmsent", "tmprob"):
                raise SystemExit(f"unknown casting variant {v}")
            with casting_variant(v, tm):
                run_seeds("casting-" + v, args.seed, lambda s: n12.library_cv(root / "en", s), time.process_time())
    return 0


FIGURES = ("main_accuracy", "main_f1_macro", "fine_exact_match", "fine_micro_f1")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target-model", required=True)
    ap.add_argument("--seed", type=int, nargs="+", default=[0])
    ap.add_argument("--variants", nargs="+", default=["base"])
    ap.add_argument("--root", default=None)
    ap.add_argument("--diagnose", action="store_true", help="AUCs of the probabilities alone (no training)")
    ap.add_argument("--casting", nargs="+", default=None, help="narrative casting variants: lib tmsent tmprob")
    args = ap.parse_args(argv)
    if args.casting:
        return casting_main(args)
    if args.diagnose:
        if (root := r6._semeval_root(args.root)) is not None:
            diagnose(root, args.target_model)
        return 0
    for v in args.variants:
        head = v.partition("@")[0]
        if head != "base" and head not in BLOCKS and head != "tmstk" and not head.startswith("tmpoe"):
            raise SystemExit(f"unknown variant {v}")
    root = r6._semeval_root(args.root)
    if root is None:
        return 0
    dx = r6.Data(root)
    h = Harness(dx, args.target_model)
    table = []  # [seed][variant] = the four figures
    for seed in args.seed:
        scores = h.run_seed(seed, args.variants)
        table.append([tuple(scores[v][k] for k in FIGURES) for v in args.variants])
        print(f"seed {seed}", *(f"{v} {row}" for v, row in zip(args.variants, table[-1])), sep="\n  ", flush=True)
    means = np.mean(table, axis=0).round(4)
    for j, v in enumerate(args.variants):
        print(v, *(row[j] for row in table), f" mean {tuple(means[j].tolist())}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
