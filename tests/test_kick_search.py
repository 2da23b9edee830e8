"""The brute-force reference for kick discovery (hmmrnn/analysis/kick_search.py)."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from hmmrnn.analysis import kick_search
from hmmrnn.analysis.kick import KickGroup, KickGroups
from hmmrnn.analysis.common import noise_run
from hmmrnn.rnn import RNN

HYP = settings(max_examples=25)  # the rest from the profile (tests/conftest.py)


@HYP
@given(seed=st.integers(0, 10**6), hidden=st.integers(4, 9), size=st.integers(1, 3))
def test_greedy_is_exhaustive_on_separable_rates(seed, hidden, size):
    """With rate(group) = product of per-neuron factors in (0, 1], greedy with a full shortlist finds the
    exhaustive optimum (brute force over every group of that size)."""
    f = np.random.default_rng(seed).uniform(0.05, 1.0, hidden)

    def rate(ns):
        return float(np.prod(f[ns]))
    got = kick_search.greedy(rate, hidden, size, shortlist=hidden)
    best = min(itertools.combinations(range(hidden), size), key=lambda g: rate(list(g)))
    assert len(got) == len(set(got)) == size
    assert rate(got) == pytest.approx(rate(list(best)))


def test_greedy_later_picks_come_from_the_shortlist():
    """Neuron 5 alone does nothing but with 0 traps everything; a shortlist of 2 (neurons 0 and 1, the
    best alone) cannot see it, a full shortlist does."""
    def rate(ns):
        s = set(ns)
        if {0, 5} <= s:
            return 0.0
        return 0.5 if 0 in s else (0.6 if 1 in s else 1.0)
    assert kick_search.greedy(rate, 6, 2, shortlist=2) == [0, 1]
    assert kick_search.greedy(rate, 6, 2, shortlist=6) == [0, 5]


def test_diagnose_hand_made():
    assert kick_search.diagnose(0.05, 0.9, 0.1) == "traps"
    assert kick_search.diagnose(0.8, 0.04, 0.1) == "harness"
    assert kick_search.diagnose(0.8, 0.40, 0.1) == "model"
    assert kick_search.diagnose(0.8, float("nan"), 0.1) == "too few switches"
    assert kick_search.diagnose(0.1, 0.1, 0.1) == "traps"  # thresholds are inclusive


def test_summary_counts_missed_directions():
    effects = {"0->2": {"ablated_ratio": 0.8}, "2->0": {"ablated_ratio": 0.0}, "1->0": {"ablated_ratio": 0.7}}
    searched = {"0->2": {"neurons": [1, 2, 3], "ratio": 0.05}, "2->0": {"neurons": [4, 5, 6], "ratio": 0.3},
                "1->0": {"neurons": [], "ratio": float("nan")}}
    s = kick_search.summary(effects, searched, 0.1)
    assert s["discovery_missed"] == 1 and s["max_search_ratio"] == pytest.approx(0.3)
    assert s["diagnosis"] == "0->2 harness; 2->0 traps; 1->0 too few switches"


def test_greedy_group_is_seeded_and_searches_every_direction():
    """On a small random net that switches often (every state counts as a cluster start): same seed,
    same groups and ratios; every direction is searched; a ratio is NaN only with an empty group."""
    m = RNN(hidden=24, inputs=8, outputs=3, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        m.weight_hh.mul_(2.0)
    run = noise_run(m, 8, 200, seed=5)
    out = run.logits.argmax(-1).numpy()
    found = KickGroups({d: KickGroup([]) for d in ((0, 1), (1, 0), (2, 0))}, run, out, np.ones_like(out, dtype=bool))
    kw = dict(seed=1, size=2, n_starts=16, rollouts=2, steps=40, shortlist=5)
    a, b = kick_search.greedy_group(m, found, **kw), kick_search.greedy_group(m, found, **kw)
    assert set(a) == {"0->1", "1->0", "2->0"}
    assert any(a[d]["neurons"] for d in a)  # the net switches enough for at least one search
    for d in a:
        assert a[d]["neurons"] == b[d]["neurons"]
        if a[d]["neurons"]:
            assert len(set(a[d]["neurons"])) == 2 and a[d]["ratio"] == b[d]["ratio"] >= 0
        else:
            assert math.isnan(a[d]["ratio"])
