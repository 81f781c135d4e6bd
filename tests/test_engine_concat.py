"""Specification of how the engine joins its chunks' tables: text columns come out as pandas'
string dtype whether a chunk held them as objects or as text (issue 13)."""

from __future__ import annotations

import pandas as pd
from pandas.api.types import infer_dtype

from analysis.engine import _as_str, _concat


def _after_concat(parts):
    """The engine's former way: join, then convert each object column holding only text."""
    frame = pd.concat(parts, ignore_index=True)
    converted = {c: _as_str(frame[c]) for c in frame.columns
                 if frame[c].dtype == object and infer_dtype(frame[c], skipna=True) in ("string", "empty")}
    return frame.assign(**converted)


def test_a_chunk_holding_text_as_objects_joins_text_chunks_as_if_converted_after_joining():
    english = pd.DataFrame({"lemma": pd.Series(["kyiv", "said"], dtype="str"), "case": [None, None], "n": [1, 2]})
    russian = pd.DataFrame({"lemma": pd.Series(["киев", None], dtype=object), "case": ["nomn", None], "n": [3, 4]})
    joined = _concat([english, russian, english])
    assert str(joined["lemma"].dtype) == "str" and str(joined["case"].dtype) == "str"
    pd.testing.assert_frame_equal(joined, _after_concat([english, russian, english]))


def test_an_object_column_with_other_values_than_text_stays_objects():
    text = pd.DataFrame({"value": pd.Series(["a"], dtype="str")})
    numbers = pd.DataFrame({"value": pd.Series([1], dtype=object)})
    joined = _concat([text, numbers])
    assert joined["value"].dtype == object and joined["value"].tolist() == ["a", 1]
