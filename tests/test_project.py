"""Project-level contracts: layout, environment files agree, notebooks committed clean, no network."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib

import pytest
import yaml

from analysis.runner import notebook_json_has_outputs


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_top_level_layout_matches_the_design_card(root):
    for item in ["notebooks", "data", "src/analysis", "environment.yml", "tests", "README.md",
                 "pyproject.toml", "Makefile", ".ci/run", "reports/.gitkeep", "data/README.md"]:
        assert (root / item).exists(), f"missing {item}"


def test_environment_yml_and_pyproject_list_the_same_dependencies(root):
    """environment.yml is the conda twin of ``pip install -e '.[every extra]'``."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert {"test", "dask", "notebooks"} <= set(extras)
    declared = {_name(r) for r in project["dependencies"]}
    for requirements in extras.values():
        declared |= {_name(r) for r in requirements}
    env = yaml.safe_load((root / "environment.yml").read_text())
    conda, pip = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip |= {_name(r) for r in dep.get("pip", []) if not r.startswith("-e")}
        else:
            conda.add(_name(dep))
    in_env = (conda | pip) - {"python", "pip"}
    assert declared - in_env == set(), f"in pyproject.toml but not environment.yml: {sorted(declared - in_env)}"
    assert in_env - declared == set(), f"in environment.yml but not pyproject.toml: {sorted(in_env - declared)}"
    assert any(isinstance(d, dict) and "-e ." in d.get("pip", []) for d in env["dependencies"])


def test_jupyterlab_is_the_notebooks_extra_and_make_installs_it(root):
    """A script or a Dask worker installs the core; `make` installs JupyterLab too (issue 12)."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    core = {_name(r) for r in project["dependencies"]}
    assert "jupyterlab" not in core and "jupyterlab" in {_name(r) for r in project["optional-dependencies"]["notebooks"]}
    # `python -m analysis run` executes and renders notebooks headless: its stack stays in core
    assert {"nbformat", "nbclient", "nbconvert", "ipykernel"} <= core
    assert ".[test,dask,notebooks]" in (root / "Makefile").read_text()


def test_make_clean_removes_the_article_stores_and_keeps_the_placeholders(root, tmp_path):
    """`make clean` empties the parquet cache, article stores (data/processed/store-<key>/) included."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shutil.copy(root / "Makefile", tmp_path / "Makefile")
    processed = tmp_path / "data" / "processed"
    (processed / "store-0123abcd" / "part-0").mkdir(parents=True)
    (processed / "store-0123abcd" / "part-0" / "sentences.parquet").write_bytes(b"PAR1")
    (processed / "articles-0123-4567.parquet").write_bytes(b"PAR1")
    (processed / ".gitkeep").touch()
    (tmp_path / "reports" / "figures").mkdir(parents=True)
    subprocess.run(["make", "clean"], cwd=tmp_path, check=True, capture_output=True, timeout=60)
    assert sorted(p.name for p in processed.iterdir()) == [".gitkeep"]
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [".gitkeep"]


def test_ci_runs_the_readme_test_command(root):
    assert "make test" in (root / ".ci" / "run").read_text()
    readme = (root / "README.md").read_text()
    head = readme[:1500]
    assert "make report" in head and "make test" in head


def numbered_notebooks(root):
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_committed_notebooks_carry_no_outputs(root):
    dirty = [p.name for p in numbered_notebooks(root) if notebook_json_has_outputs(p)]
    assert not dirty, f"strip outputs before committing: {dirty}"


def test_every_notebook_has_a_parameters_cell_reading_the_environment(root):
    for path in numbered_notebooks(root):
        cells = json.loads(path.read_text())["cells"]
        tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
        assert "ANALYSIS_CORPUS" in "".join(tagged[0]["source"]), f"{path.name}: CORPUS default must come from ANALYSIS_CORPUS"


def test_library_never_downloads_or_unpickles(root):
    pattern = re.compile(r"nltk\.download\(|pickle\.loads?\(|joblib\.load\(|hf_hub_download|from_pretrained\(")
    offenders = [str(p.relative_to(root)) for p in (root / "src").rglob("*.py") if pattern.search(p.read_text())]
    assert not offenders, f"network or pickle loading in: {offenders}"


def test_no_shared_research_data_is_tracked_in_git(root):
    try:
        files = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    banned = re.compile(r"(kremlin_en|president_ua_en|us_government_statements|us_presidency_statements|"
                        r"official_statements)\.csv$|(newsmtsc|semeval|persent|conll)[^/]*\.(csv|tsv|jsonl|json|txt)$", re.I)
    assert not [f for f in files if banned.search(f)]
    raw = [f for f in files if f.startswith("data/raw/")]
    assert raw == ["data/raw/000_a45935899aae0239.txt"], f"data/raw holds only the commissioning article: {raw}"


def test_notebook_defaults_come_from_analysis_paths_not_relative_folders(root):
    for path in numbered_notebooks(root):
        cells = json.loads(path.read_text())["cells"]
        source = "".join(next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))["source"])
        assert "paths.raw_dir()" in source, f"{path.name}: CORPUS default must be paths.raw_dir()"
        assert '"../' not in source and "'../" not in source, f"{path.name}: a default relative to the working directory"


def test_every_notebook_excludes_duplicates_and_uses_one_time_bin_helper(root):
    for path in numbered_notebooks(root):
        cells = json.loads(path.read_text())["cells"]
        params = "".join(next(c for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))["source"])
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert "EXCLUDE_DUPLICATES = True" in params, path.name
        assert "exclude_duplicates(" in code and "source_line(" in code, path.name
        if "FREQ" in code:
            assert "time_bins(FREQ)" in code or "freq=FREQ" in code, path.name


def _readme_python_blocks(root):
    readme = (root / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", readme, flags=re.S)


def test_readme_corpus_example_runs_and_prints_the_rejects_table(root, monkeypatch, capsys):
    """The README's first python block, executed as written from the project root."""
    block = next(b for b in _readme_python_blocks(root) if "load_corpus(" in b)
    monkeypatch.chdir(root)
    namespace = {}
    exec(compile(block, "README.md", "exec"), namespace)
    printed = capsys.readouterr().out
    assert not printed.lstrip().startswith("{"), f"prints a JSON string, not a table: {printed[:80]!r}"
    assert "source_file" in printed and "reason" in printed, printed  # a DataFrame (empty: data/raw loads cleanly)
    assert len(namespace["toks"]) > 100
