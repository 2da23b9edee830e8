"""Paper App. L: in linear chains with more latent states, finer emission levels come from how the
readout rows align with the orbit plane.

Alignment of readout row w_o: |P w_o| / |w_o|, P the projection onto the PC1-PC2 plane of a noise-driven
run (the orbit plane). A random direction in H dimensions has alignment about sqrt(2 / H), the null level.
The trend claim needs one value per number of states S = 2..5 (several seeds per S are averaged). Only
checkpoints that have an orbit count: the alignment of a net without one is measured against the plane of
noise, not of an orbit, and would decide the trend with numbers that mean nothing.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.stats import spearmanr

from typing import Sequence

from ..errors import ClaimError
from ..rnn import RNN
from .orbit import has_orbit, orbit_plane, rotation_stats

STATES = (2, 3, 4, 5)


@torch.no_grad()
def alignment(model: RNN, seed: int, batch: int = 16, steps: int = 1000) -> dict:
    """Projection magnitude of each unit readout row onto the orbit plane; their mean; the random-direction level."""
    P = orbit_plane(model, seed, batch, steps)[2].components_  # [2, H], the orbit claim's plane
    W = model.weight_o.detach().numpy()
    unit = W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-12)
    per_row = np.linalg.norm(unit @ P.T, axis=1)
    return {"per_output": per_row.tolist(), "mean_alignment": float(per_row.mean()),
            "random_level": float(np.sqrt(2 / model.hidden))}


def alignment_by_states(members: list[tuple], seed: int, orbit_rule: dict[str, float] | None = None
                        ) -> tuple[dict[int, list[float]], dict[str, dict]]:
    """Alignment of each (name, hmm, model) member, grouped by the HMM's number of states; a member whose
    rotation in the plane fails orbit_rule (orbit.orbit_rule of the orbit claim) is reported, not grouped."""
    by_states: dict[int, list[float]] = {}
    per_member = {}
    for name, hmm, model in members:
        a = alignment(model, seed)
        orbit = rotation_stats(model, seed)
        turns = has_orbit(orbit, orbit_rule or {})
        per_member[name] = {"S": hmm.n_states, **a, "orbit": orbit, "has_orbit": turns}
        if turns:
            by_states.setdefault(hmm.n_states, []).append(a["mean_alignment"])
    return by_states, per_member


def trend(by_states: dict[int, list[float]], states=STATES, without_orbit: Sequence[str] = ()) -> dict:
    """Spearman correlation of mean alignment with S over S = 2..5; ClaimError naming the missing S
    (and the members left out for want of an orbit)."""
    missing = [s for s in states if not by_states.get(s)]
    means = {s: float(np.mean(v)) for s, v in sorted(by_states.items()) if v}
    if missing:
        have = ", ".join(f"S={s}" for s in means) or "none"
        raise ClaimError(f"needs a trained linear-chain fixture for every S in {list(states)}; missing "
                         f"{', '.join(f'linear:{s}' for s in missing)} (have {have})"
                         + (f"; left out, no orbit by the orbit claim's rotation rule: {', '.join(without_orbit)}"
                            if without_orbit else ""))
    xs = [s for s in states for _ in by_states[s]]
    ys = [v for s in states for v in by_states[s]]
    rho = float(spearmanr(xs, ys).statistic)
    return {"mean_alignment_by_S": {str(s): means[s] for s in states}, "spearman_rho": rho,
            "abs_spearman_rho": abs(rho), "direction": "increases" if rho > 0 else "decreases",
            "monotone": bool(np.all(np.diff([means[s] for s in states]) > 0)
                             or np.all(np.diff([means[s] for s in states]) < 0))}
