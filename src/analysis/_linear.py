"""Sparse linear classifiers stored as JSON and scored with numpy.

Shared by :mod:`analysis.roles` and :mod:`analysis.narratives`. Training uses
scikit-learn (``LogisticRegression``); the fitted coefficients are kept as a
feature-name -> row mapping so that a saved model is plain JSON (never a
pickle) and scoring needs only numpy: each example is a ``{feature: value}``
dict, the model looks its features up in the vocabulary and sums rows.

Two kinds:

``softmax``  one multinomial model over mutually exclusive classes
             (:meth:`SparseLinear.proba` rows sum to 1);
``ovr``      one binary model per label (multi-label; each column is an
             independent probability).

>>> m = fit_linear([{"a": 1.0}, {"b": 1.0}] * 5, ["x", "y"] * 5, C=10.0)
>>> m.predict([{"a": 1.0}, {"b": 1.0}])
['x', 'y']
>>> SparseLinear.from_dict(m.to_dict()).predict([{"b": 1.0}])
['y']
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path

import numpy as np

__all__ = ["SparseLinear", "coordinate_ascent", "expand_blocks", "fit_linear"]


@dataclass
class SparseLinear:
    classes: list[str]
    vocab: dict[str, int]
    coef: np.ndarray  #: (n_features, n_classes)
    intercept: np.ndarray  #: (n_classes,)
    kind: str = "softmax"
    meta: dict = field(default_factory=dict)

    def decision(self, feats: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Linear scores, shape (len(feats), n_classes).

        A feature whose value is a 1-d numpy array is a dense block: ``{"v": array([a, b])}``
        means ``{"v0": a, "v1": b}`` (see :func:`expand_blocks`), scored with one matrix product."""
        rows, idx, vals = [], [], []
        get = self.vocab.get
        dense = []
        for r, f in enumerate(feats):
            # speed only (the same entries in the same order as a loop over f.items()): the vocabulary rows
            # looked up in one map, the dense blocks sought only in a dict that holds an array
            values = list(f.values())
            js = list(map(get, f))
            arrays = {t for t in set(map(type, values)) if issubclass(t, np.ndarray)}
            if arrays:
                dense.extend((r, name, v) for name, v in f.items() if type(v) in arrays)
                keep = [j is not None and type(v) not in arrays for j, v in zip(js, values)]
            else:
                keep = [j is not None for j in js]
            n = len(idx)
            idx.extend(compress(js, keep))
            vals.extend(compress(values, keep))
            rows.extend([r] * (len(idx) - n))
        z = np.tile(self.intercept, (len(feats), 1))
        for r, name, value in dense:
            cols, rows_in = self._block(name, len(value))
            if len(cols):
                z[r] += value[rows_in] @ self.coef[cols]
        if rows:
            from scipy.sparse import csr_matrix

            X = csr_matrix((np.asarray(vals, dtype=float), (np.asarray(rows), np.asarray(idx))),
                           shape=(len(feats), self.coef.shape[0]))
            z += X @ self.coef
        return z

    def proba(self, feats: Sequence[Mapping[str, float]], offset: np.ndarray | None = None) -> np.ndarray:
        """Class probabilities; ``offset`` (n, n_classes), when given, is added to the linear scores first."""
        z = self.decision(feats)
        if offset is not None:
            z += offset
        if self.kind == "ovr":
            return 1.0 / (1.0 + np.exp(-z))
        if z.shape[1] == 1:  # binary softmax stored as one column (sklearn convention)
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1 - p, p])
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, feats: Sequence[Mapping[str, float]]) -> list[str]:
        p = self.proba(feats)
        return [self.classes[i] for i in p.argmax(axis=1)]

    def _block(self, name: str, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Vocabulary rows of the dense block ``name`` (features ``name0`` ... ``name<size-1>``) and the
        positions in the block they belong to (features without a stored weight are left out); cached."""
        cache = self.__dict__.setdefault("_blocks", {})
        key = (name, size)
        if key not in cache:
            pairs = [(self.vocab[f"{name}{j}"], j) for j in range(size) if f"{name}{j}" in self.vocab]
            cache[key] = (np.array([p[0] for p in pairs], dtype=int), np.array([p[1] for p in pairs], dtype=int))
        return cache[key]

    def contributions(self, feats: Mapping[str, float], column: int) -> dict[str, float]:
        """Per-feature contribution (weight x value) to one class column."""
        out = {}
        for name, value in expand_blocks(feats).items():
            j = self.vocab.get(name)
            if j is not None:
                out[name] = float(self.coef[j, column] * value)
        return out

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict:
        names = sorted(self.vocab, key=self.vocab.get)
        return {"kind": self.kind, "classes": list(self.classes), "intercept": [round(float(x), 6) for x in self.intercept],
                "weights": {n: [round(float(x), 6) for x in self.coef[self.vocab[n]]] for n in names},
                "meta": self.meta}

    @classmethod
    def from_dict(cls, payload: Mapping) -> SparseLinear:
        names = list(payload["weights"])
        k = len(payload["intercept"])
        coef = np.array([payload["weights"][n] for n in names], dtype=float).reshape(len(names), k)
        return cls(classes=list(payload["classes"]), vocab={n: i for i, n in enumerate(names)}, coef=coef,
                   intercept=np.asarray(payload["intercept"], dtype=float), kind=payload.get("kind", "softmax"),
                   meta=dict(payload.get("meta", {})))


def fit_linear(feats: Sequence[Mapping[str, float]], y, *, kind: str = "softmax", classes: Sequence[str] | None = None,
               C: float = 1.0, class_weight=None, min_count: int = 1, seed: int = 0) -> SparseLinear:
    """Fit a logistic regression on feature dicts.

    ``kind="softmax"``: ``y`` is a sequence of class labels. ``kind="ovr"``:
    ``y`` is a 0/1 matrix (n, len(classes)); a label that never (or always)
    occurs gets a constant model. Features seen in fewer than ``min_count``
    examples are dropped; zero weights are not stored.
    """
    from threadpoolctl import threadpool_limits

    # one BLAS/OpenMP thread: these fits are tiny, and on a shared machine a multi-threaded lbfgs spins
    # (measured: 393 x 10k features, 12.9 s with default threads under load 12 vs 0.48 s with one)
    with threadpool_limits(limits=1):
        return _fit_linear(feats, y, kind=kind, classes=classes, C=C, class_weight=class_weight,
                           min_count=min_count, seed=seed)


def expand_blocks(f: Mapping[str, float]) -> Mapping[str, float]:
    """Dense blocks (1-d numpy array values) spelled out as one feature per component.

    >>> expand_blocks({"a": 1.0, "v": np.array([0.5, -0.5])})
    {'a': 1.0, 'v0': 0.5, 'v1': -0.5}
    """
    if not any(isinstance(v, np.ndarray) for v in f.values()):
        return f
    out: dict[str, float] = {}
    for name, value in f.items():
        if isinstance(value, np.ndarray):
            out.update({f"{name}{j}": float(x) for j, x in enumerate(value)})
        else:
            out[name] = value
    return out


def _fit_linear(feats, y, *, kind, classes, C, class_weight, min_count, seed) -> SparseLinear:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [expand_blocks(f) for f in feats]
    counts: dict[str, int] = {}
    for f in feats:
        for name in f:
            counts[name] = counts.get(name, 0) + 1
    keep = {n for n, c in counts.items() if c >= min_count}
    vec = DictVectorizer()
    X = vec.fit_transform([{n: v for n, v in f.items() if n in keep} for f in feats]).tocsr()
    X.indices = X.indices.astype(np.int32)  # liblinear wants 32-bit indices
    X.indptr = X.indptr.astype(np.int32)
    names = list(vec.get_feature_names_out())
    if kind == "softmax":
        y = np.asarray(list(y))
        clf = LogisticRegression(C=C, max_iter=3000, class_weight=class_weight, random_state=seed)
        clf.fit(X, y)
        coef, intercept, labels = clf.coef_.T, clf.intercept_, [str(c) for c in clf.classes_]
        if coef.shape[1] == 1:  # binary: expand to two columns (-w, +w) / 2 so softmax is exact
            coef = np.column_stack([-coef[:, 0] / 2, coef[:, 0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    elif kind == "ovr":
        Y = np.asarray(y, dtype=int)
        labels = list(classes) if classes is not None else [str(i) for i in range(Y.shape[1])]
        coef = np.zeros((X.shape[1], Y.shape[1]))
        intercept = np.zeros(Y.shape[1])
        for j in range(Y.shape[1]):
            pos = Y[:, j].sum()
            if pos == 0 or pos == len(Y):
                rate = (pos + 0.5) / (len(Y) + 1.0)
                intercept[j] = np.log(rate / (1 - rate))
                continue
            clf = LogisticRegression(C=C, max_iter=3000, class_weight=class_weight, random_state=seed,
                                     solver="liblinear")
            clf.fit(X, Y[:, j])
            coef[:, j] = clf.coef_[0]
            intercept[j] = clf.intercept_[0]
    else:
        raise ValueError(f"kind must be 'softmax' or 'ovr', got {kind!r}")
    nz = np.flatnonzero(np.abs(coef).max(axis=1) > 1e-6)
    vocab = {names[i]: k for k, i in enumerate(nz)}
    return SparseLinear(classes=labels, vocab=vocab, coef=np.asarray(coef[nz], dtype=float),
                        intercept=np.asarray(intercept, dtype=float), kind=kind,
                        meta={"C": C, "n_train": len(feats), "features": len(vocab), "min_count": min_count,
                              "class_weight": class_weight if isinstance(class_weight, str) else None})


def coordinate_ascent(start: Mapping[str, float], grid: Sequence[float], score, *, passes: int = 2) -> dict[str, float]:
    """Per-label thresholds by coordinate ascent: each label in turn (in ``start``'s order) takes the
    value of ``grid`` that raises ``score(thresholds)`` most strictly; ties keep the current value;
    stops after ``passes`` sweeps or a sweep without change.

    >>> coordinate_ascent({"a": 0.5, "b": 0.5}, [0.2, 0.5, 0.8], lambda t: -abs(t["a"] - 0.8) - abs(t["b"] - 0.2))
    {'a': 0.8, 'b': 0.2}
    """
    t = dict(start)
    cur = score(t)
    for _ in range(passes):
        changed = False
        for name in list(t):
            for value in grid:
                if value == t[name]:
                    continue
                trial = {**t, name: value}
                s = score(trial)
                if s > cur:
                    t, cur, changed = trial, s, True
        if not changed:
            break
    return t


def save_json(payload: Mapping, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path
