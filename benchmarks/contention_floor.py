"""What two busy cores cost the pipeline with no fork, no shared page and no worker start (issue 13).

``two_process_path.py`` finds the workers' later chunks 0.1-0.15 CPU s slower each than the same chunks in
one process, with no more page faults. This script asks whether the machine alone does that: two
independent processes (``subprocess``, nothing shared), each holding half the bench corpus (every other chunk of
200 articles, as two workers share them), warmed up and run once untimed, then timed running their half
(``engine.run``, in memory) alone, one after the other, and together, the two orders alternating round by
round. ``together / alone`` is the CPU that two busy cores add to the same work; ``ceiling`` = 2 / that ratio
is the 2-process speed-up such a machine allows at best for halves of equal cost (the engine's forks, first
chunks and imbalance come on top); ``ceiling_these_halves`` = (A alone + B alone) / the slower of A and B
together.

Usage::

    python benchmarks/contention_floor.py [--rounds 3] [--limit N] [--chunk-size 200]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _child(half: int, limit: int | None, chunk_size: int) -> None:
    """Load and warm up, run the half once, then time it once per ``go`` line read from stdin."""
    import pandas as pd
    from run import load_bench_corpus

    from analysis import engine
    from analysis.paths import shared_dir

    articles = load_bench_corpus(shared_dir()).head(limit)
    chunks = list(engine.iter_chunks(articles, chunk_size))
    mine = pd.concat(chunks[half::2])
    engine.warm_up()
    engine.run(mine)
    print("ready", flush=True)
    for _line in sys.stdin:
        faults, cpu, wall = resource.getrusage(resource.RUSAGE_SELF).ru_minflt, time.process_time(), time.perf_counter()
        engine.run(mine)
        print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
                          "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults}), flush=True)


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, help="only the first N articles (a smoke test)")
    parser.add_argument("--chunk-size", type=int, default=200, help="the halves take every other chunk of this many")
    parser.add_argument("--child", type=int, choices=(0, 1), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        _child(args.child, args.limit, args.chunk_size)
        return 0
    extra = ["--chunk-size", str(args.chunk_size)] + (["--limit", str(args.limit)] if args.limit else [])
    children = [subprocess.Popen([sys.executable, __file__, "--child", str(half)] + extra, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True) for half in (0, 1)]
    for child in children:
        if child.stdout.readline().strip() != "ready":
            raise SystemExit(f"a child process failed before its first timed run (exit code {child.wait()})")

    def timed(which: list[int]) -> list[dict]:
        for k in which:
            children[k].stdin.write("go\n")
            children[k].stdin.flush()
        return [json.loads(children[k].stdout.readline()) for k in which]

    for r in range(args.rounds):
        figures = {}
        for mode in (("alone", "together") if r % 2 == 0 else ("together", "alone")):
            figures[mode] = timed([0]) + timed([1]) if mode == "alone" else timed([0, 1])
        alone = [f["cpu"] for f in figures["alone"]]
        together = [f["cpu"] for f in figures["together"]]
        print(json.dumps({"round": r, "alone_cpu": [round(c, 3) for c in alone],
                          "together_cpu": [round(c, 3) for c in together],
                          "together_over_alone": round(sum(together) / sum(alone), 4),
                          "ceiling": round(2 * sum(alone) / sum(together), 3),
                          "ceiling_these_halves": round(sum(alone) / max(together), 3),
                          "faults_alone": [f["faults"] for f in figures["alone"]],
                          "faults_together": [f["faults"] for f in figures["together"]]}), "load", _load(), flush=True)
    for child in children:
        child.stdin.close()
        child.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
