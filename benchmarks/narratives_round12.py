"""Round-12 experiments of issue 11: English narratives - the cross-fitted casting line with the lexicon prior on
more fold seeds, the same line as the library computes it, cue words for the rare narratives (figures in
data/lexicons/README-roles.md, "Round 12 (issue 11): English narratives").

    PYTHONPATH=src python benchmarks/narratives_round12.py [VARIANT ...] [--seeds 10 11 ...]

Protocol of ``narratives_round11.py`` (whose harness and variants this reuses): outer folds of ``python -m
analysis.evaluate narratives --cv 5 --seed S``, every parameter chosen by an inner 4-fold CV on the training part.
The cue lexicon is whatever ``data/lexicons/narratives_urw.yml`` holds when the script runs (run it in a worktree of
the old commit for the old cues).

Variants: ``base`` (the library's round-10 default: word model, P(Other) averaged with the cue-count model's, +0.1
lexicon prior, headline block); ``modelxprior`` (round 11's: round 10's cross-fitted casting line, m + s x0.5,
with the prior); ``library`` (the library's own cross-validation with the casting, = ``python -m analysis.evaluate narratives DIR
--cv 5 --seed S --casting 0.5``: the casting role model is trained inside every fold on the gold roles of ``DIR``
and its sibling ``ru`` folder without the scored articles, the training articles' casting cross-fitted); ``rare`` (no score of its own: per narrative, the articles it is predicted for against gold, mean
over the seeds, under ``base``'s out-of-fold decisions). Nothing is written.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import narratives_round6  # noqa: E402
import narratives_round7  # noqa: E402
from narratives_round6 import parser, semeval_root  # noqa: E402
from narratives_round8 import H8, HL, run_seeds  # noqa: E402
from narratives_round9 import lexicon_prior  # noqa: E402
from narratives_round10 import decisions, with_title  # noqa: E402
from narratives_round11 import run_variants  # noqa: E402

from analysis import narratives as N  # noqa: E402
from analysis.evaluation import samples_f1  # noqa: E402
from analysis.evaluation.narratives import _sets, folds  # noqa: E402

OTHER = N.OTHER


def library_cv(folder: Path, seed: int) -> tuple[float, float]:
    """Coarse / fine samples-F1 of the library with the casting (0.5) in the folds of ``analysis.evaluate
    narratives --cv 5 --seed seed --casting 0.5`` (the command's own loop)."""
    from analysis.narrative_casting import folder_roles

    arts, labels = N.read_narratives_dir(folder)
    ids = arts["article_id"].tolist()
    gc, gf = N._label_sets(labels, ids)
    pc, pf = [None] * len(ids), [None] * len(ids)
    for tr, te in folds(ids, 5, seed):
        tr_labels = labels[labels["article_id"].isin(set(arts["article_id"].iloc[tr]))]
        roles = folder_roles([folder], exclude=arts["article_id"].iloc[te])
        model = N.train_narrative_model(arts.iloc[tr], tr_labels, seed=seed, roles=roles, casting=0.5)
        c, f = _sets(N.narratives(arts.iloc[te], method="model", model=model, evidence=0))
        for j, k in enumerate(te):
            pc[k], pf[k] = c[j], f[j]
    return samples_f1(gc, pc), samples_f1(gf, pf)


def rare(h, seeds) -> None:
    """Per coarse narrative: gold articles and the articles ``base`` predicts it for, mean over ``seeds``."""
    sc = lexicon_prior(h, N.LEXICON_PRIOR["en"])
    pred, gold = Counter(), Counter()
    for s in seeds:
        pc, _ = decisions(h, sc, s)
        for g, p in zip(h.cs, pc):
            pred.update(p)
            gold.update(g)
    for c in sorted(gold, key=lambda c: -gold[c]):
        print(f"  {c[:60]:60s} gold {gold[c] / len(seeds):5.1f}  predicted {pred[c] / len(seeds):5.1f}")


def main(argv=None) -> int:
    args = parser(range(10, 20)).parse_args(argv)
    if (root := semeval_root(args.root)) is None:
        return 0
    narratives_round6._near = narratives_round7._near
    with threadpool_limits(limits=1):
        if "library" in args.variants:
            t0 = time.process_time()
            run_seeds("library", args.seeds, lambda s: library_cv(root / "en", s), t0)
        rest = [v for v in args.variants if v != "library"]
        if not rest:
            return 0
        h = with_title((H8 if any(v.startswith("modelx") for v in rest) else HL)(root))
        if "rare" in rest:
            rare(h, args.seeds)
        run_variants(h, [v for v in rest if v != "rare"], args.seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
