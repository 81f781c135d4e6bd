"""Review and aggregates over a mentions table: discovered names, counts per 10,000 words,
co-occurrence (PMI, Church & Hanks 1990; NPMI, Bouma 2009), naming variants.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.entities.gazetteer import MENTION_COLUMNS, Gazetteer, _key, load_gazetteer

# Review and aggregates
# --------------------------------------------------------------------------------------
# Every aggregate below takes a mentions DataFrame or a stored mentions table
# (:func:`stored_mentions`). A stored table is read part by part (an article's mentions never
# span two parts) and only per-part partial results are kept, so a 100k-article corpus never
# holds its millions of mentions at once. ``_seq`` orders rows across parts exactly as the whole
# table would (article position, then row), so "first"/"last" picks agree with the DataFrame path.

_SEQ = "_seq"


class StoredMentions:
    """The ``mentions`` table of a stored analysis (:func:`analysis.pipeline.analyse`), read part
    by part by the aggregates of this module instead of whole. ``discovered=False`` leaves out
    discovered names and their short forms (``entity_id`` starting with ``new:``).

    >>> import pandas as pd, tempfile
    >>> from analysis import pipeline
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"],
    ...                      "text": ["Putin spoke in Kyiv.", "Kiev and Kyiv."]})
    >>> run = pipeline.analyse(arts, stages=("sentences", "entities"), cache_dir=tempfile.mkdtemp())
    >>> entity_counts(stored_mentions(run), arts)[["outlet", "name", "mentions"]].values.tolist()
    [['X', 'Kyiv', 1], ['X', 'Vladimir Putin', 1], ['Y', 'Kyiv', 2]]
    """

    def __init__(self, run, *, discovered: bool = True, batch_rows: int = 250_000, keep_rows: int = 20_000_000):
        self.run, self.discovered, self.batch_rows, self.keep_rows = run, discovered, batch_rows, keep_rows
        self._kept: list[tuple[_Packed, np.ndarray]] | None = None
        self._kept_in_order = False

    def parts(self, columns: list[str], *, articles: int = 5_000):
        """The table's ``columns`` in its row order (that of ``table(...)``, text columns as Python
        strings, as ``.astype(object)`` gives), ``articles`` articles at a time: e.g. for
        :meth:`analysis.report.Exporter.save_explorer`, which writes them one after the other."""
        order = self.run.article_order
        if order is None:
            yield from (part for part, _ in self.ordered_parts(columns))
            return
        if self._kept is not None and self._kept_in_order and set(columns) <= set(KEPT_COLUMNS):
            # kept by an earlier pass, in table order: decoded batch by batch (the CSV is the same)
            for packed, _ in self._kept:
                yield _as_python_strings(packed.frame(columns))
            return
        for start in range(0, len(order), articles):
            part = self.run.rows("mentions", article_ids=order[start:start + articles], columns=columns)
            yield _as_python_strings(self._without_discovered(part))

    def ordered_parts(self, columns: list[str]):
        """``(part, seq)``: each part (:meth:`parts`) and its rows' order key in the whole table.
        Stored parts are read together until ``batch_rows`` rows: a pass costs a few pandas calls
        per hundred thousand mentions, not per stored part of a few thousand.

        The first pass reads the columns every aggregate of this module uses (``KEPT_COLUMNS``) and
        keeps them packed (integer codes and each batch's distinct values, ~30 bytes a mention) when
        the table has at most ``keep_rows`` rows: the next passes (a notebook makes a dozen) decode
        them instead of reading and ordering every stored part again."""
        columns = list(dict.fromkeys([*columns, "article_id"]))
        keep = set(columns) <= set(KEPT_COLUMNS)
        if keep and self._kept is not None:
            for packed, seq in self._kept:
                yield packed.frame(columns), seq
            return
        kept, rows = ([] if keep and self.keep_rows > 0 else None), 0
        for part, seq in self._read_parts(KEPT_COLUMNS if kept is not None else columns):
            rows += len(part)
            if kept is not None and rows <= self.keep_rows:
                kept.append((_Packed(part), seq))
            else:
                kept = None
            yield part[columns], seq
        if kept is not None:
            self._kept = kept
            seqs = [seq for _, seq in kept if len(seq)]
            self._kept_in_order = all((np.diff(seq) > 0).all() for seq in seqs) and all(
                a[-1] < b[0] for a, b in zip(seqs, seqs[1:]))

    def rows(self, *, where: dict, columns: list[str] | None = None) -> pd.DataFrame:
        """The mentions whose column equals a value (or is in a list), e.g. ``where={"entity_id":
        ["person:vladimir_putin"]}``: the rows :meth:`analysis.pipeline.Analysis.rows` reads from
        the store, in table order, text columns as :meth:`ordered_parts` gives them, taken from the
        mentions an earlier pass kept (one pass is made to keep them if none was).
        :meth:`analysis.pipeline.Analysis.kwic` takes them for an entity's lines (``mentions=``).

        >>> import pandas as pd, tempfile
        >>> from analysis import pipeline
        >>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Putin spoke in Kyiv.", "Kiev and Kyiv."]})
        >>> run = pipeline.analyse(arts, stages=("sentences", "entities"), cache_dir=tempfile.mkdtemp())
        >>> stored_mentions(run).rows(where={"entity_id": "city:kyiv"}, columns=["article_id", "surface"]).values.tolist()
        [['a', 'Kyiv'], ['b', 'Kiev'], ['b', 'Kyiv']]
        """
        columns = list(KEPT_COLUMNS if columns is None else columns)
        wanted = list(dict.fromkeys([*columns, *where]))
        if self._kept is None and set(wanted) <= set(KEPT_COLUMNS):
            for _ in self.ordered_parts(KEPT_COLUMNS):
                pass
        if self._kept is None or not set(wanted) <= set(KEPT_COLUMNS):
            found = self.run.rows("mentions", where=where, columns=list(dict.fromkeys([*wanted, "article_id"])))
            return _as_python_strings(self._without_discovered(found), dtype="str")[columns]
        frames, seqs = [], []
        for packed, seq in self._kept:
            keep = packed.mask(where)
            frames.append(packed.frame(columns, rows=keep))
            seqs.append(seq[keep])
        found = pd.concat(frames, ignore_index=True)
        return found.take(np.argsort(np.concatenate(seqs), kind="stable")).reset_index(drop=True)

    def _without_discovered(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` less discovered names and their short forms, unless ``discovered``."""
        if self.discovered:
            return frame
        return frame[~frame["entity_id"].str.startswith("new:").to_numpy(bool)].reset_index(drop=True)

    def _read_parts(self, columns: list[str]):
        """``(part, seq)`` batches of ``columns`` read from the store (see :meth:`ordered_parts`)."""
        import pyarrow.compute as pc

        from analysis.engine import article_positions

        filters = None if self.discovered else ~pc.starts_with(pc.field("entity_id"), "new:")
        order = self.run.article_order
        frames, seqs, rows = [], [], 0
        for i, part in enumerate(self.run.parts("mentions", columns=columns, filters=filters)):
            part = _as_python_strings(part, dtype="str")
            if order is None:
                rank = np.full(len(part), i, dtype=np.int64)
            else:
                rank = article_positions(part["article_id"], order)
            frames.append(part)
            seqs.append((rank << 32) + np.arange(len(part), dtype=np.int64))
            rows += len(part)
            if rows >= self.batch_rows:
                yield pd.concat(frames, ignore_index=True), np.concatenate(seqs)
                frames, seqs, rows = [], [], 0
        if frames:
            yield pd.concat(frames, ignore_index=True), np.concatenate(seqs)

    def __repr__(self) -> str:
        return f"StoredMentions({self.run!r}, discovered={self.discovered})"


#: The mentions columns a pass of :class:`StoredMentions` keeps after reading them once.
KEPT_COLUMNS = list(MENTION_COLUMNS)  # all of them
_TEXT = ("surface", "entity_id", "name", "type", "method")


class _Packed:
    """A batch of mentions held compactly: each text column as integer codes into its distinct
    values (pandas.factorize), int64 offsets as int32 when they fit, other numbers as they are;
    :meth:`frame` gives back the exact frame."""

    def __init__(self, frame: pd.DataFrame):
        self.length, self.columns = len(frame), {}
        for name, column in frame.items():
            if column.dtype == np.int64 and (not len(column) or (column.min() >= 0 and column.max() < 2**31)):
                self.columns[name] = ("int", column.to_numpy(np.int32), column.dtype)
            elif pd.api.types.is_numeric_dtype(column.dtype):
                self.columns[name] = ("as is", column.array, None)
            else:
                codes, uniques = pd.factorize(column.array)
                small = np.int8 if len(uniques) < 127 else np.int16 if len(uniques) < 32_767 else np.int32
                self.columns[name] = ("codes", codes.astype(small), uniques)

    def mask(self, where: dict) -> np.ndarray:
        """Rows whose column equals the value (or is in the list) of each ``where`` item."""
        keep = np.ones(self.length, dtype=bool)
        for name, value in where.items():
            values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
            kind, data, uniques = self.columns[name]
            if kind == "codes":
                keep &= np.isin(data, np.flatnonzero(uniques.isin(values)))
            else:
                keep &= np.isin(np.asarray(data), values)
        return keep

    def frame(self, columns: list[str], *, rows: np.ndarray | None = None) -> pd.DataFrame:
        """The batch's ``columns`` as they were (only ``rows``, a boolean mask, when given)."""
        out = {}
        for name in columns:
            kind, data, extra = self.columns[name]
            data = data if rows is None else data[rows]
            out[name] = (extra.take(data, allow_fill=True) if kind == "codes"
                         else data.astype(extra) if kind == "int" else data)
        return pd.DataFrame(out, index=pd.RangeIndex(self.length if rows is None else int(rows.sum())))


def _as_python_strings(frame: pd.DataFrame, columns=_TEXT, dtype=object) -> pd.DataFrame:
    """The mention's text ``columns`` as Python strings, as ``.astype(object)`` of a stored table gives
    (or, ``dtype="str"``, as Arrow strings with NaN for missing, which results built from such
    Python strings hold: a cheap change of dtype where a million Python strings are not)."""
    return frame.astype({c: dtype for c in columns if c in frame.columns})


def stored_mentions(run, *, discovered: bool = True, batch_rows: int = 250_000,
                    keep_rows: int = 20_000_000) -> StoredMentions:
    """The stored ``mentions`` of ``run`` for the aggregates of this module (see :class:`StoredMentions`)."""
    return StoredMentions(run, discovered=discovered, batch_rows=batch_rows, keep_rows=keep_rows)


def _parts(mentions, columns: list[str]):
    """``(frame, seq)`` per part of a mentions DataFrame (one part) or a :class:`StoredMentions`."""
    if isinstance(mentions, pd.DataFrame):
        yield mentions, np.arange(len(mentions), dtype=np.int64)
    else:
        yield from mentions.ordered_parts(columns)


def mention_summary(mentions) -> pd.DataFrame:
    """Mentions per ``method`` (most first), the number of distinct entities in ``attrs["entities"]``.

    >>> import pandas as pd
    >>> from analysis.entities import mentions
    >>> s = mention_summary(mentions(pd.DataFrame({"article_id": ["a"], "text": ["Kyiv and Kiev."]})))
    >>> s["mentions"].to_dict(), s.attrs["entities"]
    ({'gazetteer': 2}, 1)
    """
    counts, ids = [], set()
    for part, _ in _parts(mentions, ["method", "entity_id"]):
        counts.append(part["method"].value_counts(sort=False))
        ids.update(part["entity_id"].dropna().unique().tolist())
    total = pd.concat(counts).groupby(level=0, sort=False).sum() if counts else pd.Series(dtype="int64")
    out = total.sort_values(ascending=False, kind="stable").rename("mentions").rename_axis("method").to_frame()
    out.attrs["entities"] = len(ids)
    return out


def discovered_entities(mentions: pd.DataFrame, *, min_count: int = 1, examples: int = 3) -> pd.DataFrame:
    """Review table of names found by discovery, most frequent first.

    Returns DataFrame[entity_id, surface, guessed_type, count, n_articles,
    examples] where ``examples`` lists up to ``examples`` "article_id:sentence_id"
    references. Promote a row into the gazetteer with
    ``load_gazetteer(extra=[{"id": ..., "name": ..., "type": ..., "aliases": [...]}])``.

    >>> import pandas as pd
    >>> from analysis.entities import mentions
    >>> m = mentions(pd.DataFrame({"article_id": ["a"], "text": ["Officials in Novomykhailivka said so."]}))
    >>> discovered_entities(m)[["surface", "guessed_type", "count"]].values.tolist()
    [['Novomykhailivka', 'GPE', 1]]
    """
    cols = ["entity_id", "surface", "guessed_type", "count", "n_articles", "examples"]
    names, types, sizes, refs, seen = [], [], [], [], []
    for part, seq in _parts(mentions, ["article_id", "sentence_id", "entity_id", "name", "type", "method"]):
        keep = (part["method"].isin(["discovered", "short_form"]) & part["entity_id"].str.startswith("new:")).to_numpy(bool)
        d = part[keep].assign(**{_SEQ: seq[keep]})
        if d.empty:
            continue
        # partial counts per part; they add up because an article's mentions never span two parts
        names.append(d.groupby(["entity_id", "name"], sort=False).size().rename("_n").reset_index())
        types.append(d.groupby(["entity_id", "type"], sort=False).size().rename("_n").reset_index())
        groups = d.groupby("entity_id", sort=False)
        sizes.append(pd.DataFrame({"count": groups.size(), "n_articles": groups["article_id"].nunique()}))
        ref = d["article_id"].astype(str) + ":" + d["sentence_id"].astype(str)
        r = pd.DataFrame({"entity_id": d["entity_id"].to_numpy(), "_ref": ref.to_numpy(), _SEQ: d[_SEQ].to_numpy()})
        refs.append(r.drop_duplicates(["entity_id", "_ref"]).groupby("entity_id", sort=False).head(examples))
        refs = _folded(refs, lambda both: _first_refs(both, examples))
        seen.append(groups[_SEQ].min())
    if not sizes:
        return pd.DataFrame(columns=cols)
    totals = pd.concat(sizes).groupby(level=0, sort=False).sum()
    refs = _first_refs(pd.concat(refs), examples)
    order = pd.concat(seen).groupby(level=0, sort=False).min().sort_values(kind="stable").index
    out = pd.DataFrame({
        "surface": _most_frequent(pd.concat(names), "name"),
        "guessed_type": _most_frequent(pd.concat(types), "type"),
        "count": totals["count"],
        "n_articles": totals["n_articles"],
        "examples": refs.groupby("entity_id", sort=False)["_ref"].agg(list),
    }).reindex(order).rename_axis("entity_id").reset_index()
    out = out[out["count"] >= min_count]
    out = out.sort_values(["count", "n_articles", "surface"], ascending=[False, False, True]).reset_index(drop=True)[cols]
    return out


def _first_refs(refs: pd.DataFrame, examples: int) -> pd.DataFrame:
    """The first ``examples`` references of each entity in table order."""
    return refs.sort_values(_SEQ, kind="stable").groupby("entity_id", sort=False).head(examples)


def _most_frequent(counts: pd.DataFrame, column: str) -> pd.Series:
    """Per ``entity_id``, the most frequent non-missing value of ``column`` (``counts``: one row per
    entity_id, value and part with its count ``_n``), ties to the smallest (what
    ``Series.mode().iat[0]`` gives), without a Python call per entity."""
    counts = counts.groupby(["entity_id", column], sort=False)["_n"].sum().reset_index()
    counts = counts.sort_values(["entity_id", "_n", column], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("entity_id").set_index("entity_id")[column]


def entity_stats(mentions) -> pd.DataFrame:
    """Per ``entity_id`` (sorted): the ``type`` of its first mention and ``n``, its mentions.

    >>> import pandas as pd
    >>> from analysis.entities import mentions
    >>> entity_stats(mentions(pd.DataFrame({"article_id": ["a"], "text": ["Kyiv and Kiev."]}))).values.tolist()
    [['GPE', 2]]
    """
    partials = []
    for part, seq in _parts(mentions, ["entity_id", "type"]):
        if len(part):
            partials.append(part.assign(**{_SEQ: seq}).groupby("entity_id").agg(
                type=("type", "first"), n=("entity_id", "size"), **{_SEQ: (_SEQ, "min")}))
    if len(partials) < 2:
        out = (partials[0] if partials else pd.DataFrame({"type": [], "n": []})).drop(columns=_SEQ, errors="ignore")
    else:
        both = pd.concat(partials).sort_values(_SEQ, kind="stable")
        out = both.groupby(level=0).agg(type=("type", "first"), n=("n", "sum"))
    return _as_python_strings(out)


def _word_counts(articles: pd.DataFrame) -> pd.Series:
    if "n_words" in articles.columns:
        return articles["n_words"].astype("int64")
    from analysis.text import word_counts

    return pd.Series(word_counts(articles["text"].tolist()), index=articles.index, dtype="int64")


def entity_counts(mentions: pd.DataFrame, articles: pd.DataFrame, *, by: str | list[str] | None = "outlet",
                  freq: str | None = None, date: str = "published", per: int = 10_000,
                  methods: Iterable[str] | None = None, types: Iterable[str] | None = None) -> pd.DataFrame:
    """Mentions per ``per`` words of each entity in each group (and period).

    Parameters
    ----------
    by : grouping column(s) of ``articles`` (e.g. "outlet"), or None.
    freq : time bin ("MS"/"M"/"month", "W", "D", ...; see overview.time_bins) to count over time using
        ``articles[date]``; articles without a date are left out then.
    methods, types : keep only these mention methods / entity types
        (default: everything except UNKNOWN discoveries).

    Returns
    -------
    DataFrame[<by...>, (period), entity_id, name, type, mentions, articles,
    words, per_10k, first_seen, last_seen] — ``words`` is the group's total
    words (:func:`analysis.text.word_count`, or the articles' ``n_words``), ``per_10k`` = mentions / words * per; first/last seen
    are the earliest/latest article date in the group (NaT without dates).

    >>> import pandas as pd
    >>> from analysis.entities import mentions
    >>> arts = pd.DataFrame({"article_id": [1, 2], "outlet": ["A", "B"],
    ...                      "text": ["Putin spoke in Kyiv.", "Kiev and Kyiv."]})
    >>> c = entity_counts(mentions(arts), arts)
    >>> c[["outlet", "name", "mentions"]].assign(per_10k=c.per_10k.round(1)).values.tolist()
    [['A', 'Kyiv', 1, 2500.0], ['A', 'Vladimir Putin', 1, 2500.0], ['B', 'Kyiv', 2, 6666.7]]
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    arts = articles[["article_id"] + keys + ([date] if date in articles.columns else [])].copy()
    arts["_words"] = _word_counts(articles).to_numpy()
    if freq:
        if date not in arts.columns:
            raise KeyError(f"entity_counts(freq=...) needs a {date!r} column in articles")
        d = pd.to_datetime(arts[date], utc=True, errors="coerce")
        arts = arts[d.notna()]
        d = d[d.notna()]
        from analysis.overview import time_bins

        arts["period"] = d.dt.tz_localize(None).dt.to_period(time_bins(freq)[0]).dt.start_time
        keys = keys + ["period"]
    words = arts.groupby(keys, dropna=False)["_words"].sum() if keys else pd.Series({(): arts["_words"].sum()})
    cols = keys + ["entity_id", "name", "type", "mentions", "articles", "words", "per_10k", "first_seen", "last_seen"]
    gkeys = keys + ["entity_id"]
    partials = []
    wanted = ["article_id", "entity_id", "name", "type"] + (["method"] if methods is not None else [])
    for part, seq in _parts(mentions, wanted):
        keep = part["type"].isin(list(types)) if types is not None else part["type"] != "UNKNOWN"
        if methods is not None:
            keep &= part["method"].isin(list(methods))
        keep = keep.to_numpy(bool)
        m = part[keep].assign(**{_SEQ: seq[keep]})
        mm = m.merge(arts, on="article_id", how="inner")
        if mm.empty:
            continue
        agg = {"name": ("name", "first"), "type": ("type", "first"), "mentions": ("entity_id", "size"),
               "articles": ("article_id", "nunique"), _SEQ: (_SEQ, "min")}
        if date in mm.columns:
            mm["_date"] = pd.to_datetime(mm[date], utc=True, errors="coerce")
            agg["first_seen"] = ("_date", "min")
            agg["last_seen"] = ("_date", "max")
        partials.append(mm.groupby(gkeys, dropna=False, sort=True).agg(**agg).reset_index())
        partials = _folded(partials, lambda both: _combine_counts(both, gkeys))
    if not partials:
        return pd.DataFrame(columns=cols)
    out = _combine_counts(pd.concat(partials, ignore_index=True), gkeys) if len(partials) > 1 else partials[0]
    out = out.drop(columns=_SEQ)
    if "first_seen" not in out.columns:
        out["first_seen"] = pd.NaT
        out["last_seen"] = pd.NaT
    if keys:
        out["words"] = out.set_index(keys).index.map(words).astype("int64")
    else:
        out["words"] = int(arts["_words"].sum())
    out["per_10k"] = out["mentions"] / out["words"].where(out["words"] > 0) * per
    out = out.sort_values(keys + ["per_10k", "name"], ascending=[True] * len(keys) + [False, True]).reset_index(drop=True)
    # the values of the stored Arrow strings as Python strings, as a table read whole and .astype(object) gives
    return out[cols] if isinstance(mentions, pd.DataFrame) else _as_python_strings(out[cols], ("name", "type"))


def _combine_counts(both: pd.DataFrame, gkeys: list[str]) -> pd.DataFrame:
    """Partial :func:`entity_counts` rows of several parts as one: the counts add up (an article
    is in one part); name and type are those of the group's first mention in table order, as a
    groupby "first" over the whole table gives."""
    both = both.sort_values(_SEQ, kind="stable")
    agg = {"name": ("name", "first"), "type": ("type", "first"), "mentions": ("mentions", "sum"),
           "articles": ("articles", "sum"), _SEQ: (_SEQ, "min")}
    if "first_seen" in both.columns:
        agg.update(first_seen=("first_seen", "min"), last_seen=("last_seen", "max"))
    return both.groupby(gkeys, dropna=False, sort=True).agg(**agg).reset_index()


def _folded(partials: list[pd.DataFrame], combine, *, limit: int = 200_000) -> list[pd.DataFrame]:
    """``partials`` combined into one once they hold more than ``limit`` rows: what a pass keeps
    grows with its result, not with the number of parts."""
    if len(partials) > 1 and sum(map(len, partials)) > limit:
        return [combine(pd.concat(partials, ignore_index=True))]
    return partials


def cooccurrence(mentions: pd.DataFrame, *, min_count: int = 2, level: str = "sentence",
                 methods: Iterable[str] | None = None) -> pd.DataFrame:
    """Entity pairs named in the same sentence (or article), with PMI.

    Each unit (sentence or article) counts a pair once. With N units that
    mention at least one entity, ``pmi = log2(N * n_xy / (n_x * n_y))``
    (Church & Hanks 1990) and ``npmi = pmi / -log2(n_xy / N)`` in [-1, 1]
    (Bouma 2009). UNKNOWN discoveries are left out.

    Returns DataFrame[source, target, source_name, target_name, count, pmi,
    npmi], source < target, sorted by count.

    >>> import pandas as pd
    >>> from analysis.entities import mentions
    >>> arts = pd.DataFrame({"article_id": [1], "text": ["Putin met Lukashenko. Putin and Lukashenko spoke. Kyiv."]})
    >>> cooccurrence(mentions(arts), min_count=1)[["source_name", "target_name", "count"]].values.tolist()
    [['Alexander Lukashenko', 'Vladimir Putin', 2]]
    """
    cols = ["source", "target", "source_name", "target_name", "count", "pmi", "npmi"]
    unit = ["article_id", "sentence_id"] if level == "sentence" else ["article_id"]
    n_units, n_x, counted, names = 0, [], [], []
    wanted = unit + ["entity_id", "name", "type"] + (["method"] if methods is not None else [])
    for part, seq in _parts(mentions, wanted):
        keep = part["type"] != "UNKNOWN"
        if methods is not None:
            keep &= part["method"].isin(list(methods))
        keep = keep.to_numpy(bool)
        m = part[keep]
        pairs = m[unit + ["entity_id"]].drop_duplicates()
        if pairs.empty:
            continue
        # a unit (sentence or article) never spans two parts: its pairs and counts add up over parts
        n_units += pairs[unit].drop_duplicates().shape[0]
        n_x.append(pairs["entity_id"].value_counts())
        counted.append(pd.DataFrame(dict(zip(("a", "b", "c"), _pair_counts(pairs, unit)))))
        counted = _folded(counted, _sum_pairs, limit=2_000_000)
        last = m.assign(**{_SEQ: seq[keep]}).drop_duplicates("entity_id", keep="last")
        names.append(last[["entity_id", "name", _SEQ]])
    if not counted:
        return pd.DataFrame(columns=cols)
    # the name of an entity's last mention in table order (what dict(zip(ids, names)) keeps)
    last = pd.concat(names).sort_values(_SEQ, kind="stable")
    names = dict(zip(last["entity_id"], last["name"]))
    n_x = pd.concat(n_x).groupby(level=0).sum().to_dict()  # a dict: one lookup per pair, not a Series index
    counted = _sum_pairs(pd.concat(counted, ignore_index=True)) if len(counted) > 1 else counted[0]
    rows = []
    for a, b, c in zip(counted["a"].tolist(), counted["b"].tolist(), counted["c"].tolist()):
        if c < min_count:
            continue
        pmi = math.log2(n_units * c / (n_x[a] * n_x[b]))
        p = c / n_units
        npmi = pmi / -math.log2(p) if p < 1 else 1.0
        rows.append((a, b, names.get(a, a), names.get(b, b), c, pmi, npmi))
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["count", "npmi", "source", "target"], ascending=[False, False, True, True]).reset_index(drop=True)


def _sum_pairs(counted: pd.DataFrame) -> pd.DataFrame:
    """Pair counts of several parts (a, b, c) summed per pair."""
    return counted.groupby(["a", "b"], sort=False, as_index=False)["c"].sum()


def _pair_counts(pairs: pd.DataFrame, unit: list[str]) -> tuple[list, list, list[int]]:
    """Units (sentences or articles) shared by each pair of entities, ``a < b``: a self-join on
    integer codes instead of a Python loop over every unit (millions in a large corpus).
    Codes are factorized in sorted order, so ``code_a < code_b`` exactly when ``a < b``."""
    entity_codes, entities = pd.factorize(pairs["entity_id"], sort=True)
    unit_codes = pairs.groupby(unit, sort=False).ngroup().to_numpy()
    left = pd.DataFrame({"unit": unit_codes, "a": entity_codes})
    joined = left.merge(left.rename(columns={"a": "b"}), on="unit")
    joined = joined[joined["a"].to_numpy() < joined["b"].to_numpy()]
    counted = joined.groupby(["a", "b"], sort=True).size()
    names = np.asarray(entities, dtype=object)
    return (names[counted.index.get_level_values("a")].tolist(), names[counted.index.get_level_values("b")].tolist(),
            counted.to_numpy().tolist())


def naming_variants(mentions: pd.DataFrame, articles: pd.DataFrame | None = None, *, by: str | None = "outlet",
                    gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Share of each spelling family per entity and group (Kiev vs Kyiv ...).

    Only mentions whose surface has a declared ``variants`` family in the
    gazetteer count; possessives and case follow the surface as matched.

    Returns DataFrame[<by>, entity_id, name, variant, surfaces, mentions,
    share] — ``share`` sums to 1 within (group, entity).

    >>> import pandas as pd
    >>> from analysis.entities import mentions
    >>> arts = pd.DataFrame({"article_id": [1, 2], "outlet": ["A", "B"], "text": ["Kiev and Kiev.", "Kyiv and Kiev."]})
    >>> v = naming_variants(mentions(arts), arts)
    >>> v[v.name == "Kyiv"][["outlet", "variant", "share"]].values.tolist()
    [['A', 'russian_transliteration', 1.0], ['B', 'russian_transliteration', 0.5], ['B', 'ukrainian_national', 0.5]]
    """
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    keys = [] if by is None else [by]
    cols = keys + ["entity_id", "name", "variant", "surfaces", "mentions", "share"]
    vmap = gaz.variant_of
    partials = []
    for part, _ in _parts(mentions, ["article_id", "entity_id", "name", "surface", "method"]):
        m = part[part["method"].isin(["gazetteer", "metonym", "short_form", "description"]).to_numpy(bool)]
        if m.empty:
            continue
        # each distinct (entity, surface) is tokenised once, not every one of millions of mentions
        pair = m.groupby(["entity_id", "surface"], sort=False, dropna=False).ngroup().to_numpy()
        distinct = m[["entity_id", "surface"]].drop_duplicates()
        variant = np.asarray([vmap.get((e, _key(s))) for e, s in zip(distinct["entity_id"], distinct["surface"])],
                             dtype=object)[pair]
        m = m.assign(variant=variant)
        m = m[m["variant"].notna()]
        if keys:
            if articles is None or by not in articles.columns:
                raise KeyError(f"naming_variants(by={by!r}) needs articles with a {by!r} column")
            m = m.merge(articles[["article_id", by]], on="article_id", how="inner")
        # per part, each surface's count: the surfaces and counts of a group add up over parts
        partials.append(m.groupby(keys + ["entity_id", "name", "variant", "surface"], sort=False).size()
                        .rename("mentions").reset_index())
    m = pd.concat(partials, ignore_index=True) if partials else pd.DataFrame()
    if m.empty:
        return pd.DataFrame(columns=cols)
    out = m.groupby(keys + ["entity_id", "name", "variant"], sort=True).agg(
        surfaces=("surface", lambda s: ", ".join(sorted(set(s)))), mentions=("mentions", "sum")).reset_index()
    out["share"] = out["mentions"] / out.groupby(keys + ["entity_id"])["mentions"].transform("sum")
    return out[cols]


def span_overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two half-open spans overlap."""
    return a[0] < b[1] and b[0] < a[1]

