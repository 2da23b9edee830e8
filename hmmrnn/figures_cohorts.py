"""Plots of the claims of the mechanism in every family and chain, and of the perturbative analysis (see
figures.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .plotting import plt, save as _save


def per_group(d: dict, path: Path, title: str) -> Path:
    """Per group (family or configuration): the share of its converged members that pass the per-checkpoint
    claim, with the counts, and how many had not converged (not counted)."""
    groups = d["groups"]
    names = sorted(groups)
    frac = [groups[g]["pass_fraction"] if groups[g]["members"] else 0.0 for g in names]
    fig, ax = plt.subplots(figsize=(1.2 + 0.9 * len(names), 3.2))
    bars = ax.bar(names, frac, color=["tab:green" if groups[g]["holds"] else "tab:red" for g in names])
    for b, g in zip(bars, names):
        ax.text(b.get_x() + b.get_width() / 2, b.get_height() + 0.02,
                f"{len(groups[g]['passing'])}/{len(groups[g]['members'])}"
                + (f"\n+{len(groups[g]['not_converged'])} not converged" if groups[g]["not_converged"] else ""),
                ha="center", va="bottom", fontsize=7)
    ax.axhline(0.5, color="grey", ls=":", lw=1)
    ax.set_ylim(0, 1.35)
    ax.set_ylabel("members passing")
    ax.set_title(title, fontsize=9)
    return _save(fig, path)


def chain_length(d: dict, path: Path, title: str) -> Path:
    """Slow regions per trained linear chain (converged) against its number of states S."""
    fig, ax = plt.subplots(figsize=(4, 3))
    for s, counts in d["by_S"].items():
        ax.scatter(np.full(len(counts), int(s)) + np.linspace(-0.1, 0.1, len(counts)), counts, color="tab:blue")
    ax.set_xticks([2, 3, 4, 5])
    ax.set_xlabel("states S of the linear chain")
    ax.set_ylabel("slow regions")
    ax.set_title(title, fontsize=9)
    return _save(fig, path)


def perturbative(d: dict, path: Path, title: str) -> Path:
    """Measured orbit radius and predicted second-order displacement |E d2| against the noise variance, each
    relative to its value at the smallest variance (log-log; a slope-1 guide)."""
    fig, ax = plt.subplots(figsize=(4.2, 3.2))
    for x, y, label in ((d["scales"], d["radii"], "orbit radius (measured)"), (d["sigmas"], d["norms"], "|E d2| (predicted)")):
        v, y = np.asarray(x, float) ** 2, np.asarray(y, float)
        ax.loglog(v, y / y[0], "o-", label=label)
    v = np.asarray(d["sigmas"], float) ** 2
    ax.loglog(v, v / v[0], "k:", lw=1, label="slope 1 (linear in variance)")
    ax.set_xlabel("noise variance s^2")
    ax.set_ylabel("relative to the smallest s")
    ax.legend(fontsize=7)
    ax.set_title(title, fontsize=9)
    return _save(fig, path)


def dominance(d: dict, path: Path, title: str) -> Path:
    """|E d2| and its ratio to E|d1| per evolution checkpoint, with the loss's bifurcation epoch."""
    rows = d["rows"]
    ep = [r["epoch"] for r in rows]
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(ep, [r["d2_norm"] for r in rows], "o-", label="|E d2|")
    ax.plot(ep, [r["ratio"] for r in rows], "s-", label="|E d2| / E|d1|")
    ax.axvline(d["bifurcation"], color="grey", ls="--", lw=1, label="bifurcation (loss)")
    ax.axhline(1.0, color="k", ls=":", lw=1)
    ax.set_xlabel("epoch")
    ax.legend(fontsize=7)
    ax.set_title(title, fontsize=9)
    return _save(fig, path)


PLOTS: dict = {"zones.every-family": per_group, "noise.every-chain": per_group, "kick.every-configuration": per_group,
               "clusters.chain-length": chain_length, "second-order.perturbative": perturbative,
               "training.second-order-dominance": dominance}
