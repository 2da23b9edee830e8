"""Paper 4.2, App. I: "the same zones appear in every architecture" -- one verdict over the trained checkpoints of
every family (the residency claim's strict thresholds on each member's zone map; claims/_cohorts.py)."""
from __future__ import annotations

from hmmrnn.claims import residency_three_zones
from hmmrnn.claims._cohorts import cohort, every_group


def recipe(s, reading: str) -> dict:
    return every_group(s, reading, "zones", residency_three_zones.CLAIM, "family", ["linear", "fully", "cyclic"])


CLAIM = cohort("zones.every-family", "The same residency zones in every architecture", "4.2, App. I",
               "per family: the residency claim's zone statistics on each member", "P41", "linear, fully, cyclic",
               residency_three_zones.CLAIM, recipe=recipe)
