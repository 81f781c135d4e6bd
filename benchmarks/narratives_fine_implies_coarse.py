"""Experiment (round 3, issue 11): "a fine label implies its coarse label" for the narrative model.

    PYTHONPATH=src python benchmarks/narratives_fine_implies_coarse.py en|ru [SEMEVAL_DIR]

Outer 5-fold CV over articles (seed 0, the folds of `analysis.evaluate narratives --cv 5`); a narrative is added
when one of its sub-narratives has probability >= t_f, with t_f (and the global threshold) chosen by inner 4-fold
CV on the training part only ("never" included). Prints both coarse samples-F1 figures and the chosen thresholds."""
import sys

import numpy as np

from analysis import narratives as N
from analysis._linear import fit_linear
from analysis.evaluation.narratives import folds, samples_f1

lang = sys.argv[1] if len(sys.argv) > 1 else "en"
root = sys.argv[2] if len(sys.argv) > 2 else "../shared/eval/semeval25"
arts, labels = N.read_narratives_dir(f"{root}/{lang}")
ids = arts["article_id"].tolist()
docs = N._docs(arts)
feats = [N._doc_features(d) for d in docs]
cs, fs = N._label_sets(labels, ids)
GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 2.0)

def fit_pred(tr, te, t_global=None):
    cn = sorted(set().union(*[cs[i] for i in tr]))
    fn = sorted(set().union(*[fs[i] for i in tr]))
    Yc = np.array([[n in cs[i] for n in cn] for i in tr], int)
    Yf = np.array([[n in fs[i] for n in fn] for i in tr], int)
    mc = fit_linear([feats[i] for i in tr], Yc, kind="ovr", classes=cn, C=4.0, min_count=2)
    mf = fit_linear([feats[i] for i in tr], Yf, kind="ovr", classes=fn, C=1.0, min_count=2)
    return cn, fn, mc.proba([feats[i] for i in te]), mf.proba([feats[i] for i in te])

def decide(pc, pf, cn, fn, t, tf):
    keep = [cn[j] for j in N._decide(pc, cn, t)]
    if tf <= 1:
        for i, n in enumerate(fn):
            c = n.rsplit(": ", 1)[0]
            if pf[i] >= tf and c in cn and c != "Other" and c not in keep:
                keep = [k for k in keep if k != "Other"] + [c]
    return set(keep)

pred_base, pred_h, chosen = [None]*len(ids), [None]*len(ids), []
for tr, te in folds(ids, 5, 0):
    # inner CV on tr: global threshold and t_f
    inner = []
    for itr, ite in folds(np.arange(len(tr)), 4, 1):
        cn, fn, pc, pf = fit_pred(tr[itr], tr[ite])
        inner.append((ite, cn, fn, pc, pf))
    gold_tr = [cs[i] for i in tr]
    # score is only called inside this iteration (the max() calls below); the defaults bind tr/inner/gold_tr anyway
    def score(t, tf, tr=tr, inner=inner, gold_tr=gold_tr):
        pred = [None]*len(tr)
        for ite, cn, fn, pc, pf in inner:
            for k, r in enumerate(ite):
                pred[r] = decide(pc[k], pf[k], cn, fn, t, tf)
        return samples_f1(gold_tr, pred)
    t = max(N.THRESHOLD_GRID, key=lambda t: (round(score(t, 2.0), 12), -abs(t - 0.2)))
    tf = max(GRID, key=lambda tf: (round(score(t, tf), 12), tf))
    chosen.append((t, tf))
    cn, fn, pc, pf = fit_pred(tr, te)
    for k, r in enumerate(te):
        pred_base[r] = decide(pc[k], pf[k], cn, fn, t, 2.0)
        pred_h[r] = decide(pc[k], pf[k], cn, fn, t, tf)
print(lang, "base", round(samples_f1(cs, pred_base), 4), "fine->coarse", round(samples_f1(cs, pred_h), 4), chosen)
