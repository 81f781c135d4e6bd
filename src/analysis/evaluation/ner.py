"""Score the entity extractor: CoNLL-2003 files, or our own hand-annotated gold.

Usage::

    python -m analysis.evaluate ner PATH.conll [--method default|capitalisation] [--no-discover]
    python -m analysis.evaluate ner --gold [dev|heldout] [--source official|news_gdelt] [--shared DIR]
    python -m analysis.evaluate ner --gold heldout --source news_gdelt --export-conll /tmp/heldout.conll
    python -m analysis.evaluate ner --semeval25 [DIR]
    python -m analysis.evaluate ner --bench [--no-discover] [--repeat N]

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

``--method capitalisation`` puts that baseline's figures at the top level
(and ours under ``default``), so both methods are scored on the same file.

**Gold mode.** Scores against ``data/gold/entities_gold.csv`` (``dev``, used
while the rules were built) or ``data/gold/entities_heldout.csv``
(``heldout``, annotated afterwards and never used for tuning), offsets into
``../shared``: see ``data/lexicons/README-entities.md``. ``--export-conll``
writes a gold set as CoNLL-2003 instead (PERSON->PER; ORG, MILITARY_UNIT->ORG;
GPE, LOC, FACILITY->LOC; EVENT->MISC; tokens of
:func:`analysis.text.token_spans`), so the CoNLL mode can score the
extractor and the baseline on it. The file holds corpus text: keep it out of
the project. Reports
entity-level P/R/F1 for gazetteer entities (span and entity id must match),
typed span P/R/F1 over all named mentions, and discovery recall of the names
the gazetteer lacks.

**SemEval mode.** Recall on the entity mentions of SemEval-2025 Task 10
(``roles.tsv`` of ``../shared/eval/semeval25/en``), the main entities of news
articles: see :func:`semeval25_recall`.

**Bench mode.** Words per second of :func:`analysis.entities.mentions` on the
whole ``../shared/corpus`` (wall and CPU time, sentence split excluded).

The last line of stdout is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd

from analysis.evaluation import prf_from_counts
from analysis.logs import configure_logging

logger = logging.getLogger(__name__)

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
    """Span-level P/R/F1 (rounded) with the counts (:func:`analysis.evaluation.prf_from_counts`).

    >>> _prf(3, 4, 6)
    {'precision': 0.75, 'recall': 0.5, 'f1': 0.6, 'tp': 3, 'pred': 4, 'gold': 6}
    """
    p, r, f = prf_from_counts(tp, n_pred, n_gold)
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


def capitalisation_baseline(sentences: list[tuple[list[str], list[str]]], label: str = "LOC") -> list[set]:
    """Capitalisation-only baseline: every maximal run of capitalised tokens is
    an entity labelled ``label``, except a run made of the sentence's first
    token alone (sentence-initial capitals carry no signal).

    >>> sorted(capitalisation_baseline([(["The", "cat", "met", "Vladimir", "Putin", "in", "Kyiv", "."], [])], "PER")[0])
    [(3, 5, 'PER'), (6, 7, 'PER')]
    >>> capitalisation_baseline([(["Vladimir", "Putin", "spoke", "."], [])], "PER")
    [{(0, 2, 'PER')}]
    """
    out = []
    for toks, _ in sentences:
        found, start = set(), None
        for i, tok in enumerate(list(toks) + [""]):
            cap = tok[:1].isupper()
            if cap and start is None:
                start = i
            elif not cap and start is not None:
                if not (start == 0 and i == 1):
                    found.add((start, i, label))
                start = None
        out.append(found)
    return out


def majority_type(gold: list[set]) -> str:
    """Most frequent scored gold type (LOC when the file has none)."""
    counts = Counter(c[2] for g in gold for c in g if c[2] in SCORED_TYPES)
    return counts.most_common(1)[0][0] if counts else "LOC"


METHODS = ("default", "capitalisation")


def score_conll(path: str | Path, *, discover: bool = True, method: str = "default") -> dict:
    """Span-level P/R/F1 of ``method`` on a CoNLL file, with the other method beside it.

    ``method="default"``: our extractor (:func:`predict_chunks`);
    ``"capitalisation"``: :func:`capitalisation_baseline` typed by the file's
    majority gold type. The result always carries both: the chosen method's
    figures at the top level, the capitalisation baseline under
    ``baseline_capitalisation`` (with ``per_type``) and, for the baseline, our
    extractor under ``default``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    sents = read_conll(path)
    gold_all = [chunks(tags) for _, tags in sents]
    gold = [{c for c in g if c[2] in SCORED_TYPES} for g in gold_all]
    misc = [{c for c in g if c[2] not in SCORED_TYPES} for g in gold_all]
    t0 = time.perf_counter()
    pred = predict_chunks(sents, discover=discover)
    seconds = time.perf_counter() - t0
    label = majority_type(gold)
    ours = _score(gold, pred, misc)
    base = _score(gold, capitalisation_baseline(sents, label), misc)
    result = {"command": "ner", "file": str(path), "method": method, "sentences": len(sents),
              "tokens": sum(len(t) for t, _ in sents), "discover": discover}
    if method == "default":
        result.update(ours)
        result["baseline_capitalisation"] = {**base, "label": label}
    else:
        result.update(base)
        result["label"] = label
        result["default"] = {k: ours[k] for k in ("precision", "recall", "f1", "per_type", "untyped")}
        result["baseline_capitalisation"] = {**base, "label": label}
    result["misc_policy"] = "gold MISC chunks removed; predictions exactly on a gold MISC chunk ignored; " \
                            "our EVENT/UNKNOWN/description mentions not predicted"
    result["seconds"] = round(seconds, 3)
    return result


# ---------------------------------------------------------------------------------------
# our gold set
# ---------------------------------------------------------------------------------------

GOLD_SETS = {"dev": "entities_gold", "heldout": "entities_heldout"}


def gold_paths(name: str = "dev") -> tuple[Path, Path]:
    """(mentions CSV, sentences CSV) of a gold set: ``dev`` (used while building
    the rules) or ``heldout`` (annotated afterwards, never used for tuning)."""
    from analysis.paths import gold_dir

    if name not in GOLD_SETS:
        raise ValueError(f"gold set must be one of {sorted(GOLD_SETS)}, got {name!r}")
    folder = gold_dir()
    stem = GOLD_SETS[name]
    return folder / f"{stem}.csv", folder / f"{stem}_sentences.csv"


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


def _read_gold(shared: Path, gold_set: str, source: str | None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Gold mentions, gold sentences and the document texts they index, optionally one ``source``."""
    gold_csv, sent_csv = gold_paths(gold_set)
    gold = pd.read_csv(gold_csv, dtype={"doc_id": str})
    sents = pd.read_csv(sent_csv, dtype={"doc_id": str})
    if source is not None:
        gold, sents = gold[gold["source"] == source], sents[sents["source"] == source]
    return gold, sents, load_gold_texts(shared, sents)


def score_gold(shared: Path, *, discover: bool = True, gold_set: str = "dev", source: str | None = None) -> dict:
    """Score the extractor on a hand-annotated gold set (``dev`` or ``heldout``),
    optionally one ``source`` (``official`` or ``news_gdelt``) only."""
    from analysis.entities import load_gazetteer, mentions
    from analysis.text import sentences as split

    gold, sents, texts = _read_gold(shared, gold_set, source)
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
    res = {"command": "ner", "mode": "gold", "gold_set": gold_set, "source": source or "all", "sentences": len(sents), "gold_mentions": len(gold),
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


# ---------------------------------------------------------------------------------------
# export a gold set as CoNLL-2003
# ---------------------------------------------------------------------------------------

#: Our seven types onto the CoNLL-2003 classes for export; EVENT -> MISC.
CONLL_EXPORT_TYPES = {"PERSON": "PER", "ORG": "ORG", "MILITARY_UNIT": "ORG", "GPE": "LOC", "LOC": "LOC",
                      "FACILITY": "LOC", "EVENT": "MISC"}


def _split_at(spans: list[tuple[int, int]], cuts: set[int]) -> list[tuple[int, int]]:
    """Split token spans at character offsets falling strictly inside a token."""
    out = []
    for s, e in spans:
        inner = sorted(c for c in cuts if s < c < e)
        for a, b in zip([s] + inner, inner + [e]):
            out.append((a, b))
    return out


def _conll_spans(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Flatten nested gold spans for CoNLL (no nesting): a MISC span overlapping a
    PER/ORG/LOC span is dropped (names inside an event stay); otherwise the longer wins."""
    spans = sorted(set(spans), key=lambda x: (x[0], -(x[1] - x[0])))
    scored = [x for x in spans if x[2] != "MISC"]
    keep = [x for x in spans if x[2] != "MISC" or not any(x[0] < y[1] and y[0] < x[1] for y in scored)]
    out: list[tuple[int, int, str]] = []
    for x in sorted(keep, key=lambda x: (-(x[1] - x[0]), x[0])):
        if not any(x[0] < y[1] and y[0] < x[1] for y in out):
            out.append(x)
    return sorted(out)


def gold_conll(shared: Path, gold_set: str = "dev", *, source: str | None = None) -> list[dict]:
    """A gold set as CoNLL sentences: [{"doc": key, "tokens": [...], "tags": [...] (IOB2)}].

    Tokens are :func:`analysis.text.token_spans` of each gold sentence, split
    further where a gold span starts or ends inside a token ("U.S.-produced").
    Types map with :data:`CONLL_EXPORT_TYPES` (PERSON->PER; ORG, MILITARY_UNIT
    ->ORG; GPE, LOC, FACILITY->LOC; EVENT->MISC); nested spans are flattened
    by :func:`_conll_spans`. ``source`` keeps one part (``news_gdelt`` or
    ``official``). The result holds corpus text: write it outside the project.
    """
    from analysis.text import token_spans

    gold, sents, texts = _read_gold(shared, gold_set, source)
    out = []
    for r in sents.itertuples(index=False):
        text = texts[(r.source, r.doc_id)]
        sent = text[r.start:r.end]
        g = gold[(gold["source"] == r.source) & (gold["doc_id"] == r.doc_id)
                 & (gold["start"] >= r.start) & (gold["end"] <= r.end)]
        spans = _conll_spans([(a - r.start, b - r.start, CONLL_EXPORT_TYPES[t])
                              for a, b, t in zip(g["start"], g["end"], g["type"])])
        toks = _split_at(token_spans(sent), {x for sp in spans for x in sp[:2]})
        toks = [(a, b) for a, b in toks if sent[a:b].strip()]
        tags = []
        for a, b in toks:
            tag = "O"
            for s, e, t in spans:
                if s <= a and b <= e:
                    tag = ("B-" if a == s else "I-") + t
                    break
            tags.append(tag)
        out.append({"doc": f"{r.source}|{r.doc_id}", "tokens": [sent[a:b] for a, b in toks], "tags": tags})
    return out


def write_conll(sentences: list[dict], path: str | Path) -> Path:
    """Write CoNLL-2003 columns ``token _ _ tag`` with -DOCSTART- between documents."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines, prev = [], None
    for s in sentences:
        if s["doc"] != prev:
            lines += ["-DOCSTART- -X- -X- O", ""]
            prev = s["doc"]
        for tok, tag in zip(s["tokens"], s["tags"]):
            lines.append(f"{''.join(tok.split())} _ _ {tag}")
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------
# SemEval-2025 Task 10 entity mentions (recall only)
# ---------------------------------------------------------------------------------------

def semeval25_recall(folder: Path, *, discover: bool = True) -> dict:
    """Share of the SemEval-2025 Task 10 entity-role mentions (Piskorski et al.
    2025; ``roles.tsv``: article_id, mention, start, end ...) our extractor finds.

    Those mentions are the *main* entities of each article chosen by the
    annotators, not all names, so only recall is meaningful: ``exact`` (same
    span), ``overlap`` (any overlapping mention) and, for exact hits, how many
    are gazetteer entities (``recall_exact_gazetteer``). Descriptions count (they are entity references).
    """
    import csv

    from analysis.entities import mentions
    from analysis.text import sentences as split

    roles = pd.read_csv(folder / "roles.tsv", sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)
    roles["start"] = roles["start"].astype(int)
    roles["end"] = roles["end"].astype(int)
    texts = {}
    for aid in roles["article_id"].unique():
        with open(folder / "articles" / f"{aid}.txt", encoding="utf-8", newline="") as fh:
            texts[aid] = fh.read()
    arts = pd.DataFrame({"article_id": list(texts), "text": list(texts.values())})
    m = mentions(split(arts), discover=discover)
    by_art = {a: list(zip(g["start"], g["end"], g["method"], g["entity_id"])) for a, g in m.groupby("article_id")}
    exact = overlap = exact_gaz = 0
    per_kind = Counter()
    for a, s, e in zip(roles["article_id"], roles["start"], roles["end"]):
        hits = [x for x in by_art.get(a, []) if x[0] < e and s < x[1]]
        overlap += bool(hits)
        ex = [x for x in hits if x[0] == s and x[1] == e]
        if ex:
            exact += 1
            exact_gaz += any(not str(x[3]).startswith("new:") for x in ex)
            per_kind[ex[0][2]] += 1
    n = max(len(roles), 1)
    return {"mentions": len(roles), "articles": len(texts), "recall_exact": round(exact / n, 4),
            "recall_overlap": round(overlap / n, 4), "recall_exact_gazetteer": round(exact_gaz / n, 4),
            "exact_by_method": dict(per_kind)}


# ---------------------------------------------------------------------------------------
# speed on the whole corpus
# ---------------------------------------------------------------------------------------

def corpus_documents(shared: Path) -> pd.DataFrame:
    """The 2,755 corpus documents as DataFrame[article_id, text]: every row of
    corpus/official_statements.csv (its ``text``) and every news_gdelt file (raw)."""
    off = pd.read_csv(shared / "corpus" / "official_statements.csv", dtype=str, keep_default_na=False)
    ids = ["official|" + d for d in off["doc_id"]]
    texts = off["text"].tolist()
    for path in sorted((shared / "corpus" / "news_gdelt" / "articles").glob("*.txt")):
        with open(path, encoding="utf-8", newline="") as fh:
            texts.append(fh.read())
        ids.append("news_gdelt|" + path.name)
    return pd.DataFrame({"article_id": ids, "text": texts})


def bench_corpus(shared: Path, *, discover: bool = True, repeat: int = 1) -> dict:
    """Words per second of :func:`analysis.entities.mentions` on the whole corpus
    (sentence splitting timed separately; best of ``repeat`` runs; one core)."""
    from analysis.entities import load_gazetteer, mentions
    from analysis.text import sentences as split

    docs = corpus_documents(shared)
    words = int(docs["text"].map(lambda t: len(t.split())).sum())
    t0 = time.perf_counter()
    sents = split(docs)
    split_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    load_gazetteer().matcher  # noqa: B018 - build the matcher outside the timing, as in a notebook session
    load_s = time.perf_counter() - t0
    mentions(sents.head(50), discover=discover)  # warm lazily built tables
    best, best_cpu, n = None, None, 0
    for _ in range(max(repeat, 1)):
        t0, c0 = time.perf_counter(), time.process_time()
        m = mentions(sents, discover=discover)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        best = dt if best is None else min(best, dt)
        best_cpu = dc if best_cpu is None else min(best_cpu, dc)
        n = len(m)
    return {"command": "ner", "mode": "bench", "discover": discover, "documents": len(docs),
            "sentences": len(sents), "words": words, "mentions": n, "seconds": round(best, 3),
            "words_per_second": round(words / best), "cpu_seconds": round(best_cpu, 3),
            "words_per_cpu_second": round(words / best_cpu), "sentence_split_seconds": round(split_s, 3),
            "gazetteer_load_seconds": round(load_s, 3)}


def main(argv: list[str] | None = None) -> int:
    configure_logging()  # stderr, INFO unless -q/-v said otherwise
    parser = argparse.ArgumentParser(prog="python -m analysis.evaluate ner", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", help="CoNLL-2003-format file (token ... tag)")
    parser.add_argument("--gold", nargs="?", const="dev", choices=sorted(GOLD_SETS) + ["ru", "uk"], default=None,
                        help="score on our gold set against ../shared: dev (data/gold/entities_gold.csv, the "
                             "default) or heldout (data/gold/entities_heldout.csv); ru (data/gold/entities_ru.csv, "
                             "offsets into ../shared/corpus/ru_uk) or uk (our own sentences, no ../shared needed)")
    parser.add_argument("--errors", action="store_true", help="with --gold ru|uk: list misses and false hits on stderr")
    parser.add_argument("--lang", choices=["en", "ru"], default="en",
                        help="with --bench: ru times sentences + tokens + lemmas + entities on the shared Russian articles")
    parser.add_argument("--source", choices=["official", "news_gdelt"], default=None,
                        help="with --gold: keep one part of the gold set")
    parser.add_argument("--export-conll", metavar="OUT", default=None,
                        help="with --gold: write the gold set as CoNLL-2003 (IOB2) to OUT instead of scoring; "
                             "OUT holds corpus text, keep it outside the project")
    parser.add_argument("--method", choices=METHODS, default="default",
                        help="CoNLL mode: what the top-level scores are for (both are always reported)")
    parser.add_argument("--semeval25", nargs="?", const="", default=None, metavar="DIR",
                        help="recall on SemEval-2025 Task 10 entity mentions (default ../shared/eval/semeval25/en)")
    parser.add_argument("--bench", action="store_true",
                        help="time mentions() on the whole ../shared/corpus and report words/second")
    parser.add_argument("--repeat", type=int, default=1, help="with --bench: best of N runs")
    parser.add_argument("--shared", default=None, help="location of ../shared (default: analysis.paths.shared_dir())")
    parser.add_argument("--no-discover", action="store_true", help="gazetteer lookup only")
    args = parser.parse_args(argv)
    if not args.path and not args.gold and args.semeval25 is None and not args.bench:
        parser.print_usage(sys.stderr)
        logger.error("give a CoNLL file, --gold [dev|heldout] or --semeval25")
        return 2
    from analysis.paths import shared_dir

    shared = Path(args.shared) if args.shared else shared_dir()
    if args.gold in ("ru", "uk") or (args.bench and args.lang == "ru"):
        from analysis.evaluation import ner_cyr

        if (args.gold == "ru" or args.bench) and not (shared / "corpus" / "ru_uk").is_dir():
            logger.error(f"no corpus/ru_uk under {shared}")
            return 2
        if args.bench:
            result = ner_cyr.bench_ru(shared, discover=not args.no_discover, repeat=max(args.repeat, 2))
        else:
            logger.info(f"scoring {args.gold} gold entities")
            result = ner_cyr.score_gold_cyr(args.gold, shared, discover=not args.no_discover, errors=args.errors)
        print(json.dumps(result, ensure_ascii=False))
        return 0
    if args.bench:
        if not (shared / "corpus").is_dir():
            logger.error(f"no corpus under {shared}")
            return 2
        logger.info(f"timing mentions() on {shared / 'corpus'}")
        result = bench_corpus(shared, discover=not args.no_discover, repeat=args.repeat)
    elif args.semeval25 is not None:
        folder = Path(args.semeval25) if args.semeval25 else shared / "eval" / "semeval25" / "en"
        if not (folder / "roles.tsv").is_file():
            logger.error(f"no roles.tsv under {folder}")
            return 2
        logger.info(f"recall on SemEval-2025 mentions in {folder}")
        result = {"command": "ner", "mode": "semeval25", "folder": str(folder), "discover": not args.no_discover}
        result.update(semeval25_recall(folder, discover=not args.no_discover))
    elif args.gold:
        if not (shared / "corpus").is_dir():
            logger.error(f"no corpus under {shared}")
            return 2
        if args.export_conll:
            from analysis.paths import checkout_root

            out = Path(args.export_conll).resolve()
            root = checkout_root()
            if root is not None and root in out.parents:
                logger.warning(f"warning: {out} holds corpus text; do not commit it")
            sents = gold_conll(shared, args.gold, source=args.source)
            write_conll(sents, out)
            n_chunks = Counter(c[2] for s in sents for c in chunks(s["tags"]))
            result = {"command": "ner", "mode": "export", "gold_set": args.gold, "source": args.source,
                      "file": str(out), "sentences": len(sents), "tokens": sum(len(s["tokens"]) for s in sents),
                      "chunks": dict(sorted(n_chunks.items()))}
        else:
            logger.info(f"scoring gold entities ({args.gold}) against {shared}")
            result = score_gold(shared, discover=not args.no_discover, gold_set=args.gold, source=args.source)
    else:
        path = Path(args.path)
        if not path.is_file():
            logger.error(f"no such file: {path}")
            return 2
        logger.info(f"scoring {path} ({args.method})")
        result = score_conll(path, discover=not args.no_discover, method=args.method)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
