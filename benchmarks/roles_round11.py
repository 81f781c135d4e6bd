"""Round-11 experiments of issue 11 (figures in data/lexicons/README-roles.md, "Round 11"): English entity roles -
an error analysis of the out-of-fold predictions, then what it suggests.

    PYTHONPATH=src python benchmarks/roles_round11.py errors [--seed S ...]
    PYTHONPATH=src python benchmarks/roles_round11.py variants [--seed S ...] --variants NAME ...

``errors``: the library's out-of-fold main roles (the folds of ``python -m analysis.evaluate roles EN --cv 5 --seed
S``, its default collective model; round 10's harness, features computed once) broken down by gold / predicted role,
entity kind (the gazetteer entity type of the surface: person / country / org / ... or none), position (headline =
first line, first paragraph, rest), the article's overall side (majority gold lean of its mentions, see
:data:`analysis.roles.LEAN_SIGN`), the number of annotated mentions of the same entity (surface) in the article, and
the gazetteer side; plus how often one entity's mentions in one article share the gold role and the predicted role.

Main-role variants (main accuracy / macro-F1; every one starts from the library's out-of-fold probabilities of
the collective model, ``coll``):

* ``coll``: the library (the command's figures);
* ``vote``: one role per (article, surface): the mean of the probabilities of the entity's mentions in the article;
  ``vote<w>``: a mention's own probabilities mixed with that mean, weight w on the mean;
* ``antb<b>``: a log-offset b added to Antagonist before the argmax (b < 0 favours the others);
* ``prior<k>``: an entity-identity prior: the log of a smoothed distribution of the gold main roles of the same
  surface (lower case) in the training folds' English and Russian rows - only surfaces seen there - with strength k
  (a pseudo count of 3 on the training folds' class shares); ``priorv<k>``: the same, then ``vote``;
* ``idf``: the prior as features of the model (``id:<role>`` = the smoothed share, out-of-fold within the training
  part: each training row's prior leaves out its own article), collective model retrained.

Fine variants ``fine:<name>`` (fine exact match / fine micro-F1 under the collective main role): round 10's
``fine_runs`` (``base``, ``fb0.5``, ``Cf0.1``) plus ``Cf0.1fb0.5``: both.

Writes nothing.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import roles_round6 as r6  # noqa: E402
import roles_round7 as r7  # noqa: E402
import roles_round10 as r10  # noqa: E402

from analysis import roles as R  # noqa: E402
from analysis.evaluation.roles import grouped_folds  # noqa: E402

ROLES = list(R.MAIN_ROLES)


def lib_oof(dx, seed, *, F=None, ruF=None, collective=True):
    """The library's out-of-fold main-role probabilities (:data:`analysis.roles.MAIN_ROLES` order) of the English
    rows, and the training-fold indices of each fold."""
    d, r = dx.D["en"], dx.D["ru"]
    g, rg = d["gold"], r["gold"]
    y = g["main_role"].to_numpy()
    aids = g["article_id"].to_numpy()
    F, ruF = d["feats"] if F is None else F, r["feats"] if ruF is None else ruF
    P = np.zeros((len(y), 3))
    folds = list(grouped_folds(aids, 5, seed))
    for tr, te in folds:
        m = R.train_role_model([F[j] for j in tr] + ruF, list(y[tr]) + rg["main_role"].tolist(),
                               g["fine_roles"].iloc[tr].tolist() + rg["fine_roles"].tolist(), lang="en", seed=seed,
                               groups=list(aids[tr]) + rg["article_id"].tolist(), C=1.0, collective=collective)
        P[te] = m.main_proba([F[j] for j in te], list(aids[te]))
    return P, folds


_CACHE: dict = {}


def cached_oof(dx, seed):
    if seed not in _CACHE:
        _CACHE[seed] = lib_oof(dx, seed)
    return _CACHE[seed]


def keys(dx, lang="en"):
    g = dx.D[lang]["gold"]
    return [(a, str(m).lower().strip()) for a, m in zip(g["article_id"], g["mention"])]


def vote(P, ks, w=1.0):
    """Each row's probabilities mixed with the mean over the rows of the same (article, surface), weight w."""
    groups = defaultdict(list)
    for i, k in enumerate(ks):
        groups[k].append(i)
    out = P.copy()
    for rows in groups.values():
        mean = P[rows].mean(0)
        out[rows] = (1 - w) * P[rows] + w * mean
    return out


def identity_prior(dx, tr, te, k):
    """Log of the smoothed gold main-role distribution of each test row's surface in the training rows (English
    rows ``tr`` plus every Russian row); 0 (no prior) for surfaces the training rows never name."""
    y = dx.D["en"]["gold"]["main_role"].to_numpy()
    surf = [s for _, s in keys(dx)]
    counts: dict = defaultdict(lambda: np.zeros(3))
    base = np.zeros(3)
    for j in tr:
        counts[surf[j]][ROLES.index(y[j])] += 1
        base[ROLES.index(y[j])] += 1
    for s, r in zip(keys(dx, "ru"), dx.D["ru"]["gold"]["main_role"]):
        counts[s[1]][ROLES.index(r)] += 1
        base[ROLES.index(r)] += 1
    base = base / base.sum()
    out = np.zeros((len(te), 3))
    for n, j in enumerate(te):
        c = counts.get(surf[j])
        if c is not None and c.sum() > 0:
            sm = (c + 3 * base) / (c.sum() + 3)
            out[n] = k * (np.log(sm) - np.log(base))
    return out


def prior_features(surfs, ys, aids, rows, *, leave_out):
    """``id:<role>`` features (log of the smoothed share of that gold role among the rows naming the same surface,
    over the base share) of ``rows``, counted over every row of ``surfs``/``ys``/``aids``; ``leave_out``: without
    the rows of the row's own article (as for training rows, so that the feature never holds its own label)."""
    tot: dict = defaultdict(lambda: np.zeros(3))
    own: dict = defaultdict(lambda: np.zeros(3))
    base = np.zeros(3)
    for s, y, a in zip(surfs, ys, aids):
        tot[s][ROLES.index(y)] += 1
        own[(a, s)][ROLES.index(y)] += 1
        base[ROLES.index(y)] += 1
    base = base / base.sum()
    out = []
    for s, a in rows:
        c = tot.get(s, np.zeros(3)) - (own.get((a, s), np.zeros(3)) if leave_out else 0)
        if c.sum() <= 0:
            out.append({})
            continue
        sm = (c + 3 * base) / (c.sum() + 3)
        out.append({f"id:{r}": float(v) for r, v in zip(ROLES, np.log(sm) - np.log(base))})
    return out


def idf_oof(dx, seed):
    """:func:`lib_oof` with the ``id:`` features (:func:`prior_features`) of each fold's training rows (en + ru)."""
    d, r = dx.D["en"], dx.D["ru"]
    g, rg = d["gold"], r["gold"]
    y = g["main_role"].to_numpy()
    aids = g["article_id"].to_numpy()
    surf = [s for _, s in keys(dx)]
    rsurf = [s for _, s in keys(dx, "ru")]
    F, ruF = d["feats"], r["feats"]
    P = np.zeros((len(y), 3))
    for tr, te in grouped_folds(aids, 5, seed):
        S = [surf[j] for j in tr] + rsurf
        Y = list(y[tr]) + rg["main_role"].tolist()
        A = list(aids[tr]) + rg["article_id"].tolist()
        Xtr = [{**f, **e} for f, e in zip([F[j] for j in tr] + ruF,
                                          prior_features(S, Y, A, list(zip(S, A)), leave_out=True))]
        Xte = [{**F[j], **e} for j, e in zip(te, prior_features(S, Y, A, [(surf[j], aids[j]) for j in te],
                                                                  leave_out=False))]
        m = R.train_role_model(Xtr, Y, g["fine_roles"].iloc[tr].tolist() + rg["fine_roles"].tolist(), lang="en",
                               seed=seed, groups=A, C=1.0, collective=True)
        P[te] = m.main_proba(Xte, list(aids[te]))
    return P


def post(P, add):
    z = np.log(np.clip(P, 1e-12, None)) + add
    z -= z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def variant(dx, name, seed):
    y = dx.D["en"]["gold"]["main_role"].to_numpy()
    P, folds = cached_oof(dx, seed)
    ks = keys(dx)
    if name == "coll":
        Q = P
    elif name == "idf":
        Q = idf_oof(dx, seed)
    elif name.startswith("vote"):
        Q = vote(P, ks, float(name[4:] or 1))
    elif name.startswith("antb"):
        Q = post(P, np.array([0.0, float(name[4:]), 0.0]))
    elif name.startswith("prior"):
        v = name.startswith("priorv")
        k = float(name[6:] if v else name[5:])
        add = np.zeros_like(P)
        for tr, te in folds:
            add[te] = identity_prior(dx, tr, te, k)
        Q = post(P, add)
        if v:
            Q = vote(Q, ks)
    else:
        raise SystemExit(f"unknown variant {name}")
    return r6._scores(y, r6.decide(Q))


# ------------------------------------------------------------------ error analysis
def _kind_of():
    from analysis.entities import load_gazetteer

    gaz = load_gazetteer()
    kind = {}
    for s, e in zip(gaz.surfaces["surface"], gaz.surfaces["entity_id"]):
        kind.setdefault(s.lower(), e.split(":", 1)[0])
    return kind


def _position(text, start):
    head = text.find("\n")
    if start < (head if head >= 0 else len(text)):
        return "headline"
    body = text[head:].lstrip("\n")
    first = len(text) - len(body)
    nxt = text.find("\n", first)
    if start < (nxt if nxt >= 0 else len(text)):
        return "first_par"
    return "rest"


def errors(dx, seeds):
    d = dx.D["en"]
    g = d["gold"]
    y = g["main_role"].to_numpy()
    texts = dict(zip(d["arts"]["article_id"], d["arts"]["text"]))
    kind_of = _kind_of()
    surf = [s for _, s in keys(dx)]
    kinds = np.array([kind_of.get(s, "none") for s in surf])
    pos = np.array([_position(texts[a], s) for a, s in zip(g["article_id"], g["start"])])
    sides = np.array([c["side"] for c in d["cues"]])
    ks = keys(dx)
    n_same = Counter(ks)
    mult = np.array(["1" if n_same[k] == 1 else "2" if n_same[k] == 2 else "3+" for k in ks])
    # the article's overall side: majority lean implied by its gold roles (LEAN_SIGN)
    lean = defaultdict(float)
    for a, s, r in zip(g["article_id"], sides, y):
        lean[a] += R.LEAN_SIGN.get(s, (0, 0, 0))[ROLES.index(r)]
    art_side = np.array(["pro-ru" if lean[a] > 0 else "pro-ua" if lean[a] < 0 else "neutral"
                         for a in g["article_id"]])
    print(f"n={len(y)} gold {dict(Counter(y))}")
    groups = defaultdict(list)
    for i, k in enumerate(ks):
        groups[k].append(i)
    multi = [rows for rows in groups.values() if len(rows) > 1]
    same_gold = sum(len(set(y[rows])) == 1 for rows in multi)
    print(f"entities named 2+ times in an article: {len(multi)} groups, {sum(map(len, multi))} rows; "
          f"gold role the same in {same_gold} groups ({same_gold / max(len(multi), 1):.3f}); majority-gold "
          f"ceiling (every row given its group's majority gold): "
          f"{sum(Counter(y[rows]).most_common(1)[0][1] for rows in multi)} of {sum(map(len, multi))} rows")
    for seed in seeds:
        P, _ = cached_oof(dx, seed)
        pred = r6.decide(P)
        print(f"\nseed {seed}: {r6._scores(y, pred)}")
        print("  confusion gold \\ pred:", ROLES)
        for r in ROLES:
            print(f"    {r:12s}", [int(((y == r) & (pred == c)).sum()) for c in ROLES])
        for name, key in (("kind", kinds), ("position", pos), ("article side", art_side), ("mentions of entity", mult),
                          ("gazetteer side", sides)):
            print(f"  by {name}:")
            for v in sorted(set(key)):
                k = key == v
                gl = Counter(y[k])
                print(f"    {v:10s} n={k.sum():3d} acc={float((pred[k] == y[k]).mean()):.3f} "
                      f"gold P/A/I={gl['Protagonist']}/{gl['Antagonist']}/{gl['Innocent']} "
                      f"err->A={int(((pred[k] != y[k]) & (pred[k] == 'Antagonist')).sum())}")
        dis = sum(len(set(pred[rows])) > 1 for rows in multi)
        dis_same = sum(len(set(pred[rows])) > 1 for rows in multi if len(set(y[rows])) == 1)
        print(f"  predictions disagree within {dis} of {len(multi)} multi-mention groups "
              f"({dis_same} of them with one gold role)")
        conf = P.max(1)
        for lo, hi in ((0, .5), (.5, .7), (.7, .9), (.9, 1.01)):
            k = (conf >= lo) & (conf < hi)
            print(f"  confidence [{lo},{hi}): n={k.sum()} acc={float((pred[k] == y[k]).mean()) if k.any() else 0:.3f}")
        wrong = Counter(np.array(surf)[pred != y].tolist())
        print("  most frequent wrong surfaces:", wrong.most_common(15))


def _combined_fine():
    """Let round 10's fine harness read ``Cf<c>fb<t>``: the fine model of ``Cf<c>``, the fallback of ``fb<t>``."""
    fit, decide = r10._fine_model, r10._decide_fine

    def part(name, head):
        if name.startswith("Cf") and "fb" in name:
            c, t = name[2:].split("fb")
            return f"Cf{c}" if head == "Cf" else f"fb{t}"
        return name

    r10._fine_model = lambda X, fine, mains, name, seed: fit(X, fine, mains, part(name, "Cf"), seed)
    r10._decide_fine = lambda models, feats, cues, main, name: decide(models, feats, cues, main, part(name, "fb"))


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv.pop(0) if argv and argv[0] in ("errors", "variants") else "variants"
    args, dx = r7.arguments_and_data(argv, __doc__, "coll")
    if dx is None:
        return 0
    if command == "errors":
        errors(dx, args.seed)
        return 0
    fine = [n.partition(":")[2] for n in args.variants if n.startswith("fine:")]
    for name in args.variants:
        if not name.startswith("fine:"):
            res = [variant(dx, name, s) for s in args.seed]
            tail = f" mean {tuple(np.round(np.mean(res, 0), 4).tolist())}" if len(res) > 1 else ""
            print(name, *res, tail, flush=True)
    if fine:
        _combined_fine()
        res = {n: [] for n in ["main", *fine]}
        for s in args.seed:
            got = r10.fine_runs(dx, s, fine, True)
            for n in res:
                res[n].append(got[n])
        for n, v in res.items():
            print(f"fine:{n}", *v, f" mean {tuple(np.round(np.mean(v, 0), 4).tolist())}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
