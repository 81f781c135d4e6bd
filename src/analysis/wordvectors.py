"""English word vectors learned offline from unlabelled text (PPMI + truncated SVD).

English has no pretrained word vectors in the environment (Russian has navec inside the ``natasha``
wheel), so :func:`train_word_vectors` learns them from plain text: word-context co-occurrence counts in a
+-``window`` window, positive pointwise mutual information with context-distribution smoothing (counts
raised to 0.75, Levy, Goldberg & Dagan 2015), then a truncated SVD; a word's vector is its row of
U x sqrt(S), L2-normalised. scikit-learn, numpy and scipy only; deterministic (fixed SVD seed, one BLAS
thread).

Trained by ``python -m analysis.train wordvectors --corpus ../shared/corpus`` (the 2,755 unlabelled
English documents and the two headline streams there; a minute or two) into
``data/models/wordvec_en.npz`` (git-ignored: derived from texts the project may not redistribute). Saved
as a numpy ``.npz`` of a string array and a float32 matrix, read with ``allow_pickle=False``.

>>> texts = ["Artillery shelled the city overnight.", "Artillery shelled the town overnight.",
...          "Drones hit a bridge."] * 20
>>> wv = train_word_vectors(texts, dim=4, min_count=5)
>>> sorted(wv.index)  # punctuation is left out
['a', 'artillery', 'bridge', 'city', 'drones', 'hit', 'overnight', 'shelled', 'the', 'town']
>>> round(float(wv.vector("city") @ wv.vector("town")), 2)  # same contexts, same vector
1.0
>>> wv.sif_mean(["city", "unknown"]).shape
(4,)
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

__all__ = ["WordVectors", "corpus_texts", "default_vectors_path", "load_word_vectors", "train_word_vectors"]

FORMAT = "analysis.wordvectors/1"
#: the smoothing constant of :meth:`WordVectors.sif_mean`
SIF_A = 1e-3


class WordVectors:
    """Unit-length word vectors (float32 rows) with a word -> row index."""

    def __init__(self, words: Sequence[str], matrix: np.ndarray, counts: Sequence[int] | None = None,
                 meta: dict | None = None):
        self.words = list(words)
        self.matrix = np.asarray(matrix, dtype=np.float32)
        self.index = {w: i for i, w in enumerate(self.words)}
        #: corpus frequency of each word (for frequency-based weights)
        self.counts = np.asarray(counts if counts is not None else np.ones(len(self.words)), dtype=np.int64)
        self.meta = dict(meta or {})

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    def vector(self, word: str) -> np.ndarray | None:
        """The row of ``word`` (None when unknown)."""
        i = self.index.get(word)
        return None if i is None else self.matrix[i]

    def sif_mean(self, words: Iterable[str]) -> np.ndarray | None:
        """Unit-length weighted mean of the known ``words``' vectors, each weighted a / (a + p(word)) with
        a = 1e-3 and p the word's corpus frequency (the "smooth inverse frequency" weights of Arora, Liang
        & Ma 2017: function words count little); None when none is known or the sum is zero."""
        rows = [i for i in (self.index.get(w) for w in words) if i is not None]
        if not rows:
            return None
        v = self.sif_weights[rows] @ self.matrix[rows]
        norm = float(np.linalg.norm(v))
        return v / norm if norm > 0 else None

    @cached_property
    def sif_weights(self) -> np.ndarray:
        p = self.counts / max(int(self.counts.sum()), 1)
        return (SIF_A / (SIF_A + p)).astype(np.float32)

    @cached_property
    def fingerprint(self) -> str:
        """First 12 hex digits of a SHA-256 over the words and the matrix (which vectors a model was trained on)."""
        h = hashlib.sha256("\n".join(self.words).encode("utf-8"))
        h.update(np.ascontiguousarray(self.matrix).tobytes())
        return h.hexdigest()[:12]

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:  # a file handle: np.savez would append .npz to any other suffix
            np.savez_compressed(fh, format=np.array(FORMAT), words=np.array(self.words, dtype=str),
                                matrix=self.matrix, counts=self.counts, meta=np.array(repr(sorted(self.meta.items()))))
        return path

    @classmethod
    def load(cls, path: str | Path) -> WordVectors:
        with np.load(Path(path), allow_pickle=False) as z:
            if str(z["format"]) != FORMAT:
                raise ValueError(f"{path} is not a word-vector file (format != {FORMAT!r})")
            return cls(z["words"].tolist(), z["matrix"], z["counts"], {"path": str(path)})


def tokens(text: str) -> list[str]:
    """Lower-cased word and punctuation tokens, as :mod:`analysis.roles` splits them.

    >>> tokens("Kyiv's forces held.")
    ["kyiv's", 'forces', 'held', '.']
    """
    from analysis.roles import _WORD  # the role features look words up as roles tokenises them

    return [m.group().lower() for m in _WORD.finditer(text)]


def train_word_vectors(texts: Iterable[str], *, dim: int = 300, window: int = 5, min_count: int = 5,
                       max_words: int = 40_000, smoothing: float = 0.75, seed: int = 0) -> WordVectors:
    """PPMI + truncated SVD word vectors from raw ``texts`` (one document each; windows never cross documents).

    Words seen fewer than ``min_count`` times (or beyond the ``max_words`` most frequent) are dropped
    before the windows are taken; every pair within ``window`` tokens counts 1 (both directions)."""
    from scipy.sparse import coo_matrix
    from sklearn.utils.extmath import randomized_svd
    from threadpoolctl import threadpool_limits

    docs = [[w for w in tokens(t) if w[:1].isalnum()] for t in texts if isinstance(t, str) and t.strip()]
    counts = Counter(w for d in docs for w in d)
    vocab = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))[:max_words]
    index = {w: i for i, w in enumerate(vocab)}
    seq: list[int] = []
    for d in docs:  # rare words dropped first, -1 between documents
        seq.extend(index[w] for w in d if w in index)
        seq.append(-1)
    ids = np.array(seq, dtype=np.int64)
    V = len(vocab)
    rows, cols = [], []
    for d in range(1, window + 1):  # ids holds -1 between documents: pairs across it are dropped
        a, b = ids[:-d], ids[d:]
        ok = (a >= 0) & (b >= 0)
        if d > 1:  # a document boundary inside the span also splits the window
            sep = np.cumsum(ids < 0)
            ok &= sep[d:] == sep[:-d]
        rows += [a[ok], b[ok]]
        cols += [b[ok], a[ok]]
    r, c = np.concatenate(rows), np.concatenate(cols)
    M = coo_matrix((np.ones(len(r), dtype=np.float64), (r, c)), shape=(V, V)).tocsr()
    M.sum_duplicates()
    total = M.sum()
    w_sum = np.asarray(M.sum(axis=1)).ravel()
    c_pow = np.asarray(M.sum(axis=0)).ravel() ** smoothing
    c_prob = c_pow / c_pow.sum()
    M = M.tocoo()
    pmi = np.log(M.data / total) - np.log(w_sum[M.row] / total) - np.log(c_prob[M.col])
    keep = pmi > 0
    P = coo_matrix((pmi[keep], (M.row[keep], M.col[keep])), shape=(V, V)).tocsr()
    k = min(dim, V - 1)
    with threadpool_limits(limits=1):
        U, S, _ = randomized_svd(P, n_components=k, n_iter=5, random_state=seed)
    W = U * np.sqrt(S)
    signs = np.sign(W[np.abs(W).argmax(axis=0), np.arange(k)])  # a fixed sign per component
    W = W * np.where(signs == 0, 1.0, signs)
    W /= np.linalg.norm(W, axis=1, keepdims=True) + 1e-12
    freq = np.array([counts[w] for w in vocab], dtype=np.int64)
    return WordVectors(vocab, W, freq, {"documents": len(docs), "tokens": int(sum(map(len, docs))), "dim": k,
                                  "window": window, "min_count": min_count, "smoothing": smoothing})


def corpus_texts(folder: str | Path) -> list[str]:
    """The unlabelled English texts of ``../shared/corpus``: ``news_gdelt/articles/*.txt``, the ``text``
    column of ``official_statements.csv`` and the titles of ``headlines/*.xlsx`` (each file that exists),
    in a fixed order."""
    import pandas as pd

    folder = Path(folder)
    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in sorted((folder / "news_gdelt" / "articles").glob("*.txt"))]
    statements = folder / "official_statements.csv"
    if statements.exists():
        texts += pd.read_csv(statements, usecols=["text"])["text"].dropna().astype(str).tolist()
    for xlsx in sorted((folder / "headlines").glob("*.xlsx")):
        frame = pd.read_excel(xlsx)
        col = "title_name" if "title_name" in frame.columns else frame.columns[0]
        texts += frame[col].dropna().astype(str).tolist()
    return texts


def default_vectors_path(lang: str = "en") -> Path:
    from analysis.paths import models_dir

    return models_dir() / f"wordvec_{lang}.npz"


@lru_cache(maxsize=4)
def load_word_vectors(path: str | None = None) -> WordVectors | None:
    """The vectors at ``path`` (default ``data/models/wordvec_en.npz``), read once per process; None when
    the default file is absent."""
    p = Path(path) if path is not None else default_vectors_path("en")
    if path is None and not p.exists():
        return None
    return WordVectors.load(p)
