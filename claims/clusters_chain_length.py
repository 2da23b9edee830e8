"""Paper 4.1, Fig 12: "more states in a linear chain do not add slow regions" -- one verdict over S = 2..5 (each
member's slow regions from its profile, claims/_cohorts.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hmmrnn.analysis import families
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.claims._cohorts import ACROSS, profiles
from hmmrnn.plotting import plt, save


def recipe(s, reading: str) -> dict:  # the same statistics for both readings (their thresholds differ)
    prof, hmms, conv = profiles(s)
    return families.slow_region_counts(prof, {n: h.n_states for n, h in hmms.items()}, conv)


def figure(d: dict, path: Path, title: str) -> Path:
    """Slow regions per trained linear chain (converged) against its number of states S."""
    fig, ax = plt.subplots(figsize=(4, 3))
    for s, counts in d["by_S"].items():
        ax.scatter(np.full(len(counts), int(s)) + np.linspace(-0.1, 0.1, len(counts)), counts, color="tab:blue")
    ax.set_xticks([2, 3, 4, 5])
    ax.set_xlabel("states S of the linear chain")
    ax.set_ylabel("slow regions")
    ax.set_title(title, fontsize=9)
    return save(fig, path)


CLAIM = Claim(
    id="clusters.chain-length", title="More states in a linear chain do not add slow regions",
    section="4.1, Fig 12",
    statistic="slow regions = circular runs of 15-degree sectors of the "
              "orbit plane each holding at least half the uniform share of the states with residency time > 8 "
              "(analysis.families.slow_regions), per converged linear-chain member; Spearman correlation of the "
              "count with S = 2..5",
    thresholds=(T("growth", "<=", 0.0, "the median count at S=5 is not above S=2's", ("P22",)),
                T("spearman_rho", "<", 0.5,
                  "no increasing trend with S (the paper gives no number; linear2-seed0 has 2 slow regions, its "
                  "untrained, shuffled and pre-bifurcation controls 0)", ("P22",))),
    key="spearman_rho", applies_to=("linear",), across=ACROSS,
    notes=("One verdict over the run's converged trained linear chains; ERROR names each S in 2..5 without one.",
           "The count is geometric (sectors of the orbit plane), not by output class: the zone rule's cluster cut "
           "(max softmax > 0.8) would count at most the two end outputs of any chain by construction."),
    paper=Reading(
        "paper", "the authors' residency plots for S = 2..5 (Fig 12): the same number of slow regions for every S",
        (T("constant", "==", True, "the median count is the same for every S", ("P22",)),)),
    recipe=recipe, figure=figure,
)
