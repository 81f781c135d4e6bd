"""Where things live: project data shipped with the package, the corpus, caches and reports.

The package runs in two settings, and every location below is resolved the same way in both:

* **a checkout** -- this module is ``<root>/src/analysis/paths.py`` and ``<root>/pyproject.toml``
  exists (``PYTHONPATH=src``, or the editable install ``make`` does): the project's folders are used
  in place, so an edited lexicon takes effect at once;
* **installed** from a wheel -- there is no project folder. The data the project ships (lexicons,
  gold offsets, notebooks, the seed article) are read from the package itself
  (``analysis/_resources/``, via :mod:`importlib.resources`); what a run *writes* goes to the
  working directory (``./reports``) or the user's cache, never into site-packages.

The working directory is never searched for the project's own files: an installed package run from
some folder reads nothing from that folder unless it is given as an argument or variable.

Resolution order, first match wins:

=================  ======================  ==========================  ===================================================
function           variable                in a checkout               installed
=================  ======================  ==========================  ===================================================
``lexicon_dir``    ``ANALYSIS_LEXICONS``   ``<root>/data/lexicons``    ``analysis/_resources/lexicons`` (package)
``gold_dir``       ``ANALYSIS_GOLD``       ``<root>/data/gold``        ``analysis/_resources/gold`` (package)
``notebooks_dir``  ``ANALYSIS_NOTEBOOKS``  ``<root>/notebooks``        ``analysis/_resources/notebooks`` (package)
``seed_article``   --                      ``<root>/data/raw/<seed>``  ``analysis/_resources/raw/<seed>`` (package)
``raw_dir``        ``ANALYSIS_CORPUS``     ``<root>/data/raw``         ``analysis/_resources/raw`` (the seed article)
``reports_dir``    ``ANALYSIS_OUTPUT``     ``<root>/reports``          ``./reports`` (the working directory)
``processed_dir``  ``ANALYSIS_CACHE``      ``<root>/data/processed``   ``$XDG_CACHE_HOME/war-coverage-analysis/processed``
``models_dir``     ``ANALYSIS_MODELS``     ``<root>/data/models``      ``$XDG_DATA_HOME/war-coverage-analysis/models``
``shared_dir``     ``ANALYSIS_SHARED``     ``<root>/../shared``        ``$XDG_DATA_HOME/war-coverage-analysis/shared``
=================  ======================  ==========================  ===================================================

(``$XDG_CACHE_HOME`` defaults to ``~/.cache``, ``$XDG_DATA_HOME`` to ``~/.local/share``.)
:func:`project_root` is the checkout's folder; installed, it raises :class:`LookupError`
rather than guess, and :func:`checkout_root` returns ``None``.

>>> (project_root() / "pyproject.toml").exists()
True
>>> (lexicon_dir() / "gazetteer.yml").is_file() and (notebooks_dir() / "01_corpus_overview.ipynb").is_file()
True
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = ["checkout_root", "project_root", "packaged", "is_packaged", "lexicon_dir", "gold_dir", "notebooks_dir",
           "seed_article", "raw_dir", "processed_dir", "reports_dir", "models_dir", "shared_dir", "SEED_NAME"]

#: The article the project was commissioned with: data/raw's only tracked file, shipped in the wheel.
SEED_NAME = "000_a45935899aae0239.txt"
_DIST = "war-coverage-analysis"


def _is_root(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "src" / "analysis").is_dir()


def checkout_root() -> Path | None:
    """The project folder this module is imported from (``<root>/src/analysis``), or ``None`` when installed."""
    here = Path(__file__).resolve().parent  # <root>/src/analysis
    root = here.parent.parent
    return root if here.parent.name == "src" and _is_root(root) else None


def project_root(start: str | os.PathLike | None = None) -> Path:
    """The project folder (holding ``pyproject.toml`` and ``src/analysis``).

    With ``start``, the nearest such folder at or above it; otherwise the checkout this module
    is imported from. Raises :class:`LookupError` when there is none (an installed package):
    the working directory is never taken for the project.
    """
    if start is not None:
        base = Path(start).expanduser().resolve()
        for folder in (base, *base.parents):
            if _is_root(folder):
                return folder
        raise LookupError(f"no project folder (pyproject.toml and src/analysis) at or above {base}")
    root = checkout_root()
    if root is None:
        raise LookupError("analysis is installed as a package, not run from a project checkout: "
                          "use analysis.paths (lexicon_dir(), reports_dir(), ...) for its files")
    return root


def packaged(name: str) -> Path:
    """``analysis/_resources/<name>`` inside the installed package (data mapped in by pyproject.toml)."""
    folder = resources.files("analysis").joinpath("_resources", name)
    if not isinstance(folder, Path):  # e.g. imported from a zip file
        raise LookupError(f"analysis's package data are not on the file system ({folder!r}); install it unzipped")
    return folder


def is_packaged(path: str | os.PathLike) -> bool:
    """True for a path inside the installed package's data (read-only: never write beside it)."""
    try:
        Path(path).resolve().relative_to(Path(__file__).resolve().parent)
    except ValueError:
        return False
    return checkout_root() is None


def _env_path(name: str) -> Path | None:
    """The variable's path; a relative one that does not exist from the working directory is read from
    the folder the command was typed in (``$PWD``): ``jupyter nbconvert --execute`` starts its kernel in
    the notebook's folder, where ``ANALYSIS_CORPUS=my_articles`` became ``notebooks/my_articles``."""
    value = os.environ.get(name)
    if not value:
        return None
    path = Path(value).expanduser()
    typed_in = os.environ.get("PWD", "")
    if not path.is_absolute() and not path.exists() and os.path.isabs(typed_in) and (Path(typed_in) / path).exists():
        path = Path(typed_in) / path
    return path.resolve()


def _shipped(variable: str | None, in_checkout: str, name: str) -> Path:
    """Data the project ships: the variable, else the checkout's folder, else the packaged copy."""
    override = _env_path(variable) if variable else None
    if override is not None:
        return override
    root = checkout_root()
    return root / in_checkout if root is not None else packaged(name)


def _user_dir(variable: str, default: str, *parts: str) -> Path:
    base = os.environ.get(variable) or str(Path.home() / default)
    return Path(base).expanduser().resolve().joinpath(_DIST, *parts)


def lexicon_dir() -> Path:
    """Hand-curated lexicons and gazetteers shipped with the project (``ANALYSIS_LEXICONS`` overrides)."""
    return _shipped("ANALYSIS_LEXICONS", "data/lexicons", "lexicons")


def gold_dir() -> Path:
    """Hand-annotated gold offsets for the evaluations (``ANALYSIS_GOLD`` overrides)."""
    return _shipped("ANALYSIS_GOLD", "data/gold", "gold")


def notebooks_dir() -> Path:
    """The numbered analysis notebooks (``ANALYSIS_NOTEBOOKS`` overrides). Installed, these are the
    package's read-only copies: ``python -m analysis run`` writes its results elsewhere."""
    return _shipped("ANALYSIS_NOTEBOOKS", "notebooks", "notebooks")


def seed_article() -> Path:
    """The commissioning article (12 Aug 2024), in data/raw or in the package."""
    return _shipped(None, "data/raw", "raw") / SEED_NAME


def raw_dir() -> Path:
    """The corpus the notebooks analyse by default: ``ANALYSIS_CORPUS``, else data/raw (installed:
    the packaged folder holding only the seed article)."""
    return _shipped("ANALYSIS_CORPUS", "data/raw", "raw")


def processed_dir() -> Path:
    """Parquet cache of intermediates: ``ANALYSIS_CACHE``, else data/processed, else the user's cache."""
    override, root = _env_path("ANALYSIS_CACHE"), checkout_root()
    if override is not None:
        return override
    return root / "data" / "processed" if root is not None else _user_dir("XDG_CACHE_HOME", ".cache", "processed")


def reports_dir() -> Path:
    """Where reports and figures go: ``ANALYSIS_OUTPUT``, else the checkout's reports/, else ./reports."""
    override, root = _env_path("ANALYSIS_OUTPUT"), checkout_root()
    if override is not None:
        return override
    return (root if root is not None else Path.cwd().resolve()) / "reports"


def models_dir() -> Path:
    """Trained model files (``targeted.json``): ``ANALYSIS_MODELS``, else data/models, else the user's data folder."""
    override, root = _env_path("ANALYSIS_MODELS"), checkout_root()
    if override is not None:
        return override
    return root / "data" / "models" if root is not None else _user_dir("XDG_DATA_HOME", ".local/share", "models")


def shared_dir() -> Path:
    """The research data sets (tests, benchmarks, notebook 04's comparisons): ``ANALYSIS_SHARED``,
    else ``../shared`` beside the checkout, else the user's data folder (usually absent: skipped)."""
    override, root = _env_path("ANALYSIS_SHARED"), checkout_root()
    if override is not None:
        return override
    return root.parent / "shared" if root is not None else _user_dir("XDG_DATA_HOME", ".local/share", "shared")
