"""The claims of the paper, one module per claim, each reading like its sentence: the rows it decides, its
thresholds with their why per reading, the controls it must reject, its recipe, its figure and the cells it
applies to (``CLAIM``, an ``hmmrnn.claim.Claim``). ``pytest claims`` in a checkout runs them all; shipped in the
wheel as this same package (``pytest --pyargs hmmrnn.claims``, ``hmmrnn check``). Modules whose name starts with
"_" hold what several claims of one family share.

``MODULES``: the claim modules in the report's order (imported on first use). A claim of another package joins
them through the entry-point group ``hmmrnn.claims`` (README: "Adding a claim").
"""
import importlib

NAMES = (
    # the orbit and its zones (paper 4-5)
    "fixed_point_single", "orbit_radius_scaling", "residency_three_zones", "kick_ablation_traps",
    "emission_hmm_agreement", "noise_cluster_vs_transition", "kick_preactivation_profile", "connectivity_kick_motif",
    "training_emergence", "second_order_variance", "orbit_per_output_pair", "readout_alignment",
    "training_convergence",
    # the mechanics of the orbit
    "orbit_mechanics", "slow_regions_output_classes", "kick_gate",
    # time scales
    "time_scales_resonance", "kick_noise_equivalence", "time_scales_over_training",
    # every family and configuration
    "zones_every_family", "noise_every_chain", "kick_every_configuration", "clusters_chain_length",
    "second_order_perturbative", "training_second_order_dominance",
    # training sweeps
    "training_input_dimension", "training_hidden_size", "training_sequence_length", "training_clipping",
    "training_baseline_loss",
)


def __getattr__(name: str):
    if name == "MODULES":
        return tuple(importlib.import_module(f"{__name__}.{n}") for n in NAMES)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
