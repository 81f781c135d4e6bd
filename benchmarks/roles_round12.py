"""Round-12 experiments of issue 11 (figures in data/lexicons/README-roles.md, "Round 12"): English entity roles -
the article's stance toward the sides it names, as features crossed with the mention's side.

    PYTHONPATH=src python benchmarks/roles_round12.py [--seed S ...] --variants NAME ...
    PYTHONPATH=src python benchmarks/roles_round12.py diagnose

``diagnose``: how well each article-level signal tells the English articles whose gold roles imply a pro-Russian
lean (:data:`analysis.roles.LEAN_SIGN`) from those implying a pro-Ukrainian one (no training on SemEval labels):
ROC AUC of minus the cue-word stance, of ``ds``, of ``ds`` minus half the stance; correlation and sign agreement
of the cast lean (articles with cast names).

Round 11's harness (:mod:`roles_round11`: the library's collective joint en+ru model, C 1, features computed
once, the folds of ``python -m analysis.evaluate roles EN --cv 5 --seed S``); every variant adds features to the
rows (English and Russian alike), retrains the collective model per fold, then applies the library's Antagonist
offset (:data:`analysis.evaluation.roles.ANTAGONIST_OFFSET`, +0.25) before the argmax. Prints main accuracy /
macro-F1 per seed and their mean. Variants (``+`` joins them, e.g. ``acast+stx``):

* ``base``: no new feature (the library: round 11's ``antb0.25``);
* ``acast``: ``acast_x_side:<side>`` = :func:`article_cast_lean` (the mean lean sign of the cast
  cues - harm / help / peace / accuse / deceive / suffer, agent or patient - of every gazetteer name of a side in
  the article), crossed with the mention's own side; 0 (absent) without cast names;
* ``acastw``: the same lean times min(number of cast names, 5) / 5 (little evidence, small feature);
* ``acastb``: the lean as three bins (> 0.2, < -0.2, else) crossed with the side (``acastb:<side>:<bin>``);
* ``ds``: a distant-supervision stance score, ``ds_x_side:<side>`` = 2 P(pro-Russian source) - 1 of the article,
  P from a TF-IDF logistic regression (word uni/bigrams, sublinear, min_df 2, English stop words, C 1, balanced)
  trained to tell RU/BY from UA outlets in ``../shared/corpus/news_gdelt`` (68 / 94 articles) and Sputnik from
  Kyiv Independent headlines (``../shared/corpus/headlines``); no SemEval label is read, so no cross-fitting;
  English rows only (the Russian ones get none);
* ``plean<a>`` / ``pleands<a>``: no new feature; after the library's out-of-fold probabilities, a log-offset
  a x L x sign(side, role) (:data:`analysis.roles.LEAN_SIGN`) on each role of a mention of a signed side, L the
  article's lean (> 0 pro-Russian): minus the cue-word stance (``plean``) or 2 P - 1 of ``ds`` (``pleands``);
  a hand-set weight on what the model crosses with the side (no fit);
* ``tsside`` / ``tssurf``: actor-level tone, ``ts_<kind>:<side>`` = the mean target sentiment (``tsent``) of the
  article's *other* mentions of the same side (``tsside``; signed sides only) or of the same surface (``tssurf``),
  crossed with the side; from the rows' own features (no label), absent without such mentions;
* ``stx``: the article's cue-word stance (``stance`` of :func:`analysis.roles.mention_features`, continuous)
  crossed with the side (``stance_x_side:<side>``); the library has it only as three bins.

Writes nothing.
"""

from __future__ import annotations

import bisect
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import roles_round6 as r6  # noqa: E402
import roles_round7 as r7  # noqa: E402
import roles_round11 as r11  # noqa: E402

from analysis import roles as R  # noqa: E402
from analysis.evaluation.roles import ANTAGONIST_OFFSET  # noqa: E402

#: the main role (:data:`analysis.roles.MAIN_ROLES` index) a cast cue of :func:`analysis.roles.cast_features`
#: suggests for the mention it names: the agent of harm or deceit and the patient of an accusation -> Antagonist,
#: the agent of help or peace -> Protagonist, the patient of harm and the one who suffers -> Innocent
CAST_ROLE = {"vc:harm:agent": 1, "vc:deceive:agent": 1, "vc:accuse:patient": 1, "vc:help:agent": 0,
             "vc:peace:agent": 0, "vc:harm:patient": 2, "vc:suffer:agent": 2}


def article_cast_lean(art) -> tuple[float, int]:
    """The article's stance read from how it casts the sides: over every gazetteer name of a side with a lean
    sign (:data:`analysis.roles.LEAN_SIGN`; one to three words, longest first) that is the agent or the patient
    of a cast cue (:func:`analysis.roles.cast_features`, :data:`CAST_ROLE`), the mean lean sign of (its side, the
    role the cue suggests); > 0 when Russia-side actors do the helping and suffer and Ukraine- or West-side actors the harm. Returns
    (lean, number of cast names); (0.0, 0) without any (every language but English: no cast cues). Cached on
    the article.

    >>> art = R._Article("Ukrainian troops shelled the town. Russia helped the residents.", "en")
    >>> article_cast_lean(art)
    (1.0, 2)
    """
    cached = art.entity_ctx.get("\x00castlean")
    if cached is not None:
        return cached
    sides, low, total, count = R._gazetteer_sides(), art.low, 0, 0
    if R._cast_classes(art.lang):
        bounds = [(bisect.bisect_left(art.starts, a), bisect.bisect_left(art.starts, b)) for a, b in art.sents]
        sent_of = bisect.bisect_right
        i, n = 0, len(low)
        while i < n:
            side, k = None, 1
            if low[i][:1].isalpha():
                for k in (3, 2, 1):
                    name = " ".join(low[i:i + k])
                    side = sides.get(name[:-2] if name.endswith("'s") else name)
                    if side is not None:
                        break
            if side in R.LEAN_SIGN:
                ss, se = bounds[max(sent_of(art.sent_starts, art.starts[i]) - 1, 0)]
                for cue in R.cast_features(low, i, i + k, ss, se, art.lang):
                    role = CAST_ROLE.get(cue)
                    if role is not None:
                        total += R.LEAN_SIGN[side][role]
                        count += 1
            i += k if side is not None else 1
    art.entity_ctx["\x00castlean"] = out = (total / count if count else 0.0, count)
    return out


def article_leans(dx, lang):
    """{article_id: (cast lean, cast names, cue-word stance, distant stance or None)} of a language's articles."""
    out = {}
    arts = dx.D[lang]["arts"]
    ds = distant_stance(arts["text"]) if lang == "en" else [None] * len(arts)
    for aid, text, p in zip(arts["article_id"], arts["text"], ds):
        art = R._Article(text, lang)
        out[aid] = (*article_cast_lean(art), art.stance, p)
    return out


def distant_stance(texts):
    """P(pro-Russian source) of each text (``ds``, see the module docstring)."""
    import glob
    import os

    import pandas as pd
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from analysis.paths import shared_dir

    corpus = shared_dir() / "corpus"
    X, y = [], []
    for path in sorted(glob.glob(str(corpus / "news_gdelt" / "articles" / "*.txt"))):
        country = os.path.basename(path).split("_")[1]
        if country in ("RU", "BY", "UA"):
            with open(path, encoding="utf-8") as fh:
                X.append(fh.read())
            y.append(int(country != "UA"))
    for name, label in (("sputnik_headlines.xlsx", 1), ("kyiv_independent_headlines.xlsx", 0)):
        titles = pd.read_excel(corpus / "headlines" / name)["title_name"].dropna().astype(str).tolist()
        X += titles
        y += [label] * len(titles)
    vec = TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=50000, ngram_range=(1, 2), stop_words="english")
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(vec.fit_transform(X), y)
    return lr.predict_proba(vec.transform(list(texts)))[:, 1]


def extra(name, side, lean, n, stance, ds=None):
    f = {}
    for part in name.split("+"):
        if part == "acast" and n:
            f[f"acast_x_side:{side}"] = lean
        elif part == "acastw" and n:
            f[f"acast_x_side:{side}"] = lean * min(n, 5) / 5
        elif part == "acastb" and n:
            f[f"acastb:{side}:{'pos' if lean > 0.2 else 'neg' if lean < -0.2 else 'mid'}"] = 1.0
        elif part == "ds" and ds is not None:
            f[f"ds_x_side:{side}"] = 2 * ds - 1
        elif part == "stx":
            f[f"stance_x_side:{side}"] = stance
        elif part not in ("base", "acast", "acastw", "acastb", "ds", "tsside", "tssurf"):
            raise SystemExit(f"unknown variant {part}")
    return f


def actor_tone(d, kind):
    """``ts_<kind>:<side>`` of each row (``tsside`` / ``tssurf``, see the module docstring)."""
    keys = [(a, c["side"] if kind == "side" else str(m).lower().strip())
            for a, c, m in zip(d["gold"]["article_id"], d["cues"], d["gold"]["mention"])]
    tone = [f.get("tsent") for f in d["feats"]]
    total: dict = {}
    for k, t in zip(keys, tone):
        if t is not None:
            s, n = total.get(k, (0.0, 0))
            total[k] = (s + t, n + 1)
    out = []
    for k, t, c in zip(keys, tone, d["cues"]):
        s, n = total.get(k, (0.0, 0))
        if t is not None:
            s, n = s - t, n - 1
        ok = n > 0 and (kind == "surf" or c["side"] in R.LEAN_SIGN)
        out.append({f"ts_{kind}:{c['side']}": s / n} if ok else {})
    return out


def features(dx, name, leans):
    out = {}
    parts = name.split("+")
    for lang in ("en", "ru"):
        d = dx.D[lang]
        tones = [actor_tone(d, p[2:]) for p in parts if p in ("tsside", "tssurf")]
        out[lang] = [{**f, **extra(name, c["side"], *leans[lang][a]), **{k: v for t in tones for k, v in t[i].items()}}
                     for i, (f, c, a) in enumerate(zip(d["feats"], d["cues"], d["gold"]["article_id"]))]
    return out


def lean_offset(dx, name, leans):
    """The log-offsets of ``plean<a>`` / ``pleands<a>`` (rows: English mentions)."""
    ds = name.startswith("pleands")
    a = float(name[7:] if ds else name[5:])
    d = dx.D["en"]
    out = np.zeros((len(d["cues"]), 3))
    for i, (c, aid) in enumerate(zip(d["cues"], d["gold"]["article_id"])):
        _, _, stance, p = leans["en"][aid]
        lean = 2 * p - 1 if ds else -stance
        out[i] = a * lean * np.array(R.LEAN_SIGN.get(c["side"], (0, 0, 0)), dtype=float)
    return out


def run(dx, name, seed, leans):
    if name.startswith("plean") or name == "base":
        P = base_oof(dx, seed)
        y = dx.D["en"]["gold"]["main_role"].to_numpy()
        add = (lean_offset(dx, name, leans) if name != "base" else 0) + np.array([0.0, ANTAGONIST_OFFSET, 0.0])
        return r6._scores(y, r6.decide(r11.post(P, add)))
    F = features(dx, name, leans)
    P, _ = r11.lib_oof(dx, seed, F=F["en"], ruF=F["ru"])
    y = dx.D["en"]["gold"]["main_role"].to_numpy()
    return r6._scores(y, r6.decide(r11.post(P, np.array([0.0, ANTAGONIST_OFFSET, 0.0]))))


def base_oof(dx, seed):
    """The library's out-of-fold probabilities (``base``, before the offset), kept in memory per seed."""
    if seed not in r11._CACHE:
        r11._CACHE[seed] = r11.lib_oof(dx, seed)
    return r11._CACHE[seed][0]


def diagnose(dx, leans):
    from sklearn.metrics import roc_auc_score

    g = dx.D["en"]["gold"]
    lean: dict = {}
    for a, c, r in zip(g["article_id"], dx.D["en"]["cues"], g["main_role"]):
        lean[a] = lean.get(a, 0) + R.LEAN_SIGN.get(c["side"], (0, 0, 0))[list(R.MAIN_ROLES).index(r)]
    rows = np.array([(np.sign(v), *leans["en"][a]) for a, v in lean.items() if v != 0], dtype=float)
    y, cast, n, stance, ds = rows.T
    print(f"articles with a gold lean: {len(y)} ({int((y > 0).sum())} pro-Russian)")
    for name, score in (("-stance", -stance), ("ds", ds), ("ds - stance / 2", ds - stance / 2)):
        print(f"  AUC {name}: {roc_auc_score(y > 0, score):.3f}")
    k = n > 0
    print(f"  cast lean ({int(k.sum())} articles with cast names): corr {np.corrcoef(y[k], cast[k])[0, 1]:.3f}, "
          f"sign agreement {float((np.sign(cast[k]) == y[k]).mean()):.3f}")


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv.pop(0) if argv and argv[0] == "diagnose" else "variants"
    args, dx = r7.arguments_and_data(argv, __doc__, "base")
    if dx is None:
        return 0
    leans = {lang: article_leans(dx, lang) for lang in ("en", "ru")}
    if command == "diagnose":
        diagnose(dx, leans)
        return 0
    for name in args.variants:
        r7.print_runs(name, args.seed, lambda s, name=name: run(dx, name, s, leans))
    return 0


if __name__ == "__main__":
    sys.exit(main())
