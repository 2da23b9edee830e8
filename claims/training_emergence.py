"""Paper 4.1, Fig 4 and 16: "over training the fixed point turns into an orbit with the loss's second descent;
critical eigenvalue pairs appear; the rate of output transitions converges".

Decided once per training run, over its evolution checkpoints (whole run). Both readings read one series
(analysis.emergence); an evolution checkpoint has an orbit by the orbit claim's own rotation rule.
"""
from __future__ import annotations

from pathlib import Path

from hmmrnn import cells
from hmmrnn.analysis import emergence
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.claims import orbit_radius_scaling
from hmmrnn.plotting import plt, save
from hmmrnn.runs import load_evolution


def recipe(s, reading: str) -> dict:
    return s.shared(_emergence_of_run, s.path, s.hmm, orbit_rule=orbit_radius_scaling.orbit_rule(),
                    max_spacing=CLAIM.threshold("epoch_gap"))


def _emergence_of_run(path: str, hmm, seed: int, **kw) -> dict:
    return emergence.emergence(load_evolution(path), hmm, seed, **kw)


def figure(d: dict, path: Path, title: str) -> Path:
    """Loss over training with the two bifurcation epochs; rotation, critical pairs, unstable directions and
    volatility."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.4))
    ep = [h["epoch"] for h in d["history"]]
    a1.plot(ep, [h["val"] for h in d["history"]], label="validation loss")
    a1.plot(ep, [h["train"] for h in d["history"]], alpha=0.5, label="train loss")
    a1.axvline(d["loss_epoch"], color="k", ls="--", lw=0.8, label=f"second descent ({d['loss_epoch']})")
    if d["orbit_epoch"] is not None:
        a1.axvline(d["orbit_epoch"], color="tab:red", ls=":", lw=1.2, label=f"orbit appears ({d['orbit_epoch']})")
    a1.set(xlabel="epoch", ylabel="Sinkhorn divergence", title=title)
    a1.legend(fontsize=7)
    rows = d["rows"]
    e = [r["epoch"] for r in rows]
    a2.plot(e, [r["rotation_coherence"] for r in rows], "o-", ms=3, label="rotation coherence")
    a2.plot(e, [r["critical_fraction"] for r in rows], "s-", ms=3, label="critical-pair fraction")
    a2.plot(e, [r.get("unstable_fraction", float("nan")) for r in rows], "d-", ms=3, label="unstable fraction")
    a2.plot(e, [r["volatility"] for r in rows], "^-", ms=3, label="output volatility")
    a2.axhline(d["target_volatility"], color="0.5", ls="--", lw=0.8, label="HMM volatility")
    a2.set(xlabel="epoch")
    a2.legend(fontsize=7)
    return save(fig, path)


CLAIM = Claim(
    id="training.emergence", title="The orbit emerges at a bifurcation epoch with the loss's second descent",
    section="4.1, Fig 4, Fig 16",
    statistic="per evolution checkpoint: rotation, critical-pair fraction, sampled volatility; orbit epoch = first "
              "checkpoint passing the orbit claim's rotation thresholds; loss epoch = steepest smoothed drop",
    thresholds=(T("epoch_gap", "<=", 30, "orbit appears with the second descent (3 evolution checkpoints)", ("P26", "P29")),
                T("orbit_stays_fraction", ">=", 0.8, "once formed, the orbit persists (later checkpoints)", ("P26",)),
                T("critical_jump", ">", 0.0, "critical eigenvalue pairs appear with the orbit", ("P28",)),
                T("final_volatility_err", "<=", 0.02, "the transition rate converges to the HMM's", ("P37",)),
                T("late_volatility_spread", "<=", 0.02, "and stays there (last 4 checkpoints)", ("P37",))),
    controls=("pre-bifurcation",), key="orbit_epoch",
    strict_reports=("P27",),  # unstable_before/after/jump: reported until a threshold is fixed on linear2-seed0
    paper=Reading(
        "paper", "the authors' series: fraction of steps whose Jacobian (gated with the input) has a critical pair "
                 "(Moebius |Re m| < 0.1, Im m > 0.05); bifurcation = first rise > 0.02; transition rate over the last 6 "
                 "checkpoints",
        (T("paper_jump_size", ">", 0.02, "critical pairs rise (the authors' jump)", ("P28",)),
         T("paper_gap_checkpoints", "<=", 1.0, "the jump coincides with the loss's second descent (within one "
           "evolution spacing: the series' resolution)", ("P29",)),
         T("paper_late_rate_spread", "<=", 0.2, "the transition rate converges: flat (max - min within 20% of the mean) "
           "over the last 6 checkpoints; set before it ran",
           ("P37",))),
        controls=("pre-bifurcation",), reports=("P27",)),
    recipe=recipe, figure=figure,
    cells=(cells.general(f"critical pairs and unstable directions per evolution checkpoint: {cells.JACOBIAN}, "
                         f"input-free and with the next step's input; {cells.FULL_STATE}"),),
    whole_run=True,
)
