"""Paper 5, Fig 7: "silencing the kick neurons traps the trajectory in its cluster".

The kick neurons are discovered per checkpoint (the zone map's kick zones, hmmrnn.subject.kick_groups), never
typed in. Strict reading: the switch hazard from deep-cluster states with a kick group silenced, against
activity-matched random neurons and the opposite direction's group. Paper reading: the authors' mu sweep.
"""
from __future__ import annotations

from pathlib import Path

from hmmrnn import cells
from hmmrnn.analysis import kick, kick_search, mu_sweep
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.plotting import plt, save
from hmmrnn.subject import KICK_GROUP, kick_groups


def recipe(s, reading: str) -> dict:
    if reading == "paper":
        sweeps = s.shared(mu_sweep.sweep, s.model, kick_groups(s), grid=s.mu_grid, max_size=KICK_GROUP)
        stats = mu_sweep.paper_statistics(sweeps)
        stats["kick_critical_run_ratio"] = stats["kick_critical_run_mu0"] / max(stats["kick_critical_run_mu1"], 1e-12)
        stats.update({"grid": s.mu_grid, "per_direction": mu_sweep.per_direction(sweeps),
                      "_plot": mu_sweep.plot_data(sweeps)})
        return stats
    found = kick_groups(s)
    effects = kick.ablation(s.model, found, seed=s.seed)
    stats = kick.summary(found, effects, kick.example_trace(s.model, found, seed=s.seed))
    stats["trap_size"] = kick.trap_size(s.model, seed=s.seed)  # reported, not thresholded
    # whose fault when the discovered triplet does not trap: a greedy search by ablation, held-out ratio
    searched = kick_search.greedy_group(s.model, found, seed=s.seed, size=KICK_GROUP)
    stats.update(kick_search.summary(effects, searched, CLAIM.threshold("max_ablated_ratio")))
    return stats


def figure(d: dict, path: Path, title: str) -> Path:
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
    return save(fig, path)


def paper_figure(d: dict, path: Path, title: str) -> Path:
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
    return save(fig, path)


CLAIM = Claim(
    id="kick.ablation-traps", title="Silencing the kick neurons traps the trajectory in its cluster",
    section="5, Fig 7",
    statistic="kick groups discovered per switch direction; switch hazard from deep-cluster states with the "
              "group's activity forced to 0, vs activity-matched random non-kick neurons, vs the opposite direction",
    thresholds=(T("max_ablated_ratio", "<=", 0.10, "SPEC: rate drops to <= 10% of intact", ("P61", "P71")),
                T("min_random_ratio", ">=", 0.50, "SPEC: specificity", ("P71",)),
                T("min_opposite_ratio", ">=", 0.50, "SPEC: selectivity", ("P55",))),
    strict_reports=("P66",),
    controls=("untrained", "pre-bifurcation", "shuffled"), key="max_ablated_ratio",
    notes=("reported, not thresholded: trap_size (smallest discovered group that traps every direction) and, "
           "per direction, a greedy search by ablation over every neuron for a group of 3, chosen on half the "
           "cluster starts and judged on the other half: 'harness' where it traps and the discovered group "
           "does not (discovery missed the kick neurons), 'model' where neither traps",),
    paper=Reading(
        "paper", "the authors' Fig 7 protocol (analysis.mu_sweep): per direction, mu x the recurrent drive into the kick "
                 "triplet, x the input drive into its integrating population (60 strongest inputs per kick neuron), x "
                 "the input drive into the control population; switch rate from 64 cluster starts x 4 rollouts, "
                 "critical pairs of a 1000-step run; the triplet that decides P61 is chosen by ablation among the "
                 "discovered candidates on half the starts and judged on the other half",
        (T("searched_mu0_ratio", "<=", 0.10, "silencing traps: rate <= 10% of intact (SPEC's cut; the paper shows "
           "trajectories, no number), held-out starts", ("P61",)),
         T("integrating_mu0_ratio", "<=", 0.10, "removing the population's input noise traps too", ("P62",)),
         T("mirror_correlation", ">=", 0.8, "the two rate-vs-mu curves mirror each other (strong correlation, a "
           "convention fixed before the held-out fixtures ran)", ("P63",)),
         T("kick_critical_run_ratio", "<=", 0.5, "ablation removes critical pairs: at most half the intact count per "
           "step", ("P64",)),
         T("kick_switches_mu0", "==", 0, "the orbit collapses: the 1000-step run at mu = 0 never switches", ("P65",)),
         T("kick_mu2_ratio", ">", 1.0, "doubling the kick drive speeds transitions", ("P66",)),
         T("kick_overshoot_gain", ">", 0.0, "and overshoots beyond the target cluster more than intact", ("P66",)),
         T("integrating_mu2_ratio", ">", 1.0, "doubling the population's noise drive speeds transitions", ("P67",)),
         T("integrating_overshoot_gain", ">", 0.0, "and overshoots more than intact", ("P67",)),
         T("critical_run_mu2_over_mu1", ">=", 0.8, "critical pairs unchanged at mu = 2 (within 25%)", ("P69",)),
         T("critical_run_mu2_over_mu1", "<=", 1.25, "critical pairs unchanged at mu = 2 (within 25%)", ("P69",)),
         T("control_rate_range", "<=", 0.2, "the control manipulation changes nothing: its rate moves less than 20% "
           "of intact over mu", ("(control)",))),
        controls=("untrained", "pre-bifurcation", "shuffled"), reports=("P71",),
        notes=("coarse mu grid {0, 0.5, 1, 1.5, 2} by default (--mu-grid full: 0, 0.1, ..., 2); on linear2-seed0 the "
               "rate ratios at the shared mu values are identical and the curve statistics move by < 0.005",),
        figure=paper_figure),
    recipe=recipe, figure=figure, central="kick neurons whose silencing traps the trajectory",
    cells=(cells.analogue(cells.KICK_ANALOGUE),
           cells.analogue(f"{cells.KICK_ANALOGUE}; the mu sweep's critical pairs from the cell's own Jacobian under "
                          f"the recurrent multiplier ({cells.JACOBIAN}); integrating populations from "
                          f"{cells.UNIT_WEIGHTS}; the overshoot projects the full state (the LSTM's cat(h, c), "
                          f"which its readout does not see) on the cluster-to-cluster direction", on=":paper")),
)
