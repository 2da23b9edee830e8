"""Paper 4.1, Fig 3B: without input the activity collapses to a single fixed point.

For a bias-free ReLU RNN any non-zero fixed point comes with a whole ray of them, and at h = 0 the
Jacobian with strict gating is zero, so uniqueness is shown by decay from many starts plus a slow-point
search, never by linearisation (REFERENCE.md section 4).
"""
from __future__ import annotations

import torch

from ..rnn import RNN, rollout
from .common import noise_run, orbit_scale, require_finite, seed_for


def input_free_map(model: RNN, h: torch.Tensor) -> torch.Tensor:
    """F(h) = relu(W_hh h [+ b]) for h [B, H]."""
    return rollout(model, None, h0=h, steps=1, record="last").states[:, -1]


def starts(model: RNN, n: int, seed: int) -> tuple[torch.Tensor, float]:
    """n starts: half on-orbit states of a noise-driven run, half random non-negative states of
    norms spread over 0.1x..10x the orbit scale. Returns (starts [n, H], orbit scale)."""
    run = noise_run(model, batch=8, steps=250, seed=seed_for(seed, "fp-orbit"))
    on_orbit = require_finite(run.states, "noise-driven activity over 250 steps").reshape(-1, model.state_size)
    scale = orbit_scale(on_orbit)
    g = torch.Generator().manual_seed(seed_for(seed, "fp-starts"))
    idx = torch.randperm(len(on_orbit), generator=g)[: n // 2]
    rand = torch.rand(n - n // 2, model.state_size, generator=g)
    norms = scale * 10 ** (torch.rand(len(rand), 1, generator=g) * 2 - 1)
    rand = rand / rand.norm(dim=1, keepdim=True) * norms
    return torch.cat([on_orbit[idx], rand]), scale


@torch.no_grad()
def slow_points(model: RNN, h0: torch.Tensor, iters: int = 400, lr: float = 0.05) -> tuple[torch.Tensor, torch.Tensor]:
    """Minimise q(h) = |F(h) - h|^2 / 2 from each start (Sussillo & Barak 2013), batched, with Adam.
    Returns (end points [B, H], q at them [B])."""
    h = h0.clone().requires_grad_(True)
    opt = torch.optim.Adam([h], lr=lr * float(h0.norm(dim=1).mean()))
    with torch.enable_grad():
        for _ in range(iters):
            q = 0.5 * (input_free_map(model, h) - h).pow(2).sum(1)
            opt.zero_grad()
            q.sum().backward()
            opt.step()
    q = 0.5 * (input_free_map(model, h) - h).pow(2).sum(1)
    return h.detach(), q.detach()


@torch.no_grad()
def collapse(model: RNN, seed: int, n_starts: int = 512, steps: int = 500, n_slow: int = 64) -> dict:
    """Statistics of the input-free collapse (all distances relative to the orbit scale)."""
    h0, scale = starts(model, n_starts, seed)
    prev = rollout(model, None, h0=h0, steps=steps - 1, record="last").states[:, -1]
    end = input_free_map(model, prev)
    change = (end - prev).norm(dim=1) / scale
    centre = end.mean(0)
    spread = (end - centre).norm(dim=1).max() / scale
    residual = (input_free_map(model, centre[None])[0] - centre).norm() / scale
    # contraction rate: geometric mean per-step shrink of |h - h*| over the first 20 steps
    h20 = rollout(model, None, h0=h0, steps=20, record="last").states[:, -1]
    d0, d20 = (h0 - centre).norm(dim=1), (h20 - centre).norm(dim=1)
    rate = torch.exp(torch.log((d20 + 1e-30 * scale) / d0).mean() / 20)
    # slow-point search from on-orbit starts: a minimum with q ~ 0 away from h* is another fixed point
    sp, q = slow_points(model, h0[:n_slow])
    is_fixed = q / scale**2 < 1e-10
    far = (sp - centre).norm(dim=1) / scale > 1e-2
    traj = rollout(model, None, h0=h0[::8], steps=100).states
    decay = ((traj - centre).norm(dim=2) / scale).numpy()
    return {
        "orbit_scale": scale,
        "n_starts": int(n_starts),
        "converged_fraction": float((change < 1e-6).float().mean()),
        "max_last_step_change": float(change.max()),
        "end_spread": float(spread),
        "fixed_point_norm": float(centre.norm() / scale),
        "residual": float(residual),
        "contraction_rate": float(rate),
        "slow_point_searches": int(n_slow),
        "other_fixed_points": int((is_fixed & far).sum()),
        "min_q_away": float((q[far] / scale**2).min()) if far.any() else float("nan"),
        "_plot": {"decay": decay},
    }


@torch.no_grad()
def paper_collapse(model: RNN, seed: int, n_starts: int = 100, steps: int = 500) -> dict:
    """The authors' protocol (REFERENCE section 5): n on-orbit states of a noise-driven run iterated `steps`
    input-free steps. End-state spread (max distance from the mean end state, relative to the orbit scale)
    and the number of distinct end points (greedy clustering at 1e-3 of the orbit scale)."""
    run = noise_run(model, batch=8, steps=250, seed=seed_for(seed, "fp-paper"))
    on_orbit = require_finite(run.states, "noise-driven activity over 250 steps").reshape(-1, model.state_size)
    scale = orbit_scale(on_orbit)
    g = torch.Generator().manual_seed(seed_for(seed, "fp-paper-starts"))
    h0 = on_orbit[torch.randperm(len(on_orbit), generator=g)[:n_starts]]
    end = rollout(model, None, h0=h0, steps=steps, record="last").states[:, -1]
    centre = end.mean(0)
    spread = float((end - centre).norm(dim=1).max() / scale)
    points: list[torch.Tensor] = []
    for e in end:  # distinct end points, at most n_starts of them
        if not any(float((e - p).norm()) / scale < 1e-3 for p in points):
            points.append(e)
    return {"n_starts": int(n_starts), "orbit_scale": scale, "end_spread": spread,
            "fixed_point_norm": float(centre.norm() / scale), "distinct_end_points": len(points),
            "_plot": {"decay": ((rollout(model, None, h0=h0[::8], steps=100).states - centre).norm(dim=2) / scale).numpy()}}
