"""Run the per-article pipeline at any scale: serially, on a process pool, or on Dask.

Every stage — sentences, tokens, entities, sentiment, framing, document — is a pure
function of one article, so a corpus can be cut into chunks of articles,
processed anywhere, and concatenated back: the result is identical to the
serial run whatever the chunk size, the number of processes or the engine.

=================  ========================================================
table              produced by
=================  ========================================================
sentences          :func:`analysis.text.sentences`
tokens             :func:`analysis.text.tokens`
mentions           :func:`analysis.entities.mentions`
sentence_sentiment :func:`analysis.sentiment.sentence_sentiment`
mention_sentiment  :func:`analysis.targeted.mention_sentiment`
labels             :func:`analysis.framing.label_matches`
quotes             :func:`analysis.framing.quotes`
agency             :func:`analysis.framing.agency`
frames             :func:`analysis.framing.frames` (long: article × frame)
roles              :func:`analysis.roles.predict_roles` of every main-actor mention
                   (:func:`analysis.roles.actor_mentions`): optional stage ``roles``
narratives         :func:`analysis.narratives.narratives` per article, without its
                   ``evidence`` column: optional stage ``narratives``
narrative_evidence the evidence sentences of each article's narratives as offsets
                   (``start``, ``end`` into the text; ``sentence_id`` of the
                   sentence holding ``start``), never copies of the text; a
                   headline sentence (``title`` column) has ``in_title`` True and
                   offsets into the title, ``sentence_id`` -1
article_summary    one row per article: sizes (``n_chars``, ``n_words``), tone (mean of
                   sentences), label alignment, counts, MFC ``frames``; with stage
                   ``document``: GDELT-style word-count tone, whole-text VADER and the
                   five generic frame scores
=================  ========================================================

Three ways to run it:

* :func:`run` — in memory, ``n_jobs`` worker processes, returns a dict of
  DataFrames (fine up to a few hundred thousand articles without tokens);
* :func:`run_to_parquet` — streams a corpus (a DataFrame or a parquet
  file/folder) chunk by chunk into partitioned parquet under ``out_dir``; memory
  stays flat because workers write their own parts;
* :func:`run_dask` — the same chunks as Dask tasks over a partitioned parquet
  corpus, for a local or remote ``dask.distributed`` cluster (``engine="dask"``).

Example
-------
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["a", "b"],
...     "text": ["Putin said Kyiv attacked Kursk.", "Zelenskyy thanked the partners."]})
>>> out = run(arts, stages=("sentences", "tokens", "sentiment"))
>>> sorted(out)
['article_summary', 'sentence_sentiment', 'sentences', 'tokens']
>>> out["article_summary"][["article_id", "n_sentences", "n_tokens"]].to_dict("records")
[{'article_id': 'a', 'n_sentences': 1, 'n_tokens': 6}, {'article_id': 'b', 'n_sentences': 1, 'n_tokens': 5}]
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.lang import _CYRILLIC_LANGS

__all__ = [
    "ALL_STAGES",
    "ARROW_POOL_ENV",
    "OPTIONAL_STAGES",
    "REPORT_STAGES",
    "STAGES",
    "TABLES",
    "ARTICLE_COLUMNS",
    "OPTIONAL_ARTICLE_COLUMNS",
    "article_columns",
    "arrow_pool",
    "comparable",
    "in_article_order",
    "iter_chunks",
    "largest_first",
    "read_table",
    "process_articles",
    "run",
    "run_dask",
    "run_to_parquet",
    "has_cyrillic",
    "scan_languages",
    "shared_lexicons",
    "split_by_chars",
    "stored_schema",
    "to_arrow_dtypes",
    "warm_up",
]

STAGES = ("sentences", "tokens", "entities", "sentiment", "framing", "document")
#: Stages run only when asked for (``stages=``): not in the default list nor in the bench's
#: naive-notebook comparison, but in the report's (:data:`REPORT_STAGES`, :func:`analysis.pipeline.analyse`).
OPTIONAL_STAGES = ("roles", "narratives")
#: Every stage, in the order they run.
ALL_STAGES = STAGES + OPTIONAL_STAGES
#: What the notebooks' report stores (:func:`analysis.pipeline.analyse`'s default): notebook 05 reads
#: roles and narratives from the store instead of computing them.
REPORT_STAGES = ALL_STAGES
#: Evidence sentences stored per narrative of an article (notebook 05 shows up to this many).
NARRATIVE_EVIDENCE = 3

#: Stages each stage needs first.
_REQUIRES = {
    "sentences": (),
    "tokens": ("sentences",),
    "entities": ("sentences",),
    "sentiment": ("sentences",),
    "framing": ("sentences",),
    "document": (),
    "roles": ("entities",),
    "narratives": ("sentences",),
}

#: Tables each stage writes (article_summary is always written).
TABLES = {
    "sentences": ("sentences",),
    "tokens": ("tokens",),
    "entities": ("mentions",),
    "sentiment": ("sentence_sentiment", "mention_sentiment"),
    "framing": ("labels", "quotes", "agency", "frames"),
    "document": (),  # whole-text tone and generic frames: columns of article_summary
    "roles": ("roles",),
    "narratives": ("narratives", "narrative_evidence"),
}

#: Columns that repeat a few values: stored as categoricals.
_CATEGORICAL = {"type", "method", "side", "concept", "term", "verb_class", "quote_type", "frame",
                "agency", "harmed_side", "agent_side", "outlet", "country", "lang"}


def _normalise_stages(stages: Iterable[str]) -> tuple[str, ...]:
    wanted = set(stages)
    unknown = wanted - set(ALL_STAGES)
    if unknown:
        raise ValueError(f"unknown stage(s) {sorted(unknown)}; choose from {ALL_STAGES}")
    for _ in range(2):  # roles -> entities -> sentences
        for stage in list(wanted):
            wanted |= set(_REQUIRES[stage])
    return tuple(s for s in ALL_STAGES if s in wanted)


# --------------------------------------------------------------------------- one chunk
def _require_unique_ids(articles: pd.DataFrame) -> None:
    """Every table is keyed by article_id: two articles sharing one would be merged silently."""
    ids = articles["article_id"]
    if not ids.is_unique:
        repeated = ids[ids.duplicated()].astype(str).unique().tolist()
        raise ValueError(f"article_id must be unique; {len(repeated)} value(s) repeat, e.g. {repeated[:5]} "
                         "(load_corpus makes unique ids; flag copies with duplicate_of instead of reusing ids)")



def process_articles(
    articles: pd.DataFrame,
    *,
    stages: Iterable[str] = STAGES,
    timings: dict[str, float] | None = None,
) -> dict[str, pd.DataFrame]:
    """Run the pipeline over one chunk of articles (``article_id``, ``text``; ``lang`` and ``title`` when
    present: :data:`OPTIONAL_ARTICLE_COLUMNS`).

    Returns ``{table name: DataFrame}`` (see the module table). ``timings``, if
    given, accumulates seconds spent per stage.
    """
    stages = _normalise_stages(stages)
    if "article_id" not in articles.columns or "text" not in articles.columns:
        raise KeyError(f"process_articles() needs article_id and text columns; got {list(articles.columns)}")
    _require_unique_ids(articles)
    clock = timings if timings is not None else {}

    def timed(stage: str, func: Callable[[], None]) -> None:
        started = time.perf_counter()
        func()
        clock[stage] = clock.get(stage, 0.0) + time.perf_counter() - started

    # a declared language (load_corpus detects one per article) routes ru/uk text to the
    # razdel/pymorphy3 text layer and the Cyrillic entity matcher; without it, text with
    # Cyrillic letters is detected in analysis.text.sentences
    # the headlines a corpus keeps apart (load_corpus's title) reach the narratives stage alone, as in training
    titles = articles["title"] if "title" in articles.columns else None
    articles = articles[["article_id", "text"] + (["lang"] if "lang" in articles.columns else [])]
    out: dict[str, pd.DataFrame] = {}
    # work one stage hands to a later one: the mention-sentiment stage's sentence parses (roles read
    # them) and the English articles' sentence spans (roles and narratives split no sentence again)
    handed: dict = {}

    def english_spans() -> dict:
        if "spans" not in handed:
            handed["spans"] = _english_sentence_spans(articles, out["sentences"])
        return handed["spans"]

    # Work several stages share is done once per chunk, by the first stage that needs it.
    def sentences_split_anyway() -> bool:
        # the tokens or sentence VADER split the sentences (a function: "sentences" is in out only
        # once that stage has run)
        return "sentences" in out and ("tokens" in stages or "sentiment" in stages)

    @cache
    def article_split():
        # the articles' whitespace tokens: the document stage's tone measures, and its word counts;
        # made from the sentences' split when the tokens or sentence VADER split them anyway
        if sentences_split_anyway():
            from analysis.text import article_split_from_sentences

            return article_split_from_sentences(articles, out["sentences"], split=sentence_split())
        from analysis.wordsplit import split_texts

        return split_texts(articles["text"].tolist())

    @cache
    def n_words() -> np.ndarray:
        # the denominator of every per-10k rate (frame scores, GDELT tone, the summary's n_words);
        # counted from the articles' split when the document stage splits them anyway, else from the
        # sentences' split when the tokens or sentence VADER split them anyway
        from analysis.text import word_counts, word_counts_from_sentences

        if "document" not in stages and sentences_split_anyway():
            return word_counts_from_sentences(articles, out["sentences"], split=sentence_split())
        return word_counts(articles["text"].tolist(), split=article_split() if "document" in stages else None)

    @cache
    def sentence_split():
        # the sentences' whitespace tokens, for the tokens and sentence VADER
        from analysis.wordsplit import split_texts

        return split_texts(out["sentences"]["text"].tolist())

    def do_sentences():
        from analysis.text import sentences

        out["sentences"] = sentences(articles)

    def do_tokens():
        from analysis.text import tokens

        out["tokens"] = tokens(out["sentences"], split=sentence_split())

    def do_entities():
        from analysis.entities import mentions

        out["mentions"] = mentions(out["sentences"])

    def do_sentiment():
        from analysis.sentiment import sentence_sentiment

        scores = sentence_sentiment(out["sentences"], split=sentence_split())
        out["sentence_sentiment"] = scores.reset_index(drop=True)
        if "mentions" in out:
            from analysis.targeted import mention_sentiment

            # the sentence parses for the roles stage and the narratives stage's casting
            parses = handed["parses"] = {} if "roles" in stages or "narratives" in stages else None
            scored = mention_sentiment(out["mentions"], out["sentences"], parses=parses, split=sentence_split())
            keep = ["article_id", "sentence_id", "start", "end", "entity_id", "polarity", "score"]
            out["mention_sentiment"] = scored[[c for c in keep if c in scored.columns]].reset_index(drop=True)

    def do_framing():
        from analysis import framing

        mentions = out.get("mentions")
        rebuilt = framing.RebuiltArticles(out["sentences"])  # the articles rebuilt once for both
        out["labels"] = framing.label_matches(out["sentences"], rebuilt=rebuilt)
        out["quotes"] = framing.quotes(out["sentences"], mentions=mentions, rebuilt=rebuilt)
        out["agency"] = framing.agency(out["sentences"], mentions=mentions)
        out["frames"] = framing.frames(articles, n_words=n_words())

    def do_document():
        # Measures of the whole text (not of its sentences), so notebooks never need the texts:
        # a stage of its own, because the naive notebook the bench compares with computes none of them.
        out["_document"] = _document_measures(articles, n_words=n_words(), split=article_split())

    def do_roles():
        # what notebook 05 computed in the notebook: every main-actor mention cast (rules or the
        # trained weights of data/models/, which are part of analysis.pipeline.analyse's key)
        from analysis import roles

        out["roles"] = roles.predict_roles(roles.actor_mentions(out["mentions"], articles), articles,
                                           sentence_spans=english_spans(), parses=handed.get("parses"),
                                           quotes=out.get("quotes"))

    def do_narratives():
        from analysis import narratives

        # the roles stage's sentence parses (when it ran) for the casting's target sentiment
        titled = articles if titles is None else articles.assign(title=titles)
        labelled = narratives.narratives(titled, evidence=NARRATIVE_EVIDENCE, sentence_spans=english_spans(),
                                         quotes=out.get("quotes"), parses=handed.pop("parses", None))
        out["narrative_evidence"] = _evidence_offsets(labelled, titled, out["sentences"])
        out["narratives"] = labelled.drop(columns="evidence")

    steps = {"sentences": do_sentences, "tokens": do_tokens, "entities": do_entities,
             "sentiment": do_sentiment, "framing": do_framing, "document": do_document,
             "roles": do_roles, "narratives": do_narratives}
    for stage in stages:
        timed(stage, steps[stage])
    timed("summary", lambda: out.__setitem__("article_summary", _article_summary(articles, out, n_words=n_words)))
    out.pop("_document", None)
    return {name: frame if name in _BUILT_IN_ARTICLE_ORDER else in_article_order(frame, articles["article_id"])
            for name, frame in out.items()}


#: Tables :func:`process_articles` builds in the order of its articles (sentences article by
#: article, tokens and sentence tone sentence by sentence, the summary from the ids): ordering them
#: again would only confirm it (a factorize of 2 M token rows per bench run).
_BUILT_IN_ARTICLE_ORDER = frozenset({"sentences", "tokens", "sentence_sentiment", "article_summary"})


def _english_sentence_spans(articles: pd.DataFrame, sentences: pd.DataFrame) -> dict:
    """{article_id: [(start, end), ...]} from ``sentences`` (:func:`analysis.text.sentences` of ``articles``)
    for the articles it split on the English path, whose spans are :func:`analysis.text.sentence_spans`
    of the text (what roles and narratives would compute again); the Cyrillic ones are left out.

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Kyiv held. Moscow fell.", "Киев устоял."]})
    >>> from analysis.text import sentences
    >>> _english_sentence_spans(arts, sentences(arts))
    {'a': [(0, 10), (11, 23)]}
    """
    from analysis.cyrillic import CYRILLIC_LANGS
    from analysis.text import _article_languages

    # the same decision analysis.text.sentences made (language detection is memoised)
    langs = _article_languages(articles, articles["text"].tolist())
    english = {aid for aid, lang in zip(articles["article_id"].tolist(), langs) if lang not in CYRILLIC_LANGS}
    spans: dict = {}
    for aid, start, end in zip(sentences["article_id"].tolist(), sentences["start"].tolist(),
                               sentences["end"].tolist()):
        if aid in english:
            spans.setdefault(aid, []).append((start, end))
    return spans


def article_positions(article_id: pd.Series, order: pd.Index) -> np.ndarray:
    """Each row's position in ``order`` (int64, -1 for an id ``order`` lacks), from a table's
    ``article_id`` column.

    >>> article_positions(pd.Series(["b", "a", "b", "z"]), pd.Index(["a", "b"])).tolist()
    [1, 0, 1, -1]
    """
    # the few distinct ids are looked up, not every row (a token table's Arrow strings would
    # otherwise become a million Python strings just to be hashed); missing ids stay a value of
    # their own, as get_indexer treats them
    codes, uniques = pd.factorize(article_id, use_na_sentinel=False)
    return order.get_indexer(uniques).astype(np.int64)[codes]


def in_article_order(frame: pd.DataFrame, article_ids) -> pd.DataFrame:
    """``frame``'s rows grouped by article in the order of ``article_ids`` (stable: an
    article's rows keep their order). Some stages sort by ``article_id``; without this
    a table's order would depend on how the corpus was cut into chunks.

    >>> f = pd.DataFrame({"article_id": ["a", "b", "b", "a"], "start": [0, 0, 5, 9]})
    >>> in_article_order(f, ["b", "a"]).to_dict("list")
    {'article_id': ['b', 'b', 'a', 'a'], 'start': [0, 5, 0, 9]}
    """
    if len(frame) < 2 or "article_id" not in frame.columns:
        return frame
    # an Index is used as it is: its hash table is built once, not once per stored part read
    # (a table of a 100k-article corpus is read from hundreds of parts)
    order = article_ids if isinstance(article_ids, pd.Index) else pd.Index(list(article_ids))
    position = article_positions(frame["article_id"], order)
    if (position[1:] >= position[:-1]).all():
        return frame
    return frame.take(np.argsort(position, kind="stable")).reset_index(drop=True)


def _article_summary(articles: pd.DataFrame, out: dict[str, pd.DataFrame], *,
                     n_words: Callable[[], np.ndarray] | None = None) -> pd.DataFrame:
    """One row per article with what notebooks need at corpus scale. ``n_words`` returns the
    chunk's word counts (counted once by :func:`process_articles`).

    Counts use numpy ``bincount`` over article positions: a pandas groupby per
    table costs more than the counting itself on a 200-article chunk.
    """
    ids = articles["article_id"].to_numpy(dtype=object)
    n = len(ids)
    position = {aid: i for i, aid in enumerate(ids.tolist())}

    def positions(frame: pd.DataFrame) -> np.ndarray:
        # factorize is hashed in C; only the few distinct ids go through Python.
        codes, uniques = pd.factorize(frame["article_id"])
        lookup = np.fromiter((position[u] for u in uniques.tolist()), dtype=np.int64, count=len(uniques))
        return lookup[codes]

    def count(frame: pd.DataFrame | None, mask: np.ndarray | None = None) -> np.ndarray:
        if frame is None or not len(frame):
            return np.zeros(n, dtype=np.int64)
        pos = positions(frame)
        return np.bincount(pos if mask is None else pos[mask], minlength=n).astype(np.int64)

    summary = {"article_id": ids, "n_chars": articles["text"].fillna("").astype(str).str.len().to_numpy()}
    summary["n_sentences"] = count(out.get("sentences"))
    if "tokens" in out:
        from analysis.text import word_counts

        summary["n_tokens"] = count(out["tokens"])
        # the denominator of every per-10k rate
        summary["n_words"] = n_words() if n_words is not None else word_counts(articles["text"].tolist())
    if "mentions" in out:
        summary["n_mentions"] = count(out["mentions"])
    if "sentence_sentiment" in out:
        # The library's definitions, not a copy: one code path for tone and label alignment.
        from analysis.sentiment.aggregates import article_tone

        tone = article_tone(out["sentence_sentiment"]).reindex(ids)
        for column in ("mean_compound", "share_negative", "share_positive"):
            summary[column] = tone[column].to_numpy(float)
    if "labels" in out:
        from analysis.framing.labels import alignment_from_matches

        summary["n_labels"] = count(out["labels"])
        summary["label_alignment"] = alignment_from_matches(out["labels"], ids)["alignment"].to_numpy(float)
    if "quotes" in out:
        summary["n_quotes"] = count(out["quotes"])
    if "agency" in out:
        agency = out["agency"]
        summary["n_harm_sentences"] = count(agency)
        if len(agency) and "agency" in agency.columns:
            summary["n_agentless"] = count(agency, (agency["agency"] == "agentless").to_numpy(bool))
        else:
            summary["n_agentless"] = count(None)
    if "frames" in out:
        frames = out["frames"]
        joined = [[] for _ in range(n)]
        if len(frames):
            chosen = frames[frames["predicted"].to_numpy(bool)]
            for pos, frame in zip(positions(chosen).tolist(), chosen["frame"].tolist()):
                joined[pos].append(frame)
        summary["frames"] = np.array([",".join(sorted(f)) for f in joined], dtype=object)
    if "_document" in out:
        summary.update(out["_document"])
    return pd.DataFrame(summary)


#: Columns of the ``narrative_evidence`` table.
EVIDENCE_COLUMNS = ["article_id", "narrative", "rank", "start", "end", "sentence_id", "in_title"]


def _evidence_offsets(labelled: pd.DataFrame, articles: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The ``evidence`` pairs (label, sentence) of :func:`analysis.narratives.narratives` as offsets:
    ``text[start:end]`` is the evidence sentence (its first occurrence in the text), ``rank`` its
    place among the article's evidence (the order :func:`analysis.narratives.narrative_evidence`
    lists them in) and ``sentence_id`` the stored sentence holding ``start`` (-1: none). A sentence
    of the headline alone (a ``title`` column, which the narratives stage reads as ``title + "\\n\\n" +
    text``) has ``in_title`` True and ``title[start:end]`` (the same offsets into that joined text),
    ``sentence_id`` -1: the sentences table holds the text's sentences only.

    >>> arts = pd.DataFrame({"article_id": ["a"], "text": ["Calm. Nuclear war looms."], "title": ["Fear grows"]})
    >>> lab = pd.DataFrame({"article_id": ["a"], "evidence": [[("URW: Fear", "Nuclear war looms."),
    ...                                                         ("URW: Fear", "Fear grows")]]})
    >>> sents = pd.DataFrame({"article_id": ["a", "a"], "sentence_id": [0, 1], "start": [0, 6]})
    >>> _evidence_offsets(lab, arts, sents).values.tolist()
    [['a', 'URW: Fear', 0, 6, 24, 1, False], ['a', 'URW: Fear', 1, 0, 10, -1, True]]
    """
    from bisect import bisect_right

    texts = dict(zip(articles["article_id"].tolist(), articles["text"].tolist()))
    titles = dict(zip(articles["article_id"].tolist(), articles["title"].tolist())) if "title" in articles else {}
    starts: dict = {}
    if len(sentences):
        for aid, sid, start in zip(sentences["article_id"].tolist(), sentences["sentence_id"].tolist(),
                                   sentences["start"].tolist()):
            found = starts.setdefault(aid, ([], []))
            found[0].append(int(start))
            found[1].append(int(sid))
    rows = []
    for aid, evidence in zip(labelled["article_id"].tolist(), labelled["evidence"].tolist()):
        text = texts.get(aid)
        text = text if isinstance(text, str) else ""
        title = titles.get(aid)
        title = title if isinstance(title, str) else ""
        for rank, (label, sentence) in enumerate(evidence or []):
            start = text.find(sentence)
            in_title = start < 0 and bool(sentence) and sentence in title
            if in_title:
                start = title.find(sentence)
            if start < 0:  # not a substring (never expected): keep the label, no span
                start, end = -1, -1
            else:
                end = start + len(sentence)
            known = starts.get(aid) if not in_title else None
            k = bisect_right(known[0], start) - 1 if known and start >= 0 else -1
            rows.append((aid, label, rank, start, end, known[1][k] if k >= 0 else -1, in_title))
    frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    return frame.astype({"rank": np.int64, "start": np.int64, "end": np.int64, "sentence_id": np.int64,
                         "in_title": bool})


def _document_measures(articles: pd.DataFrame, *, n_words: np.ndarray | None = None,
                       split=None) -> dict[str, np.ndarray]:
    """Stage ``document``: whole-text tone (:func:`_document_tone`) and the five generic frame
    scores of Semetko & Valkenburg (2000), 0-1, one value per article in article order.
    ``n_words``: the articles' word counts, if counted already; ``split``: their
    :func:`analysis.wordsplit.split_texts`, if split already."""
    from analysis.framing import GENERIC_FRAMES, generic_frames

    out = _document_tone(articles, n_words=n_words, split=split)
    generic = generic_frames(articles).set_index("article_id").reindex(articles["article_id"].to_numpy(dtype=object))
    for column in GENERIC_FRAMES:
        out[column] = generic[column].to_numpy(float)
    return out


#: Whole-document tone columns of ``article_summary`` (stage ``document``), war-news lexicon.
DOCUMENT_TONE = ("gdelt_tone", "gdelt_positive", "gdelt_negative", "gdelt_polarity", "gdelt_word_count",
                 "whole_compound")


def _document_tone(articles: pd.DataFrame, *, n_words: np.ndarray | None = None,
                   split=None) -> dict[str, np.ndarray]:
    """Per-article tone computed from the whole text, so notebooks never need the texts again:
    :func:`analysis.sentiment.gdelt_tone` (GDELT GKG-style word-count tone, Leetaru & Schrodt 2013)
    and the VADER compound of the whole text at once (Hutto & Gilbert 2014), the saturated
    figure notebook 03 contrasts with the mean of sentences."""
    from analysis.sentiment import gdelt_tone
    from analysis.sentiment.tone import whole_text_scores
    from analysis.wordsplit import split_texts

    texts = articles["text"].tolist()
    if split is None:  # one split of the texts into whitespace tokens for both measures
        split = split_texts(texts)
    gdelt = gdelt_tone(articles, n_words=n_words, split=split)
    whole = whole_text_scores(texts, lexicon="war-news", split=split)[:, 3] if len(texts) else np.zeros(0)
    out = {f"gdelt_{c}": gdelt[c].to_numpy(float) for c in ("tone", "positive", "negative", "polarity")}
    out["gdelt_word_count"] = gdelt["word_count"].fillna(0).to_numpy(np.int64)
    out["whole_compound"] = np.asarray(whole, dtype=float)
    return out


# --------------------------------------------------------------------------- chunking
def iter_chunks(articles: pd.DataFrame, chunk_size: int) -> Iterator[pd.DataFrame]:
    """Consecutive slices of at most ``chunk_size`` articles (order kept)."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be >= 1")
    for start in range(0, len(articles), chunk_size):
        yield articles.iloc[start:start + chunk_size]


#: What :func:`warm_up` runs: an English, a Russian and a Ukrainian article, so the Russian/Ukrainian
#: layer (pymorphy3 dictionaries, the lingua models of the Cyrillic languages, Cyrillic lexicons)
#: is loaded too. Its second Russian sentence has no letter cue, so it goes to the lingua model.
_WARM_UP_ARTICLES = {
    "warm-up": "Putin said Kyiv attacked. Zelenskyy spoke.",
    "warm-up-ru": "Путин заявил, что Киев атаковал Курск. Путин сказал.",
    "warm-up-uk": "Зеленський заявив, що Україна вистоїть. Путін напав на Київ.",
}
#: A sentence natasha reads in :func:`warm_up` (its models load on first use).
_WARM_UP_NATASHA = "Сергей Иванов приехал в Новосибирск."


def warm_up(stages: Iterable[str] = STAGES, *, cyrillic: bool = True,
            sample: pd.DataFrame | None = None) -> None:
    """Load lexicons, gazetteer and tokenizer tables once, so forked workers share them.

    Russian and Ukrainian resources are loaded as well (a few seconds once per process):
    otherwise the first chunk with a Cyrillic article pays for them, in every worker, and a serial
    run's timings carry the load. ``cyrillic=False`` (a corpus known to hold no Cyrillic letter,
    :func:`has_cyrillic`) leaves out pymorphy3's dictionaries and natasha (135 MB).

    lingua's models (measured in a fresh process, private memory added by the first call on a short
    text: 233 MB for the seven Latin-script languages, 168 MB for the five Cyrillic ones) are needed
    only where no letter or word cue decides. ``sample``: the corpus's articles that could need them
    (:func:`_language_sample`, ``article_id``, ``text``, ``lang`` if declared); when it holds fewer
    than :data:`MANY_CYRILLIC` articles (a mostly Latin-script corpus) and the stages do not detect
    every article (``roles``, ``narratives``), only the models their language detection asks for
    are loaded (none on the bench corpus); otherwise, or without a sample, all of them. A worker
    that meets text needing a model not loaded here loads it itself: same output, more memory.
    A process that loaded everything for ``stages`` before (:func:`_fully_warm`) returns at once.
    """
    stages = _normalise_stages(stages)
    if _fully_warm(stages):
        return
    samples = _WARM_UP_ARTICLES if cyrillic else {"warm-up": _WARM_UP_ARTICLES["warm-up"]}
    process_articles(pd.DataFrame({"article_id": list(samples), "text": list(samples.values())}), stages=stages)
    from analysis import lang

    every_model = sample is None or len(sample) >= MANY_CYRILLIC or bool(set(stages) & set(OPTIONAL_STAGES))
    if not every_model:
        from analysis.text import sentences

        sentences(sample)  # the article and sentence languages a worker will detect: their models only
    else:
        # Cyrillic articles are usually told apart by their letters, without lingua; the short or mixed
        # sentences that still need the model would load it inside each worker: load it here.
        detector = lang._detector()
        for text in samples.values():
            detector.compute_language_confidence_values(text)
    if cyrillic and "entities" in _normalise_stages(stages):
        # natasha (ru name discovery) runs only on a sentence with a capitalised word outside the
        # gazetteer, which the warm-up articles lack: without this each worker loaded its own copy
        # of the navec embeddings and slovnet weights (~90 MB private per worker on a mixed corpus).
        from analysis.entities import cyrillic as cyrillic_entities

        if cyrillic_entities._natasha_available():
            cyrillic_entities.discover_natasha([_WARM_UP_NATASHA])
    if cyrillic and every_model:
        _warmed_fully.update(dict.fromkeys(stages, _models_held()))


#: The cached loaders :func:`_models_held` counts: the ``functools`` caches of the project's modules holding at
#: most this many entries, or unbounded (a loader takes a few arguments, a language or a path; larger bounded
#: caches are memos of the text, whose entries come and go).
LOADER_MAXSIZE = 16

#: The stages a :func:`warm_up` of this process has loaded everything for (the Russian/Ukrainian layer,
#: every lingua model and natasha: ``cyrillic=True``, no small ``sample``), each with :func:`_models_held`
#: once it was done.
_warmed_fully: dict[str, dict[tuple[str, str], int]] = {}


def _models_held() -> dict[tuple[str, str], int]:
    """{(module, name): the entries it holds} of every cached loader (:data:`LOADER_MAXSIZE`) of the imported
    ``analysis`` modules. Found, not listed: a hand-written list (pymorphy3, lingua, natasha) went stale
    silently whenever a stage started caching another model."""
    import functools

    from analysis._cached import package_caches

    return {(module, name): func.cache_info().currsize for module, name, func in package_caches()
            if isinstance(func, functools._lru_cache_wrapper)
            and (func.cache_parameters()["maxsize"] or 0) <= LOADER_MAXSIZE}


def _fully_warm(stages: tuple[str, ...]) -> bool:
    """Whether :func:`warm_up` of ``stages`` (normalised) would load nothing new in this process: a
    warm-up of them loaded everything before and every cached loader (:func:`_models_held`) still holds
    what it held after it (a test may clear one). :func:`shared_lexicons` then forks
    at once, without its corpus scan (whose answers could add nothing) and without the warm-up's
    articles: on the bench corpus, after ``benchmarks/run.py``'s warm-up and serial runs, 0.11 of the
    0.14 CPU s the parent spent before the first fork, every worker waiting.
    """
    if not stages or not set(stages) <= set(_warmed_fully):
        return False
    held = _models_held()
    return all(held.get(model, 0) >= n for stage in stages for model, n in _warmed_fully[stage].items())


# not a raw string: the letters themselves, which pyarrow's RE2 reads too (it has no \u escape)
_CYRILLIC_LETTER = "[\u0400-\u04FF]"


def has_cyrillic(source, *, min_letters: int = 20) -> bool:
    """Whether a corpus (an articles DataFrame or a parquet file/folder with ``text``) holds an
    article with at least ``min_letters`` Cyrillic letters, or a Cyrillic-script ``lang``: what
    decides if :func:`shared_lexicons` loads the Russian/Ukrainian layer before the fork. A few
    stray letters (a homoglyph typo such as "еру" for "the") make no Russian sentence; a worker
    that meets Cyrillic text anyway loads that layer itself (same output, more memory). The corpus
    is read one batch of articles at a time and the scan stops at the first hit
    (:func:`scan_languages`, which also takes :func:`warm_up`'s language sample in the same read).

    >>> has_cyrillic(pd.DataFrame({"article_id": ["a"], "text": ["Putin said еру"]}))
    False
    >>> has_cyrillic(pd.DataFrame({"article_id": ["a", "b"], "text": ["Putin said", "Путин сказал, что Киев атаковал"]}))
    True
    """
    return scan_languages(source, min_letters=min_letters, scan=0).cyrillic


#: Articles :func:`_language_sample` reads at most, and the number of articles with Cyrillic text
#: among them from which a corpus is taken to need every lingua model (:func:`warm_up`).
LANGUAGE_SCAN = 5000
MANY_CYRILLIC = 100


def _language_sample(source, *, scan: int = LANGUAGE_SCAN, limit: int = MANY_CYRILLIC) -> pd.DataFrame:
    """Of the first ``scan`` articles of a corpus (a DataFrame or a parquet file/folder), the ones
    whose language the pipeline detects (a Cyrillic letter in ``text`` or a Cyrillic-script
    ``lang``; text without Cyrillic is English to :func:`analysis.text.sentences`), at most
    ``limit``: ``article_id``, ``text`` and ``lang`` when the corpus declares it.

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Putin said", "Путин сказал"]})
    >>> _language_sample(arts)["article_id"].tolist()
    ['b']
    """
    return scan_languages(source, scan=scan, limit=limit, stop_at_cyrillic=False).sample


class LanguageScan(NamedTuple):
    """What the parent needs to know of a corpus's languages before it forks (:func:`shared_lexicons`)."""

    #: :func:`has_cyrillic`: load the Russian/Ukrainian layer
    cyrillic: bool
    #: :func:`_language_sample`: the articles whose language detection decides which lingua models to load
    sample: pd.DataFrame


def scan_languages(source, *, min_letters: int = 20, scan: int = LANGUAGE_SCAN, limit: int = MANY_CYRILLIC,
                   stop_at_cyrillic: bool = True) -> LanguageScan:
    """:func:`has_cyrillic` and :func:`_language_sample` of a corpus (an articles DataFrame or a
    parquet file/folder) in one read, batch by batch: each batch's Cyrillic letters are counted
    once for both. The read stops once both are known (an article with ``min_letters`` Cyrillic
    letters found and ``scan`` articles read or ``limit`` sampled); ``stop_at_cyrillic=False``
    reads the ``scan`` articles of the sample even when nothing Cyrillic turns up (for the sample alone).

    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "text": ["Putin said", "Путин сказал, что Киев атаковал"]})
    >>> found = scan_languages(arts)
    >>> found.cyrillic, found.sample["article_id"].tolist()
    (True, ['b'])
    """
    found: list[pd.DataFrame] = []
    none_found = pd.DataFrame(columns=["article_id", "text"])
    read, sampled, cyrillic = 0, 0, False
    for letters, declared, rows in _cyrillic_letter_counts(source):
        if not read:
            none_found = rows(np.zeros(len(letters), dtype=bool))  # the corpus's columns and dtypes
        cyrillic = cyrillic or bool(((letters >= min_letters) | declared).any())
        if read < scan and sampled < limit:
            wanted = (letters > 0) | declared
            wanted[scan - read:] = False
            if wanted.any():
                found.append(rows(wanted))
                sampled += len(found[-1])
        read += len(letters)
        if (read >= scan or sampled >= limit) and (cyrillic or not stop_at_cyrillic):
            break
    sample = pd.concat(found, ignore_index=True).head(limit) if found else none_found
    return LanguageScan(cyrillic, sample)


def _cyrillic_letter_counts(source, *, batch_size: int = 1000):
    """Per batch of a corpus: the Cyrillic letters of each text (0 when missing), whether each
    ``lang`` is Cyrillic-script, and a function returning the batch's rows of a mask as a DataFrame
    of ``article_id``, ``text`` and ``lang`` (if declared)."""
    if isinstance(source, pd.DataFrame):
        columns = [c for c in ("article_id", "text", "lang") if c in source.columns]
        if "text" not in columns:
            return
        for start in range(0, len(source), batch_size):
            part = source.iloc[start:start + batch_size]
            letters = part["text"].astype("string").str.count(_CYRILLIC_LETTER).fillna(0).to_numpy(np.int64)
            declared = (part["lang"].isin(_CYRILLIC_LANGS).to_numpy(bool) if "lang" in columns
                        else np.zeros(len(part), dtype=bool))
            yield letters, declared, lambda mask, part=part: part.loc[mask, columns].reset_index(drop=True)
        return
    import pyarrow as pa
    import pyarrow.compute as pc

    dataset = _parquet_dataset(source)  # listed once: for its schema and for the batches
    columns = ["article_id", "text"] + (["lang"] if "lang" in dataset.schema.names else [])
    for batch in parquet_batches(dataset, columns, batch_size):
        if not batch.num_rows:
            continue
        letters = pc.fill_null(pc.count_substring_regex(batch.column(1), _CYRILLIC_LETTER), 0).to_numpy()
        declared = (pc.fill_null(pc.is_in(batch.column(2), pa.array(sorted(_CYRILLIC_LANGS))), False)
                    .to_numpy(zero_copy_only=False) if "lang" in columns else np.zeros(batch.num_rows, dtype=bool))
        yield letters.astype(np.int64), declared.astype(bool), \
            lambda mask, batch=batch: batch.filter(pa.array(mask)).to_pandas()


def _mp_context():
    # fork shares the warmed-up lexicons copy-on-write; elsewhere spawn is the safe default.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


@contextmanager
def shared_lexicons(stages: Iterable[str] = STAGES, *, cyrillic: bool = True,
                    sample: pd.DataFrame | None = None, corpus=None):
    """Build lexicons, gazetteer tries and tokenizer tables once in this process, so that
    forked workers share them instead of each building its own copy.

    ``gc.freeze()`` moves every object built so far out of the collector's reach: a
    collection in a worker would otherwise write to the header of each shared object and
    copy its page (Python issue 31558). Measured on 4 chunks of the seed article, 2 workers:
    each worker's private memory falls from ~140 MB to ~40 MB while the parent grows by
    ~90 MB, so the saving grows with every worker added. Does nothing under ``spawn``.

    What a warmed-up process holds (``benchmarks/worker_memory.py --attribute``, USS added to
    ``import analysis.engine``): natasha 96 MB, pymorphy3 ru + uk 40 MB, the English layer with its
    imports ~100 MB and, when the corpus needs them (:func:`warm_up`'s ``sample``), lingua's models
    (up to 345 MB: native memory that a worker reads without copying). On the bench corpus
    (official statements + GDELT news, 2,744 articles, 27 with Cyrillic letters) ``warm_up`` adds
    276 MB with its sample against 583 MB loading every lingua model (fresh process, USS).
    A forked worker starts with ~3 MB of its own and
    holds 60-75 MB (English chunk of 100 articles) or 90-125 MB (half Russian) after one chunk:
    pages its reference counts touched plus its memos. ``cyrillic``, ``sample``: as :func:`warm_up`
    ``corpus`` (an articles DataFrame or a parquet file/folder, as :func:`run` and
    :func:`run_to_parquet` pass theirs): both are taken from one read of it, :func:`scan_languages`,
    so an English corpus holds neither the Russian layer nor lingua's models.
    """
    if _mp_context().get_start_method() != "fork":
        yield
        return
    # what the process holds already is frozen first, so a collection during the scan and warm-up walks only
    # what they build: after an earlier run unfroze its heap, one full collection of it cost 0.2 CPU s here
    # (bench corpus), serial time before any worker starts
    gc.freeze()
    try:
        if corpus is not None and not _fully_warm(_normalise_stages(stages)):
            # the scan's batches from the C library's pool, handed back before the warm-up: from mimalloc (a
            # streamed run's parent) the parent kept 82 MB of them into the fork, and the whole warm-up in the C
            # library's pool fragmented its heap instead; this way 315-318 -> 290-291 MB private at the fork
            # (benchmarks/parent_memory.py 10000, --scan-in-pool against neither and --in-pool: 313-314)
            with arrow_pool():
                cyrillic, sample = scan_languages(corpus)
            release_memory()
        warm_up(stages, cyrillic=cyrillic, sample=sample)
        release_memory()  # the warm-up's freed heap (264 MB at 100k articles) is not carried into every worker
        # no gc.collect() first: a full collection walks every object of the heap (0.1 s on the bench,
        # before any worker starts), and the holes it leaves are pages the workers fill and copy; cyclic
        # garbage frozen with the rest is collected after gc.unfreeze()
        gc.freeze()
        yield
    finally:
        gc.unfreeze()


#: Environment variable naming the Arrow memory pool the engine allocates from while it runs
#: (:func:`arrow_pool`): ``system`` (the default), ``jemalloc``, ``mimalloc`` or ``default`` (keep the
#: caller's pool: the opt-out).
ARROW_POOL_ENV = "ANALYSIS_ARROW_POOL"


def _arrow_pool_name() -> str:
    """The pool :data:`ARROW_POOL_ENV` names in this process (``system`` when unset), checked."""
    name = os.environ.get(ARROW_POOL_ENV, "").strip().lower() or "system"
    if name not in ("system", "jemalloc", "mimalloc", "default"):
        raise ValueError(f"{ARROW_POOL_ENV}={name!r}: expected system, jemalloc, mimalloc or default")
    return name


def _pool_named(name: str):
    """The pyarrow memory pool ``name`` (:func:`_arrow_pool_name`) stands for, or None to keep the caller's."""
    if name == "default":
        return None
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    try:
        return getattr(pa, f"{name}_memory_pool")()
    except NotImplementedError:  # this wheel was built without it
        return pa.system_memory_pool()


@contextmanager
def arrow_pool(*, name: str | None = None):
    """Allocate pyarrow's buffers from the pool :data:`ARROW_POOL_ENV` names (the C library's,
    ``system``, unless set otherwise; ``name``: that setting's value given instead) while the block
    runs; the caller's pool is put back after, also after an error. Forked workers inherit the setting.

    pyarrow's default pool, mimalloc, asks the kernel for transparent huge pages for its arena; on
    a VM that hands free memory back to its host a fresh 2 MB page cost 246-12,445 us of system time
    (issue 13, ``benchmarks/cpu_ratios.py``), and the tokens stage's system seconds swung 0.1-1.4 s
    from run to run. Buffers remember the pool they came from, so tables made here are freed
    correctly after the switch back. ``ANALYSIS_ARROW_POOL=default`` leaves the pool alone, and so does
    a block inside another of the same pool (:func:`shared_lexicons`' corpus scan inside :func:`run`).
    A :func:`run_dask` with a ``client`` sets the same pool on the cluster's workers
    (:class:`analysis._dask_plugins.ArrowPoolPlugin`).

    >>> import pyarrow as pa
    >>> before = pa.default_memory_pool().backend_name
    >>> with arrow_pool():
    ...     inside = pa.default_memory_pool().backend_name
    >>> inside, pa.default_memory_pool().backend_name == before
    ('system', True)
    """
    pool = _pool_named(_arrow_pool_name() if name is None else name)
    if pool is None:
        yield
        return
    import pyarrow as pa

    previous = pa.default_memory_pool()
    if previous.backend_name == pool.backend_name:  # inside a block of the same pool: nothing to switch
        yield
        return
    pa.set_memory_pool(pool)
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


@contextmanager
def _arrow_pool_on_workers(client, name: str):
    """The cluster's workers allocate from the pool ``name`` (:func:`_arrow_pool_name` as seen here, on the
    client) while the block runs, and from their own pools again after: a worker plugin, registered
    on every worker (those joining later too) and removed at the end, each worker then putting back
    the pool it had. ``default``: the workers' pools are left alone."""
    if name == "default":
        yield
        return
    from analysis._dask_plugins import ArrowPoolPlugin

    plugin = ArrowPoolPlugin(name)
    client.register_plugin(plugin)
    try:
        yield
    finally:
        client.unregister_worker_plugin(plugin.name)


@contextmanager
def _frozen_heap():
    """A serial run keeps Python's cyclic collector off the objects that exist before it.

    After :func:`warm_up` some 200,000 long-lived objects (lexicons, tries, memos) would be
    walked by every full collection a run triggers (about 8% of the whole pipeline's time);
    ``gc.freeze()`` sets them aside for the run, ``gc.unfreeze()`` hands them back after
    (nothing is leaked: garbage among them is collected then). Does nothing when something
    is frozen already (:func:`shared_lexicons`, or the caller's own freeze).
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _string_like_objects(frame: pd.DataFrame) -> list[str]:
    """The object columns of ``frame`` whose values are all str or missing (or that are empty)."""
    from pandas.api.types import infer_dtype

    # infer_dtype decides in C what ``series.dropna().map(type).eq(str).all()`` did row by row
    return [column for column in frame.columns
            if frame[column].dtype == object and infer_dtype(frame[column], skipna=True) in ("string", "empty")]


def _uniform_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as pandas' string dtype: chunks that happen to hold only
    missing values (object/None) and chunks with text (str/NaN) then agree."""
    converted = {column: _as_str(frame[column]) for column in _string_like_objects(frame)}
    return frame.assign(**converted) if converted else frame


def _as_str(series: pd.Series) -> pd.Series:
    """``series.astype("str")`` for an object column of strings and missing values, built by
    ``pyarrow.array`` in one call (pandas' own conversion checks every value in Python first:
    about 7x slower on an all-None token column of a million rows). Same values and dtype;
    falls back to ``astype`` when pandas' ``str`` is not pyarrow-backed or pyarrow refuses."""
    probe = _str_storage()
    if probe is not None:
        import pyarrow as pa

        dtype, arrow_type, array_type = probe
        try:
            values = pa.array(series.to_numpy(dtype=object), type=arrow_type, from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError, UnicodeError):
            values = None
        if values is not None:
            return pd.Series(array_type(values, dtype=dtype), index=series.index, name=series.name)
    return series.astype("str")


@lru_cache(maxsize=1)
def _str_storage():
    """(dtype, arrow type, array class) of pandas' ``str`` dtype when pyarrow stores it, else None."""
    try:
        import pyarrow as pa

        array = pd.Series(["a", None], dtype=object).astype("str").array
        arrow = pa.array(array)
        rebuilt = type(array)(arrow, dtype=array.dtype)
        if not rebuilt.equals(array):
            return None
        return array.dtype, arrow.type, type(array)
    except Exception:  # noqa: BLE001 - any surprise: keep pandas' own conversion
        return None


def _concat(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    non_empty = [p for p in parts if len(p)]
    if not non_empty:
        frame = parts[0].iloc[:0].reset_index(drop=True) if parts else pd.DataFrame()
    else:
        non_empty = _strings_before_concat(non_empty)
        frame = pd.concat(non_empty, ignore_index=True)
    return _uniform_strings(frame)


def _strings_before_concat(parts: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """``parts`` with the text columns that some parts hold as objects made pandas' string dtype in
    those parts, when every part's column is text (str, or objects that are all str or missing).

    The concatenation is then text already: otherwise one part holding objects (the lemmas of a
    chunk with Russian articles) made the whole column objects, and :func:`_uniform_strings`
    converted every row of it (2.2 M tokens on the bench corpus) instead of that part's.
    Same table as converting after :func:`pandas.concat`.
    """
    if len(parts) < 2:
        return parts
    objects = [set(_string_like_objects(p)) for p in parts]
    mixed = set().union(*objects)
    if not mixed:
        return parts
    textual = [c for c in mixed
               if all(c in found or (c in p.columns and p[c].dtype == "str") for p, found in zip(parts, objects))]
    if not textual:
        return parts
    return [p.assign(**{c: _as_str(p[c]) for c in textual if c in found}) if found & set(textual) else p
            for p, found in zip(parts, objects)]


def _progress(total: int, enabled: bool | None, desc: str):
    """A progress bar on stderr or None: ``enabled=None`` decides as :func:`analysis.logs.progress_enabled`."""
    from analysis.logs import progress_bar

    return progress_bar(total=total, desc=desc, unit="article", enabled=enabled)


def run(
    articles: pd.DataFrame,
    *,
    stages: Iterable[str] = STAGES,
    n_jobs: int = 1,
    chunk_size: int = 200,
    progress: bool | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, pd.DataFrame]:
    """Run the pipeline over ``articles`` and return every table in memory.

    ``n_jobs`` worker processes (``-1``: all cores) each take chunks of
    ``chunk_size`` articles; results are concatenated in input order, so the
    output equals ``n_jobs=1`` exactly. ``progress``: a bar on stderr (``None``: when
    :func:`analysis.logs.progress_enabled` says so: a terminal or a notebook, not ``-q``/``ANALYSIS_PROGRESS=0``).
    """
    stages = _normalise_stages(stages)
    _require_unique_ids(articles)
    n_jobs = os.cpu_count() or 1 if n_jobs == -1 else max(1, int(n_jobs))
    chunks = list(iter_chunks(articles, chunk_size)) or [articles.iloc[:0]]
    results: list[dict[str, pd.DataFrame]] = []
    clock = timings if timings is not None else {}
    # the pool first: a refused ANALYSIS_ARROW_POOL leaves no progress bar behind; one arrow_pool for the
    # whole run (shared_lexicons sets none of its own)
    with arrow_pool():
        bar = _progress(len(articles), progress, "pipeline")
        if n_jobs == 1 or len(chunks) == 1:
            with _frozen_heap():
                for chunk in chunks:
                    results.append(process_articles(chunk, stages=stages, timings=clock))
                    if bar is not None:
                        bar.update(len(chunk))
        else:
            with shared_lexicons(stages, corpus=articles), \
                    ProcessPoolExecutor(max_workers=n_jobs, mp_context=_mp_context()) as pool:
                futures = {i: pool.submit(_process_with_timings, chunk, stages) for i, chunk in largest_first(chunks)}
                for i, chunk in enumerate(chunks):
                    result, chunk_timings = futures.pop(i).result()
                    results.append(result)
                    for stage, seconds in chunk_timings.items():
                        clock[stage] = clock.get(stage, 0.0) + seconds
                    if bar is not None:
                        bar.update(len(chunk))
        if bar is not None:
            bar.close()
        names = results[0].keys()
        return {name: _concat([r[name] for r in results]) for name in names}


def _process_with_timings(chunk: pd.DataFrame, stages: tuple[str, ...]):
    clock: dict[str, float] = {}
    return process_articles(chunk, stages=stages, timings=clock), clock


# --------------------------------------------------------------------------- storage
def to_arrow_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Compact dtypes for storage: pyarrow strings, categoricals for repeated labels."""
    converted = {}
    for column in frame.columns:
        series = frame[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            if column in _CATEGORICAL:
                converted[column] = series.astype("category")
            else:
                try:
                    converted[column] = series.astype("string[pyarrow]")
                except (TypeError, ValueError):  # mixed non-string objects: leave as is
                    continue
    return frame.assign(**converted) if converted else frame


def stored_schema(frame: pd.DataFrame):
    """The Arrow schema a part of a stored table is written with: the frame's own types, but a label column
    (categorical, :data:`_CATEGORICAL`) is always a dictionary of strings with 32-bit indices. Left to pandas,
    a part's labels were ``int8`` or ``int16`` indices by their number, and an empty part's had type ``null``,
    so parts disagreed: ``pyarrow.dataset`` read a folder whose first part was empty as all-null labels, and
    ``pandas.read_parquet`` of the folder gave ``object`` columns.

    >>> import pandas as pd
    >>> empty = to_arrow_dtypes(pd.DataFrame({"article_id": pd.Series([], dtype=object), "type": pd.Series([], dtype=object)}))
    >>> str(stored_schema(empty).field("type").type)
    'dictionary<values=string, indices=int32, ordered=0>'
    """
    import pyarrow as pa

    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    for i, field in enumerate(schema):
        dtype = frame[field.name].dtype
        if isinstance(dtype, pd.CategoricalDtype) and (len(dtype.categories) == 0
                                                         or pd.api.types.is_string_dtype(dtype.categories)):
            schema = schema.set(i, field.with_type(pa.dictionary(pa.int32(), pa.string())))
    return schema


def _write_parts(result: dict[str, pd.DataFrame], out_dir: Path, part: int) -> dict[str, int]:
    rows = {}
    for name, frame in result.items():
        folder = out_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        stored = to_arrow_dtypes(frame)
        stored.to_parquet(folder / f"part-{part:06d}.parquet", index=False, schema=stored_schema(stored))
        rows[name] = len(frame)
    return rows


def _process_and_write(chunk: pd.DataFrame, stages: tuple[str, ...], out_dir: str, part: int):
    clock: dict[str, float] = {}
    result = process_articles(chunk, stages=stages, timings=clock)
    rows = _write_parts(result, Path(out_dir), part)
    del result
    release_memory()
    return part, len(chunk), rows, clock


def release_memory() -> None:
    """Hand freed heap pages back to the OS between chunks (glibc keeps them otherwise),
    so a long streaming run stays at the memory of one chunk."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


#: Characters of text at most in one chunk of :func:`run_to_parquet` (a chunk of ``chunk_size``
#: articles holding more is cut further). A worker's peak memory follows its largest chunk's
#: tables, and article lengths vary: on the replicated bench corpus 200-article chunks hold
#: 0.77 MB of text (median) to 2.2 MB (the largest), so the largest set the peak.
MAX_CHUNK_CHARS = 1_000_000


def split_by_chars(chunk: pd.DataFrame, max_chars: int | None) -> Iterator[pd.DataFrame]:
    """Consecutive slices of ``chunk`` holding at most ``max_chars`` characters of ``text`` each
    (an article longer than that is a slice of its own); order kept, ``None``: no cut.

    >>> arts = pd.DataFrame({"article_id": list("abcd"), "text": ["xx", "xxx", "x" * 9, "x"]})
    >>> [c["article_id"].tolist() for c in split_by_chars(arts, 5)]
    [['a', 'b'], ['c'], ['d']]
    """
    for piece, _ in _split_counted(chunk, max_chars):
        yield piece


def _text_chars(chunk: pd.DataFrame) -> np.ndarray:
    """The characters of each ``text`` of ``chunk`` (0 when missing)."""
    return chunk["text"].fillna("").astype(str).str.len().to_numpy()


def _split_counted(chunk: pd.DataFrame, max_chars: int | None) -> Iterator[tuple[pd.DataFrame, int | None]]:
    """:func:`split_by_chars`'s slices, each with its characters of text when the cut counted them
    (``None``: not counted, with no cap or fewer than two articles).

    >>> arts = pd.DataFrame({"article_id": list("abcd"), "text": ["xx", "xxx", "x" * 9, "x"]})
    >>> [(c["article_id"].tolist(), n) for c, n in _split_counted(arts, 5)]
    [(['a', 'b'], 5), (['c'], 9), (['d'], 1)]
    """
    if not max_chars or len(chunk) < 2:
        yield chunk, None
        return
    lengths = _text_chars(chunk)
    if lengths.sum() <= max_chars:
        yield chunk, int(lengths.sum())
        return
    start, total = 0, 0
    for i, n in enumerate(lengths.tolist()):
        if i > start and total + n > max_chars:
            yield chunk.iloc[start:i], total
            start, total = i, 0
        total += n
    yield chunk.iloc[start:], total


def largest_first(chunks: Iterable[pd.DataFrame], *,
                  chars: Iterable[int | None] | None = None) -> list[tuple[int, pd.DataFrame]]:
    """``(position, chunk)`` pairs of ``chunks``, the chunks with the most characters of ``text``
    first (ties keep their order): the order in which worker processes are handed them.

    In input order the last chunk to finish ran alone on one worker while the others idled, for
    up to a chunk's time (bench corpus, 18 chunks on 2 processes: 1-2 s of a 25 s run). Longest
    first (Graham's LPT rule, 1969) leaves the shortest chunks for the end, so the workers finish
    close together. Text length stands in for a chunk's cost (correlation 0.83 with its CPU
    seconds on the bench corpus). Each result keeps its position (its part number), so the
    tables are the same in any order.

    >>> arts = pd.DataFrame({"article_id": list("abc"), "text": ["x", "xxx", "xx"]})
    >>> [(i, c["article_id"].tolist()) for i, c in largest_first(iter_chunks(arts, 1))]
    [(1, ['b']), (2, ['c']), (0, ['a'])]

    ``chars``: each chunk's characters of text when counted already (:func:`_split_counted`; ``None``
    entries are counted here), so that a UTF-8 text column is not read twice before the first fork.
    """
    numbered = list(enumerate(chunks))
    known = list(chars) if chars is not None else [None] * len(numbered)
    sizes = [int(_text_chars(chunk).sum()) if n is None else n for n, (_, chunk) in zip(known, numbered)]
    return [numbered[i] for i in sorted(range(len(numbered)), key=lambda i: -sizes[i])]


#: The columns of an articles table :func:`process_articles` reads: ``article_id`` and ``text`` always,
#: ``lang`` (a declared language routes ru/uk text) and ``title`` (the narratives stage reads the headline)
#: when the corpus has them. A parquet source is read for these alone.
ARTICLE_COLUMNS = ("article_id", "text")
OPTIONAL_ARTICLE_COLUMNS = ("lang", "title")


def article_columns(names: Iterable[str]) -> list[str]:
    """Of a corpus's column ``names``, those :func:`process_articles` reads (:data:`ARTICLE_COLUMNS`, then the
    :data:`OPTIONAL_ARTICLE_COLUMNS` present): what a parquet source or a Dask corpus is read for, so it gives
    the same tables as the same articles handed over as a DataFrame.

    >>> article_columns(["outlet", "title", "text", "article_id"])
    ['article_id', 'text', 'title']
    """
    names = set(names)
    return list(ARTICLE_COLUMNS) + [c for c in OPTIONAL_ARTICLE_COLUMNS if c in names]


def _iter_source(source, chunk_size: int, columns: Sequence[str] | None = None,
                 max_chars: int | None = None) -> Iterator[pd.DataFrame]:
    for chunk in _iter_batches(source, chunk_size, columns):
        yield from split_by_chars(chunk, max_chars)


def _iter_batches(source, chunk_size: int, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
    """Chunks of ``chunk_size`` articles of a DataFrame (all its columns) or of a parquet source (its
    ``columns``; ``None``: :func:`article_columns` of its schema)."""
    if isinstance(source, pd.DataFrame):
        yield from iter_chunks(source, chunk_size)
        return
    dataset = _parquet_dataset(source)
    for batch in parquet_batches(dataset, columns or article_columns(dataset.schema.names), chunk_size):
        if batch.num_rows:
            yield batch.to_pandas()


def _parquet_dataset(source):
    """``source`` as a ``pyarrow.dataset`` of parquet files (a dataset already built is itself)."""
    import pyarrow.dataset as ds

    return source if isinstance(source, ds.Dataset) else ds.dataset(str(source), format="parquet")


def parquet_batches(source, columns: Sequence[str], batch_size: int) -> Iterator:
    """``columns`` of a parquet file or folder (or its :func:`_parquet_dataset`) as pyarrow record
    batches of at most ``batch_size`` rows: the batches of ``pyarrow.dataset``'s scanner (its files,
    in its order, each row group cut into ``batch_size`` rows from its start), read one batch at a time.

    The scanner decodes a whole row group before it cuts it and reads files ahead even when told
    to read one batch ahead: streaming the replicated bench corpus (5,000 articles, one row group,
    per file) it held 62-83 MB of Arrow buffers in the parent all run long; read batch by batch
    (``ParquetFile.iter_batches``, one row group at a time so the cuts stay the same) 7 MB.

    >>> import tempfile, pyarrow as pa, pyarrow.parquet as pq
    >>> path = tempfile.mkdtemp() + "/a.parquet"
    >>> pq.write_table(pa.table({"article_id": list("abcde"), "text": list("vwxyz")}), path, row_group_size=3)
    >>> [b.column("article_id").to_pylist() for b in parquet_batches(path, ["article_id"], 2)]
    [['a', 'b'], ['c'], ['d', 'e']]
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    dataset = _parquet_dataset(source)
    schema = pa.schema([dataset.schema.field(c) for c in columns])
    for fragment in dataset.get_fragments():
        with dataset.filesystem.open_input_file(fragment.path) as fh:
            reader = pq.ParquetFile(fh)
            for group in range(reader.num_row_groups):
                for batch in reader.iter_batches(batch_size=batch_size, row_groups=[group], columns=list(columns)):
                    # a file whose types differ from the dataset's (its first file's) is cast, as the scanner does
                    yield batch if batch.schema.equals(schema) else batch.cast(schema)


#: Chunks each worker of :func:`run_to_parquet` processes before it is replaced by a fresh one.
#: Measured on the replicated bench corpus, 10k articles, 2 processes, chunks of 200
#: (``benchmarks/memory_probe.py 10000 --stream``, a loaded machine): peak PSS of the
#: process tree 946 MB never recycling, 793 MB with 5; time 132 s vs 119 s (noise).
RECYCLE_AFTER = 5
#: Private memory (bytes) above which a worker of :func:`run_to_parquet` is replaced after its chunk,
#: whatever its age. Streaming 10k replicated bench articles (2 processes, chunks of 200) a worker's
#: private memory after a chunk grew by 0-45 MiB a chunk (memos, heap, shared pages copied): most held
#: 96-121 MiB after their fifth chunk, some 147-174 MiB, and a chunk adds 30-60 MiB while it runs, so
#: those set the peak. With this limit: peak PSS of the tree 782 -> 758 MB, largest worker's private
#: memory 227 -> 207 MB (``memory_probe.py``-style probe, old then new, load ~10).
RECYCLE_ABOVE = 128 * 2**20


def private_memory(pid: int) -> int:
    """Bytes process ``pid`` alone holds (private clean + dirty pages; Linux), 0 when unknown.

    >>> private_memory(os.getpid()) >= 0
    True
    """
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return sum(int(line.split()[1]) * 1024 for line in fh
                       if line.startswith(("Private_Clean:", "Private_Dirty:")))
    except (OSError, ValueError, IndexError):
        return 0


class _ChunkReport(NamedTuple):
    """What a worker of :class:`_WorkerSlots` sends back for one chunk."""

    #: what the chunk's function returned
    result: object
    #: bytes of private memory the worker held once the chunk was done (:func:`private_memory`); None: not measured
    private: int | None


def _run_and_report(func: Callable, measure: bool, *args) -> _ChunkReport:
    """``func(*args)`` in a worker, returned with, if ``measure``, the worker's own private memory.

    >>> report = _run_and_report(len, True, "abc")
    >>> report.result, report.private >= 0
    (3, True)
    """
    result = func(*args)
    return _ChunkReport(result, private_memory(os.getpid()) if measure else None)


class _WorkerSlots:
    """``n_jobs`` single-worker process pools, each given one chunk at a time and each replaced
    by a fresh fork on its own after ``recycle_after`` chunks (``None``: never).

    One pool of ``n_jobs`` workers recycled as a whole had to drain first: one worker then idled
    while the other finished its last chunk, at every recycle and not only at the end (issue 13,
    bench corpus: ~1 s per drain out of a 21 s two-process run). A slot waits only for its own
    chunk, and handing out one chunk at a time (the next one already cut) keeps a long chunk
    from holding a queued one back while the other worker is free. A replaced worker exits in
    the background (:meth:`_retire`) and :meth:`close` stops every worker at once.

    ``chunks``: how many chunks the run hands out, when known. A worker due for replacement is then
    kept when the chunks left, shared among the workers, would give its replacement fewer than
    ``recycle_after`` (the end of a run): a fresh worker's first chunk costs more CPU (bench corpus:
    +0.17-0.23 s and 25k more page faults, copying the shared pages it touches), which on a short
    run cost more than recycling bounded. A worker then serves fewer than ``2 * recycle_after``
    chunks when the chunks are shared evenly.

    ``recycle_above``: a worker holding more private memory after a chunk is due for replacement too,
    however few chunks it served. The worker measures itself (:func:`_run_and_report`: its own
    :func:`private_memory`, sent back with the chunk's result), so neither the executor's private
    list of its processes nor another process's ``/proc`` is read here.
    """

    def __init__(self, n_jobs: int, recycle_after: int | None, *, chunks: int | None = None,
                 recycle_above: int | None = None):
        self.recycle_after = recycle_after
        self.recycle_above = recycle_above
        self.pools = [self._fork() for _ in range(n_jobs)]
        self.used = [0] * n_jobs
        self.heavy = [False] * n_jobs  # held more than recycle_above after its last chunk
        self.left = chunks  # chunks still to hand out (None: unknown)
        self.running: dict[Future, int] = {}
        self.exiting: list[threading.Thread] = []  # each shutting down a pool whose worker is done

    @staticmethod
    def _fork() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=1, mp_context=_mp_context())

    def _idle(self) -> list[int]:
        busy = set(self.running.values())
        return [i for i in range(len(self.pools)) if i not in busy]

    def free(self, limit: int) -> bool:
        return len(self.running) < limit and bool(self._idle())

    def submit(self, func, *args) -> None:
        slot = self._idle()[0]
        due = self.heavy[slot] or (self.recycle_after and self.used[slot] >= self.recycle_after)
        if due and not self._ending():
            self._retire(self.pools[slot])
            self.pools[slot], self.used[slot], self.heavy[slot] = self._fork(), 0, False
        self.used[slot] += 1
        self.running[self.pools[slot].submit(_run_and_report, func, bool(self.recycle_above), *args)] = slot
        if self.left is not None:
            self.left -= 1

    def _ending(self) -> bool:
        # the chunks left, this one included, give each fresh worker fewer than recycle_after
        return self.left is not None and self.left < len(self.pools) * (self.recycle_after or 1)

    def wait_one(self) -> list[_ChunkReport]:
        """The reports of the chunks done once at least one is (in slot order)."""
        done, _ = wait(set(self.running), return_when=FIRST_COMPLETED)
        reports = []
        for future in sorted(done, key=lambda f: self.running[f]):
            slot = self.running.pop(future)
            reports.append(future.result())
            if self.recycle_above:
                self.heavy[slot] = reports[-1].private > self.recycle_above
        return reports

    def drain(self) -> Iterator[_ChunkReport]:
        while self.running:
            yield from self.wait_one()

    def _retire(self, pool: ProcessPoolExecutor, **options) -> None:
        """Shut ``pool`` down in a thread of its own: its worker exits (the teardown of a few hundred MB,
        50-170 ms on a loaded machine) while the slot's fresh worker already works, instead of the slot
        waiting for it."""
        thread = threading.Thread(target=pool.shutdown, kwargs={"wait": True, **options}, daemon=True)
        thread.start()
        self.exiting.append(thread)

    def close(self) -> None:
        """Stop every worker and return once all have exited; they exit together, not one after the other."""
        for pool in self.pools:
            self._retire(pool, cancel_futures=True)
        for thread in self.exiting:
            thread.join()
        self.exiting = []


def run_to_parquet(
    source: pd.DataFrame | str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    stages: Iterable[str] = STAGES,
    n_jobs: int = 1,
    chunk_size: int = 200,
    max_in_flight: int | None = None,
    recycle_after: int | None = RECYCLE_AFTER,
    recycle_above: int | None | str = "streamed",
    max_chunk_chars: int | None = MAX_CHUNK_CHARS,
    progress: bool | None = None,
    timings: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Stream ``source`` through the pipeline into ``out_dir/<table>/part-NNNNNN.parquet``.

    A chunk holds ``chunk_size`` articles but at most ``max_chunk_chars`` characters of text
    (:func:`split_by_chars`; ``None``: no cap), so a run of long articles does not set the peak.

    ``source`` is an articles DataFrame or a parquet file/folder with
    ``article_id`` and ``text`` (and ``lang``, ``title`` when it has them: :func:`article_columns`, so both
    give the same tables). Each worker holds one chunk at a time and at most
    ``max_in_flight`` chunks (default ``2 * n_jobs``) are out at once, plus the next one
    already cut in the parent; workers write their own parts and
    return only row counts, so memory stays flat however large the corpus. A parquet
    ``source`` is read one batch at a time (:func:`parquet_batches`).
    Worker processes are replaced by fresh ones (forked again from the warmed-up
    parent) every ``recycle_after`` chunks each, one at a time and without waiting for
    the others (:class:`_WorkerSlots`; ``None``: never), and sooner when one holds more than
    ``recycle_above`` bytes of private memory after a chunk (``None``: no limit; the default
    ``"streamed"``: :data:`RECYCLE_ABOVE` for a parquet source, no limit for a DataFrame, which is in
    memory whole already and whose extra forks cost 2 processes 0.3-0.9 CPU s on the bench): what a worker
    accumulates — memos filling up to their bounds, a fragmented heap, shared
    lexicon pages copied on write — is then bounded by that many chunks instead
    of growing with the corpus. With ``n_jobs > 1`` the chunks of a DataFrame are handed out
    longest first (:func:`largest_first`); part numbers follow the input order whatever the order
    they are processed in. Returns a table of rows written per part and table.
    """
    stages = _normalise_stages(stages)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n_jobs = os.cpu_count() or 1 if n_jobs == -1 else max(1, int(n_jobs))
    limit = max_in_flight or 2 * n_jobs
    clock = timings if timings is not None else {}
    records = []
    bar = _progress(len(source) if isinstance(source, pd.DataFrame) else 0, progress, "pipeline")

    def record(part, n_articles, rows, chunk_clock):
        records.append({"part": part, "articles": n_articles, **{f"rows_{k}": v for k, v in rows.items()}})
        for stage, seconds in chunk_clock.items():
            clock[stage] = clock.get(stage, 0.0) + seconds
        if bar is not None:
            bar.update(n_articles)

    if n_jobs == 1:
        # not in arrow_pool(): with release_memory after each chunk the C library's pool was 1-2% slower here
        # than pyarrow's default (bench corpus, first run: 12.98 / 12.80 vs 12.86 / 12.57 CPU s, issue 13)
        with _frozen_heap():
            for part, chunk in enumerate(_iter_source(source, chunk_size, max_chars=max_chunk_chars)):
                record(*_process_and_write(chunk, stages, str(out), part))
    else:
        # The parent builds the lexicons once and forks: workers share those pages
        # instead of each loading its own copy on its first chunk. The workers allocate from the C library's
        # pool, whose freed pages release_memory hands back (mimalloc and jemalloc keep them): a worker's private
        # memory after a chunk 122-124 -> 114-116 MB (benchmarks/worker_memory.py --one mixed 1, three runs
        # each), same tables
        with shared_lexicons(stages, corpus=source), arrow_pool():
            # a DataFrame is in memory already (its chunks are views): all are cut at once and handed
            # out longest first, ordered by the characters the cut counted (counting them again cost the
            # bench corpus ~10 ms before the first fork, every worker waiting); a parquet corpus streams in its order
            if isinstance(source, pd.DataFrame):
                pieces = [piece for batch in _iter_batches(source, chunk_size)
                          for piece in _split_counted(batch, max_chunk_chars)]
                numbered = largest_first([chunk for chunk, _ in pieces], chars=[n for _, n in pieces])
            else:
                numbered = enumerate(_iter_source(source, chunk_size, max_chars=max_chunk_chars))
            if recycle_above == "streamed":
                recycle_above = None if isinstance(source, pd.DataFrame) else RECYCLE_ABOVE
            slots = _WorkerSlots(n_jobs, recycle_after, recycle_above=recycle_above,
                                 chunks=len(numbered) if isinstance(numbered, list) else None)
            try:
                for part, chunk in numbered:
                    while not slots.free(limit):
                        for report in slots.wait_one():
                            record(*report.result)
                    # the heap the parent freed (batches read, chunks sent) goes back to the system before
                    # a worker may be forked from it, so the parent's next reads do not copy pages that worker shares
                    release_memory()
                    slots.submit(_process_and_write, chunk, stages, str(out), part)
                for report in slots.drain():
                    record(*report.result)
            finally:
                slots.close()
    if bar is not None:
        bar.close()
    return pd.DataFrame(records).sort_values("part").reset_index(drop=True) if records else pd.DataFrame()


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with storage-only differences removed, for equality checks across
    engines: numbers as float64, everything else as object with ``None`` for missing."""
    out = {}
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_bool_dtype(series.dtype):
            out[column] = series.astype(object).where(series.notna(), None)
        elif pd.api.types.is_numeric_dtype(series.dtype):
            out[column] = series.astype("float64")
        elif series.dtype == object and len(series.dropna()) and series.dropna().map(
                lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)).all():
            out[column] = pd.to_numeric(series.where(series.notna(), np.nan), errors="coerce").astype("float64")
        else:
            out[column] = series.astype(object).where(series.notna(), None)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def read_table(out_dir: str | os.PathLike, name: str, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read one table written by :func:`run_to_parquet`, parts in order."""
    folder = Path(out_dir) / name
    parts = sorted(folder.glob("part-*.parquet"))
    if not parts:
        raise FileNotFoundError(f"no parts for table {name!r} in {folder}")
    return pd.concat([pd.read_parquet(p, columns=columns) for p in parts], ignore_index=True)


# --------------------------------------------------------------------------- dask
def run_dask(
    source,
    *,
    stages: Iterable[str] = STAGES,
    client=None,
    compute: bool = True,
):
    """The same pipeline as Dask tasks, one task per partition of the corpus.

    ``source`` is a dask DataFrame or a parquet path readable by
    ``dask.dataframe.read_parquet`` (partitioned parquet scales out: each
    partition is one task), read for :func:`article_columns` (``title`` and ``lang`` too when it has them). With ``compute=True`` returns pandas DataFrames
    (identical to :func:`run`), else lazy dask DataFrames. ``client`` is an
    optional ``dask.distributed.Client`` (local, Coiled, Kubernetes...); without
    one Dask's default scheduler is used. Tasks allocate pyarrow's buffers from the pool
    :data:`ARROW_POOL_ENV` names in this process (:func:`arrow_pool`): here, or on the cluster's workers
    while ``compute=True`` computes (a worker plugin; each worker's own pool is back afterwards). Lazy
    tables (``compute=False``) are computed in the pools of whoever computes them.
    """
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError("engine='dask' needs the dask extra: pip install 'war-coverage-analysis[dask]'") from exc

    stages = _normalise_stages(stages)
    pool = _arrow_pool_name()  # as this process sees ANALYSIS_ARROW_POOL, checked before any work
    # read for the columns process_articles reads (title, lang: as a DataFrame's); the schema alone is read here
    ddf = source if hasattr(source, "to_delayed") else dd.read_parquet(str(source))
    ddf = ddf[article_columns(ddf.columns)]
    # Each task checks its own partition; a repeat across partitions needs one look at all ids.
    ids = ddf["article_id"].compute() if client is None else client.compute(ddf["article_id"], sync=True)
    _require_unique_ids(pd.DataFrame({"article_id": ids.reset_index(drop=True)}))
    empty = process_articles(pd.DataFrame({"article_id": pd.Series(dtype=object), "text": pd.Series(dtype=object)}),
                             stages=stages)
    results = [dask.delayed(process_articles)(part, stages=stages) for part in ddf.to_delayed()]
    tables = {
        name: dd.from_delayed([dask.delayed(_pick)(r, name) for r in results], meta=empty[name], verify_meta=False)
        for name in empty
    }
    if not compute:
        return tables
    names = list(tables)
    if client is not None:
        with _arrow_pool_on_workers(client, pool):
            computed = client.compute([tables[n] for n in names], sync=True)
    else:
        with arrow_pool(name=pool):  # Dask's default schedulers run the tasks in this process
            computed = dask.compute(*[tables[n] for n in names])
    return {name: frame.reset_index(drop=True) for name, frame in zip(names, computed)}


def _pick(result: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    return result[name]
