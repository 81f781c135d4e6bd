"""Development habits are wired up: ruff configured, pre-commit hooks, make lint, the dev extra."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib

import pytest
import yaml

#: the whole tree is kept clean under `ruff check` (make lint)
LINTED = ["src", "tests", "benchmarks", "notebooks"]


def test_ruff_is_configured_for_the_code_as_it_is_written(root):
    config = tomllib.loads((root / "pyproject.toml").read_text())
    ruff = config["tool"]["ruff"]
    assert ruff["line-length"] == 120 and ruff["target-version"] == "py311"
    assert {"E", "F", "W", "I", "B", "UP"} <= set(ruff["lint"]["select"])
    assert {"ruff", "pre-commit", "nbstripout"} <= {r.split(">")[0] for r in config["project"]["optional-dependencies"]["dev"]}


def test_pre_commit_runs_ruff_check_and_nbstripout_but_never_reformats(root):
    hooks = [h for repo in yaml.safe_load((root / ".pre-commit-config.yaml").read_text())["repos"] for h in repo["hooks"]]
    entries = " | ".join(h["entry"] for h in hooks)
    assert "ruff check" in entries and "nbstripout" in entries
    assert "ruff format" not in entries


def test_make_lint_runs_ruff_check(root):
    makefile = (root / "Makefile").read_text()
    assert "\nlint:" in makefile and "ruff check src tests" in makefile


@pytest.mark.skipif(shutil.which("ruff") is None and not (sys.prefix and shutil.which("ruff", path=f"{sys.prefix}/bin")),
                    reason="ruff is not installed (pip install -e '.[dev]')")
def test_the_whole_tree_passes_ruff_check(root):
    ruff = shutil.which("ruff", path=f"{sys.prefix}/bin") or shutil.which("ruff")
    done = subprocess.run([ruff, "check", "--no-cache", *LINTED], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
