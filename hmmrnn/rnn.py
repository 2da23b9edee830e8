"""The vanilla ReLU RNN of the paper and the one batched rollout engine every analysis uses.

h_t = relu(W_ih x_t + W_hh h_{t-1} [+ b]),  logits_t = W_o h_t,  h_0 = 0,  x_t ~ N(0, s^2 I_d).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn

from .device import compute_device, rollout_on
from .limits import check_rollout


# ReLU with its kink at 1e-30 instead of 0: states that decay without input would otherwise sink into
# float32 denormals, which make every later step ~50x slower on the CPU (the flush-to-zero flag does not
# reach torch's worker threads). No statistic of this project can see a difference of 1e-30.
TINY = 1e-30


class RNN(nn.Module):
    """Bias-free by default (the paper's network); ``bias=True`` adds recurrent and readout biases."""

    def __init__(self, hidden: int = 150, inputs: int = 100, outputs: int = 3, bias: bool = False,
                 generator: torch.Generator | None = None):
        super().__init__()
        self.weight_ih = nn.Parameter(torch.empty(hidden, inputs))
        self.weight_hh = nn.Parameter(torch.empty(hidden, hidden))
        self.weight_o = nn.Parameter(torch.empty(outputs, hidden))
        self.bias_h = nn.Parameter(torch.zeros(hidden)) if bias else None
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
        return self.weight_hh.shape[0]

    @property
    def inputs(self) -> int:
        return self.weight_ih.shape[1]

    @property
    def outputs(self) -> int:
        return self.weight_o.shape[0]

    @property
    def has_bias(self) -> bool:
        return self.bias_h is not None

    def readout(self, h: torch.Tensor) -> torch.Tensor:
        """Logits [..., O] of states h [..., H]: W_o h (+ b_o)."""
        logits = h @ self.weight_o.T
        return logits if self.bias_o is None else logits + self.bias_o


@dataclass
class Intervention:
    """Per-neuron multipliers, each [H] (every row), [B, H] (one per row of the batch) or None (= 1): on
    the activity h, on the recurrent drive W_hh h, on the input drive W_ih x. ``activity=0`` on a group is
    true silencing; ``recurrent`` alone is the authors' variant (it scales only the recurrent input to the
    neuron)."""

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
    """states h_1..h_T [B, T, H]; preacts (what enters the ReLU) [B, T, H]; logits [B, T, O].
    states and preacts are None when only logits were recorded."""

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
    and ``h0`` [B, H]). h0 defaults to zeros. ``record``: "all" keeps states, pre-activations and
    logits of every step; "logits" keeps only the logits (training: no [B, T, H] copies); "last" keeps
    only the final step (long input-free runs). Differentiable: training uses it too.

    Without gradients, a batch of more than ROW_BLOCK rows runs ROW_BLOCK rows at a time into the full-size
    result: the same numbers (a row's arithmetic does not involve the other rows; a test compares), about
    twice as fast at H = 150, where [512, H] operands stay in cache and [40000, H] ones do not. With a compute
    device set (``hmmrnn.device``, the claims' ``--device``) it runs there and returns CPU tensors.
    """
    if record not in ("all", "logits", "last"):
        raise ValueError(f"record must be 'all', 'logits' or 'last', got {record!r}")
    B = noise.shape[0] if noise is not None else (h0.shape[0] if h0 is not None else 0)
    grads = torch.is_grad_enabled() and any(p.requires_grad for p in model.parameters())
    if not grads and compute_device() is not None:  # claims on a device (hmmrnn.device); training never
        return rollout_on(compute_device(), model, noise, h0=h0, steps=steps, intervention=intervention, record=record)
    if B <= ROW_BLOCK or grads or model.weight_hh.device.type != "cpu":  # row blocks are for a CPU's cache
        return _rollout(model, noise, h0, steps, intervention, record)
    T = noise.shape[1] if noise is not None else steps
    check_rollout(B, T, model.hidden, model.outputs, record, driven=noise is not None)
    out = None
    for i in range(0, B, ROW_BLOCK):
        rows = slice(i, i + ROW_BLOCK)
        part = _rollout(model, None if noise is None else noise[rows], None if h0 is None else h0[rows], steps,
                        None if intervention is None else intervention.rows(rows), record)
        if out is None:  # the full-size result, filled block by block (no second copy)
            out = [None if x is None else x.new_empty((B, *x.shape[1:]))
                   for x in (part.states, part.preacts, part.logits)]
        for full, x in zip(out, (part.states, part.preacts, part.logits)):
            if x is not None:
                full[i:i + len(x)] = x
    return Rollout(*out, noise)


def _rollout(model: RNN, noise: torch.Tensor | None, h0: torch.Tensor | None, steps: int | None,
             intervention: Intervention | None, record: str) -> Rollout:
    """rollout() of one block of rows."""
    W_hh = model.weight_hh
    if noise is not None:
        B, T, _ = noise.shape
        check_rollout(B, T, model.hidden, model.outputs, record)  # one line, before anything is allocated
        # the whole input drive as one matmul, time-major so that each step reads a contiguous slab;
        # unbind (not indexing) keeps the backward pass from materialising a full-size gradient per step
        drive = noise.transpose(0, 1) @ model.weight_ih.T  # [T, B, H]
        if intervention is not None and intervention.input is not None:
            drive = drive * intervention.input.to(drive)
        drive = drive.unbind(0)
    else:
        if h0 is None or steps is None:
            raise ValueError("an input-free rollout needs h0 and steps")
        B, T = h0.shape[0], steps
        check_rollout(B, T, model.hidden, model.outputs, record, driven=False)
        drive = None
    h = torch.zeros(B, model.hidden, dtype=W_hh.dtype, device=W_hh.device) if h0 is None else h0.to(W_hh)
    iv = intervention
    rec_m = None if iv is None or iv.recurrent is None else iv.recurrent.to(h)
    act_m = None if iv is None or iv.activity is None else iv.activity.to(h)
    states, preacts, logits = [], [], []
    for t in range(T):
        rec = h @ W_hh.T
        if rec_m is not None:
            rec = rec * rec_m
        pre = rec if drive is None else rec + drive[t]
        if model.bias_h is not None:
            pre = pre + model.bias_h
        h = torch.nn.functional.threshold(pre, TINY, 0.0)
        if act_m is not None:
            h = h * act_m
        if record == "logits":
            logits.append(model.readout(h))
        elif record == "all" or t == T - 1:
            states.append(h)
            preacts.append(pre)
    if record == "logits":
        S = P = None
        L = torch.stack(logits, 1)
    else:
        S, P = torch.stack(states, 1), torch.stack(preacts, 1)
        L = model.readout(S)
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
