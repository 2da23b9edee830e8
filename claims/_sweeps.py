"""What the training claims decided over a folder of training runs share (paper 3.2, App B, section 1: P6, P7,
P10, P11, P13; training_input_dimension, training_hidden_size, training_sequence_length, training_clipping,
training_baseline_loss).

Each is one verdict over the runs under ``--runs-dir`` (across=hmmrnn.cases.RUNS; the subject's ``path`` is the
runs folder, default <fixtures>/runs). Each claim's design is data in its own module: its ``ARMS``
(configurations, seeds, epoch budget), one factor varied at a time around the paper's analysed network
(linear:2 or the chain named, H=150, d=100, the family's sequence length and clip, the Sinkhorn loss; REFERENCE
sections 2-3). A claim whose arms lack runs is an ERROR naming them; the statistics of what was found stay in the
report. There are no checkpoint controls here: what can say "no" is the comparison itself (arms that do not
differ fail every reading; tests/test_training_sweeps.py builds such run folders).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hmmrnn.analysis import sweeps
from hmmrnn.plotting import plt, save

SEEDS5 = tuple(range(5))  # the seeds of the fixtures' configurations (linear:2, linear:4: seeds 0-4, 500 epochs)
PAPER_L2 = dict(hmm="linear:2", hidden=150, inputs=100, seq_len=100, clip=0.9, epochs=500)  # REFERENCE 1-3

RULE = ("converged: the project's loss rule (hmmrnn.analysis.convergence.loss_verdict: second descent >= 20% below "
        "the first plateau, last 50 epochs flat within 5%) on the run's first E epochs (E: the arm's budget); a run "
        "that stopped before E unconverged (time ran out) does not count, its seed is missing; a run whose outputs "
        "became non-finite (history.json, no final.json) counts as diverged, not converged")
IDENTITY = ("A run is identified by its own metadata (final.json: HMM, H, d, L, clip, loss, seed, and the paper's "
            "batch 4096, lr 1e-3, betas 0.9/0.9, 30 000 sequences, blur 0.2), never by its folder's name; of a run and "
            "its continuation the longer counts; unfinished training states (state.pt alone, fixtures/partial) are "
            "never runs.")


def sweep(s, claim_id: str, arms: dict[str, sweeps.Arm]) -> sweeps.Sweep:
    """The runs of the claim's arms under the subject's runs folder; ERROR naming the missing ones."""
    sw = s.shared(sweeps.gather, s.path, arms)
    plot = sw.plot() if any(sw.outcomes.values()) else None
    sweeps.require(claim_id, sw, {"_plot": plot} if plot else None)
    return sw


def with_summary(sw: sweeps.Sweep, stats: dict, per_run: str | None = None, name: str = "") -> dict:
    """A claim's statistics with the sweep's summary (counts per arm) and its plot data."""
    return {**stats, **sw.summary(), "_plot": sw.plot(per_run, name)}


def cached(s, key, fn, *args, **kw):
    """fn(*args, **kw) once per subject under `key` (Subject.shared would key on the whole sweep's repr)."""
    if key not in s.cache:
        s.cache[key] = fn(*args, **kw)
    return s.cache[key]


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
    return save(fig, path)
