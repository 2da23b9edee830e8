"""Paper 4.2, Fig 5A: "residency time splits state space into clusters, kick zones and transitions".

Both readings read the checkpoint's one zone map (hmmrnn.subject.zone_map: 2000 consecutive states, residency
time from 20 rollouts x 60 steps); the strict reading's cuts are the harness's, the paper reading's the authors'.
"""
from __future__ import annotations

from pathlib import Path

from hmmrnn import cells
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.plotting import plt, save
from hmmrnn.subject import zone_map


def recipe(s, reading: str) -> dict:
    z = zone_map(s)
    return {**z.statistics, "_plot": z.plot()}


def figure(d: dict, path: Path, title: str) -> Path:
    """State space (PC1-PC2 of the locations) coloured by residency time, and by zone."""
    from hmmrnn.analysis.geometry import pca_plane
    X = pca_plane(d["states"]).transform(d["states"])
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.6))
    sc = a1.scatter(X[:, 0], X[:, 1], c=d["rt"], s=4, cmap="viridis")
    fig.colorbar(sc, ax=a1, label="residency time", pad=0.02)
    fig.subplots_adjust(wspace=0.35)
    a1.set(xlabel="PC1", ylabel="PC2", title=title)
    names, colours = ("transition", "kick zone", "cluster", "unassigned"), ("tab:red", "tab:orange", "tab:blue", "0.8")
    for k in (3, 2, 1, 0):
        m = d["zones"] == k
        a2.scatter(X[m, 0], X[m, 1], s=4, c=colours[k], label=f"{names[k]} ({m.mean():.0%})")
    a2.legend(fontsize=7, markerscale=3)
    a2.set(xlabel="PC1", ylabel="PC2")
    return save(fig, path)


CLAIM = Claim(
    id="residency.three-zones", title="Residency time splits state space into clusters, kick zones and transitions",
    section="4.2, Fig 5A",
    statistic=">= 2000 consecutive states of one noisy run; RT from 20 rollouts x 60 steps; logit-margin sign "
              "changes; unstable directions of diag(W_hh h > 0) W_hh",
    thresholds=(T("min_zone_share", ">=", 0.01, "each zone holds a non-trivial share", ("P40",)),
                T("cluster_unstable_mean", "<=", 0.5, "clusters contract: essentially no unstable directions", ("P43",)),
                T("kick_minus_cluster_unstable", ">", 0.0, "kick zones have more unstable directions", ("P46",)),
                T("cluster_sign_changes", ">=", 5.0, "paper: 5-20 in clusters (the paper's count)", ("P42",)),
                T("cluster_sign_changes", "<=", 20.0, "paper: 5-20 in clusters (the paper's count)", ("P42",)),
                T("passages_via_kick_fraction", ">=", 0.8, "cluster -> transition passes through a kick zone", ("P44",))),
    strict_reports=("P45", "P47"),
    controls=("untrained", "pre-bifurcation", "shuffled"), key="min_zone_share",
    notes=("A sign-change count along a rollout that switches after RT steps is at most RT - 2: the low count "
           "in transition zones is partly definitional.",),
    paper=Reading(
        "paper", "the authors' residency map (20 rollouts x 60 steps, the paper's zone cuts and sign-change count) on "
                 "2000 consecutive states (the authors used 5000-10000)",
        (T("min_zone_share", ">", 0.0, "three zones: each is present", ("P40",)),
         T("cluster_sign_changes", ">=", 5.0, "paper: 5-20 in clusters", ("P42",)),
         T("cluster_sign_changes", "<=", 20.0, "paper: 5-20 in clusters", ("P42",)),
         T("cluster_unstable_mean", "<=", 0.5, "'essentially only contracting' (SPEC's 0.5)", ("P43",)),
         T("passages_via_kick_fraction", ">=", 0.5, "kick zones lie downstream: most cluster -> transition passages "
           "cross one", ("P44",)),
         T("kick_sign_changes", ">=", 2.0, "paper: about 2-4 in kick zones", ("P45",)),
         T("kick_sign_changes", "<=", 4.0, "paper: about 2-4 in kick zones", ("P45",)),
         T("kick_unstable_mean", ">=", 1.0, "'a few unstable directions': at least one on average", ("P46",)),
         T("transition_sign_changes", "<=", 2.0, "'few': below the kick zones' lower bound (partly definitional)",
           ("P47",))),
        controls=("untrained", "pre-bifurcation", "shuffled")),
    central="residency zones (clusters, kick zones, transitions)",
    recipe=recipe, figure=figure,
    cells=(cells.general(f"residency from noise-driven rollouts; unstable directions: {cells.JACOBIAN}; "
                         f"{cells.FULL_STATE}"),),
)
