"""The paper readings' statistics: brute-force oracles and known answers (REFERENCE section 6)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import nets
from hmmrnn.analysis import convergence, emergence, fixed_point, noise, orbit, second_order
from hmmrnn.analysis.common import noise_run, seed_for
from hmmrnn.analysis.residency import CLUSTER, TRANSITION
from hmmrnn.registry import ClaimError, Reading, Threshold, get
from hmmrnn.rnn import RNN

torch.set_num_threads(1)
H, D = 10, 4


def tiny(seed=0, gain=1.0) -> RNN:
    return nets.tiny(seed, hidden=H, inputs=D, gain=gain)


# ---------------------------------------------------------------- second order: the authors' recursion

def _recursion_oracle(m: RNN, seed: int, n_states: int, steps: int, trials: int, s: float) -> np.ndarray:
    """One state and one trial at a time in float64, the recursion written out as REFERENCE section 6 says."""
    run = noise_run(m, 4, n_states // 4 + 1, seed_for(seed, "d2-paper-run"))
    H0 = run.states.reshape(-1, m.hidden)[:n_states].double().numpy()
    W, Wi = m.weight_hh.double().numpy(), m.weight_ih.double().numpy()
    g = torch.Generator().manual_seed(seed_for(seed, "d2-paper-draws"))
    xi = torch.randn(trials, steps, m.inputs, generator=g).double().numpy()
    total = np.zeros(m.hidden)
    for h0 in H0:
        for k in range(trials):
            h, d1, d2 = h0.copy(), np.zeros(m.hidden), np.zeros(m.hidden)
            for t in range(steps):
                pre = W @ h
                gate = (pre > 0).astype(float)
                d2 = gate * (W @ d2) + 0.5 * W @ (d1**2 * (h > 0))
                d1 = gate * (W @ d1 + Wi @ (s * xi[k, t]))
                h = np.maximum(pre, 0)
            total += d2
    return total / (len(H0) * trials)


def test_paper_recursion_matches_loop_oracle():
    m = tiny(1, gain=2.0)
    out = second_order.paper_recursion(m, seed=3, n_states=8, steps=4, trials=3, sigmas=(0.5, 1.0, 2.0))
    for s, norm in zip((0.5, 1.0, 2.0), out["norms"]):
        assert norm == pytest.approx(np.linalg.norm(_recursion_oracle(m, 3, 8, 4, 3, s)), rel=1e-9)
    assert out["variance_exponent"] == pytest.approx(1.0, abs=1e-9)  # quadratic in s by construction


# ---------------------------------------------------------------- orbit: ring statistics

def test_ring_stats_known_answers():
    rng = np.random.default_rng(0)
    ang = rng.uniform(0, 2 * np.pi, 4000)
    ring = np.c_[np.cos(ang), np.sin(ang)] * rng.normal(1, 0.05, (4000, 1))
    r = orbit.ring_stats(ring, np.zeros(2))
    assert r["sector_coverage"] == 1.0 and r["centre_density_ratio"] == 0.0
    blob = rng.normal(0, 1, (4000, 2))  # a cloud centred on the fixed point: denser there than on the "ring"
    b = orbit.ring_stats(blob, np.zeros(2))
    assert b["sector_coverage"] == 1.0 and b["centre_density_ratio"] > 1.0
    off = orbit.ring_stats(ring + 5.0, np.zeros(2))  # a ring that does not surround the fixed point
    assert off["sector_coverage"] <= 3 / 12


# ---------------------------------------------------------------- fixed point: the authors' 100 on-orbit starts

def test_paper_collapse_single_vs_ray_of_fixed_points():
    m = tiny(2)
    m.weight_hh.mul_(0.5 / torch.linalg.matrix_norm(m.weight_hh, ord=2))  # contracting: one fixed point
    out = fixed_point.paper_collapse(m, seed=0, n_starts=40, steps=300)
    assert out["end_spread"] < 1e-6 and out["distinct_end_points"] == 1
    line = tiny(3)  # W = u u^T / |u|^2 with u > 0: every non-negative multiple of u is a fixed point
    u = torch.rand(H, generator=torch.Generator().manual_seed(0)) + 0.1
    line.weight_hh.copy_(torch.outer(u, u) / u.dot(u))
    out = fixed_point.paper_collapse(line, seed=0, n_starts=40, steps=300)
    assert out["distinct_end_points"] > 1 and out["end_spread"] > 1e-2


# ---------------------------------------------------------------- noise: the authors' protocol

def test_paper_noise_protocol_identical_rollouts_at_g0():
    m = tiny(4, gain=1.5)
    loc = noise_run(m, 1, 50, 0).states[0]
    zones = np.full(50, CLUSTER)
    zones[::7] = TRANSITION
    out = noise.paper_protocol(m, zones, loc, seed=1, rollouts=20, steps=5)
    assert out["cluster_trace"][0] == pytest.approx(0, abs=1e-9)  # g = 0: the same noise in every rollout
    assert out["transition_trace"][0] == pytest.approx(0, abs=1e-9)
    assert out["cluster_trace"][-1] > 0 and 0.0 <= out["cluster_switch_fraction"] <= 1.0
    with pytest.raises(ClaimError, match="no transition location"):
        noise.paper_protocol(m, np.full(50, CLUSTER), loc, seed=1)


# ---------------------------------------------------------------- convergence rule

def _history(levels):
    return [{"epoch": e + 1, "val": v} for e, v in enumerate(levels)]


def test_convergence_loss_rule_known_answers():
    plateau_then_descent = [10.0] * 60 + [6.0] * 60
    r = convergence.loss_rule(_history(plateau_then_descent))
    assert r["descent"] == pytest.approx(0.4) and r["late_change"] == 0.0
    stuck = convergence.loss_rule(_history([10.0] * 120))
    assert stuck["descent"] == 0.0
    falling = convergence.loss_rule(_history([10.0] * 60 + list(np.linspace(8, 4, 60))))
    assert falling["late_change"] > convergence.FLAT
    with pytest.raises(ClaimError, match="at least 90"):
        convergence.loss_rule(_history([1.0] * 50))


# ---------------------------------------------------------------- emergence: the authors' bifurcation epoch

def test_paper_bifurcation_is_first_jump_over_002():
    rows = [{"epoch": e, "critical_fraction_input": c, "volatility": v}
            for e, c, v in [(0, 0.0, 0.3), (20, 0.01, 0.3), (40, 0.05, 0.2), (60, 0.2, 0.1), (80, 0.2, 0.1),
                            (100, 0.21, 0.1), (120, 0.2, 0.1), (140, 0.2, 0.11)]]
    out = emergence.paper_reading(rows, loss_epoch=60)
    assert out["paper_bifurcation_epoch"] == 40  # 0.01 -> 0.05 is the first rise > 0.02
    assert out["paper_gap_checkpoints"] == 1.0 and out["paper_jump_size"] == pytest.approx(0.15)
    late = [0.2, 0.1, 0.1, 0.1, 0.1, 0.11]  # the last 6 checkpoints
    assert out["paper_late_rate_spread"] == pytest.approx((0.2 - 0.1) / np.mean(late))


def test_critical_fraction_with_explicit_gating_oracle():
    m = tiny(5, gain=3.0)
    X = noise_run(m, 2, 20, 0).states.reshape(-1, H)
    active = torch.rand(X.shape, generator=torch.Generator().manual_seed(1)) > 0.3
    W = m.weight_hh.double().numpy()
    hits = 0
    for a in active.numpy():
        idx = np.nonzero(a)[0]
        if len(idx) < 2:
            continue
        lam = np.linalg.eigvals(W[np.ix_(idx, idx)])
        mm = (lam - 1) / (lam + 1)
        hits += bool(((np.abs(mm.real) < 0.1) & (mm.imag > 0.05)).any())
    assert emergence.critical_fraction(m, X, active) == pytest.approx(hits / len(X))


# ---------------------------------------------------------------- registry: readings and rows

def test_row_verdicts_fail_only_the_rows_of_failed_thresholds():
    rd = Reading("paper", "", (Threshold("a", ">", 0, "", ("P1", "P2")), Threshold("b", "<", 1, "", ("P3",))),
                 reports=("P9",))
    assert rd.covers == ("P1", "P2", "P3")
    assert rd.row_verdicts({"a": 1, "b": 2}) == {"P1": "pass", "P2": "pass", "P3": "fail", "P9": "reported"}
    assert rd.row_verdicts({"a": float("nan"), "b": 0}) == {"P1": "fail", "P2": "fail", "P3": "pass", "P9": "reported"}


def test_every_claim_has_two_readings_that_cover_inventory_rows():
    from hmmrnn.inventory import ids
    from hmmrnn.registry import all_claims
    known = set(ids())
    for c in all_claims():
        assert [r.name for r in c.readings()] == ["paper", "strict"], c.id
        for rd in c.readings():
            assert rd.covers and set(rd.covers + rd.reports) <= known, (c.id, rd.name)
            for ctl, why in rd.indistinguishable:
                assert why and ctl not in rd.controls, (c.id, ctl)
    assert get("kick.ablation-traps").reading("paper").threshold("searched_mu0_ratio") == 0.10


# ---------------------------------------------------------------- late training: RUN@EPOCH names

def test_evolution_checkpoints_are_named_by_run_and_epoch(tmp_path):
    from hmmrnn.cases import from_paths
    for rel in ("linear2-seed0/evolution/epoch_0480.pt", "linear2-seed0/evolution/epoch_0500.pt",
                "linear2-seed0/final.pt", "other/model.pt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    names = [c.name for c in from_paths([str(tmp_path / p) for p in (
        "linear2-seed0/evolution/epoch_0480.pt", "linear2-seed0/evolution/epoch_0500.pt",
        "linear2-seed0/final.pt", "other/model.pt")], None)]
    assert names == ["linear2-seed0@480", "linear2-seed0@500", "linear2-seed0", "other"]
