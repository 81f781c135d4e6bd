"""Round cpufast16 of issue 13 (figures in data/lexicons/README-framing.md, "round cpufast16"): CPU seconds
of the frame counts' candidate speed-ups over the 14 bench chunks, each alternative against the code as
it is, alternating in one process after ``engine.warm_up``, every answer compared with the current one.

    PYTHONPATH=src python benchmarks/cpufast16_probes.py [--passes 3]

* ``count``: the MFC frames' counted forms (``_re2count._count_buffer``, one google-re2 call per
  match, the texts the RE2::Set found each form in), against ``pyarrow.compute.count_substring_regex``
  per form and chunk (RE2 in C++, no Python step per match) and against texts cut before every barrier
  character (:func:`~analysis.framing._prefilter.barrier_chars`; a piece keeps the barrier as its
  guard), the Set asked per piece, each form counted only in the pieces that hold it;
* ``calls``: what 300k google-re2 ``Match`` calls cost on an 11-byte region (the Python step per match);
* ``sets``: the RE2::Set presence scans of frames and generic frames, each lexicon alone (as now) or both
  in one scan per text;
* ``subjects``: what frames and generic frames each compute from the chunk's texts before their RE2
  passes (:func:`~analysis.framing._re2count.subject` of every text, the joined UTF-8 buffer and its
  lower-cased twin): what sharing them between the two stages could save;
* ``indirect``: quotes' indirect speech (``quotes._indirect_matches`` over the sentences the framing stage
  hands it): the ``indirect`` regex's searches that find a match and those that find none (what an RE2
  check before them could save at most), the rest being the verb hits and the lead starts.

Writes nothing.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import time

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from run import load_bench_corpus  # noqa: E402

from analysis import engine  # noqa: E402
from analysis.framing import _re2count as rc  # noqa: E402
from analysis.framing._lexicon import compile_patterns, resolve  # noqa: E402
from analysis.framing._prefilter import barrier_chars, compiled_re2  # noqa: E402
from analysis.paths import shared_dir  # noqa: E402

frames_module = importlib.import_module("analysis.framing.frames")


def _forms(pattern_sets):
    compiled = [compile_patterns(tuple(p)) for p in pattern_sets]
    return [rc.exact_form(rx) for pair in compiled for rx in pair if rx is not None], compiled


def _counts(texts: list[str], forms) -> np.ndarray:
    buffer = rc._Buffer(texts)
    present = rc._presence(buffer, forms)
    return np.stack([rc._count_buffer(f.pattern, buffer, buffer.lowered if f.lowered else buffer.data, False, p)
                     for f, p in zip(forms, present)], axis=1)


def _timed(func, *args):
    started = time.process_time()
    out = func(*args)
    return time.process_time() - started, out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args(argv)
    articles = load_bench_corpus(shared_dir())
    engine.warm_up()
    chunks = [[t if isinstance(t, str) else "" for t in c["text"].tolist()] for c in engine.iter_chunks(articles, 200)]
    subjects = [[s for s in map(rc.subject, texts) if s is not None] for texts in chunks]

    lexicon = frames_module._mfc_lexicon(None)
    patterns = {f: tuple(spec.get("patterns", [])) for f, spec in (lexicon.get("frames") or {}).items()}
    frame_forms, compiled = _forms([patterns.get(f, ()) for f in frames_module.MFC_FRAMES])
    spec = resolve(None, "generic_frames.yml").get("frames") or {}
    items = [item for frame in frames_module.GENERIC_FRAMES for item in spec.get(frame, {}).get("items", [])]
    generic_forms, _ = _forms([item.get("patterns", []) for item in items])
    cut = re.compile("(?=[" + re.escape(barrier_chars([rx for pair in compiled for rx in pair])) + "])")

    def as_now():
        return [_counts(s, frame_forms) for s in subjects]

    def by_arrow():
        import pyarrow.compute as pc

        out = []
        for s in subjects:
            buffer = rc._Buffer(s)
            out.append(np.stack([pc.count_substring_regex(buffer.arrow(f.lowered), f.pattern)
                                 .to_numpy(zero_copy_only=False).astype(np.int64) for f in frame_forms], axis=1))
        return out

    def by_pieces():
        out = []
        for s in subjects:
            pieces, owner = [], []
            for k, text in enumerate(s):
                parts = cut.split(text)
                pieces.extend(parts)
                owner.extend([k] * len(parts))
            summed = np.zeros((len(s), len(frame_forms)), dtype=np.int64)
            np.add.at(summed, np.asarray(owner), _counts(pieces, frame_forms))
            out.append(summed)
        return out

    def presence(forms):
        return [rc._presence(buffer, forms) for buffer in buffers]

    def prepared():
        for texts in chunks:
            buffer = rc._Buffer([s for s in map(rc.subject, texts) if s is not None])
            buffer.lowered  # noqa: B018 (built on first use)

    buffers = [rc._Buffer(s) for s in subjects]
    rx = compiled_re2(r"(?s:.)*?(?:[^\w\-]abc\b)")
    match, anchored, region = rx.Match, type(rx).Anchor.ANCHOR_START, b" hello abc world"

    def calls():
        for _ in range(300_000):
            match(anchored, region, 0, 11)

    quotes_module = importlib.import_module("analysis.framing.quotes")
    cue_sentences: list[str] = []
    own = quotes_module._indirect_matches

    def recorded(stext, pats):
        cue_sentences.append(stext)
        return own(stext, pats)

    quotes_module._indirect_matches = recorded
    try:
        for chunk in engine.iter_chunks(articles, 200):
            engine.process_articles(chunk, stages=("sentences", "entities", "framing"))
    finally:
        quotes_module._indirect_matches = own
    pats = quotes_module._patterns()

    def searches():
        # _indirect_matches' own steps, its searches timed apart: those that find a match, those that do not
        rx, finder = pats["indirect"], quotes_module._lead_finder()
        found = missed = 0.0
        for stext in cue_sentences:
            first, stop, encoded = len(stext), 0, None
            for hit in pats["spaced_verb"].finditer(stext):
                if quotes_module._SPACE.search(hit.group(), 1):
                    first, stop = 0, len(stext) + 1
                    break
                stop = hit.end()
                if first:
                    encoded = stext.encode("ascii") if encoded is None and stext.isascii() else encoded
                    first = min(first, quotes_module._lead_start(finder, stext, hit.start() + 1, encoded))
            while first < stop:
                started = time.process_time()
                m = rx.search(stext, first)
                if m is None:
                    missed += time.process_time() - started
                    break
                found += time.process_time() - started
                first = m.end()
        return found, missed

    for n in range(args.passes):
        (now_s, now), (arrow_s, arrow), (pieces_s, cut_counts) = (
            _timed(as_now), _timed(by_arrow), _timed(by_pieces))
        same = all(np.array_equal(a, b) and np.array_equal(a, c) for a, b, c in zip(now, arrow, cut_counts))
        print(f"pass {n}: count: as now {now_s:.3f}, arrow {arrow_s:.3f}, pieces {pieces_s:.3f} CPU s (same: {same})")
        print(f"  calls: 300k Match calls {_timed(calls)[0]:.3f} CPU s")
        (f_s, f_p), (g_s, g_p), (u_s, u_p) = (_timed(presence, frame_forms), _timed(presence, generic_forms),
                                              _timed(presence, frame_forms + generic_forms))
        same = all(all((a is None and b is None) or np.array_equal(a, b) for a, b in zip(p + q, u))
                   for p, q, u in zip(f_p, g_p, u_p))
        print(f"  sets: frames {f_s:.3f} + generic {g_s:.3f} = {f_s + g_s:.3f} vs one scan {u_s:.3f} CPU s "
              f"(same: {same})")
        print(f"  subjects: subject + buffer + lowered, once per stage {_timed(prepared)[0]:.3f} CPU s")
        all_s = _timed(lambda: [own(stext, pats) for stext in cue_sentences])[0]
        found, missed = searches()
        print(f"  indirect: {len(cue_sentences):,} sentences, _indirect_matches {all_s:.3f} CPU s; the searches that "
              f"find a match {found:.3f}, those that find none {missed:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
