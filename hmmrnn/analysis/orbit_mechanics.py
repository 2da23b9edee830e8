"""Paper 4.1 and abstract: how the orbit is held up and what it does.

P17 "input pushes activity outward, recurrence pulls it back": radial components, relative to the fixed point
(0 for a bias-free net), of the two parts of a step from an orbit state h: the recurrent step relu(W_hh h) - h
and the input's contribution h' - relu(W_hh h). For every contracting bias-free ReLU net both signs hold by
construction: |relu(W_hh h)| < |h| pulls back, and E relu(z + W_ih x) >= relu(z) componentwise (Jensen: relu is
convex, the input has mean 0) with h >= 0 pushes out.
P21 "rotation along the orbit modulates emission probabilities": the phase of the state around the orbit centre
in the orbit plane (PCA(2) of a noise run) against the output, by mutual information, with a null of circular
shifts of the output sequence against the phase (which keeps both autocorrelations).
P30 "sustained quasi-periodic oscillations without periodic input": switches keep coming to the end of every run;
the power spectrum of the orbit-plane coordinates has a peak at a non-zero frequency above a red-noise (AR(1))
spectrum of the same lag-1 autocorrelation (a noise-driven relaxation with no oscillation has none), and the dwell
times are more regular than those of a memoryless switch of the same mean dwell (CV ratio below 1).
"""
from __future__ import annotations

import numpy as np
import torch

from ..rnn import RNN, draw_noise, rollout
from .common import require_finite, seed_for
from .orbit import fixed_point_of, orbit_plane

BINS = 16  # phase bins around the orbit centre
MIN_SHIFT = 100  # circular shifts of the null keep at least this many steps between output and phase


# ---------------------------------------------------------------- P17: push and pull


@torch.no_grad()
def radial_drives(model: RNN, states: torch.Tensor, fp: torch.Tensor | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Radial components, in units of the distance from the fixed point, of the recurrent step and of the
    input's contribution along consecutive states [B, T, H]: for h = states[:, t], h' = states[:, t+1]:
    recurrent (relu(W_hh h) - h) . e / |h - fp| and input (h' - relu(W_hh h)) . e / |h - fp|, e = (h - fp) / |h - fp|.
    Negative: towards the fixed point. Each [B * (T-1)]."""
    h, nxt = states[:, :-1].reshape(-1, states.shape[-1]), states[:, 1:].reshape(-1, states.shape[-1])
    free = rollout(model, None, h0=h, steps=1, record="last").states[:, -1]  # the input-free step
    d = h if fp is None else h - fp
    n2 = d.pow(2).sum(1).clamp_min(1e-30)
    rec = ((free - h) * d).sum(1) / n2
    inp = ((nxt - free) * d).sum(1) / n2
    return rec.numpy(), inp.numpy()


@torch.no_grad()
def with_without_input(model: RNN, starts: torch.Tensor, seed: int, steps: int = 10,
                       fp: torch.Tensor | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distance from the fixed point after `steps` steps from starts [N, H], over the start's distance: input-free
    and noise-driven (scale 1, fresh draws): the paper's trajectories without and with input. ([N], [N])"""
    fp = torch.zeros(starts.shape[1]) if fp is None else fp
    r0 = (starts - fp).norm(dim=1).clamp_min(1e-30)
    free = rollout(model, None, h0=starts, steps=steps, record="last").states[:, -1]
    noise = draw_noise(len(starts), steps, model.inputs, seed_for(seed, "mechanics-driven"))
    driven = require_finite(rollout(model, noise, h0=starts, record="last").states[:, -1], "driven continuation")
    return ((free - fp).norm(dim=1) / r0).numpy(), ((driven - fp).norm(dim=1) / r0).numpy()


@torch.no_grad()
def plane_flow(model: RNN, points: torch.Tensor, pca, fp: torch.Tensor, seed: int, draws: int = 100) -> dict:
    """The authors' flow field (their visualize_flow_field): at points [N, H], the recurrence vector relu(W_hh h) - h
    (a biased net: its input-free step, bias included) and the input vector E_x relu(W_ih x + h) - h (identity
    recurrence, `draws` draws; a tanh net: tanh in place of relu; a gated cell: the recurrence vector its input-free
    step minus h, the input vector E_x step(h, x) - step(h, 0); declared analogues), both projected on the orbit
    plane; their radial components there relative to the projected fixed point, and the cosine between them."""
    g = torch.Generator().manual_seed(seed_for(seed, "mechanics-flow"))
    drive = torch.zeros_like(points)
    if model.gates == 1:
        f = torch.relu if model.cell == "relu" else torch.tanh
        for _ in range(draws):
            drive += f(torch.randn(len(points), model.inputs, generator=g) @ model.weight_ih.T + points)
        inp = drive / draws - points
        # the recurrence vector: the input-free step (a biased net's bias in it), the bias-free ReLU's as the authors'
        rec = (torch.relu(points @ model.weight_hh.T) if model.cell == "relu" and model.bias_h is None
               else model.step(points)[0]) - points
    else:  # a gated step does not split so: the input's contribution to the cell's own step, the declared analogue
        free = model.step(points)[0]
        for _ in range(draws):
            drive += model.step(points, torch.randn(len(points), model.inputs, generator=g) @ model.weight_ih.T)[0]
        inp, rec = drive / draws - free, free - points
    P = pca.transform(points.numpy())
    f2 = pca.transform(fp[None].numpy())[0]
    e = (P - f2) / np.maximum(np.linalg.norm(P - f2, axis=1, keepdims=True), 1e-30)
    Pi = pca.transform((points + inp).numpy()) - P
    Pr = pca.transform((points + rec).numpy()) - P
    cos = (Pi * Pr).sum(1) / np.maximum(np.linalg.norm(Pi, axis=1) * np.linalg.norm(Pr, axis=1), 1e-30)
    return {"input_outward": (Pi * e).sum(1) > 0, "recurrence_inward": (Pr * e).sum(1) < 0, "cosine": cos,
            "points": P, "input": Pi, "recurrence": Pr, "fp": f2}


# ---------------------------------------------------------------- P21: phase and output


def entropy_bits(x: np.ndarray, n: int) -> float:
    """Entropy (bits) of the empirical distribution of labels x in 0..n-1."""
    p = np.bincount(x, minlength=n) / max(len(x), 1)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def mutual_information(a: np.ndarray, b: np.ndarray, na: int, nb: int) -> float:
    """Plug-in mutual information (bits) of paired labels a in 0..na-1 and b in 0..nb-1."""
    joint = np.bincount(a * nb + b, minlength=na * nb).reshape(na, nb) / len(a)
    outer = joint.sum(1, keepdims=True) @ joint.sum(0, keepdims=True)
    nz = joint > 0
    return float((joint[nz] * np.log2(joint[nz] / outer[nz])).sum())


def phase_bins(proj: np.ndarray, centre: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Phase bin (0..bins-1) of each point proj [..., 2] around centre [2]."""
    ang = np.arctan2(proj[..., 1] - centre[1], proj[..., 0] - centre[0])
    return ((ang + np.pi) / (2 * np.pi) * bins).astype(int) % bins


def shift_null(stat, phase: np.ndarray, labels: np.ndarray, seed: int, n_null: int = 200,
               min_shift: int = MIN_SHIFT) -> tuple[float, np.ndarray, float]:
    """stat(phase, labels) for phase, labels [B, T] (flattened), and its null over n_null draws in which each
    trajectory's labels are circularly shifted against its phase by min_shift..T-min_shift steps.
    (observed, null [n_null], p = (1 + #null >= observed) / (1 + n_null))."""
    B, T = phase.shape
    obs = stat(phase.ravel(), labels.reshape(B * T, *labels.shape[2:]))
    rng = np.random.default_rng(seed_for(seed, "mechanics-shift"))
    lo, hi = min(min_shift, T // 4), max(T - min_shift, T - T // 4)
    idx = np.arange(T)
    null = np.empty(n_null)
    for k in range(n_null):
        sh = rng.integers(lo, hi + 1, size=B)
        rolled = labels[np.arange(B)[:, None], (idx[None] - sh[:, None]) % T]
        null[k] = stat(phase.ravel(), rolled.reshape(B * T, *labels.shape[2:]))
    return obs, null, float((1 + (null >= obs).sum()) / (1 + n_null))


def explained_variance(groups: np.ndarray, values: np.ndarray, n_groups: int) -> float:
    """Share of the variance of values [N, K] (summed over K) explained by the group means (eta squared)."""
    total = ((values - values.mean(0)) ** 2).sum()
    if total <= 0:
        return float("nan")
    counts = np.bincount(groups, minlength=n_groups)
    sums = np.stack([np.bincount(groups, weights=values[:, k], minlength=n_groups) for k in range(values.shape[1])], 1)
    means = sums / np.maximum(counts, 1)[:, None]
    between = (counts[:, None] * (means - values.mean(0)) ** 2).sum()
    return float(between / total)


# ---------------------------------------------------------------- P30: oscillation


def dwell_times(outputs: np.ndarray) -> np.ndarray:
    """Lengths of the complete runs of one argmax output in each row of outputs [B, T] (the first and last run
    of a row are cut by the window and left out)."""
    out = []
    for row in np.atleast_2d(outputs):
        sw = np.nonzero(row[1:] != row[:-1])[0]
        out.append(np.diff(sw))
    return np.concatenate(out) if out else np.array([], dtype=int)


def dwell_cv_ratio(dwells: np.ndarray) -> float:
    """CV of the dwell times over the CV of a memoryless (geometric) dwell of the same mean, sqrt(1 - 1/mean):
    1 for a Markov switch, below 1 when the switches are more regular (quasi-periodic), NaN with < 10 dwells."""
    if len(dwells) < 10:
        return float("nan")
    mu = float(dwells.mean())
    geo = np.sqrt(max(1.0 - 1.0 / mu, 1e-12))
    return float(dwells.std() / mu / geo)


def red_noise_peak(x: np.ndarray, smooth: int = 2, lowest: int = 3) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Spectral peak of signals x [B, T] against red noise: the periodogram averaged over rows, divided by the
    spectrum of an AR(1) process with the same variance and lag-1 autocorrelation, smoothed over 2*smooth+1
    bins; its maximum over frequencies >= lowest / T. (peak frequency, peak ratio, freqs, ratio spectrum).
    A relaxation (AR(1), telegraph) stays near 1 everywhere; an oscillation rises above it at its frequency."""
    x = x - x.mean(1, keepdims=True)
    T = x.shape[1]
    var = float(np.mean(x * x))
    f = np.fft.rfftfreq(T)
    if var <= 0:
        return float("nan"), float("nan"), f, np.full(len(f), np.nan)
    P = (np.abs(np.fft.rfft(x, axis=1)) ** 2).mean(0) / T
    r = float(np.clip(np.mean(x[:, 1:] * x[:, :-1]) / var, -0.999, 0.999))
    S = var * (1 - r * r) / (1 + r * r - 2 * r * np.cos(2 * np.pi * f))
    R = np.convolve(P / S, np.ones(2 * smooth + 1) / (2 * smooth + 1), "same")
    ok = np.arange(len(f)) >= lowest
    ok[len(f) - smooth:] = False
    i = int(np.flatnonzero(ok)[np.argmax(R[ok])])
    return float(f[i]), float(R[i]), f, R


def sustained_fraction(outputs: np.ndarray, tail: float = 0.25) -> float:
    """Share of the rows of outputs [B, T] whose output still switches in their last `tail` of steps."""
    T = outputs.shape[1]
    last = outputs[:, int(T * (1 - tail)) - 1:]
    return float((last[:, 1:] != last[:, :-1]).any(1).mean())


# ---------------------------------------------------------------- both readings from one noise run


@torch.no_grad()
def analyse(model: RNN, seed: int, plane=None, n_null: int = 200, starts: int = 256, flow_points: int = 225) -> dict:
    """Every statistic of the orbit-mechanics claim from the orbit plane's noise run (orbit.orbit_plane: 16 x 1000
    steps at scale 1, PCA(2)); ``plane`` passes that run in when it is already computed. Keys "strict" and
    "paper": each reading's statistics; "_plot": the figure's data."""
    noise, base, pca = plane if plane is not None else orbit_plane(model, seed)
    B, T, H = base.shape
    fp = fixed_point_of(model, base[:, -1])
    # P17: push and pull
    rec, inp = radial_drives(model, base, fp)
    pick = torch.linspace(0, B * T - 1, starts).long()
    flat = base.reshape(-1, H)
    free, driven = with_without_input(model, flat[pick], seed, fp=fp)
    proj = pca.transform(flat.numpy()).reshape(B, T, 2)
    # the authors' grid: 15 x 15 over the bounding box of the plane, mapped back by the PCA's inverse
    n = int(round(flow_points ** 0.5))
    lo, hi = proj.reshape(-1, 2).min(0), proj.reshape(-1, 2).max(0)
    grid = np.stack(np.meshgrid(np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)), -1).reshape(-1, 2)
    flow_grid = plane_flow(model, torch.as_tensor(pca.inverse_transform(grid), dtype=base.dtype), pca, fp, seed)
    flow_orbit = plane_flow(model, flat[pick], pca, fp, seed, draws=32)
    # P21: phase and output
    centre = proj.reshape(-1, 2).mean(0)
    phase = phase_bins(proj, centre)
    logits = model.readout(model.activity(base))
    out = logits.argmax(-1).numpy()
    probs = torch.softmax(logits, -1).numpy()
    O = model.outputs
    mi, mi_null, mi_p = shift_null(lambda a, b: mutual_information(a, b, BINS, O), phase, out, seed, n_null)
    h_out = entropy_bits(out.ravel(), O)
    eta, eta_null, eta_p = shift_null(lambda a, b: explained_variance(a, b, BINS), phase, probs, seed, n_null)
    # P30: oscillation
    dw = dwell_times(out)
    f1, r1, freqs, spec1 = red_noise_peak(proj[..., 0])
    f2, r2, _, spec2 = red_noise_peak(proj[..., 1])
    fpk, rpk = (f1, r1) if not r2 > r1 else (f2, r2)
    sustained = sustained_fraction(out)
    cv_ratio = dwell_cv_ratio(dw)
    strict = {
        "recurrent_radial_mean": float(rec.mean()), "input_radial_mean": float(inp.mean()),
        "recurrent_inward_fraction": float((rec < 0).mean()), "input_outward_fraction": float((inp > 0).mean()),
        "phase_output_mi_bits": mi, "output_entropy_bits": h_out,
        "phase_output_mi_fraction": mi / h_out if h_out > 1e-9 else float("nan"),
        "mi_null_q99": float(np.quantile(mi_null, 0.99)), "mi_p": mi_p,
        "spectral_peak_ratio": rpk, "spectral_peak_frequency": fpk,
        "spectral_peak_ratio_pc1": r1, "spectral_peak_ratio_pc2": r2,
        "dwell_cv_ratio": cv_ratio, "dwells": int(len(dw)),
        "mean_dwell": float(dw.mean()) if len(dw) else float("nan"), "sustained_fraction": sustained,
        # the authors' flow field read in their plane (reported: it does not show the outward push there)
        "plane_input_outward_fraction": float(flow_orbit["input_outward"].mean()),
        "plane_recurrence_inward_fraction": float(flow_orbit["recurrence_inward"].mean()),
    }
    paper = {
        "free_radius_ratio": float(np.median(free)), "driven_radius_ratio": float(np.median(driven)),
        "driven_over_free": float(np.median(driven) / max(float(np.median(free)), 1e-30)),
        "phase_emission_eta2": eta, "eta2_null_q99": float(np.quantile(eta_null, 0.99)), "eta2_p": eta_p,
        "phase_output_mi_bits": mi, "mi_p": mi_p,
        "phase_output_mi_fraction": mi / h_out if h_out > 1e-9 else float("nan"),
        "dwell_cv_ratio": cv_ratio, "dwells": int(len(dw)),
        "mean_dwell": float(dw.mean()) if len(dw) else float("nan"), "sustained_fraction": sustained,
        "grid_input_outward_fraction": float(flow_grid["input_outward"].mean()),
        "grid_recurrence_inward_fraction": float(flow_grid["recurrence_inward"].mean()),
        "grid_alignment_cosine": float(np.mean(flow_grid["cosine"])),
    }
    plot = {"proj": proj[:2], "outputs": out[:2], "centre": centre, "fp": flow_grid["fp"],
            "mi": mi, "mi_null": mi_null, "freqs": freqs, "spec_pc1": spec1, "spec_pc2": spec2, "dwells": dw,
            "rec": rec, "inp": inp, "flow": {k: flow_grid[k] for k in ("points", "input", "recurrence")}}
    return {"strict": strict, "paper": paper, "_plot": plot}
