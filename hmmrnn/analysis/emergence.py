"""Paper 4.1, Fig 4 and 16: emergence during training, over a run's evolution checkpoints.

At each checkpoint: the orbit claim's own statistics at input scale 1, the fraction of visited
states whose Jacobian diag(W_hh h > 0) W_hh has a critical eigenvalue pair (Moebius m = (l-1)/(l+1):
|Re m| < 0.1, Im m > 0.05), and the sampled output volatility. The orbit's bifurcation epoch is the
first checkpoint that passes the orbit claim's rotation and planarity thresholds; it is compared with the loss's
second descent (controls.bifurcation_epoch), found from the loss alone.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ..checkpoint import load, run_history
from ..controls import bifurcation_epoch
from ..hmm import HMM, expected_volatility, train_seq_len
from ..registry import ClaimError
from ..rnn import RNN
from ..registry import ModelDiverged
from .common import noise_run, seed_for
from .emission import rnn_sample
from .orbit import ROTATION, has_orbit, rotation_stats


def critical_fraction(model: RNN, states: torch.Tensor, active: torch.Tensor | None = None) -> float:
    """Fraction of states [N, H] whose Jacobian (active block of W_hh) has a critical pair. Gating: by default
    noise-free (W_hh h > 0, as residency.unstable_directions); ``active`` [N, H] gives it explicitly (the
    authors gated with the input term: the pre-activation of the next step > 0)."""
    W = model.weight_hh.double()
    if active is None:
        drive = states.double() @ W.T
        if model.bias_h is not None:
            drive = drive + model.bias_h.double()
        active = drive > 0
    hits = 0
    for a in active:
        idx = a.nonzero()[:, 0]
        if len(idx) < 2:
            continue
        lam = torch.linalg.eigvals(W[idx][:, idx])
        m = (lam - 1) / (lam + 1)
        hits += bool(((m.real.abs() < 0.1) & (m.imag > 0.05)).any())
    return hits / len(states)


@torch.no_grad()
def checkpoint_stats(model: RNN, hmm: HMM, seed: int) -> dict:
    """Orbit statistics (as the orbit claim computes them), critical-pair fraction, sampled volatility."""
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
                "volatility": volatility, "diverged": True}
    run = noise_run(model, 4, 200, seed_for(seed, "emerge"))
    X = run.states[:, :-1].reshape(-1, model.hidden)
    nxt = run.preacts[:, 1:].reshape(-1, model.hidden) > 0  # gating of the step after each state, input included
    pick = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))[:150]
    return {**o, "critical_fraction": critical_fraction(model, X[pick]),
            "critical_fraction_input": critical_fraction(model, X[pick], nxt[pick]),
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


def evolution_series(final_path: str, meta: dict | None = None) -> list[Path]:
    """The evolution checkpoints of the run that wrote final_path (its metadata: ``meta``, read when not
    given), oldest first. A run continued from another checkpoint (``training.continue_from``) starts with the
    source run's checkpoints up to the epoch it went on from, found by the recorded path or, moved with the
    fixtures, beside this run."""
    here = Path(final_path).parent
    evo = sorted(here.glob("evolution/epoch_*.pt"))
    if meta is None:
        meta = load(final_path).meta if Path(final_path).exists() else {}
    src = (meta.get("training") or {}).get("continue_from")
    if src:
        rec = Path(src["path"])
        for cand in (rec, here.parent / rec.parent.name / rec.name):
            if cand.exists() and cand.resolve() != Path(final_path).resolve():
                evo = [p for p in evolution_series(str(cand)) if _epoch(p) <= int(src["epoch"])] + evo
                break
    return evo


def _epoch(p: Path) -> int:
    return int(p.stem.split("_")[1])


def local_spacing(epochs: list[int], at: int, reach: int) -> int:
    """The largest step between consecutive evolution epochs on the stretch [at - reach, at + reach] (with the
    checkpoints that bracket it): the resolution with which an event near epoch ``at`` can be dated."""
    pairs = [(a, b) for a, b in zip(epochs, epochs[1:]) if b >= at - reach and a <= at + reach]
    return max((b - a for a, b in pairs), default=0)


def emergence(final_path: str, hmm: HMM, seed: int, orbit_rule: dict, max_spacing: int | None = None) -> dict:
    """Statistics per evolution checkpoint of the run (``evolution_series``), the two bifurcation epochs, and
    the before/after contrast of the critical-pair fraction. ``max_spacing``: the largest epoch step between
    evolution checkpoints around the loss's second descent that can still resolve the claim's epoch gap (a
    coarser series there is an ERROR; coarse stretches elsewhere do not matter)."""
    meta = load(final_path).meta
    evo = evolution_series(final_path, meta)
    if len(evo) < 4:
        raise ClaimError(f"{final_path}: needs evolution checkpoints in evolution/ beside it, found {len(evo)}")
    history = run_history(final_path, meta) or load(evo[-1]).meta.get("history")
    if not history:
        raise ClaimError(f"{final_path}: no loss history in its metadata")
    loss_epoch = bifurcation_epoch(history)
    if max_spacing is not None:
        step = local_spacing([_epoch(p) for p in evo], loss_epoch, max_spacing)
        if step > max_spacing:
            raise ClaimError(f"{final_path}: evolution checkpoints {step} epochs apart around the loss's second "
                             f"descent (epoch {loss_epoch}) cannot resolve an epoch gap of {max_spacing}")
    rows = []
    for p in evo:
        ck = load(p)
        rows.append({"epoch": int(ck.meta.get("epoch", p.stem.split("_")[1])),
                     **checkpoint_stats(ck.model, hmm, seed)})
    on = [r["epoch"] for r in rows if has_orbit(r, orbit_rule)]
    orbit_epoch = on[0] if on else None
    later = [has_orbit(r, orbit_rule) for r in rows if orbit_epoch is not None and r["epoch"] > orbit_epoch]
    before = [r["critical_fraction"] for r in rows if orbit_epoch is not None and r["epoch"] < orbit_epoch]
    after = [r["critical_fraction"] for r in rows if orbit_epoch is not None and r["epoch"] >= orbit_epoch]
    vol = np.array([r["volatility"] for r in rows])
    target = expected_volatility(hmm, train_seq_len(hmm))
    return {
        "checkpoints": len(rows),
        "orbit_epoch": orbit_epoch if orbit_epoch is not None else float("nan"),
        "loss_descent_epoch": loss_epoch,
        "epoch_gap": abs(orbit_epoch - loss_epoch) if orbit_epoch is not None else float("nan"),
        "orbit_stays_fraction": float(np.mean(later)) if later else float("nan"),
        "orbit_at_final": bool(has_orbit(rows[-1], orbit_rule)),
        "critical_before": float(np.nanmean(before)) if before else float("nan"),
        "critical_after": float(np.nanmean(after)) if after else float("nan"),
        "critical_jump": float(np.nanmean(after) - np.nanmean(before)) if before and after else float("nan"),
        "final_volatility_err": float(abs(vol[-1] - target)),
        "late_volatility_spread": float(np.nanmax(vol[-4:]) - np.nanmin(vol[-4:])) if np.isfinite(vol[-4:]).any()
        else float("nan"),
        "hmm_volatility": float(target),
        **paper_reading(rows, loss_epoch, local_spacing([r["epoch"] for r in rows], loss_epoch, max_spacing or 30)),
        "_plot": {"rows": rows, "history": history, "orbit_epoch": orbit_epoch, "loss_epoch": loss_epoch,
                  "target_volatility": target},
    }
