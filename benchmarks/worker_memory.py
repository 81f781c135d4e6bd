"""How much memory does each forked pipeline worker hold of its own?

For 1 and 2 workers, on an English-only and a mixed ru/en chunk of the real corpus, starts the
pool the way :func:`analysis.engine.run_to_parquet` does (:func:`analysis.engine.shared_lexicons`
in the parent, then ``fork``) and reads every worker's ``/proc/<pid>/smaps_rollup``:

* ``idle``: right after the fork and one empty task (what the warmed-up layer costs a worker);
* ``chunk``: after the worker processed and wrote one chunk (``_process_and_write``, which ends
  with ``malloc_trim``), i.e. what stays private between chunks;
* ``peak``: the largest USS/PSS sampled every 50 ms while the chunk ran.

USS (unique set size) = ``Private_Clean + Private_Dirty``: what the worker alone holds and what
one more worker would add. PSS shares each shared page among the processes mapping it.
The parent (which holds the warmed-up layer once) is reported too.

With ``--attribute`` it instead loads each resource of the language layer alone in a fresh
process and prints the anonymous memory it adds (after ``import analysis.engine``).

Usage::

    python benchmarks/worker_memory.py [--chunk-size 100] [--json out.json]
    python benchmarks/worker_memory.py --attribute
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def smaps(pid: int) -> dict[str, int]:
    """``Pss``, ``Uss`` (private clean + dirty) and ``Rss`` of one process in bytes."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                fields[parts[0][:-1]] = int(parts[1]) * 1024
    return {"rss": fields.get("Rss", 0), "pss": fields.get("Pss", 0),
            "uss": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)}


def _sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _chunk(chunk, stages, out_dir: str, part: int) -> int:
    from analysis import engine

    engine._process_and_write(chunk, stages, out_dir, part)
    return os.getpid()


def corpora(chunk_size: int):
    from run import load_bench_corpus

    from analysis.corpus import load_corpus
    from analysis.paths import shared_dir

    shared = shared_dir()
    english = load_bench_corpus(shared)[["article_id", "text"]]
    # a spread of the English corpus (official + news), not its first rows only
    step = max(1, len(english) // chunk_size)
    en = english.iloc[::step].head(chunk_size).reset_index(drop=True)
    ru = load_corpus(shared / "corpus" / "ru_uk" / "articles")[["article_id", "text"]]
    half = chunk_size // 2
    mixed = (__import__("pandas").concat([en.head(half), ru.head(chunk_size - half)], ignore_index=True))
    return {"en": en, "mixed": mixed}


def probe(kind: str, n_jobs: int, chunk_size: int) -> dict:
    """One measurement, in this (fresh) process."""
    from concurrent.futures import ProcessPoolExecutor

    from analysis import engine

    chunk = corpora(chunk_size)[kind]
    stages = engine.STAGES
    result = {"corpus": kind, "workers": n_jobs, "articles": len(chunk),
              "text_mb": round(chunk["text"].str.len().sum() / 1e6, 2)}
    with (tempfile.TemporaryDirectory(prefix="wmem-") as tmp,
          engine.shared_lexicons(stages, corpus=chunk), engine.arrow_pool()):  # as run_to_parquet
        pool = ProcessPoolExecutor(max_workers=n_jobs, mp_context=engine._mp_context())
        try:
            pids = sorted(set(f.result() for f in [pool.submit(_sleep, 0.5) for _ in range(n_jobs)]))
            result["parent"] = {k: round(v / 1e6) for k, v in smaps(os.getpid()).items()}
            result["idle"] = [{k: round(v / 1e6) for k, v in smaps(p).items()} for p in pids]
            peaks = {p: {"uss": 0, "pss": 0} for p in pids}
            stop = threading.Event()

            def sample():
                while not stop.is_set():
                    for p in pids:
                        try:
                            now = smaps(p)
                        except (FileNotFoundError, ProcessLookupError):
                            continue
                        peaks[p] = {k: max(peaks[p][k], now[k]) for k in ("uss", "pss")}
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            pieces = [chunk.iloc[i::n_jobs] for i in range(n_jobs)]
            done = [pool.submit(_chunk, piece, stages, tmp, i) for i, piece in enumerate(pieces)]
            for future in done:
                future.result()
            stop.set()
            sampler.join()
            result["chunk"] = [{k: round(v / 1e6) for k, v in smaps(p).items()} for p in pids]
            result["peak"] = [{k: round(v / 1e6) for k, v in peaks[p].items()} for p in pids]
        finally:
            pool.shutdown(wait=True)
    return result


#: Each resource alone, after ``import analysis.engine`` (what it adds to a fresh process).
RESOURCES = {
    "engine import": "pass",
    "pymorphy3 ru": "from analysis import morph; morph.analyzer('ru').parse('путин')",
    "pymorphy3 uk": "from analysis import morph; morph.analyzer('uk').parse('путін')",
    "lingua, Latin-script models": "from analysis import lang; lang._detector().compute_language_confidence_values('Putin said.')",
    "lingua, Cyrillic models": "from analysis import lang; lang._detector().compute_language_confidence_values('Путин сказал.')",
    "natasha (ru NER)": "from analysis.entities import cyrillic as c; c.discover_natasha(['Сергей Иванов приехал.'])",
    "warm_up en only": "import pandas as pd; engine.process_articles(pd.DataFrame({'article_id':['a'],'text':['Putin said Kyiv attacked. Zelenskyy spoke.']}))",
    "warm_up(cyrillic=False)": "engine.warm_up(cyrillic=False)",
    "warm_up (all)": "engine.warm_up()",
}


def attribute() -> list[dict]:
    rows = []
    for name, code in RESOURCES.items():
        script = (f"import os, sys; sys.path.insert(0, {str(HERE)!r})\n"
                  + "from worker_memory import smaps\nfrom analysis import engine\nimport gc; gc.collect()\n"
                  + "before = smaps(os.getpid())\n" + code + "\ngc.collect()\nafter = smaps(os.getpid())\n"
                  + "print(after['uss'] - before['uss'], after['uss'])")
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        if out.returncode:
            rows.append({"resource": name, "error": out.stderr.strip().splitlines()[-1]})
            continue
        added, total = map(int, out.stdout.split()[-2:])
        rows.append({"resource": name, "adds_mb": round(added / 1e6), "process_uss_mb": round(total / 1e6)})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunk-size", type=int, default=100)
    parser.add_argument("--attribute", action="store_true")
    parser.add_argument("--corpora", default="en,mixed")
    parser.add_argument("--one", nargs=2, metavar=("CORPUS", "WORKERS"), help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(probe(args.one[0], int(args.one[1]), args.chunk_size)))
        return 0
    if args.attribute:
        rows = attribute()
        for row in rows:
            print(json.dumps(row))
    else:
        rows = []
        for kind in args.corpora.split(","):
            for n_jobs in (1, 2):  # each probe in a fresh process: nothing left over from the last
                out = subprocess.run([sys.executable, __file__, "--one", kind, str(n_jobs),
                                      "--chunk-size", str(args.chunk_size)], capture_output=True, text=True,
                                     check=True)
                row = json.loads(out.stdout.strip().splitlines()[-1])
                print(json.dumps(row), flush=True)
                rows.append(row)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
