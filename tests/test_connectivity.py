"""The kick motif in the weights (hmmrnn/analysis/connectivity.py): block means and integrating populations
against loop oracles, a planted motif against the permutation null."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from hmmrnn.analysis import connectivity
from hmmrnn.registry import ClaimError

torch.set_num_threads(1)


# ---------------------------------------------------------------- connectivity.block / integrating_populations


def test_block_hand_made():
    W = np.arange(16.0).reshape(4, 4) + 100 * np.eye(4)  # W[i, j]: from j to i
    assert connectivity.block(W, [0, 1], [2, 3]) == pytest.approx((2 + 3 + 6 + 7) / 4)  # rows = post
    assert connectivity.block(W, [2, 3], [0, 1]) == pytest.approx((8 + 9 + 12 + 13) / 4)
    assert connectivity.block(W, [0, 1], [0, 1]) == pytest.approx((100 + 1 + 4 + 105) / 4)
    assert connectivity.block(W, [0, 1], [0, 1], no_diag=True) == pytest.approx((1 + 4) / 2)
    assert connectivity.block(W, [0, 2, 3], [0, 2, 3], no_diag=True) == pytest.approx((2 + 3 + 8 + 11 + 12 + 14) / 6)
    assert connectivity.block(W, [0, 1], [2, 3], no_diag=True) == pytest.approx(4.5)  # disjoint: nothing to drop
    assert math.isnan(connectivity.block(W, [], [1]))
    assert math.isnan(connectivity.block(W, [1], []))
    assert math.isnan(connectivity.block(W, [2], [2], no_diag=True))  # only a self-connection
    assert connectivity.block(W, [2], [2]) == pytest.approx(110)


@given(seed=st.integers(0, 10_000), same=st.booleans())
def test_block_loop_oracle(seed, same):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 10))
    W = rng.normal(size=(n, n))
    perm = [int(i) for i in rng.permutation(n)]
    k = int(rng.integers(1, n))
    post = perm[:k]
    pre = post if same else perm[k:]
    for no_diag in (False, True):
        vals = [W[i, j] for i in post for j in pre if not (no_diag and i == j)]
        got = connectivity.block(W, post, pre, no_diag)
        if vals:
            assert got == pytest.approx(np.mean(vals), rel=1e-12)
        else:
            assert math.isnan(got)


def test_block_no_diag_excludes_self_connections_whatever_the_order():
    W = np.arange(9.0).reshape(3, 3) + 100 * np.eye(3)
    assert connectivity.block(W, [0, 1], [1, 0], no_diag=True) == pytest.approx(
        connectivity.block(W, [0, 1], [0, 1], no_diag=True))


def test_integrating_populations_hand_made():
    A, B = [0, 1], [2, 3]
    W = np.zeros((8, 8))
    W[np.ix_(A, [4])], W[np.ix_(B, [4])] = 1.0, -1.0  # 4 excites A, inhibits B: product -1
    W[np.ix_(A, [5])], W[np.ix_(B, [5])] = -0.5, 1.0  # 5 excites B: product -0.5
    W[np.ix_(A, [6])], W[np.ix_(B, [6])] = 0.3, 0.3  # 6 excites both: product +0.09
    W[np.ix_(A, [7])], W[np.ix_(B, [7])] = -0.1, 0.2  # 7: product -0.02
    W[np.ix_(A, [1])], W[np.ix_(B, [1])] = 5.0, -5.0  # kick neurons are never candidates
    assert connectivity.integrating_populations(W, A, B, 2) == ([4], [5])
    assert connectivity.integrating_populations(W, A, B, 3) == ([4], [5, 7])
    P, Q = connectivity.integrating_populations(W, A, B, 10)  # more than there are: every non-kick neuron
    assert sorted(P + Q) == [4, 5, 6, 7]


@given(seed=st.integers(0, 10_000))
def test_integrating_populations_loop_oracle(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 20))
    W = rng.normal(size=(n, n))
    perm = [int(i) for i in rng.permutation(n)]
    A, B = perm[:2], perm[2:5]
    size = int(rng.integers(1, n - 4))
    prod = {}
    for j in range(n):
        if j in A or j in B:
            continue
        pa = sum(W[i, j] for i in A) / len(A)
        pb = sum(W[i, j] for i in B) / len(B)
        prod[j] = (pa * pb, pa > pb)
    chosen = sorted(prod, key=lambda j: prod[j][0])[:size]
    P, Q = connectivity.integrating_populations(W, A, B, size)
    assert sorted(P) == sorted(j for j in chosen if prod[j][1])
    assert sorted(Q) == sorted(j for j in chosen if not prod[j][1])


# ---------------------------------------------------------------- connectivity.motif_stats / kick_motif


A_, B_, P_, Q_ = list(range(0, 8)), list(range(8, 16)), list(range(16, 24)), list(range(24, 32))


def _planted(n=40, seed=0, base=0.01) -> np.ndarray:
    """The paper's motif: excitation within kick groups A and B and inhibition across; integrating populations
    P and Q that excite themselves, inhibit each other, P drives A and inhibits B, Q the reverse."""
    W = np.random.default_rng(seed).normal(0, base, size=(n, n))

    def put(post, pre, v):
        W[np.ix_(post, pre)] += v
    put(A_, A_, 1), put(B_, B_, 1), put(A_, B_, -1), put(B_, A_, -1)
    put(P_, P_, 1), put(Q_, Q_, 1), put(P_, Q_, -1), put(Q_, P_, -1)
    put(A_, P_, 1), put(B_, P_, -1), put(B_, Q_, 1), put(A_, Q_, -1)
    return W


def test_motif_stats_recovers_planted_motif():
    s = connectivity.motif_stats(_planted(), A_, B_, 16)
    assert [sorted(p) for p in s["populations"]] == [P_, Q_]  # listed most negative product first
    assert s["sizes"] == (8, 8)
    assert s["kick_within"] == pytest.approx(1, abs=0.02)
    assert s["kick_across"] == pytest.approx(-1, abs=0.02)
    assert s["pop_within"] == pytest.approx(1, abs=0.02)
    assert s["pop_across"] == pytest.approx(-1, abs=0.02)
    assert s["pop_drive_contrast"] == pytest.approx(2, abs=0.02)
    for k, sign in connectivity.SIGNS.items():
        assert np.sign(s[k]) == sign


GROUPS = {(0, 1): A_, (1, 0): B_}


def test_kick_motif_planted_is_far_beyond_the_null():
    r = connectivity.kick_motif(_planted(), GROUPS, seed=0, pop_size=16, n_null=60)
    assert r["groups"] == "0->1 vs 1->0"
    assert r["population_sizes"] == [8, 8]
    for k in connectivity.SIGNS:
        assert r[f"{k}_z"] > 5, k
    assert r["min_z"] == min(r[f"{k}_z"] for k in connectivity.SIGNS)
    order = r["_plot"]["order"]
    assert order[:16] == A_ + B_ and sorted(order[16:24]) == P_ and sorted(order[24:]) == Q_


def test_kick_motif_sign_adjusted():
    # -W reverses every sign-bearing block: their z turn negative. The drive contrast stays positive: the split
    # of the populations is by which group they excite, so the contrast is positive by construction.
    r = connectivity.kick_motif(-_planted(), GROUPS, seed=0, pop_size=16, n_null=60)
    for k in ("kick_within", "kick_across", "pop_within", "pop_across"):
        assert r[f"{k}_z"] < -5, k
    assert r["pop_drive_contrast"] > 0
    assert r["min_z"] < -5


def test_kick_motif_iid_weights_are_null_like():
    W = np.random.default_rng(11).normal(size=(40, 40))
    r = connectivity.kick_motif(W, GROUPS, seed=1, pop_size=16, n_null=100)
    for k in connectivity.SIGNS:
        assert abs(r[f"{k}_z"]) < 3, (k, r[f"{k}_z"])
    # seeded: same seed, same null
    assert connectivity.kick_motif(W, GROUPS, seed=1, pop_size=16, n_null=100)["min_z"] == r["min_z"]


def test_kick_motif_needs_opposite_directions():
    with pytest.raises(ClaimError, match="opposite"):
        connectivity.kick_motif(_planted(), {(0, 1): A_, (1, 2): B_}, seed=0, n_null=2)
    # the pair is found whichever way round the dict lists it; A is the group of the smaller-first direction
    r = connectivity.kick_motif(_planted(), {(1, 0): B_, (0, 1): A_}, seed=0,
                                pop_size=16, n_null=5)
    assert r["groups"] == "0->1 vs 1->0"
    assert r["_plot"]["order"][:16] == A_ + B_
