"""Each claim's recipe: which analyses it runs, with which parameters, for each reading.

The pytest claim modules and ``hmmrnn.check`` both call ``statistics(claim_id, reading, subject)``, so a
notebook and ``pytest claims`` compute the same numbers. A recipe takes a ``Subject`` (one checkpoint, its
target HMM, the claims seed, and a cache shared by the claims of that checkpoint) and returns the statistics
dict its reading's thresholds are applied to ("_"-prefixed keys: plot data, not statistics).
"""
from __future__ import annotations

from typing import Callable

from .analysis import (composition, connectivity, convergence, emergence, emission, fixed_point, kick, kick_search,
                       mu_sweep, readout, second_order)
from . import cells
from .registry import ClaimError, get
from .runs import load_evolution
from .subject import (KICK_GROUP, ZONE_MAP, Subject, kick_groups, noise_paper, noise_strict,  # noqa: F401 (re-exported)
                      orbit_paper, orbit_rule, orbit_strict, zone_map)

def fixed_point_strict(s):
    return s.shared(fixed_point.collapse, s.model, n_starts=512, steps=500)


def fixed_point_paper(s):
    return s.shared(fixed_point.paper_collapse, s.model, n_starts=100, steps=500)


def pair_orbits(s):
    return s.shared(composition.pair_orbits, s.model, s.hmm)


def residency_zones(s):
    z = zone_map(s)
    return {**z.statistics, "_plot": z.plot()}


def kick_profile(s):
    z = zone_map(s)
    return kick.zone_profile(kick_groups(s).neurons_by_direction(), z.zones, z.preacts, z.outputs)


def kick_ablation_strict(s):
    trap = get("kick.ablation-traps").threshold("max_ablated_ratio")
    found = kick_groups(s)
    effects = kick.ablation(s.model, found, seed=s.seed)
    stats = kick.summary(found, effects, kick.example_trace(s.model, found, seed=s.seed))
    stats["trap_size"] = kick.trap_size(s.model, seed=s.seed)  # reported, not thresholded
    # whose fault when the discovered triplet does not trap: a greedy search by ablation, held-out ratio
    searched = kick_search.greedy_group(s.model, found, seed=s.seed, size=KICK_GROUP)
    stats.update(kick_search.summary(effects, searched, trap))
    return stats


def kick_ablation_paper(s):
    sweeps = s.shared(mu_sweep.sweep, s.model, kick_groups(s), grid=s.mu_grid, max_size=KICK_GROUP)
    stats = mu_sweep.paper_statistics(sweeps)
    stats["kick_critical_run_ratio"] = stats["kick_critical_run_mu0"] / max(stats["kick_critical_run_mu1"], 1e-12)
    stats.update({"grid": s.mu_grid, "per_direction": mu_sweep.per_direction(sweeps),
                  "_plot": mu_sweep.plot_data(sweeps)})
    return stats


def kick_motif(s):
    return connectivity.kick_motif(cells.unit_weights(s.model).numpy(), kick_groups(s).neurons_by_direction(), seed=s.seed,
                                   pop_size=70, n_null=200)


def second_order_strict(s):
    return _kicks_counted(s, s.shared(second_order.displacement, s.model))


def second_order_paper(s):
    return _kicks_counted(s, s.shared(second_order.paper_recursion, s.model))


def _kicks_counted(s, response: dict) -> dict:
    """The shared second-order response (the perturbative claim reads it too) with its kick neurons counted."""
    return {**response, "kick_in_top10": second_order.kicks_in(response["top10"], kick_groups(s).neurons)}


def emission_strict(s):
    return s.shared(emission.agreement, s.model, s.hmm, n=5000)


def emission_paper(s):
    return s.shared(emission.agreement, s.model, s.hmm, n=5000, length=100)  # the authors' 5000 x 100


def emergence_series(s):
    return s.shared(_emergence_of_run, s.path, s.hmm, orbit_rule=orbit_rule(),
                    max_spacing=get("training.emergence").threshold("epoch_gap"))


def _emergence_of_run(path: str, hmm, seed: int, **kw) -> dict:
    return emergence.emergence(load_evolution(path), hmm, seed, **kw)


def convergence_of(s):
    return s.shared(convergence.of_checkpoint, s.path, s.hmm)


def readout_alignment(s):
    """One verdict over the cohort (s.members). When the trend cannot be computed, the ClaimError carries
    the per-checkpoint numbers so that the report keeps them."""
    # a checkpoint counts only if it has an orbit
    by_states, per_member = s.shared(readout.alignment_by_states, s.members, orbit_rule=orbit_rule())
    kept = {"per_checkpoint": per_member, "_plot": {"per_checkpoint": per_member}}
    try:
        stats = readout.trend(by_states, without_orbit=[n for n, m in per_member.items() if not m["has_orbit"]])
    except ClaimError as e:
        e.statistics = kept
        raise
    return {**stats, **kept}


RECIPES: dict[tuple[str, str], Callable[[Subject], dict]] = {
    ("fixed-point.single", "strict"): fixed_point_strict,
    ("fixed-point.single", "paper"): fixed_point_paper,
    ("orbit.radius-scaling", "strict"): orbit_strict,
    ("orbit.radius-scaling", "paper"): orbit_paper,
    ("orbit.per-output-pair", "strict"): pair_orbits,
    ("orbit.per-output-pair", "paper"): pair_orbits,
    ("residency.three-zones", "strict"): residency_zones,
    ("residency.three-zones", "paper"): residency_zones,
    ("noise.cluster-vs-transition", "strict"): noise_strict,
    ("noise.cluster-vs-transition", "paper"): noise_paper,
    ("kick.preactivation-profile", "strict"): kick_profile,
    ("kick.preactivation-profile", "paper"): kick_profile,
    ("kick.ablation-traps", "strict"): kick_ablation_strict,
    ("kick.ablation-traps", "paper"): kick_ablation_paper,
    ("connectivity.kick-motif", "strict"): kick_motif,
    ("connectivity.kick-motif", "paper"): kick_motif,
    ("second-order.variance", "strict"): second_order_strict,
    ("second-order.variance", "paper"): second_order_paper,
    ("emission.hmm-agreement", "strict"): emission_strict,
    ("emission.hmm-agreement", "paper"): emission_paper,
    ("training.emergence", "strict"): emergence_series,
    ("training.emergence", "paper"): emergence_series,
    ("training.convergence", "strict"): convergence_of,
    ("training.convergence", "paper"): convergence_of,
    ("readout.alignment", "strict"): readout_alignment,
    ("readout.alignment", "paper"): readout_alignment,
}


# each group of claims keeps its recipes in its own module (imported here, after Subject and the shared pieces)
from . import recipes_cohorts, recipes_mechanics, recipes_sweeps, recipes_timescales  # noqa: E402

for _group in (recipes_mechanics, recipes_timescales, recipes_cohorts, recipes_sweeps):
    RECIPES.update(_group.RECIPES)


def statistics(claim_id: str, reading: str, subject: Subject) -> dict:
    """The statistics of one reading of one claim on one subject. On a network of another cell than the ReLU,
    the claim's applicability there first (hmmrnn.cells: an ERROR where it does not apply, the cell and any
    declared analogue added to its statistics)."""
    try:
        recipe = RECIPES[(claim_id, reading)]
    except KeyError:
        raise KeyError(f"no recipe for {claim_id}:{reading}; known claims: "
                       f"{sorted({c for c, _ in RECIPES})}") from None
    on_cell = cells.require(claim_id, subject.model, reading) if subject.model is not None else {}
    stats = recipe(subject)
    return {**stats, **on_cell} if on_cell else stats
