"""Round-16 experiments of issue 11 (figures in data/lexicons/README-sentiment.md, "Sixteenth round"): the
training-free target rules (:func:`analysis.sentiment.target._score_rules`) with general-purpose lexicons filling the
gaps of the rules' lexicon (VADER + ``sentiment_war_news.csv`` + ``sentiment_news_targets.csv``), and one
construction (a conditional before the target).

    PYTHONPATH=src python benchmarks/target_rules_round16.py --afinn AFINN-en-165.txt --pattern en-sentiment.xml \
        [variants [SPEC ...] | coverage | oracle | bootstrap SPEC | check SPEC -- EVALUATE-ARGS ...]

The lexicon files are not in the project (nor in the venv): ``pip download --no-deps -d /tmp/lex afinn textblob``
and unpack them; AFINN-165 is ``afinn/data/AFINN-en-165.txt`` of the ``afinn`` 0.1 sdist (ODbL 1.0, the package's
code GPL), pattern's lexicon ``textblob/en/en-sentiment.xml`` of the ``textblob`` wheel (PDDL; textblob MIT).

A SPEC is ``SOURCE[:key=value...]``. Sources: ``afinn`` (-5..5), ``pattern`` (-1..1, the mean over a form's
part-of-speech means of its senses' polarities, as textblob reads it), ``both`` (AFINN, and pattern where AFINN has
no entry), ``consensus`` (AFINN words that pattern scores with the same sign), ``prefix`` (un-/in-/im-/dis- + a
positive word of the rules' lexicon, -0.74 x its valence: VADER's negation factor; ``pre=un`` for un- only), and
``cond`` (no lexicon change: the rule score x ``w`` when if / whether / unless stands before the target, in its
clause / within 6 tokens / anywhere: ``scope=clause|6|sentence``). Keys: ``mult`` (scale to VADER's -4..4; default
0.8 for AFINN, 4 for pattern: the ends of the scales), ``w`` (weight, default 1), ``min`` (least |raw score|),
``subj`` (pattern: least mean subjectivity), ``sign`` (``+`` or ``-``: one side only). Only words missing from the
rules' lexicon are added (single alphabetic words, not VADER boosters or negators); negation and boosters then
apply to them as to any lexicon word.

* ``variants``: macro-F1 of the rules on NewsMTSC train and dev_mt, and the predictions changed, per SPEC (default:
  the round's list); ``coverage``: targets with no lexicon valence within 8 tokens (and in the whole sentence), how
  many of them a source reaches, and their gold labels; ``oracle``: macro-F1 if every target without a lexicon word
  within 8 tokens / in the sentence were right (what no gap filling can beat on those targets); ``bootstrap``: paired
  bootstrap of the macro-F1 difference against the default rules (300 resamples of the targets, seed 0);
  ``check``: ``python -m analysis.evaluate EVALUATE-ARGS`` with the SPEC's lexicon in force for every rule set that
  reads the war-news + news lexicon (the default rules and the document rules), e.g. ``check afinn --
  doc-sentiment ../shared/eval/persent/dev.csv --cv 5 --repeats 5``.

Writes nothing. dev_rw (held-out) is never read here.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from analysis.paths import shared_dir
from analysis.sentiment import target as T
from analysis.sentiment.target_parse import iter_parsed
from analysis.targeted import read_newsmtsc

BASE = T._lexicon_key("war-news", T.DEFAULT_RULES)  # "war-news+news"
SPLITS = ("train", "dev_mt")
ROUND = ["afinn", "afinn:mult=0.768", "afinn:w=0.5", "afinn:mult=0.768:w=0.5", "afinn:min=2", "afinn:min=3",
         "afinn:sign=-", "afinn:sign=+"]
ROUND += [f"pattern:subj={s}:min={m}:w={w}" for s in (0, 0.5) for m in (0, 0.3, 0.5) for w in (1, 0.5)]
ROUND += [f"pattern:subj={s}:min={m}:mult=3.18" for s in (0, 0.5) for m in (0, 0.3, 0.5)]
ROUND += ["both:subj=0.5:min=0.5", "consensus", "prefix:pre=un", "prefix"]
ROUND += [f"cond:scope={s}:w={w}" for s in ("clause", "6", "sentence") for w in (0, 0.5)]
_CONDITIONAL = frozenset({"if", "whether", "unless"})


def read_afinn(path: Path) -> dict[str, float]:
    rows = (line.rstrip("\n").rsplit("\t", 1) for line in path.open(encoding="utf-8") if line.strip())
    return {w.lower(): float(s) for w, s in rows if " " not in w}


def read_pattern(path: Path, subj: float = 0.0) -> dict[str, float]:
    pol: dict = defaultdict(lambda: defaultdict(list))
    sub: dict = defaultdict(lambda: defaultdict(list))
    for el in ET.parse(path).getroot():
        form, pos = el.attrib.get("form", "").lower(), el.attrib.get("pos", "")
        if form and " " not in form:
            pol[form][pos].append(float(el.attrib.get("polarity", 0.0)))
            sub[form][pos].append(float(el.attrib.get("subjectivity", 0.0)))
    out = {}
    for form, by_pos in pol.items():
        p = float(np.mean([np.mean(v) for v in by_pos.values()]))
        if p and np.mean([np.mean(v) for v in sub[form].values()]) >= subj:
            out[form] = p
    return out


def gaps(raw: dict[str, float]) -> dict[str, float]:
    """The entries of ``raw`` the rules' lexicon lacks (single alphabetic words, no booster or negator)."""
    lex, boost = T._lex(BASE), T._booster()
    return {w: v for w, v in raw.items() if w not in lex and w not in boost and not T.is_negator(w) and w.isalpha()}


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    source, *pairs = spec.split(":")
    return source, dict(pair.split("=", 1) for pair in pairs)


class Lexicons:
    """The added words of each SPEC, registered under their own lexicon key (so the parse caches keep apart)."""

    def __init__(self, afinn: Path | None, pattern: Path | None):
        self.afinn, self.pattern = afinn, pattern
        self.extra: dict[str, dict[str, float]] = {}
        self.current = BASE
        lex, phrases, key = T._lex, T._phrases, T._lexicon_key
        T._lex = lambda k="war-news": self.extra[k] if k in self.extra else lex(k)
        T._phrases = lambda k="war-news": phrases(k.split("|")[0])
        T._lexicon_key = lambda lexicon, params: self.current if key(lexicon, params) == BASE else key(lexicon, params)

    def additions(self, spec: str) -> dict[str, float]:
        source, opt = parse_spec(spec)
        subj, least = float(opt.get("subj", 0)), float(opt.get("min", 0))
        if source == "prefix":
            return self._prefixed(tuple(opt.get("pre", "un,in,im,dis").split(",")))
        afinn = gaps(read_afinn(self.afinn)) if source in ("afinn", "both", "consensus") else {}
        pattern = gaps(read_pattern(self.pattern, subj)) if source in ("pattern", "both", "consensus") else {}
        a_mult, p_mult = float(opt.get("mult", 0.8)), float(opt.get("mult", 4.0))
        if source == "consensus":
            return {w: v * a_mult for w, v in afinn.items() if w in pattern and (pattern[w] > 0) == (v > 0)}
        added = {w: v * p_mult for w, v in pattern.items() if abs(v) >= least and w not in afinn}
        added.update({w: v * a_mult for w, v in afinn.items() if abs(v) >= least or source == "both"})
        sign = opt.get("sign")
        w = float(opt.get("w", 1))
        return {k: v * w for k, v in added.items() if sign is None or (v > 0) == (sign == "+")}

    def _prefixed(self, prefixes: tuple[str, ...]) -> dict[str, float]:
        lex, words = T._lex(BASE), Counter()
        for split in SPLITS:
            for parsed in iter_parsed(list(dict.fromkeys(data(split)["text"])), BASE):
                words.update(parsed.lows)
        out = {}
        for w in words:
            for pre in prefixes:
                rest = w[len(pre):]
                if w not in lex and w.isalpha() and w.startswith(pre) and len(rest) >= 3 and lex.get(rest, 0) > 0:
                    out[w] = T.N_SCALAR * lex[rest]  # N_SCALAR is -0.74
        return out

    def key(self, spec: str | None) -> str:
        if spec is None or parse_spec(spec)[0] == "cond":
            return BASE
        key = f"{BASE}|{spec}"
        if key not in self.extra:
            self.extra[key] = {**T._lex(BASE), **self.additions(spec)}
        return key


_DATA: dict = {}


def data(split: str):
    if split not in _DATA:
        _DATA[split] = read_newsmtsc(shared_dir() / "eval" / "newsmtsc" / f"{split}.jsonl")
    return _DATA[split]


def rule_polarity(lexicons: Lexicons, split: str, spec: str | None = None) -> np.ndarray:
    frame = data(split)
    lexicons.current = lexicons.key(spec)
    cond = parse_spec(spec)[1] if spec and parse_spec(spec)[0] == "cond" else None
    analyse = T._analyse_parsed
    if cond is not None:
        T._analyse_parsed = _conditional(analyse, float(cond.get("w", 0)), cond.get("scope", "clause"))
    try:
        pols, _ = T._score_rules(frame["text"].tolist(), frame["from"].tolist(), frame["to"].tolist(),
                                 params=T.DEFAULT_RULES, lexicon="war-news")
    finally:
        T._analyse_parsed, lexicons.current = analyse, BASE
    return np.asarray(pols)


def _conditional(analyse, weight: float, scope: str):
    def scored(parsed, start, end, params=T.DEFAULT_RULES, *, full=False):
        score = analyse(parsed, start, end, params, full=full)
        ts, _ = T._target_range(parsed, start, end)
        lo = max(0, ts - 6) if scope == "6" else 0
        if not full and ts < len(parsed.lows) and any(
                parsed.lows[k] in _CONDITIONAL and (scope != "clause" or parsed.clause[k] == parsed.clause[ts])
                for k in range(lo, ts)):
            return score * weight
        return score
    return scored


def macro(gold: np.ndarray, pred: np.ndarray) -> float:
    return float(f1_score(gold, pred, labels=[-1, 0, 1], average="macro"))


def no_word_near(split: str, key: str, window: int) -> np.ndarray:
    """Whether each target has no lexicon valence within ``window`` tokens (its own tokens included)."""
    frame = data(split)
    texts = list(dict.fromkeys(frame["text"]))
    parses = dict(zip(texts, iter_parsed(texts, key)))
    out = []
    for text, a, b in zip(frame["text"], frame["from"], frame["to"]):
        parsed = parses[text]
        ts, te = T._target_range(parsed, int(a), int(b))
        out.append(not any(parsed.val[max(0, ts - window):te + window]))
    return np.array(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--afinn", type=Path, help="AFINN-en-165.txt")
    parser.add_argument("--pattern", type=Path, help="pattern's en-sentiment.xml")
    parser.add_argument("command", nargs="?", default="variants",
                        choices=["variants", "coverage", "oracle", "bootstrap", "check"])
    parser.add_argument("specs", nargs="*")
    args, rest = parser.parse_known_args(argv)
    lexicons = Lexicons(args.afinn, args.pattern)
    base = {split: rule_polarity(lexicons, split) for split in SPLITS}
    gold = {split: data(split)["polarity"].to_numpy() for split in SPLITS}
    print("default rules: " + " | ".join(f"{s} {macro(gold[s], base[s]):.4f}" for s in SPLITS))
    if args.command == "variants":
        for spec in args.specs or ROUND:
            cells = []
            for split in SPLITS:
                pred = rule_polarity(lexicons, split, spec)
                cells.append(f"{split} {macro(gold[split], pred):.4f} (changed {int((pred != base[split]).sum())})")
            print(f"{spec:34s} words {len(lexicons.extra.get(lexicons.key(spec), T._lex(BASE))) - len(T._lex(BASE)):4d}"
                  f" | " + " | ".join(cells), flush=True)
    elif args.command == "coverage":
        for spec in args.specs or ["afinn", "pattern", "pattern:subj=0.5:min=0.5", "both"]:
            for split in SPLITS:
                for window in (8, 10_000):
                    none = no_word_near(split, BASE, window)
                    reached = none & ~no_word_near(split, lexicons.key(spec), window)
                    labels = Counter(gold[split][reached].tolist())
                    print(f"{spec} {split} window {window}: {len(none)} targets, {int(none.sum())} without a word, "
                          f"{int(reached.sum())} reached (gold -1/0/+1 {labels[-1]}/{labels[0]}/{labels[1]})")
    elif args.command == "oracle":
        for split in SPLITS:
            for window in (8, 10_000):
                none = no_word_near(split, BASE, window)
                pred = np.where(none, gold[split], base[split])
                print(f"{split} window {window}: {int(none.sum())} targets without a lexicon word "
                      f"({int((gold[split][none] != 0).sum())} not neutral); oracle on them {macro(gold[split], pred):.4f}")
    elif args.command == "bootstrap":
        rng = np.random.default_rng(0)
        for split in SPLITS:
            new, g, old = rule_polarity(lexicons, split, args.specs[0]), gold[split], base[split]
            diffs = []
            for _ in range(300):
                i = rng.integers(0, len(g), len(g))
                diffs.append(macro(g[i], new[i]) - macro(g[i], old[i]))
            d, changed = np.array(diffs), new != old
            print(f"{split}: mean {d.mean():+.4f}, 5-95% {np.percentile(d, 5):+.4f} .. {np.percentile(d, 95):+.4f}, "
                  f"{int((d <= 0).sum())} of 300 at or below 0; changed {int(changed.sum())}, fixed "
                  f"{int((changed & (new == g)).sum())}, broken {int((changed & (old == g)).sum())}")
    else:
        from analysis.evaluate import main as evaluate

        lexicons.current = lexicons.key(args.specs[0])
        return evaluate([a for a in rest if a != "--"] + args.specs[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
