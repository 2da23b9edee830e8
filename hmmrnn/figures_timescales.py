"""Plots of the claims of time scales and self-induced stochastic resonance (see figures.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .plotting import plt, save as _save


def _unit(x: np.ndarray) -> np.ndarray:
    """x rescaled to [0, 1] (its minimum to 0, its maximum to 1) so that onsets of different groups compare."""
    x = np.asarray(x, dtype=float)
    span = np.nanmax(x) - np.nanmin(x)
    return (x - np.nanmin(x)) / span if span > 0 else x * 0


def _scale_axis(ax, scales) -> None:
    """A log x axis ticked at the input scales, labelled plainly."""
    ax.set_xscale("log")
    ax.set_xticks(list(scales), [f"{v:g}" for v in scales])
    ax.minorticks_off()


def resonance(d: dict, path: Path | None, title: str):
    """Paper 6, Fig 8: dwell CV and mean dwell against the input scale (with a memoryless switcher's CV);
    autocorrelation functions of the kick group and of the population that drives it; switch-aligned averages
    (each rescaled to [0, 1]); the population's profile over the dwell's phase."""
    fig, axes = plt.subplots(1, 5, figsize=(21, 3.5))
    sc = d["scan"]
    s = np.asarray(sc["scales"])
    draws = "same draws scaled" if sc["paired_noise"] else "fresh draws per s"
    a = axes[0]
    a.errorbar(s, sc["dwell_cv"], yerr=sc["dwell_cv_se"], fmt="o-", ms=4, capsize=2, label="network")
    a.plot(s, sc["markov_cv"], "s--", ms=4, color="0.5", label="memoryless switcher, same rate")
    a.set(xlabel="input scale s (noise s.d.)", ylabel="CV of dwells", title=f"{title}: {draws}")
    _scale_axis(a, s)
    a.legend(fontsize=7)
    axes[1].plot(s, sc["mean_dwell"], "o-", ms=4)
    axes[1].set(xlabel="input scale s", ylabel="mean dwell (steps)", title="the period against the noise")
    _scale_axis(axes[1], s)
    lags = np.asarray(d["lags"])
    for k, (name, r) in enumerate(d["directions"].items()):
        col = f"C{k}"
        axes[2].plot(r["acf_kick"], "-", color=col, label=f"kick group {name}")
        axes[2].plot(r["acf_population"], "--", color=col, label=f"population driving {name}")
        axes[3].plot(lags, _unit(r["kick"]), "-", color=col, label=f"kick {name}")
        axes[3].plot(lags, _unit(r["population"]), "--", color=col, label=f"population {name}")
        axes[3].plot(lags, _unit(r["other_population"]), ":", color=col, label=f"other population {name}")
        ph = (np.arange(d["phase_bins"]) + 0.5) / d["phase_bins"]
        axes[4].plot(ph, r["ramp"], "o-", ms=3, color=col, label=f"population driving {name}")
        axes[4].plot(ph, r["other_ramp"], "o:", ms=3, color=col, label=f"other population ({name} dwells)")
    axes[2].axhline(np.exp(-1), color="k", lw=0.5, ls=":")
    axes[2].set(xlabel="lag (steps)", ylabel="autocorrelation", title="time scales (1/e dotted)")
    axes[3].axvline(0, color="k", lw=0.5, ls=":")
    axes[3].set(xlabel="step from switch (0: first step of the new output)", ylabel="activity, rescaled to [0, 1]",
                title="switch-aligned activity")
    axes[4].set(xlabel="phase of the dwell (0: previous switch, 1: next)", ylabel="mean activity",
                title="over the dwell")
    for ax in axes[2:]:
        ax.legend(fontsize=6)
    fig.tight_layout()
    return _save(fig, path)


def equivalence(d: dict, path: Path | None, title: str):
    """Paper 5: the intact network's mean dwell against the input scale, and the dwell of each mu = 2
    amplification at s = 1 (a horizontal line; a marker at the matched scale)."""
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    s = np.asarray(d["scales"])
    ax.plot(s, d["intact_dwell"], "ko-", ms=4, label="intact, noise x s")
    for k, (name, r) in enumerate(d["per_manipulation"].items()):
        if r["mean_dwell"] is None or not np.isfinite(r["mean_dwell"]):
            ax.plot([], [], color=f"C{k}", label=f"{name} x 2: trapped")
            continue
        ax.axhline(r["mean_dwell"], color=f"C{k}", ls="--", lw=1, label=f"{name} x 2 at s = 1")
        if r["matched_s"] is not None and np.isfinite(r["matched_s"]):
            ax.plot(r["matched_s"], r["mean_dwell"], "o", color=f"C{k}", ms=7, mfc="none")
    draws = "same draws" if d["paired_noise"] else "fresh draws"
    ax.set(xlabel="input scale s (noise s.d.)", ylabel="mean dwell (steps)", title=f"{title}: {draws}")
    _scale_axis(ax, s)
    ax.legend(fontsize=7)
    return _save(fig, path)


def over_training(d: dict, path: Path | None, title: str):
    """Abstract, paper 6: the dwell CV against the input scale at each checkpoint read; the population's
    autocorrelation time and the mean dwell against the epoch (the loss's second descent dashed); the two
    against each other."""
    rows = d["rows"]
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.6))
    cmap = plt.get_cmap("viridis")
    n = max(len(rows) - 1, 1)
    for i, r in enumerate(rows):
        axes[0].plot(d["scales"], r["dwell_cv"], "o-", ms=3, color=cmap(i / n), label=f"epoch {r['epoch']}")
    axes[0].set(xlabel="input scale s", ylabel="CV of dwells",
                title=f"{title}: {'same draws scaled' if d['paired_noise'] else 'fresh draws per s'}")
    _scale_axis(axes[0], d["scales"])
    axes[0].legend(fontsize=6, ncol=2)
    ep = [r["epoch"] for r in rows]
    a1 = axes[1]
    a1.plot(ep, [r["tau_population"] for r in rows], "o-", color="tab:blue", label="population autocorrelation time")
    a1.set(xlabel="epoch", ylabel="population time (steps)")
    a2 = a1.twinx()
    a2.plot(ep, [r["mean_dwell"] for r in rows], "s--", color="tab:red", label="mean dwell")
    a2.set_ylabel("mean dwell (steps)", color="tab:red")
    a1.axvline(d["descent_epoch"], color="k", lw=0.8, ls="--")
    a1.set_title("over training (dashed: the loss's second descent)")
    a1.legend(loc="upper left", fontsize=7)
    a2.legend(loc="lower right", fontsize=7)
    axes[2].scatter([r["tau_population"] for r in rows], [r["mean_dwell"] for r in rows],
                    c=[cmap(i / n) for i in range(len(rows))])
    for r in rows:
        if np.isfinite(r["tau_population"]) and np.isfinite(r["mean_dwell"]):
            axes[2].annotate(str(r["epoch"]), (r["tau_population"], r["mean_dwell"]), fontsize=6)
    axes[2].set(xlabel="population autocorrelation time", ylabel="mean dwell", title="period vs time constant")
    fig.tight_layout()
    return _save(fig, path)


PLOTS: dict = {"time-scales.resonance": resonance, "kick.noise-equivalence": equivalence,
               "time-scales.over-training": over_training}
