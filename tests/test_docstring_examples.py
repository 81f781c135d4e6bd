"""The examples in the analyst modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["analysis.kwic", "analysis.interactive", "analysis.events", "analysis.topics",
                                    "analysis.formats", "analysis.report",
                                    "analysis.pipeline", "analysis.engine"])
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{module} has no example"
    assert result.failed == 0
