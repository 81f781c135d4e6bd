"""Private helpers shared by the sentence scorer (:mod:`~analysis.sentiment.vader`), the
target scorer (:mod:`~analysis.sentiment.target`) and the aggregates; they import this
module, never each other the other way round.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

import pandas as pd


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector for a bulk scoring loop.

    Scoring allocates many small, short-lived and acyclic containers (token
    lists, tuples); every 700 of them trigger a collection that also walks the
    young objects' contents, about a tenth of the loop's time. Reference
    counting still frees everything at once; the collector is re-enabled (if it
    was enabled) when the block exits, even on error.

    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

def _text_ids(series: pd.Series) -> pd.Series:
    """Object columns holding only strings (or nothing) as pandas' ``str`` dtype."""
    if series.dtype == object:
        values = series.dropna()
        if values.map(type).eq(str).all():
            return series.astype("str")
    return series

