"""Tone of coverage: sentence VADER, article aggregates, GDELT-style tone, and
sentiment *toward* entities.

Sentence scores are VADER (Hutto & Gilbert 2014, "VADER: A Parsimonious
Rule-based Model for Sentiment Analysis of Social Media Text", ICWSM-14) with
the lexicon shipped by the ``vaderSentiment`` pip package (no download).
:func:`nltk_analyzer` builds NLTK's own ``SentimentIntensityAnalyzer`` from that
file; :func:`sentence_sentiment` uses a batched re-implementation of exactly the
same rules (:class:`FastVader`) that is several times faster and gives the same
numbers (``tests/test_sentiment.py`` checks equality on real sentences).

Two lexicons:

``"vader"``
    the published lexicon, unchanged; identical to NLTK's analyzer.
``"war-news"`` (default)
    the same rules with documented adjustments for war reporting (see
    ``data/lexicons/sentiment_war_news.csv`` and ``README-sentiment.md``):
    "parties" is not a celebration, "special military operation" is not
    "special", "slaughtered" is at least as bad as "killed", and typographic
    quotes/apostrophes are normalised so "didn’t" negates like "didn't".

Article tone is aggregated from sentence scores (:func:`article_sentiment`):
VADER's compound of a long article saturates near -1 because the normalisation
``x / sqrt(x^2 + 15)`` was calibrated for tweet-length text. :func:`gdelt_tone`
adds the GDELT Global Knowledge Graph tone (positive minus negative words per
100 words; Leetaru & Schrodt 2013; GDELT GKG codebook V1.5/V2.1 "TONE"
field) computed with the VADER word lists.

Sentiment toward a target mention (NewsMTSC's task; Hamborg & Donnay 2021) and
toward the main person of a document (PerSenT; Bastan et al. 2020) live in
:mod:`analysis.sentiment.target` (formerly ``analysis.targeted``): :func:`target_sentiment`,
:func:`mention_sentiment`, :func:`document_sentiment`; :func:`sentiment_by_entity` and
:func:`bootstrap_mean_ci` are in :mod:`analysis.sentiment.aggregates`.

Layout (dependencies run one way, top to bottom): :mod:`~analysis.sentiment._shared` (private
helpers) <- :mod:`~analysis.sentiment.vader` (lexicons, sentence scoring) <-
:mod:`~analysis.sentiment.aggregates` (article tone, bootstrap CIs, by-entity tables) and
:mod:`~analysis.sentiment.tone` (GDELT tone) <- :mod:`~analysis.sentiment.target` (toward a
target; its trained classifier's second view, character n-grams of the target's clause, is
:mod:`~analysis.sentiment.target_view`). :mod:`~analysis.sentiment.cyrillic` scores Russian/Ukrainian text (formerly
``analysis.sentiment_cyr``) and :mod:`~analysis.sentiment.cyrillic_target` scores tone toward a
Russian/Ukrainian mention. Every name is re-exported here.

Example
-------
>>> import pandas as pd
>>> from analysis.sentiment import sentence_sentiment
>>> sents = pd.DataFrame({"article_id": ["a", "a"], "sentence_id": [0, 1],
...     "text": ["What is there to discuss with such parties?", "Civilians were slaughtered."]})
>>> sentence_sentiment(sents, lexicon="vader")["compound"].tolist()
[0.4019, 0.0]
>>> sentence_sentiment(sents)["compound"].tolist()
[0.0, -0.6705]

Command line (training the optional target classifier)::

    python -m analysis.sentiment train TRAIN.jsonl --out data/models/targeted.json
    python -m analysis.sentiment bench [SENTENCES.csv]
"""

from __future__ import annotations

from analysis._gc import gc_paused
from analysis.sentiment.aggregates import (
    ACTOR_SCORE_COLUMNS,
    ACTOR_TYPES,
    ARTICLE_SENTIMENT_COLUMNS,
    actor_mention_scores,
    article_sentiment,
    bootstrap_mean_ci,
    name_counts,
    sentiment_by_entity,
)
from analysis.sentiment.target import (
    DEFAULT_RULES,
    DOCUMENT_RULES,
    LEGACY_RULES,
    METHODS,
    TARGET_COLUMNS,
    RuleParams,
    TargetModel,
    document_sentiment,
    find_person_mentions,
    load_target_model,
    mention_sentiment,
    news_target_terms,
    read_newsmtsc,
    target_sentiment,
    train_target_model,
)
from analysis.sentiment.tone import gdelt_tone
from analysis.sentiment.vader import (
    LEXICONS,
    NEGATIVE_THRESHOLD,
    POSITIVE_THRESHOLD,
    SENTENCE_SCORE_COLUMNS,
    FastVader,
    lexicon,
    nltk_analyzer,
    scorer,
    sentence_sentiment,
    vader_lexicon_path,
    war_news_adjustments,
)

__all__ = [
    "LEXICONS",
    "SENTENCE_SCORE_COLUMNS",
    "POSITIVE_THRESHOLD",
    "NEGATIVE_THRESHOLD",
    "ARTICLE_SENTIMENT_COLUMNS",
    "ACTOR_SCORE_COLUMNS",
    "ACTOR_TYPES",
    "actor_mention_scores",
    "name_counts",
    "FastVader",
    "article_sentiment",
    "bootstrap_mean_ci",
    "document_sentiment",
    "find_person_mentions",
    "gc_paused",
    "gdelt_tone",
    "lexicon",
    "mention_sentiment",
    "nltk_analyzer",
    "scorer",
    "sentence_sentiment",
    "sentiment_by_entity",
    "target_sentiment",
    "vader_lexicon_path",
    "war_news_adjustments",
    "DEFAULT_RULES",
    "DOCUMENT_RULES",
    "LEGACY_RULES",
    "METHODS",
    "TARGET_COLUMNS",
    "RuleParams",
    "TargetModel",
    "load_target_model",
    "news_target_terms",
    "read_newsmtsc",
    "train_target_model",
]
