"""Paper 5, App. J: "kick neurons: pre-activation strongly negative in clusters, near zero in kick zones, positive
during transitions".

The kick groups (hmmrnn.subject.kick_groups) and the zones (hmmrnn.subject.zone_map) are the checkpoint's own,
shared with the other claims; both readings compute the same profile, the strict one in per-neuron z units, the
paper one in raw units.
"""
from __future__ import annotations

from pathlib import Path

from hmmrnn import cells
from hmmrnn.analysis import kick
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.plotting import plt, save
from hmmrnn.subject import kick_groups, zone_map


def recipe(s, reading: str) -> dict:
    z = zone_map(s)
    return kick.zone_profile(kick_groups(s).neurons_by_direction(), z.zones, z.preacts, z.outputs)


def figure(d: dict, path: Path, title: str) -> Path:
    """Mean kick-group pre-activation (z units) per zone and direction."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    zones = ("cluster", "kick", "transition")
    for k, (dname, row) in enumerate(d["per_direction"].items()):
        ax.plot(zones, [row[z] for z in zones], "o-", label=f"kick group {dname}")
    ax.axhline(0, color="k", lw=0.5)
    ax.set(ylabel="pre-activation (z)", title=title)
    ax.legend(fontsize=7)
    return save(fig, path)


CLAIM = Claim(
    id="kick.preactivation-profile", title="Kick neurons: strongly negative in clusters, near zero in kick zones, positive in transitions",
    section="5, App. J",
    statistic="mean pre-activation of each discovered kick group a->c (per-neuron z units) over the states of each "
              "residency zone whose output is a; orderings per direction, the worst direction decides",
    thresholds=(T("max_cluster_z", "<", 0.0, "negative in clusters", ("P53",)),
                T("min_transition_z", ">", 0.0, "positive in transitions", ("P53",)),
                T("min_kick_minus_cluster", ">", 0.0, "kick zone above cluster", ("P53",)),
                T("min_transition_minus_kick", ">", 0.0, "transition above kick zone", ("P53",))),
    controls=("untrained", "pre-bifurcation", "shuffled"), key="max_cluster_z",
    notes=("'Near zero in kick zones' has no threshold: on the fixtures the kick zone sits at +0.3 to +0.8 s.d., "
           "between the cluster (below 0) and the transition (above).",),
    paper=Reading(
        "paper", "the authors' plot in raw units: mean pre-activation of each discovered triplet over cluster, kick-zone "
                 "and transition states of its direction",
        (T("max_cluster_pre", "<", 0.0, "strongly negative in clusters", ("P53",)),
         T("min_transition_pre", ">", 0.0, "positive in transitions", ("P53",)),
         T("max_kick_over_cluster", "<", 0.5, "near zero in kick zones: less than half the cluster's depth", ("P53",))),
        controls=("untrained", "pre-bifurcation", "shuffled")),
    recipe=recipe, figure=figure,
    cells=(cells.not_applicable(cells.THRESHOLD),),
)
