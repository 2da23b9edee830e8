"""Paper 4.1, Fig 4 and 16: emergence during training, over a run's evolution checkpoints.

At each checkpoint: rotation of the noise-driven state (as in the orbit claim), the fraction of visited
states whose Jacobian diag(W_hh h > 0) W_hh has a critical eigenvalue pair (Moebius m = (l-1)/(l+1):
|Re m| < 0.1, Im m > 0.05), and the sampled output volatility. The orbit's bifurcation epoch is the
first checkpoint whose rotation passes the orbit claim's thresholds; it is compared with the loss's
second descent (controls.bifurcation_epoch), found from the loss alone.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ..checkpoint import load
from ..controls import bifurcation_epoch
from ..hmm import HMM, expected_volatility, train_seq_len
from ..registry import ClaimError
from ..rnn import RNN, draw_noise, rollout
from .common import seed_for
from .emission import rnn_sample
from .orbit import rotation


def critical_fraction(model: RNN, states: torch.Tensor) -> float:
    """Fraction of states whose Jacobian (active block of W_hh) has a critical pair."""
    W = model.weight_hh.double()
    active = (states.double() @ W.T) > 0
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
def checkpoint_stats(model: RNN, hmm: HMM, seed: int, steps: int = 400, batch: int = 4) -> dict:
    noise = draw_noise(batch, steps + 50, model.inputs, seed_for(seed, "emerge"))
    st = rollout(model, noise).states[:, 50:]
    if not torch.isfinite(st).all():
        return {"rotation_coherence": float("nan"), "revolutions_per_1000": float("nan"),
                "critical_fraction": float("nan"), "volatility": float("nan"), "diverged": True}
    X = st.reshape(-1, model.hidden)
    Xc = X - X.mean(0)
    _, _, V = torch.pca_lowrank(Xc, q=2, center=False)
    proj = (Xc @ V[:, :2]).reshape(batch, steps, 2).numpy()
    coh, revs = rotation(proj, np.zeros(2))
    sub = X[torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))[:150]]
    L = train_seq_len(hmm)
    seqs = rnn_sample(model, 400, L, seed)
    return {"rotation_coherence": coh, "revolutions_per_1000": revs, "critical_fraction": critical_fraction(model, sub),
            "volatility": float((seqs[:, 1:] != seqs[:, :-1]).mean()), "diverged": False}


def emergence(final_path: str, hmm: HMM, seed: int, coherence_min: float, revs_min: float) -> dict:
    """Statistics per evolution checkpoint beside final_path, the two bifurcation epochs, and the
    before/after contrast of the critical-pair fraction."""
    evo = sorted(Path(final_path).parent.glob("evolution/epoch_*.pt"))
    if len(evo) < 4:
        raise ClaimError(f"{final_path}: needs evolution checkpoints in evolution/ beside it, found {len(evo)}")
    rows = []
    for p in evo:
        ck = load(p)
        rows.append({"epoch": int(ck.meta.get("epoch", p.stem.split("_")[1])),
                     **checkpoint_stats(ck.model, hmm, seed)})
    history = load(final_path).meta.get("history") or load(evo[-1]).meta.get("history")
    if not history:
        raise ClaimError(f"{final_path}: no loss history in its metadata")
    loss_epoch = bifurcation_epoch(history)
    on = [r["epoch"] for r in rows if r["rotation_coherence"] >= coherence_min and r["revolutions_per_1000"] >= revs_min]
    orbit_epoch = on[0] if on else None
    before = [r["critical_fraction"] for r in rows if orbit_epoch is not None and r["epoch"] < orbit_epoch]
    after = [r["critical_fraction"] for r in rows if orbit_epoch is not None and r["epoch"] >= orbit_epoch]
    vol = np.array([r["volatility"] for r in rows])
    target = expected_volatility(hmm, train_seq_len(hmm))
    return {
        "checkpoints": len(rows),
        "orbit_epoch": orbit_epoch if orbit_epoch is not None else float("nan"),
        "loss_descent_epoch": loss_epoch,
        "epoch_gap": abs(orbit_epoch - loss_epoch) if orbit_epoch is not None else float("nan"),
        "orbit_stays": bool(orbit_epoch is not None and all(
            r["rotation_coherence"] >= coherence_min for r in rows if r["epoch"] >= orbit_epoch)),
        "critical_before": float(np.nanmean(before)) if before else float("nan"),
        "critical_after": float(np.nanmean(after)) if after else float("nan"),
        "critical_jump": float(np.nanmean(after) - np.nanmean(before)) if before and after else float("nan"),
        "final_volatility_err": float(abs(vol[-1] - target)),
        "late_volatility_spread": float(np.nanmax(vol[-4:]) - np.nanmin(vol[-4:])),
        "hmm_volatility": float(target),
        "_plot": {"rows": rows, "history": history, "orbit_epoch": orbit_epoch, "loss_epoch": loss_epoch,
                  "target_volatility": target},
    }
