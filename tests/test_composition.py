"""Per-output-pair orbit planes and the readout-alignment trend (hmmrnn/analysis/composition.py, readout.py)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from hmmrnn.analysis import composition, readout
from hmmrnn.claims import orbit_radius_scaling
from hmmrnn.hmm import parse_spec
from hmmrnn.registry import ClaimError
from hmmrnn.rnn import RNN

torch.set_num_threads(1)


@pytest.mark.parametrize("spec, pairs", [("fully:3", [(0, 1), (0, 2), (1, 2)]), ("cyclic:4", [(0, 1), (1, 2)]),
                                         ("linear:3", [(0, 2)])])
def test_expected_pairs_of_the_families(spec, pairs):
    assert composition.expected_pairs(parse_spec(spec)) == pairs


def _basis(rng, H, k=2):
    return np.linalg.qr(rng.normal(size=(H, k)))[0]


@given(seed=st.integers(0, 10**6), angle=st.floats(0.0, np.pi / 2))
def test_largest_angle_of_a_rotated_plane(seed, angle):
    # plane (e1, e2) against (e1, cos a e2 + sin a e3): one principal angle 0, the other a
    rng = np.random.default_rng(seed)
    Q = _basis(rng, 9, 3)
    P1 = Q[:, :2]
    P2 = np.stack([Q[:, 0], np.cos(angle) * Q[:, 1] + np.sin(angle) * Q[:, 2]], 1)
    assert composition.largest_angle_deg(P1, P2) == pytest.approx(np.degrees(angle), abs=1e-4)


def test_plane_of_points_in_a_plane_is_that_plane():
    rng = np.random.default_rng(0)
    B = _basis(rng, 20)
    X = rng.normal(size=(500, 2)) * [3.0, 1.0] @ B.T + rng.normal(size=20)
    assert composition.largest_angle_deg(composition.plane(X), B) < 1e-3


def test_pair_windows_hand_made():
    out = np.array([[0, 0, 0, 1, 1, 1, 2, 2, 2, 1, 1, 0, 0, 0, 0]])
    states = np.arange(out.size, dtype=float).reshape(1, -1, 1)
    w01 = composition.pair_windows(states, out, (0, 1), window=2)
    # switches 0->1 at t=3 and 1->0 at t=11; the 1->2 (t=6) and 2->1 (t=9) switches belong to pair (1, 2)
    assert [x[:, 0].tolist() for x in w01] == [[1, 2, 3, 4, 5], [9, 10, 11, 12, 13]]
    assert len(composition.pair_windows(states, out, (1, 2), window=2)) == 2
    assert len(composition.pair_windows(states, out, (0, 1), window=3)) == 2
    assert composition.pair_windows(states, out, (0, 1), window=4) == []  # t=3 and t=11 too near the ends


def test_pair_stretches_hand_made():
    out = np.array([[0, 0, 1, 1, 2, 0, 1, 0, 0, 2],
                    [1, 1, 1, 1, 1, 1, 2, 2, 1, 1]])
    # row 0: 0,0,1,1 (steps 0-3) and 0,1,0,0 (5-8) stay within {0, 1} and visit both; row 1 never shows 0
    assert composition.pair_stretches(out, (0, 1), min_len=3) == [(0, 0, 4), (0, 5, 9)]
    assert composition.pair_stretches(out, (0, 1), min_len=5) == []
    assert composition.pair_stretches(out, (1, 2), min_len=3) == [(0, 2, 5), (1, 0, 10)]  # 1, 1, 2 in row 0


@given(seed=st.integers(0, 10**6), period=st.integers(8, 40), direction=st.sampled_from([-1, 1]))
def test_pair_rotation_of_a_circle_in_a_plane(seed, period, direction):
    """Uniform rotation in a random plane of R^H: coherence 1, 1000 / period revolutions per 1000 steps,
    planarity 1; the same circle travelled back and forth instead: coherence near 0."""
    rng = np.random.default_rng(seed)
    H, T = 12, period * (400 // period)  # whole turns: the stretch's mean is the circle's centre
    B = _basis(rng, H)
    t = np.arange(T)
    circle = np.stack([np.cos(direction * 2 * np.pi * t / period), np.sin(direction * 2 * np.pi * t / period)], 1)
    out = (np.sin(2 * np.pi * t / period) > 0).astype(int)[None]  # both outputs, every half turn
    r = composition.pair_rotation((circle @ B.T)[None], out, (0, 1))
    assert r["stretches"] == 1
    assert r["rotation_coherence"] == pytest.approx(1.0)
    assert r["revolutions_per_1000"] == pytest.approx(1000 / period, rel=1e-6)
    assert r["pc_variance_explained"] == pytest.approx(1.0)
    back = np.concatenate([circle[: period // 2], circle[: period // 2][::-1]] * (T // period))
    r = composition.pair_rotation((back @ B.T)[None], out[:, : len(back)], (0, 1))
    assert r["rotation_coherence"] < 0.05


def test_pair_rotation_without_stretches_is_nan():
    r = composition.pair_rotation(np.zeros((1, 30, 4)), np.zeros((1, 30), dtype=int), (0, 1))
    assert r["stretches"] == 0 and np.isnan(r["rotation_coherence"])


def test_pair_orbits_needs_two_pairs():
    model = RNN(8, 4, 3, generator=torch.Generator().manual_seed(0)).requires_grad_(False)
    with pytest.raises(ClaimError, match="linear:3 has 1 output pair"):
        composition.pair_orbits(model, parse_spec("linear:3"), seed=0, batch=2, steps=50)


def test_pair_orbits_names_the_pair_without_switches():
    # a net whose output never changes: no switches at all
    model = RNN(8, 4, 3, generator=torch.Generator().manual_seed(0)).requires_grad_(False)
    model.weight_o.zero_()
    with pytest.raises(ClaimError, match="only 0 switches between outputs 0 and 1"):
        composition.pair_orbits(model, parse_spec("fully:3"), seed=0, batch=2, steps=50)


def test_alignment_of_a_readout_in_the_orbit_plane_is_one():
    # ReLU of a 2-D drive: activity lives in a 2-D plane when W_hh = 0 and W_ih maps into 2 positive neurons
    H = 6
    model = RNN(H, 2, 3, generator=torch.Generator().manual_seed(0)).requires_grad_(False)
    model.weight_hh.zero_()
    model.weight_ih.zero_()
    model.weight_ih[0, 0] = model.weight_ih[1, 1] = 1.0
    model.weight_o.zero_()
    model.weight_o[0, 0] = 2.0
    model.weight_o[1, 1] = -1.0
    model.weight_o[2, 5] = 1.0  # off the plane
    a = readout.alignment(model, seed=0, batch=2, steps=200)
    assert a["per_output"] == pytest.approx([1.0, 1.0, 0.0], abs=1e-5)
    assert a["random_level"] == pytest.approx(np.sqrt(2 / H))


def _rotating_net(rho=0.99, period=25.0, sigma=0.1) -> RNN:
    """A ReLU net whose activity is a noisy damped rotation: u = h0 - h1, v = h2 - h3 turn by 2 pi / period
    per step (each signed coordinate split into two rectified neurons, so the rotation is exact)."""
    model = RNN(4, 2, 3, generator=torch.Generator().manual_seed(0)).requires_grad_(False)
    c, s = float(rho * np.cos(2 * np.pi / period)), float(rho * np.sin(2 * np.pi / period))
    split = torch.tensor([[1.0, -1.0, 0.0, 0.0], [0.0, 0.0, 1.0, -1.0]])  # h -> (u, v)
    turn = torch.tensor([[c, -s], [s, c]])
    out = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])  # (u, v) -> pre-activations
    model.weight_hh.copy_(out @ turn @ split)
    model.weight_ih.copy_(sigma * out)
    return model


def test_a_member_without_an_orbit_is_listed_not_averaged():
    """The S=3 member is the S=2 net with its recurrence removed: no rotation, so it is left out, and the
    trend names it beside the missing S."""
    rotating = _rotating_net()
    still = _rotating_net()
    still.weight_hh.zero_()
    rule = orbit_radius_scaling.orbit_rule()
    by_states, per = readout.alignment_by_states(
        [("turns", parse_spec("linear:2"), rotating), ("still", parse_spec("linear:3"), still)], seed=0, orbit_rule=rule)
    assert per["turns"]["has_orbit"] and not per["still"]["has_orbit"]
    assert set(by_states) == {2} and per["still"]["S"] == 3
    with pytest.raises(ClaimError, match=r"missing linear:3, linear:4, linear:5 \(have S=2\); left out, no orbit .*: still"):
        readout.trend(by_states, without_orbit=["still"])


def test_trend_names_every_missing_S():
    with pytest.raises(ClaimError, match=r"missing linear:4, linear:5 \(have S=2, S=3\)"):
        readout.trend({2: [0.3, 0.2], 3: [0.1]})


@pytest.mark.parametrize("values, rho, monotone", [({2: [.4], 3: [.3], 4: [.2], 5: [.1]}, -1.0, True),
                                                   ({2: [.1], 3: [.2], 4: [.3], 5: [.4]}, 1.0, True),
                                                   ({2: [.1], 3: [.4], 4: [.2], 5: [.3]}, 0.4, False)])
def test_trend_hand_made(values, rho, monotone):
    t = readout.trend(values)
    assert t["spearman_rho"] == pytest.approx(rho)
    assert t["monotone"] is monotone
