"""The four ``make bench`` ratios in CPU seconds, for a machine shared with other jobs.

``benchmarks/run.py`` reports wall-clock seconds; when other processes compete for the cores
(load average above the number of cores) wall time measures the queue, not the code. This
script times the same work in CPU seconds (``time.process_time``: every thread of the process),
one core: the naive notebook (NLTK VADER and vaderSentiment), our same work (sentences, tokens,
sentence VADER) and our whole pipeline, on the bench corpus (``../shared/corpus`` official
statements + news_gdelt), after :func:`analysis.engine.warm_up` as in ``run.py``.

Usage::

    PYTHONPATH=src python benchmarks/cpu_ratios.py [--rounds 3] [--limit N] [--report-stages]
        [--work same_work,full_pipeline] [--variant LABEL:KEY=VALUE[,KEY=VALUE]] [--json FILE]
    PYTHONPATH=src python benchmarks/cpu_ratios.py --rounds 0   # the old single run in this process

The protocol (``--rounds N``, default 3; each child spends ~8 CPU s loading the corpus and warming
up, so 3 rounds of the default work take ~4 CPU min; 16 min of wall at load 5-7 with one ``--variant``,
``--work same_work`` with three variants 12 min at load 5-6): each round starts one
fresh child process (this script with ``--child WHAT``) per piece of work, in the order naive, ours,
ours in even rounds and the reverse in odd ones (naive, ours, ours, ours, ours, naive, ...). A child
loads the corpus, runs ``engine.warm_up()``, then times its one piece of work and prints JSON: CPU,
user and system seconds, wall, minor/major page faults, context switches, max RSS, the CPU of threads
other than the main one, the stages' (``engine.run``'s ``timings=``) or the naive steps' CPU seconds
(``run_naive``'s; also in user seconds), and three fixed calibration loops that touch no project
code (a pure-Python loop, random reads of a 64 MB array, the system microseconds of a 4 kB and of a
2 MB page fault on fresh memory). The same-work child times its work a second time with its memos
warm, printed apart: not the headline, since a user's first run has cold memos. The parent adds the
steal share of both cores' ticks (``/proc/stat``) and the machine-wide huge-page and compaction
counters (``/proc/vmstat``) over each child, and the load average. It prints one line per child,
then per work the medians and min-max, the ratios per round (naive of round r over ours of round r),
the same ratios in user seconds only, and last the four lines of the single run (now medians), so
scripts reading those keep working. ``--variant`` runs our children once more per round with some
environment variables set (interleaved with the plain ones: an allocator or thread setting compared
in one sitting); ``--work`` picks which of our works run.

What moves between sittings (2026-12-06, 11:14-12:10 UTC, load 5-8 from other helpers; c899be2; four
protocol runs of 3 rounds, ``--work same_work`` in the first and third; every figure below is from them):

* **Not thread pools.** Threads other than the main one used 0.00 CPU s in every child (4 threads
  live: pyarrow's and OpenBLAS's pools, idle); ``ARROW_NUM_THREADS=OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1``
  left 2 threads and same work 3.47 / 3.09 / 3.61 against 4.01 / 3.01 / 3.90. Steal stayed at 0.1-0.6%
  of the ticks.
* **The user seconds are steady, the system seconds are not.** Same work, the 27 first runs of the
  plain code and of the variants below other than ``nothp``: user 2.47-2.77 CPU s, system 0.11-1.41,
  with 48-63k page faults in each whatever the system seconds (2-28 us of system time per fault; a
  second run in the same child: 13-26k faults, system 0.31-1.73). The naive notebook, 12 children:
  user 25.5-27.2, system 1.3-1.9 (71k faults). The whole pipeline: user 11.5-12.0, system 0.44-1.06.
  Stage by stage the tokens stage carries the spread (0.96-1.68 CPU s, sentences 0.46-0.54).
* **Transparent huge pages on memory the host took back.** This VM (Firecracker, kernel 6.18) hands
  free guest memory to the host (virtio-balloon free page reporting, in 2 MB blocks); touching such a
  block again makes the host fault it in, and the guest charges that to the faulting process as
  system time (our reading of what follows; the host is not visible from here). Huge pages (THP ``madvise`` mode here) are exactly 2 MB blocks: a fresh process's first
  2 MB fault cost 246-12,445 us in the calibration (a second calibration in one process: ~250 us), a 4 kB
  fault 0.8-8 us. pyarrow's default memory pool, mimalloc, ``madvise(MADV_HUGEPAGE)``s its 1 GB
  arena (``VmFlags: hg``; 200-250 MB of ``AnonHugePages`` after a few pyarrow arrays) and purges
  freed pages, so the tokens stage's Arrow buffers fault huge pages of varying cost, again in a second
  run. ``MIMALLOC_ALLOW_THP=0`` (or ``ARROW_DEFAULT_MEMORY_POOL=system`` / ``jemalloc``) leaves no
  ``hg`` region: building a 2M-string and a 3M-int pyarrow array took 0.24 / 0.22 / 0.20 system
  seconds against 0.85-1.11 with the default. numpy's own huge pages (``NUMPY_MADVISE_HUGEPAGE=0``),
  glibc's mmap and trim thresholds and ``glibc.malloc.hugetlb=1`` did not steady the same work
  (3.33 / 3.72 / 3.43, 3.49 / 3.13 / 3.53, 3.70 / 3.21 / 2.91 against 2.66 / 3.56 / 3.36 and
  4.01 / 3.01 / 3.90 in their sittings), nor did writing and freeing 1.5 GB of 4 kB pages before the
  timed run (``CPU_RATIOS_PREFAULT_MB=1536``, a diagnostic: 3.35 / 3.01 / 2.93 against 3.48 / 3.29 / 3.53).
* **``MIMALLOC_ALLOW_THP=0`` steadies and lowers our figures** (the fourth run, plain and ``nothp``
  alternating, load 5.4-7.2): same work 3.79 / 3.03 / 3.48 -> 2.86 / 2.95 / 2.77 CPU s (system
  1.06 / 0.27 / 0.85 -> 0.22 / 0.21 / 0.20; tokens stage 1.41 / 1.05 / 1.37 -> 1.05-1.09; ~100k
  4 kB faults instead of ~50k partly huge ones; max RSS 1,366-1,386 -> 1,304-1,319 MB), its second
  run 2.78-3.29 -> 2.41-2.54; whole pipeline 12.86 / 12.82 / 11.95 -> 11.89 / 11.91 / 11.48 (system
  0.44-1.06 -> 0.28-0.34). ``speedup_vs_naive`` per round 5.89 / 7.57 / 6.70 -> 7.81 / 7.78 / 8.42,
  ``_vadersentiment`` 4.05 / 5.22 / 4.61 -> 5.37 / 5.37 / 5.79, ``full_pipeline_vs_naive``
  1.73 / 1.79 / 1.95 -> 1.88 / 1.93 / 2.03 (naive 22.30-23.33 CPU s in that sitting). Same code,
  same tables (``engine.run``'s 10 default tables of the bench corpus, plain and with the setting in
  two processes: ``assert_frame_equal(check_exact=True)``). With it no huge page is made anywhere in the
  process (the calibration's ``MADV_HUGEPAGE`` region then faults at 0-5 us per 2 MB step: 4 kB
  pages; numpy's arrays too). mimalloc reads the variable when pyarrow loads, so it is a setting of
  the process that runs the pipeline (the user's shell or notebook kernel), not one the engine can
  apply from inside; not applied here. Arrow's other pools, which the engine could choose at run
  time (``pyarrow.set_memory_pool``), did as well in a fifth run (``--work same_work``, 2 rounds, load
  4.6-5.1): plain 3.42 / 2.76 CPU s (second runs 3.56 / 3.19), ``ARROW_DEFAULT_MEMORY_POOL=system``
  2.76 / 2.79 (2.61 / 2.58), ``=jemalloc`` 2.66 / 2.74 (2.37 / 2.36); system seconds 0.80 / 0.30
  against 0.10-0.28; ``speedup_vs_naive`` 6.69 / 8.08 against 8.28 / 8.00 and 8.59 / 8.15.
* **The naive notebook** moved little within a sitting (22.2-24.0 CPU s over 12 children; steps
  sentences 2.39-2.79, tokens 8.18-9.26, vader 11.60-12.36), and the pure-Python calibration loop
  0.075-0.091 s: the 20% the naive moved between yesterday's sittings is not explained by these runs
  (they are one sitting); the calibration line is there to tell next time whether the machine's
  Python speed moved.
* **Ratios in user seconds only** (printed per round) are the steadier figure on this machine: same
  work 7.70 / 7.66 / 8.28 (plain) against 5.89-7.57 in CPU seconds, in the same rounds.


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
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

#: What one child process times: the naive notebook (both VADER choices in one pass, as ``run_naive``
#: times them), our same work, our whole pipeline and (``--report-stages``) the report's stages.
OURS = {"same_work": ("sentences", "tokens", "sentiment"), "full_pipeline": None, "report_stages": None}
RATIOS = (("same_work", "speedup_vs_naive"), ("full_pipeline", "full_pipeline_vs_naive"))


def _stages(what: str) -> tuple[str, ...]:
    from analysis import engine

    return OURS[what] or (engine.STAGES if what == "full_pipeline" else engine.REPORT_STAGES)


def _load_corpus(limit: int | None):
    from run import load_bench_corpus

    from analysis.paths import shared_dir

    articles = load_bench_corpus(shared_dir())  # as run.py: the language memo is warm afterwards
    return articles.head(limit) if limit else articles


def _usage() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {"user": own.ru_utime, "system": own.ru_stime, "minflt": own.ru_minflt, "majflt": own.ru_majflt,
            "voluntary_switches": own.ru_nvcsw, "involuntary_switches": own.ru_nivcsw,
            "cpu": time.process_time(), "wall": time.monotonic()}


def _thread_cpu() -> dict:
    """{thread id: user + system CPU seconds} of this process's live threads (``/proc/self/task``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        cpu[int(task.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return cpu


def _measured(func) -> tuple[object, dict]:
    """Run ``func`` and return its result and its cost: CPU (all threads), user, system, wall, page
    faults, and the CPU of threads other than the calling one (live at the end)."""
    before, threads_before = _usage(), _thread_cpu()
    result = func()
    after, threads_after = _usage(), _thread_cpu()
    cost = {key: after[key] - before[key] for key in before}
    main = _own_thread_id()
    cost["other_threads_cpu"] = sum(cpu - threads_before.get(tid, 0.0)
                                    for tid, cpu in threads_after.items() if tid != main)
    cost["threads"] = len(threads_after)
    cost["started_monotonic"] = before["wall"]  # to find the work in a `perf record -k CLOCK_MONOTONIC` trace
    return result, cost


def _own_thread_id() -> int:
    import threading

    return threading.get_native_id()


def _calibration() -> dict:
    """Three fixed measurements that touch no project code: CPU seconds of a pure-Python loop (dict, str
    and int work, as the naive notebook does) and of a memory-bound one (random reads of a 64 MB array),
    and the system microseconds per page fault of fresh memory (:func:`_fault_us`, small and huge
    pages). If these move between sittings as our figures do, the machine moved, not the code."""
    import numpy as np

    started = time.process_time()
    counts: dict = {}
    for i in range(400_000):
        word = f"w{i % 5003}"
        counts[word] = counts.get(word, 0) + len(word.lower())
    python = time.process_time() - started
    table = np.arange(8 << 20, dtype=np.int64)
    index = np.random.default_rng(0).integers(0, len(table), 4 << 20)
    started = time.process_time()
    for _ in range(5):
        table[index].sum()
    reads = time.process_time() - started
    return {"python_loop": python, "random_reads": reads, "fault_us": _fault_us(huge=False),
            "huge_fault_us": _fault_us(huge=True)}


def _fault_us(*, huge: bool, size: int = 64 << 20) -> float:
    """System microseconds per page fault of writing ``size`` bytes of fresh anonymous memory, one byte per
    page: 4 kB pages, or (``huge``) 2 MB transparent huge pages, as numpy asks for arrays of 4 MB or more
    (``madvise(MADV_HUGEPAGE)``); the kernel zeroes a whole huge page at its fault."""
    import mmap

    import numpy as np

    region = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    region.madvise(mmap.MADV_HUGEPAGE if huge else mmap.MADV_NOHUGEPAGE)
    before = resource.getrusage(resource.RUSAGE_SELF)
    np.frombuffer(region, dtype=np.uint8)[::(2 << 20) if huge else mmap.PAGESIZE] = 1
    after = resource.getrusage(resource.RUSAGE_SELF)
    region.close()
    return 1e6 * (after.ru_stime - before.ru_stime) / max(after.ru_minflt - before.ru_minflt, 1)


def _prefault(size: int) -> None:
    """Write ``size`` bytes of fresh 4 kB pages and free them at once: the kernel hands the same, just used,
    pages to the timed work's faults next, instead of free pages the host may have taken back."""
    import mmap

    import numpy as np

    region = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    region.madvise(mmap.MADV_NOHUGEPAGE)
    np.frombuffer(region, dtype=np.uint8)[::mmap.PAGESIZE] = 1
    region.close()


def _child(what: str, limit: int | None, second: bool) -> dict:
    """Load the corpus and warm up as ``run.py`` does, then time ``what`` once (and, for our work and
    ``second``, once more with the memos it filled)."""
    time.perf_counter = time.process_time  # the stage and step timers below in CPU seconds
    from analysis import engine

    articles = _load_corpus(limit)
    engine.warm_up()
    report = {"what": what, "pid": os.getpid(), "calibration": _calibration()}
    if os.environ.get("CPU_RATIOS_PREFAULT_MB"):  # a diagnostic (see the module doc), never the headline
        _prefault(int(os.environ["CPU_RATIOS_PREFAULT_MB"]) << 20)
    if what == "naive":
        from naive import run_naive

        user_at_calls: list[float] = []

        def clock() -> float:  # CPU seconds as before; the user seconds at each call kept aside
            user_at_calls.append(resource.getrusage(resource.RUSAGE_SELF).ru_utime)
            return time.process_time()

        time.perf_counter = clock
        out, report["cost"] = _measured(lambda: run_naive(articles))
        time.perf_counter = time.process_time
        report["steps"] = out["timings"]
        # run_naive reads the clock at the start and end of each step, in the order of its timings
        steps = [k for k in out["timings"] if not k.startswith("total")]
        report["steps_user"] = {k: user_at_calls[2 * i + 1] - user_at_calls[2 * i] for i, k in enumerate(steps)}
        report["steps_user"]["total"] = sum(report["steps_user"][k] for k in ("sentences", "tokens", "vader"))
        report["steps_user"]["total_vadersentiment"] = report["steps_user"]["total"] - report["steps_user"]["vader"] \
            + report["steps_user"]["vader_vadersentiment"]
    else:
        for run_name in ("cost", "cost_second")[:1 + (second and what == "same_work")]:
            clock: dict = {}
            _, report[run_name] = _measured(lambda clock=clock: engine.run(
                articles, stages=_stages(what), chunk_size=200, timings=clock))
            report["stages" if run_name == "cost" else "stages_second"] = clock
    report["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report


def _cpu_stat() -> list[int]:
    """The ``cpu`` line of ``/proc/stat``: user nice system idle iowait irq softirq steal (ticks)."""
    return [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


#: System-wide ``/proc/vmstat`` counters read around each child: transparent huge pages given at a fault
#: (or refused) and direct compactions (a fault stalled to make a huge page).
VMSTAT = ("thp_fault_alloc", "thp_fault_fallback", "compact_stall", "pgfault", "pgmajfault")


def _vmstat() -> dict[str, int]:
    rows = dict(line.split() for line in Path("/proc/vmstat").read_text().splitlines())
    return {key: int(rows.get(key, 0)) for key in VMSTAT}


def _load() -> list[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


def _run_child(what: str, args, env: dict) -> dict:
    command = [sys.executable, __file__, "--child", what] + (["--limit", str(args.limit)] if args.limit else []) \
        + (["--no-second"] if args.no_second else [])
    stat_before, load_before, vm_before = _cpu_stat(), _load()[0], _vmstat()
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    if proc.returncode:
        raise SystemExit(f"child {what} failed (exit code {proc.returncode}):\n{proc.stderr[-3000:]}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    delta = [b - a for a, b in zip(stat_before, _cpu_stat())]
    report["steal_share"] = delta[7] / max(sum(delta), 1)  # of all CPU ticks of both cores meanwhile
    report["load"] = [load_before, _load()[0]]
    report["vmstat"] = {key: value - vm_before[key] for key, value in _vmstat().items()}  # whole machine
    return report


def _spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} (min-max {min(values):.2f}-{max(values):.2f}, n={len(values)})"


def _fmt(times: dict) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in times.items())


def _protocol(args) -> int:
    """``--rounds`` rounds of fresh child processes, naive and ours alternating (see the module doc)."""
    ours = args.work.split(",") if args.work else \
        ["same_work", "full_pipeline"] + (["report_stages"] if args.report_stages else [])
    arms = [("", dict(os.environ))]
    for variant in args.variant or ():
        label, _, assignments = variant.partition(":")
        arms.append((label, {**os.environ, **dict(a.split("=", 1) for a in assignments.split(",") if a)}))
    print(f"protocol: {args.rounds} rounds, fresh processes, load {' '.join(f'{v:.2f}' for v in _load())} at start;"
          f" transparent_hugepage {_thp()}", flush=True)
    results: dict[str, list[dict]] = {}
    steal_start = _cpu_stat()
    for r in range(args.rounds):
        order = [("naive", "", arms[0][1])] + [(w, label, env) for w in ours for label, env in arms]
        if r % 2:
            order.reverse()  # naive, ours, ours, naive, naive, ours, ...
        for what, label, env in order:
            report = _run_child(what, args, env)
            results.setdefault(what + (f"[{label}]" if label else ""), []).append(report)
            _print_child(r, what + (f"[{label}]" if label else ""), report)
    stat = [b - a for a, b in zip(steal_start, _cpu_stat())]
    print(f"load {' '.join(f'{v:.2f}' for v in _load())} at end; steal {stat[7] / max(sum(stat), 1):.2%} of both"
          f" cores' ticks over the protocol")
    naive = [r["steps"]["total"] for r in results["naive"]]
    naive_vs = [r["steps"]["total_vadersentiment"] for r in results["naive"]]
    print(f"naive: CPU s {_spread(naive)}; steps " + ", ".join(
        f"{k} {_spread([r['steps'][k] for r in results['naive']])}" for k in ("sentences", "tokens", "vader")))
    print(f"naive with vaderSentiment: CPU s {_spread(naive_vs)}")
    print(f"naive, the child's whole run_naive: system CPU s {_spread([r['cost']['system'] for r in results['naive']])}")
    headline = {}
    for name, reports in results.items():
        if name == "naive":
            continue
        cpu = [r["cost"]["cpu"] for r in reports]
        print(f"{name}: CPU s {_spread(cpu)}; of it system {_spread([r['cost']['system'] for r in reports])};"
              f" wall {_spread([r['cost']['wall'] for r in reports])}")
        print("  stages: " + ", ".join(f"{k} {statistics.median(r['stages'][k] for r in reports):.2f}"
                                        for k in reports[0]["stages"]) + " (medians)")
        if "cost_second" in reports[0]:
            print(f"  {name} second run in the same process (memos warm; not the headline, a user's first run"
                  f" has cold memos): CPU s {_spread([r['cost_second']['cpu'] for r in reports])}")
        for ours_name, label in RATIOS:
            if name.split("[")[0] == ours_name:
                per_round = [n / c for n, c in zip(naive, cpu)]
                per_round_vs = [n / c for n, c in zip(naive_vs, cpu)]
                suffix = name[len(ours_name):]
                print(f"  {label}{suffix} per round: {', '.join(f'{v:.2f}' for v in per_round)}; {_spread(per_round)}")
                print(f"  {label}_vadersentiment{suffix} per round: {', '.join(f'{v:.2f}' for v in per_round_vs)};"
                      f" {_spread(per_round_vs)}")
                user = [n["steps_user"]["total"] / r["cost"]["user"] for n, r in zip(results["naive"], reports)]
                print(f"  {label}{suffix} in user CPU seconds only (the system seconds, page faults, move with the"
                      f" machine's memory): {', '.join(f'{v:.2f}' for v in user)}; {_spread(user)}")
                if not suffix:
                    headline[label] = statistics.median(per_round)
                    headline[label + "_vadersentiment"] = statistics.median(per_round_vs)
    print(f"naive: {statistics.median(naive):.2f} CPU s, naive with vaderSentiment: {statistics.median(naive_vs):.2f}"
          " CPU s (medians)")
    for _, label in (ratio for ratio in RATIOS if ratio[1] in headline):
        print(f"{label}: {headline[label]:.2f}")
        print(f"{label}_vadersentiment: {headline[label + '_vadersentiment']:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


def _thp() -> str:
    try:
        text = Path("/sys/kernel/mm/transparent_hugepage/enabled").read_text()
    except OSError:
        return "unknown"
    return text.split("[")[1].split("]")[0] if "[" in text else text.strip()


def _print_child(r: int, name: str, report: dict) -> None:
    cost = report["cost"]
    work = _fmt(report["steps"]) if "steps" in report else _fmt(report["stages"])
    second = (f"; second run {report['cost_second']['cpu']:.2f} (system {report['cost_second']['system']:.2f})"
              if "cost_second" in report else "")
    calibration = report["calibration"]
    print(f"round {r} {name}: {cost['cpu']:.2f} CPU s (user {cost['user']:.2f}, system {cost['system']:.2f}, other"
          f" threads {cost['other_threads_cpu']:.2f}, {cost['threads']} threads), wall {cost['wall']:.2f} s,"
          f" faults {cost['minflt']:,} minor / {cost['majflt']:,} major, max RSS {report['maxrss_mb']:,.0f} MB{second};"
          f" ({work}); calibration python {calibration['python_loop']:.3f} random reads"
          f" {calibration['random_reads']:.3f} page fault {calibration['fault_us']:.1f} us,"
          f" huge page fault {calibration['huge_fault_us']:.0f} us; steal {report['steal_share']:.2%}; machine-wide"
          f" THP faults {report['vmstat']['thp_fault_alloc']:,}, compaction stalls {report['vmstat']['compact_stall']:,}; load"
          f" {report['load'][0]:.1f}-{report['load'][1]:.1f}", flush=True)


def _single_process(args) -> int:
    """One run of each, naive first, in this process (the protocol before 2026-12-06, ``--rounds 0``)."""
    time.perf_counter = time.process_time  # every timer below (ours and the naive one) in CPU seconds

    from naive import run_naive  # noqa: E402

    from analysis import engine  # noqa: E402

    articles = _load_corpus(args.limit)
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
    for ours, label in RATIOS:
        print(f"{label}: {figures['naive'] / figures[ours]:.2f}")
        print(f"{label}_vadersentiment: {figures['naive_vadersentiment'] / figures[ours]:.2f}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--report-stages", action="store_true",
                        help="also time the report's stages (the whole pipeline + roles and narratives)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of fresh child processes (0: the old single-process run)")
    parser.add_argument("--no-second", action="store_true",
                        help="do not time our same work a second time in its child (memos warm)")
    parser.add_argument("--variant", action="append", metavar="LABEL:KEY=VALUE[,KEY=VALUE]",
                        help="also run our children with these environment variables set, interleaved")
    parser.add_argument("--work", help="comma-separated: which of our works the protocol times"
                        " (default same_work,full_pipeline[,report_stages])")
    parser.add_argument("--json", help="write every child's report to this file")
    parser.add_argument("--child", choices=["naive", *OURS], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.limit, not args.no_second)))
        return 0
    return _protocol(args) if args.rounds > 0 else _single_process(args)


if __name__ == "__main__":
    sys.exit(main())
