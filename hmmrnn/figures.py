"""The report's summary figures (late statistics, seed heat map, decided rows by family, precision); each claim's
own plot is in its module (Claim.figure)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .plotting import plt, save as _save


def late_statistics(series: dict, path: Path, title: str) -> Path:
    """Claim statistics against epoch over late training: one panel per (claim, reading, statistic), one
    line per run, the threshold dashed. series: {(claim, reading, stat): {"op", "value", "runs": {run:
    [(epoch, value), ...]}}}."""
    n = len(series)
    cols = min(3, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.9 * rows), squeeze=False)
    for ax, ((claim, reading, stat), s) in zip(axes.flat, sorted(series.items())):
        for run, pts in sorted(s["runs"].items()):
            pts = sorted(pts)
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=3, lw=1, label=run)
        ax.axhline(s["value"], color="k", ls="--", lw=0.8)
        ax.set_title(f"{claim} ({reading})\n{stat} {s['op']} {s['value']:g}", fontsize=8)
        ax.set_xlabel("epoch", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6)
    fig.tight_layout()
    fig.suptitle(title, fontsize=10, y=1.0 + 0.25 / (2.9 * rows), va="bottom")  # above the first row's titles
    return _save(fig, path)


def seed_heatmap(entries: list[dict], path: Path, title: str) -> Path:
    """Rows x seeds, one panel per reading: the late pass fraction of each audited seed on each inventory row
    (white: not decided on that seed). entries: hmmrnn.seeds.row_summary's."""
    readings = [r for r in ("paper", "strict") if any(e["reading"] == r for e in entries)]
    runs = sorted({(s["hmm"], s["run"]) for e in entries for s in e["seeds"]})
    fig, axes = plt.subplots(1, len(readings), figsize=(2 + 0.32 * len(runs) * len(readings),
                                                        1.5 + 0.2 * max(len([e for e in entries if e["reading"] == r])
                                                                          for r in readings)), squeeze=False)
    for ax, reading in zip(axes[0], readings):
        es = [e for e in entries if e["reading"] == reading]
        m = np.full((len(es), len(runs)), np.nan)
        for i, e in enumerate(es):
            for s in e["seeds"]:
                m[i, runs.index((s["hmm"], s["run"]))] = s["k"] / s["n"]
        im = ax.imshow(m, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        ax.set_yticks(range(len(es)), [f"{e['claim']} {e['row']}" for e in es], fontsize=6)
        ax.set_xticks(range(len(runs)), [r for _, r in runs], rotation=90, fontsize=6)
        ax.set_title(f"{reading} reading", fontsize=9)
    fig.colorbar(im, ax=axes[0].tolist(), shrink=0.6, label="late checkpoints passing")
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def decided_families(table: list[dict], path: Path, title: str = "Decided rows by family") -> Path:
    """Decided rows (one per row and reading) x families, each cell coloured by that family's conclusion
    (replicates, partly, weaker than stated, absent; white: no seed of the family decides it).
    table: replication.answer's."""
    cats = ("absent", "weaker", "partly", "replicates")
    fams = sorted({h for t in table for h in t["families"] if h != "cohort"})
    m = np.full((len(table), max(len(fams), 1)), np.nan)
    from .replication import category
    for i, t in enumerate(table):
        for j, h in enumerate(fams):
            g = t["families"].get(h)
            if g:
                m[i, j] = cats.index(category(g["conclusion"]))
    fig, ax = plt.subplots(figsize=(2.5 + 0.7 * len(fams), 1.2 + 0.18 * len(table)))
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch
    cmap = ListedColormap(["#d7301f", "#fdae61", "#fee08b", "#1a9850"])
    ax.imshow(m, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto", interpolation="nearest")
    ax.set_yticks(range(len(table)), [f"{t['row']} {t['reading']}" for t in table], fontsize=6)
    ax.set_xticks(range(len(fams)), fams, rotation=45, fontsize=7)
    handles = [Patch(color=cmap(i), label=c) for i, c in enumerate(cats)]
    ax.legend(handles=handles, fontsize=6, loc="upper left", bbox_to_anchor=(1.02, 1))
    ax.set_title(title, fontsize=9)
    return _save(fig, path)


def precision(lines: list[dict], path: Path, title: str = "How precise is each thresholded statistic?") -> Path:
    """Per thresholded statistic (scripts/reliability.py's lines): its spread over claims seeds on one
    checkpoint (draws) and over a seed's late checkpoints, each divided by its margin from the cut; above 0.5
    (dashed) twice the spread reaches the margin."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, colour, label in (("draw_sd", "C3", "draws (claims seeds, one checkpoint)"),
                               ("checkpoint_sd", "C0", "late checkpoints of one seed")):
        pts = sorted(x[key] / x["margin"] for x in lines if x.get(key) is not None and x.get("margin"))
        if pts:
            ax.plot(range(len(pts)), pts, ".", color=colour, label=f"{label} ({len(pts)})", ms=4)
    ax.axhline(0.5, color="k", ls="--", lw=0.8)
    ax.set_yscale("log")
    ax.set(xlabel="statistics, sorted", ylabel="spread / margin from the cut", title=title)
    ax.legend(fontsize=7)
    return _save(fig, path)
