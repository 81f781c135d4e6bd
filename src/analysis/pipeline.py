"""Cached pipeline steps for notebooks: articles -> sentences -> tokens.

Intermediates are written to ``data/processed/`` (or ``ANALYSIS_CACHE``) as
parquet, keyed by a hash of the input content *and* of the source code of the
step that produced them, so a second run on an unchanged corpus reads the
cache and any code change recomputes. Raw data is never written to.

Example
-------
>>> import pandas as pd, tempfile
>>> from analysis import pipeline
>>> arts = pd.DataFrame({"article_id": ["a"], "text": ["Kyiv said so. Moscow denied it."]})
>>> cache = tempfile.mkdtemp()
>>> pipeline.sentence_table(arts, cache_dir=cache)["text"].tolist()
['Kyiv said so.', 'Moscow denied it.']
>>> pipeline.sentence_table(arts, cache_dir=cache).attrs["cache"]
'hit'
"""

from __future__ import annotations

import hashlib
import inspect
import os
import sys
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import text as text_module
from analysis.paths import processed_dir, raw_dir

__all__ = ["Analysis", "analyse", "cached", "code_version", "content_key", "corpus_label", "load_articles",
           "sentence_table", "token_table"]


@lru_cache(maxsize=None)
def _text_version() -> str:
    """Code version of the text layer: analysis.text and the ru/uk modules it calls."""
    return hashlib.sha1("".join(code_version(m) for m in _TEXT_MODULES).encode()).hexdigest()[:12]


_TEXT_MODULES = ("analysis.text", "analysis.cyrillic", "analysis.lang", "analysis.morph")


def code_version(module_name: str) -> str:
    """Short hash of a module's source: part of every cache key."""
    module = sys.modules.get(module_name) or __import__(module_name, fromlist=["_"])
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):  # frozen or compiled: fall back to the package version
        from analysis import __version__

        source = __version__
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


def content_key(frame: pd.DataFrame, columns: Iterable[str]) -> str:
    """Stable hash of the given columns' values (order-sensitive)."""
    digest = hashlib.sha1()
    for column in columns:
        digest.update(column.encode())
        for value in frame[column].tolist():
            digest.update(b"\x1f" + str(value).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def _files_key(paths: Iterable[Path]) -> str:
    digest = hashlib.sha1()
    for path in sorted(paths):
        digest.update(str(path).encode())
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def cached(
    name: str,
    key: str,
    compute: Callable[[], pd.DataFrame],
    *,
    cache_dir: str | os.PathLike | None = None,
    enabled: bool = True,
) -> pd.DataFrame:
    """Return ``compute()``, reading/writing ``<cache_dir>/<name>-<key>.parquet``.

    The returned frame's ``attrs["cache"]`` says ``"hit"``, ``"miss"`` or ``"off"``.
    """
    if not enabled:
        frame = compute()
        frame.attrs["cache"] = "off"
        return frame
    folder = Path(cache_dir) if cache_dir is not None else processed_dir()
    path = folder / f"{name}-{key}.parquet"
    if path.exists():
        try:
            frame = pd.read_parquet(path)
            frame.attrs["cache"] = "hit"
            return frame
        except Exception:  # a truncated file from an interrupted run: recompute
            path.unlink(missing_ok=True)
    frame = compute()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)
    frame.attrs["cache"] = "miss"
    return frame


def load_articles(corpus: str | os.PathLike | Iterable[str | os.PathLike] | None = None, **options) -> pd.DataFrame:
    """Load a corpus with :func:`analysis.corpus.load_corpus` (default: ``data/raw``).

    Loading is not cached: it is fast, and its rejects and warnings
    (``attrs["rejects"]``, ``attrs["warnings"]``) must be reported on every run.
    """
    from analysis.corpus import load_corpus

    return load_corpus(corpus if corpus is not None else raw_dir(), **options)


def sentence_table(articles: pd.DataFrame, *, cache: bool = True,
                   cache_dir: str | os.PathLike | None = None, **options) -> pd.DataFrame:
    """:func:`analysis.text.sentences`, cached by article content and code version."""
    key = "-".join([content_key(articles, ["article_id", "text"] + (["lang"] if "lang" in articles.columns else [])),
                    _text_version(), hashlib.sha1(repr(sorted(options.items())).encode()).hexdigest()[:6]])
    return cached("sentences", key, lambda: text_module.sentences(articles, **options),
                  cache_dir=cache_dir, enabled=cache)


def token_table(sentences: pd.DataFrame, *, cache: bool = True,
                cache_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """:func:`analysis.text.tokens` of a sentence table, cached likewise."""
    key = "-".join([content_key(sentences, ["article_id", "sentence_id", "start", "text"]
                                + (["lang"] if "lang" in sentences.columns else [])),
                    _text_version()])
    return cached("tokens", key, lambda: text_module.tokens(sentences), cache_dir=cache_dir, enabled=cache)


def corpus_label(corpus: str | os.PathLike | Iterable[str | os.PathLike] | None) -> str:
    """A short human label for a corpus location, for source lines on charts.

    >>> corpus_label("/home/me/project/data/raw")
    'data/raw'
    """
    if corpus is None:
        return "data/raw"
    if not isinstance(corpus, (str, os.PathLike)):
        items = [Path(p) for p in corpus]
        return ", ".join(p.name for p in items[:3]) + (f" (+{len(items) - 3} more)" if len(items) > 3 else "")
    path = Path(corpus)
    parts = path.resolve().parts if path.is_absolute() or path.exists() else path.parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else str(path)


class Analysis:
    """Tables of one pipeline run stored as partitioned parquet (see :func:`analyse`).

    Read only what a chart needs: ``analysis.table("article_summary")`` or
    ``analysis.table("mentions", columns=["article_id", "entity_id"])``. On a
    large corpus never load ``tokens`` whole — aggregate per part with
    :meth:`aggregate`.
    """

    def __init__(self, folder: Path, cache: str):
        self.folder, self.cache = Path(folder), cache

    @property
    def tables(self) -> list[str]:
        return sorted(p.name for p in self.folder.iterdir() if p.is_dir())

    def table(self, name: str, *, columns: list[str] | None = None) -> pd.DataFrame:
        from analysis.engine import read_table

        return read_table(self.folder, name, columns=columns)

    def aggregate(self, name: str, func: Callable[[pd.DataFrame], pd.DataFrame], *,
                  columns: list[str] | None = None) -> pd.DataFrame:
        """``func`` applied part by part and concatenated: memory bounded by one part."""
        parts = sorted((self.folder / name).glob("part-*.parquet"))
        return pd.concat([func(pd.read_parquet(p, columns=columns)) for p in parts], ignore_index=True)

    def __repr__(self) -> str:
        return f"Analysis({str(self.folder)!r}, tables={self.tables}, cache={self.cache!r})"


def analyse(articles: pd.DataFrame, *, stages: Iterable[str] | None = None, n_jobs: int = 1,
            chunk_size: int = 200, cache: bool = True, cache_dir: str | os.PathLike | None = None,
            progress: bool = False) -> Analysis:
    """Run :mod:`analysis.engine` over ``articles`` once and keep every table as parquet.

    The folder is keyed by the articles' content and the source of every module
    in the pipeline, so a rerun on an unchanged corpus reads the stored tables.
    """
    import shutil

    from analysis import engine

    stages = tuple(stages) if stages is not None else engine.STAGES
    modules = ["analysis.text", "analysis.entities", "analysis.sentiment", "analysis.targeted",
               "analysis.framing.labels", "analysis.framing.quotes", "analysis.framing.agency",
               "analysis.framing.frames", "analysis.engine", "analysis.cyrillic", "analysis.lang",
               "analysis.morph", "analysis.entities_cyr"]
    key = "-".join([content_key(articles, ["article_id", "text"]),
                    hashlib.sha1("".join(code_version(m) for m in modules).encode()).hexdigest()[:12],
                    hashlib.sha1(",".join(stages).encode()).hexdigest()[:6]])
    base = Path(cache_dir) if cache_dir is not None else processed_dir()
    folder = base / f"analysis-{key}"
    done = folder / "_SUCCESS"
    if cache and done.exists():
        return Analysis(folder, "hit")
    if folder.exists():
        shutil.rmtree(folder)
    engine.run_to_parquet(articles, folder, stages=stages, n_jobs=n_jobs, chunk_size=chunk_size, progress=progress)
    done.touch()
    return Analysis(folder, "miss" if cache else "off")
