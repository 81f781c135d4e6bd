"""Shared fixtures. Tests that need ../shared skip with a reason where it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from analysis.paths import project_root, shared_dir

ROOT = project_root(start=Path(__file__).parent)  # this checkout, also when analysis is installed from a wheel
SEED = ROOT / "data" / "raw" / "000_a45935899aae0239.txt"

# Figures must render without a display, in CI and in a test run alike.
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only research data folder (../shared); skip when missing."""
    path = shared_dir()
    if not (path / "corpus").is_dir():
        pytest.skip(f"research data not found at {path} (set ANALYSIS_SHARED to its location); "
                    "a user's clone has no ../shared")
    return path


@pytest.fixture(scope="session")
def news_sentences(shared):
    """Sentence texts of the first ``n`` articles of ../shared's news_gdelt: ``news_sentences(n)``."""

    def read(n: int) -> list[str]:
        from analysis.text import sentences

        files = sorted((shared / "corpus" / "news_gdelt" / "articles").glob("*.txt"))[:n]
        arts = pd.DataFrame({"article_id": [f.name for f in files], "text": [f.read_text() for f in files]})
        return sentences(arts)["text"].tolist()

    return read


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_articles(seed_text) -> pd.DataFrame:
    """The commissioning article as a one-row articles frame (no loader involved)."""
    return pd.DataFrame({"article_id": ["seed"], "outlet": ["seed"], "text": [seed_text]})
