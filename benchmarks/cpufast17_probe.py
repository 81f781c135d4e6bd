"""Where name discovery's CPU goes on the bench chunks (issue 13, round cpufast17); writes nothing.

    PYTHONPATH=src python benchmarks/cpufast17_probe.py [--passes N] [--quotes]

The bench corpus (``../shared/corpus`` official statements + news_gdelt, as ``run.py`` loads it) is
split into sentences per chunk of 200 articles, then after :func:`analysis.engine.warm_up`:

* ``mentions()`` over the chunks, pass after pass (the first pass reads words the word caches have
  not seen yet), with the CPU seconds of ``discovery_words`` and of ``_discover_fast`` alone;
* the ``_discover_fast`` calls of one pass replayed (collector off, as ``mentions()`` runs it), whole
  and with parts of it answered by a stub: what is left when the typing of the capitalised
  sequences, their scan or the merge with the gazetteer names costs nothing;
* what the calls return: a name, nothing after a sequence was typed, nothing with no sequence
  typed at all, nothing at once (two capitalised stop words: a title-case headline); and how many
  calls repeat a sentence (with the same gazetteer spans) already read in that chunk;
* ``--quotes``: ``quotes()`` over the chunks, with the CPU seconds of ``_Context._read_names`` and
  of ``_resolve`` (which includes the reads it asks for).

Every time is ``time.process_time`` of this process.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

CLOCK = time.process_time


def chunk_sentences(chunk_size: int = 200) -> list:
    from run import load_bench_corpus

    from analysis import engine
    from analysis.paths import shared_dir

    articles = load_bench_corpus(shared_dir())
    return [engine.process_articles(chunk, stages=("sentences",))["sentences"]
            for chunk in engine.iter_chunks(articles, chunk_size)]


def clocked(module, name: str, totals: Counter, label: str | None = None):
    """Replace ``module.name`` by the same function adding its CPU seconds to ``totals``; returns
    the function to put back."""
    func = getattr(module, name)

    def timed(*args):
        started = CLOCK()
        try:
            return func(*args)
        finally:
            totals[label or name] += CLOCK() - started

    setattr(module, name, timed)
    return func


def mentions_passes(chunks: list, passes: int) -> list[Counter]:
    from analysis.entities import matching

    out = []
    for _ in range(passes):
        totals: Counter = Counter()
        kept = [clocked(matching, name, totals) for name in ("discovery_words", "_discover_fast")]
        started = CLOCK()
        for sents in chunks:
            matching.mentions(sents)
        totals["mentions"] = CLOCK() - started
        matching.discovery_words, matching._discover_fast = kept
        out.append(totals)
    return out


def captured_calls(chunks: list) -> list[tuple]:
    """The ``_discover_fast`` calls of one pass: (chunk, text, words read, spans, the article's
    lower-case vocabulary, kept alive so that no two articles share an id)."""
    from analysis.entities import matching

    calls: list[tuple] = []
    func = matching._discover_fast

    def record(text, reported, spans, vocab):
        calls.append((text, reported, spans, vocab))
        return func(text, reported, spans, vocab)

    matching._discover_fast = record
    for chunk_no, sents in enumerate(chunks):
        first = len(calls)
        matching.mentions(sents)
        calls[first:] = [(chunk_no, *call) for call in calls[first:]]
    matching._discover_fast = func
    return calls


def replay(calls: list[tuple]) -> float:
    from analysis.entities import discovery
    from analysis.entities.matching import _LowerVocab

    fresh = {}  # a new vocabulary per article and replay: its answers are memoised as it is asked
    gc.collect()
    gc.disable()
    started = CLOCK()
    for _, text, reported, spans, vocab in calls:
        own = fresh.get(id(vocab))
        if own is None:
            own = fresh[id(vocab)] = _LowerVocab(vocab.texts)
        discovery._discover_fast(text, reported, spans, own)
    seconds = CLOCK() - started
    gc.enable()
    return seconds


#: parts of ``_discover_fast`` answered by a stub, cumulatively, in this order
STUBS = (("cue words", "_cue_type", lambda *a: "UNKNOWN"), ("plain typing", "_type_plain", lambda *a: []),
         ("typing", "_type_sequence", lambda *a: []), ("scan", "_scan_units", lambda *a: []),
         ("merge", "_merge_units", lambda words, spans, sent: words))


def replay_breakdown(calls: list[tuple], passes: int) -> dict[str, list[float]]:
    from analysis.entities import discovery

    replay(calls)  # the word caches warm
    times: dict[str, list[float]] = {"whole": []}
    for _ in range(passes):
        times["whole"].append(replay(calls))
        kept = []
        for label, name, stub in STUBS:
            kept.append((name, getattr(discovery, name)))
            setattr(discovery, name, stub)
            times.setdefault("without " + label, []).append(replay(calls))
        for name, func in kept:
            setattr(discovery, name, func)
    return times


def outcomes(calls: list[tuple]) -> Counter:
    from analysis.entities import discovery
    from analysis.entities.matching import _LowerVocab

    typed: list = []
    func = discovery._type_sequence

    def counting(*args):
        typed.append(1)
        return func(*args)

    discovery._type_sequence = counting
    kinds: Counter = Counter()
    seen: set = set()
    for chunk_no, text, reported, spans, vocab in calls:
        typed.clear()
        found = discovery._discover_fast(text, reported, spans, _LowerVocab(vocab.texts))
        if reported and reported[2] >= 2:
            kinds["nothing at once (capitalised stop words)"] += 1
        elif found:
            kinds["a name"] += 1
        else:
            kinds["nothing, a sequence typed" if typed else "nothing, no sequence typed"] += 1
        key = (chunk_no, text, tuple(spans))
        kinds["repeats a sentence of its chunk"] += key in seen
        seen.add(key)
    discovery._type_sequence = func
    return kinds


def quotes_passes(chunks: list, passes: int) -> list[Counter]:
    from analysis import framing
    from analysis.entities import mentions

    quotes = importlib.import_module("analysis.framing.quotes")
    found = [mentions(sents) for sents in chunks]
    out = []
    for _ in range(passes):
        totals: Counter = Counter()
        kept = [clocked(quotes._Context, "_read_names", totals), clocked(quotes, "_resolve", totals)]
        started = CLOCK()
        for sents, ments in zip(chunks, found):
            framing.quotes(sents, mentions=ments, rebuilt=framing.RebuiltArticles(sents))
        totals["quotes"] = CLOCK() - started
        quotes._Context._read_names, quotes._resolve = kept
        out.append(totals)
    return out


def _line(totals: Counter) -> str:
    return ", ".join(f"{k} {v:.3f}" for k, v in totals.items())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--quotes", action="store_true", help="also time quotes' name reading")
    args = parser.parse_args(argv)
    from analysis import engine

    chunks = chunk_sentences()
    engine.warm_up()
    for i, totals in enumerate(mentions_passes(chunks, args.passes)):
        print(f"mentions pass {i + 1} (CPU s): {_line(totals)}")
    calls = captured_calls(chunks)
    print(f"_discover_fast calls per pass: {len(calls):,}")
    for label, times in replay_breakdown(calls, args.passes).items():
        print(f"replay {label}: " + " ".join(f"{t:.3f}" for t in times) + f" (median {statistics.median(times):.3f})")
    for kind, count in outcomes(calls).items():
        print(f"calls, {kind}: {count:,}")
    if args.quotes:
        for i, totals in enumerate(quotes_passes(chunks, args.passes)):
            print(f"quotes pass {i + 1} (CPU s): {_line(totals)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
