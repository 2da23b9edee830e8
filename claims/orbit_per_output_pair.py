"""Paper 4.1, Fig 3G: "for fully-connected and cyclic HMMs the network forms several orbits, one per
output pair".

Both readings read the same per-pair planes (hmmrnn.analysis.composition.pair_orbits): the strict one their
largest principal angles against the split-half angle of one pair, the paper one only their ratio.
"""
from __future__ import annotations

from pathlib import Path

from hmmrnn import cells
from hmmrnn.analysis import composition
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.plotting import plt, save


def recipe(s, reading: str) -> dict:
    return s.shared(composition.pair_orbits, s.model, s.hmm)


def figure(d: dict, path: Path, title: str) -> Path:
    """Per output pair: the states around its switches in its own PCA(2) plane, coloured by output."""
    segs = d["segments"]
    fig, axes = plt.subplots(1, len(segs), figsize=(3.2 * len(segs), 3.0), squeeze=False)
    for ax, (name, items) in zip(axes[0], segs.items()):
        for xy, outs in items:
            ax.plot(xy[:, 0], xy[:, 1], color="0.7", lw=0.4, zorder=1)
            ax.scatter(xy[:, 0], xy[:, 1], c=[f"C{int(o)}" for o in outs], s=3, zorder=2)
        ax.set(title=f"{title}: outputs {name}", xticks=[], yticks=[], xlabel="PC1 of the pair", ylabel="PC2")
    return save(fig, path)


CLAIM = Claim(
    id="orbit.per-output-pair", title="Fully-connected and cyclic HMMs: one orbit plane per output pair",
    section="4.1, Fig 3G",
    statistic="PCA(2) plane of the states within 5 steps of every switch of each output pair (pairs carrying >= 10% "
              "of the HMM's switches), 16 x 3000 noisy steps; largest principal angle between the planes of two "
              "pairs, and between the planes of the odd and even switches of one pair (split half)",
    thresholds=(T("min_cross_angle_deg", ">=", 30.0, "set before any fully/cyclic fixture existed: distinct planes", ("P24",)),
                T("cross_over_split", ">=", 2.0,
                  "set before any fully/cyclic fixture existed: pairs differ well beyond how well one plane is fixed", ("P24",))),
    controls=("untrained", "shuffled"), key="min_cross_angle_deg", applies_to=("fully", "cyclic"),
    notes=("Runs on fully-connected and cyclic checkpoints only; a linear chain has a single output pair (0-2).",
           "reported, not thresholded: per pair, the orbit claim's rotation coherence, revolutions per 1000 steps and "
           "planarity over the stretches whose output stays within the pair (in their own plane)",),
    paper=Reading(
        "paper", "the authors' per-pair subspaces: the plane of each output pair's switches",
        (T("cross_over_split", ">", 1.0, "several orbits: pair planes differ more than one pair's plane from itself",
           ("P24",)),),
        controls=("untrained",),
        indistinguishable=(("shuffled", "the planes of the shuffled fully3 net are only 4.3 degrees apart, but its split "
                            "halves agree even better (2.7x): a ratio with no angle cannot reject it; the strict reading's "
                            "30-degree minimum does"),)),
    recipe=recipe, figure=figure,
    cells=(cells.general(f"PCA planes of the full states per output pair; {cells.FULL_STATE}"),),
)
