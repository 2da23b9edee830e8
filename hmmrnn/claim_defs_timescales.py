"""The claims of time scales and self-induced stochastic resonance (paper 5, 6): P38, P59, P68, P72-P77.

Where the paper gives no number, the cuts were fixed once on linear2-seed0 and its controls before any
held-out fixture ran (analysis.timescales; each why gives the numbers). The controls cannot produce most of
the mechanism statistics (untrained and shuffled have no pair of opposite kick groups, pre-bifurcation has
no kick groups at all: an ERROR, counted as rejected), so those cuts are the sentence's own sign, stated so.

Positive homogeneity decides a part of these claims for every bias-free ReLU net: with h0 = 0 the run at
input scale s is exactly s times the run at scale 1 (same draws), so the argmax outputs and every dwell are
the same at every s. Verified on linear2-seed0: the outputs agree at every step of 32 x 2000 steps at each
of 6 scales (statistic min_output_agreement = 1.0); the authors' own noise sweep (plotting/variance.py) scaled
the s.d. of x_t from h0 = 0 in the same way, and every other analysis of theirs ran at s.d. 1.
"""
from .claim import Claim, Reading, Threshold as T
from .claim_defs import CLAIMS as _CORE, PAPER_READINGS as _CORE_PAPER

_core = {c.id: c for c in _CORE}
# P73 is decided with the cuts of the claims that decide its parts (P44: residency, P48: noise)
_PASSAGES = _core["residency.three-zones"].threshold("passages_via_kick_fraction")  # 0.8
_PASSAGES_PAPER = _CORE_PAPER["residency.three-zones"].threshold("passages_via_kick_fraction")  # 0.5
_NOISE_RATIO = _core["noise.cluster-vs-transition"].threshold("cluster_over_transition")  # 1.5
_NOISE_P = _core["noise.cluster-vs-transition"].threshold("mannwhitney_p")  # 0.01

HOMOGENEOUS = ("fails by construction for every bias-free ReLU RNN (P74, P75; P68 below): with h0 = 0 the run at "
               "input scale s is s times the run at scale 1, so the argmax outputs and every dwell are identical at "
               "every s (linear2-seed0: output agreement 1.0 at all 6 scales); the dwell cannot depend on s and its CV "
               "cannot be U-shaped in s. With fresh draws per s only sampling variation remains. The authors varied "
               "the noise only in their orbit-radius figure (s.d. 0.1-4 from h0 = 0, the same scaling)")

RESONANCE_CONTROLS = ("untrained", "pre-bifurcation", "shuffled")
_NO_KICK_PAIR = ("controls: untrained (kick groups 1->0, 1->2) and shuffled (0->2 only) have no pair of opposite "
                 "kick groups and pre-bifurcation has no kick groups: the claim is an ERROR on them")

CLAIMS = (
    Claim(
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
              "linear2-seed0 0.083 = 0.81 / 9.7 steps, reversed; " + _NO_KICK_PAIR + ")", ("P72",)),
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
              + _NO_KICK_PAIR + ")", ("P59", "P73")),
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
    ),

    Claim(
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
               "Controls: " + _NO_KICK_PAIR + "."),
    ),

    Claim(
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
    ),
)


PAPER_READINGS = {
    "time-scales.resonance": Reading(
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

    "kick.noise-equivalence": Reading(
        "paper", "the same manipulations and scan with fresh draws per s and per manipulation (the authors' habit)",
        (T("intact_dwell_kruskal_p", "<", 0.01, "a larger variance changes the intact dwell at all (linear2-seed0 "
           "p 0.32)", ("P68",)),
         T("max_match_error", "<=", 0.25, "'resemble': each amplified net's dwell within 25% of the intact dwell at the "
           "matched s (convention; linear2-seed0: kick 2->0 x 2 stops the switching)", ("P68",)),
         T("min_matched_s", ">", 1.0, "at a larger s", ("P68",))),
        controls=RESONANCE_CONTROLS),

    "time-scales.over-training": Reading(
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
}
