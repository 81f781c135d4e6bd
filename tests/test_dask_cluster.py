"""run_dask on a real cluster: a `dask scheduler` and two `dask worker` processes talking TCP,
reading partitioned parquet through an fsspec URL, exactly as a user's cluster would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import engine

dd = pytest.importorskip("dask.dataframe", reason="the dask extra is not installed (pip install '.[dask]')")
distributed = pytest.importorskip("dask.distributed", reason="the dask extra is not installed (pip install '.[dask]')")

TEXTS = [
    "Russian forces shelled Kharkiv overnight. Two people were killed, the regional governor said.",
    "Zelenskyy thanked Western partners for air defence. \"We will liberate every village,\" he said.",
    "Kiev regime provocations continue, Peskov claimed. The special military operation goes on.",
    "A fire broke out at the Zaporizhzhia Nuclear Power Plant. The IAEA called for restraint.",
    "",
    "NATO said on Aug. 12 that it was watching the Kursk region closely. Gen. Syrskyi disagreed.",
]


def _wait_for(path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear within {seconds} s")
        time.sleep(0.2)


@pytest.fixture(scope="module")
def tcp_cluster(tmp_path_factory):
    """Scheduler + 2 single-threaded workers as separate OS processes on loopback TCP."""
    folder = tmp_path_factory.mktemp("cluster")
    scheduler_file = folder / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(engine.__file__).parents[1]),
                                                                    os.environ.get("PYTHONPATH")]))}
    dask_cli = [sys.executable, "-m", "dask"]
    procs = [subprocess.Popen(dask_cli + ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                          "--scheduler-file", str(scheduler_file)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        _wait_for(scheduler_file, 60)
        for i in range(2):
            procs.append(subprocess.Popen(
                dask_cli + ["worker", "--scheduler-file", str(scheduler_file), "--nworkers", "1",
                            "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1",
                            "--local-directory", str(folder / f"w{i}"), "--name", f"w{i}"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        client = distributed.Client(scheduler_file=str(scheduler_file), timeout=60)
        client.wait_for_workers(2, timeout=120)
        yield client
        client.close()
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _partitioned(articles: pd.DataFrame, folder: Path, n: int) -> str:
    dd.from_pandas(articles, npartitions=n).to_parquet(str(folder))
    return "file://" + str(folder.resolve())


def test_the_cluster_has_two_tcp_workers_in_other_processes(tcp_cluster):
    workers = tcp_cluster.scheduler_info()["workers"]
    assert len(workers) == 2
    assert all(address.startswith("tcp://127.0.0.1:") for address in workers)
    assert os.getpid() not in set(tcp_cluster.run(os.getpid).values())


def test_run_dask_on_the_tcp_cluster_equals_the_pandas_engine(tcp_cluster, seed_text, tmp_path):
    articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(len(TEXTS) + 1)], "text": [seed_text, *TEXTS]})
    expected = engine.run(articles, chunk_size=1000)
    result = engine.run_dask(_partitioned(articles, tmp_path / "corpus", 3), client=tcp_cluster)
    assert sorted(result) == sorted(expected)
    for name in expected:
        pd.testing.assert_frame_equal(engine.comparable(expected[name]), engine.comparable(result[name]), obj=name)


def test_an_article_id_repeated_across_partitions_is_refused_on_the_cluster(tcp_cluster, tmp_path):
    articles = pd.DataFrame({"article_id": ["x", "y", "z", "x"], "text": ["One.", "Two.", "Three.", "Four."]})
    with pytest.raises(ValueError, match=r"article_id must be unique.*'x'"):
        engine.run_dask(_partitioned(articles, tmp_path / "dup", 2), client=tcp_cluster)


def test_the_workers_allocate_from_the_pool_the_client_names_and_get_their_own_back(tcp_cluster, monkeypatch):
    # ANALYSIS_ARROW_POOL as the client sees it (the workers were started without it), tasks and all
    def _pool() -> str:  # local: sent to the workers by value (they cannot import this test module)
        import pyarrow as pa

        return pa.default_memory_pool().backend_name

    monkeypatch.setenv(engine.ARROW_POOL_ENV, "system")
    before = tcp_cluster.run(_pool)
    assert set(before.values()) != {"system"}, "the workers start with pyarrow's default pool"
    with engine._arrow_pool_on_workers(tcp_cluster, engine._arrow_pool_name()):
        assert set(tcp_cluster.run(_pool).values()) == {"system"}
        assert tcp_cluster.submit(_pool, pure=False).result() == "system"
    assert tcp_cluster.run(_pool) == before
    articles = pd.DataFrame({"article_id": ["a", "b"], "text": TEXTS[:2]})
    engine.run_dask(dd.from_pandas(articles, npartitions=2), stages=("sentences", "tokens"), client=tcp_cluster)
    assert tcp_cluster.run(_pool) == before
