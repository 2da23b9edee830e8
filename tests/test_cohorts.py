"""The mechanism in every family and chain (analysis.families) and the perturbative terms (second_order.terms,
over_training): constructed cases whose answer is known, and each rule saying no."""
import math

import numpy as np
import pytest
import torch

from nets import linear_regime, tiny
from hmmrnn.analysis import families, second_order
from hmmrnn.errors import ClaimError
from hmmrnn.claims import clusters_chain_length, kick_ablation_traps, residency_three_zones, second_order_perturbative
from hmmrnn.claims.second_order_perturbative import perturbative


def ring(angles_deg, per=200, hidden=6, radius=3.0, spread=4.0, seed=0):
    """States on a circle in the first two coordinates of H dims, bunched at the given angles (+- spread deg)."""
    rng = np.random.default_rng(seed)
    a = np.deg2rad(np.concatenate([rng.normal(d, spread, per) for d in angles_deg]))
    X = np.zeros((len(a), hidden))
    X[:, 0], X[:, 1] = radius * np.cos(a), radius * np.sin(a)
    X[:, 2:] = rng.normal(0, 0.01, (len(a), hidden - 2))
    return X


@pytest.mark.parametrize("angles, want", [((10, 190), 2), ((0, 120, 240), 3), ((45,), 1)])
def test_slow_regions_count_the_bunches_of_slow_states_around_the_orbit(angles, want):
    X = np.vstack([ring(angles), ring(np.arange(0, 360, 5), per=10, seed=1)])  # the whole ring is visited
    rt = np.r_[np.full(len(X) - 720, 30.0), np.full(720, 1.0)]  # only the bunches are slow
    assert families.slow_regions(X, rt) == want


def test_slow_regions_of_a_uniformly_slow_ring_is_one_and_of_a_fast_one_zero():
    X = ring(np.arange(0, 360, 5), per=20)
    assert families.slow_regions(X, np.full(len(X), 30.0)) == 1
    assert families.slow_regions(X, np.full(len(X), 1.0)) == 0


def _profiles(spec):
    """name -> profile from {name: (converged, passes)} on the residency claim's strict reading."""
    ok = {"min_zone_share": 0.1, "cluster_unstable_mean": 0.0, "kick_minus_cluster_unstable": 1.0,
          "cluster_sign_changes": 10.0, "passages_via_kick_fraction": 1.0}
    return ({n: {"zones": ok if passes else {**ok, "min_zone_share": 0.0}} for n, (_, passes) in spec.items()},
            {n: conv for n, (conv, _) in spec.items()})


def test_groups_hold_by_majority_strict_and_by_one_member_paper():
    prof, conv = _profiles({"a": (True, True), "b": (True, False), "c": (None, False), "d": (True, True),
                            "e": (False, True)})
    groups = {"a": "linear", "b": "linear", "c": "linear", "d": "fully", "e": "fully"}
    rd = residency_three_zones.CLAIM.reading("strict")
    half = families.holds_in_groups(prof, groups, "zones", rd, ["linear", "fully"], "half", conv)
    one = families.holds_in_groups(prof, groups, "zones", rd, ["linear", "fully"], "one", conv)
    assert half["groups"]["linear"]["pass_fraction"] == pytest.approx(1 / 3) and not half["every_group_holds"]
    assert one["every_group_holds"]
    assert half["groups"]["fully"]["not_converged"] == ["e"]  # listed, not counted
    assert half["convergence_unknown"] == ["c"]  # counted, and named


def test_a_group_without_a_member_with_an_orbit_is_an_error_naming_it():
    prof, conv = _profiles({"a": (True, True), "e": (False, True)})
    with pytest.raises(ClaimError, match=r"none in fully, cyclic \(left out, not converged .*: e\)") as e:
        families.holds_in_groups(prof, {"a": "linear", "e": "fully"}, "zones",
                                 residency_three_zones.CLAIM.reading("strict"), ["linear", "fully", "cyclic"], "half",
                                 conv)
    assert e.value.statistics["groups"]["linear"]["passing"] == ["a"]


def test_a_group_that_fails_decides_every_group_before_the_missing_ones_exist():
    """'In every group' is already false when a group with members does not hold it (P70: no existing group's kick
    neurons trap; linear:5 would not change that): a fail naming the missing groups, not an ERROR."""
    prof, conv = _profiles({"a": (True, False), "b": (True, False)})
    out = families.holds_in_groups(prof, {"a": "linear", "b": "linear"}, "zones",
                                   residency_three_zones.CLAIM.reading("strict"), ["linear", "fully"], "half", conv)
    assert out["every_group_holds"] is False and out["groups_missing"] == ["fully"]
    assert out["groups_failing"] == ["linear"]


def test_a_member_whose_part_failed_counts_against_its_group():
    prof = {"a": {"kick": {"error": "no kick events"}}}
    out = families.holds_in_groups(prof, {"a": "linear:2"}, "kick", kick_ablation_traps.CLAIM.reading("strict"),
                                   ["linear:2"], "one", {"a": True})
    assert not out["every_group_holds"]


def test_cohort_profiles_read_the_subject_kick_groups_and_a_1000_location_zone_map():
    """One zone-map rule and one kick-group rule (hmmrnn.subject), the profile's zone map at 1000 locations as
    it always was (the cohort statistics unchanged)."""
    from hmmrnn.claims import _cohorts
    from hmmrnn.subject import KICK_GROUP, ZONE_MAP
    assert _cohorts.PROFILE_ZONE_MAP == {**ZONE_MAP, "n_locations": 1000} == dict(n_locations=1000, rollouts=20,
                                                                                  horizon=60)
    assert KICK_GROUP == 3


def test_slow_region_counts_say_no_to_growth_with_the_chain():
    states = {f"m{s}{k}": s for s in (2, 3, 4, 5) for k in range(2)}
    yes = {n: True for n in states}
    flat = families.slow_region_counts({n: {"slow_regions": 2} for n in states}, states, yes)
    assert flat["constant"] and flat["growth"] == 0 and flat["spearman_rho"] == 0
    grow = families.slow_region_counts({n: {"slow_regions": s} for n, s in states.items()}, states, yes)
    assert not grow["constant"] and grow["growth"] == 3 and grow["spearman_rho"] > 0.9
    rd = clusters_chain_length.CLAIM.reading("strict")
    assert not rd.evaluate(flat) and rd.evaluate(grow)
    with pytest.raises(ClaimError, match="missing linear:5"):
        families.slow_region_counts({n: {"slow_regions": 2} for n in states}, states, {n: s != 5 for n, s in states.items()})


def test_terms_of_an_affine_map_have_no_second_order_and_the_exact_first_order():
    """Far above the ReLU kink F is affine: d2 = 0 and d1 = W_ih s xi exactly."""
    m = linear_regime(0)
    t = second_order.terms(m, seed=3, n_states=8, draws=2000, scale=1.0)
    assert t["d2_norm"] < 1e-4
    expect = torch.randn(20000, m.inputs, generator=torch.Generator().manual_seed(0)) @ m.weight_ih.T
    assert t["d1_norm"] == pytest.approx(float(expect.norm(dim=1).mean()), rel=0.05)


def test_terms_of_a_relu_net_have_a_second_order():
    assert second_order.terms(tiny(0, gain=1.5), seed=3, n_states=16, draws=64)["d2_norm"] > 1e-3


def test_over_training_needs_checkpoints_on_both_sides_of_the_transition():
    models = [tiny(k) for k in range(4)]
    out = second_order.over_training([0, 10, 20, 30], models, bifurcation=15, seed=0)
    assert [r["epoch"] for r in out["per_checkpoint"]] == [0, 10, 20, 30] and math.isfinite(out["ratio_rise"])
    with pytest.raises(ClaimError, match="both sides"):  # the initialisation does not count as "before"
        second_order.over_training([0, 20, 30], models[:3], bifurcation=15, seed=0)


def test_perturbative_gap_of_a_radius_linear_in_s_against_d2_linear_in_variance():
    s = [0.25, 0.5, 1.0, 2.0]
    out = perturbative({"scales": s, "radii": [2 * x for x in s]}, {"sigmas": s, "norms": [x * x for x in s],
                                                                   "variance_exponent": 1.0})
    assert out["radius_exponent"] == pytest.approx(0.5) and out["exponent_gap"] == pytest.approx(0.5)
    assert second_order_perturbative.CLAIM.evaluate(out)  # says no
