"""Paper 4.1, Fig 3G: for fully-connected and cyclic HMMs the network forms several orbits, one per
output pair, each joining the two slow regions of that pair.

Per output pair {a, b} the plane is PCA(2) of the states within `window` steps of every a <-> b switch of a
noise-driven run. Planes of different pairs are compared by their largest principal angle
(scipy.linalg.subspace_angles); the same angle between the planes of two halves of one pair's switches
(odd and even switches) measures how well a plane is determined at all. "One orbit per pair" needs the
cross-pair angles to be large, and large against the split-half angles.

Whether each pair's orbit is travelled round is reported beside it (not thresholded): over the stretches
of a run whose output stays within the pair (and visits both), the orbit claim's rotation coherence,
revolutions per 1000 steps and planarity, in the stretches' own PCA(2) plane.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
import torch
from scipy.linalg import subspace_angles

from ..hmm import HMM, output_pair_joint
from ..errors import ClaimError
from ..rnn import RNN
from .common import noise_run, require_finite, seed_for, switches
from .geometry import angle_steps, pca_plane, rotation

MIN_SWITCHES = 20
PLOTTED = 150  # switches drawn per pair (an untrained net can switch tens of thousands of times)


def expected_pairs(hmm: HMM, min_share: float = 0.1) -> list[tuple[int, int]]:
    """Output pairs {a, b} carrying at least min_share of the HMM's switch probability (both directions)."""
    J = output_pair_joint(hmm)
    off = J + J.T
    np.fill_diagonal(off, 0.0)
    total = off.sum() / 2
    O = J.shape[0]
    return [(a, b) for a, b in combinations(range(O), 2) if total > 0 and off[a, b] / total >= min_share]


def plane(X: np.ndarray) -> np.ndarray:
    """Orthonormal basis [H, 2] of the PCA(2) plane of points X [N, H]."""
    return pca_plane(X).components_.T


def largest_angle_deg(P: np.ndarray, Q: np.ndarray) -> float:
    """Largest principal angle between the column spaces of P and Q, in degrees."""
    return float(np.degrees(subspace_angles(P, Q).max()))


def pair_windows(states: np.ndarray, outputs: np.ndarray, pair: tuple[int, int], window: int,
                 found: list | None = None) -> list[np.ndarray]:
    """States [2 window + 1, ...] around each switch between the pair's outputs (either direction), from
    states [B, T, ...] and argmax outputs [B, T]; switches too near the ends are left out. `found`: the
    switches of outputs, when already listed."""
    T = outputs.shape[1]
    return [states[b, t - window:t + window + 1] for b, t, o, n in (switches(outputs) if found is None else found)
            if {o, n} == set(pair) and window <= t < T - window]


def pair_stretches(outputs: np.ndarray, pair: tuple[int, int], min_len: int = 20) -> list[tuple[int, int, int]]:
    """(trajectory, start, stop) of every maximal stretch of outputs [B, T] that stays within the pair,
    visits both outputs and lasts at least min_len steps."""
    found = []
    for b, row in enumerate(np.isin(outputs, pair)):
        edges = np.flatnonzero(np.diff(np.r_[0, row.astype(np.int8), 0]))
        for s, e in zip(edges[0::2], edges[1::2]):
            if e - s >= min_len and len(set(outputs[b, s:e].tolist())) == 2:
                found.append((b, int(s), int(e)))
    return found


def pair_rotation(states: np.ndarray, outputs: np.ndarray, pair: tuple[int, int], min_len: int = 20) -> dict:
    """Rotation along one pair's orbit, measured as the orbit claim measures it (geometry.rotation, each
    stretch a piece): coherence and revolutions per 1000 steps around the stretches' mean in their PCA(2)
    plane, and that plane's share of their variance. NaN where the run has no such stretch."""
    found = pair_stretches(outputs, pair, min_len)
    if not found:
        return {"stretches": 0, "rotation_coherence": float("nan"), "revolutions_per_1000": float("nan"),
                "pc_variance_explained": float("nan")}
    X = np.concatenate([states[b, s:e] for b, s, e in found])
    pca = pca_plane(X)
    centre = pca.transform(X).mean(0)
    coherence, revs = rotation([angle_steps(pca.transform(states[b, s:e]), centre) for b, s, e in found])
    return {"stretches": len(found), "rotation_coherence": coherence, "revolutions_per_1000": revs,
            "pc_variance_explained": float(pca.explained_variance_ratio_.sum())}


@torch.no_grad()
def pair_orbits(model: RNN, hmm: HMM, seed: int, batch: int = 16, steps: int = 3000, window: int = 5) -> dict:
    """Planes per expected output pair; largest principal angles across pairs and between split halves."""
    pairs = expected_pairs(hmm)
    if len(pairs) < 2:
        raise ClaimError(f"{hmm.name} has {len(pairs)} output pair(s) carrying switches; the claim needs two or more")
    run = noise_run(model, batch, steps, seed_for(seed, "pair-orbits"))
    states = require_finite(run.states, f"noise-driven activity over {steps} steps").numpy()
    outputs = run.logits.argmax(-1).numpy()
    found = switches(outputs)
    planes, split, counts, segments = {}, {}, {}, {}
    for p in pairs:
        w = pair_windows(states, outputs, p, window, found)
        counts[p] = len(w)
        if len(w) < MIN_SWITCHES:
            raise ClaimError(f"only {len(w)} switches between outputs {p[0]} and {p[1]} in {batch} x {steps} "
                             f"steps (need {MIN_SWITCHES}): no orbit for this pair to fit")
        planes[p] = plane(np.concatenate(w))
        split[p] = largest_angle_deg(plane(np.concatenate(w[0::2])), plane(np.concatenate(w[1::2])))
        outs = pair_windows(outputs, outputs, p, window, found)[:PLOTTED]
        segments[f"{p[0]}-{p[1]}"] = [(x @ planes[p], o) for x, o in zip(w[:PLOTTED], outs)]
    cross = {(p, q): largest_angle_deg(planes[p], planes[q]) for p, q in combinations(pairs, 2)}
    turning = {p: pair_rotation(states, outputs, p) for p in pairs}
    min_cross, max_split = min(cross.values()), max(split.values())
    name = lambda p: f"{p[0]}-{p[1]}"  # noqa: E731
    return {
        "pairs": [name(p) for p in pairs],
        "switches_per_pair": {name(p): counts[p] for p in pairs},
        "cross_angles_deg": {f"{name(p)}|{name(q)}": v for (p, q), v in cross.items()},
        "split_half_angles_deg": {name(p): v for p, v in split.items()},
        "min_cross_angle_deg": min_cross,
        "max_split_angle_deg": max_split,
        "cross_over_split": float(min_cross / max(max_split, 1e-9)),
        "pair_rotation": {name(p): {k: round(v, 4) for k, v in r.items()} for p, r in turning.items()},
        "min_pair_rotation_coherence": float(np.nanmin([r["rotation_coherence"] for r in turning.values()]))
        if any(r["stretches"] for r in turning.values()) else float("nan"),
        "_plot": {"segments": segments},
    }
