"""Recipes of the claims of the mechanism in every family and chain, and of the perturbative analysis (see
recipes.py)."""
from __future__ import annotations

import numpy as np

from .analysis import families, second_order
from .analysis.convergence import DESCENT, converged_at, loss_rule
from .controls import bifurcation_epoch
from .errors import ClaimError
from .subject import orbit_paper, orbit_strict
from .registry import get
from .runs import load_evolution

QUORUM = {"strict": "half", "paper": "one"}
CONFIGURATIONS = ["linear:2", "linear:3", "linear:4", "linear:5", "fully:3", "cyclic:4"]


def _profile(name: str, model, seed: int) -> dict:  # keyed by the member's name in the cohort's cache
    return families.profile(model, seed)


def profiles(s) -> tuple[dict, dict, dict]:
    """Each member's profile (computed once per cohort, shared by its claims), HMM and convergence."""
    return ({name: s.shared(_profile, name, model) for name, hmm, model in s.members},
            {name: hmm for name, hmm, model in s.members},
            {name: converged_at(s.member_paths[name]) if name in s.member_paths else None for name, _, _ in s.members})


def _every_group(part: str, of: str, by: str, need: list[str]):
    def recipe(s, reading: str) -> dict:
        prof, hmms, conv = profiles(s)
        groups = {n: families.group_of(h, by) for n, h in hmms.items()}
        return families.holds_in_groups(prof, groups, part, get(of).reading("strict"), need, QUORUM[reading], conv)
    return recipe


zones_every_family = _every_group("zones", "residency.three-zones", "family", ["linear", "fully", "cyclic"])
noise_every_chain = _every_group("noise", "noise.cluster-vs-transition", "name", CONFIGURATIONS[:4])
kick_every_configuration = _every_group("kick", "kick.ablation-traps", "name", CONFIGURATIONS)


def chain_length(s) -> dict:
    prof, hmms, conv = profiles(s)
    return families.slow_region_counts(prof, {n: h.n_states for n, h in hmms.items()}, conv)


def _exponent(scales, radii) -> float:
    return float(np.polyfit(np.log(np.asarray(scales, float) ** 2), np.log(np.maximum(radii, 1e-300)), 1)[0])


def perturbative(measured: dict, predicted: dict) -> dict:
    r = _exponent(measured["scales"], measured["radii"])
    d = float(predicted["variance_exponent"])
    return {"radius_exponent": r, "d2_exponent": d, "exponent_gap": abs(r - d),
            "_plot": {"scales": measured["scales"], "radii": measured["radii"], "sigmas": predicted["sigmas"],
                      "norms": predicted["norms"]}}


def dominance(s) -> dict:
    return s.shared(_dominance, s.path)


def _dominance(path: str, seed: int) -> dict:
    evo = load_evolution(path)
    if not evo.history:
        raise ClaimError(f"{path}: no loss history, so no bifurcation epoch to split its checkpoints at")
    try:
        descent = loss_rule(evo.history)["descent"]
    except (ValueError, IndexError, ClaimError) as e:
        raise ClaimError(f"{path}: its loss history cannot show a second descent ({e})") from None
    if descent < DESCENT:  # the convergence rule's cut: without a second descent there is no transition to split at
        raise ClaimError(f"{path}: no second descent in the loss (descent {descent:.2f} < {DESCENT}), so no "
                         f"transition to compare the checkpoints across")
    return second_order.over_training(evo.epochs, evo.models, bifurcation_epoch(evo.history), seed)


def perturbative_strict(s) -> dict:  # the responses the second-order claim reads (shared)
    return perturbative(orbit_strict(s), s.shared(second_order.displacement, s.model))


def perturbative_paper(s) -> dict:
    return perturbative(orbit_paper(s), s.shared(second_order.paper_recursion, s.model))


RECIPES = {
    ("zones.every-family", "strict"): lambda s: zones_every_family(s, "strict"),
    ("zones.every-family", "paper"): lambda s: zones_every_family(s, "paper"),
    ("noise.every-chain", "strict"): lambda s: noise_every_chain(s, "strict"),
    ("noise.every-chain", "paper"): lambda s: noise_every_chain(s, "paper"),
    ("kick.every-configuration", "strict"): lambda s: kick_every_configuration(s, "strict"),
    ("kick.every-configuration", "paper"): lambda s: kick_every_configuration(s, "paper"),
    ("clusters.chain-length", "strict"): chain_length,
    ("clusters.chain-length", "paper"): chain_length,
    ("second-order.perturbative", "strict"): perturbative_strict,
    ("second-order.perturbative", "paper"): perturbative_paper,
    ("training.second-order-dominance", "strict"): dominance,
    ("training.second-order-dominance", "paper"): dominance,
}
