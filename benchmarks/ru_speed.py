"""Russian text-layer throughput on one core: words/s for sentences + tokens + lemmas + entities.

    python benchmarks/ru_speed.py [CORPUS] [--limit N] [--repeat K] [--discover] [--profile OUT]

CORPUS defaults to ../shared/corpus/ru_uk/articles (142 Russian war articles, one .txt each); the
benchmark exits 0 with a "skipped" reason when it is absent (a fresh clone has no ../shared).
Words are the word tokens of :func:`analysis.text.tokens` (``is_alpha``). Stages, each timed:

* ``sentences`` - :func:`analysis.text.sentences` (razdel within paragraphs);
* ``tokens``    - :func:`analysis.text.tokens` (regex tokens + pymorphy3 lemma and case per token);
* ``entities``  - :func:`analysis.entities.mentions` (gazetteer names through lemmas; natasha discovery
  only with ``--discover``).

Loading (imports, gazetteer, pymorphy3 dictionaries, lingua's models: seconds, once per process) is
timed apart as ``load_seconds``. ``cold`` is the first pass after it (empty lemma/parse memos: every
distinct form goes to pymorphy3 once); ``warm`` the best of ``--repeat`` further passes over the same articles (memos full,
as in the middle of a long corpus). The target of issue 10 is 100,000 words/s; on a shared machine
read ``words_per_cpu_second`` (CPU time of the pass), not the wall-clock rate. One JSON line on stdout;
``--profile OUT`` writes the top 25 functions of a cProfile of one cold pass to OUT.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd


def _articles(folder: Path, limit: int | None) -> pd.DataFrame:
    files = sorted(folder.glob("*.txt"))[:limit]
    texts = [f.read_text(encoding="utf-8") for f in files]
    return pd.DataFrame({"article_id": [f.stem for f in files], "text": texts, "lang": "ru"})


def _pass(arts: pd.DataFrame, discover: bool) -> tuple[dict, int]:
    from analysis.entities import mentions
    from analysis.text import sentences, tokens

    t = {}
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    s = sentences(arts)
    t["sentences"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    tok = tokens(s)
    t["tokens"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    mentions(s, discover=discover)
    t["entities"] = time.perf_counter() - t0
    t["cpu"] = time.process_time() - cpu0  # CPU seconds of the pass: robust on a loaded machine
    return t, int(tok["is_alpha"].sum())


def _rates(times: dict, words: int) -> dict:
    times = dict(times)
    cpu = times.pop("cpu", None)
    total = sum(times.values())
    out = {f"{k}_seconds": round(v, 3) for k, v in times.items()}
    out["seconds"] = round(total, 3)
    out["words_per_second"] = round(words / total) if total else None
    if cpu:
        out["cpu_seconds"] = round(cpu, 3)
        out["words_per_cpu_second"] = round(words / cpu)
    return out


def main(argv: list[str] | None = None) -> int:
    from analysis.paths import shared_dir

    ap = argparse.ArgumentParser(prog="benchmarks/ru_speed.py")
    ap.add_argument("corpus", nargs="?", default=str(shared_dir() / "corpus" / "ru_uk" / "articles"))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--discover", action="store_true", help="natasha discovery of unlisted names as well")
    ap.add_argument("--profile", default=None, help="write a cProfile summary of the cold pass here")
    args = ap.parse_args(argv)
    folder = Path(args.corpus)
    if not folder.is_dir() or not any(folder.glob("*.txt")):
        print(json.dumps({"skipped": f"no Russian corpus at {folder} (../shared is absent in a fresh clone)"}))
        return 0
    import contextlib
    import os

    if hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    arts = _articles(folder, args.limit)
    # imports, the gazetteer, the pymorphy3 dictionaries and razdel load outside the timed runs
    from analysis.entities import load_gazetteer, mentions
    from analysis.morph import analyzer
    from analysis.text import sentences

    t0 = time.perf_counter()
    load_gazetteer()
    analyzer("ru")
    mentions(sentences(pd.DataFrame({"article_id": ["w"], "text": ["Путин прибыл."], "lang": "ru"})))
    from analysis.lang import _lingua

    # lingua loads each script's models on first use (seconds, once)
    _lingua("Le Figaro rapporte la nouvelle")
    _lingua("Україна і Росія", ("ru", "uk"))
    _lingua("Ўсё і ўсе, Беларусь")
    load_seconds = time.perf_counter() - t0
    if args.profile:
        import cProfile
        import io
        import pstats

        prof = cProfile.Profile()
        prof.enable()
    cold, words = _pass(arts, args.discover)
    if args.profile:
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(25)
        Path(args.profile).write_text(buf.getvalue(), encoding="utf-8")
    warm = None
    for _ in range(max(args.repeat, 0)):
        t, _w = _pass(arts, args.discover)
        if warm is None or t["cpu"] < warm["cpu"]:
            warm = t
    chars = int(arts["text"].str.len().sum())
    out = {"articles": len(arts), "words": words, "chars": chars, "discover": args.discover,
           "load_seconds": round(load_seconds, 2),
           "cold": _rates(cold, words), "warm": _rates(warm, words) if warm else None, "target_words_per_second": 100_000}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
