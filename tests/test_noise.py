"""Noise sensitivity (hmmrnn/analysis/noise.py): the dispersion of rollouts from a state against a
plain-loop oracle and networks held in ReLU's linear regime; clusters against transitions."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

from hmmrnn.analysis import noise
from hmmrnn.analysis.common import seed_for
from hmmrnn.analysis.residency import CLUSTER, KICK, TRANSITION
from hmmrnn.registry import ClaimError
from hmmrnn.rnn import RNN, draw_noise, rollout
from nets import linear_regime, starts, tiny

torch.set_num_threads(1)


# ---------------------------------------------------------------- noise.dispersion


def _dispersion_oracle(model, states, seed, gammas, rollouts, steps):
    """Per start, per gamma, per rollout: step the net by hand in float64; trace of the (unbiased) covariance of
    the end states, over |W_ih|_F^2 and over |mean end - start|^2."""
    Wih, Whh = model.weight_ih.double(), model.weight_hh.double()
    b = model.bias_h.double() if model.bias_h is not None else torch.zeros(model.hidden, dtype=torch.float64)
    spread = np.zeros((len(states), len(gammas)))
    relative = np.zeros_like(spread)
    for i, h in enumerate(states):
        g0 = torch.Generator().manual_seed(seed_for(seed, f"noise-{i}"))
        xi0 = torch.randn(1, steps, model.inputs, generator=g0)[0].double()
        fresh = torch.randn(rollouts, steps, model.inputs, generator=g0).double()
        for j, g in enumerate(gammas):
            ends = []
            for k in range(rollouts):
                x = h.double()
                for t in range(steps):
                    u = math.sqrt(1 - g * g) * xi0[t] + g * fresh[k, t]
                    x = torch.relu(Whh @ x + Wih @ u + b)
                ends.append(x)
            E = torch.stack(ends)
            mean = E.mean(0)
            tr = float(sum(((e - mean) ** 2).sum() for e in E)) / (rollouts - 1)
            spread[i, j] = tr / float((Wih ** 2).sum())
            relative[i, j] = tr / max(float(((mean - h.double()) ** 2).sum()), 1e-12)
    return spread, relative


@given(mseed=st.integers(0, 1000), seed=st.integers(0, 1000), bias=st.booleans(),
       gammas=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=3))
def test_dispersion_against_loop_oracle(mseed, seed, bias, gammas):
    m = tiny(mseed, bias=bias, hidden=6, inputs=3)
    states = starts(2, 6, seed=mseed)
    spread, relative = noise.dispersion(m, states, seed, gammas=gammas, rollouts=5, steps=3)
    o_spread, o_relative = _dispersion_oracle(m, states, seed, gammas, 5, 3)
    assert spread.shape == relative.shape == (2, len(gammas))
    assert np.allclose(spread, o_spread, rtol=1e-3, atol=1e-8)
    assert np.allclose(relative, o_relative, rtol=1e-3, atol=1e-6)


@given(mseed=st.integers(0, 1000), bias=st.booleans())
def test_dispersion_zero_at_g0_positive_at_g1(mseed, bias):
    # g = 0: every rollout gets the same shared noise xi_0, so the end states coincide
    m = tiny(mseed, bias=bias)
    spread, relative = noise.dispersion(m, starts(3, 12, mseed), seed=mseed, gammas=(0.0, 1.0), rollouts=20)
    assert np.all(np.abs(spread[:, 0]) < 1e-9)
    assert np.all(np.abs(relative[:, 0]) < 1e-9)
    assert np.all(spread[:, 1] > 1e-4)  # and the statistic can see spread when there is some


def test_dispersion_input_that_cannot_reach_the_state_gives_no_spread():
    states = starts(3, 12)
    # W_ih = 0: the noise never enters
    m = tiny(0)
    m.weight_ih.zero_()
    spread, relative = noise.dispersion(m, states, seed=1, rollouts=20)
    assert np.all(relative == 0.0) and np.all(spread == 0.0)
    # a dead net (every pre-activation below the kink): the noise enters but is cut by the ReLU
    d = tiny(0, bias=True)
    d.bias_h.fill_(-100.0)
    spread, relative = noise.dispersion(d, states, seed=1, rollouts=20)
    assert np.all(spread == 0.0) and np.all(relative == 0.0)


def test_dispersion_linear_regime_known_spread():
    # pre-activations stay positive, so the end state is linear in the inputs: across rollouts its covariance
    # is g^2 sum_k (W_hh^k W_ih)(W_hh^k W_ih)^T, whose trace over |W_ih|_F^2 is the expected spread
    m = linear_regime(seed=3)
    steps, gammas = 5, (0.0, 0.5, 1.0)
    starts = torch.full((2, 12), 10.0)
    r = rollout(m, draw_noise(500, steps, 4, 0, scale=1.5), h0=starts[:1].expand(500, -1))
    assert (r.preacts > 1.0).all()  # precondition: far from the kink even for 1.5x larger noise
    Whh, Wih = m.weight_hh.double(), m.weight_ih.double()
    energy = sum(float((torch.linalg.matrix_power(Whh, k) @ Wih).pow(2).sum()) for k in range(steps))
    per_unit_g2 = energy / float(Wih.pow(2).sum())
    spread, relative = noise.dispersion(m, starts, seed=0, gammas=gammas, rollouts=2000, steps=steps)
    for j, g in enumerate(gammas):
        assert spread[:, j] == pytest.approx(np.full(2, g * g * per_unit_g2), rel=0.1, abs=1e-9)
    assert per_unit_g2 > 1.0  # the recurrence adds spread beyond one step of fresh input


def test_dispersion_seeded():
    m, states = tiny(4), starts(3, 12, 4)
    a = noise.dispersion(m, states, seed=7, rollouts=20)
    b = noise.dispersion(m, states, seed=7, rollouts=20)
    c = noise.dispersion(m, states, seed=8, rollouts=20)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.allclose(a[0][:, 1:], c[0][:, 1:])
    assert not np.allclose(a[1][:, 1:], c[1][:, 1:])


# ---------------------------------------------------------------- noise.cluster_vs_transition


def _contracting() -> RNN:
    m = tiny(2)
    m.weight_hh.mul_(0.3)
    return m


def _zones_near_and_far(n=5):
    """Zones and locations: n starts near h = 0 (where a contracting net barely moves: large relative dispersion),
    n starts of norm ~ 40 (large deterministic drift: small relative dispersion), 2 kick-zone starts."""
    g = torch.Generator().manual_seed(0)
    near = torch.rand(n, 12, generator=g) * 0.01
    far = 10 + torch.rand(n, 12, generator=g)
    kick = torch.rand(2, 12, generator=g)
    return torch.cat([near, far, kick]), np.array([0] * n + [1] * n + [2] * 2)


def test_cluster_vs_transition_separates_still_from_movingstarts():
    m = _contracting()
    loc, part = _zones_near_and_far()
    zones = np.select([part == 0, part == 1], [CLUSTER, TRANSITION], KICK)
    r = noise.cluster_vs_transition(m, zones, loc, seed=0)
    assert {"cluster_over_transition", "mannwhitney_p", "cluster_monotone", "gammas",
            "cluster_relative_dispersion", "transition_relative_dispersion"} <= set(r)
    assert r["gammas"] == list(noise.GAMMAS)
    assert len(r["cluster_relative_dispersion"]) == len(noise.GAMMAS)
    assert r["cluster_over_transition"] > 10
    assert r["mannwhitney_p"] == pytest.approx(1 / 252, rel=1e-6)  # complete separation of 5 against 5, one-sided
    assert r["cluster_monotone"] is True
    assert r["cluster_relative_dispersion"][0] == pytest.approx(0.0, abs=1e-9)
    # the same locations with the labels swapped: the claim's direction reverses
    swapped = np.select([part == 0, part == 1], [TRANSITION, CLUSTER], KICK)
    s = noise.cluster_vs_transition(m, swapped, loc, seed=0)
    assert s["cluster_over_transition"] < 0.1
    assert s["mannwhitney_p"] > 0.99


def test_cluster_vs_transition_aggregates_the_dispersions_it_picks():
    m = tiny(5)
    loc = starts(9, 12, 5)
    zones = np.array([CLUSTER, TRANSITION, KICK, CLUSTER, TRANSITION, CLUSTER, TRANSITION, CLUSTER, TRANSITION])
    r = noise.cluster_vs_transition(m, zones, loc, seed=3, per_zone=3)
    rng = np.random.default_rng(seed_for(3, "noise-pick"))
    rel = {}
    for name, z in (("cluster", CLUSTER), ("transition", TRANSITION)):
        idx = np.nonzero(zones == z)[0]
        pick = rng.choice(idx, 3, replace=False)
        assert set(pick) <= set(idx)
        rel[name] = noise.dispersion(m, loc[pick], 3)[1]
    c, t = np.median(rel["cluster"], 0), np.median(rel["transition"], 0)
    assert np.allclose(r["cluster_relative_dispersion"], c)
    assert np.allclose(r["transition_relative_dispersion"], t)
    assert r["cluster_over_transition"] == pytest.approx(c[-1] / t[-1])
    assert r["mannwhitney_p"] == pytest.approx(
        mannwhitneyu(rel["cluster"][:, -1], rel["transition"][:, -1], alternative="greater").pvalue)
    assert r["cluster_monotone"] == bool(np.all(np.diff(c) > 0))


@pytest.mark.parametrize("n_cluster, n_transition, missing", [(2, 5, "2 cluster"), (0, 5, "0 cluster"),
                                                               (5, 2, "2 transition"), (4, 0, "0 transition")])
def test_cluster_vs_transition_too_few_locations(n_cluster, n_transition, missing):
    zones = np.array([CLUSTER] * n_cluster + [TRANSITION] * n_transition + [KICK] * 6)
    loc = starts(len(zones), 12)
    with pytest.raises(ClaimError, match=f"only {missing} locations"):
        noise.cluster_vs_transition(tiny(0), zones, loc, seed=0, per_zone=5)
