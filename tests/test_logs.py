"""-v/-q on the command line set the `analysis` logger; progress bars go to stderr only, never under -q."""

from __future__ import annotations

import io
import json
import logging

import pandas as pd
import pytest

from analysis import engine, logs
from analysis.__main__ import main


@pytest.fixture(autouse=True)
def fresh_logger(monkeypatch):
    """Each test starts with an unconfigured `analysis` logger and no ANALYSIS_PROGRESS."""
    logger = logging.getLogger(logs.LOGGER_NAME)
    saved = (logger.level, list(logger.handlers), logger.propagate)
    logger.setLevel(logging.NOTSET)
    monkeypatch.delenv("ANALYSIS_PROGRESS", raising=False)
    yield
    logger.setLevel(saved[0])
    logger.handlers[:] = saved[1]
    logger.propagate = saved[2]


@pytest.fixture
def gold(tmp_path):
    rows = [{"sentence": "Kyiv blamed Russia for starting the fire.", "from": 12, "to": 18, "mention": "Russia",
             "polarity": -1},
            {"sentence": "Smith arrived on Monday.", "from": 0, "to": 5, "mention": "Smith", "polarity": 0}]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_verbosity_flags_are_taken_from_anywhere_before_a_double_dash():
    assert logs.split_verbosity(["evaluate", "ner", "-v", "--gold"]) == (1, ["evaluate", "ner", "--gold"])
    assert logs.split_verbosity(["--verbose", "-v", "run"]) == (2, ["run"])
    assert logs.split_verbosity(["-v", "check", "--quiet"]) == (-1, ["check"])  # quiet wins
    assert logs.split_verbosity(["run", "--", "-q"]) == (0, ["run", "--", "-q"])


def test_an_evaluate_command_logs_progress_on_stderr_and_keeps_the_json_last_on_stdout(gold, capsys):
    assert main(["evaluate", "target-sentiment", str(gold)]) == 0
    captured = capsys.readouterr()
    assert f"read 2 targets from {gold}" in captured.err
    assert json.loads(captured.out.strip().splitlines()[-1])["n"] == 2
    assert logging.getLogger("analysis").level == logging.INFO


@pytest.mark.parametrize("argv", [["-q", "evaluate", "target-sentiment"], ["evaluate", "target-sentiment", "--quiet"]])
def test_quiet_silences_progress_but_not_the_result(gold, capsys, argv):
    assert main([*argv, str(gold)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert json.loads(captured.out.strip().splitlines()[-1])["n"] == 2
    assert logging.getLogger("analysis").level == logging.WARNING


def test_quiet_keeps_warnings(gold, capsys):
    assert main(["-q", "evaluate", "target-sentiment", str(gold), "--train", str(gold)]) == 0
    assert "WARNING: 2 of 2 test targets also occur in the training data" in capsys.readouterr().err


def test_verbose_turns_on_debug_messages(gold, capsys):
    assert main(["evaluate", "-v", "target-sentiment", str(gold)]) == 0
    assert logging.getLogger("analysis").level == logging.DEBUG
    logging.getLogger("analysis.some.module").debug("a debug detail")
    assert "a debug detail" in capsys.readouterr().err


def test_check_errors_go_to_stderr_even_under_quiet(tmp_path, capsys):
    assert main(["-q", "check", str(tmp_path / "missing")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("check: ")


@pytest.fixture(scope="module")
def two_articles():
    return pd.DataFrame({"article_id": ["a", "b"], "text": ["Russian forces shelled Kharkiv.", "Kyiv said so."]})


def test_the_engine_shows_no_bar_when_stderr_is_not_a_terminal(two_articles, capsys):
    engine.run(two_articles, stages=("sentences",))
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_a_requested_bar_goes_to_stderr_only(two_articles, capsys):
    engine.run(two_articles, stages=("sentences",), progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "pipeline" in captured.err


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_follows_the_terminal_the_environment_and_quiet(monkeypatch):
    monkeypatch.setattr("sys.stderr", _Terminal())
    assert logs.progress_enabled() is True
    monkeypatch.setenv("ANALYSIS_PROGRESS", "0")
    assert logs.progress_enabled() is False
    assert logs.progress_enabled(True) is True  # an explicit request wins
    monkeypatch.setenv("ANALYSIS_PROGRESS", "1")
    assert logs.progress_enabled() is True
    logs.configure_logging(-1)  # -q
    assert logs.progress_enabled() is False
    monkeypatch.setattr("sys.stderr", io.StringIO())
    monkeypatch.delenv("ANALYSIS_PROGRESS")
    logs.configure_logging(0)
    assert logs.progress_enabled() is False  # not a terminal, not a notebook


def test_notebook_kernels_started_by_run_get_progress_switched_off(tmp_path, monkeypatch):
    import os

    import nbclient
    import nbformat

    from analysis import runner

    seen = {}

    class FakeClient:
        def __init__(self, nb, **kwargs):
            pass

        def execute(self, **kwargs):
            seen["ANALYSIS_PROGRESS"] = os.environ.get("ANALYSIS_PROGRESS")

    monkeypatch.setattr(nbclient, "NotebookClient", FakeClient)
    monkeypatch.setenv("ANALYSIS_PROGRESS", "1")
    book = tmp_path / "01_x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), book)
    (tmp_path / "out").mkdir()
    runner.run_notebook(book, parameters={"CORPUS": str(tmp_path)}, output_dir=tmp_path / "out")
    assert seen == {"ANALYSIS_PROGRESS": "0"}
    assert os.environ["ANALYSIS_PROGRESS"] == "1"  # restored for the caller


class _KernelStream(io.StringIO):
    """Stands for ipykernel's OutStream (not a terminal)."""


_KernelStream.__module__ = "ipykernel.iostream"


def test_notebooks_show_bars_in_jupyterlab_but_not_when_executed_headless(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ipykernel", sys.modules.get("ipykernel", object()))
    monkeypatch.setattr("sys.stderr", _KernelStream())
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert logs.progress_enabled() is False  # nbconvert / papermill / nbclient: clean outputs
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/me/notebooks/02_entities.ipynb")
    assert logs.progress_enabled() is True  # a kernel that JupyterLab started
