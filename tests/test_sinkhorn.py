"""hmmrnn.sinkhorn.sinkhorn_divergence against geomloss SamplesLoss("sinkhorn", p=2, blur=0.2)."""
from __future__ import annotations

import pytest
import torch
from geomloss import SamplesLoss

from hmmrnn.sinkhorn import _by_schedule, half_sq_dist, sinkhorn_divergence, sinkhorn_divergences

torch.set_num_threads(1)

REFERENCE = SamplesLoss("sinkhorn", p=2, blur=0.2)  # the paper's loss; debias=True, scaling=0.5


def _value_and_grad(loss_fn, make_x, y):
    w, x = make_x()
    loss = loss_fn(x, y)
    (g,) = torch.autograd.grad(loss, w)
    return loss.detach(), g


def _one_hot_cloud(n, L, K, seed):
    g = torch.Generator().manual_seed(seed)
    sym = torch.multinomial(torch.tensor([0.45, 0.1, 0.45])[:K], n * L, replacement=True, generator=g)
    return torch.nn.functional.one_hot(sym.reshape(n, L), K).float().reshape(n, L * K)


def _straight_through(n, L, K, seed):
    """A one-hot cloud whose forward value is x0 and whose gradient flows into w (x0 + w - w.detach())."""
    x0 = _one_hot_cloud(n, L, K, seed)
    w0 = torch.randn(n, L * K, generator=torch.Generator().manual_seed(seed + 100))

    def make():
        w = w0.clone().requires_grad_(True)
        return w, x0 + w - w.detach()
    return make


def _gaussian(n, D, seed, shift=0.0):
    x0 = torch.randn(n, D, generator=torch.Generator().manual_seed(seed)) + shift

    def make():
        w = x0.clone().requires_grad_(True)
        return w, w
    return make


def _compare(make_x, y):
    v_ref, g_ref = _value_and_grad(REFERENCE, make_x, y)
    v, g = _value_and_grad(lambda a, b: sinkhorn_divergence(a, b, blur=0.2), make_x, y)
    torch.testing.assert_close(v, v_ref, rtol=1e-4, atol=1e-7)
    torch.testing.assert_close(g, g_ref, rtol=1e-4, atol=1e-4 * float(g_ref.abs().max()))
    assert v_ref > 0 and g_ref.abs().max() > 0
    return v


@pytest.mark.parametrize("N,M", [(200, 200), (200, 150)])
def test_one_hot_sequences_match_geomloss(N, M):
    y = _one_hot_cloud(M, 10, 3, seed=1)
    _compare(_straight_through(N, 10, 3, seed=2), y)


def test_one_hot_different_distributions_match_geomloss():
    # sticky targets (long runs of one symbol) against i.i.d. sequences: a larger divergence
    g = torch.Generator().manual_seed(3)
    first = torch.multinomial(torch.tensor([0.5, 0.0, 0.5]), 150, replacement=True, generator=g)
    y = torch.nn.functional.one_hot(first[:, None].expand(150, 10), 3).float().reshape(150, 30)
    v = _compare(_straight_through(180, 10, 3, seed=4), y)
    assert v > 1.0


@pytest.mark.parametrize("N,M,shift", [(150, 120, 0.0), (150, 120, 1.5), (120, 150, 0.5)])
def test_gaussian_clouds_match_geomloss(N, M, shift):
    y = torch.randn(M, 5, generator=torch.Generator().manual_seed(10))
    _compare(_gaussian(N, 5, seed=11, shift=shift), y)


def test_identical_clouds_give_zero():
    x = _one_hot_cloud(100, 10, 3, seed=5)
    assert abs(float(sinkhorn_divergence(x, x.clone()))) < 1e-5


def test_gradient_wrt_target_matches_geomloss():
    x = torch.randn(90, 4, generator=torch.Generator().manual_seed(20))
    y0 = torch.randn(70, 4, generator=torch.Generator().manual_seed(21)) + 0.7
    grads = []
    for fn in (REFERENCE, lambda a, b: sinkhorn_divergence(a, b, blur=0.2)):
        y = y0.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(fn(x, y), y)
        grads.append(g)
    torch.testing.assert_close(grads[1], grads[0], rtol=1e-4, atol=1e-4 * float(grads[0].abs().max()))


def test_half_sq_dist():
    x = torch.randn(1, 6, 3, generator=torch.Generator().manual_seed(30))
    y = torch.randn(1, 4, 3, generator=torch.Generator().manual_seed(31))
    torch.testing.assert_close(half_sq_dist(x, y), torch.cdist(x, y) ** 2 / 2, rtol=1e-5, atol=1e-5)


def test_batched_divergences_equal_each_pairs():
    """K pairs at once: each value and each gradient is the lone pair's; pairs with another epsilon schedule
    (here a cloud of a larger diameter) form their own group."""
    xs = [_straight_through(120, 8, 3, seed=s)() for s in range(3)]
    ys = [_one_hot_cloud(100, 8, 3, seed=10 + s) for s in range(3)]
    ys[2] = ys[2] * 3.0  # a wider cloud: a longer epsilon schedule
    x, y = torch.stack([x for _, x in xs]), torch.stack(ys)
    assert sorted(_by_schedule(x, y, 0.2, 0.5)) == [(0, 1), (2,)]
    v = sinkhorn_divergences(x, y, blur=0.2)
    grads = torch.autograd.grad(v.sum(), [w for w, _ in xs])
    for k in range(3):
        w, xk = _straight_through(120, 8, 3, seed=k)()
        alone = sinkhorn_divergence(xk, ys[k], blur=0.2)
        torch.testing.assert_close(v[k], alone, rtol=1e-6, atol=1e-7)
        torch.testing.assert_close(grads[k], torch.autograd.grad(alone, w)[0], rtol=1e-5, atol=1e-7)
