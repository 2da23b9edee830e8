"""Paper 4.2, Fig 5A: residency time (RT) splits state space into clusters, kick zones and transitions.

RT at a location: mean over rollouts of the number of steps until the argmax output changes (the
horizon if it never does). Zones (REFERENCE.md section 5): transition RT < 2; kick zone 2 <= RT <= 8;
cluster RT > 8 and max softmax probability > 0.8; anything else is unassigned.
Sign changes are counted as the paper counts them (REFERENCE section 6): the logit of the output that
dominates at the location is tracked, its step-to-step change is taken from the location on, and a flip is
a change whose sign differs from the previous change's (both non-zero), up to the step before the switch.
The harness's earlier count (flips of the margin own-minus-best-other) is kept beside it as
``*_margin_sign_changes``. Along one rollout either count is at most (steps to switch) - 2, so its low
value in transition zones is partly definitional.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..rnn import RNN, draw_noise, rollout
from .common import noise_run, require_finite, seed_for
from .jacobian import state_eigvals

TRANSITION, KICK, CLUSTER, UNASSIGNED = 0, 1, 2, 3
ZONE_NAMES = ("transition", "kick", "cluster", "unassigned")


def sign_flips(x: torch.Tensor, first: torch.Tensor) -> torch.Tensor:
    """Flips of the sign of the step-to-step change of x [R, T+1] (x[:, 0] at the location), counted up to
    the step before the switch: changes c_t = x_t - x_{t-1}, t = 1..T; a flip at t when c_t and c_{t-1} are
    non-zero with opposite signs and t < first[r] (first: 1-based step of the switch, T+1 if none). [R]"""
    s = torch.sign(torch.diff(x, dim=1))  # [R, T]: s[:, t-1] is the sign of c_t
    flip = (s[:, 1:] * s[:, :-1]) < 0  # flip at t = 2..T
    t = torch.arange(2, x.shape[1], device=x.device)[None]
    return (flip & (t < first[:, None])).sum(1)


@torch.no_grad()
def residency_times(model: RNN, locations: torch.Tensor, seed: int, rollouts: int = 20,
                    horizon: int = 60) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """RT [N], mean sign changes of the paper's count [N] and of the logit margin [N], from all N x rollouts
    at once."""
    N, H = locations.shape
    h0 = locations.repeat_interleave(rollouts, 0)
    noise = draw_noise(N * rollouts, horizon, model.inputs, seed_for(seed, "rt"))
    logits = require_finite(rollout(model, noise, h0=h0, record="logits").logits, "rollouts from the locations")
    start_logits = model.readout(model.activity(locations))
    start = start_logits.argmax(-1)
    k = start.repeat_interleave(rollouts, 0)
    out = logits.argmax(-1)
    changed = out != k[:, None]
    first = torch.where(changed.any(1), changed.float().argmax(1) + 1, torch.full_like(k, horizon))
    # decision variable: logit of the starting output minus the best other logit
    own = logits.gather(2, k[:, None, None].expand(-1, horizon, 1))[..., 0]
    others = logits.scatter(2, k[:, None, None].expand(-1, horizon, 1), float("-inf")).amax(2)
    d = torch.diff(own - others, dim=1)  # [N*R, T-1]
    flips = (torch.sign(d[:, 1:]) * torch.sign(d[:, :-1]) < 0)
    before = torch.arange(1, horizon - 1)[None] < (first[:, None] - 1)  # only up to the switch
    n_flips = (flips & before).sum(1).float()
    # the paper's count: the dominant logit itself, from the location on
    x0 = start_logits.gather(1, start[:, None]).repeat_interleave(rollouts, 0)
    paper = sign_flips(torch.cat([x0, own], 1), torch.where(changed.any(1), first, torch.full_like(first, horizon + 1)))
    rt = first.float().view(N, rollouts).mean(1)
    return (rt.numpy(), paper.float().view(N, rollouts).mean(1).numpy(), n_flips.view(N, rollouts).mean(1).numpy())


def unstable_directions(model: RNN, locations: torch.Tensor) -> np.ndarray:
    """Number of eigenvalues with |lambda| > 1 of the input-free map's Jacobian at each location [N] (the ReLU's:
    J = diag(W_hh h > 0) W_hh; another cell's: its own step's, jacobian.state_eigvals)."""
    return np.array([0 if lam is None else int((lam.abs() > 1).sum())
                     for lam in state_eigvals(model, locations)], dtype=int)


def zones(rt: np.ndarray, pmax: np.ndarray) -> np.ndarray:
    z = np.full(rt.shape, UNASSIGNED)
    z[rt < 2] = TRANSITION
    z[(rt >= 2) & (rt <= 8)] = KICK
    z[(rt > 8) & (pmax > 0.8)] = CLUSTER
    return z


def passages_through_kick(z: np.ndarray) -> tuple[int, int]:
    """Along consecutive locations: (cluster -> transition passages, of which through a kick zone)."""
    total = via_kick = 0
    last_cluster, seen_kick = False, False
    for zz in z:
        if zz == CLUSTER:
            last_cluster, seen_kick = True, False
        elif zz == KICK and last_cluster:
            seen_kick = True
        elif zz == TRANSITION and last_cluster:
            total += 1
            via_kick += int(seen_kick)
            last_cluster = False
    return total, via_kick


@dataclass(frozen=True, eq=False)
class ZoneMap:
    """The zones of one noise-driven run of N consecutive states, computed once per (checkpoint, claims seed)
    and read by the residency, noise and kick-profile claims. ``statistics``: the residency claim's."""

    locations: torch.Tensor  # [N, H] the states
    preacts: torch.Tensor  # [N, H] their pre-activations
    outputs: np.ndarray  # [N] argmax output
    rt: np.ndarray  # [N] residency time
    zones: np.ndarray  # [N] TRANSITION, KICK, CLUSTER or UNASSIGNED
    statistics: dict

    def plot(self) -> dict:
        return {"states": self.locations.numpy(), "rt": self.rt, "zones": self.zones}


@torch.no_grad()
def three_zones(model: RNN, seed: int, n_locations: int = 2000, rollouts: int = 20, horizon: int = 60) -> ZoneMap:
    """RT, sign changes and unstable directions at consecutive states of one noisy run; zone statistics."""
    run = noise_run(model, batch=1, steps=n_locations, seed=seed_for(seed, "rt-locations"), warmup=20)
    loc = require_finite(run.states, f"noise-driven activity over {n_locations} steps")[0]
    pmax = torch.softmax(run.logits[0], -1).amax(-1).numpy()
    rt, flips, margin_flips = residency_times(model, loc, seed, rollouts, horizon)
    unstable = unstable_directions(model, loc)
    z = zones(rt, pmax)
    share = {ZONE_NAMES[k]: float((z == k).mean()) for k in range(4)}

    def mean_in(x, k):
        return float(x[z == k].mean()) if (z == k).any() else float("nan")
    total, via = passages_through_kick(z)
    stats = {
        "n_locations": int(n_locations),
        **{f"share_{k}": v for k, v in share.items()},
        "min_zone_share": min(share["transition"], share["kick"], share["cluster"]),
        "cluster_unstable_mean": mean_in(unstable, CLUSTER),
        "kick_unstable_mean": mean_in(unstable, KICK),
        "transition_unstable_mean": mean_in(unstable, TRANSITION),
        "kick_minus_cluster_unstable": mean_in(unstable, KICK) - mean_in(unstable, CLUSTER),
        "cluster_sign_changes": mean_in(flips, CLUSTER),
        "kick_sign_changes": mean_in(flips, KICK),
        "transition_sign_changes": mean_in(flips, TRANSITION),
        "cluster_margin_sign_changes": mean_in(margin_flips, CLUSTER),
        "kick_margin_sign_changes": mean_in(margin_flips, KICK),
        "transition_margin_sign_changes": mean_in(margin_flips, TRANSITION),
        "cluster_to_transition_passages": total,
        "passages_via_kick_fraction": float(via / total) if total else float("nan"),
    }
    return ZoneMap(loc, run.preacts[0], run.logits[0].argmax(-1).numpy(), rt, z, stats)
