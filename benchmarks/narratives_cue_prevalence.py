"""Round 18 (issue 11): where the narrative cue lexicon fires, per source whose stance is not in doubt.

For the official statements of ../shared/corpus (Kremlin, Ukrainian presidency, US government), the GDELT news
articles by country and the seed article, the share of articles the training-free lexicon
(``narratives(method="lexicon")``) assigns each narrative, and the cues behind the assignments (top cues per
source and narrative, with one evidence sentence each). Writes nothing unless ``--out`` is given (CSV of the
prevalence table); run it with ``PYTHONPATH`` pointing at the code to measure, old and new.

    PYTHONPATH=src python benchmarks/narratives_cue_prevalence.py [--out /tmp/prev.csv] [--cues 5]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def corpora(shared: Path) -> pd.DataFrame:
    """article_id, source, text of every official statement, GDELT article and the seed."""
    off = pd.read_csv(shared / "corpus" / "official_statements.csv")
    off = off.assign(source=off["outlet_group"].str.replace("_state", "").str.replace("us_government", "us"),
                     article_id=off["doc_id"].astype(str))
    parts = [off[["article_id", "source", "text"]]]
    news = sorted((shared / "corpus" / "news_gdelt" / "articles").glob("*.txt"))
    parts.append(pd.DataFrame({"article_id": [p.stem for p in news],
                               "source": ["news_" + p.stem.split("_")[1] for p in news],
                               "text": [p.read_text(encoding="utf-8", errors="replace") for p in news]}))
    seed = Path(__file__).resolve().parents[1] / "data" / "raw"
    parts.append(pd.DataFrame({"article_id": [p.stem for p in sorted(seed.glob("*.txt"))], "source": "seed",
                               "text": [p.read_text(encoding="utf-8") for p in sorted(seed.glob("*.txt"))]}))
    out = pd.concat(parts, ignore_index=True)
    out = out[out["text"].fillna("").str.len().between(1, 100_000)]
    return out.assign(lang="en").reset_index(drop=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--cues", type=int, default=5, help="top cues shown per source and narrative")
    ap.add_argument("--sources", nargs="*", default=["ukraine", "us", "russia", "seed"])
    args = ap.parse_args(argv)
    if not (args.shared / "corpus").is_dir():
        print(f"no corpus under {args.shared}", file=sys.stderr)
        return 2
    from analysis.narratives import _Doc, narratives

    arts = corpora(args.shared)
    res = narratives(arts, method="lexicon", evidence=0).assign(source=arts["source"].to_numpy())
    rows = []
    for src, g in res.groupby("source"):
        labels = Counter(x for s in g["narratives"] for x in s.split("|"))
        for name, n in sorted(labels.items()):
            rows.append((src, name, n, len(g), round(n / len(g), 4)))
    table = pd.DataFrame(rows, columns=["source", "narrative", "n", "n_articles", "share"])
    wide = table.pivot(index="narrative", columns="source", values="share").fillna(0).round(3)
    with pd.option_context("display.width", 250, "display.max_columns", 30, "display.max_colwidth", 60):
        print(wide)
    if args.out:
        table.to_csv(args.out, index=False)
    # the cues behind each assignment, for the sources whose stance is known
    for src in args.sources:
        sub = arts[arts["source"] == src]
        got = res[res["source"] == src]
        per: dict = {}
        for text, labs in zip(sub["text"], got["narratives"]):
            doc = _Doc(text, "en")
            for c in labs.split("|"):
                if c == "Other":
                    continue
                for k, cue in doc.hits[c]:
                    s, e = doc.sents[k]
                    per.setdefault(c, Counter())[cue] += 1
                    per.setdefault((c, cue), doc.text[s:e].strip().replace("\n", " ")[:160])
        print(f"\n== {src}: top cues of the assigned narratives")
        for c in sorted(k for k in per if isinstance(k, str)):
            top = per[c].most_common(args.cues)
            print(f"  {c}: " + ", ".join(f"{q!r} {n}" for q, n in top))
            for q, _ in top[:2]:
                print(f"      [{q}] {per[(c, q)]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
