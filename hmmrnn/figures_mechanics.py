"""Plots of the claims of orbit mechanics, slow regions and the kick gate (see figures.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .plotting import plt, save as _save

OUTPUT_COLOURS = ("tab:green", "tab:blue", "tab:red", "tab:purple", "tab:orange")


def orbit_mechanics(d: dict, path: Path, title: str) -> Path:
    """Four panels: the orbit plane coloured by output (P21) with the authors' flow field of the input (P17); the
    phase-output mutual information against its circular-shift null (P21); the orbit-plane spectrum over red noise
    (P30); the dwell times against a memoryless switch of the same mean (P30)."""
    fig, axes = plt.subplots(1, 4, figsize=(17, 3.6))
    ax = axes[0]
    for tr, out in zip(d["proj"], d["outputs"]):
        for k in np.unique(out):
            m = out == k
            ax.scatter(tr[m, 0], tr[m, 1], s=2, c=OUTPUT_COLOURS[int(k) % 5], label=f"output {k}")
    fl = d["flow"]
    ax.quiver(fl["points"][:, 0], fl["points"][:, 1], fl["input"][:, 0], fl["input"][:, 1], color="0.3", width=0.003,
              angles="xy")
    ax.plot(*d["fp"], "k*", ms=12, label="fixed point")
    ax.plot(*d["centre"], "k+", ms=10, label="orbit centre")
    handles, labels = ax.get_legend_handles_labels()
    keep = dict(zip(labels, handles))
    ax.legend(keep.values(), keep.keys(), fontsize=6)
    ax.set(xlabel="PC1", ylabel="PC2", title=f"{title}: outputs, input flow (arrows)")
    ax = axes[1]
    lo = max(min(float(np.min(d["mi_null"])), d["mi"]), 1e-6)
    hi = max(float(np.max(d["mi_null"])), d["mi"], lo * 10)
    ax.hist(np.maximum(d["mi_null"], lo), bins=np.geomspace(lo, hi, 40), color="0.6", label="circular shifts")
    ax.axvline(d["mi"], color="tab:red", label=f"observed {d['mi']:.3f} bits")
    ax.set(xlabel="phase-output MI (bits)", ylabel="count", xscale="log", title="P21: phase vs output")
    ax.legend(fontsize=7)
    ax = axes[2]
    f = d["freqs"]
    ax.plot(f[1:], d["spec_pc1"][1:], label="PC1")
    ax.plot(f[1:], d["spec_pc2"][1:], label="PC2")
    ax.axhline(1, color="k", lw=0.5)
    ax.set(xscale="log", xlabel="frequency (1/step)", ylabel="power / AR(1) red noise", title="P30: spectral peak")
    ax.legend(fontsize=7)
    ax = axes[3]
    dw = d["dwells"]
    if len(dw):
        edges = np.arange(1, max(int(dw.max()), 2) + 2, max(1, int(dw.max()) // 40))
        ax.hist(dw, bins=edges, density=True, color="tab:blue", alpha=0.6, label="dwell times")
        p = 1 / dw.mean()
        x = np.arange(1, edges[-1])
        ax.plot(x, p * (1 - p) ** (x - 1), "k-", lw=1, label="memoryless, same mean")
        ax.legend(fontsize=7)
    ax.set(xlabel="steps between output switches", ylabel="density", title="P30: dwell times")
    return _save(fig, path)


def slow_regions(d: dict, path: Path, title: str) -> Path:
    """State space (PC1-PC2 of the zone map) with the slow regions and speed, and the speed per zone."""
    from .analysis.geometry import pca_plane
    X = pca_plane(d["states"]).transform(d["states"])
    fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(14, 3.6))
    fig.subplots_adjust(wspace=0.4)
    sc = a1.scatter(X[:, 0], X[:, 1], c=d["speed"], s=4, cmap="viridis")
    fig.colorbar(sc, ax=a1, label="speed (7-step window)", pad=0.02)
    a1.set(xlabel="PC1", ylabel="PC2", title=f"{title}: speed")
    a2.scatter(X[:, 0], X[:, 1], s=3, c="0.85")
    for r in np.unique(d["regions"][d["regions"] >= 0]):
        m = d["regions"] == r
        out = np.bincount(d["outputs"][m]).argmax()
        a2.scatter(X[m, 0], X[m, 1], s=4, c=OUTPUT_COLOURS[int(out) % 5], label=f"slow region {r}: output {out}")
    if (d["regions"] >= 0).any():
        a2.legend(fontsize=7, markerscale=3)
    a2.set(xlabel="PC1", ylabel="PC2", title="slow regions (k-means of cluster states)")
    names = ("transition", "kick", "cluster")
    data = [d["speed"][(d["zones"] == k) & ~np.isnan(d["speed"])] for k in range(3)]
    a3.boxplot([x if len(x) else [np.nan] for x in data], showfliers=False)
    a3.set_xticks(range(1, 4), names)
    a3.set(ylabel="speed (7-step window)", title="speed by zone")
    return _save(fig, path)


def kick_gate(d: dict, path: Path, title: str) -> Path:
    """The open probability of each kick group against residency time, with the paper's kick zone (RT 2-8)."""
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.axvspan(2, 8, color="tab:orange", alpha=0.15, label="kick zone (RT 2-8)")
    bins = np.array([0, 2, 4, 6, 8, 10, 12, 15, 20, 30, 61])
    for k, (name, row) in enumerate(d["per_direction"].items()):
        rt, p = row["rt"], row["open"]
        ax.scatter(rt, p, s=3, alpha=0.25, color=f"C{k}")
        mids, means = [], []
        for lo, hi in zip(bins[:-1], bins[1:]):
            m = (rt >= lo) & (rt < hi)
            if m.sum() >= 3:
                mids.append(np.median(rt[m]))
                means.append(p[m].mean())
        ax.plot(mids, means, "o-", color=f"C{k}", label=f"kick group {name}")
    ax.axhline(0.5, color="k", lw=0.5, ls="--")
    ax.set(xlabel="residency time", ylabel="P(gate opens next step)", xscale="log", ylim=(-0.03, 1.03),
           title=f"{title}: kick-neuron gate")
    ax.legend(fontsize=7)
    return _save(fig, path)


PLOTS: dict = {"orbit.mechanics": orbit_mechanics, "slow-regions.output-classes": slow_regions,
               "kick.gate": kick_gate}
