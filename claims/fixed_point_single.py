"""Paper 4.1, Fig 3B: "without input, activity converges to a single fixed point".

Strict reading: 512 starts (half on-orbit, half random) iterated input-free, and a slow-point search for any
other fixed point. Paper reading: the authors' 100 on-orbit starts and the number of distinct end points.
``BIAS_FREE``: why the claim holds for every contracting bias-free ReLU RNN (other claims cite it).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hmmrnn import cells
from hmmrnn.analysis import fixed_point
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.plotting import plt, save

BIAS_FREE = "holds for every contracting bias-free ReLU RNN: h = 0 is a fixed point and the map is homogeneous"


def recipe(s, reading: str) -> dict:
    if reading == "paper":
        return s.shared(fixed_point.paper_collapse, s.model, n_starts=100, steps=500)
    return s.shared(fixed_point.collapse, s.model, n_starts=512, steps=500)


def figure(d: dict, path: Path, title: str) -> Path:
    """Distance to the fixed point along input-free runs (log scale), per start."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for row in d["decay"][:64]:
        ax.semilogy(np.maximum(row, 1e-30), color="tab:blue", alpha=0.25, lw=0.8)
    ax.set(xlabel="input-free step", ylabel="|h - h*| / orbit scale", title=title)
    return save(fig, path)


CLAIM = Claim(
    id="fixed-point.single", title="Without input, activity collapses to a single fixed point",
    section="4.1, Fig 3B",
    statistic="512 starts (half on-orbit, half random non-negative) iterated 500 input-free steps; "
              "last-step change, end-state spread and residual relative to the orbit scale; slow-point search",
    thresholds=(T("converged_fraction", "==", 1.0, "every run converges (SPEC)", ("P14",)),
                T("max_last_step_change", "<", 1e-6, "SPEC", ("P14",)),
                T("end_spread", "<", 1e-3, "SPEC", ("P14",)),
                T("residual", "<", 1e-6, "negligible |F(h*) - h*|", ("P14",)),
                T("other_fixed_points", "==", 0, "slow-point search finds no other fixed point", ("P15",))),
    by_construction=BIAS_FREE, controls=("line-attractor",), key="end_spread",
    paper=Reading(
        "paper", "the authors' protocol: 100 on-orbit states iterated 500 input-free steps; spread of the end "
                 "states (relative to the orbit scale) and the number of distinct end points",
        (T("end_spread", "<", 1e-3, "the end states coincide (SPEC's 1e-3; the authors drew their mean)", ("P14",)),
         T("distinct_end_points", "==", 1, "one attractor, no separate ones (P15)", ("P15",))),
        controls=("line-attractor",)),
    central="a single fixed point without input",
    recipe=recipe, figure=figure,
    cells=(cells.general(f"input-free runs from many starts; {cells.FULL_STATE}"),),
)
