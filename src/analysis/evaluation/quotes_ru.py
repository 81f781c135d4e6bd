"""``python -m analysis.evaluate quotes-ru [--gold CSV] [--shared DIR]``

Scores Russian quote extraction (:func:`analysis.framing.quotes` on sentences with
``lang`` "ru") against ``data/gold/quotes_ru_gold.csv``: 13 articles of
``../shared/corpus/ru_uk/articles`` (the last files in name order with 2-7 «» pairs and
under 5,000 bytes), every *direct* quote (words in «», „“, "" or after a dialogue dash
that reproduce someone's words, partial quotes included; scare quotes, titles and names
excluded). Offsets index the file read with ``newline=''`` (CRLF kept); checked by SHA-1.
Annotated before the extractor was run on these files.

Sentences are cut with razdel here (the project's ``analysis.text.sentences`` for
Russian belongs to another module). Matching as for English: overlap, one-to-one.
Speaker correct when the gold id (nominative lemma: "песков", "орбан", "ведомство")
is the predicted ``speaker_entity_id`` or a lemma of a word of the predicted speaker;
verb-class accuracy over matched quotes whose gold verb has a class.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

from analysis.evaluation import prf_from_counts


def default_gold() -> Path:
    from analysis.paths import gold_dir

    return gold_dir() / "quotes_ru_gold.csv"


def _sha(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()[:12]


def load_gold(gold=None, shared=None):
    from analysis.paths import shared_dir

    frame = pd.read_csv(gold or default_gold(), keep_default_na=False, dtype=str)
    folder = (Path(shared) if shared else shared_dir()) / "corpus" / "ru_uk" / "articles"
    texts = {}
    for row in frame.drop_duplicates("doc_id").itertuples():
        with open(folder / f"{row.doc_id}.txt", encoding="utf-8", newline="") as handle:
            text = handle.read()
        if _sha(text) != row.doc_sha1:
            raise ValueError(f"{row.doc_id}: document checksum differs")
        texts[row.doc_id] = text
    g = frame[frame["quote_type"] != "none"].copy()
    g["start"] = g["start"].astype(int)
    g["end"] = g["end"].astype(int)
    for row in g.itertuples():
        if _sha(texts[row.doc_id][row.start:row.end]) != row.span_sha1:
            raise ValueError(f"{row.doc_id} {row.start}-{row.end}: span checksum differs")
    return g.reset_index(drop=True), texts


def razdel_sentences(texts: dict, lang: str = "ru") -> pd.DataFrame:
    import razdel

    rows = []
    for aid, text in texts.items():
        for k, s in enumerate(razdel.sentenize(text)):
            rows.append((aid, k, s.start, s.stop, s.text, lang))
    return pd.DataFrame(rows, columns=["article_id", "sentence_id", "start", "end", "text", "lang"])


def speaker_ok(pred_speaker, pred_key, gold_id: str) -> bool:
    from analysis.framing._cyr import lemma_forms

    if not isinstance(pred_speaker, str) or not pred_speaker:
        return False
    if isinstance(pred_key, str) and pred_key == gold_id:
        return True
    return any(gold_id in lemma_forms(w.strip(".,"), "ru") for w in pred_speaker.split())


def evaluate(gold=None, shared=None) -> dict:
    from analysis.evaluation.quotes import match
    from analysis.framing.quotes import quotes

    g, texts = load_gold(gold, shared)
    pred = quotes(razdel_sentences(texts), mentions=False)
    pred = pred[pred["quote_type"] == "direct"].reset_index(drop=True)
    pairs = match(pred, g)
    tp = len(pairs)
    p, r, f = prf_from_counts(tp, len(pred), len(g))
    spk = sum(speaker_ok(pred.loc[pi, "speaker"], pred.loc[pi, "speaker_entity_id"], g.loc[gi, "speaker_id"])
              for gi, pi in pairs)
    with_cls = [(gi, pi) for gi, pi in pairs if g.loc[gi, "verb_class"]]
    cls = sum(pred.loc[pi, "verb_class"] == g.loc[gi, "verb_class"] for gi, pi in with_cls)
    return {"n_docs": len(texts), "n_gold": len(g), "n_pred": len(pred), "matched": tp, "precision": round(p, 4),
            "recall": round(r, 4), "f1": round(f, 4), "speaker_accuracy": round(spk / tp, 4) if tp else 0.0,
            "verb_class_accuracy": round(cls / len(with_cls), 4) if with_cls else 0.0,
            "n_verb_class": len(with_cls)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.evaluate quotes-ru")
    parser.add_argument("--gold", default=None)
    parser.add_argument("--shared", default=None)
    args = parser.parse_args(argv)
    result = evaluate(args.gold, args.shared)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
