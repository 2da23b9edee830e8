"""Paper 4.2, Fig 20: "the same holds for every linear chain" (clusters noise-sensitive, transitions nearly
deterministic) -- one verdict over S = 2..5 (the noise claim's strict thresholds on each member; claims/_cohorts.py)."""
from __future__ import annotations

from hmmrnn.claims import noise_cluster_vs_transition
from hmmrnn.claims._cohorts import CONFIGURATIONS, cohort, every_group


def recipe(s, reading: str) -> dict:
    return every_group(s, reading, "noise", noise_cluster_vs_transition.CLAIM, "name", CONFIGURATIONS[:4])


CLAIM = cohort("noise.every-chain", "Clusters noise-sensitive, transitions deterministic, in every linear chain",
               "4.2, Fig 20", "per chain length S = 2..5: the noise claim's relative dispersion on each member",
               "P52", "linear:2, linear:3, linear:4, linear:5", noise_cluster_vs_transition.CLAIM, ("linear",),
               recipe=recipe)
