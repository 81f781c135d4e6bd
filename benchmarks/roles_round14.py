"""Round-14 experiments of issue 11 (figures in data/lexicons/README-roles.md, "Round 14"): English entity roles -
a non-linear learner over the features the model already has, stacked on the linear model's cross-fitted scores.

    PYTHONPATH=src python benchmarks/roles_round14.py [--seed S ...] --variants NAME ...

The folds are those of ``python -m analysis.evaluate roles EN --cv 5 --seed S`` (grouped by article; training rows:
the English training folds plus every Russian row, as the library's joint model). In each outer fold the library's
collective model is rebuilt step by step (:func:`analysis.roles.train_role_model` with ``C=1``, ``collective=True``:
stage 1; out-of-fold stage-1 probabilities of the training rows from its inner 4-fold CV grouped by article, seed
S + 1; stage 2 over the features plus the lean of the article's other mentions), then the Antagonist offset
(:data:`analysis.evaluation.roles.ANTAGONIST_OFFSET`) before the argmax: ``base``, the library's figures.

The non-linear learners read, per mention, a small dense table (:func:`stack_table`): the stage-1 linear model's
log-probabilities - cross-fitted for the training rows (the inner CV's out-of-fold ones, the very ones the
library's stage 2 is trained on), the full stage-1 model's for the test rows -, the lean of the article's other
mentions (``coll``, from the same probabilities) and that lean crossed with the mention's side, and the dense cues
of the feature dicts: every feature that is not a word / n-gram / word-vector feature (side, stance and its bins,
side x stance, target sentiment, cast cues, quote features, harm agent / patient, fine-role cue counts, narrative
cues x side, position, counts ...) and occurs in at least 10 training rows; plus ``is_en``. Hyper-parameters were
fixed before any run (393 English mentions: small, strongly regularised models), none tuned on these folds:

* ``stage1``: the library's stage-1 linear model alone (no collective stage), for reference;
* ``hgb``: ``HistGradientBoostingClassifier(max_depth=2, learning_rate=0.05, max_iter=150, min_samples_leaf=20,
  l2_regularization=1.0, class_weight="balanced")``; ``hgb3``: the same with depth 3;
* ``gb``: ``GradientBoostingClassifier(max_depth=2, learning_rate=0.05, n_estimators=150, subsample=0.8,
  min_samples_leaf=10)`` with balanced sample weights;
* ``gbr``: residual boosting from the linear model: ``GradientBoostingClassifier`` as ``gb`` but 50 trees whose
  starting point (``init``, :class:`LinearInit`) is the stage-1 linear probabilities, so the trees only correct
  them; balanced sample weights, as ``gb`` (the linear model is fitted balanced too);
* ``mlp``: standardised inputs, ``MLPClassifier(hidden_layer_sizes=(16,), alpha=1.0, max_iter=2000)``, balanced
  by repeating rows (sklearn's MLP has no class weights);
* ``et`` / ``rf``: ``ExtraTreesClassifier`` / ``RandomForestClassifier(n_estimators=300, max_depth=4,
  min_samples_leaf=5, max_features="sqrt", class_weight="balanced")``;
* ``<learner>2`` (``gbr2``, ``lr2`` ...): the same learner over a table whose log-probability columns are the
  library's collective (stage-2) probabilities - for the test rows the library's own, for the training rows
  out-of-fold ones from the whole collective model refitted in each fold of the same inner CV (24 more fits per
  outer fold) - so that ``gbr2`` boosts the residuals of the library itself;
* ``lr``: the linear control on the same table (``LogisticRegression(C=1, class_weight="balanced")``, standardised):
  what stacking alone, without non-linearity, does;

each then with the library's Antagonist offset (+0.25 on the log-probabilities) before the argmax. Suffixes:
``@en`` trains the learner on the English training rows only (default: English and Russian rows); ``+lib`` averages
the learner's log-probabilities with the library's (both honest for the test rows), then the offset; ``@nooff``
leaves the offset out; ``@nobal``: no class balancing (no class / sample weights, no repeated rows); ``@lp``: the
table's log-probabilities and lean columns only; ``@nonar``: without the narrative-cue x side columns. Random states are fixed (0). Prints main accuracy / macro-F1 per seed and their mean.

Writes nothing.
"""

from __future__ import annotations

import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import roles_round6 as r6  # noqa: E402
import roles_round7 as r7  # noqa: E402

from analysis import roles as R  # noqa: E402
from analysis._linear import fit_linear  # noqa: E402
from analysis.evaluation.roles import ANTAGONIST_OFFSET, grouped_folds  # noqa: E402

#: feature-name prefixes of the sparse word / n-gram / word-vector features (everything else is a dense cue)
WORD_PREFIXES = ("M:", "C:", "WL:", "WR:", "P:", "LM:", "L1:", "L2:", "R1:", "R2:", "S:", "E:")
MIN_ROWS = 10
OFFSET = np.array([0.0, ANTAGONIST_OFFSET, 0.0])


def _dense(f):
    return {k: v for k, v in f.items() if not k.startswith(WORD_PREFIXES) and not isinstance(v, np.ndarray)
            and k != "bias"}


def stack_table(dense_tr, dense_te, P_tr, P_te, coll_tr, coll_te, lang_tr, lang_te):
    """(X_train, X_test, column names): log-probabilities, lean, lean x side and the dense cues (see the module
    docstring); the cue columns are those present in at least :data:`MIN_ROWS` training rows."""
    counts: dict = {}
    for f in dense_tr:
        for k in f:
            counts[k] = counts.get(k, 0) + 1
    cues = sorted(k for k, c in counts.items() if c >= MIN_ROWS)
    sides = sorted({k[5:] for k in cues if k.startswith("side:")})
    names = ["lp_P", "lp_A", "lp_I", "coll", *[f"coll_x:{s}" for s in sides], "is_en", *cues]

    def table(dense, P, coll, lang):
        X = np.zeros((len(dense), len(names)))
        X[:, :3] = np.log(np.clip(P, 1e-6, None))
        for i, (f, (side, lean), lg) in enumerate(zip(dense, coll, lang)):
            X[i, 3] = lean
            if side in sides:
                X[i, 4 + sides.index(side)] = lean
            X[i, 4 + len(sides)] = float(lg == "en")
            X[i, 5 + len(sides):] = [f.get(k, 0.0) for k in cues]
        return X

    return table(dense_tr, P_tr, coll_tr, lang_tr), table(dense_te, P_te, coll_te, lang_te), names


def _lean(feats, P, aids):
    sides, lean = R._other_lean(feats, P, aids)
    return list(zip(sides, lean.tolist()))


def _collective_fit(X, Y, G, seed):
    """The library's collective main-role model (stage 1, its inner grouped CV, stage 2) on rows X."""
    def fit(rows, labels):
        return fit_linear(rows, labels, C=1.0, class_weight="balanced", min_count=2, seed=seed)

    m1 = fit(X, Y)
    Pin = np.zeros((len(Y), 3))
    for itr, ite in grouped_folds(np.asarray(G), 4, seed + 1):
        Pin[ite] = R._main_columns(fit([X[i] for i in itr], [Y[i] for i in itr]), [X[i] for i in ite])
    return m1, Pin, fit(R.collective_features(X, Pin, G), Y)


def _stage2_oof(X, Y, G, seed):
    """Out-of-fold stage-2 (collective) probabilities of the training rows: the library's whole collective model
    refitted in each fold of the same inner grouped CV (4 folds, seed + 1)."""
    P = np.zeros((len(Y), 3))
    for itr, ite in grouped_folds(np.asarray(G), 4, seed + 1):
        m1, _, m2 = _collective_fit([X[i] for i in itr], [Y[i] for i in itr], [G[i] for i in itr], seed)
        Xte, Gte = [X[i] for i in ite], [G[i] for i in ite]
        P[ite] = R._main_columns(m2, R.collective_features(Xte, R._main_columns(m1, Xte), Gte))
    return P


def fold_inputs(dx, seed, *, deep=False):
    """Per outer fold: the library's test probabilities (before the offset), the stacking tables, the labels;
    ``deep``: also the tables whose log-probability columns are the collective stage's (``Xtr2`` / ``Xte2``)."""
    d, r = dx.D["en"], dx.D["ru"]
    g, rg = d["gold"], r["gold"]
    y = g["main_role"].to_numpy()
    aids = g["article_id"].to_numpy()
    enF = [R.strip_embeddings(f) for f in d["feats"]]
    ruF = [R.strip_embeddings(f) for f in r["feats"]]
    out = []
    for tr, te in grouped_folds(aids, 5, seed):
        X = [enF[j] for j in tr] + ruF
        Y = list(y[tr]) + rg["main_role"].tolist()
        G = list(aids[tr]) + rg["article_id"].tolist()
        lang = ["en"] * len(tr) + ["ru"] * len(ruF)

        m1, Pin, m2 = _collective_fit(X, Y, G, seed)
        Xte = [enF[j] for j in te]
        P1te = R._main_columns(m1, Xte)
        Plib = R._main_columns(m2, R.collective_features(Xte, P1te, list(aids[te])))
        Xs_tr, Xs_te, names = stack_table([_dense(f) for f in X], [_dense(f) for f in Xte], Pin, P1te,
                                          _lean(X, Pin, G), _lean(Xte, P1te, list(aids[te])), lang, ["en"] * len(te))
        fd = {"te": te, "Plib": Plib, "Xtr": Xs_tr, "Xte": Xs_te, "ytr": np.array(Y), "lang": np.array(lang),
              "names": names}
        if deep:
            fd["Xtr2"], fd["Xte2"] = Xs_tr.copy(), Xs_te.copy()
            fd["Xtr2"][:, :3] = np.log(np.clip(_stage2_oof(X, Y, G, seed), 1e-6, None))
            fd["Xte2"][:, :3] = np.log(np.clip(Plib, 1e-6, None))
        out.append(fd)
    return out


def _balanced_weights(y):
    classes, counts = np.unique(y, return_counts=True)
    w = {c: len(y) / (len(classes) * n) for c, n in zip(classes, counts)}
    return np.array([w[v] for v in y])


class LinearInit:
    """``GradientBoostingClassifier``'s ``init``: the stage-1 linear probabilities held in the table's first three
    columns (``lp_*``, :data:`analysis.roles.MAIN_ROLES` order), so that the trees fit the linear model's residuals."""

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.unique(y)  # the booster passes the labels encoded 0..2 in sorted name order
        return self

    def predict_proba(self, X):
        P = np.exp(np.asarray(X)[:, :3])
        P = P / P.sum(1, keepdims=True)
        return P[:, [list(R.MAIN_ROLES).index(sorted(R.MAIN_ROLES)[int(c)]) for c in self.classes_]]


def learner(kind, balanced=True):
    from sklearn.ensemble import (
        ExtraTreesClassifier,
        GradientBoostingClassifier,
        HistGradientBoostingClassifier,
        RandomForestClassifier,
    )
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    cw = "balanced" if balanced else None
    if kind in ("hgb", "hgb3"):
        return HistGradientBoostingClassifier(max_depth=2 if kind == "hgb" else 3, learning_rate=0.05, max_iter=150,
                                              min_samples_leaf=20, l2_regularization=1.0, class_weight=cw,
                                              early_stopping=False, random_state=0)
    if kind == "gb":
        return GradientBoostingClassifier(max_depth=2, learning_rate=0.05, n_estimators=150, subsample=0.8,
                                          min_samples_leaf=10, random_state=0)
    if kind == "gbr":
        return GradientBoostingClassifier(init=LinearInit(), max_depth=2, learning_rate=0.05, n_estimators=50,
                                          subsample=0.8, min_samples_leaf=10, random_state=0)
    if kind == "mlp":
        return make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(16,), alpha=1.0, max_iter=2000,
                                                             random_state=0))
    if kind in ("et", "rf"):
        cls = ExtraTreesClassifier if kind == "et" else RandomForestClassifier
        return cls(n_estimators=300, max_depth=4, min_samples_leaf=5, max_features="sqrt", class_weight=cw,
                   random_state=0, n_jobs=1)
    if kind == "lr":
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, class_weight=cw, max_iter=5000))
    raise SystemExit(f"unknown learner {kind}")


def fit_predict(kind, Xtr, ytr, Xte, *, balanced=True):
    """The learner's test probabilities in :data:`analysis.roles.MAIN_ROLES` order."""
    from threadpoolctl import threadpool_limits

    model = learner(kind, balanced)
    with threadpool_limits(limits=1):
        if not balanced:
            model.fit(Xtr, ytr)
        elif kind in ("gb", "gbr"):
            model.fit(Xtr, ytr, sample_weight=_balanced_weights(ytr))
        elif kind == "mlp":  # balance by repeating rows: round(max count / count) copies of each class's rows
            classes, counts = np.unique(ytr, return_counts=True)
            rep = {c: int(round(counts.max() / n)) for c, n in zip(classes, counts)}
            idx = np.concatenate([np.repeat(np.flatnonzero(ytr == c), rep[c]) for c in classes])
            model.fit(Xtr[idx], ytr[idx])
        else:
            model.fit(Xtr, ytr)
        p = model.predict_proba(Xte)
    classes = list(model.classes_)
    return np.column_stack([p[:, classes.index(c)] if c in classes else np.zeros(len(p)) for c in R.MAIN_ROLES])


def _post(P, add):
    z = np.log(np.clip(P, 1e-12, None)) + add
    z -= z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def _columns(names, opts):
    """Column indices of the table a variant reads: all, or (``@lp``) the log-probabilities and the lean only."""
    if "lp" in opts:
        return [i for i, n in enumerate(names) if n.startswith(("lp_", "coll"))]
    if "nonar" in opts:
        return [i for i, n in enumerate(names) if not n.startswith("nar_x_side:")]
    return list(range(len(names)))


def _is_deep(name):
    kind = name.split("@")[0].removesuffix("+lib")
    return kind.endswith("2") and kind != "hgb2"


def run(dx, name, folds):
    y = dx.D["en"]["gold"]["main_role"].to_numpy()
    parts = name.split("@")
    head, opts = parts[0], set(parts[1:])
    if opts - {"en", "nooff", "nobal", "lp", "nonar"}:
        raise SystemExit(f"unknown option in {name} (options: @en @nooff @nobal @lp @nonar; ``+lib`` before them)")
    blend = head.endswith("+lib")
    kind = head[:-4] if blend else head
    deep = _is_deep(name)
    kind = kind[:-1] if deep else kind
    P = np.zeros((len(y), 3))
    for fd in folds:
        if kind == "base":
            Q = fd["Plib"]
        elif kind == "stage1":
            Q = np.exp(fd["Xte"][:, :3])
        else:
            keep = fd["lang"] == "en" if "en" in opts else np.ones(len(fd["ytr"]), dtype=bool)
            cols = _columns(fd["names"], opts)
            Xtr, Xte = (fd["Xtr2"], fd["Xte2"]) if deep else (fd["Xtr"], fd["Xte"])
            Q = fit_predict(kind, Xtr[keep][:, cols], fd["ytr"][keep], Xte[:, cols],
                            balanced="nobal" not in opts)
            if blend:
                Q = _post(np.sqrt(np.clip(Q, 1e-12, None) * np.clip(fd["Plib"], 1e-12, None)), 0.0)
        P[fd["te"]] = Q
    return r6._scores(y, r6.decide(_post(P, 0.0 if "nooff" in opts else OFFSET)))


def main(argv=None) -> int:
    args, dx = r7.arguments_and_data(list(sys.argv[1:] if argv is None else argv), __doc__, "base")
    if dx is None:
        return 0
    res: dict = {n: [] for n in args.variants}
    for seed in args.seed:
        folds = fold_inputs(dx, seed, deep=any(_is_deep(n) for n in args.variants))
        for name in args.variants:
            res[name].append(run(dx, name, folds))
            print(f"seed {seed} {name} {res[name][-1]}", flush=True)
    for name, v in res.items():
        print(name, *v, f" mean {tuple(np.round(np.mean(v, 0), 4).tolist())}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
