"""The benchmark script itself keeps working (its figures are reported by `make bench`, not asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
@pytest.mark.shared
def test_bench_runs_end_to_end_on_a_small_slice(root, shared, tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "run.py"), "--shared", str(shared), "--limit", "40",
         "--articles", "120", "--chunk-size", "20", "--json", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert lines[-2].startswith("speedup_vs_naive: ") and lines[-1].startswith("full_pipeline_vs_naive: ")
    figures = json.loads(out.read_text())
    assert figures["two_processes"]["identical"] is True
    assert figures["large"]["articles"] == 120 and figures["large"]["peak_memory_mb"] > 0
