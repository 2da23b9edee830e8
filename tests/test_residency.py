"""Residency times, zones, passages and unstable directions (hmmrnn/analysis/residency.py, REFERENCE.md 4-5)."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from nets import tiny
from hmmrnn.analysis import residency
from hmmrnn.analysis.common import seed_for
from hmmrnn.analysis.residency import CLUSTER, KICK, TRANSITION, UNASSIGNED
from hmmrnn.rnn import RNN, draw_noise

torch.set_num_threads(1)
H, D = 12, 4




# ---------------------------------------------------------------- zones (boundaries of REFERENCE.md section 5)


def test_zones_boundaries():
    rt = np.array([1.0, 1.99, 2.0, 5.0, 8.0, 8.01, 8.01, 8.01, 60.0])
    pmax = np.array([0.9, 0.9, 0.5, 0.9, 0.99, 0.9, 0.5, 0.8, 0.81])
    assert residency.zones(rt, pmax).tolist() == [TRANSITION, TRANSITION, KICK, KICK, KICK,
                                                  CLUSTER, UNASSIGNED, UNASSIGNED, CLUSTER]


# ---------------------------------------------------------------- passages_through_kick

C, K, T, U = CLUSTER, KICK, TRANSITION, UNASSIGNED


@pytest.mark.parametrize("z, expected", [
    ([C, K, T], (1, 1)),              # cluster -> kick -> transition: via kick
    ([C, T], (1, 0)),                 # straight into a transition: counted, not via kick
    ([C, K, K, K, T], (1, 1)),
    ([K, T], (0, 0)),                 # no cluster before: not a passage
    ([T, T, C], (0, 0)),
    ([C, T, T], (1, 0)),              # a passage ends at its first transition
    ([C, T, K, T], (1, 0)),           # ... and the flag is cleared until the next cluster
    ([C, K, C, T], (1, 0)),           # back in the cluster: the kick visit is forgotten
    # unassigned locations are transparent: the last-cluster flag and the kick flag survive them
    ([C, U, T], (1, 0)),
    ([C, U, K, U, T], (1, 1)),
    ([C, K, U, U, T], (1, 1)),
    ([U, K, T], (0, 0)),
    ([T, C, K, T, C, T, C, C, K, T], (3, 2)),
])
def test_passages_through_kick_hand_made(z, expected):
    assert residency.passages_through_kick(np.array(z)) == expected


@given(z=st.lists(st.sampled_from([C, K, T, U]), max_size=40))
def test_passages_through_kick_regex_oracle(z):
    # with unassigned dropped, a passage is "C K* T" whose C is the last cluster location before the T
    s = "".join("TKCU"[v] for v in z).replace("U", "")
    m = list(re.finditer(r"C(K*)T", s))
    assert residency.passages_through_kick(np.array(z, dtype=int)) == (len(m), sum(bool(x.group(1)) for x in m))


# ---------------------------------------------------------------- unstable_directions vs the full Jacobian


@pytest.mark.parametrize("bias", [False, True])
def test_unstable_directions_brute_force(bias):
    m = tiny(3, bias=bias)
    m.weight_hh.mul_(4.0)  # big enough that many locations have eigenvalues outside the unit circle
    if bias:
        m.bias_h.uniform_(-0.5, 0.5, generator=torch.Generator().manual_seed(9))
    loc = torch.randn(40, H, generator=torch.Generator().manual_seed(1))
    W = m.weight_hh.double().numpy()
    b = m.bias_h.double().numpy() if bias else 0.0
    expected = []
    for h in loc.double().numpy():
        J = np.diag((W @ h + b > 0).astype(float)) @ W
        ev = np.abs(np.linalg.eigvals(J))
        assert np.min(np.abs(ev - 1)) > 1e-6  # no borderline eigenvalue that rounding could flip
        expected.append(int((ev > 1).sum()))
    got = residency.unstable_directions(m, loc)
    assert got.tolist() == expected
    assert len(set(expected)) > 2  # the oracle is not trivially constant


# ---------------------------------------------------------------- residency_times


def _rt_oracle(m: RNN, loc: torch.Tensor, seed: int, R: int, horizon: int):
    """Per location, one rollout at a time in float64: first switch step; the paper's sign changes (of the
    step-to-step change of the start's dominant logit, from the location up to the step before the switch);
    and sign changes of the increment of the margin (own logit - best other) over the margins of steps
    1..first; each averaged over R rollouts."""
    noise = draw_noise(len(loc) * R, horizon, D, seed_for(seed, "rt")).double().numpy()
    Wih, Whh, Wo = (w.double().numpy() for w in (m.weight_ih, m.weight_hh, m.weight_o))
    bh = m.bias_h.double().numpy() if m.bias_h is not None else np.zeros(H)
    bo = m.bias_o.double().numpy() if m.bias_o is not None else np.zeros(3)
    rt, fl, pp = np.zeros(len(loc)), np.zeros(len(loc)), np.zeros(len(loc))
    for n, h0 in enumerate(loc.double().numpy()):
        k = int(np.argmax(Wo @ h0 + bo))
        for r in range(R):
            h, margins, first = h0, [], horizon
            tracked = [(Wo @ h0 + bo)[k]]
            for t in range(horizon):
                h = np.maximum(Whh @ h + Wih @ noise[n * R + r, t] + bh, 0)
                lg = Wo @ h + bo
                margins.append(lg[k] - np.delete(lg, k).max())
                if int(np.argmax(lg)) != k:
                    first = t + 1
                    break
                tracked.append(lg[k])
            inc = np.diff(margins)
            rt[n] += first / R
            fl[n] += (np.sign(inc[1:]) * np.sign(inc[:-1]) < 0).sum() / R
            c = np.diff(tracked)
            pp[n] += (np.sign(c[1:]) * np.sign(c[:-1]) < 0).sum() / R
    return rt, pp, fl


@pytest.mark.parametrize("favour0", [None, 0.4])  # 0.4: a readout bias towards output 0, long residencies
def test_residency_times_match_loop_oracle(favour0):
    m = tiny(4, bias=favour0 is not None)
    if favour0 is not None:
        m.bias_h.zero_()
        m.bias_o.copy_(torch.tensor([favour0, 0.0, 0.0]))
    loc = torch.rand(6, H, generator=torch.Generator().manual_seed(2))
    rt, paper, margin = residency.residency_times(m, loc, seed=7, rollouts=5, horizon=25)
    ort, opp, ofl = _rt_oracle(m, loc, 7, 5, 25)
    assert np.allclose(rt, ort) and np.allclose(paper, opp) and np.allclose(margin, ofl)
    assert (paper != margin).any()  # the two counts are different statistics


def test_residency_times_known_answers():
    # readout: logit0 = sum h + 0.5, logit1 = logit2 = -sum h (- 10 for logit2). For h >= 0 output 0 always wins.
    m = tiny(5, bias=True)
    m.weight_o.copy_(torch.tensor([[1.0] * H, [-1.0] * H, [-1.0] * H]))
    m.bias_o.copy_(torch.tensor([0.5, 0.0, -10.0]))
    horizon = 30
    nonneg = torch.rand(5, H, generator=torch.Generator().manual_seed(0))
    neg = -torch.ones(3, H)  # starts in output 1; every state after one step is >= 0, so output 0: switch at step 1
    rt, paper, margin = residency.residency_times(m, torch.cat([nonneg, neg]), seed=1, rollouts=4, horizon=horizon)
    assert rt.tolist() == [horizon] * 5 + [1.0] * 3
    for flips in (paper, margin):
        assert (flips[:5] <= horizon - 1).all()
        assert (flips[5:] == 0).all()


def test_sign_flips_known_answer():
    # x: 0, 1, 0, 1, 2, 1 -> changes +, -, +, +, - -> flips at t = 2, 3, 5; a switch at step 5 stops before it
    x = torch.tensor([[0.0, 1, 0, 1, 2, 1]] * 2)
    assert residency.sign_flips(x, torch.tensor([6, 5])).tolist() == [3, 2]


def test_residency_times_invariants_random_net():
    m = tiny(6)
    m.weight_o.mul_(3.0)  # livelier switching
    loc = torch.rand(40, H, generator=torch.Generator().manual_seed(3))
    horizon, R = 20, 8
    rt, flips, _ = residency.residency_times(m, loc, seed=2, rollouts=R, horizon=horizon)
    assert ((rt >= 1) & (rt <= horizon)).all()
    assert ((flips >= 0) & (flips <= horizon - 1)).all()  # the paper count starts at the location
    # per rollout flips <= first - 2 after a switch, horizon - 1 without one: averaged, flips <= RT - 1
    # (NOT flips <= RT - 2: rollouts switching at steps 1 and 5 give RT 3, flips up to 1.5)
    assert (flips <= rt - 1 + 1e-6).all()
    assert (flips[rt == 1] == 0).all()
    assert rt.min() < horizon and rt.max() > 2  # the net does switch, and not only at once
