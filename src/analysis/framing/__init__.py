"""Framing: how each side tells the same war.

Five measures, each computed per article and aggregated by any grouping column:

* :mod:`~analysis.framing.labels` - contested word choice (Kyiv/Kiev, "special
  military operation"/"invasion", ...): :func:`label_matches`,
  :func:`label_usage`, :func:`label_alignment`.
* :mod:`~analysis.framing.frames` - the 14 Media Frames Corpus dimensions
  (lexicon default, trainable JSON model) and Semetko & Valkenburg's generic
  frames: :func:`frames`, :func:`generic_frames`, :func:`train_frame_model`.
* :mod:`~analysis.framing.quotes` - voices: :func:`quotes`, :func:`quote_summary`.
* :mod:`~analysis.framing.agency` - who is said to have done the harm:
  :func:`agency`, :func:`agentless_share`.
* :mod:`~analysis.framing.distinctive` - Fightin' Words:
  :func:`distinctive_terms`, :func:`distinctive_terms_by_lang`, :func:`plot_fightin_words`.

Russian and Ukrainian sentences (``lang`` column "ru"/"uk") go to lemma-based rules:
:mod:`~analysis.framing._cyr` (tokens, lemmas, lemma sequences),
:mod:`~analysis.framing.quotes_cyr`, :mod:`~analysis.framing.agency_cyr`; labels use the
``cyrillic_terms`` of ``labels.yml``.
"""

from analysis.framing.agency import agency, agentless_share, side_of, wilson
from analysis.framing.distinctive import (
    cyr_glosses,
    distinctive_terms,
    distinctive_terms_by_lang,
    plot_fightin_words,
    term_counts,
)
from analysis.framing.frames import (
    GENERIC_FRAMES,
    MFC_FRAMES,
    frame_density,
    frame_scores,
    frames,
    frames_wide,
    generic_frames,
    load_frame_model,
    multilabel_scores,
    read_semeval_frames,
    save_frame_model,
    train_frame_model,
)
from analysis.framing.labels import label_alignment, label_lexicon, label_matches, label_usage, poisson_ci
from analysis.framing.quotes import RebuiltArticles, quote_summary, quotes, reporting_verbs, speaker_key, verb_class

__all__ = [
    "GENERIC_FRAMES", "MFC_FRAMES", "RebuiltArticles", "agency", "agentless_share", "cyr_glosses", "distinctive_terms",
    "distinctive_terms_by_lang", "frame_density", "frame_scores", "frames",
    "frames_wide", "generic_frames", "label_alignment", "label_lexicon", "label_matches", "label_usage",
    "load_frame_model", "multilabel_scores", "plot_fightin_words", "poisson_ci", "quote_summary", "quotes",
    "read_semeval_frames", "reporting_verbs", "save_frame_model", "side_of", "speaker_key", "term_counts",
    "train_frame_model", "verb_class", "wilson",
]
