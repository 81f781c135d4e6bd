"""The fast sentence engine reproduces NLTK's Punkt on the real corpus.

``analysis.text.sentence_spans(engine="fast")`` re-implements the decision
procedure of NLTK's ``PunktSentenceTokenizer`` (Kiss & Strunk 2006) for our
fixed parameters; ``engine="punkt"`` runs NLTK itself. Over every text of the
official statements and the GDELT news articles the two must give the same
sentence spans (measured: 105,023 of 105,023 sentences, all 2,755 texts).
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.text import sentence_spans, sentences, tokens

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def corpus_texts(shared) -> list[str]:
    corpus = shared / "corpus"
    statements = pd.read_csv(corpus / "official_statements.csv", usecols=["text"])["text"]
    texts = [t for t in statements.tolist() if isinstance(t, str)]
    texts += [p.read_text(encoding="utf-8") for p in sorted((corpus / "news_gdelt" / "articles").glob("*.txt"))]
    return texts


def test_fast_engine_gives_punkts_sentence_spans_on_the_whole_corpus(corpus_texts):
    total = identical = 0
    differing = []
    for i, text in enumerate(corpus_texts):
        fast = sentence_spans(text)
        reference = sentence_spans(text, engine="punkt")
        total += len(reference)
        identical += len(set(fast) & set(reference))
        if fast != reference:
            differing.append(i)
    assert len(corpus_texts) > 2_000 and total > 50_000, "the corpus was not read"
    agreement = identical / total
    assert agreement >= 0.999, f"agreement {agreement:.5f}; differing texts {differing[:10]}"
    # Measured: no text differs at all. Allow a handful in case the data grows.
    assert len(differing) <= 0.001 * len(corpus_texts), differing[:10]


def test_fast_sentences_tokenize_to_the_same_table_as_punkt_sentences(corpus_texts):
    arts = pd.DataFrame({"article_id": [f"t{i}" for i in range(0, len(corpus_texts), 25)],
                         "text": corpus_texts[::25]})
    fast = sentences(arts)
    pd.testing.assert_frame_equal(fast, sentences(arts, engine="punkt"))
    pd.testing.assert_frame_equal(tokens(fast), tokens(sentences(arts, engine="punkt")))
