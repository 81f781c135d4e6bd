"""A mistyped path on the command line gets a one-line error naming it, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("command", [
    ["analysis.evaluate", "target-sentiment", "{missing}.jsonl"],
    ["analysis.evaluate", "doc-sentiment", "{missing}.csv"],
    ["analysis.evaluate", "entity-roles", "{missing}"],
    ["analysis.train", "roles", "--train", "{missing}"],
    ["analysis.train", "wordvectors", "--train", "{missing}"],
])
def test_a_missing_input_is_named_in_a_clear_error(command, tmp_path):
    missing = str(tmp_path / "no_such_input")
    argv = [part.format(missing=missing) for part in command]
    proc = subprocess.run([sys.executable, "-m", *argv], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert missing in proc.stderr
