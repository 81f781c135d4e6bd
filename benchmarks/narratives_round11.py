"""Round-11 experiments of issue 11: English narratives - the decision step (figures in
data/lexicons/README-roles.md, "Round 11 (issue 11): English narratives").

    PYTHONPATH=src python benchmarks/narratives_round11.py [VARIANT ...] [--seeds 10 11 ...]

Protocol of ``narratives_round10.py`` (whose harness this reuses: round 9's with the headline block): outer folds of
``python -m analysis.evaluate narratives --cv 5 --seed S``, every parameter chosen on the out-of-fold scores of an
inner 4-fold CV on the training part. Every variant scores the library's default (``lexprior-0.1``: the word model,
P(Other) averaged with the cue-count model's, +0.1 on each narrative the cue lexicon assigns) and changes only how
the scores become label sets; sub-narratives as the library (its best one per kept narrative, more at or above a
threshold chosen on the inner fine samples-F1). Fold seeds 10-19 (the default) decide; nothing is written.

Variants (``base``: the library's rule, reproduces round 10's ``lexprior-0.1``):
``gate``: "has a narrative" is decided on P(Other) alone: Other when P(Other) >= g, else the top narrative and the
others >= t (g from ``GATE_GRID`` and t from the library's grid, chosen together);
``gaterel``: the same gate, then the narratives within a factor f of the top one (``REL_GRID``);
``gatelr``: the gate is a logistic regression (C 1, standardised) over the article's decision features
(``gate_features``: P(Other), the top two narrative scores, their sum, the margin top - P(Other), the number of
narratives the lexicon assigns, the distinct cue count), fitted on the inner out-of-fold rows; its threshold and t
chosen on its own 5-fold cross-fitted predictions of those rows;
``gatelrrel``: that gate with the relative rule;
``topk``: the gate on P(Other), then the k most probable narratives, k = clip(round(a x the sum of the narrative
scores), 1, 4) (a from ``K_GRID``); ``margin``, ``marginrel``, ``margintopk``: the gate on P(Other) minus the top
narrative's score (offset from ``MARGIN_GRID``; offset 0 with "abs" is the library's rule);
``NAME@G`` (diagnostic, chosen after seeing the figures): the gate's threshold fixed at G;
``othertop``: no score, a diagnostic of the articles ranked Other first (:func:`other_top`);
``modelxprior``: round 10's cross-fitted casting line (``modelx-ms-0.5``) with the prior, the library's rule.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import narratives_round6  # noqa: E402
import narratives_round7  # noqa: E402
from narratives_round6 import parser, semeval_root  # noqa: E402
from narratives_round8 import FINE_GRID, H8, HL, _fine_pick, run2, run_seeds  # noqa: E402
from narratives_round9 import lexicon_prior  # noqa: E402
from narratives_round10 import with_title  # noqa: E402

from analysis import narratives as N  # noqa: E402
from analysis.evaluation import samples_f1  # noqa: E402
from analysis.evaluation.narratives import folds  # noqa: E402

OTHER = N.OTHER
GATE_GRID = tuple(round(x, 2) for x in np.arange(0.2, 0.91, 0.05))
REL_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)
K_GRID = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
MARGIN_GRID = (-0.3, -0.2, -0.15, -0.1, -0.05, 0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
LR_GRID = tuple(round(x, 2) for x in np.arange(0.1, 0.91, 0.05))


def with_prior(h, scorer, a: float):
    """``scorer``'s rows plus ``a`` on every narrative the training-free lexicon assigns (as ``lexicon_prior``)."""
    min_hits = int(N._lexicon().get("min_hits", 2))
    lex = [{c for c, hits in d.hits.items() if len({x[1] for x in hits}) >= min_hits} for d in h.docs]

    def f(tr, te):
        n, p = scorer(tr, te)
        p = p.copy()
        for r, i in enumerate(te):
            p[r] += [a if c in lex[i] else 0.0 for c in n]
        return n, p
    return f


def lex_counts(h):
    """Per article: (narratives the cue lexicon assigns, distinct cues over all narratives)."""
    min_hits = int(N._lexicon().get("min_hits", 2))
    return [(sum(len({x[1] for x in hits}) >= min_hits for hits in d.hits.values()),
             len({x[1] for hits in d.hits.values() for x in hits})) for d in h.docs]


def gate_features(row, n, lex):
    """The decision features of one article's score row (names ``n``) and its ``lex_counts``."""
    po = row[n.index(OTHER)] if OTHER in n else 0.0
    nar = sorted((row[j] for j in range(len(n)) if n[j] != OTHER), reverse=True) + [0.0, 0.0]
    return [po, nar[0], nar[1], float(sum(nar)), nar[0] - po, float(lex[0]), float(lex[1])]


def narratives_of(row, n, kind, t):
    """The narratives of an article the gate calls non-Other: the top one and the others >= t ("abs"), within a
    factor t of the top one ("rel"), or the k most probable, k = clip(round(t x their sum), 1, 4) ("topk")."""
    order = [j for j in np.argsort(-row) if n[j] != OTHER]
    if not order:
        return {OTHER}
    top = row[order[0]]
    if kind == "abs":
        keep = [order[0]] + [j for j in order[1:] if row[j] >= t]
    elif kind == "rel":
        keep = [j for j in order if row[j] >= t * top]
    else:
        k = int(np.clip(round(t * sum(row[j] for j in order)), 1, 4))
        keep = order[:k]
    return {n[j] for j in keep}


def _gate_p(row, n, gate):
    """P(Other) ("p") or P(Other) minus the top narrative's score ("m")."""
    po = row[n.index(OTHER)] if OTHER in n else 0.0
    return po if gate == "p" else po - max((row[j] for j in range(len(n)) if n[j] != OTHER), default=0.0)


def _gate_lr(F, y):
    mu, sd = F.mean(axis=0), F.std(axis=0) + 1e-9
    if not 0 < y.sum() < len(y):
        c = float(y.mean())
        return lambda G: np.full(len(G), c)
    m = LogisticRegression(C=1.0, max_iter=1000).fit((F - mu) / sd, y)
    return lambda G: m.predict_proba((np.asarray(G) - mu) / sd)[:, 1]


def run3(h, scorer, seed, *, gate, kind, fixed=None):
    """``run2`` (coarse "global", fine) with a separate Other gate: ``gate`` "p" (P(Other) >= g) or "lr"
    (:func:`_gate_lr`'s probability >= g) or "m" (P(Other) - the top narrative's score >= g); then
    :func:`narratives_of` with ``kind``. ``fixed``: g fixed (a diagnostic, not chosen by the inner CV)."""
    lex = lex_counts(h)
    grid2 = {"abs": N.THRESHOLD_GRID, "rel": REL_GRID, "topk": K_GRID}[kind]
    pc, pf = [None] * len(h.ids), [None] * len(h.ids)
    for tr, te in folds(h.ids, 5, seed):
        rows, gold, gfine, fine_rows, idx = [], [], [], [], []
        for itr, ite in folds(np.arange(len(tr)), 4, seed + 1):
            n, p = scorer(tr[itr], tr[ite])
            rows += [(n, r) for r in p]
            idx += list(tr[ite])
            gold += [h.cs[i] for i in tr[ite]]
            gfine += [h.fs[i] for i in tr[ite]]
            fn, fp = h.fine_model(tr[itr])
            fine_rows += [(fn, r) for r in fp(h.X[tr[ite]])]
        if gate in ("p", "m"):
            gscore = np.array([_gate_p(r, n, gate) for n, r in rows])
            ggrid = GATE_GRID if gate == "p" else MARGIN_GRID
        else:
            F = np.array([gate_features(r, n, lex[i]) for (n, r), i in zip(rows, idx)])
            y = np.array([OTHER in g for g in gold], int)
            gscore = np.zeros(len(rows))
            for a, b in folds(np.arange(len(rows)), 5, seed + 2):
                gscore[b] = _gate_lr(F[a], y[a])(F[b])
            model = _gate_lr(F, y)
            ggrid = LR_GRID
        cand = [(g, t) for g in (ggrid if fixed is None else [fixed]) for t in grid2]
        narr = {t: [narratives_of(r, n, kind, t) for n, r in rows] for t in grid2}

        def dec_inner(g, t, gscore=gscore, narr=narr):
            return [{OTHER} if s >= g else x for s, x in zip(gscore, narr[t])]
        best = max(cand, key=lambda c: (round(samples_f1(gold, dec_inner(*c)), 12), c[0]))
        kept = dec_inner(*best)
        tf = max(FINE_GRID, key=lambda x: (round(samples_f1(gfine, [_fine_pick(Fr, fn, k, x) for (fn, Fr), k in
                                                                  zip(fine_rows, kept)]), 12), x))
        n, p = scorer(tr, te)
        if gate in ("p", "m"):
            gs = np.array([_gate_p(r, n, gate) for r in p])
        else:
            gs = model(np.array([gate_features(r, n, lex[i]) for r, i in zip(p, te)]))
        fn, fproba = h.fine_model(tr)
        Fte = fproba(h.X[te])
        for r, i in enumerate(te):
            pc[i] = {OTHER} if gs[r] >= best[0] else narratives_of(p[r], n, kind, best[1])
            pf[i] = _fine_pick(Fte[r], fn, pc[i], tf)
    return samples_f1(h.cs, pc), samples_f1(h.fs, pf)


def other_top(h, scorer, seeds) -> None:
    """Diagnostic: the articles whose out-of-fold scores rank Other first (the library's rule keeps Other alone),
    pooled over ``seeds``: how many carry a narrative, how often their top narrative is one of the gold ones, the
    samples-F1 of {top narrative} against {Other} on them, and by the margin P(Other) - top narrative."""
    rows = []
    for s in seeds:
        for tr, te in folds(h.ids, 5, s):
            n, p = scorer(tr, te)
            for r, i in enumerate(te):
                m = _gate_p(p[r], n, "m")
                if m >= 0:
                    top = narratives_of(p[r], n, "topk", 0.0)
                    rows.append((m, OTHER not in h.cs[i], bool(top & h.cs[i]), len(top & h.cs[i]) * 2 /
                                 (len(h.cs[i]) + 1), float(OTHER in h.cs[i])))
    m, has, hit, f_top, f_other = (np.array(x) for x in zip(*rows))
    k = len(seeds)
    print(f"Other ranked first: {len(m) / k:.1f} articles per seed, {has.sum() / k:.1f} with a narrative; top "
          f"narrative in gold for {hit[has].sum() / k:.1f} of them; samples-F1 on these articles: {{Other}} "
          f"{f_other.mean():.4f}, {{top narrative}} {f_top.mean():.4f}")
    for lo, hi in ((0, 0.05), (0.05, 0.1), (0.1, 0.2), (0.2, 1.1)):
        b = (m >= lo) & (m < hi)
        if b.any():
            print(f"  margin [{lo}, {hi}): {b.sum() / k:.1f} articles, with a narrative {has[b].mean():.3f}, "
                  f"F1 {{Other}} {f_other[b].mean():.4f}, {{top narrative}} {f_top[b].mean():.4f}")


#: variant -> (gate, kind); ``base`` is the library's rule (``run2``)
RULES = {"gate": ("p", "abs"), "gaterel": ("p", "rel"), "gatelr": ("lr", "abs"), "gatelrrel": ("lr", "rel"),
         "topk": ("p", "topk"), "gatelrtopk": ("lr", "topk"), "margin": ("m", "abs"), "marginrel": ("m", "rel"),
         "margintopk": ("m", "topk")}


def run_variants(h, variants, seeds) -> None:
    """Every variant's report line (``othertop``: its diagnostic) on harness ``h``."""
    sc = lexicon_prior(h, N.LEXICON_PRIOR["en"])
    for v in variants:
        t0 = time.process_time()
        if v == "othertop":
            other_top(h, sc, seeds)
        elif v == "base":
            run_seeds(v, seeds, lambda s: run2(h, sc, s, fine=True), t0)
        elif v.startswith("modelx"):  # round 10's cross-fitted casting (m + s x0.5) with the prior
            cast = with_prior(h, h.cast_scorer("modelx", "ms", 0.5), N.LEXICON_PRIOR["en"])
            run_seeds(v, seeds, lambda s, cast=cast: run2(h, cast, s, fine=True), t0)
        elif v.split("@")[0] in RULES:  # NAME@G: the gate's threshold fixed at G (diagnostic)
            g, k = RULES[v.split("@")[0]]
            fx = float(v.split("@")[1]) if "@" in v else None
            run_seeds(v, seeds, lambda s, g=g, k=k, fx=fx: run3(h, sc, s, gate=g, kind=k, fixed=fx), t0)
        else:
            raise SystemExit(f"unknown variant {v}")


def main(argv=None) -> int:
    args = parser(range(10, 20)).parse_args(argv)
    if (root := semeval_root(args.root)) is None:
        return 0
    narratives_round6._near = narratives_round7._near
    heavy = any(v.startswith("modelx") for v in args.variants)
    with threadpool_limits(limits=1):
        run_variants(with_title((H8 if heavy else HL)(root)), args.variants, args.seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
