"""Where things live: project root, raw data, processed cache, reports.

Every location can be overridden with an environment variable so that the
notebooks, the headless runner and a user's own scripts agree without any
global state in the library:

=====================  ====================================  =====================
variable               meaning                               default
=====================  ====================================  =====================
``ANALYSIS_CORPUS``    corpus the notebooks analyse          ``<root>/data/raw``
``ANALYSIS_OUTPUT``    where reports and figures are written ``<root>/reports``
``ANALYSIS_CACHE``     parquet cache of intermediates        ``<root>/data/processed``
``ANALYSIS_SHARED``    the research data sets (tests/bench)  ``<root>/../shared``
=====================  ====================================  =====================

>>> (project_root() / "pyproject.toml").exists()
True
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_root", "raw_dir", "processed_dir", "reports_dir", "shared_dir", "lexicon_dir"]


def project_root(start: Path | None = None) -> Path:
    """The folder holding ``pyproject.toml``, searched upward from this file
    (editable install) or from ``start``/the working directory."""
    candidates = [Path(start).resolve()] if start else []
    candidates += [Path(__file__).resolve().parent, Path.cwd().resolve()]
    for base in candidates:
        for folder in (base, *base.parents):
            if (folder / "pyproject.toml").exists() and (folder / "src" / "analysis").is_dir():
                return folder
    return Path.cwd().resolve()


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def raw_dir() -> Path:
    return _env_path("ANALYSIS_CORPUS", project_root() / "data" / "raw")


def processed_dir() -> Path:
    return _env_path("ANALYSIS_CACHE", project_root() / "data" / "processed")


def reports_dir() -> Path:
    return _env_path("ANALYSIS_OUTPUT", project_root() / "reports")


def shared_dir() -> Path:
    return _env_path("ANALYSIS_SHARED", project_root().parent / "shared")


def lexicon_dir() -> Path:
    """Hand-curated lexicons and gazetteers shipped with the project."""
    return project_root() / "data" / "lexicons"
