"""Round-7 experiments of issue 11: English narratives from actor casting, coarse-from-fine, label counts
(figures in data/lexicons/README-roles.md, "Round 7 (narratives)").

    PYTHONPATH=src python benchmarks/narratives_round7.py [VARIANT ...] [--seeds 0 1 ...] [--lang en]

Protocol and decision rule of ``narratives_round6.py`` (whose harness this reuses): outer folds of ``python -m
analysis.evaluate narratives --cv 5 --seed S``, threshold by inner 4-fold CV; every variant keeps the round-6
default (P(Other) averaged with the cue-count model's). Casting features: every gazetteer mention of the article
(``analysis.entities.mentions``, no discovery) gets a main / fine role, and the article gets, per gazetteer side,
the share of its mentions in each role (``cast:side:role``), optionally per fine role and the mean target
sentiment per side. Roles come from the training-free rules or from a role model (``analysis.roles``, joint
en + ru, C 1, as ``analysis.evaluate roles``) trained on the gold roles of every article except those scored.

Variants: ``base``; ``cast-SRC-BLOCKS-SCALE`` (SRC rules|model, BLOCKS a string of m (main role shares), f (fine
role shares), s (sentiment per side), n (side presence); SCALE multiplies the block); ``castonly-SRC-BLOCKS``
(casting + cue counts only); ``joint-SRC-BLOCKS-SCALE`` (the Russian articles added to every training part with
their language-independent features only: casting and cue counts); ``c2f-A`` (coarse score = (1 - A) x P(coarse)
+ A x the best P(sub-narrative)); ``count`` (a label-count model: multinomial LR over cue counts and length
predicting Other / 1 / 2 / 3+, the top-k narratives kept; ``count-mix`` lets the inner CV choose between it and
the threshold rule); ``oth-SRC-BLOCKS`` (P(Other) averaged with a LR over cue counts + casting instead of cue
counts alone); ``aug-SRC-BLOCKS-SCALE`` (casting in the coarse and the fine model; run it alone); ``blend-SRC-
BLOCKS-A`` ((1 - A) x the model + A x a cue-count + casting LR, all labels). ``modelx`` = role predictions
cross-fitted once (5 fixed groups of articles, one role model per group). Nothing is written.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import narratives_round6  # noqa: E402
from narratives_round6 import H, _lr_ovr, parser, report, semeval_root  # noqa: E402

from analysis import narratives as N  # noqa: E402
from analysis import roles as R  # noqa: E402
from analysis.entities import mentions  # noqa: E402
from analysis.text import sentences  # noqa: E402

OTHER = N.OTHER
MAIN = list(R.MAIN_ROLES)


def _gazetteer_rows(arts):
    """Gazetteer mentions of the articles with their role features and rule cues."""
    ments = mentions(sentences(arts), discover=False)
    ments = ments[ments["method"] != "discovered"].reset_index(drop=True)
    feats, cues, _ = R.featurize(ments, arts)
    return ments, feats, cues


def casting(aids, ment_aids, cues, P, fine, blocks):
    """{article: features}: per side, mean P(role) of its mentions (m), share of each fine role (f), mean target
    sentiment (s), log count of the side's mentions (n)."""
    by: dict = {}
    for i, a in enumerate(ment_aids):
        by.setdefault(a, {}).setdefault(cues[i]["side"], []).append(i)
    out = []
    for a in aids:
        f: dict = {}
        for side, idx in by.get(a, {}).items():
            if "m" in blocks:
                for k, r in enumerate(MAIN):
                    f[f"cast:{side}:{r}"] = float(np.mean(P[idx, k]))
            if "f" in blocks:
                for i in idx:
                    f[f"castf:{side}:{fine[i]}"] = f.get(f"castf:{side}:{fine[i]}", 0.0) + 1.0 / len(idx)
            if "s" in blocks:
                f[f"csent:{side}"] = float(np.mean([cues[i]["score"] for i in idx]))
            if "n" in blocks:
                f[f"cnum:{side}"] = math.log1p(len(idx)) / 3.0
        out.append(f)
    return out


class H7(H):
    def __init__(self, root: Path, lang: str = "en"):
        super().__init__(root)
        self.root = root
        self.ments, self.mfeats, self.mcues = _gazetteer_rows(self.arts)
        self.maids = self.ments["article_id"].tolist()
        ra, gold = R.read_roles_dir(root / "en")
        self.gold = gold
        self.gfeats, _, _ = R.featurize(gold, ra)
        rr, rgold = R.read_roles_dir(root / "ru")
        self.rgold = rgold
        self.rgfeats, _, _ = R.featurize(rgold, rr)
        self.ru_arts, ru_labels = N.read_narratives_dir(root / "ru")
        self.ru_ids = self.ru_arts["article_id"].tolist()
        self.ru_docs = N._docs(self.ru_arts)
        self.ru_cs, _ = N._label_sets(ru_labels, self.ru_ids)
        self.rments, self.rmfeats, self.rmcues = _gazetteer_rows(self.ru_arts)
        self.base_feats = [N._doc_features(d) for d in self.docs]
        self.ru_cue = [N._cue_features(N._doc_features(d)) for d in self.ru_docs]
        self.rule_pred = self._rules(self.mcues)
        self.ru_rule_pred = self._rules(self.rmcues)

    @staticmethod
    def _rules(cues):
        P = np.zeros((len(cues), 3))
        fine = []
        for i, c in enumerate(cues):
            r, fr, conf = R._rule_roles(c)
            P[i] = (1 - conf) / 2
            P[i, MAIN.index(r)] = conf
            fine.append(fr)
        return P, fine

    def role_model(self, te_ids):
        """Joint en + ru role model (C 1) on the gold roles of every article but ``te_ids``; its (P, fine) on the
        gazetteer mentions of the English and the Russian narrative articles."""
        key = ("roles", frozenset(te_ids))
        if key not in self.cache:
            keep = ~self.gold["article_id"].isin(set(te_ids)).to_numpy()
            rk = ~self.rgold["article_id"].isin(set(te_ids)).to_numpy()
            feats = [f for f, k in zip(self.gfeats, keep) if k] + [f for f, k in zip(self.rgfeats, rk) if k]
            main = self.gold["main_role"][keep].tolist() + self.rgold["main_role"][rk].tolist()
            fine = self.gold["fine_roles"][keep].tolist() + self.rgold["fine_roles"][rk].tolist()
            m = R.train_role_model(feats, main, fine, lang="en", C=1.0)
            out = []
            for mf in (self.mfeats, self.rmfeats):
                sub = [R.strip_embeddings(f) for f in mf]
                P = m.main_proba(sub)
                pf = m.fine.proba(sub)
                fn = []
                for j in range(len(sub)):
                    r = MAIN[int(P[j].argmax())]
                    allowed = [c for c, n in enumerate(m.fine.classes) if R.MAIN_OF.get(n) == r]
                    fn.append(m.fine.classes[max(allowed, key=lambda c: pf[j, c])] if allowed else "-")
                out.append((P, fn))
            self.cache[key] = out
        return self.cache[key]

    def crossfit(self, k=5):
        """Role predictions of every gazetteer mention from a role model that has not seen the gold roles of its
        article: the en and ru articles in k fixed groups, one role model per group (fast screening; the model
        of one article has seen the gold roles of other test articles, never the narrative labels)."""
        key = ("crossfit", k)
        if key not in self.cache:
            ids = sorted(set(self.gold["article_id"]) | set(self.ids)) + sorted(set(self.rgold["article_id"]))
            rng = np.random.RandomState(0)
            group = dict(zip(ids, rng.permutation(len(ids)) % k))
            out = [(np.zeros((len(self.mfeats), 3)), [None] * len(self.mfeats)),
                   (np.zeros((len(self.rmfeats), 3)), [None] * len(self.rmfeats))]
            aid_lists = [self.maids, self.rments["article_id"].tolist()]
            for g in range(k):
                te_ids = [a for a in ids if group[a] == g]
                res = self.role_model(te_ids)
                for (P, fn), (Pg, fg), aids in zip(out, res, aid_lists):
                    for i, a in enumerate(aids):
                        if group.get(a) == g:
                            P[i], fn[i] = Pg[i], fg[i]
            self.cache[key] = out
        return self.cache[key]

    def cast_feats(self, src, blocks, te_ids, ru=False):
        if src == "rules":
            P, fn = self.ru_rule_pred if ru else self.rule_pred
        elif src == "modelx":
            P, fn = self.crossfit()[1 if ru else 0]
        else:
            P, fn = self.role_model(te_ids)[1 if ru else 0]
        if ru:
            return casting(self.ru_ids, self.rments["article_id"].tolist(), self.rmcues, P, fn, blocks)
        return casting(self.ids, self.maids, self.mcues, P, fn, blocks)

    def cast_scorer(self, src, blocks, scale, mode="add", joint=False, C=4.0, raw=False):
        def f(tr, te):
            te_ids = [self.ids[i] for i in te]
            key = ("cast", src, blocks, scale, mode, joint, C, tuple(tr), tuple(te))
            if key in self.cache:
                return self.cache[key]
            cf = self.cast_feats(src, blocks, te_ids)
            rows = []
            for i in range(len(self.ids)):
                base = self.base_feats[i] if mode == "add" else {"bias": 1.0, **N._cue_features(self.base_feats[i])}
                rows.append({**base, **{k: v * scale for k, v in cf[i].items()}})
            names = self.names(tr)
            if joint:
                rcf = self.cast_feats(src, blocks, te_ids, ru=True)
                rrows = [{"bias": 1.0, **self.ru_cue[i], **{k: v * scale for k, v in rcf[i].items()}}
                         for i in range(len(self.ru_ids))]
                names = sorted(set(names) | set().union(*self.ru_cs))
            vec = DictVectorizer()
            X = vec.fit_transform(rows + (rrows if joint else [])).tocsr()
            Y = self.Y(tr, names)
            Xtr = X[tr]
            if joint:
                Yr = np.array([[n in s for n in names] for s in self.ru_cs], int)
                Xtr = sparse.vstack([Xtr, X[len(self.ids):]]).tocsr()
                Y = np.vstack([Y, Yr])
            P = _lr_ovr(Xtr, Y, C)(X[te])
            if joint:  # score the English label set only
                en_names = self.names(tr)
                P = P[:, [names.index(n) for n in en_names]]
                names = en_names
            self.cache[key] = names, P
            return names, P
        return f if raw else self.with_other(f)

    def other_cast(self, src, blocks, a=0.5):
        """The round-6 rule with casting: P(Other) averaged with a LR (C 1) over cue counts + casting shares."""
        small = self.cast_scorer(src, blocks, 1.0, mode="only", C=1.0, raw=True)

        def f(tr, te):
            n1, p1 = self.base(tr, te)
            n2, p2 = small(tr, te)
            p = p1.copy()
            if OTHER in n1:
                j = n1.index(OTHER)
                p[:, j] = (1 - a) * p1[:, j] + a * p2[:, n2.index(OTHER)]
            return n1, p
        return f

    def blend_cast(self, src, blocks, a, C=1.0):
        base = self.with_other(self.base)
        small = self.cast_scorer(src, blocks, 1.0, mode="only", C=C)

        def f(tr, te):
            n1, p1 = base(tr, te)
            n2, p2 = small(tr, te)
            assert n1 == n2
            return n1, (1 - a) * p1 + a * p2
        return f

    def with_other(self, scorer, a=0.5):
        """The round-6 default on top of a scorer: P(Other) averaged with the cue-count LR's."""
        def f(tr, te):
            n1, p1 = scorer(tr, te)
            _, p2 = self.small(tr, te, "cue", 1.0)
            p = p1.copy()
            if OTHER in n1:
                j = n1.index(OTHER)
                p[:, j] = (1 - a) * p1[:, j] + a * p2[:, j]
            return n1, p
        return f

    def c2f(self, a):
        def f(tr, te):
            n, p = self.base(tr, te)
            fn, fproba = self.fine_model(tr)
            F = fproba(self.X[te])
            p = p.copy()
            for j, c in enumerate(n):
                cols = [q for q, x in enumerate(fn) if x.startswith(c + ": ")]
                if c != OTHER and cols:
                    p[:, j] = (1 - a) * p[:, j] + a * F[:, cols].max(axis=1)
            return n, p
        return self.with_other(f)

    def count_scorer(self, C=1.0):
        """Base scores plus four columns ``#0..#3``: P(Other / 1 / 2 / 3+ narratives) from a multinomial LR over
        the cue counts and the log length."""
        from sklearn.linear_model import LogisticRegression

        base = self.with_other(self.base)
        M = np.column_stack([self.dense("cue"), [math.log1p(len(d.text)) / 10 for d in self.docs]])

        def f(tr, te):
            n, p = base(tr, te)
            y = np.array([0 if self.cs[i] == {OTHER} else min(len(self.cs[i]), 3) for i in tr])
            clf = LogisticRegression(C=C, max_iter=3000, random_state=0).fit(M[tr], y)
            Q = np.zeros((len(te), 4))
            Q[:, clf.classes_] = clf.predict_proba(M[te])
            return n + ["#0", "#1", "#2", "#3"], np.hstack([p, Q])
        return f


def count_decision(row, names, t):
    """t = ("k",): keep the top-k narratives, k the most probable count (0 = Other); t = ("thr", x): the current
    rule on the label columns."""
    k = len(names) - 4
    lab, p, q = names[:k], row[:k], row[k:]
    if t[0] == "thr":
        return {lab[j] for j in N._decide(p, lab, t[1])}
    n = int(np.argmax(q))
    if n == 0:
        return {OTHER}
    order = [j for j in np.argsort(-p) if lab[j] != OTHER]
    return {lab[j] for j in order[:n]} or {OTHER}


def _near(t):
    # tie-break of the inner CV: the threshold nearest 0.2 as in round 6; the count rule before any threshold
    if isinstance(t, tuple):
        return -1.0 if t[0] == "k" else abs(t[1] - 0.2)
    return abs(t - 0.2)


def main(argv=None) -> int:
    narratives_round6._near = _near
    args = parser(range(10)).parse_args(argv)
    root = semeval_root(args.root)
    if root is None:
        return 0
    with threadpool_limits(limits=1):
        h = H7(root)
        for v in args.variants:
            p = v.split("-")
            dec = grid = None
            if v == "base":
                sc = h.with_other(h.base)
            elif p[0] in ("cast", "castonly", "joint"):
                sc = h.cast_scorer(p[1], p[2], float(p[3]) if len(p) > 3 else 1.0,
                                   mode="only" if p[0] == "castonly" else "add", joint=p[0] == "joint")
            elif p[0] == "aug":  # aug-SRC-BLOCKS-SCALE: casting in the coarse and the fine model (run it alone)
                cf = h.cast_feats(p[1], p[2], [])
                cue = h.dense("cue")  # read through the original vectoriser's columns, kept after the swap
                h.X = DictVectorizer().fit_transform(
                    [{**b, **{k: x * float(p[3]) for k, x in c.items()}} for b, c in zip(h.base_feats, cf)]).tocsr()
                h.cache = {("dense", "cue"): cue}
                sc = h.with_other(h.base)
            elif p[0] == "oth":  # oth-SRC-BLOCKS: P(Other) averaged with a cue-count + casting LR instead
                sc = h.other_cast(p[1], p[2])
            elif p[0] == "blend":  # blend-SRC-BLOCKS-A: (1 - A) x base + A x a casting + cue-count LR (C 1)
                sc = h.blend_cast(p[1], p[2], float(p[3]))
            elif p[0] == "c2f":
                sc = h.c2f(float(p[1]))
            elif p[0] == "count":
                sc = h.count_scorer()
                dec = count_decision
                grid = [("k",)] if v == "count" else [("k",)] + [("thr", t) for t in N.THRESHOLD_GRID]
            else:
                raise SystemExit(f"unknown variant {v}")
            report(v, [h.run(sc, s, dec, grid) for s in args.seeds], digits=4)
    return 0


if __name__ == "__main__":
    sys.exit(main())
