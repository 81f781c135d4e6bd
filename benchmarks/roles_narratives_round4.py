"""Round-4 experiments of issue 11 (figures in data/lexicons/README-roles.md, "Round 4").

    PYTHONPATH=src python benchmarks/roles_narratives_round4.py SUBCOMMAND [--seed S] [--root SEMEVAL_DIR]

Subcommands (English narratives; roles in both languages):

* ``narratives-decisions`` - decision rules over the coarse/fine one-vs-rest probabilities (Other gate,
  relative and cardinality rules, two-level union scores, a multinomial coarse model), every rule parameter
  chosen by an inner 4-fold CV on each outer training part;
* ``narratives-features`` - feature-block variants (cue scale, stance, title words, no bigrams, LSA of
  unlabelled English texts from ../shared/corpus) and C ensembles;
* ``narratives-seeds`` - current model vs the C 1 + C 4 average with outer fold seed ``--seed`` (inner folds
  seed + 1, as ``analysis.evaluate narratives --cv 5 --seed S``);
* ``narratives-min-count`` - the coarse model with features kept when seen in >= 1 / 2 / 3 / 5 articles;
* ``roles-features`` / ``roles-aggregates`` / ``roles-navec`` - main-role variants (argmax of the main model;
  English = joint en+ru C 1, Russian = Russian-only C 0.3, as the defaults), with ``--seed`` for the folds.

Outer folds are those of ``python -m analysis.evaluate roles|narratives --cv 5`` (seed 0 by default). Exits 0 with
a "skipped" line when ../shared is absent. Nothing is written.
"""

from __future__ import annotations

import argparse
import itertools
import math
import re
import sys
from pathlib import Path

import numpy as np

from analysis import narratives as N
from analysis import roles as R
from analysis._linear import fit_linear
from analysis.evaluation import samples_f1
from analysis.evaluation.narratives import folds
from analysis.evaluation.roles import grouped_folds

OTHER = N.OTHER
_RU_VECTORS = R._ru_vectors  # the real loader, kept before the roles harness switches it off
TG = N.THRESHOLD_GRID


# ----------------------------------------------------------------------------------------- narratives
class Narr:
    def __init__(self, root: Path, seed: int):
        self.arts, labels = N.read_narratives_dir(root / "en")
        self.ids = self.arts["article_id"].tolist()
        self.docs = N._docs(self.arts)
        self.feats = [N._doc_features(d) for d in self.docs]
        self.cs, self.fs = N._label_sets(labels, self.ids)
        self.seed = seed
        self.min_count = 2

    def fit_pred(self, tr, te, C, F, soft=False):
        cs, fs = self.cs, self.fs
        if soft:  # one multinomial model over coarse labels, one row per gold label
            X, y = [], []
            for i in tr:
                for c in sorted(cs[i]):
                    X.append(F[i])
                    y.append(c)
            m = fit_linear(X, y, kind="softmax", C=C, min_count=2)
            return m.classes, [], m.proba([F[i] for i in te]), np.zeros((len(te), 0))
        cn = sorted(set().union(*[cs[i] for i in tr]))
        fn = sorted(set().union(*[fs[i] for i in tr]))
        Yc = np.array([[n in cs[i] for n in cn] for i in tr], int)
        Yf = np.array([[n in fs[i] for n in fn] for i in tr], int)
        mc = fit_linear([F[i] for i in tr], Yc, kind="ovr", classes=cn, C=C, min_count=self.min_count)
        mf = fit_linear([F[i] for i in tr], Yf, kind="ovr", classes=fn, C=1.0, min_count=2)
        return cn, fn, mc.proba([F[i] for i in te]), mf.proba([F[i] for i in te])

    def probs(self, C=4.0, F=None, soft=False):
        F = F or self.feats
        out = []
        for tr, te in folds(self.ids, 5, self.seed):
            inner = [(tr[ite], *self.fit_pred(tr[itr], tr[ite], C, F, soft))
                     for itr, ite in folds(np.arange(len(tr)), 4, self.seed + 1)]
            out.append((tr, te, inner, self.fit_pred(tr, te, C, F, soft)))
        return out

    def tune_eval(self, runs, dec, grid):
        pred = [None] * len(self.ids)
        for _tr, te, inner, (cn, fn, pc, pf) in runs:
            gold = [self.cs[r] for ite, *_ in inner for r in ite]

            def sc(g, inner=inner, gold=gold):
                return samples_f1(gold, [dec(ipc[k], ipf[k], icn, ifn, *g)
                                         for ite, icn, ifn, ipc, ipf in inner for k in range(len(ite))])

            g = max(grid, key=lambda g: (round(sc(g), 12), -abs(g[-1] - 0.2)))
            for k, r in enumerate(te):
                pred[r] = dec(pc[k], pf[k], cn, fn, *g)
        return round(samples_f1(self.cs, pred), 4)


def _scores(pc, pf, cn, fn, mode):
    s = dict(zip(cn, pc))
    if mode == "c":
        return s
    for c in cn:
        sub = [pf[i] for i, n in enumerate(fn) if n.startswith(c + ": ")]
        if c == OTHER or not sub:
            continue
        if mode == "max":
            s[c] = max(s[c], max(sub))
        elif mode == "mean":
            s[c] = (s[c] + max(sub)) / 2
        elif mode == "noisy":
            s[c] = 1 - (1 - s[c]) * float(np.prod([1 - x for x in sub]))
    return s


def _ranked(s):
    return sorted((c for c in s if c != OTHER), key=lambda c: -s[c])


def d_global(pc, pf, cn, fn, t, mode="c"):
    s = _scores(pc, pf, cn, fn, mode)
    if max(s, key=s.get) == OTHER:
        return {OTHER}
    order = _ranked(s)
    return {order[0]} | {c for c in order[1:] if s[c] >= t}


def d_gate(pc, pf, cn, fn, to, t, mode="c", rule="abs"):
    s = _scores(pc, pf, cn, fn, mode)
    order = _ranked(s)
    if s.get(OTHER, 0) >= to:
        return {OTHER}
    if rule == "rel":
        return {c for c in order if s[c] >= t * s[order[0]]}
    if rule == "card":
        return set(order[:max(1, int(round(t * sum(s[c] for c in order))))])
    return {order[0]} | {c for c in order[1:] if s[c] >= t}


def d_ratio(pc, pf, cn, fn, m, t, rule="abs"):
    s = _scores(pc, pf, cn, fn, "c")
    order = _ranked(s)
    if s.get(OTHER, 0) >= m * s[order[0]]:
        return {OTHER}
    if rule == "rel":
        return {c for c in order if s[c] >= t * s[order[0]]}
    return {order[0]} | {c for c in order[1:] if s[c] >= t}


TO = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01)
RG = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)
M = (0.6, 0.8, 1.0, 1.2, 1.4, 1.7, 2.0, 2.5)


def narratives_decisions(nx: Narr):
    runs = nx.probs()
    te = nx.tune_eval
    print("current", te(runs, d_global, [(t,) for t in TG]))
    print("Other gate", te(runs, d_gate, list(itertools.product(TO, TG))))
    print("Other gate, relative", te(runs, lambda *a: d_gate(*a, rule="rel"), list(itertools.product(TO, RG))))
    print("Other gate, cardinality", te(runs, lambda *a: d_gate(*a, rule="card"),
                                        list(itertools.product(TO, (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)))))
    print("Other ratio", te(runs, d_ratio, list(itertools.product(M, TG))))
    print("Other ratio, relative", te(runs, lambda *a: d_ratio(*a, rule="rel"), list(itertools.product(M, RG))))
    for mode in ("max", "mean", "noisy"):
        print("union", mode, te(runs, lambda *a, mode=mode: d_global(*a, mode=mode), [(t,) for t in TG]))
    print("union noisy, relative", te(runs, lambda *a: d_gate(*a, mode="noisy", rule="rel"),
                                      list(itertools.product(TO, RG))))
    for C in (1.0, 4.0, 16.0):
        print("multinomial C", C, te(nx.probs(C=C, soft=True), d_global, [(t,) for t in TG]))


def _avg(parts):
    out = []
    for group in zip(*parts):
        tr, te = group[0][0], group[0][1]
        inner = [(group[0][2][j][0], group[0][2][j][1], group[0][2][j][2],
                  np.mean([g[2][j][3] for g in group], 0), np.mean([g[2][j][4] for g in group], 0))
                 for j in range(len(group[0][2]))]
        cn, fn = group[0][3][:2]
        out.append((tr, te, inner, (cn, fn, np.mean([g[3][2] for g in group], 0), np.mean([g[3][3] for g in group], 0))))
    return out


def narratives_features(nx: Narr, root: Path):
    from analysis.roles import _cues

    def stance(doc):
        cues = _cues(doc.lang)["stance"]
        ru = len(cues["pro_russia"].findall(doc.lower)) if cues["pro_russia"] is not None else 0
        ua = len(cues["pro_ukraine"].findall(doc.lower)) if cues["pro_ukraine"] is not None else 0
        return {"st:ru": min(ru, 5) / 5, "st:ua": min(ua, 5) / 5, "st": (ua - ru) / (ua + ru) if ua + ru else 0.0}

    def title(doc):
        ws = set(N._WORD.findall(doc.lower.split("\n", 1)[0]))
        return {"t:" + w: 1 / math.sqrt(max(len(ws), 1)) for w in ws}

    def build(cue=1.0, add=None, bi=True):
        out = []
        for d, f in zip(nx.docs, nx.feats):
            g = {k: (v * cue if k.startswith(("cue:", "fcue:")) else v) for k, v in f.items()
                 if bi or not k.startswith("b:")}
            if add:
                g.update(add(d))
            out.append(g)
        return out

    ev = lambda F, C=4.0: nx.tune_eval(nx.probs(C=C, F=F), d_global, [(t,) for t in TG])  # noqa: E731
    for cue in (2.0, 4.0, 0.0):
        print("cue block x", cue, ev(build(cue=cue)))
    print("+ stance", ev(build(add=stance)))
    print("+ title words", ev(build(add=title)))
    print("no bigrams", ev(build(bi=False)))
    import pandas as pd
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    corpus = root.parent.parent / "corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted((corpus / "news_gdelt" / "articles").glob("*.txt"))]
    texts += pd.read_csv(corpus / "official_statements.csv")["text"].dropna().astype(str).tolist()
    vec = TfidfVectorizer(min_df=3, max_df=0.5, sublinear_tf=True, max_features=20000)
    X = vec.fit_transform(texts)
    Z = TruncatedSVD(100, random_state=0).fit(X).transform(vec.transform([d.text for d in nx.docs]))
    Z = Z / (np.linalg.norm(Z, axis=1, keepdims=True) + 1e-9)
    for scale in (1.0, 2.0):
        print("+ LSA x", scale, ev([dict(f, **{f"z{j}": float(z[j]) * scale for j in range(100)})
                                   for f, z in zip(nx.feats, Z)]))
    print("LSA only", ev([{"bias": 1.0, **{f"z{j}": float(z[j]) * 2 for j in range(100)}} for z in Z]))
    runs = {C: nx.probs(C=C) for C in (1.0, 4.0, 16.0)}
    for keys in ((1.0,), (16.0,), (1.0, 4.0), (1.0, 4.0, 16.0), (4.0, 16.0)):
        print("mean of C", keys, nx.tune_eval(_avg([runs[k] for k in keys]), d_global, [(t,) for t in TG]))


def narratives_seeds(nx: Narr):
    runs = {C: nx.probs(C=C) for C in (1.0, 4.0)}
    print("seed", nx.seed, "current", nx.tune_eval(runs[4.0], d_global, [(t,) for t in TG]),
          "mean of C 1 and 4", nx.tune_eval(_avg([runs[1.0], runs[4.0]]), d_global, [(t,) for t in TG]))


def narratives_min_count(nx: Narr):
    for mc in (1, 2, 3, 5):
        nx.min_count = mc
        print("seed", nx.seed, "min_count", mc, nx.tune_eval(nx.probs(), d_global, [(t,) for t in TG]), flush=True)


# ----------------------------------------------------------------------------------------- roles
class Roles:
    def __init__(self, root: Path, seed: int, embeddings: bool = False):
        if not embeddings:  # the round-3 features, as the variants were measured against them
            R._ru_vectors = lambda: None
        self.D = {}
        for lang in ("en", "ru"):
            arts, gold = R.read_roles_dir(root / lang)
            feats, cues, _ = R.featurize(gold, arts)
            self.D[lang] = {"arts": arts, "gold": gold, "feats": feats}
        self.seed = seed

    def cv(self, lang, transform=lambda f, lang, i: f):
        joint = lang == "en"
        d = self.D[lang]
        F = [transform(f, lang, i) for i, f in enumerate(d["feats"])]
        add, addy = [], []
        if joint:
            add = [R.strip_embeddings(transform(f, "ru", i)) for i, f in enumerate(self.D["ru"]["feats"])]
            addy = self.D["ru"]["gold"]["main_role"].tolist()
        y = d["gold"]["main_role"].to_numpy()
        pred = np.empty(len(y), dtype=object)
        for tr, te in grouped_folds(d["gold"]["article_id"].to_numpy(), 5, self.seed):
            m = fit_linear([F[j] for j in tr] + add, list(y[tr]) + addy, C=1.0 if joint else 0.3,
                           class_weight="balanced", min_count=2, seed=0)
            pred[te] = m.predict([F[j] for j in te])
        from sklearn.metrics import f1_score

        return round(float((pred == y).mean()), 4), round(float(f1_score(y, pred.astype(str), average="macro")), 4)

    def report(self, name, t=lambda f, lang, i: f, langs=("en", "ru")):
        print(name, *(f"{lang} {self.cv(lang, t)}" for lang in langs), flush=True)


LI = ("side:", "stance", "side_x_stance:", "nar_x_side:", "harm_", "cue:", "innocent_entity", "count_log", "in_title",
      "position", "tsent", "speaker", "E_occurrences")


def roles_features(rx: Roles):
    def cross(keys):
        return lambda f, lang, i: {**f, **{"lg" + lang + ":" + k: v for k, v in f.items() if k.startswith(keys)}}

    rx.report("current")
    rx.report("language-independent x language", cross(LI))
    rx.report("side, stance x language", cross(("side:", "side_x_stance:", "stance")))
    rx.report("narrative cues x side x language", cross(("nar_x_side:",)))
    rx.report("language-independent x2", lambda f, lang, i: {k: v * 2 if k.startswith(LI) else v for k, v in f.items()})
    rx.report("without position", lambda f, lang, i: {k: v for k, v in f.items() if k != "position"})


def roles_aggregates(rx: Roles):
    agg = {}
    for lang, d in rx.D.items():
        texts = dict(zip(d["arts"]["article_id"], d["arts"]["text"]))
        out = []
        for aid, s, ment in zip(d["gold"]["article_id"], d["gold"]["start"], d["gold"]["mention"]):
            art = R._Article(texts[aid], lang)
            cs = [R.mention_features(art, m.start(), m.end(), surface=ment)[1]
                  for m in re.finditer(re.escape(ment.lower()), art.lowered) if m.start() != int(s)]
            a = {}
            if cs:
                n = len(cs)
                a["A:agent"] = sum(c["agent"] for c in cs) / n
                a["A:patient"] = sum(c["patient"] for c in cs) / n
                if lang == "en":
                    a["A:tsent"] = sum(c["score"] for c in cs) / n
                    a["A:neg"] = sum(c["score"] <= -0.025 for c in cs) / n
                    a["A:pos"] = sum(c["score"] >= 0.10 for c in cs) / n
                    a["A:speaker"] = sum(c["speaker"] for c in cs) / n
                    a["A:tsent_x_side:" + cs[0]["side"]] = a["A:tsent"]
                for r in set().union(*[c["fine"] for c in cs]):
                    v = sum(c["fine"].get(r, 0) > 0 for c in cs) / n
                    if v:
                        a["A:cue:" + r] = v
            out.append(a)
        agg[lang] = out

    def add(keys=None):
        return lambda f, lang, i: {**f, **{k: v for k, v in agg[lang][i].items() if keys is None or k.startswith(keys)}}

    rx.report("current")
    rx.report("all aggregates", add())
    rx.report("harm aggregates", add(("A:agent", "A:patient")))
    rx.report("sentiment aggregates", add(("A:tsent", "A:neg", "A:pos")))
    rx.report("cue aggregates", add(("A:cue",)))


def roles_navec(rx: Roles):
    emb = _RU_VECTORS()
    if emb is None:
        print("skipped: natasha's navec vectors are not installed")
        return
    d = rx.D["ru"]
    texts = dict(zip(d["arts"]["article_id"], d["arts"]["text"]))
    vecs = []
    from bisect import bisect_left, bisect_right

    for aid, s, e in zip(d["gold"]["article_id"], d["gold"]["start"], d["gold"]["end"]):
        art = R._Article(texts[aid], "ru")
        ts = bisect_right(art.ends, int(s))
        te = max(bisect_left(art.starts, int(e)), ts + 1)
        lem = art.lemma_list()
        one = {}
        for tag, rng in (("w", list(range(max(0, ts - 8), ts)) + list(range(te, min(len(lem), te + 8)))),
                         ("m", range(ts, te))):
            vs = [emb[lem[i]] for i in rng if lem[i] in emb]
            v = np.mean(vs, axis=0) if vs else np.zeros(300)
            one[tag] = v / (np.linalg.norm(v) or 1.0)
        vecs.append(one)

    def add(tags, scale):
        return lambda f, lang, i: {**f, **{f"nv{t}{j}": float(vecs[i][t][j]) * scale for t in tags for j in range(300)}}

    rx.report("without vectors", langs=("ru",))
    for tags, scale in ((("w",), 0.5), (("w",), 1.0), (("w",), 2.0), (("w", "m"), 1.0), (("w", "m"), 2.0)):
        rx.report(f"navec {'+'.join(tags)} x{scale}", add(tags, scale), langs=("ru",))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["narratives-decisions", "narratives-features", "narratives-seeds",
                                        "narratives-min-count",
                                        "roles-features", "roles-aggregates", "roles-navec"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--root", default=None)
    args = ap.parse_args(argv)
    from analysis.paths import shared_dir

    root = Path(args.root) if args.root else shared_dir() / "eval" / "semeval25"
    if not (root / "en").is_dir() or not (root / "ru").is_dir():
        print(f"skipped: {root} (SemEval-2025 T10 en/ru folders) is absent")
        return 0
    if args.command.startswith("narratives"):
        nx = Narr(root, args.seed)
        {"narratives-decisions": narratives_decisions, "narratives-seeds": narratives_seeds,
         "narratives-min-count": narratives_min_count,
         "narratives-features": lambda nx: narratives_features(nx, root)}[args.command](nx)
    else:
        rx = Roles(root, args.seed)
        {"roles-features": roles_features, "roles-aggregates": roles_aggregates,
         "roles-navec": roles_navec}[args.command](rx)
    return 0


if __name__ == "__main__":
    sys.exit(main())
