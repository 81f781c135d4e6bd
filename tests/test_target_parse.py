"""The batch parser of the target rules (analysis.sentiment.target_parse) gives, for every sentence,
exactly the parse of the one-sentence reference (analysis.sentiment.target._parse), and the rule
scores of many targets computed from it are the scores of each target alone (issue 13)."""

import pandas as pd
import pytest

from analysis.sentiment import target as T
from analysis.sentiment.target_parse import iter_parsed, parse_many

LEXICON_KEYS = ("war-news+news", "war-news", "vader")

SENTENCES = [
    "Kyiv blamed Russia for starting the fire.",
    "The very brutal attack was not very good, and it wasn't great either.",
    "Not so very bad: the parties were not parties; very parties.",  # "parties" is a 0-valence entry
    "The special military operation, a full-scale invasion, began; the United States responded.",
    "special military",  # a phrase cut short by the end of the sentence
    "United States.", "the Ministry of Defence denied it -- but the ministry of defense",
    "Zelenskyy\u2019s \u201cpeace formula\u201d \u2013 rejected by Moscow.", "He said \"not good\".",
    "a terrible crime,\u201d Conway said, \u201cand worse.", 'no deal." Kyiv said: "never',  # quotations open before
    'a " b " c " d', "\u039f\u0394\u039f\u03a3 \u0391\u03a3'\u0392 \u0130stanbul didn\u2019t DON'T can't won't",
    "U.S. officials (not all) said: no.", "  leading and trailing spaces  ", "tab\tand\nnewline", "", "   ",
    "x", ".", "Good good GOOD!!!", "a.b. U.S. a. b, ab. x (ab) \"ab\" ab] ab\u2019", "3.5 million, 2,000 -- 12:30",
]


def reference(texts, key):
    return [T._parse.__wrapped__(text, key) for text in texts]


def same(batch, one):
    # repr tells 0 from 0.0 and -0.0 from 0.0, which == does not
    return len(batch) == len(one) and all(repr(a) == repr(b) for a, b in zip(batch, one))


@pytest.mark.parametrize("key", LEXICON_KEYS)
def test_a_batch_parse_is_the_parse_of_each_sentence_alone(key):
    assert same(parse_many(SENTENCES, key), reference(SENTENCES, key))
    assert same(parse_many(SENTENCES[::-1], key), reference(SENTENCES[::-1], key))


def test_parses_come_one_block_at_a_time_in_order():
    parses = iter_parsed(SENTENCES, "war-news+news", block=3)
    assert next(parses) == T._parse.__wrapped__(SENTENCES[0], "war-news+news")
    assert same([next(parses)] + list(parses), reference(SENTENCES[1:], "war-news+news"))
    assert parse_many([]) == []


def test_many_targets_score_as_each_target_alone():
    texts = [s for s in SENTENCES for _ in range(3)] + [None, float("nan")]
    starts = [k for _ in SENTENCES for k in (0, 5, 200)] + [0, 0]
    ends = [k + 6 for k in starts[:-2]] + ["x", None]
    together = T._score_targets(texts, starts, ends)
    alone = [T._score_targets([t], [a], [b]) for t, a, b in zip(texts, starts, ends)]
    assert together == ([p[0][0] for p in alone], [s[1][0] for s in alone])
    # and each is the reference rule score of its one-sentence parse
    for text, a, score in zip(texts[:9], starts, together[1]):
        expected = T._analyse_parsed(T._parse(text, "war-news+news"), a, a + 6)
        assert score == expected or (expected == 0.0 and score > 0)  # the warm rule lifts a cue-less target


@pytest.mark.shared
def test_the_batch_parse_equals_the_reference_on_real_news(news_sentences):
    texts = news_sentences(80)
    assert len(texts) >= 1000
    for key in LEXICON_KEYS:
        assert same(parse_many(texts, key), reference(texts, key))


def test_the_english_rules_never_read_a_russian_sentence(monkeypatch):
    read = []
    score_targets = T._score_targets
    monkeypatch.setattr(T, "_score_targets", lambda texts, *a, **k: read.extend(texts) or score_targets(texts, *a, **k))
    sents = pd.DataFrame({"article_id": ["a", "a"], "sentence_id": [0, 1], "start": [0, 41], "lang": ["ru", "en"],
                          "text": ["Зеленский обвинил Россию в новых ударах.", "Kyiv blamed Russia for the fire."]})
    ments = pd.DataFrame({"article_id": ["a", "a", "a"], "sentence_id": [0, 0, 1], "start": [0, 18, 53],
                          "end": [9, 24, 59]})
    scored = T.mention_sentiment(ments, sents)
    assert read == [None, None, "Kyiv blamed Russia for the fire."]
    assert scored["polarity"].tolist() == [0, -1, -1]


@pytest.mark.parametrize("key", LEXICON_KEYS)
def test_a_parse_from_the_sentences_whitespace_split_is_the_parse_of_each_sentence_alone(key):
    from analysis.wordsplit import split_texts

    assert same(list(iter_parsed(SENTENCES, key, split=split_texts(SENTENCES))), reference(SENTENCES, key))
    rows = [0, 3, 7, 11, 12, 16, 21]  # some of the sentences of a larger split
    picked = [SENTENCES[i] for i in rows]
    assert same(list(iter_parsed(picked, key, split=split_texts(SENTENCES).take(rows))), reference(picked, key))
    with pytest.raises(ValueError, match="split has"):
        list(iter_parsed(SENTENCES[:2], key, split=split_texts(SENTENCES)))


def test_mention_scores_and_parses_from_the_sentences_split_equal_those_from_the_texts():
    from analysis.wordsplit import split_texts

    texts = [s for s in SENTENCES if s.strip()] + ["Kyiv blamed Russia for starting the fire."]  # a repeated text
    sents = pd.DataFrame({"article_id": "a", "sentence_id": range(len(texts)), "start": 0, "text": texts})
    ments = pd.DataFrame({"article_id": "a", "sentence_id": [k for k in range(len(texts)) for _ in range(2)][::-1],
                          "start": [0, 5] * len(texts), "end": [4, 11] * len(texts)})
    plain, from_split = {}, {}
    expected = T.mention_sentiment(ments, sents, parses=plain)
    got = T.mention_sentiment(ments, sents, parses=from_split, split=split_texts(texts))
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert plain.keys() == from_split.keys() and all(repr(plain[k]) == repr(from_split[k]) for k in plain)


def test_the_rules_read_a_parse_by_field_name_not_by_position():
    # a field added to or moved in the parse must not shift what the rules take each field for
    from collections import namedtuple

    moved_fields = namedtuple("MovedFields", T._Parsed._fields[::-1])
    for text in SENTENCES:
        parsed = T._parse(text, "war-news+news")
        moved = moved_fields(**parsed._asdict())
        for a in (0, 5, 12):
            assert T._analyse_parsed(moved, a, a + 6, full=True) == T._analyse_parsed(parsed, a, a + 6, full=True)
