"""analysis.text: sentences and Treebank-style tokens with exact offsets."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.text import (
    SENTENCE_COLUMNS,
    TOKEN_COLUMNS,
    abbreviation_filter,
    sentence_spans,
    sentences,
    stopwords,
    token_spans,
    tokens,
    train_punkt,
)


def split(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def toks(text: str) -> list[str]:
    return [text[s:e] for s, e in token_spans(text)]


@pytest.mark.parametrize("sentence", [
    'On Aug. 7, Putin accused Kyiv of carrying out a "large-scale provocation".',
    "Gen. Syrskyi said the U.S. was informed.",
    "Lt. Col. Smith met Mr. Brown and Sen. Graham in St. Petersburg.",
    "Gov. Newsom, Sgt. Peters and Gen. Milley spoke at the U.N. in New York.",
    "The U.K. sent No. 10's adviser to Kyiv on Sept. 3.",
    "Mrs. Jones and Dr. Smith arrived at 6 p.m. on Dec. 24.",
])
def test_news_abbreviations_do_not_end_a_sentence(sentence):
    assert split(sentence) == [sentence]


def test_two_sentences_after_an_abbreviation_heavy_one_are_split():
    text = 'On Aug. 7, Putin accused Kyiv of a "provocation". Gen. Syrskyi said the U.S. was informed.'
    assert split(text) == ['On Aug. 7, Putin accused Kyiv of a "provocation".', "Gen. Syrskyi said the U.S. was informed."]


def test_a_quoted_question_followed_by_its_attribution_is_one_sentence():
    text = '"What is there to discuss with such parties?" he questioned. Then he left.'
    assert split(text) == ['"What is there to discuss with such parties?" he questioned.', "Then he left."]


def test_paragraph_breaks_end_headlines_without_full_stops():
    text = "Putin rules out talks\n\nKyiv advances into Kursk. Moscow responds."
    assert split(text) == ["Putin rules out talks", "Kyiv advances into Kursk.", "Moscow responds."]


def test_ellipsis_and_curly_quotes_split_sensibly():
    text = "\u201cWe will win\u2026\u201d Zelenskyy said. Russia\u2019s army retreated."
    assert split(text) == ["\u201cWe will win\u2026\u201d Zelenskyy said.", "Russia\u2019s army retreated."]


def test_treebank_tokens_keep_abbreviations_numbers_and_hyphenated_words():
    assert toks("Gen. Syrskyi said the U.S. lost 1,000 tanks, or 6.5%.") == [
        "Gen.", "Syrskyi", "said", "the", "U.S.", "lost", "1,000", "tanks", ",", "or", "6.5", "%", ".",
    ]
    assert toks("a full-scale invasion") == ["a", "full-scale", "invasion"]


def test_treebank_tokens_split_clitics_and_negations():
    assert toks("Russia's army didn't retreat") == ["Russia", "'s", "army", "did", "n't", "retreat"]
    assert toks("Ukraine\u2019s forces can\u2019t") == ["Ukraine", "\u2019s", "forces", "ca", "n\u2019t"]


def test_dashes_quotes_and_ellipses_are_their_own_tokens():
    assert toks("Kyiv \u2014 the capital \u2013 said \u201cno\u201d\u2026 twice -- really") == [
        "Kyiv", "\u2014", "the", "capital", "\u2013", "said", "\u201c", "no", "\u201d", "\u2026", "twice", "--", "really",
    ]


def test_cyrillic_names_are_words():
    assert toks("Владимир Путин и Володимир Зеленський.") == ["Владимир", "Путин", "и", "Володимир", "Зеленський", "."]


def test_sentence_final_abbreviation_keeps_the_stop_apart():
    assert toks("He flew to the U.S.")[-1] == "U.S."
    assert toks("They met Gen.")[-2:] == ["Gen", "."]


def test_sentences_table_has_documented_columns_and_exact_offsets(seed_articles):
    table = sentences(seed_articles)
    assert list(table.columns) == SENTENCE_COLUMNS
    text = seed_articles["text"].iloc[0]
    assert all(text[s:e] == t for s, e, t in zip(table["start"], table["end"], table["text"]))
    assert table["sentence_id"].tolist() == list(range(len(table)))
    assert any(t.startswith("On Aug. 7, Putin accused Kyiv") for t in table["text"])


def test_tokens_table_offsets_index_the_article_text(seed_articles):
    table = tokens(seed_articles)
    assert list(table.columns) == TOKEN_COLUMNS
    text = seed_articles["text"].iloc[0]
    assert all(text[s:e] == t for s, e, t in zip(table["start"], table["end"], table["token"]))
    assert (table["lower"] == table["token"].str.lower()).all()


def test_tokens_accepts_a_sentence_table_or_articles_alike(seed_articles):
    from_articles = tokens(seed_articles)
    from_sentences = tokens(sentences(seed_articles))
    pd.testing.assert_frame_equal(from_articles, from_sentences)


def test_token_flags():
    table = tokens(pd.DataFrame({"article_id": ["a"], "text": ["The army did not retreat, 1,000 said."]}))
    flags = table.set_index("token")[["is_stop", "is_alpha", "is_punct"]]
    assert flags.loc["The", "is_stop"] and not flags.loc["army", "is_stop"]
    assert not flags.loc["not", "is_stop"], "negations are not stopwords"
    assert flags.loc[",", "is_punct"] and not flags.loc["1,000", "is_punct"] and not flags.loc["1,000", "is_alpha"]


@pytest.mark.parametrize("text,n_sentences,n_tokens,all_punct", [
    ("", 0, 0, True),
    ("   \n\n  ", 0, 0, True),
    ("!!! ... ???", 6, 7, True),
    ("x" * 200_000, 1, 1, False),
    ("Путин " * 1000, 1, 1000, False),
    (None, 0, 0, True),
])
def test_awkward_texts_give_the_expected_sentences_and_tokens(text, n_sentences, n_tokens, all_punct):
    table = sentences(pd.DataFrame({"article_id": ["a"], "text": [text]}))
    words = tokens(table)
    assert (len(table), len(words)) == (n_sentences, n_tokens)
    assert "".join(words["token"]) == "".join((text or "").split()), "tokens cover every non-space character"
    assert bool(words["is_punct"].all()) == all_punct


def test_output_does_not_depend_on_the_process_hash_seed(seed_articles, tmp_path):
    """Sets and dicts iterate in hash order: a fresh interpreter with another
    PYTHONHASHSEED must produce the very same table."""
    import os
    import subprocess
    import sys

    out = tmp_path / "tokens.parquet"
    code = ("import sys, pandas as pd; from analysis.text import tokens; "
            "tokens(pd.read_parquet(sys.argv[1])).to_parquet(sys.argv[2])")
    seed_articles.to_parquet(tmp_path / "articles.parquet")
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", code, str(tmp_path / "articles.parquet"), str(out)], env=env, check=True)
        pd.testing.assert_frame_equal(pd.read_parquet(out), tokens(seed_articles), check_dtype=False)


def test_missing_columns_are_named():
    with pytest.raises(KeyError, match="article_id"):
        sentences(pd.DataFrame({"text": ["a"]}))


def test_stopwords_come_from_scikit_learn_without_negations_and_are_extendable():
    words = stopwords()
    assert {"the", "and", "of"} <= words
    assert not {"not", "no", "against"} & words
    assert "kyiv" in stopwords(extra=["Kyiv"]) and "the" not in stopwords(keep=["the"])


def test_trained_abbreviations_filter_junk_words():
    corpus = ["They attacked at dawn. The army waited until dawn. Lt. Col. Smith spoke. Lt. Col. Jones agreed. "
              "Lt. Col. Brown left. It was time. There was no time."] * 5
    learned = train_punkt(corpus)
    assert "dawn" not in learned and "time" not in learned


# --- fast sentence engine: identical decisions to NLTK's Punkt ---------------------------------

TRICKY_TEXTS = [
    "J. K. Rowling wrote the books. She lives in Edinburgh.",
    "He was born in 1990. He moved to Kyiv. Room No. 5. It was cold.",
    "The bill is No. 5. Congress passed it. See p. 12 of vol. 3.",
    "Wait... What happened? Nothing... they said.",
    "We will win\u2026 Zelenskyy said. Then\u2026 silence.",
    'He said "stop." Then he left. She asked "why?" and walked away.',
    "(Sent1.) Sent2. [Sent3!] \u201cSent4?\u201d Sent5.",
    "(How does it deal with this parenthesis?)  \"It should be part of the\nprevious sentence.\" "
    "\"(And the same with this one.)\" ('And this one!') \"('(And (this)) '?)\" [(and this. )]",
    "Really?! Yes!! What?!? No!!! Fine.",
    "Путин сказал. Зеленський відповів! Т. Шевченко жив у Києві. А. Б. Іванов",
    "U.S. officials met U.K. envoys on Jan. 5. The U.N. Security Council met at 3 p.m. Gen. Milley spoke.",
    "e.g. this one. i.e. that one. etc. And so on.",
    "1. First item. 2. Second item. 3.5 percent rose. Then 4.",
    "It cost $5.5 million. Then 3.14. Then -2.5. Then 1,000.",
    "Line one.\nLine two.\n  Line three.\n\nNew paragraph. Another.",
    "Hello.\xa0World. Tabs.\tHere.\r\nThere.\x0bVertical.\x0cFeed. Sep.\x1cAfter.",
    "Mr.Smith met Dr.Jones.He left.Then came back .Odd spacing .",
    "The U.S.-led coalition said so. The anti-U.S. protests grew.",
    "They met Gen. Then they left. See Lt. Col. Smith. End.",
    "Cafe\u0301. Next one. \u0301. Bach. Ё. Bach. 5. Bach.",
    "--Yes. --No.. Maybe... . . . Fine. .. Ok.",
    "He said: 'It is over.' 'Is it?' she asked. 'Yes.'",
    "Pres. Biden and Sec. Blinken (D.C.) spoke. St. Petersburg responded.",
    "...", ".", "?!", "a.", ". a", "A. B. C.", "!!!", "\"Quote.\"", "x.\n\ny.",
]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_fast_engine_splits_tricky_texts_exactly_like_nltk_punkt(text):
    assert sentence_spans(text) == sentence_spans(text, engine="punkt")


def test_fast_engine_keeps_initials_numbers_and_parenthesised_sentences():
    text = "J. K. Rowling wrote No. 5. (It sold.) Then?! Yes."
    assert [text[s:e] for s, e in sentence_spans(text)] == ["J. K. Rowling wrote No. 5.", "(It sold.)", "Then?!", "Yes."]


@pytest.mark.parametrize("text", ["", " ", "   \n\n \t ", "\n", "x" * 176_000])
def test_both_engines_survive_empty_whitespace_and_long_unbroken_texts(text):
    assert sentence_spans(text) == sentence_spans(text, engine="punkt")


def test_both_engines_agree_on_a_176k_character_article():
    paragraph = (
        "On Aug. 7, Putin accused Kyiv of a \"provocation\". Gen. Syrskyi said the U.S. was informed. "
        "J. K. Rowling, No. 5 and 3.5% appear too... Really?! (Yes.) \u201cFine,\u201d he said.\n"
    )
    text = "\n".join([paragraph] * (176_000 // len(paragraph) + 1))
    assert len(text) > 176_000
    fast = sentence_spans(text)
    assert fast == sentence_spans(text, engine="punkt")
    assert len(fast) > 1000


def test_fast_engine_matches_punkt_on_random_punctuation_soup():
    import random

    rng = random.Random(20240807)
    pieces = [
        "Mr", "No", "U.S", "J", "K", "gen", "The", "the", "said", "5", "3.5", "1990", "Путин", "é", "e\u0301",
        ".", ". ", "?", "!", "...", "\u2026", ",", ";", ":", "-", "--", '"', "'", "(", ")", "[", "]",
        "\u201c", "\u201d", "\u2019", "\xab", "\xbb", " ", " ", " ", "  ", "\n", "\n\n", "\t", "\xa0", "\x1c", "_",
    ]
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 60)))
        assert sentence_spans(text) == sentence_spans(text, engine="punkt"), repr(text)


def test_extra_abbreviations_extend_the_fast_engine_like_punkt():
    text = "Officials of the obl. administration met. They left."
    assert split(text)[0] == "Officials of the obl."
    merged = [text[s:e] for s, e in sentence_spans(text, abbreviations=frozenset({"obl"}))]
    assert merged == ["Officials of the obl. administration met.", "They left."]
    for engine in ("fast", "punkt"):
        assert split_with(text, frozenset({"obl"}), engine) == ["Officials of the obl. administration met.",
                                                                 "They left."]


def test_trained_abbreviations_flow_into_sentences_for_both_engines():
    corpus = ["The obl. council met. The obl. head spoke. The obl. budget grew. Kyiv obl. lies north. "
              "They left at dawn."] * 4
    learned = train_punkt(corpus)
    assert learned == {"obl"}, "the council 'met.' ends sentences; it is not an abbreviation"
    arts = pd.DataFrame({"article_id": ["a"], "text": ["The Kharkiv obl. administration said so. It rained."]})
    fast = sentences(arts, abbreviations=learned)
    pd.testing.assert_frame_equal(fast, sentences(arts, abbreviations=learned, engine="punkt"))
    assert fast["text"].tolist() == ["The Kharkiv obl. administration said so.", "It rained."]


@pytest.mark.parametrize("engine", ["fast", "punkt"])
def test_ordinary_words_learned_on_a_small_corpus_still_end_sentences(engine):
    corpus = ["The council met. Then it rained. The board met. Officials met. Zaporizhzhia obl. head spoke. "
              "Kherson obl. chief left. Donetsk obl. was hit. Sumy was hit. Kyiv said so. We think so."] * 4
    learned = train_punkt(corpus)
    assert not learned & {"met", "hit", "so"}
    assert split_with("The council met. Then it rained.", learned, engine) == ["The council met.", "Then it rained."]


def split_with(text: str, abbreviations: frozenset[str], engine: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text, abbreviations=abbreviations, engine=engine)]


def test_abbreviation_filter_rejects_dictionary_words():
    text = "The council met. The board met. Officials met. The zzq. x. The zzq. y. The zzq. z."
    assert abbreviation_filter({"met", "zzq"}, text) == {"zzq"}


def test_abbreviation_filter_rejects_words_mostly_written_without_a_period():
    text = "Kyiv obl. council. Sumy obl. head. Lviv obl. office. The obl budget, the obl council, obl staff."
    assert abbreviation_filter({"obl"}, text) == frozenset()
    assert abbreviation_filter({"obl"}, text.split(" The obl budget")[0]) == {"obl"}


def test_abbreviation_filter_rejects_words_ending_sentences_before_a_capitalised_common_word():
    text = "Kyiv obl. council. Sumy obl. head. Lviv obl. office. Rivne obl. Then it rained."
    assert abbreviation_filter({"obl"}, text) == frozenset()
    assert abbreviation_filter({"obl"}, text.replace("obl. Then", "obl. Zhytomyr")) == {"obl"}


def test_abbreviation_filter_needs_min_count_periods():
    assert abbreviation_filter({"obl"}, "Kyiv obl. council. Sumy obl. head.") == frozenset()
    assert abbreviation_filter({"obl"}, "Kyiv obl. council. Sumy obl. head.", min_count=2) == {"obl"}


def test_sentences_tables_are_identical_for_both_engines(seed_articles):
    pd.testing.assert_frame_equal(sentences(seed_articles), sentences(seed_articles, engine="punkt"))


def test_unknown_sentence_engine_is_rejected():
    with pytest.raises(ValueError, match="engine"):
        sentences(pd.DataFrame({"article_id": ["a"], "text": ["x."]}), engine="spacy")
    with pytest.raises(ValueError, match="engine"):
        sentence_spans("x.", engine="spacy")


# --- vectorised tokenizer: exact offsets on awkward characters --------------------------------

@pytest.mark.parametrize("text", [
    "Kyiv\u3000said\xa0no \U0001F1FA\U0001F1E6 flag\u2028line e\u0301t\u00e9 \ud800 lone surrogate.",
    "They met Gen.  \t",
    "Russia's army didn't retreat; Ukraine\u2019s can't. O'Brien's 'quote' ' '",
    "   leading spaces. U.S. and Gen. Smith.",
])
def test_tokens_cover_every_non_space_character_with_exact_offsets(text):
    arts = pd.DataFrame({"article_id": ["a"], "text": [text]}, dtype=object)  # object: lone surrogates
    table = tokens(arts)
    assert all(text[s:e] == t for s, e, t in zip(table["start"], table["end"], table["token"]))
    assert (table["start"].to_numpy()[1:] >= table["end"].to_numpy()[:-1]).all()
    assert "".join(table["token"]) == "".join(text.split())


def test_clitics_split_in_every_sentence_and_abbreviation_stops_stay_on_words():
    arts = pd.DataFrame({"article_id": ["a", "b"], "text": [
        "Russia's army didn't retreat. Gen. Smith's men can't. We met Gen.",
        "Ukraine\u2019s forces won\u2019t stop. Mr. Zelenskyy\u2019s aide spoke.",
    ]})
    table = tokens(arts)
    assert table.query("article_id == 'a'")["token"].tolist() == [
        "Russia", "'s", "army", "did", "n't", "retreat", ".",
        "Gen.", "Smith", "'s", "men", "ca", "n't", ".",
        "We", "met", "Gen", ".",
    ]
    assert table.query("article_id == 'b'")["token"].tolist() == [
        "Ukraine", "\u2019s", "forces", "wo", "n\u2019t", "stop", ".",
        "Mr.", "Zelenskyy", "\u2019s", "aide", "spoke", ".",
    ]
    assert table.groupby(["article_id", "sentence_id"])["token_id"].apply(lambda s: s.tolist() == list(range(len(s)))).all()


def test_word_presplit_gives_the_same_tokens_as_one_regex_pass():
    import random

    from analysis.text import _TOKEN_SPLIT_RE, _split_words

    rng = random.Random(7)
    pieces = ["Gen", "U", "S", ".", "..", "...", "1", ",", "000", ":", "'s", "n't", "\u2019", "-", "--", "_",
              "Путин", "e\u0301", "x", " ", "  ", "\n", "\xa0", "\u3000", "(", '"', "\u2026", "\U0001F600", "²"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        words = text.split()
        owner, offset, lengths, toks, marked = _split_words(words)
        expected = _TOKEN_SPLIT_RE.split(text)[1::2]
        assert toks == expected, repr(text)
        assert lengths.tolist() == [len(t) for t in expected]
        assert all(words[w][o:o + n] == t for t, n, w, o in zip(expected, lengths.tolist(), owner.tolist(), offset.tolist()))
        assert marked.tolist() == [i for i, t in enumerate(expected) if "'" in t or "\u2019" in t]


def test_each_distinct_word_tokenized_once_gives_the_tokens_of_every_text_on_its_own():
    """The block tokenizer splits each distinct whitespace token once; a stop after an
    abbreviation at the end of a whitespace token ("Gen.") joins it only where another token of
    the same text follows, as the one-string tokenizer decides."""
    import random

    from analysis.text import NEWS_ABBREVIATIONS, _token_spans_python, _tokenize_texts

    rng = random.Random(13)
    pieces = ["Gen", "gen", "Mr", "U.S", "Lt", ".", ". ", "..", "Col", "'s", "n't", "don't", "Kyiv\u2019s", "'",
              "-", "x", " ", "  ", "\n", "\xa0", "(", ")", '"', "1,000", "6.5", "\U0001F600", "Путин"]
    for _ in range(200):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(rng.randint(1, 6))]
        row, starts, ends, toks = _tokenize_texts(texts, NEWS_ABBREVIATIONS)
        for i, text in enumerate(texts):
            mine = row == i
            spans = list(zip(starts[mine].tolist(), ends[mine].tolist()))
            assert spans == _token_spans_python(text, NEWS_ABBREVIATIONS), repr(texts)
            assert toks[mine].tolist() == [text[a:b] for a, b in spans], repr(texts)


def test_single_string_fast_path_matches_the_block_tokenizer(seed_articles):
    from analysis.text import NEWS_ABBREVIATIONS, _token_spans_python, _tokenize_texts

    texts = sentences(seed_articles)["text"].tolist() + [
        "Lt. Col. Smith.", "Gen.", "Gen. .", "U.S.", "a Gen. b", "'s 's", "don't", "Russia\u2019s", "Mr. . Mr.",
        "Gen.\nSmith", " Gen. ", "No. 5.", "\u201cWe\u2026\u201d -- he said",
    ]
    for text in texts:
        _, starts, ends, _ = _tokenize_texts([text], NEWS_ABBREVIATIONS)
        assert _token_spans_python(text, NEWS_ABBREVIATIONS) == list(zip(starts.tolist(), ends.tolist())), text


@pytest.mark.parametrize("text", [
    "Russia-Ukraine war: Kyiv's 1,000 drones; Київ п'ять.",
    "6.5-year term, 1,000abc, 12.5.2024, v1.2.3b, 3,5 and 7., a_b __x__ don't-stop -edge- 'quoted'",
    "Й\u0306ошкар-Ола, ї\u0308 e\u0301te\u0301, \u0301x, Ü\u0308\u0308ber, n\u2019t, rock\u2019n\u2019roll, co\u2010op\u2011ed",
    "", "  ...  ", "a", "1.2", "x'", "'x", "éé\u0483\u0489a-\u0301b",
])
def test_word_pattern_matches_exactly_what_the_original_pattern_matched(text):
    from analysis.text import _WORD_REFERENCE, WORD

    assert WORD.findall(text) == _WORD_REFERENCE.findall(text)
