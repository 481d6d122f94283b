"""Shared pytest set-up: the Hypothesis profile every property-based test runs under."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

# Reproducible CI runs: the same examples every time (derandomize), no example database,
# no per-example deadline (timings vary on shared runners). Each test sets max_examples itself.
settings.register_profile(
    "parley",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# For hunting bugs locally: new random examples each run, no shrinking (HYPOTHESIS_PROFILE=explore).
settings.register_profile(
    "explore",
    parent=settings.get_profile("parley"),
    derandomize=False,
    phases=[Phase.explicit, Phase.generate],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "parley"))


def pytest_terminal_summary(terminalreporter):
    """Report how many generated inputs the fuzz tests fed to Parley (docs/reliability.md)."""
    try:
        from fuzzkit import ACCEPTED, COUNTS, NOTES
    except ImportError:
        return
    if COUNTS:
        total = sum(COUNTS.values())
        parts = ", ".join(f"{name} {n}" for name, n in sorted(COUNTS.items()))
        terminalreporter.write_line(f"fuzz inputs: {total} ({parts})")
    if ACCEPTED:
        parts = ", ".join(f"{name} {n}" for name, n in sorted(ACCEPTED.items()))
        terminalreporter.write_line(f"fuzz inputs that loaded and were mapped: {parts}")
    for note in NOTES:
        terminalreporter.write_line(note)
