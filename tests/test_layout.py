"""The package layout: corpus, entities and sentiment are packages along their seams; the old
module names still import; dependencies inside sentiment run one way (issue 12)."""

from __future__ import annotations

import ast
import doctest
import importlib
import re
import tomllib
from pathlib import Path

import pytest

import analysis

SRC = Path(analysis.__file__).resolve().parent
ROOT = SRC.parent.parent

SUBMODULES = {
    "corpus": ["schema", "cleaning", "language", "dates", "manifest", "readers", "ledger", "duplicates", "load"],
    "entities": ["gazetteer", "matching", "discovery", "wordruns", "aggregates", "network", "cyrillic"],
    "sentiment": ["_shared", "vader", "vader_batch", "aggregates", "tone", "target", "target_parse", "target_rules",
                  "target_view", "cyrillic", "cyrillic_target"],
}
ALIASES = {"analysis.targeted": "analysis.sentiment.target",
           "analysis.sentiment_cyr": "analysis.sentiment.cyrillic",
           "analysis.entities_cyr": "analysis.entities.cyrillic"}


@pytest.mark.parametrize("old, new", sorted(ALIASES.items()))
def test_an_old_module_name_is_the_new_module_itself(old, new, monkeypatch):
    module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    monkeypatch.setattr(module, "_patched_by_test", 1, raising=False)
    assert importlib.import_module(new)._patched_by_test == 1


@pytest.mark.parametrize("package", sorted(SUBMODULES))
def test_a_package_re_exports_every_public_name(package):
    module = importlib.import_module(f"analysis.{package}")
    assert module.__all__ and all(hasattr(module, name) for name in module.__all__)
    assert sorted(p.stem for p in (SRC / package).glob("*.py") if p.stem != "__init__" and p.stem != "__main__") \
        == sorted(SUBMODULES[package])


def test_the_public_names_of_the_old_modules_still_import():
    from analysis import corpus, entities, sentiment, targeted

    for name in ("load_corpus", "load_corpus_with_rejects", "accounting", "rejects_of", "warnings_of", "files_of",
                 "parse_dates", "clean_text", "detect_lang", "find_duplicates", "ARTICLE_COLUMNS",
                 "MAX_HTML_BYTES", "MAX_JSON_COLUMNS"):
        assert hasattr(corpus, name), name
    for name in ("mentions", "load_gazetteer", "Gazetteer", "entity_counts", "cooccurrence", "to_network",
                 "export_network", "naming_variants", "discovered_entities", "conll_type", "SIDES"):
        assert hasattr(entities, name), name
    for name in ("sentence_sentiment", "article_sentiment", "gdelt_tone", "scorer", "FastVader", "nltk_analyzer",
                 "target_sentiment", "mention_sentiment", "document_sentiment", "sentiment_by_entity",
                 "bootstrap_mean_ci", "train_target_model", "load_target_model", "TargetModel",
                 "POSITIVE_THRESHOLD", "NEGATIVE_THRESHOLD"):
        assert hasattr(sentiment, name), name
    assert targeted.bootstrap_mean_ci is sentiment.bootstrap_mean_ci
    assert targeted.sentiment_by_entity is sentiment.sentiment_by_entity


def _imports(path: Path) -> set[str]:
    """Every ``analysis...`` module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("analysis"))
    return found


def test_sentiment_dependencies_run_one_way_without_a_module_getattr():
    order = ["_shared", "vader", "aggregates", "tone", "target"]  # each may import only those before it
    for i, name in enumerate(order):
        path = SRC / "sentiment" / f"{name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not any(isinstance(n, ast.FunctionDef) and n.name == "__getattr__" for n in tree.body), name
        for target in _imports(path):
            assert target not in ("analysis.sentiment", "analysis.targeted"), (name, target)
            m = re.match(r"analysis\.sentiment\.(\w+)$", target)
            if m and m.group(1) in order:
                assert order.index(m.group(1)) < i, (name, target)


def test_every_subpackage_is_in_the_hand_written_packages_list():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"analysis." + ".".join(p.parent.relative_to(SRC).parts) for p in SRC.rglob("__init__.py")
             if p.parent != SRC and "_resources" not in p.parts}
    assert found <= listed


def test_the_cache_key_covers_the_new_package_files():
    from analysis.pipeline import package_files

    files = {p.relative_to(SRC).as_posix() for p in package_files()}
    assert {"corpus/load.py", "corpus/readers.py", "entities/matching.py", "sentiment/target.py",
            "sentiment/_shared.py", "vocabulary.py", "wordvectors.py"} <= files


@pytest.mark.parametrize("module", [f"analysis.{pkg}.{name}" for pkg, names in SUBMODULES.items() for name in names]
                         + [f"analysis.{pkg}" for pkg in SUBMODULES] + ["analysis.vocabulary", "analysis.wordvectors"])
def test_the_moved_docstring_examples_still_run(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
