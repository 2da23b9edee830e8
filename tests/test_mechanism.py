"""Mechanism-level analyses: noise dispersion, connectivity motif, second-order displacement, critical pairs
(hmmrnn/analysis/noise.py, connectivity.py, second_order.py, emergence.py).

Hand-made inputs with known answers (planted motifs, rotation blocks, networks held in ReLU's linear
regime) and plain-loop oracles against the vectorised code.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

from hmmrnn.analysis import connectivity, emergence, noise, second_order
from hmmrnn.analysis.common import noise_run, seed_for
from hmmrnn.analysis.residency import CLUSTER, KICK, TRANSITION
from hmmrnn.registry import ClaimError
from nets import tiny
from hmmrnn.rnn import RNN, draw_noise, rollout

torch.set_num_threads(1)




def _starts(n, hidden, seed=0, scale=2.0) -> torch.Tensor:
    """Non-negative start states [n, H] (like visited ReLU states)."""
    return torch.rand(n, hidden, generator=torch.Generator().manual_seed(seed)) * scale


def _linear_regime(seed=0, bias=10.0, w_hh=0.3, hidden=12, inputs=4) -> RNN:
    """A net whose pre-activations stay far above the ReLU kink: a large positive bias, a small W_hh."""
    m = tiny(seed, bias=True, hidden=hidden, inputs=inputs)
    m.weight_hh.mul_(w_hh)
    m.bias_h.fill_(bias)
    return m


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
    states = _starts(2, 6, seed=mseed)
    spread, relative = noise.dispersion(m, states, seed, gammas=gammas, rollouts=5, steps=3)
    o_spread, o_relative = _dispersion_oracle(m, states, seed, gammas, 5, 3)
    assert spread.shape == relative.shape == (2, len(gammas))
    assert np.allclose(spread, o_spread, rtol=1e-3, atol=1e-8)
    assert np.allclose(relative, o_relative, rtol=1e-3, atol=1e-6)


@given(mseed=st.integers(0, 1000), bias=st.booleans())
def test_dispersion_zero_at_g0_positive_at_g1(mseed, bias):
    # g = 0: every rollout gets the same shared noise xi_0, so the end states coincide
    m = tiny(mseed, bias=bias)
    spread, relative = noise.dispersion(m, _starts(3, 12, mseed), seed=mseed, gammas=(0.0, 1.0), rollouts=20)
    assert np.all(np.abs(spread[:, 0]) < 1e-9)
    assert np.all(np.abs(relative[:, 0]) < 1e-9)
    assert np.all(spread[:, 1] > 1e-4)  # and the statistic can see spread when there is some


def test_dispersion_input_that_cannot_reach_the_state_gives_no_spread():
    states = _starts(3, 12)
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
    m = _linear_regime(seed=3)
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
    m, states = tiny(4), _starts(3, 12, 4)
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


def test_cluster_vs_transition_separates_still_from_moving_starts():
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
    loc = _starts(9, 12, 5)
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
    loc = _starts(len(zones), 12)
    with pytest.raises(ClaimError, match=f"only {missing} locations"):
        noise.cluster_vs_transition(tiny(0), zones, loc, seed=0, per_zone=5)


# ---------------------------------------------------------------- connectivity.block / integrating_populations


def test_block_hand_made():
    W = np.arange(16.0).reshape(4, 4) + 100 * np.eye(4)  # W[i, j]: from j to i
    assert connectivity.block(W, [0, 1], [2, 3]) == pytest.approx((2 + 3 + 6 + 7) / 4)  # rows = post
    assert connectivity.block(W, [2, 3], [0, 1]) == pytest.approx((8 + 9 + 12 + 13) / 4)
    assert connectivity.block(W, [0, 1], [0, 1]) == pytest.approx((100 + 1 + 4 + 105) / 4)
    assert connectivity.block(W, [0, 1], [0, 1], no_diag=True) == pytest.approx((1 + 4) / 2)
    assert connectivity.block(W, [0, 2, 3], [0, 2, 3], no_diag=True) == pytest.approx((2 + 3 + 8 + 11 + 12 + 14) / 6)
    assert connectivity.block(W, [0, 1], [2, 3], no_diag=True) == pytest.approx(4.5)  # disjoint: nothing to drop
    assert math.isnan(connectivity.block(W, [], [1]))
    assert math.isnan(connectivity.block(W, [1], []))
    assert math.isnan(connectivity.block(W, [2], [2], no_diag=True))  # only a self-connection
    assert connectivity.block(W, [2], [2]) == pytest.approx(110)


@given(seed=st.integers(0, 10_000), same=st.booleans())
def test_block_loop_oracle(seed, same):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 10))
    W = rng.normal(size=(n, n))
    perm = [int(i) for i in rng.permutation(n)]
    k = int(rng.integers(1, n))
    post = perm[:k]
    pre = post if same else perm[k:]
    for no_diag in (False, True):
        vals = [W[i, j] for i in post for j in pre if not (no_diag and i == j)]
        got = connectivity.block(W, post, pre, no_diag)
        if vals:
            assert got == pytest.approx(np.mean(vals), rel=1e-12)
        else:
            assert math.isnan(got)


def test_block_no_diag_excludes_self_connections_whatever_the_order():
    W = np.arange(9.0).reshape(3, 3) + 100 * np.eye(3)
    assert connectivity.block(W, [0, 1], [1, 0], no_diag=True) == pytest.approx(
        connectivity.block(W, [0, 1], [0, 1], no_diag=True))


def test_integrating_populations_hand_made():
    A, B = [0, 1], [2, 3]
    W = np.zeros((8, 8))
    W[np.ix_(A, [4])], W[np.ix_(B, [4])] = 1.0, -1.0  # 4 excites A, inhibits B: product -1
    W[np.ix_(A, [5])], W[np.ix_(B, [5])] = -0.5, 1.0  # 5 excites B: product -0.5
    W[np.ix_(A, [6])], W[np.ix_(B, [6])] = 0.3, 0.3  # 6 excites both: product +0.09
    W[np.ix_(A, [7])], W[np.ix_(B, [7])] = -0.1, 0.2  # 7: product -0.02
    W[np.ix_(A, [1])], W[np.ix_(B, [1])] = 5.0, -5.0  # kick neurons are never candidates
    assert connectivity.integrating_populations(W, A, B, 2) == ([4], [5])
    assert connectivity.integrating_populations(W, A, B, 3) == ([4], [5, 7])
    P, Q = connectivity.integrating_populations(W, A, B, 10)  # more than there are: every non-kick neuron
    assert sorted(P + Q) == [4, 5, 6, 7]


@given(seed=st.integers(0, 10_000))
def test_integrating_populations_loop_oracle(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 20))
    W = rng.normal(size=(n, n))
    perm = [int(i) for i in rng.permutation(n)]
    A, B = perm[:2], perm[2:5]
    size = int(rng.integers(1, n - 4))
    prod = {}
    for j in range(n):
        if j in A or j in B:
            continue
        pa = sum(W[i, j] for i in A) / len(A)
        pb = sum(W[i, j] for i in B) / len(B)
        prod[j] = (pa * pb, pa > pb)
    chosen = sorted(prod, key=lambda j: prod[j][0])[:size]
    P, Q = connectivity.integrating_populations(W, A, B, size)
    assert sorted(P) == sorted(j for j in chosen if prod[j][1])
    assert sorted(Q) == sorted(j for j in chosen if not prod[j][1])


# ---------------------------------------------------------------- connectivity.motif_stats / kick_motif


A_, B_, P_, Q_ = list(range(0, 8)), list(range(8, 16)), list(range(16, 24)), list(range(24, 32))


def _planted(n=40, seed=0, base=0.01) -> np.ndarray:
    """The paper's motif: excitation within kick groups A and B and inhibition across; integrating populations
    P and Q that excite themselves, inhibit each other, P drives A and inhibits B, Q the reverse."""
    W = np.random.default_rng(seed).normal(0, base, size=(n, n))

    def put(post, pre, v):
        W[np.ix_(post, pre)] += v
    put(A_, A_, 1), put(B_, B_, 1), put(A_, B_, -1), put(B_, A_, -1)
    put(P_, P_, 1), put(Q_, Q_, 1), put(P_, Q_, -1), put(Q_, P_, -1)
    put(A_, P_, 1), put(B_, P_, -1), put(B_, Q_, 1), put(A_, Q_, -1)
    return W


def test_motif_stats_recovers_planted_motif():
    s = connectivity.motif_stats(_planted(), A_, B_, 16)
    assert [sorted(p) for p in s["populations"]] == [P_, Q_]  # listed most negative product first
    assert s["sizes"] == (8, 8)
    assert s["kick_within"] == pytest.approx(1, abs=0.02)
    assert s["kick_across"] == pytest.approx(-1, abs=0.02)
    assert s["pop_within"] == pytest.approx(1, abs=0.02)
    assert s["pop_across"] == pytest.approx(-1, abs=0.02)
    assert s["pop_drive_contrast"] == pytest.approx(2, abs=0.02)
    for k, sign in connectivity.SIGNS.items():
        assert np.sign(s[k]) == sign


GROUPS = {(0, 1): A_, (1, 0): B_}


def test_kick_motif_planted_is_far_beyond_the_null():
    r = connectivity.kick_motif(_planted(), GROUPS, seed=0, pop_size=16, n_null=60)
    assert r["groups"] == "0->1 vs 1->0"
    assert r["population_sizes"] == [8, 8]
    for k in connectivity.SIGNS:
        assert r[f"{k}_z"] > 5, k
    assert r["min_z"] == min(r[f"{k}_z"] for k in connectivity.SIGNS)
    order = r["_plot"]["order"]
    assert order[:16] == A_ + B_ and sorted(order[16:24]) == P_ and sorted(order[24:]) == Q_


def test_kick_motif_sign_adjusted():
    # -W reverses every sign-bearing block: their z turn negative. The drive contrast stays positive: the split
    # of the populations is by which group they excite, so the contrast is positive by construction.
    r = connectivity.kick_motif(-_planted(), GROUPS, seed=0, pop_size=16, n_null=60)
    for k in ("kick_within", "kick_across", "pop_within", "pop_across"):
        assert r[f"{k}_z"] < -5, k
    assert r["pop_drive_contrast"] > 0
    assert r["min_z"] < -5


def test_kick_motif_iid_weights_are_null_like():
    W = np.random.default_rng(11).normal(size=(40, 40))
    r = connectivity.kick_motif(W, GROUPS, seed=1, pop_size=16, n_null=100)
    for k in connectivity.SIGNS:
        assert abs(r[f"{k}_z"]) < 3, (k, r[f"{k}_z"])
    # seeded: same seed, same null
    assert connectivity.kick_motif(W, GROUPS, seed=1, pop_size=16, n_null=100)["min_z"] == r["min_z"]


def test_kick_motif_needs_opposite_directions():
    with pytest.raises(ClaimError, match="opposite"):
        connectivity.kick_motif(_planted(), {(0, 1): A_, (1, 2): B_}, seed=0, n_null=2)
    # the pair is found whichever way round the dict lists it; A is the group of the smaller-first direction
    r = connectivity.kick_motif(_planted(), {(1, 0): B_, (0, 1): A_}, seed=0,
                                pop_size=16, n_null=5)
    assert r["groups"] == "0->1 vs 1->0"
    assert r["_plot"]["order"][:16] == A_ + B_


# ---------------------------------------------------------------- second_order


@pytest.mark.parametrize("bias", [False, True])
def test_one_step_by_hand(bias):
    m = tiny(6, bias=bias)
    if bias:
        m.bias_h.normal_(generator=torch.Generator().manual_seed(1))
    g = torch.Generator().manual_seed(2)
    h, x = torch.rand(7, 12, generator=g), torch.randn(7, 4, generator=g)
    b = m.bias_h if bias else 0
    want = torch.relu(h @ m.weight_hh.T + x @ m.weight_ih.T + b)
    assert torch.allclose(second_order.one_step(m, h, x), want, atol=1e-6)
    assert (want == 0).any() and (want > 0).any()  # both sides of the kink are exercised


def test_displacement_vanishes_in_linear_regime():
    # antithetic pairs: (F(h, x) + F(h, -x)) / 2 = F(h, 0) exactly when ReLU is linear along the way
    lin = _linear_regime(seed=1, bias=50.0, w_hh=0.1)
    assert (noise_run(lin, 4, 51, seed_for(0, "d2-run")).preacts > 30).all()  # precondition
    r = second_order.displacement(lin, seed=0, n_states=40, draws=64)
    assert max(r["norms"]) < 1e-3
    # the same net at its kink (no bias) has a clear second-order response
    nl = tiny(1)
    nl.weight_hh.mul_(0.1)
    assert min(second_order.displacement(nl, seed=0, n_states=40, draws=64)["norms"]) > 1e-2


def test_displacement_at_the_kink_is_first_order():
    # W_hh = 0, no bias: every state sits at the kink, F(h, s xi) = relu(s W_ih xi), so the antithetic mean is
    # s |W_ih xi| / 2 per unit: exactly proportional to s (exponent 1/2 in s^2), of expected norm
    # s sqrt(sum_i |W_ih[i]|^2 / (2 pi)) = s |W_ih|_F / sqrt(2 pi)
    m = tiny(2)
    m.weight_hh.zero_()
    r = second_order.displacement(m, seed=0, n_states=8, draws=2048)
    norms, sig = np.array(r["norms"]), np.array(r["sigmas"])
    assert np.allclose(norms / sig, norms[sig == 1.0], rtol=1e-5)
    assert r["variance_exponent"] == pytest.approx(0.5, abs=1e-5)
    assert norms[sig == 1.0][0] == pytest.approx(float(m.weight_ih.norm()) / math.sqrt(2 * math.pi), rel=0.1)


def _displacement_oracle(model, seed, n_states, draws, sigmas):
    H = noise_run(model, 4, n_states // 4 + 1, seed_for(seed, "d2-run")).states.reshape(-1, model.hidden)[:n_states]
    xi = torch.randn(draws, model.inputs, generator=torch.Generator().manual_seed(seed_for(seed, "d2-draws")))
    Wih, Whh = model.weight_ih.double(), model.weight_hh.double()
    b = model.bias_h.double() if model.bias_h is not None else 0.0

    def F(h, x):
        return torch.relu(Whh @ h + Wih @ x + b)
    v = []
    for s in sigmas:
        acc = torch.zeros(model.hidden, dtype=torch.float64)
        for h in H.double():
            d = torch.zeros(model.hidden, dtype=torch.float64)
            for x in xi.double():
                d += (F(h, s * x) + F(h, -s * x)) / 2
            acc += d / draws - F(h, torch.zeros(model.inputs, dtype=torch.float64))
        v.append((acc / len(H)).numpy())
    return np.array(v)


@given(mseed=st.integers(0, 1000), seed=st.integers(0, 1000), bias=st.booleans())
def test_displacement_against_loop_oracle(mseed, seed, bias):
    m = tiny(mseed, bias=bias, hidden=12, inputs=3)
    m.weight_hh.mul_(0.7)
    sigmas = (0.5, 1.0, 2.0)
    kick = [0, 3, 5]
    r = second_order.displacement(m, seed, n_states=6, draws=8, sigmas=sigmas, kick_neurons=kick)
    v = _displacement_oracle(m, seed, 6, 8, sigmas)
    norms = np.linalg.norm(v, axis=1)
    assert np.allclose(r["norms"], norms, rtol=1e-4, atol=1e-7)
    # top 10 by |v| at s = 1 (ties in float32 may reorder: compare the values picked, not the order)
    a = np.abs(v[1])
    assert len(r["top10"]) == 10 and len(set(r["top10"])) == 10
    assert np.allclose(np.sort(a[r["top10"]]), np.sort(a)[-10:], atol=1e-6)
    assert r["kick_in_top10"] == len(set(r["top10"]) & set(kick))


def test_displacement_kick_count_bounds():
    m = tiny(3)
    assert second_order.displacement(m, 0, n_states=8, draws=8, kick_neurons=range(12))["kick_in_top10"] == 10
    assert second_order.displacement(m, 0, n_states=8, draws=8)["kick_in_top10"] == 0


# ---------------------------------------------------------------- emergence.critical_fraction


def _rot(r: float, theta: float) -> torch.Tensor:
    c, s = math.cos(theta), math.sin(theta)
    return r * torch.tensor([[c, -s], [s, c]])


def _with_block(block: torch.Tensor, hidden=6, rest=None) -> RNN:
    """W_hh with `block` on units 0, 1 and `rest` (default 0) on the diagonal of the others."""
    m = tiny(0, hidden=hidden)
    m.weight_hh.zero_()
    m.weight_hh[:2, :2] = block
    if rest is not None:
        m.weight_hh[2:, 2:] = rest * torch.eye(hidden - 2)
    return m


def _moebius(r, theta):
    """Moebius m = (l - 1)/(l + 1) of l = r e^{i theta}, by hand."""
    den = r * r + 2 * r * math.cos(theta) + 1
    return (r * r - 1) / den, 2 * r * math.sin(theta) / den


# states whose recurrent drive W h is positive on units 0, 1 for a rotation by at most ~1 rad
ON_BLOCK = torch.tensor([[1.0, 0.2, 0, 0, 0, 0], [2.0, 0.5, 0, 0, 0, 0], [0.5, 0.1, 0, 0, 0, 0]])


def test_critical_fraction_unit_modulus_rotation_is_critical():
    m = _with_block(_rot(1.0, 0.5))
    assert (ON_BLOCK @ m.weight_hh.T)[:, :2].gt(0).all()  # precondition: units 0 and 1 active
    assert emergence.critical_fraction(m, ON_BLOCK) == 1.0
    # other active units that contract do not hide the pair: the block's eigenvalues are the union
    m2 = _with_block(_rot(1.0, 0.5), rest=0.2)
    assert emergence.critical_fraction(m2, ON_BLOCK + torch.tensor([0, 0, 1.0, 1.0, 1.0, 1.0])) == 1.0


def test_critical_fraction_contracting_is_not_critical():
    assert emergence.critical_fraction(_with_block(_rot(0.3, 0.5), rest=0.3), ON_BLOCK + 1) == 0.0
    m = tiny(0)
    m.weight_hh.mul_(0.1)
    assert emergence.critical_fraction(m, _starts(20, 12)) == 0.0


def test_critical_fraction_only_the_active_block_counts():
    m = _with_block(_rot(1.0, 0.5), rest=0.2)
    # unit 1 inactive (W h < 0 there): the active block is units 0, 2, ..., without the rotation pair
    off = torch.tensor([[1.0, -2.0, 1, 1, 1, 1]])
    act = (off @ m.weight_hh.T) > 0
    assert act[0, 0] and not act[0, 1]
    assert emergence.critical_fraction(m, off) == 0.0
    # fewer than two active units: never critical, but counted in the denominator
    single = torch.tensor([[1.0, -2.0, 0, 0, 0, 0]])
    assert emergence.critical_fraction(m, torch.cat([ON_BLOCK, single])) == pytest.approx(3 / 4)
    assert emergence.critical_fraction(m, torch.zeros(2, 6)) == 0.0  # nothing active at all


@given(r=st.floats(0.2, 3.0), theta=st.floats(0.01, 1.0))
def test_critical_fraction_is_the_moebius_rule(r, theta):
    re, im = _moebius(r, theta)
    # keep away from the thresholds, where float rounding may decide either way
    if abs(abs(re) - 0.1) < 1e-6 or abs(im - 0.05) < 1e-6:
        return
    m = _with_block(_rot(r, theta))
    want = float(abs(re) < 0.1 and im > 0.05)
    assert emergence.critical_fraction(m, ON_BLOCK) == want


def test_critical_fraction_threshold_cases():
    # modulus 1.1 at 0.5 rad: |Re m| ~ 0.05, critical; modulus 1.5: |Re m| ~ 0.21, not; a near-real pair
    # (0.05 rad, Im m ~ 0.025) is not critical however close to the unit circle
    for r, theta, want in ((1.1, 0.5, 1.0), (0.9, 0.5, 1.0), (1.5, 0.5, 0.0), (1.0, 0.05, 0.0), (1.0, 0.15, 1.0)):
        assert emergence.critical_fraction(_with_block(_rot(r, theta)), ON_BLOCK) == want, (r, theta)


def test_critical_fraction_biased_net_uses_the_biased_active_set():
    m = tiny(0, hidden=6, bias=True)
    m.weight_hh.zero_()
    m.weight_hh[:2, :2] = _rot(1.0, 0.5)
    m.bias_h.fill_(0.0)
    m.bias_h[:2] = 10.0  # units 0, 1 active at every state through the bias
    h = torch.tensor([[1.0, -2.0, 0, 0, 0, 0]])  # W_hh h alone leaves unit 1 inactive
    assert emergence.critical_fraction(m, h) == 1.0


# ---------------------------------------------------------------- emergence: the orbit-epoch rule


def _row(rot, crit, vol=0.2):
    return {"rotation_coherence": rot, "revolutions_per_1000": 5.0, "pc_variance_explained": 0.9,
            "critical_fraction": crit, "volatility": vol, "diverged": False}


RULE = {"rotation_coherence": 0.5, "pc_variance_explained": 0.6}


def _summary(rows: dict[int, dict], loss_epoch: int = 35, target: float = 0.2) -> dict:
    return emergence.summarise([{**r, "epoch": e} for e, r in sorted(rows.items())], loss_epoch, target, RULE)


def test_emergence_orbit_epoch_is_first_checkpoint_passing_every_threshold():
    rows = {10: _row(0.1, 0.0), 20: _row(0.5, 0.1), 30: _row(float("nan"), 0.2), 40: _row(0.8, 0.3),
            50: _row(0.9, 0.5, vol=0.25), 100: _row(0.9, 0.6, vol=0.21)}
    rows[20]["pc_variance_explained"] = 0.5  # passes rotation, fails planarity: not yet the orbit
    rows[40]["pc_variance_explained"] = 0.6  # thresholds are inclusive
    r = _summary(rows)
    assert r["checkpoints"] == 6
    assert r["orbit_epoch"] == 40  # epoch 30 diverged (NaN): never the orbit
    assert r["loss_descent_epoch"] == 35 and r["epoch_gap"] == 5
    assert r["orbit_stays_fraction"] == 1.0 and r["orbit_at_final"] is True
    assert r["critical_before"] == pytest.approx((0.0 + 0.1 + 0.2) / 3)
    assert r["critical_after"] == pytest.approx((0.3 + 0.5 + 0.6) / 3)
    assert r["critical_jump"] == pytest.approx(1.4 / 3 - 0.1)
    assert r["final_volatility_err"] == pytest.approx(0.01)
    assert r["late_volatility_spread"] == pytest.approx(0.05)  # last 4 checkpoints: 0.2, 0.2, 0.25, 0.21


def test_emergence_orbit_that_comes_and_goes_or_never_forms():
    r = _summary({10: _row(0.1, 0.0), 20: _row(0.7, 0.2), 30: _row(0.2, 0.1), 40: _row(0.7, 0.3), 50: _row(0.1, 0.1)})
    assert r["orbit_epoch"] == 20
    assert r["orbit_stays_fraction"] == pytest.approx(1 / 3)  # of 30, 40, 50 only 40 is an orbit
    assert r["orbit_at_final"] is False
    r = _summary({e: _row(0.1, 0.1) for e in (10, 20, 30, 40)})
    assert math.isnan(r["orbit_epoch"]) and math.isnan(r["epoch_gap"]) and math.isnan(r["critical_jump"])


def _evolution(monkeypatch, rows: dict[int, dict]):
    """An Evolution whose 'models' are epochs; checkpoint_stats and the loss's descent (epoch 35) stubbed."""
    from hmmrnn.runs import Evolution
    monkeypatch.setattr(emergence, "checkpoint_stats", lambda model, hmm, seed: dict(rows[model]))
    monkeypatch.setattr(emergence, "bifurcation_epoch", lambda history: 35)
    return Evolution("run/final.pt", sorted(rows), sorted(rows), [{"epoch": 0, "val": 1.0}])


def test_emergence_series_too_coarse_for_the_gap_is_an_error(monkeypatch):
    from hmmrnn.hmm import linear_chain
    evo = _evolution(monkeypatch, {0: _row(0.1, 0.1), 20: _row(0.1, 0.1), 40: _row(0.9, 0.3), 100: _row(0.9, 0.3)})
    with pytest.raises(ClaimError, match=r"60 epochs apart around the loss.s second descent \(epoch 35\) cannot resolve an epoch gap of 30"):
        emergence.emergence(evo, linear_chain(2), seed=0, orbit_rule=RULE, max_spacing=30)
    assert emergence.emergence(evo, linear_chain(2), seed=0, orbit_rule=RULE, max_spacing=60)["orbit_epoch"] == 40


def test_emergence_needs_four_checkpoints(monkeypatch):
    evo = _evolution(monkeypatch, {10: _row(0.9, 0.1), 20: _row(0.9, 0.1), 30: _row(0.9, 0.1)})
    with pytest.raises(ClaimError, match="found 3"):
        emergence.emergence(evo, hmm=None, seed=0, orbit_rule=RULE)


# ---------------------------------------------------------------- emergence: which evolution series, what spacing
def test_local_spacing_is_the_resolution_around_the_event():
    from hmmrnn.analysis.emergence import local_spacing
    epochs = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 310]
    assert local_spacing(epochs, at=55, reach=30) == 10  # 20..90 around epoch 55
    assert local_spacing(epochs, at=150, reach=30) == 100  # the coarse stretch is where the event is
    assert local_spacing([0, 100], at=50, reach=10) == 100


def test_a_continued_run_is_judged_with_its_source_runs_early_evolution(tmp_path):
    """A run continued from another run's final.pt (fresh Adam, recorded in training.continue_from) has
    evolution checkpoints only from the continue epoch on; its series starts with the source run's."""
    from hmmrnn.runs import evolution_series
    from hmmrnn.checkpoint import save
    m = RNN(4, 2, 3)
    src, cont = tmp_path / "fx" / "a", tmp_path / "fx" / "a-to500"
    for e in (0, 10, 20, 300):
        save(src / "evolution" / f"epoch_{e:04d}", m, {"epoch": e})
    save(src / "final", m, {"epoch": 300})
    for e in (310, 320):
        save(cont / "evolution" / f"epoch_{e:04d}", m, {"epoch": e})
    # recorded as trained: a path relative to where training ran, which need not exist from here
    save(cont / "final", m, {"epoch": 320, "training": {"continue_from": {"path": "elsewhere/a/final.pt", "epoch": 20}}})
    names = [p.parent.parent.name + "/" + p.stem for p in evolution_series(str(cont / "final.pt"))]
    assert names == ["a/epoch_0000", "a/epoch_0010", "a/epoch_0020", "a-to500/epoch_0310", "a-to500/epoch_0320"]
