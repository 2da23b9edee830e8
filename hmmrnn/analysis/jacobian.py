"""The Jacobian of the ReLU map at a state, J = diag(active) W_hh, and the paper's critical pairs.

Its non-zero eigenvalues are those of W_hh restricted to the active units, so only that block is
decomposed (a few ms per state at H = 150). Residency counts |lambda| > 1 (unstable directions), emergence
and the mu sweep count critical pairs: the eigenvalues the authors' Moebius map m = (lambda - 1) / (lambda + 1)
puts near the imaginary axis (|Re m| < 0.1 and Im m above 0.05 in the authors' emergence script, above 0.06 in
their ablation script: one per complex-conjugate pair near the unit circle).
"""
from __future__ import annotations

from typing import Iterator

import torch

from ..rnn import RNN

RE_TOL, IM_TOL = 0.1, 0.05  # the authors' window on the Moebius-mapped eigenvalues (emergence, P28)


def recurrent_active(model: RNN, states: torch.Tensor) -> torch.Tensor:
    """Units active at the next step without input, [N, H] bool, from states [N, H]: W_hh h (+ b) > 0."""
    drive = states.double() @ model.weight_hh.detach().double().T
    if model.bias_h is not None:
        drive = drive + model.bias_h.detach().double()
    return drive > 0


def active_eigvals(W: torch.Tensor, active: torch.Tensor, min_units: int = 1) -> Iterator[torch.Tensor | None]:
    """Per state, the eigenvalues of W [H, H] restricted to its active units (active [N, H] bool), or None
    where fewer than min_units are active. (Batched by active-set size it would be faster; sizes vary per
    state.)"""
    for a in active:
        idx = a.nonzero()[:, 0]
        yield torch.linalg.eigvals(W[idx][:, idx]) if len(idx) >= min_units else None


def state_eigvals(model: RNN, states: torch.Tensor, inputs: torch.Tensor | None = None
                  ) -> Iterator[torch.Tensor | None]:
    """Per state [N, S], the eigenvalues of the map's Jacobian there, input-free or with the step's inputs [N, d].
    The ReLU, input-free: those of W_hh restricted to the units active at the next step (the paper's gated
    Jacobian, as active_eigvals); any other cell, or with inputs: of its own step's Jacobian (``model.jacobian``:
    closed form for relu and tanh, autograd for the GRU and LSTM, the full state)."""
    if model.cell == "relu" and inputs is None:
        yield from active_eigvals(model.weight_hh.detach().double(), recurrent_active(model, states))
        return
    with torch.no_grad():
        J = model.jacobian(states.to(model.weight_hh.dtype), inputs).double()
    yield from torch.linalg.eigvals(J)


def critical_count(lam: torch.Tensor | None, re_tol: float = RE_TOL, im_tol: float = IM_TOL) -> int:
    """Critical pairs among eigenvalues lam: Moebius m = (lam - 1) / (lam + 1), |Re m| < re_tol, Im m > im_tol."""
    if lam is None:
        return 0
    m = (lam - 1) / (lam + 1)
    return int(((m.real.abs() < re_tol) & (m.imag > im_tol)).sum())
