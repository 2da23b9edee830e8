"""Orbit rotation and radius scaling, input-free collapse, emission statistics (hmmrnn/analysis/*.py).

Synthetic inputs with known answers and brute-force oracles; residency, kick and controls have their own files.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from hmmrnn import controls
from hmmrnn.analysis import emission, fixed_point, geometry, orbit
from nets import tiny

torch.set_num_threads(1)




# ---------------------------------------------------------------- geometry.rotation


def _rotation(pts: np.ndarray, centre: np.ndarray) -> tuple[float, float]:
    return geometry.rotation(geometry.angle_steps(pts, centre))


def _circle(omega: float, B=3, T=500, centre=(0.7, -1.3), radius=2.0, seed=0) -> np.ndarray:
    phase = np.random.default_rng(seed).uniform(0, 2 * np.pi, size=(B, 1))
    a = phase + omega * np.arange(T)[None]
    return np.stack([centre[0] + radius * np.cos(a), centre[1] + radius * np.sin(a)], -1)


@given(omega=st.floats(0.01, 3.0), direction=st.sampled_from([1.0, -1.0]))
def test_rotation_constant_speed_circle_exact(omega, direction):
    # per-step angle omega (< pi, so the wrapped increment is omega itself): coherence 1, and
    # revolutions per 1000 steps = omega / (2 pi) * 1000, whatever the direction
    pts = _circle(direction * omega)
    coh, revs = _rotation(pts, np.array([0.7, -1.3]))
    assert coh == pytest.approx(1.0, abs=1e-9)
    assert revs == pytest.approx(omega / (2 * np.pi) * 1000, rel=1e-9)


def test_rotation_reversed_direction_same_numbers():
    pts = _circle(0.3, T=800)
    c = np.array([0.7, -1.3])
    assert _rotation(pts[:, ::-1], c) == pytest.approx(_rotation(pts, c), rel=1e-12)
    assert _rotation(_circle(-0.3, T=800), c) == pytest.approx(_rotation(pts, c), rel=1e-12)


def test_rotation_of_pure_jitter_is_incoherent():
    rng = np.random.default_rng(1)
    ang = rng.uniform(-np.pi, np.pi, size=(8, 4000))
    r = rng.uniform(0.5, 1.5, size=ang.shape)
    pts = np.stack([r * np.cos(ang), r * np.sin(ang)], -1)
    coh, revs = _rotation(pts, np.zeros(2))
    assert coh < 0.05  # ~ 1/sqrt(T) for independent increments
    assert revs < 10  # net winding of a random walk in angle, tiny per 1000 steps against ~ 250 for omega = pi/2


def test_rotation_of_pieces_of_different_lengths_against_a_loop():
    """Pieces (stretches of a pair's orbit): coherence weighted by length, revolutions pooled."""
    rng = np.random.default_rng(3)
    pieces = [rng.normal(0.2 * k, 0.5, size=n) for k, n in ((1, 40), (-1, 300), (2, 25))]
    net, total, steps = 0.0, 0.0, 0
    weighted = 0.0
    for d in pieces:
        turned, travelled = abs(sum(d)), sum(abs(x) for x in d)
        weighted += len(d) * turned / travelled
        net, total, steps = net + turned, total + travelled, steps + len(d)
    coh, revs = geometry.rotation(pieces)
    assert coh == pytest.approx(weighted / steps, rel=1e-12)
    assert revs == pytest.approx(net / (2 * np.pi) / steps * 1000, rel=1e-12)
    one = pieces[1]
    assert geometry.rotation([one]) == pytest.approx((abs(one.sum()) / np.abs(one).sum(),
                                                      abs(one.sum()) / (2 * np.pi) / len(one) * 1000), rel=1e-12)


# ---------------------------------------------------------------- orbit.radius_scaling (REFERENCE.md section 4a)


def test_radius_scaling_bias_free_is_exactly_proportional():
    r = orbit.radius_scaling(tiny(0), seed=1, batch=4, steps=200, warmup=20)
    radii, scales = np.array(r["radii"]), np.array(r["scales"])
    assert np.allclose(radii / scales, radii[scales == 1.0], rtol=1e-5)  # homogeneity: r(s) = s r(1)
    assert r["r_squared"] == pytest.approx(1.0, abs=1e-9)
    assert r["intercept_rel"] < 1e-5
    assert r["variance_exponent"] == pytest.approx(0.5, abs=1e-5)
    assert r["linear_in_variance"] is False


@pytest.mark.parametrize("seed", [0, 1])
def test_radius_scaling_biased_net_breaks_proportionality(seed):
    m = tiny(seed, bias=True)
    with torch.no_grad():
        m.bias_h.uniform_(-1, 1, generator=torch.Generator().manual_seed(5 + seed))
    r = orbit.radius_scaling(m, seed=1, batch=4, steps=200, warmup=20)
    assert r["intercept_rel"] > 0.05  # ~0.2 here: the statistic can say no
    assert abs(r["variance_exponent"] - 0.5) > 0.02


# ---------------------------------------------------------------- fixed_point.collapse


def test_collapse_contracting_net_single_fixed_point():
    m = tiny(0)
    m.weight_hh.mul_(0.5)  # spectral norm < 1: every start decays to h = 0
    c = fixed_point.collapse(m, seed=1, n_starts=32, steps=300, n_slow=8)
    assert c["orbit_scale"] > 0
    assert c["converged_fraction"] == 1.0
    assert c["end_spread"] < 1e-6
    assert c["fixed_point_norm"] < 1e-6
    assert c["other_fixed_points"] == 0
    assert c["contraction_rate"] < 1


def test_collapse_line_attractor_has_spread_and_other_fixed_points():
    c = fixed_point.collapse(controls.line_attractor(tiny(0), seed=3), seed=1, n_starts=32, steps=300, n_slow=8)
    assert c["end_spread"] > 1e-3  # fails the claim's single-point rule
    assert c["other_fixed_points"] > 0


def test_input_free_map_is_relu_of_recurrence():
    m = tiny(2)
    h = torch.randn(5, 12, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(fixed_point.input_free_map(m, h), torch.relu(h @ m.weight_hh.T), atol=1e-6)


# ---------------------------------------------------------------- emission


def test_empirical_against_hand_count():
    seqs = np.array([[0, 1, 1, 2], [2, 2, 0, 0]])
    e = emission.empirical(seqs, 4)  # symbol 3 never occurs
    assert np.allclose(e["marginal"], [3 / 8, 2 / 8, 3 / 8, 0])
    # pairs: 0->1, 1->1, 1->2, 2->2, 2->0, 0->0
    assert np.array_equal(e["row_counts"], [2, 2, 2, 0])
    assert np.allclose(e["transition"][:3], [[0.5, 0.5, 0, 0], [0, 0.5, 0.5, 0], [0.5, 0, 0.5, 0]])
    assert np.isnan(e["transition"][3]).all()
    assert e["volatility"] == pytest.approx(3 / 6)


@given(seed=st.integers(0, 10_000))
def test_empirical_against_loop_oracle(seed):
    rng = np.random.default_rng(seed)
    seqs = rng.integers(0, 3, size=(rng.integers(1, 6), rng.integers(2, 9)))
    e = emission.empirical(seqs, 3)
    cnt, pairs, changes = np.zeros(3), np.zeros((3, 3)), 0
    for s in seqs:
        for x in s:
            cnt[x] += 1
        for a, b in zip(s[:-1], s[1:]):
            pairs[a, b] += 1
            changes += a != b
    assert np.allclose(e["marginal"], cnt / seqs.size)
    assert np.array_equal(e["row_counts"], pairs.sum(1))
    for i in range(3):
        if pairs[i].sum():
            assert np.allclose(e["transition"][i], pairs[i] / pairs[i].sum())
    assert e["volatility"] == pytest.approx(changes / (seqs.shape[0] * (seqs.shape[1] - 1)))


def test_matched_distance_with_itself_is_zero():
    a = np.random.default_rng(0).integers(0, 3, size=(30, 12))
    assert emission.matched_distance(a, a, 3) == 0.0
    assert emission.matched_distance(a, a[::-1], 3) == pytest.approx(0.0, abs=1e-12)  # order does not matter


@given(seed=st.integers(0, 10_000))
def test_matched_distance_is_brute_force_permutation_minimum(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 3, size=(2, 4, 6))

    def dist(x, y):  # Euclidean distance of one-hot codes: sqrt(2 * number of differing positions)
        return np.sqrt(2.0 * (x != y).sum())
    best = min(np.mean([dist(a[i], b[p[i]]) for i in range(4)]) for p in itertools.permutations(range(4)))
    assert emission.matched_distance(a, b, 3) == pytest.approx(best, rel=1e-12)


def test_errors_skip_rows_below_min_row():
    exact = {"marginal": np.array([0.5, 0.25, 0.25]), "volatility": 0.4,
             "transition": np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])}
    emp = {"marginal": np.array([0.45, 0.3, 0.25]), "volatility": 0.43, "row_counts": np.array([300, 100, 250]),
           "transition": np.array([[0.75, 0.15, 0.1], [0.9, 0.05, 0.05], [0.1, 0.12, 0.78]])}
    err = emission.errors(emp, exact, min_row=200)
    assert err["transition_err"] == pytest.approx(0.05)  # row 1 (error 0.8, 100 counts) skipped
    assert err["marginal_err"] == pytest.approx(0.05)
    assert err["volatility_err"] == pytest.approx(0.03)
    assert emission.errors(emp, exact, min_row=100)["transition_err"] == pytest.approx(0.8)
    assert np.isnan(emission.errors(emp, exact, min_row=1000)["transition_err"])


def test_the_hole_is_measured_on_pooled_runs_and_one_run_is_the_old_reading():
    """hole_density over one run is ring_stats' centre_density_ratio of that run (the statistic until issue 33);
    over several, the runs' states pooled in one plane: a pure function of the seed, and the first run is kept."""
    m = tiny(3, hidden=16, inputs=4)
    one = orbit.paper_orbit(m, seed=5, batch=4, steps=200, scales=(1.0, 2.0), hole_runs=1)
    assert one["centre_density_ratio"] == pytest.approx(one["centre_density_ratio_single"])
    four = orbit.paper_orbit(m, seed=5, batch=4, steps=200, scales=(1.0, 2.0), hole_runs=4)
    assert four["centre_density_ratio_single"] == one["centre_density_ratio_single"] and four["hole_runs"] == 4
    again = orbit.paper_orbit(m, seed=5, batch=4, steps=200, scales=(1.0, 2.0))  # the default: HOLE_RUNS = 4
    assert again["hole_runs"] == orbit.HOLE_RUNS == 4
    assert again["centre_density_ratio"] == four["centre_density_ratio"]  # same seed, same number
