"""Paper 5, Fig 7: a few kick neurons start each transition; silencing them traps the trajectory.

Kick neurons are discovered, not typed in: event-triggered pre-activation around output switches,
grouped by switch direction, ranked by selectivity (z-scored rise from the cluster baseline just before
switches of that direction, minus the largest such rise for any other direction).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import torch

from ..errors import ClaimError
from ..rnn import RNN, Intervention, Rollout, draw_noise, rollout
from .common import noise_run, require_finite, seed_for

WINDOW = (-2, 0)  # lags (steps relative to the first step of the new output) of the kick
DEEP = 10  # a cluster state has no switch within this many steps either side


Direction = tuple[int, int]  # a switch a -> c of the argmax output


@dataclass(frozen=True, eq=False)
class KickGroup:
    """One switch direction's kick group: its neurons, best first, and what ranked them."""

    neurons: list[int]
    scores: list[float] = ()  # selectivity: z-scored rise before the switch minus the largest for another direction
    events: int = 0  # switches of this direction seen
    profile: np.ndarray | None = None  # [lags, k] event-triggered mean pre-activation of the group
    baseline: np.ndarray | None = None  # [k] the group's cluster baseline
    interval: list | None = None  # [k][2] 95% t-interval of the scores (pooled draws only)
    stability: dict | None = None  # how often one draw would pick the same group (pooled draws only)

    def top(self, k: int) -> "KickGroup":
        """The first k neurons, with their scores and profile."""
        cut = lambda x: None if x is None else x[..., :k]  # noqa: E731
        return replace(self, neurons=self.neurons[:k], scores=self.scores[:k], profile=cut(self.profile),
                       baseline=cut(self.baseline), interval=None if self.interval is None else self.interval[:k])


@dataclass(frozen=True, eq=False, repr=False)
class KickGroups:
    """kick.discover's result, computed once per (checkpoint, claims seed) and shared: a group per switch
    direction, and the noise run they were found in (the ablations start from its deep-cluster states)."""

    groups: dict[Direction, KickGroup]
    run: Rollout  # [B, T, ...] the (first) noise run
    outputs: np.ndarray  # [B, T] its argmax outputs
    deep: np.ndarray  # [B, T] its deep-cluster states (no switch within DEEP steps)
    lags: np.ndarray = field(default_factory=lambda: np.arange(-8, 5))  # of the profiles

    def __repr__(self) -> str:  # short, and what Subject.shared keys a computation on it by
        dirs = ", ".join(f"{a}->{c}: {g.neurons}" for (a, c), g in self.groups.items())
        return f"KickGroups({dirs}; run {tuple(self.outputs.shape)})"

    @property
    def neurons(self) -> list[int]:
        """Every kick neuron, of any direction."""
        return sorted({n for g in self.groups.values() for n in g.neurons})

    def neurons_by_direction(self) -> dict[Direction, list[int]]:
        return {d: list(g.neurons) for d, g in self.groups.items()}

    def top(self, k: int) -> "KickGroups":
        """Each direction's first k neurons (the top k of a ranking are the first k of its top K > k)."""
        return replace(self, groups={d: g.top(k) for d, g in self.groups.items()})


def deep_cluster_mask(out: np.ndarray, margin: int = DEEP) -> np.ndarray:
    """[B, T] True where the output is the same for `margin` steps either side."""
    B, T = out.shape
    same = np.ones((B, T), dtype=bool)
    for k in range(1, margin + 1):
        same[:, k:] &= out[:, k:] == out[:, :-k]
        same[:, :-k] &= out[:, :-k] == out[:, k:]
    same[:, :margin] = same[:, T - margin:] = False
    return same


@torch.no_grad()
def _rise_scores(pre: np.ndarray, out: np.ndarray, deep: np.ndarray, lags: np.ndarray, min_events: int) -> dict:
    """Per switch direction (a, c) of one noise run: the selectivity score of every neuron (z-scored rise over
    WINDOW from the cluster-a baseline, minus the largest rise for any other direction), the event count and
    the event-triggered mean pre-activation [lags, H] with the baseline [H]."""
    b, t = np.nonzero(out[:, 1:] != out[:, :-1])
    t = t + 1
    ok = (t + lags[0] >= 0) & (t + lags[-1] < out.shape[1])
    dirs: dict = {}
    for i, j in zip(b[ok], t[ok]):
        dirs.setdefault((int(out[i, j - 1]), int(out[i, j])), []).append((i, j))
    z_rise, profiles = {}, {}
    for (a, c), ev in dirs.items():
        base = deep & (out == a)
        if len(ev) < min_events or base.sum() < 50:
            continue
        mu, sd = pre[base].mean(0), pre[base].std(0) + 1e-6
        eb, et = np.array([e[0] for e in ev]), np.array([e[1] for e in ev])
        prof = np.stack([pre[eb, et + L] for L in lags], 1)  # [events, lags, H]
        win = (lags >= WINDOW[0]) & (lags <= WINDOW[1])
        z_rise[(a, c)] = (prof[:, win].mean((0, 1)) - mu) / sd
        profiles[(a, c)] = (prof.mean(0), mu, len(ev))
    scores = {}
    for d, z in z_rise.items():
        others = [z_rise[o] for o in z_rise if o != d]
        scores[d] = z - (np.max(others, axis=0) if others else 0.0)
    return {d: (scores[d], *profiles[d]) for d in scores}


def discover(model: RNN, seed: int, group_size: int = 3, batch: int = 64, steps: int = 600,
             min_events: int = 10, draws: int = 1) -> KickGroups:
    """Kick groups per switch direction (a, b): neurons, selectivity scores, event count, and the
    event-triggered mean pre-activation (lags -8..+4) of the group, plus the run used.

    draws > 1 pools that many independent noise runs: each neuron's score is its mean over the draws, with a
    95% t-interval (``interval``), the group is the top of that ranking, and ``stability`` says how often a
    single draw would have chosen the same group, and whether the group's last member is separated from the
    first neuron left out (its interval's lower end above the other's upper end)."""
    lags = np.arange(-8, 5)
    per_draw, first = [], None
    for k in range(draws):
        run = noise_run(model, batch, steps, seed_for(seed, "kick-discover" if k == 0 else f"kick-discover-{k}"))
        require_finite(run.states, f"noise-driven activity over {steps} steps")
        pre, out = run.preacts.numpy(), run.logits.argmax(-1).numpy()
        deep = deep_cluster_mask(out)
        if first is None:
            first = (run, out, deep)
        per_draw.append(_rise_scores(pre, out, deep, lags, min_events))
    common = set(per_draw[0]).intersection(*per_draw[1:])
    if not common:
        raise ClaimError(f"no output switch direction with >= {min_events} switches and a held cluster "
                         f"(>= 50 deep states) in {batch}x{steps} steps" + (f", in every one of {draws} draws" if draws > 1 else ""))
    groups = {}
    for d in sorted(common):
        sc = np.stack([pd[d][0] for pd in per_draw])  # [draws, H]
        score = sc.mean(0)
        top = np.argsort(-score)[:group_size]
        g = {"neurons": top.tolist(), "scores": score[top].round(3).tolist(),
             "events": int(sum(pd[d][3] for pd in per_draw)),
             "profile": np.mean([pd[d][1] for pd in per_draw], 0)[:, top],
             "baseline": np.mean([pd[d][2] for pd in per_draw], 0)[top]}
        if draws > 1:
            from scipy.stats import t as student
            half = student.ppf(0.975, draws - 1) * sc.std(0, ddof=1) / np.sqrt(draws)
            nxt = np.argsort(-score)[group_size]
            same = np.mean([set(np.argsort(-row)[:group_size]) == set(top) for row in sc])
            g["interval"] = np.stack([score[top] - half[top], score[top] + half[top]], 1).round(3).tolist()
            g["stability"] = {"draws": draws, "same_group_in_single_draws": float(same),
                              "next_neuron": int(nxt), "next_score": round(float(score[nxt]), 3),
                              "separated": bool(score[top[-1]] - half[top[-1]] > score[nxt] + half[nxt])}
        groups[d] = KickGroup(**g)
    return KickGroups(groups, *first, lags=lags)


def hazard(logits: torch.Tensor, start: int, target: int) -> tuple[float, int]:
    """Rate of first switches start->target per step at risk, over rollouts [R, T, O]. (rate, count)."""
    out = logits.argmax(-1)
    changed = out != start
    any_c = changed.any(1)
    first = torch.where(any_c, changed.float().argmax(1), torch.full((len(out),), out.shape[1]))
    hit = any_c & (out.gather(1, first.clamp(max=out.shape[1] - 1)[:, None])[:, 0] == target)
    at_risk = (first + any_c.long()).sum()
    return float(hit.sum()) / max(int(at_risk), 1), int(hit.sum())


@torch.no_grad()
def switch_hazard(model: RNN, noise: torch.Tensor, h0: torch.Tensor, start: int, target: int,
                  intervention: Intervention | None = None, chunk: int = 20) -> tuple[float, int]:
    """hazard(rollout(...).logits, start, target) without simulating rollouts past their first switch:
    the rollouts run `chunk` steps at a time and those that have left `start` are dropped. The same first
    switches; the float results may differ from one full batch in the last bits (smaller matmuls)."""
    B, T = noise.shape[:2]
    alive = torch.arange(B)
    first = torch.full((B,), T)
    dest = torch.full((B,), -1)
    h = h0
    for t0 in range(0, T, chunk):
        r = rollout(model, noise[alive, t0:t0 + chunk], h0=h, intervention=intervention, record="all")
        out = r.logits.argmax(-1)
        changed = out != start
        left = changed.any(1)
        at = changed.float().argmax(1)
        first[alive[left]] = t0 + at[left]
        dest[alive[left]] = out[left, at[left]]
        alive, h = alive[~left], r.states[~left, -1]
        if not len(alive):
            break
    gone = dest >= 0
    hits = int((dest == target).sum())
    return hits / max(int((first + gone.long()).sum()), 1), hits


def matched_random(model_hidden: int, group: list[int], exclude: set[int], activity: np.ndarray,
                   rng: np.random.Generator, pool: int = 10) -> list[int]:
    """For each neuron of the group, a random non-kick neuron among the `pool` closest in mean activity."""
    chosen: list[int] = []
    cands = np.array([i for i in range(model_hidden) if i not in exclude])
    for n in group:
        free = cands[~np.isin(cands, chosen)]
        near = free[np.argsort(np.abs(activity[free] - activity[n]))[:pool]]
        chosen.append(int(rng.choice(near)))
    return chosen


@torch.no_grad()
def ablation(model: RNN, found: KickGroups, seed: int, n_starts: int = 128, rollouts: int = 4, steps: int = 100,
             n_random: int = 5, stop_above: float | None = None) -> dict:
    """Per direction (a, c): switch hazards a->c from deep-cluster states of output a, intact vs the kick
    group silenced (activity 0), vs activity-matched random non-kick neurons silenced, and c->a with the
    same group silenced (selectivity); plus mu = 2 enhancement and the authors' recurrent-drive variant.
    stop_above: return at the first direction whose ablated ratio exceeds it, with only that ratio
    (a caller that only asks "does every direction trap?" is answered without the other rollouts)."""
    out, deep = found.outputs, found.deep
    H = model.hidden
    states = found.run.states.numpy()
    activity = states.reshape(-1, H).mean(0)
    kick_all = set(found.neurons)
    rng = np.random.default_rng(seed_for(seed, "kick-random"))
    res = {}

    def starts_of(a):
        bi, ti = np.nonzero(deep & (out == a))
        if len(bi) < 16:
            raise ClaimError(f"fewer than 16 deep-cluster states of output {a} to start from")
        pick = rng.choice(len(bi), size=min(n_starts, len(bi)), replace=False)
        return torch.from_numpy(states[bi[pick], ti[pick]]).repeat_interleave(rollouts, 0)

    for (a, c), g in found.groups.items():
        h0 = starts_of(a)
        noise = draw_noise(len(h0), steps, model.inputs, seed_for(seed, f"kick-{a}{c}"))

        def rate(iv=None, h=h0, nz=noise, s=a, t=c):
            return switch_hazard(model, nz, h, s, t, iv)[0]
        intact, n_intact = switch_hazard(model, noise, h0, a, c)
        if n_intact < 10:
            raise ClaimError(f"only {n_intact} intact {a}->{c} switches from cluster states: no transitions to trap")
        ablated = rate(Intervention.on(g.neurons, H, 0.0))
        if stop_above is not None and ablated / intact > stop_above:
            res[f"{a}->{c}"] = {"intact_rate": intact, "ablated_ratio": ablated / intact}
            return res
        rand = [rate(Intervention.on(matched_random(H, g.neurons, kick_all, activity, rng), H, 0.0))
                for _ in range(n_random)]
        enhanced = rate(Intervention.on(g.neurons, H, 2.0, kind="recurrent"))
        ref_variant = rate(Intervention.on(g.neurons, H, 0.0, kind="recurrent"))
        opposite = None
        if (c, a) in found.groups or (out == c).any():
            try:
                h0c = starts_of(c)
                nzc = draw_noise(len(h0c), steps, model.inputs, seed_for(seed, f"kick-opp-{a}{c}"))
                opp_intact = rate(None, h0c, nzc, c, a)
                opp_abl = rate(Intervention.on(g.neurons, H, 0.0), h0c, nzc, c, a)
                opposite = opp_abl / opp_intact if opp_intact > 0 else float("nan")
            except ClaimError:
                opposite = float("nan")
        res[f"{a}->{c}"] = {"intact_rate": intact, "ablated_ratio": ablated / intact,
                            "random_ratio": float(np.median(rand)) / intact, "opposite_ratio": opposite,
                            "enhanced_ratio": enhanced / intact, "recurrent_only_ratio": ref_variant / intact}
    return res


@torch.no_grad()
def example_trace(model: RNN, found: KickGroups, seed: int, steps: int = 200) -> dict:
    """One rollout from a deep-cluster state, intact and with every kick group silenced, same noise:
    the logit margin between the two most used outputs (for the figure)."""
    out, deep, states = found.outputs, found.deep, found.run.states
    (a, c) = next(iter(found.groups))
    bi, ti = np.nonzero(deep & (out == a))
    if not len(bi):
        return {}
    h0 = states[bi[0], ti[0]][None]
    noise = draw_noise(1, steps, model.inputs, seed_for(seed, "kick-example"))
    allk = found.neurons
    m = {}
    for key, iv in (("intact", None), ("ablated", Intervention.on(allk, model.hidden, 0.0))):
        lg = rollout(model, noise, h0=h0, intervention=iv, record="logits").logits[0]
        m[key] = (lg[:, c] - lg[:, a]).numpy()
    return m


def summary(found: KickGroups, res: dict, trace: dict | None = None) -> dict:
    """Worst case over directions, plus the per-direction numbers and the groups with their scores."""
    def worst(key, fn):
        vals = [r[key] for r in res.values() if r[key] is not None and not np.isnan(r[key])]
        return float(fn(vals)) if vals else float("nan")
    return {
        "directions": len(res),
        "max_ablated_ratio": worst("ablated_ratio", max),
        "min_random_ratio": worst("random_ratio", min),
        "min_opposite_ratio": worst("opposite_ratio", min),
        "max_enhanced_ratio": worst("enhanced_ratio", max),
        "max_recurrent_only_ratio": worst("recurrent_only_ratio", max),
        "groups": {f"{a}->{c}": {"neurons": g.neurons, "scores": g.scores, "events": g.events}
                   for (a, c), g in found.groups.items()},
        "per_direction": {d: {k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()}
                          for d, r in res.items()},
        "_plot": {"groups": found.groups, "lags": found.lags, **(trace or {})},
    }


def next_output(outputs: np.ndarray) -> np.ndarray:
    """[T] the next output different from outputs[t] after step t (-1 if the output never changes again)."""
    nxt = np.full(len(outputs), -1)
    for t in range(len(outputs) - 2, -1, -1):
        nxt[t] = outputs[t + 1] if outputs[t + 1] != outputs[t] else nxt[t + 1]
    return nxt


def zone_profile(groups: dict[Direction, list[int]], zones: np.ndarray, preacts: torch.Tensor, outputs: np.ndarray,
                 min_states: int = 3) -> dict:
    """Paper 5, App. J: mean pre-activation of each kick group (``groups``: its neurons per direction; in units of each neuron's s.d. over the
    run) in the clusters, kick zones and transitions of its own direction a -> c: the states whose output
    is a and whose next different output is c (a transition state is one the output leaves within 2
    steps, so it still shows a). Orderings are checked per direction; a zone of a direction with fewer than
    min_states states cannot be judged: ClaimError naming it (an unmeasured direction is not a failed one).
    Also in raw units, as the authors plotted them (``per_direction_raw``, ``max_cluster_pre``, ...)."""
    from .residency import CLUSTER, KICK, TRANSITION
    pre = preacts.numpy()
    sd = pre.std(0) + 1e-6
    nxt = next_output(outputs)
    per, raw, short = {}, {}, []
    for (a, c), n in groups.items():
        own = (outputs == a) & (nxt == c)
        row, row_raw = {}, {}
        for name, z in (("cluster", CLUSTER), ("kick", KICK), ("transition", TRANSITION)):
            m = (zones == z) & own
            if m.sum() < min_states:
                short.append(f"{a}->{c} {name} ({int(m.sum())})")
            else:
                row[name] = float((pre[m][:, n] / sd[n]).mean())
                row_raw[name] = float(pre[m][:, n].mean())
        per[f"{a}->{c}"], raw[f"{a}->{c}"] = row, row_raw
    if short:
        raise ClaimError(f"too few states to profile (fewer than {min_states} of {len(zones)} locations): "
                         + ", ".join(short))

    def agg(fn, key):  # every zone of every direction is measured here (or the ClaimError above)
        vals = [key(r) for r in per.values()]
        return float(fn(vals)) if vals else float("nan")
    return {
        "per_direction": per,
        "max_cluster_z": agg(max, lambda r: r["cluster"]), "min_transition_z": agg(min, lambda r: r["transition"]),
        "min_kick_minus_cluster": agg(min, lambda r: r["kick"] - r["cluster"]),
        "min_transition_minus_kick": agg(min, lambda r: r["transition"] - r["kick"]),
        "per_direction_raw": raw,
        "max_cluster_pre": max(r["cluster"] for r in raw.values()),
        "min_transition_pre": min(r["transition"] for r in raw.values()),
        "max_kick_over_cluster": max(abs(r["kick"]) / max(abs(r["cluster"]), 1e-12) for r in raw.values()),
        "_plot": {"per_direction": per},
    }


def trap_size(model: RNN, seed: int, sizes=range(1, 7), ablated_max: float = 0.10, random_min: float = 0.50) -> int | None:
    """Smallest kick-group size whose silencing traps every direction (ratio <= ablated_max) while as many
    matched random neurons do not (>= random_min); None if no size up to max(sizes) does. A diagnostic
    beside the claim's fixed group size."""
    try:  # one discovery: the top k of a direction's ranking are the first k of its top max(sizes)
        top = discover(model, seed, group_size=max(sizes))
    except ClaimError:
        return None
    for k in sizes:
        try:
            res = ablation(model, top.top(k), seed, n_random=3, stop_above=ablated_max)
        except ClaimError:
            return None
        if all(r["ablated_ratio"] <= ablated_max and r.get("random_ratio", 0.0) >= random_min for r in res.values()):
            return int(k)
    return None
