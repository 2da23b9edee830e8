"""The cells (relu, tanh, gru, lstm): rollouts against torch's own modules and a plain-Python oracle, the
jacobian against autograd, interventions, checkpoints of every cell and layout, training every cell."""
from __future__ import annotations

import json

import pytest
import torch

from hmmrnn import rnn as rnn_module
from hmmrnn.rnn import CELLS, FUSED_CELLS, ROW_BLOCK, RNN, Intervention, Rollout, _fused_logits, draw_noise, rollout

torch.set_num_threads(1)

H, D, O, B, T = 5, 3, 3, 4, 6
TOL = dict(rtol=1e-10, atol=1e-10)


def _model(cell, bias=True, seed=0, dtype=torch.float64) -> RNN:
    m = RNN(H, D, O, bias=bias, generator=torch.Generator().manual_seed(seed), cell=cell).to(dtype)
    m.requires_grad_(False)
    return m


def _noise(seed=1, b=B, t=T):
    return draw_noise(b, t, D, seed).double()


def _h0(m: RNN, seed=2, b=B):
    return torch.randn(b, m.state_size, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def _torch_twin(m: RNN):
    """The matching torch modules (recurrent, readout) in float64 with m's weights copied in."""
    bias = m.has_bias
    if m.cell in ("relu", "tanh"):
        net = torch.nn.RNN(D, H, nonlinearity=m.cell, bias=bias, batch_first=True)
    else:
        net = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[m.cell](D, H, bias=bias, batch_first=True)
    lin = torch.nn.Linear(H, O, bias=bias)
    net, lin = net.double(), lin.double()
    with torch.no_grad():
        net.weight_ih_l0.copy_(m.weight_ih)
        net.weight_hh_l0.copy_(m.weight_hh)
        lin.weight.copy_(m.weight_o)
        if bias:
            lin.bias.copy_(m.bias_o)
            if m.bias_h is not None:  # one recurrent bias = bias_ih + bias_hh with bias_hh = 0
                net.bias_ih_l0.copy_(m.bias_h)
                net.bias_hh_l0.zero_()
            else:
                net.bias_ih_l0.copy_(m.bias_ih)
                net.bias_hh_l0.copy_(m.bias_hh)
    return net, lin


def _torch_run(m: RNN, x, h0=None):
    """(activities [B, T, H], logits [B, T, O], final full state [B, S]) of the torch twin."""
    net, lin = _torch_twin(m)
    with torch.no_grad():
        if m.cell == "lstm":
            hc = None if h0 is None else (h0[None, :, :H].contiguous(), h0[None, :, H:].contiguous())
            out, (hn, cn) = net(x, hc)
            last = torch.cat([hn[0], cn[0]], -1)
        else:
            out, hn = net(x, None if h0 is None else h0[None].contiguous())
            last = hn[0]
        return out, lin(out), last


# ---------------------------------------------------------------- the model


def test_cells_and_layouts():
    for cell, G in zip(CELLS, (1, 1, 3, 4)):
        for bias in (False, True):
            m = RNN(H, D, O, bias=bias, cell=cell)
            assert m.cell == cell and m.gates == G and (m.hidden, m.inputs, m.outputs) == (H, D, O)
            assert m.weight_ih.shape == (G * H, D) and m.weight_hh.shape == (G * H, H) and m.weight_o.shape == (O, H)
            assert m.state_size == (2 * H if cell == "lstm" else H) and m.has_bias is bias
            keys = set(m.state_dict())
            extra = ({"bias_h"} if G == 1 else {"bias_ih", "bias_hh"}) | {"bias_o"} if bias else set()
            assert keys == {"weight_ih", "weight_hh", "weight_o"} | extra
    with pytest.raises(ValueError, match="unknown cell 'elman'"):
        RNN(H, D, O, cell="elman")


def test_relu_default_init_unchanged():
    """cell='relu' draws the same numbers as the RNN always did (parameters in the same order)."""
    g = torch.Generator().manual_seed(0)
    expect = [torch.empty(s).uniform_(-H ** -0.5, H ** -0.5, generator=g) for s in ((H, D), (H, H), (O, H), (H,), (O,))]
    m = RNN(H, D, O, bias=True, generator=torch.Generator().manual_seed(0))
    assert all(torch.equal(a, b) for a, b in zip(m.parameters(), expect))
    assert torch.equal(RNN(H, D, O, cell="relu", generator=torch.Generator().manual_seed(3)).weight_hh,
                       RNN(H, D, O, generator=torch.Generator().manual_seed(3)).weight_hh)


@pytest.mark.parametrize("cell", CELLS)
def test_activity_splits_the_lstm_state(cell):
    m = _model(cell)
    s = _h0(m)
    assert torch.equal(m.activity(s), s[..., :H] if cell == "lstm" else s)


# ---------------------------------------------------------------- rollouts against torch's modules


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_rollout_matches_torch_module(cell, bias):
    m = _model(cell, bias=bias)
    x = _noise()
    r = rollout(m, x)
    out, logits, last = _torch_run(m, x)
    assert r.states.shape == (B, T, m.state_size) and r.preacts.shape == (B, T, H) and r.logits.shape == (B, T, O)
    torch.testing.assert_close(m.activity(r.states), out, **TOL)
    torch.testing.assert_close(r.logits, logits, **TOL)
    torch.testing.assert_close(r.states[:, -1], last, **TOL)


@pytest.mark.parametrize("cell", CELLS)
def test_rollout_from_h0_matches_torch_module(cell):
    m = _model(cell, seed=3)
    x, h0 = _noise(seed=4), _h0(m, seed=5)
    out, logits, last = _torch_run(m, x, h0)
    r = rollout(m, x, h0=h0)
    torch.testing.assert_close(m.activity(r.states), out, **TOL)
    torch.testing.assert_close(r.logits, logits, **TOL)
    # input-free = driven by zeros
    free = rollout(m, None, h0=h0, steps=T)
    out0, logits0, last0 = _torch_run(m, torch.zeros(B, T, D, dtype=torch.float64), h0)
    torch.testing.assert_close(free.logits, logits0, **TOL)
    torch.testing.assert_close(free.states[:, -1], last0, **TOL)


@pytest.mark.parametrize("cell", CELLS)
def test_record_modes_agree(cell):
    m = _model(cell, seed=6)
    x = _noise(seed=7)
    full, lo, last = (rollout(m, x, record=r) for r in ("all", "logits", "last"))
    torch.testing.assert_close(lo.logits, full.logits, rtol=1e-12, atol=1e-12)
    assert last.states.shape == (B, 1, m.state_size)
    torch.testing.assert_close(last.states[:, 0], full.states[:, -1], rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(last.preacts[:, 0], full.preacts[:, -1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("cell", ["tanh", "gru", "lstm"])
def test_fused_logits_have_the_step_loops_values_and_gradients(cell, bias, monkeypatch):
    """torch's fused module (rnn._fused_logits, training's logits-only rollout of the FUSED_CELLS) against the
    step loop: the same logits and the same gradients of every parameter."""
    m = _model(cell, bias=bias, seed=10).requires_grad_(True)
    x = _noise(seed=11)
    fused, looped = Rollout(None, None, _fused_logits(m, x)), rollout(m, x, record="all")
    calls = []
    monkeypatch.setattr(rnn_module, "_fused_logits", lambda *a: calls.append(1) or _fused_logits(*a))
    rollout(m, x, record="logits")
    assert bool(calls) == (cell in FUSED_CELLS)  # training's rollout takes it for these cells only
    w = torch.randn(fused.logits.shape, generator=torch.Generator().manual_seed(12), dtype=torch.float64)
    g_fused = torch.autograd.grad((fused.logits * w).sum(), list(m.parameters()))
    g_loop = torch.autograd.grad((looped.logits * w).sum(), list(m.parameters()))
    torch.testing.assert_close(fused.logits, looped.logits, **TOL)
    for a, b in zip(g_fused, g_loop):
        torch.testing.assert_close(a, b, **TOL)


def _preact_by_hand(m: RNN, state, x):
    """The declared preact of one step, written out from the weights (for the gated cells)."""
    h = m.activity(state)
    gi, gh = x @ m.weight_ih.T + m.bias_ih, h @ m.weight_hh.T + m.bias_hh
    if m.cell == "gru":
        r = torch.sigmoid(gi[:, :H] + gh[:, :H])
        return gi[:, 2 * H:] + r * gh[:, 2 * H:]
    return gi[:, 2 * H:3 * H] + gh[:, 2 * H:3 * H]


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_gated_preacts_are_the_declared_analogue(cell):
    m = _model(cell, seed=8)
    x = _noise(seed=9)
    r = rollout(m, x)
    prev = torch.cat([torch.zeros(B, 1, m.state_size, dtype=torch.float64), r.states[:, :-1]], 1)
    for t in range(T):
        torch.testing.assert_close(r.preacts[:, t], _preact_by_hand(m, prev[:, t], x[:, t]), **TOL)


# ---------------------------------------------------------------- a plain-Python oracle of the tanh cell


def _tanh_oracle(m: RNN, noise, act=None, rec=None, inp=None):
    """One sequence at a time, one step at a time, matrix-vector products in plain Python loops."""
    import math
    W_ih, W_hh, W_o = (w.detach().tolist() for w in (m.weight_ih, m.weight_hh, m.weight_o))
    b_h = m.bias_h.detach().tolist() if m.bias_h is not None else [0.0] * H
    b_o = m.bias_o.detach().tolist() if m.bias_o is not None else [0.0] * O
    act, rec, inp = (v.tolist() if v is not None else [1.0] * H for v in (act, rec, inp))
    S, P, L = [], [], []
    for b in range(noise.shape[0]):
        h = [0.0] * H
        sb, pb, lb = [], [], []
        for t in range(noise.shape[1]):
            x = noise[b, t].tolist()
            pre = [sum(W_hh[i][j] * h[j] for j in range(H)) * rec[i] + sum(W_ih[i][k] * x[k] for k in range(D)) * inp[i]
                   + b_h[i] for i in range(H)]
            h = [math.tanh(p) * act[i] for i, p in enumerate(pre)]
            sb.append(h)
            pb.append(pre)
            lb.append([sum(W_o[o][j] * h[j] for j in range(H)) + b_o[o] for o in range(O)])
        S.append(sb)
        P.append(pb)
        L.append(lb)
    t = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    return t(S), t(P), t(L)


def _mult(seed):
    m = torch.rand(H, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * 2
    m[1] = 0.0
    return m


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("kind", [None, "activity", "recurrent", "input", "all"])
def test_tanh_rollout_matches_oracle(kind, bias):
    m = _model("tanh", bias=bias, seed=10)
    x = _noise(seed=11)
    names = {"activity": "act", "recurrent": "rec", "input": "inp"}
    kinds = [] if kind is None else list(names) if kind == "all" else [kind]
    mults = {k: _mult(12 + i) for i, k in enumerate(kinds)}
    r = rollout(m, x, intervention=Intervention(**mults) if mults else None)
    S, P, L = _tanh_oracle(m, x, **{names[k]: v for k, v in mults.items()})
    torch.testing.assert_close(r.states, S, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(r.preacts, P, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(r.logits, L, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- interventions on every cell


def _rows_scaled(m: RNN, name: str, mult) -> RNN:
    """A copy of m whose weight matrix `name` has every gate row of unit i scaled by mult[i]."""
    import copy
    c = copy.deepcopy(m)
    with torch.no_grad():
        getattr(c, name).mul_(m.per_gate(mult)[:, None])
    return c


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("kind,weight", [("recurrent", "weight_hh"), ("input", "weight_ih")])
def test_drive_multipliers_scale_every_gate_row_of_the_unit(cell, kind, weight):
    m = _model(cell, seed=20)
    x = _noise(seed=21)
    mult = _mult(22)
    r = rollout(m, x, intervention=Intervention(**{kind: mult}))
    torch.testing.assert_close(r.states, rollout(_rows_scaled(m, weight, mult), x).states, **TOL)
    assert not torch.allclose(r.states, rollout(m, x).states)


@pytest.mark.parametrize("cell", CELLS)
def test_activity_zero_silences_the_unit_output(cell):
    m = _model(cell, seed=23)
    r = rollout(m, _noise(seed=24), intervention=Intervention.on([0, 3], H, mu=0.0))
    assert torch.all(m.activity(r.states)[..., [0, 3]] == 0)
    if cell == "lstm":  # h is silenced, the memory c goes on
        assert torch.all(r.states[..., H:][..., [0, 3]].abs().sum() > 0)


@pytest.mark.parametrize("cell", CELLS)
def test_per_row_multipliers_and_row_blocks(cell):
    """A batch above ROW_BLOCK rows runs in blocks (no gradients) with the same bits as in one piece."""
    m = RNN(6, 3, 3, bias=True, generator=torch.Generator().manual_seed(1), cell=cell)
    n = ROW_BLOCK + 9
    g = torch.Generator().manual_seed(2)
    per_row = torch.rand(n, 6, generator=g)
    iv = Intervention(activity=per_row.flip(0), recurrent=per_row, input=per_row.roll(1, 0))
    x = draw_noise(n, 5, 3, 3)
    with torch.no_grad():
        blocked = rollout(m, x, intervention=iv)
    whole = rollout(m, x, intervention=iv)
    for name in ("states", "preacts", "logits"):
        assert torch.equal(getattr(blocked, name), getattr(whole, name).detach()), name
    h0 = torch.rand(n, m.state_size, generator=g)
    with torch.no_grad():
        blocked = rollout(m, None, h0=h0, steps=4, record="last")
    assert torch.equal(blocked.states, rollout(m, None, h0=h0, steps=4, record="last").states.detach())


@pytest.mark.parametrize("cell", CELLS)
def test_rollout_is_differentiable(cell):
    m = RNN(H, D, O, bias=True, generator=torch.Generator().manual_seed(0), cell=cell)
    rollout(m, draw_noise(B, T, D, seed=1), record="logits").logits.square().sum().backward()
    for p in m.parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0


# ---------------------------------------------------------------- the jacobian


@pytest.mark.parametrize("driven", [True, False])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_jacobian_matches_autograd(cell, bias, driven):
    m = _model(cell, bias=bias, seed=30)
    N = 4
    s = _h0(m, seed=31, b=N)
    x = torch.randn(N, D, generator=torch.Generator().manual_seed(32), dtype=torch.float64) if driven else None
    J = m.jacobian(s, x)
    assert J.shape == (N, m.state_size, m.state_size)
    for n in range(N):
        drive = None if x is None else x[n] @ m.weight_ih.T
        u = None if drive is None else drive[None]
        ref = torch.autograd.functional.jacobian(lambda v: m.step(v[None], u)[0][0], s[n])
        torch.testing.assert_close(J[n], ref, **TOL)


def test_jacobian_closed_forms():
    m = _model("relu", seed=33)
    s = _h0(m, seed=34)
    pre = s @ m.weight_hh.T + m.bias_h
    torch.testing.assert_close(m.jacobian(s), (pre > 0).double()[:, :, None] * m.weight_hh, rtol=0, atol=0)
    t = _model("tanh", seed=35)
    pre = s @ t.weight_hh.T + t.bias_h
    torch.testing.assert_close(t.jacobian(s), (1 - torch.tanh(pre) ** 2)[:, :, None] * t.weight_hh, **TOL)


# ---------------------------------------------------------------- checkpoints of every cell and layout
from hmmrnn.checkpoint import CheckpointError, load, save  # noqa: E402


def _same_weights(a: RNN, b: RNN) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_round_trip_keeps_the_cell(tmp_path, cell, bias):
    m = RNN(H, D, O, bias=bias, generator=torch.Generator().manual_seed(0), cell=cell)
    save(tmp_path / "m", m, {"name": "x"})
    assert json.loads((tmp_path / "m.json").read_text())["cell"] == cell
    back = load(tmp_path / "m.pt")
    assert back.cell == back.model.cell == cell and back.cell_assumed is None and back.note == ""
    assert _same_weights(back.model, m)


def _torch_state(cell, bias, prefix="rnn.", fc="fc.", seed=0):
    """A state dict as torch writes it: nn.RNN/GRU/LSTM (one layer) under prefix, nn.Linear under fc."""
    torch.manual_seed(seed)
    kind = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}.get(cell)
    net = kind(D, H, bias=bias) if kind else torch.nn.RNN(D, H, nonlinearity=cell, bias=bias)
    with torch.no_grad():
        for p in net.parameters():
            p.uniform_(-0.7, 0.7)
    lin = torch.nn.Linear(H, O, bias=bias)
    st = {prefix + k: v for k, v in net.state_dict().items()}
    st.update({fc + k: v for k, v in lin.state_dict().items()})
    return st, net, lin


@pytest.mark.parametrize("layout", [("rnn.", "fc."), ("", "fc."), ("", "")])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_torch_layouts_load_as_the_same_function(tmp_path, cell, bias, layout):
    """The authors' keys (rnn.*_l0, fc.*) and a bare module's: loaded, the network computes what torch's does."""
    st, net, lin = _torch_state(cell, bias, *layout)
    p = tmp_path / "m.pth"
    torch.save(st, p)
    ck = load(p, cell=cell if cell == "tanh" else None)
    assert ck.cell == cell and ck.model.has_bias is bias
    assert ck.meta["source_format"] == ("authors" if layout[0] else "torch")
    assert ck.cell_assumed == ("relu" if cell == "relu" else None)
    x = draw_noise(B, T, D, 5)
    with torch.no_grad():
        out = net(x.transpose(0, 1))[0].transpose(0, 1)
        torch.testing.assert_close(rollout(ck.model, x).logits, lin(out), rtol=1e-5, atol=1e-5)


def test_biased_authors_checkpoint_loads_with_summed_bias(tmp_path):
    st, _, _ = _torch_state("relu", True)
    p = tmp_path / "authors.pth"
    torch.save(st, p)
    ck = load(p)
    assert torch.equal(ck.model.bias_h, st["rnn.bias_ih_l0"] + st["rnn.bias_hh_l0"])
    assert torch.equal(ck.model.bias_o, st["fc.bias"])


def test_assumed_relu_says_so_and_how_to_override(tmp_path):
    st, _, _ = _torch_state("tanh", False)
    p = tmp_path / "which.pth"
    torch.save(st, p)
    ck = load(p)
    assert ck.cell == "relu" and ck.cell_assumed == "relu"
    assert "\n" not in ck.note and "relu" in ck.note and "cell='tanh'" in ck.note and str(p) in ck.note
    assert load(p, cell="tanh").cell == "tanh"


def test_old_own_checkpoint_is_relu_not_assumed(tmp_path):
    """Metadata written before cells existed has no cell: relu was the only one."""
    save(tmp_path / "old", _model("relu"), {})
    js = tmp_path / "old.json"
    meta = json.loads(js.read_text())
    del meta["cell"]
    js.write_text(json.dumps(meta))
    ck = load(tmp_path / "old.pt")
    assert ck.cell == "relu" and ck.cell_assumed is None


def _one_line(path, *words, cell=None):
    with pytest.raises(CheckpointError) as ei:
        load(path, cell=cell)
    msg = str(ei.value)
    assert "\n" not in msg and msg.startswith(f"{path}: "), msg
    for w in words:
        assert w.lower() in msg.lower(), (w, msg)
    return msg


def _saved(tmp_path, net="relu", **meta_changes):
    save(tmp_path / "m", RNN(H, D, O, cell=net), {})
    js = tmp_path / "m.json"
    js.write_text(json.dumps({**json.loads(js.read_text()), **meta_changes}))
    return tmp_path / "m.pt"


@pytest.mark.parametrize("cell,said", [("gru", "lstm"), ("gru", "relu"), ("relu", "lstm"), ("lstm", "tanh")])
def test_metadata_cell_contradicting_the_shapes(tmp_path, cell, said):
    _one_line(_saved(tmp_path, cell, cell=said), f"cell={said}", "weight_hh")


def test_unknown_cell_in_metadata_or_argument(tmp_path):
    _one_line(_saved(tmp_path, cell="elman"), "metadata cell 'elman' is unknown", "relu, tanh, gru, lstm")
    _one_line(_saved(tmp_path / "b"), "cell 'rnn' is unknown", cell="rnn")
    _one_line(_saved(tmp_path / "c", "tanh"), "metadata says cell=tanh", "cell=relu", cell="relu")
    bare = _saved(tmp_path / "d", "lstm")
    bare.with_suffix(".json").unlink()
    _one_line(bare, "asked for cell=gru", "lstm", cell="gru")


@pytest.mark.parametrize("extra,words", [
    ({"rnn.weight_ih_l1": torch.zeros(H, H), "rnn.weight_hh_l1": torch.zeros(H, H)}, ["several layers", "_l1"]),
    ({"rnn.weight_ih_l0_reverse": torch.zeros(H, D)}, ["bidirectional", "_reverse"]),
    ({"rnn.weight_hr_l0": torch.zeros(2, H)}, ["projections"]),
])
def test_unsupported_torch_networks(tmp_path, extra, words):
    st, _, _ = _torch_state("lstm", False)
    p = tmp_path / "net.pth"
    torch.save({**st, **extra}, p)
    _one_line(p, *words)


@pytest.mark.parametrize("change,words", [
    ({"rnn.weight_hh_l0": torch.zeros(2 * H, H), "rnn.weight_ih_l0": torch.zeros(2 * H, D)},
     ["shape mismatch", "(10, 5)"]),
    ({"rnn.weight_ih_l0": torch.zeros(4 * H, D)}, ["shape mismatch", "input weights (20, 3)"]),
    ({"rnn.bias_hh_l0": torch.zeros(4 * H)}, ["shape mismatch", "bias_hh"]),
    ({"fc.weight": torch.zeros(O, 2 * H)}, ["shape mismatch", "readout"]),
])
def test_gated_shape_mismatches(tmp_path, change, words):
    st, _, _ = _torch_state("gru", True)
    p = tmp_path / "bad.pth"
    torch.save({**st, **change}, p)
    _one_line(p, *words)


def test_bias_layout_mixups(tmp_path):
    st = {k: v.clone() for k, v in RNN(H, D, O, bias=True, cell="gru").state_dict().items()}
    torch.save({**st, "bias_h": torch.zeros(H)}, tmp_path / "both.pt")
    _one_line(tmp_path / "both.pt", "bias_h")
    del st["bias_hh"]
    torch.save(st, tmp_path / "half.pt")
    _one_line(tmp_path / "half.pt", "bias_ih", "without bias_hh")


# ---------------------------------------------------------------- training every cell
from hmmrnn import cli  # noqa: E402
from hmmrnn.train import TrainConfig, Trainer  # noqa: E402

TRAIN = ["--hmm", "linear:2", "--hidden", "8", "--input", "4", "--seq-len", "10", "--epochs", "2", "--batch", "20",
         "--evolution-every", "1", "--device", "cpu", "--n-sequences", "60", "--quiet"]


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_train_each_cell_and_load_it_back(tmp_path, capsys, cell, bias):
    out = tmp_path / "run"
    assert cli.main(["train", *TRAIN, "--cell", cell, *(["--bias"] if bias else []), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out / "final.pt")
    meta = json.loads((out / "final.json").read_text())
    assert meta["cell"] == cell and meta["training"]["cell"] == cell and meta["training"]["bias"] is bias
    for name in ("final.pt", "best.pt", "evolution/epoch_0000.pt"):
        ck = load(out / name)
        assert ck.cell == cell and ck.cell_assumed is None and ck.model.has_bias is bias
        assert (ck.model.hidden, ck.model.inputs, ck.model.outputs) == (8, 4, 3)
    first = load(out / "evolution/epoch_0000.pt").model.weight_hh
    assert not torch.equal(load(out / "final.pt").model.weight_hh, first)


def _cfg(**kw):
    return TrainConfig(**{**dict(hmm="linear:2", hidden=8, inputs=4, seq_len=10, n_sequences=60, batch=20, epochs=1,
                                 evolution_every=1, device="cpu"), **kw})


def test_resuming_with_another_cell_is_refused(tmp_path):
    Trainer(_cfg(cell="gru"), tmp_path, log=lambda *a: None).fit(progress=False)
    for kw, words in ((dict(cell="lstm"), "started with a gru network, not a lstm one"),
                      (dict(cell="gru", bias=True), "not a biased gru one")):
        with pytest.raises(SystemExit) as ei:
            Trainer(_cfg(epochs=2, **kw), tmp_path, log=lambda *a: None).resume()
        msg = str(ei.value)
        assert "\n" not in msg and words in msg and "state.pt" in msg, msg


def test_continuing_from_another_cell_is_refused(tmp_path, capsys):
    Trainer(_cfg(cell="tanh"), tmp_path / "a", log=lambda *a: None).fit(progress=False)
    src = str(tmp_path / "a" / "final.pt")
    assert cli.main(["train", *TRAIN, "--cell", "relu", "--continue-from", src, "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "cell=tanh" in err and "cell=relu" in err, err
    t = Trainer(_cfg(cell="tanh", bias=True, epochs=3), tmp_path / "c", log=lambda *a: None)
    with pytest.raises(SystemExit, match="a tanh network, but this run trains a biased tanh one"):
        t.start_from(src)
    t = Trainer(_cfg(cell="tanh", epochs=3), tmp_path / "d", log=lambda *a: None)
    t.start_from(src)
    assert t.epoch == 1 and t.model.cell == "tanh"


def test_bad_cell_argument_is_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as ei:
        cli.main(["train", *TRAIN, "--cell", "elman", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err.strip()
    assert ei.value.code == 2 and "\n" not in err and "--cell" in err and "elman" in err
    assert not (tmp_path / "x").exists()
    with pytest.raises(ValueError, match="unknown cell 'elman'"):
        Trainer(_cfg(cell="elman"), tmp_path / "y")


@pytest.mark.parametrize("extra", [["--cell", "gru"], ["--bias"]])
def test_batched_seeds_refuse_other_cells(tmp_path, capsys, extra):
    assert cli.main(["train", *TRAIN, *extra, "--seeds", "0-1", "--out-root", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "bias-free relu cell only" in err, err
