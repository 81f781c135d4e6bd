"""split_texts is str.split of every text: the same tokens, in order, at the same places, whatever
the characters (ASCII or wider white space, Cyrillic, characters beyond the BMP, lone surrogates,
control characters, empty or missing texts, very long texts)."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from analysis.wordsplit import split_texts

#: Every character str.isspace calls white space, beyond ASCII too.
WIDE_SPACES = [chr(c) for c in range(0x80, 0x3001) if chr(c).isspace()]


def reference(texts: list) -> tuple[list[str], list[int], list[int], list[int]]:
    """(distinct tokens in order of first use, code of each token, its text, its start) by str.split."""
    tokens: dict[str, int] = {}
    codes, rows, starts = [], [], []
    for row, text in enumerate(texts):
        if not isinstance(text, str):
            continue
        found = list(re.finditer(r"\S+", text))
        assert [m.group() for m in found] == text.split()  # re's \s is str.isspace
        for match in found:
            codes.append(tokens.setdefault(match.group(), len(tokens)))
            rows.append(row)
            starts.append(match.start())
    return list(tokens), codes, rows, starts


def assert_splits_like_str_split(texts: list) -> None:
    split = split_texts(texts)
    tokens, codes, rows, starts = reference(texts)
    assert split.tokens == tokens
    assert split.codes.tolist() == codes and split.codes.dtype == np.int64
    assert split.row.tolist() == rows
    assert split.start.tolist() == starts
    assert split.is_text.tolist() == [isinstance(t, str) for t in texts]


@pytest.mark.parametrize("texts", [
    [],
    [None],
    [""],
    ["", "", None],
    ["   ", "\n\t ", None, "x"],
    ["Kyiv said no. Kyiv said", None, "no"],
    ["  leading and trailing  ", "\tKyiv\n"],
    ["Киев  устоял.", "Зеленський заявив: «Ні!»", "Kyiv's “war” — 1,000 drones…"],
    ["no\u00a0break\u00a0space", "ideographic\u3000space", "line\u2028separator", "next\x85line"],
    ["file\x1cgroup\x1drecord\x1eunit\x1fseparators", "vertical\x0btab\x0cform\rfeed"],
    ["emoji \U0001F600 and\U0001F600joined", "\U0001F600"],
    ["a lone \ud800 surrogate", "x \udfff y"],
    ["null\x00byte inside", "\u200bzero width is no space"],
])
def test_split_texts_is_str_split(texts):
    assert_splits_like_str_split(texts)


def test_white_space_beyond_ascii_splits_as_str_split():
    texts = [f"a{space}b c{space}" for space in WIDE_SPACES] + ["Київ" + "".join(WIDE_SPACES) + "Kyiv"]
    assert_splits_like_str_split(texts)
    assert_splits_like_str_split(["plain ascii text", f"wide{WIDE_SPACES[0]}space"])


def test_a_very_long_text_and_a_very_long_word():
    sentence = "Russia's forces shelled Kharkiv; «Київ» replied \U0001F600. " * 20000
    assert_splits_like_str_split([sentence, "x" * 200_000, sentence.replace(" ", "\u00a0", 5)])


def test_random_texts_split_as_str_split():
    alphabet = list("ab .,'\"\n\t") + ["\u00a0", "\u3000", "\x1c", "é", "ж", "’", "\U0001F600", "\u2028", "\ud800"]
    rng = random.Random(13)
    for _ in range(200):
        texts = ["".join(rng.choices(alphabet, k=rng.randrange(0, 40))) if rng.random() > 0.1 else None
                 for _ in range(rng.randrange(0, 6))]
        assert_splits_like_str_split(texts)
