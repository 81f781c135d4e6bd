"""Private helpers shared by the sentence scorer (:mod:`~analysis.sentiment.vader`), the
target scorer (:mod:`~analysis.sentiment.target`) and the aggregates; they import this
module, never each other the other way round.
"""

from __future__ import annotations

import pandas as pd


def _text_ids(series: pd.Series) -> pd.Series:
    """Object columns holding only strings (or nothing) as pandas' ``str`` dtype."""
    if series.dtype == object:
        values = series.dropna()
        if values.map(type).eq(str).all():
            return series.astype("str")
    return series

