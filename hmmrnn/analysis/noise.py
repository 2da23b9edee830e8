"""Paper 4.2, Fig 5B: noise sensitivity. From cluster states, rollouts with partly resampled noise
disperse as the resampling grows; from transition states they stay nearly deterministic.

Noise of rollout k: sqrt(1 - g^2) xi_0 + g xi_k, so every rollout has unit-variance input for every g
(the authors' (1 - g) xi_0 + g xi_k is not variance preserving; we use the variance-preserving mix).

"Nearly deterministic" is read as: the spread the noise causes is small against the deterministic motion.
The raw spread (trace of the covariance across rollouts) is dominated by the noise injected at every step
and is about the same everywhere, so the decision uses the relative dispersion
    spread / |mean end state - start|^2
(noise-to-drift ratio after `steps` steps); the raw spread is reported beside it.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.stats import mannwhitneyu

from ..registry import ClaimError
from ..rnn import RNN, draw_noise, rollout
from .common import seed_for
from .residency import CLUSTER, TRANSITION

GAMMAS = (0.0, 0.5, 1.0)


@torch.no_grad()
def dispersion(model: RNN, states: torch.Tensor, seed: int, gammas=GAMMAS, rollouts: int = 100,
               steps: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(spread, relative) each [len(states), len(gammas)] for start states [N, H].

    spread: trace of the covariance of the end states across rollouts, over |W_ih|_F^2 (1 = the spread of
    one step of fresh input); relative: trace of the covariance over the squared displacement of the mean
    end state from the start."""
    spread = np.zeros((len(states), len(gammas)))
    relative = np.zeros_like(spread)
    d = model.inputs
    for i, h in enumerate(states):
        g0 = torch.Generator().manual_seed(seed_for(seed, f"noise-{i}"))
        xi0 = torch.randn(1, steps, d, generator=g0)
        fresh = draw_noise(rollouts, steps, d, g0)
        h0 = h[None].expand(rollouts, -1)
        for j, g in enumerate(gammas):
            last = rollout(model, (1 - g * g) ** 0.5 * xi0 + g * fresh, h0=h0, record="last").states[:, -1]
            cov_trace = float(last.var(0).sum())
            drift2 = float((last.mean(0) - h).pow(2).sum())
            spread[i, j] = cov_trace
            relative[i, j] = cov_trace / max(drift2, 1e-12)
    return spread / max(float(model.weight_ih.pow(2).sum()), 1e-30), relative


def cluster_vs_transition(model: RNN, zones: np.ndarray, locations: torch.Tensor, seed: int,
                          per_zone: int = 50) -> dict:
    """Relative dispersion vs resampling from cluster and from transition locations (zones of the RT analysis).

    Compared at g = 1 by the ratio of medians over the start states and a one-sided Mann-Whitney test
    (medians, because states that barely move give a few very large relative dispersions)."""
    rng = np.random.default_rng(seed_for(seed, "noise-pick"))
    spread, relative = {}, {}
    for name, z in (("cluster", CLUSTER), ("transition", TRANSITION)):
        idx = np.nonzero(zones == z)[0]
        if len(idx) < 3:
            raise ClaimError(f"only {len(idx)} {name} locations: no {name} states to start from")
        starts = locations[rng.choice(idx, min(per_zone, len(idx)), replace=False)]
        spread[name], relative[name] = dispersion(model, starts, seed)
    c, t = np.median(relative["cluster"], 0), np.median(relative["transition"], 0)
    return {
        "gammas": list(GAMMAS),
        "cluster_relative_dispersion": c.tolist(), "transition_relative_dispersion": t.tolist(),
        "cluster_spread": spread["cluster"].mean(0).tolist(), "transition_spread": spread["transition"].mean(0).tolist(),
        "cluster_monotone": bool(np.all(np.diff(c) > 0)),
        "cluster_over_transition": float(c[-1] / max(t[-1], 1e-12)),
        "mannwhitney_p": float(mannwhitneyu(relative["cluster"][:, -1], relative["transition"][:, -1],
                                            alternative="greater").pvalue),
        "spread_cluster_over_transition": float(spread["cluster"].mean(0)[-1] / max(spread["transition"].mean(0)[-1], 1e-12)),
        "_plot": {"gammas": np.array(GAMMAS), "cluster": relative["cluster"], "transition": relative["transition"]},
    }
