"""Specification of sentence VADER over a batch (analysis.sentiment.vader_batch): the numbers of
FastVader.score, sentence by sentence, whatever rule or oddity a sentence holds (issue 13)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.sentiment import FastVader, scorer
from analysis.sentiment.vader_batch import round_like_python, score_batch
from analysis.text import sentences

#: Every VADER rule, multiword entries (merged in the arrays) and sentences with very many lexicon words.
RULES = [
    "Civilians were killed.", "The attack was NOT good!!", "The attack was not good.", "He isn't happy.",
    "It was extremely bad.", "It was very, very bad!!!!", "never so good", "at least good", "the least good",
    "kind of good", "a kind man", "good but bad", "bad BUT good", "but good", "good but", "Good good good.",
    "GOOD good", "ALL CAPS GOOD NEWS", "the shit is the bomb", "yeah right good", "cut the mustard well",
    "It was good? Really?? Really???", "Why?!?!", "What a great, great day!", "no", "", " ", "!!!", "x " * 300,
    "Russia launched a special military operation.", "The full-scale invasion began.", "full scale invasion",
    "What is there to discuss with such parties?", "Civilians were slaughtered.", "didn\u2019t help",
    "\u201cGreat,\u201d he said.", "good\u00a0news", "Не было войны.", "Kyiv \U0001F600 good", "a b c d e f good",
    "wow, the killed, wounded and hurt civilians", " ".join(["good", "bad"] * 53),
    " ".join(["the full scale invasion and the special military operation, but"] * 40),
    "He was never so happy, but the war was horrible and very sad.", "so good", "this good", "sort of good",
    # rule words at both ends of a string and of a long one: the rules read three words before, two after
    "good", "never good", "least good", "good yeah right", "a b c good cut the mustard", "x y z very good",
    " ".join(["x"] * 60) + " the shit is the bomb", "KIND of BAD at least NOT good " + " ".join(["x"] * 60),
]


@pytest.mark.parametrize("lexicon", ["vader", "war-news"])
def test_a_batch_scores_every_rule_as_one_sentence_at_a_time(lexicon):
    texts = RULES + [None, math.nan] + RULES[::-1]
    one_by_one = FastVader.from_name(lexicon)
    expected = [one_by_one.score(t) for t in texts]
    got = score_batch(FastVader.from_name(lexicon), texts)
    assert np.array_equal(got, np.array(expected), equal_nan=True)


def test_score_many_scores_a_long_list_as_a_batch_and_remembers_it_for_score_recent():
    vader = FastVader.from_name("war-news")
    texts = RULES * 3
    assert len(texts) >= vader.BATCH_FROM
    assert vader.score_many(texts).tolist() == [list(vader.score(t)) for t in texts]
    assert vader.score_recent(RULES[1]) == vader.score(RULES[1])


@pytest.mark.shared
def test_a_batch_of_real_sentences_scores_as_one_sentence_at_a_time(news_sentences):
    texts = news_sentences(60)
    assert len(texts) >= 1000
    for lexicon in ("vader", "war-news"):
        one_by_one = FastVader.from_name(lexicon)
        assert np.array_equal(score_batch(FastVader.from_name(lexicon), texts),
                              np.array([one_by_one.score(t) for t in texts]))


def test_a_full_token_memo_is_emptied_without_losing_the_tokens_of_the_sentence_being_scored():
    vader = FastVader.from_name("vader")
    vader._MAX_CACHE = 3
    fresh = FastVader.from_name("vader")
    for text in ["Civilians were killed here", "Civilians were not killed today", "Kyiv was not happy at all"]:
        assert vader.score(text) == fresh.score(text)


def test_a_batch_learns_its_tokens_also_when_the_token_memo_is_full():
    vader = FastVader.from_name("vader")
    vader._MAX_CACHE = 3
    fresh = FastVader.from_name("vader")
    for _ in range(2):
        assert np.array_equal(score_batch(vader, RULES), np.array([fresh.score(t) for t in RULES]))


def test_rounding_is_pythons_also_at_halves_and_near_them():
    rng = np.random.default_rng(13)
    halves = np.array([k / 2000 for k in range(-2000, 2001)] + [k / 20000 for k in range(-20000, 20001, 7)])
    values = np.concatenate([halves, np.nextafter(halves, 2), np.nextafter(halves, -2), rng.uniform(-1, 1, 20000)])
    for digits in (3, 4):
        assert round_like_python(values, digits).tolist() == [round(v, digits) for v in values.tolist()]


def test_sentence_sentiment_of_a_chunk_is_unchanged_by_batching(seed_articles):
    sents = sentences(pd.concat([seed_articles] * 4, ignore_index=True).assign(article_id=list("abcd")))
    assert len(sents) >= scorer("war-news").BATCH_FROM
    one_by_one = FastVader.from_name("war-news")
    expected = np.array([one_by_one.score(t) for t in sents["text"]])
    from analysis.sentiment import sentence_sentiment

    got = sentence_sentiment(sents)[["neg", "neu", "pos", "compound"]].to_numpy()
    assert np.array_equal(got, expected)


def test_rows_too_long_for_one_table_are_summed_row_by_row_to_the_same_bits(monkeypatch):
    from analysis.sentiment import vader_batch

    monkeypatch.setattr(vader_batch, "_MAX_SUM_TABLE", 0)  # every batch takes the row-by-row sums
    texts = RULES + [None] + [" ".join(RULES)]
    one_by_one = FastVader.from_name("war-news")
    got = score_batch(FastVader.from_name("war-news"), texts)
    assert np.array_equal(got, np.array([one_by_one.score(t) for t in texts]), equal_nan=True)


def test_batches_after_batches_score_as_one_sentence_at_a_time_whatever_tokens_came_before():
    # the token table (vader_batch._token_table) keeps what it learnt of each token between batches:
    # phrase words, rule words, capitals, typographic twins of earlier tokens and new tokens mixed
    vader = FastVader.from_name("war-news")
    fresh = FastVader.from_name("war-news")
    batches = [RULES, RULES[::-1], ["didn't help", "\u201cGood\u201d GOOD good", "special military operation"] * 30,
               RULES[10:] + ["Kyiv was NOT happy", "new words here, but kind of good"]]
    for texts in batches:
        assert np.array_equal(score_batch(vader, texts), np.array([fresh.score(t) for t in texts]))


def test_the_token_table_computes_each_string_once_and_starts_again_past_its_limit():
    from analysis.wordsplit import TokenTable

    computed = []

    def lengths(strings):
        computed.extend(strings)
        return {"length": np.array([len(s) for s in strings], dtype=np.int64)}

    table = TokenTable(lengths, limit=4)
    assert table.gather(["Kyiv", "said", "Kyiv"])["length"].tolist() == [4, 4, 4]
    assert table.gather(["said", "no", "Kyiv"])["length"].tolist() == [4, 2, 4]
    assert computed == ["Kyiv", "said", "no"]
    assert table.gather(["a", "bb", "ccc"])["length"].tolist() == [1, 2, 3]  # 6 > 4: emptied first
    assert len(table.index) == 3 and computed[3:] == ["a", "bb", "ccc"]


def test_the_token_table_gives_the_same_rows_when_a_call_extends_the_strings_of_the_one_before():
    from analysis.wordsplit import TokenTable

    def lengths(strings):
        return {"length": np.array([len(s) for s in strings], dtype=np.int64)}

    def expected_rows(calls, limit):
        # the table's definition: a string's row is its place among the strings met since the table
        # last started again, which it does when a call's new strings would take it past its limit
        index: dict = {}
        out = []
        for strings in calls:
            fresh = [s for s in dict.fromkeys(strings) if s not in index]
            if index and len(index) + len(fresh) > limit:
                index, fresh = {}, list(dict.fromkeys(strings))
            index.update(zip(fresh, range(len(index), len(index) + len(fresh))))
            out.append([index[s] for s in strings])
        return out

    first = ["Kyiv", "said", "no"]
    extended = ["".join(s) for s in first] + ["more", "Kyiv", "new"]  # equal strings (new objects), then more
    for limit in (100, 5):  # 5: the table starts again while adding the extension
        calls = [first, extended, extended + ["x"], ["other"], extended]
        table = TokenTable(lengths, limit=limit)
        got = [table.rows(strings).tolist() for strings in calls]
        assert got == expected_rows(calls, limit)
        values = [len(s) for s in calls[-1]]
        assert table.gather(calls[-1])["length"].tolist() == values
    table = TokenTable(lengths)
    rows = table.rows(first)
    rows[:] = -7  # a caller writing to the rows it was given changes nothing the table keeps
    assert table.rows(extended).tolist() == [0, 1, 2, 3, 0, 4]
