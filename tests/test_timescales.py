"""Time scales and stochastic resonance (hmmrnn/analysis/timescales.py): autocorrelation times against AR(1)
processes, dwell CVs against geometric dwells, switch-aligned and dwell-phase averages on constructed switching
sequences, and the homogeneity that makes every dwell statistic flat in the input scale of a bias-free net (and
not of a biased one: the statistics can say no)."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from hmmrnn.analysis import timescales as ts
from hmmrnn.rnn import Intervention, draw_noise, rollout
from nets import tiny

torch.set_num_threads(1)


def ar1(phi: float, rows: int, steps: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.zeros((rows, steps))
    e = rng.standard_normal((rows, steps))
    x[:, 0] = e[:, 0] / math.sqrt(1 - phi ** 2)
    for t in range(1, steps):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    return x


# ---------------------------------------------------------------- autocorrelation


@pytest.mark.parametrize("phi", [0.5, 0.8, 0.9, 0.95])
def test_autocorrelation_time_of_ar1(phi):
    """AR(1): acf(k) = phi^k, so the 1/e time is -1/ln(phi)."""
    tau = ts.autocorrelation_time(ts.autocorrelation(ar1(phi, 40, 3000)))
    assert tau == pytest.approx(-1 / math.log(phi), rel=0.08)


def test_autocorrelation_white_noise_and_constant():
    x = np.random.default_rng(1).standard_normal((20, 2000))
    acf = ts.autocorrelation(x, 10)
    assert acf[0] == 1.0 and abs(acf[1:]).max() < 0.05
    assert ts.autocorrelation_time(acf) < 1.0  # falls below 1/e at lag 1
    assert math.isnan(ts.autocorrelation_time(ts.autocorrelation(np.ones((3, 100)))))


def test_slow_process_never_decorrelating_is_nan():
    x = np.cumsum(np.random.default_rng(2).standard_normal((4, 500)), axis=1)  # random walk
    assert math.isnan(ts.autocorrelation_time(ts.autocorrelation(x, 5)))


# ---------------------------------------------------------------- dwells, CV, U shape


def test_dwells_of_a_constructed_sequence():
    out = np.array([[0, 0, 0, 2, 2, 0, 0, 0, 0, 2, 2],
                    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]])
    # switches of row 0 at 3, 5, 9: complete dwells 2 and 4 (before 3 and after 9: censored); row 1: none
    assert ts.dwells(out).tolist() == [2, 4]
    assert [d.tolist() for d in ts.row_dwells(out)] == [[2, 4], []]


@pytest.mark.parametrize("mean", [2.5, 20.0])
def test_markov_dwells_have_the_geometric_cv(mean):
    d = ts.markov_dwells(mean, 40000, np.random.default_rng(3))
    assert d.mean() == pytest.approx(mean, rel=0.03)
    assert ts.cv(d) == pytest.approx(ts.markov_cv(mean), abs=0.015)
    assert ts.markov_cv(mean) == pytest.approx(math.sqrt(1 - 1 / mean))


def test_u_shape():
    assert ts.u_shape([1.0, 0.8, 0.7, 0.9, 1.1]) == (True, pytest.approx(0.3))
    assert ts.u_shape([0.8] * 6) == (False, 0.0)  # flat: argmin at the first point, no depth
    interior, depth = ts.u_shape([1.0, 0.9, 0.8, 0.7])  # monotone: the lower end is the minimum
    assert not interior and depth < 0
    assert ts.u_shape([1.0, float("nan"), 1.0])[1] != ts.u_shape([1.0, float("nan"), 1.0])[1]  # NaN


def _scan(rows_per_scale, scales, paired=False):
    d = [np.concatenate(r) for r in rows_per_scale]
    return ts.Scan(tuple(scales), paired, [float(x.mean()) for x in d], [ts.cv(x) for x in d],
                   [len(x) for x in d], rows_per_scale, [float("nan")] * len(scales))


def test_resonance_sees_a_constructed_u_and_a_flat_markov_control():
    rng = np.random.default_rng(4)
    geometric = [rng.geometric(0.05, 200) for _ in range(8)]  # CV ~ 1
    regular = [np.full(200, 20) + rng.integers(-1, 2, 200) for _ in range(8)]  # nearly periodic, CV ~ 0.04
    r = ts.resonance(_scan([geometric, regular, geometric], (0.5, 1.0, 2.0)), seed=0)
    assert r["cv_argmin_interior"] and r["cv_u_depth"] > 0.8
    assert abs(r["markov_u_depth"]) < 0.1 and r["cv_u_excess_over_markov"] > 0.7
    assert r["cv_u_depth_z"] > 3 and r["cv_over_markov_s1"] < 0.1
    assert r["dwell_kruskal_p"] > 0.01  # the mean dwell is about 20 at every scale


def test_kruskal_on_runs_sees_a_dwell_that_moves_with_the_scale():
    rng = np.random.default_rng(5)
    scan = _scan([[rng.geometric(1 / m, 100) for _ in range(10)] for m in (10, 20, 40)], (0.5, 1.0, 2.0))
    assert ts.dwell_kruskal(scan) < 1e-4
    assert ts.resonance(scan, 0)["dwell_range_rel"] > 1.0
    same = _scan([[np.full(5, 7)] * 3] * 3, (0.5, 1.0, 2.0))
    assert ts.dwell_kruskal(same) == 1.0


def test_match_scale():
    scan = _scan([[np.full(30, m)] for m in (10, 20, 30)], (1.0, 2.0, 3.0))
    assert ts.match_scale(scan, 21.0) == (2.0, pytest.approx(0.05))
    flat = _scan([[np.full(30, 20)]] * 3, (1.0, 2.0, 3.0))
    s, err = ts.match_scale(flat, 30.0)
    assert math.isnan(s) and err == pytest.approx(0.5)  # no scale can be told from another
    assert all(math.isnan(v) for v in ts.match_scale(scan, float("nan")))


def test_spearman_with_its_one_sided_p():
    rho, p = ts.spearman([1, 2, 3, 4, 5, 6], [2, 3, 5, 8, 9, 12])
    assert rho == 1.0 and p < 0.01
    rho, p = ts.spearman([1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1])
    assert rho == -1.0 and p > 0.99
    assert all(math.isnan(v) for v in ts.spearman([1, 2, float("nan")], [1, 2, 3]))


# ---------------------------------------------------------------- switch-aligned activity


def _ramps(dwell: int = 20, n: int = 12):
    """Outputs alternating 0 / 2 every `dwell` steps; x ramps linearly from 0 to 1 over each dwell."""
    out = np.repeat(np.arange(n) % 2 * 2, dwell)[None]
    x = np.tile(np.arange(dwell) / (dwell - 1), n)[None].astype(float)
    return out, x


def test_switch_events_aligned_and_phase_profile_on_constructed_ramps():
    out, x = _ramps()
    events, spans = ts.switch_events(out, 0, 2, lags=np.arange(-5, 3))
    assert all(out[0, t - 1] == 0 and out[0, t] == 2 for _, t in events)
    assert [(s, e) for _, s, e in spans] == [(40, 60), (80, 100), (120, 140), (160, 180), (200, 220)]  # complete 0-dwells
    prof = ts.aligned(x, events, np.arange(-5, 3))
    assert int(np.argmax(prof)) == 4  # lag -1: the ramp's top is the dwell's last step
    ph = ts.phase_profile(x, spans)
    assert np.all(np.diff(ph) > 0) and ts.spearman(np.arange(10), ph)[0] == pytest.approx(1.0)
    assert math.isnan(ts.aligned(x, [])[0]) and math.isnan(ts.phase_profile(x, [])[0])
    # short dwells are not aligned on
    assert ts.switch_events(out, 0, 2, min_dwell=25)[0] == []


def test_rise_of_a_linear_ramp_and_a_step():
    lags = np.arange(-20, 6)
    ramp = np.clip((lags + 10) / 10.0, 0, 1)  # 0 up to lag -10, 1 from lag 0 on
    r = ts.rise(ramp, lags)
    assert r["onset"] == pytest.approx(-5.0) and r["rise_time"] == pytest.approx(8.0) and r["peak_lag"] == 0.0
    step = (lags >= -3).astype(float)  # jumps between lags -4 and -3
    s = ts.rise(step, lags)
    assert -4 < s["onset"] <= -3 and s["rise_time"] < 1.0
    flat = ts.rise(np.zeros(len(lags)), lags)
    assert math.isnan(flat["onset"]) and flat["amplitude"] == 0.0


def test_population_dynamics_without_events_is_nan_not_an_error():
    """A tiny net flickers (no dwell of 10 steps): every aligned statistic is NaN, which fails every threshold."""
    net = tiny(0)
    dyn = ts.population_dynamics(net, 0, {(0, 2): [0, 1], (2, 0): [2, 3]}, {(0, 2): [4, 5], (2, 0): [6, 7]},
                                 batch=4, steps=300)
    s = ts.summarise_dynamics(dyn)
    assert s["min_events"] == 0 and math.isnan(s["max_pop_peak_lag"]) and math.isnan(s["min_onset_gap"])
    assert np.isfinite(s["tau_population"]) and np.isfinite(s["tau_kick"])


# ---------------------------------------------------------------- homogeneity: the trap of P74, P75, P68


def test_bias_free_states_scale_with_the_noise():
    net = tiny(1)
    noise = draw_noise(3, 50, net.inputs, 7)
    one = rollout(net, noise).states
    assert torch.allclose(rollout(net, 2.5 * noise).states, 2.5 * one, rtol=1e-5, atol=1e-6)


def test_paired_scan_of_a_bias_free_net_is_flat_by_construction():
    net = tiny(2, gain=1.5)
    scan = ts.scale_scan(net, 0, batch=8, steps=400)
    assert min(scan.agreement) == 1.0
    assert len(set(scan.mean_dwell)) == 1 and len(set(scan.cv)) == 1 and scan.n_dwells[0] > 100
    r = ts.resonance(scan, 0)
    assert r["dwell_range_rel"] == 0.0 and r["cv_u_depth"] == 0.0 and not r["cv_argmin_interior"]
    assert r["dwell_kruskal_p"] == 1.0


def test_a_biased_net_breaks_the_flatness():
    """With biases the map is not homogeneous: the outputs change with the input scale (the statistic can move)."""
    net = tiny(2, gain=1.5, bias=True)
    torch.nn.init.normal_(net.bias_o, std=0.5, generator=torch.Generator().manual_seed(3))
    net.bias_h.fill_(0.1)
    scan = ts.scale_scan(net, 0, batch=8, steps=400)
    assert min(scan.agreement) < 0.9
    r = ts.resonance(scan, 0)
    assert r["dwell_range_rel"] > 1.0 and r["dwell_log_slope"] < -0.5  # more noise, faster switching


def test_noise_equivalence_on_a_bias_free_net():
    net = tiny(2, gain=1.5)
    intact = ts.scale_scan(net, 0, batch=8, steps=400)
    same = ts.noise_equivalence(net, 0, intact, {"nothing": Intervention.on([0], net.hidden, 1.0, kind="recurrent"),
                                                 "silenced": Intervention.on(range(net.hidden), net.hidden, 0.0)},
                                batch=8, steps=400)
    nothing, silenced = same["per_manipulation"]["nothing"], same["per_manipulation"]["silenced"]
    assert nothing["match_error"] == 0.0 and math.isnan(nothing["matched_s"])  # matches every s alike
    assert silenced["trapped"] and math.isnan(silenced["match_error"])  # no switch left: no dwell to match
    assert same["intact_dwell_range_rel"] == 0.0 and math.isnan(same["max_match_error"])


def test_over_training_reads_each_checkpoint():
    nets = [tiny(0, gain=g) for g in (0.5, 1.5, 2.0)]
    out = ts.over_training([0, 10, 20], nets, 0, [[0, 1, 2], [3, 4, 5]], since=10, batch=4, steps=300)
    assert out["checkpoints"] == 3 and out["early_epoch"] == 0 and out["late_epoch"] == 20
    assert out["excess_drop"] == 0.0 and out["late_cv_u_depth"] == 0.0  # flat at every checkpoint
    assert out["tau_dwell_pairs"] <= 2 and math.isnan(out["tau_dwell_spearman"])  # too few after epoch 10


def test_thin_keeps_first_and_last():
    assert ts.thin(5, 10) == [0, 1, 2, 3, 4]
    t = ts.thin(36, 9)
    assert len(t) == 9 and t[0] == 0 and t[-1] == 35


def test_opposite_pair():
    assert ts.opposite_pair({(2, 0): [1], (0, 2): [2], (0, 1): [3]}) == ((0, 2), (2, 0))
    assert ts.opposite_pair({(1, 0): [1], (1, 2): [2]}) is None


# ---------------------------------------------------------------- the claims' wiring and figures


def test_claims_registered_with_their_rows_and_whole_run():
    from hmmrnn.registry import get, whole_run
    assert set(get("time-scales.resonance").covers) == {"P59", "P72", "P73", "P74", "P75", "P77"}
    assert get("kick.noise-equivalence").covers == ("P68",)
    assert set(get("time-scales.over-training").covers) == {"P38", "P76"}
    assert "time-scales.over-training" in whole_run()
    for c in ("time-scales.resonance", "kick.noise-equivalence", "time-scales.over-training"):
        assert get(c).by_construction and get(c).paper is not None


def test_figures_draw_from_plot_data():
    from hmmrnn.claims import kick_noise_equivalence, time_scales_over_training, time_scales_resonance
    lags = ts.LAGS
    direction = {k: np.linspace(0, 1, len(lags)) for k in ("kick", "population", "other_population")}
    direction.update(ramp=np.linspace(0, 1, 10), other_ramp=np.linspace(1, 0, 10), acf_kick=0.9 ** np.arange(61),
                     acf_population=0.8 ** np.arange(61))
    scales = list(ts.SCALES)
    flat = [1.0] * len(scales)
    d = {"scan": {"scales": scales, "mean_dwell": flat, "dwell_cv": flat, "markov_cv": flat, "dwell_cv_se": flat,
                  "paired_noise": True}, "lags": lags, "directions": {"0->2": direction}, "phase_bins": 10}
    e = {"scales": scales, "intact_dwell": flat, "paired_noise": True,
         "per_manipulation": {"kick 0->2": {"mean_dwell": 2.0, "matched_s": float("nan")},
                              "kick 2->0": {"mean_dwell": float("nan"), "matched_s": float("nan")}}}
    o = {"rows": [{"epoch": e_, "dwell_cv": flat, "tau_population": t, "mean_dwell": m}
                  for e_, t, m in ((0, 1.0, 2.0), (50, float("nan"), float("nan")), (100, 9.0, 30.0))],
         "scales": scales, "descent_epoch": 40, "paired_noise": False}
    for claim, data in ((time_scales_resonance, d), (kick_noise_equivalence, e), (time_scales_over_training, o)):
        fig = claim.CLAIM.figure_for("strict")(data, None, "test")
        assert fig is not None
        plt.close(fig)


def test_spearman_permutation_p_is_valid_for_few_pairs():
    rho, p = ts.spearman([1, 2, 3], [1, 2, 3])
    assert rho == pytest.approx(1.0) and p == pytest.approx(1 / 6, abs=0.01)  # 1 of 3! orders
    rho, p = ts.spearman(np.arange(8), np.arange(8))
    assert p < 0.001  # 1 of 8! orders


def test_a_runaway_manipulation_is_no_match_not_an_error():
    net = tiny(2, gain=1.5)
    intact = ts.scale_scan(net, 0, batch=4, steps=300)
    out = ts.noise_equivalence(net, 0, intact, {"x100": Intervention.on(range(net.hidden), net.hidden, 100.0,
                                                                        kind="recurrent")}, batch=4, steps=300)
    r = out["per_manipulation"]["x100"]
    assert r["diverged"] and math.isnan(r["match_error"]) and math.isnan(out["max_match_error"])
