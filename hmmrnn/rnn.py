"""The paper's vanilla ReLU RNN, its tanh/GRU/LSTM siblings, and the one batched rollout engine every analysis uses.

A network is a cell plus a linear readout. The paper's cell (the default):
h_t = relu(W_ih x_t + W_hh h_{t-1} [+ b]),  logits_t = W_o h_t,  h_0 = 0,  x_t ~ N(0, s^2 I_d).
The other cells follow torch's nn.RNN(nonlinearity="tanh"), nn.GRU and nn.LSTM, in torch's weight layout.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn

from . import device as _device
from .limits import check_rollout


# ReLU with its kink at 1e-30 instead of 0: states that decay without input would otherwise sink into
# float32 denormals, which make every later step ~50x slower on the CPU (the flush-to-zero flag does not
# reach torch's worker threads). No statistic of this project can see a difference of 1e-30.
TINY = 1e-30

CELLS = ("relu", "tanh", "gru", "lstm")
GATES = {"relu": 1, "tanh": 1, "gru": 3, "lstm": 4}  # row blocks of weight_ih / weight_hh (torch's gate order)


def check_cell(cell) -> str:
    """The cell name itself, or ValueError (one line) for a name that is not in CELLS."""
    if cell not in CELLS:
        raise ValueError(f"unknown cell {cell!r}: one of {', '.join(CELLS)}")
    return cell


class RNN(nn.Module):
    """A recurrent cell plus a linear readout; bias-free by default (the paper's network).

    cell "relu" (the paper's) or "tanh": weight_ih [H, d], weight_hh [H, H], with ``bias=True`` one recurrent
    bias ``bias_h`` [H]. cell "gru" (gates r, z, n) or "lstm" (gates i, f, g, o): weight_ih [G*H, d], weight_hh
    [G*H, H] as nn.GRU / nn.LSTM hold them, with ``bias=True`` torch's ``bias_ih`` and ``bias_hh`` [G*H] (kept
    apart: the GRU's candidate needs them so). Readout weight_o [O, H], with ``bias=True`` ``bias_o`` [O].
    The state is h [.., H], for the LSTM cat(h, c) [.., 2H] (``state_size``; ``activity`` takes h out of it).
    """

    def __init__(self, hidden: int = 150, inputs: int = 100, outputs: int = 3, bias: bool = False,
                 generator: torch.Generator | None = None, cell: str = "relu"):
        super().__init__()
        self.cell = check_cell(cell)
        G = GATES[cell]
        self.weight_ih = nn.Parameter(torch.empty(G * hidden, inputs))
        self.weight_hh = nn.Parameter(torch.empty(G * hidden, hidden))
        self.weight_o = nn.Parameter(torch.empty(outputs, hidden))
        gated = G > 1
        self.bias_h = nn.Parameter(torch.zeros(hidden)) if bias and not gated else None
        self.bias_ih = nn.Parameter(torch.zeros(G * hidden)) if bias and gated else None
        self.bias_hh = nn.Parameter(torch.zeros(G * hidden)) if bias and gated else None
        self.bias_o = nn.Parameter(torch.zeros(outputs)) if bias else None
        self.reset_parameters(generator)

    def reset_parameters(self, generator: torch.Generator | None = None) -> None:
        """PyTorch's default init: U(-1/sqrt(H), 1/sqrt(H)) for the recurrence, 1/sqrt(H) for the readout."""
        k = 1.0 / math.sqrt(self.hidden)
        with torch.no_grad():
            for p in self.parameters():
                p.uniform_(-k, k, generator=generator)

    @property
    def hidden(self) -> int:
        return self.weight_hh.shape[1]

    @property
    def inputs(self) -> int:
        return self.weight_ih.shape[1]

    @property
    def outputs(self) -> int:
        return self.weight_o.shape[0]

    @property
    def gates(self) -> int:
        """G: row blocks of weight_ih and weight_hh (1 relu/tanh, 3 gru, 4 lstm)."""
        return GATES[self.cell]

    @property
    def state_size(self) -> int:
        """S: the width of the full state (H; 2H for the LSTM, whose state is cat(h, c))."""
        return 2 * self.hidden if self.cell == "lstm" else self.hidden

    @property
    def has_bias(self) -> bool:
        return self.bias_o is not None

    def activity(self, state: torch.Tensor) -> torch.Tensor:
        """The units' output h [..., H] of states [..., S] (the state itself but for the LSTM's cat(h, c))."""
        return state[..., : self.hidden] if self.cell == "lstm" else state

    def readout(self, h: torch.Tensor) -> torch.Tensor:
        """Logits [..., O] of activities h [..., H] (of states: readout(activity(state))): W_o h (+ b_o)."""
        logits = h @ self.weight_o.T
        return logits if self.bias_o is None else logits + self.bias_o

    def per_gate(self, m: torch.Tensor | None) -> torch.Tensor | None:
        """A per-unit multiplier [..., H] repeated over the gate blocks [..., G*H] (itself for G = 1)."""
        return m if m is None or self.gates == 1 else torch.cat([m] * self.gates, -1)

    def step(self, state: torch.Tensor, drive: torch.Tensor | None = None, rec_mult: torch.Tensor | None = None,
             act_mult: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """One step of the cell: (next state [..., S], preact [..., H]).

        state [..., S]; drive [..., G*H] the input drive W_ih x (input multiplier applied; None: no input);
        rec_mult [G*H] or [..., G*H] scales W_hh h (per_gate of a per-unit multiplier), act_mult [H] or [..., H]
        the units' output h. Biases are not scaled. preact: what enters the nonlinearity (relu/tanh); for the
        GRU the candidate's pre-tanh W_in x + b_in + r*(W_hn h + b_hn), for the LSTM the cell input g's pre-tanh.
        """
        if self.gates == 1:
            return self._simple_step(state, drive, rec_mult, act_mult)
        return self._gated_step(state, drive, rec_mult, act_mult)

    def _simple_step(self, h, drive, rec_mult, act_mult):
        """relu / tanh: h' = f(W_hh h * m_rec + drive + b_h) * m_act (the ReLU: exactly the paper's arithmetic)."""
        rec = h @ self.weight_hh.T
        if rec_mult is not None:
            rec = rec * rec_mult
        pre = rec if drive is None else rec + drive
        if self.bias_h is not None:
            pre = pre + self.bias_h
        h = torch.nn.functional.threshold(pre, TINY, 0.0) if self.cell == "relu" else torch.tanh(pre)
        if act_mult is not None:
            h = h * act_mult
        return h, pre

    def _gated_step(self, state, drive, rec_mult, act_mult):
        """gru / lstm as nn.GRU / nn.LSTM compute them, with the multipliers of step()."""
        H = self.hidden
        h = self.activity(state)
        gh = h @ self.weight_hh.T
        if rec_mult is not None:
            gh = gh * rec_mult
        if self.bias_hh is not None:
            gh = gh + self.bias_hh
        gi = state.new_zeros(*state.shape[:-1], self.gates * H) if drive is None else drive
        if self.bias_ih is not None:
            gi = gi + self.bias_ih
        if self.cell == "gru":
            r = torch.sigmoid(gi[..., :H] + gh[..., :H])
            z = torch.sigmoid(gi[..., H:2 * H] + gh[..., H:2 * H])
            pre = gi[..., 2 * H:] + r * gh[..., 2 * H:]
            new = (1 - z) * torch.tanh(pre) + z * h
            return (new if act_mult is None else new * act_mult), pre
        i, f, pre, o = (gi + gh).chunk(4, -1)
        c = torch.sigmoid(f) * state[..., H:] + torch.sigmoid(i) * torch.tanh(pre)
        new = torch.sigmoid(o) * torch.tanh(c)
        if act_mult is not None:
            new = new * act_mult
        return torch.cat([new, c], -1), pre

    def jacobian(self, state: torch.Tensor, x: torch.Tensor | None = None,
                 rec_mult: torch.Tensor | None = None) -> torch.Tensor:
        """d(next state)/d(state) [N, S, S] at states [N, S] with inputs x [N, d] (None: the input-free map) and
        the step's recurrent multiplier rec_mult [G*H] (None: 1; per_gate of a per-unit one).

        Closed form for relu (diag(pre > TINY) diag(m) W_hh) and tanh (diag(1 - tanh(pre)^2) diag(m) W_hh);
        torch.func (vmap of jacrev of step) for the gated cells."""
        state = state.to(self.weight_hh)
        drive = None if x is None else x.to(self.weight_ih) @ self.weight_ih.T
        m = None if rec_mult is None else rec_mult.to(self.weight_hh)
        if self.gates == 1:
            _, pre = self._simple_step(state, drive, m, None)
            slope = (pre > TINY).to(pre) if self.cell == "relu" else 1 - torch.tanh(pre) ** 2
            return slope[:, :, None] * (self.weight_hh if m is None else m[:, None] * self.weight_hh)
        from torch.func import jacrev, vmap
        if drive is None:
            return vmap(jacrev(lambda s: self.step(s, None, m)[0]))(state)
        return vmap(jacrev(lambda s, u: self.step(s, u, m)[0]))(state, drive)


@dataclass
class Intervention:
    """Per-neuron multipliers, each [H] (every row), [B, H] (one per row of the batch) or None (= 1): on
    the activity h, on the recurrent drive W_hh h, on the input drive W_ih x. ``activity=0`` on a group is
    true silencing; ``recurrent`` alone is the authors' variant (it scales only the recurrent input to the
    neuron). Whatever the cell: ``activity`` multiplies the unit's output h (the LSTM's h, not its c);
    ``recurrent`` and ``input`` scale every gate row of the unit (biases are not scaled)."""

    activity: torch.Tensor | None = None
    recurrent: torch.Tensor | None = None
    input: torch.Tensor | None = None

    def rows(self, block: slice) -> "Intervention":
        """The multipliers of a block of rows (per-row ones sliced, shared ones as they are)."""
        cut = lambda m: m[block] if m is not None and m.dim() == 2 else m  # noqa: E731
        return Intervention(cut(self.activity), cut(self.recurrent), cut(self.input))

    @staticmethod
    def on(neurons, hidden: int, mu: float = 0.0, kind: str = "activity") -> "Intervention":
        m = torch.ones(hidden)
        m[list(neurons)] = mu
        return Intervention(**{kind: m})


@dataclass
class Rollout:
    """states [B, T, S]: the full states after steps 1..T (h; for the LSTM cat(h, c), S = 2H: see
    RNN.activity); preacts [B, T, H]: what enters the nonlinearity (relu/tanh: the pre-activation; the
    declared analogue for gated cells: the GRU candidate's pre-tanh, the LSTM cell input g's pre-tanh);
    logits [B, T, O] = readout(activity(states)). states and preacts are None when only logits were recorded."""

    states: torch.Tensor | None
    preacts: torch.Tensor | None
    logits: torch.Tensor
    noise: torch.Tensor | None = field(default=None, repr=False)


def draw_noise(batch: int, steps: int, inputs: int, seed: int | torch.Generator, scale: float = 1.0,
               device="cpu") -> torch.Tensor:
    """Gaussian input noise [B, T, d] from a seed (or a generator), times the input scale s."""
    g = seed if isinstance(seed, torch.Generator) else torch.Generator(device="cpu").manual_seed(int(seed))
    return (torch.randn(batch, steps, inputs, generator=g, device=g.device) * scale).to(device)


ROW_BLOCK = 512  # rows per block of a large rollout without gradients (see rollout)


def rollout(model: RNN, noise: torch.Tensor | None = None, *, h0: torch.Tensor | None = None,
            steps: int | None = None, intervention: Intervention | None = None,
            record: str = "all") -> Rollout:
    """Run B trajectories for T steps as batched tensor ops.

    noise: input sequence [B, T, d] (already scaled), or None for input-free runs (then give ``steps``
    and ``h0`` [B, S], S = model.state_size). h0 defaults to zeros. The cell's step is ``model.step``.
    ``record``: "all" keeps states, pre-activations and logits of every step; "logits" keeps only the logits
    (training: no [B, T, S] copies); "last" keeps only the final step (long input-free runs). Differentiable:
    training uses it too.

    Without gradients, a batch of more than ROW_BLOCK rows runs ROW_BLOCK rows at a time into the full-size
    result: the same numbers (a row's arithmetic does not involve the other rows; a test compares), about
    twice as fast at H = 150, where [512, H] operands stay in cache and [40000, H] ones do not. With a compute
    device set (``hmmrnn.device``, the claims' ``--device``) it runs there and returns CPU tensors.
    """
    if record not in ("all", "logits", "last"):
        raise ValueError(f"record must be 'all', 'logits' or 'last', got {record!r}")
    B = noise.shape[0] if noise is not None else (h0.shape[0] if h0 is not None else 0)
    grads = torch.is_grad_enabled() and any(p.requires_grad for p in model.parameters())
    if not grads and _device.compute_device() is not None:  # claims on a device (hmmrnn.device); training never
        return _rollout_on(_device.compute_device(), model, noise, h0=h0, steps=steps, intervention=intervention, record=record)
    if B <= ROW_BLOCK or grads or model.weight_hh.device.type != "cpu":  # row blocks are for a CPU's cache
        return _rollout(model, noise, h0, steps, intervention, record)
    T = noise.shape[1] if noise is not None else steps
    check_rollout(B, T, _width(model), model.outputs, record, driven=noise is not None)
    return in_blocks(B, ROW_BLOCK, lambda rows: _rollout(
        model, None if noise is None else noise[rows], None if h0 is None else h0[rows], steps,
        None if intervention is None else intervention.rows(rows), record), noise)


def in_blocks(B: int, size: int, run, noise: torch.Tensor | None, device=None) -> Rollout:
    """The Rollout of B rows, ``run(rows)`` giving that of each block of ``size`` rows, filled into full-size
    results (no second copy) on ``device`` (None: the blocks' own). Rollout.noise is ``noise``."""
    out = None
    for i in range(0, B, size):
        part = run(slice(i, i + size))
        got = (part.states, part.preacts, part.logits)
        if out is None:
            out = [None if x is None else torch.empty((B, *x.shape[1:]), dtype=x.dtype, device=device or x.device)
                   for x in got]
        for full, x in zip(out, got):
            if x is not None:
                full[i:i + len(x)] = x
    return Rollout(*out, noise)


def _rollout_on(device: torch.device, model, noise: torch.Tensor | None, *, h0: torch.Tensor | None,
                steps: int | None, intervention, record: str):
    """``rollout`` of the network's copy on ``device`` (hmmrnn.device), device.BLOCK rows at a time, into
    full-size CPU results (the same Rollout a CPU run returns; its noise is the caller's own tensor)."""
    twin = _device.model_on(model, device)
    B = noise.shape[0] if noise is not None else h0.shape[0]
    with _device.on_device(None):
        if B == 0:  # no rows: nothing to move
            return rollout(model, noise, h0=h0, steps=steps, intervention=intervention, record=record)
        return in_blocks(B, _device.BLOCK, lambda rows: rollout(
            twin, None if noise is None else noise[rows].to(device), h0=None if h0 is None else h0[rows].to(device),
            steps=steps, intervention=None if intervention is None else intervention.rows(rows), record=record),
            noise, device=torch.device("cpu"))


def unit_weights(model) -> torch.Tensor:
    """[H, H] the weight from unit j to unit i that the connectivity and population claims read: W_hh for a
    one-gate cell (relu, tanh); the candidate's recurrent block for the GRU (n) and the LSTM (g), their
    declared analogue."""
    W = model.weight_hh.detach()
    return W if model.gates == 1 else W[2 * model.hidden: 3 * model.hidden]


def _width(model: RNN) -> int:
    """Units a rollout's memory check counts per row and step: H for relu/tanh, G*H (the drive) for gated cells."""
    return model.hidden * model.gates


def _fused_logits(model: RNN, noise: torch.Tensor) -> torch.Tensor:
    """Logits [B, T, O] of a tanh, GRU or LSTM net from h0 = 0 by torch's own fused nn.RNN / nn.GRU / nn.LSTM
    over the whole sequence (one call, no per-step Python; oneDNN on the CPU), holding this net's weights.
    The same arithmetic as model.step to rounding (tests compare both with torch's modules to 1e-10); rollout
    takes it for the cells in FUSED_CELLS only. The ReLU keeps the step loop: its arithmetic is the paper's,
    kink at TINY included."""
    H, d = model.hidden, model.inputs
    kind = {"tanh": "rnn", "gru": "gru", "lstm": "lstm"}[model.cell]
    module = _FUSED.get((kind, H, d, model.has_bias))
    if module is None:  # a weightless (meta) module: functional_call supplies the parameters
        cls = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[kind]
        extra = {"nonlinearity": "tanh"} if kind == "rnn" else {}
        module = _FUSED[(kind, H, d, model.has_bias)] = cls(d, H, bias=model.has_bias, batch_first=True,
                                                             device="meta", **extra)
    params = {"weight_ih_l0": model.weight_ih, "weight_hh_l0": model.weight_hh}
    if model.has_bias:
        if kind == "rnn":
            params.update(bias_ih_l0=model.bias_h, bias_hh_l0=torch.zeros_like(model.bias_h))
        else:
            params.update(bias_ih_l0=model.bias_ih, bias_hh_l0=model.bias_hh)
    out, _ = torch.func.functional_call(module, params, (noise.to(model.weight_hh),))
    return model.readout(out)


_FUSED: dict = {}
# where torch's fused module beats the step loop in a training epoch (benchmarks/cell_epoch.txt, one CPU
# thread: GRU 42.5 -> 24.0 s; the tanh net 14.9 -> 16.4 s and the LSTM 34.4 -> 38.9 s are slower fused)
FUSED_CELLS = ("gru",)


def _rollout(model: RNN, noise: torch.Tensor | None, h0: torch.Tensor | None, steps: int | None,
             intervention: Intervention | None, record: str) -> Rollout:
    """rollout() of one block of rows."""
    W_hh = model.weight_hh
    if record == "logits" and model.cell in FUSED_CELLS and noise is not None and h0 is None and intervention is None:
        check_rollout(*noise.shape[:2], _width(model), model.outputs, record)
        return Rollout(None, None, _fused_logits(model, noise), noise)
    if noise is not None:
        B, T, _ = noise.shape
        check_rollout(B, T, _width(model), model.outputs, record)  # one line, before anything is allocated
        # the whole input drive as one matmul, time-major so that each step reads a contiguous slab;
        # unbind (not indexing) keeps the backward pass from materialising a full-size gradient per step
        drive = noise.transpose(0, 1) @ model.weight_ih.T  # [T, B, G*H]
        if intervention is not None and intervention.input is not None:
            drive = drive * model.per_gate(intervention.input.to(drive))
        drive = drive.unbind(0)
    else:
        if h0 is None or steps is None:
            raise ValueError("an input-free rollout needs h0 and steps")
        B, T = h0.shape[0], steps
        check_rollout(B, T, _width(model), model.outputs, record, driven=False)
        drive = None
    h = torch.zeros(B, model.state_size, dtype=W_hh.dtype, device=W_hh.device) if h0 is None else h0.to(W_hh)
    iv = intervention
    rec_m = None if iv is None or iv.recurrent is None else model.per_gate(iv.recurrent.to(h))
    act_m = None if iv is None or iv.activity is None else iv.activity.to(h)
    states, preacts, logits = [], [], []
    for t in range(T):
        h, pre = model.step(h, None if drive is None else drive[t], rec_m, act_m)
        if record == "logits":
            logits.append(model.readout(model.activity(h)))
        elif record == "all" or t == T - 1:
            states.append(h)
            preacts.append(pre)
    if record == "logits":
        S = P = None
        L = torch.stack(logits, 1)
    else:
        S, P = torch.stack(states, 1), torch.stack(preacts, 1)
        L = model.readout(model.activity(S))
    return Rollout(S, P, L, noise)


def hard_gumbel_softmax(logits: torch.Tensor, generator: torch.Generator, tau: float = 1.0) -> torch.Tensor:
    """Straight-through Gumbel-softmax: one-hot sample of softmax(logits) forward, soft-sample gradient.

    Written out (rather than ``F.gumbel_softmax``) so that the Gumbel draws come from a given generator
    and training is reproducible and resumable.
    """
    u = torch.empty(logits.shape, dtype=logits.dtype, device=generator.device).exponential_(generator=generator)
    u = u.to(logits.device)
    soft = torch.softmax((logits - u.log()) / tau, dim=-1)
    hard = torch.nn.functional.one_hot(soft.argmax(-1), soft.shape[-1]).to(soft)
    return hard - soft.detach() + soft
