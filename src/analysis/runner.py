"""Run the numbered notebooks headless and collect the results in ``reports/``.

``python -m analysis run`` executes ``notebooks/NN_*.ipynb`` in order with
nbclient. Parameters are passed the papermill way: a cell tagged
``injected-parameters`` is inserted after the cell tagged ``parameters``
(``-p KEY=VALUE`` passes any parameter; the value is a JSON literal when it parses
as one, else a string). The corpus, output folder and notebook name are
also exported as environment variables (``ANALYSIS_CORPUS``,
``ANALYSIS_OUTPUT``, ``ANALYSIS_NOTEBOOK``) that :mod:`analysis.paths` reads for
the notebooks' defaults, so ``jupyter nbconvert --to notebook --execute`` and
``papermill -p CORPUS ...`` work too.

Each executed notebook is written to ``<output>/<name>.ipynb`` and rendered to
``<output>/<name>.html`` (figures embedded); ``<output>/index.html`` links every report
and figure and states the package versions, git commit, parameters and corpus hash.
Before a notebook runs, what an earlier run of it left (its executed copy, its page and
``<output>/figures/<name>/``) is removed, so no chart or table of an outlet, language or
parameter value the new run no longer has survives beside the new ones
(:func:`clear_outputs`). ``<output>/manifest.json`` (:func:`write_manifest`) records, for
every notebook whose outputs are in the folder, the run that made them (time, corpus,
corpus hash, parameters, versions, git commit) and every file it wrote with its SHA-256.
A failing notebook stops the run with exit code 1 and a message naming the
notebook and the cell. Progress (the ``analysis.runner`` logger and a bar over the
notebooks) goes to stderr: ``-q`` silences it, ``-v`` adds detail. The kernels run with
``ANALYSIS_PROGRESS=0`` so no progress bar lands in an executed notebook's outputs.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.contrib.logging import logging_redirect_tqdm

from analysis import paths
from analysis.logs import progress_bar

__all__ = ["MANIFEST", "NotebookFailed", "RunResult", "clear_outputs", "discover_notebooks", "git_commit",
           "inject_parameters", "notebook_outputs", "parse_parameter", "provenance", "read_manifest", "run_notebooks",
           "write_index", "write_manifest"]

logger = logging.getLogger(__name__)

_NUMBERED = re.compile(r"^(\d\d)_[\w-]+\.ipynb$")


class NotebookFailed(RuntimeError):
    """A notebook raised: carries the notebook path and the failing cell's index."""

    def __init__(self, notebook: Path, cell_index: int | None, cell_source: str, error: str):
        self.notebook, self.cell_index, self.cell_source, self.error = notebook, cell_index, cell_source, error
        where = f"cell {cell_index}" if cell_index is not None else "an unknown cell"
        first_line = cell_source.strip().splitlines()[0] if cell_source.strip() else ""
        super().__init__(f"notebook {notebook.name} failed in {where} ({first_line!r}): {error}")


@dataclass
class RunResult:
    notebook: Path
    executed: Path
    html: Path
    seconds: float
    figures: list[Path] = field(default_factory=list)


def parse_parameter(text: str) -> tuple[str, object]:
    """``"KEY=VALUE"`` from the command line: the value as a JSON literal when it is one, else a string.

    >>> parse_parameter("TOP_N=5"), parse_parameter("FREQ=MS"), parse_parameter('GROUPS=["a", "b"]')
    (('TOP_N', 5), ('FREQ', 'MS'), ('GROUPS', ['a', 'b']))
    """
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key.isidentifier():
        raise ValueError(f"parameter {text!r} is not KEY=VALUE with KEY a Python name")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


_VERSIONED = ("pandas", "numpy", "matplotlib", "seaborn", "nltk")


def git_commit(folder: str | os.PathLike | None = None) -> str:
    """The checked-out commit of the git repository holding ``folder`` (default: the project
    checkout), or ``"unknown"`` (also for an installed package, which has no checkout)."""
    folder = Path(folder) if folder is not None else paths.checkout_root()
    if folder is None:
        return "unknown"
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=10, check=False)

    try:
        proc = git("rev-parse", "HEAD")
        commit = proc.stdout.strip()
        if proc.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40,64}", commit):
            return "unknown"
        dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + (" (with uncommitted changes)" if dirty else "")


def provenance(*, corpus: str, parameters: dict) -> dict:
    """What a report was made from: package versions, git commit, parameters, corpus hash.

    The corpus hash is :func:`analysis.report.corpus_hash` of the articles the notebooks load,
    the same value (first 8 characters) every figure's source line carries.
    """
    from importlib import import_module

    from analysis import __version__
    from analysis.pipeline import load_articles
    from analysis.report import corpus_hash

    versions = {"python": platform.python_version(), "war-coverage-analysis": __version__}
    for name in _VERSIONED:
        try:
            versions[name] = getattr(import_module(name), "__version__", "unknown")
        except ImportError:
            versions[name] = "not installed"
    return {"versions": versions, "git_commit": git_commit(), "parameters": dict(parameters),
            "corpus_hash": corpus_hash(load_articles(corpus))}


def _table(rows: dict) -> str:
    cells = "".join(f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(str(v))}</td></tr>" for k, v in rows.items())
    return f"<table>{cells}</table>"


def _provenance_html(info: dict) -> str:
    return ("<h2>Provenance</h2>"
            f"<p>Corpus hash (SHA-256 of the loaded articles; figures show the first 8 characters): "
            f"<code>{html.escape(info['corpus_hash'])}</code><br>"
            f"Git commit: <code>{html.escape(info['git_commit'])}</code></p>"
            f"<h3>Packages</h3>{_table(info['versions'])}"
            f"<h3>Parameters</h3>{_table({k: json.dumps(v) if not isinstance(v, str) else v for k, v in info['parameters'].items()})}")


def discover_notebooks(folder: Path, only: Sequence[str] | None = None) -> list[Path]:
    """Numbered notebooks in ``folder`` in order; ``only=["01", "03"]`` selects by number."""
    found = sorted(p for p in Path(folder).glob("*.ipynb") if _NUMBERED.match(p.name))
    if only:
        wanted = {o.strip().zfill(2) for o in only if o.strip()}
        unknown = wanted - {p.name[:2] for p in found}
        if unknown:
            raise ValueError(f"no notebook numbered {sorted(unknown)} in {folder}; have {[p.name for p in found]}")
        found = [p for p in found if p.name[:2] in wanted]
    return found


def inject_parameters(nb, parameters: dict) -> None:
    """Insert an ``injected-parameters`` cell after the ``parameters`` cell (papermill's convention)."""
    import nbformat

    lines = ["# Parameters injected by `python -m analysis run`"]
    lines += [f"{key} = {value!r}" for key, value in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": ["injected-parameters"]})
    cell.id = "injected-" + hashlib.sha1(cell.source.encode()).hexdigest()[:8]  # not random: reruns, same bytes
    cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    index = next((i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    cells.insert(0 if index is None else index + 1, cell)
    nb.cells = cells


def _failing_cell(nb) -> tuple[int | None, str]:
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, cell.source
    return None, ""


def _render_html(nb, path: Path) -> None:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    body, _ = exporter.from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")


def _pin_kernel(folder: Path) -> str:
    """Make kernel ``python3`` mean *this* interpreter, whatever kernels the user has installed.

    ``JUPYTER_PATH`` is searched before the user's and the environment's kernel folders.
    """
    spec_dir = folder / "kernels" / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (analysis runner)", "language": "python"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return os.pathsep.join([str(folder), os.environ.get("JUPYTER_PATH", "")]).rstrip(os.pathsep)


def _kernel_manager(kernel_home: Path):
    """A manager for kernel ``python3`` talking over local sockets in ``kernel_home`` (removed after the run):
    no TCP port is opened, so ipykernel has no reason to warn about unencrypted traffic. Windows has no such
    sockets and keeps TCP."""
    from jupyter_client.manager import KernelManager

    if os.name == "nt":
        return KernelManager(kernel_name="python3")
    return KernelManager(kernel_name="python3", transport="ipc", connection_file=str(kernel_home / "kernel.json"))


def run_notebook(path: Path, *, parameters: dict, output_dir: Path, timeout: int = 1800) -> RunResult:
    """Execute one notebook; write the executed copy and its HTML to ``output_dir``."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    inject_parameters(nb, parameters)
    env_backup = dict(os.environ)
    kernel_home = Path(tempfile.mkdtemp(prefix="analysis-kernel-"))
    os.environ.update({
        "JUPYTER_PATH": _pin_kernel(kernel_home),
        "ANALYSIS_CORPUS": str(parameters["CORPUS"]),
        "ANALYSIS_OUTPUT": str(output_dir),
        "ANALYSIS_NOTEBOOK": path.stem,
        "MPLBACKEND": "Agg",
        "ANALYSIS_PROGRESS": "0",  # headless: progress bars would end up in the notebook's outputs
        **({"ANALYSIS_N_JOBS": str(parameters["N_JOBS"])} if "N_JOBS" in parameters else {}),
    })
    # The kernel starts in the notebook's folder, except for the installed package's read-only
    # copies: then in the caller's working directory, so nothing is ever written into site-packages.
    workdir = Path.cwd() if paths.is_packaged(path) else path.parent
    # record_timing off: every cell's execution timestamps made a rerun's notebook and page differ
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            km=_kernel_manager(kernel_home),
                            resources={"metadata": {"path": str(workdir)}})
    executed = output_dir / path.name
    started = time.perf_counter()
    try:
        # cleanup_kc: nbclient shuts down only the kernels of managers it made itself; ours would live on
        # until the runner exits, each holding its notebook's memory (a 100k report: 11 GB by notebook 05)
        client.execute(cleanup_kc=True)
    except CellExecutionError as exc:
        nbformat.write(nb, executed)
        index, source = _failing_cell(nb)
        raise NotebookFailed(path, index, source, f"{exc.ename}: {exc.evalue}") from None
    except Exception as exc:  # kernel died, timeout, ...
        nbformat.write(nb, executed)
        index, source = _failing_cell(nb)
        raise NotebookFailed(path, index, source, f"{type(exc).__name__}: {exc}") from None
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
        shutil.rmtree(kernel_home, ignore_errors=True)
    seconds = time.perf_counter() - started
    nbformat.write(nb, executed)
    html_path = executed.with_suffix(".html")
    _render_html(nb, html_path)
    figure_folder = output_dir / "figures" / path.stem
    figures = sorted(figure_folder.glob("*.png")) if figure_folder.is_dir() else []
    return RunResult(path, executed, html_path, seconds, figures)


def write_index(results: Sequence[RunResult], output_dir: Path, *, corpus: str, info: dict | None = None) -> Path:
    """``index.html``: provenance (see :func:`provenance`), then one section per notebook with
    links to its report and figures."""
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>War coverage analysis report</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "figure{display:inline-block;width:320px;margin:6px;vertical-align:top}"
        "img{width:100%;border:1px solid #ddd}figcaption{font-size:12px}"
        "table{border-collapse:collapse;font-size:13px}td{border:1px solid #ddd;padding:2px 8px}</style></head><body>",
        "<h1>War coverage analysis report</h1>",
        f"<p>Corpus: <code>{html.escape(corpus)}</code> &middot; generated {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f" &middot; <a href='{MANIFEST}'>run manifest</a> (every output file, the run that made it, its SHA-256)</p>",
    ]
    if info is not None:
        parts.append(_provenance_html(info))
    for result in results:
        name = result.notebook.stem
        parts.append(f"<h2>{html.escape(name)}</h2><p><a href='{html.escape(result.html.name)}'>report (HTML)</a> "
                     f"&middot; <a href='{html.escape(result.executed.name)}'>executed notebook</a> "
                     f"&middot; {result.seconds:.1f} s</p>")
        for png in result.figures:
            rel = png.relative_to(output_dir).as_posix()
            stem = rel[: -len(".png")]
            links = " ".join(
                f"<a href='{html.escape(stem)}.{ext}'>{ext}</a>"
                for ext in ("png", "svg", "pdf", "csv")
                if (output_dir / f"{stem}.{ext}").exists()
            )
            parts.append(f"<figure><a href='{html.escape(rel)}'><img src='{html.escape(rel)}' alt='{html.escape(png.stem)}'></a>"
                         f"<figcaption>{html.escape(png.stem)}<br>{links}</figcaption></figure>")
    parts.append("</body></html>")
    index = output_dir / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index


#: The run manifest in the output folder (:func:`write_manifest`).
MANIFEST = "manifest.json"
_MANIFEST_FORMAT = "war-coverage-analysis/run-manifest/1"


def notebook_outputs(output_dir: Path, name: str) -> list[Path]:
    """What a run of notebook ``name`` (its stem) writes in ``output_dir``: its executed copy, its
    HTML page and every file under ``figures/<name>/``, sorted."""
    output_dir = Path(output_dir)
    found = [output_dir / f"{name}{ext}" for ext in (".ipynb", ".html")]
    folder = output_dir / "figures" / name
    if folder.is_dir() and not folder.is_symlink():
        found += [p for p in folder.rglob("*") if p.is_file() or p.is_symlink()]
    return sorted(p for p in found if p.is_file() or p.is_symlink())


def clear_outputs(output_dir: Path, name: str) -> list[Path]:
    """Remove what an earlier run of notebook ``name`` left in ``output_dir`` (see :func:`notebook_outputs`)
    and return it: without this, a rerun on a corpus without an outlet, a language or an event kept that
    group's chart and CSV from the run before, beside the new ones and in ``index.html``.

    Only the notebook's own outputs are touched: ``figures/<name>/`` (a symbolic link there is removed,
    never followed) and ``<name>.ipynb``/``.html``.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()); (out / "figures" / "01_a").mkdir(parents=True)
    >>> _ = (out / "figures" / "01_a" / "gone_outlet.csv").write_text("x"); _ = (out / "notes.txt").write_text("mine")
    >>> [p.name for p in clear_outputs(out, "01_a")], sorted(p.name for p in out.iterdir())
    (['gone_outlet.csv'], ['figures', 'notes.txt'])
    """
    output_dir = Path(output_dir)
    removed = notebook_outputs(output_dir, name)
    for path in removed:
        path.unlink(missing_ok=True)
    folder = output_dir / "figures" / name
    if folder.is_symlink():
        folder.unlink()
    elif folder.is_dir():
        shutil.rmtree(folder)
    return removed


def read_manifest(output_dir: Path) -> dict:
    """The run manifest of ``output_dir`` (:func:`write_manifest`), or an empty one."""
    path = Path(output_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"format": _MANIFEST_FORMAT, "runs": {}, "notebooks": {}}
    if not isinstance(manifest, dict) or manifest.get("format") != _MANIFEST_FORMAT:
        return {"format": _MANIFEST_FORMAT, "runs": {}, "notebooks": {}}
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(output_dir: Path, run: dict, notebooks: dict[str, dict]) -> Path:
    """Update ``<output_dir>/manifest.json`` with one run and return its path.

    ``run``: the run's record (``id``, ``started``, ``finished``, ``status``, ``corpus``,
    ``corpus_hash``, ``parameters``, ``versions``, ``git_commit``); ``notebooks``: ``{name: entry}``
    for the notebooks this run executed (``status``, ``seconds``). Each notebook's entry gets the
    run's id and its output files (:func:`notebook_outputs`) with their SHA-256. Entries of
    notebooks this run did not execute (``--only``) stay as they were, with the record of the run
    that made them, so every output file in the folder names its run.
    """
    output_dir = Path(output_dir)
    manifest = read_manifest(output_dir)
    entries = dict(manifest.get("notebooks", {}))
    for name, entry in notebooks.items():
        files = {p.relative_to(output_dir).as_posix(): _sha256(p) for p in notebook_outputs(output_dir, name)
                 if p.is_file()}
        entries[name] = {**entry, "run": run["id"], "files": files}
    used = {entry.get("run") for entry in entries.values()}
    runs = {rid: record for rid, record in manifest.get("runs", {}).items() if rid in used}
    runs[run["id"]] = run
    manifest = {"format": _MANIFEST_FORMAT, "latest_run": run["id"], "runs": runs,
                "notebooks": dict(sorted(entries.items()))}
    path = output_dir / MANIFEST
    tmp = path.with_name(f".{MANIFEST}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def _utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _older_outputs(output_dir: Path, run_id: str, corpus_hash: str) -> list[str]:
    """Notebooks whose outputs in ``output_dir`` come from a run on another corpus than ``corpus_hash``,
    or from a run the manifest does not know (written before it existed, or by hand)."""
    manifest = read_manifest(output_dir)
    present = {p.stem for p in output_dir.glob("*.ipynb") if _NUMBERED.match(p.name)}
    present |= {p.name for p in (output_dir / "figures").glob("*") if _NUMBERED.match(f"{p.name}.ipynb")}
    older = []
    for name in sorted(present):
        entry = manifest["notebooks"].get(name, {})
        if entry.get("run") != run_id and manifest["runs"].get(entry.get("run"), {}).get("corpus_hash") != corpus_hash:
            older.append(name)
    return older


def run_notebooks(
    *,
    corpus: str | os.PathLike | None = None,
    only: Sequence[str] | None = None,
    output_dir: str | os.PathLike | None = None,
    notebooks_dir: str | os.PathLike | None = None,
    timeout: int = 1800,
    n_jobs: int | None = None,
    parameters: dict | None = None,
    log=None,
    progress: bool | None = None,
) -> list[RunResult]:
    """Execute the numbered notebooks in order; raise :class:`NotebookFailed` on the first failure.

    ``parameters`` go to every notebook (after its ``parameters`` cell), beside ``CORPUS``,
    ``OUTPUT_DIR`` and ``N_JOBS``; a ``CORPUS`` among them stands for ``corpus``. Defaults come
    from :mod:`analysis.paths`: the project's notebooks (the packaged copies when installed),
    ``raw_dir()`` and ``reports_dir()`` (``./reports`` when installed). Progress lines go to
    ``log`` (default: ``logger.info``), a bar over the notebooks to stderr when ``progress``
    (``None``: :func:`analysis.logs.progress_enabled`).
    """
    extra = dict(parameters or {})
    corpus = extra.pop("CORPUS", corpus)
    output_dir = extra.pop("OUTPUT_DIR", output_dir)
    n_jobs = extra.pop("N_JOBS", n_jobs)
    notebooks_dir = Path(notebooks_dir) if notebooks_dir else paths.notebooks_dir()
    output_dir = Path(output_dir).resolve() if output_dir else paths.reports_dir()
    corpus = str(Path(corpus).expanduser().resolve()) if corpus else str(paths.raw_dir())
    if not Path(corpus).exists():
        raise FileNotFoundError(f"corpus not found: {corpus}")
    output_dir.mkdir(parents=True, exist_ok=True)
    notebooks = discover_notebooks(notebooks_dir, only)
    if not notebooks:
        raise FileNotFoundError(f"no numbered notebooks (NN_name.ipynb) in {notebooks_dir}")
    parameters = {"CORPUS": corpus, "OUTPUT_DIR": str(output_dir)}
    if n_jobs is not None:
        parameters["N_JOBS"] = n_jobs
    parameters.update(extra)
    if log is None:
        def log(message, **_):
            logger.info(message)
    results, executed = [], {}
    run = {"id": f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.urandom(4).hex()}",
           "started": _utc_now(), "corpus": corpus}
    bar = progress_bar(total=len(notebooks), desc="notebooks", unit="notebook", enabled=progress)
    with logging_redirect_tqdm(loggers=[logging.getLogger("analysis")]) if bar is not None else nullcontext():
        try:
            for i, path in enumerate(notebooks, 1):
                log(f"[{i}/{len(notebooks)}] {path.name} ...", flush=True)
                removed = clear_outputs(output_dir, path.stem)
                if removed:
                    logger.debug(f"removed {len(removed)} output files of an earlier run of {path.name}")
                executed[path.stem] = {"status": "failed"}
                result = run_notebook(path, parameters=parameters, output_dir=output_dir, timeout=timeout)
                executed[path.stem] = {"status": "ok", "seconds": round(result.seconds, 1)}
                log(f"[{i}/{len(notebooks)}] {path.name} done in {result.seconds:.1f} s, "
                    f"{len(result.figures)} figures", flush=True)
                results.append(result)
                if bar is not None:
                    bar.update(1)
        except BaseException as exc:  # the manifest must not list the cleared outputs as the earlier run's
            failed = isinstance(exc, Exception)
            _record_run(output_dir, run, executed, corpus=corpus, parameters=parameters,
                        status="failed" if failed else "interrupted", hash_corpus=failed)
            raise
        finally:
            if bar is not None:
                bar.close()
    info = _record_run(output_dir, run, executed, corpus=corpus, parameters=parameters, status="ok")
    index = write_index(results, output_dir, corpus=corpus, info=info)
    others = _older_outputs(output_dir, run["id"], info["corpus_hash"])
    if others:
        logger.warning(f"{output_dir} still holds the outputs of {', '.join(others)} from an earlier run on another "
                       f"corpus or of unknown origin (see {MANIFEST}); rerun them or use another --output")
    log(f"report index: {index}; run manifest: {output_dir / MANIFEST}", flush=True)
    return results


def _record_run(output_dir: Path, run: dict, executed: dict, *, corpus: str, parameters: dict, status: str,
                hash_corpus: bool = True) -> dict:
    """Write the run into the manifest (see :func:`write_manifest`); return its provenance."""
    info, unknown = None, "unknown (interrupted)"
    if hash_corpus:
        try:
            info = provenance(corpus=corpus, parameters=parameters)
        except Exception as exc:  # a run that failed on its corpus: the manifest says what it can
            unknown = f"unknown ({type(exc).__name__})"
    if info is None:
        info = {"versions": {}, "git_commit": git_commit(), "parameters": dict(parameters), "corpus_hash": unknown}
    record = {**run, "finished": _utc_now(), "status": status, "corpus_hash": info["corpus_hash"],
              "parameters": info["parameters"], "versions": info["versions"], "git_commit": info["git_commit"]}
    write_manifest(output_dir, record, executed)
    return info


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analysis run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="file or folder of articles (default: data/raw; installed: the seed article)")
    parser.add_argument("--only", help="comma-separated notebook numbers, e.g. 01,03")
    parser.add_argument("--output", help="report folder (default: reports/; installed: ./reports)")
    parser.add_argument("--notebooks", help="folder of numbered notebooks (default: notebooks/; installed: the packaged copies)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell (default 1800)")
    parser.add_argument("--jobs", type=int, help="worker processes for the per-article pipeline (N_JOBS)")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="KEY=VALUE",
                        help="a notebook parameter, repeatable (e.g. -p FREQ=W -p TOP_N=20); "
                             "the value is read as a JSON literal when it is one, else as a string")
    args = parser.parse_args(argv)
    try:
        parameters = dict(parse_parameter(p) for p in args.parameter)
        run_notebooks(corpus=args.corpus, only=args.only.split(",") if args.only else None,
                      output_dir=args.output, notebooks_dir=args.notebooks, timeout=args.timeout, n_jobs=args.jobs,
                      parameters=parameters)
    except NotebookFailed as exc:
        logger.error(f"error: {exc}")
        logger.error("the partly executed notebook is in the output folder for inspection")
        return 1
    except (FileNotFoundError, ValueError) as exc:
        logger.error(f"error: {exc}")
        return 2
    return 0


def notebook_json_has_outputs(path: Path) -> bool:
    """True when a committed notebook carries outputs or execution counts."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return any(c.get("outputs") or c.get("execution_count") for c in nb.get("cells", []))
