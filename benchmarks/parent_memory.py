"""What does the warmed-up parent of a streamed run hold, just before its first fork, and of what?

In a fresh process, does what :func:`analysis.engine.run_to_parquet` does in its parent before the
first worker is forked (:func:`analysis.engine.shared_lexicons` over the bench corpus replicated to N
articles as parquet), one step at a time, and prints the private memory (USS) each step adds: the
imports, the corpus scan, the English layer, the Russian/Ukrainian layer, lingua's models, natasha,
the trim. Then, of the warmed process: the entries of every ``functools`` cache of the package, the
Arrow pools' bytes, the live Python objects, and with ``--tracemalloc`` the Python allocations
(numpy's too) still held, by source file.

Usage::

    python benchmarks/parent_memory.py 10000 [--tracemalloc] [--in-pool]

``--in-pool``: every step inside :func:`analysis.engine.arrow_pool` (the C library's pool unless
``ANALYSIS_ARROW_POOL`` says otherwise), as ``run_to_parquet``'s parent since round scale14; without it the scan
and warm-up allocate from pyarrow's default pool, as before.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def uss() -> int:
    """This process's private memory in bytes (as analysis.engine.private_memory, without importing it)."""
    with open(f"/proc/{os.getpid()}/smaps_rollup") as fh:
        return sum(int(line.split()[1]) * 1024 for line in fh
                   if line.startswith(("Private_Clean:", "Private_Dirty:")))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", type=int)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--in-pool", action="store_true", help="scan and warm up inside engine.arrow_pool()")
    parser.add_argument("--scan-in-pool", action="store_true", help="the scan alone inside engine.arrow_pool()")
    args = parser.parse_args(argv)
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(1)
    steps: list[tuple[str, int]] = []
    last = [uss()]

    def step(name: str) -> None:
        gc.collect()  # what the step keeps, not its garbage
        now = uss()
        steps.append((name, now - last[0]))
        last[0] = now

    import pandas as pd
    import pyarrow as pa

    from analysis import engine

    step("imports (python, pandas, pyarrow, analysis.engine)")
    with tempfile.TemporaryDirectory(prefix="parentmem-") as tmp, \
            (engine.arrow_pool() if args.in_pool else contextlib.nullcontext()):
        # the corpus is written by another process: the parent of a run only reads it
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
                        "from run import load_bench_corpus, replicate_to_parquet; from analysis.paths import shared_dir; "
                        "replicate_to_parquet(load_bench_corpus(shared_dir()), int(sys.argv[2]), Path(sys.argv[3]))",
                        str(HERE), str(args.articles), str(Path(tmp) / "corpus")], check=True)
        if args.tracemalloc:
            tracemalloc.reset_peak()
            before = tracemalloc.take_snapshot()
        gc.freeze()
        with engine.arrow_pool() if args.scan_in_pool else contextlib.nullcontext():
            cyrillic, sample = engine.scan_languages(Path(tmp) / "corpus")
        step(f"scan_languages (cyrillic={cyrillic}, sample of {len(sample)})")
        engine.release_memory()  # as shared_lexicons since round scale14
        step("release_memory after the scan")
        # warm_up's steps, one at a time (engine.warm_up with cyrillic, sample)
        samples = engine._WARM_UP_ARTICLES
        engine.process_articles(pd.DataFrame({"article_id": ["warm-up"], "text": [samples["warm-up"]]}))
        step("English layer (process_articles of the English warm-up article)")
        engine.process_articles(pd.DataFrame({"article_id": list(samples), "text": list(samples.values())}))
        step("Russian/Ukrainian layer (the ru and uk warm-up articles)")
        from analysis.text import sentences

        sentences(sample)
        step("lingua models the sample asks for")
        from analysis.entities import cyrillic as cyrillic_entities

        if cyrillic and cyrillic_entities._natasha_available():
            cyrillic_entities.discover_natasha([engine._WARM_UP_NATASHA])
        step("natasha")
        engine.warm_up(cyrillic=cyrillic, sample=sample)  # anything the steps above missed
        step("rest of warm_up")
        engine.release_memory()
        step("release_memory (malloc_trim)")
        gc.unfreeze()
        print(json.dumps({"articles": args.articles, "in_pool": args.in_pool, "scan_in_pool": args.scan_in_pool, "uss_mb": round(uss() / 1e6, 1),
                          "steps_mb": {name: round(added / 1e6, 1) for name, added in steps}}))
        from analysis._cached import package_caches

        caches = {f"{module}.{name}": func.cache_info().currsize for module, name, func in package_caches()
                  if hasattr(func, "cache_info") and func.cache_info().currsize}
        print(json.dumps({"cache_entries": dict(sorted(caches.items(), key=lambda kv: -kv[1]))}))
        print(json.dumps({"arrow_bytes": {name: getattr(pa, f"{name}_memory_pool")().bytes_allocated()
                                          for name in pa.supported_memory_backends()},
                          "python_objects": len(gc.get_objects())}))
        if args.tracemalloc:
            after = tracemalloc.take_snapshot()
            for stat in after.compare_to(before, "filename")[:25]:
                print(f"  {stat.size_diff / 1e6:8.1f} MB {stat.count_diff:9,d} blocks  {stat.traceback[0].filename}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
