"""Topics: what the coverage is about, by outlet and over time.

A seeded scikit-learn topic model over articles:

* ``method="nmf"`` (default) - non-negative matrix factorisation of the tf-idf matrix
  (Lee & Seung 1999; for topic modelling of news: O'Callaghan, Greene, Carthy & Cunningham
  2015, "An analysis of the coherence of descriptors in topic modeling", Expert Systems with
  Applications 42(13)), initialised with NNDSVDa (Boutsidis & Gallopoulos 2008), which is
  deterministic;
* ``method="lda"`` - latent Dirichlet allocation on raw counts (Blei, Ng & Jordan 2003),
  batch variational Bayes with a fixed ``random_state``.

The same input and options give the same topics, term weights and article weights on every
run. Topics are numbered by prevalence (topic 0 has the largest total weight).

Tidy tables
-----------
* ``model.terms`` - DataFrame[topic, rank, term, weight]: the ``top_n`` terms of each topic.
* ``model.topics`` - DataFrame[topic, label, weight_share, n_dominant]: ``label`` joins the top
  three terms, ``weight_share`` is the topic's share of all article weight, ``n_dominant`` the
  number of articles whose largest topic it is.
* ``model.doc_topics`` - DataFrame[article_id, topic, weight]: each article's topic mixture,
  normalised to sum to 1 (an article with no vocabulary term has weight 0 everywhere).
* :func:`representative_articles`, :func:`topic_share` (by outlet or any column) and
  :func:`topics_over_time` derive from these.

Example
-------
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": list("abcdef"), "outlet": ["X", "X", "X", "Y", "Y", "Y"],
...     "text": ["grain exports ships ports grain corridor", "grain ships ports exports corridor deal",
...              "grain corridor ships ports exports", "drones missiles strikes kyiv air defence",
...              "missiles drones strikes air defence kyiv", "air defence drones missiles strikes"]})
>>> m = fit_topics(arts, n_topics=2, min_df=1, seed=1)
>>> sorted(m.topics["label"])
['air, defence, drones', 'grain, corridor, exports']
>>> topic_share(m, arts, by="outlet").query("share > 0.9")[["outlet", "label"]].values.tolist()
[['X', 'grain, corridor, exports'], ['Y', 'air, defence, drones']]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: reporting words every news topic shares; added to the stopwords unless ``stop_words=`` is given
NEWS_STOPWORDS = frozenset({"said", "says", "say", "told", "would", "could", "also", "not", "one", "new", "like",
                            "just", "year", "years", "according", "including", "week", "day", "time"})

__all__ = ["CYR_NEWS_STOPWORDS", "NEWS_STOPWORDS", "TopicModel", "doc_term_counts", "fit_topics", "fit_topics_by_lang",
           "fit_topics_from_counts", "representative_articles", "topic_doc_terms", "topic_share", "topics_over_time"]


@dataclass
class TopicModel:
    """A fitted topic model and its tidy tables (see the module docstring)."""

    method: str
    terms: pd.DataFrame
    topics: pd.DataFrame
    doc_topics: pd.DataFrame
    options: dict = field(default_factory=dict)
    estimator: object | None = field(default=None, repr=False)
    vectorizer: object | None = field(default=None, repr=False)

    def labels(self) -> dict[int, str]:
        return dict(zip(self.topics["topic"], self.topics["label"]))


def fit_topics(articles: pd.DataFrame, *, n_topics: int = 10, method: str = "nmf", seed: int = 0,
               top_n: int = 10, min_df: float = 2, max_df: float = 0.9, max_features: int = 20_000,
               ngram: tuple[int, int] = (1, 1), stop_words=None, text: str = "text") -> TopicModel:
    """Fit ``n_topics`` topics over the articles' ``text``.

    Parameters
    ----------
    articles : DataFrame with ``article_id`` and ``text`` (filter duplicates first if you do
        not want syndicated copies to weigh twice: ``articles[articles.duplicate_of.isna()]``).
    method : ``"nmf"`` (tf-idf + NMF, default) or ``"lda"`` (counts + LDA).
    seed : random_state of the estimator (NMF's NNDSVDa start is deterministic anyway).
    min_df, max_df, max_features, ngram : vocabulary (scikit-learn's meaning); words of at least
        three letters, lower-cased, minus :func:`analysis.text.stopwords` and
        :data:`NEWS_STOPWORDS` (or exactly ``stop_words`` when given).
    """
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    from analysis.text import stopwords

    if method not in ("nmf", "lda"):
        raise ValueError(f"method must be 'nmf' or 'lda', got {method!r}")
    if n_topics < 1:
        raise ValueError("n_topics must be >= 1")
    docs = articles[text].fillna("").astype(str).tolist()
    if not docs:
        raise ValueError("fit_topics() needs at least one article")
    stop = sorted(stopwords() | NEWS_STOPWORDS if stop_words is None else {w.lower() for w in stop_words})
    vec_args = {"lowercase": True, "token_pattern": r"(?u)\b[^\W\d_][^\W\d_'’-]{2,}\b", "stop_words": stop,
                "min_df": min_df, "max_df": max_df if len(docs) > 1 else 1.0, "max_features": max_features,
                "ngram_range": tuple(ngram)}
    if method == "nmf":
        from sklearn.decomposition import NMF

        vectorizer = TfidfVectorizer(sublinear_tf=True, **vec_args)
        X = vectorizer.fit_transform(docs)
        k = min(n_topics, *X.shape)
        est = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    else:
        from sklearn.decomposition import LatentDirichletAllocation

        vectorizer = CountVectorizer(**vec_args)
        X = vectorizer.fit_transform(docs)
        k = min(n_topics, X.shape[1])
        est = LatentDirichletAllocation(n_components=k, learning_method="batch", random_state=seed, max_iter=50)
    vocab = vectorizer.get_feature_names_out()
    options = {"n_topics": n_topics, "method": method, "seed": seed, "min_df": min_df, "max_df": max_df,
               "max_features": max_features, "ngram": tuple(ngram), "n_articles": len(docs),
               "n_terms": len(vocab)}
    return _fitted(method, est, X, vocab, articles["article_id"].to_numpy(), top_n=top_n, options=options,
                   vectorizer=vectorizer)


def representative_articles(model: TopicModel, articles: pd.DataFrame | None = None, *, n: int = 3,
                            columns=("outlet", "published", "title", "url")) -> pd.DataFrame:
    """The ``n`` articles with the largest weight on each topic.

    Returns DataFrame[topic, label, rank, article_id, weight (, outlet, published, title, url)].
    """
    d = model.doc_topics[model.doc_topics["weight"] > 0]
    d = d.sort_values(["topic", "weight", "article_id"], ascending=[True, False, True], kind="stable")
    d = d.groupby("topic", sort=True).head(n).copy()
    d["rank"] = d.groupby("topic").cumcount() + 1
    d["label"] = d["topic"].map(model.labels())
    out = d[["topic", "label", "rank", "article_id", "weight"]]
    if articles is not None:
        extra = [c for c in columns if c in articles.columns]
        out = out.merge(articles[["article_id", *extra]].drop_duplicates("article_id"), on="article_id", how="left")
    return out.reset_index(drop=True)


def topic_share(model: TopicModel, articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Each group's mean topic mixture: DataFrame[<by>, topic, label, share, n_articles];
    ``share`` sums to 1 over topics within a group (articles without any vocabulary term
    are left out)."""
    d = model.doc_topics.merge(articles[["article_id", by]].drop_duplicates("article_id"), on="article_id")
    has = d.groupby("article_id")["weight"].transform("sum") > 0
    d = d[has]
    out = d.groupby([by, "topic"], sort=True).agg(share=("weight", "mean"), n_articles=("article_id", "nunique"))
    out = out.reset_index()
    out["label"] = out["topic"].map(model.labels())
    return out[[by, "topic", "label", "share", "n_articles"]]


def topics_over_time(model: TopicModel, articles: pd.DataFrame, *, freq: str = "MS", by: str | None = None,
                     date: str = "published") -> pd.DataFrame:
    """Topic shares per period (``freq``: pandas offset alias, default month start), optionally
    per ``by`` group: DataFrame[period, (<by>,) topic, label, share, n_articles]. Articles
    without a date are left out."""
    cols = ["article_id", date] + ([by] if by else [])
    meta = articles[cols].drop_duplicates("article_id").dropna(subset=[date])
    when = pd.to_datetime(meta[date], utc=True).dt.tz_convert(None)
    period_freq = freq[:-1] if len(freq) > 1 and freq.endswith("S") else freq  # "MS" -> "M", "QS" -> "Q"
    meta = meta.assign(period=when.dt.to_period(period_freq).dt.start_time)
    keys = ["period"] + ([by] if by else [])
    d = model.doc_topics.merge(meta[["article_id", *keys]], on="article_id")
    d = d[d.groupby("article_id")["weight"].transform("sum") > 0]
    out = d.groupby([*keys, "topic"], sort=True).agg(share=("weight", "mean"), n_articles=("article_id", "nunique"))
    out = out.reset_index()
    out["label"] = out["topic"].map(model.labels())
    return out[[*keys, "topic", "label", "share", "n_articles"]]


# ----------------------------------------------------------------- topics from stored tokens, per language
#: Russian/Ukrainian reporting lemmas every news topic shares (the counterpart of NEWS_STOPWORDS)
CYR_NEWS_STOPWORDS = frozenset({"заявить", "сказать", "сообщить", "отметить", "также", "который", "этот", "год",
                                "время", "словам", "слово", "заявив", "повідомити", "заявити", "сказати",
                                "зазначити", "також", "який", "цей", "рік", "час"})


def doc_term_counts(tokens: pd.DataFrame, articles: pd.DataFrame | None = None, *, min_length: int = 3,
                    stop_words=None) -> pd.DataFrame:
    """Content-word counts per article from a token table (or one part of the stored one):
    the input of :func:`fit_topics_from_counts`, computed with ``run.aggregate("tokens", ...)``
    so no article text is held in memory.

    A term is the token's ``lemma`` (dictionary form for Russian/Ukrainian, lower-cased token
    for English); content words are alphabetic, at least ``min_length`` letters and not stopwords
    of the article's language (``articles["lang"]``, English when absent): the language's list
    (:func:`analysis.overview.lang_term_counts` uses the same) plus :data:`NEWS_STOPWORDS` /
    :data:`CYR_NEWS_STOPWORDS` (or exactly ``stop_words`` when given).

    Returns DataFrame[article_id, term, count].

    >>> toks = pd.DataFrame({"article_id": ["a", "a", "a", "b"], "lemma": ["удар", "по", "удар", "grain"],
    ...                      "is_alpha": True, "is_punct": False})
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "lang": ["ru", "en"]})
    >>> doc_term_counts(toks, arts).values.tolist()
    [['a', 'удар', 2], ['b', 'grain', 1]]
    """
    from analysis.overview import _content_stopwords

    term_col = "lemma" if "lemma" in tokens.columns else "lower"
    words = tokens.loc[tokens["is_alpha"].to_numpy(bool) & ~tokens["is_punct"].to_numpy(bool)]
    terms = words[term_col].astype(object).fillna("").astype(str).str.lower()
    if articles is not None and "lang" in articles.columns:
        langs = pd.Series(articles["lang"].astype(object).fillna("en").to_numpy(), index=articles["article_id"])
        lang = words["article_id"].map(langs).fillna("en").astype(str)
    else:
        lang = pd.Series("en", index=words.index)
    frame = pd.DataFrame({"article_id": words["article_id"].to_numpy(), "term": terms.to_numpy(),
                          "lang": lang.to_numpy()})
    keep = np.array((frame["term"].str.len() >= min_length).to_numpy(bool), copy=True)
    for code in pd.unique(frame["lang"]):
        rows = (frame["lang"] == code).to_numpy(bool)
        if stop_words is not None:
            stop = {w.lower() for w in stop_words}
        else:
            stop = _content_stopwords(code) | _news_stopwords(code)
        keep[rows] &= ~frame.loc[rows, "term"].isin(stop).to_numpy(bool)
    frame = frame[keep]
    out = frame.groupby(["article_id", "term"], sort=True).size().rename("count").reset_index()
    return out.astype({"count": "int64"})


def _news_stopwords(lang: str) -> frozenset[str]:
    """The news-copy stopwords of a language: :data:`CYR_NEWS_STOPWORDS` for ru/uk, else :data:`NEWS_STOPWORDS`."""
    return CYR_NEWS_STOPWORDS if lang in ("ru", "uk") else NEWS_STOPWORDS


def topic_doc_terms(article_counts: pd.DataFrame) -> pd.DataFrame:
    """The input of :func:`fit_topics_from_counts` from :func:`analysis.overview.article_term_counts`
    (the per-article counts notebook 01 also ranks top terms from, so the token table is read once):
    its content words less :data:`NEWS_STOPWORDS` / :data:`CYR_NEWS_STOPWORDS` and the word totals,
    the same counts as :func:`doc_term_counts` (rows in article order, not sorted by term).

    Returns DataFrame[article_id, term, count].

    >>> per_article = pd.DataFrame({"article_id": ["a", "a", "a"], "lang": "en",
    ...     "term": ["grain", "said", "<all words>"], "count": [2, 1, 9]})
    >>> topic_doc_terms(per_article).values.tolist()
    [['a', 'grain', 2]]
    """
    from analysis.overview import ALL_WORDS

    keep = np.array(article_counts["term"].ne(ALL_WORDS).to_numpy(bool), copy=True)
    for code in pd.unique(article_counts["lang"]):
        rows = (article_counts["lang"] == code).to_numpy(bool)
        stop = _news_stopwords(code)
        keep[rows] &= ~article_counts.loc[rows, "term"].isin(stop).to_numpy(bool)
    out = article_counts.loc[keep, ["article_id", "term", "count"]].reset_index(drop=True)
    return out.astype({"count": "int64"})


def fit_topics_from_counts(doc_terms: pd.DataFrame, *, article_ids=None, n_topics: int = 10, method: str = "nmf",
                           seed: int = 0, top_n: int = 10, min_df: float = 2, max_df: float = 0.9,
                           max_features: int = 20_000, max_docs: int | None = None) -> TopicModel:
    """:func:`fit_topics` on per-article term counts (:func:`doc_term_counts`, summed over the
    parts of the stored token table) instead of article texts.

    ``article_ids`` fixes the documents (those without any counted term get weight 0
    everywhere); default: the articles in ``doc_terms``. ``min_df``/``max_df``/``max_features``
    have scikit-learn's meaning (an int ``min_df`` is a document count, a float a share);
    ``nmf`` weighs counts by sublinear tf-idf (as :func:`fit_topics`), ``lda`` uses raw counts.
    Same input, same topics.

    ``max_docs``: with more articles than this, the vocabulary, the idf weights and the topics are
    fitted on a fixed-seed sample of ``max_docs`` of them (``seed``) and every article's topic
    weights come from the fitted model (``transform``), so the fit costs the same however large the
    corpus; ``options["fit_articles"]`` says how many articles it saw. ``None`` (default) fits on all.

    >>> counts = pd.DataFrame({"article_id": list("aaabbbcccdddeeefff"),
    ...     "term": ["grain", "ports", "ships"] * 3 + ["drones", "missiles", "strikes"] * 3, "count": 1})
    >>> m = fit_topics_from_counts(counts, n_topics=2, min_df=1)
    >>> sorted(m.topics["label"])
    ['drones, missiles, strikes', 'grain, ports, ships']
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfTransformer

    if method not in ("nmf", "lda"):
        raise ValueError(f"method must be 'nmf' or 'lda', got {method!r}")
    if n_topics < 1:
        raise ValueError("n_topics must be >= 1")
    ids = (pd.Index(pd.unique(doc_terms["article_id"].dropna())).sort_values().to_numpy() if article_ids is None
           else pd.unique(pd.Series(list(article_ids))))
    if not len(ids):
        raise ValueError("fit_topics_from_counts() needs at least one article")
    n_docs = len(ids)
    # A document-term matrix over every term, built on integer codes (each distinct id and term is
    # hashed once; duplicates of a pair are summed by scipy), then cut to the vocabulary.
    # 32-bit codes, and no filtered copy when every row counts: a corpus's doc-term rows (19.5M for
    # 100,000 replicated articles) are the largest arrays of a fit
    article_codes, articles_seen = _codes(doc_terms["article_id"])
    term_codes, terms = _codes(doc_terms["term"])
    row = np.append(pd.Index(ids).get_indexer(articles_seen), -1).astype(np.int32)[article_codes]
    del article_codes
    kept = (row >= 0) & (term_codes >= 0)
    data = doc_terms["count"].to_numpy(float)
    if not kept.all():
        data, row, term_codes = data[kept], row[kept], term_codes[kept]
    del kept
    every = sparse.csr_matrix((data, (row, term_codes)), shape=(n_docs, len(terms)))
    del data, row, term_codes
    terms = np.asarray(terms, dtype=object)
    sampled = max_docs is not None and n_docs > max_docs
    # the rows the vocabulary and the model are fitted on: every article, or a fixed-seed sample
    fitted_on = sparse.csr_matrix(every[np.sort(np.random.default_rng(seed).choice(n_docs, max_docs, replace=False))]) \
        if sampled else every
    n_fit = fitted_on.shape[0]
    n_articles = np.bincount(fitted_on.indices, minlength=len(terms))  # articles holding each term
    lo = min_df if isinstance(min_df, int) else min_df * n_fit
    hi = (max_df if isinstance(max_df, int) else max_df * n_fit) if n_fit > 1 else n_fit
    candidates = np.flatnonzero((n_articles > 0) & (n_articles >= lo) & (n_articles <= hi))
    if max_features and len(candidates) > max_features:
        tf = pd.DataFrame({"term": terms[candidates], "count": np.asarray(fitted_on.sum(axis=0)).ravel()[candidates],
                           "column": candidates})
        tf = tf.sort_values(["count", "term"], ascending=[False, True], kind="stable")
        candidates = tf["column"].head(max_features).to_numpy()
    columns = sorted(candidates.tolist(), key=lambda c: terms[c])
    vocab = np.array([terms[c] for c in columns], dtype=object)
    if not len(vocab):
        raise ValueError("no term is left after min_df/max_df: too few articles for a topic model")
    X = sparse.csr_matrix(fitted_on[:, columns])
    X.sort_indices()
    X_all = None
    if sampled:
        X_all = sparse.csr_matrix(every[:, columns])
        X_all.sort_indices()
    del every, fitted_on  # X and X_all hold what the fit reads
    if method == "nmf":
        from sklearn.decomposition import NMF

        tfidf = TfidfTransformer(sublinear_tf=True)
        X = tfidf.fit_transform(X)
        X_all = None if X_all is None else tfidf.transform(X_all)
        est = NMF(n_components=min(n_topics, *X.shape), init="nndsvda", random_state=seed, max_iter=500)
    else:
        from sklearn.decomposition import LatentDirichletAllocation

        est = LatentDirichletAllocation(n_components=min(n_topics, X.shape[1]), learning_method="batch",
                                        random_state=seed, max_iter=50)
    options = {"n_topics": n_topics, "method": method, "seed": seed, "min_df": min_df, "max_df": max_df,
               "max_features": max_features, "ngram": (1, 1), "n_articles": n_docs, "n_terms": len(vocab),
               "source": "term counts"}
    if sampled:
        options.update(max_docs=max_docs, fit_articles=n_fit)
    return _fitted(method, est, X, vocab, np.asarray(ids, dtype=object), top_n=top_n, options=options, X_all=X_all)


def _codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of ``values`` (-1 for missing) and the values they stand for: a categorical's own
    codes (no hashing, no 64-bit copy; unused categories are columns no row fills), else
    :func:`pandas.factorize`. Code ``c`` stands for ``uniques[c]`` either way, so a matrix built on them
    holds the same counts under the same term and article names.

    >>> _codes(pd.Series(["b", "a", "b"]))[0].tolist(), _codes(pd.Series(["b", "a", "b"], dtype="category"))[0].tolist()
    ([0, 1, 0], [1, 0, 1])
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int32, copy=False), values.cat.categories
    codes, uniques = pd.factorize(values)
    return codes.astype(np.int32), pd.Index(uniques)


def fit_topics_by_lang(doc_terms: pd.DataFrame, articles: pd.DataFrame, *, min_docs: int = 20,
                       langs=None, **options) -> dict[str, TopicModel]:
    """One topic model per language (``articles["lang"]``, English when absent) with at least
    ``min_docs`` articles: topics never mix languages, whose words differ. ``langs`` limits
    and orders the languages (default: every language, largest first). ``options`` go to
    :func:`fit_topics_from_counts`; ``model.options["lang"]`` names the language.

    >>> counts = pd.DataFrame({"article_id": list("aabbcc"), "term": ["удар", "ракета"] * 3, "count": 1})
    >>> arts = pd.DataFrame({"article_id": list("abcd"), "lang": ["ru", "ru", "ru", "en"]})
    >>> list(fit_topics_by_lang(counts, arts, min_docs=3, n_topics=1, min_df=1, max_df=1.0))
    ['ru']
    """
    from analysis.overview import _lang_values, languages_present

    codes = pd.Series(_lang_values(articles).to_numpy(), index=articles["article_id"].to_numpy())
    order = languages_present(articles) if langs is None else list(langs)
    models = {}
    for code in order:
        ids = codes.index[codes.to_numpy() == code]
        if len(ids) < min_docs:
            continue
        part = doc_terms[doc_terms["article_id"].isin(ids)]
        try:
            model = fit_topics_from_counts(part, article_ids=ids, **options)
        except ValueError:  # no vocabulary left for this language
            continue
        model.options["lang"] = code
        models[code] = model
    return models


def _fitted(method: str, est, X, vocab, ids, *, top_n: int, options: dict, vectorizer=None, X_all=None) -> TopicModel:
    """Fit ``est`` on the document-term matrix ``X`` (rows = ``ids``) and build the tidy tables;
    with ``X_all`` (rows = ``ids``), fit on ``X`` (a sample of those rows) and weigh ``X_all``'s."""
    k = est.n_components
    W = est.fit_transform(X)
    if X_all is not None:
        W = est.transform(X_all)
    H = est.components_
    # number topics by prevalence, ties by their top term, so the numbering is stable and meaningful
    totals = W.sum(axis=0)
    top_terms = [vocab[np.argsort(-H[j], kind="stable")[0]] for j in range(k)]
    order = sorted(range(k), key=lambda j: (-round(float(totals[j]), 9), top_terms[j]))
    W, H = W[:, order], H[order]
    rows = []
    for t in range(k):
        idx = np.argsort(-H[t], kind="stable")[:top_n]
        for r, j in enumerate(idx):
            rows.append((t, r + 1, vocab[j], float(H[t, j])))
    terms = pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])
    labels = terms[terms["rank"] <= 3].groupby("topic")["term"].agg(", ".join)
    sums = W.sum(axis=1, keepdims=True)
    norm = np.divide(W, sums, out=np.zeros_like(W), where=sums > 0)
    doc_topics = pd.DataFrame({"article_id": np.repeat(ids, k), "topic": np.tile(np.arange(k), len(ids)),
                               "weight": norm.reshape(-1)})
    dominant = np.where(sums[:, 0] > 0, norm.argmax(axis=1), -1)
    col_total = norm.sum(axis=0)
    topics = pd.DataFrame({"topic": np.arange(k), "label": labels.reindex(range(k)).to_numpy(),
                           "weight_share": col_total / max(col_total.sum(), 1e-12),
                           "n_dominant": [int((dominant == t).sum()) for t in range(k)]})
    return TopicModel(method, terms, topics, doc_topics, options, est, vectorizer)


