"""A brute-force reference for kick-neuron discovery: who is at fault when silencing fails to trap?

Discovery (kick.discover) picks neurons by their activity before switches, as the paper did. When the
discovered group does not trap, either the network has no compact group that starts the switch (the
model) or discovery picked the wrong neurons (the harness). A greedy search over every neuron, by the
ablation effect itself, tells the two apart: it chooses on one set of cluster starts and noise and is
judged on a held-out set, so a group it finds traps for a reason and not by selection.
"""
from __future__ import annotations

import numpy as np
import torch

from ..rnn import RNN, Intervention, draw_noise
from .common import seed_for
from .kick import KickGroups, switch_hazard


@torch.no_grad()
def greedy_group(model: RNN, found: KickGroups, seed: int, size: int = 3, n_starts: int = 64, rollouts: int = 4,
                 steps: int = 100, shortlist: int = 30) -> dict:
    """Per direction "a->c" of found.groups: the `size` neurons whose joint silencing lowers the a->c
    hazard most, chosen one at a time (the first over all H neurons, later ones among the `shortlist`
    best single neurons), on selection starts; and the hazard ratio (silenced / intact) on held-out
    deep-cluster starts and noise. NaN ratio where either set sees fewer than 10 intact switches."""
    states, out, deep = found.run.states, found.outputs, found.deep
    H = model.hidden
    rng = np.random.default_rng(seed_for(seed, "kick-search"))
    res = {}
    for a, c in found.groups:
        bi, ti = np.nonzero(deep & (out == a))
        pick = rng.permutation(len(bi))[: 2 * n_starts]
        halves = pick[: len(pick) // 2], pick[len(pick) // 2:]
        sets = []
        for tag, idx in zip(("select", "held-out"), halves):
            h0 = states[bi[idx], ti[idx]].repeat_interleave(rollouts, 0)
            sets.append((h0, draw_noise(len(h0), steps, model.inputs, seed_for(seed, f"kick-search-{tag}-{a}{c}"))))

        def rate(which: int, neurons: list[int]) -> tuple[float, int]:
            h0, noise = sets[which]
            iv = Intervention.on(neurons, H, 0.0) if neurons else None
            return switch_hazard(model, noise, h0, a, c, iv)

        (_, n_sel), (held0, n_held) = rate(0, []), rate(1, [])
        if min(n_sel, n_held) < 10:
            res[f"{a}->{c}"] = {"neurons": [], "ratio": float("nan")}
            continue
        chosen = greedy(lambda ns: rate(0, ns)[0], H, size, shortlist)
        res[f"{a}->{c}"] = {"neurons": chosen, "ratio": rate(1, chosen)[0] / held0}
    return res


def greedy(rate, hidden: int, size: int, shortlist: int) -> list[int]:
    """`size` neurons chosen one at a time to minimise rate(neurons): the first over all `hidden`, the
    later ones among the `shortlist` neurons with the lowest rate alone (ties: lowest index)."""
    single = np.array([rate([n]) for n in range(hidden)])
    pool = [int(n) for n in np.argsort(single, kind="stable")[:max(shortlist, size)]]
    chosen = [pool[0]]
    while len(chosen) < size:
        cand = [n for n in pool if n not in chosen]
        chosen.append(cand[int(np.argmin([rate(chosen + [n]) for n in cand]))])
    return chosen


def diagnose(ablated_ratio: float, search_ratio: float, trap: float) -> str:
    """Whose fault, for one direction: "traps" (the discovered group traps); "harness" (a searched group
    of the same size traps on held-out starts and the discovered one does not: discovery missed it);
    "model" (neither traps: no compact group was found); "too few switches" to search."""
    if ablated_ratio <= trap:
        return "traps"
    if np.isnan(search_ratio):
        return "too few switches"
    return "harness" if search_ratio <= trap else "model"


def summary(effects: dict, searched: dict, trap: float) -> dict:
    """The search's group, held-out ratio and diagnosis per direction, the worst held-out ratio, and how
    many directions discovery missed (reported beside the claim's statistics, not thresholded)."""
    per = {d: {"neurons": s["neurons"], "ratio": round(float(s["ratio"]), 4),
               "diagnosis": diagnose(effects[d]["ablated_ratio"], s["ratio"], trap)} for d, s in searched.items()}
    ratios = [s["ratio"] for s in searched.values() if not np.isnan(s["ratio"])]
    return {"search": per, "max_search_ratio": float(max(ratios)) if ratios else float("nan"),
            "discovery_missed": sum(p["diagnosis"] == "harness" for p in per.values()),
            "diagnosis": "; ".join(f"{d} {p['diagnosis']}" for d, p in per.items())}
