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

import numpy as np
import pandas as pd

from analysis.paths import reports_dir

__all__ = [
    "PALETTE",
    "SIDE_COLORS",
    "Exporter",
    "add_events",
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


def save_table(data: pd.DataFrame, name: str, *, folder: str | os.PathLike | None = None,
               notebook: str | None = None) -> Path:
    """Write ``data`` as CSV (UTF-8, no index unless it is named) and return the path."""
    folder = Path(folder) if folder is not None else figure_dir(notebook)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_NAME_RE.sub('_', name)}.csv"
    keep_index = any(n is not None for n in data.index.names)
    data.to_csv(path, index=keep_index)
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


def add_events(ax, events: pd.DataFrame | None = None, *, which=None, fontsize: float = 7, color: str = "#666666",
               max_rows: int = 4, label_column: str = "label"):
    """Draw dated events on a matplotlib time axis: a dotted vertical line each, and a short
    label at the top, stacked over up to ``max_rows`` rows so that labels do not overlap.

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
    width_px = ax.get_window_extent().width or fig.get_figwidth() * fig.dpi
    px_per_unit = width_px / (hi - lo) if hi > lo else 1.0
    row_end = [-np.inf] * max_rows  # right edge (data units) of the last label in each row
    drawn: dict[str, list] = {"lines": [], "labels": [], "unlabelled": []}
    for _, row in ev.iterrows():
        eid = row.get("event_id", row[label_column])
        x = row["_x"]
        ax.axvline(x, color=color, lw=0.7, ls=":", zorder=0.5)
        drawn["lines"].append(eid)
        text = str(row[label_column])
        est = (len(text) * fontsize * 0.6 + 6) * fig.dpi / 72 / px_per_unit  # label width in data units
        for r in range(max_rows):
            if x > row_end[r]:
                ax.text(x, 0.98 - r * 0.06, " " + text, transform=trans, fontsize=fontsize, color=color,
                        ha="left", va="top", clip_on=False, gid=f"event:{eid}")
                row_end[r] = x + est
                drawn["labels"].append(eid)
                break
        else:
            drawn["unlabelled"].append(eid)
    ax.set_xlim(lo, hi)
    return drawn
