"""Kick-neuron helpers: switch hazard, deep-cluster mask, matched random neurons (hmmrnn/analysis/kick.py)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from hmmrnn.analysis import kick
from hmmrnn.registry import ClaimError



def _logits(outs) -> torch.Tensor:
    """One-hot logits [R, T, 3] whose argmax is outs [R, T]."""
    return torch.nn.functional.one_hot(torch.as_tensor(outs), 3).float()


# ---------------------------------------------------------------- hazard


def test_hazard_hand_made():
    outs = [[0, 0, 1, 1, 2],   # first switch at step index 2, to 1: a hit, 3 steps at risk
            [0, 2, 1, 1, 1],   # first switch to 2 (the later 1 does not count): 2 steps at risk
            [0, 0, 0, 0, 0],   # never switches: all 5 steps at risk
            [1, 1, 0, 0, 0]]   # switches at once to 1: a hit, 1 step at risk
    rate, n = kick.hazard(_logits(outs), start=0, target=1)
    assert n == 2
    assert rate == pytest.approx(2 / (3 + 2 + 5 + 1))
    rate2, n2 = kick.hazard(_logits(outs), start=0, target=2)
    assert (rate2, n2) == (pytest.approx(1 / 11), 1)


def test_hazard_no_switch_anywhere():
    assert kick.hazard(_logits(np.zeros((3, 7), dtype=int)), 0, 1) == (0.0, 0)


@given(seed=st.integers(0, 10_000), start=st.integers(0, 2), target=st.integers(0, 2))
def test_hazard_loop_oracle(seed, start, target):
    rng = np.random.default_rng(seed)
    R, T = int(rng.integers(1, 7)), int(rng.integers(1, 12))
    # sticky sequences: mostly the start output, occasional jumps
    outs = np.where(rng.random((R, T)) < 0.8, start, rng.integers(0, 3, (R, T)))
    logits = _logits(outs) + 0.01 * torch.from_numpy(rng.random((R, T, 3))).float()  # ties never decide
    hits = risk = 0
    for seq in outs:
        for t, o in enumerate(seq):
            risk += 1
            if o != start:
                hits += int(o == target)
                break
    rate, n = kick.hazard(logits, start, target)
    assert n == hits
    assert rate == pytest.approx(hits / max(risk, 1))


@given(seed=st.integers(0, 10_000), chunk=st.integers(1, 9), silence=st.booleans())
def test_switch_hazard_equals_the_hazard_of_the_full_rollout(seed, chunk, silence):
    """Dropping rollouts after their first switch changes nothing: the same rate and count as hazard() of
    the whole rollout (a random net that switches often, with and without a silenced group)."""
    from hmmrnn.rnn import RNN, Intervention, draw_noise, rollout
    g = torch.Generator().manual_seed(seed)
    m = RNN(12, 3, 3, generator=g).requires_grad_(False)
    h0 = torch.rand(20, 12, generator=g)
    noise = draw_noise(20, 25, 3, seed)
    iv = Intervention.on([0, 1, 2], 12, 0.0) if silence else None
    start = int(rollout(m, noise[:, :1], h0=h0).logits[0, 0].argmax())
    for target in range(3):
        want = kick.hazard(rollout(m, noise, h0=h0, intervention=iv, record="logits").logits, start, target)
        got = kick.switch_hazard(m, noise, h0, start, target, iv, chunk=chunk)
        assert got[1] == want[1] and got[0] == pytest.approx(want[0], abs=1e-12)


# ---------------------------------------------------------------- deep_cluster_mask


def _deep_oracle(out: np.ndarray, margin: int) -> np.ndarray:
    B, T = out.shape
    m = np.zeros((B, T), dtype=bool)
    for b in range(B):
        for t in range(margin, T - margin):
            m[b, t] = all(out[b, t + k] == out[b, t] for k in range(-margin, margin + 1))
    return m


def test_deep_cluster_mask_hand_made():
    out = np.array([[0] * 7 + [1] * 8, [2] * 15])
    got = kick.deep_cluster_mask(out, margin=2)
    # row 0: switch between t = 6 and 7; deep: t in 2..4 (output 0) and 9..12 (output 1)
    assert np.flatnonzero(got[0]).tolist() == [2, 3, 4, 9, 10, 11, 12]
    assert np.flatnonzero(got[1]).tolist() == list(range(2, 13))


@given(seed=st.integers(0, 10_000), margin=st.integers(1, 5))
def test_deep_cluster_mask_loop_oracle(seed, margin):
    rng = np.random.default_rng(seed)
    B, T = int(rng.integers(1, 5)), int(rng.integers(1, 40))
    out = np.repeat(rng.integers(0, 3, (B, T)), rng.integers(1, 8, T), axis=1)[:, :T]  # runs of random lengths
    assert np.array_equal(kick.deep_cluster_mask(out, margin), _deep_oracle(out, margin))


def test_deep_cluster_mask_default_margin():
    out = np.zeros((2, 30), dtype=int)
    out[1, 15] = 1
    assert np.array_equal(kick.deep_cluster_mask(out), _deep_oracle(out, kick.DEEP))


# ---------------------------------------------------------------- matched_random


@given(seed=st.integers(0, 10_000))
def test_matched_random_excludes_kick_and_is_distinct_and_seeded(seed):
    H = 20
    act = np.random.default_rng(seed).random(H)
    group, exclude = [0, 1, 2], {0, 1, 2, 3, 4}
    a = kick.matched_random(H, group, exclude, act, np.random.default_rng(seed))
    b = kick.matched_random(H, group, exclude, act, np.random.default_rng(seed))
    assert a == b
    assert len(a) == len(group) == len(set(a))
    assert not set(a) & exclude
    assert all(0 <= n < H for n in a)


def test_matched_random_pool_one_is_greedy_nearest():
    act = np.array([0.0, 0.5, 1.0, 0.1, 0.45, 0.95, 0.52, 3.0])
    got = kick.matched_random(8, [0, 1, 2], {0, 1, 2}, act, np.random.default_rng(0), pool=1)
    # neuron 0 (0.0) -> 3 (0.1); neuron 1 (0.5) -> 6 (0.52); neuron 2 (1.0) -> 5 (0.95)
    assert got == [3, 6, 5]
    # a neuron never serves twice: the second match of neuron 0 is its next nearest, 4 (0.45)
    assert kick.matched_random(8, [0, 0], {0, 1, 2}, act, np.random.default_rng(0), pool=1) == [3, 4]


def test_matched_random_stays_within_the_activity_pool():
    act = np.linspace(0, 1, 30)
    for s in range(10):
        got = kick.matched_random(30, [10], {10}, act, np.random.default_rng(s), pool=4)
        assert got[0] in {8, 9, 11, 12}


# ---------------------------------------------------------------- zone profile


@given(seed=st.integers(0, 10**6))
def test_zone_profile_uses_the_source_output_of_each_direction_oracle(seed):
    """Loop oracle: per direction a->c, the group's mean z over states of each zone whose output is a;
    the orderings are per direction (transitions of the opposite direction never count)."""
    from hmmrnn.analysis.residency import CLUSTER, KICK, TRANSITION, UNASSIGNED
    rng = np.random.default_rng(seed)
    T, H = 300, 6
    pre = torch.as_tensor(rng.normal(size=(T, H)), dtype=torch.float32)
    zones = rng.choice([CLUSTER, KICK, TRANSITION, UNASSIGNED], size=T)
    outputs = rng.choice([0, 1, 2], size=T)
    groups = {(0, 2): [0, 1], (2, 0): [3, 4, 5], (1, 2): [2], (0, 1): [1, 5]}
    got = kick.zone_profile(groups, zones, pre, outputs)
    P = pre.numpy()
    sd = P.std(0) + 1e-6
    want = {}
    for (a, c), neurons in groups.items():
        row = {}
        for name, z in (("cluster", CLUSTER), ("kick", KICK), ("transition", TRANSITION)):
            nxt = [next((int(o) for o in outputs[t + 1:] if o != outputs[t]), -1) for t in range(T)]
            vals = [P[t, n] / sd[n] for t in range(T) if zones[t] == z and outputs[t] == a and nxt[t] == c
                    for n in neurons]
            row[name] = float(np.mean(vals))
        want[f"{a}->{c}"] = row
    for d in want:
        for k in want[d]:
            assert got["per_direction"][d][k] == pytest.approx(want[d][k], rel=1e-5, abs=1e-6)
    assert got["min_transition_minus_kick"] == pytest.approx(min(r["transition"] - r["kick"] for r in want.values()), abs=1e-5)
    assert got["min_kick_minus_cluster"] == pytest.approx(min(r["kick"] - r["cluster"] for r in want.values()), abs=1e-5)
    assert got["max_cluster_z"] == pytest.approx(max(r["cluster"] for r in want.values()), abs=1e-5)


def test_zone_profile_names_a_zone_too_sparse_to_judge():
    from hmmrnn.analysis.residency import CLUSTER, KICK, TRANSITION
    # direction 0->2 has clusters and kick zones but only 2 transition states
    zones = np.array([CLUSTER] * 4 + [KICK] * 4 + [TRANSITION] * 2 + [CLUSTER] * 2)
    outputs = np.array([0] * 10 + [2] * 2)
    pre = torch.as_tensor(np.random.default_rng(0).normal(size=(12, 2)), dtype=torch.float32)
    with pytest.raises(ClaimError, match=r"fewer than 3 of 12 locations\): 0->2 transition \(2\)"):
        kick.zone_profile({(0, 2): [0, 1]}, zones, pre, outputs)


def test_next_output_hand_made():
    assert kick.next_output(np.array([0, 0, 1, 1, 1, 2, 2, 0])).tolist() == [1, 1, 2, 2, 2, 0, 0, -1]


def test_zone_profile_opposite_transitions_do_not_count():
    from hmmrnn.analysis.residency import CLUSTER, KICK, TRANSITION
    # group 0->2 is -1 in cluster 0, 0 in its kick zone, +1 in its transitions, and -5 in transitions out of 2
    zones = np.array([CLUSTER] * 4 + [KICK] * 4 + [TRANSITION] * 4 + [TRANSITION] * 4 + [CLUSTER])
    outputs = np.array([0] * 12 + [2] * 4 + [0])
    vals = np.array([-1.0] * 4 + [0.0] * 4 + [1.0] * 4 + [-5.0] * 4 + [0.0])
    pre = torch.as_tensor(np.stack([vals, vals], 1), dtype=torch.float32)
    sd = float(vals.std() + 1e-6)
    got = kick.zone_profile({(0, 2): [0, 1]}, zones, pre, outputs)
    assert got["per_direction"]["0->2"] == pytest.approx({"cluster": -1 / sd, "kick": 0.0, "transition": 1 / sd})
    assert got["min_transition_minus_kick"] > 0 and got["max_cluster_z"] < 0


def _kick_run(seed: int, B: int = 8, T: int = 60, H: int = 5):
    """Outputs 0 until step 30, then 1; neuron 2 rises over the kick window (steps 28-30) before the switch,
    every neuron carries small seeded noise."""
    from types import SimpleNamespace
    rng = np.random.default_rng(seed)
    pre = rng.normal(0, 0.1, (B, T, H)).astype(np.float32)
    pre[:, 28:31, 2] += 5.0
    out = np.zeros((B, T), dtype=np.int64)
    out[:, 30:] = 1
    logits = torch.nn.functional.one_hot(torch.from_numpy(out), 2).float()
    return SimpleNamespace(states=torch.from_numpy(pre).relu(), preacts=torch.from_numpy(pre), logits=logits)


def test_discover_finds_the_neuron_that_rises_before_switches_and_pooling_draws_agrees(monkeypatch):
    """One planted kick neuron: found with one draw; pooled over 3 draws it is found with an interval, every
    single draw picks the same group, and one draw gives exactly the unpooled result."""
    seeds = iter(range(100))
    monkeypatch.setattr(kick, "noise_run", lambda model, batch, steps, seed: _kick_run(next(seeds)))
    one = kick.discover(None, seed=0, group_size=1, min_events=8)
    assert one.groups[(0, 1)].neurons == [2] and one.groups[(0, 1)].interval is None
    seeds = iter(range(100))
    pooled = kick.discover(None, seed=0, group_size=1, min_events=8, draws=3).groups[(0, 1)]
    assert pooled.neurons == [2] and pooled.events == 24
    lo, hi = pooled.interval[0]
    assert lo <= pooled.scores[0] <= hi
    assert pooled.stability["same_group_in_single_draws"] == 1.0 and pooled.stability["separated"]
