"""``python -m analysis.evaluate agency-ru [--gold CSV] [--shared DIR]``

Scores Russian/Ukrainian agency (:func:`analysis.framing.agency` on sentences with ``lang``
"ru"/"uk") against ``data/gold/agency_ru_uk_gold.csv``: 61 Russian sentences with a harm
word from ``../shared/corpus/ru_uk/articles`` (files after the 60th in name order, not the
quote-gold files, up to two per file; offsets into the file read with ``newline=''``,
SHA-1 checked, no text) and 20 Ukrainian sentences written for the project. Labels
describe the sentence's first expression of physical violence: ``agent_active``,
``agent_passive``, ``agentless`` or ``none`` (no physical violence: "YouTube уничтожил
каналы", verbal "атаковала", economic "пострадает"). Rules as the English gold:
instruments are not agents (a drone that "ударил", missiles that "ударяют"); a nationality
adjective on an attack or weapon noun names the side ("атака украинского дрона").

Each sentence is scored alone (one-sentence frames). Prints one JSON object:
``accuracy`` (4 labels, none = no row), ``macro_f1_harm`` (3 classes over gold harm
sentences, a missed sentence counted as agentless-vs-gold error), ``named_vs_agentless``
(agent named or not, on harm sentences both gold and system detected), harm detection
precision/recall, and agent-side accuracy where gold names an agent and the system too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.evaluation import per_class_prf, prf_from_counts

CLASSES = ("agent_active", "agent_passive", "agentless")


def default_gold() -> Path:
    from analysis.paths import gold_dir

    return gold_dir() / "agency_ru_uk_gold.csv"


def _sha(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()[:12]


def load_gold(gold=None, shared=None) -> pd.DataFrame:
    from analysis.paths import shared_dir

    frame = pd.read_csv(gold or default_gold(), keep_default_na=False, dtype=str)
    folder = (Path(shared) if shared else shared_dir()) / "corpus" / "ru_uk" / "articles"
    texts, docs = [], {}
    for row in frame.itertuples():
        if row.doc_source == "written":
            if _sha(row.text) != row.sent_sha1:
                raise ValueError(f"{row.doc_id}: sentence checksum differs")
            texts.append(row.text)
            continue
        if row.doc_id not in docs:
            with open(folder / f"{row.doc_id}.txt", encoding="utf-8", newline="") as handle:
                docs[row.doc_id] = handle.read()
            if _sha(docs[row.doc_id]) != row.doc_sha1:
                raise ValueError(f"{row.doc_id}: document checksum differs")
        sent = docs[row.doc_id][int(row.sent_start):int(row.sent_end)]
        if _sha(sent) != row.sent_sha1:
            raise ValueError(f"{row.doc_id} {row.sent_start}: sentence checksum differs")
        texts.append(sent)
    return frame.assign(text=texts)


def evaluate(gold=None, shared=None) -> dict:
    from analysis.framing.agency import agency

    g = load_gold(gold, shared)
    sents = pd.DataFrame({"article_id": [f"g{i}" for i in range(len(g))], "sentence_id": 0, "start": 0,
                          "end": g["text"].str.len(), "text": g["text"], "lang": g["lang"]})
    pred = agency(sents).set_index("article_id")
    ids = sents["article_id"].tolist()
    p_cls = [pred.loc[i, "agency"] if i in pred.index else "none" for i in ids]
    p_side = [pred.loc[i, "agent_side"] if i in pred.index else None for i in ids]
    gold_cls = g["agency"].tolist()
    acc = float(np.mean([a == b for a, b in zip(gold_cls, p_cls)]))
    harm = [k for k, c in enumerate(gold_cls) if c != "none"]
    per, _ = per_class_prf([gold_cls[k] for k in harm], [p_cls[k] for k in harm], list(CLASSES))
    f1s = {c: per[c]["f1"] for c in CLASSES}
    both = [k for k in harm if p_cls[k] != "none"]
    named = float(np.mean([(gold_cls[k] != "agentless") == (p_cls[k] != "agentless") for k in both])) if both else 0.0
    det_p, det_r, _ = prf_from_counts(len(both), sum(1 for c in p_cls if c != "none"), len(harm))
    sided = [k for k in both if gold_cls[k] != "agentless" and p_cls[k] != "agentless" and g["agent_side"][k]]
    side_acc = float(np.mean([p_side[k] == g["agent_side"][k] for k in sided])) if sided else 0.0
    by_lang = {}
    for code in sorted(set(g["lang"])):
        ks = [k for k in range(len(g)) if g["lang"][k] == code]
        by_lang[code] = {"n": len(ks), "accuracy": round(float(np.mean([gold_cls[k] == p_cls[k] for k in ks])), 4)}
    return {"n": len(g), "n_harm": len(harm), "accuracy": round(acc, 4),
            "macro_f1_harm": round(float(np.mean(list(f1s.values()))), 4), "f1": f1s,
            "named_vs_agentless": round(named, 4), "harm_detection_precision": round(det_p, 4),
            "harm_detection_recall": round(det_r, 4), "agent_side_accuracy": round(side_acc, 4),
            "n_agent_side": len(sided), "by_lang": by_lang,
            "gold_counts": {c: gold_cls.count(c) for c in (*CLASSES, "none")}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.evaluate agency-ru")
    parser.add_argument("--gold", default=None)
    parser.add_argument("--shared", default=None)
    args = parser.parse_args(argv)
    print(json.dumps(evaluate(args.gold, args.shared), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
