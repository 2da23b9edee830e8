"""Paper 4.2, Fig 5B: noise sensitivity. From cluster states, rollouts with partly resampled noise
disperse as the resampling grows; from transition states they stay nearly deterministic.

Noise of rollout k: sqrt(1 - g^2) xi_0 + g xi_k, so every rollout has unit-variance input for every g
(the authors' (1 - g) xi_0 + g xi_k is not variance preserving; we use the variance-preserving mix).
"""
from __future__ import annotations

import numpy as np
import torch

from ..rnn import RNN, draw_noise, rollout
from .common import seed_for
from .residency import CLUSTER, TRANSITION

GAMMAS = (0.0, 0.5, 1.0)


@torch.no_grad()
def dispersion(model: RNN, states: torch.Tensor, seed: int, gammas=GAMMAS, rollouts: int = 100,
               steps: int = 5) -> np.ndarray:
    """Dispersion [len(states), len(gammas)]: trace of the covariance across rollouts at the last step,
    divided by that of independent noise injected once (|W_ih|_F^2), so 1 means 'as spread as one
    step of fresh input'."""
    out = np.zeros((len(states), len(gammas)))
    d = model.inputs
    for i, h in enumerate(states):
        g0 = torch.Generator().manual_seed(seed_for(seed, f"noise-{i}"))
        xi0 = torch.randn(1, steps, d, generator=g0)
        fresh = draw_noise(rollouts, steps, d, g0)
        h0 = h[None].expand(rollouts, -1)
        for j, g in enumerate(gammas):
            nz = (1 - g * g) ** 0.5 * xi0 + g * fresh
            last = rollout(model, nz, h0=h0, record="last").states[:, -1]
            out[i, j] = float(last.var(0).sum())
    return out / float(model.weight_ih.pow(2).sum())


def cluster_vs_transition(model: RNN, zones: np.ndarray, locations: torch.Tensor, seed: int,
                          per_zone: int = 20) -> dict:
    """Dispersion vs resampling from cluster and from transition locations (zones of the RT analysis)."""
    rng = np.random.default_rng(seed_for(seed, "noise-pick"))
    picked = {}
    for name, z in (("cluster", CLUSTER), ("transition", TRANSITION)):
        idx = np.nonzero(zones == z)[0]
        if len(idx) < 3:
            from ..registry import ClaimError
            raise ClaimError(f"only {len(idx)} {name} locations: no {name} states to start from")
        picked[name] = dispersion(model, locations[rng.choice(idx, min(per_zone, len(idx)), replace=False)],
                                  seed)
    c, t = picked["cluster"].mean(0), picked["transition"].mean(0)
    return {
        "gammas": list(GAMMAS), "cluster_dispersion": c.tolist(), "transition_dispersion": t.tolist(),
        "cluster_growth": float(c[-1] - c[0]),
        "cluster_monotone": bool(np.all(np.diff(c) > 0)),
        "cluster_over_transition": float(c[-1] / max(t[-1], 1e-12)),
        "_plot": {"gammas": np.array(GAMMAS), "cluster": picked["cluster"], "transition": picked["transition"]},
    }
