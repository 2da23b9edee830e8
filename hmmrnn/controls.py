"""Negative controls: networks each claim must reject (SPEC.md "Negative controls").

All are built from code, seeded, so anyone can regenerate them with ``hmmrnn controls``.
"""
from __future__ import annotations

import numpy as np
import torch

from .rnn import RNN

KINDS = ("untrained", "pre-bifurcation", "line-attractor", "shuffled", "wrong-hmm")


def untrained(hidden: int, inputs: int, outputs: int, seed: int, cell: str = "relu", bias: bool = False) -> RNN:
    """A default-initialised network of the cell."""
    return RNN(hidden, inputs, outputs, bias=bias, cell=cell,
               generator=torch.Generator().manual_seed(seed)).requires_grad_(False)


def shuffled(model: RNN, seed: int) -> RNN:
    """The same network with its recurrent weights randomly permuted (same weight distribution); a gated cell's
    within each gate block, so each gate keeps its own weights' distribution (one block: the ReLU's as before)."""
    g = torch.Generator().manual_seed(seed)
    out = RNN(model.hidden, model.inputs, model.outputs, bias=model.has_bias, cell=model.cell)
    out.load_state_dict(model.state_dict())
    for W in out.weight_hh.data.split(model.hidden, 0):
        W.copy_(W.flatten()[torch.randperm(W.numel(), generator=g)].view_as(W))
    return out.requires_grad_(False)


def line_attractor(model: RNN, seed: int, contraction: float = 0.5) -> RNN:
    """Bias-free ReLU net with a continuum of fixed points: W_hh = P_v + contraction * (I - P_v) R (I - P_v)
    with v > 0, so relu(W_hh c v) = c v for every c >= 0. Input and readout weights are kept. A ReLU construction:
    ValueError (one line) for another cell."""
    if model.cell != "relu":
        raise ValueError(f"the line-attractor control is built for a ReLU network, not a {model.cell} one")
    g = torch.Generator().manual_seed(seed)
    H = model.hidden
    v = torch.rand(H, generator=g) + 0.5
    v = v / v.norm()
    P = torch.outer(v, v)
    Q = torch.eye(H) - P
    R = torch.randn(H, H, generator=g)
    A = Q @ R @ Q
    A = A / torch.linalg.matrix_norm(A, ord=2)
    out = RNN(H, model.inputs, model.outputs, bias=model.has_bias)
    out.load_state_dict(model.state_dict())
    out.weight_hh.data.copy_(P + contraction * A)
    if out.bias_h is not None:  # a recurrent bias would break relu(W_hh c v) = c v; the readout bias is kept
        out.bias_h.data.zero_()
    return out.requires_grad_(False)


def bifurcation_epoch(history: list[dict], smooth: int = 5) -> int:
    """Epoch of the steepest drop of the smoothed validation loss: the loss's second descent, where the
    fixed-point regime gives way to the orbit. A rule on the loss alone, blind to every claim."""
    val = np.array([h["val"] for h in history])
    epochs = np.array([h["epoch"] for h in history])
    if len(val) < 2 * smooth + 2:
        raise ValueError(f"need at least {2 * smooth + 2} epochs of history, got {len(val)}")
    k = np.ones(smooth) / smooth
    s = np.convolve(val, k, mode="valid")
    drop = s[:-smooth] - s[smooth:]  # decrease over `smooth` epochs
    # skip the initial descent from the untrained loss: start after the first plateau is reached
    first_plateau = int(np.argmax(np.abs(np.diff(s)) < 0.01 * (s[0] - s.min() + 1e-12)))
    i = first_plateau + int(np.argmax(drop[first_plateau:]))
    return int(epochs[i + smooth])


def pre_bifurcation_epoch(history: list[dict], available: list[int], before: int = 20) -> int:
    """The last evolution checkpoint at least ``before`` epochs before the bifurcation epoch."""
    b = bifurcation_epoch(history)
    ok = [e for e in available if e <= b - before]
    if not ok:
        raise ValueError(f"no evolution checkpoint {before} epochs before the bifurcation epoch {b}")
    return max(ok)
