"""The claims of orbit mechanics, slow regions and the kick gate (paper 4.1, 5): P17, P19-P21, P30, P54.

Cuts the paper does not give were fixed once from linear2-seed0 (claims seed 20251025; where a spread is given,
claims seeds 20251025 and 1-6) against its untrained, pre-bifurcation and shuffled controls, before any held-out
fixture ran; each ``why`` gives the numbers on both sides.
"""
from .claim import Claim, Reading, Threshold as T

PUSH_PULL = ("P17 holds for every contracting bias-free ReLU net driven by noise: |relu(W_hh h)| < |h| pulls every "
             "state back towards the fixed point 0, and E relu(z + W_ih x) >= relu(z) componentwise (Jensen: relu is "
             "convex, the input has mean 0) with h >= 0 pushes it out; the untrained, pre-bifurcation and shuffled "
             "controls pass the P17 thresholds too (recurrent radial -0.84 / -0.52 / -0.23, input radial +0.19 / "
             "+0.08 / +0.015 against linear2-seed0's -0.20 / +0.028). The controls are rejected by P21 and P30.")

CLAIMS = (
    Claim(
        id="orbit.mechanics", title="Input pushes out, recurrence pulls back; rotation along the orbit sets the output "
                                    "and oscillates without periodic input",
        section="4.1, Fig 2C/3D, Fig 8; abstract",
        statistic="orbit plane's noise run (16 x 1000 steps, PCA(2)): radial components, relative to the fixed point, "
                  "of the recurrent step relu(W_hh h) - h and of the input's part h' - relu(W_hh h) (P17); mutual "
                  "information of the phase around the orbit centre (16 bins) with the argmax output, over the output's "
                  "entropy, against 200 circular shifts of the output (P21); the orbit-plane coordinates' spectral peak "
                  "over an AR(1) red-noise spectrum of the same lag-1 autocorrelation, the dwell-time CV over that of a "
                  "memoryless switch with the same mean dwell, and the share of runs still switching in their last "
                  "quarter (P30)",
        thresholds=(
            T("recurrent_radial_mean", "<", 0.0, "recurrence pulls back towards the fixed point (by construction: "
              "linear2-seed0 -0.20; untrained -0.84, pre-bifurcation -0.52, shuffled -0.23)", ("P17",)),
            T("input_radial_mean", ">", 0.0, "input pushes outward (by construction: linear2-seed0 +0.028; untrained "
              "+0.19, pre-bifurcation +0.08, shuffled +0.015)", ("P17",)),
            T("mi_p", "<", 0.01, "the phase carries information on the output beyond the circular-shift null (every "
              "control passes too: untrained 0.014 bits, null q99 0.002)", ("P21",)),
            T("phase_output_mi_fraction", ">=", 0.65, "the phase explains most of the output's entropy: linear2-seed0 "
              "0.90 (claims seeds 20251025, 1, 2: 0.896-0.898) vs shuffled 0.41, untrained 0.016, pre-bifurcation "
              "0.014; the cut is the midpoint", ("P21",)),
            T("spectral_peak_ratio", ">=", 2.7, "an oscillation: the PC1/PC2 spectrum rises above red noise at a "
              "non-zero frequency: linear2-seed0 2.95-3.78 (7 claims seeds, peak at f = 0.02, about one cluster-to-"
              "cluster round trip) vs shuffled 1.98-2.45 (a slow drift at f < 0.007), untrained 1.34-1.47, "
              "pre-bifurcation 1.33-1.47 (the red-noise maximum); the cut is the midpoint", ("P30",)),
            T("dwell_cv_ratio", "<=", 0.94, "quasi-periodic: dwell times more regular than a memoryless switch of the "
              "same mean dwell (ratio 1): linear2-seed0 0.71-0.82 (7 claims seeds) vs pre-bifurcation 1.06-1.08, "
              "untrained 1.29-1.33, shuffled 1.33-1.39; the cut is the midpoint", ("P30",)),
            T("sustained_fraction", ">=", 0.9, "sustained: the output still switches in the last quarter of (nearly) "
              "every 1000-step run (linear2-seed0 1.0; every control 1.0 too: noise keeps any of them switching)",
              ("P30",))),
        by_construction=PUSH_PULL,
        controls=("untrained", "pre-bifurcation", "shuffled"), key="phase_output_mi_fraction",
        notes=("Reported, not decided: the authors' flow field (E_x relu(W_ih x + h) - h against relu(W_hh h) - h, "
               "their visualize_flow_field) read in the orbit plane. There the expected input step points towards the "
               "projected fixed point at 98% of linear2-seed0's orbit states (plane_input_outward_fraction 0.023): it "
               "drives activity across the orbit, towards the silent units of the other cluster, and the outward push of "
               "P17 lives outside the PC1-PC2 plane.",
               "Phase: angle around the orbit-plane cloud's mean, as orbit.radius-scaling's rotation measures it.")),

    Claim(
        id="slow-regions.output-classes", title="Slow regions (clusters), each a distinct output class; passing "
                                                "between them changes the output probabilities a lot",
        section="4.1, Fig 2D",
        statistic="shared zone map (2000 consecutive noise-driven states): speed = net displacement over a centred "
                  "7-step window |h_{t+3} - h_{t-3}| / 6, median in transitions over clusters; slow regions = k-means "
                  "of the cluster-zone states (k = output classes with >= 20 cluster states), their output purity and "
                  "majority outputs; mean total variation between the softmax of two slow states in different "
                  "regions (across) and in one region (within)",
        thresholds=(
            T("speed_ratio", ">=", 1.15, "clusters are slow: linear2-seed0 1.41 (claims seeds 1-3: 1.25, 1.41, 1.27) vs "
              "shuffled 0.96 (0.91, 1.01, 0.89; over its 2-10 cluster states); untrained and pre-bifurcation have no "
              "cluster state (undefined); the cut is the midpoint of 1.25 and 1.01 (one step's speed is mostly the "
              "injected noise: 1.07 vs 0.93, reported as step_speed_ratio)", ("P19",)),
            T("slow_regions", ">=", 2, "several slow regions (linear2-seed0 2; untrained, pre-bifurcation 0 cluster "
              "states, shuffled 10 of one output: 0 regions of >= 20 states)", ("P19",)),
            T("regions_distinct", "==", True, "each region's majority output is its own", ("P19",)),
            T("region_purity", ">=", 0.9, "each slow region is one output class: linear2-seed0 0.98 (0.98, 0.99); "
              "controls have no region; 0.9 leaves a tenth of a region's states to the other output", ("P19",)),
            T("tv_across", ">=", 0.5, "a lot: at least half the probability mass moves between two slow regions "
              "(linear2-seed0 0.957)", ("P20",)),
            T("tv_across_over_within", ">=", 4.0, "across regions the probabilities differ far more than within one: "
              "linear2-seed0 15.8 (19.0, 22.4); controls have no two regions (undefined); the cut is a quarter of "
              "the reference's lowest", ("P20",))),
        controls=("untrained", "pre-bifurcation", "shuffled"), key="region_purity",
        notes=("A cluster is a zone-map state with residency time > 8 and max softmax > 0.8 (REFERENCE section 5): "
               "'slow' in the output. The speed threshold asks whether those states are also slow in state space.",
               "The regions are found without the outputs (k-means); only k, the number of output classes with >= 20 "
               "cluster states, reads them.")),

    Claim(
        id="kick.gate", title="Kick neurons sit at the ReLU threshold in kick zones, where small input changes open "
                              "the gate",
        section="5",
        statistic="per discovered kick group a -> c, on the zone map's states of output a whose next different output is "
                  "c: the exact probability, over fresh input, that each kick neuron's next pre-activation is positive, "
                  "Phi((W_hh h)_i / |W_ih[i]|), averaged over the group; per zone its mean (open) and mean Bernoulli "
                  "variance p(1-p) (at the threshold); the worst direction decides; the residency time at which the "
                  "gate is half open is reported",
        thresholds=(
            T("max_cluster_open", "<=", 0.5, "clusters closed: linear2-seed0 0.16 / 0.08 (0->2 / 2->0); shuffled 0.05 "
              "passes this one", ("P54",)),
            T("min_transition_open", ">=", 0.5, "transitions open: linear2-seed0 1.00; shuffled 0.12 (fails), untrained "
              "0.59", ("P54",)),
            T("min_kick_variance_margin", ">", 0.0, "the paper's sentence as an ordering: the kick zone's gate variance "
              "p(1-p) is above both the cluster's and the transition's (the gate is at its threshold there and not "
              "elsewhere); linear2-seed0 -0.038 (kick zone 0.013 vs cluster 0.051: its gate is already open in the "
              "kick zone), shuffled -0.016, untrained undefined (no cluster state)", ("P54",))),
        controls=("untrained", "shuffled", "pre-bifurcation"), key="min_kick_variance_margin",
        notes=("Finding on linear2-seed0: the gate of both kick groups opens at residency time 16-22 (half_open_rt), "
               "4-6 steps before the switch and inside what the paper's cuts call a cluster (RT > 8); in the kick zone "
               "(RT 2-8) it is open with probability 0.98-0.99. The kick neurons cross their threshold at the rim of "
               "the cluster, not in the kick zone.",
               "pre-bifurcation: ERROR 'no kick groups' (no switch direction with a held cluster), deliberate.")),
)


PAPER_READINGS = {
    "orbit.mechanics": Reading(
        "paper", "the authors' figures read literally: trajectories with and without input from orbit states (distance "
                 "from the fixed point after 10 steps, over the start's); the share of variance of the emission "
                 "probabilities (softmax) explained by the orbit phase against 200 circular shifts (statespace plot "
                 "coloured by output); dwell times of the output alternation (mean_activities)",
        (T("free_radius_ratio", "<", 1.0, "without input the trajectory falls back towards the fixed point (by "
           "construction: linear2-seed0 0.16; untrained 0.0001, pre-bifurcation 0.06, shuffled 0.52)", ("P17",)),
         T("driven_over_free", ">", 1.0, "with input it stays further out (by construction: linear2-seed0 6.0; every "
           "control above 1)", ("P17",)),
         T("eta2_p", "<", 0.01, "'modulates': the phase explains more of the emission probabilities than any circular "
           "shift (linear2-seed0 eta2 0.96; the controls pass too: untrained 0.022, pre-bifurcation 0.030, shuffled "
           "0.56, each above its null)", ("P21",)),
         T("dwell_cv_ratio", "<", 1.0, "'quasi-periodic': more regular than a memoryless switch of the same mean dwell "
           "(the literal reference, 1): linear2-seed0 0.82; pre-bifurcation 1.06, untrained 1.33, shuffled 1.34",
           ("P30",)),
         T("sustained_fraction", ">=", 0.9, "'sustained': (nearly) every run still switches in its last quarter",
           ("P30",))),
        controls=("untrained", "pre-bifurcation", "shuffled"),
        notes=("P17 and P21 pass on every control in this reading (P17 by construction; P21's dependence is significant "
               "for any net whose readout sees the plane): only P30 rejects them, pre-bifurcation by 0.06.",
               "Reported: the authors' flow field on their 15 x 15 grid of the orbit plane (mapped back by the PCA's "
               "inverse): grid_input_outward_fraction, linear2-seed0 0.013 (their input vector points towards the "
               "projected fixed point in the plane).")),

    "slow-regions.output-classes": Reading(
        "paper", "the authors' residency map read literally: slow regions are the clusters (RT > 8, max softmax > 0.8); "
                 "one step's speed |h_{t+1} - h_t| in clusters against transitions; each region's majority output; "
                 "output probabilities (softmax) before and after each passage from one cluster to a cluster of another "
                 "output along the run",
        (T("step_speed_ratio", ">", 1.0, "'slow': clusters move less per step than transitions (linear2-seed0 1.07; "
           "shuffled 0.93 over its 10 cluster states; untrained, pre-bifurcation no cluster)", ("P19",)),
         T("slow_regions", ">=", 2, "several slow regions", ("P19",)),
         T("regions_distinct", "==", True, "'each a distinct output class': the regions' majority outputs differ",
           ("P19",)),
         T("passage_tv_median", ">=", 0.5, "'a lot': at least half the probability mass moves over a passage "
           "(linear2-seed0 0.87 over 43 passages; controls have none)", ("P20",))),
        controls=("untrained", "pre-bifurcation", "shuffled")),

    "kick.gate": Reading(
        "paper", "the sentence read literally, over 32 fresh input draws per state (the share of draws after which "
                 "each kick neuron's pre-activation is positive, averaged over the group), per zone and direction",
        (T("kick_nearest_threshold_margin", ">", 0.0, "'sit near the ReLU threshold in kick zones': the kick zone's "
           "open share is nearer 1/2 than the cluster's and the transition's (linear2-seed0 -0.14: 0.99 open in the "
           "kick zone; shuffled -0.04)", ("P54",)),
         T("min_kick_minus_cluster_open", ">", 0.0, "'small input changes open the gate': more open in the kick zone "
           "than in the cluster (linear2-seed0 +0.83, shuffled +0.06)", ("P54",))),
        controls=("untrained", "shuffled", "pre-bifurcation")),
}
