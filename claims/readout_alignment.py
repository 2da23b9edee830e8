"""Paper App. L: "with more latent states in a linear chain, finer emission levels come from how the
readout rows align with the orbit plane" -- one verdict over all trained linear-chain checkpoints.

A checkpoint counts only if it has an orbit by the orbit claim's own rotation rule. Both readings read the same
alignments (analysis.readout); the paper reading asks only for a monotone trend.
"""
from __future__ import annotations

from pathlib import Path

from hmmrnn.analysis import readout
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.claims import orbit_radius_scaling
from hmmrnn.errors import ClaimError
from hmmrnn.plotting import plt, save


def recipe(s, reading: str) -> dict:
    """One verdict over the cohort (s.members). When the trend cannot be computed, the ClaimError carries
    the per-checkpoint numbers so that the report keeps them."""
    # a checkpoint counts only if it has an orbit
    by_states, per_member = s.shared(readout.alignment_by_states, s.members,
                                     orbit_rule=orbit_radius_scaling.orbit_rule())
    kept = {"per_checkpoint": per_member, "_plot": {"per_checkpoint": per_member}}
    try:
        stats = readout.trend(by_states, without_orbit=[n for n, m in per_member.items() if not m["has_orbit"]])
    except ClaimError as e:
        e.statistics = kept
        raise
    return {**stats, **kept}


def figure(d: dict, path: Path, title: str) -> Path:
    """Readout-row alignment with the orbit plane per trained linear chain, against the number of states."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for name, m in d["per_checkpoint"].items():
        ax.scatter(m["S"], m["mean_alignment"], color="tab:blue")
        ax.annotate(name, (m["S"], m["mean_alignment"]), fontsize=6)
    level = next(iter(d["per_checkpoint"].values()))["random_level"] if d["per_checkpoint"] else None
    if level is not None:
        ax.axhline(level, color="0.5", ls="--", lw=1, label="random direction sqrt(2/H)")
        ax.legend(fontsize=7)
    ax.set(xlabel="latent states S", ylabel="mean |P w_o| / |w_o|", title=title, xticks=[2, 3, 4, 5])
    return save(fig, path)


CLAIM = Claim(
    id="readout.alignment", title="Linear chains: readout-row alignment with the orbit plane changes with the number of states",
    section="App. L",
    statistic="per trained linear-chain checkpoint: mean over outputs of |P w_o| / |w_o|, P the PC1-PC2 plane of a "
              "noisy run (random direction: sqrt(2/H)); Spearman correlation of it with S over S = 2..5",
    thresholds=(T("abs_spearman_rho", ">=", 0.8, "a consistent trend with S (the paper gives no number)", ("P23",)),
                T("monotone", "==", True, "the mean alignment per S moves one way from S=2 to S=5", ("P23",))),
    key="abs_spearman_rho", applies_to=("linear",), across="linear-chains",
    notes=("One verdict over every trained linear-chain checkpoint of the run that has an orbit by the orbit "
           "claim's rotation thresholds (coherence, revolutions, planarity); a checkpoint without one is listed, "
           "not averaged: its 'orbit plane' is the plane of noise. ERROR names each S in 2..5 without such a "
           "checkpoint. Controls are not separate checkpoints here: per checkpoint the random-direction "
           "level sqrt(2/H) is reported beside the alignment.",),
    paper=Reading(
        "paper", "the authors' angles: readout-row alignment with the orbit plane over S = 2..5",
        (T("monotone", "==", True, "the alignment changes with S one way", ("P23",)),)),
    recipe=recipe, figure=figure,
)
