"""What a worker forked from a parent that ran no chunk pays on its first chunk (issue 13).

The parent loads the bench corpus and runs ``engine.warm_up`` (as ``pipeline.analyse``'s isolated
child and ``benchmarks/run.py``'s fresh line do), then, for each chunk of 200 articles, forks two
children: one runs that chunk as its first (``cold``), the other runs another chunk first and then
that one (``warm``: its memos, RE2 automata states and copied pages come from a chunk of different
articles). Per chunk it prints the CPU seconds (user and system, ``getrusage``) and minor page faults
of that chunk in each child, and the total of the differences: what a fresh worker's first chunk costs
beyond a worker's later one, and whether that is computing (user) or copying pages (system, faults).
Children run one at a time, cold and warm alternating.

Usage::

    python benchmarks/fresh_worker.py            # every chunk, the warm child's first chunk 7 parts later
    python benchmarks/fresh_worker.py --parts 0 5 9
    python benchmarks/fresh_worker.py --limit 30 --chunk-size 10   # a smoke test
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import load_bench_corpus  # noqa: E402

from analysis import engine  # noqa: E402
from analysis.paths import shared_dir  # noqa: E402


def _usage() -> tuple[float, float, int]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime, own.ru_stime, own.ru_minflt


def in_child(chunks: list, first: int | None, part: int) -> dict:
    """``part``'s user and system CPU and faults in a forked child that ran ``first`` before it (None: none)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report through the pipe, exit without Python's teardown
        os.close(read)
        if first is not None:
            engine.process_articles(chunks[first])
        before = _usage()
        engine.process_articles(chunks[part])
        user, system, faults = (b - a for a, b in zip(before, _usage()))
        os.write(write, json.dumps({"user": user, "system": system, "faults": faults}).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        report = json.loads(pipe.read())
    os.waitpid(pid, 0)
    return report


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", type=int, nargs="*", help="chunk numbers (default: every chunk)")
    parser.add_argument("--chunk-size", type=int, default=200)
    parser.add_argument("--limit", type=int, help="only the first N articles (a smoke test)")
    args = parser.parse_args(argv)
    chunks = list(engine.iter_chunks(load_bench_corpus(shared_dir()).head(args.limit), args.chunk_size))
    engine.warm_up()
    gc.freeze()  # as shared_lexicons does before forking
    total = {"cold": [0.0, 0.0, 0], "warm": [0.0, 0.0, 0]}
    for part in args.parts if args.parts is not None else range(len(chunks)):
        row = {"part": part}
        for mode, first in (("cold", None), ("warm", (part + 7) % len(chunks))):
            report = in_child(chunks, first, part)
            row[mode] = [round(report["user"], 3), round(report["system"], 3), report["faults"]]
            total[mode] = [t + r for t, r in zip(total[mode], (report["user"], report["system"], report["faults"]))]
        print(json.dumps(row), flush=True)
    cold, warm = total["cold"], total["warm"]
    print(json.dumps({"cold_minus_warm": {"user": round(cold[0] - warm[0], 3), "system": round(cold[1] - warm[1], 3),
                                          "faults": cold[2] - warm[2]}}),
          "load", Path("/proc/loadavg").read_text().split()[0], flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
