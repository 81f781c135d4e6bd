"""The headless runner: notebooks in order, parameters injected, reports written, failures named."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.skipif(os.name == "nt", reason="kernels talk over TCP on Windows (no IPC sockets)")
def test_the_runners_kernels_use_local_sockets_and_print_no_network_warning(tmp_path):
    """The kernel a run starts listens on no TCP port, so ipykernel's 'running over TCP without
    encryption ... susceptible to eavesdropping' warning never reaches the terminal; its sockets go."""
    books = tmp_path / "nbs"
    books.mkdir()
    _notebook(books / "01_ok.ipynb", "x = 1")
    proc = subprocess.run([sys.executable, "-m", "analysis", "run", "--corpus", str(tmp_path),
                           "--notebooks", str(books), "--output", str(tmp_path / "out")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "without encryption" not in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nbs", "out"], "no socket files left behind"


def _kernels_of(pid: int) -> list[int]:
    """Live ipykernel processes whose parent is ``pid`` (any of its threads)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid, state = int(stat.rsplit(")", 1)[1].split()[1]), stat.rsplit(")", 1)[1].split()[0]
        if ppid == pid and state != "Z" and b"ipykernel" in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_each_notebooks_kernel_is_shut_down_when_its_notebook_ends(tmp_path):
    """A run of five notebooks holds one kernel at a time: a kernel left running keeps its notebook's
    memory (the 100k report's tree grew to 11 GB by notebook 05)."""
    from analysis.runner import run_notebook

    book = tmp_path / "01_ok.ipynb"
    _notebook(book, "x = 1")
    (tmp_path / "out").mkdir()
    run_notebook(book, parameters={"CORPUS": str(tmp_path)}, output_dir=tmp_path / "out")
    assert _kernels_of(os.getpid()) == []


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
    assert _embedded_images(out / f"{notebook}.html") == len(pngs), "the report page shows every saved figure"
    for png in pngs:
        assert re.search(r"corpus [0-9a-f]{8}", png.with_suffix(".svg").read_text()), f"{png.name}: no corpus hash"
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
    digest = re.search(r"<code>([0-9a-f]{64})</code>", index).group(1)
    for result in results:
        assert result.html.exists() and result.html.name in index
        assert result.figures, f"{result.notebook.name} exported no figure"
        assert _embedded_images(result.html) == len(result.figures), f"{result.html.name} lacks figures"
        for png in result.figures:
            assert re.search(r"corpus [0-9a-f]{8}", png.with_suffix(".svg").read_text()), f"{png.name}: no corpus hash"
        own = [p for p in result.figures if "../shared" not in p.with_suffix(".svg").read_text()]
        assert all(f"corpus {digest[:8]}" in p.with_suffix(".svg").read_text() for p in own)


# --- Parameters and provenance (issue 12), figures in every report page (issue 9) --------------

@pytest.mark.parametrize("text, expected", [("N=3", ("N", 3)), ("FLAG=true", ("FLAG", True)),
                                            ("X=[1, 2]", ("X", [1, 2])), ("NAME=hello", ("NAME", "hello")),
                                            ("FREQ=MS", ("FREQ", "MS")), ("S=\"3\"", ("S", "3")),
                                            ("EMPTY=", ("EMPTY", "")), ("U=a=b", ("U", "a=b"))])
def test_parameters_are_json_literals_when_possible_else_strings(text, expected):
    from analysis.runner import parse_parameter

    assert parse_parameter(text) == expected
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_parameter("no equals sign")


def test_cli_passes_any_parameter_to_the_notebooks(tmp_path):
    books = tmp_path / "nbs"
    books.mkdir()
    _notebook(books / "01_echo.ipynb", "print(repr((TOP_N, NAME, FLAGS, CORPUS)))",
              parameters="import os\nCORPUS = os.environ.get('ANALYSIS_CORPUS', 'x')\nTOP_N = 1\nNAME = 'a'\nFLAGS = None")
    (tmp_path / "one.txt").write_text("Kyiv said no.", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "analysis", "run", "--corpus", str(tmp_path / "one.txt"),
                           "--notebooks", str(books), "--output", str(tmp_path / "out"),
                           "-p", "TOP_N=5", "-p", "NAME=Kyiv Independent", "--parameter", "FLAGS={\"a\": [1, 2.5]}"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    executed = nbformat.read(tmp_path / "out" / "01_echo.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert printed.strip() == repr((5, "Kyiv Independent", {"a": [1, 2.5]}, str(tmp_path / "one.txt")))


def test_index_states_versions_commit_parameters_and_corpus_hash(tmp_path, root):
    import platform

    import matplotlib
    import numpy
    import pandas
    import seaborn

    from analysis import __version__, pipeline, report
    from analysis.runner import git_commit

    books = tmp_path / "nbs"
    books.mkdir()
    _notebook(books / "01_a.ipynb", "x = 1")
    corpus = root / "data" / "raw"
    run_notebooks(corpus=corpus, notebooks_dir=books, output_dir=tmp_path / "out", parameters={"TOP_N": 7},
                  log=lambda *a, **k: None)
    index = (tmp_path / "out" / "index.html").read_text()
    for name, version in [("pandas", pandas.__version__), ("numpy", numpy.__version__),
                          ("matplotlib", matplotlib.__version__), ("seaborn", seaborn.__version__),
                          ("python", platform.python_version()), ("war-coverage-analysis", __version__)]:
        assert f"<td>{name}</td><td>{version}</td>" in index, name
    assert "<td>nltk</td>" in index
    assert git_commit(root) in index and git_commit(root) != "unknown"
    assert git_commit(tmp_path) == "unknown", "not a git checkout"
    assert "<td>TOP_N</td><td>7</td>" in index
    assert report.corpus_hash(pipeline.load_articles(corpus)) in index


def _embedded_images(html_path):
    return len(re.findall(r"<img[^>]*src=\"data:image/png;base64,", html_path.read_text()))


@pytest.mark.slow
def test_every_report_page_embeds_each_figure_it_saved(tmp_path, root):
    """Issue 9: the executed notebook's HTML holds its charts, not only index.html."""
    results = run_notebooks(corpus=root / "data" / "raw", only=["01"], output_dir=tmp_path, log=lambda *a, **k: None)
    for result in results:
        assert result.figures
        assert _embedded_images(result.html) == len(result.figures), result.html.name
        notes = [o for c in nbformat.read(result.executed, as_version=4).cells for o in c.get("outputs", [])
                 if "image/png" in o.get("data", {})]
        assert len(notes) == len(result.figures)
    digest = re.search(r"<code>([0-9a-f]{64})</code>", (tmp_path / "index.html").read_text()).group(1)
    for png in results[0].figures:
        assert f"corpus {digest[:8]}" in png.with_suffix(".svg").read_text(), png.name


@pytest.mark.slow
@pytest.mark.parametrize("arguments", [["-p", "CORPUS", "{raw}", "-p", "FREQ", "W"], []],
                         ids=["corpus-given", "defaults"])
def test_papermill_runs_a_notebook_from_any_working_directory(tmp_path, root, arguments):
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    env = dict(os.environ, ANALYSIS_OUTPUT=str(tmp_path / "reports"), MPLBACKEND="Agg")
    env.pop("ANALYSIS_CORPUS", None)
    arguments = [a.format(raw=root / "data" / "raw") for a in arguments]
    proc = subprocess.run([sys.executable, "-m", "papermill", str(root / "notebooks" / "01_corpus_overview.ipynb"),
                           "out.ipynb", *arguments],
                          cwd=elsewhere, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (elsewhere / "out.ipynb").exists()
    assert (tmp_path / "reports" / "figures" / "01_corpus_overview" / "articles_by_group.png").exists()


# --------------------------------------------------------------------------- reruns: stale outputs, run manifest
_WRITE_GROUPS = ("import os, pathlib\n"
                 "folder = pathlib.Path(os.environ['ANALYSIS_OUTPUT']) / 'figures' / os.environ['ANALYSIS_NOTEBOOK']\n"
                 "folder.mkdir(parents=True, exist_ok=True)\n"
                 "for group in GROUPS:\n"
                 "    (folder / f'tone_{group}.csv').write_text(f'group,tone\\n{group},0.5\\n')")


@pytest.fixture
def rerun_setup(tmp_path, monkeypatch):
    """Two notebooks that write one CSV per group, two one-article corpora and a private cache."""
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    books = tmp_path / "nbs"
    books.mkdir()
    for name in ("01_groups.ipynb", "02_groups.ipynb"):
        _notebook(books / name, _WRITE_GROUPS,
                  parameters="import os\nCORPUS = os.environ.get('ANALYSIS_CORPUS', 'x')\nGROUPS = ['a']")
    corpora = []
    for name, text in (("one", "Kyiv talks\n\nPutin ruled out talks."), ("two", "Moscow\n\nThe Kremlin said nothing.")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.txt").write_text(text)
        corpora.append(tmp_path / name)
    return books, corpora, tmp_path / "out"


def _run(books, corpus, out, **options):
    return run_notebooks(corpus=corpus, notebooks_dir=books, output_dir=out, log=lambda *a, **k: None,
                         progress=False, **options)


def test_a_rerun_leaves_no_output_of_a_group_the_new_run_no_longer_has(rerun_setup):
    books, (corpus, _), out = rerun_setup
    _run(books, corpus, out, only=["01"], parameters={"GROUPS": ["kept", "gone"]})
    assert (out / "figures" / "01_groups" / "tone_gone.csv").exists()
    _run(books, corpus, out, only=["01"], parameters={"GROUPS": ["kept"]})
    assert sorted(p.name for p in (out / "figures" / "01_groups").iterdir()) == ["tone_kept.csv"]
    assert "tone_gone" not in (out / "index.html").read_text()


def test_the_manifest_names_the_run_of_every_output_file_with_its_hash(rerun_setup):
    import hashlib
    import json

    from analysis.runner import MANIFEST

    books, (one, two), out = rerun_setup
    _run(books, one, out)
    _run(books, two, out, only=["02"])
    manifest = json.loads((out / MANIFEST).read_text())
    first, second = (manifest["runs"][manifest["notebooks"][n]["run"]] for n in ("01_groups", "02_groups"))
    assert first["corpus"] == str(one) and second["corpus"] == str(two) and manifest["latest_run"] != first["id"]
    assert first["corpus_hash"] != second["corpus_hash"] and len(second["corpus_hash"]) == 64
    assert {"parameters", "versions", "git_commit", "started", "finished"} <= set(second)
    assert second["status"] == "ok" and second["versions"]["war-coverage-analysis"]
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {MANIFEST, "index.html"}
    listed = {f: h for entry in manifest["notebooks"].values() for f, h in entry["files"].items()}
    assert set(listed) == on_disk
    assert all(hashlib.sha256((out / f).read_bytes()).hexdigest() == h for f, h in listed.items())


def _warnings_of(action) -> str:
    """The runner's warnings during ``action()`` (a handler of its own: the CLI's logging set-up
    stops propagation to the root logger, which caplog listens to)."""
    import logging

    seen = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: seen.append(record.getMessage())
    logger = logging.getLogger("analysis.runner")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        action()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return "\n".join(seen)


def test_a_partial_rerun_warns_about_outputs_of_another_corpus_or_of_unknown_origin(rerun_setup):
    from analysis.runner import MANIFEST

    books, (one, two), out = rerun_setup
    _run(books, one, out)
    assert _warnings_of(lambda: _run(books, one, out, only=["02"])) == ""  # the same corpus
    warned = _warnings_of(lambda: _run(books, two, out, only=["02"]))
    assert "01_groups" in warned and "02_groups" not in warned
    (out / MANIFEST).unlink()  # outputs of a run before manifests existed
    warned = _warnings_of(lambda: _run(books, two, out, only=["02"]))
    assert "01_groups" in warned and "unknown origin" in warned


def test_a_failed_rerun_does_not_pass_off_its_cleared_outputs_as_the_earlier_runs(rerun_setup):
    import json

    from analysis.runner import MANIFEST

    books, (corpus, _), out = rerun_setup
    _run(books, corpus, out, only=["01"])
    with pytest.raises(NotebookFailed):
        _run(books, corpus, out, only=["01"], parameters={"GROUPS": 5})  # not iterable: the notebook fails
    entry = json.loads((out / MANIFEST).read_text())["notebooks"]["01_groups"]
    assert entry["status"] == "failed"
    assert not any(name.startswith("figures/") for name in entry["files"])


def test_a_rerun_on_the_same_data_writes_the_same_notebook_page_and_exports(tmp_path):
    # the injected cell's random id, every cell's execution timestamps and the evidence table's random Styler
    # uuid made every rerun's report differ from the last
    books = tmp_path / "nbs"
    books.mkdir()
    evidence = ("import os\nimport pandas as pd\nfrom analysis import report\n"
                "export = report.Exporter('01_a', output_dir=os.environ['ANALYSIS_OUTPUT'])\n"
                "lines = pd.DataFrame({'outlet': ['X'], 'date': ['2022-03-01'], 'left': ['troops left '],\n"
                "                      'match': ['Kyiv'], 'right': [' at dawn'], 'url': ['https://x.example/1']})\n"
                "export.evidence(lines, 'kyiv')")
    _notebook(books / "01_a.ipynb", evidence)
    out = tmp_path / "out"

    def run():
        run_notebooks(corpus=tmp_path, notebooks_dir=books, output_dir=out, log=lambda *a, **k: None)
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                if p.is_file() and p.name not in ("manifest.json", "index.html")}  # these record the run's time

    first = run()
    assert {"01_a.ipynb", "01_a.html", "figures/01_a/kyiv_kwic.xlsx"} <= set(first)
    again = run()
    assert [name for name in first if first[name] != again.get(name)] == []
