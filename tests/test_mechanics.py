"""Orbit mechanics, slow regions and the kick gate (hmmrnn/analysis/orbit_mechanics.py, slow_regions.py, gate.py):
known answers, brute-force oracles, and that every statistic can say no."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import nets
from hmmrnn.analysis import gate, orbit_mechanics as om, slow_regions as sr
from hmmrnn.analysis.common import noise_run
from hmmrnn.analysis.residency import CLUSTER, KICK, TRANSITION, UNASSIGNED
from hmmrnn.claims import kick_gate, orbit_mechanics, slow_regions_output_classes
from hmmrnn.subject import Subject

torch.set_num_threads(1)


# ---------------------------------------------------------------- P17: push and pull


def test_contracting_net_pulls_back_and_its_input_pushes_out():
    """By construction for a contracting bias-free net: every recurrent step points inwards, the input's part
    points outwards on average."""
    m = nets.contracting(0)
    states = noise_run(m, 4, 200, seed=1).states
    rec, inp = om.radial_drives(m, states)
    assert rec.shape == inp.shape == (4 * 199,)
    alive = states[:, :-1].reshape(-1, 8).norm(dim=1).numpy() > 0  # a state of all-zero units has no direction
    assert alive.mean() > 0.5 and (rec[alive] <= 0.5 - 1 + 1e-5).all()  # |relu(W h)| <= 0.5 |h|
    assert inp.mean() > 0
    free, driven = om.with_without_input(m, states[:, -1], seed=0)
    assert (free < 0.5 ** 10 + 1e-6).all() and np.median(driven) > np.median(free)


def test_an_expanding_net_does_not_pull_back():
    m = nets.tiny(0, hidden=6, inputs=3)
    m.weight_hh.copy_(2.0 * torch.eye(6))  # relu(2 h) - h = h: straight outwards
    h = torch.rand(3, 5, 6, generator=torch.Generator().manual_seed(0))
    rec, _ = om.radial_drives(m, h)
    assert np.allclose(rec, 1.0, atol=1e-5)
    free, _ = om.with_without_input(m, h[:, 0], seed=0, steps=3)
    assert np.allclose(free, 8.0, rtol=1e-5)


def test_radial_components_match_a_loop_oracle():
    m = nets.tiny(3, hidden=7, inputs=3)
    h = torch.rand(2, 6, 7, generator=torch.Generator().manual_seed(1))
    rec, inp = om.radial_drives(m, h)
    W = m.weight_hh.double().numpy()
    k = 0
    for b in range(2):
        for t in range(5):
            x, y = h[b, t].double().numpy(), h[b, t + 1].double().numpy()
            free = np.maximum(W @ x, 0)
            assert rec[k] == pytest.approx((free - x) @ x / (x @ x), rel=1e-4, abs=1e-6)
            assert inp[k] == pytest.approx((y - free) @ x / (x @ x), rel=1e-4, abs=1e-6)
            k += 1


# ---------------------------------------------------------------- P21: phase and output


def _mi_oracle(a, b):
    n = len(a)
    total = 0.0
    for x in set(a):
        for y in set(b):
            pxy = sum(1 for i in range(n) if a[i] == x and b[i] == y) / n
            if pxy:
                total += pxy * math.log2(pxy / ((list(a).count(x) / n) * (list(b).count(y) / n)))
    return total


def test_mutual_information_matches_a_loop_oracle_and_known_answers():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 4, 300), rng.integers(0, 3, 300)
    assert om.mutual_information(a, b, 4, 3) == pytest.approx(_mi_oracle(a, b), abs=1e-12)
    assert om.mutual_information(a, a, 4, 4) == pytest.approx(om.entropy_bits(a, 4), abs=1e-12)
    assert om.entropy_bits(np.array([0, 1, 0, 1]), 3) == pytest.approx(1.0)


def test_phase_that_sets_the_output_beats_its_shift_null_and_an_unrelated_output_does_not():
    B, T = 4, 400
    phase = (np.arange(T)[None] // 3 + np.arange(B)[:, None] * 7) % om.BINS  # a rotating phase, 48-step period
    tied = (phase >= om.BINS // 2).astype(int)
    stat = lambda p, o: om.mutual_information(p, o, om.BINS, 2)  # noqa: E731
    mi, null, p = om.shift_null(stat, phase, tied, seed=0, n_null=50)
    assert mi == pytest.approx(1.0, abs=1e-3) and p == pytest.approx(1 / 51) and null.max() < mi
    rng = np.random.default_rng(1)
    blocks = np.repeat(rng.integers(0, 2, (B, T // 20)), 20, axis=1)  # autocorrelated, unrelated to the phase
    mi2, null2, p2 = om.shift_null(stat, phase, blocks, seed=0, n_null=50)
    assert p2 > 0.05


def test_explained_variance_known_answers():
    g = np.repeat(np.arange(4), 25)
    assert om.explained_variance(g, np.eye(4)[g], 4) == pytest.approx(1.0)  # the group sets the value
    rng = np.random.default_rng(0)
    assert om.explained_variance(rng.integers(0, 4, 4000), rng.random((4000, 3)), 4) < 0.01
    assert math.isnan(om.explained_variance(g, np.ones((100, 2)), 4))


# ---------------------------------------------------------------- P30: oscillation


def test_dwell_times_and_their_regularity():
    assert om.dwell_times(np.array([[0, 0, 1, 1, 1, 0, 0, 0, 1]])).tolist() == [3, 3]
    periodic = np.tile(np.repeat([0, 2], 10), (3, 20))
    assert om.dwell_cv_ratio(om.dwell_times(periodic)) == pytest.approx(0.0)
    rng = np.random.default_rng(0)  # a two-state Markov switch: memoryless dwell, ratio 1
    flips = rng.random((8, 5000)) < 0.1
    markov = np.cumsum(flips, axis=1) % 2
    assert om.dwell_cv_ratio(om.dwell_times(markov)) == pytest.approx(1.0, abs=0.05)
    assert math.isnan(om.dwell_cv_ratio(np.array([3, 4, 5])))


def _ar1(rng, B, T, r):
    x = np.zeros((B, T))
    e = rng.normal(size=(B, T))
    for t in range(1, T):
        x[:, t] = r * x[:, t - 1] + e[:, t]
    return x


def test_red_noise_peak_finds_an_oscillation_and_not_a_relaxation():
    rng = np.random.default_rng(0)
    B, T = 16, 1000
    relax = _ar1(rng, B, T, 0.95)
    f, ratio, _, _ = om.red_noise_peak(relax)
    assert ratio < 2.0
    t = np.arange(T)
    osc = 3 * np.sin(2 * np.pi * 0.05 * t + rng.uniform(0, 2 * np.pi, (B, 1))) + relax
    f2, ratio2, _, _ = om.red_noise_peak(osc)
    assert f2 == pytest.approx(0.05, abs=0.003) and ratio2 > 3.0


def test_sustained_fraction():
    out = np.zeros((4, 100), dtype=int)
    out[:2, 90] = 1  # two rows still switch in their last quarter
    out[2, 10] = 1  # one switched only early
    assert om.sustained_fraction(out) == 0.5


# ---------------------------------------------------------------- P19, P20: slow regions


def test_speeds():
    x = np.cumsum(np.ones((10, 2)), axis=0)  # constant velocity (1, 1)
    assert np.allclose(sr.centred_speed(x, 2)[2:-2], np.sqrt(2)) and np.isnan(sr.centred_speed(x, 2)[[0, 1, 8, 9]]).all()
    assert np.allclose(sr.one_step_speed(x)[:-1], np.sqrt(2)) and np.isnan(sr.one_step_speed(x)[-1])
    zones = np.array([CLUSTER] * 5 + [TRANSITION] * 5)
    speed = np.r_[np.ones(5), 3 * np.ones(5)]
    assert sr.speed_ratio(speed, zones) == 3.0
    assert math.isnan(sr.speed_ratio(speed, np.full(10, TRANSITION)))


def _blobs(mixed: bool, n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = np.r_[rng.normal(0, 0.3, (n, 5)), rng.normal(3, 0.3, (n, 5))]
    out = np.r_[np.zeros(n, int), 2 * np.ones(n, int)]
    if mixed:
        out = rng.permutation(out)
    return X, out


def test_two_separate_slow_regions_with_their_own_outputs():
    X, out = _blobs(False)
    r = sr.regions(X, out, seed=0)
    assert r["k"] == 2 and r["purity"] == 1.0 and sorted(r["majority"]) == [0, 2]
    probs = np.where(out[:, None] == 0, [0.9, 0.05, 0.05], [0.05, 0.05, 0.9])
    within, across = sr.tv_within_across(probs, r["labels"], seed=0)
    assert within == pytest.approx(0.0) and across == pytest.approx(0.85)


def test_regions_whose_outputs_are_mixed_are_not_pure():
    X, out = _blobs(True)
    r = sr.regions(X, out, seed=0)
    assert r["k"] == 2 and r["purity"] < 0.7
    assert sr.regions(X[:10], out[:10], seed=0)["k"] == 0  # too few states for a region


def test_passages_between_clusters_of_different_outputs():
    zones = np.array([CLUSTER, CLUSTER, KICK, TRANSITION, CLUSTER, UNASSIGNED, CLUSTER])
    outputs = np.array([0, 0, 0, 0, 2, 2, 2])
    assert sr.passages(zones, outputs) == [(1, 4)]


def test_slow_regions_recipe_gives_every_threshold_statistic():
    """On a tiny net (no clusters): every statistic the readings decide on is there, and the claim fails."""
    from hmmrnn.analysis import residency
    m = nets.tiny(0, hidden=10, inputs=4)
    zm = residency.three_zones(m, seed=0, n_locations=200, rollouts=4, horizon=20)
    got = sr.analyse(m, zm, seed=0)
    claim = slow_regions_output_classes.CLAIM
    for rd in claim.readings():
        stats = got[rd.name]
        assert {t.statistic for t in rd.thresholds} <= set(stats)
        assert rd.evaluate(stats)  # no slow regions here: the claim says no


# ---------------------------------------------------------------- P54: the kick gate


def test_open_probability_exact_and_by_draws():
    m = nets.tiny(2, hidden=8, inputs=5)
    h = torch.rand(50, 8, generator=torch.Generator().manual_seed(0))
    p = gate.open_probability(m, h, [1, 4])
    q = gate.open_fraction(m, h, [1, 4], seed=0, draws=4000)
    assert p.shape == q.shape == (50, 2) and np.abs(p - q).max() < 0.05
    # at the threshold (W_hh h = 0) the gate opens half the time; far below it never
    m.weight_hh.zero_()
    assert np.allclose(gate.open_probability(m, h, [0]), 0.5)
    m.weight_hh[0] = -10.0
    assert gate.open_probability(m, h, [0]).max() < 1e-6


def test_zone_gate_and_half_open_rt():
    zones = np.array([CLUSTER] * 4 + [KICK] * 4 + [TRANSITION] * 4 + [CLUSTER])
    p = np.r_[[0.0] * 4, [0.5] * 4, [1.0] * 4, [0.3]][:, None]
    own = np.ones(13, bool)
    own[-1] = False
    z = gate.zone_gate(p, zones, own, min_states=3)
    assert z["cluster"]["open"] == 0 and z["kick"]["variance"] == 0.25 and z["transition"]["open"] == 1
    assert "cluster" not in gate.zone_gate(p, zones, own & (zones != CLUSTER), min_states=3)
    rt = np.r_[np.full(10, 1.0), np.full(10, 5.0), np.full(10, 11.0), np.full(10, 25.0)]
    pg = np.r_[np.full(10, 1.0), np.full(10, 0.9), np.full(10, 0.3), np.full(10, 0.0)]
    assert gate.half_open_rt(pg, rt) == pytest.approx(5 + 0.4 / 0.6 * 6)
    assert math.isnan(gate.half_open_rt(np.zeros(40), rt))  # never open: no crossing


def test_gate_reading_says_no_when_the_kick_zone_is_already_open():
    """A group whose gate is open in kick zones and transitions and closed in clusters: clusters closed and
    transitions open pass, the kick zone is not at its threshold (as on linear2-seed0), and the claim fails."""
    m = nets.tiny(0, hidden=4, inputs=3)
    m.weight_hh.copy_(torch.diag(torch.tensor([1.0, 1.0, 1.0, 1.0])))
    states = torch.tensor([[-5.0, 0, 0, 0]] * 6 + [[5.0, 0, 0, 0]] * 12)  # pre-activation of neuron 0: -5 / +5
    zones = np.array([CLUSTER] * 6 + [KICK] * 6 + [TRANSITION] * 6)
    outputs = np.r_[np.zeros(17, int), [2]]
    rt = np.r_[np.full(6, 30.0), np.full(6, 5.0), np.full(6, 1.0)]
    got = gate.analyse(m, {(0, 2): [0]}, zones, states, outputs, rt, seed=0)
    s = got["strict"]
    assert s["max_cluster_open"] < 0.01 and s["min_transition_open"] > 0.99
    claim = kick_gate.CLAIM
    assert claim.reading("strict").evaluate(s) and claim.reading("paper").evaluate(got["paper"])
    # the same with the kick zone at the threshold: both readings pass
    states[6:12, 0] = 0.0
    got = gate.analyse(m, {(0, 2): [0]}, zones, states, outputs, rt, seed=0)
    assert claim.reading("strict").evaluate(got["strict"]) == []
    assert claim.reading("paper").evaluate(got["paper"]) == []


# ---------------------------------------------------------------- the claim as a whole


def test_orbit_mechanics_recipe_on_a_tiny_net():
    """Both readings carry every statistic they decide on; P17 holds by construction, P21 and P30 say no on a
    random net."""
    s = Subject(path="tiny", model=nets.tiny(1, hidden=12, inputs=4), seed=0)
    claim = orbit_mechanics.CLAIM
    for rd in claim.readings():
        stats = claim.recipe(s, rd.name)
        assert {t.statistic for t in rd.thresholds} <= set(stats) and "_plot" in stats
        verdict = rd.row_verdicts(stats)
        assert verdict["P17"] == "pass" and verdict["P30"] == "fail", (rd.name, verdict)
