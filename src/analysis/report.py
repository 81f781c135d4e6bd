"""Figures and tables for reports: one house style, exported the same way everywhere.

Every chart the notebooks make goes through :func:`save_figure`, which writes
``reports/figures/<notebook>/<name>.png`` (300 dpi), ``.svg`` and ``.pdf`` and,
when given, the plotted data as ``<name>.csv`` beside them, so a figure in a
report can always be traced back to its numbers.

The house style is seaborn's ``whitegrid`` with the colour-blind-safe palette
of Wong (2011, *Nature Methods* 8:441) — the Okabe & Ito colours.

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

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.paths import reports_dir

__all__ = [
    "Exporter",
    "PALETTE",
    "SIDE_COLORS",
    "bar_chart",
    "figure_dir",
    "format_date_axis",
    "save_figure",
    "save_table",
    "set_style",
    "source_note",
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


def format_date_axis(ax, axis: str = "x") -> None:
    """Concise date tick labels (``2022``, ``Mar``, ``Apr`` ...) that never overlap."""
    import matplotlib.dates as mdates

    target = ax.xaxis if axis == "x" else ax.yaxis
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    target.set_major_locator(locator)
    target.set_major_formatter(mdates.ConciseDateFormatter(locator))


def has_source_note(fig) -> bool:
    return any(t.get_gid() == "source-note" for t in fig.texts)


def _notebook_name(notebook: str | None) -> str:
    name = notebook or os.environ.get("ANALYSIS_NOTEBOOK") or "scratch"
    return _NAME_RE.sub("_", Path(name).stem)


def figure_dir(notebook: str | None = None, output_dir: str | os.PathLike | None = None) -> Path:
    """``<output_dir>/figures/<notebook>``; defaults come from ``ANALYSIS_OUTPUT`` and
    ``ANALYSIS_NOTEBOOK`` (set by the runner) so notebook code needs no paths."""
    base = Path(output_dir) if output_dir is not None else reports_dir()
    return base / "figures" / _notebook_name(notebook)


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
    written = []
    for fmt in formats:
        path = folder / f"{stem}.{fmt}"
        # A fixed creation date keeps PDF/SVG bytes identical across reruns.
        metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(fmt)
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
    out = data.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(escape_formula)
    out.columns = [escape_formula(c) for c in out.columns]
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_levels([lvl.map(escape_formula) if lvl.dtype == object
                                          or pd.api.types.is_string_dtype(lvl.dtype) else lvl
                                          for lvl in out.index.levels])
    elif out.index.dtype == object or pd.api.types.is_string_dtype(out.index.dtype):
        out.index = out.index.map(escape_formula)
    return out


def save_table(data: pd.DataFrame, name: str, *, folder: str | os.PathLike | None = None,
               notebook: str | None = None) -> Path:
    """Write ``data`` as CSV (UTF-8, no index unless it is named) and return the path.

    Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR at the
    start) are written with a leading ``'`` (:func:`neutralise_formulas`).
    """
    folder = Path(folder) if folder is not None else figure_dir(notebook)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_NAME_RE.sub('_', name)}.csv"
    keep_index = any(n is not None for n in data.index.names)
    neutralise_formulas(data).to_csv(path, index=keep_index)
    return path


def bar_chart(
    data: pd.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    xlabel: str,
    ylabel: str | None = None,
    hue: str | None = None,
    source: str | None = None,
    ax=None,
):
    """Horizontal bar chart in the house style; returns the Figure.

    ``title`` should state the finding ("B publishes most"), ``xlabel`` carry
    the unit ("Articles (count)").
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
        sns.barplot(data=data, x=x, y=y, hue=hue, ax=ax, orient="h")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel if ylabel is not None else "")
    if source:
        source_note(fig, source)
    return fig


@dataclass(frozen=True)
class Exporter:
    """Bind :func:`save_figure` to one notebook, output folder and default source line.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, tempfile
    >>> export = Exporter("01_corpus_overview", output_dir=tempfile.mkdtemp(), source="Source: seed article")
    >>> fig, ax = plt.subplots()
    >>> [p.suffix for p in export.save_figure(fig, "empty")]
    ['.png', '.svg', '.pdf']
    """

    notebook: str
    output_dir: str | os.PathLike | None = None
    source: str | None = None

    def save_figure(self, fig, name: str, *, data: pd.DataFrame | None = None, source: str | None = None) -> list[Path]:
        """Add the source line (unless the figure has one) and export; see :func:`save_figure`."""
        note = source or self.source
        if note and (source or not has_source_note(fig)):
            source_note(fig, note)
        return save_figure(fig, name, data=data, notebook=self.notebook, output_dir=self.output_dir)

    def save_table(self, data: pd.DataFrame, name: str) -> Path:
        return save_table(data, name, folder=figure_dir(self.notebook, self.output_dir))
