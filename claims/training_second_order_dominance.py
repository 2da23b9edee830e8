"""Paper 4.1, Fig 4D, App. H: "the second-order term dominates after the transition".

Decided once per training run, over its evolution checkpoints (whole run), split at the loss's bifurcation epoch;
a run without a second descent in its loss (the convergence rule's cut) has no transition to split at: ERROR.
Both readings read the same series (analysis.second_order.over_training).
"""
from __future__ import annotations

from pathlib import Path

from hmmrnn import cells
from hmmrnn.analysis import second_order
from hmmrnn.analysis.convergence import DESCENT, loss_rule
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.controls import bifurcation_epoch
from hmmrnn.errors import ClaimError
from hmmrnn.plotting import plt, save
from hmmrnn.runs import load_evolution


def recipe(s, reading: str) -> dict:
    return s.shared(_dominance, s.path)


def _dominance(path: str, seed: int) -> dict:
    evo = load_evolution(path)
    if not evo.history:
        raise ClaimError(f"{path}: no loss history, so no bifurcation epoch to split its checkpoints at")
    try:
        descent = loss_rule(evo.history)["descent"]
    except (ValueError, IndexError, ClaimError) as e:
        raise ClaimError(f"{path}: its loss history cannot show a second descent ({e})") from None
    if descent < DESCENT:  # the convergence rule's cut: without a second descent there is no transition to split at
        raise ClaimError(f"{path}: no second descent in the loss (descent {descent:.2f} < {DESCENT}), so no "
                         f"transition to compare the checkpoints across")
    return second_order.over_training(evo.epochs, evo.models, bifurcation_epoch(evo.history), seed)


def figure(d: dict, path: Path, title: str) -> Path:
    """|E d2| and its ratio to E|d1| per evolution checkpoint, with the loss's bifurcation epoch."""
    rows = d["rows"]
    ep = [r["epoch"] for r in rows]
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(ep, [r["d2_norm"] for r in rows], "o-", label="|E d2|")
    ax.plot(ep, [r["ratio"] for r in rows], "s-", label="|E d2| / E|d1|")
    ax.axvline(d["bifurcation"], color="grey", ls="--", lw=1, label="bifurcation (loss)")
    ax.axhline(1.0, color="k", ls=":", lw=1)
    ax.set_xlabel("epoch")
    ax.legend(fontsize=7)
    ax.set_title(title, fontsize=9)
    return save(fig, path)


CLAIM = Claim(
    id="training.second-order-dominance", title="The second-order term dominates after the transition",
    section="4.1, Fig 4D, App. H",
    statistic="per evolution checkpoint (at most 10, evenly spaced, initialisation left out): |E d2| (antithetic "
              "pairs, 100 visited states x 64 draws, s = 1) and its ratio to E|d1|, the zero-mean first-order "
              "response; means after the loss's bifurcation epoch over before it",
    thresholds=(T("ratio_after", ">=", 1.0, "dominates: after the transition |E d2| is at least E|d1|", ("P34",)),
                T("ratio_rise", ">", 1.0, "and its share rose across the transition", ("P34",))),
    controls=("pre-bifurcation",), key="ratio_rise",
    notes=("linear2-seed0: ratio 0.17 after the transition (d1 five times larger), ratio_rise 0.75, |E d2| "
           "falls from 0.95 before to 0.71 after; the initialisation (|E d2| 1.55) is left out of 'before'.",
           "A run without a second descent in its loss (the convergence rule's cut, 0.20) has no transition to "
           "split at: ERROR, so the pre-bifurcation control is rejected that way (its truncated history put the "
           "steepest drop at epoch 12, where |E d2| 'rises' x1.02 on noise)."),
    paper=Reading(
        "paper", "Fig 4D: |E d2| per evolution checkpoint, higher after the transition than before",
        (T("d2_rise", ">", 1.0, "|E d2| after the bifurcation epoch above its level before (linear2-seed0 0.67)", ("P34",)),),
        controls=("pre-bifurcation",)),
    recipe=recipe, figure=figure,
    cells=(cells.general(f"|E d2| and E|d1| of the cell's own step over training; {cells.FULL_STATE}"),),
    whole_run=True,
)
