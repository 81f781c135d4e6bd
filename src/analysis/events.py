"""Dated events of the war, and how coverage changed around them.

``data/lexicons/events.csv`` is a hand-curated list of key events (2014-2025), one row
each with a date, a short label, a description written for this project, a category and a
public source page (see ``data/lexicons/README-events.md``).

* :func:`load_events` - the list as a DataFrame, optionally filtered.
* :func:`analysis.report.add_events` - draws events on any matplotlib time axis.
* :func:`around_event` - volume, tone, contested labels (and entity roles) in the ``days``
  before vs after an event, per outlet: a tidy table; :func:`plot_around_event` charts it.

Example
-------
>>> import pandas as pd
>>> ev = load_events(categories=["military"])
>>> ev.set_index("event_id").loc["kursk_incursion", "date"].date().isoformat()
'2024-08-06'
>>> arts = pd.DataFrame({"article_id": list("abcd"), "outlet": ["X", "X", "Y", "X"],
...     "published": pd.to_datetime(["2024-08-01", "2024-08-07", "2024-08-08", "2024-09-30"], utc=True),
...     "text": ["Calm day.", "Ukrainian troops attacked Kursk. Terrible losses.",
...              "The Kiev regime's terrorist attack on Kursk.", "Out of the window."]})
>>> r = around_event(arts, None, "kursk_incursion", days=14)
>>> r.query("measure == 'articles'")[["outlet", "period", "value"]].values.tolist()
[['X', 'before', 1.0], ['X', 'after', 1.0], ['Y', 'before', 0.0], ['Y', 'after', 1.0]]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.paths import lexicon_dir

__all__ = ["AROUND_COLUMNS", "EVENT_COLUMNS", "KEY_EVENTS", "around_event", "event", "load_events",
           "plot_around_event", "select_events"]

EVENT_COLUMNS = ["date", "event_id", "label", "description", "category", "source_url"]
#: columns of :func:`around_event`; ``"<by>"`` stands for the grouping column's own name
AROUND_COLUMNS = ["event_id", "event_date", "<by>", "period", "start", "end", "measure", "value", "n_articles"]


def load_events(path: str | Path | None = None, *, categories: Iterable[str] | str | None = None,
                start=None, end=None) -> pd.DataFrame:
    """The events list: DataFrame[date (UTC midnight), event_id, label, description, category,
    source_url], sorted by date.

    ``categories`` keeps only those categories (military, political, diplomatic, humanitarian,
    infrastructure, legal); ``start``/``end`` (anything :func:`pandas.to_datetime` reads) keep
    events in that date range, inclusive.
    """
    path = Path(path) if path is not None else lexicon_dir() / "events.csv"
    ev = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in EVENT_COLUMNS if c not in ev.columns]
    if missing:
        raise ValueError(f"{path.name} lacks columns {missing}; expected {EVENT_COLUMNS}")
    ev = ev[EVENT_COLUMNS].copy()
    ev["date"] = pd.to_datetime(ev["date"], format="%Y-%m-%d", utc=True)
    if categories is not None:
        wanted = {categories} if isinstance(categories, str) else set(categories)
        unknown = wanted - set(ev["category"])
        if unknown:
            raise ValueError(f"unknown categories {sorted(unknown)}; known: {sorted(set(ev['category']))}")
        ev = ev[ev["category"].isin(wanted)]
    if start is not None:
        ev = ev[ev["date"] >= _utc(start)]
    if end is not None:
        ev = ev[ev["date"] <= _utc(end)]
    return ev.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)


#: The turning points drawn by default (``EVENTS = "key"`` in the notebooks): one or two a year.
KEY_EVENTS = ("crimea_annexation", "minsk_ii", "full_scale_invasion", "bucha", "kharkiv_counteroffensive",
              "annexation_declared", "kherson_liberated", "bakhmut_falls", "counteroffensive_2023",
              "wagner_mutiny", "avdiivka_withdrawal", "kursk_incursion", "oreshnik_strike")


def select_events(which="key", events: pd.DataFrame | None = None) -> pd.DataFrame:
    """The events a notebook's ``EVENTS`` parameter picks, for :func:`analysis.report.add_events`.

    ``"key"`` (:data:`KEY_EVENTS`), ``"all"``, ``"none"`` (or ``None``/``False``/``[]``: an
    empty table), a category (``"military"``), or a list of categories and/or event ids.

    >>> len(select_events("none")), len(select_events("all")) == len(load_events())
    (0, True)
    >>> bool(select_events(["kursk_incursion", "diplomatic"])["category"].isin(["military", "diplomatic"]).all())
    True
    """
    ev = load_events() if events is None else events
    if which is None or which is False or (isinstance(which, str) and which.lower() in ("none", "")):
        return ev.iloc[:0]
    if isinstance(which, str) and which.lower() == "all":
        return ev
    if isinstance(which, str) and which.lower() == "key":
        wanted = set(KEY_EVENTS)
    else:
        wanted = {which} if isinstance(which, str) else set(which)
    if not wanted:
        return ev.iloc[:0]
    unknown = wanted - set(ev["event_id"]) - set(ev["category"])
    if unknown and not (isinstance(which, str) and which.lower() == "key"):
        raise ValueError(f"EVENTS names no category or event_id: {sorted(unknown)}; "
                         f"categories: {sorted(set(ev['category']))}")
    return ev[ev["event_id"].isin(wanted) | ev["category"].isin(wanted)].reset_index(drop=True)


def _utc(value) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def event(event_id: str, events: pd.DataFrame | None = None) -> pd.Series:
    """One event's row by id (KeyError naming close ids when unknown)."""
    ev = load_events() if events is None else events
    hit = ev[ev["event_id"] == event_id]
    if hit.empty:
        import difflib

        close = difflib.get_close_matches(event_id, ev["event_id"].tolist(), n=5, cutoff=0.3)
        raise KeyError(f"unknown event_id {event_id!r}; did you mean {close}?")
    return hit.iloc[0]


# --------------------------------------------------------------------------------------------
# Around an event
# --------------------------------------------------------------------------------------------

def _tables(sentences_or_tables) -> dict[str, pd.DataFrame]:
    if sentences_or_tables is None:
        return {}
    if isinstance(sentences_or_tables, pd.DataFrame):
        return {"sentences": sentences_or_tables}
    if isinstance(sentences_or_tables, Mapping):
        return dict(sentences_or_tables)
    raise TypeError("sentences_or_tables must be a sentences DataFrame, a dict of tables or None")


def _article_tone(arts: pd.DataFrame, tables: dict) -> pd.Series:
    """mean sentence compound per article_id (VADER, war-news lexicon)."""
    from analysis.sentiment import article_sentiment, sentence_sentiment

    if "sentiment" in tables:
        s = tables["sentiment"]
        if "mean_compound" in s.columns:
            return s.set_index("article_id")["mean_compound"]
        return article_sentiment(s).set_index("article_id")["mean_compound"]
    return article_sentiment(sentence_sentiment(tables["sentences"])).set_index("article_id")["mean_compound"]


def around_event(articles: pd.DataFrame, sentences_or_tables, event_id: str, *, days: int = 14,
                 by: str = "outlet", events: pd.DataFrame | None = None, date: str = "published",
                 exclude_quoted: bool = True) -> pd.DataFrame:
    """How each outlet's coverage changed around an event: the ``days`` before vs the ``days``
    after.

    The *before* window is ``[event - days, event)``, the *after* window ``[event, event +
    days)``, in UTC calendar days: the event's own day counts as after (coverage reacts on the
    day).

    Parameters
    ----------
    articles : articles with ``article_id``, ``published`` (or ``date=``), ``text`` and ``by``.
    sentences_or_tables : ``None`` (everything computed from ``articles``), a sentences table
        (:func:`analysis.text.sentences`) or a dict of precomputed tables among
        ``sentences``, ``sentiment`` (sentence or article scores), ``labels``
        (:func:`analysis.framing.label_matches`) and ``roles`` (any table with ``article_id``
        and ``role``, e.g. entity roles: protagonist / antagonist / innocent).
    event_id : an id from :func:`load_events` (or from ``events=``).
    days : window length on each side.
    by : grouping column (outlet, country, side ...).
    exclude_quoted : count only labels outside quotation marks (the outlet's own words).

    Returns
    -------
    Tidy DataFrame[event_id, event_date, <by>, period ("before"/"after"), start, end,
    measure, value, n_articles] (``<by>`` is the grouping column, e.g. ``outlet``), one row per
    group x period x measure; every group of ``articles`` appears, also with no article in a
    window:

    ==================  ================================================================
    measure             value
    ==================  ================================================================
    articles            number of articles in the window
    articles_per_day    the same / days
    tone                mean over articles of the mean sentence VADER compound
                        (Hutto & Gilbert 2014; war-news lexicon), NaN without articles
    share_negative_tone share of articles whose mean compound <= -0.05
    label:<side>        contested labels of that side per 10,000 words
                        (russia_aligned, ukraine_aligned, neutral)
    role:<role>         share of the window's role assignments that are <role>
                        (only with a ``roles`` table)
    ==================  ================================================================
    """
    from analysis.framing._lexicon import word_count

    ev = event(event_id, events if events is not None else load_events())
    t0 = ev["date"].normalize()
    if date not in articles.columns:
        raise KeyError(f"around_event() needs the date column {date!r}")
    if by not in articles.columns:
        raise KeyError(f"around_event() groups by {by!r}, which articles lack")
    when = pd.to_datetime(articles[date], utc=True)
    span = pd.Timedelta(days=days)
    period = np.where((when >= t0 - span) & (when < t0), "before",
                      np.where((when >= t0) & (when < t0 + span), "after", ""))
    arts = articles.assign(_period=period)
    groups = sorted(articles[by].dropna().unique(), key=str)
    arts = arts[arts["_period"] != ""]
    tables = _tables(sentences_or_tables)
    if "sentences" not in tables and "sentiment" not in tables and len(arts):
        from analysis.text import sentences

        tables["sentences"] = sentences(arts)
    elif "sentences" in tables:
        tables["sentences"] = tables["sentences"][tables["sentences"]["article_id"].isin(arts["article_id"])]
    rows: list[tuple] = []
    bounds = {"before": (t0 - span, t0), "after": (t0, t0 + span)}
    measures: dict[str, pd.Series] = {}
    if len(arts):
        tone = _article_tone(arts, tables)
        arts = arts.assign(_tone=arts["article_id"].map(tone), _words=arts["text"].map(word_count))
        labels = tables.get("labels")
        if labels is None:
            from analysis.framing.labels import label_matches

            labels = label_matches(tables.get("sentences", arts))
        labels = labels[labels["article_id"].isin(arts["article_id"])]
        if exclude_quoted and "in_quote" in labels.columns:
            labels = labels[~labels["in_quote"].astype(bool)]
        labels = _with_group(labels, arts, by)
        measures["labels"] = labels
        if "roles" in tables:
            roles = _with_group(tables["roles"], arts, by)
            measures["roles"] = roles
    sides = ("russia_aligned", "ukraine_aligned", "neutral")
    role_names = sorted(measures["roles"]["role"].dropna().unique(), key=str) if "roles" in measures else []
    for g in groups:
        for p in ("before", "after"):
            part = arts[(arts[by] == g) & (arts["_period"] == p)]
            n = len(part)
            start, end = bounds[p]

            def add(measure, value, n=n, g=g, p=p, start=start, end=end):
                rows.append((event_id, t0, g, p, start, end, measure, float(value), n))

            add("articles", n)
            add("articles_per_day", n / days)
            add("tone", part["_tone"].mean() if n else np.nan)
            add("share_negative_tone", (part["_tone"] <= -0.05).mean() if n else np.nan)
            words = part["_words"].sum() if n else 0
            lab = measures.get("labels")
            for side in sides:
                k = 0 if lab is None else int(((lab[by] == g) & (lab["_period"] == p) & (lab["side"] == side)).sum())
                add(f"label:{side}", k / words * 10_000 if words else np.nan)
            if role_names:
                r = measures["roles"]
                r = r[(r[by] == g) & (r["_period"] == p)]
                for role in role_names:
                    add(f"role:{role}", (r["role"] == role).mean() if len(r) else np.nan)
    out = pd.DataFrame(rows, columns=[by if c == "<by>" else c for c in AROUND_COLUMNS])
    out.attrs["event"] = {"event_id": event_id, "label": ev["label"], "date": t0.date().isoformat(), "days": days,
                          "by": by}
    return out


def _with_group(table: pd.DataFrame, arts: pd.DataFrame, by: str) -> pd.DataFrame:
    """``table``'s rows of ``arts`` with the article's group and period; a ``by`` column of the
    table itself (``lang`` of the stored labels) gives way to the article's."""
    return table.drop(columns=[by], errors="ignore").merge(arts[["article_id", by, "_period"]], on="article_id")


def plot_around_event(result: pd.DataFrame, *, measure: str = "articles", ax=None, title: str | None = None):
    """Dumbbell chart of one measure of :func:`around_event`: per group, a grey dot *before*
    and a coloured dot *after*, joined by a line; each label carries the number of articles
    before -> after, so thin evidence shows. Returns the matplotlib Figure."""
    import matplotlib.pyplot as plt

    from analysis.report import PALETTE

    data = result[result["measure"] == measure]
    if data.empty:
        raise ValueError(f"no measure {measure!r}; measures: {sorted(result['measure'].unique())}")
    by = result.attrs.get("event", {}).get("by") or result.columns[2]
    wide = data.pivot_table(index=by, columns="period", values="value", aggfunc="first", dropna=False)
    wide = wide.reindex(columns=["before", "after"])
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, max(2.5, 0.4 * len(wide) + 1.5)))
    else:
        fig = ax.figure
    y = np.arange(len(wide))
    ax.hlines(y, wide["before"], wide["after"], color="#BBBBBB", lw=2, zorder=1)
    ax.scatter(wide["before"], y, color="#999999", label="before", zorder=2)
    ax.scatter(wide["after"], y, color=PALETTE[0], label="after", zorder=3)
    n = data.pivot_table(index=by, columns="period", values="n_articles", aggfunc="first").reindex(wide.index)
    n = n.reindex(columns=["before", "after"]).fillna(0).astype(int)
    ax.set_yticks(y, [f"{g}  (n={b}\u2192{a})" for g, b, a in zip(wide.index, n["before"], n["after"])])
    info = result.attrs.get("event", {})
    ax.set_xlabel(measure)
    ax.set_title(title or f"{measure}: {info.get('days', '?')} days before vs after "
                          f"{info.get('label', info.get('event_id', 'the event'))} ({info.get('date', '')})")
    ax.legend(loc="best", frameon=False)
    return fig
