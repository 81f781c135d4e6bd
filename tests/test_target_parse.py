"""The one parse of the target rules (analysis.sentiment.target._parse): tokens with their spans and
lower forms, valences after VADER's boosters and negation and the lexicon's phrases, clause and comma
segments, quotations; the rule scores of many targets read from it are the scores of each target alone
(issues 11 and 13: the batch parser it replaced was a second implementation of the same parse)."""

import pandas as pd
import pytest

from analysis.sentiment import target as T

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
KEY = "war-news+news"


def parse(text, key=KEY):
    return T._parse.__wrapped__(text, key)


@pytest.mark.parametrize("key", LEXICON_KEYS)
def test_tokens_carry_their_spans_and_lower_forms(key):
    for text in SENTENCES:
        p = parse(text, key)
        assert [text[a:b] for a, b in zip(p.starts, p.ends)] == list(p.toks)
        assert p.lows == tuple(t.lower().replace("\u2019", "'").replace("\u2018", "'") for t in p.toks)
        assert not text[p.ends[-1]:].strip() if p.toks else not text.strip()
        assert len({len(p.toks), len(p.val), len(p.clause), len(p.commas), len(p.inq)}) == 1


def test_boosters_add_and_a_negator_flips_and_damps_the_next_valenced_word():
    lex, boost = T._lex(KEY), T._booster()
    p = parse("The very brutal attack was not very good.")
    assert p.val[1] == 0.0  # a booster itself scores 0
    assert p.val[2] == lex["brutal"] - boost["very"]  # the booster pushes away from 0
    assert p.val[7] == (lex["good"] + boost["very"]) * T.N_SCALAR  # "not" two words back, "very" one
    assert p.nonzero == tuple(i for i, v in enumerate(p.val) if v)
    assert parse("not so very bad").val[3] == (lex["bad"] - boost["very"] - boost["so"] * 0.95) * T.N_SCALAR
    assert parse("parties were not parties").val == (0.0, 0.0, 0.0, -0.0)  # a 0-valence entry, negated


def test_a_phrase_entry_gives_its_valence_to_its_first_word():
    lex = T._lex(KEY)
    p = parse("The special military operation began; the United States responded.")
    assert p.val[1:4] == (lex["special military operation"], 0.0, 0.0) and p.nonzero == (1,)
    assert parse("special military").val == (lex["special"], 0.0)  # cut short: the words alone


def test_clauses_commas_and_quotations_are_counted_per_token():
    p = parse('Kyiv blamed Russia, "not good"; but fine.')
    assert p.toks == ("Kyiv", "blamed", "Russia", ",", '"', "not", "good", '"', ";", "but", "fine", ".")
    assert p.commas == (0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1)
    assert p.clause == (0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2)  # the break and the contrast word each start one
    assert p.inq == (False,) * 5 + (True, True) + (False,) * 5 and p.any_quote
    assert p.verbs == (1,)
    assert T._running_count(list(range(0, 200, 2)), 200) == tuple(k // 2 + 1 for k in range(200))


def test_the_memo_gives_the_parse_made_without_it():
    T._parse.cache_clear()
    assert [T._parse(s, key) for key in LEXICON_KEYS for s in SENTENCES] == [
        parse(s, key) for key in LEXICON_KEYS for s in SENTENCES]


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
def test_real_news_sentences_parse_consistently(news_sentences):
    texts = news_sentences(80)
    assert len(texts) >= 1000
    for text in texts:
        p = parse(text)
        assert [text[a:b] for a, b in zip(p.starts, p.ends)] == list(p.toks)
        assert p.nonzero == tuple(i for i, v in enumerate(p.val) if v)
        assert p.verbs == tuple(i for i, w in enumerate(p.lows) if w in T._VERB_SIGN)


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
