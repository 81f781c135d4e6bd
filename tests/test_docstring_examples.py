"""Every docstring example in src/analysis runs and gives what it shows (``make test`` runs them all).

The analyst-facing modules must also carry at least one example.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import analysis

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
#: modules that need an optional extra (pyproject optional-dependencies): skipped when it is absent
OPTIONAL = {"dask", "distributed", "spacy"}
MODULES = sorted(info.name for info in pkgutil.walk_packages(analysis.__path__, "analysis.")
                 if not info.name.endswith("__main__"))
ANALYST_MODULES = ["analysis.kwic", "analysis.interactive", "analysis.events", "analysis.topics", "analysis.formats",
                   "analysis.report", "analysis.pipeline", "analysis.engine", "analysis.evaluation", "analysis.logs"]


def _import(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in OPTIONAL:
            pytest.skip(f"{name} needs the optional package {exc.name}")
        raise


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module):
    result = doctest.testmod(_import(module), optionflags=FLAGS)  # failures are printed (shown by pytest)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {module} failed; see stdout"


@pytest.mark.parametrize("module", ANALYST_MODULES)
def test_analyst_modules_carry_examples(module):
    tests = doctest.DocTestFinder().find(_import(module))
    assert sum(len(t.examples) for t in tests) > 0, f"{module} has no example"


def test_every_module_is_collected():
    assert {"analysis.engine", "analysis.evaluation.ner", "analysis.framing.frames", "analysis.logs"} <= set(MODULES)
