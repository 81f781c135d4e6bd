"""The four ``make bench`` ratios in CPU seconds, for a machine shared with other jobs.

``benchmarks/run.py`` reports wall-clock seconds; when other processes compete for the cores
(load average above the number of cores) wall time measures the queue, not the code. This
script times the same work in CPU seconds of this process (``time.process_time``), one core,
same run: the naive notebook (NLTK VADER and vaderSentiment), our same work (sentences, tokens,
sentence VADER) and our whole pipeline, on the bench corpus (``../shared/corpus`` official
statements + news_gdelt), after :func:`analysis.engine.warm_up` as in ``run.py``.

Usage::

    PYTHONPATH=src python benchmarks/cpu_ratios.py [--limit N] [--report-stages]

``--report-stages`` adds a third line: the report's stages (:data:`analysis.engine.REPORT_STAGES`,
the whole pipeline plus ``roles`` and ``narratives``), with CPU seconds per article of each.

Same-work round of 2026-12-04 (issue 13; ``main`` a5f5c52 vs the new code in fresh processes, one
same-work run each after ``warm_up``, alternating, load 13-20, so every figure is ~1.3x the idle one):
same work 3.68 / 3.88 / 3.32 -> 3.16 / 3.37 / 3.19 CPU s (mean 3.63 -> 3.24, -11%); summary
0.43 -> 0.31-0.34 (``n_words`` counted from the sentences' whitespace split where the sentences tile
the article), tokens and sentiment -0.03 to -0.1 each (Arrow's dictionary encoding of the split's
words, the Cyrillic tone's lexicon path found once, no re-ordering of tables built in article order).
This script, base / new alternating (load 13-27): same work 3.81, 3.50 -> 3.09, 3.30 CPU s;
``speedup_vs_naive`` 7.57, 7.28 -> 8.41, 8.02 and ``_vadersentiment`` 4.94, 4.92 -> 5.85, 5.35.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--report-stages", action="store_true",
                        help="also time the report's stages (the whole pipeline + roles and narratives)")
    args = parser.parse_args(argv)
    time.perf_counter = time.process_time  # every timer below (ours and the naive one) in CPU seconds

    from naive import run_naive  # noqa: E402
    from run import load_bench_corpus  # noqa: E402

    from analysis import engine  # noqa: E402
    from analysis.paths import shared_dir  # noqa: E402

    articles = load_bench_corpus(shared_dir())  # as run.py: the language memo is warm afterwards
    if args.limit:
        articles = articles.head(args.limit)
    engine.warm_up()
    naive = run_naive(articles)["timings"]
    figures = {"naive": naive["total"], "naive_vadersentiment": naive["total_vadersentiment"]}
    runs = [("same_work", ("sentences", "tokens", "sentiment")), ("full_pipeline", engine.STAGES)]
    if args.report_stages:
        runs.append(("report_stages", engine.REPORT_STAGES))
    for name, stages in runs:
        clock: dict = {}
        started = time.perf_counter()
        out = engine.run(articles, stages=stages, chunk_size=200, timings=clock)
        figures[name] = time.perf_counter() - started
        print(f"{name}: {figures[name]:.2f} CPU s (" + ", ".join(f"{k} {v:.2f}" for k, v in clock.items()) + ")")
        if name == "report_stages":
            print(f"  per article ({len(articles):,}): " + ", ".join(
                f"{k} {1000 * v / len(articles):.2f} ms" for k, v in clock.items() if k in engine.OPTIONAL_STAGES)
                + f"; roles: {len(out['roles']):,} mentions, {len(out['roles']) / max(clock['roles'], 1e-9):,.0f}/CPU s;"
                f" narratives: {len(articles) / max(clock['narratives'], 1e-9):,.0f} articles/CPU s")
    print(f"naive: {figures['naive']:.2f} CPU s, naive with vaderSentiment: {figures['naive_vadersentiment']:.2f} CPU s")
    for ours, label in (("same_work", "speedup_vs_naive"), ("full_pipeline", "full_pipeline_vs_naive")):
        print(f"{label}: {figures['naive'] / figures[ours]:.2f}")
        print(f"{label}_vadersentiment: {figures['naive_vadersentiment'] / figures[ours]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
