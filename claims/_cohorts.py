"""What the claims of the mechanism in every family and chain (decided across checkpoints: P22, P41, P52, P70)
share: the cohort they are decided over (ACROSS), each member's profile (computed once per cohort, shared by the
four claims), the per-group rule and its builder, and the per-group figure.

A member's profile (analysis.families.profile) is its zone map, noise sensitivity, kick ablation and slow regions,
on the noise claim's zone map (noise_cluster_vs_transition.ZONE_MAP) and the kick-group size of every claim
(hmmrnn.subject.KICK_GROUP): no zone-map or kick-group rule of its own. A group of members holds the per-checkpoint claim when its
converged members pass that claim's own strict thresholds: at least half of them (strict) or at least one (paper).
"""
from __future__ import annotations

from pathlib import Path

from hmmrnn.analysis import families
from hmmrnn.analysis.convergence import converged_at
from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.plotting import plt, save
from hmmrnn.claims import noise_cluster_vs_transition
from hmmrnn.subject import KICK_GROUP

ACROSS = "every-configuration"  # one cohort case: the four claims share one worker and each member's profile
PER_GROUP = ("one verdict over the run's trained checkpoints; only those converged by the loss rule count (the others "
             "are listed; the orbit claim's single-plane rotation rule is not the gate: fully/cyclic nets have one plane "
             "per output pair and fail it while converged). Each member is profiled once (analysis.families: a 1000-state zone "
             "map, noise sensitivity, the discovered kick groups' ablation); a member passes when the per-checkpoint "
             "claim's strict thresholds hold on it. ERROR names every group without a converged member.")
HALF = "at least half of each group's members pass (a majority of the seeds, as the replication summary counts)"
ONE = "at least one member per group passes (the authors showed one network per configuration, judged by eye)"

QUORUM = {"strict": "half", "paper": "one"}
CONFIGURATIONS = ["linear:2", "linear:3", "linear:4", "linear:5", "fully:3", "cyclic:4"]

# The members' zone map is the noise claim's (1000 states; the residency claim's 2000 cost twice as much per member)
PROFILE_ZONE_MAP = noise_cluster_vs_transition.ZONE_MAP


def _profile(name: str, model, seed: int) -> dict:  # keyed by the member's name in the cohort's cache
    return families.profile(model, seed, zone_map=PROFILE_ZONE_MAP, group_size=KICK_GROUP)


def profiles(s) -> tuple[dict, dict, dict]:
    """Each member's profile (computed once per cohort, shared by its claims), HMM and convergence."""
    return ({name: s.shared(_profile, name, model) for name, hmm, model in s.members},
            {name: hmm for name, hmm, model in s.members},
            {name: converged_at(s.member_paths[name]) if name in s.member_paths else None for name, _, _ in s.members})


def every_group(s, reading: str, part: str, of: Claim, by: str, need: list[str]) -> dict:
    """Whether every group (``by``: "family" or "name", the configuration) in ``need`` holds the per-checkpoint
    claim ``of`` on its members' ``part`` of their profiles, with this reading's quorum."""
    prof, hmms, conv = profiles(s)
    groups = {n: families.group_of(h, by) for n, h in hmms.items()}
    return families.holds_in_groups(prof, groups, part, of.reading("strict"), need, QUORUM[reading], conv)


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
    return save(fig, path)


def cohort(id, title, section, statistic, row, groups, of: Claim, applies_to=(), *, recipe) -> Claim:
    """A claim decided per group of checkpoints: every group holds the per-checkpoint claim `of`."""
    strict = (T("every_group_holds", "==", True, f"{HALF}; the thresholds are {of.id}'s own", (row,)),)
    paper = Reading("paper", statistic + "; any member per group",
                    (T("every_group_holds", "==", True, f"{ONE}; the thresholds are {of.id}'s own", (row,)),),
                    notes=(PER_GROUP,))
    return Claim(id=id, title=title, section=section, statistic=statistic + f"; groups: {groups}",
                 thresholds=strict, key="groups_holding", applies_to=applies_to, across=ACROSS,
                 notes=(PER_GROUP,), paper=paper, recipe=recipe, figure=per_group)
