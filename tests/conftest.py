"""Shared by every test module: the hypothesis profile.

Profile ``ci`` (the default): 20 examples, no deadline, derandomized, so each property test draws the same
examples on every run and machine (its seed is fixed by the test's name). ``HYPOTHESIS_PROFILE=explore``
draws fresh examples with a random seed, which hypothesis prints on failure; ``--hypothesis-seed N`` replays
one. The header of every run names the profile in use.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", derandomize=True, **_COMMON)
settings.register_profile("explore", derandomize=False, print_blob=True, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def pytest_report_header(config) -> str:
    how = ("derandomized: each test's examples are fixed by its name" if settings().derandomize
           else "random examples: the failing seed is printed; replay with --hypothesis-seed N")
    return f"hypothesis profile {PROFILE!r} (HYPOTHESIS_PROFILE): {settings().max_examples} examples, {how}"
