"""Paper 5 and 6, Fig 8: "slow integrating units and fast kick neurons"; "noise accumulates in the slow subsystem
until the kick zone triggers a fast deterministic transition"; "the period is set by noise variance and slow
integration"; "resembles self-induced stochastic resonance"; "kick activity rises sharply before the transition".

P73 is decided with the cuts and statistics of the claims that decide its parts (P44: residency.three-zones, P48:
noise.cluster-vs-transition). The shared pieces of the time-scale claims (the kick pair, the scans, homogeneity):
claims/_timescales.py.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hmmrnn import cells
from hmmrnn.analysis import timescales as ts
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.claims import noise_cluster_vs_transition, residency_three_zones
from hmmrnn.claims._timescales import NO_KICK_PAIR, kick_pair, scale_axis, scan
from hmmrnn.errors import ClaimError
from hmmrnn.plotting import plt, save
from hmmrnn.subject import zone_map

# P73 is decided with the cuts of the claims that decide its parts (P44: residency, P48: noise)
_PASSAGES = residency_three_zones.CLAIM.threshold("passages_via_kick_fraction")  # 0.8
_PASSAGES_PAPER = residency_three_zones.CLAIM.threshold("passages_via_kick_fraction", reading="paper")  # 0.5
_NOISE_RATIO = noise_cluster_vs_transition.CLAIM.threshold("cluster_over_transition")  # 1.5
_NOISE_P = noise_cluster_vs_transition.CLAIM.threshold("mannwhitney_p")  # 0.01

HOMOGENEOUS = ("fails by construction for every bias-free ReLU RNN (P74, P75; P68 below): with h0 = 0 the run at "
               "input scale s is s times the run at scale 1, so the argmax outputs and every dwell are identical at "
               "every s (linear2-seed0: output agreement 1.0 at all 6 scales); the dwell cannot depend on s and its CV "
               "cannot be U-shaped in s. With fresh draws per s only sampling variation remains. The authors varied "
               "the noise only in their orbit-radius figure (s.d. 0.1-4 from h0 = 0, the same scaling)")

RESONANCE_CONTROLS = ("untrained", "pre-bifurcation", "shuffled")


def _dynamics(s) -> tuple[dict, dict, dict]:
    kick, pops = kick_pair(s)
    return kick, pops, s.shared(ts.population_dynamics, s.model, kick=kick, populations=pops)


def _composite(s, reading: str) -> dict:
    """P73's other parts, from the claims that decide them: passages cluster -> transition through a kick zone
    (the residency claim's zone map, P44) and the noise sensitivity of clusters against transitions (the noise
    claim's statistics of this reading, P48). A part that cannot be measured is NaN with its reason."""
    nan = float("nan")
    out, missing = {}, []
    try:
        out["passages_via_kick_fraction"] = zone_map(s).statistics["passages_via_kick_fraction"]
    except ClaimError as e:
        out["passages_via_kick_fraction"] = nan
        missing.append(f"zone map: {e}")
    try:
        n = noise_cluster_vs_transition.recipe(s, reading)
        if reading == "strict":
            out.update(cluster_over_transition=n["cluster_over_transition"], mannwhitney_p=n["mannwhitney_p"])
        else:
            out["trace_cluster_over_transition"] = n["trace_cluster_over_transition"]
    except ClaimError as e:
        out.update(dict.fromkeys(("cluster_over_transition", "mannwhitney_p") if reading == "strict"
                                 else ("trace_cluster_over_transition",), nan))
        missing.append(f"noise sensitivity: {e}")
    if missing:
        out["p73_unmeasured"] = "; ".join(missing)
    return out


def recipe(s, reading: str) -> dict:
    paired = reading == "strict"  # strict: the same draws scaled; paper: fresh draws per s (the authors' habit)
    kick, pops, dyn = _dynamics(s)
    sc = scan(s, paired)
    res = ts.resonance(sc, s.seed)
    stats = {**ts.summarise_dynamics(dyn), **res, **_composite(s, reading),
             "kick_groups": {f"{a}->{c}": g for (a, c), g in kick.items()},
             "population_sizes": [len(p) for p in pops.values()],
             "per_direction": dyn["per_direction"]}
    stats["_plot"] = {"scan": {k: res[k] for k in ("scales", "mean_dwell", "dwell_cv", "markov_cv", "dwell_cv_se",
                                                     "paired_noise")},
                      "lags": dyn["lags"], "directions": dyn["plot"], "phase_bins": ts.PHASE_BINS}
    return stats


def _unit(x: np.ndarray) -> np.ndarray:
    """x rescaled to [0, 1] (its minimum to 0, its maximum to 1) so that onsets of different groups compare."""
    x = np.asarray(x, dtype=float)
    span = np.nanmax(x) - np.nanmin(x)
    return (x - np.nanmin(x)) / span if span > 0 else x * 0


def figure(d: dict, path: Path | None, title: str):
    """Paper 6, Fig 8: dwell CV and mean dwell against the input scale (with a memoryless switcher's CV);
    autocorrelation functions of the kick group and of the population that drives it; switch-aligned averages
    (each rescaled to [0, 1]); the population's profile over the dwell's phase."""
    fig, axes = plt.subplots(1, 5, figsize=(21, 3.5))
    sc = d["scan"]
    s = np.asarray(sc["scales"])
    draws = "same draws scaled" if sc["paired_noise"] else "fresh draws per s"
    a = axes[0]
    a.errorbar(s, sc["dwell_cv"], yerr=sc["dwell_cv_se"], fmt="o-", ms=4, capsize=2, label="network")
    a.plot(s, sc["markov_cv"], "s--", ms=4, color="0.5", label="memoryless switcher, same rate")
    a.set(xlabel="input scale s (noise s.d.)", ylabel="CV of dwells", title=f"{title}: {draws}")
    scale_axis(a, s)
    a.legend(fontsize=7)
    axes[1].plot(s, sc["mean_dwell"], "o-", ms=4)
    axes[1].set(xlabel="input scale s", ylabel="mean dwell (steps)", title="the period against the noise")
    scale_axis(axes[1], s)
    lags = np.asarray(d["lags"])
    for k, (name, r) in enumerate(d["directions"].items()):
        col = f"C{k}"
        axes[2].plot(r["acf_kick"], "-", color=col, label=f"kick group {name}")
        axes[2].plot(r["acf_population"], "--", color=col, label=f"population driving {name}")
        axes[3].plot(lags, _unit(r["kick"]), "-", color=col, label=f"kick {name}")
        axes[3].plot(lags, _unit(r["population"]), "--", color=col, label=f"population {name}")
        axes[3].plot(lags, _unit(r["other_population"]), ":", color=col, label=f"other population {name}")
        ph = (np.arange(d["phase_bins"]) + 0.5) / d["phase_bins"]
        axes[4].plot(ph, r["ramp"], "o-", ms=3, color=col, label=f"population driving {name}")
        axes[4].plot(ph, r["other_ramp"], "o:", ms=3, color=col, label=f"other population ({name} dwells)")
    axes[2].axhline(np.exp(-1), color="k", lw=0.5, ls=":")
    axes[2].set(xlabel="lag (steps)", ylabel="autocorrelation", title="time scales (1/e dotted)")
    axes[3].axvline(0, color="k", lw=0.5, ls=":")
    axes[3].set(xlabel="step from switch (0: first step of the new output)", ylabel="activity, rescaled to [0, 1]",
                title="switch-aligned activity")
    axes[4].set(xlabel="phase of the dwell (0: previous switch, 1: next)", ylabel="mean activity",
                title="over the dwell")
    for ax in axes[2:]:
        ax.legend(fontsize=6)
    fig.tight_layout()
    return save(fig, path)


CLAIM = Claim(
    id="time-scales.resonance",
    title="Slow integrating populations and fast kick neurons; the period set by noise; stochastic resonance",
    section="5, 6, Fig 8",
    statistic="64000 noise-driven steps (32 runs x 2000) at s = 1: 1/e autocorrelation times of the kick groups "
              "of one opposite pair and of the two integrating populations (70 neurons) that drive them, per unit "
              "and of the group means; switch-aligned averages (onset, rise time, peak) and dwell-normalised ramps; "
              "dwell mean and CV over s in {0.5, 0.75, 1, 1.5, 2, 3} on the SAME draws scaled, against a memoryless "
              "switcher with the same rate; P73 from the residency and noise claims' statistics with P59",
    thresholds=(
        T("tau_units_ratio", ">=", 2.0,
          "slow integrating units against fast kick neurons: the median unit autocorrelation time of the populations "
          "at least twice the kick neurons' (a factor 2: the harness's convention for a separation of time scales; "
          "linear2-seed0 0.083 = 0.81 / 9.7 steps, reversed; " + NO_KICK_PAIR + ")", ("P72",)),
        T("dwell_range_rel", ">=", 0.10,
          "the period is set by the noise: the mean dwell moves by >= 10% of its mean over a 6-fold range of s "
          "(convention; linear2-seed0 0.0 and every control 0.0: flat by construction)", ("P75",)),
        T("cv_argmin_interior", "==", True, "coherence resonance: the dwell CV is lowest inside the s grid "
          "(linear2-seed0: flat, argmin at the first scale)", ("P74",)),
        T("cv_u_depth", ">=", 0.10,
          "both ends of the CV curve lie >= 0.10 above its interior minimum (about 4 s.e. of a CV from ~1700 "
          "dwells; linear2-seed0 0.0, controls 0.0: flat by construction)", ("P74",)),
        T("cv_u_excess_over_markov", ">=", 0.10,
          "and the U is deeper than a memoryless switcher's with the same rate at each s (linear2-seed0 0.005)",
          ("P74",)),
        T("cv_over_markov_s1", "<=", 0.95,
          "the switching is more regular than a memoryless switcher's at s = 1 (CV / sqrt(1 - 1/mean dwell)); "
          "fixed on linear2-seed0 0.82 vs pre-bifurcation 1.08, untrained 1.34, shuffled 1.34 (fully3 controls "
          "1.14, 1.34, 1.05): the regularity is there, the resonance is not", ("P74",)),
        T("min_pop_ramp_rho", ">=", 0.5,
          "the population that drives a direction's kick group ramps over the dwells that end in that switch: rank "
          "correlation of its dwell-phase profile (10 bins) with the phase (convention; linear2-seed0 0.87; "
          + NO_KICK_PAIR + ")", ("P59", "P73")),
        T("max_pop_peak_lag", "<=", -1.0,
          "and its switch-aligned average peaks before the switch (lag <= -1, the last step of the old output; "
          "linear2-seed0 +1: it peaks with the kick group, after the switch)", ("P59", "P73")),
        T("max_kick_onset", "<=", -1.0,
          "kick activity rises before the transition: its half rise at least one step before the new output, on a "
          "run held out from the kick discovery (linear2-seed0 -2.2)", ("P77",)),
        T("min_onset_gap", ">=", 1.0,
          "sharply, after the population: the kick group's half rise at least one step (the series' resolution) "
          "later than the population's (linear2-seed0 0.73)", ("P77",)),
        T("min_rise_ratio", ">=", 1.5,
          "and steeper: the population's 10-90% rise takes at least 1.5x the kick group's (convention; "
          "linear2-seed0 1.20)", ("P77",)),
        T("min_events", ">=", 50, "enough aligned switches per direction (linear2-seed0 777)", ("P77",)),
        T("passages_via_kick_fraction", ">=", _PASSAGES,
          "P73 part P44: the residency claim's strict cut (linear2-seed0 0.92)", ("P73",)),
        T("cluster_over_transition", ">=", _NOISE_RATIO,
          "P73 part P48: the noise claim's strict cut (linear2-seed0 1.99)", ("P73",)),
        T("mannwhitney_p", "<", _NOISE_P, "P73 part P48: the noise claim's strict cut (linear2-seed0 0.002)",
          ("P73",)),
    ),
    by_construction=HOMOGENEOUS, controls=RESONANCE_CONTROLS, key="cv_u_depth",
    notes=("P73 ('noise accumulates in the slow subsystem until the kick zone triggers a fast deterministic "
           "transition') is decided from its parts: P44 (passages_via_kick_fraction of the residency claim's zone "
           "map), P48 (the noise claim's statistics, recomputed on its shared zone map: 0.25 s) and P59 (this "
           "claim's ramp and peak).",
           "Reported: tau_population / tau_kick (group means: linear2-seed0 9.3 / 10.0 steps), the other "
           "population's peak lag and ramp (per_direction: it peaks mid-dwell and falls before the switch), the "
           "paired scan's min_output_agreement (1.0: the homogeneity check), dwell_log_slope.",
           "Kick groups and populations: kick.discover's groups of the first opposite pair of directions, "
           "connectivity.integrating_populations(W, A, B, 70)."),
    paper=Reading(
        "paper", "the authors' mean_activities picture read on a long run (group means of the kick groups and the "
                 "integrating populations), and the dwell over s with FRESH draws per s (their habit): Kruskal-Wallis "
                 "across s of the runs' mean dwells, and a CV U beyond its row-bootstrap s.e.",
        (T("tau_ratio", ">", 1.0, "slow populations, fast kick neurons: the group mean's autocorrelation time longer for "
           "the populations (linear2-seed0 0.93 = 9.3 / 10.0 steps)", ("P72",)),
         T("dwell_kruskal_p", "<", 0.01, "the dwell depends on the noise: the runs' mean dwells differ across s "
           "(linear2-seed0 p 0.32; a test on independent runs, the dwells within a run are correlated)", ("P75",)),
         T("cv_argmin_interior", "==", True, "a CV minimum inside the grid (linear2-seed0: yes, by chance)", ("P74",)),
         T("cv_u_depth_z", ">=", 3.0, "both ends above it by 3 s.e. of the CV (bootstrap over runs): the quantity is "
           "flat by construction and 6 scales give many chances (linear2-seed0 1.5; pre-bifurcation 1.9, shuffled "
           "1.8, line-attractor 1.6 by chance)", ("P74",)),
         T("min_pop_late_minus_mid", ">", 0.0, "the population integrates: higher over the last 5 steps before a switch "
           "than 11-20 steps before (linear2-seed0 0.46)", ("P59", "P73")),
         T("max_pop_peak_lag", "<", 0.0, "and peaks before the switch (linear2-seed0 +1)", ("P59", "P73")),
         T("max_kick_onset", "<", 0.0, "kick activity rises before the transition (linear2-seed0 -2.2)", ("P77",)),
         T("min_onset_gap", ">", 0.0, "sharply, after the population's ramp (linear2-seed0 0.73)", ("P77",)),
         T("min_rise_ratio", ">", 1.0, "steeper than the population (linear2-seed0 1.20)", ("P77",)),
         T("passages_via_kick_fraction", ">=", _PASSAGES_PAPER, "P73 part P44: the residency claim's paper cut",
           ("P73",)),
         T("trace_cluster_over_transition", ">", 1.0, "P73 part P48: the noise claim's paper statistic and cut "
           "(linear2-seed0 0.85)", ("P73",))),
        controls=RESONANCE_CONTROLS),
    recipe=recipe, figure=figure,
    cells=(cells.analogue(f"{cells.KICK_ANALOGUE}; integrating populations from {cells.UNIT_WEIGHTS}; "
                          f"{cells.FULL_STATE}"),),
)
