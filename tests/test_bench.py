"""The benchmark script itself keeps working (its figures are reported by `make bench`, not asserted here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest


@pytest.mark.slow
@pytest.mark.shared
def test_bench_runs_end_to_end_on_a_small_slice(root, shared, tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "run.py"), "--shared", str(shared), "--limit", "40",
         "--curve", "60,120", "--chunk-size", "20", "--json", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines[-4:]] == [
        "speedup_vs_naive", "speedup_vs_naive_vadersentiment",
        "full_pipeline_vs_naive", "full_pipeline_vs_naive_vadersentiment"]
    figures = json.loads(out.read_text())
    assert figures["two_processes"]["identical"] is True
    assert figures["two_processes"]["cpu_seconds"] > 0 and figures["two_processes"]["one_process_cpu_seconds"] > 0
    fresh = figures["two_processes_fresh"]  # the child processes of the fresh 2-vs-1 line
    assert fresh["identical"] is True and fresh["cpu_seconds"] > 0 and fresh["one_process_cpu_seconds"] > 0
    assert [point["articles"] for point in figures["curve"]] == [60, 120]
    assert all(point["peak_memory_mb"] > 0 and point["seconds"] > 0 for point in figures["curve"])
    incremental = figures["incremental"]
    assert (incremental["articles"], incremental["new_articles"], incremental["processed_on_rerun"]) == (39, 1, 1)
    assert incremental["identical"] is True and incremental["rerun_seconds"] > 0
    assert figures["naive"]["vader_vadersentiment"] > 0 and "full_pipeline_vs_naive_vadersentiment" in figures


@pytest.mark.slow
@pytest.mark.shared
def test_contention_floor_times_two_independent_processes_alone_and_together(root, shared):
    proc = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "contention_floor.py"), "--rounds", "2", "--limit", "30", "--chunk-size", "10"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "ANALYSIS_SHARED": str(shared)},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rounds = [json.loads(line.split(" load ")[0]) for line in proc.stdout.strip().splitlines()]
    assert [r["round"] for r in rounds] == [0, 1]
    for r in rounds:  # each half timed alone and together: the same work, so both CPU figures are there
        assert len(r["alone_cpu"]) == len(r["together_cpu"]) == 2
        assert min(r["alone_cpu"] + r["together_cpu"]) > 0 and r["ceiling"] > 0


@pytest.mark.slow
@pytest.mark.shared
def test_fresh_worker_times_each_chunk_first_in_a_fork_and_after_another_chunk(root, shared):
    proc = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "fresh_worker.py"), "--limit", "30", "--chunk-size", "10"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "ANALYSIS_SHARED": str(shared)},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    *rows, total = [json.loads(line.split(" load ")[0]) for line in proc.stdout.strip().splitlines()]
    assert [r["part"] for r in rows] == [0, 1, 2]
    for r in rows:  # user and system CPU seconds and page faults of the same chunk, cold and warm
        assert len(r["cold"]) == len(r["warm"]) == 3 and r["cold"][0] > 0 and r["warm"][0] > 0
    assert set(total["cold_minus_warm"]) == {"user", "system", "faults"}


@pytest.mark.slow
@pytest.mark.shared
def test_cpu_ratios_times_naive_and_ours_in_fresh_processes_in_alternating_order(root, shared, tmp_path):
    out = tmp_path / "children.json"
    proc = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "cpu_ratios.py"), "--rounds", "2", "--limit", "20",
         "--work", "same_work", "--variant", "one-arena:MALLOC_ARENA_MAX=1", "--json", str(out)],
        capture_output=True, text=True, timeout=900, env={**os.environ, "ANALYSIS_SHARED": str(shared)},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    # the single run's last lines are kept, now medians of the rounds
    assert [line.split(":")[0] for line in lines[-2:]] == ["speedup_vs_naive", "speedup_vs_naive_vadersentiment"]
    assert [line.split(":")[0] for line in lines if line.startswith("round ")] == [
        "round 0 naive", "round 0 same_work", "round 0 same_work[one-arena]",
        "round 1 same_work[one-arena]", "round 1 same_work", "round 1 naive"]
    children = json.loads(out.read_text())
    assert set(children) == {"naive", "same_work", "same_work[one-arena]"}
    assert len({child["pid"] for reports in children.values() for child in reports}) == 6  # a process each
    for child in children["same_work"]:  # CPU, wall and faults of the first run; the warm second run apart
        cost = child["cost"]
        assert cost["cpu"] > 0 and cost["wall"] > 0 and cost["minflt"] > 0 and child["maxrss_mb"] > 0
        assert set(child["stages"]) >= {"sentences", "tokens", "sentiment"} and child["cost_second"]["cpu"] > 0
    assert all(set(child["steps"]) >= {"sentences", "tokens", "vader"} for child in children["naive"])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_bench_memory_counts_children_that_another_thread_started(monkeypatch):
    """A Jupyter kernel manager on local sockets starts the kernel from a thread of its own: the report's peak
    memory (``run.PeakMemory.tree``) must still count it (it read the main thread's children only)."""
    import threading

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from run import PeakMemory

    started, done = {}, threading.Event()

    def start():  # the thread lives on while its child runs, as the kernel manager's event-loop thread does
        started["proc"] = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(64 << 20); time.sleep(30)"])
        done.wait(60)

    thread = threading.Thread(target=start)
    thread.start()
    while "proc" not in started:
        time.sleep(0.01)
    proc = started["proc"]
    try:
        deadline = time.monotonic() + 20
        while PeakMemory._own(proc.pid) < 60 << 20 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert PeakMemory.tree(os.getpid()) >= PeakMemory._own(os.getpid()) + PeakMemory._own(proc.pid)
    finally:
        done.set()
        thread.join()
        proc.kill()
        proc.wait()
