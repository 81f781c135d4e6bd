"""Round-10 experiments of issue 11 (figures in data/lexicons/README-roles.md, "Round 10"): English entity roles -
the collective stage with a richer article context, the collective stage as the default, and the fine roles.

    PYTHONPATH=src python benchmarks/roles_round10.py [--seed S ...] --variants NAME ...

Main-role variants (main accuracy / macro-F1 on the folds of ``python -m analysis.evaluate roles EN --cv 5 --seed
S``; round 9's harness, :mod:`roles_round9`, features computed once; they hold round 9's quote and harm features):

* ``base`` / ``coll``: the command's figures with ``--collective no`` / ``yes`` (library path);
* ``stackcoll``: round 9's ``stackcoll`` on the current features - the per-article context (mean stage-1
  probabilities of the other same-surface mentions and of the article's other russia / ukraine / west mentions,
  and round 7's lean crossed with the side) appended to the stage-1 features of a second-stage model, stage-1
  probabilities of training rows from an inner grouped 4-fold CV (en + ru rows);
* ``stackcoll_ss`` / ``stackcoll_oth``: the same with only the same-surface part (+ the lean) / only the per-side
  part (+ the lean).

Fine-role variants ``fine:<name>`` and ``collfine:<name>`` (fine exact match / fine micro-F1, scored as the
command scores them; the main role is the library's, without / with the collective stage, so main accuracy does
not move): ``base`` (the library: the multinomial fine model, C 0.3, restricted to the fine roles of the predicted
main role, a cue word of that role when the model's best probability is below 0.3); ``fb<t>``: that fallback
threshold t (0 = never); ``Cf<c>``: fine model C; ``en``: fine model on the English rows only; ``permain``: one
multinomial model per main role, trained on the rows of that gold main role; ``bal``: balanced class weights;
``second<r>``: a second fine role of the same main role added when its probability is at least r times the best's.

Russian quote features (lead 3 of round 9): ``ru_base`` / ``ru_q``: the Russian main role (the Russian-only model,
C 0.3, as ``python -m analysis.evaluate roles RU --cv 5 --seed S`` trains it) without / with round 9's quote
features on the Russian rows - the quotes of :func:`analysis.framing.quotes` on a Russian article (its
Russian/Ukrainian path, :mod:`analysis.framing.quotes_cyr`), the tone of the quoted words from the Cyrillic lemma
lexicon (:func:`analysis.sentiment.cyrillic.score_text`), the speaker's side by the Russian gazetteer; ``q_ru``:
the English main role with the Russian training rows of the joint model carrying those features.

Writes nothing.
"""

from __future__ import annotations

import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import roles_round6 as r6  # noqa: E402
import roles_round7 as r7  # noqa: E402
import roles_round9 as r9  # noqa: E402

from analysis import roles as R  # noqa: E402
from analysis._linear import fit_linear  # noqa: E402
from analysis.evaluation.roles import grouped_folds, role_scores  # noqa: E402


def stackcoll(dx, seed, parts):
    """Round 9's ``stackcoll`` with a choice of context parts (``ss``: same surface, ``oth``: per side, ``coll``:
    the lean), main accuracy / macro-F1."""
    keep = tuple({"ss": "ss:", "oth": "oth:", "coll": "coll:"}[p] for p in parts)
    orig = r9.context_features

    def ctx(*a):
        return [{k: v for k, v in f.items() if k.startswith(keep)} for f in orig(*a)]

    r9.context_features = ctx
    try:
        return r9.stacked(dx, seed, dx.D["en"]["feats"], "stackcoll")
    finally:
        r9.context_features = orig


def ru_quotes(art):
    """:func:`analysis.roles.article_quotes` of a Russian article (its quotes come from the Russian/Ukrainian path
    of :func:`analysis.framing.quotes`), with the tone of the quoted words from the Cyrillic lexicon and the
    speaker's side by the Russian gazetteer instead of the English ones."""
    from analysis.sentiment.cyrillic import score_text

    return [(qs, qe, speaker, ss, se, verb, float(score_text(art.text[qs:qe], "ru")[3]),
             R.mention_side(speaker, "ru") if speaker else "none")
            for qs, qe, speaker, ss, se, verb, _tone, _side in R.article_quotes(art)]


def ru_quote_features(dx):
    """Round 9's quote features (:func:`analysis.roles.quote_features`) of every Russian gold row."""
    r = dx.D["ru"]
    texts = dict(zip(r["arts"]["article_id"], r["arts"]["text"]))
    held: dict = {}
    out = []
    for aid, a, b, c in zip(r["gold"]["article_id"], r["gold"]["start"], r["gold"]["end"], r["cues"]):
        if aid not in held:
            held[aid] = ru_quotes(R._Article(texts[aid], "ru"))
        out.append(R.quote_features(held[aid], texts[aid], a, b, c["side"]))
    print(f"  ru quotes: {sum(bool(e) for e in out)} of {len(out)} rows with a cue", file=sys.stderr)
    return out


def russian(dx, seed, F):
    """Main accuracy / macro-F1 of the Russian-only model (the command's defaults) on Russian rows ``F``."""
    g = dx.D["ru"]["gold"]
    y = g["main_role"].to_numpy()
    aids = g["article_id"].to_numpy()
    P = np.zeros((len(y), 3))
    for tr, te in grouped_folds(aids, 5, seed):
        m = R.train_role_model([F[j] for j in tr], list(y[tr]), g["fine_roles"].iloc[tr].tolist(), lang="ru",
                               seed=seed, groups=list(aids[tr]))
        P[te] = m.main_proba([F[j] for j in te])
    return r6._scores(y, r6.decide(P))


def _fine_rows(F, fine_roles, mains=None):
    fx, fy = [], []
    for k, (f, roles) in enumerate(zip(F, fine_roles)):
        for r in R._main_fine(roles):
            if mains is None or mains[k] == R.MAIN_OF[r]:
                fx.append(f)
                fy.append(r)
    return fx, fy


def _fine_model(X, fine, mains, name, seed):
    """{main role or None: SparseLinear} for the fine variant ``name``."""
    X = [R.strip_embeddings(f) for f in X]
    C, cw = 0.3, None
    if name.startswith("Cf"):
        C = float(name[2:])
    if name == "bal":
        cw = "balanced"
    if name == "permain":
        out = {}
        for main in R.MAIN_ROLES:
            fx, fy = _fine_rows(X, fine, [m if m == main else None for m in mains])
            out[main] = fit_linear(fx, fy, C=C, class_weight=cw, min_count=2, seed=seed)
        return out
    fx, fy = _fine_rows(X, fine)
    return {None: fit_linear(fx, fy, C=C, class_weight=cw, min_count=2, seed=seed)}


def _decide_fine(models, feats, cues, pred_main, name):
    fb = float(name[2:]) if name.startswith("fb") else R.FINE_FALLBACK
    second = float(name[6:]) if name.startswith("second") else None
    out = []
    probs = {k: m.proba(feats) for k, m in models.items()}
    for j, main in enumerate(pred_main):
        key = main if main in models else None
        m, pf = models[key], probs[key][j]
        allowed = [c for c, n in enumerate(m.classes) if R.MAIN_OF.get(n) == main]
        if not allowed:
            out.append(R.role_lexicon()["default_fine"][main])
            continue
        best = max(allowed, key=lambda c: pf[c])
        pick = [m.classes[best]]
        if pf[best] < fb:
            r_main, r_fine, _ = R._rule_roles(cues[j])
            if r_main == main and cues[j]["fine"].get(r_fine, 0) > 0:
                pick = [r_fine]
        if second is not None:
            rest = sorted((c for c in allowed if c != best), key=lambda c: -pf[c])
            if rest and pf[rest[0]] >= second * pf[best] and m.classes[rest[0]] not in pick:
                pick.append(m.classes[rest[0]])
        out.append("|".join(pick))
    return out


def fine_runs(dx, seed, names, collective):
    """{name: (fine exact match, fine micro-F1)} for each fine variant, with the library's main role; and the
    main accuracy / macro-F1 under ``'main'``."""
    d, r = dx.D["en"], dx.D["ru"]
    g, rg = d["gold"], r["gold"]
    y = g["main_role"].to_numpy()
    aids = g["article_id"].to_numpy()
    F, ruF = d["feats"], r["feats"]
    cues = d["cues"]
    pm = np.empty(len(y), dtype=object)
    pf = {n: np.empty(len(y), dtype=object) for n in names}
    for tr, te in grouped_folds(aids, 5, seed):
        X = [F[j] for j in tr] + ruF
        Y = list(y[tr]) + rg["main_role"].tolist()
        fine = g["fine_roles"].iloc[tr].tolist() + rg["fine_roles"].tolist()
        m = R.train_role_model(X, Y, fine, lang="en", seed=seed, groups=list(aids[tr]) + rg["article_id"].tolist(),
                               C=1.0, collective=collective)
        Xte = [F[j] for j in te]
        main = np.array(list(R.MAIN_ROLES))[m.main_proba(Xte, list(aids[te])).argmax(1)]
        pm[te] = main
        te_cues = [cues[j] for j in te]
        en_rows = len(tr)
        for n in names:
            if n in ("base", "second") or n.startswith(("fb", "second")):
                models = {None: m.fine}
            elif n == "en":
                models = _fine_model(X[:en_rows], fine[:en_rows], Y[:en_rows], "base", seed)
            else:
                models = _fine_model(X, fine, Y, n, seed)
            got = _decide_fine(models, Xte, te_cues, main, n)
            for k, j in enumerate(te):
                pf[n][j] = got[k]
    out = {"main": r6._scores(y, pm)}
    for n in names:
        s = role_scores(g, pm, pf[n])
        out[n] = (s["fine_exact_match"], s["fine_micro_f1"])
    return out


def main(argv=None) -> int:
    args, dx = r7.arguments_and_data(argv, __doc__, "base")
    if dx is None:
        return 0
    fine = {"fine": [], "collfine": []}
    for name in args.variants:
        head, _, tail = name.partition(":")
        if head in fine:
            fine[head].append(tail)
        elif name in ("base", "coll"):
            r7.print_runs(name, args.seed, lambda s, c=name == "coll": r7.library(dx, s, c))
        elif name == "stackcoll":
            r7.print_runs(name, args.seed, lambda s: r9.stacked(dx, s, dx.D["en"]["feats"], "stackcoll"))
        elif name.startswith("stackcoll_"):
            parts = {"ss": ("ss", "coll"), "oth": ("oth", "coll")}[name.split("_", 1)[1]]
            r7.print_runs(name, args.seed, lambda s, parts=parts: stackcoll(dx, s, parts))
        elif name in ("ru_base", "ru_q"):
            F = dx.D["ru"]["feats"]
            if name == "ru_q":
                F = [{**f, **e} for f, e in zip(F, ru_quote_features(dx))]
            r7.print_runs(name, args.seed, lambda s, F=F: russian(dx, s, F))
        elif name == "q_ru":
            saved = dx.D["ru"]["feats"]
            dx.D["ru"]["feats"] = [{**R.strip_embeddings(f), **e} for f, e in zip(saved, ru_quote_features(dx))]
            try:
                r7.print_runs(name, args.seed, lambda s: r7.library(dx, s, False))
            finally:
                dx.D["ru"]["feats"] = saved
        else:
            raise SystemExit(f"unknown variant {name}")
    for head, names in fine.items():
        if not names:
            continue
        res = {n: [] for n in ["main", *names]}
        for s in args.seed:
            got = fine_runs(dx, s, names, head == "collfine")
            for n in res:
                res[n].append(got[n])
            print(f"  {head} seed {s}: {got}", file=sys.stderr, flush=True)
        for n, v in res.items():
            print(f"{head}:{n}", *v, f" mean {tuple(np.round(np.mean(v, 0), 4).tolist())}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
