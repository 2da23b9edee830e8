"""Paper 5, Fig 7: amplifying the kick neurons' activity (mu = 2) or the integrating population's noise drive
has effects that "resemble a larger noise variance".

The kick pair, its populations and the scans of the dwell over the input scale are time-scales.resonance's
(claims/_timescales.py): this claim reuses both scans.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hmmrnn import cells
from hmmrnn.analysis import mu_sweep, timescales as ts
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.claims._timescales import NO_KICK_PAIR, kick_pair, scale_axis, scan
from hmmrnn.claims.time_scales_resonance import RESONANCE_CONTROLS
from hmmrnn.plotting import plt, save
from hmmrnn.rnn import Intervention


def manipulations(s, kick: dict) -> dict[str, Intervention]:
    """Per direction of the kick pair, the paper's two amplifications at mu = 2 (mu_sweep's definitions): the
    recurrent drive into the kick group, and the input drive into its integrating population (the 60 strongest
    inputs of each of its kick neurons, the group removed)."""
    W = cells.unit_weights(s.model).numpy()
    H = s.model.hidden
    out = {}
    for (a, c), g in kick.items():
        out[f"kick {a}->{c}"] = Intervention.on(g, H, 2.0, kind="recurrent")
        out[f"population {a}->{c}"] = Intervention.on(mu_sweep.integrating_population(W, g), H, 2.0, kind="input")
    return out


def recipe(s, reading: str) -> dict:
    paired = reading == "strict"  # strict: the same draws scaled; paper: fresh draws per s and per manipulation
    kick, _ = kick_pair(s)
    sc = scan(s, paired)
    eq = ts.noise_equivalence(s.model, s.seed, sc, manipulations(s, kick))
    eq["intact_dwell_kruskal_p"] = ts.dwell_kruskal(sc)
    eq["paired_noise"] = paired
    eq["_plot"] = {"scales": list(sc.scales), "intact_dwell": list(sc.mean_dwell), "paired_noise": paired,
                   "per_manipulation": eq["per_manipulation"]}
    return eq


def figure(d: dict, path: Path | None, title: str):
    """Paper 5: the intact network's mean dwell against the input scale, and the dwell of each mu = 2
    amplification at s = 1 (a horizontal line; a marker at the matched scale)."""
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    s = np.asarray(d["scales"])
    ax.plot(s, d["intact_dwell"], "ko-", ms=4, label="intact, noise x s")
    for k, (name, r) in enumerate(d["per_manipulation"].items()):
        if r["mean_dwell"] is None or not np.isfinite(r["mean_dwell"]):
            ax.plot([], [], color=f"C{k}", label=f"{name} x 2: trapped")
            continue
        ax.axhline(r["mean_dwell"], color=f"C{k}", ls="--", lw=1, label=f"{name} x 2 at s = 1")
        if r["matched_s"] is not None and np.isfinite(r["matched_s"]):
            ax.plot(r["matched_s"], r["mean_dwell"], "o", color=f"C{k}", ms=7, mfc="none")
    draws = "same draws" if d["paired_noise"] else "fresh draws"
    ax.set(xlabel="input scale s (noise s.d.)", ylabel="mean dwell (steps)", title=f"{title}: {draws}")
    scale_axis(ax, s)
    ax.legend(fontsize=7)
    return save(fig, path)


CLAIM = Claim(
    id="kick.noise-equivalence",
    title="Amplifying kick activity or the population's noise drive resembles a larger noise variance",
    section="5, Fig 7",
    statistic="per direction of the kick pair, mu = 2 on the kick group's recurrent drive and on its integrating "
              "population's input drive (analysis.mu_sweep's definitions); mean dwell at s = 1 on the same draws as "
              "the intact scan over s in {0.5, ..., 3}; matched s = the scale whose intact dwell is nearest",
    thresholds=(
        T("intact_dwell_range_rel", ">=", 0.10,
          "a larger variance must change the dwell for a match to mean anything: >= 10% over the grid "
          "(linear2-seed0 0.0: flat by construction)", ("P68",)),
        T("max_match_error", "<=", 0.10,
          "each amplified net's dwell within 10% of the intact dwell at the matched s (convention; linear2-seed0: "
          "kick 0->2 x 2 lengthens the dwell 37 -> 61 steps (error 0.64), population 0->2 x 2 to 55 (0.50), "
          "population 2->0 x 2 leaves it (0.02), kick 2->0 x 2 stops the switching: no dwell, NaN)", ("P68",)),
        T("min_matched_s", ">", 1.0,
          "at a LARGER s (linear2-seed0: none, the intact dwell is the same at every s)", ("P68",)),
    ),
    by_construction=("fails by construction for every bias-free ReLU RNN: the intact dwell is identical at every "
                     "input scale (homogeneity), so no manipulation can resemble a larger noise variance in its "
                     "switching; only a manipulation that changes nothing matches, at every s alike"),
    controls=RESONANCE_CONTROLS, key="max_match_error",
    notes=("The paper's own point is the overshoot beyond the target cluster (P66, P67: the ablation claim's paper "
           "reading); matched here: the dwell (switch rate), as a larger noise would change it if it could.",
           "A manipulation that leaves fewer than 20 dwells is 'trapped', one whose activity runs away 'diverged' "
           "(no dwell to match: NaN, a failure).",
           "Controls: " + NO_KICK_PAIR + "."),
    paper=Reading(
        "paper", "the same manipulations and scan with fresh draws per s and per manipulation (the authors' habit)",
        (T("intact_dwell_kruskal_p", "<", 0.01, "a larger variance changes the intact dwell at all (linear2-seed0 "
           "p 0.32)", ("P68",)),
         T("max_match_error", "<=", 0.25, "'resemble': each amplified net's dwell within 25% of the intact dwell at the "
           "matched s (convention; linear2-seed0: kick 2->0 x 2 stops the switching)", ("P68",)),
         T("min_matched_s", ">", 1.0, "at a larger s", ("P68",))),
        controls=RESONANCE_CONTROLS),
    recipe=recipe, figure=figure,
    cells=(cells.analogue(f"{cells.KICK_ANALOGUE}; integrating populations from {cells.UNIT_WEIGHTS}"),),
)
