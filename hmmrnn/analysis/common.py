"""Shared pieces of the analyses: seeded noise-driven runs, orbit scale, output switches."""
from __future__ import annotations

import numpy as np
import torch

from ..rnn import RNN, Rollout, draw_noise, rollout


def seed_for(seed: int, purpose: str) -> int:
    """A distinct, reproducible seed per (claims seed, analysis step)."""
    return (int(seed) * 7919 + sum(ord(c) * 31**i for i, c in enumerate(purpose))) % (2**62)


@torch.no_grad()
def noise_run(model: RNN, batch: int, steps: int, seed: int, scale: float = 1.0, warmup: int = 20,
              record: str = "all") -> Rollout:
    """B noise-driven trajectories from h0 = 0; the first ``warmup`` steps are dropped."""
    noise = draw_noise(batch, steps + warmup, model.inputs, seed, scale)
    r = rollout(model, noise, record=record)
    if record == "all":
        return Rollout(r.states[:, warmup:], r.preacts[:, warmup:], r.logits[:, warmup:], noise[:, warmup:])
    return r


def orbit_scale(states: torch.Tensor, centre: torch.Tensor | None = None) -> float:
    """Root-mean-square distance of states [..., H] from a centre (default 0, the bias-free fixed point)."""
    x = states.reshape(-1, states.shape[-1])
    if centre is not None:
        x = x - centre
    return float(x.pow(2).sum(-1).mean().sqrt())


def switches(outputs: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(trajectory, step, from, to) for every change of the argmax output in outputs [B, T]."""
    b, t = np.nonzero(outputs[:, 1:] != outputs[:, :-1])
    return [(int(i), int(j) + 1, int(outputs[i, j]), int(outputs[i, j + 1])) for i, j in zip(b, t)]



BLOW_UP = 1e8  # activity beyond this is counted as diverged (float32 PCA/covariances overflow near 1e19)


def require_finite(x: torch.Tensor, what: str, bound: float = BLOW_UP) -> torch.Tensor:
    """Raise ModelDiverged (a FAIL of the claim, not a harness error) when activity blew up: beyond
    `bound`, or inf/NaN. bound=inf for what stays well defined at any finite size (argmax, softmax samples)."""
    from ..errors import ModelDiverged
    if not torch.isfinite(x).all() or x.abs().max() > bound:
        bad = (~(x.abs() <= bound)).flatten(2).any(-1) if x.ndim >= 3 else None
        when = f" (first at step {int(bad.any(0).float().argmax())})" if bad is not None and bad.any() else ""
        size = f"|h| > {bound:g} or " if bound < float("inf") else ""
        raise ModelDiverged(f"{what} diverges ({size}inf/NaN){when}")
    return x
