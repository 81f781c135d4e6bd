"""Interactive exploration that works offline: every page carries its own JavaScript.

Three views, each returning a :class:`Page` that displays in JupyterLab and writes a
standalone HTML file (``page.write("x.html")``) with **no network references**: the
charting library (plotly.js, inlined with ``include_plotlyjs=True``) and the table library
(DataTables through itables' offline bundle) are embedded in the page, so it opens on an
air-gapped laptop and can be mailed or archived as one file.

* :func:`distinctive_explorer` - Scattertext-style term map (Kessler 2017,
  "Scattertext: a browser-based tool for visualizing how corpora differ", ACL System
  Demonstrations): each term is a point placed by its frequency rank in group *a* (x) and
  group *b* (y); colour is the Monroe, Colaresi & Quinn (2008) log-odds z-score with an
  informative Dirichlet prior (:func:`analysis.framing.distinctive_terms`); hover shows the
  counts and z; clicking a term (or typing it in the search box) lists its keyword-in-context
  lines under the chart. All data is embedded in the page.
* :func:`table` and :func:`mentions_table`, :func:`quotes_table`, :func:`labels_table`,
  :func:`rejects_table` - searchable, sortable tables with a filter box per column.
* :func:`timeseries` - lines over time with hover, optionally with dated events.

Example
-------
>>> import pandas as pd, tempfile, pathlib
>>> from analysis import interactive
>>> arts = pd.DataFrame({"article_id": ["1", "2", "3", "4"], "outlet": ["ru", "ru", "ua", "ua"],
...     "text": ["The Kiev regime shelled Donbass.", "Kiev regime nazis again.",
...              "Russian invasion of Kyiv region.", "Kyiv resists the invasion."]})
>>> page = interactive.distinctive_explorer(arts, "outlet", min_count=1)
>>> path = page.write(pathlib.Path(tempfile.mkdtemp()) / "terms.html")
>>> interactive.network_references(path.read_text(encoding="utf-8"))
[]
"""

from __future__ import annotations

import html as html_module
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "Page",
    "distinctive_explorer",
    "labels_table",
    "mentions_table",
    "network_references",
    "quotes_table",
    "rejects_table",
    "table",
    "term_lines",
    "timeseries",
]


# --------------------------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------------------------

@dataclass
class Page:
    """An HTML page: ``body`` holds the content with its scripts, ``head`` any library code.

    ``page.html`` is a complete standalone document; ``page.write(path)`` saves it;
    in JupyterLab the page displays itself (``_repr_html_``).
    """

    title: str
    body: str
    head: str = ""
    figure: object | None = None  # the plotly Figure behind a chart, for further styling
    element_id: str = ""  # id of the chart's <div> (plotly) in the page

    @property
    def html(self) -> str:
        title = html_module.escape(self.title)
        return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f"<title>{title}</title>\n<style>{_CSS}</style>\n{self.head}\n</head>\n<body>\n"
                f"<h1>{title}</h1>\n{self.body}\n</body>\n</html>\n")

    def write(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        return f"<div class=\"wca-page\">{self.head}{self.body}</div>"


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; }
.wca-kwic { border-collapse: collapse; font-size: 0.9em; width: 100%; }
.wca-kwic td { padding: 2px 6px; border-bottom: 1px solid #eee; vertical-align: top; }
.wca-kwic td.left { text-align: right; color: #555; white-space: nowrap; overflow: hidden; max-width: 28em; direction: rtl; }
.wca-kwic td.match { font-weight: bold; white-space: nowrap; }
.wca-kwic td.right { color: #555; white-space: nowrap; overflow: hidden; max-width: 28em; }
.wca-note { color: #666; font-size: 0.85em; }
"""

_NET = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>", re.IGNORECASE)


def network_references(page_html: str) -> list[str]:
    """Every ``<script>``, ``<link>``, ``<img>`` or ``<iframe>`` tag in ``page_html`` that loads
    something over the network (``src``/``href`` starting with ``http:``, ``https:`` or ``//``).
    An offline page has none.

    >>> network_references('<script src="https://cdn.plot.ly/plotly.min.js"></script><script>1</script>')
    ['<script src="https://cdn.plot.ly/plotly.min.js">']
    """
    return _NET.findall(page_html)


def _json_for_script(data) -> str:
    """JSON safe inside a <script> element (no "</script>" or "<!--" can end it early)."""
    return (json.dumps(data, ensure_ascii=False, default=str)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _uid(*parts) -> str:
    """A stable element id (the same input gives the same page bytes)."""
    import hashlib

    return "wca" + hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:10]


def _plotly_html(fig, *, div_id: str, post_script: str | None = None) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=True, div_id=div_id, post_script=post_script,
                       config={"displaylogo": False, "responsive": True})


# --------------------------------------------------------------------------------------------
# (a) Distinctive-terms explorer
# --------------------------------------------------------------------------------------------

def term_lines(articles: pd.DataFrame, terms, *, window: int = 60, per_term: int = 20,
               ngram: tuple[int, int] = (1, 2), group: str | None = None) -> pd.DataFrame:
    """KWIC lines for many terms in one pass over the texts (unigrams and bigrams as
    :func:`analysis.framing.distinctive.distinctive_terms` counts them: lower-cased,
    possessive ``'s`` dropped).

    Returns DataFrame[term, article_id, start, end, left, match, right (, <group>)] with at
    most ``per_term`` lines per term, in article order.

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": [1], "text": ["Kyiv's mayor said Kyiv held."]})
    >>> term_lines(arts, ["kyiv", "kyiv mayor"], window=5)[["term", "left", "match", "right"]].values.tolist()
    [['kyiv', '', "Kyiv's", ' mayo'], ['kyiv mayor', '', "Kyiv's mayor", ' said'], ['kyiv', 'said ', 'Kyiv', ' held']]
    """
    from analysis.framing.distinctive import _WORD, word_terms

    open_terms = set(terms) if per_term > 0 else set()  # the terms still short of per_term lines
    counts = dict.fromkeys(open_terms, 0)
    # an n-gram (n > 1) can only start at a word that starts one of the terms: the n-gram is
    # joined only there, not at every word of every text
    heads = {t.split(" ", 1)[0] for t in open_terms if " " in t}
    as_term = word_terms()
    rows = []
    lo, hi = ngram
    groups = articles[group].tolist() if group else [None] * len(articles)
    for aid, text, g in zip(articles["article_id"].tolist(), articles["text"].tolist(), groups):
        if not open_terms:  # every term has its lines: the rest of the texts cannot add one
            break
        if not isinstance(text, str):
            continue
        words = [as_term[w] for w in _WORD.findall(text)]
        spans = None  # the words' offsets, found only in a text that gives a line
        for i, word in enumerate(words):
            for n in range(lo, hi + 1):
                if i + n > len(words):
                    break
                if n == 1:
                    term = word
                elif word in heads:
                    term = " ".join(words[i:i + n])
                else:
                    continue
                if term in open_terms:
                    counts[term] += 1
                    if counts[term] >= per_term:
                        open_terms.discard(term)
                    if spans is None:
                        spans = [m.span() for m in _WORD.finditer(text)]
                    s, e = spans[i][0], spans[i + n - 1][1]
                    rows.append((term, aid, s, e, _flat(text[max(0, s - window):s]), _flat(text[s:e]),
                                 _flat(text[e:e + window]), g))
    out = pd.DataFrame(rows, columns=["term", "article_id", "start", "end", "left", "match", "right", "_g"])
    if group:
        return out.rename(columns={"_g": group})
    return out.drop(columns="_g")


_SPACE = re.compile(r"\s+")


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text)


def _rank_scale(values: np.ndarray) -> np.ndarray:
    """Dense rank scaled to [0, 1] (Scattertext's default term position)."""
    ranks = pd.Series(values).rank(method="dense").to_numpy()
    top = ranks.max() if len(ranks) else 1.0
    return (ranks - 1) / max(top - 1, 1)


def _spread(x: np.ndarray, y: np.ndarray, *, radius: float = 0.012) -> tuple[np.ndarray, np.ndarray]:
    """Terms with the same counts share a position: spread each such group on a small
    sunflower spiral around it (deterministic: the k-th term of a group always goes to the
    same place), so that every point can be hovered and clicked."""
    x, y = x.astype(float).copy(), y.astype(float).copy()
    keys = pd.Series(list(zip(np.round(x, 9), np.round(y, 9))))
    k = keys.groupby(keys).cumcount().to_numpy()
    n = keys.map(keys.value_counts()).to_numpy()
    many = n > 1
    angle = k * 2.399963  # golden angle
    r = radius * np.sqrt((k + 0.5) / np.maximum(n, 1))
    x[many] += (r * np.cos(angle))[many]
    y[many] += (r * np.sin(angle))[many]
    return x, y


_EXPLORER_JS = """
(function () {
 function init() {
  var data = JSON.parse(document.getElementById('%(data_id)s').textContent);
  var plot = document.getElementById('%(div_id)s');
  var out = document.getElementById('%(out_id)s');
  var box = document.getElementById('%(search_id)s');
  function cell(row, cls, text) { var td = document.createElement('td'); td.className = cls;
    td.textContent = text; row.appendChild(td); }
  function show(term) {
    var t = data.terms[term];
    out.textContent = '';
    var head = document.createElement('p');
    if (!t) { head.textContent = 'No term "' + term + '" in the chart.'; out.appendChild(head); return; }
    head.innerHTML = '';
    var b = document.createElement('b'); b.textContent = term; head.appendChild(b);
    head.appendChild(document.createTextNode(': ' + data.a + ' ' + t.n_a + ', ' + data.b + ' ' + t.n_b +
      ', z = ' + t.z.toFixed(2) + ' (favours ' + t.favours + '); showing ' + (t.lines || []).length + ' lines'));
    out.appendChild(head);
    var table = document.createElement('table'); table.className = 'wca-kwic';
    (t.lines || []).forEach(function (l) {
      var tr = document.createElement('tr');
      cell(tr, 'group', l[0]); cell(tr, 'left', '\\u200e' + l[1] + '\\u200e'); cell(tr, 'match', l[2]);
      cell(tr, 'right', l[3]); cell(tr, 'aid', l[4]); table.appendChild(tr);
    });
    out.appendChild(table);
  }
  plot.on('plotly_click', function (ev) { if (ev.points.length) show(ev.points[0].customdata[0]); });
  box.addEventListener('change', function () { show(box.value.trim().toLowerCase()); });
  window['%(div_id)s_show'] = show;
  if (window['%(div_id)s_initial']) show(window['%(div_id)s_initial']);
 }
 // the search box and the output <div> follow the chart: wait until the page is parsed
 if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
"""


def distinctive_explorer(articles: pd.DataFrame, groups: str, *, order=None, ngram=(1, 2), min_count: int = 3,
                         max_terms: int = 2000, label_terms: int = 15, per_term: int = 10, window: int = 60,
                         stop_words=None, result: pd.DataFrame | None = None, title: str | None = None,
                         show: str | None = None, lang: str | None = None) -> Page:
    """Scattertext-style explorer of the terms that distinguish two groups of articles.

    Parameters
    ----------
    articles : articles with ``article_id``, ``text`` and the ``groups`` column.
    groups : column with exactly two values (e.g. ``"side"`` or an outlet column filtered to
        two outlets); ``order`` fixes which is *a* (x axis).
    ngram, min_count, stop_words : as in :func:`analysis.framing.distinctive_terms`.
    max_terms : plot the ``max_terms`` most frequent terms plus the ``max_terms // 10`` with the
        largest |z| (rare but distinctive terms stay visible); the rest are left out.
    label_terms : write the ``label_terms`` most distinctive terms of each side on the chart.
    per_term, window : KWIC lines embedded per term and their context width.
    result : a precomputed :func:`distinctive_terms` table for the same data.
    show : a term whose KWIC lines are listed when the page opens.
    lang : on a corpus of several languages (its ``lang`` column), compare the articles of this one
        (``"en"``, ``"ru"``, ``"uk"``); without it such a corpus is refused, as :func:`distinctive_terms` does.

    Returns
    -------
    Page: x = dense-rank-scaled frequency in group *a*, y = in group *b* (Kessler 2017);
    colour = Monroe et al. (2008) z-score (blue: *a*, vermillion: *b*); hover: counts per
    group, frequency per 10,000 terms and z; click a point or type a term to list its KWIC
    lines (group, left, match, right, article_id). ``page.figure`` is the plotly Figure and
    ``page.terms`` (attribute of the returned object) the plotted table.
    """
    import plotly.graph_objects as go

    from analysis.framing._cyr import lang_column
    from analysis.framing.distinctive import distinctive_terms

    if lang is not None:
        articles = articles[lang_column(articles) == lang]
    res = result if result is not None else distinctive_terms(articles, groups, ngram=ngram, min_count=min_count,
                                                             stop_words=stop_words, order=order, lang=lang)
    a, b = res.attrs.get("groups") or (list(order) if order else sorted(articles[groups].dropna().unique(), key=str))
    if len(res) > max_terms:  # the most frequent terms, plus the most distinctive ones however rare
        strongest = res["z"].abs().nlargest(max(max_terms // 10, 2 * label_terms), keep="first").index
        frequent = res["count"].nlargest(max_terms, keep="first").index
        res = res.loc[sorted(set(frequent) | set(strongest))]
    res = res.sort_values("z", ascending=False, kind="stable").reset_index(drop=True)
    tot_a, tot_b = max(int(res["n_a"].sum()), 1), max(int(res["n_b"].sum()), 1)
    x, y = _spread(_rank_scale(res["n_a"].to_numpy()), _rank_scale(res["n_b"].to_numpy()))
    per_a, per_b = res["n_a"] / tot_a * 1e4, res["n_b"] / tot_b * 1e4
    hover = [f"<b>{html_module.escape(t)}</b><br>{html_module.escape(str(a))}: {na:,} ({pa:.1f} per 10k)"
             f"<br>{html_module.escape(str(b))}: {nb:,} ({pb:.1f} per 10k)<br>z = {z:.2f}"
             for t, na, nb, pa, pb, z in zip(res["term"], res["n_a"], res["n_b"], per_a, per_b, res["z"])]
    zmax = float(np.nanmax(np.abs(res["z"]))) if len(res) and np.isfinite(res["z"]).any() else 1.0
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=x, y=y, mode="markers", customdata=np.array(res[["term"]]), hovertext=hover, hoverinfo="text",
        marker={"color": res["z"].fillna(0), "colorscale": [[0, "#D55E00"], [0.5, "#DDDDDD"], [1, "#0072B2"]],
                "cmin": -zmax, "cmax": zmax, "size": 7, "opacity": 0.8,
                "colorbar": {"title": {"text": f"z (+ {a}, - {b})"}}},
        name="terms", showlegend=False))
    labelled = pd.concat([res.head(label_terms), res.tail(label_terms)]).drop_duplicates("term")
    labelled = labelled[labelled["z"].abs() >= 1.96]
    idx = labelled.index.to_numpy()
    fig.add_trace(go.Scatter(x=x[idx], y=y[idx], mode="text", text=labelled["term"], textposition="top center",
                             textfont={"size": 10}, hoverinfo="skip", showlegend=False))
    fig.update_layout(
        title=title or f"Terms that distinguish {a} from {b} (Monroe et al. 2008 z-scores)",
        xaxis={"title": f"frequency rank in {a} (0 = rarest, 1 = most frequent)", "range": [-0.05, 1.05]},
        yaxis={"title": f"frequency rank in {b}", "range": [-0.05, 1.08]},
        height=650, template="plotly_white", hovermode="closest", margin={"t": 60})
    lines = term_lines(articles, res["term"].tolist(), window=window, per_term=per_term, ngram=tuple(ngram),
                       group=groups)
    by_term: dict[str, list] = {}
    for t, g, left, match, right, aid in zip(lines["term"], lines[groups], lines["left"], lines["match"],
                                             lines["right"], lines["article_id"]):
        by_term.setdefault(t, []).append([str(g), left, match, right, str(aid)])
    data = {"a": str(a), "b": str(b), "terms": {
        t: {"n_a": int(na), "n_b": int(nb), "z": float(z) if np.isfinite(z) else 0.0, "favours": str(f),
            "lines": by_term.get(t, [])}
        for t, na, nb, z, f in zip(res["term"], res["n_a"], res["n_b"], res["z"], res["favours"])}}
    uid = _uid("terms", a, b, len(res), *res["term"].head(5))
    ids = {"div_id": f"{uid}_plot", "data_id": f"{uid}_data", "out_id": f"{uid}_kwic", "search_id": f"{uid}_q"}
    script = (f"window['{ids['div_id']}_initial'] = {_json_for_script(show)};" if show else "") + _EXPLORER_JS % ids
    chart = _plotly_html(fig, div_id=ids["div_id"], post_script=script)
    body = (f"<script type=\"application/json\" id=\"{ids['data_id']}\">{_json_for_script(data)}</script>\n"
            f"{chart}\n<p class=\"wca-note\">Hover a point for its counts; click it, or type a term here, "
            f"to read it in context: <input id=\"{ids['search_id']}\" list=\"{uid}_terms\" size=\"30\" "
            f"placeholder=\"term\"><datalist id=\"{uid}_terms\">"
            + "".join(f"<option value=\"{html_module.escape(t)}\">" for t in res["term"].head(500))
            + f"</datalist></p>\n<div id=\"{ids['out_id']}\"></div>\n"
            "<p class=\"wca-note\">Position: dense frequency rank per group (Kessler 2017, Scattertext). "
            "Colour: log-odds ratio with informative Dirichlet prior, z-score (Monroe, Colaresi &amp; Quinn "
            "2008); |z| &ge; 1.96 is labelled.</p>")
    page = Page(title=title or f"Distinctive terms: {a} vs {b}", body=body, figure=fig, element_id=ids["div_id"])
    page.terms = res  # type: ignore[attr-defined]
    return page


# --------------------------------------------------------------------------------------------
# (b) Tables
# --------------------------------------------------------------------------------------------

def _itables_head() -> str:
    from itables import options
    from itables.javascript import generate_init_offline_itables_html

    return generate_init_offline_itables_html(options.dt_bundle)


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Datetimes as ISO text and objects as strings: what a browser table shows."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d %H:%M").fillna("")
    return out


def table(df: pd.DataFrame, *, title: str = "Table", columns: list[str] | None = None, max_rows: int = 50_000,
          page_length: int = 25, full_table: str | os.PathLike | None = None, total_rows: int | None = None) -> Page:
    """A searchable, sortable table with a filter box above each column (DataTables via
    itables, library embedded). At most ``max_rows`` rows are embedded (the first ones), so a
    page's size stays flat however large the corpus; a capped page says so above the table:
    "Showing N of M rows (K left out); the full table is in ``full_table``" (a CSV or parquet
    path the caller wrote or stored; without one the note still counts what was left out).
    ``total_rows``: the length of the whole table when ``df`` is already its first rows (the
    note then counts the rows not passed in as left out).

    >>> import pandas as pd
    >>> page = table(pd.DataFrame({"outlet": ["A", "B"], "n": [1, 2]}), title="Counts")
    >>> "dt_bundle" in page.head or "_itables_" in page.head
    True
    >>> "Showing 1 of 2 rows (1 left out); the full table is in counts.csv" in table(
    ...     pd.DataFrame({"n": [1, 2]}), max_rows=1, full_table="counts.csv").body
    True
    """
    from itables import to_html_datatable

    data = df[columns] if columns is not None else df
    total = len(data) if total_rows is None else max(total_rows, len(data))
    note = ""
    if total > max_rows:
        shown = min(max_rows, len(data))
        where = f"; the full table is in {html_module.escape(str(full_table))}" if full_table is not None else ""
        note = (f"<p class=\"wca-note\">Showing {shown:,} of {total:,} rows "
                f"({total - shown:,} left out){where}.</p>")
        data = data.head(max_rows)
    data = _plain(data.reset_index(drop=True))
    # itables names the table with a random uuid: a stable id from the content keeps the page's bytes
    table_id = _uid("table", title, _json_for_script(data.to_dict("split")))
    body = to_html_datatable(data, connected=False, column_filters="header", table_id=table_id,
                             maxBytes=0, pageLength=page_length, showIndex=False, classes="display compact",
                             layout={"topStart": "pageLength", "topEnd": "search", "bottomStart": "info",
                                     "bottomEnd": "paging"})
    return Page(title=title, body=note + body, head=_itables_head())


def _pick(df: pd.DataFrame, preferred: list[str]) -> list[str]:
    return [c for c in preferred if c in df.columns] + [c for c in df.columns if c not in preferred]


def _with_articles(df: pd.DataFrame, articles: pd.DataFrame | None, cols=("outlet", "published", "title")):
    if articles is None:
        return df
    extra = [c for c in cols if c in articles.columns and c not in df.columns]
    return df.merge(articles[["article_id", *extra]].drop_duplicates("article_id"), on="article_id", how="left")


def _joined_table(df: pd.DataFrame, articles: pd.DataFrame | None, preferred: list[str], title: str,
                  options: dict) -> Page:
    """:func:`table` of ``df`` joined to the articles' outlet/date/title, ``preferred`` columns first.
    Only the rows the page embeds (the first ``max_rows``) are joined: a capped page of a table with
    millions of rows costs the same as a page of a short one."""
    max_rows = options.get("max_rows", 50_000)
    shown = _with_articles(df.head(max_rows), articles)
    return table(shown, columns=_pick(shown, preferred), title=options.pop("title", title),
                 total_rows=options.pop("total_rows", len(df)), **options)


def mentions_table(mentions: pd.DataFrame, articles: pd.DataFrame | None = None, **options) -> Page:
    """Entity mentions (:func:`analysis.entities.mentions`), joined to outlet/date/title."""
    return _joined_table(mentions, articles, ["outlet", "published", "entity_id", "name", "type", "surface", "method",
                                              "article_id", "sentence_id", "start", "end", "title"],
                         "Entity mentions", options)


def quotes_table(quotes: pd.DataFrame, articles: pd.DataFrame | None = None, **options) -> Page:
    """Quotes (:func:`analysis.framing.quotes`), joined to outlet/date/title."""
    return _joined_table(quotes, articles, ["outlet", "published", "speaker", "entity_id", "verb", "verb_class", "kind",
                                            "quote", "article_id"], "Quotes", options)


def labels_table(labels: pd.DataFrame, articles: pd.DataFrame | None = None, **options) -> Page:
    """Contested-label matches (:func:`analysis.framing.label_matches`), joined to outlet/date."""
    return _joined_table(labels, articles, ["outlet", "published", "concept", "term", "side", "surface", "in_quote",
                                            "weight", "article_id", "sentence_id", "start", "end"],
                         "Contested labels", options)


def rejects_table(articles_or_rejects: pd.DataFrame, **options) -> Page:
    """The loader's rejects (:func:`analysis.corpus.rejects_of`): what was not loaded, and why.
    Pass the articles frame (its ledger is read) or a rejects table."""
    df = articles_or_rejects
    if "reason" not in df.columns:
        from analysis.corpus import rejects_of

        df = rejects_of(df)
    return table(df, title=options.pop("title", "Rejected input"), **options)


# --------------------------------------------------------------------------------------------
# (c) Time series
# --------------------------------------------------------------------------------------------

def timeseries(data: pd.DataFrame, *, x: str = "date", y: str = "value", color: str | None = None,
               title: str = "Over time", ytitle: str | None = None, events: pd.DataFrame | None = None,
               hover: list[str] | None = None) -> Page:
    """Lines over time with hover (one line per ``color`` value), optionally with dated events
    as dotted vertical lines whose label shows on hover (``events``: date, label[, category],
    e.g. :func:`analysis.events.load_events`).

    >>> import pandas as pd
    >>> d = pd.DataFrame({"date": pd.to_datetime(["2022-02-01", "2022-03-01"]), "value": [3, 9]})
    >>> timeseries(d, title="Articles per month").figure.data[0].mode
    'lines+markers'
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    parts = [(None, data)] if color is None else list(data.groupby(color, sort=True))
    from analysis.report import PALETTE

    for i, (name, part) in enumerate(parts):
        part = part.sort_values(x)
        extra = ""
        custom = None
        if hover:
            custom = part[hover].astype(str).to_numpy()
            extra = "".join(f"<br>{h}: %{{customdata[{k}]}}" for k, h in enumerate(hover))
        label = "" if name is None else f"<b>{html_module.escape(str(name))}</b><br>"
        fig.add_trace(go.Scatter(
            x=part[x], y=part[y], mode="lines+markers", name=str(name) if name is not None else y,
            line={"color": PALETTE[i % len(PALETTE)]}, customdata=custom,
            hovertemplate=f"{label}%{{x|%Y-%m-%d}}<br>{ytitle or y}: %{{y:,.3~f}}{extra}<extra></extra>"))
    if events is not None and len(events):
        values = pd.to_numeric(data[y], errors="coerce")
        ymin, ymax = (min(float(values.min()), 0.0), float(values.max())) if values.notna().any() else (0.0, 1.0)
        ev = events.sort_values("date")
        lo, hi = pd.to_datetime(data[x]).min(), pd.to_datetime(data[x]).max()
        if len(data) and pd.notna(lo):  # only the events inside the plotted period
            when = pd.to_datetime(ev["date"])
            lo = lo.tz_localize(when.dt.tz) if when.dt.tz is not None and lo.tzinfo is None else lo
            hi = hi.tz_localize(when.dt.tz) if when.dt.tz is not None and hi.tzinfo is None else hi
            ev = ev[(when >= lo) & (when <= hi)]
        xs, ys, texts = [], [], []
        for d, lab in zip(pd.to_datetime(ev["date"]), ev["label"]):
            xs += [d, d, None]
            ys += [ymin, ymax, None]
            texts += [lab, lab, None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#999999", "dash": "dot", "width": 1},
                                 text=texts, hovertemplate="%{x|%Y-%m-%d}: %{text}<extra>event</extra>",
                                 name="events"))
    fig.update_layout(title=title, template="plotly_white", hovermode="closest", height=480,
                      yaxis={"title": ytitle or y}, xaxis={"title": ""})
    div_id = _uid("ts", title, len(data)) + "_ts"
    return Page(title=title, body=_plotly_html(fig, div_id=div_id), figure=fig, element_id=div_id)
