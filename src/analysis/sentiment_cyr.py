"""Compatibility alias: ``analysis.sentiment_cyr`` is :mod:`analysis.sentiment.cyrillic`.

The module object itself is replaced, so ``import analysis.sentiment_cyr`` and
``analysis.sentiment.cyrillic`` are the same object (monkeypatching one patches the other).
New code imports :mod:`analysis.sentiment.cyrillic`.
"""

import importlib
import sys

sys.modules[__name__] = importlib.import_module("analysis.sentiment.cyrillic")
