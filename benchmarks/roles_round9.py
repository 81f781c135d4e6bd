"""Round-9 experiments of issue 11 (figures in data/lexicons/README-roles.md, "Round 9"): English main role -
a stacked lean classifier, quote features, and the harm verb class unified with the agency module's harm verbs.

    PYTHONPATH=src python benchmarks/roles_round9.py [--seed S ...] --variants NAME ...

Every variant is scored on the folds of ``python -m analysis.evaluate roles EN --cv 5 --seed S`` (round 8's harness,
:mod:`roles_round8`; the joint en+ru model, C 1, argmax), features computed once:

* ``base`` / ``coll``: the command's figures without / with ``--collective yes`` (since round 9 the library's
  features hold ``q`` and ``harm``, so ``base`` is the round's ``q+harm`` and those variants add nothing more);
* ``q``: quote features (:func:`quote_features`, :func:`analysis.framing.quotes` over the article): the mention is
  the speaker of a quote (``q:speaks``, with the tone of what it says, ``q:speak_tone`` and crossed with its side,
  and the reporting verb's class ``q:verb:<class>``), stands inside a quote (``q:inside``, the quote's tone, the
  speaker's side ``q:quoted_by:<side>``), or is named in the article's quotes (``q:about_tone``: the mean tone of
  the quotes naming its surface). Tone: the war-news VADER compound (:func:`analysis.sentiment.scorer`);
* ``harm``: the ``harm`` class of ``cast_verbs`` (``roles.yml``) unified with the agency module's harm verbs
  (:data:`analysis.framing.agency.HARM_VERBS`, every single-word form added as a prefix): the ``vc:harm:*`` cues
  recomputed with the union;
* ``stack`` / ``stackctx`` / ``stackcoll``: a stacked lean classifier. Stage 1 is the current main model; a
  second multinomial logistic regression (balanced, C 1) reads only a few dense features per mention: stage 1's
  log-probabilities, the rules' main role, the side (``stack``); plus the per-article context (``stackctx``): the
  mean stage-1 probabilities of the other mentions with the same surface in the article, and of the article's other
  mentions of each side (sided: russia / ukraine / west), the lean of the other sided mentions crossed with the side
  (round 7's ``coll:<side>``). Its training rows read out-of-fold stage-1 probabilities from an inner grouped 4-fold
  CV over the training part only (en + ru rows; inner seed S + 1); the test rows read the full stage-1 model's.
  ``stackcoll``: the same context features appended to the stage-1 features (a collective stage with the richer
  context instead of the single lean feature);
* ``q_s`` / ``q_i`` / ``q_a`` (and ``q_si`` ...): only the speaker / inside / about part of ``q``;
* combinations with ``+`` of feature variants (``q+harm``) and ``stack*`` over them (``stackctx@q``).

Writes nothing.
"""

from __future__ import annotations

import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import roles_round6 as r6  # noqa: E402
import roles_round7 as r7  # noqa: E402
import roles_round8 as r8  # noqa: E402

from analysis import roles as R  # noqa: E402
from analysis._linear import fit_linear  # noqa: E402
from analysis.evaluation.roles import grouped_folds  # noqa: E402

ROLES = list(R.MAIN_ROLES)
SIDES = ("russia", "ukraine", "west")


# --------------------------------------------------------------------------- quote features
def quote_features(arts, gold, cues):
    """{feature: value} per gold row (see the module doc, ``q``): the round's features, as the library computes
    them since (:func:`analysis.roles.quote_features` over :func:`analysis.roles.article_quotes`)."""
    texts = dict(zip(arts["article_id"], arts["text"]))
    held: dict = {}
    out = []
    for aid, a, b, c in zip(gold["article_id"], gold["start"], gold["end"], cues):
        if aid not in held:
            held[aid] = R.article_quotes(R._Article(texts[aid], "en"))
        out.append(R.quote_features(held[aid], texts[aid], a, b, c["side"]))
    return out


# --------------------------------------------------------------------------- unified harm class
def harm_features(dx):
    """The ``vc:`` cues recomputed with the harm class = cast_verbs harm + every single-word HARM_VERBS form."""
    from analysis.framing.agency import HARM_VERBS

    forms = sorted({w for p, f in HARM_VERBS.values() for w in (*p, *f) if " " not in w})
    classes = tuple((name, tuple(sorted(set(pref) | set(forms))) if name == "harm" else pref)
                    for name, pref in R._cast_classes("en"))
    old = R._cast_classes
    R._cast_classes = lambda lang: classes if lang == "en" else old(lang)
    try:
        ex = r8.extra_features(dx, {"vc"})
    finally:
        R._cast_classes = old
    return ex


# --------------------------------------------------------------------------- stacking
def context_features(P, sides, aids, surfaces):
    """Per row: mean P of the other mentions with the same surface in the article, mean P of the article's other
    mentions of each sided side, round 7's lean of the other sided mentions crossed with the side."""
    n = len(sides)
    out = [dict() for _ in range(n)]
    idx: dict = {}
    for k, a in enumerate(aids):
        idx.setdefault(a, []).append(k)
    lean_sides, lean = R._other_lean([{"side:" + s: 1.0} for s in sides], P, aids)
    for rows in idx.values():
        for k in rows:
            f = out[k]
            same = [j for j in rows if j != k and surfaces[j] == surfaces[k]]
            if same:
                m = P[same].mean(0)
                f["ss:any"] = 1.0
                for c, r in enumerate(ROLES):
                    f["ss:" + r] = float(m[c])
            for s in SIDES:
                oth = [j for j in rows if j != k and sides[j] == s]
                if oth:
                    m = P[oth].mean(0)
                    for c, r in enumerate(ROLES):
                        f[f"oth:{s}:{r}"] = float(m[c])
            f["coll:" + sides[k]] = float(lean[k])
    return out


def stack_features(P, rules, sides, ctx=None):
    out = []
    for k in range(len(P)):
        lp = np.log(np.clip(P[k], 1e-6, None))
        f = {"bias": 1.0, "rule:" + rules[k]: 1.0, "side:" + sides[k]: 1.0}
        for c, r in enumerate(ROLES):
            f["lp:" + r] = float(lp[c])
            f[f"lp:{r}:{sides[k]}"] = float(lp[c])
        if ctx is not None:
            f.update(ctx[k])
        out.append(f)
    return out


def fit1(X, Y):
    return fit_linear(X, Y, C=1.0, class_weight="balanced", min_count=2, seed=0)


def stacked(dx, seed, F, kind):
    d, r = dx.D["en"], dx.D["ru"]
    g, rg = d["gold"], r["gold"]
    y = g["main_role"].to_numpy()
    aids = g["article_id"].to_numpy()
    en_sides = [c["side"] for c in d["cues"]]
    ru_sides = [c["side"] for c in r["cues"]]
    en_rules = [R._rule_roles(c)[0] for c in d["cues"]]
    ru_rules = [R._rule_roles(c)[0] for c in r["cues"]]
    texts = {"en": dict(zip(d["arts"]["article_id"], d["arts"]["text"])),
             "ru": dict(zip(r["arts"]["article_id"], r["arts"]["text"]))}
    en_surf = [texts["en"][a][s:e].lower() for a, s, e in zip(g["article_id"], g["start"], g["end"])]
    ru_surf = [texts["ru"][a][s:e].lower() for a, s, e in zip(rg["article_id"], rg["start"], rg["end"])]
    ruF = dx.ru_feats
    out = np.zeros((len(y), 3))
    for tr, te in grouped_folds(aids, 5, seed):
        X = [R.strip_embeddings(F[j]) for j in tr] + ruF
        Y = list(y[tr]) + dx.ru_y
        G = np.concatenate([aids[tr], rg["article_id"].to_numpy()])
        S = [en_sides[j] for j in tr] + ru_sides
        RU = [en_rules[j] for j in tr] + ru_rules
        SF = [en_surf[j] for j in tr] + ru_surf
        Pin = np.zeros((len(X), 3))
        for itr, ite in grouped_folds(G, 4, seed + 1):
            m = fit1([X[i] for i in itr], [Y[i] for i in itr])
            Pin[ite] = r6.probs_of(m, [X[i] for i in ite])
        m1 = fit1(X, Y)
        Xte = [R.strip_embeddings(F[j]) for j in te]
        Pte = r6.probs_of(m1, Xte)
        te_s, te_r, te_sf = [en_sides[j] for j in te], [en_rules[j] for j in te], [en_surf[j] for j in te]
        ctx_tr = context_features(Pin, S, G, SF) if kind != "stack" else None
        ctx_te = context_features(Pte, te_s, aids[te], te_sf) if kind != "stack" else None
        if kind == "stackcoll":
            m2 = fit1([{**x, **c} for x, c in zip(X, ctx_tr)], Y)
            out[te] = r6.probs_of(m2, [{**x, **c} for x, c in zip(Xte, ctx_te)])
        else:
            m2 = fit1(stack_features(Pin, RU, S, ctx_tr), Y)
            out[te] = r6.probs_of(m2, stack_features(Pte, te_r, te_s, ctx_te))
    return r6._scores(y, r6.decide(out))


def main(argv=None) -> int:
    args, dx = r7.arguments_and_data(argv, __doc__, "base")
    if dx is None:
        return 0
    d = dx.D["en"]
    base = d["feats"]
    cache: dict = {}

    def feats(kinds):
        F = base
        for kind in kinds:
            if kind not in cache:
                if kind.startswith("q_"):  # a part of the quote features: s(peaks), i(nside), a(bout)
                    pre = {"s": ("q:speak", "q:verb"), "i": ("q:inside", "q:quoted_by"), "a": ("q:about",)}
                    keep = tuple(x for part in kind[2:] for x in pre[part])
                    whole = feats(["q"])
                    cache[kind] = [{k: v for k, v in f.items() if k.startswith(keep)} for f in whole]
                elif kind == "q":
                    cache[kind] = quote_features(d["arts"], d["gold"], d["cues"])
                elif kind == "harm":
                    cache[kind] = harm_features(dx)
                print(f"  {kind}: {sum(bool(e) for e in cache[kind])} of {len(base)} rows with a cue",
                      file=sys.stderr)
            if kind == "harm":
                F = [{**{k: v for k, v in f.items() if not k.startswith("vc:")}, **e} for f, e in zip(F, cache[kind])]
            else:
                F = [{**f, **e} for f, e in zip(F, cache[kind])]
        return F

    for name in args.variants:
        head, _, tail = name.partition("@")
        if head.startswith("stack"):
            F = feats([k for k in tail.split("+") if k])
            r7.print_runs(name, args.seed, lambda s, F=F, head=head: stacked(dx, s, F, head))
            continue
        coll = name.startswith("coll")
        kinds = [k for k in (tail if coll else name).split("+") if k and k != "base"]
        F = feats(kinds)
        r7.print_runs(name, args.seed, lambda s, F=F, coll=coll: r7.library(dx, s, coll, F=F))
    return 0


if __name__ == "__main__":
    sys.exit(main())
