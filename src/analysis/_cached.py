"""The ``functools`` caches the project's imported modules define: loaders of lexicons and models, and memos."""

from __future__ import annotations

import sys
from collections.abc import Iterator


def package_caches() -> Iterator[tuple[str, str, object]]:
    """``(module, name, function)`` of every cached function (one with ``cache_clear``) defined in an
    imported ``analysis`` module; a cache imported from another module is listed under its own module only.

    >>> from analysis.framing import _lexicon
    >>> ("analysis.framing._lexicon", "load_yaml") in {(m, n) for m, n, _ in package_caches()}
    True
    """
    for module, loaded in list(sys.modules.items()):
        if loaded is None or not (module == "analysis" or module.startswith("analysis.")):
            continue
        for name, func in list(vars(loaded).items()):
            if callable(getattr(func, "cache_clear", None)) and getattr(func, "__module__", None) == module:
                yield module, name, func
