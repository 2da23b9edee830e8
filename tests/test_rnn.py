"""The ReLU RNN, the batched rollout engine and the straight-through Gumbel-softmax (hmmrnn/rnn.py)."""
from __future__ import annotations

import math

import pytest
import torch

from hmmrnn.rnn import RNN, Intervention, draw_noise, hard_gumbel_softmax, rollout

torch.set_num_threads(1)

H, D, B, T = 5, 3, 4, 6


def _model(seed=0, bias=False, dtype=torch.float64) -> RNN:
    m = RNN(H, D, 3, bias=bias, generator=torch.Generator().manual_seed(seed)).to(dtype)
    if bias:  # zeros by default: make them matter
        with torch.no_grad():
            m.bias_h.uniform_(-0.3, 0.3, generator=torch.Generator().manual_seed(seed + 1))
            m.bias_o.uniform_(-0.3, 0.3, generator=torch.Generator().manual_seed(seed + 2))
    return m


def _oracle(m: RNN, noise, h0=None, steps=None, act=None, rec=None, inp=None):
    """One sequence at a time, one step at a time, matrix-vector products in plain Python loops."""
    W_ih, W_hh, W_o = (w.detach().tolist() for w in (m.weight_ih, m.weight_hh, m.weight_o))
    b_h = m.bias_h.detach().tolist() if m.bias_h is not None else [0.0] * H
    b_o = m.bias_o.detach().tolist() if m.bias_o is not None else [0.0] * 3
    act = act.tolist() if act is not None else [1.0] * H
    rec = rec.tolist() if rec is not None else [1.0] * H
    inp = inp.tolist() if inp is not None else [1.0] * H
    nb = noise.shape[0] if noise is not None else h0.shape[0]
    nt = noise.shape[1] if noise is not None else steps
    S, P, L = [], [], []
    for b in range(nb):
        h = h0[b].tolist() if h0 is not None else [0.0] * H
        sb, pb, lb = [], [], []
        for t in range(nt):
            x = noise[b, t].tolist() if noise is not None else [0.0] * D
            pre = []
            for i in range(H):
                r = sum(W_hh[i][j] * h[j] for j in range(H)) * rec[i]
                u = sum(W_ih[i][k] * x[k] for k in range(D)) * inp[i]
                pre.append(r + u + b_h[i])
            h = [max(p, 0.0) * act[i] for i, p in enumerate(pre)]
            sb.append(h)
            pb.append(pre)
            lb.append([sum(W_o[o][j] * h[j] for j in range(H)) + b_o[o] for o in range(3)])
        S.append(sb)
        P.append(pb)
        L.append(lb)
    t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    return t(S), t(P), t(L)


def _noise(seed=0, scale=1.0, dtype=torch.float64):
    return draw_noise(B, T, D, seed, scale=scale).to(dtype)


@pytest.mark.parametrize("bias", [False, True])
def test_rollout_matches_oracle(bias):
    m = _model(bias=bias)
    x = _noise()
    r = rollout(m, x)
    S, P, L = _oracle(m, x)
    assert r.states.shape == (B, T, H) and r.preacts.shape == (B, T, H) and r.logits.shape == (B, T, 3)
    torch.testing.assert_close(r.states, S, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(r.preacts, P, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(r.logits, L, rtol=1e-12, atol=1e-12)
    assert r.noise is x


def test_rollout_float32_matches_oracle():
    m = _model(dtype=torch.float32)
    x = _noise(dtype=torch.float32)
    r = rollout(m, x)
    _, _, L = _oracle(m, x.double())
    torch.testing.assert_close(r.logits.double(), L, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bias", [False, True])
def test_record_modes_agree(bias):
    m = _model(bias=bias)
    x = _noise(seed=3)
    full = rollout(m, x, record="all")
    lo = rollout(m, x, record="logits")
    last = rollout(m, x, record="last")
    assert lo.states is None and lo.preacts is None
    torch.testing.assert_close(lo.logits, full.logits, rtol=1e-12, atol=1e-12)
    assert last.states.shape == (B, 1, H) and last.logits.shape == (B, 1, 3)
    torch.testing.assert_close(last.states[:, 0], full.states[:, -1], rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(last.preacts[:, 0], full.preacts[:, -1], rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(last.logits[:, 0], full.logits[:, -1], rtol=1e-12, atol=1e-12)


def test_record_invalid_and_missing_arguments():
    m = _model()
    with pytest.raises(ValueError, match="record"):
        rollout(m, _noise(), record="everything")
    with pytest.raises(ValueError, match="h0 and steps"):
        rollout(m, None, steps=3)
    with pytest.raises(ValueError, match="h0 and steps"):
        rollout(m, None, h0=torch.zeros(2, H))


def _mult(seed):
    g = torch.Generator().manual_seed(seed)
    m = torch.rand(H, generator=g, dtype=torch.float64) * 2
    m[1] = 0.0  # one silenced / ablated neuron
    return m


@pytest.mark.parametrize("kind", ["activity", "recurrent", "input"])
def test_interventions_match_oracle(kind):
    m = _model(seed=4)
    x = _noise(seed=5)
    mult = _mult(6)
    r = rollout(m, x, intervention=Intervention(**{kind: mult}))
    S, P, L = _oracle(m, x, **{{"activity": "act", "recurrent": "rec", "input": "inp"}[kind]: mult})
    torch.testing.assert_close(r.states, S, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(r.preacts, P, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(r.logits, L, rtol=1e-12, atol=1e-12)
    # and it changes something
    assert not torch.allclose(r.states, rollout(m, x).states)


def test_interventions_combined_match_oracle():
    m = _model(seed=7)
    x = _noise(seed=8)
    a, rc, i = _mult(9), _mult(10), _mult(11)
    r = rollout(m, x, intervention=Intervention(activity=a, recurrent=rc, input=i))
    S, P, L = _oracle(m, x, act=a, rec=rc, inp=i)
    torch.testing.assert_close(r.states, S, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(r.preacts, P, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(r.logits, L, rtol=1e-12, atol=1e-12)


def test_intervention_on_helper():
    iv = Intervention.on([0, 2], H, mu=2.0, kind="recurrent")
    assert iv.activity is None and iv.input is None
    assert iv.recurrent.tolist() == [2.0, 1.0, 2.0, 1.0, 1.0]
    iv0 = Intervention.on([3], H)
    assert iv0.activity.tolist() == [1.0, 1.0, 1.0, 0.0, 1.0]


def test_activity_ablation_silences_neuron():
    m = _model(seed=12)
    r = rollout(m, _noise(seed=13), intervention=Intervention.on([0, 3], H, mu=0.0, kind="activity"))
    assert torch.all(r.states[..., [0, 3]] == 0)


# ---------------------------------------------------------------- positive homogeneity (REFERENCE 4)


@torch.no_grad()
def test_positive_homogeneity():
    m = RNN(32, 8, 3, generator=torch.Generator().manual_seed(1))
    x = draw_noise(16, 40, 8, seed=2)
    s = 2.5
    r1 = rollout(m, x)
    rs = rollout(m, x * s)
    for a, b in ((rs.states, r1.states), (rs.preacts, r1.preacts), (rs.logits, r1.logits)):
        torch.testing.assert_close(a, s * b, rtol=1e-5, atol=1e-5 * float(b.abs().max()))
    assert torch.equal(rs.logits.argmax(-1), r1.logits.argmax(-1))
    # draw_noise's scale argument is the same thing
    torch.testing.assert_close(rollout(m, draw_noise(16, 40, 8, seed=2, scale=s)).logits, rs.logits)


@torch.no_grad()
def test_argmax_independent_of_scale():
    m = RNN(32, 8, 3, generator=torch.Generator().manual_seed(5))
    x = draw_noise(8, 30, 8, seed=6)
    ref = rollout(m, x).logits.argmax(-1)
    for s in (0.1, 1.0, 2.0, 3.0, 4.0):
        assert torch.equal(rollout(m, x * s).logits.argmax(-1), ref)


def test_input_free_rollout_decays_for_contracting_w():
    m = RNN(20, 4, 3, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        m.weight_hh.mul_(0.5 / torch.linalg.matrix_norm(m.weight_hh, ord=2))  # spectral norm 0.5
    h0 = torch.rand(10, 20, generator=torch.Generator().manual_seed(4)) + 0.5
    full = rollout(m, None, h0=h0, steps=30)
    last = rollout(m, None, h0=h0, steps=30, record="last")
    norms = full.states.norm(dim=-1)  # [B, T]
    assert torch.all(norms[:, 1:] <= norms[:, :-1] * 0.5 + 1e-12)
    assert torch.all(norms[:, -1] <= h0.norm(dim=-1) * 0.5**30 + 1e-12)
    torch.testing.assert_close(last.states[:, 0], full.states[:, -1])


def test_input_free_rollout_matches_oracle():
    m = _model(seed=14)
    h0 = torch.rand(3, H, generator=torch.Generator().manual_seed(15), dtype=torch.float64)
    r = rollout(m, None, h0=h0, steps=4)
    S, P, L = _oracle(m, None, h0=h0, steps=4)
    torch.testing.assert_close(r.states, S, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(r.logits, L, rtol=1e-12, atol=1e-12)


def test_rollout_is_differentiable():
    m = RNN(H, D, 3, generator=torch.Generator().manual_seed(0))
    rollout(m, draw_noise(B, T, D, seed=1), record="logits").logits.square().sum().backward()
    for p in m.parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0


def test_default_init_range():
    m = RNN(150, 100, 3, generator=torch.Generator().manual_seed(0))
    k = 1 / math.sqrt(150)
    for p in m.parameters():
        assert p.abs().max() <= k and p.abs().max() > 0.95 * k
    assert not m.has_bias and (m.hidden, m.inputs, m.outputs) == (150, 100, 3)


def test_draw_noise_seeded():
    a, b, c = draw_noise(2, 3, 4, 0), draw_noise(2, 3, 4, 0), draw_noise(2, 3, 4, 1)
    assert torch.equal(a, b) and not torch.equal(a, c)
    torch.testing.assert_close(draw_noise(2, 3, 4, 0, scale=3.0), 3 * a)


# ---------------------------------------------------------------- hard Gumbel-softmax


def test_gumbel_forward_is_one_hot():
    logits = torch.randn(50, 7, 3, generator=torch.Generator().manual_seed(0))
    y = hard_gumbel_softmax(logits, torch.Generator().manual_seed(1))
    assert y.shape == logits.shape
    one_hot = torch.nn.functional.one_hot(y.argmax(-1), 3).to(y)
    torch.testing.assert_close(y, one_hot, rtol=0, atol=1e-6)


def test_gumbel_frequencies_match_softmax():
    n = 20000
    base = torch.tensor([1.0, 0.0, -1.0])
    y = hard_gumbel_softmax(base.expand(n, 3).clone(), torch.Generator().manual_seed(2))
    freq = y.detach().round().mean(0)
    p = torch.softmax(base, -1)
    tol = 5 * torch.sqrt(p * (1 - p) / n) + 1e-3
    assert torch.all((freq - p).abs() <= tol), (freq, p)


def test_gumbel_gradient_flows():
    logits = torch.randn(64, 3, generator=torch.Generator().manual_seed(3), requires_grad=True)
    y = hard_gumbel_softmax(logits, torch.Generator().manual_seed(4))
    w = torch.randn(64, 3, generator=torch.Generator().manual_seed(5))
    (y * w).sum().backward()
    assert logits.grad is not None and torch.isfinite(logits.grad).all() and logits.grad.abs().sum() > 0


def test_gumbel_seeded():
    logits = torch.randn(100, 3, generator=torch.Generator().manual_seed(6))
    a = hard_gumbel_softmax(logits, torch.Generator().manual_seed(7))
    b = hard_gumbel_softmax(logits, torch.Generator().manual_seed(7))
    c = hard_gumbel_softmax(logits, torch.Generator().manual_seed(8))
    assert torch.equal(a, b) and not torch.equal(a, c)


@pytest.mark.parametrize("record", ["all", "logits", "last"])
@pytest.mark.parametrize("driven", [True, False])
def test_a_large_batch_runs_in_row_blocks_with_the_same_numbers(record, driven):
    """Without gradients a batch above ROW_BLOCK rows runs block by block; with gradients in one piece. Both
    give the same bits (interventions shared and per row included), in the same layout."""
    from hmmrnn.rnn import ROW_BLOCK
    m = RNN(40, 6, 3, bias=True, generator=torch.Generator().manual_seed(1))  # parameters require grad
    B = 2 * ROW_BLOCK + 37
    g = torch.Generator().manual_seed(2)
    h0 = torch.rand(B, 40, generator=g)
    noise = draw_noise(B, 30, 6, 3) if driven else None
    per_row = torch.rand(B, 40, generator=g)  # a multiplier per row (mu sweeps stack configurations so)
    iv = Intervention(activity=Intervention.on([1, 5], 40, 0.0).activity, recurrent=per_row, input=per_row.flip(0))
    kw = dict(h0=h0, intervention=iv, record=record, **({} if driven else {"steps": 30}))
    with torch.no_grad():
        blocked = rollout(m, noise, **kw)
    whole = rollout(m, noise, **kw)  # gradients on: one piece
    assert whole.logits.requires_grad and not blocked.logits.requires_grad
    for name in ("states", "preacts", "logits"):
        a, b = getattr(blocked, name), getattr(whole, name)
        assert (a is None) == (b is None), name
        if a is not None:
            assert a.shape == b.shape and torch.equal(a, b.detach()), name
