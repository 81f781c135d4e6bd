"""Round-8 experiments of issue 11: English narratives - the strict role-model casting line of round 7 (figures in
data/lexicons/README-roles.md, "Round 8 (issue 11): English narratives").

    PYTHONPATH=src python benchmarks/narratives_round8.py [VARIANT ...] [--seeds 0 1 ...]

Protocol of ``narratives_round7.py`` (whose harness this reuses): outer folds of ``python -m analysis.evaluate
narratives --cv 5 --seed S``, threshold by inner 4-fold CV on the training part, the round-6 default for P(Other).

Variants: ``base`` (the library's model); ``strict-BLOCKS-SCALE``: round 7's casting features (BLOCKS as there: m
main-role shares, s mean target sentiment per side, ...) from a role model (joint en + ru, C 1) trained, for every
fit of the narrative model on the articles ``tr``, on the gold roles of ``tr`` and of the articles outside the
narrative set only: no article scored in the outer fold, nor in the inner fold, lends its gold roles, also when the
inner CV picks the threshold. ``model-BLOCKS-SCALE`` is round 7's ``cast-model`` (only the scored articles left
out). Decision rules on the library's scores (no gazetteer mentions loaded when only these run): ``base2`` (the
library's rule through ``run2``: reproduces ``base``), ``perlabel`` (one threshold per narrative), ``otheroff``
(a global threshold and an offset on P(Other)), ``finek`` (further sub-narratives of a kept narrative at or above a
threshold: the library's ``fine_threshold="cv"`` since round 8), ``otheroff+finek``; every parameter chosen by the
inner CV on the training part (``run2``). Nothing is written.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import narratives_round6  # noqa: E402
import narratives_round7  # noqa: E402
from narratives_round6 import H, parser, report, semeval_root  # noqa: E402
from narratives_round7 import H7  # noqa: E402

from analysis import narratives as N  # noqa: E402

OTHER = N.OTHER


class HL(H):
    """The round-6 harness with round 7's P(Other) rule, without the gazetteer mentions (decision variants)."""
    with_other = H7.with_other


class H8(H7):
    held: list = []

    def cast_feats(self, src, blocks, te_ids, ru=False):
        # "strict": the role model leaves out every narrative article outside the fit's training part
        return H7.cast_feats(self, "model", blocks, self.held if src == "strict" else te_ids, ru)

    def strict_scorer(self, blocks, scale):
        """Round 7's casting scorer, the role model trained without the gold roles of any narrative article
        outside ``tr`` (its cache key carries ``tr``, so ``held`` is always the one of the fit)."""
        inner = self.cast_scorer("strict", blocks, scale, raw=True)

        def f(tr, te):
            trs = set(tr.tolist())
            self.held = [a for i, a in enumerate(self.ids) if i not in trs]
            return inner(tr, te)
        return self.with_other(f)


LIGHT = ("base2", "perlabel", "otheroff", "finek", "otheroff+finek")
FINE_GRID = (0.15, 0.2, 0.3, 0.4, 0.5, 1.01)  # 1.01: one sub-narrative per narrative (the library's rule)
OTHER_OFFSETS = (-0.1, -0.05, 0.0, 0.05, 0.1)


def _fine_pick(F, fn, keep, tf):
    """Sub-narratives of the kept narratives: the most probable of each, then any other of it >= ``tf``."""
    if keep == {OTHER}:
        return {OTHER}
    out = set()
    for c in keep:
        cands = sorted(((F[q], f) for q, f in enumerate(fn) if f.startswith(c + ": ")), reverse=True)
        if not cands:
            out.add(f"{c}: {OTHER}")
            continue
        out.add(cands[0][1])
        out.update(f for p, f in cands[1:] if p >= tf)
    return out


def run2(h, scorer, seed, *, coarse="global", fine=False):
    """``H.run`` with other decision rules, every parameter chosen on the inner folds' out-of-fold scores:
    ``coarse`` "global" (the library's rule), "per_label" (one threshold per narrative by coordinate ascent,
    ``analysis.narratives._per_label_thresholds``, started at the best global one) or "other" (a global
    threshold and an offset added to P(Other) before the top label is taken, grid ``OTHER_OFFSETS``);
    ``fine``: a second (third ...) sub-narrative of a kept narrative when its probability reaches a threshold
    from ``FINE_GRID`` chosen on the inner fine samples-F1."""
    from analysis.evaluation import samples_f1
    from analysis.evaluation.narratives import folds

    def dec(row, n, t):
        if coarse == "other":
            t, o = t
            row = row.copy()
            if OTHER in n:
                row[n.index(OTHER)] += o
        if isinstance(t, dict):
            return {n[j] for j in N._decide_per_label(row, n, t)}
        return {n[j] for j in N._decide(row, n, t)}

    grid = [(t, o) for t in N.THRESHOLD_GRID for o in OTHER_OFFSETS] if coarse == "other" else N.THRESHOLD_GRID

    def near(t):
        return abs(t[0] - 0.2) + abs(t[1]) if isinstance(t, tuple) else abs(t - 0.2)

    pc, pf = [None] * len(h.ids), [None] * len(h.ids)
    for tr, te in folds(h.ids, 5, seed):
        rows, gold, gfine, fine_rows = [], [], [], []
        for itr, ite in folds(np.arange(len(tr)), 4, seed + 1):
            n, p = scorer(tr[itr], tr[ite])
            rows += [(n, r) for r in p]
            gold += [h.cs[i] for i in tr[ite]]
            gfine += [h.fs[i] for i in tr[ite]]
            if fine:
                fn, fp = h.fine_model(tr[itr])
                fine_rows += [(fn, r) for r in fp(h.X[tr[ite]])]

        def sc(t, rows=rows, gold=gold):
            return samples_f1(gold, [dec(r, n, t) for n, r in rows])

        t = max(grid, key=lambda t: (round(sc(t), 12), -near(t)))
        if coarse == "per_label":
            names = h.names(tr)  # the inner folds' label sets differ: their rows on the outer part's labels
            P = np.array([[r[n.index(x)] if x in n else 0.0 for x in names] for n, r in rows])
            t = N._per_label_thresholds(P, names, gold, start=t)
        tf = 1.01
        if fine:
            kept = [dec(r, n, t) for n, r in rows]
            tf = max(FINE_GRID, key=lambda x: (round(samples_f1(gfine, [_fine_pick(F, fn, k, x) for (fn, F), k in
                                                                          zip(fine_rows, kept)]), 12), x))
        n, p = scorer(tr, te)
        fn, fproba = h.fine_model(tr)
        F = fproba(h.X[te])
        for r, i in enumerate(te):
            pc[i] = dec(p[r], n, t)
            pf[i] = _fine_pick(F[r], fn, pc[i], tf)
    return samples_f1(h.cs, pc), samples_f1(h.fs, pf)


def run_seeds(v, seeds, one, t0) -> None:
    """``one(seed)`` = (coarse, fine) at every fold seed, a progress line each (CPU seconds since ``t0``), then the
    report line of variant ``v``."""
    res = []
    for s in seeds:
        res.append(one(s))
        print(f"# {v} seed {s}: {res[-1][0]:.4f} / {res[-1][1]:.4f} ({time.process_time() - t0:.0f} cpu s)", flush=True)
    report(v, res, digits=4)


def main(argv=None) -> int:
    narratives_round6._near = narratives_round7._near
    args = parser(range(10)).parse_args(argv)
    root = semeval_root(args.root)
    if root is None:
        return 0
    with threadpool_limits(limits=1):
        h = HL(root) if all(v.split("-")[0] in LIGHT for v in args.variants) else H8(root)
        for v in args.variants:
            p = v.split("-")
            t0 = time.process_time()
            run = None
            if p[0] in LIGHT:  # decision rules on the base scores
                sc = h.with_other(h.base)
                coarse = {"perlabel": "per_label", "otheroff": "other", "otheroff+finek": "other"}.get(v, "global")
                fine = v.endswith("finek")

                def run(sc, s, coarse=coarse, fine=fine):
                    return run2(h, sc, s, coarse=coarse, fine=fine)
            elif v == "base":
                sc = h.with_other(h.base)
            elif p[0] == "strict":
                sc = h.strict_scorer(p[1], float(p[2]))
            elif p[0] == "model":
                sc = h.cast_scorer("model", p[1], float(p[2]))
            else:
                raise SystemExit(f"unknown variant {v}")
            run_seeds(v, args.seeds, lambda s, sc=sc, run=run: h.run(sc, s) if run is None else run(sc, s), t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
