"""The Dask worker plugin of :func:`analysis.engine.run_dask`: the engine's Arrow memory pool on a cluster's
workers (imported only with a ``dask.distributed`` client, so the engine does not need the dask extra).

>>> plugin = ArrowPoolPlugin("system")
>>> plugin.name, plugin.pool
('analysis-arrow-pool', 'system')
"""

from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin


class ArrowPoolPlugin(WorkerPlugin):
    """While registered on a worker, pyarrow's buffers there come from the pool ``pool`` (a value of
    ``ANALYSIS_ARROW_POOL``: ``system``, ``jemalloc`` or ``mimalloc``; see :func:`analysis.engine.arrow_pool`);
    removing the plugin puts back the pool the worker had. One per cluster: registering it again
    replaces it (Dask tears the old one down first)."""

    name = "analysis-arrow-pool"

    def __init__(self, pool: str):
        self.pool = pool
        self._previous = None

    def setup(self, worker) -> None:
        import pyarrow as pa

        from analysis.engine import _pool_named

        chosen = _pool_named(self.pool)
        if chosen is not None:
            self._previous = pa.default_memory_pool()
            pa.set_memory_pool(chosen)

    def teardown(self, worker) -> None:
        import pyarrow as pa

        if self._previous is not None:
            pa.set_memory_pool(self._previous)
            self._previous = None
