"""Where does a pipeline worker's memory go as it processes more articles?

Runs the whole pipeline chunk by chunk in this one process (what one worker of
:func:`analysis.engine.run_to_parquet` does) over the bench corpus replicated to
N articles, and after every few chunks prints this process's PSS, the number
of live Python objects and the size of every module-level memo (``lru_cache``
and the sentiment analyzers' token memos). A memo that keeps growing at the end
is what grows with corpus size.

With ``--stream`` it instead runs :func:`analysis.engine.run_to_parquet` on 2
processes in a child and samples the PSS of the parent and of each worker:
the peak of the tree, of the parent and of the largest worker (PSS, and USS: the
private part alone), and the tree's PSS over time.

Usage::

    python benchmarks/memory_probe.py 2000 [--every 5] [--chunk-size 200] [--tracemalloc]
    python benchmarks/memory_probe.py 4000 --stream [--recycle-after 10|0] [--recycle-above MB|0] [--titles]
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import PeakMemory, children, load_bench_corpus, replicate_to_parquet  # noqa: E402

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


def stream_probe(n_articles: int, chunk_size: int, recycle_after: int | None,
                 recycle_above: int | None = engine.RECYCLE_ABOVE, *, titles: bool = False) -> dict:
    """Peak PSS of a streamed 2-process run, split into parent and workers. ``titles``: the corpus's
    headlines stored too (a ``title`` column, which the engine reads when a parquet source has it)."""
    articles = load_bench_corpus(shared_dir(), with_titles=titles)
    with tempfile.TemporaryDirectory(prefix="memprobe-") as tmp:
        raw = replicate_to_parquet(articles, n_articles, Path(tmp) / "corpus",
                                   columns=("article_id", "text") + (("title",) if titles else ()))
        del articles
        code = ("import sys, time; from pathlib import Path; from analysis import engine; t = time.perf_counter(); "
                f"engine.run_to_parquet(Path({str(Path(tmp) / 'corpus')!r}), Path({str(Path(tmp) / 'out')!r}), "
                f"n_jobs=2, chunk_size={chunk_size}, recycle_after={recycle_after!r}, recycle_above={recycle_above!r}); "
                "print(time.perf_counter() - t)")
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        peak = {"tree": 0, "parent": 0, "worker": 0, "parent_uss": 0, "worker_uss": 0}
        timeline, started = [], time.perf_counter()
        while child.poll() is None:
            parent = PeakMemory._own(child.pid) if os.path.exists(f"/proc/{child.pid}") else 0
            workers = [PeakMemory.tree(c) for c in children(child.pid)]
            tree = parent + sum(workers)
            uss = [engine.private_memory(c) for c in children(child.pid)]  # private: what one more worker adds
            peak = {"tree": max(peak["tree"], tree), "parent": max(peak["parent"], parent),
                    "worker": max([peak["worker"], *workers]),
                    "parent_uss": max(peak["parent_uss"], engine.private_memory(child.pid)),
                    "worker_uss": max([peak["worker_uss"], *uss])}
            timeline.append((round(time.perf_counter() - started), round(tree / 1e6)))
            time.sleep(0.2)
        seconds = float(child.stdout.read().strip().splitlines()[-1])
    every = max(1, len(timeline) // 12)
    return {"articles": n_articles, "titles": titles, "recycle_after": recycle_after, "recycle_above": recycle_above,
            "seconds": round(seconds, 1),
            "raw_text_mb": round(raw / 1e6, 1), **{f"peak_{k}_mb": round(v / 1e6) for k, v in peak.items()},
            "tree_mb_over_time": timeline[::every]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", type=int)
    parser.add_argument("--every", type=int, default=5, help="report every N chunks")
    parser.add_argument("--chunk-size", type=int, default=200)
    parser.add_argument("--tracemalloc", action="store_true", help="also list the top allocation sites that grew")
    parser.add_argument("--stream", action="store_true", help="probe a streamed 2-process run instead")
    parser.add_argument("--titles", action="store_true", help="with --stream: store the articles' titles too")
    parser.add_argument("--recycle-after", type=int, default=engine.RECYCLE_AFTER, help="0: never recycle workers")
    parser.add_argument("--recycle-above", type=int, default=engine.RECYCLE_ABOVE // 2**20,
                        help="MiB of private memory after a chunk that retires a worker; 0: no limit")
    args = parser.parse_args(argv)
    if args.stream:
        print(json.dumps(stream_probe(args.articles, args.chunk_size, args.recycle_after or None,
                                      args.recycle_above * 2**20 or None, titles=args.titles)))
        return 0
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
        for part, chunk in enumerate(engine._iter_source(Path(tmp) / "corpus", args.chunk_size, max_chars=engine.MAX_CHUNK_CHARS)):
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
