"""Speed of entity roles and narratives on one core: mentions/s and articles/s.

    python benchmarks/roles_speed.py [CORPUS] [--limit N] [--roles-model PATH] [--narratives-model PATH]

CORPUS defaults to ../shared/corpus/news_gdelt/articles. Every gazetteer mention
(analysis.entities.mentions) of the first N articles is cast; imports and the
lexicons are warmed up on one article first, so the figures are steady-state
throughput. Prints one JSON line: each rate on the wall clock and, under
``cpu_rates``, per second of this process's CPU time (``time.process_time``),
which stays comparable when other jobs share the cores.
"""

from __future__ import annotations

import argparse
import json
import time

from analysis import narratives as nar
from analysis import roles
from analysis.corpus import load_corpus
from analysis.entities import mentions
from analysis.paths import shared_dir
from analysis.text import sentences


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(shared_dir() / "corpus" / "news_gdelt" / "articles"))
    ap.add_argument("--limit", type=int, default=100)
    ap.add_argument("--roles-model", default=None)
    ap.add_argument("--narratives-model", default=None)
    args = ap.parse_args()
    arts = load_corpus(args.corpus).head(args.limit).reset_index(drop=True)
    sents = sentences(arts)
    ments = mentions(sents)
    ments = ments[ments["method"] != "discovered"].reset_index(drop=True)
    roles.predict_roles(ments.head(5), arts, method="rules")  # warm-up: imports, lexicons
    nar.narratives(arts.head(1), method="lexicon")
    out = {"articles": len(arts), "mentions": len(ments)}
    cpu: dict = {}
    # weights are read once, outside the timed runs (steady-state throughput)
    rmodel = roles.load_role_model(args.roles_model) if args.roles_model else None
    nmodel = nar.load_narrative_model(args.narratives_model) if args.narratives_model else None
    t, c = time.perf_counter(), time.process_time()
    roles.predict_roles(ments, arts, method="rules")
    out["roles_rules_mentions_per_s"] = round(len(ments) / (time.perf_counter() - t), 1)
    cpu["roles_rules_mentions_per_s"] = round(len(ments) / max(time.process_time() - c, 1e-9), 1)
    if args.roles_model:
        t, c = time.perf_counter(), time.process_time()
        roles.predict_roles(ments, arts, method="model", model=rmodel)
        out["roles_model_mentions_per_s"] = round(len(ments) / (time.perf_counter() - t), 1)
        cpu["roles_model_mentions_per_s"] = round(len(ments) / max(time.process_time() - c, 1e-9), 1)
    t, c = time.perf_counter(), time.process_time()
    nar.narratives(arts, method="lexicon")
    out["narratives_lexicon_articles_per_s"] = round(len(arts) / (time.perf_counter() - t), 1)
    cpu["narratives_lexicon_articles_per_s"] = round(len(arts) / max(time.process_time() - c, 1e-9), 1)
    if args.narratives_model:
        t, c = time.perf_counter(), time.process_time()
        nar.narratives(arts, method="model", model=nmodel)
        out["narratives_model_articles_per_s"] = round(len(arts) / (time.perf_counter() - t), 1)
        cpu["narratives_model_articles_per_s"] = round(len(arts) / max(time.process_time() - c, 1e-9), 1)
    out["cpu_rates"] = cpu
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
