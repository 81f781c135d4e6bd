"""Round-5 experiments of issue 11 (figures in data/lexicons/README-roles.md, "Round 5"): English word vectors
learned offline from the unlabelled English texts of ../shared/corpus (:mod:`analysis.wordvectors`).

    PYTHONPATH=src python benchmarks/roles_narratives_round5.py SUBCOMMAND [--seed S] [--root SEMEVAL_DIR]

Subcommands:

* ``roles-vectors`` - English main role (joint en+ru, C 1, argmax of the main model, as the default) with the
  mean vector of the +-8-token window, of the mention's words, of the words around every occurrence of the
  mention's surface (``e``, the kept one with ``w``) as dense blocks: vector dimension, training window, scale,
  blocks, frequency (SIF) weighting; and k-means word clusters of the window as sparse features;
* ``roles-seeds`` - the current model vs the vector variants named by ``--variants`` with outer fold seed ``--seed``;
* ``roles-selftrain`` - self-training on the unlabelled GDELT news articles: gazetteer mentions whose
  predicted main-role probability reaches a threshold (chosen by inner grouped 4-fold CV from 0.7 / 0.8 /
  0.9 / never) join the training data with their predicted role;
* ``narratives-vectors`` - English narratives with the article's mean word vector as a dense block.

Outer folds are those of ``python -m analysis.evaluate roles|narratives --cv 5`` (seed 0 by default). The vectors
are trained in memory (a few CPU seconds each; nothing is written). Exits 0 with a "skipped" line when
../shared is absent.
"""

from __future__ import annotations

import argparse
import sys
from bisect import bisect_left, bisect_right
from functools import cache
from pathlib import Path

import numpy as np

from analysis import roles as R
from analysis._linear import fit_linear
from analysis.evaluation.roles import grouped_folds
from analysis.wordvectors import corpus_texts, train_word_vectors

ROOT: Path = Path()


@cache
def _texts():
    return corpus_texts(ROOT.parent.parent / "corpus")


@cache
def vectors(dim=300, window=5, min_count=5):
    return train_word_vectors(_texts(), dim=dim, window=window, min_count=min_count)


def _main_scores(y, pred):
    from sklearn.metrics import f1_score

    return round(float((pred == y).mean()), 4), round(float(f1_score(y, pred.astype(str), average="macro")), 4)


def _occurrence_windows(art, surface: str, width: int) -> list[int]:
    """Token positions +-5 around every occurrence of ``surface`` in the article (the ``E:`` features' words)."""
    import re

    out = []
    for m in re.finditer(re.escape(surface), art.lowered) if surface.strip() else ():
        i = bisect_right(art.ends, m.start())
        out += list(range(max(0, i - 5), i)) + list(range(i + width, min(len(art.low), i + width + 5)))
    return out


class Roles:
    def __init__(self, root: Path, seed: int):
        R._en_vectors = lambda: None  # "current" = the features without vectors; the variants add their own blocks
        self.D = {}
        for lang in ("en", "ru"):
            arts, gold = R.read_roles_dir(root / lang)
            feats, _, _ = R.featurize(gold, arts)
            texts = dict(zip(arts["article_id"], arts["text"]))
            spans = []
            for aid, s, e in zip(gold["article_id"], gold["start"], gold["end"]):
                art = R._Article(texts[aid], lang)
                ts = bisect_right(art.ends, int(s))
                te = max(bisect_left(art.starts, int(e)), ts + 1)
                spans.append((art.low, ts, te, _occurrence_windows(art, texts[aid][int(s):int(e)].lower(), te - ts)))
            self.D[lang] = {"arts": arts, "gold": gold, "feats": feats, "spans": spans}
        self.seed = seed

    def blocks(self, wv, *, tags=("w", "m"), scale=2.0, width=8, weight="none"):
        """English rows' dense blocks ``evw`` / ``evm``: the (weighted) mean vector of the window / mention words."""
        a = 1e-3
        p = wv.counts / wv.counts.sum()
        out = []
        for low, ts, te, occ in self.D["en"]["spans"]:
            one = {}
            idx = {"e": occ, "w": list(range(max(0, ts - width), ts)) + list(range(te, min(len(low), te + width))),
                   "m": range(ts, min(te, len(low))), "l": range(max(0, ts - width), ts),
                   "r": range(te, min(len(low), te + width))}
            for t in tags:
                rows = [wv.index[low[i]] for i in idx[t] if low[i] in wv.index]
                if not rows:
                    continue
                if weight == "sif":
                    v = (wv.matrix[rows] * (a / (a + p[rows]))[:, None]).sum(0)
                else:
                    v = wv.matrix[rows].mean(0)
                n = float(np.linalg.norm(v))
                if n > 0:
                    one["ev" + t] = v * (scale / n)
            out.append(one)
        return out

    def clusters(self, wv, k, *, width=8):
        """English rows' sparse features ``K:<cluster>``: k-means clusters of the window words' vectors,
        distance-weighted like the window words (a word-class back-off for unseen words)."""
        from sklearn.cluster import KMeans
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            lab = KMeans(k, n_init=1, random_state=0).fit_predict(wv.matrix)
        out = []
        for low, ts, te, _ in self.D["en"]["spans"]:
            one = {}
            for i in list(range(max(0, ts - width), ts)) + list(range(te, min(len(low), te + width))):
                j = wv.index.get(low[i])
                if j is None:
                    continue
                d = ts - i if i < ts else i - te + 1
                key = f"K{'L' if i < ts else 'R'}:{lab[j]}"
                one[key] = max(one.get(key, 0.0), 1.0 / (1.0 + (d - 1) / 4.0))
            out.append(one)
        return out

    def cv(self, extra=None, seed=None, add_rows=()):
        """Main accuracy / macro-F1 of the joint English model; ``extra[i]`` is added to English row i."""
        d, r = self.D["en"], self.D["ru"]
        F = [{**f, **(extra[i] if extra else {})} for i, f in enumerate(d["feats"])]
        add = [R.strip_embeddings(f) for f in r["feats"]]
        addy = r["gold"]["main_role"].tolist()
        y = d["gold"]["main_role"].to_numpy()
        pred = np.empty(len(y), dtype=object)
        for tr, te in grouped_folds(d["gold"]["article_id"].to_numpy(), 5, self.seed if seed is None else seed):
            m = fit_linear([F[j] for j in tr] + add + [f for f, _ in add_rows], list(y[tr]) + addy +
                           [c for _, c in add_rows], C=1.0, class_weight="balanced", min_count=2, seed=0)
            pred[te] = m.predict([F[j] for j in te])
        return _main_scores(y, pred)


def unlabelled_mentions(folder: Path) -> list[dict]:
    """Features of the gazetteer mentions of the GDELT news articles, one per (article, entity)."""
    from analysis.corpus import load_corpus
    from analysis.entities import mentions
    from analysis.text import sentences

    arts = load_corpus(folder)
    ments = mentions(sentences(arts))
    ments = ments[(ments["method"] != "discovered") & ments["entity_id"].notna()]
    ments = ments.drop_duplicates(["article_id", "entity_id"]).reset_index(drop=True)
    feats, _, langs = R.featurize(ments, arts)
    return [f for f, lang in zip(feats, langs) if lang == "en"]


def _fit(F, y):
    return fit_linear(F, y, C=1.0, class_weight="balanced", min_count=2, seed=0)


def _self_trained(F, y, U, t):
    """The joint model, refitted with the unlabelled rows whose predicted main role reaches probability ``t``."""
    m = _fit(F, y)
    if t is None:
        return m, 0
    p = m.proba(U)
    keep = np.flatnonzero(p.max(axis=1) >= t)
    return _fit(F + [U[i] for i in keep], list(y) + [m.classes[k] for k in p[keep].argmax(axis=1)]), len(keep)


SELF_GRID = (None, 0.9, 0.8, 0.7)


def roles_selftrain(rx: Roles, seeds):
    U = unlabelled_mentions(ROOT.parent.parent / "corpus" / "news_gdelt" / "articles")
    print("unlabelled mentions", len(U), flush=True)
    d, r = rx.D["en"], rx.D["ru"]
    add = [R.strip_embeddings(f) for f in r["feats"]]
    addy = r["gold"]["main_role"].tolist()
    y = d["gold"]["main_role"].to_numpy()
    groups = d["gold"]["article_id"].to_numpy()
    F = d["feats"]
    for seed in seeds:
        pred = {t: np.empty(len(y), dtype=object) for t in (*SELF_GRID, "cv")}
        chosen = []
        for tr, te in grouped_folds(groups, 5, seed):
            inner = {t: np.empty(len(tr), dtype=object) for t in SELF_GRID}
            for itr, ite in grouped_folds(groups[tr], 4, seed + 1):
                for t in SELF_GRID:
                    m, _ = _self_trained([F[tr[j]] for j in itr] + add, list(y[tr[itr]]) + addy, U, t)
                    inner[t][ite] = m.predict([F[tr[j]] for j in ite])
            best = max(SELF_GRID, key=lambda t: (round(sum(_main_scores(y[tr], inner[t])), 10), t is None))
            chosen.append(best)
            for t in SELF_GRID:
                m, n = _self_trained([F[j] for j in tr] + add, list(y[tr]) + addy, U, t)
                pred[t][te] = m.predict([F[j] for j in te])
                if t == best:
                    pred["cv"][te] = pred[t][te]
            print("  fold: threshold", best, "pseudo-labelled rows at 0.9/0.8/0.7 in the last fit:", n, flush=True)
        print("seed", seed, "threshold by inner CV", _main_scores(y, pred["cv"]), "chosen", chosen,
              *(f"t={t} {_main_scores(y, pred[t])}" for t in SELF_GRID), flush=True)


VARIANTS = {
    "current": None,
    "w+m x2 300d": dict(),
    "w+m x1 300d": dict(scale=1.0),
    "w+m x3 300d": dict(scale=3.0),
    "w x2 300d": dict(tags=("w",)),
    "w+m x2 300d sif": dict(weight="sif"),
    "w+m x2 100d": dict(dim=100),
    "w+m x2 300d win2": dict(window=2),
    "w+m x2 300d width5": dict(width=5),
    "w+m x1 300d sif": dict(weight="sif", scale=1.0),
    "w+m x3 300d sif": dict(weight="sif", scale=3.0),
    "w x2 300d sif": dict(weight="sif", tags=("w",)),
    "w+m x2 100d sif": dict(weight="sif", dim=100),
    "w+m x2 300d win2 sif": dict(weight="sif", window=2),
    "l+r x2 300d sif": dict(weight="sif", tags=("l", "r")),
    "w+l+r x2 300d sif": dict(weight="sif", tags=("w", "l", "r")),
    "w+e x2 300d sif": dict(weight="sif", tags=("w", "e")),
    "window clusters k100": dict(clusters=100),
    "window clusters k300": dict(clusters=300),
    "window clusters k1000": dict(clusters=1000),
}


def _extra(rx, spec):
    if spec is None:
        return None
    spec = dict(spec)
    if "clusters" in spec:
        return rx.clusters(vectors(300, 5), spec["clusters"])
    wv = vectors(spec.pop("dim", 300), spec.pop("window", 5))
    return rx.blocks(wv, **spec)


def roles_vectors(rx: Roles, names, seeds=(None,)):
    for name in names:
        extra = _extra(rx, VARIANTS[name])
        scores = [rx.cv(extra, seed=s) for s in seeds]
        tail = f" mean {tuple(np.round(np.mean(scores, 0), 4).tolist())}" if len(scores) > 1 else ""
        print(name, *scores, tail, flush=True)


def narratives_vectors(seeds):
    """English narratives: + the article's SIF-weighted mean word vector (unit length, x1 / x2) as a dense block;
    the round-4 harness (``roles_narratives_round4.Narr``: outer 5-fold CV, threshold by inner 4-fold CV)."""
    from roles_narratives_round4 import TG, Narr, d_global

    wv = vectors(300, 5)
    p = wv.counts / wv.counts.sum()
    for seed in seeds:
        nx = Narr(ROOT, seed)
        Z = []
        for doc in nx.docs:
            rows = [wv.index[w] for w in (t.lower() for t in R._WORD.findall(doc.text)) if w in wv.index]
            v = (wv.matrix[rows] * (1e-3 / (1e-3 + p[rows]))[:, None]).sum(0) if rows else np.zeros(wv.dim)
            Z.append(v / (np.linalg.norm(v) or 1.0))
        line = [f"seed {seed}", "current", nx.tune_eval(nx.probs(), d_global, [(t,) for t in TG])]
        for scale in (1.0, 2.0):
            F = [dict(f, dvec=z * scale) for f, z in zip(nx.feats, Z)]
            line += [f"+ doc vector x{scale}", nx.tune_eval(nx.probs(F=F), d_global, [(t,) for t in TG])]
        print(*line, flush=True)


def main(argv=None) -> int:
    global ROOT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["roles-vectors", "roles-seeds", "roles-selftrain",
                                        "narratives-vectors"])
    ap.add_argument("--seed", type=int, nargs="+", default=[0], help="outer fold seed(s)")
    ap.add_argument("--variants", nargs="+", default=None)
    ap.add_argument("--root", default=None)
    args = ap.parse_args(argv)
    from analysis.paths import shared_dir

    ROOT = Path(args.root) if args.root else shared_dir() / "eval" / "semeval25"
    if not (ROOT / "en").is_dir() or not (ROOT / "ru").is_dir() or not (ROOT.parent.parent / "corpus").is_dir():
        print(f"skipped: {ROOT} (SemEval-2025 T10 en/ru folders) or ../shared/corpus is absent")
        return 0
    if args.command == "narratives-vectors":
        narratives_vectors(args.seed)
    elif args.command == "roles-selftrain":
        roles_selftrain(Roles(ROOT, args.seed[0]), args.seed)
    elif args.command.startswith("roles"):
        rx = Roles(ROOT, args.seed[0])
        names = args.variants or list(VARIANTS)
        roles_vectors(rx, names if args.command == "roles-vectors" else ["current", *names], args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
