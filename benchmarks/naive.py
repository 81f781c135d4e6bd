"""The naive notebook baseline that `make bench` compares against.

What an analyst writes on a first afternoon with NLTK and pandas: row-by-row
``DataFrame.apply`` of Punkt sentences, Treebank word tokens and VADER per
sentence. It uses the same Punkt parameters and VADER lexicon as the library
(no downloads), so the comparison is about the implementation, not the data.
"""

from __future__ import annotations

import time

import pandas as pd


def naive_analyzer():
    """NLTK's SentimentIntensityAnalyzer with the published VADER lexicon."""
    from analysis.sentiment import nltk_analyzer

    return nltk_analyzer("vader")


def run_naive(articles: pd.DataFrame) -> dict:
    """Punkt + Treebank + VADER, one row at a time; returns timings and sizes."""
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
    timings["total"] = sum(timings.values())
    return {"timings": timings, "n_sentences": len(sents), "n_tokens": int(sents["tokens"].map(len).sum())}
