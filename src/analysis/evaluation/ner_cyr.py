"""Score Russian and Ukrainian entity mentions against our gold sets; time the ru text pipeline.

Usage::

    python -m analysis.evaluate ner --gold ru [--errors]     # needs ../shared (offsets into ru_uk articles)
    python -m analysis.evaluate ner --gold uk [--errors]     # our own Ukrainian sentences, no ../shared needed
    python -m analysis.evaluate ner --bench --lang ru        # words/s: sentences + tokens + lemmas + entities

Gold files (``data/gold``, see ``data/lexicons/README-entities.md``):

* ``entities_ru_sentences.csv`` (source, doc_id, start, end) and ``entities_ru.csv`` (source, doc_id,
  start, end, entity_id): offsets into ``../shared/corpus/ru_uk/articles/<doc_id>`` read with
  ``encoding="utf-8", newline=""``; names the gazetteer lacks are ``NEW:<n>``.
* ``entities_uk_sentences.txt``: one sentence per line with inline ``[surface|entity_id]``.

Scores: **gazetteer** — predictions other than ``discovered`` and ``description`` against gold mentions of gazetteer
entities; a hit needs the exact span and the same ``entity_id`` (a linked prediction on a NEW span,
or on no gold span, is a false positive). **span** — the same without the id. **discovery recall** —
share of NEW gold spans found by a ``discovered`` prediction, exactly and overlapping. Predictions
outside the gold sentences are ignored.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd

from analysis.evaluation.ner import _prf

_MARKUP = re.compile(r"\[([^\[\]|]+)\|([^\[\]]+)\]")


def gold_folder() -> Path:
    from analysis.paths import gold_dir

    return gold_dir()


def parse_markup(line: str) -> tuple[str, list[tuple[int, int, str]]]:
    """``"У [Києві|city:kyiv] ..."`` -> (plain text, [(start, end, entity_id)])."""
    out, spans, pos = [], [], 0
    length = 0
    for m in _MARKUP.finditer(line):
        before = line[pos:m.start()]
        out.append(before)
        length += len(before)
        surface, eid = m.group(1), m.group(2).strip()
        spans.append((length, length + len(surface), eid))
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(line[pos:])
    return "".join(out), spans


def load_uk_gold() -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(gold mentions, gold sentences, texts) of the Ukrainian set: each sentence is its own document."""
    path = gold_folder() / "entities_uk_sentences.txt"
    mentions, sents, texts = [], [], {}
    n = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, spans = parse_markup(line.strip())
        doc = f"uk-{n:03d}"
        n += 1
        texts[doc] = text
        sents.append(("uk", doc, 0, len(text)))
        mentions.extend(("uk", doc, s, e, eid) for s, e, eid in spans)
    cols = ["source", "doc_id", "start", "end"]
    return (pd.DataFrame(mentions, columns=cols + ["entity_id"]), pd.DataFrame(sents, columns=cols), texts)


def load_ru_gold(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    folder = gold_folder()
    gold = pd.read_csv(folder / "entities_ru.csv", dtype={"doc_id": str})
    sents = pd.read_csv(folder / "entities_ru_sentences.csv", dtype={"doc_id": str})
    texts = {}
    for d in sents["doc_id"].unique():
        with open(shared / "corpus" / "ru_uk" / "articles" / d, encoding="utf-8", newline="") as fh:
            texts[d] = fh.read()
    return gold, sents, texts


def predict(texts: dict, lang: str, *, discover: bool = True) -> pd.DataFrame:
    from analysis.entities import mentions

    arts = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "lang": lang})
    return mentions(arts, discover=discover)


def score(gold: pd.DataFrame, sents: pd.DataFrame, pred: pd.DataFrame, texts: dict, *,
          errors: bool = False) -> dict:
    # keep predictions inside a gold sentence
    inside = []
    bounds = {}
    for d, s, e in sents[["doc_id", "start", "end"]].itertuples(index=False):
        bounds.setdefault(d, []).append((s, e))
    for r in pred.itertuples(index=False):
        if any(s <= r.start and r.end <= e for s, e in bounds.get(r.article_id, [])):
            inside.append(r)
    pred = pd.DataFrame(inside, columns=pred.columns)
    linked = pred[~pred["method"].isin(["discovered", "description"])]  # descriptions are not names
    disc = pred[pred["method"] == "discovered"]
    known = gold[~gold["entity_id"].str.startswith("NEW:")]
    new = gold[gold["entity_id"].str.startswith("NEW:")]
    g_keys = set(zip(known["doc_id"], known["start"], known["end"], known["entity_id"]))
    p_keys = set(zip(linked["article_id"], linked["start"], linked["end"], linked["entity_id"]))
    g_spans = {k[:3] for k in g_keys}
    p_spans = {k[:3] for k in p_keys}
    result = {
        "gazetteer": _prf(len(g_keys & p_keys), len(p_keys), len(g_keys)),
        "gazetteer_span": _prf(len(g_spans & p_spans), len(p_spans), len(g_spans)),
    }
    per_type = {}
    from analysis.entities import load_gazetteer

    info = load_gazetteer().info
    for t in sorted({info[k[3]][1] for k in g_keys | p_keys if k[3] in info}):
        gk = {k for k in g_keys if info.get(k[3], ("", ""))[1] == t}
        pk = {k for k in p_keys if info.get(k[3], ("", ""))[1] == t}
        per_type[t] = _prf(len(gk & pk), len(pk), len(gk))
    result["per_type"] = per_type
    n_spans = set(zip(new["doc_id"], new["start"], new["end"]))
    d_spans = list(zip(disc["article_id"], disc["start"], disc["end"]))
    exact = sum(1 for k in n_spans if k in set(d_spans))
    overlap = sum(1 for d, s, e in n_spans if any(dd == d and ds < e and s < de for dd, ds, de in d_spans))
    all_gold_spans = set(zip(gold["doc_id"], gold["start"], gold["end"]))
    d_hit = sum(1 for d, s, e in d_spans if any(gd == d and gs < e and s < ge for gd, gs, ge in all_gold_spans))
    result["discovery"] = {
        "new_gold": len(n_spans), "recall_exact": round(exact / len(n_spans), 4) if n_spans else 0.0,
        "recall_overlap": round(overlap / len(n_spans), 4) if n_spans else 0.0,
        "discovered": len(d_spans),
        "precision_overlap_any_gold": round(d_hit / len(d_spans), 4) if d_spans else 0.0,
    }
    result["sentences"] = int(len(sents))
    result["gold_mentions"] = int(len(gold))
    if errors:
        import sys

        for k in sorted(g_keys - p_keys):
            print("FN", k, repr(texts[k[0]][k[1]:k[2]]), file=sys.stderr)
        for k in sorted(p_keys - g_keys):
            print("FP", k, repr(texts[k[0]][k[1]:k[2]]), file=sys.stderr)
    return result


def score_gold_cyr(lang: str, shared: Path | None, *, discover: bool = True, errors: bool = False) -> dict:
    if lang == "uk":
        gold, sents, texts = load_uk_gold()
    else:
        gold, sents, texts = load_ru_gold(shared)
    t0 = time.perf_counter()
    pred = predict(texts, lang, discover=discover)
    seconds = time.perf_counter() - t0
    out = {"command": "ner", "mode": "gold", "gold_set": lang, "discover": discover}
    out.update(score(gold, sents, pred, texts, errors=errors))
    out["predict_seconds"] = round(seconds, 2)
    return out


def bench_ru(shared: Path, *, discover: bool = False, repeat: int = 2) -> dict:
    """Words/second of sentences + tokens (with lemmas) + entities on the shared Russian articles
    (corpus/ru_uk and eval/semeval25/ru), one process. The first run is cold (pymorphy3 parses
    every distinct form once); the best of the later runs is warm (lemmas memoised)."""
    from analysis.entities import load_gazetteer, mentions
    from analysis.text import sentences, tokens

    paths = sorted((shared / "corpus" / "ru_uk" / "articles").glob("*.txt"))
    paths += sorted((shared / "eval" / "semeval25" / "ru" / "articles").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    arts = pd.DataFrame({"article_id": [p.name for p in paths], "text": texts, "lang": "ru"})
    words = sum(len(t.split()) for t in texts)
    load_gazetteer()
    runs = []
    for _ in range(max(repeat, 1)):
        stages = {}
        t0 = time.process_time()
        s = sentences(arts)
        stages["sentences"] = time.process_time() - t0
        t1 = time.process_time()
        tokens(s)
        stages["tokens_lemmas"] = time.process_time() - t1
        t2 = time.process_time()
        m = mentions(s, discover=discover)
        stages["entities"] = time.process_time() - t2
        total = time.process_time() - t0
        runs.append((total, stages, len(m)))
    cold, warm = runs[0], min(runs[1:] or runs, key=lambda r: r[0])
    return {"command": "ner", "mode": "bench", "lang": "ru", "documents": len(texts), "words": words,
            "discover": discover,
            "cold_words_per_cpu_second": round(words / cold[0]),
            "warm_words_per_cpu_second": round(words / warm[0]),
            "cold_stage_seconds": {k: round(v, 3) for k, v in cold[1].items()},
            "warm_stage_seconds": {k: round(v, 3) for k, v in warm[1].items()},
            "mentions": warm[2]}
