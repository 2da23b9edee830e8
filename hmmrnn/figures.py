"""The plots a reader of the paper wants, one function per claim, each from that claim's plot data."""
from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .checkpoint import atomic_write_bytes  # noqa: E402


def _save(fig, path: Path) -> Path:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())
    return path


def fixed_point(d: dict, path: Path, title: str) -> Path:
    """Distance to the fixed point along input-free runs (log scale), per start."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for row in d["decay"][:64]:
        ax.semilogy(np.maximum(row, 1e-30), color="tab:blue", alpha=0.25, lw=0.8)
    ax.set(xlabel="input-free step", ylabel="|h - h*| / orbit scale", title=title)
    return _save(fig, path)


def orbit(d: dict, path: Path, title: str) -> Path:
    """PCA orbit with the projected fixed point, and radius vs input scale with the linear fit."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.6))
    for tr in d["proj"]:
        a1.plot(tr[:, 0], tr[:, 1], lw=0.5, alpha=0.7)
    a1.plot(*d["fp"], "k*", ms=12, label="fixed point")
    a1.set(xlabel="PC1", ylabel="PC2", title=title)
    a1.legend(loc="best", fontsize=7)
    s, r = d["scales"], d["radii"]
    a, c = d["fit"]
    a2.plot(s, r, "o", label="median radius")
    a2.plot(s, a * s + c, "-", label=f"r = {a:.3g} s + {c:.2g}")
    a2.set(xlabel="input scale s (noise s.d.)", ylabel="radius in PC1-PC2")
    a2.legend(fontsize=7)
    return _save(fig, path)


def residency(d: dict, path: Path, title: str) -> Path:
    """State space (PC1-PC2 of the locations) coloured by residency time, and by zone."""
    from sklearn.decomposition import PCA
    X = PCA(n_components=2, random_state=0).fit_transform(d["states"])
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.6))
    sc = a1.scatter(X[:, 0], X[:, 1], c=d["rt"], s=4, cmap="viridis")
    fig.colorbar(sc, ax=a1, label="residency time")
    a1.set(xlabel="PC1", ylabel="PC2", title=title)
    names, colours = ("transition", "kick zone", "cluster", "unassigned"), ("tab:red", "tab:orange", "tab:blue", "0.8")
    for k in (3, 2, 1, 0):
        m = d["zones"] == k
        a2.scatter(X[m, 0], X[m, 1], s=4, c=colours[k], label=f"{names[k]} ({m.mean():.0%})")
    a2.legend(fontsize=7, markerscale=3)
    a2.set(xlabel="PC1", ylabel="PC2")
    return _save(fig, path)


def kick(d: dict, path: Path, title: str) -> Path:
    """Kick-group pre-activation around switches, and output traces intact vs kick group silenced."""
    groups = d["groups"]
    fig, axes = plt.subplots(1, len(groups) + 1, figsize=(4 * (len(groups) + 1), 3.2))
    for ax, ((a, c), g) in zip(axes, groups.items()):
        for k, n in enumerate(g["neurons"]):
            ax.plot(d["lags"], g["profile"][:, k], "-o", ms=3, label=f"neuron {n}")
        ax.axhline(0, color="k", lw=0.5)
        ax.axvline(0, color="0.5", lw=0.5, ls="--")
        ax.set(xlabel="step from switch", ylabel="pre-activation", title=f"{title}: kick {a}->{c}")
        ax.legend(fontsize=7)
    ax = axes[-1]
    for lab, key in (("intact", "intact"), ("kick groups silenced", "ablated")):
        if key in d:
            ax.plot(d[key], lw=1, label=lab)
    ax.axhline(0, color="k", lw=0.5)
    ax.set(xlabel="step", ylabel="logit margin (new - old output)", title="one rollout, same noise")
    ax.legend(fontsize=7)
    return _save(fig, path)


def emission(d: dict, path: Path, title: str) -> Path:
    """Successive-symbol transition matrices: RNN (sampled) and HMM (exact), side by side."""
    fig, axes = plt.subplots(1, 2, figsize=(7, 3.2))
    for ax, key, lab in zip(axes, ("rnn", "hmm"), ("RNN (sampled)", "HMM (exact)")):
        M = np.nan_to_num(d[key])
        ax.imshow(M, vmin=0, vmax=1, cmap="Blues")
        for i in range(M.shape[0]):
            for j in range(M.shape[1]):
                ax.text(j, i, f"{M[i, j]:.3f}", ha="center", va="center", fontsize=8,
                        color="white" if M[i, j] > 0.6 else "black")
        ax.set(title=f"{title}: {lab}", xlabel="next symbol", ylabel="symbol")
    return _save(fig, path)


PLOTS = {"fixed-point.single": fixed_point, "orbit.radius-scaling": orbit, "residency.three-zones": residency,
         "kick.ablation-traps": kick, "emission.hmm-agreement": emission}
