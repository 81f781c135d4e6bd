"""Compatibility alias: ``analysis.entities_cyr`` is :mod:`analysis.entities.cyrillic`.

The module object itself is replaced, so ``import analysis.entities_cyr`` and
``analysis.entities.cyrillic`` are the same object (monkeypatching one patches the other).
New code imports :mod:`analysis.entities.cyrillic`.
"""

import importlib
import sys

sys.modules[__name__] = importlib.import_module("analysis.entities.cyrillic")
