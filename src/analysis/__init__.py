"""War-coverage analysis toolkit.

Data flows one way (cookiecutter-data-science's "analysis is a DAG")::

    data/raw  ->  analysis.corpus   (articles DataFrame)
              ->  analysis.text     (sentences, tokens)
              ->  analysis.entities / analysis.sentiment / analysis.framing
              ->  analysis.report   (figures + tables)  ->  notebooks  ->  reports/

Every public function takes and returns pandas DataFrames with documented columns.
"""

__version__ = "0.1.0"

# ``analysis.kwic(...)`` is the concordance function; its helpers (export_kwic,
# register_kind, ...) are imported with ``from analysis.kwic import ...``.
from analysis.kwic import kwic

__all__ = ["__version__", "kwic"]
