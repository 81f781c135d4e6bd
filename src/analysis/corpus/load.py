"""The loader: walk the inputs, read every file, turn its records into article rows, attach the
ledgers (see :mod:`analysis.corpus` for the schema and the accounting contract).
"""

from __future__ import annotations

import hashlib
import re
import warnings as warnings_module
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import formats as _formats  # Media Cloud / GDELT exports, RSS/Atom feeds
from analysis.corpus.cleaning import _clean_title, _join, _paragraphs, _strip_boilerplate, clean_text
from analysis.corpus.dates import _parse_date_column, _safe_utc, _to_utc, _url_date
from analysis.corpus.duplicates import _id_column, duplicate_id_warnings, find_duplicates
from analysis.corpus.language import _CYR_LETTER, _CYRILLIC_LANGS, _LAT_LETTER, _normalise_lang
from analysis.corpus.ledger import _ledger_json, rejects_of
from analysis.corpus.manifest import _apply_manifest, _err_text, _filename_meta, _read_manifest, _Spec
from analysis.corpus.readers import (
    _decode,
    _first_line,
    _read_bytes,
    _read_csv,
    _read_excel,
    _read_html,
    _read_json,
    _read_jsonl,
    _read_parquet,
    _Reject,
    _split_title,
    _txt_candidate,
)
from analysis.corpus.schema import _EXTRA_PREFIX, _SKIP_NAMES, ARTICLE_COLUMNS, MANIFEST_NAMES, SUPPORTED_EXTENSIONS

# --------------------------------------------------------------------------------------------
# The loader
# --------------------------------------------------------------------------------------------

@dataclass
class _Source:
    path: Path
    rel: str
    spec: _Spec
    meta: dict[str, str]
    folder_outlet: str | None = None


#: Folder names too generic to name an outlet (see ``load_corpus(outlet=)``).
GENERIC_FOLDERS = frozenset({"articles", "article", "raw", "data", "texts", "text", "txt", "html",
                             "docs", "documents", "corpus", "input", "inputs", "files", "downloads",
                             "tmp", "temp", "news", "items"})


def _folder_outlet(folders: Sequence[str]) -> str | None:
    """Nearest enclosing folder whose name is not generic (``news_gdelt/articles`` -> news_gdelt)."""
    for name in reversed(folders):
        if name and name.lower() not in GENERIC_FOLDERS and not name.startswith("."):
            return name
    return None


def _blank_to_none(v: Any) -> Any:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    v = str(v).strip()
    return v or None


def _outside_link(path: Path, root: Path) -> str | None:
    """Why a symbolic link under ``root`` is not followed, or None for an ordinary file or a
    link that stays inside the corpus folder."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken symbolic link (its target does not exist); not followed"
    if not target.is_relative_to(root):
        return (f"symbolic link to {target}, outside the corpus folder; not followed (copy the "
                "file into the folder, or load that path explicitly)")
    if not target.is_file():
        return "symbolic link to a folder; not followed (its files are read where they are)"
    return None


def _folder_manifest(path: Path, notes: list[tuple[str, str]], rel: str) -> list[dict[str, Any]]:
    """A manifest found in a folder; a broken one is reported and ignored, never fatal."""
    try:
        return _read_manifest(path)
    except Exception as err:  # noqa: BLE001 - YAML bombs, bad CSV, wrong structure
        notes.append((rel, f"manifest ignored: {_err_text(err)}"))
        return []


def _unique_rel(rel: str, used: set[str], prefix: str, full: Path) -> str:
    """``source_file`` names stay unique when two loaded folders hold the same relative path."""
    for candidate in (rel, f"{prefix}/{rel}", full.as_posix()):
        if candidate not in used:
            used.add(candidate)
            return candidate
    n = 2
    while f"{full.as_posix()}#{n}" in used:
        n += 1
    used.add(f"{full.as_posix()}#{n}")
    return f"{full.as_posix()}#{n}"


def _walk(inputs: Sequence[Path], *, manifest: Path | None, base: _Spec,
          pattern: re.Pattern[str] | None
          ) -> tuple[list[_Source], list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """Files to read, files passed over, files refused (links leaving the corpus: ``(rel,
    reason)``) and notes about manifests that could not be used."""
    sources: list[_Source] = []
    skipped: list[str] = []
    refused: list[tuple[str, str]] = []
    notes: list[tuple[str, str]] = []
    seen: set[Path] = set()
    used: set[str] = set()
    explicit = _read_manifest(manifest) if manifest is not None else []
    for item in inputs:
        if not item.exists():
            raise FileNotFoundError(f"corpus path not found: {item}")
        if item.is_dir():
            root = item.resolve()
            files = sorted((p for p in item.rglob("*") if p.is_file() or p.is_symlink()),
                           key=lambda p: p.relative_to(item).as_posix())
            manifests: dict[Path, list] = {}
            for p in files:
                if p.name.lower() in MANIFEST_NAMES and not p.is_symlink():
                    manifests[p.parent] = _folder_manifest(p, notes, p.relative_to(item).as_posix())
            for p in files:
                rel_parts = p.relative_to(item).parts
                rel = p.relative_to(item).as_posix()
                if any(part.startswith(".") for part in rel_parts):
                    continue  # hidden files and folders
                if p.name.lower() in MANIFEST_NAMES or _SKIP_NAMES.match(p.name) \
                        or p.name.startswith("~$"):
                    skipped.append(rel)
                    continue
                link = _outside_link(p, root)
                if link is not None:
                    refused.append((_unique_rel(rel, used, item.name, p), link))
                    continue
                if not p.is_file():
                    skipped.append(rel)
                    continue
                rp = p.resolve()
                if rp in seen:
                    continue
                seen.add(rp)
                rel = _unique_rel(rel, used, item.name, p)
                spec = base
                for folder in [item, *[item.joinpath(*rel_parts[:k]) for k in range(1, len(rel_parts))]]:
                    if folder in manifests:
                        spec = _apply_manifest(spec, manifests[folder], p.relative_to(folder).as_posix())
                if explicit:
                    spec = _apply_manifest(spec, explicit, rel)
                sources.append(_Source(p, rel, spec, _filename_meta(p, pattern),
                                       _folder_outlet([item.resolve().name, *rel_parts[:-1]])))
        else:
            rp = item.resolve()
            if rp in seen:
                continue
            seen.add(rp)
            spec = base
            sibling = [item.parent / n for n in MANIFEST_NAMES if (item.parent / n).exists()]
            if sibling and manifest is None:
                spec = _apply_manifest(spec, _folder_manifest(sibling[0], notes, sibling[0].name),
                                       item.name)
            if explicit:
                spec = _apply_manifest(spec, explicit, item.name)
            sources.append(_Source(item, _unique_rel(item.name, used, item.parent.name, item), spec,
                                   _filename_meta(item, pattern),
                                   _folder_outlet([item.resolve().parent.name])))
    return sources, skipped, refused, notes


def _read_txt_group(group: list[_Source], max_chars: int, warnings: list, rejects: list,
                    files: list) -> list[dict[str, Any]]:
    """Read .txt files of one folder; the folder's title convention is decided by vote."""
    docs = []
    for src in group:
        try:
            data = _read_bytes(src.path)
            if not data.strip():
                raise _Reject("empty file" if not data else "file holds only whitespace")
            text, enc, notes = _decode(data)
        except _Reject as rej:
            rejects.append((src.rel, None, rej.reason, 1))
            files.append((src.rel, "txt", None, 1, 0, 1))
            continue
        if enc not in ("utf-8", "utf-8-sig"):
            warnings.append((src.rel, 1, "encoding", enc, f"not plain UTF-8; decoded as {enc}"))
        warnings.extend((src.rel, 1, "encoding", enc, note) for note in notes)
        if len(text) > max_chars:
            rejects.append((src.rel, 1, f"article has {len(text):,} characters, more than "
                            f"max_chars={max_chars:,}; pass a larger max_chars= to keep it", 1))
            files.append((src.rel, "txt", enc, 1, 0, 1))
            continue
        paras = _paragraphs(text)
        docs.append((src, enc, paras))
    candidates = [_txt_candidate(p) for s, _, p in docs if "_gdelt" not in s.meta]
    folder_titles = None
    if len(candidates) >= 3:
        folder_titles = sum(candidates) / len(candidates) >= 0.5
    out = []
    for src, enc, paras in docs:
        mode = src.spec.title_line
        if mode == "auto":
            if "_gdelt" in src.meta:
                mode = "none"
            elif folder_titles is not None:
                mode = "first" if folder_titles else "none"
            else:
                mode = "first" if _txt_candidate(paras, strict=True) else "none"
        elif mode not in ("first", "none"):
            raise ValueError(f"title_line must be 'auto', 'first' or 'none', not {mode!r}")
        title, body = _split_title(paras, mode)
        out.append({"src": src, "encoding": enc, "format": "txt",
                    "rows": [{"title": title, "text": _join(_strip_boilerplate(body)),
                              "source_row": 1, "text_source": "body",
                              "_clean": True, "_raw_text": _join(paras)[:200]}],
                    "rows_read": 1, "rejects": [], "warnings": []})
    return out


def _read_sources(sources: list[_Source], max_chars: int
                  ) -> tuple[list[pd.DataFrame], list, list, list]:
    """Read every file; return per-file row frames (with metadata) and the ledgers."""
    rejects: list[tuple] = []   # (source_file, source_row, reason, n_rows)
    warnings: list[tuple] = []  # (source_file, source_row, field, value, message)
    files: list[tuple] = []     # (source_file, format, encoding, rows_read, loaded, rejected)
    results: list[dict[str, Any]] = []
    txt_groups: dict[Path, list[_Source]] = defaultdict(list)
    order = {id(s): k for k, s in enumerate(sources)}
    for src in sources:
        ext = src.path.suffix.lower()
        if ext == ".txt":
            txt_groups[src.path.parent].append(src)
            continue
        try:
            if ext not in SUPPORTED_EXTENSIONS:
                raise _Reject(f"unsupported file type {ext or '(no extension)'!r}; supported: "
                              f"{', '.join(SUPPORTED_EXTENSIONS)}")
            if src.path.stat().st_size == 0:
                raise _Reject("empty file")
            if ext in (".csv", ".tsv"):
                raws = [("", _read_csv(src.path, src.spec, "\t" if ext == ".tsv" else None))]
            elif ext == ".xlsx":
                raws = _read_excel(src.path, src.spec)
            elif ext == ".parquet":
                raws = [("", _read_parquet(src.path, src.spec))]
            elif ext == ".json":
                raws = [("", _read_json(src.path, src.spec))]
            elif ext == ".jsonl":
                raws = [("", _read_jsonl(src.path, src.spec))]
            elif ext in _formats.FEED_EXTENSIONS:
                raws = [("", _formats.read_feed_raw(src.path, src.spec))]
            else:
                raws = [("", _read_html(src.path, src.spec))]
        except _Reject as rej:
            rejects.append((src.rel, None, rej.reason, rej.n_rows))
            files.append((src.rel, ext.lstrip(".") or "?", None, rej.n_rows, 0, rej.n_rows))
            continue
        except (OSError, MemoryError) as err:
            rejects.append((src.rel, None, f"cannot read file: {_err_text(err)}", 1))
            files.append((src.rel, ext.lstrip("."), None, 1, 0, 1))
            continue
        except Exception as err:  # noqa: BLE001 - one hostile file must not take the corpus down
            rejects.append((src.rel, None, f"cannot read file ({type(err).__name__}: "
                            f"{_err_text(err)}); please report it as a loader bug", 1))
            files.append((src.rel, ext.lstrip("."), None, 1, 0, 1))
            continue
        for suffix, raw in raws:
            rel = src.rel + suffix
            if raw.encoding not in ("utf-8", "utf-8-sig", "binary"):
                warnings.append((rel, None, "encoding", raw.encoding,
                                 f"not plain UTF-8; decoded as {raw.encoding}"))
            results.append({"src": src, "rel": rel, "encoding": raw.encoding, "format": raw.fmt,
                            "rows": raw.rows, "rows_read": raw.rows_read,
                            "rejects": raw.rejects, "warnings": raw.warnings,
                            "_order": order[id(src)]})
    for group in txt_groups.values():
        for res in _read_txt_group(group, max_chars, warnings, rejects, files):
            res["rel"] = res["src"].rel
            res["_order"] = order[id(res["src"])]
            results.append(res)
    results.sort(key=lambda r: (r["_order"], r["rel"]))
    return results, rejects, warnings, files


_ROW_FIELDS = ("title", "text", "url", "date", "outlet", "lang", "country", "licence",
               "source_row", "text_source", "_clean", "_raw_text")
_RECORD_KEYS = ("title", "text", "url", "date", "outlet", "lang", "country", "licence",
                "source_row", "text_source", "title_flag", "source_file", "encoding", "_file_date",
                "_has_date", "_folder_outlet", "_given_lang", "_dayfirst")


def _finish_file(res: dict[str, Any], max_chars: int, rejects: list, warnings: list,
                 files: list) -> tuple[list[dict[str, Any]], pd.DataFrame | None]:
    """Clean one file's rows, reject the unusable ones, fill per-file metadata -> records,
    plus the loaded rows' extra (unmapped) source columns, or None when the file has none."""
    src: _Source = res["src"]
    rel = res["rel"]
    rows: pd.DataFrame | list[dict[str, Any]] = res["rows"]  # a list of records for .txt files
    for row, reason, n in res["rejects"]:
        rejects.append((rel, row, reason, n))
    for row, fld, value, message in res["warnings"]:
        warnings.append((rel, row, fld, value, message))
    n_rejected = sum(n for _, _, n in res["rejects"])
    if rows is None or len(rows) == 0:
        files.append((rel, res["format"], res["encoding"], res["rows_read"], 0, n_rejected))
        return [], None
    if isinstance(rows, list):  # .txt: plain records, no DataFrame overhead per file
        names = list(rows[0])
        data = {c: [rec.get(c) for rec in rows] for c in names}
        extra_cols: list[str] = []
    else:
        names = list(rows.columns)
        extra_cols = [c for c in names if c.startswith(_EXTRA_PREFIX)]
        data = {c: rows[c].astype(object).tolist() for c in names
                if c in _ROW_FIELDS or c == "_text_col"}
    has_date = "date" in names
    text_col = data["_text_col"][0] if "_text_col" in data else "text"
    meta, spec = src.meta, src.spec
    tabular = res["format"] not in ("txt", "html")
    forced_outlet = spec.outlet_forced if "outlet" not in spec.mapping else None
    defaults = {
        "outlet": spec.outlet or meta.get("outlet") or (src.path.stem if tabular else None),
        "country": spec.country or meta.get("country"),
        "licence": spec.licence or meta.get("licence"),
    }
    default_lang = _normalise_lang(spec.lang) or _normalise_lang(meta.get("lang"))
    columns = [c for c in _ROW_FIELDS if c in data]
    out = []
    kept: list[int] = []
    for pos, values in enumerate(zip(*(data[c] for c in columns))):
        rec = dict(zip(columns, values))
        r = int(rec["source_row"])
        raw_text = rec.get("text")
        if isinstance(raw_text, str) and len(raw_text) > max_chars:  # before any cleaning work
            rejects.append((rel, r, f"article in row {r} has {len(raw_text):,} characters, more "
                            f"than max_chars={max_chars:,}; pass a larger max_chars= to keep it", 1))
            n_rejected += 1
            continue
        title, flag = _clean_title(rec.get("title"))
        if rec.get("text_source") == "title":
            text = title or ""
        elif rec.get("_clean"):
            text = rec["text"]
        else:
            text = clean_text(_blank_to_none(rec.get("text")))
        if not text or len(text) > max_chars:
            if text:
                reason = (f"article in row {r} has {len(text):,} characters, more than "
                          f"max_chars={max_chars:,}; pass a larger max_chars= to keep it")
            elif not tabular:
                reason = ("only site boilerplate, no article text (e.g. "
                          f"{_first_line(rec.get('_raw_text'))!r})" if rec.get("_raw_text")
                          else "no text left after cleaning (empty article)")
            else:
                reason = f"empty text in row {r} (column {text_col!r})"
            rejects.append((rel, r, reason, 1))
            n_rejected += 1
            continue
        given_lang = _normalise_lang(rec.get("lang")) or default_lang
        rec2 = {
            "title": title, "title_flag": flag, "text": text,
            "url": _blank_to_none(rec.get("url")), "date": rec.get("date"),
            "outlet": forced_outlet or _blank_to_none(rec.get("outlet")) or defaults["outlet"],
            "country": _blank_to_none(rec.get("country")) or defaults["country"],
            "licence": _blank_to_none(rec.get("licence")) or defaults["licence"],
            "lang": None, "_given_lang": given_lang, "source_row": r,
            "text_source": rec.get("text_source") or "body", "source_file": rel,
            "encoding": res["encoding"], "_file_date": meta.get("date"), "_has_date": has_date,
            "_folder_outlet": src.folder_outlet, "_dayfirst": spec.dayfirst,
        }
        out.append(rec2)
        kept.append(pos)
    files.append((rel, res["format"], res["encoding"], res["rows_read"], len(out), n_rejected))
    if not extra_cols or not out:
        return out, None
    extra = rows.iloc[kept][extra_cols] if len(kept) < len(rows) else rows[extra_cols]
    extra.columns = [c[len(_EXTRA_PREFIX):] for c in extra_cols]
    return out, extra.reset_index(drop=True)


def _finish_file_safely(res: dict[str, Any], max_chars: int, rejects: list, warnings: list,
                        files: list) -> tuple[list[dict[str, Any]], pd.DataFrame | None]:
    """:func:`_finish_file`, but an unexpected error rejects that file's rows instead of
    taking the whole corpus down."""
    marks = len(rejects), len(warnings), len(files)
    try:
        return _finish_file(res, max_chars, rejects, warnings, files)
    except Exception as err:  # noqa: BLE001
        del rejects[marks[0]:], warnings[marks[1]:], files[marks[2]:]
        n = int(res["rows_read"])
        rejects.append((res["rel"], None, f"cannot load the rows of this file ({type(err).__name__}: "
                        f"{_err_text(err)}); please report it as a loader bug", n))
        files.append((res["rel"], res["format"], res["encoding"], n, 0, n))
        return [], None


def _make_ids(frame: pd.DataFrame) -> list[str]:
    out = []
    for outlet, sf, sr, text in zip(frame["outlet"], frame["source_file"], frame["source_row"],
                                    frame["text"]):
        h = hashlib.sha1()
        h.update(f"{outlet}\x1f{sf}\x1f{sr}\x1f".encode())
        h.update(text.encode("utf-8", "surrogatepass"))
        out.append(h.hexdigest()[:16])
    seen: set[str] = set()
    for i, id_ in enumerate(out):  # ids are unique even if two rows share file, row and text
        k = 1
        while id_ in seen:
            k += 1
            id_ = hashlib.sha1(f"{out[i]}#{k}".encode()).hexdigest()[:16]
        seen.add(id_)
        out[i] = id_
    return out


def load_corpus_with_rejects(path_or_paths: str | Path | Iterable[str | Path], **options: Any
                             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Same as :func:`load_corpus`, returning ``(articles, rejects)``."""
    articles = load_corpus(path_or_paths, **options)
    return articles, rejects_of(articles)


def load_corpus(
    path_or_paths: str | Path | Iterable[str | Path],
    *,
    outlet: str | None = None,
    mapping: Mapping[str, str] | None = None,
    filename_pattern: str | re.Pattern[str] | None = None,
    reference_time: Any = None,
    manifest: str | Path | None = None,
    max_chars: int = 5_000_000,
    title_line: str = "auto",
    dayfirst: bool | None = None,
    lang: str | None = None,
    licence: str | None = None,
    near_duplicates: bool = True,
    near_threshold: float = 0.8,
    extra_columns: str | Sequence[str] = "keep",
) -> pd.DataFrame:
    """Load articles from files and folders into one DataFrame (schema: module docstring).

    Parameters
    ----------
    path_or_paths
        A file, a folder (read recursively in sorted order; hidden files, README/LICENSE files
        and the manifest are passed over) or a list of them.
    outlet
        Outlet for rows that name none (a column, the manifest or the file-name pattern win).
        Without it: the file's stem for tables (``kremlin_en.csv`` -> ``"kremlin_en"``), the
        URL's host for single articles, else ``"unknown"``.
    mapping
        ``{"text": "my_body", "title": "hed", "date": "when", ...}`` — explicit column names for
        the fields title, text, summary, url, date, outlet, lang, country, licence.
    filename_pattern
        Regex with named groups (``date``, ``country``, ``lang``, ``outlet``) searched in each file
        name without extension. ``GDELT_FILENAME`` is tried automatically.
    reference_time
        "Now" for relative dates ('12 hours ago', 'Yesterday'). Without it they become NaT with a
        warning (and the URL date, if any, is used) — the clock is never consulted.
    manifest
        A ``sources.yml``/``sources.csv`` naming per-file (glob) ``outlet``, ``mapping``,
        ``licence``, ``lang``, ``country``, ``title_line``. Manifests found in loaded folders are
        applied automatically (nearest folder wins, an explicit one last).
    max_chars
        Articles longer than this are rejected (a 50 MB "article" is a broken export).
    title_line
        For .txt files: ``"auto"`` (a repeated first line is always a title; otherwise a folder's
        files are judged together — a title when most open with one short headline-like line
        followed by a blank line; GDELT-named files are body-only), ``"first"`` or ``"none"``.
    dayfirst
        How to read numeric dates such as ``12/08/2024``: ``True`` day-first (12 August),
        ``False`` month-first (8 December). ``None`` (default): dotted dates (``12.08.2024``)
        day-first, slashed or dashed ones month-first, with a warning for every date both
        readings fit. A manifest's ``dayfirst:`` key sets it per file.
    lang, licence
        Defaults for rows that name none. Without ``lang`` the script decides (:func:`detect_lang`).
    near_duplicates, near_threshold
        Flag near-duplicates (word 5-gram Jaccard >= threshold, MinHash LSH); see
        :func:`find_duplicates`.
    extra_columns
        What happens to the source columns no schema field uses (``outlet_group``, ``doc_id``,
        ``keyword``, ...): ``"keep"`` (default) appends them after ``ARTICLE_COLUMNS`` in the
        order first met; ``"drop"`` leaves them out; a list keeps just those, in that order
        (a listed column no file has comes out empty, with a ``UserWarning``). Values are
        as the source gives them; see "Extra columns" in the module docstring.

    Returns
    -------
    pandas.DataFrame
        Columns ``ARTICLE_COLUMNS``, then the extra columns. ``attrs`` carries the ledgers as
        JSON text — read them with :func:`rejects_of`, :func:`warnings_of`, :func:`files_of` or
        :func:`accounting` — and
        ``attrs["skipped"]``, the files a folder walk passed over.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "news.csv").write_text("headline,body,date\\nA,Kyiv was shelled.,February 23, 2022\\n"
    ...                                 "B,,2022-02-24\\n".replace(",F", ',"F').replace("22\\nB", '22"\\nB'))
    >>> arts = load_corpus(d)
    >>> arts[["outlet", "title", "published"]].astype(str).values.tolist()
    [['news', 'A', '2022-02-23 00:00:00+00:00']]
    >>> rejects_of(arts)[["source_row", "reason"]].values.tolist()
    [[2, "empty text in row 2 (column 'body')"]]
    """
    inputs = [Path(path_or_paths)] if isinstance(path_or_paths, (str, Path)) else [Path(p) for p in path_or_paths]
    if not inputs:
        raise ValueError("no corpus path given")
    pattern = re.compile(filename_pattern) if isinstance(filename_pattern, str) else filename_pattern
    ref = _to_utc(reference_time) if reference_time is not None else None
    if title_line not in ("auto", "first", "none"):
        raise ValueError(f"title_line must be 'auto', 'first' or 'none', not {title_line!r}")
    extras_wanted = _check_extra_columns(extra_columns)
    if dayfirst not in (None, True, False):
        raise ValueError(f"dayfirst must be None, True or False, not {dayfirst!r}")
    base = _Spec(outlet=outlet, mapping=dict(mapping or {}), licence=licence, lang=lang,
                 title_line=title_line, dayfirst=dayfirst)
    manifest_path = Path(manifest) if manifest is not None else None
    if manifest_path is not None and not manifest_path.exists():
        raise FileNotFoundError(f"manifest not found: {manifest_path}")
    sources, skipped, refused, notes = _walk(inputs, manifest=manifest_path, base=base,
                                             pattern=pattern)

    results, rejects, warnings, files = _read_sources(sources, max_chars)
    for rel, reason in refused:
        rejects.append((rel, None, reason, 1))
        files.append((rel, "link", None, 1, 0, 1))
    warnings.extend((rel, None, "manifest", None, note) for rel, note in notes)
    records: list[dict[str, Any]] = []
    extra_parts: list[tuple[str, int, pd.DataFrame]] = []
    for res in results:
        recs, extra = _finish_file_safely(res, max_chars, rejects, warnings, files)
        if extra is not None:
            extra_parts.append((res["rel"], len(records), extra))
        records.extend(recs)
    # each copy of the texts goes once the next is built: the files' raw rows, the cleaned records,
    # then the frame (a corpus of 100,000 articles held all three at its load's peak)
    del results
    frame = pd.DataFrame({k: [rec[k] for rec in records] for k in _RECORD_KEYS}, dtype=object)
    del records
    frame = _finish_frame(frame, ref, warnings)
    if near_duplicates is not None:
        dups = find_duplicates(frame, near=near_duplicates, threshold=near_threshold)
        frame["duplicate_of"] = dups["duplicate_of"].astype("str")
        frame["duplicate_kind"] = dups["duplicate_kind"].astype("str")
    frame = frame[ARTICLE_COLUMNS]
    if extras_wanted is not None:
        extras = _extra_frame(extra_parts, len(frame), extras_wanted, warnings)
        if extras.shape[1]:
            frame = pd.concat([frame, extras], axis=1)
    warnings.extend(_own_id_warnings(frame, extra_parts))  # whatever extra_columns keeps

    frame.attrs["rejects"] = _ledger_json(rejects, "rejects")
    frame.attrs["warnings"] = _ledger_json(warnings, "warnings")
    frame.attrs["files"] = _ledger_json(files, "files")
    frame.attrs["skipped"] = list(skipped)
    return frame


def _check_extra_columns(extra_columns: str | Sequence[str]) -> list[str] | str | None:
    """``"keep"`` -> "keep", ``"drop"`` -> None, a list -> the list (validated)."""
    if isinstance(extra_columns, str):
        if extra_columns in ("keep", "drop"):
            return None if extra_columns == "drop" else "keep"
        raise ValueError(f"extra_columns must be 'keep', 'drop' or a list of column names, not "
                         f"{extra_columns!r} (for one column write [{extra_columns!r}])")
    names = [str(c) for c in extra_columns]
    if len(set(names)) != len(names):
        raise ValueError(f"extra_columns lists a column twice: {names}")
    return names


def _extra_name(name: str, taken: set[str]) -> str:
    """``name``, or ``src_<name>`` (``src_src_<name>`` ...) when that is a schema column."""
    while name in taken:
        name = "src_" + name
    return name


def _combine_extra(parts: list[tuple[int, pd.Series]], n: int) -> pd.Series:
    """One extra column from the files that have it, missing elsewhere. A dtype shared by every
    part is kept (integers/booleans become nullable when rows are missing); mixed parts stay
    ``object``, or ``str`` when every value present is a string."""
    index = pd.RangeIndex(n)
    series = [s.set_axis(pd.RangeIndex(start, start + len(s))) for start, s in parts]
    covered = sum(len(s) for s in series)
    dtypes = {str(s.dtype) for s in series}
    if len(dtypes) == 1 and series[0].dtype != object:
        out = pd.concat(series) if len(series) > 1 else series[0]
        if covered < n:
            if out.dtype.kind in "iu":
                out = out.astype(str(out.dtype).replace("int", "Int").replace("uInt", "UInt"))
            elif out.dtype.kind == "b":
                out = out.astype("boolean")
            out = out.reindex(index)
        return out
    values: list[Any] = [None] * n
    for s in series:
        values[s.index[0]:s.index[0] + len(s)] = s.astype(object).tolist()
    missing = [v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))
               for v in values]
    present = [v for v, m in zip(values, missing) if not m]
    kind = pd.api.types.infer_dtype(present, skipna=True) if present else "empty"
    if kind == "string":
        return pd.Series(values, index=index, dtype="str")
    dtype = {"integer": "Int64", "boolean": "boolean", "floating": "float64",
             "mixed-integer-float": "float64"}.get(kind)
    if dtype is not None:
        clean = [None if m else v for v, m in zip(values, missing)]
        try:
            return pd.Series(clean if dtype == "float64" else pd.array(clean, dtype=dtype),
                             index=index, dtype=dtype)
        except (OverflowError, TypeError, ValueError):  # a 30-digit integer: keep the objects
            pass
    return pd.Series(values, index=index, dtype=object)


def _extra_index(parts: list[tuple[str, int, pd.DataFrame]]
                 ) -> tuple[dict[str, list[tuple[int, pd.Series]]], dict[str, list[str]], dict[str, str]]:
    """The extra columns of all files: source name -> its (first row, values) parts, the files
    that have it, and the name it gets in the articles frame (``src_`` before a schema name)."""
    by_column: dict[str, list[tuple[int, pd.Series]]] = {}
    files_of_column: dict[str, list[str]] = defaultdict(list)
    for rel, start, extra in parts:
        for i, col in enumerate(extra.columns):
            by_column.setdefault(col, []).append((start, extra.iloc[:, i]))
            files_of_column[col].append(rel)
    taken = set(ARTICLE_COLUMNS) | set(by_column)
    names: dict[str, str] = {}
    for col in by_column:
        names[col] = _extra_name("src_" + col, taken) if col in ARTICLE_COLUMNS else col
        taken.add(names[col])
    return by_column, files_of_column, names


def _own_id_warnings(frame: pd.DataFrame, parts: list[tuple[str, int, pd.DataFrame]]) -> list[tuple]:
    """:func:`duplicate_id_warnings` for the user's own id column, read from the source's extra
    columns whether or not ``extra_columns`` keeps it (the loader's ``article_id`` is not one)."""
    by_column, _, names = _extra_index(parts)
    column = _id_column(names.values())
    if column is None:
        return []
    source = next(col for col, name in names.items() if name == column)
    checked = frame[["source_file", "source_row", "text"]].copy()
    checked[column] = _combine_extra(by_column[source], len(frame))
    return duplicate_id_warnings(checked)


def _extra_frame(parts: list[tuple[str, int, pd.DataFrame]], n: int, wanted: list[str] | str,
                 warnings: list) -> pd.DataFrame:
    """Assemble the extra columns of all files into one frame aligned with the articles."""
    by_column, files_of_column, names = _extra_index(parts)
    taken = set(ARTICLE_COLUMNS) | set(by_column) | set(names.values())
    if wanted == "keep":
        order = list(by_column)
    else:
        final = {v: k for k, v in names.items()}
        order = []
        for name in wanted:
            col = name if name in by_column else final.get(name)
            if col is None:
                warnings_module.warn(
                    f"extra_columns: no loaded file has an unused column {name!r} (columns used "
                    f"for schema fields are not repeated); it is left empty. Extra columns found: "
                    f"{list(by_column) or 'none'}", UserWarning, stacklevel=3)
                order.append(name)
                names[name] = _extra_name("src_" + name, taken) if name in ARTICLE_COLUMNS else name
            else:
                order.append(col)
    out = {}
    for col in order:
        if col in by_column:
            out[names[col]] = _combine_extra(by_column[col], n)
            if names[col] != col:
                for rel in files_of_column[col]:
                    warnings.append((rel, None, "extra_columns", col,
                                     f"source column {col!r} is not used for the {col!r} field and "
                                     f"shares its name with it; kept as {names[col]!r}"))
        else:
            out[names[col]] = pd.Series([None] * n, index=pd.RangeIndex(n), dtype="str")
    return pd.DataFrame(out, index=pd.RangeIndex(n))


def _file_name_date(value: Any) -> pd.Timestamp | None:
    """The date a file name carries (``20220204T123000Z``), or None when absent or implausible.

    >>> _file_name_date("20220204T123000Z"), _file_name_date("30000101T000000Z")
    (Timestamp('2022-02-04 12:30:00+0000', tz='UTC'), None)
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        ts = pd.to_datetime(value, format="ISO8601", utc=True)
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return None
    return _safe_utc(ts)[0] if not pd.isna(ts) else None


#: The least confidence (lingua's, 0-1) at which the language model's reading of a text that no letter or word cue
#: decided is kept against the language of the rest of its file (or, for a file of one text, of the corpus) in the
#: same script. In ../shared/corpus, 9 English headlines read as French, German or Czech at 0.24-0.62; its Spanish
#: article at 0.98.
MODEL_LANG_MIN_CONFIDENCE = 0.8


def _settled_langs(frame: pd.DataFrame, warnings: list) -> list[str | None]:
    """The detected language of each text (:func:`analysis.lang.detect`), except that a model reading below
    :data:`MODEL_LANG_MIN_CONFIDENCE` gives way to the majority of the confident readings of its file (of the
    corpus when its file has none) in the same script, with a warning naming both."""
    from collections import Counter

    from analysis.lang import detect

    found = [detect(t) for t in frame["text"]]
    unsure = [r.lang is not None and "model" in r.note.split(";") and "latin_transliteration" not in r.note
              and r.confidence < MODEL_LANG_MIN_CONFIDENCE for r in found]
    files = frame["source_file"].tolist()
    by_file: dict[str, Counter] = defaultdict(Counter)
    for r, doubt, f in zip(found, unsure, files):
        if r.lang is not None and not doubt:
            by_file[f][r.lang] += 1
    corpus = sum(by_file.values(), Counter())
    out: list[str | None] = []
    for i, (r, doubt, f) in enumerate(zip(found, unsure, files)):
        context = (by_file.get(f) or corpus).most_common(1)
        lang = context[0][0] if doubt and context else r.lang
        if lang != r.lang and (lang in _CYRILLIC_LANGS) == (r.lang in _CYRILLIC_LANGS):
            where = "its file" if by_file.get(f) else "the corpus"
            warnings.append((f, frame["source_row"].iloc[i], "lang", r.lang,
                             f"the language model read {r.lang!r} with confidence {r.confidence:.2f} (under "
                             f"{MODEL_LANG_MIN_CONFIDENCE}), too little to set this text apart from {where}: "
                             f"kept {lang!r} (give lang in a column or sources.yml to decide)"))
            out.append(lang)
        else:
            out.append(r.lang)
    return out


#: Languages with their own text layers; Belarusian gets its own note ("script") from analysis.lang.
_ANALYSED_LANGS = frozenset({"en", "ru", "uk", "be"})


def _finish_frame(frame: pd.DataFrame, ref: pd.Timestamp | None, warnings: list) -> pd.DataFrame:
    """Dates, language, outlet fallback, ids, dtypes — vectorised over the whole corpus."""
    n = len(frame)
    frame = frame.reset_index(drop=True)
    url = frame["url"].astype(object).map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
    frame["url"] = url
    url_dates = url.map(_url_date)
    file_dates = frame["_file_date"].astype(object).map(_file_name_date)
    hints = url_dates.where(url_dates.notna(), None)
    published, msg, raw, source = _parse_date_column(frame["date"].astype(object), reference_time=ref,
                                                     hints=hints, dayfirst=frame["_dayfirst"])
    has_date_col = frame["_has_date"].astype(bool)
    # Fall-backs: the file name's date, then the URL's.
    for fallback, name in ((file_dates, "filename"), (url_dates, "url")):
        fill = published.isna() & pd.Series(fallback, index=frame.index).notna()
        if fill.any():
            published[fill] = pd.Series(fallback, index=frame.index)[fill].astype("datetime64[ns, UTC]")
            source[fill] = name
            msg[fill & msg.notna()] = msg[fill & msg.notna()] + f"; used the {name} date instead"
    flagged = (msg.notna() & has_date_col).to_numpy()
    if flagged.any():
        warnings.extend(zip(frame["source_file"].to_numpy()[flagged], frame["source_row"].to_numpy()[flagged],
                            ["date"] * int(flagged.sum()), raw.to_numpy()[flagged], msg.to_numpy()[flagged]))
    frame["published"] = published.astype("datetime64[ns, UTC]")
    frame["date_raw"] = raw
    frame["date_source"] = source
    # Language: given (column / manifest / file name / argument) unless the script says otherwise.
    detected = pd.Series(_settled_langs(frame, warnings), index=frame.index, dtype=object)
    given = frame["_given_lang"] if n else pd.Series([], dtype=object)
    langs = []
    for i, (g, d) in enumerate(zip(given, detected)):
        g = None if g is None or (not isinstance(g, str) and pd.isna(g)) else g
        if g is None or d is None:
            langs.append(g or d)
            continue
        if (g in _CYRILLIC_LANGS) != (d in _CYRILLIC_LANGS) and (g == "en" or g in _CYRILLIC_LANGS):
            warnings.append((frame["source_file"].iloc[i], frame["source_row"].iloc[i], "lang", g,
                             f"declared language {g!r} but the text is in another script; using {d!r}"))
            langs.append(d)
        else:
            langs.append(g)
    frame["lang"] = langs
    # A language without its own text layers (German, French, ...) goes through the English ones: say so per
    # article, or a German corpus yields English-stopword "top terms" and VADER tone without a word of caution.
    for i, code in enumerate(langs):
        if isinstance(code, str) and code not in _ANALYSED_LANGS:
            warnings.append((frame["source_file"].iloc[i], frame["source_row"].iloc[i], "lang", code,
                             f"language {code!r} is not analysed (only en, ru, uk): its terms, entities and tone come "
                             "from the English methods and mean little (if it is misdetected, give lang in a column or sources.yml)"))
    # Unusual script (transliterated Russian, mixed-script words, pre-reform, Belarusian): say so
    from analysis.lang import input_conditions

    for i, (t, d) in enumerate(zip(frame["text"], detected)):
        if d in _CYRILLIC_LANGS or (isinstance(t, str) and _CYR_LETTER.search(t) and _LAT_LETTER.search(t)):
            for msg in input_conditions(t):
                warnings.append((frame["source_file"].iloc[i], frame["source_row"].iloc[i], "script", d, msg))
    # Outlet: a URL's host for single documents, else "unknown".
    host = url.map(lambda u: re.sub(r"^www\.", "", re.split(r"/+", u)[1].lower())
                   if isinstance(u, str) and "://" in u and len(re.split(r"/+", u)) > 1 else None)
    outlet = frame["outlet"].astype(object)
    outlet = outlet.where(outlet.notna(), host)
    outlet = outlet.where(outlet.notna(), frame["_folder_outlet"].astype(object))
    frame["outlet"] = outlet.where(outlet.notna(), "unknown").astype(str)
    frame["source_row"] = pd.array(frame["source_row"].tolist(), dtype="Int64")
    frame["text"] = frame["text"].astype(str)
    frame["n_chars"] = frame["text"].str.len().astype("int64")
    frame["article_id"] = _make_ids(frame) if n else []
    for col in ("url", "title", "lang", "country", "title_flag", "text_source", "date_raw",
                "date_source", "encoding", "licence", "source_file", "article_id", "outlet"):
        frame[col] = frame[col].astype(object).map(
            lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)).astype("str")
    return frame


