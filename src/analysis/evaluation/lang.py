"""Language identification accuracy on articles and on single sentences.

Usage::

    python -m analysis.evaluate lang [--shared DIR] [--errors N]

Material (labels are the language of the collection; nothing is tuned on it beyond what the
``analysis.lang`` docstring states):

* ``ru``: ``../shared/corpus/ru_uk/articles`` (142) and ``../shared/eval/semeval25/ru/articles`` (116);
* ``en``: ``../shared/corpus/news_gdelt/articles`` whose file name says English (546),
  ``../shared/eval/semeval25/en/articles`` and ``data/raw``; the GDELT files named ``_Russian_``
  (5) and ``_Ukrainian_`` (5) count for ru and uk (Spanish and Arabic ones are left out);
* ``uk``: those 5 GDELT articles and the Ukrainian sentences we wrote
  (``data/gold/entities_uk_sentences.txt``), as articles of five consecutive sentences and as
  single sentences.

Articles: :func:`analysis.lang.detect` of the whole text. Sentences: every sentence (razdel for
ru/uk, the English splitter for en) with at least three words, detected on its own (no article
context), labelled with its collection's language; a Ukrainian or English quote inside a Russian
article therefore counts as an error here, so the sentence figure is a lower bound.
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

from analysis.logs import configure_logging

logger = logging.getLogger(__name__)


def _read(paths) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8", errors="replace")) for p in paths]


def collect(shared: Path) -> dict[str, list[tuple[str, str]]]:
    from analysis.evaluation.ner_cyr import load_uk_gold
    from analysis.paths import seed_article

    docs: dict[str, list[tuple[str, str]]] = {"ru": [], "en": [], "uk": []}
    for sub in ("corpus/ru_uk/articles", "eval/semeval25/ru/articles"):
        docs["ru"] += _read(sorted((shared / sub).glob("*.txt")))
    # GDELT file names carry the outlet's language: <date>_<country>_<language>_<id>.txt
    names = {"en": "en", "english": "en", "russian": "ru", "ukrainian": "uk"}
    for name, text in _read(sorted((shared / "corpus/news_gdelt/articles").glob("*.txt"))):
        parts = name.split("_")
        lang = names.get(parts[2].lower()) if len(parts) > 3 else "en"
        if lang:
            docs[lang].append((name, text))
    docs["en"] += _read(sorted((shared / "eval/semeval25/en/articles").glob("*.txt")))
    docs["en"] += _read([seed_article()])
    _, _, uk = load_uk_gold()
    texts = list(uk.values())
    docs["uk"] += [(f"uk-{i // 5:02d}", " ".join(texts[i:i + 5])) for i in range(0, len(texts), 5)]
    return docs


def evaluate(shared: Path, *, show_errors: int = 0) -> dict:
    from analysis.cyrillic import sentence_spans as cyr_spans
    from analysis.evaluation.ner_cyr import load_uk_gold
    from analysis.lang import detect
    from analysis.text import sentence_spans as en_spans

    docs = collect(shared)
    t0 = time.perf_counter()
    art = {}
    errors = []
    for lang, items in docs.items():
        ok = 0
        for name, text in items:
            got = detect(text).lang
            ok += got == lang
            if got != lang:
                errors.append(("article", lang, got, name, text[:80]))
        art[lang] = {"n": len(items), "correct": ok, "accuracy": round(ok / len(items), 4) if items else None}
    sent = {}
    n_short = Counter()
    for lang, items in docs.items():
        split = cyr_spans if lang in ("ru", "uk") else en_spans
        pieces = [text[s:e] for name, text in items if not name.startswith("uk-") for s, e in split(text)]
        if lang == "uk":
            _, _, uk = load_uk_gold()
            pieces += list(uk.values())
        pieces = [p for p in pieces if len(p.split()) >= 3]
        ok = 0
        confusion = Counter()
        for p in pieces:
            r = detect(p)
            ok += r.lang == lang
            confusion[r.lang] += 1
            if r.lang != lang:
                errors.append(("sentence", lang, r.lang, r.note, p[:100]))
            if len(p.split()) <= 6:
                n_short[(lang, r.lang == lang)] += 1
        sent[lang] = {"n": len(pieces), "correct": ok, "accuracy": round(ok / len(pieces), 4) if pieces else None,
                      "predicted": dict(confusion.most_common())}
    short = {lang: round(n_short[(lang, True)] / max(1, n_short[(lang, True)] + n_short[(lang, False)]), 4)
             for lang in docs}
    seconds = time.perf_counter() - t0
    if show_errors:
        for e in errors[:show_errors]:
            print("\t".join(str(x) for x in e), file=sys.stderr)

    def overall(table):
        n = sum(v["n"] for v in table.values())
        c = sum(v["correct"] for v in table.values())
        return round(c / n, 4) if n else None

    return {"command": "lang", "articles": art, "article_accuracy": overall(art), "sentences": sent,
            "sentence_accuracy": overall(sent), "short_sentence_accuracy_3_to_6_words": short,
            "seconds": round(seconds, 1)}


def main(argv: list[str] | None = None) -> int:
    configure_logging()  # stderr, INFO unless -q/-v said otherwise
    parser = argparse.ArgumentParser(prog="python -m analysis.evaluate lang", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=None, help="location of ../shared (default: analysis.paths.shared_dir())")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="print the first N errors on stderr")
    args = parser.parse_args(argv)
    from analysis.paths import shared_dir

    shared = Path(args.shared) if args.shared else shared_dir()
    if not (shared / "corpus").is_dir():
        logger.error(f"no corpus under {shared}; only the Ukrainian material is ours")
    logger.info("language identification: articles and single sentences")
    print(json.dumps(evaluate(shared, show_errors=args.errors), ensure_ascii=False))
    return 0
