"""``python -m analysis.evaluate quotes [GOLD.csv] [--shared DIR]``

Scores :func:`analysis.framing.quotes` against the hand-made quote gold
(``data/gold/quotes_gold.csv``): the seed article (``data/raw``) plus news
articles of ``../shared/corpus/news_gdelt/articles``. The gold stores offsets,
speaker ids and verbs only - no text. Offsets index into each file's text as
read by ``Path.read_text(encoding="utf-8")`` (Python's universal newlines);
``doc_sha1``/``span_sha1`` (first 12 hex digits of SHA-1 of the document /
of ``text[start:end]``) prove the offsets still point at the annotated words.

Scope of the gold: in the news documents, *direct* quotes only (every span in
double quotation marks that reproduces someone's words and is attributed in
the text, partial quotes included; scare quotes, titles and names excluded);
in the seed, direct and indirect quotes. Spans are the words inside the
marks. A predicted quote matches a gold quote of the same type when the
spans overlap (one-to-one, largest overlap first).

Prints one JSON object last. The headline figures (top-level ``precision``,
``recall``, ``f1``, ``speaker_accuracy``, ``verb_accuracy``; ``headline`` names
them) are ``direct_news``: direct quotes in the news documents only. The seed
article is left out of the headline because the quote rules were developed
on it. ``matching_rule`` states how a prediction is matched to the gold. Also:
``direct_all`` (news + seed), ``seed_all`` (direct + indirect on the seed),
``n_docs``, ``n_news_docs``; each block has {n_gold, n_pred, matched,
precision, recall, f1, speaker_accuracy, verb_accuracy}.
"""

from __future__ import annotations

import hashlib
import sys
import unicodedata
from pathlib import Path

import pandas as pd

from analysis.evaluation import gold_command, prf_from_counts
from analysis.paths import gold_dir, seed_article, shared_dir

MATCHING_RULE = ("a predicted quote matches a gold quote of the same type (direct/indirect) in the same "
                 "document when their character spans overlap by at least one character; matching is "
                 "one-to-one, largest overlap first; speaker and verb accuracy are over matched pairs")
HEADLINE = "direct_news"


def _sha(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()[:12]


def default_gold() -> Path:
    return gold_dir() / "quotes_gold.csv"


def doc_path(row, shared: Path) -> Path:
    if row["doc_source"] == "seed":
        return seed_article().parent / row["doc_id"]
    return shared / "corpus" / "news_gdelt" / "articles" / row["doc_id"]


def load_gold(gold: str | Path | None = None, shared: str | Path | None = None):
    """Gold table and the documents it indexes, verified by checksum.

    Returns (gold DataFrame, articles DataFrame[article_id, text]); raises
    ValueError when a document or span checksum does not match.
    """
    gold = pd.read_csv(gold or default_gold(), dtype={"start": "Int64", "end": "Int64"}, keep_default_na=False,
                       na_values={"start": [""], "end": [""]})
    shared = Path(shared) if shared else shared_dir()
    texts = {}
    for _, row in gold.drop_duplicates("doc_id").iterrows():
        path = doc_path(row, shared)
        text = path.read_text(encoding="utf-8")
        if _sha(text) != row["doc_sha1"]:
            raise ValueError(f"{path}: document checksum differs from the gold's")
        texts[row["doc_id"]] = text
    for _, row in gold[gold["quote_type"] != "none"].iterrows():
        span = texts[row["doc_id"]][int(row["start"]):int(row["end"])]
        if _sha(span) != row["span_sha1"]:
            raise ValueError(f"{row['doc_id']} {row['start']}-{row['end']}: span checksum differs")
    articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values())})
    return gold, articles


def _norm(s) -> str:
    s = unicodedata.normalize("NFKD", str(s or "")).encode("ascii", "ignore").decode().lower()
    return s


def speaker_matches(pred_speaker, gold_id: str) -> bool:
    from analysis.framing.quotes import speaker_key

    if not isinstance(pred_speaker, str) or not pred_speaker:
        return False
    g = _norm(gold_id)
    key = _norm(speaker_key(pred_speaker))
    words = _norm(pred_speaker).replace(".", " ").split()
    return key == g or g in words


def verb_matches(pred_verb, gold_verb) -> bool:
    from analysis.framing.quotes import _verb_table

    if not isinstance(pred_verb, str):
        return False
    p, g = pred_verb.lower().strip(), str(gold_verb).lower().strip()
    table = _verb_table(None)
    lp = table.get(p, (p, None))[0]
    lg = table.get(g, (g, None))[0]
    return p == g or lp == lg


def match(pred: pd.DataFrame, gold: pd.DataFrame) -> list[tuple[int, int]]:
    """One-to-one overlap matching (largest overlap first) per document."""
    pairs = []
    for doc, g in gold.groupby("doc_id"):
        p = pred[pred["article_id"] == doc]
        cands = []
        for gi, gr in g.iterrows():
            for pi, pr in p.iterrows():
                ov = min(int(gr["end"]), int(pr["end"])) - max(int(gr["start"]), int(pr["start"]))
                if ov > 0:
                    cands.append((ov, gi, pi))
        used_g, used_p = set(), set()
        for _ov, gi, pi in sorted(cands, reverse=True):
            if gi in used_g or pi in used_p:
                continue
            used_g.add(gi)
            used_p.add(pi)
            pairs.append((gi, pi))
    return pairs


def score(pred: pd.DataFrame, gold: pd.DataFrame) -> dict:
    pairs = match(pred, gold)
    n_gold, n_pred, tp = len(gold), len(pred), len(pairs)
    p, r, f = prf_from_counts(tp, n_pred, n_gold)
    spk = sum(speaker_matches(pred.loc[pi, "speaker"], gold.loc[gi, "speaker_id"]) for gi, pi in pairs)
    vb = sum(verb_matches(pred.loc[pi, "verb"], gold.loc[gi, "verb"]) for gi, pi in pairs)
    return {"n_gold": n_gold, "n_pred": n_pred, "matched": tp, "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(f, 4), "speaker_accuracy": round(spk / tp, 4) if tp else 0.0,
            "verb_accuracy": round(vb / tp, 4) if tp else 0.0}


def evaluate(gold_path=None, shared=None) -> dict:
    from analysis.framing.quotes import quotes
    from analysis.text import sentences

    gold, articles = load_gold(gold_path, shared)
    pred = quotes(sentences(articles)).reset_index(drop=True)
    g = gold[gold["quote_type"] != "none"].reset_index(drop=True)
    seed_ids = set(gold.loc[gold["doc_source"] == "seed", "doc_id"])
    blocks = {
        "direct_news": score(pred[(pred["quote_type"] == "direct") & ~pred["article_id"].isin(seed_ids)],
                             g[(g["quote_type"] == "direct") & ~g["doc_id"].isin(seed_ids)]),
        "direct_all": score(pred[pred["quote_type"] == "direct"], g[g["quote_type"] == "direct"]),
        "seed_all": score(pred[pred["article_id"].isin(seed_ids)], g[g["doc_id"].isin(seed_ids)]),
    }
    return headline_result(blocks, n_docs=int(gold["doc_id"].nunique()),
                           n_news_docs=int(gold.loc[~gold["doc_id"].isin(seed_ids), "doc_id"].nunique()))


def headline_result(blocks: dict, **counts) -> dict:
    """The result JSON: the news-only block's figures on top, the rule stated, every block kept.

    >>> r = headline_result({"direct_news": {"precision": 0.9, "recall": 0.8, "f1": 0.85, "n_gold": 10},
    ...                      "direct_all": {"precision": 0.95}}, n_docs=3)
    >>> (r["headline"], r["precision"], r["f1"], r["n_docs"], "matching_rule" in r)
    ('direct_news', 0.9, 0.85, 3, True)
    """
    top = {k: blocks[HEADLINE][k] for k in ("precision", "recall", "f1", "speaker_accuracy", "verb_accuracy",
                                              "n_gold", "n_pred") if k in blocks[HEADLINE]}
    return {"headline": HEADLINE, **top, "matching_rule": MATCHING_RULE, **counts, **blocks}


def main(argv: list[str] | None = None) -> int:
    return gold_command(argv, prog="python -m analysis.evaluate quotes", description=__doc__,
                        default_gold="data/gold/quotes_gold.csv", evaluate=evaluate,
                        summary=lambda r: (f"direct quotes, news only: P {r['precision']:.3f} R {r['recall']:.3f} "
                          f"F1 {r['f1']:.3f} speaker {r['speaker_accuracy']:.3f} "
                          f"verb {r['verb_accuracy']:.3f}"))

if __name__ == "__main__":
    sys.exit(main())
