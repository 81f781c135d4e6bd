"""Pausing Python's cyclic garbage collector around bulk loops (shared by the sentiment scorers
and the entity matcher)."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector for a bulk loop.

    Scoring and entity matching allocate many small, short-lived and acyclic
    containers (token lists, tuples, match and mention rows); every 700 of them
    trigger a collection that also walks the young objects' contents, about a
    tenth of the loop's time. Reference counting still frees everything at
    once; the collector is re-enabled (if it was enabled) when the block exits,
    even on error.

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
