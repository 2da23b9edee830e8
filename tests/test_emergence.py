"""Emergence in training (hmmrnn/analysis/emergence.py, hmmrnn/runs.py): critical pairs of hand-made rotation
blocks (the Moebius rule), the orbit-epoch rule over checkpoint rows, which evolution series a run has."""
from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from hmmrnn.analysis import emergence
from hmmrnn.registry import ClaimError
from hmmrnn.rnn import RNN
from nets import starts, tiny

torch.set_num_threads(1)


# ---------------------------------------------------------------- emergence.critical_fraction


def _rot(r: float, theta: float) -> torch.Tensor:
    c, s = math.cos(theta), math.sin(theta)
    return r * torch.tensor([[c, -s], [s, c]])


def _with_block(block: torch.Tensor, hidden=6, rest=None) -> RNN:
    """W_hh with `block` on units 0, 1 and `rest` (default 0) on the diagonal of the others."""
    m = tiny(0, hidden=hidden)
    m.weight_hh.zero_()
    m.weight_hh[:2, :2] = block
    if rest is not None:
        m.weight_hh[2:, 2:] = rest * torch.eye(hidden - 2)
    return m


def _moebius(r, theta):
    """Moebius m = (l - 1)/(l + 1) of l = r e^{i theta}, by hand."""
    den = r * r + 2 * r * math.cos(theta) + 1
    return (r * r - 1) / den, 2 * r * math.sin(theta) / den


# states whose recurrent drive W h is positive on units 0, 1 for a rotation by at most ~1 rad
ON_BLOCK = torch.tensor([[1.0, 0.2, 0, 0, 0, 0], [2.0, 0.5, 0, 0, 0, 0], [0.5, 0.1, 0, 0, 0, 0]])


def test_critical_fraction_unit_modulus_rotation_is_critical():
    m = _with_block(_rot(1.0, 0.5))
    assert (ON_BLOCK @ m.weight_hh.T)[:, :2].gt(0).all()  # precondition: units 0 and 1 active
    assert emergence.critical_fraction(m, ON_BLOCK) == 1.0
    # other active units that contract do not hide the pair: the block's eigenvalues are the union
    m2 = _with_block(_rot(1.0, 0.5), rest=0.2)
    assert emergence.critical_fraction(m2, ON_BLOCK + torch.tensor([0, 0, 1.0, 1.0, 1.0, 1.0])) == 1.0


def test_critical_fraction_contracting_is_not_critical():
    assert emergence.critical_fraction(_with_block(_rot(0.3, 0.5), rest=0.3), ON_BLOCK + 1) == 0.0
    m = tiny(0)
    m.weight_hh.mul_(0.1)
    assert emergence.critical_fraction(m, starts(20, 12)) == 0.0


def test_critical_fraction_only_the_active_block_counts():
    m = _with_block(_rot(1.0, 0.5), rest=0.2)
    # unit 1 inactive (W h < 0 there): the active block is units 0, 2, ..., without the rotation pair
    off = torch.tensor([[1.0, -2.0, 1, 1, 1, 1]])
    act = (off @ m.weight_hh.T) > 0
    assert act[0, 0] and not act[0, 1]
    assert emergence.critical_fraction(m, off) == 0.0
    # fewer than two active units: never critical, but counted in the denominator
    single = torch.tensor([[1.0, -2.0, 0, 0, 0, 0]])
    assert emergence.critical_fraction(m, torch.cat([ON_BLOCK, single])) == pytest.approx(3 / 4)
    assert emergence.critical_fraction(m, torch.zeros(2, 6)) == 0.0  # nothing active at all


@given(r=st.floats(0.2, 3.0), theta=st.floats(0.01, 1.0))
def test_critical_fraction_is_the_moebius_rule(r, theta):
    re, im = _moebius(r, theta)
    # keep away from the thresholds, where float rounding may decide either way
    if abs(abs(re) - 0.1) < 1e-6 or abs(im - 0.05) < 1e-6:
        return
    m = _with_block(_rot(r, theta))
    want = float(abs(re) < 0.1 and im > 0.05)
    assert emergence.critical_fraction(m, ON_BLOCK) == want


def test_critical_fraction_threshold_cases():
    # modulus 1.1 at 0.5 rad: |Re m| ~ 0.05, critical; modulus 1.5: |Re m| ~ 0.21, not; a near-real pair
    # (0.05 rad, Im m ~ 0.025) is not critical however close to the unit circle
    for r, theta, want in ((1.1, 0.5, 1.0), (0.9, 0.5, 1.0), (1.5, 0.5, 0.0), (1.0, 0.05, 0.0), (1.0, 0.15, 1.0)):
        assert emergence.critical_fraction(_with_block(_rot(r, theta)), ON_BLOCK) == want, (r, theta)


def test_critical_fraction_biased_net_uses_the_biased_active_set():
    m = tiny(0, hidden=6, bias=True)
    m.weight_hh.zero_()
    m.weight_hh[:2, :2] = _rot(1.0, 0.5)
    m.bias_h.fill_(0.0)
    m.bias_h[:2] = 10.0  # units 0, 1 active at every state through the bias
    h = torch.tensor([[1.0, -2.0, 0, 0, 0, 0]])  # W_hh h alone leaves unit 1 inactive
    assert emergence.critical_fraction(m, h) == 1.0


# ---------------------------------------------------------------- emergence: the orbit-epoch rule


def _row(rot, crit, vol=0.2):
    return {"rotation_coherence": rot, "revolutions_per_1000": 5.0, "pc_variance_explained": 0.9,
            "critical_fraction": crit, "volatility": vol, "diverged": False}


RULE = {"rotation_coherence": 0.5, "pc_variance_explained": 0.6}


def _summary(rows: dict[int, dict], loss_epoch: int = 35, target: float = 0.2) -> dict:
    return emergence.summarise([{**r, "epoch": e} for e, r in sorted(rows.items())], loss_epoch, target, RULE)


def test_emergence_orbit_epoch_is_first_checkpoint_passing_every_threshold():
    rows = {10: _row(0.1, 0.0), 20: _row(0.5, 0.1), 30: _row(float("nan"), 0.2), 40: _row(0.8, 0.3),
            50: _row(0.9, 0.5, vol=0.25), 100: _row(0.9, 0.6, vol=0.21)}
    rows[20]["pc_variance_explained"] = 0.5  # passes rotation, fails planarity: not yet the orbit
    rows[40]["pc_variance_explained"] = 0.6  # thresholds are inclusive
    r = _summary(rows)
    assert r["checkpoints"] == 6
    assert r["orbit_epoch"] == 40  # epoch 30 diverged (NaN): never the orbit
    assert r["loss_descent_epoch"] == 35 and r["epoch_gap"] == 5
    assert r["orbit_stays_fraction"] == 1.0 and r["orbit_at_final"] is True
    assert r["critical_before"] == pytest.approx((0.0 + 0.1 + 0.2) / 3)
    assert r["critical_after"] == pytest.approx((0.3 + 0.5 + 0.6) / 3)
    assert r["critical_jump"] == pytest.approx(1.4 / 3 - 0.1)
    assert r["final_volatility_err"] == pytest.approx(0.01)
    assert r["late_volatility_spread"] == pytest.approx(0.05)  # last 4 checkpoints: 0.2, 0.2, 0.25, 0.21


def test_emergence_orbit_that_comes_and_goes_or_never_forms():
    r = _summary({10: _row(0.1, 0.0), 20: _row(0.7, 0.2), 30: _row(0.2, 0.1), 40: _row(0.7, 0.3), 50: _row(0.1, 0.1)})
    assert r["orbit_epoch"] == 20
    assert r["orbit_stays_fraction"] == pytest.approx(1 / 3)  # of 30, 40, 50 only 40 is an orbit
    assert r["orbit_at_final"] is False
    r = _summary({e: _row(0.1, 0.1) for e in (10, 20, 30, 40)})
    assert math.isnan(r["orbit_epoch"]) and math.isnan(r["epoch_gap"]) and math.isnan(r["critical_jump"])


def _evolution(monkeypatch, rows: dict[int, dict]):
    """An Evolution whose 'models' are epochs; checkpoint_stats and the loss's descent (epoch 35) stubbed."""
    from hmmrnn.runs import Evolution
    monkeypatch.setattr(emergence, "checkpoint_stats", lambda model, hmm, seed: dict(rows[model]))
    monkeypatch.setattr(emergence, "bifurcation_epoch", lambda history: 35)
    return Evolution("run/final.pt", sorted(rows), sorted(rows), [{"epoch": 0, "val": 1.0}])


def test_emergence_series_too_coarse_for_the_gap_is_an_error(monkeypatch):
    from hmmrnn.hmm import linear_chain
    evo = _evolution(monkeypatch, {0: _row(0.1, 0.1), 20: _row(0.1, 0.1), 40: _row(0.9, 0.3), 100: _row(0.9, 0.3)})
    with pytest.raises(ClaimError, match=r"60 epochs apart around the loss.s second descent \(epoch 35\) cannot resolve an epoch gap of 30"):
        emergence.emergence(evo, linear_chain(2), seed=0, orbit_rule=RULE, max_spacing=30)
    assert emergence.emergence(evo, linear_chain(2), seed=0, orbit_rule=RULE, max_spacing=60)["orbit_epoch"] == 40


def test_emergence_needs_four_checkpoints(monkeypatch):
    evo = _evolution(monkeypatch, {10: _row(0.9, 0.1), 20: _row(0.9, 0.1), 30: _row(0.9, 0.1)})
    with pytest.raises(ClaimError, match="found 3"):
        emergence.emergence(evo, hmm=None, seed=0, orbit_rule=RULE)


# ---------------------------------------------------------------- emergence: which evolution series, what spacing
def test_local_spacing_is_the_resolution_around_the_event():
    from hmmrnn.analysis.emergence import local_spacing
    epochs = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 310]
    assert local_spacing(epochs, at=55, reach=30) == 10  # 20..90 around epoch 55
    assert local_spacing(epochs, at=150, reach=30) == 100  # the coarse stretch is where the event is
    assert local_spacing([0, 100], at=50, reach=10) == 100


def test_a_continued_run_is_judged_with_its_source_runs_early_evolution(tmp_path):
    """A run continued from another run's final.pt (fresh Adam, recorded in training.continue_from) has
    evolution checkpoints only from the continue epoch on; its series starts with the source run's."""
    from hmmrnn.runs import evolution_series
    from hmmrnn.checkpoint import save
    m = RNN(4, 2, 3)
    src, cont = tmp_path / "fx" / "a", tmp_path / "fx" / "a-to500"
    for e in (0, 10, 20, 300):
        save(src / "evolution" / f"epoch_{e:04d}", m, {"epoch": e})
    save(src / "final", m, {"epoch": 300})
    for e in (310, 320):
        save(cont / "evolution" / f"epoch_{e:04d}", m, {"epoch": e})
    # recorded as trained: a path relative to where training ran, which need not exist from here
    save(cont / "final", m, {"epoch": 320, "training": {"continue_from": {"path": "elsewhere/a/final.pt", "epoch": 20}}})
    names = [p.parent.parent.name + "/" + p.stem for p in evolution_series(str(cont / "final.pt"))]
    assert names == ["a/epoch_0000", "a/epoch_0010", "a/epoch_0020", "a-to500/epoch_0310", "a-to500/epoch_0320"]


def test_unstable_fraction_counts_states_with_an_eigenvalue_beyond_the_unit_circle():
    """Rotation blocks of modulus 1.3 and 0.7 (eigenvalues 1.3 e^{+-i theta}, 0.7 e^{+-i theta}): the first is
    unstable, the second is not; a state with no active unit has neither."""
    grow, shrink = _with_block(_rot(1.3, 0.4)), _with_block(_rot(0.7, 0.4))
    assert emergence.jacobian_fractions(grow, ON_BLOCK) == (0.0, 1.0)  # |m| real part far from 0: not critical
    assert emergence.jacobian_fractions(shrink, ON_BLOCK) == (0.0, 0.0)
    off = torch.zeros(2, 6)
    assert emergence.jacobian_fractions(grow, torch.cat([ON_BLOCK, off])) == (0.0, 3 / 5)


def test_summary_reports_the_unstable_fraction_before_and_after_the_orbit():
    rows = {10: _row(0.1, 0.0), 20: _row(0.1, 0.0), 30: _row(0.9, 0.3), 40: _row(0.9, 0.4)}
    for e, u in zip(rows, (0.0, 0.1, 0.5, float("nan"))):
        rows[e]["unstable_fraction"] = u
    r = _summary(rows)
    assert r["orbit_epoch"] == 30
    assert r["unstable_before"] == pytest.approx(0.05) and r["unstable_after"] == 0.5  # NaN (diverged) skipped
    assert r["unstable_jump"] == pytest.approx(0.45)
    assert math.isnan(_summary({e: _row(0.1, 0.1) for e in (10, 20, 30, 40)})["unstable_jump"])  # no orbit
