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

from ..errors import ClaimError
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


@torch.no_grad()
def paper_protocol(model: RNN, zones: np.ndarray, locations: torch.Tensor, seed: int, gammas=GAMMAS,
                   rollouts: int = 100, steps: int = 5) -> dict:
    """The authors' protocol (REFERENCE section 6): ONE cluster start and ONE transition start (the first
    of each zone along the nominal run), `rollouts` trajectories of `steps` steps with the authors' noise
    mix (1 - g) xi_0 + g xi_k; per step the raw trace of the covariance across trajectories and the mean
    distance to the mean trajectory. Decided at the last step and g = 1; plus the share of cluster
    trajectories whose output leaves the start's within the window (some cross, others return)."""
    out: dict = {"gammas": list(gammas), "steps": steps}
    curves = {}
    for name, z in (("cluster", CLUSTER), ("transition", TRANSITION)):
        idx = np.nonzero(zones == z)[0]
        if not len(idx):
            raise ClaimError(f"no {name} location on the nominal run to start from")
        h = locations[int(idx[0])]
        g0 = torch.Generator().manual_seed(seed_for(seed, f"noise-paper-{name}"))
        xi0 = torch.randn(1, steps, model.inputs, generator=g0)
        fresh = draw_noise(rollouts, steps, model.inputs, g0)
        tr, dist = np.zeros((len(gammas), steps)), np.zeros((len(gammas), steps))
        for j, g in enumerate(gammas):
            r = rollout(model, (1 - g) * xi0 + g * fresh, h0=h[None].expand(rollouts, -1))
            X = r.states  # [R, T, H]
            tr[j] = X.var(0).sum(-1).numpy()
            dist[j] = (X - X.mean(0)).norm(dim=-1).mean(0).numpy()
            if name == "cluster" and g == gammas[-1]:
                start = int(model.readout(model.activity(h)).argmax())
                out["cluster_switch_fraction"] = float((r.logits.argmax(-1) != start).any(1).float().mean())
        curves[name] = (tr, dist)
        out[f"{name}_trace"] = tr[:, -1].tolist()
        out[f"{name}_distance"] = dist[:, -1].tolist()
    ct, tt = np.array(out["cluster_trace"]), np.array(out["transition_trace"])
    out["cluster_trace_grows"] = bool(np.all(np.diff(ct) > 0))
    out["trace_cluster_over_transition"] = float(ct[-1] / max(tt[-1], 1e-12))
    out["_plot"] = {"gammas": np.array(gammas), "cluster_trace": curves["cluster"][0],
                    "transition_trace": curves["transition"][0], "cluster_distance": curves["cluster"][1],
                    "transition_distance": curves["transition"][1]}
    return out
