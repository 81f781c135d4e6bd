"""The engine's ``document`` stage is cheap and gives the answers of the plain computation.

Generic frames ask RE2 whether each item matches (stopping at a first match); whole-text VADER scores a long
text without quadratic steps; words are counted once per chunk. Each shortcut is specified here by
equality with the straightforward computation, on texts chosen to break it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.framing import GENERIC_FRAMES, generic_frames
from analysis.framing._lexicon import at_least, count_matches, count_matrix, resolve

#: Case, a Kelvin sign (IGNORECASE equates it with k), long s, dotted capital I (lower() changes
#: the length), Arabic-Indic digits (\d), hyphen before a word (the look-behind), possessives,
#: repeated matches for min_hits 2, spaces written as dashes or runs, empty and missing texts.
TRICKY = [
    "Russia ACCUSED Ukraine; Kyiv blamed Moscow and Moscow blames the Kremlin's regime.",
    "\u212aremlin officials blamed the \u017fanctions; \u0130stanbul talks on a ceasefire stalled.",
    "A \u0662\u0663 dollars bill and a 12-year-old girl; $5 and \u20ac 40 for 3 roubles.",
    "non-accused self-blame pre-war re-negotiation; told AFP, told the reporters.",
    "Her son, his wife, our home: refugees and refugees, survivors, witnesses told Reuters.",
    "The government must act now; it is our duty to end this; we must not; in their power.",
    "Tragic, tragic grief and tears; brutal atrocities; innocent civilians fled, homeless.",
    # spaces of multiword patterns as dashes, new lines and runs; hyphenated and joined variants
    "We\u2014must act; the\n only way to peace; in-their power; at  odds; held-accountable; "
    "ceasefire, cease-fire, cease fire; we  should; people must, the west must; told\tthe BBC.",
    "",
    None,
]


def _items():
    spec = resolve(None, "generic_frames.yml")["frames"]
    return [item for frame in GENERIC_FRAMES for item in spec[frame]["items"]]


def test_at_least_answers_as_counting_every_match(seed_text):
    items = _items()
    texts = TRICKY + [seed_text, seed_text.upper(), seed_text.replace("e", "\u0435")]  # Cyrillic е
    sets = [tuple(item["patterns"]) for item in items]
    ks = [int(item.get("min_hits", 1)) for item in items]
    expected = count_matrix(texts, sets) >= np.array(ks)[None, :]
    assert (at_least(texts, sets, ks) == expected).all()
    plain = np.array([[count_matches(t, p) if t else 0 for p in sets] for t in texts])
    assert (count_matrix(texts, sets) == plain).all()
    # and every threshold up to 3, so that skipping past a match is exercised too
    for k in (1, 2, 3):
        assert (at_least(texts, sets, [k] * len(sets)) == (count_matrix(texts, sets) >= k)).all()


def test_at_least_handles_case_sensitive_and_unanchored_sets():
    texts = ["The DPR and the dpr; US troops, us; socialism and realism.", "nothing here", None]
    sets = [("DPR", "US"), (r"\w+ism",), ("dpr",), ()]
    assert (at_least(texts, sets, [2, 2, 2, 1]) == (count_matrix(texts, sets) >= np.array([2, 2, 2, 1]))).all()


def test_generic_frames_on_the_bench_corpus_equal_counting_every_match(shared):
    corpus = pd.read_csv(shared / "corpus" / "official_statements.csv", nrows=300)
    text_col = "text" if "text" in corpus.columns else corpus.columns[-1]
    texts = corpus[text_col].tolist()
    items = _items()
    sets = [tuple(item["patterns"]) for item in items]
    ks = np.array([int(item.get("min_hits", 1)) for item in items])
    assert (at_least(texts, sets, ks) == (count_matrix(texts, sets) >= ks[None, :])).all()


def test_generic_frames_items_are_the_yes_no_answers():
    g = generic_frames(pd.DataFrame({"article_id": ["a", "b"], "text": TRICKY[:2]}), items=True)
    assert g.loc[0, "AR4"] == 1 and g.loc[0, "CO2"] == 1
    assert g.loc[1, "EC3"] == 1  # "ſanctions": the long s is an s to IGNORECASE
    assert g.loc[0, "attribution_of_responsibility"] == pytest.approx(
        g.loc[0, ["AR1", "AR2", "AR3", "AR4", "AR5"]].mean())


def test_whole_text_vader_equals_nltk_and_the_sentence_scorer_on_long_texts(seed_text):
    from analysis.sentiment import nltk_analyzer, scorer
    from analysis.sentiment.tone import whole_text_scores

    # a repeated word in a later context, "but", caps, idioms, phrases, curly quotes, emphasis
    long_text = ("The attack was NOT good, kind of bad; “never so brutal”!! But the full scale invasion "
                 "and the full-scale invasion, the parties’ talks? kiss of death. ") * 25
    texts = [seed_text, long_text, seed_text.upper(), "", "  ", "a", None, TRICKY[0]]
    for lexicon in ("war-news", "vader"):
        fast = scorer(lexicon)
        expected = np.array([fast.score_reference(t) for t in texts], dtype=float)
        np.testing.assert_array_equal(whole_text_scores(texts, lexicon=lexicon), expected)
    nltk = nltk_analyzer("vader")
    got = whole_text_scores([seed_text, long_text], lexicon="vader")
    for row, text in zip(got, [seed_text, long_text]):
        assert tuple(row) == tuple(nltk.polarity_scores(text)[k] for k in ("neg", "neu", "pos", "compound"))


def test_word_counts_given_by_the_caller_are_the_ones_used():
    from analysis.framing import frame_density, frames
    from analysis.sentiment import gdelt_tone
    from analysis.text import word_counts

    arts = pd.DataFrame({"article_id": ["a", "b"], "text": [TRICKY[0], TRICKY[5]]})
    n = word_counts(arts["text"])
    pd.testing.assert_frame_equal(gdelt_tone(arts, n_words=n), gdelt_tone(arts))
    pd.testing.assert_frame_equal(frames(arts, n_words=n), frames(arts))
    doubled = gdelt_tone(arts, n_words=2 * n)
    assert doubled["word_count"].tolist() == (2 * n).tolist()
    assert doubled["tone"].to_numpy() == pytest.approx(gdelt_tone(arts)["tone"].to_numpy() / 2)
    assert frame_density(arts, n_words=2 * n)["n_words"].tolist() == (2 * n).tolist()
    with pytest.raises(ValueError, match="n_words has 1 values for 2 articles"):
        gdelt_tone(arts, n_words=n[:1])


def test_the_engine_counts_each_articles_words_once_per_chunk(monkeypatch, seed_text):
    from analysis import engine, text

    calls = []
    original = text.word_counts
    monkeypatch.setattr(text, "word_counts", lambda texts, **how: calls.append(1) or original(texts, **how))
    arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": [seed_text, TRICKY[0], TRICKY[5]]})
    out = engine.run(arts, stages=engine.STAGES, chunk_size=2)
    assert len(calls) == 2  # two chunks, one count each for frames, GDELT tone and the summary
    summary = out["article_summary"]
    assert summary["n_words"].tolist() == summary["gdelt_word_count"].tolist() == original(arts["text"]).tolist()


def test_the_document_stage_splits_each_chunks_texts_once_for_both_tone_measures(monkeypatch, seed_text):
    from analysis import engine, wordsplit

    calls = []
    original = wordsplit.split_texts
    monkeypatch.setattr(wordsplit, "split_texts", lambda texts: calls.append(1) or original(texts))
    arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": [seed_text, TRICKY[0], TRICKY[5]]})
    engine.run(arts, stages=("document",), chunk_size=2)
    assert len(calls) == 2  # two chunks: GDELT tone and whole-text VADER share each split


def test_tone_from_a_split_given_by_the_caller_equals_tone_from_the_texts():
    from analysis.sentiment import gdelt_tone
    from analysis.sentiment.tone import whole_text_scores
    from analysis.wordsplit import split_texts

    texts = TRICKY + ["Kyiv\u2019s 1,000\u00a0drones \u00abgood\u00bb; \u0130stanbul \u212aremlin 6.5a", "  \n "]
    split = split_texts(texts)
    arts = pd.DataFrame({"article_id": range(len(texts)), "text": texts})
    pd.testing.assert_frame_equal(gdelt_tone(arts, split=split), gdelt_tone(arts))
    np.testing.assert_array_equal(whole_text_scores(texts, split=split), whole_text_scores(texts))
    with pytest.raises(ValueError, match="split has 2 texts for 3 articles"):
        gdelt_tone(arts.head(3), split=split_texts(texts[:2]))


def test_the_engine_splits_each_chunks_sentences_once_for_tokens_and_sentence_vader(monkeypatch, seed_text):
    from analysis import engine, wordsplit
    from analysis.sentiment import sentence_sentiment
    from analysis.text import sentences, tokens

    arts = pd.DataFrame({"article_id": ["a", "b", "c"], "text": [seed_text, TRICKY[0], TRICKY[7]]})
    sents = sentences(arts)
    expected_tokens, expected_scores = tokens(sents), sentence_sentiment(sents)
    calls = []
    original = wordsplit.split_texts
    monkeypatch.setattr(wordsplit, "split_texts", lambda texts: calls.append(1) or original(texts))
    out = engine.run(arts, stages=("sentences", "tokens", "sentiment"), chunk_size=2)
    assert len(calls) == 2  # two chunks: the tokens and sentence VADER share each split
    assert out["tokens"]["token"].tolist() == expected_tokens["token"].tolist()
    assert out["tokens"]["start"].tolist() == expected_tokens["start"].tolist()
    np.testing.assert_array_equal(out["sentence_sentiment"][["neg", "neu", "pos", "compound"]].to_numpy(),
                                  expected_scores[["neg", "neu", "pos", "compound"]].to_numpy())


def test_tokens_and_sentence_vader_from_a_split_given_by_the_caller_equal_those_from_the_texts():
    from analysis.sentiment import sentence_sentiment
    from analysis.text import tokens
    from analysis.wordsplit import split_texts

    # 6 copies: enough sentences for the batch scorer (FastVader.BATCH_FROM)
    texts = ([t for t in TRICKY if t] + ["Gen. Smith met Gen.", "Kyiv\u2019s Gen.", "Путин заявил, что Киев не прав."]) * 6
    sents = pd.DataFrame({"article_id": ["a"] * len(texts), "sentence_id": range(len(texts)),
                          "start": [0] * len(texts), "text": texts,
                          "lang": ["ru" if "Путин" in t else "en" for t in texts]})
    split = split_texts(texts)
    pd.testing.assert_frame_equal(tokens(sents, split=split), tokens(sents))
    pd.testing.assert_frame_equal(sentence_sentiment(sents, split=split), sentence_sentiment(sents))
    with pytest.raises(ValueError, match="split has 2 texts for"):
        tokens(sents, split=split_texts(texts[:2]))


@pytest.mark.parametrize("extra", ["", "lone \ud800 surrogate \ud800"])
def test_a_split_holds_each_texts_whitespace_tokens_in_order_with_the_distinct_ones_in_order_of_first_use(extra):
    from analysis.wordsplit import split_texts

    texts = TRICKY + [None, "Kyiv\u2019s 1,000\u00a0drones Kyiv \u00abgood\u00bb " + extra, "\U0001F600 e\u0301 \U0001F600"]
    split = split_texts(texts)
    flat = [w for t in texts if isinstance(t, str) for w in t.split()]
    assert split.codes.dtype == "int64"
    assert [split.tokens[c] for c in split.codes] == flat
    assert split.tokens == list(dict.fromkeys(flat))
    assert [texts[r][s:s + len(split.tokens[c])] for r, s, c in zip(split.row, split.start, split.codes)] == flat


def test_the_document_stage_after_the_sentence_stages_gives_the_measures_of_the_texts(seed_text):
    from analysis import engine

    # the articles' split is then made from the sentences' split (text joined across a cut, as in "said.The")
    texts = [seed_text, *TRICKY, "Kyiv held.Moscow fell. Then?!Yes.(No.)x", "Путин заявил. Киев, нет."]
    arts = pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "text": texts})
    alone = engine.run(arts, stages=("document",), chunk_size=4)["article_summary"]
    after = engine.run(arts, stages=engine.STAGES, chunk_size=4)["article_summary"]
    columns = ["article_id", *engine.DOCUMENT_TONE, *GENERIC_FRAMES]
    pd.testing.assert_frame_equal(after[columns], alone[columns], check_exact=True)
