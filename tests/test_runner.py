"""The headless runner: notebooks in order, parameters injected, reports written, failures named."""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from analysis.runner import NotebookFailed, discover_notebooks, inject_parameters, run_notebooks


def _notebook(path, *sources, parameters="import os\nCORPUS = os.environ.get('ANALYSIS_CORPUS', 'x')"):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]})
    nb.cells = [cell] + [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


def test_discover_orders_numbered_notebooks_and_selects_by_number(tmp_path):
    for name in ["02_b.ipynb", "01_a.ipynb", "scratch.ipynb", "10_c.ipynb"]:
        _notebook(tmp_path / name)
    assert [p.name for p in discover_notebooks(tmp_path)] == ["01_a.ipynb", "02_b.ipynb", "10_c.ipynb"]
    assert [p.name for p in discover_notebooks(tmp_path, ["2", "10"])] == ["02_b.ipynb", "10_c.ipynb"]
    with pytest.raises(ValueError, match="07"):
        discover_notebooks(tmp_path, ["07"])


def test_parameters_are_injected_after_the_parameters_cell_once(tmp_path):
    nb = nbformat.read(_notebook(tmp_path / "01_a.ipynb", "print(CORPUS)"), as_version=4)
    inject_parameters(nb, {"CORPUS": "/data/x"})
    inject_parameters(nb, {"CORPUS": "/data/y"})
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags[:2] == [["parameters"], ["injected-parameters"]] and len(nb.cells) == 3
    assert "CORPUS = '/data/y'" in nb.cells[1].source


def test_a_failing_notebook_stops_the_run_naming_notebook_and_cell(tmp_path):
    books = tmp_path / "nbs"
    books.mkdir()
    _notebook(books / "01_ok.ipynb", "x = 1")
    _notebook(books / "02_bad.ipynb", "y = 2", "raise ValueError('boom in cell')")
    _notebook(books / "03_never.ipynb", "z = 3")
    with pytest.raises(NotebookFailed) as info:
        run_notebooks(corpus=tmp_path, notebooks_dir=books, output_dir=tmp_path / "out", log=lambda *a, **k: None)
    assert info.value.notebook.name == "02_bad.ipynb"
    assert info.value.cell_index == 3, "cell 0 parameters, 1 injected, 2 ok, 3 raises"
    assert "boom in cell" in str(info.value)
    assert not (tmp_path / "out" / "03_never.ipynb").exists()


def test_cli_exits_non_zero_and_names_the_notebook(tmp_path):
    books = tmp_path / "nbs"
    books.mkdir()
    _notebook(books / "01_bad.ipynb", "1/0")
    proc = subprocess.run([sys.executable, "-m", "analysis", "run", "--corpus", str(tmp_path),
                           "--notebooks", str(books), "--output", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "01_bad.ipynb" in proc.stderr and "ZeroDivisionError" in proc.stderr


def _check_report(out, notebook="01_corpus_overview"):
    from PIL import Image

    assert (out / f"{notebook}.ipynb").exists() and (out / f"{notebook}.html").exists()
    index = (out / "index.html").read_text()
    assert f"{notebook}.html" in index
    pngs = sorted((out / "figures" / notebook).glob("*.png"))
    assert len(pngs) >= 3, pngs
    for png in pngs:
        with Image.open(png) as image:
            image.verify()
        for ext in (".svg", ".pdf"):
            assert png.with_suffix(ext).exists()
    executed = nbformat.read(out / f"{notebook}.ipynb", as_version=4)
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    return executed


@pytest.mark.slow
def test_notebook_01_runs_headless_on_data_raw(tmp_path, root):
    run_notebooks(corpus=root / "data" / "raw", only=["01"], output_dir=tmp_path, log=lambda *a, **k: None)
    executed = _check_report(tmp_path)
    text = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert "1 articles" in text


@pytest.mark.slow
def test_plain_nbconvert_execute_works_with_environment_parameters(tmp_path, root):
    env = dict(os.environ, ANALYSIS_CORPUS=str(root / "data" / "raw"), ANALYSIS_OUTPUT=str(tmp_path), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                           "--output-dir", str(tmp_path), str(root / "notebooks" / "01_corpus_overview.ipynb")],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "figures" / "01_corpus_overview" / "articles_by_group.png").exists()


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("corpus", ["corpus/official_statements.csv", "corpus/news_gdelt"])
def test_notebook_01_runs_on_the_real_corpora(tmp_path, shared, corpus):
    run_notebooks(corpus=shared / corpus, only=["01"], output_dir=tmp_path, log=lambda *a, **k: None)
    _check_report(tmp_path)


@pytest.mark.slow
def test_every_notebook_runs_headless_on_data_raw(tmp_path, root):
    """What `make report` does on a fresh clone: all numbered notebooks, in order, on the default corpus."""
    results = run_notebooks(corpus=root / "data" / "raw", output_dir=tmp_path, log=lambda *a, **k: None)
    names = [r.notebook.name for r in results]
    assert names == sorted(p.name for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    index = (tmp_path / "index.html").read_text()
    for result in results:
        assert result.html.exists() and result.html.name in index
        assert result.figures, f"{result.notebook.name} exported no figure"
