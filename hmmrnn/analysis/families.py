"""Paper 4.1-5, Fig 12 and 20, App. I-K: the same mechanism in every HMM family and chain length.

Each trained checkpoint of a cohort gets a profile, computed once: the statistics of its zone map, of noise sensitivity and of its kick groups' ablation (the same
functions the per-checkpoint claims call), and its number of slow regions. A group of checkpoints (a family, or
a chain length) holds a claim's statistic when its converged members (the loss rule of analysis.convergence, as
the replication summary counts seeds) pass the per-checkpoint claim's own thresholds: at least half of them
(strict), or at least one (paper: the authors showed one network per configuration). A member that has not
converged is listed, not counted. (The orbit claim's single-plane rotation rule is not the gate: fully-connected
and cyclic nets have one orbit plane per output pair, P24, and fail it while converged.) A member without a loss
history counts (its convergence is unknown) and is named.
"""
from __future__ import annotations

import numpy as np
import torch
from sklearn.decomposition import PCA

from ..errors import ClaimError, ModelDiverged
from ..rnn import RNN
from . import kick, noise, residency

SECTORS = 24  # 15-degree sectors of the orbit plane
SLOW_RT = 8  # residency time above which a state is slow (the cluster cut of REFERENCE section 5)


def slow_regions(states: np.ndarray, rt: np.ndarray, sectors: int = SECTORS, min_share: float = 0.5) -> int:
    """Number of slow regions along the orbit: states [N, H] with RT > SLOW_RT, by angle in the PC1-PC2 plane
    of all states around the projected fixed point (0, bias-free); a region is a circular run of sectors each
    holding at least min_share x the uniform share of the slow states. 0 without slow states; 1 for a ring."""
    slow = rt > SLOW_RT
    if slow.sum() < sectors:
        return 0
    pca = PCA(2).fit(states)
    xy = pca.transform(states[slow]) - pca.transform(np.zeros((1, states.shape[1])))
    angle = np.mod(np.arctan2(xy[:, 1], xy[:, 0]), 2 * np.pi)
    counts = np.bincount((angle / (2 * np.pi) * sectors).astype(int) % sectors, minlength=sectors)
    occupied = counts >= min_share * slow.sum() / sectors
    if occupied.all():
        return 1
    starts = occupied & ~np.roll(occupied, 1)  # a run starts where the sector before it is empty (circularly)
    return int(starts.sum())


@torch.no_grad()
def profile(model: RNN, seed: int, *, zone_map: dict, group_size: int) -> dict:
    """One member's numbers: zone map, noise sensitivity, kick ablation and slow regions. ``zone_map``: the
    arguments of residency.three_zones (n_locations, rollouts, horizon); ``group_size``: the kick groups' size
    (kick.discover); the cohort claims pass theirs (claims/_cohorts.py). A part that cannot be computed (no kick
    events, no cluster states, diverging activity) is recorded as its one-line reason."""
    try:
        z = residency.three_zones(model, seed, **zone_map)
    except ModelDiverged as e:  # fails every part
        return {"zones": {"error": str(e)}, "slow_regions": 0, "noise": {"error": str(e)}, "kick": {"error": str(e)}}
    out: dict = {"zones": z.statistics, "slow_regions": slow_regions(z.locations.numpy(), z.rt)}
    out["noise"] = _part(lambda: noise.cluster_vs_transition(model, z.zones, z.locations, seed=seed))

    def ablation():
        found = kick.discover(model, seed=seed, group_size=group_size)
        return {k: v for k, v in kick.summary(found, kick.ablation(model, found, seed=seed)).items()
                if k.endswith("_ratio") or k == "directions"}
    out["kick"] = _part(ablation)
    return out


def _part(fn) -> dict:
    try:
        return fn()
    except (ClaimError, ModelDiverged) as e:
        return {"error": str(e)}


def group_of(hmm, by: str) -> str:
    """The group a member counts in: its family ('linear') or its configuration ('linear:3')."""
    return hmm.family if by == "family" else hmm.name


def holds_in_groups(profiles: dict[str, dict], groups: dict[str, str], part: str, reading, need: list[str],
                    quorum: str, converged: dict[str, bool | None]) -> dict:
    """Per group: how many converged members pass `reading`'s thresholds on their `part` statistics (members
    whose part could not be computed fail), and whether the group holds (quorum 'half': at least half of them;
    'one': at least one). ClaimError naming every group in `need` without a converged member, with the numbers
    found so far attached, unless a group with members already fails: then "every group holds" is false whatever
    the missing groups would show (they are named in ``groups_missing``)."""
    per_group: dict[str, dict] = {}
    for name, p in profiles.items():
        g = per_group.setdefault(groups[name], {"members": [], "passing": [], "not_converged": []})
        if converged.get(name) is False:
            g["not_converged"].append(name)
            continue
        g["members"].append(name)
        stats = p[part]
        if "error" not in stats and not reading.evaluate(stats):
            g["passing"].append(name)
    for g in per_group.values():
        n, k = len(g["members"]), len(g["passing"])
        g["pass_fraction"] = k / n if n else float("nan")
        g["holds"] = bool(n) and (k >= 1 if quorum == "one" else 2 * k >= n)
    out = {"groups": per_group, "groups_holding": sum(g["holds"] for g in per_group.values()),
           "groups_needed": len(need), "convergence_unknown": sorted(n for n in profiles if converged.get(n) is None)}
    missing = [g for g in need if not per_group.get(g, {}).get("members")]
    failing = [g for g in need if per_group.get(g, {}).get("members") and not per_group[g]["holds"]]
    if missing and failing:  # "in every group" is already false: a group that has members does not hold it
        out.update(every_group_holds=False, groups_missing=missing, groups_failing=failing,
                   _plot={"groups": per_group})
        return out
    if missing:
        e = ClaimError(f"needs a converged trained checkpoint in every one of {', '.join(need)}; none in "
                       f"{', '.join(missing)}" + _without(per_group, missing))
        e.statistics = {**out, "_plot": {"groups": per_group}}
        raise e
    out["every_group_holds"] = all(per_group[g]["holds"] for g in need)
    out["_plot"] = {"groups": per_group}
    return out


def _without(per_group: dict, missing: list[str]) -> str:
    left = [n for g in missing for n in per_group.get(g, {}).get("not_converged", [])]
    return f" (left out, not converged by the loss rule: {', '.join(left)})" if left else ""


def slow_region_counts(profiles: dict[str, dict], states: dict[str, int], converged: dict[str, bool | None],
                       need=(2, 3, 4, 5)) -> dict:
    """P22: slow regions per chain length S over the converged members; Spearman correlation of the count
    with S, and whether the median count is the same for every S. ClaimError naming each S without a member."""
    from scipy.stats import spearmanr
    by_s: dict[int, list[int]] = {}
    for name, p in profiles.items():
        if converged.get(name) is not False:
            by_s.setdefault(states[name], []).append(p["slow_regions"])
    medians = {str(s): float(np.median(v)) for s, v in sorted(by_s.items())}
    out = {"slow_regions_by_S": {str(s): v for s, v in sorted(by_s.items())}, "median_by_S": medians,
           "_plot": {"by_S": {s: v for s, v in sorted(by_s.items())}}}
    missing = [s for s in need if s not in by_s]
    if missing:
        without = [n for n in profiles if converged.get(n) is False]
        e = ClaimError(f"needs a converged trained linear-chain checkpoint for every S in {list(need)}; missing "
                       f"{', '.join(f'linear:{s}' for s in missing)}"
                       + (f" (left out, not converged by the loss rule: {', '.join(without)})" if without else ""))
        e.statistics = out
        raise e
    xs = [s for s in need for _ in by_s[s]]
    ys = [c for s in need for c in by_s[s]]
    rho = float(spearmanr(xs, ys).statistic) if len(set(ys)) > 1 else 0.0
    first = medians[str(need[0])]
    out.update({"spearman_rho": rho, "constant": all(m == first for m in medians.values()),
                "growth": medians[str(need[-1])] - first})
    return out
