"""Paper 5, Fig 6: the connectivity motif behind the kick neurons.

Excitation within each kick group and inhibition across groups; two noise-integrating populations
(ranked by the product of their mean projections onto the two kick groups) that excite themselves,
inhibit each other and drive the kick groups with opposite signs. Each block mean of the reordered
recurrent matrix is compared with a weight-permutation null (same weights, structure destroyed),
re-running the same selection on every permuted matrix. W[i, j] is the weight from j to i.
"""
from __future__ import annotations

import numpy as np

from ..errors import ClaimError


def integrating_populations(W: np.ndarray, A: list[int], B: list[int], size: int) -> tuple[list[int], list[int]]:
    """Non-kick neurons with the most negative product of mean projections onto groups A and B,
    split by which group they excite: (drives A, drives B)."""
    pa, pb = W[A].mean(0), W[B].mean(0)
    cand = np.array([j for j in range(W.shape[0]) if j not in set(A) | set(B)])
    order = cand[np.argsort(pa[cand] * pb[cand])][:size]
    return [int(j) for j in order if pa[j] > pb[j]], [int(j) for j in order if pa[j] <= pb[j]]


def block(W: np.ndarray, post: list[int], pre: list[int], no_diag: bool = False) -> float:
    """Mean weight from `pre` to `post` (self-connections excluded when no_diag)."""
    if not post or not pre:
        return float("nan")
    M = W[np.ix_(post, pre)]
    if no_diag:  # drop W[i, i] wherever neuron i is in both groups, whatever their order
        keep = np.asarray(post)[:, None] != np.asarray(pre)[None, :]
        return float(M[keep].mean()) if keep.any() else float("nan")
    return float(M.mean())


def motif_stats(W: np.ndarray, A: list[int], B: list[int], size: int) -> dict:
    P, Q = integrating_populations(W, A, B, size)
    return {"kick_within": np.nanmean([block(W, A, A, True), block(W, B, B, True)]),
            "kick_across": np.nanmean([block(W, A, B), block(W, B, A)]),
            "pop_within": np.nanmean([block(W, P, P, True), block(W, Q, Q, True)]),
            "pop_across": np.nanmean([block(W, P, Q), block(W, Q, P)]),
            "pop_drive_contrast": np.nanmean([block(W, A, P) - block(W, B, P), block(W, B, Q) - block(W, A, Q)]),
            "sizes": (len(P), len(Q)), "populations": (P, Q)}


SIGNS = {"kick_within": 1, "kick_across": -1, "pop_within": 1, "pop_across": -1, "pop_drive_contrast": 1}


def kick_motif(W: np.ndarray, groups: dict[tuple[int, int], list[int]], seed: int, pop_size: int = 70,
               n_null: int = 200) -> dict:
    """Block means of the motif (``groups``: kick neurons per switch direction) and their z-scores against the weight-permutation null (sign-adjusted,
    so positive z means 'in the paper's direction')."""
    pairs = [(d, (d[1], d[0])) for d in groups if (d[1], d[0]) in groups and d[0] < d[1]]
    if not pairs:
        raise ClaimError("no pair of opposite switch directions with kick groups")
    (da, db) = pairs[0]
    A, B = list(groups[da]), list(groups[db])
    obs = motif_stats(W, A, B, pop_size)
    rng = np.random.default_rng(seed)
    null = {k: [] for k in SIGNS}
    for _ in range(n_null):
        Wp = rng.permutation(W.ravel()).reshape(W.shape)
        s = motif_stats(Wp, A, B, pop_size)
        for k in SIGNS:
            null[k].append(s[k])
    out = {"groups": f"{da[0]}->{da[1]} vs {db[0]}->{db[1]}", "population_sizes": list(obs["sizes"])}
    for k, sign in SIGNS.items():
        mu, sd = float(np.mean(null[k])), float(np.std(null[k]) + 1e-12)
        out[k] = float(obs[k])
        out[f"{k}_z"] = float(sign * (obs[k] - mu) / sd)
    out["min_z"] = min(out[f"{k}_z"] for k in SIGNS)
    P, Q = obs["populations"]  # selected once, in motif_stats
    out["_plot"] = {"W": W, "order": A + B + P + Q, "sizes": [len(A), len(B), *obs["sizes"]]}
    return out
