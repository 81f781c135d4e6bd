"""The naive notebook baseline that `make bench` compares against.

What an analyst writes on a first afternoon with NLTK and pandas: row-by-row
``DataFrame.apply`` of Punkt sentences, Treebank word tokens and VADER per
sentence. It uses the same Punkt parameters and VADER lexicon as the library
(no downloads), so the comparison is about the implementation, not the data.

Two VADER choices an analyst may make are measured: NLTK's
``SentimentIntensityAnalyzer`` and the ``vaderSentiment`` package's own
analyzer (Hutto & Gilbert 2014's reference code), which is about 2.5x faster.
"""

from __future__ import annotations

import time

import pandas as pd


def naive_analyzer():
    """NLTK's SentimentIntensityAnalyzer with the published VADER lexicon."""
    from analysis.sentiment import nltk_analyzer

    return nltk_analyzer("vader")


def vadersentiment_analyzer():
    """The ``vaderSentiment`` package's analyzer (its lexicon ships in the wheel)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def run_naive(articles: pd.DataFrame) -> dict:
    """Punkt + Treebank + VADER, one row at a time; returns timings and sizes.

    ``timings["vader"]`` is NLTK's analyzer, ``timings["vader_vadersentiment"]`` the
    vaderSentiment package's on the same sentences; ``total`` and
    ``total_vadersentiment`` add each to the sentence and token steps.
    """
    from nltk.tokenize import TreebankWordTokenizer
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from analysis.text import _punkt_parameters

    punkt = PunktSentenceTokenizer(_punkt_parameters())
    treebank = TreebankWordTokenizer()
    sia = naive_analyzer()
    df = articles[["article_id", "text"]].copy()

    timings = {}
    start = time.perf_counter()
    df["sentences"] = df["text"].apply(punkt.tokenize)
    sents = df[["article_id", "sentences"]].explode("sentences").dropna(subset=["sentences"])
    timings["sentences"] = time.perf_counter() - start

    start = time.perf_counter()
    sents["tokens"] = sents["sentences"].apply(treebank.tokenize)
    timings["tokens"] = time.perf_counter() - start

    start = time.perf_counter()
    scores = sents["sentences"].apply(sia.polarity_scores)
    sents["compound"] = scores.map(lambda s: s["compound"])
    timings["vader"] = time.perf_counter() - start

    fast_sia = vadersentiment_analyzer()
    start = time.perf_counter()
    fast_scores = sents["sentences"].apply(fast_sia.polarity_scores)
    sents["compound_vadersentiment"] = fast_scores.map(lambda s: s["compound"])
    timings["vader_vadersentiment"] = time.perf_counter() - start
    timings["total"] = timings["sentences"] + timings["tokens"] + timings["vader"]
    timings["total_vadersentiment"] = timings["sentences"] + timings["tokens"] + timings["vader_vadersentiment"]
    return {"timings": timings, "n_sentences": len(sents), "n_tokens": int(sents["tokens"].map(len).sum())}
