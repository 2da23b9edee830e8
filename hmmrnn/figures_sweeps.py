"""Plots of the training claims decided over a folder of training runs (P6, P7, P10, P11, P13; see figures.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .plotting import plt, save as _save


def sweep_arms(d: dict, path: Path | None, title: str):
    """Per arm: the converged fraction (k/n over the bars), one statistic per run when the claim has one (e.g.
    final loss, spikes per 100 epochs), and the validation-loss curves of its runs (log scale)."""
    arms = d["arms"]
    per_run = d.get("per_run")
    panels = 3 if per_run else 2
    fig, axes = plt.subplots(1, panels, figsize=(4.2 * panels, 3.4))
    colours = {a: plt.cm.tab10(i % 10) for i, a in enumerate(arms)}
    ax = axes[0]
    frac = [k / n if n else 0.0 for k, n in zip(d["converged"], d["n"])]
    ax.bar(range(len(arms)), frac, color=[colours[a] for a in arms])
    for i, (k, n) in enumerate(zip(d["converged"], d["n"])):
        ax.text(i, min(frac[i] + 0.03, 1.02), f"{k}/{n}", ha="center", fontsize=8)
    ax.set_xticks(range(len(arms)), arms, fontsize=8)
    ax.set(ylim=(0, 1.12), ylabel="converged fraction (loss rule)", title=title)
    if per_run:
        ax = axes[1]
        for i, a in enumerate(arms):
            v = np.asarray(per_run["values"].get(a, []), float)
            shown = np.where(np.isfinite(v), v, np.nan)
            ax.plot(np.full(len(v), i) + np.linspace(-0.12, 0.12, max(len(v), 1))[: len(v)], shown, "o",
                    color=colours[a], ms=5)
            if (~np.isfinite(v)).any():
                ax.text(i, ax.get_ylim()[1], f"{int((~np.isfinite(v)).sum())} diverged", ha="center", va="top",
                        fontsize=7)
        ax.set_xticks(range(len(arms)), arms, fontsize=8)
        ax.set(ylabel=per_run["name"], xlim=(-0.5, len(arms) - 0.5))
    ax = axes[-1]
    for a in arms:
        for k, (ep, val) in enumerate(d["curves"].get(a, [])):
            ax.plot(ep, val, color=colours[a], lw=0.7, alpha=0.7, label=a if k == 0 else None)
    ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="validation loss")
    if any(d["curves"].get(a) for a in arms):
        ax.legend(fontsize=7)
    fig.tight_layout()
    return _save(fig, path)


PLOTS: dict = {cid: sweep_arms for cid in ("training.input-dimension", "training.hidden-size",
                                           "training.sequence-length", "training.clipping", "training.baseline-loss")}
