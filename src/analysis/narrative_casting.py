"""How an article casts the sides it names, as features of the narrative model (issue 11, round 12).

Every gazetteer mention of an article (:func:`analysis.entities.mentions`, no discovery) gets main-role
probabilities from a role model (:mod:`analysis.roles`, trained on SemEval-2025 subtask 1 gold roles); per
gazetteer side the article gets the mean probability of each main role of its mentions (``cast:<side>:<role>``)
and their mean target sentiment (``csent:<side>``), both scaled by ``scale``. "Russia cast as the victim, the West
as the aggressor" is what several narratives say, and word features see it only indirectly.

Training (:func:`train_casting`) cross-fits the casting of the training articles: the articles fall into ``k``
groups, and an article's casting comes from a role model that did not see the gold roles of its group, so the
narrative model learns from casting as noisy as at prediction. The role model kept for prediction is trained on
all the gold roles.

>>> import numpy as np
>>> casting_rows(["a", "b"], ["a", "a"], ["pro_russia", "pro_russia"], [0.5, -0.5],
...              np.array([[0.2, 0.8, 0.0], [0.4, 0.6, 0.0]]), 0.5)[0]["cast:pro_russia:Antagonist"]
0.35
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["casting_rows", "casting_roles", "gazetteer_roles", "predict_casting", "train_casting"]

log = logging.getLogger(__name__)

#: the role model's C (joint en + ru training, as the round-10 experiments)
ROLE_C = 1.0


def gazetteer_roles(articles: pd.DataFrame, *, text_col: str = "text", **done) -> tuple[list, list[dict], list[dict]]:
    """(article id, role features, rule cues) of every gazetteer mention of ``articles`` (discovered names
    left out), as :func:`analysis.roles.featurize` gives them. ``done``: work the caller already has, passed on
    to :func:`analysis.roles.featurize` (``sentence_spans``, ``quotes``, ``narrative_cues``; and its
    ``vocabulary``)."""
    from analysis.entities import mentions
    from analysis.roles import featurize
    from analysis.text import sentences

    arts = articles if text_col == "text" else articles.rename(columns={text_col: "text"})
    arts = arts[[c for c in ("article_id", "text", "lang") if c in arts.columns]]
    ments = mentions(sentences(arts), discover=False)
    ments = ments[ments["method"] != "discovered"].reset_index(drop=True)
    if ments.empty:
        return [], [], []
    feats, cues, _ = featurize(ments, arts, **done)
    return ments["article_id"].tolist(), feats, cues


def casting_rows(article_ids: Sequence, mention_aids: Sequence, sides: Sequence, scores: Sequence[float],
                 P: np.ndarray, scale: float) -> list[dict[str, float]]:
    """One feature dict per article of ``article_ids``: per side of its mentions (``mention_aids``, ``sides``),
    the mean of each main-role probability column of ``P`` (:data:`analysis.roles.MAIN_ROLES` order) and the mean
    target sentiment ``scores``, each times ``scale``; {} for an article without mentions."""
    from analysis.roles import MAIN_ROLES

    main = list(MAIN_ROLES)
    by: dict = {}
    for i, (a, s) in enumerate(zip(mention_aids, sides)):
        by.setdefault(a, {}).setdefault(s, []).append(i)
    out = []
    for a in article_ids:
        f: dict[str, float] = {}
        for side, idx in by.get(a, {}).items():
            for k, r in enumerate(main):
                f[f"cast:{side}:{r}"] = float(np.mean(P[idx, k])) * scale
            f[f"csent:{side}"] = float(np.mean([scores[i] for i in idx])) * scale
        out.append(f)
    return out


def _role_proba(model, feats: Sequence[dict]) -> np.ndarray:
    from analysis.roles import strip_embeddings

    if not feats:
        return np.zeros((0, 3))
    if not _reads_navec(model):  # speed only: features without a weight add nothing to the scores
        return model.main_proba(feats)
    return model.main_proba([strip_embeddings(f) for f in feats])


def _reads_navec(model) -> bool:
    """Whether a weight of ``model`` could read a navec feature :func:`analysis.roles.strip_embeddings` drops
    (a role model trained for English has none)."""
    _vocabulary(model)
    return model._vocabulary_memo[3]


def _fit_roles(feats: Sequence[dict], gold: pd.DataFrame, *, seed: int):
    from analysis.roles import train_role_model

    return train_role_model(feats, gold["main_role"].tolist(), gold["fine_roles"].tolist(), lang="en", C=ROLE_C,
                            seed=seed)


def train_casting(role_articles: pd.DataFrame, role_gold: pd.DataFrame, articles: pd.DataFrame, *, scale: float,
                  k: int = 5, seed: int = 0, text_col: str = "text") -> tuple[object, list[dict[str, float]]]:
    """(role model on all of ``role_gold``, cross-fitted casting rows of ``articles``).

    ``role_articles`` / ``role_gold``: articles and gold role mentions (:func:`analysis.roles.read_roles_dir`;
    several folders concatenated). The ids of both tables fall into ``k`` groups (a seeded permutation); the
    casting of an article of group g comes from a role model trained on the gold roles outside g."""
    from analysis.roles import featurize

    role_gold = role_gold.reset_index(drop=True)
    gfeats, _, _ = featurize(role_gold, role_articles)
    mention_aids, mfeats, mcues = gazetteer_roles(articles, text_col=text_col)
    ids = articles["article_id"].tolist()
    every = sorted(set(role_gold["article_id"]) | set(ids))
    group = dict(zip(every, np.random.RandomState(seed).permutation(len(every)) % k))
    gold_group = role_gold["article_id"].map(group).to_numpy()
    ment_group = np.array([group[a] for a in mention_aids], dtype=int)
    P = np.zeros((len(mfeats), 3))
    for g in range(k):
        rows = np.flatnonzero(ment_group == g)
        if not len(rows):
            continue
        keep = np.flatnonzero(gold_group != g)
        model = _fit_roles([gfeats[i] for i in keep], role_gold.iloc[keep], seed=seed)
        P[rows] = _role_proba(model, [mfeats[i] for i in rows])
    final = _fit_roles(gfeats, role_gold, seed=seed)
    return final, _cue_rows(ids, mention_aids, mcues, P, scale)


def predict_casting(model, articles: pd.DataFrame, *, scale: float, text_col: str = "text",
                    **done) -> list[dict[str, float]]:
    """Casting rows of ``articles`` from the role ``model`` (:class:`analysis.roles.RoleModel`); ``done``: as
    :func:`gazetteer_roles`'s."""
    # speed only: the role features the model has no weight for are left out (the same scores)
    mention_aids, mfeats, mcues = gazetteer_roles(articles, text_col=text_col, vocabulary=_vocabulary(model), **done)
    return _cue_rows(articles["article_id"].tolist(), mention_aids, mcues, _role_proba(model, mfeats), scale)


def _cue_rows(article_ids: Sequence, mention_aids: Sequence, cues: Sequence[dict], P: np.ndarray,
              scale: float) -> list[dict[str, float]]:
    """:func:`casting_rows` with the sides and target sentiment scores of the mentions' rule ``cues``."""
    return casting_rows(article_ids, mention_aids, [c["side"] for c in cues], [c["score"] for c in cues], P, scale)


def _vocabulary(model) -> frozenset[str]:
    """The feature names the main-role stages of ``model`` have weights for: found once per model (kept on it
    while its stages keep their vocabularies, whose size is checked too), not once per chunk of articles."""
    lins = tuple(lin for lin in (model.main, model.collective) if lin is not None)
    memo = getattr(model, "_vocabulary_memo", None)
    if (memo is None or len(memo[0]) != len(lins)
            or any(held is not lin.vocab or n != len(lin.vocab) for held, n, lin in zip(memo[0], memo[1], lins))):
        names = frozenset(name for lin in lins for name in lin.vocab)
        memo = model._vocabulary_memo = (tuple(lin.vocab for lin in lins), tuple(len(lin.vocab) for lin in lins),
                                         names, any(name.startswith(("nvw", "nvm")) for name in names))
    return memo[2]


def folder_roles(folders: Sequence, *, exclude: Sequence = ()) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(articles, gold roles) of the ``roles.tsv`` of ``folders`` (SemEval-2025 language folders) plus the
    sibling folder the English role model trains with (:func:`analysis.evaluation.roles.joint_train_dirs`), the
    articles ``exclude`` left out (the scored articles of a cross-validation); None when no folder has one."""
    from pathlib import Path

    from analysis.evaluation.roles import joint_train_dirs
    from analysis.roles import read_roles_dir, read_task_dirs

    dirs = [str(d) for d in folders if (Path(d) / "roles.tsv").exists()]
    if not dirs:
        return None
    if len(dirs) == 1:
        dirs += joint_train_dirs(dirs[0], Path(dirs[0]).name)
    arts, gold = read_task_dirs(read_roles_dir, dirs)
    drop = set(exclude)
    gold = gold[~gold["article_id"].isin(drop)].reset_index(drop=True)
    if gold["main_role"].nunique() < 2:  # nothing (or one role) left to learn from
        return None
    return arts[~arts["article_id"].isin(drop)].reset_index(drop=True), gold


def casting_roles(folders: Sequence, *, casting: float | None, lang: str,
                  exclude: Sequence = ()) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """What the training and evaluation commands pass as ``roles`` to
    :func:`analysis.narratives.train_narrative_model`: :func:`folder_roles` of ``folders`` when the model casts
    (``casting`` > 0, or None and :data:`analysis.narratives.CASTING` of ``lang`` > 0: English), else None. A
    casting model without a ``roles.tsv`` to learn from trains without the casting, and says so in one log line.

    >>> casting_roles(["/nowhere"], casting=0, lang="en") is None
    True
    """
    from analysis.narratives import CASTING

    scale = CASTING.get(lang, 0.0) if casting is None else casting
    if not scale:
        return None
    roles = folder_roles(folders, exclude=exclude)
    if roles is None:
        log.warning("no gold roles (roles.tsv) in %s: the narrative model trains without the casting",
                    ", ".join(str(d) for d in folders))
    return roles
