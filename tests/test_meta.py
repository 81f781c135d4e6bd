"""Package metadata a user or a citation manager reads: version, licence, citation."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import yaml

import analysis
from analysis.__main__ import main


def test_version_flag_prints_the_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"war-analysis {analysis.__version__}"


def test_python_dash_m_analysis_version_runs_as_a_process(root):
    out = subprocess.run([sys.executable, "-m", "analysis", "--version"], capture_output=True, text=True,
                         cwd=root, env={"PYTHONPATH": str(root / "src"), "PATH": ""}, check=True)
    assert out.stdout.strip().endswith(analysis.__version__)


def test_package_version_agrees_with_pyproject(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["version"] == analysis.__version__
    assert project["scripts"]["war-analysis"] == "analysis.__main__:main"


def test_licence_file_is_the_mit_licence_pyproject_declares(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    text = (root / "LICENSE").read_text()
    assert text.startswith("MIT License") and "THE SOFTWARE IS PROVIDED \"AS IS\"" in text


def test_citation_cff_is_cff_1_2_with_the_package_version_and_licence(root):
    cff = yaml.safe_load((root / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert cff[key], key
    assert str(cff["version"]) == analysis.__version__
    assert cff["license"] == "MIT"
