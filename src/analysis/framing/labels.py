"""Contested labels: which side's vocabulary a text uses.

The lexicon (``data/lexicons/labels.yml``) lists contested *concepts* (how the
war is named, Kyiv/Kiev, "liberated"/"occupied", "annexation"/"reunification",
...) and, for each, competing *terms* with the side they signal
(``russia_aligned``, ``ukraine_aligned``, ``neutral``), a weight and a source.
Matching is case- and inflection-aware through the lexicon's regexes
(``liberat\\w*`` finds liberate, liberated, liberation; possessives such as
"regime's" always match). Within a concept, overlapping matches are resolved
longest-first ("sham referendum" is not also a "referendum").

This is dictionary-based framing analysis in the sense of Entman (1993,
"Framing: toward clarification of a fractured paradigm") - word choice as a
framing device - and of the "naming" studies of the war's coverage (e.g. the
Kyiv/Kiev and "special military operation"/"war" contrasts).

Example
-------
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"],
...     "text": ["The Kiev regime shelled liberated Donbass.",
...              "Russia's full-scale invasion of Ukraine: Kyiv condemns the sham referendum."]})
>>> label_alignment(arts)[["article_id", "ru", "ua", "alignment"]].round(2).to_dict("records")
[{'article_id': 'a', 'ru': 3.5, 'ua': 0.0, 'alignment': -1.0}, {'article_id': 'b', 'ru': 0.0, 'ua': 3.0, 'alignment': 1.0}]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import accumulate

import numpy as np
import pandas as pd

from analysis.framing._lexicon import (
    compile_patterns,
    find_all_lowered,
    lexicon_path,
    load_yaml,
    lowered_twin,
    resolve,
    word_count,
)

__all__ = ["SIDES", "alignment_from_matches", "label_lexicon", "label_matches", "label_usage", "label_alignment",
           "poisson_ci"]

SIDES = ("russia_aligned", "ukraine_aligned", "neutral")
MATCH_COLUMNS = ["article_id", "sentence_id", "start", "end", "surface", "concept", "term", "side", "weight",
                 "in_quote", "lang"]


def label_lexicon(lexicon=None, *, lang: str | None = None) -> pd.DataFrame:
    """The label lexicon as a table: one row per term.

    Returns DataFrame[concept, term, side, weight, n_patterns, source, lang, gloss]
    - ``lang`` is "en" for the regex terms and "ru"/"uk" for the lemma terms of
    ``cyrillic_terms`` (a term for both languages appears once per language);
    ``gloss`` is the English gloss (the term itself for English terms);
    ``n_patterns`` counts regexes or lemma sequences. ``lang`` keeps only one language.

    >>> lex = label_lexicon()
    >>> sorted(lex.query("concept == 'kyiv_spelling'")["side"])
    ['russia_aligned', 'ukraine_aligned']
    >>> label_lexicon(lang="ru").query("term == 'специальная военная операция'")[["side", "gloss"]].values.tolist()
    [['russia_aligned', 'special military operation']]
    """
    data = resolve(lexicon, "labels.yml")
    rows = []
    for concept, spec in (data.get("concepts") or {}).items():
        for term in spec.get("terms", []):
            rows.append({
                "concept": concept, "term": term["term"], "side": term.get("side", "neutral"),
                "weight": float(term.get("weight", 1.0)), "n_patterns": len(term.get("patterns", [])),
                "source": term.get("source", ""), "lang": "en", "gloss": term["term"],
            })
    for concept, term, side, weight, lemmas, _nc, gloss, langs, source in _cyrillic_terms(data):
        for code in langs:
            rows.append({"concept": concept, "term": term, "side": side, "weight": weight, "n_patterns": len(lemmas),
                         "source": source, "lang": code, "gloss": gloss})
    out = pd.DataFrame(rows, columns=LEXICON_COLUMNS)
    if lang is not None:
        out = out[out["lang"] == lang].reset_index(drop=True)
    return out


LEXICON_COLUMNS = ["concept", "term", "side", "weight", "n_patterns", "source", "lang", "gloss"]


def _cyrillic_terms(data: dict) -> tuple:
    """The ``cyrillic_terms`` section: (concept, term, side, weight, lemma patterns,
    not_context regex or None, gloss, languages, source) in file order."""
    out = []
    for concept, terms in (data.get("cyrillic_terms") or {}).items():
        for term in terms or []:
            langs = term.get("lang", ["ru", "uk"])
            langs = [langs] if isinstance(langs, str) else list(langs)
            nc = term.get("not_context")
            out.append((concept, term["term"], term.get("side", "neutral"), float(term.get("weight", 1.0)),
                        tuple(term.get("lemmas", [])), re.compile(nc) if nc else None,
                        term.get("gloss", ""), tuple(langs), term.get("source", "")))
    return tuple(out)


@lru_cache(maxsize=8)
def _cyrillic_file(path: str):
    return _cyrillic_terms(load_yaml(path))


def _cyrillic_compiled(lexicon):
    if isinstance(lexicon, dict):
        return _cyrillic_terms(lexicon)
    return _cyrillic_file(str(lexicon_path("labels.yml") if lexicon is None else lexicon))


@lru_cache(maxsize=16)
def _cyrillic_index(terms: tuple, lang: str):
    """A :class:`~analysis.framing._cyr.SeqIndex` over the lemma patterns of ``lang``'s terms."""
    from analysis.framing._cyr import SeqIndex

    return SeqIndex([(t, pattern) for t, term in enumerate(terms) if lang in term[7] for pattern in term[4]])


def _cyrillic_rows(sents: pd.DataFrame, idx, langs, lexicon) -> list[tuple]:
    """Label matches in Russian/Ukrainian sentences (rows ``idx`` of ``sents``): lemma
    sequences, longest-first within a concept, as the English path does."""
    terms = _cyrillic_compiled(lexicon)
    if not terms:
        return []
    terms = tuple(terms) if not isinstance(terms, tuple) else terms
    aids, sids = sents["article_id"].tolist(), sents["sentence_id"].tolist()
    starts, texts = sents["start"].tolist(), sents["text"].tolist()
    rows = []
    for i in idx:
        text, code = texts[i], langs[i]
        if not isinstance(text, str) or not text.strip():
            continue
        by_concept: dict[str, list] = {}
        for t, s, e in _cyrillic_index(terms, code).find(text, code):
            concept, term, side, weight, _lemmas, not_ctx, _gloss, _tlangs, _src = terms[t]
            if not_ctx is not None and not_ctx.search(text):
                continue
            by_concept.setdefault(concept, []).append((s, e, term, side, weight))
        for concept in sorted(by_concept, key=lambda c: _concept_order(terms).get(c, 0)):
            found = by_concept[concept]
            found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
            taken: list[tuple[int, int]] = []
            for s, e, term, side, weight in found:
                if any(s < te and ts < e for ts, te in taken):
                    continue
                taken.append((s, e))
                rows.append((aids[i], sids[i], starts[i] + s, starts[i] + e, text[s:e], concept, term, side, weight,
                             code))
    return rows


@lru_cache(maxsize=16)
def _concept_order(terms: tuple) -> dict:
    order: dict = {}
    for term in terms:
        order.setdefault(term[0], len(order))
    return order


def _as_sentences(frame: pd.DataFrame) -> pd.DataFrame:
    if "sentence_id" in frame.columns:
        return frame
    from analysis.text import sentences

    return sentences(frame)


def _compile_concepts(data: dict):
    out = []
    for concept, spec in (data.get("concepts") or {}).items():
        ctx = spec.get("context")
        terms = []
        for term in spec.get("terms", []):
            nc = term.get("not_context")
            patterns = tuple(term.get("patterns", []))
            # the last field: the lower-cased twin of the case-insensitive regex (find_all_lowered)
            terms.append((term["term"], term.get("side", "neutral"), float(term.get("weight", 1.0)), patterns,
                          re.compile(nc, re.IGNORECASE) if nc else None, compile_patterns(patterns),
                          lowered_twin(patterns)))
        out.append((concept, re.compile(ctx, re.IGNORECASE) if ctx else None, terms))
    return out


@lru_cache(maxsize=8)
def _compiled_file(path: str):
    return _compile_concepts(load_yaml(path))


def _compiled_concepts(lexicon):
    if isinstance(lexicon, dict):
        return _compile_concepts(lexicon)
    return _compiled_file(str(lexicon_path("labels.yml") if lexicon is None else lexicon))


def _schema(frame: pd.DataFrame, id_dtype, columns, dtypes) -> pd.DataFrame:
    """Give a result table the same dtypes whether it has rows or not."""
    out = {}
    for column in columns:
        if column == "article_id":
            out[column] = pd.Series(frame[column].to_numpy(dtype=object) if len(frame) else [], dtype=id_dtype)
        else:
            out[column] = pd.Series(frame[column].to_numpy(dtype=object) if len(frame) else [], dtype=dtypes[column])
    return pd.DataFrame(out, columns=columns)


MATCH_DTYPES = {"sentence_id": "int64", "start": "int64", "end": "int64", "surface": "str", "concept": "str",
                "term": "str", "side": "str", "weight": "float64", "in_quote": "bool", "lang": "str"}


def _quoted_starts(sents: pd.DataFrame, rows: list, quotes, rebuilt=None) -> np.ndarray:
    """For each match row, is its start inside quotation marks?"""
    flags = np.zeros(len(rows), dtype=bool)
    if not rows:
        return flags
    spans: dict = {}
    if quotes is None:
        from analysis.framing.quotes import article_quote_spans

        wanted = {r[0] for r in rows}
        spans = (article_quote_spans(sents, article_ids=wanted) if rebuilt is None
                 else rebuilt.of(sents).quote_spans(article_ids=wanted))
    else:
        for aid, s, e in zip(quotes["article_id"].tolist(), quotes["start"].tolist(), quotes["end"].tolist()):
            spans.setdefault(aid, []).append((int(s), int(e)))
    # per article, spans by start with the furthest end reached so far: a start is inside a span
    # when, of the spans starting at or before it, one reaches past it (a bisection per match)
    reach = {}
    for aid, found in spans.items():
        found = sorted(found)
        reach[aid] = ([s for s, _e in found], list(accumulate((e for _s, e in found), max)))
    for i, row in enumerate(rows):
        starts, ends = reach.get(row[0], ((), ()))
        k = bisect_right(starts, row[2])
        flags[i] = k > 0 and ends[k - 1] > row[2]
    return flags


def label_matches(data: pd.DataFrame, *, lexicon=None, quotes: pd.DataFrame | None = None,
                  rebuilt=None) -> pd.DataFrame:
    """Every contested-label occurrence in articles or sentences.

    Parameters
    ----------
    data : articles (``article_id``, ``text``) or a sentences table
        (``article_id``, ``sentence_id``, ``start``, ``text``).
    lexicon : dict or path; default ``data/lexicons/labels.yml``.
    quotes : optional table with ``article_id``, ``start``, ``end`` (e.g.
        :func:`analysis.framing.quotes` output) whose spans define ``in_quote``;
        by default every span inside quotation marks (direct quotes and scare
        quotes, paired as :func:`analysis.framing.quotes` pairs them).
    rebuilt : the :class:`~analysis.framing.quotes.RebuiltArticles` of the sentences table
        ``data``, shared with :func:`analysis.framing.quotes` (the quotation marks are paired
        in articles rebuilt once for both).

    Returns
    -------
    DataFrame[article_id, sentence_id, start, end, surface, concept, term, side,
    weight, in_quote, lang] - offsets are into the article text; ``in_quote`` is
    True when the match starts inside a quotation: the words are someone
    else's (a quoted speaker's) or held at a distance (scare quotes), not the
    outlet's own choice. ``lang`` is the sentence's language (the ``lang``
    column of a sentences table; "en" without one): Russian and Ukrainian
    sentences are matched on lemmas with the ``cyrillic_terms`` of the lexicon
    (every case and number of "специальная военная операция" is found), all
    other sentences with the English regexes. Dtypes are the same whatever the
    input (article_id keeps the input's dtype).

    >>> import pandas as pd
    >>> m = label_matches(pd.DataFrame({"article_id": [1], "text": ["The Kiev regime's “sham referendum”."]}))
    >>> m[["surface", "term", "in_quote"]].values.tolist()
    [['Kiev', 'Kiev', False], ["Kiev regime's", 'Kiev regime', False], ['sham referendum', 'sham referendum', True]]
    """
    from analysis.framing._cyr import CYR_LANGS, lang_column
    from analysis.framing._prefilter import TextBatch, lowerable

    sents = _as_sentences(data)
    concepts = _compiled_concepts(lexicon)
    texts = sents["text"].tolist()
    langs = lang_column(sents)
    cyr = [i for i, code in enumerate(langs) if code in CYR_LANGS]
    skip = set(cyr)
    # "t and not t.isspace()" is "t.strip()" without copying the sentence
    valid = [i for i, t in enumerate(texts) if isinstance(t, str) and t and not t.isspace() and i not in skip]
    batch = TextBatch([texts[i] for i in valid])
    # (sentence, concept, term) candidates: an RE2 superset of each term's patterns
    # rules out sentences where the exact Python regexes cannot match
    todo: dict[int, dict[int, list[int]]] = {}
    # (one pass with every term's literal core, then every term's superset on the sentences that pass,
    # all terms in one scan of each: see TextBatch.group_masks)
    keys = [(c, t) for c, (_concept, _ctx, terms) in enumerate(concepts) for t in range(len(terms))]
    term_masks = batch.group_masks([concepts[c][2][t][5] for c, t in keys], one_scan=True)
    for (c, t), mask in zip(keys, term_masks):
        for k in np.flatnonzero(mask).tolist():
            todo.setdefault(k, {}).setdefault(c, []).append(t)
    aids, sids, starts = sents["article_id"].tolist(), sents["sentence_id"].tolist(), sents["start"].tolist()
    rows = []
    for k in sorted(todo):
        i = valid[k]
        aid, sid, offset, text = aids[i], sids[i], starts[i], texts[i]
        low = text.lower() if lowerable(text) else None
        for c in sorted(todo[k]):
            concept, ctx, terms = concepts[c]
            if ctx is not None and not ctx.search(text):
                continue
            found = []
            for t in todo[k][c]:
                term, side, weight, _patterns, not_ctx, compiled, fast = terms[t]
                if not_ctx is not None and not_ctx.search(text):
                    continue
                for s, e in find_all_lowered(text, low, compiled, fast):
                    found.append((s, e, term, side, weight))
            # longest first, then leftmost; drop overlaps within the concept
            found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
            # taken spans are disjoint, so kept sorted only the one starting last before e can
            # overlap [s, e): a bisection instead of a scan (quadratic on 'Kyiv ' * 200000)
            taken_starts: list[int] = []
            taken_ends: list[int] = []
            for s, e, term, side, weight in found:
                at = bisect_left(taken_starts, e)
                if at and taken_ends[at - 1] > s:
                    continue
                taken_starts.insert(at, s)
                taken_ends.insert(at, e)
                rows.append((aid, sid, offset + s, offset + e, text[s:e], concept, term, side, weight, langs[i]))
    if cyr:
        rows.extend(_cyrillic_rows(sents, cyr, langs, lexicon))
    return _match_table(rows, _quoted_starts(sents, rows, quotes, rebuilt), sents["article_id"].dtype)


def _match_table(rows: list[tuple], in_quote: np.ndarray, id_dtype) -> pd.DataFrame:
    """The table of ``label_matches`` from its rows (every column but ``in_quote``, in
    :data:`MATCH_COLUMNS` order) sorted by article, start and concept (stably), built column by
    column in :data:`MATCH_DTYPES` (one frame of all the rows, sorted and cast column by column,
    cost ~0.01 CPU s per chunk of 200 articles)."""
    if not rows:
        return _schema(pd.DataFrame(columns=MATCH_COLUMNS), id_dtype, MATCH_COLUMNS, MATCH_DTYPES)
    names = [c for c in MATCH_COLUMNS if c != "in_quote"]
    columns = dict(zip(names, map(list, zip(*rows))))
    keys = ["article_id", "start", "concept"]
    order = pd.DataFrame({k: columns[k] for k in keys}).sort_values(keys, kind="stable").index.to_numpy()
    if (order[1:] > order[:-1]).all():
        order = None  # already in order (most chunks: rows come sentence by sentence)
    out = {}
    for name in MATCH_COLUMNS:
        values = in_quote if name == "in_quote" else columns[name]
        if order is not None:
            values = np.asarray(values)[order] if name == "in_quote" else [values[k] for k in order.tolist()]
        out[name] = pd.Series(values, dtype=id_dtype if name == "article_id" else MATCH_DTYPES[name])
    return pd.DataFrame(out, columns=MATCH_COLUMNS)


def poisson_ci(count, exposure, *, scale: float = 1.0, alpha: float = 0.05):
    """Exact (Garwood 1936) confidence interval for a Poisson rate count/exposure*scale.

    >>> [round(float(x), 2) for x in poisson_ci(10, 1000, scale=1000)]
    [4.8, 18.39]
    """
    from scipy.stats import chi2

    count = np.asarray(count, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = np.where(count > 0, chi2.ppf(alpha / 2, 2 * count) / 2, 0.0)
        hi = chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
        lo = np.where(exposure > 0, lo / exposure * scale, np.nan)
        hi = np.where(exposure > 0, hi / exposure * scale, np.nan)
    return lo, hi


def _words_by_article(data: pd.DataFrame) -> pd.Series:
    return data.groupby("article_id", sort=False)["text"].agg(lambda s: sum(word_count(t) for t in s))


def _own_words(matches: pd.DataFrame, exclude_quoted: bool) -> pd.DataFrame:
    return matches[~matches["in_quote"].to_numpy(dtype=bool)] if exclude_quoted else matches


def label_usage(data: pd.DataFrame, *, by: str = "outlet", articles: pd.DataFrame | None = None,
                lexicon=None, per: float = 10_000, exclude_quoted: bool = True,
                matches: pd.DataFrame | None = None, words: pd.Series | None = None) -> pd.DataFrame:
    """Usage rate of every contested term per group, per 10,000 words.

    Parameters
    ----------
    data : articles or sentences; must carry ``by`` or be joinable to
        ``articles`` (which then needs ``article_id`` and ``by``).
    by : grouping column (outlet, month, country ...).
    per : rate denominator in words (default 10,000).
    exclude_quoted : count only the outlet's own words (default): labels
        inside quotation marks (``in_quote`` in :func:`label_matches`) are
        a quoted speaker's vocabulary or held at a distance by scare quotes,
        not the outlet's choice. ``False`` counts every occurrence. The word
        denominator always counts all words.
    matches, words : precomputed :func:`label_matches` (e.g. the engine's stored ``labels``
        table) and words per article (a Series indexed by article_id, e.g. ``n_words`` of the
        stored ``article_summary``); with both, ``data`` needs only ``article_id`` and ``by``
        and no text is read.

    Returns
    -------
    DataFrame[<by>, concept, term, side, n, words, rate, ci_low, ci_high,
    share_in_concept] - ``rate`` per ``per`` words with an exact Poisson 95%
    interval; ``share_in_concept`` is the term's share of all matches of its
    concept in that group (e.g. Kyiv vs Kiev). Terms never used in a group
    appear with n = 0.

    >>> import pandas as pd
    >>> arts = pd.DataFrame({"article_id": [1, 2], "outlet": ["A", "B"], "text": ["Kiev said. Kiev again.", "Kyiv said."]})
    >>> u = label_usage(arts)
    >>> u.query("concept == 'kyiv_spelling' and n > 0")[["outlet", "term", "n", "share_in_concept"]].values.tolist()
    [['A', 'Kiev', 2, 1.0], ['B', 'Kyiv', 1, 1.0]]
    """
    if by not in data.columns:
        if articles is None or by not in articles.columns:
            raise KeyError(f"label_usage(): column {by!r} not in data; pass articles= with it")
        data = data.merge(articles[["article_id", by]].drop_duplicates("article_id"), on="article_id", how="left")
    groups = data[["article_id", by]].drop_duplicates("article_id")
    if words is None:
        words = _words_by_article(data)
    words = words.rename("words").rename_axis("article_id").reset_index()
    words = words.merge(groups, on="article_id").groupby(by, dropna=False)["words"].sum()
    if matches is None:
        matches = label_matches(data, lexicon=lexicon)
    matches = matches[matches["article_id"].isin(groups["article_id"])]
    matches = matches.astype({c: object for c in ("concept", "term") if c in matches.columns})  # stored: categorical
    # ``by`` may be a column of the matches too (``lang``): the article's value is the group
    matches = _own_words(matches, exclude_quoted).drop(columns=[by], errors="ignore").merge(groups, on="article_id",
                                                                                          how="left")
    from analysis.framing._cyr import lang_column

    if "lang" in data.columns:
        present = set(lang_column(data))
    elif "lang" in matches.columns and len(matches):
        present = set(matches["lang"].dropna().astype(str))
    else:
        present = {"en"}
    present = {code if code in ("ru", "uk") else "en" for code in present}
    lex = label_lexicon(lexicon)
    lex = lex[lex["lang"].isin(present)][["concept", "term", "side"]].drop_duplicates(["concept", "term"])
    counts = matches.groupby([by, "concept", "term"], dropna=False).size().rename("n").reset_index()
    grid = pd.MultiIndex.from_product([words.index, range(len(lex))], names=[by, "_i"]).to_frame(index=False)
    grid = grid.join(lex.reset_index(drop=True), on="_i").drop(columns="_i")
    out = grid.merge(counts, on=[by, "concept", "term"], how="left")
    out["n"] = out["n"].fillna(0).astype("int64")
    out["words"] = out[by].map(words).astype("int64")
    out["rate"] = np.where(out["words"] > 0, out["n"] / out["words"].clip(lower=1) * per, np.nan)
    out["ci_low"], out["ci_high"] = poisson_ci(out["n"], out["words"], scale=per)
    total = out.groupby([by, "concept"])["n"].transform("sum")
    out["share_in_concept"] = np.where(total > 0, out["n"] / total.clip(lower=1), np.nan)
    return out[[by, "concept", "term", "side", "n", "words", "rate", "ci_low", "ci_high", "share_in_concept"]]


def label_alignment(data: pd.DataFrame, *, lexicon=None, exclude_quoted: bool = True) -> pd.DataFrame:
    """Per-article label alignment score in [-1, 1].

    ``alignment = (ua - ru) / (ua + ru)`` where ``ua``/``ru`` are the weighted
    counts of ukraine-/russia-aligned terms; +1 = only Ukrainian-side
    vocabulary, -1 = only Russian-side, NaN when neither occurs (not 0: no
    evidence is not balance). With ``exclude_quoted`` (default) labels inside
    quotation marks are left out: an article quoting Putin's "Western
    backers" has not adopted the term (see :func:`label_usage`).

    Returns DataFrame[article_id, ru, ua, neutral, n_matches, words, alignment,
    n_quoted] - ``n_matches`` counts the matches used, ``n_quoted`` the
    matches inside quotation marks (left out unless ``exclude_quoted=False``).
    """
    every = label_matches(data, lexicon=lexicon)
    out = alignment_from_matches(every, pd.unique(data["article_id"]), exclude_quoted=exclude_quoted)
    words = out["article_id"].map(_words_by_article(_as_sentences(data) if "text" in data else data))
    out.insert(out.columns.get_loc("alignment"), "words", words.fillna(0).astype("int64"))
    return out


def alignment_from_matches(matches: pd.DataFrame, article_ids, *, exclude_quoted: bool = True) -> pd.DataFrame:
    """:func:`label_alignment` from a :func:`label_matches` table already computed
    (e.g. the engine's stored ``labels``), one row per id in ``article_ids`` in that order.

    Returns DataFrame[article_id, ru, ua, neutral, n_matches, alignment, n_quoted].

    >>> import pandas as pd
    >>> m = pd.DataFrame({"article_id": ["a", "a", "b"], "side": ["russia_aligned", "ukraine_aligned", "neutral"],
    ...                   "weight": [1.0, 3.0, 1.0], "in_quote": [False, False, True]})
    >>> alignment_from_matches(m, ["a", "b", "c"])[["article_id", "n_matches", "alignment", "n_quoted"]].values.tolist()
    [['a', 2, 0.5, 0], ['b', 0, nan, 1], ['c', 0, nan, 0]]
    """
    ids = pd.Index(list(article_ids), name="article_id")
    # per article (codes of its first appearance; a missing id: -1, left out) and side (SIDES order;
    # any other side: -1, left out), without a pivot table (0.2 of the engine summary's 0.48 CPU s
    # over the bench chunks)
    article, matched = pd.factorize(matches["article_id"])
    quoted = matches["in_quote"].to_numpy(dtype=bool)
    own = ~quoted if exclude_quoted else np.ones(len(matches), dtype=bool)
    side = pd.Index(SIDES).get_indexer(matches["side"])
    used = own & (article >= 0) & (side >= 0)
    # the sums of pandas' grouped sum, as the pivot table summed each (article, side) in row order
    weight = pd.Series(matches["weight"].to_numpy()[used]).groupby(article[used] * len(SIDES) + side[used]).sum()
    sums = np.zeros(len(matched) * len(SIDES))
    sums[weight.index.to_numpy()] = weight.to_numpy(float)
    at = pd.Index(matched).get_indexer(ids)  # each id's code, -1 when no match has it
    sums = np.vstack([sums.reshape(-1, len(SIDES)), np.zeros((1, len(SIDES)))])[at]

    def per_id(rows: np.ndarray) -> np.ndarray:
        counts = np.bincount(article[rows & (article >= 0)], minlength=len(matched))
        return np.append(counts, 0)[at].astype("int64")

    out = pd.DataFrame({"article_id": ids, "ru": sums[:, 0], "ua": sums[:, 1], "neutral": sums[:, 2]})
    out["n_matches"] = per_id(own)
    denom = out["ua"] + out["ru"]
    out["alignment"] = np.where(denom > 0, (out["ua"] - out["ru"]) / denom.where(denom > 0, 1), np.nan)
    out["n_quoted"] = per_id(quoted)
    return out
