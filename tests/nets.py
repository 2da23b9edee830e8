"""Tiny random networks for the unit and property tests (weights from a seed, no gradients)."""
from __future__ import annotations

import torch

from hmmrnn.rnn import RNN


def tiny(seed: int = 0, *, hidden: int = 12, inputs: int = 4, outputs: int = 3, bias: bool = False,
         gain: float = 1.0) -> RNN:
    """RNN(hidden, inputs, outputs) with PyTorch's default initialisation drawn from ``seed``; ``gain`` scales
    W_hh (above ~2 the input-free dynamics leave the single fixed point)."""
    m = RNN(hidden, inputs, outputs, bias=bias, generator=torch.Generator().manual_seed(seed)).requires_grad_(False)
    if gain != 1.0:
        m.weight_hh.mul_(gain)
    return m


def contracting(seed: int = 0) -> RNN:
    """A bias-free RNN(8, 4, 3) with |W_hh|_2 = 0.5: every input-free run decays to h = 0, so the fixed-point
    claim passes it."""
    m = tiny(seed, hidden=8)
    m.weight_hh.mul_(0.5 / torch.linalg.matrix_norm(m.weight_hh, ord=2))
    return m


def starts(n: int, hidden: int, seed: int = 0, scale: float = 2.0) -> torch.Tensor:
    """Non-negative start states [n, H] (like visited ReLU states)."""
    return torch.rand(n, hidden, generator=torch.Generator().manual_seed(seed)) * scale


def linear_regime(seed: int = 0, bias: float = 10.0, w_hh: float = 0.3, hidden: int = 12, inputs: int = 4) -> RNN:
    """A net whose pre-activations stay far above the ReLU kink: a large positive bias, a small W_hh."""
    m = tiny(seed, bias=True, hidden=hidden, inputs=inputs)
    m.weight_hh.mul_(w_hh)
    m.bias_h.fill_(bias)
    return m
