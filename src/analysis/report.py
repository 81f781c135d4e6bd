"""Figures and tables for reports: one house style, exported the same way everywhere.

Every chart the notebooks make goes through :func:`save_figure`, which writes
``reports/figures/<notebook>/<name>.png`` (300 dpi), ``.svg`` and ``.pdf`` and,
when given, the plotted data as ``<name>.csv`` beside them, so a figure in a
report can always be traced back to its numbers.

The house style is seaborn's ``whitegrid`` with the colour-blind-safe palette
of Wong (2011, *Nature Methods* 8:441) — the Okabe & Ito colours.

Charts must not mislead: grouped charts show the largest groups and fold the
rest into a grey "other" (:func:`top_groups`, :func:`group_colors`), so no two
groups share a colour; every figure's source line (:func:`source_line`) counts
the articles, the exact duplicates left out and ends with the corpus hash
(:func:`corpus_hash`); and :class:`Exporter` shows each saved figure in the
notebook, so the executed notebook's HTML page holds its charts.

Example
-------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import tempfile, pandas as pd
>>> from analysis import report
>>> report.set_style()
>>> data = pd.DataFrame({"outlet": ["A", "B"], "articles": [3, 5]})
>>> fig = report.bar_chart(data, x="articles", y="outlet",
...     title="B publishes most", xlabel="Articles (count)", source="Source: example")
>>> out = tempfile.mkdtemp()
>>> paths = report.save_figure(fig, "articles_by_outlet", data=data, notebook="demo", output_dir=out)
>>> sorted(p.suffix for p in paths)
['.csv', '.pdf', '.png', '.svg']
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.paths import reports_dir

__all__ = [
    "OTHER",
    "OTHER_COLOR",
    "PALETTE",
    "SIDE_COLORS",
    "Exporter",
    "add_events",
    "bar_chart",
    "capped_sample",
    "corpus_hash",
    "figure_dir",
    "finding_title",
    "format_date_axis",
    "group_colors",
    "group_order",
    "line_chart",
    "save_figure",
    "save_table",
    "set_style",
    "show_figure",
    "side_colors",
    "small_sample_note",
    "source_line",
    "source_note",
    "top_groups",
]

#: Okabe & Ito colour-blind-safe palette (Wong 2011).
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]

#: Fixed colours for the sides of the conflict, so a side keeps its colour in every chart.
SIDE_COLORS = {
    "ukraine": "#0072B2",
    "russia": "#D55E00",
    "west": "#009E73",
    "us": "#009E73",
    "international": "#CC79A7",
    "neutral": "#999999",
    "other": "#999999",
}

#: Label and colour of the bucket that holds every group beyond the largest few.
OTHER = "other"
OTHER_COLOR = "#999999"

_NAME_RE = re.compile(r"[^A-Za-z0-9_.-]+")


def set_style(*, context: str = "notebook", font_scale: float = 1.0) -> None:
    """Apply the house style: seaborn whitegrid, colour-blind palette, readable fonts."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(context=context, style="whitegrid", palette=PALETTE, font_scale=font_scale)
    mpl.rcParams.update({
        "figure.figsize": (8, 4.5),
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "axes.titlesize": "large",
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "svg.fonttype": "none",
        "pdf.fonttype": 42,
        # Labels come from the data (outlet names, titles): a '$' in one must print as a
        # dollar sign, not start mathtext (a stray '$...$' raised and killed notebook 01).
        "text.parse_math": False,
    })


def source_note(fig, text: str, *, fontsize: float = 8) -> None:
    """Write a source line under the figure, bottom left ("Source: ...").

    Calling it again replaces the earlier line rather than stacking a second one.
    """
    for old in [t for t in fig.texts if t.get_gid() == "source-note"]:
        old.remove()
    fig.text(0.01, -0.02, text, ha="left", va="top", fontsize=fontsize, color="#555555", gid="source-note")


def _place_source_note(fig) -> None:
    """Move the source line below everything else the figure draws (tick labels, axis labels, legends).

    :func:`source_note` puts it just under the figure's bottom edge, but a short chart's tick and
    axis labels reach further down than that, and the line was printed across the x-axis label.
    Called at export, when the chart is complete.
    """
    notes = [t for t in fig.texts if t.get_gid() == "source-note"]
    if not notes:
        return
    for note in notes:
        note.set_visible(False)
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else fig._get_renderer()
    bottom = fig.get_tightbbox(renderer).y0  # inches from the figure's bottom edge; negative below it
    for note in notes:
        note.set_visible(True)
        note.set_y(min(-0.02, (bottom - 4 / 72) / fig.get_figheight()))  # 4 points under the lowest label


def format_date_axis(ax, axis: str = "x") -> None:
    """Concise date tick labels (``2022``, ``Mar``, ``Apr`` ...) that never overlap."""
    import matplotlib.dates as mdates

    target = ax.xaxis if axis == "x" else ax.yaxis
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    target.set_major_locator(locator)
    target.set_major_formatter(mdates.ConciseDateFormatter(locator))


def has_source_note(fig) -> bool:
    return any(t.get_gid() == "source-note" for t in fig.texts)


# --- Groups: the largest few plus "other", one colour each ------------------------------------

def top_groups(values: pd.Series, *, n: int = len(PALETTE), other: str = OTHER,
               weights: pd.Series | None = None) -> pd.Series:
    """Keep the ``n - 1`` largest groups and fold the rest into ``other`` (``n`` labels in all).

    Size is the number of rows, or the sum of ``weights``. With ``n`` or fewer groups the
    values come back unchanged, so a chart never needs more colours than :data:`PALETTE` has.

    >>> outlets = pd.Series(["A", "A", "A", "B", "B", "C", "D", "E"])
    >>> top_groups(outlets, n=3).tolist()
    ['A', 'A', 'A', 'B', 'B', 'other', 'other', 'other']
    >>> top_groups(outlets, n=5).tolist() == outlets.tolist()
    True
    """
    labels = values.astype(object).where(values.notna(), "(unknown)").astype(str)
    if labels.nunique() <= n:
        return labels
    sizes = (labels.value_counts() if weights is None
             else pd.Series(weights.to_numpy(), index=labels.index).groupby(labels).sum())
    ranked = sorted(sizes.items(), key=lambda item: (-item[1], item[0]))
    keep = {label for label, _ in ranked[: max(n - 1, 0)]}
    return labels.where(labels.isin(keep), other)


def group_order(values: pd.Series, *, other: str = OTHER, weights: pd.Series | None = None) -> list[str]:
    """Distinct labels, largest first (rows or summed ``weights``), ``other`` last.

    >>> group_order(pd.Series(["other", "B", "A", "A"]))
    ['A', 'B', 'other']
    """
    sizes = (values.value_counts() if weights is None
             else pd.Series(weights.to_numpy(), index=values.index).groupby(values).sum())
    ranked = sorted(sizes.items(), key=lambda item: (item[0] == other, -item[1], str(item[0])))
    return [label for label, _ in ranked]


def group_colors(groups: Sequence, *, other: str = OTHER) -> dict:
    """One distinct colour per group, in order: :data:`PALETTE`, and grey for ``other``.

    Raises ``ValueError`` when there are more groups than colours: fold them first with
    :func:`top_groups` rather than letting two groups share a colour.

    >>> group_colors(["Reuters", "TASS", "other"])
    {'Reuters': '#0072B2', 'TASS': '#E69F00', 'other': '#999999'}
    """
    named = [g for g in dict.fromkeys(groups) if g != other]
    if len(named) > len(PALETTE):
        raise ValueError(f"{len(named)} groups but {len(PALETTE)} distinct colours: "
                         f"fold the smaller groups into {other!r} with report.top_groups(..., n={len(PALETTE)})")
    colours = dict(zip(named, PALETTE))
    if other in groups:
        colours[other] = OTHER_COLOR
    return colours


def side_colors(sides: Sequence) -> dict:
    """Colours for sides of the conflict: the fixed :data:`SIDE_COLORS` where that keeps every
    side distinct, otherwise the next unused colour (so "none", "other" and "unlisted" never
    share one grey).

    >>> side_colors(["ukraine", "russia", "other", "none"])
    {'ukraine': '#0072B2', 'russia': '#D55E00', 'other': '#999999', 'none': '#E69F00'}
    """
    spare = [c for c in [*PALETTE, OTHER_COLOR, "#666666", "#BBBBBB"] if c not in set(SIDE_COLORS.values())]
    spare += [c for c in PALETTE if c not in spare]
    named = list(dict.fromkeys(sides))
    colours: dict = {}
    used: set[str] = set()
    for side in named:  # fixed colours first, in the order given
        colour = SIDE_COLORS.get(str(side).lower())
        if colour and colour not in used:
            colours[side] = colour
            used.add(colour)
    for side in named:
        if side not in colours:
            free = [c for c in spare if c not in used]
            if not free:
                raise ValueError(f"{len(named)} sides but only {len(used)} distinct colours")
            colours[side] = free[0]
            used.add(free[0])
    return {side: colours[side] for side in named}


def _fold_groups(data: pd.DataFrame, *, hue: str, value: str, keys: Sequence[str],
                 max_groups: int) -> pd.DataFrame:
    """``data`` with ``hue`` folded by :func:`top_groups` and ``value`` summed within ``keys`` + hue."""
    folded = data.assign(**{hue: top_groups(data[hue], n=max_groups, weights=data[value])})
    if folded[hue].nunique() == data[hue].nunique():
        return folded
    return folded.groupby([*keys, hue], sort=False, as_index=False)[value].sum()


# --- Provenance on every chart ------------------------------------------------------------------

_HASH_COLUMNS = ("article_id", "outlet", "published", "title", "text")


def corpus_hash(articles: pd.DataFrame) -> str:
    """SHA-256 (hex) of the loaded articles' content, independent of row order.

    The same files give the same hash on every run and machine; any change of an article's
    id, outlet, date, title or text changes it. Figures carry its first 8 characters.

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Kyiv.", "Moscow."]})
    >>> corpus_hash(arts) == corpus_hash(arts.iloc[::-1])
    True
    >>> corpus_hash(arts)[:8] != corpus_hash(arts.assign(text=["Kiev.", "Moscow."]))[:8]
    True
    """
    columns = [c for c in _HASH_COLUMNS if c in articles.columns]
    digest = hashlib.sha256("\x1f".join(columns).encode())
    if not columns:
        return digest.hexdigest()
    # in the first column's order, block by block: a large corpus's texts are never all copied
    # (sorted) or turned into Python strings at once (every notebook and the report index hash it)
    hashed = articles[columns].reset_index(drop=True)
    order = hashed[columns[:1]].sort_values(columns[:1], kind="stable").index.to_numpy()
    for start in range(0, len(order), _HASH_BLOCK):
        block = hashed.take(order[start:start + _HASH_BLOCK])
        for row in zip(*(block[c].tolist() for c in columns)):
            digest.update(b"\x1e" + "\x1f".join(map(str, row)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


_HASH_BLOCK = 5_000  # rows of :func:`corpus_hash` turned into strings at a time


def _short_hash(value: str) -> str:
    return value[:8]


def finding_title(rows: pd.DataFrame, finding, *, too_few: str, reliable: str = "reliable"
                  ) -> tuple[str, pd.Series | None]:
    """A chart's title and the row it rests on: ``finding(row)`` for the first row of ``rows`` (sorted by
    the caller, the strongest first) whose ``reliable`` flag is set, else ``too_few`` and ``None``.

    A title states the chart's finding, so it must never rest on a handful of articles: a narrative
    "in 100% of outlet X's articles" was one article of ten.

    >>> shares = pd.DataFrame({"outlet": ["A", "B"], "share": [1.0, 0.4], "n": [1, 40], "reliable": [False, True]})
    >>> finding_title(shares, lambda r: f"{r['share']:.0%} in {r['outlet']} (n={r['n']})", too_few="Too few")[0]
    '40% in B (n=40)'
    >>> finding_title(shares.head(1), lambda r: f"{r['share']:.0%} in {r['outlet']}", too_few="Too few articles")
    ('Too few articles', None)
    """
    solid = rows[rows[reliable].astype(bool).to_numpy()]
    if solid.empty:
        return too_few, None
    lead = solid.iloc[0]
    return finding(lead), lead


def small_sample_note(counts: pd.Series, *, min_n: int, unit: str = "articles") -> str | None:
    """The caveat a comparison's title carries when one of its sides has fewer than ``min_n``
    ``unit``, else ``None``. ``counts``: one count per side, in the chart's order.

    Distinctive words of 3 articles against 3 describe those six texts (a single long article
    can fill a side), not the outlets or periods they stand for.

    >>> small_sample_note(pd.Series({"Wire A": 3, "Wire B": 3}), min_n=10)
    'Only 3 vs 3 articles (fewer than 10 on a side): these texts, not their outlets or periods'
    >>> small_sample_note(pd.Series({"before": 40, "after": 12}), min_n=10) is None
    True
    """
    if len(counts) and int(counts.min()) >= min_n:
        return None
    sides = " vs ".join(f"{int(c):,}" for c in counts)
    return f"Only {sides} {unit} (fewer than {min_n} on a side): these texts, not their outlets or periods"


def source_line(label: str, articles: pd.DataFrame, *, extra: str | None = None) -> str:
    """The source line under a chart: corpus, article count, duplicates left out, corpus hash.

    Reads ``attrs["duplicates_excluded"]`` and ``attrs["corpus_hash"]`` set by
    :func:`analysis.overview.exclude_duplicates` (the hash is computed when missing).

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["x", "y"]})
    >>> arts.attrs.update(duplicates_excluded=1, corpus_hash="9f86d081884c7d65")
    >>> source_line("data/raw", arts, extra="VADER")
    'Source: data/raw; 2 articles; 1 exact duplicate excluded; VADER; corpus 9f86d081'
    >>> arts.attrs["lang"] = "ru"  # set by analysis.overview.filter_lang
    >>> source_line("data/raw", arts)
    'Source: data/raw; 2 articles; 1 exact duplicate excluded; language: ru; corpus 9f86d081'
    """
    n = len(articles)
    parts = [f"Source: {label}", f"{n:,} article{'' if n == 1 else 's'}"]
    excluded = int(articles.attrs.get("duplicates_excluded", 0) or 0)
    if excluded:
        parts.append(f"{excluded:,} exact duplicate{'' if excluded == 1 else 's'} excluded")
    if articles.attrs.get("lang"):  # a LANG filter (analysis.overview.filter_lang)
        parts.append(f"language: {articles.attrs['lang']}")
    if extra:
        parts.append(extra)
    parts.append(f"corpus {_short_hash(articles.attrs.get('corpus_hash') or corpus_hash(articles))}")
    return "; ".join(parts)


def _stamp_hash(text: str | None, digest: str | None) -> str | None:
    """``text`` ending in ``; corpus <8 hex>`` unless it already names that hash."""
    if not digest:
        return text
    stamp = f"corpus {_short_hash(digest)}"
    if text and re.search(r"\bcorpus [0-9a-f]{8}\b", text):  # already names its own corpus
        return text
    return f"{text}; {stamp}" if text else f"Source: {stamp}"


# --- Figures inside the report pages ------------------------------------------------------------

def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _display_png(png: bytes) -> None:
    from IPython.display import Image, display

    display(Image(data=png, format="png"))


def show_figure(fig, *, dpi: int = 100, close: bool = True) -> bytes:
    """Show ``fig`` as a PNG output of the running notebook cell (and close it); return the bytes.

    Kernels run headless with the Agg backend, which shows nothing by itself: without this the
    executed notebook and its HTML page hold no charts. Closing keeps an inline backend from
    showing the figure a second time.
    """
    buffer = io.BytesIO()
    _place_source_note(fig)
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    png = buffer.getvalue()
    _display_png(png)
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    return png


def _notebook_name(notebook: str | None) -> str:
    name = notebook or os.environ.get("ANALYSIS_NOTEBOOK") or "scratch"
    return _NAME_RE.sub("_", Path(name).stem)


def figure_dir(notebook: str | None = None, output_dir: str | os.PathLike | None = None) -> Path:
    """``<output_dir>/figures/<notebook>``; defaults come from ``ANALYSIS_OUTPUT`` and
    ``ANALYSIS_NOTEBOOK`` (set by the runner) so notebook code needs no paths."""
    base = Path(output_dir) if output_dir is not None else reports_dir()
    return base / "figures" / _notebook_name(notebook)


#: salt of the element ids matplotlib writes into an SVG (``svg.hashsalt``; None: a random one per file)
SVG_HASH_SALT = "war-coverage-analysis"


def save_figure(
    fig,
    name: str,
    *,
    data: pd.DataFrame | None = None,
    notebook: str | None = None,
    output_dir: str | os.PathLike | None = None,
    formats: Sequence[str] = ("png", "svg", "pdf"),
    dpi: int = 300,
) -> list[Path]:
    """Export ``fig`` as PNG (``dpi``), SVG and PDF, plus ``data`` as CSV beside it.

    Returns the written paths. ``name`` becomes a file name (unsafe characters
    replaced by ``_``).
    """
    if not name or not _NAME_RE.sub("", name):
        raise ValueError(f"save_figure needs a non-empty file name, got {name!r}")
    folder = figure_dir(notebook, output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = _NAME_RE.sub("_", name)
    _place_source_note(fig)
    import matplotlib

    written = []
    for fmt in formats:
        path = folder / f"{stem}.{fmt}"
        # A fixed creation date and a fixed salt for the SVG's element ids (random by default) keep
        # PDF/SVG bytes identical across reruns.
        metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)
        with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT}):
            fig.savefig(path, format=fmt, dpi=dpi, bbox_inches="tight", metadata=metadata)
        written.append(path)
    if data is not None:
        written.append(save_table(data, stem, folder=folder))
    return written


#: A cell starting with one of these is a formula to Excel/LibreOffice/Sheets ("CSV injection",
#: OWASP): ``=HYPERLINK(...)`` in an article title would run when the table is opened.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Neutralise one spreadsheet cell: text starting with ``= + - @``, tab or CR gets a leading
    apostrophe, which spreadsheets show as text and never evaluate. Other values are unchanged.

    >>> escape_formula("=SUM(A1:A9)"), escape_formula("-12 dead"), escape_formula(-12)
    ("'=SUM(A1:A9)", "'-12 dead", -12)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(data: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``data`` safe to open in a spreadsheet: :func:`escape_formula` on every text
    cell, column name and index label. Numbers stay numbers.

    >>> neutralise_formulas(pd.DataFrame({"=x": ["@SUM(A1)", "ok"], "n": [-1, 2]})).to_dict("list")
    {"'=x": ["'@SUM(A1)", 'ok'], 'n': [-1, 2]}
    """
    out = data.copy(deep=False)  # copy-on-write: only the columns escaped below are new arrays
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = _escaped_column(out[col])
    out.columns = [escape_formula(c) for c in out.columns]
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_levels([lvl.map(escape_formula) if lvl.dtype == object
                                          or pd.api.types.is_string_dtype(lvl.dtype) else lvl
                                          for lvl in out.index.levels])
    elif out.index.dtype == object or pd.api.types.is_string_dtype(out.index.dtype):
        out.index = out.index.map(escape_formula)
    return out


def _escaped_column(column: pd.Series) -> pd.Series:
    """:func:`escape_formula` on every cell of a text column, each distinct value looked at once
    (a table of millions of mentions repeats a few thousand names); the column comes back as it
    was when no value needs escaping.

    >>> _escaped_column(pd.Series(["=1", "ok", "=1", None])).tolist()
    ["'=1", 'ok', "'=1", nan]
    """
    try:
        codes, uniques = pd.factorize(column)
    except TypeError:  # unhashable cells (lists): one call per cell
        return column.map(escape_formula)
    uniques = list(uniques)
    escaped = [escape_formula(value) for value in uniques]
    changed = [i for i, (new, old) in enumerate(zip(escaped, uniques)) if new is not old]
    if not changed:
        return column
    values = column.to_numpy(dtype=object, copy=True)
    rows = np.isin(codes, changed)
    values[rows] = np.asarray(escaped, dtype=object)[codes[rows]]
    return pd.Series(values, index=column.index, name=column.name, dtype=object)


def as_objects(data: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``data.astype({c: object for c in columns})`` (columns ``data`` lacks are skipped), each
    distinct value one Python string shared by all its rows: the column goes through a
    categorical, so a million stored speakers, verbs or names cost a pointer a row rather than a
    new string a row (~60 bytes). Same dtype, values and missing values as the plain ``astype``.

    >>> f = pd.DataFrame({"speaker": pd.Series(["Putin", "Putin", None], dtype="string"), "n": [1, 2, 3]})
    >>> out = as_objects(f, ["speaker", "verb"])
    >>> out["speaker"].dtype, out["speaker"].tolist(), out["speaker"].iloc[0] is out["speaker"].iloc[1]
    (dtype('O'), ['Putin', 'Putin', <NA>], True)
    """
    present = [c for c in columns if c in data.columns]
    return data.astype({c: "category" for c in present}).astype({c: object for c in present})


def save_table(data: pd.DataFrame, name: str, *, folder: str | os.PathLike | None = None,
               notebook: str | None = None) -> Path:
    """Write ``data`` as CSV (UTF-8, no index unless it is named) and return the path.

    Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR at the
    start) are written with a leading ``'`` (:func:`neutralise_formulas`).
    """
    path = _table_path(Path(folder) if folder is not None else figure_dir(notebook), name)
    keep_index = any(n is not None for n in data.index.names)
    neutralise_formulas(data).to_csv(path, index=keep_index)
    return path


def _table_path(folder: Path, name: str) -> Path:
    """``<folder>/<name>.csv`` for :func:`save_table` (the folder created, the name made safe)."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{_NAME_RE.sub('_', name)}.csv"


def bar_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    xlabel: str,
    ylabel: str | None = None,
    hue: str | None = None,
    max_groups: int = len(PALETTE),
    source: str | None = None,
    ax=None,
):
    """Horizontal bar chart in the house style; returns the Figure.

    ``title`` should state the finding ("B publishes most"), ``xlabel`` carry
    the unit ("Articles (count)"). With ``hue``, groups beyond the ``max_groups``
    largest are summed into "other" (so ``x`` must be additive, e.g. counts) and
    every group gets its own colour.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    if ax is None:
        height = max(2.5, 0.35 * data[y].nunique() + 1.5)
        fig, ax = plt.subplots(figsize=(8, height))
    else:
        fig = ax.figure
    if hue is None:
        sns.barplot(data=data, x=x, y=y, ax=ax, orient="h", color=PALETTE[0])
    else:
        data = _fold_groups(data, hue=hue, value=x, keys=[y], max_groups=max_groups)
        colours = group_colors(group_order(data[hue], weights=data[x]))
        sns.barplot(data=data, x=x, y=y, hue=hue, hue_order=list(colours), palette=colours, ax=ax, orient="h")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel if ylabel is not None else "")
    if source:
        source_note(fig, source)
    return fig


def line_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    hue: str,
    title: str,
    ylabel: str,
    xlabel: str = "",
    max_groups: int = len(PALETTE),
    marker: str | None = "o",
    source: str | None = None,
    ax=None,
):
    """One line per group in the house style; returns the Figure.

    Groups beyond the ``max_groups`` largest (by summed ``y``) are summed into one grey
    "other" line, so no article disappears from the chart and no two lines share a
    colour. Dates on ``x`` get concise tick labels.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> data = pd.DataFrame({"period": [1, 2] * 3, "outlet": list("AABBCC"), "articles": [5, 6, 3, 1, 1, 1]})
    >>> fig = line_chart(data, x="period", y="articles", hue="outlet", title="A leads",
    ...                  ylabel="Articles (count)", max_groups=2)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['A', 'other']
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 4.5))
    else:
        fig = ax.figure
    data = _fold_groups(data, hue=hue, value=y, keys=[x], max_groups=max_groups)
    colours = group_colors(group_order(data[hue], weights=data[y]))
    for group, colour in colours.items():
        points = data[data[hue] == group].sort_values(x)
        ax.plot(points[x], points[y], color=colour, marker=marker, label=str(group))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(title=hue, loc="upper left", bbox_to_anchor=(1, 1), fontsize=8)
    if pd.api.types.is_datetime64_any_dtype(data[x]):
        format_date_axis(ax)
    if source:
        source_note(fig, source)
    return fig


@dataclass(frozen=True)
class Exporter:
    """Bind :func:`save_figure` to one notebook, output folder, default source line and corpus hash.

    Every figure it saves gets a source line ending in ``corpus <8 hex>`` (when
    ``corpus_hash`` is given) and, inside a notebook, is shown in the cell's output
    so the executed notebook and its HTML report hold the chart.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, tempfile
    >>> export = Exporter("01_corpus_overview", output_dir=tempfile.mkdtemp(), source="Source: seed article",
    ...                   corpus_hash="9f86d081884c7d659a2feaa0c55ad015")
    >>> fig, ax = plt.subplots()
    >>> [p.suffix for p in export.save_figure(fig, "empty")]
    ['.png', '.svg', '.pdf']
    >>> [t.get_text() for t in fig.texts]
    ['Source: seed article; corpus 9f86d081']
    """

    notebook: str
    output_dir: str | os.PathLike | None = None
    source: str | None = None
    corpus_hash: str | None = None

    def save_figure(self, fig, name: str, *, data: pd.DataFrame | None = None, source: str | None = None,
                    show: bool | None = None) -> list[Path]:
        """Set the source line, export (see :func:`save_figure`) and show the figure.

        The line is ``source``, else the figure's own, else the exporter's, stamped with the
        corpus hash. ``show=None`` shows (and closes) the figure only inside a notebook.
        """
        existing = next((t.get_text() for t in fig.texts if t.get_gid() == "source-note"), None)
        note = _stamp_hash(source or existing or self.source, self.corpus_hash)
        if note and note != existing:
            source_note(fig, note)
        written = save_figure(fig, name, data=data, notebook=self.notebook, output_dir=self.output_dir)
        if show or (show is None and _in_notebook()):
            show_figure(fig)
        return written

    def save_table(self, data: pd.DataFrame, name: str) -> Path:
        return save_table(data, name, folder=figure_dir(self.notebook, self.output_dir))

    def save_kwic(self, lines: pd.DataFrame, name: str) -> list[Path]:
        """Keyword-in-context lines as ``<name>_kwic.csv`` and ``.xlsx`` beside the figures
        (:func:`analysis.kwic.export_kwic`: formula-like cells neutralised)."""
        from analysis.kwic import export_kwic

        folder = figure_dir(self.notebook, self.output_dir)
        stem = _NAME_RE.sub("_", name) + "_kwic"
        return [export_kwic(lines, folder / f"{stem}{ext}") for ext in (".csv", ".xlsx")]

    def evidence(self, lines: pd.DataFrame, name: str, *, title: str | None = None) -> list[Path]:
        """Export KWIC ``lines`` (:meth:`save_kwic`) and, inside a notebook, show them as a
        compact table: outlet, date, left context, match, right context, URL."""
        written = self.save_kwic(lines, name)
        if _in_notebook():
            from IPython.display import Markdown, display

            query = lines.attrs.get("query", "")
            head = title or f"Evidence: {len(lines)} line(s) for `{query}`"
            display(Markdown(f"**{head}** — exported as `{written[0].name}` / `{written[1].name}`"))
            if len(lines):
                cols = [c for c in ("outlet", "date", "left", "match", "right", "url") if c in lines.columns]
                shown = lines[cols].copy()
                if "date" in shown.columns:
                    shown["date"] = pd.to_datetime(shown["date"], utc=True, errors="coerce").dt.strftime("%Y-%m-%d")
                shown = shown.astype(object).where(shown.notna(), "")
                with pd.option_context("display.max_colwidth", 120):
                    if "left" in shown.columns:
                        # element ids from the content, not pandas' random uuid, and a text form without the
                        # Styler's memory address: a rerun writes the same notebook and page
                        uuid = hashlib.sha1(f"{name}\x1f{shown.to_json()}".encode()).hexdigest()[:8]
                        styled = shown.style.set_uuid(uuid).hide(axis="index").set_properties(
                            subset=["left"], **{"text-align": "right"})
                        display({"text/html": styled.to_html(), "text/plain": shown.to_string(index=False)}, raw=True)
                    else:
                        display(shown)
            else:
                display(Markdown("_No lines in this corpus._"))
        return written

    def save_explorer(self, data, name: str, page, *, max_rows: int, **options) -> tuple[Path, Path]:
        """Every row of ``data`` (a DataFrame, or its parts, e.g. :meth:`analysis.pipeline.Analysis.parts`,
        then written part by part) as ``<name>.csv`` (:meth:`save_table`) and a searchable page
        ``<name>.html`` (:meth:`save_page`) built by ``page`` (e.g. :func:`analysis.interactive.labels_table`)
        from at most its first ``max_rows`` rows, which names that CSV as the full table: the page's
        size stays flat however large the corpus. ``options`` go to ``page`` (``articles=``, ``title=``).

        >>> import tempfile
        >>> from analysis import interactive
        >>> export = Exporter("04_framing", output_dir=tempfile.mkdtemp())
        >>> labels = pd.DataFrame({"article_id": ["a", "b", "c"], "term": ["Kiev", "Kyiv", "Kiev"]})
        >>> csv, html = export.save_explorer(labels, "labels", interactive.labels_table, max_rows=2)
        >>> len(pd.read_csv(csv)), "Showing 2 of 3 rows (1 left out); the full table is in labels.csv" in html.read_text()
        (3, True)
        """
        if not isinstance(data, pd.DataFrame):  # the table's parts (e.g. StoredMentions.parts): streamed
            csv, head, total = self._save_table_parts(data, name, keep=max_rows)
            return csv, self.save_page(page(head, max_rows=max_rows, full_table=csv.name, total_rows=total,
                                            **options), name)
        csv = self.save_table(data, name)
        return csv, self.save_page(page(data, max_rows=max_rows, full_table=csv.name, **options), name)

    def _save_table_parts(self, parts: Iterable[pd.DataFrame], name: str, *, keep: int
                          ) -> tuple[Path, pd.DataFrame, int]:
        """The CSV :meth:`save_table` writes for the concatenated ``parts``, written part by part (one
        part in memory at a time); returns it with the first ``keep`` rows and the number of rows."""
        path = _table_path(figure_dir(self.notebook, self.output_dir), name)
        head, kept, total = [], 0, 0
        path.write_text("")  # no part at all: an empty table
        for i, part in enumerate(parts):
            neutralise_formulas(part).to_csv(path, index=False, mode="w" if i == 0 else "a", header=i == 0)
            if kept < keep:
                head.append(part.head(keep - kept))
                kept += len(head[-1])
            total += len(part)
        return path, (pd.concat(head, ignore_index=True) if head else pd.DataFrame()), total

    def save_page(self, page, name: str, *, text: str | None = None) -> Path:
        """Write an :mod:`analysis.interactive` page as ``<name>.html`` beside the figures and,
        inside a notebook, show a link to it (relative to the report page, which sits two
        folders above the figures). The page itself is not embedded in the notebook."""
        folder = figure_dir(self.notebook, self.output_dir)
        path = page.write(folder / f"{_NAME_RE.sub('_', name)}.html")
        if _in_notebook():
            import html

            from IPython.display import HTML, display

            href = f"figures/{folder.name}/{path.name}"
            label = html.escape(text or f"Open the interactive page: {page.title}")
            display(HTML(f'<p>&#128279; <a href="{href}" target="_blank">{label}</a> '
                         f'(<code>{html.escape(href)}</code>, works offline)</p>'))
        return path


def capped_sample(frame: pd.DataFrame, by: str, *, n: int, label: str, articles: pd.DataFrame,
                  what: str = "distinctive terms", seed: int = 0) -> tuple[pd.DataFrame, str | None]:
    """At most ``n`` rows of ``frame`` per value of ``by`` (:func:`analysis.overview.sample_groups`, a
    fixed-seed sample) and the source line that says so, or ``frame`` itself and ``None`` when no group
    is larger than ``n``. A step that scans every text (term counts, explorer lines) on the sample keeps
    its time and memory flat however large the corpus.

    >>> docs = pd.DataFrame({"article_id": list("abcde"), "period": ["before"] * 4 + ["after"], "text": list("vwxyz")})
    >>> sample, source = capped_sample(docs, "period", n=2, label="data/raw", articles=docs)
    >>> len(sample), "; distinctive terms on a sample of 3 of 5 articles, at most 2 per period;" in source
    (3, True)
    >>> capped_sample(docs, "period", n=4, label="data/raw", articles=docs)[1] is None
    True
    """
    from analysis.overview import sample_groups

    if not (frame[by].value_counts() > n).any():
        return frame, None
    sample = sample_groups(frame, by, n=n, seed=seed)
    return sample, source_line(label, articles, extra=f"{what} on a sample of {len(sample):,} of {len(frame):,} "
                                                      f"articles, at most {n:,} per {by}")


def _legend_boxes(ax, renderer) -> list:
    """Display boxes of the legends drawn on ``ax`` or its figure. A legend at ``loc="best"`` is fixed where it
    is now, or it would move away from the event labels onto something else."""
    boxes = []
    for legend in [ax.get_legend(), *ax.figure.legends]:
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        if getattr(legend, "_loc", None) in (0, "best"):
            anchor = legend.get_bbox_to_anchor()
            legend.set_loc(((box.x0 - anchor.x0) / anchor.width, (box.y0 - anchor.y0) / anchor.height))
        boxes.append(box)
    return boxes


def _free_label(ax, x: float, text: str, *, rows: int, frame, taken: list, renderer, **style):
    """Write ``text`` at ``x`` in the first of ``rows`` label rows from the top where it fits: right of its line,
    else left of it, inside ``frame`` and clear of every box in ``taken`` (which gets the new one). None: no room."""
    for r in range(rows):
        for ha, shown in (("left", " " + text), ("right", text + " ")):
            label = ax.text(x, 0.98 - r * 0.06, shown, ha=ha, va="top", clip_on=False, **style)
            box = label.get_window_extent(renderer)
            if box.x0 >= frame.x0 - 0.5 and box.x1 <= frame.x1 + 0.5 and not any(box.padded(2).overlaps(b) for b in taken):
                taken.append(box)
                return label
            label.remove()
    return None


def add_events(ax, events: pd.DataFrame | None = None, *, which=None, fontsize: float = 7, color: str = "#666666",
               max_rows: int = 4, label_column: str = "label"):
    """Draw dated events on a matplotlib time axis: a dotted vertical line each, and a short
    label at the top, stacked over up to ``max_rows`` rows, right of its line (left of it where
    the axes end), so that labels overlap neither one another nor a legend, and stay inside the
    axes. Call it once the legend is drawn.

    Parameters
    ----------
    ax : axes whose x axis holds dates (matplotlib date numbers, as pandas/seaborn plot them).
    events : DataFrame with ``date`` and ``label`` (default :func:`analysis.events.load_events`).
    which : ``None`` (every event inside the current x limits), a category or list of
        categories, or a list of ``event_id`` values.
    max_rows : label rows; a label that fits no row is left out (its line stays) and
        reported in the returned dict.

    Returns
    -------
    dict with ``lines`` (drawn event_ids), ``labels`` (labelled event_ids) and ``unlabelled``.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(pd.to_datetime(["2022-01-01", "2022-12-31"]), [0, 1])
    >>> drawn = add_events(ax, which=["full_scale_invasion", "bucha", "kherson_liberated"])
    >>> drawn["labels"]
    ['full_scale_invasion', 'bucha', 'kherson_liberated']
    """
    import matplotlib.dates as mdates
    import matplotlib.transforms as mtransforms

    if events is None:
        from analysis.events import load_events

        events = load_events()
    ev = events.copy()
    if which is not None:
        wanted = {which} if isinstance(which, str) else set(which)
        cats = set(ev["category"]) if "category" in ev.columns else set()
        ids = set(ev["event_id"]) if "event_id" in ev.columns else set()
        unknown = wanted - cats - ids
        if unknown:
            raise ValueError(f"which= names no category or event_id: {sorted(unknown)}")
        keep = pd.Series(False, index=ev.index)
        if "category" in ev.columns:
            keep |= ev["category"].isin(wanted)
        if "event_id" in ev.columns:
            keep |= ev["event_id"].isin(wanted)
        ev = ev[keep]
    dates = pd.to_datetime(ev["date"], utc=True).dt.tz_convert(None)
    ev = ev.assign(_x=mdates.date2num(dates.dt.to_pydatetime())).sort_values("_x", kind="stable")
    lo, hi = sorted(ax.get_xlim())
    if which is None:
        ev = ev[(ev["_x"] >= lo) & (ev["_x"] <= hi)]
    trans = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    fig = ax.figure
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else fig._get_renderer()
    frame = ax.get_window_extent(renderer)
    ax.set_xlim(lo, hi)  # now: a line outside the view would widen it while the labels are measured
    # measured, not estimated: a label goes where its drawn box meets no legend, no label placed before and
    # stays inside the axes (a label running past the right edge ran into a legend placed beside the axes)
    taken = _legend_boxes(ax, renderer)
    drawn: dict[str, list] = {"lines": [], "labels": [], "unlabelled": []}
    for _, row in ev.iterrows():
        eid = row.get("event_id", row[label_column])
        x = row["_x"]
        ax.axvline(x, color=color, lw=0.7, ls=":", zorder=0.5)
        drawn["lines"].append(eid)
        label = _free_label(ax, x, str(row[label_column]), rows=max_rows, frame=frame, taken=taken,
                            renderer=renderer, transform=trans, fontsize=fontsize, color=color, gid=f"event:{eid}")
        drawn["labels" if label is not None else "unlabelled"].append(eid)
    ax.set_xlim(lo, hi)
    return drawn
