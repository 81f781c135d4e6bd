"""Round-8 experiments of issue 11 (figures in data/lexicons/README-roles.md, "Round 8"): English main role -
per-mention casting cues in the mention's own clause, and decision offsets tuned for macro-F1.

    PYTHONPATH=src python benchmarks/roles_round8.py [--seed S ...] --variants NAME ...

Every variant runs the library path of ``python -m analysis.evaluate roles EN --cv 5 --seed S`` (the folds,
:func:`analysis.roles.train_role_model` with the joint en+ru rows, C 1, and :meth:`RoleModel.main_proba`;
round 7's ``lib_off``), features computed once, with extra features added to the English rows:

* ``base``: none (= the command's figures; since round 8 :func:`analysis.roles.featurize` adds the ``vc`` cues
  below, so ``base`` holds them and ``novc`` strips them: the features before round 8);
* ``coll`` / ``coll_novc``: as ``base`` / ``novc`` with the collective option (``--collective yes``);
* ``vc``: verb-class cues (:func:`analysis.roles.cast_features`, in the library since round 8, so now the same
  as ``base``) - for each class of ``cast_verbs`` in ``roles.yml`` (harm, help, peace, accuse, deceive, suffer)
  whether the mention is its agent (a verb of the class in the next 4 tokens of the clause, not after a passive
  auxiliary; or the mention follows "by" after a participle of the class) or its patient (a verb of the class in
  the 4 tokens before, or a passive right after): ``vc:<class>:<agent|patient>``;
* ``agency``: :func:`analysis.framing.agency.agency` on the mention's sentence: the mention inside the agent of
  the harm expression (``ag:agent``) or inside the harmed phrase (``ag:harmed``);
* ``cue3``: fine-role cue words of each main role within 3 words of the mention (``cue3:<main role>``);
* ``vce`` / ``cue3e``: the ``vc`` / ``cue3`` cues counted over every occurrence of the mention's surface in the
  article (``Evc:...`` / ``Ecue3:...``, log(1 + count) / 2);
* combinations joined by ``+`` (``vc+cue3``);
* ``bias_f1floor``: no extra feature; log-offsets for Protagonist and Innocent chosen by an inner 4-fold grouped
  CV to maximise macro-F1 with the majority-accuracy floor (``decision="f1_floor"``). The round's ``bias_f1``
  (the same without the floor) ran with a temporary ``macro_f1`` objective in ``tune_main_bias``, not kept.

Writes nothing.
"""

from __future__ import annotations

import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import roles_round7 as r7  # noqa: E402

from analysis import roles as R  # noqa: E402


def vc_features(art, ts, te, ss, se):
    """The round-8 cues, as the library computes them (:func:`analysis.roles.cast_features`; the verb classes are
    ``cast_verbs`` in ``data/lexicons/roles.yml``)."""
    return R.cast_features(art.low, ts, te, ss, se, art.lang)


def cue3_features(art, ts, te, ss, se):
    window = " ".join(art.low[max(ss, ts - 3):ts] + art.low[te:min(se, te + 3)])
    out = {}
    for fine, rx in R._cues(art.lang)["fine"].items():
        if rx is not None and rx.search(window):
            k = "cue3:" + R.MAIN_OF[fine]
            out[k] = 1.0
    return out


def agency_features(art, start, end, s0, s1, sent_cache):
    key = (s0, s1)
    row = sent_cache.get(key)
    if row is None:
        import pandas as pd

        from analysis.framing.agency import agency

        sent = pd.DataFrame({"article_id": ["a"], "sentence_id": [0], "start": [s0], "text": [art.text[s0:s1]]})
        a = agency(sent)
        row = sent_cache[key] = (a.iloc[0].to_dict() if len(a) else {})
    if not row:
        return {}
    surface = art.text[start:end].lower()
    out = {}
    agent, harmed = row.get("agent"), row.get("harmed")
    if isinstance(agent, str) and surface and surface in agent.lower():
        out["ag:agent"] = 1.0
    if isinstance(harmed, str) and surface and surface in harmed.lower():
        out["ag:harmed"] = 1.0
    return out


def _positions(art, a, b):
    """Tokens ts:te of the span [a, b) of ``art``, tokens ss:se and characters s0:s1 of its sentence (as
    :func:`analysis.roles.mention_features` finds them)."""
    from bisect import bisect_left, bisect_right

    ts = bisect_right(art.ends, a)
    te = max(bisect_left(art.starts, b), ts + 1)
    k = bisect_right(art.sent_starts, a) - 1
    s0, s1 = art.sents[max(k, 0)]
    return ts, te, bisect_left(art.starts, s0), bisect_left(art.starts, s1), s0, s1


def extra_features(dx, kinds):
    d = dx.D["en"]
    arts = dict(zip(d["arts"]["article_id"], d["arts"]["text"]))
    out = []
    cache: dict = {}
    for aid, a, b in zip(d["gold"]["article_id"], d["gold"]["start"], d["gold"]["end"]):
        art = cache.get(aid)
        if art is None:
            art = cache[aid] = (R._Article(arts[aid], "en"), {})
        art, sent_cache = art
        ts, te, ss, se, s0, s1 = _positions(art, a, b)
        f = {}
        if "vc" in kinds:
            f.update(vc_features(art, ts, te, ss, se))
        if "cue3" in kinds:
            f.update(cue3_features(art, ts, te, ss, se))
        if "vce" in kinds or "cue3e" in kinds:  # the same cues at every occurrence of the surface in the article
            acc: dict = {}
            surface = art.text[a:b].lower()
            import re

            for m in re.finditer(re.escape(surface), art.lowered) if surface.strip() else ():
                ots, ote, oss, ose, _, _ = _positions(art, m.start(), m.end())
                got = {}
                if "vce" in kinds:
                    got.update(vc_features(art, ots, ote, oss, ose))
                if "cue3e" in kinds:
                    got.update(cue3_features(art, ots, ote, oss, ose))
                for key in got:
                    acc["E" + key] = acc.get("E" + key, 0) + 1
            f.update({k: float(np.log1p(v) / 2.0) for k, v in acc.items()})
        if "agency" in kinds:
            f.update(agency_features(art, a, b, s0, s1, sent_cache))
        out.append(f)
    return out


def main(argv=None) -> int:
    args, dx = r7.arguments_and_data(argv, __doc__, "base")
    if dx is None:
        return 0
    base = dx.D["en"]["feats"]
    for name in args.variants:
        decision, coll = "argmax", name.startswith("coll")
        if name in ("novc", "coll_novc"):  # the features before round 8 (featurize adds the vc cues since)
            F = [{k: v for k, v in f.items() if not k.startswith("vc:")} for f in base]
        elif name == "coll":
            F = base
        elif name.startswith("bias_"):
            decision = {"bias_f1floor": "f1_floor"}[name]
            F = base
        elif name == "base":
            F = base
        else:
            ex = extra_features(dx, set(name.split("+")))
            print(f"  {name}: {sum(bool(e) for e in ex)} of {len(ex)} rows with a cue", file=sys.stderr)
            F = [{**f, **e} for f, e in zip(base, ex)]
        r7.print_runs(name, args.seed, lambda s, F=F, decision=decision, coll=coll: r7.library(
            dx, s, coll, F=F, decision=decision))
    return 0


if __name__ == "__main__":
    sys.exit(main())
