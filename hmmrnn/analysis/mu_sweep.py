"""Paper 5, Fig 7 (P61-P69 and the control row): scale the drive of chosen neurons by mu in 0..2.

The authors' manipulated map (REFERENCE.md section 6) is

    h' = relu(c * (W_hh h) + cn * (W_ih x)),   c, cn per-neuron multipliers,

and three manipulations per switch direction a -> c, each swept over mu:

- "kick": c = mu on the direction's kick group (recurrent drive into the group; input untouched);
- "integrating": cn = mu on the direction's integrating population: the union over the group's kick
  neurons k of the `integrating_k` (60) neurons j with the largest W_hh[k, j], the group removed;
- "control": cn = mu on every neuron that is neither a kick neuron (of any direction) nor among the
  `control_k` (35) largest W_hh[k, j] of any kick neuron k of any direction. (Kick neurons are excluded
  here, a choice of ours: the authors' text does not say; a control must not touch the kick neurons.)
- "kick_searched": as "kick", on a triplet chosen by the effect of recurrent-drive ablation itself
  (greedy over the top `n_candidates` discovery candidates, on selection starts disjoint from the
  starts every curve is measured on; kick_search.greedy), beside the discovered triplet.

Per mu and manipulation:

- switch rate: first-switch hazard a -> c per step at risk (kick.hazard) from `n_starts` deep-cluster
  states of output a x `rollouts` rollouts x `steps` steps (not the authors' one start), the same noise
  for every mu and manipulation (paired curves); rate_ratio = rate / rate at mu = 1.
- critical pairs: one noisy run of `run_steps` steps from a small random state (after a 20-step
  warm-up), the same noise for every row. At step t the Jacobian of the manipulated map is
  J_t = diag(pre_t > 0) diag(c) W_hh, pre_t the manipulated pre-activation (input term included);
  its eigenvalues l are Moebius-mapped m = (l - 1)/(l + 1) and a critical pair is counted where
  |Re m| < 0.1 and Im m > 0.06 (one per conjugate pair). Per output switch at step s (first step of the
  new output) the count is SUMMED over the steps s-15 .. s+14 (the authors' unit); critical_mean/std are
  over at most `max_switches` switches (evenly spaced among those with a full window): NaN and
  n_switches 0 when the run never switches (a trapped run: the paper's "ablation removes the critical
  pairs"). critical_paper applies the authors' fallback instead (fewer than 2 switches: the windows of
  the intact run's switches); critical_run is the mean count PER STEP over `run_points` evenly spaced
  steps of the run, defined for a trapped run too.
- overshoot (P66/P67), our definition: among rollouts whose first switch is a -> c at a step s with
  s + 20 <= steps, the fraction whose projection on the unit axis u = (mean_c - mean_a)/|mean_c - mean_a|
  (means of the deep-cluster states of outputs c and a in the discovery run) exceeds, at some step of
  s .. s+19, the `overshoot_q` (99th) percentile of that projection over the intact deep cluster-c states.
  NaN without such rollouts. Falsifiable: it compares mu = 2 with mu = 1 on the same starts and noise.

Batched: every (manipulation, mu) is a row block of one rollout (per-row multipliers broadcast in
rnn.rollout), duplicates (every mu = 1 row is the intact network) run once.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from ..rnn import unit_weights
from ..errors import ClaimError
from ..rnn import RNN, Intervention, draw_noise, rollout
from .common import BLOW_UP, seed_for
from .geometry import pca_plane
from .jacobian import RE_TOL, active_eigvals, critical_count
from .kick import discover, hazard, switch_hazard
from .kick_search import greedy

GRIDS = {"full": np.round(np.arange(21) * 0.1, 10), "coarse": np.array([0.0, 0.5, 1.0, 1.5, 2.0])}
MANIPULATIONS = ("kick", "integrating", "control", "kick_searched")
IM_TOL = 0.06  # the authors' Moebius window in their ablation script (compute_CE); |Re m| < RE_TOL as in jacobian.py
EXAMPLE_MU = (0.0, 1.0, 1.9)


@dataclass(frozen=True, eq=False)
class MuCurve:
    """One manipulation of one direction over the mu grid; every array is [len(mu)]."""

    mu: np.ndarray
    rate: np.ndarray            # first-switch hazard a -> c per step at risk
    rate_ratio: np.ndarray      # rate / rate at mu = 1
    hits: np.ndarray            # number of first switches a -> c behind `rate`
    critical_mean: np.ndarray   # critical pairs summed over +-15 steps of a switch, mean over switches (NaN: none)
    critical_std: np.ndarray    # std over the same switches (0 without switches)
    n_switches: np.ndarray      # output switches (any direction) of the critical-pair run, uncapped
    critical_paper: np.ndarray  # as critical_mean, but at the intact run's switches when fewer than 2 own
    critical_run: np.ndarray    # critical pairs per step over run_points evenly spaced steps of the run
    overshoot: np.ndarray       # fraction of a -> c switchers that pass the target cluster (NaN: none)
    diverged: np.ndarray        # fraction of the rate rollouts whose |logit| exceeds BLOW_UP (or inf/NaN)
    run_diverged: np.ndarray    # 1.0 where the critical-pair run's |h| exceeds BLOW_UP (or inf/NaN), else 0.0
    run_peak: np.ndarray        # max |h| over the critical-pair run / the same for the intact run (runaway: >> 1)


@dataclass(frozen=True, eq=False)
class MuSweep:
    """All manipulations of one direction "a->c"; `search`: the searched group (greedy order up to
    max_size, held-out ratio per size, smallest trapping size or None, the candidates it chose from)."""

    direction: str
    group: list[int]
    integrating: list[int]
    control: list[int]
    curves: dict[str, MuCurve]
    grid: str
    example: dict
    search: dict


# ------------------------------------------------------------------ populations


def integrating_population(W_hh: np.ndarray, group: list[int], k: int = 60) -> list[int]:
    """Union over kick neurons g of the k neurons j with the largest W_hh[g, j], the group removed."""
    pop: set[int] = set()
    for g in group:
        pop.update(int(j) for j in np.argsort(-W_hh[g], kind="stable")[:k])
    return sorted(pop - set(group))


def control_population(W_hh: np.ndarray, kicks: list[int], k: int = 35) -> list[int]:
    """Every neuron that is neither a kick neuron nor among the k largest W_hh[g, j] of any kick neuron g."""
    near: set[int] = set(int(n) for n in kicks)
    for g in kicks:
        near.update(int(j) for j in np.argsort(-W_hh[g], kind="stable")[:k])
    return [j for j in range(W_hh.shape[0]) if j not in near]


# ------------------------------------------------------------------ critical pairs


def critical_pairs(model: RNN, preacts: torch.Tensor, recurrent: torch.Tensor | None = None,
                   re_tol: float = RE_TOL, im_tol: float = IM_TOL) -> np.ndarray:
    """Critical pairs per state [N]: eigenvalues of J = diag(pre > 0) diag(c) W_hh (c = `recurrent`,
    [H] or None = 1), Moebius-mapped, |Re m| < re_tol and Im m > im_tol. The non-zero eigenvalues of J
    are those of (diag(c) W_hh) restricted to the active units (rows with c = 0 dropped too: they only
    add zeros). (emergence.critical_fraction gates without the input term and takes no multiplier.)"""
    W = model.weight_hh.detach().double()
    if recurrent is not None:
        W = W * recurrent.double()[:, None]
        alive = recurrent != 0
    else:
        alive = torch.ones(W.shape[0], dtype=torch.bool)
    counts = (critical_count(lam, re_tol, im_tol) for lam in active_eigvals(W, (preacts > 0) & alive, min_units=2))
    return np.fromiter(counts, dtype=int, count=len(preacts))


def critical_pairs_at(model: RNN, run: tuple, noise: torch.Tensor, recurrent: torch.Tensor | None, warm: int,
                      steps: list[int]) -> np.ndarray:
    """Critical pairs of the Jacobian of steps warm + t (t in steps) of one configuration's run (states, preacts,
    logits; [1, T, .]) driven by noise [1, T, d]. The ReLU: critical_pairs on the step's pre-activations (the
    paper's gated Jacobian); another cell: the eigenvalues of its own step's Jacobian at the state before, with
    the step's input and recurrent multiplier (model.jacobian)."""
    if model.cell == "relu":
        return critical_pairs(model, run[1][0, warm:][steps], recurrent)
    prev, x = run[0][0, warm - 1:][steps], noise[0, warm:][steps]
    J = model.jacobian(prev, x, None if recurrent is None else model.per_gate(recurrent.float()))
    return np.array([critical_count(lam) for lam in torch.linalg.eigvals(J.double())], dtype=int)


def _switch_windows(out: np.ndarray, window: int, cap: int) -> tuple[list[range], int]:
    """Windows s-window .. s+window-1 around up to `cap` evenly spaced switches with a full window; and
    the number of switches of the run (uncapped)."""
    s = np.nonzero(out[1:] != out[:-1])[0] + 1
    ok = s[(s - window >= 0) & (s + window <= len(out))]
    if len(ok) > cap:
        ok = ok[np.unique(np.linspace(0, len(ok) - 1, cap).round().astype(int))]
    return [range(int(t) - window, int(t) + window) for t in ok], len(s)


# ------------------------------------------------------------------ batched rollouts


def _configs_rollout(model: RNN, configs: list[tuple], noise: torch.Tensor, h0: torch.Tensor | None,
                     record: str, chunk_rows: int = 1536, project: torch.Tensor | None = None) -> list:
    """Run every config (recurrent [H] | None, input [H] | None) on the same noise [R, T, d] and h0 [R, S]
    in row-stacked batches (per-row multipliers broadcast in rnn.rollout); identical configs run once.
    Returns, per config, (states, preacts, logits) slices ([R, T, .]; states/preacts None for "logits").
    ``project`` [S]: a direction in the full state; the projection of every state on it is appended to the
    logits as one more column (what _probe's extra readout row gives where the readout sees the full state)."""
    H, R = model.hidden, noise.shape[0]
    if project is not None:
        chunk_rows = max(R, chunk_rows // 4)  # the full states of a chunk are kept until projected
    keys, uniq = [], {}
    for cfg in configs:
        key, r, i = _key(cfg, H)
        uniq.setdefault(key, (r, i))
        keys.append(key)
    order = list(uniq)
    per = max(1, chunk_rows // R)
    res = {}
    for s in range(0, len(order), per):
        block = order[s:s + per]
        n = len(block)
        rec = torch.stack([uniq[k][0] for k in block]).repeat_interleave(R, 0)
        inp = torch.stack([uniq[k][1] for k in block]).repeat_interleave(R, 0)
        r = rollout(model, noise.repeat(n, 1, 1), h0=None if h0 is None else h0.repeat(n, 1),
                    intervention=Intervention(recurrent=rec, input=inp), record="all" if project is not None else record)
        logits, states, preacts = r.logits, r.states, r.preacts
        if project is not None:
            logits = torch.cat([logits, (states @ project.to(states.dtype))[..., None]], -1)
            if record == "logits":
                states = preacts = None
        for j, k in enumerate(block):
            sl = slice(j * R, (j + 1) * R)
            res[k] = (None if states is None else states[sl], None if preacts is None else preacts[sl], logits[sl])
    return [res[k] for k in keys]


def _key(cfg: tuple, H: int) -> tuple:
    """(hashable key, recurrent [H], input [H]) of a config, None read as all ones."""
    r = torch.ones(H) if cfg[0] is None else cfg[0].float()
    i = torch.ones(H) if cfg[1] is None else cfg[1].float()
    return (r.numpy().tobytes(), i.numpy().tobytes()), r, i


def _mult(H: int, neurons, mu: float) -> torch.Tensor:
    m = torch.ones(H)
    m[list(neurons)] = float(mu)
    return m


def _config(kind: str, neurons, H: int, mu: float) -> tuple:
    """(recurrent, input) multipliers: the kick manipulations scale the recurrent drive, the others the input."""
    m = _mult(H, neurons, mu)
    return (m, None) if kind.startswith("kick") else (None, m)


def _probe(model: RNN, u: np.ndarray) -> RNN:
    """A copy of the model with one more readout row u: its last 'logit' is the projection h . u."""
    m = copy.deepcopy(model)
    with torch.no_grad():
        m.weight_o = torch.nn.Parameter(torch.cat([model.weight_o, torch.as_tensor(u, dtype=model.weight_o.dtype)[None]]))
        if model.bias_o is not None:
            m.bias_o = torch.nn.Parameter(torch.cat([model.bias_o, torch.zeros(1, dtype=model.bias_o.dtype)]))
    return m


def _blown(logits: torch.Tensor) -> float:
    """Fraction of rollouts [R, T, O] whose logits leave [-BLOW_UP, BLOW_UP] (or are inf/NaN) at some step."""
    return float((~(logits.abs() <= BLOW_UP)).flatten(1).any(1).float().mean())


def _overshoot(out: np.ndarray, proj: np.ndarray, a: int, c: int, thr: float, win: int) -> float:
    """Fraction of rollouts [R, T] whose first switch is a -> c at s (s + win <= T) and whose projection
    exceeds thr somewhere in s .. s+win-1."""
    T = out.shape[1]
    if np.isnan(thr):
        return float("nan")
    changed = out != a
    first = np.where(changed.any(1), changed.argmax(1), T)
    hit = (first + win <= T) & (out[np.arange(len(out)), np.minimum(first, T - 1)] == c)
    if not hit.any():
        return float("nan")
    peaks = [proj[i, first[i]:first[i] + win].max() for i in np.nonzero(hit)[0]]
    return float(np.mean(np.array(peaks) > thr))


# ------------------------------------------------------------------ the sweep


@torch.no_grad()
def sweep(model: RNN, found: dict, seed: int, grid: str = "coarse", n_starts: int = 64, rollouts: int = 4,
          steps: int = 100, run_steps: int = 1000, window: int = 15, max_switches: int = 8,
          run_points: int = 100, group_size: int = 3, integrating_k: int = 60, control_k: int = 35,
          search: bool = True, n_candidates: int = 12, max_size: int = 6, search_starts: int = 32,
          trap: float = 0.10, overshoot_q: float = 99.0, overshoot_window: int = 20,
          min_hits: int = 10) -> dict[str, MuSweep]:
    """The Fig 7 protocol per direction of found.groups (kick.discover(model, seed, ...); the kick group
    is the first `group_size` of each direction's ranked neurons; with search, candidates are the first
    `n_candidates`, rediscovered with that group size when found holds fewer). `trap` only defines the
    reported smallest trapping size (held-out mu=0 ratio <= trap). ClaimError when a direction has fewer
    than 16 deep-cluster starts or fewer than `min_hits` intact a -> c switches from them; the overshoot
    is NaN for a direction whose target output has no deep-cluster state."""
    if grid not in GRIDS:
        raise ValueError(f"grid must be one of {sorted(GRIDS)}, got {grid!r}")
    mus = GRIDS[grid]
    i1 = int(np.flatnonzero(np.isclose(mus, 1.0))[0])
    H = model.hidden
    W = unit_weights(model).numpy()  # the unit-to-unit weights (a gated cell's: its candidate block)
    if search and min(len(g.neurons) for g in found.groups.values()) < n_candidates:
        cand_found = discover(model, seed, group_size=n_candidates)
    else:
        cand_found = found
    groups = {d: [int(n) for n in g.neurons[:group_size]] for d, g in found.groups.items()}
    kicks = sorted({n for g in groups.values() for n in g})
    control = control_population(W, kicks, control_k)
    out_f, deep = found.outputs, found.deep
    states = found.run.states
    deep_t = torch.from_numpy(deep)
    rng = np.random.default_rng(seed_for(seed, "mu-starts"))
    pca = _pca(states, seed)

    prepared = {}
    for (a, c), g in groups.items():
        d = f"{a}->{c}"
        bi, ti = np.nonzero(deep & (out_f == a))
        if len(bi) < 16:
            raise ClaimError(f"{d}: fewer than 16 deep-cluster states of output {a} to start from")
        want = n_starts + (search_starts if search else 0)
        pick = rng.permutation(len(bi))[:want]
        n_eval = max(8, int(round(len(pick) * n_starts / want)))
        ev, sel = pick[:n_eval], pick[n_eval:]
        h0 = states[bi[ev], ti[ev]].repeat_interleave(rollouts, 0)
        noise = draw_noise(len(h0), steps, model.inputs, seed_for(seed, f"mu-rate-{a}{c}"))
        n_base = hazard(rollout(model, noise, h0=h0, record="logits").logits, a, c)[1]
        if n_base < min_hits:  # fail fast, before the search and the critical-pair runs
            raise ClaimError(f"{d}: only {n_base} intact {d} switches from {len(h0)} cluster rollouts")
        searched = {"neurons": [], "ratios": [], "trap_size": None, "candidates": []}
        if search and len(sel):
            cands = [int(n) for n in cand_found.groups.get((a, c), found.groups[(a, c)]).neurons[:n_candidates]]
            h0s = states[bi[sel], ti[sel]].repeat_interleave(rollouts, 0)
            nzs = draw_noise(len(h0s), steps, model.inputs, seed_for(seed, f"mu-search-{a}{c}"))

            def rate(local, h0s=h0s, nzs=nzs, cands=cands, a=a, c=c):
                iv = Intervention.on([cands[i] for i in local], H, 0.0, kind="recurrent")
                return switch_hazard(model, nzs, h0s, a, c, iv)[0]
            order = greedy(rate, len(cands), min(max_size, len(cands)), shortlist=len(cands))
            searched = {"neurons": [cands[i] for i in order], "ratios": [], "trap_size": None, "candidates": cands}
        prepared[d] = dict(a=a, c=c, group=g, integrating=integrating_population(W, g, integrating_k),
                           h0=h0, noise=noise, search=searched)

    # ---- critical pairs: one run, every (direction, manipulation, mu) a row
    gen = torch.Generator().manual_seed(seed_for(seed, "mu-run-h0"))
    h0r = (0.1 * (2 * torch.rand(1, model.state_size, generator=gen) - 1))
    warm = 20
    noise_r = draw_noise(1, run_steps + warm, model.inputs, seed_for(seed, "mu-run"))
    pops = {}
    for d, p in prepared.items():
        pops[d] = {"kick": p["group"], "integrating": p["integrating"], "control": control,
                   "kick_searched": p["search"]["neurons"][:group_size]}
    manips = [m for m in MANIPULATIONS if m != "kick_searched" or search]
    cfgs = [_config(m, pops[d][m], H, mu) for d in prepared for m in manips for mu in mus]
    runs = _configs_rollout(model, cfgs, noise_r, h0r, record="all", chunk_rows=32)
    intact = runs[i1]  # the first direction's kick row at mu = 1: the intact network
    counts_cache: dict = {}

    def crit_at(cfg_key, run, T_ok, rec, steps_needed):
        cache = counts_cache.setdefault((cfg_key, T_ok), {})
        need = sorted(set(steps_needed) - set(cache))
        if need:
            got = critical_pairs_at(model, run, noise_r, rec, warm, need)
            cache.update(zip(need, got.tolist()))
        return cache

    out_int = intact[2][0, warm:].argmax(-1).numpy()
    peak_intact = float(intact[0][0, warm:].norm(dim=-1).max())
    win_int, _ = _switch_windows(out_int, window, max_switches)
    points = np.unique(np.linspace(0, run_steps - 1, run_points).round().astype(int))
    crit = {}
    for j, (cfg, r) in enumerate(zip(cfgs, runs)):
        pre = r[1][0, warm:]
        bad = ~torch.isfinite(pre).all(-1) | ~torch.isfinite(r[2][0, warm:]).all(-1)
        T_ok = int(bad.float().argmax()) if bool(bad.any()) else len(pre)  # a run that overflows ends there
        pre = pre[:T_ok]
        out = r[2][0, warm:warm + T_ok].argmax(-1).numpy()
        blown = float(bool(bad.any()) or not float(r[0][0].abs().max()) <= BLOW_UP)
        peak = float(r[0][0, warm:].norm(dim=-1).nan_to_num(float("inf")).max()) / peak_intact
        rec = cfg[0]
        key = _key(cfg, H)[0]
        wins, n_sw = _switch_windows(out, window, max_switches)
        paper_wins = wins if len(wins) >= 2 else [w for w in win_int if w.stop <= T_ok]
        pts = points[points < T_ok].tolist()
        cache = crit_at(key, r, T_ok, rec, [t for w in wins + paper_wins for t in w] + pts)
        own = [sum(cache[t] for t in w) for w in wins]
        pap = [sum(cache[t] for t in w) for w in paper_wins]
        crit[j] = (float(np.mean(own)) if own else float("nan"), float(np.std(own)) if own else 0.0, n_sw,
                   float(np.mean(pap)) if pap else float("nan"),
                   float(np.mean([cache[t] for t in pts])) if pts else float("nan"), blown, peak)

    # ---- rates, overshoot, search judged on the evaluation starts, example trajectories
    result = {}
    j0 = 0
    for d, p in prepared.items():
        a, c = p["a"], p["c"]
        in_a, in_c = deep_t & torch.from_numpy(out_f == a), deep_t & torch.from_numpy(out_f == c)
        if bool(in_c.any()):
            ma, mc = states[in_a].mean(0), states[in_c].mean(0)
            u = (mc - ma) / (mc - ma).norm()
            thr = float(np.percentile((states[in_c] @ u).numpy(), overshoot_q))
        else:  # no deep cluster of the target output: the overshoot is undefined (NaN), the rest is not
            u, thr = torch.zeros(model.state_size), float("nan")
        if model.state_size == H:  # the readout sees the whole state: the projection is one more readout row
            probe, project = _probe(model, u.numpy()), None
        else:  # the LSTM: its readout sees h, the direction lies in the full state cat(h, c)
            probe, project = model, u
        rcfgs = [_config(m, pops[d][m], H, mu) for m in manips for mu in mus]
        prefixes = p["search"]["neurons"]
        rcfgs += [_config("kick", prefixes[:k], H, 0.0) for k in range(1, len(prefixes) + 1)]
        outs = _configs_rollout(probe, rcfgs, p["noise"], p["h0"], record="logits", project=project)
        O = model.outputs
        rate_hits = [hazard(lg[..., :O], a, c) for _, _, lg in outs]
        base, n_base = rate_hits[i1]
        if n_base < min_hits:
            raise ClaimError(f"{d}: only {n_base} intact switches from {len(p['h0'])} cluster rollouts")
        curves = {}
        for mi, m in enumerate(manips):
            sl = range(mi * len(mus), (mi + 1) * len(mus))
            rate = np.array([rate_hits[k][0] for k in sl])
            osh = np.array([_overshoot(outs[k][2][..., :O].argmax(-1).numpy(), outs[k][2][..., O].numpy(), a, c,
                                       thr, overshoot_window) for k in sl])
            cr = [crit[j0 + k] for k in sl]
            curves[m] = MuCurve(mu=mus.copy(), rate=rate, rate_ratio=rate / base,
                                hits=np.array([rate_hits[k][1] for k in sl]),
                                critical_mean=np.array([x[0] for x in cr]), critical_std=np.array([x[1] for x in cr]),
                                n_switches=np.array([x[2] for x in cr]), critical_paper=np.array([x[3] for x in cr]),
                                critical_run=np.array([x[4] for x in cr]), overshoot=osh,
                                diverged=np.array([_blown(outs[k][2][..., :O]) for k in sl]),
                                run_diverged=np.array([x[5] for x in cr]), run_peak=np.array([x[6] for x in cr]))
        j0 += len(manips) * len(mus)
        srch = dict(p["search"])
        if prefixes:
            ratios = [rate_hits[len(manips) * len(mus) + k][0] / base for k in range(len(prefixes))]
            srch["ratios"] = [round(float(x), 5) for x in ratios]
            srch["trap_size"] = next((k + 1 for k, x in enumerate(ratios) if x <= trap), None)
        result[d] = MuSweep(direction=d, group=p["group"], integrating=p["integrating"], control=control,
                            curves=curves, grid=grid,
                            example=_example(model, p, pca, seed_for(seed, f"mu-example-{a}{c}")),
                            search=srch)
    return result


def _pca(states: torch.Tensor, seed: int, n: int = 4000):
    """The PCA(2) plane of up to n of the states [..., S], and those states."""
    X = states.reshape(-1, states.shape[-1]).numpy()
    X = X[np.random.default_rng(seed_for(seed, "mu-pca")).permutation(len(X))[:n]]
    return pca_plane(X), X


def _example(model: RNN, p: dict, pca, seed: int, n: int = 3, steps: int = 60, cloud: int = 1500) -> dict:
    """n trajectories of `steps` steps (start included) under the kick manipulation at mu = 0, 1, 1.9,
    projected on the PC1-PC2 plane of the intact discovery run; plus a cloud of that run's states."""
    fit, X = pca
    h0 = p["h0"][:: max(1, len(p["h0"]) // n)][:n]
    noise = draw_noise(len(h0), steps - 1, model.inputs, seed)
    cfgs = [_config("kick", p["group"], model.hidden, mu) for mu in EXAMPLE_MU]
    rs = _configs_rollout(model, cfgs, noise, h0, record="all")
    traj = np.stack([fit.transform(torch.cat([h0[:, None], r[0]], 1).reshape(-1, model.state_size).numpy())
                     .reshape(n, steps, 2) for r in rs])
    Xc = X[:cloud]
    outs = model.readout(model.activity(torch.from_numpy(Xc).to(model.weight_o.dtype))).argmax(-1).numpy()
    return {"mu": list(EXAMPLE_MU), "traj": traj, "cloud": fit.transform(Xc), "cloud_out": outs}


# ------------------------------------------------------------------ statistics and plot data


def _at(curve: MuCurve, field: str, mu: float) -> float:
    k = np.flatnonzero(np.isclose(curve.mu, mu))
    return float(getattr(curve, field)[k[0]]) if len(k) else float("nan")


def _worst(vals, fn) -> float:
    v = [x for x in vals if x is not None and not np.isnan(x)]
    return float(fn(v)) if v else float("nan")


def paper_statistics(sweeps: dict[str, MuSweep]) -> dict:
    """Flat numbers for the claims, worst over directions (NaN where undefined in every direction)."""
    S = list(sweeps.values())

    def cur(s, m):
        return s.curves.get(m)

    def ratio_of(s, m, field, hi=2.0, lo=1.0):
        x, y = _at(cur(s, m), field, hi), _at(cur(s, m), field, lo)
        return x / y if y else float("nan")

    def pearson(x, y):
        return float(np.corrcoef(x, y)[0, 1]) if np.std(x) > 0 and np.std(y) > 0 else float("nan")

    def log_dev(x):  # ratio farthest from 1 (in log), for "unchanged" claims; NaN if any direction is
        # undefined (e.g. a mu=2 run that never switches because its activity runs away), 0 if any is 0
        if not x or any(r is None or np.isnan(r) for r in x):
            return float("nan")
        if any(r <= 0 for r in x):
            return 0.0
        return float(max(x, key=lambda r: abs(np.log(r))))

    st = {
        # P61: kick-group recurrent drive x 0, rate / intact rate (small = trapped); max over directions
        "kick_mu0_ratio": _worst([_at(cur(s, "kick"), "rate_ratio", 0) for s in S], max),
        # P62: integrating population's input drive x 0, rate / intact; max over directions
        "integrating_mu0_ratio": _worst([_at(cur(s, "integrating"), "rate_ratio", 0) for s in S], max),
        # P63: Pearson correlation of the kick and integrating rate-ratio curves over mu; min over directions
        "mirror_correlation": _worst([pearson(cur(s, "kick").rate_ratio, cur(s, "integrating").rate_ratio)
                                      for s in S], min),
        # P63: largest |kick - integrating| rate ratio at any mu; max over directions
        "mirror_max_gap": _worst([float(np.max(np.abs(cur(s, "kick").rate_ratio - cur(s, "integrating").rate_ratio)))
                                  for s in S], max),
        # P64: critical pairs per +-15-step switch window at mu=0 (NaN: the run never switched); max over directions
        "kick_critical_mu0": _worst([_at(cur(s, "kick"), "critical_mean", 0) for s in S], max),
        # P64: the same at mu=1 (intact); min over directions
        "kick_critical_mu1": _worst([_at(cur(s, "kick"), "critical_mean", 1) for s in S], min),
        # P64: output switches of the 1000-step run at mu=0 (0 = trapped); max over directions
        "kick_switches_mu0": _worst([_at(cur(s, "kick"), "n_switches", 0) for s in S], max),
        # P64: the authors' fallback (intact run's switch windows when < 2 own switches) at mu=0; max
        "kick_critical_paper_mu0": _worst([_at(cur(s, "kick"), "critical_paper", 0) for s in S], max),
        # P64: critical pairs per step over the whole run, mu=0 and mu=1 (intact); max / min over directions
        "kick_critical_run_mu0": _worst([_at(cur(s, "kick"), "critical_run", 0) for s in S], max),
        "kick_critical_run_mu1": _worst([_at(cur(s, "kick"), "critical_run", 1) for s in S], min),
        # P64 for the integrating manipulation: switch-window critical pairs and per-step run count at mu=0; max
        "integrating_critical_mu0": _worst([_at(cur(s, "integrating"), "critical_mean", 0) for s in S], max),
        "integrating_critical_run_mu0": _worst([_at(cur(s, "integrating"), "critical_run", 0) for s in S], max),
        # P66: kick recurrent drive x 2, rate / intact (> 1 = acceleration); min over directions
        "kick_mu2_ratio": _worst([_at(cur(s, "kick"), "rate_ratio", 2) for s in S], min),
        # P67: integrating input drive x 2, rate / intact; min over directions
        "integrating_mu2_ratio": _worst([_at(cur(s, "integrating"), "rate_ratio", 2) for s in S], min),
        # P66: overshoot fraction at mu=2 minus at mu=1 (kick); min over directions
        "kick_overshoot_gain": _worst([_at(cur(s, "kick"), "overshoot", 2) - _at(cur(s, "kick"), "overshoot", 1)
                                       for s in S], min),
        "kick_overshoot_mu2": _worst([_at(cur(s, "kick"), "overshoot", 2) for s in S], min),
        "kick_overshoot_mu1": _worst([_at(cur(s, "kick"), "overshoot", 1) for s in S], max),
        # P67: the same for the integrating manipulation; min over directions
        "integrating_overshoot_gain": _worst([_at(cur(s, "integrating"), "overshoot", 2)
                                              - _at(cur(s, "integrating"), "overshoot", 1) for s in S], min),
        # P66/P69 caveat: fraction of the kick mu=2 rate rollouts, and whether the kick mu=2 critical-pair run
        # (1.0 = yes), whose activity blows up (> BLOW_UP); max over directions
        "kick_diverged_mu2": _worst([_at(cur(s, "kick"), "diverged", 2) for s in S], max),
        "kick_run_diverged_mu2": _worst([_at(cur(s, "kick"), "run_diverged", 2) for s in S], max),
        # P66/P69 caveat: peak |h| of the kick mu=2 critical-pair run / intact peak; max over directions
        "kick_run_peak_mu2": _worst([_at(cur(s, "kick"), "run_peak", 2) for s in S], max),
        # P69: kick critical_mean at mu=2 / mu=1, the direction farthest from 1 (NaN if undefined anywhere)
        "critical_mu2_over_mu1": log_dev([ratio_of(s, "kick", "critical_mean") for s in S]),
        # P69: the same with critical pairs per step over the run
        "critical_run_mu2_over_mu1": log_dev([ratio_of(s, "kick", "critical_run") for s in S]),
        # control: max - min of the control rate ratio over mu; max over directions
        "control_rate_range": _worst([float(np.ptp(cur(s, "control").rate_ratio)) for s in S], max),
        # control: max - min of control critical pairs per step over the run, relative to mu=1; max
        "control_critical_range": _worst([float(np.ptp(cur(s, "control").critical_run)
                                                / max(_at(cur(s, "control"), "critical_run", 1), 1e-12)) for s in S], max),
        # P71 / searched group: held-out mu=0 (recurrent) ratio of the searched triplet; max over directions
        "searched_mu0_ratio": _worst([_at(cur(s, "kick_searched"), "rate_ratio", 0) if "kick_searched" in s.curves
                                      else float("nan") for s in S], max),
        # smallest searched group size (1..max_size) whose held-out ratio <= trap; max over directions, NaN if none
        "searched_trap_size": (float("nan") if any(s.search.get("trap_size") is None for s in S)
                               else float(max(s.search["trap_size"] for s in S))),
        "directions": len(S),
    }
    return st


def per_direction(sweeps: dict[str, MuSweep]) -> dict:
    """Rounded per-direction numbers for the report: groups, search and every curve."""
    out = {}
    for d, s in sweeps.items():
        out[d] = {"group": s.group, "integrating_size": len(s.integrating), "control_size": len(s.control),
                  "search": s.search,
                  "curves": {m: {f: np.round(getattr(c, f).astype(float), 4).tolist()
                                 for f in ("mu", "rate_ratio", "critical_mean", "critical_run", "n_switches", "overshoot")}
                             for m, c in s.curves.items()}}
    return out


def plot_data(sweeps: dict[str, MuSweep]) -> dict:
    """The dict figures.mu_sweep draws: per direction the example trajectories and the three curves."""
    rows = {}
    for d, s in sweeps.items():
        rows[d] = {"example": {k: (np.asarray(v) if k != "mu" else list(v)) for k, v in s.example.items()},
                   "mu": np.asarray(next(iter(s.curves.values())).mu),
                   "rate_ratio": {m: np.asarray(c.rate_ratio) for m, c in s.curves.items()},
                   "critical_mean": {m: np.asarray(c.critical_mean) for m, c in s.curves.items()},
                   "critical_std": {m: np.asarray(c.critical_std) for m, c in s.curves.items()},
                   "critical_run": {m: np.asarray(c.critical_run) for m, c in s.curves.items()}}
    return {"directions": rows}
