"""Paper 3.2, App. C: the RNN reproduces the HMM's emission statistics.

RNN sequences are categorical samples of softmax(logits) at t = 1..L (the first symbol after the first
input; never the uniform t = 0 symbol of the authors' pipeline). They are compared with the EXACT
statistics of the HMM matrices; tolerances come from the spread of HMM-vs-exact over HMM samples of the
same size, with an absolute floor.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from ..hmm import HMM, expected_volatility, output_marginal, output_transition_matrix, sample, train_seq_len
from ..rnn import RNN, draw_noise, rollout
from .common import require_finite, seed_for


@torch.no_grad()
def rnn_sample(model: RNN, n: int, length: int, seed: int) -> np.ndarray:
    """n output sequences [n, L] of the RNN, categorical samples of softmax(logits)."""
    logits = rollout(model, draw_noise(n, length, model.inputs, seed_for(seed, "emit-noise")),
                     record="logits").logits
    # samples of softmax(logits) are well defined for any finite logits: only inf/NaN is a divergence
    require_finite(logits, f"activity over {length} steps", bound=float("inf"))
    g = torch.Generator().manual_seed(seed_for(seed, "emit-cat"))
    probs = torch.softmax(logits, -1).reshape(-1, logits.shape[-1])
    return torch.multinomial(probs, 1, generator=g).reshape(n, length).numpy()


def empirical(seqs: np.ndarray, n_out: int) -> dict:
    """Marginal frequencies [O], successive-symbol transition matrix [O, O], volatility."""
    marg = np.bincount(seqs.ravel(), minlength=n_out) / seqs.size
    pairs = np.zeros((n_out, n_out))
    np.add.at(pairs, (seqs[:, :-1].ravel(), seqs[:, 1:].ravel()), 1)
    rows = pairs.sum(1, keepdims=True)
    trans = np.where(rows > 0, pairs / np.where(rows > 0, rows, 1), np.nan)
    return {"marginal": marg, "transition": trans, "volatility": float((seqs[:, 1:] != seqs[:, :-1]).mean()),
            "row_counts": rows[:, 0]}


def errors(emp: dict, exact: dict, min_row: int = 200) -> dict:
    """Max abs errors against exact values; transition rows seen fewer than min_row times are skipped."""
    ok = emp["row_counts"] >= min_row
    return {"marginal_err": float(np.abs(emp["marginal"] - exact["marginal"]).max()),
            "transition_err": float(np.nanmax(np.abs(emp["transition"] - exact["transition"])[ok])) if ok.any() else float("nan"),
            "volatility_err": float(abs(emp["volatility"] - exact["volatility"]))}


def matched_distance(a: np.ndarray, b: np.ndarray, n_out: int) -> float:
    """Mean Euclidean distance between optimally matched one-hot sequences of two equal-size sets (the
    exact assignment that the Sinkhorn plan approximates at small blur)."""
    oa = np.eye(n_out)[a].reshape(len(a), -1)
    ob = np.eye(n_out)[b].reshape(len(b), -1)
    D = cdist(oa, ob)
    r, c = linear_sum_assignment(D)
    return float(D[r, c].mean())


def agreement(model: RNN, hmm: HMM, seed: int, n: int = 5000, length: int | None = None,
              n_baseline: int = 20, n_match: int = 1000, tol_factor: float = 3.0, floor: float = 0.01) -> dict:
    """Errors of the RNN's emission statistics against the exact HMM values, with tolerances from the
    HMM-vs-exact spread: max(tol_factor x its maximum over n_baseline samples of n sequences, floor)."""
    if model.outputs != hmm.n_outputs:
        raise ValueError(f"the network has {model.outputs} outputs, the HMM {hmm.n_outputs}")
    L = length or train_seq_len(hmm)
    exact = {"marginal": output_marginal(hmm, L), "transition": output_transition_matrix(hmm, L),
             "volatility": expected_volatility(hmm, L)}
    rnn = rnn_sample(model, n, L, seed)
    emp = empirical(rnn, hmm.n_outputs)
    err = errors(emp, exact)
    base = [errors(empirical(sample(hmm, n, L, seed_for(seed, f"emit-hmm{k}"))[1], hmm.n_outputs), exact)
            for k in range(n_baseline)]
    tol = {k: max(tol_factor * float(np.nanmax([b[k] for b in base])), floor) for k in err}
    h1 = sample(hmm, n_match, L, seed_for(seed, "emit-match1"))[1]
    h2 = sample(hmm, n_match, L, seed_for(seed, "emit-match2"))[1]
    d_rnn = matched_distance(rnn[:n_match], h1, hmm.n_outputs)
    d_base = matched_distance(h2, h1, hmm.n_outputs)
    return {
        "n_sequences": int(n), "length": int(L),
        **err,
        **{k.replace("_err", "_tol"): v for k, v in tol.items()},
        **{k.replace("_err", "_ratio"): err[k] / max(tol[k], 1e-12) for k in err},
        "matched_distance": d_rnn, "matched_distance_hmm": d_base,
        "matched_distance_ratio": d_rnn / max(d_base, 1e-12),
        "volatility_rel_err": err["volatility_err"] / max(exact["volatility"], 1e-12),
        "rnn_marginal": emp["marginal"].round(4).tolist(), "hmm_marginal": exact["marginal"].round(4).tolist(),
        "rnn_volatility": emp["volatility"], "hmm_volatility": exact["volatility"],
        "_plot": {"rnn": emp["transition"], "hmm": exact["transition"]},
    }
