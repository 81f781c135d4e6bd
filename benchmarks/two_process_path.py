"""The critical path of ``engine.run_to_parquet`` on 2 processes, in CPU seconds (issue 13).

On a shared machine a wall-clock ratio of 1 vs 2 processes measures the machine's queue. This script
runs the bench corpus as ``benchmarks/run.py`` does (``warm_up`` and an in-memory serial run first,
then ``run_to_parquet`` with the ``n_jobs`` given, in that order) and records, per chunk, the worker's
pid and CPU seconds (``time.process_time``), and the parent's CPU before the first worker starts
(scan, warm-up, chunking). A slot is the chain of workers that replaced one another; the critical path is

    parent CPU before the fork + the busiest slot's CPU (its workers' start-up included) + a worker's exit

and ``T1 / critical path`` (T1: the CPU of the preceding 1-process run) estimates the speed-up an idle
machine would show.

Each chunk's minor page faults are counted too (``ru_minflt``): ``first_chunk_faults`` is, per forked
worker, its first chunk's (part number, faults, the faults of the same part in the preceding 1-process
run). ``--clean`` leaves out the serial run before, so the workers fork from a parent that has run no
chunk (as in ``pipeline.analyse``) instead of one that has (``benchmarks/run.py``).

``excess`` splits what the critical path costs beyond ``T1 / n_jobs``, in CPU seconds: the parent before the
fork, the workers' first chunks against the same parts in the 1-process run (``first_chunks``), their other
chunks against theirs (``later_chunks``: two busy cores share caches and memory bandwidth), what the workers
spend outside their chunks (``outside_chunks``: start-up, the calls that carry chunks and results, exit) and
the busiest slot's surplus over the mean slot (``imbalance``: the idle tail) -- the chunk and worker terms as the
busiest slot's share (the sum over workers divided by ``n_jobs``), less the 1-process run's own CPU outside its
chunks (``one_process_outside``); ``rest`` is what these leave unexplained. ``parent_after_fork`` is the parent's
CPU while the workers ran (cutting and sending chunks, collecting results), which runs beside them.

Usage::

    python benchmarks/two_process_path.py 1 2 1 2      # the runs, in order (--limit N: a smoke test)
    python benchmarks/two_process_path.py --clean --replicate 3 --recycle-after 0 1 2
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import load_bench_corpus  # noqa: E402

from analysis import engine  # noqa: E402
from analysis.paths import shared_dir  # noqa: E402

LOG = Path(tempfile.gettempdir()) / f"two-process-path-{os.getpid()}.jsonl"
_process_and_write = engine._process_and_write
_slots_init = engine._WorkerSlots.__init__
FORKED: dict = {}


def _timed_process_and_write(chunk, stages, out_dir, part):
    started, cpu, faults = time.perf_counter(), time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    result = _process_and_write(chunk, stages, out_dir, part)
    with open(LOG, "a") as fh:
        fh.write(json.dumps({"pid": os.getpid(), "part": part, "t0": started, "t1": time.perf_counter(), "c0": cpu,
                             "c1": time.process_time(),
                             "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults}) + "\n")
    return result


def _slots_init_timed(self, *args, **options):
    FORKED["cpu"] = time.process_time()
    _slots_init(self, *args, **options)


# forked workers look the function up by name in the module they inherit
_timed_process_and_write.__qualname__ = _timed_process_and_write.__name__ = "_process_and_write"
_timed_process_and_write.__module__ = "analysis.engine"


def replicate(articles, times: int):
    """``articles`` ``times`` over, the copies' ids suffixed ``-1``, ``-2``, ..."""
    import pandas as pd

    copies = [articles.assign(article_id=articles["article_id"].astype(str) + (f"-{k}" if k else ""))
              for k in range(times)]
    return pd.concat(copies, ignore_index=True)


def _tree_cpu() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def first_chunk_faults(rows: list[dict], one_process: dict[int, int]) -> list[list[int | None]]:
    """Per worker (in order of its first chunk): [part, its faults, that part's faults in one process]."""
    firsts: dict = {}
    for row in sorted(rows, key=lambda r: r["t0"]):
        firsts.setdefault(row["pid"], row)
    return [[r["part"], r["faults"], one_process.get(r["part"])] for r in firsts.values()]


def excess(rows: list[dict], one_process: dict[int, float], *, n_jobs: int, one_cpu: float, critical: float,
           before_fork: float, slots_cpu: list[float], children_cpu: float, parent_cpu: float) -> dict:
    """The critical path's CPU seconds beyond ``one_cpu / n_jobs``, by cause (see the module docstring)."""
    firsts: dict = {}
    for row in sorted(rows, key=lambda r: r["t0"]):
        firsts.setdefault(row["pid"], row)
    first_ids = {id(r) for r in firsts.values()}
    delta = {"first": 0.0, "later": 0.0}
    for row in rows:
        delta["first" if id(row) in first_ids else "later"] += row["c1"] - row["c0"] - one_process.get(row["part"], 0.0)
    chunks_cpu = sum(r["c1"] - r["c0"] for r in rows)
    parts = {"before_fork": before_fork, "first_chunks": delta["first"] / n_jobs,
             "later_chunks": delta["later"] / n_jobs, "outside_chunks": (children_cpu - chunks_cpu) / n_jobs,
             "imbalance": max(slots_cpu) - sum(slots_cpu) / len(slots_cpu),
             # the 1-process run's CPU outside its chunks is in the target but in no worker's chunks
             "one_process_outside": -(one_cpu - sum(one_process.values())) / n_jobs}
    return {"target": round(one_cpu / n_jobs, 3), "critical": round(critical, 3),
            **{k: round(v, 3) for k, v in parts.items()},
            "rest": round(critical - one_cpu / n_jobs - sum(parts.values()), 3),
            "parent_after_fork": round(parent_cpu - before_fork, 3)}


def critical_path(rows: list[dict], n_jobs: int, children_cpu: float) -> dict:
    """Slots rebuilt from the workers' chunk times; each worker's CPU counts from its fork."""
    by_pid: dict = {}
    for row in rows:
        by_pid.setdefault(row["pid"], []).append(row)
    workers = sorted(({"start": min(r["t0"] for r in v), "end": max(r["t1"] for r in v),
                       "cpu": max(r["c1"] for r in v)} for v in by_pid.values()), key=lambda w: w["start"])
    slots: list[dict] = []
    for worker in workers:
        free = [s for s in slots if s["end"] <= worker["start"]]
        if len(slots) < n_jobs or not free:
            slots.append(dict(worker))
            continue
        slot = max(free, key=lambda s: s["end"])
        slot["end"], slot["cpu"] = worker["end"], slot["cpu"] + worker["cpu"]
    exit_cpu = (children_cpu - sum(w["cpu"] for w in workers)) / max(len(workers), 1)
    return {"workers": len(workers), "slots_cpu": [round(s["cpu"], 2) for s in slots],
            "exit_cpu": round(exit_cpu, 3), "busiest": max(s["cpu"] for s in slots) + exit_cpu}


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="*", type=int, default=[1, 2], help="n_jobs of each run, in order")
    parser.add_argument("--limit", type=int, help="only the first N articles (a smoke test)")
    parser.add_argument("--clean", action="store_true", help="no serial run before the runs (a parent that ran no chunk)")
    parser.add_argument("--replicate", type=int, default=1, metavar="K",
                        help="the corpus K times over (new article ids): the fixed costs against a longer run")
    parser.add_argument("--recycle-after", type=int, default=engine.RECYCLE_AFTER, help="0: never")
    args = parser.parse_args(argv)
    engine._process_and_write = _timed_process_and_write
    engine._WorkerSlots.__init__ = _slots_init_timed
    articles = replicate(load_bench_corpus(shared_dir()).head(args.limit), args.replicate)
    engine.warm_up()
    if not args.clean:
        engine.run(articles)
    one_cpu, one_faults, one_chunks = None, {}, {}
    for n_jobs in args.runs:
        LOG.write_text("")
        FORKED.clear()
        with tempfile.TemporaryDirectory(prefix="two-process-path-") as tmp:
            (own0, children0), wall, cpu = _tree_cpu(), time.perf_counter(), time.process_time()
            engine.run_to_parquet(articles, Path(tmp) / "out", n_jobs=n_jobs, recycle_after=args.recycle_after or None)
            ended, wall = time.perf_counter(), time.perf_counter() - wall
            own1, children1 = _tree_cpu()
        rows = [json.loads(line) for line in LOG.read_text().splitlines()]
        figures = {"n_jobs": n_jobs, "wall_s": round(wall, 2), "parent_cpu": round(own1 - own0, 3),
                   "workers_cpu": round(children1 - children0, 3), "faults": sum(r["faults"] for r in rows)}
        if n_jobs == 1:
            one_cpu, one_faults = own1 - own0, {r["part"]: r["faults"] for r in rows}
            one_chunks = {r["part"]: r["c1"] - r["c0"] for r in rows}
        else:
            path = critical_path(rows, n_jobs, children1 - children0)
            before_fork = FORKED["cpu"] - cpu
            critical = before_fork + path.pop("busiest")
            if one_cpu:
                figures["excess"] = excess(rows, one_chunks, n_jobs=n_jobs, one_cpu=one_cpu, critical=critical,
                                           before_fork=before_fork, slots_cpu=path["slots_cpu"],
                                           children_cpu=children1 - children0, parent_cpu=own1 - own0)
            figures.update(before_fork_cpu=round(before_fork, 3), **path, critical_path_cpu=round(critical, 3),
                           estimated_speedup=round(one_cpu / critical, 3) if one_cpu else None,
                           tree_cpu_ratio=round((own1 - own0 + children1 - children0) / one_cpu, 4) if one_cpu else None,
                           first_chunk_faults=first_chunk_faults(rows, one_faults),
                           # wall seconds from the last chunk's end to the run's return (results, workers' exit)
                           wall_after_last_chunk=round(ended - max(r["t1"] for r in rows), 3))
        print(json.dumps(figures), "load", Path("/proc/loadavg").read_text().split()[0], flush=True)
    LOG.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
