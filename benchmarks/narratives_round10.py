"""Round-10 experiments of issue 11: English narratives - an error analysis of the library's decisions, the casting
lines on fresh fold seeds (figures in data/lexicons/README-roles.md, "Round 10 (issue 11): English narratives").

    PYTHONPATH=src python benchmarks/narratives_round10.py [VARIANT ...] [--seeds 10 11 ...]

Protocol of ``narratives_round9.py`` (whose harness and scorers this reuses): outer folds of ``python -m
analysis.evaluate narratives --cv 5 --seed S``, every parameter chosen by inner 4-fold CV on the training part,
scored with the library's decision rules (``run2`` with ``fine=True``). The harness carries the library's round-9
default, the headline block (``TITLE_WEIGHT``) in the coarse and the sub-narrative model, so ``base`` reproduces
the command (0.4456 / 0.3899 at seed 0). Fold seeds 10-19 (the default) were not used by earlier rounds.

Variants: every variant of ``narratives_round9.py`` (``strict-BLOCKS-SCALE``, ``modelx-BLOCKS-SCALE``, ``cuex-K``,
``C-K``, ``lexprior-A``: the library's default since this round at A 0.1) on top of the headline default;
``otherw-A`` (P(Other) = (1 - A) x the word model's + A x the cue-count LR's; the library's A is 0.5);
``otheroff`` (round 8's decision rule: a global threshold and an offset on P(Other) chosen together); ``errors`` (no score of its own: the library's
out-of-fold decisions at every seed, samples-F1 split by the gold label count, predicted against gold label
frequencies, the per-article oracle of the threshold rule and of the label ranking, constant predictions chosen on
the training part). Nothing is written.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import narratives_round6  # noqa: E402
import narratives_round7  # noqa: E402
import narratives_round9  # noqa: E402
from narratives_round6 import parser, semeval_root  # noqa: E402
from narratives_round8 import H8, HL, run2, run_seeds  # noqa: E402

from analysis import evaluation as E  # noqa: E402
from analysis import narratives as N  # noqa: E402
from analysis.evaluation.narratives import folds  # noqa: E402

OTHER = N.OTHER


def with_title(h):
    """The harness's feature rows with the library's headline block (``TITLE_WEIGHT["en"]``); the cache emptied."""
    h.base_feats = [N._doc_features(d, None, N.TITLE_WEIGHT["en"]) for d in h.docs]
    h.vec = DictVectorizer()
    h.X = h.vec.fit_transform(h.base_feats).tocsr()
    h.cache = {}
    return h


def decisions(h, scorer, seed):
    """``run2``'s out-of-fold coarse and fine predictions (it scores them with ``samples_f1``: its last two calls
    are recorded)."""
    calls, f1 = [], E.samples_f1

    def rec(gold, pred):
        calls.append(pred)
        return f1(gold, pred)
    E.samples_f1 = rec
    try:
        run2(h, scorer, seed, fine=True)
    finally:
        E.samples_f1 = f1
    return calls[-2], calls[-1]


def _f1(g: set, p: set) -> float:
    return 2 * len(g & p) / (len(g) + len(p)) if g or p else 1.0


def oracle_rows(h, scorer, seed):
    """Per article, from its out-of-fold scores: the best samples-F1 of the threshold rule (top label, alone if
    Other, others >= t over every t), of {Other} or any prefix of its ranking of the narratives (the ranking's
    ceiling), and of the threshold rule on the narratives alone when Other is known (gold Other: 1)."""
    thr, rank, known = [0.0] * len(h.ids), [0.0] * len(h.ids), [0.0] * len(h.ids)
    for tr, te in folds(h.ids, 5, seed):
        n, p = scorer(tr, te)
        nar = [j for j in range(len(n)) if n[j] != OTHER]
        for r, i in enumerate(te):
            g = h.cs[i]
            thr[i] = max(_f1(g, {n[j] for j in N._decide(p[r], n, t)}) for t in sorted(set(p[r])) + [1.01])
            order = [n[j] for j in sorted(nar, key=lambda j: -p[r, j])]
            rank[i] = max([_f1(g, {OTHER})] + [_f1(g, set(order[:k])) for k in range(1, len(order) + 1)])
            known[i] = (g, order, [p[r, n.index(c)] for c in order])
    return thr, rank, known


def constant_rows(h, seed):
    """Per article, the samples-F1 of one constant prediction per outer fold: {Other} or the training part's k
    most frequent narratives, k (0 = {Other}) chosen on the training part."""
    out = [0.0] * len(h.ids)
    for tr, te in folds(h.ids, 5, seed):
        freq = Counter(c for i in tr for c in h.cs[i] if c != OTHER)
        cands = [{OTHER}] + [{c for c, _ in freq.most_common(k)} for k in range(1, 6)]
        best = max(cands, key=lambda s: sum(_f1(h.cs[i], s) for i in tr))
        for i in te:
            out[i] = _f1(h.cs[i], best)
    return out


def errors(h, seeds) -> None:
    """The error analysis: every figure pooled over the articles of every fold seed."""
    sc = h.with_other(h.base)
    per, thr, rank, known, const, npred, ngold, over = [], [], [], [], [], Counter(), Counter(), []
    pred_other = []
    for s in seeds:
        pc, _ = decisions(h, sc, s)
        per += [_f1(g, p) for g, p in zip(h.cs, pc)]
        a, b, c = oracle_rows(h, sc, s)
        thr += a
        rank += b
        known += c
        const += constant_rows(h, s)
        pred_other += [p == {OTHER} for p in pc]
        for g, p in zip(h.cs, pc):
            npred.update(p)
            ngold.update(g)
            over.append((len(p), len(g)))
    per, k = np.array(per), np.array([len(g) if OTHER not in g else 0 for g in h.cs] * len(seeds))
    print(f"errors over seeds {seeds[0]}-{seeds[-1]}: mean samples-F1 {per.mean():.4f}")
    for name, mask in (("gold Other", k == 0), ("1 narrative", k == 1), ("2 narratives", k == 2),
                       ("3+ narratives", k >= 3)):
        share = mask.sum() / len(per)
        print(f"  {name:14s} {mask.sum() // len(seeds):3d} articles  F1 {per[mask].mean():.4f}  "
              f"loss share {((1 - per[mask]).sum() / (1 - per).sum()):.3f}  (article share {share:.3f})")
    pl, gl = np.array(over).T
    print(f"  labels per article: predicted {pl.mean():.2f}, gold {gl.mean():.2f}; predicted Other "
          f"{npred[OTHER] / len(seeds):.1f} / gold {ngold[OTHER] / len(seeds):.0f} articles")
    for c in sorted(ngold, key=lambda c: -ngold[c]):
        print(f"    {c[:60]:60s} gold {ngold[c] / len(seeds):5.1f}  predicted {npred[c] / len(seeds):5.1f}")
    gold_o = np.array([OTHER in g for g in h.cs] * len(seeds))
    pred_o = np.array(pred_other)
    print(f"  gold non-Other articles predicted Other: {(pred_o & ~gold_o).sum() / len(seeds):.1f} of "
          f"{(~gold_o).sum() / len(seeds):.0f}; F1 on gold non-Other predicted non-Other "
          f"{per[~gold_o & ~pred_o].mean():.4f}; gold Other predicted non-Other {(gold_o & ~pred_o).sum() / len(seeds):.1f}")
    for t in (0.1, 0.2, 0.3, 0.4):
        f = [1.0 if OTHER in g else _f1(g, {c for k, (c, q) in enumerate(zip(o, ps)) if k == 0 or q >= t})
             for g, o, ps in known]
        print(f"  Other known, narratives top + >= {t}: {np.mean(f):.4f}")
    print(f"  oracle threshold per article {np.mean(thr):.4f}; oracle prefix of the ranking {np.mean(rank):.4f}; "
          f"constant prediction (training part's choice) {np.mean(const):.4f}")


#: variant name's first part -> scorer builder (harness, the name's parts): round 9's
SCORERS = dict(narratives_round9.SCORERS)
#: ``otherw-A``: P(Other) = (1 - A) x the word model's + A x the cue-count LR's (the library: A 0.5)
SCORERS["otherw"] = lambda h, p: h.with_other(h.base, a=float(p[1]))
#: ``otheroff``: round 8's decision rule (a global threshold and an offset on P(Other), chosen together)
SCORERS["otheroff"] = SCORERS["base"]
HEAVY = narratives_round9.HEAVY


def main(argv=None) -> int:
    narratives_round6._near = narratives_round7._near
    args = parser(range(10, 20)).parse_args(argv)
    root = semeval_root(args.root)
    if root is None:
        return 0
    with threadpool_limits(limits=1):
        h = with_title((H8 if any(v.split("-")[0] in HEAVY for v in args.variants) else HL)(root))
        for v in args.variants:
            p = v.split("-")
            t0 = time.process_time()
            if v == "errors":
                errors(h, args.seeds)
                continue
            if p[0] not in SCORERS or p[0] == "titleall":
                raise SystemExit(f"unknown variant {v}")
            sc = SCORERS[p[0]](h, p)
            coarse = "other" if v == "otheroff" else "global"
            run_seeds(v, args.seeds, lambda s, sc=sc, c=coarse: run2(h, sc, s, coarse=c, fine=True), t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
