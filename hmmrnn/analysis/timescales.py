"""Paper 5 and 6: time scales of the mechanism and self-induced stochastic resonance (P38, P59, P68, P72-P77).

The paper's picture: slow integrating populations accumulate the input noise over a dwell in a cluster
until the fast kick neurons open the gate and a nearly deterministic transition follows; the period (the
dwell between output switches) is "set by noise variance and slow integration", and the switching
"resembles self-induced stochastic resonance". What is measured here, on long noise-driven runs:

- dwell: the number of steps between two consecutive switches of the argmax output (complete dwells only:
  the stretch before a row's first switch and after its last are censored and left out);
- the coefficient of variation (CV) of the dwells at each input scale s (coherence resonance: a CV that is
  U-shaped in s), against a memoryless (Markov) switcher with the same switch rate at each s, whose dwells
  are geometric (CV = sqrt(1 - p), about 1);
- the autocorrelation time of a group's activity: the lag at which the autocorrelation function first falls
  below 1/e (linearly interpolated; an AR(1) process x_t = phi x_{t-1} + e_t gives -1/ln(phi));
- switch-aligned averages of the kick group's and the integrating population's activity, their onset (lag of
  the half rise from the trough before the peak), 10-90% rise time and peak lag, and a dwell-normalised
  profile (each dwell cut into PHASE_BINS bins of equal share) whose rank correlation with the phase is the ramp.

Positive homogeneity (REFERENCE.md section 4): a bias-free ReLU net run from h0 = 0 with the noise x s
visits s times the states of the noise x 1, so its argmax outputs, and with them every dwell, are the same
at every s. With the same noise draws at every s (``paired``) the dwell statistics are exactly flat in s;
``paired=False`` draws fresh noise per s (the authors' habit) and shows sampling variation only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy.stats import kruskal, rankdata, spearmanr

from ..rnn import RNN, Intervention, draw_noise, rollout
from .common import require_finite, seed_for

SCALES = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0)  # the input-noise s.d. grid of the resonance scan
LAGS = np.arange(-30, 11)  # switch-aligned averages: lag 0 is the first step of the new output
MIN_DWELL = 10  # dwells shorter than this are not aligned on (their window is mostly the previous dwell)
PHASE_BINS = 10
MAX_LAG = 200  # autocorrelation functions are read up to this lag
PLOT_LAGS = 60  # the lags of the autocorrelation functions kept for the figure
WARMUP = 20


# ---------------------------------------------------------------- plain statistics


def autocorrelation(x: np.ndarray, max_lag: int = MAX_LAG) -> np.ndarray:
    """Autocorrelation function [max_lag + 1] of stationary series x [B, T] (rows are independent runs of one
    process): the row-summed biased autocovariance about the grand mean, over its value at lag 0. NaN when x
    does not vary."""
    x = np.asarray(x, dtype=float)
    x = x - x.mean()
    T = x.shape[1]
    f = np.fft.rfft(x, 2 * T, axis=1)
    ac = np.fft.irfft(f * np.conj(f), 2 * T, axis=1)[:, :min(max_lag, T - 1) + 1].sum(0)
    if not ac[0] > 1e-12 * max(1.0, float((x ** 2).size)):
        return np.full(len(ac), np.nan)
    return ac / ac[0]


def autocorrelation_time(acf: np.ndarray) -> float:
    """First lag at which acf falls below 1/e, linearly interpolated between the two lags around it; NaN
    when it never does within the lags given (or acf is NaN)."""
    below = np.nonzero(acf < np.exp(-1))[0]
    if not len(below) or np.isnan(acf[0]):
        return float("nan")
    k = int(below[0])
    a, b = acf[k - 1], acf[k]
    return float(k - 1 + (a - np.exp(-1)) / (a - b))


def row_dwells(outputs: np.ndarray) -> list[np.ndarray]:
    """Complete dwells (steps between consecutive switches of the argmax output) of each row of outputs [B, T]."""
    return [np.diff(np.nonzero(row[1:] != row[:-1])[0]) for row in np.asarray(outputs)]


def dwells(outputs: np.ndarray) -> np.ndarray:
    """The complete dwells of every row of outputs [B, T], pooled."""
    rows = row_dwells(outputs)
    return np.concatenate(rows) if rows else np.zeros(0, dtype=int)


def cv(x: np.ndarray) -> float:
    """Coefficient of variation (s.d. / mean); NaN for fewer than 2 values."""
    x = np.asarray(x, dtype=float)
    return float(x.std() / x.mean()) if len(x) > 1 and x.mean() > 0 else float("nan")


def bootstrap_se(rows: list[np.ndarray], fn, rng: np.random.Generator, n: int = 200) -> float:
    """Standard error of fn(pooled values) over n bootstrap resamples of the rows (independent runs; the dwells
    within a run are serially correlated, so the run is the unit resampled); NaN for fewer than 2 rows."""
    if len(rows) < 2 or not sum(len(r) for r in rows):
        return float("nan")
    return float(np.std([fn(np.concatenate([rows[i] for i in rng.integers(0, len(rows), len(rows))]))
                         for _ in range(n)]))


def markov_dwells(mean_dwell: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """n dwells of a memoryless switcher that leaves its state with probability 1/mean_dwell per step
    (geometric, support 1, 2, ...; CV sqrt(1 - p))."""
    if not np.isfinite(mean_dwell) or mean_dwell < 1 or n < 1:
        return np.zeros(0)
    return rng.geometric(1.0 / mean_dwell, size=n).astype(float)


def u_shape(values) -> tuple[bool, float]:
    """(minimum strictly inside the grid, depth): the depth is the lower end's excess over the interior minimum,
    positive only when both ends lie above it (a U); NaN where values are missing. On a flat curve argmin
    takes the first point: not interior, depth 0."""
    v = np.asarray(values, dtype=float)
    if len(v) < 3 or np.isnan(v).any():
        return False, float("nan")
    k = int(np.argmin(v))
    return bool(0 < k < len(v) - 1), float(min(v[0], v[-1]) - v[1:-1].min())


def log_slope(scales, values) -> float:
    """Least-squares slope of log(values) against log(scales) (NaN with a non-positive or missing value)."""
    v = np.asarray(values, dtype=float)
    if np.isnan(v).any() or (v <= 0).any():
        return float("nan")
    return float(np.polyfit(np.log(scales), np.log(v), 1)[0])


def relative_range(values) -> float:
    """(max - min) / mean of values (NaN with a missing value)."""
    v = np.asarray(values, dtype=float)
    return float((v.max() - v.min()) / v.mean()) if not np.isnan(v).any() and v.mean() > 0 else float("nan")


def spearman(x, y, permutations: int = 20000, seed: int = 0) -> tuple[float, float]:
    """Spearman rank correlation over the pairs where both are finite, and its one-sided permutation p-value
    against no positive association ((1 + permutations at least as large) / (1 + permutations): valid for the
    few checkpoints of a run, where the t approximation is not: 3 pairs in perfect order give 1/6, not 0);
    (NaN, NaN) for fewer than 3 pairs or a constant."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3 or np.ptp(x[ok]) == 0 or np.ptp(y[ok]) == 0:
        return float("nan"), float("nan")
    rho = float(spearmanr(x[ok], y[ok]).statistic)
    rx, ry = rankdata(x[ok]), rankdata(y[ok])
    perm = np.random.default_rng(seed).permuted(np.tile(ry, (permutations, 1)), axis=1)
    rx, perm = rx - rx.mean(), perm - perm.mean(1, keepdims=True)
    null = perm @ rx / np.sqrt((perm ** 2).sum(1) * (rx ** 2).sum())
    return rho, float((1 + np.sum(null >= rho - 1e-12)) / (1 + permutations))


# ---------------------------------------------------------------- switch-aligned activity


def switch_events(outputs: np.ndarray, a: int, c: int, min_dwell: int = MIN_DWELL,
                  lags: np.ndarray = LAGS) -> tuple[list[tuple[int, int]], list[tuple[int, int, int]]]:
    """Switches a -> c of outputs [B, T] that end a complete dwell of at least min_dwell steps: (row, first step
    of c) of those whose whole lag window lies inside the run, and (row, first step, last step + 1) of their dwells."""
    events, spans = [], []
    T = outputs.shape[1]
    for b, row in enumerate(np.asarray(outputs)):
        t = np.nonzero(row[1:] != row[:-1])[0] + 1  # first step of each new output
        for start, end in zip(t[:-1], t[1:]):
            if row[end - 1] != a or row[end] != c or end - start < min_dwell:
                continue
            spans.append((b, int(start), int(end)))
            if end + lags[0] >= 0 and end + lags[-1] < T:
                events.append((b, int(end)))
    return events, spans


def aligned(x: np.ndarray, events: list[tuple[int, int]], lags: np.ndarray = LAGS) -> np.ndarray:
    """Mean of x [B, T] at each lag [len(lags)] around the events (row, step); NaN without events."""
    if not events:
        return np.full(len(lags), np.nan)
    b = np.array([e[0] for e in events])
    t = np.array([e[1] for e in events])
    return x[b[:, None], t[:, None] + lags[None]].mean(0)


def phase_profile(x: np.ndarray, spans: list[tuple[int, int, int]], bins: int = PHASE_BINS) -> np.ndarray:
    """Mean of x [B, T] over each of `bins` equal shares of every dwell span (row, start, end), dwells weighted
    equally [bins]; NaN without spans."""
    if not spans:
        return np.full(bins, np.nan)
    prof = np.zeros(bins)
    for b, s, e in spans:
        ph = np.minimum((np.arange(e - s) * bins) // (e - s), bins - 1)
        prof += np.bincount(ph, weights=x[b, s:e], minlength=bins) / np.bincount(ph, minlength=bins)
    return prof / len(spans)


def rise(profile: np.ndarray, lags: np.ndarray = LAGS) -> dict:
    """Shape of a switch-aligned average: peak lag, trough (minimum before the peak), onset (lag where it first
    reaches half the rise from trough to peak, interpolated), 10-90% rise time; NaN without a rise."""
    p = np.asarray(profile, dtype=float)
    nan = float("nan")
    if np.isnan(p).any():
        return {"peak_lag": nan, "onset": nan, "rise_time": nan, "amplitude": nan}
    k = int(np.argmax(p))
    j = int(np.argmin(p[:k + 1]))
    amp = p[k] - p[j]
    if amp <= 0:
        return {"peak_lag": float(lags[k]), "onset": nan, "rise_time": nan, "amplitude": 0.0}

    def crossing(frac):
        level = p[j] + frac * amp
        i = j + int(np.argmax(p[j:k + 1] >= level))
        if i == j:
            return float(lags[j])
        return float(lags[i - 1] + (level - p[i - 1]) / (p[i] - p[i - 1]) * (lags[i] - lags[i - 1]))
    return {"peak_lag": float(lags[k]), "onset": crossing(0.5), "rise_time": crossing(0.9) - crossing(0.1),
            "amplitude": float(amp)}


# ---------------------------------------------------------------- noise-driven runs


def _noise(model: RNN, seed: int, batch: int, steps: int, purpose: str) -> torch.Tensor:
    return draw_noise(batch, steps + WARMUP, model.inputs, seed_for(seed, purpose))


@torch.no_grad()
def _outputs(model: RNN, noise: torch.Tensor, intervention: Intervention | None = None) -> np.ndarray:
    """Argmax outputs [B, T] of a run from h0 = 0 on the given noise, warm-up dropped."""
    lg = rollout(model, noise, intervention=intervention, record="logits").logits
    require_finite(lg, "noise-driven logits", bound=float("inf"))
    return lg[:, WARMUP:].argmax(-1).numpy()


@dataclass(frozen=True, eq=False)
class Scan:
    """Dwell statistics of one noise-driven run (batch x steps) per input scale; every list is [len(scales)]."""

    scales: tuple
    paired: bool  # the same noise draws at every scale (else fresh draws per scale)
    mean_dwell: list
    cv: list
    n_dwells: list
    rows: list  # the dwells themselves: per scale, one array per row (run)
    agreement: list  # fraction of steps whose output equals the output at s = 1 (paired scans only; else NaN)


@torch.no_grad()
def scale_scan(model: RNN, seed: int, scales=SCALES, batch: int = 32, steps: int = 2000, paired: bool = True,
               intervention: Intervention | None = None) -> Scan:
    """Dwells of the argmax output at each input scale s (noise x s, h0 = 0). ``paired``: the same draws scaled
    (common random numbers: homogeneity makes every statistic identical); else fresh draws per scale."""
    base = _noise(model, seed, batch, steps, "ts-scan") if paired else None
    ref = _outputs(model, base, intervention) if paired else None
    per = []
    for k, s in enumerate(scales):
        if paired:
            out = ref if s == 1.0 else _outputs(model, base * s, intervention)
        else:
            out = _outputs(model, _noise(model, seed, batch, steps, f"ts-scan-{k}") * s, intervention)
        per.append((row_dwells(out), float((out == ref).mean()) if paired else float("nan")))
    d = [np.concatenate(p[0]) for p in per]
    return Scan(tuple(scales), paired, [float(x.mean()) if len(x) else float("nan") for x in d],
                [cv(x) for x in d], [int(len(x)) for x in d], [p[0] for p in per], [p[1] for p in per])


def resonance(scan: Scan, seed: int, min_dwells: int = 20) -> dict:
    """The coherence-resonance statistics of a scan: CV per scale, its U-shape and depth, the same for a Markov
    switcher with the scan's switch rate at each scale, the CV's bootstrap s.e. over runs (depth in s.e. units),
    the CV at s = 1 over the memoryless switcher's exact one, the mean dwell's range and log-slope, and a
    Kruskal-Wallis test of the runs' mean dwells across scales (P74, P75). Too few dwells (< min_dwells at
    some scale): NaN."""
    rng = np.random.default_rng(seed_for(seed, "ts-markov"))
    enough = all(n >= min_dwells for n in scan.n_dwells)
    cvs = scan.cv if enough else [float("nan")] * len(scan.scales)
    markov = [cv(markov_dwells(m, n, rng)) for m, n in zip(scan.mean_dwell, scan.n_dwells)]
    interior, depth = u_shape(cvs)
    m_interior, m_depth = u_shape(markov)
    se = [bootstrap_se(r, cv, rng) for r in scan.rows]
    k = int(np.nanargmin(cvs)) if enough else 0
    low_end = 0 if cvs[0] <= cvs[-1] else -1
    depth_z = depth / np.hypot(se[k], se[low_end]) if enough and np.hypot(se[k], se[low_end]) > 0 else \
        (0.0 if depth == 0 else float("nan"))
    s1 = scan.scales.index(1.0) if 1.0 in scan.scales else None
    exact_s1 = markov_cv(scan.mean_dwell[s1]) if s1 is not None else float("nan")
    return {
        "scales": list(scan.scales), "paired_noise": scan.paired,
        "mean_dwell": scan.mean_dwell, "dwell_cv": cvs, "n_dwells": scan.n_dwells, "dwell_cv_se": se,
        "markov_cv": markov,
        "cv_argmin_interior": interior, "cv_u_depth": depth, "cv_u_depth_z": float(depth_z),
        "markov_argmin_interior": m_interior, "markov_u_depth": m_depth,
        "cv_u_excess_over_markov": depth - m_depth if np.isfinite(depth) and np.isfinite(m_depth) else float("nan"),
        "dwell_range_rel": relative_range(scan.mean_dwell) if enough else float("nan"),
        "dwell_log_slope": log_slope(scan.scales, scan.mean_dwell) if enough else float("nan"),
        "dwell_kruskal_p": dwell_kruskal(scan),
        "min_output_agreement": float(np.min(scan.agreement)) if scan.paired else float("nan"),
        "mean_dwell_s1": scan.mean_dwell[s1] if s1 is not None else float("nan"),
        "dwell_cv_s1": scan.cv[s1] if s1 is not None else float("nan"),
        "markov_cv_s1": exact_s1,
        "cv_over_markov_s1": scan.cv[s1] / exact_s1 if s1 is not None and exact_s1 > 0 else float("nan"),
    }


def markov_cv(mean_dwell: float) -> float:
    """Exact CV of a memoryless switcher's dwells with this mean: geometric, sqrt(1 - 1 / mean)."""
    return float(np.sqrt(1 - 1 / mean_dwell)) if np.isfinite(mean_dwell) and mean_dwell >= 1 else float("nan")


def dwell_kruskal(scan: Scan) -> float:
    """p-value of a Kruskal-Wallis test that the mean dwell of a run (row) has one distribution at every scale
    (runs are independent, the dwells within one are not); NaN when a scale has no run with a dwell; 1 when
    every run's mean is the same number."""
    groups = [np.array([r.mean() for r in rows if len(r)]) for rows in scan.rows]
    if any(len(g) < 2 for g in groups) or len(groups) < 2:
        return float("nan")
    if np.ptp(np.concatenate(groups)) == 0:  # every run's mean the same number: no ranks to compare
        return 1.0
    return float(kruskal(*groups).pvalue)


# ---------------------------------------------------------------- kick groups and integrating populations


def opposite_pair(groups: dict) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The first pair of opposite switch directions (a, c), (c, a) with a < c among the kick groups (as the
    connectivity claim picks it); None without one."""
    pairs = [(d, (d[1], d[0])) for d in sorted(groups) if (d[1], d[0]) in groups and d[0] < d[1]]
    return pairs[0] if pairs else None


@torch.no_grad()
def population_dynamics(model: RNN, seed: int, kick: dict, populations: dict, batch: int = 32,
                        steps: int = 2000) -> dict:
    """P72, P59, P77 on one noise run at s = 1 (drawn for this analysis, not the kick discovery's run).

    kick: {(a, c): kick neurons of that switch direction}; populations: {(a, c): the integrating population that
    drives that kick group} (both directions of one opposite pair). Per direction: autocorrelation times of the
    group-mean activity and the median over units of each unit's own; the switch-aligned average of the kick
    group's and the population's mean activity (rise, onset, peak); the population's dwell-normalised profile
    over the dwells of a that end a -> c and its rank correlation with the phase (the ramp); the same for the
    other population."""
    noise = _noise(model, seed, batch, steps, "ts-dynamics")
    r = rollout(model, noise, record="all")
    H = require_finite(r.states[:, WARMUP:], f"noise-driven activity over {steps} steps").numpy()
    out = r.logits[:, WARMUP:].argmax(-1).numpy()
    per, plot = {}, {}
    dirs = list(kick)
    for d in dirs:
        a, c = d
        other = [o for o in dirs if o != d][0] if len(dirs) > 1 else d
        k_act = H[:, :, kick[d]].mean(-1)
        p_act = H[:, :, populations[d]].mean(-1) if populations[d] else np.full(H.shape[:2], np.nan)
        q_act = H[:, :, populations[other]].mean(-1) if populations[other] else np.full(H.shape[:2], np.nan)
        events, spans = switch_events(out, a, c)
        kp, pp, qp = aligned(k_act, events), aligned(p_act, events), aligned(q_act, events)
        kr, pr, qr = rise(kp), rise(pp), rise(qp)
        ramp = phase_profile(p_act, spans)
        oramp = phase_profile(q_act, spans)
        per[f"{a}->{c}"] = {
            "events": len(events), "dwells": len(spans),
            "tau_kick": autocorrelation_time(autocorrelation(k_act)),
            "tau_population": autocorrelation_time(autocorrelation(p_act)),
            "tau_kick_units": _unit_tau(H, kick[d]), "tau_population_units": _unit_tau(H, populations[d]),
            "kick_onset": kr["onset"], "kick_rise_time": kr["rise_time"], "kick_peak_lag": kr["peak_lag"],
            "pop_onset": pr["onset"], "pop_rise_time": pr["rise_time"], "pop_peak_lag": pr["peak_lag"],
            "pop_ramp_rho": spearman(np.arange(PHASE_BINS), ramp)[0],
            "pop_late_minus_mid": _late_minus_mid(pp),
            "other_pop_peak_lag": qr["peak_lag"], "other_pop_ramp_rho": spearman(np.arange(PHASE_BINS), oramp)[0],
        }
        plot[f"{a}->{c}"] = {"kick": kp, "population": pp, "other_population": qp, "ramp": ramp, "other_ramp": oramp,
                             "acf_kick": autocorrelation(k_act, PLOT_LAGS), "acf_population": autocorrelation(p_act, PLOT_LAGS)}
    return {"per_direction": per, "lags": LAGS, "plot": plot, "dwell_mean": float(dwells(out).mean())
            if len(dwells(out)) else float("nan")}


def _unit_tau(H: np.ndarray, units: list[int], min_sd: float = 1e-6) -> float:
    """Median over the units (that vary) of each unit's own autocorrelation time; NaN when none varies."""
    taus = [autocorrelation_time(autocorrelation(H[:, :, u])) for u in units if H[:, :, u].std() > min_sd]
    taus = [t for t in taus if np.isfinite(t)]
    return float(np.median(taus)) if taus else float("nan")


def _late_minus_mid(profile: np.ndarray, lags: np.ndarray = LAGS) -> float:
    """Switch-aligned average over the last 5 steps before the switch minus over lags -20..-11 (NaN without one)."""
    late = profile[(lags >= -5) & (lags <= -1)]
    mid = profile[(lags >= -20) & (lags <= -11)]
    return float(late.mean() - mid.mean())


def summarise_dynamics(dyn: dict) -> dict:
    """Worst case over directions of the P72, P59 and P77 statistics (NaN-aware: a direction with no events
    leaves NaN, which fails every threshold)."""
    per = dyn["per_direction"]

    def pick(key, fn=min):
        vals = [r[key] for r in per.values()]
        return float("nan") if any(not np.isfinite(v) for v in vals) else float(fn(vals))

    def both(key_p, key_k):
        return float(np.mean([r[key_p] for r in per.values()])), float(np.mean([r[key_k] for r in per.values()]))
    tp, tk = both("tau_population", "tau_kick")
    tpu, tku = both("tau_population_units", "tau_kick_units")
    gaps = [r["kick_onset"] - r["pop_onset"] for r in per.values()]
    ratios = [r["pop_rise_time"] / r["kick_rise_time"] if r["kick_rise_time"] > 0 else float("nan")
              for r in per.values()]
    return {
        "tau_population": tp, "tau_kick": tk, "tau_ratio": tp / tk if tk > 0 else float("nan"),
        "tau_population_units": tpu, "tau_kick_units": tku,
        "tau_units_ratio": tpu / tku if tku > 0 else float("nan"),
        "min_pop_ramp_rho": pick("pop_ramp_rho"), "max_pop_peak_lag": pick("pop_peak_lag", max),
        "min_pop_late_minus_mid": pick("pop_late_minus_mid"),
        "max_kick_onset": pick("kick_onset", max),
        "min_onset_gap": float("nan") if any(not np.isfinite(g) for g in gaps) else float(min(gaps)),
        "min_rise_ratio": float("nan") if any(not np.isfinite(r) for r in ratios) else float(min(ratios)),
        "min_events": int(min(r["events"] for r in per.values())),
        "dwell_mean_s1": dyn["dwell_mean"],
    }


# ---------------------------------------------------------------- P68: kick and population amplification vs noise


def match_scale(intact: Scan, dwell: float) -> tuple[float, float]:
    """(s, relative error): the scale of the intact scan whose mean dwell is nearest ``dwell``, and
    |dwell - intact dwell there| / intact dwell there. s is NaN when the intact dwell does not change with s
    (relative range below 1e-9: no scale can be told from another), the error is then the same at every s."""
    d = np.asarray(intact.mean_dwell, dtype=float)
    if np.isnan(d).any() or not np.isfinite(dwell):
        return float("nan"), float("nan")
    err = np.abs(dwell - d) / d
    if relative_range(d) < 1e-9:
        return float("nan"), float(err[0])
    k = int(np.argmin(err))
    return float(intact.scales[k]), float(err[k])


def noise_equivalence(model: RNN, seed: int, intact: Scan, manipulations: dict[str, Intervention],
                      batch: int = 32, steps: int = 2000, min_dwells: int = 20) -> dict:
    """P68: the mean dwell of the intact net at s = 1 under each manipulation (name -> Intervention), on the
    intact scan's s = 1 noise when it is paired (the same draws: a paired comparison), else on fresh draws;
    each matched to the intact scan's scale with the nearest dwell. A manipulation that leaves fewer than
    min_dwells dwells is ``trapped``, one whose activity runs away ``diverged`` (no dwell, no match: NaN).
    The worst manipulation decides."""
    per = {}
    from ..errors import ModelDiverged
    for name, iv in manipulations.items():
        try:
            if intact.paired:
                sc = scale_scan(model, seed, scales=(1.0,), batch=batch, steps=steps, intervention=iv)
            else:
                sc = scale_scan(model, seed_for(seed, f"ts-equiv-{name}"), scales=(1.0,), batch=batch, steps=steps,
                                paired=False, intervention=iv)
        except ModelDiverged:  # the amplified net runs away: no dwell to match, like a trapped one
            per[name] = {"mean_dwell": float("nan"), "dwell_cv": float("nan"), "n_dwells": 0, "trapped": False,
                         "diverged": True, "matched_s": float("nan"), "match_error": float("nan")}
            continue
        trapped = sc.n_dwells[0] < min_dwells  # (almost) no switches left: no dwell to match
        dwell = float("nan") if trapped else sc.mean_dwell[0]
        s, err = match_scale(intact, dwell)
        per[name] = {"mean_dwell": dwell, "dwell_cv": float("nan") if trapped else sc.cv[0],
                     "n_dwells": sc.n_dwells[0], "trapped": trapped, "diverged": False, "matched_s": s,
                     "match_error": err}
    errs = [r["match_error"] for r in per.values()]
    ss = [r["matched_s"] for r in per.values()]
    return {"per_manipulation": per,
            "max_match_error": float("nan") if any(not np.isfinite(e) for e in errs) else float(max(errs)),
            "min_matched_s": float("nan") if any(not np.isfinite(x) for x in ss) else float(min(ss)),
            "intact_dwell": list(intact.mean_dwell), "scales": list(intact.scales),
            "intact_dwell_range_rel": relative_range(intact.mean_dwell)}


# ---------------------------------------------------------------- P38, P76: over a run's training


@torch.no_grad()
def population_tau(model: RNN, seed: int, populations: list[list[int]], batch: int = 16, steps: int = 1000) -> dict:
    """Mean over the populations of the group-mean activity's autocorrelation time, and the mean dwell, on one
    noise run at s = 1 (for checkpoints along training, with the final network's populations)."""
    noise = _noise(model, seed, batch, steps, "ts-training")
    r = rollout(model, noise, record="all")
    H = r.states[:, WARMUP:]
    if not torch.isfinite(H).all():
        return {"tau_population": float("nan"), "mean_dwell": float("nan")}
    H = H.numpy()
    out = r.logits[:, WARMUP:].argmax(-1).numpy()
    taus = [autocorrelation_time(autocorrelation(H[:, :, p].mean(-1))) for p in populations if p]
    d = dwells(out)
    return {"tau_population": float(np.mean(taus)) if taus else float("nan"),
            "mean_dwell": float(d.mean()) if len(d) >= 20 else float("nan")}


def over_training(epochs: list[int], models: list[RNN], seed: int, populations: list[list[int]], since: int = 0,
                  scales=SCALES, batch: int = 16, steps: int = 1000, paired: bool = True) -> dict:
    """Per checkpoint (oldest first): the resonance statistics of a scale scan and the population time scale
    with the mean dwell; P38: whether the late net sits nearer the CV minimum at s = 1 than the early one
    (excess = CV(s = 1) - min over s of the CV) and has a U at all; P76: the rank correlation of the population
    autocorrelation time with the mean dwell across the checkpoints from epoch ``since`` on (and across all)."""
    rows = []
    for e, m in zip(epochs, models):
        try:
            res = resonance(scale_scan(m, seed, scales, batch, steps, paired=paired), seed)
        except Exception as err:  # a checkpoint whose activity diverges has no dwells: NaN, not an error
            from ..errors import ModelDiverged
            if not isinstance(err, ModelDiverged):
                raise
            res = {"dwell_cv": [float("nan")] * len(scales), "cv_u_depth": float("nan"),
                   "cv_u_depth_z": float("nan"), "cv_argmin_interior": False}
        cvs = np.asarray(res["dwell_cv"], dtype=float)
        k1 = list(scales).index(1.0)
        excess = float(cvs[k1] - cvs.min()) if not np.isnan(cvs).any() else float("nan")
        rows.append({"epoch": int(e), "dwell_cv": res["dwell_cv"], "cv_u_depth": res["cv_u_depth"],
                     "cv_u_depth_z": res["cv_u_depth_z"], "cv_argmin_interior": res["cv_argmin_interior"],
                     "excess_s1": excess, **population_tau(m, seed, populations, batch, steps)})
    defined = [r for r in rows if np.isfinite(r["excess_s1"])]
    early, late = (defined[0], defined[-1]) if len(defined) >= 2 else (None, None)
    nan = float("nan")
    later = [r for r in rows if r["epoch"] >= since]
    taus = [r["tau_population"] for r in later]
    dw = [r["mean_dwell"] for r in later]
    n_pairs = int(sum(np.isfinite(a) and np.isfinite(b) for a, b in zip(taus, dw)))
    rho, p = spearman(taus, dw)
    rho_all, p_all = spearman([r["tau_population"] for r in rows], [r["mean_dwell"] for r in rows])
    n_all = int(sum(np.isfinite(r["tau_population"]) and np.isfinite(r["mean_dwell"]) for r in rows))
    return {
        "checkpoints": len(rows), "epochs": [r["epoch"] for r in rows],
        "early_epoch": early["epoch"] if early else nan, "late_epoch": late["epoch"] if late else nan,
        "early_excess_s1": early["excess_s1"] if early else nan, "late_excess_s1": late["excess_s1"] if late else nan,
        "excess_drop": early["excess_s1"] - late["excess_s1"] if early else nan,
        "late_cv_u_depth": late["cv_u_depth"] if late else nan,
        "late_cv_u_depth_z": late["cv_u_depth_z"] if late else nan,
        "late_cv_argmin_interior": bool(late["cv_argmin_interior"]) if late else False,
        "tau_dwell_spearman": rho, "tau_dwell_p": p, "tau_dwell_pairs": n_pairs, "since_epoch": int(since),
        "tau_dwell_spearman_all": rho_all, "tau_dwell_p_all": p_all, "tau_dwell_pairs_all": n_all,
        "rows": rows,
    }


def thin(n: int, most: int) -> list[int]:
    """At most `most` indices of 0..n-1, evenly spaced, the first and the last always kept."""
    if n <= most:
        return list(range(n))
    return sorted({int(round(i)) for i in np.linspace(0, n - 1, most)})
