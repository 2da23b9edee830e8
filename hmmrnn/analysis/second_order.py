"""Paper App. H: the expected second-order displacement of the state under input noise.

E[d2](h; s) = E_xi[F(h, s xi)] - F(h, 0), averaged over visited states, with antithetic pairs
(+xi, -xi) so that every odd-order term cancels exactly. The paper says it scales with the noise
variance s^2 and has kick neurons among its top components; both are measured here.
"""
from __future__ import annotations

import numpy as np
import torch

from ..rnn import RNN, rollout
from .common import noise_run, seed_for

SIGMAS = (0.25, 0.5, 1.0, 2.0)


def one_step(model: RNN, h: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return rollout(model, x[:, None], h0=h, record="last").states[:, -1]


@torch.no_grad()
def displacement(model: RNN, seed: int, n_states: int = 200, draws: int = 128, sigmas=SIGMAS,
                 kick_neurons: list[int] = ()) -> dict:
    run = noise_run(model, 4, n_states // 4 + 1, seed_for(seed, "d2-run"))
    H = run.states.reshape(-1, model.hidden)[:n_states]
    g = torch.Generator().manual_seed(seed_for(seed, "d2-draws"))
    xi = torch.randn(draws, model.inputs, generator=g)
    base = one_step(model, H, torch.zeros(len(H), model.inputs))
    v = []
    hrep = H.repeat_interleave(draws, 0)
    for s in sigmas:
        x = (s * xi).repeat(len(H), 1)
        up, down = one_step(model, hrep, x), one_step(model, hrep, -x)
        d2 = ((up + down) / 2).view(len(H), draws, -1).mean(1) - base
        v.append(d2.mean(0).numpy())
    v = np.array(v)
    norms = np.linalg.norm(v, axis=1)
    expo = float(np.polyfit(np.log(np.array(sigmas) ** 2), np.log(np.maximum(norms, 1e-30)), 1)[0])
    top = np.argsort(-np.abs(v[list(sigmas).index(1.0)]))[:10]
    return {"sigmas": list(sigmas), "norms": norms.tolist(), "variance_exponent": expo,
            "top10": top.tolist(), "kick_in_top10": int(len(set(top.tolist()) & set(kick_neurons))),
            "_plot": {"sigmas": np.array(sigmas), "norms": norms}}
