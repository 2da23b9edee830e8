"""The second-order response to noise (hmmrnn/analysis/second_order.py): by hand, in the linear regime, at
the ReLU kink, against a loop oracle."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from hmmrnn.analysis import second_order
from hmmrnn.analysis.common import noise_run, seed_for
from nets import linear_regime, tiny

torch.set_num_threads(1)


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


def test_displacement_vanishes_inlinear_regime():
    # antithetic pairs: (F(h, x) + F(h, -x)) / 2 = F(h, 0) exactly when ReLU is linear along the way
    lin = linear_regime(seed=1, bias=50.0, w_hh=0.1)
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
