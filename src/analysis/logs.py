"""Logging and progress bars for the command line and the notebooks.

Library modules log through ``logging.getLogger(__name__)`` (children of the
``analysis`` logger) and never print progress; what a command prints on stdout
is its result (the JSON last line of ``python -m analysis.evaluate``, the table
of ``check``). The command lines take ``-v/--verbose`` (debug detail) and
``-q/--quiet`` (warnings and errors only) anywhere among their arguments:

==============  ===============  ======================================
flags           ``analysis``     progress bars
                logger level
==============  ===============  ======================================
``-q``          WARNING          off
(none)          INFO             on when stderr is a terminal
``-v``, ``-vv`` DEBUG            on when stderr is a terminal
==============  ===============  ======================================

Messages and bars go to stderr only, so ``tail -1`` of stdout stays the JSON
result and notebooks executed headless keep clean outputs. Progress bars
(``tqdm``; ``tqdm.auto`` shows a widget in JupyterLab when ipywidgets is installed) are on when asked for
(``progress=True``), off when ``progress=False``; with ``progress=None`` (the
default of :func:`analysis.engine.run` and :func:`analysis.pipeline.analyse`)
they follow the environment variable ``ANALYSIS_PROGRESS`` (``0`` off, ``1``
on), else they show when stderr is a terminal or the code runs in a kernel that
a Jupyter server started (JupyterLab; not nbconvert/papermill/nbclient, whose
outputs stay clean), and never under ``-q``. ``python -m analysis run``
sets ``ANALYSIS_PROGRESS=0`` for the notebook kernels it starts.

>>> split_verbosity(["run", "-q", "--corpus", "x"])
(-1, ['run', '--corpus', 'x'])
>>> split_verbosity(["evaluate", "-vv", "ner", "--", "-v"])
(2, ['evaluate', 'ner', '--', '-v'])
>>> level_for(-1), level_for(0), level_for(1)
(30, 20, 10)
>>> progress_enabled(False), progress_enabled(True)
(False, True)
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from collections.abc import Sequence

__all__ = ["LOGGER_NAME", "configure_logging", "level_for", "progress_bar", "progress_enabled", "split_verbosity"]

LOGGER_NAME = "analysis"
_VERBOSE = {"-v": 1, "--verbose": 1, "-vv": 2, "-vvv": 3}
_QUIET = {"-q", "--quiet"}


def split_verbosity(argv: Sequence[str]) -> tuple[int, list[str]]:
    """Take ``-v``/``-vv``/``--verbose`` and ``-q``/``--quiet`` out of ``argv`` (before a ``--``).

    Returns the verbosity (``-1`` quiet, ``0`` default, ``1+`` verbose; quiet wins) and the other arguments.
    """
    verbosity, quiet, rest = 0, False, []
    argv = list(argv)
    for i, arg in enumerate(argv):
        if arg == "--":
            rest += argv[i:]
            break
        if arg in _VERBOSE:
            verbosity += _VERBOSE[arg]
        elif arg in _QUIET:
            quiet = True
        else:
            rest.append(arg)
    return (-1 if quiet else verbosity), rest


def level_for(verbosity: int) -> int:
    """``logging`` level of the ``analysis`` logger for a verbosity (see :func:`split_verbosity`)."""
    return logging.WARNING if verbosity < 0 else logging.INFO if verbosity == 0 else logging.DEBUG


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record is emitted (pytest capture, redirects)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):  # StreamHandler.__init__ assigns it; the property always reads sys.stderr
        pass


def configure_logging(verbosity: int | None = None) -> logging.Logger:
    """Send the ``analysis`` logger's records to stderr (message only) at the level for ``verbosity``;
    ``None`` keeps a level set before (a subcommand called after ``python -m analysis -q``), else INFO.

    Idempotent: one handler, whatever the number of calls. Command lines call it; a library
    user configures ``logging`` as they like instead.
    """
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    if verbosity is not None or logger.level == logging.NOTSET:
        logger.setLevel(level_for(verbosity or 0))
    logger.propagate = False
    return logger


def _in_jupyter_kernel() -> bool:
    """An interactive notebook: an IPython kernel started by a Jupyter server (JupyterLab, Notebook),
    which sets ``JPY_SESSION_NAME``; nbclient, nbconvert and papermill kernels (headless) do not."""
    return ("ipykernel" in sys.modules and type(sys.stderr).__module__.startswith("ipykernel")
            and bool(os.environ.get("JPY_SESSION_NAME")))


def progress_enabled(requested: bool | None = None) -> bool:
    """Whether to show a progress bar: ``requested`` when given, else ``ANALYSIS_PROGRESS``, else
    stderr is a terminal or a Jupyter kernel and the ``analysis`` logger is not quiet."""
    if requested is not None:
        return bool(requested)
    env = os.environ.get("ANALYSIS_PROGRESS", "").strip().lower()
    if env in {"0", "false", "no", "off"}:
        return False
    if logging.getLogger(LOGGER_NAME).level > logging.INFO:  # -q; an unconfigured logger (NOTSET) is not quiet
        return False
    if env in {"1", "true", "yes", "on"}:
        return True
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    return tty or _in_jupyter_kernel()


def progress_bar(*, total: int | None, desc: str, unit: str = "article", enabled: bool | None = None):
    """A ``tqdm.auto`` bar on stderr, or ``None`` when :func:`progress_enabled` says no.

    >>> progress_bar(total=3, desc="demo", enabled=False) is None
    True
    """
    if not progress_enabled(enabled):
        return None
    if _in_jupyter_kernel() and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm  # a widget in JupyterLab
    else:
        from tqdm.std import tqdm  # text on stderr (tqdm.auto would warn without ipywidgets)

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)
