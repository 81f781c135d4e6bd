"""Speed and memory benchmark behind ``make bench``.

Measures, on the real corpus in ``../shared/corpus`` (official statements +
news_gdelt, about 1.9 M words) and on a 100k-article corpus built by
replicating it:

* words/second per stage and for the whole pipeline, on one core;
* the speed-up of two processes over one: in this process after the serial runs, and each in a
  fresh process that loads and warms up first, as a user's run does;
* peak memory (whole process tree) against the raw text size, streaming the
  100k-article corpus through :func:`analysis.engine.run_to_parquet`;
* a naive notebook baseline (row-by-row ``DataFrame.apply`` of NLTK Punkt,
  Treebank tokens and VADER per sentence) as the ratio to beat.

* a cost curve: time and peak memory of the streamed pipeline at 1k, 10k and
  100k articles (``--curve``), so linear growth is seen rather than assumed;
* incremental reruns: :func:`analysis.pipeline.analyse` on the corpus less 1%,
  then on the whole corpus (1% new articles), then again unchanged — the rerun
  should cost about 1% of the first run plus hashing and reading the store index;
* ``--report N``: ``python -m analysis run`` (every notebook, ``--jobs 2``,
  ``EXCLUDE_DUPLICATES=false`` so all N replicated articles are analysed, not just
  the ~2.7k distinct texts) on the replicated N-article corpus as a parquet folder,
  in a child process: wall time and peak memory of the whole process tree (runner
  + kernels + workers); ``--report-only`` skips every other figure and prints the
  load average (the machine may be shared: timings are then upper bounds).

The naive baseline is measured twice: with NLTK's VADER and with the
``vaderSentiment`` package's faster analyzer. It ends with four lines, all one
core, same run::

    speedup_vs_naive: X.X                         # sentences + tokens + sentence VADER, vs NLTK-based naive
    speedup_vs_naive_vadersentiment: X.X          # the same work, vs vaderSentiment-based naive
    full_pipeline_vs_naive: X.X                   # our whole pipeline vs the NLTK-based naive partial work
    full_pipeline_vs_naive_vadersentiment: X.X    # ... vs the vaderSentiment-based one

Usage::

    python benchmarks/run.py [--shared ../shared] [--curve 1000,10000,100000] [--skip-large] [--report 100000]
    python benchmarks/run.py --report 10000 --report-only [--json report.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from naive import run_naive  # noqa: E402

from analysis import engine, pipeline  # noqa: E402
from analysis.corpus import load_corpus  # noqa: E402
from analysis.paths import shared_dir  # noqa: E402

_WORD = re.compile(r"\w+")


def count_words(texts) -> int:
    return sum(len(_WORD.findall(t)) for t in texts if isinstance(t, str))


def children(pid: int) -> list[int]:
    """The child processes of ``pid``, whichever of its threads started them: ``/proc/PID/task/TID/children``
    lists a thread's own children only, and a Jupyter kernel manager that talks over local sockets starts its
    kernel from another thread than the main one (the main thread's list alone missed every notebook kernel)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                found.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


class PeakMemory:
    """Samples the memory of a process and all its children (Linux /proc).

    Uses the proportional set size (PSS, ``smaps_rollup``) so pages that forked
    workers share with their parent are counted once; falls back to RSS.
    """

    def __init__(self, pid: int | None = None, interval: float = 0.05):
        self.pid = pid or os.getpid()
        self.interval, self.peak, self._stop = interval, 0, threading.Event()

    @staticmethod
    def _own(p: int) -> int:
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) * 1024
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            pass
        with open(f"/proc/{p}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    @classmethod
    def tree(cls, pid: int) -> int:
        total, stack, seen = 0, [pid], set()
        while stack:
            p = stack.pop()
            if p in seen:
                continue
            seen.add(p)
            try:
                total += cls._own(p)
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
            stack.extend(children(p))
        return total

    def _run(self):
        while not self._stop.is_set():
            now = self.tree(self.pid)
            self.peak, self.window = max(self.peak, now), max(getattr(self, "window", 0), now)
            time.sleep(self.interval)

    def take_window(self) -> int:
        """The peak since the previous call (or the start), then start a new window."""
        window, self.window = getattr(self, "window", 0), 0
        return window

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def load_bench_corpus(shared: Path, *, with_titles: bool = False) -> pd.DataFrame:
    official = load_corpus(shared / "corpus" / "official_statements.csv")
    news = load_corpus(shared / "corpus" / "news_gdelt")
    articles = pd.concat([official, news], ignore_index=True)
    return articles[["article_id", "outlet", "text"] + (["title"] if with_titles else [])]


def tree_cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and of every child it has waited for: around a run
    whose workers have all exited, the difference is the CPU of the whole process tree, which wall
    time on a shared machine cannot show."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label, func, log):
    started = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - started
    log(f"  {label}: {seconds:.2f} s")
    return result, seconds


def replicate_to_parquet(articles: pd.DataFrame, n_articles: int, folder: Path, *, per_file: int = 5000,
                         columns: tuple[str, ...] = ("article_id", "text")) -> int:
    """Write ``n_articles`` rows cycling through ``articles`` (its ``columns``) as a partitioned parquet folder.
    Returns the raw text size in bytes (UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = articles[list(columns)].reset_index(drop=True)
    raw_bytes, written, part = 0, 0, 0
    while written < n_articles:
        take = min(per_file, n_articles - written)
        idx = [(written + i) % len(base) for i in range(take)]
        chunk = base.iloc[idx].copy()
        chunk["article_id"] = [f"{a}-{written + i}" for i, a in enumerate(chunk["article_id"])]
        raw_bytes += int(chunk["text"].map(lambda t: len(t.encode("utf-8"))).sum())
        chunk.to_parquet(folder / f"part-{part:05d}.parquet", index=False)
        written += take
        part += 1
    return raw_bytes


def streamed_run(articles: pd.DataFrame, n_articles: int, words: int, chunk_size: int, log) -> dict | None:
    """Replicate ``articles`` to ``n_articles`` as partitioned parquet and stream them through the
    whole pipeline on 2 processes in a fresh child process; time it and sample its peak memory."""
    log(f"# replicated corpus: {n_articles:,} articles, streamed to partitioned parquet on 2 processes")
    log("  (run in a fresh process, so its memory is the pipeline's alone)")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        source = Path(tmp) / "corpus"
        raw_large = replicate_to_parquet(articles, n_articles, source)
        large_words = words * n_articles / len(articles)
        child = _start_child(source, Path(tmp) / "out", 2, chunk_size, in_memory=False)
        with PeakMemory(child.pid) as memory:
            stdout, _ = child.communicate()
        if child.returncode:
            log(f"  streaming run failed with exit code {child.returncode}")
            return None
        large = json.loads(stdout.strip().splitlines()[-1])
    large_s = large["seconds"]
    log(f"  {large['articles']:,} articles, {raw_large / 1e6:,.0f} MB text, "
        f"~{large_words:,.0f} words in {large_s:.1f} s ({large_words / large_s:,.0f} words/s)")
    log(f"  peak memory (process tree, PSS): {memory.peak / 1e6:,.0f} MB = "
        f"{memory.peak / raw_large:.2f}x the raw text size")
    return {"articles": large["articles"], "raw_text_mb": raw_large / 1e6, "seconds": large_s,
            "words_per_second": large_words / large_s, "peak_memory_mb": memory.peak / 1e6,
            "peak_memory_vs_raw_text": memory.peak / raw_large}


def fresh_scaling_run(articles: pd.DataFrame, reference: dict, chunk_size: int, log) -> dict:
    """Two processes against one, each run in a fresh child process that loads the articles and
    warms up as a user's ``python -m analysis run`` or new notebook kernel does.

    The in-process line above forks its workers from a parent that has already run the corpus
    several times; their first chunks then pay ~2x the copy-on-write page faults of workers forked
    from a just-warmed parent (benchmarks/two_process_path.py ``--clean``). This line measures the
    user's case; both are printed."""
    log("# two processes vs one, each in a fresh process (load, warm up, stream to parquet)")
    runs = {}
    with tempfile.TemporaryDirectory(prefix="bench-fresh-") as tmp:
        source = Path(tmp) / "articles.parquet"
        articles.to_parquet(source, index=False)
        for n_jobs in (1, 2):
            out = Path(tmp) / f"out{n_jobs}"
            child = _start_child(source, out, n_jobs, chunk_size, in_memory=True)
            stdout, _ = child.communicate()
            if child.returncode:
                log(f"  the {n_jobs}-process run failed with exit code {child.returncode}")
                return {"failed": n_jobs}
            runs[n_jobs] = json.loads(stdout.strip().splitlines()[-1])
            log(f"  full pipeline to parquet, {n_jobs} process{'es' if n_jobs > 1 else ''}: "
                f"{runs[n_jobs]['seconds']:.2f} s, {runs[n_jobs]['cpu_seconds']:.2f} CPU s of the process tree")
        identical = all(
            engine.comparable(reference[t]).equals(engine.comparable(engine.read_table(Path(tmp) / "out2", t)))
            for t in reference)
    one, two = runs[1], runs[2]
    log(f"  CPU seconds of the process tree: 2 processes {two['cpu_seconds'] / one['cpu_seconds'] - 1:+.1%} "
        f"against 1; load average {_load_average()}")
    log(f"  speed-up 2 vs 1 processes (fresh processes): {one['seconds'] / two['seconds']:.2f}x; "
        f"identical to the in-memory serial run: {identical}")
    return {"one_process_seconds": one["seconds"], "seconds": two["seconds"],
            "speedup": one["seconds"] / two["seconds"], "one_process_cpu_seconds": one["cpu_seconds"],
            "cpu_seconds": two["cpu_seconds"], "identical": identical}


def _start_child(source: Path, out: Path, n_jobs: int, chunk_size: int, *, in_memory: bool) -> subprocess.Popen:
    """This script in a fresh process running :func:`_child_run` (its JSON figures are its last line of stdout)."""
    return subprocess.Popen([sys.executable, __file__, "--child", str(source), str(out), str(n_jobs),
                             "--chunk-size", str(chunk_size)] + (["--in-memory"] if in_memory else []),
                            stdout=subprocess.PIPE, text=True)


def _child_run(source: Path, out: Path, n_jobs: int, chunk_size: int, *, in_memory: bool) -> dict:
    """The child of :func:`streamed_run` (the parquet ``source`` streamed, timed from the start, scan and
    warm-up included) and of :func:`fresh_scaling_run` (``in_memory``: the articles read and warmed up
    first, then timed, as the in-process line is)."""
    articles = pd.read_parquet(source) if in_memory else source
    if in_memory:
        engine.warm_up()
    cpu, started = tree_cpu_seconds(), time.perf_counter()
    parts = engine.run_to_parquet(articles, out, chunk_size=chunk_size, n_jobs=n_jobs)
    return {"seconds": time.perf_counter() - started, "cpu_seconds": tree_cpu_seconds() - cpu,
            "articles": int(parts["articles"].sum())}


def incremental_run(articles: pd.DataFrame, reference: dict, chunk_size: int, log) -> dict:
    """``pipeline.analyse`` on ``articles`` less the last 1% (an empty store), then on all of them
    (the 1% are new), then unchanged; checks the rerun's tables equal ``reference`` (engine.run)."""
    n_new = max(1, len(articles) // 101)
    first = articles.iloc[:len(articles) - n_new]
    log(f"# incremental rerun (one core): {len(first):,} articles, then + {n_new:,} new ones (1%)")
    with tempfile.TemporaryDirectory(prefix="bench-store-") as store:
        def analyse(frame):
            return pipeline.analyse(frame, chunk_size=chunk_size, cache_dir=store)

        _, first_s = timed(f"analyse {len(first):,} articles, empty store", lambda: analyse(first), log)
        rerun, rerun_s = timed(f"analyse {len(articles):,} articles, {n_new:,} new", lambda: analyse(articles), log)
        unchanged, hit_s = timed(f"analyse {len(articles):,} articles, unchanged", lambda: analyse(articles), log)
        identical = all(engine.comparable(frame).equals(engine.comparable(rerun.table(name)))
                        for name, frame in reference.items())
    log(f"  processed {rerun.processed:,} then {unchanged.processed:,} articles; rerun / first run = "
        f"{rerun_s / first_s:.3f} for {n_new / len(first):.3f} of the data; identical to engine.run: {identical}")
    return {"articles": len(first), "new_articles": n_new, "first_seconds": first_s, "rerun_seconds": rerun_s,
            "unchanged_seconds": hit_s, "processed_on_rerun": rerun.processed, "identical": identical}


def report_run(articles: pd.DataFrame, n_articles: int, log, *, jobs: int = 2) -> dict:
    """``python -m analysis run --corpus <parquet folder> --jobs 2`` on ``articles`` replicated to
    ``n_articles``, in a child process with an empty cache; its wall time and peak memory (PSS of
    the whole process tree: runner, notebook kernels, pipeline workers)."""
    log(f"# make report on the replicated corpus: {n_articles:,} articles as a parquet folder, --jobs {jobs}")
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        source = Path(tmp) / "corpus"
        raw = replicate_to_parquet(articles, n_articles, source)
        src = str(HERE.parent / "src")
        env = {**os.environ, "ANALYSIS_CACHE": str(Path(tmp) / "cache"), "MPLBACKEND": "Agg",
               "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}
        command = [sys.executable, "-m", "analysis", "run", "--corpus", str(source),
                   "--output", str(Path(tmp) / "report"), "--jobs", str(jobs),
                   # the replicated articles repeat ~2.7k texts: counted as duplicates, the notebooks
                   # would analyse only those; every one of the N articles is analysed instead
                   "-p", "EXCLUDE_DUPLICATES=false"]
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        per_step, step = {}, "start-up and loading"
        with PeakMemory(child.pid) as memory:
            for line in child.stdout:  # attribute each window's peak to the notebook then running
                if re.match(r"\[\d+/\d+\] \S+ \.\.\.$", line.strip()) or line.startswith("report index"):
                    per_step[step] = max(per_step.get(step, 0), memory.take_window())
                    step = line.strip().split()[1] if not line.startswith("report index") else "index"
                if "WARNING" not in line:
                    log(f"  | {line.rstrip()}")
            child.wait()
            per_step[step] = max(per_step.get(step, 0), memory.take_window())
        seconds = time.perf_counter() - started
    log("  peak memory while each step ran (process tree, PSS): "
        + ", ".join(f"{name} {peak / 1e6:,.0f} MB" for name, peak in per_step.items()))
    log(f"  {n_articles:,} articles, {raw / 1e6:,.0f} MB text: exit code {child.returncode}, {seconds:.1f} s, "
        f"peak memory (process tree, PSS) {memory.peak / 1e6:,.0f} MB = {memory.peak / raw:.2f}x the raw text")
    return {"articles": n_articles, "raw_text_mb": raw / 1e6, "seconds": seconds, "returncode": child.returncode,
            "peak_memory_mb": memory.peak / 1e6, "peak_memory_vs_raw_text": memory.peak / raw,
            "peak_memory_mb_by_step": {name: peak / 1e6 for name, peak in per_step.items()}}


def _load_average() -> str:
    """The 1/5/15-minute load average: on a shared machine timings are upper bounds."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=shared_dir())
    parser.add_argument("--curve", default="1000,10000,100000",
                        help="comma-separated sizes of the replicated corpora (the cost curve)")
    parser.add_argument("--articles", type=int, help="a single replicated size (same as --curve N)")
    parser.add_argument("--skip-large", action="store_true", help="skip the replicated corpora")
    parser.add_argument("--chunk-size", type=int, default=200)
    parser.add_argument("--limit", type=int, help="only the first N articles (a smoke test of the bench itself)")
    parser.add_argument("--report", type=int, metavar="N",
                        help="also time `python -m analysis run` on the replicated N-article corpus")
    parser.add_argument("--report-only", action="store_true",
                        help="with --report N: measure only the report run (skip the naive, speed and curve figures)")
    parser.add_argument("--json", type=Path, help="also write all figures to this JSON file")
    # a child process of the replicated-corpus run or of the fresh 2-vs-1 run (_start_child)
    parser.add_argument("--child", nargs=3, metavar=("SOURCE", "OUT", "JOBS"), help=argparse.SUPPRESS)
    parser.add_argument("--in-memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        source, out, n_jobs = args.child
        print(json.dumps(_child_run(Path(source), Path(out), int(n_jobs), args.chunk_size, in_memory=args.in_memory)))
        return 0
    log = lambda *a: print(*a, flush=True)  # noqa: E731

    if not (args.shared / "corpus").is_dir():
        log(f"benchmark needs the research corpus at {args.shared}/corpus (set ANALYSIS_SHARED or --shared)")
        return 2

    figures: dict = {}
    log("# corpus: ../shared/corpus official_statements.csv + news_gdelt")
    articles, load_s = timed("load_corpus", lambda: load_bench_corpus(args.shared), log)
    if args.limit:
        articles = articles.head(args.limit)
    words = count_words(articles["text"])
    raw = int(articles["text"].map(lambda t: len(t.encode("utf-8"))).sum())
    figures.update(articles=len(articles), words=words, raw_text_mb=raw / 1e6, load_seconds=load_s)
    log(f"  {len(articles):,} articles, {words:,} words, {raw / 1e6:.1f} MB of text")
    if args.report_only:
        if not args.report:
            parser.error("--report-only needs --report N")
        log(f"  load average before the report run: {_load_average()}")
        figures["report"] = report_run(articles, args.report, log)
        log(f"  load average after the report run: {_load_average()}")
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))
        return 0 if figures["report"]["returncode"] == 0 else 1
    engine.warm_up()

    log("# naive notebook baseline (one core): Punkt + Treebank + VADER via DataFrame.apply")
    naive = run_naive(articles)
    for stage, seconds in naive["timings"].items():
        log(f"  naive {stage}: {seconds:.2f} s ({words / seconds:,.0f} words/s)")
    figures["naive"] = naive["timings"]

    log("# ours, same work (one core): sentences + tokens + sentence VADER")
    same_clock: dict = {}
    _, same_s = timed("sentences+tokens+sentiment", lambda: engine.run(
        articles, stages=("sentences", "tokens", "sentiment"), chunk_size=args.chunk_size, timings=same_clock), log)
    for stage, seconds in same_clock.items():
        log(f"  {stage}: {seconds:.2f} s ({words / max(seconds, 1e-9):,.0f} words/s)")
    figures["same_work"] = {"seconds": same_s, **same_clock}

    log("# ours, whole pipeline (one core): + entities, mention sentiment, framing")
    full_clock: dict = {}
    serial, full_s = timed("full pipeline, 1 process", lambda: engine.run(
        articles, chunk_size=args.chunk_size, timings=full_clock), log)
    for stage, seconds in full_clock.items():
        log(f"  {stage}: {seconds:.2f} s ({words / max(seconds, 1e-9):,.0f} words/s)")
    log(f"  whole pipeline: {words / full_s:,.0f} words/s")
    figures["full_pipeline"] = {"seconds": full_s, "words_per_second": words / full_s, **full_clock}

    log("# two processes vs one, streaming to parquet (workers write their own parts)")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        cpu = [tree_cpu_seconds()]
        _, one_s = timed("full pipeline to parquet, 1 process", lambda: engine.run_to_parquet(
            articles, Path(tmp) / "one", chunk_size=args.chunk_size, n_jobs=1), log)
        cpu.append(tree_cpu_seconds())
        _, two_s = timed("full pipeline to parquet, 2 processes", lambda: engine.run_to_parquet(
            articles, Path(tmp) / "two", chunk_size=args.chunk_size, n_jobs=2), log)
        cpu.append(tree_cpu_seconds())
        identical = all(
            engine.comparable(serial[t]).equals(engine.comparable(engine.read_table(Path(tmp) / "two", t)))
            for t in serial)
    one_cpu, two_cpu = cpu[1] - cpu[0], cpu[2] - cpu[1]
    log(f"  CPU seconds of the process tree (parent + workers): 1 process {one_cpu:.2f}, 2 processes {two_cpu:.2f} "
        f"({two_cpu / one_cpu - 1:+.1%}); load average {_load_average()}")
    log(f"  speed-up 2 vs 1 processes: {one_s / two_s:.2f}x; identical to the in-memory serial run: {identical}")
    figures["two_processes"] = {"one_process_seconds": one_s, "seconds": two_s, "speedup": one_s / two_s,
                                "one_process_cpu_seconds": one_cpu, "cpu_seconds": two_cpu, "identical": identical}
    figures["two_processes_fresh"] = fresh_scaling_run(articles, serial, args.chunk_size, log)
    figures["incremental"] = incremental_run(articles, serial, args.chunk_size, log)
    del serial

    if not args.skip_large:
        sizes = [args.articles] if args.articles else [int(n) for n in args.curve.split(",") if n.strip()]
        figures["curve"] = []
        for n_articles in sizes:
            point = streamed_run(articles, n_articles, words, args.chunk_size, log)
            if point is None:
                return 1
            figures["curve"].append(point)
        figures["large"] = figures["curve"][-1]
        log("# cost curve (2 processes, streamed): articles, seconds, peak MB, peak / raw text")
        for point in figures["curve"]:
            log(f"  {point['articles']:>9,} {point['seconds']:9.1f} {point['peak_memory_mb']:9,.0f} "
                f"{point['peak_memory_vs_raw_text']:6.2f}x")

    if args.report:
        figures["report"] = report_run(articles, args.report, log)

    naive_s = naive["timings"]["total"]
    naive_fast_s = naive["timings"]["total_vadersentiment"]
    figures["speedup_vs_naive"] = naive_s / same_s
    figures["speedup_vs_naive_vadersentiment"] = naive_fast_s / same_s
    figures["full_pipeline_vs_naive"] = naive_s / full_s
    figures["full_pipeline_vs_naive_vadersentiment"] = naive_fast_s / full_s
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    for key in ("speedup_vs_naive", "speedup_vs_naive_vadersentiment", "full_pipeline_vs_naive",
                "full_pipeline_vs_naive_vadersentiment"):
        log(f"{key}: {figures[key]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
