"""Paper 4.1, Fig 2D: "slow regions (clusters), each a distinct output class"; "transitions between slow zones
change output probabilities a lot".

One analysis on the shared zone map (analysis.slow_regions) computes both readings' statistics.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hmmrnn import cells
from hmmrnn.analysis import slow_regions
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.claims._mechanics import OUTPUT_COLOURS, one_reading
from hmmrnn.plotting import plt, save
from hmmrnn.subject import zone_map


def recipe(s, reading: str) -> dict:
    return one_reading(s.shared(slow_regions.analyse, s.model, zone_map(s)), reading)


def figure(d: dict, path: Path, title: str) -> Path:
    """State space (PC1-PC2 of the zone map) with the slow regions and speed, and the speed per zone."""
    from hmmrnn.analysis.geometry import pca_plane
    X = pca_plane(d["states"]).transform(d["states"])
    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(14, 3.6))
    fig.subplots_adjust(wspace=0.4)
    sc = a1.scatter(X[:, 0], X[:, 1], c=d["speed"], s=4, cmap="viridis")
    fig.colorbar(sc, ax=a1, label="speed (7-step window)", pad=0.02)
    a1.set(xlabel="PC1", ylabel="PC2", title=f"{title}: speed")
    a2.scatter(X[:, 0], X[:, 1], s=3, c="0.85")
    for r in np.unique(d["regions"][d["regions"] >= 0]):
        m = d["regions"] == r
        out = np.bincount(d["outputs"][m]).argmax()
        a2.scatter(X[m, 0], X[m, 1], s=4, c=OUTPUT_COLOURS[int(out) % 5], label=f"slow region {r}: output {out}")
    if (d["regions"] >= 0).any():
        a2.legend(fontsize=7, markerscale=3)
    a2.set(xlabel="PC1", ylabel="PC2", title="slow regions (k-means of cluster states)")
    names = ("transition", "kick", "cluster")
    data = [d["speed"][(d["zones"] == k) & ~np.isnan(d["speed"])] for k in range(3)]
    a3.boxplot([x if len(x) else [np.nan] for x in data], showfliers=False)
    a3.set_xticks(range(1, 4), names)
    a3.set(ylabel="speed (7-step window)", title="speed by zone")
    return save(fig, path)


CLAIM = Claim(
    id="slow-regions.output-classes", title="Slow regions (clusters), each a distinct output class; passing "
                                            "between them changes the output probabilities a lot",
    section="4.1, Fig 2D",
    statistic="shared zone map (2000 consecutive noise-driven states): speed = net displacement over a centred "
              "7-step window |h_{t+3} - h_{t-3}| / 6, median in transitions over clusters; slow regions = k-means "
              "of the cluster-zone states (k = output classes with >= 20 cluster states), their output purity and "
              "majority outputs; mean total variation between the softmax of two slow states in different "
              "regions (across) and in one region (within)",
    thresholds=(
        T("speed_ratio", ">=", 1.15, "clusters are slow: linear2-seed0 1.41 (claims seeds 1-3: 1.25, 1.41, 1.27) vs "
          "shuffled 0.96 (0.91, 1.01, 0.89; over its 2-10 cluster states); untrained and pre-bifurcation have no "
          "cluster state (undefined); the cut is the midpoint of 1.25 and 1.01 (one step's speed is mostly the "
          "injected noise: 1.07 vs 0.93, reported as step_speed_ratio)", ("P19",)),
        T("slow_regions", ">=", 2, "several slow regions (linear2-seed0 2; untrained, pre-bifurcation 0 cluster "
          "states, shuffled 10 of one output: 0 regions of >= 20 states)", ("P19",)),
        T("regions_distinct", "==", True, "each region's majority output is its own", ("P19",)),
        T("region_purity", ">=", 0.9, "each slow region is one output class: linear2-seed0 0.98 (0.98, 0.99); "
          "controls have no region; 0.9 leaves a tenth of a region's states to the other output", ("P19",)),
        T("tv_across", ">=", 0.5, "a lot: at least half the probability mass moves between two slow regions "
          "(linear2-seed0 0.957)", ("P20",)),
        T("tv_across_over_within", ">=", 4.0, "across regions the probabilities differ far more than within one: "
          "linear2-seed0 15.8 (19.0, 22.4); controls have no two regions (undefined); the cut is a quarter of "
          "the reference's lowest", ("P20",))),
    controls=("untrained", "pre-bifurcation", "shuffled"), key="region_purity",
    notes=("A cluster is a zone-map state with residency time > 8 and max softmax > 0.8 (REFERENCE section 5): "
           "'slow' in the output. The speed threshold asks whether those states are also slow in state space.",
           "The regions are found without the outputs (k-means); only k, the number of output classes with >= 20 "
           "cluster states, reads them."),
    paper=Reading(
        "paper", "the authors' residency map read literally: slow regions are the clusters (RT > 8, max softmax > 0.8); "
                 "one step's speed |h_{t+1} - h_t| in clusters against transitions; each region's majority output; "
                 "output probabilities (softmax) before and after each passage from one cluster to a cluster of another "
                 "output along the run",
        (T("step_speed_ratio", ">", 1.0, "'slow': clusters move less per step than transitions (linear2-seed0 1.07; "
           "shuffled 0.93 over its 10 cluster states; untrained, pre-bifurcation no cluster)", ("P19",)),
         T("slow_regions", ">=", 2, "several slow regions", ("P19",)),
         T("regions_distinct", "==", True, "'each a distinct output class': the regions' majority outputs differ",
           ("P19",)),
         T("passage_tv_median", ">=", 0.5, "'a lot': at least half the probability mass moves over a passage "
           "(linear2-seed0 0.87 over 43 passages; controls have none)", ("P20",))),
        controls=("untrained", "pre-bifurcation", "shuffled")),
    recipe=recipe, figure=figure,
    cells=(cells.general(f"the zone map's clusters and their outputs; {cells.FULL_STATE}"),),
)
