"""News frames: the 14 Media Frames Corpus dimensions and five generic frames.

(a) **MFC / SemEval-2023 frames.** The 14 framing dimensions of the Media
Frames Corpus (Card et al. 2015; codebook Boydstun et al. 2014) as used by
SemEval-2023 Task 3 subtask 2 (Piskorski et al. 2023), predicted multi-label
per article. Two methods:

* ``method="lexicon"`` (default, training-free): hand-written indicator
  patterns per frame (``data/lexicons/frames_mfc.yml``); the score is the
  number of matches divided by ``(n_words / 1000) ** a`` with ``a`` = the
  lexicon's ``scoring.length_exponent`` (0.5 shipped; 1 = plain density per
  1,000 words) and a frame is predicted when the score reaches its threshold.
  ``a = 0.5`` is a pivoted length normalisation (Singhal, Buckley & Mitra
  1996): a long article mentions a frame more often *and* is more likely to
  carry it, so dividing by its full length under-rates it. Shipped thresholds were chosen by cross-validation
  (see the lexicon header), not fitted to all labelled data at once.
* ``method="model"``: a one-vs-rest logistic regression on tf-idf word n-grams
  plus the lexicon densities, trained with :func:`train_frame_model` on
  SemEval-format data; per-frame decision thresholds are chosen by inner
  cross-validation. Weights are stored as JSON (:func:`save_frame_model`),
  never pickled.

(b) **Generic frames.** Semetko & Valkenburg (2000) score five frames -
conflict, human interest, attribution of responsibility, morality, economic
consequences - as the mean of yes/no codebook items; :func:`generic_frames`
answers each item from an indicator lexicon (``generic_frames.yml``).

Example
-------
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["a"], "text": [
...     "The court ruled the law illegal. Prosecutors charged the suspect with war crimes."]})
>>> f = frames(arts)
>>> "Legality_Constitutionality_and_jurisprudence" in set(f.query("predicted")["frame"])
True
>>> g = generic_frames(arts)
>>> sorted(g.columns)[:3]
['article_id', 'attribution_of_responsibility', 'conflict']
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.framing._lexicon import at_least, count_matrix, resolve, word_count

__all__ = [
    "MFC_FRAMES", "GENERIC_FRAMES", "read_semeval_frames", "frame_density", "frame_scores", "frames", "frames_wide",
    "train_frame_model", "predict_frame_model", "save_frame_model", "load_frame_model",
    "tune_lexicon_thresholds", "joint_thresholds", "generic_frames", "multilabel_scores",
]

#: SemEval-2023 Task 3 subtask 2 label strings, in the task's order.
MFC_FRAMES = (
    "Economic", "Capacity_and_resources", "Morality", "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence", "Policy_prescription_and_evaluation",
    "Crime_and_punishment", "Security_and_defense", "Health_and_safety", "Quality_of_life",
    "Cultural_identity", "Public_opinion", "Political", "External_regulation_and_reputation",
)
GENERIC_FRAMES = ("conflict", "human_interest", "attribution_of_responsibility", "morality", "economic_consequences")

#: fallback threshold (matches per 1,000 tokens) for frames the lexicon file leaves untuned
DEFAULT_THRESHOLD = 5.0


# --------------------------------------------------------------------------- data
def read_semeval_frames(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a SemEval-2023 Task 3 subtask-2 folder.

    Layout: ``articles/article<ID>.txt`` (title on line 1) and ``labels.tsv``
    (``ID<TAB>Frame,Frame,...``; missing when unlabelled).

    Returns
    -------
    (articles, labels): articles DataFrame[article_id, title, text] (text = the
    whole file, title included) and labels DataFrame[article_id, frame] (long,
    one row per gold frame; empty if no labels.tsv).
    """
    folder = Path(folder)
    art_dir = folder / "articles" if (folder / "articles").is_dir() else folder
    rows = []
    for path in sorted(art_dir.glob("article*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        aid = path.stem.removeprefix("article")
        rows.append({"article_id": aid, "title": text.split("\n", 1)[0].strip(), "text": text})
    articles = pd.DataFrame(rows, columns=["article_id", "title", "text"])
    labels = []
    tsv = folder / "labels.tsv"
    if tsv.exists():
        for line in tsv.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            aid, _, frames_ = line.partition("\t")
            for f in frames_.split(","):
                if f.strip():
                    labels.append({"article_id": aid.strip(), "frame": f.strip()})
    return articles, pd.DataFrame(labels, columns=["article_id", "frame"])


def _label_matrix(ids: Sequence, labels: pd.DataFrame, names: Sequence[str] = MFC_FRAMES) -> np.ndarray:
    index = {a: i for i, a in enumerate(ids)}
    col = {f: j for j, f in enumerate(names)}
    y = np.zeros((len(ids), len(names)), dtype=int)
    for aid, f in zip(labels["article_id"].astype(str), labels["frame"]):
        if aid in index and f in col:
            y[index[aid], col[f]] = 1
    return y


# --------------------------------------------------------------------------- lexicon method
def _mfc_lexicon(lexicon):
    return resolve(lexicon, "frames_mfc.yml")


def frame_density(articles: pd.DataFrame, *, lexicon=None, length_exponent: float = 1.0,
                  n_words=None) -> pd.DataFrame:
    """Lexicon density of each MFC frame per article.

    Returns a wide DataFrame[article_id, n_words, <frame>...] where each frame
    column holds indicator matches per 1,000 words (``length_exponent=1``, the
    default), or more generally ``matches / (n_words / 1000) ** length_exponent``
    (0.5: pivoted length normalisation, the score :func:`frames` uses; equal to
    the density for a 1,000-word article). ``n_words``, optional: the articles'
    :func:`analysis.text.word_counts` when the caller has them already.

    >>> import pandas as pd
    >>> a = pd.DataFrame({"article_id": [1], "text": ["The court ruled. " * 250]})  # 750 words
    >>> d = frame_density(a, length_exponent=0.5)
    >>> round(float(d.loc[0, "Legality_Constitutionality_and_jurisprudence"]), 1)  # 500 hits / 0.75 ** 0.5
    577.4
    """
    lex = _mfc_lexicon(lexicon)
    patterns = {f: tuple(spec.get("patterns", [])) for f, spec in (lex.get("frames") or {}).items()}
    columns = ["article_id", "n_words", *MFC_FRAMES]
    ids = articles["article_id"].tolist()
    if not ids:
        return pd.DataFrame({"article_id": articles["article_id"].iloc[:0].to_numpy(),
                             "n_words": np.zeros(0, dtype=np.int64),
                             **{f: np.zeros(0, dtype=float) for f in MFC_FRAMES}}, columns=columns)
    texts = [t if isinstance(t, str) else "" for t in articles["text"].tolist()]
    if n_words is None:
        n_words = np.array([word_count(t) for t in texts], dtype=np.int64)
    else:
        n_words = np.asarray(n_words, dtype=np.int64)
        if len(n_words) != len(texts):
            raise ValueError(f"n_words has {len(n_words)} values for {len(texts)} articles")
    hits = count_matrix(texts, [patterns.get(f, ()) for f in MFC_FRAMES])
    dens = hits / (np.maximum(n_words, 1)[:, None] / 1000.0) ** float(length_exponent)
    out = pd.DataFrame({"article_id": ids, "n_words": n_words}, columns=["article_id", "n_words"])
    return out.join(pd.DataFrame(dens, columns=list(MFC_FRAMES), index=out.index))


#: length exponent of the lexicon score when the lexicon file does not set ``scoring.length_exponent``
DEFAULT_LENGTH_EXPONENT = 1.0


def _length_exponent(lexicon) -> float:
    scoring = _mfc_lexicon(lexicon).get("scoring") or {}
    return float(scoring.get("length_exponent", DEFAULT_LENGTH_EXPONENT))


def frame_scores(articles: pd.DataFrame, *, lexicon=None, n_words=None) -> pd.DataFrame:
    """The lexicon method's score per article and frame (what :func:`frames` thresholds).

    :func:`frame_density` with the lexicon's ``scoring.length_exponent``
    (0.5 in the shipped ``frames_mfc.yml``). Same columns as :func:`frame_density`.
    """
    return frame_density(articles, lexicon=lexicon, length_exponent=_length_exponent(lexicon), n_words=n_words)


def _lexicon_thresholds(lexicon, thresholds: dict | None) -> dict[str, float]:
    stored = (_mfc_lexicon(lexicon).get("thresholds") or {})
    out = {f: float(stored.get(f, DEFAULT_THRESHOLD)) for f in MFC_FRAMES}
    out.update({k: float(v) for k, v in (thresholds or {}).items()})
    return out


def frames(articles: pd.DataFrame, *, method: str = "lexicon", model: dict | str | Path | None = None,
           thresholds: dict | None = None, lexicon=None, n_words=None) -> pd.DataFrame:
    """Multi-label MFC frame prediction per article (tidy, long).

    Parameters
    ----------
    articles : DataFrame[article_id, text].
    method : "lexicon" (default, training-free) or "model" (needs ``model``:
        a dict from :func:`train_frame_model` or a JSON path).
    thresholds : per-frame overrides of the decision thresholds.
    n_words : optional, the articles' :func:`analysis.text.word_counts` (lexicon method) when the
        caller has them already (the engine counts a chunk's words once for every rate).

    Returns
    -------
    DataFrame[article_id, frame, score, threshold, predicted] - 14 rows per
    article; ``score`` is the lexicon score (:func:`frame_scores`: matches /
    (words / 1,000) ** 0.5 with the shipped lexicon) or the model probability. Dtypes do not depend on the number of rows
    (``article_id`` keeps the input's dtype, ``frame`` is ``str``).
    """
    if method == "lexicon":
        dens = frame_scores(articles, lexicon=lexicon, n_words=n_words)
        thr = _lexicon_thresholds(lexicon, thresholds)
        scores = dens[list(MFC_FRAMES)].to_numpy(float)
        thr_vec = np.array([thr[f] for f in MFC_FRAMES])
    elif method == "model":
        if model is None:
            raise ValueError("method='model' needs model= (see train_frame_model / load_frame_model)")
        model = load_frame_model(model) if not isinstance(model, dict) else model
        scores = predict_frame_model(model, articles, lexicon=lexicon)
        thr_vec = np.array([model["thresholds"].get(f, 0.5) for f in MFC_FRAMES])
        if thresholds:
            thr_vec = np.array([thresholds.get(f, t) for f, t in zip(MFC_FRAMES, thr_vec)])
    elif method == "top5":
        raise ValueError("top5 is a baseline of the evaluation command, not a predictor")
    else:
        raise ValueError(f"unknown method {method!r}")
    ids = articles["article_id"].tolist()
    n = len(ids)
    out = pd.DataFrame({
        "article_id": pd.Series(np.repeat(np.array(ids, dtype=object), len(MFC_FRAMES)),
                                dtype=articles["article_id"].dtype),
        "frame": pd.Series(np.tile(np.array(MFC_FRAMES, dtype=object), n), dtype="str"),
        "score": scores.reshape(-1) if n else np.zeros(0),
        "threshold": np.tile(thr_vec, n),
    })
    out["predicted"] = out["score"] >= out["threshold"]
    return out


def frames_wide(long: pd.DataFrame, *, value: str = "predicted") -> pd.DataFrame:
    """Pivot :func:`frames` output to one row per article, one column per frame."""
    wide = long.pivot_table(index="article_id", columns="frame", values=value, aggfunc="first", sort=False)
    return wide.reindex(columns=list(MFC_FRAMES)).reset_index()


# --------------------------------------------------------------------------- scoring
def multilabel_scores(y_true: np.ndarray, y_pred: np.ndarray, names: Sequence[str] = MFC_FRAMES) -> dict:
    """Micro/macro F1 and per-label P/R/F1 for 0/1 matrices (macro over all labels,
    as the SemEval-2023 scorer's macro-F1), via ``sklearn.metrics.precision_recall_fscore_support``
    (``zero_division=0``).

    >>> s = multilabel_scores([[1, 0], [1, 1]], [[1, 0], [0, 1]], names=["a", "b"])
    >>> s["micro_f1"], s["macro_f1"], s["per_frame"]["a"]
    (0.8, 0.8333, {'precision': 1.0, 'recall': 0.5, 'f1': 0.6667, 'support': 2})
    """
    from sklearn.metrics import precision_recall_fscore_support

    y_true = np.asarray(y_true, dtype=bool).astype(int)
    y_pred = np.asarray(y_pred, dtype=bool).astype(int)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, average=None, zero_division=0)
    per = {name: {"precision": round(float(p[j]), 4), "recall": round(float(r[j]), 4), "f1": round(float(f[j]), 4),
                  "support": int(s[j])} for j, name in enumerate(names)}
    f1s = f[:len(names)]
    mp, mr, micro, _ = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)
    return {"n": int(len(y_true)), "micro_precision": round(float(mp), 4), "micro_recall": round(float(mr), 4),
            "micro_f1": round(float(micro), 4), "macro_f1": round(float(np.mean(f1s)), 4), "per_frame": per}


def _best_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """Threshold maximising F1 of ``scores >= t`` against 0/1 ``truth``; ties -> the
    midpoint between neighbouring scores (stable under small shifts)."""
    if truth.sum() == 0:
        return float(np.inf)
    cand = np.unique(scores)
    best_f, best_t = -1.0, float(cand[0])
    pos = truth.sum()
    for k, t in enumerate(cand):
        pred = scores >= t
        tp = (pred & (truth == 1)).sum()
        f = 2 * tp / (pred.sum() + pos) if pred.sum() + pos else 0.0
        if f > best_f + 1e-12:
            best_f = f
            best_t = float((t + cand[k - 1]) / 2) if k > 0 else float(t)
    return best_t


def _micro_f1(Y: np.ndarray, P: np.ndarray) -> float:
    tp = (Y & P).sum()
    d = Y.sum() + P.sum()
    return 2 * tp / d if d else 0.0


def _macro_f1(Y: np.ndarray, P: np.ndarray) -> float:
    tp = (Y & P).sum(0)
    d = Y.sum(0) + P.sum(0)
    return float(np.mean(np.where(d > 0, 2 * tp / np.where(d > 0, d, 1), 0.0)))


def joint_thresholds(scores: np.ndarray, truth: np.ndarray, *, grid: int = 20, sweeps: int = 3,
                     bounds: tuple[float, float] | None = None) -> np.ndarray:
    """Per-label thresholds maximising micro-F1 + macro-F1 together.

    Starts from each label's own F1-optimal threshold, then coordinate ascent
    (``sweeps`` passes) over each label's score quantiles. Optimising per-label
    F1 alone over-predicts rare labels (low precision) and costs micro-F1;
    the joint objective balances the two figures SemEval-2023 reports.
    """
    Y = np.asarray(truth, dtype=bool)
    S = np.asarray(scores, dtype=float)
    t = np.array([_best_threshold(S[:, j], Y[:, j].astype(int)) for j in range(S.shape[1])])
    if bounds:
        t = np.clip(t, *bounds)
    t = np.where(np.isfinite(t), t, np.nanmax(np.where(np.isfinite(S), S, 0)) + 1.0)
    qs = np.linspace(0.0, 1.0, grid + 1)
    grids = [np.unique(np.concatenate([np.quantile(S[:, j], qs), [t[j]]])) for j in range(S.shape[1])]
    if bounds:
        grids = [np.unique(np.clip(g, *bounds)) for g in grids]

    def objective(tt):
        P = S >= tt
        return _micro_f1(Y, P) + _macro_f1(Y, P)

    best = objective(t)
    for _ in range(sweeps):
        improved = False
        for j in range(S.shape[1]):
            for g in grids[j]:
                tt = t.copy()
                tt[j] = g
                val = objective(tt)
                if val > best + 1e-9:
                    best, t, improved = val, tt, True
        if not improved:
            break
    return t


def tune_lexicon_thresholds(articles: pd.DataFrame, labels: pd.DataFrame, *, folds: int = 5, seed: int = 0,
                            lexicon=None) -> dict[str, float]:
    """Per-frame lexicon thresholds by cross-validation.

    For each of ``folds`` splits, thresholds maximising micro- plus macro-F1
    (:func:`joint_thresholds`) are found on the training part; the returned
    value is the per-frame median over folds (robust to a single fold's
    quirks, and never the one in-sample optimum).
    """
    dens = frame_scores(articles, lexicon=lexicon)
    X = dens[list(MFC_FRAMES)].to_numpy(float)
    y = _label_matrix(dens["article_id"].astype(str).tolist(), labels)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X))
    parts = np.array_split(order, folds)
    picks = []
    for k in range(folds):
        train = np.concatenate([p for i, p in enumerate(parts) if i != k])
        picks.append(joint_thresholds(X[train], y[train]))
    med = np.median(np.vstack(picks), axis=0)
    return {f: round(float(med[j]), 3) for j, f in enumerate(MFC_FRAMES)}


# --------------------------------------------------------------------------- trainable model
_TOKEN_RE = re.compile(r"(?u)\b[a-zA-Z][a-zA-Z'\-]+\b")


def _analyzer(ngram: tuple[int, int], stop: frozenset[str]):
    lo, hi = ngram

    def analyze(text: str) -> list[str]:
        toks = [t.lower() for t in _TOKEN_RE.findall(text or "")]
        toks = [t for t in toks if t not in stop and len(t) > 2]
        feats = []
        for n in range(lo, hi + 1):
            feats.extend(" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1))
        return feats

    return analyze


def _tfidf(texts: Iterable[str], vocab: dict[str, int], idf: np.ndarray, analyzer):
    from scipy import sparse

    rows, cols, vals = [], [], []
    texts = list(texts)
    for i, text in enumerate(texts):
        counts: dict[int, int] = {}
        for feat in analyzer(text):
            j = vocab.get(feat)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            continue
        js = np.fromiter(counts.keys(), dtype=np.int64)
        v = (1.0 + np.log(np.fromiter(counts.values(), dtype=float))) * idf[js]
        v /= np.linalg.norm(v) or 1.0
        rows.extend([i] * len(js))
        cols.extend(js.tolist())
        vals.extend(v.tolist())
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)))


def _features(model: dict, articles: pd.DataFrame, lexicon=None):
    from scipy import sparse

    from analysis.text import stopwords

    analyzer = _analyzer(tuple(model["ngram"]), stopwords())
    X = _tfidf(articles["text"].fillna("").tolist(), model["vocabulary"], np.asarray(model["idf"]), analyzer)
    if model.get("lexicon_features"):
        dens = frame_density(articles, lexicon=lexicon)[list(MFC_FRAMES)].to_numpy(float)
        dens = np.log1p(dens) * model.get("lexicon_scale", 1.0)
        X = sparse.hstack([X, sparse.csr_matrix(dens)], format="csr")
    return X


def _fit_vocab(texts: list[str], *, ngram, min_df: int, max_features: int):
    from analysis.text import stopwords

    analyzer = _analyzer(tuple(ngram), stopwords())
    df: dict[str, int] = {}
    for text in texts:
        for feat in set(analyzer(text)):
            df[feat] = df.get(feat, 0) + 1
    n = len(texts)
    keep = [f for f, c in df.items() if c >= min_df and c <= 0.9 * n]
    keep.sort(key=lambda f: (-df[f], f))
    keep = sorted(keep[:max_features])
    vocab = {f: i for i, f in enumerate(keep)}
    idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in keep])
    return vocab, idf


def _fit_lr(X, Y, C: float):
    from sklearn.linear_model import LogisticRegression

    coefs, intercepts = [], []
    for j in range(Y.shape[1]):
        y = Y[:, j]
        if y.min() == y.max():  # constant label: predict its base rate
            coefs.append(np.zeros(X.shape[1]))
            intercepts.append(10.0 if y.max() else -10.0)
            continue
        clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, solver="liblinear")
        clf.fit(X, y)
        coefs.append(clf.coef_[0])
        intercepts.append(float(clf.intercept_[0]))
    return np.vstack(coefs), np.array(intercepts)


def _proba(X, coef, intercept):
    z = X @ coef.T + intercept
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def train_frame_model(articles: pd.DataFrame, labels: pd.DataFrame, *, C: float = 4.0, ngram=(1, 2),
                      min_df: int = 2, max_features: int = 20000, lexicon_features: bool = True,
                      inner_folds: int = 5, seed: int = 0, lexicon=None) -> dict:
    """Train the one-vs-rest logistic-regression frame model.

    Features: sublinear tf-idf of word uni/bigrams (stopwords removed) plus
    log(1 + lexicon density) of each frame. Per-frame decision thresholds are
    chosen on out-of-fold probabilities from ``inner_folds``-fold CV within
    the training data (:func:`joint_thresholds`: micro- plus macro-F1), so no
    threshold is fitted on its own predictions.

    Returns a JSON-serialisable dict (see :func:`save_frame_model`).
    """
    from sklearn.model_selection import KFold

    ids = articles["article_id"].astype(str).tolist()
    texts = articles["text"].fillna("").tolist()
    Y = _label_matrix(ids, labels)
    model = {"kind": "analysis.framing/ovr-logreg", "version": 1, "frames": list(MFC_FRAMES),
             "ngram": list(ngram), "lexicon_features": bool(lexicon_features), "lexicon_scale": 1.0, "C": C}

    def fit(idx):
        vocab, idf = _fit_vocab([texts[i] for i in idx], ngram=ngram, min_df=min_df, max_features=max_features)
        m = dict(model, vocabulary=vocab, idf=idf.tolist())
        X = _features(m, articles.iloc[idx], lexicon)
        coef, b = _fit_lr(X, Y[idx], C)
        m["coef"], m["intercept"] = coef, b
        return m

    oof = np.zeros(Y.shape, dtype=float)
    if inner_folds and inner_folds > 1 and len(ids) >= 2 * inner_folds:
        for tr, te in KFold(inner_folds, shuffle=True, random_state=seed).split(ids):
            m = fit(tr)
            oof[te] = _proba(_features(m, articles.iloc[te], lexicon), m["coef"], m["intercept"])
        t = joint_thresholds(oof, Y, bounds=(0.05, 0.95))
        thresholds = {f: (float(t[j]) if Y[:, j].any() else 1.0) for j, f in enumerate(MFC_FRAMES)}
    else:
        thresholds = {f: 0.5 for f in MFC_FRAMES}
    final = fit(np.arange(len(ids)))
    final["coef"] = final["coef"].round(6).tolist()
    final["intercept"] = final["intercept"].round(6).tolist()
    final["thresholds"] = {f: round(float(t), 4) for f, t in thresholds.items()}
    final["n_train"] = len(ids)
    return final


def predict_frame_model(model: dict, articles: pd.DataFrame, *, lexicon=None) -> np.ndarray:
    """Probabilities, shape (n_articles, 14), columns in :data:`MFC_FRAMES` order."""
    if len(articles) == 0:
        return np.zeros((0, len(MFC_FRAMES)))
    X = _features(model, articles, lexicon)
    return _proba(X, np.asarray(model["coef"], dtype=float), np.asarray(model["intercept"], dtype=float))


def save_frame_model(model: dict, path: str | Path) -> Path:
    """Write a frame model as JSON (never pickle)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(model, handle)
    return path


def load_frame_model(path: str | Path | dict) -> dict:
    if isinstance(path, dict):
        return path
    with open(path, encoding="utf-8") as handle:
        model = json.load(handle)
    if model.get("kind") != "analysis.framing/ovr-logreg":
        raise ValueError(f"{path} is not a frame model written by save_frame_model")
    return model


# --------------------------------------------------------------------------- generic frames
def generic_frames(articles: pd.DataFrame, *, lexicon=None, items: bool = False) -> pd.DataFrame:
    """Semetko & Valkenburg (2000) generic frame scores per article (0-1).

    Each frame is the mean of its codebook items; an item is "yes" when at
    least ``min_hits`` of its indicator patterns occur in the article.

    Returns DataFrame[article_id, conflict, human_interest,
    attribution_of_responsibility, morality, economic_consequences]; with
    ``items=True`` also one 0/1 column per item (AR1 ... EC3).
    """
    lex = resolve(lexicon, "generic_frames.yml")
    spec = lex.get("frames") or {}
    texts = [t if isinstance(t, str) else "" for t in articles["text"].tolist()]
    all_items = [item for frame in GENERIC_FRAMES for item in spec.get(frame, {}).get("items", [])]
    # yes/no per item: the answers of count_matrix(...) >= min_hits, RE2 stopping at a first match
    answered = at_least(texts, [tuple(item.get("patterns", [])) for item in all_items],
                        [int(item.get("min_hits", 1)) for item in all_items])
    blank = np.array([not t.strip() for t in texts], dtype=bool)
    scores: dict[str, np.ndarray] = {}
    answers: dict[str, np.ndarray] = {}
    first = 0
    for frame in GENERIC_FRAMES:
        frame_items = spec.get(frame, {}).get("items", [])
        yes = answered[:, first:first + len(frame_items)]
        first += len(frame_items)
        if items:
            answers.update({item["id"]: yes[:, k].astype(np.int64) for k, item in enumerate(frame_items)})
        scores[frame] = np.where(blank, np.nan, yes.mean(axis=1)) if frame_items else np.full(len(texts), np.nan)
    cols = ["article_id", *GENERIC_FRAMES]
    if not len(texts):
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame({"article_id": articles["article_id"].tolist(), **scores})
    return out.join(pd.DataFrame(answers, index=out.index)) if answers else out
