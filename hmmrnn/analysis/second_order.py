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


def response_stats(v: np.ndarray, sigmas, kick_neurons) -> dict:
    """From E[d2] per sigma [len(sigmas), H]: its norms, their exponent against sigma^2, and the kick neurons
    among its 10 largest components at sigma = 1."""
    norms = np.linalg.norm(v, axis=1)
    expo = float(np.polyfit(np.log(np.array(sigmas) ** 2), np.log(np.maximum(norms, 1e-30)), 1)[0])
    top = np.argsort(-np.abs(v[list(sigmas).index(1.0)]))[:10]
    return {"sigmas": list(sigmas), "norms": norms.tolist(), "variance_exponent": expo,
            "top10": top.tolist(), "kick_in_top10": kicks_in(top.tolist(), kick_neurons),
            "_plot": {"sigmas": np.array(sigmas), "norms": norms}}


def kicks_in(top: list[int], kick_neurons) -> int:
    """How many kick neurons are among the top components (P36)."""
    return int(len(set(top) & set(kick_neurons)))


@torch.no_grad()
def displacement(model: RNN, seed: int, n_states: int = 200, draws: int = 128, sigmas=SIGMAS,
                 kick_neurons: list[int] = ()) -> dict:
    run = noise_run(model, 4, n_states // 4 + 1, seed_for(seed, "d2-run"))
    H = run.states.reshape(-1, model.state_size)[:n_states]
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
    return response_stats(np.array(v), sigmas, kick_neurons)


@torch.no_grad()
def paper_recursion(model: RNN, seed: int, n_states: int = 200, steps: int = 10, trials: int = 20,
                    sigmas=(0.5, 1.0, 2.0), kick_neurons: list[int] = ()) -> dict:
    """The authors' perturbative estimate (REFERENCE section 6): from visited states, `steps` steps of the
    noise-free relaxation h <- relu(W_hh h (+ b)) carrying a first-order term d1 <- D (W_hh d1 + W_ih s xi),
    propagated linearly, and a second-order term d2 <- D W_hh d2 + 0.5 W_hh (d1^2 * (h > 0)), D the gating
    of the relaxation; E[d2] over `trials` noise draws, averaged over states. d1 is linear in s and d2
    quadratic, so the exponent against s^2 is 1 by construction; the content is which neurons dominate."""
    run = noise_run(model, 4, n_states // 4 + 1, seed_for(seed, "d2-paper-run"))
    H0 = run.states.reshape(-1, model.hidden)[:n_states].double()
    W, Wi = model.weight_hh.double(), model.weight_ih.double()
    b = 0.0 if model.bias_h is None else model.bias_h.double()  # a biased ReLU's relaxation relu(W_hh h + b)
    g = torch.Generator().manual_seed(seed_for(seed, "d2-paper-draws"))
    xi = torch.randn(trials, steps, model.inputs, generator=g).double()
    v = []
    for s in sigmas:
        h = H0.repeat_interleave(trials, 0)
        x = (s * xi).repeat(len(H0), 1, 1)
        d1, d2 = torch.zeros_like(h), torch.zeros_like(h)
        for t in range(steps):
            pre = h @ W.T + b
            D = (pre > 0).double()
            d2 = D * (d2 @ W.T) + 0.5 * ((d1**2) * (h > 0).double()) @ W.T
            d1 = D * (d1 @ W.T + x[:, t] @ Wi.T)
            h = torch.relu(pre)
        v.append(d2.view(len(H0), trials, -1).mean(1).mean(0).numpy())
    return response_stats(np.array(v), sigmas, kick_neurons)


@torch.no_grad()
def terms(model: RNN, seed: int, n_states: int = 100, draws: int = 64, scale: float = 1.0) -> dict:
    """The two terms of the expansion at noise scale s over visited states: |E[d2]| (the mean displacement, odd
    orders cancelled by antithetic pairs) and E|d1| (the size of the zero-mean first-order response), with
    d1 = (F(h, s xi) - F(h, -s xi)) / 2 and d2 = (F(h, s xi) + F(h, -s xi)) / 2 - F(h, 0)."""
    run = noise_run(model, 4, n_states // 4 + 1, seed_for(seed, "d2-terms-run"))
    H = run.states.reshape(-1, model.state_size)[:n_states]
    g = torch.Generator().manual_seed(seed_for(seed, "d2-terms-draws"))
    x = (scale * torch.randn(draws, model.inputs, generator=g)).repeat(len(H), 1)
    hrep = H.repeat_interleave(draws, 0)
    base = one_step(model, H, torch.zeros(len(H), model.inputs))
    up, down = one_step(model, hrep, x), one_step(model, hrep, -x)
    d1 = ((up - down) / 2).view(len(H), draws, -1)
    d2 = ((up + down) / 2).view(len(H), draws, -1).mean(1) - base
    return {"d2_norm": float(d2.mean(0).norm()), "d1_norm": float(d1.norm(dim=-1).mean())}


def over_training(epochs: list[int], models: list, bifurcation: int, seed: int, keep: int = 10) -> dict:
    """Paper Fig 4D: |E[d2]| and its ratio to E|d1| per evolution checkpoint (at most `keep`, evenly spaced,
    always the first and last), and their means after the loss's bifurcation epoch over before it; the
    initialisation (epoch 0) is shown, not counted as "before": its weights are not yet shaped by training.
    ClaimError when no checkpoint lies on one side."""
    from ..errors import ClaimError
    idx = sorted(set(np.linspace(0, len(epochs) - 1, min(keep, len(epochs))).round().astype(int).tolist()))
    rows = [{"epoch": epochs[i], **terms(models[i], seed)} for i in idx]
    for r in rows:
        r["ratio"] = r["d2_norm"] / max(r["d1_norm"], 1e-30)
    before = [r for r in rows if 0 < r["epoch"] < bifurcation]
    after = [r for r in rows if r["epoch"] >= bifurcation]
    out = {"bifurcation_epoch": int(bifurcation), "per_checkpoint": rows,
           "_plot": {"rows": rows, "bifurcation": bifurcation}}
    if not before or not after:
        e = ClaimError(f"needs evolution checkpoints on both sides of the bifurcation epoch {bifurcation} "
                       f"(have epochs {[r['epoch'] for r in rows]})")
        e.statistics = out
        raise e

    def mean(rs, k):
        return float(np.mean([r[k] for r in rs]))
    out.update({"d2_rise": mean(after, "d2_norm") / max(mean(before, "d2_norm"), 1e-30),
                "ratio_rise": mean(after, "ratio") / max(mean(before, "ratio"), 1e-30),
                "ratio_after": mean(after, "ratio")})
    return out
