"""Round-9 experiments of issue 11: English narratives - the casting lines under the round-8 sub-narrative rule,
the cue lexicon as a prior (figures in data/lexicons/README-roles.md, "Round 9 (issue 11): English narratives").

    PYTHONPATH=src python benchmarks/narratives_round9.py [VARIANT ...] [--seeds 0 1 ...]

Protocol of ``narratives_round8.py`` (whose harness and decision code this reuses): outer folds of ``python -m
analysis.evaluate narratives --cv 5 --seed S``, the coarse threshold and the sub-narrative threshold (the library's
``fine_threshold="cv"``, round 8) chosen by inner 4-fold CV on the training part, P(Other) averaged with the
cue-count model's (round 6). Every variant is scored with the library's current decision rules (``run2`` with
``fine=True``), so ``base`` reproduces the command (0.4809 / 0.4240 at seed 0).

Variants: ``base``; ``strict-BLOCKS-SCALE`` (round 8's strict casting line: for every fit on ``tr`` a role model
trained without the gold roles of any narrative article outside ``tr``); ``modelx-BLOCKS-SCALE`` (round 7's
cross-fitted role predictions: every article, training or scored, gets its casting from a role model that has
not seen its own gold roles, so training features look like test features); ``cuex-K`` (the lexicon's cue-count
features multiplied by K in the coarse word model: the hand-written lexicon as a stronger prior);
``C-K`` (the coarse model's C; the library's is 4); ``title-K`` (the title's words as a
separate block times K; ``titleall-K``: in the sub-narrative model too, run it alone); ``lexprior-A`` (A added to a narrative's probability when the training-free lexicon assigns it, i.e. at least
``min_hits`` distinct cues of it occur). Nothing is written.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import narratives_round6  # noqa: E402
import narratives_round7  # noqa: E402
from narratives_round6 import _lr_ovr, parser, semeval_root  # noqa: E402
from narratives_round8 import H8, HL, run2, run_seeds  # noqa: E402

from analysis import narratives as N  # noqa: E402

OTHER = N.OTHER
HEAVY = ("strict", "modelx")


def cue_scaled(h, k: float):
    """Coarse scorer of the word model with the cue-count columns (``cue:`` / ``fcue:``) multiplied by ``k``."""
    cols = np.array(["cue:" in n for n in h.vec.get_feature_names_out()])
    X = h.X.tocsc(copy=True)
    scale = np.where(cols, k, 1.0)
    X = (X @ sparse.diags(scale)).tocsr()

    def f(tr, te):
        key = ("cuex", k, tuple(tr), tuple(te))
        if key not in h.cache:
            names = h.names(tr)
            h.cache[key] = names, _lr_ovr(X[tr], h.Y(tr, names), 4.0)(X[te])
        return h.cache[key]
    return h.with_other(f)


def with_block(h, rows, k: float, C: float = 4.0):
    """Coarse scorer of the word model with an extra feature block (``rows``: one dict per article) times ``k``."""
    X = sparse.hstack([h.X, DictVectorizer().fit_transform(rows) * k]).tocsr()

    def f(tr, te):
        key = ("block", id(rows), k, C, tuple(tr), tuple(te))
        if key not in h.cache:
            names = h.names(tr)
            h.cache[key] = names, _lr_ovr(X[tr], h.Y(tr, names), C)(X[te])
        return h.cache[key]
    return h.with_other(f)


def title_rows(h):
    """The title's (first non-empty line's) words, L2-normalised, as ``t:`` features."""
    out = []
    for d in h.docs:
        title = next((line for line in d.lower.splitlines() if line.strip()), "")
        words = set(N._WORD.findall(title))
        out.append({"t:" + w: 1 / np.sqrt(len(words)) for w in words} or {"t:": 0.0})
    return out


def lexicon_prior(h, a: float):
    """The library's scores plus ``a`` on every narrative the training-free lexicon assigns to the article."""
    min_hits = int(N._lexicon().get("min_hits", 2))
    lex = [{c for c, hits in d.hits.items() if len({x[1] for x in hits}) >= min_hits} for d in h.docs]
    base = h.with_other(h.base)

    def f(tr, te):
        n, p = base(tr, te)
        p = p.copy()
        for r, i in enumerate(te):
            for j, c in enumerate(n):
                if c in lex[i]:
                    p[r, j] += a
        return n, p
    return f


def main(argv=None) -> int:
    narratives_round6._near = narratives_round7._near
    args = parser(range(10)).parse_args(argv)
    root = semeval_root(args.root)
    return 0 if root is None else run_variants(args.variants, args.seeds, root)


def title_everywhere(h, scale: float):
    """The library's scorer with the title block in the coarse and the fine model: ``h.X`` itself is widened
    (the cue-count columns of the Other model are read before), so run it alone."""
    h.dense("cue")
    h.X = sparse.hstack([h.X, DictVectorizer().fit_transform(title_rows(h)) * scale]).tocsr()
    h.cache = {k: x for k, x in h.cache.items() if k[0] == "dense"}
    return h.with_other(h.base)


#: variant name's first part -> scorer builder (harness, the name's parts)
SCORERS = {
    "base": lambda h, p: h.with_other(h.base),
    "strict": lambda h, p: h.strict_scorer(p[1], float(p[2])),
    "modelx": lambda h, p: h.cast_scorer("modelx", p[1], float(p[2])),
    "cuex": lambda h, p: cue_scaled(h, float(p[1])),
    "C": lambda h, p: h.with_other(lambda tr, te: h.base(tr, te, C=float(p[1]))),
    "title": lambda h, p: with_block(h, title_rows(h), float(p[1])),
    "titleall": lambda h, p: title_everywhere(h, float(p[1])),
    "lexprior": lambda h, p: lexicon_prior(h, float(p[1])),
}


def run_variants(variants, seeds, root) -> int:
    """Every variant at every fold seed (one harness: the heavy one when a variant needs role models)."""
    with threadpool_limits(limits=1):
        h = (H8 if any(v.split("-")[0] in HEAVY for v in variants) else HL)(root)
        for v in variants:
            p = v.split("-")
            t0 = time.process_time()
            if p[0] not in SCORERS:
                raise SystemExit(f"unknown variant {v}")
            sc = SCORERS[p[0]](h, p)
            run_seeds(v, seeds, lambda s, sc=sc: run2(h, sc, s, fine=True), t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
