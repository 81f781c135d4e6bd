"""Installable as a library (issue 12): the wheel carries its lexicons, gold offsets, notebooks and the
seed article, and an installed copy run from an unrelated folder reads nothing from the checkout or
the working directory and writes nothing into site-packages.

The slow test builds the wheel from a copy of the project, installs it with ``--no-deps`` into a
fresh virtual environment in a temporary folder (the dependencies come from this interpreter's
site-packages through a ``.pth`` file, so nothing is downloaded but the build backend when this
environment's setuptools is too old to build the project), then runs the pipeline and notebook 01
from another temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest

from analysis import paths

SEED = paths.SEED_NAME
from_checkout = pytest.mark.skipif(paths.checkout_root() is None, reason="analysis is imported from an installed wheel")


# ------------------------------------------------------------------------- fast: paths in a checkout

@from_checkout
def test_paths_in_a_checkout_are_the_project_folders(root):
    assert paths.checkout_root() == root == paths.project_root()
    assert paths.lexicon_dir() == root / "data" / "lexicons"
    assert paths.gold_dir() == root / "data" / "gold"
    assert paths.notebooks_dir() == root / "notebooks"
    assert paths.seed_article() == root / "data" / "raw" / SEED
    assert not paths.is_packaged(paths.lexicon_dir() / "gazetteer.yml")


@from_checkout
def test_lexicon_override_and_no_working_directory_fallback(root, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_LEXICONS", str(tmp_path))
    assert paths.lexicon_dir() == tmp_path.resolve()
    monkeypatch.delenv("ANALYSIS_LEXICONS")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'unrelated'\n")
    monkeypatch.chdir(tmp_path)
    assert paths.project_root() == root, "the working directory is never taken for the project"
    with pytest.raises(LookupError):
        paths.project_root(start=tmp_path)  # a pyproject.toml without src/analysis is not the project


def test_a_relative_corpus_variable_is_read_from_the_folder_the_command_was_typed_in(tmp_path, monkeypatch):
    # `ANALYSIS_CORPUS=my_articles jupyter nbconvert --execute notebooks/01_....ipynb`: the kernel runs in
    # notebooks/, where the corpus was looked for ("corpus path not found: .../notebooks/my_articles")
    (tmp_path / "my_articles").mkdir()
    (tmp_path / "notebooks").mkdir()
    monkeypatch.setenv("ANALYSIS_CORPUS", "my_articles")
    monkeypatch.setenv("PWD", str(tmp_path))
    monkeypatch.chdir(tmp_path / "notebooks")
    assert paths.raw_dir() == (tmp_path / "my_articles").resolve()
    (tmp_path / "notebooks" / "my_articles").mkdir()  # one beside the working directory still comes first
    assert paths.raw_dir() == (tmp_path / "notebooks" / "my_articles").resolve()


def test_nothing_in_src_builds_project_paths_by_hand(root):
    """Lexicons, gold, notebooks and raw data are reached through analysis.paths only."""
    pattern = re.compile(r"project_root\(\)\s*/|[\"']data[\"']\s*/\s*[\"'](lexicons|gold|raw)|"
                         r"Path\(\s*[\"']data/|/\s*[\"']notebooks[\"']")
    offenders = []
    for path in (root / "src" / "analysis").rglob("*.py"):
        if path.name == "paths.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if pattern.search(code) and ">>>" not in code:
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_every_subpackage_of_analysis_is_listed_for_the_wheel(root):
    import tomllib

    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    src = root / "src"
    found = {".".join(p.parent.relative_to(src).parts) for p in (src / "analysis").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


# ------------------------------------------------------------------------- slow: build, install, run

def _copy_ignore(root: Path):
    """What a build never needs: VCS, environments, build output, caches, reports, user data."""
    top = {".git", ".venv", "build", "dist", "reports", ".pytest_cache"}
    anywhere = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")

    def ignore(folder, names):
        here = Path(folder).resolve()
        skip = set(anywhere(folder, names))
        if here == root:
            skip |= top & set(names)
        if here == root / "data":
            skip |= {"processed", "models"} & set(names)
        return skip
    return ignore


def _run(cmd, *, cwd, env, timeout=900):
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _setuptools_new_enough() -> bool:
    try:
        from importlib.metadata import version

        return int(version("setuptools").split(".")[0]) >= 77
    except Exception:
        return False


def _pip_build(args: list, *, cwd: Path, env: dict, python=None) -> None:
    """``pip <args>`` that builds the project: offline with this environment's setuptools when it is
    new enough (>=77, for the SPDX licence), else in pip's isolated build environment (downloads it)."""
    cmd = [sys.executable, "-m", "pip", *(["--python", python] if python else []), *args]
    if _setuptools_new_enough():
        cmd.append("--no-build-isolation")
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 and "--no-build-isolation" not in cmd and re.search(
            r"(?i)connection|network|resolve|No matching distribution", proc.stdout + proc.stderr):
        pytest.skip("building needs setuptools>=77, which is neither installed nor downloadable here")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def _copy_project(root: Path, tmp: Path) -> Path:
    source = tmp / "source"
    shutil.copytree(root, source, ignore=_copy_ignore(root.resolve()))  # build from a copy: the checkout stays untouched
    return source


def _build_wheel(root: Path, tmp: Path, env: dict) -> Path:
    source, dist = _copy_project(root, tmp), tmp / "dist"
    _pip_build(["wheel", "--no-deps", "-w", dist, source], cwd=tmp, env=env)
    (wheel,) = dist.glob("war_coverage_analysis-*.whl")
    return wheel


def _clean_env(tmp: Path) -> dict:
    """No PYTHONPATH (the checkout's src/ must not be importable), no ANALYSIS_* overrides, caches in tmp."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
           and not k.startswith("ANALYSIS_")}
    env.update({"PIP_DISABLE_PIP_VERSION_CHECK": "1", "MPLBACKEND": "Agg", "PYTHONNOUSERSITE": "1",
                "XDG_CACHE_HOME": str(tmp / "xdg-cache"), "XDG_DATA_HOME": str(tmp / "xdg-data")})
    # Jupyter's data files (nbconvert's HTML templates) live under the outer environment's prefix.
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(Path(sys.prefix) / "share" / "jupyter"),
                                                        env.get("JUPYTER_PATH")]))
    return env


def _fresh_venv(tmp: Path, env: dict) -> tuple[Path, Path, Path]:
    """(venv, python, purelib) of a new venv whose dependencies come from this interpreter's
    site-packages through a .pth file (its .pth files, e.g. an editable install's, are not run)."""
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp, env=env)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                        cwd=tmp, env=env).stdout.strip())
    ours = [p for p in {*site.getsitepackages(), sysconfig.get_paths()["purelib"]} if Path(p).is_dir()]
    (purelib / "_outer_environment.pth").write_text("\n".join(ours) + "\n")
    return venv, python, purelib


def _tree(folder: Path, skip: str | None = None) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and (skip is None or skip not in p.parts)}


_PIPELINE = r"""
import json, os, sys
from pathlib import Path
import analysis
from analysis import paths, framing
from analysis.corpus import load_corpus
from analysis.entities import mentions
from analysis.pipeline import corpus_label
from analysis.sentiment import article_sentiment, sentence_sentiment
from analysis.text import sentences

seed = paths.seed_article()
articles = load_corpus(paths.raw_dir())
sents = sentences(articles)
found = mentions(sents)
tone = article_sentiment(sentence_sentiment(sents), articles)
labels = framing.label_matches(sents)
frames = framing.frames(articles)
said = framing.quotes(sents, mentions=found)
print(json.dumps({
    "analysis": analysis.__file__, "paths": paths.__file__, "cwd": os.getcwd(),
    "seed": str(seed), "raw_dir": str(paths.raw_dir()), "lexicon_dir": str(paths.lexicon_dir()),
    "gold_dir": str(paths.gold_dir()), "notebooks_dir": str(paths.notebooks_dir()),
    "reports_dir": str(paths.reports_dir()), "processed_dir": str(paths.processed_dir()),
    "checkout_root": paths.checkout_root() and str(paths.checkout_root()),
    "labels_of_seed": [corpus_label(paths.raw_dir()), corpus_label(seed)],
    "articles": len(articles), "sentences": len(sents), "entities": sorted(set(found["entity_id"]))[:50],
    "compound": float(tone["mean_compound"].iloc[0]),
    "labels": len(labels), "frames": len(frames), "quotes": len(said),
    "gold": sorted(p.name for p in paths.gold_dir().glob("*.csv")),
    "notebooks": sorted(p.name for p in paths.notebooks_dir().glob("*.ipynb")),
}))
"""


@pytest.mark.slow
def test_the_wheel_installs_and_runs_from_an_unrelated_folder(root, tmp_path):
    started = time.perf_counter()
    env = _clean_env(tmp_path)
    checkout = ("src", "data/lexicons", "data/gold", "data/raw", "notebooks")  # what a build might write beside
    checkout_before = {p: _tree(root / p, skip="__pycache__") for p in checkout}
    wheel = _build_wheel(root, tmp_path, env)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"analysis/_resources/lexicons/gazetteer.yml", "analysis/_resources/gold/quotes_gold.csv",
            "analysis/_resources/notebooks/01_corpus_overview.ipynb", f"analysis/_resources/raw/{SEED}",
            "analysis/paths.py", "analysis/framing/labels.py", "analysis/evaluation/ner.py"} <= names
    assert not [n for n in names if n.startswith("analysis/_resources/raw/") and not n.endswith(SEED)]
    for folder, name in [("data/lexicons", "lexicons"), ("data/gold", "gold")]:
        files = {p.name for p in (root / folder).iterdir() if p.is_file() and not p.name.startswith(".")}
        assert {f"analysis/_resources/{name}/{f}" for f in files} <= names, f"{folder} not all in the wheel"

    # A fresh venv: the project from the wheel, the dependencies from this interpreter's site-packages.
    venv, python, purelib = _fresh_venv(tmp_path, env)
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel],
         cwd=tmp_path, env=env)
    package = purelib / "analysis"
    before = _tree(purelib)

    # Another working directory with no pyproject.toml above it.
    work = tmp_path / "elsewhere" / "work"
    work.mkdir(parents=True)
    assert not any((p / "pyproject.toml").exists() for p in (work, *work.parents))
    info = json.loads(_run([python, "-c", _PIPELINE], cwd=work, env=env).stdout.strip().splitlines()[-1])
    assert Path(info["analysis"]).resolve().is_relative_to(venv.resolve()), info["analysis"]
    assert info["checkout_root"] is None
    assert info["labels_of_seed"] == ["data/raw", f"raw/{SEED}"], "charts name the packaged seed as in a checkout"
    for key in ("seed", "raw_dir", "lexicon_dir", "gold_dir", "notebooks_dir"):
        assert Path(info[key]).is_relative_to(package), (key, info[key])
    assert Path(info["reports_dir"]) == work.resolve() / "reports"
    assert Path(info["processed_dir"]).is_relative_to(tmp_path / "xdg-cache")
    assert info["articles"] == 1 and info["sentences"] > 10
    assert {"person:vladimir_putin", "place:kursk"} & set(info["entities"]), info["entities"]
    assert info["compound"] is not None and info["frames"] > 0
    assert "quotes_gold.csv" in info["gold"] and "01_corpus_overview.ipynb" in info["notebooks"]

    # One notebook headless, from the packaged copy, reports into --output.
    out = tmp_path / "out"
    seed = Path(info["seed"])
    _run([python, "-m", "analysis", "run", "--only", "01", "--corpus", seed, "--output", out], cwd=work, env=env)
    assert (out / "01_corpus_overview.html").is_file() and (out / "01_corpus_overview.ipynb").is_file()
    assert (out / "index.html").is_file() and list((out / "figures" / "01_corpus_overview").glob("*.png"))

    after = _tree(purelib)
    assert after == before, f"written into site-packages: {sorted(set(after.items()) ^ set(before.items()))[:10]}"
    assert {p: _tree(root / p, skip="__pycache__") for p in checkout} == checkout_before, "the checkout was written to"
    assert sorted(p.name for p in work.iterdir()) == [], "nothing written into the working directory"
    print(f"wheel build + install + pipeline + notebook 01: {time.perf_counter() - started:.1f} s")


_EDITABLE = r"""
import json
import analysis
from analysis import paths
from analysis.corpus import load_corpus
from analysis.entities import load_gazetteer, mentions
from analysis.text import sentences

found = mentions(sentences(load_corpus(paths.raw_dir())), gazetteer=load_gazetteer())
print(json.dumps({"analysis": analysis.__file__, "root": str(paths.project_root()),
                  "dirs": [str(d) for d in (paths.lexicon_dir(), paths.gold_dir(), paths.notebooks_dir(),
                                            paths.raw_dir(), paths.reports_dir(), paths.processed_dir())],
                  "putin": int((found["entity_id"] == "person:vladimir_putin").sum())}))
"""


@pytest.mark.slow
def test_the_editable_install_make_does_uses_the_checkout_folders(root, tmp_path):
    """``pip install -e .`` (what ``make`` runs, here ``--no-deps`` into a fresh venv, on a copy of the
    project): from an unrelated folder, the package and its data are the checkout's, edited in place."""
    env = _clean_env(tmp_path)
    source = _copy_project(root, tmp_path).resolve()
    _venv, python, _purelib = _fresh_venv(tmp_path, env)
    _pip_build(["install", "--no-deps", "-e", f"{source}[test,dask,notebooks]"], cwd=tmp_path, env=env, python=python)
    work = tmp_path / "elsewhere"
    work.mkdir()
    info = json.loads(_run([python, "-c", _EDITABLE], cwd=work, env=env).stdout.strip().splitlines()[-1])
    assert Path(info["analysis"]).resolve() == source / "src" / "analysis" / "__init__.py"
    assert Path(info["root"]) == source
    assert info["dirs"] == [str(source / d) for d in ("data/lexicons", "data/gold", "notebooks", "data/raw",
                                                      "reports", "data/processed")]
    assert info["putin"] > 0
