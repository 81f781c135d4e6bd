"""Round-13 experiments of issue 11 (figures in data/lexicons/README-roles.md, "Round 13"): English entity roles -
a mention-level stance model learned by distant supervision on the unlabelled texts of ``../shared/corpus``.

    PYTHONPATH=src python benchmarks/roles_round13.py [--seed S ...] --variants NAME ...
    PYTHONPATH=src python benchmarks/roles_round13.py diagnose

The stance model (:func:`train_stance`): every gazetteer name of a side (:func:`analysis.roles._gazetteer_sides`,
one to three words, longest first; sides ``russia`` -> bloc R, ``ukraine`` and ``west`` -> bloc U; other sides
skipped) in the official statements (``official_statements.csv``: ``russia_state`` -> R, ``ukraine_state`` and
``us_government`` -> U), the GDELT news (``news_gdelt``: RU / BY -> R, UA / PL / US / GB -> U) and the headline
streams (Sputnik -> R, Kyiv Independent -> U) is labelled *hostile* when the source's bloc differs from the
actor's, *friendly* when it is the same. Features: the lower-cased alphabetic words of a window of ``W`` words
either side of the name, the name itself left out (binary, plus ``<bloc>:<word>`` copies crossed with the actor's
bloc in the ``x`` models), the actor's bloc as a feature; at most 100 names per text; a logistic regression (C 1,
balanced classes). No SemEval text or label is read to train it, so no cross-fitting.

``diagnose``: the stance model's own held-out figure (5 folds grouped by text: accuracy and ROC AUC), a leakage
check (SemEval English texts whose first 200 normalised characters equal a corpus text's), then on the 393 English
SemEval mentions the ROC AUC of P(hostile) at the mention and of its entity mean for gold Antagonist vs the rest,
overall and for the country mentions.

Variants (round 11 / 12's harness, :func:`roles_round11.lib_oof`: the library's collective joint en+ru model, C 1,
the Antagonist offset +0.25; English rows only get the new features; ``+`` joins them):

* ``base``: no new feature (the library);
* ``hm<W><x>`` : ``hs_m`` = 2 P(hostile) - 1 at the mention (window W, ``x``: the bloc-crossed model) and
  ``hs_m_x_side:<side>`` the same crossed with the mention's side;
* ``he<W><x>``: the same for the entity mean: P(hostile) averaged over every mention in the article of the same
  entity (the gazetteer id of the mention's surface, else the same lower-cased surface), the mention included;
* ``hme<W><x>``: both;
* ``hwme<W><x>``: ``hme`` with the words' part of the logit instead of P (the ``bloc:`` feature left out, so the
  actor's side, which the role model has already, does not make the score), clipped to [-3, 3] and mapped to [0, 1];
* ``heb<W><x>``: the entity mean as three bins (> 0.6, < 0.4, else) crossed with the side.

Writes nothing.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from functools import lru_cache

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import roles_round6 as r6  # noqa: E402
import roles_round7 as r7  # noqa: E402
import roles_round11 as r11  # noqa: E402

from analysis import roles as R  # noqa: E402
from analysis.evaluation.roles import ANTAGONIST_OFFSET  # noqa: E402

BLOC = {"russia": "R", "ukraine": "U", "west": "U"}
SOURCE_BLOC = {"russia_state": "R", "ukraine_state": "U", "us_government": "U", "RU": "R", "BY": "R", "UA": "U",
               "PL": "U", "US": "U", "GB": "U"}
MAX_PER_TEXT = 100
_ALPHA = re.compile(r"^[a-z][a-z'\-]*$")


@lru_cache(maxsize=1)
def _surface_ids() -> dict[str, str]:
    from analysis.entities import load_gazetteer

    gaz = load_gazetteer()
    out: dict[str, str] = {}
    for s, e in zip(gaz.surfaces["surface"], gaz.surfaces["entity_id"]):
        out.setdefault(s.lower(), e)
    return out


def gazetteer_names(low):
    """(start token, end token, side, entity id) of every gazetteer name in the tokens, longest first."""
    sides, ids, out, i, n = R._gazetteer_sides(), _surface_ids(), [], 0, len(low)
    while i < n:
        hit = None
        if low[i][:1].isalpha():
            for k in (3, 2, 1):
                name = " ".join(low[i:i + k])
                name = name[:-2] if name.endswith("'s") else name
                if name in ids:
                    hit = (i, i + k, sides.get(name, "none"), ids[name])
                    break
        if hit:
            out.append(hit)
            i = hit[1]
        else:
            i += 1
    return out


def window(low, a, b, w, bloc=None, cross=False):
    """Features of the words within ``w`` tokens of [a, b), the mention left out."""
    f = {}
    for t in low[max(a - w, 0):a] + low[b:b + w]:
        if _ALPHA.match(t):
            f["w:" + t] = 1.0
            if cross and bloc:
                f[bloc + ":" + t] = 1.0
    if bloc:
        f["bloc:" + bloc] = 1.0
    return f


def corpus_texts():
    """(text, source bloc, group id) of ``../shared/corpus``."""
    import pandas as pd

    from analysis.paths import shared_dir

    c = shared_dir() / "corpus"
    off = pd.read_csv(c / "official_statements.csv")
    out = [(t, SOURCE_BLOC[g], "o" + str(i)) for i, (t, g) in enumerate(zip(off["text"], off["outlet_group"]))
           if isinstance(t, str)]
    for path in sorted(glob.glob(str(c / "news_gdelt" / "articles" / "*.txt"))):
        cc = os.path.basename(path).split("_")[1]
        if cc in SOURCE_BLOC:
            with open(path, encoding="utf-8") as fh:
                out.append((fh.read(), SOURCE_BLOC[cc], path))
    for name, bloc in (("sputnik_headlines.xlsx", "R"), ("kyiv_independent_headlines.xlsx", "U")):
        for j, t in enumerate(pd.read_excel(c / "headlines" / name)["title_name"].dropna().astype(str)):
            out.append((t, bloc, f"{name}{j}"))
    return out


@lru_cache(maxsize=1)
def _tokenised_corpus():
    """(tokens, gazetteer names, source bloc, group id) of each corpus text, computed once."""
    out = []
    for text, src, gid in corpus_texts():
        low = R.word_spans(text)[0]
        out.append((low, gazetteer_names(low), src, gid))
    return out


def stance_rows(w, cross):
    X, y, groups = [], [], []
    for low, names, src, gid in _tokenised_corpus():
        k = 0
        for a, b, side, _ in names:
            bloc = BLOC.get(side)
            if bloc is None:
                continue
            X.append(window(low, a, b, w, bloc, cross))
            y.append(int(bloc != src))
            groups.append(gid)
            k += 1
            if k >= MAX_PER_TEXT:
                break
    return X, np.array(y), np.array(groups)


_MODELS: dict = {}


def train_stance(w, cross):
    """(DictVectorizer, LogisticRegression) of the stance model (module docstring), cached per (w, cross)."""
    if (w, cross) not in _MODELS:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        X, y, _ = stance_rows(w, cross)
        vec = DictVectorizer()
        lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000).fit(vec.fit_transform(X), y)
        print(f"stance model W {w} cross {cross}: {len(y)} names, {y.mean():.3f} hostile, "
              f"{len(vec.vocabulary_)} features", file=sys.stderr)
        _MODELS[(w, cross)] = (vec, lr)
    return _MODELS[(w, cross)]


def semeval_stance(dx, w, cross, words_only=False):
    """(P(hostile) at each English mention, its entity mean in the article) (module docstring); ``words_only``:
    instead of P, the words' part of the logit (the ``bloc:`` feature left out), clipped to [-3, 3] / 3."""
    vec, lr = train_stance(w, cross)
    if words_only:
        def score(rows):
            rows = [{k: v for k, v in r.items() if not k.startswith("bloc:")} for r in rows]
            z = vec.transform(rows) @ lr.coef_[0]
            return (np.clip(z, -3, 3) / 3 + 1) / 2
    else:
        def score(rows):
            return lr.predict_proba(vec.transform(rows))[:, 1]
    d = dx.D["en"]
    texts = dict(zip(d["arts"]["article_id"], d["arts"]["text"]))
    ids = _surface_ids()
    arts: dict = {}
    at, mean = [], []
    for aid, start, end, surf, c in zip(d["gold"]["article_id"], d["gold"]["start"], d["gold"]["end"],
                                        d["gold"]["mention"], d["cues"]):
        if aid not in arts:
            low, starts, _ = R.word_spans(texts[aid])
            arts[aid] = (low, starts, gazetteer_names(low))
        low, starts, names = arts[aid]
        a = np.searchsorted(starts, start)
        b = max(np.searchsorted(starts, end), a + 1)
        bloc = BLOC.get(c["side"])
        s = str(surf).lower().strip()
        s = s[:-2] if s.endswith("'s") else s
        eid = ids.get(s)
        spans = {(a, b)}
        sw = R.word_spans(s)[0]
        for i in range(len(low) - len(sw) + 1):
            if low[i:i + len(sw)] == sw:
                spans.add((i, i + len(sw)))
        if eid is not None:
            spans |= {(x, z) for x, z, _, e in names if e == eid}
        rows = [window(low, x, z, w, bloc, cross) for x, z in sorted(spans)]
        p = score(rows)
        at.append(float(score([window(low, a, b, w, bloc, cross)])[0]))
        mean.append(float(p.mean()))
    return np.array(at), np.array(mean)


_PARSED = re.compile(r"^(hwme|hme|heb|hm|he)(\d+)(x?)$")


def extra_features(dx, name):
    d = dx.D["en"]
    out = [{} for _ in d["cues"]]
    for part in name.split("+"):
        if part == "base":
            continue
        m = _PARSED.match(part)
        if m is None:
            raise SystemExit(f"unknown variant {part}")
        kind, w, cross = m.group(1), int(m.group(2)), bool(m.group(3))
        at, mean = semeval_stance(dx, w, cross, words_only=kind == "hwme")
        for i, c in enumerate(d["cues"]):
            side = c["side"]
            if kind in ("hm", "hme", "hwme"):
                out[i].update({"hs_m": 2 * at[i] - 1, f"hs_m_x_side:{side}": 2 * at[i] - 1})
            if kind in ("he", "hme", "hwme"):
                out[i].update({"hs_e": 2 * mean[i] - 1, f"hs_e_x_side:{side}": 2 * mean[i] - 1})
            if kind == "heb":
                b = "hi" if mean[i] > 0.6 else "lo" if mean[i] < 0.4 else "mid"
                out[i][f"hs_eb:{side}:{b}"] = 1.0
    return out


def run(dx, name, seed, cache):
    if name not in cache:
        cache[name] = [{**f, **e} for f, e in zip(dx.D["en"]["feats"], extra_features(dx, name))]
    F = cache[name]
    P, _ = r11.lib_oof(dx, seed, F=F)
    y = dx.D["en"]["gold"]["main_role"].to_numpy()
    return r6._scores(y, r6.decide(r11.post(P, np.array([0.0, ANTAGONIST_OFFSET, 0.0]))))


def _norm(t):
    return " ".join(re.findall(r"\w+", str(t).lower()))[:200]


def diagnose(dx, settings=((10, False), (10, True))):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    from analysis.evaluation.roles import grouped_folds

    corpus = {_norm(t) for t, _, _ in corpus_texts()}
    en = [_norm(t) for t in dx.D["en"]["arts"]["text"]]
    print(f"leakage: {sum(t in corpus for t in en)} of {len(en)} SemEval English texts share their first 200 "
          "normalised characters with a corpus text")
    y = (dx.D["en"]["gold"]["main_role"] == "Antagonist").to_numpy()
    side = np.array([c["side"] for c in dx.D["en"]["cues"]])
    surf = dx.D["en"]["gold"]["mention"].str.lower().str.strip().to_numpy()
    for w, cross in settings:
        X, Y, groups = stance_rows(w, cross)
        P = np.zeros(len(Y))
        for tr, te in grouped_folds(groups, 5, 0):
            vec = DictVectorizer()
            lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000)
            lr.fit(vec.fit_transform([X[j] for j in tr]), Y[tr])
            P[te] = lr.predict_proba(vec.transform([X[j] for j in te]))[:, 1]
        print(f"W {w} cross {cross}: {len(Y)} corpus names ({Y.mean():.3f} hostile); held-out by text: "
              f"accuracy {((P > 0.5) == Y).mean():.3f}, AUC {roc_auc_score(Y, P):.3f}")
        at, mean = semeval_stance(dx, w, cross)
        for label, k in (("all", np.ones(len(y), bool)), ("signed side", np.isin(side, list(BLOC))),
                         ("'russia'", surf == "russia")):
            print(f"  SemEval {label} ({int(k.sum())}): AUC Antagonist vs rest, at mention "
                  f"{roc_auc_score(y[k], at[k]):.3f}, entity mean {roc_auc_score(y[k], mean[k]):.3f}")


def variants(dx, args):
    cache: dict = {}
    for name in args.variants:
        r7.print_runs(name, args.seed, lambda s, name=name: run(dx, name, s, cache))


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    diag = bool(argv) and argv[0] == "diagnose"
    args, dx = r7.arguments_and_data(argv[diag:], __doc__, "base")
    if dx is not None:
        (diagnose(dx) if diag else variants(dx, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
