"""Score the entity extractor: CoNLL-2003 files, or our own hand-annotated gold.

Usage::

    python -m analysis.evaluate ner PATH.conll [--no-discover]
    python -m analysis.evaluate ner --gold [--shared DIR]

**CoNLL mode.** ``PATH`` holds one token per line, the token first and the
NER tag last (``token POS chunk tag`` or just ``token tag``), blank lines
between sentences and ``-DOCSTART-`` lines between documents; tags may be
IOB1 (CoNLL-2003 as released: ``I-`` opens a chunk unless it continues one of
the same type) or IOB2 (every chunk opens with ``B-``). Each sentence is
detokenised (no space before ``, . ; : ! ? ) 's n't``) and run through
:func:`analysis.entities.mentions`; our types map onto PER/ORG/LOC
(PERSON->PER; ORG, MILITARY_UNIT->ORG; GPE, LOC, FACILITY->LOC). MISC is not
scored: gold MISC chunks are removed, and a predicted chunk that coincides
exactly with a gold MISC chunk is ignored rather than counted wrong.
Descriptions ("Russian forces"), events and untyped discoveries are not
predictions for this score. Scores are span-level micro precision/recall/F1
(Tjong Kim Sang & De Meulder 2003): a hit needs the exact span and type.
A capitalisation-only baseline (every maximal run of capitalised tokens,
except a sentence's first token, labelled with the most frequent gold type)
is reported beside it.

**Gold mode.** Scores against ``data/gold/entities_gold.csv`` (offsets into
``../shared``): see ``data/lexicons/README-entities.md``. Reports
entity-level P/R/F1 for gazetteer entities (span and entity id must match),
typed span P/R/F1 over all named mentions, and discovery recall of the names
the gazetteer lacks.

The last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd

SCORED_TYPES = ("PER", "ORG", "LOC")
_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "'s", "'S", "n't", "'re", "'ve", "'ll", "'d", "'m", "%"}
_NO_SPACE_AFTER = {"(", "[", "{", "$"}


def read_conll(path: str | Path) -> list[tuple[list[str], list[str]]]:
    """Sentences of a CoNLL file as (tokens, tags); ``-DOCSTART-`` lines dropped."""
    sentences: list[tuple[list[str], list[str]]] = []
    toks: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts or parts[0] == "-DOCSTART-":
                if toks:
                    sentences.append((toks, tags))
                toks, tags = [], []
                continue
            toks.append(parts[0])
            tags.append(parts[-1] if len(parts) > 1 else "O")
    if toks:
        sentences.append((toks, tags))
    return sentences


def chunks(tags: list[str]) -> set[tuple[int, int, str]]:
    """(first token, last token + 1, type) chunks of an IOB1 or IOB2 tag sequence.

    >>> sorted(chunks(["I-PER", "I-PER", "O", "I-LOC", "B-LOC"]))
    [(0, 2, 'PER'), (3, 4, 'LOC'), (4, 5, 'LOC')]
    >>> sorted(chunks(["B-ORG", "I-ORG", "I-PER"]))
    [(0, 2, 'ORG'), (2, 3, 'PER')]
    """
    out = set()
    start, ctype = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, typ = tag.partition("-")
        if tag == "O" or prefix not in ("B", "I", "E", "S"):
            if start is not None:
                out.add((start, i, ctype))
            start, ctype = None, None
            continue
        if prefix in ("B", "S") or typ != ctype or start is None:
            if start is not None:
                out.add((start, i, ctype))
            start, ctype = i, typ
    return out


def detokenise(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join tokens into text with spans for each token.

    >>> detokenise(["Russia", "'s", "army", "(", "AFU", ")", "left", "."])[0]
    "Russia's army (AFU) left."
    """
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    prev = None
    for tok in tokens:
        if prev is not None and tok not in _NO_SPACE_BEFORE and prev not in _NO_SPACE_AFTER:
            parts.append(" ")
            pos += 1
        spans.append((pos, pos + len(tok)))
        parts.append(tok)
        pos += len(tok)
        prev = tok
    return "".join(parts), spans


def _char_to_tokens(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    idx = [i for i, (s, e) in enumerate(spans) if s < end and start < e]
    return (idx[0], idx[-1] + 1) if idx else None


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "pred": n_pred, "gold": n_gold}


def _score(gold: list[set], pred: list[set], misc: list[set]) -> dict:
    """Micro P/R/F1 over sentences of (start, end, type) chunks."""
    tp = Counter()
    n_pred = Counter()
    n_gold = Counter()
    u_tp = u_pred = u_gold = 0
    for g, p, m in zip(gold, pred, misc):
        misc_spans = {(s, e) for s, e, _ in m}
        p = {c for c in p if (c[0], c[1]) not in misc_spans}
        for c in g:
            n_gold[c[2]] += 1
        for c in p:
            n_pred[c[2]] += 1
        for c in p & g:
            tp[c[2]] += 1
        gs, ps = {(s, e) for s, e, _ in g}, {(s, e) for s, e, _ in p}
        u_tp += len(gs & ps)
        u_pred += len(ps)
        u_gold += len(gs)
    out = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    out["per_type"] = {t: _prf(tp[t], n_pred[t], n_gold[t]) for t in SCORED_TYPES}
    out["untyped"] = _prf(u_tp, u_pred, u_gold)
    return out


def predict_chunks(sentences: list[tuple[list[str], list[str]]], *, discover: bool = True) -> list[set]:
    """Our extractor's PER/ORG/LOC chunks (token offsets) for each sentence."""
    from analysis.entities import conll_type, mentions

    texts, spans = [], []
    for toks, _ in sentences:
        text, sp = detokenise(toks)
        texts.append(text)
        spans.append(sp)
    frame = pd.DataFrame({"article_id": range(len(texts)), "sentence_id": 0, "start": 0, "end": [len(t) for t in texts],
                          "text": texts})
    m = mentions(frame, discover=discover)
    m = m[m["method"] != "description"]
    out: list[set] = [set() for _ in texts]
    for aid, s, e, typ in zip(m["article_id"], m["start"], m["end"], m["type"]):
        ct = conll_type(typ)
        if ct is None:
            continue
        tok = _char_to_tokens(spans[aid], s, e)
        if tok:
            out[aid].add((tok[0], tok[1], ct))
    return out


def capitalisation_baseline(sentences: list[tuple[list[str], list[str]]], label: str) -> list[set]:
    """Maximal runs of capitalised tokens (not the first token) labelled ``label``."""
    out = []
    for toks, _ in sentences:
        found, start = set(), None
        for i, tok in enumerate(list(toks) + [""]):
            cap = i > 0 and tok[:1].isupper()
            if cap and start is None:
                start = i
            elif not cap and start is not None:
                found.add((start, i, label))
                start = None
        out.append(found)
    return out


def score_conll(path: str | Path, *, discover: bool = True) -> dict:
    sents = read_conll(path)
    gold_all = [chunks(tags) for _, tags in sents]
    gold = [{c for c in g if c[2] in SCORED_TYPES} for g in gold_all]
    misc = [{c for c in g if c[2] not in SCORED_TYPES} for g in gold_all]
    t0 = time.perf_counter()
    pred = predict_chunks(sents, discover=discover)
    seconds = time.perf_counter() - t0
    result = {"command": "ner", "file": str(path), "sentences": len(sents),
              "tokens": sum(len(t) for t, _ in sents), "discover": discover}
    result.update(_score(gold, pred, misc))
    majority = Counter(c[2] for g in gold for c in g).most_common(1)
    base = _score(gold, capitalisation_baseline(sents, majority[0][0] if majority else "PER"), misc)
    result["baseline_capitalisation"] = {k: base[k] for k in ("precision", "recall", "f1", "untyped")}
    result["misc_policy"] = "gold MISC chunks removed; predictions exactly on a gold MISC chunk ignored; " \
                            "our EVENT/UNKNOWN/description mentions not predicted"
    result["seconds"] = round(seconds, 3)
    return result


# ---------------------------------------------------------------------------------------
# our gold set
# ---------------------------------------------------------------------------------------

def gold_paths() -> tuple[Path, Path]:
    from analysis.paths import project_root

    folder = project_root() / "data" / "gold"
    return folder / "entities_gold.csv", folder / "entities_gold_sentences.csv"


def load_gold_texts(shared: Path, doc_ids: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Texts the gold offsets index: ``official`` -> the ``text`` column of
    corpus/official_statements.csv read with ``dtype=str, keep_default_na=False``;
    ``news_gdelt`` -> the raw file ``corpus/news_gdelt/articles/<doc_id>`` read
    with ``encoding="utf-8", newline=""``."""
    texts = {}
    need = doc_ids[["source", "doc_id"]].drop_duplicates()
    official_ids = set(need.loc[need["source"] == "official", "doc_id"])
    if official_ids:
        off = pd.read_csv(shared / "corpus" / "official_statements.csv", dtype=str, keep_default_na=False)
        off = off[off["doc_id"].isin(official_ids)]
        texts.update({("official", d): t for d, t in zip(off["doc_id"], off["text"])})
    for d in need.loc[need["source"] == "news_gdelt", "doc_id"]:
        with open(shared / "corpus" / "news_gdelt" / "articles" / d, encoding="utf-8", newline="") as fh:
            texts[("news_gdelt", d)] = fh.read()
    return texts


def score_gold(shared: Path, *, discover: bool = True) -> dict:
    """Score the extractor on the hand-annotated gold sentences."""
    from analysis.entities import load_gazetteer, mentions
    from analysis.text import sentences as split

    gold_csv, sent_csv = gold_paths()
    gold = pd.read_csv(gold_csv, dtype={"doc_id": str})
    sents = pd.read_csv(sent_csv, dtype={"doc_id": str})
    texts = load_gold_texts(shared, sents)
    keys = list(texts)
    arts = pd.DataFrame({"article_id": [f"{s}|{d}" for s, d in keys], "text": [texts[k] for k in keys]})
    t0 = time.perf_counter()
    m = mentions(split(arts), discover=discover)
    seconds = time.perf_counter() - t0
    m = m[m["method"] != "description"]
    # keep predictions inside annotated sentences
    sent_spans = {}
    for r in sents.itertuples(index=False):
        sent_spans.setdefault(f"{r.source}|{r.doc_id}", []).append((r.start, r.end))
    inside = [any(s >= a and e <= b for a, b in sent_spans.get(aid, [])) for aid, s, e in zip(m["article_id"], m["start"], m["end"])]
    m = m[inside]
    gold = gold.assign(article_id=gold["source"] + "|" + gold["doc_id"])
    gaz_ids = set(load_gazetteer().info)
    g_known = gold[~gold["entity_id"].str.startswith("NEW:")]
    g_new = gold[gold["entity_id"].str.startswith("NEW:")]
    linked = m[m["entity_id"].isin(gaz_ids)]
    # 1. gazetteer entities: span + entity id
    gk = set(zip(g_known["article_id"], g_known["start"], g_known["end"], g_known["entity_id"]))
    pk = set(zip(linked["article_id"], linked["start"], linked["end"], linked["entity_id"]))
    # a linked prediction exactly on a NEW gold span is an error; on no gold span too
    res = {"command": "ner", "mode": "gold", "sentences": len(sents), "gold_mentions": len(gold),
           "gold_gazetteer_mentions": len(g_known), "gold_unlisted_mentions": len(g_new), "discover": discover}
    res["gazetteer_entities"] = _prf(len(gk & pk), len(pk), len(gk))
    # 2. typed spans over all named mentions (UNKNOWN discoveries count as predictions of no type)
    gt = set(zip(gold["article_id"], gold["start"], gold["end"], gold["type"]))
    typed = m[m["type"] != "UNKNOWN"]
    pt = set(zip(typed["article_id"], typed["start"], typed["end"], typed["type"]))
    res["typed_spans"] = _prf(len(gt & pt), len(pt), len(gt))
    gs = {(a, s, e) for a, s, e, _ in gt}
    ps = set(zip(m["article_id"], m["start"], m["end"]))
    res["untyped_spans"] = _prf(len(gs & ps), len(ps), len(gs))
    # 3. discovery recall on names the gazetteer lacks
    disc = m[m["method"].isin(["discovered", "short_form"]) & m["entity_id"].str.startswith("new:")]
    dspans = list(zip(disc["article_id"], disc["start"], disc["end"], disc["type"]))
    exact = overlap = typed_ok = 0
    for a, s, e, t in zip(g_new["article_id"], g_new["start"], g_new["end"], g_new["type"]):
        hits = [d for d in dspans if d[0] == a and d[1] < e and s < d[2]]
        if hits:
            overlap += 1
        if any(d[1] == s and d[2] == e for d in hits):
            exact += 1
            if any(d[1] == s and d[2] == e and d[3] == t for d in hits):
                typed_ok += 1
    n = max(len(g_new), 1)
    res["discovery_recall"] = {"exact_span": round(exact / n, 4), "overlap": round(overlap / n, 4),
                               "exact_span_and_type": round(typed_ok / n, 4), "gold": len(g_new)}
    # per type (typed spans)
    per = {}
    for t in sorted(set(gold["type"])):
        gtt = {x for x in gt if x[3] == t}
        ptt = {x for x in pt if x[3] == t}
        per[t] = _prf(len(gtt & ptt), len(ptt), len(gtt))
    res["per_type"] = per
    res["precision"], res["recall"], res["f1"] = (res["gazetteer_entities"][k] for k in ("precision", "recall", "f1"))
    res["seconds"] = round(seconds, 3)
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.evaluate ner", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="CoNLL-2003-format file (token ... tag)")
    parser.add_argument("--gold", action="store_true", help="score on data/gold/entities_gold.csv against ../shared")
    parser.add_argument("--shared", default=None, help="location of ../shared (default: analysis.paths.shared_dir())")
    parser.add_argument("--no-discover", action="store_true", help="gazetteer lookup only")
    args = parser.parse_args(argv)
    if not args.path and not args.gold:
        parser.print_usage(sys.stderr)
        print("give a CoNLL file or --gold", file=sys.stderr)
        return 2
    if args.gold:
        from analysis.paths import shared_dir

        shared = Path(args.shared) if args.shared else shared_dir()
        if not (shared / "corpus").is_dir():
            print(f"no corpus under {shared}", file=sys.stderr)
            return 2
        print(f"scoring gold entities against {shared}", file=sys.stderr)
        result = score_gold(shared, discover=not args.no_discover)
    else:
        path = Path(args.path)
        if not path.is_file():
            print(f"no such file: {path}", file=sys.stderr)
            return 2
        print(f"scoring {path}", file=sys.stderr)
        result = score_conll(path, discover=not args.no_discover)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
