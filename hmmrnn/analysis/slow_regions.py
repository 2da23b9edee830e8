"""Paper 4.1, Fig 2D: slow regions (clusters), each a distinct output class; passing from one slow region to another
changes the output probabilities a lot (P19, P20).

Read on the shared zone map (2000 consecutive states of one noise run, residency.ZoneMap). A slow region is found
without looking at the outputs: k-means on the cluster-zone states (RT > 8, max softmax > 0.8), k = the number of
output classes that hold >= min_states cluster states; then each region's output purity and majority output are
read. Speed: one step |h_{t+1} - h_t| is mostly the noise injected at that step (about the same everywhere), so
the strict reading uses the net displacement over a centred window, |h_{t+k} - h_{t-k}| / 2k, in which the noise
averages out and the drift adds up. Output probabilities: softmax of the readout; distances are total variation.
"""
from __future__ import annotations

import numpy as np
import torch

from ..rnn import RNN
from .common import seed_for
from .residency import CLUSTER, TRANSITION, ZoneMap

MIN_STATES = 20  # an output class forms a slow region only with this many cluster states (1% of 2000)


def centred_speed(states: np.ndarray, k: int = 1) -> np.ndarray:
    """|h_{t+k} - h_{t-k}| / 2k for consecutive states [N, H], k >= 1; NaN within k steps of either end."""
    v = np.full(len(states), np.nan)
    if len(states) > 2 * k:
        v[k:len(states) - k] = np.linalg.norm(states[2 * k:] - states[:-2 * k], axis=1) / (2 * k)
    return v


def one_step_speed(states: np.ndarray) -> np.ndarray:
    """|h_{t+1} - h_t| for consecutive states [N, H]; NaN at the last state."""
    return np.r_[np.linalg.norm(np.diff(states, axis=0), axis=1), np.nan]


def speed_ratio(speed: np.ndarray, zones: np.ndarray) -> float:
    """Median speed of the transition states over that of the cluster states (NaN if either zone is empty)."""
    tr, cl = speed[(zones == TRANSITION) & ~np.isnan(speed)], speed[(zones == CLUSTER) & ~np.isnan(speed)]
    return float(np.median(tr) / max(np.median(cl), 1e-30)) if len(tr) and len(cl) else float("nan")


def regions(states: np.ndarray, outputs: np.ndarray, seed: int, min_states: int = MIN_STATES) -> dict:
    """Slow regions among slow states [N, H] with their argmax outputs [N]: k-means (k = number of output classes
    with >= min_states states), each region's majority output and the share of states that carry it (purity).
    k < 1: no region (labels None)."""
    classes = [int(c) for c in np.unique(outputs) if (outputs == c).sum() >= min_states]
    k = len(classes)
    if k == 0:
        return {"k": 0, "labels": None, "majority": [], "purity": float("nan"), "sizes": []}
    if k == 1:
        labels = np.zeros(len(states), dtype=int)
    else:
        from sklearn.cluster import KMeans
        labels = KMeans(k, n_init=4, random_state=seed_for(seed, "slow-regions") % (2**31)).fit(states).labels_
    majority = [int(np.bincount(outputs[labels == j]).argmax()) for j in range(k)]
    purity = float(np.mean(outputs == np.array(majority)[labels]))
    return {"k": k, "labels": labels, "majority": majority, "purity": purity,
            "sizes": [int((labels == j).sum()) for j in range(k)]}


def total_variation(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Total-variation distance between rows of probability vectors p, q [N, K]."""
    return 0.5 * np.abs(p - q).sum(-1)


def tv_within_across(probs: np.ndarray, labels: np.ndarray, seed: int, pairs: int = 4000) -> tuple[float, float]:
    """Mean total variation between the output probabilities [N, K] of random pairs of states in the same region
    and in different regions (labels [N]); NaN where there is no such pair."""
    rng = np.random.default_rng(seed_for(seed, "slow-tv"))
    i, j = rng.integers(0, len(labels), pairs), rng.integers(0, len(labels), pairs)
    keep = i != j
    i, j = i[keep], j[keep]
    tv = total_variation(probs[i], probs[j])
    same = labels[i] == labels[j]
    return (float(tv[same].mean()) if same.any() else float("nan"),
            float(tv[~same].mean()) if (~same).any() else float("nan"))


def passages(zones: np.ndarray, outputs: np.ndarray) -> list[tuple[int, int]]:
    """(last cluster state, next cluster state) index pairs of consecutive states whose clusters have different
    outputs: the passages between two slow regions along the run."""
    cl = np.flatnonzero(zones == CLUSTER)
    return [(int(a), int(b)) for a, b in zip(cl[:-1], cl[1:]) if outputs[a] != outputs[b]]


@torch.no_grad()
def analyse(model: RNN, zm: ZoneMap, seed: int, window: int = 3, min_states: int = MIN_STATES) -> dict:
    """Both readings' statistics from the zone map (see the module docstring): keys "strict", "paper", "_plot"."""
    X = zm.locations.numpy()
    probs = torch.softmax(model.readout(model.activity(zm.locations)), -1).numpy()
    slow = zm.zones == CLUSTER
    step = one_step_speed(X)
    smooth = centred_speed(X, window)
    reg = regions(X[slow], zm.outputs[slow], seed, min_states)
    k = reg["k"]
    distinct = len(set(reg["majority"])) if k else 0
    if k >= 2:
        within, across = tv_within_across(probs[slow], reg["labels"], seed)
    else:
        within, across = float("nan"), float("nan")
    pas = passages(zm.zones, zm.outputs)
    ptv = total_variation(probs[[a for a, _ in pas]], probs[[b for _, b in pas]]) if pas else np.array([])
    common = {"cluster_states": int(slow.sum()), "slow_regions": k, "distinct_region_outputs": distinct,
              "regions_distinct": bool(k >= 1 and distinct == k),
              "region_majorities": reg["majority"], "region_sizes": reg["sizes"], "region_purity": reg["purity"]}
    strict = {**common,
              "speed_ratio": speed_ratio(smooth, zm.zones), "speed_window": window,
              "step_speed_ratio": speed_ratio(step, zm.zones),
              "tv_within": within, "tv_across": across,
              "tv_across_over_within": across / within if within > 0 else float("nan")}
    paper = {**common,
             "step_speed_ratio": speed_ratio(step, zm.zones),
             "passages": len(pas), "passage_tv_median": float(np.median(ptv)) if len(ptv) else float("nan"),
             "tv_across": across}
    labels = np.full(len(X), -1)
    if k:
        labels[slow] = reg["labels"]
    plot = {"states": X, "zones": zm.zones, "outputs": zm.outputs, "regions": labels, "speed": smooth,
            "step_speed": step, "passage_tv": ptv}
    return {"strict": strict, "paper": paper, "_plot": plot}
