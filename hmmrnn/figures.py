"""The plots a reader of the paper wants, one function per claim, each from that claim's plot data."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .plotting import plt, save as _save


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
    from .analysis.geometry import pca_plane
    X = pca_plane(d["states"]).transform(d["states"])
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.6))
    sc = a1.scatter(X[:, 0], X[:, 1], c=d["rt"], s=4, cmap="viridis")
    fig.colorbar(sc, ax=a1, label="residency time", pad=0.02)
    fig.subplots_adjust(wspace=0.35)
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
        for k, n in enumerate(g.neurons):
            ax.plot(d["lags"], g.profile[:, k], "-o", ms=3, label=f"neuron {n}")
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


def noise(d: dict, path: Path, title: str) -> Path:
    """Relative dispersion across rollouts vs noise resampling, from cluster and from transition states."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for key, col in (("cluster", "tab:blue"), ("transition", "tab:red")):
        ax.plot(d["gammas"], d[key].T, color=col, alpha=0.15, lw=0.8)
        ax.plot(d["gammas"], d[key].mean(0), "o-", color=col, lw=2, label=f"{key} states (mean)")
    ax.set(xlabel="resampled fraction g", ylabel="spread / drift$^2$ after 5 steps", yscale="log", title=title)
    ax.legend(fontsize=7)
    return _save(fig, path)


def kick_profile(d: dict, path: Path, title: str) -> Path:
    """Mean kick-group pre-activation (z units) per zone and direction."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    zones = ("cluster", "kick", "transition")
    for k, (dname, row) in enumerate(d["per_direction"].items()):
        ax.plot(zones, [row[z] for z in zones], "o-", label=f"kick group {dname}")
    ax.axhline(0, color="k", lw=0.5)
    ax.set(ylabel="pre-activation (z)", title=title)
    ax.legend(fontsize=7)
    return _save(fig, path)


def connectivity(d: dict, path: Path, title: str) -> Path:
    """Recurrent weights reordered: kick groups, then the two integrating populations."""
    W = d["W"][np.ix_(d["order"], d["order"])]
    v = np.percentile(np.abs(W), 98)
    fig, ax = plt.subplots(figsize=(4.6, 4))
    im = ax.imshow(W, cmap="RdBu_r", vmin=-v, vmax=v)
    edges = np.cumsum(d["sizes"])[:-1] - 0.5
    for e in edges:
        ax.axhline(e, color="k", lw=0.5)
        ax.axvline(e, color="k", lw=0.5)
    fig.colorbar(im, ax=ax, label="W[post, pre]")
    ax.set(title=f"{title}: kick A | kick B | pop P | pop Q", xlabel="pre", ylabel="post")
    return _save(fig, path)


def emergence(d: dict, path: Path, title: str) -> Path:
    """Loss over training with the two bifurcation epochs; rotation, critical pairs, unstable directions and
    volatility."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.4))
    ep = [h["epoch"] for h in d["history"]]
    a1.plot(ep, [h["val"] for h in d["history"]], label="validation loss")
    a1.plot(ep, [h["train"] for h in d["history"]], alpha=0.5, label="train loss")
    a1.axvline(d["loss_epoch"], color="k", ls="--", lw=0.8, label=f"second descent ({d['loss_epoch']})")
    if d["orbit_epoch"] is not None:
        a1.axvline(d["orbit_epoch"], color="tab:red", ls=":", lw=1.2, label=f"orbit appears ({d['orbit_epoch']})")
    a1.set(xlabel="epoch", ylabel="Sinkhorn divergence", title=title)
    a1.legend(fontsize=7)
    rows = d["rows"]
    e = [r["epoch"] for r in rows]
    a2.plot(e, [r["rotation_coherence"] for r in rows], "o-", ms=3, label="rotation coherence")
    a2.plot(e, [r["critical_fraction"] for r in rows], "s-", ms=3, label="critical-pair fraction")
    a2.plot(e, [r.get("unstable_fraction", float("nan")) for r in rows], "d-", ms=3, label="unstable fraction")
    a2.plot(e, [r["volatility"] for r in rows], "^-", ms=3, label="output volatility")
    a2.axhline(d["target_volatility"], color="0.5", ls="--", lw=0.8, label="HMM volatility")
    a2.set(xlabel="epoch")
    a2.legend(fontsize=7)
    return _save(fig, path)


def second_order(d: dict, path: Path, title: str) -> Path:
    """Norm of the expected second-order displacement against the noise variance (log-log)."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    v = d["sigmas"] ** 2
    ax.loglog(v, d["norms"], "o-", label="|E[d2]|")
    ax.loglog(v, d["norms"][0] * v / v[0], "k--", lw=0.8, label="slope 1 (linear in variance)")
    ax.loglog(v, d["norms"][0] * np.sqrt(v / v[0]), "k:", lw=0.8, label="slope 1/2")
    ax.set(xlabel="noise variance s^2", ylabel="|E[d2]|", title=title)
    ax.legend(fontsize=7)
    return _save(fig, path)


def pair_orbits(d: dict, path: Path, title: str) -> Path:
    """Per output pair: the states around its switches in its own PCA(2) plane, coloured by output."""
    segs = d["segments"]
    fig, axes = plt.subplots(1, len(segs), figsize=(3.2 * len(segs), 3.0), squeeze=False)
    for ax, (name, items) in zip(axes[0], segs.items()):
        for xy, outs in items:
            ax.plot(xy[:, 0], xy[:, 1], color="0.7", lw=0.4, zorder=1)
            ax.scatter(xy[:, 0], xy[:, 1], c=[f"C{int(o)}" for o in outs], s=3, zorder=2)
        ax.set(title=f"{title}: outputs {name}", xticks=[], yticks=[], xlabel="PC1 of the pair", ylabel="PC2")
    return _save(fig, path)


def readout(d: dict, path: Path, title: str) -> Path:
    """Readout-row alignment with the orbit plane per trained linear chain, against the number of states."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for name, m in d["per_checkpoint"].items():
        ax.scatter(m["S"], m["mean_alignment"], color="tab:blue")
        ax.annotate(name, (m["S"], m["mean_alignment"]), fontsize=6)
    level = next(iter(d["per_checkpoint"].values()))["random_level"] if d["per_checkpoint"] else None
    if level is not None:
        ax.axhline(level, color="0.5", ls="--", lw=1, label="random direction sqrt(2/H)")
        ax.legend(fontsize=7)
    ax.set(xlabel="latent states S", ylabel="mean |P w_o| / |w_o|", title=title, xticks=[2, 3, 4, 5])
    return _save(fig, path)


def convergence(d: dict, path: Path | None, title: str):
    """Validation loss against epoch: the first plateau, the last window the rule reads, the descent cut."""
    fig, ax = plt.subplots(figsize=(6, 3.4))
    ep, val = np.asarray(d["epochs"]), np.asarray(d["val"], dtype=float)
    ax.plot(ep, val, color="tab:blue", lw=0.9, label="validation loss")
    ax.axvspan(*d["plateau"], color="0.85", label="first plateau")
    ax.axvspan(ep[-min(d["window"], len(ep))], ep[-1], color="tab:green", alpha=0.15, label="last window")
    ax.axhline(d["plateau_loss"] * (1 - d["descent"]), color="tab:red", ls="--", lw=0.8, label="second-descent cut")
    verdict = "converged" if not d["why_not"] else d["why_not"]
    ax.set(xlabel="epoch", ylabel="Sinkhorn divergence",
           title=f"{title}: {verdict} (volatility {d['volatility']:.3f} vs HMM {d['hmm_volatility']:.3f})")
    ax.legend(fontsize=7)
    return _save(fig, path)


PLOTS = {"fixed-point.single": fixed_point, "orbit.radius-scaling": orbit, "residency.three-zones": residency,
         "kick.ablation-traps": kick, "emission.hmm-agreement": emission, "noise.cluster-vs-transition": noise,
         "kick.preactivation-profile": kick_profile, "connectivity.kick-motif": connectivity,
         "training.emergence": emergence, "second-order.variance": second_order,
         "orbit.per-output-pair": pair_orbits, "readout.alignment": readout, "training.convergence": convergence}


def mu_sweep(d: dict, path: Path, title: str) -> Path:
    """Paper Fig 7, one row per direction: trajectories (PC1-PC2 of the intact run) with the kick group's
    recurrent drive x mu for three mu, then the switch-rate ratio and the critical pairs against mu for
    every manipulation."""
    rows = d["directions"]
    fig, axes = plt.subplots(len(rows), 5, figsize=(17, 3.2 * len(rows)), squeeze=False,
                             gridspec_kw={"width_ratios": [1, 1, 1, 1.4, 1.4]})
    colours = {"kick": "tab:red", "integrating": "tab:blue", "control": "0.5", "kick_searched": "tab:orange"}
    for ax_row, (name, r) in zip(axes, rows.items()):
        ex = r["example"]
        for k, (ax, mu) in enumerate(zip(ax_row[:3], ex["mu"])):
            if len(ex.get("cloud", [])):
                ax.scatter(ex["cloud"][:, 0], ex["cloud"][:, 1], c=[f"C{int(o)}" for o in ex["cloud_out"]],
                           s=1, alpha=0.15, zorder=1)
            for tr in ex["traj"][k]:
                ax.plot(tr[:, 0], tr[:, 1], lw=0.8, color="k", alpha=0.7, zorder=2)
                ax.plot(tr[0, 0], tr[0, 1], "k*", ms=6, zorder=3)
            ax.set(xticks=[], yticks=[], xlabel="PC1", ylabel="PC2" if k == 0 else "",
                   title=f"{title} {name}: kick x {mu:g}" if k == 0 else f"kick x {mu:g}")
        a_rate, a_crit = ax_row[3], ax_row[4]
        mu = r["mu"]
        for m, y in r["rate_ratio"].items():
            a_rate.plot(mu, y, "o-", ms=3, color=colours.get(m), label=m)
        a_rate.axhline(1, color="k", lw=0.5)
        a_rate.axvline(1, color="k", lw=0.5, ls=":")
        a_rate.set(xlabel="mu", ylabel="switch rate / intact", title=f"{name}: switch rate")
        a_rate.legend(fontsize=7)
        for m, y in r["critical_mean"].items():
            sd = r["critical_std"][m]
            a_crit.errorbar(mu, y, yerr=sd, fmt="o-", ms=3, capsize=2, color=colours.get(m), label=m)
        a_crit.axvline(1, color="k", lw=0.5, ls=":")
        a_crit.set(xlabel="mu", ylabel="critical pairs / switch window", title=f"{name}: critical pairs")
        a_crit.legend(fontsize=7)
    fig.tight_layout()
    return _save(fig, path)


def noise_paper(d: dict, path: Path, title: str) -> Path:
    """The authors' Fig 5B / 21 panels: raw trace of the covariance across trajectories and mean distance to
    the mean trajectory, per step, from the one cluster start and the one transition start, per g."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    steps = np.arange(1, d["cluster_trace"].shape[1] + 1)
    for ax, kind, label in ((axes[0], "trace", "trace of covariance"), (axes[1], "distance", "distance to mean")):
        for key, col in (("cluster", "tab:blue"), ("transition", "tab:red")):
            for j, g in enumerate(d["gammas"]):
                ax.plot(steps, d[f"{key}_{kind}"][j], color=col, alpha=0.35 + 0.3 * j, lw=1 + j,
                        label=f"{key}, g={g:g}")
        ax.set(xlabel="step", ylabel=label, title=title if kind == "trace" else "")
    axes[0].legend(fontsize=6)
    return _save(fig, path)


PLOTS["kick.ablation-traps:paper"] = mu_sweep
PLOTS["noise.cluster-vs-transition:paper"] = noise_paper

# each group of claims keeps its plots in its own module (they import _save from here)
from . import figures_cohorts, figures_mechanics, figures_sweeps, figures_timescales  # noqa: E402

for _group in (figures_mechanics, figures_timescales, figures_cohorts, figures_sweeps):
    PLOTS.update(_group.PLOTS)


def plot_for(claim_id: str, reading: str):
    """The figure function of a claim's reading: its own where the reading has one, else the claim's."""
    return PLOTS.get(f"{claim_id}:{reading}") or PLOTS.get(claim_id)


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
