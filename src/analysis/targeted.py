"""Compatibility alias: ``analysis.targeted`` is :mod:`analysis.sentiment.target`.

The module object itself is replaced, so ``import analysis.targeted`` and
``analysis.sentiment.target`` are the same object (monkeypatching one patches the other).
New code imports :mod:`analysis.sentiment.target`.
"""

import importlib
import sys

sys.modules[__name__] = importlib.import_module("analysis.sentiment.target")
