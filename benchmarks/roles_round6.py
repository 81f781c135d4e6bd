"""Round-6 experiments of issue 11 (figures in data/lexicons/README-roles.md, "Round 6"): English entity roles -
error analysis by article domain and entity side, the article's narratives crossed with the entity's side,
structured decoding within an article, other linear models and per-domain priors.

    PYTHONPATH=src python benchmarks/roles_round6.py SUBCOMMAND [--seed S ...] [--root SEMEVAL_DIR]

Subcommands:

* ``errors`` - out-of-fold predictions of the current joint model (seed 0), accuracy by article domain (gold
  narratives: URW / CC / Other / unlabelled), by gazetteer side and by gold role;
* ``variants`` - main accuracy / macro-F1 of the variants named by ``--variants`` (:data:`VARIANTS`) for each
  fold seed, and the mean: ``current``; ``C0.5``, ``C2`` (main model C); ``cw<p>`` (class weights
  (n / (k n_c)) ** p); ``en_x2`` (English training rows twice); ``gold_narr_x_side`` and ``lean_oracle`` (oracles:
  gold narratives / the gold lean of the article's other mentions, crossed with the side); ``pred_narr_x_side``
  (narrative-model probabilities x side); ``lean``, ``lean_C4``, ``lean_x2`` (predicted article lean x side);
  ``surface_avg``, ``entity_avg`` (structured decoding within an article); ``collective`` (stage-2 model with the
  lean implied by the stage-1 probabilities of the article's other mentions); ``fine_sum``, ``fine_mix`` (main
  role from the fine-role model, alone / averaged with the main model).

The features are those of ``python -m analysis.evaluate roles`` (with ``data/models/wordvec_en.npz`` when it
exists); the model is the joint en+ru default (C 1, balanced, argmax). Exits 0 with a "skipped" line when
../shared is absent. Writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from analysis import roles as R
from analysis._linear import fit_linear
from analysis.evaluation.roles import grouped_folds


def _scores(y, pred):
    from sklearn.metrics import f1_score

    return round(float((pred == y).mean()), 4), round(float(f1_score(y, pred.astype(str), average="macro")), 4)


class Data:
    def __init__(self, root: Path):
        from analysis.narratives import read_narratives_dir

        self.D = {}
        for lang in ("en", "ru"):
            arts, gold = R.read_roles_dir(root / lang)
            feats, cues, _ = R.featurize(gold, arts)
            _, nar = read_narratives_dir(root / lang)
            labels: dict = {}
            for a, x in zip(nar["article_id"], nar["narrative"]):
                labels.setdefault(a, set()).add(x)
            self.D[lang] = {"arts": arts, "gold": gold, "feats": feats, "cues": cues, "nar": labels}
        self.ru_feats = [R.strip_embeddings(f) for f in self.D["ru"]["feats"]]
        self.ru_y = self.D["ru"]["gold"]["main_role"].tolist()

    def domain(self, lang="en"):
        d = self.D[lang]
        out = []
        for a in d["gold"]["article_id"]:
            labs = d["nar"].get(a)
            if labs is None:
                out.append("unlabelled")
            elif any(x.startswith("CC") for x in labs):
                out.append("CC")
            elif any(x.startswith("URW") for x in labs):
                out.append("URW")
            else:
                out.append("Other")
        return np.array(out)


def oof(dx: Data, seed: int, *, F=None, ruF=None, fit=None, post=None):
    """Out-of-fold main-role probabilities (rows: English mentions; columns: R.MAIN_ROLES)."""
    d = dx.D["en"]
    F = F if F is not None else d["feats"]
    ruF = ruF if ruF is not None else dx.ru_feats
    y = d["gold"]["main_role"].to_numpy()
    P = np.zeros((len(y), 3))
    fit = fit or (lambda X, Y: fit_linear(X, Y, C=1.0, class_weight="balanced", min_count=2, seed=0))
    for tr, te in grouped_folds(d["gold"]["article_id"].to_numpy(), 5, seed):
        m = fit([F[j] for j in tr] + ruF, list(y[tr]) + dx.ru_y)
        p = m.proba([F[j] for j in te])
        P[te] = np.column_stack([p[:, m.classes.index(r)] for r in R.MAIN_ROLES])
    return P


def decide(P):
    return np.array(list(R.MAIN_ROLES))[P.argmax(1)]


def errors(dx: Data):
    d = dx.D["en"]
    y = d["gold"]["main_role"].to_numpy()
    pred = decide(oof(dx, 0))
    dom = dx.domain()
    side = np.array([c["side"] for c in d["cues"]])
    print("overall", _scores(y, pred))
    for name, key in (("domain", dom), ("side", side), ("gold", y)):
        for v in sorted(set(key)):
            k = key == v
            gl = {r: int((y[k] == r).sum()) for r in R.MAIN_ROLES}
            print(f"  {name}={v}: n={k.sum()} acc={float((pred[k] == y[k]).mean()):.3f} gold={gl}")
    from collections import Counter

    print("confusion (gold, pred):", sorted(Counter(zip(y, pred)).items()))
    ment = d["gold"]["mention"].to_numpy()
    wrong = Counter(ment[pred != y].tolist())
    print("most frequent wrong mentions:", wrong.most_common(25))


# ------------------------------------------------------------------ variants
def with_extra(dx, fn_en, fn_ru=None):
    """Feature lists with the extra features ``fn(lang, row index)`` added."""
    F = [{**f, **fn_en(i)} for i, f in enumerate(dx.D["en"]["feats"])]
    ruF = [{**f, **fn_ru(i)} for i, f in enumerate(dx.ru_feats)] if fn_ru else None
    return F, ruF


def gold_narr_x_side(dx):
    """Oracle: the article's gold narratives crossed with the entity's side (upper bound of idea 1)."""
    def mk(lang):
        d = dx.D[lang]
        aids = d["gold"]["article_id"].tolist()

        def fn(i):
            side = d["cues"][i]["side"]
            labs = d["nar"].get(aids[i], {"?"})
            return {f"gnar:{n.replace('URW: ', '')}:{side}": 1.0 for n in labs}
        return fn
    return with_extra(dx, mk("en"), mk("ru"))


def pred_narr_x_side(dx, seed):
    """The article's narrative probabilities from the narrative model, crossed with the side. English articles:
    out-of-fold over the role folds (the narrative model never sees the test fold's articles; trained on the
    narrative labels of the English training-fold articles + all Russian); Russian rows: out-of-fold 5-fold."""
    from analysis.narratives import read_narratives_dir, train_narrative_model

    root = dx.root
    probs = {}
    ena, enl = read_narratives_dir(root / "en")
    rua, rul = read_narratives_dir(root / "ru")
    en_gold = dx.D["en"]["gold"]
    role_arts = dx.D["en"]["arts"]
    for _tr, te in grouped_folds(en_gold["article_id"].to_numpy(), 5, seed):
        test_ids = set(en_gold["article_id"].to_numpy()[te].tolist())
        lab = enl[~enl["article_id"].isin(test_ids)]
        arts = ena[ena["article_id"].isin(lab["article_id"])]
        m = train_narrative_model(arts, lab, C=4.0)
        tgt = role_arts[role_arts["article_id"].isin(test_ids)]
        _store(probs, m, tgt)
    # the training rows need out-of-fold narrative probabilities too (else they are near-gold): inner
    # 5-fold over all English role articles with narratives fitted on the others
    inner = {}
    ids = np.array(sorted(set(en_gold["article_id"])))
    for _tr, te in grouped_folds(ids, 5, seed + 7):
        test_ids = set(ids[te].tolist())
        lab = enl[~enl["article_id"].isin(test_ids)]
        m = train_narrative_model(ena[ena["article_id"].isin(lab["article_id"])], lab, C=4.0)
        _store(inner, m, role_arts[role_arts["article_id"].isin(test_ids)])
    ru_probs = {}
    rids = np.array(sorted(set(dx.D["ru"]["gold"]["article_id"])))
    for _tr, te in grouped_folds(rids, 5, seed):
        test_ids = set(rids[te].tolist())
        lab = rul[~rul["article_id"].isin(test_ids)]
        m = train_narrative_model(rua[rua["article_id"].isin(lab["article_id"])], lab, C=4.0)
        _store(ru_probs, m, dx.D["ru"]["arts"][dx.D["ru"]["arts"]["article_id"].isin(test_ids)])
    return probs, inner, ru_probs


def _store(out, m, arts):
    from analysis.narratives import _docs

    P = m.coarse.proba([m.features(doc) for doc in _docs(arts)])
    for aid, p in zip(arts["article_id"], P):
        out[aid] = dict(zip(m.coarse.classes, p))


VARIANTS = ("current", "C0.5", "C2", "cw0.5", "cw0.75", "cw1.25", "en_x2", "gold_narr_x_side", "lean_oracle",
            "pred_narr_x_side", "lean", "lean_C4", "lean_x2", "surface_avg", "entity_avg", "collective", "fine_sum",
            "fine_mix")


def run_variant(dx, name, seed):
    d = dx.D["en"]
    y = d["gold"]["main_role"].to_numpy()
    if name == "current":
        return _scores(y, decide(oof(dx, seed)))
    if name.startswith("C"):
        c = float(name[1:])
        return _scores(y, decide(oof(dx, seed, fit=lambda X, Y: fit_linear(X, Y, C=c, class_weight="balanced",
                                                                              min_count=2, seed=0))))
    if name == "gold_narr_x_side":
        F, ruF = gold_narr_x_side(dx)
        return _scores(y, decide(oof(dx, seed, F=F, ruF=ruF)))
    if name.startswith("pred_narr_x_side"):
        return pred_narr_cv(dx, seed, scale=float(name.split("x")[-1]) if name.endswith(("x2", "x0.5")) else 1.0)
    if name in ("fine_sum", "fine_mix"):
        return fine_main(dx, seed, mix=name == "fine_mix")
    if name in ("surface_avg", "entity_avg"):
        return consistency(dx, seed, by=name)
    if name.startswith("cw"):  # softened class weights (n / (k n_c)) ** power, power 1 = "balanced"
        power = float(name[2:])

        def fit(X, Y):
            from collections import Counter

            n = Counter(Y)
            cw = {c: (len(Y) / (len(n) * v)) ** power for c, v in n.items()}
            return fit_linear(X, Y, C=1.0, class_weight=cw, min_count=2, seed=0)
        return _scores(y, decide(oof(dx, seed, fit=fit)))
    if name == "en_x2":  # English training rows counted twice against the Russian ones
        return _scores(y, decide(oof(dx, seed, fit=lambda X, Y: fit_linear(
            X[:-len(dx.ru_y)] * 2 + X[-len(dx.ru_y):], Y[:-len(dx.ru_y)] * 2 + Y[-len(dx.ru_y):], C=1.0,
            class_weight="balanced", min_count=2, seed=0))))
    if name == "collective":
        return collective_cv(dx, seed)
    if name == "lean_oracle":  # upper bound: the lean of the *other* gold mentions of the article x the side
        def loo(lang):
            d_ = dx.D[lang]
            g = d_["gold"]
            tot: dict = {}
            vals = [LEAN.get((c["side"], r), 0) for c, r in zip(d_["cues"], g["main_role"])]
            for a, v in zip(g["article_id"], vals):
                tot[a] = tot.get(a, 0) + v

            def fn(i):
                v = tot[g["article_id"].iat[i]] - vals[i]
                lab = "pro_ru" if v > 0 else "pro_ua" if v < 0 else "none"
                return {f"lean:{lab}:{d_['cues'][i]['side']}": 1.0}
            return fn
        F, ruF = with_extra(dx, loo("en"), loo("ru"))
        return _scores(y, decide(oof(dx, seed, F=F, ruF=ruF)))
    if name.startswith("lean"):  # lean, lean_C4, lean_x2
        kw = {}
        for part in name.split("_")[1:]:
            if part.startswith("C"):
                kw["C"] = float(part[1:])
            elif part.startswith("x"):
                kw["scale"] = float(part[1:])
            elif part == "noru":
                kw["ru_oof"] = False
        return lean_cv(dx, seed, **kw)
    raise SystemExit(f"unknown variant {name}")


def pred_narr_cv(dx, seed, *, scale=1.0):
    probs_test, probs_train, ru_probs = pred_narr_x_side(dx, seed)
    d = dx.D["en"]
    y = d["gold"]["main_role"].to_numpy()
    aids = d["gold"]["article_id"].tolist()
    sides = [c["side"] for c in d["cues"]]
    ru_aids = dx.D["ru"]["gold"]["article_id"].tolist()
    ru_sides = [c["side"] for c in dx.D["ru"]["cues"]]

    def fx(p, side):
        return {f"pnar:{n.replace('URW: ', '')}:{side}": v * scale for n, v in p.items()}
    ruF = [{**f, **fx(ru_probs.get(a, {}), s)} for f, a, s in zip(dx.ru_feats, ru_aids, ru_sides)]
    P = np.zeros((len(y), 3))
    for tr, te in grouped_folds(np.array(aids), 5, seed):
        Ftr = [{**d["feats"][j], **fx(probs_train.get(aids[j], {}), sides[j])} for j in tr]
        Fte = [{**d["feats"][j], **fx(probs_test.get(aids[j], {}), sides[j])} for j in te]
        m = fit_linear(Ftr + ruF, list(y[tr]) + dx.ru_y, C=1.0, class_weight="balanced", min_count=2, seed=0)
        p = m.proba(Fte)
        P[te] = np.column_stack([p[:, m.classes.index(r)] for r in R.MAIN_ROLES])
    return _scores(y, decide(P))


def fine_main(dx, seed, *, mix):
    """Main role from the fine-role model's probabilities summed per main role (alone, or averaged with the main
    model's)."""
    d = dx.D["en"]
    y = d["gold"]["main_role"].to_numpy()
    P0 = oof(dx, seed)
    fr = d["gold"]["fine_roles"].tolist()
    rufr = dx.D["ru"]["gold"]["fine_roles"].tolist()
    P = np.zeros((len(y), 3))
    for tr, te in grouped_folds(d["gold"]["article_id"].to_numpy(), 5, seed):
        fx, fy = [], []
        for f, roles in list(zip([d["feats"][j] for j in tr], [fr[j] for j in tr])) + list(zip(dx.ru_feats, rufr)):
            for r in R._main_fine(roles):
                fx.append(f)
                fy.append(r)
        m = fit_linear(fx, fy, C=1.0, class_weight="balanced", min_count=2, seed=0)
        p = m.proba([d["feats"][j] for j in te])
        for k, main in enumerate(R.MAIN_ROLES):
            cols = [c for c, n in enumerate(m.classes) if R.MAIN_OF[n] == main]
            P[te, k] = p[:, cols].sum(1)
    return _scores(y, decide((P + P0) / 2 if mix else P))


def consistency(dx, seed, *, by):
    """Structured decoding: the log-probabilities of mentions of the same surface (or the same gazetteer side
    outside none/other) within an article are mixed with weight ``a`` (0.5) before argmax."""
    d = dx.D["en"]
    y = d["gold"]["main_role"].to_numpy()
    P = oof(dx, seed)
    L = np.log(np.clip(P, 1e-9, 1))
    aids = d["gold"]["article_id"].tolist()
    if by == "surface_avg":
        key = [(a, m.lower()) for a, m in zip(aids, d["gold"]["mention"])]
    else:
        key = [(a, c["side"]) if c["side"] not in ("none", "other") else (a, m.lower(), i)
               for i, (a, m, c) in enumerate(zip(aids, d["gold"]["mention"], d["cues"]))]
    groups: dict = {}
    for i, k in enumerate(key):
        groups.setdefault(k, []).append(i)
    out = []
    for a in (0.25, 0.5, 1.0):
        Q = L.copy()
        for idx in groups.values():
            if len(idx) > 1:
                Q[idx] = (1 - a) * L[idx] + a * L[idx].mean(0)
        out.append((a, _scores(y, decide(Q))))
    return out


#: sign of an actor's role for the article's pro-Russian lean: (side, main role) -> +1 pro-Russian, -1 pro-Ukrainian
LEAN = {("russia", "Protagonist"): 1, ("russia", "Antagonist"): -1, ("russia", "Innocent"): 1,
        ("ukraine", "Protagonist"): -1, ("ukraine", "Antagonist"): 1, ("ukraine", "Innocent"): -1,
        ("west", "Protagonist"): -1, ("west", "Antagonist"): 1}


def article_lean(dx, lang, rows):
    """Per article: the sign of the summed LEAN of its gold mentions among ``rows`` (0 when none is sided)."""
    d = dx.D[lang]
    out: dict = {}
    for i in rows:
        a = d["gold"]["article_id"].iat[i]
        out[a] = out.get(a, 0) + LEAN.get((d["cues"][i]["side"], d["gold"]["main_role"].iat[i]), 0)
    return {a: ("pro_ru" if v > 0 else "pro_ua" if v < 0 else "none") for a, v in out.items()}


_DOCF: dict = {}


def doc_feats(dx, lang, aid):
    key = (lang, aid)
    if key not in _DOCF:
        from analysis.narratives import _Doc, _doc_features

        arts = dx.D[lang]["arts"]
        text = arts.loc[arts["article_id"] == aid, "text"].iat[0]
        _DOCF[key] = _doc_features(_Doc(text, lang))
    return _DOCF[key]


def lean_model(dx, en_rows, ru_rows, C):
    """An article classifier (narrative document features, logistic regression) of the article lean derived
    from the gold roles of the training rows."""
    X, Y = [], []
    for lang, rows in (("en", en_rows), ("ru", ru_rows)):
        for a, lab in article_lean(dx, lang, rows).items():
            X.append(doc_feats(dx, lang, a))
            Y.append(lab)
    return fit_linear(X, Y, C=C, class_weight="balanced", min_count=2, seed=0)


def lean_cv(dx, seed, *, C=1.0, scale=1.0, ru_oof=True):
    """Main role with the predicted article lean (probabilities) crossed with the side. The lean model of an outer
    fold is trained on the training rows; training rows read inner out-of-fold lean probabilities."""
    d, r = dx.D["en"], dx.D["ru"]
    y = d["gold"]["main_role"].to_numpy()
    aids = d["gold"]["article_id"].to_numpy()
    sides = [c["side"] for c in d["cues"]]
    ru_aids = r["gold"]["article_id"].to_numpy()
    ru_sides = [c["side"] for c in r["cues"]]
    all_ru = np.arange(len(ru_aids))

    def fx(m, lang, a, side):
        p = m.proba([doc_feats(dx, lang, a)])[0]
        return {f"lean:{c}:{side}": float(v) * scale for c, v in zip(m.classes, p)}

    P = np.zeros((len(y), 3))
    for tr, te in grouped_folds(aids, 5, seed):
        m_out = lean_model(dx, tr, all_ru, C)
        inner = {}
        for itr, ite in grouped_folds(aids[tr], 5, seed + 11):
            mi = lean_model(dx, tr[itr], all_ru, C)
            for a in set(aids[tr[ite]].tolist()):
                inner[a] = mi
        # Russian rows: lean from models that never saw their article nor the outer test fold
        ru_lean = {}
        if ru_oof:
            for rtr, rte in grouped_folds(ru_aids, 5, seed + 3):
                mr = lean_model(dx, tr, rtr, C)
                for a in set(ru_aids[rte].tolist()):
                    ru_lean[a] = mr
        Ftr = [{**d["feats"][j], **fx(inner[aids[j]], "en", aids[j], sides[j])} for j in tr]
        Fte = [{**d["feats"][j], **fx(m_out, "en", aids[j], sides[j])} for j in te]
        ruF = [{**f, **fx(ru_lean[a], "ru", a, s_)} for f, a, s_ in zip(dx.ru_feats, ru_aids, ru_sides)] \
            if ru_oof else dx.ru_feats
        m = fit_linear(Ftr + ruF, list(y[tr]) + dx.ru_y, C=1.0, class_weight="balanced", min_count=2, seed=0)
        p = m.proba(Fte)
        P[te] = np.column_stack([p[:, m.classes.index(c)] for c in R.MAIN_ROLES])
    return _scores(y, decide(P))


def collective_cv(dx, seed):
    """Two-stage (collective) decoding: the article lean implied by the stage-1 probabilities of the article's
    *other* mentions (sum of P(role) x LEAN(side, role)), squashed by tanh and crossed with the mention's side, is
    added as a feature of a stage-2 model. Stage-1 probabilities: inner 5-fold out-of-fold for training rows,
    the outer training part's model for test rows; the Russian rows carry no such feature."""
    d = dx.D["en"]
    y = d["gold"]["main_role"].to_numpy()
    aids = d["gold"]["article_id"].to_numpy()
    sides = [c["side"] for c in d["cues"]]
    F = d["feats"]
    roles = list(R.MAIN_ROLES)

    def fit(X, Y):
        return fit_linear(X, Y, C=1.0, class_weight="balanced", min_count=2, seed=0)

    def probs(m, rows):
        p = m.proba([F[j] for j in rows])
        return np.column_stack([p[:, m.classes.index(c)] for c in roles])

    def extra(rows, P):
        contrib = {}
        for k, j in enumerate(rows):
            v = sum(P[k, c] * LEAN.get((sides[j], r), 0) for c, r in enumerate(roles))
            contrib[j] = v
        tot: dict = {}
        for j in rows:
            tot[aids[j]] = tot.get(aids[j], 0.0) + contrib[j]
        return {j: {f"coll:{sides[j]}": float(np.tanh(tot[aids[j]] - contrib[j]))} for j in rows}

    P2 = np.zeros((len(y), 3))
    for tr, te in grouped_folds(aids, 5, seed):
        Ptr = np.zeros((len(tr), 3))
        for itr, ite in grouped_folds(aids[tr], 5, seed + 11):
            m = fit([F[j] for j in tr[itr]] + dx.ru_feats, list(y[tr[itr]]) + dx.ru_y)
            Ptr[ite] = probs(m, tr[ite])
        m1 = fit([F[j] for j in tr] + dx.ru_feats, list(y[tr]) + dx.ru_y)
        ex = {**extra(list(tr), Ptr), **extra(list(te), probs(m1, te))}
        m2 = fit([{**F[j], **ex[j]} for j in tr] + dx.ru_feats, list(y[tr]) + dx.ru_y)
        P2[te] = probs_of(m2, [{**F[j], **ex[j]} for j in te])
    return _scores(y, decide(P2))


def probs_of(m, X):
    p = m.proba(X)
    return np.column_stack([p[:, m.classes.index(c)] for c in R.MAIN_ROLES])


def _semeval_root(arg):
    """The SemEval-2025 T10 folder (``--root`` or ../shared/eval/semeval25); None, with a "skipped" line, when its
    en/ru folders are absent."""
    from analysis.paths import shared_dir

    root = Path(arg) if arg else shared_dir() / "eval" / "semeval25"
    if (root / "en").is_dir() and (root / "ru").is_dir():
        return root
    print(f"skipped: {root} (SemEval-2025 T10 en/ru folders) is absent")
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["errors", "variants"])
    ap.add_argument("--seed", type=int, nargs="+", default=[0])
    ap.add_argument("--variants", nargs="+", default=["current"])
    ap.add_argument("--root", default=None)
    args = ap.parse_args(argv)
    root = _semeval_root(args.root)
    if root is None:
        return 0
    dx = Data(root)
    dx.root = root
    if args.command == "errors":
        errors(dx)
        return 0
    for name in args.variants:
        res = [run_variant(dx, name, s) for s in args.seed]
        tail = ""
        if len(res) > 1 and isinstance(res[0], tuple) and isinstance(res[0][0], float):
            tail = f" mean {tuple(np.round(np.mean(res, 0), 4).tolist())}"
        print(name, *res, tail, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
