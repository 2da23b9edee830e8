"""Paper 5, App. I-K: "the analyses hold for the other configurations" -- kick groups that trap, in every family
and chain (the ablation claim's strict thresholds on each member's discovered kick groups; claims/_cohorts.py)."""
from __future__ import annotations

from hmmrnn.claims import kick_ablation_traps
from hmmrnn.claims._cohorts import CONFIGURATIONS, cohort, every_group


def recipe(s, reading: str) -> dict:
    return every_group(s, reading, "kick", kick_ablation_traps.CLAIM, "name", CONFIGURATIONS)


CLAIM = cohort("kick.every-configuration", "Kick groups that trap when silenced, in every family and chain",
               "5, App. I-K", "per configuration: the discovered kick groups' ablation ratios on each member", "P70",
               "linear:2..5, fully:3, cyclic:4", kick_ablation_traps.CLAIM, recipe=recipe)
