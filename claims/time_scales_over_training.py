"""Abstract and paper 6: "training shifts the network into a stochastic-resonance regime"; "learning shapes the
period through the effective time constant" (over a run's evolution checkpoints).

Decided once per training run (whole_run): the evolution checkpoints of the run that wrote the checkpoint. The
populations are the final network's kick pair's (claims/_timescales.py), followed back through training.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from hmmrnn import cells
from hmmrnn.analysis import timescales as ts
from hmmrnn.checkpoint import load
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.claims._timescales import kick_pair, scale_axis
from hmmrnn.controls import bifurcation_epoch
from hmmrnn.errors import ClaimError
from hmmrnn.plotting import plt, save
from hmmrnn.runs import epoch_of, evolution_series, run_history

MAX_CHECKPOINTS = 6  # evolution checkpoints read by the whole-run claim (the first one and 5 after the descent; 10 cost
# 98 s of a CI run's claims, 6 about 60)


def _series(path: str, seed: int) -> dict:
    """The checkpoints of the run that wrote ``path`` the whole-run claim reads: the first evolution checkpoint
    and at most MAX_CHECKPOINTS - 1 evenly spaced ones from the loss's second descent on (the last included),
    loaded; the descent epoch from the loss alone (controls.bifurcation_epoch). ``seed``: unused (Subject.shared)."""
    meta = load(path).meta
    paths = evolution_series(path, meta)
    if len(paths) < 4:
        raise ClaimError(f"{path}: needs evolution checkpoints in evolution/ beside it, found {len(paths)}")
    history = run_history(path, meta)
    if not history:
        raise ClaimError(f"{path}: no loss history in its metadata")
    try:
        descent = bifurcation_epoch(history)
    except ValueError as e:
        raise ClaimError(f"{path}: {e}") from None
    epochs = [epoch_of(p) for p in paths]
    after = [i for i, e in enumerate(epochs) if e >= descent]
    pick = sorted({0, *(after[j] for j in ts.thin(len(after), MAX_CHECKPOINTS - 1))})
    return {"epochs": [epochs[i] for i in pick], "models": [load(paths[i]).model for i in pick],
            "descent_epoch": descent, "available": len(paths)}


def recipe(s, reading: str) -> dict:
    paired = reading == "strict"  # strict: the same draws scaled; paper: fresh draws per s
    _, pops = kick_pair(s)  # the final network's populations, followed back through training
    series = s.shared(_series, s.path)
    out = s.shared(ts.over_training, series["epochs"], series["models"], populations=list(pops.values()),
                   since=series["descent_epoch"], paired=paired)
    rows = out["rows"]
    stats = {k: v for k, v in out.items() if k != "rows"}
    stats.update(descent_epoch=series["descent_epoch"], evolution_checkpoints=series["available"],
                 paired_noise=paired,
                 per_checkpoint={str(r["epoch"]): {k: (round(v, 4) if isinstance(v, float) and math.isfinite(v) else v)
                                                   for k, v in r.items() if k != "epoch"} for r in rows})
    stats["_plot"] = {"rows": rows, "scales": list(ts.SCALES), "descent_epoch": series["descent_epoch"],
                      "paired_noise": paired}
    return stats


def figure(d: dict, path: Path | None, title: str):
    """Abstract, paper 6: the dwell CV against the input scale at each checkpoint read; the population's
    autocorrelation time and the mean dwell against the epoch (the loss's second descent dashed); the two
    against each other."""
    rows = d["rows"]
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.6))
    cmap = plt.get_cmap("viridis")
    n = max(len(rows) - 1, 1)
    for i, r in enumerate(rows):
        axes[0].plot(d["scales"], r["dwell_cv"], "o-", ms=3, color=cmap(i / n), label=f"epoch {r['epoch']}")
    axes[0].set(xlabel="input scale s", ylabel="CV of dwells",
                title=f"{title}: {'same draws scaled' if d['paired_noise'] else 'fresh draws per s'}")
    scale_axis(axes[0], d["scales"])
    axes[0].legend(fontsize=6, ncol=2)
    ep = [r["epoch"] for r in rows]
    a1 = axes[1]
    a1.plot(ep, [r["tau_population"] for r in rows], "o-", color="tab:blue", label="population autocorrelation time")
    a1.set(xlabel="epoch", ylabel="population time (steps)")
    a2 = a1.twinx()
    a2.plot(ep, [r["mean_dwell"] for r in rows], "s--", color="tab:red", label="mean dwell")
    a2.set_ylabel("mean dwell (steps)", color="tab:red")
    a1.axvline(d["descent_epoch"], color="k", lw=0.8, ls="--")
    a1.set_title("over training (dashed: the loss's second descent)")
    a1.legend(loc="upper left", fontsize=7)
    a2.legend(loc="lower right", fontsize=7)
    axes[2].scatter([r["tau_population"] for r in rows], [r["mean_dwell"] for r in rows],
                    c=[cmap(i / n) for i in range(len(rows))])
    for r in rows:
        if np.isfinite(r["tau_population"]) and np.isfinite(r["mean_dwell"]):
            axes[2].annotate(str(r["epoch"]), (r["tau_population"], r["mean_dwell"]), fontsize=6)
    axes[2].set(xlabel="population autocorrelation time", ylabel="mean dwell", title="period vs time constant")
    fig.tight_layout()
    return save(fig, path)


CLAIM = Claim(
    id="time-scales.over-training",
    title="Training moves the network into a stochastic-resonance regime; the period follows the population's time scale",
    section="abstract, 6",
    statistic="the run's first evolution checkpoint and up to 9 evenly spaced ones from the loss's second descent "
              "on (16 runs x 1000 steps each): the dwell CV over s (same draws scaled), its U and the excess of "
              "CV(s = 1) over the minimum; the autocorrelation time of the final network's integrating populations "
              "and the mean dwell, rank-correlated across the checkpoints after the descent",
    thresholds=(
        T("late_cv_argmin_interior", "==", True, "the late network has a CV minimum inside the grid", ("P38",)),
        T("late_cv_u_depth", ">=", 0.10, "a resonance regime: the time-scales.resonance claim's U depth "
          "(linear2-seed0 0.0 at epoch 300: flat by construction)", ("P38",)),
        T("excess_drop", ">", 0.0, "training moved s = 1 nearer the CV minimum: CV(1) - min CV smaller late than "
          "early (linear2-seed0 0.0 - 0.0)", ("P38",)),
        T("tau_dwell_spearman", ">", 0.0, "learning shapes the period through the time constant: the population's "
          "autocorrelation time and the mean dwell rise and fall together after the descent", ("P76",)),
        T("tau_dwell_p", "<", 0.05, "a rank correlation unlikely without association (one-sided p < 0.05, a "
          "convention set before measuring; permutation p; linear2-seed0 rho 0.62 over 8 checkpoints, p 0.056)", ("P76",)),
    ),
    by_construction=("P38 fails by construction for every bias-free ReLU RNN: the dwell CV is the same at every "
                     "input scale at every checkpoint (homogeneity), so no checkpoint has a resonance minimum to "
                     "move towards"),
    controls=("pre-bifurcation",), key="tau_dwell_spearman",
    notes=("Whole run: reads the evolution checkpoints of the run that wrote the checkpoint (hmmrnn.runs); ERROR "
           "without them or without a loss history. The populations are the final network's (the same units "
           "followed back through training): ERROR when the final network has no pair of opposite kick groups "
           "(the pre-bifurcation control has no kick groups).",
           "Reported: the same rank correlation over every checkpoint read (tau_dwell_spearman_all: linear2-seed0 "
           "0.73, p 0.016), which the jump at the bifurcation alone produces."),
    paper=Reading(
        "paper", "the same checkpoints with fresh draws per s; the authors' second_order series (average residence "
                 "time per checkpoint) read against the population's time scale over the whole series",
        (T("late_cv_argmin_interior", "==", True, "the late network has a CV minimum inside the grid", ("P38",)),
         T("late_cv_u_depth_z", ">=", 3.0, "beyond 3 s.e. (as time-scales.resonance's paper reading; linear2-seed0 "
           "1.1 at epoch 300)", ("P38",)),
         T("excess_drop", ">", 0.0, "s = 1 nearer the CV minimum late than early", ("P38",)),
         T("tau_dwell_spearman_all", ">", 0.0, "the population's time scale and the dwell move together over training",
           ("P76",)),
         T("tau_dwell_p_all", "<", 0.05, "one-sided p < 0.05 over every checkpoint read (linear2-seed0 rho 0.73, "
           "p 0.016: carried by the jump at the bifurcation)", ("P76",))),
        controls=("pre-bifurcation",)),
    recipe=recipe, figure=figure,
    cells=(cells.analogue(f"{cells.KICK_ANALOGUE}; integrating populations from {cells.UNIT_WEIGHTS}"),),
    whole_run=True,
)
