"""The same-work stages' CPU (issue 13, round samework18); writes nothing.

    PYTHONPATH=src python benchmarks/samework18_probes.py pairs --base DIR --new DIR [--pairs N]
    PYTHONPATH=src python benchmarks/samework18_probes.py split [--passes N]

``pairs``: the same-work run of ``benchmarks/cpu_ratios.py`` (``engine.run`` of sentences, tokens and
sentiment over the bench corpus, chunks of 200, the first run after :func:`analysis.engine.warm_up`)
in a fresh process per run, alternating two source trees (``DIR/src``: e.g. a worktree of main and
one of a branch), base first. Per run: CPU seconds (user + system), user and system apart, minor page
faults, and the stages' CPU; then the mean and median of each tree and of the paired differences.
System time follows the page faults only loosely on a loaded machine (the same code: 0.2-1.7 s).

``split``: a candidate :func:`analysis.wordsplit.split_texts` that cuts the words out of the joined
texts' UTF-8 bytes with numpy and hands Arrow those bytes (no Python string per word, only per
distinct word; ``str.split`` itself where white space beyond ASCII or a lone surrogate is met),
against ``split_texts`` on the sentence texts of the bench chunks: the same answer is checked, then
``--passes`` passes of each alternate in this process (``time.process_time``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from itertools import repeat
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: Run in a fresh process with PYTHONPATH at a tree's src: one same-work run, its figures as JSON.
_ONE_RUN = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from run import load_bench_corpus
from analysis import engine
from analysis.paths import shared_dir
articles = load_bench_corpus(shared_dir())
engine.warm_up()
time.perf_counter = time.process_time  # the stages' clock in CPU seconds, as cpu_ratios.py
clock = {}
before, started = resource.getrusage(resource.RUSAGE_SELF), time.process_time()
engine.run(articles, stages=("sentences", "tokens", "sentiment"), chunk_size=200, timings=clock)
cpu, after = time.process_time() - started, resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu": cpu, "user": after.ru_utime - before.ru_utime, "sys": after.ru_stime - before.ru_stime,
                  "faults": after.ru_minflt - before.ru_minflt, **clock}))
"""


def pairs(base: Path, new: Path, n: int) -> None:
    runs: dict[str, list[dict]] = {"base": [], "new": []}
    for i in range(n):
        for side, tree in (("base", base), ("new", new)):
            env = dict(os.environ, PYTHONPATH=str(tree / "src"))
            load = os.getloadavg()[0]
            out = subprocess.run([sys.executable, "-c", _ONE_RUN, str(HERE)], env=env, cwd=tree,
                                 capture_output=True, text=True, check=True).stdout
            runs[side].append(json.loads(out.splitlines()[-1]))
            print(f"{i + 1} {side} load {load:.1f}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                                              for k, v in runs[side][-1].items()), flush=True)
    for key in runs["base"][0]:
        old, now = [r[key] for r in runs["base"]], [r[key] for r in runs["new"]]
        diff = [b - a for a, b in zip(old, now)]
        print(f"{key}: base mean {statistics.mean(old):.3f} median {statistics.median(old):.3f}; new mean "
              f"{statistics.mean(now):.3f} median {statistics.median(now):.3f}; new - base mean "
              f"{statistics.mean(diff):.3f} median {statistics.median(diff):.3f}")


def split_from_bytes(texts: list):
    """The candidate: :func:`analysis.wordsplit.split_texts` with the words cut out of UTF-8 bytes."""
    import numpy as np
    import pyarrow as pa

    from analysis import wordsplit as ws

    is_text = np.fromiter(map(isinstance, texts, repeat(str)), dtype=bool, count=len(texts))
    strings = texts if is_text.all() else [t if ok else "" for t, ok in zip(texts, is_text.tolist())]
    joined = "\n".join(strings)
    units = ws.code_points(joined)
    space = ws._space_table()[units] if units.dtype == np.uint16 else \
        ws._space_table()[np.minimum(units, 0xFFFF)] & (units <= 0xFFFF)
    try:
        data = np.frombuffer(joined.encode("utf-8"), dtype=np.uint8)
    except UnicodeError:  # lone surrogates
        return ws.split_texts(texts)
    ascii_space = np.array([i < 128 and chr(i).isspace() for i in range(256)], dtype=bool)
    byte_space = space if len(data) == len(space) else ascii_space[data]
    if np.count_nonzero(byte_space) != np.count_nonzero(space):  # white space beyond ASCII
        return ws.split_texts(texts)
    bounds = np.flatnonzero(byte_space[1:] != byte_space[:-1]) + 1
    bounds = np.r_[0, bounds] if len(byte_space) and not byte_space[0] else bounds
    bounds = np.r_[bounds, len(byte_space)] if len(bounds) % 2 else bounds
    if not len(bounds):
        return ws.split_texts(texts)
    length = bounds[1::2] - bounds[0::2]
    offsets = np.zeros(len(length) + 1, dtype=np.int64)
    np.cumsum(length, out=offsets[1:])
    array = pa.Array.from_buffers(pa.large_string(), len(length),
                                  [None, pa.py_buffer(offsets), pa.py_buffer(data[~byte_space])])
    encoded = array.dictionary_encode()
    text_start = np.zeros(len(strings), dtype=np.int64)
    if len(strings) > 1:
        np.cumsum(np.fromiter(map(len, strings[:-1]), dtype=np.int64, count=len(strings) - 1) + 1, out=text_start[1:])
    word_start = ws.split_starts(units)
    row = np.searchsorted(text_start, word_start, side="right") - 1
    return ws.SplitTexts(tokens=encoded.dictionary.to_pylist(), codes=encoded.indices.to_numpy().astype(np.int64),
                         row=row, is_text=is_text, start=word_start - text_start[row])


def split(passes: int) -> None:
    sys.path.insert(0, str(HERE))
    from run import load_bench_corpus

    from analysis import engine
    from analysis.paths import shared_dir
    from analysis.text import sentences
    from analysis.wordsplit import split_texts

    chunks = [sentences(c)["text"].tolist() for c in engine.iter_chunks(load_bench_corpus(shared_dir()), 200)]
    for texts in chunks:
        old, new = split_texts(texts), split_from_bytes(texts)
        assert old.tokens == new.tokens and all(
            (getattr(old, f) == getattr(new, f)).all() and getattr(old, f).dtype == getattr(new, f).dtype
            for f in ("codes", "row", "is_text", "start"))
    print(f"same splits of {len(chunks)} chunks ({sum(map(len, chunks)):,} sentences)")
    for p in range(passes):
        line = []
        for name, func in (("split_texts", split_texts), ("from bytes", split_from_bytes)):
            started = time.process_time()
            for texts in chunks:
                func(texts)
            line.append(f"{name} {time.process_time() - started:.3f}")
        print(f"pass {p + 1}: " + ", ".join(line) + " CPU s", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("probe", choices=("pairs", "split"))
    parser.add_argument("--base", type=Path, help="pairs: the base tree (with src/)")
    parser.add_argument("--new", type=Path, help="pairs: the new tree (with src/)")
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--passes", type=int, default=4)
    args = parser.parse_args(argv)
    if args.probe == "pairs":
        if args.base is None or args.new is None:
            parser.error("pairs needs --base and --new")
        pairs(args.base.resolve(), args.new.resolve(), args.pairs)
    else:
        split(args.passes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
