"""Round-6 experiments of issue 11: English narratives (figures in data/lexicons/README-roles.md, "Round 6").

    PYTHONPATH=src python benchmarks/narratives_round6.py [VARIANT ...] [--seeds 0 1 2 3 4] [--root SEMEVAL_DIR]

Every variant produces coarse-narrative scores for held-out articles from a training part; the decision rule is
the current one (top label kept, alone if it is Other; others kept when >= a threshold chosen from
``THRESHOLD_GRID`` by an inner 4-fold CV on the training part, fold seed + 1, as ``train_narrative_model``);
sub-narratives come from the current fine model. Outer folds are those of ``python -m analysis.evaluate
narratives --cv 5 --seed S``. Prints coarse / fine samples-F1 per fold seed and the mean. Nothing is written.

Variants: ``base`` (the current model), ``knn-K`` (similarity-weighted label vote of the K most similar training
articles, cosine over the model's L2-normalised feature blocks), ``blend-knn-K-A`` (A x kNN + (1 - A) x model),
``mil-AGG`` (sentence classifier trained with the article's labels as weak labels, article score = AGG over its
sentences: max / top2 mean), ``blend-mil-AGG-A``, ``stack`` (a second logistic regression over the out-of-fold
label probabilities: label co-occurrence), ``domain`` (URW / CC decided first, narratives of the other domain
zeroed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from analysis import narratives as N
from analysis.evaluation import samples_f1
from analysis.evaluation.narratives import folds

OTHER = N.OTHER


def _lr_ovr(X, Y, C, min_count=2, class_weight=None):
    """One-vs-rest liblinear fits as ``analysis._linear.fit_linear(kind="ovr")`` on a prebuilt CSR matrix;
    returns a predict-proba function."""
    keep = np.flatnonzero(np.asarray((X != 0).sum(axis=0)).ravel() >= min_count)
    Xk = X[:, keep]
    models = []
    for j in range(Y.shape[1]):
        pos = Y[:, j].sum()
        if pos == 0 or pos == len(Y):
            models.append((pos + 0.5) / (len(Y) + 1.0))
            continue
        clf = LogisticRegression(C=C, max_iter=3000, solver="liblinear", class_weight=class_weight, random_state=0)
        clf.fit(Xk, Y[:, j])
        models.append(clf)

    def proba(Xt):
        Xt = Xt[:, keep]
        return np.column_stack([np.full(Xt.shape[0], m) if isinstance(m, float) else m.predict_proba(Xt)[:, 1]
                                for m in models])

    return proba


class H:
    def __init__(self, root: Path):
        self.arts, labels = N.read_narratives_dir(root / "en")
        self.ids = self.arts["article_id"].tolist()
        self.docs = N._docs(self.arts)
        self.cs, self.fs = N._label_sets(labels, self.ids)
        self.vec = DictVectorizer()
        self.X = self.vec.fit_transform([N._doc_features(d) for d in self.docs]).tocsr()
        # sentence rows (MIL): article index of each sentence
        sf, owner = [], []
        for i, d in enumerate(self.docs):
            for k in range(len(d.sents)):
                sf.append(N._sentence_features(d, k))
                owner.append(i)
        self.svec = DictVectorizer()
        S = self.svec.fit_transform(sf).tocsr()
        # L2-normalise each sentence row
        norms = np.sqrt(np.asarray(S.multiply(S).sum(axis=1)).ravel())
        self.S = sparse.diags(1 / np.maximum(norms, 1e-12)) @ S
        self.owner = np.array(owner)
        self.cache: dict = {}

    # ------------------------------------------------------------------ scorers: (tr, te) -> (names, P[te])
    def names(self, tr):
        return sorted(set().union(*[self.cs[i] for i in tr]))

    def Y(self, tr, names, sets=None):
        sets = sets or self.cs
        return np.array([[n in sets[i] for n in names] for i in tr], int)

    def base(self, tr, te, C=4.0):
        key = ("base", C, tuple(tr), tuple(te))
        if key not in self.cache:
            names = self.names(tr)
            self.cache[key] = names, _lr_ovr(self.X[tr], self.Y(tr, names), C)(self.X[te])
        return self.cache[key]

    def knn(self, tr, te, k=10):
        names = self.names(tr)
        sims = (self.X[te] @ self.X[tr].T).toarray()
        Ytr = self.Y(tr, names)
        P = np.zeros((len(te), len(names)))
        for r in range(len(te)):
            top = np.argsort(-sims[r])[:k]
            w = np.maximum(sims[r, top], 0)
            P[r] = (w @ Ytr[top]) / max(w.sum(), 1e-12)
        return names, P

    def mil(self, tr, te, agg="max", C=1.0):
        key = ("mil", agg, C, tuple(tr), tuple(te))
        if key in self.cache:
            return self.cache[key]
        names = self.names(tr)
        trs = np.flatnonzero(np.isin(self.owner, tr))
        Ys = np.array([[n in self.cs[self.owner[s]] for n in names] for s in trs], int)
        proba = _lr_ovr(self.S[trs], Ys, C)
        P = np.zeros((len(te), len(names)))
        for r, i in enumerate(te):
            ps = proba(self.S[np.flatnonzero(self.owner == i)])
            if agg == "max":
                P[r] = ps.max(axis=0)
            elif agg == "top2":
                P[r] = np.sort(ps, axis=0)[-2:].mean(axis=0)
            else:
                P[r] = ps.mean(axis=0)
        self.cache[key] = names, P
        return names, P

    def blend(self, a, other):
        def f(tr, te):
            n1, p1 = self.base(tr, te)
            n2, p2 = other(tr, te)
            assert n1 == n2
            return n1, (1 - a) * p1 + a * p2
        return f

    def blend_mil_other(self, a, agg):
        """MIL scores blended into the narratives only; Other keeps the model's probability."""
        def f(tr, te):
            n1, p1 = self.base(tr, te)
            _, p2 = self.mil(tr, te, agg)
            p = (1 - a) * p1 + a * p2
            if OTHER in n1:
                j = n1.index(OTHER)
                p[:, j] = p1[:, j]
            return n1, p
        return f

    def dense(self, kind):
        """Dense article matrices for the small models: ``cue`` (the cue-count features), ``wv`` (SIF mean
        word vector, data/models/wordvec_en.npz), ``head`` (the --extra scores)."""
        key = ("dense", kind)
        if key not in self.cache:
            if "," in kind:
                M = np.hstack([self.dense(k) for k in kind.split(",")])
            elif kind == "cue":
                cols = [j for j, n in enumerate(self.vec.get_feature_names_out()) if "cue:" in n]
                M = self.X[:, cols].toarray()
            elif kind == "wv":
                from analysis.wordvectors import load_word_vectors, tokens

                wv = load_word_vectors()
                M = np.array([v / (np.linalg.norm(v) or 1) if (v := wv.sif_mean(tokens(d.text))) is not None
                              else np.zeros(wv.dim) for d in self.docs])
            else:
                z = np.load(self.extra)
                M = np.column_stack([(z[k] - z[k].mean()) / z[k].std() for k in kind.split("+")])
            self.cache[key] = M
        return self.cache[key]

    def small(self, tr, te, kind, C=1.0):
        key = ("small", kind, C, tuple(tr), tuple(te))
        if key not in self.cache:
            M = sparse.csr_matrix(self.dense(kind))
            names = self.names(tr)
            self.cache[key] = names, _lr_ovr(M[tr], self.Y(tr, names), C, min_count=1)(M[te])
        return self.cache[key]

    def blend_small(self, kind, a, only_other, C=1.0):
        def f(tr, te):
            n1, p1 = self.base(tr, te)
            _, p2 = self.small(tr, te, kind, C)
            p = p1.copy()
            cols = [n1.index(OTHER)] if only_other and OTHER in n1 else slice(None)
            p[:, cols] = (1 - a) * p1[:, cols] + a * p2[:, cols]
            return n1, p
        return f

    def stack(self, tr, te, C=1.0):
        """Second-level LR on out-of-fold base probabilities (label co-occurrence)."""
        names = self.names(tr)
        Q = np.zeros((len(tr), len(names)))
        for itr, ite in folds(np.arange(len(tr)), 4, 99):
            n, p = self.base(tr[itr], tr[ite])
            for j, c in enumerate(n):
                Q[ite, names.index(c)] = p[:, j]
        _, Pte = self.base(tr, te)
        proba = _lr_ovr(sparse.csr_matrix(np.log(Q + 1e-3)), self.Y(tr, names), C, min_count=1)
        return names, proba(sparse.csr_matrix(np.log(Pte + 1e-3)))

    def domain(self, tr, te):
        names, P = self.base(tr, te)
        P = P.copy()
        dom_tr = np.array([any(c.startswith("CC") for c in self.cs[i]) for i in tr], int)
        if dom_tr.sum() == 0:
            return names, P
        pd_ = _lr_ovr(self.X[tr], dom_tr[:, None], 4.0)(self.X[te])[:, 0]
        for r in range(len(te)):
            for j, c in enumerate(names):
                if c != OTHER and c.startswith("CC") != (pd_[r] >= 0.5):
                    P[r, j] = 0.0
        return names, P

    # ------------------------------------------------------------------ protocol
    def fine_model(self, tr):
        key = ("fine", tuple(tr))
        if key not in self.cache:
            fn = sorted(set().union(*[self.fs[i] for i in tr]))
            self.cache[key] = fn, _lr_ovr(self.X[tr], self.Y(tr, fn, self.fs), 1.0)
        return self.cache[key]

    def run(self, scorer, seed, dec=None, grid=None):
        if dec is None:
            def dec(row, n, t):
                return {n[j] for j in N._decide(row, n, t)}
            grid = N.THRESHOLD_GRID
        pc, pf = [None] * len(self.ids), [None] * len(self.ids)
        for tr, te in folds(self.ids, 5, seed):
            gold, inner = [], []
            for itr, ite in folds(np.arange(len(tr)), 4, seed + 1):
                n, p = scorer(tr[itr], tr[ite])
                inner.append((n, p))
                gold += [self.cs[i] for i in tr[ite]]

            def sc(t, inner=inner, gold=gold):
                return samples_f1(gold, [dec(row, n, t) for n, p in inner for row in p])

            t = max(grid, key=lambda t: (round(sc(t), 12), -_near(t)))
            n, p = scorer(tr, te)
            fn, fproba = self.fine_model(tr)
            F = fproba(self.X[te])
            for r, i in enumerate(te):
                keep = dec(p[r], n, t)
                pc[i] = keep
                if keep == {OTHER}:
                    pf[i] = {OTHER}
                else:
                    pf[i] = set()
                    for c in keep:
                        cands = [(F[r, q], f) for q, f in enumerate(fn) if f.startswith(c + ": ")]
                        pf[i].add(max(cands)[1] if cands else f"{c}: {OTHER}")
        return samples_f1(self.cs, pc), samples_f1(self.fs, pf)


def _near(t):
    return abs(t - 0.2) if isinstance(t, float) else sum(abs(x - d) for x, d in zip(t, (1.0, 0.0)))


def _poisson_binomial(ps):
    dist = np.array([1.0])
    for p in ps:
        dist = np.convolve(dist, [1 - p, p])
    return dist


def expected_f1_decision(row, names, g, kmax=4):
    """The prediction ({Other} or the top-k narratives) with the highest expected samples-F1 under calibrated
    probabilities: Other with probability p_O, else narratives independent (Jansche 2007; Ye et al. 2012)."""
    gamma, beta = g
    lo = np.log(np.clip(row, 1e-6, 1 - 1e-6) / (1 - np.clip(row, 1e-6, 1 - 1e-6)))
    q = 1 / (1 + np.exp(-gamma * lo))
    if OTHER not in names:
        po = 0.0
    else:
        jo = names.index(OTHER)
        po = 1 / (1 + np.exp(-(gamma * lo[jo] + beta)))
    nar = [j for j in np.argsort(-q) if names[j] != OTHER]
    best, best_e = {OTHER}, po
    for k in range(1, min(kmax, len(nar)) + 1):
        pa = _poisson_binomial(q[nar[:k]])
        pb = _poisson_binomial(q[nar[k:]])
        e = sum(pa[a] * pb[b] * 2 * a / (k + a + b) for a in range(len(pa)) for b in range(len(pb)))
        e /= max(1 - pa[0] * pb[0], 1e-9)
        e *= 1 - po
        if e > best_e:
            best, best_e = {names[j] for j in nar[:k]}, e
    return best


EF_GRID = [(g, b) for g in (0.5, 0.75, 1.0, 1.5) for b in (-1.0, -0.5, 0.0, 0.5, 1.0)]


def scorer_for(h: H, name: str):
    parts = name.split("-")
    if name == "base":
        return h.base
    if parts[0] == "C":
        return lambda tr, te: h.base(tr, te, C=float(parts[1]))
    if parts[0] == "knn":
        return lambda tr, te: h.knn(tr, te, int(parts[1]))
    if parts[0] == "mil":
        return lambda tr, te: h.mil(tr, te, parts[1])
    if name.startswith("blend-knn"):
        k, a = int(parts[2]), float(parts[3])
        return h.blend(a, lambda tr, te: h.knn(tr, te, k))
    if name.startswith("blend-mil"):
        agg, a = parts[2], float(parts[3])
        return h.blend(a, lambda tr, te: h.mil(tr, te, agg))
    if name.startswith("blendn-mil"):
        return h.blend_mil_other(float(parts[3]), parts[2])
    if name == "stack":
        return h.stack
    if parts[0] in ("oth", "all"):  # oth-KIND-A[-C] / all-KIND-A[-C]: small dense model (C 1) blended into Other / all labels
        return h.blend_small(parts[1], float(parts[2]), parts[0] == "oth", float(parts[3]) if len(parts) > 3 else 1.0)
    if parts[0] == "small":
        return lambda tr, te: h.small(tr, te, parts[1])
    if parts[0] == "feat":  # feat-KEY+KEY-SCALE: standardised scores from a .npz (--extra) as extra columns
        X0 = h.X
        z = np.load(h.extra)
        cols = [(z[k] - z[k].mean()) / z[k].std() for k in parts[1].split("+")]
        h.X = sparse.hstack([X0, sparse.csr_matrix(np.column_stack(cols) * float(parts[2]))]).tocsr()
        Xf = h.X
        h.X = X0

        def f(tr, te, Xf=Xf):
            X0, h.X = h.X, Xf
            try:
                names = h.names(tr)
                return names, _lr_ovr(Xf[tr], h.Y(tr, names), 4.0)(Xf[te])
            finally:
                h.X = X0
        return f
    if name == "domain":
        return h.domain
    raise SystemExit(f"unknown variant {name}")


def parser(seeds) -> argparse.ArgumentParser:
    """The harnesses' common arguments: variant names, fold seeds (default ``seeds``), the SemEval folder."""
    ap = argparse.ArgumentParser()
    ap.add_argument("variants", nargs="*", default=["base"])
    ap.add_argument("--seeds", type=int, nargs="+", default=list(seeds))
    ap.add_argument("--root", default="../shared/eval/semeval25")
    return ap


def main(argv=None) -> int:
    ap = parser(range(5))
    ap.add_argument("--extra", default=None, help=".npz of per-article scores (same article order) for feat-*")
    args = ap.parse_args(argv)
    root = semeval_root(args.root)
    if root is None:
        return 0
    with threadpool_limits(limits=1):
        h = H(root)
        h.extra = args.extra
        for v in args.variants:
            if v.startswith("ef:"):
                sc = scorer_for(h, v[3:])
                res = [h.run(sc, s, expected_f1_decision, EF_GRID) for s in args.seeds]
            else:
                sc = scorer_for(h, v)
                res = [h.run(sc, s) for s in args.seeds]
            report(v, res)
    return 0


def report(variant: str, res, digits: int = 3) -> None:
    """One line: coarse / fine samples-F1 per fold seed, then their means (to ``digits`` decimals)."""
    per = " ".join(f"{c:.3f}/{f:.3f}" for c, f in res)
    mc, mf = np.mean([r[0] for r in res]), np.mean([r[1] for r in res])
    print(f"{variant:24s} {per}  mean {mc:.{digits}f}/{mf:.{digits}f}", flush=True)


def semeval_root(path: str) -> Path | None:
    """The SemEval folder when its English narratives are present (else a skip line is printed)."""
    root = Path(path)
    if not (root / "en" / "narratives.tsv").exists():
        print(f"skipped: {root} absent")
        return None
    return root


if __name__ == "__main__":
    sys.exit(main())
