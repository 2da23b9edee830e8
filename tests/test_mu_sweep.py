"""The Fig 7 mu sweep (hmmrnn/analysis/mu_sweep.py): Jacobian critical pairs, populations, batched rollouts."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from hmmrnn.claims import kick_ablation_traps
from hmmrnn.analysis import mu_sweep
from hmmrnn.analysis.kick import KickGroup, KickGroups
from hmmrnn.analysis.common import noise_run
from hmmrnn.rnn import RNN, Intervention, draw_noise, rollout

torch.set_num_threads(1)


def _rotation_net(H: int = 8, d: int = 3, seed: int = 0) -> RNN:
    """A net whose W_hh is near a block rotation of radius ~1 (angles 0.1-0.4 rad): many active blocks have
    eigenvalues in the Moebius critical region, so the counts are not trivially zero."""
    g = torch.Generator().manual_seed(seed)
    m = RNN(hidden=H, inputs=d, outputs=2, generator=g)
    W = torch.zeros(H, H)
    for b in range(0, H - 1, 2):
        th = 0.1 + 0.3 * torch.rand(1, generator=g).item()
        r = 0.97 + 0.06 * torch.rand(1, generator=g).item()
        W[b:b + 2, b:b + 2] = r * torch.tensor([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    with torch.no_grad():
        m.weight_hh.copy_(W + 0.03 * torch.randn(H, H, generator=g))
    return m


def _oracle_count(m: RNN, h: np.ndarray, x: np.ndarray, c: np.ndarray, cn: np.ndarray) -> int:
    """Finite-difference Jacobian of h -> relu(c (W h) + cn (W_ih x)), numpy eigvals, the Moebius rule."""
    W, Wi = m.weight_hh.detach().double().numpy(), m.weight_ih.detach().double().numpy()

    def f(v):
        return np.maximum(c * (W @ v) + cn * (Wi @ x), 0.0)
    eps, H = 1e-7, len(h)
    J = np.stack([(f(h + eps * e) - f(h - eps * e)) / (2 * eps) for e in np.eye(H)], 1)
    lam = np.linalg.eigvals(J)
    mm = (lam - 1) / (lam + 1)
    return int(((np.abs(mm.real) < 0.1) & (mm.imag > 0.06)).sum())


def test_critical_pairs_match_finite_difference_oracle():
    rng = np.random.default_rng(0)
    total, n = 0, 0
    for seed in range(6):
        m = _rotation_net(seed=seed)
        H = m.hidden
        for _ in range(25):
            h = np.abs(rng.normal(size=H))
            x = rng.normal(size=m.inputs)
            c = rng.choice([0.0, 0.5, 1.0, 1.0, 1.0, 1.5], size=H)
            cn = rng.choice([0.0, 1.0, 2.0], size=H)
            W, Wi = m.weight_hh.detach().double().numpy(), m.weight_ih.detach().double().numpy()
            pre = c * (W @ h) + cn * (Wi @ x)
            if np.abs(pre).min() < 1e-4:  # the finite difference straddles the kink
                continue
            got = mu_sweep.critical_pairs(m, torch.from_numpy(pre)[None], torch.from_numpy(c))[0]
            assert got == _oracle_count(m, h, x, c, cn)
            total, n = total + got, n + 1
    assert n > 80 and total > 10  # the oracle was exercised on states that do have critical pairs


def test_critical_pairs_without_multiplier_is_the_active_block():
    m = _rotation_net(seed=3)
    pre = torch.randn(20, m.hidden, generator=torch.Generator().manual_seed(1))
    a = mu_sweep.critical_pairs(m, pre)
    b = mu_sweep.critical_pairs(m, pre, torch.ones(m.hidden))
    assert (a == b).all()


def _brute_top(W, row, k):
    """Neurons j with fewer than k neurons of strictly larger W[row, j] (no ties in random weights)."""
    return {j for j in range(W.shape[1]) if sum(W[row, i] > W[row, j] for i in range(W.shape[1])) < k}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_populations_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    H = 30
    W = rng.normal(size=(H, H))
    group, other = [3, 7, 11], [5, 20]
    integ = mu_sweep.integrating_population(W, group, k=6)
    want = set().union(*(_brute_top(W, g, 6) for g in group)) - set(group)
    assert integ == sorted(want)
    kicks = group + other
    ctrl = mu_sweep.control_population(W, kicks, k=4)
    near = set(kicks).union(*(_brute_top(W, g, 4) for g in kicks))
    assert ctrl == [j for j in range(H) if j not in near]
    assert not set(ctrl) & set(kicks)


def _net_and_noise(H=16, d=5, R=6, T=30, seed=0):
    m = RNN(hidden=H, inputs=d, outputs=3, generator=torch.Generator().manual_seed(seed))
    noise = draw_noise(R, T, d, seed + 1)
    h0 = torch.rand(R, H, generator=torch.Generator().manual_seed(seed + 2))
    return m, noise, h0


def test_mu1_is_the_intact_rollout_exactly():
    m, noise, h0 = _net_and_noise()
    ref = rollout(m, noise, h0=h0)
    for kind in ("kick", "integrating"):
        (s, p, lg), = mu_sweep._configs_rollout(m, [mu_sweep._config(kind, [1, 4, 9], m.hidden, 1.0)], noise, h0, "all")
        assert torch.equal(s, ref.states) and torch.equal(p, ref.preacts) and torch.equal(lg, ref.logits)


def test_batched_rows_equal_one_rollout_per_config():
    """Per-row multipliers stacked along the batch give each config's own rollout (duplicates run once)."""
    m, noise, h0 = _net_and_noise()
    H, g = m.hidden, [2, 5, 8]
    cfgs = [mu_sweep._config(k, g, H, mu) for k in ("kick", "integrating") for mu in (0.0, 0.5, 1.0, 1.9)]
    got = mu_sweep._configs_rollout(m, cfgs, noise, h0, "all", chunk_rows=12)  # several chunks
    for (rec, inp), (s, p, lg) in zip(cfgs, got):
        ref = rollout(m, noise, h0=h0, intervention=Intervention(recurrent=rec, input=inp))
        assert torch.allclose(s, ref.states, atol=1e-6) and torch.allclose(p, ref.preacts, atol=1e-6)


def test_mu0_kick_leaves_only_the_input_drive():
    m, noise, h0 = _net_and_noise()
    g = [0, 6, 13]
    (s, p, lg), = mu_sweep._configs_rollout(m, [mu_sweep._config("kick", g, m.hidden, 0.0)], noise, h0, "all")
    drive = noise @ m.weight_ih.detach().T
    assert torch.equal(p[..., g], drive[..., g])
    other = [i for i in range(m.hidden) if i not in g]
    assert not torch.allclose(p[..., other], drive[..., other])  # the rest still gets its recurrent drive


def test_switch_windows_and_overshoot_hand_made():
    out = np.array([0] * 20 + [2] * 20 + [0] * 3 + [2] * 17)
    wins, n = mu_sweep._switch_windows(out, 5, cap=10)
    assert n == 3 and [w.start for w in wins] == [15, 35, 38] and all(len(w) == 10 for w in wins)
    wins, _ = mu_sweep._switch_windows(out, 5, cap=2)
    assert [w.start for w in wins] == [15, 38]
    outs = np.array([[0, 0, 2, 2, 2, 2], [0, 2, 2, 2, 2, 2], [0, 0, 0, 0, 0, 0], [0, 1, 2, 2, 2, 2]])
    proj = np.array([[0, 0, 1, 3, 1, 1], [0, 1, 1, 1, 1, 1], [9, 9, 9, 9, 9, 9], [0, 9, 9, 9, 9, 9]], float)
    # rows 0 and 1 switch 0 -> 2 with 3 steps left; row 0 passes 2, row 1 does not; row 3 went to 1 first
    assert mu_sweep._overshoot(outs, proj, 0, 2, thr=2.0, win=3) == pytest.approx(0.5)
    assert np.isnan(mu_sweep._overshoot(outs, proj, 0, 2, thr=2.0, win=6))


def _small_found(seed=3):
    """A small random net that switches often; every state counts as a cluster start."""
    m = RNN(hidden=24, inputs=8, outputs=3, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        m.weight_hh.mul_(2.0)
    run = noise_run(m, 8, 200, seed=5)
    out = run.logits.argmax(-1).numpy()
    dirs = {}
    for i, j in zip(*np.nonzero(out[:, 1:] != out[:, :-1])):
        d = (int(out[i, j]), int(out[i, j + 1]))
        dirs[d] = dirs.get(d, 0) + 1
    best = max(dirs, key=dirs.get)
    found = KickGroups({best: KickGroup([int(n) for n in range(0, 24, 4)])}, run, out, np.ones_like(out, dtype=bool))
    return m, found


def test_sweep_is_seeded_and_typed(tmp_path):
    m, found = _small_found()
    kw = dict(grid="coarse", n_starts=12, rollouts=2, steps=40, run_steps=150, window=5, max_switches=3,
              run_points=10, integrating_k=5, control_k=3, n_candidates=5, max_size=2, search_starts=6, min_hits=1)
    a = mu_sweep.sweep(m, found, 7, **kw)
    b = mu_sweep.sweep(m, found, 7, **kw)
    (d, sa), = a.items()
    sb = b[d]
    assert set(sa.curves) == set(mu_sweep.MANIPULATIONS) and sa.grid == "coarse"
    assert sa.group == found.groups[next(iter(found.groups))].neurons[:3]
    for k, ca in sa.curves.items():
        cb = sb.curves[k]
        for f in ("rate", "rate_ratio", "critical_mean", "critical_run", "n_switches", "overshoot", "diverged"):
            assert np.array_equal(getattr(ca, f), getattr(cb, f), equal_nan=True), (k, f)
        assert len(ca.rate) == 5 and ca.rate_ratio[2] == pytest.approx(1.0)
    # mu = 1 is the intact network for every manipulation: identical rates and critical pairs
    r1 = {k: (c.rate[2], c.critical_run[2]) for k, c in sa.curves.items()}
    assert len(set(r1.values())) == 1
    assert sa.search["neurons"] == sb.search["neurons"] and len(sa.search["ratios"]) == len(sa.search["neurons"])
    assert sa.example["traj"].shape == (3, 3, 60, 2)
    st = mu_sweep.paper_statistics(a)
    assert st["directions"] == 1 and all(isinstance(v, float) or isinstance(v, int) for v in st.values())
    assert kick_ablation_traps.paper_figure(mu_sweep.plot_data(a), tmp_path / "mu.png", "t").exists()


def _curve(mu, rr, crit, run, osh, nsw=None):
    z = np.zeros(len(mu))
    return mu_sweep.MuCurve(mu=np.array(mu), rate=np.array(rr), rate_ratio=np.array(rr), hits=z,
                            critical_mean=np.array(crit), critical_std=z, n_switches=np.array(nsw or [5] * len(mu)),
                            critical_paper=np.array(crit), critical_run=np.array(run), overshoot=np.array(osh),
                            diverged=z, run_diverged=z, run_peak=z + 1)


def test_paper_statistics_worst_over_directions():
    mu = [0.0, 1.0, 2.0]

    def sw(d, k0, i0, c0, ctrl, ts):
        curves = {"kick": _curve(mu, [k0, 1, 1.5], [c0, 4, 4], [0.0, 0.2, 0.2], [0, 0.1, 0.6]),
                  "integrating": _curve(mu, [i0, 1, 1.6], [np.nan, 4, 5], [0.0, 0.2, 0.2], [0, 0.1, 0.5], [0, 5, 5]),
                  "control": _curve(mu, ctrl, [4, 4, 4], [0.2, 0.2, 0.2], [0.1, 0.1, 0.1]),
                  "kick_searched": _curve(mu, [0.05, 1, 1.2], [4, 4, 4], [0.2, 0.2, 0.2], [0, 0, 0])}
        return mu_sweep.MuSweep(direction=d, group=[1, 2, 3], integrating=[4], control=[5], curves=curves,
                                grid="coarse", example={}, search={"trap_size": ts})
    s = {"0->2": sw("0->2", 0.1, 0.05, 1.0, [0.9, 1, 1.1], 3), "2->0": sw("2->0", 0.3, 0.02, np.nan, [1, 1, 1], 5)}
    st = mu_sweep.paper_statistics(s)
    assert st["kick_mu0_ratio"] == pytest.approx(0.3)
    assert st["integrating_mu0_ratio"] == pytest.approx(0.05)
    assert st["kick_critical_mu0"] == pytest.approx(1.0)  # NaN (no switch) directions are skipped
    assert np.isnan(st["integrating_critical_mu0"])
    assert st["kick_mu2_ratio"] == pytest.approx(1.5)
    assert st["kick_overshoot_gain"] == pytest.approx(0.5)
    assert st["control_rate_range"] == pytest.approx(0.2)
    assert st["critical_mu2_over_mu1"] == pytest.approx(1.0)
    assert st["searched_trap_size"] == 5.0 and st["searched_mu0_ratio"] == pytest.approx(0.05)
    assert -1 <= st["mirror_correlation"] <= 1
