"""``python -m analysis.evaluation.agency [GOLD.csv] [--shared DIR]``

Scores :func:`analysis.framing.agency` against the hand-made agency gold
(``data/gold/agency_gold.csv``, see ``data/lexicons/README-framing.md``):
sentences of ``../shared/corpus`` that contain a harm word, each labelled
``agent_active`` / ``agent_passive`` / ``agentless`` (it reports violence or
damage and names / does not name who did it) or ``none`` (the harm word is
not a report of violence: sanctions "attacks", cyber-attacks, "a dead
letter", natural deaths), with the agent's gazetteer id.

The gold stores offsets and ids only. ``doc_source`` says what the offsets
index: ``news_gdelt`` - the file
``corpus/news_gdelt/articles/<doc_id>`` as read by
``Path.read_text(encoding="utf-8")``; ``official_statements`` - the ``text``
field of the row with that ``doc_id`` in
``corpus/official_statements.csv`` as read by ``pandas.read_csv``.
``sent_start``/``sent_end`` delimit the sentence, ``harm_start``/``harm_end``
the first expression of violence in it (the one the label describes);
``doc_sha1``/``sent_sha1``/``span_sha1`` (first 12 hex digits of SHA-1)
prove the offsets still point at the annotated words.

Matching: the system's row for a gold sentence is the one whose harm
expression lies in the gold sentence (the one overlapping the gold harm span
first); no row = ``none``. Prints one JSON object last: ``accuracy`` (4
labels), ``harm_accuracy`` (3 classes, on sentences the gold calls harm),
``per_class`` P/R/F1, ``detection`` (harm vs none), ``named_vs_agentless``
accuracy and ``agent_side_accuracy`` (named agents on the Russian or
Ukrainian side whose side the system gets right).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd

from analysis.evaluation import gold_command, per_class_prf, prf_from_counts
from analysis.paths import gold_dir, shared_dir

CLASSES = ("agent_active", "agent_passive", "agentless", "none")


def _sha(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()[:12]


def default_gold() -> Path:
    return gold_dir() / "agency_gold.csv"


def load_gold(gold: str | Path | None = None, shared: str | Path | None = None):
    """Gold table and the documents it indexes, verified by checksum.

    Returns (gold DataFrame, articles DataFrame[article_id, text]); raises
    ValueError when a document, sentence or span checksum does not match.
    """
    gold = pd.read_csv(gold or default_gold(), keep_default_na=False)
    shared = Path(shared) if shared else shared_dir()
    texts: dict[str, str] = {}
    official = None
    for row in gold.drop_duplicates("doc_id").itertuples():
        if row.doc_source == "news_gdelt":
            text = (shared / "corpus" / "news_gdelt" / "articles" / row.doc_id).read_text(encoding="utf-8")
        elif row.doc_source == "official_statements":
            if official is None:
                official = pd.read_csv(shared / "corpus" / "official_statements.csv").set_index("doc_id")["text"]
            text = official[row.doc_id]
        else:
            raise ValueError(f"unknown doc_source {row.doc_source!r}")
        if _sha(text) != row.doc_sha1:
            raise ValueError(f"{row.doc_id}: document checksum differs from the gold's")
        texts[row.doc_id] = text
    for row in gold.itertuples():
        text = texts[row.doc_id]
        if _sha(text[row.sent_start:row.sent_end]) != row.sent_sha1 or \
                _sha(text[row.harm_start:row.harm_end]) != row.span_sha1:
            raise ValueError(f"{row.doc_id} {row.sent_start}-{row.sent_end}: span checksum differs")
    return gold, pd.DataFrame({"article_id": list(texts), "text": list(texts.values())})


def predictions(gold: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """The gold table with the system's class, agent and agent side per sentence."""
    from analysis.framing.agency import side_of

    by_doc = {doc: p for doc, p in pred.groupby("article_id")}
    out = []
    for row in gold.itertuples():
        p = by_doc.get(row.doc_id)
        hit = None
        if p is not None:
            inside = p[(p["start"] >= row.sent_start) & (p["start"] < row.sent_end)]
            if len(inside):
                overlap = inside[(inside["start"] < row.harm_end) & (inside["end"] > row.harm_start)]
                hit = (overlap if len(overlap) else inside).iloc[0]
        agent = hit["agent"] if hit is not None and isinstance(hit["agent"], str) else None
        out.append({"pred": hit["agency"] if hit is not None else "none", "pred_agent": agent,
                    "pred_agent_side": side_of(agent) or ("other" if agent else "")})
    return gold.reset_index(drop=True).join(pd.DataFrame(out))


def score(table: pd.DataFrame) -> dict:
    y, p = table["agency"], table["pred"]
    per, _ = per_class_prf(y, p, list(CLASSES))
    harm = y != "none"
    named = y.isin(["agent_active", "agent_passive"])
    p_named = p.isin(["agent_active", "agent_passive"])
    sided = named & table["agent_side"].isin(["russia", "ukraine"]) & p_named
    det_p, det_r, _ = prf_from_counts(int((harm & (p != "none")).sum()), int((p != "none").sum()), int(harm.sum()))
    return {
        "n": int(len(table)), "n_harm": int(harm.sum()),
        "accuracy": round(float((y == p).mean()), 4),
        "harm_accuracy": round(float((y[harm] == p[harm]).mean()), 4) if harm.any() else 0.0,
        "macro_f1_3": round(sum(per[c]["f1"] for c in CLASSES[:3]) / 3, 4),
        "per_class": per,
        "detection": {"precision": round(det_p, 4), "recall": round(det_r, 4)},
        "named_vs_agentless": round(float((named[harm] == p_named[harm]).mean()), 4) if harm.any() else 0.0,
        "agent_side_accuracy": round(float((table.loc[sided, "agent_side"] == table.loc[sided, "pred_agent_side"]).mean()),
                                     4) if sided.any() else 0.0,
        "n_agent_side": int(sided.sum()),
    }


def evaluate(gold_path=None, shared=None) -> dict:
    from analysis.framing.agency import agency
    from analysis.text import sentences

    gold, articles = load_gold(gold_path, shared)
    table = predictions(gold, agency(sentences(articles)))
    out = score(table)
    out["by_source"] = {src: score(t) for src, t in table.groupby("doc_source")}
    out["n_docs"] = int(gold["doc_id"].nunique())
    return out


def main(argv: list[str] | None = None) -> int:
    return gold_command(argv, prog="python -m analysis.evaluate agency", description=__doc__,
                        default_gold="data/gold/agency_gold.csv", evaluate=evaluate,
                        summary=lambda r: (f"agency: accuracy {r['accuracy']:.3f} (harm sentences {r['harm_accuracy']:.3f}), "
                          f"macro-F1 {r['macro_f1_3']:.3f}, named-vs-agentless {r['named_vs_agentless']:.3f}"))

if __name__ == "__main__":
    sys.exit(main())
