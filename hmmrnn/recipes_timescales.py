"""Recipes of the claims of time scales and self-induced stochastic resonance (see recipes.py).

Shared per checkpoint (Subject.shared): the kick groups and zone map of the other claims, one noise run at
s = 1 with the activity of the kick groups and integrating populations (time-scales.resonance), and two
scans of the dwell over the input scale: ``paired`` (the same noise draws scaled, the strict readings) and
fresh draws per scale (the authors' habit, the paper readings); kick.noise-equivalence reuses both scans.
"""
from __future__ import annotations

import math

from .analysis import connectivity, mu_sweep, timescales as ts
from .cells import unit_weights
from .checkpoint import load
from .controls import bifurcation_epoch
from .errors import ClaimError
from .subject import kick_groups, noise_paper, noise_strict, zone_map
from .rnn import Intervention
from .runs import epoch_of, evolution_series, run_history

POP_SIZE = 70  # the paper's integrating populations: 70 neurons, two groups of about 35
MAX_CHECKPOINTS = 6  # evolution checkpoints read by the whole-run claim (the first one and 5 after the descent; 10 cost
# 98 s of a CI run's claims, 6 about 60)


def kick_pair(s) -> tuple[dict, dict]:
    """({direction: kick group}, {direction: the integrating population that drives it}) for the first pair of
    opposite switch directions among the discovered kick groups (connectivity.integrating_populations with 70
    neurons: the first population excites the first group, the second the second); ClaimError without one."""
    groups = kick_groups(s).neurons_by_direction()
    pair = ts.opposite_pair(groups)
    if pair is None:
        found = ", ".join(f"{a}->{c}" for a, c in sorted(groups))
        raise ClaimError(f"no pair of opposite switch directions among the kick groups (found {found})")
    A, B = groups[pair[0]], groups[pair[1]]
    P, Q = connectivity.integrating_populations(unit_weights(s.model).numpy(), A, B, POP_SIZE)
    return {pair[0]: A, pair[1]: B}, {pair[0]: P, pair[1]: Q}


def scan(s, paired: bool) -> ts.Scan:
    return s.shared(ts.scale_scan, s.model, scales=ts.SCALES, paired=paired)


def _dynamics(s) -> tuple[dict, dict, dict]:
    kick, pops = kick_pair(s)
    return kick, pops, s.shared(ts.population_dynamics, s.model, kick=kick, populations=pops)


def _composite(s, reading: str) -> dict:
    """P73's other parts, from the claims that decide them: passages cluster -> transition through a kick zone
    (the residency claim's zone map, P44) and the noise sensitivity of clusters against transitions (the noise
    claim's statistics of this reading, P48). A part that cannot be measured is NaN with its reason."""
    nan = float("nan")
    out, missing = {}, []
    try:
        out["passages_via_kick_fraction"] = zone_map(s).statistics["passages_via_kick_fraction"]
    except ClaimError as e:
        out["passages_via_kick_fraction"] = nan
        missing.append(f"zone map: {e}")
    try:
        if reading == "strict":
            n = noise_strict(s)
            out.update(cluster_over_transition=n["cluster_over_transition"], mannwhitney_p=n["mannwhitney_p"])
        else:
            out["trace_cluster_over_transition"] = noise_paper(s)["trace_cluster_over_transition"]
    except ClaimError as e:
        out.update(dict.fromkeys(("cluster_over_transition", "mannwhitney_p") if reading == "strict"
                                 else ("trace_cluster_over_transition",), nan))
        missing.append(f"noise sensitivity: {e}")
    if missing:
        out["p73_unmeasured"] = "; ".join(missing)
    return out


def resonance(s, paired: bool) -> dict:
    kick, pops, dyn = _dynamics(s)
    sc = scan(s, paired)
    res = ts.resonance(sc, s.seed)
    stats = {**ts.summarise_dynamics(dyn), **res, **_composite(s, "strict" if paired else "paper"),
             "kick_groups": {f"{a}->{c}": g for (a, c), g in kick.items()},
             "population_sizes": [len(p) for p in pops.values()],
             "per_direction": dyn["per_direction"]}
    stats["_plot"] = {"scan": {k: res[k] for k in ("scales", "mean_dwell", "dwell_cv", "markov_cv", "dwell_cv_se",
                                                     "paired_noise")},
                      "lags": dyn["lags"], "directions": dyn["plot"], "phase_bins": ts.PHASE_BINS}
    return stats


def resonance_strict(s):
    return resonance(s, paired=True)


def resonance_paper(s):
    return resonance(s, paired=False)


def manipulations(s, kick: dict) -> dict[str, Intervention]:
    """Per direction of the kick pair, the paper's two amplifications at mu = 2 (mu_sweep's definitions): the
    recurrent drive into the kick group, and the input drive into its integrating population (the 60 strongest
    inputs of each of its kick neurons, the group removed)."""
    W = unit_weights(s.model).numpy()
    H = s.model.hidden
    out = {}
    for (a, c), g in kick.items():
        out[f"kick {a}->{c}"] = Intervention.on(g, H, 2.0, kind="recurrent")
        out[f"population {a}->{c}"] = Intervention.on(mu_sweep.integrating_population(W, g), H, 2.0, kind="input")
    return out


def equivalence(s, paired: bool) -> dict:
    kick, _ = kick_pair(s)
    sc = scan(s, paired)
    eq = ts.noise_equivalence(s.model, s.seed, sc, manipulations(s, kick))
    eq["intact_dwell_kruskal_p"] = ts.dwell_kruskal(sc)
    eq["paired_noise"] = paired
    eq["_plot"] = {"scales": list(sc.scales), "intact_dwell": list(sc.mean_dwell), "paired_noise": paired,
                   "per_manipulation": eq["per_manipulation"]}
    return eq


def equivalence_strict(s):
    return equivalence(s, paired=True)


def equivalence_paper(s):
    return equivalence(s, paired=False)


def _series(path: str, seed: int) -> dict:
    """The checkpoints of the run that wrote ``path`` the whole-run claim reads: the first evolution checkpoint
    and at most MAX_CHECKPOINTS - 1 evenly spaced ones from the loss's second descent on (the last included),
    loaded; the descent epoch from the loss alone (controls.bifurcation_epoch). ``seed``: unused (Subject.shared)."""
    meta = load(path).meta
    paths = evolution_series(path, meta)
    if len(paths) < 4:
        raise ClaimError(f"{path}: needs evolution checkpoints in evolution/ beside it, found {len(paths)}")
    history = run_history(path, meta)
    if not history:
        raise ClaimError(f"{path}: no loss history in its metadata")
    try:
        descent = bifurcation_epoch(history)
    except ValueError as e:
        raise ClaimError(f"{path}: {e}") from None
    epochs = [epoch_of(p) for p in paths]
    after = [i for i, e in enumerate(epochs) if e >= descent]
    pick = sorted({0, *(after[j] for j in ts.thin(len(after), MAX_CHECKPOINTS - 1))})
    return {"epochs": [epochs[i] for i in pick], "models": [load(paths[i]).model for i in pick],
            "descent_epoch": descent, "available": len(paths)}


def over_training(s, paired: bool) -> dict:
    _, pops = kick_pair(s)  # the final network's populations, followed back through training
    series = s.shared(_series, s.path)
    out = s.shared(ts.over_training, series["epochs"], series["models"], populations=list(pops.values()),
                   since=series["descent_epoch"], paired=paired)
    rows = out["rows"]
    stats = {k: v for k, v in out.items() if k != "rows"}
    stats.update(descent_epoch=series["descent_epoch"], evolution_checkpoints=series["available"],
                 paired_noise=paired,
                 per_checkpoint={str(r["epoch"]): {k: (round(v, 4) if isinstance(v, float) and math.isfinite(v) else v)
                                                   for k, v in r.items() if k != "epoch"} for r in rows})
    stats["_plot"] = {"rows": rows, "scales": list(ts.SCALES), "descent_epoch": series["descent_epoch"],
                      "paired_noise": paired}
    return stats


def over_training_strict(s):
    return over_training(s, paired=True)


def over_training_paper(s):
    return over_training(s, paired=False)


RECIPES: dict = {
    ("time-scales.resonance", "strict"): resonance_strict,
    ("time-scales.resonance", "paper"): resonance_paper,
    ("kick.noise-equivalence", "strict"): equivalence_strict,
    ("kick.noise-equivalence", "paper"): equivalence_paper,
    ("time-scales.over-training", "strict"): over_training_strict,
    ("time-scales.over-training", "paper"): over_training_paper,
}
