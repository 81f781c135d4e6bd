"""Speed work must not change output: the shortcuts behind the engine's throughput, specified.

Each shortcut (warm-up of the Russian/Ukrainian layer, word counts of long texts, the frozen heap of a
serial run, the shared pymorphy3 parse memo) gives the same answers as the plain computation.
"""

from __future__ import annotations

import gc

import pandas as pd

from analysis import engine, morph, text
from analysis.framing import _cyr


def test_warm_up_loads_the_russian_ukrainian_layer():
    engine.warm_up(stages=("sentences", "tokens"))
    assert morph.analyzer.cache_info().currsize == 2  # ru and uk dictionaries
    from analysis import lang

    assert lang._detector.cache_info().currsize == 1  # lingua, with the Cyrillic models it used


def test_long_text_word_counts_read_only_the_chunks_that_are_not_plain_letters():
    # an article is cut at white space: chunks of letters only are one word each, the regex
    # counts the rest; every tricky word shape is in the rest and counted as the regex counts it
    long_text = ("Kyiv's 1,000 drones hit Russia-Ukraine lines; \u0301e ca\u0301fe\u0301 6.5a \u0663,\u0664 "
                 "under_score \x1cword\x1d Київ п'ять. ") * 40
    assert len(long_text) >= text._SPLIT_MIN_CHARS
    expected = len(text.WORD.findall(long_text))
    assert text.word_count(long_text) == expected
    assert text.word_counts([long_text, None, "Три чотири п'ять"]).tolist() == [expected, 0, 3]


def test_serial_run_unfreezes_the_heap_and_matches_one_chunk():
    arts = pd.DataFrame({"article_id": ["a", "b", "c"],
                         "text": ["Putin said Kyiv attacked Kursk.", "Zelenskyy thanked the partners.",
                                  "Путин заявил, что Киев атаковал Курск."]})
    before = gc.get_freeze_count()
    chunked = engine.run(arts, stages=("sentences", "tokens", "sentiment"), chunk_size=1)
    assert gc.get_freeze_count() == before
    whole = engine.run(arts, stages=("sentences", "tokens", "sentiment"), chunk_size=10)
    for name in whole:
        pd.testing.assert_frame_equal(engine.comparable(chunked[name]), engine.comparable(whole[name]))


def test_frozen_heap_leaves_an_outer_freeze_alone(monkeypatch):
    # Counting the permanent generation before and after is flaky under pytest-xdist: its
    # messaging thread can free a frozen object in between. What matters is the calls.
    calls = []
    monkeypatch.setattr(gc, "get_freeze_count", lambda: 1)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    with engine._frozen_heap():
        pass
    assert calls == []


def test_uniform_strings_converts_text_and_all_missing_columns_only():
    frame = pd.DataFrame({"t": pd.Series(["a", None], dtype=object), "n": pd.Series([None, None], dtype=object),
                          "m": pd.Series(["a", 1], dtype=object)})
    out = engine._uniform_strings(frame)
    assert isinstance(out["t"].dtype, pd.StringDtype) and isinstance(out["n"].dtype, pd.StringDtype)
    assert out["m"].dtype == object


def test_one_parse_memo_for_tokens_sentiment_and_framing():
    assert _cyr.parses("окупантів", "uk") is morph.parses("окупантів", "uk")
    assert morph.lemma_case("Зеленского", "ru") == ("зеленский", "gent")
    assert morph.lemma("окупантів", "uk") == "окупант"
