"""Paper 4.1, Fig 4 and 16: emergence during training, over a run's evolution checkpoints.

At each checkpoint: the orbit claim's own statistics at input scale 1, the fraction of visited
states whose Jacobian diag(W_hh h > 0) W_hh has a critical eigenvalue pair (Moebius m = (l-1)/(l+1):
|Re m| < 0.1, Im m > 0.05), and the sampled output volatility. The orbit's bifurcation epoch is the
first checkpoint that passes the orbit claim's rotation and planarity thresholds; it is compared with the loss's
second descent (controls.bifurcation_epoch), found from the loss alone.
"""
from __future__ import annotations

import numpy as np
import torch

from ..controls import bifurcation_epoch
from ..hmm import HMM, expected_volatility, train_seq_len
from ..errors import ClaimError, ModelDiverged
from ..rnn import RNN
from ..runs import Evolution
from .common import noise_run, seed_for
from .emission import rnn_sample
from .jacobian import active_eigvals, critical_count, recurrent_active, state_eigvals
from .orbit import ROTATION, has_orbit, rotation_stats


def jacobian_fractions(model: RNN, states: torch.Tensor, active: torch.Tensor | None = None,
                       inputs: torch.Tensor | None = None) -> tuple[float, float]:
    """Fractions of states [N, S] whose Jacobian (active block of W_hh) has a critical pair, and that have an
    unstable direction (|lambda| > 1; paper Fig 4C: unstable eigenvalues emerge in training). Gating: by
    default noise-free (W_hh h > 0, as residency.unstable_directions); ``active`` [N, H] gives it explicitly
    (the authors gated with the input term: the pre-activation of the next step > 0). Another cell than the ReLU:
    its own step's Jacobian (jacobian.state_eigvals), input-free or with the next step's ``inputs`` [N, d]."""
    if model.cell != "relu":
        lams = state_eigvals(model, states, inputs)
    else:
        lams = active_eigvals(model.weight_hh.detach().double(),
                              recurrent_active(model, states) if active is None else active)
    critical = unstable = 0
    for lam in lams:
        if lam is not None:
            critical += critical_count(lam) > 0  # (one active unit: a real eigenvalue, never critical)
            unstable += bool((lam.abs() > 1).any())
    return critical / len(states), unstable / len(states)


def critical_fraction(model: RNN, states: torch.Tensor, active: torch.Tensor | None = None) -> float:
    """The first of jacobian_fractions: the fraction of states whose Jacobian has a critical pair."""
    return jacobian_fractions(model, states, active)[0]


@torch.no_grad()
def checkpoint_stats(model: RNN, hmm: HMM, seed: int) -> dict:
    """Orbit statistics (as the orbit claim computes them), critical-pair and unstable fractions, sampled
    volatility."""
    nan = float("nan")
    try:  # the emitted sequences stay defined when long runs diverge (sampled within the training length)
        seqs = rnn_sample(model, 400, train_seq_len(hmm), seed)
        volatility = float((seqs[:, 1:] != seqs[:, :-1]).mean())
    except ModelDiverged:
        volatility = nan
    try:
        o = rotation_stats(model, seed)
    except ModelDiverged:
        return {**dict.fromkeys(ROTATION, nan), "critical_fraction": nan, "critical_fraction_input": nan,
                "unstable_fraction": nan, "volatility": volatility, "diverged": True}
    run = noise_run(model, 4, 200, seed_for(seed, "emerge"))
    X = run.states[:, :-1].reshape(-1, model.state_size)
    nxt = run.preacts[:, 1:].reshape(-1, model.hidden) > 0  # gating of the step after each state, input included
    pick = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))[:150]
    critical, unstable = jacobian_fractions(model, X[pick])
    if model.cell == "relu":
        with_input = critical_fraction(model, X[pick], nxt[pick])
    else:  # the Jacobian of the step after each state, its input included
        with_input = jacobian_fractions(model, X[pick], inputs=run.noise[:, 1:].reshape(-1, model.inputs)[pick])[0]
    return {**o, "critical_fraction": critical, "unstable_fraction": unstable,
            "critical_fraction_input": with_input,
            "volatility": volatility, "diverged": False}


PAPER_JUMP = 0.02  # the authors' bifurcation: first rise of the critical-pair fraction by more than this


def paper_reading(rows: list[dict], loss_epoch: int, spacing: float | None = None) -> dict:
    """The authors' reading of the series: the bifurcation epoch is the first checkpoint whose input-gated
    critical-pair fraction exceeds the previous checkpoint's by more than PAPER_JUMP; its distance from the
    loss's second descent in checkpoint spacings; the transition rate's relative spread over the last 6
    checkpoints (converged: flat)."""
    ep = np.array([r["epoch"] for r in rows])
    cf = np.array([r.get("critical_fraction_input", float("nan")) for r in rows], dtype=float)
    jumps = np.nonzero(np.diff(cf) > PAPER_JUMP)[0]
    bif = int(ep[jumps[0] + 1]) if len(jumps) else None
    if spacing is None:  # the checkpoint spacing the gap is counted in (default: the largest step)
        spacing = float(np.diff(ep).max()) if len(ep) > 1 else float("nan")
    vol = np.array([r["volatility"] for r in rows])[-6:]
    return {"paper_bifurcation_epoch": bif if bif is not None else float("nan"),
            "paper_jump_size": float(np.nanmax(np.diff(cf))) if np.isfinite(np.diff(cf)).any() else float("nan"),
            "paper_gap_checkpoints": abs(bif - loss_epoch) / spacing if bif is not None else float("nan"),
            "paper_late_rate_spread": float((np.nanmax(vol) - np.nanmin(vol)) / max(np.nanmean(vol), 1e-12))}


def local_spacing(epochs: list[int], at: int, reach: int) -> int:
    """The largest step between consecutive evolution epochs on the stretch [at - reach, at + reach] (with the
    checkpoints that bracket it): the resolution with which an event near epoch ``at`` can be dated."""
    pairs = [(a, b) for a, b in zip(epochs, epochs[1:]) if b >= at - reach and a <= at + reach]
    return max((b - a for a, b in pairs), default=0)


def emergence(evo: Evolution, hmm: HMM, seed: int, orbit_rule: dict, max_spacing: int | None = None) -> dict:
    """Statistics per checkpoint of a run's evolution series (``runs.load_evolution``) and their summary.
    ``max_spacing``: the largest epoch step between evolution checkpoints around the loss's second descent that
    can still resolve the claim's epoch gap (a coarser series there is an ERROR; coarse stretches elsewhere do
    not matter)."""
    if len(evo.models) < 4:
        raise ClaimError(f"{evo.path}: needs evolution checkpoints in evolution/ beside it, found {len(evo.models)}")
    if not evo.history:
        raise ClaimError(f"{evo.path}: no loss history in its metadata")
    loss_epoch = bifurcation_epoch(evo.history)
    if max_spacing is not None:
        step = local_spacing(evo.epochs, loss_epoch, max_spacing)
        if step > max_spacing:
            raise ClaimError(f"{evo.path}: evolution checkpoints {step} epochs apart around the loss's second "
                             f"descent (epoch {loss_epoch}) cannot resolve an epoch gap of {max_spacing}")
    rows = [{"epoch": e, **checkpoint_stats(m, hmm, seed)} for e, m in zip(evo.epochs, evo.models)]
    target = expected_volatility(hmm, train_seq_len(hmm))
    return {**summarise(rows, loss_epoch, target, orbit_rule, max_spacing or 30),
            "_plot": {"rows": rows, "history": evo.history, "orbit_epoch": _orbit_epoch(rows, orbit_rule),
                      "loss_epoch": loss_epoch, "target_volatility": target}}


def _mean(x: list[float]) -> float:
    """np.nanmean, and NaN for no values or only NaN (without numpy's warning)."""
    x = np.asarray(x, dtype=float)
    return float(np.nanmean(x)) if (~np.isnan(x)).any() else float("nan")


def _orbit_epoch(rows: list[dict], orbit_rule: dict) -> int | None:
    on = [r["epoch"] for r in rows if has_orbit(r, orbit_rule)]
    return on[0] if on else None


def summarise(rows: list[dict], loss_epoch: int, target_volatility: float, orbit_rule: dict, reach: int = 30) -> dict:
    """The claim's statistics from per-checkpoint rows (oldest first: epoch, the ROTATION statistics,
    critical fractions, volatility): the orbit epoch (first row passing orbit_rule) against the loss's second
    descent, whether the orbit stays, the critical-pair and unstable fractions before and after it, the final
    and late volatility, and the paper reading (``reach``: the stretch around the descent its spacing is read on)."""
    orbit_epoch = _orbit_epoch(rows, orbit_rule)
    later = [has_orbit(r, orbit_rule) for r in rows if orbit_epoch is not None and r["epoch"] > orbit_epoch]
    before = [r["critical_fraction"] for r in rows if orbit_epoch is not None and r["epoch"] < orbit_epoch]
    after = [r["critical_fraction"] for r in rows if orbit_epoch is not None and r["epoch"] >= orbit_epoch]
    unstable_before = [r.get("unstable_fraction", np.nan) for r in rows if orbit_epoch is not None and r["epoch"] < orbit_epoch]
    unstable_after = [r.get("unstable_fraction", np.nan) for r in rows if orbit_epoch is not None and r["epoch"] >= orbit_epoch]
    vol = np.array([r["volatility"] for r in rows])
    return {
        "checkpoints": len(rows),
        "orbit_epoch": orbit_epoch if orbit_epoch is not None else float("nan"),
        "loss_descent_epoch": loss_epoch,
        "epoch_gap": abs(orbit_epoch - loss_epoch) if orbit_epoch is not None else float("nan"),
        "orbit_stays_fraction": float(np.mean(later)) if later else float("nan"),
        "orbit_at_final": bool(has_orbit(rows[-1], orbit_rule)),
        "critical_before": _mean(before), "critical_after": _mean(after),
        "critical_jump": _mean(after) - _mean(before),
        # reported (P27): the share of visited states with an unstable direction, before and after the orbit
        "unstable_before": _mean(unstable_before), "unstable_after": _mean(unstable_after),
        "unstable_jump": _mean(unstable_after) - _mean(unstable_before),
        "final_volatility_err": float(abs(vol[-1] - target_volatility)),
        "late_volatility_spread": float(np.nanmax(vol[-4:]) - np.nanmin(vol[-4:])) if np.isfinite(vol[-4:]).any()
        else float("nan"),
        "hmm_volatility": float(target_volatility),
        **paper_reading(rows, loss_epoch, local_spacing([r["epoch"] for r in rows], loss_epoch, reach)),
    }
