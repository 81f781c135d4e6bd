"""Where does a pipeline worker's memory go as it processes more articles?

Runs the whole pipeline chunk by chunk in this one process (what one worker of
:func:`analysis.engine.run_to_parquet` does) over the bench corpus replicated to
N articles, and after every few chunks prints this process's PSS, the number
of live Python objects and the size of every module-level memo (``lru_cache``
and the sentiment analyzers' token memos). A memo that keeps growing at the end
is what grows with corpus size.

Usage::

    python benchmarks/memory_probe.py 2000 [--every 5] [--chunk-size 200] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import functools
import gc
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import PeakMemory, load_bench_corpus, replicate_to_parquet  # noqa: E402

from analysis import engine  # noqa: E402
from analysis.paths import shared_dir  # noqa: E402


def memo_sizes() -> dict[str, int]:
    """Entries in every ``lru_cache`` of the ``analysis`` modules and in the analyzers' token memos."""
    sizes = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("analysis"):
            continue
        for attr, value in vars(module).items():
            if isinstance(value, functools._lru_cache_wrapper):
                sizes[f"{name}.{attr}"] = value.cache_info().currsize
    for obj in gc.get_objects():
        for memo in ("_token_cache", "_strip_cache"):
            table = getattr(obj, "__dict__", {}).get(memo) if hasattr(obj, "__dict__") else None
            if isinstance(table, dict):
                sizes[f"{type(obj).__name__}.{memo}#{id(obj) % 1000}"] = len(table)
    return sizes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", type=int)
    parser.add_argument("--every", type=int, default=5, help="report every N chunks")
    parser.add_argument("--chunk-size", type=int, default=200)
    parser.add_argument("--tracemalloc", action="store_true", help="also list the top allocation sites that grew")
    args = parser.parse_args(argv)
    articles = load_bench_corpus(shared_dir())
    with tempfile.TemporaryDirectory(prefix="memprobe-") as tmp:
        replicate_to_parquet(articles, args.articles, Path(tmp) / "corpus")
        del articles
        if args.tracemalloc:
            import tracemalloc

            tracemalloc.start(5)
        engine.warm_up()
        baseline = None
        started = time.perf_counter()
        for part, chunk in enumerate(engine._iter_source(Path(tmp) / "corpus", args.chunk_size)):
            engine._process_and_write(chunk, engine.STAGES, str(Path(tmp) / "out"), part)
            if part % args.every == 0:
                gc.collect()
                memos = {k: v for k, v in memo_sizes().items() if v}
                print(f"chunk {part:4d} articles {(part + 1) * args.chunk_size:6d} {time.perf_counter() - started:6.0f} s "
                      f"PSS {PeakMemory.tree(__import__('os').getpid()) / 1e6:7.1f} MB objects {len(gc.get_objects()):9,d}",
                      flush=True)
                print("   memos:", " ".join(f"{k.replace('analysis.', '')}={v}" for k, v in sorted(memos.items())),
                      flush=True)
                if args.tracemalloc:
                    snapshot = tracemalloc.take_snapshot()
                    if baseline is not None:
                        for stat in snapshot.compare_to(baseline, "lineno")[:8]:
                            print("   +", stat, flush=True)
                    else:
                        baseline = snapshot
    return 0


if __name__ == "__main__":
    sys.exit(main())
