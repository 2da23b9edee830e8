"""Paper 5 (P54): kick neurons sit near the ReLU threshold in kick zones, where small input changes open the gate.

From a state h the next pre-activation of neuron i is (W_hh h)_i + (W_ih x)_i with x ~ N(0, s^2 I): over fresh
input it is Gaussian with mean m_i = (W_hh h)_i and s.d. s |W_ih[i]|, so the probability that the gate opens
(pre-activation > 0) is exactly Phi(m_i / (s |W_ih[i]|)) (``open_probability``); ``open_fraction`` estimates the same
from fresh draws, as the sentence reads. A gate at its threshold opens with probability near 1/2: its Bernoulli
variance p(1-p) is largest there. Each kick group a -> c is read on the states whose output is a and whose next
different output is c (as kick.zone_profile reads them), per residency zone; the group's probability is the mean
over its neurons. ``half_open_rt`` says where along the residency time the gate passes 1/2.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ..rnn import RNN
from .common import seed_for
from .kick import next_output
from .residency import CLUSTER, KICK, TRANSITION

ZONES = (("cluster", CLUSTER), ("kick", KICK), ("transition", TRANSITION))


@torch.no_grad()
def open_probability(model: RNN, states: torch.Tensor, neurons: list[int], scale: float = 1.0) -> np.ndarray:
    """P(next pre-activation > 0) over fresh input of scale s, exactly, per state [N, H] and neuron: [N, k]."""
    W = model.weight_hh[neurons]
    mean = states @ W.T
    if model.bias_h is not None:
        mean = mean + model.bias_h[neurons]
    sd = scale * model.weight_ih[neurons].norm(dim=1)
    z = (mean / sd.clamp_min(1e-30)).double()
    return (0.5 * torch.erfc(-z / math.sqrt(2))).numpy()


@torch.no_grad()
def open_fraction(model: RNN, states: torch.Tensor, neurons: list[int], seed: int, draws: int = 32,
                  scale: float = 1.0) -> np.ndarray:
    """The share of `draws` fresh input draws (N(0, s^2 I_d) each) after which the neuron's pre-activation is
    positive, per state [N, H] and neuron: [N, k]."""
    g = torch.Generator().manual_seed(seed_for(seed, "gate-draws"))
    mean = states @ model.weight_hh[neurons].T
    if model.bias_h is not None:
        mean = mean + model.bias_h[neurons]
    opened = torch.zeros_like(mean)
    for _ in range(draws):
        x = torch.randn(len(states), model.inputs, generator=g) * scale
        opened += (mean + x @ model.weight_ih[neurons].T > 0).to(mean)
    return (opened / draws).numpy()


def zone_gate(p: np.ndarray, zones: np.ndarray, own: np.ndarray, min_states: int = 3) -> dict:
    """Per zone (cluster, kick, transition): the group's mean open probability and mean Bernoulli variance p(1-p)
    over the own states [N] (bool) of that zone, p [N, k] averaged over the group's neurons first; a zone with
    fewer than min_states own states is left out ({} for it: unmeasured, not failed)."""
    out = {}
    for name, z in ZONES:
        m = own & (zones == z)
        if m.sum() >= min_states:
            pm = p[m]
            out[name] = {"open": float(pm.mean()), "variance": float((pm * (1 - pm)).mean()), "states": int(m.sum())}
    return out


def half_open_rt(p: np.ndarray, rt: np.ndarray, bins=(0, 2, 4, 6, 8, 10, 12, 15, 20, 30, 61)) -> float:
    """The residency time at which the group's mean open probability p [N] (over states with residency times rt
    [N]) falls through 1/2, interpolated between the means of RT bins (the first crossing from short RT, where
    gates are open, to long RT); NaN if it never crosses."""
    mids, means = [], []
    for lo, hi in zip(bins[:-1], bins[1:]):
        m = (rt >= lo) & (rt < hi)
        if m.sum() >= 3:
            mids.append(float(np.median(rt[m])))
            means.append(float(p[m].mean()))
    for (x0, y0), (x1, y1) in zip(zip(mids, means), zip(mids[1:], means[1:])):
        if y0 >= 0.5 > y1:
            return x0 + (y0 - 0.5) / (y0 - y1) * (x1 - x0)
    return float("nan")


def analyse(model: RNN, groups: dict, zones: np.ndarray, states: torch.Tensor, outputs: np.ndarray, rt: np.ndarray,
            seed: int, draws: int = 32, min_states: int = 3) -> dict:
    """Both readings of P54 over the kick groups {(a, c): neurons} on the zone map's states: "strict" (exact open
    probabilities: clusters closed, transitions open, the kick zone's Bernoulli variance above both), "paper"
    (the share of `draws` fresh draws that open the gate: the kick zone nearest 1/2, above the cluster), "_plot"."""
    nxt = next_output(outputs)
    per, per_mc, plot, unmeasured = {}, {}, {}, []
    for (a, c), neurons in groups.items():
        own = (outputs == a) & (nxt == c)
        key = f"{a}->{c}"
        p = open_probability(model, states, neurons)
        q = open_fraction(model, states, neurons, seed, draws)
        per[key], per_mc[key] = zone_gate(p, zones, own, min_states), zone_gate(q, zones, own, min_states)
        unmeasured += [f"{key} {n}" for n, _ in ZONES if n not in per[key]]
        pg = p.mean(1)
        per[key]["half_open_rt"] = half_open_rt(pg[own], rt[own])
        plot[key] = {"rt": rt[own], "open": pg[own], "zones": zones[own]}

    def agg(fn, rows, key):
        vals = [key(r) for r in rows.values() if all(z in r for z, _ in ZONES)]
        return float(fn(vals)) if vals else float("nan")

    def over(rows, zone, field, fn):
        vals = [r[zone][field] for r in rows.values() if zone in r]
        return float(fn(vals)) if vals else float("nan")
    strict = {
        "directions": len(groups), "unmeasured": unmeasured,
        "max_cluster_open": over(per, "cluster", "open", max),
        "min_transition_open": over(per, "transition", "open", min),
        "min_kick_variance_margin": agg(min, per, lambda r: r["kick"]["variance"]
                                        - max(r["cluster"]["variance"], r["transition"]["variance"])),
        "max_kick_open": over(per, "kick", "open", max),
        "half_open_rt": [per[k]["half_open_rt"] for k in per],
        "per_direction": per,
    }
    paper = {
        "directions": len(groups), "unmeasured": unmeasured, "draws": draws,
        "kick_nearest_threshold_margin": agg(min, per_mc, lambda r: min(abs(r["cluster"]["open"] - 0.5),
                                                                         abs(r["transition"]["open"] - 0.5))
                                             - abs(r["kick"]["open"] - 0.5)),
        "min_kick_minus_cluster_open": agg(min, per_mc, lambda r: r["kick"]["open"] - r["cluster"]["open"]),
        "max_kick_open": over(per_mc, "kick", "open", max),
        "per_direction": per_mc,
    }
    return {"strict": strict, "paper": paper, "_plot": {"per_direction": plot, "zones": per}}
