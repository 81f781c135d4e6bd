"""Every table of ``engine.run`` with one code version, stored for an exact old-vs-new comparison (issue 13).

Run it once per version (``PYTHONPATH`` pointing at each ``src``), then compare::

    PYTHONPATH=<old src> python benchmarks/arrow_pool_exact.py dump /tmp/old
    PYTHONPATH=src python benchmarks/arrow_pool_exact.py dump /tmp/new
    PYTHONPATH=src python benchmarks/arrow_pool_exact.py compare /tmp/old /tmp/new

``stream`` instead of ``dump`` stores what ``engine.run_to_parquet`` wrote (every table read back, and the rows it
returns per part) on 1 and 2 processes, each corpus as a DataFrame and the bench corpus also as a parquet file;
chunks of 200 articles, an eighth of a corpus of fewer than 1,000 (so that 2 processes share its chunks); the corpora
named after the folder (``stream /tmp/old ru_uk mixed``), all without.
``dump DIR N``: ``engine.run(..., n_jobs=N)`` (a warmed parent forking its workers) instead of a serial run;
``dump DIR stream``: each corpus written as parquet and streamed by ``engine.run_to_parquet(n_jobs=2)``, its
tables read back.

Corpora: the bench corpus (``run.py``'s ``load_bench_corpus``), the 142 Russian articles of
``../shared/corpus/ru_uk/articles``, the hostile corpus (``tests/hostile_corpus.py``, loaded) and the
mixed corpus (``tests/mixed_corpus.py`` with the seed article); stages ``engine.STAGES`` and
``engine.REPORT_STAGES``. ``compare`` checks every table with ``assert_frame_equal(check_exact=True)``.
"""

from __future__ import annotations

import pickle
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests")]


def corpora() -> dict[str, pd.DataFrame]:
    from ru_speed import _articles
    from run import load_bench_corpus

    import hostile_corpus
    from analysis.corpus import load_corpus
    from analysis.paths import shared_dir
    from mixed_corpus import write_mixed_corpus

    shared = shared_dir()
    found = {"bench": load_bench_corpus(shared),
             "ru_uk": _articles(shared / "corpus" / "ru_uk" / "articles", None)}
    with tempfile.TemporaryDirectory() as tmp:
        hostile_corpus.build(Path(tmp) / "hostile")
        found["hostile"] = load_corpus(Path(tmp) / "hostile")
        found["mixed"] = load_corpus(write_mixed_corpus(Path(tmp) / "mixed", ROOT / "data" / "raw"
                                                        / "000_a45935899aae0239.txt"))
    return found


def streamed(articles: pd.DataFrame, stages) -> dict[str, pd.DataFrame]:
    """The tables of ``articles`` stored as parquet and streamed on 2 processes (run_to_parquet), read back."""
    from analysis import engine

    with tempfile.TemporaryDirectory() as tmp:
        # the columns a parquet corpus is read for (engine.article_columns, which older code lacks)
        articles[[c for c in ("article_id", "text", "lang", "title") if c in articles.columns]].to_parquet(
            Path(tmp) / "corpus.parquet", index=False)
        engine.run_to_parquet(Path(tmp) / "corpus.parquet", Path(tmp) / "out", stages=stages, n_jobs=2)
        names = [p.name for p in sorted((Path(tmp) / "out").iterdir())]
        return {name: engine.read_table(Path(tmp) / "out", name) for name in names}


def dump(out: Path, n_jobs: int | str = 1) -> None:
    from analysis import engine

    out.mkdir(parents=True, exist_ok=True)
    for name, articles in corpora().items():
        for label, stages in (("stages", engine.STAGES), ("report_stages", engine.REPORT_STAGES)):
            tables = (streamed(articles, stages) if n_jobs == "stream"
                      else engine.run(articles, stages=stages, n_jobs=int(n_jobs)))
            (out / f"{name}-{label}.pkl").write_bytes(pickle.dumps(tables))
            print(name, label, len(articles), "articles,", {k: len(v) for k, v in tables.items()}, flush=True)


def stream(out: Path, *names: str) -> None:
    from analysis import engine

    out.mkdir(parents=True, exist_ok=True)
    for name, articles in corpora().items():
        if names and name not in names:
            continue
        chunk_size = 200 if len(articles) >= 1000 else max(2, len(articles) // 8)
        with tempfile.TemporaryDirectory() as tmp:
            sources = {"frame": articles}
            if name == "bench":
                sources["parquet"] = Path(tmp) / "corpus.parquet"
                articles.to_parquet(sources["parquet"], index=False)
            for label, stages in (("stages", engine.STAGES), ("report_stages", engine.REPORT_STAGES)):
                for kind, source in sources.items():
                    for n_jobs in (1, 2):
                        if name == "bench" and (label, n_jobs, kind) == ("report_stages", 1, "parquet"):
                            continue  # the slowest run, and the frame on 1 process covers it
                        folder = Path(tmp) / f"{label}-{kind}-{n_jobs}"
                        parts = engine.run_to_parquet(source, folder, stages=stages, n_jobs=n_jobs, chunk_size=chunk_size)
                        tables = {t: engine.read_table(folder, t) for t in sorted(p.name for p in folder.iterdir())}
                        tables["parts"] = parts
                        key = f"{name}-{label}-{kind}-{n_jobs}"
                        (out / f"{key}.pkl").write_bytes(pickle.dumps(tables))
                        print(key, len(articles), "articles,", len(parts), "parts", flush=True)


def compare(old: Path, new: Path) -> int:
    checked = 0
    for path in sorted(old.glob("*.pkl")):
        left, right = pickle.loads(path.read_bytes()), pickle.loads((new / path.name).read_bytes())
        assert sorted(left) == sorted(right), path.name
        for table in left:
            pd.testing.assert_frame_equal(left[table], right[table], check_exact=True, obj=f"{path.stem}/{table}")
            checked += 1
        print(path.stem, "identical:", len(left), "tables,", sum(len(t) for t in left.values()), "rows")
    print(f"{checked} tables identical")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "dump":
        dump(Path(sys.argv[2]), *sys.argv[3:4])
    elif sys.argv[1] == "stream":
        stream(Path(sys.argv[2]), *sys.argv[3:])
    else:
        sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
