"""Hostile seed trees never crash, hang or leak (issue 18, items 5 and 9).

tests/seedprobe.py generates the cases (file kinds x places in the seeds tree x names, giant
numbers in every numeric field, deep YAML, files over the size limit) and runs them in a child
process with a memory limit; this test gives that process a generous timeout, so a regression
that blocks on a named pipe or reads /dev/zero fails here instead of hanging the suite. When
the tests run as root, the child runs without the capabilities that let root read any file
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so that `chmod 000` means what it means for a user.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fuzzkit import COUNTS, NOTES

SRC = Path(__file__).parent.parent / "src"
PROBE = Path(__file__).parent / "seedprobe.py"
TIMEOUT = 900  # seconds: the probe takes 20-40 s; only a hang comes near this


def drop_root_read_powers() -> None:
    """In the child before exec: root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH."""
    if os.geteuid() != 0:
        return
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    for capability in (1, 2):  # PR_CAPBSET_DROP is 24
        prctl(24, capability, 0, 0, 0)  # best effort: without CAP_SETPCAP nothing changes


def test_hostile_seed_trees_fail_cleanly(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(SRC))
    env.pop("PARLEY_CACHE", None)
    try:
        run = subprocess.run(
            [sys.executable, str(PROBE), str(tmp_path)],
            env=env,
            cwd=PROBE.parent,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=drop_root_read_powers,
        )
    except subprocess.TimeoutExpired:
        at = (tmp_path / "progress").read_text(errors="replace")
        pytest.fail(f"the probe hung (over {TIMEOUT} s) at case {at}")
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads(run.stdout)
    COUNTS["seed-files"] += summary["cases"]
    failures = summary["failures"]
    kinds = {"traceback": 0, "kg/ changed": 0, "marker": 0}
    for failure in failures:
        for kind in kinds:
            kinds[kind] += kind in failure
    NOTES.append(
        f"hostile seed files: {summary['cases']} cases {summary['groups']}; "
        f"outcomes {summary['outcomes']}; {kinds['traceback']} tracebacks, "
        f"{kinds['kg/ changed']} partial kg/, {kinds['marker']} contents leaked, "
        f"{len(failures)} failures in all; file modes enforced: {not summary['privileged']}"
        + (f"; skipped {summary['skipped']}" if summary["skipped"] else "")
    )
    assert not failures, "\n".join(failures[:50])
    assert summary["cases"] >= 1000
