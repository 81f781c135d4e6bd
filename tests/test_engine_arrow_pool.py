"""analysis.engine's Arrow memory pool: the engine allocates from the C library's pool while it runs
(pyarrow's default, mimalloc, faults costly transparent huge pages: issue 13), puts the caller's back
after, and its tables stay usable and are freed correctly once the caller's pool is back."""

from __future__ import annotations

import gc

import pandas as pd
import pyarrow as pa
import pytest

from analysis import engine

ARTICLES = pd.DataFrame({"article_id": ["a", "b", "c"],
                         "text": ["Putin said Kyiv attacked Kursk. Two people were killed.",
                                  "Zelenskyy thanked the partners for air defence.", ""]})
STAGES = ("sentences", "tokens", "sentiment")


@pytest.fixture
def pools_seen(monkeypatch):
    """The backend of pyarrow's default pool at every ``process_articles`` call of the engine."""
    seen: list[str] = []
    process_articles = engine.process_articles

    def recording(*args, **kwargs):
        seen.append(pa.default_memory_pool().backend_name)
        return process_articles(*args, **kwargs)

    monkeypatch.setattr(engine, "process_articles", recording)
    return seen


@pytest.fixture
def caller_pool():
    """The caller's pool is mimalloc (pyarrow's default), whatever the test process had."""
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.mimalloc_memory_pool())
    yield "mimalloc"
    pa.set_memory_pool(previous)


def test_a_serial_run_allocates_from_the_system_pool_and_puts_the_callers_pool_back(pools_seen, caller_pool,
                                                                                    monkeypatch):
    monkeypatch.delenv(engine.ARROW_POOL_ENV, raising=False)
    engine.run(ARTICLES, stages=STAGES, chunk_size=2)
    assert pools_seen == ["system", "system"]
    assert pa.default_memory_pool().backend_name == caller_pool


def test_the_callers_pool_is_put_back_after_an_error_in_the_run(monkeypatch, caller_pool):
    monkeypatch.delenv(engine.ARROW_POOL_ENV, raising=False)

    def failing(*args, **kwargs):
        assert pa.default_memory_pool().backend_name == "system"
        raise RuntimeError("a stage failed")

    monkeypatch.setattr(engine, "process_articles", failing)
    with pytest.raises(RuntimeError, match="a stage failed"):
        engine.run(ARTICLES, stages=STAGES)
    assert pa.default_memory_pool().backend_name == caller_pool


@pytest.mark.parametrize(("setting", "inside"), [("default", "mimalloc"), ("jemalloc", "jemalloc"),
                                                 ("system", "system"), ("", "system")])
def test_the_pool_is_chosen_by_ANALYSIS_ARROW_POOL_and_default_keeps_the_callers(setting, inside, pools_seen,
                                                                                caller_pool, monkeypatch):
    if setting == "jemalloc" and "jemalloc" not in pa.supported_memory_backends():
        inside = "system"  # a wheel built without jemalloc falls back to the C library's pool
    monkeypatch.setenv(engine.ARROW_POOL_ENV, setting)
    engine.run(ARTICLES, stages=STAGES)
    assert pools_seen == [inside]
    assert pa.default_memory_pool().backend_name == caller_pool


def test_an_unknown_pool_name_is_refused_before_the_run(monkeypatch, pools_seen):
    monkeypatch.setenv(engine.ARROW_POOL_ENV, "tcmalloc")
    with pytest.raises(ValueError, match="ANALYSIS_ARROW_POOL='tcmalloc'"):
        engine.run(ARTICLES, stages=STAGES)
    assert pools_seen == []


def test_tables_made_during_the_run_outlive_the_switch_back_and_return_their_memory_to_their_own_pool(
        caller_pool, monkeypatch):
    monkeypatch.delenv(engine.ARROW_POOL_ENV, raising=False)
    system = pa.system_memory_pool()
    expected = engine.run(ARTICLES, stages=STAGES)
    del expected  # only the first run's memos may stay allocated
    gc.collect()
    baseline = system.bytes_allocated()
    kept = []
    for _ in range(3):
        out = engine.run(ARTICLES, stages=STAGES)
        kept.append(out)
        assert pa.default_memory_pool().backend_name == caller_pool
        gc.collect()
    assert system.bytes_allocated() > baseline  # the tables' Arrow strings came from the system pool
    tokens = [out["tokens"] for out in kept]
    for table in tokens[1:]:  # usable after the switch back: read, copied and compared
        pd.testing.assert_frame_equal(table, tokens[0], check_exact=True)
    assert tokens[0]["token"].str.upper().str.len().sum() == tokens[0]["token"].str.len().sum()
    del kept, tokens, out, table
    gc.collect()
    assert system.bytes_allocated() == baseline  # freed to the pool they came from, not the caller's


def test_run_dask_without_a_client_computes_inside_the_engines_pool(pools_seen, caller_pool, monkeypatch):
    pytest.importorskip("dask.dataframe", reason="dask extra not installed")
    import dask.dataframe as dd

    monkeypatch.delenv(engine.ARROW_POOL_ENV, raising=False)
    engine.run_dask(dd.from_pandas(ARTICLES, npartitions=2), stages=STAGES)
    assert pools_seen[0] == caller_pool  # the empty run that gives the tables' columns
    assert set(pools_seen[1:]) == {"system"}
    assert pa.default_memory_pool().backend_name == caller_pool


def test_a_run_on_two_processes_sets_the_pool_once_and_puts_the_callers_back(caller_pool, monkeypatch):
    # one arrow_pool for the whole run: shared_lexicons, inside it, sets none of its own
    monkeypatch.delenv(engine.ARROW_POOL_ENV, raising=False)
    switches: list[str] = []
    set_memory_pool = pa.set_memory_pool
    monkeypatch.setattr(pa, "set_memory_pool", lambda pool: switches.append(pool.backend_name) or set_memory_pool(pool))
    engine.run(ARTICLES, stages=STAGES, chunk_size=1, n_jobs=2)
    assert switches == ["system", caller_pool]


def test_shared_lexicons_leaves_the_pool_to_its_caller(caller_pool, monkeypatch):
    monkeypatch.delenv(engine.ARROW_POOL_ENV, raising=False)
    with engine.shared_lexicons(("sentences",), cyrillic=False):
        assert pa.default_memory_pool().backend_name == caller_pool
    with engine.shared_lexicons(("sentences",), cyrillic=False), engine.arrow_pool():
        assert pa.default_memory_pool().backend_name == "system"


def test_a_refused_pool_name_opens_no_progress_bar(monkeypatch):
    opened = []
    monkeypatch.setattr(engine, "_progress", lambda *args: opened.append(args))
    monkeypatch.setenv(engine.ARROW_POOL_ENV, "tcmalloc")
    with pytest.raises(ValueError, match="ANALYSIS_ARROW_POOL"):
        engine.run(ARTICLES, stages=STAGES, progress=True)
    assert opened == []


@pytest.mark.parametrize(("setting", "inside"), [("", "system"), ("default", "mimalloc")])
def test_run_dask_on_a_cluster_allocates_from_the_engines_pool_on_its_workers_and_puts_theirs_back(
        setting, inside, pools_seen, caller_pool, monkeypatch):
    # workers in this process (processes=False), so the tasks' pool is seen here; on separate
    # processes: tests/test_dask_cluster.py
    pytest.importorskip("dask.dataframe", reason="dask extra not installed")
    distributed = pytest.importorskip("dask.distributed", reason="dask extra not installed")
    import dask.dataframe as dd

    monkeypatch.setenv(engine.ARROW_POOL_ENV, setting)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        engine.run_dask(dd.from_pandas(ARTICLES, npartitions=2), stages=STAGES, client=client)
        assert pa.default_memory_pool().backend_name == caller_pool
    assert pools_seen[0] == caller_pool  # the empty run that gives the tables' columns
    assert pools_seen[1:] == [inside, inside]


def test_a_streamed_run_scans_its_corpus_in_the_engines_pool(caller_pool, monkeypatch, tmp_path):
    # the parent's corpus scan before the fork: from mimalloc its freed pages stayed in the parent (82 MB at 10k
    # articles), every worker forked with them; from the C library's pool release_memory hands them back
    monkeypatch.delenv(engine.ARROW_POOL_ENV, raising=False)
    monkeypatch.setattr(engine, "_warmed_fully", {})  # a process warmed fully before skips the scan
    scanned = []
    scan_languages = engine.scan_languages
    monkeypatch.setattr(engine, "scan_languages",
                        lambda *a, **k: scanned.append(pa.default_memory_pool().backend_name) or scan_languages(*a, **k))
    ARTICLES.to_parquet(tmp_path / "corpus.parquet", index=False)
    engine.run_to_parquet(tmp_path / "corpus.parquet", tmp_path / "out", stages=STAGES, chunk_size=1, n_jobs=2)
    assert scanned == ["system"]
    assert pa.default_memory_pool().backend_name == caller_pool


def test_the_parent_hands_the_scans_memory_back_before_it_warms_up(caller_pool, monkeypatch):
    # the scan's freed batches and the warm-up's tables are not held together at the parent's peak
    calls = []
    monkeypatch.setattr(engine, "_warmed_fully", {})
    monkeypatch.setattr(engine, "scan_languages",
                        lambda corpus: calls.append(f"scan in {pa.default_memory_pool().backend_name}") or (False, None))
    monkeypatch.setattr(engine, "warm_up", lambda *a, **k: calls.append("warm_up"))
    monkeypatch.setattr(engine, "release_memory", lambda: calls.append("release"))
    with engine.shared_lexicons(STAGES, corpus=ARTICLES):
        pass
    if engine._mp_context().get_start_method() == "fork":
        assert calls == ["scan in system", "release", "warm_up", "release"]
