"""Paper 5, Fig 6: "kick triplets excite within and inhibit each other;
two self-exciting, cross-inhibiting populations of about 35 neurons drive them with opposite signs".

The kick groups are the checkpoint's own (hmmrnn.subject.kick_groups); the integrating populations are the 70
neurons with the largest product of mean projections onto them. Both readings read the same block means: the
strict one z-scored against weight permutations, the paper one by their signs.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hmmrnn import cells
from hmmrnn.analysis import connectivity
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.plotting import plt, save
from hmmrnn.subject import kick_groups


def recipe(s, reading: str) -> dict:
    return connectivity.kick_motif(cells.unit_weights(s.model).numpy(), kick_groups(s).neurons_by_direction(),
                                   seed=s.seed, pop_size=70, n_null=200)


def figure(d: dict, path: Path, title: str) -> Path:
    """Recurrent weights reordered: kick groups, then the two integrating populations."""
    W = d["W"][np.ix_(d["order"], d["order"])]
    v = np.percentile(np.abs(W), 98)
    fig, ax = plt.subplots(figsize=(4.6, 4))
    im = ax.imshow(W, cmap="RdBu_r", vmin=-v, vmax=v)
    edges = np.cumsum(d["sizes"])[:-1] - 0.5
    for e in edges:
        ax.axhline(e, color="k", lw=0.5)
        ax.axvline(e, color="k", lw=0.5)
    fig.colorbar(im, ax=ax, label="W[post, pre]")
    ax.set(title=f"{title}: kick A | kick B | pop P | pop Q", xlabel="pre", ylabel="post")
    return save(fig, path)


CLAIM = Claim(
    id="connectivity.kick-motif", title="Kick groups excite within and inhibit across; two integrating populations drive them",
    section="5, Fig 6",
    statistic="block means of W_hh reordered by kick groups and integrating populations (70 neurons, by the "
              "product of mean projections onto the kick groups), z-scored against 200 weight permutations",
    thresholds=(T("min_z", ">=", 2.0, "every block beyond 2 s.d. of the permutation null, in the paper's direction",
                  ("P56", "P57", "P58")),),
    controls=("untrained", "shuffled"), key="min_z",
    paper=Reading(
        "paper", "the authors' reordered weight matrix (kick triplets, 70 integrating neurons): signs of the block means",
        (T("kick_within", ">", 0.0, "triplets excite within", ("P56",)),
         T("kick_across", "<", 0.0, "and inhibit the opposite triplet", ("P56",)),
         T("pop_within", ">", 0.0, "populations self-excite", ("P57",)),
         T("pop_across", "<", 0.0, "and cross-inhibit", ("P57",)),
         T("pop_drive_contrast", ">", 0.0, "each population drives its triplet more than the other", ("P58",))),
        controls=("untrained", "shuffled")),
    central="the kick neurons' connectivity motif",
    recipe=recipe, figure=figure,
    cells=(cells.analogue(f"{cells.KICK_ANALOGUE}; {cells.UNIT_WEIGHTS}"),),
)
