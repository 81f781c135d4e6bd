"""Round-7 experiments of issue 11 (figures in data/lexicons/README-roles.md, "Round 7"): collective decoding
variants (how the lean of the article's other mentions is normalised; Russian rows with or without the feature).

    PYTHONPATH=src python benchmarks/roles_round7.py [--seed S ...] --variants NAME ...

Variants ``coll_<norm>[_ru]``: ``norm`` ``sum`` (round 6: tanh of the sum over the other mentions), ``mean``
(mean over every other mention of the article), ``smean`` (mean over the other mentions of a side that has a lean
sign: russia / ukraine / west); ``_ru``: the Russian training rows carry the feature too (stage-1 probabilities
from one inner grouped CV over all training rows, as ``analysis.train roles`` does). Reuses round 6's data and
folds (:mod:`roles_round6`). ``lib_off`` / ``lib_on`` / ``lib_on_k5``: the library path, i.e. the main role of
``python -m analysis.evaluate roles EN --cv 5 --seed S --collective no|yes`` (``k5``: 5 inner folds instead of 4).
Writes nothing.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import roles_round6 as r6  # noqa: E402

from analysis import roles as R  # noqa: E402
from analysis._linear import fit_linear  # noqa: E402
from analysis.evaluation.roles import grouped_folds  # noqa: E402


def lean_feature(P, sides, aids, norm):
    """{row: {coll:<side>: value}} for the rows of P (stage-1 probabilities, MAIN_ROLES order)."""
    roles = list(R.MAIN_ROLES)
    contrib = np.array([sum(P[k, c] * r6.LEAN.get((sides[k], r), 0) for c, r in enumerate(roles))
                        for k in range(len(sides))])
    sided = np.array([any((s, r) in r6.LEAN for r in roles) for s in sides], dtype=float)
    tot, cnt, scnt = {}, {}, {}
    for k, a in enumerate(aids):
        tot[a] = tot.get(a, 0.0) + contrib[k]
        cnt[a] = cnt.get(a, 0) + 1
        scnt[a] = scnt.get(a, 0) + sided[k]
    out = []
    for k, a in enumerate(aids):
        v = tot[a] - contrib[k]
        if norm == "sum":
            x = float(np.tanh(v))
        elif norm == "mean":
            x = v / (cnt[a] - 1) if cnt[a] > 1 else 0.0
        elif norm == "smean":
            n = scnt[a] - sided[k]
            x = v / n if n > 0 else 0.0
        else:
            raise SystemExit(norm)
        out.append({f"coll:{sides[k]}": x})
    return out


def collective(dx, seed, norm, ru):
    d, r = dx.D["en"], dx.D["ru"]
    y = d["gold"]["main_role"].to_numpy()
    aids = d["gold"]["article_id"].to_numpy()
    sides = [c["side"] for c in d["cues"]]
    F = d["feats"]
    ruF, ruy = dx.ru_feats, dx.ru_y
    ru_aids = r["gold"]["article_id"].to_numpy()
    ru_sides = [c["side"] for c in r["cues"]]

    def fit(X, Y):
        return fit_linear(X, Y, C=1.0, class_weight="balanced", min_count=2, seed=0)

    P2 = np.zeros((len(y), 3))
    for tr, te in grouped_folds(aids, 5, seed):
        if ru:  # one inner CV over all training rows (en + ru), as the library trains
            X = [F[j] for j in tr] + ruF
            Y = list(y[tr]) + ruy
            G = np.concatenate([aids[tr], ru_aids])
            S = [sides[j] for j in tr] + ru_sides
            Pin = np.zeros((len(X), 3))
            for itr, ite in grouped_folds(G, 5, seed + 11):
                m = fit([X[i] for i in itr], [Y[i] for i in itr])
                Pin[ite] = r6.probs_of(m, [X[i] for i in ite])
            ex_tr = lean_feature(Pin, S, G, norm)
            X2 = [{**x, **e} for x, e in zip(X, ex_tr)]
        else:
            Ptr = np.zeros((len(tr), 3))
            for itr, ite in grouped_folds(aids[tr], 5, seed + 11):
                m = fit([F[j] for j in tr[itr]] + ruF, list(y[tr[itr]]) + ruy)
                Ptr[ite] = r6.probs_of(m, [F[j] for j in tr[ite]])
            ex_tr = lean_feature(Ptr, [sides[j] for j in tr], aids[tr], norm)
            X2 = [{**F[j], **e} for j, e in zip(tr, ex_tr)] + ruF
            Y = list(y[tr]) + ruy
        m1 = fit([F[j] for j in tr] + ruF, list(y[tr]) + ruy)
        ex_te = lean_feature(r6.probs_of(m1, [F[j] for j in te]), [sides[j] for j in te], aids[te], norm)
        m2 = fit(X2, Y)
        P2[te] = r6.probs_of(m2, [{**F[j], **e} for j, e in zip(te, ex_te)])
    return r6._scores(y, r6.decide(P2))


def library(dx, seed, collective, inner_folds=4, *, F=None, decision="argmax"):
    """Main accuracy / macro-F1 of ``python -m analysis.evaluate roles EN --cv 5 --seed S [--collective yes|no]``
    (the same folds, :func:`analysis.roles.train_role_model` and :meth:`RoleModel.main_proba` as the command;
    features computed once). ``F``: other English feature rows (round 8); ``decision``: the main-role decision."""
    d, r = dx.D["en"], dx.D["ru"]
    g, rg = d["gold"], r["gold"]
    y = g["main_role"].to_numpy()
    aids = g["article_id"].to_numpy()
    F, ruF = d["feats"] if F is None else F, r["feats"]
    P = np.zeros((len(y), 3))
    for tr, te in grouped_folds(aids, 5, seed):
        m = R.train_role_model([F[j] for j in tr] + ruF, list(y[tr]) + rg["main_role"].tolist(),
                               g["fine_roles"].iloc[tr].tolist() + rg["fine_roles"].tolist(), lang="en", seed=seed,
                               groups=list(aids[tr]) + rg["article_id"].tolist(), C=1.0, collective=collective,
                               inner_folds=inner_folds, decision=decision)
        P[te] = m.main_proba([F[j] for j in te], list(aids[te]))
    return r6._scores(y, r6.decide(P))


def run(dx, name, seed):
    if name == "current":
        return r6.run_variant(dx, "current", seed)
    if name.startswith("lib_"):  # lib_off, lib_on, lib_on_k<inner folds>
        parts = name.split("_")
        return library(dx, seed, parts[1] == "on", int(parts[2][1:]) if len(parts) > 2 else 4)
    parts = name.split("_")
    return collective(dx, seed, parts[1], ru=parts[-1] == "ru")


def arguments_and_data(argv, doc, default_variant):
    """(parsed ``--seed/--variants/--root``, round 6's :class:`Data`), or (args, None) when the folders are absent."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, nargs="+", default=[0])
    ap.add_argument("--variants", nargs="+", default=[default_variant])
    ap.add_argument("--root", default=None)
    args = ap.parse_args(argv)
    root = r6._semeval_root(args.root)
    if root is None:
        return args, None
    dx = r6.Data(root)
    dx.root = root
    return args, dx


def main(argv=None) -> int:
    args, dx = arguments_and_data(argv, __doc__, "current")
    if dx is None:
        return 0
    for name in args.variants:
        print_runs(name, args.seed, lambda s, name=name: run(dx, name, s))
    return 0


def print_runs(name, seeds, run_seed):
    """``run_seed(seed)`` for each seed, each result on stderr as it comes, then one line: all and their mean."""
    res = []
    for s in seeds:
        res.append(run_seed(s))
        print(f"  {name} seed {s}: {res[-1]}", file=sys.stderr, flush=True)
    tail = f" mean {tuple(np.round(np.mean(res, 0), 4).tolist())}" if len(res) > 1 else ""
    print(name, *res, tail, flush=True)


if __name__ == "__main__":
    sys.exit(main())
